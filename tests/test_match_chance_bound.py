"""``model.chance_pairs`` leaves out a rule with a block over ``max_block``; it counts the rule's whole key only where
a bound (the most records holding one value of any of the key's columns) is over ``max_block``. Whichever way it
goes, the estimates are those of the values grouped: rules kept and left out alike."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.match.compare import ValueCodes
from pipelines.match.model import chance_pairs
from pipelines.match.prepare import derived_sources, prepare
from pipelines.match.spec import parse_spec


def _spec(max_block: int):
    return parse_spec(
        {
            "match": {"id": "id"},
            "derive": [
                {"name": "family", "from": "full_name", "transform": ["fold", "first_token"]},
                {"name": "given", "from": "full_name", "transform": ["fold", "last_token"]},
            ],
            "blocking": [
                {"name": "by_pid", "on": "pid"},
                {"name": "family_given_dob", "on": ["family", "given", "dob"], "max_block": max_block},
            ],
            "compare": [{"column": "full_name"}, {"column": "dob"}, {"column": "pid"}],
        }
    )


@pytest.fixture(scope="module")
def table() -> tuple[pl.DataFrame, int, int]:
    """The prepared table, the most records of one family + given + dob key and the bound (the fewest of each
    column's most records holding one value)."""
    rng = np.random.default_rng(3)
    n = 5000
    family = rng.choice(["Nguyễn", "Trần", "Lê"], n, p=[0.6, 0.3, 0.1])
    given = rng.choice(["An", "Bình", "Chi", "Dũng"], n)
    days = rng.integers(7000, 7012, n)  # few dates: the dates' blocks are the bound
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(n)],
            "full_name": [
                None if i % 19 == 0 else f"{f} Văn {g}" for i, (f, g) in enumerate(zip(family, given, strict=True))
            ],
            "dob": pl.Series([None if i % 23 == 0 else int(d) for i, d in enumerate(days)], dtype=pl.Int32).cast(
                pl.Date
            ),
            "pid": pl.Series([None] * n, dtype=pl.String),
        }
    )
    work = prepare(frame, _spec(500))
    key = work.select("family", "given", "dob").drop_nulls().group_by(pl.all()).len()["len"].max()
    bound = min(work[c].drop_nulls().value_counts()["count"].max() for c in ("family", "given", "dob"))
    assert key < bound  # (the cases below need a gap between them)
    return work, key, bound


@pytest.mark.parametrize("case", ["bound_within", "key_within", "key_over"])
def test_rules_over_max_block_are_left_out_whether_or_not_the_key_is_counted(table, case):
    work, key, bound = table
    max_block = {"bound_within": bound, "key_within": (key + bound) // 2, "key_over": key - 1}[case]
    spec = _spec(max_block)
    coded = chance_pairs(work, spec, ValueCodes(work, derived_sources(spec)))
    assert coded == chance_pairs(work, spec)  # the values grouped, no bound: exactly the same
    assert ("family_given_dob" in coded) == (case != "key_over")
    if case != "key_over":
        assert coded["family_given_dob"] > 0
