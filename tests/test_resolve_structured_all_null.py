"""Structured unit columns (HQ23, reviewer's finding): a row whose unit columns are all null says what a null
address cell says ("empty input (null)"), not "empty after removing punctuation..." (concat_str of nulls gave '')."""

from __future__ import annotations

import polars as pl

import pipelines.resolve as r


def test_all_null_structured_row_says_empty_input_null():
    single = r.resolve_table(pl.DataFrame({"a": [None]}, schema={"a": pl.String}), address_column="a")
    frame = pl.DataFrame(
        {"w": [None, "Phường 5"], "d": [None, "Quận 3"], "p": [None, None]},
        schema={"w": pl.String, "d": pl.String, "p": pl.String},
    )
    got = r.resolve_table(frame, ward_column="w", district_column="d", province_column="p")
    assert got["status"][0] == "unresolved"
    assert got["reason"][0] == single["reason"][0] == "empty input (null)"
    assert got["status"][1] == "exact"
