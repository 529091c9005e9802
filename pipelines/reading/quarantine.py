"""--quarantine: a CSV's records that cannot be read set aside whole (ingestion's quarantine rows), the rest read;
refused when they are most of the file, and the rows read checked against the file's records."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from pipelines.reading.messages import LINES_SHOWN, lines_said
from pipelines.reading.records import csv_records, stray_quote
from pipelines.reading.tables import TableRead
from pipelines.text import numbered

QUARANTINE_COLUMNS = ("source_key", "reason", "raw_text")  # as ingestion's RowProblem: 'line:N', why, the line


def _span(key: int | tuple[int, int]) -> tuple[int, int]:
    return (key, key) if isinstance(key, int) else key


def quarantined_lines(data: bytes, reasons: dict[int, str] | dict[tuple[int, int], str]) -> pl.DataFrame:
    """The records of ``data`` (a line, 1-based, or a record's (first line, last line) -> why) as --quarantine rows,
    in ingestion's terms (readers.RowProblem): source_key 'line:N' (a record over several lines 'line:N-M'), reason
    'line N <why>' ('lines N-M <why>'), raw_text the record's bytes as text (its lines joined by their line breaks,
    the last one's left off), a byte no UTF-8 character written \\xNN (so the record can be mended from the file and
    nothing of it is lost)."""
    lines = data.split(b"\n")
    rows = []
    for key in sorted(reasons, key=_span):
        first, last = _span(key)
        if first > len(lines):
            continue
        raw = b"\n".join(lines[first - 1 : last]).removesuffix(b"\r")
        source_key = f"line:{first}" if first == last else f"line:{first}-{last}"
        why = reasons[key]  # type: ignore[index]
        reason = f"{lines_said(first, last)}{'' if why.startswith(':') else ' '}{why}"
        rows.append((source_key, reason, raw.decode("utf-8", "backslashreplace")))
    return pl.DataFrame(rows, schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String), orient="row")


ONE_RECORD = "(one record over {n} lines: a quoted value holding line breaks)"


UNSPLIT = "(one record over {n} lines the reader cannot split: a quote never closed?)"


NOT_MOST = "it sets aside a few records, not most of the file"


MOST_LINES_NOT_UTF8 = (
    "most lines are not valid UTF-8, the file is likely in another encoding: --quarantine sets aside a few records, "
    "not most of the file"
)


def records_aside(
    text: str, found: dict[tuple[int, int], str], header: tuple[int, int] | None, records: int, unsplit: bool
) -> tuple[str, dict[tuple[int, int], str], int] | str:
    """``text`` with the records ``found`` ((first line, last line) -> why) left blank (a blank line is no record; the
    others keep their numbers), ``found`` and ``records`` (for accounted); or, when they are most of the file, why --quarantine does not set them
    aside (a clause of the refusal): the encoding, delimiter, header or quoting is wrong, not a few records. Most of
    the file: more than half its ``records`` under the ``header`` (first and last line); when one is ``unsplit``
    (a quoted field never closed, to the file's end: its lines would be records), more than half its lines under it."""
    lines = text.split("\n")
    if unsplit:
        aside, under = sum(last - first + 1 for first, last in found), len(lines) - (lines[-1] == "")
        under -= header[1] if header else 0
        unit = "lines under the header"
    else:
        aside, under, unit = len(found), records, "records"
    if 2 * aside > under:
        where = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in sorted(found)[:LINES_SHOWN])
        more = " and more" if len(found) > LINES_SHOWN else ""
        noun = "lines" if len(found) > 1 or "-" in where else "line"
        return (
            f"--quarantine would set aside {aside:,} of the file's {under:,} {unit} ({noun} {where}{more}): {NOT_MOST}"
        )
    for first, last in found:
        lines[first - 1 : last] = [""] * (last - first + 1)
    return "\n".join(lines), found, records


def accounted(path: Path, read: TableRead, records: int) -> TableRead:
    """``read`` once --quarantine set records aside, checked: its rows and the records set aside are the ``records``
    under the header as csv_records split the file before. Refused (exit 1) when not: Polars split the rest in other
    records than Python's reader did, and a row would be lost, cut or added without a word."""
    aside = 0 if read.quarantined is None else read.quarantined.height
    if read.frame.height + aside != records:
        raise click.ClickException(
            f"{path}: --quarantine set aside {aside:,} records and read {read.frame.height:,} rows, but the file holds "
            f"{records:,} records as Python's CSV reader splits them: refused rather than lose or add a row without a "
            "word; mend the records named in the quarantine file, then read the file without the option"
        )
    return read


