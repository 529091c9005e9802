"""prepare's ``drop_last`` (worked out by a regular expression on the text) gives what dropping the last of the
words split on single spaces gives: the words' list it stands for, on edge cases of spacing."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import _transform

VALUES = [
    "nguyen thi hanh",
    "le an",
    "an",
    "",
    " ",
    "  a  b  ",
    "a  b",
    "a b ",
    "\ta b\t",
    "a\tb c",
    "Đặng Văn Đức",
    None,
]


def test_drop_last_equals_the_words_list_it_stands_for():
    frame = pl.DataFrame({"v": VALUES}, schema={"v": pl.String})
    words = pl.col("v").str.strip_chars().str.split(" ")
    expected = frame.select(words.list.head(words.list.len() - 1).list.join(" ").alias("x"))["x"]
    got = frame.select(_transform(pl.col("v"), "drop_last").alias("x"))["x"]
    assert got.to_list() == expected.to_list()
    assert got.to_list()[:4] == ["nguyen thi", "le", "", ""]
    # a word by one's own: split on each single space, so a double space leaves an empty word behind
    assert got[6] == "a " and got[11] is None
