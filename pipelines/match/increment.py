"""Increments: new or changed records matched against a saved run, without re-matching everything.

    state = load_state("people.state", spec)          # or match(..., keep_state=True).state
    result = match_increment(state, new_records, spec)
    result.records   # lineage of every record whose entity was re-clustered (new ones included)
    result.pairs     # pairs scored or re-decided (from spec.pair_floor up), the same decision/reason columns as a full run
    result.state     # the whole updated state (save_state it for the next increment)

The result equals a full re-match of the same data with the same frozen model and verdicts
(``match(all_records, spec, model=state.frozen, previous=state.records, labelled_pairs=result.state.labelled,
cannot_link_pairs=result.state.cannot_link)``), where the data
is the state's records without the changed and withdrawn ones, followed by the increment's records in
their order. It is built so:

1. A *changed* record (a record id the state holds) is its old version removed and its
   new version added; a *withdrawn* one (``withdrawn``: deleted in its source) is removed.
   Row numbers of the remaining records keep their order.
2. Blocking: per rule, only the blocks (key values) holding a new or removed record are
   looked at. Their existing records are found by the block hash the state keeps per record
   and rule (``blocking.block_ids``, computed once when a state has none), then their keys
   compared (two keys of one hash are two blocks). One compared all-against-all before and after (within ``max_block``) gains the
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
4. Verdicts: reviewers' decisions given with the increment (``labelled_pairs``, ``cannot_link_pairs``)
   are added to the state's, and the full re-match it equals is given all of them. A saved pair whose
   verdict is new (or turns to "different") gets its veto and forced link again as a full run scores it,
   one no rule proposes enters as a candidate (rules 0); both its records are seeds (step 3).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import polars as pl

from pipelines.match.blocking import (
    BLOCK_HASH,
    block_hash,
    block_ids,
    gap,
    hashed_rows,
    keyed_rows,
    list_columns,
    plain_pairs,
    rule_pairs,
    windowed,
)
from pipelines.match.cluster import FORCED, connected_components, guarded_clusters
from pipelines.match.engine import (
    StepTimer,
    _kept,
    _lineage,
    _pair_table,
    _review_items_line,
    _review_queue,
    _reviewed_pairs,
    _veto,
    _with_reviews,
    decide,
    is_link,
    items_between,
    pair_key,
    score_pairs,
)
from pipelines.match.entities import assign_entity_ids, golden_records
from pipelines.match.learning import (
    VerdictsSinceFit,
    frozen_model_note,
    merged_verdicts,
    refit_advised,
    verdict_coverage,
    verdicts_since_fit,
)
from pipelines.match.prepare import ROW, prepare
from pipelines.match.spec import BlockingRule, MatchSpec
from pipelines.match.state import MatchState, StateError, ensure_block_ids, verdicts

log = logging.getLogger("wardbridge.match")

L, R = "l", "r"
BLOCK = "_blk"  # a touched block's number, the key of the rule ``_rule_delta`` hands on
PATCHED = "_at"  # a saved pair's row in the verdict patch
DELTA_THREADS = 2  # blocking rules whose delta is worked out side by side (and the new state's tables)
GONE = 0xFFFFFFFF  # a removed record's side in a saved pair's key (no row has this number: the key matches none)


@dataclass
class IncrementResult:
    records: pl.DataFrame  # lineage of the re-clustered records (new and changed ones included), row order
    pairs: pl.DataFrame  # pair-table rows of pairs among re-clustered records (scored or re-decided), from
    # spec.pair_floor up, in row order
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
            f"increment: {s['new_records']:,} new, {s['changed_records']:,} changed and {s['withdrawn_records']:,} "
            f"withdrawn records against {s['state_records']:,}"
            + (f" ({s['withdrawn_unknown']:,} withdrawn ids it does not hold)" if s.get("withdrawn_unknown") else "")
            + f"; {s['reclustered_records']:,} records re-clustered "
            f"({s['seed_records']:,} seeds), {s['unchanged_entities']:,} entities untouched",
            f"pairs: {s['pairs_entered']:,} new candidates, {s['pairs_left']:,} no longer candidates, "
            f"{s['pairs_rules_changed']:,} found by other rules; decisions among re-clustered records: "
            + ", ".join(f"{k} {v:,}" for k, v in s["decisions"].items()),
            f"entities: {s['entities']:,} now ({s['new_entities']:,} new, {s['merged_entities']:,} merged into "
            f"another, {s['retired_entities']:,} retired)",
            *_review_items_line(s, " among re-clustered records"),  # its .review: not the state's whole queue
        ]
        v = s.get("verdicts", {})
        if v.get("pairs"):  # counts only: a verdict names records
            lines.append(
                f"verdicts: {v['usable']:,} of {v['pairs']:,} given pairs used ({v['unknown_records']:,} name a record "
                f"id the data does not hold, {v['same_record']:,} pair a record with itself: left out); "
                f"{s['verdicts_changed']:,} pairs with a new verdict re-decided"
            )
        if s.get("verdicts_since_fit"):
            lines.append(
                frozen_model_note(s["verdicts_since_fit"], s.get("verdicts_since_fit_given", {}), "this increment")
            )
        capped = self.blocking.filter(pl.col("capped_blocks_touched") > 0)
        if capped.height:
            lines.append(
                "capped blocks touched (windows diffed or re-paired): "
                + ", ".join(f"{r} {n:,}" for r, n in capped.select("rule", "capped_blocks_touched").iter_rows())
            )
        cpu = s.get("cpu_seconds", {})
        lines.append(
            "time: "
            + ", ".join(
                f"{k} {v:.2f}s" + (f" (CPU {cpu[k]:.2f}s)" if k in cpu else "") for k, v in s["seconds"].items()
            )
        )
        return "\n".join(lines)


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


def _blocking_delta(
    old_work: pl.DataFrame,
    added_work: pl.DataFrame,
    removed_rows: pl.Series,
    mapping: pl.Series,
    old_ids: pl.DataFrame,
    spec: MatchSpec,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Per pair whose rules change: the rule bits it gains (``set``) and loses (``clear``); a report per rule;
    the added records' ``block_ids`` (``blocking.block_ids``, the same hashes the state keeps for its records).

    Pairs are in new row numbers; ``added_work`` is already numbered after the kept records. Per touched
    block: one compared all-against-all before and after gains the pairs of its new records (pairs of two
    kept records stay, those of a removed record leave with it); one sorted-window paired before and after
    changes only around its inserted and removed records (``_window_delta``); any other (it crosses
    ``max_block``, or a windowed block of a list-keyed rule) is paired whole before and after, and the
    difference taken (``_whole_delta``)."""
    parts, report = [], []
    keep = mapping.is_not_null()
    removed_work = old_work[removed_rows]  # gathered once (every rule keys the removed records)

    def one_rule(i: int) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
        rule = spec.blocking[i]
        added = keyed_rows(added_work, rule).with_columns(block_hash(rule))
        return _rule_delta(old_work, added, removed_work, mapping, keep, old_ids[rule.name], rule, i)

    # rules are independent: two at a time (Polars and numpy release the GIL), results in spec order; the added
    # records' block ids beside them
    with ThreadPoolExecutor(max_workers=DELTA_THREADS) as pool:
        added_ids = pool.submit(block_ids, added_work, spec)
        for i, (gained, lost, row) in enumerate(pool.map(one_rule, range(len(spec.blocking)))):
            bit = 1 << i
            parts += [  # (an empty one adds nothing: most are, on a small increment)
                p.with_columns(pl.lit(s, pl.UInt32).alias("set"), pl.lit(c, pl.UInt32).alias("clear"))
                for p, s, c in ((gained, bit, 0), (lost, 0, bit))
                if p.height
            ]
            report.append(row)
        added_ids = added_ids.result()
    if not parts:
        parts = [_no_pairs().with_columns(pl.lit(0, pl.UInt32).alias("set"), pl.lit(0, pl.UInt32).alias("clear"))]
    delta = pl.concat(parts).group_by(L, R).agg(pl.col("set").sum(), pl.col("clear").sum())
    return delta, pl.DataFrame(report), added_ids


