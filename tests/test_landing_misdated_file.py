"""A delivered file whose name matches its source's extract_date_pattern but holds no real date
('households_900_20251345.csv', a typo in the landing folder) made the whole catalogue unreadable: listing the extracts
raised CatalogueError, so every landing sensor tick failed (no other file was picked up) and `wardbridge run` stopped
with 'nothing ran' for every registry. Now such a file is no extract of its source: it is not loaded, and is named
(sensor notes, `wardbridge run`'s catalogue notes) so that it is renamed; the other files load as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV, _landed
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue, misdated_files, sources_without_extracts
from tests.sensorhelpers import households_900_catalogue, sensor_tick

SAMPLE_FILE = Path(__file__).resolve().parents[1] / "data/sample/registries/households/households_718.csv"
NOTE = (
    "source 'households_900' (catalogue.toml): file households_900_20251345.csv: its extract date '20251345' is not a "
    "date (YYYY-MM-DD or YYYYMMDD): not loaded; rename the file"
)


def _landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLE_FILE, landing / "households_900_20250930.csv")
    shutil.copy(SAMPLE_FILE, landing / "households_900_20251345.csv")  # month 13, day 45
    return landing


def test_the_catalogue_lists_the_other_files_and_names_the_misdated_one(tmp_path):
    landing = _landing(tmp_path)
    sources = load_catalogue([households_900_catalogue(tmp_path, landing)])
    extracts = extracts_by_partition(sources)  # was: CatalogueError
    assert list(extracts) == ["households_900@2025-09-30"]
    assert misdated_files(sources) == [NOTE]
    assert sources_without_extracts(sources, extracts) == [NOTE]


def test_the_landing_sensor_runs_the_good_file_and_notes_the_misdated_one(tmp_path, monkeypatch, caplog):
    landing = _landing(tmp_path)
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)  # was: the tick failed with CatalogueError
        assert [r.partition_key for r in first.run_requests] == ["households_900@2025-09-30"]
        quiet = sensor_tick(instance, first.cursor)
        assert not quiet.run_requests and NOTE in quiet.skip_reason.skip_message


def _only_misdated(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLE_FILE, landing / "households_900_20251345.csv")
    return landing


def test_a_source_whose_only_file_is_misdated_has_one_line_naming_it(tmp_path):
    """Was also: "1 file(s) match path 'households_900_*.csv', none of their names matches extract_date_pattern":
    untrue, the name matches; only its date is wrong."""
    landing = _only_misdated(tmp_path)
    sources = load_catalogue([households_900_catalogue(tmp_path, landing)])
    extracts = extracts_by_partition(sources)
    assert extracts == {}
    assert sources_without_extracts(sources, extracts) == [NOTE]


def test_the_landing_sensor_names_a_misdated_file_once_not_as_unclaimed(tmp_path, monkeypatch):
    """Was also: "no catalogue source matches ['households_900_20251345.csv']": its source matches it."""
    landing = _only_misdated(tmp_path)
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, landing)))
    with dg.instance_for_test() as instance:
        tick = sensor_tick(instance)
        assert not tick.run_requests
        assert tick.skip_reason.skip_message == NOTE


def test_a_misdated_file_landed_outside_the_catalogues_base_dir_is_named_too(tmp_path):
    landing = _only_misdated(tmp_path)
    elsewhere = tmp_path / "registries"
    elsewhere.mkdir()
    shutil.copy(SAMPLE_FILE, elsewhere / "households_900_20250930.csv")
    sources = load_catalogue([households_900_catalogue(tmp_path, elsewhere)])
    extracts = extracts_by_partition(sources)
    name = "households_900_20251345.csv"
    _, unclaimed, _, misdated = _landed(landing, [name], {name: "1:1"}, sources, extracts)
    assert unclaimed == [] and misdated == [NOTE]
    shutil.copy(SAMPLE_FILE, landing / "other.csv")  # a file no source's path matches is still unclaimed
    _, unclaimed, _, misdated = _landed(landing, ["other.csv"], {"other.csv": "1:1"}, sources, extracts)
    assert unclaimed == ["other.csv"] and misdated == []
