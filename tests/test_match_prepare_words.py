"""``prepare``'s word transforms worked out without a list of words (drop_first; the initials of a first or last word)
give what the list of words gives, on texts with white space of every kind around and between words."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import BLANK, _derived_values, _transform

TEXTS = [
    None,
    "",
    " ",
    "a",
    "ab",
    "a b",
    "a  b",
    " a b ",
    "\ta b",
    "a\tb c",
    "Ân bé",
    "\u3000x y",
    "x \u00a0y",
    "a b c d",
]
TEXTS += ["  ", "\t", "b\t", "\u00a0", "x  ", "  y z", "abc def  ghi", "a \tb", "a \u3000b c"]


def _words(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.split(" ")


def _initials(expr: pl.Expr) -> pl.Expr:
    return _words(expr).list.eval(pl.element().str.slice(0, 1)).list.join("")


REFERENCE = {  # (as prepare had them: the words' list)
    "first_initial": _initials(_words(pl.col("t")).list.first()),
    "last_initial": _initials(_words(pl.col("t")).list.last()),
    "rest": _words(pl.col("t")).list.slice(1).list.join(" "),
    "rest_initials": _initials(_words(pl.col("t")).list.slice(1).list.join(" ")),
}
CHAINS = {
    "first_initial": ("first_token", "initials"),
    "last_initial": ("last_token", "initials"),
    "rest": ("drop_first",),
    "rest_initials": ("drop_first", "initials"),
}


def test_word_transforms_equal_the_words_lists():
    frame = pl.DataFrame({"t": TEXTS * 3}, schema={"t": pl.String})
    added = _derived_values(frame, "t", CHAINS).added
    expected = frame.select(pl.when(~e.str.contains(BLANK)).then(e).alias(n) for n, e in REFERENCE.items())
    for name in CHAINS:
        got, want = added[name].to_list(), expected[name].to_list()
        assert got == want, (name, [(t, g, w) for t, g, w in zip(TEXTS, got, want, strict=False) if g != w])
    assert added["rest"].to_list()[:8] == [None, None, None, None, None, "b", " b", "b"]  # blank (one word): missing


def test_drop_middle_beside_the_first_and_last_words_is_what_it_is_alone():
    """Asked for beside the first and the last word, "drop_middle" is those two joined (``_derived_values``); the same
    values as its own transform, alone, after another transform, or beside one of the two words only."""
    frame = pl.DataFrame({"t": TEXTS * 3}, schema={"t": pl.String})
    alone = _derived_values(frame, "t", {"m": ("drop_middle",)}).added
    want = frame.select(
        pl.when(~_transform(pl.col("t"), "drop_middle").str.contains(BLANK)).then(
            _transform(pl.col("t"), "drop_middle")
        )
    )
    assert alone["m"].to_list() == want.to_series().to_list()
    assert alone["m"].to_list()[:9] == [None, None, None, "a a", "ab ab", "a b", "a b", "a b", "a b"]
    for outputs in (
        {"f": ("first_token",), "m": ("drop_middle",), "l": ("last_token",)},
        {"m": ("drop_middle",), "l": ("last_token",)},
        {"f": ("fold", "first_token"), "m": ("fold", "drop_middle"), "l": ("fold", "last_token"), "x": ("fold",)},
    ):
        added = _derived_values(frame, "t", outputs).added
        chain = outputs["m"]
        single = _derived_values(frame, "t", {"m": chain}).added
        assert added["m"].to_list() == single["m"].to_list(), outputs
