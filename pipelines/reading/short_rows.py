"""A CSV's rows with fewer fields than the header: read (the missing fields empty), but said."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.reading.mends import lone_cr_ends
from pipelines.reading.messages import echo
from pipelines.reading.records import python_csv

SHORT_ROWS_SHOWN = 5


# rows with fewer fields than the header per option (--input, --labels...) of the files the command read: a command
# clears it when it starts and its final summary line counts them (short_rows_note)
SHORT_ROWS_READ: dict[str, int] = {}


def short_rows_note() -> str:
    """For a command's final summary line: the short rows of the CSV files it read, per option ('' when none)."""
    found = {option: n for option, n in SHORT_ROWS_READ.items() if n}
    if not found:
        return ""
    total = sum(found.values())
    per = ", ".join(f"{option} {n:,}" for option, n in found.items())
    return f"; {total:,} row{'s' if total > 1 else ''} with fewer fields than the header, read as empty ({per})"


def report_short_rows(
    frame: pl.DataFrame, path: Path, source: Path | bytes, sep: str, option: str = "", no_lone_crs: bool = False
) -> None:
    """Say on stderr which rows of a CSV have fewer fields than its header (file, lines, field counts; never a value):
    Polars reads their missing fields as empty, so such a row is read, but not silently. Only looked for when the last
    column has an empty cell (a short row's last field is always missing), then with Python's CSV reader. Their
    count is kept under ``option`` in SHORT_ROWS_READ for the command's summary line. ``no_lone_crs``: the text was
    looked at for carriage returns ending a line alone outside quotes (with_lone_cr_line_ends) and holds none."""
    if frame.width < 2 or not frame.height or not frame.to_series(frame.width - 1).null_count():
        return
    data = source if isinstance(source, bytes) else path.read_bytes()
    if _no_short_rows(frame, data, sep, no_lone_crs):
        return
    found = short_rows(data, sep)
    if found is None:
        return
    count, expected, shown = found
    if option:
        SHORT_ROWS_READ[option] = SHORT_ROWS_READ.get(option, 0) + count
    lines = ", ".join(f"line {line} ({fields})" for line, fields in shown) + (", ..." if count > len(shown) else "")
    echo(
        f"wardbridge: {path}: {count} row{'s' if count > 1 else ''} with fewer fields than the header's {expected} "
        f"(delimiter {sep!r}): {lines}; the missing fields are read as empty. Check those lines (a line cut short, "
        "or a value holding a line break without quotes)"
    )


def _no_short_rows(frame: pl.DataFrame, data: bytes, sep: str, no_lone_crs: bool = False) -> bool:
    """True when no row of the CSV ``data`` has fewer fields than its header, known without splitting the rows
    (short_rows' numpy pass over every byte position costs about 0.5 CPU s per 100 MB): ``frame`` is what Polars
    read from ``data`` (all text, blank lines' rows dropped), and Polars refuses a row with more fields than the
    header (but on a last line without a line end), so the rows have (fields - 1) x rows delimiters outside quoted
    fields exactly when none is short. Those
    are the file's delimiters less those inside the cells and column names (a quoted field keeps its delimiters).
    Only where Python's CSV reader (short_rows' answer) ends the rows where Polars did: no carriage return ends a
    line alone outside quotes (Polars ends lines at LF only; looked for unless ``no_lone_crs``). False where unsure or
    short: short_rows then counts."""
    if len(sep) != 1 or not sep.isascii() or sep in '"\r\n' or any(dtype != pl.String for dtype in frame.dtypes):
        return False
    if (not no_lone_crs and len(lone_cr_ends(data))) or sep.encode() in data[data.rfind(b"\n") + 1 :]:
        return False  # (Polars drops one empty field too many on a last line without a line end: unsure)
    inside = frame.select(pl.sum_horizontal(pl.all().str.count_matches(sep, literal=True).sum())).item() or 0
    inside += sum(name.count(sep) for name in frame.columns)
    return data.count(sep.encode()) - inside == (frame.width - 1) * (frame.height + 1)


def short_rows(data: bytes, sep: str) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The CSV rows with fewer fields than the header, as Python's CSV reader reads them (quoted fields as Polars reads
    them; blank lines are no rows): (how many, the header's field count, the first few as (the line where the row
    starts, its field count)); None when there is none or the file cannot be read so. Counted over columns where the
    quoting allows (_short_rows_by_columns), else with the reader itself."""
    counted = _short_rows_by_columns(data, sep)
    return _short_rows_read(data, sep) if counted is NotImplemented else counted


def _short_rows_read(data: bytes, sep: str) -> tuple[int, int, list[tuple[int, int]]] | None:
    """short_rows with Python's CSV reader, row by row (any file)."""
    import csv

    count, shown = 0, []
    with python_csv(data, sep, strict=False) as (reader, line):
        try:
            expected = len(next(reader, []))
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) < expected:
                    count += 1
                    if len(shown) < SHORT_ROWS_SHOWN:
                        shown.append((line(start), len(row)))
                start = reader.line_num + 1
        except csv.Error:
            return None
    return (count, expected, shown) if count else None


