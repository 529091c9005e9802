"""The nightly schedule: reload every catalogue extract, then rebuild entities and marts.

Asia/Ho_Chi_Minh time: at 02:00 one ranged run of ``ingest_<registry>`` per registry over all its
catalogue partitions (the catalogue is read at each tick; its extracts are registered as the dynamic
partitions ``<registry>_extracts`` first, those that left it deleted), at 03:00 ``wardbridge_entities``, at 04:00
``wardbridge_marts``. The instance runs one warehouse writer at a time (pool ``wardbridge_warehouse``,
one slot), so a late ingest delays the entities run rather than overlapping it. A Dagster schedule
targets one job, hence one schedule per job. Schedules start STOPPED: turn them on in the UI.
Exports are not scheduled: they need $WARDBRIDGE_PSEUDONYM_KEY in the daemon's environment (add the
job ``wardbridge_exports`` here when it is set).
"""

from __future__ import annotations

import dagster as dg

from assets.entities import ENTITIES_JOB
from assets.ingest import INGEST_JOBS, catalogue_keys, register_catalogue
from assets.publish import MARTS_JOB
from pipelines.schema import REGISTRY_KINDS

TIMEZONE = "Asia/Ho_Chi_Minh"
INGEST_CRON, ENTITIES_CRON, MARTS_CRON = "0 2 * * *", "0 3 * * *", "0 4 * * *"


def _ingest_schedule(registry: str) -> dg.ScheduleDefinition:
    def evaluate(context: dg.ScheduleEvaluationContext):
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


SCHEDULES = [
    *(_ingest_schedule(registry) for registry in REGISTRY_KINDS),
    dg.ScheduleDefinition(
        name="nightly_entities",
        cron_schedule=ENTITIES_CRON,
        execution_timezone=TIMEZONE,
        job=ENTITIES_JOB,
        default_status=dg.DefaultScheduleStatus.STOPPED,
    ),
    dg.ScheduleDefinition(
        name="nightly_marts",
        cron_schedule=MARTS_CRON,
        execution_timezone=TIMEZONE,
        job=MARTS_JOB,
        default_status=dg.DefaultScheduleStatus.STOPPED,
    ),
]
