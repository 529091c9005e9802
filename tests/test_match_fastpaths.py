"""Shortcuts taken for speed at city scale give what the plain computation gives.

Value codes come from hashes (checked against the values), IDs made of digits are compared
digit by digit in numpy instead of by a string scorer, and the guard's refused pairs are found
by binary search: each is checked against the straightforward answer.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
from rapidfuzz.distance import Hamming

from pipelines.match import load_spec
from pipelines.match.compare import ValueCodes, _PairColumns, _value_codes, comparison_levels
from pipelines.match.engine import _refused_reason
from pipelines.standardise import id_form_digits
from pipelines.warehouse import REPO_ROOT


def test_value_codes_are_equal_exactly_for_equal_values_and_null_for_missing():
    values = pl.Series("v", ["b", None, "a", "b", "", None, "a", "c"], dtype=pl.String)
    codes, by_code = _value_codes(values)
    assert codes.is_null().to_list() == values.is_null().to_list()
    assert sorted(by_code.to_list()) == ["", "a", "b", "c"]
    # each code names its value, and distinct values have distinct codes
    assert [by_code[c - 1] if c is not None else None for c in codes.to_list()] == values.to_list()


def _ids(rng: np.random.Generator, n: int) -> list[str | None]:
    lengths = rng.choice([9, 12, 3], size=n)
    return [
        None if rng.random() < 0.1 else "".join(rng.choice(list("0127"), size=k)) for k in lengths
    ]  # few digits: many values one or two digits apart


def test_digit_ids_are_counted_apart_as_hamming_distance_counts_them():
    rng = np.random.default_rng(3)
    work = pl.DataFrame({"a": _ids(rng, 2000), "b": _ids(rng, 2000)})
    l = pl.Series(rng.integers(0, 2000, 30_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 2000, 30_000).astype(np.uint32))
    apart = _PairColumns(work, l, r, ValueCodes(work)).digits_apart("a", "b", ("a", "b"))
    left, right = work["a"].gather(l).to_list(), work["b"].gather(r).to_list()
    # a mixed comparison's space holds only CMND/CCCD forms (9 or 12 digits, no placeholder): others are missing
    form = set(id_form_digits(pl.concat([work["a"], work["b"]])).drop_nulls().to_list())
    checked = 0
    for x, y, d in zip(left, right, apart, strict=True):
        if x in form and y in form and len(x) == len(y):
            assert d == Hamming.distance(x, y), (x, y)
            checked += 1
        else:
            assert d == 16, (x, y)
    assert checked > 1000


def test_id_levels_are_the_same_whether_ids_are_compared_as_digits_or_by_the_string_scorer():
    """One value that is not all digits sends the whole column to the string scorer: every other pair's level
    must come out the same as on the digits path."""
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    # not mixed: a mixed comparison's values are only ever digits (standardise.id_form_digits)
    ids = replace(next(c for c in spec.comparisons if c.name == "ids"), mixed=False)
    rng = np.random.default_rng(5)
    n = 3000
    work = pl.DataFrame({"personal_id": _ids(rng, n), "old_id_number": _ids(rng, n)})
    l = pl.Series(rng.integers(0, n - 1, 40_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, n - 1, 40_000).astype(np.uint32))
    digits = comparison_levels(work, l, r, (ids,))["ids"]
    assert ValueCodes(work).digit_bytes("personal_id") is not None
    odd = work.with_columns(
        pl.Series("personal_id", work["personal_id"].to_list()[:-1] + ["12A"])
    )  # row n - 1: in no pair
    assert ValueCodes(odd).digit_bytes("personal_id") is None
    scorer = comparison_levels(odd, l, r, (ids,))["ids"]
    assert digits.equals(scorer)
    # every level was reached: exact, one or two digits off, an ID on one side only, no kind in common, different
    assert set(digits.drop_nulls().unique().to_list()) == set(range(len(ids.levels) + 1))


def test_refused_reasons_land_on_their_pairs_only():
    scored = pl.DataFrame({"l": [0, 0, 1, 2, 5], "r": [1, 3, 2, 9, 6]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    refused = pl.DataFrame(
        {"l": [5, 0, 7], "r": [6, 3, 8], "reason": ["too big", "conflict", "not scored"]},
        schema={"l": pl.UInt32, "r": pl.UInt32, "reason": pl.String},
    )
    assert _refused_reason(scored, refused).to_list() == [None, "conflict", None, None, "too big"]
    assert _refused_reason(scored, refused.head(0)).to_list() == [None] * 5
    assert _refused_reason(scored.head(0), refused).len() == 0


def test_dates_are_coded_by_number_with_their_text_as_the_value_of_each_code():
    import datetime as dt

    days = [dt.date(1990, 3, 15), None, dt.date(2004, 11, 8), dt.date(1990, 3, 15), dt.date(1990, 15 // 5, 1)]
    work = pl.DataFrame({"d": days}, schema={"d": pl.Date})
    codes, by_code = ValueCodes(work).get("d")
    assert by_code.dtype == pl.String
    text = work["d"].cast(pl.String).to_list()
    assert [by_code[c - 1] if c is not None else None for c in codes.to_list()] == text
    assert by_code.n_unique() == len(by_code) == 3
