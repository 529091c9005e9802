"""A CSV whose lines end in a carriage return alone (CR: 'CSV (Macintosh)', or files with mixed line ends pasted
together) given to `wardbridge resolve` or `wardbridge match`: Polars ends lines at LF only, so a CR-only file was
read as one header row of every value (resolve: "column 'address' not found ...; its columns are: id, name,
address1, Nguyễn Văn An, 12 Lê Lợi..." quoted every value; match named values as repeated columns) and a file
mixing CRLF, LF and CR was refused ('cannot read as CSV with delimiter ','') . Lone CRs are read as line ends now,
said on stderr with how many; CRLF and LF files are read as before."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main, read_table
from pipelines.encodings import encode_cp1258

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
ROWS = [
    ("1", "Nguyễn Văn An", "12 Lê Lợi, Phường Bến Nghé, Quận 1"),
    ("2", "Trần Thị Bình", "5 Hai Bà Trưng, Phường 6, Quận 3"),
    ("3", "Lê Văn Cường", "7 Pasteur, Phường Bến Thành, Quận 1"),
]
LINES = ["id,name,address", *(f'{i},{name},"{address}"' for i, name, address in ROWS)]


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("encode", [str.encode, encode_cp1258], ids=["utf-8", "cp1258"])
def test_resolve_reads_cr_only_line_ends_and_quotes_no_value(tmp_path, encode):
    source, out = tmp_path / "mac.csv", tmp_path / "out.csv"
    source.write_bytes(encode("\r".join(LINES) + "\r"))
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: 4 lines ending in a carriage return alone (CR" in result.output
    assert "resolved 3 rows" in result.output
    assert not any(value in result.output for row in ROWS for value in row[1:])
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2", "3"] and written["address"].to_list() == [r[2] for r in ROWS]
    assert written["status"][1] == "exact"


def test_mixed_line_ends_are_each_a_line_end(tmp_path):
    source, out = tmp_path / "mixed.csv", tmp_path / "out.csv"
    source.write_bytes(f"{LINES[0]}\r\n{LINES[1]}\n{LINES[2]}\r{LINES[3]}\r\n".encode())
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "1 line ending in a carriage return alone" in result.output and "resolved 3 rows" in result.output
    assert pl.read_csv(out, infer_schema=False)["name"].to_list() == [r[1] for r in ROWS]


def test_a_lone_cr_after_the_first_64_kb_is_found_when_the_read_fails(tmp_path):
    source = tmp_path / "pasted.csv"
    many = [LINES[1].replace("1,", f"{i},", 1) for i in range(1, 2001)]  # ~100 kB of LF lines, then CR lines
    source.write_bytes(("\n".join([LINES[0], *many]) + "\n" + "\r".join(LINES[2:]) + "\r").encode())
    read = read_table(source, "--input")
    assert read.frame.height == 2002 and read.frame["name"][-1] == ROWS[2][1]


def test_crlf_and_lf_files_say_nothing(tmp_path):
    for end in ("\n", "\r\n"):
        source, out = tmp_path / "f.csv", tmp_path / "out.csv"
        source.write_bytes((end.join(LINES) + end).encode())
        result = _resolve(source, out)
        assert result.exit_code == 0, result.output
        assert "carriage return" not in result.output and "resolved 3 rows" in result.output


def test_match_reads_a_cr_only_file(tmp_path):
    source, out = tmp_path / "c.csv", tmp_path / "out.csv"
    customers = pl.read_csv(CUSTOMERS, infer_schema=False).head(200)
    source.write_bytes(customers.write_csv().replace("\n", "\r").encode())
    args = ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "201 lines ending in a carriage return alone" in result.output
    assert "more than once" not in result.output and customers["name"][0] not in result.output
    assert pl.read_csv(out, infer_schema=False).height == 200


@pytest.mark.parametrize("given", ["detect", "DETECT", "utf-16", "auto"])
def test_encoding_takes_the_catalogues_detect_and_utf_16(tmp_path, given):
    """--encoding detect (the catalogue's word for auto) was refused (exit 2), and a UTF-16 file could not be
    declared utf-16."""
    source, out = tmp_path / "u16.csv", tmp_path / "out.csv"
    source.write_bytes(("\n".join(LINES) + "\n").encode("utf-16"))
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out), "--encoding", given]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "read as utf-16" in result.output and "resolved 3 rows" in result.output
    assert pl.read_csv(out, infer_schema=False)["name"].to_list() == [r[1] for r in ROWS]


def test_encoding_utf_8_sig_reads_a_bom_file(tmp_path):
    source = tmp_path / "bom.csv"
    source.write_bytes(("\n".join(LINES) + "\n").encode("utf-8-sig"))
    assert read_table(source, "--input", "utf-8-sig").frame.columns == ["id", "name", "address"]


@pytest.mark.parametrize("end", ["\n", "\r"], ids=["lf-file", "cr-file"])
def test_a_cr_inside_a_quoted_cell_is_the_cells_text(tmp_path, end):
    """A CR inside quotes (a cell with a line break typed in Excel on an old Mac) is kept as written; only CRs
    outside quotes end lines. c3a6113 made every lone CR a LF: an LF file's cell '12 Lê Lợi\\rPhường Bến Nghé' came
    out of resolve as '12 Lê Lợi\\nPhường Bến Nghé', said as a line end."""
    source, out = tmp_path / "cell.csv", tmp_path / "out.csv"
    lines = ["id,name,address", '1,An,"12 Lê Lợi\rPhường Bến Nghé, Quận 1"', '2,"Bình ""B""",7 Pasteur, Quận 1']
    lines[2] = '2,"Bình ""B""","7 Pasteur\r, Phường Bến Thành, Quận 1"'
    source.write_bytes((end.join(lines) + end).encode())
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    said = "ending in a carriage return alone"
    if end == "\n":
        assert said not in result.output
    else:
        assert f"wardbridge: {source}: 3 lines {said}" in result.output  # the three line ends, not the cells' CRs
    frame = pl.read_csv(out, infer_schema=False)
    assert frame["address"].to_list() == [
        "12 Lê Lợi\rPhường Bến Nghé, Quận 1",
        "7 Pasteur\r, Phường Bến Thành, Quận 1",
    ]
    assert frame["name"].to_list() == ["An", 'Bình "B"']
