"""``compare._words_missing_typo`` scores each distinct (short word, long word) pair once: every value pair that
holds a close pair is found, also when several value pairs share it, as a plain per-pair computation finds them."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz.distance import Levenshtein

from pipelines.match.compare import _words_missing_typo


def _plain(a: str, b: str) -> float:
    wa, wb = a.split(" "), b.split(" ")
    if len(wa) == len(wb):
        return 0.0
    short, long = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    only_short, only_long = set(short) - set(long), set(long) - set(short)
    if len(only_short) != 1 or not only_long:
        return 0.0
    (word,) = only_short
    return float(any(Levenshtein.distance(word, other) <= 1 for other in only_long))


PAIRS = [
    ("le hien", "lle thi hien"),  # a middle name dropped and a typo in the family name
    ("le hoa", "lle van hoa"),  # the same word pair (le, lle) in another value pair
    ("lle thi mai", "le mai"),  # and again, the long value on the left
    ("le hien", "tran thi hien"),  # le is two edits from tran, thi: no
    ("nguyen an", "nguyen van an"),  # no word of the short is missing from the long: not this level
    ("pham thu", "phan thi thu"),  # pham one edit from phan
    ("vo an", "vo an"),  # as many words
    ("do anh", "dao thi binh"),  # two words missing
]


def test_each_value_pair_holding_a_close_word_pair_is_found():
    left = pl.Series([a for a, _ in PAIRS])
    right = pl.Series([b for _, b in PAIRS])
    got = _words_missing_typo(left, right)
    assert got.tolist() == [_plain(a, b) for a, b in PAIRS]
    assert got.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def test_many_value_pairs_sharing_few_word_pairs():
    rng = np.random.default_rng(3)
    given = ["an", "hoa", "mai", "binh", "lan", "hung"]
    family = ["le", "lle", "tran", "tram", "pham", "phan"]
    left, right = [], []
    for _ in range(400):
        f1, f2, g1, g2 = rng.choice(family), rng.choice(family), rng.choice(given), rng.choice(given)
        left.append(f"{f1} {g1}")
        right.append(f"{f2} {rng.choice(['thi', 'van'])} {g2}")
    got = _words_missing_typo(pl.Series(left), pl.Series(right))
    expected = [_plain(a, b) for a, b in zip(left, right, strict=True)]
    assert got.tolist() == expected and 20 < sum(expected) < 380
