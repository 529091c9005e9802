"""The ``wardbridge`` command.

    wardbridge resolve --input old.csv --column address --output new.parquet
    wardbridge reference            # row counts, provenance and checks of the reference data
    wardbridge synth --people 20000 --output out/   # synthetic registries of the old units, with truth
    wardbridge match --input people.parquet --spec people.toml --output entities.parquet

These are the engine's commands; nothing here imports Dagster. The installed ``wardbridge``
script (assets/cli.py) adds ``run``, which executes the Dagster jobs; ``python -m pipelines.cli``
offers the engine commands alone.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from pipelines.encodings import LEGACY
from pipelines.ingest.json_keys import (
    HALF_CHARACTER,
    NOT_SHOWN,
    SURROGATE_ESCAPE,
    TOO_DEEP,
    VALUE_LIKE,
    RepeatedKeys,
    deep_at,
    json_object_pairs,
    lone_surrogate_key,
    repeated_key_paths,
    shown_key,
)
from pipelines.text import EXCEL_SEP_START, is_whole_number, numbered

if TYPE_CHECKING:
    import numpy as np

# .tsv: tab-separated text, read as CSV is (the delimiter sniffed) and written with tabs
FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}  # read and written
# read only: a workbook's sheet, JSON (an array of objects) or JSON Lines (one object a line)
INPUT_FORMATS = {**FORMATS, ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "json", ".ndjson": "json"}
LIST_SEPARATOR = ";"
LINES_SHOWN = 2  # the line numbers a refusal names before 'and 3 more'


def echo(message: str = "") -> None:
    """A line on stderr: the CLI's messages (stdout stays for data); assets/cli.py's ``run`` says its lines so too."""
    click.echo(message, err=True)


# --------------------------------------------------------------------------- files


def file_format(path: Path, option: str, formats: dict[str, str] = FORMATS) -> str:
    """The format of ``path`` by its extension among ``formats`` (:data:`INPUT_FORMATS` for a file read)."""
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(formats))
        hint = ""
        if path.suffix.lower() in (".xls", ".ods"):
            hint = " (save the workbook as 'Excel Workbook' (.xlsx) or CSV UTF-8 first)"
        elif path.suffix.lower() in INPUT_FORMATS:
            hint = " (a workbook or JSON is read, not written)"
        raise click.BadParameter(
            f"{path}: unsupported file extension {path.suffix or '(none)'!r}; use one of {supported}{hint}",
            param_hint=option,
        )
    return fmt


def undecodable_lines(data: bytes, decode: Callable[[bytes], object]) -> str:
    """Where ``data`` cannot be decoded, as people count: 'line 7' or 'lines 7, 9 and 3 more' (the lines whose
    bytes ``decode`` refuses; a line number, never a value). Empty when every line decodes."""
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            decode(line.removesuffix(b"\r"))
        except (UnicodeDecodeError, ValueError):
            bad.append(number)
    return numbered("line", bad, LINES_SHOWN) if bad else ""


def _cut_in_a_letter(data: bytes) -> int | None:
    """The line (1-based) of UTF-8 ``data`` that ends it inside a character (a file cut off: its last letter's first
    bytes only); None when the data are valid UTF-8 or not UTF-8 before their end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data.count(b"\n", 0, exc.start) + 1
    return None


def _not_valid(path: Path, data: bytes, name: str, decode: Callable[[bytes], object], hint: str) -> str:
    where = undecodable_lines(data, decode)
    return f"{path}: {where + ' ' if where else ''}not valid {name} ({hint})"


def _legacy_lines_read(data: bytes, path: Path) -> tuple[str, dict[int, str], set[int]]:
    """UTF-8 ``data`` (no byte order mark) that is not valid UTF-8 read as ingestion reads it (readers.decode_file
    with its legacy lines): (its text with the lines certainly one legacy encoding read in it, those lines -> the
    encoding, the lines still not read). The same rule, not written twice: the file's own non-ASCII UTF-8 lines
    outnumber such lines, the encoding is the one they read best in together, and each reads as clean Vietnamese in
    it and in no other (encodings.certain_legacy_reading). UTF-8 lines are kept as written (not NFC), as the CLI
    reads UTF-8. Only called once Polars refused the file: a valid UTF-8 file never gets here."""
    from pipelines.ingest.readers import SourceReadError, decode_file

    try:
        text, _label, bad, legacy = decode_file(data, "utf-8", str(path), nfc=False, legacy_lines=True)
    except SourceReadError:  # more than half the lines not UTF-8: no line read
        return "", {}, {0}
    return text, legacy, bad


def _legacy_file_read(data: bytes, chosen: str, path: Path) -> tuple[str, set[int], set[int]]:
    """A CSV in a legacy encoding (or UTF-16) read as ingestion reads it (readers.decode_as): decoded line by line
    where the whole fails (NFC), and in a legacy file the lines that are valid UTF-8 and read more Vietnamese so read
    as UTF-8 (a newer program's rows appended; read whole as the legacy encoding they were garbled, exit 0). (text,
    the lines read as UTF-8, the lines not valid in ``chosen`` and not UTF-8); ('', set(), {0}) when more than half
    the lines are not valid."""
    from pipelines.ingest.readers import SourceReadError, decode_as

    try:
        text, bad, utf8 = decode_as(data, chosen, str(path))
    except SourceReadError:
        return "", set(), {0}
    return text, utf8, bad


def _say_legacy_lines(path: Path, legacy: dict[int, str]) -> None:
    """On stderr: how many lines of a UTF-8 CSV were read in which legacy encoding, and the first of them."""
    from pipelines.ingest.readers import legacy_encoding

    found, n = legacy_encoding(legacy), len(legacy)
    echo(
        f"wardbridge: {path}: {n:,} line{'s' if n > 1 else ''} not valid UTF-8 read as {found} "
        f"({numbered('line', legacy, NUL_ROWS_SHOWN)}): each is clean Vietnamese in {found} and in no other encoding "
        "(rows an old program appended?); the file's other lines read as UTF-8"
    )


def _not_utf8(
    path: Path,
    data: bytes,
    encoding: str,
    legacy: dict[int, str],
    bad: set[int],
    quarantine: bool | None = None,
    refused: str = "",
    header: tuple[int, int, list[int], int] | None = None,
) -> str:
    """Why a CSV read as UTF-8 is refused, in one wording: '<file>: <lines> not valid UTF-8 (<clauses>)', the lines
    by number, never a value. ``legacy``: the lines certainly one legacy encoding (--encoding auto reads them);
    ``bad``: the other lines not UTF-8 ({0}: most lines, none read). A bad line is taken for damaged (UTF-8 with a
    byte wrong?) when some line is certain and it is not, or when it is no legacy encoding's clean Vietnamese
    (_legacy_looking). Named: the damaged lines alone (with --encoding auto, or when no line is certain), else every
    line not UTF-8 (an explicit --encoding utf-8 reads UTF-8 only). Clauses: what auto reads; for damaged lines,
    mend or remove them (a legacy --encoding reads them as wrong letters with no error; was 'give --encoding'); else
    give --encoding (auto) or leave it to auto-detection (utf-8). ``quarantine`` False: the command offers
    --quarantine, not given (said with a damaged line); ``refused``: given, why it set nothing aside (_set_aside's
    clause: a header line, most of the file). ``header``: the header's first and last line, the positions of the
    columns whose names hold the bytes and its column count (_header_not_utf8), when it is among the lines not read
    (HC5: Polars read such a header with U+FFFD, exit 0): said with the positions (never a name: a header of values
    is possible), the header mended (damaged) or --encoding given (a legacy-looking header), never removed or set
    aside."""
    from pipelines.ingest.readers import legacy_encoding

    auto = encoding == "auto"
    head = set(range(header[0], header[1] + 1)) if header else set()
    rows = bad - head  # the lines not read below the header (every one when the header is not among them)
    damaged = bool(rows) and 0 not in bad and (bool(legacy) or not all(map(_legacy_looking, _raw_lines(data, rows))))
    # the damaged lines alone named, else every line not UTF-8 (none read, or UTF-8 only)
    only_bad = (damaged or bool(head & bad)) and (auto or not legacy)
    where = numbered("line", bad, LINES_SHOWN) if only_bad else undecodable_lines(data, lambda b: b.decode("utf-8"))
    said: list[str] = []
    if legacy:
        if not auto:  # (it read none of them)
            said.append(f"--encoding {encoding} reads UTF-8 only")
        said.append(f"--encoding auto reads {numbered('line', legacy, LINES_SHOWN)} as {legacy_encoding(legacy)}")
    if header:
        said.append(_header_clause(data, header, head & bad, bool(legacy)))
    offer = quarantine is False and not head & bad  # the header cannot go aside: no offer
    if head & bad:  # the rows' lines named before their own clause
        only_bad = False
    if damaged:
        it = "it" if len(rows) == 1 else "them"
        said.append(
            f"{'' if only_bad else numbered('line', rows, LINES_SHOWN) + ': '}not certainly a legacy encoding, "
            f"damaged bytes? mend {it} at the source or remove {it}"
            + (f" (or give --quarantine FILE: {it} set aside, the rest read)" if offer else "")
            + ": --encoding reads the whole file in one encoding, a damaged UTF-8 line as that encoding's wrong letters"
        )
    elif not legacy and (rows or not header):
        said.append("give --encoding" if auto else "leave --encoding to auto-detection")
    if quarantine and refused:  # given, yet nothing set aside: a header line, most of the file (_set_aside)
        said.append(refused)
    return f"{path}: {where + ' ' if where else ''}not valid UTF-8 ({'; '.join(said)})"


def _header_clause(data: bytes, header: tuple[int, int, list[int], int], bad: set[int], legacy: bool) -> str:
    """_not_utf8's clause for a CSV's header among the lines not read: its line(s), the positions of the columns whose
    names hold the bytes (a name is not shown: a header of values is possible) and what to do. ``bad``: its lines not
    read (none: certainly a legacy encoding, an explicit --encoding utf-8 read it not, said before); ``legacy``: the
    file has lines certainly a legacy encoding (then a bad line is damaged, as _not_utf8 takes it)."""
    first, last, columns, width = header
    if columns:
        names = f"column {columns[0]}" if len(columns) == 1 else f"columns {', '.join(map(str, columns))}"
        where = f"the name{'s' if len(columns) > 1 else ''} of {names} (of {width}) hold{'' if len(columns) > 1 else 's'} them"
    else:  # a header the reader cannot split
        where = "the columns are named there"
    clause = f"{_lines_said(first, last)} is the header: {where}"
    if not bad:
        return clause
    if legacy or not all(map(_legacy_looking, _raw_lines(data, bad))):
        return (
            f"{clause}; not certainly a legacy encoding, damaged bytes? mend the header at the source (read as it "
            "is, the name would hold a replacement character, U+FFFD)"
        )
    return (
        f"{clause}; if the header is in a legacy encoding give --encoding ({', '.join(LEGACY)}), else mend the "
        "header at the source"
    )


def _header_not_utf8(data: bytes, sep: str, lines: set[int] | None = None) -> tuple[int, int, list[int], int] | None:
    """A UTF-8 CSV's header when its bytes are not all valid UTF-8 (or, given ``lines``, when it is on one of
    them): its first and last line (blank lines, a title skipped above it: the file's numbers), the positions
    (1-based) of its columns whose names hold such bytes, its column count; None when it is valid (or on none of
    ``lines``). Polars reads such a header with no error, each such byte a U+FFFD (HV9's case): only called once a
    name holds one, or the file failed to read."""
    head = data[: data.find(b"\n", 1 << 16) + 1] or data  # the first 64 kB's whole lines: the header is there
    while True:
        text = head.decode("utf-8", "surrogateescape")
        found = next(((a, b, fields) for a, b, fields in csv_records(text, sep) if fields != []), None)
        if head is data or (found is not None and not isinstance(found[2], str)):
            break
        head = data  # a header going on past them (or none there): the whole file
    if found is None:
        return None
    first, last, fields = found
    if lines is not None and not lines & set(range(first, last + 1)):
        return None
    if isinstance(fields, str):  # a header the reader cannot split: its lines' bytes tell
        head = "\n".join(text.removeprefix("\ufeff").split("\n", last)[first - 1 : last])
        return (first, last, [], 0) if lines is not None or _NOT_UTF8_BYTE.search(head) else None
    columns = [n for n, name in enumerate(fields, start=1) if _NOT_UTF8_BYTE.search(name)]
    return (first, last, columns, len(fields)) if columns or lines is not None else None


class _HeaderNotUtf8(pl.exceptions.ComputeError):
    """Polars read a UTF-8 CSV whose header holds bytes not valid UTF-8 (each a U+FFFD in a name, no error): raised
    in _read_mended to be handled as Polars' own error for such bytes in a row ('utf' in its words)."""


class _OpenAtTheEnd(pl.exceptions.ComputeError):
    """Polars read a CSV that ends inside a quoted field opened and never closed, with no error (_ends_inside_a_quote):
    raised in _read_mended to be handled as a quote never closed elsewhere is (refused naming its line, or set aside
    with --quarantine)."""


def _read_unsound(
    frame: pl.DataFrame, source: Path | bytes, path: Path, sep: str, chosen: str
) -> pl.exceptions.ComputeError | None:
    """What Polars read from ``source`` with no error but wrong, as the error _read_mended handles for it: a UTF-8
    header holding bytes not valid UTF-8 (a name holding U+FFFD, _header_not_utf8), the file ending inside a quote
    (_ends_inside_a_quote); None for a sound read (the usual case: the names and 256 bytes of the tail looked at)."""
    if chosen == "utf-8" and any("\ufffd" in name for name in frame.columns):
        data = source if isinstance(source, bytes) else path.read_bytes()
        if _header_not_utf8(data.removeprefix(b"\xef\xbb\xbf"), sep) is not None:
            return _HeaderNotUtf8("invalid utf-8 in the header")
    if _ends_inside_a_quote(source, path, sep):
        return _OpenAtTheEnd("the file ends inside a quoted field")
    return None


def _ends_inside_a_quote(source: Path | bytes, path: Path, sep: str) -> bool:
    """Whether the CSV ``source`` (the file, or its mended bytes) ends inside a quoted field Python's strict reader
    finds never closed, which Polars read with no error: Polars fails on such a file, unless its last bytes (a CR
    alone after them aside) are a doubled quote ('4,"ZQ Lê ""': the field's text ends with a quote, doubled, and the
    file ends there); it then takes the last quote for the closing one and reads a short row ('ZQ Lê '). Only such a
    file is looked at further (the tail of any other is its last 256 bytes looked at; HV9's case, HC5): read by
    Polars with a line end after it, a file closed by its last quote reads (a valid file ending in '""', an empty
    quoted last field); one Polars cannot read so is walked (csv_records) to tell. (Fuzzed: every file Python's
    reader finds open at its end, of 12,603 such that Polars read, failed with the line end.)"""
    tail = source[-256:] if isinstance(source, bytes) else _file_tail(path)
    if not tail.rstrip(b"\r").endswith(b'""'):
        return False
    data = source if isinstance(source, bytes) else path.read_bytes()
    try:
        pl.read_csv(data + b"\n", infer_schema=False, separator=sep, encoding="utf8")
        return False
    except (pl.exceptions.PolarsError, OSError):
        pass
    from collections import deque

    last = deque(csv_records(data.decode("utf-8", "surrogateescape"), sep), maxlen=1)
    return bool(last) and isinstance(last[0][2], str) and "end of data" in last[0][2]


def _raw_lines(data: bytes, numbers: set[int]) -> list[bytes]:
    """The lines (1-based ``numbers``) of ``data`` as bytes, without their line ends."""
    lines = data.split(b"\n")
    return [lines[n - 1].removesuffix(b"\r") for n in sorted(numbers) if n <= len(lines)]


QUARANTINE_COLUMNS = ("source_key", "reason", "raw_text")  # as ingestion's RowProblem: 'line:N', why, the line


def _span(key: int | tuple[int, int]) -> tuple[int, int]:
    return (key, key) if isinstance(key, int) else key


def _lines_said(first: int, last: int) -> str:
    """'line 7' or 'lines 3-5' (a record over several lines)."""
    return f"line {first}" if first == last else f"lines {first}-{last}"


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
        reason = f"{_lines_said(first, last)}{'' if why.startswith(':') else ' '}{why}"
        rows.append((source_key, reason, raw.decode("utf-8", "backslashreplace")))
    return pl.DataFrame(rows, schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String), orient="row")


