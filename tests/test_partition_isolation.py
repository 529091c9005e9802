"""A broken extract fails its own partition only; the entities step does not publish over an incomplete registry;
a source removed from the catalogue is retired. Real Dagster runs of the households registry (the smallest).

One warehouse and one Dagster instance go through the stages a user would:

1. the bundled catalogue (5 of its households sources, GOOD): every extract loads, households entities are published;
2. plus the broken catalogue (mappings/sources/broken): two unreadable extracts. Before the fix the
   whole ingest step raised, no extract of the registry was staged or accounted and the entities
   job then published zero households. Now the good ones stage, ``rows_accounted`` runs, the run
   fails naming the two partitions; ``match_households`` refuses to publish, or builds from the rest
   under ``allow_incomplete``;
3. one source dropped from the catalogue: its partitions are retired from raw/staged/quarantine, and
   the rebuilt entities say nothing of it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import assets.entities
import assets.ingest
from assets.entities import build_entity_asset
from assets.ingest import CATALOGUE_ENV, build_registry_assets
from assets.resources import WarehouseResource
from pipelines.entities.io import ENTITY_SCHEMA, read_staged
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "mappings" / "sources"
SAMPLE = SOURCES / "sample.toml"
BROKEN = SOURCES / "broken" / "sample_broken.toml"
BAD_FILES = {
    "households_767_semicolon@2025-08-31": REPO / "data/sample/registries/bad/households_767_semicolon.csv",
    "households_767_missing_column@2025-08-31": REPO / "data/sample/registries/bad/households_767_missing_column.csv",
}
BROKEN_KEY = "households_767_semicolon@2025-08-31"
DROPPED = "households_770"
REGISTRY = "households"
# The households sources of the bundled catalogue the stages fixture loads: 5 of its 9, one of each format (CSV, a
# pg_dump, the XLSX of DROPPED), a cut last line quarantined, every registration date unreadable. All 9 load in
# tests/marts_fixture.py's sample run; 5 keep the staging of each stage to what the assertions need.
GOOD = ("households_718", "households_747", "households_767_truncated", "households_767_impossible_dates", DROPPED)


def _ingest(wh: Warehouse, instance: dg.DagsterInstance) -> tuple[dg.ExecuteInProcessResult, list[str]]:
    """One ranged run of the households ingest over every catalogue partition (as `wardbridge run` does)."""
    load = build_registry_assets(REGISTRY)
    keys = load[0].partitions_def.get_partition_keys()
    job = dg.define_asset_job("ingest", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(wh.root))})
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    result = defs.resolve_job_def("ingest").execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    return result, keys


def _match(wh: Warehouse, instance: dg.DagsterInstance, allow_incomplete: bool | None = None):
    config = {} if allow_incomplete is None else {"ops": {"match_households": {"config": {"allow_incomplete": True}}}}
    return dg.materialize(
        [build_entity_asset(REGISTRY)],
        instance=instance,
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        run_config=config,
        raise_on_error=False,
    )


def _failure_messages(result) -> str:  # noqa: ANN001 - dagster result
    """The failed steps' errors with their causes (Dagster wraps the raised exception)."""
    texts = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None:
            texts.append(error.message)
            error = error.cause
    return "\n".join(texts)


def _all_log_text(result, instance: dg.DagsterInstance) -> str:  # noqa: ANN001 - dagster result
    """Every message of the run's event log (user logs included), with check descriptions and metadata texts."""
    parts = [e.message or "" for e in result.all_events]
    parts += [entry.user_message for entry in instance.all_logs(result.run_id)]
    parts += [_failure_messages(result)]
    for e in result.get_asset_check_evaluations():
        parts += [e.description or "", *(str(v.value) for v in e.metadata.values())]
    return "\n".join(parts)


def _bad_cells() -> set[str]:
    """Every data cell of the broken files (names, IDs, addresses, ...): none may reach a log."""
    cells = set()
    for path in BAD_FILES.values():
        text = path.read_text(encoding="utf-8")
        delimiter = ";" if "semicolon" in path.name else ","
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
        cells |= {c for row in rows[1:] for c in row if len(c) >= 5}
    return cells


