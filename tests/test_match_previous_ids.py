"""`wardbridge match --previous`: a record given two entity ids is refused (exit 2, data rows named, not the ids);
the same row repeated is read once. It was accepted without a word, the record keeping one of the two ids."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
ARGS = ["match", "--input", str(EXAMPLES / "customers.csv"), "--spec", str(EXAMPLES / "customers.toml")]


def _run(tmp_path: Path, rows: list[tuple[str, str]]):
    previous = tmp_path / "previous.csv"
    pl.DataFrame(rows, schema=["record_id", "entity_id"], orient="row").write_csv(previous)
    out = tmp_path / "out.csv"
    return CliRunner().invoke(main, [*ARGS, "--previous", str(previous), "--output", str(out)]), out


def test_a_record_with_two_entity_ids_is_refused(tmp_path):
    done, out = _run(tmp_path, [("C00571-9", "CUST-OLD-1"), ("C00002-1", "CUST-OLD-2"), ("C00571-9", "CUST-OLD-3")])
    assert done.exit_code == 2, done.output
    assert "1 record(s) have more than one entity_id (data rows [1, 3])" in done.output
    assert "C00571-9" not in done.output and not out.exists()


def test_a_repeated_row_is_read_once_and_keeps_its_id(tmp_path):
    done, out = _run(tmp_path, [("C00571-9", "CUST-OLD-1"), ("C00571-9", "CUST-OLD-1")])
    assert done.exit_code == 0, done.output
    records = pl.read_csv(out, infer_schema_length=0)
    assert records.filter(pl.col("record_id") == "C00571-9")["entity_id"].to_list() == ["CUST-OLD-1"]
