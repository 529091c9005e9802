"""Small tables (a few thousand records): EM stays usable where every rule's pairs all match.

On a small registry an ID, a phone or a name with a birth date is shared by one person's records only, so EM
on each blocking rule finds ~100 % of its pairs matching. Those rules used to be thrown away as degenerate and
m came from the spec's priors for every comparison (recall 0.944 on 4,943 records of the generated city)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.evaluate import pairwise
from pipelines.match.model import estimate_m, prior_m
from pipelines.match.spec import parse_spec
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _spec(**match_keys) -> object:
    return parse_spec(
        {
            "match": {"id": "id", **match_keys},
            "blocking": [{"name": "by_x", "on": "x"}, {"name": "by_y", "on": "y"}],
            "compare": [{"column": "x"}, {"column": "y"}, {"column": "z"}, {"column": "w"}],
        }
    )


def _levels(rng: np.random.Generator, pairs: int, agree: dict[str, float]) -> pl.DataFrame:
    """Levels (0 agree, 1 different) of pairs that agree on each comparison with the given chance."""
    return pl.DataFrame({c: (rng.random(pairs) >= p).astype(np.int8) for c, p in agree.items()})


def test_a_rule_whose_pairs_all_match_gives_m_where_they_vary_and_the_prior_where_they_do_not():
    spec = _spec()
    rng = np.random.default_rng(3)
    u = {c: np.array([0.001, 0.999]) for c in "xyzw"}
    # by_x: 2,000 pairs of one person each (a shared ID on a small table): y agrees in 80 % of them (a clerk's
    # slips), z in 97 %, w always (nothing seen of how often a match differs on w)
    by_x = _levels(rng, 2000, {"x": 1.0, "y": 0.8, "z": 0.97, "w": 1.0})
    # by_y: all matches too, z and w agree always: it gives neither z nor w
    by_y = _levels(rng, 500, {"x": 0.9, "y": 1.0, "z": 1.0, "w": 1.0})
    gamma = pl.concat([by_x, by_y])
    rules = pl.Series([1] * 2000 + [2] * 500, dtype=pl.UInt32)
    m, lam, _, _, per_rule, source = estimate_m(gamma, rules, spec, u)
    assert per_rule["by_x"]["match_share"] > spec.em_degenerate_share and per_rule["by_x"]["used"]
    assert per_rule["by_x"]["status"].startswith("all match") and "y, z)" in per_rule["by_x"]["status"]
    assert source["y"] == "em" and abs(m["y"][0] - 0.8) < 0.03  # the prior says 0.95
    assert source["z"] == "em" and abs(m["z"][0] - 0.97) < 0.02  # from by_x only: by_y's z never varies
    assert source["x"] == "em" and abs(m["x"][0] - 0.9) < 0.03  # from by_y
    assert source["w"] == "prior" and np.allclose(m["w"], prior_m(spec.comparisons[3]))
    assert lam > 0.99


def test_a_rule_with_nearly_no_match_or_no_varying_comparison_stays_degenerate():
    spec = _spec()
    rng = np.random.default_rng(4)
    u = {c: np.array([0.01, 0.99]) for c in "xyzw"}
    nothing_varies = pl.DataFrame({c: np.zeros(1000, dtype=np.int8) for c in "xyzw"})
    no_match = _levels(rng, 3000, {"x": 0.01, "y": 1.0, "z": 0.01, "w": 0.01})  # y its key; the rest by chance
    gamma = pl.concat([nothing_varies, no_match])
    rules = pl.Series([1] * 1000 + [2] * 3000, dtype=pl.UInt32)
    m, _, _, _, per_rule, source = estimate_m(gamma, rules, spec, u)
    assert per_rule["by_x"]["status"].startswith("degenerate") and "no comparison varies" in per_rule["by_x"]["status"]
    assert per_rule["by_y"]["status"].startswith("degenerate") and per_rule["by_y"]["match_share"] < 0.01
    assert not per_rule["by_x"]["used"] and not per_rule["by_y"]["used"]
    assert set(source.values()) == {"prior"}
    assert all(np.allclose(m[c.name], prior_m(c)) for c in spec.comparisons)


@pytest.fixture(scope="module")
def small_registry() -> tuple[pl.DataFrame, object]:
    people = background(1000, seed=7)  # 1,131 records, 131 true pairs
    return people, match(people.drop("person"), load_spec(PEOPLE_SPEC))


def test_a_small_registry_takes_m_from_em_and_links_its_duplicates(small_registry):
    people, result = small_registry
    per_rule = result.stats["em_per_rule"]
    # every pair sharing a CCCD is one person here: the rule's share of matches is at its bound, yet it is used
    assert per_rule["personal_id"]["match_share"] > 0.99 and per_rule["personal_id"]["used"]
    assert per_rule["personal_id"]["status"].startswith("all match")
    assert result.stats["m_source"]["name"] == "em" and result.stats["m_source"]["date_of_birth"] == "em"
    labelled = people.select("record_key", "person").join(
        result.records.select(pl.col("record_id").alias("record_key"), "entity_id"), on="record_key"
    )
    accuracy = pairwise(labelled, "entity_id", "person")
    assert accuracy["true_pairs"] == 131
    # with m from the priors (every rule thrown away as degenerate) recall was 0.886
    assert accuracy["recall"] >= 0.97 and accuracy["precision"] >= 0.995
    assert "EM degenerate" not in result.summary()  # before: every trained rule was named there


def test_a_placeholder_phone_shared_by_many_people_does_not_teach_m_that_matches_differ():
    """30 different people (names a typo apart, birth dates all different) carry one placeholder phone: the
    phone rule's EM reads its 435 pairs as matches too (the names agree to a typo). Its records are paired with
    more records than an entity may hold (max_cluster_size), so its pairs are left out of the all-match
    estimate: without that, m said 27 % of matches have another birth date and linked them."""
    people = background(1000, seed=7).drop("person")
    crowd = frame(
        [
            person_row(f"ph-{i:02d}", f"ph{i}", f"Phạm Văn Người{i}", dt.date(1950 + i, 1 + i % 12, 1 + i % 28), "M")
            | {"phone": "0900000000"}
            for i in range(30)
        ]
    ).drop("person")
    result = match(pl.concat([people, crowd]), load_spec(PEOPLE_SPEC))
    phone = result.stats["em_per_rule"]["phone"]
    assert phone["pairs"] >= 435 and phone["used"] and phone["status"].startswith("all match")
    labels = result.level_labels["date_of_birth"]
    m_date = dict(zip(labels, result.model.m["date_of_birth"], strict=True))
    assert m_date["different"] < 0.05  # 0.27 when the crowd's pairs were read as matches
    crowd_pairs = result.pairs.filter(
        pl.col("left_id").str.starts_with("ph-") & pl.col("right_id").str.starts_with("ph-")
    )
    assert crowd_pairs.height == 435 and (crowd_pairs["decision"] != "link").all()
    entities = result.records.filter(pl.col("record_id").str.starts_with("ph-"))["entity_id"]
    assert entities.n_unique() == 30
