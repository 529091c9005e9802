"""Group "marts": analytics.duckdb (aggregates, pseudonymised keys), restricted.duckdb (person level), Parquet.

Thin: pipelines/publish/marts.py builds the frames, pipelines/publish/store.py writes them aside,
runs the gates and swaps them in. Blocking checks, evaluated *before* the new marts become
visible: ``row_accounting`` (every raw row merged, quarantined or under review, exactly once)
and ``marts_gates`` (each table against its declaration in pipelines/schema.py and its domain
rules, with Great Expectations through quality/gx.py). A failing check leaves the
previous marts in place and fails the step, so nothing downstream (exports) runs on them.

The checks re-run alone (assets/rerun.py): a run that selects only them reads the *published* marts and
writes nothing. ``row_accounting`` then checks the published record flow (restricted.duckdb) against the
warehouse's raw, staged, quarantined and lineage rows and the published ``marts.flow_accounting`` counts;
``marts_gates`` runs the same GX gate over every table of analytics.duckdb and restricted.duckdb, the gates
across tables that build_marts runs (city totals, detail marts per ward) and checks that the Parquet copies hold
the DuckDB tables' rows and columns. The two marts are written together:
selecting one of them alone fails naming the other.
"""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.metadata import table_schema
from assets.rerun import check_only, require_whole, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.publish.gate_docs import keep_data_docs, prune_gate_docs
from pipelines.publish.marts import (
    DETAIL_MARTS,
    city_total_problems,
    detail_ward_problems,
    flow_accounting,
    input_accounting_problems,
    publish_from_warehouse,
    read_inputs,
    reference_date_of,
)
from pipelines.publish.pseudonym import key_fingerprint, pseudonym_key
from pipelines.publish.store import (
    ANALYTICS_FILENAME,
    PARQUET_DIR,
    RESTRICTED_FILENAME,
    PublishRejected,
)
from pipelines.schema import (
    ANALYTICS_TABLES,
    CITY_SUMMARY,
    ENTITY_KINDS,
    FLOW_ACCOUNTING,
    MART_SCHEMA,
    RECORD_FLOW,
    REGISTRY_KINDS,
    REGISTRY_LINKS,
    RESTRICTED_SCHEMA,
    RESTRICTED_TABLES,
    WARD_PARTITIONED,
    WARD_SUMMARY,
    lineage_table,
)

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


# --------------------------------------------------------------------------- checks re-run on what is published


def _published_files(root: Path) -> list[str]:
    return [
        f"{name} is not published in {root}"
        for name in (ANALYTICS_FILENAME, RESTRICTED_FILENAME)
        if not (root / name).is_file()
    ]


def published_accounting_problems(wh) -> list[str]:  # noqa: ANN001 - pipelines.warehouse.Warehouse
    """row_accounting on the published marts: the warehouse's rows accounted for (as when publishing), the
    published record flow holding every raw row once with a state, and marts.flow_accounting equal, column for
    column, to what ``flow_accounting`` (the function the marts are built with) gives for that record flow."""
    if missing := _published_files(wh.root):
        return missing
    inputs = read_inputs(wh)
    problems = input_accounting_problems(inputs)
    flow_columns = ["record_key", "registry", "state", "new_uid"]
    lacking = [
        *_lacking_columns(wh.root, RESTRICTED_FILENAME, RESTRICTED_SCHEMA, RECORD_FLOW.name, flow_columns),
        *_lacking_columns(wh.root, ANALYTICS_FILENAME, MART_SCHEMA, FLOW_ACCOUNTING.name, FLOW_ACCOUNTING.columns),
    ]
    if lacking:  # what the comparisons read is not there: said, not a crash of the check
        return problems + lacking
    with duckdb.connect(str(wh.root / RESTRICTED_FILENAME), read_only=True) as con:
        flow = con.sql(f"SELECT {', '.join(flow_columns)} FROM {RESTRICTED_SCHEMA}.{RECORD_FLOW.name}").pl()
    with duckdb.connect(str(wh.root / ANALYTICS_FILENAME), read_only=True) as con:
        counts = con.sql(f"SELECT * FROM {MART_SCHEMA}.{FLOW_ACCOUNTING.name}").pl()
    where = f"{RESTRICTED_SCHEMA}.{RECORD_FLOW.name}"
    expected_flow = []
    for registry in REGISTRY_KINDS:
        raw = inputs.raw[registry].select("record_key").unique()
        published = flow.filter(pl.col("registry") == registry)
        found = {
            "raw rows missing": raw.join(published, on="record_key", how="anti").height,
            "rows not in the raw table": published.join(raw, on="record_key", how="anti").height,
            "rows more than once": published.height - published["record_key"].n_unique(),
            "rows without a state (lost)": published["state"].null_count(),
        }
        problems += [f"{where}, {registry}: {n} {what}" for what, n in found.items() if n]
        # every raw row once (a missing one without a state, as when building), with the staged row's ward status
        ward_status = inputs.staged[registry].select("record_key", "ward_status")
        expected_flow.append(
            raw.join(published.unique("record_key", keep="first"), on="record_key", how="left")
            .join(ward_status, on="record_key", how="left")
            .with_columns(registry=pl.lit(registry))
        )
    expected = flow_accounting(pl.concat(expected_flow, how="diagonal_relaxed"), reference_date_of(inputs))
    problems += _accounting_differences(expected, counts)
    return problems


