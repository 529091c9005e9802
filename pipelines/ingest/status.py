"""Ingest status: the outcome of the last ingest of each partition (source extract), kept beside the data.

One small JSON file per partition, ``<warehouse>/status/ingest/<registry>/part=<key>.json``,
replaced atomically, so partitions load and fail independently without a shared writer::

    {"partition": ..., "registry": ..., "state": "ok" | "failed" | "rejected" | "retired" | "loading",
     "cause": ..., "file": ..., "raw_rows": ..., "staged_rows": ..., "quarantined_rows": ...,
     "run_id": ..., "time": ...}

* ``ok``        raw, staged and quarantine written; every raw row is in one of the two.
* ``failed``    the extract could not be read (file, cause): nothing of it was written by this run.
* ``rejected``  read, but refused as a whole by staging (all its rows quarantined with the reason).
* ``retired``   the source left the catalogue: its partition files were moved to
                ``<warehouse>/parquet/retired/<layer>/<table>/part=<key>/`` and no live view or
                entity includes them any more.
* ``loading``   written (with the run id) before the first of the partition's layers, replaced by its outcome after
                the last: a ``loading`` whose run is not in progress is a load that did not finish (killed, out of
                memory, a full disk), its layers possibly from two loads. Not read: the entities step leaves it out
                like a failed extract, the report and the exports name it, and the landing sensor loads it again
                once (:func:`unfinished_loads`).

Causes name the file, field and reason, never a cell value. The entities step reads this status
before it publishes (``partition_problems``). Plain Python: no Dagster.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from pipelines.ingest.catalogue import source_of
from pipelines.warehouse import (
    PartitionedLayer,
    Warehouse,
    partition_dir,
    partition_view_sql,
    write_parquet_atomic,
    write_text_atomic,
)

STATES = ("ok", "failed", "rejected", "retired", "loading")
# states whose partition is not read as its file is: the file could not be read, or its load did not finish
UNREAD_STATES = ("failed", "loading")
LOADING = "loading"
LAYERS = ("raw", "staged", "quarantine")


@dataclass(frozen=True)
class PartitionStatus:
    partition: str
    registry: str
    state: str
    cause: str | None = None
    file: str | None = None
    raw_rows: int | None = None
    staged_rows: int | None = None
    quarantined_rows: int | None = None
    run_id: str | None = None
    time: str | None = None

    def describe(self) -> str:
        """One line naming the partition, its file and the cause (no cell values: causes never carry them)."""
        where = f" ({self.file})" if self.file else ""
        return f"{self.partition}{where}: {self.state}" + (f": {self.cause}" if self.cause else "")


def status_dir(warehouse: Warehouse, registry: str) -> Path:
    return warehouse.root / "status" / "ingest" / registry


def _status_path(warehouse: Warehouse, registry: str, partition: str) -> Path:
    return status_dir(warehouse, registry) / f"{partition_dir(partition)}.json"


def write_status(warehouse: Warehouse, status: PartitionStatus) -> Path:
    if status.state not in STATES:
        raise ValueError(f"unknown ingest state {status.state!r}; expected one of {STATES}")
    if status.time is None:
        status = PartitionStatus(**{**asdict(status), "time": datetime.now(UTC).isoformat(timespec="seconds")})
    target = _status_path(warehouse, status.registry, status.partition)
    return write_text_atomic(target, json.dumps(asdict(status), ensure_ascii=False, indent=1))


def read_status(warehouse: Warehouse, registry: str) -> dict[str, PartitionStatus]:
    """partition key -> its last recorded status (every partition ever ingested, retired ones included)."""
    out = {}
    for path in sorted(status_dir(warehouse, registry).glob("part=*.json")):
        status = PartitionStatus(**json.loads(path.read_text(encoding="utf-8")))
        out[status.partition] = status
    return out


def loading_cause(run_id: str) -> str:
    """The cause a ``loading`` status carries: what it means when it is still there after its run."""
    return (
        f"load by run {run_id} started; its raw, staged and quarantine files are being written. Still so after that "
        "run ended: the load did not finish (killed, out of memory, a full disk?) and the layers may be from two "
        "loads: load the partition again"
    )


def mark_loading(warehouse: Warehouse, registry: str, partition: str, file: str | None, run_id: str) -> Path:
    """Record that ``run_id`` starts writing the partition's layers (before the first one; the outcome replaces it)."""
    return write_status(
        warehouse, PartitionStatus(partition, registry, LOADING, loading_cause(run_id), file, run_id=run_id)
    )


