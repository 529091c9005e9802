"""Two errors at once inside one household book: a name typo and a birth-year typo on a record with no ID. No name +
date key holds such a pair; the people spec's household_sex_relation rule (book, sex and relation to the head) makes
it a candidate (HA5: most of the never-candidate true pairs sharing a book at 3M people)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def two_errors() -> pl.DataFrame:
    r = person_row
    return frame(
        [
            r("book-1", "book", "Đặng Hữu Thắng", dt.date(1978, 4, 23), "M", household="500000901", relation="Chủ hộ"),
            # the given name mistyped and the year off by one: every name + date key and household_birth_year differ
            r("book-2", "book", "Đặng Hữu Thắnh", dt.date(1979, 4, 23), "M", household="500000901", relation="Chủ hộ"),
            # his wife in the same book: the other sex and relation, not paired by the rule
            r("book-3", "wife", "Lê Thị Mai", dt.date(1980, 9, 2), "F", household="500000901", relation="Vợ"),
        ]
    )


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return pl.concat([background(), two_errors()])


def _pair(result, a: str, b: str) -> pl.DataFrame:
    return result.pairs.filter(
        (pl.col("left_id").is_in([a, b]))
        & (pl.col("right_id").is_in([a, b]))
        & (pl.col("left_id") != pl.col("right_id"))
    )


def test_a_name_and_a_year_typo_in_one_book_are_compared_and_not_lost(table):
    spec = load_spec(PEOPLE_SPEC)
    result = match(table, replace(spec, pair_floor=0.0))
    pair = _pair(result, "book-1", "book-2")
    assert pair.height == 1 and pair["blocked_by"].cast(pl.String)[0] == "household_sex_relation"
    assert pair["decision"].cast(pl.String)[0] in ("link", "review")  # linked or queued
    assert _pair(result, "book-1", "book-3").height == 0  # the other sex in the book: not a candidate
    # without the rule the pair is never compared (the case is a two-error pair no other key holds)
    without = replace(spec, blocking=[b for b in spec.blocking if b.name != "household_sex_relation"], pair_floor=0.0)
    assert _pair(match(table, without), "book-1", "book-2").height == 0
