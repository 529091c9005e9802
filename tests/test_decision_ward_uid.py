"""The ward code of a place/reject decision written as the review files write a 2025 ward ('2025:26740': the split
item's proposed_new_uid, a match pair's left_/right_ward) is that ward. It was refused as 'not the 5-digit code of a
2025 ward of the city', so an official who copied the proposed ward into new_ward_code had the row not applied
(pipelines/review/decisions.py, validate)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
SU = [f"su-{i:016x}" for i in range(4)]


def test_a_ward_written_as_its_2025_uid_is_read_and_an_old_unit_uid_is_not(tmp_path):
    (tmp_path / "d.csv").write_text(
        "item_id,decision,reviewer,decided_on,new_ward_code\n"
        f"{SU[0]},place,A,2026-12-01,2025:26740\n"
        f"{SU[1]},place,A,2026-12-01,2025 : 26740\n"
        f"{SU[2]},place,A,2026-12-01,pre2025:26740\n"  # an old unit's uid is no 2025 ward
        f"{SU[3]},place,A,2026-12-01,2025:2674\n",
        encoding="utf-8",
    )
    items = pl.DataFrame(
        {"item_id": SU, "kind": ["split_unit"] * 4, "candidates": [["2025:26740"]] * 4, "name_key": ["x"] * 4},
        schema_overrides={"candidates": pl.List(pl.String)},
    )
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)
    assert loaded.rows.select("item_id", "new_uid").rows() == [(SU[0], "2025:26740"), (SU[1], "2025:26740")]
    assert loaded.errors.select("source_row", "field", "cause").rows() == [
        (4, "new_ward_code", "not the 5-digit code of a 2025 ward of the city"),
        (5, "new_ward_code", "not the 5-digit code of a 2025 ward of the city"),
    ]
