"""An input whose id column repeats an id stopped `wardbridge match` with the ids themselves: "'so_cccd' is not unique,
e.g. ['079085001234']": the id column of a registry extract is often the personal ID, and errors never hold a personal
value. The message names the rows holding each repeated id (as the file numbers them: a CSV's data rows with blank
lines counted, a workbook's sheet rows) and how many ids repeat, never an id."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.match import SpecError
from pipelines.match.prepare import check_input
from pipelines.match.spec import load_spec

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
SECRET = "079085001234"


def _rows(n: int = 30) -> tuple[str, list[str]]:
    header, *rows = CUSTOMERS.read_text(encoding="utf-8").splitlines()
    rows = rows[:n]
    rows[3] = SECRET + rows[3][rows[3].index(",") :]
    rows[20] = SECRET + rows[20][rows[20].index(",") :]
    return header, rows


def test_the_cli_names_the_rows_of_a_repeated_id_never_the_id(tmp_path):
    header, rows = _rows()
    source = tmp_path / "in.csv"
    source.write_text("\n".join([header, *rows[:10], "", *rows[10:]]) + "\n", encoding="utf-8")  # a blank line
    result = CliRunner().invoke(
        main, ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(tmp_path / "o.csv")]
    )
    assert result.exit_code != 0
    assert SECRET not in result.output, result.output
    assert "'customer_id' is not unique: 1 id is held by more than one row (one on data rows 4, 22)" in result.output


def test_a_workbook_names_sheet_rows(tmp_path):
    header, rows = _rows()
    source = tmp_path / "in.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Data")
    for i, line in enumerate([header, *rows]):
        for j, value in enumerate(line.split(",")):
            sheet.write_string(i, j, value)
    book.close()
    result = CliRunner().invoke(
        main, ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(tmp_path / "o.csv")]
    )
    assert result.exit_code != 0 and SECRET not in result.output, result.output
    assert "is not unique: 1 id is held by more than one row (one on sheet 'Data' rows 5, 22)" in result.output


def test_check_input_names_rows():
    header, rows = _rows()
    frame = pl.DataFrame([r.split(",") for r in rows], schema=header.split(","), orient="row")
    frame = pl.concat([frame, frame.head(5)])  # five rows again (one of them the id of rows 4 and 21 too)
    with pytest.raises(SpecError) as raised:
        check_input(frame, load_spec(SPEC))
    said = str(raised.value)
    assert SECRET not in said and "5 ids are each held by more than one row (one on data rows 1, 31;" in said, said
    assert said.endswith(", ...)")
