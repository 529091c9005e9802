"""A rule with ``missing`` pairs only in blocks holding a record that misses the column: where such records are
few, blocking works from them (``blocking._maybe_in_blocks_of``'s rows gathered by position; a capped block's window
pairs found from its gap rows) and must give the pairs a plain per-block computation gives, as it does where they
are many (every row looked at)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import pipelines.match.blocking as blocking
from pipelines.match.prepare import ROW
from pipelines.match.spec import BlockingRule
from tests.test_match_speed import _reference_rule_pairs


def _table(gaps: int, seed: int) -> pl.DataFrame:
    """2,000 records: a key of few values (blocks of up to ~300 records, some capped), a name to sort capped blocks
    by, and a date missing in ``gaps`` records."""
    rng = np.random.default_rng(seed)
    n = 2000
    key = [f"k{x}" for x in rng.zipf(1.6, n) % 40]
    name = [f"n{x}" for x in rng.integers(0, 300, n)]
    date = pl.Series("date", rng.integers(0, 20000, n), dtype=pl.Int64)
    date = date.scatter(rng.choice(n, gaps, replace=False), None) if gaps else date
    rows = rng.permutation(n).astype(np.uint32)  # (row numbers not the positions: gathered through ROW)
    return pl.DataFrame({ROW: rows, "key": key, "name": name, "date": date})


def _rule(max_block: int) -> BlockingRule:
    return BlockingRule(
        name="key_no_date", on=("key",), max_block=max_block, window=3, sort_by=("name",), missing="date"
    )


def _pairs(work: pl.DataFrame, rule: BlockingRule) -> set[tuple[int, int]]:
    keys: list[np.ndarray] = []
    blocking.rule_key_chunks(work, rule, keys.append)
    left, right = blocking._unpack(np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64))
    found = list(zip(left.tolist(), right.tolist(), strict=True))
    return set(found)


@pytest.mark.parametrize("gaps", [0, 1, 12, 60, 1200])  # none, a few (worked out from them), many (every row)
@pytest.mark.parametrize("max_block", [5, 1000])  # blocks capped (window pairs) or all compared
def test_missing_rule_pairs_equal_a_plain_computation(gaps, max_block, monkeypatch):
    work = _table(gaps, seed=gaps + max_block)
    rule = _rule(max_block)
    kept = []
    maybe = blocking._maybe_in_blocks_of
    monkeypatch.setattr(blocking, "_maybe_in_blocks_of", lambda *a: kept.append(maybe(*a)) or kept[-1])
    assert _pairs(work, rule) == _reference_rule_pairs(work, rule)
    few = gaps * 4 < work.height
    assert kept and (kept[0] is not None) == few  # (the path this case is for was taken)
    if gaps >= 12 and max_block == 5:  # some window pairs came from capped blocks
        keys: list[np.ndarray] = []
        capped, _ = blocking.rule_key_chunks(work, rule, keys.append)
        assert capped.height > 0


@pytest.mark.parametrize("missing_share", [0.0, 0.3, 0.75])  # a key missing in none, some, most records (IDs, phones)
def test_pairs_of_a_key_missing_in_many_records_equal_a_plain_computation(missing_share):
    """Records without the key are left out (by position) and every other record keeps its own key."""
    rng = np.random.default_rng(7)
    n = 3000
    key = pl.Series("key", [f"p{x}" for x in rng.integers(0, 400, n)])
    key = key.scatter(np.flatnonzero(rng.random(n) < missing_share), None)
    work = pl.DataFrame({ROW: np.arange(n, dtype=np.uint32), "key": key})
    rule = BlockingRule(name="key", on=("key",), max_block=500, window=3, sort_by=())
    assert _pairs(work, rule) == _reference_rule_pairs(work, rule)
