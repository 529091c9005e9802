"""review.match_labels: every record pair a decision labels carries the id of the item that was decided.

HV18's walk (its warehouse /tmp/hv18/wh): item mp-02619ef149cfe993, a match_pair item of two record pairs, was
decided 'match'; review.match_labels labelled its second pair under mp-83a10c9ae3c67df0, the id that pair would have
as an item of its own, which is no item (0 rows in review.queue_items, review.item_keys, review.decisions). The
entities step's warning about labels naming records not in the run names officials' decisions by these ids, so an
official could be told of an 'item' nobody decided. Now the id is the decided item's on each of its pairs; the
table's primary key is the pair (entity_kind, left_id, right_id).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl

from assets.entities import labels_not_in_run
from pipelines.review.decisions import match_labels
from pipelines.review.io import REVIEW_SCHEMA
from pipelines.review.queues import match_pair
from pipelines.schema import REVIEW_MATCH_LABELS
from pipelines.warehouse import Warehouse
from tests.reviewhelpers import LINEAGE
from tests.reviewhelpers import people_review as _review
from tests.test_review_entity_pairs import PAIRS, _decide, _inputs


def _item_of_three_pairs() -> pl.DataFrame:
    items = match_pair(_inputs(_review(PAIRS), {"people": LINEAGE}))
    return items.filter(pl.col("record_pairs") == 3)


def test_each_pair_of_a_decided_item_carries_the_item_id():
    item = _item_of_three_pairs()
    decisions = _decide(item, "match")
    labels = match_labels(decisions)
    assert labels.height == 3, labels
    assert set(labels["item_id"]) == set(item["item_id"]), labels  # no id of an item nobody decided
    assert set(labels["item_id"]) <= set(decisions["item_id"])
    assert not REVIEW_MATCH_LABELS.validate(labels), REVIEW_MATCH_LABELS.validate(labels)  # the key holds


def test_a_pair_labelled_through_two_items_keeps_the_later_decision_and_its_item():
    item = _item_of_three_pairs()
    first = _decide(item, "match")
    # the same pair (p#3, p#4) decided later as an item of its own (its entities changed between runs)
    alone = match_pair(_inputs(_review([("p#3", "p#4", 0.5)]), {}))
    later = _decide(alone, "no_match").with_columns(pl.lit(dt.date(2026, 12, 6)).alias("decided_on"))
    labels = match_labels(pl.concat([first, later], how="diagonal_relaxed"))
    by_pair = {(r["left_id"], r["right_id"]): r for r in labels.iter_rows(named=True)}
    assert len(by_pair) == labels.height == 3
    assert (by_pair[("p#3", "p#4")]["item_id"], by_pair[("p#3", "p#4")]["label"]) == (alone["item_id"][0], "no_match")
    assert by_pair[("p#1", "p#2")]["item_id"] == item["item_id"][0]


def test_a_decision_whose_records_left_the_run_is_named_once_by_its_item(tmp_path):
    item = _item_of_three_pairs()
    labels = match_labels(_decide(item, "match"))
    wh = Warehouse(tmp_path / "wh")
    wh.publish(REVIEW_SCHEMA, [(REVIEW_MATCH_LABELS, labels)])
    staged = pl.DataFrame({"record_key": ["p#9"]})  # none of its records in this run
    assert labels_not_in_run(wh, "people", staged) == (3, [item["item_id"][0]])  # its 3 pairs, its one id


def test_the_declared_key_is_the_pair():
    assert REVIEW_MATCH_LABELS.primary_key == ("entity_kind", "left_id", "right_id")
    item_id = next(f for f in REVIEW_MATCH_LABELS.fields if f.name == "item_id")
    assert "decided" in dataclasses.asdict(item_id)["description"]
