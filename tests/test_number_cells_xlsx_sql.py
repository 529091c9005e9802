"""A number cell drops an ID's leading zero (every CCCD and every HCMC CMND starts with 0); the reader says which
cells were numbers (raw row_flags ``numeric:<field>``) so staging puts the zero back and routes the ID (issue 14 §2,
audit D2), as it already did for dBase numeric fields (tests/test_raw_numeric_cells.py). Here the other formats that
hold numbers: XLSX number cells, SQLite cells stored as integer/real, PostgreSQL INTEGER/NUMERIC columns, JSON
numbers. Each
file holds the same digits once as a number and once as text: only the number is repaired."""

from __future__ import annotations

import json
import secrets
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.ingest.catalogue import load_catalogue
from pipelines.ingest.raw import load_raw
from tests.test_row_contracts import MIXED_COLUMNS, _load, _person, _stage

COLUMNS = list(MIXED_COLUMNS)  # ma, ho_ten, ngay_sinh, dia_chi, so_dt, cmnd (old_id_number), so_cmnd_cccd
# (key, so_cmnd_cccd as the source holds it, cmnd as the source holds it); a str is a text cell, an int a number
ROWS = [
    ("1", 79080123456, None),  # a CCCD 079080123456 as a number: 11 digits, restored whatever the reader says
    ("2", 23456789, None),  # a CMND 023456789 as a number: 8 digits, restored and moved to old_id_number
    ("3", "23456789", None),  # the same 8 digits as text: left as written (wrong_length)
    ("4", 790801234, None),  # a 10-digit junk value 0790801234 as a number: no CMND starts with 79
    ("5", "790801234", None),  # the same as text: as written, a CMND
    ("6", None, 25111222),  # a CMND in the CMND column as a number
]
EXPECTED = {  # key -> (personal_id, old_id_number, id_flags, old_id_flags)
    "1": ("079080123456", None, "leading_zero_restored", None),
    "2": (None, "023456789", None, "leading_zero_restored"),
    "3": ("23456789", None, "wrong_length", None),
    "4": ("0790801234", None, "wrong_length; leading_zero_restored", None),
    "5": (None, "790801234", None, None),
    "6": (None, "025111222", None, "leading_zero_restored"),
}
NUMBER_FIELDS = {"1": "personal_id", "2": "personal_id", "4": "personal_id", "6": "old_id_number"}


def _rows() -> list[list]:
    return [[*_person(key)[:-1], cmnd, mixed] for key, mixed, cmnd in ROWS]


def _check(raw: pl.DataFrame, numbers: dict[str, str] = NUMBER_FIELDS, expected: dict = EXPECTED) -> None:
    """The raw rows' number marks and the staged IDs are those expected (and nothing is quarantined)."""
    flags = dict(zip(raw["source_key"], raw["row_flags"].fill_null(""), strict=True))
    for key in flags:  # (a row missing from raw is missing from the staged rows compared below)
        want = numbers.get(key)
        assert (f"numeric:{want}" in flags[key]) if want else ("numeric:" not in flags[key]), (key, flags[key])
    result = _stage(SimpleNamespace(frame=raw))
    assert result.quarantine.height == 0
    staged = {r["source_key"]: r for r in result.staged.to_dicts()}
    got = {k: tuple(staged[k][c] for c in ("personal_id", "old_id_number", "id_flags", "old_id_flags")) for k in staged}
    assert got == expected


