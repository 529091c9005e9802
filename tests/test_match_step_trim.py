"""A small run does not give the C heap's freed pages back after every step (engine.TRIM_STEPS_FROM).

Giving back a step's few tens of MiB, and faulting them in again in the next step, cost the 1M taxpayers' run
(85k records) 0.008-0.009 s wall of eight trims on its own thread and ~0.02 s in all; from TRIM_STEPS_FROM records
each step's freed heap is given back (the memory held between steps of a large run).
"""

from __future__ import annotations

from pipelines.match import engine, load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

SPEC = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")


def test_the_heap_is_given_back_between_steps_from_trim_steps_from_records_only(monkeypatch):
    table = background(people=400)
    trims: list[int] = []
    monkeypatch.setattr(engine, "give_back", lambda: trims.append(1))
    small = match(table, SPEC)
    assert trims == []  # (before: one per step)
    assert table.height < engine.TRIM_STEPS_FROM
    monkeypatch.setattr(engine, "TRIM_STEPS_FROM", table.height)
    large = match(table, SPEC)
    assert len(trims) == len(large.stats["seconds"])  # once per step timed
    for name in ("records", "pairs", "entities"):
        assert getattr(small, name).equals(getattr(large, name))


def test_a_step_timer_without_trim_times_its_steps_alike(monkeypatch):
    trims: list[int] = []
    monkeypatch.setattr(engine, "give_back", lambda: trims.append(1))
    kept, trimmed = engine.StepTimer("%s %.1f %.0f", trim=False), engine.StepTimer("%s %.1f %.0f")
    for lap in (kept, trimmed):
        lap("a")
        lap("b")
    assert trims == [1, 1] and list(kept.seconds) == list(trimmed.seconds) == ["a", "b"]
