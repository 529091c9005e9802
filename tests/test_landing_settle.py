"""The landing sensor holds a file that is still being written (a copy in progress) until it is left unchanged.

Measured with a real daemon (HV24, 2026-12-06): the first 30,000 bytes of households_718.csv (cut inside row 211) in
the landing folder were registered and run at the next tick: the run succeeded with 211 raw -> 210 staged + 1
quarantined ('ends mid-row (cut off in transfer?)'), and only the tick after the copy ended read the 581 rows. A file
modified less than ``$WARDBRIDGE_LANDING_SETTLE_SECONDS`` (default 30) ago is now held: not registered, not run, named
in the skip reason; it is read at a later tick once it is that old, or unchanged since the tick that held it (a clock
ahead of the daemon's does not hold it for ever)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV, SETTLE_ENV
from tests.sensorhelpers import households_900_catalogue, sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"
NAME = "households_900_20250930.csv"
KEY = "households_900@2025-09-30"


def _landing(tmp_path: Path, monkeypatch) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    return landing


def _age(path: Path, seconds: float) -> None:
    """Date ``path``'s last modification ``seconds`` ago (negative: in the future)."""
    when = time.time() - seconds
    os.utime(path, (when, when))


def _added(result: dg.SensorResult) -> list[str]:
    return [
        k
        for r in result.dynamic_partitions_requests or []
        if isinstance(r, dg.AddDynamicPartitionsRequest)
        for k in r.partition_keys
    ]


def test_a_file_still_being_copied_is_held_until_it_is_left_alone(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    data = SAMPLE_FILE.read_bytes()
    (landing / NAME).write_bytes(data[:30_000])  # the copy has written 30 kB so far, just now
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance, settle="30")
        assert not first.run_requests  # before: the half-written file was registered and run
        assert not _added(first) and instance.get_dynamic_partitions("households_extracts") == []
        reason = first.skip_reason.skip_message
        assert f"{NAME} is still being written" in reason and SETTLE_ENV in reason

        (landing / NAME).write_bytes(data)  # the copy ends
        _age(landing / NAME, 31)  # ... and nothing touched it for 31 s
        second = sensor_tick(instance, first.cursor, settle="30")
        assert [r.partition_key for r in second.run_requests] == [KEY]
        assert instance.get_dynamic_partitions("households_extracts") == [KEY]

        quiet = sensor_tick(instance, second.cursor, settle="30")
        assert not quiet.run_requests  # read once


def test_a_re_delivered_file_is_held_while_it_is_written_too(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    shutil.copy(SAMPLE_FILE, landing / NAME)
    _age(landing / NAME, 3600)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance, settle="30")
        assert [r.partition_key for r in first.run_requests] == [KEY]

        (landing / NAME).write_bytes(SAMPLE_FILE.read_bytes()[:10_000])  # tomorrow's copy, in progress
        writing = sensor_tick(instance, first.cursor, settle="30")
        assert not writing.run_requests and f"{NAME} is still being written" in writing.skip_reason.skip_message

        _age(landing / NAME, 60)
        done = sensor_tick(instance, writing.cursor, settle="30")
        assert [r.partition_key for r in done.run_requests] == [KEY]


def test_a_file_unchanged_since_the_tick_that_held_it_is_read_whatever_its_date(tmp_path, monkeypatch):
    """A file server whose clock is an hour ahead: the file's date stays 'in the future' for an hour."""
    landing = _landing(tmp_path, monkeypatch)
    shutil.copy(SAMPLE_FILE, landing / NAME)
    _age(landing / NAME, -3600)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance, settle="30")
        assert not first.run_requests
        assert json.loads(first.cursor)["settling"]  # held: its signature kept for the next tick
        # said as such (before: 'still being written (modified 0 s ago)'), HD2's walkthrough
        reason = first.skip_reason.skip_message
        assert f"{NAME} is dated 60 min in the future (another machine's clock?): read at the next tick" in reason, (
            reason
        )
        assert "still being written" not in reason, reason
        second = sensor_tick(instance, first.cursor, settle="30")
        assert [r.partition_key for r in second.run_requests] == [KEY]
        assert json.loads(second.cursor)["settling"] == {}


def test_settle_zero_reads_at_once_and_a_bad_value_is_named(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    shutil.copy(SAMPLE_FILE, landing / NAME)
    with dg.instance_for_test() as instance:
        now = sensor_tick(instance, settle="0")
        assert [r.partition_key for r in now.run_requests] == [KEY]
    with dg.instance_for_test() as instance:
        bad = sensor_tick(instance, settle="half a minute")  # the default, 30 s, is used, and said
        assert not bad.run_requests
        reason = bad.skip_reason.skip_message
        assert f"${SETTLE_ENV}='half a minute' is not a number of seconds" in reason and "30 s used" in reason
