"""Candidate pairs in shards, spilled to disk: matching a city's people in memory bounded by the shard, not by the
number of candidate pairs (issue 14: ~0.9 billion candidate pairs at 14M people).

Each blocking rule's pairs are numbered a group of whole blocks at a time (``blocking.rule_key_chunks``, at most
about KEY_BUDGET pairs a piece) and written, as blocking's packed words (l, r and the rule's number), to one of
BUCKETS files by their left record's row range (bucket ``l * BUCKETS // records``); a pair found by several rules
lands in one bucket whatever the rule. The pairs are counted by finer row ranges (STEPS), and a shard is a run of
consecutive steps holding about its share of the pairs (a bucket it shares with the next shard read for its steps'
pairs only): read back, its pairs are merged across rules (``blocking._merge``: sorted, each pair once with the bits of
its rules) and saved; every pair is in exactly one shard, and the shards one after the other hold the pairs in
the order of the candidate pairs made in one piece (l, then r). The engine then compares, counts EM's patterns, scores and keeps a shard at a time (engine.py): EM reads
the pattern counts, not the pairs, and the pair table keeps only the pairs from ``pair_floor`` up.

Number of shards: given (``shards``), else enough for at most ``shard_pairs`` pairs (as rules found them, a pair
found by two rules counted twice) per shard. Files live in a folder of the run's own (``spill_folder``: named after
the process and its start time) removed when the run ends, however it ends; a folder left by a run that was killed
(its process gone) is removed by the next run that spills into the same place (``remove_stale_spills``).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.match.blocking import (
    BLOCKING_THREADS,
    CAPPED_SCHEMA,
    BlockingReport,
    KeyCodes,
    _merge,
    _row_bits,
    _rows_are_positions,
    _word,
    _word_left,
    rule_key_chunks,
)
from pipelines.match.memory import give_back  # (the C heap's free pages, between shards and steps)
from pipelines.match.spec import MatchSpec
from pipelines.warehouse import pid_alive

BUCKETS = 64  # files a rule's pairs are spread over (by left record): the most shards a run can have
# row ranges whose pairs are counted (64 in a bucket's): where a shard may end. A pair's left record is the lower of its
# two rows, so with the records in no particular order the pairs thin out from the first rows to the last: the first
# buckets hold about 2 / BUCKETS of the pairs each. Shards of whole buckets (as before 2026-12-05) left shards empty
# where a bucket held more than a shard's share (6 of 48 at 14M people; 4 of 48 at 1M, the largest 1.86x the mean)
STEPS = BUCKETS * 64
KEY_BUDGET = 8_000_000  # pairs a rule numbers at a time (whole blocks): bounds blocking's working memory
SHARD_PAIRS = 40_000_000  # default: pairs (per rule that found them) a shard holds at most
SHARD_FROM_RECORDS = 2_000_000  # default: tables of this many records or more are matched in shards


SPILL_PREFIX = "wardbridge-shards-"  # + owner's pid, its start time and a random part: a run's spill folder
_SPILL_NAME = re.compile(rf"^{SPILL_PREFIX}(\d+)-(\d+)-")


def _started(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks after boot, /proc/<pid>/stat's 22nd field): told apart from a later
    process given the same pid. None when there is no such process; 0 where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[19])  # (after the command, which may hold spaces)
    except FileNotFoundError:
        if not os.path.isdir("/proc/self"):
            return 0 if pid_alive(pid) else None
        return None
    except (OSError, ValueError, IndexError):
        return 0 if pid_alive(pid) else None


def spill_folder(directory: Path | None = None) -> Path:
    """A new folder for this run's spilled pairs in ``directory`` (default: the temporary directory), named after
    this process and its start time, once the folders of runs whose process is gone are removed."""
    base = Path(directory) if directory is not None else Path(tempfile.gettempdir())
    remove_stale_spills(base)
    pid = os.getpid()
    return Path(tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{pid}-{_started(pid) or 0}-", dir=base))


def remove_stale_spills(directory: Path) -> list[Path]:
    """Remove the spill folders in ``directory`` whose run is over (its process gone, or its pid now another
    process's): a run killed before it could remove its own. A live run's folder, and folders named otherwise, are
    left alone. Returns the folders removed."""
    removed = []
    try:
        folders = sorted(Path(directory).glob(f"{SPILL_PREFIX}*"))
    except OSError:
        return removed
    for folder in folders:
        named = _SPILL_NAME.match(folder.name)
        if named is None or not folder.is_dir():
            continue
        pid, started = int(named[1]), int(named[2])
        now = _started(pid)
        if now is not None and (now == started or not now or not started):
            continue  # the owner (or a process we cannot tell from it) is running
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def shard_setting(records: int, shards: int | None, by_pairs: bool = False) -> int | None:
    """How a run of ``records`` records is sharded: ``shards`` when given (1: not sharded, the engine as it always
    was), else automatically (None: the count worked out from the pairs) from SHARD_FROM_RECORDS records up, 1
    below; ``by_pairs`` (a most pairs a shard given): automatically whatever the records."""
    if shards is not None:
        if shards < 1 or shards > BUCKETS:
            raise ValueError(f"shards must be between 1 and {BUCKETS}, not {shards}")
        return shards
    return None if by_pairs or records >= SHARD_FROM_RECORDS else 1


@dataclass
class ShardedPairs:
    """The candidate pairs of a run, a shard at a time (``pairs(s)``), with what blocking reports on all of them."""

    directory: Path
    count: int
    records: int
    report: BlockingReport
    rule_sets: pl.Series  # the distinct ``rules`` of all candidate pairs
    degrees: dict[int, np.ndarray]  # trained rule's number -> each record's pairs under it
    sizes: list[int] = field(default_factory=list)  # distinct pairs per shard

    @property
    def height(self) -> int:
        return self.report.candidate_pairs

    def path(self, shard: int, what: str) -> Path:
        return self.directory / f"shard{shard:02d}.{what}.arrow"

    def save(self, shard: int, what: str, frame: pl.DataFrame) -> None:
        frame.write_ipc(self.path(shard, what), compression="lz4")

    def load(self, shard: int, what: str) -> pl.DataFrame:
        return pl.read_ipc(self.path(shard, what))

    def pairs(self, shard: int) -> pl.DataFrame:
        """Shard ``shard``'s candidate pairs: l, r (row numbers, l < r, sorted), rules (bits)."""
        return self.load(shard, "pairs")

    def all_pairs(self) -> pl.DataFrame:
        """Every candidate pair, sorted (a tiny table's, whose u leaves them out; not for city scale)."""
        return pl.concat([self.pairs(s) for s in range(self.count)]).sort("l", "r")

    def not_among(self, few: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``few`` (l, r; in order) that are no candidate pair, each shard's pairs probed against them."""
        if not few.height:
            return few
        wanted = few.select((pl.col("l").cast(pl.UInt64) * (1 << 32) + pl.col("r").cast(pl.UInt64)).alias("k"))["k"]
        found = []
        for s in range(self.count):
            keys = self.pairs(s).select(pl.col("l").cast(pl.UInt64) * (1 << 32) + pl.col("r").cast(pl.UInt64))
            found.append(keys.to_series().filter(keys.to_series().is_in(wanted.implode())))
        return few.filter(~wanted.is_in(pl.concat(found).implode()))

    def same_entity_below(self, clusters: pl.Series) -> int:
        """How many candidate pairs left under the pair floor (``kept`` saved per shard) join two records of one
        cluster."""
        same = 0
        for s in range(self.count):
            if not self.path(s, "kept").exists():
                continue
            pairs, kept = self.pairs(s), self.load(s, "kept")["keep"]
            left, right = pairs["l"].filter(~kept), pairs["r"].filter(~kept)
            same += int((clusters.gather(left) == clusters.gather(right)).sum())
        return same

    def write_candidates(self, folder: Path) -> None:
        """Every candidate pair (l, r, rules) as one Parquet file per shard in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for s in range(self.count):
            self.pairs(s).write_parquet(folder / f"candidates-{s:02d}.parquet")

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def spill_candidates(
    work: pl.DataFrame,
    spec: MatchSpec,
    keyed: KeyCodes,
    shards: int | None,
    shard_pairs: int = SHARD_PAIRS,
    directory: Path | None = None,
) -> ShardedPairs:
    """The candidate pairs of ``work`` under ``spec``'s rules (``keyed``: the key columns' codes,
    ``blocking.key_codes``) in shards on disk: each shard's pairs merged across rules, saved, and counted per set
    of rules; per trained rule, each record's number of pairs (EM's crowded keys: ``model.crowded_bits``)."""
    if len(spec.blocking) > 31:
        raise ValueError("at most 31 blocking rules")
    bits = _row_bits(work.height)
    if bits is None:
        raise ValueError(f"{work.height:,} records are too many to match in shards (row numbers of {bits} bits)")
    folder = spill_folder(directory)
    try:
        spilled = _spill(work, spec, keyed, shards, shard_pairs, folder, bits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    weakref.finalize(spilled, shutil.rmtree, folder, ignore_errors=True)  # also when dropped (the engine removes it)
    return spilled


def _steps(left: np.ndarray, records: int) -> np.ndarray:
    """The step (row range of STEPS even ones) of each pair's left record's row ``left`` in a table of ``records``."""
    return (left * np.uint64(STEPS) // np.uint64(records)).astype(np.uint16)


def _bucket_file(folder: Path, bucket: int, rule: int) -> Path:
    return folder / f"bucket{bucket:02d}.rule{rule:02d}.u64"


def _spill(
    work: pl.DataFrame,
    spec: MatchSpec,
    keyed: KeyCodes,
    shards: int | None,
    shard_pairs: int,
    folder: Path,
    bits: int,
) -> ShardedPairs:
    rules = spec.blocking
    capped: list[pl.DataFrame] = [pl.DataFrame(schema=CAPPED_SCHEMA)] * len(rules)
    largest = [0] * len(rules)
    positional = _rows_are_positions(work)  # (once, not per rule)
    per_step = [np.zeros(STEPS, dtype=np.int64) for _ in rules]  # each rule's pairs per step (one thread a rule)

    def one_rule(i: int) -> None:
        def emit(keys: np.ndarray) -> None:
            if not len(keys):
                return
            step = _steps(keys >> np.uint64(32), work.height)
            per_step[i] += np.bincount(step, minlength=STEPS)
            bucket = (step // (STEPS // BUCKETS)).astype(np.uint8)  # (l * BUCKETS // records)
            del step
            order = np.argsort(bucket, kind="stable")  # (a radix sort of bytes)
            words = _word(keys[order], i, bits)
            del order
            counts = np.bincount(bucket, minlength=BUCKETS)
            ends = np.cumsum(counts)
            for b in np.flatnonzero(counts):
                with _bucket_file(folder, int(b), i).open("ab") as out:
                    words[ends[b] - counts[b] : ends[b]].tofile(out)

        capped[i], largest[i] = rule_key_chunks(work, rules[i], emit, keyed, KEY_BUDGET, positional)
        # the rule's freed key chunks back to the system at once: with glibc's heap kept for the run (memory.py) each
        # blocking thread's arena held them to the phase's end (peak at 3M people +69 to +427 MiB; 14M: -0.6 GB)
        give_back()

    with ThreadPoolExecutor(max_workers=BLOCKING_THREADS) as pool:
        list(pool.map(one_rule, range(len(rules))))
    give_back()

    counted_steps = np.sum(per_step, axis=0) if rules else np.zeros(STEPS, dtype=np.int64)
    total = int(counted_steps.sum())
    count = shards if shards is not None else max(1, min(BUCKETS, math.ceil(total / shard_pairs)))
    # shard s: the steps from first[s] on, up to where the pairs before them reach (s + 1) / count of all
    ends = np.searchsorted(np.cumsum(counted_steps), total * np.arange(1, count) / count, side="right")
    first = np.concatenate([[0], ends, [STEPS]]).astype(np.int64)
    per_bucket = STEPS // BUCKETS

    trained = [i for i, rule in enumerate(rules) if rule.train]
    degrees = {i: np.zeros(work.height, dtype=np.uint32) for i in trained}
    sets: list[pl.DataFrame] = []
    spilled = ShardedPairs(folder, count, work.height, None, None, degrees)  # type: ignore[arg-type]
    for s in range(count):
        words = []
        low, high = int(first[s]), int(first[s + 1])  # the shard's steps
        for b in range(low // per_bucket, -(-high // per_bucket)):  # the buckets holding them
            shared = b * per_bucket < low or (b + 1) * per_bucket > high  # with another shard: its steps only
            for i in range(len(rules)):
                f = _bucket_file(folder, b, i)
                if f.exists():
                    held = np.fromfile(f, dtype=np.uint64)
                    if shared:
                        step = _steps(_word_left(held, bits), work.height)
                        held = held[(step >= low) & (step < high)]
                        del step
                    words.append(held)
                    if (b + 1) * per_bucket <= high:  # no later shard reads it
                        f.unlink()
        pairs = _merge(words, work.height, words=True)
        spilled.save(s, "pairs", pairs)
        spilled.sizes.append(pairs.height)
        sets.append(pairs["rules"].value_counts(name="n"))
        left, right, bits_of = pairs["l"].to_numpy(), pairs["r"].to_numpy(), pairs["rules"].to_numpy()
        for i in trained:
            mine = ((bits_of >> np.uint32(i)) & 1).astype(bool)
            for ends in (left[mine], right[mine]):
                np.add(degrees[i], np.bincount(ends, minlength=work.height), out=degrees[i], casting="unsafe")
        del pairs, left, right, bits_of
        give_back()

    counted = (
        pl.concat(sets).group_by("rules").agg(pl.col("n").sum()) if sets else pl.DataFrame(schema={"rules": pl.UInt32})
    )
    rule_bits, n = counted["rules"].to_numpy(), counted["n"].to_numpy().astype(np.int64)
    per_rule = {rule.name: int(n[((rule_bits >> i) & 1) == 1].sum()) for i, rule in enumerate(rules)}
    first = rule_bits & (~rule_bits + np.uint32(1))
    new = {rule.name: int(n[first == (1 << i)].sum()) for i, rule in enumerate(rules)}
    capped_all = pl.concat(capped) if capped else pl.DataFrame(schema=CAPPED_SCHEMA)
    largest_per_rule = {rule.name: largest[i] for i, rule in enumerate(rules)}
    spilled.report = BlockingReport(per_rule, new, capped_all, int(n.sum()), largest_per_rule)
    spilled.rule_sets = counted["rules"].sort()
    return spilled
