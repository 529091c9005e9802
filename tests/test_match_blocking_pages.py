"""Blocking's arrays on small pages: numpy's huge-page switch is off while the key codes and the rules are worked out
(numpy asks for transparent huge pages for arrays of 4 MB or more; where the kernel compacts memory to find them, a
fresh array costs more system time), and put back as it was after, also when calls overlap or one raises."""

from __future__ import annotations

import threading

import pytest
from numpy._core import multiarray as numpy_arrays

import pipelines.match.blocking as blocking
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures


@pytest.fixture(name="switch")
def numpy_switch():
    before = numpy_arrays._get_madvise_hugepage()
    yield
    numpy_arrays._set_madvise_hugepage(before)


def _note_switch(monkeypatch, module, name: str, seen: list[bool]) -> None:
    """Replace ``module.name`` by a call that notes numpy's huge-page switch as it is called."""
    real = getattr(module, name)

    def spied(*args, **kwargs):
        seen.append(numpy_arrays._get_madvise_hugepage())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spied)


@pytest.mark.parametrize("huge", [True, False])
def test_off_while_blocking_and_put_back_as_it_was(work, spec, monkeypatch, switch, huge):
    numpy_arrays._set_madvise_hugepage(huge)
    seen: list[bool] = []
    _note_switch(monkeypatch, blocking, "key_codes", seen)
    _note_switch(monkeypatch, blocking, "_merge", seen)
    pairs, _ = blocking.candidate_pairs(work, spec)
    assert pairs.height > 100
    assert len(seen) > 2 and not any(seen)  # the key columns (on the pool's threads) and the merge
    assert numpy_arrays._get_madvise_hugepage() is huge
    blocking.rule_key_codes(work, spec)
    assert numpy_arrays._get_madvise_hugepage() is huge


def test_overlapping_calls_keep_it_off_until_the_last_ends(switch):
    numpy_arrays._set_madvise_hugepage(True)
    first_in, first_may_end = threading.Event(), threading.Event()
    states: list[bool] = []

    def first():
        with blocking.small_pages():
            first_in.set()
            first_may_end.wait(10)
        states.append(numpy_arrays._get_madvise_hugepage())  # the second still runs

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(10)
    with blocking.small_pages():
        first_may_end.set()
        worker.join(10)
        states.append(numpy_arrays._get_madvise_hugepage())
    assert states == [False, False]
    assert numpy_arrays._get_madvise_hugepage() is True


def test_put_back_when_blocking_raises(switch):
    numpy_arrays._set_madvise_hugepage(True)
    with pytest.raises(RuntimeError), blocking.small_pages():
        assert numpy_arrays._get_madvise_hugepage() is False
        raise RuntimeError("a rule failed")
    assert numpy_arrays._get_madvise_hugepage() is True


def test_off_in_the_rules_and_the_merge_the_sharded_engine_calls(work, spec, monkeypatch, switch):
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
def test_off_for_the_whole_match_run_and_put_back(spec, monkeypatch, switch, huge):
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
    assert numpy_arrays._get_madvise_hugepage() is huge
    with pytest.raises(SpecError, match="full_name"):  # the run fails inside the switch
        match(frame.drop("full_name"), spec)
    assert numpy_arrays._get_madvise_hugepage() is huge