def csv_records(text: str, sep: str) -> Iterator[tuple[int, int, list[str] | str]]:
    """The CSV records of ``text`` (decoded, its lone CRs outside quotes already made line ends: _mended) as Python's
    strict CSV reader splits them, quotes as Polars reads them: (the line where the record starts, the line where it
    ends, its fields), a blank line a record of no field. Lines are numbered as the CLI numbers them, at LF only: a CR
    inside a quoted cell ('x\\ry') is the cell's text, not a line end that would put the numbers ahead of the file's.
    A record the reader cannot split comes with the reader's error instead of its fields (a str: a quoted field never
    closed, 'unexpected end of data', ending on the file's last line; a quote closing a field followed by more text
    before the delimiter, a quote inside the field not doubled), and the walk goes on from the line after the one
    where the reader stopped. The one walk behind _set_aside (the records a line belongs to), unreadable_records
    (--quarantine's wide and unsplittable rows) and csv_problem (the line a broken quote starts on)."""
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
            yield start, reader.line_num, fields
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)


ONE_RECORD = "(one record over {n} lines: a quoted value holding line breaks)"
UNSPLIT = "(one record over {n} lines the reader cannot split: a quote never closed?)"
NOT_MOST = "it sets aside a few records, not most of the file"
MOST_LINES_NOT_UTF8 = (
    "most lines are not valid UTF-8, the file is likely in another encoding: --quarantine sets aside a few records, "
    "not most of the file"
)


def _records_aside(
    text: str, found: dict[tuple[int, int], str], header: tuple[int, int] | None, records: int, unsplit: bool
) -> tuple[str, dict[tuple[int, int], str], int] | str:
    """``text`` with the records ``found`` ((first line, last line) -> why) left blank (a blank line is no record; the
    others keep their numbers), ``found`` and ``records`` (for _accounted); or, when they are most of the file, why --quarantine does not set them
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


def _accounted(path: Path, read: TableRead, records: int) -> TableRead:
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


def _set_aside(text: str, why: dict[int, str], sep: str) -> tuple[str, dict[tuple[int, int], str], int] | str:
    """--quarantine: ``text`` with the records holding the lines ``why`` (1-based line -> why it is not read, 'is not
    valid UTF-8...') left blank, each whole: a record spanning lines (a quoted cell with a line break) goes with all
    its lines (blanking one line alone cut the value, or broke the quoting of what follows), its reason naming the
    record and the lines; the records set aside ((first line, last line) -> why) and how many records the text holds
    under its header (_accounted). Or why nothing is set aside, a clause for the refusal: a line of the header (the
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
                    f"--quarantine sets no header aside ({_lines_said(first, last)}: the columns are named there): "
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
    return _records_aside(text, found, header, records, unsplit)


def unreadable_records(text: str, sep: str) -> tuple[dict[tuple[int, int], str], tuple[int, int], int, bool] | None:
    """--quarantine: the CSV records Polars cannot read and what to set aside for them ((first line, last line) ->
    why), with the header's lines: a row with more fields than the header (on one line or several), a record the
    reader cannot split (a quoted field never closed: from the line its record starts on to the file's end, which
    would be read as one value; a quoted field with more text after its closing quote), a record holding a quote in
    a field not quoted that leaves its quotes odd (_stray_quote). None when there is none or the header cannot be
    read. With the header's lines, how many records are under it and whether one could not be split
    (_records_aside's arguments)."""
    header: tuple[int, int] | None = None
    expected, records, unsplit = 0, 0, False
    found: dict[tuple[int, int], str] = {}
    lines = text.removeprefix("\ufeff").split("\n")
    for first, last, fields in csv_records(text, sep):
        records += header is not None and fields != []
        if header is None:
            if fields == []:
                continue
            if isinstance(fields, str):
                return None
            header, expected = (first, last), len(fields)
            continue
        if isinstance(fields, str):
            unsplit = True
            if "end of data" in fields:  # (strict: the file ended inside a quoted field)
                found[(first, last)] = (
                    f": a quoted field opened in the record starting on line {first} is never closed (the rest of the "
                    "file would be read as one value): set aside from there to the end; fix the quoting there"
                )
            elif "expected after" in fields:
                found[(first, last)] = (
                    f"has a quoted field followed by more text before the delimiter {sep!r} (a quote inside a quoted "
                    'field not doubled as ""?)'
                )
            else:
                found[(first, last)] = f"cannot be split into fields (Python's CSV reader: {fields})"
        elif len(fields) > expected:
            spans = "" if first == last else ONE_RECORD.format(n=last - first + 1) + " "
            found[(first, last)] = (
                f"{spans}has {len(fields)} fields where the header has {expected} (delimiter {sep!r})"
            )
        elif _stray_quote(lines, first, last):
            found[(first, last)] = STRAY_QUOTE
    return (found, header, records, unsplit) if found and header else None


STRAY_QUOTE = (
    "has a quote inside a field that is not quoted (Python's reader takes it for text, Polars for a quote opening "
    'a value that runs on into the next rows): quote the field and double the quote as ""'
)


def _stray_quote(lines: list[str], first: int, last: int) -> bool:
    """Whether the record on ``lines`` ``first``-``last`` (1-based), which Python's CSV reader split, holds an odd
    number of quotes: one is in a field that is not quoted (a quoted field's own quotes, doubled ones included, come
    in pairs). Polars, which pairs quotes over the whole file, then reads on past the record's end and fails."""
    return sum(lines[n].count('"') for n in range(first - 1, last)) % 2 == 1


def stray_quote_line(data: bytes, sep: str) -> int | None:
    """The first line where a CSV record Python's reader splits starts and holds a quote in a field not quoted
    (_stray_quote), the header's included; None when there is none."""
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    return next(
        (
            first
            for first, last, fields in csv_records(text, sep)
            if not isinstance(fields, str) and _stray_quote(lines, first, last)
        ),
        None,
    )


def _with_quarantined(read: TableRead, rows: pl.DataFrame) -> TableRead:
    """``read`` with the quarantine ``rows`` added to those it has (a file with lines set aside for two causes), in
    line order."""
    both = rows if read.quarantined is None else pl.concat([read.quarantined, rows])
    order = both["source_key"].str.extract(r":(\d+)", 1).cast(pl.Int64).arg_sort()
    return dataclasses.replace(read, quarantined=both[order])


def _legacy_looking(line: bytes) -> bool:
    """Whether a line that is not valid UTF-8 reads as clean Vietnamese in some legacy encoding and is not UTF-8
    with a byte damaged (encodings.utf8_like): one --encoding can read it (which one, the user may know: VNI 'Hồ'
    is Windows-1258 'Hoà'). A damaged UTF-8 line is not: every legacy encoding reads it as wrong letters."""
    from pipelines.encodings import clean_legacy_reading, utf8_like

    return not utf8_like(line) and any(clean_legacy_reading(line, enc) is not None for enc in LEGACY)


@dataclasses.dataclass(frozen=True)
class TableRead:
    """A table file as read: its rows, and the file's data-row number of each row (1-based, the header not
    counted) when those are not 1..height: blank lines inside a CSV are skipped (no record) but counted as rows,
    as a user counts the lines under the header; None when no row was skipped. Unpacks as (frame, data_rows)."""

    frame: pl.DataFrame
    data_rows: np.ndarray | None = None
    # what ``data_rows`` numbers, for messages: a CSV's data rows (the header not counted), a workbook's sheet rows
    # as the spreadsheet shows them ("sheet 'Data' row"), a JSON array's objects, a JSON Lines file's lines
    rows: str = "data row"
    # lines set aside by --quarantine (quarantined_lines: source_key 'line:N', reason, raw_text), None without it
    quarantined: pl.DataFrame | None = None

    def __iter__(self) -> Iterator:
        return iter((self.frame, self.data_rows))

    def where(self, at: list[int]) -> str:
        """'data rows 3, 5' for the rows at 0-based positions ``at``: numbered as the file numbers them."""
        numbers = [int(self.data_rows[i]) if self.data_rows is not None else i + 1 for i in at]
        return f"{self.rows}{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _read_parquet(path: Path, option: str) -> TableRead:
    """A Parquet file as read_table gives it (its columns' own types; NULs taken out of its text)."""
    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"{path}: cannot read as parquet: {_parquet_problem(path, exc)}") from None
    if not frame.width:  # ('its columns are: ' and nothing after it)
        raise click.ClickException(f"{path}: the Parquet file has no columns")
    return without_nul_cells(TableRead(frame), path)


def _parquet_problem(path: Path, exc: Exception) -> str:
    """Why a Parquet file cannot be read, in words (was the bare type: 'DuplicateError', 'ComputeError'): a column
    named twice (the names from the file's schema), a file that is not Parquet or is cut off (its first and last
    bytes are 'PAR1'), else the error's type. Names only, never a value."""
    if isinstance(exc, pl.exceptions.DuplicateError):
        import pyarrow.parquet as pq

        try:
            names = pq.read_schema(path).names
        except Exception:  # noqa: BLE001 - the type alone then
            names = []
        twice = sorted({n for n in names if names.count(n) > 1})
        if header_looks_like_data(names):  # values, not names: none shown
            twice = []
        return (
            f"it names column{'s' if len(twice) > 1 else ''} {', '.join(map(repr, twice))} more than once"
            if twice
            else "it names a column more than once"
        )
    try:
        with path.open("rb") as f:
            head = f.read(4)
            f.seek(-4, 2)
            tail = f.read(4)
    except OSError:
        head = tail = b""
    if head != b"PAR1":
        return "not a Parquet file (it does not start as one)"
    if tail != b"PAR1":
        return "the file is cut off or damaged (it does not end as a Parquet file does)"
    return f"damaged ({type(exc).__name__})"


NUL_ROWS_SHOWN = 3


def without_nul_cells(read: TableRead, path: Path) -> TableRead:
    """The table with every NUL character (a zero byte of a damaged or fixed-width export) taken out of its text
    cells, as staging takes them out (encodings.without_nul): kept, an address '12 Lê\\x00 Lợi' was unresolved and
    an ID with one never matched its copy. Counted per column on stderr with the first data rows (numbered as the
    file numbers them), never a value. Categorical and Enum columns (a Parquet file's) are cleaned too and keep
    their type; NULs in column names are taken out (said, with the names: '--column address' finds 'add\\x00ress')
    unless the name without them is another column's."""
    frame = _without_nul_names(read.frame, path)
    coded = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.Categorical, pl.Enum))
        and frame[name].unique().cast(pl.String).str.contains("\x00", literal=True).any()
    ]
    types = {name: frame.schema[name] for name in coded}
    frame = frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or not frame.height:
        return dataclasses.replace(read, frame=frame) if frame is not read.frame else read
    from pipelines.encodings import without_nul

    cleaned, counts, _ = without_nul(frame, text)
    if coded:
        cleaned = cleaned.with_columns(pl.col(name).cast(_cleaned_type(dtype)) for name, dtype in types.items())
    if not counts:
        return dataclasses.replace(read, frame=cleaned) if cleaned is not read.frame else read
    parts = []
    for name, n in counts.items():
        rows = frame.select(pl.col(name).str.contains("\x00", literal=True).arg_true().head(NUL_ROWS_SHOWN)).to_series()
        more = ", ..." if n > rows.len() else ""
        where = read.where(rows.to_list())
        if n > 1 and rows.len() == 1:  # 'data rows 4, ...': the plural for the count
            where = where.replace(f"{read.rows} ", f"{read.rows}s ", 1)
        parts.append(f"{name!r} {n} ({where}{more})")
    echo(
        f"wardbridge: {path}: NUL characters removed (values per column): {'; '.join(parts)}; a NUL is no text "
        "(a damaged or fixed-width export): the values are read and written without it"
    )
    return dataclasses.replace(read, frame=cleaned)


def _cleaned_type(dtype: pl.DataType) -> pl.DataType:
    """A Categorical column's type again after its NULs are out; an Enum's categories without them (one each)."""
    if isinstance(dtype, pl.Enum):
        categories = dtype.categories.str.replace_all("\x00", "", literal=True)
        return pl.Enum(list(dict.fromkeys(categories.to_list())))
    return dtype


