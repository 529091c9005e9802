"""Blank lines inside a CSV given to `wardbridge resolve` or `wardbridge match` are no records
(pipelines/cli.py, without_blank_lines): Polars read each as a row of nulls, so a 4-row file with blank lines between
its rows was 'resolved 8 rows' and `match` refused it ('rows have no id'). They are skipped and said on stderr (file,
how many, the first line numbers: the file's own, a quoted line break counted); a row of delimiters only (',,') is a
row of empty fields and stays one; a blank line inside a quoted field is part of the value."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main, read_table, read_table_file
from pipelines.encodings import encode_cp1258
from pipelines.reading.blank_lines import _rows_read
from pipelines.reading.short_rows import rows_by_columns

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
SECRET = "Nguyễn Thị Bí Mật"  # a value: never printed


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_resolve_skips_blank_lines_inside_and_says_where(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    text = (
        'id,note,address\n1,x,"12 Lê Lợi, P. Bến Nghé, Q.1"\n\n'
        f'2,"{SECRET}\n\nline two","5 Hàng Bài, Hoàn Kiếm, Hà Nội"\n\n3,,\n,,\n\n4,y,\n\n'
    )
    source.write_text(text, encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: 3 blank lines skipped (lines 3, 7, 10):" in result.output
    assert "resolved 5 rows" in result.output  # 4 records and the row of delimiters ',,'
    assert SECRET not in result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2", "3", None, "4"]
    assert written["note"][1] == f"{SECRET}\n\nline two"  # the blank line inside a quoted field stays in the value


def test_blank_lines_with_crlf_line_ends(tmp_path):
    source = tmp_path / "in.csv"
    rows = ["1,a", "", "2,b", "", "", "3,c", "", "4,d", "", ""]
    source.write_bytes(("id,address\r\n" + "\r\n".join(rows) + "\r\n").encode())
    frame = read_table_file(source, "--input")
    assert frame["id"].to_list() == ["1", "2", "3", "4"]


def test_message_names_more_lines(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,address\n1,a\n\n2,b\n\n\n3,c\n\n4,d\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"{source}: 4 blank lines skipped (lines 3, 5, 6 and 1 more):" in result.output


def test_trailing_blank_lines_are_dropped_without_a_word(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,address\n1,a\n2,\n\n\n", encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "blank line" not in result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2"]


def test_legacy_encoding_and_semicolons(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(encode_cp1258("id;address\n1;Hà Nội\n\n2;Huế\n"))
    frame = read_table_file(source, "--input")
    assert frame["id"].to_list() == ["1", "2"]
    assert frame["address"].to_list() == ["Hà Nội", "Huế"]


def test_a_file_with_no_blank_line_keeps_rows_of_delimiters(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,address\n1,a\n,\n2,b\n", encoding="utf-8")
    frame = read_table_file(source, "--input")
    assert frame["id"].to_list() == ["1", None, "2"]


def test_odd_quoting_is_read_with_pythons_reader(tmp_path):
    data = b'id,address\n1,a "b" c\n\n2,d\n'  # a quote inside an unquoted field: numpy's split is not sure
    assert rows_by_columns(data, ",") is NotImplemented
    first_line, blank = _rows_read(data, ",")
    assert first_line.tolist() == [1, 2, 3, 4] and blank.tolist() == [False, False, True, False]


def test_match_reads_a_file_with_blank_lines_between_rows(tmp_path):
    path = tmp_path / "in.csv"
    lines = CUSTOMERS.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:5], b"", *lines[5:10], b"\r", *lines[10:]]))
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code == 0, done.output
    assert "2 blank lines skipped (lines 6, 12)" in done.output
    assert pl.read_csv(out).height == pl.read_csv(CUSTOMERS).height


def test_match_names_the_files_data_rows_when_blank_lines_were_skipped(tmp_path):
    """'rows have no customer_id (data rows N)' names the row as the file has it (a blank line counted as a row, as
    a user counts the lines under the header), not its place among the rows left after the blank lines."""
    path = tmp_path / "in.csv"
    lines = CUSTOMERS.read_bytes().split(b"\n")
    lines[12] = b"," + lines[12].split(b",", 1)[1]  # data row 12 has no id
    path.write_bytes(b"\n".join([*lines[:5], b"", b"", *lines[5:10], b"", *lines[10:]]))  # data rows 5, 6, 11 blank
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code != 0
    assert "3 blank lines skipped (lines 6, 7, 13)" in done.output
    assert "1 rows have no 'customer_id' (data rows [15], blank lines counted)" in done.output, done.output


def test_read_table_gives_the_files_data_rows_of_the_rows_kept(tmp_path):
    """Each row kept carries its data-row number in the file (a blank line inside counted); None when no blank line
    inside was skipped (trailing ones number no row); nothing kept between reads (no state per path)."""
    from pipelines.cli import read_table

    path = tmp_path / "f.csv"
    path.write_text("id,x\n\na,1\nb,2\n\n\nc,3\n\n", encoding="utf-8")  # data rows 1, 4, 5 blank, 7 trailing
    frame, data_rows = read_table(path, "--input")
    assert frame["id"].to_list() == ["a", "b", "c"]
    assert data_rows.tolist() == [2, 3, 6]
    path.write_text("id,x\na,1\nb,2\n\n\n", encoding="utf-8")  # trailing blank lines only
    frame, data_rows = read_table(path, "--input")
    assert frame.height == 2 and data_rows is None


def test_match_increment_names_the_files_data_rows_when_blank_lines_were_skipped(tmp_path):
    """As --input: an --increment row without an id is named by its data row in the file."""
    state, out = tmp_path / "state", tmp_path / "out.csv"
    args = ["match", "--spec", str(SPEC), "--input", str(CUSTOMERS), "--output", str(out), "--save-state", str(state)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    lines = CUSTOMERS.read_bytes().split(b"\n")
    lines[3] = b"," + lines[3].split(b",", 1)[1]  # data row 3 has no id
    path = tmp_path / "new.csv"
    path.write_bytes(b"\n".join([lines[0], b"", *lines[1:4], b"", b"", *lines[4:6]]))  # data rows 1, 5, 6 blank
    args = ["match", "--spec", str(SPEC), "--increment", str(path), "--state", str(state), "--output", str(out)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code != 0
    assert "3 blank lines skipped (lines 2, 6, 7)" in done.output, done.output
    assert "1 rows have no 'customer_id' (data rows [4], blank lines counted)" in done.output, done.output
    assert SECRET not in done.output


def test_match_numbers_data_rows_plainly_without_blank_lines(tmp_path):
    """No blank line skipped: the data rows are the frame's and no 'blank lines counted' is said."""
    path = tmp_path / "in.csv"
    lines = CUSTOMERS.read_bytes().split(b"\n")
    lines[12] = b"," + lines[12].split(b",", 1)[1]
    path.write_bytes(b"\n".join(lines))
    out = tmp_path / "out.csv"
    done = CliRunner().invoke(main, ["match", "--input", str(path), "--spec", str(SPEC), "--output", str(out)])
    assert done.exit_code != 0
    assert "1 rows have no 'customer_id' (data rows [12])" in done.output, done.output


def test_previous_output_torn_record_names_the_files_data_rows(tmp_path):
    import click
    import pytest

    from pipelines.cli import _one_entity_per_record

    path = tmp_path / "previous.csv"
    path.write_text("record_id,entity_id\nA,1\n\nB,2\nA,3\n", encoding="utf-8")  # data row 2 blank
    frame, data_rows = read_table(path, "--previous")
    with pytest.raises(click.BadParameter, match=r"data rows \[1, 4\]"):
        _one_entity_per_record(frame, path, data_rows)
    with pytest.raises(click.BadParameter, match=r"data rows \[1, 3\]"):  # the rows as read, when none skipped
        _one_entity_per_record(frame, path)


def test_match_previous_names_the_files_data_rows_when_blank_lines_were_skipped(tmp_path):
    previous, out = tmp_path / "previous.csv", tmp_path / "out.csv"
    previous.write_text("record_id,entity_id\n\n\nA,1\nB,2\n\nA,3\n", encoding="utf-8")  # data rows 1, 2, 5 blank
    args = ["match", "--spec", str(SPEC), "--input", str(CUSTOMERS), "--previous", str(previous), "--output", str(out)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code != 0
    assert "1 record(s) have more than one entity_id (data rows [3, 6])" in done.output, done.output
