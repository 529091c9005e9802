"""Review queues: time to apply 10,000 officials' decisions, and queue sizes of a warehouse.

    uv run python benchmarks/review_benchmark.py                      # 10,000 decisions (synthetic items)
    uv run python benchmarks/review_benchmark.py --decisions 50000
    uv run python benchmarks/review_benchmark.py --warehouse warehouse  # also: queue sizes per kind of a built warehouse

Decisions: a CSV and an XLSX file of N rows over N distinct items of every kind (place, match, dismiss ...; 2 % of
the rows reverse an earlier decision, 1 % are invalid), against staged frames of 200,000 records per registry
(a split_unit item is one (old unit, registry): about 7 split_review records each here).
Timed: reading + validating the files, appending to the audit, the effective decision per item, placements and
match labels; then the same files again (a re-run: nothing new is audited).
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def decision_rows(items: pl.DataFrame) -> pl.DataFrame:
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
    return pl.concat([rows.head(keep), reverse, bad]).drop("r")


def bench(n: int, folder: Path) -> None:
    items, staged = synthetic_items(n)
    rows = decision_rows(items)
    rows.write_csv(folder / "decisions.csv")
    print(f"{rows.height:,} decision rows over {items.height:,} items; staged 4 x 200,000 records")
    for label, files in (("CSV", ["decisions.csv"]), ("XLSX", ["decisions.xlsx"])):
        sub = folder / label
        sub.mkdir()
        if label == "CSV":
            (sub / files[0]).write_bytes((folder / "decisions.csv").read_bytes())
        else:
            rows.write_excel(sub / files[0], worksheet="decisions")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--warehouse", type=Path, help="also print the queue sizes of this warehouse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench(args.decisions, Path(tmp))
    if args.warehouse:
        queue_sizes(args.warehouse)


if __name__ == "__main__":
    main()
