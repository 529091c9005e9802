"""A source sent as monthly extracts asks an official about a source record once, not once a month.

invalid_id and unresolved_address items are one per source record (its newest version), and an item keeps its id
while a newer extract's version of the record asks the same (the same flagged ID value, the same address): the
decision on it stands. A changed value is a new question, a new item. A 'place' places every version of the record
with that address. Before: the unresolved_address items were one per extract's version, and the item a decision
closed came back with the next extract under a new id (its record key's), so the official decided it again each month
(HV22's runs in /tmp/hv22: an accepted ID came back as an open item, a placed address came back in August's extract).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.review.decisions import append_audit, effective_decisions, empty_audit, load_decisions, placements
from pipelines.review.queues import ReviewInputs, build_queues
from pipelines.schema import QUARANTINE, review_table

NOW = dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 6)
WARD = "25747"
MONTHS = (dt.date(2025, 6, 30), dt.date(2025, 7, 31), dt.date(2025, 8, 31))
UNRESOLVED = "15 Hoàng Hoa Thám, Phường Không Tên"


def _record(month: dt.date, key: str, **values) -> dict:  # noqa: ANN003
    row = {
        "record_key": f"population_718@{month.isoformat()}#{key}",
        "source_id": "population_718",
        "extract_date": month,
        "source_file": f"population/population_718_{month:%Y%m%d}.csv",
        "source_key": key,
        "full_name": f"Người {key}",
        "personal_id": None,
        "old_id_number": None,
        "id_flags": None,
        "old_id_flags": None,
        "address": f"{key} Lê Lợi, Phường Tân An",
        "old_uid": "pre2025:25747",
        "new_uid": "2025:25747",
        "ward_status": "resolved",
        "ward_reason": None,
        "ward_candidates": None,
    }
    row.update(values)
    return row


def _bad_id(value: str) -> dict:
    return {"personal_id": value, "id_flags": "birth_year_mismatch"}


def _no_ward(address: str) -> dict:
    return {
        "address": address,
        "old_uid": None,
        "new_uid": None,
        "ward_status": "unresolved",
        "ward_reason": "no district found; no 2025 ward either",
    }


def _staged(months: int) -> pl.DataFrame:
    """Keys 1 and 2: a wrong personal ID (2's changes in August); 5 and 6: an address no ward is found for (6's
    changes in August, still unresolved); 9: nothing to ask."""
    rows = []
    for month in MONTHS[:months]:
        august = month == MONTHS[2]
        rows += [
            _record(month, "1", **_bad_id("074173700612")),
            _record(month, "2", **_bad_id("079098603778" if august else "079098603779")),
            _record(month, "5", **_no_ward(UNRESOLVED)),
            _record(month, "6", **_no_ward("9 Thùy Vân, Ấp Mới" if august else "451/26/17 Thùy Vân, Ấp Cũ")),
            _record(month, "9"),
        ]
    text = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid")
    return pl.DataFrame(
        rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(text, pl.String)}
    )


def _inputs(staged: pl.DataFrame, placed: pl.DataFrame | None = None) -> ReviewInputs:
    newest = staged["extract_date"].max()
    # the entities' lineage: every older version follows its newest ('same source record'), but key 2's, whose ID
    # contradicts August's (pipelines.entities.versions: matched version by version)
    earlier = staged.filter((pl.col("extract_date") < newest) & ((pl.col("source_key") != "2") | (newest < MONTHS[2])))
    if placed is not None and placed.height:
        overlay = placed.select("record_key", pl.col("new_uid").alias("_n"), pl.col("ward_status").alias("_s"))
        staged = (
            staged.join(overlay, on="record_key", how="left", maintain_order="left")
            .with_columns(
                pl.coalesce("_n", "new_uid").alias("new_uid"), pl.coalesce("_s", "ward_status").alias("ward_status")
            )
            .drop("_n", "_s")
        )
    quarantine = pl.DataFrame(schema=QUARANTINE.polars_schema).with_columns(
        pl.lit(None, pl.String).alias("new_uid"), pl.lit(None, pl.List(pl.String)).alias("candidates")
    )
    return ReviewInputs(
        staged={"population": staged},
        quarantine={"population": quarantine},
        review={"people": pl.DataFrame(schema=review_table("people").polars_schema)},
        ward_names=pl.DataFrame(schema={"unit_uid": pl.String, "name": pl.String}),
        earlier_versions={"population": earlier["record_key"]},
        placements=placed,
    )


def _decide(folder: Path, rows: list[tuple[str, str, str]], items: pl.DataFrame) -> pl.DataFrame:
    """The officials' decisions file read as a run reads it: review.decisions."""
    folder.mkdir(exist_ok=True)
    lines = ["item_id,decision,reviewer,decided_on,note,new_ward_code"]
    lines += [f"{item},{decision},Cán bộ A,{DAY.isoformat()},,{ward}" for item, decision, ward in rows]
    (folder / "decisions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={WARD}, items=items, today=DAY)
    assert loaded.errors.height == 0, loaded.errors
    audit, _ = append_audit(None, loaded.rows, NOW)
    return effective_decisions(audit, items)


def _by_key(items: pl.DataFrame, kind: str) -> dict[str, str]:
    """source key -> item id of the open items of ``kind``."""
    mine = items.filter(pl.col("kind") == kind)
    return dict(zip(mine["record_key"].str.split("#").list.last(), mine["item_id"], strict=True))


def _months(tmp_path: Path):  # noqa: ANN202
    """Run 1 (June and July extracts); the official accepts key 1's and 2's IDs and places key 5's address; run 2
    (August's extract added)."""
    july = build_queues(_inputs(_staged(2)), effective_decisions(empty_audit(), None), None, NOW)
    ids, addresses = _by_key(july.items, "invalid_id"), _by_key(july.items, "unresolved_address")
    decisions = _decide(
        tmp_path / "dec",
        [(ids["1"], "accept", ""), (ids["2"], "accept", ""), (addresses["5"], "place", WARD)],
        july.item_keys,
    )
    august = _staged(3)
    placed = placements(decisions, {"population": august})
    later = NOW + dt.timedelta(days=31)
    return july, decisions, placed, build_queues(_inputs(august, placed), decisions, july.item_keys, later)


def test_one_item_per_source_record_not_per_extract(tmp_path):
    july, *_ = _months(tmp_path)
    assert sorted(_by_key(july.items, "unresolved_address")) == ["5", "6"]  # was 5, 5, 6, 6: June's and July's
    assert sorted(_by_key(july.items, "invalid_id")) == ["1", "2"]
    assert july.items.filter(pl.col("kind") == "unresolved_address")["record_key"].str.contains("2025-07-31").all()


def test_a_decided_item_does_not_come_back_with_the_next_extract(tmp_path):
    july, _, _, august = _months(tmp_path)
    decided = _by_key(july.items, "invalid_id")["1"]
    assert "1" not in _by_key(august.items, "invalid_id")  # was open again under August's record key
    kept = august.item_keys.filter(pl.col("item_id") == decided).row(0, named=True)
    assert kept["record_key"].endswith("2025-08-31#1")  # the same item, now August's version
    assert kept["question_key"] is not None
    assert august.closed.filter(pl.col("item_id") == decided).height == 1


def test_a_changed_value_is_a_new_question(tmp_path):
    july, _, _, august = _months(tmp_path)
    ids = _by_key(august.items, "invalid_id")
    assert list(ids) == ["2"] and ids["2"] != _by_key(july.items, "invalid_id")["2"]
    assert august.items.filter(pl.col("item_id") == ids["2"])["record_key"][0].endswith("2025-08-31#2")
    # June's and July's version of key 2 (another ID: matched apart) hold the value decided: no item for them
    assert august.items.filter(pl.col("record_key").str.ends_with("#2")).height == 1
    asked = august.items.filter(pl.col("kind") == "unresolved_address")
    held = dict(zip(asked["record_key"], asked["item_id"], strict=True))
    # key 6's new address is a new item; its old one, which June's and July's versions still ask, keeps July's item
    # (an earlier version's question: test_an_earlier_version_with_another_unresolved_address_is_asked_once)
    assert sorted(held) == ["population_718@2025-07-31#6", "population_718@2025-08-31#6"], held
    assert held["population_718@2025-07-31#6"] == _by_key(july.items, "unresolved_address")["6"]
    assert held["population_718@2025-08-31#6"] != _by_key(july.items, "unresolved_address")["6"]


def test_a_placement_places_every_version_with_that_address(tmp_path):
    _, _, placed, august = _months(tmp_path)
    assert sorted(placed["record_key"].to_list()) == [f"population_718@{m.isoformat()}#5" for m in MONTHS]
    assert set(placed["new_uid"]) == {f"2025:{WARD}"}
    assert "5" not in _by_key(august.items, "unresolved_address")  # was open again in August's extract


def test_the_item_keys_declare_the_question():
    from pipelines.schema import REVIEW_DECISIONS_TABLE, REVIEW_ITEM_KEYS, REVIEW_QUEUE_ITEMS

    assert "question_key" in REVIEW_ITEM_KEYS.columns and "question_key" in REVIEW_DECISIONS_TABLE.columns
    assert "question_key" not in REVIEW_QUEUE_ITEMS.columns  # not shown to officials


def test_an_extract_sent_again_with_another_value_is_a_new_question(tmp_path):
    """July's extract delivered again, corrected (the same record keys): key 5 another address still without a ward,
    key 1 another wrong personal ID. Each is a new question, a new item: the decision on the old value neither closes
    it nor places the new address. Before, the item's id came from its record key, so the decided item held the new
    question: the 'accept' of 074173700612 accepted 074173700699 unseen, the 'place' placed the new address in the
    ward decided for the old one."""
    july = build_queues(_inputs(_staged(2)), effective_decisions(empty_audit(), None), None, NOW)
    ids, addresses = _by_key(july.items, "invalid_id"), _by_key(july.items, "unresolved_address")
    decisions = _decide(tmp_path / "dec", [(ids["1"], "accept", ""), (addresses["5"], "place", WARD)], july.item_keys)
    key = pl.col("source_key")
    again = _staged(2).with_columns(
        pl.when(key == "5").then(pl.lit("77 Đường Khác, Phường Không Tên")).otherwise("address").alias("address"),
        pl.when(key == "1").then(pl.lit("074173700699")).otherwise("personal_id").alias("personal_id"),
    )
    placed = placements(decisions, {"population": again})
    assert placed.height == 0  # was July's #5, its new address placed in the old one's ward
    rerun = build_queues(_inputs(again, placed), decisions, july.item_keys, NOW + dt.timedelta(days=1))
    open_ids, open_addresses = _by_key(rerun.items, "invalid_id"), _by_key(rerun.items, "unresolved_address")
    assert "1" in open_ids and open_ids["1"] != ids["1"]  # was closed by the accept of the old value
    assert "5" in open_addresses and open_addresses["5"] != addresses["5"]
    assert open_ids["2"] == ids["2"] and open_addresses["6"] == addresses["6"]  # the values unchanged keep theirs
    kept = dict(rerun.item_keys.select("item_id", "question_key").iter_rows())
    assert kept[ids["1"]] == dict(july.item_keys.select("item_id", "question_key").iter_rows())[ids["1"]]


def test_the_latest_placement_of_an_address_places_every_version(tmp_path):
    """A warehouse from before question_key: each extract's version had its own unresolved_address item. An official
    placed July's in one ward, another later placed June's (its old ward file) in another: the same question. Every
    version follows the latest decision, as the item does (the id kept is the latest decided). Before, June's version
    went to the later ward and July's and August's to the earlier one, by item id order: the entity's ward (its newest
    version's) was the one the officials had replaced, and nothing said so."""
    from pipelines.review.ids import item_ids

    july = build_queues(_inputs(_staged(2)), effective_decisions(empty_audit(), None), None, NOW)
    legacy = july.item_keys.filter(pl.col("kind") == "unresolved_address").with_columns(
        pl.lit(None, pl.String).alias("question_key")
    )
    june_key = "population_718@2025-06-30#5"
    june = legacy.filter(pl.col("record_key").str.ends_with("#5")).with_columns(pl.lit(june_key).alias("record_key"))
    june = june.with_columns(item_ids(june, "unresolved_address", ["registry", "record_key"]))
    keys = pl.concat([july.item_keys.filter(pl.col("kind") != "unresolved_address"), legacy, june])
    july_item, june_item = _by_key(july.items, "unresolved_address")["5"], june["item_id"][0]
    folder = tmp_path / "dec"
    folder.mkdir()
    (folder / "decisions.csv").write_text(
        "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
        f"{july_item},place,Cán bộ A,2026-12-01,,{WARD}\n{june_item},place,Cán bộ B,2026-12-04,,25768\n",
        encoding="utf-8",
    )
    loaded = load_decisions(folder, ward_codes={WARD, "25768"}, items=keys, today=DAY)
    assert loaded.errors.height == 0, loaded.errors
    decisions = effective_decisions(append_audit(None, loaded.rows, NOW)[0], keys)
    placed = placements(decisions, {"population": _staged(3)})
    wards = dict(placed.select(pl.col("record_key").str.slice(15, 10), "new_uid").iter_rows())
    assert wards == dict.fromkeys(("2025-06-30", "2025-07-31", "2025-08-31"), "2025:25768"), wards


def test_a_fix_at_source_a_later_extract_does_not_show_is_asked_again(tmp_path):
    """'fixed_at_source' says the old system was corrected: an extract dated after that decision still sending the
    same wrong ID did not get the fix, so the question is asked again (an item of its own, the same one each month it
    stays open), while an 'accept' stands. Before (15cdc98), the decided item kept its id while the record asked the
    same, so the fix that never reached the source closed the item for good."""

    def staged(months: tuple[dt.date, ...]) -> pl.DataFrame:
        rows = [_record(m, k, **_bad_id(v)) for m in months for k, v in (("1", "074173700612"), ("3", "079098603779"))]
        text = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid")
        return pl.DataFrame(
            rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(text, pl.String)}
        )

    november, december, january = dt.date(2026, 11, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 31)
    first = build_queues(_inputs(staged((november,))), effective_decisions(empty_audit(), None), None, NOW)
    ids = _by_key(first.items, "invalid_id")
    decisions = _decide(
        tmp_path / "dec", [(ids["1"], "fixed_at_source", ""), (ids["3"], "accept", "")], first.item_keys
    )
    # an extract dated before the decision is no news: the decision stands
    same = build_queues(_inputs(staged((november,))), decisions, first.item_keys, NOW + dt.timedelta(days=1))
    assert _by_key(same.items, "invalid_id") == {}
    later = build_queues(_inputs(staged((november, december))), decisions, same.item_keys, NOW + dt.timedelta(days=30))
    asked = _by_key(later.items, "invalid_id")
    assert list(asked) == ["1"] and asked["1"] != ids["1"]  # was none: closed by the fix that did not happen
    assert later.items.filter(pl.col("item_id") == asked["1"])["record_key"][0].endswith("2026-12-31#1")
    again = build_queues(
        _inputs(staged((november, december, january))), decisions, later.item_keys, NOW + dt.timedelta(days=60)
    )
    assert _by_key(again.items, "invalid_id") == {"1": asked["1"]}  # the same item while it stays open


