"""connected_components labels each row with the smallest row of its component, as a plain union-find does.

The rows the edges touch are numbered densely by a table of the n rows (not np.unique's sort of the ends): checked
against a Python union-find on random graphs, sparse and dense, with rows no edge touches.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.match.cluster import connected_components


def _union_find(n: int, l: list[int], r: list[int]) -> list[int]:  # noqa: E741
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in zip(l, r, strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(x) for x in range(n)]


@pytest.mark.parametrize(("n", "edges", "seed"), [(50, 0, 1), (200, 30, 2), (2_000, 900, 3), (2_000, 4_000, 4)])
def test_labels_are_the_smallest_row_of_each_component(n, edges, seed):
    rng = np.random.default_rng(seed)
    l = rng.integers(0, n, edges).astype(np.uint32)  # noqa: E741
    r = rng.integers(0, n, edges).astype(np.uint32)
    frame = pl.DataFrame({"l": l, "r": r})
    got = connected_components(n, frame)
    assert got.dtype == pl.UInt32 and got.len() == n
    assert got.to_list() == _union_find(n, l.tolist(), r.tolist())
