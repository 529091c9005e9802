"""Read SQL sources (PostgreSQL, SQLite) read-only, in bounded-memory batches.

Two pieces, no Dagster:

* :func:`resolve_url` turns a catalogue URL template into a SQLAlchemy URL. Credentials
  and hosts come from environment variables through ``${VAR}`` placeholders::

      postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:5432/${WB_PG_DB}
      sqlite:///data/sample/registries/population/population_770.sqlite

  A password written into the template (anything but one ``${...}`` placeholder) is
  rejected, so credentials never live in the catalogue file; a variable that is not set
  is an error naming the variable and the source. Relative SQLite paths resolve against
  ``base_dir``.

* :func:`read_sql_table` streams one table as polars DataFrames of text columns plus a
  ``_source_key`` column. Table and column names are checked against the database's
  own catalogue before use and quoted by SQLAlchemy; filters take their values only
  through bound parameters; everything runs in a read-only transaction
  (:func:`read_only_connection`) with a server-side cursor.

* :func:`extract_date_groups` lists the extracts of a table that holds several (catalogue
  ``extract_date_column``): one ``GROUP BY`` of that column with row counts (a DATE/TIMESTAMP
  column grouped by ``CAST(column AS DATE)``), each distinct value read as a date
  (:func:`parse_extract_date`); values that are NULL or no date are kept apart (and counted), so
  their rows can be quarantined (readers.py reads them as the partition ``<source>@undated``).
  :func:`read_sql_table` reads one extract with ``filter_column`` and ``filter_values`` (text:
  ``column IN (...)``, every value a bound parameter, at most :data:`MAX_FILTER_VALUES`) or
  ``filter_day`` (``column >= :day AND column < :day + 1``), evaluated by the database.

(Loading the generator's PostgreSQL dumps into a server is a test helper: tests/sqlhelpers.py.)

Errors are :class:`SqlSourceError` subclasses; their messages show URLs with the
password masked (:func:`mask_url`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from pipelines.reference import CITY_TIME_ZONE

__all__ = [
    "SOURCE_KEY",
    "ExtractDates",
    "LiteralPasswordError",
    "MissingColumnError",
    "MissingTableError",
    "MissingVariableError",
    "SqlSourceError",
    "UrlTemplateError",
    "extract_date_groups",
    "mask_url",
    "parse_extract_date",
    "read_only_connection",
    "read_sql_table",
    "resolve_url",
]

SOURCE_KEY = "_source_key"
"""Name of the key column :func:`read_sql_table` adds to every batch."""

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ONE_PLACEHOLDER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")

# SQLAlchemy's own URL grammar (sqlalchemy.engine.url._parse_url), applied to the
# *template*, so we know which component each placeholder sits in before substituting.
_URL = re.compile(
    r"""
    (?P<name>[\w\+]+)://
    (?:
        (?P<username>[^:/]*)
        (?::(?P<password>[^@]*))?
    @)?
    (?:
        (?:
            \[(?P<ipv6host>[^/\?]+)\] |
            (?P<ipv4host>[^/:\?]+)
        )?
        (?::(?P<port>[^/\?]*))?
    )?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    $""",
    re.VERBOSE | re.DOTALL,
)


class SqlSourceError(Exception):
    """A SQL source cannot be read as asked."""


class SourceLoginRefused(SqlSourceError):
    """The database server answered and refused the login or the database named (a wrong password, user or database
    name, no pg_hba.conf entry): another try changes nothing, so the ingest does not retry it (a server that cannot
    be reached is retried). Each retry was one more failed login, which a server may count towards locking the
    account."""


# What servers say when they refuse a login or the database named (PostgreSQL, MySQL/MariaDB, SQL Server); SQLSTATE
# class 28 (invalid authorization) and 3D000 (no such database) where the driver gives one
_REFUSED_WORDS = (
    "password authentication failed",
    "no pg_hba.conf entry",
    "does not exist",
    "access denied for user",
    "login failed for user",
    "authentication failed",
    "unknown database",
)


def login_refused(orig: BaseException | None) -> bool:
    """Whether a driver's connection error is the server refusing the login or the database, not a server down."""
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str) and (state.startswith("28") or state == "3D000"):
        return True
    text = str(orig).lower()
    return any(words in text for words in _REFUSED_WORDS)


class UrlTemplateError(SqlSourceError, ValueError):
    """A catalogue URL template is malformed."""


class MissingVariableError(UrlTemplateError, LookupError):
    """A ``${VAR}`` placeholder names an environment variable that is not set."""

    def __init__(self, message: str, variables: Sequence[str], source: str | None):
        super().__init__(message)
        self.variables = tuple(variables)
        self.source = source


class LiteralPasswordError(UrlTemplateError):
    """A URL template holds a literal password instead of a ``${VAR}`` placeholder."""


class MissingTableError(SqlSourceError, LookupError):
    """The table (or schema) does not exist in the database."""


class MissingColumnError(SqlSourceError, LookupError):
    """A requested column does not exist in the table."""


# --------------------------------------------------------------------------- URLs


def _source_label(source: str | None) -> str:
    return f"source {source!r}" if source else "the source URL"


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_path(database: str | None) -> bool:
    """True when a SQLite ``database`` is a file path (not memory, not a URI)."""
    return bool(database) and database != ":memory:" and not database.startswith("file:")


