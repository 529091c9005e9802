"""A verdict counts toward the refit advice (``verdicts_since_fit``) when it becomes usable: both its records in the
data. One saved naming a record that only arrives in a later increment is counted in that increment, once. Before,
the count compared the verdicts with the saved ones on the records held after the increment, so a saved verdict whose
record arrived was never counted (and an increment given no verdicts counted none). The state keeps the verdicts
usable since the fit (verdicts_seen), so a record withdrawn and sent again does not count its verdicts twice."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.increment import match_increment
from pipelines.match.state import load_state, save_state
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def case() -> dict:
    spec = load_spec(PEOPLE_SPEC)
    people = background(400, seed=31)
    keys = people["record_key"].sample(fraction=1.0, shuffle=True, seed=3).to_list()
    late, kept = keys[:4], keys[4:]
    # "same" for a late record with a kept one and for two late ones; "different" for a late one with a kept one
    same = pl.DataFrame({"left_id": [late[0], late[1]], "right_id": [kept[0], late[2]]})
    different = pl.DataFrame({"left_id": [kept[1]], "right_id": [late[3]]})
    return {
        "spec": spec,
        "base": people.filter(~pl.col("record_key").is_in(late)),
        "late": people.filter(pl.col("record_key").is_in(late)),
        "same": same,
        "different": different,
    }


def _counts(inc) -> tuple[int, dict]:  # noqa: ANN001 - an IncrementResult
    assert inc.stats["verdicts_since_fit"] == inc.state.verdicts_since_fit
    return inc.stats["verdicts_since_fit"], inc.stats["verdicts_since_fit_given"]


def test_verdicts_given_before_their_records_count_when_they_arrive_once(case):
    spec = case["spec"]
    base = match(case["base"], spec, keep_state=True)
    given = match_increment(base.state, None, spec, labelled_pairs=case["same"], cannot_link_pairs=case["different"])
    assert _counts(given) == (0, {"same": 0, "different": 0})  # none usable yet: m could not learn from them
    arrived = match_increment(given.state, case["late"], spec)
    assert _counts(arrived) == (3, {"same": 2, "different": 1})
    again = match_increment(arrived.state, None, spec)  # counted once
    assert _counts(again) == (3, {"same": 0, "different": 0})
    entity = dict(arrived.state.records.select("record_id", "entity_id").iter_rows())
    for (a, b), linked in ((case["same"].row(0), True), (case["same"].row(1), True), (case["different"].row(0), False)):
        assert (entity[a] == entity[b]) is linked


def test_verdicts_a_full_run_could_not_use_count_when_their_records_arrive(case):
    """A full run keeps verdicts naming records it does not hold (m is fitted without them: the count starts at 0)."""
    spec = case["spec"]
    base = match(case["base"], spec, labelled_pairs=case["same"], cannot_link_pairs=case["different"], keep_state=True)
    assert base.state.verdicts_since_fit == 0 and base.state.labelled.height == 2
    arrived = match_increment(base.state, case["late"], spec)
    assert _counts(arrived) == (3, {"same": 2, "different": 1})


def test_a_record_withdrawn_and_sent_again_does_not_count_its_verdicts_twice(case, tmp_path):
    """The verdicts seen travel with the saved state: the increments below each start from a state read back."""
    spec = case["spec"]
    base = match(case["base"], spec, labelled_pairs=case["same"], cannot_link_pairs=case["different"], keep_state=True)
    arrived = match_increment(base.state, case["late"], spec)
    assert _counts(arrived)[0] == 3
    save_state(arrived.state, tmp_path / "s1", spec)
    late = case["same"]["left_id"][0]
    gone = match_increment(load_state(tmp_path / "s1", spec), None, spec, withdrawn=[late])
    assert _counts(gone) == (3, {"same": 0, "different": 0})
    save_state(gone.state, tmp_path / "s2", spec)
    back = match_increment(load_state(tmp_path / "s2", spec), case["late"].filter(pl.col("record_key") == late), spec)
    assert _counts(back) == (3, {"same": 0, "different": 0})  # before verdicts_seen: 4
    # a verdict turned to "different" after it was seen still counts
    turned = match_increment(back.state, None, spec, cannot_link_pairs=case["same"].head(1))
    assert _counts(turned) == (4, {"same": 0, "different": 1})
