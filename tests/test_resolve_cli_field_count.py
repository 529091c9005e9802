"""`wardbridge resolve`: a CSV that Polars cannot read is refused with the real cause. A row with more fields than
the header (an address with the delimiter, not quoted) names its line and both field counts; it was blamed on a
quote (a later line Python's strict reader dislikes, which Polars reads) or given as a bare 'ComputeError'. A
quote never closed is still named as such. Never a cell value."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

HEADER = "id,address\n"
GOOD = '1,"12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"\n'
SECRET = "45 đường số 7, P12"  # the value of the broken row: never printed
ODD_QUOTES = '9,"Nhà "Hồng" 3"\n'  # a quote inside a quoted field, not doubled: Polars reads it, Python's strict no


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_an_extra_field_is_named_not_blamed_on_a_later_quote(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + GOOD + f"2,{SECRET}\n" + GOOD + ODD_QUOTES, encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert f"{source}: line 3: the row starting on this line has 3 fields where the header has 2" in result.output
    assert "quoted field" not in result.output
    assert SECRET not in result.output and "Hồng" not in result.output and "45 đường" not in result.output
    assert not out.exists()


def test_an_extra_field_alone_names_line_and_counts(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id;address;note\n" + f'1;"{SECRET}";x\n' * 3 + f"4;{SECRET};x;y;z\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert f"{source}: line 5: the row starting on this line has 5 fields where the header has 3 " in result.output
    assert "(delimiter ';')" in result.output and "ComputeError" not in result.output
    assert SECRET not in result.output


def test_a_quote_never_closed_before_an_extra_field_is_named_as_a_quote(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + GOOD + f'2,"{SECRET}\n' + GOOD + "4,a,b\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert f"{source}: line 3: a quoted field opened in the row starting on this line is not closed" in result.output
    assert "fields where the header has" not in result.output and SECRET not in result.output


def test_a_row_with_fewer_fields_is_read_with_the_missing_ones_empty(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,note,address\n" + '1,x,"12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"\n' + "2,y\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["id"].to_list() == [1, 2]  # the short row kept, its address empty
