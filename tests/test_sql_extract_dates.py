"""SQL sources whose table holds several extracts (catalogue ``extract_date_column``).

Against the real PostgreSQL server of conftest.py (``postgres_*`` fixtures): the landing sensor registers
and requests one dynamic partition per new date in the column, once; a partition reads only its date's
rows (filtered by the database through bound parameters); rows with an empty or unreadable date are
counted and quarantined in their own partition ``<source>@undated`` (extract date 1900-01-01), and the
sensor re-requests the partitions a row moves between; a database that cannot be read makes the sensor
skip naming the source, never showing the password.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest
import sqlalchemy as sa

from assets.ingest import CATALOGUE_ENV, partitions_name
from pipelines.ingest.catalogue import CatalogueError, Extract, extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from tests.referencecopy import with_reference_snapshot
from tests.sensorhelpers import sensor_tick

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CSV = REPO / "data" / "sample" / "registries" / "households" / "households_718.csv"
REGISTRY = "households"
SOURCE = "households_pgdates"
COLUMNS = ["ma", "so_ho_khau", "ten_chu_ho", "cccd_chu_ho", "dia_chi", "so_nhan_khau", "ngay_dang_ky"]
URL = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"


def _catalogue(tmp_path: Path, schema: str, *, url: str = URL, extra: str = "", source: str = SOURCE) -> Path:
    path = tmp_path / f"{source}.toml"
    path.write_text(
        "\n".join(
            [
                "[[source]]",
                f'id = "{source}"',
                f'registry = "{REGISTRY}"',
                'format = "sql"',
                f'url = "{url}"',
                f'db_schema = "{schema}"',
                'table = "households"',
                'key_column = "ma"',
                'extract_date_column = "ngay_trich_xuat"',
                extra,
                "[source.columns]",
                '"so_ho_khau" = "household_no"',
                '"ten_chu_ho" = "head_name"',
                '"cccd_chu_ho" = "head_personal_id"',
                '"dia_chi" = "address"',
                '"so_nhan_khau" = "members"',
                '"ngay_dang_ky" = "registered_on"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def _sample_rows(n: int) -> list[tuple]:
    frame = pl.read_csv(SAMPLE_CSV, infer_schema=False, n_rows=n)
    return [(int(r[0]), *r[1:]) for r in frame.select(["ma_ban_ghi", *COLUMNS[1:]]).iter_rows()]


def _connect(server):  # noqa: ANN001, ANN202 - conftest PostgresServer
    return psycopg.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname=server.dbname
    )


def _make_table(server, column_type: str, dates: list) -> str:  # noqa: ANN001 - conftest PostgresServer
    """A fresh schema with table households: sample household rows, ``ngay_trich_xuat`` = dates[i] for row i."""
    schema = f"wb_dates_{secrets.token_hex(4)}"
    rows = _sample_rows(len(dates))
    with _connect(server) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(
            f"CREATE TABLE {schema}.households (ma integer PRIMARY KEY, "
            + ", ".join(f"{c} text" for c in COLUMNS[1:])
            + f", ngay_trich_xuat {column_type})"
        )
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {schema}.households VALUES ({', '.join(['%s'] * (len(COLUMNS) + 1))})",
                [(*row, d) for row, d in zip(rows, dates, strict=True)],
            )
    return schema


def _keys_where(server, schema: str, condition: str) -> set[str]:  # noqa: ANN001
    """The key column of the rows matching ``condition``, read straight from the server (not by the code)."""
    with _connect(server) as conn:
        return {str(r[0]) for r in conn.execute(f"SELECT ma FROM {schema}.households WHERE {condition}")}


@pytest.fixture
def pg_catalogue(postgres_server, postgres_env, tmp_path, monkeypatch):
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WARDBRIDGE_LANDING", str(tmp_path / "no_landing"))

    def make(column_type: str, dates: list, **kwargs) -> tuple[str, Path]:
        schema = _make_table(postgres_server, column_type, dates)
        path = _catalogue(tmp_path, schema, **kwargs)
        monkeypatch.setenv(CATALOGUE_ENV, str(path))
        return schema, path

    return make


def _requested(result: dg.SensorResult) -> list[tuple[str, str | None, str | None, str | None]]:
    """(job, partition key, range start, range end) of each run request."""
    return [
        (
            r.job_name,
            r.partition_key,
            r.tags.get("dagster/asset_partition_range_start"),
            r.tags.get("dagster/asset_partition_range_end"),
        )
        for r in result.run_requests
    ]


# --------------------------------------------------------------------------- catalogue


def test_catalogue_validates_extract_date_column(tmp_path):
    base = _catalogue(tmp_path, "s").read_text(encoding="utf-8")
    sources = load_catalogue([_catalogue(tmp_path, "s")])
    assert sources[SOURCE].extract_date_column == "ngay_trich_xuat" and sources[SOURCE].extract_date is None

    cases = {
        "both": (base.replace('table = "households"', 'table = "households"\nextract_date = "2025-08-31"'), "remove"),
        "empty": (base.replace('"ngay_trich_xuat"', '""'), "must name a column"),
        "csv": (
            base.replace('format = "sql"', 'format = "csv"\npath = "x_*.csv"'),
            "for sql sources only",
        ),
    }
    for name, (text, cause) in cases.items():
        path = tmp_path / f"bad_{name}.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CatalogueError) as err:
            load_catalogue([path])
        message = str(err.value)
        assert str(path) in message and SOURCE in message and "extract_date_column" in message, message
        assert cause in message, message


# --------------------------------------------------------------------------- sensor


def test_sensor_requests_each_new_date_of_a_postgres_table_once(pg_catalogue, postgres_server):
    schema, _ = pg_catalogue("date", [date(2025, 8, 31)] * 5 + [date(2025, 9, 30)] * 3)
    name = partitions_name(REGISTRY)
    aug, sep, oct_ = (f"{SOURCE}@2025-08-31", f"{SOURCE}@2025-09-30", f"{SOURCE}@2025-10-31")
    undated = f"{SOURCE}@undated"  # the rows with no date (none here): always its own partition
    with dg.DagsterInstance.ephemeral() as instance:
        first = sensor_tick(instance)
        # both dates registered in this tick and run as one ranged run over exactly them
        assert instance.get_dynamic_partitions(name) == [aug, sep, undated]
        assert _requested(first) == [("ingest_households", None, aug, undated)]

        second = sensor_tick(instance, first.cursor)
        assert not second.run_requests and second.skip_reason is not None

        with _connect(postgres_server) as conn:  # a new extract lands in the table: no catalogue edit, no reload
            conn.execute(
                f"INSERT INTO {schema}.households (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) "
                "VALUES (9001, '1', 'A', 'B', DATE '2025-10-31'), (9002, '2', 'C', 'D', DATE '2025-10-31')"
            )
        third = sensor_tick(instance, second.cursor)
        assert _requested(third) == [("ingest_households", oct_, None, None)]
        assert [list(r.partition_keys) for r in third.dynamic_partitions_requests] == [[oct_]]
        assert instance.get_dynamic_partitions(name) == [aug, sep, undated, oct_]
        print("first tick:", first.run_requests, first.dynamic_partitions_requests)  # quoted in the closing note
        print("tick after a third date:", third.run_requests, third.dynamic_partitions_requests)

        assert not sensor_tick(instance, third.cursor).run_requests  # nothing new: nothing requested

        # a sensor started without a cursor on an instance that already knows the dates requests nothing
        assert not sensor_tick(instance, None).run_requests

        # dates already registered (e.g. by the nightly schedule) but not seen in this cursor are requested once;
        # the date the row left (its count changed) too, or the row would stay in it as well
        with _connect(postgres_server) as conn:
            conn.execute(f"UPDATE {schema}.households SET ngay_trich_xuat = DATE '2025-11-30' WHERE ma = 9002")
        instance.add_dynamic_partitions(name, [f"{SOURCE}@2025-11-30"])
        fourth = sensor_tick(instance, third.cursor)
        nov = f"{SOURCE}@2025-11-30"
        assert _requested(fourth) == [("ingest_households", oct_, None, None), ("ingest_households", nov, None, None)]

        # a cursor from before row counts were kept: a changed count is not known as one (no reload of every date
        # on upgrade); the counts are kept from that tick on, so the next change is seen
        old = json.loads(fourth.cursor)
        del old["sql_counts"]

        def delete_one(day: str) -> None:
            with _connect(postgres_server) as conn:
                conn.execute(
                    f"DELETE FROM {schema}.households WHERE ma = "
                    f"(SELECT min(ma) FROM {schema}.households WHERE ngay_trich_xuat = DATE '{day}')"
                )

        delete_one("2025-08-31")
        upgraded = sensor_tick(instance, json.dumps(old))
        assert not upgraded.run_requests and json.loads(upgraded.cursor)["sql_counts"][SOURCE]["2025-08-31"] == 4
        delete_one("2025-09-30")
        assert _requested(sensor_tick(instance, upgraded.cursor)) == [("ingest_households", sep, None, None)]


def test_unreachable_database_skips_naming_the_source_without_the_password(
    pg_catalogue, postgres_env, tmp_path, monkeypatch
):
    pg_catalogue("date", [date(2025, 8, 31)] * 2)
    secret = "Zx9-" + secrets.token_hex(8)
    name = partitions_name(REGISTRY)
    with socket.socket() as s:  # a port with nobody listening: the database is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WB_PG_PORT", str(port))
    monkeypatch.setenv("WB_PG_PASSWORD", secret)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(name, [f"{SOURCE}@2025-08-31"])
        down = sensor_tick(instance)
        assert not down.run_requests and not down.dynamic_partitions_requests  # its partitions are kept
        message = down.skip_reason.skip_message
        assert SOURCE in message and "cannot be read" in message and str(port) in message, message
        assert secret not in message

        # the server answers but refuses the password: named too, the wrong password never shown
        monkeypatch.setenv("WB_PG_PORT", postgres_env["WB_PG_PORT"])
        refused = sensor_tick(instance)
        message = refused.skip_reason.skip_message
        assert SOURCE in message and "password authentication failed" in message, message
        assert secret not in message and instance.get_dynamic_partitions(name) == [f"{SOURCE}@2025-08-31"]

        monkeypatch.setenv("WB_PG_PASSWORD", postgres_env["WB_PG_PASSWORD"])  # mended
        resting = sensor_tick(instance, refused.cursor)  # a refused login is not asked again for 15 minutes
        assert not resting.run_requests and "not asked: its server refused" in resting.skip_reason.skip_message
        state = json.loads(resting.cursor)
        state["refused"][SOURCE] -= 901  # 15 minutes later: the next tick reads it
        back = sensor_tick(instance, json.dumps(state))  # 2025-08-31 was registered before: not again
        assert _requested(back) == [("ingest_households", f"{SOURCE}@undated", None, None)]  # new to the instance


# --------------------------------------------------------------------------- reading one extract


def test_one_partition_reads_only_its_dates_rows_filtered_by_the_database(pg_catalogue, postgres_server, tmp_path):
    from assets.ingest import build_registry_assets
    from assets.resources import WarehouseResource
    from pipelines.warehouse import PartitionedLayer, Warehouse

    schema, _ = pg_catalogue("date", [date(2025, 8, 31)] * 7 + [date(2025, 9, 30)] * 4 + [date(2025, 10, 31)] * 2)
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append((statement, parameters))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    try:
        load = build_registry_assets(REGISTRY)
        job = dg.define_asset_job("one", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
        warehouse = with_reference_snapshot(tmp_path / "wh")  # not written again per test (tests/referencecopy.py)
        defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(warehouse))})
        with dg.DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("one").execute_in_process(
                instance=instance, partition_key=f"{SOURCE}@2025-09-30"
            )
        assert result.success
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)

    wh = Warehouse(warehouse)
    key = f"{SOURCE}@2025-09-30"
    raw = pl.read_parquet(PartitionedLayer(wh, "raw").path(f"raw_{REGISTRY}", key))
    expected = _keys_where(postgres_server, schema, "ngay_trich_xuat = DATE '2025-09-30'")
    assert len(expected) == 4 and raw.height == 4
    assert set(raw["source_key"]) == expected and set(raw["extract_date"]) == {date(2025, 9, 30)}
    staged = pl.read_parquet(PartitionedLayer(wh, "staged").path(f"staged_{REGISTRY}", key))
    quarantine_path = PartitionedLayer(wh, "quarantine").path(f"quarantine_{REGISTRY}", key)
    quarantined = pl.read_parquet(quarantine_path) if quarantine_path.is_file() else staged.clear()
    assert staged.height + quarantined.height == raw.height  # rows in = staged + quarantined, this partition
    for other in ("2025-08-31", "2025-10-31"):  # the other extracts were not touched
        assert not PartitionedLayer(wh, "raw").path(f"raw_{REGISTRY}", f"{SOURCE}@{other}").exists()

    # the database filtered: the row query binds the day and the next as parameters, never as SQL text
    reads = [(s, p) for s, p in statements if "households" in s and "ngay_trich_xuat >=" in s]
    assert reads, [s for s, _ in statements]
    assert all("2025-09-30" not in s for s, _ in reads)
    bound = [set(p.values() if isinstance(p, dict) else p) for _, p in reads]
    assert all({date(2025, 9, 30), date(2025, 10, 1)} <= b for b in bound), bound

    # the database purges 2025-09-30 (retention): the next run keeps its loaded data live, not retired
    from pipelines.ingest.status import read_status

    with _connect(postgres_server) as conn:
        conn.execute(f"DELETE FROM {schema}.households WHERE ngay_trich_xuat = DATE '2025-09-30'")
    from assets.ingest import catalogue_keys

    assert key not in catalogue_keys(REGISTRY, fresh=True)  # listed again now (not from a 2 s cache)
    with dg.DagsterInstance.ephemeral() as instance:
        later = defs.resolve_job_def("one").execute_in_process(instance=instance, partition_key=f"{SOURCE}@2025-10-31")
    assert later.success
    assert pl.read_parquet(PartitionedLayer(wh, "raw").path(f"raw_{REGISTRY}", key)).height == 4
    assert read_status(wh, REGISTRY)[key].state == "ok"


def _load(spec, day: date | None):  # noqa: ANN001, ANN202
    """One extract loaded and staged: the date's, or with ``None`` the rows with no date (``<source>@undated``)."""
    extract = Extract(spec, day, None) if day else next(e for e in spec.extracts() if e.undated)
    loaded = load_raw(extract, "test-run")
    return loaded, stage(loaded.frame, REGISTRY, day_first=spec.day_first)


