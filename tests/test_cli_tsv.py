"""A tab-separated file named .tsv (what many exports and 'Text (Tab delimited)' tools write) was refused by
`wardbridge resolve` and `match` ('unsupported file extension'): it is read as CSV is (the delimiter sniffed) and a
.tsv output is written with tabs. An old binary workbook (.xls) is refused (exit 2), with what to do (an .xlsx or JSON
file is read since: tests/test_cli_xlsx_json_input.py)."""

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


def test_an_old_workbook_is_refused_with_what_to_do_and_a_damaged_one_said(tmp_path):
    source = tmp_path / "ds.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / "o.csv")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "unsupported file extension '.xls'" in result.output and "'Excel Workbook' (.xlsx) or CSV" in result.output
    damaged = tmp_path / "ds.xlsx"
    damaged.write_bytes(b"PK")
    args[2] = str(damaged)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1 and "cannot read as a workbook (.xlsx)" in result.output
