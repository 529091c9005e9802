"""A step that reads wardbridge.duckdb while another process writes it waits for the writer, as a writer waits for a
reader; after $WARDBRIDGE_LOCK_TIMEOUT it fails naming the file and the writer's PID (HV17).

Found with two `wardbridge run`s on one warehouse (the second started 3 s after the first): the first run's
address_review_queue failed at once, its wh.read() raising DuckDB's bare "IO Error: Could not set lock on file ...
Conflicting lock is held in ... (PID n)", while the second run's writer, held up by the first run's reader, waited
("waiting up to 120s more for it to close") and went on. The writer here is a real second process, as another run is.
"""

import time

import pytest

from pipelines.warehouse import LOCK_TIMEOUT_ENV, WarehouseBusy
from tests.duckdb_holder import fresh_give_ups, hold, small_warehouse  # noqa: F401 - fresh_give_ups: a fixture

pytestmark = pytest.mark.usefixtures("fresh_give_ups")


def test_a_reader_waits_while_another_process_writes_then_reads(tmp_path, monkeypatch, caplog):
    wh = small_warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "30")
    writer = hold(wh.duckdb_path, 2, "write")
    try:
        started = time.monotonic()
        with caplog.at_level("WARNING", logger="wardbridge.warehouse"):
            rows = wh.read("s", "t")  # before: duckdb.IOException 'Could not set lock on file' at once
        waited = time.monotonic() - started
        assert writer.stdout.readline().strip() == "released"
    finally:
        writer.kill()
        writer.wait()
    assert rows["x"].to_list() == [1]
    assert 1.0 <= waited < 20, waited
    said = [r.getMessage() for r in caplog.records]
    assert any("waiting up to" in m and f"PID {writer.pid}" in m and str(wh.duckdb_path) in m for m in said), said


def test_a_reader_fails_after_the_timeout_naming_the_file_and_the_writer(tmp_path, monkeypatch):
    wh = small_warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "2")
    writer = hold(wh.duckdb_path, 120, "write")
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
