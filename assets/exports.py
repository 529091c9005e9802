"""Group "exports": one Frictionless Data Package per recipient declared in mappings/exports/*.toml.

Thin: pipelines/publish/exports.py validates the declarations, builds each package aside, runs
its quality gate (Great Expectations via quality/gx.py: a suite derived from the declaration,
domain rules, city totals against the marts) and swaps it in under ``<warehouse>/exports/<recipient>/``.
An asset per recipient, depending on the assets that publish its source tables and on the
analytics mart (the gate's 2025 dimension and city totals); the source run ids written into
datapackage.json are the runs of those assets' latest materialisations. The blocking check
``export_gate`` reports the gate, evaluated *before* the package becomes visible: a failing gate
leaves the previous export in place and fails the step. Data Docs are linked from the metadata
(inside the export folder once published; ``.<recipient>.rejected/validation/`` when rejected).

The check re-runs alone (assets/rerun.py): a run that selects only ``export_gate`` checks the *published*
package and writes nothing: every file datapackage.json lists is there with its size, SHA-256 hash and (CSV)
row count, as frictionless checks them, and each resource's published data passes the GX gate again against
the published marts' dimensions and city totals.
"""

from pathlib import Path

import dagster as dg
import polars as pl

from assets.rerun import check_only, rerun_note, selected
from assets.resources import WarehouseResource
from pipelines.publish.exports import (
    EXPORTS_SUBDIR,
    MISSING,
    ExportDeclaration,
    ExportError,
    GateRejected,
    export,
    export_table,
    gate_context,
    gate_resource,
    load_declarations,
    package_problems,
)

GROUP = "exports"
JOB = "wardbridge_exports"
ANALYTICS_ASSET = "analytics_mart"  # assets/publish.py: publishes every marts.* table
GATE_CHECK = "export_gate"


def source_asset(source: str) -> str:
    """Asset that publishes the warehouse table ``<schema>.<table>``."""
    schema, table = source.split(".", 1)
    return {"marts": ANALYTICS_ASSET, "reference": "reference_tables"}.get(schema, table)


def _source_runs(context: dg.AssetExecutionContext, declaration: ExportDeclaration) -> dict[str, str]:
    runs = {}
    for resource in declaration.resources:
        event = context.instance.get_latest_materialization_event(dg.AssetKey(source_asset(resource.source)))
        if event is not None:
            runs[resource.source] = event.run_id
    return runs


def _published_frame(declaration: ExportDeclaration, resource, folder: Path) -> pl.DataFrame:  # noqa: ANN001
    if "parquet" in declaration.formats:
        return pl.read_parquet(folder / f"{resource.name}.parquet")
    schema = export_table(resource).polars_schema
    return pl.read_csv(folder / f"{resource.name}.csv", schema=schema, null_values=MISSING)


def published_gate(declaration: ExportDeclaration, warehouse, run_name: str | None = None):  # noqa: ANN001, ANN201
    """export_gate on the published package: (problems, {resource: GateResult}); writes nothing."""
    folder = warehouse.root / EXPORTS_SUBDIR / declaration.recipient
    if not (folder / "datapackage.json").is_file():
        return [f"{declaration.recipient}: no export published in {folder.parent}"], {}
    problems = package_problems(folder)
    try:
        ctx = gate_context(warehouse, declaration)
    except ExportError as exc:
        return [*problems, str(exc)], {}
    results = {}
    for resource in declaration.resources:
        try:
            frame = _published_frame(declaration, resource, folder)
        except (OSError, pl.exceptions.PolarsError) as exc:
            problems.append(f"{folder.name}/{resource.name}: unreadable ({type(exc).__name__})")
            continue
        results[resource.name] = result = gate_resource(resource, frame, ctx, None, run_name)
        if not result.passed:
            problems.append(result.summary())
    return problems, results


def build_export_asset(declaration: ExportDeclaration) -> dg.AssetsDefinition:
    recipient = declaration.recipient
    name = f"export_{recipient}"

    @dg.multi_asset(
        name=name,
        specs=[_export_spec(declaration, name)],
        check_specs=[
            dg.AssetCheckSpec(
                GATE_CHECK,
                asset=name,
                blocking=True,
                description="Great Expectations gate of every resource (declaration, 2025 ward dimension, MST check "
                "digits, ages, city totals equal to the marts'), before swap-in.",
            )
        ],
        can_subset=True,  # the gate re-runs alone on the published package (assets/rerun.py)
    )
    def export_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        if check_only(context):
            rerun_note(context)
            problems, results = published_gate(declaration, warehouse.get(), context.run.run_id)
            yield _published_gate_check(name, problems, results)
            return
        try:
            result = export(
                declaration, warehouse.get(), run_id=context.run.run_id, source_runs=_source_runs(context, declaration)
            )
        except (
            GateRejected,
            ExportError,
        ) as exc:  # ExportError: a table or column the export or its gate reads is gone
            yield from selected(context, [_gate_failed(name, exc)])
            raise dg.Failure(description=f"{recipient}: export not published, the previous one stays: {exc}") from exc
        context.log.info(f"{recipient}: published {result.path} ({result.rows})")
        yield dg.MaterializeResult(asset_key=name, metadata=_export_metadata(result))
        yield from selected(context, [_gate_passed(name, result)])

    return export_asset


