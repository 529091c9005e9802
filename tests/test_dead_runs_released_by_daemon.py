"""Runs a killed ``wardbridge run`` left STARTED no longer hold the daemon's run queue for hours.

Measured with a real dagster-daemon on the same instance (HV24, 2026-12-06): ``wardbridge run`` SIGKILLed at 12:15:12
left its wardbridge_main run STARTED; an ingest run queued at 12:15:18 stayed QUEUED, the daemon saying every 5 s '1
runs are currently in progress. Maximum is 1, won't launch more.' Run monitoring cannot tell whether a process it
did not launch is alive, so it would have failed the run only after max_runtime_seconds (14,400 s); only the next
``wardbridge run`` marked it failed (assets/cli.py fail_dead_runs). The landing sensor (every tick) and the nightly
schedules now do the same, and the sensor's tick says so."""

from __future__ import annotations

import datetime
import zoneinfo

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV
from tests.runhelpers import stale_run_in
from tests.sensorhelpers import households_900_catalogue, sensor_tick


def _runs(instance: dg.DagsterInstance) -> tuple[dg.DagsterRun, dg.DagsterRun]:
    """(a run whose wardbridge run process is gone, one whose process is alive: this test's)."""
    return stale_run_in(instance), stale_run_in(instance, alive=True)


def test_the_landing_sensor_marks_a_killed_wardbridge_runs_run_failed(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        dead, alive = _runs(instance)
        tick = sensor_tick(instance)
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE  # before: STARTED
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
        reason = tick.skip_reason.skip_message
        assert "marked failed 1 run(s) a killed `wardbridge run` left STARTED" in reason and dead.run_id in reason
        again = sensor_tick(instance, tick.cursor)
        assert "marked failed" not in again.skip_reason.skip_message


def test_the_nightly_schedule_marks_them_failed_before_it_asks_for_its_run(tmp_path, monkeypatch):
    from assets.definitions import defs

    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        dead, alive = _runs(instance)
        when = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
        schedule = defs.resolve_schedule_def("nightly_ingest_households")
        schedule.evaluate_tick(dg.build_schedule_context(instance=instance, scheduled_execution_time=when))
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
