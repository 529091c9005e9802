"""Increments: new or changed records matched against a saved run, without re-matching everything.

    state = load_state("people.state", spec)          # or match(..., keep_state=True).state
    result = match_increment(state, new_records, spec)
    result.records   # lineage of every record whose entity was re-clustered (new ones included)
    result.pairs     # every pair scored or re-decided, with the same decision/reason columns as a full run
    result.state     # the whole updated state (save_state it for the next increment)

The result equals a full re-match of the same data with the same frozen model
(``match(all_records, spec, model=state.frozen, previous=state.records)``), where the data
is the state's records without the changed ones, followed by the increment's records in
their order. It is built so:

1. A *changed* record (a record id the state holds) is its old version removed and its
   new version added. Row numbers of the remaining records keep their order.
2. Blocking: per rule, only the blocks (key values) holding a new or removed record are
   looked at. One compared all-against-all before and after (within ``max_block``) gains the
   pairs of its new records; its other pairs stay (those of a removed record leave with it).
   One sorted-window paired before and after changes only near its inserted and removed
   records: a window of ``w`` pairs records at most ``w`` places apart in the block's order, so
   only pairs starting up to ``w`` places before a change are looked at, and their old and new
   distances say whether they were and are paired (pairs of two existing records can be lost
   or gained). A block that crosses ``max_block`` (or a windowed block of a rule keyed on a
   list, where another block of the rule may still pair a lost pair) is paired whole before
   and after and the difference taken. Pairs the rules no longer find leave the candidates;
   new ones are scored with the frozen model.
3. Re-clustering: new records, both records of every link gained or lost, and every
   linked neighbour of a removed record are seeds; the seeds' connected components of
   the new link graph (which hold whole old components) go through the same chaining
   guard; every other component keeps its clusters. A new pair that is not a link and
   reaches outside those components is decided on its records' entities (as a full run
   decides it). Entity ids of the re-clustered records are assigned from the previous
   lineage as in a full run; every other entity keeps its id and its records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.match.blocking import rule_pairs
from pipelines.match.cluster import connected_components, guarded_clusters
from pipelines.match.engine import (
    StepTimer,
    _lineage,
    _pair_table,
    _review_queue,
    _reviewed_pairs,
    decide,
    is_link,
    pair_key,
    score_pairs,
)
from pipelines.match.entities import assign_entity_ids, golden_records
from pipelines.match.prepare import ROW, prepare
from pipelines.match.spec import BlockingRule, MatchSpec
from pipelines.match.state import MatchState, StateError

log = logging.getLogger("wardbridge.match")

L, R = "l", "r"


@dataclass
class IncrementResult:
    records: pl.DataFrame  # lineage of the re-clustered records (new and changed ones included), row order
    pairs: pl.DataFrame  # pair-table rows of every pair among re-clustered records (scored or re-decided)
    dropped_pairs: pl.DataFrame  # left_id, right_id, reason: pairs no longer candidates
    entities: pl.DataFrame  # golden records of the re-clustered entities
    retired_entities: pl.DataFrame  # entity_id: previous entities no record holds any more
    review: pl.DataFrame  # review-queue rows among the re-clustered records
    merged_entities: pl.DataFrame  # previous entities merged into others (entity_id, merged_into)
    blocking: pl.DataFrame  # per rule: touched blocks, those paired whole / diffed by window, pairs gained and lost
    state: MatchState
    stats: dict = field(default_factory=dict)

    def summary(self) -> str:
        s = self.stats
        lines = [
            f"increment: {s['new_records']:,} new and {s['changed_records']:,} changed records against "
            f"{s['state_records']:,}; {s['reclustered_records']:,} records re-clustered "
            f"({s['seed_records']:,} seeds), {s['unchanged_entities']:,} entities untouched",
            f"pairs: {s['pairs_entered']:,} new candidates, {s['pairs_left']:,} no longer candidates, "
            f"{s['pairs_rules_changed']:,} found by other rules; decisions among re-clustered records: "
            + ", ".join(f"{k} {v:,}" for k, v in s["decisions"].items()),
            f"entities: {s['entities']:,} now ({s['new_entities']:,} new, {s['merged_entities']:,} merged into "
            f"another, {s['retired_entities']:,} retired)",
        ]
        capped = self.blocking.filter(pl.col("capped_blocks_touched") > 0)
        if capped.height:
            lines.append(
                "capped blocks touched (windows diffed or re-paired): "
                + ", ".join(f"{r} {n:,}" for r, n in capped.select("rule", "capped_blocks_touched").iter_rows())
            )
        lines.append("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in s["seconds"].items()))
        return "\n".join(lines)


def _keyed(work: pl.DataFrame, rule: BlockingRule, blocks: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per record and key of the rule (lists exploded), with what ``rule_pairs`` reads; with
    ``blocks`` (key values), only the rows of those blocks (joined on the key columns only, not the table)."""
    extra = [c for c in (*rule.sort_by, *([rule.missing] if rule.missing else [])) if c not in rule.on]
    keyed = work.select(ROW, *rule.on, *dict.fromkeys(extra))
    lists = [c for c in rule.on if isinstance(keyed.schema[c], pl.List)]
    scalar = [c for c in rule.on if c not in lists]
    if blocks is not None and lists and scalar:  # fewer rows to explode
        keyed = keyed.join(blocks.select(scalar).unique(), on=scalar, how="semi")
    if lists:
        keyed = keyed.explode(lists)
    if blocks is not None:
        return keyed.join(blocks, on=list(rule.on), how="semi")
    return keyed.drop_nulls(list(rule.on))


