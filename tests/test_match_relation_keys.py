"""The people spec's untrained name rules are keyed on the relation to the head of household too (HS32): it is copied
with the person, so a pair of a near birth date or no birth date that differs there is two people unless an ID, a
phone or the household book says otherwise (the ID, phone and household rules' pairs). At 1M people 2.23M of the 3.91M
candidate pairs differed on it, none of them one person's. The trained rules are not keyed on it: their pairs estimate
relation's m."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.match import load_spec
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import frame, person_row, rules_pairing

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def test_only_the_untrained_rules_but_the_household_one_gain_the_relation():
    spec = load_spec(PEOPLE_SPEC)
    keyed = {rule.name for rule in spec.blocking if "relation_to_head" in rule.on}
    untrained = {rule.name for rule in spec.blocking if not rule.train}
    assert keyed == untrained  # household_sex_relation had it already
    assert not any("relation_to_head" in rule.on for rule in spec.blocking if rule.train)


def test_a_day_typo_pair_is_a_candidate_only_where_the_relation_agrees():
    born, typo = dt.date(1984, 3, 15), dt.date(1984, 3, 16)  # a digit of the day wrong
    rows = [
        person_row("a", "p", "Nguyễn Văn Hùng", born, "M", household="100000001", relation="Chủ hộ"),
        person_row("same", "p", "Nguyễn Văn Hùng", typo, "M", household="200000002", relation="Chủ hộ"),
        person_row("other", "q", "Nguyễn Văn Hùng", typo, "M", household="300000003", relation="Con"),
    ]
    table = frame(rows)
    assert "name_year_day_or_month" in rules_pairing(table, "a", "same")
    # the same name and date, another relation: no rule pairs them any more
    assert rules_pairing(table, "a", "other") == set()
    # both dates exact: the trained name + date rules pair them whatever the relation
    exact = frame([rows[0], {**rows[2], "date_of_birth": born}])
    assert "given_birth_date" in rules_pairing(exact, "a", "other")


def test_a_record_without_a_date_meets_namesakes_of_its_relation_only():
    rows = [
        person_row("undated", "p", "Trần Thị Lan", dt.date(1990, 1, 1), "F", household="100000001", relation="Vợ"),
        person_row("wife", "p", "Trần Thị Lan", dt.date(1971, 6, 9), "F", household="200000002", relation="Vợ"),
        person_row("daughter", "q", "Trần Thị Lan", dt.date(2001, 2, 3), "F", household="300000003", relation="Con"),
    ]
    table = frame(rows).with_columns(
        pl.when(pl.col("record_key") == "undated").then(None).otherwise(pl.col("date_of_birth")).alias("date_of_birth")
    )
    assert "name_no_birth_date" in rules_pairing(table, "undated", "wife")
    assert rules_pairing(table, "undated", "daughter") == set()
