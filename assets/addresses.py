"""Group "addresses": the bundled sample of messy old addresses, resolved, and its review queue.

The resolver is pipelines.resolve (imported when the asset runs); these assets only
read the sample, call it, publish the result and attach checks and counts.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from assets.metadata import check_result, counts_markdown, preview_markdown, published_metadata, static_table_metadata
from assets.reference import REFERENCE_KEYS
from assets.rerun import check_only, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.reference import USER_GAZETTEER, load_reference
from pipelines.schema import RESOLVED_ADDRESS
from pipelines.warehouse import REPO_ROOT, table_for_frame
from quality.checks import (
    CHECK_DESCRIPTIONS,
    REVIEW_STATUSES,
    check_resolved,
    check_review_queue,
    gazetteer_consistency,
    review_queue,
    sample_accuracy,
    status_counts,
)

SCHEMA = "resolved"
GROUP = "addresses"
ROW_COLUMN = "input_row"  # 1-based position in the input file, added for lineage
# The bundled sample carries its ground truth (written by the sample generator).
SAMPLE_COLUMNS = {
    ROW_COLUMN: "1-based row number in the input file (added by wardbridge, for lineage).",
    "address": "Old address as found in the source, messy on purpose.",
    "mess_type": "Sample generator: kind of mess applied to the address.",
    "mess_detail": "Sample generator: detail of the mess (e.g. which typo or abbreviation).",
    "true_old_uid": "Sample ground truth: the old unit, 'pre2025:<code>'.",
    "true_new_uid": "Sample ground truth: the new ward, '2025:<code>'; empty when it cannot be determined.",
    "true_candidates": "Sample ground truth: every new ward of the old unit, ';'-joined.",
    "is_split": "Sample ground truth: the old unit was split.",
    "evidence_new_uid": "Sample ground truth: the part the address's street/hamlet evidence points to, if any.",
}
QUEUE_PREVIEW = [ROW_COLUMN, "address", "status", "old_name", "old_district", "candidates", "reason"]

RESOLVED_TABLE = table_for_frame(
    RESOLVED_ADDRESS,
    pl.DataFrame(schema={ROW_COLUMN: pl.UInt32, "address": pl.String, **RESOLVED_ADDRESS.polars_schema}),
    name="sample_addresses_resolved",
    descriptions=SAMPLE_COLUMNS,
    description="The bundled sample of messy old HCMC addresses (data/sample/old_addresses.csv), one row per "
    "input row in input order: the input columns (incl. ground truth) followed by the resolver's columns.",
)
QUEUE_TABLE = table_for_frame(
    RESOLVED_TABLE,
    pl.DataFrame(schema=RESOLVED_TABLE.polars_schema),
    name="address_review_queue",
    description="Sample rows a ward official must review: status split_review (old unit split, no evidence "
    "for one part; see candidates) or unresolved (see reason). Nothing is dropped: resolved + queued = all rows.",
)


def _repo_path(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else REPO_ROOT / p


class SampleAddressesConfig(dg.Config):
    addresses_csv: str = Field(
        default="data/sample/old_addresses.csv", description="CSV of old addresses (relative paths: repository root)."
    )
    address_column: str = Field(default="address", description="Column holding the free-text address.")
    gazetteer_csv: str = Field(
        default="data/sample/gazetteer_sample.csv",
        description="Extra gazetteer for the sample's split units, used with mappings/gazetteer.csv.",
    )


@dg.multi_asset(
    name="sample_addresses_resolved",
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec(
            "sample_addresses_resolved",
            group_name=GROUP,
            deps=REFERENCE_KEYS,
            description=RESOLVED_TABLE.description,
            kinds={"duckdb", "parquet", "polars"},
            metadata=static_table_metadata(RESOLVED_TABLE, SCHEMA),
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "resolver_contract",
            asset="sample_addresses_resolved",
            blocking=True,
            description=CHECK_DESCRIPTIONS["resolver_contract"],
        ),
        dg.AssetCheckSpec(
            "gazetteer_consistency",
            asset="sample_addresses_resolved",
            blocking=False,
            description="Sample gazetteer: " + CHECK_DESCRIPTIONS["gazetteer_consistency"],
        ),
    ],
    can_subset=True,  # the checks re-run alone on the published table (assets/rerun.py)
)
def sample_addresses_resolved(
    context: dg.AssetExecutionContext, config: SampleAddressesConfig, warehouse: WarehouseResource
) -> Iterator:
    from pipelines.resolve import resolve_table  # the engine; imported here so definitions load without it

    wh = warehouse.get()
    addresses_path, gazetteer_path = _repo_path(config.addresses_csv), _repo_path(config.gazetteer_csv)
    frame = pl.read_csv(addresses_path, infer_schema=False).with_row_index(ROW_COLUMN, offset=1)
    gazetteers = (USER_GAZETTEER, gazetteer_path) if gazetteer_path.exists() else (USER_GAZETTEER,)
    if not gazetteer_path.exists():
        context.log.warning(f"sample gazetteer {gazetteer_path} not found: resolving without it")
    reference = load_reference(gazetteers=gazetteers, checked=False)  # gazetteer_consistency: its check, below
    if check_only(context):  # re-run on the published table against the input file's row count
        rerun_note(context)
        yield from selected(context, _sample_checks(wh.read(SCHEMA, RESOLVED_TABLE.name), frame.height, reference))
        return
    context.log.info(
        f"resolving {frame.height} addresses from {addresses_path} ({reference.gazetteer.height} gazetteer entries)"
    )
    resolved = resolve_table(frame, address_column=config.address_column, reference=reference)
    table = table_for_frame(
        RESOLVED_ADDRESS,
        resolved,
        name=RESOLVED_TABLE.name,
        description=RESOLVED_TABLE.description,
        descriptions=SAMPLE_COLUMNS,
    )
    (published,) = wh.publish(SCHEMA, [(table, resolved)])
    stored = wh.read(SCHEMA, table.name)
    counts = status_counts(stored)
    context.log.info("status counts: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    accuracy = sample_accuracy(stored)
    yield dg.MaterializeResult(
        asset_key=RESOLVED_TABLE.name,
        metadata={
            **published_metadata(table, published),
            "input_file": dg.MetadataValue.path(str(addresses_path)),
            "gazetteer_entries": reference.gazetteer.height,
            "status_counts": counts_markdown(counts),
            **{f"status/{k}": v for k, v in counts.items()},
            **({"accuracy_vs_truth": dg.MetadataValue.json(accuracy)} if accuracy else {}),
        },
    )
    yield from selected(context, _sample_checks(stored, frame.height, reference))


def _sample_checks(stored: pl.DataFrame, input_rows: int, reference) -> list[dg.AssetCheckResult]:  # noqa: ANN001
    return [
        check_result("sample_addresses_resolved", check_resolved(stored, input_rows)),
        check_result("sample_addresses_resolved", gazetteer_consistency(reference.gazetteer, reference.crosswalk)),
    ]


@dg.multi_asset(
    name="address_review_queue",
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec(
            "address_review_queue",
            group_name=GROUP,
            deps=["sample_addresses_resolved"],
            description=QUEUE_TABLE.description,
            kinds={"duckdb", "parquet", "polars"},
            metadata=static_table_metadata(QUEUE_TABLE, SCHEMA),
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "nothing_dropped",
            asset="address_review_queue",
            blocking=True,
            description=CHECK_DESCRIPTIONS["nothing_dropped"],
        ),
    ],
    can_subset=True,  # the check re-runs alone on the published tables (assets/rerun.py)
)
def address_review_queue(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> Iterator:
    wh = warehouse.get()
    resolved = wh.read(SCHEMA, RESOLVED_TABLE.name)
    if check_only(context):
        rerun_note(context)
        yield from selected(
            context, [check_result(QUEUE_TABLE.name, check_review_queue(resolved, wh.read(SCHEMA, QUEUE_TABLE.name)))]
        )
        return
    queue = review_queue(resolved)
    table = table_for_frame(
        RESOLVED_ADDRESS, queue, name=QUEUE_TABLE.name, description=QUEUE_TABLE.description, descriptions=SAMPLE_COLUMNS
    )
    (published,) = wh.publish(SCHEMA, [(table, queue)])
    stored = wh.read(SCHEMA, table.name)
    context.log.info(f"{stored.height} of {resolved.height} rows need review")
    yield dg.MaterializeResult(
        asset_key=QUEUE_TABLE.name,
        metadata={
            **published_metadata(table, published),
            "status_counts": counts_markdown({k: v for k, v in status_counts(stored).items() if k in REVIEW_STATUSES}),
            "preview": preview_markdown(stored, QUEUE_PREVIEW),
        },
    )
    yield from selected(context, [check_result(QUEUE_TABLE.name, check_review_queue(resolved, stored))])
