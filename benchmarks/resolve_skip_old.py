"""How much of ``resolve_addresses``' CPU skipping the old-form reading could save where the read ends in the
2025 form (issue 11 §3): the measurement asked for before building such a short-cut (HR10).

Run on demand (not a test)::

    uv run python benchmarks/resolve_skip_old.py                 # the resolver benchmark's 1,000,000 rows
    uv run python benchmarks/resolve_skip_old.py --n-rows 200000

The input is ``benchmarks/resolve_benchmark.py``'s distinct-heavy one (same seed, mess types and synthetic
gazetteer), in this process on one core. ``resolve_addresses`` is first timed as it is (the denominator), then
again with every Python read (``read_tokens``) wrapped: the old reading's CPU (``parse_address``) is timed
inside it, and each read without a scheme hint whose old reading found no district is read a second time, on a
copy of its tokens taken before the read, with the old reading left out (``_read_either``'s 2025 branch on an
empty old reading, then ``_checked``). A read is *skippable* where that second reading gives the same output row
(``_row``, ``unit_start``, ``complete``) and, for a tail, leaves the tokens' ``edge`` and ``skips`` as the real
read left them: those decide whether a tail's reading is used for its rows (``_read_tail_keys``), so a short-cut
that changes them changes which rows are read whole (a whole address's tokens are not looked at after its read). Reads with notes are counted with the skippable ones (their
note readings were not replayed: an upper bound). The CPU of the old reading in skippable reads is the most a
short-cut could save, with a test for "skippable" that costs nothing and misses none.
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
# Pinned to one core when run as a script only (imported, it would pin the importing process: see resolve_reads.py)
if __name__ == "__main__" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from benchmarks.resolve_shapes import in_stage  # noqa: E402
from pipelines._native import source_module  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses, write_synthetic_gazetteer  # noqa: E402

# The resolver as Python: its reads are timed through wrappers of module attributes, which the compiled
# module's own calls would not go through (pipelines/_native.py).
r = source_module()


def without_old(idx: r.ResolverIndex, tokens: r._Tokens, side: str | None) -> r.Resolution:
    """``_read_either`` (no hint) with the old reading left out: what a short-cut would return."""
    old = r.Resolution()
    new = r.parse_2025(idx, tokens)
    if new.new_uid is None and new.candidates is None:
        new = r._ward_2025_before_old_district(idx, tokens) or new
    return r._checked(idx, tokens, r._decide(idx, old, new, side))


def classify(res, tokens, alt, alt_tokens, whole: bool) -> str:
    if alt_tokens.ward_note or alt_tokens.old_note or alt_tokens.now_note:
        return "notes (not replayed)"
    same_row = r._row(alt) == r._row(res) and (alt.unit_start, alt.complete) == (res.unit_start, res.complete)
    if not same_row:
        return "other output"
    if whole or (alt_tokens.edge, alt_tokens.skips) == (tokens.edge, tokens.skips):
        return "skippable"  # a whole address's tokens are not looked at after its read (_read_whole)
    return "same output, tokens differ (edge " + ("kept" if tokens.edge == alt_tokens.edge else "lost") + ")"


def reads_with_replay(addresses: pl.Series, idx: r.ResolverIndex) -> pl.DataFrame:
    """Every read of ``resolve_addresses(addresses)``: stage, cut, scheme, whether the old reading found a
    district, the replay's class, the old reading's CPU s and the read's CPU s (the replay not counted)."""
    saved_read, saved_parse = r.read_tokens, r.parse_address
    stage = ["-"]
    old_s = [0.0]
    old_res: list[r.Resolution | None] = [None]
    reads: list[tuple] = []

    def timed_parse(*args, **kwargs):
        t = time.process_time()
        res = saved_parse(*args, **kwargs)
        old_s[0] += time.process_time() - t
        old_res[0] = res
        return res

    def timed_read(idx, clean, tokens, hint, side):
        before = copy.deepcopy(tokens)
        old_s[0], old_res[0] = 0.0, None
        t = time.process_time()
        res = saved_read(idx, clean, tokens, hint, side)
        cpu = time.process_time() - t
        old, spent = old_res[0], old_s[0]
        if hint is None and old is not None and not old.district:
            r.parse_address = saved_parse
            try:
                alt = without_old(idx, before, side)
                klass = classify(res, tokens, alt, before, stage[0] == "whole addresses")
            finally:
                r.parse_address = timed_parse
        else:
            klass = "old district read" if old is not None and old.district else "hint"
        reads.append((stage[0], tokens.cut, res.scheme, klass, spent, cpu))
        return res

    names = ("_read_tails", "_read_cut_tails", "_read_whole")
    saved_stages = {name: getattr(r, name) for name in names}
    r.read_tokens, r.parse_address = timed_read, timed_parse
    for name, label in zip(names, ("comma tails", "comma-less cut tails", "whole addresses"), strict=True):
        setattr(r, name, in_stage(stage, label, saved_stages[name]))
    try:
        r.resolve_addresses(addresses, index=idx)
    finally:
        r.read_tokens, r.parse_address = saved_read, saved_parse
        for name, fn in saved_stages.items():
            setattr(r, name, fn)
    schema = ["stage", "cut", "scheme", "replay", "old_s", "cpu_s"]
    return pl.DataFrame(reads, schema=schema, orient="row")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250701, help="as resolve_benchmark.py's")
    args = parser.parse_args(argv)
    print("pipelines:", r.__file__)
    with tempfile.TemporaryDirectory() as tmp:
        gazetteer = Path(tmp) / "gazetteer.csv"
        write_synthetic_gazetteer(gazetteer, args.seed)
        reference = load_reference(gazetteers=(gazetteer,))
    truth = generate_addresses(args.n_rows, seed=args.seed, reference=reference, mess_types=ALL_MESS_TYPES)
    gc.collect()
    started = time.process_time()
    r.resolve_addresses(truth["address"], index=r.build_index(reference))
    total = time.process_time() - started
    r.forget_readings()  # the instrumented run starts from empty caches too
    reads = reads_with_replay(truth["address"], r.build_index(reference))
    print(
        f"resolve_addresses on {truth.height:,} rows: {total:.2f} CPU s (uninstrumented); {reads.height:,} Python "
        f"reads {reads['cpu_s'].sum():.2f} CPU s, of it the old reading {reads['old_s'].sum():.2f} (instrumented)"
    )
    agg = [pl.len().alias("reads"), pl.col("old_s").sum().round(3), pl.col("cpu_s").sum().round(3)]
    with pl.Config(tbl_rows=80, tbl_width_chars=160, fmt_str_lengths=50, tbl_hide_dataframe_shape=True):
        print(reads.group_by("replay", "scheme").agg(agg).sort("old_s", descending=True))
        print(reads.group_by("replay", "stage").agg(agg).sort("old_s", descending=True))
    upper = reads.filter(pl.col("replay").is_in(["skippable", "notes (not replayed)"]))
    print(
        f"at most {upper.height:,} reads, their old reading {upper['old_s'].sum():.2f} CPU s = "
        f"{upper['old_s'].sum() / total:.1%} of resolve_addresses (a free test that misses none)"
    )


if __name__ == "__main__":
    main()
