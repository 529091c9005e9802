"""A second, real process holding a DuckDB file open (read-only or for writing), for the warehouse lock tests:
DuckDB's file lock is per process, so a thread of the test's own process cannot stand in for another run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipelines import warehouse as wh_module
from pipelines.schema import Field, Table
from pipelines.warehouse import Warehouse

ONE_ROW = Table(name="t", description="test table", fields=(Field("x", pl.Int64, "a number"),))

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == "read")
con.sql("select 1").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
print("released", flush=True)
time.sleep(60)
"""


def hold(path: Path, seconds: float, mode: str = "read") -> subprocess.Popen:
    """A process holding ``path`` open (``mode`` 'read': read-only; 'write': read-write) for ``seconds``, then
    closing it ("released" on its stdout) and living on until killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds), mode], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


@pytest.fixture
def fresh_give_ups():
    """The warehouse's memory of files it gave up waiting for, empty before and after the test."""
    wh_module._GAVE_UP.clear()
    yield
    wh_module._GAVE_UP.clear()


def small_warehouse(tmp_path: Path) -> Warehouse:
    """A warehouse holding one published table, s.t, of one row (x = 1)."""
    wh = Warehouse(tmp_path / "wh")
    wh.publish("s", [(ONE_ROW, pl.DataFrame({"x": [1]}))])
    return wh
