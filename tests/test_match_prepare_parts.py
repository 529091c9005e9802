"""``prepare``'s derived columns made the cheaper ways give the plain transform chains' values: a text's word parts
(drop_first, drop_last, drop_middle) from its first and last words when both are asked for (``_word_part``), and the
steps from PART_DEPTH on worked out on their parent's distinct values and gathered back by its codes
(``_derived_values``)."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import BLANK, LIST_TRANSFORMS, PART_DEPTH, _derived_values, _transform

TEXTS = [None, "", " ", "a", "a b", "a  b", " a b ", "\ta b", "a\tb c", "x \u00a0y", "a b c d", "ab-cd", "z9 8y"]
TEXTS += ["  ", "b\t", "x  ", "  y z", "abc def  ghi", "a \tb", "A B", "é f", "a b_c", "a. b", "a \u3000b c"]
TEXTS += ["Nguyễn Văn An", "NGUYỄN  văn an ", "Trần Thị Bình", "Lê Bình", "Ông", "ả b c", "Ðặng Thị  Ánh Tuyết"]


def _plain(frame: pl.DataFrame, name: str, transforms: tuple[str, ...]) -> list:
    """The chain's values worked out record by record by ``_transform``, blank made missing (as prepare does)."""
    expr = pl.col("t")
    for transform in transforms:
        expr = _transform(expr, transform)
    if transforms[-1] not in LIST_TRANSFORMS:
        expr = pl.when(~expr.str.contains(BLANK)).then(expr)
    return frame.select(expr.alias(name))[name].to_list()


def _check(chains: dict[str, tuple[str, ...]]) -> dict[str, list]:
    frame = pl.DataFrame({"t": TEXTS * 3}, schema={"t": pl.String})
    added = _derived_values(frame, "t", chains).added
    assert added.columns == list(chains)
    for name, transforms in chains.items():
        got, want = added[name].to_list(), _plain(frame, name, transforms)
        assert got == want, (name, [(t, g, w) for t, g, w in zip(TEXTS, got, want, strict=False) if g != w])
    return {name: added[name].to_list()[: len(TEXTS)] for name in chains}


def test_word_parts_from_the_first_and_last_words_equal_each_alone():
    chains = {
        "first": ("first_token",),
        "last": ("last_token",),
        "no_first": ("drop_first",),
        "no_last": ("drop_last",),
        "ends": ("drop_middle",),
    }
    got = _check(chains)
    at = TEXTS.index("abc def  ghi")  # (two spaces in a row: the parts keep the empty word between them)
    assert (got["no_first"][at], got["no_last"][at]) == ("def  ghi", "abc def ")
    assert got["no_first"][TEXTS.index("a")] is None  # one word: nothing left either way ("" is blank: missing)
    assert got["no_last"][TEXTS.index("\ta b")] == "a"  # (the text trimmed first)


def test_steps_from_part_depth_on_the_parts_distinct_values_equal_the_plain_chain():
    assert PART_DEPTH == 3
    chains = {
        "folded": ("fold",),
        "given_initial": ("fold", "last_token", "initials"),
        "given_deletions": ("fold", "last_token", "deletions"),
        "family_initial": ("fold", "first_token", "initials"),
        "family_middle_initials": ("fold", "drop_last", "initials"),
        "middle": ("fold", "drop_first", "drop_last"),
        "middle_initials": ("fold", "drop_first", "drop_last", "initials"),  # (a part of a part)
        "second": ("fold", "drop_first", "first_token"),  # (word parts of a part, from its words)
        "after_second": ("fold", "drop_first", "drop_first"),
        "before_last": ("fold", "drop_first", "last_token"),
        "raw_middle": ("lower", "drop_first", "drop_last"),
        "raw_sorted": ("lower", "drop_last", "sorted_tokens"),
    }
    got = _check(chains)
    at = TEXTS.index("Ðặng Thị  Ánh Tuyết")
    assert (got["middle"][at], got["second"][at], got["middle_initials"][at]) == ("thi anh", "thi", "ta")
    assert got["raw_middle"][at] == "thị  ánh"
    assert got["given_deletions"][TEXTS.index("Lê Bình")][:3] == ["binh", "inh", "bnh"]