def lines_set_aside(text: str, why: dict[int, str], sep: str) -> tuple[str, dict[tuple[int, int], str], int] | str:
    """--quarantine: ``text`` with the records holding the lines ``why`` (1-based line -> why it is not read, 'is not
    valid UTF-8...') left blank, each whole: a record spanning lines (a quoted cell with a line break) goes with all
    its lines (blanking one line alone cut the value, or broke the quoting of what follows), its reason naming the
    record and the lines; the records set aside ((first line, last line) -> why) and how many records the text holds
    under its header (accounted). Or why nothing is set aside, a clause for the refusal: a line of the header (the
    columns are named there), or most of the file."""
    bad = sorted(why)
    found: dict[tuple[int, int], str] = {}
    header: tuple[int, int] | None = None
    at, records, unsplit = 0, 0, False
    for first, last, fields in csv_records(text, sep):
        records += header is not None and fields != []
        hit = []
        while at < len(bad) and bad[at] <= last:
            hit.append(bad[at])
            at += 1
        if header is None and fields == [] and not hit:
            continue  # blank lines above the header
        if header is None:
            header = (first, last)
            if hit:
                return (
                    f"--quarantine sets no header aside ({lines_said(first, last)}: the columns are named there): "
                    "mend it at the source"
                )
            continue
        if not hit:
            continue
        said = why[hit[0]]
        said = ("are" + said[2:] if said.startswith("is") else said) if len(hit) > 1 else said
        unsplit |= isinstance(fields, str)
        if first == last:
            found[(first, last)] = said
        else:
            record = UNSPLIT if isinstance(fields, str) else ONE_RECORD
            found[(first, last)] = f"{record.format(n=last - first + 1)}: {numbered('line', hit)} {said}"
    return records_aside(text, found, header, records, unsplit)


def unreadable_records(text: str, sep: str) -> tuple[dict[tuple[int, int], str], tuple[int, int], int, bool] | None:
    """--quarantine: the CSV records Polars cannot read and what to set aside for them ((first line, last line) ->
    why), with the header's lines: a row with more fields than the header (on one line or several), a record the
    reader cannot split (a quoted field never closed: from the line its record starts on to the file's end, which
    would be read as one value; a quoted field with more text after its closing quote), a record holding a quote in
    a field not quoted that leaves its quotes odd (stray_quote). None when there is none or the header cannot be
    read. With the header's lines, how many records are under it and whether one could not be split
    (records_aside's arguments)."""
    header: tuple[int, int] | None = None
    expected, records, unsplit = 0, 0, False
    found: dict[tuple[int, int], str] = {}
    lines = text.removeprefix("\ufeff").split("\n")
    for record in csv_records(text, sep):
        first, last, fields = record
        records += header is not None and fields != []
        if header is None:
            if fields == []:
                continue
            if isinstance(fields, str):
                return None
            header, expected = (first, last), len(fields)
            continue
        # a record over several lines is said as one ('lines 3-5 (one record over 3 lines: ...) has'), not 'lines has'
        spans = "" if first == last else (UNSPLIT if isinstance(fields, str) else ONE_RECORD).format(n=last - first + 1)
        spans += " " if spans else ""
        if isinstance(fields, str):
            unsplit = True
            if record.open_at_the_end:  # (strict: the file ended inside a quoted field)
                found[(first, last)] = (
                    f": a quoted field opened in the record starting on line {first} is never closed (the rest of the "
                    "file would be read as one value): set aside from there to the end; fix the quoting there"
                )
            elif "expected after" in fields:
                found[(first, last)] = (
                    f"{spans}has a quoted field followed by more text before the delimiter {sep!r} (a quote inside a "
                    'quoted field not doubled as ""?)'
                )
            else:
                found[(first, last)] = f"cannot be split into fields (Python's CSV reader: {fields})"
        elif len(fields) > expected:
            found[(first, last)] = (
                f"{spans}has {len(fields)} fields where the header has {expected} (delimiter {sep!r})"
            )
        elif stray_quote(lines, first, last):
            found[(first, last)] = spans + STRAY_QUOTE
    return (found, header, records, unsplit) if found and header else None


STRAY_QUOTE = (
    "has a quote inside a field that is not quoted (Python's reader takes it for text, Polars for a quote opening "
    'a value that runs on into the next rows): quote the field and double the quote as ""'
)
