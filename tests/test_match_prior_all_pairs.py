"""``prior_from = "all_pairs"``: the number of matches among all pairs that the candidates' posteriors sum to at a
random pair's prior does not move with how many clear non-matches blocking proposes; EM's share among the candidates
(``prior_from = "candidates"``, the default) does."""

from __future__ import annotations

import numpy as np

from pipelines.match.model import _em, _log_likelihoods, matches_among_all_pairs
from pipelines.match.spec import parse_spec
from pipelines.match.state import spec_fingerprint

# two comparisons (an ID and a name: exact, near, different); u a random pair's, m a match's
U = {"id": np.array([1e-6, 1e-4, 1 - 1.01e-4]), "name": np.array([1e-3, 2e-2, 0.979])}
M = {"id": np.array([0.90, 0.06, 0.04]), "name": np.array([0.80, 0.15, 0.05])}
NAMES = ["id", "name"]
ALL_PAIRS = 5e9  # a table of 100,000 records

# 1,000 pairs agreeing on both, 300 on the ID and near on the name, 400 of one owner's shops (the same name, the ID
# different: the uncertain ones), and the clear non-matches (both different) blocking proposed beside them
PATTERNS = np.array([[0, 0], [0, 1], [2, 0], [2, 2]])


def _counts(clear: float) -> np.ndarray:
    return np.array([1000.0, 300.0, 400.0, clear])


def test_matches_among_all_pairs_do_not_move_with_clear_non_matches():
    log_m, log_u = _log_likelihoods(PATTERNS, NAMES, M, U)
    few = matches_among_all_pairs(log_m - log_u, _counts(1_000), ALL_PAIRS, start=10.0)
    many = matches_among_all_pairs(log_m - log_u, _counts(100_000), ALL_PAIRS, start=10.0)
    assert 1000 < few < 1300  # (the 1,000 agreeing on both; a near name beside the same ID is likelier a match)
    assert abs(many - few) < 0.001 * few


def test_ems_share_among_the_candidates_moves_with_them():
    """The failure path the key exists for: the same patterns, EM's matches (its share x the candidate pairs) with m
    and u fixed rise as the clear non-matches are fewer."""
    priors = {name: M[name] for name in NAMES}

    def found(clear: float) -> float:
        counts = _counts(clear)
        _, lam, _, _, _ = _em(PATTERNS, counts, NAMES, priors, U, 500, fixed_m=M)
        return lam * counts.sum()

    assert found(1_000) > 1.1 * found(100_000)


def test_prior_from_is_a_spec_key_that_changes_the_fingerprint_only_when_set():
    raw = {
        "match": {"id": "id"},
        "blocking": [{"on": ["name"]}],
        "compare": [{"name": "name", "column": "name"}],
    }
    default, set_ = parse_spec(raw), parse_spec({**raw, "match": {"id": "id", "prior_from": "all_pairs"}})
    assert default.prior_from == "candidates" and set_.prior_from == "all_pairs"
    assert spec_fingerprint(default) != spec_fingerprint(set_)
    assert "prior_from" not in repr(default)  # (a spec without it keeps the fingerprint it had)
