"""Group "ingest": raw and staged tables per registry, one partition per source extract.

Partitions come from the source catalogue (mappings/sources/*.toml, or the files
named by $WARDBRIDGE_CATALOGUE): key ``<source_id>@<extract_date>``. A run may
cover one partition (a load, reload or backfill of one extract) or a range; in a
range, a partition whose file cannot be read fails with the file and cause named
after the others have been written. The engine is pipelines/ingest/.
"""

import os
from pathlib import Path

import dagster as dg

from assets.metadata import static_table_metadata
from assets.resources import WarehouseResource
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from pipelines.schema import QUARANTINE, REGISTRY_KINDS, raw_table, staged_table
from pipelines.warehouse import PartitionedLayer

CATALOGUE_ENV = "WARDBRIDGE_CATALOGUE"
GROUP = "ingest"


def catalogue_paths() -> list[Path] | None:
    value = os.environ.get(CATALOGUE_ENV)
    return [Path(p) for p in value.split(os.pathsep) if p] if value else None


def _extracts():
    return extracts_by_partition(load_catalogue(catalogue_paths()))


class IngestFailed(Exception):
    """Some partitions of the run could not be ingested (the others were)."""


def _partitions(registry: str) -> dg.StaticPartitionsDefinition:
    keys = [k for k, e in _extracts().items() if e.source.registry == registry]
    return dg.StaticPartitionsDefinition(keys)


def _raise_failures(failures: dict[str, str]) -> None:
    if failures:
        raise IngestFailed("; ".join(f"{key}: {why}" for key, why in failures.items()))


def build_registry_assets(registry: str) -> list:
    partitions = _partitions(registry)
    raw_decl, staged_decl = raw_table(registry), staged_table(registry)

    @dg.asset(
        name=f"raw_{registry}",
        group_name=GROUP,
        partitions_def=partitions,
        description=raw_decl.description,
        kinds={"parquet", "polars"},
        metadata=static_table_metadata(raw_decl, "raw"),
    )
    def raw_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        extracts = _extracts()
        layer = PartitionedLayer(warehouse.get(), "raw")
        failures, rows, notes = {}, 0, []
        for key in context.partition_keys:
            extract = extracts[key]
            try:
                loaded = load_raw(extract, context.run_id)
            except Exception as exc:  # noqa: BLE001 - named per partition, raised after the others land
                context.log.error(f"{key}: {exc}")
                failures[key] = str(exc)
                continue
            layer.write(raw_decl, key, loaded.frame)
            rows += loaded.frame.height
            notes.append(
                f"{key}: {loaded.frame.height} rows, encoding {loaded.encoding or 'n/a'}"
                + (f", extra columns kept {loaded.extra_columns}" if loaded.extra_columns else "")
                + (f", {loaded.read_problems} unreadable rows" if loaded.read_problems else "")
            )
            context.log.info(notes[-1])
        _raise_failures(failures)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "partitions": dg.MetadataValue.md("\n".join(f"- {n}" for n in notes))}
        )

    @dg.multi_asset(
        name=f"stage_{registry}",
        group_name=GROUP,
        partitions_def=partitions,
        specs=[
            dg.AssetSpec(
                f"staged_{registry}",
                deps=[f"raw_{registry}"],
                description=staged_decl.description,
                kinds={"parquet", "polars"},
                metadata=static_table_metadata(staged_decl, "staged"),
            ),
            dg.AssetSpec(
                f"quarantine_{registry}",
                deps=[f"raw_{registry}"],
                description=QUARANTINE.description,
                kinds={"parquet", "polars"},
                metadata=static_table_metadata(QUARANTINE, "quarantine"),
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "rows_accounted",
                asset=f"staged_{registry}",
                blocking=True,
                description="Every raw row is staged or quarantined, never both, never lost (per partition).",
            ),
        ],
    )
    def stage_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        extracts = _extracts()
        wh = warehouse.get()
        raw_layer, staged_layer, quarantine_layer = (
            PartitionedLayer(wh, "raw"),
            PartitionedLayer(wh, "staged"),
            PartitionedLayer(wh, "quarantine"),
        )
        totals = {"raw": 0, "staged": 0, "quarantined": 0}
        unbalanced, status, repairs = [], {}, {}
        for key in context.partition_keys:
            raw = raw_layer.read(raw_decl.name, key)
            result = stage(raw, registry, day_first=extracts[key].source.day_first)
            staged_layer.write(staged_decl, key, result.staged)
            quarantine_layer.write(QUARANTINE, key, result.quarantine, name=f"quarantine_{registry}")
            counts = account(raw, result)
            for k in totals:
                totals[k] += counts[k]
            if not counts["balanced"]:
                unbalanced.append(key)
            for s, n in result.ward_status.items():
                status[s] = status.get(s, 0) + n
            for fld, kinds in result.repairs.items():
                for kind, n in kinds.items():
                    repairs[f"{fld}:{kind}"] = repairs.get(f"{fld}:{kind}", 0) + n
            context.log.info(
                f"{key}: {counts['raw']} raw -> {counts['staged']} staged + {counts['quarantined']} quarantined"
            )
        yield dg.MaterializeResult(
            asset_key=f"staged_{registry}",
            metadata={
                "dagster/row_count": totals["staged"],
                **{f"ward_status/{k}": v for k, v in sorted(status.items())},
                **{f"repaired/{k}": v for k, v in sorted(repairs.items())},
            },
        )
        yield dg.MaterializeResult(
            asset_key=f"quarantine_{registry}", metadata={"dagster/row_count": totals["quarantined"]}
        )
        yield dg.AssetCheckResult(
            check_name="rows_accounted",
            asset_key=f"staged_{registry}",
            passed=not unbalanced,
            metadata={**totals, "unbalanced_partitions": ", ".join(unbalanced) or "none"},
            description=f"raw {totals['raw']} = staged {totals['staged']} + quarantined {totals['quarantined']}"
            if not unbalanced
            else f"rows lost or doubled in {unbalanced}",
        )

    return [raw_asset, stage_asset]


INGEST_ASSETS = [a for registry in REGISTRY_KINDS for a in build_registry_assets(registry)]
INGEST_JOBS = [
    dg.define_asset_job(
        f"ingest_{registry}",
        selection=dg.AssetSelection.assets(f"raw_{registry}", f"staged_{registry}", f"quarantine_{registry}"),
        description=f"Load and stage {registry} source extracts (one partition per source extract).",
        executor_def=dg.in_process_executor,
    )
    for registry in REGISTRY_KINDS
]
