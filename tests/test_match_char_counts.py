"""The Levenshtein scorer's second bound, from the values' characters counted by bucket (``compare._char_counts``,
``_counts_apart``): never above the distance (values with diacritics, several spaces, empty, a character repeated
past the counts' 255), and with it the scorer still reads each pair's own distance while handing rapidfuzz fewer
pairs than the character masks alone left."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from rapidfuzz.distance import Levenshtein

import pipelines.match.compare as compare
from pipelines.match.compare import ValueCodes, _char_masks, _counts_apart, _PairColumns
from tests.test_match_char_bound import assert_each_pair_scores_its_own_distance, edited_values

LETTERS = list("aăâbcdđeêghiklmnoôơpqrstuưvxyỹễAZ09 ") + ["ệ", "ũ", "  "]


def _values(rng: np.random.Generator, n: int) -> list[str | None]:
    """Short strings, many one to three edits apart (some with diacritics, several spaces, upper case, digits), a few
    empty, missing or of one letter repeated past 255."""
    return edited_values(rng, n, LETTERS, bases=80, longest=9, extra=("a" * 300, "a" * 299 + "b", "b" * 256))


def test_the_counts_bound_is_never_above_the_distance_and_often_tighter_than_the_masks():
    rng = np.random.default_rng(5)
    values = _values(rng, 3000)
    codes = ValueCodes(pl.DataFrame({"v": values}, schema={"v": pl.String}))
    counts = codes.per_code("char_counts", "v")
    text = codes.values("v").to_list()  # (the value of each code: row code - 1 of counts)
    assert counts.dtype == np.uint8 and counts.shape == (len(text), compare.CHAR_BUCKETS)
    spaces = counts[:, ord(" ") % compare.CHAR_BUCKETS].astype(int)
    assert spaces.tolist() == [min(t.count(" "), 255) for t in text]
    a, b = rng.integers(0, len(text), 30_000), rng.integers(0, len(text), 30_000)
    bound = _counts_apart(counts, a, b)
    distance = np.array([Levenshtein.distance(text[i], text[j]) for i, j in zip(a, b, strict=True)])
    assert (bound <= distance).all(), [(text[i], text[j]) for i, j in zip(a, b, strict=True)][
        int(np.argmax(bound > distance))
    ]
    masks = _char_masks(pl.Series(text, dtype=pl.String))
    by_masks = np.bitwise_count(masks[a] ^ masks[b]) // 2  # the masks' own bound, rounded down
    assert (bound > by_masks).sum() > 1000  # the counts tell apart pairs the masks do not


@pytest.mark.parametrize("cutoff", [1, 2])
def test_scores_with_the_counts_bound_are_each_pairs_own(cutoff, monkeypatch):
    rng = np.random.default_rng(cutoff + 20)
    values = _values(rng, 1500)
    work = pl.DataFrame({"v": values}, schema={"v": pl.String})
    l = pl.Series(rng.integers(0, 1500, 40_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 1500, 40_000).astype(np.uint32))

    def scored(with_counts: bool) -> tuple[np.ndarray, int]:
        handed = []
        cpdist = compare.process.cpdist

        def counted(x, y, **kwargs):
            handed.append(len(x))
            return cpdist(x, y, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(compare.process, "cpdist", counted)
            if not with_counts:  # the masks' bound alone: no pair is left out by the counts
                patch.setattr(compare, "_counts_apart", lambda counts, a, b: np.zeros(len(a), dtype=np.uint16))
            got = _PairColumns(work, l, r, ValueCodes(work)).score("v", "levenshtein", cutoff)
        return got, sum(handed)

    got, handed = scored(True)
    assert_each_pair_scores_its_own_distance(work, l, r, got, cutoff)
    masks_only, handed_before = scored(False)
    np.testing.assert_array_equal(got, masks_only)
    assert 0 < handed < handed_before
