"""A CSV read: its encoding chosen, mended, read by Polars, and what Polars read wrong or refused made a
refusal naming the line (or, with --quarantine, the records set aside)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
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
from pipelines.reading.records import csv_problem, last_record
from pipelines.reading.short_rows import report_short_rows
from pipelines.reading.tables import TableRead, with_quarantined
from pipelines.text import numbered


class _HeaderNotUtf8(pl.exceptions.ComputeError):
    """Polars read a UTF-8 CSV whose header holds bytes not valid UTF-8 (each a U+FFFD in a name, no error): raised
    in CsvRead.read to be handled as Polars' own error for such bytes in a row ('utf' in its words)."""


class _OpenAtTheEnd(pl.exceptions.ComputeError):
    """Polars read a CSV that ends inside a quoted field opened and never closed, with no error (_ends_inside_a_quote):
    raised in CsvRead.read to be handled as a quote never closed elsewhere is (refused naming its line, or set aside
    with --quarantine)."""


def _read_unsound(
    frame: pl.DataFrame, source: Path | bytes, path: Path, sep: str, chosen: str
) -> pl.exceptions.ComputeError | None:
    """What Polars read from ``source`` with no error but wrong, as the error CsvRead.read handles for it: a UTF-8
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
    quoted last field); one Polars cannot read so is walked to tell (its last record open at the end, csv_records). (Fuzzed: every file Python's
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
    last = last_record(data.decode("utf-8", "surrogateescape"), sep)
    return last is not None and last.open_at_the_end


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
    """read_table's CSV (its arguments): its first 64 kB looked at, its encoding chosen (a legacy file's text
    decoded whole, _read_legacy), its delimiter sniffed unless given, then mended and read (CsvRead)."""
    encoding = ENCODING_SYNONYMS.get(encoding, encoding)
    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    head, whole = _first_bytes(path)
    sample = head if whole else head[: head.rfind(b"\n") + 1] or head  # whole lines: no character cut in two
    chosen = _encoding_chosen(path, sample, encoding, skip_rows)
    lines = head if whole else head[:-1]
    if chosen != "utf-8":
        return _read_legacy(CsvRead(path, option, encoding, chosen, ",", quarantine), lines, delimiter, skip_rows)
    sniffed = head.split(b"\n", skip_rows)[-1] if skip_rows else head  # the title line tells no delimiter
    sep = delimiter or sniff_delimiter(sniffed.decode("utf-8-sig", errors="replace"))
    return CsvRead(path, option, encoding, chosen, sep, quarantine).mended_and_read(path, lines, delimiter, skip_rows)


def _first_bytes(path: Path) -> tuple[bytes, bool]:
    """The file's first 64 kB and whether that is the whole file; refused when it is empty or only NUL bytes."""
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
    return head, whole


def _encoding_chosen(path: Path, sample: bytes, encoding: str, skip_rows: int) -> str:
    """The encoding the file is read in: detected on ``sample`` (--encoding auto; a short UTF-8 file's damaged
    header not taken for a legacy encoding's, utf8_but_a_damaged_header), else as ingestion reads a declared one
    (UTF-16 with its mark, UTF-8 Vietnamese declared legacy: said)."""
    from pipelines.encodings import choose_encoding, detect_encoding

    if encoding == "auto":
        chosen = detect_encoding(sample)
        chosen = "utf-8" if chosen == "utf-8-sig" else chosen
        if chosen in LEGACY and utf8_but_a_damaged_header(sample, skip_rows):
            chosen = "utf-8"  # (refused below naming the header's columns, not read as wrong letters)
        return chosen
    chosen, label, _ = choose_encoding(sample, encoding)
    if chosen != encoding:
        echo(f"wardbridge: {path} read as {label}")
    return chosen


def _read_legacy(reader: CsvRead, head: bytes, delimiter: str | None, skip_rows: int) -> TableRead:
    """A CSV in a legacy encoding (or UTF-16), ``reader.chosen``: decoded whole as ingestion decodes it
    (legacy_file_read), its lines not valid in it refused, or with --quarantine their records set aside; then read
    as its text's UTF-8 bytes, the encoding and the lines read as UTF-8 said."""
    path, chosen, quarantine = reader.path, reader.chosen, reader.quarantine
    data = path.read_bytes()
    text, utf8, bad = legacy_file_read(data, chosen, path)
    sniffed = text.split("\n", skip_rows)[-1][: 1 << 16] if skip_rows else text[: 1 << 16]
    reader = dataclasses.replace(reader, sep=delimiter or (sniff_delimiter(sniffed) if text else ","))
    refused, aside = "", None  # (no text: refused below)
    if bad and quarantine and text:
        found = lines_set_aside(text, dict.fromkeys(bad, f"is not valid {chosen}"), reader.sep)
        if isinstance(found, str):
            refused = f"; {found}"
        else:
            text, records, total = found
            aside, bad = quarantined_lines(data, records), set()
            reader = dataclasses.replace(reader, aside=frozenset(records))
    if bad:
        raise click.ClickException(_not_valid_in(reader, data, bool(text), bad, refused))
    echo(f"wardbridge: {path} read as {chosen}" + (" (detected)" if reader.encoding == "auto" else ""))
    if utf8:
        echo(
            f"wardbridge: {path}: {len(utf8):,} line{'s' if len(utf8) > 1 else ''} valid UTF-8 read as UTF-8 "
            f"({numbered('line', utf8, NUL_ROWS_SHOWN)}): read as {chosen}, every letter would be two or three wrong "
            "ones (rows a newer program appended?)"
        )
    read = reader.mended_and_read(text.encode("utf-8"), head, delimiter, skip_rows)
    return read if aside is None else accounted(path, with_quarantined(read, aside), total)


