"""An ID typed into Excel as a number loses its leading zeros; a sheet often shows them again through the cell's number
format ('000000000000': a CCCD 079085001234 is shown, 79085001234 is stored). The CLI (pipelines/cli.py
_read_workbook) read the stored number and only said so (1cde68e). Where the cell's number format declares the width
(a format of zeros only), the zeros are now put back to that width and said per column; a number cell without such a
format is still only counted ('nothing restored')."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.xlsx_layout import zero_padded_cells

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"


def _workbook(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    padded = book.add_format({"num_format": "000000000000"})
    cmnd = book.add_format({"num_format": "000000000"})
    money = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 1, ["so_cccd", "cmnd", "address"])  # the table starts in column B
    sheet.write_number(1, 1, 79085001234, padded)  # shown 079085001234
    sheet.write_number(1, 2, 23456789, cmnd)  # shown 023456789
    sheet.write_string(1, 3, ADDRESS)
    sheet.write_number(2, 1, 51085006789)  # General: nothing declares the width
    sheet.write_number(2, 2, 123456789012, cmnd)  # longer than its format: as it is
    sheet.write_string(2, 3, ADDRESS)
    sheet.write_string(3, 1, "079085004321", padded)  # a text cell keeps its text
    sheet.write_number(3, 2, 5000000, money)  # a number of another format: as it is
    sheet.write_string(3, 3, ADDRESS)
    book.close()


def test_zero_padded_cells_are_read_from_the_styles(tmp_path):
    source = tmp_path / "in.xlsx"
    _workbook(source)
    assert zero_padded_cells(source, "Data") == {(2, 2): 12, (2, 3): 9, (3, 3): 9}
    assert zero_padded_cells(source, "Nope") == {}


def test_number_cells_with_a_zero_padded_format_get_their_zeros_back(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source)
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["so_cccd"].to_list() == ["079085001234", "51085006789", "079085004321"]
    assert written["cmnd"].to_list() == ["023456789", "123456789012", "5000000"]
    out_text = result.output
    assert "column 'so_cccd': 1 number cell given back its leading zeros to the 12 digits" in out_text, out_text
    assert "column 'cmnd': 1 number cell given back its leading zeros to the 9 digits" in out_text
    # the General cell is still said, and the other number cells of the cmnd column (no declared width) too
    assert "column 'so_cccd': 1 cell is a number in the workbook, not text (row 3)" in out_text, out_text
    assert "column 'cmnd': 1 cell is a number in the workbook, not text (row 4)" in out_text, out_text
    assert "079085001234" not in out_text and "79085001234" not in out_text
