"""Review queues: time to apply 10,000 officials' decisions, and queue sizes of a warehouse.

    uv run python benchmarks/review_benchmark.py                      # 10,000 decisions (synthetic items)
    uv run python benchmarks/review_benchmark.py --decisions 50000
    uv run python benchmarks/review_benchmark.py --warehouse warehouse  # also: queue sizes per kind of a built warehouse
    uv run python benchmarks/review_benchmark.py --decisions 0 --staged /tmp/city1m/staged  # the queues of staged tables

Decisions: CSV files and an XLSX file of N rows over N distinct items of every kind (DECISION_OF: place, match,
accept, fixed_at_source; 2 % of the rows reverse an earlier decision, in a file or sheet of their own, 1 % are
invalid), against staged frames of 200,000 records per registry (a split_unit item is one (old unit, registry):
about 7 split_review records each here).
Timed: reading + validating the files, appending to the audit, the effective decision per item, placements and
match labels; then the same files again (a re-run: nothing new is audited).

--staged DIR: the review step on the staged_<registry>.parquet files of ``ingest_benchmark.py --save`` (no
warehouse: no quarantine, match pairs, split evidence or raw layer, so no quarantined_row or match_pair item and the
unreadable_value items show no value as written; ward names and crosswalk from mappings/reference): build_queues
with no decisions, then again with the first run's review.item_keys (a monthly re-run), each builder timed; the ward
files written (CSV and XLSX timed apart) and their sizes. Wall and CPU (process, every thread) per step.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

import polars as pl

from pipelines.review.decisions import (
    append_audit,
    effective_decisions,
    load_decisions,
    match_labels,
    placements,
)
from pipelines.review.ids import PREFIX
from pipelines.schema import REGISTRY_KINDS, REVIEW_ITEM_KEYS

WARDS = ["26734", "26737", "26740"]
DECISION_OF = {
    "unresolved_address": "place",
    "split_unit": "place",
    "match_pair": "match",
    "invalid_id": "accept",
    "quarantined_row": "fixed_at_source",
    "unreadable_value": "fixed_at_source",
}


def synthetic_items(n: int) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """n items cycling over the kinds, their keys, and staged frames the placements apply to."""
    kinds = list(DECISION_OF)
    i = pl.int_range(n, eager=True)
    kind = i.map_elements(lambda k: kinds[k % len(kinds)], return_dtype=pl.String)  # setup only, not timed
    registry = i.map_elements(lambda k: REGISTRY_KINDS[k % 4], return_dtype=pl.String)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    items = pl.DataFrame({"i": i, "kind": kind, "registry": registry}).with_columns(
        (
            pl.col("kind").replace_strict(PREFIX)
            + "-"
            + pl.col("i").cast(pl.String).str.zfill(16).str.replace_all("[^0-9a-f]", "0")
        ).alias("item_id"),
        pl.lit(None, pl.String).alias("new_uid"),
        pl.when(pl.col("kind") == "split_unit")
        .then(pl.lit([f"2025:{w}" for w in WARDS]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("candidates"),
        pl.lit(1, pl.UInt32).alias("records_blocked"),
        pl.concat_str(pl.lit("src@2025-08-31#"), pl.col("i")).alias("record_key"),
        pl.when(pl.col("kind") == "match_pair").then(pl.lit("people")).alias("entity_kind"),
        pl.when(pl.col("kind") == "match_pair").then(pl.concat_str(pl.lit("a#"), pl.col("i"))).alias("left_id"),
        pl.when(pl.col("kind") == "match_pair").then(pl.concat_str(pl.lit("b#"), pl.col("i"))).alias("right_id"),
        pl.when(pl.col("kind") == "split_unit")
        .then(pl.concat_str(pl.lit("pre2025:"), (pl.col("i") % 10_000).cast(pl.String)))
        .alias("old_uid"),
        pl.lit(None, pl.String).alias("name_kind"),
        pl.lit(None, pl.String).alias("name_key"),
        pl.lit(None, pl.List(pl.String)).alias("more_left_ids"),  # one record pair per item
        pl.lit(None, pl.List(pl.String)).alias("more_right_ids"),
        pl.lit(None, pl.String).alias("question_key"),  # (items of kinds that keep their question's id across extracts)
        pl.lit(now).alias("first_seen"),
        pl.lit(now).alias("last_seen"),
    )
    items = items.select(REVIEW_ITEM_KEYS.columns).cast(REVIEW_ITEM_KEYS.polars_schema)
    staged = {}
    for k, registry in enumerate(REGISTRY_KINDS):
        staged[registry] = pl.DataFrame({"j": pl.int_range(200_000, eager=True)}).select(
            pl.concat_str(pl.lit("src@2025-08-31#"), (pl.col("j") * 4 + k).cast(pl.String)).alias("record_key"),
            pl.concat_str(pl.lit("pre2025:"), (pl.col("j") % 10_000).cast(pl.String)).alias("old_uid"),
            pl.col("j").mod(3).replace_strict([0, 1, 2], ["split_review", "exact", "unresolved"]).alias("ward_status"),
        )
    return items, staged


def decision_rows(items: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The decision rows, and the reverses of 2 % of them, dated later: a file (a sheet) of their own, as a week later
    (the rows of one item in one sheet take one decision: a match_pair item's rows are its record pairs)."""
    n = items.height
    rows = items.with_row_index("r").select(
        "item_id",
        pl.col("kind").replace_strict(DECISION_OF).alias("decision"),
        pl.lit("Cán bộ A").alias("reviewer"),
        pl.lit("2026-11-20").alias("decided_on"),
        pl.lit("").alias("note"),
        pl.when(pl.col("kind").is_in(["unresolved_address", "split_unit"]))
        .then(pl.lit(WARDS[0]))
        .alias("new_ward_code"),
        "r",
    )
    reverse = rows.filter(pl.col("r") % 50 == 0).with_columns(
        pl.lit("reverse").alias("decision"),
        pl.lit("2026-11-25").alias("decided_on"),
        pl.lit(None).alias("new_ward_code"),
    )
    bad = rows.filter(pl.col("r") % 100 == 1).with_columns(pl.lit("31/02/2026").alias("decided_on"))
    keep = n - reverse.height - bad.height
    return pl.concat([rows.head(keep), bad]).drop("r"), reverse.drop("r")


