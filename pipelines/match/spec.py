"""The declarative match spec: what to derive, how to block, what to compare, how to decide.

A spec is a TOML file (``load_spec``) or the same structure as a dict (``parse_spec``).
Every section is documented in docs/guide/matching.md ("The spec, with the worked example"); errors
name the section, the entry and the offending key, so a wrong spec fails before any data is read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Column transforms usable in [[derive]]; each is a Polars expression in prepare.py.
# A column written "<column>__<transform>[__<transform>...]" anywhere in the spec is
# derived on the fly ("full_name__fold"), so simple specs need no [[derive]] section.
TRANSFORMS = (
    "fold",  # lower case, no diacritics, đ->d, only [a-z0-9] and single spaces
    "fold_compact",  # fold without spaces
    "digits",  # only the digits
    "first_token",  # first word
    "last_token",  # last word
    "drop_middle",  # first and last word ("nguyen van an" -> "nguyen an")
    "drop_first",  # all words but the first ("nguyen van an" -> "van an")
    "drop_last",  # all words but the last ("nguyen van an" -> "nguyen van")
    "initials",  # first letter of every word
    "sorted_tokens",  # words in alphabetical order (word order mistakes)
    "year",  # year of a date
    "month_day",  # "MM-DD" of a date
    "date_unordered",  # "YYYY-a-b" with a <= b of day and month: equal for a date and its day/month swap
    "month_day_unordered",  # "a-b" with a <= b of day and month: the same for a wrong year, and for a swap
    "year_typo_keys",  # ["198", "199", "19_9"] for 1989 (list, blocking): shared by years one apart or one digit apart
    "year_day_month",  # ["YYYY-D", "YYYY-M"]: a list of keys (blocking): shared when day or month is right
    # ["YYYY-D-tM", "YYYY-D-uM", "YYYY-M-tD", "YYYY-M-uD"] (t: tens digit, u: units digit; list, blocking): shared when
    # the year and one number are right (as day or month) and the other number has at most one digit wrong
    "year_day_month_digit",
    # ["lan", "an", "ln", "la"] for "lan" (list, blocking): shared by two words one letter wrong, missing or added apart
    "deletions",
    # ["3192-", "-46797"] for "319246797" (list, blocking): its first half and the rest; two values of one length one
    # character apart (a book number with a wrong digit) share one of them
    "halves",
    "tax_base",  # a tax code without its branch suffix: "0312345678" for "0312345678-001" (other codes: their digits)
    "tax_branch",  # the branch suffix of a 13-digit tax code, "000" for a 10-digit one, missing for other codes
    "tax_canonical",  # a tax code's digits, the MST alone for "MST-000"; missing when it has no digit
    "old_district",  # the pre-2025 district (3-digit GSO code) of a 'pre2025:<code>' unit id; missing for any other
    "lower",
    "upper",
)

# Level kinds of a comparison, tried in order; the first that holds is the pair's level.
LEVEL_KINDS = (
    "exact",  # equal values
    "jaro_winkler",  # Jaro-Winkler similarity >= threshold
    "levenshtein",  # Levenshtein distance <= distance
    "ratio",  # rapidfuzz ratio / 100 (normalised Indel similarity) >= threshold
    "token_set",  # rapidfuzz token_set_ratio / 100 >= threshold (word order and extra words ignored; slower)
    "word_subset",  # every word of one value is a word of the other ("nguyen an" / "nguyen van an")
    "word_subset_typo",  # words missing or added and one other word a typo apart ("le hien" / "lle thi hien")
    "one_digit",  # same length, at most `distance` differing characters (Hamming); IDs with a wrong digit
    "date_swap",  # dates whose day and month are swapped (same year)
    "date_within",  # dates at most `days` apart
    "year_off",  # dates a year apart with the same day and month (an age counted from the wrong year)
    "date_typo",  # one digit of yyyymmdd wrong, the year off by one, or day/month swapped and one digit wrong
    "year_only",  # one date known only to its year (or month), in the same year as the other
    "same_year",  # dates in the same year
    "numeric_within",  # numbers at most `distance` apart
    # the two below hold where the values are not compared (neutral without them): a value's absence says something
    "one_side",  # a value on one side only: the other record has none in any of the comparison's columns
    "not_comparable",  # values on both sides, none comparable with the other's (a mixed comparison's CMND and CCCD)
)
# level kinds that hold only where the comparison has no value pair to compare (``compare.comparison_levels``)
SIDE_KINDS = ("one_side", "not_comparable")

PRESETS = ("name", "date", "id", "exact", "text")

# Date forms a text date column may be written in (pipelines.standardise.parse_dates; with
# day_first = false the day/month forms are read month first).
DATE_FORMATS = (
    "dmy",  # 15/03/1990, 08.11.2004, 5-3-1990
    "dmy_short",  # 15/03/90 (two-digit year)
    "dmy_text",  # ngày 15 tháng 3 năm 1990
    "iso",  # 1990-03-15
    "month_name",  # Jan 22 1997, 22-Jan-97, 22 January 1997 (English month names, as spreadsheets write them)
    "ymd_compact",  # 19900315
    "dmy_compact",  # 15031990 (when yyyymmdd is impossible)
    "month_year",  # 03/1990, Jan 1990, Jan-90: kept as a month (compared on the year only)
    "year_only",  # 1990: kept as a year (compared on the year only)
    "excel_serial",  # 32947 (days since 1899-12-30, from a spreadsheet number cell)
)
UNREADABLE_DATES_LIMIT = 0.5  # a date column with more unreadable values than this share refuses to run

SURVIVORSHIP = ("most_frequent", "most_recent", "longest", "first", "max", "min")


class SpecError(ValueError):
    """The spec is not valid; the message names the section and entry."""


# --------------------------------------------------------------------------- keys: types, ranges, defaults
#
# Every key of every section is declared once here: its type, its range or choices, its
# default (REQUIRED: no default). parse_spec checks each entry against its table, the
# dataclasses below take their defaults from it, and the key reference of
# docs/guide/matching.md is generated from it (``uv run python -m pipelines.docs``).

REQUIRED = object()


@dataclass(frozen=True)
class Key:
    kind: str  # int, number, str, bool, columns (a name or list of names), choice(s), table, tables (array)
    default: Any = None
    doc: str = ""
    ge: float | None = None  # value >= ge
    gt: float | None = None  # value > gt
    le: float | None = None  # value <= le
    lt: float | None = None  # value < lt
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        """'integer >= 2', 'number in (0, 1)', 'one of ...' for messages and the README."""
        base = {
            "int": "integer",
            "number": "number",
            "str": "text",
            "bool": "true/false",
            "columns": "column name or list of names",
            "choice": "one of " + ", ".join(self.choices),
            "choices": "list of " + ", ".join(self.choices),
            "table": "table",
            "tables": "array of tables",
            "numbers": "list of numbers",
        }[self.kind]
        low = f"{'[' if self.ge is not None else '('}{self.ge if self.ge is not None else self.gt}"
        high = f"{self.le if self.le is not None else self.lt}{']' if self.le is not None else ')'}"
        if (self.ge is not None or self.gt is not None) and (self.le is not None or self.lt is not None):
            return f"{base} in {low}, {high}"
        if self.ge is not None:
            return f"{base} >= {self.ge}"
        if self.gt is not None:
            return f"{base} > {self.gt}"
        return base

    def check(self, value: Any, where: str, name: str) -> Any:
        """The value, validated (and a single column name made a tuple); SpecError naming where and key."""
        bad = f"{where}: `{name}`: expected {self.describe()}, got {value!r}"
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError(bad)
        elif self.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SpecError(bad)
            value = float(value)
        elif self.kind == "str":
            if not isinstance(value, str) or not value.strip():
                raise SpecError(bad)
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise SpecError(bad)
        elif self.kind == "columns":
            if isinstance(value, str) and value.strip():
                value = (value,)
            elif isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
                value = tuple(value)
            else:
                raise SpecError(bad)
        elif self.kind == "choice":
            if value not in self.choices:
                raise SpecError(bad)
        elif self.kind == "choices":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or any(v not in self.choices for v in values):
                raise SpecError(bad)
            value = tuple(values)
        elif self.kind == "table":
            if not isinstance(value, dict):
                raise SpecError(bad)
        elif self.kind == "numbers":
            ok = (
                isinstance(value, list)
                and value
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            )
            if not ok or any(
                (self.ge is not None and v < self.ge) or (self.gt is not None and v <= self.gt) for v in value
            ):
                raise SpecError(bad)
            return tuple(float(v) for v in value)
        elif self.kind == "tables":
            if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
                raise SpecError(bad)
        if self.kind in ("int", "number") and not (
            (self.ge is None or value >= self.ge)
            and (self.gt is None or value > self.gt)
            and (self.le is None or value <= self.le)
            and (self.lt is None or value < self.lt)
        ):
            raise SpecError(bad)
        return value


MATCH_KEYS = {
    "id": Key("str", REQUIRED, "the column that identifies a record (unique, no nulls)"),
    "link_threshold": Key("number", 0.99, "link at or above this match probability", gt=0, lt=1),
    "review_threshold": Key("number", 0.5, "review queue from here up to link_threshold", gt=0, lt=1),
    "ambiguity_threshold": Key(
        "number",
        None,
        "a record linked to two records that cannot be one person keeps the stronger link only when it is this much "
        "likelier than the other (default, and at least: link_threshold); both go to review otherwise",
        gt=0,
        lt=1,
    ),
    "pair_floor": Key(
        "number",
        0.0,
        "pairs scoring under this match probability (non-matches no reviewer judged) are counted per blocking rule "
        "in the run's statistics, not kept in the pair table; at most review_threshold (0: keep every pair)",
        ge=0,
        lt=1,
    ),
    "max_cluster_size": Key("int", 20, "larger clusters are rebuilt by the chaining guard", ge=2),
    "entity_prefix": Key("str", "E", "entity ids look like <prefix>-<16 hex digits>"),
    "u_sample_pairs": Key("int", 1_000_000, "most random pairs u is counted on", ge=1),
    "u_pairs_per_record": Key(
        "int",
        20,
        "random pairs per record: u is counted on min(u_sample_pairs, max(u_min_pairs, this x records))",
        ge=1,
    ),
    "u_min_pairs": Key("int", 100_000, "fewest random pairs u is counted on (fewer only if the table has fewer)", ge=1),
    "u_exact_floor": Key(
        "choice",
        "sample",
        "least u of a level counted exactly from the values' frequencies over every pair (an exact level at the head "
        "of a ladder, one side, no common kind): half a random pair (sample) or half a pair of the table (table: "
        "where the prior falls as the table grows, a rare agreement's weight grows with it instead of stopping at "
        "log2(2 m u_sample_pairs) bits)",
        choices=("sample", "table"),
    ),
    "prior_from": Key(
        "choice",
        "candidates",
        "the prior where no pair of trained rules allows capture-recapture: EM's share of matches among the candidate "
        "pairs, scaled to all pairs (candidates), or the number of matches E that equals the candidate pairs' summed "
        "posteriors at the prior E / all pairs (all_pairs: the pairs blocking proposes that clearly differ add nothing "
        "to it, so it does not move with how many of them there are)",
        choices=("candidates", "all_pairs"),
    ),
    "seed": Key("int", 42, "seed of the random pairs", ge=0),
    "em_iterations": Key("int", 500, "most expectation-maximisation iterations (per blocking rule)", ge=1),
    "em_prior_pairs": Key(
        "number",
        50.0,
        "weight of each comparison's m_prior in EM, in pairs (a Dirichlet prior: keeps m off 0 and 1 on few pairs)",
        ge=0,
    ),
    "em_degenerate_share": Key(
        "number",
        0.99,
        "a rule whose EM finds more than this share of its pairs matching takes m only where its pairs vary (pairs of "
        "crowded keys left out); under 1 - it, or not converged, it is degenerate: its m estimates are not used; a rule "
        "keyed on two source columns or more whose pairs less their chance agreements make a share under it has its "
        "EM's share held there (Fellegi–Sunter model, above)",
        gt=0.5,
        lt=1,
    ),
    "recency": Key("str", None, "date column for most_recent survivorship"),
    "allow_unreadable_dates": Key(
        "bool", False, f"run even when over {UNREADABLE_DATES_LIMIT:.0%} of a date column's values cannot be read"
    ),
    "show": Key("columns", (), "record fields shown side by side in the review queue"),
}
DERIVE_KEYS = {
    "name": Key("str", REQUIRED, "the new column"),
    "from": Key("str", REQUIRED, "the input column"),
    "transform": Key("choices", ("lower",), "transforms applied in order", choices=TRANSFORMS),
}
BLOCKING_KEYS = {
    "name": Key("str", None, "rule name (default: the key columns joined by +)"),
    "on": Key("columns", REQUIRED, "key columns; records sharing all of them are compared"),
    "max_block": Key("int", 500, "larger blocks are sorted-window paired, not all pairs", ge=2),
    "window": Key("int", 10, "neighbours each record is paired with inside a capped block", ge=1),
    "sort_by": Key("columns", (), "order inside a capped block (default: the id column)"),
    "train": Key("bool", True, "estimate m on this rule's pairs"),
    "missing": Key(
        "str",
        None,
        "only pairs where this column is missing on one side at least: a record without it (an unreadable "
        "birth date) is compared with every record sharing the key; a block with more such pairs than a full "
        "max_block block is sorted-window paired",
    ),
}
COMPARE_KEYS = {
    "name": Key("str", None, "comparison name (default: the columns joined by +)"),
    "columns": Key("columns", None, "compared columns (or `column`); one of them is required"),
    "column": Key("columns", None, "same as `columns`"),
    "preset": Key("choice", "exact", "level ladder for a field type", choices=PRESETS),
    "levels": Key("tables", None, "levels tried in order (instead of a preset)"),
    "tf_adjust": Key("bool", None, "term-frequency adjustment of exact levels (default: true for preset name)"),
    "tf_similar": Key(
        "bool",
        False,
        "with tf_adjust: string-similarity levels on a column an exact level adjusts are adjusted too, by the "
        "commoner of the two values (a typo next to a common name is weak evidence)",
    ),
    "score": Key("bool", True, "false: for cannot-link rules and review only, adds no weight"),
    "m_prior": Key(
        "numbers",
        None,
        "m per level and 'different' (normalised): EM's prior, and m where no usable rule estimated the comparison "
        "(default: 0.7 on the first level, 0.25 halving over the others, 0.05 on different; one level: 0.95 / 0.05)",
        gt=0,
    ),
    "m_rules": Key(
        "columns",
        None,
        "the trained blocking rules whose EM estimates this comparison's m (default: every trained rule not keyed "
        "on its columns); where none of them is usable, the others' as by default",
    ),
    "implied_by": Key(
        "str",
        None,
        "another scored comparison whose agreement implies this one's (sex follows from the given name): where "
        "it holds any level, agreeing here adds no weight; disagreeing still counts",
    ),
    "u_within": Key(
        "str",
        None,
        "a column (input or derived) whose agreeing record pairs hold nearly all of this comparison's rare levels "
        "counted on random pairs (a birth year: a date's swaps, year-only and same-year levels): half of u's random "
        "pairs for it are drawn among the pairs agreeing on that column, half among all pairs, each half weighed "
        "by its exact share of the pairs (fewer pairs needed for the same noise)",
    ),
    "u_sample_pairs": Key(
        "int",
        None,
        "at most this many of u's random pairs for this comparison's levels counted on random pairs (the first of "
        "the table's; with u_within, the first half of them and the other half drawn within its column; default: "
        "all of them, [match] u_sample_pairs): for a costly comparison (a text similarity on long values) whose "
        "sampled levels are common enough, or drawn partly among agreeing pairs (u_within), to be known from fewer "
        "pairs",
        ge=1,
    ),
    "m_by": Key(
        "table",
        None,
        "another scored comparison and some of its level labels ('missing' for neither record holding a value), e.g. "
        '{ ids = ["missing", "one_side"] }: where the pair is at one of them this comparison\'s m is estimated and '
        "applied apart (EM fits both; u is the same): a name varies more between a person's copies without IDs",
    ),
    "mixed": Key(
        "bool",
        False,
        "the columns hold IDs of several kinds told apart by length (9-digit CMND, 12-digit CCCD) in any of them: "
        "values are compared as digits (spaces, dots, dashes ignored) across the columns, only with values of the "
        "same length; any other value (other lengths, letters, a placeholder such as 000000000 or 123456789) is "
        "missing (neutral)",
    ),
}
LEVEL_KEYS = {
    "kind": Key("choice", REQUIRED, "how the level holds", choices=LEVEL_KINDS),
    "label": Key("str", None, "label (default: the kind)"),
    "columns": Key("columns", None, "columns of this level (default: the comparison's)"),
    "column": Key("columns", None, "same as `columns`"),
    "threshold": Key("number", None, "similarity at or above which the level holds", gt=0, le=1),
    "distance": Key("number", None, "largest distance at which the level holds", ge=0),
    "days": Key("int", None, "largest date difference in days", ge=0),
    "common_words": Key(
        "number",
        None,
        "text kinds only: the level holds only where the two values differ in words (at least one on each side) "
        "that are all common, each in at least this share of the column's values (and in 5 at least): one real "
        "name for another, not a clerk's slip",
        gt=0,
        lt=1,
    ),
    "min_chance_pairs": Key(
        "number",
        None,
        "the level's weight (log2 m/u) is held at most log2(a rule's matched pairs at the level / this), and at 0 "
        "where they are fewer: it is weighed in full only where a rule's matches are enough for this many of them to "
        "agree there by chance (matches x u >= this); a few dozen pairs of a small table cannot make an agreement "
        "rare by chance (one old unit among thousands) strong evidence",
        ge=1,
    ),
}
COMMON_WORDS_KINDS = ("levenshtein", "jaro_winkler", "ratio", "token_set")
DATES_KEYS = {
    "column": Key("str", REQUIRED, "a date column (text, or typed with a `precision` column)"),
    "day_first": Key("bool", True, "read 05/03/1990 as 5 March (false: May 3)"),
    "formats": Key(
        "choices", DATE_FORMATS, "forms accepted; a value in another form is unreadable", choices=DATE_FORMATS
    ),
    "precision": Key(
        "str",
        None,
        "optional column of typed dates' precision (day, month, year; staging's dob_precision): "
        "a year-only date is compared on its year",
    ),
}
CANNOT_LINK_KEYS = {
    "name": Key("str", None, "rule name"),
    "levels": Key("table", REQUIRED, "comparison name -> level labels"),
}
# Which level kinds need (and accept) threshold / distance / days, and a distance that must be a whole number.
LEVEL_PARAMETER = {
    "jaro_winkler": "threshold",
    "ratio": "threshold",
    "token_set": "threshold",
    "levenshtein": "distance",
    "one_digit": "distance",
    "numeric_within": "distance",
    "date_within": "days",
}
LEVEL_PARAMETER_DEFAULT = {"one_digit": 1}
INTEGER_DISTANCE = ("levenshtein", "one_digit")
SECTIONS = {  # section -> (TOML form, keys); [survivorship] maps columns to SURVIVORSHIP rules
    "match": ("[match]", MATCH_KEYS),
    "derive": ("[[derive]]", DERIVE_KEYS),
    "blocking": ("[[blocking]]", BLOCKING_KEYS),
    "compare": ("[[compare]]", COMPARE_KEYS),
    "cannot_link": ("[[cannot_link]]", CANNOT_LINK_KEYS),
    "dates": ("[[dates]]", DATES_KEYS),
    "survivorship": ("[survivorship]", {}),
}


def _entry(entry: Any, keys: dict[str, Key], where: str) -> dict[str, Any]:
    """An entry's values checked against its key table, defaults filled in (REQUIRED keys must be present)."""
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: expected a table of keys, got {type(entry).__name__}")
    _check_keys(entry, set(keys), where)
    values = {}
    for name, key in keys.items():
        if name in entry:
            values[name] = key.check(entry[name], where, name)
        elif key.required:
            raise SpecError(f"{where}: `{name}` ({key.doc}) is required")
        else:
            values[name] = key.default
    return values


