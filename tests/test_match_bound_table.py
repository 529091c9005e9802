"""The floor's bound (``engine._weight_bound``) worked out once per combination of levels and gathered by each pair's
combination number, where the combinations are fewer than a fourth of the pairs: bit for bit the bound worked out
pair by pair (``engine._levels_bound``), whatever the levels, missing values and ``m_by`` groups (HZ1)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import polars as pl
import pytest

from pipelines.match import engine, load_spec
from pipelines.match.model import Model
from pipelines.warehouse import REPO_ROOT

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _model(spec, rnd: np.random.Generator) -> Model:
    """A model of ``spec`` with m and u drawn at random (each summing to 1), and the other m of each comparison with
    ``m_by`` (the name's, in the people spec)."""
    sizes = {c.name: len(c.levels) + 1 for c in spec.scored_comparisons}

    def drawn(name: str) -> np.ndarray:
        x = rnd.random(sizes[name]) + 0.01
        return x / x.sum()

    return Model(
        levels=sizes,
        m={name: drawn(name) for name in sizes},
        u={name: drawn(name) for name in sizes},
        candidate_match_share=0.1,
        prior=3e-7,
        em_iterations=1,
        converged=True,
        random_pairs=1,
        em_per_rule={},
        m_by={c.name: drawn(c.name) for c in spec.scored_comparisons if c.m_by is not None},
    )


def _gamma(spec, n: int, rnd: np.random.Generator) -> pl.DataFrame:
    """``n`` pairs' levels drawn at random: each level, "different" and missing (null) of every comparison."""
    columns = []
    for comp in spec.comparisons:
        level = rnd.integers(-1, len(comp.levels) + 1, n).astype(np.int8)
        columns.append(pl.Series(comp.name, level).scatter(np.flatnonzero(level < 0), None))
    return pl.DataFrame(columns)


@pytest.mark.parametrize("room", [True, False])
def test_the_bound_by_combination_is_the_bound_pair_by_pair(monkeypatch, room):
    spec = load_spec(PEOPLE_SPEC)
    rnd = np.random.default_rng(14)
    model = _model(spec, rnd)
    gamma = _gamma(spec, 400_000, rnd)
    assert next(c for c in spec.scored_comparisons if c.name == "name").m_by is not None  # (read by the bound)
    seen = []
    per_pair = engine._levels_bound

    def spied(levels, *args):
        seen.append(levels.height)
        return per_pair(levels, *args)

    monkeypatch.setattr(engine, "_levels_bound", spied)
    bound = engine._weight_bound(gamma, spec, model, room)
    # the table of every combination was worked out (11 x 9 x 7 x 3 x 3 x 3 x 5 levels with "different" and missing),
    # not the 400,000 pairs
    assert seen == [93_555]
    expected = per_pair(gamma, spec, model, room)
    assert bound.dtype == expected.dtype and bound.tobytes() == expected.tobytes()
    assert np.isfinite(expected).all() and len(np.unique(expected)) > 1000  # (many combinations told apart)

    # fewer pairs than four times the combinations: worked out pair by pair, the same
    seen.clear()
    few = gamma.head(20_000)
    assert engine._weight_bound(few, spec, model, room).tobytes() == expected[:20_000].tobytes()
    assert seen == [20_000]


SPECS = sorted((REPO_ROOT / "mappings" / "match").glob("*.toml"))


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.stem)
def test_every_spec_s_bound_by_combination_is_its_bound_pair_by_pair(path):
    """Each spec of mappings/match/ with a random model (its ``m_by`` comparisons' other m too) and random levels of
    four times its combinations and more: bit for bit the bound worked out pair by pair."""
    spec = load_spec(path)
    rnd = np.random.default_rng(len(path.stem))
    model = _model(spec, rnd)
    read = {c.name for c in spec.scored_comparisons} | {c.m_by[0] for c in spec.scored_comparisons if c.m_by}
    combinations = math.prod(len(c.levels) + 2 for c in spec.comparisons if c.name in read)
    assert combinations <= engine._BOUND_TABLE_MAX
    gamma = _gamma(spec, 4 * combinations + 5000, rnd)
    for room in (True, False):
        assert (
            engine._weight_bound(gamma, spec, model, room).tobytes()
            == engine._levels_bound(gamma, spec, model, room).tobytes()
        )


def test_a_spec_of_very_many_combinations_is_bounded_pair_by_pair():
    """A spec whose combinations of levels overflow 64 bits (17 more date comparisons of 9 levels each with "different"
    and missing: 9**17 x 935,550 > 2**63): counted exactly, so the bound is worked out pair by pair. Counted in numpy's
    int64, the product wrapped round to a negative number, under the limit: an empty table of combinations, and every
    pair's bound gathered from it failed."""
    base = load_spec(PEOPLE_SPEC)
    date = next(c for c in base.comparisons if c.name == "date_of_birth")
    extra = tuple(dataclasses.replace(date, name=f"date_{i}") for i in range(17))
    spec = dataclasses.replace(base, comparisons=(*base.comparisons, *extra))
    rnd = np.random.default_rng(5)
    model = _model(spec, rnd)
    gamma = _gamma(spec, 2_000, rnd)
    expected = engine._levels_bound(gamma, spec, model, True)
    assert engine._weight_bound(gamma, spec, model, True).tobytes() == expected.tobytes()
