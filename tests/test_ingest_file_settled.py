"""An extract file still being written is never loaded half: the nightly schedule's runs wait for it, and any run whose
file changes while it is read fails that partition (transient: retried) and keeps the earlier load.

Before: only the landing sensor held a file modified less than ``$WARDBRIDGE_LANDING_SETTLE_SECONDS`` ago; the 02:00
schedule's ranged run and ``wardbridge run`` read whatever was on disk, so a copy in progress at that moment was
staged cut off (its last rows lost until the next load).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path

import dagster as dg
import polars as pl

import assets.ingest as ingest
from assets.ingest import (
    CATALOGUE_ENV,
    CHANGED_WHILE_READ,
    SCHEDULE_TAG,
    SETTLE_ENV,
    IngestOutcome,
    build_registry_assets,
    ingest_partition,
)
from assets.resources import WarehouseResource
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.instancehelpers import copied_instance_for_test
from tests.samplecut import cut_file
from tests.sensorhelpers import households_900_catalogue

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"
KEY = "households_900@2025-08-31"
FILE = "households_900_20250831.csv"
LANDED = 60  # of its 581 records: what is checked is whether and when the file is read, not what its rows hold


def _landing(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:  # noqa: ANN001
    """The landing folder holding FILE, the sample file's first LANDED records, and its catalogue (set)."""
    landing = tmp_path / "landing"
    landing.mkdir()
    cut_file(SAMPLE_FILE, landing / FILE, LANDED)
    catalogue = households_900_catalogue(tmp_path, landing)
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    return landing, catalogue


def _extract(catalogue: Path):  # noqa: ANN202
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return extract


def _staged_rows(wh: Warehouse) -> int:
    return pl.read_parquet(PartitionedLayer(wh, "staged").path("staged_households", KEY)).height


def test_a_file_that_changes_while_it_is_read_is_not_loaded_and_the_earlier_load_stays(tmp_path, monkeypatch):
    landing, catalogue = _landing(tmp_path, monkeypatch)
    wh = Warehouse(tmp_path / "wh")
    log = logging.getLogger("test")
    first = IngestOutcome()
    ingest_partition(wh, "households", KEY, _extract(catalogue), "r1", first, log)
    assert KEY in first.written and not first.failed
    staged_before = _staged_rows(wh)

    real_load_raw = ingest.load_raw
    lines = SAMPLE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)

    def copy_goes_on(extract, run_id):  # noqa: ANN001, ANN202 - the real reader, then the copy writes more rows
        loaded = real_load_raw(extract, run_id)
        with open(extract.file, "a", encoding="utf-8") as f:
            f.writelines(lines[1:4])
        return loaded

    monkeypatch.setattr(ingest, "load_raw", copy_goes_on)
    second = IngestOutcome()
    ingest_partition(wh, "households", KEY, _extract(catalogue), "r2", second, log)
    assert KEY not in second.written
    assert second.failed[KEY].state == "failed" and second.failed[KEY].cause == CHANGED_WHILE_READ
    assert second.transient == [KEY]  # retried with backoff: the copy will be over by then
    assert read_status(wh, "households")[KEY].state == "failed"
    assert _staged_rows(wh) == staged_before  # nothing of the half-read file was written

    monkeypatch.setattr(ingest, "load_raw", real_load_raw)  # the copy is over: the next read loads it whole
    third = IngestOutcome()
    ingest_partition(wh, "households", KEY, _extract(catalogue), "r3", third, log)
    assert KEY in third.written and third.written[KEY]["raw"] == first.written[KEY]["raw"] + 3


