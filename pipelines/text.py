"""Vietnamese text normalisation shared by every stage.

Two representations are used throughout:

* ``nfc(s)``: the display form, Unicode NFC with whitespace collapsed.
* ``fold(s)``: the matching key, lower case, no diacritics, ``đ`` -> ``d``, only
  ``[a-z0-9]``. Folding makes "Hoà"/"Hòa", NFD/NFC and unaccented text equal.

Scalar functions serve small reference tables; the ``*_expr`` variants are the
same operations as Polars expressions for columns of any size.
"""

from __future__ import annotations

import re
import unicodedata

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


def fold_expr(column: pl.Expr) -> pl.Expr:
    return strip_accents_expr(column).str.replace_all(r"[^a-z0-9]+", "")
