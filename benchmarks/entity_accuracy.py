"""Entity and link accuracy of a warehouse against the generator's truth (the bundled sample or `wardbridge synth`).

Run on demand (not part of the pipeline; production code does not know the generator)::

    uv run wardbridge run
    uv run python benchmarks/entity_accuracy.py [--warehouse DIR] [--truth DIR] [--kinds K ...]
        [--rematch] [--splink] [--links] [--json FILE]
    uv run python benchmarks/entity_accuracy.py --staged-dir DIR --truth <city>/truth --kinds K ...

Per registry / entity kind: records, pairwise precision and recall of the published entities
(pipelines.match.evaluate.pairwise), linked-or-queued recall (a true pair counts as caught when
its records' entities are joined by the published review pairs: a reviewer accepting them puts
the records together), review pairs as % of records and, with ``--rematch``, pair completeness
(true pairs blocking made candidates, per rule). The warehouse does not publish the run's
candidate pairs, so ``--rematch`` re-runs the engine under today's mappings/match/<kind>.toml on
the warehouse's staged records (what the entities step matched; a fresh warehouse has no review
labels, so the result is the run's) and measures that match, with its wall time, CPU time and the
process's peak RSS when it ended. ``--staged-dir DIR`` matches the staged_<registry>.parquet files of
``benchmarks/ingest_benchmark.py --save DIR`` instead (no warehouse: every staged record, without the
warehouse's address corrections or ward overlays; implies --rematch). Without it,
pair completeness is reported as not available. Where the truth labels the clerk errors the generator put on a
record (its ``noise`` column: pipelines.synth.registry_noise for households, businesses and taxpayers,
person_mess for people), the measures are also given per error category. ``--links`` adds, per link type, the
share of links whose target is the true one and the share of linkable entities linked (reads every kind).
``--splink`` (with --rematch) adds a Splink 5 peer per registry (households, businesses, taxpayers: splink_peer, on
the columns, blocking rules and comparisons of the kind's spec) and our match's wall time over the peer's (issue 14's
speed target: at most 0.1).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

import polars as pl

from pipelines.entities.io import ENTITY_SCHEMA, read_lineage, read_published, read_staged, staged_in_lineage
from pipelines.match.evaluate import pairwise, true_pair_recall
from pipelines.schema import ENTITY_KINDS, review_table, staged_table
from pipelines.warehouse import REPO_ROOT, Warehouse

TRUTH_DIR = REPO_ROOT / "data" / "sample" / "registries" / "truth"

# kind -> (truth file, true id column)
TRUTH = {
    "people": ("population", "person_id"),
    "households": ("households", "household_id"),
    "businesses": ("businesses", "business_id"),
    "taxpayers": ("tax", "business_id"),
}


def _truth_records(kind: str, staged: pl.DataFrame, lineage: pl.DataFrame, truth_dir: Path) -> pl.DataFrame:
    name, _ = TRUTH[kind]
    truth = pl.read_parquet(truth_dir / f"{name}.parquet")
    return (
        lineage.select("record_key", "entity_id")
        .join(staged.select("record_key", "source_id", "source_key"), on="record_key")
        .join(truth, left_on=["source_id", "source_key"], right_on=["source_id", "record_no"], how="left")
    )


def _majority(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    """entity_id -> the most frequent non-null value of column among its records."""
    return (
        frame.drop_nulls(column)
        .group_by("entity_id", column)
        .len()
        .sort(["entity_id", "len", column], descending=[False, True, False])
        .unique("entity_id", keep="first")
        .select("entity_id", pl.col(column).alias(alias))
    )


def sample_accuracy(
    staged: dict[str, pl.DataFrame], lineage: dict[str, pl.DataFrame], links: pl.DataFrame, truth_dir: Path = TRUTH_DIR
) -> dict:
    """Pairwise precision/recall per kind and link accuracy against the generator's truth."""
    recs = {kind: _truth_records(kind, staged[kind], lineage[kind], truth_dir) for kind in ENTITY_KINDS}
    out: dict = {"entities": {kind: pairwise(recs[kind], "entity_id", TRUTH[kind][1]) for kind in ENTITY_KINDS}}
    person = _majority(recs["people"], "person_id", "true_person")
    person_household = _majority(recs["people"], "household_id", "true_household")
    household = _majority(recs["households"], "household_id", "true_household")
    business = _majority(recs["businesses"], "business_id", "true_business")
    # a branch whose tax code the generator made invalid on purpose cannot be linked by it: not expected
    business_parent = _majority(
        recs["businesses"].filter(pl.col("mst_intended_valid").fill_null(True)), "parent_business_id", "true_parent"
    )
    business_owner = _majority(recs["businesses"], "owner_person_id", "true_owner")
    tax_business = _majority(recs["taxpayers"], "business_id", "true_business")
    individual = (
        staged["taxpayers"]
        .filter(pl.col("tax_code_kind") == "personal_id")
        .select("record_key")
        .join(lineage["taxpayers"], on="record_key")
        .select("entity_id")
        .unique()
    )
    tax_owner = _majority(recs["taxpayers"], "owner_person_id", "true_owner").join(
        individual, on="entity_id", how="semi"
    )  # filing under a personal ID
    # (link types, expected value of the from entity, actual value of the to entity)
    checks = {
        "member_of": (
            ["member_of"],
            person_household.rename({"true_household": "expected"}),
            household.rename({"true_household": "actual"}),
        ),
        "branch_of": (
            ["branch_of"],
            business_parent.rename({"true_parent": "expected"}),
            business.rename({"true_business": "actual"}),
        ),
        "taxpayer_of": (
            ["taxpayer_of"],
            tax_business.rename({"true_business": "expected"}),
            business.rename({"true_business": "actual"}),
        ),
        "owned_by": (
            ["owned_by"],
            business_owner.rename({"true_owner": "expected"}),
            person.rename({"true_person": "actual"}),
        ),
        "is_person": (
            ["is_person"],
            tax_owner.rename({"true_owner": "expected"}),
            person.rename({"true_person": "actual"}),
        ),
    }
    accuracy = {}
    for name, (types, expected, actual) in checks.items():
        rows = (
            links.filter(pl.col("link_type").is_in(types))
            .join(expected, left_on="from_entity_id", right_on="entity_id", how="left")
            .join(actual, left_on="to_entity_id", right_on="entity_id", how="left")
        )
        judged = rows.filter(pl.col("expected").is_not_null() & pl.col("actual").is_not_null())
        correct = judged.filter(pl.col("expected") == pl.col("actual"))
        # recall: from entities whose true target exists as an entity, linked to it
        linkable = expected.filter(pl.col("expected").is_in(actual["actual"].implode()))
        found = linkable.join(
            correct.select(pl.col("from_entity_id").alias("entity_id")).unique(), on="entity_id", how="semi"
        ).height
        accuracy[name] = {
            "links": rows.height,
            "judged": judged.height,
            "correct": correct.height,
            "accuracy": correct.height / judged.height if judged.height else 1.0,
            "linkable_entities": linkable.height,
            "recall": found / linkable.height if linkable.height else 1.0,
        }
    # tax rows of a branch whose branch is not registered: the parent is right when it is the branch's parent
    parent_rows = links.filter(pl.col("link_type") == "tax_of_parent")
    if parent_rows.height:
        parents = (
            pl.read_parquet(truth_dir / "businesses.parquet")
            .select("business_id", "parent_business_id")
            .unique("business_id")
        )
        rows = (
            parent_rows.join(tax_business, left_on="from_entity_id", right_on="entity_id", how="left")
            .join(parents, left_on="true_business", right_on="business_id", how="left")
            .join(business, left_on="to_entity_id", right_on="entity_id", how="left", suffix="_to")
        )
        judged = rows.filter(pl.col("parent_business_id").is_not_null() & pl.col("true_business_to").is_not_null())
        correct = int((judged["parent_business_id"] == judged["true_business_to"]).sum())
        accuracy["tax_of_parent"] = {
            "links": rows.height,
            "judged": judged.height,
            "correct": correct,
            "accuracy": correct / judged.height if judged.height else 1.0,
        }
    out["links"] = accuracy
    return out


