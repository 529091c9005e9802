"""A legacy-encoded CSV (Windows-1258, VNI, TCVN3) whose only non-ASCII text is its header, the rows codes and
numbers (an ID list: 'STT,Số CMND/CCCD,Ngày cấp,SĐT'), is read in the encoding --encoding auto detects, its column
names right. f1e6219 (encoding.utf8_but_a_damaged_header) reads such a file as UTF-8 when the header is not
'clean Vietnamese' in a legacy encoding (_legacy_looking): abbreviations such as 'SĐT', 'Đ/c', 'CMND/CCCD' are not,
so the file was refused as 'not certainly a legacy encoding, damaged bytes? mend the header at the source' (HV10:
all six files below read right at ff3ed32, all refused at f1e6219)."""

from __future__ import annotations

import pytest

from pipelines.encodings import LEGACY_CODECS
from pipelines.reading import read_table

HEADERS = ["STT,Số CMND/CCCD,Ngày cấp,SĐT", "STT,Họ và tên,Số CMND/CCCD,Đ/c"]
ROWS = "1,079085000123,01/02/2020,0901234567\n2,079085000124,03/04/2021,0907654321\n"


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("encoding", ["cp1258", "vni", "tcvn3"])
def test_a_legacy_file_with_codes_only_below_its_header_is_read_with_its_names(tmp_path, encoding, header):
    path = tmp_path / "ids.csv"
    path.write_bytes(LEGACY_CODECS[encoding].encode(f"{header}\n{ROWS}"))
    read = read_table(path, "--input")
    assert read.frame.columns == header.split(",")
    assert read.frame.height == 2 and read.frame.row(0)[1] == "079085000123"
