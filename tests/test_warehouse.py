"""pipelines.warehouse: DuckDB + Parquet publishing derived from Table declarations."""

import threading
import time

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from pipelines.schema import RESOLVED_ADDRESS, Field, Table
from pipelines.warehouse import (
    INPUT_COLUMN_DESCRIPTION,
    WAREHOUSE_ENV,
    Warehouse,
    column_comment,
    ddl,
    default_warehouse_dir,
    duckdb_type,
    table_for_frame,
)

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
        "[required; allowed: exact, fuzzy, split_resolved, split_review, unresolved]"
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