def test_a_question_asked_again_after_a_fix_at_source_says_so(tmp_path):
    """The item asked again after a 'fixed_at_source' a later extract contradicts says an official marked it fixed at
    source, when, by whom, on which item and in which decisions file and row, and which extract still has it: before,
    it read as a new question ('invalid or conflicting personal_id in population' alone), so the official saw no
    history and could mark it fixed again every month."""

    def staged(months: tuple[dt.date, ...]) -> pl.DataFrame:
        rows = [_record(m, "1", **_bad_id("074173700612")) for m in months]
        text = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid")
        return pl.DataFrame(
            rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(text, pl.String)}
        )

    november, december = dt.date(2026, 11, 30), dt.date(2026, 12, 31)
    first = build_queues(_inputs(staged((november,))), effective_decisions(empty_audit(), None), None, NOW)
    fixed = _by_key(first.items, "invalid_id")["1"]
    folder = tmp_path / "dec"
    folder.mkdir()
    (folder / "phuong_25747.csv").write_text(
        f"item_id,decision,reviewer,decided_on,note,new_ward_code\n{fixed},fixed_at_source,Cán bộ A,2026-12-06,,\n",
        encoding="utf-8",
    )
    loaded = load_decisions(folder, ward_codes={WARD}, items=first.item_keys, today=DAY)
    assert loaded.errors.height == 0, loaded.errors
    audit, _ = append_audit(None, loaded.rows, NOW)
    decisions = effective_decisions(audit, first.item_keys)
    later = NOW + dt.timedelta(days=30)
    again = build_queues(_inputs(staged((november, december))), decisions, first.item_keys, later)
    summary = again.items.filter(pl.col("kind") == "invalid_id")["summary"].to_list()
    assert len(summary) == 1
    assert summary[0].startswith("invalid or conflicting personal_id in population; asked again: ")
    assert f"marked fixed at source on 2026-12-06 by Cán bộ A (item {fixed})" in summary[0], summary
    assert "the 2026-12-31 extract of population_718 still has it" in summary[0], summary
    # with the audit (as the review_queues asset passes it): the decisions file and row too
    named = build_queues(_inputs(staged((november, december))), decisions, first.item_keys, later, audit=audit)
    summary = named.items.filter(pl.col("kind") == "invalid_id")["summary"].to_list()
    assert f"(item {fixed}, phuong_25747.csv row 2), but the 2026-12-31 extract" in summary[0], summary
    # the evidence the ward files show holds no helper column
    assert "_refixed" not in named.evidence["invalid_id"].columns
    # an item not asked again says nothing of it
    same = build_queues(_inputs(staged((november,))), decisions, first.item_keys, later, audit=audit)
    assert same.items.filter(pl.col("kind") == "invalid_id").height == 0


