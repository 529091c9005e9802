"""dBase III / FoxPro tables (``.dbf``), parsed without a library.

Many old commune systems were FoxPro applications; their exports are ``.dbf`` files. The layout
(dBase III, kept by FoxBASE, FoxPro and Visual FoxPro):

* a 32-byte header: version byte, last update (YY MM DD), record count (uint32 LE), header length
  and record length (uint16 LE each), a language driver byte (offset 29, not trusted here: old
  Vietnamese systems wrote TCVN3 or VNI text under a cp1252 driver, or none);
* 32-byte field descriptors (name: 11 bytes NUL-padded, type letter, length, decimal count,
  flags), ended by 0x0D (Visual FoxPro adds a 263-byte back-link, inside the header length);
* fixed-width records: one deletion flag byte (``' '`` live, ``'*'`` deleted: FoxPro's DELETE
  marks a record, PACK removes it) then each field's bytes, text left-aligned and space-padded,
  numbers right-aligned; then an end-of-file byte 0x1A.

Types C (character), N and F (numbers as text), D (``YYYYMMDD``) and L (``T``/``F``/``Y``/``N``/``?``)
are read as text; M (memo) from the table's memo file (:func:`read_memos`: ``.fpt`` for FoxPro, ``.dbt`` for
dBase III / IV), a damaged block naming its record. Binary and the Visual FoxPro binary types are refused with the
field named (their values are not text). System columns (flag 0x01: Visual FoxPro ``_NullFlags``)
are skipped. Records are sliced column-wise from one numpy view of the record bytes.

Messages name fields, types, counts and sizes, never a value (cells hold personal data).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

VERSIONS = {
    0x02: "FoxBASE",
    0x03: "dBase III",
    0x30: "Visual FoxPro",
    0x31: "Visual FoxPro (autoincrement)",
    0x32: "Visual FoxPro (varchar)",
    0x43: "dBase IV SQL table",
    0x63: "dBase IV SQL system",
    0x83: "dBase III with memo",
    0x8B: "dBase IV with memo",
    0x8E: "dBase IV SQL table with memo",
    0xCB: "dBase IV SQL table with memo",
    0xF5: "FoxPro with memo",
    0xFB: "FoxBASE",
}
TEXT_TYPES = {"C": "character", "N": "numeric", "F": "float", "D": "date", "L": "logical"}
# a logical field's values as read ('F' was staged as female, 'T' as an unreadable sex); '?' stays as written
LOGICAL = {**dict.fromkeys("TtYy", "true"), **dict.fromkeys("FfNn", "false")}
NUMERIC_TYPES = ("N", "F")  # numbers written in ASCII, right-aligned: an ID stored in one has lost its leading zeros
MEMO = "M"  # memo: the record holds a block number, the text is in the table's .dbt/.fpt file (read_memos)
UNSUPPORTED_TYPES = {
    "B": "binary or memo block",
    "G": "general (OLE object)",
    "P": "picture",
    "I": "integer (binary)",
    "Y": "currency (binary)",
    "T": "date-time (binary)",
    "@": "timestamp (binary)",
    "+": "autoincrement (binary)",
    "O": "double (binary)",
    "V": "varchar",
    "Q": "varbinary",
    "W": "blob",
}
LIVE, DELETED = 0x20, 0x2A  # the record's first byte
EOF = 0x1A
_BLOCK = 1 << 18  # bytes of a column decoded per call
_SEPARATORS = (0x1E, 0x1F, 0x1D, 0x1C, 0x0A, 0x01, 0x02, 0x03)  # between cells when a column is decoded whole


class DbfError(ValueError):
    """The file is not a readable dBase table; the message says why (no value of the file)."""


@dataclass(frozen=True)
class DbfField:
    name: str
    type: str  # one of TEXT_TYPES
    offset: int  # first byte in the record (the deletion flag is byte 0)
    length: int
    decimals: int = 0


@dataclass
class DbfTable:
    version: int
    fields: list[DbfField]  # the readable columns, in file order (system columns left out)
    records: np.ndarray  # (record count, record length) uint8: a view of the file's record bytes
    header_length: int
    record_length: int

    @property
    def flags(self) -> np.ndarray:
        return self.records[:, 0]

    def cells(self, f: DbfField) -> np.ndarray:
        """(records, f.length) uint8: the field's bytes of every record."""
        return self.records[:, f.offset : f.offset + f.length]


