"""A workbook with a two-row header is read (pipelines/ingest/readers.py, _merged_down): the names merged down over
both rows ('Họ tên' in A1:A2) beside a group merged across ('Địa chỉ' over D1:G1) whose lower row names its columns
(street, ward, district, province in D2:G2). The upper row was taken for the header: the address parts had no name,
the extract failed ('required column(s) ['address'] missing'), and no header_row could read it (row 2's merged cells
read empty). Now the lower row names every column. Found by HQ9's new-user pass ('Excel with merged header rows')."""

from __future__ import annotations

import xlsxwriter

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract

UPPER = ["stt", "ho_ten", "ngay_sinh"]
LOWER = ["so_nha_duong", "phuong_xa", "quan_huyen", "tinh_thanh"]
COLUMNS = {
    "ho_ten": "full_name",
    "ngay_sinh": "date_of_birth",
    "so_nha_duong": "street_address",
    "phuong_xa": "ward",
    "quan_huyen": "district",
    "tinh_thanh": "province",
}
ROWS = [
    ["1", "Nguyễn Văn An", "01/02/1980", "12 Lê Lợi", "Phường Bến Nghé", "Quận 1", "TP.HCM"],
    ["2", "Trần Thị Bình", "15/06/1979", "5 Hai Bà Trưng", "Phường 6", "Quận 3", "TP.HCM"],
]


def _ingest(tmp_path, title: bool, options: str = ""):
    book = xlsxwriter.Workbook(tmp_path / "two.xlsx")
    sheet = book.add_worksheet("Nhân khẩu")
    top = 0
    if title:  # a title row merged across above the header
        sheet.merge_range(0, 0, 0, 6, "DANH SÁCH NHÂN KHẨU")
        top = 1
    for column, name in enumerate(UPPER):
        sheet.merge_range(top, column, top + 1, column, name)
    sheet.merge_range(top, 3, top, 6, "Địa chỉ")
    sheet.write_row(top + 1, 3, LOWER)
    for i, row in enumerate(ROWS):
        sheet.write_row(top + 2 + i, 0, row)
    book.close()
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "two"\nregistry = "population"\nformat = "xlsx"\n'
        f'path = "two.xlsx"\nkey_column = "stt"\nextract_date = "2025-08-31"\n{options}\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return ingest_extract(tmp_path / "wh", "population", extract, [])


def _check(got):
    assert got.state == "ok", got.cause
    rows = {r["source_key"]: r for r in got.staged.iter_rows(named=True)}
    assert sorted(rows) == ["1", "2"]
    assert rows["1"]["full_name"] == "Nguyễn Văn An"
    assert rows["1"]["address"].startswith("12 Lê Lợi, Phường Bến Nghé, Quận 1")
    assert rows["2"]["ward_status"] == "exact"


def test_a_two_row_header_names_every_column(tmp_path):
    _check(_ingest(tmp_path, title=False))


def test_a_two_row_header_under_a_title_row(tmp_path):
    _check(_ingest(tmp_path, title=True))


def test_header_row_names_the_lower_row(tmp_path):
    _check(_ingest(tmp_path, title=False, options="header_row = 1"))