NOT_PUBLISHED = "not available: the run's candidate pairs are not in the warehouse (use --rematch)"


def kind_accuracy(
    kind: str,
    staged: pl.DataFrame,
    lineage: pl.DataFrame,
    review: pl.DataFrame,
    truth_dir: Path = TRUTH_DIR,
    pairs: pl.DataFrame | None = None,
) -> dict:
    """One registry's entities against the truth: pairwise precision/recall, linked-or-queued recall, review share.

    ``review``: the review pairs (left_id, right_id record keys; decision review or refused), as published.
    ``pairs``: the match's full pair table (left_id, right_id, blocked_by, decision) when known: then pair
    completeness overall and per blocking rule, else it is reported as not available.
    When the truth has a ``noise`` column (the generator's clerk errors per record), the measures per category too.
    """
    recs = _truth_records(kind, staged, lineage, truth_dir)
    noise = "noise" in recs.columns
    truth = TRUTH[kind][1]
    scores = pairwise(recs, "entity_id", truth)
    out = {"records": staged.height, "records_with_truth": scores.pop("records"), **scores}
    queued = review.select("left_id", "right_id", pl.col("decision").cast(pl.String))
    given = pairs if pairs is not None else queued.with_columns(pl.lit(None, pl.String).alias("blocked_by"))
    found = true_pair_recall(recs.rename({"record_key": "record_id"}), given, truth, "noise" if noise else None)
    row = found["categories"].row(0, named=True)
    out["linked_or_queued"] = row["linked_or_queued"] if row["true_pairs"] else 1.0
    decisions = queued["decision"].value_counts()
    counts = dict(zip(decisions["decision"].to_list(), decisions["count"].to_list(), strict=True))
    out["review_pairs"] = queued.height
    out["review_pairs_by_decision"] = counts
    out["review_share"] = queued.height / staged.height if staged.height else 0.0
    if pairs is None:
        out["pair_completeness"] = None
        out["pair_completeness_note"] = NOT_PUBLISHED
    else:
        out["pair_completeness"] = row["pair_completeness"] if row["true_pairs"] else 1.0
        out["candidate_pairs"] = pairs.filter(pl.col("blocked_by").cast(pl.String) != "cluster_check").height
        out["rules"] = found["rules"].to_dicts()
    if noise:
        out["categories"] = found["categories"].to_dicts()
    return out