def xlsx_with_number_cells(path, columns: list[str] = COLUMNS):  # noqa: ANN001, ANN201 - an open book and sheet
    """The header (``columns``) and _rows() written to an XLSX sheet, ints as number cells, text as text cells (the
    caller closes the book)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, columns)
    for i, row in enumerate(_rows(), start=1):
        for j, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(i, j, value)
            elif value is not None:
                sheet.write_string(i, j, value)
    return book, sheet


def test_xlsx_number_cells(tmp_path):
    book, sheet = xlsx_with_number_cells(tmp_path / "n.xlsx")
    sheet.write_boolean(len(ROWS) + 1, len(COLUMNS) - 1, True)  # a boolean cell is no number
    sheet.write_row(len(ROWS) + 1, 0, _person("7")[:-1])
    book.close()
    loaded = _load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma")
    assert "numeric:" not in (loaded.frame.filter(pl.col("source_key") == "7")["row_flags"][0] or "")
    _check(loaded.frame.filter(pl.col("source_key") != "7"))


@pytest.mark.parametrize("declared", ["INTEGER", ""])  # a declared INTEGER column; one of no type (any storage)
def test_sqlite_cells_stored_as_numbers(tmp_path, declared):
    with sqlite3.connect(tmp_path / "n.db") as conn:
        types = {"cmnd": declared, "so_cmnd_cccd": declared}
        declared_columns = ", ".join(f"{c} {types.get(c, 'TEXT')}" for c in COLUMNS)
        conn.execute(f"CREATE TABLE people ({declared_columns})")
        conn.executemany(f"INSERT INTO people VALUES ({', '.join('?' * len(COLUMNS))})", _rows())
        conn.execute(
            "INSERT INTO people (ma, ho_ten, ngay_sinh, dia_chi, so_cmnd_cccd) SELECT '7', ho_ten, ngay_sinh, "
            "dia_chi, 'không có' FROM people WHERE ma = '1'"
        )  # text that is no number, in the same column
        kinds = dict(conn.execute("SELECT ma, typeof(so_cmnd_cccd) FROM people").fetchall())
    numbers, expected = dict(NUMBER_FIELDS), dict(EXPECTED)
    if declared == "INTEGER":  # SQLite stores the text '23456789' of an INTEGER column as the integer: a number
        assert kinds["3"] == kinds["5"] == "integer"
        numbers.update({"3": "personal_id", "5": "personal_id"})
        expected.update({"3": EXPECTED["2"], "5": EXPECTED["4"]})
    else:
        assert kinds["3"] == kinds["5"] == "text" and kinds["2"] == "integer"
    assert kinds["7"] == "text"
    raw = _load(tmp_path, "population", "sqlite", "n.db", MIXED_COLUMNS, key_column="ma", table="people").frame
    assert "numeric:" not in (raw.filter(pl.col("source_key") == "7")["row_flags"][0] or "")
    _check(raw.filter(pl.col("source_key") != "7"), numbers, expected)


def test_postgresql_numeric_columns(tmp_path, postgres_server, postgres_env, monkeypatch):
    import psycopg

    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    schema = f"wb_numbers_{secrets.token_hex(4)}"
    server = postgres_server
    with psycopg.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname=server.dbname
    ) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        # numbers in a bigint and a numeric column; the text rows (3, 5) in a text table of the same shape
        for table, id_type, cmnd_type in (("numbers", "bigint", "numeric(12, 0)"), ("texts", "text", "text")):
            columns = ", ".join(
                f"{c} {id_type if c == 'so_cmnd_cccd' else cmnd_type if c == 'cmnd' else 'text'}" for c in COLUMNS
            )
            conn.execute(f"CREATE TABLE {schema}.{table} ({columns})")
            rows = [r for r in _rows() if isinstance(r[-1], str) == (table == "texts")]
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {schema}.{table} VALUES ({', '.join(['%s'] * len(COLUMNS))})", rows)
    url = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"
    frames = []
    for table in ("numbers", "texts"):
        catalogue = tmp_path / f"{table}.toml"
        lines = ["[[source]]", f'id = "{table}"', 'registry = "population"', 'format = "sql"', f'url = "{url}"']
        lines += [f'db_schema = "{schema}"', f'table = "{table}"', 'key_column = "ma"', 'extract_date = "2025-08-31"']
        lines += ["[source.columns]", *(f'"{k}" = "{v}"' for k, v in MIXED_COLUMNS.items() if v)]
        catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (spec,) = load_catalogue([catalogue]).values()
        (extract,) = spec.extracts()
        frames.append(load_raw(extract, "t").frame)
    _check(pl.concat(frames))  # the two tables' rows staged together


def test_sql_reads_mark_nothing_unless_asked(tmp_path):
    """read_sql_table's frames keep their columns (data, _source_key) unless number_cells is asked for."""
    from pipelines.ingest.sql import NUMERIC, SOURCE_KEY, read_sql_table

    path = Path(tmp_path / "t.db")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(1, "x"), (None, "2"), ("y", None)])
    url = f"sqlite:///{path.as_posix()}"
    (plain,) = read_sql_table(url, "t")
    assert plain.columns == ["a", "b", SOURCE_KEY]
    (marked,) = read_sql_table(url, "t", number_cells=True)
    assert marked.columns == ["a", "b", SOURCE_KEY, NUMERIC]
    assert marked[NUMERIC].to_list() == [["a"], None, None]  # 'y' in an INTEGER column is stored as text


def test_pg_dump_number_columns(tmp_path):
    """A plain-text dump: its CREATE TABLE says which columns are numbers (bigint, numeric); their COPY text lost the
    zeros. The text rows (3, 5) come from another table of the same dump, whose ID columns are text."""
    lines = ["SET client_encoding = 'UTF8';", ""]
    for table, id_type, cmnd_type in (("numbers", "bigint", "numeric(12,0)"), ("texts", "text", "character varying")):
        types = {"so_cmnd_cccd": id_type, "cmnd": cmnd_type}
        lines += [f"CREATE TABLE public.{table} (", ",\n".join(f"    {c} {types.get(c, 'text')}" for c in COLUMNS)]
        lines += [");", "", f"COPY public.{table} ({', '.join(COLUMNS)}) FROM stdin;"]
        for row in _rows():
            if isinstance(row[-1], str) == (table == "texts"):
                lines.append("\t".join("\\N" if v is None else str(v) for v in row))
        lines += ["\\.", ""]
    (tmp_path / "d.sql").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frames = [
        _load(tmp_path, "population", "pg_dump", "d.sql", MIXED_COLUMNS, key_column="ma", table=table).frame
        for table in ("numbers", "texts")
    ]
    _check(pl.concat(frames))


