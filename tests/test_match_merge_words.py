"""blocking._merge: the rules' pairs merged into distinct pairs with the bits of the rules that found each, as sets of
the rules' pairs say (the packed words' path and the argsort path for tables too large to pack); the words merged in
two halves (two threads) give the same, also where one pair's words lie on both sides of the middle."""

import numpy as np
import pytest

import pipelines.match.blocking as blocking
from pipelines.match.blocking import _merge, _pack, _row_bits, _word


def _rules(seed: int, records: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(7):
        n = int(rng.integers(0, 400))
        a, b = rng.integers(0, records, size=n), rng.integers(0, records, size=n)
        keep = a != b
        keys = _pack(a[keep].astype(np.uint32), b[keep].astype(np.uint32))
        out.append(np.concatenate([keys, keys[: len(keys) // 5]]))  # (a pair repeated within a rule counts once)
    return out


@pytest.mark.parametrize("halves_from", [1, 1 << 20])  # (1: every merge of words in two halves)
@pytest.mark.parametrize("records", [2, 50, 1_000, 3_000_000_000])
def test_merge_gives_each_pair_once_with_its_rules_bits(records: int, halves_from: int, monkeypatch) -> None:
    monkeypatch.setattr(blocking, "_MERGE_HALVES_FROM", halves_from)
    rules = _rules(records % 97, min(records, 2**32 - 1))
    want: dict[tuple[int, int], int] = {}
    for i, keys in enumerate(rules):
        for key in keys.tolist():
            pair = (key >> 32, key & 0xFFFFFFFF)
            want[pair] = want.get(pair, 0) | (1 << i)
    bits = _row_bits(records)
    given = [_word(keys, i, bits) for i, keys in enumerate(rules)] if bits is not None else list(rules)
    pairs = _merge(given, records, words=bits is not None)
    got = {(l, r): rules_ for l, r, rules_ in pairs.iter_rows()}
    assert got == want
    assert pairs.select(["l", "r"]).rows() == sorted(want)  # sorted by l, then r


@pytest.mark.parametrize("before", [0, 3, 15, 16, 17, 30])
def test_a_pair_whose_words_lie_on_both_sides_of_the_middle_is_one_pair(before: int, monkeypatch) -> None:
    """31 rules found the pair (5, 9): its 31 words sorted together after ``before`` smaller pairs' and before
    31 - ``before`` larger ones', the middle word (of 62) among them for ``before`` 1 to 30. The halves are cut at
    the pair's first word, so it is one pair with all 31 bits, not two (a cut at the middle word gives it twice:
    checked)."""
    monkeypatch.setattr(blocking, "_MERGE_HALVES_FROM", 1)
    records = 100
    bits = _row_bits(records)
    rules = [[(5, 9)] for _ in range(31)]
    for i in range(before):
        rules[i % 31].append((1, 2 + i))  # (l 1: below the pair)
    for i in range(31 - before):
        rules[i % 31].append((7, 8 + i))  # (l 7: above it)
    given = [
        _word(_pack(*(np.array(side, dtype=np.uint32) for side in zip(*pairs, strict=True))), i, bits)
        for i, pairs in enumerate(rules)
    ]
    merged = _merge(given, records, words=True)
    assert merged.filter((merged["l"] == 5) & (merged["r"] == 9))["rules"].to_list() == [2**31 - 1]
    assert merged.height == 1 + before + (31 - before)
    assert merged.select(["l", "r"]).rows() == sorted(merged.select(["l", "r"]).rows())
