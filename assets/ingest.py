"""Group "ingest": raw, staged and quarantine tables per registry, one partition per source extract.

Partitions come from the source catalogue (mappings/sources/*.toml, or the files
named by $WARDBRIDGE_CATALOGUE): key ``<source_id>@<extract_date>``. A run may cover one
partition (a load, reload or backfill of one extract) or a range. One step per registry,
``load_<registry>``, reads each extract into raw, stages it and writes its quarantine,
partition by partition, so a broken extract fails its own partition only:

* an extract that cannot be read (file missing, not the declared format, a required column
  absent) writes nothing, is recorded ``failed`` with its file and cause in the ingest status
  (pipelines/ingest/status.py) and the other extracts of the run carry on;
* an extract that staging refuses as a whole is ``rejected``: its rows are all quarantined
  with the reason, so they are still accounted for;
* after every partition was tried, Dagster gets one materialization per written partition
  (failed partitions are not marked materialized), the blocking check ``rows_accounted``
  (raw = staged + quarantined per written partition) and the check ``extracts_readable``
  naming each failed or rejected partition; then the step fails with ``IngestFailed``
  naming them, so the run ends failed and nobody misses it.

Operations: a backfill of any range of extracts is one run (``BackfillPolicy.single_run()``: the step
loops over the range anyway); the step is in the pool ``wardbridge_warehouse`` (one slot: no two runs
write the warehouse at once); when a database source fails with a connection-type error (a transient
source error) the step is retried with exponential backoff (``SOURCE_RETRY``); when every failure is
permanent (file missing, wrong format) it is not retried.

Partitions on disk whose source left the catalogue are retired at the start of each run:
moved to ``parquet/retired/...`` and noted in the ingest status (see status.py). The engine
is pipelines/ingest/.
"""

import hashlib
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl
from dagster._core.definitions.partitions.context import partition_loading_context
from dagster._core.types.pagination import PaginatedResults

from assets.metadata import static_table_metadata
from assets.rerun import check_only, require_whole, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.entities.reresolve import forget_staging_reference, record_staging_reference
from pipelines.ingest.catalogue import CATALOGUE_DIR, extracts_by_partition, load_catalogue, source_of
from pipelines.ingest.notes import CUT_OFF, NO_ROWS, cell_warnings, key_warnings, partition_note
from pipelines.ingest.raw import RawLoad, load_raw
from pipelines.ingest.sql import SourceLoginRefused
from pipelines.ingest.stage import StageResult, account, stage
from pipelines.ingest.status import (
    PartitionStatus,
    mark_loading,
    read_status,
    release_moved_rows,
    retire_partitions,
    retired_cause,
    write_status,
)
from pipelines.reference import default_reference
from pipelines.schema import QUARANTINE, REGISTRY_KINDS, Table, raw_table, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse, fault_point, ingest_views, refresh_views

CATALOGUE_ENV = "WARDBRIDGE_CATALOGUE"
GROUP = "ingest"

SETTLE_ENV = "WARDBRIDGE_LANDING_SETTLE_SECONDS"
DEFAULT_SETTLE_SECONDS = 30.0
SCHEDULE_TAG = "dagster/schedule_name"  # the tag Dagster puts on a scheduled run
SETTLE_WAIT_MAX_S = 600.0  # a scheduled run waits this long at most for a file still being written, then reads it
CHANGED_WHILE_READ = (
    "the file changed while it was read (a copy still in progress?): not loaded, the partition's earlier load is "
    "kept; retried with backoff, and the landing sensor loads it once it is left unchanged"
)


def settle_seconds() -> tuple[float, str | None]:
    """(how long a file must be left unchanged before it is read, a note when ``$WARDBRIDGE_LANDING_SETTLE_SECONDS``
    is no number of seconds: the default is used then). 0 reads every file at once."""
    value = os.environ.get(SETTLE_ENV, "").strip()
    if not value:
        return DEFAULT_SETTLE_SECONDS, None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds >= 0 and math.isfinite(seconds):
        return seconds, None
    return DEFAULT_SETTLE_SECONDS, (
        f"${SETTLE_ENV}={value!r} is not a number of seconds (0 or more): {DEFAULT_SETTLE_SECONDS:g} s used"
    )


def file_signature(path: Path | None) -> tuple[int, int] | None:
    """(size, modification time in ns) of an extract's file; None for a database extract or a file that is gone."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


# the file a dBase table's memo texts are read from beside it (FoxPro .fpt, dBase III / IV .dbt), any case
DBF_SIDECARS = (".fpt", ".dbt")


def memo_files(path: Path) -> list[Path]:
    """The memo files beside a dBase table (``path`` a .dbf, any case), sorted; none for any other file."""
    if path.suffix.lower() != ".dbf":
        return []
    wanted = {(path.stem + suffix).lower() for suffix in DBF_SIDECARS}
    try:
        return sorted(p for p in path.parent.iterdir() if p.name.lower() in wanted)
    except OSError:
        return []


def memo_table(path: Path) -> Path | None:
    """The dBase table whose memo file ``path`` is (a .fpt / .dbt beside a .dbf of the same name, any case), else
    None: the landing sensor runs the table's partition when its memo file alone is delivered again."""
    if path.suffix.lower() not in DBF_SIDECARS:
        return None
    try:
        wanted = (path.stem + ".dbf").lower()  # the inverse of memo_files
        return next((p for p in sorted(path.parent.iterdir()) if p.name.lower() == wanted and p.is_file()), None)
    except OSError:
        return None


