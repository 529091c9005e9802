"""The matching engine: prepare -> block -> compare -> fit -> score -> cluster -> entities.

    from pipelines.match import load_spec, match
    result = match(table, load_spec("people.toml"))
    result.records     # one row per input record: record_id, entity_id, how it got there
    result.pairs       # scored pairs with their evidence and decision (from spec.pair_floor up; the rest counted)
    result.entities    # golden records
    result.review      # uncertain pairs for a person to decide

Works on any table the spec fits; nothing here knows about wardbridge's registries.
"""

from __future__ import annotations

import logging
import math
import resource
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipelines.match.blocking import BlockingReport, candidate_pairs, rule_key_codes, rule_names
from pipelines.match.cluster import FORCED, REVIEWED_DIFFERENT, guarded_clusters
from pipelines.match.compare import ValueCodes, comparison_levels, level_labels
from pipelines.match.entities import assign_entity_ids, golden_by_cluster, name_golden, record_hashes
from pipelines.match.learning import verdict_coverage
from pipelines.match.memory import for_a_match_run
from pipelines.match.model import (
    PAIRS,
    TF_MAX_BOOST_BITS,
    Model,
    _pattern_table,
    crowded_bits,
    estimate_u,
    fit,
    is_tiny,
    label_posteriors,
    m_by_held,
    score,
    term_frequency_tables,
    tf_levels,
)
from pipelines.match.prepare import ROW, Prepared, derived_sources, precision_column, prepare, raw_column
from pipelines.match.shards import SHARD_PAIRS, ShardedPairs, give_back, shard_setting, spill_candidates
from pipelines.match.spec import Comparison, MatchSpec
from pipelines.match.state import FrozenModel, MatchState, verdicts

log = logging.getLogger("wardbridge.match")

DECISIONS = ("link", "review", "non_match", "refused")
# from this many records every record's founder hash is worked out ahead (``_record_hashes_ahead``), by DuckDB: fewer
# are hashed by ``assign_entity_ids`` once the clusters are known, only the founders, in Python. Hashed there in
# Python (82k-85k records at 1M: businesses, taxpayers) the loop held the GIL while this thread tabled the pairs,
# and each of its Polars calls waited for it (the pair table 0.004 s alone, 0.04 s beside it)
HASH_AHEAD = 50_000


# from this many input records the C heap's freed pages are given back between a run's steps (``StepTimer``): under
# it a step frees a few tens of MiB, and giving them back (and faulting them in again in the next step) cost more
# than they weigh: 1M taxpayers (85k records), 8 trims 0.008-0.009 s wall on the run's own thread, the run 3 x 5
# alternated: 0.399 / 0.409 / 0.420 -> 0.381 / 0.403 / 0.393 s wall (mean), peak and resident memory as before
# (399 / 384 MiB -> 399 / 393). The heap is given back at the run's end either way (large_arrays_on_the_heap)
TRIM_STEPS_FROM = 200_000


class StepTimer:
    """Wall time of each step of a run (``seconds``) and its CPU time (``cpu_seconds``, all threads: on a
    busy machine the steadier figure), logged with the peak memory so far and the memory held now (``trim``: after
    the C heap's freed pages are given back)."""

    def __init__(self, message: str, trim: bool = True) -> None:
        self.message, self.seconds, self.cpu_seconds, self.trim = message, {}, {}, trim
        self._t, self._cpu = time.perf_counter(), time.process_time()

    def __call__(self, name: str) -> None:
        if self.trim:
            give_back()  # (the step's freed C heap: 'now' below is what it holds)
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[name], self.cpu_seconds[name] = now - self._t, cpu - self._cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log.info(self.message + ", now %s, CPU %.1f s", name, now - self._t, peak, _resident(), cpu - self._cpu)
        self._t, self._cpu = now, cpu


def _resident() -> str:
    """The process's resident memory now ('? MiB' where /proc is not there): what a step leaves held, beside the
    peak (which a step's passing copies set)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return f"{int(statm.read().split()[1]) * resource.getpagesize() / 2**20:.0f} MiB"
    except (OSError, ValueError, IndexError):
        return "? MiB"


@dataclass
class MatchResult:
    records: pl.DataFrame
    pairs: pl.DataFrame
    entities: pl.DataFrame
    review: pl.DataFrame
    merged_entities: pl.DataFrame
    model: Model
    blocking: BlockingReport
    level_labels: dict[str, list[str]]
    stats: dict = field(default_factory=dict)
    state: MatchState | None = None  # with keep_state=True: what an increment or a frozen-model run needs
    # with keep_candidates=True: every candidate pair, l and r row numbers of ``records`` (l < r) and ``rules`` (a bit
    # per blocking rule, ``blocking.rule_names``), those under the pair floor too (for pair completeness)
    candidates: pl.DataFrame | None = None

    def model_table(self) -> pl.DataFrame:
        """m, u and weight (bits) of every level of every scored comparison."""
        return self.model.table(self.level_labels)

    def summary(self) -> str:
        s = self.stats
        lines = [
            f"{s['records']:,} records -> {s['entities']:,} entities ({s['records_merged']:,} records merged into another record's entity)",
            f"candidate pairs {s['candidate_pairs']:,}{_added_pairs(s)}: link {s['decisions'].get('link', 0):,}, "
            f"review {s['decisions'].get('review', 0):,}, "
            f"non-match {s['decisions'].get('non_match', 0):,}, refused by the chaining guard {s['decisions'].get('refused', 0):,}",
            *_review_items_line(s),
            "blocking: " + ", ".join(f"{k} {v:,} new" for k, v in self.blocking.new_pairs_per_rule.items()),
        ]
        below = s.get("pairs_below_floor", {})
        if below.get("pairs"):
            lines.append(
                f"pair table: {below['pairs']:,} non-matches scoring under {below['floor']:g} counted, not kept "
                f"({below['same_entity']:,} of them within one entity)"
            )
        if self.blocking.capped_blocks.height:
            cb = self.blocking.capped_blocks
            lines.append(
                f"capped blocks: {cb.height:,} (largest {cb['size'].max():,} records; sorted-window pairs kept instead of all pairs)"
            )
        lines.append(
            f"model: {self.model.candidate_match_share:.1%} of candidate pairs match, prior {self.model.prior:.2e}{_prior_from(self.model)}, EM {self.model.em_iterations} iterations ({'converged' if self.model.converged else 'NOT converged'}), u from {self.model.random_pairs:,} random pairs"
        )
        degenerate = {k: v["status"] for k, v in self.model.em_per_rule.items() if v["status"].startswith("degenerate")}
        if degenerate:
            lines.append("EM degenerate (m not taken from): " + "; ".join(f"{k}: {v}" for k, v in degenerate.items()))
        from_prior = [k for k, v in self.model.m_source.items() if v.startswith("prior")]
        if from_prior:
            lines.append("m from priors (no usable EM estimate): " + ", ".join(from_prior))
        for comp, when in self.model.m_by_when.items():  # a comparison's m apart where another is at some levels
            top = int(np.argmax(self.model.m[comp][:-1])) if len(self.model.m[comp]) > 1 else 0
            lines.append(
                f"{comp}'s m apart where {when} ({self.model.m_by_from.get(comp, 'm_by')}): "
                f"{self.level_labels[comp][top]} {self.model.m_by[comp][top]:.3f} there, {self.model.m[comp][top]:.3f} "
                "elsewhere (model table)"
            )
        for column, d in s.get("dates", {}).items():
            coarse = ", ".join(
                f"{d[k]:,} {k.replace('_', ' ')}" for k in ("year_only", "month_only") if d[k]
            )  # kept, compared on the year
            share = d["unreadable"] / d["values"] if d["values"] else 0.0
            lines.append(
                f"dates {column}: {d['values']:,} values, {d['unreadable']:,} unreadable ({share:.1%})"
                + (f", {coarse} (compared on the year)" if coarse else "")
            )
        v = s.get("verdicts", {})
        if v.get("unknown_records") or v.get("same_record"):
            lines.append(
                f"verdicts: {v['usable']:,} of {v['pairs']:,} pairs used; {v['unknown_records']:,} name a record id the "
                f"input does not hold (or none), {v['same_record']:,} pair a record with itself: left out"
            )
        lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in s["seconds"].items()))
        return "\n".join(lines)


def _prior_from(model: Model) -> str:
    """How the prior was estimated, for the summary: by capture-recapture, with EM's for comparison."""
    how = model.prior_estimate
    if how.get("method") != "capture-recapture":
        return ""
    return f" (capture-recapture: {how['true_pairs']:,.0f} true pairs; EM's share would give {how['prior_em']:.2e})"


def _labelled(column: str, labels: list[str], dtype: pl.DataType, index: pl.Expr | None = None) -> pl.Expr:
    """A level index column (or ``index``) as its labels (null stays null): the labels gathered by index, no hash
    lookup."""
    return pl.lit(pl.Series(labels, dtype=dtype)).gather((pl.col(column) if index is None else index).cast(pl.UInt32))


def _evidence(spec: MatchSpec) -> pl.Expr:
    """'name=exact; date_of_birth=day_month_swapped; ...' from the integer level columns of scored pairs."""
    labels = level_labels(spec)
    parts = [
        pl.concat_str(
            pl.lit(f"{c.name}="),
            _labelled(c.name, labels[c.name], pl.String).fill_null("missing"),
        )
        for c in spec.comparisons
    ]
    return pl.concat_str(parts, separator="; ")


COMPARE_CHUNK = 2_000_000  # pairs compared at a time by one thread: bounds the memory of the gathered values
COMPARE_THREADS = 2  # chunks compared side by side (numpy, Polars and rapidfuzz release the GIL)
COMPARE_SPLIT = 200_000  # fewer pairs are compared in one piece (threads would not pay for themselves)
# pairs whose distinct value pairs are found at once: chunks repeat each other's (at 1M people 1.68M distinct
# full-name pairs in two chunks of 1.96M candidate pairs, 1.47M in all; birth dates 1.54M, 1.18M)
COMPARE_DISTINCT_UP_TO = 2 * COMPARE_CHUNK * COMPARE_THREADS


