"""A decision row's history: the latest version in force wins (A -> B -> A leaves A), and the audit is read once."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import pipelines.review.decisions as decisions_module
from pipelines.review.decisions import (
    append_audit,
    conflict_errors,
    contradiction_errors,
    decision_conflicts,
    effective_decisions,
    hold_contradictions,
    label_contradictions,
    load_decisions,
    placements,
    settle_decisions,
)
from pipelines.review.ids import item_ids
from pipelines.schema import REVIEW_DECISION_AUDIT, REVIEW_ITEM_KEYS

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
ADDRESS = "ua-0094da06d6cf0927"
A, B = "27154", "27139"
NOW = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)


def _items() -> pl.DataFrame:
    rows = {c: [None] for c in REVIEW_ITEM_KEYS.columns} | {
        "item_id": [ADDRESS],
        "kind": ["unresolved_address"],
        "registry": ["population"],
        "record_key": ["rec-1"],
        "candidates": [[]],
    }
    return pl.DataFrame(rows).cast(REVIEW_ITEM_KEYS.polars_schema, strict=False)


def _load(folder):
    return load_decisions(folder, ward_codes={A, B}, items=_items(), today=dt.date(2026, 12, 2))


def _history(tmp_path, versions: list[tuple[str, str]], file: str = "ward.csv") -> pl.DataFrame:
    """The audit after loading the decisions file once per version (ward, date) of its one row, an hour apart."""
    audit = None
    for i, (ward, day) in enumerate(versions):
        (tmp_path / file).write_text(HEADER + f"{ADDRESS},place,Official,{day},,{ward}\n")
        audit, _ = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=i))
    return audit


def _effective(audit: pl.DataFrame) -> dict:
    return effective_decisions(audit, _items()).row(0, named=True)


@pytest.mark.parametrize(
    "days",
    [
        ("2026-11-20", "2026-11-20", "2026-11-20"),  # a same-day correction corrected back
        ("2026-11-20", "2026-11-21", "2026-11-20"),  # back to the first version, its date included
        ("2026-11-20", "2026-11-21", "2026-11-22"),  # a third decision on a later date
    ],
)
def test_a_row_edited_a_b_a_leaves_a_in_effect(tmp_path, days):
    audit = _history(tmp_path, list(zip((A, B, A), days, strict=True)))
    item = _effective(audit)
    assert item["state"] == "closed" and item["new_uid"] == f"2025:{A}"  # not B, the last *new* content
    assert audit["audit_id"].is_unique().all() and audit.schema == REVIEW_DECISION_AUDIT.polars_schema
    assert audit.height == 3  # every version the place held, in load order
    last = audit.sort("loaded_at").row(-1, named=True)
    assert last["new_uid"] == f"2025:{A}" and last["change"].startswith(f"place 2025:{A} by Official")
    # the placement follows: the record is in A
    staged = {
        "population": pl.DataFrame(
            {"record_key": ["rec-1"], "old_uid": [None], "ward_status": ["unresolved"]},
            schema_overrides={"old_uid": pl.String},
        )
    }
    placed = placements(effective_decisions(audit, _items()), staged)
    assert placed["new_uid"].to_list() == [f"2025:{A}"]
    assert decision_conflicts(audit).height == 0  # versions of one row are corrections, not a conflict


def test_loading_the_restored_row_again_adds_nothing_and_a_fourth_edit_wins(tmp_path):
    audit = _history(tmp_path, [(A, "2026-11-20"), (B, "2026-11-20"), (A, "2026-11-20")])
    again, added = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(days=1))
    assert added.height == 0 and again.equals(audit)  # A stands at its place: not added again
    assert added.schema == REVIEW_DECISION_AUDIT.polars_schema
    (tmp_path / "ward.csv").write_text(HEADER + f"{ADDRESS},place,Official,2026-11-20,,{B}\n")
    again, added = append_audit(again, _load(tmp_path).rows, NOW + dt.timedelta(days=2))
    assert added.height == 1 and _effective(again)["new_uid"] == f"2025:{B}"  # A -> B -> A -> B: B
    assert again["audit_id"].is_unique().all()


def test_a_version_already_audited_elsewhere_is_not_added_for_a_new_place(tmp_path):
    """The same decision written in a second file (no version of its own there before) is the same decision: the
    audit keeps it once, as before; only a place that held another version since gets it again."""
    audit = _history(tmp_path, [(A, "2026-11-20")])
    (tmp_path / "copy.csv").write_text(HEADER + f"{ADDRESS},place,Official,2026-11-20,,{A}\n")
    again, added = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=5))
    assert added.height == 0 and again.height == 1


def test_a_new_place_holding_a_version_superseded_elsewhere_is_added_as_with_any_other_note(tmp_path):
    """w1's row said A, then was corrected to B; a second file now says A (same reviewer, date and note). A is no
    longer in force anywhere: the new row is a second opinion against B and is added (a conflict), as the same
    row with any other note is. Before, it was dropped silently because A had once been audited."""
    audit = _history(tmp_path, [(A, "2026-11-20"), (B, "2026-11-20")], file="w1.csv")
    (tmp_path / "w2.csv").write_text(HEADER + f"{ADDRESS},place,Official,2026-11-20,,{A}\n")
    again, added = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=5))
    assert added.height == 1 and added["source_file"].item().endswith("w2.csv")
    assert again["audit_id"].is_unique().all() and again.height == 3
    assert _effective(again)["state"] == "conflict" and decision_conflicts(again).height == 2
    # loaded again unchanged: A now stands at w2, nothing is added
    same, added = append_audit(again, _load(tmp_path).rows, NOW + dt.timedelta(hours=6))
    assert added.height == 0 and same.equals(again)
    # the same row with another note: the same outcome
    (tmp_path / "w2.csv").write_text(HEADER + f"{ADDRESS},place,Official,2026-11-20,x,{A}\n")
    noted, _ = append_audit(audit, _load(tmp_path).rows, NOW + dt.timedelta(hours=5))
    assert _effective(noted)["state"] == "conflict" and decision_conflicts(noted).height == 2


def _match_items(pairs: list[tuple[str, str, str]]) -> tuple[pl.DataFrame, list[str]]:
    keys = pl.DataFrame({"entity_kind": ["people"] * len(pairs), "left_id": [p[0] for p in pairs]}).with_columns(
        pl.Series("right_id", [p[1] for p in pairs])
    )
    ids = item_ids(keys, "match_pair", ["entity_kind", "left_id", "right_id"]).to_list()
    items = keys.with_columns(pl.Series("item_id", ids), pl.lit("match_pair").alias("kind"))
    items = pl.DataFrame(
        {c: items[c] if c in items.columns else pl.Series(c, [None] * len(pairs)) for c in REVIEW_ITEM_KEYS.columns}
    ).cast(REVIEW_ITEM_KEYS.polars_schema, strict=False)
    return items, ids


def test_settle_reads_the_audit_once_and_gives_what_the_four_calls_give(tmp_path, monkeypatch):
    """A run's decisions, conflicts and errors from one filtering of the audit (it grows with every run)."""
    pairs = [("p#1", "p#3", "match"), ("p#2", "p#3", "match"), ("p#1", "p#2", "no_match")]
    match_items, ids = _match_items(pairs)
    items = pl.concat([_items(), match_items])
    (tmp_path / "a.csv").write_text(
        HEADER
        + f"{ADDRESS},place,Official A,2026-11-20,,{A}\n"
        + "".join(f"{i},{d},R,2026-11-20,,\n" for i, (_, _, d) in zip(ids, pairs, strict=True))
    )
    (tmp_path / "b.csv").write_text(HEADER + f"{ADDRESS},place,Official B,2026-11-20,,{B}\n")  # a same-day conflict
    loaded = load_decisions(tmp_path, ward_codes={A, B}, items=items, today=dt.date(2026, 12, 2))
    assert loaded.errors.height == 0
    audit, _ = append_audit(None, loaded.rows, NOW)

    decisions = effective_decisions(audit, items)  # the four calls one by one
    contradictions = label_contradictions(decisions)
    decisions = hold_contradictions(decisions, contradictions)
    errors = pl.concat([conflict_errors(decision_conflicts(audit)), contradiction_errors(audit, contradictions)])

    calls = {"_in_force": 0, "_standing_rows": 0}
    for name in calls:
        original = getattr(decisions_module, name)

        def counted(frame, _original=original, _name=name):
            calls[_name] += 1
            return _original(frame)

        monkeypatch.setattr(decisions_module, name, counted)
    settled = settle_decisions(audit, items)
    assert calls == {"_in_force": 1, "_standing_rows": 1}
    assert settled.decisions.equals(decisions) and settled.errors.equals(errors)
    assert settled.errors.height == 5  # two conflicting rows, three contradicting labels
    assert set(settled.decisions["state"]) == {"conflict"}
    assert sorted(settled.contradictions["item_id"]) == sorted(ids)
    assert settled.conflicts["item_id"].unique().to_list() == [ADDRESS]
