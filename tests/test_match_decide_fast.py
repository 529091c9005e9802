"""Decisions, their reasons and golden records worked out the fast way give what the plain computation gives.

decide() and the pair table scatter the few reasons (guard refusals, vetoes at or above the review threshold,
reviewers' verdicts) into a column instead of coalescing every pair's strings; golden records group the merged
entities by cluster number instead of by the entity id's text; the review queue looks up only the queued records'
shown fields; the most recent fields share one sort. Each is checked against the straightforward answer.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipelines.match import load_spec
from pipelines.match.engine import REVIEWED_SAME, _decision_reason, _review_queue, decide
from pipelines.match.entities import _survive, golden_records
from pipelines.warehouse import REPO_ROOT

SPEC = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")


def _scored(n: int = 4000, seed: int = 5) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    rng = np.random.default_rng(seed)
    l = rng.integers(0, 500, n).astype(np.uint32)  # noqa: E741
    r = l + rng.integers(1, 50, n).astype(np.uint32)
    vetoes = [None, "cannot-link rule 'a'", "cannot-link rule 'b'", "reviewer: different entities"]
    scored = pl.DataFrame(
        {
            "l": l,
            "r": r,
            # many pairs at or around both thresholds
            "match_probability": rng.choice([0.0, 0.3, SPEC.review_threshold, 0.9, SPEC.link_threshold, 1.0], n),
            "veto": [vetoes[k] for k in rng.choice(4, n, p=[0.5, 0.3, 0.1, 0.1])],
            "_reviewed_same": rng.random(n) < 0.05,
        },
        schema_overrides={"veto": pl.String},
    )
    picked = rng.choice(n, 40, replace=False)
    refused = scored[picked].select("l", "r", reason=pl.format("guard {}", pl.col("l"))).unique(["l", "r"])
    same_cluster = pl.Series(rng.random(n) < 0.5)
    return scored, refused, same_cluster


def test_reasons_and_decisions_are_those_of_the_plain_coalesce():
    scored, refused, same_cluster = _scored()
    out = decide(scored, same_cluster, refused, SPEC)
    guard = scored.join(refused, on=["l", "r"], how="left", maintain_order="left")["reason"]
    p = scored["match_probability"]
    reason = guard.fill_null(
        scored["veto"].zip_with(p >= SPEC.review_threshold, pl.Series([None] * len(p), dtype=pl.String))
    )
    assert out["reason"].to_list() == reason.to_list()
    assert out["reason"].is_not_null().sum() > 40  # vetoes at the review threshold and over it are reasons too
    expected = [
        "refused"
        if why is not None
        else "link"
        if same or q >= SPEC.link_threshold
        else "review"
        if q >= SPEC.review_threshold
        else "non_match"
        for why, same, q in zip(reason, scored["_reviewed_same"], p, strict=True)
    ]
    assert out["decision"].cast(pl.String).to_list() == expected
    assert out["_same"].to_list() == same_cluster.to_list()


def test_decision_reason_is_the_reason_else_the_veto_else_a_reviewers_same():
    scored, refused, same_cluster = _scored(seed=9)
    out = decide(scored, same_cluster, refused, SPEC)
    plain = out.select(
        pl.coalesce("reason", "veto", pl.when(pl.col("_reviewed_same")).then(pl.lit(REVIEWED_SAME)))
    ).to_series()
    got = _decision_reason(out)
    assert got.to_list() == plain.to_list()
    assert REVIEWED_SAME in got.to_list() and got.null_count() > 0
    # without any reason or reviewer's verdict, the veto column as it is
    bare = out.with_columns(pl.lit(None, pl.String).alias("reason"), pl.lit(False).alias("_reviewed_same"))
    assert _decision_reason(bare).to_list() == bare["veto"].to_list()


def _plain_golden(frame: pl.DataFrame, entity_ids: pl.Series, spec) -> pl.DataFrame:
    """Golden records the plain way: every field's survivor chosen on its own (_survive), grouped by entity id."""
    fields = [c for c in spec.survivorship if c in frame.columns]  # (text dates: no precision column)
    work = frame.with_columns(
        entity_ids.alias("entity_id"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_order"),
        pl.len().over(entity_ids).cast(pl.UInt32).alias("record_count"),
    )
    multi = work.filter(pl.col("record_count") > 1)
    golden = multi.group_by("entity_id").agg(
        pl.len().cast(pl.UInt32).alias("record_count"), pl.col(spec.id_column).sort().alias("record_ids")
    )
    for column in fields:
        golden = golden.join(
            _survive(multi, column, spec.survivorship[column], spec.recency_column), on="entity_id", how="left"
        )
    single = work.filter(pl.col("record_count") == 1).select(
        "entity_id", "record_count", pl.concat_list(spec.id_column).alias("record_ids"), *fields
    )
    return pl.concat([golden.sort("entity_id"), single.select(golden.columns)])


def test_golden_records_grouped_by_cluster_equal_those_grouped_by_entity_id():
    rng = np.random.default_rng(2)
    n = 3000
    # cluster numbers ordered unlike the entity ids, so an order by cluster would show
    clusters = pl.Series(rng.integers(0, 1200, n).astype(np.uint32))
    entity_ids = pl.Series([f"P-{(c * 7919) % 10007:05d}" for c in clusters.to_list()])

    def pick(values: list) -> list:
        return [values[k] for k in rng.choice(len(values), n)]

    frame = pl.DataFrame(
        {
            "record_key": [f"r{i}" for i in range(n)],
            "full_name": pick(["An", "Binh", "Chi", None]),
            "date_of_birth": pick(["1990-01-01", "1991-02-02", None]),
            "sex": pick(["M", "F"]),
            "personal_id": pick(["001", "002", None]),
            "old_id_number": pick(["9", None]),
            "phone": pick(["090", "091", None]),
            "household_no": pick(["h1", "h2"]),
            "address": pick(["a", "b", None]),
            "new_uid": pick(["u1", None]),
            "old_uid": pick(["pre2025:1", "pre2025:2", None]),
            "extract_date": pick(["2025-01-01", "2025-06-01", None]),
        }
    )
    plain = _plain_golden(frame, entity_ids, SPEC)
    assert_frame_equal(golden_records(frame, entity_ids, SPEC, clusters), plain)
    assert_frame_equal(golden_records(frame, entity_ids, SPEC), plain)
    merged = plain.filter(pl.col("record_count") > 1)
    assert merged.height > 100 and merged["entity_id"].is_sorted()


def test_golden_records_with_typed_recency_and_ties_equal_the_plain_ones():
    """households.toml: a Date recency (sorted as one integer key), an integer field, min and most_frequent ties
    (clusters whose values all agree win with their first record, the others are counted), nulls that never win, and
    the input in several chunks (gathered from one)."""
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "households.toml")
    rng = np.random.default_rng(11)
    n = 4000
    clusters = pl.Series(rng.integers(0, 1500, n).astype(np.uint32))
    entity_ids = pl.Series([f"H-{(c * 7919) % 10007:05d}" for c in clusters.to_list()])

    def pick(values: list, dtype=None) -> pl.Series:
        return pl.Series([values[k] for k in rng.choice(len(values), n)], dtype=dtype)

    days = [None, *(np.datetime64("2024-01-01") + np.arange(4)).astype(object)]
    frame = pl.DataFrame(
        {
            "record_key": [f"r{i:05d}" for i in rng.permutation(n)],
            "household_no": pick(["h1", "h2", None]),
            "head_name": pick(["An", "Binh"]),  # (two values: many clusters agree throughout)
            "head_personal_id": pick([None, None, "001"]),
            "members": pick([3, 4, None], pl.Int32),
            "registered_on": pick(days, pl.Date),
            "address": pick(["a", "b", None]),
            "old_uid": pick(["pre2025:1", None]),
            "new_uid": pick(["u1", "u2", None]),
            "extract_date": pick(days, pl.Date),  # ties and nulls (nulls last)
        }
    )
    chunked = pl.concat([frame.head(1000), frame.slice(1000)], rechunk=False)
    assert chunked.n_chunks() == 2
    plain = _plain_golden(frame, entity_ids, spec)
    assert_frame_equal(golden_records(chunked, entity_ids, spec, clusters), plain)
    assert_frame_equal(golden_records(frame, entity_ids, spec), plain)
    merged = plain.filter(pl.col("record_count") > 1)
    assert merged.height > 500 and merged["members"].dtype == pl.Int32 and merged["address"].null_count() > 0


