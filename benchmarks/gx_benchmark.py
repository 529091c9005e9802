"""GX gate throughput on a staged_population-shaped frame (run on demand, not a test).

    uv run python benchmarks/gx_benchmark.py --rows 1000000
    uv run python benchmarks/gx_benchmark.py --rows 1000000 --chunk-rows 250000   # default: quality.gx.CHUNK_ROWS

Builds a frame with every staged_population column and declared dtype cheaply in
Polars (synthetic values, not the synth registries), then runs the gate the publish
layer runs: the declared suite plus ward_in_dimension (2025 units), age_range on
date_of_birth. Prints rows, expectations, chunks, seconds (GX import excluded and
shown separately) and the process's peak RSS. Do not run above 1M on a shared machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines.reference import default_reference  # noqa: E402
from pipelines.schema import staged_table  # noqa: E402
from quality import rules as qr  # noqa: E402
from quality.gx import CHUNK_ROWS  # noqa: E402 - a constant: GX itself is imported lazily

TABLE = staged_table("population")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def staged_population_frame(n: int, ward_uids: list[str], seed: int = 7) -> pl.DataFrame:
    """``n`` rows with staged_population's columns and dtypes; every value passes the gate."""
    i = pl.int_range(0, n, eager=True).alias("i")
    f = pl.DataFrame(i)
    h = (pl.col("i") * 2654435761 + seed) % 1_000_003
    wards = pl.Series(ward_uids)
    cols = {
        "record_key": pl.format("pop_{}@2025-06-30#{}", pl.col("i") % 7, pl.col("i") + 1),
        "source_id": pl.format("pop_{}", pl.col("i") % 7),
        "extract_date": pl.lit(date(2025, 6, 30)),
        "source_file": pl.format("population/pop_{}.csv", pl.col("i") % 7),
        "source_key": (pl.col("i") + 1).cast(pl.String),
        "run_id": pl.lit("bench"),
        "full_name": pl.format("Nguyễn Văn {}", h % 5000),
        "full_name_original": pl.format("NGUYEN VAN {}", h % 5000),
        "name_key": pl.format("nguyenvan{}", h % 5000),
        "name_flags": pl.lit(None, pl.String),
        "date_of_birth": (pl.lit(date(1930, 1, 1)) + pl.duration(days=h % 34000)).cast(pl.Date),
        "dob_precision": pl.lit("day"),
        "dob_ambiguous": (h % 3 == 0),
        "sex": pl.when(h % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F")),
        "personal_id": pl.format("079{}", (h * 7 % 1_000_000_000).cast(pl.String).str.zfill(9)),
        "old_id_number": pl.lit(None, pl.String),
        "id_flags": pl.lit(None, pl.String),
        "household_no": (pl.col("i") // 4).cast(pl.String),
        "relation_to_head": pl.lit("Con"),
        "phone": pl.lit(None, pl.String),
        "registered_on": pl.lit(date(2020, 1, 1)),
        "address": pl.format("{} Đường Số {}", h % 300, h % 40),
        "text_repairs": pl.lit(None, pl.String),
        "old_uid": pl.lit("pre2025:26740"),
        "ward_status": pl.lit("exact"),
        "ward_confidence": pl.lit(1.0),
        "ward_candidates": pl.lit(None, pl.List(pl.String)),
        "ward_reason": pl.lit(None, pl.String),
    }
    # columns declared since this was written: null, or a valid constant when required
    for fld in TABLE.fields:
        if fld.name not in cols:
            value = fld.allowed[0] if fld.allowed else ("x" if fld.required else None)
            cols[fld.name] = pl.lit(value).cast(fld.dtype)
    f = f.with_columns(**cols)
    f = f.with_columns(new_uid=wards.gather(f["i"] % len(ward_uids)))
    return TABLE.cast(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)  # as the gates: quality/gx.py, 1,000,000
    parser.add_argument("--docs", action="store_true", help="also build Data Docs (in a temp dir)")
    args = parser.parse_args()
    if args.rows > 1_000_000:
        sys.exit("at most 1,000,000 rows here (shared machine)")
    uids = default_reference().hcmc_new_units()["unit_uid"].to_list()
    t = time.perf_counter()
    frame = staged_population_frame(args.rows, uids)
    print(f"frame: {frame.height:,} rows x {frame.width} columns in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    from quality import gx as qgx

    qgx._gx()
    print(f"GX import: {time.perf_counter() - t:.1f} s", flush=True)
    rules = [qr.ward_in_dimension(uids), qr.age_range("date_of_birth", as_of=date(2026, 1, 1))]
    docs = Path(tempfile.mkdtemp(prefix="wardbridge-gx-")) if args.docs else None
    t = time.perf_counter()
    result = qgx.validate(TABLE, frame, rules=rules, docs_dir=docs, chunk_rows=args.chunk_rows)
    seconds = time.perf_counter() - t
    gx_n = sum(o.engine == "gx" for o in result.outcomes)
    print(
        f"rows {result.rows:,}  expectations {len(result.outcomes)} ({gx_n} GX, {len(result.outcomes) - gx_n} Polars)  "
        f"chunks {result.chunks}  passed {result.passed}  seconds {seconds:.1f}  peak RSS {peak_mib():,.0f} MiB",
        flush=True,
    )
    if not result.passed:
        print(result.summary())
    if docs:
        print(f"data docs: {result.docs_index}")


if __name__ == "__main__":
    main()
