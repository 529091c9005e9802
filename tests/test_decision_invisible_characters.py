"""Code cells of a decisions file (item id, decision, date, ward code) copied from a chat message, a web page, a PDF or
an e-mail carry characters the official cannot see: a zero-width space, a byte-order mark, a soft hyphen, or a dash a
word processor made of '-' (en dash, minus sign, full-width hyphen). The id looked right and the row was refused with
'not a review item id (two letters, '-', 16 hex digits)' (pipelines/review/decisions.py, _code)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
UA = [f"ua-{i:016x}" for i in range(6)]
SU = "su-0000000000000000"
EN_DASH, FULL_WIDTH = "\u2013", "\uff0d"


def _load(tmp_path, text: str):
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    items = pl.DataFrame(
        {
            "item_id": [*UA, SU],
            "kind": ["unresolved_address"] * 6 + ["split_unit"],
            "candidates": [[]] * 6 + [["2025:26740"]],
            "name_key": [None] * 7,
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    return load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)


def test_invisible_characters_and_dashes_in_code_cells_are_read_as_shown(tmp_path):
    header = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
    loaded = _load(
        tmp_path,
        header
        + f"{UA[0]}\u200b,dismiss,A,2026-12-01,,\n"  # zero-width space after the id (copied from a chat)
        + f"\ufeff{UA[1]},dismiss\u200b,A,2026-12-01,,\n"  # a byte-order mark before it
        + f"{UA[2].replace('-', EN_DASH)},dismiss,A,2026{EN_DASH}12{EN_DASH}01,,\n"  # en dashes (a word processor)
        + f"{UA[3].replace('-', FULL_WIDTH)},dismiss,A,01/12/2026,,\n"  # full-width hyphen
        + f"{SU},place,A,01/12/2026,,2674\u00ad0\n"  # a soft hyphen inside the ward code
        + f"{UA[4]},dis\u200bmiss,A,01/12/2026,,\n",
    )
    assert loaded.errors.height == 0, loaded.errors
    assert loaded.rows["item_id"].to_list() == [*UA[:4], SU, UA[4]]
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 1)] * 6
    assert loaded.rows.filter(pl.col("item_id") == SU)["new_uid"].to_list() == ["2025:26740"]


def test_an_id_with_a_visible_fault_is_still_refused_and_notes_are_kept_as_written(tmp_path):
    loaded = _load(
        tmp_path,
        "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
        f"{UA[0]}x,dismiss,A,2026-12-01,,\n"
        f"{UA[1]},dismiss,A,2026-12-01,a\u2013b\u200bc,\n",
    )
    assert loaded.errors.select("source_row", "field").rows() == [(2, "item_id")]
    assert loaded.rows["note"].to_list() == ["a\u2013b\u200bc"]  # free text is not touched
