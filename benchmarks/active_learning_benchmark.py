"""Learning from reviewers: how many labelled pairs reach the matching targets, informative-first vs random.

Run on demand (not a test), on generated people (100k-200k; wrap in the heavy-run lock):

    uv run wardbridge synth --people 200000 --out /tmp/al/reg        # or reuse a generated city
    uv run python benchmarks/ingest_benchmark.py --from /tmp/al/reg --registry population --save /tmp/al/staged
    flock /tmp/heavy.lock uv run python benchmarks/active_learning_benchmark.py \\
        --staged /tmp/al/staged/staged_population.parquet --truth /tmp/al/reg/truth/population.parquet

A simulated reviewer answers from the generator's truth (same person_id or not). Each round it is
shown the open pairs of the last run: the review queue (review and refused pairs) and, so that the
labels can also tell whether the link threshold is too low, the links below ``--audit-ceiling``
(0.999). The informative arm takes the next batch by ``rank_informative`` (uncertain pairs of large
evidence patterns first; from the second round on, uncertainty is that of the pair's band of match
weight as the labels so far estimate it, with bands few labels have seen explored first); the random arm draws the
batch uniformly from the same pool; the informative-keep-m arm is the informative one with the engine's
semi-supervised EM switched off (EM reads no label; labels then only link, veto and move thresholds), to
show what learning m from labels chosen for being uncertain does. After each batch the labels go to ``match``
(same: linked; different: never linked; where the pair is a candidate pair, EM's posterior for it fixed to 1 / 0),
the thresholds are refined from the labels on the new model's probabilities (``refine_thresholds``), and the
match is run again with them when they moved.

Measured after each batch (pairwise, against truth): precision and recall of the links,
linked-or-queued recall (the queue's open pairs counted; pairs labelled "different" are decided, not
queued) and the open review pairs as a share of records. Targets: precision >= 0.995, recall >= 0.97,
linked or queued >= 0.995, review <= 2 %.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.match import load_spec, match, model  # noqa: E402
from pipelines.match.evaluate import pairwise, true_pair_recall  # noqa: E402
from pipelines.match.learning import (  # noqa: E402
    Targets,
    ThresholdChoice,
    band_rates,
    pattern,
    rank_informative,
    refine_thresholds,
)  # noqa: E402

KEEP_M = "-keep-m"
PEOPLE_SPEC = ROOT / "mappings" / "match" / "people.toml"
TARGETS = {"precision": 0.995, "recall": 0.97, "linked_or_queued": 0.995, "review_share": 0.02}
PAIR = pl.concat_str(pl.min_horizontal("left_id", "right_id"), pl.lit("|"), pl.max_horizontal("left_id", "right_id"))


def load(staged_path: Path, truth_path: Path, spec) -> tuple[pl.DataFrame, pl.DataFrame]:
    present = set(pl.read_parquet_schema(staged_path))
    used = spec.input_columns | (spec.optional_columns & present)
    staged = pl.read_parquet(staged_path, columns=sorted(used | {"source_id", "source_key"}))
    truth = pl.read_parquet(truth_path, columns=["source_id", "record_no", "person_id"])
    people = staged.select("record_key", "source_id", "source_key").join(
        truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
        on=["source_id", "source_key"],
    )
    if people.height != staged.height:
        raise SystemExit(f"only {people.height:,} of {staged.height:,} staged records found in the truth")
    return staged.drop("source_id", "source_key"), people.select("record_key", "person_id")


def measure(result, people: pl.DataFrame, labels: pl.DataFrame) -> dict:
    records = result.records.select("record_id", "entity_id").join(
        people.rename({"record_key": "record_id"}), on="record_id"
    )
    acc = pairwise(records, "entity_id", "person_id")
    decided = labels.select("pair")
    pairs = result.pairs.with_columns(PAIR.alias("pair"))
    # a labelled pair is decided: it is not an open queue item (a "different" one stays 'refused' in the table)
    open_pairs = pairs.join(decided, on="pair", how="anti")
    queued = open_pairs.filter(pl.col("decision").cast(pl.String).is_in(["review", "refused"]))
    recall = true_pair_recall(
        records, pl.concat([pairs.filter(pl.col("decision") == "link"), queued]).drop("pair"), "person_id"
    )
    row = recall["categories"].row(0, named=True)
    return {
        "precision": acc["precision"],
        "recall": acc["recall"],
        "linked_or_queued": row["linked_or_queued"],
        "review_share": queued.height / result.records.height,
        "review_pairs": queued.height,
    }


def blocking_ceiling(result, people: pl.DataFrame) -> float:
    """Linked-or-queued recall if every true pair that blocking proposed were linked or queued: what no
    threshold and no label can exceed (true pairs never proposed stay apart unless joined through others)."""
    ids = people.select("record_key", "person_id")
    pairs = (
        result.pairs.select("left_id", "right_id", "blocked_by", "decision")
        .join(ids.rename({"record_key": "left_id", "person_id": "_a"}), on="left_id")
        .join(ids.rename({"record_key": "right_id", "person_id": "_b"}), on="right_id")
        .with_columns(
            pl.when(pl.col("_a") == pl.col("_b"))
            .then(pl.lit("review"))
            .otherwise(pl.lit("non_match"))
            .alias("decision")
        )
        .drop("_a", "_b")
    )
    records = result.records.select("record_id", "entity_id").join(
        people.rename({"record_key": "record_id"}), on="record_id"
    )
    return true_pair_recall(records, pairs, "person_id")["categories"]["linked_or_queued"][0]


def pool_of(result, labels: pl.DataFrame, spec, audit_ceiling: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open pairs a reviewer may be asked about: the queue and the links below the audit ceiling."""
    pairs = result.pairs.with_columns(PAIR.alias("pair"), pattern(spec))
    pool = pairs.filter(
        pl.col("decision").cast(pl.String).is_in(["review", "refused"])
        | ((pl.col("decision") == "link") & (pl.col("match_probability") < audit_ceiling))
    ).join(labels.select("pair"), on="pair", how="anti")
    return pool.select("pair", "left_id", "right_id", "match_probability", "evidence"), pairs.select(
        "pair", "evidence", "match_probability"
    )