def _sample_catalogue(tmp: Path, ids: tuple[str, ...]) -> Path:
    """The bundled catalogue with only the sources ``ids``."""
    text = SAMPLE.read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[source]]\n")  # a table header on its own line (the head's comment names it)
    kept = [b for b in blocks if any(f'\nid = "{source_id}"\n' in f"\n{b}" for source_id in ids)]
    assert len(kept) == len(ids)
    out = tmp / f"catalogue_{len(ids)}.toml"
    out.write_text(head + "".join("\n[[source]]\n" + b for b in kept), encoding="utf-8")
    return out


def _layers(wh: Warehouse, keys: list[str]) -> dict[str, dict[str, pl.DataFrame | None]]:
    """partition -> layer -> its file's rows (None when absent), as the stage left them."""
    tables = {"raw": "raw_households", "staged": "staged_households", "quarantine": "quarantine_households"}
    out = {}
    for key in keys:
        paths = {layer: PartitionedLayer(wh, layer).path(table, key) for layer, table in tables.items()}
        out[key] = {layer: pl.read_parquet(p) if p.is_file() else None for layer, p in paths.items()}
    return out


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    wh = Warehouse(tmp_path_factory.mktemp("isolation_wh"))
    instance = dg.DagsterInstance.ephemeral()
    out = {"wh": wh, "instance": instance}
    catalogues = tmp_path_factory.mktemp("cat")
    good = _sample_catalogue(catalogues, GOOD)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CATALOGUE_ENV, str(good))
        out["ingest_good"], out["keys_good"] = _ingest(wh, instance)
        out["match_good"] = _match(wh, instance)
        out["lineage_good"] = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, "households_lineage"))

        mp.setenv(CATALOGUE_ENV, os.pathsep.join([str(good), str(BROKEN)]))
        out["ingest_broken"], out["keys_broken"] = _ingest(wh, instance)
        out["status_broken"] = read_status(wh, REGISTRY)
        out["layers_broken"] = _layers(wh, out["keys_broken"])
        out["match_refused"] = _match(wh, instance)
        out["lineage_after_refusal"] = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, "households_lineage"))
        out["duckdb_after_refusal"] = wh.read(ENTITY_SCHEMA, "households_lineage")
        out["match_incomplete"] = _match(wh, instance, allow_incomplete=True)
        out["lineage_incomplete"] = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, "households_lineage"))
        out["staged_incomplete"] = read_staged(wh, REGISTRY, out["keys_good"])

        mp.setenv(CATALOGUE_ENV, str(_sample_catalogue(catalogues, tuple(i for i in GOOD if i != DROPPED))))
        out["ingest_retired"], out["keys_retired"] = _ingest(wh, instance)
        out["match_retired"] = _match(wh, instance)
    return out


# --------------------------------------------------------------------------- 1. a broken extract fails alone


def test_the_good_catalogue_loads_and_publishes(stages):
    assert stages["ingest_good"].success, _failure_messages(stages["ingest_good"])
    assert sorted(k.split("@")[0] for k in stages["keys_good"]) == sorted(GOOD)
    assert stages["match_good"].success
    assert all(s.state == "ok" for s in read_status(stages["wh"], REGISTRY).values() if s.state != "retired")
    assert stages["lineage_good"].height > 0


def test_broken_extracts_fail_their_own_partitions_only(stages):
    result = stages["ingest_broken"]
    good = stages["keys_good"]
    assert set(stages["keys_broken"]) == set(good) | set(BAD_FILES)
    assert not result.success  # the run ends failed: nobody misses the broken extracts
    message = _failure_messages(result)
    for key, path in BAD_FILES.items():
        assert key in message and path.name in message
    assert "required column" in message and "delimiter" in message  # the cause of each
    # the good partitions were staged by this run and every raw row is accounted for
    status = stages["status_broken"]
    run_id = result.run_id
    for key in good:
        assert status[key].state == "ok" and status[key].run_id == run_id
        layers = stages["layers_broken"][key]
        raw, staged, quarantined = layers["raw"], layers["staged"], layers["quarantine"]
        assert raw.height == staged.height + quarantined.height == status[key].raw_rows > 0
        assert set(raw["record_key"]) == set(staged["record_key"]) | set(quarantined["record_key"])
    for key, path in BAD_FILES.items():
        assert status[key].state == "failed" and status[key].file.endswith(path.name)
        assert set(stages["layers_broken"][key].values()) == {None}  # nothing of a failed extract is written
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["rows_accounted"].passed
    assert checks["rows_accounted"].metadata["partitions"].value == len(good)
    assert not checks["extracts_readable"].passed
    assert all(key in checks["extracts_readable"].description for key in BAD_FILES)


