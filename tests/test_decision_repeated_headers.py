"""Two review files pasted into one sheet or CSV (an official collecting a ward's sheets, or two wards' files): the
second file's header rows (Vietnamese and English) sit among the decisions. They hold no decision; each was reported
as a row with a bad item id, decision, date and ward (5 errors a row: 'not a date', 'not a decision', ...), failing
decision_rows_valid with causes that sent the official looking for a wrong date (pipelines/review/decisions.py,
_repeated_headers)."""

from __future__ import annotations

import csv
import datetime as dt

import polars as pl
import xlsxwriter

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
UA = [f"ua-{i:016x}" for i in range(3)]
VI = ["Mã mục", "Quyết định", "Người duyệt", "Ngày quyết định", "Ghi chú", "Mã phường/xã mới"]
EN = ["item_id", "decision", "reviewer", "decided_on", "note", "new_ward_code"]


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": UA, "kind": ["unresolved_address"] * 3, "candidates": [[]] * 3, "name_key": [None] * 3},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _rows() -> list[list[str]]:
    return [
        VI,
        EN,
        [UA[0], "dismiss", "A", "01/12/2026", "", ""],
        VI,  # the second file's two header rows
        EN,
        [UA[1], "dismiss", "A", "01/12/2026", "", ""],
        ["Decision", "Item ID", "", "", "", ""],  # not a header of these columns: a row like any other
    ]


def test_pasted_header_rows_of_a_csv_are_no_rows(tmp_path):
    with open(tmp_path / "merged.csv", "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(_rows())
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=_items(), today=TODAY)
    assert loaded.rows["item_id"].to_list() == UA[:2]
    assert loaded.rows["source_row"].to_list() == [3, 6]  # spreadsheet rows as the file numbers them
    assert set(loaded.errors["source_row"].to_list()) == {7}, loaded.errors  # before: rows 4 and 5 too
    assert loaded.rows_rejected == 1


def test_pasted_header_rows_of_a_workbook_sheet_are_no_rows(tmp_path):
    with xlsxwriter.Workbook(str(tmp_path / "merged.xlsx")) as book:
        sheet = book.add_worksheet("unresolved_address")
        for r, row in enumerate(_rows()[:-1]):
            sheet.write_row(r, 0, row)
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=_items(), today=TODAY)
    assert loaded.rows["item_id"].to_list() == UA[:2]
    assert loaded.errors.height == 0, loaded.errors
