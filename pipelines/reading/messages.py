"""Wording the readers share: stderr lines, how many line numbers a message names, a header that looks like data."""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

from pipelines.ingest.json_keys import (
    VALUE_LIKE,
)

LINES_SHOWN = 2  # the line numbers a refusal names before 'and 3 more'


def echo(message: str = "") -> None:
    """A line on stderr: the CLI's messages (stdout stays for data); assets/cli.py's ``run`` says its lines so too."""
    click.echo(message, err=True)


def lines_said(first: int, last: int) -> str:
    """'line 7' or 'lines 3-5' (a record over several lines)."""
    return f"line {first}" if first == last else f"lines {first}-{last}"


NUL_ROWS_SHOWN = 3


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
    return f"its columns are: {', '.join(columns)}{_header_hint(columns)}"


# a header cell without a name, as the readers name it: empty, Polars' "column_2" (a sheet), "_duplicated_0" (a CSV's
# second empty name)
_UNNAMED = re.compile(r"^(|column_\d+|_duplicated_\d+)$")


def _header_hint(columns: Sequence[str]) -> str:
    """The likely cause of a header that lacks the column asked for, where it shows: one column whose name holds
    another delimiter ('id,address' read tab-separated), or one named cell and the others unnamed (a title line
    above the header, as a sheet saved as CSV has); else nothing."""
    held = [d for d in (",", ";", "\t", "|") if len(columns) == 1 and d in columns[0]]
    if held:
        return f" (one column, its name holding {held[0]!r}: is the file's delimiter {held[0]!r}?)"
    if len(columns) > 1 and sum(1 for c in columns if _UNNAMED.match(c)) == len(columns) - 1:
        return f" (one named cell of {len(columns)}: a title line above the header? --skip-rows 1 skips it)"
    return ""


def column_said(columns: Sequence[str], at: int) -> str:
    """'column 'address'' for the column at 0-based ``at``, or 'column 3' (its position) when the header looks like
    a data row (header_looks_like_data: a sheet or file without one, its first record's values read as names)."""
    return f"column {at + 1}" if header_looks_like_data(columns) else f"column {columns[at]!r}"
