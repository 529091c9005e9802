"""A CSV's final line end followed only by whitespace is a final line end; and the warning for a last row with no
line end says what is not checked and where (HV23).

1. A file ending '...\\n   ' (spaces or tabs after its last line end: an editor, a concatenation) was warned of as
   'no line end after its last row (line N) ... its last value may be incomplete', though line N had its line end:
   text after the last line end that is only whitespace is no row (a blank line, as with a line end after it).
2. A file with no final line end cut inside its last value is caught only when the cut leaves that value shorter
   than every other value of its column (d799be2); a cut that leaves it as long ('12' members cut to '1' among '3'
   and '2') is read as whole. That cannot be told from a whole value cheaply (any length is a possible value), so the
   row is read as d799be2 wants, and the warning now names the column, the line and the one cut it catches."""

from __future__ import annotations

import logging

import pytest

from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _csv, _ingest
from tests.test_csv_last_row_no_line_end import UNENDED, _said


@pytest.mark.parametrize("tail", ["  ", "\t", " \t ", "\n  ", "\r\n\t"])
def test_whitespace_after_the_last_line_end_is_no_missing_line_end(tmp_path, caplog, tail):
    text = _csv(ROWS) + tail
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "trailing.csv", text.encode("utf-8"))
    assert got.state == "ok" and got.cause is None
    assert sorted(got.staged["source_key"]) == ["1", "2", "3"] and got.quarantine.height == 0
    assert _said(caplog) == [], _said(caplog)


def test_whitespace_after_a_last_row_without_a_line_end_is_still_said(tmp_path, caplog):
    """Spaces at the end of the last row itself (no line end anywhere after it) are part of its last value."""
    text = _csv(ROWS).removesuffix("\n") + "  "
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "spaces.csv", text.encode("utf-8"))
    assert sorted(got.staged["source_key"]) == ["1", "2", "3"]
    (warning,) = _said(caplog)
    assert UNENDED in warning and "line 4" in warning


def test_a_cut_that_leaves_the_last_value_as_long_as_others_is_said_with_its_column_and_line(tmp_path, caplog):
    rows = [r[:5] + [m] + r[6:] for r, m in zip(ROWS, ["3", "2", "12"], strict=True)]
    order = [0, 1, 2, 3, 4, 6, 5]  # so_nhan_khau (members) last: '12' cut to '1'
    text = _csv([[r[i] for i in order] for r in rows], [HEADER[i] for i in order]).removesuffix("\n")[:-1]
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "members_cut.csv", text.encode("utf-8"))
    assert sorted(got.staged["source_key"]) == ["1", "2", "3"]  # not detectable: read, as a whole last row is
    (warning,) = _said(caplog)
    assert "members_cut.csv" in warning and "line 4" in warning, warning
    assert "column 'so_nhan_khau'" in warning and "shorter than every other value" in warning, warning
    assert not [v for v in PERSONAL if v in warning]