def test_golden_records_without_survivorship_fields_are_counts_and_ids():
    # a spec without [survivorship]: no field to pick, the golden records' counts and ids only (a frame of no columns
    # has no rows: nothing of it is filtered by the records)
    spec = replace(SPEC, survivorship={})
    clusters = pl.Series(np.array([0, 1, 1, 2, 2, 2, 3], dtype=np.uint32))
    frame = pl.DataFrame({"record_key": [f"r{i}" for i in range(7)]})
    entity_ids = pl.Series([f"P-{c}" for c in clusters.to_list()])
    golden = golden_records(frame, entity_ids, spec, clusters)
    assert golden.columns == ["entity_id", "record_count", "record_ids"]
    assert_frame_equal(golden, _plain_golden(frame, entity_ids, spec))
    assert golden["record_count"].to_list() == [2, 3, 1, 1]


def test_the_review_queue_shows_the_queued_records_fields_from_a_table_of_many():
    work = pl.DataFrame(
        {
            "record_key": [f"r{i}" for i in range(1000)],
            "full_name": [f"name {i}" for i in range(1000)],
            "_row": pl.arange(0, 1000, eager=True, dtype=pl.UInt32),
        }
    )
    pairs = pl.DataFrame(
        {
            "left_id": ["r5", "r7", "r5", "r1"],
            "right_id": ["r900", "r8", "r7", "r2"],
            "match_probability": [0.9, 0.8, 0.85, 0.1],
            "match_weight": [3.0, 2.0, 2.5, -4.0],
            "decision": ["review", "refused", "review", "non_match"],
            "decision_reason": [None, "chaining guard: x", None, None],
            "same_entity": [False, False, False, False],
        }
    ).with_columns(
        *[pl.lit("exact").alias(f"{c.name}_level") for c in SPEC.comparisons],
    )
    spec = replace(SPEC, show_columns=("full_name",))
    queue = _review_queue(pairs, work, spec)
    assert queue.select("left_id", "right_id", "left_full_name", "right_full_name").rows() == [
        ("r5", "r900", "name 5", "name 900"),
        ("r5", "r7", "name 5", "name 7"),
        ("r7", "r8", "name 7", "name 8"),
    ]
