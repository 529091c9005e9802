"""The review queue as a reviewer of entities gets it: queued record pairs that join the same two prospective
entities are one question (issue 14's review budget counted per item)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.match.engine import review_items
from pipelines.review.decisions import append_audit, effective_decisions, labelled_pairs, match_labels
from pipelines.review.ids import item_ids
from pipelines.review.queues import (
    Queues,
    ReviewInputs,
    match_pair,
    queue_totals,
    unhonoured_matches,
    update_item_keys,
)
from pipelines.schema import REVIEW_ITEM_KEYS, REVIEW_QUEUE_ITEMS
from tests.reviewhelpers import LINEAGE
from tests.reviewhelpers import PAIRS as BETWEEN
from tests.reviewhelpers import people_review as _review


def test_pairs_between_the_same_two_clusters_are_one_item():
    clusters = pl.Series("c", [0, 0, 2, 2, 4, 5, 5], dtype=pl.UInt32)  # clusters {0,1}, {2,3}, {4}, {5,6}
    rows = pl.DataFrame(
        {
            "l": [0, 1, 3, 0, 5],  # 0-2, 1-3, 3-0 join {0,1} and {2,3}; 0-4 joins {0,1} and {4}; 5-6 inside {5,6}
            "r": [2, 3, 0, 4, 6],
        },
        schema={"l": pl.UInt32, "r": pl.UInt32},
    )
    assert review_items(clusters, rows) == 3
    assert review_items(clusters, rows.head(0)) == 0
    # every pair its own cluster pair: as many items as pairs
    assert review_items(pl.Series("c", range(7), dtype=pl.UInt32), rows) == 5


NOW = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 5)


def _inputs(review: pl.DataFrame, entity_of: dict[str, pl.DataFrame]) -> ReviewInputs:
    keys = sorted({*review["left_id"], *review["right_id"]})
    staged = pl.DataFrame({"record_key": keys, "new_uid": ["2025:26740"] * len(keys)})
    return ReviewInputs(
        staged={"population": staged},
        quarantine={},
        review={"people": review},
        ward_names=pl.DataFrame(),
        entity_of=entity_of,
    )


PAIRS = [*BETWEEN, ("p#1", "p#5", 0.3)]  # and one inside A


def _pair_id(left: str, right: str) -> str:
    frame = pl.DataFrame({"entity_kind": ["people"], "left_id": [left], "right_id": [right]})
    return item_ids(frame, "match_pair", ["entity_kind", "left_id", "right_id"])[0]


def test_queued_pairs_joining_the_same_two_entities_are_one_item():
    items = match_pair(_inputs(_review(PAIRS), {"people": LINEAGE})).sort("left_id", "right_id")
    assert items.height == 3  # A~B, C~D, inside A
    ab = items.row(0, named=True)
    # keyed by its pair with the smallest keys; the other pairs listed (keys, and shown with their probability)
    assert (ab["left_id"], ab["right_id"], ab["item_id"]) == ("p#1", "p#2", _pair_id("p#1", "p#2"))
    assert list(zip(ab["more_left_ids"], ab["more_right_ids"], strict=True)) == [("p#3", "p#4"), ("p#4", "p#5")]
    assert ab["record_pairs"] == 3 and ab["records_blocked"] == 5
    assert ab["other_pairs"] == "p#3 ~ p#4 p=0.5 review; p#4 ~ p#5 p=0.7 review"
    assert ab["summary"] == "uncertain people entities: 3 record pairs (strongest p=0.7 review)"
    inside = items.row(1, named=True)
    assert (inside["left_id"], inside["right_id"], inside["record_pairs"]) == ("p#1", "p#5", 1)
    # a lone pair is the item it always was: same id, nothing more listed
    cd = items.row(2, named=True)
    assert (cd["item_id"], cd["more_left_ids"], cd["other_pairs"]) == (_pair_id("p#6", "p#7"), [], None)
    assert cd["records_blocked"] == 2 and cd["summary"] == "uncertain people pair (review)"
    # without the entities (no lineage): one item per pair, as before
    alone = match_pair(_inputs(_review(PAIRS), {}))
    assert alone.height == 5 and set(alone["record_pairs"]) == {1}
    assert sorted(alone["item_id"]) == sorted(_pair_id(min(a, b), max(a, b)) for a, b, _ in PAIRS)


def _decide(items: pl.DataFrame, decision: str) -> pl.DataFrame:
    """REVIEW_DECISIONS_TABLE of one decision on each of ``items`` (queue items with their keys)."""
    rows = pl.DataFrame(
        {
            "item_id": items["item_id"],
            "kind": ["match_pair"] * items.height,
            "decision": [decision] * items.height,
            "new_uid": [None] * items.height,
            "reviewer": ["R"] * items.height,
            "decided_on": [DAY] * items.height,
            "note": [None] * items.height,
            "source_file": ["d.csv"] * items.height,
            "sheet": [None] * items.height,
            "source_row": list(range(2, 2 + items.height)),
        },
        schema_overrides={"new_uid": pl.String, "note": pl.String, "sheet": pl.String, "source_row": pl.UInt32},
    )
    audit, _ = append_audit(None, rows, NOW)
    keys = items.with_columns(pl.lit("match_pair").alias("kind"))
    keys = REVIEW_ITEM_KEYS.with_absent(keys).with_columns(
        [pl.lit(None, t).alias(c) for c, t in REVIEW_ITEM_KEYS.polars_schema.items() if c not in keys.columns]
    )
    return effective_decisions(audit, keys.select(REVIEW_ITEM_KEYS.columns).cast(REVIEW_ITEM_KEYS.polars_schema))


def test_a_decision_on_an_item_labels_every_pair_of_it():
    items = match_pair(_inputs(_review(PAIRS), {"people": LINEAGE}))
    ab = items.filter(pl.col("record_pairs") == 3)
    for decision in ("match", "no_match"):
        labels = match_labels(_decide(ab, decision))
        assert sorted(labels.select("left_id", "right_id").rows()) == [("p#1", "p#2"), ("p#3", "p#4"), ("p#4", "p#5")]
        assert set(labels["label"]) == {decision}
        # every pair under the decided item's id (was: each further pair under its own pair id, no item's)
        assert set(labels["item_id"]) == set(ab["item_id"])
        assert labelled_pairs(labels, "people", decision).height == 3


def test_a_match_refused_on_a_further_pair_of_an_item_reopens_the_item():
    items = match_pair(_inputs(_review(PAIRS), {"people": LINEAGE}))
    ab = items.filter(pl.col("record_pairs") == 3)
    decisions = _decide(ab, "match")
    refused = pl.DataFrame(
        {
            "left_id": ["p#5"],
            "right_id": ["p#4"],
            "decision": ["refused"],
            "decision_reason": ["chaining guard"],
            "same_entity": [False],
        }
    )
    out = unhonoured_matches(_inputs(refused, {}), decisions)
    assert out["item_id"].to_list() == ab["item_id"].to_list()


def test_item_keys_written_before_the_further_pairs_were_kept_still_read():
    written = {
        "item_id": _pair_id("p#1", "p#2"),
        "kind": "match_pair",
        "records_blocked": 2,
        "entity_kind": "people",
        "left_id": "p#1",
        "right_id": "p#2",
        "first_seen": NOW,
        "last_seen": NOW,
    }
    schema = REVIEW_ITEM_KEYS.polars_schema
    old = pl.DataFrame([{c: written.get(c) for c in schema}], schema=schema).drop("more_left_ids", "more_right_ids")
    keys = update_item_keys(old, pl.DataFrame(schema=REVIEW_QUEUE_ITEMS.polars_schema), NOW)
    assert keys.height == 1 and keys["more_left_ids"].null_count() == 1
    assert match_labels(_decide(keys.drop("first_seen", "last_seen"), "match")).height == 1


def test_queue_totals_count_items_and_the_record_pairs_they_hold():
    items = match_pair(_inputs(_review(PAIRS), {"people": LINEAGE}))
    open_items = items.select("item_id", pl.lit("match_pair").alias("kind"), "records_blocked")
    keyed = items.with_columns(
        pl.lit("match_pair").alias("kind"), pl.lit(NOW).alias("first_seen"), pl.lit(NOW).alias("last_seen")
    )
    schema = REVIEW_ITEM_KEYS.polars_schema
    keys = keyed.select((pl.col(c) if c in keyed.columns else pl.lit(None)).cast(t).alias(c) for c, t in schema.items())
    queues = Queues(
        items=open_items,
        closed=pl.DataFrame(schema={"item_id": pl.String, "kind": pl.String}),
        evidence={"match_pair": items.select("item_id", "record_pairs")},
        item_keys=keys,
    )
    totals = {r["kind"]: r for r in queue_totals(queues).iter_rows(named=True)}
    # 3 items (A~B, C~D, inside A) holding the 5 record pairs; their 7 records once each
    assert (totals["match_pair"]["open_items"], totals["match_pair"]["open_record_pairs"]) == (3, 5)
    assert totals["match_pair"]["records_blocked"] == 7
    assert totals["split_unit"]["open_record_pairs"] is None


def test_pairs_inside_one_entity_stay_an_item_each():
    """HV5 on e8e7959: the queued pairs inside one entity were one item and a decision on its shown pair labelled them
    all. A = {p#1, p#2, p#3} may hold two people (p#1 = p#2, p#3 another): no decision on one item labels its three
    pairs right, and the reviewer saw one of them. Each pair inside an entity is its own item, as it is counted."""
    lineage = pl.DataFrame({"record_key": ["p#1", "p#2", "p#3"], "entity_id": ["A", "A", "A"]})
    pairs = [("p#1", "p#3", 0.4), ("p#2", "p#3", 0.45), ("p#1", "p#2", 0.6)]
    items = match_pair(_inputs(_review(pairs), {"people": lineage})).sort("left_id", "right_id")
    assert items.select("left_id", "right_id").rows() == [("p#1", "p#2"), ("p#1", "p#3"), ("p#2", "p#3")]
    assert set(items["record_pairs"]) == {1} and items["more_left_ids"].list.len().sum() == 0
    labels = match_labels(_decide(items.head(1), "match"))
    assert labels.select("left_id", "right_id", "label").rows() == [("p#1", "p#2", "match")]
    # counted so by the engine: three pairs inside one cluster are three questions, two between two clusters one
    clusters = pl.Series("c", [0, 0, 0, 3, 3], dtype=pl.UInt32)
    rows = pl.DataFrame({"l": [0, 1, 0, 0, 1], "r": [2, 2, 1, 3, 4]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    assert review_items(clusters, rows) == 4


def test_an_items_summary_names_its_strongest_pair():
    # the item is shown by its pair with the smallest keys (p#1 ~ p#2, p=0.2, review); its strongest pair is another
    # (p#4 ~ p#5, p=0.9, a link the chaining guard refused): the summary says so, not the shown pair's decision
    review = _review(PAIRS).with_columns(
        pl.when(pl.col("left_id") == "p#5").then(pl.lit("refused")).otherwise("decision").alias("decision"),
        pl.when(pl.col("left_id") == "p#5").then(0.9).otherwise("match_probability").alias("match_probability"),
    )
    items = match_pair(_inputs(review, {"people": LINEAGE})).sort("left_id", "right_id")
    ab = items.row(0, named=True)
    assert (ab["left_id"], ab["right_id"], ab["matcher_decision"]) == ("p#1", "p#2", "review")
    assert ab["summary"] == "uncertain people entities: 3 record pairs (strongest p=0.9 refused)"
