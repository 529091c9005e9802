"""The landing sensor watches the landing folder's subfolders too. A catalogue's ``path`` may name a subfolder
('households/households_900_*.csv', as `wardbridge catalogue` writes for a synth output: population/, households/,
...); with the landing folder as its base_dir, a re-delivered or edited file there was never seen (the sensor listed
the folder's top level only), so the changed extract was not run until the nightly reload."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV
from tests.sensorhelpers import households_900_catalogue, sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"


def _catalogue(tmp_path: Path, base_dir: Path) -> Path:
    return households_900_catalogue(tmp_path, base_dir, "households/")


def _landing(tmp_path: Path, monkeypatch) -> Path:
    landing = tmp_path / "landing"
    (landing / "households").mkdir(parents=True)
    shutil.copy(SAMPLE_FILE, landing / "households" / "households_900_20250930.csv")
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(_catalogue(tmp_path, landing)))
    return landing


def test_a_changed_file_in_a_subfolder_of_the_landing_folder_runs_its_partition(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)
        assert [r.partition_key for r in first.run_requests] == ["households_900@2025-09-30"]
        quiet = sensor_tick(instance, first.cursor)
        assert not quiet.run_requests  # nothing changed

        (landing / "households" / "households_900_20250930.csv").write_text("re-delivered", encoding="utf-8")
        again = sensor_tick(instance, quiet.cursor)
        assert [r.partition_key for r in again.run_requests] == ["households_900@2025-09-30"]  # before: skipped

        shutil.copy(SAMPLE_FILE, landing / "households" / "households_900_20251031.csv")  # a new extract there
        new = sensor_tick(instance, again.cursor)
        assert [r.partition_key for r in new.run_requests] == ["households_900@2025-10-31"]
        assert "households/households_900_20251031.csv" in json.loads(new.cursor)["files"]


def test_a_cursor_from_before_subfolders_were_watched_runs_nothing_again_on_the_upgrade(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)
        old = json.loads(first.cursor)
        del old["subfolders"]
        old["files"] = {k: v for k, v in old["files"].items() if "/" not in k}  # what the old sensor kept
        upgrade = sensor_tick(instance, json.dumps(old))
        assert not upgrade.run_requests  # the subfolder's files are recorded, not all run again
        assert "households/households_900_20250930.csv" in json.loads(upgrade.cursor)["files"]

        (landing / "households" / "households_900_20250930.csv").write_text("re-delivered", encoding="utf-8")
        again = sensor_tick(instance, upgrade.cursor)
        assert [r.partition_key for r in again.run_requests] == ["households_900@2025-09-30"]
