"""Increments: a day's new and changed people matched against a saved 1M-people run.

Run on demand (not a test), one heavy run at a time on a shared machine:

    uv run python benchmarks/ingest_benchmark.py --people 1000000 --registry population --save /tmp/staged1m
    flock /tmp/heavy.lock uv run python benchmarks/increment_benchmark.py \\
        --staged /tmp/staged1m/staged_population.parquet --new 50000

The staged table (a file or a folder of Parquet partitions) is split: ``--new`` records
drawn at random are held out as the increment, ``--changed`` of them are instead copies
of base records with a new name (same record id: the old version is replaced);
``--withdrawn`` other base records are withdrawn (deleted in their source) and
``--verdicts`` pairs of the base run's review queue get a reviewer's verdict (alternately
"same" and "different", strongest first) with the increment. Three child processes, so each
peak memory is its own:

1. base: a full match of the rest (the model is fitted), its state saved;
2. increment: the state loaded, ``match_increment`` with the new records (and withdrawals and
   verdicts), the new state saved; its wall and CPU seconds (all threads) and the load average
   (1 min) before and after;
3. full: a full re-match of base + increment (without the withdrawn records, with every
   verdict) with the base run's frozen model (the reference the increment must equal),
   compared with the increment's state: lineage (record -> entity, links), every pair's scores
   and decisions, the review queue and the golden records.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE_SPEC = ROOT / "mappings" / "match" / "people.toml"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_staged(path: Path, columns: set[str]) -> pl.DataFrame:
    source = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    scan = pl.scan_parquet(source, hive_partitioning=False)
    present = set(scan.collect_schema())
    return scan.select(sorted(columns & present)).collect()


def split(
    staged: pl.DataFrame, id_column: str, new: int, changed: int, seed: int, withdrawn: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """(base, increment, withdrawn ids): ``new - changed`` held-out records plus ``changed`` renamed copies of base
    records; ``withdrawn`` other base records' ids."""
    order = staged.select(id_column).sample(fraction=1.0, shuffle=True, seed=seed)[id_column]
    held = order.head(new - changed)
    base = staged.filter(~pl.col(id_column).is_in(held.implode()))
    renamed = (
        base.filter(pl.col(id_column).is_in(order.slice(new, changed).implode())).with_columns(
            pl.col("full_name").str.replace(r"^(\S+) ", "$1 Văn ")
        )  # a middle name added by a clerk
    )
    gone = order.slice(new + changed, withdrawn).alias(id_column)
    return base, pl.concat([staged.filter(pl.col(id_column).is_in(held.implode())), renamed]), gone


def read_withdrawn(work: Path, id_column: str) -> pl.Series:
    """The withdrawn ids of the split (none for a split made before ``--withdrawn`` existed)."""
    path = work / "withdrawn.parquet"
    return pl.read_parquet(path)[id_column] if path.exists() else pl.Series(id_column, [], dtype=pl.String)


def pick_verdicts(review: pl.DataFrame, n: int, skip: pl.Series) -> pl.DataFrame:
    """``n`` review-queue pairs (strongest first, none naming a ``skip`` id), alternately "same" and "different"."""
    if not n:
        return pl.DataFrame(schema={"left_id": pl.String, "right_id": pl.String, "same": pl.Boolean})
    away = skip.cast(pl.String).implode()
    return (
        review.filter(~pl.col("left_id").cast(pl.String).is_in(away) & ~pl.col("right_id").cast(pl.String).is_in(away))
        .head(n)
        .select(pl.col("left_id", "right_id").cast(pl.String), (pl.int_range(pl.len()) % 2 == 0).alias("same"))
    )


