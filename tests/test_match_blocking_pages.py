"""Blocking's arrays on small pages (pipelines/match/memory.py): numpy's huge-page switch is off while the key codes
and the rules are worked out and for match()'s whole run (numpy asks for transparent huge pages for arrays of 4 MB
or more; where the kernel compacts memory to find them, a fresh array costs more system time), and put back as it
was after, also when calls overlap or one raises. ``turned`` notes each value memory sets the switch to: with the
switch already off (huge=False) the state alone would not tell whether it was turned. A numpy without the (private)
switch: match() runs with numpy's pages and says so once."""

from __future__ import annotations

import logging
import threading

import pytest
from numpy._core import multiarray as numpy_arrays

import pipelines.match.blocking as blocking
import pipelines.match.memory as memory
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures


@pytest.fixture(name="turned")
def switch_turns(monkeypatch):
    """The values memory sets numpy's switch to, in order; the switch put back as it was after the test."""
    before = numpy_arrays._get_madvise_hugepage()
    real, turns = memory._set_huge_pages, []

    def noted(on: bool) -> bool:
        turns.append(on)
        return real(on)

    monkeypatch.setattr(memory, "_set_huge_pages", noted)
    yield turns
    numpy_arrays._set_madvise_hugepage(before)


def _note_switch(monkeypatch, module, name: str, seen: list[bool]) -> None:
    """Replace ``module.name`` by a call that notes numpy's huge-page switch as it is called."""
    real = getattr(module, name)

    def spied(*args, **kwargs):
        seen.append(numpy_arrays._get_madvise_hugepage())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spied)


@pytest.mark.parametrize("huge", [True, False])
def test_off_while_blocking_and_put_back_as_it_was(work, spec, monkeypatch, turned, huge):
    numpy_arrays._set_madvise_hugepage(huge)
    seen: list[bool] = []
    _note_switch(monkeypatch, blocking, "key_codes", seen)
    _note_switch(monkeypatch, blocking, "_merge", seen)
    pairs, _ = blocking.candidate_pairs(work, spec)
    assert pairs.height > 100
    assert len(seen) > 2 and not any(seen)  # the key columns (on the pool's threads) and the merge
    assert turned == [False, huge]  # turned off once, put back as it was
    assert numpy_arrays._get_madvise_hugepage() is huge
    turned.clear()
    blocking.rule_key_codes(work, spec)
    assert turned == [False, huge]
    assert numpy_arrays._get_madvise_hugepage() is huge


def test_overlapping_calls_keep_it_off_until_the_last_ends(turned):
    numpy_arrays._set_madvise_hugepage(True)
    first_in, first_may_end = threading.Event(), threading.Event()
    states: list[bool] = []

    def first():
        with memory.small_pages():
            first_in.set()
            first_may_end.wait(10)
        states.append(numpy_arrays._get_madvise_hugepage())  # the second still runs

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(10)
    with memory.small_pages():
        first_may_end.set()
        worker.join(10)
        states.append(numpy_arrays._get_madvise_hugepage())
    assert states == [False, False]
    assert turned == [False, True]  # by the first in and the last out only
    assert numpy_arrays._get_madvise_hugepage() is True


def test_put_back_when_blocking_raises(turned):
    numpy_arrays._set_madvise_hugepage(True)
    with pytest.raises(RuntimeError), memory.small_pages():
        assert numpy_arrays._get_madvise_hugepage() is False
        raise RuntimeError("a rule failed")
    assert numpy_arrays._get_madvise_hugepage() is True


def test_off_in_the_rules_and_the_merge_the_sharded_engine_calls(work, spec, monkeypatch, turned):
    """shards.py calls ``rule_key_chunks`` and ``_merge`` itself, not through ``candidate_pairs``."""
    numpy_arrays._set_madvise_hugepage(True)
    seen: list[bool] = []
    _note_switch(monkeypatch, blocking, "_all_pairs", seen)
    keyed = blocking.rule_key_codes(work, spec)
    words: list = []
    blocking.rule_key_chunks(work, spec.blocking[3], words.append, keyed)
    assert seen and not any(seen)
    assert numpy_arrays._get_madvise_hugepage() is True
    merged = blocking._merge(words, work.height)
    assert merged.height and numpy_arrays._get_madvise_hugepage() is True


@pytest.mark.parametrize("huge", [True, False])
def test_off_for_the_whole_match_run_and_put_back(spec, monkeypatch, turned, huge):
    """``match`` keeps the switch off beyond blocking (comparing makes fresh arrays of millions of pairs too) and
    puts it back as it was, also when the run fails."""
    import pipelines.match.engine as engine
    from pipelines.match import match
    from pipelines.match.spec import SpecError
    from tests.match_cases import background

    numpy_arrays._set_madvise_hugepage(huge)
    seen: list[bool] = []
    _note_switch(monkeypatch, engine, "comparison_levels", seen)
    frame = background(people=600, seed=3)
    assert match(frame, spec).records.height == frame.height
    assert seen and not any(seen)
    assert turned == [False, huge]  # once for the whole run: blocking's own calls nest inside it
    assert numpy_arrays._get_madvise_hugepage() is huge
    turned.clear()
    with pytest.raises(SpecError, match="full_name"):  # the run fails inside the switch
        match(frame.drop("full_name"), spec)
    assert turned == [False, huge]
    assert numpy_arrays._get_madvise_hugepage() is huge


def test_a_numpy_without_the_switch_runs_with_its_pages_and_says_so_once(spec, monkeypatch, caplog):
    """The switch is numpy's private ``_set_madvise_hugepage``: a numpy without it matches as usual, with the pages
    numpy chooses (its switch left as it was), and the process is told once, not at each of blocking's calls."""
    from pipelines.match import match
    from tests.match_cases import background

    frame = background(people=600, seed=3)
    usual = match(frame, spec).records
    huge = numpy_arrays._get_madvise_hugepage()
    monkeypatch.setattr(memory, "_set_huge_pages", None)
    monkeypatch.setattr(memory, "_said_no_switch", False)
    with caplog.at_level(logging.WARNING, logger="wardbridge.match"):
        runs = [match(frame, spec).records for _ in range(2)]
    said = [r for r in caplog.records if "_set_madvise_hugepage" in r.getMessage()]
    assert len(said) == 1 and "the memory pages numpy chooses" in said[0].getMessage()
    assert all(run.equals(usual) for run in runs)
    assert numpy_arrays._get_madvise_hugepage() is huge
