"""The landing-folder sensor: a new extract -> its dynamic partition registered and a run of exactly that partition.

Watches ``$WARDBRIDGE_LANDING`` (default ``data/landing/`` in the repository), the source catalogue and the
SQL sources whose table holds several extracts (catalogue ``extract_date_column``). A file whose name matches
a catalogue source's path pattern (the file-name part of ``path``, a glob) and, when the source has one, its
``extract_date_pattern``, is that source's extract for that date: partition ``<source_id>@<date>``. At each tick:

* new or changed files, in the folder or its subfolders (path, size, modification time; kept in the cursor) affect
  their partitions; a file (in the folder or a catalogue extract's file not registered yet) modified less than
  ``$WARDBRIDGE_LANDING_SETTLE_SECONDS`` (default 30) ago is still being written (a copy in progress): it is held, named
  in the skip reason, and read at a later tick once it is that old or unchanged since the tick that held it; a dBase
  table's memo file (.fpt/.dbt beside it) counts as the table (``extract_signature``, as a scheduled run waits on):
  the table is held while its memo is being written, and a memo file delivered again runs the table's partition;
* the catalogue's extracts not yet registered in the instance (a new source, a new extract date of a
  glob source or of a SQL source's ``extract_date``) are new partitions;
* a SQL source with ``extract_date_column``: one ``GROUP BY`` of that column with row counts (read-only,
  SQLAlchemy); each date not seen before (the cursor keeps the dates seen per source; a sensor without them
  starts from the partitions already registered) is a partition, registered when new and requested once
  under a run key unique to the tick (a date that leaves the table and comes back runs again). A registered
  date whose row count changed is requested again (rows per date kept in the cursor). Rows with no readable
  date are the source's partition ``<source_id>@undated`` (one partition whatever the dates do), requested
  again when their count or spellings change (kept in the cursor) or, while it holds rows, when any date's
  count or the set of dates changes: a row that gets, loses or changes its date is read again by both the
  partitions it left and joined (see ``_registry_keys``). Dates that left the table stay
  registered (their history is kept). A database that cannot be reached is named in the skip reason
  (password masked), its partitions are kept, and the next tick tries again;
* a registered partition whose ingest status still says ``loading`` while the run that wrote it is not in progress
  (killed, out of memory, a full disk between its layers: pipelines/ingest/status.py) is requested again, once per
  such load, its run tagged ``wardbridge/reload_of`` and the tick's log naming it and why; when the load after that
  request did not finish either, it is not requested again (no loop) and the tick says so until a load finishes it;
* new partitions are registered (dynamic partitions ``<registry>_extracts``) in the same tick and run in
  one ranged run per registry; a changed file of a registered partition gets a run of that partition;
  registered partitions whose source left the catalogue are deleted (``assets.ingest.gone_keys``). Nothing
  new -> a skip.

No code reload is needed: the catalogue (and the SQL sources' dates) is read at every tick and the
partitions live in the instance. A file whose name matches a source but that the catalogue's
``base_dir``/``path`` does not reach is named in the skip reason (fix the catalogue: the next tick picks it up).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from assets.ingest import (
    INGEST_JOBS,
    SETTLE_ENV,
    Listing,
    ahead_words,
    catalogue_paths,
    extract_signature,
    gone_keys,
    memo_table,
    newest_of,
    partitions_name,
    settle_seconds,
    settling_name,
)
from pipelines.ingest.catalogue import (
    PARTITION_SEPARATOR,
    UNDATED,
    extracts_by_partition,
    load_catalogue,
    misdated_files,
    misdated_note,
    source_of,
)
from pipelines.ingest.sql import ExtractDates
from pipelines.schema import REGISTRY_KINDS
from pipelines.warehouse import REPO_ROOT

LANDING_ENV = "WARDBRIDGE_LANDING"


def landing_dir() -> Path:
    value = os.environ.get(LANDING_ENV, "").strip()
    return Path(value).expanduser() if value else REPO_ROOT / "data" / "landing"


def partition_for(file: Path, sources, relative: str | None = None) -> tuple[str, str] | None:  # noqa: ANN001 - {id: SourceSpec}
    """(registry, partition key) of a landed file, or None when no catalogue source claims it. ``relative``: the
    file's path inside the landing folder ('population/population_718.csv'); a source whose whole ``path`` glob
    matches it is preferred to one that matches the file name only (two sources may name their files alike in
    different folders)."""
    claims = [
        spec
        for spec in sources.values()
        if spec.format != "sql" and spec.path and fnmatch.fnmatch(file.name, Path(spec.path).name)
    ]
    if relative is not None:
        claims.sort(key=lambda spec: not fnmatch.fnmatch(relative, spec.path))
    for spec in claims:
        if spec.extract_date_pattern:
            day = spec.date_of_file(file)
            if day is None:  # the name misses the pattern or holds no real date (named by misdated_files)
                continue
        elif spec.extract_date is not None:
            day = spec.extract_date
        else:
            continue
        return spec.registry, f"{spec.id}{PARTITION_SEPARATOR}{day.isoformat()}"
    return None


_CURSOR_VERSION = 2
# cursor key: its "files" name the files of the landing folder's subfolders too ('population/a.csv')
SUBFOLDERS = "subfolders"
# cursor key: the files held as still being written, {resolved path: "size:mtime"} when they were held
SETTLING = "settling"
# cursor key: the date-column SQL sources whose server refused the login or the database, {source id: epoch seconds}
REFUSED = "refused"
# a source whose server refused the login is not asked again for this long: each ask was one more failed login
REFUSED_PAUSE_SECONDS = 900
# cursor key: the partitions whose unfinished load this sensor asked to load again, {key: run id of that load}
RELOADS = "reloads"
RELOAD_TAG = "wardbridge/reload_of"  # a run the sensor requested to load again a partition whose load did not finish
# {"v": 2, "files": {name: "size:mtime"}, "sql_dates": {source id: [iso dates]},
#  "sql_undated": {source id: signature of its rows with no readable date},
#  "sql_counts": {source id: {iso date: rows}}, "subfolders": true, "settling": {path: "size:mtime"}} ("sql_undated",
#  "sql_counts", "subfolders" and "settling" may be absent: older cursors)


def _read_cursor(cursor: str | None) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str], dict]:
    """(file signatures, SQL extract dates seen per source, undated rows' signature per source, rows per date per
    source); a version-1 cursor was the file signatures alone."""
    state = json.loads(cursor) if cursor else {}
    if state.get("v") == _CURSOR_VERSION:
        files, dates = dict(state.get("files", {})), dict(state.get("sql_dates", {}))
        return files, dates, dict(state.get("sql_undated", {})), dict(state.get("sql_counts", {}))
    return state, {}, {}, {}


def _signature(path: Path) -> tuple[str, float, str] | None:
    """("size:mtime_ns" as the cursor keeps it, seconds since its last modification, the name of the file modified
    last) of a file, None when it is gone. Built on the ingest's ``extract_signature``, which a scheduled run waits on:
    a dBase table's memo files follow as ";<name>=size:mtime_ns" and the age is that of the file modified last, so a
    table whose memo file is still being copied is held as the run would wait for it (before, the table alone was
    looked at: it was run, its memo half written)."""
    found = extract_signature(path)
    if found is None:
        return None
    (_name, size, mtime_ns), memos = found[0], found[1:]
    text = ";".join([f"{size}:{mtime_ns}", *(f"{name}={s}:{m}" for name, s, m in memos)])
    newest, age = newest_of(found)
    return text, age, newest


def _being_written(files: dict[str, str], held: dict[str, str], settle: float) -> dict[str, tuple[str, float, str]]:
    """The ``files`` (resolved path -> how the notes name it) still being written: modified less than ``settle`` seconds
    ago (or dated in the future: another machine's clock) and changed since the tick that held them, if one did.
    A file unchanged since that tick is read whatever its date says. Returns path -> (signature, age, name); a dBase
    table held for its memo file is named "hk.dbf's memo file HK.FPT"."""
    writing = {}
    if settle <= 0:
        return writing
    for path, name in files.items():
        found = _signature(Path(path))
        if found is not None and found[1] < settle and held.get(path) != found[0]:
            said = settling_name(name, Path(path).name, found[2])
            writing[path] = (found[0], found[1], said)
    return writing


def _writing_notes(writing: dict[str, tuple[str, float, str]], settle: float) -> list[str]:
    """One line per file held. A file dated ahead of this machine's clock (a file server's, or a file unzipped from an
    archive made in local time) is said so, as the nightly run's wait says it (assets/ingest.py wait_until_settled):
    before, 'still being written (modified 0 s ago)' for a file dated 7 h in the future."""
    return [
        (
            f"{name} is dated {ahead_words(-age)} in the future (another machine's clock?): read at the next tick if "
            f"left unchanged (${SETTLE_ENV})"
            if age < 0
            else f"{name} is still being written (modified {age:.0f} s ago): read once left unchanged for {settle:g} s "
            f"(${SETTLE_ENV})"
        )
        for _sig, age, name in sorted(writing.values(), key=lambda item: item[2])
    ]


def _undated_signature(found: ExtractDates) -> str:
    """How many rows have no readable date and which spellings they have (hashed: no cell value in the cursor)."""
    spellings = sorted(repr(v) for v in found.undated) + (["NULL"] if found.has_null else [])
    return f"{found.undated_rows}:{hashlib.sha1(json.dumps(spellings).encode()).hexdigest()[:12]}"


def _landed_files(folder: Path) -> list[Path]:
    """The files of the landing folder and of its subfolders (a catalogue's ``path`` may name one:
    'population/population_718.csv', as `wardbridge catalogue` writes for a synth output), hidden folders left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, name) for name in sorted(files)]
    return [f for f in found if f.is_file()]


