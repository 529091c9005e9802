"""Term frequencies on small tables: a value's share leaves out the pair's own records and is shrunk to its
level's u, so a name only one person's records hold is not taken for a common one.

The fit keeps the shares' table sizes (``Model.tf_records``) only when a saved state keeps them
(``state.FrozenModel.SAVES_TF_RECORDS``): a model read back must weigh pairs as the fitted one did. The tests
that fit switch it on (monkeypatch) where the state does not have it yet."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match import state as match_state
from pipelines.match.evaluate import pairwise
from pipelines.match.model import _shrunk_share
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture
def keeps_tf_records(monkeypatch):
    monkeypatch.setattr(match_state.FrozenModel, "SAVES_TF_RECORDS", True, raising=False)


def test_a_share_leaves_out_the_pairs_own_records_and_is_shrunk_to_its_levels_u():
    u = 1e-4
    # 1,000 records: a name on the pair's two records only; on a third record too; on 52 records
    share = pl.Series([2 / 1000, 3 / 1000, 52 / 1000])
    got = _shrunk_share(share, 1000, 2, u).to_list()
    assert got[0] == pytest.approx(1 / (998 + 1 / u))  # no other record: about u (the level's own weight)
    assert got[1] == pytest.approx(2 / (998 + 1 / u))  # counted as it was: 0.003, 30 times u
    assert got[2] == pytest.approx(51 / (998 + 1 / u))
    # a million records: the counts decide, as before (1 / u = 10,000 pseudo-records: 1 % less)
    big = _shrunk_share(pl.Series([5000 / 1e6]), 1_000_000, 2, u)[0]
    assert big == pytest.approx(5000 / 1e6, rel=0.015)
    # one side of a similar pair: its own record only
    assert _shrunk_share(pl.Series([1 / 1000]), 1000, 1, u)[0] == pytest.approx(1 / (999 + 1 / u))
    # no table size (a model fitted before, or a state that does not keep it): the share as counted
    assert _shrunk_share(share, None, 2, u).equals(share)


def _accuracy(people: pl.DataFrame, result) -> dict:
    labelled = people.select("record_key", "person").join(
        result.records.select(pl.col("record_id").alias("record_key"), "entity_id"), on="record_key"
    )
    return pairwise(labelled, "entity_id", "person")


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return background(500, seed=1)  # 565 records, 65 true pairs


def test_without_table_sizes_a_small_registrys_exact_names_weigh_too_little(people, monkeypatch):
    """The failure this fixes, measured with a state that keeps no table sizes (as before cb5b51e)."""
    monkeypatch.setattr(match_state.FrozenModel, "SAVES_TF_RECORDS", False)
    # measured at link_threshold 0.9 (people link from 0.85 since the placeholder phone weighs by its share)
    result = match(people.drop("person"), dataclasses.replace(load_spec(PEOPLE_SPEC), link_threshold=0.9))
    assert result.model.tf_records is None
    assert (
        _accuracy(people, result)["recall"] < 0.97
    )  # 0.892 at link_threshold 0.95, 0.954 at 0.9 (with the shares: 1.0)


def test_a_small_registry_with_shrunk_shares_links_its_duplicates(people, keeps_tf_records):
    spec = load_spec(PEOPLE_SPEC)
    result = match(people.drop("person"), spec, keep_state=True)
    assert result.model.tf_records["full_name"] == 565 and result.model.tf_records["date_of_birth"] == 565
    accuracy = _accuracy(people, result)
    assert accuracy["recall"] >= 0.97 and accuracy["precision"] >= 0.995  # 1.0 and 1.0
    # the frozen model weighs every pair as the fit did
    again = match(people.drop("person"), spec, model=result.state.frozen)
    assert again.pairs.drop("decision_reason").equals(result.pairs.drop("decision_reason"))
    # most exact names are held by the pair alone: they weigh their level's average or more (counted as they
    # were, a share of 2 / 565 put them about 3 bits under it)
    name = result.pairs.filter(pl.col("name_level") == "exact")["name_weight"]
    average = float(np.log2(result.model.m["name"][0] / result.model.u["name"][0]))
    assert name.len() > 20 and name.median() >= average


def test_a_saved_state_keeps_the_table_sizes_and_scores_as_the_fit(people, tmp_path):
    """Runs once the state keeps them (state.FrozenModel.SAVES_TF_RECORDS, see model._state_keeps_tf_records)."""
    if not getattr(match_state.FrozenModel, "SAVES_TF_RECORDS", False):
        pytest.skip("the saved state does not keep Model.tf_records yet: the fit does not use them")
    spec = load_spec(PEOPLE_SPEC)
    result = match(people.drop("person"), spec, keep_state=True)
    match_state.save_state(result.state, tmp_path / "state", spec)
    loaded = match_state.load_state(tmp_path / "state", spec)
    assert loaded.frozen.model.tf_records == result.model.tf_records
    again = match(people.drop("person"), spec, model=loaded.frozen)
    assert again.pairs.drop("decision_reason").equals(result.pairs.drop("decision_reason"))
