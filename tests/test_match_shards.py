"""The sharded engine (shards.py): candidate pairs blocked, compared, fitted on and scored a shard at a time, spilled
to disk between the steps, so a city's run holds a shard's pairs, not all of them. Its result is that of the run in
one piece: the same pairs, weights, clusters, entities and review queue; EM's patterns the same (its sums in
another order: m within rounding)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.match import load_spec, match, shards
from pipelines.match.blocking import _rule_keys, rule_key_chunks, rule_key_codes
from pipelines.match.prepare import prepare
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
FLOAT_DETAILS = ("match_share", "em_share", "final_change")  # EM's sums, in the pattern table's order


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    """3,000 background people, and two more copies of one person's record: three records sharing an ID (each with
    two pairs under the ID rule: crowded with ``max_cluster_size`` 2)."""
    people = background(3000, seed=11)
    one = people.filter(pl.col("personal_id").is_not_null()).head(1)
    copies = pl.concat([one.with_columns(pl.lit(f"copy-{i}").alias("record_key")) for i in (1, 2)])
    return pl.concat([people, copies])


def _reviews(people: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A few reviewers' verdicts: record pairs judged the same and judged different."""
    ids = people["record_key"] if "record_key" in people.columns else people[people.columns[0]]
    same = pl.DataFrame({"left_id": ids.gather([0, 10, 20]), "right_id": ids.gather([1, 11, 21])})
    different = pl.DataFrame({"left_id": ids.gather([30, 40]), "right_id": ids.gather([31, 41])})
    return same, different


def _stats(result) -> dict:
    out = {k: v for k, v in result.stats.items() if k not in ("seconds", "cpu_seconds", "shards")}
    out["em_per_rule"] = {
        rule: {k: v for k, v in d.items() if k not in FLOAT_DETAILS} for rule, d in out["em_per_rule"].items()
    }
    return out


def _assert_same(sharded, whole) -> None:
    for name in ("records", "entities", "review", "merged_entities"):
        assert_frame_equal(getattr(sharded, name), getattr(whole, name))
    # the pairs reviewers named that no rule proposed are added in group-by order (two runs in one piece differ
    # there too): compared sorted; the candidate pairs before them in order
    key = ["left_id", "right_id"]
    assert_frame_equal(sharded.pairs.sort(key), whole.pairs.sort(key))
    candidates = pl.col("blocked_by").cast(pl.String) != "cluster_check"
    assert_frame_equal(sharded.pairs.filter(candidates), whole.pairs.filter(candidates))
    assert_frame_equal(sharded.model_table(), whole.model_table(), check_exact=False, rel_tol=1e-12)
    assert_frame_equal(sharded.blocking.capped_blocks, whole.blocking.capped_blocks)
    assert _stats(sharded) == _stats(whole)
    for rule, d in whole.stats["em_per_rule"].items():
        if "match_share" in d:
            assert sharded.stats["em_per_rule"][rule]["match_share"] == pytest.approx(d["match_share"], rel=1e-12)


@pytest.mark.parametrize("crowded", [False, True])
def test_a_run_in_shards_gives_the_run_in_one_piece(people, monkeypatch, crowded):
    spec = load_spec(PEOPLE_SPEC)
    if crowded:  # records with 2 pairs or more under a rule crowd its key: EM's "all match" reading leaves them out
        spec = replace(spec, max_cluster_size=2)
    same, different = _reviews(people)
    whole = match(people, spec, labelled_pairs=same, cannot_link_pairs=different, shards=1)
    assert whole.stats["shards"] == 1
    monkeypatch.setattr(shards, "KEY_BUDGET", 200)  # a rule's pairs numbered in many pieces
    for count in (4, 7):  # 7: the buckets spread unevenly
        sharded = match(people, spec, labelled_pairs=same, cannot_link_pairs=different, shards=count)
        assert sharded.stats["shards"] == count
        _assert_same(sharded, whole)
    statuses = [d["status"] for d in whole.stats["em_per_rule"].values()]
    assert any("crowded keys left out" in s for s in statuses) == crowded  # else the case shows nothing here
    assert whole.stats["pairs_below_floor"]["pairs"] > 0 and whole.stats["decisions"].get("link", 0) > 100


def test_the_shards_write_every_candidate_pair_once(people, tmp_path):
    spec = load_spec(PEOPLE_SPEC)
    whole = match(people, spec, shards=1, keep_candidates=True)
    sharded = match(people, spec, shards=5, keep_candidates=tmp_path)
    # the run's statistics are the engine's work, timed before the candidates' lap (which benchmarks leave out)
    assert list(sharded.stats["seconds"])[-2:] == ["stats", "candidates"]
    files = sorted(tmp_path.glob("candidates-*.parquet"))
    assert len(files) == 5
    written = pl.concat([pl.read_parquet(f) for f in files]).sort("l", "r")
    assert_frame_equal(written, whole.candidates)
    assert not list(tmp_path.glob("*.arrow")) and not list(tmp_path.glob("*.u64"))


def test_a_rules_pairs_in_pieces_are_its_pairs(people):
    spec = load_spec(PEOPLE_SPEC)
    work = prepare(people, spec)
    keyed = rule_key_codes(work, spec)
    for rule in spec.blocking:
        whole, capped, largest = _rule_keys(work, rule, keyed)
        pieces: list[np.ndarray] = []
        capped_pieces, largest_pieces = rule_key_chunks(work, rule, pieces.append, keyed, budget=50)
        if len(whole) > 200:
            assert len(pieces) > 2  # in pieces indeed
        joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)
        assert np.array_equal(np.sort(joined), np.sort(whole))
        assert_frame_equal(capped_pieces, capped) and largest_pieces == largest


def test_the_shards_hold_about_even_pairs(people):
    """With the records in no particular order a pair's left record (the lower row) is more often early in the table:
    shards of whole buckets (64 equal row ranges) left shards empty where a bucket held more than a shard's share (here
    6 of 48 and 16 of 64, the largest 1.74x and 2.00x the mean; 6 of 48 at 14M people). Shards end at finer steps."""
    spec = load_spec(PEOPLE_SPEC)
    rng = np.random.default_rng(5)  # phone blocks of about 20 records (under the rule's max_block 30): 37,416 pairs
    phones = pl.Series("phone", [f"09{v:08d}" for v in rng.integers(0, 150, people.height)])
    shuffled = people.with_columns(phones).sample(fraction=1.0, shuffle=True, seed=3)
    work = prepare(shuffled, spec)
    keyed = rule_key_codes(work, spec)
    for count in (8, 48, 64):
        spilled = shards.spill_candidates(work, spec, keyed, count)
        try:
            sizes = np.array(spilled.sizes)
        finally:
            spilled.remove()
        assert sizes.sum() > 30_000
        assert sizes.min() > 0.7 * sizes.mean() and sizes.max() < 1.3 * sizes.mean(), (count, sizes.tolist())


def test_a_shard_count_out_of_range_is_refused(people):
    with pytest.raises(ValueError, match="shards must be between 1 and 64"):
        match(people.head(50), load_spec(PEOPLE_SPEC), shards=65)
