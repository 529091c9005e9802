"""``blocking._all_pairs``: every pair inside each block, once, whatever the mix of block sizes (blocks of two have
their one pair written directly, the others numbered per position)."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.match.blocking import _all_pairs


def _plain(starts: np.ndarray, sizes: np.ndarray) -> list[tuple[int, int]]:
    return sorted(
        (s + i, s + j)
        for s, n in zip(starts.tolist(), sizes.tolist(), strict=True)
        for i in range(n)
        for j in range(i + 1, n)
    )


@pytest.mark.parametrize(
    "sizes",
    [
        [2, 2, 2],  # only blocks of two
        [3, 5, 9],  # none
        [2, 3, 2, 2, 7, 2, 4],  # mixed
        [2],
        [6],
        [],
    ],
)
def test_all_pairs_are_every_pair_of_each_block_once(sizes):
    sizes = np.array(sizes, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) else sizes
    starts = starts + 5 * np.arange(len(sizes))  # (blocks not back to back: starts are read, not assumed)
    p, q = _all_pairs(starts, sizes)
    assert len(p) == len(q) == int((sizes * (sizes - 1) // 2).sum())
    assert sorted(zip(p.tolist(), q.tolist(), strict=True)) == _plain(starts, sizes)


def test_all_pairs_on_random_blocks():
    rng = np.random.default_rng(3)
    sizes = rng.choice([2, 2, 2, 3, 4, 11], 400)
    starts = np.cumsum(rng.integers(0, 3, 400) + np.concatenate([[0], sizes[:-1]]))
    p, q = _all_pairs(starts, sizes)
    assert sorted(zip(p.tolist(), q.tolist(), strict=True)) == _plain(starts, sizes)
