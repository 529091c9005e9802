"""Typed columns where the spec reads text (a Parquet or database table): `wardbridge match` reads them, never a
traceback (pipelines/match/prepare.py `_as_text`). A date column of integers (19900315) crashed with "year operation
not supported for dtype i64", a name column of integers in the name clean-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.match import load_spec
from pipelines.match.prepare import prepare

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
SPEC = EXAMPLES / "customers.toml"
CUSTOMERS = pl.read_csv(EXAMPLES / "customers.csv", infer_schema_length=0)


def _entities(tmp_path: Path, table: pl.DataFrame, name: str) -> pl.DataFrame:
    path, out = tmp_path / f"{name}.parquet", tmp_path / f"{name}_out.csv"
    table.write_parquet(path)
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code == 0, (done.output, done.exception)
    return pl.read_csv(out, infer_schema_length=0).select("record_id", "entity_id").sort("record_id")


def test_integer_dates_match_as_their_digits_written(tmp_path):
    as_text = _entities(tmp_path, CUSTOMERS, "text")
    digits = CUSTOMERS.with_columns(pl.col("birth_date").str.replace_all("-", "").cast(pl.Int64))
    assert digits.schema["birth_date"] == pl.Int64
    assert _entities(tmp_path, digits, "digits").equals(as_text)


def test_float_dates_are_read_as_dates():
    spec = load_spec(SPEC)
    table = CUSTOMERS.head(3).with_columns(
        pl.Series("birth_date", [19900315.0, 32947.0, None], dtype=pl.Float64)  # yyyymmdd; a spreadsheet serial
    )
    work = prepare(table, spec)
    assert work.schema["birth_date"] == pl.Date
    assert work["birth_date"].to_list() == [date(1990, 3, 15), date(1990, 3, 15), None]


def test_an_integer_name_column_is_compared_on_its_digits(tmp_path):
    numbered = CUSTOMERS.with_columns(pl.int_range(pl.len()).mod(7).alias("name"))
    entities = _entities(tmp_path, numbered, "numbered")
    assert entities.height == CUSTOMERS.height  # every record placed in an entity


def test_numbers_compared_as_numbers_keep_their_type():
    spec = load_spec(Path(__file__).resolve().parents[1] / "mappings" / "match" / "households.toml")
    staged = pl.DataFrame({c: pl.Series([None, None], dtype=pl.String) for c in spec.input_columns})
    staged = staged.with_columns(
        pl.Series("record_key", ["a", "b"]),
        pl.Series("members", [3, 4], dtype=pl.Int32),
        pl.Series("registered_on", [None, None], dtype=pl.Date),
    )
    work = prepare(staged, spec)
    assert work.schema["members"] == pl.Int32  # numeric_within: not made text
