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
exchanged with the published one in one step where Linux allows, else by two renames, the one renamed aside put
back by the next run if the process died between them). An analyst's open read-only connection keeps reading the old file, which
stays valid until closed; a failed validation or a killed run leaves the previous publication
in place (stale ``*.tmp-*`` leftovers are removed by the next run). Writers are serialised by
the warehouse's lock file (pipelines/warehouse.py), waiting up to a timeout.

Parquet is deterministic: rows sorted by primary key, fixed compression and row-group size,
no timestamps, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import queue
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schema import MART_SCHEMA, RESTRICTED_SCHEMA, WARD_PARTITION, WARD_PARTITIONED, Table
from pipelines.warehouse import (
    LOCK_TIMEOUT_ENV,
    Warehouse,
    arrow_table,
    comment_sql,
    create_table_sql,
    fault_point,
    quote_ident,
)
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

    def __init__(self, problems: list[str], accounting: list[str] | None = None):
        self.problems = problems
        self.accounting = accounting or []  # the caller's own problems (row accounting), the rest are the gates'
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


class _LiveConnections:
    """The DuckDB connections a publication's writers have open, so that abandoning it can interrupt their
    statements (``DuckDBPyConnection.interrupt``) instead of waiting for them: Ctrl-C then takes effect at once,
    not after the restricted mart's whole write. A connection leaves the set before it is closed, under the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[duckdb.DuckDBPyConnection] = []

    @contextlib.contextmanager
    def tracking(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        with self._lock:
            self._open.append(con)
        try:
            yield
        finally:
            with self._lock:
                self._open.remove(con)

    def interrupt(self) -> None:
        with self._lock:
            for con in self._open:
                with contextlib.suppress(duckdb.Error):
                    con.interrupt()


class _SignalsAfterTheFirst:
    """A publication's SIGINT/SIGTERM handlers from entering its ``with`` to the end of its cleanup (main thread,
    Python handlers only; ``wardbridge run``'s are Dagster's). A signal whose handler raises (Dagster's interruption,
    KeyboardInterrupt) abandons the publication: ``on_first`` tells the writers at once (non-blocking), and a signal
    after it is held while that exception is being handled (on its way to the cleanup: ``__exit__``, ``finally``
    blocks) and during the cleanup (``holding``), then handed to the handler that was in place (:meth:`release`).
    ``uv run`` forwards the terminal's Ctrl-C, so it often comes twice: a second one that landed after the first
    one's exception but before the cleanup held signals (:func:`interrupts_held`) raised there, the cleanup never
    ran, the restricted writer waited for its next table forever and the process hung at exit joining it,
    ``.restricted.duckdb.tmp-<run>`` left (the fresh-clone CI of a9c523d; forced at 742a57d by raising the second
    Ctrl-C at ``__exit__``'s start: the child printed its interrupted line and hung).

    A signal that lands in the cleanup itself (``cleanup``: the code of the functions it runs in, found in the frame
    the signal interrupted or below it) is held too, whatever came before: CPython runs a pending signal's handler at
    a function's first instruction with that function's frame, so a Ctrl-C on ``__exit__``'s first instruction, after
    a publication that ended without one (published, or its body failed), is held, where it used to raise before
    ``holding`` was set and skip the cleanup (the lock kept, this handler left installed, the writers' pool left
    running, the aside folder left when not published)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, on_first: Callable[[], None], cleanup: Iterable[CodeType] = ()) -> None:
        self._on_first = on_first
        self._cleanup = frozenset(cleanup)
        self._previous: dict[int, Callable] = {}
        self._first: BaseException | None = None  # what the first signal raised
        self._held: list[int] = []
        self.holding = False  # the cleanup has begun

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signo in self.SIGNALS:
            if callable(handler := signal.getsignal(signo)):
                self._previous[signo] = handler
                signal.signal(signo, self._handle)

    def _first_in_hand(self) -> bool:
        """The first signal's exception (or one raised while handling it) is being handled where this runs."""
        exc = sys.exc_info()[1]
        for _ in range(100):  # a chain of contexts, not a cycle
            if exc is None or exc is self._first:
                break
            exc = exc.__context__
        return exc is not None and exc is self._first

    def _in_cleanup(self, frame: FrameType | None) -> bool:
        """The signal interrupted the cleanup: ``frame`` (where it landed) or one below it runs the cleanup's code."""
        while frame is not None:
            if frame.f_code in self._cleanup:
                return True
            frame = frame.f_back
        return False

    def _handle(self, signo: int, frame: FrameType | None) -> None:
        if self.holding or (self._first is not None and self._first_in_hand()) or self._in_cleanup(frame):
            self._held.append(signo)
            return
        try:
            self._previous[signo](signo, frame)
        except BaseException as exc:
            self._first = exc
            self._on_first()
            raise

    def release(self) -> None:
        """The handlers put back, the first signal held handed to its handler."""
        previous, self._previous, self._first = self._previous, {}, None
        for signo, handler in previous.items():
            signal.signal(signo, handler)
        held, self._held = self._held, []
        if held and callable(handler := previous.get(held[0])):
            handler(held[0], None)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """SIGINT and SIGTERM held while the block runs, then delivered: a cleanup (waiting for the writer threads,
    removing what was written aside, releasing the writer lock) is not cut short by a second Ctrl-C. ``uv run``
    forwards Ctrl-C to the process the terminal already sent it to, so a Ctrl-C often arrives twice; the second one
    used to land in the cleanup of the first, leaving ``.restricted.duckdb.tmp-<run>`` behind and a DuckDB writer
    thread running at exit (``terminate called without an active exception``, exit 134). A signal that arrived is
    handed to the handler that was in place (Dagster's, Python's KeyboardInterrupt) when the block ends. Only on
    the main thread (where Python runs signal handlers); elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {}
    for signo in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signo)
        if handler is None:  # set outside Python: cannot be put back, left alone
            continue
        previous[signo] = handler
        signal.signal(signo, lambda number, _frame: arrived.append(number))
    try:
        yield
    finally:
        for signo, handler in previous.items():
            signal.signal(signo, handler)
        if arrived:
            handler = previous[arrived[0]]
            if callable(handler):
                handler(arrived[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(arrived[0])


def write_duckdb(
    path: Path,
    schema: str,
    tables: Iterable[tuple[Table, pl.DataFrame]],
    mode: int,
    disabled_compression: str = "",
    live: _LiveConnections | None = None,
) -> None:
    """A new DuckDB file with one real table per declaration (comments from schema.py).

    The tables are created and filled in the order ``tables`` yields them (it may be a stream: each is written as
    it comes; an error it raises is raised here), each by one INSERT, so its row order is the frame's. The file is
    complete only when this returns; on an error nothing is swapped in by the caller. ``live`` holds the
    connection while it is open (a publication interrupts it when abandoned).
    """
    path.unlink(missing_ok=True)
    # one DuckDB thread per connection: the write runs beside the validators on a shared machine, and DuckDB's
    # parallel insert and compression cost ~30 % more CPU for the same file (1M run, restricted mart: 19.6 -> 14.1
    # CPU s). Inserting whole tables side by side on several cursors was tried and dropped (09d8868: beside the
    # marts' build a second cursor only competed with Polars; see MartsPublication).
    with (
        duckdb.connect(str(path), config={"threads": 1}) as con,
        live.tracking(con) if live is not None else contextlib.nullcontext(),
    ):
        if disabled_compression:
            con.execute(f"SET disabled_compression_methods = '{disabled_compression}'")
        con.execute(f"CREATE SCHEMA {quote_ident(schema)}")
        for table, frame in tables:
            # one transaction a table: its CREATE, comments and INSERT committed (the WAL written and synced) once,
            # not once a statement (a COMMENT ON COLUMN a column: most of a small publication's write)
            con.begin()
            _create_table(con, schema, table)
            _insert(con, schema, table, frame)
            con.commit()
        con.execute("CHECKPOINT")
    os.chmod(path, mode)


def _create_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table) -> None:
    con.execute(create_table_sql(table, schema))
    for statement in comment_sql(table, schema):
        con.execute(statement)


def _insert(con: duckdb.DuckDBPyConnection, schema: str, table: Table, frame: pl.DataFrame) -> None:
    # Arrow with Polars' own string views (zero-copy; DuckDB reads them): the comments are in the catalogue, so the
    # Parquet field metadata of ``arrow_table`` (and its copy into large strings) is not needed here
    con.register("_incoming", table.cast(frame).to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        con.execute(f"INSERT INTO {quote_ident(schema)}.{quote_ident(table.name)} SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


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
    """Remove what a failed or killed publication left; a Parquet folder renamed aside by a run killed inside the
    two-rename swap (systems without ``exchange_paths``) is put back first."""
    for pattern in (f"{ANALYTICS_FILENAME}.tmp-*", f"{RESTRICTED_FILENAME}.tmp-*"):
        for stale in root.glob(pattern):
            stale.unlink(missing_ok=True)
    for stale in root.glob(f".{RESTRICTED_FILENAME}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    marts = root / PARQUET_DIR.parent
    put_back(root / PARQUET_DIR, marts.glob(".analytics.old-*"), marts.glob(".analytics.tmp-*"))


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100  # linux/fs.h, fcntl.h
_FS_IOC_GETFLAGS, _FS_IMMUTABLE_FL, _FS_APPEND_FL = 0x80086601, 0x10, 0x20  # linux/fs.h


def unreplaceable(path: Path) -> str | None:
    """Why the published ``path`` (a file or folder) cannot be replaced by a rename, else None: its folder is not
    writable by this account, or it is immutable or append-only (``chattr +i``: root's permissions do not help).
    Looked at before the marts' three swaps, so that one failing cannot leave the others swapped in. A folder that is
    a symbolic link, or holds one (:func:`linked_in`), cannot be replaced either: the swap would replace the link."""
    if (link := linked_in(path)) is not None:
        where = "" if link == path else f"{link.name} in it is "
        return f"{where}{link_reason(link)}: {LINK_ADVICE.format(link=link.absolute())}"
    if not path.exists():
        return None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"{path.parent} is not writable by this account"
    try:
        import fcntl

        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
        try:
            flags = int.from_bytes(fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))[:4], sys.byteorder)
        finally:
            os.close(fd)
    except (OSError, ImportError):  # a file system without these flags: the rename says
        return None
    if flags & (_FS_IMMUTABLE_FL | _FS_APPEND_FL):
        return "immutable or append-only: lsattr shows it, chattr -i / -a undoes it"
    return None


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``): a reader of either path
    sees the old or the new folder, never none, whenever the process dies. False where the system or the file
    system cannot (the caller then renames twice)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_folder(new: Path, final: Path, aside: Path, fault: str) -> None:
    """Publish the folder ``new`` as ``final``: exchanged with the published folder in one atomic step where Linux
    allows (the previous one, then under ``new``'s name, deleted), else the previous one renamed to ``aside``, the
    new one renamed in and the previous one deleted. A run killed between the two renames leaves the previous folder
    at ``aside`` (:func:`put_back` restores it); a failed second rename puts it back at once. ``fault`` names the
    fault points (``<fault>-swapped``, ``<fault>-aside``) tests kill the process at. A ``final`` that is a symbolic
    link (or holds one) is refused (:class:`LinkedFolder`), nothing moved: the swap would replace the link."""
    if (link := linked_in(final)) is not None:
        raise LinkedFolder(link)
    if final.exists() and exchange_paths(new, final):
        fault_point(f"{fault}-swapped")  # tests: killed with the previous folder under the new one's name
        shutil.rmtree(new, ignore_errors=True)
        return
    if final.exists():
        os.replace(final, aside)
        fault_point(f"{fault}-aside")  # tests: killed between the two renames
    try:
        os.replace(new, final)
    except BaseException:
        if aside.exists() and not final.exists():
            os.replace(aside, final)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def put_back(final: Path, asides: Iterable[Path], leftovers: Iterable[Path] = ()) -> None:
    """Undo what a run killed inside :func:`swap_folder` left: the newest folder renamed aside goes back to
    ``final`` when ``final`` is missing; the other asides and the ``leftovers`` (unfinished builds) are deleted."""
    asides = sorted(asides, key=lambda p: p.stat().st_mtime)
    if asides and not final.exists():
        os.replace(asides.pop(), final)
    for stale in [*asides, *leftovers]:
        shutil.rmtree(stale, ignore_errors=True)


LINK_ADVICE = (
    "every run publishes a new folder in its place, which would replace the link and leave the folder it points to "
    "as it was: link the other way round (ln -s {link} <the folder the recipients read>) or copy from it after each run"
)


def linked_in(folder: Path) -> Path | None:
    """The symbolic link that ``folder`` is, or the first one directly inside it (a ward's folder, an export's file
    linked to a share), else None: a published folder is replaced whole, links and all."""
    if folder.is_symlink():
        return folder
    if folder.is_dir():
        return next((child for child in sorted(folder.iterdir()) if child.is_symlink()), None)
    return None


def link_reason(link: Path) -> str:
    return f"a symbolic link to {os.readlink(link)}"


class LinkedFolder(OSError):
    """A published folder is a symbolic link (or holds one): publishing a new folder in its place would replace the
    link, and the folder it points to (a share the recipients read) would keep the old files without a word. Before,
    the link was exchanged away and left under the build's name, which the leftover cleanup cannot remove."""

    def __init__(self, link: Path) -> None:
        super().__init__(errno.EPERM, link_reason(link), str(link))
        self.link = link


def cannot_replace(target: Path, exc: OSError, kept: str) -> str:
    """The message for a published folder this account cannot rename; ``kept`` says what is left as it was."""
    if isinstance(exc, LinkedFolder):
        return f"{exc.link} is {exc.strerror}: {kept}; {LINK_ADVICE.format(link=exc.link.absolute())}"
    return (
        f"{target} cannot be replaced ({exc.strerror}): {kept}; make the folder and its parent writable by this "
        "account (permissions, chattr -i, a read-only mount) and run again"
    )


# The restricted mart's tables are inserted by one thread: its writing starts before the marts are built (the entity
# stage's copies) and so overlaps the build (Polars, ~1.4 of the 2 cores) and then the gates. Two cursors side by side
# (09d8868, removed since) made its write alone 9.3 -> 5.6 s wall, but beside the build they only slowed it (1M, back
# to back, load 2.6-3.0: marts 18.2-23.3 s wall with one, 21.4-23.5 with two, ~100 MiB more peak RSS with two).
_END, _ABORT = object(), object()


class _Aborted(Exception):
    """The publication was abandoned while the restricted mart was being written (e.g. building failed)."""


class MartsPublication:
    """``publish_marts`` in two steps, so that the restricted mart is written while the rest is still being built::

        with MartsPublication(wh.root, run_id=run) as publication:     # the writer lock, leftovers removed
            marts = build_marts(inputs, key, ready=publication.add_restricted)   # each table written once final
            published = publication.publish(marts.analytics.values(), marts.restricted.values(), validators=[...])

    ``add_restricted`` hands a restricted table to the writer as soon as it is final (the entity stage's copies
    before anything is built): its rows go into ``restricted.duckdb`` aside (one thread, in
    the order added) while Polars builds the analytics tables (the restricted write was the marts' longest step
    after building, with both cores busy, and a core is partly idle while Polars builds). ``publish`` adds the
    restricted tables not added yet, writes the analytics file and its Parquet copy aside, runs the validators
    on every table as ``publish_marts`` always did (one validator after the other over [*analytics,
    *restricted], on the calling thread), waits for the writes and swaps everything in only when every gate
    passed and every write succeeded. Leaving the ``with`` without a publication (an error while building, a
    rejected gate, a failed write) waits for the writes, removes every file written aside and leaves the
    previous marts in place; the writer lock is held from entering to leaving.
    """

    def __init__(self, root: Path, *, run_id: str | None = None, timeout_s: float | None = None):
        self.root = root
        self.run = (run_id or uuid.uuid4().hex)[:36]
        self.timeout = lock_timeout() if timeout_s is None else timeout_s
        self._lock: contextlib.AbstractContextManager[None] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._incoming: queue.SimpleQueue = queue.SimpleQueue()
        self._added: dict[str, pl.DataFrame] = {}
        self._writing: list[Future] = []
        self._closed = False  # no more restricted tables
        self._published = False
        self._live = _LiveConnections()
        self._stop = threading.Event()  # abandoned: the writers take no further table
        self._signals = _SignalsAfterTheFirst(self._halt, _CLEANUP_CODE)

    # ----------------------------------------------------------------- the steps

    def __enter__(self) -> MartsPublication:
        lock = Warehouse(self.root)._writer_lock(self.timeout)
        try:
            lock.__enter__()
        except TimeoutError as exc:
            raise LockTimeout(
                f"marts: could not take the writer lock {self.root / '.wardbridge.lock'} within {self.timeout:.0f}s: "
                f"another wardbridge run is writing to this warehouse; retry when it ends (or raise ${LOCK_TIMEOUT_ENV})"
            ) from exc
        self._lock = lock
        try:
            self._signals.install()
            _clean_leftovers(self.root)
            aside = _aside(self.root / RESTRICTED_FILENAME, self.run)
            aside.parent.mkdir(mode=0o700)
            os.chmod(aside.parent, 0o700)  # whatever the umask
            # Writing aside (DuckDB and Arrow, which release the GIL; each DuckDB connection with one thread)
            # overlaps building (Polars) and the validators (GX on pandas, mostly Python): nothing becomes
            # visible before all are done and every gate passed.
            self._pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="marts-write")
            self._writing.append(
                self._pool.submit(
                    write_duckdb,
                    aside,
                    RESTRICTED_SCHEMA,
                    self._restricted_stream(),
                    RESTRICTED_MODE,
                    RESTRICTED_DISABLED_COMPRESSION,
                    self._live,
                )
            )
        except BaseException:
            self._abandon()
            raise
        return self

    def add_restricted(self, table: Table, frame: pl.DataFrame) -> None:
        """Write ``frame`` as the restricted table ``table`` aside (validated and swapped in by ``publish``)."""
        if self._closed or self._pool is None:
            raise RuntimeError("marts: add_restricted outside the publication's `with`, or after publish")
        if table.name in self._added:
            raise ValueError(f"marts: restricted table {table.name} added twice")
        self._added[table.name] = frame
        self._incoming.put((table, frame))

    def publish(
        self,
        analytics: Iterable[tuple[Table, pl.DataFrame]],
        restricted: Iterable[tuple[Table, pl.DataFrame]],
        *,
        validators: Iterable[Validator] = (schema_validator,),
        extra_problems: Iterable[str] = (),
    ) -> Published:
        """Write the rest aside, validate every table, wait for the writes, swap in (see the class). ``restricted``
        holds every restricted table, those already added (the same frames) included.

        Raises ``PublishRejected`` (nothing published, temporary files removed) when a validator or
        ``extra_problems`` (e.g. row accounting) reports a problem; a write's error as it was raised."""
        if self._closed or self._pool is None:
            raise RuntimeError("marts: publish outside the publication's `with`, or twice")
        analytics, restricted = list(analytics), list(restricted)
        for table, frame in restricted:
            if table.name not in self._added:
                self.add_restricted(table, frame)
            elif self._added[table.name] is not frame:
                raise ValueError(f"marts: restricted table {table.name} added with other rows than published")
        if extra := set(self._added) - {t.name for t, _ in restricted}:
            raise ValueError(f"marts: restricted tables {sorted(extra)} added but not published")
        self._closed = True
        self._incoming.put(_END)
        staged_dir = self.root / PARQUET_DIR.parent / f".analytics.tmp-{self.run}"
        aside = _aside(self.root / ANALYTICS_FILENAME, self.run)
        self._writing.append(
            self._pool.submit(
                write_duckdb, aside, MART_SCHEMA, self._until_stopped(analytics), ANALYTICS_MODE, "", self._live
            )
        )
        self._writing.append(self._pool.submit(write_parquet_tree, staged_dir, self._until_stopped(analytics)))
        accounting = list(extra_problems)
        problems = list(accounting)
        for validate in validators:
            for table, frame in [*analytics, *restricted]:
                problems += validate(table, frame)
            if callable(finish := getattr(validate, "finish", None)):
                finish()  # a validator gating every table in one session (quality/gx.session_validator)
        wait(self._writing)
        write_error = next((e for e in (w.exception() for w in self._writing) if e is not None), None)
        if problems:
            raise PublishRejected(problems, accounting)
        if write_error is not None:
            raise write_error
        fault_point("marts-before-swap")  # tests: killed with every file written aside and gated
        finals = (self.root / ANALYTICS_FILENAME, self.root / RESTRICTED_FILENAME, self.root / PARQUET_DIR)
        stuck = [f"{path} ({why})" for path in finals if (why := unreplaceable(path))]
        if stuck:  # found before the first swap: the three are published together or not at all
            raise PermissionError(
                f"marts not published, the previous ones are left in place: {'; '.join(stuck)} cannot be replaced; "
                "make them replaceable by this account and run again"
            )
        for final in (self.root / ANALYTICS_FILENAME, self.root / RESTRICTED_FILENAME):
            aside = _aside(final, self.run)
            os.replace(aside, final)
            fault_point("marts-mid-swap")  # tests: killed with analytics.duckdb swapped in, the rest not yet
            if aside.parent != self.root:
                shutil.rmtree(aside.parent, ignore_errors=True)  # its private folder (a leftover WAL)
        parquet = self.root / PARQUET_DIR
        swap_folder(staged_dir, parquet, parquet.with_name(f".analytics.old-{self.run}"), "marts-parquet")
        self._published = True
        rows = {f"{MART_SCHEMA}.{t.name}": f.height for t, f in analytics}
        rows |= {f"{RESTRICTED_SCHEMA}.{t.name}": f.height for t, f in restricted}
        return Published(self.root / ANALYTICS_FILENAME, self.root / RESTRICTED_FILENAME, self.root / PARQUET_DIR, rows)

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        # a signal from here on waits for the cleanup's end (from this function's first instruction: _CLEANUP_CODE)
        self._signals.holding = True
        self._abandon()

    # ----------------------------------------------------------------- internals

    def _restricted_stream(self) -> Iterator[tuple[Table, pl.DataFrame]]:
        while (item := self._incoming.get()) is not _END:
            if item is _ABORT or self._stop.is_set():
                raise _Aborted("marts: publication abandoned")
            yield item

    def _until_stopped(self, tables: list[tuple[Table, pl.DataFrame]]) -> Iterator[tuple[Table, pl.DataFrame]]:
        for item in tables:
            if self._stop.is_set():
                raise _Aborted("marts: publication abandoned")
            yield item

    def _halt(self) -> None:
        """The writers told to stop taking tables (called from a signal handler: nothing here blocks; SimpleQueue's
        put may be called there), so that none waits for a table that will not come, even if the cleanup is cut."""
        if not self._published:
            self._stop.set()
            self._incoming.put(_ABORT)

    def _abandon(self) -> None:
        """Stop the writes (their DuckDB statements interrupted unless published), wait for them, remove what was
        written aside unless it was swapped in, release the lock: with Ctrl-C held (:func:`interrupts_held`, and
        from the first Ctrl-C on :class:`_SignalsAfterTheFirst`), so that a second one cannot leave a writer thread
        or a ``*.tmp-<run>`` behind; it is raised afterwards."""
        self._signals.holding = True
        try:
            with interrupts_held():
                try:
                    if not self._closed:
                        self._closed = True
                        self._incoming.put(_ABORT)
                    if not self._published:
                        self._stop.set()
                        self._live.interrupt()
                    if self._pool is not None:
                        self._pool.shutdown(wait=True)
                    if self._lock is not None and not self._published:
                        _clean_leftovers(self.root)
                finally:
                    if self._lock is not None:
                        lock, self._lock = self._lock, None
                        lock.__exit__(None, None, None)
        finally:
            self._signals.release()


# The cleanup's functions, for the publication's signal handler (taken here: a test replacing __exit__ calls these).
_CLEANUP_CODE = (MartsPublication.__exit__.__code__, MartsPublication._abandon.__code__)


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
    """Write aside, validate, swap in, under the warehouse's writer lock (:class:`MartsPublication` in one go).

    A validator with a ``finish()`` attribute (``quality.gx.session_validator``: one GX context and
    one Data Docs site for every table) has it called after its last table, passed or not.

    Raises ``PublishRejected`` (nothing published, temporary files removed) when a validator
    or ``extra_problems`` (e.g. row accounting) reports a problem, ``LockTimeout`` when another
    writer holds the lock longer than ``timeout_s``.
    """
    analytics, restricted = list(analytics), list(restricted)
    with MartsPublication(root, run_id=run_id, timeout_s=timeout_s) as publication:
        return publication.publish(analytics, restricted, validators=validators, extra_problems=extra_problems)
