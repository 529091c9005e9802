"""Ingest + staging throughput and peak memory on generated registries (run on demand, not a test).

    uv run python benchmarks/ingest_benchmark.py --people 1000000
    uv run python benchmarks/ingest_benchmark.py --from /tmp/registries   # reuse a `wardbridge synth` output
    uv run python benchmarks/ingest_benchmark.py --from /tmp/registries --registry population --save /tmp/staged
        # keep the staged rows (one Parquet file per registry) for the matching benchmark

Generates the registries with `wardbridge synth` (unless --from), writes a catalogue
for them from their manifest, then loads (raw) and stages every source extract the
way the Dagster assets do, one extract at a time, and prints rows/s per step and
the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines.ingest.catalogue import catalogue_from_manifest, extracts_by_partition, load_catalogue  # noqa: E402
from pipelines.ingest.raw import load_raw  # noqa: E402
from pipelines.ingest.stage import account, stage  # noqa: E402
from pipelines.synth.registries import SynthConfig, generate  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--from", dest="source_dir", type=Path, help="existing `wardbridge synth` output")
    parser.add_argument(
        "--registry", choices=("population", "households", "businesses", "tax"), help="only this registry"
    )
    parser.add_argument("--save", type=Path, help="write staged_<registry>.parquet files here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wardbridge-ingest-"))
    try:
        run(args, work)
    finally:  # the catalogue (and the registries generated without --from) are this run's alone
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    root = args.source_dir
    if root is None:
        root = work / "registries"
        t = time.perf_counter()
        generate(SynthConfig(people=args.people, progress=False), root)
        print(f"generated {args.people:,} people in {time.perf_counter() - t:.1f} s", flush=True)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    catalogue = work / "catalogue.toml"
    catalogue.write_text(catalogue_from_manifest(manifest, str(root.resolve())), encoding="utf-8")
    extracts = extracts_by_partition(load_catalogue([catalogue]), args.registry)
    saved: dict[str, list[Path]] = {}
    if args.save:
        (args.save / "parts").mkdir(parents=True, exist_ok=True)
    before = peak_mib()
    totals = {"raw": 0, "staged": 0, "quarantined": 0}
    t_raw = t_stage = 0.0
    for key, extract in extracts.items():
        t = time.perf_counter()
        raw = load_raw(extract, "bench")
        t_raw += time.perf_counter() - t
        t = time.perf_counter()
        result = stage(raw.frame, extract.source.registry, day_first=extract.source.day_first)
        t_stage += time.perf_counter() - t
        counts = account(raw.frame, result)
        assert counts["balanced"], key
        if args.save:
            part = args.save / "parts" / f"{key.replace('@', '_')}.parquet"
            result.staged.write_parquet(part)
            saved.setdefault(extract.source.registry, []).append(part)
        for k in totals:
            totals[k] += counts[k]
    print(
        f"extracts {len(extracts)}  raw rows {totals['raw']:,}  staged {totals['staged']:,}  quarantined {totals['quarantined']:,}"
    )
    print(f"read + raw      {t_raw:7.1f} s  {totals['raw'] / t_raw:10,.0f} rows/s")
    print(f"stage + resolve {t_stage:7.1f} s  {totals['raw'] / t_stage:10,.0f} rows/s")
    print(f"ingest total    {t_raw + t_stage:7.1f} s  {totals['raw'] / (t_raw + t_stage):10,.0f} rows/s")
    for registry, parts in saved.items():
        pl.scan_parquet(parts).sink_parquet(args.save / f"staged_{registry}.parquet")
        print(f"saved {args.save / f'staged_{registry}.parquet'}")
    print(f"peak RSS {peak_mib():,.0f} MiB (before ingest {before:,.0f} MiB, incl. generation when not --from)")


if __name__ == "__main__":
    main()
