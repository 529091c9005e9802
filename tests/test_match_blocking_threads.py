"""Blocking's threads: the same pairs and report whatever the number of rules worked out at a time or the pool they run
on, and the engine blocks on the pool of two that counts u (the rules one at a time while u is counted, two at a
time once it is done; never a third thread on two cores, which cost CPU, not wall)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import polars as pl

import pipelines.match.blocking as blocking
import pipelines.match.engine as engine
from pipelines.match import match
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures


def test_one_thread_or_two_give_the_same_pairs_and_report(work, spec):
    one, report_one = blocking.candidate_pairs(work, spec, threads=1)
    two, report_two = blocking.candidate_pairs(work, spec, threads=2)
    assert one.height > 100
    assert one.equals(two)
    assert report_one.pairs_per_rule == report_two.pairs_per_rule
    assert report_one.new_pairs_per_rule == report_two.new_pairs_per_rule
    assert report_one.largest_block == report_two.largest_block
    assert report_one.capped_blocks.equals(report_two.capped_blocks)


def test_the_rules_on_a_given_pool_give_the_same_pairs_and_run_there(work, spec, monkeypatch):
    one, report_one = blocking.candidate_pairs(work, spec, threads=1)
    ran: list[str] = []

    class Own(ThreadPoolExecutor):  # (a pool blocking would make itself: none may be)
        def __init__(self, *args, **kwargs):
            raise AssertionError("blocking made a pool of its own")

    monkeypatch.setattr(blocking, "ThreadPoolExecutor", Own)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="given") as pool:
        busy, done = threading.Event(), threading.Event()
        pool.submit(lambda: (busy.set(), done.wait(60)))  # u: one worker held until blocking is done
        busy.wait(10)
        key_codes = blocking.key_codes

        def spied(*args, **kwargs):
            ran.append(threading.current_thread().name)
            return key_codes(*args, **kwargs)

        monkeypatch.setattr(blocking, "key_codes", spied)
        given, report_given = blocking.candidate_pairs(work, spec, pool=pool)
        done.set()
    assert ran and all(name.startswith("given") for name in ran)  # on the given pool's free worker
    assert one.equals(given)
    assert report_one.pairs_per_rule == report_given.pairs_per_rule
    assert report_one.capped_blocks.equals(report_given.capped_blocks)


def test_the_engine_blocks_on_the_pool_that_counts_u(work, spec, monkeypatch):
    pools: list[int] = []
    asked: list[object] = []

    class Counted(ThreadPoolExecutor):
        def __init__(self, max_workers=None, *args, **kwargs):
            pools.append(max_workers)
            super().__init__(max_workers, *args, **kwargs)

    candidate_pairs = blocking.candidate_pairs

    def spied(*args, **kwargs):
        asked.append(kwargs.get("pool"))
        assert kwargs.get("threads") is None
        return candidate_pairs(*args, **kwargs)

    monkeypatch.setattr(blocking, "ThreadPoolExecutor", Counted)
    monkeypatch.setattr(engine, "candidate_pairs", spied)
    frame = work.select(pl.all().exclude("^_.*$"))  # (prepare's row number left out: match numbers the rows)
    match(frame.select(c for c in frame.columns if c in spec.input_columns | spec.optional_columns), spec)
    assert len(asked) == 1 and isinstance(asked[0], ThreadPoolExecutor)  # u's pool (a table that is not tiny)
    assert asked[0]._max_workers == 2
    assert pools == []  # blocking made no pool of its own: the key columns and the rules ran on u's
