"""Fellegi–Sunter scoring: m and u per comparison level, term-frequency adjustment.

* u (P(level | two different records)) comes from random record pairs: almost all
  random pairs are non-matches.
* m (P(level | same entity)) is estimated by expectation–maximisation over the
  candidate pairs with u held fixed, so no labels are needed. Reviewers' verdicts, when
  given, make it semi-supervised: a labelled candidate pair's posterior is its label (1
  same, 0 different) in every E step instead of the model's guess, and it still counts
  once among all candidate pairs, so a handful of labels picked for being uncertain
  cannot outweigh the millions of pairs EM reads (``label_posteriors``).
* The match weight of a pair is log2 of the prior odds plus, per comparison, log2(m/u)
  of its level (0 when the value is missing). With term-frequency adjustment an
  exact agreement on a common value (Nguyễn Văn Hùng) counts for less than on a rare
  one: u is replaced by the value's frequency for that pair (boost capped).

EM runs over distinct comparison vectors with their counts, never over pairs one by one.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field

import numpy as np

# (numpy loads numpy.random at the first np.random: 4.5 ms CPU on u's path in a process's first match, imported with the
# engine instead)
import numpy.random  # noqa: F401
import polars as pl

from pipelines.match.compare import ValueCodes, comparison_levels
from pipelines.match.prepare import precision_column
from pipelines.match.spec import SIDE_KINDS, BlockingRule, Comparison, MatchSpec

log = logging.getLogger("wardbridge.match")

M_FLOOR = 1e-6
TF_MAX_BOOST_BITS = 3.0  # a rare value may add at most 3 bits above the average exact weight


@dataclass
class Model:
    levels: dict[str, int]  # comparison -> number of levels including "different"
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    candidate_match_share: float  # share of matches among candidate pairs (EM's lambda)
    prior: float  # probability that two records drawn at random match (= share x candidates / all pairs)
    em_iterations: int
    converged: bool
    random_pairs: int
    em_per_rule: dict  # blocking rule -> pairs, match_share, iterations, converged, final_change, status, used
    m_source: dict = field(default_factory=dict)  # comparison -> em | prior | em+labels (semi-supervised EM)
    # term-frequency adjusted column -> records holding a value in the fitted table (``_shrunk_share``); None:
    # shares are used as counted (a model fitted before, or while the saved state cannot keep this)
    tf_records: dict[str, int] | None = None
    # how the prior was estimated (``true_pairs_estimate``): method, true pairs, both priors; not saved with a state
    prior_estimate: dict = field(default_factory=dict)
    # comparison -> its m where the pair is at its ``m_by`` levels (``m_by_held``; ``m`` is then the other pairs'), those
    # levels in words and where it came from
    m_by: dict[str, np.ndarray] = field(default_factory=dict)
    m_by_when: dict[str, str] = field(default_factory=dict)  # "ids is missing or one_side"
    m_by_from: dict[str, str] = field(default_factory=dict)  # the rules it came from (``estimate_m``'s ``m_by_from``)

    @property
    def prior_bits(self) -> float:
        """log2 prior odds: a pair whose match weight is below it has evidence against matching."""
        return float(np.log2(self.prior / (1 - self.prior)))

    def weights(self) -> dict[str, np.ndarray]:
        return {c: np.log2(self.m[c] / self.u[c]) for c in self.m}

    def table(self, labels: dict[str, list[str]]) -> pl.DataFrame:
        """m, u and weight per comparison level (for docs, metadata and review). A comparison with ``m_by``: the rows
        of its other m after its own, named ``<comparison> where <other> is <levels>`` (``m_by_when``)."""
        rows = []
        for comp, m in self.m.items():
            groups = [(comp, m)]
            if comp in self.m_by:
                groups.append((f"{comp} where {self.m_by_when.get(comp, 'm_by')}", self.m_by[comp]))
            for name, group_m in groups:
                for k, (mk, uk) in enumerate(zip(group_m, self.u[comp], strict=True)):
                    rows.append(
                        {
                            "comparison": name,
                            "level": k,
                            "label": labels[comp][k],
                            "m": float(mk),
                            "u": float(uk),
                            "weight_bits": float(np.log2(mk / uk)),
                        }
                    )
        return pl.DataFrame(rows)


def random_pairs(n: int, count: int, seed: int) -> tuple[pl.Series, pl.Series]:
    """Uniform random distinct record pairs (with replacement across pairs)."""
    rng = np.random.default_rng(seed)
    count = int(min(count, n * (n - 1) // 2))
    l = rng.integers(0, n, size=count, dtype=np.int64)
    r = rng.integers(0, n - 1, size=count, dtype=np.int64)
    r += r >= l  # never a record with itself
    # (as UInt32 in numpy, then handed to Polars: the same numbers, a quarter of Polars' cast from Int64 and of
    # numpy's where: the households' 1M pairs 0.035 -> 0.014 CPU s)
    return pl.Series("l", l.astype(np.uint32)), pl.Series("r", r.astype(np.uint32))


def u_pair_count(records: int, spec: MatchSpec) -> int:
    """How many random pairs u is counted on: scaled with the table, between u_min_pairs and u_sample_pairs.

    A level's u is a share of random pairs. The rarest levels that matter hold for a
    record and about one other record (an ID shared with a duplicate): u ~ 1/n, so
    ``u_pairs_per_record`` (k) x n random pairs see such a level about k times
    whatever n is, and its weight is known to about log2(1 + 1/sqrt(k)) bits. A
    5,000-record table is counted on 100,000 pairs, not a million; a table of n
    records has only n(n-1)/2 pairs."""
    wanted = max(spec.u_min_pairs, spec.u_pairs_per_record * records)
    return int(min(spec.u_sample_pairs, wanted, records * (records - 1) // 2))


def _tiny_pairs(n: int, candidates: pl.DataFrame | None) -> tuple[pl.Series, pl.Series]:
    """Every pair (l < r) of a table of ``n`` records, each once, but those in ``candidates`` (l, r)."""
    l, r = np.triu_indices(n, 1)
    pairs = pl.DataFrame({"l": l.astype(np.uint32), "r": r.astype(np.uint32)})
    if candidates is not None and candidates.height:
        pairs = pairs.join(candidates.select(pl.col("l", "r").cast(pl.UInt32)), on=["l", "r"], how="anti")
    return pairs["l"], pairs["r"]


def estimate_u(
    work: pl.DataFrame, spec: MatchSpec, codes: ValueCodes | None = None, candidates: pl.DataFrame | None = None
) -> tuple[dict[str, np.ndarray], int]:
    """u per comparison level and how many random pairs it was counted on.

    A table whose every pair fits in the sample (``u_pair_count``: a few hundred records or fewer) is a
    *tiny* table: random pairs drawn with replacement would repeat pairs, and the table's own duplicates
    would be a large share of them (three "Nguyễn Văn An" rows make name agreement look common; an identical
    pair drawn once makes its ID look shared by chance). There u is counted on every pair once, leaving out
    the ``candidates`` (the pairs blocking proposes, where the duplicates are), each level at least half a
    pair, normalised to sum to one: with no pair left, every level is equally likely (no evidence either way).

    On a larger table u is the share of all ordered pairs of two records at each level (a random pair's chance),
    among the pairs where the comparison is not missing. The levels ``_exact_counts`` counts from the values'
    frequencies are exact (an exact level at the head of the ladder: the sum over values of c (c - 1); a value on
    one side only; values of no common kind); the others (typos, dates near, word subsets: they need two values
    side by side) are counted on random pairs, as their share of the random pairs falling in the rest. A
    comparison with no such level is not compared on random pairs at all. With ``u_within`` (a column: a birth
    year), half of a comparison's pairs are drawn among the pairs agreeing on it (``_pairs_within``), where its rare
    levels are, and the rest of the random pairs count only where they do not agree on it; each part is weighed by
    its exact number of pairs. Every level at least half a random pair (an agreement no pair shows is still
    possible); with ``u_exact_floor = "table"`` the levels counted exactly at least half a pair of the table (their
    count is over every pair: half a random pair would cap a rare agreement's weight while the prior falls as the
    table grows)."""
    n = work.height
    count = u_pair_count(n, spec)
    tiny = candidates is not None and count >= n * (n - 1) // 2
    codes = codes or ValueCodes(work)
    exact = {} if tiny else {comp.name: _exact_counts(work, comp, codes) for comp in spec.scored_comparisons}
    counted = [c for c in spec.scored_comparisons if exact.get(c.name) is None or exact[c.name].sampled]
    l, r = _tiny_pairs(n, candidates) if tiny else random_pairs(n, count, spec.seed)
    stratified = [c for c in counted if c.u_within and exact.get(c.name) is not None]  # (never on a tiny table)
    # each comparison on the first ``own[name]`` random pairs (a comparison's u_sample_pairs, else all of them)
    own = {c.name: len(l) if tiny else min(count, c.u_sample_pairs or count) for c in counted}
    # per comparison: (pairs drawn in the part, how many pairs the part holds, its pairs' levels) per part
    parts: dict[str, list[tuple[int, int, pl.Series]]] = {}
    _plain_parts(work, l, r, counted, stratified, own, codes, parts)
    _stratified_parts(work, l, r, stratified, own, codes, spec, parts)
    u = {}
    for comp in spec.scored_comparisons:
        u[comp.name] = _comparison_u(comp, exact.get(comp.name), parts, tiny, own.get(comp.name, count), n, spec)
    return u, len(l)


def _plain_parts(
    work: pl.DataFrame,
    l: pl.Series,
    r: pl.Series,
    counted: list[Comparison],
    stratified: list[Comparison],
    own: dict[str, int],
    codes: ValueCodes,
    parts: dict[str, list[tuple[int, int, pl.Series]]],
) -> None:
    """``estimate_u``'s levels of the comparisons counted on random pairs without ``u_within`` into ``parts``: each
    on the first ``own[name]`` random pairs, those of a size compared together."""
    n = work.height
    for size in sorted({own[c.name] for c in counted if c not in stratified}):
        plain = tuple(c for c in counted if c not in stratified and own[c.name] == size)
        gamma = comparison_levels(work, l[:size], r[:size], plain, codes)
        for comp in plain:
            parts[comp.name] = [(size, n * (n - 1), gamma[comp.name])]


def _stratified_parts(
    work: pl.DataFrame,
    l: pl.Series,
    r: pl.Series,
    stratified: list[Comparison],
    own: dict[str, int],
    codes: ValueCodes,
    spec: MatchSpec,
    parts: dict[str, list[tuple[int, int, pl.Series]]],
) -> None:
    """``estimate_u``'s levels of the comparisons with ``u_within`` into ``parts``: half their pairs drawn among the
    pairs agreeing on the column (``_pairs_within``), the rest the random pairs not agreeing on it."""
    n = work.height
    for index, column in enumerate(sorted({c.u_within for c in stratified})):
        code = codes.array(column).astype(np.int64)
        for size in sorted({own[c.name] for c in stratified if c.u_within == column}, reverse=True):
            comps = tuple(c for c in stratified if c.u_within == column and own[c.name] == size)
            half = size - size // 2
            agree_l, agree_r, agreeing = _pairs_within(code, size // 2, [spec.seed, index + 1])
            outside = np.flatnonzero(~_agree(code, l[:half], r[:half]))
            rest_l, rest_r = (side[:half].gather(pl.Series(outside.astype(np.uint32))) for side in (l, r))
            gamma = comparison_levels(work, rest_l, rest_r, comps, codes)
            inside = comparison_levels(work, agree_l, agree_r, comps, codes) if len(agree_l) else None
            for comp in comps:
                # (the random pairs not agreeing on the column: uniform over the pairs not agreeing on it)
                parts[comp.name] = [(len(outside), n * (n - 1) - agreeing, gamma[comp.name])]
                if inside is not None:
                    parts[comp.name].append((len(agree_l), agreeing, inside[comp.name]))


def _comparison_u(
    comp: Comparison,
    known: _Exact | None,
    parts: dict[str, list[tuple[int, int, pl.Series]]],
    tiny: bool,
    own_pairs: int,
    n: int,
    spec: MatchSpec,
) -> np.ndarray:
    """``estimate_u``'s u of one comparison: from its random pairs' levels (``known`` None), else its exactly
    counted levels' shares and the rest spread over the open levels as the random pairs fell (``own_pairs``:
    the random pairs its levels were counted on, ``own``'s, else all of them)."""
    k = len(comp.levels) + 1
    if known is None:
        counts = _level_counts(parts[comp.name][0][2], k)
        # an agreement never seen among random pairs is still possible: half a pair of mass
        floored = np.maximum(counts, 0.5)
        return floored / floored.sum() if tiny else floored / max(counts.sum(), 1.0)
    shares = np.zeros(k)
    for level, pairs in known.levels.items():
        shares[level] = pairs / known.present
    rest = known.rest / known.present  # the share of pairs at the levels counted on random pairs or different
    open_levels = [*known.sampled, k - 1]
    # each part's pairs at the open levels, scaled to the pairs it holds (a part with no pair drawn, e.g. none
    # outside ``u_within`` where every record shares its value, says nothing: 0 / 0 would make the sum NaN)
    seen = sum(
        (
            _level_counts(gamma, k)[open_levels] * held / drawn
            for drawn, held, gamma in parts.get(comp.name, [])
            if drawn
        ),
        np.zeros(len(open_levels)),
    )
    if seen.sum() > 0:
        shares[open_levels] = rest * seen / seen.sum()
    else:  # (no random pair there: all "different")
        shares[k - 1] = rest
    # half a random pair among those the comparison is not missing on (as many as counting would have met)
    u = np.maximum(shares, 0.5 / max(own_pairs * known.present / (n * (n - 1)), 1.0))
    if spec.u_exact_floor == "table":  # the levels counted on every pair: at least half a pair of the table
        for level in known.levels:
            u[level] = max(shares[level], 0.5 / known.present)
    return u


def _level_counts(gamma: pl.Series, k: int) -> np.ndarray:
    """How many pairs are at each of ``k`` levels (missing ones left out)."""
    return np.bincount(gamma.drop_nulls().to_numpy().astype(np.int64), minlength=k).astype(float)


def _agree(code: np.ndarray, l: pl.Series, r: pl.Series) -> np.ndarray:
    """Per pair, whether both records hold the same code (not 0)."""
    left, right = code[l.to_numpy()], code[r.to_numpy()]
    return (left == right) & (left != 0)


def _pairs_within(code: np.ndarray, count: int, seed: list[int]) -> tuple[pl.Series, pl.Series, int]:
    """``count`` ordered pairs of two records with the same code (not 0), uniform over all such pairs (with
    replacement), and how many such pairs there are (the sum over codes of c (c - 1)): a code drawn by its number
    of pairs, then two of its records. The codes are taken in the order of their first records, and a code's records
    in their order: the same pairs whatever numbers the codes have (a table coded otherwise draws the same)."""
    held = np.bincount(code)
    # the records code by code, each code's in their order (a radix sort where the codes fit in 16 bits: a year's)
    order = np.argsort(code.astype(np.uint16) if len(held) <= 1 << 16 else code, kind="stable")
    starts = np.concatenate([[0], np.cumsum(held)])[:-1]  # (the missing ones first)
    used = np.flatnonzero(held[1:] > 1) + 1  # codes held by two records or more
    used = used[np.argsort(order[starts[used]])]  # by their first record
    sizes = held[used]
    ends = np.cumsum(sizes * (sizes - 1))
    agreeing = int(ends[-1]) if len(ends) else 0
    if not agreeing or not count:
        return pl.Series("l", [], dtype=pl.UInt32), pl.Series("r", [], dtype=pl.UInt32), agreeing
    rng = np.random.default_rng(seed)
    own = np.searchsorted(ends, rng.integers(0, agreeing, size=count), side="right")
    left = rng.integers(0, sizes[own])
    right = rng.integers(0, sizes[own] - 1)
    right += right >= left  # one of the code's other records
    first = starts[used[own]]
    return (
        pl.Series("l", order[first + left].astype(np.uint32)),
        pl.Series("r", order[first + right].astype(np.uint32)),
        agreeing,
    )


@dataclass
class _Exact:
    """``_exact_counts`` of one comparison: ordered record pairs (i != j) per level counted exactly, the pairs where
    the comparison is not missing, those left at the other levels or different, and which levels are those (by
    index; "different" beside them)."""

    levels: dict[int, int]
    present: int
    rest: int
    sampled: list[int]


_EXACT_DTYPES = (pl.String, pl.Categorical, pl.Enum, pl.Date, pl.Boolean)


def _exact_counts(work: pl.DataFrame, comp: Comparison, codes: ValueCodes) -> _Exact | None:
    """The pairs of ``comp``'s levels that value frequencies give exactly, as ``comparison_levels`` assigns them
    (a pair holds its first level; missing where no column has both values, a date's precision as it reads it):

    * the pairs where the comparison is present: those with a column both hold (of one length), by the sets of
      columns (lengths) each record holds (``_comparable``);
    * the exact levels at the head of the ladder (``_head_exact_pairs``);
    * ``one_side`` and ``not_comparable`` (``_side_pairs``).

    None where the comparison is of another shape (``_counted_exactly``: counted on random pairs as a whole)."""
    if work.height < 2 or not _counted_exactly(work, comp):
        return None
    day = {column: _day_precise(work, codes, column) for column in _read(comp)}
    found = _comparable(work.height, comp, codes, day)
    if found is None:
        return None
    bits, holding = found
    compared = _pairs_meeting(bits)
    levels = _head_exact_pairs(work, comp, codes, day, holding) | _year_off_pairs(work, comp, codes, day)
    rest = compared - sum(levels.values())
    sides = _side_pairs(work.height, comp, codes, compared)
    present = compared + sum(sides.values())
    if present <= 0:
        return None
    sampled = [i for i, level in enumerate(comp.levels) if i not in levels and level.kind not in SIDE_KINDS]
    return _Exact(levels | sides, present, rest, sampled)


# level kinds that never hold for two full dates a year apart with the same day and month (``date_within`` under a
# year's days): a ``year_off`` after only such levels holds for every such pair
_NOT_A_YEAR_APART = ("exact", "date_swap", "same_year", "year_only")


def _year_off_pairs(
    work: pl.DataFrame, comp: Comparison, codes: ValueCodes, day: dict[str, np.ndarray | None]
) -> dict[int, int]:
    """Ordered record pairs at a ``year_off`` level (full dates a year apart, the same day and month), counted from
    the (year, month and day) frequencies: the sum over dates of c(date) c(the date a year on), twice; where every
    level before it is one such a pair cannot be at (``_NOT_A_YEAR_APART``, ``date_within`` under 365 days) and
    the comparison reads one date column (else the level is left to random pairs). A year off by one is the
    rarest date slip by chance (7e-5 of the pairs with full dates at 1M people): about 40 of a million random
    pairs gave it 8.0-8.6e-5 (HA6)."""
    if len(comp.columns) != 1 or comp.mixed or work.schema[comp.columns[0]] != pl.Date:
        return {}
    for index, level in enumerate(comp.levels):  # noqa: B007 - the year_off level's index is read after
        if level.columns not in (None, comp.columns):
            return {}
        if level.kind == "year_off":
            break
        if level.kind not in _NOT_A_YEAR_APART and not (level.kind == "date_within" and level.days < 365):
            return {}
    else:
        return {}
    column = comp.columns[0]
    full = codes.array(column) != 0
    if day[column] is not None:
        full &= day[column]
    # counted per date code (each a distinct date: the records holding it, from the value codes, and its year, month
    # and day, ``ValueCodes.date_parts``), not per record (a group-by of the 1M people's dates: 0.11 CPU s)
    held = np.bincount(codes.array(column)[full]).astype(np.int64)
    used = np.flatnonzero(held)
    year, month, dom = (part[used] for part in codes.date_parts(column)[:3])
    date, per_date = np.unique(year * 10_000 + month * 100 + dom, return_inverse=True)  # (sorted)
    count = np.bincount(per_date.reshape(-1), weights=held[used]).astype(np.int64)
    later = np.searchsorted(date, date + 10_000)  # the same day and month a year on
    later[later == len(date)] = 0
    on = date[later] == date + 10_000
    return {index: 2 * int((count[on] * count[later[on]]).sum())}


def _read(comp: Comparison) -> set[str]:
    """The columns a comparison's levels read."""
    return set(comp.columns) | {c for level in comp.levels for c in (level.columns or ())}


def _space(comp: Comparison) -> tuple[str, ...] | None:
    """The columns whose codes a ``mixed`` comparison shares (``ValueCodes.get``); None for another."""
    return tuple(sorted(_read(comp))) if comp.mixed else None


def _counted_exactly(work: pl.DataFrame, comp: Comparison) -> bool:
    """Whether ``_exact_counts`` can count a comparison: every column it reads is in ``work``, its ``one_side`` and
    ``not_comparable`` levels read all its columns, and no date coarser than a day meets a ``mixed`` comparison or
    such a level (how a precision moves a pair between them is left to random pairs)."""
    read = _read(comp)
    sides = [level for level in comp.levels if level.kind in SIDE_KINDS]
    if any(c not in work.columns for c in read):
        return False
    if any(set(level.columns or comp.columns) != set(comp.columns) for level in sides):
        return False
    return not ((comp.mixed or sides) and any(precision_column(c) in work.columns for c in read))


def _day_precise(work: pl.DataFrame, codes: ValueCodes, column: str) -> np.ndarray | None:
    """Per record, whether its date is not coarser than a day (None: the column has no precision)."""
    precision = precision_column(column)
    if precision not in work.columns:
        return None
    table = np.concatenate([[True], (codes.get(precision)[1] == "day").fill_null(True).to_numpy()])
    return table[codes.array(precision)]


def _comparable(
    n: int, comp: Comparison, codes: ValueCodes, day: dict[str, np.ndarray | None]
) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """Per record a bit mask, two records compared where their masks meet, and per column which records hold a
    value it compares: a ``mixed`` comparison's bits are the lengths (kinds) of a record's values (None over 16
    kinds), another's the columns a record holds (a date coarser than a day held only where a level reads years; one
    column: a Boolean, whether a record holds it); ``n`` records."""
    bits = np.zeros(n, dtype=np.uint64)
    if comp.mixed:
        space = _space(comp)
        length = codes.per_code("length", comp.columns[0], space)  # (one table for the space's columns)
        kinds = np.flatnonzero(np.bincount(length)) if len(length) else np.zeros(0, dtype=np.int64)
        if len(kinds) > 16:
            return None
        bit = np.left_shift(np.uint64(1), np.searchsorted(kinds, length).astype(np.uint64))
        bit = np.concatenate([np.zeros(1, dtype=np.uint64), bit])  # code 0: missing, no kind
        for column in comp.columns:
            bits |= bit[codes.array(column, space)]
        return bits, {c: codes.array(c, space) != 0 for c in comp.columns}
    years = any(level.kind in ("same_year", "year_only") for level in comp.levels)
    holding = {}
    for column in comp.columns:
        has = codes.array(column) != 0
        holding[column] = has if years or day[column] is None else has & day[column]
    if len(comp.columns) == 1:  # (a record's mask: whether it holds the column)
        return holding[comp.columns[0]], holding
    for place, column in enumerate(comp.columns):
        bits |= np.where(holding[column], np.uint64(1 << place), np.uint64(0))
    return bits, holding


def _head_exact_pairs(
    work: pl.DataFrame,
    comp: Comparison,
    codes: ValueCodes,
    day: dict[str, np.ndarray | None],
    holding: dict[str, np.ndarray],
) -> dict[int, int]:
    """Ordered record pairs at each exact level heading the ladder, one column each (a date to the day), as long as
    agreeing there implies the comparison is present (its column or one it is never missing without): the pairs
    agreeing on it less those agreeing on an earlier one too, by inclusion and exclusion over the earlier ones
    (``_pairs_agreeing``: a folded name's pairs without those written exactly alike). A ``mixed`` comparison's first level: the pairs sharing
    a value in any of its columns (``_pairs_sharing``)."""
    levels: dict[int, int] = {}
    known: dict = {}  # (``_pairs_agreeing``'s, on these arrays)
    earlier: list[np.ndarray] = []  # the exact levels so far: their codes, 0 where a record cannot agree
    for index, level in enumerate(comp.levels):
        columns = level.columns or comp.columns
        dtypes = [work.schema[c] for c in columns]
        if level.kind != "exact" or not all(isinstance(d, _EXACT_DTYPES) or d.is_integer() for d in dtypes):
            break
        if comp.mixed:
            if index > 0 or not set(columns) <= set(comp.columns) or any(d.is_integer() for d in dtypes):
                break
            levels[index] = _pairs_sharing([codes.array(c, _space(comp)) for c in columns])
            continue
        if len(columns) > 1:
            break
        code = codes.array(columns[0]).astype(np.int64)
        if day[columns[0]] is not None:
            code[~day[columns[0]]] = 0
        given = code != 0
        if not any(bool(np.all(has | ~given)) for has in holding.values()):  # agreeing here: present
            break
        levels[index] = sum(
            (-1) ** size * _pairs_agreeing([code, *others], known)
            for size in range(len(earlier) + 1)
            for others in itertools.combinations(earlier, size)
        )
        earlier.append(code)
    return levels


def _side_pairs(n: int, comp: Comparison, codes: ValueCodes, compared: int) -> dict[int, int]:
    """Ordered record pairs at ``one_side`` (one record holds a value, the other none) and ``not_comparable`` (both
    hold values, of no common kind: all pairs of records holding one less the ``compared`` ones); a kind's second
    level gets none (a pair holds the first); ``n`` records."""
    if not any(level.kind in SIDE_KINDS for level in comp.levels):
        return {}
    holds = np.zeros(n, dtype=bool)
    for column in comp.columns:
        holds |= codes.array(column, _space(comp)) != 0
    a = int(holds.sum())
    pairs, done = {}, set()
    for index, level in enumerate(comp.levels):
        if level.kind in SIDE_KINDS:
            first = level.kind not in done
            pairs[index] = 0 if not first else 2 * a * (n - a) if level.kind == "one_side" else a * (a - 1) - compared
            done.add(level.kind)
    return pairs


_FOLLOWS_FIRST = 1 << 16  # ``_follows`` tries the first records this many first


def _follows(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` holds one value per value of ``b`` and no 0 where ``b`` has none (codes of the same records):
    two records agreeing on ``b`` (not 0) agree on ``a`` too."""
    table = np.full(int(b.max()) + 1 if len(b) else 1, -1, dtype=np.int64)
    # the first records alone first: a part that does not follow mostly fails there (the home's unit and district
    # against its book at 1M people: 7.5 ms a call on every record), and one that fails there fails on all
    for last in (_FOLLOWS_FIRST, len(b)):
        table[b[:last]] = a[:last]
        if not np.array_equal(table[b[:last]], a[:last]):
            return False
    return not bool((table[1:] == 0).any())


def _pairs_agreeing(parts: list[np.ndarray], known: dict | None = None) -> int:
    """Ordered pairs of distinct records whose codes are equal and not 0 in every one of ``parts`` (int64 codes
    from 1 of the same records; 0 where a record cannot agree: a value missing, a date coarser than a day).

    A part holding one value per value of another (a unit's district, a name's folded form) is left out: agreeing
    on the other they agree on it. Counted per code by ``np.bincount`` where the codes are few enough, else sorted.
    ``known``: what calls on the same arrays found (which follows which, the counts), kept there."""
    known = {} if known is None else known

    def follows(a: np.ndarray, b: np.ndarray) -> bool:
        if (id(a), id(b)) not in known:
            known[(id(a), id(b))] = _follows(a, b)
        return known[(id(a), id(b))]

    kept: list[np.ndarray] = []
    for part in sorted(parts, key=lambda part: -int(part.max()) if len(part) else 0):
        if not any(follows(part, finer) for finer in kept):  # (the finest first)
            kept.append(part)
    if not kept or not len(kept[0]):
        return 0
    key = frozenset(id(part) for part in kept)
    if key not in known:
        known[key] = _pairs_equal(kept)
    return known[key]


def _pairs_equal(kept: list[np.ndarray]) -> int:
    """``_pairs_agreeing`` of parts none of which follows another."""
    if len(kept) == 1:
        counts = np.bincount(kept[0])
    else:
        key, size, given = np.zeros(len(kept[0]), dtype=np.int64), 1, np.ones(len(kept[0]), dtype=bool)
        for part in kept:
            width = int(part.max()) + 1
            if size * width >= 1 << 62:  # (never at a few columns of dense codes; exact either way)
                key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
                size = int(key.max()) + 1
            key = key * width + part
            size *= width
            given &= part != 0
        key = key[given] + 1
        counts = np.bincount(key) if size <= 4 * len(key) else _run_lengths(key, size)
        counts = np.concatenate([[0], counts])
    counts[0] = 0
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1)).sum())


def _run_lengths(key: np.ndarray, top: int) -> np.ndarray:
    """How many times each distinct value of ``key`` (none above ``top``) occurs: ``np.unique``'s counts, from a
    sort of the keys in the fewest bytes that hold them (the home's book and unit at 1M people, 1.07M keys: 19 ms
    with ``np.unique`` on Int64, 6 ms as UInt32)."""
    ordered = np.sort(key.astype(np.min_scalar_type(top)))
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    return np.diff(np.append(starts, len(ordered)))


def _pairs_sharing(arrays: list[np.ndarray]) -> int:
    """Ordered pairs of distinct records sharing a value (a code other than 0, the codes of one space) in any of
    ``arrays``: by inclusion and exclusion over the sets of values two records both hold."""
    if len(arrays) == 2:  # (the usual ID and old ID number: their set in two arrays, no sort of every record's)
        a, b = arrays
        low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        low[low == high] = 0  # a value in both columns of a record is held once
        held = [low, high]
    else:
        stacked = np.sort(np.stack(arrays, axis=1), axis=1)
        stacked[:, 1:][stacked[:, 1:] == stacked[:, :-1]] = 0  # a value in two columns of a record is held once
        held = [stacked[:, i].astype(np.int64) for i in range(stacked.shape[1])]
    total = 0
    for size in range(1, len(held) + 1):
        keys = []
        for columns in itertools.combinations(held, size):
            given = np.ones(len(columns[0]), dtype=bool)
            for column in columns:
                given &= column != 0
            keys.append([column[given] for column in columns])
        found = [np.concatenate([key[i] for key in keys]) for i in range(size)]
        if not len(found[0]):
            continue
        width = max(int(column.max()) for column in found) + 1
        if width**size < 1 << 62:  # one integer per set of values (mixed radix)
            key = found[0]
            for column in found[1:]:
                key = key * width + column
            counts = np.bincount(key) if size == 1 else np.unique(key, return_counts=True)[1]
        else:
            counts = np.unique(np.stack(found, axis=1), axis=0, return_counts=True)[1]
        total += (-1) ** (size + 1) * int((counts.astype(np.int64) * (counts - 1)).sum())
    return total


def _pairs_meeting(bits: np.ndarray) -> int:
    """Ordered pairs of distinct records whose bit masks share a bit (a Boolean: whether a record holds the one column)."""
    if bits.dtype == bool:  # (counted, not a bincount: 0.1 against 4.5 ms at 1M people; 5 of the 7 people comparisons)
        held = int(np.count_nonzero(bits))
        return held * (held - 1)
    if len(bits) and int(bits.max()) < 1 << 16:
        counts = np.bincount(bits if bits.dtype.itemsize < 8 else bits.astype(np.intp))
        masks = np.flatnonzero(counts).astype(np.uint64)
        counts = counts[masks.astype(np.intp)]
    else:
        masks, counts = np.unique(bits, return_counts=True)
    meet = (masks[:, None] & masks[None, :]) != 0
    counts = counts.astype(np.int64)
    return int(counts @ meet.astype(np.int64) @ counts - counts[masks != 0].sum())


def _m_by_table(comp: Comparison, spec: MatchSpec) -> tuple[str, np.ndarray]:
    """A comparison's ``m_by``: the other comparison and, per level of it (its "different" and, last, missing: -1),
    whether a pair there takes the comparison's other m."""
    other, wanted = comp.m_by
    by = next(c for c in spec.comparisons if c.name == other)
    labels = [lv.label for lv in by.levels] + ["different"]
    table = np.zeros(len(labels) + 1, dtype=bool)
    for label in wanted:
        table[-1 if label == "missing" else labels.index(label)] = True
    return other, table


def m_by_held(comp: Comparison, spec: MatchSpec, gamma: pl.DataFrame) -> np.ndarray:
    """Per pair (``gamma``: its levels), whether it is at one of ``comp``'s ``m_by`` levels (its other m)."""
    other, table = _m_by_table(comp, spec)
    return table[gamma[other].fill_null(-1).to_numpy()]


def m_by_when(comp: Comparison) -> str:
    """``comp``'s ``m_by`` in words: "ids is missing or one_side"."""
    other, wanted = comp.m_by
    return f"{other} is {' or '.join(wanted)}"


def _split_levels(frame: pl.DataFrame, spec: MatchSpec) -> pl.DataFrame:
    """``frame`` (levels, missing null or -1) with each comparison that has ``m_by`` (and is in it) read as one of
    twice its levels: a pair at its ``m_by`` levels is at its level + the comparison's levels with "different"
    (EM's m of such a comparison is both groups' m, one after the other: ``_em``'s ``blocks``)."""
    exprs = []
    for comp in spec.scored_comparisons:
        if comp.m_by is None or comp.name not in frame.columns:
            continue
        other, table = _m_by_table(comp, spec)
        held = [k for k in range(len(table) - 1) if table[k]] + ([-1] if table[-1] else [])
        level = pl.col(comp.name).cast(pl.Int16)
        in_group = level.is_not_null() & (level >= 0) & pl.col(other).cast(pl.Int16).fill_null(-1).is_in(held)
        exprs.append(pl.when(in_group).then(level + (len(comp.levels) + 1)).otherwise(level).alias(comp.name))
    return frame.with_columns(exprs) if exprs else frame


LABEL = "_label"  # a candidate pair's verdict inside EM: 1 same, 0 different, null not labelled


def _patterns(gamma: pl.DataFrame, label: pl.Series | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Distinct comparison vectors (missing = -1), how many pairs have each and, with ``label`` (per pair: 1 same,
    0 different, null not labelled), each row's fixed posterior (NaN: not labelled). A vector some of whose pairs
    are labelled is one row per verdict (its labelled pairs apart from the others)."""
    names = gamma.columns
    # (sorted by their keys: group_by's order changes from run to run, and EM's sums over the rows with it)
    if label is None or label.null_count() == len(label):
        grouped = gamma.fill_null(-1).group_by(names).len().sort(names)
        return grouped.select(names).to_numpy().astype(np.int64), grouped["len"].to_numpy().astype(float), None
    keys = [*names, LABEL]
    grouped = gamma.fill_null(-1).with_columns(label.cast(pl.Float64).alias(LABEL)).group_by(keys).len().sort(keys)
    fixed = grouped[LABEL].fill_null(float("nan")).to_numpy().astype(float)
    return grouped.select(names).to_numpy().astype(np.int64), grouped["len"].to_numpy().astype(float), fixed


RULES, PAIRS = "_rules", "_pairs"  # in _pattern_table: the pairs' blocking rules (bits) and how many pairs


PATTERN_CHUNK = 4_000_000  # pairs grouped at a time into the pattern table (bounds the copy of their levels)


def _pattern_table(
    gamma: pl.DataFrame, rules: pl.Series, label: pl.Series | None = None, crowded: pl.Series | None = None
) -> pl.DataFrame:
    """The candidate pairs grouped once by their rules (``RULES``), comparison vector (missing = -1) and, with
    ``label``, verdict (``LABEL``), with how many pairs hold each (``PAIRS``): a few thousand rows for millions of
    pairs, from which each rule's patterns (``_patterns_of``) are summed without filtering the pairs again. Grouped
    PATTERN_CHUNK pairs at a time and the chunks' counts summed (the levels of every pair are not copied at once: at
    3M people 45M pairs, a GiB more than the levels themselves). ``crowded`` (``crowded_bits``, a shard's pairs):
    grouped by it too, as ``CROWDED``."""
    if label is None and crowded is None:
        packed = _packed_pattern_table(gamma, rules)
        if packed is not None:
            return packed
    keys = [RULES, *([CROWDED] if crowded is not None else []), *gamma.columns, *([LABEL] if label is not None else [])]
    parts = []
    for start in range(0, max(gamma.height, 1), PATTERN_CHUNK):
        frame = (
            gamma.slice(start, PATTERN_CHUNK).fill_null(-1).with_columns(rules.slice(start, PATTERN_CHUNK).alias(RULES))
        )
        if crowded is not None:
            frame = frame.with_columns(crowded.slice(start, PATTERN_CHUNK).alias(CROWDED))
        if label is not None:
            frame = frame.with_columns(label.slice(start, PATTERN_CHUNK).cast(pl.Float64).alias(LABEL))
        parts.append(frame.group_by(keys).len(PAIRS))
    if len(parts) == 1:
        return parts[0]
    # a verdict's null is a key like any other (group_by keeps null keys apart)
    return pl.concat(parts).group_by(keys).agg(pl.col(PAIRS).sum())


LEVEL_BITS = 4  # a level's bits in ``_packed_pattern_table``'s key (levels 0-14; 15: missing)


def _packed_pattern_table(gamma: pl.DataFrame, rules: pl.Series) -> pl.DataFrame | None:
    """``_pattern_table`` without verdicts or crowded bits, its keys packed in one integer per pair (the rules' bits,
    then each level in LEVEL_BITS, a missing one as all ones) and counted by ``np.unique``; None where they do not fit
    in 64 bits (levels not Int8 or over 14, too many rules and comparisons). The same rows and counts in another
    order (EM sorts a rule's patterns by their keys, ``_patterns_of``): Polars' group-by on the rules and seven
    levels of the 3.9M candidate pairs of 1M people cost 0.18 CPU s, the packed keys and their counts 0.08."""
    names, top = gamma.columns, int(rules.max() or 0) if len(rules) else 0
    if any(gamma.schema[c] != pl.Int8 for c in names) or top.bit_length() + LEVEL_BITS * len(names) > 64:
        return None
    if any((gamma[c].max() or 0) > 14 or (gamma[c].min() or 0) < 0 for c in names):
        return None
    missing = np.uint64((1 << LEVEL_BITS) - 1)
    keys, counts = [], []
    for start in range(0, gamma.height, PATTERN_CHUNK):  # (a key of 8 bytes per pair: PATTERN_CHUNK pairs at a time)
        key = rules.slice(start, PATTERN_CHUNK).to_numpy().astype(np.uint64)
        for c in names:
            key <<= np.uint64(LEVEL_BITS)
            key |= gamma[c].slice(start, PATTERN_CHUNK).fill_null(-1).to_numpy().view(np.uint8) & np.uint8(missing)
        distinct, n = np.unique(key, return_counts=True)
        keys.append(distinct)
        counts.append(n)
    key, n = (np.concatenate(keys), np.concatenate(counts)) if keys else (np.zeros(0, np.uint64), np.zeros(0, np.int64))
    if len(keys) > 1:  # the chunks' counts summed per key
        key, at = np.unique(key, return_inverse=True)
        n = np.bincount(at.reshape(-1), weights=n, minlength=len(key)).astype(np.int64)
    columns = {}
    for i, c in enumerate(reversed(names)):
        level = ((key >> np.uint64(LEVEL_BITS * i)) & missing).astype(np.int8)
        columns[c] = np.where(level == missing, np.int8(-1), level)
    return pl.DataFrame(
        {
            RULES: pl.Series(key >> np.uint64(LEVEL_BITS * len(names)), dtype=rules.dtype),
            **{c: pl.Series(columns[c], dtype=pl.Int8) for c in names},
            PAIRS: pl.Series(n, dtype=pl.UInt32),
        }
    )


CROWDED = "_crowded"  # in a pattern table made shard by shard: the bits of the rules where a pair is crowded


def crowded_bits(pairs: pl.DataFrame, degrees: dict[int, np.ndarray], most: int) -> pl.Series:
    """Per pair (``l``, ``r``, ``rules``), the bits of the rules (``degrees``: rule number -> each record's number of
    pairs under the rule, over every candidate pair) under which it is not ``_uncrowded``: one of its records has
    ``most`` pairs there or more. A pattern table of shards of the pairs keyed by it (``CROWDED``) gives each rule's
    uncrowded patterns as the pairs themselves would."""
    left, right, rules = (pairs[c].to_numpy() for c in ("l", "r", "rules"))
    bits = np.zeros(len(left), dtype=np.uint32)
    for i, degree in degrees.items():
        crowded = ((rules >> np.uint32(i)) & 1).astype(bool) & ((degree[left] >= most) | (degree[right] >= most))
        bits |= crowded.astype(np.uint32) << np.uint32(i)
    return pl.Series(CROWDED, bits)


def _rule_rows(table: pl.DataFrame, bit: int) -> pl.DataFrame:
    """The rows of a ``_pattern_table`` whose pairs a rule (its ``bit`` among the rules) proposed."""
    return table.filter((pl.col(RULES) & bit) != 0)


def _patterns_of(table: pl.DataFrame, names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``_patterns`` of the pairs of rows of a ``_pattern_table`` (the comparisons ``names``): the same distinct
    vectors, counts and fixed posteriors, summed from its counts. In the order of their keys, whatever the table's
    (group_by's changes from run to run: EM's floating-point sums over the rows in another order round otherwise,
    m one unit in the last place apart between two runs of one input)."""
    labelled = LABEL in table.columns and table[LABEL].null_count() < table.height
    keys = [*names, LABEL] if labelled else names
    grouped = table.group_by(keys).agg(pl.col(PAIRS).sum()).sort(keys)
    patterns = grouped.select(names).to_numpy().astype(np.int64)
    counts = grouped[PAIRS].to_numpy().astype(float)
    if not labelled:
        return patterns, counts, None
    return patterns, counts, grouped[LABEL].fill_null(float("nan")).to_numpy().astype(float)


def _log_likelihoods(patterns: np.ndarray, names: list[str], m: dict, u: dict) -> tuple[np.ndarray, np.ndarray]:
    log_m = np.zeros(len(patterns))
    log_u = np.zeros(len(patterns))
    for j, name in enumerate(names):
        g = patterns[:, j]
        present = g >= 0
        log_m[present] += np.log(m[name][g[present]])
        log_u[present] += np.log(u[name][g[present]])
    return log_m, log_u


EM_TOLERANCE = 1e-5  # largest change of lambda or any m at which EM has converged


def prior_m(comp: Comparison) -> np.ndarray:
    """m a comparison is assumed to have before any data: its ``m_prior``, else 0.7 on the first
    (strongest) level, 0.25 halving over the other levels, 0.05 on "different" (one level: 0.95 and 0.05)."""
    if comp.m_prior is not None:
        p = np.asarray(comp.m_prior, dtype=float)
    else:
        others = len(comp.levels) - 1
        rest = np.array([0.5 ** (i + 1) for i in range(others)])
        p = np.concatenate([[0.7 if others else 0.95], 0.25 * rest / rest.sum() if others else [], [0.05]])
    return p / p.sum()


def _em(
    patterns: np.ndarray,
    counts: np.ndarray,
    names: list[str],
    priors: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    iterations: int,
    prior_pairs: float = 0.0,
    fixed_m: dict[str, np.ndarray] | None = None,
    fixed_posterior: np.ndarray | None = None,
    fixed_lambda: float | None = None,
    blocks: dict[str, int] | None = None,
) -> tuple[dict[str, np.ndarray], float, int, bool, float]:
    """EM (maximum a posteriori) for m, or only lambda when fixed_m is given, with u fixed; with
    ``fixed_lambda`` the share of matches is held there and only m is fitted.

    m starts at, and is pulled towards, ``priors`` (``prior_pairs`` pseudo-pairs: a Dirichlet
    prior), so a level seen on a handful of pairs does not get m = 0 or 1. ``fixed_posterior``
    (per pattern row, NaN where free; ``_patterns``): rows of labelled pairs, whose posterior is
    their label in every E step (semi-supervised EM). ``blocks``: comparison -> its levels with "different", for a
    comparison whose m is two groups' one after the other (``_split_levels``): each group sums to one. Returns m,
    lambda (the share of matches), iterations, converged, and the last change of lambda or any m."""
    m = dict(fixed_m) if fixed_m is not None else {name: priors[name].copy() for name in names}
    lam, converged, it, delta = 0.3 if fixed_lambda is None else fixed_lambda, False, 0, float("inf")
    total_pairs = counts.sum()
    for it in range(1, iterations + 1):  # noqa: B007 - the count is reported after the loop
        log_m, log_u = _log_likelihoods(patterns, names, m, u)
        p = 1.0 / (1.0 + np.exp(np.clip(np.log1p(-lam) + log_u - np.log(lam) - log_m, -700, 700)))
        if fixed_posterior is not None:  # a labelled pair is what its reviewer said, whatever the model guesses
            p = np.where(np.isnan(fixed_posterior), p, fixed_posterior)
        weight = counts * p
        new_m = m
        if fixed_m is None:
            new_m = {}
            for j, name in enumerate(names):
                g = patterns[:, j]
                present = g >= 0
                sums = np.bincount(g[present], weights=weight[present], minlength=len(priors[name]))
                sums = sums + prior_pairs * priors[name]
                if blocks and name in blocks:  # each group its own m (a group without pairs keeps its m)
                    groups = sums.reshape(-1, blocks[name])
                    totals = groups.sum(axis=1, keepdims=True)
                    old = m[name].reshape(groups.shape)
                    fitted = np.where(totals > 0, np.maximum(groups / np.where(totals > 0, totals, 1.0), M_FLOOR), old)
                    new_m[name] = (fitted / fitted.sum(axis=1, keepdims=True)).reshape(-1)
                    continue
                total = sums.sum()
                new_m[name] = np.maximum(sums / total, M_FLOOR) if total > 0 else m[name]
                new_m[name] = new_m[name] / new_m[name].sum()
        new_lam = float(np.clip(weight.sum() / total_pairs, 1e-9, 1 - 1e-9)) if total_pairs else lam
        if fixed_lambda is not None:
            new_lam = lam
        delta = max(abs(new_lam - lam), *(float(np.abs(new_m[nm] - m[nm]).max()) for nm in names))
        m, lam = new_m, new_lam
        if delta < EM_TOLERANCE:
            converged = True
            break
    return m, lam, it, converged, delta


def _base(column: str) -> str:
    return column.split("__")[0]


def _bounded(
    m: dict[str, np.ndarray], u: dict[str, np.ndarray], matches: float, spec: MatchSpec
) -> dict[str, np.ndarray]:
    """``m`` with each level that has ``min_chance_pairs`` (c) held to a likelihood ratio m / u of at most
    max(1, n / c), n = m x ``matches`` being the matched pairs at the level (a rule's, as EM counts them), the mass
    taken off given to "different" (the last level). It binds only where matches x u < c: where the rule's matches
    are too few for c of them to agree at the level by chance. An agreement rare by chance (one old unit of
    thousands) is then weighed by how many pairs show it, not by how rare it is: on a 1,500-person table the
    36 pairs a rule put in one old unit gave it m / u = 1,700 (+10.7 bits) and six namesakes of one ward merged;
    held, it is neutral there. A city's rules hold 100,000 matches and more: an old unit of 442 is not held."""
    out = dict(m)
    for comp in spec.scored_comparisons:
        held = [(k, lv.min_chance_pairs) for k, lv in enumerate(comp.levels) if lv.min_chance_pairs is not None]
        if not held or comp.name not in m:
            continue
        size = len(comp.levels) + 1
        mk = m[comp.name].copy().reshape(-1, size)  # (a comparison with m_by: both groups', each held so)
        for group in mk:
            for k, c in held:
                most = u[comp.name][k] * max(1.0, group[k] * matches / c)
                if group[k] > most:
                    group[-1] += group[k] - most
                    group[k] = most
        out[comp.name] = mk.reshape(-1)
    return out


def _varying(patterns: np.ndarray, names: list[str]) -> list[str]:
    """The comparisons whose pairs (``patterns``: distinct comparison vectors, missing = -1) hold two levels or more.

    On a rule whose pairs EM finds all matching (a small table, where an ID or a name with a birth date is
    shared by one person's records only) the share of matches is at its bound and m is simply each level's
    share of the pairs, pulled to the prior: where the pairs spread over several levels (name typos, a wrong
    day) that share is the evidence m needs; where every pair sits at one level it says nothing about how
    often a match differs (every record of a household book agrees on it), and the prior keeps it."""
    return [name for j, name in enumerate(names) if np.unique(patterns[:, j][patterns[:, j] >= 0]).size >= 2]


def _uncrowded(pairs: pl.DataFrame, most: int) -> pl.Series:
    """Per pair (``l``, ``r``: the pairs of one rule), whether both its records have fewer than ``most`` pairs there.

    Reading every pair of a rule as a match says each key value is held by one entity's records; a record
    paired with as many records as an entity may hold (``max_cluster_size``: a placeholder phone, a busy
    name and birth date) contradicts it: its pairs hold different entities that agree on more than the key."""
    ends = np.concatenate([pairs["l"].to_numpy(), pairs["r"].to_numpy()]).astype(np.int64)
    degree = np.bincount(ends, minlength=int(ends.max(initial=-1)) + 1)
    return pl.Series((degree[pairs["l"].to_numpy()] < most) & (degree[pairs["r"].to_numpy()] < most))


def _key_sources(rule: BlockingRule, spec: MatchSpec) -> set[str]:
    """The source columns a blocking rule's key is read from (a derived column counts as its source's)."""
    sources = {d.name: d.source for d in spec.derive}
    return {sources.get(_base(col), _base(col)) for col in rule.on}


def chance_pairs(work: pl.DataFrame, spec: MatchSpec, codes: ValueCodes | None = None) -> dict[str, float]:
    """Per trained blocking rule whose key is read from two source columns or more (a name and a birth date),
    how many of its pairs different entities would give by chance: all pairs x the product, over the key's
    source columns, of the share of record pairs agreeing on that source's part of the key (sum over its values
    of c (c - 1), over n (n - 1)).

    Different people's names and birth dates are close to independent, so their chance agreements multiply;
    the pairs a rule finds beyond them are its matches. This is what tells a rule's share of matches without
    labels when EM cannot: on a large table many namesakes share a name and a birth date, and EM's two classes
    read the namesakes with nothing else to tell them apart as matches (the family + middle name + birth date
    rule: truth 21 % matching at 1M, EM 28 %; at 3M EM 79 %), learning that a match's IDs and phones often
    differ. On the 1M city the estimate gave 40.3 / 19.3 / 20.6 % for the three trained name + date rules
    (truth 40.5 / 19.7 / 20.7 %). Counted on each source's part of the key jointly, so columns of one source
    (a family name and a given name's initial) need not be independent. A key read from one source only (an
    ID, a phone) has no estimate: without labels its agreement between entities cannot be told from its
    agreement within one. Left out too: rules with ``missing`` (only some pairs of a block), keys holding
    lists (a record in several blocks) and rules with a block over ``max_block`` (window paired: fewer pairs
    than counted). ``codes``: the table's value codes: the records agreeing on a key are counted on them."""
    n = work.height
    if n < 2:
        return {}
    sources = {d.name: d.source for d in spec.derive}
    shares: dict[tuple[str, ...], float] = {}  # a source's key columns -> share of record pairs agreeing on them
    counted: dict[tuple[str, ...], pl.Series] = {}  # key columns -> ``agreeing``'s counts

    def agreeing(columns: tuple[str, ...]) -> pl.Series:
        """The records of each distinct key (its columns all given), counted once."""
        if columns not in counted:
            counted[columns] = records_per_key(columns)
        return counted[columns]

    def records_per_key(columns: tuple[str, ...]) -> pl.Series:
        if codes is not None:
            if len(columns) == 1:  # one column's codes counted directly (np.unique sorts them: 0.009-0.018 CPU s)
                return pl.Series(np.bincount(codes.array(columns[0]))[1:], dtype=pl.Float64)
            # the key's value codes (equal values, equal codes; 0 missing) in one integer, mixed radix: the same
            # groups as the values' (at 1M people the trained rules' keys 1.18 -> 0.22 CPU s)
            sizes = [len(codes.values(c)) + 1 for c in columns]
            if math.prod(sizes) < 1 << 62:
                key, given = np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
                for column, size in zip(columns, sizes, strict=True):
                    code = codes.array(column)
                    key = key * size + code
                    given &= code != 0
                return pl.Series(np.unique(key[given], return_counts=True)[1], dtype=pl.Float64)
        return work.select(columns).drop_nulls().group_by(columns).len()["len"].cast(pl.Float64)

    out = {}
    for rule in spec.blocking:
        if not rule.train or rule.missing or list_of(work.schema, rule.on):
            continue
        groups: dict[str, list[str]] = {}
        for col in rule.on:
            groups.setdefault(sources.get(_base(col), _base(col)), []).append(col)
        if len(groups) < 2:
            continue
        # a key's records are at most the most records holding one value of any of its columns: the key itself is
        # counted only where that bound is over max_block (at 1M people a birth date is held by 174 records at most,
        # the name + birth date keys' counts cost 0.06 of chance_pairs' 0.13 CPU s)
        bound = min(agreeing((col,)).max() or 0 for col in rule.on)
        if bound > rule.max_block and (agreeing(tuple(rule.on)).max() or 0) > rule.max_block:
            continue
        product = 1.0
        for columns in groups.values():
            key = tuple(sorted(columns))
            if key not in shares:
                c = agreeing(key)
                shares[key] = float((c * (c - 1)).sum()) / (n * (n - 1))
            product *= shares[key]
        out[rule.name] = n * (n - 1) / 2 * product
    return out


def list_of(schema: pl.Schema, columns: tuple[str, ...]) -> bool:
    """Whether any of ``columns`` holds lists."""
    return any(isinstance(schema[c], pl.List) for c in columns)


def estimate_m(
    gamma: pl.DataFrame,
    rules: pl.Series,
    spec: MatchSpec,
    u: dict[str, np.ndarray],
    pairs: pl.DataFrame | None = None,
    label: pl.Series | None = None,
    *,
    table: pl.DataFrame | None = None,
    chance: dict[str, float] | None = None,
    m_by_from: dict[str, str] | None = None,
    all_pairs: float | None = None,
) -> tuple[dict[str, np.ndarray], float, int, bool, dict, dict[str, str]]:
    """m per comparison by EM, one run per blocking rule as Splink does.

    Pairs found by a rule agree on its key by construction, so comparisons of the
    rule's key columns say nothing about matching there: each rule's EM leaves them
    out, and a comparison's m is the average over the rules that did not block on
    it and whose EM is well-posed (over its ``m_rules`` only, where any of them is: the
    ID levels' m from the phone rule, whose pairs are nearly all matches, not from the
    name + birth date rules, whose match class takes in namesakes with an ID on one side
    more as the table grows). A rule's EM is *degenerate* when it does not
    converge or finds nearly no pair matching (under 1 - ``em_degenerate_share``);
    its estimates are then not used. A rule finding nearly all its pairs matching
    (over ``em_degenerate_share``: on a small table every pair sharing an ID, or a
    name and a birth date, is one person) has its share at the bound, and m there is
    each level's share of its pairs: it is taken for the comparisons whose pairs
    spread over two levels or more (``_varying``) and not for those where every pair
    sits at one level (then nothing tells how often a match differs); with no such
    comparison the rule is degenerate. A comparison no usable rule estimated keeps its
    prior m (``m_prior``). The share of matches among candidates is then fitted with m
    and u fixed.

    label: per candidate pair (rows of ``gamma``), a reviewer's verdict (1 same, 0 different, null none;
    ``label_posteriors``): every EM here is then semi-supervised, a labelled pair's posterior fixed to its
    verdict, each pair counted once.

    chance: per blocking rule, how many of its pairs different entities give by chance (``chance_pairs``).
    Such a rule's share of matches is known without EM: its pairs less those, over its pairs. Where that is
    under ``em_degenerate_share`` its EM fits m with the share held there (EM's own share is kept in the
    diagnostics, ``em_share``): left free, EM's match class takes in the namesakes nothing else tells apart
    (the family + middle name + birth date rule: 79 % at 3M people for 16 % expected), and m of the comparisons
    that do tell them apart (IDs, phones) learns that a match often differs there. Under 1 -
    ``em_degenerate_share`` the rule is degenerate (chance explains its pairs). Over ``em_degenerate_share``
    (a small table: nearly every pair sharing a name and a birth date is one person) EM runs as above.

    table: the pairs' ``_pattern_table`` made already (the sharded engine sums its shards'; with a ``CROWDED``
    column, ``crowded_bits``, the "all match" reading leaves crowded pairs out from it): ``gamma``, ``rules``,
    ``pairs`` and ``label`` are then not read.

    A comparison with ``m_by``: its m is two groups' m one after the other (the pairs not at its ``m_by`` levels,
    then those at them: ``_split_levels``, ``_m_by_groups``), where each group's came from written in ``m_by_from``
    (when given).

    all_pairs: the table's pairs; with ``prior_from = "all_pairs"`` lambda is then ``matches_among_all_pairs`` over
    the candidate pairs (the share of them it makes matches), not EM's share among them.

    Returns m, lambda, iterations (most of any rule), converged (every used rule),
    per-rule diagnostics, and per comparison where its m came from (``em`` or ``prior``).
    """
    comps = spec.scored_comparisons
    priors = {c.name: prior_m(c) for c in comps}
    # a comparison with m_by: its levels read twice over (``_split_levels``), both groups' m fitted side by side
    split = {c.name: len(c.levels) + 1 for c in comps if c.m_by is not None}
    if split:
        priors = {name: np.tile(p, 2) if name in split else p for name, p in priors.items()}
        u = {name: np.tile(v, 2) if name in split else v for name, v in u.items()}
    uses = _sources_used(spec)
    all_names = [c.name for c in comps]
    # the pairs grouped once by rules, comparison vector and verdict: each rule's patterns are summed from this
    # table (filtering millions of pairs per rule and grouping them cost 0.4 CPU s at 5.6M pairs)
    if table is None:
        table = _pattern_table(gamma.select(all_names), rules, label)
    table = _split_levels(table, spec)
    em = _RulesEM(spec, priors, u, split or None, table, gamma, rules, pairs, label)
    found = _RuleEstimates(comps, split)
    per_rule, iterations, converged = _fit_rules(spec, comps, em, found, table, uses, u, chance)
    m, source = found.averaged(priors, u, spec, m_by_from)
    lam = _fitted_share(table, all_names, m, priors, u, spec, em, all_pairs)
    return m, lam, iterations, converged, per_rule, source


def _fit_rules(
    spec: MatchSpec,
    comps: list,
    em: _RulesEM,
    found: _RuleEstimates,
    table: pl.DataFrame,
    uses: dict,
    u: dict[str, np.ndarray],
    chance: dict[str, float] | None,
) -> tuple[dict[str, dict], int, bool]:
    """``estimate_m``'s EM per blocking rule (trained, with pairs and a comparison not on its key), each used
    rule's bounded m added to ``found``: (per-rule diagnostics, iterations: most of any rule, converged: every
    used rule)."""
    per_rule: dict[str, dict] = {}
    iterations, converged = 0, True
    for i, rule in enumerate(spec.blocking):
        rows = _rule_rows(table, 1 << i)
        rule_pairs = int(rows[PAIRS].sum())
        if not rule.train:
            per_rule[rule.name] = {"pairs": rule_pairs, "status": "not trained (train = false)", "used": False}
            continue
        keys = _key_sources(rule, spec)
        names = [c.name for c in comps if not (uses[c.name] & keys)]  # (its key's comparisons say nothing here)
        if not names or not rule_pairs:
            per_rule[rule.name] = {"pairs": rule_pairs, "status": "no pairs or nothing to estimate", "used": False}
            continue
        fitted = em.on_rule(i, rows, names, rule_pairs, (chance or {}).get(rule.name))
        per_rule[rule.name] = fitted.diagnostics(rule_pairs, names)
        if not fitted.used:
            log.info("EM on blocking rule %r is %s: its m estimates are not used", rule.name, fitted.status)
            continue
        m_rule = _bounded(fitted.m, u, fitted.share * rule_pairs, spec)  # levels with min_chance_pairs
        iterations, converged = max(iterations, fitted.iterations), converged and fitted.converged
        found.add(rule, names, m_rule, fitted, u)
    return per_rule, iterations, converged


def _fitted_share(
    table: pl.DataFrame,
    all_names: list[str],
    m: dict[str, np.ndarray],
    priors: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    spec: MatchSpec,
    em: _RulesEM,
    all_pairs: float | None,
) -> float:
    """``estimate_m``'s lambda: the share of matches among the candidates fitted with m and u fixed, or with
    ``prior_from = "all_pairs"`` ``matches_among_all_pairs``' share of them."""
    patterns, counts, fixed = _patterns_of(table, all_names)
    _, lam, _, _, _ = _em(
        patterns, counts, all_names, priors, u, spec.em_iterations, fixed_m=m, fixed_posterior=fixed, blocks=em.blocks
    )
    if spec.prior_from == "all_pairs" and all_pairs and counts.sum():
        log_m, log_u = _log_likelihoods(patterns, all_names, m, u)
        found_pairs = matches_among_all_pairs(log_m - log_u, counts, all_pairs, fixed, lam * counts.sum())
        lam = float(np.clip(found_pairs / counts.sum(), 1e-9, 1 - 1e-9))
    return lam


EM_PRIOR_STEPS = 500  # most steps of ``matches_among_all_pairs``' fixed point (it converges in a few dozen)


def matches_among_all_pairs(
    evidence: np.ndarray, counts: np.ndarray, all_pairs: float, fixed: np.ndarray | None = None, start: float = 1.0
) -> float:
    """How many of the table's ``all_pairs`` pairs are matches: E, the sum of the candidate pairs' posteriors (per
    pattern its ``evidence``, log m - log u, and its ``counts``; ``fixed``: a labelled pattern's posterior, NaN where
    free) at the prior E / ``all_pairs``, found by iterating from ``start``. u is a random pair's, so the posterior's
    prior is a random pair's chance of matching: EM's share among the candidates in its place (their prior, not a
    random pair's) makes every uncertain pair likelier, the more so the fewer clear non-matches blocking proposes
    beside them. Here a pair that clearly differs adds nothing to E: businesses at 1M, 2,794 for 2,594 true pairs
    (EM's share: 6,099); taxpayers 41,330 for 41,456 (45,552)."""
    found = max(start, 1.0)
    for _ in range(EM_PRIOR_STEPS):
        prior = min(found / all_pairs, 0.5)
        posterior = 1.0 / (1.0 + np.exp(np.clip(np.log1p(-prior) - np.log(prior) - evidence, -700, 700)))
        if fixed is not None:
            posterior = np.where(np.isnan(fixed), posterior, fixed)
        found, before = float((counts * posterior).sum()), found
        if abs(found - before) <= EM_TOLERANCE * max(found, 1.0):
            break
    return found


def _sources_used(spec: MatchSpec) -> dict[str, set[str]]:
    """Per scored comparison, the source columns it reads (its levels' and its own; a derived column counts as
    its source's): a rule blocking on any of them leaves the comparison out of its EM."""
    sources = {d.name: d.source for d in spec.derive}
    return {
        c.name: {sources.get(_base(col), _base(col)) for lv in c.levels for col in (lv.columns or c.columns)}
        | {sources.get(_base(col), _base(col)) for col in c.columns}
        for c in spec.scored_comparisons
    }


@dataclass
class _RuleFit:
    """One blocking rule's EM (``_RulesEM.on_rule``): m of the comparisons it read, its share of matches (held or
    EM's) and EM's own (``free``), the pairs expected by chance, EM's iterations, convergence and last change,
    its status, the comparisons its m is taken for and the patterns and counts that m was fitted on."""

    m: dict[str, np.ndarray]
    share: float
    free: float
    expected: float | None
    iterations: int
    converged: bool
    delta: float
    status: str
    taken: list[str]
    patterns: np.ndarray
    counts: np.ndarray

    @property
    def used(self) -> bool:
        return bool(self.taken) and not self.status.startswith("degenerate")

    def diagnostics(self, rule_pairs: int, names: list[str]) -> dict:
        """The rule's entry in ``estimate_m``'s per-rule diagnostics."""
        return {
            "pairs": rule_pairs,
            "match_share": self.share,
            "em_share": self.free,
            "chance_pairs": self.expected,
            "iterations": self.iterations,
            "converged": self.converged,
            "final_change": self.delta,
            "status": self.status,
            "used": self.used,
            "comparisons": names,
        }


@dataclass
class _RulesEM:
    """What every blocking rule's EM reads (``estimate_m``): the spec (EM's settings), the priors and u (tiled for
    m_by), the m_by comparisons' group sizes (``blocks``), the pattern table and, where it has no ``CROWDED``
    column, the candidate pairs' levels, rules, ids and verdicts to leave crowded pairs out with."""

    spec: MatchSpec
    priors: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    blocks: dict[str, int] | None
    table: pl.DataFrame
    gamma: pl.DataFrame | None
    rules: pl.Series | None
    pairs: pl.DataFrame | None
    label: pl.Series | None

    def em(
        self, patterns: np.ndarray, counts: np.ndarray, names: list[str], fixed: np.ndarray | None, **held
    ) -> tuple[dict[str, np.ndarray], float, int, bool, float]:
        """``_em`` with the spec's settings (``held``: fixed_lambda)."""
        return _em(
            patterns,
            counts,
            names,
            self.priors,
            self.u,
            self.spec.em_iterations,
            self.spec.em_prior_pairs,
            fixed_posterior=fixed,
            blocks=self.blocks,
            **held,
        )

    def on_rule(
        self, i: int, rows: pl.DataFrame, names: list[str], rule_pairs: int, expected: float | None
    ) -> _RuleFit:
        """The ``i``-th rule's EM on its rows of the pattern table (the comparisons ``names``), judged: with the
        pairs ``expected`` by chance its share is known (EM fits m with it held), a rule whose EM does not
        converge or finds nearly no match is degenerate, one finding nearly all its pairs matching is read as
        all matches (``_all_match``)."""
        high = self.spec.em_degenerate_share
        patterns, counts, fixed = _patterns_of(rows, names)
        m_rule, share, it, ok, delta = self.em(patterns, counts, names, fixed)
        free, held = share, ""
        known = None if expected is None else max(1.0 - expected / rule_pairs, 0.0)
        if known is not None and known <= high:  # the share is known: EM fits m with it held there
            held = f" (share held at {known:.1%}: {rule_pairs:,} pairs, {expected:,.0f} by chance; EM alone {free:.1%})"
            share = known
            if known >= 1 - high:
                m_rule, _, it, ok, delta = self.em(patterns, counts, names, fixed, fixed_lambda=known)
        fitted = _RuleFit(m_rule, share, free, expected, it, ok, delta, f"ok{held}", names, patterns, counts)
        if not ok:
            fitted.status = f"degenerate: not converged in {it} iterations (last change {delta:.1e}){held}"
        elif share < 1 - high:
            fitted.status = f"degenerate: {share:.2%} of its pairs match{held}"
        elif share > high:
            self._all_match(i, rows, names, fitted)
        return fitted

    def _all_match(self, i: int, rows: pl.DataFrame, names: list[str], fitted: _RuleFit) -> None:
        """A rule finding nearly all its pairs matching: m refitted without the pairs of crowded keys (the
        all-match reading holds only for pairs of records in no crowded key), taken only for the comparisons whose
        pairs vary (``_varying``), else the rule is degenerate."""
        left_out = ""
        if CROWDED in self.table.columns:  # (the same, the crowded pairs marked in the table)
            crowded = (pl.col(CROWDED) & (1 << i)) != 0
            out = int(rows.filter(crowded)[PAIRS].sum())
            if out:
                left_out = f"; {out:,} pairs of crowded keys left out"
                fitted.patterns, fitted.counts, fixed = _patterns_of(rows.filter(~crowded), names)
                fitted.m = self.em(fitted.patterns, fitted.counts, names, fixed)[0]
        elif self.pairs is not None:
            mask = (self.rules & (1 << i)) != 0
            rule_label = self.label.filter(mask) if self.label is not None else None
            alone = _uncrowded(self.pairs.filter(mask), self.spec.max_cluster_size)
            if not alone.all():
                left_out = f"; {int((~alone).sum()):,} pairs of crowded keys left out"
                all_names = [c.name for c in self.spec.scored_comparisons]
                fitted.patterns, fitted.counts, fixed = _patterns(
                    _split_levels(self.gamma.filter(mask).filter(alone).select(all_names), self.spec).select(names),
                    rule_label.filter(alone) if rule_label is not None else None,
                )
                fitted.m = self.em(fitted.patterns, fitted.counts, names, fixed)[0]
        fitted.taken = _varying(fitted.patterns, names) if len(fitted.counts) else []
        share = fitted.share
        fitted.status = (
            f"all match ({share:.1%}{left_out}): m taken where its pairs vary ({', '.join(fitted.taken)})"
            if fitted.taken
            else f"degenerate: {share:.1%} of its pairs match{left_out}, no comparison varies among them"
        )


class _RuleEstimates:
    """The usable rules' m per comparison (``estimate_m``), and for an m_by comparison each estimate's matched
    pairs per group and its rule: averaged into one m per comparison at the end (``averaged``)."""

    def __init__(self, comps: list[Comparison], split: dict[str, int]) -> None:
        self.names = [c.name for c in comps]
        self.split = split
        self.by_name = {c.name: c for c in comps}
        self.estimates: dict[str, list[np.ndarray]] = {c.name: [] for c in comps}
        self.mass: dict[str, list[np.ndarray]] = {name: [] for name in split}  # per estimate: matched pairs per group
        self.from_rules: dict[str, list[str]] = {name: [] for name in split}
        self.chosen: dict[str, list[bool]] = {c.name: [] for c in comps}  # per estimate: from one of the `m_rules`

    def add(
        self, rule: BlockingRule, names: list[str], m_rule: dict[str, np.ndarray], fitted: _RuleFit, u: dict
    ) -> None:
        """A usable rule's m for the comparisons it is taken for (an m_by one: with each group's matched pairs,
        as the rule's EM reads them)."""
        split, patterns, share = self.split, fitted.patterns, fitted.share
        if any(name in split for name in fitted.taken):
            log_m, log_u = _log_likelihoods(patterns, names, m_rule, u)
            matched = fitted.counts / (
                1.0 + np.exp(np.clip(np.log1p(-share) + log_u - np.log(share) - log_m, -700, 700))
            )
        for name in fitted.taken:
            self.estimates[name].append(m_rule[name])
            self.chosen[name].append(rule.name in (self.by_name[name].m_rules or ()))
            if name in split:
                group = patterns[:, names.index(name)] // split[name]
                self.mass[name].append(np.bincount(group[group >= 0], weights=matched[group >= 0], minlength=2)[:2])
                self.from_rules[name].append(rule.name)

    def averaged(
        self, priors: dict, u: dict, spec: MatchSpec, m_by_from: dict[str, str] | None
    ) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """m per comparison, the mean of its estimates (only its `m_rules`' where any of them is usable), else its
        prior; and where it came from (``em`` or ``prior``; an m_by comparison's groups: ``_m_by_groups``)."""
        m, source = {}, {}
        for name in self.names:
            estimates, chosen = self.estimates[name], self.chosen[name]
            picked = list(range(len(estimates)))
            if any(chosen):  # the comparison's `m_rules`: only theirs, where any of them is usable
                picked = [i for i in picked if chosen[i]]
            if picked:
                m[name], source[name] = np.mean([estimates[i] for i in picked], axis=0), "em"
            else:  # blocked on by every usable rule, or every rule degenerate: the prior (a held level: neutral)
                m[name], source[name] = _bounded({name: priors[name]}, u, 0.0, spec)[name], "prior"
            if name in self.split:
                m[name], said = _m_by_groups(
                    m[name],
                    self.split[name],
                    [estimates[i] for i in picked],
                    [self.mass[name][i] for i in picked],
                    [self.from_rules[name][i] for i in picked],
                    spec.em_prior_pairs,
                    source[name],
                )
                if m_by_from is not None:
                    m_by_from[name] = said
        return m, source


def _m_by_groups(
    m: np.ndarray,
    size: int,
    estimates: list[np.ndarray],
    mass: list[np.ndarray],
    rules: list[str],
    least: float,
    how: str,
) -> tuple[np.ndarray, str]:
    """A comparison with ``m_by``: its two groups' m (``m``: the rules' mean, each group ``size`` levels long) each
    the mean over the rules whose EM matched at least ``least`` (``em_prior_pairs``: more than the prior weighs)
    of its pairs in that group (the others' estimate of it is mostly their prior); the ``m_by`` group's where no
    rule did: the other group's (no evidence that they differ: neutral). And where the ``m_by`` group's came from
    (``how``: the comparison's own ``m_source``)."""
    if not estimates:
        return m, how
    m = m.copy()
    said = how
    for group in (0, 1):
        held = [i for i, matched in enumerate(mass) if matched[group] >= max(least, 1.0)]
        if held:
            m[group * size : (group + 1) * size] = np.mean(
                [estimates[i][group * size : (group + 1) * size] for i in held], axis=0
            )
            if group:
                pairs = sum(float(mass[i][1]) for i in held)
                said = f"{how} ({', '.join(rules[i] for i in held)}: {pairs:,.0f} matched pairs)"
        elif group:
            m[size:] = m[:size]
            said = f"as the other pairs (no rule matched {max(least, 1.0):g} pairs or more there)"
    return m, said


def label_posteriors(candidates: pl.DataFrame | None, labelled: pl.DataFrame | None) -> pl.Series | None:
    """Per candidate pair (``candidates``: ``l``, ``r``, the rows EM reads), its reviewer's verdict as EM's fixed
    posterior: 1.0 same, 0.0 different, null not labelled; None when no candidate pair is labelled.

    ``labelled``: row pairs (``l``, ``r``, either order) with ``same`` (a frame without it holds "same" pairs). Only
    candidate pairs are labelled here: a verdict on a pair no blocking rule proposed is not among the pairs EM
    reads (it still links or vetoes its pair). Each labelled pair counts once, as it did unlabelled: its
    verdict replaces the model's guess for that pair alone, so labels chosen for being uncertain move m by
    what they tell about their own pairs (their share of all candidate pairs), not as a separate sample of
    matches. (Before, "same" pairs were added to EM's m as extra observations with EM weighing 20 pseudo-pairs:
    at 1M, 1,000 informative-first labels took precision from 0.9950 to 0.9940.)"""
    if candidates is None or labelled is None or not labelled.height or not candidates.height:
        return None
    verdict = pl.col("same").cast(pl.Float64) if "same" in labelled.columns else pl.lit(1.0)
    given = (
        labelled.select(
            pl.min_horizontal("l", "r").cast(pl.UInt32).alias("l"),
            pl.max_horizontal("l", "r").cast(pl.UInt32).alias("r"),
            verdict.alias(LABEL),
        )
        .group_by("l", "r")
        .agg(pl.col(LABEL).min())  # judged both ways: different, the safer verdict (as the engine reads it)
    )
    ends = candidates.select(
        pl.min_horizontal("l", "r").cast(pl.UInt32).alias("l"), pl.max_horizontal("l", "r").cast(pl.UInt32).alias("r")
    )
    label = ends.join(given, on=["l", "r"], how="left", maintain_order="left")[LABEL]
    return None if label.null_count() == len(label) else label


def term_frequencies(work: pl.DataFrame, column: str, codes: ValueCodes | None = None) -> pl.Series:
    """Per record, the share of non-missing records with the same value of a column (null if missing).

    ``codes``: the table's value codes (text, dates and integers: equal values, equal codes), when worked out
    already: the shares are then counted on them (a count per code), with no group-by and join on the values
    (0.1 s instead of 1.2 s for the five columns of people at 1M)."""
    dtype = work.schema[column]
    if codes is not None and (dtype in (pl.String, pl.Date) or dtype.is_integer()):
        code = codes.array(column)  # 0: missing
        counts = np.bincount(code, minlength=1)  # (an empty table: no code at all)
        share = counts[code] / max(len(code) - int(counts[0]), 1)
        return pl.DataFrame({"tf": share, "p": code != 0}).select(pl.when("p").then("tf").alias("tf"))["tf"]
    values = work.select(pl.col(column).alias("value"))
    table = (
        values.drop_nulls()
        .group_by("value")
        .len()
        .select("value", (pl.col("len") / max(values.height - values.null_count().item(), 1)).alias("tf"))
    )
    # one chunk: scoring gathers it by the row numbers of millions of pairs
    return values.join(table, on="value", how="left", maintain_order="left")["tf"].rechunk()


# String-similarity level kinds whose weight is term-frequency adjusted like an exact level on the same column
TF_FUZZY_KINDS = ("levenshtein", "word_subset", "word_subset_typo", "jaro_winkler", "ratio", "token_set")


def _shrunk_share(share: pl.Series, records: int | None, own: int, chance: float) -> pl.Series:
    """A value's chance of turning up on another entity's record, from its ``share`` of the ``records`` holding
    a value, leaving out the pair's ``own`` records that hold it (2 for an exact agreement, 1 for each side of
    a similar one) and shrunk to the level's chance agreement ``chance`` (its u) by one pseudo-occurrence:
    (max(count - own, 0) + 1) / (records - own + 1 / chance).

    Counted as it is, a share is at least own / records: in a table of 1,000 records a name only one
    person's two records hold has a share of 0.002, about fifteen times the chance two people share a name,
    so every exact agreement on a small table weighed up to 4 bits less than its level (with m from EM,
    recall 0.87-0.96 on 1,000 records of the generated city; 0.98-1.0 with this). A value seen only on the
    pair's records now weighs as its level does on average, more (up to TF_MAX_BOOST_BITS) where the table
    is large enough to say it is rare; on a large table the counts decide as before."""
    if not records:
        return share
    others = (share * records - own).clip(lower_bound=0.0)
    return (others + 1.0) / (records - own + 1.0 / chance)


@dataclass(frozen=True)
class TfLevel:
    """A level whose weight a term-frequency adjustment moves by its value's share (``tf_levels``)."""

    level: int  # its index among the comparison's levels
    column: str  # the column whose values' shares move it
    similar: bool  # a string-similarity level (by the commoner value: both sides needed), else an exact one
    agree: tuple[int, ...]  # the exact levels whose u summed is the average share of agreeing on the column


def tf_levels(comp: Comparison) -> tuple[TfLevel, ...]:
    """The levels ``_tf_adjust`` adjusts, said once for it, the term-frequency tables and the score's bound
    (``engine._tf_room``); none without ``tf_adjust``.

    Every exact level, its average share the u of the exact levels up to it (a folded name's share holds the names
    written exactly alike too); with ``tf_similar``, a string-similarity level (TF_FUZZY_KINDS) on a column an exact
    level before it adjusts, its average share the u of the exact levels up to that column's first."""
    if not comp.tf_adjust:
        return ()
    found: list[TfLevel] = []
    exact_at: dict[str, int] = {}
    for k, level in enumerate(comp.levels):
        column = (level.columns or comp.columns)[0]
        if level.kind == "exact":
            exact_at.setdefault(column, k)
            upto = k
        elif comp.tf_similar and level.kind in TF_FUZZY_KINDS and column in exact_at:
            upto = exact_at[column]
        else:
            continue
        agree = tuple(j for j in range(upto + 1) if comp.levels[j].kind == "exact")
        found.append(TfLevel(k, column, level.kind != "exact", agree))
    return tuple(found)


def tf_columns(comp: Comparison) -> list[str]:
    """The columns whose values' shares ``tf_levels`` reads, in order (those of the exact levels)."""
    return list(dict.fromkeys(t.column for t in tf_levels(comp)))


def _tf_adjust(
    w: np.ndarray, g: np.ndarray, comp: Comparison, model: Model, tf_tables: dict, l: pl.Series, r: pl.Series | None
) -> None:
    """Adds to ``w`` (per pair, in place) the bits a term-frequency adjusted comparison moves the weight of each pair
    at an adjusted level (``tf_levels``; ``g``: the pairs' levels, -1 missing), each worked out on that level's pairs
    only (a pair holds one level: over every pair, each level's shares, logarithms and masks cost 9 passes over tens
    of millions of pairs for the name alone).

    An exact level: its weight moves by log2(average share / the value's share), the average share being u of
    agreeing on its column (the u of the exact levels up to it: a folded name's share holds the names written
    exactly alike too); for the first exact level that is u being the value's share in place of the level's u.
    With ``tf_similar``, a string-similarity level on a column an exact level adjusts ("Nguuyễn Minh
    Toàn" / "Nguyễn Minh Toàn", a typo): its chance agreement grows with how common the names near it are, so its weight
    moves by log2(average share / the commoner value's share), the average share being u of agreeing on
    that column (the u of the exact levels up to the column's own). Boosts are capped at
    TF_MAX_BOOST_BITS; a common name lowers the weight without a floor. Without ``r`` only exact levels are
    adjusted."""
    u = model.u[comp.name]
    records = model.tf_records or {}
    for adjusted in tf_levels(comp):
        if adjusted.similar and r is None:
            continue
        rows = np.flatnonzero(g == adjusted.level)
        if not len(rows):
            continue
        at = pl.Series(rows, dtype=pl.UInt32 if len(g) < 1 << 32 else pl.UInt64)
        column = adjusted.column
        table = tf_tables[(comp.name, column)]  # per record, computed once in fit
        # a value's share counts every record holding it, however written there: its average is the chance of
        # agreeing on this column, at this level or an exact one before it (the folded name: exactly, or only once
        # folded). Against this level's own u the folded level lost log2((u0 + u1) / u1), 2.7 bits on the people
        # spec at 1M.
        agree = float(sum(u[j] for j in adjusted.agree))
        if adjusted.similar:
            a, b = table.gather(l.gather(at)), table.gather(r.gather(at))
            share = _shrunk_share(a.zip_with((a >= b).fill_null(False), b), records.get(column), 1, agree)
        else:
            share = _shrunk_share(table.gather(l.gather(at)), records.get(column), 2, agree)
        adjust = (np.log2(agree) - share.log(2)).clip(upper_bound=TF_MAX_BOOST_BITS)
        w[rows] += adjust.fill_null(0.0).to_numpy()


def score(
    l: pl.Series,
    gamma: pl.DataFrame,
    model: Model,
    spec: MatchSpec,
    tf_tables: dict[tuple[str, str], pl.Series],
    r: pl.Series | None = None,
) -> pl.DataFrame:
    """match_weight (bits) and match_probability per pair (rows ``l``, ``r``), with each comparison's
    contribution. Without ``r`` only exact levels are term-frequency adjusted."""
    weights = model.weights()
    prior_bits = model.prior_bits
    contributions = {}
    for comp in spec.scored_comparisons:
        level = gamma[comp.name].fill_null(-1).to_numpy()  # -1: a value missing
        w = np.append(weights[comp.name], 0.0)[level]  # one gather; a missing value weighs nothing (the last entry)
        if comp.name in model.m_by:  # the pairs at its m_by levels: its other m
            other = np.append(np.log2(model.m_by[comp.name] / model.u[comp.name]), 0.0)[level]
            w = np.where(m_by_held(comp, spec, gamma), other, w)
        if comp.tf_adjust:
            _tf_adjust(w, level, comp, model, tf_tables, l, r)
        if comp.implied_by is not None:  # agreement here follows from agreement there: no weight for it
            other = gamma[comp.implied_by].fill_null(-1).to_numpy()
            # the levels that are agreement: not "different" (the last), not a value on one side only or values of
            # no common kind (SIDE_KINDS), nor missing (-1, the appended False)
            by = next(c for c in spec.comparisons if c.name == comp.implied_by)
            agrees = np.array([lv.kind not in SIDE_KINDS for lv in by.levels] + [False, False])
            holds = agrees[other]
            w[holds & (w > 0)] = 0.0
        # cast in numpy (the same rounding as Polars' cast; a float64 Series made and cast per comparison cost a
        # fifth of scoring)
        contributions[f"w_{comp.name}"] = w.astype(np.float32)
    frame = pl.DataFrame(contributions)
    total = (
        frame.select(pl.sum_horizontal(pl.all()).alias("s"))["s"] + prior_bits
        if contributions
        else pl.Series(np.full(len(l), prior_bits))
    )
    return frame.with_columns(
        total.alias("match_weight"),
        (1.0 / (1.0 + (2.0**-total))).alias("match_probability"),
    )


def is_tiny(records: int, spec: MatchSpec) -> bool:
    """Whether u is counted on every pair of the table but the candidates (``estimate_u``), not on random pairs."""
    return u_pair_count(records, spec) >= records * (records - 1) // 2


def term_frequency_tables(
    work: pl.DataFrame, spec: MatchSpec, codes: ValueCodes | None = None
) -> dict[tuple[str, str], pl.Series]:
    """``term_frequencies`` of each term-frequency adjusted comparison's columns (``tf_columns``; ``codes``: the
    table's value codes, when worked out already)."""
    return {
        (comp.name, column): term_frequencies(work, column, codes)
        for comp in spec.scored_comparisons
        for column in tf_columns(comp)
    }


def true_pairs_estimate(rule_pairs: pl.DataFrame, spec: MatchSpec, per_rule: dict) -> tuple[float | None, list]:
    """How many pairs of the table are one entity's, by capture-recapture over two kinds of blocking rule, and the
    pairs of rules it is worked out from; None where no such pair of rules overlaps.

    ``rule_pairs``: the candidate pairs counted by their rules (``RULES``, bits, and ``PAIRS``). A rule keyed on one
    source column (an ID) and a rule keyed on others (a name and a birth date, with ``chance_pairs``) catch a
    match by independent chances (a clerk's slip in an ID and in a name are independent), so, with t_a and t_b
    the matches each catches (its pairs x its share of matches) and t_ab the pairs both catch (all matches:
    they agree on an ID and a name and a birth date), the matches in all are t_a t_b / t_ab (Lincoln-Petersen),
    pooled over every such pair of rules (sums over the pairs of rules of t_a t_b and of t_ab). The prior
    (``fit``) is this over all pairs: unlike EM's share of matches among the candidate pairs, it does not take
    in the namesakes of a larger table (on the generated cities, EM's prior was 3.5 times the truth's at 1M
    people and 25 times at 3M). A single-source rule counts only where its EM converged and finds over 1 -
    ``em_degenerate_share`` of its pairs matching; a rule on several sources only where its share is known from
    its chance agreements."""
    sources = {rule.name: _key_sources(rule, spec) for rule in spec.blocking}
    low = 1 - spec.em_degenerate_share

    def caught(rule: BlockingRule) -> float | None:
        d = per_rule.get(rule.name, {})
        ok = d.get("converged") and d.get("match_share", 0.0) >= low and d.get("pairs", 0) > 0
        return d["pairs"] * d["match_share"] if ok else None

    bits, pairs = rule_pairs[RULES].to_numpy(), rule_pairs[PAIRS].to_numpy().astype(float)
    numerator, overlap, used = 0.0, 0.0, []
    for i, a in enumerate(spec.blocking):
        t_a = caught(a) if len(sources[a.name]) == 1 else None
        if t_a is None:
            continue
        for j, b in enumerate(spec.blocking):
            t_b = caught(b) if per_rule.get(b.name, {}).get("chance_pairs") is not None else None
            if t_b is None or sources[a.name] & sources[b.name]:
                continue
            both = float(pairs[((bits & (1 << i)) != 0) & ((bits & (1 << j)) != 0)].sum())
            if both:
                numerator, overlap = numerator + t_a * t_b, overlap + both
                used.append({"rules": [a.name, b.name], "caught": [t_a, t_b], "both": int(both)})
    return (numerator / overlap if overlap else None), used


def fit(
    work: pl.DataFrame,
    gamma: pl.DataFrame,
    rules: pl.Series,
    spec: MatchSpec,
    labelled: pl.DataFrame | None = None,
    codes: ValueCodes | None = None,
    candidates: pl.DataFrame | None = None,
    *,
    u: tuple[dict[str, np.ndarray], int] | None = None,
    tf_tables: dict[tuple[str, str], pl.Series] | None = None,
    table: pl.DataFrame | None = None,
) -> tuple[Model, dict]:
    """u from random pairs (on a tiny table every pair but the ``candidates``: ``estimate_u``), m by EM
    (semi-supervised when ``labelled`` row pairs are given: ``l``, ``r`` and ``same``, or "same" pairs without it;
    ``label_posteriors``), term frequencies. ``u`` (``estimate_u``'s answer) and
    ``tf_tables`` (``term_frequency_tables``'): worked out already (they need the table only, not the candidates
    of a table that is not tiny, so the engine works them out on another core while it blocks and compares).
    ``table``: the candidate pairs' pattern table, verdicts in it, made shard by shard (``estimate_m``): ``gamma``,
    ``rules``, ``labelled`` and ``candidates`` are then not read (``u`` must be given: a table that is not tiny)."""
    u, n_random = estimate_u(work, spec, codes, candidates) if u is None else u
    chance = chance_pairs(work, spec, codes)
    all_pairs = work.height * (work.height - 1) / 2  # (the table's pairs: the prior below is a share of them)
    m_by_from: dict[str, str] = {}
    m, lam, iterations, converged, per_rule, m_source, n_pairs, by_rules = _m_by_em(
        gamma, rules, spec, u, labelled, candidates, table, chance, m_by_from, all_pairs
    )
    m_by, m_when = _m_by_groups_split(spec, m)
    prior, prior_estimate = _prior_of(spec, lam, n_pairs, all_pairs, by_rules, per_rule)
    model = Model(
        {c.name: len(c.levels) + 1 for c in spec.scored_comparisons},
        m,
        u,
        lam,
        prior,
        iterations,
        converged,
        n_random,
        per_rule,
        m_source,
        prior_estimate=prior_estimate,
        m_by=m_by,
        m_by_when=m_when,
        m_by_from=m_by_from,
    )
    tf_tables = term_frequency_tables(work, spec, codes) if tf_tables is None else tf_tables
    if _state_keeps_tf_records():
        model.tf_records = {column: max(int(tf.is_not_null().sum()), 1) for (_, column), tf in tf_tables.items()}
    return model, tf_tables


def _m_by_em(
    gamma: pl.DataFrame,
    rules: pl.Series,
    spec: MatchSpec,
    u: dict[str, np.ndarray],
    labelled: pl.DataFrame | None,
    candidates: pl.DataFrame | None,
    table: pl.DataFrame | None,
    chance: dict[str, float],
    m_by_from: dict[str, str],
    all_pairs: float,
) -> tuple[dict[str, np.ndarray], float, int, bool, dict, dict[str, str], int, pl.DataFrame]:
    """``fit``'s ``estimate_m`` on the pattern table made here (``table`` None) or given: (m, lambda, iterations,
    converged, per-rule diagnostics, m's sources (``+labels`` where labels were fixed posteriors), the pairs, the
    pairs per set of rules)."""
    if table is None:
        label = label_posteriors(candidates, labelled)
        # the pattern table made here (estimate_m's own): the pairs per set of rules summed from it too (a count of
        # the rules of every pair cost 0.02 CPU s at 1M people)
        made = _pattern_table(gamma.select(c.name for c in spec.scored_comparisons), rules, label)
        m, lam, iterations, converged, per_rule, m_source = estimate_m(
            gamma,
            rules,
            spec,
            u,
            candidates,
            label,
            table=made,
            chance=chance,
            m_by_from=m_by_from,
            all_pairs=all_pairs,
        )
        labelled_in_em, n_pairs = label is not None, gamma.height
        by_rules = made.group_by(RULES).agg(pl.col(PAIRS).sum())
    else:
        m, lam, iterations, converged, per_rule, m_source = estimate_m(
            gamma, rules, spec, u, table=table, chance=chance, m_by_from=m_by_from, all_pairs=all_pairs
        )
        labelled_in_em = LABEL in table.columns and table[LABEL].null_count() < table.height
        n_pairs = int(table[PAIRS].sum())
        by_rules = table.group_by(RULES).agg(pl.col(PAIRS).sum())
    if labelled_in_em:  # labels fixed posteriors in EM: an m from a prior is still the prior
        m_source = {name: f"{how}+labels" if how == "em" else how for name, how in m_source.items()}
    return m, lam, iterations, converged, per_rule, m_source, n_pairs, by_rules


def _m_by_groups_split(spec: MatchSpec, m: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """A comparison with m_by: EM's m is both groups' (``_split_levels``): ``m`` keeps the first group's, the second
    group's and its ``m_by_when`` returned (m_by, m_when)."""
    m_by, m_when = {}, {}
    for comp in spec.scored_comparisons:  # a comparison with m_by: EM's m is both groups' (``_split_levels``)
        if comp.m_by is not None:
            size = len(comp.levels) + 1
            m[comp.name], m_by[comp.name] = m[comp.name][:size], m[comp.name][size:]
            m_when[comp.name] = m_by_when(comp)
    return m_by, m_when


def _prior_of(
    spec: MatchSpec, lam: float, n_pairs: int, all_pairs: float, by_rules: pl.DataFrame, per_rule: dict
) -> tuple[float, dict]:
    """``fit``'s prior and its diagnostics (``prior_estimate``)."""
    prior_em = min(max(lam * n_pairs / all_pairs, 1e-12), 0.5) if all_pairs else 0.5
    true_pairs, from_rules = true_pairs_estimate(by_rules, spec, per_rule)
    # the prior from the matches capture-recapture counts; EM's share of matches among the candidates only where no
    # pair of rules allows it (then a larger table's namesakes raise it: kept in the diagnostics either way)
    prior = min(max(true_pairs / all_pairs, 1e-12), 0.5) if true_pairs and all_pairs else prior_em
    prior_estimate = {
        "method": "capture-recapture" if true_pairs else ("em_all_pairs" if spec.prior_from == "all_pairs" else "em"),
        "true_pairs": true_pairs,
        "prior": prior,
        "prior_em": float(f"{prior_em:.12g}"),  # (a diagnostic: summed in another order, shards differ at 1e-15)
        "rules": from_rules,
    }
    return prior, prior_estimate


def _state_keeps_tf_records() -> bool:
    """Whether a saved state keeps ``Model.tf_records`` (``state.FrozenModel.SAVES_TF_RECORDS``): a model scored
    after loading must weigh as the fitted one did, so shares are left out of the fit until it does."""
    from pipelines.match.state import FrozenModel  # noqa: PLC0415 - state imports this module

    return bool(getattr(FrozenModel, "SAVES_TF_RECORDS", False))
