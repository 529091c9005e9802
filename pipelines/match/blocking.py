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


def rule_pairs(work: pl.DataFrame, rule: BlockingRule, rule_index: int) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """One rule's pairs (l, r, rules: its bit), its capped blocks, and its largest block's size."""
    extra = [c for c in (*rule.sort_by, *([rule.missing] if rule.missing else [])) if c not in rule.on]
    keyed = work.select(ROW, *rule.on, *dict.fromkeys(extra))
    lists = [c for c in rule.on if isinstance(keyed.schema[c], pl.List)]
    if lists:  # a list of keys per record: a record is in the block of each
        keyed = keyed.explode(lists)
    keyed = keyed.drop_nulls(list(rule.on))
    keyed = keyed.with_columns(pl.len().over(rule.on).alias("_n"))
    full = rule.max_block * (rule.max_block - 1) // 2  # pairs of the largest block compared all-against-all
    if rule.missing:  # only pairs with a record missing the column: k such records in a block of n
        keyed = keyed.with_columns(pl.col(rule.missing).is_null().alias("_gap")).with_columns(
            pl.col("_gap").sum().over(rule.on).alias("_k")
        )
        keyed = keyed.filter(pl.col("_k") > 0).with_columns(
            (pl.col("_k") * (pl.col("_n") - pl.col("_k")) + pl.col("_k") * (pl.col("_k") - 1) // 2).alias("_pairs")
        )
        small = keyed.filter((pl.col("_n") > 1) & (pl.col("_pairs") <= full))
        gaps = small.filter("_gap").select(ROW, *rule.on)
        pairs = (
            gaps.join(small.select(ROW, *rule.on), on=list(rule.on), suffix="_r")
            .filter(pl.col(ROW) != pl.col(f"{ROW}_r"))
            .select(pl.min_horizontal(ROW, f"{ROW}_r").alias(L), pl.max_horizontal(ROW, f"{ROW}_r").alias(R))
            .unique()
        )
        keyed = keyed.with_columns(pl.when(pl.col("_pairs") > full).then(rule.max_block + 1).otherwise(1).alias("_n"))
    else:
        small = keyed.filter((pl.col("_n") > 1) & (pl.col("_n") <= rule.max_block)).select(ROW, *rule.on)
        pairs = (
            small.join(small, on=list(rule.on), suffix="_r")
            .filter(pl.col(ROW) < pl.col(f"{ROW}_r"))
            .select(pl.col(ROW).alias(L), pl.col(f"{ROW}_r").alias(R))
        )
    big = keyed.filter(pl.col("_n") > rule.max_block)
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
    largest = int(keyed.group_by(rule.on).len()["len"].max() or 0) if keyed.height else 0
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
