"""The comparisons gather each pair's values by numpy's own index type (``np.intp``): the pairs' row numbers and each
pair's place among its distinct value pairs are held as such, so a gather does not convert its index first (an
index of another type, the pairs' UInt32, was converted on every gather: at 1M people a third of the comparisons'
instructions went to numpy's converting gather). The levels are the same whatever type the row numbers come in."""

from __future__ import annotations

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes, _PairColumns, comparison_levels
from pipelines.match.prepare import derived_sources
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures


def test_pair_rows_and_distinct_places_are_numpy_index_type(work, spec):
    codes = ValueCodes(work, derived_sources(spec))
    pairs, _ = candidate_pairs(work, spec, codes)
    assert pairs.schema["l"] == pl.UInt32  # (the engine's pairs)
    cols = _PairColumns(work, pairs["l"], pairs["r"], codes)
    assert cols._l.dtype == np.intp and cols._r.dtype == np.intp
    assert np.array_equal(cols._l, pairs["l"].to_numpy()) and np.array_equal(cols._r, pairs["r"].to_numpy())
    _, place, _ = cols.distinct("name")
    assert place.dtype == np.intp
    left, right = cols.date_sides("date_of_birth", "date_of_birth")
    assert all(len(part) == pairs.height for part in (*left, *right))


def test_levels_the_same_whatever_type_the_rows_come_in(work, spec):
    codes = ValueCodes(work, derived_sources(spec))
    pairs, _ = candidate_pairs(work, spec, codes)
    given = comparison_levels(work, pairs["l"], pairs["r"], spec.comparisons, codes, by_values=True)
    for dtype in (pl.Int64, pl.UInt64, pl.Int32):
        l, r = pairs["l"].cast(dtype), pairs["r"].cast(dtype)
        assert_frame_equal(comparison_levels(work, l, r, spec.comparisons, codes, by_values=True), given)
        assert_frame_equal(comparison_levels(work, l, r, spec.comparisons, codes), given)
