"""Generate docs/tables.md from the table declarations in pipelines/schema.py, and the spec key reference of
docs/guide/matching.md from pipelines/match/spec.py's key tables.

uv run python -m pipelines.docs          # rewrite both
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import polars as pl

from pipelines.schema import (
    ANALYTICS_TABLES,
    ENTITY_TABLES,
    PSEUDONYMS,
    QUARANTINE,
    RECORD_FLOW,
    REFERENCE_TABLES,
    REGISTRY_KINDS,
    REPORT_HISTORY,
    RESOLVED_ADDRESS,
    REVIEW_TABLES,
    SPLIT_TABLES,
    Table,
    raw_table,
    staged_table,
)

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "tables.md"
TABLES: tuple[Table, ...] = (
    *REFERENCE_TABLES,
    RESOLVED_ADDRESS,
    *SPLIT_TABLES,
    *(raw_table(r) for r in REGISTRY_KINDS),
    *(staged_table(r) for r in REGISTRY_KINDS),
    QUARANTINE,
    *ENTITY_TABLES,
    *ANALYTICS_TABLES,
    RECORD_FLOW,
    PSEUDONYMS,
    *REVIEW_TABLES,
    REPORT_HISTORY,
)


def duckdb_types(table: Table) -> dict[str, str]:
    """Each column's type as DuckDB spells it (``DESCRIBE``): the declared Polars types, read by DuckDB as the
    warehouse's tables and the Parquet copies are (through Arrow), so the names are DuckDB's own, never mapped by
    hand (e.g. String -> VARCHAR, UInt32 -> UINTEGER, List(String) -> VARCHAR[])."""
    arrow = pl.DataFrame(schema={f.name: f.dtype for f in table.fields}).to_arrow()  # noqa: F841 - DuckDB reads it
    with duckdb.connect() as con:
        return {name: kind for name, kind, *_ in con.sql("DESCRIBE SELECT * FROM arrow").fetchall()}


def table_markdown(table: Table) -> str:
    lines = [f"## `{table.name}`", "", table.description, ""]
    if table.primary_key:
        lines += [f"Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}", ""]
    lines += ["| column | type | required | description |", "| --- | --- | --- | --- |"]
    types = duckdb_types(table)
    for f in table.fields:
        allowed = f" One of: {', '.join(f'`{a}`' for a in f.allowed)}." if f.allowed else ""
        lines.append(f"| `{f.name}` | {types[f.name]} | {'yes' if f.required else ''} | {f.description}{allowed} |")
    return "\n".join(lines) + "\n"


WHERE_THEY_LIVE = """\
## Where the tables live

- `warehouse/wardbridge.duckdb` (the pipeline's own file): reference tables, `resolved.*`, `raw.*`,
  `staged.*`, `quarantine.*`, `entities.*`, `review.*`. The raw, staged and quarantine layers are views
  over one Parquet file per source extract (`warehouse/parquet/<layer>/<table>/part=<key>/data.parquet`):
  each view has one more column than declared below, `part` (VARCHAR: the extract's directory name without
  `part=`, i.e. its partition key `<source_id>@<extract_date>` with any character other than letters,
  digits and `-_@.=` replaced by `_`).
- `quarantine` below is declared once and published once per registry: `quarantine.quarantine_<registry>`.
- `review.staged_<registry>_flagged`: views of the staged rows with a flag (column `issues` not empty):
  `record_key, source_id, extract_date, source_file, source_key, issues, old_uid, new_uid, ward_status`.
- `resolved.sample_addresses_resolved`: the bundled sample addresses (`data/sample/old_addresses.csv`): a
  row number, the input columns (with their ground truth), then the `resolved_address` columns;
  `resolved.address_review_queue`: its rows a person must review (same columns).
- `warehouse/analytics.duckdb` (schema `marts`) and `warehouse/restricted.duckdb` (schema `entities`): the
  marts, see docs/guide/querying.md.

"""


def tables_markdown() -> str:
    head = (
        "# Tables\n\nGenerated from `pipelines/schema.py` by `python -m pipelines.docs`; do not edit by hand.\n\n"
        "Types are DuckDB's, as `DESCRIBE` shows them in the warehouse's DuckDB files (VARCHAR is text, `[]` a "
        "list); the Parquet copies hold the same types.\n\n"
    )
    return head + WHERE_THEY_LIVE + "\n".join(table_markdown(t) for t in TABLES)


def main() -> None:
    from pipelines.match.spec import update_page  # noqa: PLC0415 - only the generator needs the spec's keys

    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(tables_markdown(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
    page = DOC_PATH.parent / "guide" / "matching.md"
    print(f"{page}: spec key reference {'updated' if update_page(page) else 'up to date'}", file=sys.stderr)


if __name__ == "__main__":
    main()
