"""Dagster's stock SQLite event log against assets/instance_storage.py's, side by side in one process.

Each round runs the same small job (ASSETS assets, each with two checks: ~10 events an asset, as a wardbridge run's
jobs store) on two fresh instances, one per event log class, alternating, and prints wall and CPU seconds per run
and per stored event. Usage: uv run python benchmarks/instance_storage_benchmark.py [--rounds 5] [--assets 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[1]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
STOCK = "storage:\n  sqlite:\n    base_dir: storage\n"
KEPT = """run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config: {base_dir: storage/history}
event_log_storage:
  module: assets.instance_storage
  class: KeptOpenSqliteEventLogStorage
  config: {base_dir: storage/history/runs}
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config: {base_dir: storage/schedules}
"""


def build_job(n: int) -> dg.JobDefinition:
    assets, checks = [], []
    for i in range(n):

        @dg.asset(name=f"a{i}")
        def one(context) -> int:  # noqa: ANN001 - dagster reads the hint at runtime
            context.log.info("built")
            return 1

        for c in range(2):

            @dg.asset_check(asset=one, name=f"c{c}")
            def check() -> dg.AssetCheckResult:
                return dg.AssetCheckResult(passed=True)

            checks.append(check)
        assets.append(one)
    defs = dg.Definitions(
        assets=assets, asset_checks=checks, jobs=[dg.define_asset_job("bench", executor_def=dg.in_process_executor)]
    )
    return defs.resolve_job_def("bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--assets", type=int, default=20)
    args = parser.parse_args()
    job = build_job(args.assets)
    root = Path(tempfile.mkdtemp(prefix="wb-storage-bench-"))
    homes = {}
    for name, config in (("stock", STOCK), ("kept open", KEPT)):
        home = root / name.replace(" ", "_")
        home.mkdir()
        (home / "dagster.yaml").write_text(config + "telemetry:\n  enabled: false\n", encoding="utf-8")
        homes[name] = home
    os.chdir(REPO)  # assets.instance_storage importable as the project's
    totals = {name: [0.0, 0.0, 0] for name in homes}
    try:
        for _ in range(args.rounds):
            for name, home in homes.items():
                with dg.DagsterInstance.from_config(str(home)) as instance:
                    wall, cpu = time.perf_counter(), time.process_time()
                    result = job.execute_in_process(instance=instance, run_config=QUIET)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    assert result.success
                    events = len(instance.all_logs(result.run_id))
                totals[name][0] += wall
                totals[name][1] += cpu
                totals[name][2] += events
        for name, (wall, cpu, events) in totals.items():
            print(
                f"{name:10s} {wall / args.rounds:6.2f} s wall, {cpu / args.rounds:6.2f} s CPU a run "
                f"({events // args.rounds} events): {1000 * wall / events:5.2f} ms wall, "
                f"{1000 * cpu / events:5.2f} ms CPU an event"
            )
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
