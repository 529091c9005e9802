"""The instance's event log (assets/instance_storage.py, dagster.yaml): Dagster's SQLite event log keeping its
connections open, with what the stock class gives kept: events readable by other connections at once, a webserver's
watcher told of each event, the stock `storage: sqlite` layout, a bounded number of open files."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

import assets.instance_storage as instance_storage
from assets.instance_storage import KeptOpenSqliteEventLogStorage
from tests.instancehelpers import copied_home
from tests.runhelpers import REPO

STOCK = "storage:\n  sqlite:\n    base_dir: .dagster/storage\n"


@dg.op
def say_hello(context) -> None:  # noqa: ANN001 - dagster reads the hint at runtime
    context.log.info("hello")


@dg.job
def hello_job() -> None:
    say_hello()


def _home(tmp_path: Path, name: str, config: str | None = None) -> Path:
    home = tmp_path / name
    home.mkdir()
    if config is None:
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    else:
        (home / "dagster.yaml").write_text(config, encoding="utf-8")
    return home


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch):
    """An instance of the repository's dagster.yaml on a new home: its set-up is this class's and Dagster's."""
    home = _home(tmp_path, "home")
    monkeypatch.chdir(home)  # dagster.yaml's base_dir paths are relative to the instance directory
    with dg.DagsterInstance.from_config(str(home)) as inst:
        yield inst


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance of the repository's dagster.yaml on a copy of a home set up once in this process
    (tests/instancehelpers.py): for the tests of what it does with runs and events, not of a home's set-up."""
    home = copied_home(REPO / "dagster.yaml", tmp_path / "home")
    monkeypatch.chdir(home)
    with dg.DagsterInstance.from_config(str(home)) as inst:
        yield inst


def test_the_repository_instance_uses_it_and_a_run_is_stored(fresh_instance):
    instance = fresh_instance
    assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
    result = hello_job.execute_in_process(instance=instance)
    assert result.success
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    assert "hello" in messages
    assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS


def test_another_connection_reads_every_event_while_the_writer_keeps_its_own_open(instance, tmp_path):
    """The daemon and the webserver read the same files with connections of their own (here the stock class):
    every committed event is there for them before the writer closes anything."""
    result = hello_job.execute_in_process(instance=instance)
    written = [e.dagster_event_type for e in instance.all_logs(result.run_id)]
    reader = dg.DagsterInstance.from_config(str(tmp_path / "home"))  # same files, a second storage object
    try:
        reader_storage = reader.event_log_storage
        assert [e.dagster_event_type for e in reader_storage.get_logs_for_run(result.run_id)] == written
    finally:
        reader.dispose()


def test_an_instance_made_with_the_stock_sqlite_storage_is_read_as_it_was(tmp_path, monkeypatch):
    """Same directory layout as `storage: sqlite`: a .dagster made before keeps its runs and their logs."""
    home = _home(tmp_path, "home", STOCK)
    monkeypatch.chdir(home)
    with dg.DagsterInstance.from_config(str(home)) as stock:
        assert not isinstance(stock.event_log_storage, KeptOpenSqliteEventLogStorage)
        old = hello_job.execute_in_process(instance=stock)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as kept:
        assert isinstance(kept.event_log_storage, KeptOpenSqliteEventLogStorage)
        assert kept.get_run_by_id(old.run_id) is not None
        assert "hello" in [e.user_message for e in kept.all_logs(old.run_id)]
        new = hello_job.execute_in_process(instance=kept)
        assert {r.run_id for r in kept.get_runs()} == {old.run_id, new.run_id}


def test_a_watcher_of_a_run_hears_of_each_event_as_it_is_stored(instance):
    """The webserver follows a run's log by watching the run's .db file (watchdog): an event committed to the WAL of
    a connection kept open must still tell it (the class touches the file after each commit)."""
    run = instance.create_run_for_job(hello_job)
    heard: list[str] = []
    got = threading.Event()

    def callback(entry, _cursor) -> None:  # noqa: ANN001 - dagster's EventLogEntry
        message = entry.dagster_event.message if entry.dagster_event else entry.user_message
        heard.append(message)
        if message == "third":
            got.set()

    instance.report_engine_event("first", run)  # the run's file exists and its connection is open
    instance.watch_event_logs(run.run_id, None, callback)
    try:
        time.sleep(0.3)  # the watch is scheduled
        for message in ("second", "third"):
            instance.report_engine_event(message, run)
            time.sleep(0.2)
        assert got.wait(10), f"the watcher heard {heard}"
    finally:
        instance.end_watch_event_logs(run.run_id, callback)
    assert heard[-2:] == ["second", "third"]


def test_open_files_are_bounded(instance, monkeypatch):
    """A daemon or webserver reading many runs keeps the index and the KEEP_OPEN most recent runs' files open."""
    monkeypatch.setattr(instance_storage, "KEEP_OPEN", 3)
    runs = [hello_job.execute_in_process(instance=instance).run_id for _ in range(5)]
    storage = instance.event_log_storage
    assert len(storage._engines) == 4  # the index and three runs
    assert set(storage._engines) == {"index", *runs[-3:]}
    assert all("hello" in [e.user_message for e in instance.all_logs(r)] for r in runs)  # evicted files reopen


def _schema_and_stamp(path: Path) -> tuple[list, list, str]:
    import sqlite3

    with sqlite3.connect(path) as con:
        schema = sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())
        stamp = con.execute("SELECT version_num FROM alembic_version").fetchall()
        journal = con.execute("PRAGMA journal_mode").fetchone()[0]
    return schema, stamp, journal


def test_a_run_file_is_set_up_as_dagsters_own_sets_it_up(fresh_instance, tmp_path, monkeypatch):
    """A run's new .db (set up with Dagster's migration scripts read once per process): the same tables, indexes,
    WAL mode and alembic stamp as the stock class's _initdb gives the same run's file."""
    instance = fresh_instance
    result = hello_job.execute_in_process(instance=instance)
    stock_home = _home(tmp_path, "stock", STOCK)
    monkeypatch.chdir(stock_home)
    with dg.DagsterInstance.from_config(str(stock_home)) as stock:
        assert not isinstance(stock.event_log_storage, KeptOpenSqliteEventLogStorage)
        stock_run = hello_job.execute_in_process(instance=stock)
        stock_file = Path(stock.event_log_storage.path_for_shard(stock_run.run_id))
        ours = _schema_and_stamp(Path(instance.event_log_storage.path_for_shard(result.run_id)))
        theirs = _schema_and_stamp(stock_file)
    assert ours == theirs
    assert ours[1] and ours[2] == "wal"


def test_connections_commit_without_a_sync_of_the_wal(instance):
    """The kept connections run with synchronous=NORMAL (1), SQLite's setting for WAL: a commit is not synced."""
    run_id = hello_job.execute_in_process(instance=instance).run_id
    storage = instance.event_log_storage
    for shard in ("index", run_id):
        with storage._connect(shard) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
