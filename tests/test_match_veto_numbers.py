"""Vetoes of scored candidate pairs as numbers where most pairs are then counted, not kept (``_score_kept`` under the
pair floor): named for the kept pairs only, the pairs left out counted per rules and veto number; the same pair
table and counts as with the vetoes named per pair (HS11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.match.engine as engine
from pipelines.match import load_spec, match
from pipelines.match.compare import ValueCodes
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return background(1500, seed=5)


def test_vetoes_numbered_then_named_equal_the_named_vetoes(people):
    spec = replace(load_spec(PEOPLE_SPEC), pair_floor=0.001)
    assert len(spec.cannot_link) >= 2
    run = match(people, replace(spec, pair_floor=0.0), keep_state=True)
    state = run.state
    work, scored = state.work, state.scored
    pairs = scored.filter(pl.col("rules") > 0).select("l", "r", "rules")
    codes = ValueCodes(work, engine.derived_sources(spec))
    model, tf = run.model, state.frozen.tf_tables(work)
    # a reviewer's 'different' on two pairs, 'same' on one: the numbered veto holds it as the last number
    judged = pairs.slice(0, 3).select("l", "r").with_columns(same=pl.Series([False, False, True]))
    named = engine.score_pairs(work, pairs, spec, codes, model, tf, judged)
    numbered = engine.score_pairs(work, pairs, spec, codes, model, tf, judged, numbered=True)
    assert numbered.schema["veto"] == pl.UInt32
    assert numbered["veto"].head(3).to_list()[:2] == [len(spec.cannot_link)] * 2
    assert numbered["veto"].is_not_null().sum() > 2  # cannot-link rules hold on some pairs here
    assert_frame_equal(numbered.with_columns(engine._named_veto(spec)), named)
    # kept pairs and the counts of those left out as with the vetoes named per pair
    gamma = engine._levels_in_chunks(work, pairs, spec, codes)
    kept, below = engine._score_kept(work, pairs, gamma, spec, codes, model, tf, judged, spec.pair_floor)
    keep = named.select(engine._kept(spec.pair_floor))["keep"]
    assert_frame_equal(kept, named.filter(keep))
    want = engine._counted(named.filter(~keep)).sort("rules", "veto")
    assert want.height >= 2 and want["veto"].is_not_null().any()
    assert_frame_equal(below.per_rules, want)


def test_vetoes_worked_out_ahead_count_the_pairs_left_out_as_scoring_does(people, monkeypatch):
    # every candidate pair's numbered veto worked out before the model is known (_veto_numbers: the engine does it
    # while fitting) equals each pair's scored veto, and _score_kept counting the pairs left out on it keeps and
    # counts as it does working them out itself, in several chunks side by side
    spec = replace(load_spec(PEOPLE_SPEC), pair_floor=0.001)
    twins = [  # one household, one birthday, no ID, given names apart: the twins rule holds
        person_row(f"tw-{k}-{g}", f"tw-{k}-{g}", f"Trần Văn {given}", dt.date(2010, 3, 1 + k), "M", household=f"H{k}")
        for k in range(12)
        for g, given in enumerate(("Minh", "Khoa"))
    ]
    run = match(pl.concat([people, frame(twins)]), replace(spec, pair_floor=0.0), keep_state=True)
    work, scored = run.state.work, run.state.scored
    pairs = scored.filter(pl.col("rules") > 0).select("l", "r", "rules")
    codes = ValueCodes(work, engine.derived_sources(spec))
    model, tf = run.model, run.state.frozen.tf_tables(work)
    later = engine.deferred_comparisons(spec)
    assert later  # (the given name: worked out only where the twins rule's other comparisons hold)
    gamma = engine._levels_in_chunks(work, pairs, spec, codes, tuple(c for c in spec.comparisons if c not in later))
    vetoes = engine._veto_numbers(pairs, gamma, spec, work, codes)
    numbered = engine.score_pairs(work, pairs, spec, codes, model, tf, scored.clear().select("l", "r"), numbered=True)
    assert vetoes.to_list() == numbered["veto"].to_list()
    assert vetoes.is_not_null().sum() > 2 and vetoes.n_unique() >= 3  # both rules hold on some pairs
    monkeypatch.setattr(engine, "SCORE_CHUNK", pairs.height // 5)
    none = pl.DataFrame(schema={"l": pl.UInt32, "r": pl.UInt32, "same": pl.Boolean})
    kept, below = engine._score_kept(work, pairs, gamma, spec, codes, model, tf, none, spec.pair_floor)
    ahead, below_ahead = engine._score_kept(work, pairs, gamma, spec, codes, model, tf, none, spec.pair_floor, vetoes)
    assert_frame_equal(ahead, kept)
    assert_frame_equal(below_ahead.per_rules, below.per_rules)
    assert below_ahead.kept.equals(below.kept)
    assert below.per_rules["veto"].is_not_null().any() and below.per_rules["pairs"].sum() > 5