def answer(batch: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    ids = people.select("record_key", "person_id")
    return (
        batch.join(ids.rename({"record_key": "left_id", "person_id": "_a"}), on="left_id")
        .join(ids.rename({"record_key": "right_id", "person_id": "_b"}), on="right_id")
        .select("pair", "left_id", "right_id", "evidence", (pl.col("_a") == pl.col("_b")).alias("same"))
    )


@contextmanager
def m_kept(keep: bool):
    """With ``keep``, the engine's semi-supervised EM is switched off for the arm (an experiment: EM reads no
    label, and labels only link, veto and move the thresholds)."""
    original = model.label_posteriors
    if keep:
        model.label_posteriors = lambda candidates, labelled: None
    try:
        yield
    finally:
        model.label_posteriors = original


def run_arm(arm, staged, people, spec, base, steps, audit_ceiling, seed, targets) -> list[dict]:
    with m_kept(arm.endswith(KEEP_M)):
        return _run_arm(arm, staged, people, spec, base, steps, audit_ceiling, seed, targets)


def _run_arm(arm, staged, people, spec, base, steps, audit_ceiling, seed, targets) -> list[dict]:
    labels = pl.DataFrame(
        schema={
            "pair": pl.String,
            "left_id": pl.String,
            "right_id": pl.String,
            "evidence": pl.String,
            "same": pl.Boolean,
        }
    )
    result, current, rows = base, spec, []
    for n in steps:
        started = time.perf_counter()
        pool, every = pool_of(result, labels, current, audit_ceiling)
        want = n - labels.height
        if arm.startswith("informative"):
            calibration = None
            if labels.height:  # the labels so far, at the current model's probabilities, per band
                at_p = labels.join(every.select("pair", "match_probability"), on="pair")
                calibration = band_rates(
                    at_p.select(pl.col("match_probability").alias("p"), "same"),
                    every.join(labels.select("pair"), on="pair", how="anti")["match_probability"],
                )
            batch = rank_informative(
                pool, population=every["evidence"], labelled=labels["evidence"], tie=["pair"], calibration=calibration
            ).head(want)
        else:
            batch = pool.sample(min(want, pool.height), seed=seed + n, shuffle=True)
        labels = pl.concat([labels, answer(batch, people)])
        same = labels.filter("same").select("left_id", "right_id")
        different = labels.filter(~pl.col("same")).select("left_id", "right_id")
        result = match(staged, current, labelled_pairs=same, cannot_link_pairs=different)
        scored = result.pairs.with_columns(PAIR.alias("pair"))
        labelled_p = labels.join(scored.select("pair", "match_probability"), on="pair")
        # open pairs with their comparison vector (links' precision per vector) and decision (refused: queued anyway)
        open_p = (
            scored.with_columns(pattern(current))
            .join(labels.select("pair"), on="pair", how="anti")
            .select("match_probability", "evidence", "decision")
        )
        choice = refine_thresholds(
            labelled_p, open_p, staged.height, current.link_threshold, current.review_threshold, targets
        )
        if (choice.link_threshold, choice.review_threshold) != (current.link_threshold, current.review_threshold):
            current = choice.apply(current)
            result = match(staged, current, labelled_pairs=same, cannot_link_pairs=different)
        figures = measure(result, people, labels)
        figures.update(
            arm=arm,
            labels=labels.height,
            same=int(labels["same"].sum()),
            link_threshold=current.link_threshold,
            review_threshold=current.review_threshold,
            seconds=time.perf_counter() - started,
        )
        rows.append(figures)
        print(_line(figures), flush=True)
        for reason in choice.reasons:
            print(f"      {reason}", flush=True)
    return rows


def _met(r: dict) -> bool:
    return (
        r["precision"] >= TARGETS["precision"]
        and r["recall"] >= TARGETS["recall"]
        and r["linked_or_queued"] >= TARGETS["linked_or_queued"]
        and r["review_share"] <= TARGETS["review_share"]
    )


def _line(r: dict) -> str:
    return (
        f"{r['arm']:<20}{r['labels']:>7,}{r['same']:>6,}{r['precision']:>10.4f}{r['recall']:>8.4f}"
        f"{r['linked_or_queued']:>8.4f}{r['review_share']:>8.2%}{r['review_pairs']:>8,}"
        f"{r['link_threshold']:>9.4f}{r['review_threshold']:>9.4f}{'  yes' if _met(r) else '   no'}{r['seconds']:>7.0f}"
    )


HEADER = (
    f"{'arm':<20}{'labels':>7}{'same':>6}{'precision':>10}{'recall':>8}{'l-or-q':>8}{'review':>8}{'pairs':>8}"
    f"{'link_t':>9}{'review_t':>9}{'  all?':>5}{'sec':>7}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, required=True, help="staged_population Parquet file")
    parser.add_argument("--truth", type=Path, required=True, help="the generator's truth/population.parquet")
    parser.add_argument("--steps", default="50,100,200,500,1000", help="cumulative label counts")
    parser.add_argument("--audit-ceiling", type=float, default=0.999, help="links below this may be asked about")
    parser.add_argument(
        "--arms",
        default=f"informative,random,informative{KEEP_M}",
        help=f"informative / random, with {KEEP_M}: EM reads no label (m not learned from them)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-labels", type=int, default=Targets.min_labels)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    spec = load_spec(PEOPLE_SPEC)
    staged, people = load(args.staged, args.truth, spec)
    steps = [int(s) for s in args.steps.split(",")]
    targets = Targets(min_labels=args.min_labels)
    print(f"{staged.height:,} staged population records, {people['person_id'].n_unique():,} people", flush=True)
    started = time.perf_counter()
    base = match(staged, spec)
    figures = measure(base, people, pl.DataFrame(schema={"pair": pl.String}))
    figures.update(
        arm="no labels",
        labels=0,
        same=0,
        link_threshold=spec.link_threshold,
        review_threshold=spec.review_threshold,
        seconds=time.perf_counter() - started,
    )
    print(HEADER)
    print(_line(figures), flush=True)
    rows = [figures]
    # what thresholds alone can do: the base model with the whole review budget queued (no labels)
    started = time.perf_counter()
    open_p = base.pairs.filter(pl.col("match_probability") < spec.link_threshold)["match_probability"]
    budget = int(TARGETS["review_share"] * staged.height)
    full = open_p.sort(descending=True).head(budget).min() if open_p.len() else spec.review_threshold
    wide = ThresholdChoice(spec.link_threshold, float(full)).apply(spec)
    figures = measure(match(staged, wide), people, pl.DataFrame(schema={"pair": pl.String}))
    figures.update(
        arm="full budget",
        labels=0,
        same=0,
        link_threshold=wide.link_threshold,
        review_threshold=wide.review_threshold,
        seconds=time.perf_counter() - started,
    )
    print(_line(figures), flush=True)
    rows.append(figures)
    ceiling = blocking_ceiling(base, people)
    print(f"ceiling of blocking: linked or queued {ceiling:.4f} if every true candidate pair were linked or queued")
    arms = [a for a in args.arms.split(",") if a]
    for arm in arms:
        rows += run_arm(arm, staged, people, spec, base, steps, args.audit_ceiling, args.seed, targets)
    print("\n" + HEADER)
    for r in rows:
        print(_line(r))
    for arm in arms:
        reached = [r["labels"] for r in rows if r["arm"] == arm and _met(r)]
        print(
            f"{arm}: all four targets "
            + (f"reached at {reached[0]:,} labels" if reached else f"not reached within {steps[-1]:,} labels")
        )
        for key, target in TARGETS.items():
            ok = [
                r["labels"]
                for r in rows
                if r["arm"] == arm and (r[key] <= target if key == "review_share" else r[key] >= target)
            ]
            print(
                f"  {key} {'<=' if key == 'review_share' else '>='} {target}: "
                + (f"from {ok[0]:,} labels" if ok else "not reached")
            )


if __name__ == "__main__":
    main()
