"""``compare._only_words`` (the words one value holds that the other lacks, repeats counted), worked out on the word
tables' columns as contiguous rows (HS11): the same marks as counting each word's places one by one."""

from __future__ import annotations

import numpy as np

from pipelines.match.compare import _only_words


def _marked_one_by_one(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.zeros(x.shape, dtype=bool)
    for i, (row, other) in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
        for j, word in enumerate(row):
            seen = row[: j + 1].count(word)  # this place is the word's seen-th in its row
            out[i, j] = word != 0 and seen > other.count(word)
    return out


def test_only_words_marks_the_places_of_words_the_other_row_holds_fewer_times():
    x = np.array([[3, 3, 5, 0], [7, 0, 0, 0], [1, 2, 1, 1], [0, 0, 0, 0], [4, 4, 4, 4]], dtype=np.int32)
    y = np.array([[3, 5, 0, 0], [0, 0, 0, 0], [1, 1, 2, 0], [6, 0, 0, 0], [4, 0, 0, 0]], dtype=np.int32)
    got = _only_words(x, y)
    assert got.tolist() == [
        [False, True, False, False],  # the second 3: y holds one 3
        [True, False, False, False],
        [False, False, False, True],  # the third 1: y holds two
        [False, False, False, False],
        [False, True, True, True],
    ]
    rng = np.random.default_rng(3)
    for width in (1, 3, 6, 16):
        a = rng.integers(0, 5, size=(500, width), dtype=np.int32)
        b = rng.integers(0, 5, size=(500, width), dtype=np.int32)
        assert np.array_equal(_only_words(a, b), _marked_one_by_one(a, b))
        assert np.array_equal(_only_words(b, a), _marked_one_by_one(b, a))
    assert _only_words(np.zeros((0, 4), dtype=np.int32), np.zeros((0, 4), dtype=np.int32)).shape == (0, 4)
