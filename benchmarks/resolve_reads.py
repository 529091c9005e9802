"""Why ``resolve_addresses``' Python reads are distinct: every read of the benchmark's distinct-heavy input
classified by stage, by why a row was read whole, and by what the reading found (issue 11: the number of
reads, not their cost, has to fall for 100,000 addresses per CPU second).

Run on demand (not a test)::

    uv run python benchmarks/resolve_reads.py                        # the resolver benchmark's 1,000,000 rows
    uv run python benchmarks/resolve_reads.py --csv <resolve_benchmark's CSV> --gazetteer <its gazetteer>

The input is ``benchmarks/resolve_benchmark.py``'s distinct-heavy one (generated with its seed, or read from the
CSV it writes). Every read of the Python parser (``read_tokens``) is timed with its text, stage (comma tails,
comma-less cut tails, whole addresses), edge flag and outcome, in this process on one core (about 1 us of timing
per read). Printed:

1. reads, distinct texts and CPU per stage and per *kind* (what made the text one of its own: a typo in a name,
   a ward or district written without marker or comma, a note, junk read unresolved, or an exact reading);
2. the rows read whole and why (``_read_rows``' tests replayed on them): a comma-less address with no marker
   phrase to cut at, or whose cut tail was not usable; an address whose first segment holds a ward word (no
   street: "Phường 14, Quận 3, HCM"); a comma tail whose reading was not usable; too long;
3. the reads ending with a typo corrected, counted again with the written name replaced by the unit read (the
   reads a pre-pass correcting names before the dedup could merge, output aside).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
# Pinned to one core when run as a script only: imported (tests/), pinning at import pinned the importing process and
# every process it started after (a test worker: the whole suite on one of two cores, the other idle)
if __name__ == "__main__" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from benchmarks.resolve_shapes import instrumented_run  # noqa: E402
from pipelines._native import source_module  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses, write_synthetic_gazetteer  # noqa: E402

# The resolver as Python: its reads are timed through wrappers of module attributes, which the compiled
# module's own calls would not go through (pipelines/_native.py).
r = source_module()

READ_SCHEMA = ["stage", "text", "cut", "edge", "status", "scheme", "reason", "old_uid", "new_uid", "cpu_s"]


def captured(addresses: pl.Series, idx: r.ResolverIndex) -> tuple[pl.DataFrame, pl.DataFrame, float]:
    """Every read of ``resolve_addresses(addresses)`` (``READ_SCHEMA``), the rows given to ``_read_whole``
    (_row, _clean, input) and the call's CPU s. The parser's functions are wrapped for the call only."""
    reads: list[tuple] = []
    whole: list[pl.DataFrame] = []

    def read(stage, clean, tokens, res, spent):
        reads.append(
            (stage, clean, tokens.cut, bool(tokens.edge), res.status, res.scheme, res.reason, res.old_uid,
             res.new_uid, spent)
        )  # fmt: skip

    total = instrumented_run(addresses, idx, read, lambda rows: whole.append(rows.select("_row", "_clean")))
    rows = pl.concat(whole) if whole else pl.DataFrame(schema={"_row": pl.UInt32, "_clean": pl.String})
    rows = rows.with_columns(input=addresses.gather(rows["_row"]))
    return pl.DataFrame(reads, schema=READ_SCHEMA, orient="row"), rows, total


def kind_expr() -> pl.Expr:
    """What made a read's text one of its own, from its outcome."""
    reason = pl.col("reason").fill_null("")
    return (
        pl.when(reason.str.contains("fuzzy '"))
        .then(pl.lit("typo in a name"))
        .when(reason.str.contains("without marker or comma"))
        .then(pl.lit("ward without marker or comma"))
        .when(reason.str.contains("without type or comma"))
        .then(pl.lit("district without type or comma"))
        .when(reason.str.contains("note"))
        .then(pl.lit("note"))
        .when(pl.col("status") == "unresolved")
        .then(pl.lit("unresolved"))
        .when(pl.col("status") == "exact")
        .then(pl.lit("exact"))
        .otherwise(pl.lit("other ") + pl.col("status"))
        .alias("kind")
    )


