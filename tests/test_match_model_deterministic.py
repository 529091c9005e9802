"""The fitted model is the same on every run of the same input, to the last bit.

EM sums its pairs' weights over the table of distinct comparison patterns (``model._patterns_of``); polars'
``group_by`` gives those rows in an order that changes from run to run (thread scheduling), and floating-point
sums in another order round differently: on a 1M table 28 of 44 m came out one unit in the last place apart
between two runs of the same input (a borderline pair could flip, and audits compare runs). The patterns are now
in the order of their key columns, so m, u and the weights are equal (``==``), not merely close."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import comparison_levels, level_labels
from pipelines.match.model import fit
from pipelines.match.prepare import prepare
from pipelines.match.spec import parse_spec

SPEC = parse_spec(
    {
        "match": {"id": "id"},
        "blocking": [
            {"name": "by_id", "on": "pid"},
            {"name": "by_phone", "on": "phone"},
            {"name": "by_name_date", "on": ["name", "dob"]},
            {"name": "by_date_ward", "on": ["dob", "ward"]},
        ],
        "compare": [
            {"column": "name"},
            {"column": "dob"},
            {"column": "pid"},
            {"column": "phone"},
            {"column": "ward"},
            {"column": "sex"},
        ],
    }
)


def _noisy(rng: np.random.Generator, values: list[str], share: float, pool: int, prefix: str) -> list[str | None]:
    """``values`` with ``share`` of them replaced by another of ``pool`` values and as many left out."""
    draw = rng.random(len(values))
    other = rng.integers(0, pool, len(values))
    return [
        None if d < share else f"{prefix}{o}" if d < 2 * share else v
        for v, d, o in zip(values, draw, other, strict=True)
    ]


def _records(people: int, seed: int) -> pl.DataFrame:
    """``people`` people with one to three records each, every field now and then missing or another value:
    many distinct comparison patterns per blocking rule."""
    rng = np.random.default_rng(seed)
    copies = rng.integers(1, 4, people)
    person = np.repeat(np.arange(people), copies)
    name = rng.integers(0, people // 3, people)[person]
    frame = {
        "name": _noisy(rng, [f"name{v}" for v in name], 0.1, people // 3, "name"),
        "dob": _noisy(rng, [f"d{v}" for v in rng.integers(0, 400, people)[person]], 0.1, 400, "d"),
        "pid": _noisy(rng, [f"{v:012d}" for v in person], 0.15, people, ""),
        "phone": _noisy(rng, [f"09{v:08d}" for v in rng.integers(0, people, people)[person]], 0.2, people, "09"),
        "ward": _noisy(rng, [f"w{v}" for v in rng.integers(0, 30, people)[person]], 0.1, 30, "w"),
        "sex": _noisy(rng, [f"s{v}" for v in rng.integers(0, 2, people)[person]], 0.05, 2, "s"),
    }
    return pl.DataFrame(frame).with_row_index("id").with_columns(pl.col("id").cast(pl.String))


def _model_rows(model) -> tuple:
    """Everything of a fitted model that scores a pair or is written out, as exact values."""
    table = model.table(level_labels(SPEC))
    return (
        table.rows(),
        {c: model.m[c].tolist() for c in model.m},
        {c: model.u[c].tolist() for c in model.u},
        {c: w.tolist() for c, w in model.weights().items()},
        {c: m.tolist() for c, m in model.m_by.items()},
        model.candidate_match_share,
        model.prior,
        repr(model.em_per_rule),
    )


@pytest.mark.parametrize("labels", [False, True], ids=["unlabelled", "semi-supervised"])
def test_fitting_the_same_input_again_gives_the_same_model_to_the_last_bit(labels):
    work = prepare(_records(4000, seed=3), SPEC)
    pairs, _ = candidate_pairs(work, SPEC)
    gamma = comparison_levels(work, pairs["l"], pairs["r"], SPEC.scored_comparisons)
    candidates = pairs.select("l", "r")
    # verdicts on every 20th candidate pair (EM's patterns then keyed by verdict too)
    labelled = candidates.gather_every(20).with_columns(same=pl.int_range(pl.len()) % 3 != 0) if labels else None
    models = [fit(work, gamma, pairs["rules"], SPEC, labelled, candidates=candidates)[0] for _ in range(5)]
    assert sum(rule["used"] for rule in models[0].em_per_rule.values()) >= 2  # m fitted by EM on the pairs
    first = _model_rows(models[0])
    for model in models[1:]:
        assert _model_rows(model) == first
