"""Publish Polars frames to the warehouse: one DuckDB file plus Parquet copies.

Layout under a warehouse directory ``<root>``::

    <root>/wardbridge.duckdb                      schemas "reference", "resolved", ...
    <root>/parquet/<schema>/<table>.parquet       same rows, one file per table

Every published table is described by a ``pipelines.schema.Table``: the DuckDB
DDL (column types, ``COMMENT ON TABLE/COLUMN``) and the Parquet field metadata
are derived from it, so a column is documented in exactly one place. Constraints
(required, allowed values, primary key) are written into the comments but not
enforced by DuckDB: quality/checks.py checks them on the published rows, so a
violation is reported by a check instead of aborting the write.

DuckDB allows one writer per file. ``publish`` writes all tables it is given in
one transaction, and serialises writers from several processes with an advisory
lock file next to the database (``<root>/.wardbridge.lock``), so parallel runs
wait for each other instead of failing on DuckDB's file lock. Another program holding
the file open (even read-only: a ``duckdb`` CLI, DBeaver or notebook session) keeps a
writer out: every write opens the file with ``connect_for_writing``, which waits up to
``$WARDBRIDGE_LOCK_TIMEOUT`` seconds (default 120) for it to close, then fails naming the
file and the holding process (``WarehouseBusy``).

File modes: every write first calls ``Warehouse.prepare``: the root is 0750 (the analysts'
group reaches analytics.duckdb, marts/ and reports/), wardbridge.duckdb is 0600 and
parquet/, review/, exports/ and status/ are 0700 (person-level data: the pipeline's account
only); modes of an existing warehouse are tightened, never widened. ``private_umask`` adds
0o027 to the process umask (``wardbridge run`` and the Dagster code location call it);
``private_modes`` adds it for one call's block (``write_report``, ``export``: called from Python under a shell's
umask 022 their files are 0640 and folders 0750 too).
DuckDB's write-ahead log wardbridge.duckdb.wal holds the same rows until a checkpoint (and stays
behind after a crash); DuckDB creates it at a commit, deletes it at each checkpoint and creates it
again at the next commit, so ``connect_writer`` holds umask 077 for the whole life of the writing
connection (the log, and a new database file, are born 0600) and ``prepare`` tightens a leftover log.

Crash safety (a run killed at any point, even by SIGKILL, leaves a readable warehouse
and a rerun produces what a clean run does):

* every Parquet file is written under a temporary name in its own directory
  (``.<name>.<pid>.partial``), flushed to disk (fsync), then renamed over the target
  with ``os.replace`` and the directory fsynced: a reader sees the old file or the
  new one, never half a file. Temporary files left by a killed process are ignored by
  readers (they do not end in ``.parquet``) and removed by the next write of that file;
* DuckDB changes are committed in one transaction; DuckDB's write-ahead log replays a
  committed transaction, and drops an uncommitted one, when the file is next opened;
* DuckDB and the Parquet copies are not one atomic unit: a run killed between the
  DuckDB commit and the Parquet renames leaves the DuckDB table newer than its Parquet
  copy until the next run republishes both.

``WARDBRIDGE_FAULT_AT`` (tests only) names a point, optionally ``point:n`` for its
n-th passage, where the process kills itself with SIGKILL: see ``fault_point``.

Plain Python on Polars/DuckDB/PyArrow: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schema import QUARANTINE, Field, Table, raw_table, staged_table

try:  # POSIX advisory locks; elsewhere writers are not serialised.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse"
WAREHOUSE_ENV = "WARDBRIDGE_WAREHOUSE"
DUCKDB_FILENAME = "wardbridge.duckdb"
LOCK_FILENAME = ".wardbridge.lock"
INPUT_COLUMN_DESCRIPTION = "Input column, carried through unchanged."
LOCK_TIMEOUT_ENV = "WARDBRIDGE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 120.0
LOCK_NOTE_EVERY_S = 30.0
# Run-level lock (docs/guide/dagster-job.md: One writer): `wardbridge run` holds <root>/.wardbridge-run.lock exclusively for
# all its jobs; every other run's step that uses the warehouse holds it shared (assets/resources.py), so no run the
# daemon launches works on the warehouse beside `wardbridge run`. RUN_LOCK_HELD_ENV ("<pid>:<root>") tells
# `wardbridge run`'s own steps (its process, or processes it starts) that their run already holds it.
RUN_LOCK_FILENAME = ".wardbridge-run.lock"
RUN_LOCK_HELD_ENV = "WARDBRIDGE_RUN_LOCK_HELD"
RUN_LOCK_TIMEOUT_ENV = "WARDBRIDGE_RUN_LOCK_TIMEOUT"
DEFAULT_RUN_LOCK_TIMEOUT_S = 4 * 3600.0  # a whole `wardbridge run` may be waited for (run monitoring's max runtime)

# File modes (docs/guide/querying.md: its table of files and modes). The root lets the analysts' group
# through to analytics.duckdb (0640, pipelines/publish/store.py), marts/ and reports/; others get nothing.
# Person-level data stays with the pipeline's account: wardbridge.duckdb 0600 and the folders below 0700
# (raw/staged/entity Parquet copies, the officials' per-ward files, the ministry exports, the ingest status).
# Enforced on every write: an existing warehouse is tightened (bits removed, never added).
ROOT_MODE = 0o750
PRIVATE_DIRS = ("parquet", "review", "exports", "status")
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o027
WRITER_UMASK = 0o077  # while wardbridge.duckdb is open for writing: its write-ahead log is created 0600

log = logging.getLogger("wardbridge.warehouse")


FAULT_ENV = "WARDBRIDGE_FAULT_AT"
FAULT_POINTS = (
    "parquet-mid-write",  # the temporary Parquet file is half written
    "parquet-before-rename",  # the temporary Parquet file is complete, the target still the old one
    "parquet-after-rename",  # a partition's file is replaced, its DuckDB view not yet refreshed
    "duckdb-mid-transaction",  # publish: the first table is replaced inside the open transaction
    "duckdb-after-commit",  # publish: DuckDB committed, the Parquet copies not yet written
)
_fault_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL here when ``$WARDBRIDGE_FAULT_AT`` names this point (tests only).

    ``WARDBRIDGE_FAULT_AT=<point>`` kills at the first passage, ``<point>:<n>`` at the n-th.
    Any name may be used by a caller (e.g. the ingest asset's "ingest-after-raw").
    """
    wanted = os.environ.get(FAULT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    if _fault_hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's live process
        return True
    return True


def _remove_stale_partials(target: Path) -> None:
    """Temporary files of ``target`` left by processes that no longer run (killed mid-write)."""
    for partial in target.parent.glob(f".{target.name}.*.partial"):
        pid = partial.name.removeprefix(f".{target.name}.").removesuffix(".partial")
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            partial.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` so that readers see the old file or the complete new one, never a part."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        _raise_naming(exc, target)
        raise
    _fsync_dir(target.parent)
    return target


def _raise_naming(exc: BaseException, target: Path) -> None:
    """Raise an OSError that names no file (a full disk: '[Errno 28] No space left on device', an I/O error) again,
    naming ``target``: the operator learns which disk filled. Other exceptions are left to the caller's ``raise``."""
    if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc


def write_parquet_atomic(data: pa.Table, target: Path, *, row_group_rows: int = 65_536) -> Path:
    """Write ``data`` to ``target`` so that readers see the old file or the complete new one, never a part."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as handle:
            with pq.ParquetWriter(handle, data.schema, compression="zstd") as writer:
                for start in range(0, data.num_rows, row_group_rows):
                    writer.write_table(data.slice(start, row_group_rows))
                    handle.flush()
                    fault_point("parquet-mid-write")
            handle.flush()
            os.fsync(handle.fileno())
        fault_point("parquet-before-rename")
        os.replace(partial, target)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        _raise_naming(exc, target)
        raise
    _fsync_dir(target.parent)
    return target


def default_warehouse_dir() -> Path:
    """``$WARDBRIDGE_WAREHOUSE`` if set, else ``warehouse/`` under the repository root."""
    configured = os.environ.get(WAREHOUSE_ENV, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_WAREHOUSE


@contextlib.contextmanager
def file_lock(
    path: Path,
    timeout_s: float,
    busy: str | Callable[[IO[str]], str],
    *,
    shared: bool = False,
    note: Callable[[str], None] | None = None,
    timed_out: Callable[[str], Exception] | None = None,
    file_mode: int = 0o666,
) -> Iterator[IO[str] | None]:
    """An advisory ``flock`` on ``path`` (created with ``file_mode``, less the umask), exclusive or ``shared``, waited
    for up to ``timeout_s`` seconds; yields the open file (``None`` where there are no advisory locks).

    Writers from several processes wait for each other instead of failing on DuckDB's file lock. ``busy`` says what
    holds the lock: a text, or a function of the open file telling it (called only when it is needed). While waiting,
    ``note`` (if given) is called with ``busy`` at the start and every ``LOCK_NOTE_EVERY_S`` seconds; after the
    timeout, the error ``timed_out(busy)`` is raised (default a ``TimeoutError`` saying ``<busy> for over <timeout>s``).
    The kernel releases the lock when its holder dies (even SIGKILLed), and the processes it starts do not inherit it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - no advisory locks: writers are not serialised
        yield None
        return
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, file_mode), "r+") as handle:
        started = time.monotonic()
        next_note = started
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                timeout = now - started > timeout_s
                if timeout or (note is not None and now >= next_note):
                    holder = busy if isinstance(busy, str) else busy(handle)
                    if timeout:
                        if timed_out is not None:
                            raise timed_out(holder) from None
                        raise TimeoutError(f"{holder} for over {timeout_s:.0f}s") from None
                    note(holder)
                    next_note = now + LOCK_NOTE_EVERY_S
                time.sleep(0.2)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class RunLockTimeout(TimeoutError):
    """The warehouse's run lock stayed held (by `wardbridge run`, or by other runs' steps) for longer than the
    run-lock timeout."""


def run_lock_holder(root: Path) -> int | None:
    """The pid the last exclusive holder of ``root``'s run lock wrote into it (`wardbridge run`), if it still runs."""
    try:
        text = (Path(root) / RUN_LOCK_FILENAME).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and pid_alive(int(text)) else None


def run_lock_held_here(root: Path) -> bool:
    """Whether ``$WARDBRIDGE_RUN_LOCK_HELD`` says a live `wardbridge run` of this process tree holds ``root``'s run
    lock: its steps then take no lock of their own (they would wait for their own run)."""
    pid, _, held = os.environ.get(RUN_LOCK_HELD_ENV, "").partition(":")
    if not pid.isdigit() or not held:
        return False
    return Path(held).resolve() == Path(root).resolve() and pid_alive(int(pid))


@contextlib.contextmanager
def run_lock(
    root: Path,
    *,
    shared: bool,
    timeout_s: float | None = None,
    note: Callable[[str], None] | None = None,
    limit_s: float | None = None,
) -> Iterator[None]:
    """Hold ``<root>/.wardbridge-run.lock``: exclusively (`wardbridge run`, for all its jobs: it writes its pid into
    the file) or shared (a step of any other run). Waits up to ``timeout_s`` (default ``$WARDBRIDGE_RUN_LOCK_TIMEOUT``,
    else 4 h), calling ``note`` with a line saying what it waits for at the start and every 30 s; then raises
    :class:`RunLockTimeout` naming the warehouse. An advisory ``flock``: the kernel releases it when its holder dies
    (even SIGKILLed), and the descriptor is not inherited by the processes the holder starts. ``limit_s``: the limit
    its lines name, when ``timeout_s`` is what is left of it (`wardbridge run`'s, after waiting for the daemon's runs;
    before, its lines said 'up to 2.99688s' of a limit of 3)."""
    root = Path(root)
    timeout = lock_timeout(DEFAULT_RUN_LOCK_TIMEOUT_S, RUN_LOCK_TIMEOUT_ENV) if timeout_s is None else timeout_s
    limit = timeout if limit_s is None else limit_s
    path = root / RUN_LOCK_FILENAME

    def busy(handle: IO[str]) -> str:
        if shared or not _run_lock_free_of(handle):  # an exclusive holder: a `wardbridge run`
            holder = run_lock_holder(root)
            return f"`wardbridge run` (pid {holder})" if holder is not None else "`wardbridge run`"
        return "another run's step"  # only shared holders: steps of runs the daemon (or the UI, a sensor) launched

    def timed_out(holder: str) -> RunLockTimeout:
        return RunLockTimeout(
            f"warehouse {root}: {holder} held its run lock ({path.name}) for over {limit:g}s "
            f"(${RUN_LOCK_TIMEOUT_ENV}); let it finish, then run again"
        )

    def waiting(holder: str) -> None:
        note(
            f"waiting for {holder} on warehouse {root} (run lock {path.name}; up to {limit:g}s, ${RUN_LOCK_TIMEOUT_ENV})"
        )

    with file_lock(
        path,
        timeout,
        busy,
        shared=shared,
        note=waiting if note is not None else None,
        timed_out=timed_out,
        file_mode=PRIVATE_FILE_MODE,  # 0600: the account's
    ) as handle:
        if handle is not None and not shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        yield


def _run_lock_free_of(handle) -> bool:  # noqa: ANN001 - an open file
    """Whether no exclusive holder blocks ``handle``: a shared lock can be had (then only shared holders block)."""
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(handle, fcntl.LOCK_UN)
    return True


def private_umask() -> int:
    """Add ``PRIVATE_UMASK`` (no write for the group, nothing for others) to this process's umask; returns the old
    one. ``wardbridge run`` and the Dagster code location (assets/definitions.py) call it, so what a run writes
    anywhere is never world-readable."""
    return _add_umask(PRIVATE_UMASK)


_PRIVATE_MODES = threading.Lock()


@dataclass
class _ModesHeld:
    blocks: int = 0  # private_modes blocks open in any thread
    umask: int = 0  # the caller's umask, put back when the last block ends


_PRIVATE_MODES_HELD = _ModesHeld()


@contextlib.contextmanager
def private_modes() -> Iterator[None]:
    """``PRIVATE_UMASK`` added to the process umask for the block, the caller's umask put back after it: the files
    and folders made in it are 0640 and 0750 at most (a stricter umask stays stricter) whatever umask the caller had.
    For the engine functions a Python caller may call without ``private_umask`` (``write_report``, ``export``).
    The umask is process-wide: another thread creating a file meanwhile gets the stricter mode too (never a wider
    one), as under ``Warehouse.connect_writer``; blocks open in several threads at once put the caller's umask back
    when the last one ends (the first to end must not widen it under the others)."""
    held = _PRIVATE_MODES_HELD
    with _PRIVATE_MODES:
        if not held.blocks:
            held.umask = _add_umask(PRIVATE_UMASK)
        held.blocks += 1
    try:
        yield
    finally:
        with _PRIVATE_MODES:
            held.blocks -= 1
            if not held.blocks:
                os.umask(held.umask)


def _add_umask(bits: int) -> int:
    """Add ``bits`` to this process's umask; returns the old one."""
    old = os.umask(bits)
    os.umask(old | bits)
    return old


_MODE_WARNED: set[str] = set()


def _tighten(path: Path, mode: int) -> None:
    """Remove from ``path``'s mode the bits ``mode`` does not have (never adds any); warns once if it cannot."""
    try:
        current = path.stat().st_mode & 0o7777
        if current & ~mode & 0o777:
            os.chmod(path, current & mode)
    except FileNotFoundError:
        return
    except PermissionError as exc:  # not our file: say so once, the write itself decides whether it can go on
        if str(path) not in _MODE_WARNED:
            _MODE_WARNED.add(str(path))
            log.warning(f"cannot restrict the mode of {path} to {mode:o}: {exc.strerror}")


class WarehouseBusy(TimeoutError):
    """Another process (an analyst's or official's DuckDB session, even read-only) held the DuckDB file
    for longer than the lock timeout, so it could not be opened for writing; or another process (another run, a
    read-write session) was writing it that long, so it could not be opened for reading."""


_GAVE_UP: set[str] = set()  # files this process already waited the full timeout for: later writers do not wait again


def lock_timeout(default: float = DEFAULT_LOCK_TIMEOUT_S, env: str = LOCK_TIMEOUT_ENV) -> float:
    """Seconds a writer waits: ``$WARDBRIDGE_LOCK_TIMEOUT``, else ``default`` (120: for a DuckDB file another
    process holds; the marts' writer lock passes its own). ``env``: another variable (the run lock's)."""
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"${env} must be a number of seconds, not {text!r}") from None
    if not value >= 0:  # (also refuses nan, which would make the wait endless)
        raise ValueError(f"${env} must be 0 or more seconds, not {text!r}")
    return value


def _lock_holder(message: str) -> str:
    """'program (PID n)' from DuckDB's 'Conflicting lock is held in <program> (PID <n>)', else 'another process'."""
    found = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", message)
    return f"{found.group(1)} (PID {found.group(2)})" if found else "another process"


def connect_for_writing(path: Path, timeout_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write DuckDB connection to ``path``, waiting while another process holds the file.

    DuckDB cannot open a file for writing while any other process has it open, even read-only
    (a ``duckdb -readonly`` session, DBeaver, a notebook): it raises IOException "Could not set lock
    on file ... Conflicting lock is held in <program> (PID n)". Then this retries every second for up
    to ``timeout_s`` (default :func:`lock_timeout`), logging a warning at the start and every 30 s, and
    finally raises :class:`WarehouseBusy` naming the file and the holding process. Once a wait in this
    process has timed out for a file, later calls try once and do not wait again, so a run whose
    warehouse stays held fails in one timeout, not one per step.
    """
    return _connect_waiting(path, timeout_s, read_only=False)


def connect_for_reading(path: Path, timeout_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to ``path``, waiting as :func:`connect_for_writing` does while another process
    writes the file (another run's step, a read-write session): DuckDB refuses a reader then too, with the same
    "Could not set lock" error, which failed the step at once (two runs on one warehouse)."""
    return _connect_waiting(path, timeout_s, read_only=True)


def _connect_waiting(path: Path, timeout_s: float | None, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    timeout = lock_timeout() if timeout_s is None else timeout_s
    key = str(Path(path).resolve())
    started = time.monotonic()
    deadline = started + (0.0 if key in _GAVE_UP else timeout)
    next_note = started
    held = "open for writing in" if read_only else "open in"
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc):
                raise
            holder, now = _lock_holder(str(exc)), time.monotonic()
            if now >= deadline:
                how = (
                    "not waiting again: an earlier wait of this process timed out"
                    if key in _GAVE_UP
                    else f"waited {now - started:.0f}s"
                )
                _GAVE_UP.add(key)
                if read_only:
                    raise WarehouseBusy(
                        f"{path} is {held} {holder}, so wardbridge cannot read it ({how}; "
                        f"${LOCK_TIMEOUT_ENV}={timeout:g}s): let that run finish or close that read-write session, "
                        "then run again"
                    ) from None
                raise WarehouseBusy(
                    f"{path} is {held} {holder}, so wardbridge cannot write to it ({how}; "
                    f"${LOCK_TIMEOUT_ENV}={timeout:g}s): close that session (a duckdb/DBeaver/Python connection, "
                    "even a read-only one), then run again"
                ) from None
            if now >= next_note:
                log.warning(
                    f"{path} is {held} {holder}: waiting up to {deadline - now:.0f}s more for it to close "
                    f"(${LOCK_TIMEOUT_ENV})"
                )
                next_note = now + LOCK_NOTE_EVERY_S
            time.sleep(min(1.0, max(deadline - now, 0.05)))
            continue
        _GAVE_UP.discard(key)
        return con


# --------------------------------------------------------------------------- types


def duckdb_type(dtype: pl.DataType | type[pl.DataType]) -> str:
    """DuckDB SQL type for a Polars dtype (the subset wardbridge tables use)."""
    simple: dict[type[pl.DataType], str] = {
        pl.String: "VARCHAR",
        pl.Categorical: "VARCHAR",
        pl.Boolean: "BOOLEAN",
        pl.Int8: "TINYINT",
        pl.Int16: "SMALLINT",
        pl.Int32: "INTEGER",
        pl.Int64: "BIGINT",
        pl.UInt8: "UTINYINT",
        pl.UInt16: "USMALLINT",
        pl.UInt32: "UINTEGER",
        pl.UInt64: "UBIGINT",
        pl.Float32: "FLOAT",
        pl.Float64: "DOUBLE",
        pl.Date: "DATE",
        pl.Time: "TIME",
        pl.Binary: "BLOB",
        pl.Null: "VARCHAR",
    }
    base = dtype if isinstance(dtype, type) else dtype.base_type()
    if base in simple:
        return simple[base]
    if base is pl.Datetime:
        tz = getattr(dtype, "time_zone", None)
        return "TIMESTAMPTZ" if tz else "TIMESTAMP"
    if base is pl.Duration:
        return "INTERVAL"
    if base is pl.Decimal:
        precision = getattr(dtype, "precision", None) or 38
        scale = getattr(dtype, "scale", None) or 0
        return f"DECIMAL({precision},{scale})"
    if base is pl.List or base is pl.Array:
        inner = getattr(dtype, "inner", None)
        if inner is None:
            raise TypeError(f"list dtype without an inner type: {dtype!r}")
        return f"{duckdb_type(inner)}[]"
    raise TypeError(f"no DuckDB type for Polars dtype {dtype!r}")


def quote_ident(name: str) -> str:
    """A DuckDB identifier (schema, table, column) quoted, its own quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_comment(f: Field) -> str:
    """Field description plus its declared constraints, for COMMENT ON COLUMN."""
    notes = []
    if f.required:
        notes.append("required")
    if f.allowed is not None:
        notes.append("allowed: " + ", ".join(f.allowed))
    return f.description + (f" [{'; '.join(notes)}]" if notes else "")


def table_comment(table: Table) -> str:
    if table.primary_key:
        return f"{table.description} [primary key: {', '.join(table.primary_key)}]"
    return table.description


# --------------------------------------------------------------------------- tables


def table_for_frame(
    base: Table,
    frame: pl.DataFrame,
    *,
    name: str | None = None,
    description: str | None = None,
    input_description: str = INPUT_COLUMN_DESCRIPTION,
    descriptions: Mapping[str, str] | None = None,
) -> Table:
    """Declaration for ``frame``: columns declared by ``base`` plus the frame's other columns.

    Used for the resolver output, which is the caller's input columns followed by the
    ``RESOLVED_ADDRESS`` columns: undeclared (input) columns keep their Polars dtype and
    get ``descriptions[column]`` or ``input_description``; declared ones keep their
    declaration. Column order is the frame's.
    """
    declared = {f.name: f for f in base.fields}
    descriptions = descriptions or {}
    fields = tuple(
        declared.get(column, Field(column, frame.schema[column], descriptions.get(column, input_description)))
        for column in frame.columns
    )
    missing = [f.name for f in base.fields if f.name not in frame.columns]
    if missing:
        raise ValueError(f"table {base.name}: frame lacks declared columns {missing}")
    return Table(
        name=name or base.name,
        description=description or base.description,
        fields=fields,
        primary_key=base.primary_key,
    )


def create_table_sql(table: Table, schema: str) -> str:
    columns = ",\n    ".join(f"{quote_ident(f.name)} {duckdb_type(f.dtype)}" for f in table.fields)
    return f"CREATE OR REPLACE TABLE {quote_ident(schema)}.{quote_ident(table.name)} (\n    {columns}\n)"


def comment_sql(table: Table, schema: str) -> list[str]:
    qualified = f"{quote_ident(schema)}.{quote_ident(table.name)}"
    statements = [f"COMMENT ON TABLE {qualified} IS {_quote_literal(table_comment(table))}"]
    statements += [
        f"COMMENT ON COLUMN {qualified}.{quote_ident(f.name)} IS {_quote_literal(column_comment(f))}"
        for f in table.fields
    ]
    return statements


def arrow_table(table: Table, frame: pl.DataFrame) -> pa.Table:
    """``frame`` in declared column order and types, descriptions as Parquet field metadata."""
    data = table.cast(frame).to_arrow()
    fields = [data.schema.field(f.name).with_metadata({"description": column_comment(f)}) for f in table.fields]
    schema = pa.schema(
        fields,
        metadata={"wardbridge.table": table.name, "description": table_comment(table)},
    )
    return data.cast(schema)


# --------------------------------------------------------------------------- warehouse


@dataclass(frozen=True)
class PublishedTable:
    schema: str
    name: str
    rows: int
    duckdb_path: Path
    parquet_path: Path

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Warehouse:
    root: Path

    @classmethod
    def default(cls) -> Warehouse:
        return cls(default_warehouse_dir())

    @property
    def duckdb_path(self) -> Path:
        return self.root / DUCKDB_FILENAME

    def parquet_path(self, schema: str, name: str) -> Path:
        return self.root / "parquet" / schema / f"{name}.parquet"

    def prepare(self) -> None:
        """Create the root (``ROOT_MODE``) and the private folders (``PRIVATE_DIR_MODE``), and tighten them and
        wardbridge.duckdb when they exist with wider modes. Called before every write."""
        if not self.root.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
        _tighten(self.root, ROOT_MODE)
        for name in PRIVATE_DIRS:
            folder = self.root / name
            folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
            _tighten(folder, PRIVATE_DIR_MODE)
        _tighten(self.duckdb_path, PRIVATE_FILE_MODE)
        _tighten(self.wal_path, PRIVATE_FILE_MODE)  # left behind by a crash (or by a version before umask 077)

    def _writer_lock(self, timeout_s: float = 600.0) -> contextlib.AbstractContextManager[IO[str] | None]:
        self.prepare()
        return file_lock(self.root / LOCK_FILENAME, timeout_s, f"another process has been writing to {self.root}")

    @property
    def wal_path(self) -> Path:
        """DuckDB's write-ahead log of wardbridge.duckdb (committed rows not yet checkpointed)."""
        return self.root / f"{DUCKDB_FILENAME}.wal"

    @contextlib.contextmanager
    def connect_writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """``with wh.connect_writer() as con``: wardbridge.duckdb opened for writing (``connect_for_writing``),
        mode 0600, closed on exit. Take ``_writer_lock`` first.

        The process umask is ``WRITER_UMASK`` (077, added to the current one) until the connection is closed:
        DuckDB creates wardbridge.duckdb.wal at a commit, not at connect, and again after every checkpoint,
        so a chmod at connect would not cover it. The umask is process-wide: another thread creating a file
        meanwhile gets 0600 too (stricter, never wider); the writers that matter are serialised by the writer
        lock (the marts' threads run under it, so never beside this connection)."""
        old = _add_umask(WRITER_UMASK)
        try:
            con = connect_for_writing(self.duckdb_path)
            try:
                search_warehouse(con, self.root)
                _tighten(self.duckdb_path, PRIVATE_FILE_MODE)
                _tighten(self.wal_path, PRIVATE_FILE_MODE)
                yield con
            finally:
                con.close()  # checkpoints: DuckDB removes the log
        finally:
            os.umask(old)

    def publish(self, schema: str, tables: Sequence[tuple[Table, pl.DataFrame]]) -> list[PublishedTable]:
        """Write each (declaration, frame) to ``<schema>.<table>`` in DuckDB and to Parquet.

        All DuckDB tables are replaced in one transaction; then each Parquet file is written to a
        temporary name, fsynced and renamed into place (``write_parquet_atomic``). Frames are cast to the declaration first, so a
        missing column fails here with the table's name.
        """
        prepared = [(table, arrow_table(table, frame)) for table, frame in tables]
        with self._writer_lock():
            with self.connect_writer() as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
                    for table, data in prepared:
                        con.execute(create_table_sql(table, schema))
                        con.register("_wardbridge_incoming", data)
                        con.execute(
                            f"INSERT INTO {quote_ident(schema)}.{quote_ident(table.name)} "
                            "SELECT * FROM _wardbridge_incoming"
                        )
                        con.unregister("_wardbridge_incoming")
                        for statement in comment_sql(table, schema):
                            con.execute(statement)
                        fault_point("duckdb-mid-transaction")
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            fault_point("duckdb-after-commit")
            published = []
            for table, data in prepared:
                target = write_parquet_atomic(data, self.parquet_path(schema, table.name))
                published.append(PublishedTable(schema, table.name, data.num_rows, self.duckdb_path, target))
        return published

    @contextlib.contextmanager
    def connect_reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """``with wh.connect_reader() as con``: wardbridge.duckdb read-only, with ``file_search_path`` set to
        the warehouse root so the raw/staged/quarantine views (relative ``read_parquet`` paths) read."""
        with connect_for_reading(self.duckdb_path) as con:  # waits while another process writes it
            yield search_warehouse(con, self.root)

    def read(self, schema: str, name: str) -> pl.DataFrame:
        """Read a published table (or view) back from DuckDB (read-only connection)."""
        with self.connect_reader() as con:
            return con.sql(f"SELECT * FROM {quote_ident(schema)}.{quote_ident(name)}").pl()

    def comments(self, schema: str, name: str) -> tuple[str | None, dict[str, str | None]]:
        """(table comment, {column: comment}) as stored in DuckDB."""
        with self.connect_reader() as con:
            found = con.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, name]
            ).fetchone()
            if found is None:
                raise KeyError(f"{schema}.{name} is not in {self.duckdb_path}")
            columns = con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                "ORDER BY column_index",
                [schema, name],
            ).fetchall()
        return found[0], dict(columns)


# --------------------------------------------------------------------------- partitioned layers


def partition_dir(key: str) -> str:
    """A partition key as a directory name ('population_770@2025-08-31' is safe as is)."""
    return "part=" + "".join(c if c.isalnum() or c in "-_@.=" else "_" for c in key)


@dataclass(frozen=True)
class PartitionedLayer:
    """One table per registry written one partition (source extract) at a time.

    Each partition is its own Parquet file, ``parquet/<layer>/<table>/part=<key>/data.parquet``,
    replaced atomically when the partition is reloaded, so partitions load, reload and
    backfill independently without a shared writer. DuckDB sees the union of the
    partitions through a view ``<layer>.<table>``, refreshed after each write.
    """

    warehouse: Warehouse
    layer: str  # raw, staged, quarantine

    def path(self, table: str, partition_key: str) -> Path:
        return self.warehouse.root / "parquet" / self.layer / table / partition_dir(partition_key) / "data.parquet"

    def write(
        self, table: Table, partition_key: str, frame: pl.DataFrame, name: str | None = None, *, refresh: bool = True
    ) -> Path:
        """Write one partition; ``refresh=False`` leaves the view to a later :func:`refresh_views`."""
        name = name or table.name
        self.warehouse.prepare()
        target = write_parquet_atomic(arrow_table(table, frame), self.path(name, partition_key))
        fault_point("parquet-after-rename")
        if refresh:
            self.refresh_view(table, name)
        return target

    def read(self, table: str, partition_key: str) -> pl.DataFrame:
        path = self.path(table, partition_key)
        if not path.exists():
            raise FileNotFoundError(f"{self.layer}.{table}: partition {partition_key} has not been loaded ({path})")
        return pl.read_parquet(path)

    def scan(self, table: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.warehouse.root / "parquet" / self.layer / table / "part=*" / "data.parquet")

    def refresh_flagged_view(self, name: str) -> None:
        """``review.<name>_flagged``: the rows of ``<layer>.<name>`` with something found wrong (``issues``).

        Fields a record can live without (a birth date, an ID, a phone) are flagged rather than
        quarantined (pipelines/schema.py, ``on_missing``/``on_invalid``); this view is where a person
        finds them, with the record's lineage and ward.
        """
        view = f"{name}_flagged"
        with self.warehouse._writer_lock():
            with self.warehouse.connect_writer() as con:
                con.execute("CREATE SCHEMA IF NOT EXISTS review")
                con.execute(
                    f"CREATE OR REPLACE VIEW review.{quote_ident(view)} AS SELECT record_key, source_id, extract_date, "
                    f"source_file, source_key, issues, old_uid, new_uid, ward_status "
                    f"FROM {quote_ident(self.layer)}.{quote_ident(name)} WHERE issues IS NOT NULL"
                )
                comment = f"Rows of {self.layer}.{name} staged with a flag (column issues) for a person to check."
                con.execute(f"COMMENT ON VIEW review.{quote_ident(view)} IS {_quote_literal(comment)}")

    def refresh_view(self, table: Table, name: str) -> None:
        refresh_views(self.warehouse, [(self.layer, table, name)])


def search_warehouse(con: duckdb.DuckDBPyConnection, root: Path) -> duckdb.DuckDBPyConnection:
    """``SET file_search_path`` to the warehouse root on ``con`` (returned): the views over the partitioned
    layers name their files relative to the root (``partition_view_sql``), so the folder can be moved.
    DuckDB splits the setting at commas: a root whose path holds one cannot be searched (logged)."""
    where = str(Path(root).resolve())
    if "," in where:
        log.warning(
            f"{where}: a comma in the warehouse path: its raw/staged/quarantine views will not find their files"
        )
    con.execute(f"SET file_search_path = {_quote_literal(where)}")
    return con


def partition_view_sql(layer: str, name: str) -> str:
    """The SELECT of the view ``<layer>.<name>`` over its partition files, with a path relative to the warehouse
    root (no absolute path is stored in wardbridge.duckdb): it reads on a connection made by ``connect_writer`` /
    ``connect_reader`` (``search_warehouse``), or by an analyst who runs ``SET file_search_path = '<warehouse>'``
    or starts in the warehouse folder."""
    glob = f"parquet/{layer}/{name}/part=*/data.parquet"
    return f"SELECT * FROM read_parquet({_quote_literal(glob)}, union_by_name = true)"


def refresh_views(warehouse: Warehouse, views: Iterable[tuple[str, Table, str]]) -> None:
    """(Re)create the views ``<layer>.<name>`` over the partition files of each (layer, table, name),
    in one connection under the writer lock (after writes made with ``PartitionedLayer.write(refresh=False)``).
    The views name their files relative to the warehouse root (``partition_view_sql``)."""
    views = list(views)
    if not views:
        return
    with warehouse._writer_lock():
        with warehouse.connect_writer() as con:
            for layer, table, name in views:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(layer)}")
                con.execute(
                    f"CREATE OR REPLACE VIEW {quote_ident(layer)}.{quote_ident(name)} AS {partition_view_sql(layer, name)}"
                )
                con.execute(
                    f"COMMENT ON VIEW {quote_ident(layer)}.{quote_ident(name)} IS {_quote_literal(table_comment(table))}"
                )


def ingest_views(registry: str) -> list[tuple[str, Table, str]]:
    """The (layer, table, name) views an ingest of ``registry`` writes: raw, staged and its quarantine."""
    raw, staged = raw_table(registry), staged_table(registry)
    return [
        ("raw", raw, raw.name),
        ("staged", staged, staged.name),
        ("quarantine", QUARANTINE, f"quarantine_{registry}"),
    ]
