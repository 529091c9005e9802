"""Empty lines at the end of a CSV are no rows (pipelines/cli.py, without_trailing_blank_lines): Polars read each as a
row of nulls, so `wardbridge match` refused a file saved with one line break too many ('1 rows have no
'customer_id' (data rows [1730])') and `wardbridge resolve` wrote an unresolved row the file does not hold (HQ9's
new-user pass). A row of empty fields (',') is a row, and stays one."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"


def test_match_reads_a_file_ending_with_an_empty_line(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(CUSTOMERS.read_bytes() + b"\r\n")
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code == 0, done.output
    assert pl.read_csv(out).height == pl.read_csv(CUSTOMERS).height


def test_resolve_writes_no_row_for_empty_lines_at_the_end(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes('id,address\n1,"12 Lê Lợi, P. Bến Nghé, Q.1"\n2,\n\n\n'.encode())
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["resolve", "--input", str(path), "--column", "address", "--output", str(out)])
    assert done.exit_code == 0, done.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2"]  # '2,' is a row with an empty address
