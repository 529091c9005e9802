"""Operating wardbridge: the production (PostgreSQL) instance, backfills, the schedule and the landing sensor.

Real runs of the households ingest (the smallest registry) on real Dagster instances.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import yaml

from assets.ingest import CATALOGUE_ENV, partitions_name, register_catalogue
from tests.instancehelpers import copied_instance_for_test
from tests.sensorhelpers import sensor_tick

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


# --------------------------------------------------------------------------- backfills, retries, pool


def test_every_warehouse_writer_is_in_the_pool_and_ingest_backfills_in_one_run():
    from assets.definitions import ALL_ASSETS
    from assets.exports import EXPORT_ASSETS
    from assets.resources import WAREHOUSE_POOL

    for asset in ALL_ASSETS:
        if asset in EXPORT_ASSETS:
            continue  # exports write their own directory (swap-in), not the DuckDB warehouse
        assert asset.op.pool == WAREHOUSE_POOL, asset.op.name
    for registry in ("population", "households", "businesses", "tax"):
        load = next(a for a in ALL_ASSETS if a.op.name == f"load_{registry}")
        assert load.backfill_policy == dg.BackfillPolicy.single_run()
        assert load.op.retry_policy.backoff == dg.Backoff.EXPONENTIAL and load.op.retry_policy.max_retries >= 1


def test_three_partition_backfill_is_one_run(tmp_path, monkeypatch):
    """A backfill of three extracts, submitted as the UI does and run by the backfill daemon: ONE run covers them.

    The code location is loaded and the run launched in this process (Dagster's SyncInMemoryRunLauncher runs it from
    its code origin, assets.definitions:defs): a code server and a run worker process would add ~6 CPU s to what the
    backfill does. The code location served by a code server: test_definitions' webserver test."""
    import logging
    import sys

    from dagster._core.execution.backfill import PartitionBackfill
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.test_utils import create_test_daemon_workspace_context, poll_for_finished_run
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster._time import get_current_timestamp

    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    warehouse = tmp_path / "warehouse"
    sync = {
        "run_coordinator": {"module": "dagster._core.run_coordinator", "class": "DefaultRunCoordinator"},
        "run_launcher": {
            "module": "dagster._core.launcher.sync_in_memory_run_launcher",
            "class": "SyncInMemoryRunLauncher",
        },
    }
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home"), overrides=sync) as instance:
        origin = LoadableTargetOrigin(
            executable_path=sys.executable,
            module_name="assets.definitions",
            attribute="defs",
            working_directory=str(REPO),
        )
        target = InProcessWorkspaceLoadTarget(InProcessCodeLocationOrigin(origin, location_name="wardbridge"))
        with create_test_daemon_workspace_context(target, instance) as context:
            register_catalogue(REGISTRY, instance)  # as the sensor, the schedule or `wardbridge run` did before
            backfill = PartitionBackfill.from_asset_partitions(
                backfill_id="three",
                asset_graph=context.create_request_context().asset_graph,
                partition_names=THREE,
                asset_selection=[dg.AssetKey(f"{layer}_{REGISTRY}") for layer in ("raw", "staged", "quarantine")],
                backfill_timestamp=get_current_timestamp(),
                tags={},
                dynamic_partitions_store=instance,
                all_partitions=False,
                title=None,
                description=None,
                run_config={"resources": {"warehouse": {"config": {"path": str(warehouse)}}}},
            )
            instance.add_backfill(backfill)
            for _ in range(2):
                list(execute_backfill_iteration(context, logging.getLogger("test_backfill")))
            runs = instance.get_runs()
            assert len(runs) == 1  # without BackfillPolicy.single_run(): three runs
            tags = runs[0].tags
            assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == (
                THREE[0],
                THREE[-1],
            )
            finished = poll_for_finished_run(instance, runs[0].run_id, timeout=240)
            assert finished.status == dg.DagsterRunStatus.SUCCESS
            assert set(instance.get_materialized_partitions(dg.AssetKey(f"staged_{REGISTRY}"))) == set(THREE)


