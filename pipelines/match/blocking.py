"""Candidate pairs: records that share a blocking key under any rule (rules are OR-ed).

Blocks larger than a rule's ``max_block`` (a common surname, a shared placeholder
phone, a blank-ish value) would produce pairs quadratically. They are not compared
all-against-all: their records are sorted (``sort_by``) and each is paired with its
next ``window`` neighbours only. Every such block is reported, with what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.match.prepare import ROW
from pipelines.match.spec import BlockingRule, MatchSpec

L, R = "l", "r"


@dataclass(frozen=True)
class BlockingReport:
    pairs_per_rule: dict[str, int]  # pairs each rule generated (before removing pairs found by earlier rules)
    new_pairs_per_rule: dict[str, int]  # pairs first found by each rule
    capped_blocks: pl.DataFrame  # rule, key, size, pairs_all, pairs_kept
    candidate_pairs: int
    largest_block: dict[str, int]  # per rule, the most records sharing one key (capped blocks included)


def list_columns(schema: pl.Schema, rule: BlockingRule) -> list[str]:
    """The rule's key columns holding lists (a record is in the block of each of their values); empty for a
    rule keyed on scalars only."""
    return [c for c in rule.on if isinstance(schema[c], pl.List)]


def keyed_rows(work: pl.DataFrame, rule: BlockingRule, blocks: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per record and key of the rule (a list key exploded: a record is in the block of each), with the
    columns blocking reads (``rule.columns``), records without a key left out; with ``blocks`` (key values), only
    the rows of those blocks."""
    keyed = work.select(ROW, *rule.columns)
    lists = list_columns(keyed.schema, rule)
    scalar = [c for c in rule.on if c not in lists]
    if blocks is not None and lists and scalar:  # fewer rows to explode
        keyed = keyed.join(blocks.select(scalar).unique(), on=scalar, how="semi")
    if lists:
        keyed = keyed.explode(lists)
    if blocks is not None:
        return keyed.join(blocks, on=list(rule.on), how="semi")
    return keyed.drop_nulls(list(rule.on))


def gap(rule: BlockingRule) -> pl.Expr:
    """Whether a record misses the rule's ``missing`` column (never, without one)."""
    return pl.col(rule.missing).is_null() if rule.missing else pl.lit(False)


def windowed(rule: BlockingRule, n: str = "_n", k: str = "_k") -> pl.Expr:
    """Whether a block of ``n`` records (``k`` of them missing ``rule.missing``) is sorted-window paired instead
    of all-against-all: it would give more pairs than a block of ``max_block`` compared all-against-all."""
    if not rule.missing:
        return pl.col(n) > rule.max_block
    full = rule.max_block * (rule.max_block - 1) // 2
    return (pl.col(k) > 0) & (pl.col(k) * (pl.col(n) - pl.col(k)) + pl.col(k) * (pl.col(k) - 1) // 2 > full)


def plain_pairs(left: pl.DataFrame, right: pl.DataFrame, rule: BlockingRule, *, same: bool = False) -> pl.DataFrame:
    """Pairs (l < r, not unique) of a record of ``left`` and one of ``right`` in the same block (all-against-all;
    with ``rule.missing``, only where a side misses that column). ``same``: ``left`` is ``right`` (each pair once
    per direction it is found in, not twice as two directions)."""
    on, other = list(rule.on), f"{ROW}_r"
    if not rule.missing:
        joined = left.select(ROW, *on).join(right.select(ROW, *on), on=on, suffix="_r")
        if same:
            return joined.filter(pl.col(ROW) < pl.col(other)).select(pl.col(ROW).alias(L), pl.col(other).alias(R))
        joined = [joined]
    else:  # a record missing the column meets every other; one that has it, those missing it
        joined = [left.filter(gap(rule)).select(ROW, *on).join(right.select(ROW, *on), on=on, suffix="_r")]
        if not same:  # (with ``same`` the second is the first's pairs the other way round)
            joined.append(
                left.filter(~gap(rule))
                .select(ROW, *on)
                .join(right.filter(gap(rule)).select(ROW, *on), on=on, suffix="_r")
            )
    return (
        pl.concat(joined)
        .filter(pl.col(ROW) != pl.col(other))
        .select(pl.min_horizontal(ROW, other).alias(L), pl.max_horizontal(ROW, other).alias(R))
    )


BLOCK_HASH = "_h"
BLOCK_HASH_SCHEME = "struct hash, low 32 bits"  # saved with the hashes: others' are not read


def block_hash(rule: BlockingRule) -> pl.Expr:
    """A block's id: a 32-bit hash of its key values (the same within one Polars version). Two keys may share one
    (a few in a million keys): whoever reads it compares the keys too. 32 bits halve what a state holds."""
    return (pl.struct(list(rule.on)).hash() & 0xFFFFFFFF).cast(pl.UInt32).alias(BLOCK_HASH)


def block_ids(work: pl.DataFrame, spec: MatchSpec) -> pl.DataFrame:
    """Per record of ``work`` (row order) and blocking rule (a column named after it): the ``block_hash`` of its
    key, missing without one; a list of them for a rule keyed on a list (one per key). Saved with a run's state,
    so an increment finds the blocks of its records among the saved ones without hashing every key again."""
    out = {}
    work = work.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW))  # positions, whatever its numbers
    for rule in spec.blocking:
        if list_columns(work.schema, rule):
            per_row = keyed_rows(work, rule).select(ROW, block_hash(rule)).group_by(ROW).agg(BLOCK_HASH)
            rows = pl.DataFrame({ROW: pl.int_range(work.height, dtype=pl.UInt32, eager=True)})
            out[rule.name] = rows.join(per_row, on=ROW, how="left", maintain_order="left")[BLOCK_HASH]
        else:
            has_key = pl.all_horizontal(pl.col(c).is_not_null() for c in rule.on)
            out[rule.name] = work.select(pl.when(has_key).then(block_hash(rule)))[BLOCK_HASH]
    return pl.DataFrame(out, schema={name: series.dtype for name, series in out.items()})


