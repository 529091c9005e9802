"""benchmarks/match_benchmark.py prints the same text for the same outputs: its weights line, per-rule table and
false-link table come in an order that does not depend on a group_by's or a join's order (session 43: the weights
line came in another order each run)."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import match_benchmark as mb  # noqa: E402

SPEC_ORDER = ["name", "name where ids is missing or one_side", "date_of_birth", "ids", "sex", "phone", "home"]


def model_table(level_order=None) -> pl.DataFrame:
    """Rows as Model.table writes them: comparison by comparison in the spec's order, levels 0..k-1 (the last
    ``different``); ``level_order`` lists each comparison's rows in another order."""
    rows = []
    for i, comparison in enumerate(SPEC_ORDER):
        levels = 3 + i % 3
        order = level_order(levels) if level_order else range(levels)
        for k in order:
            rows.append({"comparison": comparison, "level": k, "weight_bits": 10.0 + i - 4.5 * k})
    return pl.DataFrame(rows)


def test_weights_come_in_the_model_tables_order_every_time():
    expected = {c: [10.0 + i, 10.0 + i - 4.5 * (2 + i % 3)] for i, c in enumerate(SPEC_ORDER)}
    table = model_table()
    for _ in range(25):  # a plain group_by gave 8 groups in another order nearly every call
        got = mb.weight_bits(table)
        assert list(got) == SPEC_ORDER
        assert got == expected


def test_weights_are_the_first_and_last_level_whatever_the_rows_order():
    table = model_table()
    scrambled = model_table(lambda n: [n - 1, *range(1, n - 1), 0])  # same comparisons' order, levels reversed ends
    assert mb.weight_bits(scrambled) == mb.weight_bits(table)


def test_weights_line_text():
    weights = {"name": [12.18, -11.84], "ids": [20.6, -14.2]}
    assert (
        mb.weights_line(weights) == "  weights (strongest / different level, bits): name 12.2 / -11.8, ids 20.6 / -14.2"
    )


def test_per_rule_table_in_the_spec_rule_order_then_others_by_name():
    info = {
        "pairs_per_rule": {"phone": 5, "personal_id": 9, "given_birth_date": 7},
        "new_pairs_per_rule": {"phone": 5, "personal_id": 4, "given_birth_date": 2},
        "largest_block_per_rule": {"phone": 2, "personal_id": 3, "given_birth_date": 4},
    }
    rules = pl.DataFrame(  # as true_pair_recall gives them: sorted by name, a rule of an older spec among them
        {"rule": ["given_birth_date", "old_rule", "an_old_rule", "phone"], "true_pairs_found": [3, 1, 2, 4]}
    )
    for frame in (rules, rules.reverse()):
        table = mb.per_rule_table(frame, info)
        assert table["rule"].to_list() == ["phone", "personal_id", "given_birth_date", "an_old_rule", "old_rule"]
        assert table["pairs"].to_list() == [5, 9, 7, None, None]
        assert table["true_pairs_found"].to_list() == [4, None, 3, 2, 1]


def test_false_link_kinds_of_equal_count_come_by_name():
    def pair(ids: str, home: str, p: float) -> dict:
        return {
            "name_level": "different",
            "date_of_birth_level": "different",
            "ids_level": ids,
            "home_level": home,
            "match_probability": p,
        }

    rows = [pair("exact", "different", 0.9)] * 2 + [pair("different", "same_household", 0.95)] * 2
    rows += [pair("different", "different", 0.91)] * 3
    expected = ["other", "IDs agree", "same household (twins, relatives)"]
    for order in (rows, rows[::-1], rows[2:] + rows[:2]):
        for _ in range(10):
            kinds = mb.false_link_kinds(pl.DataFrame(order))
            assert kinds["false_link"].to_list() == expected
            assert kinds["links"].to_list() == [3, 2, 2]
