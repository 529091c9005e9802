"""Decisions saved the ways Excel saves them are read, and a file that is not read is said, never skipped silently.

Before, only *.csv and *.xlsx were looked at: Excel's 'Unicode text' (UTF-16, tabs) — which the README lists as a
supported decisions format — is saved as .txt and was ignored without a word, as were macro workbooks (.xlsm) and
any other file an official dropped in the folder."""

from __future__ import annotations

import datetime as dt

import polars as pl
import xlsxwriter

from pipelines.review.decisions import load_decisions

ADDRESS = "ua-0094da06d6cf0927"
PAIR = "mp-444e354e9b07fe9b"
HEADER = ["Mã mục", "Quyết định", "Người duyệt", "Ngày quyết định", "Ghi chú", "Mã phường/xã mới"]


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item_id": [ADDRESS, PAIR],
            "kind": ["unresolved_address", "match_pair"],
            "candidates": [[], []],
            "name_key": [None, None],
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _load(folder):
    return load_decisions(folder, ward_codes={"26740"}, items=_items(), today=dt.date(2026, 12, 3))


def test_excel_unicode_text_and_macro_workbooks_are_read_and_other_files_are_named(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    # Excel 'Unicode text': UTF-16 LE with BOM, tab-separated, CRLF, saved as .txt
    lines = ["\t".join(HEADER), "\t".join([ADDRESS, "place", "Trần Thị Hoà", "03/12/2026", "", "26740"])]
    (folder / "phuong_26740.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    book = xlsxwriter.Workbook(tmp_path / "book.xlsx")  # a workbook saved with macros enabled: .xlsm
    sheet = book.add_worksheet("match_pair")
    for col, value in enumerate(HEADER):
        sheet.write_string(0, col, value)
    for col, value in enumerate([PAIR, "no_match", "Lê Văn Tám", "03/12/2026", "", ""]):
        sheet.write_string(1, col, value)
    book.close()
    (tmp_path / "book.xlsx").rename(folder / "phuong_26740_macro.xlsm")
    (folder / "quyet_dinh.pdf").write_bytes(b"%PDF-1.4 a scanned signed decision")
    (folder / "Thumbs.db").write_bytes(b"\x00" * 16)  # Windows' thumbnail cache: not an official's file

    loaded = _load(folder)
    assert sorted(loaded.rows["item_id"].to_list()) == sorted([ADDRESS, PAIR])
    assert loaded.rows.filter(pl.col("item_id") == ADDRESS)["reviewer"].to_list() == ["Trần Thị Hoà"]
    assert loaded.files == 2
    errors = loaded.errors.select("source_file", "source_row", "field", "cause").rows()
    assert [(f, r, field) for f, r, field, _ in errors] == [("quyet_dinh.pdf", 0, "*")]
    assert errors[0][3].startswith("not read: a .pdf file is not a decisions file")


def test_a_txt_file_without_a_decisions_header_is_an_error_not_a_silent_skip(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    (folder / "ghi_chu.txt").write_text("ghi chú của phường\n", encoding="utf-8")
    loaded = _load(folder)
    assert loaded.rows.height == 0
    assert loaded.errors.select("source_file", "field").rows() == [("ghi_chu.txt", "*")]
