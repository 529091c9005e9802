"""Per-ward review files carry source text as text: no live formulas in XLSX or CSV, and the escape round-trips."""

from __future__ import annotations

import datetime as dt
import zipfile

import fastexcel
import polars as pl

from pipelines.review.decisions import load_decisions
from tests.fshelpers import ITEM, write_one_address_item

TODAY = dt.date.today()
LIVE = '=HYPERLINK("http://example.invalid/x","Xem chi tiết")'


def _files(tmp_path):
    write_one_address_item(tmp_path, "+1 street @ward", {"address": LIVE, "name": "-A", "source_key": "\tx"})
    return tmp_path / "wards" / "26740"


def test_workbook_holds_source_text_as_text_not_formulas(tmp_path):
    folder = _files(tmp_path)
    with zipfile.ZipFile(folder / "review_26740.xlsx") as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(book.read(n).decode() for n in sheets)
        assert "<f>" not in xml and "<hyperlink" not in xml
    sheet = fastexcel.read_excel(str(folder / "review_26740.xlsx")).load_sheet("unresolved_address", header_row=1)
    row = sheet.to_polars().row(0, named=True)
    assert row["address"] == LIVE and row["summary"] == "+1 street @ward" and row["name"] == "-A"


def test_csv_cells_that_would_be_formulas_get_an_apostrophe(tmp_path):
    folder = _files(tmp_path)
    csv = pl.read_csv(folder / "unresolved_address.csv", infer_schema=False)
    row = csv.row(0, named=True)
    assert row["address"] == "'" + LIVE
    assert row["summary"] == "'+1 street @ward" and row["name"] == "'-A" and row["source_key"] == "'\tx"
    assert row["item_id"] == ITEM  # ordinary text untouched
    assert row["records_blocked"] == "1"


def test_escaped_cells_read_back_without_the_apostrophe(tmp_path):
    folder = _files(tmp_path)
    text = (folder / "unresolved_address.csv").read_text(encoding="utf-8-sig")
    header, body = text.split("\n", 1)
    cols = header.split(",")
    row = pl.read_csv(folder / "unresolved_address.csv", infer_schema=False).row(0, named=True)
    filled = {**row, "decision": "place", "reviewer": "'-Reviewer", "decided_on": str(TODAY), "note": "'=1+1"}
    filled["new_ward_code"] = "26740"
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    pl.DataFrame([filled]).select(cols).write_csv(decisions / "back.csv")
    loaded = load_decisions(decisions, ward_codes={"26740"}, items=_keys(), today=TODAY)
    assert loaded.errors.height == 0
    got = loaded.rows.row(0, named=True)
    assert got["reviewer"] == "-Reviewer" and got["note"] == "=1+1" and got["new_uid"] == "2025:26740"
    # an apostrophe before anything else is the official's text and stays
    pl.DataFrame([{**filled, "note": "'quoted"}]).select(cols).write_csv(decisions / "back.csv")
    assert load_decisions(decisions, ward_codes={"26740"}, items=_keys(), today=TODAY).rows["note"][0] == "'quoted"


def _keys() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": [ITEM], "candidates": [[]], "name_key": [None]},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