def unfinished_loads(warehouse: Warehouse, registry: str) -> dict[str, PartitionStatus]:
    """partition -> its ``loading`` status: loads in progress, or that did not finish (the caller tells them apart by
    the run). A status file that cannot be read is passed over."""
    try:
        statuses = read_status(warehouse, registry)
    except (OSError, ValueError, TypeError):
        return {}
    return {k: s for k, s in statuses.items() if s.state == LOADING}


def _unread_words(status: PartitionStatus, causes: bool) -> str:
    where = f"{status.partition} ({status.file})" if status.file else status.partition
    if status.state == LOADING:
        return (
            f"{where}: its load (run {status.run_id}) did not finish: its rows are not counted as read"
            if not causes
            else f"{where}: loading: its load by run {status.run_id} did not finish (killed, out of memory, a full "
            "disk?): its rows are not counted as read; load it again"
        )
    return status.describe() if causes else f"{where}: could not be read"


def failed_extracts(warehouse: Warehouse) -> tuple[str, ...]:
    """Each extract whose last load failed (its file could not be read: 'partition (file): failed: cause', causes
    naming files and fields, never a value) or did not finish (``loading`` left by a run killed, out of memory or on
    a full disk: 'partition (file): loading: its load by run ... did not finish ...'). Its rows are in none of the
    published figures (entities built without it: ``--allow-incomplete``); the report and the exports say so. A status file that cannot be read is passed over."""
    return tuple(_unread_words(s, True) for _, s in _readable_statuses(warehouse) if s.state in UNREAD_STATES)


def _readable_statuses(warehouse: Warehouse) -> Iterator[tuple[str, PartitionStatus]]:
    """(registry, status) of every partition whose registry's status file can be read; a damaged status file is
    passed over (not a reader's to fail on)."""
    from pipelines.schema import REGISTRY_KINDS

    for registry in REGISTRY_KINDS:
        try:
            statuses = read_status(warehouse, registry)
        except (OSError, ValueError, TypeError):
            continue
        for status in statuses.values():
            yield registry, status


def unread_extracts(warehouse: Warehouse, *, causes: bool = True) -> tuple[str, ...]:
    """:func:`failed_extracts`, each saying when records of it, as an earlier load read them, are still in the
    published entities: a run without ``--allow-incomplete`` keeps the entities as last published, so an extract
    that loaded before and fails now is still counted as it was (its rows are 'in none of the figures' only when the
    entities were built without it). ``causes=False`` (what a recipient outside the city is told): 'partition
    (file): could not be read' (or '...: its load (run ...) did not finish'), without the cause, which names the
    server's folders and the catalogue file."""
    from pipelines.schema import ENTITY_KINDS

    kinds = {registry: kind for kind, registry in ENTITY_KINDS.items()}
    unread: list[str] = []
    for registry, s in _readable_statuses(warehouse):
        if s.state not in UNREAD_STATES:
            continue
        kept = _kept_records(warehouse, kinds[registry], s.partition)
        unread.append(
            _unread_words(s, causes)
            + (
                f" [still in the figures: {kept} of its records as an earlier load read them (the entities were "
                "kept as last published)]"
                if kept
                else ""
            )
        )
    return tuple(unread)


