"""Pairs found by row number instead of hashed keys and ids (HS11): ``engine._not_among`` looks the few pairs up by
binary search among pairs in (l, r) order (hashing every pair's key otherwise), and the review queue gathers both
records' shown fields by the pairs' row numbers (joining on the ids otherwise). The same rows either way."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.match.engine as engine
from pipelines.match import load_spec, match
from pipelines.match.prepare import prepare
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _pairs(l: list[int], r: list[int]) -> pl.DataFrame:  # noqa: E741 - the pairs' sides
    return pl.DataFrame({"l": l, "r": r}, schema={"l": pl.UInt32, "r": pl.UInt32})


def _anti(few: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    return few.join(pairs, on=["l", "r"], how="anti", maintain_order="left")


def test_not_among_finds_the_few_pairs_by_binary_search_in_sorted_pairs(monkeypatch):
    rng = np.random.default_rng(1)
    keys = np.unique(rng.integers(0, 1 << 20, size=5000))
    pairs = _pairs((keys >> 10).tolist(), (keys & 1023).tolist())  # in (l, r) order, distinct
    few = pl.concat([pairs.sample(40, seed=2), _pairs([0, 1023, 5], [0, 1023, 1024])]).with_columns(
        x=pl.int_range(pl.len())
    )
    packed = engine._packed_keys(pairs)
    assert np.array_equal(packed, pairs.select(engine.pair_key())["k"].to_numpy())
    want = _anti(few, pairs)
    assert 3 <= want.height < few.height
    hashed = []
    real = pl.Expr.is_in
    monkeypatch.setattr(pl.Expr, "is_in", lambda self, *a, **k: hashed.append(1) or real(self, *a, **k))
    assert_frame_equal(engine._not_among(few, pairs), want)
    assert not hashed  # sorted: no pair's key hashed
    shuffled = pairs.sample(fraction=1.0, shuffle=True, seed=3)  # not in order: hashed and probed, the same rows
    assert_frame_equal(engine._not_among(few, shuffled), want)
    assert hashed
    repeated = pl.concat([pairs, pairs]).sort("l", "r")  # a pair twice: not strictly increasing
    assert_frame_equal(engine._not_among(few, repeated), want)
    assert_frame_equal(engine._not_among(few, pairs.head(0)), few)
    assert_frame_equal(engine._not_among(few.head(0), pairs), few.head(0))


def test_not_among_looks_the_few_up_among_their_left_records_pairs(monkeypatch):
    # pairs in order of their left record only (the right ones shuffled within it), left records holding no pair,
    # a few pair twice: the rows an anti-join keeps, no pair's key hashed
    rng = np.random.default_rng(4)
    pairs = _pairs(np.sort(rng.integers(0, 300, 4000)).tolist(), rng.integers(0, 400, 4000).tolist())
    few = pl.concat([pairs.sample(60, seed=5), pairs.sample(5, seed=6), _pairs([299, 300, 0, 7], [401, 0, 401, 7])])
    few = few.with_columns(x=pl.int_range(pl.len()))
    want = _anti(few, pairs)
    assert 3 <= want.height < few.height
    hashed = []
    real = pl.Expr.is_in
    monkeypatch.setattr(pl.Expr, "is_in", lambda self, *a, **k: hashed.append(1) or real(self, *a, **k))
    assert_frame_equal(engine._not_among(few, pairs), want)
    assert not hashed
    # the few's left records holding more pairs than there are: looked up by the packed keys, the same rows
    crowded = _pairs([3] * 50, list(range(50)))
    many = _pairs([3] * 60, list(range(25, 85))).with_columns(x=pl.int_range(pl.len()))
    assert_frame_equal(engine._not_among(many, crowded), _anti(many, crowded))


@pytest.fixture(scope="module")
def run():
    people = background(1500, seed=9)
    spec = replace(load_spec(PEOPLE_SPEC), pair_floor=0.0)  # every candidate pair in the pair table
    return people, spec, match(people, spec)


def test_the_review_queue_gathers_the_shown_fields_by_row_as_the_ids_would_find_them(run):
    people, spec, result = run
    assert spec.show_columns
    # some pairs of every kind put in the queue (the synthetic city leaves it nearly empty), one judged different
    n = pl.int_range(pl.len())
    pairs = result.pairs.with_columns(
        pl.when(n % 7 == 0)
        .then(pl.lit("review"))
        .when(n % 11 == 0)
        .then(pl.lit("refused"))
        .otherwise("decision")
        .cast(result.pairs.schema["decision"])
        .alias("decision"),
        pl.when(n == 11)
        .then(pl.lit(engine.REVIEWED_DIFFERENT))
        .otherwise(pl.col("decision_reason").cast(pl.String))
        .cast(result.pairs.schema["decision_reason"])
        .alias("decision_reason"),
    )
    work = prepare(people, spec)
    ids = work[spec.id_column]
    # the pair table's records as row numbers, in its order (its ids are those rows')
    index = pl.DataFrame({"id": ids, "row": pl.int_range(work.height, dtype=pl.UInt32, eager=True)})
    rows = (
        pairs.select("left_id", "right_id")
        .join(index.rename({"id": "left_id", "row": "l"}), on="left_id", how="left", maintain_order="left")
        .join(index.rename({"id": "right_id", "row": "r"}), on="right_id", how="left", maintain_order="left")
        .select("l", "r")
    )
    by_id = engine._review_queue(pairs, work, spec)
    by_row = engine._review_queue(pairs, work, spec, rows)
    assert by_row.height >= 20 and by_row["left_full_name"].null_count() < by_row.height
    assert_frame_equal(by_row, by_id)
    assert any(c.startswith("left_") and c != "left_id" for c in by_row.columns)
    # the run's own queue: the rows of its pair table
    assert_frame_equal(engine._review_queue(result.pairs, work, spec, rows), result.review)


@pytest.mark.parametrize("numbered", [True, False])
def test_lineage_evidence_is_each_records_strongest_links_text(numbered):
    # links between 200 records with random levels (nulls among them), several per record, ties in probability; the
    # lineage's evidence (pattern numbers placed, their text gathered) is the text _evidence writes for the link
    # the record's row holds, with rows numbered by position or not (the joins' path)
    spec = load_spec(PEOPLE_SPEC)
    rng = np.random.default_rng(8)
    n, m = 200, 600
    left = rng.integers(0, n - 1, m)
    scored = pl.DataFrame(
        {
            "l": left.astype(np.uint32),
            "r": (left + rng.integers(1, 5, m)).clip(0, n - 1).astype(np.uint32),
            "match_probability": rng.choice([0.9, 0.95, 0.99], m),
            "_same": rng.random(m) < 0.9,
            "decision": rng.choice(["link", "review"], m, p=[0.8, 0.2]),
            **{
                c.name: pl.Series(rng.integers(-1, len(c.levels), m), dtype=pl.Int8).replace(-1, None)
                for c in spec.comparisons
            },
        }
    ).filter(pl.col("l") != pl.col("r"))
    rows = np.arange(n) if numbered else np.arange(n) * 3 + 7
    scored = scored.with_columns(pl.lit(pl.Series(rows, dtype=pl.UInt32)).gather(pl.col(c)).alias(c) for c in "lr")
    ids = pl.Series([f"r{k}" for k in range(n)])
    work = pl.DataFrame({engine.ROW: pl.Series(rows, dtype=pl.UInt32)})
    lineage = engine._lineage(scored, work, ids, ids.alias("entity_id"), spec)
    links = scored.filter(pl.col("_same") & (pl.col("decision") == "link")).with_columns(
        engine._evidence(spec).alias("text")
    )
    sides = pl.concat(
        [
            links.select(pl.col("l").alias("row"), pl.col("r").alias("other"), "match_probability", "text"),
            links.select(pl.col("r").alias("row"), pl.col("l").alias("other"), "match_probability", "text"),
        ]
    )
    best = sides.sort(["row", "match_probability", "other"], descending=[False, True, False]).unique(
        "row", keep="first", maintain_order=True
    )
    want = work.join(best, left_on=engine.ROW, right_on="row", how="left", maintain_order="left")["text"]
    assert lineage["link_evidence"].to_list() == want.to_list()
    assert 0 < want.null_count() < n and want.n_unique() > 20
