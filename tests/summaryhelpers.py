"""A run summary built from an asset's metadata, without running Dagster (tests only)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import dagster as dg

from assets.progress import RunSummary


def decisions_summary(tmp_path: Path, metadata: dict) -> RunSummary:
    """The summary of one successful ``wardbridge_entities`` run whose ``review_decisions`` materialisation carries
    ``metadata`` (what assets/review.py writes), with warehouse and home under ``tmp_path``."""
    event = SimpleNamespace(
        asset_key=dg.AssetKey("review_decisions"), materialization=SimpleNamespace(metadata=metadata)
    )
    result = SimpleNamespace(
        run_id="r1",
        success=True,
        all_events=[],
        get_step_failure_events=lambda: [],
        get_asset_materialization_events=lambda: [event],
    )
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.add("wardbridge_entities", result, 1.0)
    return summary
