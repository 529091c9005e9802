"""The year_day_month_digit blocking keys: two dates share one when they are in the same year, share a number (as
day or month, in either order) and the other number has at most one of its two digits wrong."""

from __future__ import annotations

import itertools
import random
from datetime import date

import polars as pl

from pipelines.match.prepare import _transform


def _keys(dates: list[date | None]) -> list[set[str] | None]:
    keys = pl.DataFrame({"d": dates}, schema={"d": pl.Date}).select(_transform(pl.col("d"), "year_day_month_digit"))
    return [None if k is None else set(k) for k in keys.to_series().to_list()]


def _one_digit_apart(a: int, b: int) -> bool:
    return a // 10 == b // 10 or a % 10 == b % 10


def _expected(a: date, b: date) -> bool:
    if a.year != b.year:
        return False
    return any(
        x == y and _one_digit_apart(o, p)
        for x, o in ((a.day, a.month), (a.month, a.day))
        for y, p in ((b.day, b.month), (b.month, b.day))
    )


def test_a_digit_of_the_day_or_month_wrong_or_a_swap_with_a_digit_wrong_shares_a_key():
    original = date(1990, 3, 15)
    for copy in (
        date(1990, 3, 16),  # the day's units digit
        date(1990, 3, 25),  # the day's tens digit
        date(1990, 8, 15),  # the month's units digit
        date(1990, 3, 15),  # the same date
    ):
        assert _keys([original])[0] & _keys([copy])[0], copy
    assert _keys([date(1990, 3, 5)])[0] & _keys([date(1990, 7, 3)])[0]  # 05/03 -> 03/07: swapped, a digit wrong
    for other in (
        date(1990, 3, 27),  # both of the day's digits wrong: the number-alone key (year_day_month) shared "1990-3"
        date(1990, 12, 15),  # both of the month's digits wrong ("1990-15" shared before)
        date(1991, 3, 15),  # another year (name_birth_month_day's keys find that)
    ):
        assert not _keys([original])[0] & _keys([other])[0], other


def test_keys_are_shared_exactly_when_a_number_is_right_and_the_other_one_digit_wrong():
    rnd = random.Random(7)
    dates = [date(rnd.choice((1990, 1991)), rnd.randint(1, 12), rnd.randint(1, 28)) for _ in range(300)]
    keys = _keys(dates)
    for i, j in itertools.combinations(range(len(dates)), 2):
        assert bool(keys[i] & keys[j]) == _expected(dates[i], dates[j]), (dates[i], dates[j])


def test_a_missing_date_has_no_key():
    assert _keys([None, date(2001, 1, 1)]) == [None, {"2001-1-t0", "2001-1-u1"}]