def _kept_records(warehouse: Warehouse, kind: str, partition: str) -> int:
    """Records of extract ``partition`` ('<source_id>@<extract_date>') in the published <kind>_lineage; 0 when it or
    the lineage cannot be read."""
    source_id, _, extract_date = partition.rpartition("@")
    path = warehouse.parquet_path("entities", f"{kind}_lineage")
    try:
        date = datetime.strptime(extract_date, "%Y-%m-%d").date()
        return (
            pl.scan_parquet(path)
            .filter((pl.col("source_id") == source_id) & (pl.col("extract_date") == date))
            .select(pl.len())
            .collect()
            .item()
        )
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return 0


def extracts_read_in_part(warehouse: Warehouse) -> tuple[str, ...]:
    """Each extract that was read but whose file did not give all its rows: refused as a whole (``rejected``: every
    row quarantined) or cut off in transfer (its last line quarantined as ``cut_off``; rows after the cut never
    arrived). One line each, 'partition (file): what', naming no value. Status or quarantine files that cannot be
    read are passed over, as in :func:`failed_extracts`."""
    found: list[str] = []
    for registry, s in _readable_statuses(warehouse):
        where = f"{s.partition} ({s.file})" if s.file else s.partition
        if s.state == "rejected":
            found.append(f"{where}: refused as a whole, none of its rows is in the figures: {s.cause}")
        elif s.state == "ok" and s.quarantined_rows and _cut_off(warehouse, registry, s.partition):
            found.append(
                f"{where}: the file ends mid-row (cut off in transfer?): its last line is not in the figures and "
                "any rows after it never arrived"
            )
    return tuple(found)


def _cut_off(warehouse: Warehouse, registry: str, partition: str) -> bool:
    path = PartitionedLayer(warehouse, "quarantine").path(f"quarantine_{registry}", partition)
    try:
        if "reason_kind" not in pq.read_schema(path).names:
            return False
        kinds = pl.read_parquet(path, columns=["reason_kind"])["reason_kind"]
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return False
    return bool((kinds == "cut_off").any())


def status_frame(warehouse: Warehouse, registries: list[str]) -> pl.DataFrame:
    """Every recorded status of the given registries as one frame (for reports and tests)."""
    rows = [asdict(s) for r in registries for s in read_status(warehouse, r).values()]
    schema = {f: pl.Int64 if f.endswith("_rows") else pl.String for f in PartitionStatus.__dataclass_fields__}
    return pl.DataFrame(rows, schema=schema)


# --------------------------------------------------------------------------- what the entities step may use


def staged_present(warehouse: Warehouse, staged_name: str, partition: str) -> bool:
    return PartitionedLayer(warehouse, "staged").path(staged_name, partition).is_file()


def partition_problems(
    warehouse: Warehouse, registry: str, staged_name: str, catalogue_keys: list[str]
) -> dict[str, str]:
    """Catalogue partitions of ``registry`` that are not fully accounted for: key -> why.

    A partition is accounted for when its last ingest is ``ok`` and its staged file is present.
    Failed or rejected extracts, extracts never ingested and staged files that have gone missing
    are problems.
    """
    statuses = read_status(warehouse, registry)
    problems = {}
    for key in catalogue_keys:
        status = statuses.get(key)
        if status is not None and status.state != "ok":
            problems[key] = status.describe()
        elif not staged_present(warehouse, staged_name, key):
            problems[key] = f"{key}: no staged data" + ("" if status else " (never ingested)")
    return problems


# --------------------------------------------------------------------------- retiring sources


def live_partitions(warehouse: Warehouse, layer: str, table: str) -> dict[str, Path]:
    """partition directory name -> directory, for every partition present in a live layer."""
    root = warehouse.root / "parquet" / layer / table
    return {p.name: p for p in sorted(root.glob("part=*")) if (p / "data.parquet").is_file()}


