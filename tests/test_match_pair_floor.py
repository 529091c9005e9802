"""The pair floor (``[match] pair_floor``): candidate pairs scoring under it are counted, not kept in the pair
table, so a city-scale run holds the pairs that matter, not every candidate pair (at 1M people 95 % of the 5.6M
candidate pairs score under 0.001). Everything else the run gives is what it gives with every pair kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.match import engine, load_spec, match, model
from pipelines.match.learning import refine_thresholds
from pipelines.match.spec import SpecError, parse_spec
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
FLOOR = 0.001


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return background(3000, seed=11)


@pytest.fixture(scope="module")
def runs(people):
    spec = load_spec(PEOPLE_SPEC)
    every = match(people, replace(spec, pair_floor=0.0))
    floored = match(people, replace(spec, pair_floor=FLOOR))
    return every, floored


def _guard_or_reviewed(pairs: pl.DataFrame) -> pl.Expr:
    return (pl.col("blocked_by").cast(pl.String) == "cluster_check") | pl.col("decision_reason").cast(
        pl.String
    ).str.starts_with("reviewer").fill_null(False)


def test_the_pair_table_keeps_the_pairs_from_the_floor_up_and_the_rest_of_the_run_is_unchanged(runs):
    every, floored = runs
    below = every.pairs.filter((pl.col("match_probability") < FLOOR) & ~_guard_or_reviewed(every.pairs))
    assert below.height >= 20 and every.pairs.height - below.height >= 100  # else the floor shows nothing here
    kept = every.pairs.filter((pl.col("match_probability") >= FLOOR) | _guard_or_reviewed(every.pairs))
    assert_frame_equal(floored.pairs, kept)  # every kept pair as it was, in the same order
    for name in ("records", "entities", "review", "merged_entities"):
        assert_frame_equal(getattr(floored, name), getattr(every, name))
    assert_frame_equal(floored.model_table(), every.model_table())
    # nothing dropped silently: the pairs left out are counted, as non-matches, per rule, per veto
    left_out = floored.stats["pairs_below_floor"]
    assert left_out["floor"] == FLOOR and left_out["pairs"] == below.height
    assert set(below["decision"].cast(pl.String)) == {"non_match"}
    assert floored.stats["decisions"] == every.stats["decisions"]
    assert sum(floored.stats["decisions"].values()) == floored.pairs.height + below.height
    assert left_out["same_entity"] == int(below["same_entity"].sum())
    vetoes = below.group_by(pl.col("decision_reason").cast(pl.String).fill_null("none")).len()
    assert left_out["per_veto"] == dict(vetoes.iter_rows())
    for rule, count in left_out["per_rule"].items():
        assert count == below.filter(pl.col("blocked_by").cast(pl.String).str.split(",").list.contains(rule)).height
    assert "counted, not kept" in floored.summary() and "counted, not kept" not in every.summary()


def test_pairs_a_reviewer_judged_are_kept_under_the_floor(people, runs):
    every, _ = runs
    low = every.pairs.filter((pl.col("match_probability") < FLOOR) & (pl.col("decision") == "non_match"))
    same, different = low.slice(0, 3).select("left_id", "right_id"), low.slice(3, 3).select("left_id", "right_id")
    spec = replace(load_spec(PEOPLE_SPEC), pair_floor=FLOOR)
    judged = match(people, spec, labelled_pairs=same, cannot_link_pairs=different)
    on = ["left_id", "right_id"]
    assert (judged.pairs.join(same, on=on)["decision"] == "link").sum() == 3
    assert judged.pairs.join(different, on=on)["decision_reason"].to_list() == ["reviewer: different entities"] * 3


def test_a_run_that_keeps_its_state_keeps_every_pair_there_and_the_same_pair_table(people, runs):
    every, floored = runs
    kept = match(people, replace(load_spec(PEOPLE_SPEC), pair_floor=FLOOR), keep_state=True)
    assert kept.state.scored.height == every.pairs.height  # an increment re-decides pairs from every pair
    assert_frame_equal(kept.pairs, floored.pairs)
    assert kept.stats["pairs_below_floor"] == floored.stats["pairs_below_floor"]
    assert kept.stats["decisions"] == floored.stats["decisions"]


def test_scored_a_chunk_at_a_time_the_kept_pairs_are_those_of_one_piece(people, runs, monkeypatch):
    _, floored = runs
    monkeypatch.setattr(engine, "SCORE_CHUNK", 997)  # many chunks, the last one short
    chunked = match(people, replace(load_spec(PEOPLE_SPEC), pair_floor=FLOOR))
    assert_frame_equal(chunked.pairs, floored.pairs)
    assert chunked.stats["pairs_below_floor"] == floored.stats["pairs_below_floor"]


def test_the_floor_is_at_most_the_review_threshold():
    raw = {
        "match": {"id": "id", "review_threshold": 0.1, "pair_floor": 0.2},
        "blocking": [{"on": "name"}],
        "compare": [{"name": "name", "column": "name", "preset": "name"}],
    }
    with pytest.raises(SpecError, match="pair_floor"):
        parse_spec(raw)


def test_a_review_band_extended_past_every_kept_pair_stops_at_the_floor():
    """Labels asking for a longer queue than the open pairs hold: with every pair kept the band goes down to the
    lowest one; with pairs kept from a floor up, to the floor (what lies under it was not kept, not absent)."""
    rng = np.random.default_rng(3)
    kept_open = pl.Series(rng.uniform(0.01, 0.6, 300))  # fewer than the budget's fill (2 % of 100,000 records)
    p = sorted(rng.uniform(0.1, 0.5, 40))
    labelled = pl.DataFrame({"match_probability": p, "same": [True] * 40})
    lowest = refine_thresholds(labelled, kept_open, 100_000, 0.95, 0.5)
    assert lowest.review_threshold == float(kept_open.min()) and "lowered" in lowest.reasons[1]
    floored = refine_thresholds(labelled, kept_open, 100_000, 0.95, 0.5, floor=FLOOR)
    assert floored.review_threshold == FLOOR and "lowered" in floored.reasons[1]


def test_the_pattern_table_grouped_in_chunks_counts_what_one_piece_counts(monkeypatch):
    """EM's table of comparison patterns is grouped a chunk of pairs at a time (its levels are not copied for every
    pair at once) and the chunks' counts summed: the same rows and counts, labels and missing levels included."""
    rng = np.random.default_rng(5)
    n = 10_000
    gamma = pl.DataFrame(
        {name: rng.integers(-1, levels, n) for name, levels in (("a", 4), ("b", 3))},
        schema={"a": pl.Int8, "b": pl.Int8},
    ).with_columns(pl.when(pl.all() >= 0).then(pl.all()))
    rules = pl.Series(rng.integers(1, 8, n), dtype=pl.UInt32)
    label = pl.Series(rng.choice([1.0, 0.0, np.nan], n, p=[0.02, 0.02, 0.96])).fill_nan(None)
    keys = [model.RULES, "a", "b", model.LABEL]
    whole = {lab is None: model._pattern_table(gamma, rules, lab) for lab in (None, label)}
    monkeypatch.setattr(model, "PATTERN_CHUNK", 777)
    for lab in (None, label):
        chunked = model._pattern_table(gamma, rules, lab)
        on = keys if lab is not None else keys[:-1]
        assert_frame_equal(chunked.sort(on), whole[lab is None].sort(on), check_dtypes=False)
        assert int(chunked[model.PAIRS].sum()) == n


