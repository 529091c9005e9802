"""The chaining guard on suspicious components larger than GUARD_FULL_PAIRS_UP_TO (monkeypatched small here, so
small fixtures take that path): there it scores no pair of its own, so reviewers' verdicts must reach it from the
caller. Every increment test of test_match_increment runs again on that path (an increment must still equal a
full run given all verdicts)."""

import polars as pl
import pytest

import pipelines.match.cluster as cluster
from pipelines.match.cluster import REVIEWERS_DISAGREE, guarded_clusters
from tests.test_match_increment import *  # noqa: F403 - the fixtures and tests, run again on the large path
from tests.test_match_increment import _assert_equal_runs, _entity
from tests.test_match_verdicts import _links, _scorer

# Not run again here: exact duplicates of their runs in test_match_increment. GUARD_FULL_PAIRS_UP_TO is read only by
# cluster._scored_inside, which none of them (nor a fixture of theirs) reaches: counted with a probe wrapping it over
# this module's 42 tests (every other test, through its own call or the runs/verdict_runs/withdrawal_runs fixtures,
# reaches it with a suspicious component of up to 200 records, so it takes the other path here).
del test_a_new_record_whose_founder_id_an_untouched_entity_still_holds_gets_another_id  # noqa: F821
del test_windowed_blocks_changed_at_start_middle_and_end_are_diffed_locally_and_equal_a_full_rematch  # noqa: F821
del test_saved_pairs_found_by_other_rules_now_take_their_new_rules  # noqa: F821
del test_a_saved_pair_found_by_other_rules_now_inside_a_reclustered_component_takes_its_new_rules  # noqa: F821


@pytest.fixture(scope="module", autouse=True)
def _every_suspicious_component_large():
    mp = pytest.MonkeyPatch()
    mp.setattr(cluster, "GUARD_FULL_PAIRS_UP_TO", 0)
    yield
    mp.undo()


def _chain(forced: list[tuple[int, int]], extra: int, dtype=pl.Float64) -> pl.DataFrame:
    """Forced links (1 bit each) then a chain of strong ordinary links (20 bits) from the last forced record."""
    start = max(r for _, r in forced)
    rows = [(a, b, 1.0, True) for a, b in forced] + [(i, i + 1, 20.0, False) for i in range(start, start + extra)]
    return _links(rows).cast({"match_weight": dtype, "match_probability": dtype})


def test_links_of_float32_weights_are_guarded_when_no_component_is_small():
    # an increment's links are Float32; with no small suspicious component the guard's own (empty) pairs were
    # Float64 and concatenating them raised a SchemaError
    links = _chain([(0, 1)], 3, pl.Float32).with_columns(pl.lit(False).alias("_reviewed_same"))
    clusters, refused, inner, _ = guarded_clusters(5, links, 3, _scorer({}), 0.95, 0.0)
    assert inner.height == 0
    # strongest first: 1-2, 2-3 make {1, 2, 3}; 3-4 and the weak 0-1 would make 4 records (max 3)
    assert clusters.to_list() == [0, 1, 1, 1, 4]
    assert refused.select("l", "r").rows() == [(3, 4), (0, 1)]
    assert all(r.startswith("chaining guard") for r in refused["reason"])
    assert refused.schema["match_weight"] == pl.Float64


def test_a_reviewers_different_verdict_stops_forced_links_in_a_large_component():
    # reviewers: 0 = 1, 1 = 2, 0 != 2 (a vetoed pair: never a link, so not among the links); ordinary links chain
    # on from 2. The guard scores no pair here: the verdict reaches it only as cannot_link.
    links = _chain([(0, 1), (1, 2)], 3)
    different = pl.DataFrame({"l": [0], "r": [2]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    score = _scorer({}, same={(0, 1), (1, 2)}, different={(0, 2)})
    clusters, refused, _, _ = guarded_clusters(6, links, 12, score, 0.95, 0.0, cannot_link=different)
    c = clusters.to_list()
    assert c[0] == c[1] != c[2]
    assert refused.select("l", "r", "reason").rows() == [(1, 2, REVIEWERS_DISAGREE)]
    # ordinary links too: a 'different' pair in a large component is a conflict for them
    plain = _chain([(0, 1)], 4).with_columns(pl.lit(False).alias("_reviewed_same"), pl.lit(20.0).alias("match_weight"))
    far = pl.DataFrame({"l": [0], "r": [5]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    clusters, refused, _, _ = guarded_clusters(6, plain, 12, _scorer({}), 0.95, 0.0, cannot_link=far)
    assert clusters[0] != clusters[5] and refused.height == 1


def test_increment_verdicts_on_the_large_path_link_never_link_and_equal_a_full_run(verdict_runs):
    inc, full = verdict_runs["inc"], verdict_runs["full"]
    assert inc.stats["guard_suspicious_components"] > 0
    _assert_equal_runs(inc, full)
    records = inc.state.records
    for a, b in verdict_runs["same"].values():
        assert _entity(records, a) == _entity(records, b)
    for a, b in [*verdict_runs["different"].values(), verdict_runs["turned"]]:
        assert _entity(records, a) != _entity(records, b)
        assert _entity(full.records, a) != _entity(full.records, b)
