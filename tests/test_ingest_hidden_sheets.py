"""A workbook's hidden sheets (Excel: right-click > Hide; 'very hidden' only from the VBA editor) are a clerk's scratch
or lookup sheets, not the registry: nobody who opens the file sees them. Before, ingestion (readers._read_xlsx) read
every sheet holding the expected header, hidden or not, so a hidden scratch copy of the register became records (each
person twice). Now a hidden or very hidden sheet is not read as records: the partition's note and a warning of the
ingest step name each one skipped, its state and how many rows hold a value; a catalogue entry's
``read_hidden_sheets = true`` reads them as visible ones. A workbook whose only sheets with the header are hidden fails
saying so (before: read as if visible). The workbooks are written with xlsxwriter (the library the project writes
xlsx with), hidden by ``hide()`` (sheet_state hidden) and ``very_hidden()`` (veryHidden)."""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.ingest.catalogue import CatalogueError, extracts_by_partition, load_catalogue
from tests.test_row_contracts import _catalogue, _load

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"
HEADER = ["ma", "ho_ten", "ngay_sinh", "dia_chi"]
COLUMNS = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}


def _people(first: int, n: int) -> list[list[str]]:
    return [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS] for i in range(first, first + n)]


def workbook(path: Path, sheets: list[tuple[str, str, list[list[str]]]]) -> Path:
    """``sheets``: (name, state 'visible' | 'hidden' | 'veryHidden', rows) in workbook order."""
    book = xlsxwriter.Workbook(str(path))
    added = []
    for name, state, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        added.append((sheet, state))
    for sheet, state in added:
        if state == "hidden":
            sheet.hide()
        elif state == "veryHidden":
            sheet.very_hidden()
    # a hidden sheet cannot be the active one: the first visible sheet is
    next(s for s, state in added if state == "visible").activate()
    book.close()
    return path


def _scratch_book(path: Path) -> Path:
    return workbook(
        path,
        [
            ("Data", "visible", [HEADER, *_people(1, 3)]),
            ("Nhap", "hidden", [HEADER, *_people(101, 2)]),  # a clerk's scratch copy of rows
            ("Tra cuu", "veryHidden", [["ma_phuong", "ten"], ["26734", "Tân Định"], ["26737", "Đa Kao"]]),  # lookup
        ],
    )


def test_hidden_sheets_are_not_read_as_records_and_are_named_with_their_rows(tmp_path):
    _scratch_book(tmp_path / "p.xlsx")
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    assert sorted(loaded.frame["source_key"].to_list()) == ["1", "2", "3"], loaded.frame["source_key"].to_list()
    assert loaded.hidden_sheets == [("Nhap", "hidden", 3), ("Tra cuu", "very hidden", 3)], loaded.hidden_sheets


def test_read_hidden_sheets_reads_them_as_visible_ones(tmp_path):
    _scratch_book(tmp_path / "p.xlsx")
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma", read_hidden_sheets=True)
    assert sorted(loaded.frame["source_key"].to_list(), key=int) == ["1", "2", "3", "101", "102"]
    assert loaded.hidden_sheets == [], loaded.hidden_sheets


def test_the_note_and_a_warning_name_each_hidden_sheet_skipped(tmp_path, caplog):
    from assets.ingest import IngestOutcome, ingest_partition
    from pipelines.warehouse import Warehouse

    _scratch_book(tmp_path / "p.xlsx")
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    outcome = IngestOutcome()
    with caplog.at_level(logging.WARNING):
        ingest_partition(Warehouse(tmp_path / "wh"), "population", extract.partition_key, extract, "r", outcome,
                         logging.getLogger("t"))  # fmt: skip
    (note,) = outcome.notes
    assert "3 raw -> 3 staged + 0 quarantined" in note, note
    assert "hidden sheets not read: 'Nhap' (hidden, 3 rows), 'Tra cuu' (very hidden, 3 rows)" in note, note
    (warning,) = [r.getMessage() for r in caplog.records if "hidden" in r.getMessage()]
    assert "'Nhap' (hidden, 3 rows)" in warning and "read_hidden_sheets = true" in warning, warning
    assert "Nguyễn" not in warning and "Tân Định" not in warning, warning


def test_a_workbook_whose_header_is_on_hidden_sheets_only_fails_saying_so(tmp_path):
    from tests.ingesthelpers import ingest_extract

    workbook(
        tmp_path / "p.xlsx",
        [("Ghi chu", "visible", [["Sổ hộ khẩu phường 5"]]), ("Data", "hidden", [HEADER, *_people(1, 2)])],
    )
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    got = ingest_extract(tmp_path / "wh", "population", extract, ["Nguyễn Văn An", ADDRESS])
    assert got.state == "failed", got
    assert "hidden" in got.cause and "'Data'" in got.cause and "read_hidden_sheets = true" in got.cause, got.cause