def _lacking_columns(root: Path, file: str, schema: str, table: str, columns) -> list[str]:  # noqa: ANN001
    """A problem naming the table and the ``columns`` it lacks (renamed or dropped), or that it is missing."""
    with duckdb.connect(str(root / file), read_only=True) as con:
        try:
            present = con.sql(f'SELECT * FROM {schema}."{table}" LIMIT 0').columns
        except duckdb.Error:
            return [f"{file}: table {schema}.{table} is missing"]
    missing = [c for c in columns if c not in present]
    return [f"{file}: {schema}.{table} lacks column(s) {missing} (renamed or dropped?)"] if missing else []


def _accounting_differences(expected: pl.DataFrame, published: pl.DataFrame) -> list[str]:
    """marts.flow_accounting as published against the counts recomputed from the record flow, every column."""
    where = f"{MART_SCHEMA}.{FLOW_ACCOUNTING.name}"
    problems = []
    for registry in REGISTRY_KINDS:
        want = expected.filter(pl.col("registry") == registry)
        row = published.filter(pl.col("registry") == registry)
        if row.height != 1:
            problems.append(f"{where}: {row.height} rows for {registry} (expected 1)")
            continue
        problems += [
            f"{where}, {registry}, field {column}: {row[column][0]} published, "
            f"{want[column][0]} in the warehouse and the record flow"
            for column in FLOW_ACCOUNTING.columns
            if column != "registry" and row[column][0] != want[column][0]
        ]
    return problems


def published_gate_problems(root: Path) -> tuple[list[str], int]:
    """marts_gates on the published marts: the GX gate over every DuckDB table, the Parquet copies' rows and
    columns equal to the tables', and the gates build_marts runs across tables (city totals equal across the marts,
    each detail mart adding up per ward to ward_summary). Returns (problems, tables checked)."""
    if missing := _published_files(root):
        return missing, 0
    validate = gx_validator(None)
    problems: list[str] = []
    checked = 0
    marts: dict[str, pl.DataFrame] = {}
    for name, schema, tables in (
        (ANALYTICS_FILENAME, MART_SCHEMA, ANALYTICS_TABLES),
        (RESTRICTED_FILENAME, RESTRICTED_SCHEMA, RESTRICTED_TABLES),
    ):
        with duckdb.connect(str(root / name), read_only=True) as con:
            for table in tables:
                try:
                    frame = con.sql(f'SELECT * FROM {schema}."{table.name}"').pl()
                except duckdb.Error:
                    problems.append(f"{name}: table {schema}.{table.name} is missing")
                    continue
                checked += 1
                if absent := table.absent(frame):  # published before these columns were declared: what to do
                    problems.append(f"{name}: {table.absent_problem(absent)}")
                problems += validate(table, table.with_absent(frame))  # the rest of the gate, on the columns written
                if schema == MART_SCHEMA:
                    problems += _parquet_problems(root, table.name, frame)
                    if not [c for c in table.columns if c not in frame.columns and c not in absent]:
                        marts[table.name] = frame  # a table lacking a column (the gate says which) is not summed
    validate.finish()
    problems += _cross_table_problems(marts)
    return problems, checked


