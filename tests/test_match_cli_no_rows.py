"""`wardbridge match` on a table with a header and no rows: a data problem named in one line (exit 1), never a
traceback (pipelines/cli.py's match command). It was an IndexError from the term-frequency tables."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_header_only_table_is_a_data_problem_not_a_traceback(tmp_path, suffix):
    empty = pl.read_csv(CUSTOMERS, infer_schema_length=0).head(0)
    path = tmp_path / f"header_only{suffix}"
    empty.write_csv(path) if suffix == ".csv" else empty.write_parquet(path)
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code == 1, (done.output, done.exception)
    assert not isinstance(done.exception, IndexError)
    assert "has no rows (a header only)" in done.output and path.name in done.output
    assert not out.exists()


def test_one_row_still_matches(tmp_path):
    one = tmp_path / "one.csv"
    pl.read_csv(CUSTOMERS, infer_schema_length=0).head(1).write_csv(one)
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(one), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code == 0, done.output
    assert pl.read_csv(out).height == 1
