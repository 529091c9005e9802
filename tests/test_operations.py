"""Operating wardbridge: the production (PostgreSQL) instance, backfills, the schedule and the landing sensor.

Real runs of the households ingest (the smallest registry) on real Dagster instances.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import yaml

from assets.ingest import CATALOGUE_ENV

REPO = Path(__file__).resolve().parents[1]
PRODUCTION_YAML = REPO / "docs" / "production-dagster.yaml"
SAMPLE = REPO / "mappings" / "sources" / "sample.toml"
REGISTRY = "households"
THREE = ["households_718@2025-08-31", "households_723@2025-08-31", "households_747@2025-08-31"]


def _ranged_ingest(instance: dg.DagsterInstance, warehouse: Path, keys: list[str]) -> dg.ExecuteJobResult:
    """The households ingest job, reconstructable as `wardbridge run` and the daemon load it, over a key range."""
    job = dg.build_reconstructable_job("assets.definitions", "ingest_job", reconstructable_args=(REGISTRY,))
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    run_config = {"resources": {"warehouse": {"config": {"path": str(warehouse)}}}}
    return dg.execute_job(job, instance=instance, run_config=run_config, tags=tags)


# --------------------------------------------------------------------------- the PostgreSQL instance


def _pg_env(server) -> dict[str, str]:  # noqa: ANN001 - conftest PostgresServer
    return {
        "WB_DAGSTER_PG_HOST": server.host,
        "WB_DAGSTER_PG_PORT": str(server.port),
        "WB_DAGSTER_PG_USER": server.user,
        "WB_DAGSTER_PG_PASSWORD": server.password,
        "WB_DAGSTER_PG_DB": server.dbname,
    }


def test_production_yaml_keeps_credentials_out_of_the_file():
    storage = yaml.safe_load(PRODUCTION_YAML.read_text(encoding="utf-8"))["storage"]["postgres"]["postgres_db"]
    credentials = {k: v for k, v in storage.items() if k != "scheme"}
    assert set(credentials) == {"hostname", "port", "username", "password", "db_name"}
    assert all(set(v) == {"env"} and v["env"].startswith("WB_DAGSTER_PG_") for v in credentials.values())
    assert storage["scheme"] == "postgresql+psycopg2"  # psycopg 3 (SQLAlchemy 2.1's default) breaks NOTIFY


def test_postgres_instance_runs_a_real_job(postgres_server, tmp_path, monkeypatch):
    """docs/production-dagster.yaml as $DAGSTER_HOME/dagster.yaml: a ranged ingest run is stored in PostgreSQL."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    for name, value in _pg_env(postgres_server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    monkeypatch.chdir(home)  # the yaml's local paths (logs, artifacts) are relative to where Dagster starts

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        with _ranged_ingest(instance, tmp_path / "warehouse", THREE) as result:
            assert result.success
            run_id = result.run_id

    # A second process-like instance from the same file sees the run and its partitions: the state is in the server.
    with dg.DagsterInstance.from_config(str(home)) as again:
        assert again.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        assert set(again.get_materialized_partitions(dg.AssetKey(f"staged_{REGISTRY}"))) == set(THREE)

    with psycopg.connect(
        host=postgres_server.host, port=postgres_server.port, user=postgres_server.user,
        password=postgres_server.password, dbname=postgres_server.dbname,
    ) as conn:  # fmt: skip
        (runs,) = conn.execute("select count(*) from runs where run_id = %s", (run_id,)).fetchone()
        (events,) = conn.execute("select count(*) from event_logs where run_id = %s", (run_id,)).fetchone()
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
    assert runs == 1 and events > 10
    assert {"runs", "event_logs", "jobs", "job_ticks"} <= tables  # run, event and schedule storage


def test_postgres_instance_without_credentials_fails_naming_the_variable(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    for name in ("HOST", "PORT", "USER", "PASSWORD", "DB"):
        monkeypatch.delenv(f"WB_DAGSTER_PG_{name}", raising=False)
    with pytest.raises(Exception, match="WB_DAGSTER_PG_"):
        dg.DagsterInstance.from_config(str(home))