@dataclass(frozen=True)
class Derive:
    name: str
    source: str
    transforms: tuple[str, ...]


@dataclass(frozen=True)
class BlockingRule:
    name: str
    on: tuple[str, ...]
    max_block: int  # larger blocks are sorted-window paired instead of all pairs
    window: int  # neighbours each record is paired with inside a capped block
    sort_by: tuple[str, ...]  # order inside a capped block (default: the id column)
    train: bool = BLOCKING_KEYS[
        "train"
    ].default  # use this rule's pairs to estimate m (false when its non-matches share more than the key)
    missing: str | None = None  # only pairs where this column is missing on at least one side

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns blocking reads: the key, then the sort and ``missing`` columns not in it (no repeats)."""
        return tuple(dict.fromkeys((*self.on, *self.sort_by, *((self.missing,) if self.missing else ()))))


@dataclass(frozen=True)
class Level:
    kind: str
    label: str
    columns: tuple[str, ...] | None = None  # override the comparison's columns for this level
    threshold: float | None = None
    distance: float | None = None
    days: int | None = None
    common_words: float | None = None  # and the words the values differ in are all this common
    min_chance_pairs: float | None = None  # weight held at log2(matched pairs here / this) at most (estimate_m)


@dataclass(frozen=True)
class Comparison:
    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]  # the implicit last level is "different"
    tf_adjust: bool = False  # term-frequency adjustment of the exact levels
    score: bool = COMPARE_KEYS["score"].default  # false: computed for cannot-link rules and review only, adds no weight
    mixed: bool = COMPARE_KEYS["mixed"].default  # ID kinds by length, compared across the columns
    m_prior: tuple[float, ...] | None = None  # m per level and "different": EM's prior and fallback
    implied_by: str | None = None  # a comparison whose agreement implies this one's: agreeing then adds no weight
    tf_similar: bool = False  # string-similarity levels term-frequency adjusted too (by the commoner value)
    m_rules: tuple[str, ...] | None = None  # the blocking rules whose EM estimates m (None: every usable one)
    # the column u's random pairs are partly drawn among the agreeing pairs of (``model.estimate_u``). Out of the repr
    # (the state's fingerprint): how u is counted when a model is fitted, not how a saved model scores
    u_within: str | None = field(default=None, repr=False)
    # at most this many of u's random pairs for this comparison (``model.estimate_u``); out of the repr as u_within
    u_sample_pairs: int | None = field(default=None, repr=False)
    # (another scored comparison, its level labels, "missing" for none): where the pair is at one of them, m is this
    # comparison's other m (``model.Model.m_by``). Out of the repr (a spec without it keeps its fingerprint):
    # ``state.spec_fingerprint`` adds it where set
    m_by: tuple[str, tuple[str, ...]] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DateColumn:
    """How a text date column is read (columns a date level or transform uses are read with the defaults)."""

    column: str
    day_first: bool = DATES_KEYS["day_first"].default
    formats: tuple[str, ...] = DATES_KEYS["formats"].default
    precision: str | None = DATES_KEYS["precision"].default  # column of the precision of already typed dates


@dataclass(frozen=True)
class CannotLink:
    """Pairs whose comparisons are at all the listed levels are never linked (twins, two different IDs)."""

    name: str
    levels: dict[str, tuple[int, ...]]  # comparison -> level indices (len(levels) = "different", -1 = missing)


@dataclass(frozen=True)
class MatchSpec:
    id_column: str
    derive: tuple[Derive, ...]
    blocking: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    cannot_link: tuple[CannotLink, ...] = ()
    link_threshold: float = MATCH_KEYS["link_threshold"].default
    review_threshold: float = MATCH_KEYS["review_threshold"].default
    # the chaining guard's margin between a record's two conflicting links (``cluster._ambiguous_links``); None:
    # link_threshold's. Out of the repr: state.spec_fingerprint adds it when set (specs without it keep theirs)
    ambiguity_threshold: float | None = field(default=MATCH_KEYS["ambiguity_threshold"].default, repr=False)
    # not in the spec's repr (its fingerprint): it changes which pairs the pair table keeps, no score or decision
    pair_floor: float = field(default=MATCH_KEYS["pair_floor"].default, repr=False)
    max_cluster_size: int = MATCH_KEYS["max_cluster_size"].default
    entity_prefix: str = MATCH_KEYS["entity_prefix"].default
    u_sample_pairs: int = MATCH_KEYS["u_sample_pairs"].default
    u_pairs_per_record: int = MATCH_KEYS["u_pairs_per_record"].default
    u_min_pairs: int = MATCH_KEYS["u_min_pairs"].default
    # out of the repr: state.spec_fingerprint adds it when not the default (specs without it keep their fingerprint)
    u_exact_floor: str = field(default=MATCH_KEYS["u_exact_floor"].default, repr=False)
    prior_from: str = field(default=MATCH_KEYS["prior_from"].default, repr=False)  # (likewise)
    seed: int = MATCH_KEYS["seed"].default
    em_iterations: int = MATCH_KEYS["em_iterations"].default
    em_prior_pairs: float = MATCH_KEYS["em_prior_pairs"].default
    em_degenerate_share: float = MATCH_KEYS["em_degenerate_share"].default
    survivorship: dict[str, str] = field(default_factory=dict)
    recency_column: str | None = MATCH_KEYS["recency"].default
    show_columns: tuple[str, ...] = MATCH_KEYS["show"].default  # record fields shown side by side in the review queue
    dates: tuple[DateColumn, ...] = ()
    allow_unreadable_dates: bool = MATCH_KEYS["allow_unreadable_dates"].default

    @property
    def scored_comparisons(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.score)

    @property
    def referenced_columns(self) -> list[str]:
        """Every column name the spec uses (input, derived or "<column>__<transform>"), in first-use order."""
        cols: list[str] = [self.id_column]
        for rule in self.blocking:
            cols += [*rule.on, *rule.sort_by, *([rule.missing] if rule.missing else [])]
        for comp in self.comparisons:
            cols += comp.columns
            for level in comp.levels:
                cols += level.columns or ()
            cols += [comp.u_within] if comp.u_within else []
        cols += [*self.survivorship, *self.show_columns]
        if self.recency_column:
            cols.append(self.recency_column)
        return list(dict.fromkeys(cols))

    @property
    def input_columns(self) -> set[str]:
        """Columns the input table must have."""
        derived = {d.name for d in self.derive}
        # "<column>__<transform>[__<transform>]" names are derived on the fly from <column>
        bases = {c.split("__")[0] for c in self.referenced_columns}
        # a [[dates]] precision column is optional even where [survivorship] lists it (text dates have none)
        return ({c for c in bases if c not in derived} | {d.source for d in self.derive}) - self.optional_columns

    @property
    def optional_columns(self) -> set[str]:
        """Columns used when the input has them ([[dates]] precision)."""
        return {d.precision for d in self.dates if d.precision}


def load_spec(path: str | Path) -> MatchSpec:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: spec file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None
    try:
        return parse_spec(raw)
    except SpecError as exc:
        raise SpecError(f"{path}: {exc}") from None


def _tuple(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SpecError(f"{where}: expected a column name or a list of names, got {value!r}")


def _check_keys(entry: dict, allowed: set[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")


def _preset_levels(preset: str, columns: tuple[str, ...], where: str) -> tuple[tuple[Level, ...], bool]:
    """Level ladders that fit common field types; `levels` in the spec overrides them."""
    if preset == "name":
        return (
            Level("exact", "exact"),
            Level("exact", "exact_folded", columns=tuple(f"{c}__fold" for c in columns)),
            Level("jaro_winkler", "jw_0.95", columns=tuple(f"{c}__fold" for c in columns), threshold=0.95),
            Level("word_subset", "words_missing", columns=tuple(f"{c}__fold" for c in columns)),
            Level("jaro_winkler", "jw_0.88", columns=tuple(f"{c}__fold" for c in columns), threshold=0.88),
        ), True
    if preset == "date":
        return (
            Level("exact", "exact"),
            Level("date_swap", "day_month_swapped"),
            Level("date_typo", "typo"),  # one digit wrong, year off by one, swapped with a digit wrong
            Level("year_only", "year_only"),  # a year-only date against a date of that year
            Level("date_within", "within_31_days", days=31),
            Level("same_year", "same_year"),
        ), False
    if preset == "id":
        # a clerk's wrong digit; two copies each with a wrong digit are two digits apart
        return (
            Level("exact", "exact"),
            Level("one_digit", "one_digit_off", distance=1),
            Level("one_digit", "two_digits_off", distance=2),
        ), False
    if preset == "exact":
        return (Level("exact", "exact"),), False
    if preset == "text":
        return (
            Level("exact", "exact", columns=tuple(f"{c}__fold" for c in columns)),
            Level("ratio", "similar_0.9", columns=tuple(f"{c}__fold" for c in columns), threshold=0.9),
            Level("ratio", "similar_0.7", columns=tuple(f"{c}__fold" for c in columns), threshold=0.7),
        ), False
    raise SpecError(f"{where}: unknown preset {preset!r} (choose from {PRESETS})")


def _parse_level(entry: Any, where: str) -> Level:
    values = _entry(entry, LEVEL_KEYS, where)
    kind = values["kind"]
    wanted = LEVEL_PARAMETER.get(kind)
    for parameter in ("threshold", "distance", "days"):
        if values[parameter] is not None and parameter != wanted:
            uses = f"uses `{wanted}`" if wanted else "takes no parameter"
            raise SpecError(f"{where}: `{parameter}` does not apply to level kind {kind!r} (it {uses})")
    if wanted and values[wanted] is None:
        if kind not in LEVEL_PARAMETER_DEFAULT:
            raise SpecError(f"{where}: level kind {kind!r} needs `{wanted}` ({LEVEL_KEYS[wanted].describe()})")
        values[wanted] = float(LEVEL_PARAMETER_DEFAULT[kind])
    if kind in INTEGER_DISTANCE and not (values["distance"] >= 1 and float(values["distance"]).is_integer()):
        raise SpecError(
            f"{where}: `distance` of level kind {kind!r} must be a whole number >= 1, got {values['distance']!r}"
        )
    if values["columns"] is not None and values["column"] is not None:
        raise SpecError(f"{where}: give `column` or `columns`, not both")
    if values["common_words"] is not None and kind not in COMMON_WORDS_KINDS:
        raise SpecError(
            f"{where}: `common_words` does not apply to level kind {kind!r} (only to {', '.join(COMMON_WORDS_KINDS)})"
        )
    return Level(
        kind=kind,
        label=values["label"] or kind,
        columns=values["columns"] or values["column"],
        threshold=values["threshold"],
        distance=values["distance"],
        days=values["days"],
        common_words=values["common_words"],
        min_chance_pairs=values["min_chance_pairs"],
    )


def _section(raw: dict, name: str) -> Any:
    """A section of the spec in its TOML form: [match]/[survivorship] a table, the others an array of tables."""
    title, _ = SECTIONS[name]
    value = raw.get(name, {} if title.startswith("[") and not title.startswith("[[") else [])
    if title.startswith("[["):
        if not isinstance(value, list):
            raise SpecError(
                f"{title}: expected an array of tables (write each entry under {title}), got a single table"
            )
        return value
    if not isinstance(value, dict):
        raise SpecError(f"{title}: expected a table, got {type(value).__name__}")
    return value


def _parse_derive(entry: Any, where: str) -> Derive:
    values = _entry(entry, DERIVE_KEYS, where)
    return Derive(values["name"], values["from"], values["transform"])


def _parse_blocking(entry: Any, where: str) -> BlockingRule:
    values = _entry(entry, BLOCKING_KEYS, where)
    return BlockingRule(
        name=values["name"] or "+".join(values["on"]),
        on=values["on"],
        max_block=values["max_block"],
        window=values["window"],
        sort_by=values["sort_by"],
        train=values["train"],
        missing=values["missing"],
    )


def _parse_compare(entry: Any, where: str) -> Comparison:
    values = _entry(entry, COMPARE_KEYS, where)
    if values["columns"] is not None and values["column"] is not None:
        raise SpecError(f"{where}: give `column` or `columns`, not both")
    columns = values["columns"] or values["column"]
    if columns is None:
        raise SpecError(f"{where}: `column` or `columns` is required")
    name = values["name"] or "+".join(columns)
    where = where if values["name"] else f"{where} ({name})"  # (a named entry's ``where`` names it: _entries)
    if values["levels"] is not None:
        if "preset" in entry:
            raise SpecError(f"{where}: give `preset` or `levels`, not both")
        levels = tuple(_parse_level(lv, f"{where} level #{j + 1}") for j, lv in enumerate(values["levels"]))
        tf_default = False
    else:
        levels, tf_default = _preset_levels(values["preset"], columns, where)
    labels = [level.label for level in levels]
    if len(set(labels)) != len(labels) or "different" in labels or "missing" in labels:
        raise SpecError(f"{where}: level labels must be unique and not 'different' or 'missing', got {labels}")
    tf_adjust = tf_default if values["tf_adjust"] is None else values["tf_adjust"]
    if values["m_prior"] is not None and len(values["m_prior"]) != len(levels) + 1:
        raise SpecError(
            f"{where}: `m_prior` needs {len(levels) + 1} numbers (one per level and 'different'), "
            f"got {len(values['m_prior'])}"
        )
    return Comparison(
        name,
        columns,
        levels,
        tf_adjust=tf_adjust,
        score=values["score"],
        mixed=values["mixed"],
        m_prior=values["m_prior"],
        implied_by=values["implied_by"],
        tf_similar=values["tf_similar"],
        m_rules=values["m_rules"],
        u_within=values["u_within"],
        u_sample_pairs=values["u_sample_pairs"],
        m_by=_m_by(values["m_by"], where),
    )


def _m_by(value: dict | None, where: str) -> tuple[str, tuple[str, ...]] | None:
    """``m_by``'s table as (comparison, level labels); its shape checked here, the names in ``_check_m_by``."""
    if value is None:
        return None
    if len(value) != 1:
        raise SpecError(
            f'{where}: `m_by` must map one comparison name to level labels, e.g. {{ ids = ["missing", "one_side"] }}, '
            f"got {value!r}"
        )
    ((comp_name, wanted),) = value.items()
    labels = _tuple(wanted, f"{where} m_by.{comp_name}")
    if len(set(labels)) != len(labels):
        raise SpecError(f"{where}: `m_by`: level labels repeated: {list(labels)}")
    return comp_name, labels


