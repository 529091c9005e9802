"""The Levenshtein scorer's bound from the values' character masks (``compare._char_masks``): pairs whose masks differ
in more than twice the cutoff's bits are not handed to rapidfuzz, and every pair still reads what scoring its own
two strings gives."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from rapidfuzz.distance import Levenshtein

from pipelines.match.compare import ValueCodes, _char_masks, _PairColumns

LETTERS = list("aăâbcdđeêghiklmnoôơpqrstuưvxyỹễ ") + ["ệ", "ũ"]


def edited_values(
    rng: np.random.Generator, n: int, letters: list[str], bases: int, longest: int, extra: tuple[str, ...] = ()
) -> list[str | None]:
    """``n`` strings, each one of ``bases`` random strings of ``letters`` (shorter than ``longest``) or of ``extra``
    with zero to three random edits (insert, delete, replace), one in twenty missing."""
    base = ["".join(rng.choice(letters, size=rng.integers(0, longest))) for _ in range(bases)] + list(extra)
    out = []
    for _ in range(n):
        value = list(base[rng.integers(0, len(base))])
        for _ in range(rng.integers(0, 4)):
            at = int(rng.integers(0, len(value) + 1))
            match rng.integers(0, 3):
                case 0:
                    value.insert(at, str(rng.choice(letters)))
                case 1 if value:
                    del value[min(at, len(value) - 1)]
                case _ if value:
                    value[min(at, len(value) - 1)] = str(rng.choice(letters))
        out.append(None if rng.random() < 0.05 else "".join(value))
    return out


def assert_each_pair_scores_its_own_distance(work: pl.DataFrame, l, r, got, cutoff: int) -> None:  # noqa: ANN001, E741
    """Each pair (``l``, ``r`` rows of ``work``'s column v) scored its own two strings' distance, capped past
    ``cutoff``; NaN where a side is missing."""
    left, right = work["v"].gather(l).to_list(), work["v"].gather(r).to_list()
    for x, y, s in zip(left, right, got, strict=True):
        if x is None or y is None:
            assert np.isnan(s)
        else:
            assert s == min(Levenshtein.distance(x, y), cutoff + 1), (x, y)


def _values(rng: np.random.Generator, n: int) -> list[str | None]:
    """Short strings of few letters (many one or two edits apart), some with diacritics, empty or missing."""
    return edited_values(rng, n, LETTERS, bases=60, longest=7)


def test_an_edit_changes_at_most_two_bits_of_the_character_mask():
    rng = np.random.default_rng(11)
    values = _values(rng, 3000)
    masks = _char_masks(pl.Series(values, dtype=pl.String))
    assert masks[[i for i, v in enumerate(values) if not v]].tolist() == [0] * sum(1 for v in values if not v)
    left, right = rng.integers(0, len(values), 20_000), rng.integers(0, len(values), 20_000)
    checked = 0
    for i, j in zip(left, right, strict=True):
        if values[i] is None or values[j] is None:
            continue
        bits = int(np.bitwise_count(masks[i] ^ masks[j]))
        assert bits <= 2 * Levenshtein.distance(values[i], values[j]), (values[i], values[j])
        checked += 1
    assert checked > 15_000


@pytest.mark.parametrize("cutoff", [1, 2])
def test_levenshtein_scores_with_the_mask_bound_are_each_pairs_own(cutoff):
    rng = np.random.default_rng(cutoff)
    values = _values(rng, 1500)
    work = pl.DataFrame({"v": values}, schema={"v": pl.String})
    l = pl.Series(rng.integers(0, 1500, 40_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 1500, 40_000).astype(np.uint32))
    cols = _PairColumns(work, l, r, ValueCodes(work))
    handed = []
    compute = cols._compute
    cols._compute = lambda *args: handed.append(len(args[4])) or compute(*args)
    scored = []
    import pipelines.match.compare as compare  # noqa: PLC0415 - the scorer's calls counted

    cpdist = compare.process.cpdist

    def counted(a, b, **kwargs):
        scored.append(len(a))
        return cpdist(a, b, **kwargs)

    compare.process.cpdist, saved = counted, cpdist
    try:
        got = cols.score("v", "levenshtein", cutoff)
    finally:
        compare.process.cpdist = saved
    assert_each_pair_scores_its_own_distance(work, l, r, got, cutoff)
    # the bound left pairs out: fewer reached rapidfuzz than the lengths alone would have handed it
    lengths = ValueCodes(work).per_code("length", "v")
    distinct = cols.distinct("v")[0]
    a = (distinct >> np.uint64(32)).astype(np.int64) - 1
    b = (distinct & np.uint64(0xFFFFFFFF)).astype(np.int64) - 1
    both = (a >= 0) & (b >= 0)
    by_length = int(np.count_nonzero(np.abs(lengths[a[both]] - lengths[b[both]]) <= cutoff))
    assert sum(handed) == int(np.count_nonzero(both))
    assert 0 < sum(scored) < by_length