def extract_signature(path: Path | None) -> tuple[tuple[str, int, int], ...] | None:
    """(name, size, modification time in ns) of an extract's file and, for a dBase table, of the memo file read with
    it: a memo rewritten while the table is read changes it as the table would. None for a database extract or a file
    that is gone."""
    found = file_signature(path)
    if path is None or found is None:
        return None
    files = [(path.name, *found)]
    for side in memo_files(path):
        if (side_found := file_signature(side)) is not None:
            files.append((side.name, *side_found))
    return tuple(files)


def settling_name(shown: str, table_name: str, newest: str) -> str:
    """How a file still being written is named: ``shown`` (the table), or "<shown>'s memo file <newest>" when the
    file of its :func:`extract_signature` modified last is the memo file."""
    return shown if newest == table_name else f"{shown}'s memo file {newest}"


def newest_of(signature: tuple[tuple[str, int, int], ...]) -> tuple[str, float]:
    """(name, seconds since its last modification) of the file of an :func:`extract_signature` modified last (a
    negative age: dated in the future). A table copied before its memo file is settled only once the memo is."""
    name, _size, mtime_ns = max(signature, key=lambda file: file[2])
    return name, time.time() - mtime_ns / 1e9


def wait_until_settled(path: Path, settle: float, log, max_wait: float = SETTLE_WAIT_MAX_S) -> None:  # noqa: ANN001
    """Wait while ``path`` was modified less than ``settle`` seconds ago (a copy in progress when a scheduled run
    starts), saying so once; a file dated in the future (another machine's clock, a zip's local times read as UTC) is
    read once it is left unchanged for ``settle`` seconds here, as the landing sensor reads it (assets/sensors.py);
    after ``max_wait`` seconds it is read anyway (a change during the read still fails it). A dBase table's memo file
    counts as the table: its :func:`extract_signature` is watched, the one the read is checked with (before, the
    table alone was, and a memo file still being copied failed the read as changed instead of being waited for)."""
    started, said = time.monotonic(), False
    seen, seen_at = None, started
    while (found := extract_signature(path)) is not None:
        now = time.monotonic()
        if found != seen:  # changed (or first seen): the time it is left unchanged counts from here
            seen, seen_at = found, now
        newest, age = newest_of(found)
        unchanged, waited = now - seen_at, now - started
        if age >= settle or unchanged >= settle or waited >= max_wait:
            return
        if not said:
            when = (
                f"is dated {ahead_words(-age)} in the future (another machine's clock?)"
                if age < 0
                else f"was modified {age:.0f} s ago"
            )
            what = settling_name(path.name, path.name, newest)
            log.info(
                f"{what} {when}: waiting until it is left unchanged for {settle:g} s "
                f"(${SETTLE_ENV}; at most {max_wait:g} s)"
            )
            said = True
        time.sleep(min(settle - max(age, unchanged), max_wait - waited, 5.0) + 0.05)


def ahead_words(seconds: float) -> str:
    """How far ahead of this machine's clock a file is dated: '7 h', '12 min', '40 s'."""
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def catalogue_paths() -> list[Path] | None:
    value = os.environ.get(CATALOGUE_ENV)
    return [Path(p) for p in value.split(os.pathsep) if p] if value else None


@dataclass(frozen=True)
class Listing:
    """The catalogue as read at one moment: its sources, every extract by partition key, and the SQL sources
    whose database could not list its extract dates (id -> the error; its message masks the password)."""

    sources: dict
    extracts: dict
    unlisted: dict[str, Exception]

    def keys(self, registry: str) -> list[str]:
        return [k for k, e in self.extracts.items() if e.source.registry == registry]  # sorted by the catalogue

    def unlisted_of(self, registry: str) -> dict[str, Exception]:
        return {sid: exc for sid, exc in self.unlisted.items() if self.sources[sid].registry == registry}

    def kept(self, registry: str | None = None) -> set[str]:
        """Sources whose registered partitions are never "gone": those whose database cannot list its dates today
        (what is gone is unknown) and SQL sources with ``extract_date_column`` (a database purging old dates
        for retention does not retire their history; a source removed from the catalogue still retires)."""
        return {
            s.id
            for s in self.sources.values()
            if registry in (None, s.registry) and (s.extract_date_column or s.id in self.unlisted)
        }


def read_listing() -> Listing:
    sources = load_catalogue(catalogue_paths())
    unlisted: dict[str, Exception] = {}
    return Listing(sources, extracts_by_partition(sources, unlisted=unlisted), unlisted)


_LISTING_CACHE: dict[tuple, tuple[float, Listing]] = {}
_LISTING_TTL = 2.0  # seconds: Dagster asks for the partitions many times per run


def _catalogue_stamp() -> tuple:
    paths = catalogue_paths() or sorted(CATALOGUE_DIR.glob("*.toml"))
    return tuple((str(p), p.stat().st_mtime_ns if p.is_file() else None) for p in paths)