def _export_spec(declaration: ExportDeclaration, name: str) -> dg.AssetSpec:
    """The recipient's package: after the assets that publish its sources and the analytics mart."""
    return dg.AssetSpec(
        name,
        group_name=GROUP,
        deps=sorted({ANALYTICS_ASSET, *(source_asset(r.source) for r in declaration.resources)}),
        description=f"{declaration.title}: Data Package <warehouse>/exports/{declaration.recipient}/ "
        f"(declared in mappings/exports/{declaration.path.name}).",
        kinds={"csv", "parquet", "polars"},
        metadata={
            "declaration": f"mappings/exports/{declaration.path.name}",
            "formats": list(declaration.formats),
        },
    )


def _published_gate_check(name: str, problems: list[str], results: dict) -> dg.AssetCheckResult:
    """The gate re-run alone on the published package (:func:`published_gate`'s problems and results)."""
    return dg.AssetCheckResult(
        asset_key=name,
        check_name=GATE_CHECK,
        passed=not problems,
        description="\n".join(problems)[:4000]
        or f"published package intact; {len(results)} resources passed "
        f"{sum(len(g.outcomes) for g in results.values())} expectations again",
        metadata={
            "failures": dg.MetadataValue.json([o.describe() for g in results.values() for o in g.failures][:50]),
        },
    )


def _export_metadata(result) -> dict:  # noqa: ANN001 - an ExportResult
    """The published package's metadata: where it is, its report and Data Docs, its rows and files."""
    return {
        "path": dg.MetadataValue.path(str(result.path)),
        "datapackage": dg.MetadataValue.path(str(result.path / "datapackage.json")),
        "validation_report": dg.MetadataValue.path(str(result.path / "validation.json")),
        "gx_data_docs": dg.MetadataValue.path(str(result.data_docs)),
        "dagster/row_count": sum(result.rows.values()),
        "rows": dg.MetadataValue.json(result.rows),
        "files": dg.MetadataValue.json(result.package["wardbridge"]["files"]),
        "created": result.package["created"],
    }


def _gate_passed(name: str, result) -> dg.AssetCheckResult:  # noqa: ANN001 - an ExportResult
    """The export gate's passed check: the expectations each resource passed before swap-in, and the gate's time."""
    gates = result.gate_results.values()
    return dg.AssetCheckResult(
        asset_key=name,
        check_name=GATE_CHECK,
        passed=True,
        description=f"{len(result.gate_results)} resources passed "
        f"{sum(len(g.outcomes) for g in gates)} expectations before swap-in",
        metadata={
            "gx_data_docs": dg.MetadataValue.path(str(result.data_docs)),
            "expectations": dg.MetadataValue.json({r: len(g.outcomes) for r, g in result.gate_results.items()}),
            "gate_seconds": round(sum(g.seconds for g in gates), 3),
        },
    )


EXPORT_ASSETS = [build_export_asset(d) for d in load_declarations().values()]

EXPORTS_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Build, gate and publish every recipient's standard export (mappings/exports/*.toml).",
    executor_def=dg.in_process_executor,
)


def _gate_failed(name: str, exc: Exception) -> dg.AssetCheckResult:
    """The export gate's failed check: the expectations that failed (``GateRejected``), or why it could not run."""
    if not isinstance(exc, GateRejected):
        return dg.AssetCheckResult(
            asset_key=name, check_name=GATE_CHECK, passed=False, description=f"the gate could not run: {exc}"[:4000]
        )
    docs = {"gx_data_docs": dg.MetadataValue.path(str(exc.docs / "index.html"))} if exc.docs else {}
    failures = [o.describe() for g in exc.results for o in g.failures][:50]
    return dg.AssetCheckResult(
        asset_key=name,
        check_name=GATE_CHECK,
        passed=False,
        description=str(exc)[:4000],
        metadata={"failures": dg.MetadataValue.json(failures), **docs},
    )
