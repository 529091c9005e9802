"""What is mended in a CSV's bytes before Polars reads them, each mend said on stderr: end-of-file marks, lines
ending in a CR alone, Excel's 'sep=' line, byte order marks inside the file (files joined), --skip-rows' lines."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import click
import polars as pl

from pipelines.reading.messages import NUL_ROWS_SHOWN, echo
from pipelines.reading.tables import TableRead
from pipelines.text import EXCEL_SEP_START


def skipped_lines(data: bytes, n: int, path: Path) -> bytes:
    """``data`` with its first ``n`` lines left blank (--skip-rows: a title above the header, as a sheet saved as
    CSV has), so that the line numbers of later messages stay the file's; said on stderr. Refused when nothing
    would be left."""
    at = 0
    for _ in range(n):
        end = data.find(b"\n", at)
        if end < 0:
            raise click.ClickException(f"{path}: --skip-rows {n}: the file has fewer lines; nothing left to read")
        at = end + 1
    if not data[at:].strip():
        raise click.ClickException(f"{path}: --skip-rows {n}: nothing after the lines skipped")
    echo(f"wardbridge: {path}: line{'s 1-' if n > 1 else ' '}{n} skipped (--skip-rows {n}): the header is below")
    return b"\n" * n + data[at:]


def read_without_inner_marks(data: bytes, sep: str, path: Path, source: Path | bytes) -> tuple:
    """A CSV that Polars could not read, read again without the byte order marks at its lines' starts (files joined
    together): a mark before a quoted first cell holding the delimiter ('\ufeff"12 Lê Lợi, P. 5",2') kept the quote
    from opening the cell, which was split and the row refused ('has 4 fields where the header has 2'). Said with
    the lines, never a value. (frame, source), or (None, source) when there is none or it does not help."""
    inner = b"\n\xef\xbb\xbf"
    if inner not in data:
        return None, source
    mended = data.replace(inner, b"\n")
    try:
        frame = pl.read_csv(mended, infer_schema=False, separator=sep, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError):
        return None, source
    lines = [m.start() for m in re.finditer(re.escape(inner), data)]
    shown = ", ".join(str(data.count(b"\n", 0, at) + 2) for at in lines[:NUL_ROWS_SHOWN])
    echo(
        f"wardbridge: {path}: a byte order mark at the start of {len(lines):,} line{'s' if len(lines) > 1 else ''} "
        f"({shown}{', ...' if len(lines) > NUL_ROWS_SHOWN else ''}): files joined together? It is no text: taken out"
    )
    return frame, mended


def without_inner_marks(read: TableRead, path: Path) -> TableRead:
    """A CSV's rows without a byte order mark at their start (files joined together, each saved with its mark): it
    stuck to the row's first cell, an id '\ufeff2' that met no '2'. Ingestion takes them out too (readers._read_csv).
    A first cell quoted after the mark ('\ufeff"2"': the quote did not open the cell) loses its quotes. Said on stderr
    with the data rows, never a value."""
    frame = read.frame
    if not frame.width or not frame.height or frame.schema[frame.columns[0]] != pl.String:
        return read
    first = pl.col(frame.columns[0])
    marked = frame.select(first.str.starts_with("\ufeff").fill_null(False).arg_true()).to_series()
    if not marked.len():
        return read
    cell = first.str.strip_prefix("\ufeff")
    cell = pl.when(cell.str.contains(r'^"[^"]*"$')).then(cell.str.slice(1, cell.str.len_chars() - 2)).otherwise(cell)
    n, where = marked.len(), read.where(marked.head(NUL_ROWS_SHOWN).to_list())
    echo(
        f"wardbridge: {path}: a byte order mark at the start of {n:,} row{'s' if n > 1 else ''} ({where}"
        f"{', ...' if n > NUL_ROWS_SHOWN else ''}): files joined together? It is no text: taken off the row's first cell"
    )
    return dataclasses.replace(read, frame=frame.with_columns(cell.alias(frame.columns[0])))


def mended(
    source: Path | bytes, path: Path, head: bytes, sep: str, delimiter: str | None
) -> tuple[Path | bytes, str, bool]:
    """The CSV (its path, or its text as UTF-8 bytes once decoded) mended where Polars would misread it, each mend
    said on stderr: an end-of-file mark or NUL padding after the last row (without_end_marks), lines ending in a
    CR alone (with_lone_cr_line_ends), Excel's delimiter line 'sep=;' above the header (no row: the delimiter it
    names is used unless --delimiter says; the line is left blank, so line numbers stay the file's). A path is read
    only when its last bytes or ``head`` (the first 64 kB, whole lines) show a mend is needed. With the delimiter, and
    whether the whole text was looked at for lone CRs (then none is left outside quotes: report_short_rows need not
    look again)."""
    if isinstance(source, bytes):
        source = without_end_marks(source, path) or source
    elif file_tail(path).endswith((b"\x1a", b"\x00")):
        source = without_end_marks(path.read_bytes(), path) or source
    crs_looked_at = isinstance(source, bytes) or bool(_LONE_CR.search(head))
    if isinstance(source, bytes):
        source = with_lone_cr_line_ends(source, path) or source
    elif crs_looked_at:
        source = with_lone_cr_line_ends(path.read_bytes(), path) or source
    found = EXCEL_SEP_START.match(source if isinstance(source, bytes) else head)
    if found:
        data = source if isinstance(source, bytes) else path.read_bytes()
        source = data[: found.start(1) - 4] + data[found.end(1) :]
        written = found.group(1).decode()
        sep = delimiter or written
        echo(f"wardbridge: {path}: line 1 'sep={written}' (Excel's delimiter line) is no row; the delimiter is {sep!r}")
    return source, sep, crs_looked_at


def file_tail(path: Path, size: int = 256) -> bytes:
    with path.open("rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - size))
        return f.read()


def without_end_marks(data: bytes, path: Path) -> bytes | None:
    """``data`` without what old programs left after the last row, said on stderr: a DOS end-of-file mark (Ctrl-Z,
    0x1A) and NUL padding after the last line end (a pre-allocated or zero-filled file), as ingestion reads them
    (not a row); Polars read each as a row more ('resolved 3 rows' from a file of 2). NULs after a row cut short are
    its truncation, kept (the row is read short, its NULs taken out). None when there is none."""
    text, marks = data, []
    if text.endswith(b"\x1a"):
        text = text.rstrip(b"\x1a")
        marks.append("a DOS end-of-file mark (Ctrl-Z)")
    if text.endswith(b"\x00") and text.rstrip(b"\x00").endswith((b"\n", b"\r")):
        padding = len(text) - len(text.rstrip(b"\x00"))
        text = text.rstrip(b"\x00")
        marks.append(f"{padding} NUL byte{'s' if padding > 1 else ''} of padding")
    if not marks:
        return None
    echo(f"wardbridge: {path}: {' and '.join(marks)} after the last row: not a row")
    return text


_LONE_CR = re.compile(rb"\r(?!\n)")  # a carriage return that ends a line alone


def with_lone_cr_line_ends(data: bytes, path: Path) -> bytes | None:
    """``data`` with each carriage return that ends a line alone (CR without LF: a file saved as 'CSV (Macintosh)',
    or pasted together from such files) made a line feed, said on stderr (how many lines). Polars ends lines at LF
    only: such a file was read as one header row of every value (values named as columns in messages) or refused
    ('cannot read as CSV'). A CR inside a quoted field (an even number of quotes before it is outside one; a doubled
    quote counts two) is the cell's text and is kept. None when no line ends in a CR alone."""
    ends = lone_cr_ends(data)
    if not len(ends):
        return None
    echo(
        f"wardbridge: {path}: {len(ends)} line{'s' if len(ends) > 1 else ''} ending in a carriage return alone (CR, "
        "as old Mac files end lines) read as line ends"
    )
    mended = bytearray(data)
    if isinstance(ends, list):
        for at in ends:
            mended[at] = ord("\n")
    else:
        import numpy as np

        np.frombuffer(mended, dtype=np.uint8)[ends] = ord("\n")
    return bytes(mended)


