"""pipelines.warehouse: DuckDB + Parquet publishing derived from Table declarations."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from pipelines.schema import RESOLVED_ADDRESS, Field, Table
from pipelines.warehouse import (
    FAULT_ENV,
    INPUT_COLUMN_DESCRIPTION,
    WAREHOUSE_ENV,
    PartitionedLayer,
    Warehouse,
    column_comment,
    default_warehouse_dir,
    duckdb_type,
    fault_point,
    ingest_views,
    refresh_views,
    table_for_frame,
    write_parquet_atomic,
)
from tests.sqlhelpers import ddl

THINGS = Table(
    name="things",
    description="Things for a test; it's quoted.",
    primary_key=("code",),
    fields=(
        Field("code", pl.String, "Code with leading zeros.", required=True),
        Field("kind", pl.String, "Kind.", allowed=("a", "b")),
        Field("parts", pl.Int32, "Number of parts."),
        Field("flag", pl.Boolean, "A flag."),
        Field("share", pl.Float64, "A share."),
        Field("tags", pl.List(pl.String), "Tags."),
    ),
)


def things(n: int = 3) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": [f"{i:05d}" for i in range(n)],
            "kind": ["a", "b", None][:n] + ["a"] * max(0, n - 3),
            "parts": list(range(n)),
            "flag": [i % 2 == 0 for i in range(n)],
            "share": [i / 10 for i in range(n)],
            "tags": [["x", "y"], [], None][:n] + [["z"]] * max(0, n - 3),
        },
        schema_overrides={"parts": pl.Int64},  # cast to the declared Int32 on publish
    )


def test_duckdb_types():
    assert duckdb_type(pl.String) == "VARCHAR"
    assert duckdb_type(pl.Int32) == "INTEGER"
    assert duckdb_type(pl.Float64) == "DOUBLE"
    assert duckdb_type(pl.Boolean) == "BOOLEAN"
    assert duckdb_type(pl.List(pl.String)) == "VARCHAR[]"
    assert duckdb_type(pl.Datetime("us", "Asia/Ho_Chi_Minh")) == "TIMESTAMPTZ"
    with pytest.raises(TypeError):
        duckdb_type(pl.Object)


def test_publish_writes_duckdb_with_types_comments_and_parquet(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    (published,) = wh.publish("test", [(THINGS, things())])
    assert published.rows == 3
    assert published.duckdb_path == tmp_path / "wh" / "wardbridge.duckdb"
    assert published.parquet_path == tmp_path / "wh" / "parquet" / "test" / "things.parquet"

    with duckdb.connect(str(published.duckdb_path), read_only=True) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name='test' AND table_name='things'"
            ).fetchall()
        )
    assert types == {
        "code": "VARCHAR",
        "kind": "VARCHAR",
        "parts": "INTEGER",
        "flag": "BOOLEAN",
        "share": "DOUBLE",
        "tags": "VARCHAR[]",
    }
    table_comment, comments = wh.comments("test", "things")
    assert table_comment == "Things for a test; it's quoted. [primary key: code]"
    assert comments["code"] == "Code with leading zeros. [required]"
    assert comments["kind"] == "Kind. [allowed: a, b]"
    assert comments["tags"] == "Tags."

    back = wh.read("test", "things")
    assert back["code"].to_list() == ["00000", "00001", "00002"]  # leading zeros kept
    assert back["tags"].to_list() == [["x", "y"], [], None]
    assert back.schema["parts"] == pl.Int32

    parquet = pq.read_table(published.parquet_path)
    assert parquet.num_rows == 3
    assert parquet.schema.field("kind").metadata[b"description"] == b"Kind. [allowed: a, b]"
    assert parquet.schema.metadata[b"wardbridge.table"] == b"things"
    assert pl.read_parquet(published.parquet_path).equals(back)


def test_republish_replaces_and_leaves_no_partial_files(tmp_path):
    wh = Warehouse(tmp_path)
    wh.publish("test", [(THINGS, things(5))])
    wh.publish("test", [(THINGS, things(2))])
    assert wh.read("test", "things").height == 2
    assert pl.read_parquet(wh.parquet_path("test", "things")).height == 2
    assert not [p for p in (tmp_path / "parquet" / "test").iterdir() if p.name.endswith(".partial")]


def test_invalid_frame_fails_before_anything_is_written(tmp_path):
    wh = Warehouse(tmp_path)
    other = Table("other", "Other.", (Field("code", pl.String, "Code."),))
    wh.publish("test", [(THINGS, things(3)), (other, pl.DataFrame({"code": ["1"]}))])
    broken = Table(
        "other", "Other.", (Field("code", pl.String, "Code."), Field("absent", pl.String, "Not in the frame."))
    )
    with pytest.raises(ValueError, match="missing columns"):
        wh.publish("test", [(THINGS, things(5)), (broken, pl.DataFrame({"code": ["1"]}))])
    assert wh.read("test", "things").height == 3


def test_failure_midway_rolls_back_every_table(tmp_path, monkeypatch):
    import pipelines.warehouse as warehouse

    wh = Warehouse(tmp_path)
    other = Table("other", "Other.", (Field("code", pl.String, "Code."),))
    wh.publish("test", [(THINGS, things(3)), (other, pl.DataFrame({"code": ["1"]}))])
    real_comment_sql = warehouse.comment_sql

    def failing_comment_sql(table, schema):
        if table.name == "other":
            raise RuntimeError("disk full (simulated)")
        return real_comment_sql(table, schema)

    monkeypatch.setattr(warehouse, "comment_sql", failing_comment_sql)
    with pytest.raises(RuntimeError, match="simulated"):
        wh.publish("test", [(THINGS, things(5)), (other, pl.DataFrame({"code": ["1", "2"]}))])
    assert wh.read("test", "things").height == 3  # "things" had been replaced inside the transaction
    assert wh.read("test", "other").height == 1
    assert pl.read_parquet(wh.parquet_path("test", "things")).height == 3


def test_ddl_mentions_every_column_and_escapes_quotes():
    text = ddl(THINGS, "test")
    assert 'CREATE OR REPLACE TABLE "test"."things"' in text
    assert "IS 'Things for a test; it''s quoted. [primary key: code]'" in text
    for f in THINGS.fields:
        assert f'"{f.name}"' in text
    with duckdb.connect() as con:  # the DDL is valid SQL
        con.execute('CREATE SCHEMA "test"')
        for statement in text.strip().rstrip(";").split(";\n"):
            con.execute(statement)


def test_table_for_frame_describes_input_columns_and_requires_declared_ones():
    frame = pl.DataFrame(
        {
            "address": ["x"],
            "extra": [1],
            **{c: pl.Series([None], dtype=d) for c, d in RESOLVED_ADDRESS.polars_schema.items()},
        }
    )
    table = table_for_frame(RESOLVED_ADDRESS, frame, name="out", descriptions={"address": "The address."})
    assert table.name == "out"
    assert table.columns == frame.columns
    by_name = {f.name: f for f in table.fields}
    assert by_name["address"].description == "The address."
    assert by_name["extra"].description == INPUT_COLUMN_DESCRIPTION and by_name["extra"].dtype == pl.Int64
    assert by_name["status"] == next(f for f in RESOLVED_ADDRESS.fields if f.name == "status")
    assert column_comment(by_name["status"]).endswith(
        "[required; allowed: exact, fuzzy, split_resolved, split_review, scheme_review, unresolved]"
    )
    with pytest.raises(ValueError, match="lacks declared columns"):
        table_for_frame(RESOLVED_ADDRESS, frame.drop("status"))


def test_default_warehouse_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "elsewhere"))
    assert default_warehouse_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv(WAREHOUSE_ENV)
    assert default_warehouse_dir().name == "warehouse"
    assert (default_warehouse_dir().parent / "pyproject.toml").is_file()


def test_second_writer_waits_for_the_first(tmp_path):
    wh = Warehouse(tmp_path)
    done = threading.Event()

    def publish():
        wh.publish("test", [(THINGS, things())])
        done.set()

    with wh._writer_lock():
        worker = threading.Thread(target=publish)
        worker.start()
        time.sleep(0.6)
        assert not done.is_set()  # blocked on the lock, not failing on DuckDB's file lock
    worker.join(timeout=30)
    assert done.is_set()
    assert wh.read("test", "things").height == 3


# --------------------------------------------------------------------------- crash safety

REPO = Path(__file__).resolve().parents[1]
CHILD = """
import sys
from pathlib import Path
import polars as pl
from pipelines.schema import Field, Table
from pipelines.warehouse import Warehouse, write_parquet_atomic
THINGS = Table("things", "Things.", (Field("code", pl.String, "Code."),))
root, what, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
frame = pl.DataFrame({"code": [f"{i:06d}" for i in range(n)]})
if what == "parquet":
    write_parquet_atomic(frame.to_arrow(), root / "things.parquet", row_group_rows=1000)
