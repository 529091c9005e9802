"""EM reads each blocking rule's comparison patterns from one table of the pairs grouped by rules, vector and
verdict (model._pattern_table): per rule they are the patterns, counts and fixed posteriors of its pairs grouped
directly (model._patterns), as the plain computation gives them."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.model import _pattern_table, _patterns, _patterns_of, _rule_rows


def _rows(patterns: np.ndarray, counts: np.ndarray, fixed: np.ndarray | None) -> list[tuple]:
    extra = [None] * len(counts) if fixed is None else ["nan" if np.isnan(f) else f for f in fixed]
    return sorted((tuple(p), c, f) for p, c, f in zip(patterns.tolist(), counts.tolist(), extra, strict=True))


def test_each_rules_patterns_from_the_grouped_table_are_those_of_its_pairs():
    rng = np.random.default_rng(11)
    n = 20_000
    gamma = pl.DataFrame(
        {name: rng.integers(-1, levels, n) for name, levels in (("a", 4), ("b", 3), ("c", 2))},
        schema={"a": pl.Int8, "b": pl.Int8, "c": pl.Int8},
    ).with_columns(pl.when(pl.all() >= 0).then(pl.all()))  # -1 drawn: a missing value (null)
    rules = pl.Series(rng.integers(1, 1 << 4, n), dtype=pl.UInt32)  # each pair proposed by one rule or more
    # verdicts on a few pairs, and only on pairs rule 3 (bit 8) did not propose: its patterns are unlabelled
    verdict = rng.choice([1.0, 0.0, np.nan], n, p=[0.01, 0.01, 0.98])
    label = pl.Series(verdict).fill_nan(None).set((rules & 8) != 0, None)
    assert label.null_count() < n
    for lab in (None, label):
        table = _pattern_table(gamma, rules, lab)
        assert table.height < n // 10  # far fewer rows than pairs
        for bit in (1, 2, 4, 8):
            mask = (rules & bit) != 0
            for names in (["a", "b", "c"], ["b"], ["a", "c"]):
                plain = _patterns(gamma.filter(mask).select(names), lab.filter(mask) if lab is not None else None)
                from_table = _patterns_of(_rule_rows(table, bit), names)
                assert (plain[2] is None) == (from_table[2] is None)
                assert _rows(*from_table) == _rows(*plain)
            if lab is not None and bit == 8:
                assert from_table[2] is None  # no verdict among its pairs
            if lab is not None and bit == 1:
                assert from_table[2] is not None
        assert _rows(*_patterns_of(table, ["a", "b", "c"])) == _rows(*_patterns(gamma, lab))
