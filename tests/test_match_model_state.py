"""A frozen model's saved state keeps how its prior was estimated (``Model.prior_estimate``)."""

from __future__ import annotations

from pipelines.match import load_spec, match
from pipelines.match.state import load_frozen, save_state
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def test_a_saved_state_keeps_the_prior_estimate_and_a_run_scored_with_it_reports_it(tmp_path):
    spec = load_spec(PEOPLE_SPEC)
    people = background(1500, seed=11).drop("person")
    fitted = match(people, spec, keep_state=True)
    how = fitted.model.prior_estimate
    assert how["method"] == "capture-recapture" and how["true_pairs"] > 0  # a people table: IDs and names overlap
    folder = save_state(fitted.state, tmp_path / "state", spec)
    frozen, manifest = load_frozen(folder)
    # before: the saved model had no prior_estimate, so a frozen run reported {} (and the summary no method)
    assert frozen.model.prior_estimate == how
    assert frozen.fingerprint() == manifest["model_fingerprint"] == fitted.state.frozen.fingerprint()
    rerun = match(people, spec, model=frozen)
    assert rerun.stats["prior_estimate"] == how
    assert "capture-recapture" in rerun.summary()