else:
    Warehouse(root).publish("test", [(THINGS, frame), (THINGS.__class__("more", "More.", THINGS.fields), frame)])
"""
SMALL = Table("things", "Things.", (Field("code", pl.String, "Code."),))


def _child(root: Path, what: str, n: int, fault: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV} | ({FAULT_ENV: fault} if fault else {})
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(root), what, str(n)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_parquet_killed_mid_write_leaves_the_old_file_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "things.parquet"
    write_parquet_atomic(pl.DataFrame({"code": ["a", "b", "c"]}).to_arrow(), target)
    killed = _child(tmp_path, "parquet", 50_000, "parquet-mid-write:3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert pq.read_table(target).num_rows == 3  # readers still see the complete old file
    (partial,) = tmp_path.glob(".things.parquet.*.partial")
    with pytest.raises(Exception):  # noqa: B017, PT011 - a torn Parquet file (no footer) does not open
        pq.read_table(partial)
    done = _child(tmp_path, "parquet", 50_000, None)
    assert done.returncode == 0, done.stderr[-2000:]
    assert pq.read_table(target).num_rows == 50_000
    assert not list(tmp_path.glob("*.partial")), "the dead writer's temporary file is removed"


def test_parquet_killed_before_rename_keeps_the_old_file(tmp_path):
    target = tmp_path / "things.parquet"
    write_parquet_atomic(pl.DataFrame({"code": ["a"]}).to_arrow(), target)
    killed = _child(tmp_path, "parquet", 10, "parquet-before-rename")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert pq.read_table(target).num_rows == 1
    (partial,) = tmp_path.glob(".things.parquet.*.partial")
    assert pq.read_table(partial).num_rows == 10  # complete and fsynced, just not yet renamed


def test_temporary_files_of_live_writers_are_kept(tmp_path):
    target = tmp_path / "things.parquet"
    live = tmp_path / f".things.parquet.{os.getppid()}.partial"  # the parent process is alive
    live.write_bytes(b"in progress")
    dead = tmp_path / f".things.parquet.{_dead_pid()}.partial"
    dead.write_bytes(b"torn")
    write_parquet_atomic(pl.DataFrame({"code": ["a"]}).to_arrow(), target)
    assert live.exists() and not dead.exists()
    assert pq.read_table(target).num_rows == 1


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_empty_frame_is_written_and_readable(tmp_path):
    target = write_parquet_atomic(
        pl.DataFrame({"code": []}, schema={"code": pl.String}).to_arrow(), tmp_path / "e.parquet"
    )
    assert pq.read_table(target).num_rows == 0
    assert pq.read_table(target).schema.names == ["code"]


def test_publish_killed_inside_the_transaction_keeps_every_previous_table(tmp_path):
    wh = Warehouse(tmp_path)
    more = Table("more", "More.", SMALL.fields)
    wh.publish("test", [(SMALL, pl.DataFrame({"code": ["a"]})), (more, pl.DataFrame({"code": ["a"]}))])
    killed = _child(tmp_path, "publish", 5, "duckdb-mid-transaction:2")  # "things" replaced, "more" too, no commit
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert wh.read("test", "things").height == 1  # read-only open replays/discards the WAL
    assert wh.read("test", "more").height == 1
    assert pq.read_table(wh.parquet_path("test", "things")).num_rows == 1


def test_publish_killed_after_commit_keeps_the_committed_tables(tmp_path):
    wh = Warehouse(tmp_path)
    killed = _child(tmp_path, "publish", 5, "duckdb-after-commit")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert wh.read("test", "things").height == 5  # committed before the kill: the WAL holds it
    assert wh.read("test", "more").height == 5
    assert not wh.parquet_path("test", "things").exists()  # the Parquet copy follows on the next publish
    done = _child(tmp_path, "publish", 5, None)
    assert done.returncode == 0, done.stderr[-2000:]
    assert pq.read_table(wh.parquet_path("test", "things")).num_rows == 5


def test_fault_point_fires_only_for_its_name(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "somewhere-else")
    fault_point("here")  # returns: another point is named
    monkeypatch.setenv(FAULT_ENV, "here:3")
    fault_point("here")
    fault_point("here")  # the 1st and 2nd passage survive; the 3rd would kill (tested in a subprocess above)
    monkeypatch.delenv(FAULT_ENV)
    fault_point("here")


def test_flagged_view_lists_the_staged_rows_with_issues(tmp_path):
    from pipelines.schema import staged_table

    table = staged_table("households")
    frame = pl.DataFrame(
        {c: [None, None] for c in table.columns},
        schema=table.polars_schema,
    ).with_columns(
        record_key=pl.Series(["h@2025-08-31#1", "h@2025-08-31#2"]),
        source_key=pl.Series(["1", "2"]),
        issues=pl.Series([None, "members: unreadable (not a number)"]),
        ward_status=pl.lit("exact"),
    )
    layer = PartitionedLayer(Warehouse(tmp_path), "staged")
    layer.write(table, "h@2025-08-31", frame)
    layer.refresh_flagged_view(table.name)
    with Warehouse(tmp_path).connect_reader() as con:  # the views' paths are relative to the warehouse root
        rows = con.execute(f"SELECT source_key, issues FROM review.{table.name}_flagged").fetchall()
    assert rows == [("2", "members: unreadable (not a number)")]


def test_writes_without_refresh_are_seen_after_one_refresh_of_the_views(tmp_path):
    """write(refresh=False) leaves the view alone; refresh_views makes every written partition visible."""
    wh = Warehouse(tmp_path)
    layer = PartitionedLayer(wh, "raw")
    layer.write(THINGS, "p1", things(2), refresh=False)
    with duckdb.connect(str(wh.duckdb_path)) as con:  # no view yet: nothing was refreshed
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'raw'").fetchone()[0] == 0
    layer.write(THINGS, "p2", things(3), refresh=False)
    refresh_views(wh, [("raw", THINGS, "things")])
    with wh.connect_reader() as con:  # the views' paths are relative to the warehouse root
        assert con.execute("SELECT count(*) FROM raw.things").fetchone()[0] == 5
        comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'things'").fetchone()[0]
    assert comment and "Things for a test" in comment
    layer.write(THINGS, "p3", things(1))  # the default still refreshes after each write
    with wh.connect_reader() as con:
        assert con.execute("SELECT count(*) FROM raw.things").fetchone()[0] == 6
    views = ingest_views("households")
    assert [(layer, name) for layer, _, name in views] == [
        ("raw", "raw_households"),
        ("staged", "staged_households"),
        ("quarantine", "quarantine_households"),
    ]


def test_retiring_the_last_staged_partition_leaves_no_view_that_fails(tmp_path):
    # review.<table>_flagged reads staged.<table>: dropped with it, or every query of it fails ('does not exist')
    from pipelines.ingest.status import retire_partitions
    from pipelines.schema import staged_table

    table = staged_table("households")
    frame = pl.DataFrame({c: [None] for c in table.columns}, schema=table.polars_schema).with_columns(
        record_key=pl.lit("h@2025-08-31#1"), source_key=pl.lit("1"), ward_status=pl.lit("exact")
    )
    wh = Warehouse(tmp_path)
    layer = PartitionedLayer(wh, "staged")
    layer.write(table, "households_718@2025-08-31", frame)
    layer.refresh_flagged_view(table.name)
    assert retire_partitions(wh, "households", {"staged": table.name}, [], "run-1") == [
        "part=households_718@2025-08-31"
    ]
    with wh.connect_reader() as con:
        views = con.execute("SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        for schema, view in views:
            con.execute(f'SELECT count(*) FROM "{schema}"."{view}"').fetchone()  # raises on a dangling view
    assert ("review", f"{table.name}_flagged") not in views
