"""Candidate pairs under the pair floor whatever their values are not scored (``engine._may_reach``): a pair's match
weight is bounded from above by its levels' weights with the most their term-frequency adjustment may add
(``engine._weight_bound``). The bound must hold for every pair, or a pair at or above the floor would be left out
(test_match_pair_floor checks the run's outputs are those of scoring every pair)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.match import engine, load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def run():
    spec = load_spec(PEOPLE_SPEC)
    return spec, match(background(3000, seed=11), spec, keep_state=True)  # (a state: every pair scored and kept)


def test_no_pair_scores_above_its_weight_bound(run):
    spec, result = run
    scored = result.state.scored
    gamma = scored.select(c.name for c in spec.comparisons)
    weight = scored["match_weight"].to_numpy().astype(np.float64)
    assert scored.height >= 300
    bound = engine._weight_bound(gamma, spec, result.model)
    assert (weight <= bound + 1e-4).all()  # (float32 weights: rounding)
    # the term frequencies' room is needed: without it the bound fails for pairs of rare values (else this shows nothing)
    assert (weight > engine._weight_bound(gamma, spec, result.model, room=False) + 0.1).any()


def test_the_pairs_left_unscored_are_those_under_the_floor(run):
    spec, result = run
    scored = result.state.scored.filter(pl.col("rules") != 0)
    gamma = scored.select(c.name for c in spec.comparisons)
    for floor in (0.0003, 0.001, 0.01):
        may = engine._may_reach(gamma, spec, result.model, floor)
        reaches = (scored["match_probability"] >= floor).to_numpy()
        assert not (reaches & ~may).any()
        assert (~may).sum() >= 30  # some are left unscored (at 1M people most: 3.53M of 3.91M)