def _check_m_by(comparisons: list[Comparison]) -> None:
    """Each ``m_by`` names another scored comparison, not one split itself, and some (not all) of its levels."""
    by_name = {c.name: c for c in comparisons}
    for i, c in enumerate(comparisons):
        if c.m_by is None:
            continue
        where = f"[[compare]] #{i + 1} ({c.name}): `m_by`"
        other, wanted = c.m_by
        scored = [x.name for x in comparisons if x.score and x.name != c.name and x.m_by is None]
        if not c.score:
            raise SpecError(f"{where}: the comparison is not scored (score = false): it has no m to split")
        if other not in scored:
            raise SpecError(
                f"{where}: must name another scored comparison without `m_by` (one of {scored}), got {other!r}"
            )
        labels = [lv.label for lv in by_name[other].levels] + ["different", "missing"]
        unknown = [w for w in wanted if w not in labels]
        if unknown:
            raise SpecError(f"{where}: comparison {other!r} has no level {unknown} (levels: {labels})")
        if len(wanted) == len(labels):
            raise SpecError(f"{where}: names every level of {other!r}: no pair would be left for the other m")


def _parse_cannot_link(entry: Any, where: str, by_name: dict[str, Comparison], index: int) -> CannotLink:
    values = _entry(entry, CANNOT_LINK_KEYS, where)
    if not values["levels"]:
        raise SpecError(f'{where}: `levels` must map comparison names to level labels, e.g. {{ ids = ["different"] }}')
    levels = {}
    for comp_name, wanted in values["levels"].items():
        if comp_name not in by_name:
            raise SpecError(f"{where}: unknown comparison {comp_name!r} (comparisons: {list(by_name)})")
        labels = [lv.label for lv in by_name[comp_name].levels] + ["different"]
        wanted = _tuple(wanted, f"{where} levels.{comp_name}")
        unknown = [w for w in wanted if w not in labels and w != "missing"]
        if unknown:
            raise SpecError(
                f"{where}: comparison {comp_name!r} has no level {unknown} (levels: {labels + ['missing']})"
            )
        levels[comp_name] = tuple(-1 if w == "missing" else labels.index(w) for w in wanted)
    return CannotLink(values["name"] or f"cannot_link_{index}", levels)