def _without_nul_names(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """``frame`` with NUL characters taken out of its column names (said on stderr), a name left as it is when the
    name without them is empty or another column's (said too)."""
    named = [name for name in frame.columns if "\x00" in name]
    if not named:
        return frame
    taken = set(frame.columns) - set(named)
    renames, kept = {}, []
    for name in named:
        new = name.replace("\x00", "")
        if new.strip() and new not in taken:
            renames[name] = new
            taken.add(new)
        else:
            kept.append(name.replace("\x00", "\\x00"))
    said = ", ".join(repr(n) for n in renames.values())
    message = f"wardbridge: {path}: NUL characters removed from column names: {said}" if renames else ""
    if kept:
        message += ("; " if message else f"wardbridge: {path}: ") + (
            f"column names holding NUL characters kept as they are (without them they would be empty or another "
            f"column's name): {', '.join(kept)}"
        )
    echo(message)
    return frame.rename(renames)


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
    rows = _rows_walked(data, sep) if aside else _rows_by_columns(data, sep)
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
    """_rows_by_columns' first two answers from csv_records: lines numbered at LF only, as --quarantine numbers the
    records it sets aside (a CR inside a quoted cell is no line end; _rows_by_columns and Python's reader over
    io.StringIO count it as one). None when a record cannot be split or there is none."""
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
    """_rows_by_columns' first two answers with Python's CSV reader, row by row (any file); None when it cannot
    read the file."""
    import csv

    import numpy as np

    first_line, blank = [], []
    with _python_csv(data, sep, strict=False) as reader:
        try:
            start = 1
            for row in reader:
                first_line.append(start)
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
    tail = source[-256:] if isinstance(source, bytes) else _file_tail(source)
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


DATA_LIKE_HEADER = "it looks like a data row, not a header (a file without one?): its cells are not shown"
_DATA_LIKE_NAME = VALUE_LIKE


def header_looks_like_data(columns: Sequence[str]) -> bool:
    """Whether a table's header looks like a data row: a cell that is a number, holds four digits in a row (an ID,
    a phone, a year) or a date ('1/2/1990'). A CSV without a header has its first record read as the header, and
    messages that list or quote the columns would show that record's values; names that only look so ('năm 2024')
    just go unlisted."""
    return any(_DATA_LIKE_NAME.search(name) for name in columns)


def columns_listed(columns: Sequence[str]) -> str:
    """The columns, for a message ('its columns are: a, b'), or when the header looks like a data row
    (header_looks_like_data) how many cells it has and why they are not shown."""
    if header_looks_like_data(columns):
        return f"its first line, read as the header, has {len(columns)} cells: {DATA_LIKE_HEADER}"
    return f"its columns are: {', '.join(columns)}"


def report_repeated_columns(frame: pl.DataFrame, path: Path) -> None:
    """Say on stderr which columns a CSV's header names more than once (Polars reads the first under the name and
    renames the others '<name>_duplicated_<n>'): a spec or option naming the column reads the first copy, which may
    not be the one meant, so it is not done silently. Names and positions only, never a value."""
    columns = frame.columns
    data_like = header_looks_like_data(columns)
    for i, name in enumerate(columns):
        found = re.fullmatch(r"(.+)_duplicated_\d+", name)
        if found and found.group(1) in columns[:i]:
            first = columns.index(found.group(1))
            if data_like:  # values, not names: the positions only
                echo(
                    f"wardbridge: {path}: the first line names a column more than once (columns {first + 1} and "
                    f"{i + 1}); {DATA_LIKE_HEADER}"
                )
                continue
            echo(
                f"wardbridge: {path}: the header names column {found.group(1)!r} more than once (columns {first + 1} "
                f"and {i + 1}): column {first + 1} is read as {found.group(1)!r}, column {i + 1} as {name!r}; "
                "rename one in the header if the other is meant"
            )


ENCODINGS = ("auto", "utf-8", *LEGACY, "utf-16", "detect", "utf-8-sig")  # legacy names declared in encodings.py
# the catalogue's names for what --encoding calls otherwise (a user writing catalogues types them here too)
ENCODING_SYNONYMS = {"detect": "auto", "utf-8-sig": "utf-8"}
SNIFF_DELIMITERS = ",;\t|"


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer among , ; tab |, else the one most frequent
    on the header line, else ','."""
    import csv

    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SNIFF_DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {d: header.count(d) for d in SNIFF_DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_workbook(path: Path, option: str, sheet: str | None, skip_rows: int = 0) -> TableRead:
    """A workbook's sheet (the first, or ``sheet``) as read_table gives a CSV: every cell as text, the header the
    first row holding a value (blank rows above it skipped), blank rows inside skipped (said), a header naming a
    column twice read as a CSV's is (said), the rows numbered as the spreadsheet shows them."""
    import fastexcel
    import numpy as np

    from pipelines.ingest import xlsx_layout

    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception:  # noqa: BLE001 - the library's message may quote cells
        raise click.ClickException(
            f"{path}: cannot read as a workbook (.xlsx): damaged, cut off or another kind of file"
        ) from None
    if not names:
        raise click.ClickException(f"{path}: the workbook lists no sheet (damaged or cut off)")
    if sheet is not None and sheet not in names:
        raise click.BadParameter(
            f"{path}: no sheet {sheet!r}; its sheets are: {', '.join(map(repr, names))}", param_hint="--sheet"
        )
    # a hidden sheet (a lookup list, a clerk's scratch: Excel does not show it) is read only when --sheet names it
    states = xlsx_layout.sheet_states(path, reader)
    shown = [n for n in names if states.get(n, "visible") == "visible"]
    hidden = [n for n in names if n not in shown]
    name = sheet if sheet is not None else (shown or names)[0]
    if name in hidden:  # named by --sheet, or every sheet is hidden (a program wrote it so; Excel keeps one shown)
        how = "read as --sheet names it" if sheet is not None else "every sheet is: the first is read"
        echo(f"wardbridge: {path}: sheet {name!r} is {states[name]} in the workbook: {how}")
    try:
        loaded = reader.load_sheet(name, header_row=None, dtypes="string")
        grid, placed = loaded.to_polars(), [c.absolute_index for c in loaded.available_columns()]
    except Exception as exc:  # noqa: BLE001 - the library's message may quote cells
        raise click.ClickException(f"{path}: sheet {name!r} is damaged or cut off ({type(exc).__name__})") from None
    with xlsx_layout.WorkbookLayouts(path, padded=True) as workbook:  # one read of the sheet's XML
        layout = workbook.layout(name) or xlsx_layout.SheetLayout()
    cells = grid.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))
    filled = ~pl.all_horizontal(pl.all().is_null()) if grid.width else pl.lit(False)
    has_value = cells.select(filled.alias("v")).to_series() if grid.height else pl.Series([], dtype=pl.Boolean)
    if not has_value.any():
        others = [n for n in names if n != name] if sheet is None else []
        raise click.ClickException(
            f"{path}: sheet {name!r} is empty"
            + (  # nothing to read, but not nothing there
                f" of values: its {len(layout.errors):,} cell{'s hold' if len(layout.errors) > 1 else ' holds'} an "
                "Excel error (a formula that failed: #REF!, #N/A..., or was never calculated), read as empty; correct it in "
                "the workbook"
                if layout.errors
                else ""
            )
            + (
                f"; the workbook's other sheets: {', '.join(map(repr, others))} (--sheet NAME reads one)"
                if others
                else ""
            )
        )
    below = has_value & pl.Series(np.arange(layout.origin[0], layout.origin[0] + has_value.len()) > skip_rows)
    if not below.any():
        raise click.ClickException(f"{path}: sheet {name!r}: nothing below row {skip_rows} (--skip-rows)")
    header_at = int(below.arg_true()[0])  # the first row holding a value (below the rows --skip-rows skips)
    first_row = layout.origin[0] + header_at  # the sheet row of the header, as the spreadsheet shows it
    header = [str(v).strip() if v is not None else "" for v in grid.row(header_at)]
    labels = [cell or f"column_{i + 1}" for i, cell in enumerate(header)]
    columns: list[str] = []
    for label in labels:  # a repeated one as Polars names a CSV's (report_repeated_columns says it)
        columns.append(_repeat_name(label, {*labels, *columns}) if label in columns else label)
    frame = grid.slice(header_at + 1).rename(dict(zip(grid.columns, columns, strict=True)))
    # a date cell reads as '1990-03-15 00:00:00': the date, as the sheet shows it (a time of day is kept)
    frame = frame.with_columns(pl.all().cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1"))
    frame, padded = _zero_padded(frame, layout, first_row + 1, path, name)
    frame, merged = _fill_merged_cells(frame, layout, first_row + 1, path, name)
    rows = np.arange(first_row + 1, first_row + 1 + frame.height)
    # a row whose only values are Excel-error cells was there (formulas that failed): kept, its cells empty as every
    # error cell is read, and said by _report_error_cells; not skipped as a blank row
    erred = {row for at in layout.errors_by_column(first_row + 1, frame.height, frame.width).values() for row in at}
    keep = has_value.slice(header_at + 1).to_numpy() | merged | np.isin(rows, sorted(erred))
    if not keep.all():
        blank = rows[~keep]
        if keep.any() and blank[0] < rows[keep][-1]:
            shown = ", ".join(map(str, blank[:5])) + (", ..." if blank.size > 5 else "")
            echo(
                f"wardbridge: {path}: sheet {name!r}: {blank.size:,} blank row{'s' if blank.size > 1 else ''} "
                f"skipped (row{'s' if blank.size > 1 else ''} {shown}): a blank row is no record"
            )
        frame, rows = frame.filter(pl.Series(keep)), rows[keep]
    _report_number_cells(reader, name, grid, header_at, keep, rows, frame.columns, path, padded, placed)
    _report_error_cells(layout, rows, frame.columns, path, name)
    if len(names) > 1 and sheet is None:
        from pipelines.ingest.readers import hidden_words, rows_holding

        skipped = [(n, states[n], rows_holding(reader, n)) for n in hidden if n != name]
        echo(
            f"wardbridge: {path}: "
            + ("the first visible sheet read" if hidden and shown else f"the first of {len(names)} sheets read")
            + f" ({name!r}); --sheet NAME reads another"
            + (f"; hidden sheets not read: {hidden_words(skipped)}" if skipped else "")
        )
    report_repeated_columns(frame, path)
    return without_nul_cells(TableRead(frame, rows, f"sheet {name!r} row"), path)


def _zero_padded(frame: pl.DataFrame, layout, first: int, path: Path, sheet: str):  # noqa: ANN001, ANN202
    """Number cells whose number format is zeros only ('000000000000': the sheet shows 079085001234, the cell stores
    79085001234) given back their leading zeros to the width the format declares (the layout's ``padded`` cells,
    found in the read of its layout: xlsx_layout.zero_padded_cells),
    said per column with the sheet rows (never a value). Returns (the frame, column position -> per row whether the
    cell's format declares its width: _report_number_cells leaves them out)."""
    import numpy as np

    cells = layout.padded
    if not cells or not frame.height:
        return frame, {}
    top, left = first, layout.origin[1]
    # the cells as arrays (a per-cell loop built two full-height arrays per cell: quadratic in the rows)
    where = np.array(list(cells), dtype=np.int64).reshape(-1, 2) - np.array([top, left])
    declared_width = np.fromiter(cells.values(), dtype=np.int64, count=len(cells))
    inside = (where[:, 0] >= 0) & (where[:, 0] < frame.height) & (where[:, 1] >= 0) & (where[:, 1] < frame.width)
    where, declared_width = where[inside], declared_width[inside]
    padded, fixes = {}, []
    for j in np.unique(where[:, 1]).tolist():
        at_j = where[:, 1] == j
        declared, widths = np.zeros(frame.height, bool), np.zeros(frame.height, np.int64)
        declared[where[at_j, 0]], widths[where[at_j, 0]] = True, declared_width[at_j]
        name = frame.columns[j]
        value = frame[name].cast(pl.String).str.replace(r"\.0+$", "")
        short = (
            value.str.contains(r"^\d+$").fill_null(False).to_numpy()
            & (value.str.len_chars().fill_null(0).to_numpy() < widths)
            & declared
        )
        padded[j] = declared
        if not short.any():
            continue
        cut = pl.DataFrame({"v": value, "w": widths, "s": short})
        filled = cut.select(pl.when("s").then(pl.col("v").str.zfill(pl.col("w")))).to_series().rename(name)
        fixes.append(pl.coalesce(filled, pl.col(name)).alias(name))
        at = np.arange(top, top + frame.height)[short]
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if at.size > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: column {name!r}: {at.size:,} number cell"
            f"{'s given back their' if at.size > 1 else ' given back its'} leading zeros to the {', '.join(map(str, sorted(set(widths[short].tolist()))))} digits its number format shows "
            f"(row{'s' if at.size > 1 else ''} {shown})"
        )
    return (frame.with_columns(fixes) if fixes else frame), padded


def _report_error_cells(layout, rows, columns: list[str], path: Path, sheet: str) -> None:  # noqa: ANN001
    """Say on stderr, per column, the data cells holding an Excel error (#REF!, #N/A, #DIV/0!: a formula that failed;
    xlsx_layout reads them from the sheet's XML): the reader reads them as empty, which passed as an empty cell
    (an address '#REF!' resolved as 'empty'). Counts and sheet rows only."""
    if not layout.errors or not len(rows):
        return
    kept = set(rows.tolist())
    every = layout.errors_by_column(min(kept), max(kept) - min(kept) + 1, len(columns))
    by_column = {j: at for j, rows_at in every.items() if (at := [row for row in rows_at if row in kept])}
    for j, at in sorted(by_column.items()):
        n = len(at)
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if n > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: column {columns[j]!r}: {n:,} cell{'s hold' if n > 1 else ' holds'} "
            f"an Excel error (row{'s' if n > 1 else ''} {shown}): a formula that failed (#REF!, #N/A, #DIV/0!...) or was "
            "never calculated (no result saved), "
            "read as empty; correct it in the workbook"
        )


def _fill_merged_cells(frame: pl.DataFrame, layout, first: int, path: Path, sheet: str):  # noqa: ANN001, ANN202
    """The data cells under a cell merged down over rows given its value, as ingestion does (readers.fill_merged_down: an
    address merged over a household's members' rows read empty below its first row), said on stderr per column (a
    count, never a value). Returns (the frame, per row whether a cell of it was filled)."""
    import numpy as np

    from pipelines.ingest.readers import fill_merged_down

    filled = fill_merged_down(frame, layout, first)
    if filled is frame:
        return frame, np.zeros(frame.height, dtype=bool)
    gained = frame.select(pl.col(c).is_null() & filled[c].is_not_null() for c in frame.columns)
    counts = {c: n for c, n in zip(frame.columns, gained.sum().row(0), strict=True) if n}
    if counts:
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: {sum(counts.values()):,} cells under merged cells given the merged "
            f"value ({', '.join(f'column {c!r}' + (f' {n:,}' if len(counts) > 1 else '') for c, n in counts.items())})"
        )
    return filled, gained.select(pl.any_horizontal(pl.all())).to_series().to_numpy()


NUMBER_ROWS_SHOWN = 5


def _report_number_cells(
    reader, name: str, grid: pl.DataFrame, header_at: int, keep, rows, columns, path: Path, padded, placed
) -> None:  # noqa: ANN001, PLR0913
    """Say on stderr, per column, how many data cells that may be an ID (8 digits or more, the first not 0) the
    workbook holds as numbers, not text: an ID typed into Excel as a number has lost its leading zeros (a CCCD
    '079085001234' is 79085001234) and the CLI reads the number's digits as they are, restoring nothing (ingestion
    marks such cells, readers.xlsx_number_cells, and staging restores a personal ID's zero; the CLI knows no field).
    When the workbook cannot be read again to tell, the cells that may be so are counted instead. Names, counts
    and sheet rows only, never a value."""
    from pipelines.ingest.readers import xlsx_number_cells

    marks, not_told = xlsx_number_cells(reader, name, None, grid, placed)
    where = f"{path}: sheet {name!r}"
    for i, mask in marks.items():
        data = mask.slice(header_at + 1).to_numpy()
        if padded and i in padded:  # its number format declares the width: zeros given back (_zero_padded)
            data = data & ~padded[i]
        data = data[keep]
        n = int(data.sum())
        if not n:
            continue
        at = rows[data]
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if n > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {where}: column {columns[i]!r}: {n:,} cell{'s are numbers' if n > 1 else ' is a number'} in "
            f"the workbook, not text (row{'s' if n > 1 else ''} {shown}): an ID typed as a number has lost its "
            "leading zeros (a CCCD 0790... reads 790...) and is read as the number's digits, nothing restored; if "
            "the column holds IDs, format it as Text in the workbook and type them again"
        )
    for i in not_told:  # counted in the data rows (not_told counts the whole sheet, its header too)
        data = grid.to_series(i).slice(header_at + 1).filter(pl.Series(keep)).cast(pl.String)
        n = int(data.str.contains(r"^[1-9]\d{7,}$").sum())
        if not n:
            continue
        echo(
            f"wardbridge: {where}: column {columns[i]!r}: {n:,} cell{'s' if n > 1 else ''} of 8 digits or more "
            "may be numbers in the workbook, not text (the sheet could not be read again to tell): an ID typed as "
            "a number has lost its leading zeros, nothing restored"
        )


_TEXT_OR_NULL = {str, type(None)}


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words ('a number', 'null'): the messages said Python's ('a int', 'a NoneType')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return {str: "a text", list: "an array", dict: "an object"}.get(type(value), "a value")


def _read_json(path: Path, option: str, quarantine: bool | None = None) -> TableRead:
    """A JSON file as read_table gives a CSV: an array of objects (rows numbered as objects) or JSON Lines, one
    object a line (numbered as lines; blank lines skipped). Every value as text (a number as written by JSON, true
    / false; a number no float or int holds, 1e400 or over 4,300 digits, exactly as written), null as missing, a nested list or object as its JSON text; the columns are the keys in the order
    first met. Not an array of objects, or a line that is not an object, is a data problem (exit 1) naming where.
    JSON Lines' lines not valid UTF-8 but certainly one legacy encoding are read so, as a CSV's (_legacy_lines_read);
    with ``quarantine`` (--quarantine) the others are set aside (TableRead.quarantined), as a CSV's, and the rest read."""

    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from None
    aside: pl.DataFrame | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # JSON Lines: the lines certainly one legacy encoding read so, as ingestion and a CSV
        if data.lstrip().startswith(b"["):  # an array: its objects holding such bytes set aside whole, or refused
            text, aside, drop = _json_array_read(path, data, quarantine)
            read = _json_table(path, text, drop)
            return dataclasses.replace(read, quarantined=aside) if aside is not None else read
        text, legacy, bad = _legacy_lines_read(data, path)
        why = dict.fromkeys(bad, "is not valid UTF-8, nor certainly a legacy encoding (damaged bytes?)")
        lines = text.split("\n")
        filled = sum(1 for line in lines if line.strip())
        most = 0 in bad or 2 * len(bad) > filled  # (then the encoding is wrong, not a few lines)
        if quarantine and bad and not most:  # blank lines are skipped: the others keep their numbers
            for n in bad:
                lines[n - 1] = ""
            text, aside, bad = "\n".join(lines), quarantined_lines(data, why), set()
        if legacy and not bad:
            _say_legacy_lines(path, legacy)
        elif legacy:
            raise click.ClickException(_not_utf8(path, data, "auto", legacy, bad, quarantine)) from None
        elif bad:
            hint = "JSON is UTF-8" + ("; --quarantine FILE sets such lines aside" if quarantine is False else "")
            if most:
                hint = "JSON is UTF-8" + (f"; {MOST_LINES_NOT_UTF8}" if quarantine else "")
            problem = _not_valid(path, data, "UTF-8", lambda b: b.decode("utf-8"), hint)
            raise click.ClickException(problem) from None
    if not text.strip():
        raise click.ClickException(f"{path}: the file is empty")
    # lines set aside (left blank) in JSON Lines: JSON Lines still, even when the first line left is '[1]'
    read = _json_table(path, text, quarantine=quarantine, raw=data, array=None if aside is None else False)
    return _with_quarantined(read, aside) if aside is not None else read


JSON_NOT_UTF8 = "holds bytes not valid UTF-8 (JSON is UTF-8): damaged bytes, or text in another encoding?"


