"""Excel's delimiter line ``sep=;`` above a CSV's header (Excel writes it, and reads the file by it, when asked to keep
the delimiter with the file): `wardbridge resolve`/`match` read it as no row since HQ15, ingestion did not: the line was
read as the header ('sep=' and an empty name), every required column was missing and the partition failed. It is no
row now: the header is the line under it, rows are still named by the file's lines. When it names another delimiter
than the catalogue's, the partition fails saying which to declare (reading by either would be a guess)."""

from __future__ import annotations

from tests.test_bad_inputs import ROWS, _csv, _ingest


def _semicolons(rows: list[list[str]] = ROWS) -> str:
    return _csv([[v.replace(",", "") for v in row] for row in rows]).replace(",", ";")


def test_excel_sep_line_is_no_row(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][0] = ""  # no key: the row is named by its line, the file's (sep line 1, header line 2)
    text = "\ufeffsep=;\r\n" + _semicolons(rows).replace("\n", "\r\n")
    result = _ingest(tmp_path, "csv", "sep.csv", text.encode(), 'delimiter = ";"\n')
    assert result.state == "ok", result.cause
    assert result.raw.height == 3 and result.quarantine.height == 0
    assert sorted(result.staged["source_key"]) == ["1", "3", "line:4"]
    assert set(result.staged["head_name"]) == {row[2] for row in ROWS}


def test_a_sep_line_naming_another_delimiter_fails_saying_so(tmp_path):
    result = _ingest(tmp_path, "csv", "sep2.csv", ("SEP=;\n" + _semicolons()).encode())
    assert result.state == "failed"
    assert "line 1 'sep=;'" in result.cause and 'delimiter = ";"' in result.cause, result.cause
