"""Hidden sheets the catalogue knows (HC2, session 41). Since session 40 a hidden or very hidden sheet of a workbook is
not read as records, and the ingest step warns naming it on every run (tests/test_ingest_hidden_sheets.py): for a
clerk's code list ('DanhMuc', read by the sheet's formulas) the data engineer learns nothing new the 30th time and
stops reading warnings. A source's ``hidden_sheets_known = ["DanhMuc"]`` says such a sheet is known and no records: it
is skipped with no warning (even with read_hidden_sheets = true), and still listed in the partition's note, so nothing
goes unseen. A name there that is no hidden sheet of the workbook (unhidden, renamed) is warned about. The key is
checked as the catalogue checks others.

And .ods (OpenDocument, LibreOffice's own format): a catalogue source of format xlsx reads it (the same library), and
its hidden sheets (``table:display="false"``, as LibreOffice writes a sheet hidden with Sheet > Hide Sheet) are not
read as records, as a workbook's (that was so before this file: calamine reads the sheets' display); nor is a hidden
sheet of an .ods decisions workbook applied. Written here by hand: a zip of mimetype, manifest and content.xml."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from pipelines.ingest.catalogue import CatalogueError, load_catalogue
from tests.ingesthelpers import ingest_note
from tests.test_ingest_hidden_sheets import (
    COLUMNS,
    DECISIONS_HEADER,
    HEADER,
    _people,
    _scratch_book,
    decision_items,
    workbook,
)
from tests.test_row_contracts import _catalogue, _load


def _ingest(tmp_path: Path, caplog, **extra) -> tuple[str, list[str]]:  # noqa: ANN001 - pytest's caplog
    """The partition's note and the ingest step's warnings, for p.xlsx read by a source with ``extra`` keys."""
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma", **extra)
    return ingest_note(tmp_path / "wh", "population", catalogue, caplog)


def test_a_known_hidden_sheet_is_listed_in_the_note_and_not_warned_about(tmp_path, caplog):
    _scratch_book(tmp_path / "p.xlsx")  # 'Data' visible, 'Nhap' hidden (rows 101-102), 'Tra cuu' very hidden (lookup)
    note, warnings = _ingest(tmp_path, caplog, hidden_sheets_known=["Tra cuu"])
    assert "3 raw -> 3 staged + 0 quarantined" in note, note
    assert "hidden sheets not read: 'Nhap' (hidden, 3 rows)" in note, note
    assert "known hidden sheets not read: 'Tra cuu' (very hidden, 3 rows)" in note, note
    (warning,) = [w for w in warnings if "hidden" in w]  # the unknown one only
    assert "'Nhap' (hidden, 3 rows)" in warning and "Tra cuu" not in warning, warning
    assert "hidden_sheets_known" in warning, warning  # how to be told no more


def test_known_hidden_sheets_only_give_no_warning(tmp_path, caplog):
    _scratch_book(tmp_path / "p.xlsx")
    note, warnings = _ingest(tmp_path, caplog, hidden_sheets_known=["Nhap", "Tra cuu"])
    assert "known hidden sheets not read: 'Nhap' (hidden, 3 rows), 'Tra cuu' (very hidden, 3 rows)" in note, note
    assert ", hidden sheets not read" not in note, note
    assert not [w for w in warnings if "hidden" in w], warnings


def test_a_known_name_that_is_no_hidden_sheet_is_warned_about(tmp_path, caplog):
    _scratch_book(tmp_path / "p.xlsx")
    note, warnings = _ingest(tmp_path, caplog, hidden_sheets_known=["Data", "DanhMuc", "Tra cuu"])
    assert "3 raw -> 3 staged" in note, note  # 'Data' is visible: read as records all the same
    (warning,) = [w for w in warnings if "hidden_sheets_known of source" in w]
    assert "'Data' (visible: read as any sheet)" in warning and "'DanhMuc' (no such sheet)" in warning, warning
    assert "Tra cuu" not in warning, warning


def test_a_known_hidden_sheet_is_not_read_even_with_read_hidden_sheets(tmp_path):
    workbook(
        tmp_path / "p.xlsx",
        [
            ("Data", "visible", [HEADER, *_people(1, 2)]),
            ("Cu", "hidden", [HEADER, *_people(11, 2)]),  # last year's rows, kept hidden: records
            ("DanhMuc", "hidden", [HEADER, *_people(901, 1)]),  # a template with one example row: no records
        ],
    )
    loaded = _load(
        tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma", read_hidden_sheets=True,
        hidden_sheets_known=["DanhMuc"],
    )  # fmt: skip
    assert sorted(loaded.frame["source_key"].to_list(), key=int) == ["1", "2", "11", "12"]
    assert loaded.hidden_sheets == [] and loaded.hidden_known == [("DanhMuc", "hidden", 2)], loaded.hidden_known


def test_hidden_sheets_known_is_checked_as_the_catalogue_checks_keys(tmp_path):
    (tmp_path / "p.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="source 'src': hidden_sheets_known is for xlsx sources only"):
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", COLUMNS, hidden_sheets_known=["A"])])
    for wrong in ("DanhMuc", ["DanhMuc", 3]):
        with pytest.raises(CatalogueError, match=r"source 'src': hidden_sheets_known must be a list of sheet names"):
            load_catalogue([_catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, hidden_sheets_known=wrong)])


# ----------------------------------------------------------------------- .ods


def ods(path: Path, sheets: list[tuple[str, bool, list[list[str]]]]) -> Path:
    """An OpenDocument spreadsheet: ``sheets`` (name, shown, rows); a sheet not shown gets a table style with
    ``table:display="false"``, as LibreOffice writes a hidden sheet."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}" table:style-name="{"ta1" if shown else "ta2"}">'
        + "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p></table:table-cell>'
                for cell in row
            )
            + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, shown, rows in sheets
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/>'
        "</style:style></office:automatic-styles><office:body><office:spreadsheet>"
        + tables
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:  # the mimetype first and stored, as ODF asks
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def _scratch_ods(path: Path) -> Path:
    return ods(
        path,
        [
            ("Data", True, [HEADER, *_people(1, 3)]),
            ("Nhap", False, [HEADER, *_people(101, 2)]),
            ("DanhMuc", False, [["ma_phuong", "ten"], ["26734", "Tân Định"]]),
        ],
    )


