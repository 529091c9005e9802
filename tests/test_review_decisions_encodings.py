"""A ward official's filled-in decisions file as Excel saves it on a Vietnamese Windows: plain 'CSV' is
Windows-1258 with ';' between cells (the list separator where ',' is the decimal mark), 'Unicode text' is UTF-16
with tabs. Such a file was refused whole ('not UTF-8 text'), so none of its decisions were applied."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl
import pytest

from pipelines.encodings import encode_cp1258, encode_vni
from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 3)
ITEMS = pl.DataFrame(
    {
        "item_id": ["ua-0123456789abcdef", "su-0123456789abcdef"],
        "kind": ["unresolved_address", "split_unit"],
        "candidates": [[], ["2025:26740", "2025:26737"]],
        "name_key": [None, None],
    },
    schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
)
REVIEWER = "Nguyễn Thị Lan"
NOTE = "Tổ dân phố xác nhận địa chỉ"


def _rows(sep: str) -> str:
    header = ["Mã mục", "Quyết định", "Người duyệt", "Ngày quyết định", "Ghi chú", "Mã phường/xã mới"]
    rows = [
        ["ua-0123456789abcdef", "place", REVIEWER, "02/12/2026", NOTE, "26740"],
        ["su-0123456789abcdef", "place", "Trần Văn Minh", "2026-12-01", "Đường Lê Lợi", "26737"],
    ]
    return "".join(sep.join(r) + "\r\n" for r in [header, *rows])


def _load(folder):
    return load_decisions(folder, ward_codes={"26740", "26737"}, items=ITEMS, today=TODAY)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("excel_csv_cp1258.csv", encode_cp1258(_rows(";"), precomposed=False)),  # Excel writes tones decomposed
        ("excel_csv_cp1258_precomposed.csv", encode_cp1258(_rows(";"))),
        ("excel_unicode_text.csv", _rows("\t").encode("utf-16")),
        ("vni.csv", encode_vni(_rows(","))),
        ("utf8_bom_semicolons.csv", b"\xef\xbb\xbf" + _rows(";").encode()),
    ],
)
def test_a_decisions_csv_in_a_windows_encoding_is_read_and_applied(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    loaded = _load(tmp_path)
    assert loaded.errors.height == 0, loaded.errors.to_dicts()
    rows = loaded.rows.sort("item_id")
    assert rows["item_id"].to_list() == ["su-0123456789abcdef", "ua-0123456789abcdef"]
    assert rows["new_uid"].to_list() == ["2025:26737", "2025:26740"]
    assert rows["decided_on"].to_list() == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    reviewer, note = rows.filter(pl.col("item_id") == "ua-0123456789abcdef").select("reviewer", "note").row(0)
    assert reviewer == REVIEWER and note == NOTE  # decoded to the same NFC text as the UTF-8 file
    assert unicodedata.is_normalized("NFC", reviewer)


def test_a_decisions_file_that_is_no_text_is_still_refused_naming_the_file_only(tmp_path):
    (tmp_path / "garbage.csv").write_bytes(bytes(range(128, 256)) * 8)
    loaded = _load(tmp_path)
    assert loaded.rows.height == 0
    (error,) = loaded.errors.to_dicts()
    assert error["source_file"] == "garbage.csv" and error["field"] == "*" and error["source_row"] == 0
    assert "not UTF-8" in error["cause"] and "'CSV UTF-8'" in error["cause"]
