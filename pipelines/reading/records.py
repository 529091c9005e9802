"""The one walk of a CSV's records (Python's strict reader, lines numbered at LF as the CLI numbers them), and
the refusals' lines found with it: a row wider than the header, a quote never closed, a quote in a field not quoted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")  # a byte no UTF-8 character, decoded with surrogateescape


def raw_lines(data: bytes, numbers: set[int]) -> list[bytes]:
    """The lines (1-based ``numbers``) of ``data`` as bytes, without their line ends."""
    lines = data.split(b"\n")
    return [lines[n - 1].removesuffix(b"\r") for n in sorted(numbers) if n <= len(lines)]


class Record(NamedTuple):
    """A CSV record as csv_records walks it: the file's lines it starts and ends on (1-based), and its fields, or,
    for a record Python's strict reader cannot split, the reader's error (a str). What each check asks of a record
    is asked here: whether it was split, is a blank line, is a quoted field open at the end of the text, which of its
    fields hold bytes not valid UTF-8."""

    first: int
    last: int
    fields: list[str] | str

    @property
    def unsplit(self) -> bool:
        return isinstance(self.fields, str)

    @property
    def blank(self) -> bool:
        return self.fields == []

    @property
    def open_at_the_end(self) -> bool:
        """A quoted field opened in it and never closed: the reader met the end of the text inside it."""
        return isinstance(self.fields, str) and "end of data" in self.fields

    def columns_not_utf8(self) -> list[int]:
        """The positions (1-based) of its fields holding a byte no UTF-8 character (the text decoded with
        surrogateescape); none for a record not split."""
        if isinstance(self.fields, str):
            return []
        return [n for n, field in enumerate(self.fields, start=1) if NOT_UTF8_BYTE.search(field)]


def header_record(records: Iterable[Record]) -> Record | None:
    """The header of a CSV's ``records``: the first holding anything (blank lines above it are no header)."""
    return next((record for record in records if not record.blank), None)


def last_record(text: str, sep: str) -> Record | None:
    """The last record csv_records finds in ``text``."""
    from collections import deque

    last = deque(csv_records(text, sep), maxlen=1)
    return last[0] if last else None


def csv_records(text: str, sep: str) -> Iterator[Record]:
    """The CSV records of ``text`` (decoded, its lone CRs outside quotes already made line ends: mended) as Python's
    strict CSV reader splits them, quotes as Polars reads them: (the line where the record starts, the line where it
    ends, its fields), a blank line a record of no field. Lines are numbered as the CLI numbers them, at LF only: a CR
    inside a quoted cell ('x\\ry') is the cell's text, not a line end that would put the numbers ahead of the file's.
    A record the reader cannot split comes with the reader's error instead of its fields (a str: a quoted field never
    closed, 'unexpected end of data', ending on the file's last line; a quote closing a field followed by more text
    before the delimiter, a quote inside the field not doubled), and the walk goes on from the line after the one
    where the reader stopped. The one walk behind every check that names a record's lines: lines_set_aside (the
    records a line belongs to), unreadable_records (--quarantine's wide and unsplittable rows), csv_problem (the
    first broken record: first_bad_record), header_not_utf8 (HC5's damaged header: header_record) and the quote open at the
    file's end (last_record), without_blank_lines' rows once records were set aside."""
    import csv

    lines = text.removeprefix("\ufeff").split("\n")
    if lines[-1] == "":  # the last line's own line end: no line after it
        lines.pop()
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a runaway quoted field is the file's rest, not a size error
    try:
        reader = csv.reader((line + "\n" for line in lines), delimiter=sep, strict=True)
        start = 1
        while True:
            try:
                fields: list[str] | str = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                fields = str(exc)
            yield Record(start, reader.line_num, fields)
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)


def stray_quote(lines: list[str], first: int, last: int) -> bool:
    """Whether the record on ``lines`` ``first``-``last`` (1-based), which Python's CSV reader split, holds an odd
    number of quotes: one is in a field that is not quoted (a quoted field's own quotes, doubled ones included, come
    in pairs). Polars, which pairs quotes over the whole file, then reads on past the record's end and fails."""
    return sum(lines[n].count('"') for n in range(first - 1, last)) % 2 == 1


def stray_quote_line(data: bytes, sep: str) -> int | None:
    """The first line where a CSV record Python's reader splits starts and holds a quote in a field not quoted
    (stray_quote), the header's included; None when there is none."""
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    records = csv_records(text, sep)
    return next((r.first for r in records if not r.unsplit and stray_quote(lines, r.first, r.last)), None)


