"""Split-unit records placed from the registries' own evidence, against the generator's truth.

Generates registries (or reads an existing synth output), stages every extract with the engine
(load_raw + stage, as the ingest assets do, without writing the warehouse), mines split evidence
(pipelines.entities.placement) and prints: split_review records, share placed, correctness of the
placements against truth (truth/<registry>.parquet true_new_uid), entries per state and what is left
for review. Run on demand (not a test):

    uv run python benchmarks/split_evidence_benchmark.py --sample                  # data/sample/registries
    uv run python benchmarks/split_evidence_benchmark.py --people 1000000 --work /tmp/split1m
    uv run python benchmarks/split_evidence_benchmark.py --work /tmp/split1m       # again: staged rows reused

``--work`` keeps the generated registries and the staged columns mining reads (staged.parquet), so
another run with other thresholds (``--min-support``, ``--max-conflict-share``, ``--max-conflicts``) skips generation and staging.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.entities.placement import MAX_CONFLICT_SHARE, MIN_SUPPORT, mine_split_evidence  # noqa: E402

SAMPLE = REPO / "data" / "sample" / "registries"
KEEP = [
    "record_key",
    "source_id",
    "source_key",
    "address",
    "old_uid",
    "new_uid",
    "ward_status",
    "ward_scheme",
    "ward_candidates",
]


def generate(out: Path, people: int) -> float:
    from pipelines.synth.registries import SynthConfig, generate

    t = time.perf_counter()
    generate(SynthConfig(people=people, progress=True), out)
    return time.perf_counter() - t


def stage_all(root: Path) -> pl.DataFrame:
    """Every extract of a synth output staged; the columns mining and evaluation read, with the registry."""
    from pipelines.ingest.catalogue import catalogue_from_manifest, extracts_by_partition, load_catalogue
    from pipelines.ingest.raw import load_raw
    from pipelines.ingest.stage import stage

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = Path(tmp) / "catalogue.toml"
        catalogue.write_text(catalogue_from_manifest(manifest, str(root.resolve())), encoding="utf-8")
        extracts = extracts_by_partition(load_catalogue([catalogue]))
    frames = []
    for extract in extracts.values():
        registry = extract.source.registry
        loaded = load_raw(extract, "split-bench")
        staged = stage(loaded.frame, registry, day_first=extract.source.day_first).staged
        household = pl.col("household_no") if "household_no" in staged.columns else pl.lit(None, dtype=pl.String)
        frames.append(staged.select(pl.lit(registry).alias("registry"), *KEEP, household.alias("household_no")))
    return pl.concat(frames, how="vertical_relaxed")


def truth_of(root: Path, staged: pl.DataFrame) -> pl.DataFrame:
    """registry, record_key, true_new_uid of every staged record."""
    out = []
    for registry in staged["registry"].unique().sort():
        truth = pl.read_parquet(
            root / "truth" / f"{registry}.parquet", columns=["source_id", "record_no", "true_new_uid"]
        )
        rows = staged.filter(pl.col("registry") == registry).select("registry", "record_key", "source_id", "source_key")
        out.append(
            rows.join(
                truth, left_on=["source_id", "source_key"], right_on=["source_id", "record_no"], how="left"
            ).select("registry", "record_key", "true_new_uid")
        )
    return pl.concat(out)


def report(root: Path, staged: pl.DataFrame, min_support: int, share: float, max_conflicts: int | None) -> str:
    t = time.perf_counter()
    result = mine_split_evidence(staged, min_support=min_support, max_conflict_share=share, max_conflicts=max_conflicts)
    mine_s = time.perf_counter() - t
    truth = truth_of(root, staged)
    placed = result.placements.join(truth, on=["registry", "record_key"], how="left")
    no_truth = placed["true_new_uid"].null_count()  # the sample's deliberately broken copies have no truth
    placed = placed.drop_nulls("true_new_uid")
    correct = int((placed["new_uid"] == placed["true_new_uid"]).sum())
    n_split, n_placed = result.split_records, result.placements.height
    ev = result.evidence
    lines = [
        f"registries: {root}",
        f"staged records {staged.height:,}; 2025-form {int((staged['ward_scheme'] == '2025').sum()):,}; "
        f"split_review (old form, split old units) {n_split:,} ({n_split / max(1, staged.height):.1%})",
        f"thresholds: support >= {min_support}, conflicting <= {share:.0%} of the evidence"
        f"{'' if max_conflicts is None else f' and <= {max_conflicts}'}; mining {mine_s:.1f} s "
        f"({result.stats['votes']:,} evidence records)",
        f"placed {n_placed:,} of {n_split:,} split_review records: {n_placed / max(1, n_split):.2%}",
        f"correct against truth: {correct:,} of {placed.height:,}: {correct / max(1, placed.height):.2%}"
        + (f" ({no_truth:,} placed records of the broken-file copies have no truth)" if no_truth else ""),
        "entries per state (entries, records waiting, records placed):",
    ]
    per_state = (
        ev.group_by("state")
        .agg(pl.len().alias("entries"), pl.col("records_waiting").sum(), pl.col("records_placed").sum())
        .sort("state")
    )
    for state, entries, waiting, placed_n in per_state.iter_rows():
        lines.append(f"  {state:<12}{entries:>8,}{waiting:>12,}{placed_n:>12,}")
    left = n_split - n_placed
    named = result.evidence.filter(pl.col("state").is_in(["conflicting", "thin", "rejected"]))
    lines.append(
        f"left for review: {left:,} records ({left / max(1, n_split):.2%}); entries for officials "
        f"(conflicting, thin, rejected): {named.height:,}"
    )
    wrong = placed.filter(pl.col("new_uid") != pl.col("true_new_uid"))
    if wrong.height:
        lines.append(
            "wrong placements by reason kind: "
            + str(dict(wrong.group_by(pl.col("ward_reason").str.extract(r"; (\w+) ")).len().rows()))
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", action="store_true", help="the bundled sample (data/sample/registries)")
    parser.add_argument("--from", dest="source", type=Path, help="an existing synth output")
    parser.add_argument("--people", type=int, default=1_000_000, help="people to generate (default 1,000,000)")
    parser.add_argument("--work", type=Path, help="keep registries and staged rows here (reused when present)")
    parser.add_argument("--min-support", type=int, default=MIN_SUPPORT)
    parser.add_argument("--max-conflict-share", type=float, default=MAX_CONFLICT_SHARE)
    parser.add_argument("--max-conflicts", type=int, default=None, help="absolute cap (default none)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="split-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    root = SAMPLE if args.sample else args.source or work / "registries"
    if not (root / "manifest.json").is_file():
        print(f"generating {args.people:,} people into {root} ...", file=sys.stderr)
        print(f"synth: {generate(root, args.people):.1f} s")
    cached = work / ("staged_sample.parquet" if args.sample else "staged.parquet")
    if cached.is_file() and not args.sample:
        staged = pl.read_parquet(cached)
    else:
        t = time.perf_counter()
        staged = stage_all(root)
        print(f"staging: {staged.height:,} records in {time.perf_counter() - t:.1f} s")
        if not args.sample:
            staged.write_parquet(cached)
    print(report(root, staged, args.min_support, args.max_conflict_share, args.max_conflicts))


if __name__ == "__main__":
    main()
