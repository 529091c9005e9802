"""Households: a book number with a wrong digit is still found when nothing else the blocking keys read agrees.

At the 14M city (4,327,101 household records) 307 true pairs never became candidates, every one with a wrong digit
in one record's book number: no head ID on one side (or a wrong one), and the head's name and size agreeing but in a
capped block (the rule ``head_name_members``, since removed: a common name's block was paired along the book
numbers, and a wrong first digit put the two records far apart), or the registration date agreeing but the head's
initials changed by a typo. The
``halves`` transform keys a value on its first half and on the rest: two book numbers one digit apart share one of
them, so ``head_name_book_half`` (the same head) and ``registered_on_book_half`` (the same registration date) make
those pairs candidates, in blocks of a few records.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from pipelines.match import load_spec
from pipelines.match.blocking import candidate_pairs, rule_names
from pipelines.match.prepare import _transform, prepare

SPEC = Path(__file__).resolve().parents[1] / "mappings" / "match" / "households.toml"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Mai", "Nam", "Phong", "Tâm", "Thắm", "Vy"]


def test_halves_are_the_first_half_and_the_rest_and_one_digit_apart_share_one():
    values = pl.Series("v", ["319246797", "319246097", "819246797", "12", "1", "", None])
    keys = pl.DataFrame({"v": values}).select(_transform(pl.col("v"), "halves"))["v"].to_list()
    assert keys[:5] == [["3192-", "-46797"], ["3192-", "-46097"], ["8192-", "-46797"], ["1-", "-2"], ["-1"]]
    assert keys[5] is None and keys[6] is None  # (no key every empty value would share)
    assert set(keys[0]) & set(keys[1]) and set(keys[0]) & set(keys[2])  # a wrong digit in either half
    assert not set(keys[1]) & set(keys[2])  # two digits apart, one in each half: none


def _row(rnd: random.Random, **values) -> dict:
    return {
        "household_no": f"{rnd.randrange(10**9):09d}",
        "head_name": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
        "head_personal_id": None,
        "registered_on": dt.date(1995, 1, 1) + dt.timedelta(days=rnd.randrange(11_000)),
        "members": rnd.randint(1, 8),
        "address": f"{rnd.randint(1, 300)} Đường {rnd.choice(GIVEN)}",
        "old_uid": None,
        "new_uid": None,
        "extract_date": dt.date(2025, 8, 31),
    } | values


def _rules(rows: list[dict], a: int, b: int) -> set[str]:
    spec = load_spec(SPEC)
    frame = pl.DataFrame(rows, schema_overrides={"old_uid": pl.String, "new_uid": pl.String, "members": pl.Int32})
    frame = frame.with_columns(pl.format("h{}", pl.int_range(pl.len())).alias("record_key"))
    work = prepare(frame, spec)
    pairs, _ = candidate_pairs(work, spec)
    found = pairs.filter((pl.col("l") == min(a, b)) & (pl.col("r") == max(a, b)))
    return (
        set(found.select(rule_names(pl.col("rules"), spec).alias("names"))["names"][0].split(","))
        if found.height
        else set()
    )


@pytest.fixture
def background() -> list[dict]:
    """Many heads named alike with their size: the same name and size make a block over ``max_block``."""
    rnd = random.Random(11)
    return [_row(rnd, head_name="Nguyễn Văn An", members=3) for _ in range(40)] + [_row(rnd) for _ in range(400)]


def test_a_wrong_first_digit_in_a_common_names_capped_block_is_found_by_the_same_head(background):
    rnd = random.Random(3)
    first = _row(rnd, household_no="235464381", head_name="Nguyễn Văn An", members=3)
    again = first | {"household_no": "835464381", "registered_on": dt.date(2025, 7, 16)}  # re-registered
    rows = [*background, first, again]
    assert _rules(rows, len(rows) - 2, len(rows) - 1) == {"head_name_book_half"}


def test_a_wrong_digit_and_a_typo_that_changes_the_initials_are_found_by_the_registration_date(background):
    rnd = random.Random(4)
    first = _row(rnd, household_no="793447328", head_name="Nguyễn Quốc Phong", members=6)
    again = first | {"household_no": "793447528", "head_name": "Nguyễn Quố Cphong", "members": 5}
    rows = [*background, first, again]
    assert _rules(rows, len(rows) - 2, len(rows) - 1) == {"registered_on_book_half"}