def _changed_files(
    folder: Path, seen: dict[str, str], subfolders_seen: bool = True
) -> tuple[dict[str, str], list[str]]:
    """(signature per file, the files new or changed since ``seen``), each file named by its path inside the folder
    ('a.csv' at the top, as the cursor has always named them; 'population/a.csv' in a subfolder).
    ``subfolders_seen`` False (a cursor from before subfolders were watched, see :data:`SUBFOLDERS`): the files in
    subfolders are recorded, not reported, so an upgrade does not run every extract of the folder again."""
    if not folder.is_dir():
        return seen, []
    now = {}
    for f in _landed_files(folder):
        stat = f.stat()
        now[f.relative_to(folder).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return now, [name for name, sig in now.items() if seen.get(name) != sig and (subfolders_seen or "/" not in name)]


def _undated_notes(sources, groups: dict[str, ExtractDates]) -> list[str]:  # noqa: ANN001 - {id: SourceSpec}
    """Where each date-column source's rows with no readable date went (or that they went nowhere)."""
    notes = []
    for source_id, found in sorted(groups.items()):
        if not found.has_undated:
            continue
        column = sources[source_id].extract_date_column
        rows = f"source {source_id}: {found.undated_rows} rows with an empty or unreadable date in column {column!r}"
        notes.append(f"{rows} belong to no extract; quarantined in {source_id}{PARTITION_SEPARATOR}{UNDATED}")
    return notes


@dg.sensor(
    name="landing_folder_sensor",
    jobs=INGEST_JOBS,
    minimum_interval_seconds=60,
    description="New or changed extract files in $WARDBRIDGE_LANDING (default data/landing/), new catalogue "
    "extracts and new extract dates in SQL sources (catalogue extract_date_column) -> registered as dynamic "
    "partitions, and an ingest run of exactly the partitions they are.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext):
    dead = release_dead_runs(context.instance)
    folder = landing_dir()
    settle, settle_note = settle_seconds()
    seen_files, seen_dates, seen_undated, seen_counts = _read_cursor(context.cursor)
    subfolders_seen = not context.cursor or bool(json.loads(context.cursor).get(SUBFOLDERS))
    held = dict(json.loads(context.cursor).get(SETTLING, {})) if context.cursor else {}
    signatures, changed = _changed_files(folder, seen_files, subfolders_seen)
    sources = load_catalogue(catalogue_paths())
    failed, groups = {}, {}  # each date-column source asked on its own: one database down leaves the others
    refused, resting = _resting(context.cursor, sources)  # refused the login lately: not asked this tick
    asked = {source_id: spec for source_id, spec in sources.items() if source_id not in resting}
    extracts = extracts_by_partition(asked, unlisted=failed, groups=groups)
    refused = _refusals(refused, failed)
    unreachable = {source_id: str(exc) for source_id, exc in failed.items()}  # messages mask the password
    unreachable |= resting
    failed |= {source_id: RuntimeError(why) for source_id, why in resting.items()}  # kept, never "gone"
    registered = {r: list(context.instance.get_dynamic_partitions(partitions_name(r))) for r in REGISTRY_KINDS}
    writing = _being_written(_watched(folder, changed, extracts, registered), held, settle)
    changed, ready = _hold(folder, writing, changed, signatures, seen_files, extracts)
    affected, unclaimed, unreached, misdated = _landed(folder, changed, signatures, sources, ready)
    # unique per evaluation: Dagster drops a run key it has seen, and a SQL date may leave the table and come back
    tick = hashlib.sha1(f"{context.cursor or ''}:{time.time_ns()}".encode()).hexdigest()[:8]
    keep = Listing(sources, extracts, failed).kept()  # their registered partitions are never "gone"
    add, delete, requests, deleted = [], [], [], []
    before = dict(json.loads(context.cursor).get(RELOADS, {})) if context.cursor else {}
    unfinished, reload_notes, reloads = _unfinished_loads(context.instance, registered, ready, before)
    for registry in REGISTRY_KINDS:
        name = partitions_name(registry)
        gone = gone_keys(set(registered[registry]), extracts, keep)
        if gone:
            delete.append(dg.DeleteDynamicPartitionsRequest(name, gone))
            deleted.append(_gone_note(registry, gone, sources))
        keys, fresh = _registry_keys(
            registry, registered[registry], ready, (groups, seen_dates, seen_undated, seen_counts), tick
        )
        keys.update(affected.get(registry, {}))  # a landed file's signature is its run key
        if fresh:  # registered now: appended to the instance's order, in this order
            add.append(dg.AddDynamicPartitionsRequest(name, fresh))
            requests.append(_request(registry, fresh, ":".join(keys[k] for k in fresh)))
        for key in sorted(k for k in keys if k not in fresh):  # re-delivered extracts, known SQL dates not run
            requests.append(_request(registry, [key], keys[key]))
        for key, (run_id, why) in sorted(unfinished.get(registry, {}).items()):
            if key not in keys:  # a changed file of it is run above anyway
                requests.append(_reload_request(registry, key, run_id, why))
    notes = _notes(folder, sources, groups, unclaimed, unreached, unreachable, misdated)
    notes += (
        reload_notes
        + deleted
        + _writing_notes(writing, settle)
        + ([settle_note] if settle_note else [])
        + ([dead] if dead else [])
    )
    sql_dates = _carry(seen_dates, {k: [d.isoformat() for d in g.dates] for k, g in groups.items()}, unreachable)
    sql_undated = _carry(seen_undated, {k: _undated_signature(g) for k, g in groups.items()}, unreachable)
    sql_counts = _carry(seen_counts, {k: g.counts for k, g in groups.items()}, unreachable)
    state = {"v": _CURSOR_VERSION, "files": signatures, "sql_dates": sql_dates, "sql_undated": sql_undated}
    state["sql_counts"] = sql_counts
    state[SUBFOLDERS] = True
    state[SETTLING] = {path: sig for path, (sig, _age, _name) in writing.items()}
    state[REFUSED] = refused
    state[RELOADS] = reloads
    cursor = json.dumps(state, sort_keys=True)
    if not requests:
        reason = "; ".join(notes) or f"no new extract files in {folder} and no new catalogue extracts"
        return dg.SensorResult(skip_reason=dg.SkipReason(reason), cursor=cursor, dynamic_partitions_requests=delete)
    for note in notes:
        context.log.warning(note)
    return dg.SensorResult(run_requests=requests, cursor=cursor, dynamic_partitions_requests=[*delete, *add])


def _watched(folder: Path, changed: list[str], extracts, registered: dict[str, list[str]]) -> dict[str, str]:  # noqa: ANN001
    """The files this tick would read (resolved path -> how the notes name it): the landing folder's new or changed
    files and the files of catalogue extracts not registered yet (their base_dir may be elsewhere)."""
    files = {str((folder / name).resolve()): name for name in changed}
    known = {key for keys in registered.values() for key in keys}
    for key, extract in extracts.items():
        if key not in known and extract.file is not None and not extract.source.extract_date_column:
            files.setdefault(str(Path(extract.file).resolve()), str(extract.file))
    return files


def _hold(folder: Path, writing: dict, changed: list[str], signatures: dict[str, str], seen: dict[str, str], extracts):  # noqa: ANN001, ANN202
    """(the changed files not being written, the extracts whose file is not being written). A held file keeps its
    signature of the last tick in ``signatures`` (the cursor), so the next tick sees it as changed again."""
    if not writing:
        return changed, extracts
    ready_files = []
    for name in changed:
        if str((folder / name).resolve()) not in writing:
            ready_files.append(name)
        elif name in seen:
            signatures[name] = seen[name]
        else:
            signatures.pop(name, None)
    ready = {
        key: extract
        for key, extract in extracts.items()
        if extract.file is None or str(Path(extract.file).resolve()) not in writing
    }
    return ready_files, ready


def _resting(cursor: str | None, sources) -> tuple[dict[str, float], dict[str, str]]:  # noqa: ANN001
    """(the cursor's refusals of sources still in the catalogue, source id -> why it is not asked this tick) for the
    date-column SQL sources whose server refused the login or the database less than REFUSED_PAUSE_SECONDS ago."""
    refused = dict(json.loads(cursor).get(REFUSED, {})) if cursor else {}
    refused = {k: t for k, t in refused.items() if k in sources}
    now, resting = time.time(), {}
    for source_id, when in refused.items():
        if now - when < REFUSED_PAUSE_SECONDS:
            at = time.strftime("%H:%M:%S UTC", time.gmtime(when))
            again = time.strftime("%H:%M:%S UTC", time.gmtime(when + REFUSED_PAUSE_SECONDS))
            resting[source_id] = (
                f"not asked: its server refused the login or the database at {at}, asked again from {again} (each "
                "ask is one more failed login, which a server may count towards locking the account); mend the "
                "URL's user, database or password"
            )
    return refused, resting


def _refusals(refused: dict[str, float], failed: dict[str, Exception]) -> dict[str, float]:
    """The refusals to keep in the cursor: those asked now and refused again (time of now), those not asked (kept)."""
    from assets.ingest import _in_chain
    from pipelines.ingest.sql import SourceLoginRefused

    now = time.time()
    asked_now = {k: v for k, v in refused.items() if now - v < REFUSED_PAUSE_SECONDS}  # not asked this tick: kept
    for source_id, exc in failed.items():
        if _in_chain(exc, SourceLoginRefused):
            asked_now[source_id] = now
    return asked_now


def release_dead_runs(instance) -> str | None:  # noqa: ANN001 - DagsterInstance
    """Mark failed the runs a killed ``wardbridge run`` left STARTED on this host (assets/cli.py ``fail_dead_runs``:
    its process is gone), and say so; None when there were none.

    Such a run counts as in progress for the daemon's queue (``max_concurrent_runs: 1``), so every run the sensors
    and schedules request waited behind it until run monitoring's ``max_runtime_seconds`` (4 h): run monitoring
    cannot tell whether a process it did not launch is alive. Before, only the next ``wardbridge run`` freed them."""
    from assets.cli import fail_dead_runs

    dead = fail_dead_runs(instance)
    if not dead:
        return None
    return (
        f"marked failed {len(dead)} run(s) a killed `wardbridge run` left STARTED (its process is gone), which held "
        f"the run queue: {dead}"
    )


def _unfinished_loads(instance, registered: dict[str, list[str]], extracts, before: dict[str, str]):  # noqa: ANN001, ANN202
    """(registry -> partition -> (run id of its load that did not finish, why), notes, the cursor's reloads).

    A partition whose ingest status still says ``loading`` (pipelines/ingest/status.py) while the run that wrote it
    is not in progress on the instance (ended, or not known to it) did not finish its load: killed, out of memory, a
    full disk. Its file did not change, so nothing else would load it again before the nightly reload; it is
    requested once per such load. When the load after that request did not finish either (the same cause, likely),
    it is not requested again (no loop): the note says so until a load finishes it."""
    from pipelines.ingest.status import unfinished_loads
    from pipelines.warehouse import Warehouse

    wh = Warehouse.default()
    found: dict[str, dict[str, tuple[str, str]]] = {}
    notes: list[str] = []
    reloads: dict[str, str] = {}
    for registry in REGISTRY_KINDS:
        known = set(registered[registry])
        for key, status in unfinished_loads(wh, registry).items():
            if key not in known or key not in extracts:  # not registered yet (requested as new) or gone
                continue
            run_id = status.run_id or "?"
            if _in_progress(instance, run_id):
                if key in before:
                    reloads[key] = before[key]
                continue
            asked = before.get(key)
            if asked is None:
                why = (
                    f"{key}: its load by run {run_id} ({status.time}) did not finish (killed, out of memory, a full "
                    "disk?): its ingest status still says 'loading' and its layers may be from two loads; loaded "
                    "again (once)"
                )
                found.setdefault(registry, {})[key] = (run_id, why)
                notes.append(why)
                reloads[key] = run_id
            elif asked == run_id:  # requested at an earlier tick: not started yet, or it stopped before this partition
                reloads[key] = asked
                notes.append(
                    f"{key}: its load by run {run_id} did not finish; a load again was requested at an earlier tick "
                    "and has not finished it yet"
                )
            else:
                reloads[key] = asked
                notes.append(
                    f"{key}: its load by run {asked} did not finish, and the load after it (run {run_id}) did not "
                    "finish either: not requested again (no loop); see that run's log, mend the cause (a full disk?) "
                    "and re-execute it (or the nightly reload)"
                )
    return found, notes, reloads


def _in_progress(instance, run_id: str) -> bool:  # noqa: ANN001 - DagsterInstance
    """Whether run ``run_id`` is known to the instance and not finished (queued or running)."""
    try:
        run = instance.get_run_by_id(run_id)
    except Exception:  # noqa: BLE001 - not a run id of this instance (a test driver's, another instance's)
        return False
    return run is not None and not run.is_finished


def _reload_request(registry: str, key: str, run_id: str, why: str) -> dg.RunRequest:
    """The run loading again partition ``key``, whose load by ``run_id`` did not finish (once per such load)."""
    return dg.RunRequest(
        run_key=f"{key}:reload:{run_id}",
        job_name=f"ingest_{registry}",
        partition_key=key,
        tags={RELOAD_TAG: run_id, "wardbridge/reload_reason": why[:200]},
    )


def _gone_note(registry: str, gone: list[str], sources) -> str:  # noqa: ANN001 - {id: SourceSpec}
    """What the deletion of registered partitions means: their file went (its source is still in the catalogue) or
    their source left the catalogue; their rows stay in the warehouse until the registry's next ingest run."""
    files = [k for k in gone if source_of(k) in sources]
    left = [k for k in gone if source_of(k) not in sources]
    said = []
    if files:
        said.append(f"{files}: the file of each is not found any more (moved, archived, renamed or deleted)")
    if left:
        said.append(f"{left}: their source left the catalogue")
    return (
        f"partitions deleted: {'; '.join(said)}; their rows stay in the warehouse until the next ingest_{registry} "
        "run retires them to parquet/retired/ (put a file back to load it again)"
    )


def _carry(seen: dict, fresh: dict, unreachable: dict[str, str]) -> dict:
    """The cursor's entry per SQL source group: the one read now, else the last one seen when it was unreachable."""
    kept = {k: v for k, v in seen.items() if k in unreachable}
    kept.update(fresh)
    return kept


def _landed(folder: Path, changed: list[str], signatures: dict[str, str], sources, extracts):  # noqa: ANN001, ANN202
    """(registry -> partition key -> file signature, files no source claims, partitions the catalogue misses, notes
    naming the files whose name's extract date is no date).

    A landed file whose partition reads another file (the catalogue's base_dir is not the landing folder: the
    default catalogue reads data/sample/registries, the default landing folder is data/landing) requests nothing:
    its run would load the catalogue's file, not the one delivered. It is listed with the partitions the catalogue
    misses, naming the file the partition reads."""
    affected: dict[str, dict[str, str]] = {}
    unclaimed, unreached, misdated = [], [], []
    memos = {}  # changed memo file -> its dBase table beside it
    for name in changed:
        found = partition_for(folder / name, sources, name)
        if found is None and (table := memo_table(folder / name)) is not None:
            memos[name] = table
            continue
        if found is None:
            named = _misdated(folder / name, sources)
            if named:  # its source's pattern matches its name but the date there is no date: 'rename the file'
                misdated += [note for note in named if note not in misdated]
            else:
                unclaimed.append(name)
            continue
        registry, key = found
        if key not in extracts:
            unreached.append(key)
            continue
        reads = extracts[key].file
        if reads is not None and not _same_file(reads, folder / name):
            unreached.append(f"{key} (reads {reads}, not the landed {name})")
            continue
        affected.setdefault(registry, {})[key] = _run_signature(folder / name, signatures[name])
    for name, table in memos.items():  # a memo file delivered (again): its table's partition, the table ready
        found = partition_for(table, sources, table.relative_to(folder).as_posix())
        reads = extracts[found[1]].file if found is not None and found[1] in extracts else None
        if reads is None or not _same_file(reads, table):
            continue  # no source's table, or one held (still being written) or not reached: said of the table
        affected.setdefault(found[0], {})[found[1]] = _run_signature(table, signatures[name])
    return affected, unclaimed, unreached, misdated


def _run_signature(path: Path, signature: str) -> str:
    """The run key's signature of a landed file: its cursor's, and for a dBase table with a memo file the
    :func:`_signature` of both (a memo delivered again alone is a new run key, not one Dagster has seen)."""
    found = _signature(path)
    return found[0] if found is not None and ";" in found[0] else signature


def _misdated(file: Path, sources) -> list[str]:  # noqa: ANN001 - {id: SourceSpec}
    """The misdated_note of each file source whose path's file name matches ``file``'s and whose extract_date_pattern
    matches its name but reads no date there ('households_900_20251345.csv'): such a file is claimed by its source,
    and was noted 'no catalogue source matches' besides the note that names its date."""
    claims = [
        spec
        for spec in sources.values()
        if spec.format != "sql" and spec.path and fnmatch.fnmatch(file.name, Path(spec.path).name)
    ]
    return [note for spec in claims if (note := misdated_note(spec, file)) is not None]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


def _registry_keys(registry: str, registered: list[str], extracts, seen, tick: str):  # noqa: ANN001, ANN202
    """(partition key -> run key suffix, keys new to the instance) of one registry's catalogue extracts.

    ``seen``: (date groups listed now, dates seen per source, undated rows' signature per source, rows per date
    per source).

    A row moves between partitions when its date is set, changed or cleared; only the partitions it left and
    the one it joined can put that right, so a date-column source's registered date is requested again when
    its row count changed, and its ``@undated`` partition when its rows' signature changed or, while it holds
    rows, when any date's count or the set of dates changed (a row may have swapped places with an undated one,
    leaving the undated count as it was). Dates are compared by row count only: an edit that keeps every count
    (a row replaced by another of the same date) is the nightly reload's to pick up."""
    groups, seen_dates, seen_undated, seen_counts = seen
    known = set(registered)
    keys: dict[str, str] = {}
    new = []
    for key, extract in extracts.items():
        spec = extract.source
        if spec.registry != registry:
            continue
        if key not in known:
            new.append(key)
            keys[key] = f"date:{tick}" if spec.extract_date_column else "new"
        elif extract.undated:  # the rows with no readable date changed (or this sensor does not know them yet)
            found, before = groups.get(spec.id), seen_undated.get(spec.id)
            if found is None:
                continue
            changed = _undated_signature(found) != before
            if changed and (before is not None or found.has_undated):  # unknown before: run only if it holds rows
                keys[key] = f"date:{tick}"
            elif found.has_undated and _dates_changed(found, seen_counts.get(spec.id), seen_dates, spec.id, registered):
                keys[key] = f"date:{tick}"
        elif spec.extract_date_column:
            day, before = extract.extract_date.isoformat(), seen_counts.get(spec.id)
            found = groups.get(spec.id)
            if day not in _seen(seen_dates, spec.id, registered):
                keys[key] = f"date:{tick}"
            # Counts unknown (a cursor from before they were kept, or no cursor): not requested. Requesting every
            # registered date of every source once on upgrade would reload whole tables for changes that most
            # likely did not happen; the counts are kept from this tick on, and the nightly load reads every
            # date anyway. A date this sensor has not seen is requested above whatever the counts.
            elif before is not None and found is not None and before.get(day) != found.counts.get(day):
                keys[key] = f"date:{tick}"
    return keys, new


def _dates_changed(found: ExtractDates, before: dict[str, int] | None, seen_dates, source_id, registered) -> bool:  # noqa: ANN001
    """Whether a date-column source's dates changed since the last tick: any date's row count, or (counts
    unknown: an older cursor or none) the set of dates."""
    if before is not None:
        return before != found.counts
    return set(_seen(seen_dates, source_id, registered)) != {d.isoformat() for d in found.dates}


def _notes(folder: Path, sources, groups, unclaimed, unreached, unreachable, misdated=()) -> list[str]:  # noqa: ANN001
    notes = _undated_notes(sources, groups) + misdated_files(sources)
    notes += [note for note in misdated if note not in notes]  # a landed file the catalogue's base_dir does not reach
    if folder.is_file():  # ($WARDBRIDGE_LANDING naming an extract, not its folder): 'does not exist' misled
        notes.append(f"landing folder {folder} is a file, not a folder: name the folder the extracts land in")
    elif not folder.is_dir():
        notes.append(f"landing folder {folder} does not exist")
    if unclaimed:
        notes.append(f"no catalogue source matches {unclaimed}")
    if unreached:
        notes.append(f"the catalogue's base_dir/path does not reach {unreached} (fix the catalogue; no reload needed)")
    for source_id, why in sorted(unreachable.items()):
        notes.append(f"SQL source {source_id}: extract dates not checked, its database cannot be read ({why})")
    return notes


def _seen(seen_dates: dict[str, list[str]], source_id: str, registered: list[str]) -> list[str]:
    """The ISO dates of a date-column source this sensor has seen (else: those registered in the instance)."""
    before = seen_dates.get(source_id)
    if before is None:  # this sensor has not seen the source yet: what is registered is known
        before = [k.rpartition(PARTITION_SEPARATOR)[2] for k in registered if source_of(k) == source_id]
    return [d for d in before if d != UNDATED]


def _request(registry: str, keys: list[str], signature: str) -> dg.RunRequest:
    """One run of ``ingest_<registry>`` over exactly ``keys`` (consecutive in the instance's order)."""
    job, run_key = f"ingest_{registry}", f"{keys[0]}..{keys[-1]}:{hashlib.sha1(signature.encode()).hexdigest()[:12]}"
    if len(keys) == 1:
        return dg.RunRequest(run_key=f"{keys[0]}:{signature}", job_name=job, partition_key=keys[0])
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    return dg.RunRequest(run_key=run_key, job_name=job, tags=tags)


# Evaluates the automation conditions (assets/operations.py NIGHTLY) of entities, review, marts, report.
nightly_refresh = dg.AutomationConditionSensorDefinition(
    "nightly_refresh",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="After the nightly ingest: each downstream asset once everything it reads was updated since 02:00.",
)
