"""A CSV's or JSON's bytes that are not valid UTF-8 (or the chosen encoding): the lines a legacy encoding reads,
the damaged ones, the header among them, and the refusal's one wording."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipelines.encodings import LEGACY
from pipelines.reading.messages import LINES_SHOWN, NUL_ROWS_SHOWN, echo, lines_said
from pipelines.reading.records import NOT_UTF8_BYTE, csv_records, header_record, raw_lines
from pipelines.text import numbered


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


def cut_in_a_letter(data: bytes) -> int | None:
    """The line (1-based) of UTF-8 ``data`` that ends it inside a character (a file cut off: its last letter's first
    bytes only); None when the data are valid UTF-8 or not UTF-8 before their end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data.count(b"\n", 0, exc.start) + 1
    return None


def not_valid(path: Path, data: bytes, name: str, decode: Callable[[bytes], object], hint: str) -> str:
    where = undecodable_lines(data, decode)
    return f"{path}: {where + ' ' if where else ''}not valid {name} ({hint})"


def legacy_lines_read(data: bytes, path: Path) -> tuple[str, dict[int, str], set[int]]:
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


def legacy_file_read(data: bytes, chosen: str, path: Path) -> tuple[str, set[int], set[int]]:
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


def say_legacy_lines(path: Path, legacy: dict[int, str]) -> None:
    """On stderr: how many lines of a UTF-8 CSV were read in which legacy encoding, and the first of them."""
    from pipelines.ingest.readers import legacy_encoding

    found, n = legacy_encoding(legacy), len(legacy)
    echo(
        f"wardbridge: {path}: {n:,} line{'s' if n > 1 else ''} not valid UTF-8 read as {found} "
        f"({numbered('line', legacy, NUL_ROWS_SHOWN)}): each is clean Vietnamese in {found} and in no other encoding "
        "(rows an old program appended?); the file's other lines read as UTF-8"
    )


