"""Candidate pairs under the pair floor whatever their values are not scored (``engine._may_reach``): a pair's match
weight is bounded from above by its levels' weights with the most their term-frequency adjustment may add
(``engine._weight_bound``). The bound must hold for every pair, or a pair at or above the floor would be left out
(test_match_pair_floor checks the run's outputs are those of scoring every pair)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from pipelines.match import engine, load_spec, match
from pipelines.match.model import TF_MAX_BOOST_BITS, _tf_adjust, tf_levels
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import _strip, background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def run():
    spec = load_spec(PEOPLE_SPEC)
    return spec, match(background(3000, seed=11), spec, keep_state=True)  # (a state: every pair scored and kept)


def test_no_pair_scores_above_its_weight_bound(run):
    spec, result = run
    scored = result.state.scored
    gamma = scored.select(c.name for c in spec.comparisons)
    weight = scored["match_weight"].to_numpy().astype(np.float64)
    assert scored.height >= 300
    bound = engine._weight_bound(gamma, spec, result.model)
    assert (weight <= bound + 1e-4).all()  # (float32 weights: rounding)
    # the term frequencies' room is needed: without it the bound fails for pairs of rare values (else this shows nothing)
    assert (weight > engine._weight_bound(gamma, spec, result.model, room=False) + 0.1).any()


def test_the_pairs_left_unscored_are_those_under_the_floor(run):
    spec, result = run
    scored = result.state.scored.filter(pl.col("rules") != 0)
    gamma = scored.select(c.name for c in spec.comparisons)
    for floor in (0.0003, 0.001, 0.01):
        may = engine._may_reach(gamma, spec, result.model, floor)
        reaches = (scored["match_probability"] >= floor).to_numpy()
        assert not (reaches & ~may).any()
        assert (~may).sum() >= 30  # some are left unscored (at 1M people most: 3.53M of 3.91M)


# ---- every spec of mappings/match/ on a table generated from its own columns ----------------------------------------

SPECS = sorted((REPO_ROOT / "mappings" / "match").glob("*.toml"))
_WORDS = ["Nguyễn", "Trần", "Lê", "Phạm", "Văn", "Thị", "Minh", "Hoàng", "An", "Bình", "Châu", "Dũng", "Giang", "Hải"]
_RARE = ["Khuê", "Lãm", "Ngạn", "Quỳ", "Sửu", "Thoa", "Uyển", "Vỹ", "Xuyến", "Yên", "Đệ", "Ổn", "Phồn", "Triệu"]
_DIGITS = {"phone": 10, "household_no": 9, "old_id_number": 9, "registration_no": 10, "tax_code": 10}


def _generated(spec, seed: int = 5, entities: int = 700) -> pl.DataFrame:
    """Records of ``entities`` entities with every input column of ``spec`` (its kind read from its name: dates,
    numbers, IDs as digits, codes of units, else words), a third registered two to four times with a clerk's
    slip on each copy (a letter or a digit changed, accents lost, a word dropped, a value missing, a date's digits): values
    drawn from few common words and many rare ones, so that term-frequency adjusted levels both lose and gain."""
    rnd = random.Random(seed)
    columns = sorted(spec.input_columns - {"record_key"})

    def value(column: str):
        if "date" in column or column in ("registered_on", "period_start"):
            return dt.date(1990, 1, 1) + dt.timedelta(days=rnd.randrange(3 * 365))
        if column == "members":
            return rnd.randint(1, 6)
        if "uid" in column:
            return f"{'2025' if column.startswith('new') else 'pre2025'}:{25700 + rnd.randrange(12)}"
        if "kind" in column or column in ("sex", "status", "relation_to_head", "vsic", "tax_office", "period"):
            return f"{column}-{rnd.randrange(4)}"
        if "id" in column or "code" in column or column in _DIGITS:
            return "".join(rnd.choice("0123456789") for _ in range(_DIGITS.get(column, 12)))
        pool = _WORDS if rnd.random() < 0.7 else _RARE
        return " ".join(rnd.choice(pool) for _ in range(3)) if rnd.random() < 0.9 else rnd.choice(_RARE) * 2

    def slip(row: dict) -> dict:
        copy, column = dict(row), rnd.choice(columns)
        text = copy[column]
        if text is None or rnd.random() < 0.15:
            copy[column] = None
        elif isinstance(text, dt.date):
            copy[column] = dt.date(text.year, text.day, text.month) if text.day <= 12 else text.replace(day=1)
        elif isinstance(text, str) and not text.isascii() and rnd.random() < 0.3:  # written without its accents
            copy[column] = _strip(text)
        elif isinstance(text, str) and " " in text and rnd.random() < 0.4:
            words = text.split()
            copy[column] = " ".join(words[:1] + words[2:])
        elif isinstance(text, str) and len(text) > 2:
            i = rnd.randrange(1, len(text) - 1)
            copy[column] = text[:i] + rnd.choice("0123456789" if text.isdigit() else "aeiouy") + text[i + 1 :]
        return copy

    rows = []
    for entity in range(entities):
        row = {column: value(column) for column in columns}
        for copy in range(rnd.choice([1, 1, 2, 3, 4]) if rnd.random() < 0.6 else 1):
            rows.append({"record_key": f"e{entity}-{copy}", **(slip(slip(row)) if copy else row)})
    common = rnd.choice(rows)  # a crowded value of every text column: many records share it
    for row in rnd.sample(rows, len(rows) // 10):
        column = rnd.choice(columns)
        if isinstance(common[column], str):
            row[column] = common[column]
    return pl.DataFrame(rows, infer_schema_length=None)


_FITTED: dict = {}


def _fitted(path):
    """``path``'s spec and its run (keeping a state: every candidate pair scored and kept) on ``_generated``."""
    if path not in _FITTED:
        spec = load_spec(path)
        _FITTED[path] = spec, match(_generated(spec), spec, keep_state=True)
    return _FITTED[path]


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.stem)
def test_the_weight_bound_holds_for_every_spec(path):
    """For every spec, every candidate pair's match weight is at most its bound (``engine._weight_bound``: the
    prior, the levels' weights and the room ``engine._tf_room`` gives the levels ``model.tf_levels`` names), each
    comparison's part at most its level's weight and room; and the room is needed (the bound without it fails) at
    an exact level and, where the spec adjusts them, a similar one (pairs of rare values): drop either from the
    room and this fails."""
    spec, result = _fitted(path)
    scored = result.state.scored
    gamma = scored.select(c.name for c in spec.comparisons)
    assert scored.height >= 300
    weight = scored["match_weight"].to_numpy().astype(np.float64)
    assert (weight <= engine._weight_bound(gamma, spec, result.model) + 1e-4).all()  # (float32 weights: rounding)
    weights, needed, adjusted = result.model.weights(), set(), set()
    for comp in spec.scored_comparisons:
        level = gamma[comp.name].fill_null(-1).to_numpy()
        part = scored[f"w_{comp.name}"].to_numpy().astype(np.float64)
        top = np.append(weights[comp.name] + engine._tf_room(comp), 0.0)[level]
        assert (part <= top + 1e-4).all(), comp.name
        for at in tf_levels(comp):
            adjusted.add(at.similar)
            if (part[level == at.level] > weights[comp.name][at.level] + 0.1).any():  # a rare value's boost
                needed.add(at.similar)
    assert needed == adjusted  # (people: exact and similar levels; households, businesses: exact; taxpayers: none)


