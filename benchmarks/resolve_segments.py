"""What a per-segment reader could save (issue 11, 100,000 nearly-unique addresses per CPU second): the Python reads
of the benchmark's distinct-heavy input, as ``benchmarks/resolve_reads.py --save`` writes them, measured two ways.

Run on demand (not a test)::

    uv run python benchmarks/resolve_reads.py --csv <resolve_benchmark's CSV> --gazetteer <its gazetteer> --save reads.parquet
    uv run python benchmarks/resolve_segments.py --reads reads.parquet --gazetteer <the same gazetteer>

Printed:

1. the comma tails' segments (split at every comma-like separator, counted from the end: province, district,
   ward...): how many distinct spellings each position has, and all positions together. A reader that read each
   segment spelling once and composed a tail's reading from them (joins) would make at most that many
   segment readings instead of one reading per distinct tail; the typo reads are counted apart (their typo'd
   segment is mostly a spelling of its own);
2. every comma tail and whole address read again, cold, in a fresh index on one core (``read_tokens``, no mode),
   its CPU split into the old-form reading (``parse_address``), the 2025-form reading (``parse_2025``) and the
   rest, by the outcome's scheme and whether the old-form reading found any old unit. The old-form reading is
   made first for every address without a hint, also for those that end in the 2025 form.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
# Pinned to one core when run as a script only (imported, it would pin the importing process: see resolve_reads.py)
if __name__ == "__main__" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

import pipelines.resolve as r  # noqa: E402
from benchmarks.resolve_reads import kind_expr  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402


def segment_ceiling(reads: pl.DataFrame) -> None:
    """Distinct segment spellings of the comma tails read, per position from the end and overall."""
    tails = reads.filter(pl.col("stage") == "comma tails").with_columns(
        kind_expr(),
        seg=pl.col("text")
        .str.replace_all(r"[,;|()\[\]]", ",")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars()),
    )
    tails = tails.with_columns(pl.col("seg").list.eval(pl.element().filter(pl.element() != "")))
    print(f"comma tails read: {tails.height:,} ({tails['cpu_s'].sum():.2f} CPU s instrumented)")
    for label, part in (("all", tails), ("typo reads", tails.filter(pl.col("kind") == "typo in a name"))):
        exploded = part.select("seg", pos=pl.int_ranges(pl.col("seg").list.len(), 0, -1)).explode(
            "seg", "pos"
        )  # position 1: the last segment
        per_pos = exploded.group_by(pl.col("pos").clip(upper_bound=4)).agg(
            pl.len().alias("segments"), pl.col("seg").n_unique().alias("distinct spellings")
        )
        print(
            f"  {label}: {part.height:,} reads; distinct segment spellings at any position "
            f"{exploded['seg'].n_unique():,}; (spelling, position) {exploded.select(pl.struct('seg', 'pos').n_unique()).item():,}; "
            f"first segments {part['seg'].list.first().n_unique():,}"
        )
        with pl.Config(tbl_hide_dataframe_shape=True):
            print(per_pos.sort("pos").rename({"pos": "position from the end (4: 4 or more)"}))


def parse_split(reads: pl.DataFrame, idx: r.ResolverIndex) -> None:
    """The comma tails and whole addresses read again (cold, this index), CPU per reading form and outcome."""
    texts = reads.filter(pl.col("stage").is_in(["comma tails", "whole addresses"])).select("stage", "text").rows()
    spent: dict[str, float] = {}
    last: list = [None]
    saved = r.parse_address, r.parse_2025

    def old_form(*args, **kwargs):
        t = time.process_time()
        res = saved[0](*args, **kwargs)
        spent["old"] = spent.get("old", 0.0) + time.process_time() - t
        last[0] = res
        return res

    def new_form(*args, **kwargs):
        t = time.process_time()
        res = saved[1](*args, **kwargs)
        spent["new"] = spent.get("new", 0.0) + time.process_time() - t
        return res

    out: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    r.parse_address, r.parse_2025 = old_form, new_form
    enabled = gc.isenabled()
    gc.disable()
    try:
        for stage, text in texts:
            spent.clear()
            last[0] = None
            t = time.process_time()
            res = r.read_tokens(idx, text, r.tokenise(text), None, None)
            total = time.process_time() - t
            old = last[0]
            found = old is not None and (old.old_uid is not None or bool(old.old_hits))
            row = out[(stage, res.scheme or "-", "found" if found else "nothing")]
            row[0] += 1
            row[1] += total
            row[2] += spent.get("old", 0.0)
            row[3] += spent.get("new", 0.0)
    finally:
        r.parse_address, r.parse_2025 = saved
        if enabled:
            gc.enable()
    frame = pl.DataFrame(
        [(*k, int(v[0]), v[1], v[2], v[3], v[1] - v[2] - v[3]) for k, v in sorted(out.items())],
        schema=["stage", "scheme", "old form found", "reads", "cpu_s", "old_form_s", "form_2025_s", "rest_s"],
        orient="row",
    ).with_columns(pl.col("^.*_s$").round(2))
    with pl.Config(tbl_rows=40, tbl_width_chars=160, tbl_hide_dataframe_shape=True):
        print(frame)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=Path, required=True, help="benchmarks/resolve_reads.py --save's Parquet")
    parser.add_argument("--gazetteer", type=Path, required=True, help="the gazetteer the reads were made with")
    args = parser.parse_args(argv)
    reads = pl.read_parquet(args.reads)
    segment_ceiling(reads)
    parse_split(reads, r.build_index(load_reference(gazetteers=(args.gazetteer,))))


if __name__ == "__main__":
    main()