def _json_array_read(path: Path, data: bytes, quarantine: bool | None) -> tuple[str, pl.DataFrame, set[int]]:
    """A JSON array (``data``) not valid UTF-8, with --quarantine (``quarantine``): (its text, a byte no UTF-8
    character as a lone surrogate, U+DC80-U+DCFF; the quarantine rows of its objects holding such bytes, source_key
    'object:N', reason, raw_text with \\xNN; those objects' numbers, 1-based). Refused (exit 1) without the option
    (the refusal names it when the bytes are inside objects), when such bytes stand outside the objects' strings or
    keys (the array cannot be read), or when they are in most of its objects (the file is in another encoding)."""
    hint = "JSON is UTF-8"
    found = _json_objects_not_utf8(data)
    if found is not None and not quarantine:
        hint += "; --quarantine FILE sets such objects aside" if quarantine is False else ""
    elif found is not None:
        text, spans, count = found
        if 2 * len(spans) > count:
            hint = (
                f"{len(spans):,} of the array's {count:,} objects hold {JSON_NOT_UTF8.removeprefix('holds ')}: "
                "--quarantine sets aside a few objects, not most of the file"
            )
        else:
            rows = []
            for n, (at, end) in spans.items():
                where = _lines_said(text.count("\n", 0, at) + 1, text.count("\n", 0, end - 1) + 1)
                raw = text[at:end].encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                rows.append((f"object:{n}", f"JSON object {n} ({where}) {JSON_NOT_UTF8}", raw))
            aside = pl.DataFrame(rows, schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String), orient="row")
            return text, aside, set(spans)
    raise click.ClickException(_not_valid(path, data, "UTF-8", lambda b: b.decode("utf-8"), hint)) from None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")  # a byte no UTF-8 character, decoded with surrogateescape


def _json_objects_not_utf8(data: bytes) -> tuple[str, dict[int, tuple[int, int]], int] | None:
    """A JSON array not valid UTF-8 split into its items: (its text, bytes no UTF-8 character as lone surrogates;
    the items holding such bytes, 1-based number -> their start and end in the text; how many items), or None when
    it cannot be read so (such a byte outside the items' strings and keys, not JSON, nested too deep)."""
    text = data.decode("utf-8", "surrogateescape")
    decoder = json.JSONDecoder()
    at = _JSON_SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[at : at + 1] != "[":
        return None
    at = _JSON_SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    spans: dict[int, tuple[int, int]] = {}
    count = 0
    while text[at : at + 1] != "]":
        try:
            _item, end = decoder.raw_decode(text, at)
        except (json.JSONDecodeError, RecursionError):
            return None
        count += 1
        if _NOT_UTF8_BYTE.search(text, at, end):
            spans[count] = (at, end)
        at = _JSON_SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[at : at + 1] == ",":
            at = _JSON_SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
        elif text[at : at + 1] != "]":
            return None
    if _JSON_SPACE.match(text, at + 1).end() != len(text) or not spans:  # type: ignore[union-attr]
        return None
    return text, spans, count


def _json_table(
    path: Path,
    text: str,
    drop: set[int] | None = None,
    quarantine: bool | None = None,
    raw: bytes | None = None,
    array: bool | None = None,
) -> TableRead:
    """_read_json's rows from the file's text (decoded); ``drop``: the array's objects set aside (--quarantine,
    1-based), not read, the others keeping their numbers. JSON Lines with ``quarantine`` (--quarantine): a line that
    is not a JSON object (not JSON, another value, nested too deep, a key or value holding half of a character) is set
    aside (TableRead.quarantined, its bytes from ``raw``, the file's) as ingestion quarantines it, not refused; unless
    they are most of the file's lines. ``array``: whether the file is an array (else JSON Lines), as it begins."""
    import numpy as np

    unread: dict[int, tuple[str, str]] = {}  # JSON Lines set aside: line -> (why, the refusal without --quarantine)

    def set_aside(number: int, why: str, refusal: str) -> None:
        if not quarantine:
            offer = "; --quarantine FILE sets such lines aside" if quarantine is False else ""
            raise click.ClickException(refusal + offer)
        unread[number] = (why, refusal)

    objects: list = []
    as_written: list[str] = []  # numbers no float or int holds, kept as written
    decoder = _json_decoder(as_written)
    if text.lstrip().startswith("[") if array is None else array:
        if (at := deep_at(text)) is not None:  # json.loads would raise RecursionError (a traceback)
            raise click.ClickException(f"{path}: line {text.count(chr(10), 0, at) + 1}: {TOO_DEEP}")
        try:
            items = decoder.decode(text)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        objects = items if isinstance(items, list) else []
        numbers = np.arange(1, len(objects) + 1)
        if drop:
            keep = [i for i in range(len(objects)) if i + 1 not in drop]
            objects, numbers = [objects[i] for i in keep], numbers[keep]
        word = "JSON object"
        for i, item in enumerate(objects):
            if not isinstance(item, dict):
                raise click.ClickException(
                    f"{path}: item {i + 1} of the array is {_json_kind(item)}, not an object (one object a row)"
                )
    else:
        lines, decode = [], decoder.decode  # one decoder: json.loads with a hook builds one per call
        # lines end at LF only: splitlines() also splits at U+2028/U+2029/U+0085/\x1c-\x1e, which JSON strings may
        # hold as they are (json.dumps(ensure_ascii=False) writes U+2028 raw)
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            if deep_at(line) is not None:  # json.loads would raise RecursionError (a traceback)
                set_aside(number, f": {TOO_DEEP}", f"{path}: line {number}: {TOO_DEEP}")
                continue
            try:
                item = decode(line)
            except json.JSONDecodeError as exc:
                set_aside(
                    number,
                    f"is not a JSON object ({exc.msg})",
                    f"{path}: line {number}: not a JSON object ({exc.msg}); a JSON file is an array of objects "
                    "or one object a line (JSON Lines)",
                )
                continue
            if not isinstance(item, dict):
                kind = _json_kind(item)
                set_aside(number, f"is {kind}, not an object", f"{path}: line {number} is {kind}, not an object")
                continue
            objects.append(item)
            lines.append(number)
        numbers, word = np.array(lines, dtype=np.int64), "line"
    if SURROGATE_ESCAPE.search(text):  # a value holding half of a character: no text (Polars cannot hold it)
        halves = []
        for i, item in enumerate(objects):
            if (key := lone_surrogate_key(item)) is not None:
                refusal = f"{path}: {word} {numbers[i]}: key {shown_key(key)} {HALF_CHARACTER}; correct it in the file"
                if word != "line":
                    raise click.ClickException(refusal)
                set_aside(int(numbers[i]), f": key {shown_key(key)} {HALF_CHARACTER}", refusal)
                halves.append(i)
        if halves:
            keep = np.setdiff1d(np.arange(len(objects)), halves)
            objects, numbers = [objects[i] for i in keep], numbers[keep]
    aside = None
    if unread:
        filled = sum(1 for line in text.split("\n") if line.strip())
        if 2 * len(unread) > filled:  # not JSON Lines, or not this reader's: refused as without the option
            first = unread[min(unread)][1]
            raise click.ClickException(
                f"{first}; --quarantine would set aside {len(unread):,} of the file's {filled:,} lines: {NOT_MOST}"
            )
        aside = quarantined_lines(text.encode() if raw is None else raw, {n: why for n, (why, _) in unread.items()})
    objects = _with_repeated_keys(objects, numbers, word, path)
    columns = list(dict.fromkeys(itertools.chain.from_iterable(objects)))
    if not columns:
        raise click.ClickException(f"{path}: has no rows (no object with a key)")

    def cell(value: object) -> str | None:
        kind = type(value)
        if value is None or kind is str:
            return value
        if kind is _AsWritten:
            return str(value)
        if kind is bool:
            return "true" if value else "false"
        if kind is int:  # as json.dumps writes it, without its call
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    nested: dict[tuple[str, str], list[int]] = {}  # (column, key path) -> the records whose nested object repeats it

    def texts(column: str) -> list:
        # a column's values, cell() run only where one is not already text or null (most columns: none)
        values = [item.get(column) for item in objects]
        kinds = set(map(type, values))
        if kinds <= _TEXT_OR_NULL:
            return values
        if kinds & {dict, list, RepeatedKeys}:  # a nested object repeating a key: its text keeps every value
            out = []
            for i, value in enumerate(values):
                paths = repeated_key_paths(value, (column,)) if isinstance(value, dict | list) else []
                for key in paths:
                    nested.setdefault((column, key), []).append(int(numbers[i]))
                out.append(
                    _json_as_written(value) if paths or (as_written and _holds_as_written(value)) else cell(value)
                )
            return out
        return list(map(cell, values))

    frame = pl.DataFrame({column: texts(column) for column in columns}, schema=dict.fromkeys(columns, pl.String))
    for (column, key), at in nested.items():
        at = list(dict.fromkeys(at))
        shown = ", ".join(map(str, at[:REPEATS_SHOWN])) + (", ..." if len(at) > REPEATS_SHOWN else "")
        echo(
            f"wardbridge: {path}: column {NOT_SHOWN if VALUE_LIKE.search(column) else repr(column)}: {len(at):,} object{'s' if len(at) > 1 else ''} "
            f"name{'' if len(at) > 1 else 's'} key {key} more than once ({word}{'s' if len(at) > 1 else ''} {shown}): "
            "the column's JSON text keeps every value as written (which one is meant is unknown)"
        )
    return without_nul_cells(TableRead(frame, numbers, word, quarantined=aside), path)


