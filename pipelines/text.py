"""Vietnamese text normalisation shared by every stage.

Two representations are used throughout:

* ``nfc(s)``: the display form, Unicode NFC with whitespace collapsed.
* ``fold(s)``: the matching key, lower case, no diacritics, ``đ`` -> ``d``, only
  ``[a-z0-9]``. Folding makes "Hoà"/"Hòa", NFD/NFC and unaccented text equal.

Scalar functions serve small reference tables; the ``*_expr`` variants are the
same operations as Polars expressions for columns of any size. ``numbered`` is the
wording of line and row lists every stage's messages share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import polars as pl

_COMBINING = re.compile(r"[\u0300-\u036f]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_accents(text: str) -> str:
    """Lower-case, diacritic-free text that keeps spaces and punctuation."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return _COMBINING.sub("", decomposed).replace("đ", "d")


def fold(text: str) -> str:
    """Matching key: diacritic-free lower-case letters and digits only."""
    return _NON_ALNUM.sub("", strip_accents(text))


def strip_accents_expr(column: pl.Expr) -> pl.Expr:
    return (
        column.str.to_lowercase()
        .str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.replace_all("đ", "d", literal=True)
    )


# Code points whose strip_accents_expr form is ASCII (or empty: combining marks), looked up once.
_FOLD_RANGES = ((0x00C0, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00))
_NON_ASCII = r"[^\x00-\x7f]"


@cache
def fold_table() -> tuple[list[str], list[str]]:
    """Each Latin letter with diacritics (and each combining mark) and its ``strip_accents_expr`` form,
    where that form is ASCII: computed by that expression itself, so the two cannot disagree. The table of
    ``strip_accents_series``' one-pass replacement, for callers that fold in a replacement of their own
    (``str.replace_many(keys, values)``). Computed once: the two lists are shared, never modify them."""
    chars = pl.Series("c", [chr(c) for lo, hi in _FOLD_RANGES for c in range(lo, hi)])
    table = chars.to_frame().select("c", f=strip_accents_expr(pl.col("c")))
    table = table.filter(~pl.col("f").str.contains(_NON_ASCII))
    return table["c"].to_list(), table["f"].to_list()


def strip_accents_series(text: pl.Series) -> pl.Series:
    """``strip_accents_expr`` on a Series, about three times faster on Vietnamese text.

    Every letter with diacritics is replaced by its folded form in one pass (Aho-Corasick) and the
    text lower-cased; where that leaves only ASCII, the result is the expression's (each of those
    characters folds on its own; lower-casing and removing marks commute for them). The few values
    with other characters left are folded by the expression itself.
    """
    keys, values = fold_table()
    fast = text.str.replace_many(keys, values).str.to_lowercase()
    rest = fast.str.contains(_NON_ASCII).fill_null(False)
    if not rest.any():
        return fast
    rows = rest.arg_true()
    slow = text.gather(rows).to_frame("t").select(strip_accents_expr(pl.col("t")))["t"]
    return fast.scatter(rows, slow)


def strip_accents_fast_expr(column: pl.Expr) -> pl.Expr:
    """``strip_accents_expr`` computed by ``strip_accents_series`` (same values, elementwise)."""
    return column.map_batches(strip_accents_series, return_dtype=pl.String, is_elementwise=True)


def fold_expr(column: pl.Expr) -> pl.Expr:
    return strip_accents_expr(column).str.replace_all(r"[^a-z0-9]+", "")


def is_whole_number(values: pl.Expr) -> pl.Expr:
    """Per value of a float column, whether it is a whole number an integer holds exactly (1.0 and 26740.0, not 1.5,
    inf or 2**60; null stays null): pandas writes an int column that holds a missing value as floats, so ids, codes
    and ward numbers come as 1.0, 2.0, read as their integers' text."""
    return values.is_finite() & (values == values.floor()) & (values.abs() < 2**53)


# Excel's delimiter line: a CSV whose first line is 'sep=;' (any one printable character or a tab) names its
# delimiter; the line is no row. One grammar, two reads: a decoded line of ingestion's (a byte order mark before it,
# spaces after it), the start of a file's bytes in the CLI (its UTF-8 byte order mark, then the line end).
EXCEL_SEP = r"sep=([\t\x21-\x7e])"
EXCEL_SEP_LINE = re.compile(r"\ufeff?" + EXCEL_SEP + r"\s*$", re.IGNORECASE)
EXCEL_SEP_START = re.compile(rb"\A(?:\xef\xbb\xbf)?" + EXCEL_SEP.encode() + rb"(?=\r|\n|\Z)", re.IGNORECASE)


def numbered(noun: str, numbers: Iterable[int], shown: int | None = None) -> str:
    """Where in a file, as people count (a number, never a value): ('line', [7]) -> 'line 7', ('row', [2, 4, 7]) ->
    'rows 2, 4, 7', ('line', [7, 9, 12, 15], shown=2) -> 'lines 7, 9 and 2 more' (the first ``shown`` numbers, all
    when None). The one wording of such lists in the CLI's, ingestion's and review's messages."""
    numbers = sorted(numbers)
    listed = numbers if shown is None else numbers[:shown]
    more = f" and {len(numbers) - len(listed):,} more" if len(listed) < len(numbers) else ""
    return f"{noun}{'s' if len(numbers) > 1 else ''} {', '.join(map(str, listed))}{more}"
