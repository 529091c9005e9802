"""``md5_hex``'s DuckDB path (its digests as numbers, written as hex in numpy) gives hashlib's hex digits, whatever the
text (accents, quotes, NUL, emoji, empty, long), the head and the length: entity ids and review item ids are published
and must read the same on every run, whichever path a table's size takes."""

from __future__ import annotations

import hashlib
import random

import polars as pl
import pytest

from pipelines import md5


def _texts() -> list[str]:
    rnd = random.Random(7)
    alphabet = "abcXYZ0123 ễạđĐ|'\"\\\x00€😀"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 80))) for _ in range(2_000)]
    return [*texts, "", "a", "x" * 1_000, "tax_718@2025-08-31#1"]


def _hashlib(texts: list[str], head: str, length: int) -> list[str]:
    return [head + hashlib.md5(t.encode()).hexdigest()[:length] for t in texts]


@pytest.mark.parametrize(
    ("head", "length"), [("T-", 16), ("", 32), ("mp-", 16), ("", 8), ("é'x", 20), ("", 17), ("", 15), ("h", 0)]
)
def test_duckdb_path_gives_hashlibs_hex(head, length):
    texts = _texts()
    got = md5.md5_hex(pl.Series(texts), head=head, length=length, threads=1, in_python_under=0)
    assert got.dtype == pl.String
    assert got.to_list() == _hashlib(texts, head, length)
    # (the Python path, as a small table takes it, the same)
    assert md5.md5_hex(pl.Series(texts), head=head, length=length, in_python_under=10**9).to_list() == got.to_list()


def test_duckdb_path_longer_than_a_digest_and_empty():
    texts = _texts()[:50]
    got = md5.md5_hex(pl.Series(texts), length=40, in_python_under=0)  # (as a slice: every digit, no more)
    assert got.to_list() == _hashlib(texts, "", 32)
    empty = md5.md5_hex(pl.Series([], dtype=pl.String), head="T-", length=16, in_python_under=0)
    assert empty.dtype == pl.String and empty.len() == 0