@pytest.mark.parametrize(
    ("extra", "keys", "hidden", "known"),
    [
        ({}, ["1", "2", "3"], [("Nhap", "hidden", 3), ("DanhMuc", "hidden", 2)], []),
        (
            {"read_hidden_sheets": True, "hidden_sheets_known": ["DanhMuc"]},
            ["1", "2", "3", "101", "102"],
            [],
            [("DanhMuc", "hidden", 2)],
        ),
    ],
)
def test_an_ods_workbook_s_hidden_sheets_are_read_as_an_xlsx_s(tmp_path, extra, keys, hidden, known):
    """Not read as records (so before this file too); read with read_hidden_sheets, but for a known one."""
    _scratch_ods(tmp_path / "p.ods")
    loaded = _load(tmp_path, "population", "xlsx", "p.ods", COLUMNS, key_column="ma", **extra)
    assert sorted(loaded.frame["source_key"].to_list(), key=int) == keys, loaded.frame["source_key"].to_list()
    assert (loaded.hidden_sheets, loaded.hidden_known) == (hidden, known), loaded.hidden_sheets


def test_an_ods_decisions_workbook_s_hidden_sheet_is_not_applied(tmp_path):
    """Ward officials' decision files may be .ods (review.decisions.WORKBOOK_SUFFIXES): a hidden sheet of decisions is
    named and not applied, as in an .xlsx or .xls."""
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    header, (ids, items) = DECISIONS_HEADER, decision_items()
    ods(
        tmp_path / "d.ods",
        [
            ("Nhap", False, [header, [ids[0], "dismiss", "B", "2026-11-01", "", ""]]),
            ("Quyet dinh", True, [header, [ids[2], "dismiss", "A", "2026-12-01", "", ""]]),
        ],
    )
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=dt.date(2026, 12, 31))
    assert loaded.rows["item_id"].to_list() == [ids[2]], loaded.rows
    assert loaded.hidden_sheets == ["d.ods sheet Nhap"], loaded.hidden_sheets
    assert loaded.errors.select("sheet", "source_row").rows() == [("Nhap", 0)], loaded.errors.rows()