def _json_as_written(value: object) -> str:
    """A nested JSON value's text as json.dumps writes it, but an object repeating a key (a RepeatedKeys, at any
    depth) with every key and value as written, not the last value only."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_json_as_written, value)) + "]"
    if isinstance(value, _AsWritten):  # a number, unquoted
        return str(value)
    if not isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    pairs = value.pairs if isinstance(value, RepeatedKeys) else value.items()
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_json_as_written(v)}" for k, v in pairs) + "}"


class _AsWritten(str):
    """A JSON number as written in the file, where Python's number would not give it back: 1e400 is read as a float
    infinity, written back 'Infinity' (no JSON: a reader of the output's nested JSON text choked), and an integer
    over 4,300 digits stopped the read with a ValueError traceback."""


def _json_decoder(as_written: list[str]) -> json.JSONDecoder:
    """The reader's decoder: a repeated key keeps every value (RepeatedKeys); a number no float or int holds is kept
    as written (:class:`_AsWritten`, also listed in ``as_written``)."""

    def number(text: str) -> float | _AsWritten:
        value = float(text)
        if value - value == 0:  # finite (inf - inf is nan)
            return value
        as_written.append(text)
        return _AsWritten(text)

    def integer(text: str) -> int | _AsWritten:
        if len(text) <= 4300:  # sys.get_int_max_str_digits()'s default
            return int(text)
        as_written.append(text)
        return _AsWritten(text)

    return json.JSONDecoder(object_pairs_hook=json_object_pairs, parse_float=number, parse_int=integer)


def _holds_as_written(value: object) -> bool:
    """A nested value holding a number kept as written (json.dumps would quote it)."""
    if isinstance(value, _AsWritten):
        return True
    if isinstance(value, list):
        return any(map(_holds_as_written, value))
    if isinstance(value, dict):
        pairs = value.pairs if isinstance(value, RepeatedKeys) else value.items()
        return any(_holds_as_written(v) for _, v in pairs)
    return False


REPEATS_SHOWN = 5


def _repeat_name(name: str, taken: set) -> str:
    """The name a repeated column (a workbook's header, a JSON object's key) is read under, as Polars names a CSV's:
    '<name>_duplicated_<n>', the first n whose name is not in ``taken``."""
    n = 0
    while f"{name}_duplicated_{n}" in taken:
        n += 1
    return f"{name}_duplicated_{n}"


def _with_repeated_keys(objects: list, numbers, word: str, path: Path) -> list:  # noqa: ANN001 - numbers: np.ndarray
    """The rows with a repeated key's values all kept, as a CSV header's repeated column is (Polars, see
    report_repeated_columns): the first value under the key, the next under '<key>_duplicated_0', then
    '_duplicated_1'...; said on stderr per key with the objects or lines naming it (never a value). Before, json.loads
    kept the last value only, silently."""
    where: dict[str, list[int]] = {}
    every: set | None = None  # every key of the file: a new name must be no other object's key either
    renamed: dict[str, str] = {}  # a repeated key -> the name its next value is read under
    for i, item in enumerate(objects):
        if not isinstance(item, RepeatedKeys):
            continue
        every = set(itertools.chain.from_iterable(objects)) if every is None else every
        kept: dict = {}
        for key, value in item.pairs:
            if key in kept:
                where.setdefault(key, []).append(int(numbers[i]))
                new = _repeat_name(key, every | kept.keys())  # (a third value: '_duplicated_1')
                renamed.setdefault(key, new)
                key = new
            kept[key] = value
        objects[i] = kept
    for key, at in where.items():
        at = list(dict.fromkeys(at))
        shown = ", ".join(map(str, at[:REPEATS_SHOWN])) + (", ..." if len(at) > REPEATS_SHOWN else "")
        named = f"key {key!r}" if not VALUE_LIKE.search(key) else f"key {NOT_SHOWN}"  # an object keyed by IDs
        echo(
            f"wardbridge: {path}: {len(at):,} object{'s' if len(at) > 1 else ''} name{'' if len(at) > 1 else 's'} "
            f"{named} more than once ({word}{'s' if len(at) > 1 else ''} {shown}): the first value is read "
            + (
                f"as {key!r}, the next as {renamed[key]!r}; rename one in the file if the other is meant"
                if not VALUE_LIKE.search(key)
                else "under the key, the next under it with '_duplicated_0' added"
            )
        )
    return objects


def read_table_file(path: Path, option: str, *args: object, **kwargs: object) -> pl.DataFrame:
    """read_table's rows (read_table's arguments)."""
    return read_table(path, option, *args, **kwargs).frame  # type: ignore[arg-type]


def _skipped_lines(data: bytes, n: int, path: Path) -> bytes:
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


def read_table(
    path: Path,
    option: str,
    encoding: str = "auto",
    delimiter: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine: bool | None = None,
) -> TableRead:
    """A CSV (every column read as text: codes and IDs keep their leading zeros), Parquet, workbook (.xlsx: the
    first sheet, or ``sheet``) or JSON file (an array of objects, or JSON Lines). For CSV in any
    encoding: 'auto' detects UTF-8 (BOM or not), Windows-1258,
    VNI-Windows and TCVN3 (pipelines.encodings.detect_encoding, on the first 64 kB); the delimiter
    is sniffed unless given. Legacy encodings are decoded to NFC text; UTF-8 cells are kept as they
    are. 'auto' reads the lines of a UTF-8 file that are not UTF-8 but certainly one legacy encoding in it, as
    ingestion does (_legacy_lines_read, said on stderr; only once the file failed as UTF-8: a valid file pays
    nothing); an explicit 'utf-8' reads UTF-8 only. An undecodable file is a data problem (exit 1). ``skip_rows`` lines (a CSV's) or rows (a sheet's) above
    the header are not read (a title line). With the file's row numbers (TableRead). ``quarantine`` (the command's
    --quarantine given): a CSV's lines not valid in its encoding (after the legacy lines auto reads) are set aside,
    TableRead.quarantined, and the rest read; False: the command offers it, the refusal says so; None: not offered."""
    fmt = file_format(path, option, INPUT_FORMATS)
    if sheet is not None and fmt != "xlsx":
        raise click.BadParameter(f"{path}: --sheet is for a workbook (.xlsx)", param_hint="--sheet")
    if skip_rows and fmt not in ("csv", "xlsx"):
        raise click.BadParameter(f"{path}: --skip-rows is for a CSV or a workbook", param_hint="--skip-rows")
    if fmt == "parquet":
        return _read_parquet(path, option)
    if fmt == "xlsx":
        return _read_workbook(path, option, sheet, skip_rows)
    if fmt == "json":
        return _read_json(path, option, quarantine)
    encoding = ENCODING_SYNONYMS.get(encoding, encoding)
    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    from pipelines.encodings import choose_encoding, decode_bytes, detect_encoding

    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
            whole = not f.read(1)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from None
    if not head.strip():
        raise click.ClickException(f"{path}: the file is empty")
    if not head.strip(b"\x00"):  # read as a header of NULs, then written to the terminal in a 'not found' message
        from pipelines.ingest.readers import all_nul_bytes

        if all_nul_bytes(path):
            raise click.ClickException(
                f"{path}: the file holds only NUL bytes (zero-filled: a copy that never finished?)"
            )
    sample = head if whole else head[: head.rfind(b"\n") + 1] or head  # whole lines: no character cut in two
    if encoding == "auto":
        chosen = detect_encoding(sample)
        chosen = "utf-8" if chosen == "utf-8-sig" else chosen
    else:  # as ingestion reads a declared encoding: UTF-16 with its mark, UTF-8 Vietnamese declared legacy
        chosen, label, _ = choose_encoding(sample, encoding)
        if chosen != encoding:
            echo(f"wardbridge: {path} read as {label}")
    source: Path | bytes = path
    aside: pl.DataFrame | None = None  # lines set aside (--quarantine) in a legacy encoding's file
    if chosen == "utf-8":
        sniffed = head.split(b"\n", skip_rows)[-1] if skip_rows else head  # the title line tells no delimiter
        sep = delimiter or sniff_delimiter(sniffed.decode("utf-8-sig", errors="replace"))
    else:
        data = path.read_bytes()
        text, utf8, bad = _legacy_file_read(data, chosen, path)
        sniffed = text.split("\n", skip_rows)[-1][: 1 << 16] if skip_rows else text[: 1 << 16]
        sep = delimiter or (sniff_delimiter(sniffed) if text else ",")  # (no text: refused below)
        refused = ""
        if bad and quarantine and text:
            found = _set_aside(text, dict.fromkeys(bad, f"is not valid {chosen}"), sep)
            if isinstance(found, str):
                refused = f"; {found}"
            else:
                text, records, total = found
                aside, bad = quarantined_lines(data, records), set()
        if bad:
            where = (
                numbered("line", bad, LINES_SHOWN)
                if text
                else undecodable_lines(data, lambda b: decode_bytes(b, chosen))
            )
            raise click.ClickException(
                f"{path}: {where + ' ' if where else ''}not valid {chosen} (try another --encoding)"
                + (
                    "; --quarantine FILE sets such lines aside and reads the rest"
                    if quarantine is False and text
                    else refused
                )
            )
        source = text.encode("utf-8")
        echo(f"wardbridge: {path} read as {chosen}" + (" (detected)" if encoding == "auto" else ""))
        if utf8:
            echo(
                f"wardbridge: {path}: {len(utf8):,} line{'s' if len(utf8) > 1 else ''} valid UTF-8 read as UTF-8 "
                f"({numbered('line', utf8, NUL_ROWS_SHOWN)}): read as {chosen}, every letter would be two or three wrong "
                "ones (rows a newer program appended?)"
            )
    read = _read_csv(
        path, option, source, head if whole else head[:-1], sep, delimiter, skip_rows, encoding, chosen, quarantine,
        frozenset() if aside is None else frozenset(records),
    )  # fmt: skip
    return read if aside is None else _accounted(path, _with_quarantined(read, aside), total)


def _read_csv(
    path: Path,
    option: str,
    source: Path | bytes,
    head: bytes,
    sep: str,
    delimiter: str | None,
    skip_rows: int,
    encoding: str,
    chosen: str,
    quarantine: bool | None = None,
    aside: frozenset[tuple[int, int]] = frozenset(),
) -> TableRead:
    """read_table's CSV once its encoding is chosen: ``source`` the file (UTF-8) or its text as UTF-8 bytes, ``head``
    its first 64 kB (whole lines), ``sep`` the delimiter sniffed (or given); ``encoding`` as the user gave it."""
    source, sep, crs_looked_at = _mended(source, path, head, sep, delimiter)
    if skip_rows:  # (the lines cut off may hold quotes: lone CRs are looked for again)
        source = _skipped_lines(source if isinstance(source, bytes) else path.read_bytes(), skip_rows, path)
        crs_looked_at = False
    return _read_mended(path, option, source, sep, crs_looked_at, encoding, chosen, quarantine, aside)


def _read_mended(  # noqa: PLR0913 - read_table's state, passed on
    path: Path,
    option: str,
    source: Path | bytes,
    sep: str,
    crs_looked_at: bool,
    encoding: str,
    chosen: str,
    quarantine: bool | None = None,
    aside: frozenset[tuple[int, int]] = frozenset(),
) -> TableRead:
    """_read_csv once the file is mended (each mend said once): read by Polars, then checked. A UTF-8 file Polars
    refuses whose bad lines are certainly one legacy encoding (--encoding auto) is read again from its mended text
    with those lines decoded (_legacy_lines_read), the mends not done or said twice."""
    try:
        try:
            frame = pl.read_csv(source, infer_schema=False, separator=sep, encoding="utf8")
        except pl.exceptions.ComputeError:  # a lone CR after the first 64 kB (a file pasted together) makes a long row
            if isinstance(source, bytes) or (mended := with_lone_cr_line_ends(path.read_bytes(), path)) is None:
                raise
            frame = pl.read_csv(source := mended, infer_schema=False, separator=sep, encoding="utf8")
            crs_looked_at = True
        if (unsound := _read_unsound(frame, source, path, sep, chosen)) is not None:
            raise unsound
    except pl.exceptions.NoDataError:
        raise click.ClickException(f"{path}: the file is empty") from None
    except pl.exceptions.DuplicateError:  # the name Polars gives a repeated column's copy is another column's name
        data = source if isinstance(source, bytes) else path.read_bytes()
        raise click.ClickException(f"{path}: {_duplicate_names(data, sep)}") from None
    except (pl.exceptions.PolarsError, OSError) as exc:
        if chosen == "utf-8" and "utf" in str(exc).lower():
            data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
            if (line := _cut_in_a_letter(data)) is not None:  # another --encoding would garble every letter
                raise click.ClickException(
                    f"{path}: line {line} ends the file in the middle of a character (UTF-8): the file was cut off "
                    "(a copy or transfer that did not finish?); copy it again"
                ) from None
            # the mended bytes (lines skipped and Excel's 'sep=' line blanked: line numbers stay the file's)
            mended = source.removeprefix(b"\xef\xbb\xbf") if isinstance(source, bytes) else data
            text, legacy, bad = _legacy_lines_read(mended, path)
            if encoding == "auto" and legacy and not bad:  # (then valid UTF-8: chosen 'legacy' comes back not here)
                _say_legacy_lines(path, legacy)
                return _read_mended(  # (--quarantine still given: a wide row or a broken quote set aside there)
                    path, option, text.encode(), sep, crs_looked_at, encoding, "legacy", quarantine, aside
                )
            # --quarantine: the lines not read set aside (with an explicit utf-8, the legacy ones too), the rest read
            why = dict.fromkeys(bad, "is not valid UTF-8, nor certainly a legacy encoding (damaged bytes?)")
            if encoding != "auto":
                why |= dict.fromkeys(legacy, f"is not valid UTF-8 (--encoding {encoding} reads UTF-8 only)")
            refused = MOST_LINES_NOT_UTF8 if 0 in bad else ""
            # the header among the lines not read (Polars reads a header's bytes not UTF-8 as U+FFFD): named with its
            # columns, never set aside
            header = None if 0 in bad else _header_not_utf8(mended, sep, set(why))
            if quarantine and why and not refused:
                found = _set_aside(text, why, sep)
                if isinstance(found, str):  # a header line; most of the file: its encoding wrong?
                    refused = found + ("; the file is likely in another encoding" if found.endswith(NOT_MOST) else "")
                else:
                    kept, records, total = found
                    if encoding == "auto" and legacy:
                        _say_legacy_lines(path, legacy)
                    read = _read_mended(
                        path, option, kept.encode(), sep, crs_looked_at, encoding, "legacy", quarantine,
                        aside | set(records),
                    )  # fmt: skip
                    return _accounted(path, _with_quarantined(read, quarantined_lines(mended, records)), total)
            raise click.ClickException(
                _not_utf8(path, data, encoding, legacy, bad, quarantine, refused, header)
            ) from None
        data = source if isinstance(source, bytes) else path.read_bytes()
        frame, source = _without_inner_marks_read(data, sep, path, source)
        if frame is not None and _read_unsound(frame, source, path, sep, chosen) is not None:
            # read again from the marks' mended bytes: refused or set aside there, as a file without them
            return _read_mended(path, option, source, sep, False, encoding, chosen, quarantine, aside)
        crs_looked_at = False
        refused = ""
        if frame is None and quarantine:  # the rows Polars cannot read set aside, the rest read
            text = data.decode("utf-8", "surrogateescape")
            if (unread := unreadable_records(text, sep)) is not None:
                found = _records_aside(text, *unread)
                if isinstance(found, str):
                    refused = found
                else:
                    kept, records, total = found
                    read = _read_mended(
                        path, option, kept.encode("utf-8", "surrogateescape"), sep, False, encoding, chosen,
                        quarantine, aside | set(records),
                    )  # fmt: skip
                    return _accounted(path, _with_quarantined(read, quarantined_lines(data, records)), total)
        if frame is None:
            offer = quarantine is False and unreadable_records(data.decode("utf-8", "surrogateescape"), sep)
            raise click.ClickException(
                f"{path}: {csv_problem(data, sep, str(exc), type(exc).__name__)}"
                + ("; or give --quarantine FILE: such rows set aside, the rest read" if offer else "")
                + (f"; {refused}" if refused else "")
            ) from None
    read = without_blank_lines(frame, path, source, sep, aside)
    report_short_rows(read.frame, path, source, sep, option, no_lone_crs=crs_looked_at)
    report_repeated_columns(read.frame, path)
    return without_nul_cells(without_inner_marks(read, path), path)


def _without_inner_marks_read(data: bytes, sep: str, path: Path, source: Path | bytes) -> tuple:
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


def _duplicate_names(data: bytes, sep: str) -> str:
    """Why a CSV's header cannot be read: it names a column more than once, and the name its next copy would be read
    under ('<name>_duplicated_0', report_repeated_columns) is another column of the header ('address,
    address_duplicated_0, address': Polars stopped with a DuplicateError). Names only: a header holds no value."""
    import csv
    import io
    from collections import Counter

    line = data.decode("utf-8-sig", errors="replace").lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    names = next(csv.reader(io.StringIO(line), delimiter=sep), [])
    repeated = [name for name, n in Counter(names).items() if n > 1]
    clash = [n for n in names if (m := re.fullmatch(r"(.+)_duplicated_\d+", n)) and m.group(1) in repeated]
    if repeated and clash and header_looks_like_data(names):  # values, not names: the positions only
        at = [i + 1 for i, n in enumerate(names) if n == repeated[0]]
        return f"the first line names a column more than once (columns {at[0]} and {at[1]}); {DATA_LIKE_HEADER}"
    if repeated and clash:
        return (
            f"the header names column {repeated[0]!r} more than once, and its next copy cannot be read as "
            f"{clash[0]!r}: the header has a column of that name too; rename the repeated column in the header"
        )
    return f"the header names a column more than once (delimiter {sep!r}): rename one in the header"


def _mended(
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
    elif _file_tail(path).endswith((b"\x1a", b"\x00")):
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


def _file_tail(path: Path, size: int = 256) -> bytes:
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
    ends = _lone_cr_ends(data)
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


def _lone_cr_ends(data: bytes):  # -> list[int] or a numpy array of the offsets
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
    if (not no_lone_crs and len(_lone_cr_ends(data))) or sep.encode() in data[data.rfind(b"\n") + 1 :]:
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
    with _python_csv(data, sep, strict=False) as reader:
        try:
            expected = len(next(reader, []))
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) < expected:
                    count += 1
                    if len(shown) < SHORT_ROWS_SHOWN:
                        shown.append((start, len(row)))
                start = reader.line_num + 1
        except csv.Error:
            return None
    return (count, expected, shown) if count else None


def _rows_by_columns(data: bytes, sep: str):  # -> (first_line, blank, fields) arrays, None, or NotImplemented
    """The CSV's rows (the header included) as Python's CSV reader splits them, computed over byte positions with
    numpy: per row the line where it starts, whether it is a blank line (no row for Python's reader, a row of nulls
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
    lines_to = np.cumsum(line_end, dtype=np.int64)
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
    """short_rows' answer from _rows_by_columns (numpy over byte positions), or NotImplemented where that cannot
    split the file."""
    import numpy as np

    rows = _rows_by_columns(data, sep)
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


def csv_problem(data: bytes, sep: str, error: str, error_type: str) -> str:
    """Why Polars could not read ``data`` as CSV (its ``error``), said with a line and never a value: a row with
    more fields than the header (Polars: 'found more fields than defined'; line, the header's and the row's field
    counts), else a quoted field not closed (the row's first line), else the bare error type. A row with fewer
    fields is no error (Polars reads the missing ones as empty)."""
    more = "more fields" in error
    counted = field_count_problem(data, sep) if more else None
    line = None if counted else quote_problem_line(data, sep)
    if counted is None and line is None and not more:
        counted = field_count_problem(data, sep)
    if counted is not None:
        line, expected, found = counted
        title = ""
        if expected == 1:  # the header Polars took: the first line that is not blank
            header_line = data[: len(data) - len(data.lstrip(b"\r\n"))].count(b"\n") + 1
            title = (
                "; a header of one field may be a title line above the real header (a sheet saved as CSV): remove it, "
                f"or give --skip-rows {header_line}"
            )
        return (
            f"line {line}: the row starting on this line has {found} fields where the header has {expected} "
            f"(delimiter {sep!r}): quote a value that holds the delimiter, or remove the extra delimiter{title}"
        )
    if line is not None:
        return (
            f"line {line}: a quoted field opened in the row starting on this line is not closed "
            '(or a quote inside it is not doubled as ""): fix the quoting there'
        )
    if not more and (line := stray_quote_line(data, sep)) is not None:
        return (
            f"line {line}: the row starting on this line has a quote inside a field that is not quoted, read as "
            'opening a value that runs on into the next rows: quote the field and double the quote as ""'
        )
    cause = "a row has more fields than the header" if more else error_type
    return f"cannot read as CSV with delimiter {sep!r} ({cause})"


def field_count_problem(data: bytes, sep: str) -> tuple[int, int, int] | None:
    """The first CSV row with more fields than the header, read with Python's CSV reader (quoted fields as
    Polars reads them; csv_records: lines numbered at LF only, as --quarantine's reasons number them, a record the
    reader cannot split passed over): (the line where the row starts, the header's field count, the row's); None if
    every row fits. Only run once the fast reader has failed."""
    expected = None
    for first, _last, fields in csv_records(data.decode("utf-8-sig", errors="replace"), sep):
        if expected is None:  # the header: the first record holding anything
            if isinstance(fields, str):
                return None
            expected = len(fields) or None
        elif not isinstance(fields, str) and len(fields) > expected:
            return first, expected, len(fields)
    return None


def quote_problem_line(data: bytes, sep: str) -> int | None:
    """The line where the CSV row holding a broken quoted field starts (a quote never closed, or one
    inside a quoted field not doubled), read with Python's strict CSV reader (csv_records); None if it finds none.
    Only run once the fast reader has failed. Names a line, never a value."""
    text = data.decode("utf-8-sig", errors="replace")
    return next((first for first, _, fields in csv_records(text, sep) if isinstance(fields, str)), None)


@contextmanager
def _python_csv(data: bytes, sep: str, strict: bool) -> Iterator:
    """Python's CSV reader over ``data`` (UTF-8, replacement characters for the rest), the field size limit
    lifted while it reads: a runaway quoted field is the file's rest, not a size error."""
    import csv
    import io

    text = data.decode("utf-8-sig", errors="replace")
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        yield csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=strict)
    finally:
        csv.field_size_limit(limit)


NESTED = (pl.List, pl.Array, pl.Struct)


def _is_nested(dtype: pl.DataType) -> bool:
    return isinstance(dtype, NESTED)


# Letters of Vietnamese (precomposed, both cases), its combining marks (NFD input) and ASCII: a cell with any other
# character may be legacy-encoded or double-decoded text (Ã¡, Æ°, VNI's ö/ø, TCVN3's ¸/µ) and is worth repairing.
_VIETNAMESE = (
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
)
_MAY_NEED_REPAIR = f"[^\\x00-\\x7F{_VIETNAMESE}]"


def _repaired_cells(frame: pl.DataFrame, columns: dict[str, str | None], path: Path) -> pl.DataFrame:
    """``frame`` with the named text columns' mis-decoded cells repaired (mojibake, VNI or TCVN3 text inside a file
    read as Unicode: ingestion's ``repair_column``), each repair counted on stderr. Only cells holding a character
    outside Vietnamese and ASCII are looked at, so clean files cost one vectorised scan per column."""
    from pipelines.encodings import repair_column

    repaired = {}
    for option, name in columns.items():
        if not name or name in repaired or frame[name].dtype != pl.String:
            continue
        suspect = frame[name].str.contains(_MAY_NEED_REPAIR).fill_null(False)
        if not suspect.any():
            continue
        fixed = repair_column(frame[name].filter(suspect))
        done = fixed["repair"].drop_nulls()
        if done.is_empty():
            continue
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(done.value_counts().iter_rows()))
        echo(f"{path}: {option} {name!r}: {done.len()} cell(s) repaired before reading ({kinds})")
        rows = suspect.arg_true()
        repaired[name] = frame[name].scatter(rows, fixed["text"])
    return frame.with_columns(**repaired) if repaired else frame


