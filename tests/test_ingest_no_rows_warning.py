"""A file holding its header and no row loads as an empty partition, and the run said nothing (a note '0 raw -> 0
staged' at INFO): an export that stopped before its rows, or a re-delivery that emptied a partition, went unnoticed.
Now it is a warning a person can act on, naming the partition and the file; a file with rows gives none."""

from __future__ import annotations

import logging

from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]


def test_a_file_with_a_header_only_is_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "header.csv", (",".join(HEADER) + "\n\n").encode())
    assert got.state == "ok" and got.raw.height == 0
    (warning,) = [w for w in _warnings(caplog) if "has no rows" in w]
    assert warning.startswith("bad@2025-08-31: header.csv has no rows (a header only)")


def test_a_file_with_rows_gives_no_such_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "rows.csv", _csv(ROWS).encode())
    assert got.state == "ok" and got.raw.height == 3
    assert not [w for w in _warnings(caplog) if "has no rows" in w]
