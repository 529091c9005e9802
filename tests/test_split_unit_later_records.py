"""A split_unit decision on (old unit, registry) places the records its item held when it was first read, not the
records that come later (HV23).

Real runs (/tmp/hv23/s6, population_718 as July and August extracts): an official placed item su-d7eb8800a2fc5879
('split old unit pre2025:25741: 3 population records wait for a ward') in 2025:25747; the run after the August
extract placed 401 records with it (its 3 source records have 6 versions): the two new records of the unit no
official saw, and August versions of records the learned split evidence places (the decision is applied before the
split-evidence step reaches a new extract's versions): record #101 (Trần Quang Khải, learned -> 2025:25750) had its
entity in 2025:25747. Now a decision the last run already applied places the source records it placed then (every
version); a record with a version placed otherwise (learned evidence) is never its; a record that came later stays
split_review and the item opens again, its summary saying so."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import placements
from pipelines.review.queues import split_records_not_decided
from pipelines.schema import REVIEW_DECISIONS_TABLE, REVIEW_PLACEMENTS

OLD, WARD, ITEM = "pre2025:25741", "2025:25747", "su-d7eb8800a2fc5879"


def _staged(rows: list[tuple[str, str, str]]) -> dict[str, pl.DataFrame]:
    """(extract date, source key, ward_status) -> the population's staged rows of the old unit."""
    return {
        "population": pl.DataFrame(
            {
                "record_key": [f"p@{d}#{k}" for d, k, _ in rows],
                "source_id": ["p"] * len(rows),
                "source_key": [k for _, k, _ in rows],
                "old_uid": [OLD] * len(rows),
                "ward_status": [s for _, _, s in rows],
            }
        )
    }


def _decision() -> pl.DataFrame:
    row = {c: None for c in REVIEW_DECISIONS_TABLE.columns}
    row.update(
        item_id=ITEM, kind="split_unit", state="closed", decision="place", new_uid=WARD, reviewer="Lê Văn Tám",
        decided_on=dt.date(2026, 12, 1), decisions=1, registry="population", old_uid=OLD,
    )  # fmt: skip
    return pl.DataFrame([row], schema=REVIEW_DECISIONS_TABLE.polars_schema)


JULY = [("2025-07-31", k, "split_review") for k in ("90001", "90002", "90003")]
AUGUST = [("2025-08-31", k, "split_review") for k in ("90001", "90002", "90003", "90004", "90005")]


def test_a_decision_applied_before_places_its_records_every_version_and_not_the_later_ones():
    july = placements(_decision(), _staged(JULY))  # the run that first reads it: the item's records now
    assert july["record_key"].to_list() == [f"p@2025-07-31#{k}" for k in ("90001", "90002", "90003")]
    august = placements(_decision(), _staged(JULY + AUGUST), None, (_decision(), july))
    assert august["record_key"].to_list() == [
        *[f"p@2025-07-31#{k}" for k in ("90001", "90002", "90003")],
        *[f"p@2025-08-31#{k}" for k in ("90001", "90002", "90003")],
    ], august["record_key"].to_list()  # 90004 and 90005 came later: not this decision's
    assert set(august["item_id"]) == {ITEM} and set(august["new_uid"]) == {WARD}


def test_a_decision_new_this_run_takes_the_item_as_it_is_now():
    """A changed decision (another ward or date) is a new decision: the item's records now, the later ones too."""
    before = _decision().with_columns(
        pl.lit("2025:25750").alias("new_uid"), pl.lit(dt.date(2026, 11, 1)).alias("decided_on")
    )
    placed = placements(
        _decision(), _staged(JULY + AUGUST), None, (before, pl.DataFrame(schema=REVIEW_PLACEMENTS.polars_schema))
    )
    assert placed.height == 8


def test_a_record_with_a_version_placed_by_learned_evidence_is_not_the_decisions():
    """#101: its July version placed by learned evidence (split_resolved), its August version not yet (the
    split-evidence step runs after the decisions): the unit's decision does not take it."""
    staged = _staged([*JULY, ("2025-07-31", "101", "split_resolved"), ("2025-08-31", "101", "split_review")])
    placed = placements(_decision(), staged)
    assert "p@2025-08-31#101" not in placed["record_key"].to_list(), placed["record_key"].to_list()
    assert placed.height == 3


def test_the_item_holding_later_records_opens_again_and_says_why():
    items = pl.DataFrame(
        {
            "item_id": [ITEM, "su-0000000000000001"],
            "kind": ["split_unit", "split_unit"],
            "name_key": [None, None],
            "records_blocked": [2, 4],
            "registry": ["population", "population"],
        },
        schema_overrides={"name_key": pl.String, "records_blocked": pl.UInt32},
    )
    ((item, said),) = split_records_not_decided(items, _decision()).rows()
    assert item == ITEM
    assert said.startswith("reopened: 2 population records came after its decision (place 2025:25747, 2026-12-01)")
    assert "Lê Văn Tám" not in said


def test_a_version_placed_in_another_old_unit_does_not_keep_a_record_from_the_decision():
    """A source record whose July address was another unit's (placed there) and whose August one is this split unit
    without a street: the item shows it, the decision places it."""
    staged = _staged([*JULY, ("2025-08-31", "77", "split_review")])
    other = pl.DataFrame(
        {"record_key": ["p@2025-07-31#77"], "source_id": ["p"], "source_key": ["77"], "old_uid": ["pre2025:26740"]},
    ).with_columns(pl.lit("exact").alias("ward_status"))
    staged["population"] = pl.concat([staged["population"], other])
    placed = placements(_decision(), staged)
    assert "p@2025-08-31#77" in placed["record_key"].to_list() and placed.height == 4
