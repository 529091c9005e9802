"""Generate docs/tables.md from the table declarations in pipelines/schema.py.

uv run python -m pipelines.docs          # rewrite docs/tables.md
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def _type_name(dtype) -> str:
    return (
        str(dtype)
        .replace("String", "text")
        .replace("Date", "date")
        .replace("Int64", "bigint")
        .replace("Float64", "double")
        .replace("Int32", "int")
        .replace("Boolean", "bool")
    )


def table_markdown(table: Table) -> str:
    lines = [f"## `{table.name}`", "", table.description, ""]
    if table.primary_key:
        lines += [f"Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}", ""]
    lines += ["| column | type | required | description |", "| --- | --- | --- | --- |"]
    for f in table.fields:
        allowed = f" One of: {', '.join(f'`{a}`' for a in f.allowed)}." if f.allowed else ""
        lines.append(
            f"| `{f.name}` | {_type_name(f.dtype)} | {'yes' if f.required else ''} | {f.description}{allowed} |"
        )
    return "\n".join(lines) + "\n"


WHERE_THEY_LIVE = """\
## Where the tables live

- `warehouse/wardbridge.duckdb` (the pipeline's own file): reference tables, `resolved.*`, `raw.*`,
  `staged.*`, `quarantine.*`, `entities.*`, `review.*`. The raw, staged and quarantine layers are views
  over one Parquet file per source extract (`warehouse/parquet/<layer>/<table>/part=<key>/data.parquet`):
  each view has one more column than declared below, `part` (text: the extract's directory name without
  `part=`, i.e. its partition key `<source_id>@<extract_date>` with any character other than letters,
  digits and `-_@.=` replaced by `_`).
- `quarantine` below is declared once and published once per registry: `quarantine.quarantine_<registry>`.
- `review.staged_<registry>_flagged`: views of the staged rows with a flag (column `issues` not empty):
  `record_key, source_id, extract_date, source_file, source_key, issues, old_uid, new_uid, ward_status`.
- `resolved.sample_addresses_resolved`: the bundled sample addresses (`data/sample/old_addresses.csv`): a
  row number, the input columns (with their ground truth), then the `resolved_address` columns;
  `resolved.address_review_queue`: its rows a person must review (same columns).
- `warehouse/analytics.duckdb` (schema `marts`) and `warehouse/restricted.duckdb` (schema `entities`): the
  marts, see README "Querying the marts".

"""


def tables_markdown() -> str:
    head = "# Tables\n\nGenerated from `pipelines/schema.py` by `python -m pipelines.docs`; do not edit by hand.\n\n"
    return head + WHERE_THEY_LIVE + "\n".join(table_markdown(t) for t in TABLES)


def main() -> None:
    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(tables_markdown(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
