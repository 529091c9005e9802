"""review.queue_totals: city-wide figures per kind, each item and record once (queue_summary repeats candidate-only items)."""

from __future__ import annotations

import polars as pl

from pipelines.review.queues import Queues, queue_summary, queue_totals
from pipelines.schema import REVIEW_KINDS, REVIEW_QUEUE_TOTALS

COUNTS = ["kind", "open_items", "records_blocked", "closed_items"]  # (match_pair's open_record_pairs apart)


def test_candidate_only_items_count_once_and_closed_items_are_counted():
    items = pl.DataFrame(
        {
            "item_id": ["su-1", "su-2", "mp-1", "ua-1"],
            "kind": ["split_unit", "split_unit", "match_pair", "unresolved_address"],
            "new_uid": [None, None, None, "2025:26740"],
            "candidates": [["2025:27154", "2025:27139"], ["2025:27154", "2025:27139"], ["2025:27154", "2025:1"], []],
            "records_blocked": [24, 10, 2, 1],
        },
        schema_overrides={"records_blocked": pl.UInt32},
    )
    closed = pl.DataFrame(
        {
            "item_id": ["su-3", "mp-2", "mp-3"],
            "kind": ["split_unit", "match_pair", "match_pair"],
            "new_uid": [None, None, "2025:26740"],
            "candidates": [["2025:27154", "2025:27139"], ["2025:27154", "2025:1"], []],
            "records_blocked": [5, 2, 2],
        },
        schema_overrides={"records_blocked": pl.UInt32},
    )
    queues = Queues(items=items, closed=closed)
    totals = queue_totals(queues)
    assert totals.schema == REVIEW_QUEUE_TOTALS.polars_schema
    assert totals["kind"].to_list() == list(REVIEW_KINDS)
    got = {r[0]: r[1:] for r in totals.select(COUNTS).rows()}
    assert got["split_unit"] == (2, 34, 1)
    assert got["match_pair"] == (1, 2, 2)
    assert got["unresolved_address"] == (1, 1, 0)
    assert got["invalid_id"] == (0, 0, 0)
    # what the report showed before: the non-candidate rows of queue_summary, 0 for every candidate-only item
    summary = queue_summary(queues)
    own = summary.filter(~pl.col("candidate") & (pl.col("kind") == "split_unit"))
    assert own["records_blocked"].sum() == 0 and own["closed_items"].sum() == 0
    # and the per-candidate rows count each split item twice
    assert summary.filter(pl.col("candidate") & (pl.col("kind") == "split_unit"))["records_blocked"].sum() == 68


def test_a_record_in_several_open_match_pairs_is_counted_once():
    items = pl.DataFrame(
        {
            "item_id": ["mp-1", "mp-2", "mp-3", "ua-1"],
            "kind": ["match_pair", "match_pair", "match_pair", "unresolved_address"],
            "new_uid": [None, None, None, "2025:26740"],
            "candidates": [[], [], [], []],
            "records_blocked": [2, 2, 2, 1],
        },
        schema_overrides={"records_blocked": pl.UInt32, "candidates": pl.List(pl.String)},
    )
    closed = items.clear().select("item_id", "kind", "new_uid", "candidates", "records_blocked")
    keys = pl.DataFrame(
        {
            "item_id": ["mp-1", "mp-2", "mp-3", "mp-9"],
            # (A,B), (A,C) of people and (A,B) of households (another kind's ids: not the same records)
            "entity_kind": ["people", "people", "households", "people"],
            "left_id": ["A", "A", "A", "D"],
            "right_id": ["B", "C", "B", "E"],  # mp-9 is closed: not counted
        }
    )
    totals = {
        r[0]: r[1:] for r in queue_totals(Queues(items=items, closed=closed, item_keys=keys)).select(COUNTS).rows()
    }
    assert totals["match_pair"] == (3, 5, 0)
    assert totals["unresolved_address"] == (1, 1, 0)
    # a pair (A,B) plus (A,C) of one kind: three records
    two = items.filter(pl.col("item_id").is_in(["mp-1", "mp-2"]))
    totals = {r[0]: r[1:] for r in queue_totals(Queues(items=two, closed=closed, item_keys=keys)).select(COUNTS).rows()}
    assert totals["match_pair"] == (2, 3, 0)
