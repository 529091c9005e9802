"""Comparison levels worked out once per distinct pair of source values (``comparison_levels(by_values=True)``,
``compare._source_of``) are those worked out pair by pair: on the people spec's candidate pairs (the name and
given-name comparisons follow the full name, the date comparison the birth date and its precision), with year-only
dates, and where a derived column is not one value per source value (it is then compared pair by pair)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

import pipelines.match.compare as compare
from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes, _distinct_pairs, _source_of, comparison_levels
from pipelines.match.prepare import derived_sources, precision_column
from pipelines.match.spec import Comparison, Level
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures


def _both(work: pl.DataFrame, l: pl.Series, r: pl.Series, comparisons, sources) -> tuple[pl.DataFrame, pl.DataFrame]:
    one = comparison_levels(work, l, r, comparisons, ValueCodes(work, sources))
    distinct = comparison_levels(work, l, r, comparisons, ValueCodes(work, sources), by_values=True)
    return one, distinct


def test_candidate_pairs_levels_by_values_equal_pair_by_pair(work, spec, monkeypatch):
    sources = derived_sources(spec)
    codes = ValueCodes(work, sources)
    pairs, _ = candidate_pairs(work, spec, codes)
    chosen = {c.name: _source_of(c, work, codes) for c in spec.comparisons}
    assert chosen["name"] == chosen["given_name"] == "full_name"
    assert chosen["date_of_birth"] == "date_of_birth"
    assert chosen["ids"] is None  # mixed: two columns' shared codes
    assert chosen["home"] is None  # exact levels only: codes compared per pair
    # every pair's levels the same, whether the value pairs are few enough to be worked out once or not
    for share in (compare.BY_VALUES_SHARE, 1.01, 0.0):
        monkeypatch.setattr(compare, "BY_VALUES_SHARE", share)
        one, distinct = _both(work, pairs["l"], pairs["r"], spec.comparisons, sources)
        assert_frame_equal(one, distinct)
        assert one.height == pairs.height and one.columns == [c.name for c in spec.comparisons]


def test_repeated_value_pairs_are_worked_out_once(work, spec, monkeypatch):
    # the same 40 pairs ten times over: the name's levels are worked out on at most 40 pairs, and gathered back
    codes = ValueCodes(work, derived_sources(spec))
    l = pl.Series("l", np.tile(np.arange(40, dtype=np.uint32), 10))
    r = pl.Series("r", np.tile(np.arange(40, 80, dtype=np.uint32), 10))
    seen: list[tuple[str, int]] = []
    levels = compare._levels

    def counting(work, l, r, comparisons, codes):
        seen.extend((c.name, len(l)) for c in comparisons)
        return levels(work, l, r, comparisons, codes)

    monkeypatch.setattr(compare, "_levels", counting)
    out = comparison_levels(work, l, r, spec.comparisons, codes, by_values=True)
    assert dict(seen)["name"] <= 40 and dict(seen)["date_of_birth"] <= 40
    assert dict(seen)["ids"] == 400
    monkeypatch.setattr(compare, "_levels", levels)
    assert_frame_equal(out, comparison_levels(work, l, r, spec.comparisons, codes))


def test_year_only_dates_by_values():
    day = dt.date(1990, 1, 1)
    dates = [day, day, day, dt.date(1990, 1, 2), dt.date(1991, 1, 1), None, day, dt.date(1990, 3, 4)] * 5
    precision = ["day", "year", "day", "day", "day", None, "month", "day"] * 5
    work = pl.DataFrame({"dob": dates, precision_column("dob"): precision})
    comparison = Comparison(
        "dob",
        ("dob",),
        (
            Level("exact", "exact"),
            Level("date_within", "within", days=31),
            Level("year_only", "year_only"),
            Level("same_year", "same_year"),
        ),
    )
    assert _source_of(comparison, work, ValueCodes(work)) == "dob"
    l, r = np.triu_indices(work.height, 1)
    one, distinct = _both(work, pl.Series("l", l, pl.UInt32), pl.Series("r", r, pl.UInt32), (comparison,), {})
    assert_frame_equal(one, distinct)
    assert distinct["dob"].null_count() and set(distinct["dob"].drop_nulls()) >= {0, 1, 2, 3}


def test_a_derived_value_not_its_sources_is_compared_pair_by_pair():
    # "d" is derived from "s" but differs for one record: its comparison does not follow "s", and is compared per pair
    work = pl.DataFrame({"s": ["an", "an", "binh", "binh", "an", "chi"] * 4, "d": ["an", "anh", "binh"] * 8})
    comparison = Comparison("d", ("s",), (Level("exact", "exact"), Level("levenshtein", "typo", ("d",), distance=1)))
    codes = ValueCodes(work, {"d": "s"})
    assert not codes.follows("d", "s")
    assert _source_of(comparison, work, codes) is None
    l, r = np.triu_indices(work.height, 1)
    one, distinct = _both(work, pl.Series("l", l, pl.UInt32), pl.Series("r", r, pl.UInt32), (comparison,), {"d": "s"})
    assert_frame_equal(one, distinct)
    # the same table with "d" one value per "s" follows it
    work = work.with_columns(pl.col("s").str.to_uppercase().alias("d"))
    assert _source_of(comparison, work, ValueCodes(work, {"d": "s"})) == "s"
    one, distinct = _both(work, pl.Series("l", l, pl.UInt32), pl.Series("r", r, pl.UInt32), (comparison,), {"d": "s"})
    assert_frame_equal(one, distinct)


def test_distinct_pairs_positions_and_numbers():
    a = np.array([3, 1, 3, 2, 1, 3, 1], dtype=np.int64)
    b = np.array([0, 2, 0, 2, 2, 0, 2], dtype=np.int64)
    for count in (4, 1 << 31):  # a sort of packed words; np.unique where a pair and its place do not fit in 64 bits
        some, inverse = _distinct_pairs(a, b, count)
        assert sorted(zip(a[some].tolist(), b[some].tolist(), strict=True)) == [(1, 2), (2, 2), (3, 0)]
        assert (a[some][inverse] == a).all() and (b[some][inverse] == b).all()
    assert _distinct_pairs(np.arange(5), np.arange(5), 5) is None  # every pair distinct: not worth it
    assert _distinct_pairs(a[:0], b[:0], 4) is None


def _digits_coded_per_record(work: pl.DataFrame, space: tuple[str, ...]) -> tuple[list[np.ndarray], pl.Series]:
    """A mixed comparison's shared codes as worked out before: every record's digits coded together."""
    values = [compare._id_form_digits(work[c]) for c in space]
    codes, by_code = compare._value_codes(pl.concat(values, rechunk=True))
    codes = compare._array(codes)
    return [codes[i * work.height : (i + 1) * work.height] for i in range(len(space))], by_code


def test_shared_id_codes_from_each_columns_distinct_values(work):
    # the digits of each column's distinct values, spread through its codes: the codes of every record's digits
    space = ("old_id_number", "personal_id")
    for table in (
        work,
        pl.DataFrame(
            {
                "personal_id": ["001090012345", "001-090-012-345", None, "000000000000", "12345678", "001090012345"],
                "old_id_number": ["012345678", None, "012.345.678", "123456789", "001090012345", None],
            }
        ),
        pl.DataFrame(
            {"personal_id": [1090012345, None, 12345678, 1090012345], "old_id_number": [None, 12345678, 7, 7]}
        ),
    ):
        expected, values = _digits_coded_per_record(table, space)
        codes = ValueCodes(table)
        for column, want in zip(space, expected, strict=True):
            assert np.array_equal(codes.array(column, space), want), column
        assert codes.get("personal_id", space)[1].equals(values)


def test_dense_codes_are_np_uniques():
    # a few distinct values (binary search among them), numbers in a narrow range (a table of the span), and many
    rng = np.random.default_rng(5)
    cases = [
        rng.integers(0, 2**63, size=7, dtype=np.uint64)[rng.integers(0, 7, size=50_000)],  # hashes of a few values
        rng.integers(-20_000, 20_000, size=50_000).astype(np.int32),  # days of dates, before and after 1970
        rng.integers(0, 2**63, size=50_000, dtype=np.uint64),  # hashes, every one distinct
        np.concatenate([np.arange(5_000, dtype=np.uint64), np.zeros(60_000, dtype=np.uint64)]),  # the sample misleads
        np.array([], dtype=np.uint64),
        np.array([3, 3, 1], dtype=np.int64),
        np.full(9, 2**64 - 5, dtype=np.uint64),  # one value past 2**63
    ]
    for values in cases:
        distinct, inverse = compare._dense(values)
        want, want_inverse = np.unique(values, return_inverse=True)
        assert np.array_equal(distinct, want) and distinct.dtype == want.dtype
        assert np.array_equal(inverse, want_inverse.reshape(-1))


def test_a_sources_records_are_picked_once_for_every_column_derived_from_it(work, spec, monkeypatch):
    # every column derived from the full name (from the birth date) is coded on the same picked records
    picks: dict[str, set[int]] = {}
    through = compare._through
    sources = derived_sources(spec)

    def recording(values, picked, place):
        picks.setdefault(sources[values.name], set()).add(id(picked))
        return through(values, picked, place)

    monkeypatch.setattr(compare, "_through", recording)
    codes = ValueCodes(work, sources)
    for column in ("name", "given", "family", "middle", "birth_year", "birth_date_any_order"):
        codes.array(column)
    assert set(picks) == {"full_name", "date_of_birth"}
    assert all(len(ids) == 1 for ids in picks.values())