def _cross_table_problems(marts: dict[str, pl.DataFrame]) -> list[str]:
    """city_total_problems and detail_ward_problems (pipelines/publish/marts.py) on the published tables; a table
    they read that is missing or lacks a column is reported above, so they are skipped then."""
    problems = []
    for gate, needs in (
        (city_total_problems, [WARD_SUMMARY.name, CITY_SUMMARY.name, *ENTITY_KINDS]),
        (detail_ward_problems, [WARD_SUMMARY.name, *DETAIL_MARTS]),
    ):
        if all(name in marts for name in needs):
            problems += gate(marts)
    return problems


def _parquet_problems(root: Path, name: str, frame: pl.DataFrame) -> list[str]:
    where = PARQUET_DIR / (name if name in WARD_PARTITIONED else f"{name}.parquet")
    path = root / where
    if not path.exists():
        return [f"{where}: missing"]
    source = f"{path}/**/*.parquet" if path.is_dir() else path
    copy = pl.scan_parquet(source, hive_partitioning=path.is_dir())
    columns = set(copy.collect_schema().names())
    rows = copy.select(pl.len()).collect().item()
    problems = []
    if columns != set(frame.columns):
        problems.append(f"{where}: columns {sorted(columns ^ set(frame.columns))} differ from {MART_SCHEMA}.{name}")
    if rows != frame.height:
        problems.append(f"{where}: {rows} rows, {MART_SCHEMA}.{name} has {frame.height}")
    return problems


def _rerun_checks(context: dg.AssetExecutionContext, wh) -> list[dg.AssetCheckResult]:  # noqa: ANN001
    wanted = {k.name for k in context.selected_asset_check_keys}
    results = []
    if "row_accounting" in wanted:
        problems = published_accounting_problems(wh)
        results.append(
            dg.AssetCheckResult(
                asset_key=ANALYTICS,
                check_name="row_accounting",
                passed=not problems,
                description="; ".join(problems[:20])
                or "published record flow and flow_accounting: every raw row merged, quarantined or under review once",
            )
        )
    if "marts_gates" in wanted:
        problems, checked = published_gate_problems(wh.root)
        results.append(
            dg.AssetCheckResult(
                asset_key=ANALYTICS,
                check_name="marts_gates",
                passed=not problems,
                description="; ".join(problems[:20]) or f"{checked} published tables passed the GX gate again",
            )
        )
    return results


def _marts_specs() -> list[dg.AssetSpec]:
    """The two marts, written together: analytics (aggregates, pseudonymised) and restricted (person level)."""
    return [
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
    ]


def _marts_check_specs() -> list[dg.AssetCheckSpec]:
    """The blocking checks evaluated before the new marts become visible."""
    return [
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
    ]


@dg.multi_asset(
    name="publish_marts",
    pool=WAREHOUSE_POOL,
    group_name=GROUP,
    specs=_marts_specs(),
    check_specs=_marts_check_specs(),
    description="Build the marts and publish them atomically (write aside, validate, swap in).",
    can_subset=True,  # the checks re-run alone on the published marts (assets/rerun.py)
)
def publish_marts_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from quality import gx

    wh = warehouse.get()
    if check_only(context):
        rerun_note(context)
        yield from _rerun_checks(context, wh)
        return
    require_whole(context, "the analytics and restricted marts", [ANALYTICS, RESTRICTED])
    keep = keep_data_docs()  # a bad setting fails here, before anything is published (not after the swap)
    gx.preload()  # GX's import overlaps reading and building the marts
    key = pseudonym_key()
    docs_root = wh.root / "marts" / "gx" / context.run.run_id
    # the GX gate's suite is derived from the same declarations (every column, required, allowed, primary
    # key; exact dtypes in Polars): Table.validate (schema_validator) would repeat its checks
    validators = [gx_validator(docs_root)]
    try:
        # the restricted mart is written aside while the rest is built (each table once final); nothing is
        # visible before every gate passed
        marts, published = publish_from_warehouse(wh, validators=validators, run_id=context.run.run_id, key=key)
    except PublishRejected as exc:
        _prune_data_docs(context, wh.root, keep)
        yield from selected(context, _rejected_checks(exc))
        raise dg.Failure(description=f"marts not published, the previous ones stay in place: {exc}") from exc
    pruned = _prune_data_docs(context, wh.root, keep)
    accounting_frame = marts.analytics_frame("flow_accounting")
    yield dg.MaterializeResult(
        asset_key=ANALYTICS, metadata=_analytics_metadata(marts, published, key, docs_root / "index.html", pruned)
    )
    yield dg.MaterializeResult(
        asset_key=RESTRICTED,
        metadata={
            "duckdb_file": dg.MetadataValue.path(str(published.restricted_path)),
            "rows": dg.MetadataValue.json({k: v for k, v in published.rows.items() if not k.startswith("marts.")}),
        },
    )
    yield from selected(context, _published_checks(accounting_frame, published, validators))


