"""``compare._char_counts``' counts are each value's own characters counted by bucket, capped at 255: worked out per
distinct word and summed over a value's words a word place at a time, in two bytes capped after each sum. Checked
against a count of each value's characters on values of one to forty words (repeated words, empty words from
several spaces, diacritics), and where the cap matters: one word past 255 of a character, several words each under
255 whose sum is past it (past two bytes' too), a value's spaces past 255."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.compare import CHAR_BUCKETS, ValueCodes

WORDS = ["nguyen", "thi", "van", "hoa", "lê", "đức", "ễ", "a" * 100, "b" * 300, "", "ab" * 70]


def _own_counts(value: str) -> list[int]:
    """The value's characters counted by bucket (a character's: its code point's low five bits), capped at 255."""
    out = [0] * CHAR_BUCKETS
    for character in value:
        out[ord(character) & (CHAR_BUCKETS - 1)] += 1
    return [min(c, 255) for c in out]


def test_each_values_counts_are_its_own_characters_counted():
    rng = np.random.default_rng(7)
    values = [" ".join(rng.choice(WORDS, size=int(rng.integers(1, 41)))) for _ in range(2000)]
    many = " ".join(["a" * 255] * 258)  # 65,790 "a": past what two bytes hold (summed uncapped, they wrap to 254)
    values += ["a" * 100 + " " + "a" * 100 + " " + "a" * 100, "a" * 256, " " * 300, many, "x", "", "a b", "a  b"]
    codes = ValueCodes(pl.DataFrame({"v": values + [None]}, schema={"v": pl.String}))
    counts = codes.per_code("char_counts", "v")
    text = codes.values("v").to_list()  # (row code - 1 of counts)
    assert counts.dtype == np.uint8 and counts.shape == (len(text), CHAR_BUCKETS)
    assert counts.tolist() == [_own_counts(t) for t in text]
    # the caps were reached: by one word alone, by words each under the cap, by spaces
    row = {t: i for i, t in enumerate(text)}
    a = ord("a") & (CHAR_BUCKETS - 1)
    assert counts[row["a" * 256], a] == 255
    assert counts[row["a" * 100 + " " + "a" * 100 + " " + "a" * 100], a] == 255
    assert counts[row[" " * 300], ord(" ") & (CHAR_BUCKETS - 1)] == 255
    assert counts[row[many], a] == 255
