"""A CSV whose header is under a title line ('DANH SÁCH HỘ GIA ĐÌNH PHƯỜNG 5', as government lists are exported, or
'DANH SÁCH,,,,,,' saved from a sheet) failed its partition: line 1 was read as the header, every required column
'missing'. A workbook's header is looked for in its sheets' first 30 rows; a CSV's now too when the catalogue sets no
header_row and its first line names too few of the catalogue's columns. Rows keep the file's line numbers; a file
whose first line is its header reads as before, and a file with no such line still fails naming its first line."""

from __future__ import annotations

from tests.test_bad_inputs import ROWS, _csv, _ingest


def test_a_title_line_above_the_header_is_no_header(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][0] = ""  # no key: named by its line, the file's (title 1, blank 2, header 3: row 2 is line 5)
    for name, title in (("t1.csv", "DANH SÁCH HỘ GIA ĐÌNH PHƯỜNG 5\n\n"), ("t2.csv", "DANH SÁCH HỘ,,,,,,\n,,,,,,\n")):
        result = _ingest(tmp_path, "csv", name, (title + _csv(rows)).encode())
        assert result.state == "ok", result.cause
        assert sorted(result.staged["source_key"]) == ["1", "3", "line:5"], name
        assert result.quarantine.height == 0


def test_no_header_in_the_first_lines_still_fails_naming_line_1(tmp_path):
    result = _ingest(
        tmp_path, "csv", "none.csv", ("TITLE\n" + _csv(ROWS, header=["a", "b", "c", "d", "e", "f", "g"])).encode()
    )
    assert result.state == "failed" and "the header (line 1)" in result.cause, result.cause