def rematch(kind: str, staged: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    """Re-run the entities step's match on ``staged`` under today's spec: lineage, review, pairs and its stats."""
    from pipelines.entities.resolve import resolve_entities

    start, cpu = time.perf_counter(), time.process_time()
    tables = resolve_entities(kind, staged)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    lineage = tables.lineage.select("record_key", "entity_id")
    pairs = tables.result.pairs.select(
        pl.col("left_id").cast(pl.String),
        pl.col("right_id").cast(pl.String),
        pl.col("blocked_by").cast(pl.String),
        pl.col("decision").cast(pl.String),
        "match_probability",
    )
    stats = {
        "match_seconds": round(seconds, 2),
        "match_cpu_seconds": round(cpu, 1),
        # the process's peak so far: reading the staged records and this match (and any kind matched before it)
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "steps": {k: round(v, 1) for k, v in tables.stats["seconds"].items()},
    }
    return lineage, tables.review, pairs, stats


#: the kinds that have a Splink peer (--splink): a registry each, matched by _splink_recipe's translation of its spec
SPLINK_KINDS = ("households", "businesses", "taxpayers")


def _splink_recipe(kind: str) -> dict:
    """A kind's Splink peer as its mappings/match/<kind>.toml translates: the input columns (polars expressions
    over the staged records, names folded with benchmarks.splink_peer._fold), the comparisons (each preset or
    level ladder as its nearest Splink comparison), the blocking rules (no max_block: Splink pairs a whole block),
    the deterministic rule of the prior and the rules EM is trained on (the spec's trained rules; a second one
    where Splink needs it to estimate the first rule's own columns)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import block_on

    from benchmarks.splink_peer import _fold
    from pipelines.match.prepare import _transform

    def compact(column: str) -> pl.Expr:  # the spec's fold_compact
        return _fold(pl.col(column)).str.replace_all(r"[^a-z0-9]+", "")

    def last_word(column: str) -> pl.Expr:  # the spec's <column>__fold__last_token
        return _fold(pl.col(column)).str.split(" ").list.last()

    def tax_code(column: str) -> list[pl.Expr]:  # the spec's __tax_canonical and __tax_base
        return [
            _transform(pl.col(column), "tax_canonical").alias(f"{column}_canonical"),
            _transform(pl.col(column), "tax_base").alias(f"{column}_base"),
        ]

    def levels(name: str, column: str, *ladder) -> cl.CustomComparison:  # a level ladder: missing, ..., else
        return cl.CustomComparison([cll.NullLevel(column), *ladder, cll.ElseLevel()], output_column_name=name)

    text = (0.9, 0.8)  # preset text (the address): Jaro-Winkler levels
    if kind == "households":
        return {
            "columns": [
                "household_no",
                "head_personal_id",
                _fold(pl.col("head_name")).alias("head_name"),
                pl.col("registered_on").dt.strftime("%Y-%m-%d").alias("registered_on"),
                pl.col("members").cast(pl.String).alias("members"),
                _fold(pl.col("address")).alias("address"),
                _fold(pl.col("head_name"))
                .str.split(" ")
                .list.eval(pl.element().str.slice(0, 1))
                .list.join("")
                .alias("initials"),
            ],
            "comparisons": [
                cl.LevenshteinAtThresholds("household_no", 1),
                cl.NameComparison("head_name"),
                cl.LevenshteinAtThresholds("head_personal_id", 1),
                cl.ExactMatch("registered_on"),
                cl.ExactMatch("members"),
                cl.JaroWinklerAtThresholds("address", text),
            ],
            "blocking": [
                block_on("household_no"),
                block_on("head_personal_id"),
                block_on("initials", "registered_on"),
                block_on("head_name", "members"),
            ],
            "prior": block_on("household_no", "head_name"),
            "em": [block_on("household_no"), block_on("head_personal_id")],
        }
    if kind == "businesses":
        return {
            "columns": [
                "tax_code",
                *tax_code("tax_code"),
                "registration_no",
                _fold(pl.col("business_name")).alias("business_name"),
                compact("business_name").alias("name_key"),
                last_word("business_name").alias("name_last_word"),
                "owner_personal_id",
                _fold(pl.col("owner_name")).alias("owner_name"),
                compact("owner_name").alias("owner_name_key"),
                "vsic",
                "business_kind",
                _fold(pl.col("address")).alias("address"),
            ],
            "comparisons": [
                levels(  # exact, same base other branch, one or two digits off in the base
                    "tax_code",
                    "tax_code_canonical",
                    cll.ExactMatchLevel("tax_code_canonical"),
                    cll.ExactMatchLevel("tax_code_base"),
                    cll.LevenshteinLevel("tax_code_base", 1),
                    cll.LevenshteinLevel("tax_code_base", 2),
                ),
                cl.LevenshteinAtThresholds("registration_no", 1),
                # exact (folded), Jaro-Winkler 0.92; token set 0.8 as Jaro-Winkler 0.8
                cl.JaroWinklerAtThresholds("business_name", (0.92, 0.8)),
                cl.LevenshteinAtThresholds("owner_personal_id", 1),
                cl.NameComparison("owner_name"),
                cl.ExactMatch("vsic"),
                cl.ExactMatch("business_kind"),
                cl.JaroWinklerAtThresholds("address", text),
            ],
            "blocking": [
                block_on("tax_code"),
                block_on("registration_no"),
                block_on("owner_personal_id", "name_key"),
                block_on("owner_personal_id", "name_last_word"),
                block_on("owner_name_key", "name_last_word"),
            ],
            "prior": block_on("tax_code", "business_name"),
            # the spec trains on tax_code only, but its pairs are all matches (a branch has a code of its own): EM
            # there reads every pair as a match (an infinite prior, a Splink error). The code's base holds a branch
            # and its parent too. 1M city, precision / recall of the peer with EM on: tax_code_base 0.8469 / 1.0000,
            # + registration_no 0.8384 / 1.0000, + owner_personal_id & name_last_word 0.5991 / 1.0000;
            # registration_no + owner_name_key & name_last_word 0.5307 / 0.9996 (one owner's shops read as matches)
            "em": [block_on("tax_code_base")],
        }
    if kind == "taxpayers":
        return {
            "columns": [
                "taxpayer_code",
                *tax_code("taxpayer_code"),
                "tax_code_kind",
                _fold(pl.col("taxpayer_name")).alias("taxpayer_name"),
                compact("taxpayer_name").alias("name_key"),
                "tax_office",
                _fold(pl.col("address")).alias("address"),
                compact("address").alias("address_key"),
            ],
            "comparisons": [
                levels(  # exact, same base other branch, one digit off in the base, same code kind (else: the switch)
                    "code",
                    "taxpayer_code_canonical",
                    cll.ExactMatchLevel("taxpayer_code_canonical"),
                    cll.ExactMatchLevel("taxpayer_code_base"),
                    cll.LevenshteinLevel("taxpayer_code_base", 1),
                    cll.ExactMatchLevel("tax_code_kind"),
                ),
                cl.JaroWinklerAtThresholds("taxpayer_name", (0.92,)),
                cl.ExactMatch("tax_office"),
                cl.JaroWinklerAtThresholds("address", text),
            ],
            "blocking": [
                block_on("taxpayer_code"),
                block_on("name_key", "tax_office"),
                block_on("address_key", "tax_office"),
            ],
            "prior": block_on("taxpayer_code", "taxpayer_name"),
            "em": [block_on("name_key", "tax_office"), block_on("taxpayer_code")],
        }
    raise ValueError(f"no Splink peer for {kind!r} (choose from {SPLINK_KINDS})")


def splink_peer(kind: str, staged: pl.DataFrame, threshold: float = 0.9) -> tuple[pl.DataFrame, float]:
    """Peer: the kind's staged records deduplicated by Splink 5 (DuckDB, 2 threads) on the columns, blocking rules
    and comparisons of mappings/match/<kind>.toml (_splink_recipe), trained by Splink's documented recipe (prior
    from a deterministic rule, u by random sampling, EM per rule; benchmarks/splink_peer.py does the same for
    people), predicted and clustered at ``threshold``.
    Returns (record_key, entity_id) and the wall seconds. Needs the 'bench' dependency group."""
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator

    from benchmarks.splink_peer import SEED, THREADS

    recipe = _splink_recipe(kind)
    start = time.perf_counter()
    data = staged.select(pl.col("record_key").alias("unique_id"), *recipe["columns"])
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=recipe["comparisons"],
        blocking_rules_to_generate_predictions=recipe["blocking"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect(":memory:", config={"threads": THREADS})
    records = DuckDBAPI(connection=con).register(data.to_arrow(), dataset_display_name=kind)
    linker = Linker(records, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match([recipe["prior"]], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
    for rule in recipe["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = pl.from_arrow(
        con.sql(f"select unique_id as record_key, cluster_id as entity_id from {clustered.physical_name}").arrow()
    )
    con.close()
    return clusters.with_columns(pl.col("entity_id").cast(pl.String)), time.perf_counter() - start


def read_staged_file(staged_dir: Path, kind: str) -> pl.DataFrame:
    """A kind's staged records from ``staged_dir``/staged_<registry>.parquet (ingest_benchmark.py --save),
    in the warehouse's columns and order (read_staged without corrections or overlays: there is no warehouse)."""
    decl = staged_table(ENTITY_KINDS[kind])
    path = staged_dir / f"{decl.name}.parquet"
    if not path.is_file():
        raise SystemExit(
            f"{path} not found: stage it with benchmarks/ingest_benchmark.py --registry "
            f"{ENTITY_KINDS[kind]} --save {staged_dir}"
        )
    return pl.read_parquet(path, columns=list(decl.columns)).sort("record_key")


