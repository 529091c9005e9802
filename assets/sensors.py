"""The landing-folder sensor: a new extract file -> a run of exactly the partition it is.

Watches ``$WARDBRIDGE_LANDING`` (default ``data/landing/`` in the repository). A file whose name
matches a catalogue source's path pattern (the file-name part of ``path``, a glob) and, when the
source has one, its ``extract_date_pattern``, is that source's extract for that date: partition
``<source_id>@<date>``. New or changed files (name, size, modification time; kept in the cursor)
request one run of ``ingest_<registry>`` for each partition they affect; nothing new -> a skip.

Limitation: the ingest partitions are static, read from the catalogue when the code location
loads. The sensor reads the catalogue at every tick, but a partition the code location does not
know yet (a brand-new source, or a new extract date of a glob source) is reported in the skip
reason and needs a code reload (``dg dev``/UI "Reload definitions") before it can run. For that
the catalogue's ``base_dir``/``path`` must reach the landing folder.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from pathlib import Path

import dagster as dg

from assets.ingest import INGEST_JOBS, catalogue_paths
from pipelines.ingest.catalogue import PARTITION_SEPARATOR, _parse_date, extracts_by_partition, load_catalogue
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


@dg.sensor(
    name="landing_folder_sensor",
    jobs=INGEST_JOBS,
    minimum_interval_seconds=60,
    description="New or changed extract files in $WARDBRIDGE_LANDING (default data/landing/) -> an ingest run of "
    "exactly the partitions they are (source id and extract date from the catalogue).",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext):
    folder = landing_dir()
    if not folder.is_dir():
        return dg.SensorResult(skip_reason=dg.SkipReason(f"landing folder {folder} does not exist"))
    seen = json.loads(context.cursor) if context.cursor else {}
    now = {f.name: f"{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in sorted(folder.iterdir()) if f.is_file()}
    new = [name for name, sig in now.items() if seen.get(name) != sig]
    if not new:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"no new extract files in {folder}"), cursor=context.cursor)
    sources = load_catalogue(catalogue_paths())
    extracts = extracts_by_partition(sources)
    requests, unclaimed, unknown = [], [], []
    for name in new:
        found = partition_for(folder / name, sources)
        if found is None:
            unclaimed.append(name)
            continue
        registry, key = found
        if key not in extracts:
            unknown.append(key)
            continue
        requests.append(dg.RunRequest(run_key=f"{key}:{now[name]}", job_name=f"ingest_{registry}", partition_key=key))
    notes = []
    if unclaimed:
        notes.append(f"no catalogue source matches {unclaimed}")
    if unknown:
        notes.append(f"partitions not in the catalogue's extracts (check base_dir/path; then reload): {unknown}")
    cursor = json.dumps(now, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason=dg.SkipReason("; ".join(notes) or "nothing to run"), cursor=cursor)
    for note in notes:
        context.log.warning(note)
    return dg.SensorResult(run_requests=requests, cursor=cursor)
