"""The officials' workbook offers, in each sheet's decision column, the decisions that sheet's kind takes (a
drop-down; a value typed that is not one of them is warned about on entry). Before, the column was empty with no
hint: 'đặt', 'Place ward', 'match' on an address were only rejected by the next run, in review.decision_errors."""

from __future__ import annotations

import re
import zipfile

import polars as pl

from pipelines.review.decisions import KIND_DECISIONS
from pipelines.review.exports import _write_xlsx
from pipelines.schema import REVIEW_KINDS


def test_each_sheets_decision_column_lists_the_decisions_of_its_kind(tmp_path):
    tables = {
        kind: pl.DataFrame(
            {"item_id": [f"{kind[:2]}-000000000000000{i}" for i in range(3)], "decision": [None] * 3},
            schema={"item_id": pl.String, "decision": pl.String},
        )
        for kind in REVIEW_KINDS
    }
    tables["invalid_id"] = tables["invalid_id"].clear()  # a sheet without items gets no list
    path = tmp_path / "review_26740.xlsx"
    _write_xlsx(tables, path)
    with zipfile.ZipFile(path) as book:
        sheets = [book.read(f"xl/worksheets/sheet{i + 1}.xml").decode() for i in range(len(REVIEW_KINDS))]
    for kind, xml in zip(REVIEW_KINDS, sheets, strict=True):
        lists = re.findall(
            r'<dataValidation type="list"[^>]*sqref="([^"]+)"[^>]*>.*?<formula1>"([^<]*)"</formula1>', xml
        )
        if kind == "invalid_id":
            assert lists == []
            continue
        assert lists == [("B3:B5", ",".join([*KIND_DECISIONS[kind], "reverse"]))], kind  # the 3 rows under 2 headers