def _drop_or_refresh_view(warehouse: Warehouse, layer: str, table: str) -> None:
    glob = warehouse.root / "parquet" / layer / table / "part=*" / "data.parquet"
    if any(glob.parent.parent.glob("part=*/data.parquet")):
        sql = [f'CREATE OR REPLACE VIEW "{layer}"."{table}" AS {partition_view_sql(layer, table)}']
    else:  # with the staged view goes review.<table>_flagged, a view over it that would fail on every query
        sql = [f'DROP VIEW IF EXISTS "{layer}"."{table}"']
        if layer == "staged":
            sql.append(f'DROP VIEW IF EXISTS "review"."{table}_flagged"')
    if not warehouse.duckdb_path.exists():
        return
    with warehouse._writer_lock(), warehouse.connect_writer() as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{layer}"')
        for statement in sql:
            con.execute(statement)


RETIRED_SOURCE_GONE = "source no longer in the catalogue; partition moved to parquet/retired/"
RETIRED_FILE_GONE = (
    "its source is still in the catalogue, but the file of this extract is not found any more (moved, archived, "
    "renamed or deleted, or it no longer matches the source's path or extract_date_pattern); partition moved to "
    "parquet/retired/: put the file back to load it again"
)


def retired_cause(key: str, sources: Collection[str] | None) -> str:
    """Why the partition ``key`` is retired: its source left the catalogue, or (its source id in ``sources``, the
    catalogue's) the source stayed and the file that was this extract is no longer found."""
    return RETIRED_FILE_GONE if sources is not None and source_of(key) in sources else RETIRED_SOURCE_GONE


def retire_partitions(
    warehouse: Warehouse,
    registry: str,
    tables: dict[str, str],
    catalogue_keys: list[str],
    run_id: str,
    sources: Collection[str] | None = None,
) -> list[str]:
    """Move partitions no extract of the catalogue is any more out of the live layers; returns their directory names.

    ``tables`` maps layer -> table name (raw_<registry>, staged_<registry>, quarantine_<registry>).
    Each such partition goes to ``parquet/retired/<layer>/<table>/part=<key>/`` (a later retirement of
    the same key replaces the earlier copy), its status becomes ``retired`` and the views are refreshed.
    ``sources``: the catalogue's source ids, so the status says whether the source left the catalogue or only
    the extract's file went (:func:`retired_cause`).
    """
    wanted = {partition_dir(k) for k in catalogue_keys}
    statuses = {partition_dir(k): s for k, s in read_status(warehouse, registry).items()}
    retired: set[str] = set()
    for layer, table in tables.items():
        gone = {name: path for name, path in live_partitions(warehouse, layer, table).items() if name not in wanted}
        for name, path in gone.items():
            target = warehouse.root / "parquet" / "retired" / layer / table / name
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            retired.add(name)
        if gone:
            _drop_or_refresh_view(warehouse, layer, table)
    for name in sorted(retired | {n for n, s in statuses.items() if n not in wanted and s.state != "retired"}):
        previous = statuses.get(name)
        key = previous.partition if previous else name.removeprefix("part=")
        write_status(
            warehouse,
            PartitionStatus(
                partition=key,
                registry=registry,
                state="retired",
                cause=retired_cause(key, sources),
                file=previous.file if previous else None,
                run_id=run_id,
            ),
        )
        retired.add(name)
    return sorted(retired)