def test_empty_and_unreadable_dates_are_counted_and_quarantined_in_their_own_partition(pg_catalogue, postgres_server):
    dates = ["2025-08-31"] * 3 + ["31/08/2025"] * 2 + ["2025-09-30"] * 4 + [None] * 2 + ["chưa rõ", "2025-13-45"]
    schema, path = pg_catalogue("text", dates)
    spec = load_catalogue([path])[SOURCE]
    assert [e.partition_key for e in spec.extracts()] == [
        f"{SOURCE}@2025-08-31",
        f"{SOURCE}@2025-09-30",
        f"{SOURCE}@undated",
    ]

    aug, aug_staged = _load(spec, date(2025, 8, 31))  # both spellings of the date are this extract
    assert set(aug.frame["source_key"]) == _keys_where(
        postgres_server, schema, "ngay_trich_xuat IN ('2025-08-31', '31/08/2025')"
    )
    assert aug.read_problems == 0 and aug.frame.height == 5

    sep, sep_staged = _load(spec, date(2025, 9, 30))  # the latest date's extract: its rows only
    assert sep.read_problems == 0
    assert set(sep.frame["source_key"]) == _keys_where(postgres_server, schema, "ngay_trich_xuat = '2025-09-30'")

    none, none_staged = _load(spec, None)  # the rows with no date: their own partition
    undated = _keys_where(
        postgres_server, schema, "ngay_trich_xuat IS NULL OR ngay_trich_xuat IN ('chưa rõ', '2025-13-45')"
    )
    assert len(undated) == 4 and none.read_problems == 4 and set(none.frame["source_key"]) == undated
    assert set(none.frame["record_key"]) == {f"{SOURCE}@undated#{k}" for k in undated}  # the same on every read
    # their extract date is the documented fixed 1900-01-01 (schema.py), not the day they were read: re-runs on
    # other days write the same raw and quarantine rows
    assert set(none.frame["extract_date"]) == {date(1900, 1, 1)} == set(none_staged.quarantine["extract_date"])
    kept = [json.loads(json.loads(e)["_unparsed"]) for e in none.frame["extra_columns"]]  # each row kept whole
    assert sorted(str(r["ngay_trich_xuat"]) for r in kept) == sorted(["None", "None", "chưa rõ", "2025-13-45"])
    assert {r["ma"] for r in kept} == undated
    from pipelines.ingest.readers import read_extract

    read = read_extract(next(e for e in spec.extracts() if e.undated))
    assert sum(b.height for b in read.batches) == 0  # the undated rows come as frames, no per-row objects
    assert not read.problems and sum(f.height for f in read.problem_frames) == len(undated)
    assert none_staged.staged.height == 0 and set(none_staged.quarantine["source_key"]) == undated
    reasons = none_staged.quarantine["reason"]
    assert reasons.str.contains("'ngay_trich_xuat' is empty or not a date").all()
    assert reasons.str.contains(f"partition {SOURCE}@undated", literal=True).all()
    for loaded, result in ((aug, aug_staged), (sep, sep_staged), (none, none_staged)):
        counts = account(loaded.frame, result)
        assert counts["balanced"] and counts["raw"] == counts["staged"] + counts["quarantined"], counts
    assert not any("chưa rõ" in str(r) for r in reasons)  # no cell value in a reason


