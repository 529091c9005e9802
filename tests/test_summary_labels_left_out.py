"""The run summary's decisions line says when the matcher left out officials' match decisions (their records are
not in this run, e.g. an older extract): before, it said '23 applied' while the matcher skipped 2 of them and only
the entities step's log warned."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg

from assets.progress import RunSummary


def _event(asset: str, metadata: dict) -> SimpleNamespace:
    return SimpleNamespace(asset_key=dg.AssetKey(asset), materialization=SimpleNamespace(metadata=metadata))


def _decisions_line(tmp_path, labels: dict | None) -> str:
    decisions = {
        "decisions_dir": dg.MetadataValue.path(str(tmp_path / "decisions")),
        "files": dg.MetadataValue.int(2),
        "rows_valid": dg.MetadataValue.int(23),
        "rows_rejected": dg.MetadataValue.int(0),
        "rows_in_conflict": dg.MetadataValue.int(0),
        "earlier_rows_in_conflict": dg.MetadataValue.int(0),
    }
    entities = {"dagster/row_count": dg.MetadataValue.int(1000)}
    if labels is not None:  # what assets/entities.py writes from the matcher's stats (_stats_metadata)
        entities["match/labels"] = dg.MetadataValue.json(labels)
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
    return next(line for line in summary.lines() if line.startswith("Decisions:"))


def test_match_decisions_the_matcher_left_out_are_said(tmp_path):
    line = _decisions_line(tmp_path, {"used": 21, "not_scored": 0, "unknown": 2})
    assert "23 applied" in line
    assert line.endswith(
        "; of those applied, the matcher left out 2 labelled record pair(s) naming records not in this run "
        "(an older extract?): population 2 pair(s)"
    )


def test_nothing_is_said_when_the_matcher_used_every_decision(tmp_path):
    for labels in (None, {"used": 23, "not_scored": 0, "unknown": 0}):
        line = _decisions_line(tmp_path, labels)
        assert line.endswith(": 23 row(s), 23 applied, 0 not applied")
