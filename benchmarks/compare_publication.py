"""Are two warehouses' publications the same? For proving that a speed change left the outputs alone.

    uv run python benchmarks/compare_publication.py <warehouse A> <warehouse B>

Compares what publishing wrote (run on demand, not a test; exit 1 on any difference):

* analytics.duckdb and restricted.duckdb: the same tables with the same comments, column types and comments,
  and every table's rows equal in order;
* marts/analytics/ (the Parquet tree): the same files, byte for byte;
* exports/<recipient>/: every data file and validation.json byte for byte, datapackage.json equal but for
  'created' (the generation time);
* the gates: every marts gate.json (under marts/gx/<run>/) and export gate.json equal but for 'seconds' and
  'docs_index' (outcomes, counts, examples).

Both warehouses must come from runs with the same pseudonym key and run ids (e.g. two
benchmarks/pipeline_benchmark.py runs: key and run id "bench" are fixed there).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import duckdb


def _files(root: Path) -> dict[Path, Path]:
    return {p.relative_to(root): p for p in sorted(root.rglob("*")) if p.is_file()} if root.is_dir() else {}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def duckdb_differences(a: Path, b: Path) -> list[str]:
    out = []
    for name in ("analytics.duckdb", "restricted.duckdb"):
        with duckdb.connect(str(a / name), read_only=True) as ca, duckdb.connect(str(b / name), read_only=True) as cb:
            tables = "SELECT schema_name, table_name, comment FROM duckdb_tables() ORDER BY ALL"
            columns = "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY ALL"
            listed = ca.sql(tables).fetchall()
            if listed != cb.sql(tables).fetchall():
                out.append(f"{name}: the tables (or their comments) differ")
            if ca.sql(columns).fetchall() != cb.sql(columns).fetchall():
                out.append(f"{name}: the columns (types or comments) differ")
            for schema, table, _ in listed:
                query = f'SELECT * FROM "{schema}"."{table}"'
                try:
                    same = ca.sql(query).pl().equals(cb.sql(query).pl())
                except duckdb.Error:
                    same = False
                if not same:
                    out.append(f"{name}: {schema}.{table} differs")
    return out


def file_differences(a: Path, b: Path) -> list[str]:
    out = []
    trees = {"marts/analytics": (_files(a / "marts" / "analytics"), _files(b / "marts" / "analytics"))}
    exported = [_files(a / "exports"), _files(b / "exports")]
    for i, files in enumerate(exported):  # the published packages (no Data Docs, no hidden staging)
        exported[i] = {k: v for k, v in files.items() if "validation" not in k.parts[:-1] and k.parts[0][0] != "."}
    trees["exports"] = tuple(exported)
    for where, (fa, fb) in trees.items():
        if fa.keys() != fb.keys():
            out.append(f"{where}: the files differ: {sorted(str(k) for k in fa.keys() ^ fb.keys())[:5]}")
        for rel in sorted(fa.keys() & fb.keys()):
            if rel.name == "datapackage.json":
                da, db = (json.loads(p.read_text(encoding="utf-8")) for p in (fa[rel], fb[rel]))
                da.pop("created", None), db.pop("created", None)
                if da != db:
                    out.append(f"{where}/{rel}: differs beyond 'created'")
            elif _sha(fa[rel]) != _sha(fb[rel]):
                out.append(f"{where}/{rel}: differs")
    return out


def _gates(root: Path, strip_run: bool) -> dict[str, dict]:
    out = {}
    for path in sorted(root.rglob("gate.json")) if root.is_dir() else []:
        gate = json.loads(path.read_text(encoding="utf-8"))
        gate.pop("seconds", None), gate.pop("docs_index", None)
        rel = path.relative_to(root).parts
        out["/".join(rel[1:] if strip_run else rel)] = gate  # marts: <run>/<table>/gate.json
    return out


def gate_differences(a: Path, b: Path) -> list[str]:
    out = []
    for where, strip in (("marts/gx", True), ("exports", False)):
        ga, gb = _gates(a / where, strip), _gates(b / where, strip)
        out += [f"{where}: gate {k} differs" for k in sorted(ga.keys() | gb.keys()) if ga.get(k) != gb.get(k)]
    return out


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    problems = duckdb_differences(a, b) + file_differences(a, b) + gate_differences(a, b)
    counts = (
        f"{len(_files(a / 'marts' / 'analytics'))} Parquet files, "
        f"{len(_gates(a / 'marts' / 'gx', True))} marts gates, {len(_gates(a / 'exports', False))} export gates"
    )
    if problems:
        print(f"DIFFERENT ({counts} in {a}):", *problems, sep="\n  ")
        sys.exit(1)
    print(f"identical: both DuckDB files' tables, {counts}, the export files")


if __name__ == "__main__":
    main()
