"""An unresolved address an official dismissed while its record had moved on (04beeed: 'an earlier version of this
record ...: place this address (where the record was then) or dismiss it'), which a later extract brings back as the
record's newest address, is asked again, saying so: before, the dismiss of the old stay closed the question of the
record's current address too (one question per source record and address), and its rows stayed under review with no
one asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.review.decisions import append_audit, effective_decisions, empty_audit, load_decisions, placements
from pipelines.review.queues import build_queues
from tests.test_review_items_per_source_record import WARD, _inputs, _no_ward, _record

OLD, OTHER = "451/26/17 Thùy Vân, Ấp Cũ", "9 Thùy Vân, Ấp Mới"
OCT, NOV, DEC = dt.date(2026, 10, 31), dt.date(2026, 11, 30), dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC)


def _staged(addresses: dict[dt.date, str]) -> pl.DataFrame:
    rows = [_record(month, "6", **_no_ward(address)) for month, address in addresses.items()]
    text = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid")
    return pl.DataFrame(
        rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(text, pl.String)}
    )


def _decide(folder: Path, item: str, decision: str, on: dt.date, items: pl.DataFrame, audit=None):  # noqa: ANN001, ANN202
    folder.mkdir(exist_ok=True)
    ward = WARD if decision == "place" else ""
    (folder / "phuong_unplaced.csv").write_text(
        f"item_id,decision,reviewer,decided_on,note,new_ward_code\n{item},{decision},Cán bộ B,{on},,{ward}\n",
        encoding="utf-8",
    )
    loaded = load_decisions(folder, ward_codes={WARD}, items=items, today=on)
    assert loaded.errors.height == 0, loaded.errors
    audit, _ = append_audit(audit, loaded.rows, NOW)
    return audit, effective_decisions(audit, items)


def _open(result) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    items = result.items.filter(pl.col("kind") == "unresolved_address")
    return {r["item_id"]: (r["record_key"], r["summary"]) for r in items.iter_rows(named=True)}


def test_an_address_dismissed_as_the_records_old_one_is_asked_again_when_it_comes_back(tmp_path):
    nov = build_queues(_inputs(_staged({OCT: OLD, NOV: OTHER})), effective_decisions(empty_audit(), None), None, NOW)
    asked = _open(nov)
    (old_item,) = [i for i, (key, _) in asked.items() if key.startswith(f"population_718@{OCT}")]
    assert "an earlier version of this record" in asked[old_item][1]
    # the official dismisses the old stay (06/12), as the item invites; December's extract has the old address again
    audit, decisions = _decide(tmp_path / "dec", old_item, "dismiss", dt.date(2026, 12, 6), nov.item_keys)
    back = _staged({OCT: OLD, NOV: OTHER, DEC: OLD})
    dec = build_queues(_inputs(back), decisions, nov.item_keys, NOW + dt.timedelta(days=31), audit=audit)
    now_asked = _open(dec)
    newest = {i: s for i, (key, s) in now_asked.items() if key == f"population_718@{DEC}#6"}
    assert len(newest) == 1, now_asked  # before: only November's address was asked; December's rows, no one
    (again,), (summary,) = newest.keys(), newest.values()
    assert again != old_item
    assert summary.startswith("address unresolved in population; asked again: dismissed on 2026-12-06 by Cán bộ B "), (
        summary
    )
    assert f"(item {old_item}, phuong_unplaced.csv row 2)" in summary, summary
    assert f"the {DEC} extract of population_718 has this address again" in summary, summary
    # a 'place' on the item asked again places the record's versions with that address; a 'dismiss' closes it
    audit2, placed_dec = _decide(tmp_path / "dec2", again, "place", dt.date(2027, 1, 5), dec.item_keys, audit)
    placed = placements(placed_dec, {"population": back})
    assert sorted(placed["record_key"]) == [f"population_718@{OCT}#6", f"population_718@{DEC}#6"]
    _, dismissed = _decide(tmp_path / "dec3", again, "dismiss", dt.date(2027, 1, 5), dec.item_keys, audit)
    jan = build_queues(_inputs(back), dismissed, dec.item_keys, NOW + dt.timedelta(days=60))
    assert [key for key, _ in _open(jan).values()] == [f"population_718@{NOV}#6"]


def test_an_address_dismissed_while_the_record_had_it_stays_dismissed(tmp_path):
    # dismissed while the newest version had it (no other address since): the next extracts with it ask nothing
    oct_run = build_queues(_inputs(_staged({OCT: OLD})), effective_decisions(empty_audit(), None), None, NOW)
    (item,) = _open(oct_run)
    audit, decisions = _decide(tmp_path / "dec", item, "dismiss", dt.date(2026, 11, 5), oct_run.item_keys)
    later = build_queues(_inputs(_staged({OCT: OLD, NOV: OLD})), decisions, oct_run.item_keys, NOW, audit=audit)
    assert _open(later) == {}
    # dismissed after it came back (the official saw the record at that address again): stands
    nov = build_queues(_inputs(_staged({OCT: OLD, NOV: OTHER})), effective_decisions(empty_audit(), None), None, NOW)
    (old_item,) = [i for i, (key, _) in _open(nov).items() if key.startswith(f"population_718@{OCT}")]
    back = _staged({OCT: OLD, NOV: OTHER, DEC: OLD})
    audit, decisions = _decide(tmp_path / "dec2", old_item, "dismiss", dt.date(2027, 1, 3), nov.item_keys)
    jan = build_queues(_inputs(back), decisions, nov.item_keys, NOW, audit=audit)
    assert [key for key, _ in _open(jan).values()] == [f"population_718@{NOV}#6"]


def test_an_earlier_address_goes_to_the_ward_its_record_is_in_now(tmp_path):
    # the source put the ward in (or the record moved to a ward found): the earlier version's address item names that
    # ward; it is its candidate, so that ward's files show it (before: no candidate, wards/unplaced/ only, the ward
    # whose official knows the record never saw it)
    rows = _staged({OCT: OLD, NOV: OLD}).with_columns(
        pl.when(pl.col("extract_date") == NOV).then(pl.lit(v, pl.String)).otherwise(pl.col(c)).alias(c)
        for c, v in {
            "address": "451/26/17 Thùy Vân, Phường Tân An",
            "old_uid": "pre2025:25747",
            "new_uid": "2025:25747",
            "ward_status": "resolved",
            "ward_reason": None,
        }.items()
    )
    built = build_queues(_inputs(rows), effective_decisions(empty_audit(), None), None, NOW)
    items = built.items.filter(pl.col("kind") == "unresolved_address")
    assert items["record_key"].to_list() == [f"population_718@{OCT}#6"]
    assert "in ward 2025:25747" in items["summary"][0]
    assert items["candidates"].to_list() == [["2025:25747"]]
    # an earlier address whose record has no ward now either: no candidate made up
    other = build_queues(
        _inputs(_staged({OCT: OLD, NOV: OTHER})), effective_decisions(empty_audit(), None), None, NOW
    ).items.filter(pl.col("kind") == "unresolved_address")
    assert other["candidates"].to_list() == [[], []]
