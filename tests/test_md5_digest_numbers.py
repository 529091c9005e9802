"""md5_hex's DuckDB path (at scale: the founders' entity ids, large review queues) takes each digest as two 64-bit
numbers (DuckDB's md5_number) and writes the hex digits in numpy: the same text as hashlib's hexdigest for every
head and length, and a run that would name entities with digits in another order stops instead."""

from __future__ import annotations

import hashlib

import polars as pl
import pytest

import pipelines.md5 as md5

VALUES = pl.Series(["a", "", "it's", "Phường Bến Thành", "x" * 200, "a|b\nc", "0", "ẩ" * 70])


@pytest.mark.parametrize("length", [0, 1, 7, 15, 16, 17, 31, 32, 40])
@pytest.mark.parametrize("head", ["", "P-", "ư'q-"])
def test_duckdb_digits_are_hashlibs(monkeypatch, length, head):
    monkeypatch.setattr(md5, "SMALL_HASH", 0)  # every value to DuckDB
    want = [head + hashlib.md5(v.encode()).hexdigest()[:length] for v in VALUES]
    got = md5.md5_hex(VALUES, head=head, length=length, threads=1)
    assert got.dtype == pl.String and got.to_list() == want


def test_many_values_in_order(monkeypatch):
    monkeypatch.setattr(md5, "SMALL_HASH", 0)
    values = pl.Series([f"population_7@2025-08-31#{k}" for k in range(30_000)][::-1])
    want = [f"P-{hashlib.md5(v.encode()).hexdigest()[:16]}" for v in values]
    assert md5.md5_hex(values, head="P-", length=16).to_list() == want


def test_digits_in_another_order_stop_the_run(monkeypatch):
    # were DuckDB's md5_number to hold the digest's bytes otherwise (its halves swapped here), the ids would change
    # silently: the first value is checked against hashlib
    monkeypatch.setattr(md5, "SMALL_HASH", 0)
    real = md5._hex_text
    monkeypatch.setattr(md5, "_hex_text", lambda halves, head, length: real(halves[:, ::-1], head, length))
    with pytest.raises(RuntimeError, match="md5_number"):
        md5.md5_hex(VALUES, length=32)
