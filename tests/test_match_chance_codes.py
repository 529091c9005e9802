"""``model.chance_pairs`` counts the records agreeing on a key on the table's value codes (one integer per key,
``np.unique``'s counts) when it is given them, as ``fit`` does: the same counts as grouping the values, records with
any of the key's columns missing left out, derived columns (coded through their source) included."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.match.compare import ValueCodes
from pipelines.match.model import chance_pairs
from pipelines.match.prepare import derived_sources, prepare
from pipelines.match.spec import parse_spec

SPEC = parse_spec(
    {
        "match": {"id": "id"},
        "derive": [
            {"name": "family", "from": "full_name", "transform": ["fold", "first_token"]},
            {"name": "given_initial", "from": "full_name", "transform": ["fold", "last_token", "initials"]},
            {"name": "given", "from": "full_name", "transform": ["fold", "last_token"]},
        ],
        "blocking": [
            {"name": "by_pid", "on": "pid"},
            {"name": "family_initial_dob", "on": ["family", "given_initial", "dob"]},
            {"name": "given_dob_sex", "on": ["given", "dob", "sex"]},
        ],
        "compare": [{"column": "full_name"}, {"column": "dob"}, {"column": "pid"}, {"column": "sex"}],
    }
)


@pytest.fixture(scope="module")
def work() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    n = 6000
    family = rng.choice(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"], n)
    given = rng.choice(["An", "Anh", "Bình", "Bích", "Chi", "Cường", "Dũng"], n)
    names = [f"{f} Văn {g}" if i % 3 else f"{f} {g}" for i, (f, g) in enumerate(zip(family, given, strict=True))]
    names = [None if i % 17 == 0 else ("   " if i % 29 == 0 else x) for i, x in enumerate(names)]  # missing, blank
    days = rng.integers(7000, 7400, n)  # days since 1970
    dob = pl.Series("dob", [None if i % 11 == 0 else int(d) for i, d in enumerate(days)], dtype=pl.Int32)
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(n)],
            "full_name": names,
            "dob": dob.cast(pl.Date),
            "sex": [None if i % 13 == 0 else ("m" if i % 2 else "f") for i in range(n)],
            "pid": pl.Series([None] * n, dtype=pl.String),
        }
    )
    return prepare(frame, SPEC)


def test_counted_on_value_codes_the_chance_pairs_are_the_values_grouped(work):
    assert work["dob"].null_count() and work["family"].null_count() and work["sex"].null_count()
    plain = chance_pairs(work, SPEC)
    coded = chance_pairs(work, SPEC, ValueCodes(work, derived_sources(SPEC)))
    assert set(plain) == {"family_initial_dob", "given_dob_sex"}  # the ID's key is read from one column
    assert coded == plain  # exactly: sums of c (c - 1) are whole numbers


def test_the_codes_are_read_when_given(work, monkeypatch):
    """The coded path does not group the values: with Polars' group_by failing it still gives the counts (the
    codes worked out before), the path without codes does not."""
    codes = ValueCodes(work, derived_sources(SPEC))
    expected = chance_pairs(work, SPEC, codes)

    def refused(*args, **kwargs):
        raise AssertionError("grouped the values")

    monkeypatch.setattr(pl.DataFrame, "group_by", refused)
    assert chance_pairs(work, SPEC, codes) == expected
    with pytest.raises(AssertionError, match="grouped the values"):
        chance_pairs(work, SPEC)
