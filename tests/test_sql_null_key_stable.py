"""A database table's row whose key column is NULL (or empty) keeps its record key whatever the rows' order.

Record keys are the lineage handle of entities and review decisions. Before (HV14's review, fixed by HV16), such a
row was keyed ``row:N``, its rank in ``ORDER BY key``: the NULL keys tie, so their order among themselves is the
database's choice (PostgreSQL gives no order to ties; SQLite gave its storage order), and on PostgreSQL (NULLs
last) every row added with a key shifted them all. Now such a row is keyed by its content (``content:`` and 16 hex
digits of the MD5 of its non-null values with their column names), the same in any row order, and rows equal in every
column get ``~2``, ``~3``... as any repeated key (flagged ``key_repeated``). A file's rows keep ``line:N``.
"""

from __future__ import annotations

import sqlite3

import polars as pl
import psycopg
import pytest

from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import ingest_sql_table
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS

NO_KEY = [
    [None, "HK9", "Phạm Văn Dũng", "079085009999", "9 Lý Tự Trọng, Phường Bến Nghé, Quận 1", "2", "01/01/2020"],
    ["", "HK8", "Hồ Thị Em", "079190008888", "8 Nam Kỳ Khởi Nghĩa, Phường 6, Quận 3", "1", "02/02/2021"],
    [None, "HK7", "Đỗ Văn Giang", "079088007777", "7 Pasteur, Phường Bến Thành, Quận 1", "3", "03/03/2022"],
]
TWIN = [None, "HK6", "Vũ Thị Hoa", "079190006666", "6 Hai Bà Trưng, Phường 6, Quận 3", "1", "04/04/2023"]


def _keys(tmp_path, name: str, rows: list[list], *, postgres: bool = False) -> dict[str, str]:
    """record_key -> head name of the rows of a table holding ``rows`` in that order (SQLite, or PostgreSQL)."""
    columns = ("stt", *COLUMNS)
    folder = tmp_path / name
    folder.mkdir()
    if postgres:
        wh, extract, _ = ingest_sql_table(folder, name)
    else:
        with sqlite3.connect(folder / "t.sqlite") as conn:
            conn.execute(f"CREATE TABLE {REGISTRY} ({', '.join(columns)})")
            conn.executemany(f"INSERT INTO {REGISTRY} VALUES ({', '.join('?' * len(columns))})", rows)
        wh, extract, _ = ingest_sql_table(folder, REGISTRY, sqlite="t.sqlite")
    raw = PartitionedLayer(wh, "raw").read(f"raw_{REGISTRY}", extract.partition_key)
    assert raw.height == len(rows)
    return dict(zip(raw["record_key"], raw["head_name"], strict=True))


def test_sqlite_rows_without_a_key_keep_their_record_keys_in_another_row_order(tmp_path):
    rows = [*ROWS, *NO_KEY]
    first = _keys(tmp_path, "a", rows)
    again = _keys(tmp_path, "b", list(reversed(rows)))
    assert first == again
    synthetic = [k for k in first if "#content:" in k]
    assert len(synthetic) == 3 and len({k.split("#")[1] for k in synthetic}) == 3
    # a row with a key added before them takes no key from them
    assert _keys(tmp_path, "c", [["0", *ROWS[0][1:]], *rows]).items() >= first.items()


def test_rows_equal_in_every_column_are_numbered_as_repeats(tmp_path):
    keys = _keys(tmp_path, "twins", [*ROWS, TWIN, TWIN, NO_KEY[0]])
    twins = sorted(k for k, name in keys.items() if name == TWIN[2])
    assert len(twins) == 2 and twins[1] == twins[0] + "~2"


def test_the_raw_rows_say_the_key_is_synthetic(tmp_path):
    folder = tmp_path / "flags"
    folder.mkdir()
    with sqlite3.connect(folder / "t.sqlite") as conn:
        conn.execute(f"CREATE TABLE {REGISTRY} ({', '.join(('stt', *COLUMNS))})")
        conn.executemany(f"INSERT INTO {REGISTRY} VALUES ({', '.join('?' * 7)})", [*ROWS, *NO_KEY])
    wh, extract, outcome = ingest_sql_table(folder, REGISTRY, sqlite="t.sqlite")
    raw = PartitionedLayer(wh, "raw").read(f"raw_{REGISTRY}", extract.partition_key)
    flagged = raw.filter(pl.col("row_flags").str.contains("key_synthetic"))
    assert flagged["source_key"].str.contains(r"^content:[0-9a-f]{16}$").all() and flagged.height == 3


@pytest.fixture
def pg_tables(postgres_server, postgres_env, monkeypatch):
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    s = postgres_server
    made = []

    def make(name: str, rows: list[list]) -> str:
        with psycopg.connect(
            host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
        ) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {name}")
            conn.execute(f"CREATE TABLE {name} ({', '.join(f'{c} text' for c in ('stt', *COLUMNS))})")
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * 7)})", rows)
        made.append(name)
        return name

    yield make
    with psycopg.connect(
        host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
    ) as conn:
        for name in made:
            conn.execute(f"DROP TABLE IF EXISTS {name}")


def test_postgresql_rows_without_a_key_keep_their_record_keys(tmp_path, pg_tables):
    """PostgreSQL sorts NULL keys last: a row with a key added shifted every such row's ``row:N``."""
    rows = [*ROWS, *NO_KEY]
    first = _keys(tmp_path, pg_tables("hv16_nokey_a", rows), rows, postgres=True)
    again = _keys(tmp_path, pg_tables("hv16_nokey_b", list(reversed(rows))), rows, postgres=True)
    more = [*rows, ["9", *ROWS[0][1:]]]
    grown = _keys(tmp_path, pg_tables("hv16_nokey_c", more), more, postgres=True)
    assert first == again and grown.items() >= first.items()
    assert len([k for k in first if "#content:" in k]) == 3