def registry_accuracy(
    warehouse: Warehouse | None,
    kinds: list[str],
    truth_dir: Path,
    *,
    with_rematch: bool = False,
    splink: bool = False,
    staged_dir: Path | None = None,
) -> dict[str, dict]:
    """kind_accuracy of each kind on the warehouse (or on a re-match of its staged records).
    ``splink``: the SPLINK_KINDS are also deduplicated by Splink 5 on the same input (``<kind>_splink``), and
    ``splink_ratio`` is our match's wall time over Splink's (issue 14: at most 0.1).
    ``staged_dir``: re-match the staged files there instead of a warehouse's (``warehouse`` is not read)."""
    out = {}
    for kind in kinds:
        if staged_dir is not None:
            staged, with_rematch = read_staged_file(staged_dir, kind), True
        else:
            assert warehouse is not None
            lineage = read_lineage(warehouse, kind)
            staged = staged_in_lineage(read_staged(warehouse, ENTITY_KINDS[kind]), lineage)
        if with_rematch:
            lineage, review, pairs, stats = rematch(kind, staged)
            out[kind] = {"source": "rematch", **kind_accuracy(kind, staged, lineage, review, truth_dir, pairs), **stats}
            if splink and kind in SPLINK_KINDS:
                out[f"{kind}_splink"] = _splink_accuracy(kind, staged, truth_dir)
                out[kind]["splink_ratio"] = out[kind]["match_seconds"] / max(
                    out[f"{kind}_splink"]["match_seconds"], 0.1
                )
        else:
            review = pl.read_parquet(warehouse.parquet_path(ENTITY_SCHEMA, review_table(kind).name))
            out[kind] = {"source": "published", **kind_accuracy(kind, staged, lineage, review, truth_dir)}
    return out


