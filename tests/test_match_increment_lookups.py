"""Increments: the shortcuts of the lookups (verdicts' records found in the saved and the new records apart, withdrawn
ids counted from the hit rows, a state read back in one chunk per column) give a full re-match's answers."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.increment import match_increment
from pipelines.match.state import CONTIGUOUS, load_state, save_state
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _by(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort(list(keys))


@pytest.fixture(scope="module")
def case() -> dict:
    spec = load_spec(PEOPLE_SPEC)
    people = background(600, seed=23)
    keys = people["record_key"].sample(fraction=1.0, shuffle=True, seed=2).to_list()
    held, changed, gone, stay = keys[:60], keys[60:63], keys[63:66], keys[66:]
    base = people.filter(~pl.col("record_key").is_in(held))
    increment = pl.concat(
        [
            people.filter(pl.col("record_key").is_in(held)),
            people.filter(pl.col("record_key").is_in(changed)).with_columns(pl.col("full_name").str.to_uppercase()),
        ]
    )
    base_run = match(base, spec, keep_state=True)
    # verdicts naming a changed record (its new version is the one meant), a withdrawn one (unusable: it is gone),
    # a new one, and two kept ones
    same = pl.DataFrame({"left_id": [changed[0], held[0], gone[0]], "right_id": [stay[0], stay[1], stay[2]]})
    different = pl.DataFrame({"left_id": [stay[3]], "right_id": [changed[1]]})
    return {
        "spec": spec,
        "base": base,
        "increment": increment,
        "run": base_run,
        "same": same,
        "different": different,
        "changed": changed,
        "gone": [*gone, "nobody", gone[0]],  # an unknown id and a repeat
    }


def _full(case: dict, inc) -> object:  # noqa: ANN001 - an IncrementResult
    whole = pl.concat(
        [
            case["base"].filter(~pl.col("record_key").is_in(case["changed"] + case["gone"])),
            case["increment"],
        ],
        how="diagonal_relaxed",
    )
    return match(
        whole,
        case["spec"],
        model=case["run"].state.frozen,
        previous=case["run"].records,
        labelled_pairs=inc.state.labelled,
        cannot_link_pairs=inc.state.cannot_link,
        keep_state=True,
    )


def _assert_equal(inc, full) -> None:  # noqa: ANN001
    assert _by(inc.state.records, "record_id").equals(_by(full.state.records, "record_id"))
    assert _by(inc.state.scored, "l", "r").equals(_by(full.state.scored, "l", "r"))
    assert _by(inc.state.review, "left_id", "right_id").equals(_by(full.state.review, "left_id", "right_id"))


def test_verdicts_on_changed_withdrawn_and_new_records_count_and_link_as_a_full_rematch(case):
    inc = match_increment(
        case["run"].state,
        case["increment"],
        case["spec"],
        labelled_pairs=case["same"],
        cannot_link_pairs=case["different"],
        withdrawn=case["gone"],
    )
    assert inc.stats["withdrawn_unknown"] == 1  # "nobody"; the repeated id counts once, as withdrawn
    assert inc.stats["withdrawn_records"] == 3
    v = inc.stats["verdicts"]
    assert (v["pairs"], v["unknown_records"], v["usable"]) == (4, 1, 3)  # the withdrawn record's pair is unusable
    # the changed and the new record's "same" pairs and the "different" one; not the gone record's
    assert inc.stats["verdicts_since_fit"] == 3
    assert inc.stats["verdicts_since_fit_given"] == {"same": 2, "different": 1}
    records = inc.state.records
    entity = dict(records.select("record_id", "entity_id").iter_rows())
    for (a, b), expected in (
        (case["same"].row(0), True),
        (case["same"].row(1), True),
        (case["different"].row(0), False),
    ):
        assert (entity[a] == entity[b]) is expected
    _assert_equal(inc, _full(case, inc))


def test_a_state_read_back_from_many_row_groups_is_contiguous_and_gives_the_same_increment(case, tmp_path):
    state = case["run"].state
    save_state(state, tmp_path / "state", case["spec"])
    # rewrite the tables an increment gathers from in small row groups (a large state is read in many chunks)
    for name in CONTIGUOUS:
        table = getattr(state, name)
        table.write_parquet(tmp_path / "state" / f"{name}.parquet", compression="lz4", row_group_size=50)
        assert pl.read_parquet(tmp_path / "state" / f"{name}.parquet").n_chunks() > 1
    loaded = load_state(tmp_path / "state", case["spec"])
    assert all(getattr(loaded, name).n_chunks() == 1 for name in CONTIGUOUS)
    assert loaded.work.equals(state.work) and loaded.frame.equals(state.frame)
    kwargs = {"labelled_pairs": case["same"], "cannot_link_pairs": case["different"], "withdrawn": case["gone"]}
    again = match_increment(loaded, case["increment"], case["spec"], **kwargs)
    first = match_increment(state, case["increment"], case["spec"], **kwargs)
    assert again.state.records.equals(first.state.records)
    assert again.state.scored.equals(first.state.scored)
    assert again.state.review.equals(first.state.review)
