"""The warehouse folder can be moved, and a second writer waits instead of failing.

* Moved: every table of analytics.duckdb and restricted.duckdb reads from the new place, their files hold no view
  and no path of the old place, the Parquet copies read, and the marts publish again there. wardbridge.duckdb's
  raw/staged/quarantine views are still ``read_parquet('<absolute path>/...')`` (pipelines/warehouse.py,
  ``refresh_views``): the strict xfail below says so until they are relative.
* A second run: a publication that finds the writer lock held waits for it and then publishes (the timeout's
  message is tested in tests/test_marts.py).
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
from pipelines.warehouse import DUCKDB_FILENAME, Warehouse
from tests.marts_fixture import sample_marts

KEY = b"test-pseudonym-key-0123456789abcdef"


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> tuple[Path, Path]:
    """(old place, new place): a copy of the sample warehouse published at the old place, then moved."""
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    base = tmp_path_factory.mktemp("portable")
    old = base / "wh"
    shutil.copytree(source, old, ignore=shutil.ignore_patterns("exports"))
    publish_from_warehouse(Warehouse(old), key=KEY, run_id="before-move")
    new = base / "elsewhere" / "warehouse"
    new.parent.mkdir()
    shutil.move(old, new)
    return old, new


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
    assert str(old).encode() not in (new / filename).read_bytes()
    assert all(pl.read_parquet(p).height >= 0 for p in (new / PARQUET_DIR).rglob("*.parquet"))


def test_the_marts_publish_again_at_the_new_place(moved):
    _, new = moved
    before = _relations(new / ANALYTICS_FILENAME)[0]
    publish_from_warehouse(Warehouse(new), key=KEY, run_id="after-move")
    assert _relations(new / ANALYTICS_FILENAME)[0] == before


@pytest.mark.xfail(
    strict=True,
    reason="wardbridge.duckdb's raw/staged/quarantine views hold the absolute path of the Parquet partitions "
    "(pipelines/warehouse.py refresh_views); relative paths plus file_search_path would make it portable",
)
def test_the_warehouse_views_name_no_absolute_path(moved):
    _, new = moved
    rows, views = _relations(new / DUCKDB_FILENAME)
    assert rows and views
    assert not [sql for sql in views if "read_parquet('/" in sql]  # fails: they name where they were created


def test_a_second_writer_waits_for_the_lock_and_then_publishes(moved, monkeypatch):
    _, new = moved
    wh = Warehouse(new)
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
        _, published = publish_from_warehouse(wh, key=KEY, run_id="second")
    finally:
        release.set()
        holder.join()
    assert time.monotonic() - started >= 1.0  # it waited for the lock
    assert published.rows["marts.ward_summary"] == 168