def test_a_date_that_left_the_table_is_an_unreadable_extract(pg_catalogue):
    from pipelines.ingest.readers import SourceReadError

    _, path = pg_catalogue("date", [date(2025, 8, 31)] * 2)
    spec = load_catalogue([path])[SOURCE]
    with pytest.raises(SourceReadError, match="no row has 2025-07-31 in column 'ngay_trich_xuat'"):
        load_raw(Extract(spec, date(2025, 7, 31), None), "test-run")


def test_sqlite_table_without_a_key_keeps_whole_table_row_numbers_per_extract(tmp_path, monkeypatch):
    """Row numbers (no key column, no primary key) count over the whole table, not over one date's rows."""
    import sqlite3

    db = tmp_path / "households.sqlite"
    rows = _sample_rows(9)
    dates = ["20250831", "2025-09-30", "20250831", None, "2025-09-30 08:15:00", "20250831", "x", "2025-09-30", "1"]
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE households ({', '.join(COLUMNS)}, ngay_trich_xuat)")
        conn.executemany(
            f"INSERT INTO households VALUES ({', '.join(['?'] * (len(COLUMNS) + 1))})",
            [(*r, d) for r, d in zip(rows, dates, strict=True)],
        )
    monkeypatch.delenv("WB_PG_PASSWORD", raising=False)
    text = (
        _catalogue(tmp_path, "main", url=f"sqlite:///{db.as_posix()}", source="households_lite")
        .read_text(encoding="utf-8")
        .replace('key_column = "ma"\n', "")
        .replace('db_schema = "main"\n', "")
    )
    path = tmp_path / "lite.toml"
    path.write_text(text, encoding="utf-8")
    spec = load_catalogue([path])["households_lite"]
    assert [e.partition_key.rpartition("@")[2] for e in spec.extracts()] == ["2025-08-31", "2025-09-30", "undated"]
    with sqlite3.connect(db) as conn:  # rowids straight from the database
        aug = {str(r[0]) for r in conn.execute("SELECT rowid FROM households WHERE ngay_trich_xuat = '20250831'")}
        sep = {str(r[0]) for r in conn.execute("SELECT rowid FROM households WHERE ngay_trich_xuat LIKE '2025-09-30%'")}
        bad = {
            str(r[0])
            for r in conn.execute(
                "SELECT rowid FROM households WHERE ngay_trich_xuat IS NULL OR ngay_trich_xuat IN ('x', '1')"
            )
        }
    first, _ = _load(spec, date(2025, 8, 31))
    assert set(first.frame["source_key"]) == aug and first.read_problems == 0
    latest, _ = _load(spec, date(2025, 9, 30))
    assert set(latest.frame["source_key"]) == sep and latest.read_problems == 0
    undated, staged = _load(spec, None)
    assert set(undated.frame["source_key"]) == bad and undated.read_problems == len(bad) == 3
    assert account(undated.frame, staged)["balanced"]


