"""Two mends of the workbook readers (HV2's findings, session 36):

* `wardbridge resolve` read a sheet's XML twice: once for its layout (xlsx_layout.WorkbookLayouts: origin, merges,
  error cells), once more for the number cells whose format declares their width (zero_padded_cells). The layout's
  read now finds those too (``SheetLayout.padded``, asked for with ``padded=True``): the sheet's XML is opened once.
* review/decisions._rows_from_grid added a CSV's wider rows to a workbook's error-cell rows by assignment
  (``wider = _wider_rows(...)``), dropping the error rows when both were given (dd64abc made it add them): both
  kinds are now listed and left out of the rows read, tested together."""

from __future__ import annotations

import zipfile

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest import xlsx_layout
from pipelines.review.decisions import _rows_from_grid
from tests.test_cli_xlsx_zero_padded import _workbook


def test_the_cli_reads_the_sheet_xml_once(tmp_path, monkeypatch):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    _workbook(source)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert opened.count("xl/worksheets/sheet1.xml") == 1, opened
    written = pl.read_csv(out, infer_schema=False)  # the zeros are still given back (test_cli_xlsx_zero_padded)
    assert written["so_cccd"].to_list() == ["079085001234", "51085006789", "079085004321"]
    assert written["cmnd"].to_list() == ["023456789", "123456789012", "5000000"]


def test_the_layout_finds_the_padded_cells_only_when_asked(tmp_path):
    source = tmp_path / "in.xlsx"
    _workbook(source)
    with xlsx_layout.WorkbookLayouts(source, padded=True) as workbook:
        assert workbook.layout("Data").padded == xlsx_layout.zero_padded_cells(source, "Data")
        assert workbook.layout("Data").padded == {(2, 2): 12, (2, 3): 9, (3, 3): 9}
    with xlsx_layout.WorkbookLayouts(source) as workbook:
        assert workbook.layout("Data").padded == {}


def test_decision_rows_of_error_cells_and_wider_rows_are_both_listed_and_left_out():
    grid = pl.DataFrame(
        {
            "a": ["item_id", "q1", "q2", "q3", "q4"],
            "b": ["decision", "accept", None, "accept", "reject"],
            "c": ["reviewer", "lan", "lan", "lan", "lan"],
            "d": ["decided_on", "2025-09-01", "2025-09-01", "2025-09-01", "2025-09-01"],
        }
    )
    # sheet row 3's decision cell holds an Excel error; sheet row 4 has more fields than the header
    layout = xlsx_layout.SheetLayout(errors=[(3, 2)])
    frame, errors = _rows_from_grid(grid, "d.csv", None, widths=[4, 4, 4, 5, 4], layout=layout)
    assert sorted((e["source_row"], e["field"]) for e in errors) == [(3, "decision"), (4, "*")], errors
    assert frame["source_row"].to_list() == [2, 5], frame
