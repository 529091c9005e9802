"""SQL sources: pipelines.ingest.sql against a real PostgreSQL server and the sample's SQLite files.

The PostgreSQL server comes from the ``postgres_*`` fixtures in conftest.py (a throwaway
cluster, or the one named by WB_PG_*).
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from pipelines.ingest.sql import (
    SOURCE_KEY,
    LiteralPasswordError,
    MissingColumnError,
    MissingTableError,
    MissingVariableError,
    SqlSourceError,
    UrlTemplateError,
    mask_url,
    read_only_connection,
    read_sql_table,
    resolve_url,
)
from tests.sqlhelpers import load_sql_dump

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "registries"
PG_TEMPLATE = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"
INJECTION = "x' OR '1'='1"


def sample_sources(fmt: str) -> list[dict]:
    manifest = json.loads((SAMPLE / "manifest.json").read_text("utf-8"))
    return [s for s in manifest["sources"] if s["fmt"] == fmt]


# --------------------------------------------------------------------------- independent dump parser

_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\":
            out.append(_UNESCAPE[field[i + 1]])
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def dump_frame(path: Path) -> pl.DataFrame:
    """All rows of the COPY blocks of a dump, every column as text."""
    columns: list[str] | None = None
    rows: list[list[str | None]] = []
    copying = False
    for line in path.read_text("utf-8").split("\n"):
        if copying:
            if line == "\\.":
                copying = False
            else:
                rows.append([_unescape(f) for f in line.split("\t")])
        elif line.startswith("COPY "):
            inner = line[line.index("(") + 1 : line.rindex(")")]
            columns = [c.strip().strip('"').replace('""', '"') for c in inner.split(",")]
            copying = True
    assert columns is not None and not copying
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pg_dump_source() -> dict:
    sources = sample_sources("postgres_dump")
    assert sources, "the sample has no postgres_dump source"
    return max(sources, key=lambda s: s["rows"])  # the largest: several batches of 100


@pytest.fixture(scope="module")
def loaded(pg_dump_source, postgres_url):
    result = load_sql_dump(SAMPLE / pg_dump_source["path"], postgres_url)
    assert len(result.tables) == 1
    return result.tables[0]


@pytest.fixture(scope="module")
def pg_url(postgres_env) -> str:
    return resolve_url(PG_TEMPLATE, postgres_env, source="test")


def pg_scalar(url: str, sql: str):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def collect(batches) -> pl.DataFrame:
    return pl.concat(list(batches), how="vertical")


# --------------------------------------------------------------------------- PostgreSQL


def test_dump_reads_back_in_batches(pg_dump_source, loaded, pg_url):
    expected = dump_frame(SAMPLE / pg_dump_source["path"])
    assert loaded.rows == pg_dump_source["rows"] == expected.height
    batches = list(read_sql_table(pg_url, loaded.table, schema=loaded.schema, batch_rows=100))
    assert len(batches) == math.ceil(expected.height / 100) > 1
    assert all(b.height <= 100 for b in batches)
    got = pl.concat(batches)
    assert got.columns == [*expected.columns, SOURCE_KEY]
    assert all(dtype == pl.String for dtype in got.dtypes)
    assert got.drop(SOURCE_KEY).equals(expected.sort(pl.col("source_pk").cast(pl.Int64)))
    assert got[SOURCE_KEY].to_list() == got["source_pk"].to_list()
    assert got[SOURCE_KEY].to_list() == [str(i) for i in range(1, expected.height + 1)]


def test_load_is_idempotent(pg_dump_source, loaded, postgres_url, pg_url):
    again = load_sql_dump(SAMPLE / pg_dump_source["path"], postgres_url)
    assert again.tables[0] == loaded
    table = sa.table(loaded.table, schema=loaded.schema)
    count = pg_scalar(pg_url, str(sa.select(sa.func.count()).select_from(table).compile(sa.create_engine(pg_url))))
    assert count == loaded.rows


def test_column_subset_key_column_and_nulls(loaded, pg_url):
    cols = pg_scalar(
        pg_url,
        "SELECT string_agg(column_name, '|' ORDER BY ordinal_position) FROM information_schema.columns "
        f"WHERE table_schema = '{loaded.schema}' AND table_name = '{loaded.table}'",
    ).split("|")
    pick = [cols[3], cols[1]]
    got = collect(read_sql_table(pg_url, loaded.table, schema=loaded.schema, columns=pick, key_column=cols[1]))
    assert got.columns == [*pick, SOURCE_KEY]
    assert got[SOURCE_KEY].to_list() == got[cols[1]].to_list()


def test_reader_transaction_is_read_only(loaded, pg_url):
    with read_only_connection(pg_url) as conn:
        assert conn.execute(sa.text("SHOW transaction_read_only")).scalar() == "on"
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            conn.execute(sa.text("CREATE TABLE wb_should_not_exist (a int)"))
    with read_only_connection(pg_url) as conn:
        target = sa.table(loaded.table, sa.column("source_pk"), schema=loaded.schema)
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            conn.execute(sa.delete(target))
    assert pg_scalar(pg_url, "SELECT to_regclass('wb_should_not_exist') IS NULL")

    # The streaming SELECT of read_sql_table itself runs on a read-only connection.
    seen: list[tuple[str, bool]] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, conn.connection.dbapi_connection.read_only))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", spy)
    try:
        collect(read_sql_table(pg_url, loaded.table, schema=loaded.schema, batch_rows=100))
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", spy)
    selects = [ro for stmt, ro in seen if stmt.lstrip().startswith("SELECT") and loaded.table in stmt]
    assert selects and all(selects)
    assert any(stmt.strip() == "SET TRANSACTION READ ONLY" for stmt, _ in seen)


def test_iterator_closes_its_connection(loaded, pg_url):
    # The iterator's own backend, by its pid: counting every connection of the database failed when the other
    # xdist worker had one open at that moment, and the failed test's frame then kept the iterator (and its
    # read-only transaction's lock) alive, so a later DROP TABLE of the same dump waited for ever (CI hung).
    pids: list[int] = []

    def remember(dbapi_connection, connection_record):
        pids.append(dbapi_connection.info.backend_pid)

    sa.event.listen(sa.pool.Pool, "connect", remember)
    it = read_sql_table(pg_url, loaded.table, schema=loaded.schema, batch_rows=10)
    try:
        try:
            first = next(it)
        finally:
            sa.event.remove(sa.pool.Pool, "connect", remember)
        assert first.height == 10 and pids
        # Of the connections the read opened (checks, then the stream), only the stream's is still open.
        backend = f"SELECT count(*) FROM pg_stat_activity WHERE pid IN ({', '.join(str(int(p)) for p in pids)})"
        assert _settled(pg_url, backend, 1) == 1
    finally:
        it.close()
    assert _settled(pg_url, backend, 0) == 0


def _settled(url: str, count_sql: str, expected: int, seconds: float = 10.0) -> int:
    """The count once it is ``expected`` or ``seconds`` have passed: a backend leaves pg_stat_activity just after
    its client has gone, not at once."""
    deadline = time.monotonic() + seconds
    while (got := pg_scalar(url, count_sql)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return got


def test_where_takes_values_only_as_parameters(loaded, pg_url):
    everything = collect(read_sql_table(pg_url, loaded.table, schema=loaded.schema))
    value = everything["source_pk"][5]
    hit = collect(
        read_sql_table(pg_url, loaded.table, schema=loaded.schema, where="source_pk = CAST(:pk AS bigint)",
                       params={"pk": value})
    )  # fmt: skip
    assert hit["source_pk"].to_list() == [value] and hit[SOURCE_KEY].to_list() == [value]

    text_col = everything.columns[2]
    where = sa.column(text_col).compile(sa.create_engine(pg_url)).string + " = :v"  # quoted identifier
    same = collect(read_sql_table(pg_url, loaded.table, schema=loaded.schema, where=where,
                                  params={"v": everything[text_col][0]}))  # fmt: skip
    assert same.height >= 1 and set(same[text_col]) == {everything[text_col][0]}

    injected = list(read_sql_table(pg_url, loaded.table, schema=loaded.schema, where=where, params={"v": INJECTION}))
    assert len(injected) == 1 and injected[0].height == 0  # treated as data: no row has that value
    assert injected[0].columns == everything.columns

    for bad in (f"{where} OR '1'='1'", f"{where}; DROP TABLE x", f"{where} -- comment", "source_pk = $$1$$"):
        with pytest.raises(SqlSourceError, match="bound parameters"):
            read_sql_table(pg_url, loaded.table, schema=loaded.schema, where=bad, params={"v": "1"})
    with pytest.raises(SqlSourceError, match="no value given for parameter"):
        read_sql_table(pg_url, loaded.table, schema=loaded.schema, where=where)


def test_missing_table_and_column_are_named(loaded, pg_url, postgres_env):
    password = postgres_env["WB_PG_PASSWORD"]
    with pytest.raises(MissingTableError, match="no_such_table") as err:
        read_sql_table(pg_url, "no_such_table", schema=loaded.schema)
    assert postgres_env["WB_PG_DB"] in str(err.value) and "***" in str(err.value)
    assert password not in str(err.value)
    with pytest.raises(MissingTableError, match="no_such_schema"):
        read_sql_table(pg_url, loaded.table, schema="no_such_schema")
    hostile = f'{loaded.table}"; DROP TABLE "{loaded.table}"; --'
    with pytest.raises(MissingTableError, match="DROP TABLE"):  # checked against the catalogue, never run
        read_sql_table(pg_url, hostile, schema=loaded.schema)
    with pytest.raises(MissingColumnError, match="no_such_column") as err:
        read_sql_table(pg_url, loaded.table, schema=loaded.schema, columns=["source_pk", "no_such_column"])
    assert loaded.table in str(err.value) and password not in str(err.value)
    with pytest.raises(MissingColumnError, match="nope"):
        read_sql_table(pg_url, loaded.table, schema=loaded.schema, key_column="nope")
    assert pg_scalar(pg_url, f'SELECT count(*) FROM "{loaded.schema}"."{loaded.table}"') == loaded.rows


def test_connection_error_masks_password(postgres_env):
    env = dict(postgres_env, WB_PG_PASSWORD="wrong-" + postgres_env["WB_PG_PASSWORD"])
    url = resolve_url(PG_TEMPLATE, env)
    with pytest.raises(SqlSourceError) as err:
        read_sql_table(url, "anything")
    assert env["WB_PG_PASSWORD"] not in str(err.value) and "***" in str(err.value)


# --------------------------------------------------------------------------- URL templates


def test_resolve_url_fills_and_escapes_placeholders():
    env = {"U": "reader", "P": "p@ss/w:rd %?#", "H": "127.0.0.1", "PORT": "5433", "D": "registry"}
    url = resolve_url("postgresql+psycopg://${U}:${P}@${H}:${PORT}/${D}", env, source="tax_718")
    parsed = sa.make_url(url)
    assert (parsed.username, parsed.password, parsed.host, parsed.port, parsed.database) == (
        "reader", "p@ss/w:rd %?#", "127.0.0.1", 5433, "registry"
    )  # fmt: skip
    assert env["P"] not in mask_url(url) and "***" in mask_url(url)
    # no credentials at all is fine (e.g. peer/trust authentication)
    assert resolve_url("postgresql+psycopg://${H}/db", env) == "postgresql+psycopg://127.0.0.1/db"


def test_literal_passwords_are_rejected():
    for template in (
        "postgresql+psycopg://reader:s3cret@localhost/db",
        "postgresql+psycopg://reader:pre${P}@localhost/db",
        "postgresql+psycopg://${U}:s3cret@${H}/db",
        "postgresql+psycopg://reader@localhost/db?password=s3cret",
    ):
        with pytest.raises(LiteralPasswordError, match="literal") as err:
            resolve_url(template, {"U": "u", "P": "p", "H": "h"}, source="tax_718")
        assert "s3cret" not in str(err.value) and "tax_718" in str(err.value)
    assert resolve_url("postgresql+psycopg://reader@localhost/db?password=${P}", {"P": "x"}).endswith("password=x")


def test_missing_variables_are_named_with_the_source():
    with pytest.raises(MissingVariableError) as err:
        resolve_url(PG_TEMPLATE, {"WB_PG_USER": "u", "WB_PG_HOST": "h", "WB_PG_PORT": "5432"}, source="tax_718")
    message = str(err.value)
    assert "WB_PG_PASSWORD" in message and "WB_PG_DB" in message and "tax_718" in message
    assert err.value.variables == ("WB_PG_PASSWORD", "WB_PG_DB")
    with pytest.raises(UrlTemplateError, match="malformed"):
        resolve_url("postgresql+psycopg://${WB_PG_USER:localhost/db", {})
    with pytest.raises(UrlTemplateError, match="WB_PG_PORT"):
        resolve_url(PG_TEMPLATE, {"WB_PG_USER": "u", "WB_PG_PASSWORD": "p", "WB_PG_HOST": "h",
                                  "WB_PG_PORT": "54x", "WB_PG_DB": "d"})  # fmt: skip


def test_relative_sqlite_paths_resolve_against_base_dir(tmp_path):
    assert resolve_url("sqlite:///data/x.sqlite", {}, base_dir=tmp_path) == f"sqlite:///{tmp_path}/data/x.sqlite"
    assert resolve_url("sqlite:////abs/x.sqlite", {}, base_dir=tmp_path) == "sqlite:////abs/x.sqlite"
    assert (
        resolve_url("sqlite:///${DIR}/x.sqlite", {"DIR": "sub"}, base_dir=tmp_path)
        == f"sqlite:///{tmp_path}/sub/x.sqlite"
    )


# --------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="module")
def sqlite_source() -> dict:
    sources = sample_sources("sqlite")
    assert sources, "the sample has no sqlite source"
    return max(sources, key=lambda s: s["rows"])


def sqlite_frame(path: Path) -> tuple[str, pl.DataFrame]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (table,) = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchone()
        cur = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    return table, pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


def test_sqlite_sample_reads_with_row_numbers(sqlite_source):
    path = SAMPLE / sqlite_source["path"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    table, expected = sqlite_frame(path)
    url = resolve_url(f"sqlite:///{path.relative_to(ROOT)}", {}, base_dir=ROOT)
    batches = list(read_sql_table(url, table, batch_rows=1000))
    assert [b.height for b in batches][:-1] == [1000] * (len(batches) - 1)
    got = pl.concat(batches)
    assert got.height == sqlite_source["rows"]
    assert got.drop(SOURCE_KEY).equals(expected)
    assert got[SOURCE_KEY].to_list() == [str(i) for i in range(1, expected.height + 1)]

    # A filter keeps each row's number; the value is data, never SQL.
    col = expected.columns[1]
    value = expected[col][7]
    hit = collect(read_sql_table(url, table, where=f'"{col}" = :v', params={"v": value}))
    assert "8" in hit[SOURCE_KEY].to_list() and set(hit[col]) == {value}
    assert collect(read_sql_table(url, table, where=f'"{col}" = :v', params={"v": INJECTION})).height == 0

    with read_only_connection(url) as conn, pytest.raises(sa.exc.DBAPIError, match="readonly|read-only|query_only"):
        conn.execute(sa.text(f'DELETE FROM "{table}"'))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest

    with pytest.raises(MissingColumnError, match="no_such_column"):
        read_sql_table(url, table, columns=["no_such_column"])
    with pytest.raises(MissingTableError, match="no_such_table"):
        read_sql_table(url, "no_such_table")


def test_sqlite_missing_file_is_not_created(tmp_path):
    url = resolve_url("sqlite:///missing.sqlite", {}, base_dir=tmp_path)
    with pytest.raises(SqlSourceError, match="missing.sqlite"):
        read_sql_table(url, "t")
    assert not (tmp_path / "missing.sqlite").exists()


def test_test_only_helpers_live_in_tests_not_in_production_modules():
    import pipelines.ingest.sql as sql
    import pipelines.warehouse as warehouse
    import tests.sqlhelpers as helpers

    assert not hasattr(sql, "load_sql_dump") and "load_sql_dump" not in sql.__all__
    assert not hasattr(warehouse, "ddl")
    assert callable(helpers.load_sql_dump) and callable(helpers.ddl)
