"""An earlier version of a source record whose address (no ward) is the address its newest version has, now with a
ward, is not asked about: the same place, now known (HV47).

The unresolved_address queue asks about an earlier version's address when its newest version does not ask about it
(04beeed: 'an earlier version of this record ...; its newest version ... has another address: ...: place this address
(where the record was then) or dismiss it'). Before, a newest version with the SAME address (the same question key:
source id, key and the address as written) and a ward counted as not asking about it: every July record without a
ward whose August version reads with one was an item of its own, saying its newest version 'has another address'
that was its own address (1,000 such records: 1,000 items, 1,000 records blocked; now 0). An earlier version whose
newest version has another address is still asked about (the control: 1,000 items before and after). The rows are
counted as before: the earlier versions' rows have no ward of their own, so they stay `under_review` in the row
accounting, the newest versions' `merged`, every row once.
"""

from __future__ import annotations

import polars as pl

from pipelines.publish.marts import flow_accounting, flow_and_accounting
from pipelines.review.decisions import effective_decisions, empty_audit
from pipelines.review.queues import build_queues, queue_totals
from tests.test_review_dismissed_earlier_version_counted import _mart_inputs
from tests.test_review_items_per_source_record import MONTHS, NOW, _inputs, _no_ward, _record

TEXT = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "ward_reason", "old_uid", "new_uid")
SAME = [str(k) for k in range(10, 40)]  # July without a ward; August the same address, read with a ward
MOVED = ["50", "51"]  # July without a ward; August another address, with a ward: asked about (the control)


def _july_august() -> pl.DataFrame:
    rows = []
    for key in SAME + MOVED:
        address = f"{key} Hoàng Hoa Thám, Phường Không Tên"
        rows.append(_record(MONTHS[1], key, **_no_ward(address)))
        rows.append(_record(MONTHS[2], key, address=address if key in SAME else f"{key} Lê Lợi, Phường Tân An"))
    rows.append(_record(MONTHS[1], "9"))
    rows.append(_record(MONTHS[2], "9"))
    return pl.DataFrame(
        rows, schema_overrides={"ward_candidates": pl.List(pl.String), **dict.fromkeys(TEXT, pl.String)}
    ).sort("record_key")


def test_an_earlier_version_whose_newest_has_its_address_and_a_ward_is_not_asked_about():
    staged = _july_august()
    queues = build_queues(_inputs(staged), effective_decisions(empty_audit(), None), None, NOW)
    asked = queues.items.filter(pl.col("kind") == "unresolved_address")
    # only the control's earlier versions: their newest versions have another address (before: the 30 SAME too)
    assert sorted(asked["record_key"]) == [f"population_718@2025-07-31#{k}" for k in MOVED], asked["record_key"]
    said = asked["summary"].to_list()
    assert all("its newest version (its 2025-08-31 extract) has another address: " in s for s in said), said
    # never 'has another address' naming the earlier version's own address (before: '... has another address:
    # 10 Hoàng Hoa Thám, Phường Không Tên, in ward 2025:25747: place this address ...')
    assert not any("Hoàng Hoa Thám, Phường Không Tên, in ward" in s for s in said), said
    totals = queue_totals(queues).filter(pl.col("kind") == "unresolved_address").row(0, named=True)
    assert (totals["open_items"], totals["records_blocked"]) == (len(MOVED), len(MOVED)), totals

    # the row accounting as before: every row once; the earlier versions without a ward under review
    flow, problems = flow_and_accounting(_mart_inputs(staged))
    assert problems == []
    state = dict(zip(flow["record_key"], flow["state"], strict=True))
    assert len(state) == flow.height == staged.height
    assert {state[f"population_718@2025-07-31#{k}"] for k in SAME + MOVED} == {"under_review"}
    assert {state[f"population_718@2025-08-31#{k}"] for k in SAME + MOVED + ["9"]} == {"merged"}
    accounting = flow_accounting(flow, MONTHS[2]).filter(pl.col("registry") == "population").row(0, named=True)
    assert (accounting["raw"], accounting["merged"], accounting["under_review"], accounting["quarantined"]) == (
        staged.height,
        len(SAME) + len(MOVED) + 2,  # the August versions and key 9's both
        len(SAME) + len(MOVED),  # the July versions without a ward
        0,
    ), accounting


def test_an_earlier_version_whose_newest_has_its_address_without_a_ward_is_the_newest_versions_item():
    """The same address, still without a ward in August: one item, the newest version's (as before)."""
    staged = _july_august().with_columns(
        pl.when(pl.col("source_key").is_in(SAME) & (pl.col("extract_date") == MONTHS[2]))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("new_uid"))
        .alias("new_uid"),
        pl.when(pl.col("source_key").is_in(SAME) & (pl.col("extract_date") == MONTHS[2]))
        .then(pl.lit("unresolved"))
        .otherwise(pl.col("ward_status"))
        .alias("ward_status"),
    )
    queues = build_queues(_inputs(staged), effective_decisions(empty_audit(), None), None, NOW)
    asked = queues.items.filter(pl.col("kind") == "unresolved_address")
    assert sorted(asked["record_key"]) == sorted(
        [f"population_718@2025-08-31#{k}" for k in SAME] + [f"population_718@2025-07-31#{k}" for k in MOVED]
    )
