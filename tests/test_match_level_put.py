"""``compare._put``: a comparison's Int8 levels set where a mask holds, in arithmetic instead of a boolean mask's
assignment; the same array as ``levels[where] = level`` for any levels already there (a side level overwrites what a
pair not compared was given), any level from 0 to 127, masks empty, full or mixed."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.match.compare import _put


@pytest.mark.parametrize("density", [0.0, 0.03, 0.5, 1.0])
def test_put_is_a_masks_assignment(density):
    rng = np.random.default_rng(int(density * 100))
    for level in (0, 1, 5, 126, 127):
        levels = rng.integers(0, 128, 10_000).astype(np.int8)
        where = rng.random(10_000) < density
        expected = levels.copy()
        expected[where] = level
        _put(levels, where, level)
        assert levels.dtype == np.int8
        np.testing.assert_array_equal(levels, expected)
