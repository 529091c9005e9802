"""The chaining guard's inner pairs, when all are scored candidate pairs already, are taken from the scored pairs, not
scored again (HG1): ``engine._scored_or_rescored`` (else it rescores them all), and the run's outputs are those of a
guard that rescored every inner pair."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.match.engine as engine
from pipelines.match import load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background
from tests.test_match import hand_built

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _scores(pairs: pl.DataFrame) -> pl.DataFrame:
    """A stand-in for the engine's rescore: columns worked out from each pair alone, as score_pairs' are."""
    return pairs.select(
        "l",
        "r",
        (pl.col("l") % 3).cast(pl.Int8).alias("name"),
        (pl.col("l").cast(pl.Float32) - pl.col("r").cast(pl.Float32)).alias("match_weight"),
        (pl.col("r").cast(pl.Float64) / 1000).alias("match_probability"),
        pl.when(pl.col("r") % 5 == 0).then(pl.lit("veto")).otherwise(None).alias("veto"),
        (pl.col("l") % 2 == 0).alias("_reviewed_same"),
    )


class Counting:
    def __init__(self) -> None:
        self.asked: list[pl.DataFrame] = []

    def __call__(self, pairs: pl.DataFrame) -> pl.DataFrame:
        self.asked.append(pairs)
        return _scores(pairs)


def _pairs(l: list[int], r: list[int]) -> pl.DataFrame:  # noqa: E741 - the pairs' sides
    return pl.DataFrame({"l": l, "r": r}, schema={"l": pl.UInt32, "r": pl.UInt32})


@pytest.fixture
def scored() -> pl.DataFrame:
    rng = np.random.default_rng(5)
    keys = np.unique(rng.integers(0, 1 << 16, size=3000))
    pairs = _pairs((keys >> 8).tolist(), (keys & 255).tolist())
    out = _scores(pairs)  # the scored candidate pairs carry their rules (not a rescore's column)
    return out.select("l", "r", pl.lit(1, pl.UInt32).alias("rules"), pl.all().exclude("l", "r"))


def test_inner_pairs_all_among_the_scored_ones_are_taken_from_them_in_their_order(scored):
    rescore = Counting()
    inner = scored.sample(25, seed=7).select("l", "r")  # (not in order)
    assert_frame_equal(engine._scored_or_rescored(inner, scored, rescore), _scores(inner))
    assert not rescore.asked  # fails with a plain rescore


def test_inner_pairs_not_all_among_the_scored_ones_are_all_rescored(scored):
    rescore = Counting()
    known = scored.sample(30, seed=6).select("l", "r")
    for new in (_pairs([3], [60000]), _pairs([70000], [70002])):  # its left record a scored pair's, or not
        assert new.join(scored, on=["l", "r"], how="semi").height == 0
        inner = pl.concat([known.head(10), new, known.slice(10)])
        assert_frame_equal(engine._scored_or_rescored(inner, scored, rescore), _scores(inner))
        assert_frame_equal(rescore.asked[-1], inner)
    # scored pairs not in order of their left record (a reviewed pair no rule proposed, after them): all rescored
    shuffled = scored.sample(fraction=1.0, shuffle=True, seed=8)
    assert_frame_equal(engine._scored_or_rescored(known, shuffled, rescore), _scores(known))
    assert_frame_equal(rescore.asked[-1], known)
    assert len(rescore.asked) == 3
    empty = engine._scored_or_rescored(known.head(0), scored, rescore)
    assert empty.height == 0 and rescore.asked[-1].height == 0
    assert_frame_equal(engine._scored_or_rescored(known, scored.head(0), rescore), _scores(known))


def test_a_run_takes_the_guards_known_scores_and_ends_as_with_every_inner_pair_rescored(monkeypatch):
    table = pl.concat([background(), hand_built()])
    spec = load_spec(PEOPLE_SPEC)
    asked: list[int] = []
    taken = engine._scored_or_rescored

    def counted(pairs, scored, rescore):
        def rescored(few):
            asked.append(few.height)
            return rescore(few)

        inner = taken(pairs, scored, rescored)
        asked.append(-pairs.height)  # (the inner pairs the guard asked for)
        return inner

    monkeypatch.setattr(engine, "_scored_or_rescored", counted)
    ours = match(table, spec)
    inner = -sum(a for a in asked if a < 0)
    assert inner  # the guard scored inner pairs
    assert sum(a for a in asked if a > 0) < inner  # all scored candidates: not rescored
    monkeypatch.setattr(engine, "_scored_or_rescored", lambda pairs, scored, rescore: rescore(pairs))
    every = match(table, spec)
    for name in ("records", "pairs", "entities", "review"):
        assert_frame_equal(getattr(ours, name), getattr(every, name))
    assert ours.stats["decisions"] == every.stats["decisions"]
