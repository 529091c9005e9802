"""A ``mixed`` comparison's levels, every ordered pair of a small table against a reading of the rule written out pair
by pair: each column of one record against each column of the other, compared only where both values are there and
of one length; the strongest level any such column pair holds; with none compared, ``one_side`` or
``not_comparable`` by which records hold a value. ``compare._levels`` skips a column pair on which no pair of the
call is compared (a CCCD column against a CMND column): checked on a table where the two columns never share a length
and on one where they do (a CMND written in the CCCD column), where a level holds only through the two columns."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest

from pipelines.match import parse_spec
from pipelines.match.compare import comparison_levels
from pipelines.match.prepare import prepare
from tests.match_cases import frame, person_row

LEVELS = [
    {"kind": "exact", "label": "exact"},
    {"kind": "one_digit", "label": "one_digit_off", "distance": 1},
    {"kind": "one_digit", "label": "two_digits_off", "distance": 2},
    {"kind": "one_side", "label": "one_side"},
    {"kind": "not_comparable", "label": "not_comparable"},
]
SPEC = parse_spec(
    {
        "match": {"id": "record_key"},
        "blocking": [{"on": "full_name"}],
        "compare": [{"name": "ids", "columns": ["personal_id", "old_id_number"], "mixed": True, "levels": LEVELS}],
    }
)
COLUMNS = ("personal_id", "old_id_number")

CCCD = ["079200000001", "079200000002", "079200000012", "079200000312", "079211111111"]
CMND = ["025000001", "025000002", "025000012", "025000312", "025111111"]
# (personal_id, old_id_number) per record: CCCDs in the first column and CMNDs in the second only
APART = [(p, c) for p in [*CCCD[:4], None] for c in [*CMND[:3], None]] + [(None, None)]
# and CMNDs written in the CCCD column: equal to, a digit or two from, or far from another record's CMND
ACROSS = APART + [(c, None) for c in CMND] + [(c, CMND[4]) for c in CMND[:2]]


def _apart(x: str, y: str) -> int:
    return sum(a != b for a, b in zip(x, y, strict=True))


def _expected(rows: list[tuple[str | None, str | None]], a: int, b: int, across: bool = True) -> int | None:
    """The level of the ordered pair (a, b) as the rule reads, pair by pair (not ``across``: each column against the
    same column only, which the rule does not do)."""
    columns = [(i, j) for i in (0, 1) for j in (0, 1) if across or i == j]
    found = [_apart(x, y) for x, y in ((rows[a][i], rows[b][j]) for i, j in columns) if x and y and len(x) == len(y)]
    if found:
        return next((level for level, most in enumerate((0, 1, 2)) if min(found) <= most), len(LEVELS))
    held = [any(v is not None for v in rows[i]) for i in (a, b)]
    if all(held):
        return 4  # not_comparable
    return 3 if any(held) else None  # one_side, or neither holds an ID: missing


@pytest.mark.parametrize("rows", [APART, ACROSS], ids=["never_one_length", "across_columns"])
def test_mixed_levels_are_each_pairs_own_reading(rows):
    people = [
        person_row(f"k{i}", f"p{i}", "Nguyen Van An", dt.date(2000, 1, 2), "M", pid=p, cmnd=c)
        for i, (p, c) in enumerate(rows)
    ]
    work = prepare(frame(people), SPEC)
    assert work.select(COLUMNS).rows() == rows  # (the IDs as written: clean CCCDs and CMNDs)
    pairs = [(a, b) for a, b in itertools.product(range(len(rows)), repeat=2) if a != b]
    l = pl.Series([a for a, _ in pairs], dtype=pl.UInt32)  # noqa: E741
    r = pl.Series([b for _, b in pairs], dtype=pl.UInt32)
    got = comparison_levels(work, l, r, SPEC.comparisons)["ids"].to_list()
    expected = [_expected(rows, a, b) for a, b in pairs]
    assert got == expected
    # every level is there; on ACROSS some pairs hold theirs through a CMND in the CCCD column only
    assert set(expected) == {0, 1, 2, 3, 4, 5, None}
    through = sum(e != _expected(rows, a, b, across=False) for (a, b), e in zip(pairs, expected, strict=True))
    assert (through > 0) == (rows is ACROSS)
