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


def _rule_pairs(work: pl.DataFrame, rule: BlockingRule, rule_index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    keyed = work.select(ROW, *rule.on, *[c for c in rule.sort_by if c not in rule.on]).drop_nulls(list(rule.on))
    keyed = keyed.with_columns(pl.len().over(rule.on).alias("_n"))
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
    return pairs.with_columns(pl.lit(1 << rule_index, pl.UInt32).alias("rules")), capped


def candidate_pairs(work: pl.DataFrame, spec: MatchSpec) -> tuple[pl.DataFrame, BlockingReport]:
    """Distinct pairs (l < r, row numbers) with ``rules``: a bit per blocking rule that found the pair."""
    if len(spec.blocking) > 31:
        raise ValueError("at most 31 blocking rules")
    per_rule, capped, parts = {}, [], []
    for i, rule in enumerate(spec.blocking):
        pairs, rule_capped = _rule_pairs(work, rule, i)
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
    report = BlockingReport(per_rule, new, pl.concat(capped), pairs.height)
    return pairs, report


def rule_names(bits: pl.Expr, spec: MatchSpec) -> pl.Expr:
    """The rules of a ``rules`` bit set as a comma-separated string."""
    names = [pl.when((bits & (1 << i)) != 0).then(pl.lit(rule.name)) for i, rule in enumerate(spec.blocking)]
    return pl.concat_str(names, separator=",", ignore_nulls=True)
