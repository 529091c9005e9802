"""A partition whose load did not finish says so (ingest status ``loading``), is not counted as read, and the landing
sensor loads it again once.

Measured (HV24, 2026-12-06): a landed extract re-delivered with 381 rows, its run killed (SIGKILL) right after the raw
partition was written, left raw 381, staged 481 (the earlier load), quarantine 0 and the ingest status still ``ok``
from the earlier load; the sensor did not ask again (the file had not changed), so the partition stayed inconsistent
until someone re-executed it or the 02:00 reload. The same on a full disk between the layers (the error escapes the
partition's handling: raw and staged written, quarantine and status not). Here the load is a real process killed with
SIGKILL at ``ingest-after-raw`` (``WARDBRIDGE_FAULT_AT``), and a full disk is an ``OSError`` ENOSPC on the quarantine
write.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import assets.ingest as ingest
from assets.ingest import CATALOGUE_ENV, IngestOutcome, ingest_partition, published_outcome
from assets.sensors import LANDING_ENV, RELOAD_TAG
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.status import mark_loading, partition_problems, read_status, unread_extracts
from pipelines.warehouse import FAULT_ENV, WAREHOUSE_ENV, PartitionedLayer, Warehouse
from tests.sensorhelpers import households_900_catalogue, sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = REPO / "data/sample/registries/households/households_718.csv"
KEY = "households_900@2025-08-31"
FILE = "households_900_20250831.csv"

KILLED_LOAD = r"""
import logging, sys
from pathlib import Path
from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.warehouse import Warehouse
(extract,) = extracts_by_partition(load_catalogue([Path(sys.argv[2])])).values()
ingest_partition(Warehouse(Path(sys.argv[1])), "households", sys.argv[3], extract, sys.argv[4], IngestOutcome(),
                 logging.getLogger("killed"))
print("finished")
"""


def _setup(tmp_path: Path, monkeypatch) -> tuple[Path, Path, Warehouse]:  # noqa: ANN001
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLE_FILE, landing / FILE)
    catalogue = households_900_catalogue(tmp_path, landing)
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "wh"))
    return landing, catalogue, Warehouse(tmp_path / "wh")


def _load(wh: Warehouse, catalogue: Path, run_id: str) -> None:
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    ingest_partition(wh, "households", KEY, extract, run_id, IngestOutcome(), logging.getLogger("test"))


def _rows(wh: Warehouse, layer: str) -> int:
    name = f"{layer}_households"
    return pl.read_parquet(PartitionedLayer(wh, layer).path(name, KEY)).height


def test_a_killed_load_is_named_not_read_and_loaded_again_once(tmp_path, monkeypatch):
    landing, catalogue, wh = _setup(tmp_path, monkeypatch)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance)
        assert [r.partition_key for r in first.run_requests] == [KEY]
        _load(wh, catalogue, "r1")
        assert read_status(wh, "households")[KEY].state == "ok"

        # re-delivered, shorter: the sensor runs it, and that run is killed right after the raw file
        lines = (landing / FILE).read_bytes().splitlines(keepends=True)
        (landing / FILE).write_bytes(b"".join(lines[:382]))
        again = sensor_tick(instance, first.cursor)
        assert [r.partition_key for r in again.run_requests] == [KEY]
        env = {**os.environ, FAULT_ENV: "ingest-after-raw"}
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_LOAD, str(wh.root), str(catalogue), KEY, "r2"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        assert (_rows(wh, "raw"), _rows(wh, "staged")) == (381, 581)  # layers from two loads

        status = read_status(wh, "households")[KEY]
        assert status.state == "loading" and status.run_id == "r2"  # before: 'ok' from r1 (raw 581)
        # not counted as read: the checks, the entities step, the report and the exports name it
        assert KEY in published_outcome(wh, "households").failed
        assert KEY in partition_problems(wh, "households", "staged_households", [KEY])
        (said,) = unread_extracts(wh)
        assert said.startswith(f"{KEY} (") and "did not finish" in said
        (told,) = unread_extracts(wh, causes=False)
        assert "did not finish" in told and str(landing) not in told

        # the file did not change: before, the next tick skipped; now it loads the partition again, once
        reload = sensor_tick(instance, again.cursor)
        (request,) = reload.run_requests
        assert request.partition_key == KEY and request.tags[RELOAD_TAG] == "r2"
        assert "did not finish" in request.tags["wardbridge/reload_reason"]
        waiting = sensor_tick(instance, reload.cursor)
        assert not waiting.run_requests
        assert "requested at an earlier tick" in waiting.skip_reason.skip_message

        # that load did not finish either (what a killed reload leaves): not requested again, and said
        mark_loading(wh, "households", KEY, str(landing / FILE), "r3")
        stuck = sensor_tick(instance, waiting.cursor)
        assert not stuck.run_requests
        assert "not requested again (no loop)" in stuck.skip_reason.skip_message

        # a load that finishes: nothing more said
        _load(wh, catalogue, "r4")
        assert read_status(wh, "households")[KEY].state == "ok" and _rows(wh, "staged") == 381
        done = sensor_tick(instance, stuck.cursor)
        assert not done.run_requests and "loading" not in done.skip_reason.skip_message
        assert unread_extracts(wh) == ()


def test_a_full_disk_between_the_layers_leaves_the_load_unfinished(tmp_path, monkeypatch):
    _landing, catalogue, wh = _setup(tmp_path, monkeypatch)
    _load(wh, catalogue, "r1")
    write = PartitionedLayer.write

    def full_disk(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self.layer == "quarantine":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write(self, *args, **kwargs)

    monkeypatch.setattr(ingest.PartitionedLayer, "write", full_disk)
    with pytest.raises(OSError):
        _load(wh, catalogue, "r2")
    status = read_status(wh, "households")[KEY]
    assert status.state == "loading" and status.run_id == "r2"  # before: 'ok' from r1
