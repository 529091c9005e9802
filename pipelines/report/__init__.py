"""The consolidation report for leadership: one self-contained HTML page per run (no Dagster here).

``write_report(root, run_id)`` reads warehouse/analytics.duckdb read-only, the marts' gate results
(marts/gx/<run>/<table>/gate.json), the review queue summary (review/queue_summary.parquet, when
present) and the trend store (history/runs.parquet, appended here), and writes
``reports/<run id>/consolidation.html`` and ``reports/latest.html``. Modules: inputs (what is read),
history (trend store), svg (charts), page (HTML), build (the whole).
"""

from pipelines.report.build import ReportResult, write_report

__all__ = ["ReportResult", "write_report"]
