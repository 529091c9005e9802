"""Comparison levels of record pairs, computed column-wise.

For each comparison a pair gets the index of the first level that holds (0 = the
strongest agreement), ``len(levels)`` when none holds ("different"), or null when a
value is missing on either side: a missing value is neutral evidence, not a
disagreement. A comparison over several columns (personal ID and old ID number) holds
a level when any column holds it with both values present, and is missing only
when no column has both values — so a CCCD on one record and only a CMND on the
other is neutral, since the link between the two numbers cannot be computed.

String similarities run in rapidfuzz over the distinct value pairs only.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming, JaroWinkler, Levenshtein

from pipelines.match.prepare import precision_column
from pipelines.match.spec import Comparison, Level, MatchSpec

_SCORERS = {
    "jaro_winkler": (JaroWinkler.normalized_similarity, {}),
    "levenshtein": (Levenshtein.distance, {}),
    "token_set": (fuzz.token_set_ratio, {}),
    "ratio": (fuzz.ratio, {}),
    "one_digit": (Hamming.distance, {"pad": True}),
}


COMMON_WORDS_MIN_VALUES = 5  # a word in fewer values is never common (a level's common_words)


class ValueCodes:
    """Integer codes of each column's distinct values, computed once per table.

    String scorers find distinct value pairs on two integers instead of two strings;
    the codes are shared by every comparison call on the same table (candidates, random
    pairs for u, the chaining guard's extra pairs).
    """

    def __init__(self, work: pl.DataFrame) -> None:
        self.work = work
        self._codes: dict[str, tuple[pl.Series, pl.Series]] = {}
        self._shared: dict[tuple[str, ...], dict[str, tuple[pl.Series, pl.Series]]] = {}
        self._word_shares: dict[str, pl.DataFrame] = {}

    def word_shares(self, column: str) -> pl.DataFrame:
        """``word``, ``share``: each word of the column and the share of its non-missing values that hold it
        (0 for a word in fewer than COMMON_WORDS_MIN_VALUES values: on a small table no word is common by chance)."""
        if column not in self._word_shares:
            values = self.work[column].cast(pl.String).drop_nulls()
            words = values.str.split(" ").list.unique().explode().drop_nulls().rename("word")
            self._word_shares[column] = words.value_counts(name="n").select(
                "word",
                pl.when(pl.col("n") >= COMMON_WORDS_MIN_VALUES)
                .then(pl.col("n") / max(len(values), 1))
                .otherwise(0.0)
                .alias("share"),
            )
        return self._word_shares[column]

    def get(self, column: str, space: tuple[str, ...] | None = None) -> tuple[pl.Series, pl.Series]:
        """(code per row, 1-based and null for a missing value; the value of each code).

        With ``space`` (columns including ``column``), codes are shared by those columns:
        a value has the same code in each, so values of two columns can be compared."""
        if space is not None and len(space) > 1:
            if space not in self._shared:
                values = {c: self.work[c].cast(pl.String) for c in space}
                by_code = pl.concat([v.drop_nulls() for v in values.values()]).unique().rename("v")
                table = pl.DataFrame(
                    {"v": by_code, "code": pl.int_range(1, len(by_code) + 1, dtype=pl.UInt32, eager=True)}
                )
                self._shared[space] = {
                    c: (
                        pl.DataFrame({"v": v}).join(table, on="v", how="left", maintain_order="left")["code"],
                        by_code,
                    )
                    for c, v in values.items()
                }
            return self._shared[space][column]
        if column not in self._codes:
            values = self.work[column].cast(pl.String)
            by_code = values.drop_nulls().unique()
            table = pl.DataFrame({"v": by_code, "code": pl.int_range(1, len(by_code) + 1, dtype=pl.UInt32, eager=True)})
            codes = pl.DataFrame({"v": values}).join(table, on="v", how="left", maintain_order="left")["code"]
            self._codes[column] = (codes, by_code)
        return self._codes[column]


class _PairColumns:
    """Both sides of each pair for the columns a call compares, gathered once.

    String scorers work on value *codes* (dense ranks of the column's values): the
    distinct pairs are found on two integers, not two strings, and the scores are joined
    back the same way; rapidfuzz sees each distinct value pair once.
    """

    def __init__(self, work: pl.DataFrame, l: pl.Series, r: pl.Series, codes: ValueCodes) -> None:
        self.work, self.l, self.r, self.value_codes = work, l, r, codes
        self._left: dict[str, pl.Series] = {}
        self._right: dict[str, pl.Series] = {}
        self._codes: dict[tuple, tuple[pl.Series, pl.Series, pl.Series]] = {}
        self._scores: dict[tuple, pl.Series] = {}

    def sides(self, column: str, other: str | None = None) -> tuple[pl.Series, pl.Series]:
        """Left record's ``column`` and right record's ``other`` (default: the same column)."""
        other = other or column
        if column not in self._left:
            self._left[column] = self.work[column].gather(self.l).rename("a")
        if other not in self._right:
            self._right[other] = self.work[other].gather(self.r).rename("b")
        return self._left[column], self._right[other]

    def codes(
        self, column: str, other: str | None = None, space: tuple[str, ...] | None = None
    ) -> tuple[pl.Series, pl.Series, pl.Series]:
        key = (column, other or column, space)
        if key not in self._codes:
            codes, by_code = self.value_codes.get(column, space)
            other_codes, _ = self.value_codes.get(other or column, space)
            self._codes[key] = (codes.gather(self.l).rename("a"), other_codes.gather(self.r).rename("b"), by_code)
        return self._codes[key]

    def score(
        self,
        column: str,
        kind: str,
        cutoff: float | None,
        other: str | None = None,
        space: tuple[str, ...] | None = None,
    ) -> pl.Series:
        """Scorer value per pair. ``cutoff`` is the weakest threshold any level asks of this
        scorer: rapidfuzz stops early below it (similarity 0 / distance cutoff + 1).
        ``other`` and ``space``: the right record's column, and the columns sharing value codes."""
        key = (column, kind, cutoff, other, space)
        if key not in self._scores:
            ca, cb, by_code = self.codes(column, other, space)
            valid = (ca.is_not_null() & cb.is_not_null()).to_numpy()
            packed = (ca.to_numpy()[valid].astype(np.uint64) << np.uint64(32)) | cb.to_numpy()[valid].astype(np.uint64)
            distinct, inverse = np.unique(packed, return_inverse=True)
            values = np.zeros(0)
            if len(distinct):
                left = by_code.gather(pl.Series((distinct >> np.uint64(32)).astype(np.int64) - 1))
                right = by_code.gather(pl.Series((distinct & np.uint64(0xFFFFFFFF)).astype(np.int64) - 1))
                if kind == "common_words":  # share of the rarest word the values differ in (0: no word on a side)
                    values = _rarest_differing_word(left, right, self.value_codes.word_shares(column))
                elif kind == "word_subset":  # 1.0 when every word of one value is a word of the other
                    wa, wb = pl.col("a").str.split(" "), pl.col("b").str.split(" ")
                    subset = (wa.list.set_difference(wb).list.len() == 0) | (wb.list.set_difference(wa).list.len() == 0)
                    values = (
                        pl.DataFrame({"a": left, "b": right}).select(subset.cast(pl.Float64)).to_series().to_numpy()
                    )
                elif kind == "word_subset_typo":
                    values = _words_missing_typo(left, right)
                else:
                    scorer, kwargs = _SCORERS[kind]
                    values = process.cpdist(
                        left.to_list(),
                        right.to_list(),
                        scorer=scorer,
                        scorer_kwargs=kwargs,
                        score_cutoff=cutoff,
                        workers=-1,
                    )
            out = np.full(len(valid), np.nan)
            out[valid] = np.asarray(values, dtype=np.float64)[inverse]
            self._scores[key] = pl.Series("score", out).fill_nan(None)
        return self._scores[key]


def _rarest_differing_word(left: pl.Series, right: pl.Series, shares: pl.DataFrame) -> np.ndarray:
    """Per value pair, the share of the rarest word the two values differ in (0.0 unless both sides have a
    word the other lacks): a level's ``common_words`` holds where it is at least the level's threshold, so
    the words are split and looked up once per column, whatever thresholds the levels ask."""
    wa, wb = pl.col("a").str.split(" "), pl.col("b").str.split(" ")
    pairs = pl.DataFrame({"a": left, "b": right}).with_row_index("i")
    diff = pairs.select("i", wa.list.set_difference(wb).alias("da"), wb.list.set_difference(wa).alias("db"))
    rarest = (
        diff.select("i", pl.concat_list("da", "db").alias("word"))
        .explode("word")
        .join(shares, on="word", how="left")
        .group_by("i")
        .agg(pl.col("share").fill_null(0.0).min().alias("rarest"))
    )
    out = diff.join(rarest, on="i", how="left", maintain_order="left").select(
        pl.when((pl.col("da").list.len() > 0) & (pl.col("db").list.len() > 0))
        .then(pl.col("rarest"))
        .otherwise(0.0)
        .fill_null(0.0)
    )
    return out.to_series().to_numpy()


def _words_missing_typo(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Per value pair, 1.0 when the values have different numbers of words, the shorter has exactly one word
    the longer lacks, and that word is one edit from a word only the longer has ("le hien" / "lle thi hien":
    a middle name dropped and a typo in the family name); else 0.0."""
    wa, wb = pl.col("a").str.split(" "), pl.col("b").str.split(" ")
    pairs = pl.DataFrame({"a": left, "b": right}).with_row_index("i")
    diff = pairs.select(
        "i",
        wa.list.len().alias("na"),
        wb.list.len().alias("nb"),
        wa.list.set_difference(wb).alias("da"),
        wb.list.set_difference(wa).alias("db"),
    )
    a_short = pl.col("na") < pl.col("nb")
    sides = diff.filter(pl.col("na") != pl.col("nb")).select(
        "i",
        pl.when(a_short).then(pl.col("da")).otherwise(pl.col("db")).alias("short"),
        pl.when(a_short).then(pl.col("db")).otherwise(pl.col("da")).alias("long"),
    )
    words = (
        sides.filter((pl.col("short").list.len() == 1) & (pl.col("long").list.len() > 0))
        .select("i", pl.col("short").list.first(), "long")
        .explode("long")
    )
    out = np.zeros(len(pairs))
    if words.height:
        distance = process.cpdist(
            words["short"].to_list(), words["long"].to_list(), scorer=Levenshtein.distance, score_cutoff=1, workers=-1
        )
        hit = words["i"].filter(pl.Series(np.asarray(distance) <= 1)).unique().to_numpy()
        out[hit] = 1.0
    return out


def _holds(
    level: Level,
    column: str,
    cols: _PairColumns,
    cutoffs: dict[str, float],
    other: str | None = None,
    space: tuple[str, ...] | None = None,
) -> pl.Series:
    """Boolean per pair (null when either value is missing); ``other``: the right record's column."""
    a, b = cols.sides(column, other)
    frame = pl.DataFrame({"a": a, "b": b})
    both = pl.col("a").is_not_null() & pl.col("b").is_not_null()
    match level.kind:
        case "exact":
            expr = pl.col("a") == pl.col("b")
        case "date_swap":
            da, db = pl.col("a"), pl.col("b")
            expr = (
                (da.dt.year() == db.dt.year())
                & (da.dt.month() == db.dt.day())
                & (da.dt.day() == db.dt.month())
                & (da != db)
            )
        case "date_within":
            expr = (pl.col("a") - pl.col("b")).dt.total_days().abs() <= level.days
        case "same_year" | "year_only":  # year_only: only on pairs where a side is coarser than a day
            expr = pl.col("a").dt.year() == pl.col("b").dt.year()
        case "date_typo":
            da, db = pl.col("a"), pl.col("b")
            ta, tb, tb_swapped = da.dt.strftime("%Y%m%d"), db.dt.strftime("%Y%m%d"), db.dt.strftime("%Y%d%m")

            def digits_apart(x: pl.Expr, y: pl.Expr) -> pl.Expr:
                return pl.sum_horizontal([(x.str.slice(i, 1) != y.str.slice(i, 1)).cast(pl.Int8) for i in range(8)])

            year_off = (
                ((da.dt.year() - db.dt.year()).abs() == 1)
                & (da.dt.month() == db.dt.month())
                & (da.dt.day() == db.dt.day())
            )
            expr = year_off | (digits_apart(ta, tb) <= 1) | (digits_apart(ta, tb_swapped) <= 1)
        case "word_subset" | "word_subset_typo":
            return (cols.score(column, level.kind, None, other, space) == 1.0).alias("holds")
        case "numeric_within":
            expr = (pl.col("a").cast(pl.Float64) - pl.col("b").cast(pl.Float64)).abs() <= level.distance
        case "jaro_winkler" | "token_set" | "ratio":
            score = cols.score(column, level.kind, cutoffs.get(level.kind), other, space)
            scale = 1.0 if level.kind == "jaro_winkler" else 100.0
            return _common(score >= level.threshold * scale, level, column, cols, other, space).alias("holds")
        case "levenshtein":
            holds = cols.score(column, level.kind, cutoffs.get(level.kind), other, space) <= level.distance
            return _common(holds, level, column, cols, other, space).alias("holds")
        case "one_digit":
            same_length = frame.select(
                pl.col("a").cast(pl.String).str.len_chars() == pl.col("b").cast(pl.String).str.len_chars()
            ).to_series()
            distance = cols.score(column, level.kind, cutoffs.get(level.kind), other, space)
            return (same_length & (distance <= level.distance)).alias("holds")
        case _:
            raise ValueError(f"unknown level kind {level.kind}")
    return frame.select(pl.when(both).then(expr).alias("holds")).to_series()


def _common(
    holds: pl.Series,
    level: Level,
    column: str,
    cols: _PairColumns,
    other: str | None,
    space: tuple[str, ...] | None,
) -> pl.Series:
    """``holds`` and, with the level's ``common_words``, the values differ only in common words."""
    if level.common_words is None:
        return holds
    return holds & (cols.score(column, "common_words", None, other, space) >= level.common_words)


def _cutoffs(comp: Comparison) -> dict[str, float]:
    """Per scorer kind, the loosest value any level of the comparison needs."""
    out: dict[str, float] = {}
    for level in comp.levels:
        if level.kind == "jaro_winkler":
            out[level.kind] = min(out.get(level.kind, 1.0), level.threshold)
        elif level.kind in ("token_set", "ratio"):
            out[level.kind] = min(out.get(level.kind, 100.0), level.threshold * 100.0)
        elif level.kind in ("levenshtein", "one_digit"):
            out[level.kind] = max(out.get(level.kind, 0), int(level.distance))
    return out


def _column_pairs(comp: Comparison, columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """(left column, right column) pairs a comparison looks at: each column with itself, or
    with a mixed comparison every column with every column (kinds told apart by length)."""
    if comp.mixed:
        return [(a, b) for a in columns for b in columns]
    return [(c, c) for c in columns]


def comparison_levels(
    work: pl.DataFrame, l: pl.Series, r: pl.Series, comparisons: tuple[Comparison, ...], codes: ValueCodes | None = None
) -> pl.DataFrame:
    """One Int8 column per comparison: the level index of each (l, r) pair, null when missing.

    A date column with year-only (or month-only) values holds only ``same_year`` levels
    where either side is coarser than a day; without such a level that pair is missing.
    A ``mixed`` comparison compares values of the same length across all its columns;
    values of different lengths (a CMND against a CCCD) are not compared: neutral.

    Pass the same ``codes`` to every call on one table so value codes are built once."""
    cols = _PairColumns(work, l, r, codes or ValueCodes(work))
    n = len(l)
    coarse_cache: dict[tuple[str, str], pl.Series | None] = {}
    length_cache: dict[tuple[str, str], pl.Series] = {}

    def coarse(a: str, b: str) -> pl.Series | None:
        """True where either side's date is coarser than a day (None: no coarse dates in these columns)."""
        if (a, b) not in coarse_cache:
            pa, pb = precision_column(a), precision_column(b)
            if pa not in work.columns and pb not in work.columns:
                coarse_cache[(a, b)] = None
            else:
                left = cols.sides(pa)[0] if pa in work.columns else pl.Series([None] * n, dtype=pl.String)
                right = cols.sides(pb, pb)[1] if pb in work.columns else pl.Series([None] * n, dtype=pl.String)
                coarse_cache[(a, b)] = ((left != "day").fill_null(False) | (right != "day").fill_null(False)).rename(
                    "coarse"
                )
        return coarse_cache[(a, b)]

    def same_length(a: str, b: str) -> pl.Series:
        if (a, b) not in length_cache:
            va, vb = cols.sides(a, b)
            length_cache[(a, b)] = (va.cast(pl.String).str.len_chars() == vb.cast(pl.String).str.len_chars()).fill_null(
                False
            )
        return length_cache[(a, b)]

    out = {}
    for comp in comparisons:
        cutoffs = _cutoffs(comp)
        space = tuple(sorted(set(comp.columns) | {c for lv in comp.levels for c in (lv.columns or ())}))
        space = space if comp.mixed else None
        year_level = any(level.kind in ("same_year", "year_only") for level in comp.levels)
        present = None
        for a, b in _column_pairs(comp, comp.columns):
            va, vb = cols.sides(a, b)
            has = va.is_not_null() & vb.is_not_null()
            if comp.mixed:
                has = has & same_length(a, b)
            rough = coarse(a, b)
            if rough is not None and not year_level:
                has = has & ~rough
            present = has if present is None else (present | has)
        level_idx = pl.Series("level", np.full(n, len(comp.levels), dtype=np.int8))
        decided = pl.Series(np.zeros(n, dtype=bool))
        for index, level in enumerate(comp.levels):
            holds = None
            for a, b in _column_pairs(comp, level.columns or comp.columns):
                other = b if b != a else None
                h = _holds(level, a, cols, cutoffs, other, space).fill_null(False)
                if comp.mixed:
                    h = h & same_length(a, b)
                rough = coarse(a, b)
                if level.kind == "year_only":  # only where a side is coarser than a day
                    h = h & rough if rough is not None else h & False
                elif rough is not None and level.kind != "same_year":
                    h = h & ~rough
                holds = h if holds is None else (holds | h)
            new = holds & ~decided
            level_idx = level_idx.zip_with(~new, pl.Series(np.full(n, index, dtype=np.int8)))
            decided = decided | holds
        out[comp.name] = pl.Series(comp.name, level_idx).zip_with(present, pl.Series([None] * n, dtype=pl.Int8))
    return pl.DataFrame(out) if out else pl.DataFrame()


def level_labels(spec: MatchSpec) -> dict[str, list[str]]:
    """Human labels of each comparison's levels, the last being 'different'."""
    return {c.name: [lv.label for lv in c.levels] + ["different"] for c in spec.comparisons}
