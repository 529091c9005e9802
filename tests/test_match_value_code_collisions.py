"""_value_codes on a 64-bit hash collision: the codes must still be equal exactly for equal values (the fallback
join on the values), and a match must give what it gives without the collision."""

from __future__ import annotations

import threading

import numpy as np
import polars as pl
import pytest

import pipelines.match.compare as compare
from pipelines.match import load_spec, match
from pipelines.match.compare import _value_codes
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

REAL_HASH = pl.Series.hash


def _colliding(*pairs: tuple[str, str]):
    """A Series.hash under which each (a, b) of ``pairs`` share a's hash (no pairs: every value hashes to 0)."""

    def fake(self, *args, **kwargs):  # noqa: ANN001, ANN202
        if not pairs:
            return pl.Series(self.name, np.zeros(len(self), dtype=np.uint64))
        hashes = REAL_HASH(self, *args, **kwargs).to_numpy().copy()
        for a, b in pairs:
            hashes[(self == b).fill_null(False).to_numpy()] = REAL_HASH(pl.Series([a]), *args, **kwargs)[0]
        return pl.Series(self.name, hashes)

    return fake


def _check(values: pl.Series, codes: pl.Series, by_code: pl.Series) -> None:
    assert codes.dtype == pl.UInt32 and codes.len() == values.len()
    assert codes.is_null().to_list() == values.is_null().to_list()  # missing: null, never a code
    assert by_code.len() == values.drop_nulls().n_unique()  # one code per distinct value
    assert by_code.null_count() == 0 and by_code.n_unique() == by_code.len()
    assert [None if c is None else by_code[c - 1] for c in codes.to_list()] == values.to_list()  # each names its value


@pytest.mark.parametrize("pairs", [(("a", "b"),), (("a", "b"), ("", "c")), ()], ids=["one pair", "two pairs", "all"])
def test_a_hash_collision_still_gives_one_code_per_distinct_value(monkeypatch, pairs):
    values = pl.Series("v", ["b", None, "a", "b", "", None, "a", "c", "Nguyễn", "c"], dtype=pl.String)
    monkeypatch.setattr(pl.Series, "hash", _colliding(*pairs))
    assert len(set(values.drop_nulls().hash().to_list())) < values.drop_nulls().n_unique()  # they do collide
    codes, by_code = _value_codes(values)
    _check(values, codes, by_code)
    monkeypatch.undo()
    plain, plain_by = _value_codes(values)  # no collision: the same partition of the rows
    assert pl.DataFrame({"x": codes, "y": plain}).n_unique() == plain_by.len() + 1  # (+1: the null pair)


def test_a_collision_without_nulls_and_with_only_nulls(monkeypatch):
    monkeypatch.setattr(pl.Series, "hash", _colliding())
    dense = pl.Series("v", ["x", "y", "x", "z"], dtype=pl.String)
    _check(dense, *_value_codes(dense))
    empty = pl.Series("v", [None, None], dtype=pl.String)
    _check(empty, *_value_codes(empty))


def test_a_match_with_every_value_hash_colliding_equals_the_plain_match(monkeypatch):
    """End to end: codes of every compared column (and the shared codes of the ID columns) from the fallback."""
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    people = background(400, seed=11)
    plain = match(people, spec, keep_state=True)
    real, calls, one_at_a_time = compare._value_codes, [], threading.Lock()

    def colliding(values: pl.Series):  # noqa: ANN202 - every hash 0 inside _value_codes only
        # one thread at a time (blocking and u code columns side by side): two contexts entered and left
        # interleaved would leave the fake hash in place for the tests that follow
        with one_at_a_time, monkeypatch.context() as m:
            m.setattr(pl.Series, "hash", _colliding())
            codes, by_code = real(values)
        calls.append(by_code.len())
        _check(values, codes, by_code)
        return codes, by_code

    monkeypatch.setattr(compare, "_value_codes", colliding)
    again = match(people, spec, keep_state=True)
    assert calls and max(calls) > 1  # the fallback ran, on columns with many values
    assert again.state.scored.equals(plain.state.scored)
    assert again.state.records.equals(plain.state.records)
    assert again.state.review.equals(plain.state.review)
