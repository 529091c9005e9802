"""A CSV source whose file is separated by another delimiter than the catalogue's reads as one column, and the
partition's cause asks 'is the delimiter really ...?' when that one header name holds another separator. A TAB-separated
file (Excel's 'Unicode text', the commonest other export) never got the hint: the reader takes control characters out
of header names, tabs too, so the one name held no separator any more and the cause said only that the required
columns were missing. Now a one-column header running several of the catalogue's column names together gets the hint
too, naming the tab; the cause still quotes no header cell."""

from __future__ import annotations

import pytest

from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _csv, _ingest


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"], ids=["tab", "semicolon", "pipe"])
def test_a_file_in_another_delimiter_names_the_delimiter(tmp_path, delimiter):
    text = _csv(ROWS).replace(",", delimiter)
    got = _ingest(tmp_path, "csv", "other.csv", text.encode("utf-8"))
    assert got.state == "failed"
    assert "is the delimiter really ','?" in got.cause, got.cause
    assert not [v for v in [*PERSONAL, *HEADER[1:]] if v in got.cause.split("missing", 1)[1]]


def test_a_one_column_header_of_another_name_gets_no_delimiter_hint(tmp_path):
    got = _ingest(tmp_path, "csv", "one.csv", b"something\nx\n")
    assert got.state == "failed" and "delimiter" not in got.cause
