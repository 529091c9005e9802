"""Write the marts aside, validate, swap them in: readers never block a run, a failed run changes nothing.

Layout under the warehouse directory ``<root>``::

    <root>/analytics.duckdb                          schema "marts": aggregates, dimensions,
                                                     pseudonymised entity tables (mode 0640)
    <root>/restricted.duckdb                         schema "entities": person level (mode 0600)
    <root>/marts/analytics/<table>.parquet           the analytics tables as Parquet; per-ward tables as
    <root>/marts/analytics/<table>/new_ward_code=<code>/data.parquet   (hive partitions)

Every table is a real DuckDB table (no view over a Parquet path), so the files hold no
absolute path and the folder can be moved. A publication builds ``analytics.duckdb.tmp-<run>``,
``.restricted.duckdb.tmp-<run>/restricted.duckdb`` (in a 0700 folder: person-level rows) and
``marts/.analytics.tmp-<run>/`` in two background threads while the validators run on the frames, and only when both are done and every gate passed renames them
over the published ones (``os.replace``; the Parquet folder
by two renames). An analyst's open read-only connection keeps reading the old file, which
stays valid until closed; a failed validation or a killed run leaves the previous publication
in place (stale ``*.tmp-*`` leftovers are removed by the next run). Writers are serialised by
the warehouse's lock file (pipelines/warehouse.py), waiting up to a timeout.

Parquet is deterministic: rows sorted by primary key, fixed compression and row-group size,
no timestamps, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schema import MART_SCHEMA, RESTRICTED_SCHEMA, WARD_PARTITION, WARD_PARTITIONED, Table
from pipelines.warehouse import LOCK_TIMEOUT_ENV, Warehouse, _quote_ident, arrow_table, comment_sql, create_table_sql
from pipelines.warehouse import lock_timeout as warehouse_lock_timeout

ANALYTICS_FILENAME = "analytics.duckdb"
RESTRICTED_FILENAME = "restricted.duckdb"
PARQUET_DIR = Path("marts") / "analytics"
ANALYTICS_MODE = 0o640  # analysts' group may read
RESTRICTED_MODE = 0o600  # the pipeline's account only; grant per person
ROW_GROUP_SIZE = 131_072
# restricted.duckdb without DuckDB's dictionary compression: it is tried on every string column segment while
# writing, and on the restricted mart's high-cardinality columns (ids, record keys, addresses) it is analysed for
# nothing (FSST wins): a third of the write (1M people: 12.5 -> 8.4 CPU s) for a file ~23 % larger (267 -> 330 MiB).
# Same tables and values. analytics.duckdb keeps it (no CPU saved there, 55 -> 64 MiB).
RESTRICTED_DISABLED_COMPRESSION = "dictionary"

Validator = Callable[[Table, pl.DataFrame], list[str]]


class PublishRejected(Exception):
    """Validation failed: the previous marts were left in place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s), previous marts kept: " + "; ".join(problems[:10]))


class LockTimeout(TimeoutError):
    pass


@dataclass
class Published:
    analytics_path: Path
    restricted_path: Path
    parquet_dir: Path
    rows: dict[str, int] = field(default_factory=dict)  # "<schema>.<table>" -> rows


def schema_validator(table: Table, frame: pl.DataFrame) -> list[str]:
    return table.validate(frame)


def lock_timeout() -> float:
    """The marts' wait for the warehouse's writer lock: ``$WARDBRIDGE_LOCK_TIMEOUT``, else 600 s."""
    return warehouse_lock_timeout(default=600.0)