def test_only_written_partitions_are_marked_materialized(stages):
    result, instance = stages["ingest_broken"], stages["instance"]
    events = {(e.asset_key.to_user_string(), e.partition) for e in result.get_asset_materialization_events()}
    for table in ("raw_households", "staged_households", "quarantine_households"):
        assert {p for a, p in events if a == table} == set(stages["keys_good"])
        marked = instance.get_materialized_partitions(dg.AssetKey(table))
        assert not marked & set(BAD_FILES), table


def test_no_personal_value_reaches_the_log(stages):
    instance = stages["instance"]
    text = _all_log_text(stages["ingest_broken"], instance) + _all_log_text(stages["match_refused"], instance)
    leaked = sorted(c for c in _bad_cells() if c in text)
    assert leaked == []


# --------------------------------------------------------------------------- 2. entities over an incomplete registry


def test_entities_refuse_to_publish_over_failed_partitions(stages):
    result = stages["match_refused"]
    assert not result.success
    message = _failure_messages(result)
    assert "not accounted for" in message and "allow_incomplete" in message
    assert all(key in message for key in BAD_FILES)
    assert result.get_asset_materialization_events() == []
    # the previously published entities are left in place, in Parquet and in DuckDB
    assert stages["lineage_after_refusal"].equals(stages["lineage_good"])
    assert stages["duckdb_after_refusal"].sort("record_key").equals(stages["lineage_good"].sort("record_key"))


def test_allow_incomplete_builds_from_what_is_accounted_for_and_says_so(stages):
    result = stages["match_incomplete"]
    assert result.success
    meta = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    entities = meta["households_entities"]
    assert entities["incomplete"].value is True
    assert entities["partitions_used"].value == len(stages["keys_good"])
    assert all(key in entities["incomplete/left_out"].value for key in BAD_FILES)
    logs = [entry.user_message for entry in stages["instance"].all_logs(result.run_id)]
    assert any("allow_incomplete" in m and "left out" in m and BROKEN_KEY in m for m in logs)
    lineage = stages["lineage_incomplete"]
    staged = stages["staged_incomplete"]
    assert staged.height > 0
    assert sorted(lineage["record_key"]) == sorted(staged["record_key"])
    assert all(e.passed for e in result.get_asset_check_evaluations())


# --------------------------------------------------------------------------- 3. a source leaves the catalogue


def test_a_removed_source_is_retired_from_the_live_layers(stages):
    wh, result = stages["wh"], stages["ingest_retired"]
    assert result.success, _failure_messages(result)
    dropped = f"{DROPPED}@2025-08-31"
    assert dropped not in stages["keys_retired"]
    status = read_status(wh, REGISTRY)
    assert status[dropped].state == "retired" and "catalogue" in status[dropped].cause
    assert all(status[key].state == "retired" for key in BAD_FILES)  # they left the catalogue too
    for layer, table in (
        ("raw", "raw_households"),
        ("staged", "staged_households"),
        ("quarantine", "quarantine_households"),
    ):
        assert not PartitionedLayer(wh, layer).path(table, dropped).exists()
        assert (wh.root / "parquet" / "retired" / layer / table / f"part={dropped}" / "data.parquet").is_file()
    with wh.connect_reader() as con:  # the views' paths are relative to the warehouse root
        sources = {r[0] for r in con.execute("SELECT DISTINCT source_id FROM staged.staged_households").fetchall()}
    assert DROPPED not in sources and sources


def test_entities_rebuilt_without_the_retired_source(stages):
    wh, result = stages["wh"], stages["match_retired"]
    assert result.success
    assert stages["lineage_good"]["source_id"].is_in([DROPPED]).any()  # it was there before
    lineage = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, "households_lineage"))
    entities = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, "households_entities"))
    assert not lineage["source_id"].is_in([DROPPED]).any()
    assert not entities["record_ids"].list.eval(pl.element().str.starts_with(DROPPED + "@")).list.any().any()
    assert entities["record_count"].sum() == lineage.height == read_staged(wh, REGISTRY).height


# --------------------------------------------------------------------------- 5. the blocking checks' failure paths


