"""The Dagster instance's SQLite event log, keeping its database connections open between events.

Dagster's ``SqliteEventLogStorage`` makes a new engine and connection for every event it stores and closes them
after the commit. Closing the last connection to a WAL database makes SQLite checkpoint the log into the database
file and delete it, with its fsyncs: 5-10 ms of every event on a virtual disk, and a ``wardbridge run`` stores
about 550 (each run's events, mirrored into the index): seconds of every run, most of a small run's fixed cost.
This class keeps one connection open per database file (the index and the most recent runs' files), so a commit
appends to the WAL; SQLite checkpoints it when it grows past 1,000 pages and when the process ends. Everything else
(tables, queries, WAL mode, the busy timeout, one lock around every connection's use) is Dagster's.

Each connection commits with ``PRAGMA synchronous=NORMAL``, SQLite's setting for a WAL database: a commit appends to
the WAL without an fsync (the WAL is synced when it is checkpointed). A process that dies loses nothing committed; an
operating system crash or a power cut may lose the last events committed before it, never the database's
consistency. Dagster's default (FULL) synced the WAL at every one of a run's ~550 commits.

A run's new database file is set up as Dagster's ``_initdb`` sets it up (tables, WAL mode, stamped with the newest
migration) with Dagster's migration scripts read once per process (``_migrations``): Dagster's reads every one of its
~90 scripts twice for each new file (the newest revision; alembic's ``stamp`` again through the scripts' env.py),
and a ``wardbridge run`` makes ten (one per job).

Dagster's webserver follows a run's log by watching the run's .db file for modifications (watchdog), which a commit
to the WAL alone does not make: after each commit to a run's file its modification time is set to now, so a page
watching the run sees each event as it did.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
import sqlalchemy.exc as db_exc
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from dagster._core.storage.event_log import SqlEventLogStorageMetadata, SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite import sqlite_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import get_alembic_config, safe_commit
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine

# run files kept open besides the index: a run's events, then the next run's, and a reader's look at a few others
KEEP_OPEN = 8
SYNCHRONOUS = "NORMAL"  # each connection's PRAGMA synchronous (see the module's docstring)


@functools.cache
def _migrations() -> ScriptDirectory:
    """Dagster's migration scripts for the event log (those its ``_initdb`` reads), read once per process: they are
    files of the installed package, and a ScriptDirectory reads them once (its revision map is memoized)."""
    return ScriptDirectory.from_config(get_alembic_config(sqlite_event_log.__file__))


def _synchronous(dbapi_connection, _record) -> None:  # noqa: ANN001 - sqlalchemy's connect event
    dbapi_connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one open connection per database file (dagster.yaml ``event_log_storage``)."""

    def __init__(self, base_dir: str, inst_data=None) -> None:  # noqa: ANN001 - dagster's ConfigurableClassData
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # noqa: ANN001, ANN206 - dagster's signature
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            if self._engines_pid != os.getpid():  # a forked child: its parent's connections are not its own
                self._engines, self._engines_pid = OrderedDict(), os.getpid()
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = db.create_engine(
                    self.conn_string_for_shard(shard),
                    pool_size=1,
                    max_overflow=4,  # should one use ever overlap another: an extra connection, closed after it
                    # threads take turns under Dagster's lock, so a connection may serve another thread
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
                db.event.listen(engine, "connect", _synchronous)
            self._engines[shard] = engine  # most recently used last
            while len(self._engines) > KEEP_OPEN + 1:
                oldest = next(s for s in self._engines if s != INDEX_SHARD_NAME)
                self._engines.pop(oldest).dispose()
            return engine

    def _initdb(self, engine: Engine, for_index_shard: bool = False) -> None:
        """Dagster's ``_initdb`` for a run's file (or the index once set up), with the migration scripts read once
        per process: the same tables, WAL mode and alembic_version row (the newest revision, stamped as alembic's
        ``stamp`` command stamps it). A new index goes to Dagster's own (it may stamp an older revision)."""
        if for_index_shard:
            super()._initdb(engine, for_index_shard=True)
            return
        retry_limit = 10
        while True:
            try:
                with engine.connect() as connection:
                    if not MigrationContext.configure(connection).get_current_revision():
                        SqlEventLogStorageMetadata.create_all(engine)
                        connection.execute(db.text("PRAGMA journal_mode=WAL;"))
                        MigrationContext.configure(connection).stamp(_migrations(), "head")
                        safe_commit(connection)
                break
            except (db_exc.DatabaseError, sqlite3.DatabaseError, sqlite3.OperationalError) as exc:
                # another process setting up the same file (Dagster's own handling of that race)
                message = str(exc)
                if not (
                    re.search(r"table [A-Za-z_]* already exists", message)
                    or "database is locked" in message
                    or "UNIQUE constraint failed: alembic_version.version_num" in message
                ):
                    raise
                if retry_limit == 0:
                    raise
                logging.info("KeptOpenSqliteEventLogStorage._initdb: concurrent init, retrying: %s", message)
                time.sleep(0.2)
                retry_limit -= 1

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:  # the webserver's watcher of this run's log (see the module's docstring)
                try:
                    os.utime(self.path_for_shard(shard))
                except OSError:
                    pass

    def _dispose_engines(self) -> None:
        with self._engines_lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # the run files are deleted: no connection may outlive them
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