def _parse_dates(entry: Any, where: str) -> DateColumn:
    values = _entry(entry, DATES_KEYS, where)
    return DateColumn(values["column"], values["day_first"], values["formats"], values["precision"])


def _entries(raw: dict, section: str, parse) -> list:  # noqa: ANN001 - a parse function
    title, _ = SECTIONS[section]
    return [parse(entry, _named(f"{title} #{i + 1}", entry)) for i, entry in enumerate(_section(raw, section))]


def _named(where: str, entry: Any) -> str:
    """``where`` ("[[compare]] #4") with the entry's `name` when it has one ("[[compare]] #4 (birth_date)"): every
    message about the entry names it, its keys' too (a comparison without one is named by its columns there)."""
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{where} ({name})" if isinstance(name, str) and name else where


def parse_spec(raw: dict) -> MatchSpec:
    """Check a spec (a parsed TOML document) key by key against the tables above and build it.

    Every mistake is a SpecError naming the section, the entry and the key, raised before
    any data is read.
    """
    if not isinstance(raw, dict):
        raise SpecError(f"spec: expected a table of sections, got {type(raw).__name__}")
    _check_keys(raw, set(SECTIONS), "spec")
    top = _entry(_section(raw, "match"), MATCH_KEYS, "[match]")
    derive = _entries(raw, "derive", _parse_derive)
    blocking = _entries(raw, "blocking", _parse_blocking)
    if not blocking:
        raise SpecError("[[blocking]]: at least one blocking rule is required (comparing all pairs does not scale)")
    comparisons = _entries(raw, "compare", _parse_compare)
    by_name = _checked_comparisons(comparisons, blocking)
    cannot_link = [
        _parse_cannot_link(entry, _named(f"[[cannot_link]] #{i + 1}", entry), by_name, i + 1)
        for i, entry in enumerate(_section(raw, "cannot_link"))
    ]
    survivorship = _section(raw, "survivorship")
    _check_survivorship(survivorship, top)
    dates = _entries(raw, "dates", _parse_dates)
    columns = [d.column for d in dates]
    if len(set(columns)) != len(columns):
        raise SpecError(f"[[dates]]: each column is declared once, got {columns}")
    _check_thresholds(top)
    spec = _built(top, derive, blocking, comparisons, cannot_link, survivorship, dates)
    for i, d in enumerate(dates):
        if d.column not in spec.input_columns:
            raise SpecError(
                f"[[dates]] #{i + 1}: `column`: {d.column!r} is not a column the spec uses "
                f"(it uses {sorted(spec.input_columns)})"
            )
    return spec


