"""The landing-folder sensor: a new extract -> its dynamic partition registered and a run of exactly that partition.

Watches ``$WARDBRIDGE_LANDING`` (default ``data/landing/`` in the repository) and the source catalogue.
A file whose name matches a catalogue source's path pattern (the file-name part of ``path``, a glob) and,
when the source has one, its ``extract_date_pattern``, is that source's extract for that date: partition
``<source_id>@<date>``. At each tick:

* new or changed files (name, size, modification time; kept in the cursor) affect their partitions;
* the catalogue's extracts not yet registered in the instance (a new source, a new extract date of a
  glob source or of a SQL source's ``extract_date``) are new partitions;
* new partitions are registered (dynamic partitions ``<registry>_extracts``) in the same tick and run in
  one ranged run per registry; a changed file of a registered partition gets a run of that partition;
  registered partitions whose source left the catalogue are deleted. Nothing new -> a skip.

No code reload is needed: the catalogue is read at every tick and the partitions live in the instance.
A file whose name matches a source but that the catalogue's ``base_dir``/``path`` does not reach is
named in the skip reason (fix the catalogue: the next tick picks it up).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
from pathlib import Path

import dagster as dg

from assets.ingest import INGEST_JOBS, catalogue_paths, partitions_name, sync_requests
from pipelines.ingest.catalogue import PARTITION_SEPARATOR, _parse_date, extracts_by_partition, load_catalogue
from pipelines.schema import REGISTRY_KINDS
from pipelines.warehouse import REPO_ROOT

LANDING_ENV = "WARDBRIDGE_LANDING"


def landing_dir() -> Path:
    value = os.environ.get(LANDING_ENV, "").strip()
    return Path(value).expanduser() if value else REPO_ROOT / "data" / "landing"


def partition_for(file: Path, sources) -> tuple[str, str] | None:  # noqa: ANN001 - {id: SourceSpec}
    """(registry, partition key) of a landed file, or None when no catalogue source claims it."""
    for spec in sources.values():
        if spec.format == "sql" or not spec.path or not fnmatch.fnmatch(file.name, Path(spec.path).name):
            continue
        if spec.extract_date_pattern:
            m = re.search(spec.extract_date_pattern, file.name)
            if not m:
                continue
            day = _parse_date(m.group(1), f"{spec.catalogue_file}: source {spec.id}: file {file.name}")
        elif spec.extract_date is not None:
            day = spec.extract_date
        else:
            continue
        return spec.registry, f"{spec.id}{PARTITION_SEPARATOR}{day.isoformat()}"
    return None


def _changed_files(folder: Path, cursor: str | None) -> tuple[dict[str, str], list[str]]:
    seen = json.loads(cursor) if cursor else {}
    if not folder.is_dir():
        return seen, []
    now = {f.name: f"{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in sorted(folder.iterdir()) if f.is_file()}
    return now, [name for name, sig in now.items() if seen.get(name) != sig]


@dg.sensor(
    name="landing_folder_sensor",
    jobs=INGEST_JOBS,
    minimum_interval_seconds=60,
    description="New or changed extract files in $WARDBRIDGE_LANDING (default data/landing/) and new catalogue "
    "extracts (incl. new SQL extract dates) -> registered as dynamic partitions, and an ingest run of exactly "
    "the partitions they are.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext):
    folder = landing_dir()
    signatures, changed = _changed_files(folder, context.cursor)
    sources = load_catalogue(catalogue_paths())
    extracts = extracts_by_partition(sources)
    instance = context.instance
    affected: dict[str, dict[str, str]] = {}  # registry -> partition key -> run key suffix
    unclaimed, unreached = [], []
    for name in changed:
        found = partition_for(folder / name, sources)
        if found is None:
            unclaimed.append(name)
            continue
        registry, key = found
        if key not in extracts:
            unreached.append(key)
            continue
        affected.setdefault(registry, {})[key] = signatures[name]
    add, delete, requests = [], [], []
    for registry in REGISTRY_KINDS:
        new, gone = sync_requests(registry, instance)
        name = partitions_name(registry)
        if gone:
            delete.append(dg.DeleteDynamicPartitionsRequest(name, gone))
        for key in new:
            affected.setdefault(registry, {}).setdefault(key, "new")
        keys = affected.get(registry, {})
        fresh = [k for k in new if k in keys]  # registered now: appended to the instance's order, in this order
        if fresh:
            add.append(dg.AddDynamicPartitionsRequest(name, fresh))
            requests.append(_request(registry, fresh, ":".join(keys[k] for k in fresh)))
        for key in sorted(k for k in keys if k not in fresh):  # re-delivered extracts of known partitions
            requests.append(_request(registry, [key], keys[key]))
    notes = []
    if not folder.is_dir():
        notes.append(f"landing folder {folder} does not exist")
    if unclaimed:
        notes.append(f"no catalogue source matches {unclaimed}")
    if unreached:
        notes.append(f"the catalogue's base_dir/path does not reach {unreached} (fix the catalogue; no reload needed)")
    cursor = json.dumps(signatures, sort_keys=True)
    if not requests:
        reason = "; ".join(notes) or f"no new extract files in {folder} and no new catalogue extracts"
        return dg.SensorResult(skip_reason=dg.SkipReason(reason), cursor=cursor, dynamic_partitions_requests=delete)
    for note in notes:
        context.log.warning(note)
    return dg.SensorResult(run_requests=requests, cursor=cursor, dynamic_partitions_requests=[*delete, *add])


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
