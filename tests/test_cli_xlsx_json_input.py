"""`wardbridge resolve` and `wardbridge match` read a workbook (.xlsx: the first sheet, or --sheet) and JSON (an
array of objects, or JSON Lines) through the same reader as CSV (pipelines/cli.py ``read_table``), with the same
checks and messages, rows named as the user sees them (a workbook's spreadsheet row, a JSON Lines file's line).

Before, both commands refused these files (exit 2: 'save it as CSV UTF-8 or Parquet first')."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
ADDRESSES = ["12 Lê Lợi, Phường Bến Nghé, Quận 1", "Phường 5, Quận 3"]


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _workbook(path: Path, sheets: dict[str, list[list[object]]], at: tuple[int, int] = (0, 0)) -> None:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(at[0] + r, at[1] + c, value)
    book.close()


def test_resolve_reads_a_workbook_sheet_as_text_with_its_header_found_and_blank_rows_skipped(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    rows = [["id", "address"], ["001", ADDRESSES[0]], [None, None], [7, ADDRESSES[1]]]
    _workbook(source, {"Ghi chú": [["notes only"]], "Data": rows}, at=(2, 1))  # the header on row 3, from column B
    result = _run("resolve", "--input", str(source), "--sheet", "Data", "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "sheet 'Data': 1 blank row skipped (row 5)" in result.output  # as the spreadsheet numbers it
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["001", "7"]  # text kept as written, a number as its digits
    assert written["status"].to_list() == ["exact", "exact"]


def test_the_first_sheet_is_read_unless_sheet_says_and_a_missing_sheet_is_named(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source, {"A": [["address"], [ADDRESSES[0]]], "B": [["address"], [ADDRESSES[1]]]})
    result = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "the first of 2 sheets read ('A'); --sheet NAME reads another" in result.output
    assert pl.read_csv(out)["address"].to_list() == [ADDRESSES[0]]
    missing = _run("resolve", "--input", str(source), "--sheet", "C", "--column", "address", "--output", str(out))
    assert missing.exit_code == 2 and "no sheet 'C'; its sheets are: 'A', 'B'" in missing.output
    csv = tmp_path / "in.csv"
    csv.write_text("address\nx\n", encoding="utf-8")
    wrong = _run("resolve", "--input", str(csv), "--sheet", "A", "--column", "address", "--output", str(out))
    assert wrong.exit_code == 2 and "--sheet is for a workbook (.xlsx)" in wrong.output


def test_resolve_reads_a_json_array_and_json_lines(tmp_path):
    array, lines, out = tmp_path / "in.json", tmp_path / "in.jsonl", tmp_path / "out.csv"
    array.write_text(
        json.dumps([{"id": "001", "address": ADDRESSES[0]}, {"id": 2, "address": ADDRESSES[1], "ok": True}]),
        encoding="utf-8",
    )
    result = _run("resolve", "--input", str(array), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written.columns[:3] == ["id", "address", "ok"] and written["id"].to_list() == ["001", "2"]
    assert written["ok"].to_list() == [None, "true"] and written["status"].to_list() == ["exact", "exact"]
    lines.write_text(
        "\n".join(json.dumps({"address": a}, ensure_ascii=False) for a in ADDRESSES) + "\n[1]\n", encoding="utf-8"
    )
    bad = _run("resolve", "--input", str(lines), "--column", "address", "--output", str(out))
    assert bad.exit_code == 1 and "line 3 is an array, not an object" in bad.output


def test_match_reads_a_workbook_and_names_a_row_without_an_id_by_its_spreadsheet_row(tmp_path):
    customers = pl.read_csv(CUSTOMERS, infer_schema=False)
    source, out = tmp_path / "customers.xlsx", tmp_path / "out.csv"
    _workbook(source, {"Customers": [customers.columns, *[list(r) for r in customers.rows()]]})
    result = _run("match", "--input", str(source), "--spec", str(SPEC), "--output", str(out))
    assert result.exit_code == 0, result.output
    csv_out = tmp_path / "csv_out.csv"
    assert _run("match", "--input", str(CUSTOMERS), "--spec", str(SPEC), "--output", str(csv_out)).exit_code == 0
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(csv_out, infer_schema=False))  # the CSV's result
    rows = [list(r) for r in customers.rows()]
    rows[4][0] = None  # the record on spreadsheet row 6 (the header on row 1) has no id
    _workbook(source, {"Customers": [customers.columns, *rows]})
    refused = _run("match", "--input", str(source), "--spec", str(SPEC), "--output", str(out))
    assert refused.exit_code != 0
    assert "1 rows have no 'customer_id' (sheet 'Customers' row 6)" in refused.output, refused.output


def test_match_reads_json_lines_and_names_rows_by_line(tmp_path):
    customers = pl.read_csv(CUSTOMERS, infer_schema=False)
    source, out = tmp_path / "customers.jsonl", tmp_path / "out.csv"
    records = customers.to_dicts()
    records[2]["customer_id"] = None
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    refused = _run("match", "--input", str(source), "--spec", str(SPEC), "--output", str(out))
    assert "1 rows have no 'customer_id' (line 3)" in refused.output, refused.output


def test_a_date_cell_reads_as_its_date(tmp_path):
    """calamine gives a date cell as '1990-03-15 00:00:00': read as the date the sheet shows ('--as-of dob' reads
    it); a time of day is kept."""
    import datetime as dt

    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    book = xlsxwriter.Workbook(str(source))
    sheet, shown = book.add_worksheet(), book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["address", "dob", "seen"])
    sheet.write(1, 0, ADDRESSES[1])
    sheet.write_datetime(1, 1, dt.datetime(2024, 3, 15), shown)
    sheet.write_datetime(1, 2, dt.datetime(2024, 3, 15, 9, 30), shown)
    book.close()
    result = _run("resolve", "--input", str(source), "--column", "address", "--as-of", "dob", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["dob"].to_list() == ["2024-03-15"] and written["seen"].to_list() == ["2024-03-15 09:30:00"]
    assert "unreadable" not in result.output and written["status"].to_list() == ["exact"]


def test_labels_from_a_workbook_name_rows_as_the_spreadsheet_does(tmp_path, capsys):
    """--labels may be a workbook (a ward file filled in): a pair judged both ways, or a verdict not understood, is
    named by its sheet row. Before, such a file went through read_table but the message's row lookup refused the
    extension ('unsupported file extension')."""
    import pytest

    from pipelines.cli import _read_verdicts

    path = tmp_path / "labels.xlsx"
    rows = [["left_id", "right_id", "label"], ["A1", "B2", "same"], ["C3", "D4", "different"], ["B2", "A1", "no"]]
    _workbook(path, {"Pairs": rows}, at=(1, 0))  # the header on sheet row 2
    with pytest.raises(Exception, match=r"the first at sheet 'Pairs' row 5"):
        _read_verdicts(path, "--labels")
    rows[3][2] = "different"
    _workbook(path, {"Pairs": rows}, at=(1, 0))
    same, different = _read_verdicts(path, "--labels")
    assert same.rows() == [("A1", "B2")] and different.rows() == [("C3", "D4"), ("B2", "A1")]
    assert "(2 rows, the first at sheet 'Pairs' row 3)" in capsys.readouterr().err


def test_json_lines_end_at_line_feeds_only(tmp_path):
    """A JSON string may hold U+2028 (or U+0085, \\x1c) as it is (json.dumps with ensure_ascii=False writes it so):
    it is no line end. str.splitlines() split there: the file was refused ('line 1: not a JSON object') and later
    lines misnumbered (HV1's review)."""
    source, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    records = [{"id": "1", "address": "12 Lê Lợi,\u2028Phường Bến Nghé, Quận 1"}, {"id": "2", "note": "a\x1cb\u0085c"}]
    source.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\r\n[]\r\n", encoding="utf-8")
    refused = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert refused.exit_code == 1 and "line 3 is an array, not an object" in refused.output, refused.output
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["address"].to_list() == [records[0]["address"], None]
    assert written["note"].to_list() == [None, "a\x1cb\u0085c"]


def test_unread_as_of_dates_are_named_by_sheet_row(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    rows = [["address", "ngay"], [ADDRESSES[0], "2024-03-15"], [ADDRESSES[1], "31/02/2024"], [None, None]]
    rows.append([ADDRESSES[1], "hôm qua"])
    _workbook(source, {"Data": rows}, at=(3, 0))  # the header on sheet row 4
    result = _run("resolve", "--input", str(source), "--column", "address", "--as-of", "ngay", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "2 of 3 cell(s) are written but not dates (sheet 'Data' rows 6, 8;" in result.output, result.output
