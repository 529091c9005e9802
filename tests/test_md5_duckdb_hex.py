"""``md5_hex``'s DuckDB path (its digests as numbers, written as hex in numpy) gives hashlib's hex digits, whatever the
text (accents, quotes, NUL, emoji, empty, long), the head and the length: entity ids and review item ids are published
and must read the same on every run, whichever path a table's size takes."""

from __future__ import annotations

import hashlib
import os
import random
from concurrent.futures import ThreadPoolExecutor

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


def _founder_hashes(texts: list[str]) -> list[str]:
    return md5.md5_hex(pl.Series(texts), head="T-", length=16, threads=1, in_python_under=0).to_list()


def test_one_thread_hashes_share_one_database_per_process():
    """The founders' hashes (one DuckDB thread) open one database per process and a cursor of it per call (opening one
    cost 8.7 ms a call): the same hashes from concurrent threads. (A forked process would open its own, under its own
    id; Polars' thread pool does not survive a fork, so none is tried here.)"""
    texts = _texts()
    want = _hashlib(texts, "T-", 16)
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert all(got == want for got in pool.map(_founder_hashes, [texts] * 6))
    assert list(md5._SHARED) == [os.getpid()]  # one database, however many calls and threads
    shared = md5._SHARED[os.getpid()]
    assert _founder_hashes(texts) == want
    assert md5._SHARED[os.getpid()] is shared


def test_duckdb_path_imports_no_pyarrow_compute():
    """The hex text goes to Polars as an Arrow table: a Series made of a pyarrow array imports pyarrow.compute, 30-40
    ms CPU the first time in a process (a benchmark's one run: more than the path saves)."""
    import subprocess
    import sys

    code = (
        "import sys, polars as pl\n"
        "from pipelines import md5\n"
        "before = 'pyarrow.compute' in sys.modules\n"
        "got = md5.md5_hex(pl.Series(['a', 'b']), head='T-', length=16, threads=1, in_python_under=0)\n"
        "assert got.to_list() == ['T-0cc175b9c0f1b6a8', 'T-92eb5ffee6ae2fec'], got.to_list()\n"
        "print(before, 'pyarrow.compute' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"], out.stdout