def check_text_columns(frame: pl.DataFrame, columns: dict[str, str | None], path: Path) -> None:
    """Each named column exists and holds scalars that read as text (not a list, array, struct or bytes)."""
    for option, name in columns.items():
        if not name:
            continue
        if name not in frame.columns:
            raise click.BadParameter(
                f"column {name!r} not found in {path}; {columns_listed(frame.columns)}",
                param_hint=option,
            )
        dtype = frame.schema[name]
        if _is_nested(dtype) or dtype == pl.Binary:
            raise click.BadParameter(
                f"column {name!r} of {path} has type {dtype}; it must hold one text value per row", param_hint=option
            )


def check_address_column(frame: pl.DataFrame, name: str | None, path: Path) -> None:
    """The free-text address column holds text: a column of numbers, booleans or dates (a Parquet's house
    numbers or IDs named by mistake) is refused, not read as "Quận 12" and the like. Unit columns may hold
    numbers (ward 12 in --ward-column)."""
    if not name:
        return
    dtype = frame.schema[name]
    if dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean:
        raise click.BadParameter(
            f"column {name!r} of {path} has type {dtype}: the address column must hold text (a number alone is "
            "not an address; a ward's number goes in --ward-column)",
            param_hint="--column",
        )


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.expanduser().resolve() == b.expanduser().resolve()


def check_output(path: Path, option: str, inputs: Sequence[tuple[str, Path | None]]) -> None:
    """Refuse, before any work, an output that is one of the inputs or cannot be written.

    Raises BadParameter (exit code 2): the output path is a usage mistake, never a reason to
    overwrite an input or to fail after the work is done.
    """
    for input_option, source in inputs:
        if source is not None and _same_file(path, source):
            raise click.BadParameter(
                f"{path} is also the {input_option} file; refusing to overwrite an input: choose another output path",
                param_hint=option,
            )
    if path.is_dir():
        raise click.BadParameter(f"{path} is a directory", param_hint=option)
    ancestor = path.expanduser().absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise click.BadParameter(f"cannot create {path}: {ancestor} is not a directory", param_hint=option)
    if path.exists() and not os.access(path, os.W_OK):
        raise click.BadParameter(f"cannot write {path}: permission denied", param_hint=option)
    try:  # a real probe: os.access says yes to root on read-only file systems
        with tempfile.NamedTemporaryFile(dir=ancestor, prefix=".wardbridge-probe-"):
            pass
    except OSError as exc:
        raise click.BadParameter(f"cannot write into {ancestor}: {exc.strerror or exc}", param_hint=option) from None


def _json_expr(name: str) -> pl.Expr:
    """A nested value as JSON text (Polars encodes structs only: wrap the value in one and unwrap the text)."""
    text = pl.struct(pl.col(name).alias("v")).struct.json_encode().str.slice(len('{"v":')).str.head(-1)
    return pl.when(pl.col(name).is_null()).then(None).otherwise(text).alias(name)


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns CSV cannot hold, made text: lists of scalars ';'-joined; nested lists and structs as JSON;
    bytes as hex."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array) and not _is_nested(dtype.inner):
            col = pl.col(name).arr.to_list() if isinstance(dtype, pl.Array) else pl.col(name)
            if dtype.inner == pl.Binary:
                col = col.list.eval(pl.element().bin.encode("hex"))
            exprs.append(col.list.eval(pl.element().cast(pl.String)).list.join(LIST_SEPARATOR).alias(name))
        elif _is_nested(dtype):
            exprs.append(_json_expr(name))
        elif dtype == pl.Binary:
            exprs.append(pl.col(name).bin.encode("hex").alias(name))
    return frame.with_columns(exprs) if exprs else frame


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write atomically (a partial file renamed into place); a failure is a ClickException naming the file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            echo(f"wardbridge: created the folder {path.parent} for {path.name}")
        if fmt == "parquet":
            # In one piece (a CSV read in pieces wrote a page run per piece), without column statistics (min/max per
            # row group, a cost of every string column for skipping row groups that a table of mixed rows cannot)
            frame.rechunk().write_parquet(partial, statistics=False)
        else:
            csv_ready(frame).write_csv(partial, separator="\t" if path.suffix.lower() == ".tsv" else ",")  # UTF-8
        partial.replace(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise click.ClickException(f"cannot write {path}: {detail}") from None
    finally:
        partial.unlink(missing_ok=True)


# --------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wardbridge")
def main() -> None:
    """wardbridge: remap pre-2025 Vietnamese addresses (old ward/district/province) to the 2025 units."""


def _report_unread_dates(frame: pl.DataFrame, column: str, table: TableRead | None = None) -> None:
    """The --as-of column's cells that are written but are not dates (31/02/2025, a two-digit year, words): counted
    and named by row (the first data row is row 1; as the file numbers them when ``table`` says otherwise: a CSV's
    blank lines counted, a sheet's rows, a JSON file's lines), never quoted. Such a row is read as undated: its reason says
    'no date', so without this note a typo in the dates passes for missing dates."""
    from pipelines.resolve import as_of_side_expr

    cell = pl.col(column)
    written = cell.is_not_null() & (cell.cast(pl.String).str.strip_chars() != "")
    unread = frame.select(
        (written & as_of_side_expr(cell, frame.schema[column]).is_null()).arg_true().alias("row")
    ).to_series()
    if unread.len():
        more = ", ..." if unread.len() > 5 else ""
        if table is not None and table.data_rows is not None:
            rows = table.where(unread.head(5).to_list()) + more
        else:
            rows = "rows " + ", ".join(str(r + 1) for r in unread.head(5).to_list()) + more
        echo(
            f"wardbridge: --as-of column {column!r}: {unread.len()} of {frame.height} cell(s) are written but not dates "
            f"({rows}; YYYY-MM-DD, dd/mm/yyyy or an ISO datetime, the year in four digits): those rows are read "
            "as undated"
        )


def _as_of_option(value: str | None, frame: pl.DataFrame, table: TableRead | None = None):
    """--as-of: a column of the input (one date per row) or one date for every row; else a usage error."""
    if value is None:
        return None
    if value in frame.columns:
        if _is_nested(frame.schema[value]):
            raise click.BadParameter(f"column {value!r} holds lists or structs, not dates", param_hint="--as-of")
        _report_unread_dates(frame, value, table)
        return frame[value]
    from pipelines.resolve import as_of_side_expr

    side = pl.select(as_of_side_expr(pl.lit(value), pl.String)).item()
    if side is None:
        raise click.BadParameter(
            f"{value!r} is neither a column of the input nor a date (YYYY-MM-DD, dd/mm/yyyy, an ISO datetime; "
            "the year in four digits, from 1900)",
            param_hint="--as-of",
        )
    return value


QUARANTINE = click.option(
    "--quarantine",
    "quarantine_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Set aside a CSV's records that cannot be read (a line not valid in its encoding, nor certainly a legacy "
    "one; more fields than the header; a broken quote; a quote never closed: from its record to the end) in FILE "
    "(.csv or .parquet: source_key 'line:N' or 'line:N-M' for a record over several lines, reason, raw_text; JSON "
    "Lines' lines likewise, a JSON array's objects 'object:N') and read the rest; without it such a record refuses "
    "the file. Not set aside: a header line, most of the file (refused). FILE is written on every run (no row: its "
    "header only).",
)


def write_quarantine(table: TableRead, path: Path | None, input_path: Path) -> None:
    """--quarantine: the lines read_table set aside, written to ``path`` (its header only when none) and counted on
    stderr with their first line numbers, never a value; the rows out and the lines here account for every line."""
    if path is None:
        return
    rows = table.quarantined
    rows = pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String)) if rows is None else rows
    write_frame(rows, path, file_format(path, "--quarantine"))
    if rows.height:
        keys = rows["source_key"].to_list()
        places = [key.partition(":")[2] for key in keys[:NUL_ROWS_SHOWN]]
        more = f" and {len(keys) - len(places):,} more" if len(keys) > len(places) else ""
        if keys[0].startswith("object:"):  # a JSON array's objects
            noun, where = "JSON object", "JSON object"
        else:  # lines, or records over several lines ('line:3-5')
            noun = "record" if any("-" in key for key in keys) else "line"
            where = "line"
        plural = "s" if len(keys) > 1 else ""
        where += "s" if len(keys) > 1 or "-" in places[0] else ""
        echo(
            f"wardbridge: {input_path}: {rows.height:,} {noun}{plural} quarantined to {path} "
            f"({where} {', '.join(places)}{more}, each with its reason there); the other rows read"
        )


# resolve's and match's option (one declaration)
SKIP_ROWS = click.option(
    "--skip-rows",
    type=click.IntRange(0),
    default=0,
    metavar="N",
    help="Lines of a CSV (rows of a sheet) above the header not to read: a title line, as a sheet saved as CSV has.",
)


@main.command()
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Input table: .csv (any encoding, see --encoding), .parquet, .xlsx (the first visible sheet, or "
    "--sheet) or .json (an array of objects, or JSON Lines).",
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output table: .csv (lists ';'-joined) or .parquet.",
)
@click.option("--column", "address_column", metavar="NAME", help="Column with the free-text address.")
@click.option("--ward-column", metavar="NAME", help="Column with the old ward/commune name.")
@click.option("--district-column", metavar="NAME", help="Column with the old district name.")
@click.option("--province-column", metavar="NAME", help="Column with the old province name.")
@click.option(
    "--old-code-column", metavar="NAME", help="Column with the old 5-digit commune code (wins over names when known)."
)
@click.option(
    "--gazetteer",
    "gazetteers",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Extra gazetteer CSV (columns as mappings/gazetteer.csv) used with mappings/gazetteer.csv. Repeatable.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE|COLUMN",
    help="Date of the records (YYYY-MM-DD or dd/mm/yyyy), or a column holding one per row: decides between the "
    "old and the 2025 reading of an address without district (before / from 2025-07-01).",
)
@click.option(
    "--scheme-column",
    metavar="NAME",
    help="Column saying which form each address is written in: pre2025/old or 2025/new (other values: unknown).",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Encoding of a CSV input; auto (or detect) detects UTF-8, UTF-16, Windows-1258, VNI and TCVN3, and reads "
    "the lines of a UTF-8 file that are certainly one legacy encoding in it (said); utf-8 reads UTF-8 only.",
)
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter (default: sniffed among , ; tab |).")
@click.option(
    "--sheet",
    metavar="NAME",
    help="With a workbook (.xlsx): the sheet to read (default: the first visible sheet; a hidden one only when named).",
)
@SKIP_ROWS
@QUARANTINE
def resolve(
    input_path: Path,
    output_path: Path,
    address_column: str | None,
    ward_column: str | None,
    district_column: str | None,
    province_column: str | None,
    old_code_column: str | None,
    gazetteers: Sequence[Path],
    as_of: str | None,
    scheme_column: str | None,
    encoding: str,
    delimiter: str | None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine_path: Path | None = None,
) -> None:
    """Add the old unit and the new 2025 ward to every row of a table.

    The output has the input columns followed by old_uid, old_code, old_name, old_district,
    old_province, new_uid, new_code, new_name, status, scheme, confidence, candidates, reason: one
    row per input row, in input order. Rows with status split_review, scheme_review or unresolved
    need a person.

    The resolver runs compiled (mypyc, built by `uv sync` where a C compiler is found) or as Python source;
    the summary's last line says which. WARDBRIDGE_PURE_PYTHON=1 runs the source.
    """
    started = time.perf_counter()
    SHORT_ROWS_READ.clear()
    columns = {
        "--column": address_column,
        "--ward-column": ward_column,
        "--district-column": district_column,
        "--province-column": province_column,
        "--old-code-column": old_code_column,
    }
    if not any(columns.values()):
        raise click.UsageError(
            "name the address column with --column, or the unit columns with "
            "--ward-column/--district-column/--province-column/--old-code-column"
        )
    out_fmt = file_format(output_path, "--output")
    check_output(output_path, "--output", [("--input", input_path), *(("--gazetteer", g) for g in gazetteers)])
    for path in gazetteers:
        if not path.is_file():
            raise click.BadParameter(f"file not found: {path}", param_hint="--gazetteer")
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise click.BadParameter("the delimiter must be one character (or 'tab')", param_hint="--delimiter")
    if quarantine_path is not None:
        check_output(quarantine_path, "--quarantine", [("--input", input_path), ("--output", output_path)])
    table = read_table(
        input_path, "--input", encoding.lower(), delimiter, sheet, skip_rows, quarantine_path is not None
    )
    write_quarantine(table, quarantine_path, input_path)
    frame = table.frame
    check_text_columns(frame, {**columns, "--scheme-column": scheme_column}, input_path)
    check_address_column(frame, address_column, input_path)
    as_of_value = _as_of_option(as_of, frame, table)
    written = frame
    frame = _repaired_cells(frame, {k: v for k, v in columns.items() if k != "--old-code-column"}, input_path)

    from pipelines.reference import USER_GAZETTEER, load_reference
    from pipelines.resolve import forget_readings, output_names, resolve_table
    from quality.checks import REVIEW_STATUSES, status_counts

    reference = None
    if gazetteers:
        try:
            reference = load_reference(gazetteers=(USER_GAZETTEER, *gazetteers))
        except (ValueError, pl.exceptions.PolarsError) as exc:
            names = ", ".join(str(p) for p in gazetteers)
            raise click.ClickException(f"gazetteer {names}: {exc}") from None

    # The cyclic garbage collector off for the work (restored after): resolving creates no cycles, but
    # its first collection after the reading walked every reading cached (about 0.3 CPU s per million
    # addresses); the cached readings are dropped before it runs again (the process ends here).
    collecting = gc.isenabled()
    gc.disable()
    try:
        resolved = resolve_table(
            frame,
            address_column=address_column,
            ward_column=ward_column,
            district_column=district_column,
            province_column=province_column,
            old_code_column=old_code_column,
            reference=reference,
            as_of=as_of_value,
            scheme=frame[scheme_column] if scheme_column else None,
        )
        if frame is not written:  # the output keeps the input's cells as written; the reading used the repaired text
            resolved = resolved.with_columns(written.select(c for c in written.columns if c in resolved.columns))
        write_frame(resolved, output_path, out_fmt)
    finally:
        forget_readings()  # dropping them now costs less than at the next collection or the interpreter's exit
        if collecting:
            gc.enable()

    status_column = output_names(frame.columns)["status"]  # the resolver's (an input's own status: kept)
    counts = status_counts(resolved.select(pl.col(status_column).alias("status")))
    elapsed = time.perf_counter() - started
    echo(
        f"wardbridge: resolved {resolved.height} rows from {input_path} -> {output_path} in {elapsed:.1f}s"
        + short_rows_note()
    )
    for status, n in counts.items():
        share = f"{n / resolved.height:6.1%}" if resolved.height else "     -"
        echo(f"  {status:<15}{n:>9}  {share}")
    review = sum(counts.get(s, 0) for s in REVIEW_STATUSES)
    if review:
        echo(
            f"  {review} row(s) need review: status split_review or scheme_review (see candidates) "
            "or unresolved (see reason)"
        )
    from pipelines._native import describe

    echo(f"  resolver: {describe()}")  # compiled or Python source: who measures the speed needs to know


