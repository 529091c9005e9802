"""A PostgreSQL ``timestamp with time zone`` column (a registration or birth date kept as a timestamp by the old system)
is read as PostgreSQL writes it as text, '2020-02-01 00:00:00+07': staging read the time after a date but not a
time zone after the time, so every such date was 'unreadable (unparseable)' and flagged in ``issues``, the date lost.
Now a zone after the time ('+07', '+05:30', 'Z', 'UTC') is read as part of the ignored time (standardise.parse_dates;
`wardbridge match` reads dates the same way)."""

from __future__ import annotations

import polars as pl
import psycopg
import pytest

from pipelines.ingest.status import read_status
from pipelines.standardise import parse_dates
from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import ingest_sql_table
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS

TABLE = "households_timestamptz"


@pytest.mark.parametrize(
    "text",
    [
        "2020-02-01 00:00:00+07",
        "2020-02-01 00:00:00+00",
        "2020-02-01 13:45:10.123+05:30",
        "2020-02-01T13:45:10Z",
        "01/02/2020 10:00 UTC",
        "2020-02-01 00:00:00",
    ],
)
def test_a_time_zone_after_the_time_is_read(text):
    got = parse_dates(pl.Series([text]), day_first=True).row(0, named=True)
    assert got["date"] is not None and got["date"].isoformat() == "2020-02-01", got
    assert got["error"] is None


def test_a_timestamptz_column_is_staged_as_dates(postgres_server, postgres_env, tmp_path, monkeypatch):
    s = postgres_server
    with psycopg.connect(
        host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
    ) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        columns = ", ".join(f"{c} {'timestamptz' if c == 'ngay_dang_ky' else 'text'}" for c in ("stt", *COLUMNS))
        conn.execute(f"CREATE TABLE {TABLE} ({columns}, PRIMARY KEY (stt))")
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s::date)",
                [[*row[:6], "2020-02-01"] for row in ROWS],
            )
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    wh, extract, _ = ingest_sql_table(tmp_path, TABLE)
    assert read_status(wh, REGISTRY)[extract.partition_key].state == "ok"
    raw = PartitionedLayer(wh, "raw").read(f"raw_{REGISTRY}", extract.partition_key)
    # as PostgreSQL writes it, in Vietnam's time (the ingest's session zone): midnight UTC (the inserting session's
    # zone) is 07:00 there
    assert (raw["registered_on"] == "2020-02-01 07:00:00+07").all(), raw["registered_on"].to_list()
    staged = PartitionedLayer(wh, "staged").read(f"staged_{REGISTRY}", extract.partition_key)
    assert staged["registered_on"].cast(pl.String).to_list() == ["2020-02-01"] * len(ROWS)  # was: all null
    assert not staged["issues"].fill_null("").str.contains("registered_on").any()
