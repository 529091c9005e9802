"""Bad sources met in an audit of paths not fuzzed yet (session 37), each said with what is true:

* a `sql` source whose table lacks the catalogue's key column failed with the bare class name ('reading stopped after
  0 rows (none of this extract is written): MissingColumnError'); the same table as a `sqlite` file named the column.
  Now the cause names the column, the table and its columns (readers._sql_failures).
* a required column missing said '(the other 0 are not shown: they may be data)' when every column matched.
* a SQLite URL naming a folder said 'SQLite database ... not found' (it is there, a folder).
* a catalogue path naming a folder ($WARDBRIDGE_CATALOGUE=mappings/sources, as the default is a folder) stopped the
  run with 'nothing ran: IsADirectoryError: [Errno 21] Is a directory'; a missing one with a bare FileNotFoundError.
  Both are CatalogueErrors naming the path and what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipelines.ingest.catalogue import CatalogueError, extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract
from tests.test_bad_inputs import COLUMNS, HEADER, PERSONAL, REGISTRY, ROWS


def _database(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {REGISTRY} ({', '.join(h + ' TEXT' for h in header)})")
        conn.executemany(f"INSERT INTO {REGISTRY} VALUES ({', '.join('?' * len(header))})", rows)
    conn.close()
    return path


def _sql_source(tmp_path: Path, database: Path, columns: dict[str, str] = COLUMNS) -> Path:
    catalogue = tmp_path / "sql.toml"
    catalogue.write_text(
        f'[[source]]\nid = "db"\nregistry = "{REGISTRY}"\nformat = "sql"\nurl = "sqlite:///{database}"\n'
        f'table = "{REGISTRY}"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in columns.items()),
        encoding="utf-8",
    )
    return catalogue


def _ingest_one(tmp_path: Path, catalogue: Path):  # noqa: ANN202
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return ingest_extract(tmp_path / "wh", REGISTRY, extract, PERSONAL)


def test_a_sql_table_without_the_key_column_names_it(tmp_path):
    database = _database(tmp_path / "db.sqlite", HEADER[1:], [r[1:] for r in ROWS])
    result = _ingest_one(tmp_path, _sql_source(tmp_path, database))
    assert result.state == "failed", result
    assert "column 'stt' not found in table 'households'" in result.cause, result.cause
    assert "it has: so_ho_khau, ten_chu_ho" in result.cause, result.cause
    assert "MissingColumnError" not in result.cause, result.cause


def test_a_required_column_missing_says_no_other_columns_when_there_are_none(tmp_path):
    header = [h for h in HEADER if h != "dia_chi"]
    rows = [[v for h, v in zip(HEADER, r, strict=True) if h != "dia_chi"] for r in ROWS]
    result = _ingest_one(tmp_path, _sql_source(tmp_path, _database(tmp_path / "db.sqlite", header, rows)))
    assert result.state == "failed" and "required column(s) 'dia_chi' (address) missing" in result.cause, result
    assert "the other 0" not in result.cause, result.cause


def test_a_sqlite_url_naming_a_folder_says_so(tmp_path):
    (tmp_path / "db.sqlite").mkdir()
    result = _ingest_one(tmp_path, _sql_source(tmp_path, tmp_path / "db.sqlite"))
    assert result.state == "failed", result
    assert "is a folder, not a file" in result.cause and "not found" not in result.cause, result.cause


@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_a_catalogue_path_that_is_a_folder_or_missing_is_a_catalogue_error(tmp_path, kind):
    path = tmp_path / ("sources" if kind == "folder" else "nothere.toml")
    if kind == "folder":
        path.mkdir()
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    said = str(caught.value)
    assert said.startswith(f"{path}: "), said
    assert ("a folder, not a catalogue file" if kind == "folder" else "No such file or directory") in said, said


def test_wardbridge_run_with_a_catalogue_folder_in_the_variable_says_what_it_is(tmp_path):
    from tests.runhelpers import clean_env, dagster_home, wardbridge

    (tmp_path / "sources").mkdir()
    env = clean_env() | {"WARDBRIDGE_CATALOGUE": str(tmp_path / "sources")}
    home = dagster_home(tmp_path)
    proc = wardbridge("run", "--dagster-home", str(home), "--warehouse", str(tmp_path / "wh"), env=env, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 3, out[-2000:]
    assert "IsADirectoryError" not in out and "a folder, not a catalogue file" in out, out[-2000:]


def test_a_base_dir_that_is_a_file_is_named_in_the_file_not_found_cause(tmp_path):
    (tmp_path / "registries.zip").write_bytes(b"PK")  # base_dir names the archive, not the folder unpacked from it
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path / "registries.zip"}"\n[[source]]\nid = "s"\nregistry = "{REGISTRY}"\n'
        'format = "csv"\npath = "h.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    result = _ingest_one(tmp_path, catalogue)
    assert result.state == "failed" and "file not found" in result.cause, result
    assert "base_dir" in result.cause and "registries.zip is a file, not a folder" in result.cause, result.cause


def test_a_landing_folder_that_is_a_file_is_said_to_be_one(tmp_path, monkeypatch):
    """$WARDBRIDGE_LANDING naming an extract, not its folder: the sensor said 'landing folder ... does not exist'."""
    import dagster as dg

    from assets.ingest import CATALOGUE_ENV
    from assets.sensors import LANDING_ENV
    from tests.sensorhelpers import households_900_catalogue, sensor_tick

    registries = tmp_path / "registries"
    registries.mkdir()
    landed = tmp_path / "households_900_20250930.csv"
    landed.write_text("stt\n", encoding="utf-8")
    monkeypatch.setenv(LANDING_ENV, str(landed))
    monkeypatch.setenv(CATALOGUE_ENV, str(households_900_catalogue(tmp_path, registries, "")))
    with dg.instance_for_test() as instance:
        tick = sensor_tick(instance)
    said = tick.skip_reason.skip_message if tick.skip_reason else ""
    assert f"landing folder {landed} is a file, not a folder" in said, said
    assert "does not exist" not in said, said
