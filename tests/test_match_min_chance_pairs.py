"""A level's `min_chance_pairs`: its weight is held to log2(matched pairs at the level / min_chance_pairs), and to 0
where they are fewer, so that on a small table a few dozen pairs cannot make an agreement rare by chance (one old unit
of thousands) strong evidence (model._bounded), while a city's rules, with matches enough for that many chance
agreements, weigh it in full (issue 14: the place as evidence, HA4)."""

from __future__ import annotations

import random
import tomllib

import numpy as np
import polars as pl
import pytest

from pipelines.match import match
from pipelines.match.model import _bounded
from pipelines.match.spec import SpecError, parse_spec
from pipelines.reference import default_reference
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import COLUMNS, background, frame
from tests.test_id_placeholders import PLACEHOLDERS, _hung_rows, _stage_csv

PEOPLE = REPO_ROOT / "mappings" / "match" / "people.toml"
PLACE = [
    {"kind": "exact", "label": "same_household", "column": "household_no"},
    {"kind": "exact", "label": "same_unit", "column": "old_uid"},
    {"kind": "exact", "label": "same_district", "column": "old_uid__old_district"},
]


def _people_with_place(held: float | None) -> dict:
    """The people spec with its home comparison the household book, else the old unit, else the old district (the
    place levels held by ``held``, or not at all)."""
    raw = tomllib.loads(PEOPLE.read_text(encoding="utf-8"))
    home = next(c for c in raw["compare"] if c["name"] == "home")
    home.pop("column", None)
    home["columns"] = ["household_no", "old_uid"]
    home["levels"] = [
        {**lv, **({"min_chance_pairs": held} if held is not None and lv["label"] != "same_household" else {})}
        for lv in PLACE
    ]
    return raw


def _spec(raw: dict):
    return parse_spec(raw)


def test_a_level_is_held_to_its_matched_pairs_over_min_chance_pairs_and_to_neutral_under():
    spec = _spec(_people_with_place(100))
    u = {"home": np.array([1e-5, 1e-4, 2e-3, 1 - 1e-5 - 1e-4 - 2e-3])}
    m = {"home": np.array([0.5, 0.2, 0.05, 0.25])}
    small = _bounded(m, u, 180.0, spec)["home"]  # 36 and 9 matched pairs at the place levels: fewer than 100
    assert small[1] == pytest.approx(1e-4) and small[2] == pytest.approx(2e-3)  # neutral: m = u
    assert small[0] == 0.5 and small.sum() == pytest.approx(1.0)  # the book untouched, the rest to "different"
    assert small[3] == pytest.approx(0.25 + 0.2 - 1e-4 + 0.05 - 2e-3)
    middle = _bounded(m, u, 5_000.0, spec)["home"]  # 1,000 pairs in one unit, 250 in one district
    assert middle[1] / u["home"][1] == pytest.approx(10.0) and middle[2] / u["home"][2] == pytest.approx(2.5)
    city = _bounded(m, u, 2_000_000.0, spec)["home"]  # matches x u = 200 and 4,000: not held
    assert np.array_equal(city, m["home"])
    assert np.array_equal(_bounded(m, u, 180.0, _spec(_people_with_place(None)))["home"], m["home"])


def test_min_chance_pairs_is_checked():
    with pytest.raises(SpecError, match="min_chance_pairs"):
        _spec(_people_with_place(0.5))


def _six_of_one_ward(tmp_path) -> tuple[pl.DataFrame, pl.Series]:
    """tests/test_id_placeholders' table: 1,500 background people each in one old unit, a copy in its person's unit
    four times in ten, beside six namesakes of one ward (one birth year, placeholder IDs)."""
    _, result = _stage_csv(tmp_path, _hung_rows(*PLACEHOLDERS))
    units = default_reference().units_pre2025["unit_uid"].to_list()
    rnd, home, olds = random.Random(7), {}, []
    bg = background(1500)
    for person in bg["person"].to_list():
        first = person not in home
        home.setdefault(person, rnd.choice(units))
        olds.append(home[person] if first or rnd.random() < 0.4 else rnd.choice(units))
    six = result.staged.with_columns(pl.lit("2025:26740").alias("new_uid"), pl.col("record_key").alias("person"))
    six = six.select([pl.col(c) if c in six.columns else pl.lit(None, pl.String).alias(c) for c in COLUMNS])
    table = pl.concat([bg.with_columns(pl.Series("old_uid", olds)), frame([]), six], how="vertical_relaxed")
    return table, result.staged["record_key"]


def _place_weight(out) -> float:
    model = out.model_table()
    return float(model.filter((pl.col("comparison") == "home") & (pl.col("label") == "same_unit"))["weight_bits"][0])


def test_on_a_small_table_the_old_unit_is_not_weighed_and_six_namesakes_of_one_ward_stay_six(tmp_path):
    table, six = _six_of_one_ward(tmp_path)
    out = match(table, _spec(_people_with_place(100)))
    assert _place_weight(out) == pytest.approx(0.0, abs=1e-9)
    hung = out.records.filter(pl.col("record_id").is_in(six.implode()))
    assert hung.height == 6 and hung["entity_id"].n_unique() == 6
    # not held (cd334a8's levels), EM weighs the unit on the rules' few dozen pairs in one unit and the six merge
    loose = match(table, _spec(_people_with_place(None)))
    assert _place_weight(loose) > 8
    assert loose.records.filter(pl.col("record_id").is_in(six.implode()))["entity_id"].n_unique() < 6
