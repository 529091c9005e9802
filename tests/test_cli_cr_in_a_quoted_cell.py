"""A CR inside a quoted cell ('"x\\ry"') is the cell's text, not a line end: the CLI numbers lines at LF only
(csv_records, --quarantine's reasons, the refusals). The blank-line and short-row messages of a file read without
--quarantine counted it as a line end (HC4 left them so), naming a line one ahead of the file's for every such CR
above. Now they number lines as the rest of the CLI, over columns (numpy) and with Python's reader alike (HC6)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reading.blank_lines import _rows_read
from pipelines.reading.records import file_lines
from pipelines.reading.short_rows import _short_rows_read, rows_by_columns, short_rows

# 'a"b"c' (a quote inside a field not quoted) leaves the split over columns to Python's reader
CELLS = {"columns": "a", "reader": 'a"b"c'}


def _stderr(tmp_path, data: bytes) -> str:
    (tmp_path / "in.csv").write_bytes(data)
    args = ["resolve", "--input", str(tmp_path / "in.csv"), "--column", "name", "--output", str(tmp_path / "o.csv")]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("split", ["columns", "reader"])
def test_a_blank_line_is_named_by_the_files_line(tmp_path, split):
    data = f'id,name\n1,{CELLS[split]}\n2,"x\ry"\n3,b\n\n4,c\n'.encode()  # the blank line is line 5
    said = _stderr(tmp_path, data)
    assert "1 blank line skipped (line 5)" in said, said  # was 'line 6'


@pytest.mark.parametrize("split", ["columns", "reader"])
def test_a_short_row_is_named_by_the_files_line(tmp_path, split):
    data = f'id,name,note\n1,{CELLS[split]},n\n2,"x\ry\rz",n\n3,b\n4,c,d\n'.encode()  # the short row is line 4
    said = _stderr(tmp_path, data)
    assert "with fewer fields than the header's 3 (delimiter ','): line 4 (2);" in said, said  # was 'line 6 (2)'


def test_the_two_splits_and_the_reader_agree_on_lines():
    # CR LF ends, a CR in a cell, a record over two lines, a CR alone outside quotes (an old Mac line end), a last one
    data = b'id,name\r\n1,"x\ry"\r\n\r\n2\r\n3,"a\r\nb"\n4,c\r5,d\n6,e\r'
    first_line, blank, _ = rows_by_columns(data, ",")
    assert first_line.tolist() == [1, 2, 3, 4, 5, 7, 8, 9]
    assert blank.tolist() == [False, False, True, False, False, False, False, False]
    read = _rows_read(data, ",")
    assert read[0].tolist() == first_line.tolist() and read[1].tolist() == blank.tolist()
    assert short_rows(data, ",") == _short_rows_read(data, ",") == (1, 2, [(4, 1)])
    assert file_lines("a\nb\r\nc")(3) == 3  # no CR alone: the reader's numbers are the file's
    assert [file_lines('a\r"b\rc"\nd')(n) for n in (1, 2, 3, 4)] == [1, 2, 2, 3]  # the CR after a ends a line
