"""Read one extract of a source, in the format its old system emitted.

Every reader yields batches of text columns exactly as the source holds them
(after decoding its character encoding), plus

* ``_source_key``: the row's key in the source: the value of the catalogue's
  ``key_column`` when it names one, else the 1-based data row number, or the
  table's primary key (SQL). A row whose key cell is empty gets a synthetic key
  from its place in the file (``line:17`` in a text file, ``Sheet1!row:17`` in a
  workbook, ``row:17`` in a table) and the flag ``_key_synthetic``.
* ``_overflow`` (list of text): values beyond the header's last column (kept, never cut);
  ``_short`` (int): how many fields the row lacks against the header (they read as null).
* ``_numeric`` (list of text): the row's columns whose cell the source holds as a number (null when none; a list,
  as a column name may hold a comma): their text lost any leading zero. dBase numeric/float fields, XLSX number
  cells, SQL numeric columns (PostgreSQL INTEGER/NUMERIC/REAL..., a pg_dump's columns of such a type), SQLite cells
  stored as integer or real and JSON numbers (23456789, not "23456789"); CSV says nothing (every cell is text).

Blank lines are not rows (``ReadResult.blank_lines`` counts them). Rows that cannot
even be split into fields (a file cut off mid-row, an unbalanced quote, bytes that
are not the declared encoding, a malformed JSON line) come back as ``RowProblem``s
for the quarantine; a file that cannot be read at all raises ``SourceReadError``
naming the file and the cause. No other exception leaves a reader, and no message
quotes a cell of the file (cells hold personal data).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NoReturn

import polars as pl

from pipelines import encodings
from pipelines.ingest.catalogue import Extract, SourceSpec
from pipelines.ingest.json_keys import (
    HALF_CHARACTER,
    MAX_DEPTH,
    SURROGATE_ESCAPE,
    TOO_DEEP,
    RepeatedKeys,
    deep_at,
    json_object_pairs,
    lone_surrogate_key,
    repeated_key_paths,
    shown_key,
)
from pipelines.ingest.sql import DECODED as _SQL_DECODED
from pipelines.ingest.sql import NUMERIC as _SQL_NUMERIC
from pipelines.ingest.sql import UNDECODABLE as _SQL_UNDECODABLE
from pipelines.ingest.sql import listed_names, number_marks
from pipelines.text import EXCEL_SEP_LINE, numbered

TRUNCATED = "(truncated)"  # in the reason of a last row cut off mid-row
# a run of NUL bytes this long inside a text row is a zero-filled block of the file (a disk sector's worth), not
# the NUL padding of a fixed-width field, which staging takes out as a repair (nul_removed)
ZERO_BLOCK = "\x00" * 512


def zero_block_reason(line: int | str) -> str:
    """The quarantine reason of a text line holding a ZERO_BLOCK."""
    return (
        f"line {line} holds a run of {len(ZERO_BLOCK)} or more NUL bytes (a zero-filled block: part of the file was "
        "never written; the rows it covers are lost and the text around it may join two rows)"
    )


# row_flags of rows a reader quarantines whole that no official can repair (quarantine.reason_kind, stage.py):
CUT_OFF_FLAG = "cut_off"  # the last row of a file that ends mid-row (assets/ingest.py warns on it)
HEADER_FLAG = "header_unreadable"  # every row of an extract whose header names cannot be told apart (rejected)

KEY = "_source_key"
LINE = "_line"  # where the row is in the source: 'line:17', 'Sheet1!row:17', 'row:17'
OVERFLOW = "_overflow"
SHORT = "_short"
SYNTHETIC = "_key_synthetic"
UNDECODABLE = _SQL_UNDECODABLE  # SQLite rows: the columns whose text is not UTF-8 (quarantined by _keyed_sql)
# SQLite rows: the cells not UTF-8 read in a legacy encoding, 'encoding:column' (raw.py flags them 'decoded:...')
DECODED = _SQL_DECODED
# the row's columns whose cell the source holds as a number (dbf numeric/float fields, xlsx number cells, SQL and
# pg_dump numeric columns, SQLite integer and real cells, JSON numbers), a list, null when none: a number drops an ID's
# leading zeros, which staging puts back only where it knows (standardise.check_personal_id)
NUMERIC = _SQL_NUMERIC
# xlsx rows: the columns whose cell holds an Excel error (#REF!, #N/A: read as empty), a list, null when none
EXCEL_ERROR = "_excel_error"
EXCEL_ERROR_FLAG = "excel_error"  # row_flags 'excel_error:address,full_name' (raw.py): those fields' cells held one
INTERNAL = (KEY, LINE, OVERFLOW, SHORT, SYNTHETIC, UNDECODABLE, DECODED, NUMERIC, EXCEL_ERROR)
csv.field_size_limit(2**31 - 1)  # huge cells are data too (the tolerant path must read them)
HEADER_SEARCH_ROWS = 30  # a workbook's header is looked for in its sheets' first rows (else: catalogue header_row)
MAX_RECORD_LINES = 100  # a quoted field spanning more physical lines than this is taken for an unbalanced quote


class SourceReadError(RuntimeError):
    """The extract cannot be read; the message names the file and the cause."""


class SourceBusy(SourceReadError):
    """A source another program holds locked (a SQLite database being written): worth another try later."""


@dataclass
class RowProblem:
    source_key: str
    reason: str
    raw_text: str
    flag: str | None = None  # the raw row's row_flags (CUT_OFF_FLAG for a cut last row)


@dataclass
class ReadResult:
    batches: Iterator[pl.DataFrame]
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None  # the file's character encoding (declared or detected)
    blank_lines: int = 0
    # rows quarantined whole, column-wise: source_key, extra_columns ({"_unparsed": row JSON}), read_problem
    problem_frames: list[pl.DataFrame] = field(default_factory=list)
    # a header naming a column more than once: the first one's name -> the names the others were given
    repeated: dict[str, list[str]] = field(default_factory=dict)
    deleted: int = 0  # records the file marks deleted (dbf): among problem_frames, flagged DELETED_FLAG
    # cells whose bytes are not the file's encoding (dbf), per column: their records are among problem_frames
    undecodable: dict[str, int] = field(default_factory=dict)
    # undecodable cells of columns the catalogue does not map (a photo in a bytea or BLOB column), per column: their
    # rows are loaded, the bytes kept as hex in extra_columns (a record is not set aside for a column nobody reads)
    undecodable_kept: dict[str, int] = field(default_factory=dict)
    # why the file's header cannot be read (csv): its rows are all among problem_frames, the extract is rejected
    header_problem: str | None = None
    # where the header was read, as people count (csv "line 3", xlsx "sheet 'Data' row 2"); None: no header row
    header_at: str | None = None
    # cells that may be numbers cut short (8+ digits, not 0 first) whose kind (number or text) could not be read, per
    # column (xlsx: the second read of a sheet failed or did not line up): not marked, their leading zeros not restored
    numbers_unknown: dict[str, int] = field(default_factory=dict)
    # xlsx data cells holding an Excel error (#REF!, #N/A: a formula that failed), per column: read as empty
    error_cells: dict[str, int] = field(default_factory=dict)
    # xlsx sheets hidden or very hidden, not read as records (catalogue read_hidden_sheets reads them): name, state
    # ('hidden', 'very hidden'), rows holding a value (None: not counted, the sheet cannot be read)
    hidden_sheets: list[tuple[str, str, int | None]] = field(default_factory=list)
    # of them, those the catalogue's hidden_sheets_known names (no records: not warned about), and what it names that
    # is no hidden sheet of the workbook ("'DanhMuc' (visible: read as any sheet)", "'Ma' (no such sheet)")
    hidden_known: list[tuple[str, str, int | None]] = field(default_factory=list)
    known_not_hidden: list[str] = field(default_factory=list)
    # lines of a UTF-8 file (csv, jsonl) not valid UTF-8 and read in a legacy encoding (_legacy_lines): line -> encoding
    legacy_lines: dict[int, str] = field(default_factory=dict)
    # a CSV with no line end after its last row, that row read as whole: (its line, its fields, the header's name of
    # its last field: a cut inside that value is caught only when it leaves it shorter, _last_value_cut); else None
    unended: tuple[int, int, str] | None = None
    # a JSON array written one object per line whose ']' never comes (jsonl): its last line, read; the file may have
    # been cut off after a whole line, the objects after it never arrived (_without_array_brackets)
    unclosed_array: int | None = None


def _base_dir_hint(spec: SourceSpec) -> str:
    """For a file not found: a base_dir that is a file (an archive named, not the folder unpacked from it), or a
    catalogue outside the repository whose base_dir was read against the repository root (a relative base_dir is,
    not against the catalogue's folder), is told so."""
    from pipelines.warehouse import REPO_ROOT

    if spec.base_dir.is_file():  # every path under it is 'not found': say why
        return f"; the catalogue's base_dir {spec.base_dir} is a file, not a folder: name the folder the files are in"
    root, catalogue = REPO_ROOT.resolve(), spec.catalogue_file.resolve()
    if catalogue.is_relative_to(root) or not spec.base_dir.resolve().is_relative_to(root):
        return ""
    return (
        f"; a relative base_dir is read against the repository root {root}, not the catalogue's folder: "
        "write base_dir as an absolute path"
    )


def read_extract(extract: Extract, batch_rows: int = 100_000) -> ReadResult:
    spec = extract.source
    if extract.others:
        names = ", ".join(f.name for f in sorted([extract.file, *extract.others]))
        raise SourceReadError(
            f"{extract.location}: {len(extract.others) + 1} files of source {spec.id} give the extract date "
            f"{extract.key_date}: {names} (catalogue {spec.catalogue_file.name}); one extract is one file, none of "
            "them is loaded: keep the one that is the extract where the source's path finds it (move the others away)"
        )
    if extract.shared_with:
        raise SourceReadError(
            f"{extract.location}: the file is also the extract of {', '.join(extract.shared_with)} (catalogue "
            f"{spec.catalogue_file.name}): read by more than one source, its rows would be loaded once per source; "
            f"none of them is loaded: let one source's path find it (narrow the other's glob or remove its entry)"
        )
    if extract.file is not None and not extract.file.exists():
        raise SourceReadError(
            f"{extract.location}: file not found (looked for {extract.file}; source {spec.id}, catalogue "
            f"{spec.catalogue_file.name}){_base_dir_hint(spec)}"
        )
    if extract.file is not None and extract.file.is_dir():
        raise SourceReadError(
            f"{extract.location}: a folder, not a file (source {spec.id}, catalogue {spec.catalogue_file.name}): "
            "name a file, or a glob such as 'folder/*.csv' (one file per extract)"
        )
    try:
        if extract.file is not None and extract.file.stat().st_size == 0:
            raise SourceReadError(f"{extract.location}: the file is empty")
        if extract.file is not None and all_nul_bytes(extract.file):
            raise SourceReadError(
                f"{extract.location}: the file holds only NUL bytes (zero-filled: a copy that never finished?)"
            )
        if extract.file is not None and spec.format in TEXT_FORMATS and (kind := _binary_kind(extract.file)):
            raise SourceReadError(
                f"{extract.location}: not a {spec.format} file: it starts as {kind} does (source {spec.id}, catalogue "
                f"{spec.catalogue_file.name}); deliver it as {spec.format}, or give the source the format it is in"
            )
    except OSError as exc:  # a file that cannot be opened (no permission): named, with the system's reason
        raise SourceReadError(f"{extract.location}: cannot open: {_cause(exc)}") from exc
    try:
        reader = _READERS[spec.format]
        return reader(extract, batch_rows)
    except SourceReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read is reported with the file named
        raise SourceReadError(f"{extract.location}: cannot read as {spec.format}: {_cause(exc)}") from exc


def _require_text(data: bytes, text: str, location: str) -> None:
    """A text file whose bytes, or decoded text, hold nothing but blanks (or a byte order mark) is an empty file."""
    if not data.strip() or not text.removeprefix("\ufeff").strip():
        raise SourceReadError(f"{location}: the file is empty")


TEXT_FORMATS = ("csv", "jsonl", "pg_dump")
# the first bytes of files a text source is sometimes handed instead (a workbook saved under a .csv name)
_BINARY_STARTS = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook, or a zipped export)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook (or another OLE document)"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"PGDMP", "a pg_dump custom-format archive (only pg_restore reads it: dump with pg_dump -Fp for plain text)"),
    # (before HR1 a Parquet file given to a csv source failed 'cannot read as csv: Error' or 'required column(s) missing')
    (b"PAR1\x15", "an Apache Parquet file"),  # (its first page header follows: a Thrift i32 field, 0x15)
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
)


def _binary_kind(path) -> str | None:  # noqa: ANN001 - Path
    """What a file a text reader was given starts as, when it starts as one of :data:`_BINARY_STARTS`: such a file
    was read as text and failed on 'required column(s) ... missing; the header has 1 columns', which does not say
    that it is a workbook or an archive."""
    with path.open("rb") as f:
        head = f.read(16)
    return next((kind for start, kind in _BINARY_STARTS if head.startswith(start)), None)


def all_nul_bytes(path) -> bool:  # noqa: ANN001 - Path
    """Whether every byte of the file is NUL (read in blocks, stopping at the first other byte)."""
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            if block.strip(b"\x00"):
                return False
    return True


def _cause(exc: Exception) -> str:
    """The kind of failure, without the library's message (which may quote cells of the file). A SQL source's
    own errors (an unset URL variable, a literal password, a missing table) are written by wardbridge and name
    no cell: their message is the cause (catalogue.url_problem: a variable's value is never shown)."""
    from pipelines.ingest.catalogue import url_problem
    from pipelines.ingest.sql import SqlSourceError

    if isinstance(exc, SqlSourceError):
        return url_problem(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return type(exc).__name__


def _with_keys(frame: pl.DataFrame, extract: Extract, offset: int = 0) -> pl.DataFrame:
    """Add ``_source_key`` (and ``_key_synthetic``) to a reader's frame of text columns plus ``_line``."""
    data = [c for c in frame.columns if c not in INTERNAL]
    key_column = column_named(extract.source.key_column, data)
    frame = frame.with_columns(pl.col(data).cast(pl.String))
    if LINE not in frame.columns:
        frame = frame.with_columns(pl.format("row:{}", pl.int_range(offset + 1, offset + frame.height + 1)).alias(LINE))
    if key_column and key_column in frame.columns:
        value = pl.col(key_column).str.strip_chars()
        # a key of control characters only (NUL bytes of a damaged row) identifies nothing: keyed by its place
        usable = value.is_not_null() & (value.str.replace_all(r"[\x00-\x1f\x7f]", "").str.strip_chars() != "")
        return frame.drop(KEY, strict=False).with_columns(
            pl.when(usable).then(value).otherwise(pl.col(LINE)).alias(KEY), (~usable).alias(SYNTHETIC)
        )  # the key column itself stays: raw.py leaves it out of extra_columns
    if KEY in frame.columns:  # a table's primary key (SQL)
        usable = pl.col(KEY).is_not_null() & (pl.col(KEY).str.strip_chars() != "")
        return frame.with_columns(
            pl.when(usable).then(pl.col(KEY)).otherwise(pl.col(LINE)).alias(KEY), (~usable).alias(SYNTHETIC)
        )
    ordinal = pl.int_range(offset + 1, offset + frame.height + 1, dtype=pl.Int64).cast(pl.String)
    return frame.with_columns(ordinal.alias(KEY), pl.lit(False).alias(SYNTHETIC))


def folded_name(name: str) -> str:
    """A column name as :func:`column_named` compares it: NFKC (fullwidth letters an IME typed as ASCII), invisible
    format characters taken out (a zero-width space or joiner, a soft hyphen, a word joiner pasted in with the name:
    before HR1 such a name was not the catalogue's, and the extract failed 'required column(s) ... missing' naming a
    column that is plainly there), runs of spaces as one, case folded."""
    name = unicodedata.normalize("NFKC", name)
    if not name.isascii():
        name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return " ".join(name.split()).casefold()


def column_named(name: str | None, columns: list[str]) -> str | None:
    """The column a catalogue name means: the column of that name, else the one column whose name differs from it
    in case and spacing only ('STT', 'Họ  và tên' for 'stt', 'Họ và tên': an old system's capitals, or a TCVN3
    header that lost them); ``name`` itself when none or several do (the caller finds it missing)."""
    if not name or name in columns:
        return name
    matches = [c for c in columns if folded_name(c) == folded_name(name)]
    return matches[0] if len(matches) == 1 else name


def _locators(lines: pl.Series) -> pl.Series:
    """'line:<n>' for each 1-based file line number."""
    return ("line:" + lines.cast(pl.String)).rename(LINE)


def _clean_name(name: str | None, i: int) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "", name or "").strip() or f"column_{i + 1}"


def _repeated_names(names: list[str], given: list[str]) -> dict[str, list[str]]:
    """For a header naming a column more than once: the name its first column was given -> the others' names
    (``given``: the frame's names, position by position)."""
    groups: dict[str, list[str]] = {}
    for i, (name, out) in enumerate(zip(names, given, strict=True)):
        groups.setdefault(_clean_name(name, i), []).append(out)
    return {group[0]: group[1:] for group in groups.values() if len(group) > 1}


