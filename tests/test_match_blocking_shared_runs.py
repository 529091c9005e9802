"""Blocking keeps only the keyed rows of blocks of two or more once its rows are sorted (a block of one makes no pair):
the pairs, capped blocks and largest blocks equal the plain computation's, also where every block is of one row,
and where the only records missing a rule's ``missing`` column are alone in their blocks (the largest block is
then of one record: a block of one that misses the column counts, one that holds it does not)."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

import pipelines.match.blocking as blocking
from pipelines.match.blocking import candidate_pairs, keyed_rows
from pipelines.match.prepare import ROW
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures
from tests.test_match_speed import _reference_rule_pairs


def _reference_largest(work: pl.DataFrame, rule) -> int:
    """The most records sharing one key of the rule (with ``missing``: among blocks holding a record missing that
    column), computed plainly; 0 when there is no such block."""
    keyed = keyed_rows(work, rule)
    if rule.missing:
        keyed = keyed.with_columns(pl.col(rule.missing).is_null().alias("_gap"))
        blocks = keyed.group_by(list(rule.on)).agg(pl.len().alias("n"), pl.col("_gap").any().alias("g"))
        blocks = blocks.filter("g")
    else:
        blocks = keyed.group_by(list(rule.on)).agg(pl.len().alias("n"))
    return int(blocks["n"].max()) if blocks.height else 0


def _per_rule(pairs: pl.DataFrame, rules: int) -> dict[int, set[tuple[int, int]]]:
    return {i: set(pairs.filter((pl.col("rules") & (1 << i)) != 0).select("l", "r").iter_rows()) for i in range(rules)}


@pytest.mark.parametrize("size", [0, 1, 2, 3, 50])
def test_in_shared_runs_is_whether_an_equal_value_is_next(size):
    rng = np.random.default_rng(size)
    values = np.sort(rng.integers(0, max(size // 2, 1), size).astype(np.uint64))
    plain = [
        (i > 0 and values[i - 1] == values[i]) or (i + 1 < size and values[i + 1] == values[i]) for i in range(size)
    ]
    assert blocking._in_shared_runs(values).tolist() == plain


def test_pairs_and_largest_blocks_equal_the_plain_computation(work, spec):
    rec = work["record_key"]
    assert rec.n_unique() == work.height  # a key of one record each: every block of one row
    lonely = pl.col(ROW) % 97 == 0  # records without a birth date, each with a name no other record has
    work = work.with_columns(
        pl.when(lonely).then(pl.lit(None)).otherwise(pl.col("date_of_birth")).alias("date_of_birth"),
        pl.when(lonely).then(pl.col("record_key")).otherwise(pl.col("name")).alias("alone_name"),
    )
    base = spec.blocking[0]
    rules = (
        *spec.blocking,
        dataclasses.replace(base, name="one_each", on=("record_key",)),
        # the records missing the date alone in their blocks: largest 1 (their blocks of one)
        dataclasses.replace(base, name="alone_undated", on=("alone_name",), missing="date_of_birth"),
        # the same key, but a column no record misses: no block counts, largest 0
        dataclasses.replace(base, name="none_missing", on=("alone_name",), missing="record_key"),
        dataclasses.replace(base, name="family_capped", on=("family",), max_block=20, window=3),
    )
    capped_spec = dataclasses.replace(spec, blocking=rules)
    pairs, report = candidate_pairs(work, capped_spec)
    found = _per_rule(pairs, len(rules))
    for i, rule in enumerate(rules):
        assert found[i] == _reference_rule_pairs(work, rule), rule.name
        assert report.largest_block[rule.name] == _reference_largest(work, rule), rule.name
    assert report.largest_block["one_each"] == 1 and not found[len(spec.blocking)]
    assert report.largest_block["alone_undated"] == 1 and report.largest_block["none_missing"] == 0
    assert report.capped_blocks.filter(pl.col("rule") == "family_capped").height > 0
