"""A workbook cell holding a formula whose result was never calculated: a program wrote the workbook (openpyxl saves a
formula with an empty value, EPPlus and others with none) and nobody opened it in Excel before it was exported. The
xlsx library reads such a cell as empty, so an address '=B2&", "&C2' was 'address: missing' (quarantined as if the
source had none) and a date or ID was staged as null, flagged 'missing': a value that cannot be read, turned into a
null silently. Now such cells are found in the sheet's XML as cells holding an Excel error are (xlsx_layout) and take
that path: counted per column, the row's reason says the cell was a formula with no result saved, never 'missing'.
Such a cell (or one holding an Excel error) in a field whose 'missing' no policy says (a registration date, an ID) was
staged empty with nothing on its row: its 'issues' say so now.
A formula whose saved result is an empty text (Excel's t="str" with an empty value) is an empty cell, as before."""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.stage import EXCEL_ERROR_WHY
from pipelines.ingest.xlsx_layout import read_layouts
from tests.test_bad_inputs import HEADER, ROWS, _ingest
from tests.xlsxhelpers import with_sheet_xml

# how writers leave a formula's result out: openpyxl (an empty value), EPPlus (no value), a shared formula's copy
NO_RESULT = {
    "openpyxl": r'<c r="\1"\2><f>\3</f><v></v></c>',
    "openpyxl_lxml": r'<c r="\1"\2><f>\3</f><v/></c>',
    "none": r'<c r="\1"\2><f>\3</f></c>',
    "shared": r'<c r="\1"\2><f t="shared" si="0"/></c>',
    "empty_text": r'<c r="\1"\2 t="str"><f>\3</f><v></v></c>',  # Excel: the formula's result is '' (not uncalculated)
}


def workbook(path: Path, rows: list[list[str]], formulas: dict[str, str]) -> bytes:
    """``rows`` under HEADER; each cell named in ``formulas`` ('E2' -> a NO_RESULT key) a formula saved that way."""
    plain = path.with_suffix(".plain.xlsx")
    book = xlsxwriter.Workbook(str(plain))
    sheet = book.add_worksheet("Sheet1")
    for i, row in enumerate([HEADER, *rows]):
        for j, value in enumerate(row):
            sheet.write_string(i, j, value)
    for ref in formulas:
        sheet.write_formula(ref, '="x"')
    book.close()

    def without_results(text: str) -> str:
        for ref, how in formulas.items():
            text, n = re.subn(rf'<c r="({ref})"([^>]*)><f>([^<]*)</f><v>[^<]*</v></c>', NO_RESULT[how], text)
            assert n == 1
        return text

    with_sheet_xml(plain, path, without_results)
    return path.read_bytes()


def test_formulas_without_a_result_are_found(tmp_path):
    formulas = {"E2": "openpyxl", "E3": "openpyxl_lxml", "G3": "none", "E4": "shared", "G4": "empty_text"}
    workbook(tmp_path / "f.xlsx", ROWS, formulas)
    (layout,) = read_layouts(tmp_path / "f.xlsx").values()
    assert sorted(layout.errors) == [(2, 5), (3, 5), (3, 7), (4, 5)]  # (row, column): not G4, an empty text


def test_an_uncalculated_formula_is_never_read_as_missing(tmp_path):
    data = workbook(tmp_path / "made.xlsx", ROWS, {"E2": "openpyxl", "D3": "none", "G3": "shared", "E4": "empty_text"})
    result = _ingest(tmp_path, "xlsx", "f.xlsx", data)
    assert result.state == "ok", result.cause
    reasons = dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))
    assert set(reasons) == {"1", "3"}
    assert "missing" not in reasons["1"] and "never calculated" in reasons["1"], reasons
    assert reasons["3"] == "address: missing"  # Excel's saved result: an empty text
    (row,) = result.staged.iter_rows(named=True)
    assert row["source_key"] == "2" and row["head_personal_id"] is None and row["registered_on"] is None
    # fields whose 'missing' no policy says: the row says why they are empty (before: nothing, for #REF! too)
    assert row["issues"] == "; ".join(f"{f}: {EXCEL_ERROR_WHY}" for f in ("head_personal_id", "registered_on"))
    assert "never calculated" in EXCEL_ERROR_WHY


def test_the_cli_says_them(tmp_path):
    workbook(tmp_path / "in.xlsx", ROWS, {"E3": "none"})
    result = CliRunner().invoke(
        main,
        ["resolve", "--input", str(tmp_path / "in.xlsx"), "--output", str(tmp_path / "out.csv"), "--column", "dia_chi"],
    )
    assert result.exit_code == 0, result.output
    assert "column 'dia_chi': 1 cell holds" in result.output and "never calculated" in result.output, result.output


def test_a_cell_cut_by_the_scan_blocks_is_found(tmp_path, monkeypatch):
    from pipelines.ingest import xlsx_layout

    formulas = {"E2": "openpyxl", "E3": "openpyxl_lxml", "G3": "none", "E4": "shared", "G4": "empty_text"}
    workbook(tmp_path / "f.xlsx", ROWS, formulas)
    for block in range(7, 90):  # every cut of the sheet's XML into blocks this small
        monkeypatch.setattr(xlsx_layout, "_BLOCK", block)
        (layout,) = read_layouts(tmp_path / "f.xlsx").values()
        assert sorted(layout.errors) == [(2, 5), (3, 5), (3, 7), (4, 5)], block
