"""Group "exports": one Frictionless Data Package per recipient declared in mappings/exports/*.toml.

Thin: pipelines/publish/exports.py validates the declarations, builds each package aside,
checks it and swaps it in under ``<warehouse>/exports/<recipient>/``. An asset per
recipient, depending on the assets that publish its source tables; the source run ids
written into datapackage.json are the runs of those assets' latest materialisations.
"""

import dagster as dg

from assets.resources import WarehouseResource
from pipelines.publish.exports import ExportDeclaration, export, load_declarations

GROUP = "exports"
JOB = "wardbridge_exports"
ANALYTICS_ASSET = "analytics_mart"  # assets/publish.py: publishes every marts.* table


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


def build_export_asset(declaration: ExportDeclaration) -> dg.AssetsDefinition:
    recipient = declaration.recipient

    @dg.asset(
        name=f"export_{recipient}",
        group_name=GROUP,
        deps=sorted({source_asset(r.source) for r in declaration.resources}),
        description=f"{declaration.title}: Data Package <warehouse>/exports/{recipient}/ "
        f"(declared in mappings/exports/{declaration.path.name}).",
        kinds={"csv", "parquet", "polars"},
        metadata={"declaration": f"mappings/exports/{declaration.path.name}", "formats": list(declaration.formats)},
    )
    def export_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        result = export(
            declaration, warehouse.get(), run_id=context.run.run_id, source_runs=_source_runs(context, declaration)
        )
        context.log.info(f"{recipient}: published {result.path} ({result.rows})")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "datapackage": dg.MetadataValue.path(str(result.path / "datapackage.json")),
                "validation_report": dg.MetadataValue.path(str(result.path / "validation.json")),
                "dagster/row_count": sum(result.rows.values()),
                "rows": dg.MetadataValue.json(result.rows),
                "files": dg.MetadataValue.json(result.package["wardbridge"]["files"]),
                "created": result.package["created"],
            }
        )

    return export_asset


EXPORT_ASSETS = [build_export_asset(d) for d in load_declarations().values()]

EXPORTS_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Build and publish every recipient's standard export (mappings/exports/*.toml).",
    executor_def=dg.in_process_executor,
)
