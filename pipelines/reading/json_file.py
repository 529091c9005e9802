"""A JSON array of objects or JSON Lines read as a table of text."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from pathlib import Path

import click
import polars as pl

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
from pipelines.reading.checks import repeat_name, without_nul_cells
from pipelines.reading.encoding import legacy_lines_read, not_utf8, not_valid, say_legacy_lines
from pipelines.reading.messages import echo, lines_said
from pipelines.reading.quarantine import MOST_LINES_NOT_UTF8, NOT_MOST, QUARANTINE_COLUMNS, quarantined_lines
from pipelines.reading.records import NOT_UTF8_BYTE
from pipelines.reading.tables import TableRead, with_quarantined

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


def read_json(path: Path, option: str, quarantine: bool | None = None) -> TableRead:
    """A JSON file as read_table gives a CSV: an array of objects (rows numbered as objects) or JSON Lines, one
    object a line (numbered as lines; blank lines skipped). Every value as text (a number as written by JSON, true
    / false; a number no float or int holds, 1e400 or over 4,300 digits, exactly as written), null as missing, a nested list or object as its JSON text; the columns are the keys in the order
    first met. Not an array of objects, or a line that is not an object, is a data problem (exit 1) naming where.
    JSON Lines' lines not valid UTF-8 but certainly one legacy encoding are read so, as a CSV's (legacy_lines_read);
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
        if data.lstrip().startswith(b"[") and not _lines_after_array(data.decode("utf-8", "surrogateescape")):
            # an array: its objects holding such bytes set aside whole, or refused
            text, aside, drop = _json_array_read(path, data, quarantine)
            read = _json_table(path, text, drop)
            return dataclasses.replace(read, quarantined=aside) if aside is not None else read
        text, legacy, bad = legacy_lines_read(data, path)
        why = dict.fromkeys(bad, "is not valid UTF-8, nor certainly a legacy encoding (damaged bytes?)")
        lines = text.split("\n")
        filled = sum(1 for line in lines if line.strip())
        most = 0 in bad or 2 * len(bad) > filled  # (then the encoding is wrong, not a few lines)
        if quarantine and bad and not most:  # blank lines are skipped: the others keep their numbers
            for n in bad:
                lines[n - 1] = ""
            text, aside, bad = "\n".join(lines), quarantined_lines(data, why), set()
        if legacy and not bad:
            say_legacy_lines(path, legacy)
        elif legacy:
            raise click.ClickException(not_utf8(path, data, "auto", legacy, bad, quarantine)) from None
        elif bad:
            hint = "JSON is UTF-8" + ("; --quarantine FILE sets such lines aside" if quarantine is False else "")
            if most:
                hint = "JSON is UTF-8" + (f"; {MOST_LINES_NOT_UTF8}" if quarantine else "")
            problem = not_valid(path, data, "UTF-8", lambda b: b.decode("utf-8"), hint)
            raise click.ClickException(problem) from None
    if not text.strip():
        raise click.ClickException(f"{path}: the file is empty")
    # lines set aside (left blank) in JSON Lines: JSON Lines still, even when the first line left is '[1]'
    read = _json_table(path, text, quarantine=quarantine, raw=data, array=None if aside is None else False)
    return with_quarantined(read, aside) if aside is not None else read


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
                where = lines_said(text.count("\n", 0, at) + 1, text.count("\n", 0, end - 1) + 1)
                raw = text[at:end].encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                rows.append((f"object:{n}", f"JSON object {n} ({where}) {JSON_NOT_UTF8}", raw))
            aside = pl.DataFrame(rows, schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String), orient="row")
            return text, aside, set(spans)
    raise click.ClickException(not_valid(path, data, "UTF-8", lambda b: b.decode("utf-8"), hint)) from None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


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
        if NOT_UTF8_BYTE.search(text, at, end):
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
    """read_json's rows from the file's text (decoded); ``drop``: the array's objects set aside (--quarantine,
    1-based), not read, the others keeping their numbers. JSON Lines with ``quarantine`` (--quarantine): a line that
    is not a JSON object (not JSON, another value, nested too deep, a key or value holding half of a character) is set
    aside (TableRead.quarantined, its bytes from ``raw``, the file's) as ingestion quarantines it, not refused; unless
    they are most of the file's lines. ``array``: whether the file is an array (else JSON Lines), as it begins."""
    aside = _LinesAside(path, quarantine)
    as_written: list[str] = []  # numbers no float or int holds, kept as written
    decoder = _json_decoder(as_written)
    if text.lstrip().startswith("[") and not _lines_after_array(text) if array is None else array:
        objects, numbers, word = _array_objects(path, text, decoder, drop)
    else:
        objects, numbers, word = _line_objects(path, text, decoder, aside)
    if SURROGATE_ESCAPE.search(text):  # a value holding half of a character: no text (Polars cannot hold it)
        objects, numbers = _without_half_characters(path, objects, numbers, word, aside)
    quarantined = aside.rows(text, raw)
    objects = _with_repeated_keys(objects, numbers, word, path)
    frame = _frame(path, objects, numbers, word, as_written)
    return without_nul_cells(TableRead(frame, numbers, word, quarantined=quarantined), path)


