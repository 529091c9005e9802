"""A workbook cell holding an Excel error (``#REF!``, ``#N/A``, ``#DIV/0!``: a formula that failed, saved with ``t="e"``)
is read as empty by the xlsx library. `wardbridge resolve`/`match` (pipelines/cli.py _read_workbook) passed that on
silently: an address '#REF!' became 'empty after removing control characters and spaces'. Now such cells are said on
stderr per column with their sheet rows (xlsx_layout reads them from the sheet's XML); the value is still empty."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.xlsx_layout import read_layouts
from tests.xlsxhelpers import with_sheet_xml

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"


def with_error_cells(path: Path, rows: list[list], errors: dict[str, str], at: tuple[int, int] = (0, 0)) -> None:
    """``rows`` written from ``at``; the cells named in ``errors`` ('B4' -> '#REF!') hold that error, as Excel saves a
    failed formula (xlsxwriter writes a formula with the cached value 0: the XML is changed after)."""
    plain = path.with_suffix(".plain.xlsx")
    book = xlsxwriter.Workbook(str(plain))
    sheet = book.add_worksheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(at[0] + r, at[1] + c, value)
    for ref in errors:
        sheet.write_formula(ref, "=1/0")
    book.close()

    def with_errors(text: str) -> str:
        for ref, error in errors.items():
            text = re.sub(
                rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v>[^<]*</v></c>',
                rf'<c r="{ref}"\1 t="e"><f>\2</f><v>{error}</v></c>',
                text,
            )
        return text

    with_sheet_xml(plain, path, with_errors)


def test_error_cells_are_found_in_the_layout(tmp_path):
    source = tmp_path / "in.xlsx"
    with_error_cells(source, [["id", "address"], ["1", ADDRESS]], {"B3": "#REF!", "C2": "#N/A"})
    assert sorted(read_layouts(source)["Data"].errors) == [(2, 3), (3, 2)]


def test_error_cells_are_said_per_column_with_their_rows(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    rows = [["id", "address", "x"], ["1", ADDRESS, None], ["2", None, "a"], ["3", None, "b"], ["4", ADDRESS, "c"]]
    with_error_cells(source, rows, {"C3": "#REF!", "C4": "#N/A", "D5": "#DIV/0!"}, at=(0, 1))
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    said = result.output
    assert "sheet 'Data': column 'address': 2 cells hold an Excel error (rows 3, 4)" in said, said
    assert "sheet 'Data': column 'x': 1 cell holds an Excel error (row 5)" in said, said
    assert "read as empty" in said
    written = pl.read_csv(out, infer_schema=False)
    assert written["address"].to_list() == [ADDRESS, None, None, ADDRESS]


def test_ingestion_counts_error_cells_per_field(tmp_path):
    from tests.ingesthelpers import ingest_note
    from tests.test_row_contracts import _catalogue

    rows = [["ma", "ho_ten", "ngay_sinh", "dia_chi", "ghi_chu"]]
    rows += [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS, "x"] for i in range(1, 5)]
    with_error_cells(tmp_path / "p.xlsx", rows, {"D3": "#REF!", "E4": "#N/A"})
    columns = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", columns, key_column="ma")
    note, _ = ingest_note(tmp_path / "wh", "population", catalogue)
    assert "cells holding an Excel error (#REF!, #N/A...: read as empty): address 1, ghi_chu 1" in note, note


# the header as catalogued, and in other case (read by the catalogue's names: raw._names_as_catalogued; the error
# marks named the header's column and were lost, the reason said 'missing': ff2b1e3)
@pytest.mark.parametrize("header", [["ma", "ho_ten", "ngay_sinh", "dia_chi"], ["MA", "Ho_Ten", "NGAY_SINH", "DIA_CHI"]])
def test_a_row_quarantined_for_an_error_cell_says_so_not_missing(tmp_path, header):
    from pipelines.ingest.stage import account, stage
    from tests.test_row_contracts import _load

    rows = [header]
    rows += [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS] for i in range(1, 5)]
    rows.append(["5", "Trần Thị Bình", "01/02/1980", None])  # empty in the source: 'missing' as before
    with_error_cells(tmp_path / "p.xlsx", rows, {"D3": "#REF!"})
    columns = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", columns, key_column="ma")
    flags = dict(zip(loaded.frame["source_key"], loaded.frame["row_flags"], strict=True))
    assert flags["2"] == "excel_error:address" and flags["5"] is None, flags
    result = stage(loaded.frame, "population")
    assert account(loaded.frame, result)["balanced"]
    reasons = dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))
    assert reasons == {
        "2": "address: an Excel error in the workbook (a formula that failed: #REF!, #N/A..., or was never "
        "calculated: no result saved), read as empty",
        "5": "address: missing",
    }, reasons
