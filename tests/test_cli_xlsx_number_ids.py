"""A workbook read by `wardbridge resolve` / `match` (pipelines/cli.py _read_workbook) whose ID column holds cells typed
as numbers (a CCCD 079085001234 typed into Excel is the number 79085001234: its leading zero is gone) is said on
stderr per column: how many such cells and their sheet rows, never a value, and nothing is restored (the CLI knows no
field). Before, the cells were read as their digits silently. Ingestion marks the same cells (readers.xlsx_number_cells)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from click.testing import CliRunner

import pipelines.ingest.readers as readers
from pipelines.cli import main

ADDRESSES = ["12 Lê Lợi, Phường Bến Nghé, Quận 1", "Phường 5, Quận 3"]


def _workbook(path: Path, rows: list[list[object]], at: tuple[int, int] = (0, 0)) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(at[0] + r, at[1] + c, value)
    book.close()


def _resolve(source: Path, out: Path):
    return CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )


ROWS = [
    ["so_cccd", "so_nha", "address"],
    ["079085001234", 12, ADDRESSES[0]],  # text: keeps its zero
    [79085004321, 7, ADDRESSES[1]],  # a number cell: its zero gone
    [None, None, None],  # a blank row (skipped, said)
    [True, 3, ADDRESSES[1]],  # a boolean cell: not a number
    [51085006789, 5, ADDRESSES[0]],  # a number cell
]


def test_number_cells_of_an_id_column_are_counted_per_column_with_their_sheet_rows(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source, ROWS, at=(1, 0))  # the header on sheet row 2
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert (
        "in.xlsx: sheet 'Data': column 'so_cccd': 2 cells are numbers in the workbook, not text (rows 4, 7): an ID "
        "typed as a number has lost its leading zeros" in result.output
    ), result.output
    assert "nothing restored" in result.output
    assert "so_nha" not in result.output  # short numbers (a house number) are no ID cut short
    for value in ("79085004321", "51085006789", "079085001234"):
        assert value not in result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["so_cccd"].to_list() == ["079085001234", "79085004321", "true", "51085006789"]  # as read


def test_an_id_column_typed_as_text_says_nothing(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source, [["so_cccd", "address"], ["079085001234", ADDRESSES[0]], ["79085004321", ADDRESSES[1]]])
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "in the workbook, not text" not in result.output


def test_when_the_sheet_cannot_be_read_again_the_cells_that_may_be_numbers_are_counted(tmp_path, monkeypatch):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source, ROWS)
    # the second read failed (the file replaced meanwhile): readers.xlsx_number_cells marks nothing, counts the sheet
    monkeypatch.setattr(readers, "xlsx_number_cells", lambda reader, name, header, sheet, placed: ({}, {0: 9}))
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert (
        "column 'so_cccd': 2 cells of 8 digits or more may be numbers in the workbook, not text (the sheet could "
        "not be read again to tell)" in result.output
    ), result.output
