"""A workbook read by `wardbridge resolve` / `match` (pipelines/cli.py _read_workbook) with a cell merged down over data
rows (a household's address merged over its members' rows, a common layout of official lists) holds the value in the
range's top cell only: the CLI read the rows below as empty (no address: unresolved), where ingestion gives them the
merged value (readers.fill_merged_down). The CLI now fills them the same way, and says how many cells it filled."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"


def _workbook(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    sheet.write_row(1, 0, ["ho_ten", "address", "ghi_chu"])  # a title row above, left empty
    for r, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"], start=2):
        sheet.write(r, 0, name)
    sheet.merge_range(2, 1, 4, 1, ADDRESS)  # the address merged down the three members' rows
    sheet.write(5, 0, "Phạm Thị Dung")
    sheet.write(5, 1, "Phường 5, Quận 3")
    sheet.merge_range(6, 0, 6, 2, "Tổng: 4 người")  # a total merged across: not filled down, nothing below it
    book.close()


def test_cells_under_a_merged_cell_get_its_value(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source)
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["address"].to_list() == [ADDRESS, ADDRESS, ADDRESS, "Phường 5, Quận 3", None]
    assert written["ho_ten"].to_list()[-1] == "Tổng: 4 người"
    assert written["ghi_chu"].null_count() == 5  # a range merged across columns fills nothing to its right
    assert "sheet 'Data': 2 cells under merged cells given the merged value (column 'address')" in result.output
    assert ADDRESS not in result.output
