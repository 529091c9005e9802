"""The ``wardbridge`` entry point: the engine's commands (pipelines/cli.py) plus ``run``.

    wardbridge run        # the Dagster jobs on the repo's instance: main, ingest_<registry>, entities, marts, exports

``run`` belongs to the Dagster layer, so it lives here and not in ``pipelines/`` (which
imports no Dagster). ``python -m pipelines.cli`` offers the engine commands only.
Dagster is imported when ``run`` runs, so the other commands start fast.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import click

from pipelines.cli import _echo, main
from pipelines.warehouse import REPO_ROOT, WAREHOUSE_ENV, default_warehouse_dir

LAUNCHED_BY = {"wardbridge/launched_by": "wardbridge run"}
PID_TAG, HOST_TAG = "wardbridge/pid", "wardbridge/host"


def _launch_tags() -> dict[str, str]:
    """Tags of every run ``wardbridge run`` starts: who launched it, and the process executing it."""
    return {**LAUNCHED_BY, PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def fail_dead_runs(instance) -> list[str]:  # noqa: ANN001 - dagster instance
    """Mark failed the runs ``wardbridge run`` left STARTING/STARTED when its process was killed.

    A run executes inside the process that launched it (tags wardbridge/pid and wardbridge/host);
    when that process no longer exists on this host, the run can never finish. Runs of other
    launchers, of other hosts, or whose process is alive are left alone. Returns their run ids.
    """
    import dagster as dg

    statuses = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    host = socket.gethostname()
    failed = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=statuses, tags=LAUNCHED_BY)):
        run = record.dagster_run
        pid = run.tags.get(PID_TAG, "")
        if run.tags.get(HOST_TAG) != host or not pid.isdigit() or _pid_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the process running it (pid {pid}) is gone: killed or crashed")
        failed.append(run.run_id)
    return failed


@click.command()
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=f"Output directory. Default: ${WAREHOUSE_ENV}, else warehouse/ in the repository.",
)
@click.option(
    "--dagster-home",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Dagster instance directory (holding dagster.yaml). Default: the repository root, "
    "the instance `DAGSTER_HOME=$PWD dagster dev` uses.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
    help="Dagster log level printed while the job runs.",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Build entities (and what follows) from the extracts that were accounted for when some failed to load; "
    "by default a registry with a failed extract keeps its previously published entities.",
)
@click.option(
    "--catalogue",
    "catalogues",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Source catalogue TOML to ingest instead of mappings/sources/*.toml (repeatable; "
    "e.g. from `wardbridge catalogue --manifest`). Default: $WARDBRIDGE_CATALOGUE, else mappings/sources/.",
)
def run(
    warehouse: Path | None,
    dagster_home: Path | None,
    log_level: str,
    allow_incomplete: bool,
    catalogues: tuple[Path, ...],
) -> None:
    """Run the Dagster jobs on the persistent instance: wardbridge_main (reference tables + the bundled sample),
    ingest_<registry> (every catalogue extract), wardbridge_entities (entities and registry links),
    wardbridge_marts (analytics and restricted marts) and, with $WARDBRIDGE_PSEUDONYM_KEY set, wardbridge_exports."""
    home = (dagster_home or REPO_ROOT).expanduser().resolve()
    warehouse_dir = warehouse.expanduser().resolve() if warehouse else default_warehouse_dir()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").is_file():
        _echo(f"wardbridge: note: no dagster.yaml in {home}; Dagster will use its defaults there")
    if catalogues:  # read by assets.ingest when the definitions load (below, after the chdir)
        os.environ["WARDBRIDGE_CATALOGUE"] = os.pathsep.join(str(c.expanduser().resolve()) for c in catalogues)
    # dagster.yaml uses paths relative to DAGSTER_HOME: run from there, as `dagster dev` is.
    os.environ["DAGSTER_HOME"] = str(home)
    os.chdir(home)

    import dagster as dg

    from assets.definitions import MAIN_JOB

    _echo(f"wardbridge: running {MAIN_JOB} (Dagster instance {home}, warehouse {warehouse_dir})")
    started = time.perf_counter()
    instance = dg.DagsterInstance.get()
    for run_id in fail_dead_runs(instance):
        _echo(f"wardbridge: marked run {run_id} FAILURE: left STARTED by a process that no longer exists")
    job = dg.build_reconstructable_job("assets.definitions", "wardbridge_main_job")
    run_config = {
        "resources": {"warehouse": {"config": {"path": str(warehouse_dir)}}},
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }
    with dg.execute_job(job, instance=instance, run_config=run_config, tags=_launch_tags()) as result:
        elapsed = time.perf_counter() - started
        _report(result, elapsed, home, warehouse_dir)
        ok = result.success
    ok = _run_ingest(dg, instance, run_config, warehouse_dir) and ok
    entities_config = run_config
    if allow_incomplete:
        from assets.entities import ENTITY_ASSETS

        ops = {a.op.name: {"config": {"allow_incomplete": True}} for a in ENTITY_ASSETS}
        entities_config = {**run_config, "ops": ops}
    ok = _run_entities(dg, instance, entities_config, warehouse_dir) and ok
    ok = _run_publish(dg, instance, run_config, warehouse_dir) and ok
    if not ok:
        raise SystemExit(1)


def _run_ingest(dg, instance, run_config: dict, warehouse_dir: Path) -> bool:  # noqa: ANN001 - dagster module
    """One run per registry over all its catalogue partitions (source extracts)."""
    from assets.definitions import defs
    from pipelines.schema import REGISTRY_KINDS

    ok = True
    _echo()
    _echo("wardbridge: ingesting the catalogue's source extracts (raw -> staged + quarantine)")
    for registry in REGISTRY_KINDS:
        keys = defs.resolve_job_def(f"ingest_{registry}").partitions_def.get_partition_keys()
        if not keys:
            continue
        started = time.perf_counter()
        job = dg.build_reconstructable_job("assets.definitions", "ingest_job", reconstructable_args=(registry,))
        tags = {
            **_launch_tags(),
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        }
        with dg.execute_job(job, instance=instance, run_config=run_config, tags=tags) as result:
            # the totals of the partitions written, as the rows_accounted check counted them
            accounted = [e for e in result.get_asset_check_evaluations() if e.check_name == "rows_accounted"]
            meta = accounted[0].metadata if accounted else {}
            counts = ", ".join(f"{k} {meta[k].value}" for k in ("raw", "staged", "quarantined") if k in meta)
            _echo(
                f"  {registry:<11} {len(keys):>3} partitions  {'ok ' if result.success else 'FAILED'} {time.perf_counter() - started:5.1f}s  {counts}"
            )
            for event in result.get_step_failure_events():
                error = event.step_failure_data.error
                _echo(f"    step {event.step_key} failed: {error.message.strip()[:500] if error else 'unknown error'}")
            for evaluation in result.get_asset_check_evaluations():
                if not evaluation.passed:
                    _echo(f"    FAILED check {evaluation.check_name}: {evaluation.description or ''}")
            ok = ok and result.success
    _echo(f"  tables: DuckDB views raw.*, staged.*, quarantine.* in {warehouse_dir / 'wardbridge.duckdb'}")
    return ok


def _run_entities(dg, instance, run_config: dict, warehouse_dir: Path) -> bool:  # noqa: ANN001 - dagster module
    """The job wardbridge_entities: deduplicate every staged registry, link the registries."""
    from assets.entities import JOB

    _echo()
    _echo(f"wardbridge: running {JOB} (staged -> entities, lineage, review queues, registry links)")
    started = time.perf_counter()
    job = dg.build_reconstructable_job("assets.definitions", "entities_job")
    with dg.execute_job(job, instance=instance, run_config=run_config, tags=_launch_tags()) as result:
        _echo(
            f"  run {result.run_id} {'SUCCEEDED' if result.success else 'FAILED'} in {time.perf_counter() - started:.1f}s"
        )
        for event in result.get_asset_materialization_events():
            metadata = event.materialization.metadata
            rows, table = metadata.get("dagster/row_count"), metadata.get("dagster/table_name")
            _echo(
                f"  {table.value if table else event.asset_key.to_user_string():<40}{rows.value if rows else '?':>8} rows"
            )
            unlinked = metadata.get("unlinked_rows")
            if unlinked is not None:
                _echo(f"      {unlinked.value} source rows unlinked (reasons: asset metadata rows_by_link)")
        _report_checks(result, indent="  ", max_error=500)
        ok = result.success
    _echo(f"  tables: entities.* in {warehouse_dir / 'wardbridge.duckdb'}; review queues entities.<kind>_review")
    return ok


def _run_publish(dg, instance, run_config: dict, warehouse_dir: Path) -> bool:  # noqa: ANN001 - dagster module
    """wardbridge_marts (analysts' and restricted marts behind their gates), then wardbridge_exports when
    the pseudonym key is set (exports leave the system: they never use the development key)."""
    from assets.exports import JOB as EXPORTS
    from assets.publish import JOB as MARTS
    from pipelines.publish.pseudonym import KEY_ENV

    ok = True
    jobs = [
        (MARTS, "marts_job", f"marts in {warehouse_dir / 'analytics.duckdb'} and {warehouse_dir / 'restricted.duckdb'}")
    ]
    if os.environ.get(KEY_ENV):
        jobs.append((EXPORTS, "exports_job", f"Frictionless Data Packages in {warehouse_dir / 'exports'}/<recipient>/"))
    for name, reconstructor, where in jobs:
        _echo()
        _echo(f"wardbridge: running {name}")
        started = time.perf_counter()
        job = dg.build_reconstructable_job("assets.definitions", reconstructor)
        with dg.execute_job(job, instance=instance, run_config=run_config, tags=_launch_tags()) as result:
            state = "SUCCEEDED" if result.success else "FAILED"
            _echo(f"  run {result.run_id} {state} in {time.perf_counter() - started:.1f}s")
            _report_checks(result, indent="  ", max_error=500)
            ok = ok and result.success
        _echo(f"  {where}")
    if not os.environ.get(KEY_ENV):
        _echo()
        _echo(f"wardbridge: ministry exports skipped: set ${KEY_ENV} (32 random bytes, e.g. `openssl rand -hex 32`)")
        _echo("  to build them; see README 'Standard exports'. The marts used a development pseudonym key.")
    return ok


def _report_checks(result, indent: str = "", max_error: int | None = None) -> None:  # noqa: ANN001 - dagster result
    """Asset check counts, each failed check, and each failed step with its error."""
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    _echo(f"{indent}Checks: {len(evaluations) - len(failed)} passed, {len(failed)} failed")
    for evaluation in failed:
        _echo(
            f"{indent}  FAILED {evaluation.asset_key.to_user_string()} / {evaluation.check_name}: {evaluation.description or ''}"
        )
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        _echo(
            f"{indent}  step {event.step_key} failed: {error.message.strip()[:max_error] if error else 'unknown error'}"
        )


def _report(result, elapsed: float, home: Path, warehouse_dir: Path) -> None:  # noqa: ANN001 - dagster result
    _echo()
    _echo(f"wardbridge: run {result.run_id} {'SUCCEEDED' if result.success else 'FAILED'} in {elapsed:.1f}s")
    materialized = result.get_asset_materialization_events()
    if materialized:
        _echo("Tables published:")
    for event in materialized:
        metadata = event.materialization.metadata
        rows = metadata.get("dagster/row_count")
        table = metadata.get("dagster/table_name")
        _echo(
            f"  {table.value if table else event.asset_key.to_user_string():<40}{rows.value if rows else '?':>8} rows"
        )
        statuses = {k.removeprefix("status/"): v.value for k, v in metadata.items() if k.startswith("status/")}
        if statuses:
            _echo("      " + ", ".join(f"{k} {v}" for k, v in statuses.items()))
    _report_checks(result)
    _echo("Outputs:")
    _echo(f"  DuckDB   {warehouse_dir / 'wardbridge.duckdb'}   (schemas reference, resolved)")
    _echo(f"  Parquet  {warehouse_dir / 'parquet'}/<schema>/<table>.parquet")
    _echo("  Review   resolved.address_review_queue   (rows needing a person)")
    if home == REPO_ROOT:
        ui = f"cd {home} && DAGSTER_HOME=$PWD uv run dagster dev"
    else:
        ui = f"cd {home} && DAGSTER_HOME=$PWD uv run --project {REPO_ROOT} dagster dev -m assets.definitions"
    _echo(f"Dagster UI (lists this run): {ui}")


main.add_command(run)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
