"""A damaged Parquet footer must not make the column-name reader (pipelines.reading.parquet, 72aa122) loop or grow
without bound. Its Thrift reader took a list's size from the file and read that many elements; a double takes no
bounds check (``self.at += 8``), so a footer claiming 2**40 doubles looped for ever, its memory growing ~25 MB/s
(HV10: read_table on such a file still running after 30 s at 72aa122, refused in 0.0 s at ff3ed32). A list cannot
hold more elements than bytes are left: such a footer is not readable, and read_table refuses the file at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from pipelines.reading.parquet import _Compact

ROOT = Path(__file__).resolve().parents[1]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if not n:
            return bytes(out + bytes([byte]))
        out.append(byte | 0x80)


def _damaged_footer(path, claimed: int) -> None:  # noqa: ANN001 - a Path
    """A Parquet file whose FileMetaData is version 1 and, as its field 2, a list claiming ``claimed`` doubles."""
    pl.DataFrame({"a": ["x"]}).write_parquet(path)
    data = path.read_bytes()
    body = data[: len(data) - 8 - int.from_bytes(data[-8:-4], "little")]
    meta = b"\x15\x02" + b"\x19\xf7" + _varint(claimed) + b"\x00"
    path.write_bytes(body + meta + len(meta).to_bytes(4, "little") + b"PAR1")


@pytest.mark.parametrize("kind", [7, 8, 12])  # doubles (read no byte: the loop), binaries, structs
def test_a_list_claiming_more_elements_than_bytes_left_is_not_read(kind):
    with pytest.raises((ValueError, IndexError)):
        _Compact(bytes([0xF0 | kind]) + _varint(1000)).value(9)


def test_a_map_claiming_more_entries_than_bytes_left_is_not_read():
    with pytest.raises((ValueError, IndexError)):
        _Compact(_varint(1000) + b"\x77").value(11)  # 1000 entries double -> double


def test_read_table_refuses_a_footer_claiming_2_to_the_40_elements_at_once(tmp_path):
    """In a child process with a bound (it looped for ever before): the refusal, no hang."""
    path = tmp_path / "huge.parquet"
    _damaged_footer(path, 1 << 40)
    code = textwrap.dedent(f"""
        import click
        from pathlib import Path
        from pipelines.reading import read_table
        try:
            read_table(Path({str(path)!r}), "--input")
        except click.ClickException as exc:
            print(exc.format_message())
    """)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("read_table still reading a damaged footer after 60 s")
    assert "cannot read as parquet" in done.stdout, done.stdout + done.stderr
