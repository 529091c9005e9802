"""`wardbridge resolve` on a file that already holds resolver columns (one resolved twice, re-resolved after a
gazetteer update): the resolver's columns whose names the input has are written as resolved_<name>, and where the
input has that too it crashed (polars DuplicateError: column 'resolved_old_uid' has more than one occurrence). Now
resolved_<name>_2, _3... (resolve.output_names); and the summary counts the resolver's status, not an input column
named resolved_status. HV4."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

import pipelines.resolve as r
from pipelines.cli import main

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"


def _resolve(source, target) -> str:
    done = CliRunner().invoke(main, ["resolve", "--input", str(source), "--column", "address", "--output", str(target)])
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    return done.output


def test_output_columns_are_the_resolvers():
    assert r.resolve_addresses([ADDRESS]).columns == ["input", *r.OUTPUT_COLUMNS]


def test_a_file_resolved_twice_is_resolved_again(tmp_path):
    pl.DataFrame({"address": [ADDRESS, "5 Lê Lợi"]}).write_csv(tmp_path / "r0.csv")
    for k in range(3):
        _resolve(tmp_path / f"r{k}.csv", tmp_path / f"r{k + 1}.csv")
    out = pl.read_csv(tmp_path / "r3.csv", infer_schema_length=0)
    assert out.height == 2
    names = r.output_names(pl.read_csv(tmp_path / "r2.csv", infer_schema_length=0).columns)
    assert names["status"] == "resolved_status_2" and names["old_uid"] == "resolved_old_uid_2"
    assert out.columns[-len(names) :] == list(names.values())
    assert out["resolved_status_2"].to_list() == out["status"].to_list() == ["exact", "unresolved"]


def test_the_summary_counts_the_resolvers_status_not_an_input_column(tmp_path):
    pl.DataFrame({"address": [ADDRESS], "resolved_status": ["đã duyệt"]}).write_csv(tmp_path / "in.csv")
    said = _resolve(tmp_path / "in.csv", tmp_path / "out.csv")
    assert "exact                  1  100.0%" in said, said
    out = pl.read_csv(tmp_path / "out.csv", infer_schema_length=0)
    assert out["resolved_status"].to_list() == ["đã duyệt"] and out["status"].to_list() == ["exact"]
