"""An earlier version of a source record without a ward of its own, whose newest version has a ward, is placed in
that ward by the machine (ward_status placed_by_newest_version): its rows are merged and nobody is asked (HV49).

Before, a source whose July extract had no ward for a record and whose August extract had one (the same address text
read with a ward, or, the common case, the source started filling in its ward column so the text changed) left the
July rows under review and made one unresolved_address item per record, each telling the official that its newest
version 'has another address' (HV47's measurement, aba94db/d23344b: 1,000 records, 1,000 items). Now the lineage's
'same source record' link (the source's own stable key: pipelines.entities.versions.split_versions) places them
(``place_by_newest_version``), as the marts and the review queues read the staged rows
(``pipelines.entities.io.newest_version_wards``). An earlier version whose newest version has no ward is asked about
as before; an official's 'place' or 'dismiss' on its address wins; a source keyed by row number, or a key repeated in
its extract, links no versions this way and places nothing.

The engine's own steps are used: split_versions and with_earlier_versions (the lineage), decisions.placements and
apply_placements (officials' placements, applied first), place_by_newest_version, build_queues, the marts' record flow.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.entities.io import newest_version_wards
from pipelines.entities.versions import (
    SAME_SOURCE_RECORD,
    Versions,
    place_by_newest_version,
    same_source_links,
    split_versions,
    with_earlier_versions,
)
from pipelines.publish.marts import STAGED_COLUMNS, flow_accounting, flow_and_accounting
from pipelines.review.decisions import (
    apply_placements,
    dismissed_addresses,
    effective_decisions,
    empty_audit,
    placements,
)
from pipelines.review.queues import build_queues
from pipelines.schema import NEWEST_VERSION_STATUS, OFFICIAL_STATUS, WARD_STATUSES, lineage_table, staged_table
from pipelines.warehouse import Warehouse
from tests.test_review_dismissed_earlier_version_counted import _mart_inputs
from tests.test_review_items_per_source_record import MONTHS, NOW, WARD, _decide, _inputs, _no_ward, _record

SOURCE = "population_718"
JULY, AUGUST = MONTHS[1], MONTHS[2]
TEXT = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid", "issues")
SAME = ["10", "11", "12"]  # July without a ward; August the same address text, read with a ward
FILLED = ["20", "21", "22"]  # July without a ward; August the ward column filled in: another text, with a ward
STILL = ["30"]  # July and August the same address, without a ward: the newest version's item
MOVED = ["31"]  # July without a ward; August another address, still without a ward: two items, as before
SAID = "Phường Không Tên"  # no ward is found for it
FILLED_WARD = "2025:26740"  # the ward the source filled in (not WARD: the official's placement below differs)


def _key(month: dt.date, key: str) -> str:
    return f"{SOURCE}@{month.isoformat()}#{key}"


def _july_august(keys: list[str] | None = None) -> pl.DataFrame:
    rows = []
    for key in keys or SAME + FILLED + STILL + MOVED:
        address = f"{key} Hoàng Hoa Thám, {SAID}"
        rows.append(_record(JULY, key, issues=None, **_no_ward(address)))
        if key in SAME:  # the same text, read with a ward (the resolver's reading changed)
            august = {"address": address}
        elif key in FILLED:
            august = {"address": f"{key} Hoàng Hoa Thám, Phường Sài Gòn", "old_uid": None, "new_uid": FILLED_WARD}
        elif key in STILL:
            august = _no_ward(address)
        else:
            august = _no_ward(f"{key} Thùy Vân, Ấp Mới")
        rows.append(_record(AUGUST, key, issues=None, **august))
    rows.append(_record(JULY, "9", issues=None))
    rows.append(_record(AUGUST, "9", issues=None))
    return _frame(rows)


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(TEXT, pl.String)}
    ).sort("record_key")


def _lineage(staged: pl.DataFrame, versions: Versions) -> pl.DataFrame:
    """The entities' lineage: each matched record an entity of its own (its source key's), the earlier versions
    following their newest (versions.with_earlier_versions)."""
    matched = versions.matched.select(
        "record_key",
        "source_id",
        "extract_date",
        pl.concat_str(pl.lit("E"), pl.col("record_key")).alias("entity_id"),
        pl.lit(1, pl.UInt32).alias("entity_size"),
        pl.lit(None, pl.String).alias("linked_to"),
        pl.lit(None, pl.Float64).alias("link_probability"),
        pl.lit(None, pl.String).alias("link_evidence"),
    )
    entities = matched.select(
        "entity_id", pl.concat_list("record_key").alias("record_ids"), pl.lit(1, pl.UInt32).alias("record_count")
    )
    lineage, _ = with_earlier_versions(matched, entities, staged, versions)
    return lineage


def _read(staged: pl.DataFrame, keyed: tuple[str, ...] = (SOURCE,), decisions=None, placed=None):  # noqa: ANN001, ANN202
    """What the review step and the marts read: officials' placements, then the machine placement over the lineage
    (an official's dismiss kept); with the lineage and the versions."""
    versions = split_versions(staged, keyed, registry="population")
    lineage = _lineage(staged, versions)
    if placed is not None:
        staged = apply_placements(staged, "population", placed)
    kept = dismissed_addresses(decisions, staged, "population")
    return place_by_newest_version(staged, same_source_links(lineage), kept), lineage, versions


def _queues(read: pl.DataFrame, versions: Versions, decisions=None, placed=None, previous=None, now=NOW):  # noqa: ANN001, ANN202
    inputs = _inputs(read, placed)
    inputs.earlier_versions = {"population": versions.earlier["record_key"]}
    decided = decisions if decisions is not None else effective_decisions(empty_audit(), None)
    return build_queues(inputs, decided, previous, now)


def _asked(queues) -> list[str]:  # noqa: ANN001
    return sorted(queues.items.filter(pl.col("kind") == "unresolved_address")["record_key"])


def _flow(read: pl.DataFrame, lineage: pl.DataFrame) -> tuple[dict[str, str], dict]:
    inputs = _mart_inputs(read)
    inputs.lineage["people"] = lineage
    flow, problems = flow_and_accounting(inputs)
    assert problems == []
    state = dict(zip(flow["record_key"], flow["state"], strict=True))
    assert len(state) == flow.height == read.height  # every raw row once
    accounting = flow_accounting(flow, AUGUST).filter(pl.col("registry") == "population").row(0, named=True)
    assert accounting["raw"] == accounting["merged"] + accounting["quarantined"] + accounting["under_review"]
    return state, accounting


def test_an_earlier_version_whose_newest_has_a_ward_is_placed_there_and_not_asked():
    staged = _july_august()
    read, lineage, versions = _read(staged)
    placed = read.filter(pl.col("ward_status") == NEWEST_VERSION_STATUS)
    # the same text read with a ward, and the ward column filled in: July's versions take August's ward
    assert sorted(placed["record_key"]) == sorted(_key(JULY, k) for k in SAME + FILLED)
    ward = dict(zip(read["record_key"], read["new_uid"], strict=True))
    assert {ward[_key(JULY, k)] for k in SAME} == {f"2025:{WARD}"}
    assert {ward[_key(JULY, k)] for k in FILLED} == {FILLED_WARD}
    reason = dict(zip(read["record_key"], read["ward_reason"], strict=True))
    assert reason[_key(JULY, "20")] == (
        f"placed by its newest version: {_key(AUGUST, '20')} (extract {AUGUST}) is in this ward; "
        "its own address has none"
    )
    assert NEWEST_VERSION_STATUS in WARD_STATUSES  # declared once: the staged tables' checks allow it
    # the other rows as they were (every column)
    others = ~pl.col("record_key").is_in(placed["record_key"].implode())
    assert read.filter(others).equals(staged.filter(others))

    # no item for them (before: one each, 'its newest version ... has another address'); the rest asked as before
    asked = _asked(_queues(read, versions))
    assert asked == sorted([_key(AUGUST, "30"), _key(JULY, "31"), _key(AUGUST, "31")]), asked

    # the lineage holds them in their newest version's entity, linked by the source's key
    held = lineage.filter(pl.col("record_key").is_in(placed["record_key"].implode()))
    assert set(held["link_evidence"]) == {SAME_SOURCE_RECORD}
    assert held["linked_to"].to_list() == [k.replace(str(JULY), str(AUGUST)) for k in held["record_key"]]
    entity = dict(zip(lineage["record_key"], lineage["entity_id"], strict=True))
    assert all(entity[k] == entity[k.replace(str(JULY), str(AUGUST))] for k in held["record_key"])

    # the row accounting: merged now (before: under_review), every row once
    state, accounting = _flow(read, lineage)
    assert {state[_key(JULY, k)] for k in SAME + FILLED} == {"merged"}
    assert {state[_key(m, k)] for m in (JULY, AUGUST) for k in STILL + MOVED} == {"under_review"}
    assert (accounting["raw"], accounting["merged"], accounting["under_review"], accounting["quarantined"]) == (
        staged.height,
        2 * len(SAME + FILLED) + 2,  # both versions of SAME and FILLED, and key 9's
        2 * len(STILL + MOVED),
        0,
    ), accounting


def test_an_earlier_version_whose_newest_has_no_ward_is_asked_as_before():
    read, lineage, versions = _read(_july_august(STILL + MOVED))
    assert NEWEST_VERSION_STATUS not in set(read["ward_status"])
    queues = _queues(read, versions)
    # STILL: its newest version's item (the same address, one question); MOVED: its earlier address and its new one
    assert _asked(queues) == sorted([_key(AUGUST, "30"), _key(JULY, "31"), _key(AUGUST, "31")])
    said = queues.items.filter(pl.col("record_key") == _key(JULY, "31"))["summary"].item()
    assert "its newest version (its 2025-08-31 extract) has another address: " in said, said
    state, _ = _flow(read, lineage)
    assert {state[k] for k in read["record_key"] if not k.endswith("#9")} == {"under_review"}


def _decided_in_july(tmp_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """July's run (July the newest extract: each record its own item); the official dismisses key 10's address and
    places key 20's in WARD; key 11 and 21 are not decided. (decisions, July's item keys)"""
    july = _july_august(SAME + FILLED).filter(pl.col("extract_date") == JULY)
    read, _, versions = _read(july)
    queues = _queues(read, versions)
    item = dict(zip(queues.items["record_key"], queues.items["item_id"], strict=True))
    rows = [(item[_key(JULY, "10")], "dismiss", ""), (item[_key(JULY, "20")], "place", WARD)]
    return _decide(tmp_path / "dec", rows, queues.item_keys), queues.item_keys


def test_an_officials_decision_on_such_a_version_wins(tmp_path):
    decisions, july_keys = _decided_in_july(tmp_path)
    staged = _july_august(SAME + FILLED)  # August's extract: every record with a ward
    placed = placements(decisions, {"population": staged})
    assert placed["record_key"].to_list() == [_key(JULY, "20")]
    read, lineage, versions = _read(staged, decisions=decisions, placed=placed)
    status = dict(zip(read["record_key"], read["ward_status"], strict=True))
    ward = dict(zip(read["record_key"], read["new_uid"], strict=True))
    # dismissed: no ward (not the newest version's); placed: the official's ward, not August's; the others: August's
    assert (status[_key(JULY, "10")], ward[_key(JULY, "10")]) == ("unresolved", None)
    assert (status[_key(JULY, "20")], ward[_key(JULY, "20")]) == (OFFICIAL_STATUS, f"2025:{WARD}")
    assert {status[_key(JULY, k)] for k in ("11", "12", "21", "22")} == {NEWEST_VERSION_STATUS}

    queues = _queues(read, versions, decisions, placed, july_keys, NOW + dt.timedelta(days=31))
    assert _asked(queues) == []  # the decided items stay closed, the others are not asked
    closed = set(queues.closed["item_id"])
    assert set(decisions.filter(pl.col("state") == "closed")["item_id"]) <= closed
    state, accounting = _flow(read, lineage)
    assert state[_key(JULY, "10")] == "under_review"  # dismissed: counted as every dismissed address is
    assert accounting["under_review"] == 1, accounting

    # the same through the warehouse readers (newest_version_wards: the published lineage and review.decisions;
    # the marts' staged columns lack the address, read from the staged layer for the records without a ward)
    wh = Warehouse(tmp_path / "wh")
    for schema, name, frame in (
        ("entities", lineage_table("people").name, lineage),
        ("review", "decisions", decisions),
    ):
        wh.parquet_path(schema, name).parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(wh.parquet_path(schema, name))
    for month in (JULY, AUGUST):
        part = wh.root / "parquet" / "staged" / staged_table("population").name / f"part={month}" / "data.parquet"
        part.parent.mkdir(parents=True)
        staged.filter(pl.col("extract_date") == month).write_parquet(part)
    overlaid = apply_placements(staged, "population", placed)
    marts = [c for c in STAGED_COLUMNS if c in overlaid.columns]  # (this table has no ward_scheme, confidence)
    assert "address" not in marts and "source_key" not in marts
    for columns in (overlaid.columns, marts):  # the review step's rows; the marts'
        by_reader = newest_version_wards(wh, "population", overlaid.select(columns))
        assert by_reader.equals(read.select(columns)), columns


def test_versions_the_source_key_does_not_link_are_not_placed():
    """A source keyed by row number (no key_column: the same row number names another record next month), and a key
    several rows of an extract hold (its versions: rows of the same content only), link no July version to August's:
    July's rows are records of their own, asked about, not placed."""
    row_numbered = _july_august(SAME + FILLED)
    read, lineage, versions = _read(row_numbered, keyed=())
    assert versions.earlier.height == 0 and NEWEST_VERSION_STATUS not in set(read["ward_status"])
    assert _asked(_queues(read, versions)) == sorted(_key(JULY, k) for k in SAME + FILLED)
    state, _ = _flow(read, lineage)
    assert {state[_key(JULY, k)] for k in SAME + FILLED} == {"under_review"}

    # key 40 on two rows of each extract (source_key: repeated): July's without a ward, August's with one
    rows = []
    for month in (JULY, AUGUST):
        for copy in ("a", "b"):
            values = _no_ward(f"40 Hoàng Hoa Thám, {SAID}") if month == JULY else {"new_uid": FILLED_WARD}
            row = _record(month, "40", issues="source_key: repeated", **values)
            rows.append(row | {"record_key": f"{row['record_key']}{copy}"})
    repeated = _frame(rows)
    read, lineage, versions = _read(repeated)
    assert versions.earlier.height == 0 and NEWEST_VERSION_STATUS not in set(read["ward_status"])
    assert read.filter(pl.col("extract_date") == JULY)["new_uid"].null_count() == 2
