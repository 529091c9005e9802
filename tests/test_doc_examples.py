"""The documented decisions example is a file the decisions reader accepts as it stands."""

from __future__ import annotations

from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]


def test_decision_example_ward_codes_are_wards_of_the_city():
    example = pl.read_csv(REPO / "docs" / "examples" / "decisions.csv", infer_schema=False)
    units = pl.read_csv(REPO / "mappings" / "reference" / "units_2025.csv", infer_schema=False)
    city_wards = set(units.filter(pl.col("province_code") == "79")["code"])
    assert len(city_wards) == 168  # the new Ho Chi Minh City
    codes = example["new_ward_code"].drop_nulls().to_list()
    assert codes and [c for c in codes if c not in city_wards] == []