def hashed_rows(ids: pl.Series) -> pl.DataFrame:
    """A ``block_ids`` column as one row per record (row number) and block hash, records without a key left out."""
    frame = pl.DataFrame({ROW: pl.int_range(ids.len(), dtype=pl.UInt32, eager=True), BLOCK_HASH: ids})
    if isinstance(ids.dtype, pl.List):
        frame = frame.explode(BLOCK_HASH)
    return frame.drop_nulls(BLOCK_HASH)


def rule_pairs(work: pl.DataFrame, rule: BlockingRule, rule_index: int) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """One rule's pairs (l, r, rules: its bit), its capped blocks, and its largest block's size."""
    keyed = keyed_rows(work, rule)
    lists = bool(list_columns(work.schema, rule))
    keyed = keyed.with_columns(pl.len().over(rule.on).alias("_n"))
    if rule.missing:  # only blocks holding a record missing the column pair: k such records in a block of n
        keyed = (
            keyed.with_columns(gap(rule).alias("_gap"))
            .with_columns(pl.col("_gap").sum().over(rule.on).alias("_k"))
            .filter(pl.col("_k") > 0)
        )
    keyed = keyed.with_columns(windowed(rule).alias("_big"))
    small = keyed.filter((pl.col("_n") > 1) & ~pl.col("_big"))
    pairs = plain_pairs(small, small, rule, same=True)
    big = keyed.filter("_big")
    capped = pl.DataFrame(
        schema={"rule": pl.String, "key": pl.String, "size": pl.Int64, "pairs_all": pl.Int64, "pairs_kept": pl.Int64}
    )
    if big.height:
        order = [*rule.on, *rule.sort_by, ROW]
        big = big.sort(order).with_columns(pl.int_range(pl.len()).over(rule.on).alias("_rank"))
        slim = big.select(ROW, *rule.on, "_rank")
        windows = [
            slim.with_columns(pl.col("_rank") + k)
            .join(slim, on=[*rule.on, "_rank"], suffix="_r")
            .select(pl.min_horizontal(ROW, f"{ROW}_r").alias(L), pl.max_horizontal(ROW, f"{ROW}_r").alias(R))
            for k in range(1, rule.window + 1)
        ]
        if rule.missing:
            gap_rows = big.filter("_gap").select(pl.col(ROW).alias("_g"))
            windows = [
                w.join(gap_rows, left_on=L, right_on="_g", how="semi").vstack(
                    w.join(gap_rows, left_on=R, right_on="_g", how="semi")
                )
                for w in windows
            ]
        pairs = pl.concat([pairs, *windows])
        w = rule.window
        capped = (
            big.group_by(rule.on)
            .agg(pl.len().cast(pl.Int64).alias("size"))
            .select(
                pl.lit(rule.name).alias("rule"),
                pl.concat_str([pl.col(c).cast(pl.String) for c in rule.on], separator=" | ").alias("key"),
                "size",
                (pl.col("size") * (pl.col("size") - 1) // 2).alias("pairs_all"),
                (w * (pl.col("size") - w) + w * (w - 1) // 2).alias("pairs_kept"),
            )
            .sort("size", descending=True)
        )
    largest = int(keyed["_n"].max() or 0) if keyed.height else 0
    if lists or rule.missing:  # a pair may be in several blocks of the rule
        pairs = pairs.unique()
    return pairs.with_columns(pl.lit(1 << rule_index, pl.UInt32).alias("rules")), capped, largest


def candidate_pairs(work: pl.DataFrame, spec: MatchSpec) -> tuple[pl.DataFrame, BlockingReport]:
    """Distinct pairs (l < r, row numbers) with ``rules``: a bit per blocking rule that found the pair."""
    if len(spec.blocking) > 31:
        raise ValueError("at most 31 blocking rules")
    per_rule, capped, parts, largest = {}, [], [], {}
    for i, rule in enumerate(spec.blocking):
        pairs, rule_capped, largest[rule.name] = rule_pairs(work, rule, i)
        per_rule[rule.name] = pairs.height
        parts.append(pairs)
        capped.append(rule_capped)
    pairs = (
        pl.concat(parts).group_by(L, R).agg(pl.col("rules").sum()).sort(L, R)
        if parts
        else pl.DataFrame(schema={L: pl.UInt32, R: pl.UInt32, "rules": pl.UInt32})
    )
    # a pair is "new" for the first rule (in spec order) that found it
    first_rule = pairs.select((pl.col("rules").cast(pl.Int64) & -pl.col("rules").cast(pl.Int64)).alias("bit"))[
        "bit"
    ].value_counts()
    new = {rule.name: 0 for rule in spec.blocking}
    for bit, count in first_rule.iter_rows():
        new[spec.blocking[int(bit).bit_length() - 1].name] = count
    report = BlockingReport(per_rule, new, pl.concat(capped), pairs.height, largest)
    return pairs, report


def rule_names(bits: pl.Expr, spec: MatchSpec) -> pl.Expr:
    """The rules of a ``rules`` bit set as a comma-separated string."""
    names = [pl.when((bits & (1 << i)) != 0).then(pl.lit(rule.name)) for i, rule in enumerate(spec.blocking)]
    return pl.concat_str(names, separator=",", ignore_nulls=True)
