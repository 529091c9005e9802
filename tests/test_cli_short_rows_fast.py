"""The CSV checks' shortcuts (pipelines.reading) give the answers of the full passes: ``_no_short_rows`` (delimiters
counted in the file and in what Polars read) says "no short row" only where short_rows finds none, and
``_lone_cr_ends`` finds the lone carriage returns outside quotes with the regex as with numpy."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from pipelines import cli
from pipelines.reading import blank_lines, mends, short_rows
from tests.test_cli_short_rows_columns import _random_csv


def _read_polars(data: bytes) -> pl.DataFrame | None:
    try:
        return pl.read_csv(data, infer_schema=False, separator=",", encoding="utf8")
    except (pl.exceptions.PolarsError, OSError):
        return None


def _without_blank_lines(frame: pl.DataFrame, data: bytes) -> pl.DataFrame:
    return blank_lines.without_blank_lines(frame, Path("t.csv"), data, ",").frame


def _read(data: bytes) -> pl.DataFrame | None:
    frame = _read_polars(data)
    return None if frame is None else _without_blank_lines(frame, data)


def test_no_short_rows_only_where_short_rows_finds_none():
    # 10,000 random files (was 20,000; each costs a Polars read whatever the answer): 154 said "no short row" and are
    # checked against short_rows, 1,204 hold a short row left to short_rows (20,000: 288 and 2,386). Each slip tried in
    # _no_short_rows fails by file 4,986 of seed 16 (the lone-CR check taken out; the last-line check: 2,634; the
    # header row not counted, the cells' or the names' delimiters not subtracted: within 360), by 7,493 over seeds 0-3
    rng = random.Random(16)
    said_none = short = 0
    for _ in range(10_000):
        data = _random_csv(rng)
        if b"," not in data:  # one column, or unreadable: skipped below all the same, without a Polars read
            continue  # (~2,300 of the 10,000 files: ~0.6 s of Polars reads saved)
        frame = _read_polars(data)
        # (the blank lines dropped only where the file is looked at: dropping rows keeps the width and no row is added)
        if frame is None or frame.width < 2 or not frame.height:
            continue
        frame = _without_blank_lines(frame, data)
        if not frame.height:
            continue
        found = short_rows.short_rows(data, ",")
        if short_rows._no_short_rows(frame, data, ","):
            said_none += 1
            assert found is None, data
        elif found is not None:
            short += 1
    assert said_none > 100 and short > 500  # both answers are given (most random files hold a lone CR or a short row)


@pytest.mark.parametrize(
    ("data", "none"),
    [
        (b'id,address\n1,"12 Le Loi, P. 5, Q. 1"\n2,\n3,"a\rb"\n', True),  # an empty last field; a CR in quotes
        (b'id,address\n1,"12 Le Loi, P. 5, Q. 1"\n2\n', False),  # row 2 is short
        (b'"id,x",address\n1,"a,b"\n2,\n', True),  # a delimiter in a quoted column name
        (b"id,address\r1,\r2,x\r", False),  # lone CRs end the lines: left to short_rows
    ],
)
def test_no_short_rows_known_files(data, none):
    frame = _read(data)
    assert short_rows._no_short_rows(frame, data, ",") is none
    if none:
        assert short_rows.short_rows(data, ",") is None


def test_lone_cr_ends_as_numpy_finds_them(monkeypatch):
    rng = random.Random(7)
    for _ in range(3_000):
        data = _random_csv(rng) + rng.choice([b"", b"\r", b'"\r', b"x\rq"])
        few = mends.lone_cr_ends(data)
        monkeypatch.setattr(mends, "_FEW_CRS", -1)
        many = mends.lone_cr_ends(data)
        monkeypatch.undo()
        assert list(few) == [int(at) for at in many], data


def _resolve(source, out):
    from click.testing import CliRunner

    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(cli.main, args, catch_exceptions=False)


@pytest.mark.parametrize("crlf_inside", [False, True])
def test_lone_cr_line_ends_mended_then_short_rows_said(tmp_path, crlf_inside):
    """Lines ending in a CR alone (mended to LF before Polars reads them: the short-row check is not told to look
    for lone CRs again), one row short, empty last cells, a CR inside a quoted cell: the short row is said."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    quoted = '"12 Le Loi,\r\nP. 5"' if crlf_inside else '"12 Le Loi,\rP. 5"'
    rows = ["id,note,address", f"1,x,{quoted}", "2,y,", "3", "4,z,"]
    source.write_bytes("\r".join(rows).encode() + b"\r")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "ending in a carriage return alone" in result.output
    # the file's line 4 (a CR inside the quoted cell is its text, no line end, as --quarantine numbers lines: HC6;
    # line 5 before), line 5 where the cell's line break is CR LF
    line = 5 if crlf_inside else 4
    assert f"1 row with fewer fields than the header's 3 (delimiter ','): line {line} (1)" in result.output


def test_lone_cr_line_ends_mended_and_no_short_row(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = ["id,note,address", '1,x,"12 Le Loi,\rP. 5"', "2,y,", "4,z,"]
    source.write_bytes("\r".join(rows).encode() + b"\r")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "ending in a carriage return alone" in result.output
    assert "fewer fields" not in result.output
