"""Officials' match decisions the matcher leaves out (a record of the pair is not in this run: an older extract, a
retired source) are named by item id in the entities step's warning. Before, the warning and the run summary gave
only how many ('2 officials' match decisions name records not in this run'), so nobody could tell an official which
of their decisions was waiting; review.decisions shows them closed as decided."""

from __future__ import annotations

import datetime as dt
import logging

import polars as pl

from assets.entities import LEFT_OUT_NAMED, LabelsLeftOut, _log_labels, labels_not_in_run
from pipelines.review.io import REVIEW_SCHEMA
from pipelines.schema import REVIEW_MATCH_LABELS
from pipelines.warehouse import Warehouse

STATS = {"used": 1, "not_scored": 0, "unknown": 2}
PROPOSAL = {"link_threshold": 0.9, "review_threshold": 0.1, "reasons": ["few labels"]}


def _labels(wh: Warehouse, rows: list[tuple[str, str, str, str, str]]) -> None:
    frame = pl.DataFrame(
        rows, schema=["item_id", "entity_kind", "left_id", "right_id", "label"], orient="row"
    ).with_columns(pl.lit("Lan").alias("reviewer"), pl.lit(dt.date(2026, 12, 3)).alias("decided_on"))
    wh.publish(REVIEW_SCHEMA, [(REVIEW_MATCH_LABELS, frame)])


def test_the_decisions_left_out_are_named(tmp_path, caplog):
    wh = Warehouse(tmp_path / "wh")
    _labels(
        wh,
        [
            ("mp-0000000000000001", "people", "a#1", "a#2", "match"),  # both records in the run: used
            ("mp-0000000000000002", "people", "a#1", "old#9", "match"),  # one record gone
            ("mp-0000000000000003", "people", "old#8", "a#2", "no_match"),  # one record gone
            ("mp-0000000000000004", "households", "h#1", "old#7", "match"),  # another kind
        ],
    )
    staged = pl.DataFrame({"record_key": ["a#1", "a#2", "a#3"]})
    left_out = labels_not_in_run(wh, "people", staged)
    assert left_out == (2, ["mp-0000000000000002", "mp-0000000000000003"])  # (pairs, items)
    log = logging.getLogger("test_labels_left_out")
    with caplog.at_level(logging.WARNING, logger=log.name):
        _log_labels(log, "people", {"labels": STATS, "thresholds_from_labels": PROPOSAL}, left_out)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.endswith("they were not applied (items mp-0000000000000002, mp-0000000000000003)")


def test_many_are_cut_short_and_none_without_labels(tmp_path, caplog):
    wh = Warehouse(tmp_path / "wh")
    assert labels_not_in_run(wh, "people", pl.DataFrame({"record_key": ["a#1"]})) == (0, [])  # never published
    ids = [f"mp-{i:016x}" for i in range(LEFT_OUT_NAMED + 3)]
    log = logging.getLogger("test_labels_left_out_many")
    with caplog.at_level(logging.WARNING, logger=log.name):
        _log_labels(log, "people", {"labels": STATS, "thresholds_from_labels": PROPOSAL}, LabelsLeftOut(len(ids), ids))
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{ids[LEFT_OUT_NAMED - 1]} and 3 more)" in warning and ids[LEFT_OUT_NAMED] not in warning
