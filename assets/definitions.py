"""The wardbridge code location: ``dagster dev`` / ``dagster definitions validate -m assets.definitions``.

All assets write to one DuckDB file, which allows one writer at a time, so every run
uses the in-process executor (steps run one after another).
"""

from __future__ import annotations

import dagster as dg

from assets.addresses import address_review_queue, sample_addresses_resolved
from assets.corrections import address_corrections
from assets.entities import ENTITIES_JOB, ENTITY_ASSETS, registry_links
from assets.exports import EXPORT_ASSETS, EXPORTS_JOB
from assets.ingest import INGEST_ASSETS, INGEST_JOBS
from assets.operations import with_operations_attributes
from assets.placement import split_placements
from assets.progress import PROGRESS_LOGGER, progress_logger
from assets.publish import MARTS_ASSETS, MARTS_JOB
from assets.reference import reference_tables
from assets.report import REPORT_ASSETS, REPORT_JOB
from assets.resources import WarehouseResource
from assets.review import REVIEW_ASSETS, REVIEW_JOB
from assets.schedules import SCHEDULES
from assets.sensors import landing_folder_sensor, nightly_refresh
from pipelines.warehouse import private_umask

# Every process that loads the code location (dagster dev's run workers, `wardbridge run`) writes with umask
# 0o027 at least: no file it creates is world-readable (the warehouse modes themselves: pipelines/warehouse.py).
private_umask()

MAIN_JOB = "wardbridge_main"

ALL_ASSETS = [
    reference_tables,
    sample_addresses_resolved,
    address_review_queue,
    *INGEST_ASSETS,
    address_corrections,
    split_placements,
    *REVIEW_ASSETS,
    *ENTITY_ASSETS,
    registry_links,
    *MARTS_ASSETS,
    *EXPORT_ASSETS,
    *REPORT_ASSETS,
]

wardbridge_main = dg.define_asset_job(
    MAIN_JOB,
    selection=dg.AssetSelection.groups("reference", "addresses"),
    description="Publish and check the reference tables, then resolve the bundled sample and build its review queue.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=with_operations_attributes(ALL_ASSETS),  # owners, tags, code versions: assets/operations.py
    jobs=[wardbridge_main, *INGEST_JOBS, ENTITIES_JOB, MARTS_JOB, EXPORTS_JOB, REVIEW_JOB, REPORT_JOB],
    schedules=SCHEDULES,
    sensors=[landing_folder_sensor, nightly_refresh],
    resources={"warehouse": WarehouseResource()},
    executor=dg.in_process_executor,
    # console: Dagster's default (dagster dev, the daemon); wardbridge_progress: what `wardbridge run` prints
    loggers={"console": dg.colored_console_logger, PROGRESS_LOGGER: progress_logger},
)


def wardbridge_main_job() -> dg.JobDefinition:
    """Reconstructor for ``dagster.build_reconstructable_job`` (used by ``wardbridge run``)."""
    return defs.resolve_job_def(MAIN_JOB)


def ingest_job(registry: str) -> dg.JobDefinition:
    """Reconstructor for the ingest job of one registry (used by ``wardbridge run``)."""
    return defs.resolve_job_def(f"ingest_{registry}")


def entities_job() -> dg.JobDefinition:
    """Reconstructor for the job wardbridge_entities (used by ``wardbridge run``)."""
    return defs.resolve_job_def(ENTITIES_JOB.name)


def marts_job() -> dg.JobDefinition:
    """Reconstructor for the job wardbridge_marts (used by ``wardbridge run``)."""
    return defs.resolve_job_def(MARTS_JOB.name)


def exports_job() -> dg.JobDefinition:
    """Reconstructor for the job wardbridge_exports (used by ``wardbridge run``)."""
    return defs.resolve_job_def(EXPORTS_JOB.name)


def report_job() -> dg.JobDefinition:
    """Reconstructor for the job wardbridge_report (run it after wardbridge_marts)."""
    return defs.resolve_job_def(REPORT_JOB.name)


def review_job() -> dg.JobDefinition:
    """Reconstructor for the job wardbridge_review (after wardbridge_entities, before wardbridge_marts)."""
    return defs.resolve_job_def(REVIEW_JOB.name)
