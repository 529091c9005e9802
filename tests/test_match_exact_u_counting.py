"""The counting primitives of ``model._exact_counts`` against plain counts over every ordered pair of records (i != j):
``_follows`` (one value per value of another part, tried on the first records before all of them), the pairs
agreeing on several parts whose joint codes are too many for a bincount (counted by a sort, ``_run_lengths``), and
the pairs whose masks meet, a one-column Boolean among them."""

from __future__ import annotations

import collections
import itertools

import numpy as np
import pytest

from pipelines.match import model


def plain_follows(a: np.ndarray, b: np.ndarray) -> bool:
    """``_follows`` by its definition: ``a`` one value per value of ``b`` (0 too), none 0 where ``b`` is not, and
    every code from 1 to the largest of ``b`` held (``b``'s codes are the table's)."""
    seen: dict[int, int] = {}
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if seen.setdefault(y, x) != x:
            return False
    return all(seen.get(code, 0) != 0 for code in range(1, int(b.max()) + 1))


def plain_pairs_agreeing(parts: list[np.ndarray]) -> int:
    """Ordered pairs of distinct records equal and not 0 in every part."""
    held = collections.Counter(key for key in zip(*(p.tolist() for p in parts), strict=True) if all(key))
    return sum(c * (c - 1) for c in held.values())


@pytest.mark.parametrize("seed", range(40))
def test_follows_is_its_definition_whether_it_fails_on_the_first_records_or_after(seed, monkeypatch):
    monkeypatch.setattr(model, "_FOLLOWS_FIRST", 6)  # (the first records: 6 of 30 here, 65,536 in a run)
    rng = np.random.default_rng(seed)
    b = rng.permutation(np.arange(30) % 7 + (seed % 2))  # codes 1-7 (or 0-6: 0 a missing value)
    a = (b * 3 + 1) % 11  # one value per value of b, never 0 where b is not
    if seed % 4 >= 2:  # a record after the first ones (or among them) breaks it
        at = int(rng.integers(6, 30)) if seed % 8 >= 4 else int(rng.integers(0, 6))
        a = a.copy()
        a[at] = 0 if seed % 3 == 0 else a[at] + 1
    assert model._follows(a, b) == plain_follows(a, b)


def test_follows_fails_after_the_first_records_alone(monkeypatch):
    """A part following another on the first records and not on a later one does not follow it."""
    monkeypatch.setattr(model, "_FOLLOWS_FIRST", 4)
    b = np.array([1, 2, 1, 2, 1, 2, 1, 2])
    a = np.array([5, 6, 5, 6, 5, 6, 5, 7])  # record 7: b 2 with another a
    assert model._follows(a[:4], b[:4]) and not model._follows(a, b)
    assert model._follows(b, a)  # (b one value per a)


@pytest.mark.parametrize("seed", range(12))
def test_pairs_agreeing_on_parts_with_many_joint_codes(seed):
    """Two or three parts whose joint codes are many more than the records (counted by a sort of the keys in their
    fewest bytes), some keys past 16 or 32 bits and equal there (mod 2**16 or 2**32) where the parts are not: the
    plain count."""
    rng = np.random.default_rng(seed)
    n = 3_000
    step = [2**16, 2**16, 2**20, 2**29][seed % 4]  # (a key's first part a multiple of it, plus 1)
    others = [[300], [2_000], [5_000], [40, 30]][seed % 4]
    parts = [rng.choice(1 + step * np.arange(12), size=n)]
    parts += [rng.choice(np.linspace(1, w, 12).astype(np.int64), size=n) for w in others]
    parts[0][rng.random(n) < 0.1] = 0
    joint = 1
    for part in parts:
        joint *= int(part.max()) + 1
    assert joint > 4 * n  # (not a bincount)
    assert model._pairs_equal(parts) == plain_pairs_agreeing(parts) > 0


def test_run_lengths_in_the_fewest_bytes():
    key = np.array([3, 3 + 2**16, 3 + 2**32, 3, 9, 3 + 2**16], dtype=np.int64)
    assert sorted(model._run_lengths(key, 3 + 2**32).tolist()) == [1, 1, 2, 2]
    assert sorted(model._run_lengths(key[:2], 3 + 2**16).tolist()) == [1, 1]  # (UInt32)
    assert model._run_lengths(key[:0], 5).tolist() == [0]  # (no key: no pair)


@pytest.mark.parametrize("seed", range(6))
def test_pairs_meeting_of_one_column_and_of_several(seed):
    rng = np.random.default_rng(seed)
    held = rng.random(300) < 0.7
    several = rng.integers(0, 8, size=300).astype(np.uint64)
    for bits in (held, held.astype(np.uint64), several):
        plain = sum(1 for i, j in itertools.permutations(range(300), 2) if int(bits[i]) & int(bits[j]))
        assert model._pairs_meeting(bits) == plain
