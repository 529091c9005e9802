"""The Dagster instance's SQLite event log, keeping its database connections open between events.

Dagster's ``SqliteEventLogStorage`` makes a new engine and connection for every event it stores and closes them
after the commit. Closing the last connection to a WAL database makes SQLite checkpoint the log into the database
file and delete it, with its fsyncs: 5-10 ms of every event on a virtual disk, and a ``wardbridge run`` stores
about 550 (each run's events, mirrored into the index): seconds of every run, most of a small run's fixed cost.
This class keeps one connection open per database file (the index and the most recent runs' files), so a commit
appends to the WAL; SQLite checkpoints it when it grows past 1,000 pages and when the process ends. Everything else
(tables, queries, WAL mode, the busy timeout, one lock around every connection's use) is Dagster's.

Dagster's webserver follows a run's log by watching the run's .db file for modifications (watchdog), which a commit
to the WAL alone does not make: after each commit to a run's file its modification time is set to now, so a page
watching the run sees each event as it did.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine

# run files kept open besides the index: a run's events, then the next run's, and a reader's look at a few others
KEEP_OPEN = 8


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
            self._engines[shard] = engine  # most recently used last
            while len(self._engines) > KEEP_OPEN + 1:
                oldest = next(s for s in self._engines if s != INDEX_SHARD_NAME)
                self._engines.pop(oldest).dispose()
            return engine

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