def _not_valid_in(reader: CsvRead, data: bytes, decoded: bool, bad: set[int], refused: str) -> str:
    """Why a legacy file is refused: its lines not valid in its encoding (all of them counted again when most are
    not, ``decoded`` False), what to try, and --quarantine offered (or why it set nothing aside)."""
    from pipelines.encodings import decode_bytes

    chosen = reader.chosen
    where = (
        numbered("line", bad, LINES_SHOWN) if decoded else undecodable_lines(data, lambda b: decode_bytes(b, chosen))
    )
    offer = "; --quarantine FILE sets such lines aside and reads the rest"
    return f"{reader.path}: {where + ' ' if where else ''}not valid {chosen} (try another --encoding)" + (
        offer if reader.quarantine is False and decoded else refused
    )


@dataclasses.dataclass(frozen=True)
class CsvRead:
    """A CSV being read, what read_table was given and what was chosen for it: ``encoding`` as given (auto, utf-8,
    a legacy one), ``chosen`` the encoding read ('legacy': a UTF-8 file with lines decoded in a legacy encoding, its
    text as UTF-8 bytes), the delimiter, --quarantine (True given, False offered, None not), and the records set
    aside so far ((first line, last line): blank lines, not said as such). What is read again (a UTF-8 file's
    legacy lines decoded, records set aside, byte order marks taken out) is read from mended bytes by a copy of it:
    the mends are not done or said twice."""

    path: Path
    option: str
    encoding: str
    chosen: str
    sep: str
    quarantine: bool | None = None
    aside: frozenset[tuple[int, int]] = frozenset()

    def mended_and_read(self, source: Path | bytes, head: bytes, delimiter: str | None, skip_rows: int) -> TableRead:
        """``source`` (the file, or its text as UTF-8 bytes) mended, each mend said once (mends.mended: ``head`` its
        first 64 kB, whole lines; Excel's 'sep=' line may name the delimiter), its --skip-rows lines left blank,
        then read."""
        source, sep, crs_looked_at = mended(source, self.path, head, self.sep, delimiter)
        if skip_rows:  # (the lines cut off may hold quotes: lone CRs are looked for again)
            source = skipped_lines(self._bytes(source), skip_rows, self.path)
            crs_looked_at = False
        return dataclasses.replace(self, sep=sep).read(source, crs_looked_at)

    def read(self, source: Path | bytes, crs_looked_at: bool) -> TableRead:
        """The mended ``source`` read by Polars, then checked (_checked); what Polars refuses, or reads with no error
        but wrong (_read_unsound), read again where that helps or refused naming its line: bytes not valid UTF-8
        (_not_utf8), else a CSV Polars cannot split (_not_csv). ``crs_looked_at``: no CR alone ends a line outside
        quotes (with_lone_cr_line_ends looked at the whole text)."""
        try:
            try:
                frame = self._polars(source)
            except pl.exceptions.ComputeError:  # a lone CR after the first 64 kB (files pasted together): a long row
                if (
                    isinstance(source, bytes)
                    or (lone := with_lone_cr_line_ends(self.path.read_bytes(), self.path)) is None
                ):
                    raise
                source = lone
                frame = self._polars(source)
                crs_looked_at = True
            if (unsound := _read_unsound(frame, source, self.path, self.sep, self.chosen)) is not None:
                raise unsound
        except pl.exceptions.NoDataError:
            raise click.ClickException(f"{self.path}: the file is empty") from None
        except pl.exceptions.DuplicateError:  # the name Polars gives a repeated column's copy is another column's name
            raise click.ClickException(f"{self.path}: {_duplicate_names(self._bytes(source), self.sep)}") from None
        except (pl.exceptions.PolarsError, OSError) as exc:
            if self.chosen == "utf-8" and "utf" in str(exc).lower():
                return self._not_utf8(source, crs_looked_at)
            return self._not_csv(source, exc)
        return self._checked(frame, source, crs_looked_at)

    def _polars(self, source: Path | bytes) -> pl.DataFrame:
        return pl.read_csv(source, infer_schema=False, separator=self.sep, encoding="utf8")

    def _bytes(self, source: Path | bytes) -> bytes:
        return source if isinstance(source, bytes) else self.path.read_bytes()

    def _checked(self, frame: pl.DataFrame, source: Path | bytes, crs_looked_at: bool) -> TableRead:
        """What Polars read, checked: blank lines dropped (said), short rows and repeated columns said, byte order
        marks at rows' starts and NUL characters taken out (said)."""
        read = without_blank_lines(frame, self.path, source, self.sep, self.aside)
        report_short_rows(read.frame, self.path, source, self.sep, self.option, no_lone_crs=crs_looked_at)
        report_repeated_columns(read.frame, self.path)
        return without_nul_cells(without_inner_marks(read, self.path), self.path)

    def _again(self, source: bytes, crs_looked_at: bool, chosen: str = "", records: Iterable = ()) -> TableRead:
        """Read again from mended bytes, in ``chosen`` (unchanged when empty), with ``records`` set aside too."""
        again = dataclasses.replace(self, chosen=chosen or self.chosen, aside=self.aside | set(records))
        return again.read(source, crs_looked_at)

    def _aside_read(self, found: tuple, data: bytes, crs_looked_at: bool, chosen: str = "") -> TableRead:
        """--quarantine's read: the text kept (``found``: records_aside's answer, the records left blank), the
        records set aside as quarantine rows of ``data`` (the bytes they are taken from), checked against the
        file's records (accounted)."""
        kept, records, total = found
        read = self._again(kept.encode("utf-8", "surrogateescape"), crs_looked_at, chosen, records)
        return accounted(self.path, with_quarantined(read, quarantined_lines(data, records)), total)

    def _not_utf8(self, source: Path | bytes, crs_looked_at: bool) -> TableRead:
        """A UTF-8 file with bytes not valid UTF-8 (Polars refused it, or read its header's as U+FFFD): cut inside
        its last letter, refused; its lines certainly one legacy encoding read so (--encoding auto, legacy_lines_read,
        said); with --quarantine the others' records set aside (with an explicit utf-8, the legacy ones too), the
        rest read; else refused naming the lines and the header among them (not_utf8)."""
        path, auto = self.path, self.encoding == "auto"
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        if (line := cut_in_a_letter(data)) is not None:  # another --encoding would garble every letter
            raise click.ClickException(
                f"{path}: line {line} ends the file in the middle of a character (UTF-8): the file was cut off "
                "(a copy or transfer that did not finish?); copy it again"
            ) from None
        # the mended bytes (lines skipped and Excel's 'sep=' line blanked: line numbers stay the file's)
        mended = source.removeprefix(b"\xef\xbb\xbf") if isinstance(source, bytes) else data
        text, legacy, bad = legacy_lines_read(mended, path)
        if auto and legacy and not bad:  # (then valid UTF-8: chosen 'legacy' comes back not here)
            say_legacy_lines(path, legacy)
            return self._again(text.encode(), crs_looked_at, "legacy")  # (a wide row, a broken quote: set aside there)
        why = dict.fromkeys(bad, "is not valid UTF-8, nor certainly a legacy encoding (damaged bytes?)")
        if not auto:
            why |= dict.fromkeys(legacy, f"is not valid UTF-8 (--encoding {self.encoding} reads UTF-8 only)")
        refused = MOST_LINES_NOT_UTF8 if 0 in bad else ""
        # the header among the lines not read: named with its columns, never set aside
        header = None if 0 in bad else header_not_utf8(mended, self.sep, set(why))
        if self.quarantine and why and not refused:
            found = lines_set_aside(text, why, self.sep)
            if not isinstance(found, str):
                if auto and legacy:
                    say_legacy_lines(path, legacy)
                return self._aside_read(found, mended, crs_looked_at, "legacy")
            refused = found + ("; the file is likely in another encoding" if found.endswith(NOT_MOST) else "")
        raise click.ClickException(
            not_utf8(path, data, self.encoding, legacy, bad, self.quarantine, refused, header)
        ) from None

    def _not_csv(self, source: Path | bytes, exc: Exception) -> TableRead:
        """A file Polars cannot split as CSV (or read wrong: a quote open at its end): read again without byte order
        marks inside it (files joined); with --quarantine its records Polars cannot read set aside, the rest read;
        else refused naming the line (csv_problem), --quarantine offered where it would set records aside."""
        data = self._bytes(source)
        frame, source = read_without_inner_marks(data, self.sep, self.path, source)
        if frame is not None and _read_unsound(frame, source, self.path, self.sep, self.chosen) is not None:
            return self._again(source, False)  # (refused or set aside there, as a file without the marks)
        if frame is not None:
            return self._checked(frame, source, False)
        refused = ""
        if self.quarantine:  # the rows Polars cannot read set aside, the rest read
            text = data.decode("utf-8", "surrogateescape")
            if (unread := unreadable_records(text, self.sep)) is not None:
                found = records_aside(text, *unread)
                if not isinstance(found, str):
                    return self._aside_read(found, data, False)
                refused = found
        offer = self.quarantine is False and unreadable_records(data.decode("utf-8", "surrogateescape"), self.sep)
        raise click.ClickException(
            f"{self.path}: {csv_problem(data, self.sep, str(exc), type(exc).__name__)}"
            + ("; or give --quarantine FILE, which sets such rows aside and reads the rest" if offer else "")
            + (f"; {refused}" if refused else "")
        ) from None


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