def _unique_names(names: list, *, clean: bool = True) -> list[str]:
    """A header's names made usable as columns, position by position: each cleaned (control characters out, blank ->
    ``column_<n>``; ``clean=False`` keeps a workbook's names as its reader gave them), and a name an earlier column
    has, or a reader's own (``_line``, ``_source_key``...), suffixed ``_2``, ``_3``... with a suffix no column has:
    a column keeps its own name ('A, A, A_2' -> 'A, A_3, A_2'; '_line' -> '_line_2')."""
    cleaned = [_clean_name(name, i) if clean else str(name) for i, name in enumerate(names)]
    taken = set(cleaned) | set(INTERNAL)
    out: list[str] = []
    for name in cleaned:
        if name in INTERNAL or name in out:
            base, n = name, 2
            while (name := f"{base}_{n}") in taken:
                n += 1
            taken.add(name)
        out.append(name)
    return out


# --------------------------------------------------------------------------- decoding
# A text file's bytes read as text: public, for the CLI reads a CSV or JSON Lines file as ingestion does (one rule,
# not written twice). decode_file: the encoding declared (or detected) checked against the bytes, then decode_as, then
# a UTF-8 file's lines certainly one legacy encoding; decode_as: an encoding already chosen. legacy_encoding and
# legacy_words say what was read so.

_PY_CODEC = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1258": "cp1258"}


def decode_file(
    data: bytes, encoding: str, location: str, *, nfc: bool = True, legacy_lines: bool = False
) -> tuple[str, str, set[int], dict[int, str]]:
    """A text file's ``data`` decoded as ingestion reads it, ``encoding`` as declared (or 'detect'): (text, the
    encoding used as the load reports it, the 1-based lines whose bytes are not valid in that encoding, and with
    ``legacy_lines`` (CSV and JSON lines) the lines of a UTF-8 file read in a legacy encoding instead: line ->
    encoding, _legacy_lines). Raises SourceReadError when more than half the lines are not valid (decode_as).

    ``nfc=False`` keeps UTF-8 text exactly as written (dumps and JSON lines are verbatim; staging normalises).
    A file declared cp1258, TCVN3 or VNI whose bytes are UTF-8 Vietnamese is read as UTF-8, and the encoding
    says so (``utf-8 (declared tcvn3)``): read as declared, every letter would become two or three wrong ones,
    staged with no issue (TCVN3 and VNI give every byte a letter).
    """
    encoding, label, skip = encodings.choose_encoding(data, encoding)
    data = data[skip:]
    text, bad, switched = decode_as(data, encoding, location, nfc=nfc)
    label += f" ({len(switched)} line(s) utf-8)" if switched else ""
    legacy: dict[int, str] = {}
    if legacy_lines and bad and encoding in ("utf-8", "utf-8-sig"):
        text, legacy = _legacy_lines(data, text, bad, encoding)
        bad -= set(legacy)
    return text, label, bad, legacy


def decode_as(data: bytes, encoding: str, location: str, *, nfc: bool = True) -> tuple[str, set[int], set[int]]:
    """``data`` decoded in ``encoding`` (already chosen; NFC unless ``nfc=False`` keeps UTF-8 as written): line by
    line where the whole fails, and in a legacy file the lines that are UTF-8 Vietnamese read as UTF-8 (_utf8_lines:
    a newer program's rows appended). (text, the 1-based lines not valid in ``encoding`` and not read as UTF-8, the
    lines read as UTF-8). Raises SourceReadError when more than half the lines are not valid (the encoding is wrong)."""
    text, bad = _decode_lines(data, encoding, location, nfc)
    switched: set[int] = set()
    if encoding in encodings.LEGACY and _UTF8_LETTER.search(data):
        text, switched = _utf8_lines(data, text, encoding, nfc)
        bad -= switched  # (bytes cp1258 does not define: the line-by-line reading had found them)
    return text, bad, switched


def _legacy_lines(data: bytes, text: str, bad: set[int], encoding: str) -> tuple[str, dict[int, str]]:
    """``text`` (``data`` read as UTF-8, the ``bad`` lines not valid UTF-8) with those of the bad lines that are
    certainly one legacy encoding read in it, and which (line -> encoding). A UTF-8 file an old program appended its
    rows to (Windows-1258, VNI, TCVN3): before, each such line was quarantined. Safe only where no reading could be
    mojibake: the file's own non-ASCII UTF-8 lines outnumber its bad lines (a UTF-8 file with a few foreign lines, not
    a legacy file declared UTF-8); the encoding is the one the bad lines read best in together (as a file's is
    detected); and a line is read in it only when it and no other legacy encoding reads the line as clean Vietnamese
    (encodings.certain_legacy_reading: every non-ASCII word a syllable, no stray symbol, a frequent syllable). A
    line with damaged bytes, a UTF-8 letter cut in two, or too few letters to tell the encodings apart stays bad."""
    raw_lines, lines = data.split(b"\n"), text.split("\n")
    if encoding == "utf-8-sig" and raw_lines[0].startswith(codecs.BOM_UTF8):
        raw_lines[0] = raw_lines[0][3:]
    if len(raw_lines) != len(lines):
        return text, {}
    utf8 = sum(1 for n, raw in enumerate(raw_lines, start=1) if n not in bad and not raw.isascii())
    if utf8 <= len(bad):
        return text, {}
    # the encoding the bad lines read best in together: a UTF-8 line with a damaged byte has no vote (it stays bad)
    voters = [raw_lines[n - 1].removesuffix(b"\r") for n in sorted(bad)]
    found = encodings.detect_encoding(b"\n".join(raw for raw in voters if not encodings.utf8_like(raw)))
    if found not in encodings.LEGACY:
        return text, {}
    read: dict[int, str] = {}
    for n in sorted(bad):
        raw = raw_lines[n - 1]
        reading = encodings.certain_legacy_reading(raw.removesuffix(b"\r"))
        if reading is None or reading[1] != found:
            continue
        lines[n - 1] = reading[0] + ("\r" if raw.endswith(b"\r") else "")
        read[n] = found
    return ("\n".join(lines) if read else text), read


def _refuse_undecodable_rows(extract: Extract, label: str, rows: int, bad: list[int]) -> None:
    """SourceReadError when every data row of a text file (``rows`` of them: a CSV's records below its header, a JSON
    lines file's lines, a dump's COPY rows; blank ones aside), or at least 90 % of them, is on a line not valid in
    the encoding read (``bad``: those rows' first lines; ``label``: the encoding as the load reports it): the file is
    not in that encoding. decode_as fails a file only when more than half of all its lines (and more than 10) are
    not valid, so a small extract, or a dump whose few rows sit among its SQL lines, loaded 'ok' with every row
    quarantined as unreadable and queued for the ward officials, who cannot mend an encoding. The message names the
    file, the encoding read, the catalogue's and, when the rows' bytes read as one legacy encoding
    (encodings.detect_encoding), that one; line numbers, never a value."""
    if not bad or len(bad) * 10 < rows * 9:
        return
    spec, codec = extract.source, label.split(" ")[0]
    guess = None
    with contextlib.suppress(OSError, ValueError):
        lines = extract.file.read_bytes().split(b"\n")
        sample = b"\n".join(lines[n - 1].removesuffix(b"\r") for n in bad[:500] if n <= len(lines))
        guess = encodings.detect_encoding(sample)
    said = f"; they read as {guess}: declare encoding = {json.dumps(guess)}" if guess in encodings.LEGACY else ""
    raise SourceReadError(
        f"{extract.location}: {len(bad)} of its {rows} rows are not valid {codec} ({numbered('line', bad, 10)}): the "
        f"file is not in that encoding (source {spec.id}: encoding = {json.dumps(spec.encoding)}){said}; nothing of "
        "it is loaded (its rows would all be quarantined as unreadable): correct the source's encoding and load it "
        "again"
    )


def _with_legacy_lines(label: str | None, legacy: dict[int, str]) -> str | None:
    """The file's encoding as the load reports it, with the lines read in a legacy encoding counted."""
    if not legacy:
        return label
    counts = Counter(legacy.values())
    return f"{label} (" + ", ".join(f"{n} line(s) {enc}" for enc, n in sorted(counts.items())) + ")"


def legacy_encoding(legacy: dict[int, str]) -> str:
    """The legacy encoding a UTF-8 file's lines were read in (``legacy``: decode_file's line -> encoding): one per
    file, the one the file's bad lines read best in together (_legacy_lines)."""
    (encoding,) = set(legacy.values())
    return encoding


def legacy_words(legacy: dict[int, str], shown: int = 20) -> str:
    """'lines 5, 9 decoded as cp1258' (the first ``shown`` lines, then how many more: text.numbered)."""
    return f"{numbered('line', legacy, shown)} decoded as {legacy_encoding(legacy)}"


def _legacy_marks(hit: pl.Series, columns: list[str], legacy: dict[int, str]) -> pl.Expr:
    """DECODED for the rows read from a line in a legacy encoding (``hit``, one per row): 'cp1258:<column>' for each
    of the row's cells holding a non-ASCII character (raw's row_flags 'decoded:...', staging's text repairs)."""
    encoding = legacy_encoding(legacy)
    cells = [
        pl.when(pl.col(c).cast(pl.String).str.contains(r"[^\x00-\x7F]")).then(pl.lit(f"{encoding}:{c}"))
        for c in columns
    ]
    listed = pl.concat_list(cells).list.drop_nulls()
    return pl.when(pl.lit(hit) & (listed.list.len() > 0)).then(listed).alias(DECODED)


# a UTF-8 Vietnamese letter: Latin-1 / Latin Extended-A/B (à ă đ ơ ư ...), a combining tone mark, or ạ..ỹ
_UTF8_LETTER = re.compile(rb"[\xc3\xc4\xc5\xc6][\x80-\xbf]|\xcc[\x80-\xbf]|\xcd[\x80-\xaf]|\xe1[\xba\xbb][\x80-\xbf]")


def _utf8_lines(data: bytes, text: str, encoding: str, nfc: bool) -> tuple[str, set[int]]:
    """``text`` (``data`` decoded as a legacy ``encoding``) with the lines that are UTF-8 Vietnamese read as UTF-8,
    and how many. A file written by two systems (an old one's rows, then a newer one's appended in UTF-8): read as
    the legacy encoding, every letter of those lines became two or three wrong ones, staged as they were. A line is
    switched when it is valid UTF-8, not ASCII, and reads more Vietnamese as UTF-8 (legacy Vietnamese bytes are
    practically never valid UTF-8). The legacy codecs give one text line per byte line. Returns the text and the
    (1-based) lines switched."""
    raw_lines, lines = data.split(b"\n"), text.split("\n")
    switched: set[int] = set()
    if len(raw_lines) != len(lines):
        return text, switched
    for i, raw in enumerate(raw_lines):
        if not _UTF8_LETTER.search(raw):
            continue
        try:
            as_utf8 = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        as_utf8 = unicodedata.normalize("NFC", as_utf8) if nfc else as_utf8
        if encodings.vietnamese_score(as_utf8) > encodings.vietnamese_score(lines[i]):
            lines[i] = as_utf8
            switched.add(i + 1)
    return ("\n".join(lines) if switched else text), switched


