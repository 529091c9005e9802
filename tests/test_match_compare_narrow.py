"""HS24's compare cuts keep every answer: value codes gathered as the smallest integers holding them
(``ValueCodes.narrow``), a scorer not asked again for pairs a call already needed (``_PairColumns.score``), a date
typo's answer False where a date is missing (``_typo_of_digits``), and the source codes of distinct value pairs as
32-bit integers (``ValueCodes.source_codes``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from pipelines.match.compare import ValueCodes, _date_digits, _distinct_pairs, _PairColumns, _typo_of_digits


def test_narrow_codes_are_the_codes_in_the_smallest_integers_holding_them():
    rng = np.random.default_rng(11)
    work = pl.DataFrame(
        {
            "few": rng.choice(["a", "b", None], 3000).tolist(),  # 2 codes: a byte
            "some": [None if i % 7 == 0 else f"v{i % 300}" for i in range(3000)],  # 300 codes: two bytes
            "many": [f"x{i}" for i in range(3000)],  # two bytes too (3000 codes)
        }
    )
    codes = ValueCodes(work)
    for column, kind in (("few", np.uint8), ("some", np.uint16), ("many", np.uint16)):
        narrow = codes.narrow(column)
        assert narrow.dtype == kind, column
        assert np.array_equal(narrow, codes.array(column)), column
        assert codes.narrow(column) is narrow  # made once


def test_exact_levels_are_the_same_on_narrow_codes_as_on_the_values():
    rng = np.random.default_rng(12)
    values = [None if rng.random() < 0.1 else f"h{int(rng.integers(0, 400))}" for _ in range(2000)]
    work = pl.DataFrame({"h": values})
    l = pl.Series(rng.integers(0, 2000, 20_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 2000, 20_000).astype(np.uint32))
    cols = _PairColumns(work, l, r, ValueCodes(work))
    ca, cb, _ = cols.codes("h")
    assert ca.dtype == np.uint16
    want = [x is not None and x == y for x, y in zip(work["h"].gather(l), work["h"].gather(r), strict=True)]
    assert np.array_equal((ca == cb) & (ca != 0), np.array(want))


def test_a_scorer_asked_for_pairs_a_call_did_not_need_works_them_out():
    rng = np.random.default_rng(13)
    # 300 names of a few letters: the pairs' value pairs nearly all distinct, so the first call leaves most undone
    work = pl.DataFrame({"name": ["".join(rng.choice(list("abc"), 4)) + str(i % 7) for i in range(300)]})
    l = pl.Series(rng.integers(0, 300, 4_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 300, 4_000).astype(np.uint32))
    cols = _PairColumns(work, l, r, ValueCodes(work))
    first = np.arange(4_000) < 1_000
    cols.score("name", "levenshtein", 2, need=first)
    later = first.copy()
    later[:500] = False  # fewer pairs: nothing to work out
    assert not np.isnan(cols.score("name", "levenshtein", 2, need=later)[later]).any()
    other = ~first  # pairs the first call did not need: worked out now, none left NaN
    got = cols.score("name", "levenshtein", 2, need=other)
    assert not np.isnan(got[other]).any()
    assert np.array_equal(got, cols.score("name", "levenshtein", 2))


def test_a_date_typo_is_false_where_a_date_is_missing():
    dates = pl.Series(
        "d", [dt.date(1990, 3, 15), dt.date(1990, 3, 16), None, dt.date(1991, 3, 15), dt.date(1990, 5, 13)]
    )
    digits = _date_digits(dates)
    l = np.array([0, 0, 2, 0, 2, 0])  # noqa: E741
    r = np.array([1, 3, 0, 4, 2, 0])
    got = _typo_of_digits(digits, digits, l, r)
    assert got.dtype == bool
    # one digit apart, a year off by one, a missing date either side (False, not null), a day/month swap two digits
    # apart (3/15 against 5/13 has two digits apart unswapped; swapped 15/03 -> 13/05 no), a date with itself
    assert got.tolist() == [True, True, False, False, False, True]


@pytest.mark.parametrize("dtype", [np.int64, np.uint32, np.uint64])
def test_distinct_pairs_of_codes_of_any_integer_type(dtype):
    rng = np.random.default_rng(14)
    a = rng.integers(0, 50, 10_000).astype(dtype)
    b = rng.integers(0, 50, 10_000).astype(dtype)
    some, inverse = _distinct_pairs(a, b, 50)
    pairs = a.astype(np.int64) * 50 + b
    assert len(np.unique(pairs)) == len(some)
    assert np.array_equal(pairs[some][inverse], pairs)  # each position's distinct pair is its own


def test_source_codes_are_32_bit_and_give_the_same_distinct_pairs():
    rng = np.random.default_rng(15)
    work = pl.DataFrame(
        {"name": [None if rng.random() < 0.1 else f"n{int(rng.integers(0, 500))}" for _ in range(3000)]}
    )
    codes = ValueCodes(work)
    code, count = codes.source_codes("name")
    assert code.dtype == np.uint32
    assert np.array_equal(code, codes.array("name").astype(np.int64))
    assert count == work["name"].drop_nulls().n_unique() + 1