def child(step: str, work: Path, spec_path: Path) -> dict:
    import logging

    from pipelines.match import load_spec, match
    from pipelines.match.increment import match_increment
    from pipelines.match.state import load_state, save_state

    logging.basicConfig(level=logging.INFO, format=f"  {step}: %(message)s", stream=sys.stderr)
    spec = load_spec(spec_path)
    out: dict = {"step": step}
    if step == "base":
        base = pl.read_parquet(work / "base.parquet")
        started = time.perf_counter()
        result = match(base, spec, keep_state=True)
        out["match_s"] = time.perf_counter() - started
        started = time.perf_counter()
        save_state(result.state, work / "state", spec)  # with the block hashes the increment reads
        out["save_s"] = time.perf_counter() - started
        out["records"], out["pairs"] = base.height, result.state.scored.height
    elif step == "increment":
        increment = pl.read_parquet(work / "increment.parquet")
        gone = read_withdrawn(work, spec.id_column)
        options_file = work / "options.json"
        options = json.loads(options_file.read_text()) if options_file.exists() else {"verdicts": 0}
        started = time.perf_counter()
        state = load_state(work / "state", spec)
        out["load_s"] = time.perf_counter() - started
        verdicts = pick_verdicts(state.review, options["verdicts"], gone)
        verdicts.write_parquet(work / "verdicts.parquet")
        out["load_1min_before"] = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        result = match_increment(
            state,
            increment,
            spec,
            labelled_pairs=verdicts.filter("same").drop("same"),
            cannot_link_pairs=verdicts.filter(~pl.col("same")).drop("same"),
            withdrawn=gone,
        )
        out["increment_s"], out["increment_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
        out["load_1min_after"] = os.getloadavg()[0]
        print(result.summary(), file=sys.stderr)
        out["stats"] = {k: v for k, v in result.stats.items()}
        out["blocking"] = result.blocking.to_dicts()
        started = time.perf_counter()
        save_state(result.state, work / "state_after")
        out["save_s"] = time.perf_counter() - started
    else:  # full re-match with the frozen model, compared with the increment's state
        frozen_state = load_state(work / "state", spec)
        base_ids = pl.read_parquet(work / "increment.parquet")[spec.id_column]
        gone = read_withdrawn(work, spec.id_column)
        verdicts = pl.read_parquet(work / "verdicts.parquet")
        labelled = pl.concat([frozen_state.labelled, verdicts.filter("same").drop("same")]).unique(maintain_order=True)
        cannot = pl.concat([frozen_state.cannot_link, verdicts.filter(~pl.col("same")).drop("same")])
        frame = pl.concat(
            [
                frozen_state.frame.filter(~pl.col(spec.id_column).is_in(pl.concat([base_ids, gone]).implode())),
                pl.read_parquet(work / "increment.parquet"),
            ],
            how="diagonal_relaxed",
        )
        previous, frozen = frozen_state.records, frozen_state.frozen
        del frozen_state
        started = time.perf_counter()
        full = match(
            frame,
            spec,
            model=frozen,
            previous=previous,
            labelled_pairs=labelled,
            cannot_link_pairs=cannot.unique(maintain_order=True),
            keep_state=True,
        )
        out["full_s"] = time.perf_counter() - started
        out["peak_mib"] = peak_mib()
        after = load_state(work / "state_after", spec)
        out["equal"] = compare(after, full.state)
    out.setdefault("peak_mib", peak_mib())
    return out


def compare(inc, full) -> dict:  # noqa: ANN001 - two MatchStates
    def same(a: pl.DataFrame, b: pl.DataFrame, keys: list[str]) -> bool:
        return a.columns == b.columns and a.sort(keys).equals(b.sort(keys))

    moved = inc.records.join(full.records, on="record_id", suffix="_full").filter(
        pl.col("entity_id") != pl.col("entity_id_full")
    )
    return {
        "records": (inc.records.height, full.records.height),
        "records_with_another_entity": moved.height,
        "pairs_count": (inc.scored.height, full.scored.height),
        "lineage": same(inc.records, full.records, ["record_id"]),
        "pairs": same(inc.scored, full.scored, ["l", "r"]),
        "review": same(inc.review, full.review, ["left_id", "right_id"]),
        "entities": same(
            inc.entities.with_columns(pl.col("record_ids").list.sort()),
            full.entities.with_columns(pl.col("record_ids").list.sort()),
            ["entity_id"],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, help="staged_population: a Parquet file or a folder of partitions")
    parser.add_argument("--new", type=int, default=50_000, help="records in the increment (default 50,000)")
    parser.add_argument("--changed", type=int, default=500, help="of them, changed base records (default 500)")
    parser.add_argument("--withdrawn", type=int, default=0, help="base records withdrawn with it (default 0)")
    parser.add_argument("--verdicts", type=int, default=0, help="review pairs given a verdict with it (default 0)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--spec", type=Path, default=PEOPLE_SPEC, help="match spec (default the people spec)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/wardbridge-increment-bench"))
    parser.add_argument("--step", choices=("base", "increment", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--no-full", action="store_true", help="skip the full re-match (timing the increment only)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep --work's split and base state from an earlier run (skip the base run)",
    )
    args = parser.parse_args()
    if args.step:
        print(json.dumps(child(args.step, args.work, args.spec), default=str))
        return
    reuse = args.reuse and (args.work / "state" / "manifest.json").exists()
    if not reuse:
        if not args.staged:
            parser.error("give --staged")
        from pipelines.match import load_spec

        spec = load_spec(args.spec)
        if args.work.exists():
            shutil.rmtree(args.work)
        args.work.mkdir(parents=True)
        staged = read_staged(args.staged, spec.input_columns | spec.optional_columns)
        base, increment, gone = split(staged, spec.id_column, args.new, args.changed, args.seed, args.withdrawn)
        del staged
        base.write_parquet(args.work / "base.parquet")
        increment.write_parquet(args.work / "increment.parquet")
        gone.to_frame().write_parquet(args.work / "withdrawn.parquet")
        print(
            f"base {base.height:,} records, increment {increment.height:,} ({args.changed:,} changed), "
            f"{gone.len():,} withdrawn",
            flush=True,
        )
    (args.work / "options.json").write_text(json.dumps({"verdicts": args.verdicts}))
    figures = {}
    if reuse:
        saved = args.work / "base.json"
        figures["base"] = json.loads(saved.read_text()) if saved.exists() else None
    steps = [*(() if reuse else ("base",)), "increment", *(() if args.no_full else ("full",))]
    for step in steps:
        print(f"running {step} ...", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--step", step, "--work", str(args.work), "--spec", str(args.spec)],
            check=False,
            capture_output=False,
            stdout=subprocess.PIPE,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"{step} failed with exit code {done.returncode}")
        figures[step] = json.loads(done.stdout.strip().splitlines()[-1])
        if step == "base":
            (args.work / "base.json").write_text(json.dumps(figures[step], default=str))
        print(json.dumps(figures[step], default=str)[:1500], flush=True)
    b, i, f = figures["base"], figures["increment"], figures.get("full")
    print()
    if b:
        print(
            f"base run (fit):        {b['match_s']:8.1f} s, peak {b['peak_mib']:,.0f} MiB, {b['pairs']:,} pairs; "
            f"state saved in {b['save_s']:.1f} s"
        )
    print(
        f"increment:             {i['increment_s']:8.1f} s (CPU {i['increment_cpu_s']:.1f} s, load "
        f"{i['load_1min_before']:.1f} -> {i['load_1min_after']:.1f}), peak {i['peak_mib']:,.0f} MiB "
        f"(state loaded in {i['load_s']:.1f} s, saved in {i['save_s']:.1f} s)"
    )
    steps, cpu = i["stats"]["seconds"], i["stats"].get("cpu_seconds", {})
    print("  steps: " + ", ".join(f"{k} {v:.2f} s (CPU {cpu.get(k, float('nan')):.2f})" for k, v in steps.items()))
    if f:
        print(f"full frozen re-match:  {f['full_s']:8.1f} s, peak {f['peak_mib']:,.0f} MiB")
        print(f"increment == full re-match: {f['equal']}")


if __name__ == "__main__":
    main()
