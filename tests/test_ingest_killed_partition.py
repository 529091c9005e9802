"""A partition whose ingest was killed between its layers: the re-run ``rows_accounted`` says which, with counts, and
what to do.

Measured with a real dagster-daemon (HV24, 2026-12-06): a landed extract re-delivered with 381 rows, its run killed
(SIGKILL) right after the raw partition was written, left raw 381 rows, staged 481 (the earlier load) and quarantine
0, while the ingest status still said ``ok``; the daemon marked the run failed with Dagster's own words ('terminated
by signal 9 ... running out of memory'), and the sensor does not ask again (the file did not change). Re-running the
checks alone said only "rows lost or doubled in ['households_900@2025-08-31']": no counts, nothing about what to do.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import polars as pl

from assets.ingest import CATALOGUE_ENV, IngestOutcome, accounting_check, ingest_partition, published_outcome
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.warehouse import PartitionedLayer, Warehouse, write_parquet_atomic
from tests.sensorhelpers import households_900_catalogue

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"
KEY = "households_900@2025-08-31"


def test_a_partition_with_layers_from_two_loads_is_named_with_its_counts(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLE_FILE, landing / "households_900_20250831.csv")
    catalogue = households_900_catalogue(tmp_path, landing)
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    wh = Warehouse(tmp_path / "wh")
    ingest_partition(wh, "households", KEY, extract, "r1", IngestOutcome(), logging.getLogger("test"))

    # the next load wrote raw (fewer rows: a shorter extract) and was killed before staged and quarantine
    raw = PartitionedLayer(wh, "raw").path("raw_households", KEY)
    write_parquet_atomic(pl.read_parquet(raw).head(381).to_arrow(), raw)

    check = accounting_check("households", published_outcome(wh, "households"))
    assert not check.passed
    assert f"{KEY} (raw 381, staged 581 + quarantined 0)" in check.description  # before: the key only
    assert "load the partition again" in check.description


def test_balanced_partitions_still_say_their_totals(tmp_path, monkeypatch):
    outcome = IngestOutcome()
    outcome.written[KEY] = {"raw": 3, "staged": 2, "quarantined": 1, "balanced": True}
    check = accounting_check("households", outcome)
    assert check.passed and check.description == "raw 3 = staged 2 + quarantined 1 in 1 partitions"