def _jsonl(path: Path, columns: list[str], malformed: bool) -> None:
    """_rows() as JSON lines, ints as JSON numbers (23456789), text as JSON strings ("23456789"); ``malformed``: a
    line that is no JSON object first (quarantined) and the rows written as an array's body ('{...},'), which the
    reader reads line by line in Python instead of with Polars."""
    lines = ['{"ma": "9", "ho_ten": "Nguyễn Văn An"'] if malformed else []
    for row in _rows():
        obj = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=malformed)  # \u escapes in the keys too
        lines.append(obj + ("," if malformed else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("malformed", [False, True], ids=["polars", "line-by-line"])
def test_jsonl_number_values(tmp_path, malformed):
    """A JSON number (23456789) is a number cell as an XLSX one is: marked, so staging puts the zero back; the same
    digits as a JSON string ("23456789") are left as written. Read by Polars (every line valid) or line by line."""
    _jsonl(tmp_path / "n.jsonl", COLUMNS, malformed)
    raw = _load(tmp_path, "population", "jsonl", "n.jsonl", MIXED_COLUMNS, key_column="ma").frame
    assert raw.height == len(ROWS) + malformed
    _check(raw.filter(pl.col("read_problem").is_null()))


COMMA = "Số CMND, CCCD"  # a column name with a comma in it (Excel headers: 'Số CMND, CCCD')


@pytest.mark.parametrize("fmt", ["xlsx", "jsonl", "pg_dump", "csv"])
def test_a_comma_in_the_column_name_keeps_the_marks(tmp_path, fmt):
    """The reader's number marks name source columns; a name holding a comma is one name, not two: its number cells
    are still marked (XLSX, JSON lines, a pg_dump's quoted column, whose COPY list was split on the comma: every row
    refused as one field short) and CSV, which has no number cells, maps it and marks nothing."""
    columns = {**{k: v for k, v in MIXED_COLUMNS.items() if k != "so_cmnd_cccd"}, COMMA: "personal_id"}
    names = list(columns)
    if fmt == "xlsx":
        xlsx_with_number_cells(tmp_path / "n.xlsx", names)[0].close()
    elif fmt == "jsonl":
        _jsonl(tmp_path / "n.jsonl", names, malformed=False)
    elif (
        fmt == "pg_dump"
    ):  # the ID columns numbers (bigint), in the numbers' rows only (as test_pg_dump_number_columns)
        quoted = [f'"{n}"' if n == COMMA else n for n in names]
        types = {COMMA: "bigint", "cmnd": "bigint"}
        lines = [
            "CREATE TABLE public.people (",
            ",\n".join(f"    {q} {types.get(n, 'text')}" for q, n in zip(quoted, names, strict=True)),
        ]
        lines += [");", "", f"COPY public.people ({', '.join(quoted)}) FROM stdin;"]
        lines += [
            "\t".join("\\N" if v is None else str(v) for v in row) for row in _rows() if not isinstance(row[-1], str)
        ]
        lines += ["\\.", ""]
        (tmp_path / "n.pg_dump").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        text = [",".join(f'"{n}"' for n in names)]
        text += [",".join("" if v is None else f'"{v}"' for v in row) for row in _rows()]
        (tmp_path / "n.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    extra = {"table": "people"} if fmt == "pg_dump" else {}
    raw = _load(tmp_path, "population", fmt, f"n.{fmt}", columns, key_column="ma", **extra).frame
    if fmt == "pg_dump":  # the text rows (3, 5) cannot be in a bigint column
        assert raw.height == len(ROWS) - 2 and raw["read_problem"].null_count() == raw.height
        _check(raw, expected={k: v for k, v in EXPECTED.items() if k not in ("3", "5")})
        return
    assert raw.height == len(ROWS)
    if fmt != "csv":
        _check(raw)
    else:  # every cell text: nothing marked, the 8 digits left as written
        assert not raw["row_flags"].fill_null("").str.contains("numeric:").any()
        assert dict(zip(raw["source_key"], raw["personal_id"], strict=True))["2"] == "23456789"


def test_a_header_read_by_its_catalogue_name_keeps_the_marks(tmp_path):
    """A header that differs from the catalogue's name in case and spacing only ('SO_CMND_CCCD') is read as that
    column (raw._names_as_catalogued); its number cells keep their marks under the new name."""
    names = [*COLUMNS[:-1], "  SO_CMND_CCCD "]
    xlsx_with_number_cells(tmp_path / "n.xlsx", names)[0].close()
    raw = _load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma").frame
    _check(raw)
