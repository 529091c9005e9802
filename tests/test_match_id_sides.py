"""An ID on one record only, or IDs of no common kind, are levels of their own (issue 14: namesakes' false links).

Left neutral, a pair with the same name and birth date and an ID on one side only weighed as much as one with no
ID on either side; on the generated 1M city such pairs were linked falsely two to three times as often as the model
said (a person's copies share an ID kind far more often than two people do: of the true pairs 10 % have an ID on one
side only and 0.9 % IDs of no common kind, of random pairs 27 % and 11 %). The levels ``one_side`` and
``not_comparable`` hold only where no value pair is compared; neither record holding a value stays missing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from pipelines.match import SpecError, match, parse_spec
from pipelines.match.compare import comparison_levels, level_labels
from pipelines.match.model import estimate_m
from pipelines.match.prepare import prepare
from tests.match_cases import (
    background,
    frame,
    people_spec,  # noqa: F401 - the spec fixture
    person_row,
)

D = dt.date


def _spec(levels: list[dict], mixed: bool = True):
    return parse_spec(
        {
            "match": {"id": "record_key"},
            "blocking": [{"on": "full_name"}],
            "compare": [{"name": "ids", "columns": ["personal_id", "old_id_number"], "mixed": mixed, "levels": levels}],
        }
    )


EXACT = {"kind": "exact", "label": "exact"}
SIDES = [EXACT, {"kind": "one_side", "label": "one_side"}, {"kind": "not_comparable", "label": "not_comparable"}]


def _levels(spec, rows: list[dict], pairs: list[tuple[int, int]]) -> list[str | None]:
    work = prepare(frame(rows), spec)
    l = pl.Series([a for a, _ in pairs], dtype=pl.UInt32)
    r = pl.Series([b for _, b in pairs], dtype=pl.UInt32)
    labels = level_labels(spec)["ids"]
    return [None if v is None else labels[v] for v in comparison_levels(work, l, r, spec.comparisons)["ids"]]


ROWS = [
    person_row("a", "a", "An", D(2000, 1, 2), "M", pid="079200000001"),
    person_row("b", "b", "An", D(2000, 1, 2), "M"),
    person_row("c", "c", "An", D(2000, 1, 2), "M", cmnd="025000001"),
    person_row("d", "d", "An", D(2000, 1, 2), "M"),
    person_row("e", "e", "An", D(2000, 1, 2), "M", pid="079200000009", cmnd="025000002"),
    person_row("f", "f", "An", D(2000, 1, 2), "M", pid="12345"),  # no ID of a known kind: none
]


def test_one_side_and_not_comparable_hold_only_where_no_value_pair_is_compared():
    got = _levels(_spec(SIDES), ROWS, [(0, 1), (1, 0), (0, 2), (1, 3), (0, 4), (2, 4), (0, 0), (1, 5), (0, 5)])
    assert got == [
        "one_side",  # a CCCD against nothing
        "one_side",  # (either way round)
        "not_comparable",  # a CCCD against only a CMND
        None,  # neither has an ID: neutral
        "different",  # two CCCDs: compared, and they differ
        "different",  # CMND against the other's CMND (it has a CCCD too): compared
        "exact",
        None,  # a value of no ID kind is no ID (mixed)
        "one_side",
    ]


def test_without_the_levels_such_pairs_stay_missing():
    got = _levels(_spec([EXACT]), ROWS, [(0, 1), (0, 2), (1, 3), (0, 4)])
    assert got == [None, None, None, "different"]


def test_the_levels_take_no_parameter():
    with pytest.raises(SpecError, match="takes no parameter"):
        _spec([EXACT, {"kind": "one_side", "label": "one_side", "distance": 1}])


def test_twins_one_of_them_holding_an_id_are_still_refused(spec):
    # same household book and birthday, different given names, a CCCD on one only: nothing tells them apart
    # but the given name, so the twins rule keeps them apart (it read "no ID on either side" only)
    twins = frame(
        [
            person_row("t1", "t1", "Võ Gia Bảo", D(2011, 9, 9), "M", pid="079211000123", household="500000010"),
            person_row("t2", "t2", "Võ Gia Huy", D(2011, 9, 9), "M", household="500000010"),
        ]
    )
    result = match(pl.concat([background(300), twins]), spec)
    pair = result.pairs.filter((pl.col("left_id") == "t1") & (pl.col("right_id") == "t2")).to_dicts()[0]
    assert pair["ids_level"] == "one_side"
    assert pair["decision_reason"] == "cannot-link rule 'twins'"
    ids = result.records.filter(pl.col("record_id").is_in(["t1", "t2"]))["entity_id"]
    assert ids.n_unique() == 2


def _fit_spec(m_rules: list[str] | None, train_second: bool = True):
    compare = [{"name": "x", "column": "x"}, {"name": "y", "column": "y"}]
    if m_rules is not None:
        compare[0]["m_rules"] = m_rules
    return parse_spec(
        {
            "match": {"id": "record_key"},
            "blocking": [{"name": "first", "on": "k1"}, {"name": "second", "on": "k2", "train": train_second}],
            "compare": compare,
        }
    )


def _m_of_x(spec) -> np.ndarray:
    # pairs of the first rule agree on x 90 % of the time, of the second 40 %; y varies in both
    rnd = np.random.default_rng(3)
    n = 4000
    first = np.arange(n) < n // 2
    x = np.where(first, rnd.random(n) < 0.9, rnd.random(n) < 0.4)
    y = rnd.random(n) < 0.7
    gamma = pl.DataFrame({"x": np.where(x, 0, 1).astype(np.int8), "y": np.where(y, 0, 1).astype(np.int8)})
    rules = pl.Series(np.where(first, 1, 2).astype(np.uint32))
    u = {"x": np.array([0.01, 0.99]), "y": np.array([0.01, 0.99])}
    return estimate_m(gamma, rules, spec, u)[0]["x"]


def test_m_rules_take_a_comparisons_m_from_the_named_rules_only():
    alone = _m_of_x(_fit_spec(None, train_second=False))  # only the first rule trained
    both = _m_of_x(_fit_spec(None))  # the default: the two rules' average
    named = _m_of_x(_fit_spec(["first"]))
    assert named == pytest.approx(alone) and abs(both[0] - named[0]) > 0.05
    assert _m_of_x(_fit_spec(["second"]))[0] < named[0] - 0.2  # the second rule's x agrees less often


def test_m_rules_must_name_trained_blocking_rules():
    with pytest.raises(SpecError, match="`m_rules` must name trained blocking rules"):
        _fit_spec(["phone"])
    with pytest.raises(SpecError, match="`m_rules` must name trained blocking rules"):
        _fit_spec(["second"], train_second=False)


def test_a_folded_name_weighs_against_the_chance_of_agreeing_on_the_folded_name():
    # a name agreeing only once folded ("Nguyen Van An" / "Nguyễn Văn An"): its value's share counts the records
    # writing it either way, so its average is u of agreeing exactly or folded (u0 + u1), not u1 alone; measured
    # against u1 the level lost log2((u0 + u1) / u1) bits on every pair (2.7 on the generated 1M city)
    from pipelines.match.model import Model, _tf_adjust

    spec = parse_spec(
        {
            "match": {"id": "record_key"},
            "blocking": [{"on": "full_name"}],
            "compare": [{"name": "name", "column": "full_name", "preset": "name"}],
        }
    )
    comp = spec.comparisons[0]
    assert [lv.kind for lv in comp.levels[:2]] == ["exact", "exact"] and comp.tf_adjust
    u0, u1 = 0.0008, 0.0002
    u = np.array([u0, u1, 0.01, 0.01, 0.01, 1 - u0 - u1 - 0.03])
    model = Model(
        levels={"name": len(u)},
        m={"name": np.full(len(u), 1 / len(u))},
        u={"name": u},
        candidate_match_share=0.1,
        prior=1e-6,
        em_iterations=1,
        converged=True,
        random_pairs=1,
        em_per_rule={},
    )
    exact_share, folded_share = 0.0008, 0.001  # each value as common as an average one
    tables = {
        ("name", "full_name"): pl.Series([exact_share] * 4),
        ("name", "full_name__fold"): pl.Series([folded_share] * 4),
    }
    g = np.array([0, 1], dtype=np.int64)  # an exact pair and a folded one
    w = np.zeros(2)
    _tf_adjust(w, g, comp, model, tables, pl.Series([0, 2], dtype=pl.UInt32), pl.Series([1, 3], dtype=pl.UInt32))
    assert w == pytest.approx([0.0, 0.0], abs=1e-9)  # average values: the levels' own weights
    w = np.zeros(2)
    tables[("name", "full_name__fold")] = pl.Series([folded_share * 4] * 4)  # a common name: 2 bits less
    _tf_adjust(w, g, comp, model, tables, pl.Series([0, 2], dtype=pl.UInt32), pl.Series([1, 3], dtype=pl.UInt32))
    assert w == pytest.approx([0.0, -2.0], abs=1e-9)


def test_a_comparison_implied_by_another_is_not_silenced_by_its_side_levels():
    # "b" implied by "ids": agreeing on b adds no weight where the IDs agree, but an ID on one side only (or of no
    # common kind) is no agreement: b's agreement counts there, as where the IDs are missing
    from pipelines.match.model import Model, score

    spec = parse_spec(
        {
            "match": {"id": "record_key"},
            "blocking": [{"on": "full_name"}],
            "compare": [
                {"name": "ids", "columns": ["personal_id", "old_id_number"], "mixed": True, "levels": SIDES},
                {"name": "b", "column": "sex", "preset": "exact", "implied_by": "ids"},
            ],
        }
    )
    u = {"ids": np.array([0.01, 0.3, 0.1, 0.59]), "b": np.array([0.5, 0.5])}
    m = {"ids": np.array([0.9, 0.05, 0.04, 0.01]), "b": np.array([0.9, 0.1])}
    model = Model(
        levels={"ids": 4, "b": 2},
        m=m,
        u=u,
        candidate_match_share=0.1,
        prior=1e-3,
        em_iterations=1,
        converged=True,
        random_pairs=1,
        em_per_rule={},
    )
    # ids: exact, one_side, not_comparable, different, missing; b agrees on every pair
    gamma = pl.DataFrame({"ids": [0, 1, 2, 3, None], "b": [0, 0, 0, 0, 0]}, schema={"ids": pl.Int8, "b": pl.Int8})
    w = score(pl.Series(range(5), dtype=pl.UInt32), gamma, model, spec, {})["w_b"].to_list()
    agree = float(np.log2(0.9 / 0.5))
    assert w == pytest.approx([0.0, agree, agree, agree, agree], abs=1e-6)
