"""A byte order mark before a QUOTED first cell holding the delimiter (two CSV files joined, each saved by Excel as
'CSV UTF-8', whose first column is an address): the mark kept the quote from opening the cell, Polars split it and
`wardbridge resolve` refused the whole file ('line 3: the row starting on this line has 4 fields where the header
has 2 ... quote a value that holds the delimiter': it was quoted). 89f839c took such marks off after reading only.
Now a file Polars cannot read is read again without them, said with the lines. HV4."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

BOM = "\ufeff"


def test_a_mark_before_a_quoted_first_cell_is_taken_out(tmp_path):
    text = f'{BOM}address,id\n"12 Lê Lợi, Phường Bến Nghé, Quận 1",1\n{BOM}"5 Lê Lợi, Phường 7, Quận 5",2\n'
    (tmp_path / "joined.csv").write_text(text, encoding="utf-8")
    done = CliRunner().invoke(
        main,
        [
            "resolve",
            "--input",
            str(tmp_path / "joined.csv"),
            "--column",
            "address",
            "--output",
            str(tmp_path / "o.csv"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "a byte order mark at the start of 1 line (3)" in done.output, done.output
    out = pl.read_csv(tmp_path / "o.csv", infer_schema_length=0)
    assert out["address"].to_list() == ["12 Lê Lợi, Phường Bến Nghé, Quận 1", "5 Lê Lợi, Phường 7, Quận 5"]
    assert out["id"].to_list() == ["1", "2"]
    assert out["status"].to_list() == ["exact", "exact"]


def test_a_file_still_unreadable_without_the_marks_says_why(tmp_path):
    text = f"{BOM}address,id\n12 Lê Lợi,1\n{BOM}5 Lê Lợi,2,x,y\n"
    (tmp_path / "bad.csv").write_text(text, encoding="utf-8")
    done = CliRunner().invoke(
        main,
        ["resolve", "--input", str(tmp_path / "bad.csv"), "--column", "address", "--output", str(tmp_path / "o.csv")],
    )
    assert done.exit_code == 1, done.output
    assert "line 3: the row starting on this line has 4 fields where the header has 2" in done.output, done.output
