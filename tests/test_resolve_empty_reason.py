"""An address that cleans to nothing says what the cleaning removed: punctuation too ('###', '...'), not only
control characters and spaces; a text with a letter or digit left is read (another reason)."""

from __future__ import annotations

import pytest

import pipelines.resolve as r

EMPTY = "empty after removing punctuation, control characters and spaces"


@pytest.mark.parametrize("text", ["###", "...", "  ", "\x01\x02", "#-*", "\u00a0"])
def test_empty_after_cleaning_names_punctuation(text):
    out = r.resolve_addresses([text])
    assert out["status"].to_list() == ["unresolved"]
    assert out["reason"].to_list() == [EMPTY]


@pytest.mark.parametrize("text", ["# 1", "x", ","])
def test_text_left_after_cleaning_is_read(text):
    out = r.resolve_addresses([text])
    assert out["reason"].to_list() != [EMPTY]
