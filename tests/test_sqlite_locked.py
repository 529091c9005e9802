"""A SQLite source another program holds locked (the old application writing it, a copy tool holding it) failed its
partition as 'the SQLite database is damaged or cut off (OperationalError)': the data engineer was sent to look for a
damaged file, and the partition was not retried. Now the cause says the database is locked by another program and to
load it again, and the failure is transient (retried with backoff, as an unreachable database server is)."""

from __future__ import annotations

import functools
import logging
import sqlite3

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.status import read_status
from pipelines.warehouse import Warehouse
from tests.test_bad_inputs import COLUMNS, PERSONAL, REGISTRY, ROWS, _sqlite


def test_a_locked_sqlite_source_says_so_and_is_retried(tmp_path, monkeypatch):
    database = tmp_path / "locked.sqlite"
    database.write_bytes(_sqlite(tmp_path / "made.sqlite", ROWS))
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "s"\nregistry = "{REGISTRY}"\nformat = "sqlite"\n'
        f'path = "locked.sqlite"\ntable = "{REGISTRY}"\nkey_column = "stt"\nextract_date = "2025-08-31"\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    holder = sqlite3.connect(database, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing it
    # the reader's sqlite3.connect waits the driver's busy timeout (5 s) for the lock, which is held throughout:
    # a short one gives the same failure without the 5 s of idle time
    monkeypatch.setattr(sqlite3, "connect", functools.partial(sqlite3.connect, timeout=0.1))
    wh, outcome = Warehouse(tmp_path / "wh"), IngestOutcome()
    try:
        ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r", outcome, logging.getLogger("t"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    status = read_status(wh, REGISTRY)[extract.partition_key]
    assert status.state == "failed" and "damaged" not in status.cause, status.cause
    assert "locked by another program" in status.cause, status.cause
    assert not [v for v in PERSONAL if v in status.cause]
    assert outcome.transient == [extract.partition_key]  # retried
    ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r2", IngestOutcome(), logging.getLogger("t"))
    assert read_status(wh, REGISTRY)[extract.partition_key].state == "ok"  # once released, it loads
