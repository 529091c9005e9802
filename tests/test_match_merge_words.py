"""blocking._merge: the rules' pairs merged into distinct pairs with the bits of the rules that found each, as sets of
the rules' pairs say (the packed words' path and the argsort path for tables too large to pack)."""

import numpy as np
import pytest

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


@pytest.mark.parametrize("records", [2, 50, 1_000, 3_000_000_000])
def test_merge_gives_each_pair_once_with_its_rules_bits(records: int) -> None:
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
