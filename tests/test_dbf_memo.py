"""Memo fields of dBase / FoxPro tables (H5): the text is read from the table's memo file (.fpt FoxPro, .dbt dBase
III / IV); a record whose memo block is damaged, beyond the file or cut off is quarantined naming the record, the
field and the block (never the text); the other records load with their memo texts."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import polars as pl

from pipelines.synth.formats import open_writer
from tests.test_dbf import HEADER, PERSONAL, REGISTRY, ROWS, TYPES, ingest

NOTES = ["Tạm vắng từ 2024", "Đã chuyển đến Phường Bến Thành"]


def _table(path: Path, version: int, blocks: list[str]) -> None:
    """The test table plus a memo field GHICHU whose cells hold ``blocks`` (block numbers as text, '' none)."""
    data = pl.DataFrame(
        [dict(zip([*HEADER, "GHICHU"], [*r, b], strict=True)) for r, b in zip(ROWS, blocks, strict=True)],
        schema=dict.fromkeys([*HEADER, "GHICHU"], pl.String),
    )
    with open_writer(path, "dbf", REGISTRY, [*HEADER, "GHICHU"], field_types=TYPES) as w:
        w.write(data)
    raw = bytearray(path.read_bytes())
    raw[0] = version
    raw[32 + 32 * len(HEADER) + 11] = ord("M")
    path.write_bytes(bytes(raw))


def _fpt(texts: list[bytes], block: int = 64) -> bytes:
    """A FoxPro memo file: a 512-byte header (next free block, block size), then one block run per text."""
    out = bytearray(512)
    for text in texts:
        body = struct.pack(">II", 1, len(text)) + text
        out += body + bytes(-len(body) % block)
    struct.pack_into(">I", out, 0, len(out) // block)
    struct.pack_into(">H", out, 6, block)
    return bytes(out)


def _notes(result) -> dict[str, str | None]:  # noqa: ANN001
    return {
        k: json.loads(e or "{}").get("GHICHU")
        for k, e in zip(result.raw["source_key"], result.raw["extra_columns"], strict=True)
    }


def test_foxpro_memo_texts_are_read_and_a_block_beyond_the_file_quarantines_its_record_only(tmp_path):
    _table(tmp_path / "hk.dbf", 0xF5, ["8", "9", "", "99"])  # 512 / 64 = block 8 is the first after the header
    (tmp_path / "hk.fpt").write_bytes(_fpt([t.encode() for t in NOTES]))
    result = ingest(tmp_path, "hk.dbf")
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"]
    notes = _notes(result)
    assert (notes["1"], notes["2"], notes["3"]) == (NOTES[0], NOTES[1], None)
    (reason,) = result.quarantine["reason"]
    assert reason.startswith("record:4: field 'GHICHU': memo block 99 is beyond the memo file")
    assert result.quarantine["source_key"].to_list() == ["4"]


def test_dbase3_memo_text_ends_at_its_mark_and_a_cut_off_block_quarantines_its_record(tmp_path):
    _table(tmp_path / "hk.dbf", 0x83, ["1", "", "", "2"])
    memo = bytearray(512) + NOTES[0].encode() + b"\x1a\x1a"
    memo += bytes(-len(memo) % 512) + NOTES[1].encode()  # block 2: no end mark, the file ends (cut off)
    (tmp_path / "hk.dbt").write_bytes(bytes(memo))
    result = ingest(tmp_path, "hk.dbf")
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert _notes(result)["1"] == NOTES[0]
    (reason,) = result.quarantine["reason"]
    assert reason.startswith("record:4: field 'GHICHU': memo block 2 has no end mark (0x1A)")
    assert not [v for v in PERSONAL + NOTES if v in reason]


def test_a_damaged_block_number_quarantines_its_record_naming_the_field(tmp_path):
    _table(tmp_path / "hk.dbf", 0xF5, ["8", "x1", "", ""])
    (tmp_path / "HK.FPT").write_bytes(_fpt([NOTES[0].encode()]))  # found whatever its case
    result = ingest(tmp_path, "hk.dbf")
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "3", "4"]
    assert result.quarantine["reason"].to_list() == [
        "record:2: field 'GHICHU': its block number is not a number (a damaged record)"
    ]