def _sql_catalogue(tmp_path: Path) -> Path:
    """One households source in a PostgreSQL database nobody listens for (a database that is down)."""
    path = tmp_path / "down.toml"
    path.write_text(
        "\n".join(
            [
                "[[source]]",
                'id = "households_db"',
                'registry = "households"',
                'format = "sql"',
                'url = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@127.0.0.1:${WB_DOWN_PORT}/${WB_PG_DB}"',
                'table = "households"',
                'key_column = "ma"',
                'extract_date = "2025-08-31"',
                "[source.columns]",
                '"so_ho_khau" = "household_no"',
                '"ten_chu_ho" = "head_name"',
                '"dia_chi" = "address"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def _attempts(catalogue: str, warehouse: Path) -> tuple[bool, int]:
    """Run the households ingest over every partition with a fast retry policy; (success, retries)."""
    from assets.ingest import build_registry_assets
    from assets.resources import WarehouseResource

    fast = dg.RetryPolicy(max_retries=2, delay=0.05, backoff=dg.Backoff.EXPONENTIAL)
    load = build_registry_assets(REGISTRY, retry_policy=fast)
    keys = load[0].partitions_def.get_partition_keys()
    job = dg.define_asset_job("ingest", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(warehouse))})
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    with dg.DagsterInstance.ephemeral() as instance:  # held: a dropped instance breaks its storage's weakref
        result = defs.resolve_job_def("ingest").execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    return result.success, len(retries)


def test_unreachable_database_source_is_retried_with_backoff(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for name, value in {"WB_PG_USER": "u", "WB_PG_PASSWORD": "p", "WB_PG_DB": "d", "WB_DOWN_PORT": str(port)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(CATALOGUE_ENV, str(_sql_catalogue(tmp_path)))
    success, retries = _attempts(str(_sql_catalogue(tmp_path)), tmp_path / "wh")
    assert not success and retries == 2  # transient: every retry of the policy was used


def test_unreadable_file_is_not_retried(tmp_path, monkeypatch):
    broken = REPO / "mappings" / "sources" / "broken" / "sample_broken.toml"
    monkeypatch.setenv(CATALOGUE_ENV, str(broken))
    success, retries = _attempts(str(broken), tmp_path / "wh")
    assert not success and retries == 0  # a file that cannot be read will not read better later


# --------------------------------------------------------------------------- schedule and landing sensor


def _landing_catalogue(tmp_path: Path, landing: Path) -> Path:
    path = tmp_path / "landing.toml"
    path.write_text(
        f'base_dir = "{landing.as_posix()}"\n'
        + "\n".join(
            [
                "[[source]]",
                'id = "households_900"',
                'registry = "households"',
                'format = "csv"',
                'path = "households_900_*.csv"',
                "extract_date_pattern = 'households_900_(\\d{8})\\.csv'",
                'key_column = "ma_ban_ghi"',
                "[source.columns]",
                '"so_ho_khau" = "household_no"',
                '"ten_chu_ho" = "head_name"',
                '"dia_chi" = "address"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def test_landing_sensor_registers_and_requests_the_new_extract_partition_only(tmp_path, monkeypatch):
    from assets.sensors import LANDING_ENV

    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(_landing_catalogue(tmp_path, landing)))
    name = partitions_name(REGISTRY)
    with copied_instance_for_test(tmp_path) as instance:

        def tick(cursor: str | None = None) -> dg.SensorResult:
            return sensor_tick(instance, cursor)

        empty = tick()
        assert not empty.run_requests and "no new extract files" in empty.skip_reason.skip_message
        assert instance.get_dynamic_partitions(name) == []

        shutil.copy(
            REPO / "data/sample/registries/households/households_718.csv", landing / "households_900_20250930.csv"
        )
        (landing / "notes.txt").write_text("not an extract", encoding="utf-8")
        result = tick()
        assert [(r.job_name, r.partition_key) for r in result.run_requests] == [
            ("ingest_households", "households_900@2025-09-30")
        ]
        assert instance.get_dynamic_partitions(name) == ["households_900@2025-09-30"]  # registered: no reload

        again = tick(result.cursor)  # same files: nothing new
        assert not again.run_requests and "no new extract files" in again.skip_reason.skip_message

        shutil.copy(landing / "households_900_20250930.csv", landing / "households_900_20251031.csv")
        later = tick(result.cursor)
        assert [r.partition_key for r in later.run_requests] == ["households_900@2025-10-31"]
        assert instance.get_dynamic_partitions(name) == ["households_900@2025-09-30", "households_900@2025-10-31"]

        (landing / "households_900_20250930.csv").write_text("re-delivered", encoding="utf-8")  # a known partition
        redelivered = tick(later.cursor)
        assert [r.partition_key for r in redelivered.run_requests] == ["households_900@2025-09-30"]
        assert not redelivered.dynamic_partitions_requests  # already registered


def test_sensor_registers_new_sql_extract_dates_and_drops_retired_partitions(tmp_path, monkeypatch):
    """A catalogue edit (a SQL source's new extract_date, a source removed) is picked up at the next tick."""
    from assets.definitions import defs
    from assets.sensors import LANDING_ENV, landing_folder_sensor

    monkeypatch.setenv(LANDING_ENV, str(tmp_path / "no_landing"))
    catalogue = _sql_catalogue(tmp_path)
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    name = partitions_name(REGISTRY)
    with copied_instance_for_test(tmp_path) as instance:
        instance.add_dynamic_partitions(name, ["households_gone@2025-01-31", "households_db@2025-08-31"])
        catalogue.write_text(
            catalogue.read_text(encoding="utf-8").replace("2025-08-31", "2025-09-30"), encoding="utf-8"
        )
        result = landing_folder_sensor(dg.build_sensor_context(instance=instance))
        assert [(r.job_name, r.partition_key) for r in result.run_requests] == [
            ("ingest_households", "households_db@2025-09-30")
        ]
        requests = {
            type(r).__name__: (r.partitions_def_name, list(r.partition_keys))
            for r in result.dynamic_partitions_requests
        }
        assert requests == {
            "AddDynamicPartitionsRequest": (name, ["households_db@2025-09-30"]),
            "DeleteDynamicPartitionsRequest": (name, ["households_db@2025-08-31", "households_gone@2025-01-31"]),
        }
    # the ingest assets are partitioned by these dynamic partitions, and backfill in one run
    partitions = defs.resolve_job_def(f"ingest_{REGISTRY}").partitions_def
    assert isinstance(partitions, dg.DynamicPartitionsDefinition) and partitions.name == name


def test_landing_sensor_skips_a_file_no_source_claims(tmp_path, monkeypatch):
    from assets.sensors import LANDING_ENV, landing_folder_sensor

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "tax_999_20250930.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(_landing_catalogue(tmp_path, landing)))
    with copied_instance_for_test(tmp_path) as instance:
        result = landing_folder_sensor(dg.build_sensor_context(instance=instance))
    assert not result.run_requests and "tax_999_20250930.csv" in result.skip_reason.skip_message


def test_nightly_schedules_target_every_catalogue_partition_then_entities_and_marts(tmp_path, monkeypatch):
    from assets.definitions import defs
    from assets.ingest import catalogue_keys

    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    schedule = defs.get_schedule_def("nightly_ingest_households")
    assert schedule.job_name == "ingest_households" and schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    with copied_instance_for_test(tmp_path) as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=datetime(2026, 12, 1, 2, 0))
        request = schedule.evaluate_tick(context).run_requests[0]
        registered = instance.get_dynamic_partitions(partitions_name(REGISTRY))  # the tick registered them
    keys = catalogue_keys(REGISTRY)
    assert registered == keys
    assert (request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]) == (
        keys[0],
        keys[-1],
    )
    assert len(keys) > 3 and keys[0] < keys[-1]
    assert {s.name for s in defs.schedules} == {
        f"nightly_ingest_{r}" for r in ("population", "households", "businesses", "tax")
    }
    assert defs.get_sensor_def("nightly_refresh").default_status == dg.DefaultSensorStatus.STOPPED


def test_downstream_assets_refresh_declaratively_after_the_nightly_ingest(tmp_path):
    """on_cron at the ingest's 02:00: an entity kind is requested once everything it reads was updated after
    the tick; the marts (whose inputs did not change) are not; the ingest itself has no condition."""
    import datetime as dt

    from assets.definitions import defs

    ict = dt.timezone(dt.timedelta(hours=7))
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("raw_households")).automation_condition is None
    assert graph.get(dg.AssetKey("export_statistics")).automation_condition is None  # needs the pseudonym key
    people = dg.AssetKey("people_entities")

    def at(hour: int, minute: int) -> dt.datetime:
        return dt.datetime(2026, 12, 2, hour, minute, tzinfo=ict)

    with copied_instance_for_test(tmp_path) as instance:
        result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=at(1, 50))
        result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=at(2, 1), cursor=result.cursor)
        assert result.get_num_requested(people) == 0  # the tick passed, its inputs are not refreshed yet
        for parent in graph.get(people).parent_keys:
            node = graph.get(parent)
            if node.is_partitioned:
                instance.add_dynamic_partitions(node.partitions_def.name, ["new@2026-12-01"])
            key = "new@2026-12-01" if node.is_partitioned else None
            instance.report_runless_asset_event(dg.AssetMaterialization(parent, partition=key))
        result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=at(2, 30), cursor=result.cursor)
        assert result.get_num_requested(people) == 1
        assert result.get_num_requested(dg.AssetKey("households_entities")) == 0  # its registry was not reloaded
        assert result.get_num_requested(dg.AssetKey("analytics_mart")) == 0  # waits for the entities


def test_unwritable_warehouse_is_not_retried(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the warehouse directory should be", encoding="utf-8")
    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE))
    success, retries = _attempts(str(SAMPLE), blocker / "wh")
    assert not success and retries == 0