def test_rows_accounted_fails_when_a_row_is_lost(tmp_path, monkeypatch):
    """The load step's accounting on a staged frame that lost a row: the check fails naming the partition."""
    real_stage = assets.ingest.stage

    def losing_stage(raw, registry, **kwargs):  # noqa: ANN001, ANN202
        result = real_stage(raw, registry, **kwargs)
        result.staged = result.staged.slice(1)  # one staged row vanishes
        return result

    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    monkeypatch.setattr(assets.ingest, "stage", losing_stage)
    (load,) = build_registry_assets(REGISTRY)
    key = load.partitions_def.get_partition_keys()[0]
    result = dg.materialize(
        [load],
        partition_key=key,
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(tmp_path))},
        raise_on_error=False,
    )
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["rows_accounted"].passed
    assert key in checks["rows_accounted"].description
    assert checks["rows_accounted"].metadata["unbalanced_partitions"].value == key
    assert checks["extracts_readable"].passed


def test_lineage_complete_fails_when_a_staged_record_is_missing(stages, monkeypatch):
    real = assets.entities.resolve_entities

    def forgetful(kind, staged, previous=None, **labels):  # noqa: ANN001, ANN202
        result = real(kind, staged, previous, **labels)
        result.lineage = result.lineage.slice(1)  # one staged record missing from the lineage
        return result

    wh = Warehouse(stages["wh"].root.parent / (stages["wh"].root.name + "_lineage"))
    wh.root.mkdir()
    src = stages["wh"].root / "parquet" / "staged" / "staged_households"
    dst = wh.root / "parquet" / "staged" / "staged_households"
    dst.parent.mkdir(parents=True)
    shutil.copytree(src, dst)
    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    monkeypatch.setattr(assets.entities, "resolve_entities", forgetful)
    result = _match(wh, dg.DagsterInstance.ephemeral(), allow_incomplete=True)  # the dropped source is not staged
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "lineage_complete" and not check.passed
    assert "1 staged records are missing" in check.description
    assert not result.success


def test_status_files_are_plain_json(stages):
    files = sorted((stages["wh"].root / "status" / "ingest" / REGISTRY).glob("*.json"))
    assert files
    record = json.loads(files[0].read_text(encoding="utf-8"))
    assert {"partition", "registry", "state", "cause", "file", "raw_rows", "run_id", "time"} <= set(record)


def test_a_rejected_extract_is_accounted_named_and_blocks_the_entities(tmp_path, monkeypatch):
    """An extract staging refuses whole: its rows are all quarantined (accounted), the partition is named, run fails."""
    data = tmp_path / "data"
    data.mkdir()
    header = "ma,so_ho_khau,ten_chu_ho,dia_chi,so_nhan_khau\n"
    rows = "".join(f"{i},{100000 + i},,Phường {i},2\n" for i in range(1, 31))  # no head of household anywhere
    (data / "headless.csv").write_text(header + rows, encoding="utf-8")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{data}"\n[[source]]\nid = "households_headless"\nregistry = "households"\nformat = "csv"\n'
        'path = "headless.csv"\nkey_column = "ma"\nextract_date = "2025-08-31"\n[source.columns]\n'
        '"so_ho_khau" = "household_no"\n"ten_chu_ho" = "head_name"\n"dia_chi" = "address"\n'
        '"so_nhan_khau" = "members"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    wh, instance = Warehouse(tmp_path / "wh"), dg.DagsterInstance.ephemeral()
    result, (key,) = _ingest(wh, instance)
    assert not result.success
    assert key in _failure_messages(result) and "rejected" in _failure_messages(result)
    status = read_status(wh, REGISTRY)[key]
    assert status.state == "rejected" and status.raw_rows == status.quarantined_rows == 30
    assert status.staged_rows == 0
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["rows_accounted"].passed and not checks["extracts_readable"].passed
    assert PartitionedLayer(wh, "quarantine").read("quarantine_households", key).height == 30
    refused = _match(wh, instance)
    assert not refused.success and key in _failure_messages(refused)


def test_unreadable_dates_are_counted_in_the_staged_metadata(stages):
    """A date staging cannot read is flagged in its row's issues and counted per field in the staged asset's
    metadata (unreadable/<field>), never a silent null."""
    events = stages["ingest_good"].get_asset_materialization_events()
    meta = {e.asset_key.to_user_string(): e.materialization.metadata for e in events}["staged_households"]
    staged = read_staged(stages["wh"], REGISTRY, stages["keys_good"])
    flagged = staged.filter(pl.col("issues").str.contains("registered_on: unreadable", literal=True)).height
    assert flagged > 0, "the sample has households with an unreadable registration date"
    assert meta["unreadable/registered_on"].value == flagged
