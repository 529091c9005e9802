"""A damaged header (bytes not valid UTF-8) in a short UTF-8 file whose other lines hold no more letters outside
ASCII than it: encodings.detect_encoding weighs the lines holding such letters, took the header's bytes for a legacy
encoding's (TCVN3 gives every byte a letter) and the file was read in it, the header's names as wrong letters, exit
0 (HC5's leftover). Now such a file is read as UTF-8 and its header refused naming its columns, as a longer file's
is, where UTF-8 shows (another line's letters, or the header's own UTF-8 letters but for a damaged byte); a legacy
file whose header is that encoding's clean Vietnamese reads as before, and so does one whose rows are ASCII and whose
header is no clean Vietnamese (HV10's ID lists: f1e6219 refused them) (HC6)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.encodings import LEGACY_CODECS
from pipelines.reading.encoding import utf8_but_a_damaged_header
from tests.test_cli_legacy_lines import _resolve

ROW = "1,ZQ Nguyễn Văn An,12 Lê Lợi\n".encode()


DAMAGED = b"id,name,addr\xffss\n"  # a byte not valid UTF-8 (nor a legacy encoding's clean Vietnamese)
UTF8_LIKE = "id,tên,địa chỉ\n".encode().replace("ị".encode(), "ị".encode() + b"\xff")  # UTF-8 letters, a byte damaged


@pytest.mark.parametrize(
    "data",
    [DAMAGED + ROW, DAMAGED + ROW + b"2,ZQ Binh,5 Hai Ba Trung\n", UTF8_LIKE + b"1,ZQ An,12 Le Loi\n"],
    ids=["one_utf8_row", "utf8_and_ascii_rows", "utf8_like_header_ascii_rows"],
)
@pytest.mark.parametrize("quarantine", [False, True])
def test_a_damaged_header_of_a_short_file_is_refused_not_read_as_tcvn3(tmp_path, data, quarantine):
    options = ("--quarantine", str(tmp_path / "q.csv")) if quarantine else ()
    result, out = _resolve(tmp_path, "d", data, *options)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said  # was exit 0, 'read as tcvn3 (detected)'
    assert "read as tcvn3" not in said and "Nguyễn" not in said, said
    assert "d.csv: line 1 not valid UTF-8 (line 1 is the header: the name of column 3 (of 3) holds them" in said, said
    assert "mend the header at the source" in said, said


def test_a_damaged_header_over_ascii_rows_alone_is_left_to_the_detector(tmp_path):
    """No UTF-8 shows (the header's bytes are no UTF-8 letter cut, the rows ASCII): a legacy file whose header is
    no clean Vietnamese (HV10's ID lists, tests/test_reading_legacy_header_numeric_rows.py) cannot be told from it,
    and is read in the encoding detected, as before, said."""
    result, _out = _resolve(tmp_path, "a", DAMAGED + b"1,ZQ An,12 Le Loi\n")
    assert result.exit_code == 2 and "a.csv read as " in result.output, result.output  # (no column 'address')
    assert "(detected)" in result.output and "not valid UTF-8" not in result.output, result.output


@pytest.mark.parametrize("encoding", ["cp1258", "vni", "tcvn3"])
def test_a_short_legacy_file_with_a_vietnamese_header_reads_as_before(tmp_path, encoding):
    data = LEGACY_CODECS[encoding].encode("mã số,họ và tên,address\n1,ZQ An,12 Le Loi\n")
    assert not utf8_but_a_damaged_header(data)
    result, out = _resolve(tmp_path, "l", data)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False).columns[:3] == ["mã số", "họ và tên", "address"]


def test_only_a_damaged_header_alone_not_utf8_where_utf8_shows_counts():
    assert utf8_but_a_damaged_header(DAMAGED + ROW)
    assert not utf8_but_a_damaged_header(DAMAGED + b"2,L\xea\n")  # another line not UTF-8: the detector's call
    assert not utf8_but_a_damaged_header(DAMAGED + b"2,Le\n")  # no UTF-8 shows: the detector's call
    assert utf8_but_a_damaged_header(UTF8_LIKE + b"2,Le\n")  # the header is UTF-8 letters, one cut
    assert not utf8_but_a_damaged_header(b"\n" + ROW)  # a header valid UTF-8
    assert utf8_but_a_damaged_header(b"title \xff\n" + DAMAGED + ROW, skip_rows=1)  # the title line is not read
    assert not utf8_but_a_damaged_header(b"title \xff\n" + DAMAGED + ROW)