def test_an_earlier_version_with_another_unresolved_address_is_asked_once(tmp_path):
    """An earlier version of a source record (an older extract) whose address, without a ward, is not the one its
    newest version asks about (key 6: June's and July's '451/26/17 Thùy Vân, Ấp Cũ', August's another; key 7:
    August's address resolved) is a question of its own: one item (its newest such version, the id July's run
    published), saying it is an earlier version and what the newest has, which a 'place' places (every version with
    that address) or a 'dismiss' closes. Before, the lineage's earlier versions were left out of the queue: July's
    open item for key 6's old address vanished with August's extract, undecided, and key 7's rows stayed under review
    (no ward) with no item asking about them (HV26's finding)."""
    key = pl.col("source_key")
    old, new = "451/26/17 Thùy Vân, Ấp Cũ", "9 Thùy Vân, Ấp Mới"

    def staged(months: int) -> pl.DataFrame:
        frame = _staged(months).filter(key.is_in(["6", "9"]))
        extra = (
            _staged(months)
            .filter(key == "5")
            .with_columns(
                pl.col("record_key").str.replace("#5$", "#7"),
                pl.lit("7").alias("source_key"),
                pl.lit(old.replace("451", "12")).alias("address"),
            )
        )
        august = pl.col("extract_date") == MONTHS[2]
        resolved = {"old_uid": "pre2025:25747", "new_uid": "2025:25747", "ward_status": "resolved", "ward_reason": None}
        extra = extra.with_columns(
            *[pl.when(august).then(pl.lit(v, pl.String)).otherwise(pl.col(c)).alias(c) for c, v in resolved.items()],
            pl.when(august).then(pl.lit("12 Lê Lợi, Phường Tân An")).otherwise("address").alias("address"),
        )
        return pl.concat([frame, extra])

    july = build_queues(_inputs(staged(2)), effective_decisions(empty_audit(), None), None, NOW)
    asked_july = {
        r["record_key"].split("#")[-1]: r["item_id"]
        for r in july.items.filter(pl.col("kind") == "unresolved_address").iter_rows(named=True)
    }
    assert sorted(asked_july) == ["6", "7"]
    august = build_queues(_inputs(staged(3)), effective_decisions(empty_audit(), None), july.item_keys, NOW)
    items = august.items.filter(pl.col("kind") == "unresolved_address").sort("record_key")
    held = dict(zip(items["item_id"], items["record_key"], strict=True))
    # key 6: August's new address, and July's still open item for the old one (July's version; June's goes with it)
    assert held.get(asked_july["6"]) == "population_718@2025-07-31#6", held  # was gone, undecided
    assert held.get(asked_july["7"]) == "population_718@2025-07-31#7", held  # was gone: 2 rows under review, no item
    assert len(held) == 3, held
    earlier = items.filter(pl.col("item_id") == asked_july["6"])["summary"][0]
    assert "an earlier version of this record (its 2025-07-31 extract)" in earlier, earlier
    assert f"its newest version (its 2025-08-31 extract) has another address: {new}, still without a ward" in earlier
    seven = items.filter(pl.col("item_id") == asked_july["7"])["summary"][0]
    assert "has another address: 12 Lê Lợi, Phường Tân An, in ward 2025:25747" in seven, seven
    newest = items.filter(pl.col("record_key") == "population_718@2025-08-31#6")["summary"][0]
    assert "earlier version" not in newest
    # the official places key 6's old address and dismisses key 7's: both versions of each settled, asked no more
    decisions = _decide(
        tmp_path / "dec", [(asked_july["6"], "place", WARD), (asked_july["7"], "dismiss", "")], august.item_keys
    )
    placed = placements(decisions, {"population": staged(3)})
    assert sorted(placed["record_key"]) == ["population_718@2025-06-30#6", "population_718@2025-07-31#6"]
    after = build_queues(_inputs(staged(3), placed), decisions, august.item_keys, NOW + dt.timedelta(days=1))
    left = after.items.filter(pl.col("kind") == "unresolved_address")["record_key"].to_list()
    assert left == ["population_718@2025-08-31#6"], left