def test_more_unreadable_date_spellings_than_one_statement_binds_are_still_quarantined(tmp_path, monkeypatch):
    """Garbage in the date column is read in several queries of at most MAX_FILTER_VALUES spellings (the NULLs
    with the first): every such row lands in the quarantine, none is lost or read twice, nothing is refused."""
    import sqlite3

    db = tmp_path / "households.sqlite"
    dates = ["20250831", "a", None, "b", "20250831", "c", "d", None]
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE households ({', '.join(COLUMNS)}, ngay_trich_xuat)")
        conn.executemany(
            f"INSERT INTO households VALUES ({', '.join(['?'] * (len(COLUMNS) + 1))})",
            [(*r, d) for r, d in zip(_sample_rows(len(dates)), dates, strict=True)],
        )
    monkeypatch.delenv("WB_PG_PASSWORD", raising=False)
    monkeypatch.setattr("pipelines.ingest.sql.MAX_FILTER_VALUES", 3)  # 4 unreadable spellings: two queries
    path = _catalogue(tmp_path, "main", url=f"sqlite:///{db.as_posix()}", source="households_lite")
    path.write_text(path.read_text(encoding="utf-8").replace('db_schema = "main"\n', ""), encoding="utf-8")
    spec = load_catalogue([path])["households_lite"]
    loaded, staged = _load(spec, None)
    assert loaded.frame.height == 6 and loaded.frame["source_key"].n_unique() == 6
    assert loaded.read_problems == 6 and staged.quarantine.height == 6
    assert account(loaded.frame, staged)["balanced"]


def test_undated_rows_read_in_several_queries_are_numbered_on_without_restarting(tmp_path, monkeypatch):
    """The undated partition's rows come in several queries (at most MAX_FILTER_VALUES spellings each): their
    ``row:N`` places run on from one query to the next, and rows with no key get distinct synthetic keys (their
    content's since HV16: ``content:`` and 16 hex digits, the same in any row order)."""
    import sqlite3

    db = tmp_path / "households.sqlite"
    dates = ["20250831", "a", None, "b", "c", "d", None]
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE households ({', '.join(COLUMNS)}, ngay_trich_xuat)")
        conn.executemany(
            f"INSERT INTO households VALUES ({', '.join(['?'] * (len(COLUMNS) + 1))})",
            [(None, *r[1:], d) for r, d in zip(_sample_rows(len(dates)), dates, strict=True)],  # no key at all
        )
    monkeypatch.delenv("WB_PG_PASSWORD", raising=False)
    monkeypatch.setattr("pipelines.ingest.sql.MAX_FILTER_VALUES", 2)  # 4 unreadable spellings: two queries
    path = _catalogue(tmp_path, "main", url=f"sqlite:///{db.as_posix()}", source="households_lite")
    path.write_text(path.read_text(encoding="utf-8").replace('db_schema = "main"\n', ""), encoding="utf-8")
    loaded, staged = _load(load_catalogue([path])["households_lite"], None)
    assert loaded.read_problems == 6
    keys = loaded.frame["source_key"]
    assert keys.n_unique() == 6 and keys.str.contains(r"^content:[0-9a-f]{16}$").all()  # was row:1 ... row:6
    assert not loaded.frame["record_key"].str.contains("~").any()  # no key numbered as a repeat
    assert account(loaded.frame, staged)["balanced"]


