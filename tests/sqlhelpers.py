"""Test-only SQL helpers, kept out of the production modules.

* :func:`load_sql_dump` loads a plain SQL dump written by the registry generator
  (``fmt: postgres_dump``) into PostgreSQL with psycopg (DDL + ``COPY``), replacing the
  tables it creates, in one transaction.
* :func:`ddl` prints the DuckDB DDL (CREATE plus comments) the warehouse runs for a table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from pipelines.ingest.sql import SqlSourceError, mask_url
from pipelines.schema import Table
from pipelines.warehouse import comment_sql, create_table_sql


def ddl(table: Table, schema: str) -> str:
    """The full DDL for one table: CREATE plus comments."""
    return ";\n".join([create_table_sql(table, schema), *comment_sql(table, schema)]) + ";\n"


# --------------------------------------------------------------------------- dumps


@dataclass(frozen=True)
class LoadedTable:
    """One table :func:`load_sql_dump` loaded (``schema`` None: the search path's)."""

    schema: str | None
    table: str
    rows: int


@dataclass(frozen=True)
class DumpLoadResult:
    """What :func:`load_sql_dump` loaded, per table in dump order."""

    tables: tuple[LoadedTable, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = rf"{_IDENT}(?:\.{_IDENT})?"
_CREATE_TABLE = re.compile(rf"CREATE TABLE ({_QUALIFIED}) \(", re.DOTALL)
_COPY = re.compile(rf"COPY ({_QUALIFIED}) \((.*)\) FROM stdin;", re.DOTALL)
_ALLOWED = re.compile(
    r"(SET \w+ = [^;]*|CREATE SCHEMA (IF NOT EXISTS )?\S[^;]*|CREATE TABLE \S.*|ALTER TABLE (ONLY )?\S.*);",
    re.DOTALL,
)


def _split_qualified(text: str) -> tuple[str | None, str]:
    """``"schema"."table"`` (as written in a dump) -> (schema, table), unquoted."""
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') else p.lower() for p in re.findall(_IDENT, text)]
    return (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])


def _dump_statements(fh) -> Iterator[tuple[str, str | None]]:
    """(kind, sql) pairs of a generator dump: ``("sql", stmt)`` or ``("copy", stmt)``;
    after a ``copy`` item the caller must consume the data lines up to ``\\.``."""
    buf: list[str] = []
    for raw in fh:
        line = raw.decode("utf-8")
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("--")):
            continue
        buf.append(line)
        if stripped.endswith(";"):
            stmt = "".join(buf).strip()
            buf = []
            yield ("copy" if stmt.startswith("COPY ") else "sql"), stmt
    if "".join(buf).strip():
        raise SqlSourceError("dump ends inside a statement")


def _pg_connect_kwargs(url: str | URL) -> dict[str, object]:
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        raise SqlSourceError(f"{mask_url(u)}: load_sql_dump needs a PostgreSQL URL")
    kwargs: dict[str, object] = u.translate_connect_args(username="user", database="dbname")
    for key, value in u.query.items():
        kwargs[key] = value if isinstance(value, str) else value[-1]
    return kwargs


def load_sql_dump(
    dump_path: str | os.PathLike[str], url: str | URL, *, copy_chunk_bytes: int = 1 << 20
) -> DumpLoadResult:
    """Load a plain SQL dump of the registry generator into PostgreSQL at ``url``.

    Executes the dump's ``SET``/``CREATE SCHEMA``/``CREATE TABLE``/``ALTER TABLE``
    statements and feeds each ``COPY … FROM stdin`` block through psycopg's
    ``cursor.copy`` in chunks of about ``copy_chunk_bytes`` (memory stays bounded).
    Any other statement is refused. Every table the dump creates is dropped first, and
    the whole load is one transaction, so reloading gives the same result and a failed
    load leaves nothing behind. The row counts are checked against the dump's
    ``-- rows: N`` trailer when present. Returns the tables loaded and their rows.
    """
    import psycopg  # only needed here

    path = Path(dump_path)
    kwargs = _pg_connect_kwargs(url)
    tables: dict[str, int] = {}
    try:
        conn = psycopg.connect(**kwargs)
    except psycopg.Error as exc:
        raise SqlSourceError(f"cannot connect to {mask_url(url)}: {exc}") from None
    with conn, path.open("rb") as fh:  # commits on success, rolls back on error
        cur = conn.cursor()
        # A connection left open elsewhere (a reader's transaction holds a lock on the table) makes the DROP below
        # fail after a minute, naming the lock, instead of waiting for ever.
        cur.execute("SET lock_timeout = '60s'")
        for kind, stmt in _dump_statements(fh):
            if kind == "sql":
                bare = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", stmt)
                if not _ALLOWED.fullmatch(stmt) or ";" in bare[:-1]:
                    raise SqlSourceError(f"{path}: statement not allowed in a dump: {stmt[:80]!r}")
                m = _CREATE_TABLE.match(stmt)
                if m:
                    cur.execute(f"DROP TABLE IF EXISTS {m.group(1)} CASCADE")
                    tables.setdefault(m.group(1), 0)
                cur.execute(stmt)
                continue
            m = _COPY.fullmatch(stmt)
            if m is None:
                raise SqlSourceError(f"{path}: unsupported COPY statement: {stmt[:80]!r}")
            target, rows = m.group(1), 0
            with cur.copy(stmt[:-1]) as copy:
                chunk: list[bytes] = []
                size = 0
                for raw in fh:
                    if raw.rstrip(b"\r\n") == b"\\.":
                        break
                    chunk.append(raw)
                    size += len(raw)
                    rows += 1
                    if size >= copy_chunk_bytes:
                        copy.write(b"".join(chunk))
                        chunk, size = [], 0
                else:
                    raise SqlSourceError(f"{path}: COPY block for {target} has no terminating \\.")
                if chunk:
                    copy.write(b"".join(chunk))
            tables[target] = tables.get(target, 0) + rows
        declared = _declared_rows(path)
        if declared is not None and declared != sum(tables.values()):  # raising rolls back
            raise SqlSourceError(f"{path}: read {sum(tables.values())} rows, the dump declares {declared}")
    return DumpLoadResult(tuple(LoadedTable(*_split_qualified(t), n) for t, n in tables.items()))


def _declared_rows(path: Path) -> int | None:
    """N of the generator's ``-- rows: N`` trailer, if the file ends with one."""
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 256))
        tail = fh.read().decode("utf-8", "replace")
    m = re.search(r"^-- rows: (\d+)\s*\Z", tail, re.MULTILINE)
    return int(m.group(1)) if m else None
