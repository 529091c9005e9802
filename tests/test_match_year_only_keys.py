"""The people spec's key for a year-only birth date (given_birth_year_no_day): the given name, the family name's initial and
the year, so a year-only record meets records of the same given name and year whose family name starts alike, not every
one of that given name and year (at 1M people 678,670 pairs of which 658,455 no other rule made; now 151,476)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.match_cases import frame, person_row, rules_pairing


def _year_only(rows: list[dict], keys: set[str]) -> pl.DataFrame:
    table = frame(rows)
    precision = pl.when(pl.col("record_key").is_in(list(keys))).then(pl.lit("year")).otherwise(pl.lit("day"))
    return table.with_columns(precision.alias("dob_precision"))


def test_a_year_only_record_meets_the_same_given_name_year_and_family_initial_only():
    full, year = dt.date(1962, 11, 5), dt.date(1962, 1, 1)
    rows = [
        person_row("y", "y", "Lê Thị Hoa", year, "F", household="100000001"),
        person_row("same", "y", "Lê Thị Hoa", full, "F", household="200000002"),
        # the family name mistyped after its initial
        person_row("typo", "y", "Lư Văn Hoa", full, "F", household="300000003"),
        person_row("other", "o", "Trần Văn Hoa", full, "F", household="400000004"),  # another family name
    ]
    table = _year_only(rows, {"y"})
    assert "given_birth_year_no_day" in rules_pairing(table, "y", "same")
    assert "given_birth_year_no_day" in rules_pairing(table, "y", "typo")
    assert rules_pairing(table, "y", "other") == set()  # the given name and year alone no longer make a candidate
