"""prepare's ``fold`` and ``fold_compact`` (worked out by ``strip_accents_fast_expr``) give the values of the
plain expression they stand for, also on text the fast path hands back to it (letters outside its table)."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import _transform
from pipelines.text import strip_accents_expr

NAMES = ["Nguyễn Thị Hạnh", "ĐẶNG  VĂN  ĐỨC", " Lê-Hoàng Ánh ", "Ḿai Ǆung Ωmega", "", None, "Phạm Ngọc Ẩn 2"]


def test_fold_equals_the_plain_expression():
    frame = pl.DataFrame({"v": NAMES})
    plain = strip_accents_expr(pl.col("v"))
    expected = frame.select(
        fold=plain.str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars(),
        fold_compact=plain.str.replace_all(r"[^a-z0-9]+", ""),
    )
    got = frame.select(fold=_transform(pl.col("v"), "fold"), fold_compact=_transform(pl.col("v"), "fold_compact"))
    assert got.equals(expected)
    assert got["fold"].to_list()[:3] == ["nguyen thi hanh", "dang van duc", "le hoang anh"]
