"""A damaged header (bytes not valid UTF-8) in a short UTF-8 file whose other lines hold no more letters outside
ASCII than it: encodings.detect_encoding weighs the lines holding such letters, took the header's bytes for a legacy
encoding's (TCVN3 gives every byte a letter) and the file was read in it, the header's names as wrong letters, exit
0 (HC5's leftover). Now such a file is read as UTF-8 and its header refused naming its columns, as a longer file's
is; a legacy file whose header is that encoding's clean Vietnamese reads as before (HC6)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.encodings import LEGACY_CODECS
from pipelines.reading.encoding import utf8_but_a_damaged_header
from tests.test_cli_legacy_lines import _resolve

ROW = "1,ZQ Nguyễn Văn An,12 Lê Lợi\n".encode()


@pytest.mark.parametrize(
    ("rows", "column"),
    [(ROW, 3), (b"1,ZQ An,12 Le Loi\n", 3), (ROW + b"2,ZQ Binh,5 Hai Ba Trung\n", 3)],
    ids=["one_utf8_row", "ascii_rows", "utf8_and_ascii_rows"],
)
@pytest.mark.parametrize("quarantine", [False, True])
def test_a_damaged_header_of_a_short_file_is_refused_not_read_as_tcvn3(tmp_path, rows, column, quarantine):
    options = ("--quarantine", str(tmp_path / "q.csv")) if quarantine else ()
    result, out = _resolve(tmp_path, "d", b"id,name,addr\xffss\n" + rows, *options)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said  # was exit 0, 'read as tcvn3 (detected)'
    assert "read as tcvn3" not in said and "Nguyễn" not in said, said
    assert "d.csv: line 1 not valid UTF-8 (line 1 is the header: the name of column 3 (of 3) holds them" in said, said
    assert "mend the header at the source" in said, said


@pytest.mark.parametrize("encoding", ["cp1258", "vni", "tcvn3"])
def test_a_short_legacy_file_with_a_vietnamese_header_reads_as_before(tmp_path, encoding):
    data = LEGACY_CODECS[encoding].encode("mã số,họ và tên,address\n1,ZQ An,12 Le Loi\n")
    assert not utf8_but_a_damaged_header(data)
    result, out = _resolve(tmp_path, "l", data)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False).columns[:3] == ["mã số", "họ và tên", "address"]


def test_only_a_header_alone_not_utf8_and_no_clean_legacy_reading_counts():
    damaged = b"id,name,addr\xffss\n"
    assert utf8_but_a_damaged_header(damaged + ROW)
    assert not utf8_but_a_damaged_header(damaged + b"2,L\xea\n")  # another line not UTF-8: the detector's call
    assert not utf8_but_a_damaged_header(b"\n" + ROW)  # a header valid UTF-8
    assert utf8_but_a_damaged_header(b"title \xff\n" + damaged + ROW, skip_rows=1)  # the title line is not read
    assert not utf8_but_a_damaged_header(b"title \xff\n" + damaged + ROW)
