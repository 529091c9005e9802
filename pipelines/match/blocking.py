"""Candidate pairs: records that share a blocking key under any rule (rules are OR-ed).

Blocks larger than a rule's ``max_block`` (a common surname, a shared placeholder
phone, a blank-ish value) would produce pairs quadratically. They are not compared
all-against-all: their records are sorted (``sort_by``) and each is paired with its
next ``window`` neighbours only. Every such block is reported, with what was kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa

from pipelines.match.memory import small_pages  # (blocking's arrays on small pages: memory.py says why)
from pipelines.match.prepare import ROW, derived_sources
from pipelines.match.spec import BlockingRule, MatchSpec

if TYPE_CHECKING:
    from pipelines.match.compare import ValueCodes

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


def _key_hash(keyed: pl.DataFrame, on: list[str]) -> np.ndarray:
    """A 64-bit hash of each keyed row's key (equal keys, equal hashes)."""
    return keyed.select(pl.struct(on).hash() if len(on) > 1 else pl.col(on[0]).hash()).to_series().to_numpy()


def _sorted_blocks(keyed: pl.DataFrame, on: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks of the keyed rows: an order of the rows that puts each block's rows together, and each block's
    start (in that order) and size. Rows are ordered by a 64-bit hash of their key; where two rows in one run
    of equal hashes hold different keys (a hash collision, checked on the rows of runs of two or more only),
    the blocks are numbered by the keys themselves instead."""
    hashed = _key_hash(keyed, on)
    order = np.argsort(hashed)
    key = hashed[order]
    starts, sizes = _runs(key)
    shared = np.repeat(sizes > 1, sizes)  # rows (in ``order``) of a run of two or more
    if shared.any():
        rows = pl.Series(order[shared])
        within = np.repeat(np.arange(len(sizes))[sizes > 1], sizes[sizes > 1])  # the run of each such row
        same_run = within[1:] == within[:-1]
        for column in on:
            values = keyed[column].gather(rows)
            differ = (values.slice(1) != values.slice(0, len(values) - 1)).to_numpy()
            if (same_run & differ).any():  # a collision: blocks from the keys (exact, slower)
                number = keyed.select(pl.struct(on).rank("dense")).to_series().to_numpy()
                order = np.argsort(number)
                starts, sizes = _runs(number[order])
                break
    return order, starts, sizes


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal values in a sorted array."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], np.flatnonzero(values[1:] != values[:-1]) + 1])
    return starts, np.diff(np.append(starts, len(values)))


def _in_shared_runs(values: np.ndarray, shift: int = 0) -> np.ndarray:
    """Per element of a sorted array, whether an equal value is next to it (it is in a run of two or more); with
    ``shift``, of the values shifted right by it (the keys of sorted words of a key and a position), a stride at a
    time (no array of every key)."""
    n = len(values)
    shared = np.zeros(n, dtype=bool)
    for at in range(0, n - 1, _STRIDE):
        part = values[at : min(at + _STRIDE, n - 1) + 1]  # (a stride and the next one's first)
        if shift:
            part = part >> np.uint64(shift)
        np.equal(part[1:], part[:-1], out=shared[at : at + len(part) - 1])
    shared[1:] |= shared[:-1].copy()
    return shared


def _segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of ``counts`` items: each item's segment and its index inside it (0, 1, ...)."""
    segment = np.repeat(np.arange(len(counts)), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, dtype=np.int64)
    return segment, np.arange(len(segment)) - first[segment]


def _all_pairs(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (p < q) of every pair inside each block (``starts``, ``sizes``): the blocks of two first (their one
    pair is (start, start + 1): at 1M people 463,349 of the deletions rule's 608,933 blocks), then the others'."""
    two = sizes == 2
    if two.any():  # (by position: a mask over three blocks in four is a branch per block)
        others = np.flatnonzero(~two)
        p, q = _all_pairs(starts[others], sizes[others])
        pair = starts[np.flatnonzero(two)]
        return np.concatenate([pair, p]), np.concatenate([pair + 1, q])
    block, offset = _segments(sizes)
    later = sizes[block] - offset - 1  # each position pairs with the later ones of its block
    position = starts[block] + offset
    del block, offset
    # per pair only p, q and one count (24 bytes): the k-th pair overall, of position x whose pairs start at the
    # f-th, is (x, x + 1 + k - f)
    p = np.repeat(position, later)
    q = np.repeat(position + 1 - (np.cumsum(later) - later), later)
    q += np.arange(len(q))
    return p, q


def _gap_pairs(starts: np.ndarray, sizes: np.ndarray, gaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every pair inside each block where a side is a gap (``gaps``: per position), each once."""
    block, offset = _segments(sizes)
    position = starts[block] + offset
    mine = gaps[position]
    position, block = position[mine], block[mine]
    which, step = _segments(sizes[block] - 1)  # a gap position meets every other position of its block
    p = position[which]
    q = starts[block[which]] + step
    q = q + (q >= p)  # skip itself
    keep = ~gaps[q] | (q > p)  # two gaps: once
    return p[keep], q[keep]


def _pack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row pairs as packed UInt64 keys ``l << 32 | r`` (l the smaller row of each)."""
    low = np.minimum(a, b).astype(np.uint64, copy=False)  # (in place from here: two arrays of pairs, not five)
    low <<= np.uint64(32)
    low |= np.maximum(a, b).astype(np.uint64, copy=False)
    return low


def _pair_words(rule: int, bits: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A ``pack`` (``rule_key_chunks``) giving rule number ``rule``'s row pairs as ``_merge``'s words at once, bit for
    bit ``_word(_pack(a, b), rule, bits)``: not packed first and then made words (``_word``'s temporary arrays
    of the rule's pairs, each memory the kernel faults in afresh: at 1M people 7.4M pairs in all)."""

    def pack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        word = np.minimum(a, b).astype(np.uint64, copy=False)
        word <<= np.uint64(bits + 5)
        high = np.maximum(a, b).astype(np.uint64, copy=False)
        high <<= np.uint64(5)
        word |= high
        word |= np.uint64(rule)
        return word

    return pack


def _unpack(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_pack``'s keys as their rows (l, r), UInt32."""
    return (keys >> np.uint64(32)).astype(np.uint32), (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _window_order(big: pl.DataFrame, rule: BlockingRule, ranked: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The order of the rows of capped blocks by block (``_b``), ``sort_by`` and row number, as ``DataFrame.sort``
    gives it. A text column is sorted on its distinct values only (Polars' order, missing first), each row then
    ranked through a join, and the integer ranks sorted by numpy (at 1M, 603,221 rows sorted by the name: 0.13-0.14
    s against 0.22-0.23 s); other types through ``DataFrame.sort``. ``ranked``: per sort column, each row's rank
    already (``_code_ranks``: then ``big`` need not hold the column)."""
    ranked = ranked or {}
    if not all(c in ranked or big.schema[c] == pl.String for c in rule.sort_by):
        return big.select(pl.arg_sort_by(["_b", *rule.sort_by, ROW])).to_series().to_numpy()
    keys = [big[ROW].to_numpy()]  # (np.lexsort: the last key first)
    for column in reversed(rule.sort_by):
        if column in ranked:
            keys.append(ranked[column])
            continue
        ranks = big[column].unique().sort().to_frame().with_row_index("_rank")
        keys.append(
            big.select(column)
            .join(ranks, on=column, how="left", maintain_order="left", nulls_equal=True)["_rank"]
            .to_numpy()
        )
    keys.append(big["_b"].to_numpy())
    return _lex_order(keys)


def _lex_order(keys: list[np.ndarray]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key first, equal rows in their order), the same order. Where the last key (the
    block) is in order with under 65,536 distinct values and the other keys (integers, none negative) with each
    row's position fit in 64 bits: one sort of a word of those and the position, then a stable (radix) argsort of
    the blocks numbered densely, not numpy's lexsort (the 1M people's family_middle_no_birth_date: 603,221 rows)."""
    n = len(keys[0])
    block, others = keys[-1], keys[:-1]
    if n < 2 or any(k.dtype.kind not in "ui" or (k.dtype.kind == "i" and k.min() < 0) for k in others):
        return np.lexsort(keys)
    changes = block[1:] != block[:-1]
    if (block[1:] < block[:-1]).any() or int(np.count_nonzero(changes)) >= 1 << 16:
        return np.lexsort(keys)
    bits = [int(k.max()).bit_length() for k in others]
    position = int(n - 1).bit_length()
    if sum(bits) + position > 64:
        return np.lexsort(keys)
    word = np.zeros(n, dtype=np.uint64)
    for key, width in zip(reversed(others), reversed(bits), strict=True):  # the most significant first
        word <<= np.uint64(width)
        word |= key.astype(np.uint64)
    word <<= np.uint64(position)
    word |= np.arange(n, dtype=np.uint64)
    word.sort()
    order = (word & np.uint64((1 << position) - 1)).astype(np.int64)
    dense = np.zeros(n, dtype=np.uint16)
    dense[1:] = np.cumsum(changes, dtype=np.uint16)
    return order[np.argsort(dense[order], kind="stable")]


def _code_ranks(
    work: pl.DataFrame, columns: tuple[str, ...], codes: KeyCodes, rows: np.ndarray
) -> dict[str, np.ndarray]:
    """Per text column of ``columns`` coded one code per record (``codes``: exact, 0 where missing), the rank of the
    value of each of ``rows`` (positions in ``work``) among the distinct values those rows hold in Polars' sort
    order, missing first: ``_window_order``'s order, from one value per code sorted (not the rows' values made
    distinct and joined back: the three name-sorted rules of 1M people, 603,221 rows). A column whose code 0 is
    not only missing values is left out; none is ranked unless every column is text (``_window_order`` then sorts the
    rows by the columns themselves: a mixed sort must not see ranks)."""
    ranked: dict[str, np.ndarray] = {}
    if not all(work.schema[column] == pl.String for column in columns):
        return ranked
    for column in columns:
        if column not in codes or codes[column][1] is not None:  # (every column is text: checked above)
            continue
        code = codes[column][0][rows]
        values = work[column]
        zero = np.flatnonzero(code == 0)
        if len(zero) and values.gather(pl.Series(rows[zero])).null_count() != len(zero):
            continue
        count = codes[column][2]
        some = np.full(count, -1, dtype=np.int64)  # a row of each code the rows hold
        some[code] = np.arange(len(code))
        some[0] = -1
        used = np.flatnonzero(some >= 0)
        order = values.gather(pl.Series(rows[some[used]])).arg_sort().to_numpy()
        rank = np.zeros(count, dtype=np.uint32)
        rank[used[order]] = np.arange(1, len(used) + 1, dtype=np.uint32)
        ranked[column] = rank[code]
    return ranked


def _window_pairs(
    big: pl.DataFrame,
    rule: BlockingRule,
    emit: Callable[[np.ndarray], None],
    heads: Callable[[np.ndarray], pl.DataFrame] | None = None,
    ranked: dict[str, np.ndarray] | None = None,
    pack: Callable[[np.ndarray, np.ndarray], np.ndarray] = _pack,
) -> pl.DataFrame:
    """Sorted-window pairs of the keyed rows of capped blocks (``_b``: a block's number; with ``missing``,
    ``_gap``: whether the row misses that column, as ``_rule_keys`` worked out) as packed keys (l < r), given to
    ``emit`` a window step at a time; returns the capped blocks. Each row is paired with its next ``window`` rows
    of its block ordered by ``sort_by`` (then row number); with ``missing``, only pairs where a side misses that
    column. ``big`` holds the row number, ``_b``, ``_gap`` and the ``sort_by`` columns; the key columns of a block's
    first row come from ``heads`` (rows of ``big``; None: ``big``'s own, which then holds them). Only the numbers are
    put in order (not every column of every row: at 1M people 603,221 rows of two text columns). ``ranked``: per
    sort column, each row's rank (``_code_ranks``), which ``big`` then need not hold. ``pack``: as
    ``rule_key_chunks``'."""
    order = _window_order(big, rule, ranked)
    block, rows = big["_b"].to_numpy()[order], big[ROW].to_numpy()[order]
    gaps = big["_gap"].to_numpy()[order] if rule.missing else None
    for k in range(1, rule.window + 1):
        p = np.flatnonzero(block[k:] == block[:-k])
        if gaps is not None:
            p = p[gaps[p] | gaps[p + k]]
        emit(pack(rows[p], rows[p + k]))
    # one row per block (its first, sorted by block) and its size: the blocks are runs of ``_b`` already
    starts, sizes = _runs(block)
    w = rule.window
    first = order[starts]
    capped = (
        (big[first] if heads is None else heads(first))
        .select(
            pl.lit(rule.name).alias("rule"),
            pl.concat_str([pl.col(c).cast(pl.String) for c in rule.on], separator=" | ").alias("key"),
            pl.Series("size", sizes, dtype=pl.Int64),
        )
        .with_columns(
            (pl.col("size") * (pl.col("size") - 1) // 2).alias("pairs_all"),
            (w * (pl.col("size") - w) + w * (w - 1) // 2).alias("pairs_kept"),
        )
        .sort(["size", "key"], descending=[True, False])
    )
    return capped


BLOCKING_THREADS = 2  # rules worked out at a time (the machines this runs on have two cores or more)

CAPPED_SCHEMA = {"rule": pl.String, "key": pl.String, "size": pl.Int64, "pairs_all": pl.Int64, "pairs_kept": pl.Int64}


KeyCodes = dict[str, tuple[np.ndarray, np.ndarray | None, int]]  # column -> (codes, rows of list elements, count)

_CODED_DTYPES = (pl.String, pl.Categorical, pl.Enum, pl.Date, pl.Boolean)  # equal exactly when their codes are


def _exact_codes(values: pl.Series) -> tuple[np.ndarray, int]:
    """Per value, a code (UInt32, 1.. for the distinct values, 0 where missing) and how many codes there are with
    0: equal values, equal codes, exactly. Codes number the values' distinct 64-bit hashes: through a join on them
    when they are few, a sort when they are many (IDs, phones: a join's table of hundreds of thousands costs twice
    a sort); every value is then compared with one of its code's (``_one_value_a_code``: a gather and an equality,
    not a second hash table of the values), and where two differ (a hash collision) the values themselves are
    numbered instead (slower)."""
    present = values.is_not_null()
    missing = values.null_count()
    given = values.filter(present) if missing else values
    hashes = given.hash().rename("v")
    distinct = hashes.unique()
    if len(distinct) > len(given) // 8:
        from pipelines.match.compare import _sorted_places  # noqa: PLC0415 - compare's codes, blocking's own module

        codes = _sorted_places(hashes.to_numpy())[1].astype(np.uint32) + 1  # (np.unique's inverse, no argsort)
    else:
        table = distinct.to_frame().with_row_index("c", offset=1)
        codes = hashes.to_frame().join(table, on="v", how="left", maintain_order="left")["c"].to_numpy()
        codes = codes.astype(np.uint32, copy=False)
    del hashes
    if _one_value_a_code(given, codes, len(distinct)):
        return _spread(codes, present, missing), len(distinct) + 1
    table = given.unique().rename("v").to_frame().with_row_index("c", offset=1)  # a collision: the values joined
    codes = given.rename("v").to_frame().join(table, on="v", how="left", maintain_order="left")["c"].to_numpy()
    return _spread(codes.astype(np.uint32, copy=False), present, missing), table.height + 1


def _one_value_a_code(given: pl.Series, codes: np.ndarray, count: int) -> bool:
    """Whether every value of ``given`` (none missing) equals the value of one record of its code (``codes``: 1 to
    ``count``): then equal codes are equal values, exactly."""
    some = np.zeros(count + 1, dtype=np.uint32)
    some[codes] = np.arange(len(codes), dtype=np.uint32)  # a record of each code (any)
    return bool(given.eq(given.gather(pl.Series(some[codes], dtype=pl.UInt32))).all())


def _spread(codes: np.ndarray, present: pl.Series, missing: int) -> np.ndarray:
    """Codes of the values present, placed at their rows of the whole column (0 where a value is missing)."""
    if not missing:
        return codes
    full = np.zeros(len(present), dtype=np.uint32)
    full[present.to_numpy()] = codes
    return full


def _list_codes_through(values: pl.Series, picked: pl.Series, place: pl.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """``key_codes`` of a list column holding one list per source code (``ValueCodes.built_from``: ``picked``, a
    record of each code in use, ``place``, each record's code among them): the lists of the picked records exploded
    and coded (``_exact_codes``: the same distinct values as the records', so the same count and the same partition
    of the exploded rows, numbered otherwise), then spread to every record's rows in the records' exploded order
    (a record's elements in its list's order; a missing list one row, missing; an empty list none). The birth date's
    two list keys at 1M people: 0.17 CPU s each exploded and coded per record, 30k dates' lists here. The spread:
    each picked list's codes as a list, gathered per record and exploded beside the records' row index by Polars,
    which copies a record's run of codes at once (not every exploded row's place numbered in numpy: an arange, two
    repeats, an add and a gather over the given name's deletions' 5.6M rows; numpy's repeat holds the GIL, which
    u's worker beside this one needs)."""
    distinct = pl.DataFrame({"v": values.gather(picked)}).with_row_index("_d").explode("v")
    codes, count = _exact_codes(distinct["v"])
    rows_of = np.bincount(distinct["_d"].to_numpy(), minlength=len(picked)).astype(np.int64)  # rows per list
    offsets = np.zeros(len(picked) + 1, dtype=np.int64)
    np.cumsum(rows_of, out=offsets[1:])
    lists = pl.from_arrow(pa.table({"c": pa.LargeListArray.from_arrays(_arrow(offsets), _arrow(codes))}))["c"]
    spread = pl.DataFrame({"c": lists.gather(place)}).with_row_index("_i")
    spread = spread.explode("c", empty_as_null=False, keep_nulls=False)
    return spread["c"].to_numpy(), spread["_i"].to_numpy(), count


def _arrow(values: np.ndarray) -> pa.Array:
    """A numpy array of numbers as an Arrow array on the same memory (``pa.array`` of numpy imports pandas the first
    time, 0.2 CPU s once per process; a match run imports neither pandas nor pyarrow.compute, which ``pl.from_arrow``
    of an array, not of a table, imports)."""
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def key_codes(work: pl.DataFrame, columns: list[str], values: ValueCodes | None = None) -> KeyCodes:
    """Exact codes (``_exact_codes``) of the given key columns of ``work``, per record; a list column's per element
    of its lists exploded, with each element's position in ``work``. Worked out once per column, whatever number
    of rules key on it. A column of another type (floats, nested) is left out: its rules hash their keys.
    ``values``: the table's value codes, which code a column not a list (the comparisons and u read the same
    codes; a column derived from another is coded on its source's distinct values there)."""
    out: KeyCodes = {}
    for column in columns:
        dtype = work.schema[column]
        inner = dtype.inner if isinstance(dtype, pl.List) else dtype
        if not (isinstance(inner, _CODED_DTYPES) or inner.is_integer()):
            continue
        if values is not None and not isinstance(dtype, pl.List):  # (1.. for the values, 0 where missing)
            out[column] = (values.array(column), None, len(values.get(column)[1]) + 1)
            continue
        built = values.built_from(column) if values is not None and isinstance(dtype, pl.List) else None
        if built is not None:  # one list per source code: its elements coded once, spread to the records
            out[column] = _list_codes_through(work[column], *built)
            continue
        if isinstance(dtype, pl.List):
            exploded = work.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), column).explode(column)
            codes, count = _exact_codes(exploded[column])
            out[column] = (codes, exploded["_i"].to_numpy(), count)
        else:
            codes, count = _exact_codes(work[column])
            out[column] = (codes, None, count)
    return out


def _coded_keys(
    work: pl.DataFrame, rule: BlockingRule, codes: KeyCodes
) -> tuple[np.ndarray | None, np.ndarray, int] | None:
    """The rule's keyed rows as positions in ``work`` (a list key's records once per element, as ``keyed_rows``
    explodes them; None: every record in order), each one's key: its columns' exact codes in one UInt64 (mixed
    radix), and ``last``, the number of keys there can be: a row missing a key column (code 0) has a key of
    ``last`` or more (below 2 ** 64), so it sorts after every row with a key and is cut off there, not left out here
    (a gather of every keyed row's key and position: the deletions rule's 5.6M rows at 1M people). None when a
    column has no codes, two are lists, or the codes do not fit in 63 bits. With a list column, the other columns'
    part of the key is worked out per record and gathered to its exploded rows once, and the list element's part
    added from a table of each of its codes' parts (not every column gathered, multiplied and tested per row)."""
    on = list(rule.on)
    if any(c not in codes for c in on) or sum(codes[c][1] is not None for c in on) > 1:
        return None
    last = math.prod(codes[c][2] for c in on)
    if last >= 1 << 63:
        return None
    lists = [c for c in on if codes[c][1] is not None]
    key = None  # per record: the columns not a list (a list's digits left 0)
    gone = np.zeros(work.height, dtype=bool)
    for column in on:
        column_codes, _, count = codes[column]
        if key is None:
            key = np.zeros(work.height, dtype=np.uint64) if column in lists else column_codes.astype(np.uint64)
        else:
            key *= np.uint64(count)
            if column not in lists:
                key += column_codes
        if column not in lists:
            gone |= column_codes == 0
    lacking = int(np.count_nonzero(gone))
    if not lists and lacking * 8 >= work.height:  # (IDs, phones: missing in a quarter to three quarters of the
        there = np.flatnonzero(~gone)  # records, left out here by position, not sorted)
        return there, key[there], last
    if lacking:
        np.putmask(key, gone, np.uint64(last))  # (a record missing a column: ``last``)
    del gone
    if not lists:
        return None, key, last
    element_codes, positions, count = codes[lists[0]]
    scale = math.prod(codes[c][2] for c in on[on.index(lists[0]) + 1 :])  # the list's digit's place value
    part = np.arange(count, dtype=np.uint64) * np.uint64(scale)  # per code of the list's elements, its part
    part[0] = last  # (a missing list: ``last`` or more)
    # a stride at a time, ``take`` told every index is in range ("clip"): no temporary array of every row, and
    # ``out`` written directly, not through a buffer of its size (the deletions rule's 5.6M rows: 82 -> 45 ms)
    rows = np.empty(len(positions), dtype=np.uint64)
    for at in range(0, len(rows), _STRIDE):
        stride = slice(at, at + _STRIDE)
        np.take(key, positions[stride], out=rows[stride], mode="clip")
        rows[stride] += np.take(part, element_codes[stride], mode="clip")
    return positions, rows, last


def _rule_keys(
    work: pl.DataFrame, rule: BlockingRule, codes: KeyCodes | None = None, positional: bool | None = None
) -> tuple[np.ndarray, pl.DataFrame, int]:
    """One rule's pairs as packed keys (``l << 32 | r``, l < r; a pair in several blocks of a rule keyed on a list
    or with ``missing`` may repeat), its capped blocks, and its largest block's size (``rule_key_chunks`` in one
    piece)."""
    keys: list[np.ndarray] = []
    capped, largest = rule_key_chunks(work, rule, keys.append, codes, positional=positional)
    return (np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)), capped, largest


_STRIDE = 1 << 20  # rows a temporary array of positions holds
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: its product's top bits spread keys evenly


def _maybe_in_blocks_of(key: np.ndarray, chosen: np.ndarray) -> np.ndarray | None:
    """Which rows may share their key with a ``chosen`` row: a superset of the rows of the blocks holding one, found
    through a table of bits (one per bucket of the keys' multiplicative hash, about 16 buckets a chosen row) with the
    chosen rows' buckets set; None when the chosen rows are not few (a quarter of the rows or more) and all are kept.
    A rule with ``missing`` pairs only in blocks holding a record missing that column (a few in a hundred at most):
    its other rows are left out before the rows are sorted into blocks."""
    few = int(np.count_nonzero(chosen))
    if few * 4 >= len(key):
        return None
    bits = max(int(few * 16).bit_length(), 10)
    bucket = ((key * _FIBONACCI) >> np.uint64(64 - bits)).astype(np.intp)
    table = np.zeros(1 << bits, dtype=bool)
    table[bucket[chosen]] = True
    return table[bucket]


def _rows_are_positions(work: pl.DataFrame) -> bool:
    """Whether ``work``'s row numbers are its positions (0, 1, ...; as ``prepare`` numbers them): a record's row is
    then its position, not gathered."""
    rows = work[ROW]
    n = len(rows)
    if not n:
        return True
    return rows[0] == 0 and rows[n - 1] == n - 1 and bool((np.diff(rows.to_numpy().astype(np.int64)) == 1).all())


def _block_chunks(pairs: np.ndarray, budget: int | None) -> list[np.ndarray]:
    """Consecutive groups of blocks (their indices) of at most ``budget`` pairs each (``pairs``: per block; a block
    of more is a group of its own); one group of all with no budget."""
    if budget is None or not len(pairs) or int(pairs.sum()) <= budget:
        return [np.arange(len(pairs))]
    group = np.cumsum(pairs) // budget  # a block's group: where its pairs end, in budgets
    starts, _ = _runs(group)
    return np.split(np.arange(len(pairs)), starts[1:])


def _missing_keep(
    work: pl.DataFrame, rule: BlockingRule, positions: np.ndarray | None, key: np.ndarray, last: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """A ``missing`` rule's gaps (per record) and the rows to keep: only blocks holding a record missing the column
    pair (None: every row kept)."""
    gaps = work[rule.missing].is_null().to_numpy()  # (per record)
    chosen = (gaps if positions is None else gaps[positions]) & (key < last)  # (a row without a key: none)
    keep = _maybe_in_blocks_of(key, chosen)
    del chosen
    if keep is not None:
        keep = np.flatnonzero(keep)  # (8-62 % of the rows at 1M people: gathered, not masked twice)
    return gaps, keep


def _sorted_words(
    work: pl.DataFrame, rule: BlockingRule, codes: KeyCodes
) -> tuple[np.ndarray, np.ndarray | None, int, int, np.ndarray | None] | None:
    """The coded keys of a rule's rows (None: not coded) sorted: (words, records, n, bits, gaps): the first ``n``
    rows' words (the rows with a key), with their record's position in the low ``bits`` bits (records None) or
    not (bits 0, records the rows' records); gaps: a ``missing`` rule's gaps per record, else None."""
    coded = _coded_keys(work, rule, codes)
    if coded is None:
        return None
    positions, key, last = coded  # (positions None: every record, in order; a key of ``last`` or more: none)
    del coded
    gaps = None
    if rule.missing:  # only blocks holding a record missing the column pair: the rows of the others left out
        gaps, keep = _missing_keep(work, rule, positions, key, last)
        if keep is not None:
            positions = keep if positions is None else positions[keep]
            key = key[keep]
            del keep
    # each row's key sorted with its record's position beside it: the sort gives the records of the rows in
    # block order (not an order of the rows, whose records are then gathered: the deletions rule's 1.4M rows)
    n, bits = len(key), max(int(work.height).bit_length(), 1)
    top = max(int(key.max(initial=0)), last)  # (``last`` too: the rows with a key are cut off at it, shifted)
    if top.bit_length() + bits <= 64:  # key and position in one word: a sort, no argsort
        key <<= np.uint64(bits)  # (in place from here: one word array, then the records)
        word = key
        del key
        for at in range(0, n, _STRIDE):  # (positions a stride at a time: no array of them all)
            if positions is None:
                word[at : at + _STRIDE] |= np.arange(at, min(at + _STRIDE, n), dtype=np.uint64)
            else:
                word[at : at + _STRIDE] |= positions[at : at + _STRIDE].astype(np.uint64)
        word.sort()
        n = int(np.searchsorted(word, np.uint64(last) << np.uint64(bits)))  # the rows with a key: the first n
        word = word[:n]
        records = None  # (a row's record: its word's low ``bits`` bits)
    else:
        order = np.argsort(key, kind="stable")
        word = key[order]  # (the keys: words of no position bits)
        del key
        n = int(np.searchsorted(word, np.uint64(last)))
        order, word, bits = order[:n], word[:n], 0
        records = order if positions is None else positions[order]
        del order
    return word, records, n, bits, gaps


def _coded_blocks(
    work: pl.DataFrame, rule: BlockingRule, codes: KeyCodes, positional: bool | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, bool, bool] | tuple[()] | None:
    """The blocks of a rule's coded keys (None: not coded; (): no row with a key): (rows, positions, starts,
    sizes, gaps, lone, positional): the rows and record positions of the blocks of two or more in block order,
    the blocks' starts and sizes, gaps per record (``missing``), whether a block of one row counts for the
    largest block, and ``positional`` as worked out."""
    words = _sorted_words(work, rule, codes)
    if words is None:
        return None
    word, records, n, bits, gaps = words
    del words
    if not n:
        return ()
    # only the rows of blocks of two or more are kept from here (a block of one makes no pair: at 1M people 4.2M
    # of the deletions rule's 5.6M keyed rows): their runs and records worked out on those rows only (the keys
    # and records of every row not made arrays)
    low = np.uint64((1 << bits) - 1)
    taken = _in_shared_runs(word, bits)
    # (a block of one row counts for the largest block; with ``missing``, only if its record misses the column)
    if gaps is None:
        lone = bool(n - np.count_nonzero(taken))
    else:
        lone_rows = np.flatnonzero(~taken)
        lone = bool(gaps[records[lone_rows] if records is not None else (word[lone_rows] & low)].any())
        del lone_rows
    taken = np.flatnonzero(taken)
    word = word[taken]
    positions = records[taken] if records is not None else (word & low).view(np.int64)
    word >>= np.uint64(bits)
    starts, sizes = _runs(word)
    del word, taken, records
    if positional is None:
        positional = _rows_are_positions(work)
    rows = positions if positional else work[ROW].to_numpy()[positions]
    return rows, positions, starts, sizes, gaps, lone, positional


def _big_blocks(
    rule: BlockingRule, starts: np.ndarray, sizes: np.ndarray, gaps: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(big, considered, k): the capped blocks, the blocks considered and (``missing``) the records missing the
    column pair per block: k such records in a block of n."""
    if rule.missing:
        k = np.add.reduceat(gaps.astype(np.int64), starts) if len(starts) else np.zeros(0, dtype=np.int64)
        full = rule.max_block * (rule.max_block - 1) // 2
        big = (k > 0) & (k * (sizes - k) + k * (k - 1) // 2 > full)
        considered = k > 0
        return big, considered, k
    return sizes > rule.max_block, np.ones(len(sizes), dtype=bool), None


def _emit_small(
    rule: BlockingRule,
    rows: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    small: np.ndarray,
    k: np.ndarray | None,
    gaps: np.ndarray | None,
    emit: Callable[[np.ndarray], None],
    budget: int | None,
    pack: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """The pairs of the ``small`` blocks (compared all-against-all), given to ``emit`` ``budget`` pairs at most."""
    small_starts, small_sizes = starts[small], sizes[small]
    if rule.missing:
        k_small = k[small]
        block_pairs = k_small * (small_sizes - k_small) + k_small * (k_small - 1) // 2
    else:
        block_pairs = small_sizes * (small_sizes - 1) // 2
    for group in _block_chunks(block_pairs, budget):
        if rule.missing:
            p, q = _gap_pairs(small_starts[group], small_sizes[group], gaps)
        else:
            p, q = _all_pairs(small_starts[group], small_sizes[group])
        left = rows[p]
        del p
        right = rows[q]
        del q
        emit(pack(left, right))
        del left, right


def _emit_capped(
    work: pl.DataFrame,
    rule: BlockingRule,
    big: np.ndarray,
    sizes: np.ndarray,
    blocks: tuple[pl.DataFrame | None, np.ndarray | None, np.ndarray | None, np.ndarray | None],
    codes: KeyCodes,
    emit: Callable[[np.ndarray], None],
    pack: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> pl.DataFrame:
    """The capped blocks' sorted-window pairs given to ``emit``; returns the capped blocks. ``blocks``: (keyed,
    order, positions, gaps): the hashed keyed rows and their block order, else the coded rows' record positions."""
    keyed, order, positions, gaps = blocks
    in_big = np.repeat(big, sizes)  # per keyed row in block order: in a capped block
    number = np.repeat(np.arange(len(sizes))[big], sizes[big])
    heads, ranked = None, None
    if keyed is None:  # the sort columns of every row, the key columns of each block's first row only
        big_positions = positions[in_big]
        ranked = _code_ranks(work, rule.sort_by, codes, big_positions)
        big_rows = work.select(ROW, *(c for c in rule.sort_by if c not in ranked))[pl.Series(big_positions)]

        def heads(first: np.ndarray) -> pl.DataFrame:
            return work.select(rule.on)[pl.Series(big_positions[first])]
    else:
        big_rows = keyed[order[in_big]]
    big_rows = big_rows.with_columns(pl.Series("_b", number))
    if rule.missing:  # the gaps already worked out, not again per row of the capped blocks
        big_rows = big_rows.with_columns(pl.Series("_gap", gaps[in_big]))
    return _window_pairs(big_rows, rule, emit, heads, ranked, pack)


@small_pages()  # (also when the sharded engine calls it, shards.py: not through candidate_pairs)
def rule_key_chunks(
    work: pl.DataFrame,
    rule: BlockingRule,
    emit: Callable[[np.ndarray], None],
    codes: KeyCodes | None = None,
    budget: int | None = None,
    positional: bool | None = None,
    pack: Callable[[np.ndarray, np.ndarray], np.ndarray] = _pack,
) -> tuple[pl.DataFrame, int]:
    """One rule's pairs as packed keys (``l << 32 | r``, l < r; a pair in several blocks of a rule keyed on a list
    or with ``missing`` may repeat), given to ``emit`` in pieces of at most about ``budget`` pairs (whole blocks;
    the sorted-window pairs of capped blocks a window step at a time); returns its capped blocks and its largest
    block's size. With a budget the pairs of a rule are never all held at once (the sharded engine, shards.py).
    ``positional``: ``_rows_are_positions(work)`` when the caller worked it out once for all its rules (a pass over
    every row number: 17 rules at 1M people, 0.1 CPU s); None: worked out here. ``pack``: what makes the pairs'
    keys of their rows (``_pack``; ``candidate_pairs``: ``_merge``'s words, ``_pair_words``).

    Blocks are runs of keyed rows sorted by their key: the key columns' exact codes in one integer (``key_codes``,
    ``codes`` when worked out already), else a 64-bit hash of the key values (``_sorted_blocks``). The pairs of
    the blocks compared all-against-all are numbered in numpy, those of capped blocks sorted-window paired."""
    on = list(rule.on)
    if codes is None:
        codes = key_codes(work, on)
    keyed, order, positions = None, None, None
    blocks = _coded_blocks(work, rule, codes, positional)
    if blocks is None:  # keys not coded: blocks of the hashed keyed rows
        keyed = keyed_rows(work, rule)
        if not keyed.height:
            return pl.DataFrame(schema=CAPPED_SCHEMA), 0
        order, starts, sizes = _sorted_blocks(keyed, on)
        rows = keyed[ROW].to_numpy()[order]
        lone = False  # (every block kept, those of one row too)
    elif not blocks:  # (no row with a key)
        return pl.DataFrame(schema=CAPPED_SCHEMA), 0
    else:
        rows, positions, starts, sizes, gaps, lone, positional = blocks
        del blocks
    if rule.missing:  # only blocks holding a record missing the column pair
        if keyed is None:
            gaps = gaps[positions]  # (per record: of each row)
        else:
            gaps = keyed.select(gap(rule)).to_series().to_numpy()[order]
    else:
        gaps = None
    big, considered, k = _big_blocks(rule, starts, sizes, gaps)
    largest = int(sizes[considered].max()) if considered.any() else int(lone)
    if keyed is None and big.any() and list_columns(work.schema, rule):
        # capped blocks of exploded rows: their key values are not at hand here, so the blocks come from the hashed
        # keyed rows instead (before any pair is given out)
        return rule_key_chunks(work, rule, emit, {}, budget, positional, pack)
    _emit_small(rule, rows, starts, sizes, considered & ~big & (sizes > 1), k, gaps, emit, budget, pack)
    capped = pl.DataFrame(schema=CAPPED_SCHEMA)
    if big.any():
        capped = _emit_capped(work, rule, big, sizes, (keyed, order, positions, gaps), codes, emit, pack)
    return capped, largest


def rule_pairs(work: pl.DataFrame, rule: BlockingRule, rule_index: int) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """One rule's pairs (l, r, rules: its bit; each once), its capped blocks, and its largest block's size."""
    keys, capped, largest = _rule_keys(work, rule)
    if list_columns(work.schema, rule) or rule.missing:  # a pair may be in several blocks of the rule
        keys = np.unique(keys)
    left, right = _unpack(keys)
    pairs = pl.DataFrame({L: left, R: right, "rules": np.full(len(keys), 1 << rule_index, dtype=np.uint32)})
    return pairs, capped, largest


def _row_bits(records: int) -> int | None:
    """Bits a row number of a table of ``records`` takes, when l, r and a rule number (< 32) fit in one 64-bit word
    (``_word``); else None."""
    bits = max(int(records - 1).bit_length(), 1)
    return bits if 2 * bits + 5 <= 64 else None


def _word(keys: np.ndarray, rule: int, bits: int) -> np.ndarray:
    """Rule ``rule``'s packed keys (``l << 32 | r``) as words of l, r (``bits`` each) and the rule's number, which
    sort as the keys do, the rule's number last."""
    shift, mask = np.uint64(bits), np.uint64((1 << bits) - 1)
    return ((((keys >> np.uint64(32)) << shift) | (keys & mask)) << np.uint64(5)) | np.uint64(rule)


def _word_left(words: np.ndarray, bits: int) -> np.ndarray:
    """The left record's row (l) of each of ``_word``'s words."""
    return words >> np.uint64(bits + 5)


_MERGE_HALVES_FROM = 1 << 20  # words: fewer are merged on one thread


def _sorted_parts(packed: np.ndarray, workers: Executor) -> list[np.ndarray]:
    """``_merge``'s words sorted in place, in two threads from ``_MERGE_HALVES_FROM`` words: partitioned at the middle
    (every word before it no larger, every one after no smaller), the second half sorted on ``workers`` meanwhile;
    returned as views of the sorted words, the second beginning at a pair's first word (a pair's words, one per rule,
    in one)."""
    if len(packed) < _MERGE_HALVES_FROM:
        packed.sort()
        return [packed]
    half = len(packed) // 2
    packed.partition(half)
    later = workers.submit(packed[half:].sort)
    packed[:half].sort()
    later.result()
    five = np.uint64(5)
    cut = int(np.searchsorted(packed[:half], (packed[half] >> five) << five))  # (the middle word's pair's first word)
    return [packed[:cut], packed[cut:]]


def _pair_starts(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of sorted words (``_word``'s): each word's rule bit, and where each pair's words start; the words made their
    pairs in place (the rule's number shifted out)."""
    rule = words.astype(np.uint32)  # (the low 32 bits: the rule's number under the pair's low bits)
    rule &= np.uint32(31)
    np.left_shift(np.uint32(1), rule, out=rule)  # the rule's bit
    words >>= np.uint64(5)  # the pair
    new = np.empty(len(words), dtype=bool)
    new[:1] = True
    np.not_equal(words[1:], words[:-1], out=new[1:])
    return rule, np.flatnonzero(new)


def _unpack_part(
    pairs: np.ndarray,
    rule: np.ndarray,
    starts: np.ndarray,
    bits: int,
    left: np.ndarray,
    right: np.ndarray,
    rules: np.ndarray,
) -> None:
    """``_pair_starts``' pairs written as their rows (``left``, ``right``, ``bits`` each) and the bits of the rules
    that found each (``rules``), one per pair."""
    if not len(starts):
        return
    pair = pairs[starts]
    np.copyto(right, pair, casting="unsafe")  # (the low 32 bits: r, whose bits are 29 at most, 2 bits + 5 <= 64)
    right &= np.uint32((1 << bits) - 1)
    pair >>= np.uint64(bits)
    np.copyto(left, pair, casting="unsafe")
    del pair
    np.bitwise_or.reduceat(rule, starts, out=rules)


@small_pages()  # (also when the sharded engine calls it, shards.py: not through candidate_pairs)
def _merge(keys: list[np.ndarray], records: int, words: bool = False, pool: Executor | None = None) -> pl.DataFrame:
    """Pairs (l, r, sorted) with ``rules``: the bits of the rules whose packed keys (``keys[i]``: rule i's) hold the
    pair. Sorted as one array of l, r and the rule's number packed in 64 bits (a pair repeated within a rule
    counts once; ``words``: ``keys`` are such words already, ``_word``), else, for tables too large to pack, by
    an argsort. ``pool``: the words' halves worked out there (``candidate_pairs``' pool, its rules done), else on a
    pool of two of its own."""
    if not keys:
        return pl.DataFrame(schema={L: pl.UInt32, R: pl.UInt32, "rules": pl.UInt32})
    bits = _row_bits(records)
    if bits is not None:
        # memory: the rules' keys freed once copied (the caller's list is emptied), the pairs unpacked in place, no
        # run lengths, l and r made 32-bit into arrays of all the pairs (at 3M people this step set blocking's peak)
        packed = np.concatenate(keys if words else [_word(k, i, bits) for i, k in enumerate(keys)])
        keys.clear()
        # (every step from here writes into arrays of its own, no temporary of each word or pair: fresh memory is
        # the kernel's to fault in. The step runs alone, after every rule: in two threads, each on a half of the
        # words, split at a pair; at 1M people 7.35M words, 0.18-0.22 s on one thread)
        with _threads(2, pool) as workers:
            parts = _sorted_parts(packed, workers)
            found = list(workers.map(_pair_starts, parts))
            at = np.cumsum([0, *(len(starts) for _, starts in found)])
            left, right, rules = (np.empty(int(at[-1]), dtype=np.uint32) for _ in range(3))

            def unpack(i: int) -> None:
                mine = slice(int(at[i]), int(at[i + 1]))
                _unpack_part(parts[i], *found[i], bits, left[mine], right[mine], rules[mine])

            list(workers.map(unpack, range(len(parts))))
        del packed, parts, found
    else:
        key = np.concatenate(keys)
        rule = np.concatenate([np.full(len(k), i, dtype=np.uint32) for i, k in enumerate(keys)])
        order = np.argsort(key, kind="stable")
        key, rule = key[order], rule[order]
        starts, _ = _runs(key)
        left, right = _unpack(key[starts])
        rules = np.bitwise_or.reduceat(np.left_shift(np.uint32(1), rule), starts) if len(starts) else rule[:0]
    return pl.DataFrame(
        {
            L: left.astype(np.uint32, copy=False),
            R: right.astype(np.uint32, copy=False),
            "rules": rules.astype(np.uint32, copy=False),
        }
    )


@contextmanager
def _threads(threads: int | None, pool: Executor | None) -> Iterator[Executor]:
    """``pool`` when given (the caller's, left running), else a pool of ``threads`` (None: BLOCKING_THREADS)."""
    if pool is not None:
        yield pool
        return
    with ThreadPoolExecutor(max_workers=threads or BLOCKING_THREADS) as own:
        yield own


@small_pages()  # (a decorator: entered on each call)
def rule_key_codes(
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes | None = None,
    threads: int | None = None,
    pool: Executor | None = None,
) -> KeyCodes:
    """``key_codes`` of every key column of the spec's rules, each coded once (most are keys of several rules),
    ``threads`` at a time (None: BLOCKING_THREADS), or on ``pool`` when given. ``codes``: the table's value codes
    (made here when not given)."""
    if codes is None:
        from pipelines.match.compare import ValueCodes  # noqa: PLC0415 - compare's codes, blocking's own module

        codes = ValueCodes(work, derived_sources(spec))
    columns = list(dict.fromkeys(c for rule in spec.blocking for c in rule.on))
    keyed: KeyCodes = {}
    with _threads(threads, pool) as workers:
        for part in workers.map(lambda column: key_codes(work, [column], codes), columns):
            keyed.update(part)
    return keyed


@small_pages()  # (a decorator: entered on each call)
def candidate_pairs(
    work: pl.DataFrame,
    spec: MatchSpec,
    codes: ValueCodes | None = None,
    threads: int | None = None,
    pool: Executor | None = None,
) -> tuple[pl.DataFrame, BlockingReport]:
    """Distinct pairs (l < r, row numbers, sorted) with ``rules``: a bit per blocking rule that found the pair.
    ``codes``: the table's value codes, shared with the comparisons (made here when not given). ``threads``: rules
    (and key columns) worked out at a time (None: BLOCKING_THREADS); the same pairs whatever the number. ``pool``:
    the rules are worked out on the caller's pool instead (the engine's, whose other worker counts u first: the
    rules one at a time while it does, two at a time after; three threads on two cores cost CPU, not wall)."""
    if len(spec.blocking) > 31:
        raise ValueError("at most 31 blocking rules")
    capped, keys, largest = [], [], {}
    bits = _row_bits(work.height)
    keyed = rule_key_codes(work, spec, codes, threads, pool)
    positional = _rows_are_positions(work)  # (once, not per rule)

    def one_rule(i: int) -> tuple[list[np.ndarray], pl.DataFrame, int]:
        if bits is None:  # (``_merge`` then reads a rule's keys as one array, the i-th)
            rule_keys, rule_capped, rule_largest = _rule_keys(work, spec.blocking[i], keyed, positional)
            return [rule_keys], rule_capped, rule_largest
        # the rule's pairs made ``_merge``'s words at once, in the pieces found (``_merge`` joins every rule's: not
        # each rule's joined first)
        words: list[np.ndarray] = []
        rule_capped, rule_largest = rule_key_chunks(
            work, spec.blocking[i], words.append, keyed, positional=positional, pack=_pair_words(i, bits)
        )
        return words, rule_capped, rule_largest

    # rules are independent: two at a time (numpy's sorts and Polars release the GIL), results in spec order
    with _threads(threads, pool) as workers:
        for rule, (rule_keys, rule_capped, rule_largest) in zip(
            spec.blocking, workers.map(one_rule, range(len(spec.blocking))), strict=True
        ):
            keys.extend(rule_keys)
            capped.append(rule_capped)
            largest[rule.name] = rule_largest
        pairs = _merge(keys, work.height, words=bits is not None, pool=workers)  # (on the rules' pool, no other)
    # counted per distinct set of rules (a few hundred), not per pair and rule (a pass over every pair per rule)
    sets = pairs["rules"].value_counts(name="n")
    rules, n = sets["rules"].to_numpy(), sets["n"].to_numpy().astype(np.int64)
    per_rule = {rule.name: int(n[((rules >> i) & 1) == 1].sum()) for i, rule in enumerate(spec.blocking)}
    # a pair is "new" for the first rule (in spec order) that found it
    first = rules & (~rules + np.uint32(1))
    new = {rule.name: int(n[first == (1 << i)].sum()) for i, rule in enumerate(spec.blocking)}
    capped_all = pl.concat(capped) if capped else pl.DataFrame(schema=CAPPED_SCHEMA)
    report = BlockingReport(per_rule, new, capped_all, pairs.height, largest)
    return pairs, report


def rule_names(bits: pl.Expr, spec: MatchSpec) -> pl.Expr:
    """The rules of a ``rules`` bit set as a comma-separated string."""
    names = [pl.when((bits & (1 << i)) != 0).then(pl.lit(rule.name)) for i, rule in enumerate(spec.blocking)]
    return pl.concat_str(names, separator=",", ignore_nulls=True)