def _lines_after_array(text: str) -> bool:
    """Whether a file beginning with '[' is JSON Lines all the same: its first line is a JSON value by itself (an
    array: '[1]', '["079085000123"]') and other lines follow. No JSON array reads so (the array ends on its first
    line, the rest is 'Extra data'), and JSON Lines' reader (ingestion's too) takes each line for a value: the
    line that is no object is then refused, or set aside with --quarantine, naming it, and the other lines are read.
    Before, such a file was read as an array and refused whole ('line 2: not valid JSON (Extra data)'), even with
    --quarantine. A one-line array alone, or an array over several lines ('[' alone on its first line), is an array."""
    at = _JSON_SPACE.match(text).end()  # type: ignore[union-attr]
    end = text.find("\n", at)
    if end < 0 or not text[end:].strip():
        return False
    line = text[at:end].rstrip()
    if not line.endswith("]"):
        return False
    try:  # numbers not made: only whether the line is one JSON value (a 5,000-digit integer is one)
        _FIRST_LINE.decode(line)
    except (ValueError, RecursionError):
        return False
    return True


_FIRST_LINE = json.JSONDecoder(parse_int=len, parse_float=len, parse_constant=len)


class _LinesAside:
    """JSON Lines' lines that are no JSON object: with --quarantine, set aside (line -> why, and the refusal said
    without the option); without it, the first refused at once (the option offered when the command has it)."""

    def __init__(self, path: Path, quarantine: bool | None) -> None:
        self.path, self.quarantine = path, quarantine
        self.lines: dict[int, tuple[str, str]] = {}

    def add(self, number: int, why: str, refusal: str) -> None:
        if not self.quarantine:
            offer = "; --quarantine FILE sets such lines aside" if self.quarantine is False else ""
            raise click.ClickException(refusal + offer)
        self.lines[number] = (why, refusal)

    def rows(self, text: str, raw: bytes | None) -> pl.DataFrame | None:
        """The lines set aside as quarantine rows (their bytes from ``raw``, the file's), None when there is none;
        refused as without the option when they are most of the file's lines (not JSON Lines, or not this
        reader's)."""
        if not self.lines:
            return None
        filled = sum(1 for line in text.split("\n") if line.strip())
        if 2 * len(self.lines) > filled:
            first = self.lines[min(self.lines)][1]
            raise click.ClickException(
                f"{first}; --quarantine would set aside {len(self.lines):,} of the file's {filled:,} lines: {NOT_MOST}"
            )
        why = {n: why for n, (why, _) in self.lines.items()}
        return quarantined_lines(text.encode() if raw is None else raw, why)


def _array_objects(path: Path, text: str, decoder: json.JSONDecoder, drop: set[int] | None) -> tuple:
    """A JSON array's objects, their numbers (1-based, ``drop``'s left out: set aside) and 'JSON object'; refused
    (exit 1) naming the line or item when it is not JSON, nested too deep, or an item is no object."""
    import numpy as np

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
    for i, item in enumerate(objects):
        if not isinstance(item, dict):
            raise click.ClickException(
                f"{path}: item {i + 1} of the array is {_json_kind(item)}, not an object (one object a row)"
            )
    return objects, numbers, "JSON object"