def parse(data: bytes) -> DbfTable:
    """The header, field descriptors and record bytes of a .dbf file (raises DbfError saying what is wrong)."""
    if len(data) < 32:
        raise DbfError(f"only {len(data)} bytes, shorter than a dBase header (32 bytes): cut off, or not a .dbf file")
    version = data[0]
    if version not in VERSIONS:
        raise DbfError(f"its first byte (0x{version:02X}) is not a dBase/FoxPro version: not a .dbf file")
    count, header_length, record_length = struct.unpack_from("<IHH", data, 4)
    if header_length < 33 or record_length < 1:
        raise DbfError(
            f"its header says the header is {header_length} bytes and a record {record_length}: a damaged header"
        )
    fit = _fitting_header_length(data, count, record_length)
    wrong = DbfError(
        f"its header says its records start at byte {header_length}, but its field list and its size put them "
        f"at byte {fit}: a damaged header length (repair the header or re-export the table)"
    )
    eaten = data[-1:] == bytes([EOF]) and len(data) - header_length == count * record_length
    if fit is not None and fit < header_length and eaten:  # the records, read from there, end in the EOF byte
        raise wrong  # each record would be read shifted: its values cut and moved, staged as if they were right
    try:
        return _parse(data, version, count, header_length, record_length)
    except DbfError:
        if fit is None or fit == header_length:
            raise
        raise wrong from None


def _parse(data: bytes, version: int, count: int, header_length: int, record_length: int) -> DbfTable:
    if len(data) < header_length:
        raise DbfError(f"the file ({len(data)} bytes) ends inside its {header_length}-byte header (truncated)")
    fields = _fields(data, header_length, record_length)
    expected = count * record_length
    body = len(data) - header_length
    if body < expected:
        whole, part = divmod(body, record_length)
        raise DbfError(
            f"the file is cut off (truncated): its header declares {count} records of {record_length} bytes, "
            f"it holds {whole} whole record(s)" + (f" and {part} byte(s) of the next" if part else "")
        )
    tail = data[header_length + expected :]
    extra = (tail[1:] if tail[:1] == bytes([EOF]) else tail).strip(b"\x00\x1a")
    if len(extra) >= record_length:
        raise DbfError(
            f"the file holds {len(extra) // record_length} more record(s) after the {count} its header declares "
            "(a stale record count: a program stopped mid-write?); repair or re-export the table"
        )
    records = np.frombuffer(data, dtype=np.uint8, count=expected, offset=header_length).reshape(count, record_length)
    return DbfTable(version, fields, records, header_length, record_length)


def _fitting_header_length(data: bytes, count: int, record_length: int) -> int | None:
    """Where the records start if the header's length field is wrong: just after the field list's end mark (or a
    NUL after it, or Visual FoxPro's 263-byte back-link), when the file's size then holds exactly the records its
    header counts (an end-of-file byte allowed) and each starts with a live or deleted flag. None otherwise."""
    pos = 32
    while pos < len(data) and data[pos] != 0x0D:
        pos += 32
    size = count * record_length
    for start in (pos + 1, pos + 2, pos + 1 + 263):
        if pos < len(data) and len(data) - start in (size, size + 1):
            flags = np.frombuffer(data, dtype=np.uint8, count=size, offset=start)[::record_length]
            if np.isin(flags, [LIVE, DELETED]).all():
                return start
    return None


def _fields(data: bytes, header_length: int, record_length: int) -> list[DbfField]:
    descriptors, pos = [], 32
    while pos < header_length and data[pos] != 0x0D:
        if pos + 32 > header_length:
            raise DbfError("its field descriptors run past the header (a damaged header)")
        descriptors.append(data[pos : pos + 32])
        pos += 32
    if pos >= header_length:
        raise DbfError("its field descriptors have no end mark (0x0D) inside the header (a damaged header)")
    if not descriptors:
        raise DbfError("its header declares no field")
    lengths = [d[16] for d in descriptors]
    if sum(lengths) + 1 != record_length:  # Clipper: a character field's length has its high byte in 'decimals'
        lengths = [d[16] + (d[17] << 8 if chr(d[11]).upper() == "C" else 0) for d in descriptors]
    if sum(lengths) + 1 != record_length:
        raise DbfError(
            f"its {len(descriptors)} fields take {sum(lengths)} bytes but its records are {record_length} bytes "
            "(flag byte included): a damaged header"
        )
    fields, offset = [], 1
    for n, (d, length) in enumerate(zip(descriptors, lengths, strict=True), start=1):
        name = d[:11].split(b"\x00", 1)[0].decode("latin-1").strip() or f"column_{n}"
        kind = chr(d[11]).upper()
        if d[18] & 0x01:  # a system column (Visual FoxPro _NullFlags): not data
            pass
        elif kind == MEMO:
            fields.append(DbfField(name, kind, offset, length))
        elif kind in UNSUPPORTED_TYPES:
            raise DbfError(
                f"field {name!r} (column {n}) has type {kind} ({UNSUPPORTED_TYPES[kind]}), which is not supported: "
                "export the table without it (or as CSV)"
            )
        elif kind not in TEXT_TYPES:
            raise DbfError(f"field {name!r} (column {n}) has an unknown type (byte 0x{d[11]:02X}): a damaged header?")
        else:
            fields.append(DbfField(name, kind, offset, length, d[17] if kind != "C" else 0))
        offset += length
    return fields


