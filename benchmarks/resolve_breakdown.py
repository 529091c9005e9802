"""Where ``resolve_addresses`` spends its CPU: the Python parser's reads timed per stage and outcome.

Used by ``benchmarks/resolve_benchmark.py --breakdown``; importing this module changes nothing (no
thread or CPU settings: the benchmark sets those)."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager

import polars as pl

from pipelines._native import source_module
from pipelines.reference import Reference

# The resolver as Python: its reads are timed through wrappers of module attributes, which the compiled
# module's own calls would not go through (pipelines/_native.py).
r = source_module()

STAGES = ("comma tails", "comma-less cut tails", "whole addresses")


def breakdown(addresses: pl.Series, reference: Reference) -> pl.DataFrame:
    """Where ``resolve_addresses`` spends its CPU on ``addresses`` (in this process, one core): every
    read of the Python parser timed and counted per stage (comma tails, comma-less cut tails, whole
    addresses) and per outcome (status, scheme); the rest of the call is Polars work and glue.

    The parser's functions are wrapped for the call only (module attributes, restored after); the
    timing adds about 1 us per read. Every read counts, also one whose reading a row does not use
    (a tail whose lookups would read on into the text before it is then read otherwise). Prints the
    totals per stage and returns one row per (stage, status, scheme).
    """
    stage = ["-"]
    reads: list[tuple[str, str, str | None, float]] = []
    saved = {name: getattr(r, name) for name in ("read_tokens", "_read_tails", "_read_cut_tails", "_read_whole")}

    def timed_read(idx, clean, tokens, hint, side):
        t = time.process_time()
        res = saved["read_tokens"](idx, clean, tokens, hint, side)
        reads.append((stage[0], res.status, res.scheme, time.process_time() - t))
        return res

    @contextmanager
    def in_stage(name: str):
        before, stage[0] = stage[0], name
        try:
            yield
        finally:
            stage[0] = before

    def staged(name: str, fn):
        def run(*args, **kwargs):
            with in_stage(name):
                return fn(*args, **kwargs)

        return run

    index = r.build_index(reference)  # fresh: no reading cached from an earlier call
    r.read_tokens = timed_read
    r._read_tails = staged(STAGES[0], saved["_read_tails"])
    r._read_cut_tails = staged(STAGES[1], saved["_read_cut_tails"])
    r._read_whole = staged(STAGES[2], saved["_read_whole"])
    try:
        gc.collect()
        started = time.process_time()
        r.resolve_addresses(addresses, index=index)
        total = time.process_time() - started
    finally:
        for name, fn in saved.items():
            setattr(r, name, fn)
    frame = pl.DataFrame(reads, schema=["stage", "status", "scheme", "cpu_s"], orient="row")
    in_reads = frame["cpu_s"].sum()
    print(
        f"resolve_addresses on {addresses.len():,} rows: {total:.2f} CPU s in this process; "
        f"{frame.height:,} Python reads {in_reads:.2f} CPU s ({in_reads / total:.0%}); the rest "
        f"(Polars, joins, glue) {total - in_reads:.2f} CPU s"
    )
    for name, n_reads, cpu in frame.group_by("stage").agg(pl.len(), pl.col("cpu_s").sum()).sort("stage").iter_rows():
        print(f"  {name:<22} {n_reads:>9,} reads {cpu:7.2f} CPU s ({cpu / n_reads * 1e6:5.0f} us per read)")
    return (
        frame.group_by("stage", "status", "scheme")
        .agg(reads=pl.len(), cpu_s=pl.col("cpu_s").sum(), us_per_read=pl.col("cpu_s").mean() * 1e6)
        .sort("cpu_s", descending=True)
    )
