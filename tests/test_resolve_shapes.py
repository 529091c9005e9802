"""benchmarks/resolve_shapes.py: the shapes it gives a read's text (what a pre-pass over exactly spelled tails could
settle) and its timed reads (every read counted, the parser's functions restored after)."""

from __future__ import annotations

import polars as pl
import pytest

import pipelines.resolve as r
from benchmarks.resolve_shapes import Shapes, timed_reads


@pytest.fixture(scope="module")
def idx():
    return r.index_for(None)


@pytest.mark.parametrize(
    ("text", "cut", "shape"),
    [
        ("phuong ben nghe,quan 1,thanh pho ho chi minh", 0, "old, exact-spelled"),
        ("p 12,q 3,tp ho chi minh", 0, "old, exact-spelled"),
        ("ben nghe,quan 1,thanh pho ho chi minh", 0, "old, exact-spelled (a marker left out)"),
        ("phuong sai gon,thanh pho ho chi minh", 0, "2025, exact-spelled"),
        ("phuong sai gon", 0, "2025, exact-spelled no province"),
        ("phuong ben nghee,quan 1,thanh pho ho chi minh", 0, "other"),  # a typo
        ("phuong ben nghe quan 1", 0, "other"),  # no comma
        ("phuong sai gon (phuong ben nghe cu),tp ho chi minh", 0, "cut tail or note"),
        ("0 0 phuong ben nghe quan 1", 2, "cut tail or note"),
    ],
)
def test_shapes(idx, text, cut, shape):
    assert Shapes(idx).shape(text, cut) == shape


@pytest.mark.usefixtures("gc_frozen")  # timed_reads' gc.collect() (tests/conftest.py)
def test_timed_reads_count_every_read_and_restore_the_parser(idx):
    before = (r.read_tokens, r._read_tails, r._read_cut_tails, r._read_whole)
    addresses = pl.Series(
        ["12 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM", "Phường Sài Gòn, TP.HCM", "so 5 le loi p 7 q 5"]
    )
    reads, total = timed_reads(addresses, r.build_index(r.default_reference()))
    assert (r.read_tokens, r._read_tails, r._read_cut_tails, r._read_whole) == before
    assert reads.height >= 3 and total > 0
    assert set(reads["stage"]) <= {"comma tails", "comma-less cut tails", "whole addresses"}
    assert reads["status"].null_count() == 0
