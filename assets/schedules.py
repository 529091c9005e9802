"""The nightly schedule: reload every catalogue extract; what follows refreshes declaratively.

Asia/Ho_Chi_Minh time: at 02:00 one ranged run of ``ingest_<registry>`` per registry over all its
catalogue partitions (the catalogue is read at each tick; its extracts are registered as the dynamic
partitions ``<registry>_extracts`` first, those that left it deleted). A Dagster schedule targets one
job, hence one schedule per registry. Entities, review queues, marts and the report are not scheduled at
fixed hours: their automation condition (assets/operations.py ``NIGHTLY``: on_cron at the same 02:00)
runs each once everything it reads was updated after the tick, evaluated by the sensor
``nightly_refresh``. Schedules and that sensor start STOPPED: turn them on in the UI. Exports are not
automated: they need $WARDBRIDGE_PSEUDONYM_KEY in the daemon's environment. A scheduled run waits for a file
modified less than $WARDBRIDGE_LANDING_SETTLE_SECONDS ago (a copy in progress at 02:00; assets/ingest.py).
"""

from __future__ import annotations

import dagster as dg

from assets.ingest import INGEST_JOBS, catalogue_keys, register_catalogue
from assets.operations import NIGHTLY_CRON as INGEST_CRON
from assets.operations import TIMEZONE
from assets.sensors import release_dead_runs
from pipelines.schema import REGISTRY_KINDS


def _ingest_schedule(registry: str) -> dg.ScheduleDefinition:
    def evaluate(context: dg.ScheduleEvaluationContext):
        dead = release_dead_runs(context.instance)  # a killed `wardbridge run`'s runs would hold this run queued
        if dead:
            context.log.warning(dead)
        if not catalogue_keys(registry):
            return dg.SkipReason(f"the catalogue has no {registry} extracts")
        keys = register_catalogue(registry, context.instance)  # new extracts become partitions: no reload
        if not keys:
            return dg.SkipReason(f"the catalogue has no {registry} extracts")
        tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
        return dg.RunRequest(run_key=f"nightly:{context.scheduled_execution_time:%Y-%m-%d}:{registry}", tags=tags)

    return dg.ScheduleDefinition(
        name=f"nightly_ingest_{registry}",
        cron_schedule=INGEST_CRON,
        execution_timezone=TIMEZONE,
        job=next(j for j in INGEST_JOBS if j.name == f"ingest_{registry}"),
        execution_fn=evaluate,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=f"Reload every {registry} catalogue extract in one ranged run.",
    )


SCHEDULES = [_ingest_schedule(registry) for registry in REGISTRY_KINDS]
