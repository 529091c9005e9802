"""The compare step's tasks in the order that keeps a pool's threads busy (``compare._levels_by_values``; HZ1): each
source column's distinct value pairs first (their row numbers and parts' sides made in the task, not by the thread
asking), each source's levels as soon as its distinct pairs are there, the comparisons worked out on every pair last
(the pool works on them while the asking thread gathers the distinct pairs' levels back); a source whose value pairs
hardly repeat joins those. The levels are every pair's own either way."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.match.compare as compare
from pipelines.match.compare import ValueCodes, comparison_levels
from tests.match_cases import background_candidates


@pytest.fixture(scope="module")
def table() -> tuple:
    spec, work, codes, candidates = background_candidates(2000, seed=4)
    pairs = pl.concat([candidates.select("l", "r")] * 6)  # (their value pairs repeat, as a city's namesakes' do)
    return spec, work, codes, pairs


@pytest.mark.parametrize("date_distinct", [True, False])
def test_tasks_in_order_and_the_levels_each_pairs_own(table, monkeypatch, date_distinct):
    spec, work, codes, pairs = table
    name_count = codes.source_codes("full_name")[1]
    distinct = compare._distinct_pairs

    def found(a, b, count):  # the birth dates' value pairs as if hardly repeated, when not ``date_distinct``
        return distinct(a, b, count) if date_distinct or count == name_count else None

    monkeypatch.setattr(compare, "_distinct_pairs", found)
    asked = []  # (what each task is: the function's name, and the comparisons of a ``_levels`` task)
    name_asked, waited = threading.Event(), []
    with ThreadPoolExecutor(max_workers=2) as pool:

        def submit(task, *args):
            asked.append((task.__name__, tuple(c.name for c in args[3]) if task is compare._levels else ()))
            if task is compare._levels and "name" in asked[-1][1]:
                name_asked.set()
            if task.__name__ == "distinct" and args[0] == "date_of_birth":  # the date's distinct pairs come late:
                # the name's levels are asked before they are there (not after every source's)

                def late(*args):
                    waited.append(name_asked.wait(timeout=10))
                    return task(*args)

                return pool.submit(late, *args)
            return pool.submit(task, *args)

        got = compare._levels_by_values(work, pairs["l"], pairs["r"], spec.comparisons, codes, submit, 2)
    assert waited == [True]
    by_values = {"name", "given_name"} | ({"date_of_birth"} if date_distinct else set())
    plain = tuple(c.name for c in spec.comparisons if c.name not in by_values)
    assert asked[:2] == [("distinct", ()), ("distinct", ())]
    assert [what for what in asked[2:] if set(what[1]) <= by_values] == asked[2:-2]  # the sources' levels next
    assert asked[-2:] == [("_levels", plain)] * 2  # every pair's last, in two parts
    assert ("date_of_birth" in plain) is not date_distinct
    want = comparison_levels(work, pairs["l"], pairs["r"], spec.comparisons, ValueCodes(work), by_values=False)
    assert_frame_equal(got, want)
    one = comparison_levels(work, pairs["l"], pairs["r"], spec.comparisons, codes, by_values=True)  # (no pool)
    assert_frame_equal(one, want)
    assert got["name"].n_unique() >= 5 and got["date_of_birth"].n_unique() >= 3  # (levels of several kinds held)
