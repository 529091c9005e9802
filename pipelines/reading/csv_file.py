"""A CSV read: its encoding chosen, mended, read by Polars, and what Polars read wrong or refused made a
refusal naming the line (or, with --quarantine, the records set aside)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import polars as pl

from pipelines.encodings import LEGACY
from pipelines.reading.blank_lines import without_blank_lines
from pipelines.reading.checks import report_repeated_columns, without_nul_cells
from pipelines.reading.encoding import (
    ENCODING_SYNONYMS,
    cut_in_a_letter,
    header_not_utf8,
    legacy_file_read,
    legacy_lines_read,
    not_utf8,
    say_legacy_lines,
    undecodable_lines,
    utf8_but_a_damaged_header,
)
from pipelines.reading.mends import (
    file_tail,
    mended,
    read_without_inner_marks,
    skipped_lines,
    with_lone_cr_line_ends,
    without_inner_marks,
)
from pipelines.reading.messages import DATA_LIKE_HEADER, LINES_SHOWN, NUL_ROWS_SHOWN, echo, header_looks_like_data
from pipelines.reading.quarantine import (
    MOST_LINES_NOT_UTF8,
    NOT_MOST,
    accounted,
    lines_set_aside,
    quarantined_lines,
    records_aside,
    unreadable_records,
)
from pipelines.reading.records import csv_problem, csv_records
from pipelines.reading.short_rows import report_short_rows
from pipelines.reading.tables import TableRead, with_quarantined
from pipelines.text import numbered


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
    header holding bytes not valid UTF-8 (a name holding U+FFFD, header_not_utf8), the file ending inside a quote
    (_ends_inside_a_quote); None for a sound read (the usual case: the names and 256 bytes of the tail looked at)."""
    if chosen == "utf-8" and any("\ufffd" in name for name in frame.columns):
        data = source if isinstance(source, bytes) else path.read_bytes()
        if header_not_utf8(data.removeprefix(b"\xef\xbb\xbf"), sep) is not None:
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
    tail = source[-256:] if isinstance(source, bytes) else file_tail(path)
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


def read_csv_file(
    path: Path, option: str, encoding: str, delimiter: str | None, skip_rows: int, quarantine: bool | None
) -> TableRead:
    """read_table's CSV (its arguments): the encoding chosen, the text of a legacy file decoded, then read."""
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
        if chosen in LEGACY and utf8_but_a_damaged_header(sample, skip_rows):
            chosen = "utf-8"  # (refused below naming the header's columns, not read as wrong letters)
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
        text, utf8, bad = legacy_file_read(data, chosen, path)
        sniffed = text.split("\n", skip_rows)[-1][: 1 << 16] if skip_rows else text[: 1 << 16]
        sep = delimiter or (sniff_delimiter(sniffed) if text else ",")  # (no text: refused below)
        refused = ""
        if bad and quarantine and text:
            found = lines_set_aside(text, dict.fromkeys(bad, f"is not valid {chosen}"), sep)
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
    read = read_csv(
        path, option, source, head if whole else head[:-1], sep, delimiter, skip_rows, encoding, chosen, quarantine,
        frozenset() if aside is None else frozenset(records),
    )  # fmt: skip
    return read if aside is None else accounted(path, with_quarantined(read, aside), total)


def read_csv(
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
    source, sep, crs_looked_at = mended(source, path, head, sep, delimiter)
    if skip_rows:  # (the lines cut off may hold quotes: lone CRs are looked for again)
        source = skipped_lines(source if isinstance(source, bytes) else path.read_bytes(), skip_rows, path)
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
    """read_csv once the file is mended (each mend said once): read by Polars, then checked. A UTF-8 file Polars
    refuses whose bad lines are certainly one legacy encoding (--encoding auto) is read again from its mended text
    with those lines decoded (legacy_lines_read), the mends not done or said twice."""
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
            if (line := cut_in_a_letter(data)) is not None:  # another --encoding would garble every letter
                raise click.ClickException(
                    f"{path}: line {line} ends the file in the middle of a character (UTF-8): the file was cut off "
                    "(a copy or transfer that did not finish?); copy it again"
                ) from None
            # the mended bytes (lines skipped and Excel's 'sep=' line blanked: line numbers stay the file's)
            mended = source.removeprefix(b"\xef\xbb\xbf") if isinstance(source, bytes) else data
            text, legacy, bad = legacy_lines_read(mended, path)
            if encoding == "auto" and legacy and not bad:  # (then valid UTF-8: chosen 'legacy' comes back not here)
                say_legacy_lines(path, legacy)
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
            header = None if 0 in bad else header_not_utf8(mended, sep, set(why))
            if quarantine and why and not refused:
                found = lines_set_aside(text, why, sep)
                if isinstance(found, str):  # a header line; most of the file: its encoding wrong?
                    refused = found + ("; the file is likely in another encoding" if found.endswith(NOT_MOST) else "")
                else:
                    kept, records, total = found
                    if encoding == "auto" and legacy:
                        say_legacy_lines(path, legacy)
                    read = _read_mended(
                        path, option, kept.encode(), sep, crs_looked_at, encoding, "legacy", quarantine,
                        aside | set(records),
                    )  # fmt: skip
                    return accounted(path, with_quarantined(read, quarantined_lines(mended, records)), total)
            raise click.ClickException(
                not_utf8(path, data, encoding, legacy, bad, quarantine, refused, header)
            ) from None
        data = source if isinstance(source, bytes) else path.read_bytes()
        frame, source = read_without_inner_marks(data, sep, path, source)
        if frame is not None and _read_unsound(frame, source, path, sep, chosen) is not None:
            # read again from the marks' mended bytes: refused or set aside there, as a file without them
            return _read_mended(path, option, source, sep, False, encoding, chosen, quarantine, aside)
        crs_looked_at = False
        refused = ""
        if frame is None and quarantine:  # the rows Polars cannot read set aside, the rest read
            text = data.decode("utf-8", "surrogateescape")
            if (unread := unreadable_records(text, sep)) is not None:
                found = records_aside(text, *unread)
                if isinstance(found, str):
                    refused = found
                else:
                    kept, records, total = found
                    read = _read_mended(
                        path, option, kept.encode("utf-8", "surrogateescape"), sep, False, encoding, chosen,
                        quarantine, aside | set(records),
                    )  # fmt: skip
                    return accounted(path, with_quarantined(read, quarantined_lines(data, records)), total)
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