class _Rare(dict):
    """Term-frequency tables where every record's value is as rare as can be, whatever column is asked for."""

    def __init__(self, records: int) -> None:
        super().__init__()
        self.records = records

    def __missing__(self, key: tuple[str, str]) -> pl.Series:
        return pl.Series(np.full(self.records, 1e-12))


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.stem)
def test_no_level_moves_by_more_than_its_room(path):
    """At every level of every scored comparison, values as rare as can be (shares of 1e-12, counted as they are)
    move a pair's weight by at most the room ``engine._tf_room`` gives that level: by TF_MAX_BOOST_BITS exactly at
    the levels ``model.tf_levels`` names (one pair side only at an exact one), by nothing elsewhere. Fails if
    ``_tf_adjust`` adjusts a level the bound does not know of, or raises its cap."""
    spec, result = _fitted(path)
    model = replace(result.model, tf_records=None)
    weights = model.weights()
    for comp in spec.scored_comparisons:
        g = np.arange(-1, len(comp.levels) + 1)  # every level, "different" and missing
        l = pl.Series(np.arange(len(g)), dtype=pl.UInt32)
        base = np.append(weights[comp.name], 0.0)[g]
        for r in (l.reverse(), None):  # without the other side only exact levels are adjusted
            w = base.copy()
            _tf_adjust(w, g, comp, model, _Rare(len(g)), l, r)
            room = np.append(engine._tf_room(comp), 0.0)[g]
            assert (w - base <= room + 1e-9).all(), comp.name
            boosted = {a.level for a in tf_levels(comp) if r is not None or not a.similar}
            assert np.allclose((w - base)[1:-1], [TF_MAX_BOOST_BITS if k in boosted else 0.0 for k in g[1:-1]])