def _decode_lines(data: bytes, encoding: str, location: str, nfc: bool) -> tuple[str, set[int]]:
    """``data`` decoded, line by line when the whole fails: (text, the lines that are not ``encoding``)."""

    def decode(raw: bytes, enc: str) -> str:
        if not nfc and enc in encodings.UNICODE:
            return bytes(raw).decode(enc)
        return encodings.decode_bytes(raw, enc)

    try:
        return decode(data, encoding), set()
    except (UnicodeDecodeError, ValueError):
        if encoding.startswith("utf-16"):  # its lines cannot be split as bytes: the damaged ones hold U+FFFD
            text = data.decode(encoding, "replace")
            text = unicodedata.normalize("NFC", text) if nfc else text
            return text, {n for n, line in enumerate(text.split("\n"), start=1) if "\ufffd" in line}
    # Decode line by line: the lines that fail are damaged rows, not a failed file.
    raw_lines = data.split(b"\n")
    if encoding == "utf-8-sig" and raw_lines[0].startswith(b"\xef\xbb\xbf"):
        raw_lines[0] = raw_lines[0][3:]
    lines, bad = [], set()
    for n, line in enumerate(raw_lines, start=1):
        try:
            lines.append(decode(line, "utf-8" if encoding == "utf-8-sig" else encoding))
        except (UnicodeDecodeError, ValueError):
            bad.add(n)
            text = line.decode(_PY_CODEC.get(encoding, "latin-1"), "replace")
            lines.append(unicodedata.normalize("NFC", text) if nfc else text)
    if len(bad) > max(10, len(raw_lines) // 2):
        raise SourceReadError(
            f"{location}: {len(bad)} of {len(raw_lines)} lines are not valid {encoding}: is the encoding right?"
        )
    return "\n".join(lines), bad


# --------------------------------------------------------------------------- csv


def _records(text: str, first_line: int = 1) -> pl.DataFrame:
    """Physical lines grouped into CSV records by quote parity: ``line`` (first line), ``text``, ``lines``
    (``first_line``: the file line number of the text's first line)."""
    lines = pl.Series("text", [text]).str.split("\n").explode().to_frame().with_row_index("line", offset=first_line)
    lines = lines.with_columns(pl.col("line").cast(pl.Int64), pl.col("text").str.strip_suffix("\r"))
    quotes = pl.col("text").str.count_matches('"', literal=True)
    lines = lines.with_columns(_open=(quotes.cum_sum() % 2).cast(pl.Int8))
    if not (lines["_open"] == 1).any():  # every line closes its quotes: one record per line (the common case)
        return lines.select("line", "text", lines=pl.lit(1, dtype=pl.Int64))
    lines = lines.with_columns(_rec=(pl.col("_open").shift(1, fill_value=0) == 0).cum_sum())
    return lines.group_by("_rec", maintain_order=True).agg(
        pl.col("line").first(), pl.col("text").str.join("\n"), pl.len().cast(pl.Int64).alias("lines")
    )


def _with_field_counts(records: pl.DataFrame, delimiter: str) -> pl.DataFrame:
    """``nfields``: fields of each record (delimiters inside quoted fields not counted; the regex only where quotes are)."""
    text = pl.col("text")
    out = records.with_columns(nfields=text.str.count_matches(delimiter, literal=True).cast(pl.Int64) + 1)
    quoted = out.with_row_index("_i").filter(text.str.contains('"', literal=True))
    if quoted.height:
        unquoted = text.str.replace_all(r'"(?:[^"]|"")*"', "")
        exact = quoted.select("_i", _n=unquoted.str.count_matches(delimiter, literal=True).cast(pl.Int64) + 1)
        out = (
            out.with_row_index("_i")
            .join(exact, on="_i", how="left", maintain_order="left")
            .with_columns(nfields=pl.coalesce("_n", "nfields"))
            .drop("_i", "_n")
        )
    return out


def _csv_fast(data: pl.DataFrame, width: int, delimiter: str) -> pl.DataFrame | None:
    """Polars' parser over the records (None when it fails or disagrees with the record split).

    A record with values beyond the header's last column made Polars read every record as wide as it: a row ending in
    100,000 delimiters cost 43 s on a 581-row file (HR1; two million, hours). Such a record is read at the header's width:
    its extra delimiters cut off when every value beyond the last column is empty (an Excel export's empty columns),
    its overflow then that many empty values; otherwise (a value beyond the last column: rare) it is split by
    Python's csv module on its own. The rows come back in their order, with the same values either way."""
    if int(data["nfields"].max() or 0) <= width:
        return _csv_read(data, width, delimiter)
    excess = pl.max_horizontal(pl.col("nfields") - width, 0)
    text = pl.col("text")
    # every value beyond the last column empty: the record ends in that many delimiters
    padded = text.str.tail(excess).str.count_matches(delimiter, literal=True) == excess
    data = data.with_row_index("_at").with_columns(_excess=excess, _fits=(excess == 0) | padded)
    fitting = data.filter("_fits").with_columns(text=text.str.head(text.str.len_chars() - pl.col("_excess")))
    frame = _csv_read(fitting, width, delimiter)
    split = _csv_split(data.filter(~pl.col("_fits")), width, delimiter)
    if frame is None or split is None:
        return None
    empties = pl.lit(None, pl.String).repeat_by(pl.col("_excess"))
    frame = frame.with_columns(fitting.select("_at", "_excess")).with_columns(
        pl.when(pl.col("_excess") > 0).then(empties).alias(OVERFLOW)
    )
    frame = frame.drop("_excess")
    split = split.with_columns(data.filter(~pl.col("_fits"))["_at"]).select(frame.columns)
    return pl.concat([frame, split]).sort("_at").drop("_at")


def _csv_read(data: pl.DataFrame, width: int, delimiter: str) -> pl.DataFrame | None:
    """Polars' parser over records of at most ``width`` fields: columns c0..c<width-1> (None when it fails or
    disagrees with the record split)."""
    names = [f"c{i}" for i in range(width)]
    body = delimiter.join(names) + "\n" + (data["text"].str.join("\n")[0] if data.height else "") + "\n"
    try:
        frame = pl.read_csv(io.BytesIO(body.encode("utf-8")), separator=delimiter, infer_schema=False)
    except Exception:  # noqa: BLE001 - the tolerant path reads it
        return None
    if frame.height != data.height or frame.width != width:
        return None
    return frame


def _csv_split(data: pl.DataFrame, width: int, delimiter: str) -> pl.DataFrame | None:
    """Records with a value beyond the header's last column, split by Python's csv module (one record at a time: a
    few), their empty values null as Polars reads them: columns c0..c<width-1> and the values beyond (None when a
    record's fields are not the count ``_with_field_counts`` found)."""
    rows = [_split_line(text, delimiter) for text in data["text"].to_list()]
    if [len(r) for r in rows] != data["nfields"].to_list():
        return None
    cells = {f"c{i}": [r[i] or None for r in rows] for i in range(width)}
    frame = pl.DataFrame(cells, schema=dict.fromkeys(cells, pl.String))
    beyond = [[v or None for v in r[width:]] for r in rows]
    return frame.with_columns(pl.Series(OVERFLOW, beyond, dtype=pl.List(pl.String)))


def _csv_tolerant(data: pl.DataFrame, width: int, delimiter: str) -> tuple[pl.DataFrame, list[int]]:
    """Python's csv module, one physical line at a time; lines with an unbalanced quote are returned apart.

    A quote inside a field ('An "Tí') is a character; a field that opens a quote and never closes it makes
    the line unreadable (its fields cannot be told apart).
    """
    rows, overflow, keep, bad = [], [], [], []
    for line_no, text in zip(data["line"].to_list(), data["text"].to_list(), strict=True):
        suspect = text.count('"') % 2 and (text.startswith('"') or f'{delimiter}"' in text)
        if suspect and _unclosed_field(text, delimiter) is not None:
            bad.append(line_no)  # a quoted field that never closes: its fields cannot be told apart
            continue
        values = _split_line(text, delimiter)
        rows.append((values + [None] * width)[:width])
        overflow.append(values[width:] or None)
        keep.append(line_no)
    columns = {f"c{i}": [r[i] for r in rows] for i in range(width)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    frame = frame.with_columns(pl.Series(OVERFLOW, overflow, dtype=pl.List(pl.String)))
    return frame.with_columns(pl.Series("_kept", keep, dtype=pl.Int64)), bad


def _split_line(text: str, delimiter: str) -> list[str]:
    """The fields of one physical line. A bare CR inside it (a line break typed in a cell) is a character of its
    field, as polars reads it, not an error of Python's csv module ('new-line character seen in unquoted field')."""
    if "\r" not in text:
        return next(csv.reader([text], delimiter=delimiter, strict=False), [])
    stand_in = next(chr(c) for c in range(0xE000, 0xF8FF) if chr(c) not in text)  # a private-use character
    values = next(csv.reader([text.replace("\r", stand_in)], delimiter=delimiter, strict=False), [])
    return [v.replace(stand_in, "\r") for v in values]


_BARE_CR = re.compile(r"\r(?!\n)")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _bare_cr_line_ends(text: str, delimiter: str) -> tuple[str, dict[int, int]]:
    """Bare CRs that end a row in a file whose other rows end in LF or CRLF (files joined from an old Mac export and
    a newer one, or a tool that wrote some rows with CR only), turned into line ends; a bare CR typed in a cell stays.

    A line holding bare CRs is cut into its CR segments, grouped greedily: a group ends once it is a whole row (its
    quotes balance and it has at least as many fields as the file's rows less one, or all of them in a file of 2 or
    3 columns: ``_whole_row``; the rows without a bare CR giving the count); a last group that is not a whole row
    joins the one before. Only lines holding a bare CR are looked at (Python, but such lines are rare): without
    this, the rows after a bare CR line end were read as values beyond the header's last column of the row before
    (silently not rows), or into the header.
    Returns the text and, per line cut (1-based), the line ends added in it."""
    ends_bare = text.endswith("\r")
    lines = (text[:-1] + "\n" if ends_bare else text).split("\n")
    suspects = [i for i, line in enumerate(lines) if "\r" in line.removesuffix("\r")]
    split: dict[int, int] = {}
    if not suspects:
        return "\n".join(lines), split

    def fields(part: str) -> int:
        return _QUOTED.sub("", part).count(delimiter) + 1

    others = Counter(fields(line) for line in lines[:2000] if line.strip() and "\r" not in line.removesuffix("\r"))
    for i in suspects:
        line = lines[i]
        crlf = line.endswith("\r")
        parts = line.removesuffix("\r").split("\r")
        width = others.most_common(1)[0][0] if others else max(fields(p) for p in parts)
        groups: list[str] = []
        for part in parts:
            if groups and not _whole_row(groups[-1], width, fields) and fields(groups[-1]) + fields(part) - 1 <= width:
                groups[-1] += "\r" + part  # a CR typed in a cell: the two pieces share that cell
            else:
                groups.append(part)
        if (
            len(groups) > 1
            and not _whole_row(groups[-1], width, fields)
            and (fields(groups[-2]) + fields(groups[-1]) - 1 <= width)
        ):
            groups[-2:] = [groups[-2] + "\r" + groups[-1]]
        lines[i] = "\n".join(groups) + ("\r" if crlf else "")
        if len(groups) > 1:
            split[i + 1] = len(groups) - 1
    return "\n".join(lines), split


def _renumbered(lines: set[int], split: dict[int, int]) -> set[int]:
    """Line numbers after the line ends ``split`` added (line -> how many): a line cut in several is each of them."""
    if not lines or not split:
        return lines
    out = set()
    for n in lines:
        first = n + sum(added for m, added in split.items() if m < n)
        out.update(range(first, first + split.get(n, 0) + 1))
    return out


def _whole_row(group: str, width: int, fields) -> bool:  # noqa: ANN001 - the field counter of _bare_cr_line_ends
    """A CR typed in a cell cuts one row into two pieces holding width + 1 fields together; two rows hold 2 * width.
    A piece needs width - 1 fields (a row one short still a row) only from 4 columns on, where two pieces of one
    row cannot both reach it; in 2 or 3 columns every field (one-column files: never cut). A short piece is
    joined to its neighbour only when the two hold at most width + 1 fields: a short row followed by the next
    row is two rows, not one row cut by a CR."""
    need = max(width - 1, min(width, 3), 2)
    return group.count('"') % 2 == 0 and fields(group) >= need


def _header_below_title(records: list[str], spec: SourceSpec) -> int:
    """How many of a CSV's first ``records`` are above its header: 0 when the first names enough of the catalogue's
    columns (or no record does), else the one naming most (_find_header, as a workbook's header is found): a title
    line ('DANH SÁCH HỘ GIA ĐÌNH') above it."""
    expected = set(spec.columns) | ({spec.key_column} if spec.key_column else set())
    cells = []
    for record in records:
        try:
            cells.append(_split_line(record.split("\n", 1)[0], spec.delimiter))
        except csv.Error:
            cells.append([])
    if not cells or _find_header(cells[:1], expected) is not None:
        return 0
    return _find_header(cells, expected) or 0


def _read_csv(extract: Extract, batch_rows: int) -> ReadResult:
    spec = extract.source
    text, encoding, bad_lines, legacy, truncated = _csv_text(extract)
    records = _records(text.removesuffix("\n"))
    header_at = _csv_header_line(extract, records)
    cells, rest, unreadable = _header(text, records, header_at, spec.delimiter, extract.location)
    blank = rest["text"].str.strip_chars() == ""
    if unreadable:  # the header's names cannot be told apart: every row quarantined with the reason, none lost
        frames = [
            f.with_columns(row_flags=pl.lit(HEADER_FLAG))
            for f in _problem_lines(_physical(rest.filter(~blank)), unreadable)
        ]
        rejected = f"extract rejected: {unreadable}; its {sum(f.height for f in frames)} rows are quarantined"
        return ReadResult(
            iter([]),
            [],
            encoding,
            int(blank.sum()),
            frames,
            header_problem=rejected,
            header_at=f"line {records['line'][header_at]}",
        )
    header = _unique_names(cells)
    width = len(header)
    rest = _split_suspect_records(rest.filter(~blank), width, spec.delimiter, bad_lines)
    if bad_lines:  # (nearly) every row not in the encoding: the file is in another one (a last row with no line
        whole = rest.head(-1) if truncated else rest  # end is not counted: cut inside a letter, it is a cut)
        lines_of = pl.int_ranges("line", pl.col("line") + pl.col("lines"))
        hit = whole.filter(lines_of.list.eval(pl.element().is_in(sorted(bad_lines))).list.any())["line"]
        _refuse_undecodable_rows(extract, encoding, whole.height, hit.to_list())
    rest, problems, unended = _csv_problem_lines(rest, truncated, bad_lines, encoding, width, spec.delimiter)
    frame, rest, unbalanced = _csv_fields(rest, width, spec.delimiter)
    problems.extend(unbalanced)
    if unended is not None:  # a whole last row with no line end: cut off inside its last value after all?
        frame, rest, cut = _last_value_cut(frame, rest, unended, width)
        problems.extend(cut)
        unended = None if cut else unended
    frame = frame.rename({f"c{i}": name for i, name in enumerate(header)})
    frame = frame.with_columns(
        _locators(rest["line"]),
        pl.when(rest["nfields"] < width).then(width - rest["nfields"]).otherwise(0).cast(pl.Int32).alias(SHORT),
    )
    if legacy:  # the rows read from a line in a legacy encoding (a record of several lines: any of them)
        span = pl.col("lines") if "lines" in rest.columns else pl.lit(1)  # (the tolerant path: physical lines)
        lines_of = pl.int_ranges("line", pl.col("line") + span)
        hit = rest.select(lines_of.list.eval(pl.element().is_in(sorted(legacy))).list.any()).to_series()
        frame = frame.with_columns(_legacy_marks(hit, header, legacy))
    keyed, again = _header_again(_with_keys(frame, extract), header, cells)
    read = ReadResult(iter([keyed]), problems, _with_legacy_lines(encoding, legacy), int(blank.sum()), again)
    read.legacy_lines = legacy
    read.repeated = _repeated_names(cells, header)
    read.header_at = f"line {records['line'][header_at]}"
    read.unended = (unended, width, str(cells[-1] or header[-1])) if unended is not None else None
    return read


def _csv_text(extract: Extract) -> tuple[str, str, set[int], dict[int, str], bool]:
    """(the CSV's text, its encoding as the load reports it, the lines not valid in it, the lines read in a legacy
    encoding, whether it is cut off mid-row): decoded, a double-decoded file repaired, an end-of-file mark and NUL
    padding taken off, every row ending in LF."""
    spec = extract.source
    data = extract.file.read_bytes()
    text, encoding, bad_lines, legacy = decode_file(data, spec.encoding, extract.location, legacy_lines=True)
    _require_text(data, text, extract.location)
    # A file whose every line was double-decoded (UTF-8 read as cp1252 and saved again)
    # shows it in the header already: repair the whole text the same way.
    first_line = text.split("\n", 1)[0]
    if encodings.repair_text(first_line)[1] == "mojibake":
        repaired = encodings.repair_mojibake(text)
        if repaired == text:  # a damaged line stops the whole text's repair: repair the lines around it
            repaired = _repaired_around_damage(text)
        if repaired != text:
            text, encoding = repaired, f"{encoding}+mojibake"
    text = text.replace("\n\ufeff", "\n")  # a byte order mark inside: exports joined together (kept at the start)
    eof_mark = text.endswith("\x1a")  # DOS programs ended a file with Ctrl-Z: the end of the file, not a row
    text = text.rstrip("\x1a") if eof_mark else text
    if text.endswith("\x00") and text.rstrip("\x00").endswith("\n"):  # NUL padding after the last row (a
        text = text.rstrip("\x00")  # pre-allocated file): not a row; NULs after a cut row are its truncation
    if "\n" not in text and "\r" in text:  # old Mac line ends
        text = text.replace("\r", "\n")
    elif _BARE_CR.search(text):
        text, split = _bare_cr_line_ends(text, spec.delimiter)
        bad_lines = _renumbered(bad_lines, split)
        legacy = dict.fromkeys(_renumbered(set(legacy), split), next(iter(legacy.values()), ""))
    # a file cut off mid-row (interrupted transfer): its last row is incomplete. Only whitespace after the last line
    # end (spaces or tabs an editor or a concatenation left) is no row: a blank line, the file's line end is there
    truncated = not text.endswith("\n") and not eof_mark and bool(text[text.rfind("\n") + 1 :].strip())
    return text, encoding, bad_lines, legacy, truncated


def _repaired_around_damage(text: str) -> str:
    """A double-decoded ``text`` (UTF-8 read as cp1252 and saved again) whose whole does not repair
    (encodings.repair_mojibake): a damaged byte anywhere (a line not valid UTF-8, read with U+FFFD, or a flipped
    byte leaving a sequence that is no UTF-8) left every line unrepaired, the header too, so the extract failed
    'required column(s) missing'. The text is halved until each part repairs: the parts that do are repaired, a
    line that does not is kept as it is (a line not valid in the encoding is quarantined as such; staging repairs
    what it can field by field). A few repairs per damaged line (log2 of the lines), never one per line."""
    lines = text.split("\n")

    def repaired(first: int, end: int) -> list[str]:
        part = "\n".join(lines[first:end])
        fixed = encodings.repair_mojibake(part)
        if fixed != part or end - first == 1 or part.isascii():
            return fixed.split("\n") if fixed != part else lines[first:end]
        middle = (first + end) // 2
        return repaired(first, middle) + repaired(middle, end)

    return "\n".join(repaired(0, len(lines)))


def _csv_header_line(extract: Extract, records: pl.DataFrame) -> int:
    """The record holding the CSV's header (0-based): the catalogue's header_row, past blank lines, Excel's 'sep='
    line (refused when it names another delimiter) and a title line; SourceReadError when the file ends before it."""
    spec = extract.source
    header_at = spec.header_row or 0
    while header_at < records.height - 1 and not records["text"][header_at].strip():
        header_at += 1  # blank lines before the header: a header is never blank
    excel_sep = EXCEL_SEP_LINE.match(records["text"][header_at]) if records.height > header_at + 1 else None
    if excel_sep:  # Excel's delimiter line above the header ('sep=;'): no row, the header is under it
        if excel_sep.group(1) != spec.delimiter:
            raise SourceReadError(
                f"{extract.location}: its line {records['line'][header_at]} 'sep={excel_sep.group(1)}' (Excel's "
                f"delimiter line) names the delimiter {excel_sep.group(1)!r}, the catalogue's is {spec.delimiter!r}: "
                f"declare delimiter = {json.dumps(excel_sep.group(1))} in the source's entry"
            )
        header_at += 1
        while header_at < records.height - 1 and not records["text"][header_at].strip():
            header_at += 1
    if spec.header_row is None and header_at < records.height:  # a title line above the header, as in a workbook
        header_at += _header_below_title(records["text"].slice(header_at, HEADER_SEARCH_ROWS).to_list(), spec)
    if records.height <= header_at:
        raise SourceReadError(
            f"{extract.location}: no header at line {header_at + 1} (catalogue header_row {header_at}, counted from 0): "
            f"the file has {records.height} line(s)"
        )
    return header_at


def _csv_problem_lines(
    rest: pl.DataFrame, truncated: bool, bad_lines: set[int], encoding: str, width: int, delimiter: str
) -> tuple[pl.DataFrame, list[RowProblem], int | None]:
    """(the records left, the problem rows set aside, the line of a last record with no line end read as whole or
    None): the last record of a file cut off mid-row, records of NUL bytes only, records on a line not valid in the
    file's encoding. A file with no line end after its last record is cut off there unless that record is whole
    (_whole_last_record: the header's number of fields, its quotes closed): many exporters write no final line
    end, and every CSV tool reads such a last row (the caller still looks at its last value: _last_value_cut)."""
    problems: list[RowProblem] = []
    unended = None

    def problem(mask: pl.Expr, reason: str, flag: str | None = None) -> None:
        nonlocal rest
        for line, raw in rest.filter(mask).select("line", "text").iter_rows():
            problems.append(RowProblem(f"line:{line}", reason.format(line=line), raw[:2000], flag))
        rest = rest.filter(~mask)

    if truncated and rest.height and _whole_last_record(rest.tail(1), width, delimiter, bad_lines):
        unended = int(rest["line"][-1])
    elif truncated and rest.height:
        problem(pl.int_range(pl.len()) == pl.len() - 1, "file ends mid-row on line {line} " + TRUNCATED, CUT_OFF_FLAG)
    zeroed = pl.col("text").str.contains("\x00", literal=True) & (pl.col("text").str.replace_all(r"[\x00\s]", "") == "")
    problem(zeroed, "line {line} holds only NUL bytes (a zero-filled block: a copy or write that never finished?)")
    # a zero-filled block that starts and ends inside rows joins the head of one row to the tail of another: with
    # its NULs taken out (staging's nul_removed repair) that was staged as one record of two people's values
    problem(pl.col("text").str.contains(ZERO_BLOCK, literal=True), zero_block_reason("{line}"))
    if bad_lines:
        lines_of = pl.int_ranges("line", pl.col("line") + pl.col("lines"))
        problem(
            lines_of.list.eval(pl.element().is_in(sorted(bad_lines))).list.any(),
            f"line {{line}} is not valid {encoding}",
        )
    return rest, problems, unended


def _whole_last_record(last: pl.DataFrame, width: int, delimiter: str, bad_lines: set[int]) -> bool:
    """Whether a file's ``last`` record (line, text, lines), with no line end after it, is whole as far as its text
    tells: its quotes closed, exactly the header's ``width`` fields, every byte valid in the encoding (a letter cut
    in two is a cut) and no NUL byte (NULs after a row: a write that never finished)."""
    line, text, lines = last.select("line", "text", "lines").row(0)
    if text.count('"') % 2 or "\x00" in text or bad_lines.intersection(range(line, line + lines)):
        return False
    return int(_with_field_counts(last.select("text"), delimiter)["nfields"][0]) == width


def _last_value_cut(
    frame: pl.DataFrame, rest: pl.DataFrame, line: int, width: int
) -> tuple[pl.DataFrame, pl.DataFrame, list[RowProblem]]:
    """(frame, rest, the cut row as a problem or none): a last record with no line end whose fields are whole
    (_whole_last_record) is still cut off when its last value is shorter than every other value of that column
    (a date cut to '202' among '2020-06-14's: the sample's households_767_truncated.csv); a column holding an
    empty value elsewhere tells nothing. ``line``: the record's first line (the tolerant path may have set it
    aside: then nothing to do)."""
    if not frame.height or int(rest["line"][-1]) != line:
        return frame, rest, []
    column = frame[f"c{width - 1}"]
    last, others = column[-1] or "", column.head(-1).fill_null("").str.len_chars()
    if not others.len() or len(last) >= (others.min() or 0):
        return frame, rest, []
    cut = RowProblem(
        f"line:{line}", f"file ends mid-row on line {line} {TRUNCATED}", rest["text"][-1][:2000], CUT_OFF_FLAG
    )
    return frame.head(-1), rest.head(-1), [cut]


def _csv_fields(rest: pl.DataFrame, width: int, delimiter: str) -> tuple[pl.DataFrame, pl.DataFrame, list[RowProblem]]:
    """(the records' fields as columns c0..c<width-1>, the records read with their field counts, the lines with an
    unbalanced quote as problem rows). Polars parses the records; when it cannot, or a quote is unbalanced, the
    tolerant line-by-line path does."""
    unbalanced = (rest["text"].str.count_matches('"', literal=True).sum() or 0) % 2 == 1
    rest = _with_field_counts(rest, delimiter)
    frame = None
    if not unbalanced and (rest["lines"].max() or 0) <= MAX_RECORD_LINES:
        frame = _csv_fast(rest, width, delimiter)
    problems: list[RowProblem] = []
    if frame is None:  # polars could not parse it, or a quote is unbalanced: the tolerant path
        # a record of a few lines left whole by _split_suspect_records (a cell holding a line break, its quotes
        # balanced) stays one record: split into its lines, its first was quarantined 'unbalanced quote' and the
        # rest staged as a record of the cell's next lines, keyed by its text, when a quote elsewhere was unbalanced
        long = pl.col("lines") > MAX_RECORD_LINES
        single = pl.concat(
            [rest.filter(~long).select("line", "text", "lines"), _physical(rest.filter(long)).with_columns(lines=1)],
            how="vertical_relaxed",
        ).sort("line")
        frame, unparsed = _csv_tolerant(single, width, delimiter)
        problem_lines = set(unparsed)
        for line, raw in single.filter(pl.col("line").is_in(sorted(problem_lines))).select("line", "text").iter_rows():
            problems.append(RowProblem(f"line:{line}", f"line {line} has an unbalanced quote", raw[:2000]))
        rest = _with_field_counts(single.filter(pl.col("line").is_in(frame["_kept"].to_list())), delimiter)
        frame = frame.drop("_kept")
    return frame, rest, problems


def _header_again(frame: pl.DataFrame, columns: list[str], names: list) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """(the rows, the rows that repeat the header as problem rows). Exports joined together (each with its header,
    a byte order mark before the second), or a report export repeating the header on each page, hold the header
    again among the rows: staged, it was a record whose name is 'ten_chu_ho'. A row is the header again when at
    least 80 % of the named columns (two at least) hold their own name (case, spaces and a byte order mark aside).
    ``columns``: the frame's names for the header's columns, ``names``: the header's cells, position by position."""
    pairs = [
        (c, str(n).strip().lstrip("\ufeff").lower()) for c, n in zip(columns, names, strict=False) if str(n).strip()
    ]
    pairs = [(c, n) for c, n in pairs if c in frame.columns and n]
    if len(pairs) < 2 or not frame.height:
        return frame, []
    value = [
        pl.col(c).cast(pl.String).str.strip_chars().str.strip_chars_start("\ufeff").str.to_lowercase() for c, _ in pairs
    ]
    hits = pl.sum_horizontal([(v == n).fill_null(False).cast(pl.Int32) for v, (_, n) in zip(value, pairs, strict=True)])
    mask = frame.select(hits >= max(2, -(-len(pairs) * 4 // 5))).to_series()
    if not mask.any():
        return frame, []
    reason = pl.format(
        "{}: the header again, not a record (exports joined together, or a header repeated per page)", pl.col(LINE)
    )
    return frame.filter(~mask), _problem_rows(frame.filter(mask).with_columns(pl.col(LINE).alias(KEY)), reason)


def _header(
    text: str, records: pl.DataFrame, at: int, delimiter: str, location: str
) -> tuple[list[str], pl.DataFrame, str | None]:
    """(header cells, the records after the header, why the header cannot be read or None).

    The header record as quote parity grouped it is the header when it is one (a quoted name may hold a line
    break). A quote inside a name (``so"cccd``) is a character of the name, as a tolerant reader (Python's csv,
    Excel) reads it; parity grouping would have swallowed the rows below into the header: the header is then its
    first line alone and the records are grouped again from the next line. A name that opens a quote which no
    later quote closes as a name (``so_cccd,"ho_ten,ngay_sinh``) leaves the names unknown (where does the name
    end?): ``why`` names the file, the header line and the field, and the caller quarantines every row."""
    line, record = records["line"][at], records["text"][at]
    first = record.split("\n", 1)[0]
    opened = _unclosed_field(first, delimiter, as_csv=True)
    after = records.slice(at + 1)
    if "\n" in record and opened is not None and _one_header(record, after["text"], delimiter):
        with contextlib.suppress(csv.Error):
            return _split_line(record, delimiter), after, None  # a quoted name holding a line break
    if "\n" in record or opened is not None:  # the header is its first physical line: the rows after it regrouped
        tail = text.removesuffix("\n").split("\n")[line:]
        after = _records("\n".join(tail), first_line=line + 1) if tail else records.clear()
    if opened is not None:
        why = (
            f"{location}: header line {line}, field {opened + 1} opens a quote that is never closed: the column "
            "names cannot be told apart (a stray '\"'?)"
        )
        return [], after, why
    return _split_line(first, delimiter), after, None


def _unclosed_field(line: str, delimiter: str, as_csv: bool = False) -> int | None:
    """The 0-based field of ``line`` that opens a quote (its first character) that the line never closes, else
    None. A quote inside a field is a character of it; a quote closes a field only before a delimiter or the line's
    end ('"Lê Văn,0790,"7 Pasteur' does not close the second field: where it ends is unknown). ``as_csv``: as
    Python's csv (and Excel) read it, a quote followed by other text closes the quoted part and the text joins the
    field ('"ghi chú"(cũ)' is the name 'ghi chú(cũ)'): for a header, whose names are not data."""
    field, quoted, start, i = 0, False, True, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"':
                after = line[i + 1 : i + 2]
                if after == '"':
                    i += 1  # an escaped quote
                elif after in ("", delimiter) or as_csv:
                    quoted = False
                else:
                    return field
        elif ch == delimiter:
            field, start = field + 1, True
            i += 1
            continue
        elif ch == '"' and start:
            quoted = True
        start = False
        i += 1
    return field if quoted else None


def _one_header(record: str, rows: pl.Series, delimiter: str) -> bool:
    """Whether a header record spanning lines is one header whose quoted names hold line breaks (Excel's wrapped
    header cell, Alt+Enter), not a name opening a quote that swallowed rows into it (``stt,"so_ho,ten`` ...
    ``3,x",y,z``): its quotes close within it, it has as many names as most records after it (``rows``) have fields,
    and no part of a name on a later line looks like a row (all the row's fields less one, two at least). The first
    line's own width says nothing: a break in an early name leaves most names on a later line."""
    if _unclosed_field(record.replace("\n", " "), delimiter, as_csv=True) is not None:
        return False
    try:
        names = _split_line(record, delimiter)
    except csv.Error:
        return False
    counts = Counter(_QUOTED.sub("", r).count(delimiter) + 1 for r in rows.head(2000).to_list() if r.strip())
    width = counts.most_common(1)[0][0] if counts else len(names)
    if not width - 1 <= len(names) <= width + 1:  # a trailing delimiter on the rows, or a last cell left out
        return False
    later = [part for name in names for part in name.split("\n")[1:]]
    return not any(part.count(delimiter) + 1 >= max(width - 1, 2) for part in later)


def _problem_lines(lines: pl.DataFrame, reason: str) -> list[pl.DataFrame]:
    """Physical lines (``line``, ``text``) as problem rows keyed ``line:N``, each kept whole (none if empty)."""
    if not lines.height:
        return []
    where = pl.format("line:{}", pl.col("line"))
    return [
        lines.select(
            source_key=where,
            extra_columns=pl.struct(pl.col("text").alias("_unparsed")).struct.json_encode(),
            read_problem=pl.format("{}: not read: {}", where, pl.lit(reason)),
        )
    ]


def _split_suspect_records(rest: pl.DataFrame, width: int, delimiter: str, bad_lines: set[int]) -> pl.DataFrame:
    """Multi-line records that are not one row with a multi-line cell, split back into their physical lines.

    Quote parity groups lines into records, so two unbalanced quotes would swallow the rows between them
    into one cell. A record spanning lines is kept whole only when none of its later lines looks like a
    row of its own (as many delimiters as a row has), none of its lines has undecodable bytes, and its
    quotes balance; otherwise each line is read on its own (and a line with an unbalanced quote is quarantined).
    """
    rest = rest.select("line", "text", "lines")
    if not (rest["lines"] > 1).any():
        return rest
    later_lines = pl.col("text").str.split("\n").list.slice(1)
    row_like = later_lines.list.eval(pl.element().str.count_matches(delimiter, literal=True) >= max(width - 1, 1))
    damaged = pl.int_ranges("line", pl.col("line") + pl.col("lines")).list.eval(pl.element().is_in(sorted(bad_lines)))
    odd_quotes = pl.col("text").str.count_matches('"', literal=True) % 2 == 1
    suspect = (pl.col("lines") > 1) & (row_like.list.any() | damaged.list.any() | odd_quotes)
    split = _physical(rest.filter(suspect)).with_columns(lines=pl.lit(1, dtype=pl.Int64))
    return pl.concat([rest.filter(~suspect), split.select("line", "text", "lines")]).sort("line")


def _physical(records: pl.DataFrame) -> pl.DataFrame:
    """Records split back into their physical lines (for the tolerant path)."""
    return (
        records.select(
            pl.int_ranges("line", pl.col("line") + pl.col("lines")).alias("line"), pl.col("text").str.split("\n")
        )
        .explode(["line", "text"])
        .filter(pl.col("text").str.strip_chars() != "")
    )


# --------------------------------------------------------------------------- xlsx


def _find_header(rows: list[list], expected: set[str]) -> int | None:
    """The row naming most of the ``expected`` columns (case and spacing aside: readers.column_named)."""
    best, best_hits = None, 0
    folded = {folded_name(e) for e in expected}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if isinstance(v, str) and folded_name(v) in folded)
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best_hits >= max(2, len(expected) // 2) else None


def _holds_value(reader, name: str, probe: pl.DataFrame) -> bool:  # noqa: ANN001 - a fastexcel ExcelReader
    """Whether sheet ``name`` holds a cell with a value: in its first rows (``probe``), else anywhere (read whole
    only then: the reader's range starts at a cell with a value, so a probe of blanks is rare)."""

    def any_value(frame: pl.DataFrame) -> bool:
        if not frame.width or not frame.height:
            return False
        filled = pl.any_horizontal(pl.all().cast(pl.String).str.strip_chars().fill_null("") != "")
        return bool(frame.select(filled.any()).item())

    return any_value(probe) or any_value(reader.load_sheet(name, header_row=None, dtypes="string").to_polars())


def _damaged_zip(path) -> str:  # noqa: ANN001 - Path
    """Why a workbook (a zip archive of XML parts) cannot be opened, without its contents."""
    import zipfile
    import zlib

    if not zipfile.is_zipfile(path):
        return "not a complete zip archive (an .xlsx workbook is one): cut off in transfer, or another format"
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():  # (ZipFile.testzip let a part's corrupt deflate data raise zlib.error,
                try:  # which the partition's cause named only as 'error')
                    with archive.open(info) as part:
                        while part.read(1 << 20):
                            pass
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError):  # a CRC mismatch is a BadZipFile
                    return f"its zip archive is damaged (part {info.filename})"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"its zip archive is damaged ({type(exc).__name__})"
    return "the workbook's parts are not valid xlsx"


def _read_xlsx(extract: Extract, batch_rows: int) -> ReadResult:
    from pipelines.ingest import xlsx_layout

    spec = extract.source
    expected = set(spec.columns) | ({spec.key_column} if spec.key_column else set())
    reader = _open_workbook(extract)
    scan = _scan_sheets(extract, reader, expected)
    read = _sheet_records(extract, scan)
    if not read.frames:
        _refuse_no_records(extract, reader, scan, expected)
    frame = pl.concat(read.frames, how="diagonal")
    at = ", ".join(  # the sheet row (1-based) of each sheet's header
        f"sheet {name!r} row {scan.layouts.get(name, xlsx_layout.SheetLayout()).origin[0] + header}"
        for name, header, *_ in scan.found
    )
    hidden = scan.hidden
    return ReadResult(
        iter([frame]),
        [],
        None,
        read.blank_rows,
        [*read.headers_again, *read.errors_only],
        repeated=read.repeated,
        header_at=at,
        numbers_unknown=dict(read.unknown),
        error_cells=dict(read.errors),
        hidden_sheets=[h for h in hidden if h[0] not in spec.hidden_sheets_known],
        hidden_known=[h for h in hidden if h[0] in spec.hidden_sheets_known],
        known_not_hidden=scan.not_hidden,
    )


def _open_workbook(extract: Extract):  # noqa: ANN202 - a fastexcel ExcelReader (fastexcel is imported lazily)
    """The workbook's reader; SourceReadError when it cannot be opened or lists no sheet."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(extract.file))
    except Exception as exc:  # noqa: BLE001 - the library's message may quote the sheet: say what is wrong instead
        raise SourceReadError(f"{extract.location}: cannot read as xlsx: {_damaged_zip(extract.file)}") from exc
    if not reader.sheet_names:  # a workbook holds at least one sheet: its list of sheets is damaged
        raise SourceReadError(
            f"{extract.location}: the workbook lists no sheet (its part xl/workbook.xml is damaged or cut off)"
        )
    return reader


@dataclass
class _WorkbookScan:
    """What the first pass over a workbook's sheets found (:func:`_scan_sheets`)."""

    # (sheet name, header row, its rows, its header cells, its number cells): the sheets ingested, in workbook order
    found: list[tuple] = field(default_factory=list)
    holding: list[str] = field(default_factory=list)  # a sheet holding a value (told apart from a workbook of none)
    layouts: dict = field(
        default_factory=dict
    )  # sheet name -> SheetLayout, of the sheets ingested only (others may be large)
    hidden: list[tuple[str, str, int | None]] = field(default_factory=list)  # (name, state, rows with a value)
    hidden_with_header: list[str] = field(default_factory=list)  # hidden, naming the expected columns
    not_hidden: list[str] = field(default_factory=list)  # hidden_sheets_known that are absent or visible, said


def _scan_sheets(extract: Extract, reader, expected: set[str]) -> _WorkbookScan:  # noqa: ANN001 - an ExcelReader
    """Every sheet probed (its first 40 rows) for the expected header; the sheets holding it loaded whole, with their
    layout (merged cells, error cells) and number cells; hidden sheets and notes sheets noted, not read."""
    from pipelines.ingest import xlsx_layout

    spec = extract.source
    scan = _WorkbookScan(
        not_hidden=[f"{n!r} (no such sheet)" for n in spec.hidden_sheets_known if n not in reader.sheet_names]
    )
    with xlsx_layout.WorkbookLayouts(extract.file) as workbook:  # opened once for every sheet's layout
        for name in reader.sheet_names:
            try:
                loaded = _scan_sheet(reader, workbook, name, spec, expected, scan)
            except Exception as exc:  # noqa: BLE001 - the library's message may quote cells: the sheet and type only
                raise SourceReadError(
                    f"{extract.location}: sheet {name!r} is damaged or cut off ({type(exc).__name__}): "
                    "its rows cannot be read"
                ) from exc
            if loaded is not None:
                header, sheet, cells, placed = loaded
                scan.found.append((name, header, sheet, cells, xlsx_number_cells(reader, name, header, sheet, placed)))
    if spec.header_row is not None and len(scan.found) > 1:
        # header_row is taken on every visible sheet: one whose row there names no expected column beside one that
        # has the header (a clerk's notes sheet) is not records, as it is not without header_row. Before, its row
        # there became column names (a name in the note's extra columns) and its lines records, quarantined.
        folded = {folded_name(e) for e in expected}
        named = [f for f in scan.found if any(isinstance(v, str) and folded_name(v) in folded for v in f[3])]
        scan.found = named if any(_find_header([list(f[3])], expected) is not None for f in named) else scan.found
    return scan


def _scan_sheet(
    reader,  # noqa: ANN001 - a fastexcel ExcelReader
    workbook,  # noqa: ANN001 - an xlsx_layout.WorkbookLayouts
    name: str,
    spec: SourceSpec,
    expected: set[str],
    scan: _WorkbookScan,
) -> tuple[int, pl.DataFrame, list, list[int]] | None:
    """One sheet probed and noted in ``scan``. When it is ingested: (header row, the sheet loaded below it, its header
    cells, the loaded columns' positions); None for a hidden sheet or one without the expected header."""
    probed = reader.load_sheet(name, header_row=None, n_rows=40, dtypes="string")
    probe = probed.to_polars()
    rows = [list(r) for r in probe.rows()]
    header = spec.header_row if spec.header_row is not None else _find_header(rows, expected)
    known = name in spec.hidden_sheets_known
    if probed.visible != "visible" and (known or not spec.read_hidden_sheets):
        from pipelines.ingest import xlsx_layout

        # a clerk's scratch or lookup sheet nobody opening the file sees: not records (named in the note)
        scan.hidden.append(
            (name, xlsx_layout.SHEET_STATES.get(str(probed.visible), "hidden"), rows_holding(reader, name))
        )
        if _find_header(rows, expected) is not None and not known:
            scan.hidden_with_header.append(name)
        return None
    if known:  # visible: read as any sheet, said
        scan.not_hidden.append(f"{name!r} (visible: read as any sheet)")
    if header is None:
        if not scan.holding and _holds_value(reader, name, probe):
            scan.holding.append(name)
        return None  # a notes sheet, not data
    scan.holding.append(name)
    layout = workbook.layout(name)
    if layout is not None:
        scan.layouts[name] = layout
    rows = _merged_down(rows, scan.layouts.get(name))  # a two-row header: its lower row names every column
    if spec.header_row is None:
        header = _find_header(rows, expected)
    loaded = reader.load_sheet(name, header_row=header, dtypes="string")
    sheet, placed = loaded.to_polars(), [c.absolute_index for c in loaded.available_columns()]
    cells = rows[header] if header < len(rows) else []
    merged_names = header < probe.height and cells != list(probe.row(header))
    if merged_names and len(cells) == sheet.width:  # names merged down from above
        sheet.columns = _unique_names(
            [
                c if p in (None, "") and c not in (None, "") else n
                for c, p, n in zip(cells, probe.row(header), sheet.columns, strict=True)
            ],
            clean=False,
        )
    return header, sheet, cells, placed


@dataclass
class _SheetRecords:
    """The records of a workbook's ingested sheets and what reading them counted (:func:`_sheet_records`)."""

    frames: list[pl.DataFrame] = field(default_factory=list)  # each sheet's non-blank rows, keyed
    blank_rows: int = 0
    repeated: dict = field(default_factory=dict)  # header names repeated (as ReadResult.repeated)
    headers_again: list = field(default_factory=list)  # the header repeated as a row (problem rows)
    errors_only: list[pl.DataFrame] = field(default_factory=list)  # rows whose only values are Excel-error cells
    unknown: Counter = field(default_factory=Counter)  # column -> number cells whose form is not told
    errors: Counter = field(default_factory=Counter)  # column -> cells holding an Excel error


def _sheet_records(extract: Extract, scan: _WorkbookScan) -> _SheetRecords:
    """Each ingested sheet's rows with their line (sheet!row:N), numeric and Excel-error marks, blank rows counted
    and left out, rows of Excel errors only and repeated headers set aside as problem rows, keys numbered on."""
    from pipelines.ingest import xlsx_layout

    read = _SheetRecords()
    offset = 0
    for name, header, sheet, cells, (numbers, not_told) in scan.found:
        # a header cell named like a reader's own column ('_line', '_source_key'...) is renamed as in CSV
        sheet.columns = _unique_names(sheet.columns, clean=False)
        read.unknown.update({sheet.columns[i]: n for i, n in not_told.items()})
        if len(cells) == sheet.width:  # the workbook's names, position by position
            read.repeated.update(_repeated_names([str(c) if c is not None else "" for c in cells], sheet.columns))
        layout = scan.layouts.get(name, xlsx_layout.SheetLayout())
        first = layout.origin[0] + header + 1  # the sheet row (1-based) of the first data row
        _refuse_wide_header(extract, name, sheet, layout, first - 1)
        # column position -> data rows of cells holding an Excel error (read as empty): counted, said in the
        # partition's note, and named in the row's reasons
        failed = {
            j: [row - first for row in at]
            for j, at in layout.errors_by_column(first, sheet.height, sheet.width).items()
        }
        read.errors.update({sheet.columns[j]: len(at) for j, at in failed.items()})
        sheet = fill_merged_down(sheet, layout, first)
        sheet = sheet.with_columns(
            pl.format("{}!row:{}", pl.lit(name), pl.int_range(first, first + sheet.height)).alias(LINE),
            _numeric_marks(numbers, sheet.columns),
            _error_marks(failed, sheet.columns, sheet.height),
        )
        marks = (LINE, NUMERIC, EXCEL_ERROR)
        empty = pl.all_horizontal(
            pl.exclude(marks).is_null() | (pl.exclude(marks).cast(pl.String).str.strip_chars() == "")
        )
        # a row whose only values are Excel-error cells was there (formulas that failed): not a blank row, but
        # nothing of it can be read: quarantined whole with the reason, keyed by its place in the sheet
        erred = pl.col(EXCEL_ERROR).is_not_null()
        read.blank_rows += sheet.filter(empty & ~erred).height
        read.errors_only.extend(
            _problem_rows(sheet.filter(empty & erred).with_columns(pl.col(LINE).alias(KEY)), _ERRORS_ONLY)
        )
        sheet = sheet.filter(~empty)
        keyed, again = _header_again(_with_keys(sheet, extract, offset), sheet.columns, [str(c or "") for c in cells])
        read.frames.append(keyed)
        read.headers_again.extend(again)
        offset += sheet.height
    return read


def _refuse_no_records(extract: Extract, reader, scan: _WorkbookScan, expected: set[str]) -> NoReturn:  # noqa: ANN001
    """SourceReadError saying why no sheet gave records: the header on hidden sheets only, a workbook of Excel errors
    only, a workbook holding no value, or no sheet with the expected header."""
    from pipelines.ingest import xlsx_layout

    spec, hidden = extract.source, scan.hidden
    skipped = hidden_words(hidden)
    if scan.hidden_with_header:
        raise SourceReadError(
            f"{extract.location}: the expected header is on hidden sheets only ("
            + ", ".join(_hidden_words(h) for h in hidden if h[0] in scan.hidden_with_header)
            + "): a hidden sheet is not read as records (a clerk's scratch or lookup sheet nobody opening the file "
            f"sees); if it holds the registry's rows, unhide it in Excel or set read_hidden_sheets = true on source "
            f"{spec.id} (catalogue {spec.catalogue_file.name}). Nothing of the partition is written by this run"
        )
    if not scan.holding and not any(n for *_, n in hidden):
        n = len(reader.sheet_names)
        sheets = ", ".join(map(repr, reader.sheet_names[:5])) + (", ..." if n > 5 else "")
        with xlsx_layout.WorkbookLayouts(extract.file) as workbook:  # cells holding an error are not nothing
            failed = sum(len(layout.errors) for name in reader.sheet_names if (layout := workbook.layout(name)))
        if failed:
            raise SourceReadError(
                f"{extract.location}: the workbook holds no value but {failed:,} cell{'s' if failed > 1 else ''} "
                "holding an Excel error (a formula that failed: #REF!, #N/A..., or was never calculated), read as empty, in "
                + (f"its sheet {sheets}" if n == 1 else f"its {n} sheets ({sheets})")
                + ": no row can be read; correct the formulas in the workbook and load it again. Nothing of the "
                "partition is written by this run, its ingest status says failed"
            )
        raise SourceReadError(
            f"{extract.location}: the workbook holds no data: "
            + (f"its sheet {sheets} has no cell" if n == 1 else f"none of its {n} sheets ({sheets}) has a cell")
            + " with a value (an export that stopped before writing its rows, or the wrong file?). No row to "
            "read, so none lost: nothing of the partition is written by this run, its ingest status says failed"
        )
    raise SourceReadError(
        f"{extract.location}: no sheet has the expected header (looked for {sorted(expected)[:5]}... in the first "
        f"{HEADER_SEARCH_ROWS} rows of each sheet; a header lower down needs the catalogue's header_row)"
        + (f"; hidden sheets are not read: {skipped}" if hidden else "")
    )


def rows_holding(reader, name: str) -> int | None:  # noqa: ANN001 - a fastexcel ExcelReader
    """How many rows of sheet ``name`` hold a value (None: the sheet cannot be read; it is not read as records)."""
    try:
        frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception:  # noqa: BLE001 - a damaged sheet that is not read: its rows are not counted, the others are read
        return None
    if not frame.width or not frame.height:
        return 0
    filled = pl.any_horizontal(pl.all().cast(pl.String).str.strip_chars().fill_null("") != "")
    return int(frame.select(filled.sum()).item())


def hidden_words(sheets: list[tuple[str, str, int | None]]) -> str:
    """The hidden sheets not read, as notes say them: "'Nhap' (hidden, 3 rows), 'Tra cuu' (very hidden, 1 row)"."""
    return ", ".join(_hidden_words(s) for s in sheets)


def _hidden_words(sheet: tuple[str, str, int | None]) -> str:
    name, state, rows = sheet
    held = "rows not counted: the sheet cannot be read" if rows is None else f"{rows:,} row{'s' * (rows != 1)}"
    return f"{name!r} ({state}, {held})"


# the reason of a workbook row whose only values are Excel-error cells (readers._read_xlsx): its place, the columns
_ERRORS_ONLY = pl.format(
    "{}: not read: the row's only values are Excel errors (a formula that failed: #REF!, #N/A..., or was never "
    "calculated), in {}: nothing "
    "of it can be read; correct the formulas in the workbook and load it again",
    pl.col(LINE),
    pl.col(EXCEL_ERROR).list.join(", "),
)


def xlsx_number_cells(
    reader,  # noqa: ANN001 - a fastexcel ExcelReader
    name: str,
    header: int | None,
    sheet: pl.DataFrame,
    placed: list[int],
) -> tuple[dict[int, pl.Series], dict[int, int]]:
    """Which cells of ``sheet`` (the sheet read as text) the workbook holds as numbers: column position -> bool per
    row. A number cell has lost an ID's leading zeros ('079080123456' typed into Excel is 79080123456), which
    staging puts back only where the reader says the cell was a number (standardise.check_personal_id).

    Only columns with a value that may be an ID a number cell cut short are looked at: 8 digits or more, the first not
    0 (a number cell reads as its digits, never with a leading 0; a text cell keeping its 0 needs no mark). The sheet
    is read again for them as booleans: the reader (calamine) turns a number cell into true/false and leaves a text cell
    empty, whatever the text says ('079...', 'true'); a boolean cell, the only other cell read so, reads 'true' or
    'false' as text and is not marked.

    Returns (the marks, {}); when the second read fails or does not line up (the file replaced while it was read: the
    library reads the file again), ({}, column position -> how many of its cells may be such numbers): no cell is
    marked, the values stay as written, and the caller counts them (``ReadResult.numbers_unknown``), never silent."""
    if not sheet.width or not sheet.height:
        return {}, {}
    maybe = sheet.select(pl.all().cast(pl.String).str.contains(r"^[1-9]\d{7,}$").sum()).row(0)
    columns = [i for i, n in enumerate(maybe) if n]
    if not columns:
        return {}, {}
    not_told = {i: int(maybe[i]) for i in columns}
    try:
        # use_columns takes a column's place in the SHEET (A = 0), not in the table: a table right of column A was
        # read from the wrong columns (a failed read, or the marks of the column to the left). ``placed``: the sheet
        # places of ``sheet``'s columns, as its read gave them
        if len(placed) != sheet.width:
            return {}, not_told
        absolute = [placed[i] for i in columns]
        typed = reader.load_sheet(name, header_row=header, use_columns=absolute, dtypes="boolean").to_polars()
    except Exception:  # noqa: BLE001 - no mark, counted by the caller
        return {}, not_told
    if typed.height != sheet.height or typed.width != len(columns):
        return {}, not_told
    marks = {
        i: typed.to_series(k).is_not_null() & ~sheet.to_series(i).is_in(["true", "false"]).fill_null(False)
        for k, i in enumerate(columns)
    }
    return marks, {}


def _numeric_marks(numbers: dict[int, pl.Series], names: list[str]) -> pl.Expr:
    """``NUMERIC`` from per-column masks of number cells (column position -> bool per row: :func:`xlsx_number_cells`,
    :func:`_json_numbers`), named with the frame's column names (``names``)."""
    return number_marks([pl.when(pl.lit(mask)).then(pl.lit(names[i])) for i, mask in numbers.items()])


def _error_marks(failed: dict[int, list[int]], names: list[str], height: int) -> pl.Expr:
    """``EXCEL_ERROR`` from column position -> the rows (0-based) whose cell holds an Excel error: per row the
    columns' names as a list, null when none."""
    import numpy as np

    marked = []
    for i, rows in failed.items():
        mask = np.zeros(height, dtype=bool)
        mask[rows] = True
        marked.append(pl.when(pl.lit(pl.Series(mask))).then(pl.lit(names[i])))
    if not marked:
        return pl.lit(None, dtype=pl.List(pl.String)).alias(EXCEL_ERROR)
    listed = pl.concat_list(marked).list.drop_nulls()
    return pl.when(listed.list.len() > 0).then(listed).alias(EXCEL_ERROR)


def _cell_ref(row: int, column: int) -> str:
    """1-based (row, column) -> 'E1'."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _merged_down(rows: list[list], layout) -> list[list]:  # noqa: ANN001 - xlsx_layout.SheetLayout or None
    """The first rows of a sheet with each cell merged down over rows (a two-row header: 'Họ tên' merged over rows 1-2
    beside 'Địa chỉ' over 'Số nhà' | 'Phường' in row 2) given to the rows below it in its range, so the lower header
    row names every column; before, it named the address parts only and the extract failed ('address' missing),
    with no header_row that could read it."""
    if layout is None or not layout.merges:
        return rows
    rows = [list(r) for r in rows]
    top, left = layout.origin
    for row1, row2, col1, _ in layout.merges:
        first, column = row1 - top, col1 - left
        if row2 <= row1 or not (0 <= first < len(rows) and 0 <= column < len(rows[first])):
            continue
        for below in range(first + 1, min(row2 - top + 1, len(rows))):
            if column < len(rows[below]) and rows[below][column] in (None, ""):
                rows[below][column] = rows[first][column]
    return rows


def _refuse_wide_header(extract: Extract, sheet_name: str, sheet: pl.DataFrame, layout, header_row: int) -> None:  # noqa: ANN001
    """A mapped header cell merged across columns (a two-row header: 'dia_chi' over 'so_nha' | 'phuong') whose other
    columns hold values fails the extract: those columns have no name, the mapped field would get the first column's
    part only (an address without its ward) and the rest would pass as an unnamed extra column. Names the file,
    sheet, cell range, column and what to do; never a value."""
    spec = extract.source
    mapped = {*spec.columns, *([spec.key_column] if spec.key_column else [])}
    for row1, row2, col1, col2 in layout.merges:
        first = col1 - layout.origin[1]
        if not row1 <= header_row <= row2 or col2 <= col1 or not 0 <= first < sheet.width:
            continue
        name = sheet.columns[first]
        covered = sheet.columns[first + 1 : col2 - layout.origin[1] + 1]
        if name not in mapped or not covered:
            continue
        held = sheet.select(pl.any_horizontal(pl.col(c).cast(pl.String).str.strip_chars() != "" for c in covered))
        if held.to_series().fill_null(False).any():
            cells = f"{_cell_ref(row1, col1)}:{_cell_ref(row2, col2)}"
            raise SourceReadError(
                f"{extract.location}: sheet {sheet_name!r}: the header cell {name!r} is merged over {cells}, and the "
                f"{len(covered)} column(s) under it after the first hold values but have no name: {name!r} would "
                "get the first column's part only. Unmerge the header cell and name each column (then map them, e.g. "
                "to the address parts street_address / ward / district / province)"
            )


def fill_merged_down(sheet: pl.DataFrame, layout, first: int) -> pl.DataFrame:  # noqa: ANN001 - xlsx_layout.SheetLayout
    """Data cells under a merged cell given its value: a range merged down rows of the data (an address over a
    household's members) holds its value in its top-left cell only, the rows below read empty. Filled in the
    range's first column only, and only where the cell is empty; ranges above the data (titles) are left."""
    import numpy as np

    sources: dict[int, np.ndarray] = {}
    for row1, row2, col1, _ in layout.merges:
        column = col1 - layout.origin[1]
        top, bottom = row1 - first, min(row2 - first, sheet.height - 1)
        if top < 0 or bottom <= top or not 0 <= column < sheet.width:
            continue
        if column not in sources:  # (setdefault would build a full-height array for every merged range)
            sources[column] = np.arange(sheet.height)
        index = sources[column]
        index[top + 1 : bottom + 1] = top
    if not sources:
        return sheet
    fills = []
    for column, index in sources.items():
        name = sheet.columns[column]
        fills.append(pl.coalesce(pl.col(name), pl.col(name).gather(pl.Series(index))).alias(name))
    return sheet.with_columns(fills)


# --------------------------------------------------------------------------- jsonl


class _Written:
    """A JSON number read with the text it was written as (json.loads' parse_int / parse_float give the text)."""

    text: str

    def __new__(cls, text: str) -> _Written:
        number = super().__new__(cls, text)  # int's or float's
        number.text = text
        return number


class _JsonInt(_Written, int):
    """A JSON integer and its text."""


class _JsonFloat(_Written, float):
    """A JSON number with a fraction or an exponent and its text."""


class _JsonLongInt:
    """A JSON integer of more digits than Python turns into an int (sys.get_int_max_str_digits: 4,300 by default):
    its text only. Kept as written, as every JSON number is (raw holds the text), and as `wardbridge resolve` keeps
    it; before, its line was quarantined with Python's 'Exceeds the limit (4300 digits) for integer string
    conversion' message."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _json_int(text: str) -> _JsonInt | _JsonLongInt:
    """json.loads' parse_int: the integer and its text, or its text alone when Python will not convert it."""
    try:
        return _JsonInt(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        return _JsonLongInt(text)


def _json_text(value) -> str | None:
    """A top-level JSON value's text in raw: a string as it is, a number as its token was written (made the same
    text whichever path read it by :func:`_json_number_texts`), anything else (true, a list) as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _JsonInt | _JsonFloat | _JsonLongInt):
        return value.text
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError):  # a number no float holds inside (1e400: json.dumps wrote Infinity, no JSON), or
        return _json_as_written(value)  # an integer no int holds (_JsonLongInt, which json.dumps refuses): as written


def _json_as_written(value) -> str:  # noqa: ANN001 - a json.loads value
    """A nested JSON value's text as json.dumps writes it, but a number no float holds (a float read as infinity) as
    its token was written."""
    if isinstance(value, _JsonFloat) and value - value != 0 or isinstance(value, _JsonLongInt):  # inf - inf is nan
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(map(_json_as_written, value)) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_json_as_written(v)}" for k, v in value.items())
            + "}"
        )
    return json.dumps(value, ensure_ascii=False)


def _exponent_number_text(token: str) -> str:
    """A JSON number written with an exponent: its integer text where it is a whole number of at most 40 digits
    (1e3 -> 1000, 7.908012345E10 -> 79080123456, 0.5e1 -> 5), else the token as written (1.5e-7, 1e300)."""
    found = re.fullmatch(r"(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)", token)
    if found is None:
        return token
    sign, whole, fraction, exponent = found.group(1), found.group(2), found.group(3) or "", int(found.group(4))
    digits = (whole + fraction).rstrip("0")
    point = len(whole) + exponent  # where the decimal point falls in ``digits``
    if not digits.strip("0"):
        return sign + "0"
    if point < len(digits) or point > 40:
        return token
    return sign + (digits + "0" * (point - len(digits))).lstrip("0")


def _json_number_texts(tokens: pl.Series) -> pl.Series:
    """The raw text of JSON numbers from the tokens the file wrote (``tokens``; null stays null), the same whichever
    path read the file: an integer-valued number as its integer text (79080123456.0 -> 79080123456, 1e3 -> 1000:
    an ID a writer held as a float), a real fraction as written (1.50, 1.5e-7). Worked on the digits, never through
    a float (12345678901234567.0 keeps its last digit); exponent forms on their distinct tokens."""
    exponents = tokens.filter(tokens.str.contains("[eE]")).unique().to_list()
    t = pl.col("t")
    plain = pl.when(t.str.contains(r"^-?\d+\.0+$")).then(t.str.replace(r"\.0+$", "")).otherwise(t)
    text = (
        pl.when(t.is_in(exponents)).then(t.replace({e: _exponent_number_text(e) for e in exponents}))
        if exponents
        else None
    )
    out = (text.otherwise(plain) if text is not None else plain).alias(tokens.name)
    return pl.DataFrame({"t": tokens}, schema={"t": pl.String}).select(out).to_series()


_REGEX_META = set("\\.+*?()|[]{}^$#&-~")  # escaped in a key put in a regex


def _json_key_value(key: str) -> str:
    """A regex finding ``key``'s number token in a JSON object line (group 1): the key written as JSON writes it
    (UTF-8 or \\u escapes), after '{' or ',' (so never inside a string: a quote there is escaped)."""
    forms = {json.dumps(key, ensure_ascii=False), json.dumps(key)}
    keys = "|".join("".join("\\" + c if c in _REGEX_META else c for c in form) for form in forms)
    return r"[{,]\s*(?:" + keys + r")\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"


def _json_written_numbers(frame: pl.DataFrame, lines: pl.Series, numbers: dict[int, pl.Series]) -> pl.DataFrame:
    """``frame`` (Polars' read of the JSON ``lines``, one row per line) with its number cells (``numbers``) as
    written (:func:`_json_number_texts`) instead of Polars' text of them (79080123456.0 read into a column of
    numbers reads '79080123456.0', into a column of numbers and strings '79080123456'; 1.50 '1.5';
    12345678901234567.0 '12345678901234568'). Every column as text. Raises when a number's token is not found on its
    line (the caller then reads the lines one by one)."""
    columns = []
    for i, name in enumerate(frame.columns):
        cell = pl.col(name).cast(pl.String)
        if i in numbers:
            tokens = lines.str.extract(_json_key_value(name), 1)
            if (numbers[i] & tokens.is_null()).any():
                raise ValueError(f"a number of column {i + 1} is not found as written")
            cell = pl.when(pl.lit(numbers[i])).then(pl.lit(_json_number_texts(tokens))).otherwise(cell)
        columns.append(cell.alias(name))
    return frame.select(columns)


def _json_number(value) -> bool:  # noqa: ANN001 - a json.loads value
    """Whether a JSON value is a number (23456789, 1.5; not true/false, which Python holds as ints)."""
    return isinstance(value, int | float | _JsonLongInt) and not isinstance(value, bool)


# a JSON number as Polars writes one read into a text column (a column of numbers and strings is read as text)
_JSON_NUMBER_TEXT = r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$"


def _json_numbers(frame: pl.DataFrame, body: bytes) -> dict[int, pl.Series]:
    """Which cells of ``frame`` (Polars' read of the JSON lines ``body``, types inferred) were JSON numbers: column
    position -> bool per row, like :func:`xlsx_number_cells` for XLSX. A number has lost an ID's leading zeros (the CMND
    023456789 written as 23456789), which staging puts back only where the reader says the cell was a number. A
    column read as numbers: its non-null cells. A column read as text holding some text a number reads as (numbers
    and strings mixed: Polars reads both as text, '23456789' either way): the lines read again for those columns as
    numbers, where a string is null (never parsed into a number) and a number is not. A column of true/false or of
    text alone: no mark. Raises when the second read fails (the caller then reads the lines one by one, where each
    value's type is known: never an unmarked number)."""
    numbers = {i: frame.to_series(i).is_not_null() for i, dtype in enumerate(frame.dtypes) if dtype.is_numeric()}
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    if texts:
        hits = frame.select(pl.col(texts).str.contains(_JSON_NUMBER_TEXT).any()).row(0)
        mixed = [c for c, hit in zip(texts, hits, strict=True) if hit]
        if mixed:
            typed = pl.read_ndjson(io.BytesIO(body), schema=dict.fromkeys(mixed, pl.Float64), ignore_errors=True)
            if typed.height != frame.height:
                raise ValueError("the second read of the number values does not line up")
            numbers.update({frame.get_column_index(c): typed[c].is_not_null() for c in mixed})
    return numbers


def _pairs_noting_repeats(repeats: list[str]):  # noqa: ANN202 - a json object_pairs_hook
    """A ``json.loads`` object hook (:func:`json_object_pairs`) that notes in ``repeats`` that an object repeats a
    key (the caller names where: :func:`repeated_key_paths`)."""

    def hook(pairs: list[tuple[str, object]]) -> dict:
        found = json_object_pairs(pairs)
        if isinstance(found, RepeatedKeys):
            repeats.append("")
        return found

    return hook


def _repeat_reason(line: int, paths: list[str]) -> str:
    paths = list(dict.fromkeys(paths))  # a key two objects of the line repeat: named once
    named = ", ".join(paths)
    return f"line {line}: key{'s' if len(paths) > 1 else ''} {named} more than once (which value is meant is unknown)"


def _lines_repeating_keys(lines: pl.DataFrame, frame: pl.DataFrame) -> dict[int, list[str]]:
    """line -> key paths it repeats, for the lines polars read (``frame``, one row per line of ``lines``). Column-wise
    first: a line with more ``"key":`` than non-null values read is parsed again in Python (explicit nulls are not
    subtracted: a key repeated with a null second value leaves polars one value fewer than keys all the same)."""
    keys = pl.col("text").str.count_matches(r'"\s*:')
    values = frame.select(pl.sum_horizontal(pl.all().is_not_null()).alias("values"))
    suspects = lines.hstack(values).filter(keys > pl.col("values"))
    out = {}
    for n, line in suspects.select("line", "text").iter_rows():
        repeats: list[str] = []
        value = json.loads(line, object_pairs_hook=_pairs_noting_repeats(repeats), parse_int=_json_int)
        if repeats:
            out[n] = repeated_key_paths(value)
    return out


def _json_objects(line: str, repeats: list[str]) -> list:
    """The JSON values of one line: one, or several written back to back ('{...}{...}': a writer that forgot the
    line end); a comma after it (a JSON array's element line, '{...},') is not part of it. ``repeats`` receives the
    key paths each object repeats (:func:`repeated_key_paths`: a nested object's too). Raises ValueError."""
    values = _json_values(line, repeats)
    if repeats:
        repeats[:] = [p for value in values for p in repeated_key_paths(value)]
    return values


def _json_values(line: str, repeats: list[str]) -> list:
    if deep_at(line) is not None:  # (json.loads would raise RecursionError, Polars' reader crash)
        raise ValueError(TOO_DEEP)
    hook = _pairs_noting_repeats(repeats)
    text = line.strip()
    text = text[:-1].rstrip() if text.endswith(",") else text
    try:
        return [json.loads(text, object_pairs_hook=hook, parse_int=_json_int, parse_float=_JsonFloat)]
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise
    repeats.clear()  # the first object's repeats were noted before the extra data stopped json.loads: read again
    decoder, values, pos = json.JSONDecoder(object_pairs_hook=hook, parse_int=_json_int, parse_float=_JsonFloat), [], 0
    while pos < len(text):
        value, pos = decoder.raw_decode(text, pos)
        values.append(value)
        while pos < len(text) and text[pos] in " \t\r,":  # a bare CR between objects: a row end among LF ones
            pos += 1
    return values


def _json_kind(value: object) -> str:
    """What a JSON value that is not an object is ('a list', 'a string', 'a number'): never the value itself."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | _JsonLongInt):
        return "a number"
    return "null" if value is None else type(value).__name__


def _json_error_cause(exc: ValueError, line: str) -> str:
    """Why a JSON line is not read, with where on the line the parser stopped ('Unterminated string starting at
    column 44', 'Expecting ',' delimiter at column 20'): json's own message without its position reads cut off, and
    its full message counts the stripped text. A position, never the text."""
    if not isinstance(exc, json.JSONDecodeError):
        return str(exc)
    column = exc.pos + len(line) - len(line.lstrip()) + 1  # on the file's line, before _json_objects stripped it
    return f"{exc.msg} column {column}" if exc.msg.endswith(" at") else f"{exc.msg} at column {column}"


def _cut_off(lines: pl.DataFrame, bad_lines: set[int]) -> bool:
    """Whether the last of a JSON lines file's ``lines`` (its file ends with no line end) is not whole: its bytes
    are not valid in the encoding (a character cut in two) or it is not JSON. A last line that is whole JSON is
    a row (a writer that ends without a line end); any JSON value counts as whole (not an object: said so later)."""
    n, line = lines.row(-1)
    if n in bad_lines:
        return True
    try:
        _json_objects(line, [])
    except ValueError:
        return True
    return False


def _read_jsonl(extract: Extract, batch_rows: int) -> ReadResult:
    text, encoding, bad_lines, legacy, eof_mark = _jsonl_text(extract)
    array = text.lstrip().startswith("[")
    text, unclosed = _without_array_brackets(text)
    lines = (
        pl.DataFrame({"text": text.split("\n")})
        .with_row_index("line", offset=1)
        .with_columns(pl.col("line").cast(pl.Int64))
    )
    blank = lines["text"].str.strip_chars() == ""
    lines = lines.filter(~blank)
    if bad_lines:  # (nearly) every line not in the encoding: the file is in another one (a last line with no line
        whole = lines if eof_mark or text.endswith("\n") else lines.head(-1)  # end not counted: a cut, if any)
        _refuse_undecodable_rows(extract, encoding, whole.height, [n for n in whole["line"] if n in bad_lines])
    problems = []
    if not eof_mark and not text.endswith("\n") and lines.height > 1 and _cut_off(lines, bad_lines):
        n, line = lines.row(-1)  # a file cut off mid-line (interrupted transfer), as a CSV's last row (_read_csv)
        problems.append(
            RowProblem(f"line:{n}", f"file ends mid-row on line {n} {TRUNCATED}", line[:2000], CUT_OFF_FLAG)
        )
        lines = lines.head(-1)
    # a string holding half of a character (a lone surrogate escape) was read by Polars as a NUL, then staged as a
    # 'nul_removed' repair: such a file is read line by line, the line quarantined (_json_values)
    halves = SURROGATE_ESCAPE.search(text) is not None
    frame, numbers = (None, {}) if bad_lines or halves else _jsonl_by_polars(lines)
    if frame is not None and frame.width:  # lines that repeat a key: polars kept one of the values
        frame, lines, numbers, repeated = _without_repeated_keys(frame, lines, numbers)
        problems += repeated
    if frame is None:
        rows, kept, numeric, named, first, unread = _json_line_objects(lines, bad_lines, encoding, halves)
        problems += unread
        if not rows and array:
            raise SourceReadError(
                f"{extract.location}: the file is one JSON array (a .json document), not JSON lines (one object "
                f"per line): export it as JSON lines, or convert it (jq -c '.[]')"
            )
        if not rows and named:  # the lines that are objects all quarantined for a repeated key: its keys the columns
            columns = list(named)
            frame = pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
            frame = frame.with_columns(_locators(pl.Series("line", [], dtype=pl.Int64)))
            return ReadResult(iter([_with_keys(frame, extract)]), problems, encoding, int(blank.sum()))
        if not rows:  # not one line is a record: the file is not JSON lines (a CSV, a JSON array...)
            raise SourceReadError(
                f"{extract.location}: none of its {len(problems)} lines is a JSON object ({first}); "
                f"is the source's format right?"
            )
        frame, lines, numbers = _json_rows_frame(rows, kept, numeric)
    frame = frame.select(pl.all().cast(pl.String))
    frame = frame.rename(dict(zip(frame.columns, _unique_names(frame.columns), strict=True)))
    if not frame.width:  # every object read is empty ({}): a frame of no column has no rows, the lines are kept
        frame = _locators(lines["line"]).to_frame()
    else:
        frame = frame.with_columns(_locators(lines["line"]), _numeric_marks(numbers, frame.columns))
        if legacy:
            hit = lines["line"].is_in(sorted(legacy))
            frame = frame.with_columns(_legacy_marks(hit, [c for c in frame.columns if c not in INTERNAL], legacy))
    read = ReadResult(
        iter([_with_keys(frame, extract)]), problems, _with_legacy_lines(encoding, legacy), int(blank.sum())
    )
    read.legacy_lines = legacy
    read.unclosed_array = unclosed
    return read


def _without_array_brackets(text: str) -> tuple[str, int | None]:
    """A JSON array written one object per line ('[{...},' / '{...},' / '{...}]', or '[' and ']' on lines of their own)
    with its brackets blanked out, so that its first and last objects are read as the lines between them are (before,
    HR1: both were quarantined 'not a JSON object: Expecting ...'). Only when the array spans lines and its first line
    opens an object (a one-line array is refused as a .json document; the lines keep their numbers). Returns the text
    and, for such an array whose ']' never comes (cut off after a whole line?), the line number of its last line."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start >= end or text[start] != "[" or "\n" not in text[start:end].strip():
        return text, None
    first_end = text.find("\n", start)
    if not text[start + 1 : first_end].lstrip().startswith("{") and text[start + 1 : first_end].strip():
        return text, None
    last_start = text.rfind("\n", 0, end) + 1
    last = text[last_start:end]
    closes = text[end - 1] == "]" and (last.strip() == "]" or last.rstrip()[:-1].rstrip().endswith("}"))
    text = text[:start] + " " + text[start + 1 :]
    if closes:
        return text[: end - 1] + " " + text[end:], None
    return text, text.count("\n", 0, last_start) + 1


def _jsonl_text(extract: Extract) -> tuple[str, str, set[int], dict[int, str], bool]:
    """(the JSON lines file's text, its encoding as the load reports it, the lines not valid in it, the lines read in
    a legacy encoding, whether a DOS end mark ended it): byte order marks, the end mark and NUL padding taken off,
    old Mac line ends made LF."""
    data = extract.file.read_bytes()
    declared = "utf-8" if extract.source.encoding == "detect" else extract.source.encoding
    text, encoding, bad_lines, legacy = decode_file(data, declared, extract.location, nfc=False, legacy_lines=True)
    text = text.removeprefix("\ufeff").replace("\n\ufeff", "\n")  # and one inside: files joined together
    eof_mark = text.endswith("\x1a")  # a DOS end mark ends the file: what comes before it is not cut off
    text = text.rstrip("\x1a\x00") if text.endswith(("\x1a", "\x00")) else text  # DOS end mark, NUL padding
    if not bad_lines and len(_BARE_CR.findall(text)) > text.count("\n"):  # old Mac line ends, a last LF or not;
        text = _BARE_CR.sub("\n", text)  # among LF line ends a bare CR is a raw one in a string (its line quarantined)
    _require_text(data, text, extract.location)
    return text, encoding, bad_lines, legacy, eof_mark


def _jsonl_by_polars(lines: pl.DataFrame) -> tuple[pl.DataFrame | None, dict]:
    """(the lines read by Polars' reader with the number tokens as written, column position -> rows holding a
    number); (None, {}) when the lines are to be read one by one: a line nested too deep, a line Polars cannot
    read, not one row per line, or a nested value."""
    # a line nested too deep would crash Polars' reader (a segfault): such a file is read line by line, the line
    # quarantined (_json_values)
    deep = lines.filter(pl.col("text").str.count_matches(r"[\[{]") > MAX_DEPTH)["text"]
    if any(deep_at(t) is not None for t in deep):
        return None, {}
    try:
        body = "\n".join(lines["text"].to_list()).encode("utf-8")
        frame = pl.read_ndjson(io.BytesIO(body), infer_schema_length=None)
        if frame.height != lines.height or any(d.is_nested() for d in frame.dtypes):
            return None, {}
        numbers = _json_numbers(frame, body)
        return _json_written_numbers(frame, lines["text"], numbers), numbers
    except Exception:  # noqa: BLE001 - fall back to line by line to find the bad lines (and the number values)
        return None, {}


def _without_repeated_keys(
    frame: pl.DataFrame, lines: pl.DataFrame, numbers: dict
) -> tuple[pl.DataFrame, pl.DataFrame, dict, list[RowProblem]]:
    """The rows of lines that repeat a key (Polars kept one of the values) taken out of the frame, the lines and the
    number marks, and returned as problem rows."""
    repeated = _lines_repeating_keys(lines, frame)
    if not repeated:
        return frame, lines, numbers, []
    mask = lines["line"].is_in(list(repeated))
    problems = [
        RowProblem(f"line:{n}", _repeat_reason(n, repeated[n]), line[:2000])
        for n, line in lines.filter(mask).iter_rows()
    ]
    numbers = {i: m.filter(~mask) for i, m in numbers.items()}
    return frame.filter(~mask), lines.filter(~mask), numbers, problems


def _json_line_objects(
    lines: pl.DataFrame, bad_lines: set[int], encoding: str, halves: bool
) -> tuple[list[dict], list[int], list[set[str]], dict[str, None], str | None, list[RowProblem]]:
    """The lines read one by one: (the objects' values as text, the line of each, the keys holding a number in each,
    the keys of the objects quarantined for a repeated key in the order met, the first cause of a line not read, the
    problem rows: lines not valid in the encoding, not JSON objects, nested too deep, holding half a character or
    repeating a key)."""
    rows, kept, first, numeric = [], [], None, []
    named: dict[str, None] = {}  # the keys of the objects quarantined for a repeated key, in the order met
    problems = []
    for n, line in lines.iter_rows():
        try:
            if n in bad_lines:
                raise ValueError(f"not valid {encoding}")
            repeats: list[str] = []
            objects = _json_objects(line, repeats)
            if halves and (key := next(filter(None, map(lone_surrogate_key, objects)), None)) is not None:
                raise ValueError(f"key {shown_key(key)} {HALF_CHARACTER}")
            others = [obj for obj in objects if not isinstance(obj, dict)]
            if others or not objects:
                raise ValueError(f"it is {_json_kind(others[0]) if others else 'empty'}")
            if repeats:
                problems.append(RowProblem(f"line:{n}", _repeat_reason(n, repeats), line[:2000]))
                named.update(dict.fromkeys(k for obj in objects for k in obj))
                continue
            rows.extend({k: _json_text(v) for k, v in obj.items()} for obj in objects)
            numeric.extend({k for k, v in obj.items() if _json_number(v)} for obj in objects)
            kept.extend([n] * len(objects))
        except ValueError as exc:
            cause = _json_error_cause(exc, line)
            plain = cause == TOO_DEEP or cause.endswith(HALF_CHARACTER)  # a JSON object, but not one to read
            said = f"line {n}: {cause}" if plain else f"line {n} is not a JSON object: {cause}"
            problems.append(RowProblem(f"line:{n}", said, line[:2000]))
            first = first or f"line {n}: {cause}"
    return rows, kept, numeric, named, first, problems


def _json_rows_frame(
    rows: list[dict], kept: list[int], numeric: list[set[str]]
) -> tuple[pl.DataFrame, pl.DataFrame, dict[int, pl.Series]]:
    """(the objects read one by one as a frame of text columns, number tokens as written; their lines, a line
    holding two objects giving two rows; column position -> rows holding a number), as the Polars path has them."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    frame = pl.DataFrame({c: [r.get(c) for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String))
    lines = pl.DataFrame({"line": kept}, schema={"line": pl.Int64})  # a line holding two objects: two rows
    in_rows = {c for marked in numeric for c in marked}
    numbers = {
        i: pl.Series([c in marked for marked in numeric], dtype=pl.Boolean)
        for i, c in enumerate(columns)
        if c in in_rows
    }
    frame = frame.with_columns(  # the tokens written, as the Polars path has them (_json_written_numbers)
        pl.when(pl.lit(numbers[i])).then(pl.lit(_json_number_texts(frame[c]))).otherwise(pl.col(c)).alias(c)
        for i, c in enumerate(columns)
        if i in numbers
    )
    return frame, lines, numbers


# --------------------------------------------------------------------------- dbf

DELETED_FLAG = "deleted_record"  # row_flags of a record the file marks deleted (quarantined; not a reading failure)
DELETED_NOTE = "the file marks the record deleted (dBase flag '*', not packed)"  # its quarantine reason says so


def _dbf_encoding(sample: bytes, declared: str) -> tuple[str, str]:
    """(codec, label) of a table's text, chosen as a text file's (:func:`encodings.choose_encoding`) on its character
    fields' bytes (``sample``). A leading newline: no cell is taken for a byte order mark. Cells hold no byte order
    mark and no UTF-16 (NUL padding is padding): whatever is not a legacy encoding is read as UTF-8."""
    codec, label, _ = encodings.choose_encoding(b"\n" + sample, declared)
    if codec in encodings.LEGACY:
        return codec, label
    return "utf-8", "utf-8" if declared == "detect" else label


def _read_dbf(extract: Extract, batch_rows: int) -> ReadResult:
    """A dBase III / FoxPro table (pipelines/ingest/dbf.py): each record one row keyed ``record:N`` (its
    record number, FoxPro's RECNO(), deleted records counted), fields read as text.

    A record marked deleted (flag ``*``: deleted, never packed) is not loaded: it is quarantined whole, with
    its values and the reason, and counted (``ReadResult.deleted``). A record whose flag byte is neither
    live nor deleted, or with a field its encoding cannot decode, is quarantined naming the record and
    the fields. A damaged or cut-off file, or one with a memo or binary field, fails naming the file.
    """
    import numpy as np

    from pipelines.ingest import dbf

    data = extract.file.read_bytes()
    try:
        table = dbf.parse(data)
    except dbf.DbfError as exc:
        raise SourceReadError(f"{extract.location}: cannot read as dbf: {exc}") from None
    encoding, label = _dbf_encoding(dbf.text_sample(table), extract.source.encoding)
    n = table.records.shape[0]
    names = _unique_names([f.name for f in table.fields])
    columns, undecodable, any_bad = {}, {}, np.zeros(n, dtype=bool)
    memo_file = _memo_file(extract, table) if any(f.type == dbf.MEMO for f in table.fields) else None
    memo_problems: list[str | None] = [None] * n
    for f, name in zip(table.fields, names, strict=True):
        if f.type == dbf.MEMO:
            values, bad = _memo_values(table, f, name, memo_file, encoding, memo_problems)
        else:
            values, bad = dbf.decode_field(table, f, lambda raw: encodings.decode_bytes(raw, encoding))
        columns[name] = values.rename(name)
        if bad.any():
            undecodable[name] = pl.Series(bad)
            any_bad |= bad
    if any_bad.sum() > max(10, n // 2):
        raise SourceReadError(
            f"{extract.location}: {int(any_bad.sum())} of {n} records have fields that are not valid {encoding}: "
            "is the encoding right?"
        )
    place = pl.Series(LINE, np.arange(1, n + 1)).cast(pl.String)
    frame = pl.DataFrame(columns, schema=dict.fromkeys(names, pl.String)).with_columns(
        ("record:" + place).alias(LINE), place.alias(KEY)
    )
    numeric = [name for f, name in zip(table.fields, names, strict=True) if f.type in dbf.NUMERIC_TYPES]
    frame = _with_keys(frame, extract).with_columns(numeric_cells(numeric))
    flag = pl.Series(table.flags)
    damaged = ~flag.is_in([dbf.LIVE, dbf.DELETED])
    deleted = flag == dbf.DELETED
    fields = [pl.when(pl.lit(mask)).then(pl.lit(name)) for name, mask in undecodable.items()]
    bad_fields = frame.select(pl.concat_str(fields, separator=", ", ignore_nulls=True) if fields else pl.lit(""))
    undecoded = bad_fields.to_series().fill_null("") != ""
    where = frame[LINE]
    memo_bad = pl.Series(memo_problems, dtype=pl.String)
    kinds = (  # (rows, reason, row flag): the first that applies to a record wins
        (damaged, where + ": its deletion flag byte is neither ' ' nor '*': the record is damaged", None),
        (deleted, where + f": {DELETED_NOTE}: not loaded", DELETED_FLAG),
        (memo_bad.is_not_null(), where + ": " + memo_bad.fill_null(""), None),
        (undecoded, where + ": field(s) " + bad_fields.to_series() + f" not valid {encoding}", None),
    )
    problems: list[pl.DataFrame] = []
    taken = pl.zeros(n, pl.Boolean, eager=True)
    for rows, reason, row_flag in kinds:
        rows = rows & ~taken
        taken = taken | rows
        for problem in _problem_rows(frame.filter(rows), pl.lit(reason.filter(rows))):
            problems.append(problem.with_columns(row_flags=pl.lit(row_flag, dtype=pl.String)))
    frame = frame.filter(~taken)
    read = ReadResult(iter([frame]), [], label, problem_frames=problems, deleted=int(deleted.sum()))
    read.repeated = _repeated_names([f.name for f in table.fields], names)
    read.undecodable = {name: int(mask.sum()) for name, mask in undecodable.items()}
    return read


def numeric_cells(columns: list[str]) -> pl.Expr:
    """``NUMERIC``: per row, the ``columns`` (held as numbers by the source) whose cell is not empty."""
    return number_marks([pl.when(pl.col(c).is_not_null()).then(pl.lit(c)) for c in columns])


def _memo_file(extract: Extract, table) -> bytes:  # noqa: ANN001 - dbf.DbfTable
    """The bytes of the table's memo file (``.fpt`` / ``.dbt`` beside it, any case); a missing one fails the file:
    its memo values would be lost."""
    from pipelines.ingest import dbf

    suffix = dbf.memo_suffix(table.version)
    path = extract.file
    if path.with_suffix(suffix).is_file():
        return path.with_suffix(suffix).read_bytes()
    wanted = (path.stem + suffix).lower()  # old DOS systems wrote names in capitals: HK.FPT beside hk.dbf
    near = sorted(p for p in path.parent.iterdir() if p.name.lower() == wanted and p.is_file())
    if near:
        return near[0].read_bytes()
    raise SourceReadError(
        f"{extract.location}: the table has memo field(s) but its memo file {path.with_suffix(suffix).name} is not "
        "beside it: copy it with the table (its memo texts are there)"
    )


def _memo_values(table, f, name: str, memo: bytes, encoding: str, problems: list[str | None]):  # noqa: ANN001, ANN202
    """A memo field's texts (decoded; a record whose text does not decode is marked in ``bad``) and, in ``problems``
    (one per record, the first kept), why a record's memo block cannot be read."""
    import numpy as np

    from pipelines.ingest import dbf

    memos = dbf.read_memos(table, f, memo)
    bad = np.zeros(len(memos.raw), dtype=bool)
    values: list[str | None] = []
    for i, (raw, problem) in enumerate(zip(memos.raw, memos.problems, strict=True)):
        if problem is not None and problems[i] is None:
            problems[i] = f"field {name!r}: {problem}"
        text = None
        if raw is not None:
            try:
                text = encodings.decode_bytes(raw.rstrip(b"\x00"), encoding)
            except (UnicodeDecodeError, ValueError):
                bad[i], text = True, raw.decode("latin-1")
        values.append(text.strip() or None if text is not None else None)
    return pl.Series(name, values, dtype=pl.String), bad


# --------------------------------------------------------------------------- sql, sqlite, pg_dump


def _read_sql_like(extract: Extract, url: str, batch_rows: int) -> ReadResult:
    problems: list[pl.DataFrame] = []
    undecodable: dict[str, int] = {}  # filled as the batches are read (load_raw reads them after them)
    kept: dict[str, int] = {}
    batches = _keyed_sql(extract, url, batch_rows, problems=problems, undecodable=undecodable, kept=kept)
    return ReadResult(batches, [], None, problem_frames=problems, undecodable=undecodable, undecodable_kept=kept)


def _keyed_sql(
    extract: Extract,
    url: str,
    batch_rows: int,
    queries: Iterable[dict] = ({},),
    problems: list[pl.DataFrame] | None = None,
    undecodable: dict[str, int] | None = None,
    kept: dict[str, int] | None = None,
) -> Iterator[pl.DataFrame]:
    """The rows of one or more reads of the table (each ``queries`` item: read_sql_table's filter arguments), keyed;
    ``row:N`` places count on across all of them (one partition's rows, however many queries it takes). Rows with
    a cell that is not UTF-8 nor certainly a legacy encoding go to ``problems`` (when given) as problem rows naming
    the row and the columns (sql._lenient_text, for a SQLite cell or a PostgreSQL bytea cell: such a cell is kept as
    hex; one in a legacy encoding is read), and such cells are counted per column in ``undecodable`` (when given:
    ReadResult.undecodable, the ingest's 'undecodable cells (records quarantined)'). Only a mapped (or key) column's
    cell sets its row aside: one in a column the catalogue does not map (a photo) stays hex in extra_columns, its row
    loaded, counted in ``kept`` (ReadResult.undecodable_kept)."""
    from pipelines.ingest.sql import read_sql_table

    spec = extract.source
    used = set(spec.columns) | ({spec.key_column} if spec.key_column else set())  # a cell here sets its row aside
    offset = 0
    for only in queries:
        batches = read_sql_table(
            url,
            spec.table,
            schema=spec.db_schema,
            key_column=spec.key_column,
            batch_rows=batch_rows,
            number_cells=True,
            **only,
        )
        for batch in batches:
            place = pl.int_range(offset + 1, offset + batch.height + 1)
            offset += batch.height
            batch = _content_keys(_with_keys(batch.with_columns(pl.format("row:{}", place).alias(LINE)), extract))
            if problems is not None and UNDECODABLE in batch.columns:
                names = [c for c in batch.columns if c not in INTERNAL]
                aside = []  # the UNDECODABLE values (column lists) that set their rows aside: a mapped column's
                listed = batch[UNDECODABLE].drop_nulls()
                tally = dict(listed.value_counts().iter_rows())
                for value in listed.unique(maintain_order=True):  # (few; in row order, as the note lists them)
                    columns, n = listed_names(value, names), tally[value]
                    setting_aside = bool(used.intersection(columns))
                    if setting_aside:
                        aside.append(value)
                    counts = undecodable if setting_aside else kept
                    for name in columns if counts is not None else ():
                        counts[name] = counts.get(name, 0) + n
                bad = pl.col(UNDECODABLE).is_in(aside).fill_null(False)  # (null: a clean row, kept)
                reason = pl.format(
                    "{}: column(s) {} not valid UTF-8 text nor certainly a legacy encoding (bytes kept as hex, \\x...)",
                    pl.col(LINE),
                    pl.col(UNDECODABLE),
                )
                problems.extend(_problem_rows(batch.filter(bad), reason))
                batch = batch.filter(~bad)
            yield batch


CONTENT_KEY = "content:"  # a table row with no key, keyed by its content (_content_keys)


def _content_keys(batch: pl.DataFrame) -> pl.DataFrame:
    """A database table's rows whose key is NULL or empty (``SYNTHETIC``) keyed by their content, not their place:
    ``content:`` and the first 16 hex digits of the MD5 of their non-null values with their column names (names
    sorted; ``review.ids.md5_column``, vectorised). Their place, ``row:N``, is their rank in ``ORDER BY key``, where
    NULL keys tie: the database orders them as it likes (PostgreSQL gives ties no order, and sorts NULLs last, so each
    row added with a key shifted them), and record keys are the lineage handle of entities and review decisions. The
    same row gets the same key in any row order; a column added to the table, NULL in the old rows, changes none;
    rows equal in every column share it, and raw numbers them ``~2``, ``~3``... as any repeated key
    (raw._number_repeated). File rows keep their line: it is where the row is, and the file is read in its order."""
    from pipelines.review.ids import md5_column

    if SYNTHETIC not in batch.columns or not batch[SYNTHETIC].any():
        return batch
    names = sorted(c for c in batch.columns if c not in INTERNAL)
    where = batch.with_row_index("_i").filter(SYNTHETIC)["_i"]
    named = [pl.when(pl.col(n).is_not_null()).then(pl.lit(f"{n}\x1f") + pl.col(n).cast(pl.String)) for n in names]
    text = batch.filter(SYNTHETIC).select(pl.concat_str(named, separator="\x1e", ignore_nulls=True).alias("s"))
    keys = CONTENT_KEY + md5_column(text, ["s"]).str.slice(0, 16)
    return batch.with_columns(batch[KEY].clone().scatter(where, keys))


def _read_sqlite(extract: Extract, batch_rows: int) -> ReadResult:
    with extract.file.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise SourceReadError(f"{extract.location}: not a SQLite database file (another format, or not its start)")
    read = _read_sql_like(extract, f"sqlite:///{extract.file}", batch_rows)
    read.batches = _sqlite_failures(read.batches, extract.location)
    return read


def _sqlite_failures(batches: Iterator[pl.DataFrame], location: str) -> Iterator[pl.DataFrame]:
    """A SQLite file's read, its failures named: a missing table (the source's own message), a damaged file."""
    import sqlalchemy as sa

    from pipelines.ingest.sql import SqlSourceError, _error_type

    try:
        yield from batches
    except SqlSourceError as exc:  # names the table and the file, never a cell
        raise SourceReadError(f"{location}: {exc}") from exc
    except sa.exc.DatabaseError as exc:  # SQLite's text may quote a cell: its type only
        if getattr(exc.orig, "sqlite_errorname", None) in ("SQLITE_BUSY", "SQLITE_LOCKED"):  # not damaged: in use
            raise SourceBusy(
                f"{location}: the SQLite database is locked by another program (one writing it, or a copy holding "
                f"it: {exc.orig.sqlite_errorname}); nothing of it is read: load it again when that program has finished"
            ) from exc
        raise SourceReadError(f"{location}: the SQLite database is damaged or cut off ({_error_type(exc)})") from exc


def _read_sql(extract: Extract, batch_rows: int) -> ReadResult:
    from pipelines.ingest.sql import resolve_url

    spec = extract.source
    url = resolve_url(spec.url, source=spec.id, base_dir=spec.base_dir)
    read = _read_sql_extract(extract, url, batch_rows) if spec.extract_date_column else None
    read = read or _read_sql_like(extract, url, batch_rows)
    read.batches = _sql_failures(read.batches, extract.location)
    return read


def _sql_failures(batches: Iterator[pl.DataFrame], location: str) -> Iterator[pl.DataFrame]:
    """A database table's read, its own refusals said (a key column the table lacks: the message names the column,
    the table and the masked URL, never a cell); before, the partition's cause was the bare class name ('reading
    stopped after 0 rows: MissingColumnError'). Other failures go on to load_raw, which names their type only."""
    from pipelines.ingest.sql import SqlSourceError

    try:
        yield from batches
    except SqlSourceError as exc:
        raise SourceReadError(f"{location}: {exc}") from exc


def _read_sql_extract(extract: Extract, url: str, batch_rows: int) -> ReadResult:
    """One extract of a table that holds several (catalogue ``extract_date_column``): the rows of its date.

    The database filters (DATE/TIMESTAMP: ``column >= day AND column < day + 1``; text/integer:
    ``column IN (...)`` over the column's distinct values that are this date; values bound). The date
    groups come with the extract as listed (``Extract.groups``), else they are listed here. Rows whose date
    is NULL or no date belong to no date's extract: they are the partition ``<source>@undated``
    (``Extract.undated``), read as problem rows (``ReadResult.problem_frames``), so they are counted and
    quarantined with the reason instead of vanishing, in that one partition whatever dates come or go. A date
    the table no longer holds is an unreadable extract (nothing is written for it).
    """
    from pipelines.ingest.sql import source_groups

    spec, column = extract.source, extract.source.extract_date_column
    groups = extract.groups if extract.groups is not None else source_groups(spec)  # listed with the extract
    if extract.undated:
        reason = (
            f"extract date column {column!r} is empty or not a date (YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY): "
            f"the row belongs to no extract (partition {extract.partition_key})"
        )
        problems: list[pl.DataFrame] = []
        batches = _as_problems(_undated_rows(extract, url, batch_rows, groups), reason, problems)
        return ReadResult(batches, [], None, problem_frames=problems)
    values = groups.dated.get(extract.extract_date)
    if not values:
        raise SourceReadError(
            f"{extract.location}: no row has {extract.extract_date.isoformat()} in column {column!r} any more "
            f"(source {spec.id}, catalogue {spec.catalogue_file.name})"
        )
    if groups.temporal:  # DATE/TIMESTAMP: a day range, two bound dates
        only: dict = {"filter_column": column, "filter_day": extract.extract_date}
    else:  # text/integer: the few spellings of this date, each bound
        only = {"filter_column": column, "filter_values": values}
    problems: list[pl.DataFrame] = []
    undecodable: dict[str, int] = {}
    kept: dict[str, int] = {}
    batches = _keyed_sql(extract, url, batch_rows, [only], problems, undecodable, kept)
    return ReadResult(batches, [], None, problem_frames=problems, undecodable=undecodable, undecodable_kept=kept)


def _undated_rows(extract: Extract, url: str, batch_rows: int, groups) -> Iterator[pl.DataFrame]:  # noqa: ANN001
    """The rows whose date is NULL or no date: one query per MAX_FILTER_VALUES unreadable spellings (a column of
    garbage may hold more than a statement can bind), the NULLs with the first -- never refused."""
    from pipelines.ingest import sql

    spellings, column, cap = groups.undated, extract.source.extract_date_column, sql.MAX_FILTER_VALUES
    queries = (
        {
            "filter_column": column,
            "filter_values": spellings[start : start + cap],
            "filter_null": groups.has_null and not start,
        }
        for start in range(0, max(len(spellings), 1), cap)
    )
    return _keyed_sql(extract, url, batch_rows, queries)


def _problem_rows(batch: pl.DataFrame, reason: pl.Expr) -> list[pl.DataFrame]:
    """The rows of ``batch`` as problem rows (kept whole as JSON for the quarantine), column-wise (none if empty)."""
    if not batch.height:
        return []
    row = pl.struct([c for c in batch.columns if c not in INTERNAL]).struct.json_encode().alias("_unparsed")
    frame = batch.select(source_key=pl.col(KEY), extra_columns=pl.struct(row).struct.json_encode(), read_problem=reason)
    return [frame]


def _as_problems(batches: Iterator[pl.DataFrame], reason: str, problems: list[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """Every row of ``batches`` as a problem row, appended to ``problems`` (ReadResult.problem_frames); yields the
    batches without rows (the table's columns)."""
    for batch in batches:
        problems.extend(_problem_rows(batch, pl.lit(reason, dtype=pl.String)))
        yield batch.clear()  # the columns (load_raw checks them), no row: a generator run before the problems are read


_COPY = re.compile(r"^COPY\s+(\S+)\s+\((.*)\)\s+FROM\s+stdin;\s*$")
_CREATE = re.compile(r"^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)\s*\(\s*$", re.IGNORECASE)
_COLUMN_TYPE = re.compile(r'^\s+("(?:[^"]|"")*"|[^\s"]+)\s+(.*?),?\s*$')
# a number column's types (pg_dump writes PostgreSQL's own names): an ID stored in one has lost its leading zeros
_NUMBER_TYPE = re.compile(
    r"^(?:smallint|integer|bigint|int[248]?|numeric|decimal|real|double\s+precision|float[48]?)\b", re.IGNORECASE
)
# a boolean column: COPY writes 't' / 'f', read as 'true' / 'false' as PostgreSQL's text cast gives them (a 'f' in a
# sex column was staged as female, a 't' as unreadable)
_BOOLEAN_TYPE = re.compile(r"^bool(?:ean)?\b", re.IGNORECASE)
_COPY_BOOLEAN = {"t": "true", "f": "false"}
_COPY_ESCAPE = re.compile(r"\\(.)")
_COPY_CHARS = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}


def _unescape_copy(value: str) -> str:
    return _COPY_ESCAPE.sub(lambda m: _COPY_CHARS.get(m.group(1), m.group(1)), value)


def _identifier(name: str) -> str:
    """A PostgreSQL identifier as the server names it: quotes taken off, or folded to lower case when unquoted."""
    return name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name.lower()


def _copy_target(target: str) -> tuple[str | None, str]:
    """(schema or None, table) of a COPY statement's target (``schema.table``, either part quoted or not)."""
    parts = [_identifier(p) for p in re.findall(r'"(?:[^"]|"")*"|[^.]+', target)]
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


def _read_pg_dump(extract: Extract, batch_rows: int) -> ReadResult:
    """Rows of the COPY blocks of a plain-text PostgreSQL dump, without a server.

    With the catalogue's ``table`` (and ``db_schema``), only that table's COPY blocks: a dump of a whole database
    holds other tables too."""
    data = extract.file.read_bytes()
    declared = _dump_encoding(data, extract.source.encoding)
    text, encoding, bad_lines, legacy = decode_file(data, declared, extract.location, nfc=False, legacy_lines=True)
    columns, lines, number_columns, boolean_columns = _copy_blocks(extract, text)
    if bad_lines:  # (nearly) every COPY row not in the encoding: the dump is in another one
        rows = [n for n, line in lines if line.strip()]
        _refuse_undecodable_rows(extract, encoding, len(rows), [n for n in rows if n in bad_lines])
    problems, good, numbers, blank = [], [], [], 0
    for n, line in lines:
        if not line.strip():
            blank += 1
        elif n in bad_lines:
            problems.append(RowProblem(f"line:{n}", f"line {n} is not valid {encoding.split(' ')[0]}", line[:2000]))
        elif ZERO_BLOCK in line:  # a zero-filled block joining two rows (as in a CSV: _csv_problem_lines)
            problems.append(RowProblem(f"line:{n}", zero_block_reason(n), line[:2000]))
        elif line.count("\t") != len(columns) - 1:
            fields = line.count("\t") + 1
            problems.append(
                RowProblem(
                    f"line:{n}", f"COPY row on line {n} has {fields} fields, expected {len(columns)}", line[:2000]
                )
            )
        else:
            good.append(line)
            numbers.append(n)
    names = _unique_names(columns)
    repeated = _repeated_names(columns, names)
    frame = _copy_values(good, names)
    booleans = [name for name, column in zip(names, columns, strict=True) if column in boolean_columns]
    if booleans:
        frame = frame.with_columns(pl.col(c).replace(_COPY_BOOLEAN) for c in booleans)
    frame = frame.with_columns(_locators(pl.Series(numbers, dtype=pl.Int64)))
    numeric = [name for name, column in zip(names, columns, strict=True) if column in number_columns]
    if legacy:  # the rows read from a line in a legacy encoding (readers._legacy_lines)
        frame = frame.with_columns(_legacy_marks(pl.Series(numbers).is_in(sorted(legacy)), names, legacy))
    frame = _with_keys(frame, extract).with_columns(numeric_cells(numeric))
    read = ReadResult(iter([frame]), problems, _with_legacy_lines(encoding, legacy), blank, repeated=repeated)
    read.legacy_lines = legacy
    return read


_CLIENT_ENCODING = re.compile(rb"^SET client_encoding = '(\w+)';", re.MULTILINE)
_PG_ENCODINGS = {"UTF8": "utf-8", "UNICODE": "utf-8", "WIN1258": "cp1258"}


def _dump_encoding(data: bytes, declared: str) -> str:
    """The encoding a plain dump is read in: the catalogue's when it names one; else the dump's own ``SET
    client_encoding`` (pg_dump writes the database's encoding: a WIN1258 database's dump is Windows-1258, read as
    cp1258); else UTF-8, whose lines certainly in a legacy encoding are read in it (a SQL_ASCII database's dump).
    Before, every dump was read as UTF-8 whatever either said, and a WIN1258 dump failed ('not valid utf-8')."""
    if declared != "detect":
        return declared
    said = _CLIENT_ENCODING.search(data[: 1 << 16])
    return _PG_ENCODINGS.get(said.group(1).decode("ascii").upper(), "utf-8") if said else "utf-8"


def _copy_blocks(extract: Extract, text: str) -> tuple[list[str], list[tuple[int, str]], set[str], set[str]]:
    """(the wanted table's columns, its COPY rows with their line numbers, its columns of a number type and of the
    boolean type, from its CREATE TABLE); SourceReadError when the dump has no COPY block of it, its blocks name
    different columns, or it ends inside a block."""
    spec = extract.source
    columns: list[str] | None = None
    lines: list[tuple[int, str]] = []
    in_copy, wanted, tables = False, False, []
    creating, number_columns = False, set()  # in the wanted table's CREATE TABLE; its columns of a number type
    boolean_columns: set[str] = set()  # ... and of the boolean type
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if creating:
            column = _COLUMN_TYPE.match(line)
            if line.lstrip().startswith(")"):
                creating = False
            elif column and _NUMBER_TYPE.match(column.group(2)):
                number_columns.add(_identifier(column.group(1)))
            elif column and _BOOLEAN_TYPE.match(column.group(2)):
                boolean_columns.add(_identifier(column.group(1)))
            continue
        if not in_copy and (create := _CREATE.match(line)):
            creating = _is_table(spec, *_copy_target(create.group(1)))
            continue
        if in_copy:
            if line == "\\.":
                in_copy = False
            elif wanted:
                lines.append((n, line))
            continue
        m = _COPY.match(line)
        if m:
            schema, table = _copy_target(m.group(1))
            tables.append(f"{schema}.{table}" if schema else table)
            in_copy, wanted = True, _is_table(spec, schema, table)
            if not wanted:
                continue
            # quoted names may hold a comma ("Số CMND, CCCD") or a doubled quote: named as the CREATE TABLE's are
            cols = [_identifier(c.strip()) for c in re.findall(r'\s*("(?:[^"]|"")*"|[^,"]+)', m.group(2))]
            if columns is not None and cols != columns:
                raise SourceReadError(f"{extract.location}: COPY blocks of table {tables[-1]} with different columns")
            columns = cols
    if columns is None and tables:
        wanted_name = f"{spec.db_schema}.{spec.table}" if spec.db_schema else spec.table
        raise SourceReadError(
            f"{extract.location}: no COPY block of table {wanted_name} (the dump has {sorted(set(tables))}; "
            f"source {spec.id}, catalogue {spec.catalogue_file.name})"
        )
    if columns is None:
        raise SourceReadError(f"{extract.location}: no COPY ... FROM stdin block found")
    if in_copy:
        raise SourceReadError(f"{extract.location}: the dump ends inside a COPY block (truncated)")
    return columns, lines, number_columns, boolean_columns


def _copy_values(good: list[str], names: list[str]) -> pl.DataFrame:
    """The COPY rows' fields as columns ``names``: '\\N' read as null, COPY's backslash escapes undone."""
    split = pl.DataFrame({"line": good}, schema={"line": pl.String})
    split = split.select(pl.col("line").str.split_exact("\t", len(names) - 1)).unnest("line")
    split.columns = names
    distinct_escaped = {
        v
        for c in names
        for v in split[c].filter(split[c].str.contains("\\", literal=True)).unique().to_list()
        if v != "\\N"
    }
    mapping = {v: _unescape_copy(v) for v in distinct_escaped}
    return split.with_columns(
        pl.when(pl.col(c) == "\\N").then(None).otherwise(pl.col(c).replace(mapping) if mapping else pl.col(c)).alias(c)
        for c in names
    )


def _is_table(spec, schema: str | None, table: str) -> bool:  # noqa: ANN001 - catalogue SourceSpec
    """Whether a COPY block's table is the catalogue's (any table when the entry names none)."""
    if not spec.table:
        return True
    return table == spec.table and (schema is None or spec.db_schema is None or schema == spec.db_schema)


_READERS = {
    "csv": _read_csv,
    "dbf": _read_dbf,
    "xlsx": _read_xlsx,
    "jsonl": _read_jsonl,
    "sqlite": _read_sqlite,
    "sql": _read_sql,
    "pg_dump": _read_pg_dump,
}
