"""A sex column kept as a boolean (PostgreSQL boolean, a SQLite BOOLEAN column's 0/1, an XLSX TRUE/FALSE cell, a
dBase logical T/F, a pg_dump's boolean t/f, 'true'/'false' text) cannot say which sex is true. Before, PostgreSQL's
and the workbook's 'true'/'false' were staged as an unreadable sex on every row ('unreadable (not M/F)'), a dBase
logical or pg_dump 'f'/'F' as female and 'T'/'t' as unreadable, and SQLite's 0/1 as female/male by the digit convention of text columns. Now such
rows are quarantined, the reason naming the column and the catalogue key that declares it (``sex_true``); with
``sex_true = "M"`` or ``"F"`` they are staged by it. The digits '1'/'0' of a text column keep their documented
convention (1 = male)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.catalogue import CatalogueError, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from pipelines.synth.formats import open_writer
from tests.test_row_contracts import ADDRESS, _catalogue

COLUMNS = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "gioi_tinh": "sex", "dia_chi": "address"}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]


def _rows(values: list) -> list[list]:
    return [[str(i), NAMES[i % 4], "01/02/1980", v, ADDRESS] for i, v in enumerate(values, 1)]


def _staged(tmp_path: Path, fmt: str, path: str, **extra):
    columns = {k.upper(): v for k, v in COLUMNS.items()} if fmt == "dbf" else COLUMNS
    (spec,) = load_catalogue([_catalogue(tmp_path, "population", fmt, path, columns, **extra)]).values()
    (extract,) = spec.extracts()
    loaded = load_raw(extract, "t")
    result = stage(loaded.frame, "population", sex_true=spec.sex_true, sex_column=spec.canonical_columns["sex"].lower())
    assert account(loaded.frame, result)["balanced"]
    return result


def _csv(tmp_path: Path, values: list[str]) -> str:
    lines = [",".join(COLUMNS)] + [",".join(f'"{v}"' for v in r) for r in _rows(values)]
    (tmp_path / "p.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "p.csv"


def _sqlite(tmp_path: Path, values: list) -> str:
    con = sqlite3.connect(tmp_path / "p.sqlite")
    con.execute("CREATE TABLE nk (ma TEXT, ho_ten TEXT, ngay_sinh TEXT, gioi_tinh BOOLEAN, dia_chi TEXT)")
    con.executemany("INSERT INTO nk VALUES (?, ?, ?, ?, ?)", _rows(values))
    con.commit()
    con.close()
    return "p.sqlite"


def _xlsx(tmp_path: Path, values: list) -> str:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "p.xlsx"))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, list(COLUMNS))
    for i, row in enumerate(_rows(values), start=1):
        for j, v in enumerate(row):
            sheet.write_boolean(i, j, v) if isinstance(v, bool) else sheet.write_string(i, j, v)
    book.close()
    return "p.xlsx"


def _dbf(tmp_path: Path, values: list[str]) -> str:
    header = [c.upper() for c in COLUMNS]
    data = pl.DataFrame(
        [dict(zip(header, r, strict=True)) for r in _rows(values)], schema=dict.fromkeys(header, pl.String)
    )
    with open_writer(tmp_path / "p.dbf", "dbf", "population", header, field_types={"GIOI_TINH": "L"}) as w:
        w.write(data)
    return "p.dbf"


def _pg_dump(tmp_path: Path, values: list[str]) -> str:
    """A plain-text pg_dump of a table with a boolean gioi_tinh: COPY writes a boolean 't' / 'f'."""
    lines = ["CREATE TABLE public.nk (", "    ma text,", "    ho_ten text,", "    ngay_sinh text,"]
    lines += ["    gioi_tinh boolean,", "    dia_chi text", ");", ""]
    lines += ["COPY public.nk (ma, ho_ten, ngay_sinh, gioi_tinh, dia_chi) FROM stdin;"]
    lines += ["\t".join(r) for r in _rows(values)] + ["\\.", ""]
    (tmp_path / "p.sql").write_text("\n".join(lines), encoding="utf-8")
    return "p.sql"


CASES = {  # format -> (writer, the values true, false, true, false as the source holds them, catalogue extras)
    "csv": (_csv, ["TRUE", "false", "True", "FALSE"], {}),
    "sqlite": (_sqlite, [1, 0, 1, 0], {"table": "nk", "key_column": "ma"}),
    "xlsx": (_xlsx, [True, False, True, False], {}),
    "dbf": (_dbf, ["T", "F", "Y", "N"], {"key_column": "MA"}),
    "pg_dump": (_pg_dump, ["t", "f", "t", "f"], {"table": "nk", "db_schema": "public", "key_column": "ma"}),
}


@pytest.mark.parametrize("fmt", CASES)
def test_a_boolean_sex_is_quarantined_naming_column_and_key(tmp_path, fmt):
    write, values, extra = CASES[fmt]
    result = _staged(tmp_path, fmt, write(tmp_path, values), **extra)
    assert result.staged.height == 0  # never a person staged with the sex left empty, nor a 'F' read as female
    reasons = result.quarantine["reason"].to_list()
    assert len(reasons) == 4
    assert all("'gioi_tinh'" in r and "sex_true" in r and "true/false" in r for r in reasons), reasons[0]
    assert set(result.quarantine["field"]) == {"sex"}


@pytest.mark.parametrize("fmt", CASES)
@pytest.mark.parametrize("true_is", ["M", "F"])
def test_a_declared_boolean_sex_is_staged_by_the_declaration(tmp_path, fmt, true_is):
    write, values, extra = CASES[fmt]
    result = _staged(tmp_path, fmt, write(tmp_path, values), sex_true=true_is, **extra)
    other = "F" if true_is == "M" else "M"
    assert result.quarantine.height == 0
    assert result.staged.sort("source_key")["sex"].to_list() == [true_is, other, true_is, other]
    assert result.staged["issues"].null_count() == 4


def test_text_digits_keep_their_reading_unless_a_declaration_says_which_is_true(tmp_path):
    """Undeclared, '1' / '0' of a text column keep the documented digit reading (1 = male); declared, they are true /
    false (an 'is female' 0/1 column declared sex_true = "F" was otherwise staged the other sex). Words stay words."""
    path = _csv(tmp_path, ["1", "0", "Nam", "Nữ", "1.0"])
    undeclared = _staged(tmp_path, "csv", path)
    assert undeclared.quarantine.height == 0
    assert undeclared.staged.sort("source_key")["sex"].to_list() == ["M", "F", "M", "F", "M"]
    declared = _staged(tmp_path, "csv", path, sex_true="F")
    assert declared.quarantine.height == 0
    assert declared.staged.sort("source_key")["sex"].to_list() == ["F", "M", "M", "F", "F"]


def test_a_boolean_sex_column_rejecting_the_extract_says_why(tmp_path):
    raw = _raw(tmp_path, ["true", "false"] * 10)
    result = stage(raw, "population", sex_column="gioi_tinh")
    assert result.rejected is not None
    assert "sex_true" in result.rejected and "'gioi_tinh'" in result.rejected


def _raw(tmp_path: Path, values: list[str]) -> pl.DataFrame:
    (spec,) = load_catalogue([_catalogue(tmp_path, "population", "csv", _csv(tmp_path, values), COLUMNS)]).values()
    (extract,) = spec.extracts()
    return load_raw(extract, "t").frame


@pytest.mark.parametrize("value", ["male", "Nam", "X"])
def test_sex_true_takes_m_or_f_only(tmp_path, value):
    with pytest.raises(CatalogueError, match="sex_true"):
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", COLUMNS, sex_true=value)])


def test_sex_true_needs_a_sex_column(tmp_path):
    columns = {k: v for k, v in COLUMNS.items() if v != "sex"}
    with pytest.raises(CatalogueError, match="sex_true"):
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", columns, sex_true="M")])


@pytest.mark.parametrize("sex_true", [None, "F"])
def test_a_postgresql_boolean_sex(tmp_path, postgres_server, postgres_env, monkeypatch, sex_true):
    import secrets

    import psycopg

    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    schema, server = f"wb_bool_{secrets.token_hex(4)}", postgres_server
    with psycopg.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname=server.dbname
    ) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(
            f"CREATE TABLE {schema}.nk (ma text, ho_ten text, ngay_sinh text, gioi_tinh boolean, dia_chi text)"
        )
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {schema}.nk VALUES (%s, %s, %s, %s, %s)", _rows([True, False, True, False]))
    url = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"
    lines = ["[[source]]", 'id = "s"', 'registry = "population"', 'format = "sql"', f'url = "{url}"']
    lines += [f'db_schema = "{schema}"', 'table = "nk"', 'key_column = "ma"', 'extract_date = "2025-08-31"']
    lines += [f'sex_true = "{sex_true}"'] if sex_true else []
    lines += ["[source.columns]", *(f'"{k}" = "{v}"' for k, v in COLUMNS.items() if v)]
    (tmp_path / "c.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (spec,) = load_catalogue([tmp_path / "c.toml"]).values()
    (extract,) = spec.extracts()
    result = stage(load_raw(extract, "t").frame, "population", sex_true=spec.sex_true, sex_column="gioi_tinh")
    if sex_true is None:
        assert result.staged.height == 0 and result.quarantine.height == 4
        assert all("'gioi_tinh'" in r and "sex_true" in r for r in result.quarantine["reason"])
    else:
        assert result.staged.sort("source_key")["sex"].to_list() == ["F", "M", "F", "M"]


def test_the_ingest_names_the_source_column_in_the_partition_status(tmp_path):
    import logging

    from assets.ingest import IngestOutcome, ingest_partition
    from pipelines.ingest.catalogue import extracts_by_partition
    from pipelines.warehouse import Warehouse

    columns = {**COLUMNS, "gioi_tinh": None, "Giới tính": "sex"}
    path = tmp_path / "p.csv"
    path.write_text(
        "ma,ho_ten,ngay_sinh,Giới tính,dia_chi\n"
        + "".join(f'{i},{NAMES[i % 4]},01/02/1980,{"TRUE" if i % 2 else "FALSE"},"{ADDRESS}"\n' for i in range(1, 21)),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", columns)])
    ).values()
    wh, outcome = Warehouse(tmp_path / "wh"), IngestOutcome()
    ingest_partition(wh, "population", extract.partition_key, extract, "r", outcome, logging.getLogger("t"))
    (status,) = outcome.failed.values()
    assert status.state == "rejected" and "'Giới tính'" in status.cause and "sex_true" in status.cause
    assert "p.csv" in status.describe()