# Up to this many carriage returns in a file, the lone ones are found with bytes.find and their quotes counted with
# bytes.count (no numpy: its import alone costs more than the search); more (a file whose every line ends in one,
# CRLF files) are found with numpy.
_FEW_CRS = 20_000


def lone_cr_ends(data: bytes):  # -> list[int] or a numpy array of the offsets
    """The offsets of the carriage returns in ``data`` that end a line alone (no LF after them; a last byte CR too)
    outside quoted fields (an even number of quotes before them)."""
    crs, at = [], data.find(b"\r")
    while at != -1 and len(crs) <= _FEW_CRS:
        crs.append(at)
        at = data.find(b"\r", at + 1)
    if at == -1:
        ends, quotes, counted = [], 0, 0
        for at in crs:
            if data[at + 1 : at + 2] == b"\n":
                continue
            quotes += data.count(b'"', counted, at)
            counted = at
            if not quotes % 2:
                ends.append(at)
        return ends
    import numpy as np

    raw = np.frombuffer(data, dtype=np.uint8)
    cr = np.flatnonzero(raw == ord("\r"))
    lone = cr[raw[np.minimum(cr + 1, raw.size - 1)] != ord("\n")]  # (a last byte CR: itself)
    if not lone.size:
        return lone
    quotes = np.flatnonzero(raw == ord('"'))
    return lone[np.searchsorted(quotes, lone) % 2 == 0]  # outside quotes