def listing(fresh: bool = False) -> Listing:
    """The catalogue's listing: read again when a catalogue file changed, else at most every 2 s (a glob
    source's new file shows within 2 s); ``fresh``: read now (what registers or loads partitions does)."""
    stamp, now = _catalogue_stamp(), time.monotonic()
    cached = _LISTING_CACHE.get(stamp)
    if fresh or cached is None or now - cached[0] > _LISTING_TTL:
        _LISTING_CACHE.clear()
        _LISTING_CACHE[stamp] = cached = (now, read_listing())
    return cached[1]


def catalogue_keys(registry: str, fresh: bool = False) -> list[str]:
    """The partitions (source extracts) of ``registry`` the catalogue declares today (sorted). The extracts of a
    SQL source whose database cannot list its dates are not among them (see ``unlisted_sources``)."""
    return listing(fresh).keys(registry)


def unlisted_sources(registry: str, fresh: bool = False) -> dict[str, str]:
    """SQL sources of ``registry`` whose extract dates could not be read today: id -> why (password masked).

    Their partitions are kept (never retired or deleted as "left the catalogue"): the database may be back tomorrow.
    """
    return {sid: str(exc) for sid, exc in listing(fresh).unlisted_of(registry).items()}


def partitions_name(registry: str) -> str:
    """The name of the registry's dynamic partitions (one per source extract) in the Dagster instance."""
    return f"{registry}_extracts"


class CataloguePartitions(dg.DynamicPartitionsDefinition):
    """Dynamic partitions ``<registry>_extracts``: one per source extract, registered in the Dagster instance.

    The landing-folder sensor, the nightly schedule and ``wardbridge run`` register the catalogue's
    extracts as they appear (``sync_requests``): no code reload. Where the code runs (the code location,
    a run) the catalogue's extracts not registered yet are valid partitions too, after the registered
    ones in the instance's order, so the range of a backfill means the same keys for the UI, the daemon
    and the run, and a run or test on an instance that never saw the catalogue still works.
    """

    def __new__(cls, partition_fn=None, name: str | None = None, registry: str | None = None):  # noqa: ANN001, ANN204
        return super().__new__(cls, name=name or partitions_name(registry or ""))

    @property
    def registry(self) -> str:
        return (self.name or "").removesuffix("_extracts")

    def _registered(self, store) -> list[str]:  # noqa: ANN001 - DynamicPartitionsStore | None
        return list(store.get_dynamic_partitions(partitions_def_name=self.name)) if store is not None else []

    def get_partition_keys(self, current_time=None, dynamic_partitions_store=None) -> list[str]:  # noqa: ANN001
        with partition_loading_context(current_time, dynamic_partitions_store) as ctx:
            registered = self._registered(ctx.dynamic_partitions_store)
        known = set(registered)
        return registered + [k for k in catalogue_keys(self.registry) if k not in known]

    def get_paginated_partition_keys(self, context, limit: int, ascending: bool, cursor: str | None = None):  # noqa: ANN001, ANN201
        with partition_loading_context(new_ctx=context):
            keys = self.get_partition_keys()
        return PaginatedResults.create_from_sequence(keys, limit=limit, ascending=ascending, cursor=cursor)

    def has_partition_key(self, partition_key: str, current_time=None, dynamic_partitions_store=None) -> bool:  # noqa: ANN001
        return partition_key in self.get_partition_keys(current_time, dynamic_partitions_store)

    def filter_valid_partition_keys(self, partition_keys: set[str]) -> set[str]:
        return set(partition_keys) & set(self.get_partition_keys()) if partition_keys else set()

    def get_serializable_unique_identifier(self, dynamic_partitions_store=None) -> str:  # noqa: ANN001
        with partition_loading_context(dynamic_partitions_store=dynamic_partitions_store) as ctx:
            if ctx.dynamic_partitions_store is not None:
                return super().get_serializable_unique_identifier(ctx.dynamic_partitions_store)
        return hashlib.sha1("\n".join(self.get_partition_keys()).encode()).hexdigest()


def gone_keys(registered, declared, kept_sources: set[str]) -> list[str]:  # noqa: ANN001 - collections of keys
    """Registered partitions that left the catalogue, except those of ``kept_sources`` (a database that cannot
    list its dates today, a date-column source's dates that left its table: see ``Listing.kept``)."""
    return sorted(k for k in set(registered) - set(declared) if source_of(k) not in kept_sources)


def sync_requests(registry: str, store) -> tuple[list[str], list[str]]:  # noqa: ANN001 - DynamicPartitionsStore
    """(catalogue extracts not registered in the instance yet, registered partitions that left the catalogue)."""
    registered = set(store.get_dynamic_partitions(partitions_name(registry)))
    now = listing(fresh=True)
    declared = now.keys(registry)
    return [k for k in declared if k not in registered], gone_keys(registered, declared, now.kept(registry))


def register_catalogue(registry: str, instance) -> list[str]:  # noqa: ANN001 - DagsterInstance
    """Register the catalogue's extracts of ``registry`` in the instance and drop those that left it;
    returns the partition keys in the instance's order (what a ranged run over them means)."""
    new, gone = sync_requests(registry, instance)
    name = partitions_name(registry)
    if new:
        instance.add_dynamic_partitions(name, new)
    for key in gone:
        instance.delete_dynamic_partition(name, key)
    return list(instance.get_dynamic_partitions(name))


