"""A CSV's blank lines: no record, dropped (those inside the file said), the rows kept numbered as the file."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.reading.mends import file_tail
from pipelines.reading.messages import echo
from pipelines.reading.records import csv_records, python_csv
from pipelines.reading.short_rows import rows_by_columns
from pipelines.reading.tables import TableRead

BLANK_LINES_SHOWN = 3


def without_blank_lines(
    frame: pl.DataFrame, path: Path, source: Path | bytes, sep: str, aside: frozenset[tuple[int, int]] = frozenset()
) -> TableRead:
    """The CSV's rows without those Polars made of blank lines (a line with nothing on it, outside a quoted field):
    Polars reads each as a row of nulls, so a 4-row file with blank lines between its rows was resolved as 8 rows,
    and `match` refused it ('rows have no id'). A blank line is no record: it is dropped, and those inside the file
    are said on stderr (how many, the first few line numbers; never a value). Blank lines at the end (a file saved
    with a line break too many) are dropped without a word. A row of delimiters only (',,,') is a row of empty
    fields, and stays one. Only looked for when a row is all null; when the file's rows as Python's CSV reader
    splits them do not match Polars' rows one for one (a lone CR as line end...), only the blank lines at the end
    are dropped (without_trailing_blank_lines). The rows kept come with their data-row numbers in the file
    (TableRead.data_rows) when blank lines inside were skipped, for messages that name data rows. ``aside``: the
    records --quarantine left blank (first line, last line), dropped as blank lines but not said as such
    (write_quarantine says them); a record over several lines counts as one data row, as in the file."""
    if not frame.height or not frame.width or not all(column.null_count() for column in frame.iter_columns()):
        return TableRead(frame)  # a column without a null: no row is all null
    empty = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
    if not empty.any():
        return TableRead(frame)
    import numpy as np  # here: its import is no cost of every CSV read

    data = source if isinstance(source, bytes) else path.read_bytes()
    # --quarantine's records set aside are numbered as csv_records numbers lines (at LF only): so are the rows here
    rows = _rows_walked(data, sep) if aside else rows_by_columns(data, sep)
    if rows is NotImplemented:
        rows = _rows_read(data, sep)
    if rows is None:
        return TableRead(without_trailing_blank_lines(frame, source))
    first_line, blank = rows[0], rows[1]
    header = int(np.argmin(blank))  # Polars skips blank lines before the header
    first_line, blank = first_line[header + 1 :], blank[header + 1 :]
    if blank.size != frame.height or not empty.filter(pl.Series(blank)).all():
        return TableRead(without_trailing_blank_lines(frame, source))
    if not blank.any():
        return TableRead(frame)
    last = np.flatnonzero(~blank)
    inside = np.flatnonzero(blank[: last[-1]]) if last.size else np.array([], dtype=np.int64)
    lines_aside = [line for first, last in aside for line in range(first, last + 1)]
    said = inside[~np.isin(first_line[inside], lines_aside)] if aside else inside
    if said.size:
        lines = [str(int(line)) for line in first_line[said[:BLANK_LINES_SHOWN]]]
        more = f" and {said.size - len(lines)} more" if said.size > len(lines) else ""
        plural = "s" if said.size > 1 else ""
        echo(
            f"wardbridge: {path}: {said.size} blank line{plural} skipped (line{plural} {', '.join(lines)}{more}): "
            "a blank line is no record; data rows named in later messages count them as rows"
        )
    kept = ~blank
    data_rows = np.flatnonzero(kept) + 1 if inside.size else None
    if data_rows is not None and any(last > first for first, last in aside):
        # a record set aside over several lines is one data row: its other lines are no row of their own
        others = [line for first, last in aside for line in range(first + 1, last + 1)]
        data_rows = np.cumsum(~np.isin(first_line, others))[kept]
    return TableRead(frame.filter(pl.Series(kept)), data_rows)


def _rows_walked(data: bytes, sep: str):  # -> (first_line, blank) arrays, or None
    """rows_by_columns' first two answers from csv_records: lines numbered at LF only, as --quarantine numbers the
    records it sets aside (a CR inside a quoted cell is no line end, as rows_by_columns numbers them too); the
    records set aside left blank are walked as blank lines. None when a record cannot be split or there is none."""
    import numpy as np

    first_line, blank = [], []
    for first, _last, fields in csv_records(data.decode("utf-8-sig", errors="replace"), sep):
        if isinstance(fields, str):
            return None
        first_line.append(first)
        blank.append(not fields)
    if not first_line:
        return None
    return np.array(first_line, dtype=np.int64), np.array(blank, dtype=bool)


def _rows_read(data: bytes, sep: str):  # -> (first_line, blank) arrays, or None
    """rows_by_columns' first two answers with Python's CSV reader, row by row (any file); None when it cannot
    read the file."""
    import csv

    import numpy as np

    first_line, blank = [], []
    with python_csv(data, sep, strict=False) as (reader, line):
        try:
            start = 1
            for row in reader:
                first_line.append(line(start))
                blank.append(not row)
                start = reader.line_num + 1
        except csv.Error:
            return None
    if not first_line:
        return None
    return np.array(first_line, dtype=np.int64), np.array(blank, dtype=bool)


def without_trailing_blank_lines(frame: pl.DataFrame, source: Path | bytes) -> pl.DataFrame:
    """The CSV's rows without those Polars made of empty lines at the file's end (a file saved with an extra line
    break or two): Polars reads an empty line as a row of nulls, so `wardbridge match` refused such a file ('1 rows
    have no id') and `resolve` wrote an unresolved row more than the file holds. Only the rows of nulls that empty
    lines at the very end account for are dropped: without_blank_lines' fallback, when it cannot tell which rows
    the blank lines inside the file made."""
    if not frame.height or not frame.width:
        return frame
    tail = source[-256:] if isinstance(source, bytes) else file_tail(source)
    for end in (b"\r\n", b"\n", b"\r"):  # the last line's own line break
        if tail.endswith(end):
            tail = tail[: -len(end)]
            break
    blank = 0
    while tail.endswith((b"\n", b"\r")):
        tail = tail[:-2] if tail.endswith(b"\r\n") else tail[:-1]
        blank += 1
    if not blank:
        return frame
    filled = frame.select(~pl.all_horizontal(pl.all().is_null())).to_series().arg_true()  # rows not all null
    trailing = frame.height - (int(filled[-1]) + 1 if filled.len() else 0)
    return frame.head(frame.height - min(blank, trailing))