def not_utf8(
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
    --quarantine, not given (said with a damaged line); ``refused``: given, why it set nothing aside (lines_set_aside's
    clause: a header line, most of the file). ``header``: the header's first and last line, the positions of the
    columns whose names hold the bytes and its column count (header_not_utf8), when it is among the lines not read
    (HC5: Polars read such a header with U+FFFD, exit 0): said with the positions (never a name: a header of values
    is possible), the header mended (damaged) or --encoding given (a legacy-looking header), never removed or set
    aside."""
    from pipelines.ingest.readers import legacy_encoding

    auto = encoding == "auto"
    head = set(range(header[0], header[1] + 1)) if header else set()
    rows = bad - head  # the lines not read below the header (every one when the header is not among them)
    damaged = bool(rows) and 0 not in bad and (bool(legacy) or not all(map(_legacy_looking, raw_lines(data, rows))))
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
            + (f" (or give --quarantine FILE, which sets {it} aside and reads the rest)" if offer else "")
            + ": --encoding reads the whole file in one encoding, a damaged UTF-8 line as that encoding's wrong letters"
        )
    elif not legacy and (rows or not header):
        said.append("give --encoding" if auto else "leave --encoding to auto-detection")
    if quarantine and refused:  # given, yet nothing set aside: a header line, most of the file (lines_set_aside)
        said.append(refused)
    return f"{path}: {where + ' ' if where else ''}not valid UTF-8 ({'; '.join(said)})"


def _header_clause(data: bytes, header: tuple[int, int, list[int], int], bad: set[int], legacy: bool) -> str:
    """not_utf8's clause for a CSV's header among the lines not read: its line(s), the positions of the columns whose
    names hold the bytes (a name is not shown: a header of values is possible) and what to do. ``bad``: its lines not
    read (none: certainly a legacy encoding, an explicit --encoding utf-8 read it not, said before); ``legacy``: the
    file has lines certainly a legacy encoding (then a bad line is damaged, as not_utf8 takes it)."""
    first, last, columns, width = header
    if columns:
        names = f"column {columns[0]}" if len(columns) == 1 else f"columns {', '.join(map(str, columns))}"
        where = f"the name{'s' if len(columns) > 1 else ''} of {names} (of {width}) hold{'' if len(columns) > 1 else 's'} them"
    else:  # a header the reader cannot split
        where = "the columns are named there"
    clause = f"{lines_said(first, last)} is the header: {where}"
    if not bad:
        return clause
    if legacy or not all(map(_legacy_looking, raw_lines(data, bad))):
        return (
            f"{clause}; not certainly a legacy encoding, damaged bytes? mend the header at the source (read as it "
            "is, the name would hold a replacement character, U+FFFD)"
        )
    return (
        f"{clause}; if the header is in a legacy encoding give --encoding ({', '.join(LEGACY)}), else mend the "
        "header at the source"
    )


def header_not_utf8(data: bytes, sep: str, lines: set[int] | None = None) -> tuple[int, int, list[int], int] | None:
    """A UTF-8 CSV's header when its bytes are not all valid UTF-8 (or, given ``lines``, when it is on one of
    them): its first and last line (blank lines, a title skipped above it: the file's numbers), the positions
    (1-based) of its columns whose names hold such bytes, its column count; None when it is valid (or on none of
    ``lines``). Polars reads such a header with no error, each such byte a U+FFFD (HV9's case): only called once a
    name holds one, or the file failed to read."""
    head = data[: data.find(b"\n", 1 << 16) + 1] or data  # the first 64 kB's whole lines: the header is there
    while True:
        text = head.decode("utf-8", "surrogateescape")
        header = header_record(csv_records(text, sep))
        if head is data or (header is not None and not header.unsplit):
            break
        head = data  # a header going on past them (or none there): the whole file
    if header is None:
        return None
    first, last = header.first, header.last
    if lines is not None and not lines & set(range(first, last + 1)):
        return None
    if header.unsplit:  # a header the reader cannot split: its lines' bytes tell
        head = "\n".join(text.removeprefix("\ufeff").split("\n", last)[first - 1 : last])
        return (first, last, [], 0) if lines is not None or NOT_UTF8_BYTE.search(head) else None
    columns = header.columns_not_utf8()
    return (first, last, columns, len(header.fields)) if columns or lines is not None else None


_LINE_ENDS = re.compile(rb"\r\n|\n|\r")


def utf8_but_a_damaged_header(sample: bytes, skip_rows: int = 0) -> bool:
    """Whether a CSV's first bytes, which encodings.detect_encoding took for a legacy encoding, are UTF-8 but for a
    damaged header: the header (the first line holding anything, below --skip-rows' lines) is the one line read that
    is not valid UTF-8, it is no legacy encoding's clean Vietnamese (_legacy_looking), and UTF-8 shows: in the header
    itself (UTF-8 letters but for a damaged byte, encodings.utf8_like) or in another line (letters outside ASCII,
    valid UTF-8). The detector weighs the lines holding such letters: where the others hold no more of them than the
    header (a short file), it took the header's damaged bytes for a legacy encoding's and the file was read in it, the
    names as wrong letters, exit 0. Read as UTF-8, the header is refused naming its columns (HC5's check). A legacy
    file whose rows are ASCII (an ID list) and whose header is no clean Vietnamese (abbreviations: 'SĐT', 'Đ/c') is
    left to the detector (HV10)."""
    from pipelines.encodings import utf8_like

    lines = _LINE_ENDS.split(sample)
    header = next((n for n in range(skip_rows, len(lines)) if lines[n].strip()), None)
    if header is None or is_utf8(lines[header]) or _legacy_looking(lines[header]):
        return False
    rows = lines[header + 1 :]  # (the lines skipped above it are not read)
    if not all(is_utf8(line) for line in rows):
        return False
    return utf8_like(lines[header]) or any(not line.isascii() for line in rows)


def is_utf8(data: bytes) -> bool:
    """Whether the bytes decode as UTF-8 (a header line, a Parquet column name)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _legacy_looking(line: bytes) -> bool:
    """Whether a line that is not valid UTF-8 reads as clean Vietnamese in some legacy encoding and is not UTF-8
    with a byte damaged (encodings.utf8_like): one --encoding can read it (which one, the user may know: VNI 'Hồ'
    is Windows-1258 'Hoà'). A damaged UTF-8 line is not: every legacy encoding reads it as wrong letters."""
    from pipelines.encodings import clean_legacy_reading, utf8_like

    return not utf8_like(line) and any(clean_legacy_reading(line, enc) is not None for enc in LEGACY)


ENCODINGS = ("auto", "utf-8", *LEGACY, "utf-16", "detect", "utf-8-sig")  # legacy names declared in encodings.py


# the catalogue's names for what --encoding calls otherwise (a user writing catalogues types them here too)
ENCODING_SYNONYMS = {"detect": "auto", "utf-8-sig": "utf-8"}
