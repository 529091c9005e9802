"""Writers that emit a table the way the old units' systems export it.

The registry generator (``pipelines.synth.registries``) streams chunks of rows —
polars DataFrames whose columns are all ``pl.String`` (nullable) — to one
:class:`TableWriter` per source file::

    with open_writer(path, "csv", "nhan_khau", columns, encoding="tcvn3") as w:
        for chunk in chunks:
            w.write(chunk)
    stats = w.stats  # also returned by w.close()

Formats (:data:`FORMATS`):

* ``csv`` — header + rows, RFC 4180 quoting (a field is quoted when it holds the
  delimiter, ``"``, CR or LF; an empty string is written ``""``, a null as nothing),
  ``delimiter`` ``,`` ``;`` tab or ``|``, ``line_terminator`` ``"\\n"`` (default) or
  ``"\\r\\n"``. Encodings (:data:`CSV_ENCODINGS`): ``utf-8``, ``utf-8-sig`` (BOM),
  the legacy encodings of :data:`pipelines.encodings.LEGACY` (one declared there is
  written here too): ``cp1258`` (Windows-1258, tone marks decomposed where cp1258 lacks the letter
  precomposed), ``tcvn3`` (ABC; toned capitals are written with their lower-case
  byte, so they lose their case: see :mod:`pipelines.encodings`), ``vni``
  (VNI-Windows) and ``mojibake`` (a UTF-8 file whose text went through
  :func:`~pipelines.encodings.make_mojibake`, i.e. UTF-8 read as cp1252 and saved
  again as UTF-8). The header and any ``title_rows`` are encoded like the data: the
  whole file went through the old system. Legacy encodings apply NFC first (the
  codecs in :mod:`pipelines.encodings` do). A character the encoding cannot hold is
  written as ``?`` and counted in :attr:`WriterStats.unencodable`.
  ``title_rows`` are written as one-field lines above the header, then an empty line.
* ``xlsx`` — xlsxwriter in constant-memory mode, every cell a string (IDs keep their
  leading zeros, "=…" stays text; nulls and empty strings are both an empty cell, so
  a row with no value at all is an empty row, which readers may skip), optional
  ``title_rows`` merged across all columns, a blank row, then the header
  (:attr:`WriterStats.header_row`, 0-based). ``sheet_rows`` data rows per sheet
  ("Trang 1", "Trang 2", … each with the title rows and header; a sheet also turns
  over at Excel's 1,048,576-row limit), then a small sheet "Ghi chú" with a note.
  The same rows give the same bytes (a fixed document ``created`` time, see
  :data:`DEFAULT_CREATED`). xlsxwriter spends ~12 µs per cell: about 8,000 rows/s of
  10 columns.
* ``jsonl`` — one JSON object per row, UTF-8, non-ASCII as is, nulls as ``null``.
* ``sqlite`` — one table of TEXT columns (SQLite's implicit ``rowid`` as key).
* ``postgres_dump`` — plain SQL for ``psql -f`` into an empty database: optional
  ``CREATE SCHEMA IF NOT EXISTS``, ``CREATE TABLE`` with ``source_pk bigint`` first
  (1..n in write order) and ``text`` columns, one ``COPY … FROM stdin`` block per
  chunk in COPY text format, the primary key added at the end as pg_dump does.
  NUL characters (PostgreSQL text cannot hold them) become ``?`` and are counted as
  unencodable.

* ``dbf`` — a dBase III table (version 0x03) as FoxPro applications exported them: one field
  per column (names of 1-10 ASCII letters, digits and ``_``), type ``C`` unless ``field_types``
  says ``N``, ``F``, ``D`` or ``L``, each as wide as its longest encoded value (at most 254 bytes;
  a longer value raises ``ValueError``), text left-aligned and space-padded, numbers
  right-aligned; live records (flag byte ``' '``), then 0x1A. ``encoding`` one of
  :data:`DBF_ENCODINGS` (the language driver byte is 0: old Vietnamese systems did not mark
  TCVN3 or VNI). A null and an empty string are both blanks, and trailing spaces are padding:
  neither survives the format. The header states the widths, so chunks are encoded into a
  temporary directory beside the file and the table is written at close.

:func:`truncate_file` makes a genuinely bad file out of a good one (a cut download);
:func:`mark_deleted` marks .dbf records deleted as FoxPro's DELETE does.
A file "declared" with one delimiter but written with another needs nothing here:
pass the other ``delimiter``.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import sqlite3
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.encodings import LEGACY, LEGACY_CODECS, make_mojibake

__all__ = [
    "FORMATS",
    "CSV_ENCODINGS",
    "XLSX_MAX_ROWS",
    "WriterStats",
    "TableWriter",
    "open_writer",
    "truncate_file",
    "mark_deleted",
    "TruncateResult",
    "copy_escape",
]

FORMATS = ("csv", "xlsx", "jsonl", "sqlite", "postgres_dump", "dbf")
# The legacy encodings are those pipelines.encodings declares (LEGACY): one it adds is written here too.
CSV_ENCODINGS = ("utf-8", "utf-8-sig", *LEGACY, "mojibake")
DBF_ENCODINGS = ("utf-8", *LEGACY)
DBF_TYPES = ("C", "N", "F", "D", "L")
DBF_MAX_WIDTH = 254  # bytes of a character field (dBase III / FoxPro)
DELIMITERS = (",", ";", "\t", "|")
LINE_TERMINATORS = ("\n", "\r\n")
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CHARS = 32_767

#: Document creation time written into xlsx files unless ``created`` is given: a fixed
#: time keeps the bytes reproducible for a seed (xlsxwriter would use "now").
DEFAULT_CREATED = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)

DEFAULT_NOTE = (
    "Dữ liệu trích xuất từ hệ thống quản lý của đơn vị. "
    "Các trang dữ liệu: {sheets}. Tổng số dòng: {rows}. "
    "Không chỉnh sửa tiêu đề cột khi nhập lại."
)


@dataclass
class WriterStats:
    """What a writer wrote. ``header_row`` is the 0-based row (xlsx) or line (csv) of
    the header, ``sheets`` the xlsx data sheets in order (the note sheet excluded),
    ``unencodable`` the characters replaced by ``?``."""

    path: Path
    fmt: str
    encoding: str
    rows: int
    bytes: int
    unencodable: int = 0
    header_row: int | None = None
    sheets: tuple[str, ...] = ()
    delimiter: str | None = None
    line_terminator: str | None = None


# --------------------------------------------------------------------------- legacy text


class _CharTableEncoder:
    """Encode whole chunks of text with a per-character codec, fast.

    ``encode_char`` is one of the codecs of :mod:`pipelines.encodings` applied to a
    single character. All of them work character by character on NFC text (TCVN3
    and cp1258 one letter at a time, VNI one letter to one to three bytes), so the
    encoding of a text is the concatenation of its characters' encodings: each
    distinct character is encoded once with the module's function and the whole
    chunk goes through :func:`codecs.charmap_encode` (C) with that table. A
    character the codec refuses becomes ``?`` and is counted.
    """

    def __init__(self, encode_char: Callable[[str], bytes]):
        self._encode_char = encode_char
        self._table: dict[int, bytes] = {b: bytes([b]) for b in range(0x80)}
        self._bad: set[str] = set()

    def _learn(self, chars: set[str]) -> None:
        for ch in chars:
            if ord(ch) in self._table or ch in self._bad:
                continue
            try:
                out = self._encode_char(ch)
            except UnicodeEncodeError:
                self._bad.add(ch)
                continue
            self._table[ord(ch)] = out

    def encode(self, text: str) -> tuple[bytes, int]:
        """(bytes, number of characters replaced by ``?``) for NFC(text)."""
        text = unicodedata.normalize("NFC", text)
        try:
            return codecs.charmap_encode(text, "strict", self._table)[0], 0
        except UnicodeEncodeError:
            pass
        self._learn(set(text))
        bad = 0
        for ch in self._bad:
            if ch in text:
                bad += text.count(ch)
        errors = "replace" if bad else "strict"  # "replace" writes '?' (0x3F) via the table
        return codecs.charmap_encode(text, errors, self._table)[0], bad


def _text_encoder(encoding: str) -> Callable[[str], tuple[bytes, int]]:
    """A function text -> (file bytes, unencodable count) for a CSV encoding."""
    if encoding in ("utf-8", "utf-8-sig"):
        return lambda text: (text.encode("utf-8"), 0)
    if encoding == "mojibake":
        return lambda text: (make_mojibake(text).encode("utf-8"), 0)
    if encoding in LEGACY_CODECS:
        return _CharTableEncoder(LEGACY_CODECS[encoding].encode).encode
    raise ValueError(f"unknown CSV encoding {encoding!r}; expected one of {CSV_ENCODINGS}")


# --------------------------------------------------------------------------- helpers


def copy_escape(expr: pl.Expr) -> pl.Expr:
    """A string expression escaped for PostgreSQL COPY text format (null -> ``\\N``)."""
    return (
        expr.str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all("\t", "\\t", literal=True)
        .str.replace_all("\n", "\\n", literal=True)
        .str.replace_all("\r", "\\r", literal=True)
        .fill_null("\\N")
    )


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_line(fields: Sequence[str], delimiter: str, terminator: str) -> str:
    out = []
    for f in fields:
        if f == "" or any(c in f for c in (delimiter, '"', "\n", "\r")):
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return delimiter.join(out) + terminator


def _checked_writer_options(
    fmt: str,
    columns: Sequence[str],
    encoding: str,
    delimiter: str,
    line_terminator: str,
    title_rows: Sequence[str],
    sheet_rows: int | None,
    schema: str | None,
    field_types: dict[str, str] | None,
) -> tuple[list[str], dict[str, str]]:
    """TableWriter's ``columns`` as a list and ``field_types`` as a dict; ValueError for an option its format does
    not have (a legacy encoding or title rows for jsonl, sheet rows for csv...) rather than ignoring it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    columns = list(columns)
    if not columns:
        raise ValueError("a table needs at least one column")
    if len(set(columns)) != len(columns):
        raise ValueError(f"duplicate column names in {columns}")
    if fmt == "csv":
        if encoding not in CSV_ENCODINGS:
            raise ValueError(f"unknown CSV encoding {encoding!r}; expected one of {CSV_ENCODINGS}")
        if delimiter not in DELIMITERS:
            raise ValueError(f"delimiter {delimiter!r} not one of {DELIMITERS}")
        if line_terminator not in LINE_TERMINATORS:
            raise ValueError(f"line_terminator {line_terminator!r} not one of {LINE_TERMINATORS}")
    elif fmt == "dbf":
        if encoding not in DBF_ENCODINGS:
            raise ValueError(f"unknown DBF encoding {encoding!r}; expected one of {DBF_ENCODINGS}")
        _check_dbf_names(columns)
        if delimiter != ",":
            raise ValueError("delimiter is for csv only, not dbf")
    else:
        if encoding != "utf-8":
            raise ValueError(f"encoding {encoding!r} is for csv and dbf only ({fmt} is UTF-8)")
        if delimiter != ",":
            raise ValueError(f"delimiter is for csv only, not {fmt}")
    if title_rows and fmt not in ("csv", "xlsx"):
        raise ValueError(f"title_rows are for csv and xlsx, not {fmt}")
    if sheet_rows is not None and (fmt != "xlsx" or sheet_rows < 1):
        raise ValueError("sheet_rows is for xlsx only and must be >= 1")
    if schema is not None and fmt != "postgres_dump":
        raise ValueError(f"schema is for postgres_dump only, not {fmt}")
    if fmt == "postgres_dump" and "source_pk" in columns:
        raise ValueError("'source_pk' is the dump's own key column")
    field_types = dict(field_types or {})
    if field_types and fmt != "dbf":
        raise ValueError(f"field_types is for dbf only, not {fmt}")
    unknown = {c: t for c, t in field_types.items() if c not in columns or t not in DBF_TYPES}
    if unknown:
        raise ValueError(f"field_types {unknown}: columns must be declared and types one of {DBF_TYPES}")
    return columns, field_types