def _pairs_of(keyed: pl.DataFrame, rule: BlockingRule, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rule's pairs (l < r) of the whole blocks in ``keyed``, and its capped blocks among them."""
    if not keyed.height:
        empty = pl.DataFrame(schema={L: pl.UInt32, R: pl.UInt32})
        return empty, pl.DataFrame(schema={"rule": pl.String, "key": pl.String, "size": pl.Int64})
    pairs, capped, _ = rule_pairs(keyed, rule, index)
    return pairs.select(pl.col(L).cast(pl.UInt32), pl.col(R).cast(pl.UInt32)).unique(), capped


def _renumber(frame: pl.DataFrame, mapping: pl.Series, columns: tuple[str, ...]) -> pl.DataFrame:
    """Old row numbers -> new ones (``mapping``, null for a removed record); rows with a removed record dropped."""
    kept = pl.Series(np.ones(frame.height, dtype=bool))
    for c in columns:  # filter first, renumber the survivors: the pair table is copied once
        kept = kept & mapping.gather(frame[c]).is_not_null()
    frame = frame.filter(kept)
    return frame.with_columns(mapping.gather(frame[c]).alias(c) for c in columns)


def _gained_in_plain_blocks(members: pl.DataFrame, added: pl.DataFrame, rule: BlockingRule) -> pl.DataFrame:
    """Pairs with a new record in blocks compared all-against-all before and after: every pair of the block
    (with ``missing``: every pair where a side misses the column); the pairs of two existing records are the
    same before and after, so only those with a new record are made."""
    on = list(rule.on)
    if rule.missing:  # a new record missing the column meets every member; one that has it, those missing it
        gap = pl.col(rule.missing).is_null()
        joined = [
            added.filter(gap).select(ROW, *on).join(members.select(ROW, *on), on=on, suffix="_o"),
            added.filter(~gap).select(ROW, *on).join(members.filter(gap).select(ROW, *on), on=on, suffix="_o"),
        ]
    else:
        joined = [added.select(ROW, *on).join(members.select(ROW, *on), on=on, suffix="_o")]
    pairs = pl.concat(joined).filter(pl.col(ROW) != pl.col(f"{ROW}_o"))
    return pairs.select(
        pl.min_horizontal(ROW, f"{ROW}_o").cast(pl.UInt32).alias(L),
        pl.max_horizontal(ROW, f"{ROW}_o").cast(pl.UInt32).alias(R),
    ).unique()


def _big(rule: BlockingRule, n: str, k: str) -> pl.Expr:
    """Whether a block of ``n`` records (``k`` of them missing ``rule.missing``) is sorted-window paired,
    as ``rule_pairs`` decides it."""
    if not rule.missing:
        return pl.col(n) > rule.max_block
    full = rule.max_block * (rule.max_block - 1) // 2
    return (pl.col(k) > 0) & (pl.col(k) * (pl.col(n) - pl.col(k)) + pl.col(k) * (pl.col(k) - 1) // 2 > full)


def _blocking_delta(
    old_work: pl.DataFrame,
    added_work: pl.DataFrame,
    removed_rows: pl.Series,
    mapping: pl.Series,
    spec: MatchSpec,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per pair whose rules change: the rule bits it gains (``set``) and loses (``clear``); a report per rule.

    Pairs are in new row numbers; ``added_work`` is already numbered after the kept records. Per touched
    block: one compared all-against-all before and after gains the pairs of its new records (pairs of two
    kept records stay, those of a removed record leave with it); one sorted-window paired before and after
    changes only around its inserted and removed records (``_window_delta``); any other (it crosses
    ``max_block``, or a windowed block of a list-keyed rule) is paired whole before and after, and the
    difference taken."""
    parts, report = [], []
    keep = mapping.is_not_null()
    for i, rule in enumerate(spec.blocking):
        bit = 1 << i
        on = list(rule.on)
        added = _keyed(added_work, rule)
        gone = _keyed(old_work[removed_rows], rule) if removed_rows.len() else added.clear()
        touched = pl.concat([added.select(on), gone.select(on)]).unique()
        scalar = [c for c in on if not isinstance(old_work.schema[c], pl.List)]
        old_blocks = _keyed(old_work, rule, touched)  # the existing records of the touched blocks
        if rule.missing:  # a block pairs only when it holds a record missing the column: others never pair
            gaps = pl.concat([old_blocks, added.select(old_blocks.columns)]).filter(pl.col(rule.missing).is_null())
            touched = touched.join(gaps.select(on), on=on, how="semi")
            old_blocks = old_blocks.join(touched, on=on, how="semi")
        added_t = added.join(touched, on=on, how="semi")
        gap = pl.col(rule.missing).is_null() if rule.missing else pl.lit(False)
        sizes = (
            pl.concat(
                [
                    old_blocks.select(
                        *on, kept=keep.gather(old_blocks[ROW]).cast(pl.Int64), gap=gap.cast(pl.Int64), old=pl.lit(1)
                    ),
                    added_t.select(*on, kept=pl.lit(1), gap=gap.cast(pl.Int64), old=pl.lit(0)),
                ],
                how="vertical_relaxed",
            )
            .group_by(on)
            .agg(
                n0=pl.col("old").sum(),
                n1=pl.col("kept").sum(),
                k0=(pl.col("gap") * pl.col("old")).sum(),
                k1=(pl.col("gap") * pl.col("kept")).sum(),
            )
            .with_columns(_big(rule, "n0", "k0").alias("big0"), _big(rule, "n1", "k1").alias("big1"))
        )
        lists = len(scalar) < len(on)
        both_big = pl.col("big0") & pl.col("big1")
        windowed = sizes.filter(both_big & (not lists)).select(on)
        whole = sizes.filter((pl.col("big0") != pl.col("big1")) | (both_big & lists)).select(on)
        old_whole = old_blocks.join(whole, on=on, how="semi")
        before, _ = _pairs_of(old_whole, rule, i)
        before = _renumber(before, mapping, (L, R))
        added_whole = added_t.join(whole, on=on, how="semi")
        after, capped = _pairs_of(
            pl.concat(
                [_renumber(old_whole, mapping, (ROW,)), added_whole.select(old_whole.columns)], how="vertical_relaxed"
            ),
            rule,
            i,
        )
        lost = before.join(after, on=[L, R], how="anti")
        if lost.height and lists:
            lost = _still_found(lost, old_work, whole, mapping, rule, i)
        gained = [after.join(before, on=[L, R], how="anti")]
        if windowed.height:
            w_gained, w_lost = _window_delta(
                old_blocks.join(windowed, on=on, how="semi"),
                added_t.join(windowed, on=on, how="semi"),
                keep,
                mapping,
                rule,
            )
            gained.append(w_gained)
            lost = pl.concat([lost, w_lost])
        plain = sizes.filter(~pl.col("big0") & ~pl.col("big1")).select(on)
        members = _renumber(old_blocks.join(plain, on=on, how="semi"), mapping, (ROW,))
        added_plain = added_t.join(plain, on=on, how="semi")
        gained.append(
            _gained_in_plain_blocks(
                pl.concat([members, added_plain.select(members.columns)], how="vertical_relaxed"), added_plain, rule
            )
        )
        gained = pl.concat(gained)
        if lists:  # a list-keyed rule may pair a new record with another through several keys
            gained = gained.unique()
        parts += [
            gained.with_columns(pl.lit(bit, pl.UInt32).alias("set"), pl.lit(0, pl.UInt32).alias("clear")),
            lost.with_columns(pl.lit(0, pl.UInt32).alias("set"), pl.lit(bit, pl.UInt32).alias("clear")),
        ]
        report.append(
            {
                "rule": rule.name,
                "touched_blocks": touched.height,
                "blocks_paired_whole": whole.height,
                "windowed_blocks_touched": windowed.height,
                "pairs_gained": gained.height,
                "pairs_lost": lost.height,
                "capped_blocks_touched": capped.height + windowed.height,
            }
        )
    delta = pl.concat(parts).group_by(L, R).agg(pl.col("set").sum(), pl.col("clear").sum())
    return delta, pl.DataFrame(report)


def _window_delta(
    old_blocks: pl.DataFrame, added: pl.DataFrame, keep: pl.Series, mapping: pl.Series, rule: BlockingRule
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pairs gained and lost (new row numbers) by blocks sorted-window paired before and after.

    Each block is sorted once with its old, kept and new records together (a removed record sits where
    its old row put it among the kept ones): the old order is that sequence without the new records, the
    new order without the removed ones. A pair (x, y) of a window of ``w`` changes only when a record
    entered or left between them, so only pairs starting within ``w`` places before an inserted or
    removed record are looked at: lost when their new distance exceeds ``w``, gained when a side is new
    or their old distance exceeded ``w``."""
    on, w = list(rule.on), rule.window
    u32 = pl.UInt32
    rows = old_blocks[ROW]
    extra = [c for c in (*rule.sort_by, *([rule.missing] if rule.missing else [])) if c not in on]
    cols = [*on, *dict.fromkeys(extra)]
    seq = pl.concat(
        [
            old_blocks.with_columns(
                keep.gather(rows).cast(pl.UInt8).alias("_s"),  # 1 kept, 0 removed; 2 new
                mapping.gather(rows).alias("_row"),
                (keep.cast(u32).cum_sum() - keep.cast(u32)).gather(rows).cast(pl.UInt64).alias("_before"),
            ).select(
                *cols,
                "_s",
                "_row",
                pl.when(pl.col("_s") == 1)
                .then(pl.col("_row").cast(pl.UInt64) * 2 + 1)
                .otherwise(pl.col("_before") * 2)
                .alias("_key"),
                pl.col(ROW).alias("_old"),  # removed records between the same two kept ones: in their old order
            ),
            added.select(
                *cols,
                pl.lit(2, pl.UInt8).alias("_s"),
                pl.col(ROW).cast(u32).alias("_row"),
                (pl.col(ROW).cast(pl.UInt64) * 2 + 1).alias("_key"),
                pl.lit(0, pl.UInt32).alias("_old"),
            ),
        ],
        how="vertical_relaxed",
    ).sort([*on, *rule.sort_by, "_key", "_old"])
    gap = pl.col(rule.missing).is_null() if rule.missing else pl.lit(False)
    seq = seq.select(pl.struct(on).rle_id().alias("_b"), "_s", "_row", gap.alias("_gap"))
    # rank of each record in the old and in the new order of its block: running counts less the block's start
    b, side = seq["_b"].to_numpy(), seq["_s"].to_numpy()
    first = np.r_[0, np.flatnonzero(np.diff(b)) + 1]  # each block's first row
    ranks = {}
    for name, member in (("_o", side < 2), ("_n", side > 0)):
        count = np.cumsum(member, dtype=np.int64)
        ranks[name] = count - 1 - (count - member)[first][b]
    seq = seq.with_columns(pl.Series("_o", ranks["_o"]), pl.Series("_n", ranks["_n"]))
    old = seq.filter(pl.col("_s") < 2)
    new = seq.filter(pl.col("_s") > 0)

    def starts(frame: pl.DataFrame, rank: str, first: pl.Expr) -> pl.DataFrame:
        """Left ends (block, rank) of the window pairs to look at: from ``first`` to the change's own rank."""
        return (
            frame.select("_b", pl.int_ranges(pl.max_horizontal(first, 0), pl.col(rank) + 1).alias(rank))
            .explode(rank)
            .unique()
            .with_columns(pl.int_ranges(pl.col(rank) + 1, pl.col(rank) + w + 1).alias(f"{rank}_y"))
            .explode(f"{rank}_y")
        )

    blocks = int(seq["_b"].max()) + 1

    def ends(candidates: pl.DataFrame, table: pl.DataFrame, rank: str) -> pl.DataFrame:
        """Both ends' columns, found by position: ``table`` is sorted by block and rank, ranks 0.. per block."""
        sizes = np.bincount(table["_b"].to_numpy(), minlength=blocks)
        start = pl.Series(np.cumsum(sizes) - sizes, dtype=pl.Int64)
        candidates = candidates.filter(pl.col(f"{rank}_y") < pl.Series(sizes, dtype=pl.Int64).gather(candidates["_b"]))
        side = table.select("_s", "_row", "_gap", "_o", "_n")
        first = start.gather(candidates["_b"])
        at_x, at_y = first + candidates[rank], first + candidates[f"{rank}_y"]
        return pl.concat([side[at_x], side[at_y].rename(lambda c: f"{c}_y")], how="horizontal")

    def pairs(frame: pl.DataFrame) -> pl.DataFrame:
        if rule.missing:
            frame = frame.filter(pl.col("_gap") | pl.col("_gap_y"))
        return frame.select(pl.min_horizontal("_row", "_row_y").alias(L), pl.max_horizontal("_row", "_row_y").alias(R))

    # lost: old pairs of two kept records with a new record now between them, more than w places apart
    # (the o rank of a new record is that of the old record before it: pairs starting there or up to w-1 before)
    lost = ends(starts(seq.filter(pl.col("_s") == 2), "_o", pl.col("_o") - w + 1), old, "_o")
    lost = pairs(lost.filter((pl.col("_s") == 1) & (pl.col("_s_y") == 1) & (pl.col("_n_y") - pl.col("_n") > w)))
    # gained: new pairs with a new record (starting at it or up to w places before), or of two kept records
    # a removed one stood between (the n rank of a removed record is that of the new-order record before it)
    first = pl.col("_n") - w + (pl.col("_s") == 0).cast(pl.Int64)
    gained = ends(starts(seq.filter(pl.col("_s") != 1), "_n", first), new, "_n")
    gained = pairs(gained.filter((pl.col("_s") == 2) | (pl.col("_s_y") == 2) | (pl.col("_o_y") - pl.col("_o") > w)))
    return gained, lost


def _still_found(
    lost: pl.DataFrame,
    old_work: pl.DataFrame,
    whole: pl.DataFrame,
    mapping: pl.Series,
    rule: BlockingRule,
    index: int,
) -> pl.DataFrame:
    """Lost pairs of a list-keyed rule that another block of the rule still pairs (kept, not lost): a block
    not paired whole (untouched, or within max_block before and after) pairs its existing records as before."""
    on = list(rule.on)
    ends = pl.concat([lost[L], lost[R]]).unique().sort()
    # lost pairs are in new row numbers: their records' old rows
    old_rows = mapping.is_not_null().arg_true().cast(pl.UInt32).gather(ends)
    mine = _renumber(_keyed(old_work[old_rows], rule), mapping, (ROW,)).select(ROW, *on)
    shared = (
        lost.join(mine.rename({ROW: L}), on=L).join(mine.rename({ROW: R}), on=[R, *on]).join(whole, on=on, how="anti")
    )
    if not shared.height:
        return lost
    keys = shared.select(on).unique()
    blocks = _keyed(old_work, rule, keys)
    others, _ = _pairs_of(_renumber(blocks, mapping, (ROW,)), rule, index)
    return lost.join(others, on=[L, R], how="anti")


def _closure(n: int, seeds: pl.Series, edges: pl.DataFrame) -> pl.Series:
    """Rows connected to any seed through ``edges`` (l, r): whole connected components, sorted."""
    labels = connected_components(n, edges.select(L, R))
    return labels.is_in(labels.gather(seeds).unique().implode()).arg_true().cast(pl.UInt32)


def _scored_columns(work: pl.DataFrame, spec: MatchSpec) -> list[str]:
    """The columns of ``work`` scoring may read: all but those only blocking keys or shown in the review."""
    compared = {
        c
        for comp in spec.comparisons
        for c in (*comp.columns, *(c for level in comp.levels for c in (level.columns or ())))
    }
    keys = {c for rule in spec.blocking for c in (*rule.on, *rule.sort_by, *([rule.missing] if rule.missing else []))}
    other = (keys | set(spec.show_columns)) - compared
    return [c for c in work.columns if c not in other]


def _score(
    work: pl.DataFrame, pairs: pl.DataFrame, state: MatchState, spec: MatchSpec, reviewed: pl.DataFrame
) -> pl.DataFrame:
    """(l, r) pairs of rows of ``work`` scored with the frozen model on a table of their records alone (its
    value codes and term frequencies computed for those records; the reviewers' verdicts among them taken
    from ``reviewed``, the verdicts on the whole table). Row numbers in and out are ``work``'s."""
    rows = pl.concat([pairs[L], pairs[R]]).unique().sort()
    table = _sub(work.select(_scored_columns(work, spec)), rows)
    inside = reviewed.filter(pl.col(L).is_in(rows.implode()) & pl.col(R).is_in(rows.implode()))
    frozen = state.frozen
    scored = score_pairs(
        table,
        _local(pairs.select(L, R), rows),
        spec,
        frozen.codes(table),
        frozen.model,
        frozen.tf_tables(table),
        _local(inside, rows),
    )
    return scored.with_columns(rows.gather(scored[L]).alias(L), rows.gather(scored[R]).alias(R))


def _sub(work: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """The records ``rows`` (sorted), numbered 0.. in that order."""
    return work[rows].with_columns(pl.int_range(len(rows), dtype=pl.UInt32).alias(ROW))


def _local(pairs: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """Global row numbers of pairs -> positions in the sorted ``rows`` (every endpoint must be in it)."""
    index = rows.to_numpy()
    return pairs.with_columns(
        pl.Series(L, np.searchsorted(index, pairs[L].to_numpy()), dtype=pl.UInt32),
        pl.Series(R, np.searchsorted(index, pairs[R].to_numpy()), dtype=pl.UInt32),
    )


def _aligned(new: pl.DataFrame, old: pl.DataFrame, what: str, source: str) -> pl.DataFrame:
    """``new`` with the columns ``old`` has, in their types (a column it lacks is missing)."""
    out = []
    for name, dtype in old.schema.items():
        if name not in new.columns:
            out.append(pl.lit(None, dtype).alias(name))
        elif new.schema[name] != dtype:
            try:
                out.append(new[name].cast(dtype))
            except Exception:  # noqa: BLE001 - polars raises several kinds for an impossible cast
                raise StateError(
                    f"{source}: column {name!r} is {new.schema[name]} but the saved run's {what} has {dtype}"
                ) from None
        else:
            out.append(pl.col(name))
    extra = [c for c in new.columns if c not in old.columns]
    return new.select(*out, *extra)


def match_increment(
    state: MatchState, frame: pl.DataFrame, spec: MatchSpec, *, source: str = "increment"
) -> IncrementResult:
    """Match new or changed records (``frame``, the spec's input columns) against a saved run's state."""
    lap = StepTimer("increment %s: %.2f s (peak %.0f MiB)")
    seconds = lap.seconds

    state.frozen.check(spec, "the saved run")
    frozen, model = state.frozen, state.frozen.model
    idc = spec.id_column
    new_work = prepare(frame, spec, source=source)
    old_work = state.work
    new_ids = new_work[idc]
    removed = old_work[idc].is_in(new_ids.implode())
    keep = ~removed
    n_keep, k = int(keep.sum()), new_work.height
    mapping = (keep.cast(pl.UInt32).cum_sum() - 1).zip_with(keep, pl.Series([None], dtype=pl.UInt32))
    removed_rows = removed.arg_true().cast(pl.UInt32)
    added_work = _aligned(new_work, old_work, "prepared table", source).with_columns(
        (pl.col(ROW) + n_keep).cast(pl.UInt32)
    )
    work = pl.concat(
        [old_work.filter(keep).with_columns(pl.int_range(n_keep, dtype=pl.UInt32).alias(ROW)), added_work],
        how="diagonal_relaxed",
    )
    frame = pl.concat([state.frame.filter(keep), _aligned(frame, state.frame, "input", source)], how="diagonal_relaxed")
    ids = work[idc]
    new_rows = pl.int_range(n_keep, n_keep + k, dtype=pl.UInt32, eager=True)
    lap("prepare")

    delta, blocking = _blocking_delta(old_work, added_work, removed_rows, mapping, spec)
    lap("blocking")

    # the saved pairs in new row numbers (pairs of removed records gone); the graph: candidates and reviewed pairs
    old_scored = state.scored
    if removed_rows.len():
        removed_links = old_scored.select(L, R, "_inner", "match_probability", "veto", "_reviewed_same").filter(
            (pl.col(L).is_in(removed_rows.implode()) | pl.col(R).is_in(removed_rows.implode()))
            & ~pl.col("_inner")
            & is_link(spec)
        )
        neighbours = pl.concat([removed_links[L], removed_links[R]]).unique()
        neighbours = mapping.gather(neighbours).drop_nulls()
    else:
        neighbours = pl.Series(dtype=pl.UInt32)
    # the saved pairs' records in new row numbers (null: a removed record), the table itself copied once at the end
    ends = pl.DataFrame({L: mapping.gather(old_scored[L]), R: mapping.gather(old_scored[R])})
    alive = ends[L].is_not_null() & ends[R].is_not_null()
    reviewed = _reviewed_pairs(work, spec, state.labelled, state.cannot_link)
    # per saved pair, computed once (tens of millions of pairs at city scale): its key, inner or not, link or not
    k_old = ends.select(pair_key())["k"]
    inner_old = old_scored["_inner"]
    link_old = old_scored.select(is_link(spec).alias("x"))["x"]
    graph_old = pl.DataFrame({"k": k_old, "rules": old_scored["rules"]}).filter(~inner_old & alive)
    delta = delta.with_columns(pair_key())
    # the saved pairs among the changes: the millions of saved pairs probe the changes' keys (a join the other
    # way would hash every saved pair)
    was = graph_old.join(delta.select("k"), on="k", how="semi")
    changed = (
        delta.join(was, on="k", how="left")
        .join(reviewed.select(pair_key(), pl.lit(True).alias("_rev")), on="k", how="left")
        .with_columns(
            pl.col("rules").is_not_null().alias("_was"),
            ((pl.col("rules").fill_null(0) & ~pl.col("clear")) | pl.col("set")).alias("_rules"),
        )
        .with_columns(((pl.col("_rules") != 0) | pl.col("_rev").fill_null(False)).alias("_is"))
    )
    entering = changed.filter(~pl.col("_was") & pl.col("_is")).select(L, R, pl.col("_rules").alias("rules"))
    unblocked = reviewed.select(L, R).join(entering, on=[L, R], how="anti")  # reviewed pairs no rule proposes
    if unblocked.height:  # (of new records: one already saved is among the saved pairs)
        unblocked = unblocked.filter(~pair_key().is_in(graph_old["k"].implode()))
    entering = pl.concat([entering, unblocked.with_columns(pl.lit(0, pl.UInt32).alias("rules"))])
    leaving = changed.filter(pl.col("_was") & ~pl.col("_is")).select(L, R)
    recoded = changed.filter(pl.col("_was") & pl.col("_is") & (pl.col("_rules") != pl.col("rules"))).select(
        L, R, "k", pl.col("_rules").alias("new_rules")
    )
    recoded = recoded.select("k", "new_rules")
    lap("delta")

    # new candidate pairs, scored with the frozen model on their records alone
    fresh = _score_entering(work, entering, state, spec, reviewed)
    lap("score")

    # seeds: what changes the link graph (new records, links gained or lost, a removed record's neighbours)
    entering_k = entering.select(pair_key())["k"].implode()
    leaving_k = leaving.select(pair_key())["k"].implode()
    leaving_old = k_old.is_in(leaving_k).fill_null(False) & ~inner_old
    fresh_links = fresh.filter(is_link(spec)).select(L, R)
    # a pair leaving the candidates inside a suspicious component becomes one of the guard's pairs there:
    # the records of every leaving pair are seeds, links or not
    seeds = pl.concat([new_rows, neighbours, *(p[c] for p in (leaving, fresh_links) for c in (L, R))])
    seeds = seeds.unique().sort()
    in_graph = ~inner_old & ~leaving_old & alive
    links = pl.concat([ends.filter(in_graph & link_old), fresh_links])
    touched = _closure(work.height, seeds, links)
    in_t = pl.Series(np.zeros(work.height, dtype=bool)).scatter(touched, True)
    lap("components")

    # the touched components clustered again, in their own numbering (order kept)

    def guard_scores(extra: pl.DataFrame) -> pl.DataFrame:  # pairs inside suspicious components, local numbers
        extra = extra.select(touched.gather(extra[L]).alias(L), touched.gather(extra[R]).alias(R))
        return _local(_score(work, extra, state, spec, reviewed), touched)

    both_t = _both(ends, in_t).fill_null(False)
    mask = both_t & in_graph
    kept_graph = old_scored.filter(mask).drop("_same", "reason", "decision")
    kept_graph = kept_graph.with_columns(ends[L].filter(mask), ends[R].filter(mask))
    if recoded.height:
        kept_graph = (
            kept_graph.with_columns(pair_key())
            .join(recoded, on="k", how="left")
            .with_columns(pl.coalesce("new_rules", "rules").alias("rules"))
            .drop("k", "new_rules")
        )
    fresh_in = _both(fresh, in_t)
    inside = _local(pl.concat([kept_graph, fresh.filter(fresh_in).select(kept_graph.columns)]), touched)
    local_links = inside.filter(is_link(spec)).select(L, R, "match_weight", "match_probability", "veto")
    clusters, refused, inner, info = guarded_clusters(
        touched.len(),
        local_links,
        spec.max_cluster_size,
        guard_scores,
        spec.link_threshold,
        model.prior_bits,
    )
    if inner.height:
        inner = inner.join(inside.select(L, R), on=[L, R], how="anti").with_columns(
            pl.lit(0, pl.UInt32).alias("rules"), pl.lit(True).alias("_inner")
        )
        inside = pl.concat([inside, inner.select(inside.columns)])
    inside = decide(inside, clusters.gather(inside[L]) == clusters.gather(inside[R]), refused, spec)
    lap("cluster")

    # entity ids as a full run with the previous lineage gives them
    sub_ids = ids.gather(touched)
    # old rows: of the re-clustered kept records, and the removed ones (their new versions are re-clustered)
    kept_rows = keep.arg_true().cast(pl.UInt32)  # old row of each kept record
    touched_old = kept_rows.gather(touched.filter(touched < n_keep))
    untouched_old = keep.clone().scatter(touched_old, False)
    previous = state.records.select("record_id", "entity_id")[pl.concat([touched_old, removed_rows]).sort()]
    untouched_records = state.records.filter(untouched_old)
    # a new entity is not named with an id an untouched entity keeps (as the assignment over all records)
    entity_ids, merged = assign_entity_ids(
        sub_ids, clusters, spec.entity_prefix, previous, held=untouched_records["entity_id"]
    )
    # new pairs reaching outside the touched components: not links, decided on their records' entities
    crossing = fresh.filter(~fresh_in)

    def entity_of(rows: pl.Series) -> pl.Series:  # a re-clustered record's new entity, another's saved one
        mine = in_t.gather(rows)
        at = pl.Series(np.searchsorted(touched.to_numpy(), rows.to_numpy()), dtype=pl.UInt32)
        saved = state.records["entity_id"].gather(kept_rows.gather(rows.clip(0, max(n_keep - 1, 0))))
        return entity_ids.gather(at.clip(0, len(touched) - 1)).zip_with(mine, saved)

    crossing = decide(crossing, entity_of(crossing[L]) == entity_of(crossing[R]), refused.clear(), spec)
    redecided = pl.concat(
        [
            inside.with_columns(touched.gather(inside[L]).alias(L), touched.gather(inside[R]).alias(R)).select(
                old_scored.columns
            ),
            crossing.select(old_scored.columns),
        ]
    )
    lineage = _lineage(
        inside, pl.DataFrame({ROW: pl.int_range(touched.len(), dtype=pl.UInt32, eager=True)}), sub_ids, entity_ids, spec
    )
    pair_rows = _pair_table(redecided, ids, spec)
    queued = redecided.filter(pl.col("decision").is_in(["review", "refused"]))
    review = _review_queue(pair_rows, work[pl.concat([queued[L], queued[R]]).unique().sort()], spec)
    golden = golden_records(frame[touched].with_columns(pl.col(idc).cast(pl.String)), entity_ids, spec)
    lap("entities")

    # the whole new state
    # saved pairs kept as they are: not re-decided, not leaving, not an old guard pair now a candidate
    inner_rows = inner_old.arg_true()  # few: only those can be a guard pair now a candidate
    reentering = pl.Series(np.zeros(len(k_old), dtype=bool)).scatter(
        inner_rows.filter(k_old.gather(inner_rows).is_in(entering_k).fill_null(False)), True
    )
    kept_mask = alive & ~both_t & ~leaving_old & ~reentering
    outside = old_scored.filter(kept_mask).with_columns(ends[L].filter(kept_mask), ends[R].filter(kept_mask))
    if recoded.height:  # found by other rules now: only their rules change
        k_out = k_old.filter(kept_mask)
        hit = pl.DataFrame({"k": k_out, "i": pl.int_range(len(k_out), eager=True, dtype=pl.UInt32)}).join(
            recoded, on="k"
        )
        outside = outside.with_columns(outside["rules"].scatter(hit["i"], hit["new_rules"]))
    scored = pl.concat([outside, redecided])
    old_entity_ids = pl.concat([state.records["entity_id"].filter(removed), previous["entity_id"]]).unique()
    retired = old_entity_ids.filter(~old_entity_ids.is_in(entity_ids.implode())).sort()
    records = (
        pl.concat(
            [
                untouched_records.with_columns(mapping.filter(untouched_old).alias("_r")),
                lineage.with_columns(touched.alias("_r")),
            ]
        )
        .sort("_r")
        .drop("_r")
    )
    # review rows re-decided (both records re-clustered, or a pair that entered or left the candidates)
    # or gone (a changed record's old version)
    redone, changed_ids = sub_ids.implode(), state.records["record_id"].filter(removed).implode()
    stale = (
        (pl.col("left_id").is_in(redone) & pl.col("right_id").is_in(redone))
        | pl.col("left_id").is_in(changed_ids)
        | pl.col("right_id").is_in(changed_ids)
    )
    moved = pl.concat([entering.select(L, R), leaving.select(L, R)])
    moved = moved.select(ids.gather(moved[L]).alias("left_id"), ids.gather(moved[R]).alias("right_id"))
    entities = pl.concat([state.entities.filter(~pl.col("entity_id").is_in(old_entity_ids.implode())), golden])
    full_review = pl.concat(
        [
            state.review.filter(~stale).join(moved, on=["left_id", "right_id"], how="anti"),
            review.select(state.review.columns) if state.review.width else review,
        ]
    ).sort(["match_probability", "left_id", "right_id"], descending=[True, False, False])
    new_state = MatchState(
        frozen=frozen,
        frame=frame,
        work=work,
        scored=scored,
        records=records,
        entities=entities,
        merged=merged,
        review=full_review,
        labelled=state.labelled,
        cannot_link=state.cannot_link,
    )
    dropped = leaving.select(ids.gather(leaving[L]).alias("left_id"), ids.gather(leaving[R]).alias("right_id"))
    lap("state")
    previous_entities = set(previous["entity_id"].to_list())
    stats = {
        "state_records": old_work.height,
        "new_records": int(k - removed.sum()),
        "changed_records": int(removed.sum()),
        "records": work.height,
        "seed_records": seeds.len(),
        "reclustered_records": touched.len(),
        "unchanged_entities": untouched_records["entity_id"].n_unique(),
        "entities": entities.height,
        "new_entities": int((~entity_ids.unique().is_in(list(previous_entities))).sum()),
        "merged_entities": merged.height,
        "retired_entities": retired.len(),
        "pairs_entered": entering.height,
        "pairs_left": leaving.height,
        "pairs_rules_changed": recoded.height,
        "pairs": scored.height,
        "decisions": dict(pair_rows.group_by("decision").len().sort("decision").iter_rows()),
        **{f"guard_{k}": v for k, v in info.items()},
        "seconds": seconds,
    }
    return IncrementResult(
        lineage,
        pair_rows,
        dropped.with_columns(pl.lit("no blocking rule pairs them any more").alias("reason")),
        golden,
        pl.DataFrame({"entity_id": retired}),
        review,
        merged,
        blocking,
        new_state,
        stats,
    )


def _score_entering(
    work: pl.DataFrame, entering: pl.DataFrame, state: MatchState, spec: MatchSpec, reviewed: pl.DataFrame
) -> pl.DataFrame:
    """Pairs new to the candidates (l, r, rules), scored with the frozen model on their records alone."""
    return _score(work, entering, state, spec, reviewed).with_columns(
        entering["rules"].alias("rules"), pl.lit(False).alias("_inner")
    )


def _both(pairs: pl.DataFrame, rows: pl.Series) -> pl.Series:
    """Per pair, whether both its records are flagged in ``rows`` (a boolean per row)."""
    return rows.gather(pairs[L]) & rows.gather(pairs[R])
