"""JSON objects naming a key more than once, as both JSON readers see them (ingestion's JSON lines reader,
pipelines/ingest/readers.py, and the CLI's, pipelines/cli.py _read_json): ``json.loads`` keeps the last value of a
repeated key, silently. Read with :func:`json_object_pairs` as the object hook, such an object keeps every pair
(:class:`RepeatedKeys`), and :func:`repeated_key_paths` says where in a record its repeats are, never a value.
Plain Python (the CLI imports it at start)."""

from __future__ import annotations

import re
from collections import Counter

# a name that looks like a data value: a number, four digits in a row (an ID, a phone, a year) or a date ('1/2/1990');
# never shown in a message (a CSV without a header, a JSON object keyed by IDs). cli.header_looks_like_data uses it
VALUE_LIKE = re.compile(r"^\s*[+-]?\d+(?:[.,]\d+)?\s*$|\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
NOT_SHOWN = "<a key like a value: not shown>"
# a key inside a nested object is shown only if it looks like a field name (old systems' are such: 'ho_ten', 'ten',
# 'maHo'); a key with spaces, accents or punctuation there is more likely a value (an object keyed by names)
FIELD_NAME = re.compile(r"[A-Za-z0-9_]+")


def shown_key(key: str, nested: bool = False) -> str:
    """A JSON key as a message may show it: ``repr(key)``, or :data:`NOT_SHOWN` when it looks like a value
    (:data:`VALUE_LIKE`; ``nested``, a key below the top level: also when it is not a field name,
    :data:`FIELD_NAME`)."""
    if VALUE_LIKE.search(key) or (nested and not FIELD_NAME.fullmatch(key)):
        return NOT_SHOWN
    return repr(key)


# objects or lists inside one another deeper than this are not read: Polars' JSON reader overflows its stack (a
# segfault: the process dies) from about 550 levels and Python's from about 1,000 (RecursionError); records are
# never near it
MAX_DEPTH = 100
TOO_DEEP = f"its values are nested more than {MAX_DEPTH} levels deep (objects or lists inside one another): not read"


def deep_at(text: str, limit: int = MAX_DEPTH) -> int | None:
    """Where in JSON ``text`` objects or lists first nest more than ``limit`` deep (outside strings), or None. Cheap
    for text holding few brackets (a count first)."""
    if text.count("{") + text.count("[") <= limit:
        return None
    depth, in_string, escaped = 0, False, False
    for at, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return at
        elif ch in "]}":
            depth -= 1
    return None


class RepeatedKeys(dict):
    """A JSON object naming a key more than once: as a dict, the last value of each key (what json.loads keeps);
    ``pairs``: every key and value as written."""

    pairs: list


def json_object_pairs(pairs: list) -> dict:
    """A ``json.loads`` object_pairs_hook: a dict, or a :class:`RepeatedKeys` keeping every pair when a key repeats."""
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    repeated = RepeatedKeys(found)
    repeated.pairs = pairs
    return repeated


def key_path(path: tuple) -> str:
    """Where a key is in a JSON record, never a value: "'ho_ten'", "'ho' > 'ten'", "'members' > item 2 > 'ten'"; a
    key that looks like a value (:data:`VALUE_LIKE`: an object keyed by IDs; below the top level, any key that is not
    a field name: an object keyed by names) is not shown (:data:`NOT_SHOWN`, :func:`shown_key`)."""

    def part(at: int, p: str | int) -> str:
        return f"item {p + 1}" if not isinstance(p, str) else shown_key(p, nested=at > 0)

    return " > ".join(part(at, p) for at, p in enumerate(path))


def repeated_key_paths(value: object, path: tuple = ()) -> list[str]:
    """The key paths (:func:`key_path`) of the keys that the objects of a JSON value read with
    :func:`json_object_pairs` name more than once, at any depth (a nested object's repeat too), in the order met;
    an object's own repeats in key order."""
    out: list[str] = []
    if isinstance(value, dict):
        repeated = isinstance(value, RepeatedKeys)
        pairs = value.pairs if repeated else value.items()
        if repeated:
            counts = Counter(k for k, _ in pairs)
            out += [key_path((*path, k)) for k in sorted(k for k, n in counts.items() if n > 1)]
        for k, v in pairs:
            if isinstance(v, dict | list):
                out += repeated_key_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict | list):
                out += repeated_key_paths(v, (*path, i))
    return out


# a JSON string escape of a UTF-16 surrogate (\ud800-\udfff): a pair is one character, one alone is half of one (a
# string cut in two by a system counting UTF-16 units), which json.loads keeps as a lone surrogate and no UTF-8 text,
# a Polars frame included, can hold
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
HALF_CHARACTER = (
    "holds half of a character (a lone UTF-16 surrogate escape, \\ud800-\\udfff: a string cut in two by the system "
    "that wrote it?): not text"
)


def lone_surrogate_key(item: object, key: str | None = None) -> str | None:
    """The top-level key of the first string of ``item`` (as json.loads reads it) holding a lone surrogate, or None;
    '<a key holding one>' when the key itself does. Never a value; a key like one is shown by the callers as
    :func:`shown_key` shows it (an object keyed by IDs: :data:`NOT_SHOWN`)."""
    if isinstance(item, str):
        return key if _SURROGATE.search(item) else None
    if isinstance(item, dict):
        for k, v in item.pairs if isinstance(item, RepeatedKeys) else item.items():
            if _SURROGATE.search(k) or lone_surrogate_key(v, k) is not None:
                return (key or k) if not _SURROGATE.search(key or k) else "<a key holding one>"
    elif isinstance(item, list):
        for v in item:
            if lone_surrogate_key(v, key) is not None:
                return key
    return None
