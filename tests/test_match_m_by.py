"""``m_by`` on a ``[[compare]]``: a comparison's m estimated and applied apart where another comparison is at some
levels (HA7; HA6 measured it): a person's copies without IDs vary in the name far more than those with IDs, and the
rules that estimate the name's m (ID and phone) are nearly all pairs with IDs. EM fits both groups' m, ``score`` and
the floor's bound read the pair's group, the model table and a saved state keep both; u is one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.match import SpecError, load_spec, match, parse_spec
from pipelines.match.engine import _weight_bound
from pipelines.match.model import Model, estimate_m, score
from pipelines.match.state import FrozenModel, spec_fingerprint
from tests.match_cases import background, frame, person_row

PEOPLE = Path(__file__).resolve().parent.parent / "mappings" / "match" / "people.toml"

D = dt.date


def _raw(m_by=None) -> dict:
    name = {"name": "name", "column": "full_name", "levels": [{"kind": "exact", "label": "exact"}]}
    if m_by is not None:
        name["m_by"] = m_by
    return {
        "match": {"id": "record_key"},
        "blocking": [{"name": "phone", "on": "phone"}],
        "compare": [
            name,
            {"name": "ids", "column": "personal_id", "levels": [EXACT, {"kind": "one_side", "label": "one_side"}]},
        ],
    }


EXACT = {"kind": "exact", "label": "exact"}
NO_ID = {"ids": ["missing", "one_side"]}


def _gamma(n: int = 4000) -> tuple[pl.DataFrame, pl.Series]:
    # pairs sharing a phone (nearly all one person's): with IDs the name agrees 90 % of the time, without 50 %
    rnd = np.random.default_rng(5)
    with_ids = np.arange(n) < n // 2
    agree = np.where(with_ids, rnd.random(n) < 0.9, rnd.random(n) < 0.5)
    ids = pl.Series(np.where(with_ids, 0, np.where(np.arange(n) % 2, 1, -1)), dtype=pl.Int8)
    gamma = pl.DataFrame({"name": pl.Series(np.where(agree, 0, 1), dtype=pl.Int8), "ids": ids.replace(-1, None)})
    return gamma, pl.Series(np.ones(n, dtype=np.uint32))


U = {"name": np.array([0.001, 0.999]), "ids": np.array([0.001, 0.3, 0.699])}


def test_em_fits_the_name_s_m_apart_for_the_pairs_without_ids():
    gamma, rules = _gamma()
    said = {}
    m, *_, source = estimate_m(gamma, rules, parse_spec(_raw(NO_ID)), U, m_by_from=said)
    both = m["name"].reshape(2, 2)  # (EM's m of such a comparison: both groups', one after the other)
    assert both[0, 0] == pytest.approx(0.9, abs=0.03) and both[1, 0] == pytest.approx(0.5, abs=0.04)
    assert said["name"].startswith("em (phone: ") and set(source) == {"name", "ids"}
    alone = estimate_m(gamma, rules, parse_spec(_raw()), U)[0]["name"]  # without m_by: one m for all
    assert len(alone) == 2 and alone[0] == pytest.approx(0.7, abs=0.03)


def test_a_group_no_rule_holds_takes_the_other_group_s_m():
    gamma, rules = _gamma()
    gamma = gamma.filter(pl.col("ids") == 0)  # every pair holds IDs
    m = estimate_m(gamma, rules.head(gamma.height), parse_spec(_raw(NO_ID)), U)[0]["name"]
    assert m[2:] == pytest.approx(m[:2]) and m[0] == pytest.approx(0.9, abs=0.03)


def _model(spec) -> Model:
    return Model(
        levels={"name": 2, "ids": 3},
        m={"name": np.array([0.9, 0.1]), "ids": np.array([0.8, 0.15, 0.05])},
        u=dict(U),
        candidate_match_share=0.1,
        prior=1e-3,
        em_iterations=1,
        converged=True,
        random_pairs=1,
        em_per_rule={},
        m_by={"name": np.array([0.5, 0.5])},
        m_by_when={"name": "ids is missing or one_side"},
    )


def test_score_and_the_floor_s_bound_weigh_a_pair_by_its_group():
    spec = parse_spec(_raw(NO_ID))
    model = _model(spec)
    gamma = pl.DataFrame(
        {"name": pl.Series([0, 0, 0, 1], dtype=pl.Int8), "ids": pl.Series([0, None, 1, None], dtype=pl.Int8)}
    )
    scored = score(pl.Series(np.arange(4, dtype=np.uint32)), gamma, model, spec, {})
    own, other = np.log2(0.9 / 0.001), np.log2(0.5 / 0.001)
    assert scored["w_name"].to_list() == pytest.approx([own, other, other, np.log2(0.5 / 0.999)], rel=1e-6)
    bound = _weight_bound(gamma, spec, model, room=False)
    assert bound == pytest.approx(scored["match_weight"].to_numpy(), abs=1e-4)


def test_the_model_table_and_a_saved_state_keep_both_m():
    spec = parse_spec(_raw(NO_ID))
    model = _model(spec)
    table = model.table({"name": ["exact", "different"], "ids": ["exact", "one_side", "different"]})
    rows = table.filter(pl.col("comparison") == "name where ids is missing or one_side")
    assert rows["m"].to_list() == [0.5, 0.5] and rows["label"].to_list() == ["exact", "different"]
    frozen = FrozenModel(model, {}, {}, spec_fingerprint(spec))
    again = FrozenModel.from_json(frozen.model_json(), {}).model
    assert again.m_by["name"].tolist() == [0.5, 0.5] and again.m_by_when == model.m_by_when
    plain = FrozenModel(Model(**{**model.__dict__, "m_by": {}, "m_by_when": {}}), {}, {}, "x")
    assert "m_by" not in plain.model_json()  # a model without it: the JSON (and fingerprint) it had before


def test_the_spec_fingerprint_holds_m_by_and_a_spec_without_it_keeps_its_own():
    without, with_it = parse_spec(_raw()), parse_spec(_raw(NO_ID))
    assert "m_by" not in repr(without)
    assert spec_fingerprint(without) != spec_fingerprint(with_it)


@pytest.mark.parametrize(
    ("m_by", "message"),
    [
        ({"nope": ["missing"]}, "must name another scored comparison without `m_by`"),
        ({"name": ["exact"]}, "must name another scored comparison"),
        ({"ids": ["one_sided"]}, "comparison 'ids' has no level \\['one_sided'\\]"),
        ({"ids": ["missing"], "name": ["exact"]}, "`m_by` must map one comparison name to level labels"),
        ({"ids": ["exact", "one_side", "different", "missing"]}, "names every level of 'ids'"),
        ("ids", "`m_by`: expected table"),
    ],
)
def test_a_wrong_m_by_is_refused_naming_the_file_and_the_key(tmp_path, m_by, message):
    def inline(value) -> str:  # (TOML's inline tables and arrays; JSON strings are TOML strings)
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {inline(v)}" for k, v in value.items()) + " }"
        if isinstance(value, list):
            return "[" + ", ".join(inline(v) for v in value) + "]"
        return json.dumps(value)

    raw = _raw(m_by)
    text = '[match]\nid = "record_key"\n\n[[blocking]]\nname = "phone"\non = "phone"\n'
    for comp in raw["compare"]:
        text += "\n[[compare]]\n" + "".join(f"{k} = {inline(v)}\n" for k, v in comp.items())
    path = tmp_path / "spec.toml"
    path.write_text(text)
    with pytest.raises(SpecError, match=message) as caught:
        load_spec(path)
    assert str(path) in str(caught.value) and "[[compare]] #1" in str(caught.value)


def test_the_people_spec_splits_the_name_s_m_and_the_run_shows_it():
    spec = load_spec(PEOPLE)
    name = next(c for c in spec.comparisons if c.name == "name")
    assert name.m_by == ("ids", ("missing", "one_side"))
    rows = [
        person_row("a1", "a1", "Trần Thị Ngọc Lan", D(1990, 3, 15), "F", phone="0901234567"),
        person_row("a2", "a2", "Trần Ngọc Lan", D(1990, 3, 15), "F", phone="0901234567"),
    ]
    result = match(pl.concat([background(400), frame(rows)]), spec)
    table = result.model_table()
    assert table.filter(pl.col("comparison") == "name where ids is missing or one_side").height == len(name.levels) + 1
    assert "name's m apart where ids is missing or one_side" in result.summary()
    pair = result.pairs.filter((pl.col("left_id") == "a1") & (pl.col("right_id") == "a2")).to_dicts()[0]
    other = table.filter(
        (pl.col("comparison") == "name where ids is missing or one_side") & (pl.col("label") == pair["name_level"])
    )["weight_bits"]
    assert pair["ids_level"] is None and pair["name_weight"] <= other.item() + 3.0  # its group's weight (tf aside)


@pytest.mark.parametrize("crowded", [False, True])
def test_a_run_in_shards_fits_and_weighs_both_groups_as_the_run_in_one_piece(monkeypatch, crowded):
    # the sharded engine fits on its shards' pattern table (``_split_levels`` there, crowded pairs marked); the one-piece
    # run on the pairs (its crowded pairs filtered from them): both read the groups alike
    from dataclasses import replace

    from polars.testing import assert_frame_equal

    from pipelines.match import shards

    people = background(3000, seed=11)
    spec = replace(load_spec(PEOPLE), em_prior_pairs=1.0)  # (a small table: the no-ID group from its few phone pairs)
    if crowded:
        spec = replace(spec, max_cluster_size=2)
    whole = match(people, spec, shards=1)
    assert whole.model.m_by_from["name"].startswith("em (phone: ")  # the group's m estimated, not the other's
    assert not np.allclose(whole.model.m_by["name"], whole.model.m["name"], atol=1e-3)
    monkeypatch.setattr(shards, "KEY_BUDGET", 200)
    sharded = match(people, spec, shards=4)
    assert sharded.stats["shards"] == 4
    assert_frame_equal(sharded.model_table(), whole.model_table(), check_exact=False, rel_tol=1e-9)
    assert_frame_equal(sharded.pairs, whole.pairs, check_exact=False, rel_tol=1e-5)
