"""A PostgreSQL ``timestamptz`` date is staged as Vietnam's calendar day, whatever the server's time zone.

d82de1c read the zone after a timestamp's time as part of the ignored time; the text PostgreSQL gives is in the
SESSION's zone, so on a server set to UTC a registration at local midnight ('2020-02-01 00:00:00+07') came out as
'2020-01-31 17:00:00+00' and was staged 2020-01-31, one day early, silently (HV1's finding). The ingest's session
now reads in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import polars as pl
import psycopg

from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import PG_URL, ingest_sql_table
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS

TABLE = "households_timestamptz"


def test_a_timestamptz_at_local_midnight_is_staged_on_its_vietnamese_day_on_a_utc_server(
    postgres_server, postgres_env, tmp_path, monkeypatch
):
    s = postgres_server
    login = dict(host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True)
    with psycopg.connect(**login) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        columns = ", ".join(f"{c} {'timestamptz' if c == 'ngay_dang_ky' else 'text'}" for c in ("stt", *COLUMNS))
        conn.execute(f"CREATE TABLE {TABLE} ({columns}, PRIMARY KEY (stt))")
        times = ["2020-02-01 00:00:00+07", "2020-02-01 06:59:59+07", "2020-02-01 23:30:00+07"]
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s::timestamptz)",
                [[*row[:6], t] for row, t in zip(ROWS, times, strict=True)],
            )
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    # the session's zone set to UTC in the URL, as a server default would
    wh, extract, _ = ingest_sql_table(tmp_path, TABLE, PG_URL + "?options=-c%20TimeZone%3DUTC")
    staged = PartitionedLayer(wh, "staged").read(f"staged_{REGISTRY}", extract.partition_key).sort("source_key")
    assert staged["registered_on"].cast(pl.String).to_list() == ["2020-02-01"] * 3
