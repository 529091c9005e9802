"""A birth (or any) date whose day, or day and month, are unknown is written with zeros in Vietnamese registers:
'00/00/1990' (born in 1990), '00/03/1990' (born in March 1990), also '0/0/1990', '1990-00-00', '1990-03-00'. They
were 'impossible date' (the birth date staged empty and flagged unreadable); they are read as the year (precision
year, 1 January) or the month (precision month, the 1st), as '1990' and '03/1990' are: the same staged record, the
same match (level year_only) and the same review pair. All zeros stay an empty date; a day with a zero month
('15/00/1990') stays impossible. Every test here but the two that pin what stays impossible fails at 2c141e2 (before the change)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.entities.resolve import resolve_entities
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from pipelines.review.queues import date_as_known
from pipelines.standardise import parse_dates
from tests.test_review_dates_as_known import KEY, _with_year_only_copies

YEAR = ["00/00/1990", "0/0/1990", "1990-00-00", "00.00.1990", "00-00-1990", "19900000", "00/1990", " 00/00/1990 "]
MONTH = ["00/03/1990", "0/3/1990", "1990-03-00", "19900300", "ngày 0 tháng 3 năm 1990"]
STILL_IMPOSSIBLE = ["15/00/1990", "00/13/1990", "1990-00-15", "00/02/1790"]


def test_zero_day_and_month_read_as_the_year_or_the_month():
    parsed = parse_dates(pl.Series([*YEAR, *MONTH]))
    assert parsed["error"].null_count() == parsed.height, parsed["error"].to_list()
    assert parsed["date"].to_list() == [dt.date(1990, 1, 1)] * len(YEAR) + [dt.date(1990, 3, 1)] * len(MONTH)
    assert parsed["precision"].to_list() == ["year"] * len(YEAR) + ["month"] * len(MONTH)
    # represented as the year_only / month_year forms are ('1990', '03/1990'), never ambiguous
    assert parsed["date_format"].to_list() == ["year_only"] * len(YEAR) + ["month_year"] * len(MONTH)
    assert not parsed["ambiguous"].any()
    columns = ["date", "date_format", "precision", "ambiguous"]
    bare = parse_dates(pl.Series(["1990", "03/1990"])).select(columns)
    assert bare.rows() == [parsed.select(columns).row(0), parsed.select(columns).row(len(YEAR))]


def test_a_day_with_a_zero_month_and_all_zeros_keep_their_reading():
    parsed = parse_dates(pl.Series([*STILL_IMPOSSIBLE, "00/00/0000", "00000000"]))
    assert parsed["error"].to_list() == [
        "impossible date 15/00/1990",
        "impossible date 00/13/1990",
        "impossible date 1990-00-15",
        "year out of range 00/02/1790",
        None,
        None,
    ]
    assert parsed["date"].null_count() == parsed.height and parsed["other_order"].null_count() == parsed.height


def test_month_first_sources_read_the_zero_in_their_order():
    parsed = parse_dates(pl.Series(["03/00/1990", "00/00/1990", "00/03/1990", "1990-03-00"]), day_first=False)
    assert parsed["date"].to_list() == [dt.date(1990, 3, 1), dt.date(1990, 1, 1), None, dt.date(1990, 3, 1)]
    assert parsed["precision"].to_list() == ["month", "year", None, "month"]
    assert parsed["error"].to_list()[2] == "impossible date 00/03/1990"  # a day 3 of month 0: no other order offered


@pytest.fixture(scope="module")
def sample():
    extract = extracts_by_partition(load_catalogue())[KEY]
    raw, copies = _with_year_only_copies(load_raw(extract, "test").frame)  # copies: the birth year only, '1993'
    return extract, raw, copies


def _written(raw: pl.DataFrame, copies: list[str], form: str) -> pl.DataFrame:
    """The copies' birth dates (a year, 'yyyy') written again in ``form`` ('{y}' the year)."""
    dob = pl.col("date_of_birth")
    return raw.with_columns(
        pl.when(pl.col("record_key").is_in(copies)).then(pl.format(form, dob)).otherwise(dob).alias("date_of_birth")
    )


@pytest.mark.parametrize("form", ["00/00/{}", "0/0/{}", "{}-00-00"])
def test_a_zero_year_date_is_staged_matched_and_reviewed_as_the_year_alone(sample, form):
    extract, raw, copies = sample
    zeros = _written(raw, copies, form)
    bare, read = (stage(r, "population", day_first=extract.source.day_first) for r in (raw, zeros))
    assert account(zeros, read)["balanced"] and read.unreadable == bare.unreadable
    assert read.staged.equals(bare.staged)  # the same dates, precisions and issues as '1993'
    copied = read.staged.filter(pl.col("record_key").is_in(copies))
    assert copied.height == len(copies) and set(copied["dob_precision"]) == {"year"}
    assert copied["issues"].fill_null("").str.contains("date_of_birth").sum() == 0
    people_bare, people = (resolve_entities("people", s.staged) for s in (bare, read))
    assert people.result.pairs.equals(people_bare.result.pairs)
    assert people.entities.equals(people_bare.entities) and people.review.equals(people_bare.review)
    with_copy = people.result.pairs.filter(pl.col("left_id").is_in(copies) | pl.col("right_id").is_in(copies))
    assert with_copy.height and set(with_copy["date_of_birth_level"].cast(pl.String)) == {"year_only"}
    shown = pl.concat(
        people.review.filter(pl.col(f"{s}_dob_precision") == "year").select(
            date_as_known(pl.col(f"{s}_date_of_birth"), pl.col(f"{s}_dob_precision")).alias("shown")
        )
        for s in ("left", "right")
    )["shown"]
    assert shown.len() and shown.str.contains(r"^\d{4}$").all()  # '1993', not a day


def test_a_zero_day_is_staged_as_the_month(sample):
    extract, raw, copies = sample
    as_month, zero_day = _written(raw, copies, "03/{}"), _written(raw, copies, "00/03/{}")
    bare, read = (stage(r, "population", day_first=extract.source.day_first) for r in (as_month, zero_day))
    assert read.staged.equals(bare.staged)
    copied = read.staged.filter(pl.col("record_key").is_in(copies))
    assert set(copied["dob_precision"]) == {"month"} and set(copied["date_of_birth"].dt.month()) == {3}
    assert read.unreadable == {}


def test_a_day_with_a_zero_month_is_still_unreadable_and_counted(sample):
    extract, raw, copies = sample
    read = stage(_written(raw, copies, "15/00/{}"), "population", day_first=extract.source.day_first)
    copied = read.staged.filter(pl.col("record_key").is_in(copies))
    assert copied["date_of_birth"].null_count() == len(copies)
    assert copied["issues"].str.contains("date_of_birth: unreadable (impossible date)", literal=True).all()
    assert read.unreadable == {"date_of_birth": len(copies)}