def _line_objects(path: Path, text: str, decoder: json.JSONDecoder, aside: _LinesAside) -> tuple:
    """JSON Lines' objects, their line numbers and 'line' (blank lines skipped); a line that is no JSON object
    (not JSON, another value, nested too deep) goes to ``aside``."""
    import numpy as np

    objects, lines, decode = [], [], decoder.decode  # one decoder: json.loads with a hook builds one per call
    # lines end at LF only: splitlines() also splits at U+2028/U+2029/U+0085/\x1c-\x1e, which JSON strings may
    # hold as they are (json.dumps(ensure_ascii=False) writes U+2028 raw)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if deep_at(line) is not None:  # json.loads would raise RecursionError (a traceback)
            aside.add(number, f": {TOO_DEEP}", f"{path}: line {number}: {TOO_DEEP}")
            continue
        try:
            item = decode(line)
        except json.JSONDecodeError as exc:
            aside.add(
                number,
                f"is not a JSON object ({exc.msg})",
                f"{path}: line {number}: not a JSON object ({exc.msg}); a JSON file is an array of objects "
                "or one object a line (JSON Lines)",
            )
            continue
        if not isinstance(item, dict):
            kind = _json_kind(item)
            aside.add(number, f"is {kind}, not an object", f"{path}: line {number} is {kind}, not an object")
            continue
        objects.append(item)
        lines.append(number)
    return objects, np.array(lines, dtype=np.int64), "line"


def _without_half_characters(path: Path, objects: list, numbers, word: str, aside: _LinesAside) -> tuple:  # noqa: ANN001 - numbers: np.ndarray
    """The objects without those whose key holds half of a character (a lone surrogate: no text Polars can hold):
    a JSON Lines line goes to ``aside``, an array's object is refused naming it."""
    import numpy as np

    halves = []
    for i, item in enumerate(objects):
        if (key := lone_surrogate_key(item)) is not None:
            refusal = f"{path}: {word} {numbers[i]}: key {shown_key(key)} {HALF_CHARACTER}; correct it in the file"
            if word != "line":
                raise click.ClickException(refusal)
            aside.add(int(numbers[i]), f": key {shown_key(key)} {HALF_CHARACTER}", refusal)
            halves.append(i)
    if not halves:
        return objects, numbers
    keep = np.setdiff1d(np.arange(len(objects)), halves)
    return [objects[i] for i in keep], numbers[keep]


def _frame(path: Path, objects: list, numbers, word: str, as_written: list[str]) -> pl.DataFrame:  # noqa: ANN001 - numbers: np.ndarray
    """The objects as a table of text, the columns their keys in the order first met; a nested object repeating a
    key said on stderr per column and key (its JSON text keeps every value). Refused when no object has a key."""
    columns = list(dict.fromkeys(itertools.chain.from_iterable(objects)))
    if not columns:
        raise click.ClickException(f"{path}: has no rows (no object with a key)")
    nested: dict[tuple[str, str], list[int]] = {}  # (column, key path) -> the records whose nested object repeats it
    texts = {column: _column_texts(column, objects, numbers, as_written, nested) for column in columns}
    frame = pl.DataFrame(texts, schema=dict.fromkeys(columns, pl.String))
    for (column, key), at in nested.items():
        at = list(dict.fromkeys(at))
        shown = ", ".join(map(str, at[:REPEATS_SHOWN])) + (", ..." if len(at) > REPEATS_SHOWN else "")
        echo(
            f"wardbridge: {path}: column {NOT_SHOWN if VALUE_LIKE.search(column) else repr(column)}: {len(at):,} object{'s' if len(at) > 1 else ''} "
            f"name{'' if len(at) > 1 else 's'} key {key} more than once ({word}{'s' if len(at) > 1 else ''} {shown}): "
            "the column's JSON text keeps every value as written (which one is meant is unknown)"
        )
    return frame


def _column_texts(column: str, objects: list, numbers, as_written: list[str], nested: dict) -> list:  # noqa: ANN001 - numbers: np.ndarray
    """A column's values as text, _cell run only where one is not already text or null (most columns: none); a
    nested value repeating a key written with every value (its key paths noted in ``nested``)."""
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
            out.append(_json_as_written(value) if paths or (as_written and _holds_as_written(value)) else _cell(value))
        return out
    return list(map(_cell, values))


def _cell(value: object) -> str | None:
    """A JSON value as a cell's text: text and null as they are, a number as written by JSON, true / false, a
    nested list or object as its JSON text."""
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
                new = repeat_name(key, every | kept.keys())  # (a third value: '_duplicated_1')
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