def test_merged_candidate_pairs_are_each_pair_once_with_every_rule_that_found_it():
    """blocking._merge unpacks the sorted words in place (no run lengths, l and r made 32-bit one at a time, the
    rules' keys freed once copied): the distinct pairs, sorted, each with the bits of every rule holding it, pairs
    repeated within a rule once, as a plain group-by gives them, whether the keys come as words or not."""
    from pipelines.match.blocking import _merge, _word

    rng = np.random.default_rng(9)
    records = 500
    per_rule = []
    for _ in range(3):
        left = rng.integers(0, records - 1, 4_000)
        right = left + 1 + rng.integers(0, 20, 4_000) % (records - 1 - left)
        per_rule.append((left.astype(np.uint64) << np.uint64(32)) | right.astype(np.uint64))  # l << 32 | r
    plain = (
        pl.concat(
            [
                pl.DataFrame({"k": k, "rule": pl.Series([1 << i] * len(k), dtype=pl.UInt32)})
                for i, k in enumerate(per_rule)
            ]
        )
        .group_by("k")
        .agg(pl.col("rule").unique().sum().alias("rules"))
        .sort("k")
        .select(
            (pl.col("k") // (1 << 32)).cast(pl.UInt32).alias("l"),
            (pl.col("k") % (1 << 32)).cast(pl.UInt32).alias("r"),
            pl.col("rules").cast(pl.UInt32),
        )
    )
    bits = max(int(records - 1).bit_length(), 1)
    for keys, words in (
        ([k.copy() for k in per_rule], False),
        ([_word(k, i, bits) for i, k in enumerate(per_rule)], True),
    ):
        merged = _merge(keys, records, words=words)
        assert_frame_equal(merged, plain)
        assert keys == []  # the caller's keys are freed once copied
