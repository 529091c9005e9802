"""Clusters of linked records, with a guard against chaining.

Linked pairs (probability at or above the link threshold) form connected components,
found by label propagation with pointer jumping over arrays (no per-pair loop).

Transitive closure can chain weak links: A~B and B~C put A and C together even
when A and C are clearly different people (B had no ID, say). A component is
*suspicious* when it has three or more records and is not a clique of links, or is
larger than ``max_cluster_size``. Only those — a small share — are rebuilt by the
guard: every pair inside them is scored, and links are applied strongest first,
refusing any link that would join two groups containing a pair whose evidence speaks
against a match (its comparisons' Bayes factor is below 1: different IDs, sex or
birth date...) or that would exceed the size limit. A pair that is merely weak (a
typo on one side, a dropped middle name on the other) does not block a merge that
stronger links support.
Refused links go to the review queue with the reason.

A link a reviewer forced (judged the same entity: ``_reviewed_same``) is not the
guard's to refuse: forced links are applied first, whatever their evidence or the size
limit, and a forced pair never counts as a conflict. Only another reviewer's verdict
stops one: a forced link that would put together two records a reviewer judged
different is refused with REVIEWERS_DISAGREE, so it is queued for a person to settle.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

L, R = "l", "r"
GUARD_FULL_PAIRS_UP_TO = 200  # components up to this size get every internal pair scored
FORCED = "_reviewed_same"  # a link a reviewer forced (judged the same entity)
REVIEWED_DIFFERENT = "reviewer: different entities"  # the veto of a pair a reviewer judged different
REVIEWERS_DISAGREE = (
    "reviewers disagree: judged the same entity, but this link would put together records a reviewer judged different"
)
# the guard's refusal of a link whose groups hold a pair a reviewer judged different (a new record linking to both sides
# of a 'no_match'): queued saying so, not as the evidence's (its probability may be 0.999)
REVIEWERS_APART = "chaining guard: would put together records a reviewer judged different"


def connected_components(n: int, edges: pl.DataFrame) -> pl.Series:
    """Component label (smallest row number in it) for each of n rows; edges has columns l, r.

    Over the rows the edges touch (numbered densely in row order, so the smallest number is the
    smallest row), each row points to a smaller or equal one, starting at itself: every round, the
    ends of an edge in two trees hook the larger root under the smaller, then every pointer jumps to
    its root. A component's smallest row is never hooked, so it ends as the root of all its rows.
    Rows without an edge are their own component."""
    labels = np.arange(n, dtype=np.uint32)
    if not edges.height:
        return pl.Series("c", labels)
    ends = np.concatenate([edges[L].to_numpy(), edges[R].to_numpy()])
    # the rows touched, numbered densely in row order (np.unique's, by a table of the n rows, not a sort of the ends:
    # 3M random ends of 2M rows 0.256 -> 0.046 CPU s)
    touched = np.zeros(n, dtype=bool)
    touched[ends] = True
    nodes = np.flatnonzero(touched)
    number = np.zeros(n, dtype=np.int64)
    number[nodes] = np.arange(len(nodes))
    inverse = number[ends]
    a, b = inverse[: edges.height], inverse[edges.height :]
    parent = np.arange(len(nodes), dtype=np.int64)
    while True:
        pa, pb = parent[a], parent[b]
        apart = pa != pb
        if not apart.any():
            break
        np.minimum.at(parent, np.maximum(pa, pb)[apart], np.minimum(pa, pb)[apart])  # hook roots
        while True:  # jump to the root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    labels[nodes] = nodes[parent]
    return pl.Series("c", labels)


AMBIGUOUS = "ambiguity guard: about as strong a link to a record its evidence says is someone else"


def _ambiguous_links(
    ordered: pl.DataFrame, known: pl.DataFrame, conflict_below_weight: float, link_threshold: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Links kept, and links taken out because their record is torn between two others.

    A record linked to two records that cannot be one person (their pair is a conflict) is
    one of them at most: the stronger link is kept only when it is at least link_threshold
    likelier than the other (its weight ahead by log2(p / (1 - p)) bits: 4.2 at 0.95);
    otherwise both links go to review. (A copy with a typo and only a birth year matches two
    namesakes born that year equally well: linking it to either is a coin toss.)
    """
    margin = float(np.log2(link_threshold / (1.0 - link_threshold)))
    both = pl.concat(
        [
            ordered.select(pl.col(L).alias("a"), pl.col(R).alias("b"), "match_weight"),
            ordered.select(pl.col(R).alias("a"), pl.col(L).alias("b"), "match_weight"),
        ]
    )
    conflicts = known.filter((pl.col("match_weight") < conflict_below_weight) | pl.col("veto").is_not_null()).select(
        pl.col(L).alias("x"), pl.col(R).alias("y")
    )
    torn = (
        both.join(both, on="a", suffix="2")
        .filter(pl.col("b") < pl.col("b2"))
        .join(conflicts, left_on=["b", "b2"], right_on=["x", "y"], how="semi")
        .filter((pl.col("match_weight") - pl.col("match_weight2")).abs() < margin)
    )
    taken = (
        pl.concat([torn.select("a", "b"), torn.select("a", pl.col("b2").alias("b"))])
        .select(pl.min_horizontal("a", "b").alias(L), pl.max_horizontal("a", "b").alias(R))
        .unique()
    )
    out = ordered.join(taken, on=[L, R], how="semi")
    return ordered.join(taken, on=[L, R], how="anti"), out.select(L, R, "match_weight", "match_probability")


