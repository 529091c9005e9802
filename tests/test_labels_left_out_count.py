"""The entities step's warning about officials' labels left out says how many record pairs and how many decisions,
and lists the decisions (HV23).

review.match_labels has one row per record pair, under the id of the item decided (57b61f7): one match decision of
a match_pair item of three record pairs is three labels. When its records are not in the run the warning said
'3 officials' match decisions name records not in this run ... (items mp-X)': three counted, one listed. The count
was the matcher's pairs, the list the items. Now both are said, each for what it is, and the run summary's line
too."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import dagster as dg
import polars as pl

from assets.entities import _log_labels, labels_not_in_run
from assets.progress import RunSummary
from pipelines.review.io import REVIEW_SCHEMA
from pipelines.schema import REVIEW_MATCH_LABELS
from pipelines.warehouse import Warehouse

PROPOSAL = {"link_threshold": 0.9, "review_threshold": 0.1, "reasons": ["few labels"]}
ONE = "mp-0000000000000001"
TWO = "mp-0000000000000002"


def _labels(wh: Warehouse) -> None:
    rows = [
        (ONE, "people", "old#1", "old#2", "match"),  # one decision of three pairs, none of its records in the run
        (ONE, "people", "old#1", "old#3", "match"),
        (ONE, "people", "old#2", "old#3", "match"),
        (TWO, "people", "a#1", "old#9", "no_match"),  # one pair, one record gone
        ("mp-0000000000000003", "people", "a#1", "a#2", "match"),  # used
    ]
    frame = pl.DataFrame(
        rows, schema=["item_id", "entity_kind", "left_id", "right_id", "label"], orient="row"
    ).with_columns(pl.lit("Lan").alias("reviewer"), pl.lit(dt.date(2026, 12, 3)).alias("decided_on"))
    wh.publish(REVIEW_SCHEMA, [(REVIEW_MATCH_LABELS, frame)])


def test_the_warning_counts_pairs_and_decisions_and_lists_the_decisions(tmp_path, caplog):
    wh = Warehouse(tmp_path / "wh")
    _labels(wh)
    left_out = labels_not_in_run(wh, "people", pl.DataFrame({"record_key": ["a#1", "a#2"]}))
    assert (left_out.pairs, left_out.items) == (4, [ONE, TWO])
    stats = {"labels": {"used": 1, "not_scored": 0, "unknown": 4}, "thresholds_from_labels": PROPOSAL}
    log = logging.getLogger("test_labels_left_out_count")
    with caplog.at_level(logging.WARNING, logger=log.name):
        _log_labels(log, "people", stats, left_out)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith("people: 4 labelled record pair(s) of 2 official decision(s) (match or no_match)")
    assert warning.endswith(f"(items {ONE}, {TWO})"), warning
    assert "Lan" not in warning


def _event(asset: str, metadata: dict) -> SimpleNamespace:
    return SimpleNamespace(asset_key=dg.AssetKey(asset), materialization=SimpleNamespace(metadata=metadata))


def test_the_run_summary_says_pairs_of_how_many_decisions(tmp_path):
    decisions = {
        "decisions_dir": dg.MetadataValue.path(str(tmp_path / "decisions")),
        "files": dg.MetadataValue.int(1),
        "rows_valid": dg.MetadataValue.int(3),
        "rows_rejected": dg.MetadataValue.int(0),
        "rows_in_conflict": dg.MetadataValue.int(0),
        "earlier_rows_in_conflict": dg.MetadataValue.int(0),
    }
    entities = {
        "dagster/row_count": dg.MetadataValue.int(1000),
        "match/labels": dg.MetadataValue.json({"used": 1, "not_scored": 0, "unknown": 4}),
        "match/labels_left_out_items": dg.MetadataValue.int(2),
    }
    events = [_event("review_decisions", decisions), _event("people_entities", entities)]
    result = SimpleNamespace(
        run_id="r1",
        success=True,
        all_events=[],
        get_step_failure_events=lambda: [],
        get_asset_materialization_events=lambda: events,
    )
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.add("wardbridge_entities", result, 1.0)
    line = next(x for x in summary.lines() if x.startswith("Decisions:"))
    assert line.endswith(
        "; of those applied, the matcher left out 4 labelled record pair(s) of 2 decision(s) naming records not in "
        "this run (an older extract?): population 4 pair(s) of 2 decision(s)"
    ), line
