"""The deletions transform (a word and it with each letter left out) and the people spec's key for a given-name typo on
it (family_given_typo_birth_date: the family name, the given name's deletions, the full date): which pairs it makes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.match.prepare import _transform
from tests.match_cases import frame, person_row, rules_pairing


def _keys(words: list[str | None]) -> list[set[str] | None]:
    keys = pl.DataFrame({"w": words}, schema={"w": pl.String}).select(_transform(pl.col("w"), "deletions"))
    return [None if k is None else set(k) for k in keys.to_series().to_list()]


def test_deletion_keys_are_shared_by_words_one_letter_wrong_missing_or_added_apart():
    word = _keys(["thanh"])[0]
    assert word == {"thanh", "hanh", "tanh", "thnh", "thah", "than"}
    for typo in ("khanh", "thamh", "thanhh", "tthanh", "than", "hanh"):
        assert word & _keys([typo])[0], typo
    for other in ("thuy", "khang", "thanhhh"):  # two letters or more apart
        assert not word & _keys([other])[0], other
    assert _keys([None, ""]) == [None, None]  # no word, no key
    # a one-letter word keys on itself only: left out, its letter would leave "", shared by every one-letter word
    # ("Lê Văn A" and "Lê Thị B", the placeholder "A" among them)
    assert _keys(["a", "b", "an"]) == [{"a"}, {"b"}, {"an", "n", "a"}]
    many = ["an", "lan", "lan", None, "an"]
    assert _keys(many) == [_keys([w])[0] for w in many]  # worked out per distinct word, in the records' order


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("Nguyễn Văn Khanh", True),  # the given name's first letter wrong, another middle name: no other key holds it
        ("Nguyễn Hữu Thanhh", True),  # a letter doubled
        ("Nguyễn Văn Thành", True),  # (folded: the same given name)
        ("Nguyễn Văn Khang", False),  # two letters apart: another person
    ],
)
def test_a_given_name_typo_with_the_family_name_and_date_is_a_candidate(copy, expected):
    day = dt.date(1984, 7, 23)
    table = frame(
        [
            person_row("a", "a", "Nguyễn Hữu Thanh", day, "M", household="100000001"),
            person_row("b", "b", copy, day, "M", household="200000002"),
        ]
    )
    assert ("family_given_typo_birth_date" in rules_pairing(table, "a", "b")) == expected