# --------------------------------------------------------------------------- one database down, the others go on


def test_a_database_that_is_down_fails_only_its_own_partitions(pg_catalogue, postgres_env, tmp_path, monkeypatch):
    """The households CSV source is listed, loaded and staged while the SQL source's database is down; the SQL
    source's registered partition is kept (not retired, not deleted), fails with the source named and no
    password, and the run's failure is marked transient (retried with backoff)."""
    from assets.ingest import build_registry_assets, catalogue_keys, sync_requests, unlisted_sources
    from assets.resources import WarehouseResource
    from pipelines.ingest.status import read_status
    from pipelines.warehouse import Warehouse

    _, sql_catalogue = pg_catalogue("date", [date(2025, 8, 31)] * 2)
    sample = (REPO / "mappings" / "sources" / "sample.toml").read_text(encoding="utf-8")
    block = next(b for b in sample.split("[[source]]") if 'id = "households_718"' in b)
    csv_catalogue = tmp_path / "households_csv.toml"
    csv_catalogue.write_text(f'base_dir = "{SAMPLE_CSV.parents[1].as_posix()}"\n\n[[source]]{block}', encoding="utf-8")
    monkeypatch.setenv(CATALOGUE_ENV, f"{sql_catalogue}{os.pathsep}{csv_catalogue}")
    sql_key = f"{SOURCE}@2025-08-31"
    assert sql_key in catalogue_keys(REGISTRY, fresh=True)  # the database is up: listed
    csv_keys = [k for k in catalogue_keys(REGISTRY) if not k.startswith(f"{SOURCE}@")]
    assert len(csv_keys) == 1

    secret = "Qd7-" + secrets.token_hex(8)
    with socket.socket() as s:  # a port with nobody listening: the database is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WB_PG_PORT", str(port))
    monkeypatch.setenv("WB_PG_PASSWORD", secret)
    assert catalogue_keys(REGISTRY, fresh=True) == csv_keys  # the CSV source is still listed
    why = unlisted_sources(REGISTRY)
    assert list(why) == [SOURCE] and secret not in why[SOURCE]

    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(partitions_name(REGISTRY), [*csv_keys, sql_key])
        new, gone = sync_requests(REGISTRY, instance)
        assert new == [] and gone == []  # its partition is not "gone from the catalogue"

        load = build_registry_assets(REGISTRY, retry_policy=None)
        job = dg.define_asset_job("one", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
        warehouse = with_reference_snapshot(tmp_path / "wh")  # not written again per test (tests/referencecopy.py)
        defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(warehouse))})
        result = defs.resolve_job_def("one").execute_in_process(
            instance=instance,
            tags={"dagster/asset_partition_range_start": csv_keys[0], "dagster/asset_partition_range_end": sql_key},
            raise_on_error=False,
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert "transient, retried with backoff" in failure.step_failure_data.error.message  # SOURCE_RETRY applies
    statuses = read_status(Warehouse(warehouse), REGISTRY)
    assert statuses[csv_keys[0]].state == "ok" and statuses[csv_keys[0]].staged_rows > 0  # the other source went on
    assert statuses[sql_key].state == "failed"
    assert SOURCE in statuses[sql_key].cause and str(port) in statuses[sql_key].cause
    assert secret not in statuses[sql_key].cause

    # the entities are not rebuilt without that source's rows unless told to (allow_incomplete)
    from assets.entities import MatchConfig, RegistryIncomplete, accounted_partitions

    with pytest.raises(RegistryIncomplete, match=f"source {SOURCE}: its extract dates could not be read"):
        accounted_partitions(Warehouse(warehouse), REGISTRY, MatchConfig(), logging.getLogger("test"))
    used, left_out = accounted_partitions(
        Warehouse(warehouse), REGISTRY, MatchConfig(allow_incomplete=True), logging.getLogger("test")
    )
    assert used == csv_keys and list(left_out) == [f"source {SOURCE}"]


# --------------------------------------------------------------------------- dates that leave the table


def _add_september_row(server, schema: str) -> None:  # noqa: ANN001 - conftest PostgresServer
    with _connect(server) as conn:
        conn.execute(
            f"INSERT INTO {schema}.households (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) "
            "VALUES (9001, '1', 'A', 'B', DATE '2025-09-30')"
        )


def test_a_date_that_leaves_the_table_and_comes_back_runs_again_and_keeps_its_history(
    pg_catalogue, postgres_server, tmp_path
):
    """A database purging an old date does not retire it (registered, data live); back in the table, it is
    requested again under a run key Dagster has not seen (a reused run key is dropped silently)."""
    from assets.ingest import sync_requests

    schema, _ = pg_catalogue("date", [date(2025, 8, 31)] * 3)
    name = partitions_name(REGISTRY)
    aug, sep = f"{SOURCE}@2025-08-31", f"{SOURCE}@2025-09-30"
    with dg.DagsterInstance.ephemeral() as instance:
        first = sensor_tick(instance)
        _add_september_row(postgres_server, schema)
        arrived = sensor_tick(instance, first.cursor)
        assert _requested(arrived) == [("ingest_households", sep, None, None)]
        with _connect(postgres_server) as conn:
            conn.execute(f"DELETE FROM {schema}.households WHERE ma = 9001")
        left = sensor_tick(instance, arrived.cursor)
        assert not left.run_requests and not left.dynamic_partitions_requests  # nothing deleted
        assert instance.get_dynamic_partitions(name) == [aug, f"{SOURCE}@undated", sep]
        assert sync_requests(REGISTRY, instance) == ([], [])  # not "gone from the catalogue" either
        _add_september_row(postgres_server, schema)
        back = sensor_tick(instance, left.cursor)
        assert _requested(back) == [("ingest_households", sep, None, None)]
        assert back.run_requests[0].run_key != arrived.run_requests[0].run_key


def test_the_undated_partition_is_requested_when_its_rows_change_and_named_in_the_skip_reason(
    pg_catalogue, postgres_server
):
    """Rows with no date are the partition ``<source>@undated``: a new date does not re-request an older one
    whose count is unchanged; the undated partition runs again when its rows change (count or spellings) or,
    while it holds rows, when the dates' counts change (a row may have swapped places with an undated one), not
    otherwise; the skip reason counts them and names the partition, never a cell value."""
    schema, _ = pg_catalogue("text", ["2025-08-31"] * 3 + [None, "chưa rõ"])
    aug, sep, undated = f"{SOURCE}@2025-08-31", f"{SOURCE}@2025-09-30", f"{SOURCE}@undated"

    def sql(statement: str) -> None:
        with _connect(postgres_server) as conn:
            conn.execute(statement.format(t=f"{schema}.households"))

    with dg.DagsterInstance.ephemeral() as instance:
        first = sensor_tick(instance)
        assert _requested(first) == [("ingest_households", None, aug, undated)]
        sql(
            "INSERT INTO {t} (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) VALUES (9001, '1', 'A', 'B', '2025-09-30')"
        )
        second = sensor_tick(instance, first.cursor)
        # the new date, and the undated rows (the new row might have been one of them): not the older date
        assert _requested(second) == [
            ("ingest_households", sep, None, None),
            ("ingest_households", undated, None, None),
        ]
        quiet = sensor_tick(instance, second.cursor)
        assert not quiet.run_requests
        message = quiet.skip_reason.skip_message
        assert "2 rows with an empty or unreadable date in column 'ngay_trich_xuat'" in message, message
        assert f"quarantined in {undated}" in message and "chưa rõ" not in message, message

        sql("UPDATE {t} SET ngay_trich_xuat = 'không rõ' WHERE ngay_trich_xuat = 'chưa rõ'")  # same count
        respelled = sensor_tick(instance, quiet.cursor)
        assert _requested(respelled) == [("ingest_households", undated, None, None)]
        sql("UPDATE {t} SET ngay_trich_xuat = '2025-08-31' WHERE ngay_trich_xuat IS NULL")  # a row gets a date
        dated = sensor_tick(instance, respelled.cursor)  # the row leaves @undated and joins its date's partition
        assert _requested(dated) == [("ingest_households", aug, None, None), ("ingest_households", undated, None, None)]
        assert not sensor_tick(instance, dated.cursor).run_requests  # once

        # a sensor without a cursor on an instance that knows the partitions: the undated one again (it holds rows)
        assert _requested(sensor_tick(instance, None)) == [("ingest_households", undated, None, None)]
        sql("DELETE FROM {t} WHERE ngay_trich_xuat = 'không rõ'")
        assert not sensor_tick(instance, None).run_requests  # no rows without a date, nothing it does not know


def test_a_timestamp_column_with_more_distinct_times_than_bound_parameters_reads_by_day(pg_catalogue, postgres_server):
    """70,000 distinct timestamps on one day (PostgreSQL binds at most 65,535 parameters): one extract per day,
    read with two bound dates (``>= day AND < day + 1``), every row of that day and none of the next."""
    from pipelines.ingest.readers import read_extract

    schema, path = pg_catalogue("timestamp", [None])
    with _connect(postgres_server) as conn:
        conn.execute(
            f"INSERT INTO {schema}.households (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) "
            "SELECT g, g::text, 'A', 'B', TIMESTAMP '2025-08-31 00:00:00' + g * INTERVAL '1 second' "
            "FROM generate_series(10, 70009) g"
        )
        conn.execute(
            f"INSERT INTO {schema}.households (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) "
            "VALUES (80001, '1', 'A', 'B', TIMESTAMP '2025-09-01 00:00:00')"
        )
    spec = load_catalogue([path])[SOURCE]
    assert [e.extract_date for e in spec.extracts() if not e.undated] == [date(2025, 8, 31), date(2025, 9, 1)]
    expected = len(_keys_where(postgres_server, schema, "ngay_trich_xuat::date = DATE '2025-08-31'"))
    assert expected > 65_535
    listed = spec.extracts()[0]  # reading an extract as listed does not list the dates again (no N+1)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    try:
        read = read_extract(listed, batch_rows=100_000)
        assert sum(b.height for b in read.batches) == expected and not read.problems
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "GROUP BY" in s.upper()], statements


