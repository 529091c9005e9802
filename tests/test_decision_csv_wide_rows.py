"""A decisions CSV row with more fields than its header row is refused, naming the row and the cause
(pipelines/review/decisions.py, _wider_rows).

A note holding the delimiter without quotes (`see A; and B` in a ';' file, as a text editor leaves it) moved every cell
after it one column right: the row was refused with a wrong cause ('new_ward_code: not the 5-digit code of a 2025
ward'), or, with the note last, read with the note cut at the ';' (the rest dropped, silently). A title line above the
header made the whole file 'no header row' (the grid was as narrow as its first line)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
UA = [f"ua-{i:016x}" for i in range(3)]
SU = "su-0000000000000000"


def _load(tmp_path, text: str):
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    items = pl.DataFrame(
        {
            "item_id": [*UA, SU],
            "kind": ["unresolved_address"] * 3 + ["split_unit"],
            "candidates": [[]] * 3 + [["2025:26740"]],
            "name_key": [None] * 4,
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    return load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)


def test_unquoted_semicolon_in_a_note_names_the_row_and_the_cause(tmp_path):
    loaded = _load(
        tmp_path,
        "item_id;decision;reviewer;decided_on;note;new_ward_code\n"
        f"{UA[0]};dismiss;A;2026-12-01;see A; and B;\n"
        f"{SU};place;A;2026-12-01;x; y;26740\n"
        f'{UA[1]};dismiss;A;2026-12-01;"quoted; fine";\n',
    )
    assert loaded.rows["item_id"].to_list() == [UA[1]]
    assert loaded.rows["note"].to_list() == ["quoted; fine"]
    errors = loaded.errors.select("source_file", "source_row", "field", "cause").rows()
    assert [e[:3] for e in errors] == [("d.csv", 2, "*"), ("d.csv", 3, "*")], errors
    for *_, cause in errors:
        assert "7 fields where the header row has 6" in cause and "';'" in cause and "double quotes" in cause
        assert "see A" not in cause and "and B" not in cause  # never a value
    assert loaded.rows_rejected == 2


def test_a_note_last_is_not_cut_at_the_semicolon(tmp_path):
    loaded = _load(
        tmp_path,
        f"item_id;decision;reviewer;decided_on;new_ward_code;note\n{SU};place;A;2026-12-01;26740;x; y\n",
    )
    assert loaded.rows.height == 0, loaded.rows["note"].to_list()  # was read with the note 'x'
    assert loaded.errors.select("source_row", "field").rows() == [(2, "*")]


def test_padded_rows_and_a_title_line_are_read(tmp_path):
    loaded = _load(
        tmp_path,
        "Decisions of the ward\n"
        "item_id,decision,reviewer,decided_on,note,new_ward_code,,\n"
        f"{UA[0]},dismiss,A,2026-12-01,ok,,,\n"
        f"{UA[1]},dismiss,A,2026-12-01,,\n",
    )
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows.select("item_id", "note", "source_row").rows() == [(UA[0], "ok", 3), (UA[1], None, 4)]