@main.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Table to deduplicate (.csv, .parquet, .xlsx or .json); or give --increment and --state.",
)
@click.option(
    "--spec",
    "spec_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Match spec (TOML; see README 'Matching').",
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="One row per input record: record_id, entity_id and the link that put it there (.csv or .parquet).",
)
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A previous --output: records seen before keep their entity ids.",
)
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Reviewers' verdicts on record pairs (columns left_id, right_id, and label: match/same or "
    "no_match/different; without label every pair is 'same'). 'Same' pairs are linked whatever their score and, "
    "where blocking proposed them, EM reads them as matches when it fits m (semi-supervised: each pair counts once "
    "among all candidate pairs, so a few hundred labels move m little); 'different' pairs are never linked, "
    "directly or through a third record. A pipeline review file (match_pair.csv, review_<ward>.xlsx) filled in by "
    "an official is read as the review stage reads it: an item's decision labels every record pair of it. With "
    "--increment: verdicts since the saved run (m is not refitted).",
)
@click.option(
    "--save-state",
    "save_state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Save the run's state here (frozen model, records, pairs, lineage): what --increment and --model read.",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A saved state whose frozen model scores this run (nothing is fitted; the spec must be the same).",
)
@click.option(
    "--increment",
    "increment_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="New or changed records (.csv, .parquet, .xlsx or .json) to match against --state instead of a whole --input.",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --increment: the saved state to extend; it is replaced by the new state unless --save-state is given.",
)
@click.option(
    "--withdrawn",
    "withdrawn_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --increment: record ids deleted in their source (.csv or .parquet, column record_id or the spec's id "
    "column): removed with their pairs, their linked records re-clustered.",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Encoding of a CSV --input or --increment; auto (or detect) detects UTF-8, UTF-16, Windows-1258, VNI and "
    "TCVN3, and reads the lines of a UTF-8 file that are certainly one legacy encoding in it (said); utf-8 reads "
    "UTF-8 only.",
)
@click.option(
    "--delimiter", metavar="CHAR", help="CSV delimiter of --input or --increment (default: sniffed among , ; tab |)."
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="With a workbook (.xlsx) --input or --increment: the sheet to read (default: the first visible sheet; a "
    "hidden one only when named).",
)
@SKIP_ROWS
@QUARANTINE
@click.option(
    "--shards",
    type=click.IntRange(1, 64),
    help="Match the candidate pairs this many shards at a time, spilled to the temporary folder between the steps "
    "(1: in one piece). Default: in shards from 2,000,000 records up, as many as hold --max-shard-pairs each. "
    "The result is the same; a run with --save-state is not sharded.",
)
@click.option(
    "--max-shard-pairs",
    type=click.IntRange(100, None),
    help="Shard so that a shard holds at most this many candidate pairs (as the blocking rules find them), whatever "
    "the number of records (default: 40,000,000 from 2,000,000 records up); fewer lower the memory a shard takes.",
)
def match(
    input_path: Path | None,
    spec_path: Path,
    output_path: Path,
    previous_path: Path | None,
    labels_path: Path | None,
    save_state_dir: Path | None,
    model_dir: Path | None,
    increment_path: Path | None,
    state_dir: Path | None,
    withdrawn_path: Path | None,
    encoding: str = "auto",
    delimiter: str | None = None,
    shards: int | None = None,
    max_shard_pairs: int | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine_path: Path | None = None,
) -> None:
    """Deduplicate any table into entities under a declarative match spec.

    Beside OUTPUT it writes <name>.pairs (every scored candidate pair with its evidence
    and decision), <name>.review (pairs a person should decide), <name>.entities
    (golden records), <name>.capped (blocks too large to compare all-against-all, with
    the pairs kept) and <name>.model (m, u and weight of every comparison level), in
    OUTPUT's format.

    With --increment NEW --state DIR it matches only NEW's records against the saved run:
    OUTPUT holds the lineage of every record re-clustered, .pairs their pairs, .review the
    review rows among them, .entities their golden records, .blocking what each blocking
    rule re-paired and .merged the previous entities merged into others; the state is
    updated (README "Increments"). --labels there are reviewers' verdicts ('same' and
    'different') given since the saved run; --withdrawn names records deleted in their source.
    """
    import logging

    from pipelines.match import SpecError, load_spec
    from pipelines.match import match as run_match
    from pipelines.match.learning import frozen_model_note, usable_verdicts, verdict_coverage, verdicts_since_fit
    from pipelines.match.state import StateError, load_frozen, save_state, verdict_history

    started = time.perf_counter()
    SHORT_ROWS_READ.clear()
    _check_match_options(input_path, previous_path, labels_path, model_dir, increment_path, state_dir)
    if withdrawn_path is not None and increment_path is None:
        raise click.UsageError("--withdrawn goes with --increment (records deleted since the saved --state)")
    if (shards is not None or max_shard_pairs is not None) and increment_path is not None:
        raise click.UsageError("--shards and --max-shard-pairs are for a whole --input (not an --increment)")
    out_fmt = file_format(output_path, "--output")
    read = _table_reader(encoding, delimiter, sheet, skip_rows, quarantine_path is not None)
    outputs = increment_outputs(output_path) if increment_path else match_outputs(output_path)
    inputs = [
        ("--input", input_path),
        ("--spec", spec_path),
        ("--previous", previous_path),
        ("--labels", labels_path),
        ("--increment", increment_path),
        ("--withdrawn", withdrawn_path),
    ]
    for path in outputs:
        check_output(path, "--output", inputs)
    if quarantine_path is not None:
        check_output(quarantine_path, "--quarantine", [*inputs, *(("--output", path) for path in outputs)])
    try:
        spec = load_spec(spec_path)
    except SpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--spec") from None
    # the side files' record ids as the input's are read: a Parquet input holding its ids as floats is matched by
    # their text ('1.0'), so a side file's float ids keep theirs too (whole floats read as '1' met none of them)
    float_ids = _float_id_column(increment_path or input_path, spec.id_column)
    labels, different = _read_verdicts(labels_path, "--labels", float_ids) if labels_path is not None else (None, None)
    if increment_path is not None:
        withdrawn = _read_withdrawn(withdrawn_path, spec.id_column, float_ids) if withdrawn_path is not None else None
        increment = read(increment_path, "--increment")
        write_quarantine(increment, quarantine_path, increment_path)
        _match_increment(
            spec,
            increment,
            increment_path,
            state_dir,
            save_state_dir,
            outputs,
            out_fmt,
            started,
            labels,
            withdrawn,
            different,
        )
        return
    frozen = history = None
    if model_dir is not None:
        try:
            frozen, _ = load_frozen(model_dir)
            frozen.check(spec, f"the model in {model_dir}")
            history = verdict_history(model_dir, spec.id_column)  # (what its m has learned from reviewers)
        except StateError as exc:
            raise click.BadParameter(str(exc), param_hint="--model") from None
    # one chunk a column: the engine's table shares the columns it takes from it instead of copying them into one
    # chunk (a Parquet file is read a row group a chunk; at 1M people 185 bytes a record less after preparing)
    table = read(input_path, "--input")
    write_quarantine(table, quarantine_path, input_path)
    frame = _spec_columns_as_text(table.frame.rechunk(), spec)
    _refuse_nested_columns(frame, spec, input_path)
    if not frame.height:  # a data problem, as an empty file is (the engine has nothing to fit a model on)
        raise click.ClickException(f"{input_path}: has no rows (a header only): nothing to match")
    _check_spec_columns_named(frame, spec, input_path)
    previous = None
    if previous_path is not None:
        # an earlier --output, maybe opened and saved again in Excel: read as --labels is (encoding detected,
        # delimiter sniffed)
        previous_read = read_table(previous_path, "--previous")
        previous = previous_read.frame
        if not {"record_id", "entity_id"} <= set(previous.columns):
            raise click.BadParameter(
                f"{previous_path}: needs columns record_id and entity_id (a previous --output)", param_hint="--previous"
            )
        previous = _as_text_columns(
            previous, ("record_id", "entity_id"), previous_path, "--previous", ("record_id",) if float_ids else ()
        )
        previous = _one_entity_per_record(previous, previous_path, previous_read.data_rows, previous_read.rows)
        if previous.height and spec.id_column in frame.columns:  # ids written otherwise lose every entity id
            met = previous["record_id"].is_in(frame[spec.id_column].cast(pl.String).implode())
            if not met.any():
                echo(
                    f"--previous {previous_path}: none of its {previous.height:,} record ids is a record of "
                    f"{input_path}: no entity keeps its previous id (ids written otherwise? '1.0' is not '1')"
                )
    logging.basicConfig(level=logging.INFO, format="  %(message)s", stream=sys.stderr)
    echo(f"wardbridge: matching {frame.height:,} rows of {input_path} with {spec_path}")
    if labels is not None and spec.id_column in frame.columns:  # (a missing id column: prepare says so)
        coverage = verdict_coverage(frame[spec.id_column], labels, different)
        if coverage["unknown_records"] or coverage["same_record"]:
            echo(
                f"--labels {labels_path}: {coverage['usable']:,} of {coverage['pairs']:,} pairs used; "
                f"{coverage['unknown_records']:,} name a record id {input_path} does not hold (or none) and "
                f"{coverage['same_record']:,} pair a record with itself: left out"
            )
    try:
        _check_input(frame, spec, input_path, table)  # rows named as the file numbers them (prepare checks again)
        result = run_match(
            frame,
            spec,
            previous=previous,
            labelled_pairs=labels,
            cannot_link_pairs=different,
            source=str(input_path),
            model=frozen,
            keep_state=save_state_dir is not None,
            shards=shards,
            shard_pairs=max_shard_pairs,
        )
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None
    since_fit = None
    if history is not None:  # m frozen: the verdicts it has not learned from, counted as an increment counts them
        since_fit = verdicts_since_fit(*history, usable_verdicts(frame[spec.id_column], labels, different))
        if result.state is not None:
            result.state.verdicts_since_fit, result.state.verdicts_seen = since_fit.count, since_fit.seen
    if save_state_dir is not None:
        save_state(result.state, save_state_dir, spec)
        echo(f"state saved in {save_state_dir} (model {result.state.frozen.fingerprint()})")
    tables = [
        result.records,
        result.pairs,
        result.review,
        result.entities,
        result.blocking.capped_blocks,
        result.model_table(),
    ]
    for path, table in zip(outputs, tables, strict=True):
        write_frame(table, path, out_fmt)
    echo(result.summary())
    if since_fit is not None and since_fit.count:
        echo(frozen_model_note(since_fit.count, since_fit.given, "this run"))
    echo(f"wrote {', '.join(str(p) for p in outputs)} in {time.perf_counter() - started:.1f}s{short_rows_note()}")


def _check_spec_columns_named(frame: pl.DataFrame, spec, path: Path) -> None:  # noqa: ANN001 - a MatchSpec
    """When the table lacks columns the spec uses and its header looks like a data row (a CSV without a header),
    refuse it saying so (exit 1, as the engine's missing-column check), the columns counted and not listed: the
    engine's message lists the table's columns, which would be that row's values."""
    missing = sorted(set(spec.input_columns) - set(frame.columns))
    if missing and header_looks_like_data(frame.columns):
        raise click.ClickException(
            f"{path}: the spec uses columns {missing} that the table does not have; {columns_listed(frame.columns)}"
        )


def _table_reader(
    encoding: str, delimiter: str | None, sheet: str | None = None, skip_rows: int = 0, quarantine: bool = False
) -> Callable[[Path, str], TableRead]:
    """How match reads the table it deduplicates (--input, --increment): as resolve reads its input, a CSV in
    UTF-8, Windows-1258, VNI or TCVN3 (detected unless --encoding says) with the delimiter sniffed unless given;
    with the file's data-row numbers (TableRead); ``quarantine``: --quarantine given (read_table)."""
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise click.BadParameter("the delimiter must be one character (or 'tab')", param_hint="--delimiter")
    return lambda path, option: read_table(path, option, encoding.lower(), delimiter, sheet, skip_rows, quarantine)


def _check_input(frame: pl.DataFrame, spec, path: Path, table: TableRead) -> None:  # noqa: ANN001 - a MatchSpec
    """match's prepare checks (check_input) with the rows named as the file numbers them, when that is not 1..height:
    a CSV's data rows with its blank lines counted, a workbook's sheet rows, a JSON file's objects or lines."""
    from pipelines.match import SpecError
    from pipelines.match.prepare import check_input, repeated_id_rows, repeated_ids_said

    if table.data_rows is None:
        return
    ids = frame[spec.id_column] if spec.id_column in frame.columns else None
    if table.rows != "data row" and ids is not None and ids.null_count():
        at = ids.is_null().arg_true().head(5).to_list()
        raise SpecError(f"{path}: {ids.null_count()} rows have no {spec.id_column!r} ({table.where(at)})")
    if table.rows != "data row" and ids is not None and ids.n_unique() != frame.height:  # rows, never the id
        groups, n = repeated_id_rows(ids)
        numbers = [[int(table.data_rows[i]) for i in at] for at in groups]
        raise SpecError(f"{path}: {spec.id_column!r} is not unique: {repeated_ids_said(n, numbers, table.rows + 's')}")
    check_input(frame, spec, str(path), table.data_rows)


def _one_entity_per_record(
    previous: pl.DataFrame, path: Path, data_rows: np.ndarray | None = None, rows_are: str = "data row"
) -> pl.DataFrame:
    """A previous --output has one entity id per record: rows repeated as they were are read once; a record
    given two entity ids is refused (which one it keeps would be a guess), naming the data rows, not the ids:
    the file's (``data_rows``, TableRead's, when blank lines were skipped; ``rows_are`` what they number)."""
    torn = previous.with_row_index("row").filter(pl.col("entity_id").n_unique().over("record_id") > 1)
    if torn.height:
        records = torn["record_id"].n_unique()
        at = torn["row"].head(6)
        rows = (at + 1).to_list() if data_rows is None else data_rows[at.to_numpy()].tolist()
        raise click.BadParameter(
            f"{path}: {records:,} record(s) have more than one entity_id ({rows_are}s {rows}): a previous --output has "
            "one row per record",
            param_hint="--previous",
        )
    return previous.unique(subset=["record_id"], keep="first", maintain_order=True)


def _check_match_options(
    input_path: Path | None,
    previous_path: Path | None,
    labels_path: Path | None,
    model_dir: Path | None,
    increment_path: Path | None,
    state_dir: Path | None,
) -> None:
    """Which options go together: a whole table (--input) or an increment (--increment with --state)."""
    if increment_path is None:
        if input_path is None:
            raise click.UsageError("give --input (a whole table) or --increment with --state (new records)")
        if state_dir is not None:
            raise click.UsageError("--state is the saved run an --increment extends; for a whole --input use --model")
        return
    if input_path is not None:
        raise click.UsageError("give either --input (a whole table) or --increment (new records), not both")
    if state_dir is None:
        raise click.UsageError("--increment needs --state: the folder a run saved with --save-state")
    for option, value in (("--previous", previous_path), ("--model", model_dir)):
        if value is not None:
            raise click.UsageError(f"{option} does not go with --increment: the state holds the lineage and model")


def _row_at(path: Path, table: TableRead, at: int) -> str:
    """Where the row at 0-based position ``at`` is, for a message: a CSV's record after the header (a quoted cell,
    a note, may span lines before it), else as the file numbers its rows (a sheet row, a JSON line, a data row)."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return f"record {at + 1} after the header"
    return table.where([at])


def _float_id_column(path: Path, id_column: str) -> bool:
    """Whether a Parquet input holds its id column as floats (the engine reads them as their text, '1.0'); read from
    the file's schema alone. Any other input, or a file that cannot be read so (said when it is read): False."""
    if INPUT_FORMATS.get(path.suffix.lower()) != "parquet":  # (an unknown extension: said when it is read)
        return False
    try:
        dtype = pl.read_parquet_schema(path).get(id_column)
    except Exception:  # noqa: BLE001 - the input's own read says why
        return False
    return dtype is not None and dtype.is_float()


def _as_text_columns(
    frame: pl.DataFrame, columns: Sequence[str], path: Path, option: str, float_text: Sequence[str] = ()
) -> pl.DataFrame:
    """``frame`` with its ``columns`` (those it has) as text, as a CSV's are read: an id or verdict a Parquet file
    holds as a number, a date or true/false is its text (an int entity_id met the text ids of the input in a join and
    crashed with a Polars SchemaError); a column of lists, structs or bytes holds no one value per row and is
    refused, named with its type (it crashed with 'cannot cast List type'). ``float_text``: columns whose floats are
    read as their text ('1.0'), as the engine reads an input's float ids (``_float_id_column``), not as whole
    numbers. Names and types only, never a value."""
    for column in columns:
        dtype = frame.schema.get(column)
        if dtype is not None and (_is_nested(dtype) or dtype == pl.Binary):
            raise click.BadParameter(
                f"{path}: column {column!r} has type {dtype}; it must hold one value per row", param_hint=option
            )
    # a float column of whole numbers (pandas writes an int id column holding a null as float: 1.0, 2.0) is read as
    # the integers' text: as '1.0' it met the input's '1' nowhere and every previous id was lost, silently
    floats = [c for c in columns if c in frame.columns and frame.schema[c].is_float() and c not in float_text]
    for column in floats:
        if not frame.select(is_whole_number(pl.col(column)).all()).item():
            raise click.BadParameter(
                f"{path}: column {column!r} has type {frame.schema[column]} and holds numbers that are not whole: "
                "an id is text or a whole number",
                param_hint=option,
            )
    if floats:
        frame = frame.with_columns(pl.col(floats).cast(pl.Int64))
    cast = [c for c in columns if c in frame.columns and frame.schema[c] != pl.String]
    return frame.with_columns(pl.col(c).cast(pl.String) for c in cast) if cast else frame