def _checked_comparisons(comparisons: list[Comparison], blocking: list[BlockingRule]) -> dict[str, Comparison]:
    """``parse_spec``'s checks of the comparisons together (one at least, unique names, one scored, ``implied_by``,
    ``m_by``, ``m_rules`` naming trained blocking rules); returns them by name."""
    if not comparisons:
        raise SpecError("[[compare]]: at least one comparison is required")
    names = [c.name for c in comparisons]
    if len(set(names)) != len(names):
        raise SpecError(f"[[compare]]: comparison names must be unique, got {names}")
    if not any(c.score for c in comparisons):
        raise SpecError("[[compare]]: at least one comparison must be scored")
    by_name = {c.name: c for c in comparisons}
    for i, c in enumerate(comparisons):
        if c.implied_by is not None and (
            c.implied_by == c.name or c.implied_by not in by_name or not by_name[c.implied_by].score
        ):
            scored = [x.name for x in comparisons if x.score and x.name != c.name]
            raise SpecError(
                f"[[compare]] #{i + 1} ({c.name}): `implied_by` must name another scored comparison "
                f"(one of {scored}), got {c.implied_by!r}"
            )
    _check_m_by(comparisons)
    trained = [rule.name for rule in blocking if rule.train]
    for i, c in enumerate(comparisons):
        unknown = [name for name in c.m_rules or () if name not in trained]
        if unknown:
            raise SpecError(
                f"[[compare]] #{i + 1} ({c.name}): `m_rules` must name trained blocking rules (one of {trained}), "
                f"got {unknown}"
            )
    return by_name


