"""The one_digit levels count an ID pair's differing digits on each value's 16 digits as four-bit nibbles of one
UInt64 (``ValueCodes.digit_nibbles``, ``compare._nibbles_apart``; HZ1): the count is the values' Hamming distance
where both are there and of one length, 16 elsewhere. IDs of up to 15 digits hold their length in the first digit's
nibble (``ValueCodes.keyed_nibbles``): every pair counted at once, the same distances (HH1)."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.compare import ValueCodes, _nibbles_apart, _PairColumns, comparison_levels
from pipelines.match.spec import Comparison, _preset_levels


def _ids(rnd: np.random.Generator, n: int) -> list[str | None]:
    """``n`` IDs of 1-16 digits (leading zeros kept), some missing, many a few digits from another."""
    out: list[str | None] = []
    for _ in range(n):
        if out and rnd.random() < 0.6 and out[-1] is not None:  # a copy of the last with 0-4 digits changed
            digits = list(out[-1])
            for place in rnd.integers(0, len(digits), rnd.integers(0, 5)):
                digits[place] = str(rnd.integers(0, 10))
            out.append("".join(digits))
        elif rnd.random() < 0.1:
            out.append(None)
        else:
            out.append("".join(str(d) for d in rnd.integers(0, 10, rnd.choice([1, 2, 9, 12, 15, 16]))))
    return out


def test_digits_apart_is_the_hamming_distance_of_values_of_one_length():
    rnd = np.random.default_rng(3)
    ids = _ids(rnd, 3000)
    work = pl.DataFrame({"row": pl.Series(range(len(ids)), dtype=pl.UInt32), "id": ids})
    l = rnd.integers(0, len(ids), 20_000)  # noqa: E741 - the pairs' sides
    r = np.clip(l + rnd.integers(-3, 4, len(l)), 0, len(ids) - 1)  # (neighbours: copies of each other)
    cols = _PairColumns(work, pl.Series(l, dtype=pl.UInt32), pl.Series(r, dtype=pl.UInt32), ValueCodes(work, {}))
    apart = cols.digits_apart("id", None, None)
    want = [
        sum(x != y for x, y in zip(ids[i], ids[j], strict=True))
        if ids[i] is not None and ids[j] is not None and len(ids[i]) == len(ids[j])
        else 16
        for i, j in zip(l, r, strict=True)
    ]
    assert apart.dtype == np.uint8 and apart.tolist() == want
    assert {0, 1, 2, 3, 4} <= set(want) and 16 in want  # (every count the levels read is there, and lengths apart)
    sixteen = [i for i in range(len(l)) if ids[l[i]] is not None and ids[r[i]] is not None and len(ids[l[i]]) == 16]
    assert len(sixteen) > 100 and max(want[i] for i in sixteen) >= 5  # (the highest nibbles are counted too)


def test_nibbles_apart_counts_each_differing_nibble_once():
    rnd = np.random.default_rng(4)
    x = rnd.integers(0, 1 << 63, 5000, dtype=np.uint64) * np.uint64(2) + rnd.integers(0, 2, 5000).astype(np.uint64)
    y = x ^ (rnd.integers(0, 1 << 63, 5000, dtype=np.uint64) & rnd.integers(0, 1 << 63, 5000, dtype=np.uint64))
    y[:16] = x[:16] ^ (np.uint64(0xF) << (np.arange(16, dtype=np.uint64) * np.uint64(4)))  # one whole nibble each
    want = [sum(((int(a) ^ int(b)) >> (4 * k)) & 0xF != 0 for k in range(16)) for a, b in zip(x, y, strict=True)]
    assert _nibbles_apart(x, y).tolist() == want
    assert _nibbles_apart(x[:16], y[:16]).tolist() == [1] * 16


def _want(ids: list[str | None], l: np.ndarray, r: np.ndarray) -> list[int]:
    return [
        sum(x != y for x, y in zip(ids[i], ids[j], strict=True))
        if ids[i] is not None and ids[j] is not None and len(ids[i]) == len(ids[j])
        else 16
        for i, j in zip(l, r, strict=True)
    ]


def test_ids_of_up_to_15_digits_are_counted_on_words_keyed_by_their_length():
    # every value 1-15 digits: each word holds its length in the first digit's nibble (``keyed_nibbles``), and every
    # pair is counted at once; the same distances (a leading zero is a digit: "0123" and "123" are lengths apart)
    rnd = np.random.default_rng(5)
    ids = [v if v is None or len(v) < 16 else v[1:] for v in _ids(rnd, 3000)]
    ids[:4] = ["0123", "123", "000000000000000", "0"]
    work = pl.DataFrame({"row": pl.Series(range(len(ids)), dtype=pl.UInt32), "id": ids})
    codes = ValueCodes(work, {})
    keyed = codes.keyed_nibbles("id")
    assert keyed is not None and keyed[0] == 0 and (keyed[1:] != 0).all()
    assert len(np.unique(keyed)) == len(keyed)  # (distinct values, distinct words)
    l = np.concatenate([[0, 0, 2, 3, 5], rnd.integers(0, len(ids), 20_000)])  # noqa: E741 - the pairs' sides
    r = np.concatenate([[1, 0, 3, 2, 5], np.clip(l[5:] + rnd.integers(-3, 4, len(l) - 5), 0, len(ids) - 1)])
    cols = _PairColumns(work, pl.Series(l, dtype=pl.UInt32), pl.Series(r, dtype=pl.UInt32), codes)
    apart = cols.digits_apart("id", None, None)
    want = _want(ids, l, r)
    assert apart.dtype == np.uint8 and apart.tolist() == want
    assert want[:4] == [16, 0, 16, 16] and {1, 2, 3, 4} <= set(want)
    assert any(ids[i] is None and ids[j] is None for i, j in zip(l, r, strict=True))  # (both missing: 16)
    # the one_digit levels read the distance alone there: the same levels as the lengths and the distance
    comp = Comparison(name="id", columns=("id",), levels=_preset_levels("id", ("id",), "test")[0])  # (the ID preset)
    levels = comparison_levels(work, pl.Series(l, dtype=pl.UInt32), pl.Series(r, dtype=pl.UInt32), (comp,), codes)
    expected = [
        None if ids[i] is None or ids[j] is None else 0 if d == 0 else 1 if d == 1 else 2 if d == 2 else 3
        for i, j, d in zip(l, r, want, strict=True)
    ]
    assert levels["id"].to_list() == expected


def test_a_16_digit_id_leaves_no_nibble_for_the_length():
    work = pl.DataFrame({"id": ["1234567890123456", "12", None]})
    assert ValueCodes(work, {}).keyed_nibbles("id") is None
    assert ValueCodes(work, {}).digit_nibbles("id") is not None
