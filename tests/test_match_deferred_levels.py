"""Comparisons only a cannot-link rule and the pair table read (the people spec's given_name, for the twins rule) are
worked out after scoring, for the pairs that may need them (``engine.deferred_comparisons``, ``_deferred_levels``):
at or above the pair floor, judged by a reviewer, or where the rule holds on its other comparisons. The run is the
same as with every candidate pair's levels worked out at once: pair table, records, entities, review queue and the
counts of the pairs left under the floor per veto."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

import pipelines.match.engine as engine
from pipelines.match import load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row
from tests.test_match import hand_built


@pytest.fixture(scope="module")
def spec():
    return load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    # housemates born the same day with nothing of a name in common: the twins rule holds on the book, the birth
    # date and the IDs, the given names differ, and the pair scores under the floor (counted, not kept)
    day = dt.date(2001, 4, 9)
    housemates = frame(
        [
            person_row("mate-1", "mate-a", "Nguyễn Văn An", day, "M", household="777000001"),
            person_row("mate-2", "mate-b", "Trần Thị Bích Ngọc", day, "F", household="777000001"),
        ]
    )
    return pl.concat([background(people=2500, seed=5), hand_built(), housemates])


def _recorded(monkeypatch) -> list[tuple[int, set[str]]]:
    """Per ``_levels_in_chunks`` call: its pairs and the comparisons worked out."""
    seen: list[tuple[int, set[str]]] = []
    levels = engine._levels_in_chunks

    def recording(work, pairs, spec, codes, comparisons=None):
        seen.append((pairs.height, {c.name for c in (spec.comparisons if comparisons is None else comparisons)}))
        return levels(work, pairs, spec, codes, comparisons)

    monkeypatch.setattr(engine, "_levels_in_chunks", recording)
    return seen


def _same_run(a, b) -> None:
    for name in ("pairs", "records", "entities", "review"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.stats["pairs_below_floor"] == b.stats["pairs_below_floor"]
    assert a.stats["decisions"] == b.stats["decisions"]


def test_given_name_is_deferred_and_worked_out_for_few_pairs(spec, table, monkeypatch):
    assert [c.name for c in engine.deferred_comparisons(spec)] == ["given_name"]
    seen = _recorded(monkeypatch)
    deferred = match(table, spec)
    candidates = deferred.stats["candidate_pairs"]
    assert (candidates, set(c.name for c in spec.comparisons) - {"given_name"}) in seen
    given = [n for n, names in seen if "given_name" in names]
    # each time for some of the pairs only (most candidate pairs of this small table are copies: kept): while the
    # model is fitted, for the pairs where the twins rule's other comparisons hold (every pair's veto, _veto_numbers),
    # then per scored chunk for the pairs the table may keep and those where the rule's others hold (their veto)
    assert given and all(0 < n < candidates for n in given)
    twin = deferred.pairs.filter(pl.col("left_id") == "twin-1")
    assert twin["decision_reason"].to_list() == ["cannot-link rule 'twins'"]
    assert twin["given_name_level"].to_list() == ["different"]
    # the same run with every candidate pair's given name compared at once
    monkeypatch.setattr(engine, "deferred_comparisons", lambda spec: ())
    seen.clear()
    whole = match(table, spec)
    assert (candidates, {c.name for c in spec.comparisons}) in seen
    _same_run(deferred, whole)


def test_a_twins_veto_under_the_floor_is_counted_as_before(spec, table, monkeypatch):
    # the housemates score 0.89 on this small table: a floor over it leaves them out, counted by their veto, which
    # needs their given names' level (worked out for them: the rule holds on the book, the date and the IDs)
    high = replace(spec, pair_floor=0.95)
    deferred = match(table, high)
    assert deferred.stats["pairs_below_floor"]["per_veto"]["cannot-link rule 'twins'"] >= 1
    assert deferred.pairs.filter(pl.col("left_id") == "mate-1").height == 0
    monkeypatch.setattr(engine, "deferred_comparisons", lambda spec: ())
    _same_run(deferred, match(table, high))


def test_pairs_reviewers_judged_under_the_floor_have_their_deferred_levels(spec, table, monkeypatch):
    first = match(table, spec, keep_candidates=True)
    # candidate pairs left under the floor: judged different (kept in the pair table whatever their score)
    kept = first.pairs.select("left_id", "right_id")
    row_ids = table["record_key"]
    pairs = first.candidates
    candidates = pl.DataFrame({"left_id": row_ids.gather(pairs["l"]), "right_id": row_ids.gather(pairs["r"])})
    below = candidates.join(kept, on=["left_id", "right_id"], how="anti").head(25)
    assert below.height == 25
    reviewed = match(table, spec, cannot_link_pairs=below)
    judged = reviewed.pairs.join(below, on=["left_id", "right_id"], how="semi")
    assert judged.height == 25
    assert judged["given_name_level"].null_count() < 25  # worked out for them (not left missing)
    monkeypatch.setattr(engine, "deferred_comparisons", lambda spec: ())
    _same_run(reviewed, match(table, spec, cannot_link_pairs=below))