def csv_problem(data: bytes, sep: str, error: str, error_type: str) -> str:
    """Why Polars could not read ``data`` as CSV (its ``error``), said with a line and never a value: the first
    record that breaks it (first_bad_record), whichever Polars stumbled on: a row with more fields than the header
    (line, the header's and the row's field counts), or a quoted field it cannot split, with its own cause (a quote
    never closed, more text after a closing quote, a quoted field running over a line end); else a quote in a field
    not quoted, else the bare error type. A row with fewer fields is no error (Polars reads the missing ones as
    empty)."""
    more = "more fields" in error
    first = first_bad_record(data, sep)
    if first is not None and not first[0].unsplit:
        record, expected = first
        title = ""
        if expected == 1:  # the header Polars took: the first line that is not blank
            header_line = data[: len(data) - len(data.lstrip(b"\r\n"))].count(b"\n") + 1
            title = (
                "; a header of one field may be a title line above the real header (a sheet saved as CSV): remove it, "
                f"or give --skip-rows {header_line}"
            )
        return (
            f"line {record.first}: the row starting on this line has {len(record.fields)} fields where the header has "
            f"{expected} (delimiter {sep!r}): quote a value that holds the delimiter, or remove the extra delimiter"
            f"{title}"
        )
    if first is not None:
        return _quote_problem(first[0], sep)
    if not more and (line := stray_quote_line(data, sep)) is not None:
        return (
            f"line {line}: the row starting on this line has a quote inside a field that is not quoted, read as "
            'opening a value that runs on into the next rows: quote the field and double the quote as ""'
        )
    cause = "a row has more fields than the header" if more else error_type
    return f"cannot read as CSV with delimiter {sep!r} ({cause})"


def _quote_problem(record: Record, sep: str) -> str:
    """Why Python's strict reader could not split ``record`` (csv_records), said from the line it starts on."""
    line = record.first
    if "expected after" in str(record.fields) and record.first == record.last:  # `2,"x"y`: the quote is closed
        return (
            f"line {line}: the row starting on this line has a quoted field followed by more text before the delimiter "
            f'{sep!r} (a quote inside a quoted field not doubled as ""?): fix the quoting there'
        )
    if "expected after" in str(record.fields):  # `14,"never closed` then `15,"more"`: closed by the next row's quote
        return (
            f"line {line}: a quoted field opened in the row starting on this line is not closed on that line: it runs "
            f"on to line {record.last}, where more text follows the quote closing it (or a quote inside it is not "
            'doubled as ""): fix the quoting there'
        )
    return (
        f"line {line}: a quoted field opened in the row starting on this line is not closed "
        '(or a quote inside it is not doubled as ""): fix the quoting there'
    )


def first_bad_record(data: bytes, sep: str) -> tuple[Record, int] | None:
    """The first CSV record (csv_records, from the header on) that Polars cannot read as it is: one Python's strict
    reader cannot split (a quote never closed, more text after a closing quote; the header included), or a row with
    more fields than the header; with the header's field count (0 when the header itself cannot be split). None if
    there is none. Only run once the fast reader has failed. Names lines, never a value."""
    expected = None
    for record in csv_records(data.decode("utf-8-sig", errors="replace"), sep):
        if record.unsplit:
            return record, expected or 0
        if expected is None:  # the header: the first record holding anything
            expected = len(record.fields) or None
        elif len(record.fields) > expected:
            return record, expected
    return None


def field_count_problem(data: bytes, sep: str) -> tuple[int, int, int] | None:
    """The first CSV row with more fields than the header, read with Python's CSV reader (quoted fields as
    Polars reads them; csv_records: lines numbered at LF only, as --quarantine's reasons number them, a record the
    reader cannot split passed over): (the line where the row starts, the header's field count, the row's); None if
    every row fits. Only run once the fast reader has failed."""
    expected = None
    for record in csv_records(data.decode("utf-8-sig", errors="replace"), sep):
        if expected is None:  # the header: the first record holding anything
            if record.unsplit:
                return None
            expected = len(record.fields) or None
        elif not record.unsplit and len(record.fields) > expected:
            return record.first, expected, len(record.fields)
    return None


@contextmanager
def python_csv(data: bytes, sep: str, strict: bool) -> Iterator[tuple[Iterator[list[str]], Callable[[int], int]]]:
    """Python's CSV reader over ``data`` (UTF-8, replacement characters for the rest), the field size limit
    lifted while it reads: a runaway quoted field is the file's rest, not a size error. With the file's line of a
    line the reader counts (``reader.line_num``): the reader ends a line at a CR alone too, a CR inside a quoted
    cell ('x\\ry') included, where the CLI does not (file_lines)."""
    import csv
    import io

    text = data.decode("utf-8-sig", errors="replace")
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        yield csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=strict), file_lines(text)
    finally:
        csv.field_size_limit(limit)


_LINE_END = re.compile(r"\r\n|\n|\r")


def file_lines(text: str) -> Callable[[int], int]:
    """The file's line (1-based) of each line of ``text`` as Python's reader over io.StringIO(newline='') counts
    them: the reader ends a line at every CR alone, the CLI at LF and at a CR alone outside quoted fields (an old Mac
    file's line end, read as one: with_lone_cr_line_ends), not at one inside a quoted cell ('x\\ry': the cell's
    text). Quoted fields as with_lone_cr_line_ends finds them (an even number of quotes before: outside). The
    identity when no CR stands alone (no cost then), else one pass over the line ends."""
    if "\r" not in text or not re.search("\r(?!\n)", text):
        return lambda n: n
    lines = [0]  # the file's line ends before the reader's line n + 1
    quotes, counted = 0, 0
    for end in _LINE_END.finditer(text):
        inside = False
        if end.group() == "\r":
            quotes += text.count('"', counted, end.start())
            counted = end.start()
            inside = quotes % 2 == 1
        lines.append(lines[-1] + (not inside))
    return lambda n: lines[min(n, len(lines)) - 1] + 1