def bench(n: int, folder: Path) -> None:
    import xlsxwriter

    items, staged = synthetic_items(n)
    rows, reverses = decision_rows(items)
    print(
        f"{rows.height + reverses.height:,} decision rows ({reverses.height:,} reverses in a file or sheet of their "
        f"own) over {items.height:,} items of {items['kind'].n_unique()} kinds; staged 4 x 200,000 records"
    )
    for label in ("CSV", "XLSX"):
        sub = folder / label
        sub.mkdir(mode=0o700)  # (a decisions folder others may read is warned about: as the officials' would be)
        if label == "CSV":
            rows.write_csv(sub / "decisions.csv")
            reverses.write_csv(sub / "reverses.csv")
        else:
            with xlsxwriter.Workbook(sub / "decisions.xlsx") as book:
                rows.write_excel(book, worksheet="decisions")
                reverses.write_excel(book, worksheet="reverses")
        audit = None
        for run in ("first run", "re-run"):
            t0 = time.perf_counter()
            loaded = load_decisions(sub, ward_codes=set(WARDS), items=items, today=dt.date(2026, 12, 1), audit=audit)
            t1 = time.perf_counter()
            audit, added = append_audit(audit, loaded.rows, dt.datetime.now(dt.UTC))
            t2 = time.perf_counter()
            decisions = effective_decisions(audit, items)
            t3 = time.perf_counter()
            placed = placements(decisions, staged)
            labels = match_labels(decisions)
            t4 = time.perf_counter()
            print(
                f"  {label} {run}: read+validate {t1 - t0:.2f}s, audit {t2 - t1:.2f}s (+{added.height:,} rows), "
                f"effective {t3 - t2:.2f}s ({decisions.filter(pl.col('state') == 'closed').height:,} closed, "
                f"{decisions.filter(pl.col('state') == 'reopened').height:,} reopened), placements+labels {t4 - t3:.2f}s "
                f"({placed.height:,} records placed, {labels.height:,} labels); total {t4 - t0:.2f}s; "
                f"{loaded.errors.height:,} rows rejected"
            )
            if label == "CSV" and run == "first run":
                closed = (
                    decisions.filter(pl.col("state") == "closed")
                    .join(items.select("item_id", "kind"), on="item_id")
                    .group_by("kind")
                    .len()
                    .sort("kind")
                )
                print("    closed per kind: " + ", ".join(f"{k} {n:,}" for k, n in closed.iter_rows()))