def test_too_many_filter_values_are_refused_before_any_query(tmp_path):
    import sqlite3

    from pipelines.ingest.sql import MAX_FILTER_VALUES, SqlSourceError, read_sql_table

    db = tmp_path / "t.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (k integer primary key, d text)")
        conn.execute("INSERT INTO t VALUES (1, '20250831')")
    url = f"sqlite:///{db.as_posix()}"
    ok = list(read_sql_table(url, "t", filter_column="d", filter_values=["20250831"] * MAX_FILTER_VALUES))
    assert sum(b.height for b in ok) == 1
    with pytest.raises(SqlSourceError, match=f"{MAX_FILTER_VALUES + 1} values to filter by"):
        read_sql_table(url, "t", filter_column="d", filter_values=["x"] * (MAX_FILTER_VALUES + 1))


def test_a_connection_dropped_while_inspecting_the_table_skips_the_source_naming_the_error_type(
    pg_catalogue, postgres_server
):
    """The server ends the session during the table's inspection (``_plan``): a SqlSourceError naming the
    source and the error's type, never the driver's text; the sensor skips instead of crashing."""
    pg_catalogue("date", [date(2025, 8, 31)])
    dropped = []

    def drop(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if "pg_namespace" in statement and not dropped:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with _connect(postgres_server) as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            dropped.append(pid)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", drop)
    try:
        with dg.DagsterInstance.ephemeral() as instance:
            result = sensor_tick(instance)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", drop)
    assert dropped and not result.run_requests
    message = result.skip_reason.skip_message
    assert SOURCE in message and "inspecting table" in message and "AdminShutdown" in message, message
    assert "terminat" not in message.lower()


def test_a_host_that_never_answers_fails_after_the_connect_timeout(pg_catalogue, monkeypatch):
    """A port that accepts TCP but never speaks (a black-holed server): the connection attempt gives up after
    ``CONNECT_TIMEOUT`` seconds (1 here) instead of hanging the sensor tick."""
    import threading

    from pipelines.ingest import sql
    from pipelines.ingest.sql import SqlSourceError, source_groups

    _, path = pg_catalogue("date", [date(2025, 8, 31)])
    monkeypatch.setattr(sql, "CONNECT_TIMEOUT", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts the connection; nobody answers
        monkeypatch.setenv("WB_PG_PORT", str(silent.getsockname()[1]))
        spec = load_catalogue([path])[SOURCE]
        outcome: list[BaseException] = []

        def attempt() -> None:
            try:
                source_groups(spec)
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                outcome.append(exc)

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(timeout=8)
        assert not worker.is_alive(), "the connection attempt still hangs"
    assert len(outcome) == 1 and isinstance(outcome[0], SqlSourceError), outcome
    assert SOURCE in str(outcome[0])


# --------------------------------------------------------------------------- undated rows over a sequence of ticks


def _run_keys(instance: dg.DagsterInstance, result: dg.SensorResult) -> list[str]:
    """The partition keys the sensor's run requests cover (a ranged run: the registered keys from start to end)."""
    registered = list(instance.get_dynamic_partitions(partitions_name(REGISTRY)))
    keys: list[str] = []
    for request in result.run_requests:
        if request.partition_key:
            keys.append(request.partition_key)
        else:
            start = registered.index(request.tags["dagster/asset_partition_range_start"])
            keys.extend(registered[start : registered.index(request.tags["dagster/asset_partition_range_end"]) + 1])
    return keys


def _ingest(path: Path, keys, store: dict[str, set[str]]) -> None:  # noqa: ANN001
    """What a run of ``keys`` leaves in the warehouse: each key the catalogue lists now is read again (its rows
    replace what it held); a key it does not list (a date the table purged) is skipped, its data kept as it was."""
    listed = extracts_by_partition(load_catalogue([path]), REGISTRY)
    for key in keys:
        if key in listed:
            store[key] = set(load_raw(listed[key], "test-run").frame["source_key"])


def test_undated_rows_are_in_exactly_one_partition_whatever_the_table_does(pg_catalogue, postgres_server):
    """Rows with an empty or unreadable date are held by exactly one partition after every tick and every
    nightly reload, while a new date arrives, the latest date is purged, every date is purged and only undated
    rows are left; a row that gets a date leaves them, a row that loses its date joins them, also when that keeps
    every count but one date's. Dated rows are in their own date's partition only."""
    schema, path = pg_catalogue("text", ["2025-08-31"] * 3 + ["2025-09-30"] * 2 + [None, "chưa rõ"])
    undated_sql = "ngay_trich_xuat IS NULL OR ngay_trich_xuat !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"
    store: dict[str, set[str]] = {}

    def check(step: str) -> None:
        undated = _keys_where(postgres_server, schema, undated_sql)
        for ma in undated:  # read from the server, not by the code under test
            holders = sorted(k for k, held in store.items() if ma in held)
            assert len(holders) == 1, f"{step}: undated row {ma} held by {holders}"
        for day in {k.rpartition("@")[2] for k in store} - {"undated"}:
            dated = _keys_where(postgres_server, schema, f"ngay_trich_xuat = '{day}'")
            for ma in dated:
                holders = sorted(k for k, held in store.items() if ma in held)
                assert holders == [f"{SOURCE}@{day}"], f"{step}: row {ma} of {day} held by {holders}"

    def sql(statement: str) -> None:
        with _connect(postgres_server) as conn:
            conn.execute(statement.format(t=f"{schema}.households"))

    def tick(cursor: str | None, step: str) -> str:
        result = sensor_tick(instance, cursor)
        _ingest(path, _run_keys(instance, result), store)
        check(f"{step}, after the sensor's runs")
        _ingest(path, instance.get_dynamic_partitions(partitions_name(REGISTRY)), store)  # the nightly reload
        check(f"{step}, after the nightly reload")
        return result.cursor

    with dg.DagsterInstance.ephemeral() as instance:
        cursor = tick(None, "first tick")
        insert = "INSERT INTO {t} (ma, so_ho_khau, ten_chu_ho, dia_chi, ngay_trich_xuat) VALUES "
        sql(insert + "(9001, '1', 'A', 'B', '2025-10-31'), (9002, '2', 'C', 'D', NULL), (9003, '3', 'E', 'F', NULL)")
        sql(insert + "(9004, '4', 'G', 'H', NULL)")
        cursor = tick(cursor, "a new date and three more undated rows")
        sql("DELETE FROM {t} WHERE ngay_trich_xuat = '2025-10-31'")
        cursor = tick(cursor, "the latest date purged")
        sql("DELETE FROM {t} WHERE ngay_trich_xuat LIKE '2025-%'")
        cursor = tick(cursor, "every date purged: undated rows only")
        sql("UPDATE {t} SET ngay_trich_xuat = '2025-11-30' WHERE ma = 9002")
        cursor = tick(cursor, "an undated row gets a date")
        assert [k for k, held in store.items() if "9002" in held] == [f"{SOURCE}@2025-11-30"]
        # rows moving between a date that stays and the undated rows: both partitions must run again
        sql("UPDATE {t} SET ngay_trich_xuat = '2025-11-30' WHERE ma IN (9003, 9004)")
        cursor = tick(cursor, "an undated row gets a date already registered")
        sql("UPDATE {t} SET ngay_trich_xuat = NULL WHERE ma = 9003")
        cursor = tick(cursor, "a dated row loses its date")
        # the undated rows' count and spellings stay as they were (one NULL out, one NULL in)
        sql("UPDATE {t} SET ngay_trich_xuat = '2025-12-31' WHERE ma = 9003")
        sql("UPDATE {t} SET ngay_trich_xuat = NULL WHERE ma = 9004")
        cursor = tick(cursor, "an undated row and a dated row swap places")
        assert [k for k, held in store.items() if "9004" in held] == [f"{SOURCE}@undated"]
        assert [k for k, held in store.items() if "9003" in held] == [f"{SOURCE}@2025-12-31"]


def test_a_date_whose_rows_all_lose_their_date_is_not_counted_twice(pg_catalogue, postgres_server, tmp_path):
    """Every row of 2025-09-30 loses its date: the date leaves the table (its partition kept, as for a purge),
    the rows are read by ``@undated``, and are taken out of 2025-09-30's kept partition, so each row is in one
    partition. A purged date's rows (deleted from the table) stay in its partition as history."""
    from assets.ingest import build_registry_assets
    from assets.resources import WarehouseResource
    from pipelines.ingest.status import read_status
    from pipelines.warehouse import PartitionedLayer, Warehouse

    schema, _ = pg_catalogue("text", ["2025-08-31"] * 3 + ["2025-09-30"] * 4 + ["2025-10-31"] * 2)
    load = build_registry_assets(REGISTRY)
    job = dg.define_asset_job("one", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
    warehouse = with_reference_snapshot(tmp_path / "wh")  # not written again for each test (tests/referencecopy.py)
    defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(warehouse))})
    wh = Warehouse(warehouse)

    def run(*keys: str) -> None:
        with dg.DagsterInstance.ephemeral() as instance:
            for key in keys:
                assert defs.resolve_job_def("one").execute_in_process(instance=instance, partition_key=key).success

    def run_range(first: str, last: str) -> None:
        """One run over the catalogue's keys from ``first`` to ``last``, as the sensor's first tick requests them (the
        ingest's BackfillPolicy.single_run): one Dagster run, not one per key."""
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        with dg.DagsterInstance.ephemeral() as instance:
            assert defs.resolve_job_def("one").execute_in_process(instance=instance, tags=tags).success

    def holders() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key in read_status(wh, REGISTRY):
            path = PartitionedLayer(wh, "raw").path(f"raw_{REGISTRY}", key)
            for ma in pl.read_parquet(path)["source_key"] if path.is_file() else []:
                out.setdefault(ma, []).append(key.rpartition("@")[2])
        return out

    run_range(f"{SOURCE}@2025-08-31", f"{SOURCE}@undated")
    days = ["2025-08-31", "2025-09-30", "2025-10-31", "undated"]
    assert sorted(read_status(wh, REGISTRY)) == [f"{SOURCE}@{day}" for day in days]  # the range held all four
    moved = _keys_where(postgres_server, schema, "ngay_trich_xuat = '2025-09-30'")
    purged = _keys_where(postgres_server, schema, "ngay_trich_xuat = '2025-10-31'")
    with _connect(postgres_server) as conn:
        conn.execute(f"UPDATE {schema}.households SET ngay_trich_xuat = NULL WHERE ngay_trich_xuat = '2025-09-30'")
        conn.execute(f"DELETE FROM {schema}.households WHERE ngay_trich_xuat = '2025-10-31'")
    run(f"{SOURCE}@undated")  # what the sensor requests: the undated rows' count changed
    held = holders()
    assert {ma: held[ma] for ma in moved} == dict.fromkeys(moved, ["undated"])  # was ['2025-09-30', 'undated']
    assert {ma: held[ma] for ma in purged} == dict.fromkeys(purged, ["2025-10-31"])  # a purge keeps its history
    assert all(len(h) == 1 for h in held.values())
    status = read_status(wh, REGISTRY)[f"{SOURCE}@2025-09-30"]
    assert status.raw_rows == 0 and "4 of its rows are now read by" in status.cause
    for layer in ("staged", "quarantine"):  # the record keys left every layer, so the partition still balances
        path = PartitionedLayer(wh, layer).path(f"{layer}_{REGISTRY}", f"{SOURCE}@2025-09-30")
        assert not path.is_file() or pl.read_parquet(path).height == 0
    run(f"{SOURCE}@undated", f"{SOURCE}@2025-08-31")  # a rerun changes nothing
    assert holders() == held


def test_rows_are_matched_across_dates_only_on_a_key_the_database_holds_unique(pg_catalogue, postgres_server):
    """A record number that restarts with each extract would take a purged date's rows for undated ones: the key
    column must be the primary key, or carry a unique constraint or index, else nothing is matched."""
    from pipelines.ingest.sql import identifying_key

    schema, path = pg_catalogue("text", ["2025-08-31"] * 2)
    spec = load_catalogue([path])[SOURCE]
    assert identifying_key(spec) == "ma"  # the primary key
    with _connect(postgres_server) as conn:
        conn.execute(f"ALTER TABLE {schema}.households DROP CONSTRAINT households_pkey")
    assert identifying_key(spec) is None  # a plain column: maybe repeated across extracts
    with _connect(postgres_server) as conn:
        conn.execute(f"CREATE UNIQUE INDEX ma_once ON {schema}.households (ma)")
    assert identifying_key(spec) == "ma"
    with _connect(postgres_server) as conn:
        conn.execute(f"DROP INDEX {schema}.ma_once")
        conn.execute(f"ALTER TABLE {schema}.households ADD CONSTRAINT two UNIQUE (ma, so_ho_khau)")
    assert identifying_key(spec) is None  # unique only with another column
