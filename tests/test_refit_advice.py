"""The increment's refit advice (learning.refit_advised, the summary and the log): from REFIT_AFTER verdicts ("same"
or "different") since the model was fitted it says a full run without --model refits m, and that this is optional: the verdicts
already link or veto in the increment, and semi-supervised EM moves m only by their share of the candidate pairs
(at 1M a refit with 200 + 200 or 2,000 + 2,000 verdicts changed no link figure by more than 0.0001:
benchmarks/refit_benchmark.py). Measured before c6f5d40, when verdicts were blended into m, a refit cost precision
and the advice did not call it optional."""

from __future__ import annotations

import logging

import numpy as np
import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.increment import match_increment
from pipelines.match.learning import REFIT_AFTER, refit_advised
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
OPTIONAL = (
    "(optional: the verdicts already link or veto here; a refit moves m only by their share of the candidate pairs)"
)


@pytest.fixture(scope="module")
def run():
    """A fitted base run and "same" verdicts on pairs of records alone in their entity (no copy: nothing refuses the
    link), none of them a pair the base linked."""
    spec = load_spec(PEOPLE_SPEC)
    base = match(background(1500, seed=11), spec, keep_state=True)
    keys = set(base.records["record_id"].to_list())
    alone = base.records.filter(pl.col("entity_size") == 1).sort("record_id")["record_id"].to_list()
    alone = [k for k in alone if k.startswith("bg-") and not k.endswith("-copy") and f"{k}-copy" not in keys]
    pairs = pl.DataFrame(
        {"left_id": alone[0 : 2 * (REFIT_AFTER + 5) : 2], "right_id": alone[1 : 2 * (REFIT_AFTER + 5) : 2]}
    )
    assert pairs.height == REFIT_AFTER + 5
    return spec, base, pairs


def test_refit_advised_from_refit_after_same_verdicts():
    assert not refit_advised(REFIT_AFTER - 1) and refit_advised(REFIT_AFTER)


def test_many_verdicts_the_advice_says_a_refit_is_optional_and_they_already_take_effect(run, caplog):
    spec, base, pairs = run
    same = pairs.head(REFIT_AFTER)
    with caplog.at_level(logging.WARNING, logger="wardbridge.match"):
        inc = match_increment(base.state, None, spec, labelled_pairs=same)
    summary = inc.summary()
    assert f"{REFIT_AFTER:,} verdicts since it was fitted (this increment: {REFIT_AFTER:,} 'same', 0 'different') " in (
        summary
    )
    assert "are applied (linked or vetoed) but have not refined m" in summary
    assert f"a full run without --model refits m from them {OPTIONAL}" in summary
    assert f"refits m from every verdict {OPTIONAL}" in caplog.text
    # what "already link here" says: every "same" pair is linked in the increment, m frozen
    decided = inc.pairs.join(same, on=["left_id", "right_id"])
    assert decided.height == same.height and (decided["decision"].cast(pl.String) == "link").all()
    assert inc.state.frozen.fingerprint() == base.state.frozen.fingerprint()
    # what "moves m only by their share" says: a full run fitting m with them moves m, by little
    refit = match(background(1500, seed=11), spec, labelled_pairs=same)
    frozen = base.state.frozen.model.m
    shift = max(float(np.abs(refit.model.m[name] - frozen[name]).max()) for name in frozen)
    # (these pairs, records alone in their entity, lie in no trained rule's pairs: m moves by float rounding only,
    # 8.7e-19 at 50d826d and exactly 0 since the ID levels' m is averaged over the phone rule alone)
    assert shift < 0.05


def test_few_verdicts_no_advice(run, caplog):
    spec, base, pairs = run
    with caplog.at_level(logging.WARNING, logger="wardbridge.match"):
        inc = match_increment(base.state, None, spec, labelled_pairs=pairs.head(REFIT_AFTER - 1))
    assert "have not refined m" in inc.summary()
    assert "refits m" not in inc.summary() and "refits m" not in caplog.text


def test_different_verdicts_count_toward_the_refit_advice(run, caplog):
    """A "different" verdict is a label too: a full run fits m with it as a fixed posterior (model.label_posteriors),
    so it counts among the verdicts m has not learned from. Before, only "same" ones were counted: REFIT_AFTER
    "different" verdicts left the count at 0 and no refit advised."""
    spec, base, pairs = run
    different = pairs.head(REFIT_AFTER)
    with caplog.at_level(logging.WARNING, logger="wardbridge.match"):
        inc = match_increment(base.state, None, spec, cannot_link_pairs=different)
    assert inc.stats["verdicts_since_fit"] == inc.state.verdicts_since_fit == REFIT_AFTER
    assert inc.stats["verdicts_since_fit_given"] == {"same": 0, "different": REFIT_AFTER}
    summary = inc.summary()
    assert f"{REFIT_AFTER:,} verdicts since it was fitted (this increment: 0 'same', {REFIT_AFTER:,} 'different')" in (
        summary
    )
    assert "refits m" in summary and "refits m" in caplog.text
    # a pair judged "same" then "different" is a new label (its verdict turned); judged "same" again after that, or
    # "different" twice, it is not: the pair stays read as different (the safer verdict)
    same = match_increment(base.state, None, spec, labelled_pairs=pairs.head(3))
    assert same.stats["verdicts_since_fit"] == 3
    turned = match_increment(same.state, None, spec, cannot_link_pairs=pairs.head(2))
    assert turned.stats["verdicts_since_fit"] == 5
    assert turned.stats["verdicts_since_fit_given"] == {"same": 0, "different": 2}
    again = match_increment(turned.state, None, spec, labelled_pairs=pairs.head(1), cannot_link_pairs=pairs.slice(1, 1))
    assert again.stats["verdicts_since_fit"] == 5
    assert again.stats["verdicts_since_fit_given"] == {"same": 0, "different": 0}
