"""Recall where it is lost (issue 14 §1): each mess group of the generator is found by blocking and
linked or queued; blocks stay bounded; EM stays well-posed where a rule's pairs all match."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import polars as pl
import pytest
from match_cases import background, frame

from pipelines.match import load_spec, match
from pipelines.match.evaluate import true_pair_recall
from pipelines.match.model import estimate_m, prior_m
from pipelines.match.spec import SpecError, parse_spec
from pipelines.synth.person_mess import DATE_CASES, NAME_CASES, name_variant, one_digit_date, year_off_by_one
from pipelines.warehouse import REPO_ROOT

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
PER_CASE = 40


def _copy(row: dict, case: str, rnd: random.Random) -> dict | None:
    """A second registration of the person with one mess of the generator: no ID, no phone, another household."""
    copy = dict(
        row,
        record_key=f"{row['record_key']}-{case}",
        personal_id=None,
        old_id_number=None,
        phone=None,
        household_no=f"{rnd.randrange(10**9):09d}",
        dob_precision="day",
        mess=case,
    )
    dob: dt.date = row["date_of_birth"]
    if case == "birth year only":
        copy.update(date_of_birth=dt.date(dob.year, 1, 1), dob_precision="year")
    elif case == "birth year off by one":
        copy["date_of_birth"] = year_off_by_one(dob, rnd)
    elif case == "birth date one digit":
        copy["date_of_birth"] = one_digit_date(dob, rnd)
    elif case == "birth date swapped and one digit":
        if dob.day > 12 or dob.day == dob.month:
            return None
        copy["date_of_birth"] = one_digit_date(dt.date(dob.year, dob.day, dob.month), rnd)
    else:
        copy["full_name"] = name_variant(row["full_name"], case, rnd)
        if copy["full_name"] == row["full_name"]:
            return None
    return copy if copy["date_of_birth"] is not None else None


@pytest.fixture(scope="module")
def messy() -> pl.DataFrame:
    """The test population plus PER_CASE copies per mess group, each of a person registered once."""
    base = background(people=2500, seed=11)
    single = base.filter(pl.col("person").is_unique())
    rows = single.to_dicts()
    rnd = random.Random(5)
    rnd.shuffle(rows)
    copies, used = [], 0
    for case in [c for c, _ in DATE_CASES] + [c for c, _ in NAME_CASES]:
        made = 0
        while made < PER_CASE:
            c = _copy(rows[used], case, rnd)
            used += 1
            if c is not None:
                copies.append(c)
                made += 1
    extra = pl.DataFrame(copies).select(*base.columns, "dob_precision", "mess")
    return pl.concat(
        [base.with_columns(pl.lit("day").alias("dob_precision"), pl.lit(None, pl.String).alias("mess")), extra],
        how="vertical_relaxed",
    )


@pytest.fixture(scope="module")
def messy_result(messy):
    return match(messy.drop("person", "mess"), load_spec(PEOPLE_SPEC))


def _recall(table: pl.DataFrame, result) -> pl.DataFrame:
    records = result.records.select("record_id", "entity_id").join(
        table.select(pl.col("record_key").alias("record_id"), "person", "mess"), on="record_id"
    )
    return true_pair_recall(records, result.pairs, "person", "mess")["categories"]


@pytest.mark.parametrize("case", [c for c, _ in DATE_CASES] + [c for c, _ in NAME_CASES])
def test_each_mess_group_is_a_candidate_and_linked_or_queued(messy, messy_result, case):
    row = _recall(messy, messy_result).filter(pl.col("category") == case).row(0, named=True)
    assert row["true_pairs"] == PER_CASE
    assert row["pair_completeness"] == 1.0, f"{case}: some true pairs never compared"
    assert row["linked_or_queued"] >= 0.9, f"{case}: {row}"


def test_the_recall_report_sees_pairs_a_spec_misses(messy):
    # failure path: with the old keys (whole name + full date) a year-only copy is never a candidate
    spec = parse_spec(
        {
            "match": {"id": "record_key"},
            "derive": [
                {"name": "name", "from": "full_name", "transform": "fold"},
                {"name": "birth", "from": "date_of_birth", "transform": "date_unordered"},
            ],
            "dates": [{"column": "date_of_birth", "precision": "dob_precision"}],
            "blocking": [{"on": ["name", "birth"]}],
            "compare": [{"name": "name", "column": "full_name", "preset": "name"}],
        }
    )
    result = match(messy.drop("person", "mess"), spec)
    report = _recall(messy, result)
    year_only = report.filter(pl.col("category") == "birth year only").row(0, named=True)
    assert year_only["pair_completeness"] == 0.0 and year_only["linked_or_queued"] == 0.0
    assert report.filter(pl.col("category") == "no diacritics")["pair_completeness"].item() == 1.0


def test_blocks_stay_bounded_and_capped_blocks_are_reported():
    """2,000 records with the same name and birth date, 600 of them without a date: no rule compares
    them all against all; the capped blocks are reported."""
    spec = load_spec(PEOPLE_SPEC)
    n, undated = 2000, 600
    rows = [
        {
            "record_key": f"r{i}",
            "full_name": "Nguyễn Văn An",
            "date_of_birth": None if i < undated else dt.date(1990, 1, 1),
            "sex": "M",
            "household_no": f"{i:09d}",
        }
        for i in range(n)
    ]
    table = frame(rows).drop("person")
    result = match(table, spec)
    per_rule = result.stats["pairs_per_rule"]
    biggest = max(r.max_block for r in spec.blocking)
    bound = biggest * (biggest - 1) // 2 + 2 * max(r.window for r in spec.blocking) * n
    assert all(pairs <= bound for pairs in per_rule.values()), per_rule
    assert result.stats["candidate_pairs"] < n * (n - 1) // 2 // 10
    capped = result.blocking.capped_blocks
    assert {"given_birth_date", "name_no_birth_date"} <= set(capped["rule"].to_list())
    assert result.stats["largest_block_per_rule"]["given_birth_date"] == n - undated
    # an undated record is still compared with dated records of its name (windowed, not all)
    rule = next(i for i, r in enumerate(spec.blocking) if r.name == "name_no_birth_date")
    assert 0 < per_rule["name_no_birth_date"] <= 2 * spec.blocking[rule].window * undated
    # failure path: the same rule with a block size limit above the block is all-against-all
    loose = parse_spec(
        {
            "match": {"id": "record_key"},
            "derive": [{"name": "name", "from": "full_name", "transform": "fold"}],
            "blocking": [{"on": "name", "missing": "date_of_birth", "max_block": 5000}],
            "compare": [{"column": "sex"}],
        }
    )
    pairs = match(table, loose).stats["pairs_per_rule"]["name"]
    assert pairs == undated * (n - undated) + undated * (undated - 1) // 2


def _em_spec(**match_keys) -> object:
    return parse_spec(
        {
            "match": {"id": "id", **match_keys},
            "blocking": [{"name": "by_x", "on": "x"}, {"name": "by_y", "on": "y"}],
            "compare": [{"column": "x"}, {"column": "y"}, {"column": "z"}, {"column": "w"}],
        }
    )


def _gamma(rng: np.random.Generator, pairs: int, match_share: float) -> pl.DataFrame:
    """Comparison levels (0 agree, 1 different) of pairs of which match_share are matches."""
    is_match = rng.random(pairs) < match_share
    agree = {c: np.where(is_match, rng.random(pairs) < 0.95, rng.random(pairs) < 0.05) for c in "xyzw"}
    return pl.DataFrame({c: (~a).astype(np.int8) for c, a in agree.items()})


def test_em_on_a_rule_whose_pairs_all_match_is_degenerate_and_m_comes_from_the_prior():
    spec = _em_spec()
    rng = np.random.default_rng(0)
    u = {c: np.array([0.01, 0.99]) for c in "xyzw"}
    # rule by_x: every pair agrees on everything (a household key: all "match"); rule by_y: a mixture
    all_match = pl.DataFrame({c: np.zeros(3000, dtype=np.int8) for c in "xyzw"})
    gamma = pl.concat([all_match, _gamma(rng, 3000, 0.4)])
    rules = pl.Series([1] * 3000 + [2] * 3000, dtype=pl.UInt32)
    m, lam, _, _, per_rule, source = estimate_m(gamma, rules, spec, u)
    assert per_rule["by_x"]["status"].startswith("degenerate") and not per_rule["by_x"]["used"]
    assert per_rule["by_x"]["match_share"] > spec.em_degenerate_share
    assert per_rule["by_y"]["status"] == "ok" and per_rule["by_y"]["used"]
    # y is left out of by_y (its key): only by_x estimated it, and by_x is degenerate -> the prior
    assert source["y"] == "prior" and np.allclose(m["y"], prior_m(spec.comparisons[1]))
    assert source["z"] == "em" and 0.9 < m["z"][0] < 0.99  # from by_y's mixture, not from by_x's 100 %
    assert 0 < lam < 1
    # failure path: the same rule with a mixture is used, and y's m is EM's
    gamma = pl.concat([_gamma(rng, 3000, 0.5), _gamma(rng, 3000, 0.4)])
    m, _, _, _, per_rule, source = estimate_m(gamma, rules, spec, u)
    assert per_rule["by_x"]["status"] == "ok" and source["y"] == "em" and 0.9 < m["y"][0] < 0.99


def test_em_that_does_not_converge_is_not_used_and_is_reported():
    spec = _em_spec(em_iterations=1)
    rng = np.random.default_rng(1)
    u = {c: np.array([0.01, 0.99]) for c in "xyzw"}
    gamma = pl.concat([_gamma(rng, 2000, 0.5), _gamma(rng, 2000, 0.4)])
    rules = pl.Series([1] * 2000 + [2] * 2000, dtype=pl.UInt32)
    _, _, _, _, per_rule, source = estimate_m(gamma, rules, spec, u)
    assert per_rule["by_x"]["status"].startswith("degenerate: not converged")
    assert per_rule["by_x"]["final_change"] > 1e-5 and not per_rule["by_x"]["converged"]
    assert set(source.values()) == {"prior"}


def test_em_diagnostics_are_in_the_result_stats_and_summary(messy_result):
    per_rule = messy_result.stats["em_per_rule"]
    spec = load_spec(PEOPLE_SPEC)
    assert set(per_rule) == {r.name for r in spec.blocking}
    for rule in spec.blocking:
        d = per_rule[rule.name]
        assert "status" in d and "used" in d and "pairs" in d
        if not rule.train:
            assert not d["used"]
    trained = [d for d in per_rule.values() if "match_share" in d]
    assert trained and all(0 < d["match_share"] < 1 and d["iterations"] >= 1 for d in trained)
    assert set(messy_result.stats["m_source"]) == {c.name for c in spec.scored_comparisons}
    degenerate = [k for k, d in per_rule.items() if d["status"].startswith("degenerate")]
    assert ("EM degenerate" in messy_result.summary()) == bool(degenerate)


def test_m_prior_is_validated():
    base = {"match": {"id": "id"}, "blocking": [{"on": "x"}]}
    spec = parse_spec({**base, "compare": [{"column": "x", "m_prior": [0.9, 0.1]}]})
    assert np.allclose(prior_m(spec.comparisons[0]), [0.9, 0.1])
    with pytest.raises(SpecError, match="m_prior.*needs 2 numbers"):
        parse_spec({**base, "compare": [{"column": "x", "m_prior": [0.9, 0.05, 0.05]}]})
    with pytest.raises(SpecError, match="m_prior"):
        parse_spec({**base, "compare": [{"column": "x", "m_prior": [0.9, 0]}]})
