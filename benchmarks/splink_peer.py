"""Peer: deduplicate the staged population registry with Splink 5 (DuckDB backend).

Side-by-side benchmark against wardbridge's own person resolution. Needs the
'bench' dependency group (splink==5.0.0)::

    uv run --group bench python benchmarks/splink_peer.py --input /tmp/sample_staged_population.parquet \
        --truth data/sample/registries/truth/population.parquet

The model follows Splink's documented recipe for person deduplication
(dedupe_only; comparisons from the comparison library with term-frequency
adjustments on names; prior from deterministic rules; u by random sampling with
a seed; m by expectation maximisation on two blocking rules; predict; connected
components at a match-probability threshold). Only the input columns are
adapted to Vietnamese registries: names are folded (no diacritics, lower case)
and split into family (first word), middle (words between, null if none) and
given name (last word), as Splink's examples split first name and surname.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

__all__ = ["splink_dedupe", "prepare"]

#: DuckDB threads: the benchmark machine has 2 cores.
THREADS = int(os.environ.get("SPLINK_PEER_THREADS", "2"))
#: Seed for u sampling (EM sampling, if any, is hash-based and deterministic).
SEED = 42


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case, no diacritics (đ -> d), single spaces."""
    return (
        expr.str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("[đĐ]", "d")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns the Splink model uses, derived from a staged population table."""
    words = pl.col("name_folded").str.split(" ")
    middle = words.list.slice(1, words.list.len() - 2).list.join(" ")
    empty_to_null = lambda c: pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c))  # noqa: E731
    return (
        frame.select(
            pl.col("record_key").alias("unique_id"),
            _fold(pl.col("full_name")).alias("name_folded"),
            pl.col("date_of_birth").dt.strftime("%Y-%m-%d").alias("dob"),
            pl.col("date_of_birth").dt.year().cast(pl.Utf8).alias("birth_year"),
            "sex",
            "personal_id",
            "old_id_number",
            "phone",
            pl.col("old_uid").alias("ward"),
        )
        .with_columns(
            words.list.first().alias("family_name"),
            pl.when(words.list.len() > 1).then(words.list.last()).alias("given_name"),
            pl.when(words.list.len() > 2).then(middle).alias("middle_name"),
        )
        .with_columns(
            [empty_to_null(c).alias(c) for c in ("name_folded", "family_name", "given_name", "middle_name", "phone")]
        )
    )


# Pairs scored at prediction: any of these finds a candidate pair.
BLOCKING_RULES = [
    block_on("personal_id"),
    block_on("old_id_number"),
    block_on("phone"),
    block_on("given_name", "dob"),
    block_on("family_name", "dob"),
    block_on("name_folded", "birth_year"),
]

# High-precision rules for the prior (probability two random records match).
DETERMINISTIC_RULES = [
    block_on("personal_id", "dob"),
    block_on("name_folded", "dob", "sex"),
]
DETERMINISTIC_RECALL = 0.7

# One EM session per rule (each trains the comparisons it does not block on).
EM_RULES = [
    block_on("family_name", "given_name"),
    block_on("dob"),
]


def _comparisons() -> list:
    return [
        # NameComparison: null, exact (term-frequency adjusted), JW>=0.92, JW>=0.88, JW>=0.7, else
        cl.NameComparison("given_name"),
        cl.NameComparison("family_name"),
        cl.NameComparison("middle_name"),
        # null, exact, levenshtein<=1, <=1 month, <=1 year, <=10 years, else
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
        # CCCD: null, exact, one edit (one digit wrong), else. CMND: null, exact, else
        # (a one-edit level on CMND is never observed among matches, so EM cannot train it).
        cl.LevenshteinAtThresholds("personal_id", 1),
        cl.ExactMatch("old_id_number"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("ward").configure(term_frequency_adjustments=True),
    ]


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _rule_sql(rule) -> str:
    return rule.get_blocking_rule("duckdb").blocking_rule_sql


def splink_dedupe(
    frame: pl.DataFrame,
    *,
    threshold: float = 0.9,
    max_pairs_u: float = 1e7,
    em_max_pairs: float | None = 1e7,
    log_level: int = logging.WARNING,
) -> tuple[pl.DataFrame, dict]:
    """Returns (clusters, info): clusters has columns record_key, cluster_id (one row
    per input record); info has timings per phase and the settings used.

    ``threshold`` is the match probability at or above which a pair links two
    records (used both to filter predict's output and to cluster).
    ``em_max_pairs`` caps each EM session's blocked pairs (Splink 5's deterministic
    hash-based record sampling; blocking on family+given name alone gives ~8e8 pairs
    at 1.2M records); None trains on all blocked pairs. ``log_level`` is Splink's
    (its own default is INFO, which narrates every step).
    """
    timings: dict[str, float] = {}
    t_all = time.perf_counter()

    t = time.perf_counter()
    data = prepare(frame)
    timings["prepare"] = time.perf_counter() - t

    t = time.perf_counter()
    con = duckdb.connect(":memory:", config={"threads": THREADS})
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(data.to_arrow(), dataset_display_name="population")
    settings = _settings()
    linker = Linker(sdf, settings, log_level=log_level)
    timings["register"] = time.perf_counter() - t

    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL)
    timings["train_prior"] = time.perf_counter() - t

    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=SEED)
    timings["train_u"] = time.perf_counter() - t

    t = time.perf_counter()
    for rule in EM_RULES:
        # As Splink's deduplicate_50k_synthetic example: EM on comparison-vector counts,
        # term frequencies applied at prediction only.
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
        )
    timings["train_em"] = time.perf_counter() - t

    t = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    n_pairs = con.sql(f"select count(*) from {predictions.physical_name}").fetchone()[0]
    timings["predict"] = time.perf_counter() - t

    t = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = pl.from_arrow(
        con.sql(f"select unique_id as record_key, cluster_id from {clustered.physical_name} order by unique_id").arrow()
    )
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_all

    model = linker.misc.save_model_to_json() if hasattr(linker, "misc") else None
    info: dict[str, Any] = {
        "splink_version": __import__("splink").__version__,
        "duckdb_version": duckdb.__version__,
        "threads": THREADS,
        "n_records": frame.height,
        "n_clusters": clusters["cluster_id"].n_unique(),
        "n_pairs_above_threshold": n_pairs,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "settings": {
            "link_type": "dedupe_only",
            "threshold_match_probability": threshold,
            "blocking_rules_to_generate_predictions": [_rule_sql(r) for r in BLOCKING_RULES],
            "comparisons": [c.get_comparison("duckdb").output_column_name for c in _comparisons()],
            "deterministic_rules": [_rule_sql(r) for r in DETERMINISTIC_RULES],
            "deterministic_recall": DETERMINISTIC_RECALL,
            "u_max_pairs": max_pairs_u,
            "u_seed": SEED,
            "em_blocking_rules": [_rule_sql(r) for r in EM_RULES],
            "em_max_pairs": em_max_pairs,
            "em_estimate_without_term_frequencies": True,
            "probability_two_random_records_match": (model or {}).get("probability_two_random_records_match"),
        },
        "model": model,
    }
    con.close()
    return clusters, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True, help="staged population Parquet")
    ap.add_argument("--threshold", type=float, default=0.9, help="match probability to link (default 0.9)")
    ap.add_argument("--max-pairs-u", type=float, default=1e7)
    ap.add_argument("--em-max-pairs", type=float, default=1e7, help="cap on blocked pairs per EM session (0 = no cap)")
    ap.add_argument("--truth", help="truth population Parquet (person_id, source_id, record_no): print pairwise P/R/F1")
    ap.add_argument("--output", help="write clusters (record_key, cluster_id) to this Parquet")
    ap.add_argument("--verbose", action="store_true", help="show Splink's INFO logging")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    staged = pl.read_parquet(args.input)
    t_read = time.perf_counter() - t0
    clusters, info = splink_dedupe(
        staged,
        threshold=args.threshold,
        max_pairs_u=args.max_pairs_u,
        em_max_pairs=args.em_max_pairs or None,
        log_level=logging.INFO if args.verbose else logging.WARNING,
    )
    wall = time.perf_counter() - t0
    if args.output:
        clusters.write_parquet(args.output)
    print(f"splink {info['splink_version']} (duckdb {info['duckdb_version']}, {info['threads']} threads)")
    print(
        f"records: {info['n_records']:,}  clusters: {info['n_clusters']:,}  "
        f"pairs >= {args.threshold}: {info['n_pairs_above_threshold']:,}"
    )
    print(
        f"prior (probability two random records match): {info['settings']['probability_two_random_records_match']:.3g}"
    )
    print(
        f"seconds: read {t_read:.2f}, "
        + ", ".join(f"{k} {v:.2f}" for k, v in info["timings_s"].items())
        + f"; wall {wall:.2f}"
    )
    if args.truth:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks.match_benchmark import accuracy  # the side-by-side benchmark's own measure

        scores = accuracy(clusters, staged, pl.read_parquet(args.truth))
        print(
            f"pairwise vs truth ({scores['records']:,} records): "
            f"precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  F1 {scores['f1']:.4f}  "
            f"(true pairs {scores['true_pairs']:,}, predicted {scores['predicted_pairs']:,}, "
            f"correct {scores['correct_pairs']:,})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
