"""u of the levels value frequencies give exactly (``model._exact_counts``): the same pairs per level as
``comparison_levels`` assigns over every ordered pair of a small, crowded table, for every comparison of the
people spec (exact levels down a ladder, a date's precision, IDs of two kinds in two columns, one side only, no
common kind, the home's book / unit / district); the sampled levels are the rest's share."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import polars as pl
import pytest

from pipelines.match import model
from pipelines.match.compare import ValueCodes, comparison_levels
from pipelines.match.model import _exact_counts, estimate_u
from pipelines.match.prepare import derived_sources, prepare
from pipelines.reference import default_reference
from tests.match_cases import _strip, background, people_spec  # noqa: F401  (the ``spec`` fixture)


def crowded(seed: int = 3) -> pl.DataFrame:
    """Background people (some registered twice) crowded so that every exact level holds on many pairs: a few
    household books, units of two districts, shared phones and IDs, CMNDs in the CCCD column, one value in both ID
    columns, birth dates known to the year only or not at all, names also written without diacritics."""
    rnd = random.Random(seed)
    units = default_reference().units_pre2025.filter(pl.col("unit_uid").str.starts_with("pre2025:"))
    districts = units["district_code"].unique(maintain_order=True).to_list()[:2]
    uids = [*units.filter(pl.col("district_code").is_in(districts))["unit_uid"].to_list()[:6], None, "2025:26740"]
    table = background(people=260, seed=seed).with_columns(pl.lit("day").alias("dob_precision"))
    rows = table.to_dicts()
    pids = [r["personal_id"] for r in rows if r["personal_id"]]
    for row in rows:
        row["household_no"] = rnd.choice([*(f"{i:09d}" for i in range(30)), None])
        row["old_uid"] = rnd.choice(uids)
        row["phone"] = rnd.choice([*(f"09{i:08d}" for i in range(15)), None, None])
        draw = rnd.random()
        if draw < 0.15:
            row["personal_id"] = rnd.choice(pids)  # an ID shared with someone else
        elif draw < 0.25:
            row["personal_id"] = f"02{rnd.randrange(10**7):07d}"  # a CMND in the CCCD column
        elif draw < 0.3 and row["personal_id"]:
            row["old_id_number"] = row["personal_id"]  # the same number in both columns
        if rnd.random() < 0.1:
            row["date_of_birth"] = dt.date(row["date_of_birth"].year, 1, 1)
            row["dob_precision"] = "year"
        elif rnd.random() < 0.03:
            row["date_of_birth"], row["dob_precision"] = None, None
        if rnd.random() < 0.1:
            row["full_name"] = _strip(row["full_name"])
    return pl.DataFrame(rows, schema=table.schema)


@pytest.fixture(scope="module")
def work(spec):
    return prepare(crowded(), spec)


def every_pair(n: int) -> tuple[pl.Series, pl.Series]:
    l, r = np.nonzero(~np.eye(n, dtype=bool))
    return pl.Series("l", l.astype(np.uint32)), pl.Series("r", r.astype(np.uint32))


def test_exact_counts_are_those_of_every_pair(spec, work):
    codes = ValueCodes(work, derived_sources(spec))
    gamma = comparison_levels(work, *every_pair(work.height), spec.scored_comparisons, codes)
    exact_levels = {}
    for comp in spec.scored_comparisons:
        found = _exact_counts(work, comp, codes)
        assert found is not None, comp.name
        level = gamma[comp.name]
        counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(comp.levels) + 1)
        assert found.present == len(level) - level.null_count(), comp.name
        assert found.levels == {k: int(counts[k]) for k in found.levels}, comp.name
        assert found.rest == int(counts[[*found.sampled, len(comp.levels)]].sum()), comp.name
        assert all(counts[k] > 0 for k in found.levels), comp.name  # (each level held somewhere: the test can fail)
        exact_levels[comp.name] = [comp.levels[k].label for k in sorted(found.levels)]
    assert exact_levels == {
        "name": ["exact", "exact_folded"],
        "date_of_birth": ["exact", "year_off_by_one"],  # (a year apart, the same day and month: from the dates)
        "ids": ["exact", "one_side", "not_comparable"],
        "sex": ["exact"],
        "phone": ["exact"],
        "relation": ["exact"],
        "home": ["same_household", "same_unit", "same_district"],
    }


def test_u_of_the_exact_levels_is_their_share_and_the_rest_is_shared_by_the_sampled_levels(spec, work, monkeypatch):
    asked = []

    def counting(work, l, r, comparisons, codes=None, by_values=False):
        asked.append([c.name for c in comparisons])
        return comparison_levels(work, l, r, comparisons, codes, by_values)

    monkeypatch.setattr(model, "comparison_levels", counting)
    many = dataclasses.replace(spec, u_sample_pairs=10**6, u_pairs_per_record=10**6)  # every pair's worth
    u, pairs = estimate_u(work, many)
    # the others have no level needing two values side by side; the date's and the name's are drawn apart (u_within:
    # the birth year's pairs, then the family and middle initials')
    assert asked == [["ids"], ["date_of_birth"], ["date_of_birth"], ["name"], ["name"]]
    n = work.height
    assert pairs == n * (n - 1) // 2
    codes = ValueCodes(work, derived_sources(spec))
    for comp in spec.scored_comparisons:
        found = _exact_counts(work, comp, codes)
        floor = 0.5 / (pairs * found.present / (n * (n - 1)))
        for k, count in found.levels.items():
            assert u[comp.name][k] == pytest.approx(max(count / found.present, floor)), (comp.name, k)
        open_levels = [*found.sampled, len(comp.levels)]
        assert u[comp.name][open_levels].sum() == pytest.approx(found.rest / found.present, rel=0.02), comp.name
        assert (u[comp.name] >= floor).all()


def test_a_date_ladder_without_a_year_level_is_missing_where_a_date_is_coarser_than_a_day(spec, work):
    """Without a year level a pair with a year-only date is missing (compared only on full dates)."""
    date = next(c for c in spec.scored_comparisons if c.name == "date_of_birth")
    no_year = dataclasses.replace(date, levels=tuple(lv for lv in date.levels if lv.kind in ("exact", "date_within")))
    codes = ValueCodes(work, derived_sources(spec))
    level = comparison_levels(work, *every_pair(work.height), (no_year,), codes)["date_of_birth"]
    found = _exact_counts(work, no_year, codes)
    counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=3)
    assert found.present == len(level) - level.null_count() < work.height * (work.height - 1) * 0.9
    assert (found.levels, found.rest, found.sampled) == ({0: int(counts[0])}, int(counts[1:].sum()), [1])


def test_pairs_within_a_column_agree_on_it_and_are_drawn_evenly():
    """``_pairs_within``: ordered pairs of two records with the same code, never a record with itself nor one
    missing the code (0), each such pair about equally often; how many there are (the sum of c (c - 1))."""
    code = np.array([0, 1, 2, 1, 0, 2, 2, 3, 1, 1])  # code 1: 4 records, 2: 3, 3: 1 (no pair), 0: missing
    l, r, agreeing = model._pairs_within(code, 200_000, [1, 2])
    assert agreeing == 4 * 3 + 3 * 2
    left, right = l.to_numpy().astype(np.int64), r.to_numpy().astype(np.int64)
    assert (code[left] == code[right]).all() and (code[left] != 0).all() and (left != right).all()
    drawn = np.unique(left * 10 + right, return_counts=True)[1]
    assert len(drawn) == agreeing  # every agreeing ordered pair drawn
    assert drawn.min() > 0.9 * 200_000 / agreeing and drawn.max() < 1.1 * 200_000 / agreeing


def test_u_within_a_column_is_the_plain_u_with_less_noise(spec, work):
    """With ``u_within`` (the birth year) the date's sampled levels come out as counting every pair gives them
    (within the noise of its 41,905 pairs: every pair of the table's worth), where the rare ones (a day and month swapped) vary less between seeds than
    on plain random pairs."""
    date = next(c for c in spec.scored_comparisons if c.name == "date_of_birth")
    assert date.u_within == "birth_year"  # (people.toml's)
    date = dataclasses.replace(date, u_within=None)
    codes = ValueCodes(work, derived_sources(spec))
    level = comparison_levels(work, *every_pair(work.height), (date,), codes)["date_of_birth"]
    counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(date.levels) + 1)
    truth = counts / counts.sum()
    within = dataclasses.replace(date, u_within="birth_year")

    def u(comp, seed):
        one = dataclasses.replace(spec, comparisons=(comp,), u_sample_pairs=200_000, u_min_pairs=1, seed=seed)
        return estimate_u(work, one, codes)[0]["date_of_birth"]

    drawn = {
        name: np.array([u(comp, seed) for seed in range(6)]) for name, comp in (("plain", date), ("within", within))
    }
    assert np.allclose(drawn["within"].mean(axis=0), truth, rtol=0.1, atol=1e-4)
    swapped = 1  # day_month_swapped: about 3 pairs in 10,000 here
    assert drawn["within"][:, swapped].std() < 0.5 * drawn["plain"][:, swapped].std()


def test_u_within_is_read_from_the_spec_and_its_column_prepared():
    from pipelines.match.spec import parse_spec

    raw = {
        "match": {"id": "record_key"},
        "derive": [{"name": "birth_year", "from": "date_of_birth", "transform": "year"}],
        "blocking": [{"on": ["full_name"]}],
        "compare": [{"column": "date_of_birth", "preset": "date", "u_within": "birth_year"}],
    }
    parsed = parse_spec(raw)
    assert parsed.comparisons[0].u_within == "birth_year"
    assert "birth_year" in parsed.referenced_columns
    assert "u_within" not in repr(parsed)  # (a saved model's spec fingerprint is kept)


def test_exact_counts_when_no_record_holds_both_ids(spec):
    """No record holding both a personal ID and an old ID number (a registry of CCCDs, a few people with a CMND
    only): no pair shares both, and the counts are still those of every pair. 5467073 raised ValueError there (the
    records holding both, none, left every part empty; ``_joint`` took the largest code of an empty array), so
    match() failed on such a table."""
    table = crowded().with_columns(
        pl.when(pl.col("personal_id").is_null()).then(pl.col("old_id_number")).alias("old_id_number")
    )
    assert table.filter(pl.col("personal_id").is_not_null() & pl.col("old_id_number").is_not_null()).is_empty()
    assert table["old_id_number"].drop_nulls().len() > 1  # (old ID numbers there: the set of both is asked for)
    work = prepare(table, spec)
    codes = ValueCodes(work, derived_sources(spec))
    comp = next(c for c in spec.scored_comparisons if c.name == "ids")
    level = comparison_levels(work, *every_pair(work.height), (comp,), codes)[comp.name]
    counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(comp.levels) + 1)
    found = _exact_counts(work, comp, codes)
    assert found is not None and found.levels == {k: int(counts[k]) for k in found.levels}
    assert found.levels[0] > 0  # (pairs sharing an ID: the count is not trivially 0)


def test_u_within_where_every_pair_agrees_on_the_column(spec):
    """Every record born in one year: no random pair falls outside the birth year (a part with no pair drawn), and
    the date's sampled levels come from the pairs within it, as counting every pair gives them. Before, the empty
    part's 0 / 0 made the pairs seen NaN and every sampled level's share went to "different"."""
    born = pl.date(1992, pl.col("date_of_birth").dt.month(), pl.col("date_of_birth").dt.day())  # (1992: a leap year)
    work = prepare(background(people=300, seed=5).with_columns(born.alias("date_of_birth")), spec)
    assert work["birth_year"].drop_nulls().unique().to_list() == ["1992"]
    date = next(c for c in spec.scored_comparisons if c.name == "date_of_birth")
    codes = ValueCodes(work, derived_sources(spec))
    level = comparison_levels(work, *every_pair(work.height), (date,), codes)["date_of_birth"]
    counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(date.levels) + 1)
    one = dataclasses.replace(spec, comparisons=(date,), u_sample_pairs=200_000, u_min_pairs=1)
    u = estimate_u(work, one, codes)[0]["date_of_birth"]
    sampled = [i for i, share in enumerate(counts / counts.sum()) if 0.01 < share < 0.99]
    assert sampled, counts  # (levels between exact and "different" hold pairs here)
    assert np.allclose(u, counts / counts.sum(), rtol=0.1, atol=1e-3), (u, counts)


def test_a_comparisons_own_u_sample_pairs_counts_it_on_fewer_random_pairs(spec, work):
    """A comparison's ``u_sample_pairs`` counts its sampled levels on the first that many of the table's random
    pairs (with ``u_within``, the first half of them and as many drawn within the column): its u is another sample's, near the u of every pair, its floor half of one of
    its own pairs; the other comparisons keep all the table's pairs, unchanged; as many as the table's or more: as
    if not set."""
    codes = ValueCodes(work, derived_sources(spec))
    name = next(c for c in spec.scored_comparisons if c.u_within == "family_middle_initials")
    date = next(c for c in spec.scored_comparisons if c.name == "date_of_birth")
    assert date.u_within == "birth_year"  # (people.toml's)

    def u(comps, pairs=40_000):
        one = dataclasses.replace(spec, comparisons=comps, u_sample_pairs=pairs, u_min_pairs=1)
        return estimate_u(work, one, codes)[0]

    for comp in (date, dataclasses.replace(date, u_within=None)):
        level = comparison_levels(work, *every_pair(work.height), (comp,), codes)[comp.name]
        counts = np.bincount(level.drop_nulls().to_numpy().astype(np.int64), minlength=len(comp.levels) + 1)
        truth = counts / counts.sum()
        small = dataclasses.replace(comp, u_sample_pairs=5_000)
        together = u((small, name))
        # the other as without the option (all 40,000 pairs)
        assert np.array_equal(together[name.name], u((comp, name))[name.name])
        assert not np.array_equal(together[comp.name], u((comp,))[comp.name])  # (fewer pairs: another sample)
        assert np.allclose(together[comp.name], truth, rtol=0.5, atol=2e-3)
        for larger in (40_000, 90_000):
            assert np.array_equal(
                u((dataclasses.replace(comp, u_sample_pairs=larger),))[comp.name], u((comp,))[comp.name]
            )
    # a level no drawn pair holds is floored at half of one of the comparison's own pairs: the fewer, the higher
    ids = next(c for c in spec.scored_comparisons if c.name == "ids")
    few, all_ = u((dataclasses.replace(ids, u_sample_pairs=2_000),)), u((ids,))
    assert few["ids"].min() > all_["ids"].min()


def test_a_comparisons_u_sample_pairs_is_read_from_the_spec():
    from pipelines.match.spec import SpecError, parse_spec

    raw = {
        "match": {"id": "record_key"},
        "blocking": [{"on": ["full_name"]}],
        "compare": [{"column": "full_name", "preset": "name", "u_sample_pairs": 250_000}],
    }
    parsed = parse_spec(raw)
    assert parsed.comparisons[0].u_sample_pairs == 250_000
    assert "u_sample_pairs" not in repr(parsed.comparisons[0])  # (a saved model's spec fingerprint is kept)
    raw["compare"][0]["u_sample_pairs"] = 0
    with pytest.raises(SpecError, match="u_sample_pairs"):
        parse_spec(raw)
