"""A step that reads wardbridge.duckdb while another process writes it waits for the writer, as a writer waits for a
reader; after $WARDBRIDGE_LOCK_TIMEOUT it fails naming the file and the writer's PID (HV17).

Found with two `wardbridge run`s on one warehouse (the second started 3 s after the first): the first run's
address_review_queue failed at once, its wh.read() raising DuckDB's bare "IO Error: Could not set lock on file ...
Conflicting lock is held in ... (PID n)", while the second run's writer, held up by the first run's reader, waited
("waiting up to 120s more for it to close") and went on. The writer here is a real second process, as another run is.
"""

import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pipelines import warehouse as wh_module
from pipelines.schema import Field, Table
from pipelines.warehouse import LOCK_TIMEOUT_ENV, Warehouse, WarehouseBusy

TABLE = Table(name="t", description="test table", fields=(Field("x", pl.Int64, "a number"),))

WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.sql("select 1").fetchall()
print("writing", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
print("closed", flush=True)
time.sleep(60)
"""


@pytest.fixture(autouse=True)
def _fresh_give_ups():
    wh_module._GAVE_UP.clear()
    yield
    wh_module._GAVE_UP.clear()


def _write_in_another_process(path: Path, seconds: float) -> subprocess.Popen:
    """A second process holding ``path`` open for writing for ``seconds`` (then keeping on living)."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    return proc


def _warehouse(tmp_path: Path) -> Warehouse:
    wh = Warehouse(tmp_path / "wh")
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [1]}))])
    return wh


def test_a_reader_waits_while_another_process_writes_then_reads(tmp_path, monkeypatch, caplog):
    wh = _warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "30")
    writer = _write_in_another_process(wh.duckdb_path, 2)
    try:
        started = time.monotonic()
        with caplog.at_level("WARNING", logger="wardbridge.warehouse"):
            rows = wh.read("s", "t")  # before: duckdb.IOException 'Could not set lock on file' at once
        waited = time.monotonic() - started
        assert writer.stdout.readline().strip() == "closed"
    finally:
        writer.kill()
        writer.wait()
    assert rows["x"].to_list() == [1]
    assert 1.0 <= waited < 20, waited
    said = [r.getMessage() for r in caplog.records]
    assert any("waiting up to" in m and f"PID {writer.pid}" in m and str(wh.duckdb_path) in m for m in said), said


def test_a_reader_fails_after_the_timeout_naming_the_file_and_the_writer(tmp_path, monkeypatch):
    wh = _warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "2")
    writer = _write_in_another_process(wh.duckdb_path, 120)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as failed:
            wh.read("s", "t")
        waited = time.monotonic() - started
    finally:
        writer.kill()
        writer.wait()
    message = str(failed.value)
    assert 1.5 <= waited < 10, waited
    assert str(wh.duckdb_path) in message and f"PID {writer.pid}" in message
    assert "read" in message and LOCK_TIMEOUT_ENV in message
    assert wh.read("s", "t")["x"].to_list() == [1]  # the writer gone: reads again, no wait left over