def _spec_columns_as_text(frame: pl.DataFrame, spec) -> pl.DataFrame:  # noqa: ANN001 - a MatchSpec
    """The spec's columns that a Parquet file holds as categorical (pandas' 'category' dtype, read by Polars as
    Categorical) or Enum, as their text: Polars' string functions refuse the categorical type, and the match stopped
    with a traceback on a name column saved so ('str.replace_many operation not supported for dtypes `cat`')."""
    used = {c.split("__")[0] for c in spec.referenced_columns} | spec.input_columns | spec.optional_columns
    coded = [c for c in sorted(used) if isinstance(frame.schema.get(c), pl.Categorical | pl.Enum)]
    return frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame


def _refuse_nested_columns(frame: pl.DataFrame, spec, path: Path) -> None:  # noqa: ANN001 - a MatchSpec
    """A column the spec uses holding lists or structs (a Parquet --input or --increment) is a data problem, named
    with its type: the spec compares one value per record (an --increment's crashed: 'cannot cast List type')."""
    nested = [c for c in sorted(spec.input_columns) if c in frame.columns and _is_nested(frame.schema[c])]
    if nested:
        raise click.ClickException(
            f"{path}: column(s) {nested} used by the spec hold lists or structs ({frame.schema[nested[0]]}); "
            "the spec compares one value per record"
        )


def _read_pairs(path: Path, option: str, float_ids: bool = False) -> TableRead:
    """Reviewers' pairs (left_id, right_id) from a CSV or Parquet file: a CSV as --input is read (UTF-8,
    Windows-1258, VNI or TCVN3 detected; the delimiter sniffed: a ward file saved by a Vietnamese Excel uses ';')."""
    pairs = read_table(path, option)
    if not {"left_id", "right_id"} <= set(pairs.frame.columns):
        raise click.BadParameter(f"{path}: needs columns left_id and right_id", param_hint=option)
    ids = ("left_id", "right_id")
    frame = _as_text_columns(pairs.frame, (*ids, *VERDICT_COLUMNS), path, option, ids if float_ids else ())
    return dataclasses.replace(pairs, frame=frame)


VERDICT_COLUMNS = ("label", "verdict", "decision")  # the first one present says each pair's verdict
SAME_VERDICTS = ("match", "same")
DIFFERENT_VERDICTS = ("no_match", "different")


def _read_verdicts(path: Path, option: str, float_ids: bool = False) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Reviewers' verdicts from a pairs file: (the 'same' pairs, the 'different' pairs or None without a verdict
    column). A verdict column (label, verdict or decision, as review.match_labels and the ward files write it) holds
    match/same or no_match/different (any case); without one every pair is 'same'. A row with an empty verdict is
    a pair not decided yet (a ward file partly filled in): left out and counted. Another value is refused with the
    count and first row, never the value. A review file of the pipeline (review_<ward>.xlsx, match_pair.csv: an item
    one row per record pair) is read as the review stage reads it (``review.decisions.ward_file_pairs``): an item's
    decision labels every record pair it shows; rows of one item giving different decisions are left out, named."""
    from pipelines.review.decisions import ward_file_pairs

    ward = ward_file_pairs(path)
    if ward is not None:
        pairs, column = ward.pairs, "decision"
        _say_ward_file(path, option, ward)
    else:
        table = _read_pairs(path, option, float_ids)
        pairs = table.frame
        column = next((c for c in VERDICT_COLUMNS if c in pairs.columns), None)
        if column is None:
            return pairs.select("left_id", "right_id"), None

    def where(at: int) -> str:  # a CSV record is counted, not a line: a quoted cell (a note) may span lines before it
        if ward is None:
            return _row_at(path, table, at)
        sheet = pairs["sheet"][at]
        return f"row {pairs['source_row'][at]}" + (f" of sheet {sheet!r}" if sheet is not None else "")

    verdict = pairs[column].cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
    undecided = verdict.replace("", None).is_null()
    bad = ~undecided & ~verdict.is_in([*SAME_VERDICTS, *DIFFERENT_VERDICTS]).fill_null(False)
    if bad.any():
        first = int(bad.arg_true()[0])
        rows = int(bad.sum()) if ward is None else pairs.filter(bad).select("sheet", "source_row").unique().height
        raise click.BadParameter(
            f"{path}: {rows:,} rows whose {column} is not one of {', '.join(SAME_VERDICTS)} (same entity) "
            f"or {', '.join(DIFFERENT_VERDICTS)} (different entities); the first at {where(first)}",
            param_hint=option,
        )
    if undecided.any():
        echo(f"{option} {path}: {int(undecided.sum()):,} rows without a {column} (not decided yet) left out")
    same, different = verdict.is_in(SAME_VERDICTS).fill_null(False), verdict.is_in(DIFFERENT_VERDICTS).fill_null(False)
    # one pair (either order) judged both same and different: the matcher reads it as different, the safer verdict
    # (engine._reviewed_pairs); said with the count and the first row, never an id
    ids = [pl.col(c).cast(pl.String) for c in ("left_id", "right_id")]
    key = pairs.select(pl.concat_str(pl.min_horizontal(ids), pl.max_horizontal(ids), separator="\x1f")).to_series()
    conflict = (key.is_in(key.filter(same).implode()) & key.is_in(key.filter(different).implode())).fill_null(False)
    if conflict.any():
        first = int(conflict.arg_true()[0])
        echo(
            f"{option} {path}: {int(key.filter(conflict).n_unique()):,} pairs judged both same and different "
            f"({int(conflict.sum()):,} rows, the first at {where(first)}): read as different (never linked); decide them "
            "again"
        )
    return pairs.filter(same).select("left_id", "right_id"), pairs.filter(different).select("left_id", "right_id")


def _say_ward_file(path: Path, option: str, ward) -> None:  # noqa: ANN001 - a review.decisions.WardFilePairs
    """What was read of a review file given as verdicts: decided items and the record pairs they label, items not
    decided yet, and the rows not read (rows of one item giving different decisions, named by item and rows; cells the
    review stage refuses), never a value."""
    own = int(ward.pairs["item_id"].is_null().sum()) if ward.pairs.height else 0
    mp = ward.pairs.height - own
    echo(
        f"{option} {path}: a review file: {ward.items:,} decided item(s), {mp:,} record pair(s) (an item's decision "
        f"labels every record pair of it)"
        + (f", {own:,} row(s) without an item id read as pairs of their own" if own else "")
        + f"; {ward.undecided:,} item(s) not decided yet left out"
    )
    if ward.refused:
        causes = ward.errors.filter(pl.col("field") == "decision")["cause"].unique(maintain_order=True)
        echo(
            f"{option} {path}: {ward.refused:,} item(s) whose rows give different decisions not read: "
            + "; ".join(causes.head(5))
            + (f"; and {causes.len() - 5:,} more" if causes.len() > 5 else "")
        )
    others = ward.errors.filter(~pl.col("cause").str.contains(" give different decisions"))
    if others.height:
        first = others.row(0, named=True)
        at = f"row {first['source_row']}" + (f" of sheet {first['sheet']!r}" if first["sheet"] is not None else "")
        echo(
            f"{option} {path}: {others.height:,} row(s) not read; the first at {at} ({first['field']}): {first['cause']}"
        )


def _read_withdrawn(path: Path, id_column: str, float_ids: bool = False) -> pl.Series:
    """Record ids deleted in their source: column record_id, else the spec's id column (as text). The file comes
    from a source system's export: read as --input is (encoding detected, delimiter sniffed)."""
    table = read_table_file(path, "--withdrawn")
    column = next((c for c in ("record_id", id_column) if c in table.columns), None)
    if column is None:
        raise click.BadParameter(f"{path}: needs a column record_id (or {id_column})", param_hint="--withdrawn")
    return _as_text_columns(table, (column,), path, "--withdrawn", (column,) if float_ids else ())[column]


def _match_increment(
    spec,  # noqa: ANN001 - a MatchSpec
    table: TableRead,
    increment_path: Path,
    state_dir: Path,
    save_state_dir: Path | None,
    outputs: list[Path],
    out_fmt: str,
    started: float,
    verdicts: pl.DataFrame | None = None,
    withdrawn: pl.Series | None = None,
    different: pl.DataFrame | None = None,
) -> None:
    import logging

    from pipelines.match import SpecError
    from pipelines.match.increment import match_increment
    from pipelines.match.state import StateError, load_state, save_state

    frame = _spec_columns_as_text(table.frame, spec)

    try:
        state = load_state(state_dir, spec)
    except StateError as exc:
        raise click.BadParameter(str(exc), param_hint="--state") from None
    _refuse_nested_columns(frame, spec, increment_path)
    _check_spec_columns_named(frame, spec, increment_path)
    logging.basicConfig(level=logging.INFO, format="  %(message)s", stream=sys.stderr)
    echo(f"wardbridge: matching {frame.height:,} new or changed rows of {increment_path} against {state_dir}")
    try:
        _check_input(frame, spec, increment_path, table)  # rows named as the file numbers them (prepare again)
        result = match_increment(
            state,
            frame,
            spec,
            labelled_pairs=verdicts,
            cannot_link_pairs=different,
            withdrawn=withdrawn,
            source=str(increment_path),
        )
    except (SpecError, StateError) as exc:
        raise click.ClickException(str(exc)) from None
    tables = [result.records, result.pairs, result.review, result.entities, result.blocking, result.merged_entities]
    for path, table in zip(outputs, tables, strict=True):
        write_frame(table, path, out_fmt)
    target = save_state_dir or state_dir
    save_state(result.state, target)
    echo(result.summary())
    echo(
        f"wrote {', '.join(str(p) for p in outputs)} and the state {target} in {time.perf_counter() - started:.1f}s"
        + short_rows_note()
    )


def increment_outputs(output_path: Path) -> list[Path]:
    """OUTPUT of an increment and its companions: .pairs, .review, .entities, .blocking, .merged."""
    parts = ("pairs", "review", "entities", "blocking", "merged")
    stem, suffix = output_path.stem, output_path.suffix
    return [output_path, *(output_path.with_name(f"{stem}.{part}{suffix}") for part in parts)]


def match_outputs(output_path: Path) -> list[Path]:
    """OUTPUT and its companions: .pairs, .review, .entities, .capped, .model (in that order)."""
    parts = ("pairs", "review", "entities", "capped", "model")
    stem, suffix = output_path.stem, output_path.suffix
    return [output_path, *(output_path.with_name(f"{stem}.{part}{suffix}") for part in parts)]


@main.command()
def reference() -> None:
    """Print the reference tables' row counts, provenance and invariant checks."""
    from pipelines.reference import REFERENCE_DIR, load_reference
    from pipelines.schema import REFERENCE_TABLES
    from quality.checks import reference_checks

    ref = load_reference()
    tables = ref.tables()
    click.echo("Reference tables (mappings/):")
    for table in REFERENCE_TABLES:
        click.echo(f"  {table.name:<22}{tables[table.name].height:>8} rows")
    provenance = json.loads((REFERENCE_DIR / "provenance.json").read_text(encoding="utf-8"))
    click.echo("Sources:")
    for source in provenance.get("sources", []):
        click.echo(
            f"  {source['package']} {source['version']} ({source.get('license', '?')}): {source.get('used_for', '')}"
        )
    click.echo("Legal basis:")
    for subject, basis in provenance.get("legal_basis", {}).items():
        click.echo(f"  {subject}: {basis}")
    click.echo("Checks:")
    failed = 0
    for name, outcomes in reference_checks(tables, {t.name: t for t in REFERENCE_TABLES}).items():
        for outcome in outcomes:
            failed += not outcome.passed
            click.echo(f"  [{'ok' if outcome.passed else 'FAIL'}] {name}: {outcome.summary()}")
    if failed:
        raise SystemExit(1)


@main.command()
@click.option(
    "--output",
    "output_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory to write the registries, truth/ and manifest.json into (created; must be empty or absent).",
)
@click.option(
    "--people",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="People to generate, a target: households are drawn for it and their sizes decide the total (about 4% more: 2000 gives 2095; the whole city: 14000000).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--duplicate-rate",
    type=click.FloatRange(0, 0.5),
    default=0.10,
    show_default=True,
    help="Share of people registered 2-4 times across old units.",
)
@click.option(
    "--local-moves",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    metavar="SHARE",
    help="Of the registrations that moved (60 % of the extra ones: a new unit, a new household book), the share "
    "moved to a unit of the same old district; the rest go to a unit anywhere in the city (0: all do). The 2019 "
    "census (GSO) counts 2.7 % intra-district and 1.4 % inter-district migrants within a province (whole country): "
    "0.66 is that share.",
)
@click.option(
    "--sample",
    is_flag=True,
    help="Only the old units of the bundled sample (whole districts in each old province) and the bad files.",
)
@click.option(
    "--bad-files/--no-bad-files", default=None, help="Also write deliberately broken files (default: with --sample)."
)
@click.option(
    "--chunk-people",
    type=click.IntRange(min=1000),
    default=250_000,
    show_default=True,
    help="People per chunk (bounds memory).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def synth(
    output_dir: Path,
    people: int,
    seed: int,
    duplicate_rate: float,
    local_moves: float,
    sample: bool,
    bad_files: bool | None,
    chunk_people: int,
    quiet: bool,
) -> None:
    """Write synthetic household, population, business and tax registries of the old units, with truth."""
    from pipelines.synth.registries import SynthConfig, format_stats, generate, sample_units

    if output_dir.exists() and any(output_dir.iterdir()):
        raise click.BadParameter(f"{output_dir} is not empty; choose a new directory", param_hint="--output")
    config = SynthConfig(
        people=people,
        seed=seed,
        duplicate_rate=duplicate_rate,
        local_moves=local_moves,
        unit_uids=sample_units() if sample else None,
        chunk_people=chunk_people,
        bad_files=sample if bad_files is None else bad_files,
        progress=not quiet,
    )
    stats, _ = generate(config, output_dir)
    echo(format_stats(stats))
    echo(f"wrote {output_dir}/ (manifest.json lists every source file, its format, encoding and columns)")
    echo(
        f"next: wardbridge catalogue --manifest {output_dir / 'manifest.json'} --output {output_dir / 'catalogue.toml'}"
    )


@main.command()
@click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="manifest.json written by `wardbridge synth`.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Catalogue TOML to write (default: standard output).",
)
@click.option("--broken", is_flag=True, help="Only the files that cannot be loaded at all (for testing failures).")
def catalogue(manifest_path: Path, output_path: Path | None, broken: bool) -> None:
    """Write the source catalogue (TOML) of a `wardbridge synth` output, for `wardbridge run --catalogue`."""
    from pipelines.ingest.catalogue import catalogue_from_manifest, load_catalogue
    from pipelines.warehouse import REPO_ROOT, write_text_atomic

    if not manifest_path.is_file():
        raise click.BadParameter(f"file not found: {manifest_path}", param_hint="--manifest")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):  # a JSON list, string or number: no manifest's keys to read
            raise TypeError(f"a JSON {type(manifest).__name__}, not an object")
        root = manifest_path.parent.resolve()
        base_dir = str(root.relative_to(REPO_ROOT)) if root.is_relative_to(REPO_ROOT) else str(root)
        text = catalogue_from_manifest(manifest, base_dir, broken=broken, source=str(manifest_path))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise click.ClickException(
            f"{manifest_path}: not a manifest written by `wardbridge synth` ({type(exc).__name__}: {exc})"
        ) from None
    if output_path is None:
        click.echo(text, nl=False)
        return
    if output_path.resolve() == manifest_path.resolve():
        raise click.BadParameter("the output would overwrite the manifest", param_hint="--output")
    try:
        write_text_atomic(output_path, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output_path}: {exc.strerror or type(exc).__name__}") from None
    sources = load_catalogue([output_path])  # what `wardbridge run` will read: it must load
    echo(f"wrote {output_path}: {len(sources)} sources; run them with `wardbridge run --catalogue {output_path}`")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
