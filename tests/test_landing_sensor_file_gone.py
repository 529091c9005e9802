"""A landed file moved out of the landing folder: the sensor's tick says which partition it deleted and why.

Measured with a real dagster-daemon (HV24, 2026-12-06): households_900_20250831.csv moved to an archive folder; the
next tick deleted the partition households_900@2025-08-31 from the instance (the daemon's own log line) and its skip
reason, what the UI shows for the tick, said only 'no new extract files in /tmp/hv24/landing and no new catalogue
extracts'; the partition's rows stayed in the warehouse (raw/staged/quarantine files) until the next ingest of the
registry retires them."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV
from tests.sensorhelpers import households_900_catalogue, sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"


def test_a_file_moved_away_names_the_partition_it_deleted(tmp_path, monkeypatch):
    landing, archive = tmp_path / "landing", tmp_path / "archive"
    landing.mkdir()
    archive.mkdir()
    shutil.copy(SAMPLE_FILE, landing / "households_900_20250831.csv")
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)
        assert [r.partition_key for r in first.run_requests] == ["households_900@2025-08-31"]

        shutil.move(landing / "households_900_20250831.csv", archive / "households_900_20250831.csv")
        gone = sensor_tick(instance, first.cursor)
        assert instance.get_dynamic_partitions("households_extracts") == []
        reason = gone.skip_reason.skip_message
        assert "no new extract files" not in reason  # before: all the tick said
        assert "partitions deleted: ['households_900@2025-08-31']: the file of each is not found any more" in reason
        assert "until the next ingest_households run retires them" in reason
