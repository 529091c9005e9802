"""The exports' fallback read of wardbridge.duckdb (a source table without its Parquet copy: read_source in
pipelines/publish/exports.py) waits while another process writes the file, as every other warehouse reader does
since a67d17b (connect_for_reading). Before, it opened the file read-only at once and failed with DuckDB's bare
"Could not set lock on file" while a second run's step wrote it."""

import time
from pathlib import Path

import polars as pl
import pytest

from pipelines.publish.exports import read_source
from pipelines.schema import Field, Table
from pipelines.warehouse import LOCK_TIMEOUT_ENV, Warehouse, WarehouseBusy
from tests.duckdb_holder import fresh_give_ups, hold  # noqa: F401 - fresh_give_ups: a fixture

TABLE = Table(name="people_entities_x", description="test table", fields=(Field("x", pl.Int64, "a number"),))

pytestmark = pytest.mark.usefixtures("fresh_give_ups")


def _warehouse(tmp_path: Path) -> Warehouse:
    """A warehouse whose table has no Parquet copy, so read_source falls back to wardbridge.duckdb."""
    wh = Warehouse(tmp_path / "wh")
    wh.publish("entities", [(TABLE, pl.DataFrame({"x": [1, 2]}))])
    wh.parquet_path("entities", TABLE.name).unlink()
    return wh


def test_the_fallback_read_waits_for_a_writer_then_reads(tmp_path, monkeypatch, caplog):
    wh = _warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "30")
    writer = hold(wh.duckdb_path, 2, "write")
    try:
        started = time.monotonic()
        with caplog.at_level("WARNING", logger="wardbridge.warehouse"):
            rows = read_source(wh, f"entities.{TABLE.name}", ["x"])  # before: IOException at once
        waited = time.monotonic() - started
    finally:
        writer.kill()
        writer.wait()
    assert rows["x"].to_list() == [1, 2]
    assert 1.0 <= waited < 20, waited
    said = [r.getMessage() for r in caplog.records]
    assert any("waiting up to" in m and f"PID {writer.pid}" in m for m in said), said


def test_the_fallback_read_fails_after_the_timeout_naming_the_file_and_the_writer(tmp_path, monkeypatch):
    wh = _warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "2")
    writer = hold(wh.duckdb_path, 120, "write")
    try:
        with pytest.raises(WarehouseBusy) as failed:
            read_source(wh, f"entities.{TABLE.name}", ["x"])
    finally:
        writer.kill()
        writer.wait()
    message = str(failed.value)
    assert str(wh.duckdb_path) in message and f"PID {writer.pid}" in message and LOCK_TIMEOUT_ENV in message