def queue_sizes(warehouse: Path) -> None:
    from pipelines.review.decisions import empty_audit
    from pipelines.review.exports import write_ward_exports
    from pipelines.review.io import read_review_inputs
    from pipelines.review.queues import build_queues, queue_summary
    from pipelines.warehouse import Warehouse

    wh = Warehouse(warehouse.resolve())
    t0 = time.perf_counter()
    inputs = read_review_inputs(wh, None)
    queues = build_queues(inputs, effective_decisions(empty_audit(), None), None, dt.datetime.now(dt.UTC))
    t1 = time.perf_counter()
    summary = queue_summary(queues)
    with tempfile.TemporaryDirectory() as out:
        wards = write_ward_exports(
            queues.items, queues.evidence, inputs.ward_names, Path(out), pair_rows=queues.pair_rows
        )
    t2 = time.perf_counter()
    print(f"queues of {wh.root} (no decisions): built in {t1 - t0:.1f}s, {len(wards)} ward folders in {t2 - t1:.1f}s")
    if getattr(queues, "pair_rows", None) is not None:  # the match_pair items' record pairs, a ward-file row each
        print(f"  match_pair record pairs shown: {queues.pair_rows.height:,}")
    sizes = (
        queues.items.group_by("urgency", "kind")
        .agg(pl.len().alias("open_items"), pl.col("records_blocked").sum())
        .sort("urgency")
    )
    for row in sizes.iter_rows(named=True):
        print(f"  {row['kind']:<20} {row['open_items']:>7,} items  {row['records_blocked']:>9,} records blocked")
    print(f"  queue_summary rows: {summary.height:,}")


