"""Group "marts": analytics.duckdb (aggregates, pseudonymised keys), restricted.duckdb (person level), Parquet.

Thin: pipelines/publish/marts.py builds the frames, pipelines/publish/store.py writes them aside,
runs the gates and swaps them in. Blocking checks, evaluated *before* the new marts become
visible: ``row_accounting`` (every raw row merged, quarantined or under review, exactly once)
and ``marts_gates`` (each table against its declaration in pipelines/schema.py and its domain
rules, with Great Expectations through quality/gx.py). A failing check leaves the
previous marts in place and fails the step, so nothing downstream (exports) runs on them.
"""

import dagster as dg

from assets.metadata import table_schema
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.publish.marts import build_marts, read_inputs
from pipelines.publish.pseudonym import key_fingerprint, pseudonym_key
from pipelines.publish.store import PublishRejected, publish_marts
from pipelines.schema import ENTITY_KINDS, REGISTRY_KINDS, REGISTRY_LINKS, WARD_SUMMARY, lineage_table

GROUP = "marts"
JOB = "wardbridge_marts"
ANALYTICS = "analytics_mart"
RESTRICTED = "restricted_mart"
UPSTREAM = [
    *(lineage_table(kind).name for kind in ENTITY_KINDS),
    REGISTRY_LINKS.name,
    *(f"staged_{r}" for r in REGISTRY_KINDS),
    *(f"quarantine_{r}" for r in REGISTRY_KINDS),
]


def gx_validator(docs_root):  # noqa: ANN001, ANN201 - Path | None -> Validator
    """quality/gx.py's GX gate over every mart table in one session: one Data Docs site at ``docs_root``."""
    from quality import gx

    return gx.session_validator(docs_root)


@dg.multi_asset(
    name="publish_marts",
    pool=WAREHOUSE_POOL,
    group_name=GROUP,
    specs=[
        dg.AssetSpec(
            ANALYTICS,
            deps=UPSTREAM,
            description="warehouse/analytics.duckdb (schema marts) + warehouse/marts/analytics/ Parquet: per-ward "
            "aggregates, dimensions, old-unit reconciliation, pseudonymised entity tables. No personal values.",
            kinds={"duckdb", "parquet", "polars"},
            metadata={"dagster/column_schema": table_schema(WARD_SUMMARY)},
        ),
        dg.AssetSpec(
            RESTRICTED,
            deps=UPSTREAM,
            description="warehouse/restricted.duckdb (schema entities, mode 0600): golden records, lineage, links, "
            "record flow, pseudonym map.",
            kinds={"duckdb", "polars"},
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "row_accounting",
            asset=ANALYTICS,
            blocking=True,
            description="Every raw row is exactly one of merged into an entity, quarantined, under review.",
        ),
        dg.AssetCheckSpec(
            "marts_gates",
            asset=ANALYTICS,
            blocking=True,
            description="Every mart table against its declaration and its GX suite (quality/gx.py), before swap-in.",
        ),
    ],
    description="Build the marts and publish them atomically (write aside, validate, swap in).",
)
def publish_marts_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from quality import gx

    gx.preload()  # GX's import overlaps reading and building the marts
    wh = warehouse.get()
    key = pseudonym_key()
    marts = build_marts(read_inputs(wh), key)
    docs_root = wh.root / "marts" / "gx" / context.run.run_id
    # the GX gate's suite is derived from the same declarations (every column, required, allowed, primary
    # key; exact dtypes in Polars): Table.validate (schema_validator) would repeat its checks
    validators = [gx_validator(docs_root)]
    accounting = {"problems": marts.problems}
    try:
        published = publish_marts(
            wh.root,
            marts.analytics.values(),
            marts.restricted.values(),
            validators=validators,
            extra_problems=marts.problems,
            run_id=context.run.run_id,
        )
    except PublishRejected as exc:
        gate_problems = [p for p in exc.problems if p not in accounting["problems"]]
        yield dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="row_accounting",
            passed=not marts.problems,
            description="; ".join(marts.problems[:20]) or "every raw row accounted for",
        )
        yield dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="marts_gates",
            passed=not gate_problems,
            description="; ".join(gate_problems[:20]) or "passed",
        )
        raise dg.Failure(description=f"marts not published, the previous ones stay in place: {exc}") from exc
    accounting_frame = marts.analytics_frame("flow_accounting")
    yield dg.MaterializeResult(
        asset_key=ANALYTICS,
        metadata={
            "duckdb_file": dg.MetadataValue.path(str(published.analytics_path)),
            "parquet_dir": dg.MetadataValue.path(str(published.parquet_dir)),
            "rows": dg.MetadataValue.json({k: v for k, v in published.rows.items() if k.startswith("marts.")}),
            "reference_date": str(marts.reference_date),
            "pseudonym_key_fingerprint": key_fingerprint(key),
            "gx": "quality/gx.py (one session, one Data Docs site per run)",
            "gx_data_docs": dg.MetadataValue.path(str(docs_root / "index.html")),
            "dagster/row_count": published.rows["marts.ward_summary"],
        },
    )
    yield dg.MaterializeResult(
        asset_key=RESTRICTED,
        metadata={
            "duckdb_file": dg.MetadataValue.path(str(published.restricted_path)),
            "rows": dg.MetadataValue.json({k: v for k, v in published.rows.items() if not k.startswith("marts.")}),
        },
    )
    yield dg.AssetCheckResult(
        asset_key=ANALYTICS,
        check_name="row_accounting",
        passed=True,
        metadata={"accounting": dg.MetadataValue.json(accounting_frame.drop("reference_date").to_dicts())},
        description=f"{int(accounting_frame['raw'].sum())} raw rows: each merged, quarantined or under review once",
    )
    yield dg.AssetCheckResult(
        asset_key=ANALYTICS,
        check_name="marts_gates",
        passed=True,
        description=f"{len(published.rows)} tables passed {len(validators)} gate(s) before swap-in",
    )


MARTS_ASSETS = [publish_marts_asset]
MARTS_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Publish the marts: analytics.duckdb, restricted.duckdb and the Parquet copies.",
    executor_def=dg.in_process_executor,
)
