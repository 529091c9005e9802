"""Translate pipelines.schema declarations and quality outcomes into Dagster metadata."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import dagster as dg
import polars as pl

from pipelines.reference import REFERENCE_DIR
from pipelines.schema import Table
from pipelines.warehouse import PublishedTable, duckdb_type
from quality.checks import CheckOutcome

PROVENANCE_FILE = REFERENCE_DIR / "provenance.json"


@cache
def provenance() -> dict[str, Any]:
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def table_schema(table: Table) -> dg.TableSchema:
    """Dagster column schema derived from the declaration (types are the DuckDB types)."""
    columns = []
    for f in table.fields:
        other = []
        if f.allowed is not None:
            other.append("allowed: " + ", ".join(f.allowed))
        if len(table.primary_key) > 1 and f.name in table.primary_key:
            other.append("part of primary key (" + ", ".join(table.primary_key) + ")")
        columns.append(
            dg.TableColumn(
                name=f.name,
                type=duckdb_type(f.dtype),
                description=f.description,
                constraints=dg.TableColumnConstraints(
                    nullable=not f.required, unique=table.primary_key == (f.name,), other=other
                ),
            )
        )
    constraints = (
        dg.TableConstraints(other=[f"primary key: {', '.join(table.primary_key)}"]) if table.primary_key else None
    )
    return dg.TableSchema(columns=columns, constraints=constraints)


def static_table_metadata(table: Table, schema: str) -> dict[str, Any]:
    return {"dagster/column_schema": table_schema(table), "dagster/table_name": f"{schema}.{table.name}"}


def published_metadata(table: Table, published: PublishedTable) -> dict[str, Any]:
    return {
        "dagster/row_count": published.rows,
        "dagster/table_name": published.qualified_name,
        "dagster/column_schema": table_schema(table),
        "duckdb_file": dg.MetadataValue.path(str(published.duckdb_path)),
        "parquet_file": dg.MetadataValue.path(str(published.parquet_path)),
        "query": dg.MetadataValue.md(f"```sql\nSELECT * FROM {published.qualified_name} LIMIT 10;\n```"),
    }


def counts_markdown(counts: Mapping[str, int]) -> dg.MetadataValue:
    total = sum(counts.values())
    lines = ["| status | rows | share |", "|---|---:|---:|"]
    for status, n in counts.items():
        lines.append(f"| {status} | {n} | {n / total:.1%} |" if total else f"| {status} | {n} | - |")
    return dg.MetadataValue.md("\n".join(lines))


def preview_markdown(frame: pl.DataFrame, columns: Sequence[str], rows: int = 10) -> dg.MetadataValue:
    """First rows as a Markdown table (lists ';'-joined, pipes escaped)."""
    shown = [c for c in columns if c in frame.columns]
    head = frame.head(rows).select(shown)
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for row in head.iter_rows():
        cells = [";".join(v) if isinstance(v, list) else ("" if v is None else str(v)) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def check_result(asset_key: str, outcome: CheckOutcome) -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {
        k: (dg.MetadataValue.json(v) if isinstance(v, dict | list) else v) for k, v in outcome.metadata.items()
    }
    if outcome.problems:
        metadata["problems"] = dg.MetadataValue.md("\n".join(f"- {p}" for p in outcome.problems[:50]))
    metadata["problem_count"] = len(outcome.problems)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=outcome.name,
        passed=outcome.passed,
        metadata=metadata,
        description=outcome.summary(),
    )