def _levels_in_chunks(
    work: pl.DataFrame,
    pairs: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    comparisons: tuple[Comparison, ...] | None = None,
) -> pl.DataFrame:
    """comparison_levels over the pairs, in chunks of at most COMPARE_CHUNK compared COMPARE_THREADS at a time
    (both sides of every compared column are gathered per chunk, which at tens of millions of pairs would not
    fit): a pair's levels depend on its two records alone, so the chunks' levels are those of the whole. The
    chunks are of equal size, a multiple of the threads in number, so both threads finish together. Up to
    COMPARE_DISTINCT_UP_TO pairs, in one piece split across the threads by ``comparison_levels`` (``threads``).
    ``comparisons``: these only (default: the spec's)."""
    comparisons = spec.comparisons if comparisons is None else comparisons
    if pairs.height <= COMPARE_SPLIT:
        return comparison_levels(work, pairs["l"], pairs["r"], comparisons, codes, by_values=True)
    if pairs.height <= COMPARE_DISTINCT_UP_TO:
        return comparison_levels(
            work, pairs["l"], pairs["r"], comparisons, codes, by_values=True, threads=COMPARE_THREADS
        )
    rounds = -(-pairs.height // (COMPARE_CHUNK * COMPARE_THREADS))
    size = -(-pairs.height // (rounds * COMPARE_THREADS))
    starts = range(0, pairs.height, size)

    def levels(start: int) -> pl.DataFrame:
        chunk = pairs.slice(start, size)
        out = comparison_levels(work, chunk["l"], chunk["r"], comparisons, codes, by_values=True)
        log.info("compared %s pairs from pair %s of %s", f"{chunk.height:,}", f"{start:,}", f"{pairs.height:,}")
        return out

    with ThreadPoolExecutor(max_workers=COMPARE_THREADS) as pool:
        parts = list(pool.map(levels, starts))  # in the pairs' order
    return pl.concat(parts, rechunk=True)  # one chunk: scoring gathers from it


def _veto(spec: MatchSpec, numbered: bool = False) -> pl.Expr:
    """Name of the first cannot-link rule a pair falls under (null if none): the rule's number per pair, then its
    name gathered by number (no string written per pair by the conditions). ``numbered``: the number itself (its
    place in ``spec.cannot_link``; ``_veto_names`` names it), for pairs most of which are then counted, not kept."""
    if not spec.cannot_link:
        return pl.lit(None, pl.UInt32 if numbered else pl.String).alias("veto")
    first = pl.lit(None, pl.UInt32)
    for k, rule in reversed(list(enumerate(spec.cannot_link))):
        holds = pl.all_horizontal(
            [
                (
                    pl.col(comp).is_in([lv for lv in levels if lv >= 0]).fill_null(False)
                    | (pl.col(comp).is_null() if -1 in levels else pl.lit(False))
                )
                for comp, levels in rule.levels.items()
            ]
        )
        first = pl.when(holds).then(pl.lit(k, pl.UInt32)).otherwise(first)
    if numbered:
        return first.alias("veto")
    return _labelled("", _veto_names(spec)[:-1], pl.String, first).alias("veto")


def _veto_names(spec: MatchSpec) -> list[str]:
    """The veto of each number ``_veto(numbered=True)`` and ``_with_reviews(numbered=...)`` give: the cannot-link
    rules' in order, then a reviewer's 'different' (REVIEWED_DIFFERENT)."""
    return [f"cannot-link rule {rule.name!r}" for rule in spec.cannot_link] + [REVIEWED_DIFFERENT]


def _named_veto(spec: MatchSpec) -> pl.Expr:
    """A numbered veto column (``_veto(numbered=True)``) as its names, in its place."""
    return _labelled("veto", _veto_names(spec), pl.String).alias("veto")


REVIEWED_SAME = "reviewer: same entity"


def _reviewed_pairs(
    work: pl.DataFrame, spec: MatchSpec, same: pl.DataFrame | None, different: pl.DataFrame | None
) -> pl.DataFrame:
    """Reviewers' verdicts as row pairs (l < r, same): ids not in ``work`` are left out; a pair judged
    both ways counts as different (the safer verdict)."""
    index = work.select(pl.col(spec.id_column).cast(pl.String).alias("id"), pl.col(ROW))
    frames = [
        verdicts.select(pl.col("left_id").cast(pl.String), pl.col("right_id").cast(pl.String), same=pl.lit(value))
        for verdicts, value in ((same, True), (different, False))
        if verdicts is not None and verdicts.height
    ]
    if not frames:
        return pl.DataFrame(schema={"l": pl.UInt32, "r": pl.UInt32, "same": pl.Boolean})
    pairs = (
        pl.concat(frames)
        .join(index.rename({"id": "left_id", ROW: "a"}), on="left_id")
        .join(index.rename({"id": "right_id", ROW: "b"}), on="right_id")
        .filter(pl.col("a") != pl.col("b"))
    )
    return (
        pairs.select(
            pl.min_horizontal("a", "b").cast(pl.UInt32).alias("l"),
            pl.max_horizontal("a", "b").cast(pl.UInt32).alias("r"),
            "same",
        )
        .group_by("l", "r")
        .agg(pl.col("same").all())
    )


def _with_reviews(scored: pl.DataFrame, reviewed: pl.DataFrame, numbered: int | None = None) -> pl.DataFrame:
    """Reviewers' verdicts on scored pairs: 'different' becomes a veto, 'same' a forced link (``_reviewed_same``).
    ``numbered``: the veto column holds numbers (``_veto(numbered=True)``), 'different' being this one."""
    if not reviewed.height:
        return scored.with_columns(pl.lit(False).alias("_reviewed_same"))
    verdict = scored.select("l", "r").join(reviewed, on=["l", "r"], how="left", maintain_order="left")["same"]
    different = pl.lit(REVIEWED_DIFFERENT) if numbered is None else pl.lit(numbered, pl.UInt32)
    return scored.with_columns(
        pl.when(verdict == False)  # noqa: E712 - a Series comparison, not a truth test
        .then(different)
        .when(verdict == True)  # noqa: E712
        .then(pl.lit(None, pl.String if numbered is None else pl.UInt32))
        .otherwise(pl.col("veto"))
        .alias("veto"),
        verdict.fill_null(False).alias("_reviewed_same"),
    )


def _u_and_term_frequencies(work: pl.DataFrame, spec: MatchSpec, codes: ValueCodes) -> tuple[tuple, dict]:
    """``estimate_u`` and then ``term_frequency_tables`` (after u: its value codes are ready), one task."""
    return estimate_u(work, spec, codes), term_frequency_tables(work, spec, codes)


def deferred_comparisons(spec: MatchSpec) -> tuple[Comparison, ...]:
    """Comparisons not scored whose levels only a cannot-link rule and the pair table read (the people spec's
    given_name: the twins rule): nothing scored is implied by them, and no rule holds where they are missing. With
    a pair floor their levels are worked out after scoring, for the pairs the table may keep and those where a rule
    reading them holds on its other comparisons (``_deferred_levels``), not for every candidate pair."""
    implied = {c.implied_by for c in spec.scored_comparisons}
    return tuple(
        c
        for c in spec.comparisons
        if not c.score
        and c.name not in implied
        and not any(-1 in rule.levels.get(c.name, ()) for rule in spec.cannot_link)
    )


def _deferred_levels(
    scored: pl.DataFrame,
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    reviewed: pl.DataFrame,
    deferred: list[Comparison],
    floor: float | None,
) -> pl.DataFrame:
    """The ``deferred`` comparisons' levels of the scored pairs that may need them: at or above ``floor`` or not
    candidates (``rules`` 0; the pairs ``_kept`` keeps whatever their verdict, with the reviewed pairs), and where a
    cannot-link rule reading them holds on its other comparisons; missing (null) elsewhere, where nothing reads them
    (the pair is counted, not kept, and no rule can hold on it). The same levels where worked out: a pair's levels
    depend on its two records alone."""
    names = {c.name for c in deferred}
    # (``floor`` None: pairs not scored, all under the floor and candidates: only where a rule needs them)
    need = pl.lit(False) if floor is None else (pl.col("match_probability") >= floor) | (pl.col("rules") == 0)
    for rule in spec.cannot_link:
        if not names & set(rule.levels):
            continue
        others = [
            pl.col(comp).is_in([lv for lv in levels if lv >= 0]).fill_null(False)
            | (pl.col(comp).is_null() if -1 in levels else pl.lit(False))
            for comp, levels in rule.levels.items()
            if comp not in names
        ]
        need = need | (pl.all_horizontal(others) if others else pl.lit(True))
    wanted = scored.select(need.alias("need"))["need"]
    if reviewed.height:  # reviewed pairs are kept either way
        wanted = wanted | scored.select("l", "r").join(
            reviewed.select("l", "r", pl.lit(True).alias("_in")), on=["l", "r"], how="left", maintain_order="left"
        )["_in"].fill_null(False)
    at = wanted.arg_true()
    some = _levels_in_chunks(
        work, scored.select(pl.col("l").gather(at), pl.col("r").gather(at)), spec, codes, tuple(deferred)
    )
    full = {}
    for comp in deferred:
        column = pl.repeat(None, scored.height, dtype=some.schema[comp.name], eager=True).alias(comp.name)
        full[comp.name] = column.scatter(at, some[comp.name])
    return scored.with_columns(full.values())


def score_pairs(
    work: pl.DataFrame,
    pairs: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    model: Model,
    tf_tables: dict,
    reviewed: pl.DataFrame,
    gamma: pl.DataFrame | None = None,
    numbered: bool = False,
    floor: float = 0.0,
) -> pl.DataFrame:
    """Levels, weights, probability, cannot-link veto and reviewers' verdicts of (l, r) row pairs of ``work``
    (``gamma``: their comparison levels when already computed; a comparison it lacks, of ``deferred_comparisons``, is
    worked out here for the pairs that need it, ``_deferred_levels`` with ``floor``). ``numbered``: the veto as its
    number (``_veto_names``: ``_named_veto`` names it)."""
    g = _levels_in_chunks(work, pairs, spec, codes) if gamma is None else gamma
    weights = score(pairs["l"], g, model, spec, tf_tables, pairs["r"])
    scored = pl.concat([pairs, g, weights], how="horizontal")
    deferred = [c for c in spec.comparisons if c.name not in g.columns]
    if deferred:  # (their columns in the spec's order, as when worked out with the others)
        scored = _deferred_levels(scored, work, spec, codes, reviewed, deferred, floor)
        scored = scored.select(*pairs.columns, *(c.name for c in spec.comparisons), *weights.columns)
    different = len(spec.cannot_link) if numbered else None
    return _with_reviews(scored.with_columns(_veto(spec, numbered)), reviewed, different)


SCORE_CHUNK = 2_000_000  # candidate pairs scored at a time when the pair table keeps only pairs from spec.pair_floor
SCORE_THREADS = 2  # chunks of candidate pairs scored side by side


@dataclass
class BelowFloor:
    """Candidate pairs scored under the pair floor (``spec.pair_floor``) that no reviewer judged: non-matches counted,
    not kept in the pair table. ``per_rules``: how many per set of blocking rules (bits, ``rules``) and cannot-link
    veto (null: none); ``kept``: per candidate pair, whether it was kept (None: every pair was)."""

    floor: float
    per_rules: pl.DataFrame
    kept: pl.Series | None = None

    @property
    def pairs(self) -> int:
        return int(self.per_rules["pairs"].sum() or 0)

    def stats(self, spec: MatchSpec, same_entity: int) -> dict:
        """The run's statistics of the pairs left out: in all, per blocking rule that proposed them (a pair under
        each of its rules, as ``pairs_per_rule``), per cannot-link veto, and how many join records of one entity."""
        rows = self.per_rules
        per_rule = {
            rule.name: int(rows.filter((pl.col("rules") & (1 << i)) != 0)["pairs"].sum() or 0)
            for i, rule in enumerate(spec.blocking)
        }
        vetoes = rows.group_by(pl.col("veto").fill_null("none")).agg(pl.col("pairs").sum()).sort("veto")
        return {
            "floor": self.floor,
            "pairs": self.pairs,
            "per_rule": per_rule,
            "per_veto": dict(zip(vetoes["veto"].to_list(), [int(x) for x in vetoes["pairs"]], strict=True)),
            "same_entity": same_entity,
        }


def _score_kept(
    work: pl.DataFrame,
    pairs: pl.DataFrame,
    gamma: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    model: Model,
    tf_tables: dict,
    reviewed: pl.DataFrame,
    floor: float,
    vetoes: pl.Series | None = None,
) -> tuple[pl.DataFrame, BelowFloor]:
    """``score_pairs`` of the candidate pairs, with only the pairs at or above ``floor`` kept (and those a reviewer
    judged, either way): scored SCORE_CHUNK pairs at a time, so the weights, probabilities and vetoes of every
    candidate pair are never held at once (at 1M people 95 % of the 5.6M candidate pairs score under 0.001). The
    pairs left out are non-matches whatever the clustering (under the review threshold, not forced by a
    reviewer), counted per set of rules and veto. ``floor`` 0: every pair kept, scored in one piece. ``vetoes``:
    every candidate pair's numbered veto (``_veto_numbers``), when worked out already: the pairs not scored are
    counted on it."""
    empty = pl.DataFrame(schema={"rules": pl.UInt32, "veto": pl.String, "pairs": pl.UInt32})
    if floor <= 0:
        return score_pairs(work, pairs, spec, codes, model, tf_tables, reviewed, gamma), BelowFloor(floor, empty)

    def scored_part(start: int, size: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
        # the vetoes as numbers, named for the kept pairs only: most pairs are left out and counted (at 1M people
        # two thirds of the 5.6M candidate pairs are vetoed: a name written per pair and grouped on its text)
        part, levels = pairs.slice(start, size), gamma.slice(start, size)
        # only the pairs whose levels may reach the floor are scored (``_may_reach``: at 1M people 381k of 3.9M); the
        # others are under it whatever their values: only their vetoes are counted (worked out here, or ``vetoes``')
        maybe = _may_reach(levels, spec, model, floor)
        if reviewed.height:  # a pair a reviewer judged is kept either way
            maybe |= (
                part.select("l", "r")
                .join(
                    reviewed.select("l", "r", pl.lit(True).alias("_in")),
                    on=["l", "r"],
                    how="left",
                    maintain_order="left",
                )["_in"]
                .fill_null(False)
                .to_numpy()
            )
        rest = None
        if not maybe.all():
            scoring = pl.Series(maybe)
            if vetoes is None:
                rest = _vetoes(part.filter(~scoring), levels.filter(~scoring), spec, work, codes)
            else:
                rest = _counted(
                    pl.DataFrame({"rules": part["rules"], "veto": vetoes.slice(start, size)}).filter(~scoring)
                )
            part, levels = part.filter(scoring), levels.filter(scoring)
        scored = score_pairs(work, part, spec, codes, model, tf_tables, reviewed, levels, True, floor)
        keep = scored.select(_kept(floor, pl.col("veto").eq(len(spec.cannot_link))))["keep"]
        # the pairs left out are counted on their rules and veto alone (not every scored column filtered)
        counted = _counted(scored.select("rules", "veto").filter(~keep))
        kept = scored.filter(keep).with_columns(_named_veto(spec))
        if rest is not None:  # every candidate pair's verdict, in order
            counted = pl.concat([counted, rest])
            keep = pl.Series("keep", np.zeros(len(maybe), dtype=bool)).scatter(np.flatnonzero(maybe), keep)
        return kept, counted.with_columns(_named_veto(spec)), keep

    # chunks of equal size, a multiple of SCORE_THREADS in number, scored side by side (numpy and Polars release the
    # GIL): a pair's score depends on its own levels and records alone, and the parts are joined in the pairs' order
    rounds = -(-max(pairs.height, 1) // (SCORE_CHUNK * SCORE_THREADS))
    size = max(-(-pairs.height // (rounds * SCORE_THREADS)), 1)
    starts = range(0, max(pairs.height, 1), size)
    if len(starts) == 1:
        results = [scored_part(0, size)]
    else:
        with ThreadPoolExecutor(max_workers=SCORE_THREADS) as pool:
            results = list(pool.map(lambda start: scored_part(start, size), starts))
    parts, counts, masks = (list(x) for x in zip(*results, strict=True))
    per_rules = pl.concat([empty, *counts]).group_by("rules", "veto").agg(pl.col("pairs").sum()).sort("rules", "veto")
    return pl.concat(parts), BelowFloor(floor, per_rules, pl.concat(masks))


FLOOR_MARGIN_BITS = 0.5  # ``_may_reach``'s bound is raised by this much: the float32 weights' rounding (1e-5 bits)


def _tf_room(comp: Comparison) -> np.ndarray:
    """Per level of a comparison (and its 'different'), the most bits its term-frequency adjustment may add to a
    pair's weight at that level: TF_MAX_BOOST_BITS at the levels ``model._tf_adjust`` adjusts (``model.tf_levels``,
    which it reads too), else 0."""
    room = np.zeros(len(comp.levels) + 1)
    room[[adjusted.level for adjusted in tf_levels(comp)]] = TF_MAX_BOOST_BITS
    return room


_BOUND_TABLE_MAX = 1 << 20  # ``_weight_bound`` works out each combination of levels once, up to this many of them


def _weight_bound(gamma: pl.DataFrame, spec: MatchSpec, model: Model, room: bool = True) -> np.ndarray:
    """Per pair (``gamma``: its levels), a bound from above on the match weight ``score`` gives it: the prior and each
    scored comparison's level weight with the most its term-frequency adjustment may add (``_tf_room``; ``room``
    False: without it); an implied comparison's weight only falls.

    The bound depends on the pair's levels alone: where the combinations of levels are fewer than a fourth of the
    pairs, it is worked out once per combination (``_levels_bound`` over a table of them all) and gathered by each
    pair's combination number, the same values (at 1M people 93,555 combinations for 3.9M pairs: a gather and a
    few integer passes instead of two float gathers and adds per comparison, 0.2-0.3 of scoring's ~0.55 CPU s)."""
    read = [c.name for c in spec.scored_comparisons]
    read += [c.m_by[0] for c in spec.scored_comparisons if c.name in model.m_by and c.m_by[0] not in read]
    levels = {c.name: len(c.levels) for c in spec.comparisons}
    sizes = [levels[name] + 2 for name in read]  # a level + 1: each level, "different", and 0 for a value missing
    combinations = math.prod(sizes)  # (exact: numpy's int64 product wraps round for a spec of many comparisons)
    if combinations > min(_BOUND_TABLE_MAX, gamma.height // 4):
        return _levels_bound(gamma, spec, model, room)
    every = np.unravel_index(np.arange(combinations), sizes)  # (C order: the first column's level varies slowest)
    table = pl.DataFrame(
        [
            pl.Series(name, at.astype(np.int8) - 1).scatter(np.flatnonzero(at == 0), None)
            for name, at in zip(read, every, strict=True)
        ]
    )
    bounds = _levels_bound(table, spec, model, room)
    # each pair's combination number, with every level less one (-1: missing) and the ones added once at the end (in
    # 32 bits: a pass over the pairs costs half that in 64)
    number, ones = np.zeros(gamma.height, dtype=np.int32), 0
    for name, size in zip(read, sizes, strict=True):
        number *= size
        number += gamma[name].fill_null(-1).to_numpy()
        ones = ones * size + 1
    number += ones
    return np.take(bounds, number)


def _levels_bound(gamma: pl.DataFrame, spec: MatchSpec, model: Model, room: bool) -> np.ndarray:
    """``_weight_bound`` per pair, worked out on its levels."""
    weights = model.weights()
    bound = np.full(gamma.height, model.prior_bits)
    for comp in spec.scored_comparisons:
        top = np.asarray(weights[comp.name], dtype=np.float64) + (_tf_room(comp) if room else 0.0)
        level = gamma[comp.name].fill_null(-1).to_numpy()
        if comp.name in model.m_by:  # the pairs at its m_by levels weigh by its other m (``model.score``)
            other = np.log2(model.m_by[comp.name] / model.u[comp.name]) + (_tf_room(comp) if room else 0.0)
            bound += np.where(m_by_held(comp, spec, gamma), np.append(other, 0.0)[level], np.append(top, 0.0)[level])
            continue
        bound += np.append(top, 0.0)[level]  # (last: a value missing)
    return bound


def _may_reach(gamma: pl.DataFrame, spec: MatchSpec, model: Model, floor: float) -> np.ndarray:
    """Per pair (``gamma``: its levels), whether its match probability may be at or above ``floor``: its
    ``_weight_bound`` plus FLOOR_MARGIN_BITS reaches it. A pair where it is False scores under the floor whatever
    its values: ``score`` need not see it (at 1M people 3.53M of the 3.91M candidate pairs)."""
    if not 0.0 < floor < 1.0:
        return np.full(gamma.height, floor <= 0.0)
    bound = _weight_bound(gamma, spec, model) + FLOOR_MARGIN_BITS
    return ~(bound < np.log2(floor) - np.log2(1.0 - floor))  # (the floor in bits; a NaN bound: may)


def _vetoes(
    pairs: pl.DataFrame, gamma: pl.DataFrame, spec: MatchSpec, work: pl.DataFrame, codes: ValueCodes
) -> pl.DataFrame:
    """``rules`` and the numbered veto (``_veto(numbered=True)``) of candidate pairs not scored, under the pair floor
    and judged by no reviewer (``_may_reach``): ``score_pairs``' vetoes of them, the deferred comparisons' levels worked
    out where a cannot-link rule reading them holds on its other comparisons (``_deferred_levels``)."""
    return _counted(pl.DataFrame({"rules": pairs["rules"], "veto": _veto_numbers(pairs, gamma, spec, work, codes)}))


def _veto_numbers(
    pairs: pl.DataFrame, gamma: pl.DataFrame, spec: MatchSpec, work: pl.DataFrame, codes: ValueCodes
) -> pl.Series:
    """Per candidate pair, its numbered veto (``_veto(numbered=True)``), as ``_vetoes`` works it out for the pairs it
    counts: a pair's veto depends on its levels alone (the deferred comparisons' worked out where a cannot-link rule
    reading them holds on its other comparisons), not on the model, so the engine works it out while the model is
    fitted (on the core fitting leaves idle)."""
    frame = pl.concat([pairs.select("l", "r"), gamma], how="horizontal")
    deferred = [c for c in spec.comparisons if c.name not in gamma.columns]
    if deferred:
        empty = pl.DataFrame(schema={"l": pl.UInt32, "r": pl.UInt32})
        frame = _deferred_levels(frame, work, spec, codes, empty, deferred, None)
    return frame.select(_veto(spec, True))["veto"]


_COUNT_SLOTS = 1 << 22  # sets of rules x vetoes counted in a table of slots up to this many (else grouped)


def _counted(below: pl.DataFrame) -> pl.DataFrame:
    """Scored pairs left out of the pair table (``rules``; ``veto``, numbered or named), counted per set of rules and
    veto. Numbered vetoes of few sets of rules are counted in a table (np.bincount on rules x vetoes + 1, null 0: a
    group-by of millions of pairs cost three times as much)."""
    rules, veto = below["rules"], below["veto"]
    top = int(rules.max() or 0) + 1 if below.height else 0
    kinds = int(veto.max() or 0) + 2 if below.height and veto.dtype == pl.UInt32 else 0
    if not kinds or top * kinds > _COUNT_SLOTS:
        return below.group_by("rules", "veto").agg(pl.len().cast(pl.UInt32).alias("pairs")).cast({"rules": pl.UInt32})
    slot = rules.to_numpy().astype(np.int64) * kinds + veto.fill_null(-1).cast(pl.Int64).to_numpy() + 1
    count = np.bincount(slot, minlength=top * kinds)
    used = np.flatnonzero(count)
    kind = (used % kinds).astype(np.int64) - 1
    return pl.DataFrame(
        {
            "rules": (used // kinds).astype(np.uint32),
            "veto": pl.Series(kind.astype(np.uint32)).scatter(np.flatnonzero(kind < 0), None),
            "pairs": count[used].astype(np.uint32),
        }
    )


def _kept(floor: float, different: pl.Expr | None = None) -> pl.Expr:
    """Whether a scored pair is kept in the pair table: at or above ``floor``, or judged by a reviewer either way, or
    not a candidate (scored by the chaining guard, or named by a reviewer: ``rules`` 0). ``different``: whether a
    reviewer judged the pair different (where the veto is numbered), else read from the veto's name."""
    different = pl.col("veto").eq(REVIEWED_DIFFERENT) if different is None else different
    return (
        (pl.col("match_probability") >= floor)
        | pl.col("_reviewed_same")
        | different.fill_null(False)
        | (pl.col("rules") == 0)
    ).alias("keep")


def _same_entity_below(clusters: pl.Series, pairs: pl.DataFrame, below: BelowFloor) -> int:
    """How many pairs left out of the pair table join two records of one cluster (one entity), counted a chunk at a
    time."""
    if below.kept is None or not below.pairs:
        return 0
    same = 0
    for start in range(0, pairs.height, SCORE_CHUNK):
        out = ~below.kept.slice(start, SCORE_CHUNK)
        chunk = pairs.slice(start, SCORE_CHUNK)
        l, r = chunk["l"].filter(out), chunk["r"].filter(out)  # noqa: E741 - the pairs' sides
        same += int((clusters.gather(l) == clusters.gather(r)).sum())
    return same


def _pattern_part(
    gamma: pl.DataFrame, pairs: pl.DataFrame, spec: MatchSpec, label: pl.Series | None, degrees: dict
) -> pl.DataFrame:
    """A shard's pairs grouped as ``model._pattern_table`` groups all of them (rules, comparison vector, verdict),
    and by the rules under which each is crowded (``model.crowded_bits``: the degrees are every candidate pair's)."""
    names = [c.name for c in spec.scored_comparisons]
    crowded = crowded_bits(pairs, degrees, spec.max_cluster_size)
    return _pattern_table(gamma.select(names), pairs["rules"], label, crowded)


def _compare_shards(
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    spilled: ShardedPairs,
    labelled: pl.DataFrame | None,
    fitting: bool,
) -> pl.DataFrame | None:
    """Each shard's comparison levels, saved beside its pairs; with ``fitting``, EM's pattern table of every candidate
    pair, the shards' counts summed (``model.estimate_m``'s ``table``: a few thousand rows)."""
    parts = []
    for s in range(spilled.count):
        pairs = spilled.pairs(s)
        gamma = _levels_in_chunks(work, pairs, spec, codes)
        spilled.save(s, "gamma", gamma)
        if fitting:
            label = None
            if labelled is not None:  # (a shard without a labelled pair: a null verdict on each, as unlabelled)
                label = label_posteriors(pairs.select("l", "r"), labelled)
                if label is None:
                    label = pl.repeat(None, pairs.height, dtype=pl.Float64, eager=True)
            parts.append(_pattern_part(gamma, pairs, spec, label, spilled.degrees))
        log.info("shard %d of %d: %s pairs compared", s + 1, spilled.count, f"{pairs.height:,}")
        del pairs, gamma
        give_back()
    if not fitting:
        return None
    keys = [c for c in parts[0].columns if c != PAIRS]
    return pl.concat(parts).group_by(keys).agg(pl.col(PAIRS).sum())


def _score_shards(
    work: pl.DataFrame,
    spilled: ShardedPairs,
    spec: MatchSpec,
    codes: ValueCodes,
    model: Model,
    tf_tables: dict,
    reviewed: pl.DataFrame,
) -> tuple[pl.DataFrame, BelowFloor]:
    """``_score_kept`` a shard at a time: the kept pairs of every shard, one shard after the other (in (l, r) order, as
    the candidate pairs of one piece are); those under the floor counted (each shard's kept mask saved for ``same_entity_below``)."""
    parts, counts = [], []
    for s in range(spilled.count):
        pairs, gamma = spilled.pairs(s), spilled.load(s, "gamma")
        scored, below = _score_kept(work, pairs, gamma, spec, codes, model, tf_tables, reviewed, spec.pair_floor)
        spilled.path(s, "gamma").unlink()
        parts.append(scored)
        counts.append(below.per_rules)
        spilled.save(s, "kept", below.kept.to_frame("keep"))
        log.info("shard %d of %d: %s of %s pairs kept", s + 1, spilled.count, f"{scored.height:,}", f"{pairs.height:,}")
        del pairs, gamma, scored
        give_back()
    scored = pl.concat(parts)  # (the shards hold consecutive ranges of left records: in (l, r) order)
    per_rules = pl.concat(counts).group_by("rules", "veto").agg(pl.col("pairs").sum()).sort("rules", "veto")
    return scored, BelowFloor(spec.pair_floor, per_rules)


def is_link(spec: MatchSpec) -> pl.Expr:
    """A scored pair is a link: over the link threshold and not vetoed, or judged the same by a reviewer."""
    return ((pl.col("match_probability") >= spec.link_threshold) & pl.col("veto").is_null()) | pl.col("_reviewed_same")


def pair_key(l: pl.Expr | str = "l", r: pl.Expr | str = "r") -> pl.Expr:  # noqa: E741 - the pair's sides
    """(l, r) row numbers packed into one UInt64 ``k``: a cheap key to mark or find pairs by."""
    l, r = (pl.col(x) if isinstance(x, str) else x for x in (l, r))  # noqa: E741
    return (l.cast(pl.UInt64) * (1 << 32) + r.cast(pl.UInt64)).alias("k")


def _not_among(few: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``few`` (in order) whose (l, r) is not a pair of ``pairs``: ``pairs``' keys are probed against the
    few's (an anti-join would hash all of ``pairs``, tens of millions at city scale)."""
    if not few.height:
        return few
    if pairs.height:
        places = _places_among(few, pairs)
        if places is not None:
            return few.filter(pl.Series(places < 0))
    wanted = few.select(pair_key())["k"]
    if pairs.height:
        keys = _packed_keys(pairs)
        if bool((keys[1:] > keys[:-1]).all()):
            # pairs in (l, r) order (candidate pairs, the kept ones): the few looked up by binary search, not every
            # pair's key hashed and probed (0.15 CPU s at 1M people for the engine's three calls)
            at = np.minimum(np.searchsorted(keys, wanted.to_numpy()), len(keys) - 1)
            return few.filter(pl.Series(keys[at] != wanted.to_numpy()))
    found = pairs.select(pair_key()).filter(pl.col("k").is_in(wanted.implode()))["k"]
    return few.filter(~wanted.is_in(found.implode()))


def _places_among(few: pl.DataFrame, pairs: pl.DataFrame) -> np.ndarray | None:
    """Per row of ``few``, the row of ``pairs`` holding its (l, r), -1 where none does, for ``pairs`` in order of their
    left record (candidate pairs, the kept ones): each of the few looked up among the pairs of its left record, found
    by binary search (every pair's packed key, two arrays of 8 bytes a pair, cost twice the CPU: 0.017 -> 0.008 s for
    3.9M pairs). None where ``pairs`` are not in that order, or the few's left records hold more pairs than it has."""
    left = pairs["l"].to_numpy()
    if not bool((left[1:] >= left[:-1]).all()):
        return None
    few_l, few_r = few["l"].to_numpy(), few["r"].to_numpy()
    lo = np.searchsorted(left, few_l, "left")
    size = np.searchsorted(left, few_l, "right") - lo
    if int(size.sum()) > len(left):  # (the few's left records hold many pairs each)
        return None
    owner = np.repeat(np.arange(len(few_l)), size)  # each place looked at: its row of the few, and its row of pairs
    at = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size - lo, size)
    hit = pairs["r"].to_numpy()[at] == few_r[owner]
    places = np.full(len(few_l), -1, dtype=np.int64)
    places[owner[hit]] = at[hit]
    return places


def _packed_keys(pairs: pl.DataFrame) -> np.ndarray:
    """``pair_key`` of every pair, as a numpy array (made in place: one temporary)."""
    keys = pairs["l"].to_numpy().astype(np.uint64)
    keys <<= np.uint64(32)
    keys |= pairs["r"].to_numpy().astype(np.uint64)
    return keys


def _refused_reason(scored: pl.DataFrame, refused: pl.DataFrame) -> pl.Series:
    """Per scored pair, the reason the guard refused its link (null for the others): the few refused pairs' packed
    keys sorted and every pair's key looked up among them by binary search (a join would copy every column of
    every pair, a hash lookup hash every pair)."""
    reason = pl.repeat(None, scored.height, dtype=pl.String, eager=True).alias("reason")
    if not refused.height or not scored.height:
        return reason
    wanted = refused.select(pair_key())["k"].to_numpy()
    order = np.argsort(wanted, kind="stable")
    wanted = wanted[order]
    # only the pairs whose left record is a refused pair's are keyed and looked up (a few thousand of millions)
    near = scored["l"].is_in(refused["l"].cast(scored.schema["l"]).implode()).arg_true()
    keys = scored.select(pair_key(pl.col("l").gather(near), pl.col("r").gather(near)))["k"].to_numpy()
    at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
    found = np.flatnonzero(wanted[at] == keys)
    return reason.scatter(near.gather(found), refused["reason"].gather(order[at[found]]))


def decide(scored: pl.DataFrame, same_cluster: pl.Series, refused: pl.DataFrame, spec: MatchSpec) -> pl.DataFrame:
    """Each pair's decision (link, review, non_match, refused) and its reason, once its records are clustered.

    ``same_cluster``: per pair, whether its records ended in one cluster; ``refused``: l, r, reason of the
    links the chaining guard refused."""
    # the reason: the guard's for the links it refused, else the veto of a vetoed pair at or above the review
    # threshold; both are few among the pairs, so they are scattered into the column (a coalesce over every pair's
    # strings cost 0.2 CPU s at 5.6M pairs)
    reason = _refused_reason(scored, refused)
    vetoed = scored.select(
        (pl.col("veto").is_not_null() & (pl.col("match_probability") >= spec.review_threshold)).alias("v")
    )["v"]
    vetoed = (vetoed & reason.is_null()).arg_true()
    if len(vetoed):
        reason = reason.scatter(vetoed, scored["veto"].gather(vetoed))
    return scored.with_columns(same_cluster.alias("_same"), reason).with_columns(
        # the decision's index in DECISIONS, then its Enum value gathered by index (no string per pair)
        _labelled(
            "_decision",
            list(DECISIONS),
            pl.Enum(DECISIONS),
            pl.when(pl.col("reason").is_not_null())
            .then(pl.lit(DECISIONS.index("refused"), pl.UInt32))
            .when(pl.col("_reviewed_same") | (pl.col("match_probability") >= spec.link_threshold))
            .then(pl.lit(DECISIONS.index("link"), pl.UInt32))
            .when(pl.col("match_probability") >= spec.review_threshold)
            .then(pl.lit(DECISIONS.index("review"), pl.UInt32))
            .otherwise(pl.lit(DECISIONS.index("non_match"), pl.UInt32)),
        ).alias("decision"),
    )


def match(
    frame: pl.DataFrame,
    spec: MatchSpec,
    *,
    previous: pl.DataFrame | None = None,
    labelled_pairs: pl.DataFrame | None = None,
    cannot_link_pairs: pl.DataFrame | None = None,
    source: str = "input",
    model: FrozenModel | None = None,
    keep_state: bool = False,
    keep_candidates: bool | Path = False,
    shards: int | None = None,
    shard_pairs: int | None = None,
) -> MatchResult:
    """Deduplicate `frame` under `spec`.

    previous: the previous run's lineage (record_id, entity_id) to keep entity ids stable.
    labelled_pairs: optional known pairs (left_id, right_id) of the same entity (reviewers' "match"):
        linked whatever their score (decision_reason says so); where blocking proposed them, EM reads them as
        matches when it fits m (semi-supervised: each counted once among all candidate pairs; model.label_posteriors).
    cannot_link_pairs: optional pairs (left_id, right_id) reviewers said are different entities: never
        linked, directly or through a third record (the cluster guard refuses it); EM reads them as non-matches.
    model: a frozen model (state.py): scored with it, nothing is fitted (a full re-match an increment equals).
    keep_state: keep what an increment needs in ``result.state`` (the frozen model, tables and pairs).
    keep_candidates: keep every candidate pair's row numbers and rules in ``result.candidates`` (12 bytes a pair);
        a folder: written there as Parquet files instead (candidates-NN.parquet, one per shard), not kept.
    shards: the candidate pairs are blocked, compared, fitted on and scored this many shards at a time, spilled to
        a temporary folder between the steps (shards.py): memory bounded by a shard's pairs, not by all of them;
        1: in one piece. None: in one piece under shards.SHARD_FROM_RECORDS records, else in as many shards as
        hold at most ``shard_pairs`` pairs each (None: shards.SHARD_PAIRS; given: sharded so whatever the records).
        The result is the same either way. A run keeping a state (every
        pair) or with no pair floor (every pair in the pair table) is never sharded. The spill folder is removed when
        the run ends, also when it fails; one left by a killed run is removed by the next (shards.spill_folder).
    """
    spills: list[ShardedPairs] = []  # the run's spill folder, removed however the run ends
    # numpy's arrays on small pages for the whole run, not only blocking's (memory.small_pages says why): compare,
    # fit and entities make fresh arrays of millions of rows too. What it saves depends on the kernel's free 2 MB pages:
    # 1M people, 3 alternated pairs, 6.10 / 6.13 / 5.90 -> 5.89 / 5.93 / 5.81 s wall (NUMPY_MADVISE_HUGEPAGE=0 for
    # the whole process, in an earlier window: 6.61 / 6.61 / 6.15 -> 5.64 / 5.77 / 5.83 s), the same outputs. And
    # glibc's heap kept for the run (memory.large_arrays_on_the_heap).
    # (the threads' heaps kept only in one piece: in shards the peak is what matters, memory.thread_heaps_kept)
    with for_a_match_run(shard_setting(frame.height, shards, by_pairs=shard_pairs is not None) == 1):
        try:
            return _match(
                frame,
                spec,
                spills,
                previous=previous,
                labelled_pairs=labelled_pairs,
                cannot_link_pairs=cannot_link_pairs,
                source=source,
                model=model,
                keep_state=keep_state,
                keep_candidates=keep_candidates,
                shards=shards,
                shard_pairs=shard_pairs,
            )
        finally:
            for spilled in spills:
                spilled.remove()


def _match(
    frame: pl.DataFrame,
    spec: MatchSpec,
    spills: list[ShardedPairs],
    *,
    previous: pl.DataFrame | None,
    labelled_pairs: pl.DataFrame | None,
    cannot_link_pairs: pl.DataFrame | None,
    source: str,
    model: FrozenModel | None,
    keep_state: bool,
    keep_candidates: bool | Path,
    shards: int | None,
    shard_pairs: int | None,
) -> MatchResult:
    """``match``'s run; a spilled run's pairs are added to ``spills`` (``match`` removes them).

    Its steps, each timed: prepare (``_work_and_codes``), blocking and compare (``_candidates_compared``), fit,
    score, cluster and entities (here: the thread pools they share span them), then the run's stats."""
    frozen_given = model
    if frozen_given is not None:
        frozen_given.check(spec)
    lap = StepTimer("%s: %.1f s (peak memory so far %.0f MiB)", trim=frame.height >= TRIM_STEPS_FROM)
    dates: dict[str, dict] = {}
    work, codes = _work_and_codes(frame, spec, source, frozen_given, dates, lap)
    ids = work[spec.id_column]
    spill_shards = _shards_to_spill(work.height, spec, shards, shard_pairs, keep_state)
    reviewed = _reviewed_pairs(work, spec, labelled_pairs, cannot_link_pairs)
    pool = ThreadPoolExecutor(max_workers=1)
    beside = ThreadPoolExecutor(max_workers=1)
    try:
        run = _clustered(
            pool, work, spec, codes, ids, model, keep_state, previous, reviewed, spill_shards, shard_pairs, spills, lap
        )
        spilled, pairs, clusters, model = run.spilled, run.pairs, run.clusters, run.model
        scored, run.scored = run.scored, None  # (held here only: freed below once the lineage is drawn)
        if not keep_state:  # nothing after the guard reads the value codes or the term frequencies (at 1M people
            # some 300 bytes a record): dropped before the tables and golden records are made
            codes = None

        # the entity ids need the clusters only: worked out on the other core while this one decides and tables the
        # pairs, queues the uncertain ones and draws the lineage; the golden records by cluster (the clusters and the
        # input only) on a thread of their own beside both
        named, golden = _entities_ahead(pool, beside, frame, ids, clusters, spec, previous, run.hashed)
        scored = _with_inner_pairs(scored, run.inner, run.below, pairs, spilled)
        scored = decide(scored, clusters.gather(scored["l"]) == clusters.gather(scored["r"]), run.refused, spec)
        pair_table, kept, below, same_below, review, items = _tables_and_queue(
            scored, work, ids, spec, keep_state, run, beside
        )
        # the lineage but its entity ids, here while they are hashed and named on the other core (this thread waited
        # for them, then the lineage ran on that core after them, alone at the step's end: 0.17 s at 1M people)
        links = _record_links(scored, work, ids, spec, clusters)
        del scored  # tens of millions of rows at city scale: freed once the lineage is drawn
        entity_ids, merged = named.result()
        entities = name_golden(golden.result(), entity_ids)
        records = _named_lineage(links, entity_ids)
        lap("entities")
    finally:
        pool.shutdown(wait=True)
        beside.shutdown(wait=True)
    state = None
    if keep_state:  # (a model fitted here keeps the value codes' statistics for the increments)
        if frozen_given is None:
            run.frozen.keep_statistics(codes)
        state = _state_of(
            run.frozen, frame, work, kept, records, entities, merged, review, labelled_pairs, cannot_link_pairs
        )
    same = same_below.result() if same_below is not None else None
    stats = _run_stats(
        spec, work, run.blocking, spilled, pairs, below, clusters, pair_table, review, items, records, entities, same
    )
    stats |= _model_stats(model) | run.cluster_info
    lap("stats")  # the engine's work (the candidates' lap after it times their writing alone, left out by benchmarks)
    stats |= {
        "merged_previous_entities": merged.height,
        "dates": dates,
        "verdicts": verdict_coverage(ids, labelled_pairs, cannot_link_pairs),
        "model": f"frozen {frozen_given.fingerprint()}" if frozen_given is not None else "fitted",
        "seconds": lap.seconds,
        "cpu_seconds": lap.cpu_seconds,
    }
    candidates = _candidates_kept(keep_candidates, pairs, spilled, lap)
    return MatchResult(
        records, pair_table, entities, review, merged, model, run.blocking, level_labels(spec), stats, state, candidates
    )


@dataclass(slots=True)
class _Clustered:
    """``_clustered``'s result: what the entities, tables and stats of ``_match`` are drawn from."""

    spilled: ShardedPairs | None  # the candidate pairs spilled in shards, or None: kept in one piece (``pairs``)
    blocking: BlockingReport
    pairs: pl.DataFrame | None  # every candidate pair (l, r, rules), in one piece
    head: Future | None  # the pairs' record ids and level labels, worked out on the other core (``_pair_ids_ahead``)
    hashed: Future | None  # every record's founder hash (``_record_hashes_ahead``)
    model: Model
    frozen: FrozenModel | None  # the fitted model as a state keeps it
    scored: pl.DataFrame | None  # the kept pairs scored (``_match`` takes it and frees it after the lineage)
    below: BelowFloor  # the pairs under the pair floor, counted
    clusters: pl.Series  # every record's cluster
    refused: pl.DataFrame  # the links the guard refused
    inner: pl.DataFrame  # the pairs the guard scored inside suspicious clusters (not all candidates)
    cluster_info: dict  # the guard's stats


def _clustered(
    pool: ThreadPoolExecutor,
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    ids: pl.Series,
    model: FrozenModel | None,
    keep_state: bool,
    previous: pl.DataFrame | None,
    reviewed: pl.DataFrame,
    spill_shards: int | None,
    shard_pairs: int | None,
    spills: list[ShardedPairs],
    lap: StepTimer,
) -> _Clustered:
    """``_match``'s blocking and compare (``_candidates_compared``), fit, score and cluster steps.

    The other core (``pool``): the candidate pairs' record ids and level labels while the model is fitted, later
    the entity ids and the lineage while the pairs are decided and the golden records worked out. Pairs under
    ``floor`` (spec.pair_floor) are counted, not kept: with a floor the ids and labels are worked out for the kept
    pairs only, once they are known, and the other core works out every pair's numbered veto while the model is
    fitted instead (``_vetoes_ahead``; in one piece only). A state keeps every pair (an increment re-decides pairs
    from them; floor 0): then every pair is scored and decided, and the pair table left the same as without a
    state."""
    labelled = reviewed if reviewed.height else None  # l, r, same: EM's fixed posteriors (model.label_posteriors)
    spilled, blocking, pairs, gamma, table, u_ahead, tf_ahead = _candidates_compared(
        work, spec, codes, spill_shards, shard_pairs, labelled, model is None, keep_state, lap, spills
    )
    floor = 0.0 if keep_state else spec.pair_floor
    head = _pair_ids_ahead(pool, spec, pairs, gamma, ids)
    vetoes = _vetoes_ahead(pool, work, spec, codes, pairs, gamma, floor, spilled)
    hashed = _record_hashes_ahead(pool, ids, spec, previous)
    model, tf_tables, frozen = _fitted_model(
        work, spec, codes, model, keep_state, spilled, table, gamma, pairs, labelled, u_ahead, tf_ahead
    )
    lap("fit")

    def rescore(extra: pl.DataFrame) -> pl.DataFrame:
        return score_pairs(work, extra, spec, codes, model, tf_tables, reviewed)

    if spilled is None:
        scored, below = _score_kept(
            work, pairs, gamma, spec, codes, model, tf_tables, reviewed, floor, vetoes.result() if vetoes else None
        )
        vetoes = None  # (every candidate pair's: not held through the entities)
    else:
        scored, below = _score_shards(work, spilled, spec, codes, model, tf_tables, reviewed)
    del gamma  # every candidate pair's levels: the kept pairs' are in scored
    scored = _with_unblocked_reviewed(scored, reviewed, rescore)
    lap("score")
    clusters, refused, inner, cluster_info = _guarded(work.height, scored, spec, model, reviewed, rescore)
    lap("cluster")
    return _Clustered(
        spilled, blocking, pairs, head, hashed, model, frozen, scored, below, clusters, refused, inner, cluster_info
    )


def _tables_and_queue(
    scored: pl.DataFrame,
    work: pl.DataFrame,
    ids: pl.Series,
    spec: MatchSpec,
    keep_state: bool,
    run: _Clustered,
    beside: ThreadPoolExecutor,
) -> tuple[pl.DataFrame, pl.DataFrame | None, BelowFloor, Future | None, pl.DataFrame, pl.DataFrame]:
    """The decided pairs' table and review queue: (pair_table, kept, below, same_below, review, items); the stats'
    count of pairs under the floor inside one entity (``same_below``) submitted to ``beside``."""
    pairs, spilled = run.pairs, run.spilled
    pair_table, rows, kept, below = _pair_table_of(scored, ids, spec, keep_state, run.head, run.below, pairs, spilled)
    # the stats' count of pairs under the floor inside one entity, after the golden records on their thread: the
    # stats then run on one core (at 1M people 0.037 of its ~0.065 s gathering 3.5M pairs' clusters)
    same_below = beside.submit(_same_entity_below, run.clusters, pairs, below) if spilled is None else None

    review = _review_queue(pair_table, work, spec, rows)  # (rows: the pair table's records by row number)
    items = review_items(run.clusters, rows.filter(_queued(pair_table)))
    del rows
    return pair_table, kept, below, same_below, review, items


def _shards_to_spill(
    records: int, spec: MatchSpec, shards: int | None, shard_pairs: int | None, keep_state: bool
) -> int | None:
    """How many shards the candidate pairs are spilled in (``shards.shard_setting``: None, as many as hold
    ``shard_pairs`` each), 1: kept in one piece (also when a state keeps every pair, or with no pair floor every
    pair is in the pair table)."""
    setting = shard_setting(records, shards, by_pairs=shard_pairs is not None)
    sharded = setting != 1 and spec.pair_floor > 0 and not keep_state
    if setting != 1 and not sharded:
        log.info("not sharded: %s", "a state keeps every pair" if keep_state else "no pair floor: every pair is kept")
    return setting if sharded else 1


def _work_and_codes(
    frame: pl.DataFrame, spec: MatchSpec, source: str, frozen: FrozenModel | None, dates: dict, lap: StepTimer
) -> tuple[pl.DataFrame, ValueCodes]:
    """The prepared work table (its dates' report in ``dates``) and its value codes (a frozen model's: its own)."""
    prepared = Prepared()  # the sources' codes prepare works out: the value codes' (not again)
    work = prepare(frame, spec, source=source, report=dates, prepared=prepared)
    lap("prepare")
    sources = derived_sources(spec)
    return work, ValueCodes(work, sources, prepared) if frozen is None else frozen.codes(work, sources)


def _candidates_compared(
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    shards: int | None,
    shard_pairs: int | None,
    labelled: pl.DataFrame | None,
    fitting: bool,
    keep_state: bool,
    lap: StepTimer,
    spills: list[ShardedPairs],
) -> tuple[
    ShardedPairs | None, BlockingReport, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame | None, Any, Any
]:
    """The blocking and compare steps: the spilled shards (``shards`` of them, ``_shards_to_spill``; added to
    ``spills`` at once, so ``match`` removes them however the run ends) or, ``shards`` 1, the candidate pairs (l, r,
    rules); blocking's report; the pairs' levels (in one piece; with a pair floor, the comparisons only a rule or the
    table reads are left for after scoring) or, sharded, EM's pattern table summed over the shards; and u and the
    term frequencies when ``fitting`` (None on a tiny table)."""
    spilled, table, pairs, gamma = None, None, None, None
    # u and the term frequencies need the table only (but on a tiny table, whose u leaves the candidates out):
    # worked out on another core while the candidates are found and compared
    # one pool of two for u, the term frequencies and blocking: u and then the term frequencies on one worker (its
    # value codes ready for them), the blocking rules one at a time beside it and on both workers once it is done
    early = ThreadPoolExecutor(max_workers=2)
    try:
        ahead = None
        if fitting and not is_tiny(work.height, spec):
            ahead = early.submit(_u_and_term_frequencies, work, spec, codes)
        if shards != 1:
            spilled = spill_candidates(
                work, spec, rule_key_codes(work, spec, codes), shards, shard_pairs or SHARD_PAIRS
            )
            spills.append(spilled)
            blocking = spilled.report
        else:
            # on u's pool: never a third thread on two cores (it cost CPU, not wall: two alternated 1M pairs, 12.97 /
            # 13.56 -> 12.24 / 12.34 CPU s with one blocking thread beside u), and no core idle once u is done
            pairs, blocking = candidate_pairs(work, spec, codes, pool=early if ahead is not None else None)
        log.info(
            "blocking: %s candidate pairs%s (new per rule: %s)",
            f"{blocking.candidate_pairs:,}",
            f" in {spilled.count} shards" if spilled is not None else "",
            ", ".join(f"{k} {v:,}" for k, v in blocking.new_pairs_per_rule.items()),
        )
        lap("blocking")
        if spilled is None:  # with a pair floor, the comparisons only a rule or the table reads come after scoring
            later = deferred_comparisons(spec) if spec.pair_floor > 0 and not keep_state else ()
            now = tuple(c for c in spec.comparisons if c not in later)
            gamma = _levels_in_chunks(work, pairs, spec, codes, now)
        else:
            table = _compare_shards(work, spec, codes, spilled, labelled, fitting)
            spilled.degrees = {}  # (each record's pairs per trained rule: read by EM's pattern table only)
        lap("compare")
        u_ahead, tf_ahead = ahead.result() if ahead is not None else (None, None)
    finally:
        early.shutdown(wait=True)
    return spilled, blocking, pairs, gamma, table, u_ahead, tf_ahead


def _fitted_model(
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    frozen: FrozenModel | None,
    keep_state: bool,
    spilled: ShardedPairs | None,
    table: pl.DataFrame | None,
    gamma: pl.DataFrame | None,
    pairs: pl.DataFrame | None,
    labelled: pl.DataFrame | None,
    u_ahead: Any,
    tf_ahead: Any,
) -> tuple[Model, dict, FrozenModel | None]:
    """The model and term frequencies: fitted on the shards' pattern table or on the pairs' levels (frozen too
    when the run keeps a state), or a given frozen model's; and that frozen model."""
    if frozen is None and spilled is not None:
        if u_ahead is None:  # a tiny table: u leaves the candidates out
            u_ahead = estimate_u(work, spec, codes, spilled.all_pairs().select("l", "r"))
        model, tf_tables = fit(work, None, None, spec, codes=codes, u=u_ahead, tf_tables=tf_ahead, table=table)
        return model, tf_tables, FrozenModel.freeze(model, work, spec) if keep_state else None
    if frozen is None:
        model, tf_tables = fit(
            work,
            gamma,
            pairs["rules"],
            spec,
            labelled,
            codes,
            pairs.select("l", "r"),
            u=u_ahead,
            tf_tables=tf_ahead,
        )
        return model, tf_tables, FrozenModel.freeze(model, work, spec) if keep_state else None
    return frozen.model, frozen.tf_tables(work), frozen


def _with_unblocked_reviewed(
    scored: pl.DataFrame, reviewed: pl.DataFrame, rescore: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame:
    """``scored`` with the pairs reviewers judged that no blocking rule proposed, scored here (rules 0)."""
    unblocked = _not_among(reviewed, scored)
    if unblocked.height:
        extra = rescore(unblocked.select("l", "r")).with_columns(pl.lit(0, pl.UInt32).alias("rules"))
        scored = pl.concat([scored, extra.select(scored.columns)])
    return scored


def _pair_ids_ahead(
    pool: ThreadPoolExecutor, spec: MatchSpec, pairs: pl.DataFrame | None, gamma: pl.DataFrame | None, ids: pl.Series
) -> Future | None:
    """Without a pair floor (every candidate pair in the pair table): the pairs' record ids and level labels,
    started on ``pool``'s core while the model is fitted. With one they are worked out for the kept pairs only."""
    if spec.pair_floor <= 0:
        return pool.submit(
            _pair_ids_and_levels, pl.concat([pairs.select("l", "r"), gamma], how="horizontal"), ids, spec
        )
    return None


def _vetoes_ahead(
    pool: ThreadPoolExecutor,
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes,
    pairs: pl.DataFrame | None,
    gamma: pl.DataFrame | None,
    floor: float,
    spilled: ShardedPairs | None,
) -> Future | None:
    """With a pair floor (the pairs under it counted on their rules and veto, ``_score_kept``) and the pairs in one
    piece: every candidate pair's numbered veto (``_veto_numbers``), started on ``pool``'s core while the model is
    fitted."""
    if spilled is None and floor > 0 and spec.cannot_link and pairs is not None and pairs.height:
        return pool.submit(_veto_numbers, pairs, gamma, spec, work, codes)
    return None


def _entities_ahead(
    pool: ThreadPoolExecutor,
    beside: ThreadPoolExecutor,
    frame: pl.DataFrame,
    ids: pl.Series,
    clusters: pl.Series,
    spec: MatchSpec,
    previous: pl.DataFrame | None,
    hashed: Future | None,
) -> tuple[Future, Future]:
    """The entity ids (``assign_entity_ids``, on ``pool`` after the record hashes) and the golden records by cluster
    (on ``beside``), started once the clusters are known."""
    named = pool.submit(
        lambda: assign_entity_ids(
            ids, clusters, spec.entity_prefix, previous, hashed=hashed.result() if hashed is not None else None
        )
    )
    golden = beside.submit(
        golden_by_cluster, frame.with_columns(pl.col(spec.id_column).cast(pl.String)), spec, clusters
    )
    return named, golden


def _state_of(
    frozen: FrozenModel,
    frame: pl.DataFrame,
    work: pl.DataFrame,
    kept: pl.DataFrame,
    records: pl.DataFrame,
    entities: pl.DataFrame,
    merged: pl.DataFrame,
    review: pl.DataFrame,
    labelled_pairs: pl.DataFrame | None,
    cannot_link_pairs: pl.DataFrame | None,
) -> MatchState:
    """What an increment needs of this run (``MatchState``)."""
    return MatchState(
        frozen=frozen,
        frame=frame,
        work=work,
        scored=kept,
        records=records,
        entities=entities,
        merged=merged,
        review=review,
        labelled=verdicts(labelled_pairs),
        cannot_link=verdicts(cannot_link_pairs),
    )


def _record_hashes_ahead(
    pool: ThreadPoolExecutor, ids: pl.Series, spec: MatchSpec, previous: pl.DataFrame | None
) -> Future | None:
    """Every record's founder hash (a new entity's id is its founder's), started on ``pool``'s core while the other
    clusters (one thread): not under HASH_AHEAD records (quick where it is done) nor with a previous run's ids
    (most entities keep theirs). Three alternated 1M pairs: fit to entities 2.48 / 2.64 / 2.25 -> 2.13 / 2.16 /
    2.15 s wall. Submitted before the model is fitted (after the work ``pool`` has for the fit and the score): it
    starts when that work is done, not once the pairs are scored (1M households, three alternated runs each: the
    entities step 0.14-0.16 -> 0.10-0.12 s; 1M people, six each: fit to entities 1.32-1.59, mean 1.47 -> 1.28-1.54,
    mean 1.41 s, the score slower by ~0.1 s and the entities faster by ~0.15)."""
    if len(ids) >= HASH_AHEAD and (previous is None or not previous.height):
        return pool.submit(record_hashes, ids, spec.entity_prefix)
    return None


def _guarded(
    n: int,
    scored: pl.DataFrame,
    spec: MatchSpec,
    model: Model,
    reviewed: pl.DataFrame,
    rescore: Callable[[pl.DataFrame], pl.DataFrame],
) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame, dict]:
    """``guarded_clusters`` of the links among ``scored`` (the reviewers' 'different' pairs never in one cluster)."""
    links = scored.filter(is_link(spec))
    return guarded_clusters(
        n,
        links.select("l", "r", "match_weight", "match_probability", "veto", FORCED),
        spec.max_cluster_size,
        lambda inner: _scored_or_rescored(inner, scored, rescore),
        spec.link_threshold,
        model.prior_bits,
        cannot_link=reviewed.filter(~pl.col("same")).select("l", "r"),
        ambiguity_threshold=spec.ambiguity_threshold,
    )


def _scored_or_rescored(
    pairs: pl.DataFrame, scored: pl.DataFrame, rescore: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame:
    """``rescore`` of (l, r) ``pairs`` (the guard's inner pairs), in their order, taken from ``scored`` when every one
    of them is a pair of it (scored by the same model: the same levels, weights, veto and verdict, a pair's score
    depending on its two records alone), else all rescored. ``score_pairs`` cost 3.5-10 ms however few its pairs, on
    the clustering thread (1M businesses: the guard's 21 inner pairs were all scored candidates; taxpayers' 129 of 159:
    the 30 others rescored and the two parts put back in order cost more than rescoring all, the guard 24 -> 29 ms).
    Looked up in numpy, each pair among the pairs of its left record (``scored`` in order of it, as the kept candidate
    pairs are; not in order, with a reviewed pair no rule proposed after them: all rescored)."""
    if not pairs.height or not scored.height:
        return rescore(pairs)
    places = _places_among(pairs, scored)
    if places is None or (places < 0).any():
        return rescore(pairs)
    return scored.gather(pl.Series(places)).drop("rules")


def _with_inner_pairs(
    scored: pl.DataFrame,
    inner: pl.DataFrame,
    below: BelowFloor,
    pairs: pl.DataFrame | None,
    spilled: ShardedPairs | None,
) -> pl.DataFrame:
    """``scored`` with ``_inner``: the pairs scored only by the guard (inside suspicious clusters, not candidates)
    join the pair table; a candidate pair left under the floor stays out (a non-match: under the link threshold)."""
    scored = scored.with_columns(pl.lit(False).alias("_inner"))
    if inner.height:
        inner = _not_among(inner, scored)
        if below.pairs:
            inner = _not_among(inner, pairs) if spilled is None else spilled.not_among(inner)
        inner = inner.with_columns(pl.lit(0, pl.UInt32).alias("rules"), pl.lit(True).alias("_inner"))
        scored = pl.concat([scored, inner.select(scored.columns)])
    return scored


def _pair_table_of(
    scored: pl.DataFrame,
    ids: pl.Series,
    spec: MatchSpec,
    keep_state: bool,
    head: Future | None,
    below: BelowFloor,
    pairs: pl.DataFrame | None,
    spilled: ShardedPairs | None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None, BelowFloor]:
    """The pair table of the decided pairs, its rows' records (l, r: the review queue's), the pairs a state keeps
    (all of them) and the pairs under the floor: a state's run scored every pair, and its table keeps those at the
    floor or inside the guard's clusters, the others counted as a run without a state counts them."""
    table_rows = scored
    if keep_state and spec.pair_floor > 0:
        keep = scored.select(_kept(spec.pair_floor) | pl.col("_inner"))["keep"]
        table_rows = scored.filter(keep)
        below = BelowFloor(
            spec.pair_floor, _counted(scored.filter(~keep)).sort("rules", "veto"), keep.head(pairs.height)
        )
    # the sets of rules of the pairs left out, named among blocked_by's categories: in one piece those counted under
    # the floor (a few dozen rows; with the table's own they are those of every candidate pair, as a unique over
    # them gave: 0.036 CPU s at 1M people's 3.9M pairs, on the step's main thread)
    pair_table = _pair_table(
        table_rows,
        ids,
        spec,
        head.result() if head is not None else None,
        (below.per_rules["rules"].unique() if spilled is None else spilled.rule_sets) if below.pairs else None,
    )
    return pair_table, table_rows.select("l", "r"), scored if keep_state else None, below


def _run_stats(
    spec: MatchSpec,
    work: pl.DataFrame,
    blocking: BlockingReport,
    spilled: ShardedPairs | None,
    pairs: pl.DataFrame | None,
    below: BelowFloor,
    clusters: pl.Series,
    pair_table: pl.DataFrame,
    review: pl.DataFrame,
    items: int,
    records: pl.DataFrame,
    entities: pl.DataFrame,
    same_below: int | None = None,
) -> dict:
    """The run's counts: records, entities, blocking's, decisions (non-matches under the floor counted in), the
    review queue's and the entities' sizes. ``same_below``: ``_same_entity_below``, when counted already."""
    decisions = dict(pair_table.group_by("decision").len().iter_rows())
    if below.pairs:  # non-matches counted, not kept
        decisions["non_match"] = decisions.get("non_match", 0) + below.pairs
    # entities per size from the records' entity sizes (a size-s entity has s records): no group-by on the ids' text
    # (counted in numpy by size: a value count hashed every record's, 0.010 -> 0.003 s at 1M people)
    per_record = records["entity_size"]
    records_of = np.bincount(per_record.to_numpy())
    sizes = {int(size): int(records_of[size]) // int(size) for size in np.flatnonzero(records_of)}
    if same_below is None:
        same_below = (
            _same_entity_below(clusters, pairs, below) if spilled is None else spilled.same_entity_below(clusters)
        )
    return {
        "records": work.height,
        "entities": int(entities.height),
        "records_merged": int(work.height - entities.height),
        "candidate_pairs": blocking.candidate_pairs,
        "pairs_per_rule": blocking.pairs_per_rule,
        "new_pairs_per_rule": blocking.new_pairs_per_rule,
        "capped_blocks": blocking.capped_blocks.height,
        "largest_block_per_rule": blocking.largest_block,
        "decisions": decisions,
        "pairs_below_floor": below.stats(spec, same_below),
        "shards": spilled.count if spilled is not None else 1,
        "review_pairs": review.height,
        "review_items": items,  # the pairs grouped by the two entities they join (review_items)
        "entity_size_max": int(per_record.max() or 0),
        "entity_size_counts": sizes,
    }


def _model_stats(model: Model) -> dict:
    """The fitted model's prior and EM's figures for the run's stats."""
    return {
        "prior": model.prior,
        "prior_estimate": model.prior_estimate,  # capture-recapture or EM, both priors (model.true_pairs_estimate)
        "em_iterations": model.em_iterations,
        "em_converged": model.converged,
        "em_per_rule": model.em_per_rule,
        "m_source": model.m_source,
    }


def _candidates_kept(
    keep_candidates: bool | Path, pairs: pl.DataFrame | None, spilled: ShardedPairs | None, lap: StepTimer
) -> pl.DataFrame | None:
    """Every candidate pair's l, r, rules when asked to keep them; written to a folder instead when given one."""
    if isinstance(keep_candidates, Path):
        if spilled is None:
            keep_candidates.mkdir(parents=True, exist_ok=True)
            pairs.select("l", "r", "rules").write_parquet(keep_candidates / "candidates-00.parquet")
        else:
            spilled.write_candidates(keep_candidates)
        lap("candidates")  # (timed apart: not the engine's work)
        return None
    if keep_candidates:
        return pairs.select("l", "r", "rules") if spilled is None else spilled.all_pairs()
    return None


def _evidence_from_labels(spec: MatchSpec) -> pl.Expr:
    """'name=exact; date_of_birth=day_month_swapped; ...' from a pair table's level columns."""
    return pl.concat_str(
        [
            pl.concat_str(pl.lit(f"{c.name}="), pl.col(f"{c.name}_level").cast(pl.String).fill_null("missing"))
            for c in spec.comparisons
        ],
        separator="; ",
    )


def _review_items_line(stats: dict, among: str = "") -> list[str]:
    """The summary's line on the review queue as a reviewer gets it: its pairs (review and refused, less those a
    reviewer judged) in questions, one per pair of entities they join, one per pair inside an entity
    (``review_items``). Its own line: inside the decisions' line it read as a contradiction ('review 0 (queued 1
    pairs ...)': the queued pair was the guard's refused one) and added numbers to a line whose decisions add up.
    ``among``: which records the counted pairs join when not all (an increment's: its re-clustered ones)."""
    if "review_items" not in stats:
        return []
    pairs, items = stats["review_pairs"], stats["review_items"]
    head = f"queued for review{among}:"
    if not pairs:
        return [f"{head} none"]
    return [
        f"{head} {pairs:,} pair{'s' if pairs != 1 else ''} (review and refused) in {items:,} "
        f"item{'s' if items != 1 else ''} (the pairs joining the same two entities are one item; a pair inside one "
        "entity is an item of its own)"
    ]


def _added_pairs(stats: dict) -> str:
    """The summary's note on pairs decided beyond blocking's candidates (the pair table's ``cluster_check`` rows: pairs
    the chaining guard scored within a cluster, pairs reviewers named that no rule proposed), so its decision counts
    add up."""
    added = sum(stats["decisions"].values()) - stats["candidate_pairs"]
    return f" (+{added:,} scored by the chaining guard or named by reviewers)" if added > 0 else ""


def _blocked_by(rules: pl.Series, spec: MatchSpec, also: pl.Series | None = None) -> pl.Series:
    """Rule names per pair, worked out once per distinct set of rules (there are few). ``also``: further sets of rules
    whose names are among the Enum's categories (those of candidate pairs left out of the pair table, so its type is
    that of a table of every pair)."""
    distinct = pl.DataFrame({"rules": rules.unique() if also is None else pl.concat([rules, also]).unique()})
    named = distinct.select(
        "rules",
        pl.when(pl.col("rules") == 0)
        .then(pl.lit("cluster_check"))
        .otherwise(rule_names(pl.col("rules"), spec))
        .alias("name"),
    )
    names = sorted(set(named["name"].to_list()))
    return rules.replace_strict(named["rules"], named["name"], return_dtype=pl.Enum(names)).alias("blocked_by")


def _pair_ids_and_levels(pairs: pl.DataFrame, ids: pl.Series, spec: MatchSpec) -> pl.DataFrame:
    """The pair table's record ids and level labels of pairs (``l``, ``r`` and a level column per comparison)."""
    labels = level_labels(spec)
    return pairs.select(
        ids.gather(pairs["l"]).alias("left_id"),
        ids.gather(pairs["r"]).alias("right_id"),
        *[
            _labelled(c.name, labels[c.name], pl.Enum(labels[c.name])).alias(f"{c.name}_level")
            for c in spec.comparisons
        ],
    )


def _decision_reason(scored: pl.DataFrame) -> pl.Series:
    """Per decided pair: its reason, else its veto, else REVIEWED_SAME for a pair a reviewer judged the same. The
    reasons and the reviewed pairs are few: scattered into the veto column (a coalesce over every pair's strings
    cost 0.35 CPU s at 5.6M pairs)."""
    reason = scored["reason"]
    rows = reason.is_not_null().arg_true()
    out = scored["veto"].scatter(rows, reason.gather(rows)) if len(rows) else scored["veto"]
    forced = (out.is_null() & scored["_reviewed_same"]).arg_true()
    if len(forced):
        out = out.scatter(forced, pl.repeat(REVIEWED_SAME, len(forced), dtype=pl.String, eager=True))
    return out.alias("decision_reason")


def _pair_table(
    scored: pl.DataFrame,
    ids: pl.Series,
    spec: MatchSpec,
    head: pl.DataFrame | None = None,
    rule_sets: pl.Series | None = None,
) -> pl.DataFrame:
    """Every scored pair with record ids, levels, weights, decision and evidence. ``head``: the
    ``_pair_ids_and_levels`` of the first rows of ``scored``, worked out already (the candidate pairs', while the
    model was fitted); those of the rows after them are added here. ``rule_sets``: the distinct ``rules`` of
    candidate pairs not in ``scored`` (left under the pair floor), named among ``blocked_by``'s categories."""
    if head is None:
        head = _pair_ids_and_levels(scored.head(0), ids, spec)
    if head.height < scored.height:
        head = pl.concat([head, _pair_ids_and_levels(scored.slice(head.height), ids, spec)])
    return head.hstack(
        scored.select(
            _blocked_by(scored["rules"], spec, rule_sets),
            *[pl.col(f"w_{c.name}").cast(pl.Float32).alias(f"{c.name}_weight") for c in spec.scored_comparisons],
            "match_weight",
            "match_probability",
            pl.col("decision").cast(pl.Enum(DECISIONS)),
            _decision_reason(scored),
            pl.col("_same").alias("same_entity"),
        )
    ).select(
        "left_id",
        "right_id",
        "blocked_by",
        *[f"{c.name}_level" for c in spec.comparisons],
        *[f"{c.name}_weight" for c in spec.scored_comparisons],
        "match_weight",
        "match_probability",
        "decision",
        "decision_reason",
        "same_entity",
    )


def _lineage(
    scored: pl.DataFrame,
    work: pl.DataFrame,
    ids: pl.Series,
    entity_ids: pl.Series,
    spec: MatchSpec,
    clusters: pl.Series | None = None,
) -> pl.DataFrame:
    """One row per record: its entity and the strongest accepted link that put it there. ``clusters``: the records'
    cluster numbers (one cluster, one entity), when known: entity sizes are counted on them, not on the ids' text."""
    return _named_lineage(_record_links(scored, work, ids, spec, clusters), entity_ids)


def _named_lineage(links: pl.DataFrame, entity_ids: pl.Series) -> pl.DataFrame:
    """``_record_links`` with each record's entity id (and its entity's size counted on the ids, when not there)."""
    links = links.with_columns(entity_ids.alias("entity_id"))
    if "entity_size" not in links.columns:
        links = links.with_columns(pl.len().over("entity_id").cast(pl.UInt32).alias("entity_size"))
    return links.select("record_id", "entity_id", "entity_size", "linked_to", "link_probability", "link_evidence")


def _record_links(
    scored: pl.DataFrame, work: pl.DataFrame, ids: pl.Series, spec: MatchSpec, clusters: pl.Series | None = None
) -> pl.DataFrame:
    """``_lineage`` before the entities are named (it needs the decided pairs and clusters only): per record its id, the
    strongest accepted link that put it in its entity (linked_to, link_probability, link_evidence) and, with
    ``clusters``, its entity's size (entity_size)."""
    kept = ["l", "r", "match_probability", *(c.name for c in spec.comparisons)]  # (not every column filtered)
    accepted = scored.lazy().filter(pl.col("_same") & (pl.col("decision") == "link")).select(kept).collect()
    # (the evidence worked out once per link, for both its records): each link's pattern number, its text gathered
    # once the records' links are placed (text sorted and scattered cost 0.02 CPU s more at 1M people)
    evidence, patterns = _evidence_patterns(accepted, spec)
    accepted = accepted.select("l", "r", "match_probability", evidence)
    both = (
        pl.concat(
            [
                accepted.select(pl.col("l").alias("row"), pl.col("r").alias("other"), "match_probability", "evidence"),
                accepted.select(pl.col("r").alias("row"), pl.col("l").alias("other"), "match_probability", "evidence"),
            ]
        )
        .sort(["row", "match_probability", "other"], descending=[False, True, False])
        .unique("row", keep="first", maintain_order=True)
    )
    rows = work[ROW]
    if rows.len() and rows[0] == 0 and rows[-1] == rows.len() - 1 and bool((rows.diff().drop_nulls() == 1).all()):
        # rows numbered by position (as prepare numbers them): each record's link set at its place, the linked
        # record's id gathered (joins would hash every record's row)
        at = both["row"]
        placed = {
            c: pl.repeat(None, rows.len(), dtype=both.schema[c], eager=True).scatter(at, both[c])
            for c in ("other", "match_probability", "evidence")
        }
        lineage = pl.DataFrame({"record_id": ids, **placed, "linked_to": ids.gather(placed["other"])})
    else:
        lineage = (
            pl.DataFrame({"row": rows, "record_id": ids})
            .join(both, on="row", how="left", maintain_order="left")
            .join(pl.DataFrame({"other": rows, "linked_to": ids}), on="other", how="left", maintain_order="left")
        )
    if patterns is not None:  # (a record without a link: no pattern, no text)
        lineage = lineage.with_columns(patterns.gather(lineage["evidence"]).alias("evidence"))
    size = []
    if clusters is not None:
        per_cluster = np.bincount(clusters.to_numpy())
        size = [pl.Series("entity_size", per_cluster[clusters.to_numpy()], dtype=pl.UInt32)]
    return lineage.select(
        "record_id",
        *size,
        "linked_to",
        pl.col("match_probability").alias("link_probability"),
        pl.col("evidence").alias("link_evidence"),
    )


def _evidence_per_pattern(scored: pl.DataFrame, spec: MatchSpec) -> pl.Series:
    """``_evidence`` of scored pairs, written once per distinct pattern of their levels and gathered (at 1M people
    181k links hold a few hundred patterns: the text written per link cost 0.06 CPU s)."""
    evidence, patterns = _evidence_patterns(scored, spec)
    return evidence if patterns is None else patterns.gather(evidence).alias("evidence")


def _evidence_patterns(scored: pl.DataFrame, spec: MatchSpec) -> tuple[pl.Series, pl.Series | None]:
    """``_evidence_per_pattern`` before its gather: per pair, the number of its pattern of levels (UInt32) and the
    patterns' text (``patterns.gather(numbers)`` is the evidence); when the levels cannot be keyed so (more than 8
    comparisons, levels not Int8, no pair), the evidence text itself and None."""
    names = [c.name for c in spec.comparisons]
    if len(names) > 8 or not scored.height or any(scored.schema[n] != pl.Int8 for n in names):
        return scored.select(_evidence(spec).alias("evidence"))["evidence"], None
    # each level (Int8, null: -1) in a byte, the first comparison's highest: the bytes of a little-endian word
    # written in place (shifted and or-ed per comparison in 64-bit words cost four times as much)
    levels = np.zeros((scored.height, 8), dtype=np.uint8)
    for i, name in enumerate(names):
        levels[:, len(names) - 1 - i] = scored[name].fill_null(-1).to_numpy().view(np.uint8)
    key = levels.view("<u8").reshape(-1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    text = scored.select(pl.col(names).gather(pl.Series(first))).select(_evidence(spec).alias("evidence"))["evidence"]
    return pl.Series("evidence", inverse.reshape(-1).astype(np.uint32)), text


def _queued(pairs: pl.DataFrame) -> pl.Series:
    """Per pair of the pair table, whether it is queued for review: uncertain or guard-refused, and not a pair a
    reviewer judged different (decided, as a pair judged the same is: linked)."""
    queued = pl.col("decision").is_in(["review", "refused"])
    decided = pl.col("decision_reason").cast(pl.String).eq(REVIEWED_DIFFERENT).fill_null(False)
    return pairs.select((queued & ~decided).alias("q"))["q"]


def review_items(clusters: pl.Series, rows: pl.DataFrame) -> int:
    """The questions a reviewer of entities is asked about the queued pairs ``rows`` (l, r: row numbers; ``clusters``:
    each row's cluster): ``items_between`` the pairs' clusters. pipelines.review.queues groups the match_pair items
    so."""
    if not rows.height:
        return 0
    return items_between(clusters.gather(rows["l"]), clusters.gather(rows["r"]))


def items_between(left: pl.Series, right: pl.Series) -> int:
    """How many questions queued pairs make whose ends (``left``, ``right``: each pair's two clusters or entity ids)
    are given (``review_question``): one per pair of clusters the pairs join (several pairs between the same two
    prospective entities are one question: are they one person?), and one per pair inside one cluster (a cluster may
    hold two people: each such pair is its own question) or with an end not known."""
    ends = pl.DataFrame({"a": left, "b": right}).with_row_index("_pair")
    return ends.select(review_question(pl.col("a"), pl.col("b"), pl.col("_pair")).n_unique()).item()


def review_question(left: pl.Expr, right: pl.Expr, own: pl.Expr) -> pl.Expr:
    """The review question (item) a queued pair belongs to, given its two ends (``left``, ``right``: clusters or entity
    ids), as a struct equal for the pairs of one question: pairs joining the same two different ends are one question
    (``between``: the smaller and the larger end); a pair inside one end, or with an end not known (null), is a
    question of its own (``own``: a value unique to the pair). The one grouping rule: ``items_between`` counts by it,
    ``pipelines.review.queues.entity_pair_items`` makes the match_pair items by it."""
    between = left.is_not_null() & right.is_not_null() & (left != right)
    return pl.struct(
        pl.when(between).then(pl.min_horizontal(left, right)).alias("between_smaller"),
        pl.when(between).then(pl.max_horizontal(left, right)).alias("between_larger"),
        pl.when(~between).then(own).alias("own"),
    )


def _review_queue(
    pairs: pl.DataFrame, work: pl.DataFrame, spec: MatchSpec, rows: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Uncertain and guard-refused pairs, strongest first, with both records' shown fields. A pair a reviewer judged
    different (refused as REVIEWED_DIFFERENT) is decided, as a pair judged the same is (linked): not queued again.
    ``rows``: the pairs' records as row numbers of ``work`` (l, r; the ids are those rows'), when known: the shown
    fields are gathered by them (else found by id)."""
    wanted = _queued(pairs)
    queue = pairs.filter(wanted)
    queue = queue.select(
        "left_id",
        "right_id",
        "match_probability",
        "match_weight",
        pl.col("decision").cast(pl.String),
        "decision_reason",
        _evidence_from_labels(spec).alias("evidence"),
        "same_entity",
    )
    if spec.show_columns:
        # a date read from text is shown as read and as written (<column>_raw); one known to the year or month
        # only (kept as its first day) with its precision (<column>_precision), so 1993 does not read 1993-01-01
        show = [
            (c, name)
            for col in spec.show_columns
            for c, name in ((col, col), (precision_column(col), f"{col}_precision"), (raw_column(col), f"{col}_raw"))
            if c in work.columns
        ]
        if rows is not None:  # each side's fields gathered by its row (no id of every record hashed and joined)
            at = rows.filter(wanted)
            fields = work.select(pl.col(c).alias(name) for c, name in show)
            return queue.hstack(
                [
                    *fields.select(pl.all().gather(at["l"]).name.prefix("left_")),
                    *fields.select(pl.all().gather(at["r"]).name.prefix("right_")),
                ]
            ).sort(["match_probability", "left_id", "right_id"], descending=[True, False, False])
        # the records of the queued pairs only (a few percent): the joins below hash these, not every record's id
        queued_ids = pl.concat([queue["left_id"], queue["right_id"]]).unique()
        shown = work.filter(pl.col(spec.id_column).is_in(queued_ids.implode())).select(
            pl.col(spec.id_column).alias("_id"), *(pl.col(c).alias(name) for c, name in show)
        )
        names = [name for _, name in show]
        queue = queue.join(
            shown.rename({c: f"left_{c}" for c in names}),
            left_on="left_id",
            right_on="_id",
            how="left",
            maintain_order="left",
        ).join(
            shown.rename({c: f"right_{c}" for c in names}),
            left_on="right_id",
            right_on="_id",
            how="left",
            maintain_order="left",
        )
    return queue.sort(["match_probability", "left_id", "right_id"], descending=[True, False, False])
