"""How many of ``resolve_addresses``' Python reads a columnar pre-pass over exactly spelled tails could settle,
and their CPU: the measurement asked for before building one (issue 11 §3).

Run on demand (not a test)::

    uv run python benchmarks/resolve_shapes.py                 # the resolver benchmark's 1,000,000 rows
    uv run python benchmarks/resolve_shapes.py --n-rows 200000

The input is ``benchmarks/resolve_benchmark.py``'s distinct-heavy one (same seed, mess types and synthetic
gazetteer). Every read of the Python parser (``read_tokens``) is timed with its text, stage (comma tails,
comma-less cut tails, whole addresses) and outcome, as ``benchmarks/resolve_breakdown.py`` times them, in this
process on one core. Each read's text is then given a *shape* (``shape``): a text of comma-like segments
(no note, not a comma-less cut) whose segments are, in order, an old ward, an old district and perhaps a
province, or a 2025 ward and perhaps a province, each spelled exactly as a key of the index (a marker phrase
before it allowed) is *exact-spelled*: what a pre-pass joining segments against the index's keys could read
without the parser; every other read (typos, names without marker or comma, notes, cut tails) stays in Python
whatever such a pass does. Prints the reads and CPU per shape and outcome, and per scheme read; the exact-spelled
reads ending ``exact`` are the most such a pass could take out of Python (at no cost of its own).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
# Pinned to one core when run as a script only: imported (tests/), pinning at import pinned the importing process and
# every process it started after (a test worker: the whole suite on one of two cores, the other idle)
if __name__ == "__main__" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines._native import source_module  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses, write_synthetic_gazetteer  # noqa: E402

# The resolver as Python: its reads are timed through wrappers of module attributes, which the compiled
# module's own calls would not go through (pipelines/_native.py).
r = source_module()

_SEGMENT_SPLIT = re.compile(r"[,;|\[\]]")


class Shapes:
    """The key sets of an index, by level, and ``shape(text, cut)``."""

    def __init__(self, idx: r.ResolverIndex) -> None:
        union = set().union
        self.ward = union(*map(set, idx.ward_keys.values()), *map(set, idx.ward_alias_keys.values()))
        self.district = union(*map(set, idx.district_keys.values()))
        self.province = set(idx.province_keys) | set(idx.new_province_keys)
        self.ward_2025 = set(idx.new_ward_all)
        longest_first = lambda ms: sorted(ms, key=len, reverse=True)  # noqa: E731
        self.ward_markers = longest_first({*r.WARD_MARKERS, *r.WARD_MARKERS_2025})
        self.district_markers = longest_first(r.DISTRICT_MARKERS)
        self.province_markers = longest_first(r.PROVINCE_MARKERS)

    @staticmethod
    def _name(segment: str, markers: list[str]) -> tuple[str, bool]:
        """The segment's name as a key (a leading marker phrase removed, spaces dropped, a number without its
        leading zeros) and whether a marker was written."""
        marked = False
        for m in markers:
            if segment.startswith(m + " "):
                segment, marked = segment[len(m) + 1 :], True
                break
        key = segment.replace(" ", "")
        return (key.lstrip("0") or key) if key.isdigit() else key, marked

    def shape(self, text: str, cut: int) -> str:
        if cut or "(" in text or ")" in text:
            return "cut tail or note"
        segments = [s.strip() for s in _SEGMENT_SPLIT.split(text)]
        if not all(segments):
            return "other"
        province_ok = len(segments) < 3 or self._name(segments[-1], self.province_markers)[0] in self.province
        if len(segments) in (2, 3) and province_ok:
            ward, ward_marked = self._name(segments[0], self.ward_markers)
            district, district_marked = self._name(segments[1], self.district_markers)
            if ward in self.ward and district in self.district:
                return "old, exact-spelled" + ("" if ward_marked and district_marked else " (a marker left out)")
        if len(segments) in (1, 2):
            ward, marked = self._name(segments[0], self.ward_markers)
            province = len(segments) == 1 or self._name(segments[1], self.province_markers)[0] in self.province
            if ward in self.ward_2025 and province:
                return (
                    "2025, exact-spelled" + ("" if marked else " (no marker)") + (" no province" * (len(segments) == 1))
                )
        return "other"


def in_stage(stage: list[str], name: str, fn):
    """``fn`` wrapped so that ``stage[0]`` names the resolver stage while it runs (the reads are timed by stage)."""

    def run(*args, **kwargs):
        before, stage[0] = stage[0], name
        try:
            return fn(*args, **kwargs)
        finally:
            stage[0] = before

    return run


READ_STAGES = {
    "_read_tails": "comma tails",
    "_read_cut_tails": "comma-less cut tails",
    "_read_whole": "whole addresses",
}


def instrumented_run(addresses: pl.Series, idx: r.ResolverIndex, on_read, on_whole=None) -> float:
    """``resolve_addresses(addresses)`` with every read of ``read_tokens`` handed to ``on_read(stage, clean, tokens,
    resolution, cpu_s)`` (the stage named by the READ_STAGES function it runs in) and, with ``on_whole``, the rows
    given to ``_read_whole`` to ``on_whole(rows)``; the parser's functions are wrapped for the call only (restored
    after, also when it fails). The call's CPU s."""
    stage = ["-"]
    saved = {name: getattr(r, name) for name in ("read_tokens", *READ_STAGES)}

    def timed(idx, clean, tokens, hint, side):
        t = time.process_time()
        res = saved["read_tokens"](idx, clean, tokens, hint, side)
        on_read(stage[0], clean, tokens, res, time.process_time() - t)
        return res

    r.read_tokens = timed
    for name, label in READ_STAGES.items():
        setattr(r, name, in_stage(stage, label, saved[name]))
    if on_whole is not None:
        read_whole = r._read_whole

        def whole(idx, rows):
            on_whole(rows)
            return read_whole(idx, rows)

        r._read_whole = whole
    try:
        gc.collect()
        started = time.process_time()
        r.resolve_addresses(addresses, index=idx)
        return time.process_time() - started
    finally:
        for name, fn in saved.items():
            setattr(r, name, fn)