def text_sample(table: DbfTable, size: int = 1 << 16) -> bytes:
    """The first ``size`` bytes or so of the live records' character fields (all fields when none is C), one
    record a line: what the encoding detector reads."""
    chosen = [f for f in table.fields if f.type == "C"] or [f for f in table.fields if f.type != MEMO] or table.fields
    live = table.records[table.flags == LIVE]
    width = sum(f.length for f in chosen) + 1
    rows = live[: max(1, size // width)]
    parts = [rows[:, f.offset : f.offset + f.length] for f in chosen]
    parts.append(np.full((rows.shape[0], 1), 0x0A, dtype=np.uint8))
    sample = np.hstack(parts)
    return np.where(sample == 0, 0x20, sample).astype(np.uint8).tobytes()  # NUL padding is padding, not UTF-16


def decode_field(table: DbfTable, f: DbfField, decode: Callable[[bytes], str]) -> tuple[pl.Series, np.ndarray]:
    """The field's values as text (padding removed, blank -> null) and a mask of the records whose bytes
    ``decode`` refuses (their value is the bytes read as latin-1, for the quarantine's copy of the row).

    The column is decoded in one call (cells joined by a byte none of them holds). When that fails, the error's
    position names the bad cell: the cells before it are decoded in one call, the bad cell is kept apart and
    decoding goes on after it, so a column with k bad cells takes about k + 2 calls, not one per cell. Only a
    column holding every separator byte (or a decoder that gives no position) is cut in halves to find the cells.
    """
    cells = table.cells(f)
    n = cells.shape[0]
    bad = np.zeros(n, dtype=bool)
    if not n:
        return pl.Series(f.name, [], dtype=pl.String), bad
    used = np.bincount(cells.ravel(), minlength=256)
    sep = next((s for s in _SEPARATORS if not used[s]), None)
    values = None
    if sep is not None:
        blob = memoryview(np.hstack([cells, np.full((n, 1), sep, dtype=np.uint8)]).tobytes())
        text = "".join(_decode_cells(blob, f.length + 1, n, decode, bad))
        split = pl.Series(f.name, [text]).str.split(chr(sep)).explode()
        if split.len() == n + 1:
            values = split.head(n)
        else:  # the decoder turned the separator into something else (or made one): cell by cell
            bad[:] = False
    if values is None:
        width = f.length
        blob = memoryview(cells.tobytes())
        values = pl.Series(f.name, [_decode_one(blob, i, width, decode, bad) for i in range(n)], dtype=pl.String)
    stripped = values.str.strip_chars_end(" \x00") if f.type == "C" else values.str.strip_chars(" \x00")
    if f.type == "L":  # T/Y or F/N: 'true'/'false', as the other readers write a boolean ('?' unknown: empty)
        stripped = stripped.replace(LOGICAL)  # another byte stays as read: an unreadable sex
    return stripped.replace("", None).rename(f.name), bad


def _decode_one(blob: memoryview, i: int, width: int, decode: Callable[[bytes], str], bad: np.ndarray) -> str:
    """Cell ``i`` (``width`` bytes each, from ``blob``) decoded, or read as latin-1 and marked in ``bad``."""
    raw = bytes(blob[i * width : (i + 1) * width])
    try:
        return decode(raw)
    except (UnicodeDecodeError, ValueError):
        bad[i] = True
        return raw.decode("latin-1")


def _decode_cells(blob: memoryview, width: int, n: int, decode: Callable[[bytes], str], bad: np.ndarray) -> list[str]:
    """The text of cells ``0..n`` of ``blob`` (``width`` bytes each, separator included), decoded in blocks of about
    :data:`_BLOCK` bytes, each in runs between the cells ``decode`` refuses; those are marked in ``bad`` and given as
    latin-1 (their separator kept). Blocks bound what a retry after a bad cell copies and decodes again."""
    step = max(1, _BLOCK // width)
    pieces: list[str] = []
    for start in range(0, n, step):
        lo, hi = start, min(n, start + step)
        while lo < hi:
            try:
                pieces.append(decode(bytes(blob[lo * width : hi * width])))
                break
            except (UnicodeDecodeError, ValueError) as exc:
                at = exc.start if isinstance(exc, UnicodeDecodeError) else None
                i = lo + at // width if isinstance(at, int) and at >= 0 else hi
                if i >= hi:  # no usable position: find the bad cells by halves
                    pieces.extend(_bisect_cells(blob, width, lo, hi, decode, bad))
                    break
                if i > lo:
                    pieces.extend(_bisect_cells(blob, width, lo, i, decode, bad))  # one call unless the codec is odd
                pieces.append(_decode_one(blob, i, width, decode, bad))
                lo = i + 1
    return pieces


def _bisect_cells(
    blob: memoryview, width: int, lo: int, hi: int, decode: Callable[[bytes], str], bad: np.ndarray
) -> list[str]:
    """Cells ``lo..hi`` decoded in one call, or in halves when that fails (a single cell: :func:`_decode_one`)."""
    try:
        return [decode(bytes(blob[lo * width : hi * width]))]
    except (UnicodeDecodeError, ValueError):
        if hi - lo == 1:
            return [_decode_one(blob, lo, width, decode, bad)]
        mid = (lo + hi) // 2
        return _bisect_cells(blob, width, lo, mid, decode, bad) + _bisect_cells(blob, width, mid, hi, decode, bad)


# --------------------------------------------------------------------------- memo files

FOXPRO_VERSIONS = (0xF5, 0x30, 0x31, 0x32, 0xFB)  # memo text in a .fpt file (FoxPro); the others: a .dbt file


@dataclass(frozen=True)
class Memos:
    """A memo field's values: the raw text bytes of each record (None: no memo) and, for a record whose block cannot
    be read, why (else None). Problems name the block, never its text."""

    raw: list[bytes | None]
    problems: list[str | None]


def memo_suffix(version: int) -> str:
    return ".fpt" if version in FOXPRO_VERSIONS else ".dbt"


def read_memos(table: DbfTable, f: DbfField, memo: bytes) -> Memos:
    """The memo text of field ``f`` for every record, from the memo file's bytes ``memo``.

    The record holds the block number: ten ASCII digits (dBase, FoxPro 2) or a 4-byte integer (Visual FoxPro);
    blank or 0 is no memo. FoxPro ``.fpt``: block size at byte 6 (big-endian), each block a type and a length
    (big-endian) before the text. dBase IV ``.dbt``: block size at byte 20, each block ``FF FF 08 00`` and a length
    (the 8 bytes included). dBase III ``.dbt``: 512-byte blocks, the text ends at 0x1A. A block number that is not
    a number, a block beyond the file, a damaged block header or a text running past the file's end is a problem
    of that record only."""
    fox = table.version in FOXPRO_VERSIONS
    dbase4 = not fox and table.version != 0x83 and len(memo) >= 22 and struct.unpack_from("<H", memo, 20)[0] > 0
    if fox:
        block = struct.unpack_from(">H", memo, 6)[0] if len(memo) >= 8 else 0
    elif dbase4:
        block = struct.unpack_from("<H", memo, 20)[0]
    else:
        block = 512
    raw: list[bytes | None] = []
    problems: list[str | None] = []
    for cell in table.cells(f):
        value, problem = _memo_block(bytes(cell), memo, block or 512, fox, dbase4)
        raw.append(value)
        problems.append(problem)
    return Memos(raw, problems)


def _memo_block(cell: bytes, memo: bytes, block: int, fox: bool, dbase4: bool) -> tuple[bytes | None, str | None]:
    if len(cell) == 4:  # Visual FoxPro: a binary block number
        number = struct.unpack("<I", cell)[0]
    else:
        digits = cell.strip(b" \x00")
        if not digits:
            return None, None
        if not digits.isdigit():
            return None, "its block number is not a number (a damaged record)"
        number = int(digits)
    if number == 0:
        return None, None
    start = number * block
    where = f"memo block {number}"
    if start >= len(memo):
        return (
            None,
            f"{where} is beyond the memo file ({len(memo)} bytes): the memo file is cut off or not this table's",
        )
    if fox:
        if start + 8 > len(memo):
            return None, f"{where} has no complete header (the memo file is cut off)"
        length = struct.unpack_from(">I", memo, start + 4)[0]
        end = start + 8 + length
        if end > len(memo):
            return None, f"{where} says {length} bytes but the memo file ends before (cut off?)"
        return memo[start + 8 : end], None
    if dbase4:
        if memo[start : start + 4] != b"\xff\xff\x08\x00":
            return None, f"{where} does not start with a dBase IV block mark (a damaged memo file)"
        length = struct.unpack_from("<I", memo, start + 4)[0] if start + 8 <= len(memo) else 0
        end = start + length
        if length < 8 or end > len(memo):
            return None, f"{where} says {length} bytes but the memo file ends before (cut off?)"
        return memo[start + 8 : end], None
    end = memo.find(b"\x1a", start)
    if end < 0:
        return None, f"{where} has no end mark (0x1A) before the memo file ends (cut off?)"
    return memo[start:end], None
