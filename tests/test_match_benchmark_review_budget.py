"""benchmarks/match_benchmark.py's review budget is a what-if of the review threshold: at t the queue is the refused
pairs and the unlinked pairs scoring at least t, and no others. Before, a pair the run queued stayed in the queue at
every t, so every row at or above the spec's review threshold printed the run's own queue."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import match_benchmark as mb  # noqa: E402

# record -> (entity the run made, true person)
RECORDS = {
    "a": ("E1", "P1"),
    "b": ("E1", "P1"),
    "c": ("E2", "P2"),
    "d": ("E3", "P2"),
    "e": ("E4", "P5"),
    "f": ("E5", "P6"),
    "g": ("E6", "P3"),
    "h": ("E7", "P3"),
    "i": ("E8", "P4"),
    "j": ("E9", "P4"),
}
# a run with review threshold 0.025: a link, two review pairs (0.5, 0.03), a non-match at 0.02, a refused link
PAIRS = [
    ("a", "b", "link", 0.99),
    ("e", "f", "review", 0.5),
    ("c", "d", "review", 0.03),
    ("g", "h", "non_match", 0.02),
    ("i", "j", "refused", 0.95),
]


def budget(thresholds):
    records = pl.DataFrame(
        {
            "record_id": list(RECORDS),
            "entity_id": [e for e, _ in RECORDS.values()],
            "person_id": [p for _, p in RECORDS.values()],
        }
    )
    entity = {r: e for r, (e, _) in RECORDS.items()}
    scored = pl.DataFrame(
        {
            "left_id": [p[0] for p in PAIRS],
            "right_id": [p[1] for p in PAIRS],
            "blocked_by": ["rule"] * len(PAIRS),
            "decision": [p[2] for p in PAIRS],
            "match_probability": [p[3] for p in PAIRS],
            "le": [entity[p[0]] for p in PAIRS],
            "re": [entity[p[1]] for p in PAIRS],
        }
    )
    return {t: rest for t, *rest in mb.review_budget(records, scored, thresholds)}


def test_a_threshold_above_the_runs_takes_its_review_pairs_under_it_out_of_the_queue():
    rows = budget((0.1, 0.025, 0.02))
    # t = 0.1: the refused pair and the review pair at 0.5 (the one at 0.03 leaves the queue)
    assert rows[0.1] == [2, 2, 2, 0.5]
    # t = 0.025, the run's own: its queue (both review pairs and the refused one)
    assert rows[0.025] == [3, 3, 3, 0.75]
    # t = 0.02: the non-match at 0.02 joins it
    assert rows[0.02] == [4, 4, 4, 1.0]


def test_the_queue_shrinks_as_t_rises():
    rows = budget((0.9, 0.1, 0.05, 0.03, 0.025, 0.02, 0.01))
    pairs = [rows[t][0] for t in sorted(rows)]
    assert pairs == sorted(pairs, reverse=True)
    assert rows[0.9][0] == 1  # only the refused pair: no unlinked pair scores 0.9
