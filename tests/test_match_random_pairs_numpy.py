"""u's random pairs (``model.random_pairs``) are made in numpy and handed to Polars as UInt32 (HH1): the same pairs as
drawn before, the right side moved past the left by an in-place add instead of ``np.where``, the sides cast in numpy
instead of by Polars (a quarter of the time); ``_pairs_within``'s pairs likewise."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.model import _pairs_within, random_pairs


def _drawn_before(n: int, count: int, seed: int) -> tuple[pl.Series, pl.Series]:
    rng = np.random.default_rng(seed)
    count = int(min(count, n * (n - 1) // 2))
    l = rng.integers(0, n, size=count, dtype=np.int64)  # noqa: E741 - the left side
    r = rng.integers(0, n - 1, size=count, dtype=np.int64)
    r = np.where(r >= l, r + 1, r)
    return pl.Series("l", l, dtype=pl.UInt32), pl.Series("r", r, dtype=pl.UInt32)


def test_random_pairs_are_the_pairs_drawn_before():
    for n, count, seed in [(309_092, 200_000, 42), (5, 100, 1), (2, 10, 7), (1_000, 1, 3)]:
        l, r = random_pairs(n, count, seed)  # noqa: E741 - the left side
        want_l, want_r = _drawn_before(n, count, seed)
        assert l.dtype == r.dtype == pl.UInt32 and l.name == "l" and r.name == "r"
        assert l.equals(want_l) and r.equals(want_r)
        assert not (l == r).any() and int(r.max()) < n


def test_pairs_within_are_uint32_pairs_of_one_code():
    code = np.array([0, 1, 1, 2, 2, 2, 0, 3, 1], dtype=np.int64)
    l, r, agreeing = _pairs_within(code, 500, [4, 1])  # noqa: E741 - the left side
    assert l.dtype == r.dtype == pl.UInt32 and l.name == "l" and r.name == "r" and len(l) == 500
    assert agreeing == 3 * 2 + 3 * 2
    left, right = code[l.to_numpy()], code[r.to_numpy()]
    assert (left == right).all() and (left != 0).all() and (l != r).all()
