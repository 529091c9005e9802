"""Group "reference": the administrative reference tables, published and checked together.

One multi-asset writes all six tables in one DuckDB transaction (one writer per file)
and evaluates the blocking checks from quality/checks.py on the rows read back from
the warehouse, so downstream assets only run on reference data that passed.
"""

from collections.abc import Iterator

import dagster as dg

from assets.metadata import check_result, provenance, published_metadata, static_table_metadata
from assets.rerun import check_only, require_whole, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.reference import load_reference
from pipelines.schema import REFERENCE_TABLES
from quality.checks import CHECK_DESCRIPTIONS, reference_checks

SCHEMA = "reference"
GROUP = "reference"
DECLARATIONS = {t.name: t for t in REFERENCE_TABLES}

# Where each table's rows come from (the build of mappings/reference/ is in provenance.json).
SOURCES = {
    "units_pre2025": "mappings/reference/units_pre2025.csv (vietnamadminunits 1.0.4)",
    "units_2025": "mappings/reference/units_2025.csv (vietnamadminunits 1.0.4, cross-checked with vietnam-provinces 2025.10.1)",
    "crosswalk": "mappings/reference/crosswalk.csv (vietnamadminunits 1.0.4 converter_2025.json)",
    "aliases": "mappings/reference/aliases_upstream.csv (vietnamadminunits 1.0.4) + mappings/aliases.csv (user-maintained)",
    "gazetteer": "mappings/gazetteer.csv (user-maintained)",
    "source_disagreements": "mappings/reference/source_disagreements.csv (vietnamadminunits 1.0.4 vs vietnam-provinces 2025.10.1)",
}

# Checks beyond schema_valid, by table.
EXTRA_CHECKS = {"crosswalk": ("crosswalk_integrity", "hcmc_invariants"), "gazetteer": ("gazetteer_consistency",)}

REFERENCE_KEYS = [dg.AssetKey(name) for name in DECLARATIONS]


def _check_specs() -> list[dg.AssetCheckSpec]:
    specs = []
    for name in DECLARATIONS:
        for check in ("schema_valid", *EXTRA_CHECKS.get(name, ())):
            specs.append(dg.AssetCheckSpec(check, asset=name, blocking=True, description=CHECK_DESCRIPTIONS[check]))
    return specs


@dg.multi_asset(
    name="reference_tables",
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec(
            name,
            group_name=GROUP,
            description=table.description,
            kinds={"duckdb", "parquet", "polars"},
            metadata={**static_table_metadata(table, SCHEMA), "source": SOURCES[name]},
        )
        for name, table in DECLARATIONS.items()
    ],
    check_specs=_check_specs(),
    can_subset=True,  # checks re-run alone (assets/rerun.py); the six tables are written together
)
def reference_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> Iterator:
    """Load mappings/ (validated on load), publish every table, check what was published.

    With only checks selected: re-evaluate them on the published tables (assets/rerun.py), write nothing.
    """
    wh = warehouse.get()
    if check_only(context):
        rerun_note(context)
        yield from selected(context, _checks(context, wh, DECLARATIONS))
        return
    require_whole(context, "the reference tables", REFERENCE_KEYS)
    reference = load_reference(checked=False)  # gazetteer_consistency is this asset's blocking check, below
    tables = reference.tables()
    published = wh.publish(SCHEMA, [(DECLARATIONS[name], frame) for name, frame in tables.items()])
    context.log.info(
        f"published {len(published)} reference tables to {wh.duckdb_path} and {wh.root / 'parquet' / SCHEMA}"
    )
    prov = provenance()
    for table in published:
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={
                **published_metadata(DECLARATIONS[table.name], table),
                "source": SOURCES[table.name],
                "provenance": dg.MetadataValue.json(prov),
            },
        )
    yield from selected(context, _checks(context, wh, tables))


def _checks(context: dg.AssetExecutionContext, wh, names) -> Iterator[dg.AssetCheckResult]:  # noqa: ANN001
    """Every reference check, on the tables as read back from the warehouse."""
    readback = {name: wh.read(SCHEMA, name) for name in names}
    for name, outcomes in reference_checks(readback, DECLARATIONS).items():
        for outcome in outcomes:
            if not outcome.passed:
                context.log.error(outcome.summary())
            yield check_result(name, outcome)
