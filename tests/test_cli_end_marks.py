"""What old programs leave after a CSV's last row, given to `wardbridge resolve` or `wardbridge match`: a DOS
end-of-file mark (Ctrl-Z) or NUL padding (a pre-allocated, zero-filled file). Polars read each as a row more
('resolved 3 rows' from a file of 2; match refused the file for a row without an id). They are no row, as
ingestion reads them, and said on stderr; NULs after a row cut short are its truncation (the row is kept, read
short, its NULs taken out)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main, read_table
from pipelines.encodings import encode_tcvn3

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
TEXT = 'id,name,address\n1,Nguyễn Văn An,"12 Lê Lợi, Phường Bến Nghé, Quận 1"\n2,Trần Thị Bình,"Phường 6, Quận 3"\n'


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        (b"\x1a", "a DOS end-of-file mark (Ctrl-Z) after the last row: not a row"),
        (b"\x00" * 600, "600 NUL bytes of padding after the last row: not a row"),
        (b"\x00" * 3 + b"\x1a", "a DOS end-of-file mark (Ctrl-Z) and 3 NUL bytes of padding after the last row"),
    ],
)
def test_resolve_reads_no_row_of_an_end_mark_or_padding(tmp_path, tail, said):
    source, out = tmp_path / "dos.csv", tmp_path / "out.csv"
    source.write_bytes(TEXT.encode() + tail)
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: {said}" in result.output and "resolved 2 rows" in result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2"]


def test_a_legacy_file_with_an_end_mark(tmp_path):
    source = tmp_path / "tcvn3.csv"
    source.write_bytes(encode_tcvn3(TEXT) + b"\x1a")
    assert read_table(source, "--input").frame["id"].to_list() == ["1", "2"]


def test_nuls_after_a_row_cut_short_are_its_truncation(tmp_path):
    source = tmp_path / "cut.csv"
    source.write_bytes(TEXT.encode() + b"3,L\xc3\xaa" + b"\x00" * 40)
    frame = read_table(source, "--input").frame
    assert frame["id"].to_list() == ["1", "2", "3"] and frame["name"][2] == "Lê" and frame["address"][2] is None


def test_match_reads_a_file_with_an_end_mark(tmp_path):
    source, out = tmp_path / "c.csv", tmp_path / "out.csv"
    customers = pl.read_csv(CUSTOMERS, infer_schema=False).head(100)
    source.write_bytes(customers.write_csv().encode() + b"\x1a")
    args = ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False).height == 100


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_excels_delimiter_line_is_no_row_and_names_the_delimiter(tmp_path, bom):
    """Excel's 'sep=;' line above the header (a file made to open in Excel) was read as the header: refused
    ('line 2: the row ... has 3 fields where the header has 1') or, with ',' in it, misread."""
    source, out = tmp_path / "excel.csv", tmp_path / "out.csv"
    source.write_bytes(
        bom + TEXT.replace(",", ";").replace('"12 Lê Lợi; ', '"12 Lê Lợi, ').replace("Phường 6;", "Phường 6,").encode()
    )
    source.write_bytes(bom + b"sep=;\r\n" + source.read_bytes().removeprefix(bom))
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: line 1 'sep=;' (Excel's delimiter line) is no row; the delimiter is ';'" in (
        result.output
    )
    written = pl.read_csv(out, infer_schema=False)
    assert written.columns[:3] == ["id", "name", "address"] and written["id"].to_list() == ["1", "2"]
    assert written["address"][1] == "Phường 6, Quận 3"


def test_a_line_naming_sep_as_a_header_is_a_header(tmp_path):
    source = tmp_path / "h.csv"
    source.write_text("sep=x,name\n1,a\n", encoding="utf-8")  # not Excel's line: one character after 'sep='
    assert read_table(source, "--input").frame.columns == ["sep=x", "name"]