def _splink_accuracy(kind: str, staged: pl.DataFrame, truth_dir: Path) -> dict:
    clusters, seconds = splink_peer(kind, staged)
    recs = _truth_records(kind, staged, clusters, truth_dir)
    s = pairwise(recs, "entity_id", TRUTH[kind][1])
    s["records_with_truth"] = s.pop("records")
    return {
        "source": "Splink 5 on the same input (no review queue: linked-or-queued = recall)",
        "records": staged.height,
        **s,
        "linked_or_queued": s["recall"],
        "review_pairs": 0,
        "review_share": 0.0,
        "pair_completeness": None,
        "match_seconds": round(seconds, 2),
    }


# the targets of issue 14, per registry
TARGETS = {"precision": 0.995, "recall": 0.97, "linked_or_queued": 0.995, "review_share": 0.02, "splink_ratio": 0.1}


def _misses(s: dict) -> list[str]:
    miss = [k for k in ("precision", "recall", "linked_or_queued") if s[k] < TARGETS[k]]
    miss += ["review_share"] if s["review_share"] > TARGETS["review_share"] else []
    return miss + (["splink_ratio"] if s.get("splink_ratio", 0.0) > TARGETS["splink_ratio"] else [])


def table(results: dict[str, dict]) -> str:
    head = f"{'kind':<18}{'records':>10}{'true pairs':>11}{'precision':>10}{'recall':>8}{'linked|q':>9}{'pair compl':>11}{'review %':>9}{'match s':>8}{'cpu s':>8}{'peak MiB':>9}  misses"
    lines = [head]
    for kind, s in results.items():
        pc = "n/a" if s["pair_completeness"] is None else f"{s['pair_completeness']:.4f}"
        secs = f"{s['match_seconds']:.1f}" if "match_seconds" in s else "-"
        cpu = f"{s['match_cpu_seconds']:.1f}" if "match_cpu_seconds" in s else "-"
        peak = f"{s['peak_rss_mib']:,}" if "peak_rss_mib" in s else "-"
        lines.append(
            f"{kind:<18}{s['records']:>10,}{s['true_pairs']:>11,}{s['precision']:>10.4f}{s['recall']:>8.4f}"
            f"{s['linked_or_queued']:>9.4f}{pc:>11}{100 * s['review_share']:>9.2f}{secs:>8}{cpu:>8}{peak:>9}  {','.join(_misses(s)) or '-'}"
        )
    for kind, s in results.items():
        if "splink_ratio" in s:
            wall = results[f"{kind}_splink"]["match_seconds"]
            lines.append(
                f"{kind} wall time ours / Splink 5's: {s['match_seconds']:.1f} / {wall:.1f} s = "
                f"{s['splink_ratio']:.2f} (target at most {TARGETS['splink_ratio']})"
            )
    if any(s["pair_completeness"] is None and "pair_completeness_note" in s for s in results.values()):
        lines.append(f"pair compl n/a: {NOT_PUBLISHED}")
    for kind, s in results.items():
        if "categories" not in s:
            continue
        lines.append(f"{kind} per clerk-error category (true pairs: pair completeness, recall, linked|q):")
        for c in s["categories"]:
            cpc = "n/a" if s["pair_completeness"] is None else f"{c['pair_completeness']:.4f}"
            lines.append(
                f"  {c['category']:<24}{c['true_pairs']:>9,}{cpc:>9}{c['recall']:>9.4f}{c['linked_or_queued']:>9.4f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Per-registry entity accuracy of a warehouse against the generator's truth (after `wardbridge run`)."
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="Warehouse directory (default: $WARDBRIDGE_WAREHOUSE, else warehouse/).",
    )
    parser.add_argument(
        "--truth", type=Path, default=TRUTH_DIR, help="Generator truth directory (default: the bundled sample's)."
    )
    parser.add_argument("--kinds", nargs="+", choices=list(ENTITY_KINDS), default=list(ENTITY_KINDS))
    parser.add_argument(
        "--rematch",
        action="store_true",
        help="Re-run each kind's match on the warehouse's staged records under today's spec (gives pair completeness).",
    )
    parser.add_argument(
        "--splink",
        action="store_true",
        help="With --rematch: households, businesses and taxpayers also by Splink 5 on the same input, with its "
        "wall time and ours over it (uv run --group bench ...).",
    )
    parser.add_argument(
        "--staged-dir",
        type=Path,
        default=None,
        help="Re-match the staged_<registry>.parquet files of ingest_benchmark.py --save DIR instead of a "
        "warehouse's staged records (implies --rematch; not with --links).",
    )
    parser.add_argument("--links", action="store_true", help="Also link accuracy per link type (reads every kind).")
    parser.add_argument("--json", type=Path, default=None, help="Write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if args.staged_dir is not None and args.links:
        parser.error("--links reads a warehouse's published links: not with --staged-dir")
    if args.staged_dir is not None:
        warehouse = None
        results = {"staged_dir": str(args.staged_dir.resolve())}
    else:
        warehouse = Warehouse(args.warehouse.resolve()) if args.warehouse else Warehouse.default()
        results = {"warehouse": str(warehouse.root)}
    results |= {"truth": str(args.truth.resolve()), "targets": TARGETS}
    results["registries"] = registry_accuracy(
        warehouse, args.kinds, args.truth, with_rematch=args.rematch, splink=args.splink, staged_dir=args.staged_dir
    )
    if args.links:
        assert warehouse is not None
        staged, lineage, links = read_published(warehouse)
        results["links"] = sample_accuracy(staged, lineage, links, args.truth)["links"]
    print(table(results["registries"]))
    if args.links:
        for name, s in results["links"].items():
            print(
                f"link {name}: accuracy {s['accuracy']:.4f}" + (f", recall {s['recall']:.4f}" if "recall" in s else "")
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