# Transient source errors (a database that is down or restarting): retried 3 times, 30 s, 60 s, 120 s (+-jitter).
SOURCE_RETRY = dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
_TRANSIENT_NAMES = ("OperationalError", "InterfaceError", "TimeoutError", "ConnectionError", "ConnectionRefusedError")


def retire_left_extracts(wh, registry: str, now: Listing, run_id: str, log) -> list[str]:  # noqa: ANN001
    """Retire the live partitions of ``registry`` that are no extract of the catalogue ``now`` any more (their source
    left it, or the file that was the extract is not found), with one warning per cause; returns their directory
    names. Nothing when a SQL source's extract dates could not be read (which of its extracts left is unknown).
    The ingest step calls it first; the entities step too for a registry the catalogue lists with no extract at all
    (every path matches no file): no ingest of it runs, so none would retire them (assets/entities.py)."""
    unlisted = now.unlisted_of(registry)
    if unlisted:  # which of their extracts left the catalogue is unknown: retire nothing this run
        log.warning(f"sources whose extract dates could not be read (kept as they were): {list(unlisted)}")
        return []
    kept = now.kept(registry)  # dates that left a date-column source's table stay live
    live = now.keys(registry) + [k for k in read_status(wh, registry) if source_of(k) in kept]
    tables = {layer: f"{layer}_{registry}" for layer in ("raw", "staged", "quarantine")}
    retired = retire_partitions(wh, registry, tables, live, run_id, now.sources)
    by_cause: dict[str, list[str]] = {}
    for name in retired:
        by_cause.setdefault(retired_cause(name.removeprefix("part="), now.sources), []).append(name)
    for cause, which in sorted(by_cause.items()):
        log.warning(f"retired ({cause.split(';')[0]}): {which}")
    return retired


