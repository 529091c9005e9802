"""The date level ``year_off``: dates a year apart with the same day and month (an age counted from the wrong year),
told from the other slips of a date (HA6). Typed dates and datetimes (the per-code and the expression paths) give the
same levels; a year-only side holds none of it; the people spec weighs it apart from the typo level."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.match import load_spec, parse_spec
from pipelines.match.compare import ValueCodes, comparison_levels

PEOPLE = Path(__file__).resolve().parent.parent / "mappings" / "match" / "people.toml"

LEVELS = ["exact", "year_off", "typo", "same_year"]


def _spec():
    return parse_spec(
        {
            "match": {"id": "id"},
            "blocking": [{"name": "all", "on": ["k"]}],
            "compare": [
                {
                    "name": "dob",
                    "column": "dob",
                    "levels": [
                        {"kind": "exact", "label": "exact"},
                        {"kind": "year_off", "label": "year_off"},
                        {"kind": "date_typo", "label": "typo"},
                        {"kind": "same_year", "label": "same_year"},
                    ],
                }
            ],
        }
    )


PAIRS = [  # (left, right, expected label; None: different)
    (dt.date(1990, 3, 15), dt.date(1991, 3, 15), "year_off"),
    (dt.date(1990, 3, 15), dt.date(1989, 3, 15), "year_off"),
    (dt.date(2000, 12, 31), dt.date(1999, 12, 31), "year_off"),  # the decade's digits all differ
    (dt.date(1990, 3, 15), dt.date(1992, 3, 15), "typo"),  # two years apart: one digit
    (dt.date(1990, 3, 15), dt.date(1991, 3, 16), None),  # a year and a day apart
    (dt.date(1990, 3, 15), dt.date(1991, 4, 15), None),  # a year and a month apart
    (dt.date(1990, 3, 15), dt.date(1990, 3, 15), "exact"),
    (dt.date(1990, 3, 15), dt.date(1990, 3, 25), "typo"),
    (dt.date(1990, 3, 15), dt.date(1990, 7, 1), "same_year"),
]


@pytest.mark.parametrize("dtype", [pl.Date, pl.Datetime("us")])
def test_year_off_holds_a_year_apart_with_the_same_day_and_month(dtype):
    spec = _spec()
    values = [v for a, b, _ in PAIRS for v in (a, b)]
    work = pl.DataFrame({"dob": pl.Series(values, dtype=pl.Date).cast(dtype)})
    n = len(PAIRS)
    l = pl.Series(range(0, 2 * n, 2), dtype=pl.UInt32)
    r = pl.Series(range(1, 2 * n, 2), dtype=pl.UInt32)
    got = comparison_levels(work, l, r, spec.comparisons, ValueCodes(work))["dob"].to_list()
    labels = [None if g == len(LEVELS) else LEVELS[g] for g in got]
    # (datetimes: only year_off is checked here, the other levels' reading of them is not this test's)
    assert [x == "year_off" for x in labels] == [e == "year_off" for _, _, e in PAIRS]
    if dtype == pl.Date:
        assert labels == [e for _, _, e in PAIRS]
    # either side on the left: the same level
    back = comparison_levels(work, r, l, spec.comparisons, ValueCodes(work))["dob"].to_list()
    assert back == got


def test_a_year_only_date_is_never_a_year_off():
    spec = _spec()
    work = pl.DataFrame(
        {"dob": [dt.date(1990, 1, 1), dt.date(1991, 1, 1)], "dob__precision": ["year", "day"]},
    )
    from pipelines.match.prepare import precision_column

    work = work.rename({"dob__precision": precision_column("dob")})
    got = comparison_levels(work, pl.Series([0], dtype=pl.UInt32), pl.Series([1], dtype=pl.UInt32), spec.comparisons)
    assert got["dob"].to_list() != [LEVELS.index("year_off")]


def test_people_spec_weighs_a_year_off_apart_from_the_typo_level():
    comp = next(c for c in load_spec(PEOPLE).comparisons if c.name == "date_of_birth")
    labels = [lv.label for lv in comp.levels]
    assert labels.index("year_off_by_one") == labels.index("typo") - 1
    assert len(comp.m_prior) == len(comp.levels) + 1


def _dates_work():
    """Dates crowded on a few days of a few years (many pairs a year apart), some known to the year only, some
    missing."""
    import random

    from pipelines.match.prepare import precision_column

    rnd = random.Random(4)
    dates, precision = [], []
    for _ in range(300):
        day = dt.date(rnd.choice([1989, 1990, 1991, 1993]), rnd.choice([1, 3]), rnd.choice([1, 15]))
        coarse = rnd.random() < 0.1
        dates.append(None if rnd.random() < 0.05 else dt.date(day.year, 1, 1) if coarse else day)
        precision.append("year" if coarse else "day")
    return pl.DataFrame({"dob": pl.Series(dates, dtype=pl.Date), precision_column("dob"): precision})


def _every_pair_levels(work, comp):
    import numpy as np

    l, r = np.nonzero(~np.eye(work.height, dtype=bool))
    pairs = (pl.Series(l.astype(np.uint32)), pl.Series(r.astype(np.uint32)))
    level = comparison_levels(work, *pairs, (comp,), ValueCodes(work))[comp.name]
    return np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(comp.levels) + 1)


def test_a_year_off_s_pairs_are_counted_from_the_dates_as_every_pair_gives_them():
    # u of year_off is exact (model._year_off_pairs), no longer the share of ~40 random pairs in a million
    from pipelines.match.model import _exact_counts

    comp = _spec().comparisons[0]  # (the people spec's count is checked in test_match_exact_u)
    work = _dates_work()
    counts = _every_pair_levels(work, comp)
    found = _exact_counts(work, comp, ValueCodes(work))
    at = LEVELS.index("year_off")
    assert found.levels[at] == counts[at] > 0 and at not in found.sampled
    assert found.rest == int(counts[[*found.sampled, len(comp.levels)]].sum())


def test_a_year_off_after_a_level_holding_such_pairs_is_left_to_random_pairs():
    # after the typo level (a year off by one is a digit apart: 1990 / 1991) its pairs are the typo's
    import dataclasses

    from pipelines.match.model import _exact_counts

    comp = _spec().comparisons[0]
    typo_first = dataclasses.replace(comp, levels=(comp.levels[0], comp.levels[2], comp.levels[1], comp.levels[3]))
    work = _dates_work()
    found = _exact_counts(work, typo_first, ValueCodes(work))
    assert set(found.levels) == {0} and found.sampled == [1, 2, 3]
    assert _exact_counts(work, comp, ValueCodes(work)).levels.keys() == {0, 1}  # (in _spec's order: counted)