def timed_reads(addresses: pl.Series, idx: r.ResolverIndex) -> tuple[pl.DataFrame, float]:
    """Every read of ``resolve_addresses(addresses)``: stage, text, cut, status, scheme, reason, CPU s; and the
    call's CPU s."""
    reads: list[tuple] = []

    def read(stage, clean, tokens, res, spent):
        reads.append((stage, clean, tokens.cut, res.status, res.scheme, res.reason, spent))

    total = instrumented_run(addresses, idx, read)
    schema = ["stage", "text", "cut", "status", "scheme", "reason", "cpu_s"]
    return pl.DataFrame(reads, schema=schema, orient="row"), total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250701, help="as resolve_benchmark.py's")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        gazetteer = Path(tmp) / "gazetteer.csv"
        write_synthetic_gazetteer(gazetteer, args.seed)
        reference = load_reference(gazetteers=(gazetteer,))
    truth = generate_addresses(args.n_rows, seed=args.seed, reference=reference, mess_types=ALL_MESS_TYPES)
    idx = r.build_index(reference)
    reads, total = timed_reads(truth["address"], idx)
    shapes = Shapes(idx)
    reads = reads.with_columns(
        shape=pl.Series([shapes.shape(t, c) for t, c in zip(reads["text"], reads["cut"], strict=True)])
    )
    in_reads = reads["cpu_s"].sum()
    print(
        f"resolve_addresses on {truth.height:,} rows: {total:.2f} CPU s; {reads.height:,} Python reads "
        f"{in_reads:.2f} CPU s"
    )
    agg = [pl.len().alias("reads"), pl.col("cpu_s").sum().round(3), (pl.col("cpu_s").mean() * 1e6).round(0).alias("us")]
    with pl.Config(tbl_rows=80, tbl_width_chars=160, fmt_str_lengths=50, tbl_hide_dataframe_shape=True):
        print(reads.group_by("shape").agg(agg).sort("cpu_s", descending=True))
        print(reads.group_by("shape", "status").agg(agg).sort("cpu_s", descending=True))
        # The form each read ended in (null: undecided or unread): a 2025-form read runs the old reading first.
        print(reads.group_by("scheme").agg(agg).sort("cpu_s", descending=True))
    spelled = reads.filter(pl.col("shape").str.contains("exact-spelled"))
    settled = spelled.filter(pl.col("status") == "exact")
    print(
        f"exact-spelled: {spelled.height:,} reads, {spelled['cpu_s'].sum():.2f} CPU s; of them ending exact "
        f"{settled.height:,} reads, {settled['cpu_s'].sum():.2f} CPU s ({settled['cpu_s'].sum() / total:.1%} of "
        "resolve_addresses)"
    )


if __name__ == "__main__":
    main()
