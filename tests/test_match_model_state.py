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


def test_a_state_saved_twice_holds_the_same_term_frequency_and_word_files(tmp_path):
    # the tables come from group-bys (no order): rows counted in another order must not give other files
    spec = load_spec(PEOPLE_SPEC)
    fitted = match(background(600, seed=5).drop("person"), spec, keep_state=True)
    frozen = fitted.state.frozen
    first = save_state(fitted.state, tmp_path / "a", spec)
    frozen.tf = {key: table.reverse() for key, table in frozen.tf.items()}
    frozen.word_shares = {column: table.reverse() for column, table in frozen.word_shares.items()}
    second = save_state(fitted.state, tmp_path / "b", spec)
    saved = sorted(p.name for p in first.iterdir() if p.name.startswith(("tf_", "words_")))
    assert saved and any(n.startswith("words_") for n in saved)
    for name in saved:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
