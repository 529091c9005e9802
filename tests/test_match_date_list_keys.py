"""The birth date's list keys (year_day_month_digit, year_typo_keys) as prepare writes them: each key once, in the
order written, for every kind of date (a day equal to its month, a year ending in 9 or 0, the first and last years a
date holds) and none for a missing date. The keys are written as one text and split (prepare.py): this pins the
lists to a plain Python statement of them."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from pipelines.match.prepare import _transform


def _once(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _digit_keys(d: date) -> list[str]:
    y, m, day = d.year, d.month, d.day
    return _once([f"{y}-{day}-t{m // 10}", f"{y}-{day}-u{m % 10}", f"{y}-{m}-t{day // 10}", f"{y}-{m}-u{day % 10}"])


def _typo_keys(d: date) -> list[str]:
    y = d.year
    return _once([str((y - 1) // 10), str((y + 1) // 10), f"{y // 100}_{y % 10}"])


def _dates() -> list[date | None]:
    every_day = [date(1989, 1, 1) + timedelta(days=i) for i in range(3 * 366)]  # 1989-1991: years ending 9, 0, 1
    years = [date(y, m, d) for y in (1, 9, 10, 99, 100, 1999, 2000, 2009, 9999) for m, d in ((1, 1), (12, 12), (7, 31))]
    return [None, *every_day, *years, None]


def test_the_list_keys_are_the_plain_keys_each_once_in_order():
    dates = _dates()
    got = pl.DataFrame({"d": dates}, schema={"d": pl.Date}).select(
        digit=_transform(pl.col("d"), "year_day_month_digit"), typo=_transform(pl.col("d"), "year_typo_keys")
    )
    assert got.schema == {"digit": pl.List(pl.String), "typo": pl.List(pl.String)}
    assert got["digit"].to_list() == [None if d is None else _digit_keys(d) for d in dates]
    assert got["typo"].to_list() == [None if d is None else _typo_keys(d) for d in dates]
    # (the cases the lists' uniqueness is for are there: a day equal to its month, a year at a decade's end)
    assert any(d is not None and d.day == d.month for d in dates)
    assert {len(k) for k in got["typo"].drop_nulls().to_list()} == {2, 3}
