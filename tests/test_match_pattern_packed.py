"""EM's pattern table without verdicts is counted on packed keys (model._packed_pattern_table: the rules' bits and
each level in one integer per pair): the same rows and counts as Polars' group-by of the pairs, missing levels,
chunks and every rule bit included; keys that do not fit are grouped as before."""

from __future__ import annotations

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipelines.match import model


def _grouped(gamma: pl.DataFrame, rules: pl.Series) -> pl.DataFrame:
    """The pattern table as Polars groups it (``_pattern_table``'s path with verdicts, here without them)."""
    keys = [model.RULES, *gamma.columns]
    return gamma.fill_null(-1).with_columns(rules.alias(model.RULES)).group_by(keys).len(model.PAIRS).sort(keys)


def _pairs(rng: np.random.Generator, n: int, levels: dict[str, int], rule_bits: int) -> tuple[pl.DataFrame, pl.Series]:
    gamma = pl.DataFrame(
        {name: rng.integers(-1, k, n) for name, k in levels.items()}, schema=dict.fromkeys(levels, pl.Int8)
    ).with_columns(pl.when(pl.all() >= 0).then(pl.all()))  # -1 drawn: a missing level (null)
    rules = pl.Series(rng.integers(1, 1 << rule_bits, n), dtype=pl.UInt32)
    return gamma, rules


def test_packed_keys_count_what_the_group_by_counts(monkeypatch):
    rng = np.random.default_rng(3)
    # levels up to 14 (the most a key holds), a comparison always missing, every rule bit of 32 used
    gamma, rules = _pairs(rng, 30_000, {"a": 15, "b": 3, "c": 2, "d": 5}, 32)
    gamma = gamma.with_columns(pl.lit(None, pl.Int8).alias("e"))
    rules = rules.set(pl.Series(np.arange(30_000) < 5), (1 << 32) - 1)  # the highest rule bits
    expected = _grouped(gamma, rules)
    packed = model._packed_pattern_table(gamma, rules)
    assert packed is not None
    assert packed.schema == expected.schema
    assert_frame_equal(packed.sort(expected.columns[:-1]), expected)
    assert int(packed[model.PAIRS].sum()) == 30_000
    assert int(packed[model.RULES].max()) == (1 << 32) - 1 and packed["e"].to_list() == [-1] * packed.height
    # a chunk at a time, the chunks' counts summed (few distinct keys: each in many chunks)
    few, few_rules = _pairs(rng, 30_000, {"a": 3, "b": 2}, 3)
    expected = _grouped(few, few_rules)
    monkeypatch.setattr(model, "PATTERN_CHUNK", 777)
    chunked = model._pattern_table(few, few_rules)
    assert_frame_equal(chunked.sort(expected.columns[:-1]), expected)
    assert chunked.height < 100 and int(chunked[model.PAIRS].sum()) == 30_000


def test_keys_that_do_not_fit_are_grouped():
    rng = np.random.default_rng(4)
    gamma, rules = _pairs(rng, 5_000, {"a": 4, "b": 3}, 4)
    over = gamma.with_columns(pl.col("a").replace(3, 15))  # a level a key cannot hold (15: missing)
    wide = gamma.with_columns(pl.col("a").cast(pl.Int16))
    many = pl.DataFrame({f"c{i}": gamma["a"] for i in range(16)})  # 4 rule bits + 16 x 4 level bits
    for frame in (over, wide, many):
        assert model._packed_pattern_table(frame, rules) is None
        assert_frame_equal(model._pattern_table(frame, rules).sort(model.RULES, *frame.columns), _grouped(frame, rules))
    assert model._packed_pattern_table(many.drop("c15"), rules) is not None  # 4 + 15 x 4 bits fit


def test_no_pairs():
    gamma = pl.DataFrame(schema={"a": pl.Int8, "b": pl.Int8})
    rules = pl.Series([], dtype=pl.UInt32)
    table = model._pattern_table(gamma, rules)
    assert table.height == 0 and table.columns == [model.RULES, "a", "b", model.PAIRS]
