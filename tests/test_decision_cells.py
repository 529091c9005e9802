"""Decision cells as spreadsheets leave them (pipelines/review/decisions.py): a date-time serial in a workbook cell
formatted as a number (=NOW() pasted as a value into a 'General' cell, '46357.395833') is read as its date (it was
refused, 'not a date': only a whole serial was read); a CSV note longer than Python's CSV field limit (128 kB) is
read (78a8275's csv reader refused the whole file as 'not a readable CSV file (Error)' in a process that had not
imported the ingest readers, which raise the limit). Found by HQ9's new-user pass."""

from __future__ import annotations

import csv
import datetime as dt

import polars as pl
import xlsxwriter

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
IDS = [f"ua-{i:016x}" for i in range(3)]
ITEMS = pl.DataFrame(
    {"item_id": IDS, "kind": ["unresolved_address"] * 3, "candidates": [[]] * 3, "name_key": [None] * 3},
    schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
)


def _load(folder):
    return load_decisions(folder, ward_codes={"26740"}, items=ITEMS, today=TODAY)


def test_an_excel_date_time_cell_is_read_as_its_date(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "d.xlsx")
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["item_id", "decision", "reviewer", "decided_on"])
    for row, item in enumerate(IDS, 1):
        sheet.write_row(row, 0, [item, "dismiss", "A"])
    # a date-time formatted as one, and as a number in a 'General' cell (=NOW() pasted as a value): 46357.395833
    sheet.write_datetime(1, 3, dt.datetime(2026, 12, 1, 9, 30), book.add_format({"num_format": "dd/mm/yyyy hh:mm"}))
    sheet.write_number(2, 3, 46357.395833)
    sheet.write_number(3, 3, 46358)
    book.close()
    loaded = _load(tmp_path)
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 2)]


def test_a_long_note_in_a_csv_is_read(tmp_path):
    limit = csv.field_size_limit(131_072)  # Python's default (the ingest readers raise it when imported)
    try:
        _read_long_note(tmp_path)
    finally:
        csv.field_size_limit(limit)


def _read_long_note(tmp_path):
    note = "đã xem " * 40_000  # 280,000 characters
    (tmp_path / "d.csv").write_text(
        f"item_id,decision,reviewer,decided_on,note\n{IDS[0]},dismiss,A,01/12/2026,{note}\n", encoding="utf-8"
    )
    loaded = _load(tmp_path)
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows["note"].to_list() == [note.strip()]
    assert csv.field_size_limit() == 131_072  # the reader leaves the process's limit as it found it