def release_moved_rows(
    warehouse: Warehouse,
    registry: str,
    tables: dict[str, str],
    *,
    holders: str | list[str],
    left: list[str],
    run_id: str,
    statuses: dict[str, PartitionStatus] | None = None,
) -> dict[str, int]:
    """Take out of ``left`` partitions the rows that the partitions ``holders`` now hold; returns key -> rows taken.

    ``left``: partitions of the same ``extract_date_column`` source whose date has left the table. They keep
    their history (a database purging old extracts), but a row still in the table -- its date emptied, made
    unreadable or changed -- is read again by a holder (``<source>@undated`` or another date) and would be
    counted twice. Rows are matched on ``source_key``, so the source's keys must identify rows (a key column or
    a one-column primary key; the caller checks); keys made from the row's place (``row:N``) or content
    (``content:...``: a NULL key) never match.
    Each layer's file is rewritten without them (raw = staged + quarantined still holds: the same record keys
    leave all three), once for all the holders of a run (the rows a run moves into several partitions leave a
    left partition in one rewrite, not one per holder); the status says how many left and where to. A partition
    whose every row moved stays, empty. ``tables``: layer -> table name; ``statuses``: :func:`read_status` of the
    registry, when the caller has it (read here otherwise). Each left partition's raw file is read once: its keys,
    then (only when rows moved) its other columns.
    """
    holders = [holders] if isinstance(holders, str) else list(dict.fromkeys(holders))
    held = _held_keys(warehouse, tables["raw"], holders)
    if held.is_empty():
        return {}
    statuses = read_status(warehouse, registry) if statuses is None else statuses
    taken: dict[str, int] = {}
    for key in left:
        raw_path = PartitionedLayer(warehouse, "raw").path(tables["raw"], key)
        if key in holders or not raw_path.is_file():
            continue
        keys = pl.read_parquet(raw_path, columns=["record_key", "source_key"])  # the other columns: if rows moved
        moved = keys.join(held, on="source_key", how="inner")
        if moved.is_empty():
            continue
        whole = _whole(raw_path, keys)
        counts = {}
        for layer, table in tables.items():
            path = PartitionedLayer(warehouse, layer).path(table, key)
            if layer == "raw":
                frame = whole
            elif path.is_file():
                frame = pl.read_parquet(path)
            else:
                continue
            kept = frame.filter(~pl.col("record_key").is_in(moved["record_key"].implode()))
            _rewrite(path, kept)
            counts[layer] = kept.height
        taken[key] = moved.height
        previous = statuses.get(key)
        write_status(
            warehouse,
            PartitionStatus(
                partition=key,
                registry=registry,
                state=previous.state if previous else "ok",
                cause=f"its date left the table; {moved.height} of its rows are now read by {_where_to(moved)} and "
                "were taken out of it (counted once)",
                file=previous.file if previous else None,
                raw_rows=counts.get("raw"),
                staged_rows=counts.get("staged"),
                quarantined_rows=counts.get("quarantine"),
                run_id=run_id,
            ),
        )
    return taken


def _held_keys(warehouse: Warehouse, raw_table: str, holders: list[str]) -> pl.DataFrame:
    """``source_key`` -> ``holder``: the keys the holders' raw files hold (a key held twice: the first holder),
    keys made from a row's place (``row:N``) or, for a row whose key is NULL, its content (``content:...``, which
    holds its extract date: never another partition's) left out."""
    frames = []
    for holder in holders:
        path = PartitionedLayer(warehouse, "raw").path(raw_table, holder)
        if path.is_file():
            keys = pl.read_parquet(path, columns=["source_key"])
            frames.append(
                keys.filter(
                    ~pl.col("source_key").str.starts_with("row:") & ~pl.col("source_key").str.starts_with("content:")
                ).with_columns(holder=pl.lit(holder))
            )
    if not frames:
        return pl.DataFrame(schema={"source_key": pl.String, "holder": pl.String})
    return pl.concat(frames).unique("source_key", keep="first", maintain_order=True)


def _where_to(moved: pl.DataFrame) -> str:
    """The holders of moved rows: 'src@undated', or 'src@undated (2), src@2025-10-31 (1)' when several."""
    counts = moved.group_by("holder", maintain_order=True).len().rows()
    if len(counts) == 1:
        return counts[0][0]
    return ", ".join(f"{holder} ({n})" for holder, n in counts)


def _whole(path: Path, keys: pl.DataFrame) -> pl.DataFrame:
    """The file's every column, in its order: ``keys`` (columns already read) and the others read now."""
    names = pq.read_schema(path).names
    rest = [c for c in names if c not in keys.columns]
    return pl.concat([keys, pl.read_parquet(path, columns=rest)], how="horizontal").select(names) if rest else keys


def _rewrite(path: Path, frame: pl.DataFrame) -> None:
    """Replace a partition's Parquet file with ``frame``, in the file's own schema (its metadata kept), atomically."""
    write_parquet_atomic(frame.to_arrow().cast(pq.read_schema(path)), path)
