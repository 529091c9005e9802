"""A file cut off mid-row loads (its other rows are good) but the run says so, as a warning a person can act on.

The reader quarantines the last, incomplete line ("file ends mid-row ... (truncated)"); before, the partition
was recorded "ok" and the run printed no warning line: half an extract could go missing unnoticed. The partition's
ingest status (the data engineer's record) names the cut as its cause; the officials' review queues leave the line out
(tests/test_review.py).
"""

from __future__ import annotations

import logging

from tests.test_bad_inputs import ROWS, _csv, _ingest


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]


def test_a_file_cut_off_mid_row_is_a_warning(tmp_path, caplog):
    text = _csv(ROWS)
    cut = text[: text.rindex("Phường Bến Thành")]  # inside the last row's address, no newline at the end
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "cut.csv", cut.encode("utf-8"))
    assert got.state == "ok" and got.staged.height == 2 and got.quarantine.height == 1
    (warning,) = [w for w in _warnings(caplog) if "ends mid-row" in w]
    assert "cut.csv" in warning and not [v for v in ROWS[-1][2:5] if v in warning]
    # the data engineer's record of the partition says so too (the cut line is not an officials' review item)
    assert got.cause is not None and "ends mid-row" in got.cause and "fetch the file again" in got.cause


def test_a_whole_file_gives_no_such_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "whole.csv", _csv(ROWS).encode("utf-8"))
    assert got.state == "ok" and got.quarantine.height == 0 and got.cause is None
    assert not [w for w in _warnings(caplog) if "ends mid-row" in w]
