"""A text source (csv, jsonl, pg_dump) handed a binary file (an .xlsx workbook saved under a .csv name, an old .xls, a
pg_dump custom-format archive, a PDF) was read as text: its partition failed on 'required column(s) [...] missing
...; the header (line 1) has 1 columns', which does not say what the file is. Now the cause says what it starts as."""

from __future__ import annotations

import polars as pl
import pytest

from tests.test_bad_inputs import ROWS as HOUSEHOLDS
from tests.test_bad_inputs import _ingest, _xlsx


@pytest.mark.parametrize(
    ("fmt", "filename", "data", "said"),
    [
        ("csv", "h.csv", None, "it starts as a ZIP archive (an Excel .xlsx workbook, or a zipped export) does"),
        ("csv", "h.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "an old Excel .xls workbook"),
        ("jsonl", "h.jsonl", b"%PDF-1.7\n...", "a PDF document"),
        ("pg_dump", "h.sql", b"PGDMP\x01\x0e\x00" + b"x" * 100, "dump with pg_dump -Fp for plain text"),
        # HR1: at 1f85827 a Parquet file failed 'cannot read as csv: Error' (the sample's truth/households.parquet) or
        # 'required column(s) ... missing' (this one), a zstd file the same (these two cases fail there)
        ("csv", "h.csv", "parquet", "it starts as an Apache Parquet file does"),
        ("jsonl", "h.jsonl", b"\x28\xb5\x2f\xfd" + b"\x00" * 100, "a zstd-compressed file"),
    ],
)
def test_a_binary_file_given_to_a_text_source_is_named_as_such(tmp_path, fmt, filename, data, said):
    if data is None:
        data = _xlsx(tmp_path / "made.xlsx", HOUSEHOLDS)
    elif data == "parquet":
        pl.DataFrame({"stt": ["1"], "ten_chu_ho": ["x"]}).write_parquet(tmp_path / "made.parquet")
        data = (tmp_path / "made.parquet").read_bytes()
    got = _ingest(tmp_path, fmt, filename, data)
    assert got.state == "failed"
    assert f"not a {fmt} file" in got.cause and said in got.cause, got.cause
