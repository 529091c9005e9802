"""The bundled sample run through the real jobs once per test session, for the marts tests.

Reference + resolver job, every ingest job over all catalogue partitions, the entities job
and the marts job, in-process on an ephemeral Dagster instance, into one warehouse
directory. Cached so tests/test_marts.py and tests/test_readme_sql.py share one run.
"""

from __future__ import annotations

import functools
from pathlib import Path

import dagster as dg

from assets.definitions import defs
from assets.resources import WarehouseResource
from pipelines.schema import REGISTRY_KINDS


@functools.cache
def sample_marts(base: Path) -> tuple[Path, dict[str, dg.ExecuteInProcessResult]]:
    root = base / "marts_sample_wh"
    resources = {"warehouse": WarehouseResource(path=str(root))}
    instance = dg.DagsterInstance.ephemeral()
    results = {}

    def run(name: str, **tags: str) -> None:
        results[name] = defs.resolve_job_def(name).execute_in_process(
            instance=instance, resources=resources, raise_on_error=False, tags=tags or None
        )

    run("wardbridge_main")
    for registry in REGISTRY_KINDS:
        keys = defs.resolve_job_def(f"ingest_{registry}").partitions_def.get_partition_keys()
        run(
            f"ingest_{registry}",
            **{"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        )
    run("wardbridge_entities")
    run("wardbridge_marts")
    return root, results
