"""Review item ids hash small frames in Python (hashlib) and large ones in DuckDB: both give the same MD5 hex, so an
item keeps its id whichever path a run's queue size takes (ids are published and officials' decisions name them)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines import md5
from pipelines.review import ids


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "text": ["Phường Bến Thành", None, "a|b", "", "Thủ Đức, TP.HCM", "ẩ" * 300],
            "number": [1, 2, None, 4, 5, 6],
            "day": pl.Series([None, "2025-07-01", "2025-07-01", None, "1990-02-03", None]).str.to_date(),
        }
    )


def test_python_and_duckdb_give_the_same_md5(monkeypatch):
    frame = _frame()
    small = ids.md5_column(frame, ["text", "number", "day"])
    monkeypatch.setattr(md5, "SMALL_HASH", 0)  # every frame to DuckDB
    large = ids.md5_column(frame, ["text", "number", "day"])
    assert small.to_list() == large.to_list()
    assert small.n_unique() == frame.height  # the rows differ, so do their hashes
    assert ids.item_ids(frame, "unresolved_address", ["text", "number"]).to_list() == [
        f"ua-{h[:16]}"
        for h in ids.md5_column(frame.with_columns(k=pl.lit("unresolved_address")), ["k", "text", "number"])
    ]


def test_separator_and_empty_frame():
    frame = _frame()
    assert (
        ids.md5_column(frame, ["text", "number"], separator="#").to_list()
        != ids.md5_column(frame, ["text", "number"]).to_list()
    )
    empty = ids.md5_column(frame.head(0), ["text"])
    assert empty.dtype == pl.String and empty.len() == 0


@pytest.mark.parametrize("threshold", [0, 10**9])
def test_known_hash(monkeypatch, threshold):
    """MD5('a|1') as any MD5 gives it: the ids published so far stay the ids."""
    monkeypatch.setattr(md5, "SMALL_HASH", threshold)
    got = ids.md5_column(pl.DataFrame({"x": ["a"], "y": [1]}), ["x", "y"])
    assert got.to_list() == ["0d72252d6dbedc0f4a006ab90e559402"]