def _delta_report(
    rule: str, touched: int = 0, whole: int = 0, windowed: int = 0, gained: int = 0, lost: int = 0, capped: int = 0
) -> dict[str, str | int]:
    """A rule's row of the increment's blocking report (``_rule_delta``)."""
    return {
        "rule": rule,
        "touched_blocks": touched,
        "blocks_paired_whole": whole,
        "windowed_blocks_touched": windowed,
        "pairs_gained": gained,
        "pairs_lost": lost,
        "capped_blocks_touched": capped,
    }


def _no_pairs() -> pl.DataFrame:
    """No pair, in the form of a rule's pairs gained or lost (new row numbers)."""
    return pl.DataFrame(schema={L: pl.UInt32, R: pl.UInt32})


def _rule_delta(
    old_work: pl.DataFrame,
    added: pl.DataFrame,
    removed_work: pl.DataFrame,
    mapping: pl.Series,
    keep: pl.Series,
    old_ids: pl.Series,
    rule: BlockingRule,
    index: int,
) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """One rule's pairs gained and lost, and its report row. Its touched blocks are sorted by how they pair
    before and after (all-against-all, sorted window, or a change of kind), as each kind has its own cheap
    way to the difference. From the touched blocks on, a block is named by its number (``_blk``): the
    steps after read ``rule`` keyed on it (``numbered``). ``added``: the added records' keyed rows with hashes."""
    lists = bool(list_columns(old_work.schema, rule))
    touched, old_blocks, added_t = _touched_blocks(old_work, added, removed_work, old_ids, rule)
    if not touched.height:  # no block holds a new or removed record: the rule pairs as before (its steps below
        # would each end empty; on small increments a third of the rules, each some 25 Polars calls)
        none = _no_pairs()
        return none, none, _delta_report(rule.name)
    rule, original = replace(rule, on=(BLOCK,)), rule
    on = [BLOCK]
    sizes = _block_sizes(old_blocks, added_t, keep, rule)
    both_big = pl.col("big0") & pl.col("big1")
    sliding = sizes.filter(both_big & (not lists)).select(on)
    whole = sizes.filter((pl.col("big0") != pl.col("big1")) | (both_big & lists)).select(on)
    whole_gained, lost, capped = _whole_delta(old_blocks, added_t, whole, mapping, rule, index)
    if lost.height and lists:
        lost = _still_found(lost, old_work, touched.join(whole, on=BLOCK).drop(BLOCK), mapping, original, index)
    gained = [whole_gained]
    if sliding.height:
        w_gained, w_lost = _window_delta(
            old_blocks.join(sliding, on=on, how="semi"),
            added_t.join(sliding, on=on, how="semi"),
            keep,
            mapping,
            rule,
        )
        gained.append(w_gained)
        lost = pl.concat([lost, w_lost])
    plain = sizes.filter(~pl.col("big0") & ~pl.col("big1")).select(on)
    gained.append(_plain_delta(old_blocks, added_t, plain, mapping, rule))
    gained = pl.concat(gained)
    if lists:  # a list-keyed rule may pair a new record with another through several keys
        gained = gained.unique()
    counts = (touched.height, whole.height, sliding.height, gained.height, lost.height, capped.height + sliding.height)
    return gained, lost, _delta_report(original.name, *counts)


def _touched_blocks(
    old_work: pl.DataFrame, added: pl.DataFrame, removed_work: pl.DataFrame, old_ids: pl.Series, rule: BlockingRule
) -> tuple[pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None]:
    """The rule's blocks (key values, numbered ``_blk``) holding a new or removed record, their existing records
    (old row numbers) and their new records, both with the block's number: only those blocks can pair
    differently. The existing records are found by their saved block hashes (``old_ids``), then joined on
    the key itself (two keys of one hash are not one block). With ``rule.missing``, only blocks holding a
    record missing that column (before or after) are kept, also decided on the key itself. ``added``: the added
    records' keyed rows (``keyed_rows``) with their hashes. No touched block: no records either (None, None)."""
    on = list(rule.on)
    gone = keyed_rows(removed_work, rule).with_columns(block_hash(rule)) if removed_work.height else None
    touched = pl.concat([added.select(*on, BLOCK_HASH), *([gone.select(*on, BLOCK_HASH)] if gone is not None else [])])
    touched = touched.unique(on)
    lists = isinstance(old_ids.dtype, pl.List)
    saved = hashed_rows(old_ids) if lists else None  # (one key a record: its hash read off ``old_ids`` by row)
    if rule.missing:  # a block pairs only when it holds a record missing the column: others never pair
        # (by hash first, which keeps every gap block and fewer rows to look at; by key below)
        old_gap = old_work[rule.missing].is_null()
        old_gaps = saved.filter(old_gap.gather(saved[ROW]))[BLOCK_HASH] if lists else old_ids.filter(old_gap)
        gaps = pl.concat([old_gaps.drop_nulls().alias(BLOCK_HASH), added.filter(gap(rule))[BLOCK_HASH]])
        touched = touched.join(gaps.to_frame(), on=BLOCK_HASH, how="semi")
    touched = touched.with_row_index(BLOCK)
    if not touched.height:  # (no new or removed record has a key of the rule: nothing to look up)
        return touched.drop(BLOCK_HASH), None, None
    if lists:  # the hit records' keys, hashed again (a record has several)
        hit = saved.join(touched.select(BLOCK_HASH), on=BLOCK_HASH, how="semi")
        rows = hit[ROW].unique().sort()
        old_blocks = keyed_rows(old_work.select(ROW, *rule.columns)[rows], rule).with_columns(block_hash(rule))
    else:  # one key a record: the rows whose saved hash is a touched one (a mask: no frame of every record's hash)
        rows = old_ids.is_in(touched[BLOCK_HASH].implode()).fill_null(False).arg_true()
        old_blocks = old_work.select(ROW, *rule.columns)[rows].with_columns(old_ids.gather(rows).alias(BLOCK_HASH))
    old_blocks, added_t = _in_block(old_blocks, touched, on), _in_block(added, touched, on)
    if rule.missing:  # the gap blocks by key: a touched key sharing only its hash with a gap block is no gap block
        gaps = pl.concat([old_blocks.filter(gap(rule))[BLOCK], added_t.filter(gap(rule))[BLOCK]]).unique()
        touched, old_blocks, added_t = (
            f.filter(pl.col(BLOCK).is_in(gaps.implode())) for f in (touched, old_blocks, added_t)
        )
    return touched.drop(BLOCK_HASH), old_blocks, added_t