class IngestFailed(dg.Failure):
    """Some partitions of the run could not be ingested (the others were); retried only when a failure is transient."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(description=message, allow_retries=transient)
        self.args = (message,)


def is_transient(extract, exc: BaseException) -> bool:  # noqa: ANN001 - catalogue Extract
    """A database source that could not be reached or dropped the connection, or a SQLite file another program holds
    locked: worth another try later. A server that refused the login or the database (``SourceLoginRefused``) is
    not: a wrong password stays wrong, and each retry was one more failed login."""
    from pipelines.ingest.readers import SourceBusy

    if _in_chain(exc, SourceLoginRefused):
        return False
    return isinstance(exc, SourceBusy) or (extract.source.format == "sql" and _connection_error(exc))


def _in_chain(exc: BaseException | None, kind: type) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _connection_error(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if any(cls.__name__ in _TRANSIENT_NAMES for cls in type(exc).__mro__):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _partitions(registry: str) -> CataloguePartitions:
    return CataloguePartitions(registry=registry)


def _cause(exc: Exception) -> str:
    """The reason a partition failed, without cell values.

    The engine's own errors (pipelines.*: unreadable file, schema drift, ...) name the file,
    field and cause and carry no cell content; any other error (a library's may quote the
    offending value) is named by its type only.
    """
    if type(exc).__module__.startswith("pipelines."):
        return str(exc)
    return f"{type(exc).__name__} (details withheld: the message may quote cell values)"


@dataclass
class IngestOutcome:
    """What one run did to its partitions."""

    written: dict[str, dict] = field(default_factory=dict)  # key -> counts of account()
    failed: dict[str, PartitionStatus] = field(default_factory=dict)  # failed or rejected partitions
    notes: list[str] = field(default_factory=list)
    ward_status: dict[str, int] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)  # date field -> values that could not be read
    numbers_unknown: dict[str, int] = field(default_factory=dict)  # field -> cells not told number or text (xlsx)
    flagged: int = 0  # staged rows with issues (view review.staged_<registry>_flagged)
    transient: list[str] = field(default_factory=list)  # failed partitions worth retrying (database unreachable)

    def totals(self) -> dict[str, int]:
        return {k: sum(c[k] for c in self.written.values()) for k in ("raw", "staged", "quarantined")}

    @property
    def unbalanced(self) -> list[str]:
        return [k for k, c in self.written.items() if not c["balanced"]]


def ingest_partition(  # noqa: ANN001
    wh: Warehouse, registry: str, key: str, extract, run_id: str, outcome: IngestOutcome, log, settle: float = 0.0
) -> None:
    """Load, stage and account one partition; a failure is recorded in the ingest status, never raised.

    ``settle`` > 0 (scheduled runs): a file modified less than that many seconds ago is waited for first. Whatever
    the run, a file whose size or modification time changed while it was read is not written (the earlier load
    stays) and the partition fails as transient (retried with backoff)."""
    read = _read_and_stage(wh, registry, key, extract, run_id, outcome, log, settle)
    if read is None:
        return
    loaded, result, reference = read
    location = extract.location
    _write_layers(wh, registry, key, location, run_id, loaded, result, reference)
    counts = account(loaded.frame, result)
    outcome.written[key] = counts
    _record_status(wh, registry, key, extract, run_id, loaded, result, counts, outcome, log)
    for warning in key_warnings(key, location, extract.source, loaded, counts["raw"]):
        log.warning(warning)
    _tally(outcome, loaded, result)
    for warning in cell_warnings(key, location, extract.source, loaded):
        log.warning(warning)
    outcome.notes.append(partition_note(key, extract.source, loaded, result, counts))
    log.info(outcome.notes[-1])


def _read_and_stage(  # noqa: ANN001
    wh: Warehouse, registry: str, key: str, extract, run_id: str, outcome: IngestOutcome, log, settle: float
) -> tuple[RawLoad, StageResult, object] | None:
    """(the extract read into raw, its staging, the reference its addresses were resolved with), or None when it
    could not be read, staging crashed on it or its file changed while it was read (the partition failed)."""
    location = extract.location
    if settle > 0 and extract.file is not None:
        wait_until_settled(extract.file, settle, log)
    before = extract_signature(extract.file)
    try:
        loaded = load_raw(extract, run_id)
    except Exception as exc:  # noqa: BLE001 - this partition fails, the others go on
        status = PartitionStatus(key, registry, "failed", f"cannot read: {_cause(exc)}", location, run_id=run_id)
        _fail(wh, outcome, log, status, transient=is_transient(extract, exc))
        return None
    try:
        reference = default_reference()  # the one its addresses are resolved with, recorded below
        source = extract.source
        result = stage(
            loaded.frame,
            registry,
            day_first=source.day_first,
            reference=reference,
            sex_true=source.sex_true,
            sex_column=source.canonical_columns.get("sex"),
        )
    except Exception as exc:  # noqa: BLE001 - staging crashed on this extract: nothing of it is written
        status = PartitionStatus(
            key, registry, "failed", f"staging failed: {_cause(exc)}", location, loaded.frame.height, run_id=run_id
        )
        _fail(wh, outcome, log, status)
        return None
    if before is not None and extract_signature(extract.file) != before:  # rows of two versions of the file, or cut
        status = PartitionStatus(
            key, registry, "failed", CHANGED_WHILE_READ, location, loaded.frame.height, run_id=run_id
        )
        _fail(wh, outcome, log, status, transient=True)
        return None
    return loaded, result, reference


def _write_layers(  # noqa: ANN001
    wh: Warehouse, registry: str, key: str, location, run_id: str, loaded: RawLoad, result: StageResult, reference
) -> None:
    """Write the partition's raw, staged and quarantine files (views refreshed once per run, by load_asset)."""
    # 'loading' before the first layer, its outcome after the last: a load that does not finish (killed, out of
    # memory, a full disk) leaves 'loading', not the earlier load's 'ok' over layers from two loads; the landing
    # sensor loads it again (assets/sensors.py)
    mark_loading(wh, registry, key, location, run_id)
    PartitionedLayer(wh, "raw").write(raw_table(registry), key, loaded.frame, refresh=False)
    fault_point("ingest-after-raw")  # tests: killed with the raw file of this load, the other layers of the last
    # the reference its addresses were resolved with (address_corrections re-resolves when it changes):
    # forgotten before the new rows are written, so a crash in between leaves it unknown (re-resolved whole)
    forget_staging_reference(wh, registry, key)
    PartitionedLayer(wh, "staged").write(staged_table(registry), key, result.staged, refresh=False)
    record_staging_reference(wh, registry, key, reference)
    PartitionedLayer(wh, "quarantine").write(
        QUARANTINE, key, result.quarantine, name=f"quarantine_{registry}", refresh=False
    )  # views refreshed once per run (load_asset)


def _record_status(  # noqa: ANN001
    wh: Warehouse,
    registry: str,
    key: str,
    extract,
    run_id: str,
    loaded: RawLoad,
    result: StageResult,
    counts: dict,
    outcome: IngestOutcome,
    log,
) -> None:
    """Write the written partition's ingest status (ok, or rejected whole) and say when it was rejected, its file
    ends mid-row or holds no rows."""
    location = extract.location
    # the engine refused the extract as a whole (rows quarantined): on reading (a header whose names cannot be told
    # apart) or on staging (most rows cannot be staged)
    rejected = loaded.rejected or getattr(result, "rejected", None)
    # a file cut off in transfer: it loads, but its cut last line is the data engineer's (not in the review queues)
    cut = not rejected and (result.quarantine["reason_kind"] == "cut_off").any()
    status = PartitionStatus(
        key,
        registry,
        "rejected" if rejected else "ok",
        rejected or (CUT_OFF if cut else None),
        location,
        counts["raw"],
        counts["staged"],
        counts["quarantined"],
        run_id,
    )
    write_status(wh, status)
    if rejected:
        outcome.failed[key] = status
        log.error(status.describe())
    elif cut:  # the extract loads (its other rows are good), but a file cut off in transfer lost the rows after the cut
        log.warning(f"{key}: {location} {CUT_OFF}")
    elif not counts["raw"] and extract.file is not None:  # a file of a header alone (a SQL date may hold no row)
        log.warning(f"{key}: {location} {NO_ROWS}")


