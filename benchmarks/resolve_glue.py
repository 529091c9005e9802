"""``resolve_addresses`` on a CSV's address column in this process: its CPU seconds, those of the Python reads
(``read_tokens``, ``_read_mode``, ``_province_segment``: the parser) and the rest (Polars steps, tokenising, frames
and glue), for changes outside the reads. One core is the caller's choice (``taskset -c 1``); Polars runs one thread.

    taskset -c 1 uv run python benchmarks/resolve_glue.py --csv <the benchmark's 1M CSV> --gazetteer <its gazetteer>

The benchmark's CSV and gazetteer: ``benchmarks/resolve_benchmark.py`` writes them in a temporary folder; the same
input: ``generate_addresses(1_000_000, seed=20250701, mess_types=ALL_MESS_TYPES)`` with ``write_synthetic_gazetteer``
(seed 20250701). The timing wraps each read (about 1 us per read lands in the reads' share). ``--out`` writes the
output (Parquet) to compare versions with ``DataFrame.equals``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("POLARS_MAX_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines._native import source_module  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402

# The resolver as Python: its reads are timed through wrappers of module attributes, which the compiled
# module's own calls would not go through (pipelines/_native.py).
r = source_module()

READS = ("read_tokens", "_read_mode", "_province_segment")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, required=True, help="CSV with an 'address' column")
    parser.add_argument("--gazetteer", type=Path, required=True)
    parser.add_argument("--n", type=int, help="the first N rows only")
    parser.add_argument("--out", type=Path, help="write the output here (Parquet)")
    args = parser.parse_args(argv)

    reference = load_reference(gazetteers=(args.gazetteer,))
    addresses = pl.read_csv(args.csv, infer_schema=False)["address"]
    if args.n:
        addresses = addresses.head(args.n)
    in_reads = [0.0]
    saved = {name: getattr(r, name) for name in READS}

    def timed(fn):
        def run(*a, **k):
            started = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                in_reads[0] += time.process_time() - started

        return run

    for name, fn in saved.items():
        setattr(r, name, timed(fn))
    try:
        index = r.build_index(reference)  # fresh: no reading cached
        gc.collect()
        started = time.process_time()
        out = r.resolve_addresses(addresses, index=index)
        total = time.process_time() - started
    finally:
        for name, fn in saved.items():
            setattr(r, name, fn)
    print(
        f"{r.__file__}: resolve_addresses on {addresses.len():,} rows {total:.2f} CPU s; Python reads "
        f"{in_reads[0]:.2f}; the rest {total - in_reads[0]:.2f}"
    )
    if args.out:
        out.write_parquet(args.out)


if __name__ == "__main__":
    main()
