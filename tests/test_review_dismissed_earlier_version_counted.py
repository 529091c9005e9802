"""A 'dismiss' of an earlier version's address item (04beeed: 'an earlier version of this record ...: place this
address (where the record was then) or dismiss it') is counted as the 'dismiss' of a newest version's address is.

In the queue, the item is closed: it leaves the open items and the records they block and counts once among the
closed items (review.queue_totals, review.queue_summary in the ward its record is in now). In the row accounting
(marts.record_flow, marts.flow_accounting, the row_accounting check, the report), a dismiss gives no ward: the rows
stay staged, in their entity, without a ward, that is `under_review`, exactly as the rows of a dismissed newest-version
address do (docs/guide/querying.md: "under review (staged, in an entity, no ward yet)"); a 'place' on the same kind of
item makes its rows `merged`. Every row is in exactly one state, none lost. (HV45 checked the brief "an earlier
version's address item closed by dismiss leaves its rows counted under review" against this: both dismisses are
counted alike; no count treats the earlier version's rows differently.)
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.publish.marts import MartInputs, flow_accounting, flow_and_accounting
from pipelines.review.decisions import effective_decisions, empty_audit, placements
from pipelines.review.queues import build_queues, queue_summary, queue_totals
from pipelines.schema import REGISTRY_KINDS
from tests.test_review_items_per_source_record import MONTHS, NOW, WARD, _decide, _inputs, _staged

KEY = pl.col("source_key")
RESOLVED = {"old_uid": "pre2025:25747", "new_uid": "2025:25747", "ward_status": "resolved", "ward_reason": None}


def _three_months() -> pl.DataFrame:
    """June-August extracts: key 5 asks one address every month (its newest version's item); key 6 moves from one
    unresolved address to another in August (an earlier version's item beside the newest's); key 7's address is
    resolved in August (an earlier version's item, its record in ward 25747 now); key 9: nothing to ask."""
    rows = _staged(3).filter(KEY.is_in(["5", "6", "9"]))
    august = pl.col("extract_date") == MONTHS[2]
    seven = (
        _staged(3)
        .filter(KEY == "5")
        .with_columns(
            pl.col("record_key").str.replace("#5$", "#7"),
            pl.lit("7").alias("source_key"),
            pl.lit("12 Thùy Vân, Ấp Cũ").alias("address"),
        )
        .with_columns(
            *[pl.when(august).then(pl.lit(v, pl.String)).otherwise(pl.col(c)).alias(c) for c, v in RESOLVED.items()],
            pl.when(august).then(pl.lit("12 Lê Lợi, Phường Tân An")).otherwise("address").alias("address"),
        )
    )
    return pl.concat([rows, seven]).sort("record_key")


def _mart_inputs(staged: pl.DataFrame) -> MartInputs:
    """What the marts' record flow reads: every staged row a raw row (none quarantined), each version in its source
    record's entity (the lineage has the earlier versions follow the newest), the other registries empty."""
    raw = staged.select("record_key", "source_id", "extract_date", "source_file", "source_key", "address")
    lineage = staged.select("record_key", pl.concat_str(pl.lit("E"), KEY).alias("entity_id"))
    quarantine = pl.DataFrame(schema={"record_key": pl.String, "address": pl.String})
    empty = pl.DataFrame()

    def per_registry(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
        return {r: frame if r == "population" else frame.clear() for r in REGISTRY_KINDS}

    kinds = {"people": lineage, "households": lineage.clear(), "businesses": lineage.clear()}
    kinds |= {"taxpayers": lineage.clear()}
    return MartInputs(
        units_2025=empty,
        units_pre2025=empty,
        crosswalk=empty,
        raw=per_registry(raw),
        staged=per_registry(staged),
        quarantine=per_registry(quarantine),
        entities={},
        lineage=kinds,
        review={},
        links=empty,
    )


def test_a_dismissed_earlier_version_is_counted_as_a_dismissed_newest_version(tmp_path):
    staged = _three_months()
    august = build_queues(_inputs(staged), effective_decisions(empty_audit(), None), None, NOW)
    asked = august.items.filter(pl.col("kind") == "unresolved_address")
    item = dict(zip(asked["record_key"], asked["item_id"], strict=True))
    assert sorted(item) == [
        "population_718@2025-07-31#6",  # earlier version: June's and July's old address
        "population_718@2025-07-31#7",  # earlier version: the record is in ward 25747 now
        "population_718@2025-08-31#5",  # newest version: the same address every month
        "population_718@2025-08-31#6",  # newest version: August's new address
    ], item
    # the official dismisses key 5's address (newest) and key 7's old one (earlier), and places key 6's old one
    decisions = _decide(
        tmp_path / "dec",
        [
            (item["population_718@2025-08-31#5"], "dismiss", ""),
            (item["population_718@2025-07-31#7"], "dismiss", ""),
            (item["population_718@2025-07-31#6"], "place", WARD),
        ],
        august.item_keys,
    )
    placed = placements(decisions, {"population": staged})
    assert sorted(placed["record_key"]) == ["population_718@2025-06-30#6", "population_718@2025-07-31#6"]
    after = build_queues(_inputs(staged, placed), decisions, august.item_keys, NOW + dt.timedelta(days=1))

    # the queue: both dismissed items closed alike (no longer open, blocking nothing), August's #6 left open
    assert after.items.filter(pl.col("kind") == "unresolved_address")["record_key"].to_list() == [
        "population_718@2025-08-31#6"
    ]
    assert sorted(after.closed["item_id"]) == sorted(
        item[k] for k in ("population_718@2025-08-31#5", "population_718@2025-07-31#7", "population_718@2025-07-31#6")
    )
    totals = queue_totals(after).filter(pl.col("kind") == "unresolved_address").row(0, named=True)
    assert (totals["open_items"], totals["records_blocked"], totals["closed_items"]) == (1, 1, 3), totals
    summary = {
        (r["new_uid"], r["candidate"]): (r["open_items"], r["records_blocked"], r["closed_items"])
        for r in queue_summary(after).filter(pl.col("kind") == "unresolved_address").iter_rows(named=True)
    }
    # key 7's dismissed item closed in the ward its record is in now (its candidate); key 5's and 6's: no ward
    assert summary == {("2025:25747", True): (0, 0, 1), (None, False): (1, 1, 2)}, summary

    # the row accounting, on the staged rows as the marts read them (officials' placements applied)
    overlaid = staged.join(
        placed.select("record_key", pl.col("new_uid").alias("_n"), pl.col("ward_status").alias("_s")),
        on="record_key",
        how="left",
        maintain_order="left",
    ).with_columns(pl.coalesce("_n", "new_uid").alias("new_uid"), pl.coalesce("_s", "ward_status").alias("ward_status"))
    flow, problems = flow_and_accounting(_mart_inputs(overlaid.drop("_n", "_s")))
    assert problems == []
    state = dict(zip(flow["record_key"], flow["state"], strict=True))
    assert len(state) == flow.height == staged.height == 12  # every raw row once
    dismissed_newest = [f"population_718@{m}#5" for m in MONTHS]
    dismissed_earlier = [f"population_718@{m}#7" for m in MONTHS[:2]]
    # dismissed, earlier version or newest: no ward, so under review alike (not merged, not lost, not quarantined)
    assert {state[k] for k in dismissed_newest} == {"under_review"}, state
    assert {state[k] for k in dismissed_earlier} == {"under_review"}, state
    # placed (the earlier version's other answer): merged; key 7's August version has its ward: merged
    assert {state[f"population_718@{m}#6"] for m in MONTHS[:2]} == {"merged"}, state
    assert state["population_718@2025-08-31#7"] == "merged"
    assert state["population_718@2025-08-31#6"] == "under_review"  # its item still open
    accounting = flow_accounting(flow, MONTHS[2]).filter(pl.col("registry") == "population").row(0, named=True)
    assert (accounting["raw"], accounting["merged"], accounting["quarantined"], accounting["under_review"]) == (
        12,
        6,  # key 9 x3, key 7's August, key 6's June and July (placed)
        0,
        6,  # key 5 x3 and key 7's June and July (dismissed), key 6's August (open)
    ), accounting
    assert accounting["merged"] + accounting["quarantined"] + accounting["under_review"] == accounting["raw"]
    assert accounting["no_ward"] == accounting["under_review"]  # none of them a split old unit's
