"""Write the consolidation report of one run: append the trend store, render, write the page and latest.html."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.reference import REFERENCE_DIR
from pipelines.report.history import HISTORY, append_history, run_measures
from pipelines.report.inputs import read_inputs
from pipelines.report.page import RunInfo, render
from pipelines.warehouse import private_modes, write_text_atomic

REPORTS_DIR = Path("reports")
REPORT_FILENAME = "consolidation.html"
LATEST = "latest.html"
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass
class ReportResult:
    path: Path  # reports/<run id>/consolidation.html
    latest: Path  # reports/latest.html (a copy)
    history: Path  # history/runs.parquet
    summary: dict[str, object] = field(default_factory=dict)  # figures for asset metadata


def write_report(
    root: Path,
    run_id: str,
    *,
    run_time: dt.datetime | None = None,
    gates_dir: Path | None = None,
    reference_dir: Path = REFERENCE_DIR,
) -> ReportResult:
    """Report of warehouse ``root`` for run ``run_id``: reads the published marts read-only, appends this run's
    measures to history/runs.parquet and writes reports/<run id>/consolidation.html and reports/latest.html. The
    files it makes are 0640 and its folders 0750 (docs/guide/querying.md) whatever the caller's umask
    (``private_modes``); before, a Python caller under a shell's umask 022 got 0644 files in 0755 folders."""
    if not RUN_ID.match(run_id):
        raise ValueError(f"report: run id {run_id!r} is not a safe folder name (letters, digits, '.', '_', '-')")
    root = Path(root)
    run_time = run_time or dt.datetime.now(dt.UTC)
    inputs = read_inputs(root, gates_dir, reference_dir)
    with private_modes():
        history = append_history(root / HISTORY, run_measures(inputs, run_id, run_time))
        source = str(inputs.gates.directory or gates_dir or root / "marts" / "gx")
        page = render(inputs, history, RunInfo(run_id, run_time, source))
        path = write_text_atomic(root / REPORTS_DIR / run_id / REPORT_FILENAME, page)
        latest = write_text_atomic(root / REPORTS_DIR / LATEST, page)
    review = "open_review" if inputs.queue is not None else "under_review"
    summary = {
        "wards": inputs.wards.height,
        "records_in": int(inputs.wards["records_in"].sum()),
        "quarantined": int(inputs.accounting["quarantined"].sum()),
        "under_review": int(inputs.accounting["under_review"].sum()),
        "entities": int(inputs.duplicates["entities"].sum()),
        "gate_tables": len(inputs.gates.tables),
        "gates_failed": sum(1 for g in inputs.gates.tables if not g.passed),
        "review_source": "review/queue_summary.parquet" if inputs.queue is not None else "marts.ward_summary",
        "review_measure": review,
        "runs_in_history": history.select(pl.col("run_id").n_unique()).item(),
        "bytes": len(page.encode("utf-8")),
    }
    return ReportResult(path, latest, root / HISTORY, summary)
