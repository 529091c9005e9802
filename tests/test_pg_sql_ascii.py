"""A PostgreSQL database created with ``ENCODING 'SQL_ASCII'`` (the server checks no encoding: old Vietnamese systems
wrote TCVN3, VNI or Windows-1258 text into it as it was typed, beside UTF-8 rows). psycopg hands such a database's text
over as bytes, on which SQLAlchemy failed before any row was read (its ``version()`` check: 'cannot use a string
pattern on a bytes-like object'), so the whole partition failed as 'reading stopped: TypeError', even when every cell
was plain UTF-8. Now its text is read cell by cell as a SQLite cell that is not UTF-8 is: UTF-8 as is, a cell in the
one legacy encoding that reads it as clean Vietnamese decoded and counted as a text repair, any other cell's row
quarantined with its bytes kept as hex."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy.engine import make_url

from pipelines.encodings import encode_tcvn3, encode_vni
from pipelines.ingest.sql import read_sql_table
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import PG_URL, ingest_sql_table
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS

DB = "wb_sql_ascii"
NAME, ADDRESS = "Nguyễn Văn An", "12 Lê Lợi, Phường Bến Nghé, Quận 1"


@pytest.fixture(scope="module")
def sql_ascii(postgres_server):
    """A SQL_ASCII database holding ``ROWS`` (UTF-8) and three rows written by an old system."""
    s = postgres_server
    admin = dict(host=s.host, port=s.port, user=s.user, password=s.password)
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    rows = [[v.encode() for v in row] for row in ROWS] + [
        [b"5", b"HK5", encode_tcvn3(NAME), b"079085001235", encode_vni(ADDRESS), b"1", b"01/02/2020"],
        [b"6", b"HK6", b"H\xffK", b"079085001236", b"x", b"1", b"01/02/2020"],  # no encoding reads it for certain
        [b"7", b"HK7", "Võ An".encode(), b"079085001237", ADDRESS.encode(), b"2", b"01/02/2020"],
    ]
    with psycopg.connect(**admin, dbname=DB, autocommit=True) as conn:
        columns = ", ".join(f"{c} text" for c in ("stt", *COLUMNS))
        conn.execute(f"CREATE TABLE {REGISTRY} ({columns}, PRIMARY KEY (stt))")
        values = ", ".join(["convert_from(%b, 'SQL_ASCII')"] * len(rows[0]))
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {REGISTRY} VALUES ({values})", rows)
    return make_url(s.url).set(database=DB).render_as_string(hide_password=False)


def test_text_of_a_sql_ascii_database_is_read(sql_ascii):
    (frame,) = read_sql_table(sql_ascii, REGISTRY, key_column="stt")
    by_key = {r["stt"]: r for r in frame.iter_rows(named=True)}
    assert by_key["1"]["ten_chu_ho"] == ROWS[0][2] and by_key["7"]["ten_chu_ho"] == "Võ An"
    assert by_key["5"]["ten_chu_ho"] == NAME and by_key["5"]["_decoded"] == ["tcvn3:ten_chu_ho", "vni:dia_chi"]
    assert by_key["6"]["_undecodable"] == "ten_chu_ho" and by_key["6"]["ten_chu_ho"] == "\\x48ff4b"
    assert by_key["1"]["_undecodable"] is None and by_key["1"]["_decoded"] is None


def test_a_sql_ascii_source_loads_cell_by_cell(sql_ascii, postgres_env, tmp_path, monkeypatch):
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    wh, extract, outcome = ingest_sql_table(tmp_path, REGISTRY, PG_URL.removesuffix("${WB_PG_DB}") + DB)
    status = read_status(wh, REGISTRY)[extract.partition_key]
    assert status.state == "ok", status.cause  # was: failed, 'cannot read: ... reading stopped: TypeError'
    assert (status.raw_rows, status.staged_rows, status.quarantined_rows) == (6, 5, 1)
    staged = {
        r["source_key"]: r
        for r in PartitionedLayer(wh, "staged").read(f"staged_{REGISTRY}", extract.partition_key).iter_rows(named=True)
    }
    assert staged["1"]["head_name"] == ROWS[0][2] and staged["1"]["text_repairs"] is None
    assert staged["5"]["head_name"] == NAME and staged["5"]["address"] == ADDRESS
    assert staged["5"]["text_repairs"] == "head_name:tcvn3; address:vni"
    assert outcome.repairs == {"head_name:tcvn3": 1, "address:vni": 1}
    (bad,) = (
        PartitionedLayer(wh, "quarantine").read(f"quarantine_{REGISTRY}", extract.partition_key).iter_rows(named=True)
    )
    assert bad["source_key"] == "6" and "ten_chu_ho not valid UTF-8 text nor certainly" in bad["reason"]
    kept = json.loads(json.loads(json.loads(bad["raw_values"])["extra_columns"])["_unparsed"])
    assert bytes.fromhex(kept["ten_chu_ho"][2:]) == b"H\xffK"  # nothing lost


def test_a_sql_ascii_database_through_psycopg2_is_refused_saying_why(sql_ascii, postgres_env, tmp_path, monkeypatch):
    """Only psycopg (3), the driver of ``postgresql://`` and ``postgresql+psycopg://``, reads its text cell by cell;
    psycopg2 (``postgresql+psycopg2://``, the scheme Dagster's own storage uses) decodes every cell as ASCII: the
    partition failed as 'reading stopped after 0 rows ...: UnicodeDecodeError'. It still fails (nothing of it read),
    saying why and what to write."""
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    url = PG_URL.removesuffix("${WB_PG_DB}").replace("postgresql+psycopg:", "postgresql+psycopg2:") + DB
    wh, extract, _ = ingest_sql_table(tmp_path, REGISTRY, url)
    status = read_status(wh, REGISTRY)[extract.partition_key]
    assert status.state == "failed" and "UnicodeDecodeError" not in status.cause
    assert "SQL_ASCII" in status.cause and "postgresql+psycopg://" in status.cause
    assert postgres_env["WB_PG_PASSWORD"] not in status.cause
