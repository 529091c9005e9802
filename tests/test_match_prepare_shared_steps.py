"""``prepare``'s full-name steps worked out more cheaply give the plain expressions' values: ``fold``'s runs of other
characters made one space only where the text holds any (``_runs_to_space``), and a text's first and last words
taken from one split of it when both are wanted (``_derived_values``)."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import BLANK, _derived_values, _runs_to_space, _transform

TEXTS = [None, "", " ", "a", "a b", "a  b", " a b ", "\ta b", "a\tb c", "x \u00a0y", "a b c d", "ab-cd", "z9 8y"]
TEXTS += ["  ", "b\t", "x  ", "  y z", "abc def  ghi", "a \tb", "A B", "é f", "a b_c", "a. b", "a \u3000b c"]


def test_runs_to_space_equals_the_regular_expression_on_every_value():
    values = pl.Series("v", TEXTS * 2, dtype=pl.String)
    expected = values.str.replace_all(r"[^a-z0-9]+", " ")
    got = _runs_to_space(values)
    assert got.to_list() == expected.to_list()
    assert got.to_list()[5:8] == ["a b", " a b ", " a b"]  # (two spaces, spaces around, a tab: rewritten)
    assert values.to_list() == TEXTS * 2  # (the values given left as they were)
    clean = pl.Series("v", ["a b", "c", None, ""], dtype=pl.String)  # nothing to rewrite: handed back as it is
    assert _runs_to_space(clean).to_list() == ["a b", "c", None, ""]


def test_first_and_last_words_from_one_split_equal_each_alone():
    frame = pl.DataFrame({"t": TEXTS * 3}, schema={"t": pl.String})
    chains = {
        "first": ("first_token",),
        "last": ("last_token",),
        "both": ("drop_middle",),
        "li": ("last_token", "initials"),
    }
    added = _derived_values(frame, "t", chains).added
    for name, transforms in chains.items():
        expr = pl.col("t")
        for transform in transforms:
            expr = _transform(expr, transform)
        want = frame.select(pl.when(~expr.str.contains(BLANK)).then(expr).alias(name))[name].to_list()
        got = added[name].to_list()
        assert got == want, (name, [(t, g, w) for t, g, w in zip(TEXTS, got, want, strict=False) if g != w])
    assert added["first"].to_list()[4:7] == ["a", "a", "a"]
    assert added["last"].to_list()[4:7] == ["b", "b", "b"]
