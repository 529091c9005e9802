"""A DuckDB session another process holds on wardbridge.duckdb, even read-only, delays a writer instead of
failing it at once; after $WARDBRIDGE_LOCK_TIMEOUT the writer fails naming the file and the holder's PID
(review h6, F8 b). The holder is a real second process, as an analyst's ``duckdb -readonly`` session is."""

import time

import duckdb
import polars as pl
import pytest

from pipelines import warehouse as wh_module
from pipelines.warehouse import LOCK_TIMEOUT_ENV, WarehouseBusy, lock_timeout, refresh_views
from tests.duckdb_holder import ONE_ROW, fresh_give_ups, hold, small_warehouse  # noqa: F401 - fresh_give_ups: a fixture

TABLE = ONE_ROW

pytestmark = pytest.mark.usefixtures("fresh_give_ups")


def test_a_read_only_session_of_another_process_fails_the_writer_after_the_timeout(tmp_path, monkeypatch, caplog):
    wh = small_warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "2")
    holder = hold(wh.duckdb_path, 120)
    try:
        started = time.monotonic()
        with caplog.at_level("WARNING", logger="wardbridge.warehouse"):
            with pytest.raises(WarehouseBusy) as failed:
                wh.publish("s", [(TABLE, pl.DataFrame({"x": [2]}))])
        waited = time.monotonic() - started
        message = str(failed.value)
        assert 1.5 <= waited < 10, waited  # it waited the timeout, not more
        assert str(wh.duckdb_path) in message and f"PID {holder.pid}" in message
        assert "close" in message and LOCK_TIMEOUT_ENV in message
        assert any("waiting up to" in r.getMessage() and f"PID {holder.pid}" in r.getMessage() for r in caplog.records)
        # a second writer of the same process does not wait the timeout again
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match="not waiting again"):
            refresh_views(wh, [("s", TABLE, "v")])
        assert time.monotonic() - started < 1.5
    finally:
        holder.kill()
        holder.wait()
    assert wh.read("s", "t")["x"].to_list() == [1]  # nothing half written
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [3]}))])  # the holder gone: writes again, no wait left over
    assert wh.read("s", "t")["x"].to_list() == [3]


def test_the_writer_goes_ahead_once_the_session_closes(tmp_path, monkeypatch):
    wh = small_warehouse(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "30")
    holder = hold(wh.duckdb_path, 2)
    try:
        started = time.monotonic()
        wh.publish("s", [(TABLE, pl.DataFrame({"x": [2]}))])
        waited = time.monotonic() - started
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()
    assert 1.0 <= waited < 20, waited
    assert wh.read("s", "t")["x"].to_list() == [2]


def test_other_io_errors_are_not_retried(tmp_path, monkeypatch):
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "30")
    started = time.monotonic()
    with pytest.raises(duckdb.IOException):
        wh_module.connect_for_writing(tmp_path / "no" / "such" / "dir" / "x.duckdb")
    assert time.monotonic() - started < 5


def test_lock_timeout_setting(monkeypatch):
    monkeypatch.delenv(LOCK_TIMEOUT_ENV, raising=False)
    assert lock_timeout() == 120
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "7.5")
    assert lock_timeout() == 7.5
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=LOCK_TIMEOUT_ENV):
        lock_timeout()
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "nan")  # would make the wait endless
    with pytest.raises(ValueError, match="0 or more seconds"):
        lock_timeout()
    monkeypatch.delenv(LOCK_TIMEOUT_ENV)
    assert lock_timeout(default=600.0) == 600  # the marts' writer lock reads the same variable
    from pipelines.publish.store import lock_timeout as marts_lock_timeout

    assert marts_lock_timeout() == 600
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "-1")
    with pytest.raises(ValueError, match=LOCK_TIMEOUT_ENV):
        marts_lock_timeout()  # checked as the writers' wait is (was: a negative wait accepted)
