"""Blocking's threads: the same pairs and report whatever the number of rules worked out at a time, and the engine
blocks on one thread while u is counted on the other core (three threads on two cores cost CPU, not wall)."""

from __future__ import annotations

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


def test_the_engine_blocks_on_one_thread_while_u_is_counted_beside(work, spec, monkeypatch):
    pools: list[int] = []
    asked: list[int | None] = []

    class Counted(ThreadPoolExecutor):
        def __init__(self, max_workers=None, *args, **kwargs):
            pools.append(max_workers)
            super().__init__(max_workers, *args, **kwargs)

    candidate_pairs = blocking.candidate_pairs

    def spied(*args, **kwargs):
        asked.append(kwargs.get("threads"))
        return candidate_pairs(*args, **kwargs)

    monkeypatch.setattr(blocking, "ThreadPoolExecutor", Counted)
    monkeypatch.setattr(engine, "candidate_pairs", spied)
    frame = work.select(pl.all().exclude("^_.*$"))  # (prepare's row number left out: match numbers the rows)
    match(frame.select(c for c in frame.columns if c in spec.input_columns | spec.optional_columns), spec)
    assert asked == [1]  # u on the other core (a table that is not tiny)
    assert pools and set(pools) == {1}  # the key columns and the rules, one at a time