def resolve_url(
    url_template: str,
    env: Mapping[str, str] | None = None,
    *,
    source: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The SQLAlchemy URL of a catalogue entry, placeholders filled from ``env``.

    ``url_template`` may hold ``${NAME}`` placeholders anywhere after the scheme; they
    are replaced by ``env[NAME]`` (default :data:`os.environ`) and the value is escaped
    for the URL component it lands in, so a password with ``@`` or ``/`` works.
    ``source`` names the catalogue entry in error messages; ``base_dir`` anchors a
    relative SQLite path (``sqlite:///data/x.sqlite``), otherwise it stays relative
    to the working directory.

    Raises :class:`LiteralPasswordError` when the template's password (or a
    ``password`` query parameter) is anything but exactly one placeholder,
    :class:`MissingVariableError` naming every unset variable and the source, and
    :class:`UrlTemplateError` for malformed templates. The result holds the password
    in clear: pass it on, never log it (use :func:`mask_url`).
    """
    env = os.environ if env is None else env
    where = _source_label(source)
    parts = _template_parts(url_template, where)
    query_items = _query_without_literal_passwords(parts, where)
    _require_variables(url_template, env, where, source)
    if _PLACEHOLDER.search(parts["name"]):
        raise UrlTemplateError(f"{where}: placeholders are not allowed in the URL scheme")
    port = _filled_port(parts["port"], env, where)
    query: dict[str, str | list[str]] = {}
    for key, value in query_items:
        k, v = _filled(key, env, unquote_literals=False), _filled(value, env, unquote_literals=False)
        if k in query:
            prev = query[k]
            query[k] = [*prev, v] if isinstance(prev, list) else [prev, v]
        else:
            query[k] = v
    url = URL.create(
        parts["name"],
        username=_filled(parts["username"], env, unquote_literals=True),
        password=_filled(parts["password"], env, unquote_literals=True),
        host=_filled(parts["ipv4host"] or parts["ipv6host"], env, unquote_literals=False),
        port=port,
        database=_filled(parts["database"], env, unquote_literals=True),
        query=query,
    )
    if base_dir is not None and _is_sqlite(url) and _sqlite_path(url.database):
        path = Path(url.database)
        if not path.is_absolute():
            url = url.set(database=str(Path(base_dir) / path))
    return url.render_as_string(hide_password=False)


def _template_parts(url_template: str, where: str) -> dict[str, str | None]:
    """The template's URL components (``_URL``'s groups); UrlTemplateError for a malformed placeholder or URL."""
    stray = _PLACEHOLDER.sub("", url_template)
    if "$" in stray:
        raise UrlTemplateError(
            f"{where}: malformed placeholder in URL template (use ${{NAME}} with letters, digits, _)"
        )
    m = _URL.match(url_template)
    if m is None:
        raise UrlTemplateError(f"{where}: not a SQLAlchemy URL (expected dialect[+driver]://...)")
    return m.groupdict()


def _query_without_literal_passwords(parts: dict[str, str | None], where: str) -> list[tuple[str, str]]:
    """The template's query parameters; LiteralPasswordError when its password or a password query parameter is
    anything but exactly one placeholder (credentials come from the environment, never from the catalogue file)."""
    password = parts["password"]
    if password and not _ONE_PLACEHOLDER.fullmatch(password):
        raise LiteralPasswordError(
            f"{where}: the URL template holds a literal password; "
            "write a ${VAR} placeholder and set the variable in the environment"
        )
    query_items = parse_qsl(parts["query"], keep_blank_values=True) if parts["query"] else []
    for key, value in query_items:
        if "password" in key.lower() and value and not _ONE_PLACEHOLDER.fullmatch(value):
            raise LiteralPasswordError(
                f"{where}: the URL template holds a literal {key!r} query parameter; "
                "write a ${VAR} placeholder and set the variable in the environment"
            )
    return query_items


def _require_variables(url_template: str, env: Mapping[str, str], where: str, source: str | None) -> None:
    """MissingVariableError naming every variable the template's placeholders name that ``env`` lacks."""
    names = list(dict.fromkeys(_PLACEHOLDER.findall(url_template)))
    missing = [n for n in names if n not in env]
    if missing:
        listed = ", ".join(missing)
        raise MissingVariableError(
            f"{where}: environment variable{'s' if len(missing) > 1 else ''} {listed} "
            f"not set (needed by the URL template)",
            missing,
            source,
        )


def _filled(text: str | None, env: Mapping[str, str], *, unquote_literals: bool) -> str | None:
    """Placeholders replaced by raw values; literal text unquoted like SQLAlchemy."""
    if text is None:
        return None
    out, pos = [], 0
    for ph in _PLACEHOLDER.finditer(text):
        lit = text[pos : ph.start()]
        out.append(unquote(lit) if unquote_literals else lit)
        out.append(env[ph.group(1)])
        pos = ph.end()
    lit = text[pos:]
    out.append(unquote(lit) if unquote_literals else lit)
    return "".join(out)


def _filled_port(template: str | None, env: Mapping[str, str], where: str) -> int | None:
    """The port, placeholders filled; UrlTemplateError naming its variables (never its value) when not a number."""
    port_text = _filled(template, env, unquote_literals=False)
    if not port_text:
        return None
    if not port_text.isdigit():
        culprit = _PLACEHOLDER.findall(template or "")
        named = f" (from {', '.join(culprit)})" if culprit else ""
        raise UrlTemplateError(f"{where}: port{named} is not a number")  # never its value
    return int(port_text)


_SECRET_QUERY_KEYS = frozenset(("password", "sslpassword"))  # libpq's; resolve_url fills a ``password`` query too