def _tally(outcome: IngestOutcome, loaded: RawLoad, result: StageResult) -> None:
    """Add a written partition's flagged rows, ward statuses, repairs and cell counts to the run's."""
    outcome.flagged += int(result.staged["issues"].is_not_null().sum())
    for s, n in result.ward_status.items():
        outcome.ward_status[s] = outcome.ward_status.get(s, 0) + n
    for fld, kinds in result.repairs.items():
        for kind, n in kinds.items():
            outcome.repairs[f"{fld}:{kind}"] = outcome.repairs.get(f"{fld}:{kind}", 0) + n
    for fld, n in result.unreadable.items():
        outcome.unreadable[fld] = outcome.unreadable.get(fld, 0) + n
    for fld, n in loaded.numbers_unknown.items():
        outcome.numbers_unknown[fld] = outcome.numbers_unknown.get(fld, 0) + n


class LeftRows:
    """One run's release of rows read again under another date: :meth:`release` notes each partition written,
    :meth:`flush` (once, after the run's partitions) takes the rows they now hold out of the dates that left.

    The ingest status is read once per run, each source's key inspected in its database once per run, and each
    left partition rewritten once per run however many of the run's partitions took rows from it (a run of a range
    of dates would otherwise connect to the database, and rewrite a left partition, for every date)."""

    def __init__(self, wh: Warehouse, registry: str, now: Listing, run_id: str, log) -> None:  # noqa: ANN001
        self.wh, self.registry, self.now, self.run_id, self.log = wh, registry, now, run_id, log
        self._statuses: dict[str, PartitionStatus] | None = None
        self._identifies: dict[str, bool] = {}  # source id -> its keys identify rows (sql.identifying_key)
        self._holders: dict[str, tuple[object, list[str]]] = {}  # source id -> (its spec, the partitions written)

    def release(self, key: str, spec) -> None:  # noqa: ANN001 - catalogue SourceSpec
        """Note that partition ``key`` of an ``extract_date_column`` source was written: at :meth:`flush` its rows
        that a date which has left the table still holds (the date's rows all lost their date, or moved to another
        date) are taken out of that date's kept partition, so each row is counted once
        (pipelines/ingest/status.release_moved_rows)."""
        if spec.extract_date_column:
            self._holders.setdefault(spec.id, (spec, []))[1].append(key)

    def flush(self) -> None:
        """Release the rows of every partition noted since the last flush: one rewrite per left partition. Only for
        sources whose keys identify rows (sql.identifying_key: a key column the database holds unique, or a
        one-column primary key)."""
        holders, self._holders = self._holders, {}
        for spec, keys in holders.values():
            if self._statuses is None:  # the partitions that left are not this run's: their statuses stay as read
                self._statuses = read_status(self.wh, self.registry)
            left = [k for k in self._statuses if source_of(k) == spec.id and k not in self.now.extracts]
            if not left or not self._identifying(keys[0], spec):
                continue
            tables = {
                "raw": raw_table(self.registry).name,
                "staged": staged_table(self.registry).name,
                "quarantine": f"quarantine_{self.registry}",
            }
            taken = release_moved_rows(
                self.wh, self.registry, tables, holders=keys, left=left, run_id=self.run_id, statuses=self._statuses
            )
            for gone, n in taken.items():
                self.log.warning(
                    f"{gone}: {n} rows read again by this run's partitions of {spec.id} taken out of it (its date "
                    "left the table; its ingest status says where to)"
                )

    def _identifying(self, key: str, spec) -> bool:  # noqa: ANN001
        if spec.id not in self._identifies:
            from pipelines.ingest.sql import SqlSourceError, identifying_key

            try:
                found = identifying_key(spec) is not None
                if not found:
                    self.log.warning(
                        f"{key}: rows of dates that left the table are not matched: the table's key is not unique "
                        "(no primary key or unique constraint on the key column)"
                    )
            except SqlSourceError as exc:
                self.log.warning(f"{key}: rows of dates that left the table not checked: {exc}")
                found = False
            self._identifies[spec.id] = found
        return self._identifies[spec.id]


def _fail(wh: Warehouse, outcome: IngestOutcome, log, status: PartitionStatus, transient: bool = False) -> None:  # noqa: ANN001
    """Record a failed partition: its status written, the run's outcome told (retried when ``transient``), logged."""
    write_status(wh, status)
    outcome.failed[status.partition] = status
    if transient:
        outcome.transient.append(status.partition)
    log.error(status.describe())


def _unbalanced_words(outcome: IngestOutcome) -> str:
    """The failed ``rows_accounted``: each unbalanced partition with its counts, and what to do."""
    parts = [
        f"{key} (raw {c['raw']}, staged {c['staged']} + quarantined {c['quarantined']})"
        for key, c in outcome.written.items()
        if not c["balanced"]
    ]
    return (
        f"rows lost or doubled in {len(parts)} partition(s): {'; '.join(parts)}. A run stopped while it wrote a "
        "partition (killed, out of memory, a full disk) leaves its raw, staged and quarantine files from different "
        "loads: load the partition again (re-execute its ingest run, or the sensor/schedule's next run)"
    )


