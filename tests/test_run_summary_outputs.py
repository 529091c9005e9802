"""`wardbridge run`'s summary as a ward official's data engineer reads it: where the officials' per-ward files
are and where their decisions go (the README's second paragraph names them; the summary did not), and no
claim that the marts used a development key when this run published no marts."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg

from assets.progress import DEVELOPMENT_KEY_CLAUSE, RunSummary

KEY_NOTE = f"ministry exports skipped: set $WARDBRIDGE_PSEUDONYM_KEY to build them{DEVELOPMENT_KEY_CLAUSE}"


def _result(*materializations: tuple[str, dict]) -> SimpleNamespace:
    events = [
        SimpleNamespace(asset_key=dg.AssetKey(name), materialization=SimpleNamespace(metadata=meta))
        for name, meta in materializations
    ]
    return SimpleNamespace(
        run_id="r1",
        success=True,
        all_events=[],
        get_step_failure_events=lambda: [],
        get_asset_materialization_events=lambda: events,
    )


def test_summary_names_the_officials_ward_folders_and_the_decisions_folder(tmp_path):
    wards = tmp_path / "wh" / "review" / "wards"
    decisions = {
        "decisions_dir": dg.MetadataValue.path(str(tmp_path / "decisions")),
        "files": dg.MetadataValue.int(0),
    }
    queues = {
        "exports": dg.MetadataValue.path(str(wards)),
        "open_items": dg.MetadataValue.int(707),
        "closed_items": dg.MetadataValue.int(3),
        "ward_folders": dg.MetadataValue.int(28),
    }
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.add("wardbridge_entities", _result(("review_decisions", decisions)), 1.0)
    summary.add("wardbridge_review", _result(("review_queues", queues)), 1.0)
    lines = summary.lines()
    (output,) = [line for line in lines if line.startswith("  review     ")]
    assert f"{wards}/<ward code>/" in output and "707 open items in 28 ward folders" in output
    assert "personal values" in output
    after_next = lines[lines.index("Next:") :]
    (hint,) = [line for line in after_next if line.startswith("  officials: ")]
    assert str(wards) in hint and str(tmp_path / "decisions") in hint
    assert summary.as_dict()["outputs"]["review"]["wards"] == str(wards)


def test_summary_without_review_run_names_no_ward_folders(tmp_path):
    """A run whose review was skipped (or not defined) does not point at folders it did not write."""
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.runs.append({"job": "wardbridge_entities", "run_id": "r1", "success": False, "seconds": 1.0})
    summary.skip("wardbridge_review", ["wardbridge_entities"])
    text = "\n".join(summary.lines())
    assert "  review     " not in text and "  officials: " not in text
    assert "review" not in summary.as_dict()["outputs"]


def test_development_key_clause_only_when_marts_were_published(tmp_path):
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.notes.append(KEY_NOTE)
    text = "\n".join(summary.lines())  # no marts this run (entities failed, say)
    assert "marts      not published by this run" in text
    assert "development pseudonym key" not in text
    assert "Note: ministry exports skipped: set $WARDBRIDGE_PSEUDONYM_KEY to build them." in text
    assert "development" not in " ".join(summary.as_dict()["notes"])

    marts = {"duckdb_file": dg.MetadataValue.path(str(tmp_path / "wh" / "analytics.duckdb"))}
    summary.add("wardbridge_marts", _result(("analytics_mart", marts)), 1.0)
    text = "\n".join(summary.lines())
    assert f"Note: {KEY_NOTE}" in text  # the marts did use the development key: said
    assert summary.as_dict()["notes"] == [KEY_NOTE]
