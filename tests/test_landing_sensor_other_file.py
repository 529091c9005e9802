"""A file delivered to the landing folder is only run when its partition reads that file. With the catalogue's
base_dir elsewhere (the default: catalogue data/sample/registries, landing data/landing), a landed file named like
a catalogue extract used to request a run of that partition, which loaded the catalogue's old file: the delivery
was never read and nothing said so."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV
from tests.sensorhelpers import households_900_catalogue, sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"


def _catalogue(tmp_path: Path, base_dir: Path) -> Path:
    return households_900_catalogue(tmp_path, base_dir, "")


def test_a_landed_file_its_partition_does_not_read_requests_nothing_and_says_which_file_is_read(tmp_path, monkeypatch):
    registries, landing = tmp_path / "registries", tmp_path / "landing"
    registries.mkdir()
    landing.mkdir()
    shutil.copy(SAMPLE_FILE, registries / "households_900_20250930.csv")
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(_catalogue(tmp_path, registries)))
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)  # the catalogue's extract, not registered yet: registered and run
        assert [r.partition_key for r in first.run_requests] == ["households_900@2025-09-30"]

        (landing / "households_900_20250930.csv").write_text("a new delivery", encoding="utf-8")
        second = sensor_tick(instance, first.cursor)
        assert not second.run_requests  # before: a run that re-read registries/households_900_20250930.csv
        message = second.skip_reason.skip_message
        assert "households_900@2025-09-30" in message and "not the landed households_900_20250930.csv" in message
        assert str(registries / "households_900_20250930.csv") in message


def test_a_landed_file_in_the_catalogues_base_dir_is_still_run(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        empty = sensor_tick(instance)
        assert not empty.run_requests
        shutil.copy(SAMPLE_FILE, landing / "households_900_20250930.csv")
        first = sensor_tick(instance, empty.cursor)
        assert [r.partition_key for r in first.run_requests] == ["households_900@2025-09-30"]
        (landing / "households_900_20250930.csv").write_text("re-delivered", encoding="utf-8")
        again = sensor_tick(instance, first.cursor)
        assert [r.partition_key for r in again.run_requests] == ["households_900@2025-09-30"]
