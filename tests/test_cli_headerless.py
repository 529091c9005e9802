"""A CSV without a header given to `wardbridge resolve` or `match`: its first record is read as the header, and the
messages that list the table's columns (resolve: "column 'address' not found ...; its columns are: 1, Nguyễn Văn An,
12 Lê Lợi..."; match: "the spec uses columns [...] that the table does not have (it has ['C00571-9', 'NOAH
DUBOIS', ...])"; a repeated value named as a repeated column) quoted that record's personal values. When the
header looks like a data row (a number, four digits in a row, a date) its cells are counted, not shown."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import header_looks_like_data, main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
NOT_SHOWN = "it looks like a data row, not a header (a file without one?): its cells are not shown"


def test_resolve_shows_no_value_of_a_headerless_file(tmp_path):
    source, out = tmp_path / "rows.csv", tmp_path / "out.csv"
    source.write_text("1,Nguyễn Văn An,Quận 1,Quận 1,Lê Lợi\n2,Trần Thị Bình,Phường 6,Quận 1,x\n")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "its first line, read as the header, has 5 cells: " + NOT_SHOWN in " ".join(result.output.split())
    assert "the first line names a column more than once (columns 3 and 4)" in result.output  # 'Quận 1' twice
    assert not any(v in result.output for v in ("Nguyễn", "Lê Lợi", "Quận 1"))


@pytest.mark.parametrize("option", ["--input", "--increment"])
def test_match_shows_no_value_of_a_headerless_file(tmp_path, option):
    customers = pl.read_csv(CUSTOMERS, infer_schema=False).head(50)
    source, out = tmp_path / "rows.csv", tmp_path / "out.csv"
    source.write_text(customers.write_csv(include_header=False), encoding="utf-8")
    args = ["match", option, str(source), "--spec", str(SPEC), "--output", str(out)]
    if option == "--increment":
        state = tmp_path / "state"
        (tmp_path / "base.csv").write_text(customers.write_csv(), encoding="utf-8")
        base = ["match", "--input", str(tmp_path / "base.csv"), "--spec", str(SPEC)]
        done = CliRunner().invoke(main, [*base, "--output", str(tmp_path / "b.csv"), "--save-state", str(state)])
        assert done.exit_code == 0, done.output
        args += ["--state", str(state), "--save-state", str(tmp_path / "state2")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert "that the table does not have; its first line, read as the header, has 7 cells" in result.output
    assert not any(v in result.output for v in customers.row(0)[:3])


def test_a_header_of_names_is_listed():
    assert not header_looks_like_data(["id", "Họ và tên", "Địa chỉ", "so_cmnd", "Quận"])
    assert header_looks_like_data(["1", "Nguyễn Văn An"])
    assert header_looks_like_data(["C00571-9", "NOAH DUBOIS", "x@example.org", "", "1958-05-22"])
    assert header_looks_like_data(["An", "0901234567"]) and header_looks_like_data(["An", "5/3/90"])


@pytest.mark.parametrize(("written", "read_as"), [(",", "tab"), (";", ","), ("\t", ";")])
def test_a_header_read_as_one_column_names_the_likely_delimiter(tmp_path, written, read_as):
    # a comma file read tab-separated: one column 'id,address', and the message says which delimiter it holds
    source, out = tmp_path / "rows.csv", tmp_path / "out.csv"
    source.write_text(f"id{written}address\n1{written}12 Lê Lợi\n", encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out), "--delimiter", read_as]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"(one column, its name holding {written!r}: is the file's delimiter {written!r}?)" in said
    assert "Lê Lợi" not in result.output
    # read with its own delimiter it resolves; a table of several columns without the one asked for gets no hint
    assert CliRunner().invoke(main, args[:-2]).exit_code == 0
    missing = CliRunner().invoke(main, [*args[:4], "street", *args[5:7]])
    assert missing.exit_code == 2 and "its columns are: id, address" in missing.output
    assert "is the file's delimiter" not in missing.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_title_line_above_the_header_is_named_as_the_likely_cause(tmp_path, suffix):
    import xlsxwriter

    source, out = tmp_path / f"rows{suffix}", tmp_path / "out.csv"
    rows = [["Danh sách hộ", "", ""], ["id", "address", "ward"], ["1", "12 Lê Lợi", "x"]]
    if suffix == ".csv":
        source.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        with xlsxwriter.Workbook(source) as book:
            sheet = book.add_worksheet()
            for i, row in enumerate(rows):
                sheet.write_row(i, 0, [v for v in row if v])
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "(one named cell of 3: a title line above the header? --skip-rows 1 skips it)" in " ".join(
        result.output.split()
    )
    assert CliRunner().invoke(main, [*args, "--skip-rows", "1"]).exit_code == 0
