"""Contradictory decisions go back to a person: never settled by file name, row or load order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import (
    append_audit,
    conflict_errors,
    decision_conflicts,
    effective_decisions,
    load_decisions,
    match_labels,
    placements,
)
from pipelines.schema import REVIEW_DECISION_ERRORS

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
DAY = "2026-11-25"
SPLIT = "su-5b93a4f51b160983"
PAIR = "mp-444e354e9b07fe9b"
ADDRESS = "ua-0094da06d6cf0927"
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def _keys() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item_id": [SPLIT, PAIR, ADDRESS],
            "candidates": [["2025:27154", "2025:27139"], [], []],
            "name_key": ["hoanghoatham", None, None],
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _load(folder):
    return load_decisions(folder, ward_codes={"27154", "27139"}, items=_keys(), today=dt.date(2026, 12, 2))


def _state(audit):
    return {r["item_id"]: r for r in effective_decisions(audit, None).iter_rows(named=True)}


def test_two_wards_placing_the_same_split_street_on_one_day_is_a_conflict(tmp_path):
    (tmp_path / "split_27154.csv").write_text(HEADER + f"{SPLIT},place,Official 27154,{DAY},,27154\n")
    (tmp_path / "split_27139.csv").write_text(HEADER + f"{SPLIT},place,Official 27139,{DAY},,27139\n")
    loaded = _load(tmp_path)
    assert loaded.errors.height == 0 and loaded.rows.height == 2  # each row alone is valid
    audit, _ = append_audit(None, loaded.rows, NOW)
    item = _state(audit)[SPLIT]
    assert item["state"] == "conflict" and item["decision"] is None and item["new_uid"] is None
    assert item["reviewer"] is None and item["note"] is None  # held like contradicting labels: no one's verdict
    errors = conflict_errors(decision_conflicts(audit))
    assert errors.schema == REVIEW_DECISION_ERRORS.polars_schema
    got = sorted(errors.select("source_file", "source_row", "field", "cause").rows())
    assert [(f, r, field) for f, r, field, _ in got] == [
        ("split_27139.csv", 2, "decision"),
        ("split_27154.csv", 2, "decision"),
    ]
    assert got[0][3].startswith("conflicts with split_27154.csv row 2:")
    assert got[1][3].startswith("conflicts with split_27139.csv row 2:")
    for cause in errors["cause"]:  # never the value
        assert "27154" not in cause.replace("split_27154.csv", "") and "place" not in cause
        assert "Official" not in cause and "27139" not in cause.replace("split_27139.csv", "")


def test_same_day_match_and_no_match_keep_the_pair_open_and_unlabelled(tmp_path):
    # two reviewers' files (two rows of one match_pair item in one sheet giving different decisions are refused
    # there: tests/test_review_item_pairs.py)
    (tmp_path / "a.csv").write_text(HEADER + f"{PAIR},match,Reviewer A,2026-11-21,,\n")
    (tmp_path / "b.csv").write_text(HEADER + f"{PAIR},no_match,Reviewer B,2026-11-21,,\n")
    audit, _ = append_audit(None, _load(tmp_path).rows, NOW)
    decisions = effective_decisions(audit, None)
    assert decisions.row(0, named=True)["state"] == "conflict"
    keyed = decisions.with_columns(
        pl.lit("people").alias("entity_kind"), pl.lit("a").alias("left_id"), pl.lit("b").alias("right_id")
    )
    assert match_labels(keyed).height == 0  # neither verdict reaches the matcher
    rows = sorted(conflict_errors(decision_conflicts(audit)).select("source_file", "cause").rows())
    assert rows[0][0] == "a.csv" and "b.csv row 2" in rows[0][1]
    assert rows[1][0] == "b.csv" and "a.csv row 2" in rows[1][1]


def test_a_conflict_across_runs_is_reported_too_and_a_later_date_settles_it(tmp_path):
    first = tmp_path / "run1"
    first.mkdir()
    (first / "a.csv").write_text(HEADER + f"{PAIR},no_match,Reviewer A,2026-11-20,,\n")
    audit, _ = append_audit(None, _load(first).rows, NOW)
    assert _state(audit)[PAIR]["state"] == "closed"
    (first / "mixed.csv").write_text(HEADER + f"{PAIR},MATCH,X,2026-11-20,,\n")
    audit, _ = append_audit(audit, _load(first).rows, NOW + dt.timedelta(days=1))
    assert _state(audit)[PAIR]["state"] == "conflict"
    assert sorted(decision_conflicts(audit)["source_file"].to_list()) == ["a.csv", "mixed.csv"]
    (first / "later.csv").write_text(HEADER + f"{PAIR},match,Reviewer A,2026-11-22,settled,\n")
    audit, _ = append_audit(audit, _load(first).rows, NOW + dt.timedelta(days=2))
    settled = _state(audit)[PAIR]
    assert settled["state"] == "closed" and settled["decision"] == "match"
    assert decision_conflicts(audit).height == 0


def test_agreeing_rows_are_not_a_conflict_and_a_reverse_back_to_a_tie_is(tmp_path):
    (tmp_path / "a.csv").write_text(
        HEADER
        + f"{ADDRESS},place,A,2026-11-20,,27154\n"
        + f"{ADDRESS},place,B,2026-11-20,same,27154\n"  # same verdict by two officials
    )
    audit, _ = append_audit(None, _load(tmp_path).rows, NOW)
    assert _state(audit)[ADDRESS]["state"] == "closed" and decision_conflicts(audit).height == 0
    (tmp_path / "b.csv").write_text(
        HEADER + f"{ADDRESS},place,C,2026-11-20,,27139\n"  # a third official, other ward, same day
    )
    audit, _ = append_audit(audit, _load(tmp_path).rows, NOW)
    assert _state(audit)[ADDRESS]["state"] == "conflict" and decision_conflicts(audit).height == 3
    staged = {"population": pl.DataFrame({"record_key": ["r1"], "old_uid": ["x"], "ward_status": ["unresolved"]})}
    keyed = effective_decisions(audit, None).with_columns(
        pl.lit("population").alias("registry"), pl.lit("r1").alias("record_key")
    )
    assert placements(keyed, staged).height == 0  # no placement from a conflict
    (tmp_path / "c.csv").write_text(
        HEADER + f"{ADDRESS},place,D,2026-11-21,,27154\n" + f"{ADDRESS},reverse,D,2026-11-22,,\n"
    )
    audit, _ = append_audit(audit, _load(tmp_path).rows, NOW)
    assert _state(audit)[ADDRESS]["state"] == "conflict"  # the reverse undoes the 21st: back to the tie of the 20th


def test_an_official_correcting_their_own_row_the_same_day_is_not_a_conflict(tmp_path):
    ward = tmp_path / "ward.csv"
    ward.write_text(HEADER + f"{SPLIT},place,Official A,{DAY},,27139\n")
    audit, _ = append_audit(None, _load(tmp_path).rows, NOW)
    assert _state(audit)[SPLIT]["new_uid"] == "2025:27139"
    ward.write_text(HEADER + f"{SPLIT},place,Official A,{DAY},,27154\n")  # same row, same date, corrected ward
    audit, _ = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=1))
    assert audit.height == 2  # the audit keeps both versions
    item = _state(audit)[SPLIT]
    assert item["state"] == "closed" and item["decision"] == "place" and item["new_uid"] == "2025:27154"
    assert decision_conflicts(audit).height == 0
    # a reverse under the corrected row undoes the correction, not back to the replaced ward
    ward.write_text(HEADER + f"{SPLIT},place,Official A,{DAY},,27154\n{SPLIT},reverse,Official A,{DAY},undo,\n")
    audit, _ = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=2))
    item = _state(audit)[SPLIT]
    assert item["state"] == "reopened" and item["new_uid"] is None
    # a different row of the same file with another ward on the same date is still a conflict
    ward.write_text(HEADER + f"{SPLIT},place,Official A,{DAY},,27154\n{SPLIT},place,Official B,{DAY},,27139\n")
    audit, _ = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=3))
    assert _state(audit)[SPLIT]["state"] == "conflict"
    assert sorted(decision_conflicts(audit)["source_row"].to_list()) == [2, 3]