def whole_cause(rows: pl.DataFrame) -> pl.DataFrame:
    """Why each row given to ``_read_whole`` was read whole (``_read_rows``' and ``_read_cuts``' tests)."""
    at = pl.col("input").str.find(r._RAW_SEPARATOR)
    head = pl.col("input").cast(pl.Binary).bin.head(at).cast(pl.String)
    marker_cut = pl.col("_clean").str.extract_groups(r._CUT).struct.field("2").is_not_null()
    cause = (
        pl.when(pl.col("input").str.len_chars() > r.MAX_INPUT_CHARS)
        .then(pl.lit("too long (not read)"))
        .when(at.is_null() & ~marker_cut)
        .then(pl.lit("comma-less: no marker phrase to cut at"))
        .when(at.is_null())
        .then(pl.lit("comma-less: cut tail not usable"))
        .when(pl.col("input").str.contains(r._SEPARATOR_MAKERS, literal=True))
        .then(pl.lit("a separator-making character"))
        .when(head.str.contains(r._head_ward_pattern()))
        .then(pl.lit("first segment holds a ward word"))
        .otherwise(pl.lit("comma tail's reading not usable"))
    )
    return rows.with_columns(cause=cause)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250701, help="as resolve_benchmark.py's")
    parser.add_argument("--csv", type=Path, help="resolve_benchmark.py's CSV (column address) instead of generating")
    parser.add_argument("--gazetteer", type=Path, help="with --csv: the gazetteer it was written with")
    parser.add_argument("--save", type=Path, help="write the reads here (Parquet)")
    args = parser.parse_args(argv)
    if args.csv:
        addresses = pl.read_csv(args.csv, infer_schema=False)["address"].head(args.n_rows)
        reference = load_reference(gazetteers=(args.gazetteer,))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            gazetteer = Path(tmp) / "gazetteer.csv"
            write_synthetic_gazetteer(gazetteer, args.seed)
            reference = load_reference(gazetteers=(gazetteer,))
        truth = generate_addresses(args.n_rows, seed=args.seed, reference=reference, mess_types=ALL_MESS_TYPES)
        addresses = truth["address"]
    reads, rows, total = captured(addresses, r.build_index(reference))
    if args.save:
        reads.write_parquet(args.save)
    reads = reads.with_columns(kind=kind_expr())
    print(
        f"resolve_addresses on {addresses.len():,} rows: {total:.2f} CPU s; {reads.height:,} Python reads "
        f"({reads['text'].n_unique():,} distinct texts) {reads['cpu_s'].sum():.2f} CPU s"
    )
    agg = [
        pl.len().alias("reads"),
        pl.col("text").n_unique().alias("texts"),
        pl.col("cpu_s").sum().round(2),
        (pl.col("cpu_s").mean() * 1e6).round(0).alias("us"),
    ]
    with pl.Config(tbl_rows=80, tbl_width_chars=160, fmt_str_lengths=60, tbl_hide_dataframe_shape=True):
        print(reads.group_by("stage").agg(agg).sort("cpu_s", descending=True))
        print(reads.group_by("kind").agg(agg).sort("cpu_s", descending=True))
        print(reads.group_by("stage", "kind").agg(agg).sort("stage", "cpu_s", descending=[False, True]))
        # The rows read whole, by cause; their reads (one per distinct cleaned text, in the whole stage).
        whole_reads = reads.filter(pl.col("stage") == "whole addresses").select(
            pl.col("text").alias("_clean"), "cpu_s", "kind"
        )
        causes = whole_cause(rows)
        by_text = causes.unique("_clean", keep="first").join(whole_reads.unique("_clean"), on="_clean", how="left")
        print(f"rows read whole: {rows.height:,} ({rows['_clean'].n_unique():,} distinct cleaned texts)")
        print(
            by_text.group_by("cause")
            .agg(pl.len().alias("texts"), pl.col("cpu_s").sum().round(2))
            .join(causes.group_by("cause").agg(pl.len().alias("rows")), on="cause")
            .sort("cpu_s", descending=True)
        )
        print(
            by_text.group_by("cause", "kind")
            .agg(pl.len().alias("texts"), pl.col("cpu_s").sum().round(2))
            .sort("cpu_s", descending=True)
            .head(20)
        )
    # Typo reads with the written name replaced by the unit read: what correcting names first would leave.
    typo = reads.filter(pl.col("kind") == "typo in a name").with_columns(
        written=pl.col("reason").str.extract(r"fuzzy '([^']*)'", 1)
    )
    keys = {
        text.replace(written, f"{old}/{new}", 1) if written else text
        for text, written, old, new in typo.select("text", "written", "old_uid", "new_uid").iter_rows()
    }
    print(
        f"reads with a typo corrected: {typo.height:,} ({typo['cpu_s'].sum():.2f} CPU s); with the written name "
        f"replaced by the unit read: {len(keys):,} distinct"
    )


if __name__ == "__main__":
    main()
