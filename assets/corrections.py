"""Asset address_corrections (group "entities"): staged records re-resolved under a corrected reference.

Thin: pipelines/entities/reresolve.py compares, per staged partition, the reference it was staged with to the
one in mappings/ now, re-resolves only the records a change can affect and publishes those whose reading
changed as resolved.address_corrections. Readers (pipelines.entities.io.read_staged / apply_overlays) apply it
before the split placements, so split_placements, the entities and the marts see the corrected wards.

Its code version follows the reference files (assets/operations.py), the ingest's does not: a corrected
crosswalk, alias or gazetteer entry marks this asset changed, not the staged tables. Its data version is the
overlay's content: when a run re-resolves and nothing changes, what reads it is not stale.
"""

import hashlib

import dagster as dg
import polars as pl

from assets.metadata import published_metadata, static_table_metadata
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.entities.reresolve import CORRECTIONS_SCHEMA, corrections
from pipelines.reference import load_reference
from pipelines.schema import ADDRESS_CORRECTIONS, REGISTRY_KINDS

GROUP = "entities"
KEY = ADDRESS_CORRECTIONS.name


@dg.asset(
    name=KEY,
    pool=WAREHOUSE_POOL,
    group_name=GROUP,
    deps=[f"staged_{registry}" for registry in REGISTRY_KINDS],
    description=ADDRESS_CORRECTIONS.description,
    kinds={"duckdb", "parquet", "polars"},
    metadata=static_table_metadata(ADDRESS_CORRECTIONS, CORRECTIONS_SCHEMA),
)
def address_corrections(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    wh = warehouse.get()
    reference = load_reference()  # mappings/ as it is now (not the process's cached default)
    result = corrections(wh, reference)
    (published,) = wh.publish(CORRECTIONS_SCHEMA, [(ADDRESS_CORRECTIONS, result.overlay)])
    states = {}
    for state in result.partitions.values():
        states[state] = states.get(state, 0) + 1
    context.log.info(
        f"address corrections: {result.reresolved} of {result.records} staged records re-resolved, "
        f"{result.changed} read differently under reference {reference.fingerprint}"
    )
    if states.get("unknown"):
        context.log.warning(
            f"{states['unknown']} staged partitions have no recorded reference (staged before fingerprints were "
            "kept): all their records were re-resolved (once, where none reads differently)"
        )
    flat = result.overlay.with_columns(pl.col("ward_candidates").list.join(";"))
    content = flat.sort("registry", "record_key").write_csv()
    return dg.MaterializeResult(
        metadata={
            **published_metadata(ADDRESS_CORRECTIONS, published),
            "reference": reference.fingerprint,
            "records": result.records,
            "records_reresolved": result.reresolved,
            "records_changed": result.changed,
            **{f"partitions/{state}": n for state, n in sorted(states.items())},
        },
        data_version=dg.DataVersion(hashlib.sha256(content.encode()).hexdigest()[:16]),
    )
