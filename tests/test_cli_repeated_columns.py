"""A CSV whose header names a column twice is said on stderr (pipelines/cli.py, report_repeated_columns): Polars reads
the first copy under the name and renames the other, so `wardbridge match` compared the first 'name' column of a file
holding two, silently (HQ9's new-user pass). The line names the file, the column and both positions, never a value."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"


def _match(tmp_path, text: str):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(
        main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(tmp_path / "out.csv")]
    )
    assert done.exit_code == 0, done.output
    return done.output


def test_a_column_named_twice_is_said(tmp_path):
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines()[:200]
    text = "\n".join([lines[0] + ",name"] + [line + ",Other Person" for line in lines[1:]]) + "\n"
    out = _match(tmp_path, text)
    assert "in.csv: the header names column 'name' more than once (columns 2 and 8)" in out, out
    assert "Other Person" not in out


def test_a_header_without_repeats_says_nothing(tmp_path):
    frame = pl.read_csv(CUSTOMERS, infer_schema=False).head(199)
    out = _match(tmp_path, frame.write_csv())
    assert "more than once" not in out


def _resolve(tmp_path, text: str):  # noqa: ANN202
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(
        main, ["resolve", "--input", str(path), "--column", "address", "--output", str(tmp_path / "o.csv")]
    )


def test_a_repeat_whose_copy_name_is_taken_is_said_not_a_duplicate_error(tmp_path):
    """'address,address_duplicated_0,address': the name Polars gives the second 'address' is taken, and the read
    stopped with 'cannot read as CSV with delimiter ',' (DuplicateError)'."""
    done = _resolve(tmp_path, 'address,address_duplicated_0,address\n"12 Lê Lợi, Quận 1",x,y\n')
    assert done.exit_code == 1, done.output
    assert "DuplicateError" not in done.output, done.output
    assert (
        "r.csv: the header names column 'address' more than once, and its next copy cannot be read as "
        "'address_duplicated_0'" in done.output
    ), done.output


def test_such_a_first_line_of_data_is_said_by_positions_only(tmp_path):
    done = _resolve(tmp_path, "079085001234,079085001234,079085001234_duplicated_0\n1,2,3\n")
    assert done.exit_code == 1, done.output
    assert "names a column more than once (columns 1 and 2)" in done.output, done.output
    assert "079085001234" not in done.output, done.output
