"""A Parquet file read with its columns' own types."""

from __future__ import annotations

import os
from pathlib import Path

import click
import polars as pl

from pipelines.reading.checks import without_nul_cells
from pipelines.reading.encoding import is_utf8
from pipelines.reading.messages import header_looks_like_data
from pipelines.reading.tables import TableRead


def read_parquet(path: Path, option: str) -> TableRead:
    """A Parquet file as read_table gives it (its columns' own types; NULs taken out of its text). Refused (exit 1)
    naming the positions, never a name that may be a value: a column name not valid UTF-8, named twice, or empty."""
    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"{path}: cannot read as parquet: {_parquet_problem(path, exc)}") from None
    if not frame.width:  # ('its columns are: ' and nothing after it)
        raise click.ClickException(f"{path}: the Parquet file has no columns")
    unnamed = [n for n, name in enumerate(frame.columns, start=1) if not name.strip()]
    if unnamed:  # (read, it was a column '' no option can name well, written under no name)
        raise click.ClickException(
            f"{path}: {_columns_said(unnamed, frame.width)} no name (empty or blanks only): name "
            f"{'it' if len(unnamed) == 1 else 'them'} in the file"
        )
    return without_nul_cells(TableRead(frame), path)


def _columns_said(positions: list[int], width: int) -> str:
    """'column 2 (of 3) has' or 'columns 2, 3 (of 3) have'."""
    if len(positions) == 1:
        return f"column {positions[0]} (of {width}) has"
    return f"columns {', '.join(map(str, positions))} (of {width}) have"


def _parquet_problem(path: Path, exc: Exception) -> str:
    """Why a Parquet file cannot be read, in words (was the bare type: 'DuplicateError', 'ComputeError'): a column
    named twice (the names from the file's schema), a file that is not Parquet or is cut off (its first and last
    bytes are 'PAR1'), else the error's type. Names only, never a value."""
    names = _footer_names(path) if isinstance(exc, pl.exceptions.PolarsError) else None
    if names is not None and (bad := [n for n, name in enumerate(names, start=1) if not is_utf8(name)]):
        return (
            f"the name{'s' if len(bad) > 1 else ''} of {_columns_said(bad, len(names)).rsplit(' ', 1)[0]} "
            f"{'are' if len(bad) > 1 else 'is'} not valid UTF-8 (a Parquet file's names are UTF-8: damaged bytes?): "
            "write the file again with its columns named in UTF-8"
        )
    if isinstance(exc, pl.exceptions.DuplicateError):
        return _named_twice([name.decode() for name in names] if names is not None else [])
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


def _named_twice(names: list[str]) -> str:
    """_parquet_problem's words for a file naming a column more than once: the name and its positions (the
    positions only when the names look like values, header_looks_like_data)."""
    twice = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    if not twice:
        return "it names a column more than once"
    at = "; ".join(_and([n for n, other in enumerate(names, start=1) if other == name]) for name in twice)
    if header_looks_like_data(names):  # values, not names: the positions only
        return f"it names a column more than once (columns {at})"
    said = ", ".join(map(repr, twice))
    return f"it names column{'s' if len(twice) > 1 else ''} {said} more than once (columns {at})"


def _and(numbers: list[int]) -> str:
    """'1 and 2', '1, 3 and 4'."""
    return f"{', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _footer_names(path: Path) -> list[bytes] | None:
    """The names of a Parquet file's top-level columns as its footer writes them, bytes (a name not valid UTF-8
    kept: pyarrow refuses such a file with a UnicodeDecodeError, Polars with 'invalid utf8'), read from the footer's
    Thrift (compact protocol): FileMetaData's field 2 is the schema, a list of SchemaElement (name: field 4,
    num_children: field 5) whose first is the root. None when the footer cannot be read so."""
    try:
        with path.open("rb") as f:
            f.seek(-8, os.SEEK_END)
            end = f.read(8)
            if end[4:] != b"PAR1":
                return None
            f.seek(-8 - int.from_bytes(end[:4], "little"), os.SEEK_END)
            schema = _Compact(f.read(int.from_bytes(end[:4], "little"))).struct(until=2).get(2)
        names, at = [], 1
        for _ in range(schema[0].get(5, 0)):  # the root's children, each with its own subtree after it
            names.append(schema[at][4])
            at = _subtree_end(schema, at)
    except (OSError, ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return names


def _subtree_end(schema: list[dict], at: int) -> int:
    """The index after the schema element at ``at`` and its children (depth first, as Parquet lists them)."""
    end = at + 1
    for _ in range(schema[at].get(5, 0)):
        end = _subtree_end(schema, end)
    return end


class _Compact:
    """Thrift's compact protocol read as far as a Parquet footer's schema needs: structs as {field id: value},
    lists as lists, binaries as bytes, integers as int (zigzag varints), the rest skipped (None)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    def _size(self, size: int) -> int:
        """A list's or map's size as the footer claims it, refused (ValueError) above the bytes left: every element
        takes one at least (a damaged footer claiming 2**40 doubles, which the reader skips without a byte, looped
        for ever; HV10)."""
        if size > len(self.data) - self.at:
            raise ValueError(size)
        return size

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def struct(self, until: int | None = None) -> dict[int, object]:
        fields: dict[int, object] = {}
        field = 0
        while head := self.byte():
            field = field + (head >> 4) if head >> 4 else self.zigzag()
            kind = head & 0x0F
            fields[field] = kind == 1 if kind in (1, 2) else self.value(kind)  # (a field's true/false: its type)
            if field == until:
                break
        return fields

    def value(self, kind: int) -> object:
        if kind in (1, 2, 3):  # true/false in a list, a byte
            return self.byte()
        if kind in (4, 5, 6):
            return self.zigzag()
        if kind == 7:  # a double
            self.at += 8
            return None
        if kind == 8:
            size = self.varint()
            self.at += size
            return self.data[self.at - size : self.at]
        if kind in (9, 10):  # a list, a set
            head = self.byte()
            size = self._size(self.varint() if head >> 4 == 15 else head >> 4)
            return [self.value(head & 0x0F) for _ in range(size)]
        if kind == 11:  # a map
            size = self._size(self.varint())
            kinds = self.byte() if size else 0
            return [(self.value(kinds >> 4), self.value(kinds & 0x0F)) for _ in range(size)]
        if kind == 12:
            return self.struct()
        raise ValueError(kind)
