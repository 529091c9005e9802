"""`wardbridge resolve` and `wardbridge match` read a CSV row with fewer fields than the header with the missing
fields empty (Polars does): that row is still read, but said on stderr, with the file, the lines where such rows
start, their field counts and how many there are; never a value (issue 14 §2: nothing silently null). A row whose
last fields are present but empty ('2,y,') is no short row and is not reported."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import _table_reader, main, read_table_file

SECRET = "Nguyễn Thị Bí Mật"  # a cell of a short row: never printed
ADDRESS = '"12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"'


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_resolve_reports_short_rows_and_keeps_them(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = [f"1,x,{ADDRESS}", f"2,{SECRET}", f"3,y,{ADDRESS}", "4", '5,"a\nb"', f"6,z,{ADDRESS}"]
    source.write_text("id,note,address\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert (
        f"wardbridge: {source}: 3 rows with fewer fields than the header's 3 (delimiter ','): "
        "line 3 (2), line 5 (1), line 6 (2); the missing fields are read as empty" in result.output
    )  # row 5's quoted line break: the row starts on line 6
    assert SECRET not in result.output
    assert pl.read_csv(out)["id"].to_list() == [1, 2, 3, 4, 5, 6]  # every row still out, in order


def test_empty_trailing_fields_are_not_short(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(f"id,address,note\n1,{ADDRESS},\n2,,\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "fewer fields" not in result.output


def test_match_input_and_previous_output_report_short_rows(tmp_path, capsys):
    source = tmp_path / "people.csv"
    lines = [f"r{i};Tên {i};0903{i:06d}" for i in range(8)] + [f"r9;{SECRET}"]
    source.write_text("id;name;phone\n" + "\n".join(lines) + "\n", encoding="cp1258", errors="replace")
    frame = _table_reader("auto", None)(source, "--input").frame  # what `wardbridge match` reads its --input with
    assert frame.height == 9 and frame["phone"].null_count() == 1
    err = capsys.readouterr().err
    assert f"{source}: 1 row with fewer fields than the header's 3 (delimiter ';'): line 10 (2)" in err
    assert SECRET not in err
    previous = tmp_path / "previous.csv"
    previous.write_text("record_id,entity_id\na,e1\nb\n", encoding="utf-8")
    assert read_table_file(previous, "--previous").height == 2  # what match reads its --previous output with
    assert f"{previous}: 1 row with fewer fields than the header's 2 (delimiter ','): line 3 (1)" in (
        capsys.readouterr().err
    )


def test_the_final_summary_line_counts_the_short_rows(tmp_path):
    """Said on stderr while reading, and counted again in the command's final line (which a log keeps when the lines
    above scroll away): resolve's 'resolved ...' line, match's 'wrote ...' line, per option read."""
    source, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    rows = [f"1,x,{ADDRESS}", f"2,{SECRET}", f"3,y,{ADDRESS}", "4"]
    source.write_text("id,note,address\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("wardbridge: resolved")]
    assert line.endswith("; 2 rows with fewer fields than the header, read as empty (--input 2)"), line
    whole = tmp_path / "whole.csv"
    whole.write_text("id,note,address\n" + f"1,x,{ADDRESS}\n", encoding="utf-8")
    result = _resolve(whole, tmp_path / "whole.out.csv")
    (line,) = [x for x in result.output.splitlines() if x.startswith("wardbridge: resolved")]
    assert "fewer fields" not in line  # the earlier command's count is not carried over

    from tests.test_match_cli_encodings import HEADER, ROWS, SPEC

    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    people = tmp_path / "people.csv"
    lines = [",".join(HEADER), *(",".join(r) for r in ROWS[:-1]), ",".join(ROWS[-1][:-1])]  # the last one short
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    labels = tmp_path / "labels.csv"
    labels.write_text("left_id,right_id,label\n1,2,same\n4,6\n", encoding="utf-8")  # the second not decided: short
    args = ["match", "--input", str(people), "--spec", str(spec), "--output", str(tmp_path / "m.csv")]
    result = CliRunner().invoke(main, [*args, "--labels", str(labels)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("wrote ") and last.endswith(
        "; 2 rows with fewer fields than the header, read as empty (--labels 1, --input 1)"
    ), last
