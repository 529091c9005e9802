"""Learning from reviewers: which pairs to ask about first, and what the answers say about the thresholds.

Officials' decisions on ``match_pair`` items (``review.match_labels``) are labels: ``same`` (match) or
not (no_match). The engine already links a "same" pair whatever its score, never links a "different"
pair, and fits m by semi-supervised EM (``match(labelled_pairs=, cannot_link_pairs=)``; ``model.label_posteriors``:
a labelled candidate pair's posterior is its label in every E step, the pair counted once among all candidates). Verdicts given
since a saved run take effect in an increment too (``match_increment(..., labelled_pairs=,
cannot_link_pairs=)``: linked / never linked as a full run with every verdict, m stays frozen). An increment
does not refit m: refitting changes every pair's weight, so it would re-score and re-cluster every record (a
full re-match); it counts the verdicts ("same" or "different": EM reads both) given since the model was fitted
(``MatchState.verdicts_since_fit``)
and, from ``REFIT_AFTER`` of them (``refit_advised``), says a full run without ``--model`` refits m (optional: at
1M such a refit changed no link figure by more than 0.0001). This module
adds the two other uses:

* **informativeness** (``rank_informative``): which open pair teaches most. A pair is worth asking
  about when the model is unsure of it (binary entropy of its match probability: 1 bit at 0.5, 0.08 at
  0.99) and when many other pairs share its comparison vector (its ``evidence`` pattern, e.g.
  ``name=exact; date_of_birth=year_only; ...``): the answer then tells about all of them. The weight
  of the pattern is log2(1 + pairs sharing it / (1 + pairs of it already labelled + pairs of it ranked
  before this one)), so the first pair of a large unlabelled pattern comes first and a second pair of
  the same pattern counts less (a batch covers many patterns instead of one).

* **thresholds** (``refine_thresholds``): from the labelled pairs and their current match probability,
  pooled per 1-bit band of match weight (``band_rates``: a band's share of "same" answers, shrunk to the
  model's probability by one pseudo-label). Selection by comparison vector leaves P(match | vector)
  unbiased, not P(match | weight): the labels of a band are the vectors chosen as most informative, not a
  fair share of the band's. Given the open pairs' vectors (``evidence``), the links' precision is
  estimated per (band, vector): a vector's labels stand for its own open pairs, a vector nobody labelled
  keeps the model's probability (at 1M with m kept, 1,000 labels pooled per band raised the link threshold
  to 0.9993 and recall fell to 0.91; per vector, 0.9643 and 0.97).
  - ``link_threshold``: the lowest one at which the links' estimated precision (the rates over the
    open pairs at or above it, refused links left out) is >= the target. It is *raised* only with at least ``min_labels``
    labels at or above the current one and an estimate below the target by more than ``raise_z`` (1.645) standard
    errors of the labels' own error (a labelled (band, vector) cell's rate is a Beta posterior: one answer in a
    vector stands for all its open pairs and says little about them; at 1M with m kept, 9 "different" of 82
    labels above 0.95 put the estimate at 0.9946 and raised the threshold to 0.964, recall 0.9716 -> 0.9698);
    *lowered* only with ``min_labels`` labels between the new and
    the current threshold that are themselves "same" in a share >= the target, and never below the
    lowest label. Without such evidence it stays where it is.
  - ``review_threshold``: the ``min_labels`` lowest-probability labelled pairs below the link threshold
    are the bottom band of the queue. If at least ``queue_rate`` of them are "same", true pairs are
    still found at the bottom, so the queue is extended downwards until it holds ``review_fill`` of the
    review budget (``review_share`` of the records; labelled pairs are decided and do not count). If
    none of them is "same", the threshold is raised to the top of that band (at most to the lowest
    "same" answer), never lowered. A queue over the budget is cut back in any case, to the budget itself
    (not to ``review_fill`` of it: cutting below the budget takes true pairs out of the queue for nothing).
    Refused links (``decision`` 'refused') are queued whatever the thresholds and take their part of it.

Why "different" answers do not refine u, and why m is learned by semi-supervised EM: the labelled pairs are
chosen by their comparison vector (the most uncertain ones first), so they are not a sample of non-matches (nor
the "same" ones of matches): a few hundred look-alike non-matches would raise u of the agreeing levels that the
million random pairs behind u estimate without bias. What selection on the comparison vector leaves unbiased is
P(match | vector), so a label says something about its own pair, not about a level's share among matches: in EM
(``model.label_posteriors``) a labelled candidate pair's posterior is its label instead of the model's guess, and
it counts once among the millions of candidate pairs EM reads. Before, "same" pairs were added to EM's m as a
separate sample of matches, EM weighing 20 pseudo-pairs: at 1M (benchmarks/active_learning_benchmark.py,
informative first, 50 / 200 / 1,000 labels) precision 0.9956 / 0.9949 / 0.9940 and linked-or-queued 0.9945 /
0.9947 / 0.9956, against 0.9950 / 0.9951 / 0.9966 and 0.9951 at each step with m not learned from labels.
With the semi-supervised EM ("same" and "different" verdicts both fixed posteriors: 67e4771) and the link threshold
raised only beyond the labels' error (``Targets.raise_z``), every target holds at each step (same benchmark at
7e75c87, 6:48 wall, 270 user + 146 sys CPU s, 11.4 GB, load 2.2-3.8): precision / recall / linked-or-queued /
review 0.9950 / 0.9715 / 0.9951 / 1.90 % at 50 labels, 0.9951 / 0.9716 / 0.9951 / 1.89 % at 200, 0.9952 / 0.9732 /
0.9951 / 1.83 % at 1,000 (with "same" verdicts alone in EM, c6f5d40: the same but recall 0.9733 at 1,000); with EM
reading no label, the same to the fourth decimal at every step (one more open pair at 1,000): a thousand labels
among the candidate pairs move m by their share, as they should, and the gain comes from the labelled pairs
themselves and the thresholds.

Verdicts on records the matched table does not hold are left out by the engine (``match``): a record
may have left its source since it was reviewed. ``verdict_coverage`` counts them (and pairs of a record
with itself, also left out), so a caller can say how many verdicts were not used without naming any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.match.spec import MatchSpec

REFIT_AFTER = 20  # verdicts ("same" or "different") since the model was fitted from which an increment advises a
# refit (min_labels)


def refit_advised(verdicts_since_fit: int, after: int = REFIT_AFTER) -> bool:
    """Whether the verdicts ("same" or "different") given since a frozen model was fitted are worth a refit: an
    increment keeps m frozen (its result is a full re-match with the frozen model), while a full run without ``--model`` fits m by
    semi-supervised EM with every verdict on a candidate pair (``model.label_posteriors``: its posterior is its
    label, the pair counted once among all candidate pairs, so a verdict moves m by its own pair's share). From
    ``after`` of them on, the increment says so (summary, log) instead of refitting: a refit changes every pair's
    weight, so it is a full re-match. The advice is optional: the verdicts already link or veto in the increment,
    and a refit moves m only by their share of the candidate pairs. At 1M (benchmarks/refit_benchmark.py, code of
    4e77ae0; verdicts from the review queue answered from truth) a refit against the frozen model: 200 "same" + 200
    "different" taken strongest first, precision / recall / linked-or-queued 0.9951 / 0.9722 / 0.9951 both, 3 of
    5.6M pairs decided otherwise; in random order 0.9950 / 0.9728 / 0.9951 both, none; 2,000 + 2,000 strongest
    first, 0.9957 / 0.9800 frozen, 0.9958 / 0.9799 refitted, 102 pairs. (With "same" verdicts blended into m as
    extra matches, before c6f5d40, the 200 + 200 refit cost precision: 0.9943 -> 0.9922.)"""
    return verdicts_since_fit >= after


def verdict_coverage(ids: pl.Series, *verdicts: pl.DataFrame | None) -> dict[str, int]:
    """Verdict pairs (``left_id``, ``right_id``) against the record ids a table holds: ``pairs`` given,
    ``unknown_records`` naming an id the table does not hold (or none), ``same_record`` pairing a record with
    itself, and ``usable`` the rest. The engine leaves the unknown and same-record pairs out; ids compare as
    text, as the engine compares them."""
    given = [v for v in verdicts if v is not None and v.height]
    if not given:
        return {"pairs": 0, "unknown_records": 0, "same_record": 0, "usable": 0}
    pairs = pl.concat([v.select(pl.col("left_id", "right_id").cast(pl.String)) for v in given])
    known = ids.cast(pl.String).unique().implode()
    unknown = ~(pl.col("left_id").is_in(known).fill_null(False) & pl.col("right_id").is_in(known).fill_null(False))
    counts = pairs.select(
        unknown.sum().alias("unknown_records"),
        (~unknown & (pl.col("left_id") == pl.col("right_id"))).sum().alias("same_record"),
    ).row(0, named=True)
    out = {"pairs": pairs.height, **{k: int(v) for k, v in counts.items()}}
    out["usable"] = out["pairs"] - out["unknown_records"] - out["same_record"]
    return out


_VERDICT_SCHEMA = {"left_id": pl.String, "right_id": pl.String, "same": pl.Boolean}


def merged_verdicts(*frames: pl.DataFrame | None) -> pl.DataFrame:
    """Verdict pairs (``left_id``, ``right_id``, ``same``) together, once each, in order: a pair judged both ways is
    "different" (as the engine reads it)."""
    kept = [f.select(list(_VERDICT_SCHEMA)) for f in frames if f is not None]
    if not kept:
        return pl.DataFrame(schema=_VERDICT_SCHEMA)
    return pl.concat(kept).group_by("left_id", "right_id", maintain_order=True).agg(pl.col("same").all())


def usable_verdicts(ids: pl.Series, same: pl.DataFrame | None, different: pl.DataFrame | None) -> pl.DataFrame:
    """The verdicts a table holding record ``ids`` can use: ``left_id``, ``right_id`` (in text order), ``same``;
    a pair once, a pair judged both ways "different" (as the engine reads it); a pair naming an id the table does
    not hold, or a record with itself, left out (``verdict_coverage`` counts those)."""
    parts = [
        v.select(pl.col("left_id", "right_id").cast(pl.String), pl.lit(flag).alias("same"))
        for v, flag in ((same, True), (different, False))
        if v is not None and v.height
    ]
    if not parts:
        return pl.DataFrame(schema=_VERDICT_SCHEMA)
    known = ids.cast(pl.String).unique().implode()
    held = pl.col("left_id").is_in(known).fill_null(False) & pl.col("right_id").is_in(known).fill_null(False)
    return merged_verdicts(
        pl.concat(parts)
        .filter(held & (pl.col("left_id") != pl.col("right_id")))
        .select(
            pl.min_horizontal("left_id", "right_id").alias("left_id"),
            pl.max_horizontal("left_id", "right_id").alias("right_id"),
            "same",
        )
    )


@dataclass(frozen=True)
class VerdictsSinceFit:
    """The verdicts a frozen m has not learned from, after a run that applied ``given`` ones."""

    count: int  # since the model was fitted (MatchState.verdicts_since_fit)
    given: dict[str, int]  # those the run added, by verdict ("same", "different")
    seen: pl.DataFrame  # every verdict usable since the fit (MatchState.verdicts_seen)


def verdicts_since_fit(count_before: int, seen_before: pl.DataFrame, usable: pl.DataFrame) -> VerdictsSinceFit:
    """A frozen model's verdict count after a run given the ``usable`` verdicts (``usable_verdicts``): each pair
    usable now that was not usable since the fit (``seen_before``: the saved state's ``verdicts_seen`` with the
    verdicts its own records could use), or turns from "same" to "different", counts once; a verdict repeated
    counts none. An increment counts so; a full run with a frozen model (``--model``) too."""
    counted = (
        usable.join(seen_before, on=["left_id", "right_id"], how="left", suffix="_before")
        .filter(pl.col("same_before").is_null() | (pl.col("same") != pl.col("same_before")))
        .select("same")
    )
    same = int(counted["same"].sum()) if counted.height else 0
    given = {"same": same, "different": counted.height - same}
    return VerdictsSinceFit(count_before + counted.height, given, merged_verdicts(seen_before, usable))


def frozen_model_note(count: int, given: dict[str, int], run: str) -> str:
    """The summary line of a run scored by a frozen model (``run``: "this increment", "this run") that verdicts
    since its fit have not refined."""
    return (
        f"model: m frozen (not refitted); {count:,} verdicts since it was fitted ({run}: "
        f"{given.get('same', 0):,} 'same', {given.get('different', 0):,} 'different') are applied (linked or vetoed) "
        "but have not refined m"
        + (
            ": a full run without --model refits m from them (optional: the verdicts already link or veto here; a "
            "refit moves m only by their share of the candidate pairs)"
            if refit_advised(count)
            else ""
        )
    )


@dataclass(frozen=True)
class Targets:
    precision: float = 0.995  # of links
    review_share: float = 0.02  # open review pairs per record, at most
    min_labels: int = 20  # labels needed before a threshold moves
    queue_rate: float = 0.02  # share of "same" answers at the bottom of the queue that extends it
    review_fill: float = 0.8  # extend the queue to this share of the review budget (room for new pairs); a cut
    # of a queue over the budget goes to the budget itself
    raise_z: float = 1.645  # the link threshold rises only when the links' estimated precision is this many standard
    # errors below the target (one-sided 95 %): labels that leave it within noise of the target move nothing


@dataclass
class ThresholdChoice:
    link_threshold: float
    review_threshold: float
    reasons: list[str] = field(default_factory=list)

    def apply(self, spec: MatchSpec) -> MatchSpec:
        from dataclasses import replace

        return replace(spec, link_threshold=self.link_threshold, review_threshold=self.review_threshold)


def pattern(spec: MatchSpec) -> pl.Expr:
    """A pair table's comparison vector as text ('name=exact; date_of_birth=year_only; ...'), as the
    review queue's ``evidence`` shows it."""
    return pl.concat_str(
        [
            pl.concat_str(pl.lit(f"{c.name}="), pl.col(f"{c.name}_level").cast(pl.String).fill_null("missing"))
            for c in spec.comparisons
        ],
        separator="; ",
    ).alias("evidence")


BAND_BITS = 1.0  # labels are pooled per band of match weight this wide (log2 odds)
PRIOR_LABELS = 1.0  # a band's estimate counts the model's own probability as this many labels


def _band(p: pl.Expr) -> pl.Expr:
    q = p.clip(1e-15, 1 - 1e-15)
    return ((q / (1 - q)).log(2) / BAND_BITS).floor().cast(pl.Int32).alias("band")


def band_rates(
    labelled: pl.DataFrame, open_probabilities: pl.Series | pl.DataFrame, by: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Per band of match weight (``BAND_BITS`` wide): open pairs, labels, "same" answers, the model's mean
    probability and ``rate``, the estimated share of same-entity pairs: (same + PRIOR_LABELS x the model's
    mean) / (labels + PRIOR_LABELS). Labels are chosen by their comparison vector, which leaves the share of
    matches at a given comparison vector unbiased: a band's labels estimate its open pairs when the labelled
    vectors are a fair share of the band's.

    by: columns of both tables (e.g. ``evidence``, the comparison vector) that split a band further: then a cell
    (band, vector) with labels is estimated from them, one without from the model alone (open_probabilities a
    frame with ``p`` and those columns)."""
    keys = ["band", *by]
    opened_frame = (
        open_probabilities.cast(pl.Float64).to_frame("p")
        if isinstance(open_probabilities, pl.Series)
        else open_probabilities.with_columns(pl.col("p").cast(pl.Float64))
    )
    opened = opened_frame.group_by(_band(pl.col("p")), *by).agg(
        pl.len().alias("pairs"), pl.col("p").mean().alias("model")
    )
    labels = labelled.group_by(_band(pl.col("p")), *by).agg(
        pl.len().alias("labels"), pl.col("same").cast(pl.Int64).sum().alias("same"), pl.col("p").mean().alias("_lp")
    )
    return (
        opened.join(labels, on=keys, how="full", coalesce=True)
        .with_columns(
            pl.col("pairs", "labels", "same").fill_null(0),
            pl.coalesce("model", "_lp").alias("model"),
        )
        .with_columns(
            ((pl.col("same") + PRIOR_LABELS * pl.col("model")) / (pl.col("labels") + PRIOR_LABELS)).alias("rate")
        )
        .drop("_lp")
        .sort(keys)
    )


def entropy_bits(p: pl.Expr) -> pl.Expr:
    """Binary entropy of a probability in bits: 1 at 0.5, 0 at 0 and 1."""
    q = p.clip(1e-12, 1 - 1e-12)
    return -(q * q.log(2) + (1 - q) * (1 - q).log(2))


def rank_informative(
    pool: pl.DataFrame,
    *,
    evidence: str = "evidence",
    population: pl.Series | None = None,
    labelled: pl.Series | None = None,
    tie: list[str] | None = None,
    calibration: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``pool`` (pairs with ``match_probability`` and an ``evidence`` pattern) most informative first, with
    ``informativeness`` (bits) and ``informative_why`` (why it comes where it does).

    population: the evidence pattern of every pair the answers teach about (e.g. all scored pairs);
    default: the pool's own. labelled: patterns of pairs already labelled. tie: columns that break ties
    (default: none beyond the pattern), so an order is reproducible.

    calibration: ``band_rates`` of the labels so far. Without it a pair's uncertainty is the entropy of
    the model's probability; with it, the entropy of its band's estimated rate, raised towards 1 bit in
    bands with few labels (h + (1 - h) / (1 + labels in the band)): a band nobody has looked at yet is
    worth exploring even where the model is sure (the model is often over-confident near its link
    threshold)."""
    pop = (population if population is not None else pool[evidence]).rename("_pattern")
    tie = tie or []
    ranked = _information_per_pair(_with_uncertainty(pool, calibration), evidence, pop, labelled, tie)
    return (
        ranked.with_columns(_informative_why().alias("informative_why"))
        .sort(["informativeness", *tie], descending=[True, *[False] * len(tie)], maintain_order=True)
        .drop("_pattern", "_h", "_rate", "_band_labels", "_pattern_pairs", "_labelled", "_before")
    )


def _with_uncertainty(pool: pl.DataFrame, calibration: pl.DataFrame | None) -> pl.DataFrame:
    """``pool`` with ``_h`` (a pair's uncertainty in bits), ``_rate`` (the match rate it is read from) and
    ``_band_labels`` (labels in its band; null without ``calibration``): see ``rank_informative``."""
    if calibration is None:  # the model's own probability
        return pool.with_columns(
            entropy_bits(pl.col("match_probability")).alias("_h"),
            pl.col("match_probability").alias("_rate"),
            pl.lit(None, pl.UInt32).alias("_band_labels"),
        )
    # the band's rate, pulled towards 1 bit where its band has few labels (the model is often over-confident)
    bands = calibration.select("band", pl.col("rate").alias("_rate"), pl.col("labels").alias("_band_labels"))
    h = entropy_bits(pl.col("_rate"))
    return (
        pool.with_columns(_band(pl.col("match_probability")))
        .join(bands, on="band", how="left", maintain_order="left")
        .with_columns(pl.col("_rate").fill_null(pl.col("match_probability")), pl.col("_band_labels").fill_null(0))
        .with_columns((h + (1 - h) / (1 + pl.col("_band_labels"))).alias("_h"))
        .drop("band")
    )


def _information_per_pair(
    pool: pl.DataFrame, evidence: str, population: pl.Series, labelled: pl.Series | None, tie: list[str]
) -> pl.DataFrame:
    """``pool`` (with ``_h``) with ``informativeness``: its uncertainty times the log of how many pairs its
    answer teaches about (the pairs sharing its evidence pattern) over the answers that pattern has already
    (labelled pairs, and pairs like it ranked before it: a second answer on a pattern teaches less)."""
    shares = population.to_frame().group_by("_pattern").len("_pattern_pairs")
    seen = (
        labelled.rename("_pattern").to_frame().group_by("_pattern").len("_labelled")
        if labelled is not None and len(labelled)
        else pl.DataFrame(schema={"_pattern": pl.String, "_labelled": pl.UInt32})
    )
    return (
        pool.with_columns(pl.col(evidence).alias("_pattern"))
        .join(shares, on="_pattern", how="left", maintain_order="left")
        .join(seen, on="_pattern", how="left", maintain_order="left")
        .with_columns(
            pl.col("_pattern_pairs").fill_null(1).clip(lower_bound=1),
            pl.col("_labelled").fill_null(0),
        )
        .sort(["_pattern", "_h", *tie], descending=[False, True, *[False] * len(tie)])
        .with_columns(pl.int_range(pl.len()).over("_pattern").alias("_before"))
        .with_columns(
            (
                pl.col("_h") * (1 + pl.col("_pattern_pairs") / (1 + pl.col("_labelled") + pl.col("_before"))).log(2)
            ).alias("informativeness")
        )
    )


def _informative_why() -> pl.Expr:
    """A ranked pair's ``informative_why``: its probability (and band's estimate), how sure that is, how
    many pairs share its evidence and how many of those are labelled or ranked before it."""
    certainty = (
        pl.when(pl.col("_h") >= 0.9)
        .then(pl.lit("uncertain"))
        .when(pl.col("_h") >= 0.5)
        .then(pl.lit("fairly uncertain"))
        .otherwise(pl.lit("fairly sure"))
    )
    return pl.concat_str(
        pl.lit("probability "),
        pl.col("match_probability").round(3).cast(pl.String),
        pl.when(pl.col("_band_labels").is_not_null())
        .then(
            pl.concat_str(
                pl.lit(", estimated "),
                pl.col("_rate").round(3).cast(pl.String),
                pl.lit(" from "),
                pl.col("_band_labels").cast(pl.String),
                pl.lit(" labels of its band"),
            )
        )
        .otherwise(pl.lit("")),
        pl.lit(" ("),
        certainty,
        pl.lit("); "),
        pl.when(pl.col("_pattern_pairs") > 1)
        .then(pl.concat_str(pl.col("_pattern_pairs").cast(pl.String), pl.lit(" pairs share its evidence, ")))
        .otherwise(pl.lit("no other pair has its evidence, ")),
        pl.col("_labelled").cast(pl.String),
        pl.lit(" labelled"),
        pl.when(pl.col("_before") > 0)
        .then(pl.concat_str(pl.lit(", "), pl.col("_before").cast(pl.String), pl.lit(" like it ranked before")))
        .otherwise(pl.lit("")),
    )


def _link(
    lab: pl.DataFrame, open_pairs: pl.DataFrame, current: float, floor: float, targets: Targets
) -> tuple[float, str]:
    """The lowest link threshold whose links have an estimated precision >= the target (rates of ``band_rates``,
    per band and, where both tables carry it, per comparison vector, over the open pairs at or above it that
    are not refused), moved only on evidence: lowering needs min_labels labels between the new and the current
    threshold that are themselves "same" in a share >= the target; raising needs min_labels labels at or above
    the current one."""
    by = ("evidence",) if "evidence" in lab.columns and "evidence" in open_pairs.columns else ()
    linkable = open_pairs.filter(~pl.col("refused")).select("p", *by)
    rates = band_rates(lab, linkable, by).with_columns(
        # a labelled cell's rate is a Beta posterior (same + PRIOR_LABELS x model, labels - same + ...): its variance;
        # a cell nobody labelled is the model's own probability (no label error to add)
        pl.when(pl.col("labels") > 0)
        .then(pl.col("rate") * (1 - pl.col("rate")) / (pl.col("labels") + PRIOR_LABELS + 1))
        .otherwise(0.0)
        .alias("variance")
    )
    keys = ["band", *by]
    n = pl.int_range(1, pl.len() + 1)
    pairs = (
        linkable.with_columns(_band(pl.col("p")))
        .join(rates.select(*keys, "rate", "variance"), on=keys, how="left")
        .sort("p", descending=True)
        # the k-th pair of a cell from the top adds (k^2 - (k-1)^2) x its variance to that of the sum of rates
        .with_columns((2 * pl.int_range(1, pl.len() + 1).over(keys) - 1).alias("_k"))
        .with_columns(
            (pl.col("rate").cum_sum() / n).alias("precision"),
            ((pl.col("_k") * pl.col("variance")).cum_sum().sqrt() / n).alias("sd"),
        )
        .group_by("p")
        .agg(pl.col("precision", "sd").last())  # a threshold takes every pair of its probability
        .sort("p")
    )

    def precision_at(t: float) -> tuple[float, float]:
        above = pairs.filter(pl.col("p") >= t)
        return (float(above["precision"][0]), float(above["sd"][0])) if above.height else (1.0, 0.0)

    now, sd = precision_at(current)
    ok = pairs.filter((pl.col("precision") >= targets.precision) & (pl.col("p") >= floor))
    at_current = lab.filter(pl.col("p") >= current)
    if now < targets.precision:
        higher = ok.filter(pl.col("p") > current)
        if at_current.height < targets.min_labels:
            return current, (
                f"link_threshold kept at {current:.4f}: estimated precision {now:.4f} < {targets.precision}, but only "
                f"{at_current.height} labels at or above it ({targets.min_labels} needed to raise it)"
            )
        if now + targets.raise_z * sd >= targets.precision:
            return current, (
                f"link_threshold kept at {current:.4f}: estimated precision {now:.4f} (standard error {sd:.4f}) < "
                f"{targets.precision}, but within {targets.raise_z:g} standard errors of it: "
                f"{int(at_current['same'].sum())} of {at_current.height} labelled pairs at or above it are the same "
                f"entity, too few to tell (the labels' own error, per band and comparison vector)"
            )
        new = float(higher["p"][0]) if higher.height else float(np.nextafter(1.0, 0.0))
        return new, (
            f"link_threshold raised to {new:.4f}: {int(at_current['same'].sum())} of {at_current.height} labelled "
            f"pairs at or above {current:.4f} are the same entity; estimated precision of the links {now:.4f} "
            f"(standard error {sd:.4f}) -> {precision_at(new)[0]:.4f} (target {targets.precision})"
        )
    lowest_label = float(lab["p"].min())  # never below the evidence
    candidates = ok.filter((pl.col("p") < current) & (pl.col("p") >= lowest_label))["p"].to_numpy()  # ascending
    # labels in [t, current) for every candidate t at once: counts from the labels sorted by probability
    below = lab.filter(pl.col("p") < current).sort("p")
    p_sorted = below["p"].to_numpy()
    same_after = np.concatenate([np.cumsum(below["same"].to_numpy()[::-1])[::-1], [0]])
    start = np.searchsorted(p_sorted, candidates, side="left")
    n, same = len(p_sorted) - start, same_after[start]
    fits = (n >= targets.min_labels) & (same >= targets.precision * np.maximum(n, 1))
    if fits.any():  # the lowest that fits
        k = int(np.argmax(fits))
        t = float(candidates[k])
        return t, (
            f"link_threshold lowered to {t:.4f}: {int(same[k])} of {int(n[k])} labelled pairs "
            f"between it and {current:.4f} are the same entity; estimated precision of the links "
            f"{precision_at(t)[0]:.4f} (target {targets.precision})"
        )
    return current, f"link_threshold kept at {current:.4f}: estimated precision of the links {now:.4f}"


def _open_pairs(open_probabilities: pl.Series | pl.DataFrame) -> pl.DataFrame:
    """p, refused (and evidence when given) of the open pairs."""
    if isinstance(open_probabilities, pl.Series):
        return open_probabilities.cast(pl.Float64).to_frame("p").with_columns(pl.lit(False).alias("refused"))
    refused = (
        (pl.col("decision").cast(pl.String) == "refused").fill_null(False)
        if "decision" in open_probabilities.columns
        else pl.lit(False)
    )
    evidence = ["evidence"] if "evidence" in open_probabilities.columns else []
    return open_probabilities.select(
        pl.col("match_probability").cast(pl.Float64).alias("p"), refused.alias("refused"), *evidence
    )


def refine_thresholds(
    labelled: pl.DataFrame,
    open_probabilities: pl.Series | pl.DataFrame,
    records: int,
    link_threshold: float,
    review_threshold: float,
    targets: Targets = Targets(),
    floor: float = 0.0,
) -> ThresholdChoice:
    """New thresholds from labelled pairs (``match_probability``, ``same``, optionally ``evidence``) under the
    current model.

    open_probabilities: every scored pair that is not labelled (what a threshold decides): their match
    probabilities, or a frame with ``match_probability`` and optionally ``evidence`` (the comparison vector,
    ``pattern``: with it on both tables the links' precision is estimated per vector within a band, so labels
    of a few look-alike vectors do not speak for a whole band) and ``decision`` (a 'refused' pair is queued
    whatever the thresholds: it takes part of the review budget and is no link). records: records matched (the
    review budget is ``targets.review_share`` of them). floor: the open pairs are those at or above it (a pair table
    that keeps pairs from ``pair_floor`` up): a review band extended past every open pair stops at it.
    """
    evidence = [pl.col("evidence")] if "evidence" in labelled.columns else []
    lab = labelled.select(
        pl.col("match_probability").cast(pl.Float64).alias("p"), pl.col("same").cast(pl.Boolean), *evidence
    )
    open_pairs = _open_pairs(open_probabilities)
    reasons: list[str] = []
    link, review = link_threshold, review_threshold
    if lab.height < targets.min_labels:
        reasons.append(f"thresholds kept: {lab.height} labels (at least {targets.min_labels} needed to move one)")
        return ThresholdChoice(link, review, reasons)
    link, why = _link(lab, open_pairs, link, review, targets)
    reasons.append(why)
    review, why = _choose_review(lab, open_pairs, records, link, review, targets, floor)
    reasons.append(why)
    return ThresholdChoice(link, review, reasons)


def _choose_review(
    lab: pl.DataFrame,
    open_pairs: pl.DataFrame,
    records: int,
    link: float,
    review: float,
    targets: Targets,
    floor: float = 0.0,
) -> tuple[float, str]:
    """The review threshold the labels argue for (see the module notes), and why. The queue is the open pairs from
    it up to the link threshold; a queue over the review budget (``review_share`` of the records) is cut back to
    the budget itself (an extension stops at ``review_fill`` of it, leaving room for new pairs)."""
    budget = targets.review_share * records
    anyway = int(open_pairs["refused"].sum())  # refused links: queued whatever the threshold
    p = np.sort(open_pairs.filter(~pl.col("refused"))["p"].to_numpy())[::-1]
    p = p[p < link]  # descending, below the link threshold: the queue from the top down

    def queued(r: float) -> int:
        return int((p >= r).sum()) + anyway

    def fitting(pairs: float) -> float:
        """The threshold that queues at most ``pairs`` open pairs (the refused ones first)."""
        k = int(pairs) - anyway
        if k >= len(p):  # every open pair: from the lowest one, or the floor under which pairs were not kept
            return floor if floor > 0 else float(p[-1]) if len(p) else review
        return float(np.nextafter(p[k], 1.0)) if k >= 0 else link

    given = review
    review = min(review, float(np.nextafter(link, 0.0)))
    findings = [] if review == given else [f"at most just below the link threshold {link:.4g}"]
    band = lab.filter(pl.col("p") < link).sort("p").head(targets.min_labels)
    if band.height < targets.min_labels:
        findings.append(f"fewer than {targets.min_labels} labels below the link threshold")
    else:
        rate = float(band["same"].mean())
        top = float(band["p"].max())
        lowest = f"of the {band.height} lowest labelled pairs (up to probability {top:.4g})"
        if rate >= targets.queue_rate:
            lower = fitting(targets.review_fill * budget)
            if lower < review:
                review = lower
                findings.append(
                    f"{rate:.0%} {lowest} are the same entity: the queue is extended to {targets.review_fill:.0%} of "
                    f"the review budget"
                )
            else:
                findings.append(
                    f"{rate:.0%} {lowest} are the same entity, but the queue already holds "
                    f"{targets.review_fill:.0%} of the review budget or more"
                )
        elif rate == 0.0:
            same = lab.filter(pl.col("same") & (pl.col("p") < link))["p"]
            # up to the top of the band (at most to the lowest "same" answer), never down: a band of labels
            # below the threshold (labelled under an earlier model) says nothing for queuing more
            higher = min(float(same.min()), top) if len(same) else top
            findings.append(f"none {lowest} is the same entity")
            review = max(review, higher)
        else:
            findings.append(f"{rate:.1%} {lowest} are the same entity")
    over = queued(review)
    if over > budget:  # cut back to the budget, not below it
        cut = fitting(budget)
        findings.append(
            f"at {review:.4g} the queue would hold {over:,} open pairs"
            + (f" ({anyway:,} of them refused links)" if anyway else "")
            + f", over the review budget of {budget:,.0f} ({targets.review_share:.0%} of records): cut back to "
            f"{queued(max(review, cut)):,} pairs"
        )
        review = max(review, cut)
    review = min(review, float(np.nextafter(link, 0.0)))
    if not math.isfinite(review):
        review = float(np.nextafter(0.0, 1.0))
    moved = (
        f"raised from {given:.4g} to"
        if review > given
        else f"lowered from {given:.4g} to"
        if review < given
        else "kept at"
    )
    return review, f"review_threshold {moved} {review:.4g} ({queued(review):,} open pairs queued): " + "; ".join(
        findings
    )