def _check_survivorship(survivorship: dict, top: dict) -> None:
    """``parse_spec``'s check of [survivorship]: known rules, ``most_recent`` only with [match] recency."""
    for column, rule in survivorship.items():
        if rule not in SURVIVORSHIP:
            raise SpecError(f"[survivorship] {column}: rule must be one of {SURVIVORSHIP}, got {rule!r}")
    if "most_recent" in survivorship.values() and not top["recency"]:
        raise SpecError("[survivorship]: `most_recent` needs [match] recency = '<date column>'")


def _check_thresholds(top: dict) -> None:
    """``parse_spec``'s check of [match]'s thresholds: review below link, the pair floor at most review."""
    if not top["review_threshold"] < top["link_threshold"]:
        raise SpecError(
            f"[match]: `review_threshold` ({top['review_threshold']}) must be below "
            f"`link_threshold` ({top['link_threshold']})"
        )
    if top["pair_floor"] > top["review_threshold"]:
        raise SpecError(
            f"[match]: `pair_floor` ({top['pair_floor']}) must be at most `review_threshold` ({top['review_threshold']})"
        )


def _built(
    top: dict,
    derive: list,
    blocking: list[BlockingRule],
    comparisons: list[Comparison],
    cannot_link: list,
    survivorship: dict,
    dates: list,
) -> MatchSpec:
    """``parse_spec``'s MatchSpec of the checked sections."""
    spec = MatchSpec(
        id_column=top["id"],
        derive=tuple(derive),
        blocking=tuple(blocking),
        comparisons=tuple(comparisons),
        cannot_link=tuple(cannot_link),
        link_threshold=top["link_threshold"],
        review_threshold=top["review_threshold"],
        ambiguity_threshold=top["ambiguity_threshold"],
        pair_floor=top["pair_floor"],
        max_cluster_size=top["max_cluster_size"],
        entity_prefix=top["entity_prefix"],
        u_sample_pairs=top["u_sample_pairs"],
        u_pairs_per_record=top["u_pairs_per_record"],
        u_min_pairs=top["u_min_pairs"],
        u_exact_floor=top["u_exact_floor"],
        prior_from=top["prior_from"],
        seed=top["seed"],
        em_iterations=top["em_iterations"],
        em_prior_pairs=top["em_prior_pairs"],
        em_degenerate_share=top["em_degenerate_share"],
        survivorship=dict(survivorship),
        recency_column=top["recency"],
        show_columns=top["show"],
        dates=tuple(dates),
        allow_unreadable_dates=top["allow_unreadable_dates"],
    )
    return spec


