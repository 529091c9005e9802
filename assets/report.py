"""Group "report": the consolidation report for leadership (one self-contained HTML page per run).

Thin: pipelines/report/ reads the published marts read-only, the marts' gate results, the review
queue summary when present and the run history, and writes ``<warehouse>/reports/<run id>/consolidation.html``
and ``<warehouse>/reports/latest.html``. Runs after the marts (it reports what they published).
"""

from pathlib import Path

import dagster as dg

from assets.publish import ANALYTICS
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.report import write_report
from pipelines.report.inputs import GATES_DIR

GROUP = "report"
JOB = "wardbridge_report"


def marts_gates_dir(context: dg.AssetExecutionContext, root: Path) -> Path | None:
    """The GX folder of the run that last materialised the analytics mart (assets/publish.py writes
    ``marts/gx/<run id>``); None when this instance has no such run (the engine then takes the newest one
    not newer than analytics.duckdb)."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(ANALYTICS))
    if event is None or not event.run_id:
        return None
    folder = root / GATES_DIR / event.run_id
    return folder if folder.is_dir() else None


@dg.asset(
    name="consolidation_report",
    group_name=GROUP,
    deps=[ANALYTICS],
    pool=WAREHOUSE_POOL,
    kinds={"html"},
    description="Consolidation report: <warehouse>/reports/<run id>/consolidation.html (+ reports/latest.html), "
    "self-contained HTML for leadership: records per ward, origins, duplicates, quarantine and review with trends, "
    "quality gates, map of the 168 wards. Appends <warehouse>/history/runs.parquet.",
)
def consolidation_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    root = warehouse.get().root
    result = write_report(root, context.run.run_id, gates_dir=marts_gates_dir(context, root))
    context.log.info(f"consolidation report: {result.path}")
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(result.path)),
            "report_url": dg.MetadataValue.url(result.path.as_uri()),
            "latest": dg.MetadataValue.path(str(result.latest)),
            "history": dg.MetadataValue.path(str(result.history)),
            "figures": dg.MetadataValue.json(result.summary),
        }
    )


REPORT_ASSETS = [consolidation_report]
REPORT_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Write the consolidation report of the published marts (run after wardbridge_marts).",
    executor_def=dg.in_process_executor,
)
