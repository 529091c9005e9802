"""A workbook's sheet layouts (where each sheet's cells start, its merged ranges: pipelines/ingest/xlsx_layout.py)
are read from one opening of the workbook (WorkbookLayouts): the xlsx reader opened the archive and read its list
of sheets again for every data sheet (c81f535), where one read of all layouts had served before. The rows read
and their sheet row numbers are the same."""

from __future__ import annotations

import xlsxwriter

from pipelines.ingest import xlsx_layout
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.readers import LINE, _read_xlsx
from tests.test_bad_inputs import HEADER, ROWS, _ingest

SHEETS = {"S1": 0, "S2": 2, "S3": 1}  # sheet -> empty rows above its table


def _workbook(path):
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    notes = book.add_worksheet("Ghi chu")
    notes.write_string(0, 0, "ghi chú")
    key = 0
    for name, top in SHEETS.items():
        sheet = book.add_worksheet(name)
        for c, value in enumerate(HEADER):
            sheet.write_string(top, c, value)
        for r, row in enumerate(ROWS, start=top + 1):
            key += 1
            for c, value in enumerate([str(key), row[1] + name, *row[2:]]):
                if not (name == "S3" and c == 4 and r == top + 3):  # under the merged cell: empty
                    sheet.write_string(r, c, value)
        if name == "S3":  # the address merged over the last two rows: the lower one reads it too
            sheet.merge_range(top + 2, 4, top + 3, 4, ROWS[1][4])
    book.close()


def test_a_workbook_of_several_sheets_is_opened_once_for_their_layouts(tmp_path, monkeypatch):
    path = tmp_path / "book.xlsx"
    _workbook(path)
    opened: list[int] = []
    real_parts = xlsx_layout.sheet_parts
    monkeypatch.setattr(xlsx_layout, "sheet_parts", lambda archive: opened.append(1) or real_parts(archive))
    result = _ingest(tmp_path, "xlsx", "book.xlsx", path.read_bytes())
    assert result.state == "ok", result
    assert len(opened) == 1  # was 3: once per data sheet
    raw = result.raw
    assert sorted(raw["source_key"].cast(int).to_list()) == list(range(1, 10))
    addresses = dict(zip(raw["source_key"], raw["address"], strict=True))
    assert addresses["9"] == addresses["8"] == ROWS[1][4]  # the merged cell filled down
    # each sheet's rows numbered as the sheet has them (the table's start found in its layout)
    (extract,) = extracts_by_partition(load_catalogue([tmp_path / "book.xlsx.toml"])).values()
    opened.clear()
    read = _read_xlsx(extract, 1000)
    (frame,) = list(read.batches)
    assert len(opened) == 1
    assert frame[LINE].to_list() == [f"S1!row:{r}" for r in (2, 3, 4)] + [f"S2!row:{r}" for r in (4, 5, 6)] + [
        f"S3!row:{r}" for r in (3, 4, 5)
    ]
    assert read.header_at == "sheet 'S1' row 1, sheet 'S2' row 3, sheet 'S3' row 2"


def test_a_sheet_whose_layout_cannot_be_read_gives_none(tmp_path):
    path = tmp_path / "book.xlsx"
    _workbook(path)
    with xlsx_layout.WorkbookLayouts(path) as workbook:
        assert workbook.layout("S2").origin == (3, 1)
        assert workbook.layout("S3").merges == [(4, 5, 5, 5)]
        assert workbook.layout("no such sheet") is None
    assert workbook.layout("S2") is None  # closed
    (tmp_path / "not.xlsx").write_bytes(b"not a zip")
    assert xlsx_layout.WorkbookLayouts(tmp_path / "not.xlsx").layout("S1") is None
