"""A workbook source with ``header_row`` in its catalogue entry (the sample's population_723 has one) read EVERY
visible sheet at that row, a clerk's notes sheet beside the data too ('Ghi chú': how to fill it in, who made it).
Its row at header_row became column names -- a personal name ('Người lập: Nguyễn Văn X') printed in the partition's
note as an 'extra column kept' -- and its lines below became records, quarantined as 'missing' fields and queued to
the ward officials as rows to repair. Without header_row such a sheet is a notes sheet, not records. Now a sheet
whose row at header_row names none of the expected columns is not read either, while another sheet has the header;
a workbook whose one sheet does not have it at header_row still fails naming what is missing, as before."""

from __future__ import annotations

import xlsxwriter

from tests.test_bad_inputs import HEADER, ROWS, _ingest

NOTES = ["Hướng dẫn nhập liệu", "Ngày: dd/mm/yyyy", "Người lập: Nguyễn Văn Xuân", "Ký tên", "Đã kiểm tra", "Lưu hồ sơ"]


def _workbook(path, notes: bool = True) -> bytes:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    data = book.add_worksheet("Data")
    for r, row in enumerate([["DANH SÁCH HỘ"], ["Ngày xuất: 31/08/2025"], HEADER, *ROWS]):
        for c, value in enumerate(row):
            data.write_string(r, c, value)
    if notes:
        sheet = book.add_worksheet("Ghi chú")
        for r, line in enumerate(NOTES):
            sheet.write_string(r, 0, line)
    book.close()
    return path.read_bytes()


def test_a_notes_sheet_is_not_read_as_records_at_header_row(tmp_path):
    got = _ingest(tmp_path, "xlsx", "notes.xlsx", _workbook(tmp_path / "w.xlsx"), "header_row = 2\n")
    assert got.state == "ok", got.cause
    assert sorted(got.raw["source_key"]) == ["1", "2", "3"]  # the data sheet's rows, nothing of the notes
    assert got.quarantine.height == 0
    assert not [c for c in got.raw["extra_columns"].drop_nulls() if "Nguyễn" in c]


def test_the_same_workbook_without_header_row_reads_the_same(tmp_path):
    got = _ingest(tmp_path, "xlsx", "found.xlsx", _workbook(tmp_path / "w.xlsx"))
    assert got.state == "ok", got.cause
    assert sorted(got.raw["source_key"]) == ["1", "2", "3"] and got.quarantine.height == 0


def test_a_single_sheet_without_the_header_at_header_row_still_fails_naming_the_columns(tmp_path):
    got = _ingest(tmp_path, "xlsx", "wrong.xlsx", _workbook(tmp_path / "w.xlsx", notes=False), "header_row = 1\n")
    assert got.state == "failed" and "required column(s)" in got.cause