def test_waiting_for_a_file_lasts_until_it_is_left_unchanged_for_the_settle_time(tmp_path, caplog):
    path = tmp_path / FILE
    shutil.copy(SAMPLE_FILE, path)
    log = logging.getLogger("settle")
    with caplog.at_level(logging.INFO, logger="settle"):
        started = time.monotonic()
        ingest.wait_until_settled(path, 1.5, log)
        waited = time.monotonic() - started
    assert 1.2 <= waited < 6, waited
    assert re.search(
        rf"{re.escape(FILE)} was modified [01] s ago: waiting until it is left unchanged for 1.5 s", caplog.text
    )
    old = time.time() - 60
    os.utime(path, (old, old))
    started = time.monotonic()
    ingest.wait_until_settled(path, 30, log)  # left alone for a minute: read at once
    assert time.monotonic() - started < 0.5
    os.utime(path, None)
    started = time.monotonic()
    ingest.wait_until_settled(path, 30, log, max_wait=1.0)  # still written after the longest wait: read anyway
    assert 0.9 <= time.monotonic() - started < 3


def _materialize(tmp_path: Path, instance: dg.DagsterInstance, tags: dict[str, str]) -> tuple[str, float]:
    """(the run's log messages, its wall time) of one in-process run of the households ingest for KEY."""
    (load,) = build_registry_assets("households")
    started = time.monotonic()
    result = dg.materialize(
        [load],
        partition_key=KEY,
        instance=instance,
        resources={"warehouse": WarehouseResource(path=str(tmp_path / "wh"))},
        tags=tags,
        raise_on_error=False,
    )
    assert result.success
    return "\n".join(e.user_message for e in instance.all_logs(result.run_id)), time.monotonic() - started


def _copying(path: Path, seconds: float) -> threading.Thread:
    """A copy in progress for ``seconds``: the file modified every 0.2 s until then (started)."""

    def touch() -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            os.utime(path, None)
            time.sleep(0.2)

    copy = threading.Thread(target=touch, daemon=True)
    copy.start()
    return copy


def test_a_scheduled_run_waits_for_a_file_being_copied_and_a_chosen_run_does_not(tmp_path, monkeypatch):
    landing, _catalogue = _landing(tmp_path, monkeypatch)
    monkeypatch.setenv(SETTLE_ENV, "3")
    waiting = re.compile(rf"{re.escape(FILE)} was modified \d+ s ago: waiting until it is left unchanged for 3 s")
    with copied_instance_for_test(tmp_path) as instance:
        # a copy lasting 4 s from the run's start: the run sees it in progress even when a loaded machine takes
        # seconds to start it (a file touched once went settled during a slow start: the test failed under load)
        copy = _copying(landing / FILE, 4.0)
        scheduled, _ = _materialize(tmp_path, instance, {SCHEDULE_TAG: "nightly_ingest_households"})
        ended = time.time()
        copy.join()
        assert waiting.search(scheduled), scheduled
        # done only after the file was left unchanged for the settle time after the copy's last write
        assert ended - os.stat(landing / FILE).st_mtime >= 2.9, scheduled
        os.utime(landing / FILE, None)
        chosen, _ = _materialize(tmp_path, instance, {})  # `wardbridge run`, the UI: the operator chose the moment
        assert "waiting until it is left unchanged" not in chosen
    assert read_status(Warehouse(tmp_path / "wh"), "households")[KEY].state == "ok"


def test_a_file_dated_in_the_future_is_read_once_left_unchanged_for_the_settle_time(tmp_path, caplog):
    # a zip made at 09:00 in Hanoi, unzipped on a server whose clock says UTC: its files are dated 7 h ahead. The
    # landing sensor reads such a file once it is unchanged since the tick that held it (assets/sensors.py); a
    # scheduled run waited its longest wait (10 min) for each such partition, saying it was modified '0 s ago'
    path = tmp_path / FILE
    shutil.copy(SAMPLE_FILE, path)
    ahead = time.time() + 7 * 3600
    os.utime(path, (ahead, ahead))
    log = logging.getLogger("settle_future")
    with caplog.at_level(logging.INFO, logger="settle_future"):
        started = time.monotonic()
        ingest.wait_until_settled(path, 1.0, log, max_wait=8.0)
        waited = time.monotonic() - started
    assert 0.9 <= waited < 4, waited
    assert re.search(rf"{re.escape(FILE)} is dated 7 h in the future \(another machine's clock\?\)", caplog.text)
    assert "modified 0 s ago" not in caplog.text
