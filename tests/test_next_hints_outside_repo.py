"""The summary's `Next:` query hints work when pasted outside the repository (HV17).

`wardbridge run` from another folder (its console script, or `uv run --project <repo>`, as the tests and a data
engineer's wrapper do) printed `uv run python -c '...'` for the review queues and the marts: outside the repository
`uv run` finds no project, so the command ran a bare Python and failed with "ModuleNotFoundError: No module named
'duckdb'" (found pasting the hint from the folder the run was started in, /tmp/hv17/run1). The Dagster UI hint already
named the project (`uv run --project <repo> dagster dev`); the query hints now do too, so they run from anywhere.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import duckdb
import pytest

from assets.progress import RunSummary
from pipelines.warehouse import REPO_ROOT


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
def test_the_query_hints_run_from_a_folder_outside_the_repository(tmp_path):
    warehouse = tmp_path / "my wh"  # a space in the path: the hints are quoted for the shell
    warehouse.mkdir()
    with duckdb.connect(str(warehouse / "wardbridge.duckdb")) as con:
        con.execute("CREATE SCHEMA review; CREATE TABLE review.queue_totals AS SELECT 'split_unit' AS kind, 7 AS n")
    with duckdb.connect(str(warehouse / "analytics.duckdb")) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.ward_summary AS SELECT '2025:26740' AS new_uid")
    summary = RunSummary(warehouse=warehouse, home=tmp_path)
    summary.outputs["analytics"] = warehouse / "analytics.duckdb"
    lines = summary.lines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("  review queues: ")]
    hints = {
        "review queues": lines[at + 1].strip(),
        "the marts": next(line for line in lines if line.startswith("  query the marts: ")).split(": ", 1)[1],
    }
    elsewhere = tmp_path / "elsewhere"  # not the repository, nor under it
    elsewhere.mkdir()
    assert not elsewhere.resolve().is_relative_to(REPO_ROOT)
    shown = {"review queues": "split_unit", "the marts": "2025:26740"}
    for what, command in hints.items():
        done = subprocess.run(["bash", "-c", command], cwd=elsewhere, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, (what, done.stderr[-2000:])  # before: ModuleNotFoundError: No module 'duckdb'
        assert shown[what] in done.stdout, (what, done.stdout)
        assert command.startswith(f"uv run --project {shlex.quote(str(REPO_ROOT))} python -c "), command
