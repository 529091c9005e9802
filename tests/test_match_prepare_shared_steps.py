"""``prepare``'s full-name steps worked out more cheaply give the plain expressions' values: ``fold``'s runs of other
characters made one space only where the text holds any (``_runs_to_space``)."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import _runs_to_space

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
