"""A sheet whose table starts right of column A (a blank first column, common in official lists): the second read
that tells number cells from text (readers.xlsx_number_cells) named its columns by their place in the table, while the
xlsx library takes a place in the sheet. So the read failed (every such cell counted as 'not told', leading zeros
not restored, a warning to load again) or, with the table further right, marked the column to the left of the one
asked for. Now the places are the sheet's; ingestion and `wardbridge resolve`/`match` read the marks right."""

from __future__ import annotations

import polars as pl
import pytest
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main
from tests.test_number_cells_xlsx_sql import COLUMNS, _check, _rows
from tests.test_row_contracts import MIXED_COLUMNS, _load


def _offset_workbook(path, left: int) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, left, COLUMNS)
    for i, row in enumerate(_rows(), start=1):
        for j, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(i, left + j, value)
            elif value is not None:
                sheet.write_string(i, left + j, value)
    book.close()


@pytest.mark.parametrize("left", [1, 3])
def test_ingestion_marks_number_cells_of_a_table_right_of_column_a(tmp_path, left):
    _offset_workbook(tmp_path / "n.xlsx", left)
    loaded = _load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma")
    assert not loaded.numbers_unknown
    _check(loaded.frame)


@pytest.mark.parametrize("left", [1, 3])
def test_the_cli_counts_number_cells_of_a_table_right_of_column_a(tmp_path, left):
    _offset_workbook(tmp_path / "n.xlsx", left)
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(tmp_path / "n.xlsx"), "--column", "dia_chi", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "could not be read again" not in result.output
    assert "column 'so_cmnd_cccd': 3 cells are numbers in the workbook, not text (rows 2, 3, 5)" in result.output
    assert "column 'cmnd': 1 cell is a number in the workbook" in result.output
    assert pl.read_csv(out, infer_schema=False).height == len(_rows())
