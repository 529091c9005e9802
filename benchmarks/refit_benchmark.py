"""Refitting m after reviewers' verdicts: what a full re-match that fits m gains or costs against the frozen model.

Run on demand (not a test), on generated people (wrap in the heavy-run lock):

    flock /tmp/heavy.lock uv run python benchmarks/refit_benchmark.py \\
        --staged /tmp/city1m/staged/staged_population.parquet --truth /tmp/city1m/reg/truth/population.parquet

An increment never refits m (``pipelines.match.increment``; ``learning.refit_advised`` only says when a full run
without ``--model`` is due). This measures what that refit does, all in one process on the same staged records:

1. base: ``match`` fits the model (no verdicts), its state kept (the frozen model);
2. verdicts: ``--same`` "same" and ``--different`` "different" verdicts on pairs of the base run's review queue
   (decision 'review'), as a reviewer with the generator's truth would answer them; the queue read from the top
   (``--order strongest``: highest match probability first, what a reviewer sees first) or in random order;
3. increment: ``match_increment`` with the verdicts alone (frozen m; timed only: its result equals 4.);
4. frozen: a full re-match with the frozen model and the verdicts (what the increment equals, measured whole);
5. refit: a full re-match that fits m again, the verdicts read by semi-supervised EM (``model.label_posteriors``).

For each: pairwise precision and recall of the links against truth, linked-or-queued recall (pairs with a
verdict are decided, not open queue items) and the open review pairs as a share of records
(``active_learning_benchmark.measure``), wall and CPU seconds (process, all threads). 3. and 4. differ from 5.
only in m (and the match share) having read the verdicts.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from active_learning_benchmark import PAIR, TARGETS, answer, load, measure  # noqa: E402

from pipelines.match import load_spec, match  # noqa: E402
from pipelines.match.increment import match_increment  # noqa: E402

PEOPLE_SPEC = ROOT / "mappings" / "match" / "people.toml"


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def timed(step, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = step(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def verdicts(base, people: pl.DataFrame, same: int, different: int, order: str, seed: int) -> pl.DataFrame:
    """``same`` + ``different`` verdicts on the base run's review queue, answered from the truth."""
    queue = base.pairs.filter(pl.col("decision").cast(pl.String) == "review").with_columns(
        PAIR.alias("pair"), pl.lit("").alias("evidence")
    )
    if order == "strongest":
        queue = queue.sort(["match_probability", "pair"], descending=[True, False])
    else:
        queue = queue.sort("pair").sample(fraction=1.0, shuffle=True, seed=seed)
    order = queue.select("pair").with_row_index("_order")  # answer's joins do not keep the queue's order
    answered = answer(queue.select("pair", "left_id", "right_id", "evidence"), people).join(order, on="pair")
    answered = answered.sort("_order").drop("_order")
    chosen = pl.concat([answered.filter("same").head(same), answered.filter(~pl.col("same")).head(different)])
    if chosen.height < same + different:
        raise SystemExit(f"the review queue holds only {chosen.height:,} of the {same + different:,} verdicts asked")
    return chosen


def line(name: str, r: dict, wall: float, cpu: float) -> str:
    met = all(
        r[k] <= t if k == "review_share" else r[k] >= t for k, t in TARGETS.items() if k in r
    )  # the active learning targets
    return (
        f"{name:<26}{r['precision']:>10.4f}{r['recall']:>8.4f}{r['linked_or_queued']:>8.4f}{r['review_share']:>8.2%}"
        f"{r['review_pairs']:>8,}{'  yes' if met else '   no'}{wall:>8.1f}{cpu:>8.1f}"
    )


HEADER = (
    f"{'run':<26}{'precision':>10}{'recall':>8}{'l-or-q':>8}{'review':>8}{'pairs':>8}{'  all?':>5}"
    f"{'wall s':>8}{'CPU s':>8}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, required=True, help="staged_population Parquet file")
    parser.add_argument("--truth", type=Path, required=True, help="the generator's truth/population.parquet")
    parser.add_argument("--same", type=int, default=200, help="'same' verdicts")
    parser.add_argument("--different", type=int, default=200, help="'different' verdicts")
    parser.add_argument("--order", choices=["strongest", "random"], default="strongest", help="queue read order")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-increment", action="store_true", help="skip timing match_increment")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    spec = load_spec(PEOPLE_SPEC)
    staged, people = load(args.staged, args.truth, spec)
    print(f"{staged.height:,} staged population records, {people['person_id'].n_unique():,} people", flush=True)
    none = pl.DataFrame(schema={"pair": pl.String})
    rows = []

    base, wall, cpu = timed(match, staged, spec, keep_state=True)
    rows.append(line("base (fit, no verdicts)", measure(base, people, none), wall, cpu))
    print(rows[-1], flush=True)

    labels = verdicts(base, people, args.same, args.different, args.order, args.seed)
    same = labels.filter("same").select("left_id", "right_id")
    different = labels.filter(~pl.col("same")).select("left_id", "right_id")
    p = labels.join(base.pairs.with_columns(PAIR.alias("pair")).select("pair", "match_probability"), on="pair")
    print(
        f"verdicts: {same.height:,} same, {different.height:,} different from the review queue ({args.order} first; "
        f"base match probability {p['match_probability'].min():.4f} .. {p['match_probability'].max():.4f})",
        flush=True,
    )
    decided = labels.select("pair")
    state = base.state
    del base

    if not args.no_increment:
        inc, wall, cpu = timed(match_increment, state, None, spec, labelled_pairs=same, cannot_link_pairs=different)
        rows.append(f"{'increment (frozen m)':<26}{'(equals the frozen re-match)':>58}{wall:>8.1f}{cpu:>8.1f}")
        print(rows[-1], flush=True)
        del inc

    frozen, wall, cpu = timed(match, staged, spec, model=state.frozen, labelled_pairs=same, cannot_link_pairs=different)
    rows.append(line("frozen re-match", measure(frozen, people, decided), wall, cpu))
    print(rows[-1], flush=True)
    frozen_model = state.frozen.model
    frozen_pairs = frozen.pairs.select("left_id", "right_id", "match_probability", "decision")
    del frozen, state

    refit, wall, cpu = timed(match, staged, spec, labelled_pairs=same, cannot_link_pairs=different)
    rows.append(line("refit re-match (EM+labels)", measure(refit, people, decided), wall, cpu))
    print(rows[-1], flush=True)
    shift = max(
        float(abs(refit.model.m[name] - frozen_model.m[name]).max()) for name in frozen_model.m if name in refit.model.m
    )
    share = refit.model.candidate_match_share - frozen_model.candidate_match_share
    both = frozen_pairs.join(
        refit.pairs.select("left_id", "right_id", "match_probability", "decision"),
        on=["left_id", "right_id"],
        how="full",
        coalesce=True,
        suffix="_refit",
    )
    moved = both.select(
        (pl.col("decision").cast(pl.String) != pl.col("decision_refit").cast(pl.String)).fill_null(True).sum(),
        (pl.col("match_probability") - pl.col("match_probability_refit")).abs().max(),
    ).row(0)
    print(
        f"the refit against the frozen model: largest change of an m probability {shift:.2e}, of the candidate match "
        f"share {share:+.2e}; of {both.height:,} pairs, {moved[0]:,} decided otherwise (or in one run only), "
        f"match probability changed by {moved[1] or 0.0:.2e} at most"
    )

    print("\n" + HEADER)
    for r in rows:
        print(r)
    print(f"peak RSS {peak_gib():.1f} GiB")


if __name__ == "__main__":
    main()
