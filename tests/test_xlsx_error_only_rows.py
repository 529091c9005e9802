"""A workbook row whose only values are Excel-error cells (#REF!, #N/A: formulas that failed, read as empty) is a row
that was there, not a blank row. Before, ingestion (readers._read_xlsx) dropped it as blank (its cells were counted in
the partition's note, the row itself was gone) and `wardbridge resolve` (pipelines.reading.workbook.read_workbook) skipped it without a
word (_report_error_cells looked at kept rows only). Now ingestion quarantines it with a reason naming the sheet row
and the columns, and the CLI keeps it (its cells empty, as every error cell is read) and says its error cells.

An empty workbook (no sheet holds a value) was reported as 'no sheet has the expected header': it now says that the
workbook holds no data, and what becomes of the partition."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from tests.test_bad_inputs import _ingest
from tests.test_cli_xlsx_error_cells import ADDRESS, with_error_cells

HEADER = ["ma", "ho_ten", "ngay_sinh", "dia_chi", "ghi_chu"]
COLUMNS = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}


def _rows() -> list[list]:
    rows = [HEADER]
    rows += [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS, "x"] for i in range(1, 6)]
    rows[3] = [None] * 5  # sheet row 4: its cells below are errors only
    rows.append([None] * 5)  # sheet row 7: blank, a blank row is no record
    rows.append(["7", "Trần Thị Bình", "01/02/1980", ADDRESS, "y"])
    return rows


def test_ingestion_quarantines_a_row_of_error_cells_only_with_a_reason(tmp_path):
    from pipelines.ingest.stage import account, stage
    from tests.test_row_contracts import _load

    with_error_cells(tmp_path / "p.xlsx", _rows(), {"D4": "#REF!", "E4": "#N/A"})
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    assert loaded.blank_lines == 1, loaded.blank_lines  # sheet row 7 only
    assert loaded.read_problems == 1, loaded.read_problems
    frame = loaded.frame
    assert frame.height == 6, frame["source_key"].to_list()  # 5 rows and the error row
    problem = frame.filter(pl.col("read_problem").is_not_null())
    assert problem["source_key"].to_list() == ["Data!row:4"], problem
    (reason,) = problem["read_problem"].to_list()
    assert reason.startswith("Data!row:4: ") and "Excel error" in reason, reason
    assert "dia_chi, ghi_chu" in reason, reason
    result = stage(frame, "population")
    assert account(frame, result)["balanced"]
    quarantined = result.quarantine.filter(pl.col("source_key") == "Data!row:4")
    assert quarantined["reason"].to_list() == [reason], quarantined
    assert quarantined["reason_kind"].to_list() == ["unread_row"], quarantined


def test_ingestion_counts_the_error_cells_of_such_a_row_in_the_note_and_the_row_as_unreadable(tmp_path):
    from tests.ingesthelpers import ingest_note
    from tests.test_row_contracts import _catalogue

    with_error_cells(tmp_path / "p.xlsx", _rows(), {"D4": "#REF!", "E4": "#N/A"})
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    note, _ = ingest_note(tmp_path / "wh", "population", catalogue)
    assert "6 raw -> 5 staged + 1 quarantined" in note, note
    assert "1 unreadable rows" in note, note
    assert "cells holding an Excel error (#REF!, #N/A...: read as empty): address 1, ghi_chu 1" in note, note


def test_the_cli_keeps_a_row_of_error_cells_only_and_says_its_cells(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    with_error_cells(source, _rows(), {"D4": "#REF!", "E4": "#N/A"})
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    said = result.output
    assert "column 'dia_chi': 1 cell holds an Excel error (row 4)" in said, said
    assert "column 'ghi_chu': 1 cell holds an Excel error (row 4)" in said, said
    assert "1 blank row skipped (row 7)" in said, said
    written = pl.read_csv(out, infer_schema=False)
    assert written["ma"].to_list() == ["1", "2", None, "4", "5", "7"], written
    assert written["dia_chi"].to_list()[2] is None


def _empty_workbook(path, sheets=("Sheet1",)) -> bytes:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name in sheets:
        book.add_worksheet(name)
    book.close()
    data = path.read_bytes()
    path.unlink()
    return data


def test_an_empty_workbook_is_said_to_hold_no_data_not_to_lack_a_header(tmp_path):
    for sheets in (("Sheet1",), ("Sheet1", "Notes")):
        name = f"empty{len(sheets)}.xlsx"
        result = _ingest(tmp_path, "xlsx", name, _empty_workbook(tmp_path / "made.xlsx", sheets))
        assert result.state == "failed", result
        assert name in result.cause and "the workbook holds no data" in result.cause, result.cause
        assert "expected header" not in result.cause, result.cause
        told = "its sheet 'Sheet1' has no cell with a value" if len(sheets) == 1 else "none of its 2 sheets"
        assert told in result.cause, result.cause
        assert "nothing of the partition is written" in result.cause, result.cause


def test_a_workbook_with_data_but_no_header_still_says_so(tmp_path):
    from tests.test_bad_inputs import _xlsx

    data = _xlsx(tmp_path / "made.xlsx", [["a", "b"]], header=["x", "y"])
    result = _ingest(tmp_path, "xlsx", "other.xlsx", data)
    assert result.state == "failed" and "no sheet has the expected header" in result.cause, result.cause


def test_the_cli_says_a_sheet_of_error_cells_only_holds_them(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    with_error_cells(source, [[None, None]], {"A1": "#REF!", "B2": "#N/A"})
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code != 0, result.output
    assert "sheet 'Data' is empty of values: its 2 cells hold an Excel error" in result.output, result.output


def test_an_empty_decisions_workbook_is_said_to_hold_no_data(tmp_path):
    from pipelines.review.decisions import read_decision_rows

    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "empty.xlsx").write_bytes(_empty_workbook(tmp_path / "made.xlsx", ("Sheet1", "Sheet2")))
    rows, errors, files = read_decision_rows(folder)
    assert rows.height == 0 and files == 0, (rows, files)
    assert errors.select("source_file", "cause").rows() == [
        ("empty.xlsx", "the workbook holds no data (no sheet has a cell with a value)")
    ], errors


def test_a_workbook_of_error_cells_only_says_so_not_that_it_holds_nothing(tmp_path):
    """HV3: ingestion said 'the workbook holds no data: ... no cell with a value' where the CLI said the error cells."""
    data_path = tmp_path / "made.xlsx"
    with_error_cells(data_path, [[None, None]], {"A1": "#REF!", "B2": "#N/A"})
    result = _ingest(tmp_path, "xlsx", "errors.xlsx", data_path.read_bytes())
    assert result.state == "failed", result
    assert "the workbook holds no value but 2 cells holding an Excel error" in result.cause, result.cause
    assert "its sheet 'Data'" in result.cause and "no cell with a value" not in result.cause, result.cause
