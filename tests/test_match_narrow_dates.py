"""HA2's narrow per-code date tables for the pair gathers (``ValueCodes.narrow_dates``, ``_narrow_signed``): the date
levels take differences of two values gathered from them, which must come out as on the 64-bit tables (no wrap
round), whatever the dates' span."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.match.compare import ValueCodes, _narrow_signed, comparison_levels
from pipelines.match.spec import Comparison, Level


def test_narrowed_integers_differ_as_the_wide_ones():
    rng = np.random.default_rng(21)
    for low, high, kind in (
        (0, 31, np.int8),  # a day
        (1, 1231, np.int16),  # month * 100 + day
        (1900, 2100, np.int16),  # a year
        (-40_000, 60_000, np.int32),  # days since 1970
        (0, 62, np.int8),
        (-62, 62, np.int8),
        (0, 63, np.int16),  # (63 - -63 would not fit a byte: past half its range)
        (-16_382, 16_382, np.int16),
        (-16_383, 0, np.int32),
        (0, 2**40, np.int64),
    ):
        values = np.concatenate([[low, high], rng.integers(low, high + 1, 500)]).astype(np.int64)
        narrow = _narrow_signed(values)
        assert narrow.dtype == kind, (low, high)
        a, b = rng.integers(0, len(values), 5_000), rng.integers(0, len(values), 5_000)
        a[:2], b[:2] = (0, 1), (1, 0)  # (the extremes against each other, both ways)
        assert np.array_equal(np.abs(narrow[a] - narrow[b]).astype(np.int64), np.abs(values[a] - values[b]))
    flags = np.array([True, False])
    assert _narrow_signed(flags) is flags  # (not integers: as they are)


def _date_comparison() -> Comparison:
    return Comparison(
        "born",
        ("born",),
        (
            Level("exact", "exact"),
            Level("date_swap", "swap"),
            Level("year_off", "year_off"),
            Level("date_typo", "typo"),
            Level("date_within", "within", days=31),
            Level("same_year", "same_year"),
        ),
    )


def _expected(x: dt.date | None, y: dt.date | None) -> int | None:
    """The level of the comparison above, worked out on the two dates in Python."""
    if x is None or y is None:
        return None
    digits = [f"{d.year:04d}{d.month:02d}{d.day:02d}" for d in (x, y)]
    swapped = f"{y.year:04d}{y.day:02d}{y.month:02d}"
    one_digit = sum(p != q for p, q in zip(*digits, strict=True)) <= 1
    swap_digit = sum(p != q for p, q in zip(digits[0], swapped, strict=True)) <= 1
    if x == y:
        return 0
    if x.year == y.year and x.month == y.day and x.day == y.month:
        return 1
    if abs(x.year - y.year) == 1 and (x.month, x.day) == (y.month, y.day):
        return 2
    if one_digit or swap_digit:
        return 3
    if abs((x - y).days) <= 31:
        return 4
    if x.year == y.year:
        return 5
    return 6


def test_date_levels_of_dates_far_apart_are_those_of_the_dates():
    # dates spanning ten thousand years (days since 1970 from -719,162 to 2,932,896: four bytes, not two), a leap day,
    # the turn of 1970 (days 0 and -1), a swap, a year off, a typo, dates a month apart and a year apart, and dates a
    # narrower table would wrap round onto each other
    dates = [
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
        dt.date(9998, 12, 31),
        dt.date(1969, 12, 31),
        dt.date(1970, 1, 1),
        dt.date(1970, 1, 31),
        dt.date(1970, 2, 1),
        dt.date(2000, 2, 29),
        dt.date(2001, 2, 28),
        dt.date(2000, 3, 4),
        dt.date(2000, 4, 3),
        dt.date(2001, 3, 4),
        dt.date(2000, 3, 5),
        dt.date(1990, 12, 31),
        dt.date(2246, 12, 31),  # 256 years on (a year in a byte would be the same year), 257, and 65,541 days on
        dt.date(2247, 12, 31),  # from 1970 (days in two bytes would be 5 days apart)
        dt.date(1970, 1, 1) + dt.timedelta(days=65_536 + 5),
        None,
    ]
    work = pl.DataFrame({"born": dates}, schema={"born": pl.Date})
    codes = ValueCodes(work)
    assert codes.narrow_dates("parts", "born")[3].dtype == np.int32  # (the days: four bytes hold them)
    assert codes.narrow_dates("parts", "born")[0].dtype == np.int16  # (the years: two)
    l, r = (side.reshape(-1) for side in np.meshgrid(np.arange(len(dates)), np.arange(len(dates)), indexing="ij"))
    pairs = pl.Series("l", l, pl.UInt32), pl.Series("r", r, pl.UInt32)
    got = comparison_levels(work, *pairs, (_date_comparison(),), codes)["born"].to_list()
    want = [_expected(dates[i], dates[j]) for i, j in zip(l, r, strict=True)]
    assert got == want
    assert {0, 1, 2, 3, 4, 5, 6, None} <= set(got)  # (every level met)