def test_visible_sheets_only_are_read_as_before(tmp_path):
    workbook(
        tmp_path / "p.xlsx", [("A", "visible", [HEADER, *_people(1, 2)]), ("B", "visible", [HEADER, *_people(3, 1)])]
    )
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    assert sorted(loaded.frame["source_key"].to_list()) == ["1", "2", "3"] and loaded.hidden_sheets == []


def test_read_hidden_sheets_is_for_workbooks_and_a_boolean(tmp_path):
    (tmp_path / "p.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="read_hidden_sheets"):
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", COLUMNS, read_hidden_sheets=True)])
    with pytest.raises(CatalogueError, match="read_hidden_sheets must be true or false"):
        load_catalogue([_catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, read_hidden_sheets="yes")])


# ----------------------------------------------------------------------- wardbridge resolve / match (cli._read_workbook)
# Before, the CLI read the workbook's first sheet, hidden or not: a hidden first sheet (a lookup list kept in front)
# was read instead of the sheet Excel shows.


def _resolve(*args: str):  # noqa: ANN202
    from click.testing import CliRunner

    from pipelines.cli import main

    return CliRunner().invoke(main, ["resolve", *args], catch_exceptions=False)


def test_the_cli_reads_the_first_visible_sheet_and_names_the_hidden_ones(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(
        source,
        [
            ("Tra cuu", "hidden", [["address"], ["Phường Tân Định"], ["Phường Đa Kao"]]),
            ("Data", "visible", [["address"], [ADDRESS]]),
            ("Cu", "veryHidden", [["address"]]),
        ],
    )
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["address"].to_list() == [ADDRESS]
    assert "the first visible sheet read ('Data')" in result.output, result.output
    assert "hidden sheets not read: 'Tra cuu' (hidden, 3 rows), 'Cu' (very hidden, 1 row)" in result.output
    assert "Tân Định" not in result.output, result.output


def test_the_cli_reads_a_hidden_sheet_its_sheet_option_names_and_says_it_is_hidden(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(source, [("Data", "visible", [["address"], [ADDRESS]]), ("Cu", "hidden", [["address"], ["Phường 5"]])])
    result = _resolve("--input", str(source), "--sheet", "Cu", "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["address"].to_list() == ["Phường 5"]
    assert "sheet 'Cu' is hidden in the workbook: read as --sheet names it" in result.output, result.output


def test_the_cli_says_nothing_of_hidden_sheets_in_a_workbook_of_one_visible_sheet(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(source, [("Data", "visible", [["address"], [ADDRESS]])])
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "hidden" not in result.output and "sheets read" not in result.output, result.output


# ----------------------------------------------------------------------- review decisions (review.decisions._read_xlsx)
# Before, every sheet of a decisions workbook holding the item_id / decision header was applied, hidden or not: an
# official's hidden draft or old copy of decisions was applied beside (or against) the visible sheet.


def test_a_hidden_sheet_of_decisions_is_not_applied_and_is_listed(tmp_path):
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    header = ["item_id", "decision", "reviewer", "decided_on", "note", "new_ward_code"]
    ids = [f"ua-{i:016x}" for i in range(3)]
    items = pl.DataFrame(
        {"item_id": ids, "kind": ["unresolved_address"] * 3, "candidates": [[]] * 3, "name_key": [None] * 3},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    workbook(
        tmp_path / "d.xlsx",
        [
            ("Nhap", "hidden", [header, [ids[0], "dismiss", "B", "01/11/2026", "", ""], [ids[1], "dismiss", "B", "01/11/2026", "", ""]]),
            ("Quyet dinh", "visible", [header, [ids[2], "dismiss", "A", "01/12/2026", "", ""]]),
            ("Ds", "veryHidden", [["ma_phuong"], ["26740"]]),  # a lookup list: no decisions header, nothing said
        ],
    )  # fmt: skip
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=dt.date(2026, 12, 31))
    assert loaded.rows["item_id"].to_list() == [ids[2]], loaded.rows
    (error,) = loaded.errors.to_dicts()
    assert (error["source_file"], error["sheet"], error["source_row"]) == ("d.xlsx", "Nhap", 0), error
    assert "hidden sheet" in error["cause"] and "2 rows are not applied" in error["cause"], error
    assert loaded.not_tables == ["d.xlsx sheet Nhap"], loaded.not_tables
    assert loaded.files == 1
