"""A Parquet input whose text columns are categorical (pandas' 'category' dtype, which Polars reads as Categorical)
stopped `wardbridge match` with a traceback ('str.replace_many operation not supported for dtypes `cat`': the name
column's folding). The CLI reads such a column as its text, so the run is the one on the plain text. HV4."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _match(source, target):
    done = CliRunner().invoke(
        main, ["match", "--spec", str(PEOPLE_SPEC), "--input", str(source), "--output", str(target)]
    )
    assert done.exit_code == 0, (done.output, done.exception)
    return pl.read_parquet(target)


def test_categorical_columns_match_as_their_text(tmp_path):
    people = background(200, seed=3).drop("person")
    people.write_parquet(tmp_path / "text.parquet")
    categorical = people.with_columns(pl.col("full_name", "sex").cast(pl.Categorical))
    categorical.write_parquet(tmp_path / "cat.parquet")
    assert pl.read_parquet(tmp_path / "cat.parquet").schema["full_name"] == pl.Categorical
    assert _match(tmp_path / "cat.parquet", tmp_path / "c.parquet").equals(
        _match(tmp_path / "text.parquet", tmp_path / "t.parquet")
    )
