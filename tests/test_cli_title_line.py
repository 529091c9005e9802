"""A CSV saved from a sheet with a title line above its header ('DANH SÁCH HỘ DÂN'), given to `wardbridge resolve`
or `match`: the title is read as a one-field header and the first real row is refused for its fields; the message
says a one-field header may be such a title. A CSV starting with blank lines (Excel's 'sep=' line left blank) named
the header's field count as 0: the header is the first line that is not blank, as Polars reads it."""

from __future__ import annotations

from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reading.records import field_count_problem


def test_a_title_line_above_the_header_is_named_as_one(tmp_path):
    source, out = tmp_path / "title.csv", tmp_path / "out.csv"
    source.write_text('DANH SÁCH HỘ DÂN\n\nid,name,address\n1,Nguyễn Văn An,"Phường 6, Quận 3"\n', encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert "line 3: the row starting on this line has 3 fields where the header has 1" in result.output
    assert "may be a title line above the real header" in result.output
    assert "Nguyễn" not in result.output and not out.exists()


def test_blank_lines_before_the_header_are_not_the_header():
    assert field_count_problem(b"\n\nid,name\n1,a\n2,b,c\n", ",") == (5, 2, 3)
    assert field_count_problem(b"id,name\n1,a,b\n", ",") == (2, 2, 3)