def accounting_check(registry: str, outcome: IngestOutcome) -> dg.AssetCheckResult:
    totals, unbalanced = outcome.totals(), outcome.unbalanced
    return dg.AssetCheckResult(
        check_name="rows_accounted",
        asset_key=f"staged_{registry}",
        passed=not unbalanced,
        metadata={
            **totals,
            "partitions": len(outcome.written),
            "unbalanced_partitions": ", ".join(unbalanced) or "none",
        },
        description=f"raw {totals['raw']} = staged {totals['staged']} + quarantined {totals['quarantined']}"
        + f" in {len(outcome.written)} partitions"
        if not unbalanced
        else _unbalanced_words(outcome),
    )


def readable_check(registry: str, outcome: IngestOutcome) -> dg.AssetCheckResult:
    failed = [s.describe() for s in outcome.failed.values()]
    return dg.AssetCheckResult(
        check_name="extracts_readable",
        asset_key=f"raw_{registry}",
        passed=not failed,
        metadata={"failed_partitions": dg.MetadataValue.md("\n".join(f"- {f}" for f in failed) or "none")},
        description="; ".join(failed) or f"{len(outcome.written)} extracts read and staged",
    )


def published_outcome(wh: Warehouse, registry: str) -> IngestOutcome:
    """The checks' view of what is on disk: every catalogue partition with a raw file, accounted from its
    raw, staged and quarantine files (record keys), and every partition whose last ingest failed or was
    rejected (the ingest status)."""
    raw_name, staged_name, quarantine_name = (
        raw_table(registry).name,
        staged_table(registry).name,
        f"quarantine_{registry}",
    )
    outcome = IngestOutcome()
    declared = catalogue_keys(registry)
    no_rows = pl.DataFrame(schema={"record_key": pl.String})
    for key in declared:
        raw_path = PartitionedLayer(wh, "raw").path(raw_name, key)
        if not raw_path.is_file():
            continue
        keys = {}
        for layer, name in (("raw", raw_name), ("staged", staged_name), ("quarantine", quarantine_name)):
            path = PartitionedLayer(wh, layer).path(name, key)
            keys[layer] = pl.read_parquet(path, columns=["record_key"]) if path.is_file() else no_rows
        # the ingest's own balance (pipelines/ingest/stage.account), on the record keys as written
        written = StageResult(staged=keys["staged"], quarantine=keys["quarantine"], repairs={}, ward_status={})
        outcome.written[key] = account(keys["raw"], written)
    for key, status in read_status(wh, registry).items():
        if status.state != "ok" and key in declared:
            outcome.failed[key] = status
    return outcome


def build_registry_assets(registry: str, retry_policy: dg.RetryPolicy = SOURCE_RETRY) -> list:
    raw_key, staged_key, quarantine_key = f"raw_{registry}", f"staged_{registry}", f"quarantine_{registry}"

    @dg.multi_asset(
        name=f"load_{registry}",
        group_name=GROUP,
        partitions_def=_partitions(registry),
        specs=_load_specs(registry),
        check_specs=_load_check_specs(registry),
        description=f"Load {registry} extracts into raw, stage them, quarantine what cannot be staged.",
        backfill_policy=dg.BackfillPolicy.single_run(),
        retry_policy=retry_policy,
        pool=WAREHOUSE_POOL,
        can_subset=True,  # the checks re-run alone on what is on disk (assets/rerun.py)
    )
    def load_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        require_whole(context, f"raw, staged and quarantine {registry}", (raw_key, staged_key, quarantine_key))
        try:
            if check_only(context):  # no partition: every catalogue partition on disk is checked
                rerun_note(context)
                outcome = published_outcome(warehouse.get(), registry)
                yield from selected(context, [accounting_check(registry, outcome), readable_check(registry, outcome)])
                return
            yield from _load(context, warehouse, registry)
        except IngestFailed:
            raise
        except Exception as exc:  # not a source error (warehouse unwritable, a bug): retrying will not help
            raise dg.Failure(description=f"{type(exc).__name__}: {exc}", allow_retries=False) from exc

    return [load_asset]


def _load_specs(registry: str) -> list[dg.AssetSpec]:
    """The step's three assets: raw, staged and quarantine of ``registry`` (the last two depend on raw)."""
    raw_key = f"raw_{registry}"

    def layer(key: str, decl: Table, name: str, deps: list[str]) -> dg.AssetSpec:
        kinds, metadata = {"parquet", "polars"}, static_table_metadata(decl, name)
        return dg.AssetSpec(key, deps=deps, description=decl.description, kinds=kinds, metadata=metadata)

    return [
        layer(raw_key, raw_table(registry), "raw", []),
        layer(f"staged_{registry}", staged_table(registry), "staged", [raw_key]),
        layer(f"quarantine_{registry}", QUARANTINE, "quarantine", [raw_key]),
    ]


def _load_check_specs(registry: str) -> list[dg.AssetCheckSpec]:
    """The step's checks: ``rows_accounted`` (blocking, on staged) and ``extracts_readable`` (on raw)."""
    return [
        dg.AssetCheckSpec(
            "rows_accounted",
            asset=f"staged_{registry}",
            blocking=True,
            description="Every raw row is staged or quarantined, never both, never lost (per partition).",
        ),
        dg.AssetCheckSpec(
            "extracts_readable",
            asset=f"raw_{registry}",
            description="Every extract of the run was read and staged; names each failed or rejected partition.",
        ),
    ]


