"""People deduplication: accuracy, wall time and peak memory, wardbridge and Splink side by side.

Run on demand (not a test):

    uv run wardbridge run                                        # stages the bundled sample
    uv run python benchmarks/match_benchmark.py --sample --splink
    uv run python benchmarks/ingest_benchmark.py --from /tmp/syn1m --registry population --save /tmp/staged1m
    uv run python benchmarks/match_benchmark.py --staged /tmp/staged1m/staged_population.parquet \\
        --truth /tmp/syn1m/truth/population.parquet --splink

Each engine runs in its own child process on the same staged table, so the peak RSS
reported is that engine's alone. Accuracy is pairwise against the generator's truth
(person_id): precision = true pairs in predicted entities / pairs in predicted
entities, recall = true pairs in predicted entities / true pairs. The wardbridge
figures are for its link decisions only (review-queue pairs count as not linked).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.match.evaluate import pairwise, true_pair_recall  # noqa: E402

SAMPLE_TRUTH = ROOT / "data" / "sample" / "registries" / "truth" / "population.parquet"
PEOPLE_SPEC = ROOT / "mappings" / "match" / "people.toml"
# jemalloc (Polars' allocator) keeping freed pages instead of giving them back to the system (Polars' __init__ sets
# dirty_decay_ms:500,muzzy_decay_ms:1000 in front of any value in the environment; the last value of a key wins).
# A page given back costs a page fault and zeroing when used again (the kernel took a third of the 1M match's CPU
# samples under perf, clear_page alone 16 %), yet keeping them measured no gain at 1M people on 2026-12-03 (three
# alternated pairs at load ~3.1: wall 17.4 vs 17.0 s, CPU 26.5 vs 26.7 s, peak +250-400 MiB), so wardbridge does not
# set it. Read when Polars loads, so given to the child's environment; the engine's results do not depend on it.
RETAIN = "dirty_decay_ms:-1,muzzy_decay_ms:-1"
SPLINK_COLUMNS = ["record_key", "full_name", "date_of_birth", "sex", "personal_id", "old_id_number", "phone", "old_uid"]


def accuracy(clusters: pl.DataFrame, staged: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """Pairwise precision/recall/F1 of clusters (record_key, cluster_id) against truth person_id."""
    keyed = staged.select("record_key", "source_id", "source_key").join(
        truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
        on=["source_id", "source_key"],
    )
    labelled = keyed.join(clusters.select("record_key", pl.col("cluster_id").cast(pl.String)), on="record_key")
    if labelled.height != staged.height:
        raise SystemExit(
            f"only {labelled.height:,} of {staged.height:,} staged records found in the truth or the clusters"
        )
    return pairwise(labelled, "cluster_id", "person_id")


def run_engine(
    engine: str,
    staged_path: Path,
    out: Path,
    threshold: float | None,
    shards: int | None = None,
    spec_path: Path = PEOPLE_SPEC,
) -> None:
    """Child process: run one engine, write its clusters and figures. ``shards``: wardbridge's (``match``'s
    ``shards``; None: automatic); ``spec_path``: wardbridge's spec (people.toml unless a variant is tried)."""
    if engine == "wardbridge":
        import logging

        from pipelines.match import load_spec, match

        logging.basicConfig(
            level=logging.INFO, format=f"  {engine}: %(message)s", stream=sys.stderr
        )  # phase times and memory
        spec = load_spec(spec_path)
        present = set(pl.read_parquet_schema(staged_path))
        used = spec.input_columns | (spec.optional_columns & present)  # what the spec uses (dob_precision too)
        # one chunk a column (a Parquet file reads a row group a chunk): the engine's table then shares these columns
        # instead of copying them into one chunk (`wardbridge match` reads its input so too)
        staged = pl.read_parquet(staged_path, columns=sorted(used)).rechunk()
        started, cpu_started = time.perf_counter(), time.process_time()
        # every candidate pair (row numbers, rules), those under the pair floor too: pair completeness counts them.
        # Written by the engine (a sharded run holds them a shard at a time), timed apart ("candidates" step) and
        # left out of the engine's wall and CPU time below
        result = match(staged, spec, keep_candidates=out.with_suffix(".candidates"), shards=shards)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started  # CPU: all the process's threads
        wall -= result.stats["seconds"].get("candidates", 0.0)
        cpu -= result.stats["cpu_seconds"].get("candidates", 0.0)
        peak_match = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the engine's, before any writing
        clusters = result.records.select(
            pl.col("record_id").alias("record_key"), pl.col("entity_id").alias("cluster_id")
        )
        info = {
            k: v
            for k, v in result.stats.items()
            if k
            in (
                "candidate_pairs",
                "decisions",
                "review_pairs",
                "review_items",
                "capped_blocks",
                "largest_block_per_rule",
                "em_converged",
                "em_per_rule",
                "m_source",
                "pairs_per_rule",
                "new_pairs_per_rule",
                "seconds",
                "cpu_seconds",
                "entities",
                "pairs_below_floor",
                "shards",
            )
        }
        info["prior_estimate"] = result.stats.get("prior_estimate", {})
        table = result.model_table()
        table.write_parquet(out.with_suffix(".model.parquet"))  # m, u and weight per level (for what-ifs)
        info["weight_bits"] = weight_bits(table)
        levels = [c for c in result.pairs.columns if c.endswith(("_level", "_weight"))]  # levels, weights (bits)
        result.pairs.select(
            "left_id", "right_id", "blocked_by", "decision", "match_probability", *levels
        ).write_parquet(out.with_suffix(".pairs.parquet"))
        result.records.select("record_id").write_parquet(out.with_suffix(".rows.parquet"))
    else:
        from benchmarks.splink_peer import splink_dedupe

        staged = pl.read_parquet(staged_path, columns=SPLINK_COLUMNS)
        started, cpu_started = time.perf_counter(), time.process_time()
        clusters, info = splink_dedupe(staged, **({"threshold": threshold} if threshold is not None else {}))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak_match = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clusters.write_parquet(out.with_suffix(".parquet"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(
        json.dumps(
            {
                "engine": engine,
                "wall_s": wall,
                "cpu_s": cpu,
                "load": os.getloadavg(),
                "peak_rss_mib": peak_match,
                "peak_rss_after_writing_mib": peak,
                "info": info,
            },
            default=str,
        ),
        encoding="utf-8",
    )


def _recall_pairs(records: pl.DataFrame, pairs: Path, spec_path: Path = PEOPLE_SPEC) -> pl.DataFrame:
    """What ``true_pair_recall`` reads (left_id, right_id, blocked_by, decision): the pair table, or, where the run
    kept every candidate pair apart (``.candidates/``, a Parquet file per shard, row numbers of ``.rows.parquet``),
    the true pairs among the candidates (those under the pair floor too) for pair completeness and the pair table's
    queued pairs for linked-or-queued (named ``cluster_check``: not counted as found by blocking twice)."""
    table = pl.read_parquet(pairs, columns=["left_id", "right_id", "blocked_by", "decision"])
    candidates_folder = pairs.with_name(pairs.name.replace(".pairs.parquet", ".candidates"))
    if not candidates_folder.is_dir():
        return table
    from pipelines.match import load_spec
    from pipelines.match.blocking import rule_names

    ids = pl.read_parquet(pairs.with_name(pairs.name.replace(".pairs.", ".rows.")))["record_id"]
    person = (
        ids.to_frame()
        .join(records.select("record_id", "person_id"), on="record_id", how="left", maintain_order="left")["person_id"]
        .cast(pl.Categorical)
        .to_physical()
        .fill_null(-1)
        .cast(pl.Int64)
        .to_numpy()
    )
    found = []
    for part in sorted(candidates_folder.glob("candidates-*.parquet")):  # a file at a time: the true pairs kept
        candidates = pl.read_parquet(part)
        left, right = candidates["l"].to_numpy(), candidates["r"].to_numpy()
        found.append(candidates.filter(pl.Series((person[left] == person[right]) & (person[left] >= 0))))
        del candidates, left, right
    found = pl.concat(found)
    spec = load_spec(spec_path)
    blocked = found.select(
        ids.gather(found["l"]).alias("left_id"),
        ids.gather(found["r"]).alias("right_id"),
        rule_names(pl.col("rules"), spec).alias("blocked_by"),
        pl.lit("non_match").alias("decision"),
    )
    queued = table.filter(pl.col("decision").cast(pl.String).is_in(["review", "refused"])).select(
        "left_id", "right_id", pl.lit("cluster_check").alias("blocked_by"), pl.col("decision").cast(pl.String)
    )
    return pl.concat([blocked, queued])


def weight_bits(table: pl.DataFrame) -> dict[str, list[float]]:
    """Each comparison's weight (bits) at its first level (the strongest) and at its last (``different``), from the
    model table (``MatchResult.model_table``), in that table's order: the spec's, a comparison's ``m_by`` rows after
    its own, as the "m from" line. A plain ``group_by`` gave its groups in another order run to run."""
    by_level = pl.col("weight_bits").sort_by("level")
    ends = table.group_by("comparison", maintain_order=True).agg(
        by_level.first().alias("strongest"), by_level.last().alias("different")
    )
    return {c: [float(a), float(b)] for c, a, b in ends.iter_rows()}


def weights_line(weights: dict[str, list[float]]) -> str:
    """The benchmark's weights line, in the order ``weight_bits`` gives."""
    return "  weights (strongest / different level, bits): " + ", ".join(
        f"{c} {a:.1f} / {b:.1f}" for c, (a, b) in weights.items()
    )


def per_rule_table(rules: pl.DataFrame, info: dict) -> pl.DataFrame:
    """``true_pair_recall``'s rules beside the run's pairs and largest block per blocking rule, in the spec's rule
    order (the run's ``pairs_per_rule``), rules the truth's pairs did not reach included, then any other rule by
    name; a full join alone promises no row order."""
    per_rule = info.get("pairs_per_rule", {})
    counts = pl.DataFrame(
        {
            "rule": list(per_rule),
            "pairs": list(per_rule.values()),
            "new_pairs": [info.get("new_pairs_per_rule", {}).get(k) for k in per_rule],
            "largest_block": [info.get("largest_block_per_rule", {}).get(k) for k in per_rule],
        },
        schema={"rule": pl.String, "pairs": pl.Int64, "new_pairs": pl.Int64, "largest_block": pl.Int64},
    )
    order = {rule: i for i, rule in enumerate(per_rule)}
    joined = rules.join(counts, on="rule", how="full", coalesce=True)
    position = pl.col("rule").replace_strict(order, default=len(order), return_dtype=pl.Int64)
    return joined.sort(position, "rule", maintain_order=True)


def false_link_kinds(false: pl.DataFrame) -> pl.DataFrame:
    """False links per kind (``false_link_kind``), most first, kinds of equal count by name (a sort on the count
    alone left ties in a different order run to run)."""
    return (
        false.group_by(false_link_kind())
        .agg(pl.len().alias("links"), pl.col("match_probability").median().alias("median_probability"))
        .sort(["links", "false_link"], descending=[True, False])
    )


def print_recall(
    figures: dict,
    staged: pl.DataFrame,
    truth: pl.DataFrame,
    clusters: pl.DataFrame,
    pairs: Path,
    spec_path: Path = PEOPLE_SPEC,
) -> None:
    """Where true pairs are lost, per mess category of the generator's truth and per blocking rule."""
    records = (
        staged.select("record_key", "source_id", "source_key")
        .join(
            truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id", "noise"),
            on=["source_id", "source_key"],
        )
        .join(clusters.select("record_key", pl.col("cluster_id").cast(pl.String)), on="record_key")
        .select(pl.col("record_key").alias("record_id"), pl.col("cluster_id").alias("entity_id"), "person_id", "noise")
    )
    report = true_pair_recall(records, _recall_pairs(records, pairs, spec_path), "person_id", "noise")
    info = figures["info"]
    with pl.Config(tbl_rows=60, tbl_cols=12, fmt_str_lengths=60, tbl_width_chars=160, float_precision=4):
        print(f"\n{figures['engine']}: true pairs per category (a pair counts in each label of its two records)")
        print(report["categories"])
        print(per_rule_table(report["rules"], info))
    for rule, d in info.get("em_per_rule", {}).items():
        share = f"{d['match_share']:.3f}" if "match_share" in d else "-"
        print(
            f"  EM {rule}: {d['status']}, pairs {d['pairs']:,}, match share {share}, iterations {d.get('iterations', '-')}"
        )
    print("  m from: " + ", ".join(f"{k} {v}" for k, v in info.get("m_source", {}).items()))
    prior = info.get("prior_estimate") or {}
    if prior:
        print(
            f"  prior {prior['prior']:.3e} ({prior['method']}, {prior['true_pairs'] or 0:,.0f} true pairs); "
            f"EM's share would give {prior['prior_em']:.3e}"
        )
    print(weights_line(info.get("weight_bits", {})))


REVIEW_BUDGET_THRESHOLDS = (0.1, 0.05, 0.03, 0.025, 0.022, 0.02, 0.015, 0.01)


def review_budget(records: pl.DataFrame, scored: pl.DataFrame, thresholds=REVIEW_BUDGET_THRESHOLDS) -> list:
    """Per threshold t, the review queue the run would have had with t as its review threshold: the refused pairs
    and the unlinked pairs scoring at least t, and only those (a pair the run queued that scores under t leaves the
    queue as a non-match); the links as the run made them. ``records``: record_id, entity_id, person_id; ``scored``:
    the pair table's left_id, right_id, blocked_by, decision, match_probability with le and re (each end's entity).
    Returns (t, pairs, entity pairs, items, linked or queued) per threshold."""
    rows = []
    for t in thresholds:
        band = (pl.col("decision") == "refused") | ((pl.col("decision") != "link") & (pl.col("match_probability") >= t))
        queued = scored.with_columns(
            pl.when(band)
            .then(pl.lit("review"))
            .when(pl.col("decision") == "review")
            .then(pl.lit("non_match"))
            .otherwise("decision")
            .alias("decision")
        )
        review = queued.filter(pl.col("decision") == "review")
        cross = review.filter(pl.col("le") != pl.col("re"))
        items = cross.select(
            pl.min_horizontal("le", "re").alias("x"), pl.max_horizontal("le", "re").alias("y")
        ).n_unique()
        queue_items = items + review.filter(pl.col("le") == pl.col("re"))["le"].n_unique()
        loq = true_pair_recall(records, queued.drop("le", "re"), "person_id")["categories"]["linked_or_queued"][0]
        rows.append((t, review.height, items, queue_items, loq))
    return rows


def print_review_budget(staged: pl.DataFrame, truth: pl.DataFrame, clusters: pl.DataFrame, pairs: Path) -> None:
    """What another review threshold would give: linked-or-queued recall against review items, per threshold
    (``review_budget``: the queue as it would be with that threshold, smaller above the spec's, larger under it).

    Three ways of counting: every pair in the queue, one per pair of entities with pairs inside one entity left
    out, and the review queue's items (engine.review_items, queues.entity_pair_items): one per pair of entities the
    pairs join, and one per entity for the pairs inside one."""
    records = (
        staged.select("record_key", "source_id", "source_key")
        .join(
            truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
            on=["source_id", "source_key"],
        )
        .join(clusters.select("record_key", pl.col("cluster_id").cast(pl.String)), on="record_key")
        .select(pl.col("record_key").alias("record_id"), pl.col("cluster_id").alias("entity_id"), "person_id")
    )
    entity = records.select("record_id", "entity_id")
    scored = (
        pl.read_parquet(pairs, columns=["left_id", "right_id", "blocked_by", "decision", "match_probability"])
        .with_columns(pl.col("decision").cast(pl.String))
        .join(entity.rename({"record_id": "left_id", "entity_id": "le"}), on="left_id")
        .join(entity.rename({"record_id": "right_id", "entity_id": "re"}), on="right_id")
    )
    n = max(staged.height, 1)
    print(
        "\nreview budget: linked-or-queued recall if the review threshold were t (queued: the refused pairs and the "
        "unlinked pairs scoring at least t, no others; links as the run made them)"
    )
    print(
        f"  {'t':>6}{'pairs':>10}{'% records':>11}{'entity pairs':>14}{'% records':>11}{'items':>9}{'% records':>11}"
        f"{'linked or queued':>18}"
    )
    for t, band_pairs, items, queue_items, loq in review_budget(records, scored):
        print(
            f"  {t:>6.3f}{band_pairs:>10,}{band_pairs / n:>11.2%}{items:>14,}{items / n:>11.2%}{queue_items:>9,}"
            f"{queue_items / n:>11.2%}{loq:>18.4f}"
        )


THRESHOLD_WHATIF = ((0.95, 0.05), (0.9, 0.03), (0.88, 0.03), (0.85, 0.025), (0.85, 0.02), (0.8, 0.02))


def print_threshold_whatif(staged: pl.DataFrame, truth: pl.DataFrame, pairs: Path) -> None:
    """What other (link, review) thresholds would give, from the kept pair table: entities as the connected
    components of the pairs at or over the link threshold but those the run refused (no guard run again, no cluster
    size limit: the run's own thresholds reproduce its figures to about 1e-5 at 1M), the refused and the pairs in
    [review, link) queued, linked-or-queued as in ``true_pair_recall``."""
    from pipelines.match.evaluate import component_labels

    person = (
        staged.select("record_key", "source_id", "source_key")
        .join(
            truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
            on=["source_id", "source_key"],
            how="left",
            maintain_order="left",
        )
        .with_row_index("i")
    )
    n = person.height
    index = person.select("record_key", "i")
    table = (
        pl.read_parquet(pairs, columns=["left_id", "right_id", "decision", "match_probability"])
        .with_columns(pl.col("decision").cast(pl.String))
        .join(index.rename({"record_key": "left_id", "i": "a"}), on="left_id")
        .join(index.rename({"record_key": "right_id", "i": "b"}), on="right_id")
    )
    truth_code = person["person_id"].cast(pl.Categorical).to_physical().to_numpy()

    def same_pairs(labels: np.ndarray, with_truth: bool) -> int:
        frame = pl.DataFrame({"c": labels, "t": truth_code})
        keys = ["c", "t"] if with_truth else ["c"]
        return int(
            frame.group_by(keys).len().select((pl.col("len").cast(pl.Int64) * (pl.col("len") - 1) // 2).sum()).item()
        )

    true_pairs = same_pairs(truth_code, False)  # (every staged record is in the truth: ``accuracy`` checks it)
    print("\nthresholds what-if (pair table, no chaining guard): link / review -> P, R, linked or queued, review pairs")
    for link, review in THRESHOLD_WHATIF:
        linked = table.filter((pl.col("match_probability") >= link) & (pl.col("decision") != "refused"))
        entity = component_labels(n, linked["a"].to_numpy(), linked["b"].to_numpy())
        queued = table.filter(
            pl.col("match_probability").is_between(review, link, closed="left") | (pl.col("decision") == "refused")
        )
        joined = component_labels(n, entity[queued["a"].to_numpy()], entity[queued["b"].to_numpy()])[entity]
        predicted, correct = same_pairs(entity, False), same_pairs(entity, True)
        print(
            f"  {link:.3f} / {review:.3f}: P {correct / max(predicted, 1):.5f}  R {correct / max(true_pairs, 1):.5f}  "
            f"linked or queued {same_pairs(joined, True) / max(true_pairs, 1):.5f}  "
            f"review {queued.height:,} ({queued.height / max(n, 1):.2%} of records)"
        )


def false_link_kind() -> pl.Expr:
    """What a false link (two different people linked directly) looks like, from its comparison levels."""
    level = {name: pl.col(f"{name}_level").cast(pl.String) for name in ("name", "date_of_birth", "ids", "home")}
    same_name = level["name"].is_in(["exact", "exact_folded"])
    same_date = level["date_of_birth"].is_in(["exact", "day_month_swapped"])
    return (
        pl.when(level["ids"].is_in(["exact", "one_digit_off", "two_digits_off"]))
        .then(pl.lit("IDs agree"))
        .when(level["home"] == "same_household")
        .then(pl.lit("same household (twins, relatives)"))
        .when(same_name & same_date)
        .then(pl.lit("namesakes: same name and birth date"))
        .when(same_date)
        .then(pl.concat_str(pl.lit("same birth date, name "), level["name"]))
        .when(same_name)
        .then(pl.concat_str(pl.lit("same name, birth date "), level["date_of_birth"].fill_null("missing")))
        .otherwise(pl.lit("other"))
        .alias("false_link")
    )


def print_false_links(staged: pl.DataFrame, truth: pl.DataFrame, clusters: pl.DataFrame, pairs: Path) -> None:
    """Where precision is lost: links between different people per kind, and entities holding several people."""
    person = staged.select("record_key", "source_id", "source_key").join(
        truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
        on=["source_id", "source_key"],
    )
    ids = person.select("record_key", "person_id")
    scored = pl.read_parquet(pairs)
    if "name_level" not in scored.columns:
        return
    linked = (
        scored.filter(pl.col("decision") == "link")
        .join(ids.rename({"record_key": "left_id", "person_id": "lp"}), on="left_id")
        .join(ids.rename({"record_key": "right_id", "person_id": "rp"}), on="right_id")
    )
    false = linked.filter(pl.col("lp") != pl.col("rp"))
    entities = (
        clusters.select("record_key", pl.col("cluster_id").cast(pl.String))
        .join(ids, on="record_key")
        .group_by("cluster_id")
        .agg(pl.col("person_id").n_unique().alias("people"), pl.len().alias("records"))
        .filter(pl.col("people") > 1)
    )
    with pl.Config(tbl_rows=30, fmt_str_lengths=60, tbl_width_chars=160, float_precision=4):
        print(f"\nfalse links: {false.height:,} of {linked.height:,} direct links join two different people")
        print(false_link_kinds(false))
        print(
            f"entities holding several people: {entities.height:,} "
            f"({int(entities['records'].sum() or 0):,} records, largest {int(entities['records'].max() or 0)})"
        )


def staged_sample() -> Path:
    from pipelines.warehouse import PartitionedLayer, Warehouse

    frame = PartitionedLayer(Warehouse.default(), "staged").scan("staged_population").collect()
    if not frame.height:
        raise SystemExit("no staged sample: run `uv run wardbridge run` first")
    path = Path(tempfile.mkdtemp(prefix="wardbridge-match-")) / "staged_population.parquet"
    frame.write_parquet(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, help="staged_population Parquet file")
    parser.add_argument("--truth", type=Path, help="the generator's truth/population.parquet")
    parser.add_argument("--sample", action="store_true", help="the bundled sample as staged by `wardbridge run`")
    parser.add_argument("--splink", action="store_true", help="also run Splink 5 (DuckDB) on the same table")
    parser.add_argument("--splink-threshold", type=float, help="Splink clustering threshold (default: splink_peer's)")
    parser.add_argument(
        "--retained",
        action="store_true",
        help="also run wardbridge with Polars' allocator keeping the memory it frees (" + RETAIN + "): "
        "no page is given back and faulted in again, at the cost of a higher peak",
    )
    parser.add_argument(
        "--shards",
        type=int,
        help="wardbridge's candidate pairs in this many shards (1: in one piece; default: automatic, in shards "
        "from 2M records up)",
    )
    parser.add_argument(
        "--spec", type=Path, default=PEOPLE_SPEC, help="wardbridge's match spec (default: mappings/match/people.toml)"
    )
    parser.add_argument("--engine", choices=("wardbridge", "splink"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--keep", type=Path, help="write the engines' outputs (entities, pair tables, models) here and keep them"
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:  # child
        run_engine(args.engine, args.staged, args.out, args.splink_threshold, args.shards, args.spec)
        return
    if args.sample:
        args.staged, args.truth = staged_sample(), args.truth or SAMPLE_TRUTH
    if not args.staged or not args.truth:
        parser.error("give --sample, or --staged and --truth")
    print(
        f"{pl.scan_parquet(args.staged).select(pl.len()).collect().item():,} staged population records from {args.staged}",
        flush=True,
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        compare(args, args.keep)
        print(f"\nthe engines' outputs (entities, pair tables, models) are kept in {args.keep}")
        return
    work = Path(tempfile.mkdtemp(prefix="wardbridge-bench-"))
    try:
        compare(args, work)
    finally:  # a run at city scale leaves gigabytes here: kept only when asked (--keep)
        shutil.rmtree(work, ignore_errors=True)


def compare(args: argparse.Namespace, work: Path) -> None:
    """Each engine in its own child process on the staged table, then the accuracy of each against the truth."""
    rows = []
    runs = ["wardbridge", *(["wardbridge-retained"] if args.retained else []), *(["splink"] if args.splink else [])]
    for run in runs:
        engine = run.removesuffix("-retained")
        out = work / f"{run}.json"
        command = [sys.executable, __file__, "--engine", engine, "--staged", str(args.staged), "--out", str(out)]
        if args.splink_threshold is not None:
            command += ["--splink-threshold", str(args.splink_threshold)]
        if args.shards is not None:
            command += ["--shards", str(args.shards)]
        command += ["--spec", str(args.spec)]
        env = os.environ | ({"_RJEM_MALLOC_CONF": RETAIN} if run.endswith("-retained") else {})
        print(f"running {run} ...", flush=True)
        done = subprocess.run(command, check=False, env=env)
        if done.returncode:
            print(f"{engine} failed with exit code {done.returncode}")
            continue
        figures = json.loads(out.read_text(encoding="utf-8"))
        figures["engine"] = run
        rows.append(figures)
        print(json.dumps(figures["info"], indent=None)[:2000], flush=True)
    # truth is loaded only now, so it does not add to the machine's load while an engine runs
    staged = pl.read_parquet(args.staged, columns=["record_key", "source_id", "source_key"])
    truth = pl.read_parquet(args.truth, columns=["source_id", "record_no", "person_id", "noise"])
    records = staged.height
    for figures in rows:
        figures.update(accuracy(pl.read_parquet(work / f"{figures['engine']}.parquet"), staged, truth))
        pairs_file = work / f"{figures['engine']}.pairs.parquet"
        if pairs_file.exists():
            clusters = pl.read_parquet(work / f"{figures['engine']}.parquet")
            print_recall(figures, staged, truth, clusters, pairs_file, args.spec)
            print_false_links(staged, truth, clusters, pairs_file)
            print_review_budget(staged, truth, clusters, pairs_file)
            print_threshold_whatif(staged, truth, pairs_file)
            review = figures["info"].get("review_pairs", 0)
            print(f"review pairs {review:,} = {review / records:.2%} of {records:,} records")
            # one item per pair of entities the queued pairs join (engine.review_items)
            if "review_items" in figures["info"]:
                items = figures["info"]["review_items"]
                print(f"review items (entity pairs) {items:,} = {items / records:.2%} of {records:,} records")
    print()
    for r in rows:
        info = r["info"]
        print(
            f"{r['engine']}: {info.get('candidate_pairs', 0):,} candidate pairs in {info.get('shards', 1)} shard(s); "
            "per step wall/CPU s: "
            + ", ".join(
                f"{k} {v:.1f}/{info.get('cpu_seconds', {}).get(k, 0):.1f}" for k, v in info.get("seconds", {}).items()
            )
        )
    print(
        f"{'engine':<20}{'precision':>11}{'recall':>9}{'F1':>9}{'wall s':>9}{'CPU s':>8}{'load':>6}{'peak MiB':>10}"
        f"{'pred pairs':>12}{'true pairs':>12}"
    )
    for r in rows:
        print(
            f"{r['engine']:<20}{r['precision']:>11.5f}{r['recall']:>9.5f}{r['f1']:>9.5f}{r['wall_s']:>9.1f}{r['cpu_s']:>8.1f}"
            f"{r['load'][0]:>6.1f}{r['peak_rss_mib']:>10,.0f}"
            f"{r['predicted_pairs']:>12,}{r['true_pairs']:>12,}"
        )
    peer = [r for r in rows if r["engine"] == "splink"]
    for w in (r for r in rows if r["engine"] != "splink" and peer):
        s = peer[0]
        print(
            f"\n{w['engine']}/splink: wall {w['wall_s'] / s['wall_s']:.3f}x, CPU {w['cpu_s'] / s['cpu_s']:.3f}x, peak memory {w['peak_rss_mib'] / s['peak_rss_mib']:.2f}x, "
            f"F1 {w['f1'] - s['f1']:+.5f}"
        )


if __name__ == "__main__":
    main()