def write_duckdb(
    path: Path,
    schema: str,
    tables: Iterable[tuple[Table, pl.DataFrame]],
    mode: int,
    disabled_compression: str = "",
) -> None:
    """A new DuckDB file with one real table per declaration (comments from schema.py)."""
    path.unlink(missing_ok=True)
    # one DuckDB thread: the write runs beside the validators on a shared machine, and DuckDB's parallel
    # insert and compression cost ~30 % more CPU for the same file (1M run, restricted mart: 19.6 -> 14.1 CPU s)
    with duckdb.connect(str(path), config={"threads": 1}) as con:
        if disabled_compression:
            con.execute(f"SET disabled_compression_methods = '{disabled_compression}'")
        con.execute(f"CREATE SCHEMA {_quote_ident(schema)}")
        for table, frame in tables:
            con.execute(create_table_sql(table, schema))
            # Arrow with Polars' own string views (zero-copy; DuckDB reads them): the comments go in below, so the
            # Parquet field metadata of ``arrow_table`` (and its copy into large strings) is not needed here
            con.register("_incoming", table.cast(frame).to_arrow(compat_level=pl.CompatLevel.newest()))
            con.execute(f"INSERT INTO {_quote_ident(schema)}.{_quote_ident(table.name)} SELECT * FROM _incoming")
            con.unregister("_incoming")
            for statement in comment_sql(table, schema):
                con.execute(statement)
        con.execute("CHECKPOINT")
    os.chmod(path, mode)


def _write_parquet(path: Path, table: Table, frame: pl.DataFrame) -> None:
    _write_arrow(path, arrow_table(table, frame))


def _write_arrow(path: Path, data: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        data,
        path,
        compression="zstd",
        compression_level=3,
        row_group_size=ROW_GROUP_SIZE,
        write_statistics=True,
    )


def write_parquet_tree(root: Path, tables: Iterable[tuple[Table, pl.DataFrame]]) -> None:
    """Each table as ``<table>.parquet``, or hive-partitioned by new_ward_code (column kept out of the files)."""
    for table, frame in tables:
        if table.name not in WARD_PARTITIONED:
            _write_parquet(root / f"{table.name}.parquet", table, frame)
            continue
        inner = Table(
            table.name, table.description, tuple(f for f in table.fields if f.name != WARD_PARTITION), table.primary_key
        )
        # the whole table (stably sorted by ward: each ward's rows keep their order) converted to Arrow
        # once, each ward's rows a zero-copy slice of it: the same files as converting each partition
        by_ward = _stable_sort_by_ward(frame)
        data = arrow_table(inner, by_ward.drop(WARD_PARTITION))
        offset = 0
        for code, n in by_ward.group_by(WARD_PARTITION, maintain_order=True).len().iter_rows():
            path = root / table.name / f"{WARD_PARTITION}={code}" / "data.parquet"
            _write_arrow(path, data.slice(offset, n))
            offset += n