class Timed:
    """Wall and CPU seconds (the process's, every thread) of named steps, summed per name."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, name: str, fn):  # noqa: ANN001, ANN201 - any callable
        def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w
                self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c

        return timed

    def line(self, name: str) -> str:
        return f"{self.wall.get(name, 0.0):.2f} s wall / {self.cpu.get(name, 0.0):.2f} s CPU"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def staged_inputs(folder: Path):  # noqa: ANN201 - a ReviewInputs
    """ReviewInputs of the staged_<registry>.parquet files in ``folder`` (sorted by record_key, as io._scan reads
    them): empty quarantine and entity review tables, ward names and crosswalk of mappings/reference."""
    from pipelines.reference import load_reference
    from pipelines.review.queues import ReviewInputs
    from pipelines.schema import ENTITY_KINDS, QUARANTINE, review_table

    staged = {
        registry: pl.read_parquet(folder / f"staged_{registry}.parquet").sort("record_key")
        for registry in REGISTRY_KINDS
        if (folder / f"staged_{registry}.parquet").is_file()
    }
    quarantine_schema = {
        **QUARANTINE.polars_schema,
        "old_uid": pl.String,
        "new_uid": pl.String,
        "candidates": pl.List(pl.String),
    }
    reference = load_reference()
    given = {
        "staged": staged,
        "quarantine": {registry: pl.DataFrame(schema=quarantine_schema) for registry in staged},
        "review": {kind: pl.DataFrame(schema=review_table(kind).polars_schema) for kind in ENTITY_KINDS},
        "ward_names": pl.concat(
            [
                reference.units_2025.select("unit_uid", "name"),
                reference.units_pre2025.select("unit_uid", "name"),
            ]
        ),
        "crosswalk": reference.crosswalk.select("old_uid", "new_uid"),
    }
    fields = {f.name for f in dataclasses.fields(ReviewInputs)}  # (an older commit's inputs: the fields it has)
    return ReviewInputs(**{k: v for k, v in given.items() if k in fields})


def staged_queues(folder: Path, headers: str) -> None:
    """The review step on staged tables (no warehouse): queues twice (no previous item_keys, then this run's), the
    ward files of the second."""
    from pipelines.review import exports, queues
    from pipelines.review.decisions import empty_audit

    timed = Timed()
    w, c = time.perf_counter(), time.process_time()
    inputs = staged_inputs(folder)
    print(
        f"staged {folder}: "
        + ", ".join(f"{r} {f.height:,}" for r, f in inputs.staged.items())
        + f" records; read in {time.perf_counter() - w:.2f} s wall / {time.process_time() - c:.2f} s CPU; "
        f"peak {peak_mib():,.0f} MiB"
    )
    for kind, builder in list(queues.BUILDERS.items()):
        queues.BUILDERS[kind] = timed.wrap(kind, builder)
    queues.match_pair_rows = timed.wrap("match_pair", queues.match_pair_rows)
    decisions = effective_decisions(empty_audit(), None)
    previous = None
    for run in ("first run (no item_keys)", "re-run (item_keys of the first)"):
        timed.wall.clear()
        timed.cpu.clear()
        w, c = time.perf_counter(), time.process_time()
        built = queues.build_queues(inputs, decisions, previous, dt.datetime.now(dt.UTC))
        summary = queues.queue_summary(built)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        print(
            f"  {run}: build_queues + queue_summary {wall:.2f} s wall / {cpu:.2f} s CPU; "
            f"{built.items.height:,} open items, {summary.height:,} summary rows; peak {peak_mib():,.0f} MiB"
        )
        for kind in queues.BUILDERS:
            print(f"    {kind:<20} {timed.line(kind)}")
        previous = built.item_keys
    per_kind = built.items.group_by("kind").agg(pl.len(), pl.col("records_blocked").sum()).sort("kind")
    for kind, n, blocked in per_kind.iter_rows():
        print(f"    {kind:<20} {n:>8,} items {blocked:>9,} records blocked")
    exports._write_csv = timed.wrap("csv", exports._write_csv)
    exports._write_xlsx = timed.wrap("xlsx", exports._write_xlsx)
    with tempfile.TemporaryDirectory() as out:
        w, c = time.perf_counter(), time.process_time()
        wards = exports.write_ward_exports(
            built.items, built.evidence, inputs.ward_names, Path(out), headers=headers, pair_rows=built.pair_rows
        )
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        files = list((Path(out) / "wards").rglob("*.*"))
        xlsx = [f.stat().st_size for f in files if f.suffix == ".xlsx"]
        csv = [f.stat().st_size for f in files if f.suffix == ".csv"]
        csv_of_kind = {
            kind: sum(f.stat().st_size for f in files if f.name == f"{kind}.csv") for kind in queues.BUILDERS
        }
    print(
        f"  ward files: {len(wards)} folders in {wall:.2f} s wall / {cpu:.2f} s CPU (csv {timed.line('csv')}, "
        f"xlsx {timed.line('xlsx')}); xlsx {sum(xlsx) / 2**20:,.1f} MiB (largest {max(xlsx, default=0) / 2**20:,.2f} "
        f"MiB), csv {sum(csv) / 2**20:,.1f} MiB; peak {peak_mib():,.0f} MiB"
    )
    print("    csv MiB per kind: " + ", ".join(f"{k} {v / 2**20:,.1f}" for k, v in csv_of_kind.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--warehouse", type=Path, help="also print the queue sizes of this warehouse")
    parser.add_argument("--staged", type=Path, help="also the review step on the staged_<registry>.parquet files here")
    parser.add_argument("--headers", default="en", choices=("en", "vi", "both"), help="ward CSV headers (--staged)")
    args = parser.parse_args()
    if args.decisions:
        with tempfile.TemporaryDirectory() as tmp:
            bench(args.decisions, Path(tmp))
    if args.staged:
        staged_queues(args.staged, args.headers)
    if args.warehouse:
        queue_sizes(args.warehouse)


if __name__ == "__main__":
    main()