# --------------------------------------------------------------------------- key reference (docs/guide/matching.md)

PAGE_BEGIN = "<!-- spec-keys: generated by `uv run python -m pipelines.docs`; do not edit -->"
PAGE_END = "<!-- /spec-keys -->"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def keys_markdown() -> str:
    """The key reference of every section (type, range, default), as Markdown: docs/guide/matching.md's copy."""
    tables = [*(v for k, v in SECTIONS.items() if k != "survivorship"), ("[[compare]] levels", LEVEL_KEYS)]
    lines = [PAGE_BEGIN, "", "| section | key | type and range | default | meaning |", "|---|---|---|---|---|"]
    for title, keys in tables:
        for name, key in keys.items():
            if key.required:
                default = "required"
            elif key.default is None or key.default == ():
                default = "-"
            else:
                default = f"`{_toml_value(key.default)}`"
            lines.append(f"| `{title}` | `{name}` | {key.describe()} | {default} | {key.doc} |")
    parameters = ", ".join(f"{kind}: `{p}`" for kind, p in LEVEL_PARAMETER.items())
    lines += [
        "",
        f"A level's `threshold`, `distance` or `days` is required by its kind and refused by the others "
        f"({parameters}; defaults: {', '.join(f'{k} {v}' for k, v in LEVEL_PARAMETER_DEFAULT.items())}); levenshtein and one_digit distances are whole numbers. "
        f"`review_threshold` must be below `link_threshold`. [survivorship] maps a column to one of "
        f"{', '.join(SURVIVORSHIP)}.",
        "",
        PAGE_END,
    ]
    return "\n".join(lines)


def update_page(page: Path) -> bool:
    """Rewrite the generated block of ``page``; True if it changed."""
    text = page.read_text(encoding="utf-8")
    start, end = text.index(PAGE_BEGIN), text.index(PAGE_END) + len(PAGE_END)
    new = text[:start] + keys_markdown() + text[end:]
    if new != text:
        page.write_text(new, encoding="utf-8")
    return new != text
