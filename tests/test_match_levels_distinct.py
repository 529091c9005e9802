"""The compare step's levels with the distinct value pairs found among all the candidate pairs at once
(``comparison_levels``' ``threads``), not per chunk: every pair's levels as ``comparison_levels`` gives them pair by
pair, whichever comparisons follow one column (the name, the birth date) and whichever do not (IDs, the place)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.match.compare as compare
import pipelines.match.engine as engine
from pipelines.match.compare import ValueCodes, comparison_levels
from tests.match_cases import background_candidates


@pytest.fixture(scope="module")
def table() -> tuple:
    spec, work, codes, candidates = background_candidates(3000, seed=9)
    # the candidates eight times over (their value pairs repeat, as a city's namesakes' do) and random pairs
    rng = np.random.default_rng(3)
    left, right = rng.integers(0, work.height, 1500), rng.integers(0, work.height, 1500)
    drawn = pl.DataFrame({"l": np.minimum(left, right), "r": np.maximum(left, right)}).cast(pl.UInt32)
    pairs = pl.concat([candidates.select("l", "r")] * 8 + [drawn.filter(pl.col("l") < pl.col("r"))])
    return spec, work, codes, pairs


@pytest.mark.parametrize("deferred", [False, True])
def test_levels_by_distinct_value_pairs_are_each_pairs_own(table, monkeypatch, deferred):
    spec, work, codes, pairs = table
    comparisons = spec.comparisons
    if deferred:  # (the compare step's: the comparisons only a rule or the table reads left for later)
        comparisons = tuple(c for c in spec.comparisons if c not in engine.deferred_comparisons(spec))
    assert pairs.height > 4000
    threads, found = [], []  # (each comparison_levels call's threads)
    run, distinct = engine.comparison_levels, compare._distinct_pairs
    monkeypatch.setattr(
        engine, "comparison_levels", lambda *a, **k: threads.append(k.get("threads", 1)) or run(*a, **k)
    )
    monkeypatch.setattr(compare, "_distinct_pairs", lambda *args: found.append(distinct(*args)) or found[-1])
    monkeypatch.setattr(engine, "COMPARE_SPLIT", 100)  # (this table's pairs through the chunked step)
    got = engine._levels_in_chunks(work, pairs, spec, codes, comparisons)
    assert threads == [engine.COMPARE_THREADS] == [2]
    assert len(found) == 2 and all(f is not None and len(f[0]) < pairs.height // 2 for f in found)  # name, date
    # pair by pair, no value pairs made distinct
    want = comparison_levels(work, pairs["l"], pairs["r"], comparisons, ValueCodes(work), by_values=False)
    assert_frame_equal(got, want)
    assert got["name"].n_unique() >= 6 and got["date_of_birth"].n_unique() >= 4  # (levels of every kind held)
    # past COMPARE_DISTINCT_UP_TO pairs, the chunks as before: the same levels
    monkeypatch.setattr(engine, "COMPARE_DISTINCT_UP_TO", 100)
    monkeypatch.setattr(engine, "COMPARE_CHUNK", pairs.height // 5)
    assert_frame_equal(engine._levels_in_chunks(work, pairs, spec, codes, comparisons), want)
    assert threads[0] == 2 and len(threads) > 3 and set(threads[1:]) == {1}  # (the chunks, one thread each)


def test_levels_by_distinct_where_no_value_pair_repeats(table, monkeypatch):
    # a comparison whose value pairs are nearly all distinct (_distinct_pairs: None) is worked out on the pairs
    spec, work, codes, pairs = table
    once = pairs.tail(400)  # (random pairs: their value pairs hardly repeat)
    found = []
    distinct = compare._distinct_pairs
    monkeypatch.setattr(compare, "_distinct_pairs", lambda *args: found.append(distinct(*args)) or found[-1])
    got = comparison_levels(work, once["l"], once["r"], spec.comparisons, codes, by_values=True, threads=2)
    assert found == [None, None]
    want = comparison_levels(work, once["l"], once["r"], spec.comparisons, ValueCodes(work), by_values=False)
    assert_frame_equal(got, want)
    none = once.clear()
    assert_frame_equal(comparison_levels(work, none["l"], none["r"], spec.comparisons, codes, True, 2), want.clear())
