"""People deduplication on small tables: accuracy and time at several sizes, wardbridge and Splink side by side.

Run on demand (not a test):

    flock /tmp/heavy.lock uv run --group bench python benchmarks/small_match_benchmark.py \\
        --staged /tmp/city1m/staged/staged_population.parquet --truth /tmp/city1m/reg/truth/population.parquet \\
        --sizes 1000,5000,20000,100000 --seeds 3 --splink

Each size is a sample of whole households of the generated city (``--by person``: whole people), so every
true pair of a sampled person stays inside the sample; ``--seeds`` draws that many samples per size. Each
engine runs in its own child process (``match_benchmark.py``'s child mode) on the same sample. ``--root DIR``
adds a row per sample from another checkout of wardbridge (e.g. a ``git worktree`` of an older commit), so
a model change is measured against the code before it on the same samples.

Figures per row: precision and recall of the links (pairwise, against the generator's person_id), linked or
queued (true pairs whose records a reviewer accepting the queue would put together; Splink has no queue, so
it is its recall), review pairs as a share of records, wall and CPU seconds of the match alone (the child's
own clock, loading excluded) and the load average when it ended. Targets (issue 14): precision >= 0.995,
recall >= 0.97, linked or queued >= 0.995, review <= 2 % of records.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.match.evaluate import pairwise, true_pair_recall  # noqa: E402

TARGETS = {"precision": 0.995, "recall": 0.97, "linked_or_queued": 0.995, "review_share": 0.02}


def keyed(staged: Path, truth: Path) -> pl.DataFrame:
    """record_key, person_id, household_id of every staged record."""
    return (
        pl.scan_parquet(staged)
        .select("record_key", "source_id", "source_key")
        .join(
            pl.scan_parquet(truth).select(
                "source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id", "household_id"
            ),
            on=["source_id", "source_key"],
        )
        .select("record_key", "person_id", "household_id")
        .collect()
    )


def sample_keys(keys: pl.DataFrame, size: int, seed: int, by: str) -> pl.Series:
    """Record keys of whole groups (households or people) drawn at random until ``size`` records are reached."""
    column = "household_id" if by == "household" else "person_id"
    groups = keys.group_by(column).len().sort(column)
    order = np.random.default_rng(seed).permutation(groups.height)
    shuffled = groups[order]
    take = int(np.searchsorted(shuffled["len"].cum_sum().to_numpy(), size)) + 1
    chosen = shuffled[:take].select(column)
    return keys.join(chosen, on=column)["record_key"]


def write_sample(staged: Path, record_keys: pl.Series, path: Path) -> int:
    frame = pl.scan_parquet(staged).filter(pl.col("record_key").is_in(record_keys.implode())).collect()
    frame.write_parquet(path)
    return frame.height


def run_child(root: Path, engine: str, staged: Path, out: Path) -> dict | None:
    command = [
        sys.executable,
        str(root / "benchmarks" / "match_benchmark.py"),
        "--engine",
        engine,
        "--staged",
        str(staged),
        "--out",
        str(out),
    ]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode:
        print(f"{engine} ({root}) failed with exit code {done.returncode}:\n{done.stderr[-2000:]}", flush=True)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def figures(result: dict, out: Path, keys: pl.DataFrame) -> dict:
    clusters = pl.read_parquet(out.with_suffix(".parquet"))
    records = keys.join(clusters.select("record_key", pl.col("cluster_id").cast(pl.String)), on="record_key")
    acc = pairwise(records, "cluster_id", "person_id")
    row = {
        "records": acc["records"],
        "true_pairs": acc["true_pairs"],
        "precision": acc["precision"],
        "recall": acc["recall"],
        "linked_or_queued": acc["recall"],
        "review_share": 0.0,
        "wall_s": result["wall_s"],
        "cpu_s": result["cpu_s"],
        "load": result["load"][0],
        "m_from": "",
    }
    pairs = out.with_suffix(".pairs.parquet")
    if pairs.exists():
        recs = records.select(
            pl.col("record_key").alias("record_id"), pl.col("cluster_id").alias("entity_id"), "person_id"
        )
        report = true_pair_recall(recs, pl.read_parquet(pairs), "person_id")["categories"]
        row["linked_or_queued"] = float(report["linked_or_queued"][0])
        info = result["info"]
        row["review_share"] = info.get("review_pairs", 0) / max(acc["records"], 1)
        sources = info.get("m_source", {})
        row["m_from"] = ",".join(sorted({v for v in sources.values()}))
        used = [r for r, d in info.get("em_per_rule", {}).items() if d.get("used")]
        row["m_from"] += f" ({len(used)} rules)"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, required=True, help="staged_population Parquet file of a generated city")
    parser.add_argument("--truth", type=Path, required=True, help="the generator's truth/population.parquet")
    parser.add_argument("--sizes", default="1000,5000,20000,100000", help="records per sample, comma-separated")
    parser.add_argument("--seeds", type=int, default=1, help="samples per size (seeds 0 .. n-1)")
    parser.add_argument("--by", choices=("household", "person"), default="household", help="what a sample draws whole")
    parser.add_argument("--splink", action="store_true", help="also run Splink 5 on each sample")
    parser.add_argument("--root", type=Path, action="append", default=[], help="another wardbridge checkout to run too")
    parser.add_argument("--work", type=Path, help="where samples and outputs go (default: a new temporary folder)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="wardbridge-small-"))
    work.mkdir(parents=True, exist_ok=True)
    keys = keyed(args.staged, args.truth)
    engines = [("wardbridge", ROOT), *(("wardbridge", Path(r).resolve()) for r in args.root)]
    engines += [("splink", ROOT)] if args.splink else []
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for seed in range(args.seeds):
            sample = work / f"sample_{size}_{seed}.parquet"
            n = write_sample(args.staged, sample_keys(keys, size, seed, args.by), sample)
            sample_keys_frame = keys.join(pl.read_parquet(sample, columns=["record_key"]), on="record_key")
            for i, (engine, root) in enumerate(engines):
                label = engine if root == ROOT else f"{engine}@{root.name}"
                out = work / f"{size}_{seed}_{engine}_{i}.json"
                result = run_child(root, engine, sample, out)
                if result is None:
                    continue
                row = {"size": size, "seed": seed, "engine": label} | figures(result, out, sample_keys_frame)
                rows.append(row)
                print(
                    f"size {size} seed {seed} {label}: {n:,} records, precision {row['precision']:.4f}, "
                    f"recall {row['recall']:.4f}, linked or queued {row['linked_or_queued']:.4f}, "
                    f"review {row['review_share']:.2%}, {row['wall_s']:.2f} s, CPU {row['cpu_s']:.2f} s, "
                    f"load {row['load']:.1f}",
                    flush=True,
                )
    table = pl.DataFrame(rows)
    table.write_parquet(work / "small_match_benchmark.parquet")
    print()
    header = f"{'size':>7} {'seed':>4} {'engine':<22}{'records':>8}{'true pairs':>11}{'precision':>10}{'recall':>8}"
    header += f"{'linked|queued':>14}{'review':>8}{'wall s':>8}{'CPU s':>7}{'load':>6}  m from"
    print(header)
    for r in rows:
        print(
            f"{r['size']:>7} {r['seed']:>4} {r['engine']:<22}{r['records']:>8,}{r['true_pairs']:>11,}"
            f"{r['precision']:>10.4f}{r['recall']:>8.4f}{r['linked_or_queued']:>14.4f}{r['review_share']:>8.2%}"
            f"{r['wall_s']:>8.2f}{r['cpu_s']:>7.2f}{r['load']:>6.1f}  {r['m_from']}"
        )
    if args.seeds > 1:
        print("\nper size and engine, over seeds: the worst sample's figures")
    summary = (
        table.group_by("size", "engine", maintain_order=True)
        .agg(
            pl.len().alias("samples"),
            pl.col("records").sum(),
            pl.col("precision").min().alias("min_precision"),
            pl.col("recall").min().alias("min_recall"),
            pl.col("linked_or_queued").min().alias("min_linked_or_queued"),
            pl.col("review_share").max().alias("max_review"),
            pl.col("wall_s").mean().alias("mean_wall_s"),
            pl.col("cpu_s").mean().alias("mean_cpu_s"),
        )
        .with_columns(
            (
                (pl.col("min_precision") >= TARGETS["precision"])
                & (pl.col("min_recall") >= TARGETS["recall"])
                & (pl.col("min_linked_or_queued") >= TARGETS["linked_or_queued"])
                & (pl.col("max_review") <= TARGETS["review_share"])
            ).alias("targets_met")
        )
    )
    with pl.Config(tbl_rows=100, tbl_cols=20, tbl_width_chars=200, float_precision=4):
        print(summary)
    print(f"\nsamples and outputs in {work}")


if __name__ == "__main__":
    main()
