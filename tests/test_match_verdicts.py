"""Reviewers' verdicts against the chaining guard: a 'same' verdict is never silently refused."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.cluster import REVIEWED_DIFFERENT, REVIEWERS_DISAGREE, guarded_clusters
from pipelines.match.engine import REVIEWED_SAME
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background
from tests.test_match import hand_built

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def spec():
    return load_spec(PEOPLE_SPEC)


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return pl.concat([background(), hand_built()])


def _ids(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema=["left_id", "right_id"], orient="row")


def _entity(result, key: str) -> str:
    return result.records.filter(pl.col("record_id") == key)["entity_id"].item()


def _pair(result, a: str, b: str) -> dict:
    pairs = result.pairs.filter(
        ((pl.col("left_id") == a) & (pl.col("right_id") == b)) | ((pl.col("left_id") == b) & (pl.col("right_id") == a))
    )
    assert pairs.height == 1
    return pairs.row(0, named=True)


def test_a_reviewers_same_verdict_on_a_record_torn_between_two_is_linked(table, spec):
    # chain-b is about as like chain-a as chain-c, and a / c differ: without a verdict the ambiguity guard
    # refuses both links. A reviewer saying b is a: b joins a's entity, the link says why, c stays apart.
    plain = match(table, spec)
    assert _entity(plain, "chain-b") not in (_entity(plain, "chain-a"), _entity(plain, "chain-c"))
    judged = match(table, spec, labelled_pairs=_ids([("chain-a", "chain-b")]))
    assert _entity(judged, "chain-b") == _entity(judged, "chain-a") != _entity(judged, "chain-c")
    forced = _pair(judged, "chain-a", "chain-b")
    assert (forced["decision"], forced["decision_reason"]) == ("link", REVIEWED_SAME)
    assert _pair(judged, "chain-b", "chain-c")["decision"] == "refused"  # queued: b-c and a-c still differ


def _links(rows: list[tuple[int, int, float, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "l": [a for a, *_ in rows],
            "r": [b for _, b, *_ in rows],
            "match_weight": [w for *_, w, _ in rows],
            "match_probability": [1 / (1 + 2**-w) for *_, w, _ in rows],
            "veto": [None] * len(rows),
            "_reviewed_same": [s for *_, s in rows],
        },
        schema={
            "l": pl.UInt32,
            "r": pl.UInt32,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
            "veto": pl.String,
            "_reviewed_same": pl.Boolean,
        },
    )


def _scorer(weights: dict[tuple[int, int], float], same=(), different=()):
    """Scores the guard's pairs: the given weights (else -5 bits, a conflict), reviewers' verdicts as flags/vetoes."""

    def score_pairs(pairs: pl.DataFrame) -> pl.DataFrame:
        keys = list(pairs.select("l", "r").iter_rows())
        w = [weights.get(k, -5.0) for k in keys]
        return pairs.select("l", "r").with_columns(
            pl.Series("match_weight", w, dtype=pl.Float64),
            pl.Series("match_probability", [1 / (1 + 2**-x) for x in w], dtype=pl.Float64),
            pl.Series("veto", [REVIEWED_DIFFERENT if k in different else None for k in keys], dtype=pl.String),
            pl.Series("_reviewed_same", [k in same for k in keys], dtype=pl.Boolean),
        )

    return score_pairs


def test_guard_never_refuses_a_forced_link_on_its_own_weak_evidence():
    # 0-1, 0-2, 2-3 strong links (0-3 and 1-3 strong too, scored by the guard); a reviewer says 1 and 2 are the
    # same although their evidence is against it (-3 bits). Before, the weak forced pair counted as a conflict:
    # 0's links were "ambiguous" and the forced link refused, 1 left alone. Now one cluster, nothing refused.
    weights = {(0, 1): 10.0, (0, 2): 8.0, (1, 2): -3.0, (2, 3): 12.0, (0, 3): 9.0, (1, 3): 9.0}
    links = _links([(0, 1, 10.0, False), (0, 2, 8.0, False), (1, 2, -3.0, True), (2, 3, 12.0, False)])
    clusters, refused, _, _ = guarded_clusters(4, links, 12, _scorer(weights, same={(1, 2)}), 0.95, 0.0)
    assert len(set(clusters.to_list())) == 1
    assert refused.height == 0


def test_a_forced_link_goes_first_and_a_link_against_it_is_refused_with_a_reason():
    # 1-2 forced (weak), 0-1 a strong link, 0-2 a conflict, at most 2 records a cluster: the forced link stands;
    # 0-1 is refused by the chaining guard, with its reason
    weights = {(0, 1): 10.0, (1, 2): -3.0}
    links = _links([(0, 1, 10.0, False), (1, 2, -3.0, True)])
    clusters, refused, _, _ = guarded_clusters(3, links, 2, _scorer(weights, same={(1, 2)}), 0.95, 0.0)
    c = clusters.to_list()
    assert c[1] == c[2] != c[0]
    assert refused.select("l", "r").rows() == [(0, 1)]
    assert refused["reason"].item().startswith("chaining guard")


def test_forced_links_contradicting_a_reviewers_different_verdict_are_queued_with_a_reason():
    # reviewers: 0 = 1, 1 = 2, but 0 != 2: the weaker forced link cannot stand; it is refused with the reason
    weights = {(0, 1): 9.0, (1, 2): 6.0, (0, 2): 7.0}
    links = _links([(0, 1, 9.0, True), (1, 2, 6.0, True)])
    score = _scorer(weights, same={(0, 1), (1, 2)}, different={(0, 2)})
    clusters, refused, _, _ = guarded_clusters(3, links, 12, score, 0.95, 0.0)
    c = clusters.to_list()
    assert c[0] == c[1] != c[2]
    assert refused.select("l", "r", "reason").rows() == [(1, 2, REVIEWERS_DISAGREE)]


def test_links_without_the_verdict_column_are_guarded_as_before():
    # callers passing no _reviewed_same column (as before): no link is forced, the guard works as it did
    weights = {(0, 1): 10.0, (0, 2): 9.0}
    links = _links([(0, 1, 10.0, False), (0, 2, 9.0, False)]).drop("_reviewed_same")
    clusters, refused, _, _ = guarded_clusters(3, links, 12, _scorer(weights), 0.95, 0.0)
    assert len(set(clusters.to_list())) == 3 and refused.height == 2