def mask_url(url: str | URL) -> str:
    """``url`` with its password shown as ``***`` (for messages and logs): the one before the host and a
    ``password``/``sslpassword`` query parameter's (``postgresql://clerk@host/db?password=${PGPASS}``, a form
    :func:`resolve_url` fills; rendered in clear before)."""
    try:
        u = make_url(url)
        if any(k.lower() in _SECRET_QUERY_KEYS for k in u.query):
            hidden = {k: ("***" if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in u.query.items()}
            return u.set(query=hidden).render_as_string(hide_password=True).replace("=%2A%2A%2A", "=***")
        return u.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - never echo an unparseable URL, it may hold secrets
        return "<unparseable URL>"


# --------------------------------------------------------------------------- read-only access


UNDECODABLE = "_undecodable"
"""Column of a SQLite read's frames naming, per row, the columns whose TEXT is not valid UTF-8 nor certainly a legacy
encoding (else null): their bytes are kept as hex, ``\\x48ff4b``; only present when the table has a cell that is not
UTF-8 (:func:`read_sql_table`)."""
DECODED = "_decoded"
"""Column of a SQLite read's frames listing, per row, the cells whose bytes are not UTF-8 but were read in the one
legacy encoding that reads them as clean Vietnamese (encodings.certain_legacy_reading), as 'encoding:column' (null
when none); present with :data:`UNDECODABLE`."""
NUMERIC = "_numeric"
"""Column of a read's frames (``number_cells=True``) naming, per row, the columns whose cell the database holds as a
number (a list of names, null when none: a name may hold a comma, 'Số CMND, CCCD'): an INTEGER/NUMERIC/REAL column
of PostgreSQL, a SQLite cell whose storage class is integer or real. A number has no leading zeros: an ID stored in
one lost them (staging puts them back)."""


def number_marks(marked: list[pl.Expr]) -> pl.Expr:
    """:data:`NUMERIC` from one expression per column that is the column's name where the row's cell is a number and
    null elsewhere: the row's names as a list, null when none (every reader marking number cells builds it so)."""
    if not marked:
        return pl.lit(None, dtype=pl.List(pl.String)).alias(NUMERIC)
    names = pl.concat_list(marked).list.drop_nulls()
    return pl.when(names.list.len() > 0).then(names).alias(NUMERIC)


_MARK = "\x00\ufffdwb-undecodable\x00"  # prefixes a text value sqlite3 could not decode (lenient reads only)
_LEGACY_MARK = "\x00wb-decoded:"  # '<mark><encoding>\x00<text>': a value read in a legacy encoding (lenient reads)
_LEGACY_VALUE = r"^\x00wb-decoded:([a-z0-9]+)\x00"


def _lenient_text(raw: bytes) -> str:
    """sqlite3 text_factory of a lenient read, and a PostgreSQL ``bytea`` cell's reading: UTF-8 (NUL padding and all:
    staging takes NULs out and counts them); else the text of the one legacy encoding that reads the bytes as clean
    Vietnamese (a TCVN3/VNI/Windows-1258 cell of an old system), marked with it; else the bytes as hex (``\\x`` and
    two digits a byte, as PostgreSQL writes bytea: nothing lost, no U+FFFD), marked undecodable (its row read by its
    other cells' encoding, :func:`_read_by_row`, or set aside when the column is mapped)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from pipelines.encodings import certain_legacy_reading

    reading = certain_legacy_reading(raw)
    if reading is not None:
        return f"{_LEGACY_MARK}{reading[1]}\x00{reading[0]}"
    return _MARK + "\\x" + bytes(raw).hex()


def _engine(url: str | URL, *, lenient: bool = False) -> tuple[Engine, URL]:
    # One engine per call, without a pool (NullPool): each connection is opened for one read and closed with it. A
    # run-wide pooled engine would save a login per read (PostgreSQL on loopback, scram-sha-256: 7.5 ms of 9.5 ms
    # per connection; a read takes 2: the checks when read_sql_table is called, the stream on its first next()), but
    # would hold idle connections against a registry's server between partitions and across a sensor's ticks (and
    # need a ping before each use to survive a server restart), and a run-wide owner to dispose of it.
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.get_driver_name() != "pysqlite":
            raise SqlSourceError(f"{mask_url(u)}: only the default sqlite driver is supported")
        db = u.database or ":memory:"
        if _sqlite_path(db):
            path = Path(db).resolve()
            if path.is_dir():  # 'not found' misled: the folder is there
                raise SqlSourceError(f"SQLite database {path} is a folder, not a file: name the database file in it")
            if not path.is_file():
                raise SqlSourceError(f"SQLite database {path} not found")
            # mode=ro: the file is opened read-only and never created (a plain
            # sqlite3.connect would create an empty database for a mistyped path).
            uri = "file:" + quote(str(path)) + "?mode=ro"
        elif db.startswith("file:"):
            uri = db + ("&" if "?" in db else "?") + "mode=ro"
        else:
            uri = "file::memory:"

        def creator() -> sqlite3.Connection:
            conn = sqlite3.connect(uri, uri=True)
            conn.execute("PRAGMA query_only = ON")
            if lenient:  # a cell that is not UTF-8 is marked instead of failing the fetch
                conn.text_factory = _lenient_text
            return conn

        return sa.create_engine("sqlite://", creator=creator, poolclass=NullPool), u
    if backend == "postgresql":
        # a host that does not answer fails after CONNECT_TIMEOUT s instead of hanging (a sensor tick, a run)
        args = {} if "connect_timeout" in u.query else {"connect_timeout": CONNECT_TIMEOUT}
        engine = sa.create_engine(u, poolclass=NullPool, connect_args=args)
        sa.event.listen(engine, "connect", _sql_ascii_texts, insert=True)  # before SQLAlchemy reads version()
        sa.event.listen(engine, "connect", _source_time_zone)
        return engine, u
    raise SqlSourceError(
        f"{mask_url(u)}: read-only access is implemented for PostgreSQL and SQLite only, not {backend}"
    )


SOURCE_TIME_ZONE = CITY_TIME_ZONE  # the registries' dates are Vietnam's calendar days


def _source_time_zone(dbapi_connection, _record) -> None:  # noqa: ANN001 - SQLAlchemy "connect" event
    """A ``timestamptz`` is read as text in the session's time zone, and its date is the staged date: a server
    set to UTC turned a registration at local midnight ('2020-02-01 00:00:00+07') into '2020-01-31 17:00:00+00',
    staged one day early, silently. The session reads in Vietnam's time (whatever the server or URL sets)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET TIME ZONE '{SOURCE_TIME_ZONE}'")
    dbapi_connection.commit()  # (a SET inside the connection's first transaction would end with its rollback)


def _legacy_text_loader():  # noqa: ANN202 - a psycopg Loader class, made when first needed
    from psycopg.adapt import Loader

    class LegacyText(Loader):
        def load(self, data) -> str:  # noqa: ANN001 - bytes, bytearray or memoryview
            return _lenient_text(bytes(data))

    return LegacyText


def _sql_ascii_texts(dbapi_connection, _record) -> None:  # noqa: ANN001 - SQLAlchemy "connect" event
    """A PostgreSQL ``SQL_ASCII`` database (the server checks no encoding: an old system's TCVN3, VNI or
    Windows-1258 text sits there as written, beside UTF-8 rows): psycopg would hand over its text as bytes, which
    SQLAlchemy cannot read (it fails on ``version()``) nor a frame hold. Its text types are read as a lenient SQLite
    read reads a cell (:func:`_lenient_text`: UTF-8; else the one legacy encoding that reads it as clean Vietnamese,
    marked; else hex, marked undecodable) and :func:`_fetch` takes the marks off into DECODED and UNDECODABLE."""
    info, adapters = getattr(dbapi_connection, "info", None), getattr(dbapi_connection, "adapters", None)
    if adapters is None or getattr(info, "encoding", None) != "ascii":  # psycopg (3) names SQL_ASCII 'ascii'
        return
    loader = _legacy_text_loader()
    for name in ("text", "varchar", "bpchar", "name"):
        adapters.register_loader(name, loader)


def _reads_sql_ascii(conn: Connection) -> bool:
    """Whether ``conn`` reads text through :func:`_sql_ascii_texts` (a PostgreSQL ``SQL_ASCII`` database)."""
    dbapi = getattr(conn.connection, "dbapi_connection", None)
    return getattr(getattr(dbapi, "info", None), "encoding", None) == "ascii" and hasattr(dbapi, "adapters")


def _server_encoding(conn: Connection) -> str | None:
    """The PostgreSQL database's encoding (``SQL_ASCII``: its server checks none)."""
    return conn.execute(sa.text("SHOW server_encoding")).scalar()


@contextlib.contextmanager
def _read_only(engine: Engine, url: URL) -> Iterator[Connection]:
    try:
        conn = engine.connect()
    except sa.exc.DBAPIError as exc:
        if login_refused(exc.orig):
            raise SourceLoginRefused(
                f"cannot connect to {mask_url(url)}: {exc.orig} (the server refused the login or the database, which "
                "waiting does not mend: check the user, the database and the password the URL's variables give)"
            ) from None
        raise SqlSourceError(f"cannot connect to {mask_url(url)}: {exc.orig}") from None
    try:
        if url.get_backend_name() == "postgresql":
            conn = conn.execution_options(postgresql_readonly=True)
            with conn.begin():
                conn.execute(sa.text("SET TRANSACTION READ ONLY"))
                if conn.execute(sa.text("SHOW transaction_read_only")).scalar() != "on":
                    raise SqlSourceError(f"{mask_url(url)}: could not start a read-only transaction")
                if conn.dialect.driver != "psycopg" and _server_encoding(conn) == "SQL_ASCII":
                    raise SqlSourceError(
                        f"{mask_url(url)}: the database is SQL_ASCII (its server checks no encoding: an old system's "
                        f"text may be in any): only the psycopg driver reads it, cell by cell, not {conn.dialect.driver};"
                        " write the URL postgresql+psycopg:// (or postgresql://)"
                    )
                yield conn
        else:  # SQLite: opened with mode=ro and PRAGMA query_only
            with conn.begin():
                if conn.execute(sa.text("PRAGMA query_only")).scalar() != 1:
                    raise SqlSourceError(f"{mask_url(url)}: could not open read-only")
                yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def read_only_connection(url: str | URL) -> Iterator[Connection]:
    """A SQLAlchemy connection inside a read-only transaction on ``url``.

    PostgreSQL: the ``postgresql_readonly`` execution option (``BEGIN READ ONLY``),
    then ``SET TRANSACTION READ ONLY`` and a check of ``transaction_read_only``.
    SQLite: the file opened with ``mode=ro`` plus ``PRAGMA query_only = ON``. Any
    write raises. The transaction is rolled back/closed on exit.
    """
    engine, u = _engine(url)
    try:
        with _read_only(engine, u) as conn:
            yield conn
    finally:
        engine.dispose()


@dataclass(frozen=True)
class _Plan:
    table: sa.TableClause
    columns: list[str]
    all_columns: list[str]
    key: list[str]  # ORDER BY columns; empty for SQLite rowid order
    key_is_value: bool  # _source_key is the key column's value (else a row number)
    types: dict[str, object] = field(default_factory=dict)  # column -> SQLAlchemy type (reflected)


def _plan(
    conn: Connection,
    url: URL,
    table: str,
    schema: str | None,
    columns: Sequence[str] | None,
    key_column: str | None,
) -> _Plan:
    where = f"{mask_url(url)}"
    qualified = f"{schema}.{table}" if schema else table
    insp = sa.inspect(conn)
    if schema is not None and schema not in insp.get_schema_names():
        raise MissingTableError(f"schema {schema!r} (for table {qualified!r}) not found in {where}")
    if not insp.has_table(table, schema=schema):
        raise MissingTableError(f"table {qualified!r} not found in {where}")
    reflected = insp.get_columns(table, schema=schema)
    all_columns = [c["name"] for c in reflected]
    if SOURCE_KEY in all_columns:
        raise SqlSourceError(f"table {qualified!r} in {where} already has a column named {SOURCE_KEY!r}")
    if columns is None:
        chosen = list(all_columns)
    else:
        chosen = list(columns)
        dupes = sorted({c for c in chosen if chosen.count(c) > 1})
        if dupes:
            raise SqlSourceError(f"columns {dupes} requested more than once from table {qualified!r}")
    known = set(all_columns)
    wanted = chosen + ([key_column] if key_column is not None else [])
    missing = [c for c in dict.fromkeys(wanted) if c not in known]
    if missing:
        raise MissingColumnError(
            f"column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)} "
            f"not found in table {qualified!r} in {where} (it has: {', '.join(all_columns)})"
        )
    if key_column is not None:
        key, key_is_value = [key_column], True
    else:
        pk = insp.get_pk_constraint(table, schema=schema).get("constrained_columns") or []
        if len(pk) == 1:
            key, key_is_value = pk, True
        elif pk:
            key, key_is_value = list(pk), False
        elif url.get_backend_name() == "sqlite":
            key, key_is_value = [], False  # rowid order
        else:
            key, key_is_value = list(all_columns), False  # content order: same rows, same numbers
    t = sa.table(table, *(sa.column(c) for c in all_columns), schema=schema)
    return _Plan(t, chosen, all_columns, key, key_is_value, {c["name"]: c["type"] for c in reflected})


_FORBIDDEN_IN_WHERE = (";", "--", "/*", "'", "$")


def _where_clause(where: str | None, params: Mapping[str, object] | None) -> sa.TextClause | None:
    if where is None:
        if params:
            raise SqlSourceError("params given without a where clause")
        return None
    bad = [tok for tok in _FORBIDDEN_IN_WHERE if tok in where]
    if bad:
        raise SqlSourceError(
            f"where clause must take values through bound parameters (:name) only; "
            f"found {', '.join(repr(b) for b in bad)}"
        )
    clause = sa.text(where)
    values = dict(params or {})
    missing = sorted(set(clause._bindparams) - set(values))
    if missing:
        raise SqlSourceError(f"where clause: no value given for parameter(s) {', '.join(missing)}")
    try:
        return clause.bindparams(**values)
    except sa.exc.ArgumentError as exc:
        raise SqlSourceError(f"where clause: {exc}") from None


CONNECT_TIMEOUT = 10
"""Seconds a PostgreSQL connection attempt may take (unless the URL sets ``connect_timeout``)."""

MAX_FILTER_VALUES = 10_000
"""Most values ``filter_values`` may bind (PostgreSQL takes at most 65,535 parameters per statement)."""


@dataclass(frozen=True)
class _Filter:
    """``column IN (values)`` or, with ``day``, ``column >= day AND column < day + 1`` [``OR column IS NULL``]:
    every value a bound parameter."""

    column: str
    values: tuple[object, ...]
    null: bool
    day: date | None = None

    def condition(self, columns) -> sa.ColumnElement[bool]:  # noqa: ANN001 - a table's or subquery's .c
        col = columns[self.column]
        if self.day is not None:
            cond = sa.and_(col >= self.day, col < self.day + timedelta(days=1))
        else:
            cond = col.in_(self.values)
        return sa.or_(cond, col.is_(None)) if self.null else cond


def _number_columns(plan: _Plan, sqlite: bool) -> tuple[list[str], list[str]]:
    """(columns whose every cell is a number: a numeric SQL type; columns whose cells are told apart one by one:
    SQLite's, whose type only suggests: a column of any declared type but text may hold numbers and text)."""
    if sqlite:
        return [], [c for c in plan.columns if not isinstance(plan.types.get(c), sa.String)]
    return [c for c in plan.columns if isinstance(plan.types.get(c), (sa.Integer, sa.Numeric))], []


def _binary_columns(plan: _Plan, sqlite: bool) -> list[str]:
    """PostgreSQL ``bytea`` columns: read as bytes and decoded by :func:`_binary_text` (cast to text, PostgreSQL
    writes them as hex, ``\\x3132204cc3aa``: an address an old system kept as bytes would be staged as that)."""
    if sqlite:
        return []
    return [c for c in plan.columns if isinstance(plan.types.get(c), sa.LargeBinary)]


def _boolean_columns(plan: _Plan, sqlite: bool) -> set[str]:
    """SQLite columns declared BOOLEAN: SQLite keeps their values as 0/1, which :func:`_as_text` writes 'true'/'false'
    as PostgreSQL writes its booleans (a 0/1 sex column read by the text columns' digit convention, 1 = male, said a
    sex the table never told: which sex is true is the catalogue's ``sex_true``)."""
    return {c for c in plan.columns if sqlite and isinstance(plan.types.get(c), sa.Boolean)}


def _as_text(column: sa.ColumnElement, binary: bool, boolean: bool) -> sa.ColumnElement:
    """A column as the read selects it: bytes as they are (:func:`_binary_text`), a SQLite boolean's integer 0/1 as
    'false'/'true' (any other value cast as it is), everything else cast to text."""
    if binary:
        return column
    if boolean:
        integer = sa.func.typeof(column) == "integer"
        return sa.case(
            (integer & (column == 1), sa.literal("true")),
            (integer & (column == 0), sa.literal("false")),
            else_=sa.cast(column, sa.Text),
        )
    return sa.cast(column, sa.Text)


def _statement(
    plan: _Plan, where: sa.TextClause | None, sqlite: bool, only: _Filter | None = None, typed: Sequence[str] = ()
) -> sa.Select:
    """The read; ``typed``: columns whose SQLite storage class each row also carries (``t<i>``, typeof())."""
    t = plan.table
    binary = set(_binary_columns(plan, sqlite))
    boolean = _boolean_columns(plan, sqlite)
    text_cols = [_as_text(t.c[c], c in binary, c in boolean).label(f"c{i}") for i, c in enumerate(plan.columns)]
    if plan.key_is_value:
        k = t.c[plan.key[0]]
        types = [sa.func.typeof(t.c[c]).label(f"t{i}") for i, c in enumerate(typed)]
        stmt = sa.select(*text_cols, sa.cast(k, sa.Text).label("k"), *types).select_from(t)
        if where is not None:
            stmt = stmt.where(where)
        if only is not None:
            stmt = stmt.where(only.condition(t.c))
        return stmt.order_by(k)
    # Row numbers over the whole table in key order, filtered afterwards: a row keeps
    # its number whatever the filter.
    order = [sa.literal_column("rowid")] if sqlite and not plan.key else [t.c[c] for c in plan.key]
    numbered = sa.select(
        *(t.c[c] for c in plan.all_columns),
        sa.func.row_number().over(order_by=order).label("wb_row_number"),
    ).subquery("s")
    stmt = sa.select(
        *(_as_text(numbered.c[c], c in binary, c in boolean).label(f"c{i}") for i, c in enumerate(plan.columns)),
        sa.cast(numbered.c.wb_row_number, sa.Text).label("k"),
        *(sa.func.typeof(numbered.c[c]).label(f"t{i}") for i, c in enumerate(typed)),
    ).select_from(numbered)
    if where is not None:
        stmt = stmt.where(where)
    if only is not None:
        stmt = stmt.where(only.condition(numbered.c))
    return stmt.order_by(numbered.c.wb_row_number)


def read_sql_table(
    url: str | URL,
    table: str,
    *,
    schema: str | None = None,
    columns: Sequence[str] | None = None,
    key_column: str | None = None,
    where: str | None = None,
    params: Mapping[str, object] | None = None,
    filter_column: str | None = None,
    filter_values: Sequence[object] = (),
    filter_null: bool = False,
    filter_day: date | None = None,
    batch_rows: int = 50_000,
    number_cells: bool = False,
) -> Iterator[pl.DataFrame]:
    """Stream ``schema.table`` from ``url`` as DataFrames of at most ``batch_rows`` rows.

    Every frame has the requested ``columns`` (default: all, in table order) as
    ``pl.String`` (the database's text form; nulls stay null), then
    :data:`SOURCE_KEY`: the value of ``key_column`` or of a one-column primary key,
    otherwise a 1-based row number over the whole table in key order (composite
    primary key, else SQLite ``rowid``, else all columns), so reruns give the same
    keys. Rows come in key order. A query with no rows yields one empty frame with the
    schema. A SQLite table with a cell that is not UTF-8 (TEXT holding other bytes, a BLOB) is read on
    leniently from there: those frames add :data:`DECODED` (cells read in a legacy encoding) and
    :data:`UNDECODABLE` naming each row's undecodable columns (kept as hex).
    ``number_cells``: every frame adds :data:`NUMERIC`, naming each row's cells the database holds as numbers (not
    added when the table has a column of that name: then nothing is marked).

    ``where`` is a SQL condition whose values are bound parameters (``:name``, given
    in ``params``); quotes, ``$``, ``;`` and comments are refused, so a value can never
    become SQL. Identifiers in ``where`` refer to the table's columns (quote mixed-case
    or non-ASCII names with double quotes).

    ``filter_column`` keeps the rows whose value in that column is one of ``filter_values``
    (each a bound parameter, compared by the database in the column's own type; a Python
    ``date`` for a DATE column), and also those where it is NULL when ``filter_null``. Row
    numbers (tables without a key) are still counted over the whole table. At most
    :data:`MAX_FILTER_VALUES` values (else :class:`SqlSourceError`). ``filter_day`` instead keeps
    the rows with ``filter_column >= filter_day AND filter_column < filter_day + 1 day`` (two bound
    dates: a DATE or TIMESTAMP column, however many distinct times that day has).

    The table, schema and columns are checked against the database before anything
    runs (:class:`MissingTableError`, :class:`MissingColumnError`, naming them and the
    database with its password masked); the query runs in a read-only transaction
    (:func:`read_only_connection`) with a server-side cursor (``stream_results``,
    ``yield_per``), so memory is bounded by ``batch_rows``. Checks happen when this
    function is called; the connection for streaming opens on the first ``next()``
    and closes when the iterator is exhausted or closed.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be >= 1, not {batch_rows}")
    engine, u = _engine(url)
    try:
        clause = _where_clause(where, params)
        if len(filter_values) > MAX_FILTER_VALUES:
            raise SqlSourceError(
                f"column {filter_column!r} of table {table!r}: {len(filter_values)} values to filter by "
                f"(at most {MAX_FILTER_VALUES}; use a DATE or TIMESTAMP column)"
            )
        only = None if filter_column is None else _Filter(filter_column, tuple(filter_values), filter_null, filter_day)
        with _read_only(engine, u) as conn:
            plan, stmt, numeric, typed = _checked_statement(
                conn, u, table, schema, columns, key_column, clause, only, number_cells
            )
    except BaseException:
        engine.dispose()
        raise
    binary = [i for i, c in enumerate(plan.columns) if c in set(_binary_columns(plan, _is_sqlite(u)))]
    return _stream(engine, u, stmt, plan.columns, batch_rows, numeric, typed, binary)


def _checked_statement(
    conn: Connection,
    u: URL,
    table: str,
    schema: str | None,
    columns: Sequence[str] | None,
    key_column: str | None,
    clause: sa.TextClause | None,
    only: _Filter | None,
    number_cells: bool,
) -> tuple[_Plan, sa.Select, list[str] | None, list[str]]:
    """(the read's plan, its statement, the number columns and their typed list for NUMERIC, empty unless
    ``number_cells``), the filter column checked against the table and the statement run once without rows, so a
    broken where clause fails now, not mid-stream."""
    plan = _plan(conn, u, table, schema, columns, key_column)
    if only is not None and only.column not in plan.all_columns:
        qualified = f"{schema}.{table}" if schema else table
        raise MissingColumnError(
            f"column {only.column!r} not found in table {qualified!r} in {mask_url(u)} "
            f"(it has: {', '.join(plan.all_columns)})"
        )
    numeric, typed = _number_columns(plan, _is_sqlite(u))
    if not number_cells or NUMERIC in plan.all_columns:
        numeric, typed = None, []
    stmt = _statement(plan, clause, _is_sqlite(u), only, typed)
    # Run it once without rows so a broken where clause fails now, not mid-stream.
    try:
        conn.execute(stmt.limit(0)).close()
    except sa.exc.DBAPIError as exc:
        qualified = f"{schema}.{table}" if schema else table
        raise SqlSourceError(f"query on table {qualified!r} in {mask_url(u)} failed: {exc.orig}") from None
    return plan, stmt, numeric, typed


def _stream(
    engine: Engine,
    url: URL,
    stmt: sa.Select,
    columns: list[str],
    batch_rows: int,
    numeric: list[str] | None = None,
    typed: list[str] = (),
    binary: list[int] = (),
) -> Iterator[pl.DataFrame]:
    """The rows of ``stmt`` as frames. A SQLite cell that is not UTF-8 (TEXT with other bytes, a BLOB) makes
    sqlite3 fail the fetch: the read starts again leniently after the rows already sent, and from there frames
    carry :data:`DECODED` and :data:`UNDECODABLE` (_lenient_text). ``numeric`` (not
    None: frames carry :data:`NUMERIC`): columns whose non-null cells are numbers; ``typed``: columns whose
    cells' SQLite storage class the statement reads (``t<i>``)."""
    read = _Read(url, stmt, [*columns, SOURCE_KEY], batch_rows, numeric=numeric, typed=list(typed), binary=list(binary))
    try:
        while True:
            try:
                yield from _fetch(engine, read)
                return
            except sa.exc.OperationalError as exc:  # the driver's text may quote the cell: never shown
                if read.lenient or not _is_sqlite(url) or "decode" not in str(exc.orig):
                    raise
                engine.dispose()
                engine, _ = _engine(url, lenient=True)
                read.lenient = True
    finally:
        engine.dispose()


@dataclass
class _Read:
    """One statement read by :func:`_stream`, in one pass or more: what a pass needs, and the rows sent so far."""

    url: URL
    stmt: sa.Select
    names: list[str]  # the frames' columns (the statement's, then SOURCE_KEY)
    batch_rows: int
    lenient: bool = False  # SQLite opened with a text factory that marks undecodable cells (a pass after a failure)
    sent: int = 0  # rows yielded by the passes so far: a later pass skips them
    numeric: list[str] | None = None  # not None: frames carry NUMERIC; these columns' non-null cells are numbers
    typed: list[str] = field(default_factory=list)  # columns whose storage class the statement reads (t<i>)
    binary: list[int] = field(default_factory=list)  # positions of PostgreSQL bytea columns, read as bytes

    @property
    def columns(self) -> list[str]:  # the statement's columns (its data, SOURCE_KEY, the storage classes)
        return [*self.names, *(f"t{i}" for i in range(len(self.typed)))]

    @property
    def schema(self) -> dict[str, pl.DataType]:
        return dict.fromkeys(self.columns, pl.String)

    def with_numbers(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with :data:`NUMERIC` (when asked for), its storage class columns dropped."""
        if self.numeric is None:
            return frame
        marked = [pl.when(pl.col(c).is_not_null()).then(pl.lit(c)) for c in self.numeric]
        marked += [
            pl.when(pl.col(f"t{i}").is_in(["integer", "real"])).then(pl.lit(c)) for i, c in enumerate(self.typed)
        ]
        kinds = [f"t{i}" for i in range(len(self.typed))]
        return frame.with_columns(number_marks(marked)).drop(kinds)


def _fetch(engine: Engine, read: _Read) -> Iterator[pl.DataFrame]:
    """One pass of :func:`_stream`: frames of the rows after the ``read.sent`` sent before; counts what it sends."""
    skip = read.sent
    with _read_only(engine, read.url) as conn:
        result = conn.execution_options(stream_results=True, yield_per=read.batch_rows).execute(read.stmt)
        sent, lenient = False, read.lenient or _reads_sql_ascii(conn) or bool(read.binary)
        for rows in result.partitions():
            if skip:  # sent by the pass before
                rows, skip = rows[skip:], max(skip - len(rows), 0)
                if not rows:
                    continue
            cols = list(zip(*rows, strict=True)) if rows else [() for _ in read.columns]
            for i in read.binary:  # bytea: read as a lenient SQLite cell is (UTF-8, a certain legacy encoding, or hex)
                cols[i] = tuple(None if v is None else _lenient_text(bytes(v)) for v in cols[i])
            frame = pl.DataFrame(dict(zip(read.columns, cols, strict=True)), schema=read.schema)
            yield read.with_numbers(_undecodable(frame, read.names) if lenient else frame)
            read.sent += len(rows)
            sent = True
        if not sent and not read.sent:
            yield read.with_numbers(pl.DataFrame(schema=read.schema))


def _undecodable(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """:data:`UNDECODABLE` (names of the marked columns, or null) and :data:`DECODED` added, the marks taken off
    the values; then a cell no encoding reads for certain is read by its row (:func:`_read_by_row`)."""
    marked = [pl.when(pl.col(c).str.starts_with(_MARK)).then(pl.lit(c)) for c in names]
    decoded = [pl.format("{}:{}", pl.col(c).str.extract(_LEGACY_VALUE, 1), pl.lit(c)) for c in names]
    listed = pl.concat_list(decoded).list.drop_nulls() if decoded else pl.lit(None, dtype=pl.List(pl.String))
    return _read_by_row(
        frame.with_columns(
            pl.concat_str(marked, separator=", ", ignore_nulls=True).replace("", None).alias(UNDECODABLE),
            pl.when(listed.list.len() > 0).then(listed).alias(DECODED),
            *(pl.col(c).str.strip_prefix(_MARK).str.replace(_LEGACY_VALUE, "") for c in names),
        ),
        names,
    )


def listed_names(listed: str, names: list[str]) -> list[str]:
    """The column names :data:`UNDECODABLE` lists (', '-joined in the table's column order), read against the
    table's names in that order (a name may itself hold ', ': 'Số CMND, CCCD')."""
    out, at = [], 0
    for name in names:
        end = at + len(name)
        if listed.startswith(name, at) and (end == len(listed) or listed.startswith(", ", end)):
            out.append(name)
            at = end + 2
    return out


def _read_by_row(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """A cell no legacy encoding reads for certain (too short to tell: TCVN3 'Nữ', VNI 'Hồ' that Windows-1258 reads
    'Hoà') in a row whose other cells were read, for certain, in one legacy encoding and in that one only: read in
    that encoding when it reads as clean Vietnamese there (encodings.clean_legacy_reading), and listed in DECODED
    like them. An old system wrote the whole row in one encoding; the row was quarantined for such a cell (a TCVN3
    table lost more than half its rows for the 'Nữ' of its sex column). Other cells stay hex, their row quarantined."""
    from pipelines.encodings import clean_legacy_reading

    todo = frame.with_row_index("_wb_row").filter(pl.col(UNDECODABLE).is_not_null() & pl.col(DECODED).is_not_null())
    if not todo.height:
        return frame
    fixes: list[dict] = []  # per row read further: its row, what is still undecodable, DECODED, the texts read
    for row in todo.iter_rows(named=True):
        encodings = {item.split(":", 1)[0] for item in row[DECODED]}
        if len(encodings) != 1:
            continue
        (encoding,) = encodings
        marked = listed_names(row[UNDECODABLE], names)  # (a name may hold ', ')
        left, read, texts = [], list(row[DECODED]), {}
        for name in marked:
            cell = row.get(name) if name in names else None
            text = clean_legacy_reading(bytes.fromhex(cell[2:]), encoding) if cell and cell.startswith("\\x") else None
            if text is None:
                left.append(name)
            else:
                texts[name] = text
                read.append(f"{encoding}:{name}")
        if texts:
            fixes.append({"_wb_row": row["_wb_row"], "_wb_left": ", ".join(left) or None, "_wb_read": read, **texts})
    if not fixes:
        return frame
    read_names = sorted({name for fix in fixes for name in fix} - {"_wb_row", "_wb_left", "_wb_read"})
    schema = {"_wb_row": pl.UInt32, "_wb_left": pl.String, "_wb_read": pl.List(pl.String)}
    schema.update({f"_wb_text_{i}": pl.String for i in range(len(read_names))})
    table = pl.DataFrame(
        [
            {
                "_wb_row": fix["_wb_row"],
                "_wb_left": fix["_wb_left"],
                "_wb_read": fix["_wb_read"],
                **{f"_wb_text_{i}": fix.get(name) for i, name in enumerate(read_names)},
            }
            for fix in fixes
        ],
        schema=schema,
    ).with_columns(_wb_fixed=pl.lit(True))
    fixed = pl.col("_wb_fixed").fill_null(False)
    return (
        frame.with_row_index("_wb_row")
        .join(table, on="_wb_row", how="left")
        .sort("_wb_row")
        .with_columns(
            pl.when(fixed).then(pl.col("_wb_left")).otherwise(pl.col(UNDECODABLE)).alias(UNDECODABLE),
            pl.when(fixed).then(pl.col("_wb_read")).otherwise(pl.col(DECODED)).alias(DECODED),
            *(pl.coalesce(f"_wb_text_{i}", name).alias(name) for i, name in enumerate(read_names)),
        )
        .select(frame.columns)
    )


# --------------------------------------------------------------------------- extracts held in one table


def parse_extract_date(value: object, day_first: bool = True) -> date | None:
    """The extract date a distinct value of an ``extract_date_column`` stands for, or None (no date).

    DATE and TIMESTAMP values are dates; text (and integers such as 20250831) is read as
    ``YYYY-MM-DD`` (optionally followed by a time), ``YYYYMMDD``, or ``DD/MM/YYYY``, ``DD-MM-YYYY``,
    ``DD.MM.YYYY`` (``MM/DD/YYYY``... when ``day_first`` is false).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if len(text) > 10 and text[10] in " T":  # 2025-08-31 00:00:00
        text = text[:10]
    dm = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y") if day_first else ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y")
    for fmt in ("%Y-%m-%d", "%Y%m%d", *dm):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class ExtractDates:
    """The distinct values of a table's extract-date column, by the extract date they stand for."""

    column: str
    dated: dict[date, tuple[object, ...]]  # extract date -> the column's values that are that date
    undated: tuple[object, ...]  # non-null values that are no date
    has_null: bool  # some rows have no value
    undated_rows: int = 0  # rows whose value is NULL or no date
    temporal: bool = False  # a DATE/TIMESTAMP column: grouped by CAST(column AS DATE), read by day ranges
    rows: dict[date, int] = field(default_factory=dict)  # extract date -> how many rows it has

    @property
    def counts(self) -> dict[str, int]:
        """Rows per extract date, by ISO date (the landing sensor keeps them: a changed count re-runs the date)."""
        return {d.isoformat(): self.rows.get(d, 0) for d in self.dates}

    @property
    def dates(self) -> list[date]:
        return sorted(self.dated)

    @property
    def latest(self) -> date | None:
        return max(self.dated) if self.dated else None

    @property
    def has_undated(self) -> bool:
        return self.has_null or bool(self.undated)


def extract_date_groups(
    url: str | URL, table: str, column: str, *, schema: str | None = None, day_first: bool = True
) -> ExtractDates:
    """``SELECT column, COUNT(*) FROM schema.table GROUP BY column`` (read-only), grouped by the date each value
    stands for (the count tells how many rows have no date).

    The table and column are checked first (:class:`MissingTableError`, :class:`MissingColumnError`);
    a database that cannot be reached raises :class:`SqlSourceError` with the URL's password masked.
    """
    engine, u = _engine(url)
    qualified = f"{schema}.{table}" if schema else table
    try:
        with _read_only(engine, u) as conn:
            plan = _plan(conn, u, table, schema, [column], None)
            try:
                col = plan.table.c[column]
                temporal = not _is_sqlite(u) and isinstance(plan.types.get(column), (sa.Date, sa.DateTime))
                if temporal:  # one value per day, however many distinct times
                    col = sa.cast(col, sa.Date)  # unlabelled: GROUP BY the expression, not the raw column
                counted = conn.execute(sa.select(col, sa.func.count()).group_by(col)).all()
            except sa.exc.DBAPIError as exc:
                raise SqlSourceError(
                    f"reading the distinct values of column {column!r} of table {qualified!r} in {mask_url(u)} "
                    f"failed: {_error_type(exc)}"
                ) from None
    except sa.exc.SQLAlchemyError as exc:  # inspecting the table: permission, dropped connection, timeout
        raise SqlSourceError(f"inspecting table {qualified!r} in {mask_url(u)} failed: {_error_type(exc)}") from exc
    finally:
        engine.dispose()
    dated: dict[date, list[object]] = {}
    per_day: dict[date, int] = {}
    undated: list[object] = []
    has_null, undated_rows = False, 0
    for value, rows in counted:  # one per distinct value, not per row
        if value is None:
            has_null, undated_rows = True, undated_rows + rows
            continue
        day = parse_extract_date(value, day_first)
        if day is None:
            undated.append(value)
            undated_rows += rows
        else:
            dated.setdefault(day, []).append(value)
            per_day[day] = per_day.get(day, 0) + rows
    dated_values = {d: tuple(v) for d, v in sorted(dated.items())}
    return ExtractDates(column, dated_values, tuple(undated), has_null, undated_rows, temporal, per_day)


def _error_type(exc: BaseException) -> str:
    """The name of a database error's type (the driver's, when SQLAlchemy wraps one): never its text."""
    return type(getattr(exc, "orig", None) or exc).__name__


def _scrub(message: str, url: str) -> str:
    """``message`` without the URL's password (in clear or URL-quoted), whatever a driver put in it."""
    try:
        password = make_url(url).password
    except Exception:  # noqa: BLE001 - an unparseable URL: nothing to scrub by
        return message
    if password:
        for form in {str(password), quote(str(password), safe="")}:
            message = message.replace(form, "***")
    return message


def source_groups(spec) -> ExtractDates:  # noqa: ANN001 - catalogue SourceSpec with extract_date_column
    """:func:`extract_date_groups` of a catalogue SQL source; errors name the source and catalogue file."""
    where = f"{spec.catalogue_file}: source {spec.id!r}"
    url = resolve_url(spec.url, source=spec.id, base_dir=spec.base_dir)
    try:
        return extract_date_groups(
            url, spec.table, spec.extract_date_column, schema=spec.db_schema, day_first=spec.day_first
        )
    except SqlSourceError as exc:
        message = _scrub(f"{where}: extract dates from column {spec.extract_date_column!r}: {exc}", url)
        raise SqlSourceError(message) from exc  # the chain keeps the driver's error (transient or not)
    except sa.exc.SQLAlchemyError as exc:  # anything else the database said: its type only (no driver text)
        raise SqlSourceError(
            f"{where}: extract dates from column {spec.extract_date_column!r}: {_error_type(exc)}"
        ) from exc


def identifying_key(spec) -> str | None:  # noqa: ANN001 - catalogue SourceSpec of a sql source
    """The column whose value identifies one row of the source's table, whatever its other rows do: the catalogue's
    ``key_column`` when the database holds it unique (primary key, unique constraint or unique index on that
    column alone), else a one-column primary key. None otherwise: a record number that restarts with each
    extract, or a row number (which shifts when rows before it are deleted), cannot say that a row read under
    one date is a row kept under another."""
    url = resolve_url(spec.url, source=spec.id, base_dir=spec.base_dir)
    engine, u = _engine(url)
    try:
        with _read_only(engine, u) as conn:
            insp = sa.inspect(conn)
            pk = insp.get_pk_constraint(spec.table, schema=spec.db_schema).get("constrained_columns") or []
            unique = [
                c.get("column_names") or [] for c in insp.get_unique_constraints(spec.table, schema=spec.db_schema)
            ]
            unique += [
                i.get("column_names") or []
                for i in insp.get_indexes(spec.table, schema=spec.db_schema)
                if i.get("unique")
            ]
    except sa.exc.SQLAlchemyError as exc:
        raise SqlSourceError(f"source {spec.id!r}: inspecting table {spec.table!r} failed: {_error_type(exc)}") from exc
    finally:
        engine.dispose()
    single = {cols[0] for cols in [pk, *unique] if len(cols) == 1}
    if spec.key_column:
        return spec.key_column if spec.key_column in single else None
    return pk[0] if len(pk) == 1 else None
