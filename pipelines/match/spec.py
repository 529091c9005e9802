"""The declarative match spec: what to derive, how to block, what to compare, how to decide.

A spec is a TOML file (``load_spec``) or the same structure as a dict (``parse_spec``).
Every section is documented in the README ("Matching: the spec"); errors name the
section, the entry and the offending key, so a wrong spec fails before any data is read.
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
    "one_digit",  # same length, at most `distance` differing characters (Hamming); IDs with a wrong digit
    "date_swap",  # dates whose day and month are swapped (same year)
    "date_within",  # dates at most `days` apart
    "same_year",  # dates in the same year
    "numeric_within",  # numbers at most `distance` apart
)

PRESETS = ("name", "date", "id", "exact", "text")

SURVIVORSHIP = ("most_frequent", "most_recent", "longest", "first", "max", "min")


class SpecError(ValueError):
    """The spec is not valid; the message names the section and entry."""


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
    train: bool = True  # use this rule's pairs to estimate m (false when its non-matches share more than the key)


@dataclass(frozen=True)
class Level:
    kind: str
    label: str
    columns: tuple[str, ...] | None = None  # override the comparison's columns for this level
    threshold: float | None = None
    distance: float | None = None
    days: int | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]  # the implicit last level is "different"
    tf_adjust: bool = False  # term-frequency adjustment of the exact levels
    score: bool = True  # false: computed for cannot-link rules and review only, adds no weight


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
    link_threshold: float = 0.99
    review_threshold: float = 0.5
    max_cluster_size: int = 20
    entity_prefix: str = "E"
    u_sample_pairs: int = 1_000_000
    seed: int = 42
    em_iterations: int = 50
    survivorship: dict[str, str] = field(default_factory=dict)
    recency_column: str | None = None
    show_columns: tuple[str, ...] = ()  # record fields shown side by side in the review queue

    @property
    def scored_comparisons(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.score)

    @property
    def referenced_columns(self) -> list[str]:
        """Every column name the spec uses (input, derived or "<column>__<transform>"), in first-use order."""
        cols: list[str] = [self.id_column]
        for rule in self.blocking:
            cols += [*rule.on, *rule.sort_by]
        for comp in self.comparisons:
            cols += comp.columns
            for level in comp.levels:
                cols += level.columns or ()
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
        return {c for c in bases if c not in derived} | {d.source for d in self.derive}


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


def _parse_level(entry: dict, where: str) -> Level:
    _check_keys(entry, {"kind", "label", "columns", "column", "threshold", "distance", "days"}, where)
    kind = entry.get("kind")
    if kind not in LEVEL_KINDS:
        raise SpecError(f"{where}: kind must be one of {LEVEL_KINDS}, got {kind!r}")
    columns = entry.get("columns", entry.get("column"))
    level = Level(
        kind=kind,
        label=str(entry.get("label", kind)),
        columns=_tuple(columns, where) if columns is not None else None,
        threshold=entry.get("threshold"),
        distance=entry.get("distance"),
        days=entry.get("days"),
    )
    needs = {
        "jaro_winkler": "threshold",
        "token_set": "threshold",
        "ratio": "threshold",
        "levenshtein": "distance",
        "numeric_within": "distance",
        "date_within": "days",
    }
    if kind in needs and getattr(level, needs[kind]) is None:
        raise SpecError(f"{where}: level kind {kind!r} needs `{needs[kind]}`")
    if kind == "one_digit" and level.distance is None:
        level = Level(kind, level.label, level.columns, distance=1)
    return level


def parse_spec(raw: dict) -> MatchSpec:
    _check_keys(raw, {"match", "derive", "blocking", "compare", "cannot_link", "survivorship"}, "spec")
    top = raw.get("match", {})
    _check_keys(
        top,
        {
            "id",
            "link_threshold",
            "review_threshold",
            "max_cluster_size",
            "entity_prefix",
            "u_sample_pairs",
            "seed",
            "em_iterations",
            "recency",
            "show",
        },
        "[match]",
    )
    if "id" not in top:
        raise SpecError("[match]: `id` (the column that identifies a record) is required")

    derive: list[Derive] = []
    for i, entry in enumerate(raw.get("derive", [])):
        where = f"[[derive]] #{i + 1}"
        _check_keys(entry, {"name", "from", "transform"}, where)
        if "name" not in entry or "from" not in entry:
            raise SpecError(f"{where}: `name` and `from` are required")
        transforms = _tuple(entry.get("transform", []) or ["lower"], where)
        bad = [t for t in transforms if t not in TRANSFORMS]
        if bad:
            raise SpecError(f"{where} ({entry['name']}): unknown transform {bad} (choose from {TRANSFORMS})")
        derive.append(Derive(entry["name"], entry["from"], transforms))

    blocking: list[BlockingRule] = []
    for i, entry in enumerate(raw.get("blocking", [])):
        where = f"[[blocking]] #{i + 1}"
        _check_keys(entry, {"name", "on", "max_block", "window", "sort_by", "train"}, where)
        if "on" not in entry:
            raise SpecError(f"{where}: `on` (the key columns) is required")
        on = _tuple(entry["on"], where)
        blocking.append(
            BlockingRule(
                name=str(entry.get("name", "+".join(on))),
                on=on,
                max_block=int(entry.get("max_block", 500)),
                window=int(entry.get("window", 10)),
                sort_by=_tuple(entry["sort_by"], where) if "sort_by" in entry else (),
                train=bool(entry.get("train", True)),
            )
        )
    if not blocking:
        raise SpecError("[[blocking]]: at least one blocking rule is required (comparing all pairs does not scale)")

    comparisons: list[Comparison] = []
    for i, entry in enumerate(raw.get("compare", [])):
        where = f"[[compare]] #{i + 1}"
        _check_keys(entry, {"name", "columns", "column", "preset", "levels", "tf_adjust", "score"}, where)
        columns = entry.get("columns", entry.get("column"))
        if columns is None:
            raise SpecError(f"{where}: `column` or `columns` is required")
        columns = _tuple(columns, where)
        name = str(entry.get("name", "+".join(columns)))
        where = f"{where} ({name})"
        tf_default = False
        if "levels" in entry:
            levels = tuple(_parse_level(lv, f"{where} level #{j + 1}") for j, lv in enumerate(entry["levels"]))
        else:
            levels, tf_default = _preset_levels(entry.get("preset", "exact"), columns, where)
        if not levels:
            raise SpecError(f"{where}: at least one level is required")
        comparisons.append(
            Comparison(
                name,
                columns,
                levels,
                tf_adjust=bool(entry.get("tf_adjust", tf_default)),
                score=bool(entry.get("score", True)),
            )
        )
    if not comparisons:
        raise SpecError("[[compare]]: at least one comparison is required")
    names = [c.name for c in comparisons]
    if len(set(names)) != len(names):
        raise SpecError(f"[[compare]]: comparison names must be unique, got {names}")

    by_name = {c.name: c for c in comparisons}
    cannot_link: list[CannotLink] = []
    for i, entry in enumerate(raw.get("cannot_link", [])):
        where = f"[[cannot_link]] #{i + 1}"
        _check_keys(entry, {"name", "levels"}, where)
        if not isinstance(entry.get("levels"), dict) or not entry["levels"]:
            raise SpecError(
                f'{where}: `levels` must map comparison names to level labels, e.g. {{ ids = ["different"] }}'
            )
        levels = {}
        for comp_name, wanted in entry["levels"].items():
            if comp_name not in by_name:
                raise SpecError(f"{where}: unknown comparison {comp_name!r} (comparisons: {list(by_name)})")
            labels = [lv.label for lv in by_name[comp_name].levels] + ["different"]
            wanted = _tuple(wanted, f"{where} {comp_name}")
            unknown = [w for w in wanted if w not in labels and w != "missing"]
            if unknown:
                raise SpecError(
                    f"{where}: comparison {comp_name!r} has no level {unknown} (levels: {labels + ['missing']})"
                )
            levels[comp_name] = tuple(-1 if w == "missing" else labels.index(w) for w in wanted)
        cannot_link.append(CannotLink(str(entry.get("name", f"cannot_link_{i + 1}")), levels))
    if not any(c.score for c in comparisons):
        raise SpecError("[[compare]]: at least one comparison must be scored")

    survivorship = raw.get("survivorship", {})
    for column, rule in survivorship.items():
        if rule not in SURVIVORSHIP:
            raise SpecError(f"[survivorship] {column}: rule must be one of {SURVIVORSHIP}, got {rule!r}")
    if "most_recent" in survivorship.values() and not top.get("recency"):
        raise SpecError("[survivorship]: `most_recent` needs [match] recency = '<date column>'")

    spec = MatchSpec(
        id_column=top["id"],
        derive=tuple(derive),
        blocking=tuple(blocking),
        comparisons=tuple(comparisons),
        cannot_link=tuple(cannot_link),
        link_threshold=float(top.get("link_threshold", 0.99)),
        review_threshold=float(top.get("review_threshold", 0.5)),
        max_cluster_size=int(top.get("max_cluster_size", 20)),
        entity_prefix=str(top.get("entity_prefix", "E")),
        u_sample_pairs=int(top.get("u_sample_pairs", 1_000_000)),
        seed=int(top.get("seed", 42)),
        em_iterations=int(top.get("em_iterations", 50)),
        survivorship=dict(survivorship),
        recency_column=top.get("recency"),
        show_columns=_tuple(top["show"], "[match] show") if "show" in top else (),
    )
    if not 0 < spec.review_threshold <= spec.link_threshold < 1:
        raise SpecError("[match]: need 0 < review_threshold <= link_threshold < 1")
    if spec.max_cluster_size < 2:
        raise SpecError("[match]: max_cluster_size must be at least 2")
    return spec
