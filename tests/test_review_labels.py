"""Match labels that cannot all hold go back to a person; a 'match' the matcher refused reopens its item."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import (
    append_audit,
    contradiction_errors,
    effective_decisions,
    hold_contradictions,
    label_contradictions,
    match_labels,
)
from pipelines.review.ids import item_ids
from pipelines.review.queues import ReviewInputs, unhonoured_matches
from pipelines.schema import REVIEW_DECISION_ERRORS, REVIEW_ITEM_KEYS

NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 20)
GUARD = "ambiguity guard: about as strong a link to a record its evidence says is someone else"


def _pairs(pairs: list[tuple[str, str, str]]) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(audit, item keys, ids) for match_pair decisions [(left, right, decision)] of people, one row each."""
    keys = pl.DataFrame(
        {"entity_kind": ["people"] * len(pairs), "left_id": [p[0] for p in pairs], "right_id": [p[1] for p in pairs]}
    )
    ids = item_ids(keys, "match_pair", ["entity_kind", "left_id", "right_id"]).to_list()
    rows = pl.DataFrame(
        {
            "item_id": ids,
            "kind": ["match_pair"] * len(pairs),
            "decision": [p[2] for p in pairs],
            "new_uid": [None] * len(pairs),
            "reviewer": [f"R{i}" for i in range(len(pairs))],
            "decided_on": [DAY] * len(pairs),
            "note": [None] * len(pairs),
            "source_file": ["d.csv"] * len(pairs),
            "sheet": [None] * len(pairs),
            "source_row": list(range(2, 2 + len(pairs))),
        },
        schema_overrides={"new_uid": pl.String, "note": pl.String, "sheet": pl.String, "source_row": pl.UInt32},
    )
    audit, _ = append_audit(None, rows, NOW)
    items = keys.with_columns(pl.Series("item_id", ids), pl.lit("match_pair").alias("kind"))
    items = pl.DataFrame(
        {c: items[c] if c in items.columns else pl.Series(c, [None] * len(pairs)) for c in REVIEW_ITEM_KEYS.columns}
    ).cast(REVIEW_ITEM_KEYS.polars_schema, strict=False)
    return audit, items, ids


def test_a_no_match_inside_a_chain_of_matches_is_reported_and_the_items_stay_open():
    audit, items, ids = _pairs([("p#1", "p#3", "match"), ("p#2", "p#3", "match"), ("p#1", "p#2", "no_match")])
    decisions = effective_decisions(audit, items)
    assert set(decisions["state"]) == {"closed"}  # each decision alone is fine
    found = label_contradictions(decisions)
    assert sorted(found["item_id"]) == sorted(ids)
    assert found.filter(pl.col("item_id") == ids[2])["others"].to_list()[0] == sorted(ids[:2])
    held = hold_contradictions(decisions, found)
    assert set(held["state"]) == {"conflict"} and held["decision"].null_count() == 3
    assert match_labels(held).height == 0  # none of the three labels reaches the matcher
    errors = contradiction_errors(audit, found)
    assert errors.schema == REVIEW_DECISION_ERRORS.polars_schema
    assert sorted(errors.select("source_file", "source_row", "field").rows()) == [
        ("d.csv", 2, "decision"),
        ("d.csv", 3, "decision"),
        ("d.csv", 4, "decision"),
    ]
    cause = errors.filter(pl.col("source_row") == 4)["cause"][0]
    assert cause.startswith(f"contradicts decisions {sorted(ids[:2])[0]}, {sorted(ids[:2])[1]}")
    assert "p#" not in "".join(errors["cause"]) and "R1" not in "".join(errors["cause"])  # ids of items, not values


def test_consistent_labels_are_not_contradictions():
    audit, items, _ = _pairs(
        [("p#1", "p#2", "match"), ("p#2", "p#3", "match"), ("p#1", "p#4", "no_match"), ("p#5", "p#6", "no_match")]
    )
    decisions = effective_decisions(audit, items)
    found = label_contradictions(decisions)
    assert found.height == 0
    assert hold_contradictions(decisions, found).equals(decisions)
    assert match_labels(decisions).height == 4


def _inputs(review: pl.DataFrame) -> ReviewInputs:
    return ReviewInputs(staged={}, quarantine={}, review={"people": review}, ward_names=pl.DataFrame())


def test_a_match_the_matcher_refused_reopens_its_item_with_the_reason():
    audit, items, ids = _pairs([("p#1", "p#3", "match"), ("p#2", "p#3", "match"), ("p#4", "p#5", "match")])
    decisions = effective_decisions(audit, items)
    review = pl.DataFrame(
        {
            "left_id": ["p#3", "p#2", "p#4"],  # p#3/p#1 as the matcher wrote it: order does not matter
            "right_id": ["p#1", "p#3", "p#5"],
            "decision": ["refused", "refused", "refused"],
            "decision_reason": [GUARD, GUARD, GUARD],
            "same_entity": [False, True, False],  # p#2~p#3 ended up together anyway: honoured
        }
    )
    out = unhonoured_matches(_inputs(review), decisions)
    assert sorted(out["item_id"]) == sorted([ids[0], ids[2]])
    assert all(GUARD in s and s.startswith("reopened: the 'match' decision was not applied") for s in out["_reopened"])
    # a no_match or an honoured match is not reopened
    nothing = review.with_columns(pl.lit(True).alias("same_entity"))
    assert unhonoured_matches(_inputs(nothing), decisions).height == 0
    assert unhonoured_matches(_inputs(review.clear()), decisions).height == 0


def test_only_the_matches_on_a_chain_between_the_no_match_records_are_held():
    # a chain p1..p7 and a no_match p1-p3: p3-p4 .. p6-p7 are on no path between p1 and p3
    chain = [(f"p#{i}", f"p#{i + 1}", "match") for i in range(1, 7)]
    audit, items, ids = _pairs([*chain, ("p#1", "p#3", "no_match")])
    found = label_contradictions(effective_decisions(audit, items))
    assert sorted(found["item_id"]) == sorted([ids[0], ids[1], ids[6]])
    # a square p1-p2-p3-p4-p1 with a tail p3-p5 and a branch p2-p6: both ways round the square are chains, the
    # tail and the branch are not
    square = [("p#1", "p#2", "match"), ("p#2", "p#3", "match"), ("p#3", "p#4", "match"), ("p#4", "p#1", "match")]
    extra = [("p#3", "p#5", "match"), ("p#2", "p#6", "match"), ("p#1", "p#3", "no_match")]
    audit, items, ids = _pairs([*square, *extra])
    decisions = effective_decisions(audit, items)
    found = label_contradictions(decisions)
    assert sorted(found["item_id"]) == sorted([*ids[:4], ids[6]])
    assert found.filter(pl.col("item_id") == ids[6])["others"].to_list()[0] == sorted(ids[:4])
    held = hold_contradictions(decisions, found)
    assert sorted(match_labels(held)["item_id"]) == sorted(ids[4:6])  # tail and branch still reach the matcher
    # two no_match pairs in one group: the union of their chains
    audit, items, ids = _pairs([*chain, ("p#1", "p#3", "no_match"), ("p#7", "p#5", "no_match")])
    found = label_contradictions(effective_decisions(audit, items))
    assert sorted(found["item_id"]) == sorted([ids[0], ids[1], ids[4], ids[5], ids[6], ids[7]])
