"""The warehouse folder can be moved, and a second writer waits instead of failing.

* Moved: every table of analytics.duckdb and restricted.duckdb reads from the new place, their files hold no view
  and no path of the place they were published at (the session's sample run, tests/marts_fixture.py) nor of the
  old place, the Parquet copies read, and the marts publish again there. wardbridge.duckdb's
  raw/staged/quarantine views name their partition files relative to the warehouse root (pipelines/warehouse.py,
  ``refresh_views``): after the move they read the same rows through ``file_search_path`` (set by the engine's
  connections) or from the warehouse folder as working directory, and the file holds no byte of either old path.
* A second run: a publication that finds the writer lock held waits for it and then publishes (the timeout's
  message is tested in tests/test_marts.py).

The sample run's marts are moved as it published them (not published again at the old place first), and the
publication again at the new place is the one that waits for the lock: one publication in this module, not three
(1.8-2.9 s each at 18:36 on 2026-12-06).
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.publish.marts import publish_from_warehouse
from pipelines.publish.store import ANALYTICS_FILENAME, PARQUET_DIR, RESTRICTED_FILENAME
from pipelines.schema import REGISTRY_KINDS
from pipelines.warehouse import DUCKDB_FILENAME, Warehouse, ingest_views, refresh_views
from tests.marts_fixture import sample_marts

KEY = b"test-pseudonym-key-0123456789abcdef"


BEFORE_MOVE: dict[str, object] = {}  # what wardbridge.duckdb's views read at the old place, set by ``moved``


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> tuple[Path, Path]:
    """(old place, new place): a copy of the sample warehouse, its marts as the sample run published them at the
    sample's place, its ingest views written again at the old place, then moved."""
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    base = tmp_path_factory.mktemp("portable")
    old = base / "wh"
    shutil.copytree(source, old, ignore=shutil.ignore_patterns("exports"))
    refresh_views(Warehouse(old), [view for registry in REGISTRY_KINDS for view in ingest_views(registry)])
    BEFORE_MOVE.update(source=source, views=_view_rows(Warehouse(old)))
    new = base / "elsewhere" / "warehouse"
    new.parent.mkdir()
    shutil.move(old, new)
    return old, new


def _view_rows(wh: Warehouse) -> dict[str, list[tuple]]:
    """Every row of every raw/staged/quarantine view (sorted), read with the engine's reader connection."""
    with wh.connect_reader() as con:
        names = con.sql(
            "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
            "AND schema_name IN ('raw', 'staged', 'quarantine')"
        ).fetchall()
        return {f"{s}.{v}": sorted(con.sql(f'FROM "{s}"."{v}"').fetchall(), key=repr) for s, v in names}


def _relations(path: Path) -> tuple[dict[str, int], list[str]]:
    """(rows of every table and view, the SQL of every view)."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.sql(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        rows = {f"{s}.{t}": con.sql(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in names}
        views = [sql for (sql,) in con.sql("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall()]
    return rows, views


@pytest.mark.parametrize("filename", [ANALYTICS_FILENAME, RESTRICTED_FILENAME])
def test_the_marts_read_from_the_new_place_and_name_no_path(moved, filename):
    old, new = moved
    assert not old.exists()
    rows, views = _relations(new / filename)
    assert len(rows) >= 4 and views == []
    data = (new / filename).read_bytes()
    assert str(old).encode() not in data and str(BEFORE_MOVE["source"]).encode() not in data
    assert all(pl.read_parquet(p).height >= 0 for p in (new / PARQUET_DIR).rglob("*.parquet"))


def test_the_warehouse_views_read_the_same_rows_after_the_move_and_name_no_path(moved, tmp_path, monkeypatch):
    old, new = moved
    before = BEFORE_MOVE["views"]
    layers = {name.split(".")[0] for name in before}
    assert layers == {"raw", "staged", "quarantine"} and sum(len(rows) for rows in before.values()) > 100
    assert _view_rows(Warehouse(new)) == before  # the engine's connections search the new root
    data = (new / DUCKDB_FILENAME).read_bytes()
    assert str(old).encode() not in data and str(BEFORE_MOVE["source"]).encode() not in data
    with duckdb.connect(str(new / DUCKDB_FILENAME), read_only=True) as con:
        sql = [s for (s,) in con.sql("SELECT sql FROM duckdb_views() WHERE sql LIKE '%read_parquet%'").fetchall()]
    assert len(sql) == len(before) and all("read_parquet('parquet/" in s for s in sql)
    name = next(iter(before))
    query = 'SELECT count(*) FROM "{}"."{}"'.format(*name.split("."))
    monkeypatch.chdir(tmp_path)  # elsewhere, without file_search_path: the relative path finds nothing
    with duckdb.connect(str(new / DUCKDB_FILENAME), read_only=True) as con, pytest.raises(duckdb.IOException):
        con.sql(query).fetchall()
    monkeypatch.chdir(new)  # an analyst who starts in the warehouse folder
    with duckdb.connect(DUCKDB_FILENAME, read_only=True) as con:
        assert con.sql(query).fetchone()[0] == len(before[name])


def test_the_marts_publish_again_at_the_new_place_a_second_writer_waiting_for_the_lock(moved, monkeypatch):
    _, new = moved
    wh = Warehouse(new)
    before = _relations(new / ANALYTICS_FILENAME)[0]
    monkeypatch.setenv("WARDBRIDGE_LOCK_TIMEOUT", "120")
    held, release = threading.Event(), threading.Event()

    def first_run() -> None:
        with wh._writer_lock(5):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=first_run)
    holder.start()
    assert held.wait(30)
    threading.Timer(1.5, release.set).start()  # the first run ends while the second waits
    started = time.monotonic()
    try:
        _, published = publish_from_warehouse(wh, key=KEY, run_id="after-move")
    finally:
        release.set()
        holder.join()
    assert time.monotonic() - started >= 1.0  # it waited for the lock
    assert published.rows["marts.ward_summary"] == 168
    assert _relations(new / ANALYTICS_FILENAME)[0] == before