def _in_block(keyed: pl.DataFrame, touched: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """The rows of ``keyed`` (with their block hash) in a touched block, with its number: joined on the hash,
    then the key compared (two keys of one hash are not one block)."""
    joined = keyed.join(touched.rename({c: f"{c}_t" for c in on}), on=BLOCK_HASH)
    return joined.filter(*(pl.col(c) == pl.col(f"{c}_t") for c in on)).drop(BLOCK_HASH, *(f"{c}_t" for c in on))


def _block_sizes(old_blocks: pl.DataFrame, added_t: pl.DataFrame, keep: pl.Series, rule: BlockingRule) -> pl.DataFrame:
    """Per touched block: its size (and records missing ``rule.missing``) before and after, and whether it is
    sorted-window paired before (``big0``) and after (``big1``), as ``rule_pairs`` decides it."""
    on = list(rule.on)
    missing = gap(rule).cast(pl.Int64)
    return (
        pl.concat(
            [
                old_blocks.select(*on, kept=keep.gather(old_blocks[ROW]).cast(pl.Int64), gap=missing, old=pl.lit(1)),
                added_t.select(*on, kept=pl.lit(1), gap=missing, old=pl.lit(0)),
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
        .with_columns(windowed(rule, "n0", "k0").alias("big0"), windowed(rule, "n1", "k1").alias("big1"))
    )


def _whole_delta(
    old_blocks: pl.DataFrame,
    added_t: pl.DataFrame,
    whole: pl.DataFrame,
    mapping: pl.Series,
    rule: BlockingRule,
    index: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Pairs gained and lost, and the capped blocks after, of the ``whole`` blocks: those that cross
    ``max_block`` (or windowed blocks of a list-keyed rule) have no cheaper difference than pairing them
    whole before and after."""
    if not whole.height:  # (the usual case: no touched block crosses max_block) nothing gained, lost or capped
        return _no_pairs(), _no_pairs(), _pairs_of(whole, rule, index)[1]
    on = list(rule.on)
    old_whole = old_blocks.join(whole, on=on, how="semi")
    before, _ = _pairs_of(old_whole, rule, index)
    before = _renumber(before, mapping, (L, R))
    added_whole = added_t.join(whole, on=on, how="semi")
    after, capped = _pairs_of(
        pl.concat(
            [_renumber(old_whole, mapping, (ROW,)), added_whole.select(old_whole.columns)], how="vertical_relaxed"
        ),
        rule,
        index,
    )
    return after.join(before, on=[L, R], how="anti"), before.join(after, on=[L, R], how="anti"), capped


def _plain_delta(
    old_blocks: pl.DataFrame, added_t: pl.DataFrame, plain: pl.DataFrame, mapping: pl.Series, rule: BlockingRule
) -> pl.DataFrame:
    """Pairs gained in the ``plain`` blocks (all-against-all before and after): only pairs with a new record
    (``plain_pairs``); none is lost but those of a removed record, which leave with it."""
    if not plain.height:
        return _no_pairs()
    on = list(rule.on)
    members = _renumber(old_blocks.join(plain, on=on, how="semi"), mapping, (ROW,))
    added_plain = added_t.join(plain, on=on, how="semi")
    members = pl.concat([members, added_plain.select(members.columns)], how="vertical_relaxed")
    return plain_pairs(added_plain, members, rule).select(pl.col(L, R).cast(pl.UInt32)).unique()


def _window_delta(
    old_blocks: pl.DataFrame, added: pl.DataFrame, keep: pl.Series, mapping: pl.Series, rule: BlockingRule
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pairs gained and lost (new row numbers) by blocks sorted-window paired before and after.

    Each block is sorted once with its old, kept and new records together (``_window_sequence``): the old
    order is that sequence without the new records, the new order without the removed ones. A pair (x, y)
    of a window of ``w`` changes only when a record entered or left between them, so only pairs starting
    within ``w`` places before an inserted or removed record are looked at: lost when their new distance
    exceeds ``w``, gained when a side is new or their old distance exceeded ``w``."""
    w = rule.window
    seq = _window_sequence(old_blocks, added, keep, mapping, rule)
    old = seq.filter(pl.col("_s") < 2)
    new = seq.filter(pl.col("_s") > 0)
    blocks = int(seq["_b"].max()) + 1
    # lost: old pairs of two kept records with a new record now between them, more than w places apart
    # (the o rank of a new record is that of the old record before it: pairs starting there or up to w-1 before)
    lost = _window_ends(_window_starts(seq.filter(pl.col("_s") == 2), "_o", pl.col("_o") - w + 1, w), old, "_o", blocks)
    lost = lost.filter((pl.col("_s") == 1) & (pl.col("_s_y") == 1) & (pl.col("_n_y") - pl.col("_n") > w))
    # gained: new pairs with a new record (starting at it or up to w places before), or of two kept records
    # a removed one stood between (the n rank of a removed record is that of the new-order record before it)
    first = pl.col("_n") - w + (pl.col("_s") == 0).cast(pl.Int64)
    gained = _window_ends(_window_starts(seq.filter(pl.col("_s") != 1), "_n", first, w), new, "_n", blocks)
    gained = gained.filter((pl.col("_s") == 2) | (pl.col("_s_y") == 2) | (pl.col("_o_y") - pl.col("_o") > w))
    return _window_pairs(gained, rule), _window_pairs(lost, rule)


def _window_sequence(
    old_blocks: pl.DataFrame, added: pl.DataFrame, keep: pl.Series, mapping: pl.Series, rule: BlockingRule
) -> pl.DataFrame:
    """The touched windowed blocks' old, kept and new records in one sorted sequence: block (``_b``), side
    (``_s``: 0 removed, 1 kept, 2 new), new row, missing flag, and the rank in the old (``_o``) and new
    (``_n``) order of the block. A removed record sits where its old row put it among the kept ones, so both
    orders are read off one sort."""
    on = list(rule.on)
    u32 = pl.UInt32
    rows = old_blocks[ROW]
    cols = list(rule.columns)
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
    )
    # sorted by a permutation gathering only the small columns the ranks read (not the sort's strings)
    order = seq.select(pl.arg_sort_by([*on, *rule.sort_by, "_key", "_old"]))[:, 0]
    seq = seq.select(*on, "_s", "_row", gap(rule).alias("_gap"))[order]
    seq = seq.select(pl.struct(on).rle_id().alias("_b"), "_s", "_row", "_gap")
    # rank of each record in the old and in the new order of its block: running counts less the block's start
    b, side = seq["_b"].to_numpy(), seq["_s"].to_numpy()
    first = np.r_[0, np.flatnonzero(np.diff(b)) + 1]  # each block's first row
    ranks = {}
    for name, member in (("_o", side < 2), ("_n", side > 0)):
        count = np.cumsum(member, dtype=np.int64)
        ranks[name] = count - 1 - (count - member)[first][b]
    return seq.with_columns(pl.Series("_o", ranks["_o"]), pl.Series("_n", ranks["_n"]))


def _window_starts(frame: pl.DataFrame, rank: str, first: pl.Expr, w: int) -> pl.DataFrame:
    """Window pairs (block, ``rank``, ``rank``_y) to look at: left ends from ``first`` to each change's own
    rank, each with the ``w`` places after it."""
    return (
        frame.select("_b", pl.int_ranges(pl.max_horizontal(first, 0), pl.col(rank) + 1).alias(rank))
        .explode(rank)
        .unique()
        .with_columns(pl.int_ranges(pl.col(rank) + 1, pl.col(rank) + w + 1).alias(f"{rank}_y"))
        .explode(f"{rank}_y")
    )


def _window_ends(candidates: pl.DataFrame, table: pl.DataFrame, rank: str, blocks: int) -> pl.DataFrame:
    """Both ends' columns, found by position: ``table`` is sorted by block and rank, ranks 0.. per block
    (a candidate past its block's end is dropped)."""
    sizes = np.bincount(table["_b"].to_numpy(), minlength=blocks)
    start = pl.Series(np.cumsum(sizes) - sizes, dtype=pl.Int64)
    candidates = candidates.filter(pl.col(f"{rank}_y") < pl.Series(sizes, dtype=pl.Int64).gather(candidates["_b"]))
    side = table.select("_s", "_row", "_gap", "_o", "_n")
    first = start.gather(candidates["_b"])
    at_x, at_y = first + candidates[rank], first + candidates[f"{rank}_y"]
    return pl.concat([side[at_x], side[at_y].rename(lambda c: f"{c}_y")], how="horizontal")


def _window_pairs(frame: pl.DataFrame, rule: BlockingRule) -> pl.DataFrame:
    """Window pairs as (l, r) new rows; with ``missing``, only those where a side misses the column."""
    if rule.missing:
        frame = frame.filter(pl.col("_gap") | pl.col("_gap_y"))
    return frame.select(pl.min_horizontal("_row", "_row_y").alias(L), pl.max_horizontal("_row", "_row_y").alias(R))


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
    mine = _renumber(keyed_rows(old_work[old_rows], rule), mapping, (ROW,)).select(ROW, *on)
    shared = (
        lost.join(mine.rename({ROW: L}), on=L).join(mine.rename({ROW: R}), on=[R, *on]).join(whole, on=on, how="anti")
    )
    if not shared.height:
        return lost
    keys = shared.select(on).unique()
    blocks = keyed_rows(old_work, rule, keys)
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
    keys = {c for rule in spec.blocking for c in rule.columns}
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
    state: MatchState,
    frame: pl.DataFrame | None,
    spec: MatchSpec,
    *,
    labelled_pairs: pl.DataFrame | None = None,
    cannot_link_pairs: pl.DataFrame | None = None,
    withdrawn: pl.Series | Sequence[str] | None = None,
    source: str = "increment",
) -> IncrementResult:
    """Match new or changed records (``frame``, the spec's input columns; None: none) against a saved run's state.

    labelled_pairs / cannot_link_pairs: reviewers' verdicts given since the saved run (left_id, right_id:
    "same entity" / "different entities"), added to the state's. They take effect as in a full run given all
    of them: a "same" pair is linked whatever its score (scored first if no rule proposes it), a "different"
    pair is never linked, directly or through a third record; both records of every pair whose verdict is new
    (or turns from "same" to "different": a pair judged both ways counts as different) are re-clustered.

    withdrawn: record ids deleted in their source since the saved run: removed with their pairs (their linked
    records re-clustered: an entity they held together may split; one they alone made is retired). An id the
    state does not hold is counted (``stats["withdrawn_unknown"]``); one also in ``frame`` is refused; a bare
    str (not a list of ids) is refused with a TypeError.

    The steps (timed under the names given to ``lap``) each hand explicit values to the next: the rows
    renumbered, the blocking delta, the candidates that enter or leave, their scores, the components to
    re-cluster, the clusters, the entity ids, and the new state."""
    _check_withdrawn(withdrawn, source)
    lap = StepTimer("increment %s: %.2f s (peak %.0f MiB)")

    state.frozen.check(spec, "the saved run")
    rows = _renumbered_rows(state, state.frame.clear() if frame is None else frame, spec, source, withdrawn)
    lap("prepare")

    old_ids = ensure_block_ids(state, spec, "the saved run")
    delta, blocking, added_ids = _blocking_delta(
        rows.old_work, rows.added_work, rows.removed_rows, rows.mapping, old_ids, spec
    )
    lap("blocking")

    saved = _saved_pairs(state.scored, rows, spec)
    given = _given_verdicts(state, rows, spec, labelled_pairs, cannot_link_pairs)
    since_fit = given.since_fit.count
    state, saved = _apply_verdicts(state, saved, given, spec)
    reviewed = given.reviewed
    entering, leaving, recoded = _candidate_changes(delta, saved, reviewed)
    lap("delta")

    fresh = _score_entering(rows.work, entering, state, spec, reviewed)
    lap("score")

    touched = _touched_components(rows, saved, leaving, fresh, given.changed, spec)
    lap("components")

    saved_rules = _saved_rules(state.scored, saved, recoded)
    clustered = _recluster(rows.work, saved, touched, saved_rules, fresh, state, spec, reviewed)
    lap("cluster")

    ids = _entity_ids(rows, touched, clustered.clusters, state, spec)
    out = _redecided_outputs(rows, touched, clustered, ids, fresh, state, spec)
    lap("entities")

    new_state, retired = _new_state(
        rows, saved, touched, clustered, ids, out, entering, leaving, saved_rules, state, (old_ids, added_ids)
    )
    new_state.verdicts_since_fit, new_state.verdicts_seen = since_fit, given.since_fit.seen
    _advise_refit(since_fit)
    dropped = leaving.select(
        rows.ids.gather(leaving[L]).alias("left_id"), rows.ids.gather(leaving[R]).alias("right_id")
    )
    lap("state")
    stats = _increment_stats(
        rows, touched, clustered, ids, out, state, new_state, retired, entering, leaving, recoded, given, since_fit, lap
    )
    return _increment_result(out, dropped, retired, ids, blocking, new_state, stats)


def _increment_result(
    out: _Outputs,
    dropped: pl.DataFrame,
    retired: pl.Series,
    ids: _Ids,
    blocking: pl.DataFrame,
    new_state: MatchState,
    stats: dict,
) -> IncrementResult:
    """The result's tables in IncrementResult's order; ``dropped``: the pairs that left, with their reason."""
    return IncrementResult(
        out.lineage,
        out.pair_rows,
        dropped.with_columns(pl.lit("no blocking rule pairs them any more").alias("reason")),
        out.golden,
        pl.DataFrame({"entity_id": retired}),
        out.review,
        ids.merged,
        blocking,
        new_state,
        stats,
    )


def _check_withdrawn(withdrawn: pl.Series | Sequence[str] | None, source: str) -> None:
    """A bare str (or bytes) is refused: it is a Sequence[str] too."""
    if isinstance(withdrawn, str | bytes):  # a str is a Sequence[str]: "123" would withdraw "1", "2" and "3"
        raise TypeError(
            f"{source}: withdrawn takes a list or Series of record ids, not one {type(withdrawn).__name__}: "
            "give one id as [id]"
        )


def _advise_refit(since_fit: int) -> None:
    """The warning that verdicts since the fit have not refined m, once there are enough of them."""
    if refit_advised(since_fit):
        log.warning(
            "increment: %d verdicts ('same' or 'different') since the model was fitted are applied (linked or "
            "vetoed) but have not refined m "
            "(m stays frozen in an increment): a full run without --model refits m from every verdict (optional: "
            "the verdicts already link or veto here; a refit moves m only by their share of the candidate pairs)",
            since_fit,
        )


def _increment_stats(
    rows: _Rows,
    touched: _Touched,
    clustered: _Clustered,
    ids: _Ids,
    out: _Outputs,
    state: MatchState,
    new_state: MatchState,
    retired: pl.Series,
    entering: pl.DataFrame,
    leaving: pl.DataFrame,
    recoded: pl.DataFrame,
    given: _Verdicts,
    since_fit: int,
    lap: StepTimer,
) -> dict:
    """The increment's figures (IncrementResult.stats); the steps' seconds read last."""
    old_entities = ids.previous["entity_id"].n_unique()  # the saved entities of re-clustered or removed records
    return {
        "state_records": rows.old_work.height,
        "new_records": int(rows.new_rows.len() - rows.changed),
        "changed_records": rows.changed,
        "withdrawn_records": int(rows.removed.sum()) - rows.changed,
        "withdrawn_unknown": rows.withdrawn_unknown,
        "records": rows.work.height,
        "seed_records": touched.seeds.len(),
        "reclustered_records": touched.rows.len(),
        # (an entity with a re-clustered or removed record is among old_entities: the others are untouched)
        "unchanged_entities": state.entities.height - old_entities,
        "entities": new_state.entities.height,
        "new_entities": int((~ids.entity_ids.unique().is_in(ids.previous["entity_id"].implode())).sum()),
        "merged_entities": ids.merged.height,
        "retired_entities": retired.len(),
        "pairs_entered": entering.height,
        "pairs_left": leaving.height,
        "pairs_rules_changed": recoded.height,
        "verdicts": given.coverage,
        "verdicts_changed": given.changed.height,
        "verdicts_since_fit": since_fit,  # "same" and "different" ones the frozen m has not learned from (no refit)
        "verdicts_since_fit_given": given.since_fit.given,  # those this increment added, by verdict
        "pairs": new_state.scored.height,
        # every re-decided pair (the pair table holds those from spec.pair_floor up)
        "decisions": dict(out.redecided.group_by("decision").len().sort("decision").iter_rows()),
        "review_pairs": out.review.height,  # queued among re-clustered records, as a full run's review_pairs
        "review_items": _review_items(out.review, new_state.records),
        **{f"guard_{k}": v for k, v in clustered.info.items()},
        "seconds": lap.seconds,
        "cpu_seconds": lap.cpu_seconds,  # all threads: on a busy machine the steadier figure
    }


def _review_items(review: pl.DataFrame, records: pl.DataFrame) -> int:
    """The review questions the queued pairs ``review`` (left_id, right_id) make, counted as a full run counts them
    (``items_between`` the entities of their records; ``records``: record_id, entity_id of every record)."""
    if not review.height:
        return 0
    entity = records.select(pl.col("record_id").cast(pl.String), "entity_id")
    ends = review.select(pl.col("left_id").cast(pl.String), pl.col("right_id").cast(pl.String))
    left = ends.join(entity, left_on="left_id", right_on="record_id", how="left", maintain_order="left")
    right = ends.join(entity, left_on="right_id", right_on="record_id", how="left", maintain_order="left")
    return items_between(left["entity_id"], right["entity_id"])


@dataclass(frozen=True)
class _Rows:
    """The increment's records after the saved ones, and how old row numbers map to new ones."""

    old_work: pl.DataFrame  # the saved run's prepared records (old row numbers)
    added_work: pl.DataFrame  # the increment's prepared records, numbered after the kept ones
    work: pl.DataFrame  # kept records renumbered 0.., then the increment's records
    frame: pl.DataFrame  # the input rows in the same order
    ids: pl.Series  # record id per new row
    removed: pl.Series  # per old row: a changed record (its new version is in the increment) or a withdrawn one
    keep: pl.Series  # per old row: not removed
    mapping: pl.Series  # per old row: its new row (null: removed)
    removed_rows: pl.Series  # old rows of the removed records
    n_keep: int
    new_rows: pl.Series  # new rows of the increment's records
    changed: int  # removed records with a new version
    withdrawn_unknown: int  # withdrawn ids the state does not hold


def _renumbered_rows(
    state: MatchState, frame: pl.DataFrame, spec: MatchSpec, source: str, withdrawn: pl.Series | Sequence[str] | None
) -> _Rows:
    """The increment prepared, and the data a full re-match would see: the saved records without the changed and
    withdrawn ones (their order kept), followed by the increment's records in their order."""
    idc = spec.id_column
    new_work = prepare(frame, spec, source=source)
    old_work = state.work
    changed = old_work[idc].is_in(new_work[idc].implode())
    removed, unknown = changed, 0
    if withdrawn is not None and len(withdrawn):
        gone = pl.Series("withdrawn", withdrawn).cast(pl.String).drop_nulls().unique()
        both = gone.is_in(new_work[idc].cast(pl.String).implode()).sum()
        if both:  # (counts only: ids are personal values)
            raise StateError(
                f"{source}: {both:,} withdrawn record ids are also among the increment's records: a record is either "
                "withdrawn or sent again, not both"
            )
        held = old_work[idc].cast(pl.String)
        withdrawn_rows = held.is_in(gone.implode())
        # ids withdrawn the state does not hold (its ids are distinct; the few hit ones counted, not every id hashed)
        unknown = gone.len() - held.filter(withdrawn_rows).n_unique()
        removed = changed | withdrawn_rows
        if unknown:
            log.warning(
                "%s: %d withdrawn record ids are not in the saved run (already gone?): ignored", source, unknown
            )
    keep = ~removed
    n_keep, k = int(keep.sum()), new_work.height
    mapping = (keep.cast(pl.UInt32).cum_sum() - 1).zip_with(keep, pl.Series([None], dtype=pl.UInt32))
    added_work = _aligned(new_work, old_work, "prepared table", source).with_columns(
        (pl.col(ROW) + n_keep).cast(pl.UInt32)
    )
    work = pl.concat(
        [old_work.filter(keep).with_columns(pl.int_range(n_keep, dtype=pl.UInt32).alias(ROW)), added_work],
        how="diagonal_relaxed",
    )
    frame = pl.concat([state.frame.filter(keep), _aligned(frame, state.frame, "input", source)], how="diagonal_relaxed")
    return _Rows(
        old_work=old_work,
        added_work=added_work,
        work=work,
        frame=frame,
        ids=work[idc].rechunk(),  # gathered from by every step after: in one chunk
        removed=removed,
        keep=keep,
        mapping=mapping,
        removed_rows=removed.arg_true().cast(pl.UInt32),
        n_keep=n_keep,
        new_rows=pl.int_range(n_keep, n_keep + k, dtype=pl.UInt32, eager=True),
        changed=int(changed.sum()),
        withdrawn_unknown=unknown,
    )


@dataclass(frozen=True)
class _Saved:
    """Per saved pair (tens of millions at city scale, so each computed once): its records in new row numbers
    and what the later steps ask of it."""

    ends: pl.DataFrame  # l, r in new row numbers (null: a removed record)
    alive: pl.Series  # both records kept
    k: pl.Series  # pair key (of the new row numbers; a removed record's side is GONE, which no row is: no key matches)
    inner: pl.Series  # a guard pair, not a candidate
    link: pl.Series  # a link
    graph: pl.DataFrame  # k, rules of the candidates between kept records
    neighbours: pl.Series  # new rows of the kept records a removed record was linked to
    # saved pairs whose verdict changed (row ``PATCHED``) with their veto and forced link as a full run scores them
    patch: pl.DataFrame | None = None


def _saved_pairs(old_scored: pl.DataFrame, rows: _Rows, spec: MatchSpec) -> _Saved:
    """The saved pairs seen in new row numbers; the table itself is copied once, in ``_new_state``."""
    mapping, removed_rows = rows.mapping, rows.removed_rows
    inner = old_scored["_inner"]
    link = old_scored.select(is_link(spec).alias("x"))["x"]  # once: the removed records' links are among these
    if removed_rows.len():
        removed_links = old_scored.select(L, R).filter(
            (pl.col(L).is_in(removed_rows.implode()) | pl.col(R).is_in(removed_rows.implode())) & ~inner & link
        )
        neighbours = pl.concat([removed_links[L], removed_links[R]]).unique()
        neighbours = mapping.gather(neighbours).drop_nulls()
    else:
        neighbours = pl.Series(dtype=pl.UInt32)
    ends = pl.DataFrame({L: mapping.gather(old_scored[L]), R: mapping.gather(old_scored[R])})
    alive = ends[L].is_not_null() & ends[R].is_not_null()
    # pair keys packed in numpy, in place (pair_key's expression makes a temporary per operation, millions long)
    new_row = mapping.fill_null(GONE).to_numpy()
    k = new_row[old_scored[L].to_numpy()].astype(np.uint64)
    k <<= np.uint64(32)
    k |= new_row[old_scored[R].to_numpy()]
    k = pl.Series("k", k)
    return _Saved(
        ends=ends,
        alive=alive,
        k=k,
        inner=inner,
        link=link,
        graph=pl.DataFrame({"k": k, "rules": old_scored["rules"]}).filter(~inner & alive),
        neighbours=neighbours,
    )


@dataclass(frozen=True)
class _Verdicts:
    """Reviewers' verdicts after the increment: the saved ones and those it was given."""

    same: pl.DataFrame  # left_id, right_id: every "same entity" verdict (saved first, repeats dropped)
    different: pl.DataFrame  # every "different entities" verdict
    reviewed: pl.DataFrame  # l, r, same: all of them on the new rows (``_reviewed_pairs``)
    changed: pl.DataFrame  # l, r, same: pairs whose verdict the given ones add or turn to "different"
    # the labels m has not learned from after the increment (``learning.verdicts_since_fit``): the pairs whose verdict
    # becomes usable (given now, or saved and naming a record that arrives now) or turns to "different", each counted
    # once in either orientation (a verdict repeated, or "same" given for a pair judged different, adds none); every
    # verdict usable since the fit (``seen``: a record withdrawn and sent again does not count its verdicts twice)
    since_fit: VerdictsSinceFit
    coverage: dict  # verdict_coverage of the given ones (counts, never values)


def _given_verdicts(
    state: MatchState, rows: _Rows, spec: MatchSpec, same: pl.DataFrame | None, different: pl.DataFrame | None
) -> _Verdicts:
    """The saved verdicts with the given ones added, as row pairs of the new rows, and the pairs they change."""
    all_same, all_different = (
        pl.concat([verdicts(saved), verdicts(new)]).unique(maintain_order=True)
        for saved, new in ((state.labelled, same), (state.cannot_link, different))
    )
    # the records the verdicts name, found once (the lookups below then join a few rows, not every record's id)
    named = pl.concat([f[c] for f in (all_same, all_different) for c in ("left_id", "right_id")]).unique()
    held = _named_rows(rows, spec.id_column, named)
    reviewed = _reviewed_pairs(held, spec, all_same, all_different)
    changed = reviewed.clear()
    if any(v is not None and v.height for v in (same, different)):
        before = _reviewed_pairs(held, spec, state.labelled, state.cannot_link)
        changed = (
            reviewed.join(before, on=[L, R], how="left", suffix="_before")
            .filter(pl.col("same_before").is_null() | (pl.col("same") != pl.col("same_before")))
            .select(L, R, "same")
        )
    # a saved verdict on a record that arrives now becomes usable now: counted now, once. Against the verdicts usable
    # on the records held before (a changed record was held) and those usable since the fit (a record withdrawn and
    # sent again: its verdicts were counted when first usable)
    usable_before = _reviewed_pairs(held.filter(_HELD_BEFORE), spec, state.labelled, state.cannot_link)
    seen_before = merged_verdicts(state.verdicts_seen, _id_pairs(usable_before, held, spec.id_column))
    usable = _id_pairs(reviewed, held, spec.id_column)
    since_fit = verdicts_since_fit(state.verdicts_since_fit, seen_before, usable)
    coverage = verdict_coverage(held[spec.id_column], same, different)
    return _Verdicts(all_same, all_different, reviewed, changed, since_fit, coverage)


def _id_pairs(pairs: pl.DataFrame, held: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """Row pairs (l, r, same) as the ids of their records (left_id < right_id as text, same)."""
    index = held.select(pl.col(id_column).cast(pl.String).alias("id"), pl.col(ROW).cast(pl.UInt32))
    named = pairs.join(index.rename({"id": "a", ROW: L}), on=L).join(index.rename({"id": "b", ROW: R}), on=R)
    return named.select(
        pl.min_horizontal("a", "b").alias("left_id"), pl.max_horizontal("a", "b").alias("right_id"), "same"
    )


_HELD_BEFORE = "_held_before"  # a record the saved state held (kept, or changed: its new version)


def _named_rows(rows: _Rows, id_column: str, named: pl.Series) -> pl.DataFrame:
    """The records (id, new row, in row order; ``_HELD_BEFORE``: the saved state held its id) whose id is among
    ``named`` (a few ids): looked up in the saved table and in the increment's apart (the renumbered table is a
    concatenation, slow to scan whole), the saved ones renumbered (a removed record is not held)."""
    wanted = named.implode()
    old = rows.old_work.select(id_column, ROW).filter(pl.col(id_column).cast(pl.String).is_in(wanted))
    saved_ids = old[id_column].cast(pl.String).implode()
    old = old.with_columns(rows.mapping.gather(old[ROW]).alias(ROW)).drop_nulls(ROW)
    new = rows.added_work.select(id_column, ROW).filter(pl.col(id_column).cast(pl.String).is_in(wanted))
    return pl.concat(
        [
            old.with_columns(pl.lit(True).alias(_HELD_BEFORE)),
            new.select(old.columns).with_columns(
                pl.col(id_column).cast(pl.String).is_in(saved_ids).alias(_HELD_BEFORE)
            ),
        ],
        how="vertical_relaxed",
    )


def _apply_verdicts(state: MatchState, saved: _Saved, given: _Verdicts, spec: MatchSpec) -> tuple[MatchState, _Saved]:
    """The state with every verdict; the saved pairs whose verdict changed get their veto and forced link as a full
    run with those verdicts scores them, in a patch (``_Saved.patch``) the re-clustering reads (those pairs are
    always re-clustered), and the saved links re-read for them."""
    state = replace(state, labelled=given.same, cannot_link=given.different)
    changed = given.changed.select(pair_key())["k"]
    at = (saved.k.is_in(changed.implode()).fill_null(False) & saved.alive).arg_true() if changed.len() else None
    if at is None or not at.len():  # (a changed pair no rule proposed enters as a new candidate instead)
        return state, saved
    old = state.scored
    mine = old[at].with_columns(saved.ends[L].gather(at), saved.ends[R].gather(at)).with_columns(_veto(spec))
    mine = _with_reviews(mine, given.changed)  # the pair's cannot-link rule again, then the verdict over it
    # both records of such a pair are seeds: the pair is re-clustered (``_recluster`` reads the patch), never kept
    # as saved, so the saved table's columns are not copied to patch a few rows
    patch = mine.select(at.alias(PATCHED), "veto", "_reviewed_same")
    link = saved.link.clone().scatter(at, mine.select(is_link(spec))[:, 0])
    return state, replace(saved, link=link, patch=patch)


def _patched(graph: pl.DataFrame, mask: pl.Series, patch: pl.DataFrame | None) -> pl.DataFrame:
    """``graph`` (the saved pairs of ``mask``) with the verdict patch of ``_apply_verdicts`` on its rows."""
    if patch is None:
        return graph
    patch = patch.filter(mask.gather(patch[PATCHED]))
    if not patch.height:
        return graph
    at = pl.Series(np.searchsorted(mask.arg_true().to_numpy(), patch[PATCHED].to_numpy()), dtype=pl.UInt32)
    return graph.with_columns(
        graph["veto"].clone().scatter(at, patch["veto"]),
        graph["_reviewed_same"].clone().scatter(at, patch["_reviewed_same"]),
    )


def _candidate_changes(
    delta: pl.DataFrame, saved: _Saved, reviewed: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The blocking delta applied to the saved candidates: pairs entering (l, r, rules; reviewed pairs no rule
    proposes included), leaving (l, r), and saved candidates found by other rules now (k, new_rules)."""
    delta = delta.with_columns(pair_key())
    # the saved pairs among the changes: the millions of saved pairs probe the changes' keys (a join the other
    # way would hash every saved pair)
    was = saved.graph.join(delta.select("k"), on="k", how="semi")
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
        # (the saved pairs' keys probe the few reviewed ones: not a hash set of every saved pair)
        wanted = unblocked.select(pair_key())["k"]
        found = saved.graph["k"].filter(saved.graph["k"].is_in(wanted.implode()))
        unblocked = unblocked.filter(~wanted.is_in(found.implode()))
    entering = pl.concat([entering, unblocked.with_columns(pl.lit(0, pl.UInt32).alias("rules"))])
    leaving = changed.filter(pl.col("_was") & ~pl.col("_is")).select(L, R)
    recoded = changed.filter(pl.col("_was") & pl.col("_is") & (pl.col("_rules") != pl.col("rules"))).select(
        "k", pl.col("_rules").alias("new_rules")
    )
    return entering, leaving, recoded


@dataclass(frozen=True)
class _Touched:
    """The records to re-cluster and the link graph they were found on."""

    seeds: pl.Series  # new rows whose links change (sorted)
    rows: pl.Series  # new rows of the seeds' whole connected components (sorted)
    flag: pl.Series  # per new row: among ``rows``
    leaving_old: pl.Series  # per saved pair: a candidate leaving
    in_graph: pl.Series  # per saved pair: a candidate staying, both records kept


def _touched_components(
    rows: _Rows, saved: _Saved, leaving: pl.DataFrame, fresh: pl.DataFrame, reverdicted: pl.DataFrame, spec: MatchSpec
) -> _Touched:
    """Seeds are what changes the link graph (new records, links gained or lost, a removed record's
    neighbours, both records of a pair whose verdict changed); their connected components in the new link graph
    are re-clustered, as only there can a full run's clusters differ."""
    leaving_k = leaving.select(pair_key())["k"].implode()
    leaving_old = saved.k.is_in(leaving_k).fill_null(False) & ~saved.inner
    fresh_links = fresh.filter(is_link(spec)).select(L, R)
    # a pair leaving the candidates inside a suspicious component becomes one of the guard's pairs there:
    # the records of every leaving pair are seeds, links or not; so are those of a new verdict (a "different"
    # one between records linked through others splits their cluster only in the guard)
    ends = (p[c] for p in (leaving, fresh_links, reverdicted) for c in (L, R))
    seeds = pl.concat([rows.new_rows, saved.neighbours, *ends])
    seeds = seeds.unique().sort()
    in_graph = ~saved.inner & ~leaving_old & saved.alive
    links = pl.concat([saved.ends.filter(in_graph & saved.link), fresh_links])
    touched = _closure(rows.work.height, seeds, links)
    flag = pl.Series(np.zeros(rows.work.height, dtype=bool)).scatter(touched, True)
    return _Touched(seeds=seeds, rows=touched, flag=flag, leaving_old=leaving_old, in_graph=in_graph)


@dataclass(frozen=True)
class _Clustered:
    """The touched components clustered again, in their own numbering (positions in ``_Touched.rows``)."""

    inside: pl.DataFrame  # decided pairs among the touched records (guard pairs included), local numbers
    clusters: pl.Series  # cluster label per touched record
    refused: pl.DataFrame  # links the chaining guard refused
    info: dict  # the guard's figures
    both_t: pl.Series  # per saved pair: both records touched
    fresh_in: pl.Series  # per new candidate: both records touched


def _saved_rules(old_scored: pl.DataFrame, saved: _Saved, recoded: pl.DataFrame) -> pl.Series:
    """Per saved pair, its rules: a candidate other rules find now (``recoded``) gets its new ones. Computed once
    for the re-clustered candidates (``_recluster``) and the pairs kept as they are (``_new_scored``)."""
    if not recoded.height:
        return old_scored["rules"]
    return (
        pl.DataFrame({"k": saved.k, "rules": old_scored["rules"]})
        .join(recoded, on="k", how="left", maintain_order="left")
        .select(pl.coalesce("new_rules", "rules").alias("rules"))
        .to_series()
    )


def _recluster(
    work: pl.DataFrame,
    saved: _Saved,
    touched: _Touched,
    saved_rules: pl.Series,
    fresh: pl.DataFrame,
    state: MatchState,
    spec: MatchSpec,
    reviewed: pl.DataFrame,
) -> _Clustered:
    """The touched components' candidates (saved ones staying, new ones) through the same chaining guard
    as a full run, and their pairs decided on the new clusters."""
    old_scored = state.scored
    both_t = _both(saved.ends, touched.flag).fill_null(False)
    mask = both_t & touched.in_graph
    kept_graph = _patched(old_scored.filter(mask).drop("_same", "reason", "decision"), mask, saved.patch)
    kept_graph = kept_graph.with_columns(
        saved.ends[L].filter(mask), saved.ends[R].filter(mask), saved_rules.filter(mask)
    )
    fresh_in = _both(fresh, touched.flag)
    inside = _local(pl.concat([kept_graph, fresh.filter(fresh_in).select(kept_graph.columns)]), touched.rows)
    # the reviewer-forced flag goes with the links, as in a full run: the guard finds it among its own pairs only
    # in suspicious components of up to GUARD_FULL_PAIRS_UP_TO records
    local_links = inside.filter(is_link(spec)).select(L, R, "match_weight", "match_probability", "veto", FORCED)
    different = reviewed.filter(~pl.col("same")).select(L, R)
    different = _local(different.filter(_both(different, touched.flag).fill_null(False)), touched.rows)
    clusters, refused, inner, info = guarded_clusters(
        touched.rows.len(),
        local_links,
        spec.max_cluster_size,
        partial(_guard_scores, work=work, touched=touched.rows, state=state, spec=spec, reviewed=reviewed),
        spec.link_threshold,
        state.frozen.model.prior_bits,
        cannot_link=different,
        ambiguity_threshold=spec.ambiguity_threshold,
    )
    if inner.height:
        inner = inner.join(inside.select(L, R), on=[L, R], how="anti").with_columns(
            pl.lit(0, pl.UInt32).alias("rules"), pl.lit(True).alias("_inner")
        )
        inside = pl.concat([inside, inner.select(inside.columns)])
    inside = decide(inside, clusters.gather(inside[L]) == clusters.gather(inside[R]), refused, spec)
    return _Clustered(inside, clusters, refused, info, both_t, fresh_in)


def _guard_scores(
    extra: pl.DataFrame,
    *,
    work: pl.DataFrame,
    touched: pl.Series,
    state: MatchState,
    spec: MatchSpec,
    reviewed: pl.DataFrame,
) -> pl.DataFrame:
    """The guard's extra pairs inside suspicious components (local numbers in and out), scored as new pairs."""
    extra = extra.select(touched.gather(extra[L]).alias(L), touched.gather(extra[R]).alias(R))
    return _local(_score(work, extra, state, spec, reviewed), touched)


@dataclass(frozen=True)
class _Ids:
    """Entity ids of the re-clustered records, and the saved records left as they are."""

    sub_ids: pl.Series  # record id per touched record
    kept_rows: pl.Series  # old row of each kept record
    untouched_old: pl.Series  # per old row: kept and not re-clustered
    untouched_entities: pl.Series  # their saved entity ids
    previous: pl.DataFrame  # record_id, entity_id of the saved records re-clustered or removed
    entity_ids: pl.Series  # entity id per touched record
    merged: pl.DataFrame  # previous entities merged into others


def _entity_ids(rows: _Rows, touched: _Touched, clusters: pl.Series, state: MatchState, spec: MatchSpec) -> _Ids:
    """Entity ids as a full run with the previous lineage gives them; a new entity is not named with an id an
    untouched entity keeps (as the assignment over all records)."""
    sub_ids = rows.ids.gather(touched.rows)
    # old rows: of the re-clustered kept records, and the removed ones (their new versions are re-clustered)
    kept_rows = rows.keep.arg_true().cast(pl.UInt32)
    touched_old = kept_rows.gather(touched.rows.filter(touched.rows < rows.n_keep))
    untouched_old = rows.keep.clone().scatter(touched_old, False)
    previous = state.records.select("record_id", "entity_id")[pl.concat([touched_old, rows.removed_rows]).sort()]
    untouched_entities = state.records["entity_id"].filter(untouched_old)
    entity_ids, merged = assign_entity_ids(sub_ids, clusters, spec.entity_prefix, previous, held=untouched_entities)
    return _Ids(sub_ids, kept_rows, untouched_old, untouched_entities, previous, entity_ids, merged)


def _entity_of(rows: pl.Series, touched: _Touched, ids: _Ids, n_keep: int, state: MatchState) -> pl.Series:
    """Per new row: a re-clustered record's new entity, another's saved one."""
    mine = touched.flag.gather(rows)
    at = pl.Series(np.searchsorted(touched.rows.to_numpy(), rows.to_numpy()), dtype=pl.UInt32)
    saved = state.records["entity_id"].gather(ids.kept_rows.gather(rows.clip(0, max(n_keep - 1, 0))))
    if not touched.rows.len():  # nothing re-clustered (an increment of verdicts or withdrawals alone may do that)
        return saved
    return ids.entity_ids.gather(at.clip(0, len(touched.rows) - 1)).zip_with(mine, saved)


@dataclass(frozen=True)
class _Outputs:
    """What the increment reports on the re-clustered records."""

    redecided: pl.DataFrame  # pairs re-decided (new row numbers, the saved table's columns)
    lineage: pl.DataFrame
    pair_rows: pl.DataFrame
    review: pl.DataFrame
    golden: pl.DataFrame


def _redecided_outputs(
    rows: _Rows,
    touched: _Touched,
    clustered: _Clustered,
    ids: _Ids,
    fresh: pl.DataFrame,
    state: MatchState,
    spec: MatchSpec,
) -> _Outputs:
    """Pairs re-decided (inside the touched components, and new pairs reaching outside them: not links,
    decided on their records' entities as a full run decides them), with the lineage, pair table, review
    rows and golden records of the re-clustered records."""
    columns, inside = state.scored.columns, clustered.inside
    crossing = fresh.filter(~clustered.fresh_in)
    left, right = (_entity_of(crossing[c], touched, ids, rows.n_keep, state) for c in (L, R))
    crossing = decide(crossing, left == right, clustered.refused.clear(), spec)
    redecided = pl.concat(
        [
            inside.with_columns(
                touched.rows.gather(inside[L]).alias(L), touched.rows.gather(inside[R]).alias(R)
            ).select(columns),
            crossing.select(columns),
        ]
    ).sort(L, R)  # the pair rows in one order, run after run
    local_rows = pl.DataFrame({ROW: pl.int_range(touched.rows.len(), dtype=pl.UInt32, eager=True)})
    lineage = _lineage(inside, local_rows, ids.sub_ids, ids.entity_ids, spec)
    # the pair table from spec.pair_floor up, as a full run's (the state keeps every pair)
    table = redecided.filter(_kept(spec.pair_floor) | pl.col("_inner")) if spec.pair_floor > 0 else redecided
    pair_rows = _pair_table(table, rows.ids, spec)
    queued = redecided.filter(pl.col("decision").is_in(["review", "refused"]))
    review = _review_queue(pair_rows, rows.work[pl.concat([queued[L], queued[R]]).unique().sort()], spec)
    golden = golden_records(
        rows.frame[touched.rows].with_columns(pl.col(spec.id_column).cast(pl.String)),
        ids.entity_ids,
        spec,
        clustered.clusters,
    )
    return _Outputs(redecided, lineage, pair_rows, review, golden)


def _new_state(
    rows: _Rows,
    saved: _Saved,
    touched: _Touched,
    clustered: _Clustered,
    ids: _Ids,
    out: _Outputs,
    entering: pl.DataFrame,
    leaving: pl.DataFrame,
    saved_rules: pl.Series,
    state: MatchState,
    blocks: tuple[pl.DataFrame, pl.DataFrame],
) -> tuple[MatchState, pl.Series]:
    """The whole updated state (what a full re-match would save) and the retired entity ids: untouched
    records, pairs and entities as saved, the re-clustered ones replaced. ``blocks``: the saved records' block ids
    and the added ones'."""
    old_entity_ids = pl.concat([state.records["entity_id"].filter(rows.removed), ids.previous["entity_id"]]).unique()
    retired = old_entity_ids.filter(~old_entity_ids.is_in(ids.entity_ids.implode())).sort()
    # the new pair table (a copy of most saved pairs, the largest table) and the block ids on the other core while
    # the lineage, golden records and review queue are put together here
    with ThreadPoolExecutor(max_workers=1) as pool:
        scored = pool.submit(
            _new_scored, state.scored, saved, touched, clustered.both_t, entering, saved_rules, out.redecided
        )
        new_blocks = pool.submit(lambda: pl.concat([blocks[0].filter(rows.keep), blocks[1]]))
        # each new row's lineage row, gathered once: an untouched record's saved one, a re-clustered record's new one
        source = np.empty(rows.work.height, dtype=np.uint32)
        source[: rows.n_keep] = ids.kept_rows.to_numpy()
        source[touched.rows.to_numpy()] = state.records.height + np.arange(touched.rows.len(), dtype=np.uint32)
        records = pl.concat([state.records, out.lineage.select(state.records.columns)])[pl.Series(source)]
        entities = pl.concat([state.entities.filter(~pl.col("entity_id").is_in(old_entity_ids.implode())), out.golden])
        review = _new_review(state, rows, ids, out.review, entering, leaving)
        new_state = MatchState(
            frozen=state.frozen,
            frame=rows.frame,
            work=rows.work,
            scored=scored.result(),
            records=records,
            entities=entities,
            merged=ids.merged,
            review=review,
            labelled=state.labelled,
            cannot_link=state.cannot_link,
            blocks=new_blocks.result(),
        )
    return new_state, retired


def _new_scored(
    old_scored: pl.DataFrame,
    saved: _Saved,
    touched: _Touched,
    both_t: pl.Series,
    entering: pl.DataFrame,
    saved_rules: pl.Series,
    redecided: pl.DataFrame,
) -> pl.DataFrame:
    """Saved pairs kept as they are (not re-decided, not leaving, not an old guard pair now a candidate; those
    found by other rules now with their new rules), then the re-decided ones."""
    entering_k = entering.select(pair_key())["k"].implode()
    inner_rows = saved.inner.arg_true()  # few: only those can be a guard pair now a candidate
    reentering = pl.Series(np.zeros(len(saved.k), dtype=bool)).scatter(
        inner_rows.filter(saved.k.gather(inner_rows).is_in(entering_k).fill_null(False)), True
    )
    kept_mask = saved.alive & ~both_t & ~touched.leaving_old & ~reentering
    # (l, r and rules are replaced: not copied with the rest; found by other rules now: only their rules change)
    outside = (
        old_scored.drop(L, R, "rules")
        .filter(kept_mask)
        .with_columns(saved.ends[L].filter(kept_mask), saved.ends[R].filter(kept_mask), saved_rules.filter(kept_mask))
        .select(old_scored.columns)
    )
    return pl.concat([outside, redecided])


def _new_review(
    state: MatchState, rows: _Rows, ids: _Ids, review: pl.DataFrame, entering: pl.DataFrame, leaving: pl.DataFrame
) -> pl.DataFrame:
    """The saved review queue without rows re-decided (both records re-clustered, or a pair that entered or
    left the candidates) or gone (a changed record's old version), with the re-decided rows added."""
    redone, changed_ids = ids.sub_ids.implode(), state.records["record_id"].filter(rows.removed).implode()
    stale = (
        (pl.col("left_id").is_in(redone) & pl.col("right_id").is_in(redone))
        | pl.col("left_id").is_in(changed_ids)
        | pl.col("right_id").is_in(changed_ids)
    )
    moved = pl.concat([entering.select(L, R), leaving.select(L, R)])
    moved = moved.select(rows.ids.gather(moved[L]).alias("left_id"), rows.ids.gather(moved[R]).alias("right_id"))
    kept = state.review.filter(~stale)
    # (the moved pairs a kept review row may be: probed by its left ids first, not every moved pair hashed)
    moved = moved.filter(pl.col("left_id").is_in(kept["left_id"].implode()))
    return pl.concat(
        [
            kept.join(moved, on=["left_id", "right_id"], how="anti"),
            review.select(state.review.columns) if state.review.width else review,
        ]
    ).sort(["match_probability", "left_id", "right_id"], descending=[True, False, False])


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
