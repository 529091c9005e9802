"""``wardbridge run`` skips the jobs that read what a failed run refused (review h6, F4 / F8 c).

Before, marts, exports and the report ran after the entities had failed, re-stamping ministry files and the
leadership page as current from entities that had not been rebuilt.
"""

import json
import sys
from pathlib import Path

from tests.runhelpers import REPO, clean_env, dagster_home, wardbridge

WARDBRIDGE = Path(sys.executable).parent / "wardbridge"
BROKEN = REPO / "mappings" / "sources" / "broken" / "sample_broken.toml"


def test_job_needs_follow_the_asset_graph_except_ingest():
    from assets.cli import _job_needs
    from assets.definitions import defs

    names = [
        "wardbridge_main",
        "ingest_households",
        "ingest_tax",
        "wardbridge_entities",
        "wardbridge_review",
        "wardbridge_marts",
        "wardbridge_exports",
        "wardbridge_report",
    ]
    needs = _job_needs(defs, names)
    # a failed ingest leaves the decision to the entities (RegistryIncomplete / --allow-incomplete)
    assert needs["wardbridge_entities"] == set()
    assert not any(job.startswith("ingest_") for need in needs.values() for job in need)
    assert needs["wardbridge_review"] == {"wardbridge_entities"}
    assert "wardbridge_entities" in needs["wardbridge_marts"]
    assert "wardbridge_marts" in needs["wardbridge_exports"]
    # the report reads the marts and the review queue summary, not the exports
    assert needs["wardbridge_report"] == {"wardbridge_marts", "wardbridge_review"}
    assert needs["wardbridge_main"] == set() and needs["ingest_tax"] == set()


def test_run_skips_marts_exports_and_report_after_failed_entities(tmp_path):
    """Broken household extracts: ingest_households fails, match_households refuses (RegistryIncomplete), so
    wardbridge_entities fails; review, marts, exports and report must not run (nothing written), the summary
    says why, exit status 1."""
    home, warehouse = dagster_home(tmp_path), tmp_path / "wh"
    proc = wardbridge(  # with a key: the exports are in the plan
        "run", "--dagster-home", str(home), "--warehouse", str(warehouse), "--json", "--catalogue", str(BROKEN),
        cwd=tmp_path, env=clean_env(), timeout=900,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-5000:]
    summary = json.loads(proc.stdout)
    ran = {r["job"]: r["success"] for r in summary["runs"]}
    assert ran["wardbridge_main"] is True
    assert ran["ingest_households"] is False and ran["wardbridge_entities"] is False
    skipped = {s["job"]: s["because"] for s in summary["skipped"]}
    assert skipped == {
        "wardbridge_review": ["wardbridge_entities"],
        "wardbridge_marts": ["wardbridge_entities"],
        "wardbridge_exports": ["wardbridge_entities"],
        "wardbridge_report": ["wardbridge_entities"],
    }
    assert not set(skipped) & set(ran)
    assert summary["exit_code"] == 1 and summary["success"] is False
    for job in skipped:
        assert f"{job}  skipped: wardbridge_entities failed" in proc.stderr  # the progress line
        assert f"  {job} skipped: wardbridge_entities failed" in proc.stderr  # the summary
    assert "4 skipped" in proc.stderr
    assert "] ingest_households (2 extracts)\n" in proc.stderr  # the broken catalogue's two, from _extracts
    # nothing downstream was written
    assert not (warehouse / "analytics.duckdb").exists()
    assert not (warehouse / "restricted.duckdb").exists()
    assert not list((warehouse / "exports").glob("*/datapackage.json"))
    assert not (warehouse / "reports" / "latest.html").exists()


def test_an_ingest_runs_progress_line_counts_one_extract_in_the_singular():
    """'(1 extract)', not '(1 extracts)' (94d1b57; seen with a catalogue of one extract per registry)."""
    from assets.cli import _extracts

    assert [_extracts(n) for n in (1, 2, 32)] == [" (1 extract)", " (2 extracts)", " (32 extracts)"]


def test_summary_says_an_old_report_was_not_rewritten(tmp_path):
    """A report left by an earlier run is not offered as this run's when wardbridge_report was skipped."""
    from assets.progress import RunSummary

    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "latest.html").write_text("<html></html>")
    summary = RunSummary(warehouse=tmp_path, home=tmp_path)
    summary.runs.append({"job": "wardbridge_entities", "run_id": "r1", "success": False, "seconds": 1.0})
    summary.skip("wardbridge_report", ["wardbridge_entities"])
    text = "\n".join(summary.lines())
    assert "latest.html (an earlier run's: not rewritten by this run)" in text
    assert "open the report" not in text
    assert "  wardbridge_report skipped: wardbridge_entities failed" in text
    assert "FAILED (1 of 1 runs failed, 1 skipped)" in text
    assert summary.as_dict()["exit_code"] == 1
    # officials are told to open the warehouse read-only and to close it: a held session blocks the next run
    assert "review queues: duckdb -readonly " in text and "$WARDBRIDGE_LOCK_TIMEOUT" in text
