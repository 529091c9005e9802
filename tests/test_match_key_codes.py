"""Blocking on exact integer codes of the key columns (``blocking.key_codes``) gives the pairs and capped blocks the
hashed keyed rows give, on every path: codes through a join or a sort, a hash collision, a list key with capped
blocks, a key too wide for 64 bits; and distinct value pairs found by a table equal those found by a rank."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

import pipelines.match.blocking as blocking
import pipelines.match.compare as compare
from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes, comparison_levels
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures
from tests.test_match_speed import _reference_rule_pairs


def _hashed(monkeypatch) -> None:
    """Blocks from hashed keyed rows only (the way before key codes): no column coded."""
    monkeypatch.setattr(blocking, "key_codes", lambda work, columns, values=None: {})


def _rules(spec):
    family = dataclasses.replace(spec.blocking[0], name="family", on=("family",), max_block=20, window=3)
    wide = ("family", "given", "middle", "name", "family_given", "middle_given", "family_middle", "phone")
    return (
        *spec.blocking,
        family,
        dataclasses.replace(family, name="family_no_middle", missing="middle"),
        # a list key with capped blocks: its exploded rows' key values are read from hashed keyed rows
        dataclasses.replace(family, name="year_keys", on=("birth_year_keys",), max_block=30),
        # codes whose product passes 64 bits: the key is hashed
        dataclasses.replace(family, name="wide", on=(*wide, "birth_date_any_order", "birth_month_day", "household_no")),
    )


def test_coded_blocks_equal_hashed_blocks_and_a_plain_computation(work, spec, monkeypatch):
    rules = _rules(spec)
    capped_spec = dataclasses.replace(spec, blocking=rules)
    codes = blocking.key_codes(work, list(rules[-1].on))
    assert np.prod([float(codes[c][2]) for c in rules[-1].on]) >= 2.0**63  # the wide rule is too wide to code
    pairs, report = candidate_pairs(work, capped_spec)
    assert report.capped_blocks.filter(pl.col("rule") == "year_keys").height > 0
    for i, rule in enumerate(rules):
        mine = pairs.filter((pl.col("rules") & (1 << i)) != 0)
        assert set(mine.select("l", "r").iter_rows()) == _reference_rule_pairs(work, rule), rule.name
    _hashed(monkeypatch)
    hashed, hashed_report = candidate_pairs(work, capped_spec)
    assert hashed.equals(pairs)
    assert hashed_report.pairs_per_rule == report.pairs_per_rule
    assert hashed_report.largest_block == report.largest_block
    assert hashed_report.capped_blocks.equals(report.capped_blocks)


@pytest.mark.parametrize("distinct", [3, 5000])  # few values: codes through a join; many: through a sort
def test_key_codes_are_equal_exactly_for_equal_values_also_on_a_hash_collision(monkeypatch, distinct):
    rng = np.random.default_rng(1)
    values = pl.Series("v", [f"v{x}" if x % 7 else None for x in rng.integers(0, distinct, 20_000)])

    def same_partition(codes: np.ndarray, count: int) -> None:
        assert (codes == 0).tolist() == values.is_null().to_list()
        assert count == values.drop_nulls().n_unique() + 1
        assert pl.DataFrame({"v": values, "c": codes}).drop_nulls().unique().height == count - 1  # one code a value
        assert len(np.unique(codes[codes != 0])) == count - 1

    same_partition(*blocking._exact_codes(values))
    monkeypatch.setattr(pl.Series, "hash", lambda self, *a, **k: pl.Series(np.zeros(len(self), dtype=np.uint64)))
    same_partition(*blocking._exact_codes(values))


def test_distinct_value_pairs_by_table_equal_those_by_rank(work, spec, monkeypatch):
    """Comparison levels are the same whether distinct value pairs come from a table of every code pair (columns of
    few values), a sort of code pairs with their places in one word, or a dense rank of the packed pairs (code pairs
    too wide for a word); the sort finds the rank's distinct pairs in its order."""
    candidates, _ = candidate_pairs(work, spec)
    by_table = comparison_levels(work, candidates["l"], candidates["r"], spec.comparisons, ValueCodes(work))
    monkeypatch.setattr(compare, "_TABLE_PAIRS", 0)
    by_sort = comparison_levels(work, candidates["l"], candidates["r"], spec.comparisons, ValueCodes(work))
    monkeypatch.setattr(compare, "_WORD_BITS", 0)
    by_rank = comparison_levels(work, candidates["l"], candidates["r"], spec.comparisons, ValueCodes(work))
    assert by_table.equals(by_rank)
    assert by_sort.equals(by_rank)
    ranked = compare._PairColumns(work, candidates["l"], candidates["r"], ValueCodes(work)).distinct("name")
    monkeypatch.setattr(compare, "_WORD_BITS", 64)
    found = compare._PairColumns(work, candidates["l"], candidates["r"], ValueCodes(work)).distinct("name")
    assert np.array_equal(found[0], ranked[0]) and np.array_equal(found[1], ranked[1])  # same pairs, same order