def _forced(links: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """(l, r) of the links a reviewer forced: flagged ``_reviewed_same`` among the links or the guard's scored
    pairs. The guard scores pairs only in suspicious components of up to GUARD_FULL_PAIRS_UP_TO records: a caller
    must pass the flag with its links, or forced links in larger components are guarded as ordinary ones."""
    flagged = [f.filter(pl.col(FORCED)).select(L, R) for f in (links, scored) if FORCED in f.columns]
    if not flagged:
        return pl.DataFrame(schema={L: pl.UInt32, R: pl.UInt32})
    return pl.concat(flagged).unique()


def _different_inside(
    cannot_link: pl.DataFrame | None, comp: pl.Series, suspicious: pl.DataFrame, weight: pl.DataType
) -> pl.DataFrame:
    """l, r, match_weight (-inf), veto (REVIEWED_DIFFERENT) of the reviewers' 'different' pairs whose records are
    in one suspicious component, whatever its size."""
    schema = {L: pl.UInt32, R: pl.UInt32, "match_weight": weight, "veto": pl.String}
    if cannot_link is None or not cannot_link.height:
        return pl.DataFrame(schema=schema)
    c = comp.gather(cannot_link[L])
    inside = cannot_link.select(L, R).filter((c == comp.gather(cannot_link[R])) & c.is_in(suspicious["c"].implode()))
    return inside.select(
        pl.col(L).cast(pl.UInt32),
        pl.col(R).cast(pl.UInt32),
        pl.lit(float("-inf"), weight).alias("match_weight"),
        pl.lit(REVIEWED_DIFFERENT, pl.String).alias("veto"),
    )


def guarded_clusters(
    n: int,
    links: pl.DataFrame,
    max_cluster_size: int,
    score_pairs: Callable[[pl.DataFrame], pl.DataFrame],
    link_threshold: float,
    conflict_below_weight: float,
    cannot_link: pl.DataFrame | None = None,
    ambiguity_threshold: float | None = None,
) -> tuple[pl.Series, pl.DataFrame, pl.DataFrame, dict]:
    """Cluster label per row, refused links, and the extra pairs scored inside suspicious components.

    ``links``: l, r, match_weight, match_probability, veto of pairs at or above the link threshold, and
    optionally ``_reviewed_same``: links a reviewer forced (never refused by the guard's evidence or size limit,
    only by a reviewer's 'different' verdict; ``score_pairs`` may flag them too).
    ``score_pairs``: scores a frame of (l, r) pairs, returning match_weight, match_probability and
    veto (the cannot-link rule the pair falls under, or null).
    ``conflict_below_weight``: pairs with a match weight below this, or vetoed, cannot end in one cluster.
    ``cannot_link``: (l, r), l < r, of the pairs a reviewer judged different. The guard scores every pair only in
    suspicious components of up to GUARD_FULL_PAIRS_UP_TO records; in larger ones these verdicts would otherwise
    be unknown to it (a vetoed pair is never a link), and forced links could join such a pair.
    ``ambiguity_threshold``: the odds by which a record's stronger of two conflicting links must lead to be kept
    (``_ambiguous_links``), at least ``link_threshold``'s; None: ``link_threshold``'s (a spec that links lower keeps
    a wider margin with it).
    """
    comp = connected_components(n, links.select(L, R))
    label, size, wrong, suspicious, info = _suspicious_components(n, comp, links, max_cluster_size)
    if not suspicious.height:
        return comp, _no_refused(), _no_pairs(), info

    inside = np.flatnonzero(wrong[label])  # the rows of suspicious components, in order
    members = pl.DataFrame(
        {"row": inside.astype(np.uint32), "c": label[inside], "size": size[label[inside]].astype(np.uint32)}
    )
    inner_scored = _scored_inside(members, score_pairs, links)
    susp_links = links.filter(pl.Series(wrong[label[links[L].to_numpy()]]))  # the links inside them
    forced = _forced(susp_links, inner_scored)
    non_match, disagree, known = _conflicts(
        _different_inside(cannot_link, comp, suspicious, links.schema["match_weight"]),
        inner_scored,
        susp_links,
        forced,
        conflict_below_weight,
    )
    # the spec's margin if set, never under the link threshold's (learning may raise that one: learning.py)
    margin_at = link_threshold if ambiguity_threshold is None else max(link_threshold, ambiguity_threshold)
    forced_links, ordered, ambiguous = _links_in_order(
        susp_links, inner_scored, forced, known, link_threshold, conflict_below_weight, margin_at
    )
    refused_rows = [(*row, AMBIGUOUS) for row in ambiguous.iter_rows()]
    group = _greedy_union(members, forced_links, ordered, non_match, disagree, max_cluster_size, refused_rows)
    comp = _relabelled(label, group)
    refused = _no_refused()
    if refused_rows:
        refused = pl.DataFrame(refused_rows, schema=refused.schema, orient="row")
        # a refused link whose records ended in one cluster anyway (through other links) is not refused
        refused = refused.filter(comp.gather(refused[L]) != comp.gather(refused[R]))
    info["refused_links"] = refused.height
    return comp, refused, inner_scored, info


def _suspicious_components(
    n: int, comp: pl.Series, links: pl.DataFrame, max_cluster_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pl.DataFrame, dict]:
    """Each row's component label, each label's size, whether each label's component is suspicious (over the
    size limit, or three records or more and not a clique of links), the suspicious ones (c, size) and the
    components' counts for the run's info. Counted per label (a row number: labels are under n) in numpy: a value count and a group-by hashed
    every record's label (0.1 s at 1M people, on the one thread clustering runs on)."""
    label = comp.to_numpy()
    size = np.bincount(label, minlength=n)
    count = np.bincount(label[links[L].to_numpy()], minlength=n) if links.height else np.zeros(n, dtype=np.int64)
    wrong = (size > max_cluster_size) | ((size >= 3) & (count < size * (size - 1) // 2))
    at = np.flatnonzero(wrong)
    suspicious = pl.DataFrame({"c": at.astype(np.uint32), "size": size[at].astype(np.uint32)})
    info = {
        "components": int((size > 1).sum()),
        "suspicious_components": suspicious.height,
        "largest_component": int(size.max()) if n else 1,
    }
    return label, size, wrong, suspicious, info


def _no_refused() -> pl.DataFrame:
    """The refused links' table, empty."""
    return pl.DataFrame(
        schema={
            L: pl.UInt32,
            R: pl.UInt32,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
            "reason": pl.String,
        }
    )


def _no_pairs(veto: bool = False) -> pl.DataFrame:
    """A scored pairs' table (with ``veto`` if asked), empty."""
    schema = {L: pl.UInt32, R: pl.UInt32, "match_weight": pl.Float64, "match_probability": pl.Float64}
    return pl.DataFrame(schema=schema | ({"veto": pl.String} if veto else {}))


def _scored_inside(
    members: pl.DataFrame, score_pairs: Callable[[pl.DataFrame], pl.DataFrame], links: pl.DataFrame
) -> pl.DataFrame:
    """Every pair inside the suspicious components of up to GUARD_FULL_PAIRS_UP_TO records (``members``: row,
    c, size), scored by the model: what the links alone do not say (larger ones: their links only)."""
    small = members.filter(pl.col("size") <= GUARD_FULL_PAIRS_UP_TO).select("row", "c")
    inner = (
        small.join(small, on="c", suffix="_r")
        .filter(pl.col("row") < pl.col("row_r"))
        .select(pl.col("row").alias(L), pl.col("row_r").alias(R))
    )
    inner_scored = score_pairs(inner) if inner.height else _no_pairs(veto=True)
    # the links' float types (an increment's are Float32): the frames below are concatenated with them
    return inner_scored.cast({c: links.schema[c] for c in ("match_weight", "match_probability")})


def _conflicts(
    different: pl.DataFrame,
    inner_scored: pl.DataFrame,
    susp_links: pl.DataFrame,
    forced: pl.DataFrame,
    conflict_below_weight: float,
) -> tuple[set[tuple[int, int]], set[tuple[int, int]], pl.DataFrame]:
    """The pairs inside suspicious components that cannot end in one cluster (under ``conflict_below_weight``
    or vetoed), those of them a reviewer judged different, and every known pair (l, r, match_weight, veto)
    with a verdict first, then scored pairs, then links (the first of a pair's rows kept)."""
    known = pl.concat(
        [
            different,
            inner_scored.select(L, R, "match_weight", "veto"),
            susp_links.select(L, R, "match_weight", "veto"),
        ]
    ).unique([L, R], keep="first")
    known = known.join(forced, on=[L, R], how="anti")  # a reviewer's 'same' is no conflict, whatever its evidence
    # (sets of a few thousand pairs: the greedy union below asks them per pair of groups)
    non_match = {(a, b) for a, b, w, veto in known.iter_rows() if w < conflict_below_weight or veto is not None}
    disagree = {(a, b) for a, b, _, veto in known.iter_rows() if veto == REVIEWED_DIFFERENT}
    return non_match, disagree, known


def _links_in_order(
    susp_links: pl.DataFrame,
    inner_scored: pl.DataFrame,
    forced: pl.DataFrame,
    known: pl.DataFrame,
    link_threshold: float,
    conflict_below_weight: float,
    margin_at: float,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The links the greedy union applies, strongest first (ties by l, r: a reproducible order): the forced
    ones; the others (links and scored pairs at the threshold, not vetoed) less the ambiguous ones
    (``_ambiguous_links``), which are returned third to be refused."""
    ordered = pl.concat(
        [
            susp_links.select(L, R, "match_weight", "match_probability"),
            inner_scored.filter((pl.col("match_probability") >= link_threshold) & pl.col("veto").is_null()).select(
                L, R, "match_weight", "match_probability"
            ),
        ]
    )
    ordered = ordered.unique([L, R]).join(forced, on=[L, R], how="anti")
    ordered, ambiguous = _ambiguous_links(ordered, known, conflict_below_weight, margin_at)
    by_strength = ["match_weight", L, R]
    ordered = ordered.sort(by_strength, descending=[True, False, False])
    forced_links = (
        susp_links.select(L, R, "match_weight", "match_probability")
        .join(forced, on=[L, R], how="semi")
        .sort(by_strength, descending=[True, False, False])
    )
    return forced_links, ordered, ambiguous


def _apart(ga: set[int], gb: set[int], pairs: set[tuple[int, int]]) -> bool:
    """Whether a pair of ``pairs`` has one record in each group."""
    return any((min(x, y), max(x, y)) in pairs for x in ga for y in gb)


def _greedy_union(
    members: pl.DataFrame,
    forced_links: pl.DataFrame,
    ordered: pl.DataFrame,
    non_match: set[tuple[int, int]],
    disagree: set[tuple[int, int]],
    max_cluster_size: int,
    refused_rows: list[tuple],
) -> dict[int, set[int]]:
    """Each member row's group after applying the forced links, then the others in order, each unless it would
    join two groups holding a conflict (forced links: a reviewers' conflict only) or pass the size limit; a
    refused link is appended to ``refused_rows`` with its reason. Python over the suspicious components' few
    links only."""
    group: dict[int, set[int]] = {}
    for row in members["row"].to_list():
        group[row] = {row}
    for is_forced, links_in_order in ((True, forced_links), (False, ordered)):
        for a, b, w, p in links_in_order.iter_rows():
            ga, gb = group[a], group[b]
            if ga is gb:
                continue
            reason = None
            if is_forced:
                if _apart(ga, gb, disagree):
                    reason = REVIEWERS_DISAGREE
            elif len(ga) + len(gb) > max_cluster_size:
                reason = f"chaining guard: would make a cluster of {len(ga) + len(gb)} records (max {max_cluster_size})"
            elif _apart(ga, gb, non_match):
                reason = (
                    REVIEWERS_APART
                    if _apart(ga, gb, disagree)
                    else "chaining guard: would put together records whose evidence says they differ"
                )
            if reason:
                refused_rows.append((a, b, w, p, reason))
                continue
            merged = ga | gb
            for x in merged:
                group[x] = merged
    return group


def _relabelled(label: np.ndarray, group: dict[int, set[int]]) -> pl.Series:
    """The cluster labels: ``label`` with each member row's set to its group's smallest row (set at the members'
    rows: no join over every record)."""
    new_label = {row: min(g) for row, g in group.items()}
    relabelled = label.copy()
    relabelled[np.fromiter(new_label, dtype=np.int64, count=len(new_label))] = np.fromiter(
        new_label.values(), dtype=np.int64, count=len(new_label)
    )
    return pl.Series("c", relabelled, dtype=pl.UInt32)