# --------------------------------------------------------------------------- writer


class TableWriter:
    """Context manager writing one table to one file in one of :data:`FORMATS`.

    ``write()`` may be called any number of times with chunks (memory is bounded by
    the chunk). ``close()`` returns :class:`WriterStats` (also kept as ``.stats``).
    An existing file at ``path`` is replaced. Options that a format does not have
    (a legacy ``encoding`` or ``title_rows`` for jsonl, ``sheet_rows`` for csv …)
    raise ``ValueError`` rather than being ignored.
    """

    def __init__(
        self,
        path: Path | str,
        fmt: str,
        table: str,
        columns: Sequence[str],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        title_rows: Sequence[str] = (),
        sheet_rows: int | None = None,
        schema: str | None = None,
        line_terminator: str = "\n",
        note: str | None = None,
        created: datetime | None = None,
        field_types: dict[str, str] | None = None,
    ):
        columns, field_types = _checked_writer_options(
            fmt, columns, encoding, delimiter, line_terminator, title_rows, sheet_rows, schema, field_types
        )
        self.path = Path(path)
        self.fmt = fmt
        self.table = table
        self.columns = columns
        self.encoding = encoding
        self.delimiter = delimiter
        self.line_terminator = line_terminator
        self.title_rows = [str(t) for t in title_rows]
        self.sheet_rows = sheet_rows
        self.schema = schema
        self.note = note
        self.created = created or DEFAULT_CREATED
        self.field_types = {c: field_types.get(c, "C") for c in columns}
        self.rows = 0
        self.unencodable = 0
        self.header_row: int | None = None
        self.sheets: list[str] = []
        self.stats: WriterStats | None = None
        self._closed = False

        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.path.unlink()
        getattr(self, f"_open_{fmt}")()

    # ------------------------------------------------------------------ public

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self._abort()

    def write(self, chunk: pl.DataFrame) -> None:
        """Append a chunk of rows (columns as declared; extra columns are an error)."""
        if self._closed:
            raise ValueError("writer is closed")
        missing = [c for c in self.columns if c not in chunk.columns]
        extra = [c for c in chunk.columns if c not in self.columns]
        if missing or extra:
            raise ValueError(f"chunk columns differ: missing {missing}, unexpected {extra}")
        chunk = chunk.select(
            [pl.col(c) if chunk.schema[c] == pl.String else pl.col(c).cast(pl.String) for c in self.columns]
        )
        if chunk.height == 0:
            return
        getattr(self, f"_write_{self.fmt}")(chunk)
        self.rows += chunk.height

    def close(self) -> WriterStats:
        if self._closed:
            assert self.stats is not None
            return self.stats
        getattr(self, f"_close_{self.fmt}")()
        self._closed = True
        self.stats = WriterStats(
            path=self.path,
            fmt=self.fmt,
            encoding=self.encoding,
            rows=self.rows,
            bytes=self.path.stat().st_size,
            unencodable=self.unencodable,
            header_row=self.header_row,
            sheets=tuple(self.sheets),
            delimiter=self.delimiter if self.fmt == "csv" else None,
            line_terminator=self.line_terminator if self.fmt == "csv" else None,
        )
        return self.stats

    def _abort(self) -> None:
        """Release resources after an error (the partial file is left as it is)."""
        if self._closed:
            return
        self._closed = True
        for name in ("_fh", "_db", "_wb", "_spill"):
            obj = getattr(self, name, None)
            if obj is not None:
                with contextlib.suppress(Exception):  # best effort while an error propagates
                    obj.close() if name != "_spill" else obj.cleanup()

    # ------------------------------------------------------------------ csv

    def _open_csv(self) -> None:
        self._encode = _text_encoder(self.encoding)
        self._fh = open(self.path, "wb")  # noqa: SIM115 - closed in close()/_abort()
        if self.encoding == "utf-8-sig":
            self._fh.write(codecs.BOM_UTF8)
        text = ""
        if self.title_rows:
            text += "".join(_csv_line([t], self.delimiter, self.line_terminator) for t in self.title_rows)
            text += self.line_terminator
        self.header_row = len(self.title_rows) + 1 if self.title_rows else 0
        text += _csv_line(self.columns, self.delimiter, self.line_terminator)
        self._write_text(text)

    def _write_text(self, text: str) -> None:
        data, bad = self._encode(text)
        self.unencodable += bad
        self._fh.write(data)

    def _write_csv(self, chunk: pl.DataFrame) -> None:
        opts = dict(
            include_header=False,
            separator=self.delimiter,
            line_terminator=self.line_terminator,
            quote_char='"',
            quote_style="necessary",
        )
        if self.encoding in ("utf-8", "utf-8-sig"):
            chunk.write_csv(self._fh, **opts)  # straight from Rust to the file
        else:
            self._write_text(chunk.write_csv(None, **opts))

    def _close_csv(self) -> None:
        self._fh.close()

    # ------------------------------------------------------------------ xlsx

    def _open_xlsx(self) -> None:
        import xlsxwriter

        self._wb = xlsxwriter.Workbook(
            str(self.path),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        doc_title = self.title_rows[1] if len(self.title_rows) > 1 else self.table
        self._wb.set_properties({"created": self.created, "title": doc_title})
        self._fmt_title = self._wb.add_format({"bold": True, "align": "center", "valign": "vcenter"})
        self._fmt_header = self._wb.add_format({"bold": True, "border": 1, "text_wrap": True})
        self.header_row = len(self.title_rows) + 1 if self.title_rows else 0
        per_sheet_max = XLSX_MAX_ROWS - self.header_row - 1
        self._per_sheet = min(self.sheet_rows or per_sheet_max, per_sheet_max)
        self._ws = None
        self._sheet_used = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        name = f"Trang {len(self.sheets) + 1}"
        ws = self._wb.add_worksheet(name)
        self.sheets.append(name)
        ncols = len(self.columns)
        ws.set_column(0, ncols - 1, 18)
        for r, title in enumerate(self.title_rows):
            if ncols > 1:
                ws.merge_range(r, 0, r, ncols - 1, title, self._fmt_title)
            else:
                ws.write_string(r, 0, title, self._fmt_title)
        for c, name_ in enumerate(self.columns):
            ws.write_string(self.header_row, c, name_, self._fmt_header)
        ws.freeze_panes(self.header_row + 1, 0)
        self._ws = ws
        self._sheet_used = 0

    def _write_xlsx(self, chunk: pl.DataFrame) -> None:
        # Excel holds at most 32,767 characters in a cell (xlsxwriter cuts longer ones).
        over = chunk.select(
            pl.sum_horizontal([pl.col(c).str.len_chars().gt(XLSX_MAX_CHARS).sum() for c in self.columns])
        ).item()
        if over:
            raise ValueError(f"{over} cells are longer than Excel's {XLSX_MAX_CHARS} characters")
        first = self.header_row + 1
        for row in chunk.iter_rows():
            if self._sheet_used >= self._per_sheet:
                self._new_sheet()
            r = first + self._sheet_used
            write = self._ws.write_string
            for c, v in enumerate(row):
                if v is not None and v != "":
                    write(r, c, v)
            self._sheet_used += 1

    def _close_xlsx(self) -> None:
        ws = self._wb.add_worksheet("Ghi chú")
        note = self.note if self.note is not None else DEFAULT_NOTE
        ws.set_column(0, 0, 100)
        ws.write_string(0, 0, "Ghi chú", self._fmt_title)
        ws.write_string(1, 0, note.format(sheets=", ".join(self.sheets), rows=self.rows))
        self._wb.close()

    # ------------------------------------------------------------------ jsonl

    def _open_jsonl(self) -> None:
        self._fh = open(self.path, "wb")  # noqa: SIM115

    def _write_jsonl(self, chunk: pl.DataFrame) -> None:
        chunk.write_ndjson(self._fh)

    def _close_jsonl(self) -> None:
        self._fh.close()

    # ------------------------------------------------------------------ sqlite

    def _open_sqlite(self) -> None:
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA synchronous = OFF")
        cols = ", ".join(f"{_quote_ident(c)} TEXT" for c in self.columns)
        self._db.execute(f"CREATE TABLE {_quote_ident(self.table)} ({cols})")
        marks = ", ".join("?" for _ in self.columns)
        names = ", ".join(_quote_ident(c) for c in self.columns)
        self._insert = f"INSERT INTO {_quote_ident(self.table)} ({names}) VALUES ({marks})"
        self._db.commit()

    def _write_sqlite(self, chunk: pl.DataFrame) -> None:
        with self._db:  # one transaction per chunk
            self._db.executemany(self._insert, chunk.iter_rows())

    def _close_sqlite(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ postgres

    def _qualified(self) -> str:
        t = _quote_ident(self.table)
        return f"{_quote_ident(self.schema)}.{t}" if self.schema else t

    def _open_postgres_dump(self) -> None:
        self._fh = open(self.path, "wb")  # noqa: SIM115
        cols = ",\n".join(f"    {_quote_ident(c)} text" for c in self.columns)
        names = ", ".join(["source_pk", *(_quote_ident(c) for c in self.columns)])
        self._copy_head = f"COPY {self._qualified()} ({names}) FROM stdin;\n".encode()
        lines = [
            "--",
            f"-- wardbridge synthetic export: {self._qualified()}",
            "-- Plain SQL, load with: psql -v ON_ERROR_STOP=1 -f <file> <database>",
            "--",
            "",
            "SET statement_timeout = 0;",
            "SET client_encoding = 'UTF8';",
            "SET standard_conforming_strings = on;",
            "SET client_min_messages = warning;",
            "",
        ]
        if self.schema:
            lines.append(f"CREATE SCHEMA IF NOT EXISTS {_quote_ident(self.schema)};")
            lines.append("")
        lines += [
            f"CREATE TABLE {self._qualified()} (",
            "    source_pk bigint NOT NULL" + (",\n" + cols if cols else ""),
            ");",
            "",
            "",
        ]
        self._fh.write("\n".join(lines).encode("utf-8"))

    def _write_postgres_dump(self, chunk: pl.DataFrame) -> None:
        nul = chunk.select(
            pl.sum_horizontal([pl.col(c).str.count_matches("\x00", literal=True).sum() for c in self.columns])
        ).item()
        if nul:
            self.unencodable += nul
            chunk = chunk.with_columns(pl.col(self.columns).str.replace_all("\x00", "?", literal=True))
        start = self.rows + 1
        lines = chunk.select(
            pl.concat_str(
                [
                    pl.int_range(start, start + chunk.height, dtype=pl.Int64).cast(pl.String),
                    *(copy_escape(pl.col(c)) for c in self.columns),
                ],
                separator="\t",
            ).alias("line")
        )
        self._fh.write(self._copy_head)
        # One column, no quoting: each line as is, "\n"-terminated.
        lines.write_csv(self._fh, include_header=False, quote_style="never", line_terminator="\n")
        self._fh.write(b"\\.\n\n")

    def _close_postgres_dump(self) -> None:
        pkey = f"{self.table}_pkey".encode()[:63].decode("utf-8", "ignore")
        self._fh.write(
            (
                f"\nALTER TABLE ONLY {self._qualified()}\n"
                f"    ADD CONSTRAINT {_quote_ident(pkey)} PRIMARY KEY (source_pk);\n\n"
                f"-- rows: {self.rows}\n"
            ).encode()
        )
        self._fh.close()

    # ------------------------------------------------------------------ dbf

    def _open_dbf(self) -> None:
        # A dBase header states every field's width before the records: chunks are encoded and kept in a
        # temporary directory (memory stays bounded by a chunk), the file is written at close.
        self._encode = _text_encoder(self.encoding)
        self._spill = tempfile.TemporaryDirectory(prefix=".dbf-", dir=self.path.parent)
        self._parts: list[Path] = []
        self._widths = dict.fromkeys(self.columns, 1)

    def _write_dbf(self, chunk: pl.DataFrame) -> None:
        encoded = {}
        for c in self.columns:
            values, bad = _encode_cells(chunk[c].fill_null(""), self._encode)
            self.unencodable += bad
            longest = int(values.bin.size().max() or 0)
            if longest > DBF_MAX_WIDTH:
                raise ValueError(
                    f"column {c!r}: a value of {longest} bytes does not fit a dBase field ({DBF_MAX_WIDTH})"
                )
            self._widths[c] = max(self._widths[c], longest)
            encoded[c] = values
        part = Path(self._spill.name) / f"{len(self._parts)}.arrow"
        pl.DataFrame(encoded).write_ipc(part)
        self._parts.append(part)

    def _close_dbf(self) -> None:
        widths = [self._widths[c] for c in self.columns]
        record_length = 1 + sum(widths)
        header_length = 32 + 32 * len(self.columns) + 1
        with open(self.path, "wb") as fh:
            day = self.created
            fh.write(
                struct.pack(
                    "<BBBBIHH20x", 0x03, day.year - 1900, day.month, day.day, self.rows, header_length, record_length
                )
            )
            for c, w in zip(self.columns, widths, strict=True):
                kind = self.field_types[c]
                fh.write(struct.pack("<11sc4xBB14x", c.encode("ascii"), kind.encode("ascii"), w, 0))
            fh.write(b"\r")
            for part in self._parts:
                frame = pl.read_ipc(part)
                out = np.full((frame.height, record_length), 0x20, dtype=np.uint8)
                offset = 1
                for c, w in zip(self.columns, widths, strict=True):
                    out[:, offset : offset + w] = _fixed_width(frame[c], w, right=self.field_types[c] in ("N", "F"))
                    offset += w
                fh.write(out.tobytes())
            fh.write(b"\x1a")
        self._spill.cleanup()
        self._spill = None


def _check_dbf_names(columns: Sequence[str]) -> None:
    """dBase field names: 1-10 ASCII letters, digits or '_', starting with a letter."""
    bad = [c for c in columns if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,9}", c)]
    if bad:
        raise ValueError(f"columns {bad} cannot be dBase field names (1-10 ASCII letters, digits, '_')")


def _encode_cells(values: pl.Series, encode: Callable[[str], tuple[bytes, int]]) -> tuple[pl.Series, int]:
    """Each cell encoded (Binary series) and the count of characters replaced by '?'. The column is encoded in
    one call, cells joined by a control character none of them holds."""
    sep = next(
        chr(c) for c in (0x1E, 0x1F, 0x1D, 0x1C, 0x0A, 0x01) if not values.str.contains(chr(c), literal=True).any()
    )
    data, bad = encode(sep.join(values.to_list()))
    cells = data.split(sep.encode("ascii"))
    return pl.Series(values.name, cells, dtype=pl.Binary), bad


def _fixed_width(values: pl.Series, width: int, *, right: bool) -> np.ndarray:
    """(rows, width) uint8: each cell's bytes padded with spaces (on the left when ``right``)."""
    n = values.len()
    lengths = values.bin.size().to_numpy()
    cells = (
        np.array(values.to_list(), dtype=f"S{width}").view(np.uint8).reshape(n, width)
        if n
        else np.zeros((0, width), np.uint8)
    )
    columns = np.arange(width)
    if right:  # shift each cell right by its padding
        shift = (width - lengths)[:, None]
        source = np.clip(columns - shift, 0, width - 1)
        return np.where(columns >= shift, np.take_along_axis(cells, source, axis=1), 0x20).astype(np.uint8)
    return np.where(columns < lengths[:, None], cells, 0x20).astype(np.uint8)


def mark_deleted(path: Path | str, records: Sequence[int]) -> None:
    """Mark records (1-based) of a .dbf file deleted, as FoxPro's DELETE does (the flag byte '*'; PACK never ran)."""
    path = Path(path)
    with open(path, "r+b") as fh:
        head = fh.read(12)
        header_length, record_length = struct.unpack_from("<HH", head, 8)
        for n in records:
            fh.seek(header_length + (n - 1) * record_length)
            fh.write(b"*")


def open_writer(
    path: Path | str,
    fmt: str,
    table: str,
    columns: Sequence[str],
    **options,
) -> TableWriter:
    """Open a :class:`TableWriter` (same arguments)."""
    return TableWriter(path, fmt, table, columns, **options)


# --------------------------------------------------------------------------- damage


@dataclass
class TruncateResult:
    path: Path
    original_bytes: int
    kept_bytes: int


def truncate_file(path: Path | str, keep_fraction: float, *, char_boundary: bool = True) -> TruncateResult:
    """Cut a file as an interrupted download or copy would: in the middle of a row.

    About ``keep_fraction`` of the bytes are kept; the cut is moved so that it falls
    strictly inside a line's content (never right after a line break, never between
    a line's last character and its terminator), so the last row is incomplete and
    there is no trailing newline. Rows are lines of the file: a cut inside a quoted
    CSV field that spans lines leaves an unterminated quote, which is as bad.
    ``char_boundary`` (default) keeps the cut off UTF-8 continuation bytes so that a
    UTF-8 file still decodes; pass False to cut anywhere.
    """
    if not 0.0 < keep_fraction < 1.0:
        raise ValueError("keep_fraction must be between 0 and 1 (exclusive)")
    path = Path(path)
    data = path.read_bytes()
    n = len(data)
    lines: list[tuple[int, int]] = []  # (start, end of content) of every line with >= 2 bytes
    pos = 0
    while pos < n:
        nl = data.find(b"\n", pos)
        end = n if nl < 0 else nl
        content_end = end - 1 if end > pos and data[end - 1] == 0x0D else end
        if content_end - pos >= 2:
            lines.append((pos, content_end))
        pos = end + 1
    if len(lines) < 2:
        raise ValueError(f"{path} has no line that can be cut after the first")
    target = int(n * keep_fraction)
    # The line holding the target (or the nearest one before it); never the first line.
    chosen = lines[1]
    for start, content_end in lines[1:]:
        if start > target:
            break
        chosen = (start, content_end)
    start, content_end = chosen
    cut = min(max(target, start + 1), content_end - 1)
    if char_boundary:
        while cut > start + 1 and 0x80 <= data[cut] <= 0xBF:
            cut -= 1
    with open(path, "r+b") as fh:
        fh.truncate(cut)
    return TruncateResult(path=path, original_bytes=n, kept_bytes=cut)