def _rejected_checks(exc: PublishRejected) -> list[dg.AssetCheckResult]:
    """The checks of marts the gates refused: row accounting's problems, and the gates' others."""
    gate_problems = [p for p in exc.problems if p not in exc.accounting]
    return [
        dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="row_accounting",
            passed=not exc.accounting,
            description="; ".join(exc.accounting[:20]) or "every raw row accounted for",
        ),
        dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="marts_gates",
            passed=not gate_problems,
            description="; ".join(gate_problems[:20]) or "passed",
        ),
    ]


def _analytics_metadata(marts, published, key: bytes, docs_index: Path, pruned: list[Path]) -> dict:  # noqa: ANN001
    """The analytics mart's metadata: its files, tables' rows, reference date, key fingerprint, Data Docs."""
    return {
        "duckdb_file": dg.MetadataValue.path(str(published.analytics_path)),
        "parquet_dir": dg.MetadataValue.path(str(published.parquet_dir)),
        "rows": dg.MetadataValue.json({k: v for k, v in published.rows.items() if k.startswith("marts.")}),
        "reference_date": str(marts.reference_date),
        "pseudonym_key_fingerprint": key_fingerprint(key),
        "gx": "quality/gx.py (one session, one Data Docs site per run)",
        "gx_data_docs": dg.MetadataValue.path(str(docs_index)),
        "gx_data_docs_removed": len(pruned),  # older runs' folders (pipelines/publish/gate_docs.py)
        "dagster/row_count": published.rows["marts.ward_summary"],
    }


def _published_checks(accounting_frame: pl.DataFrame, published, validators: list) -> list[dg.AssetCheckResult]:  # noqa: ANN001
    """The passed checks of published marts: each raw row accounted for once, every table through the gates."""
    return [
        dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="row_accounting",
            passed=True,
            metadata={"accounting": dg.MetadataValue.json(accounting_frame.drop("reference_date").to_dicts())},
            description=f"{int(accounting_frame['raw'].sum())} raw rows: each merged, quarantined or under review once",
        ),
        dg.AssetCheckResult(
            asset_key=ANALYTICS,
            check_name="marts_gates",
            passed=True,
            description=f"{len(published.rows)} tables passed {len(validators)} gate(s) before swap-in",
        ),
    ]


def _prune_data_docs(context: dg.AssetExecutionContext, root: Path, keep: int) -> list[Path]:
    """Older marts runs' Data Docs folders removed (the newest ``keep``, $WARDBRIDGE_KEEP_DATA_DOCS read when the step
    began, kept, and any the published marts or reports/latest.html point to); said in the log."""
    removed = prune_gate_docs(root, keep=keep, current=context.run.run_id)
    if removed:
        context.log.info(
            f"marts Data Docs: removed {len(removed)} older run folder(s) in {root / 'marts' / 'gx'} "
            f"(kept the newest {keep} and those the marts and the report link)"
        )
    return removed


MARTS_ASSETS = [publish_marts_asset]
MARTS_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Publish the marts: analytics.duckdb, restricted.duckdb and the Parquet copies.",
    executor_def=dg.in_process_executor,
)