def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource, registry: str):
    """One run of ``load_<registry>``: retire what left the catalogue, ingest the run's partitions, refresh the
    views, then the materializations and checks; fails with ``IngestFailed`` naming the partitions that failed."""
    now = listing(fresh=True)  # one read of the catalogue and its databases for this step
    wh = warehouse.get()
    retire_left_extracts(wh, registry, now, context.run.run_id, context.log)
    outcome = IngestOutcome()
    left_rows = LeftRows(wh, registry, now, context.run.run_id, context.log)
    try:
        _load_partitions(context, wh, registry, now, outcome, left_rows)
    finally:  # the rows the written partitions now hold leave the dates that left, once per run
        left_rows.flush()
    if outcome.written:
        refresh_views(wh, ingest_views(registry))
        PartitionedLayer(wh, "staged").refresh_flagged_view(f"staged_{registry}")
    yield from _materializations(registry, outcome, partial=bool(outcome.failed))
    yield from selected(context, [accounting_check(registry, outcome), readable_check(registry, outcome)])
    if outcome.failed:
        raise IngestFailed(
            f"{len(outcome.failed)} of {len(context.partition_keys)} {registry} partitions failed "
            f"(the others were staged and accounted for): "
            + "; ".join(s.describe() for s in outcome.failed.values())
            + (f" [transient, retried with backoff: {outcome.transient}]" if outcome.transient else ""),
            transient=bool(outcome.transient),
        )


def _load_partitions(
    context, wh: Warehouse, registry: str, now: Listing, outcome: IngestOutcome, left_rows: LeftRows
) -> None:  # noqa: ANN001
    """Ingest each partition of the run in turn (a failed one is recorded, the others go on)."""
    extracts, unlisted = now.extracts, now.unlisted_of(registry)
    settle = 0.0
    if context.run.tags.get(SCHEDULE_TAG):  # nobody chose the moment: a file being copied at 02:00 is waited for
        settle, settle_note = settle_seconds()
        if settle_note:
            context.log.warning(settle_note)
    for key in context.partition_keys:
        if source_of(key) in unlisted:  # its database is down or refused: this partition fails, the others go on
            exc = unlisted[source_of(key)]  # SqlSourceError: names the catalogue file and source, password masked
            status = PartitionStatus(
                key,
                registry,
                "failed",
                f"cannot read: {exc}",
                f"source {source_of(key)}",
                run_id=context.run.run_id,
            )
            _fail(wh, outcome, context.log, status, transient=_connection_error(exc))
            continue
        if key not in extracts:  # dropped from the catalogue (retired above), or a date its table no longer holds
            context.log.warning(f"partition {key} is not in the catalogue any more: skipped (data kept as it was)")
            continue
        ingest_partition(wh, registry, key, extracts[key], context.run.run_id, outcome, context.log, settle)
        if key in outcome.written:
            left_rows.release(key, extracts[key].source)


def _materializations(registry: str, outcome: IngestOutcome, partial: bool):
    """One MaterializeResult per table when every partition was written, else one event per written partition."""
    totals = outcome.totals()
    staged_meta = {
        "flagged_rows": outcome.flagged,
        **{f"ward_status/{k}": v for k, v in sorted(outcome.ward_status.items())},
        **{f"repaired/{k}": v for k, v in sorted(outcome.repairs.items())},
        **{f"unreadable/{k}": v for k, v in sorted(outcome.unreadable.items())},
        **{f"numbers_unknown/{k}": v for k, v in sorted(outcome.numbers_unknown.items())},
    }
    if not partial:
        notes = dg.MetadataValue.md("\n".join(f"- {n}" for n in outcome.notes))
        yield dg.MaterializeResult(
            asset_key=f"raw_{registry}", metadata={"dagster/row_count": totals["raw"], "partitions": notes}
        )
        yield dg.MaterializeResult(
            asset_key=f"staged_{registry}", metadata={"dagster/row_count": totals["staged"], **staged_meta}
        )
        yield dg.MaterializeResult(
            asset_key=f"quarantine_{registry}", metadata={"dagster/row_count": totals["quarantined"]}
        )
        return
    # A ranged run with failed partitions: a MaterializeResult would mark every partition of the
    # range materialized, the failed ones included. Events per written partition mark only those.
    for layer, count in (("raw", "raw"), ("staged", "staged"), ("quarantine", "quarantined")):
        for key, counts in outcome.written.items():
            yield dg.AssetMaterialization(
                asset_key=f"{layer}_{registry}", partition=key, metadata={"dagster/row_count": counts[count]}
            )


INGEST_ASSETS = [a for registry in REGISTRY_KINDS for a in build_registry_assets(registry)]
INGEST_JOBS = [
    dg.define_asset_job(
        f"ingest_{registry}",
        selection=dg.AssetSelection.assets(f"raw_{registry}", f"staged_{registry}", f"quarantine_{registry}"),
        description=f"Load and stage {registry} source extracts (one partition per source extract).",
        executor_def=dg.in_process_executor,
    )
    for registry in REGISTRY_KINDS
]
