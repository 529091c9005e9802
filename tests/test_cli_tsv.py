"""A tab-separated file named .tsv (what many exports and 'Text (Tab delimited)' tools write) was refused by
`wardbridge resolve` and `match` ('unsupported file extension'): it is read as CSV is (the delimiter sniffed) and a
.tsv output is written with tabs. A workbook or JSON file is still refused (exit 2), with what to do."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"


def test_resolve_reads_and_writes_tsv(tmp_path):
    source, out = tmp_path / "in.tsv", tmp_path / "out.tsv"
    source.write_text("id\taddress\n1\tPhường 6, Quận 3\n2\t12 Lê Lợi, Phường Bến Nghé, Quận 1\n", encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, separator="\t", infer_schema=False)
    assert written["address"].to_list() == ["Phường 6, Quận 3", "12 Lê Lợi, Phường Bến Nghé, Quận 1"]
    assert written["status"].to_list() == ["exact", "exact"]


def test_match_reads_tsv_and_writes_its_companions_as_tsv(tmp_path):
    source, out = tmp_path / "c.tsv", tmp_path / "out.tsv"
    pl.read_csv(CUSTOMERS, infer_schema=False).head(100).write_csv(source, separator="\t")
    args = ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, separator="\t", infer_schema=False).height == 100
    assert "left_id" in pl.read_csv(tmp_path / "out.pairs.tsv", separator="\t", infer_schema=False).columns


def test_a_workbook_is_refused_with_what_to_do(tmp_path):
    source = tmp_path / "ds.xlsx"
    source.write_bytes(b"PK")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / "o.csv")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "unsupported file extension '.xlsx'" in result.output and "as CSV UTF-8 or Parquet first" in result.output