def rows_by_columns(data: bytes, sep: str):  # -> (first_line, blank, fields) arrays, None, or NotImplemented
    """The CSV's rows (the header included) as Python's CSV reader splits them, computed over byte positions with
    numpy: per row the line where it starts (as the CLI numbers lines: a CR inside a quoted cell is the cell's
    text, no line end; file_lines), whether it is a blank line (no row for Python's reader, a row of nulls
    for Polars) and its field count; None when the file holds no row. About 0.1 CPU s for 100 MB, where Python's CSV
    reader takes a second; only for the files whose quoting leaves no doubt: an even number of quotes, each opening one
    at a field's start (after the delimiter, a line end, the file's start or the quote closing the field before:
    a doubled quote). There a delimiter or line end (LF, CRLF, a lone CR) is inside a quoted field exactly when an
    odd number of quotes stands before it, which is how Python's reader splits such a file. Anything else (a quote
    inside an unquoted field, a quoted field never closed, a multi-byte delimiter...) is NotImplemented: the caller
    reads the file with Python's reader."""
    import numpy as np

    if len(sep) != 1 or not sep.isascii() or sep in '"\r\n':
        return NotImplemented
    body = data.removeprefix(b"\xef\xbb\xbf")  # the BOM Python's utf-8-sig decoding drops
    text = np.frombuffer(body, dtype=np.uint8)
    quote, delimiter, lf, cr = ord('"'), ord(sep), ord("\n"), ord("\r")
    table = bytearray(256)
    for byte in (quote, delimiter, lf, cr):
        table[byte] = 1
    at = np.flatnonzero(np.frombuffer(body.translate(table), dtype=np.bool_))  # every quote, delimiter, CR and LF
    kind = text[at]
    is_quote = kind == quote
    # an odd number of quotes up to here (included): the parity of a uint8 running sum (256 is even)
    odd = (np.cumsum(is_quote, dtype=np.uint8) & 1).view(np.bool_)
    if odd.size and odd[-1]:
        return NotImplemented
    outside = ~odd  # for a delimiter or line end: not inside a quoted field
    opening = at[is_quote & odd]
    before = text[np.maximum(opening - 1, 0)]
    if not ((opening == 0) | np.isin(before, [delimiter, lf, cr, quote])).all():
        return NotImplemented
    line_end = kind == lf  # a line ends at LF, CRLF (at its LF) or a lone CR, as Python's reader splits lines
    if b"\r" in body:
        crs = np.flatnonzero(kind == cr)  # looked at only at the CRs (not the byte after every event)
        line_end[crs] = text[np.minimum(at[crs] + 1, text.size - 1)] != lf
    # the file's lines: at LF, and at a CR alone outside quoted fields (an old Mac file's), not at one inside a cell
    lines_to = np.cumsum(line_end & ((kind == lf) | outside), dtype=np.int64)
    delimiters_to = np.cumsum((kind == delimiter) & outside, dtype=np.int64)
    ends = np.flatnonzero(line_end & outside)  # the events that end a row
    starts = np.concatenate(([0], at[ends] + 1))
    stops = np.concatenate((at[ends], [text.size]))
    first_line = np.concatenate(([1], lines_to[ends] + 1))  # the line where each row starts
    before_row = np.concatenate(([0], delimiters_to[ends]))
    in_row = np.concatenate((delimiters_to[ends], delimiters_to[-1:] if at.size else [0])) - before_row
    if starts[-1] == text.size:  # the file ends with a line end: no row after it
        starts, stops, first_line, in_row = starts[:-1], stops[:-1], first_line[:-1], in_row[:-1]
    if not starts.size:
        return None
    lengths = stops - starts
    blank = (lengths == 0) | ((lengths == 1) & (text[np.minimum(starts, text.size - 1)] == cr))  # no row in Python
    return first_line, blank, in_row + 1


def _short_rows_by_columns(data: bytes, sep: str):  # -> short_rows' answer, or NotImplemented
    """short_rows' answer from rows_by_columns (numpy over byte positions), or NotImplemented where that cannot
    split the file."""
    import numpy as np

    rows = rows_by_columns(data, sep)
    if rows is NotImplemented or rows is None:
        return rows
    first_line, blank, fields = rows
    expected = 0 if blank[0] else int(fields[0])
    short = np.flatnonzero(~blank[1:] & (fields[1:] < expected)) + 1
    if not short.size:
        return None
    first = short[:SHORT_ROWS_SHOWN]
    shown = [(int(line), int(n)) for line, n in zip(first_line[first], fields[first], strict=True)]
    return int(short.size), expected, shown