def _stable_sort_by_ward(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` stably sorted by its ward code: through an Enum of the codes in string order (an integer sort of
    the codes' positions, a quarter of the CPU of the string sort at 1M people), the same rows in the same order."""
    codes = frame[WARD_PARTITION]
    if codes.null_count():
        return frame.sort(WARD_PARTITION, maintain_order=True)
    return frame.sort(pl.col(WARD_PARTITION).cast(pl.Enum(codes.unique().sort())), maintain_order=True)


def _aside(final: Path, run: str) -> Path:
    """Where a mart file is written before it is swapped in. The restricted file (and DuckDB's write-ahead log
    beside it) is written inside a 0700 folder: under the run's umask (027) the analysts' group could otherwise
    read its person-level rows while it is being written."""
    if final.name == RESTRICTED_FILENAME:
        return final.with_name(f".{final.name}.tmp-{run}") / final.name
    return final.with_name(f"{final.name}.tmp-{run}")


def _clean_leftovers(root: Path) -> None:
    for pattern in (f"{ANALYTICS_FILENAME}.tmp-*", f"{RESTRICTED_FILENAME}.tmp-*"):
        for stale in root.glob(pattern):
            stale.unlink(missing_ok=True)
    for stale in root.glob(f".{RESTRICTED_FILENAME}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    marts = root / PARQUET_DIR.parent
    for stale in [*marts.glob(".analytics.tmp-*"), *marts.glob(".analytics.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def _swap_dir(new: Path, final: Path, run: str) -> None:
    old = final.with_name(f".analytics.old-{run}")
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


def publish_marts(
    root: Path,
    analytics: Iterable[tuple[Table, pl.DataFrame]],
    restricted: Iterable[tuple[Table, pl.DataFrame]],
    *,
    validators: Iterable[Validator] = (schema_validator,),
    extra_problems: Iterable[str] = (),
    run_id: str | None = None,
    timeout_s: float | None = None,
) -> Published:
    """Write aside, validate, swap in, under the warehouse's writer lock.

    A validator with a ``finish()`` attribute (``quality.gx.session_validator``: one GX context and
    one Data Docs site for every table) has it called after its last table, passed or not.

    Raises ``PublishRejected`` (nothing published, temporary files removed) when a validator
    or ``extra_problems`` (e.g. row accounting) reports a problem, ``LockTimeout`` when another
    writer holds the lock longer than ``timeout_s``.
    """
    run = (run_id or uuid.uuid4().hex)[:36]
    analytics, restricted = list(analytics), list(restricted)
    timeout = lock_timeout() if timeout_s is None else timeout_s
    wh = Warehouse(root)
    try:
        lock = wh._writer_lock(timeout)
        lock.__enter__()
    except TimeoutError as exc:
        raise LockTimeout(
            f"marts: could not take the writer lock {root / '.wardbridge.lock'} within {timeout:.0f}s: another "
            f"wardbridge run is writing to this warehouse; retry when it ends (or raise ${LOCK_TIMEOUT_ENV})"
        ) from exc
    try:
        _clean_leftovers(root)
        targets = {
            root / ANALYTICS_FILENAME: (MART_SCHEMA, analytics, ANALYTICS_MODE),
            root / RESTRICTED_FILENAME: (
                RESTRICTED_SCHEMA,
                restricted,
                RESTRICTED_MODE,
                RESTRICTED_DISABLED_COMPRESSION,
            ),
        }
        staged_dir = root / PARQUET_DIR.parent / f".analytics.tmp-{run}"

        def write_aside(final: Path) -> None:
            aside = _aside(final, run)
            if aside.parent != root:
                aside.parent.mkdir(mode=0o700)
                os.chmod(aside.parent, 0o700)  # whatever the umask
            write_duckdb(aside, *targets[final])
            if final.name == ANALYTICS_FILENAME:
                write_parquet_tree(staged_dir, analytics)

        # Writing aside (DuckDB and Arrow, which release the GIL: the two files in two threads, each DuckDB with
        # one thread) overlaps the validators (GX on pandas, mostly Python): nothing becomes visible before all
        # are done and every gate passed.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="marts-write") as pool:
            writing = [pool.submit(write_aside, final) for final in targets]
            try:
                problems = list(extra_problems)
                for validate in validators:
                    for table, frame in [*analytics, *restricted]:
                        problems += validate(table, frame)
                    if callable(finish := getattr(validate, "finish", None)):
                        finish()  # a validator gating every table in one session (quality/gx.session_validator)
            except BaseException:
                wait(writing)
                _clean_leftovers(root)
                raise
            write_error = next((e for e in (w.exception() for w in writing) if e is not None), None)  # waits
        if problems or write_error is not None:
            _clean_leftovers(root)
            if problems:
                raise PublishRejected(problems)
            raise write_error
        for final in targets:
            aside = _aside(final, run)
            os.replace(aside, final)
            if aside.parent != root:
                shutil.rmtree(aside.parent, ignore_errors=True)  # its private folder (a leftover WAL)
        _swap_dir(staged_dir, root / PARQUET_DIR, run)
    finally:
        lock.__exit__(None, None, None)
    rows = {f"{MART_SCHEMA}.{t.name}": f.height for t, f in analytics}
    rows |= {f"{RESTRICTED_SCHEMA}.{t.name}": f.height for t, f in restricted}
    return Published(root / ANALYTICS_FILENAME, root / RESTRICTED_FILENAME, root / PARQUET_DIR, rows)
