"""The parts of a warehouse an export reads and writes (tests only), for tests/warehouse_parts.py's ``copy_parts``.

An export (pipelines/publish/exports.py) reads its entity sources from the Parquet layers (``read_source``), its
marts sources and the gates' dimensions and city totals from analytics.duckdb (``read_source``, ``gate_context``),
and writes its package under ``exports/<recipient>``; it takes the warehouse's lock files. A test that exports into a
copy needs those (~11 MB of the sample run's ~105 MB, and ~13-25 MB a package), not the other recipients' packages, the marts' Parquet copies
and Data Docs, restricted.duckdb, wardbridge.duckdb or the reports.
"""

from __future__ import annotations

from pipelines.publish.store import ANALYTICS_FILENAME

EXPORT_INPUTS = ("parquet", ANALYTICS_FILENAME, ".wardbridge.lock", ".wardbridge-run.lock")


def export_parts(*recipients: str) -> tuple[str, ...]:
    """What exporting ``recipients`` reads, and their published packages."""
    return (*EXPORT_INPUTS, *(f"exports/{r}" for r in recipients))
