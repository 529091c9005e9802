"""Prepare the input: check its columns and ids, read its dates, derive the columns the spec names."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa

from pipelines.match.spec import TRANSFORMS, UNREADABLE_DATES_LIMIT, DateColumn, MatchSpec, SpecError
from pipelines.standardise import parse_dates
from pipelines.text import fold_table, strip_accents_fast_expr, strip_accents_series

log = logging.getLogger("wardbridge.match")

# give a list of keys per record (blocking only)
LIST_TRANSFORMS = {"year_day_month", "year_day_month_digit", "year_typo_keys", "deletions", "halves"}
DELETIONS_UP_TO = 16  # "deletions": a letter past the 16th is not left out (words are shorter)
ROW = "_row"  # dense row number: pairs refer to records by it
BLANK = r"^\s*$"  # a text value that is missing: empty or only white space
PRECISION = "_precision_"  # + date column: day | month | year (only when some value is coarser than a day)
RAW = "_raw_"  # + date column: the text as written (for the review queue, date columns it shows)
DAY_TRANSFORMS = {
    "year_day_month",
    "year_day_month_digit",
    "month_day",
    "date_unordered",
    "month_day_unordered",
}  # need the day: missing for a year-only or month-only date


def _words(expr: pl.Expr) -> pl.Expr:
    """The text's words: split on single spaces once leading and trailing white space is trimmed."""
    return expr.cast(pl.String).str.strip_chars().str.split(" ")


def _transform(expr: pl.Expr, name: str) -> pl.Expr:
    words = _words(expr)
    match name:
        case "fold":  # (strip_accents_expr's values, then _runs_to_space's, by _folded_runs)
            return expr.map_batches(_folded_runs, return_dtype=pl.String, is_elementwise=True).str.strip_chars()
        case "fold_compact":
            return strip_accents_fast_expr(expr).str.replace_all(r"[^a-z0-9]+", "")
        case "digits":
            return expr.cast(pl.String).str.replace_all(r"\D+", "")
        case "first_token":
            return words.list.first()
        case "last_token":
            return words.list.last()
        case "drop_middle":
            return pl.concat_str(words.list.first(), words.list.last(), separator=" ")
        case "drop_first":  # the text after its first space ("" for one word): the words after the first rejoined
            text = expr.cast(pl.String).str.strip_chars()
            rest = text.str.splitn(" ", 2).struct.field("field_1")  # (half the time of the words' list)
            return pl.when(text.is_not_null()).then(rest.fill_null(""))
        case "drop_last":  # the text before its last space, "" for one word (the words' list cost twice the time)
            text = expr.cast(pl.String).str.strip_chars()
            some = text.str.contains(" ", literal=True)
            return pl.when(some).then(text.str.replace(r" [^ ]*$", "")).when(text.is_not_null()).then(pl.lit(""))
        case "initials":
            return words.list.eval(pl.element().str.slice(0, 1)).list.join("")
        case "sorted_tokens":
            return words.list.sort().list.join(" ")
        case "year":
            return expr.dt.year().cast(pl.String)
        case "month_day":
            return expr.dt.strftime("%m-%d")
        case "date_unordered":
            day, month = expr.dt.day(), expr.dt.month()
            return pl.format("{}-{}-{}", expr.dt.year(), pl.min_horizontal(day, month), pl.max_horizontal(day, month))
        case "month_day_unordered":
            day, month = expr.dt.day(), expr.dt.month()
            return pl.format("{}-{}", pl.min_horizontal(day, month), pl.max_horizontal(day, month))
        case "year_typo_keys":  # a list: decades of the year before and after, the year without its tens digit
            year = expr.dt.year()
            # (the keys written as one text and split on "|", which no key holds: concat_list took twice the time)
            keys = pl.format("{}|{}|{}_{}", (year - 1) // 10, (year + 1) // 10, year // 100, year % 10).str.split("|")
            return pl.when(expr.is_not_null()).then(keys.list.unique(maintain_order=True))
        case "year_day_month":  # a list: blocking explodes it, so a date shares a key with one wrong number
            year = expr.dt.year().cast(pl.String)
            both = pl.concat_list(pl.format("{}-{}", year, expr.dt.day()), pl.format("{}-{}", year, expr.dt.month()))
            return pl.when(expr.is_not_null()).then(both.list.unique(maintain_order=True))
        case "year_day_month_digit":  # a list: the year, one number and a digit (tens "t", units "u") of the other
            year, day, month = expr.dt.year(), expr.dt.day(), expr.dt.month()
            keys = pl.format(  # (one text split on "|", which no key holds: concat_list of four took twice the time)
                "{}-{}-t{}|{}-{}-u{}|{}-{}-t{}|{}-{}-u{}",
                *(year, day, month // 10, year, day, month % 10),
                *(year, month, day // 10, year, month, day % 10),
            ).str.split("|")
            return pl.when(expr.is_not_null()).then(keys.list.unique(maintain_order=True))
        case "deletions":  # a list: the text and it with each one character left out (the first DELETIONS_UP_TO)
            return expr.cast(pl.String).map_batches(_deletions, return_dtype=pl.List(pl.String))
        case "halves":  # a list: the first half (marked "<half>-") and the rest ("-<rest>"); missing when empty
            return expr.cast(pl.String).map_batches(_halves, return_dtype=pl.List(pl.String))
        case "tax_base" | "tax_branch" | "tax_canonical":
            return _tax_code(name, _digits(expr))
        case "old_district":  # the reference's units before 2025 (an island district is its own unit)
            from pipelines.reference import pre2025_units

            units = pre2025_units()
            return expr.cast(pl.String).replace_strict(
                units["unit_uid"], units["district_code"], default=None, return_dtype=pl.String
            )
        case "lower":
            return expr.cast(pl.String).str.to_lowercase()
        case "upper":
            return expr.cast(pl.String).str.to_uppercase()
    raise SpecError(f"unknown transform {name!r} (choose from {TRANSFORMS})")


def _digits(expr: pl.Expr) -> pl.Expr:
    """The text's digits, the other characters left out."""
    return expr.cast(pl.String).str.replace_all(r"\D+", "")


def _tax_code(name: str, digits: pl.Expr) -> pl.Expr:
    """``_transform``'s tax code transforms (tax_base, tax_branch, tax_canonical) of a text from its ``digits``
    (``_digits``'): a 10-digit MST, 13 = MST + branch suffix (check_tax_code)."""
    length = digits.str.len_chars()
    if name == "tax_base":  # missing when there is no digit: text that is no code shares no base
        return pl.when(length == 13).then(digits.str.slice(0, 10)).when(length > 0).then(digits)
    if name == "tax_canonical":  # "MST-000" is the MST itself (the head office), however it is written
        head = (length == 13) & (digits.str.slice(10, 3) == "000")
        return pl.when(head).then(digits.str.slice(0, 10)).when(length > 0).then(digits)
    return pl.when(length == 13).then(digits.str.slice(10, 3)).when(length == 10).then(pl.lit("000"))


TAX_CODES = {"tax_base", "tax_branch", "tax_canonical"}
ONE_WORD = {"first_token", "last_token"}  # a text of one word: split on spaces, so it holds none


def _runs_to_space(values: pl.Series) -> pl.Series:
    """``values.str.replace_all(r"[^a-z0-9]+", " ")``, the regular expression run only on the values it changes: those
    holding a character other than a-z, 0-9 and the space, or two spaces in a row (every space is a match, so
    replace_all writes every value anew: 192,300 distinct full names at 1M people, 6 of which it changes, 0.036 ->
    0.007 CPU s)."""
    changed = values.str.contains(r"[^a-z0-9 ]|  ").arg_true()  # (a missing value stays missing)
    if not changed.len():
        return values
    # (scatter writes in place: on a copy, the values given stay as they are)
    return values.clone().scatter(changed, _runs_replaced(values.gather(changed)))


# the runs of characters other than a-z and 0-9 an address's folded text holds (", " between its parts, "q.", "55/11",
# "ba ria - vung tau"), each written as one space (leftmost first, the longest listed first)
RUNS = (", ", ". ", " - ", ",", ".", "/", "-")


def _runs_replaced(values: pl.Series) -> pl.Series:
    """``values.str.replace_all(r"[^a-z0-9]+", " ")``, by a literal replacement of the usual runs (RUNS) where that
    gives the same: each run replaced is characters other than a-z and 0-9 and becomes one space, so a value whose
    result holds none of those characters but single spaces has each run of them written as one space, the regular
    expression's result; the other values by the regular expression (307,121 of 308,923 distinct addresses at 1M
    households changed: 0.40 -> 0.14 CPU s)."""
    fast = values.str.replace_many(RUNS, [" "] * len(RUNS), leftmost=True)
    rest = fast.str.contains(r"[^a-z0-9 ]|  ").arg_true()  # (a missing value stays missing)
    if not rest.len():
        return fast
    return fast.scatter(rest, values.gather(rest).str.replace_all(r"[^a-z0-9]+", " "))


RUNS_SAMPLE = 1_000  # the values read to choose _folded_runs' way: the first this many


def _folded_runs(values: pl.Series) -> pl.Series:
    """``_runs_to_space(strip_accents_series(values))``, where most values hold a run (RUNS' characters in more than
    half of the first RUNS_SAMPLE values: addresses, not names) in one replacement of both the letters with
    diacritics (``strip_accents_series``' table) and the runs, then lower-cased: a run replaced is characters other
    than a-z and 0-9 (and of none of the table's letters; lower-casing leaves them as they are), so a result of only
    a-z, 0-9 and single spaces is the two steps' (``_runs_replaced``); the other values by the two steps (308,923
    distinct addresses at 1M households: 0.46 -> 0.30 CPU s; on names 0.031 -> 0.037, so not there)."""
    head = values.head(RUNS_SAMPLE)
    if not len(head) or head.str.contains(r"[,./-]").sum() * 2 <= len(head):
        return _runs_to_space(strip_accents_series(values))
    keys, folded = fold_table()
    fast = values.str.replace_many([*keys, *RUNS], [*folded, *[" "] * len(RUNS)], leftmost=True).str.to_lowercase()
    rest = fast.str.contains(r"[^a-z0-9 ]|  ").arg_true()  # (a missing value stays missing)
    if not rest.len():
        return fast
    return fast.scatter(rest, _runs_to_space(strip_accents_series(values.gather(rest))))


def _step(expr: pl.Expr, transforms: tuple[str, ...]) -> pl.Expr:
    """``_transform`` of ``expr`` (the chain's value before its last transform) by the chain's last transform: the
    "initials" of one word (first_token, last_token) its first letter once white space is trimmed, as the words' list
    would give (a quarter of the time)."""
    if transforms[-1] == "initials" and len(transforms) > 1 and transforms[-2] in ONE_WORD:
        return expr.cast(pl.String).str.strip_chars().str.slice(0, 1)
    return _transform(expr, transforms[-1])


def _deletions(values: pl.Series) -> pl.Series:
    """Per value, the ``deletions`` keys: the text and it with each one character left out (the first
    DELETIONS_UP_TO; a one-letter text only itself), worked out once per distinct value (a word of a name: a few
    thousand distinct in a million) and gathered back; missing for a missing or empty text."""
    distinct = values.unique()
    text = pl.col("v")
    length = text.str.len_chars()
    left_out = [  # (a one-letter word leaves nothing: no "" key, which every one-letter word would share)
        pl.when((length > i) & (length > 1)).then(pl.concat_str(text.str.slice(0, i), text.str.slice(i + 1)))
        for i in range(DELETIONS_UP_TO)
    ]
    keys = pl.concat_list(text, *left_out).list.drop_nulls().list.unique(maintain_order=True)
    table = pl.DataFrame({"v": distinct}).with_columns(pl.when(text.is_not_null() & (length > 0)).then(keys).alias("k"))
    return values.to_frame("v").join(table, on="v", how="left", nulls_equal=True, maintain_order="left")["k"]


def _halves_expr(text: pl.Expr) -> pl.Expr:
    """The ``halves`` keys of ``text`` (a text column): the first half marked "<half>-" (none of one letter) and the
    rest "-<rest>", missing for an empty or missing text."""
    length = text.str.len_chars()
    head = length // 2
    first = pl.when(head > 0).then(pl.concat_str(text.str.head(head), pl.lit("-")))  # (no "-" of one letter)
    keys = pl.concat_list(first, pl.concat_str(pl.lit("-"), text.str.tail(length - head))).list.drop_nulls()
    return pl.when(length > 0).then(keys)


def _halves(values: pl.Series) -> pl.Series:
    """``_halves_expr`` of ``values``: the keys written as one text "<half>-|-<rest>" ("-<rest>" for one letter) and
    split on "|" where no value holds a "|" (concat_list and drop_nulls took five times the time: 304,212 distinct
    book numbers at 1M households, 0.30 -> 0.055 s wall), else by ``_halves_expr``."""
    frame = values.to_frame("v")
    text = pl.col("v")
    if values.str.contains("|", literal=True).any():
        return frame.select(_halves_expr(text))["v"]
    length = text.str.len_chars()
    head = length // 2
    one = pl.when(head > 0).then(pl.concat_str(text.str.head(head), pl.lit("-|-"), text.str.slice(head)))
    return frame.select(pl.when(length > 0).then(one.otherwise(pl.concat_str(pl.lit("-"), text)).str.split("|")))["v"]


WORD_PARTS = {"first_token", "last_token", "drop_first", "drop_last", "drop_middle"}
# a source whose distinct values are at least this share of its records is transformed record by record, not on its
# distinct values (``_derived_values``)
BY_RECORD_SHARE = 0.9
PART_DEPTH = 3  # a step this deep or deeper works on a part of a value (see _derived_values)


def _coded_once(column: pl.Series) -> tuple[pl.Series, np.ndarray, tuple[pl.Series, pl.Series]]:
    """A missing value, then a value of ``column`` per code (1..: ``compare._coded``'s); each value's code as a numpy
    array (0 where missing); and the codes as ``_coded`` gives them. A text's values of each code are ``_coded``'s own
    (its value of each code), a date's or number's gathered from a record of each code (``_coded`` gives those as
    text)."""
    from pipelines.match.compare import _array, _coded  # noqa: PLC0415 - compare imports this module

    coded = _coded(column)
    code = _array(coded[0]).astype(np.uint32, copy=False)  # 1.. per distinct value, 0 where missing
    if column.dtype == coded[1].dtype:
        distinct = coded[1]
    else:
        some = np.zeros(len(coded[1]) + 1, dtype=np.uint32)  # a record of each code
        some[code] = np.arange(len(code), dtype=np.uint32)
        distinct = column.gather(some[1:]) if len(code) else column.clear()
    return pl.concat([pl.Series([None], dtype=column.dtype), distinct], rechunk=True).rename(column.name), code, coded


def _word_part(name: str, text: pl.Expr, first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """``_transform``'s ``name`` (drop_first, drop_last, drop_middle) of a text from its trimmed ``text`` and its
    ``first`` and ``last`` words (``_words``'): the text after its first word and a space, before a space and its
    last word (for one word "" either way), or its first and last words joined. A third to a fourth of the time of
    the text's own splitn or regular expression (192,301 full names at 1M people: drop_first 0.034 -> 0.013,
    drop_last 0.044 -> 0.012 CPU s)."""
    if name == "drop_first":
        return text.str.slice(first.str.len_chars() + 1)
    if name == "drop_last":  # (a negative length: all but that many characters at the end)
        return text.str.head(-(last.str.len_chars().cast(pl.Int64) + 1))
    return pl.concat_str(first, last, separator=" ")


def _compact_of_fold(folded: pl.Expr) -> pl.Expr:
    """``fold_compact`` of a text from its ``fold`` (``folded``): its spaces left out. ``fold`` is the text's
    ``strip_accents`` with each run of characters other than a-z and 0-9 written as one space, then trimmed (a-z, 0-9
    and single spaces, or missing); ``fold_compact`` is the same ``strip_accents`` with those runs left out, so it is
    ``fold`` without its spaces (an empty text either way: both missing once blank). Where both are asked for of one
    text (the taxpayers' and businesses' names, the taxpayers' address), the letters are folded once, not twice
    (52,358 distinct addresses at 1M taxpayers: fold_compact 0.069 -> 0.003 CPU s)."""
    return folded.str.replace_all(" ", "", literal=True)


def _add_steps(
    values: pl.DataFrame, prefixes: list[tuple[str, ...]], steps: dict[tuple[str, ...], str]
) -> pl.DataFrame:
    """``values`` with a column per transform chain of ``prefixes`` (one depth; ``steps``: the column of each
    chain), ``_step`` of its parent's column (the chain but its last transform), side by side in one
    ``with_columns``. Where the first and the last word of a text are both asked for, the text is split once for
    both (the split is most of either's time: 192,300 full names at 1M people, 0.046 -> 0.023 CPU s), and its other
    word parts (``_word_part``) are made from those words; where a text's ``fold`` and ``fold_compact`` both are,
    the compact one is the fold without its spaces (``_compact_of_fold``). A tax code transform (TAX_CODES) reads
    the text's digits from a column made first, once for all three (an expression of them wrote the digits again at
    each of their four or five uses: 79,796 distinct business tax codes' three transforms 0.037 -> 0.008 CPU s, one
    Polars thread)."""
    trimmed, digits, added, parts = {}, {}, [], []
    for prefix in prefixes:
        parent = steps[prefix[:-1]]
        if prefix[-1] in TAX_CODES:  # (the digits a column of their own, not worked out again at each use)
            if f"_d{parent}" not in digits:
                digits[f"_d{parent}"] = _digits(pl.col(parent)).alias(f"_d{parent}")
            added.append(_tax_code(prefix[-1], pl.col(f"_d{parent}")).alias(steps[prefix]))
            continue
        if prefix[-1] == "fold_compact" and (*prefix[:-1], "fold") in prefixes:
            parts.append(_compact_of_fold(pl.col(steps[(*prefix[:-1], "fold")])).alias(steps[prefix]))
            continue
        ends = (*prefix[:-1], "first_token"), (*prefix[:-1], "last_token")
        if prefix[-1] not in WORD_PARTS or not all(end in prefixes for end in ends):
            added.append(_step(pl.col(parent), prefix).alias(steps[prefix]))
            continue
        text, words = f"_t{parent}", f"_w{parent}"
        trimmed[text] = pl.col(parent).cast(pl.String).str.strip_chars().alias(text)  # (_words' text)
        if prefix[-1] == "first_token":
            added.append(pl.col(words).list.first().alias(steps[prefix]))
        elif prefix[-1] == "last_token":
            added.append(pl.col(words).list.last().alias(steps[prefix]))
        else:
            first, last = (pl.col(steps[end]) for end in ends)
            parts.append(_word_part(prefix[-1], pl.col(text), first, last).alias(steps[prefix]))
    if digits:
        values = values.with_columns(digits.values())
    if trimmed:
        values = values.with_columns(trimmed.values())
        values = values.with_columns(pl.col(text).str.split(" ").alias(f"_w{text[2:]}") for text in trimmed)
    if added:
        values = values.with_columns(added)
    if parts:
        values = values.with_columns(parts)
    return values


class Derived(NamedTuple):
    """``_derived_values``' result: the derived columns per record, the source's value codes (``compare._coded``'s),
    and whether the source was transformed record by record (BY_RECORD_SHARE)."""

    added: pl.DataFrame
    coded: tuple[pl.Series, pl.Series]
    by_record: bool


def _derived_values(frame: pl.DataFrame, source: str, outputs: dict[str, tuple[str, ...]]) -> Derived:
    """The wanted columns derived from one source column, per record of ``frame`` (its order), worked out on the
    distinct source values: transform chains share their common prefix, and the steps of one depth are one
    ``with_columns`` (Polars works them out side by side, ``_add_steps``). Also the source's value codes
    (``compare._coded``, as ``ValueCodes`` codes it): the distinct values are one record per code, and the derived
    values are gathered to the records by their codes (a join of the records on their text cost twice the gather;
    the codes are handed to ``ValueCodes``, which would code the source again).
    A step PART_DEPTH deep or deeper works on its parent's distinct values in turn, gathered back by their codes:
    there a value is a part of a transformed value (a word, the words but one), and parts repeat (192,301 full names
    at 1M people hold 2,994 given names and 17,191 family and middle names; the people spec's five such steps 0.16
    -> 0.07 CPU s).
    A source whose distinct values are nearly as many as its records (BY_RECORD_SHARE: the households' addresses,
    308,923 of 309,092, and book numbers) is transformed record by record in the records' order, the same values (a
    transform's value is its text's): the distinct values in the codes' order are the records' in no order, and a
    long text read so (its Arrow view points into the records' buffer) cost more than the few values it saves, as
    did the gather back to the records (the households' prepare 0.59 -> 0.48 CPU s). The source is made one chunk
    first (a table read in Parquet row groups comes in several): its codes from chunks cost twice as much (the
    addresses' 0.079 -> 0.037 CPU s)."""
    column = frame[source].rechunk()
    return _derived_of(column, _coded_once(column), outputs)


def _derived_of(
    column: pl.Series,
    once: tuple[pl.Series, np.ndarray, tuple[pl.Series, pl.Series]],
    outputs: dict[str, tuple[str, ...]],
    records: pl.DataFrame | None = None,
) -> Derived:
    """``_derived_values`` of the source ``column`` (one chunk) given its ``_coded_once``; ``records``: its derived
    columns worked out already record by record (``_transformed`` of ``column``, beside its codes: ``_derive_columns``),
    the same values as on its distinct values (a transform's value is its text's)."""
    distinct, code, coded = once
    by_record = len(distinct) - 1 >= BY_RECORD_SHARE * len(column)
    first = _first_names(outputs)
    if records is not None:
        done = records
    elif by_record:
        done = _transformed(column, outputs, first)
    else:  # (code 0: the missing value; one chunk: a gather from two costs several times as much; the codes a
        # Series, not a numpy array the expression would convert per column)
        done = _transformed(distinct, outputs, first).rechunk().select(pl.all().gather(pl.Series(code)))
    return Derived(
        done.select(pl.col(first[transforms]).alias(name) for name, transforms in outputs.items()), coded, by_record
    )


def _first_names(outputs: dict[str, tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """The name each transform chain is worked out under: its first among ``outputs`` (a chain asked for under two
    names, the people spec's given and full_name__fold__last_token, is worked out and gathered per record once: the
    second name is the first's column, the same buffers, no 16 bytes a record more)."""
    first: dict[tuple[str, ...], str] = {}
    for name, transforms in outputs.items():
        first.setdefault(transforms, name)
    return first


def _transformed(
    source: pl.Series, outputs: dict[str, tuple[str, ...]], first: dict[tuple[str, ...], str]
) -> pl.DataFrame:
    """``_derived_values``' derived columns of ``source``'s values (distinct values, or records in order), one per
    chain (``first``: the name each is worked out under), blank values missing."""
    values = pl.DataFrame({"_v": source})
    steps: dict[tuple[str, ...], str] = {(): "_v"}
    for depth in range(1, max(len(t) for t in outputs.values()) + 1):
        prefixes = [p for p in dict.fromkeys(t[:depth] for t in outputs.values() if len(t) >= depth) if p not in steps]
        for prefix in prefixes:
            steps[prefix] = f"_s{len(steps)}"
        if depth < PART_DEPTH:
            values = _add_steps(values, prefixes, steps)
            continue
        by_parent: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for prefix in prefixes:
            by_parent.setdefault(prefix[:-1], []).append(prefix)
        for parent, children in by_parent.items():  # (a part is text: a list is a chain's last transform)
            distinct, part_code, _ = _coded_once(values[steps[parent]])
            parts = _add_steps(distinct.to_frame(), children, steps).select(steps[child] for child in children)
            values = values.hstack(parts.select(pl.all().gather(pl.Series(part_code))))
    done = values.select(pl.col(steps[t]).alias(name) for name, t in outputs.items() if first[t] == name)
    # blank (empty or only spaces) is missing, found here on the distinct values
    return done.with_columns(
        _blank_as_missing(done[name])
        for name, t in outputs.items()
        if first[t] == name and t[-1] not in LIST_TRANSFORMS
    )


# a source of at least AHEAD_FROM records whose first AHEAD_SAMPLE values are nearly all distinct (AHEAD_SHARE: the
# households' addresses and book numbers; not names, which repeat) is transformed record by record on one of prepare's
# workers while its codes are worked out on the other (``_derive_columns``): BY_RECORD_SHARE, which those codes decide,
# would have it transformed so (and were it not, the values are the same: a transform's value is its text's). The
# households' addresses' fold (0.2 CPU s) then starts at once, not after their codes (0.035 s), on the worker left
# last with work (the other idle for 0.07 s at the end of prepare)
AHEAD_FROM = 50_000
AHEAD_SAMPLE = 4096
AHEAD_SHARE = 0.99


def _records_ahead(column: pl.Series) -> bool:
    """Whether ``column`` is transformed record by record beside its codes (AHEAD_FROM, AHEAD_SAMPLE)."""
    if len(column) < AHEAD_FROM:
        return False
    sample = column.head(AHEAD_SAMPLE)
    return sample.n_unique() >= AHEAD_SHARE * len(sample)


def _finished(job: Future | tuple[pl.Series, Future, Future], outputs: dict[str, tuple[str, ...]]) -> Derived:
    """A source's ``Derived`` once its job on prepare's pool is done: ``_derived_values``' own, or (a source going
    ahead, ``_records_ahead``) the column, its records transformed and its codes, worked out side by side."""
    if isinstance(job, tuple):
        column, records, once = job
        return _derived_of(column, once.result(), outputs, records.result())
    return job.result()


def _blank_as_missing(values: pl.Series) -> pl.Series:
    """``values`` with each blank value (BLANK: empty or only white space) missing, only the values that may be blank
    (``_maybe_blank``) read by BLANK (the full name's ten text columns on 192,300 distinct names at 1M people: 0.05
    -> 0.01 CPU s by BLANK over every value); every value where the column is no text or has no Arrow views."""
    maybe = _maybe_blank(values) if values.dtype == pl.String else None
    if maybe is None:
        return values.to_frame().select(pl.when(~pl.first().cast(pl.String).str.contains(BLANK)).then(pl.first()))[
            values.name
        ]
    at = pl.Series(maybe, dtype=pl.UInt32)
    blank = at.filter(values.gather(at).str.contains(BLANK))
    return values.clone().scatter(blank, None) if blank.len() else values  # (scatter writes in place: on a copy)


@dataclass
class Prepared:
    """What ``prepare`` worked out on the way that ``ValueCodes`` needs again (``ValueCodes(..., prepared=)``): per
    source column of derived columns its value codes (``compare._coded``'s), and each derived column's source: its
    values were gathered to the records by those codes, so a derived column holds one value per source code (and a
    date's precision: what needs the day is missing for a year-only date) by construction, and ``ValueCodes`` codes it
    on one record per source code without comparing every record's value with its code's (``_through``'s check).
    ``work``: the table prepare returned; the codes are for it only."""

    work: pl.DataFrame | None = None
    codes: dict[str, tuple[pl.Series, pl.Series]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    by_record: set[str] = field(default_factory=set)  # sources transformed record by record (BY_RECORD_SHARE)


def _derive_columns(
    frame: pl.DataFrame,
    wanted: dict[str, tuple[str, tuple[str, ...]]],
    prepared: Prepared | None = None,
    texts: list[str] | tuple[str, ...] = (),
) -> tuple[pl.DataFrame, list[str]]:
    """Add each wanted column name -> (source, transforms), computed on distinct source values.

    Transform chains share their common prefix ("fold" is computed once for the name,
    its initials and its first and last words). An empty result is a missing value.
    The sources are worked out two at a time (Polars releases the GIL); columns are added in the order given.
    ``prepared``: given the sources' value codes and the derived columns' sources.
    Also which of the text columns ``texts`` (of ``frame``, none derived here) hold a blank value (empty or only
    white space): a source's found on its distinct values (its codes'), the others' meanwhile in the worker the
    sources left idle (the full name's took it as long as the others' and this together: 0.1 s wall at 1M people).
    """
    by_source: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, (source, transforms) in wanted.items():
        by_source.setdefault(source, {})[name] = transforms
    others = [c for c in texts if c not in by_source]
    # the largest source first (its bytes): the last one started is not the longest (the households' addresses, 70
    # bytes a value, were started after the head's name and the book number: 0.70 -> 0.55 s wall at 1M households)
    order = sorted(by_source, key=lambda source: -frame[source].estimated_size())
    with ThreadPoolExecutor(max_workers=2) as pool:
        started: dict[str, Future | tuple[pl.Series, Future, Future]] = {}
        for source in order:
            if _records_ahead(frame[source]):  # (its records transformed and its codes worked out side by side)
                column = frame[source].rechunk()
                first = _first_names(by_source[source])
                records = pool.submit(_transformed, column, by_source[source], first)
                started[source] = (column, records, pool.submit(_coded_once, column))
            else:
                started[source] = pool.submit(_derived_values, frame, source, by_source[source])
        blanks = pool.submit(_blank_columns, frame, others)
        derived = [_finished(started[source], by_source[source]) for source in by_source]
    blank = set(blanks.result())
    coded = {source: codes for source, (_, codes, _) in zip(by_source, derived, strict=True)}
    blank.update(c for c in texts if c in coded and _blank_columns(coded[c][1].to_frame(c), [c]))
    for (source, outputs), (added, codes, by_record) in zip(by_source.items(), derived, strict=True):
        frame = frame.hstack(added)
        if prepared is not None:
            prepared.codes[source] = codes
            prepared.derived.update(dict.fromkeys(outputs, source))
            if by_record:
                prepared.by_record.add(source)
    return frame, [c for c in texts if c in blank]


def _blank_columns(frame: pl.DataFrame, columns: list[str]) -> list[str]:
    """Those of ``columns`` (text columns of ``frame``) holding a blank value: empty or only white space. The values
    that may be (``_maybe_blank``: none in a column of IDs or names) are read by BLANK, not every value (1.19M
    records' nine other text columns at 1M people: 0.17 CPU s by BLANK)."""
    columns = [c for c in columns if c in frame.columns]
    if not columns:
        return []
    found = []
    for column in columns:
        values = frame[column]
        maybe = _maybe_blank(values)
        if maybe is not None:
            values = values.gather(pl.Series(maybe, dtype=pl.UInt32))
        found.append(bool(len(values)) and bool(values.str.contains(BLANK).any()))
    return [c for c, has in zip(columns, found, strict=True) if has]


# the first byte of a white-space character in UTF-8 (regex's \s, Unicode's White_Space: U+0009-U+000D, U+0020,
# U+0085, U+00A0 (0xC2), U+1680 (0xE1), U+2000-U+200A, U+2028, U+2029, U+202F, U+205F (0xE2), U+3000 (0xE3))
_SPACE_FIRST_BYTE = np.zeros(256, dtype=bool)
_SPACE_FIRST_BYTE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3]] = True


def string_views(values: pl.Series) -> np.ndarray | None:
    """The Arrow views of a text column, a row of 16 bytes per value (Arrow's columnar format: the value's length in
    its first 4 bytes, then the value itself when it is 12 bytes or shorter, else its first 4 bytes and where the
    rest is): a value of up to 12 bytes is read from its view alone. A missing value's view is no value (read
    ``values.is_not_null()`` beside it). None where the column's Arrow form is not one array of views."""
    array = values.to_arrow(compat_level=pl.CompatLevel.newest())
    if not isinstance(array, pa.StringViewArray) or len(array) != len(values):
        return None
    if not len(array):
        return np.zeros((0, 16), dtype=np.uint8)
    views = np.frombuffer(array.buffers()[1], dtype=np.uint8)[: 16 * (array.offset + len(array))]
    return views.reshape(-1, 16)[array.offset :]


def _maybe_blank(values: pl.Series) -> np.ndarray | None:
    """The positions of the values of a text column that may be blank (BLANK): those empty or whose first byte is one
    a white-space character starts with, read from the Arrow views' length and first byte (``string_views``: no
    value read); nulls' views left out. None where the column's Arrow form is not one array of views (then every
    value is read)."""
    views = string_views(values)
    if views is None:
        return None
    length = views.view("<i4")[:, 0]  # (a view: its length, then the first bytes)
    maybe = (length == 0) | _SPACE_FIRST_BYTE[views[:, 4]]
    if values.null_count():
        maybe &= values.is_not_null().to_numpy()
    return np.flatnonzero(maybe)


DATE_KINDS = ("date_swap", "date_within", "year_off", "date_typo", "year_only", "same_year")


def precision_column(column: str) -> str:
    return f"{PRECISION}{column}"


def raw_column(column: str) -> str:
    return f"{RAW}{column}"


def _date_columns(spec: MatchSpec) -> set[str]:
    date_transforms = {"year", "year_typo_keys", *DAY_TRANSFORMS}
    out = {d.source for d in spec.derive if set(d.transforms) & date_transforms}
    for name in spec.referenced_columns:  # inline "<column>__year"
        base, *transforms = name.split("__")
        if set(transforms) & date_transforms:
            out.add(base)
    for comp in spec.comparisons:
        for level in comp.levels:
            if level.kind in DATE_KINDS:
                out.update(level.columns or comp.columns)
    return out | {d.column for d in spec.dates}


TEXT_KINDS = {"jaro_winkler", "levenshtein", "ratio", "token_set", "word_subset", "word_subset_typo", "one_digit"}


def _as_text(work: pl.DataFrame, spec: MatchSpec) -> pl.DataFrame:
    """Numbers and booleans where the spec reads text, as text (a Parquet or database table's typed columns).

    A date column holding numbers (19900315, 1990, a spreadsheet's serial 32947) is read like the same digits
    written in a CSV; a column a transform derives from or a text level compares (names, IDs stored as integers)
    is compared on its digits. Columns compared as numbers (numeric_within) or only as equal values keep
    their type."""
    dates = _date_columns(spec)
    texts = set(derived_sources(spec).values())
    for comp in spec.comparisons:
        if any(level.kind in TEXT_KINDS for level in comp.levels):
            texts.update(comp.columns)
    cast = []
    for column in sorted((dates | texts) & set(work.columns)):
        dtype = work.schema[column]
        if dtype == pl.String or dtype.is_temporal() or not (dtype.is_numeric() or dtype == pl.Boolean):
            continue
        expr = pl.col(column)
        if dtype.is_float():  # 19900315.0 read as its digits; a fraction (a spreadsheet's time of day) dropped
            expr = expr.floor().cast(pl.Int64, strict=False)
        cast.append(expr.cast(pl.String).alias(column))
    return work.with_columns(cast) if cast else work


def _read_dates(work: pl.DataFrame, spec: MatchSpec, source: str, report: dict) -> tuple[pl.DataFrame, dict[str, bool]]:
    """Text date columns read in their declared forms ([[dates]], else every form, day first).

    A year-only or month-only value is kept as its first day with its precision in
    ``_precision_<column>`` (compared on the year only). Per column, ``report`` gets how
    many values there were, how many could not be read and how many are coarser than a
    day; a column mostly unreadable is a SpecError unless the spec allows it.
    Returns the table and, per date column, whether it has coarse values.
    """
    declared = {d.column: d for d in spec.dates}
    coarse: dict[str, bool] = {}
    for column in sorted(_date_columns(spec)):
        if column not in work.columns:
            continue
        dtype = work.schema[column]
        how = declared.get(column, DateColumn(column))
        if isinstance(dtype, pl.Datetime):
            work = work.with_columns(pl.col(column).dt.date())
            dtype = pl.Date
        if dtype != pl.String:  # already dates (or not text: compared as they are)
            if how.precision and how.precision in work.columns:  # typed dates with their precision
                given = work[how.precision].cast(pl.String)
                coarse[column] = bool(given.is_in(["month", "year"]).any())
                if coarse[column]:
                    work = work.with_columns(
                        pl.when(pl.col(column).is_not_null()).then(given).alias(precision_column(column))
                    )
            continue
        parsed = parse_dates(work[column], day_first=how.day_first)
        read = parsed.select(
            # month-first forms are named mdy...; the same forms as dmy...
            accepted=pl.col("date_format").str.replace(r"^mdy", "dmy").is_in(list(how.formats)).fill_null(False)
        ).with_columns(
            date=pl.when("accepted").then(parsed["date"]),
            precision=pl.when(pl.col("accepted") & parsed["date"].is_not_null()).then(parsed["precision"]),
        )
        date, precision = read["date"], read["precision"]
        written = work[column].str.strip_chars().fill_null("") != ""
        values = int(written.sum())
        unreadable = int((written & date.is_null()).sum())
        counts = dict(precision.drop_nulls().value_counts().iter_rows())
        report[column] = {
            "values": values,
            "unreadable": unreadable,
            "year_only": int(counts.get("year", 0)),
            "month_only": int(counts.get("month", 0)),
        }
        share = unreadable / values if values else 0.0
        if unreadable:
            log.warning(
                "%s: date column %r: %s of %s values could not be read as dates (%.1f%%)",
                source,
                column,
                f"{unreadable:,}",
                f"{values:,}",
                100 * share,
            )
        if share > UNREADABLE_DATES_LIMIT and not spec.allow_unreadable_dates:
            forms = ", ".join(how.formats)
            raise SpecError(
                f"{source}: date column {column!r}: {unreadable:,} of {values:,} values ({share:.0%}) cannot be read "
                f"as dates (forms {forms}; {'day' if how.day_first else 'month'} first). Declare the column's forms "
                f"under [[dates]], or set [match] allow_unreadable_dates = true to match with them missing"
            )
        coarse[column] = bool(report[column]["year_only"] or report[column]["month_only"])
        added = [date.alias(column)]
        if coarse[column]:
            added.append(precision.alias(precision_column(column)))
        if column in spec.show_columns:
            added.append(work[column].alias(raw_column(column)))
        work = work.with_columns(added)
    return work, coarse


def derived_columns(spec: MatchSpec, columns: list[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The columns ``prepare`` derives (those of ``[[derive]]`` and the "<column>__<transform>" names not among the
    input's ``columns``): name -> (source column, transforms from it)."""
    derived = {d.name: d for d in spec.derive}
    wanted = {d.name: (d.source, d.transforms) for d in spec.derive}
    for name in spec.referenced_columns:
        if "__" in name and name not in columns:
            base, *transforms = name.split("__")
            if base in derived:
                wanted[name] = (derived[base].source, derived[base].transforms + tuple(transforms))
            else:
                wanted[name] = (base, tuple(transforms))
    return wanted


def derived_sources(spec: MatchSpec) -> dict[str, str]:
    """Per column ``prepare`` derives, the input column it is derived from (``ValueCodes`` codes it on the
    source's distinct values)."""
    return {name: source for name, (source, _) in derived_columns(spec, []).items()}


def check_input(
    frame: pl.DataFrame, spec: MatchSpec, source: str = "input", data_rows: np.ndarray | None = None
) -> None:
    """SpecError unless ``frame`` has every column the spec uses and an id on every row, unique (prepare's first
    checks). ``data_rows`` (a numpy array), when given, is each row's data-row number in its file where those are
    not 1..height (a CSV's blank lines, skipped, counted as rows): the rows without an id are named by it."""
    missing = sorted(c for c in spec.input_columns if c not in frame.columns)
    if missing:
        raise SpecError(
            f"{source}: the spec uses columns {missing} that the table does not have (it has {frame.columns})"
        )
    ids = frame[spec.id_column]
    if ids.null_count():
        at = ids.is_null().arg_true().head(5)
        if data_rows is None:
            where = f"data rows {(at + 1).to_list()}"
        else:
            where = f"data rows {data_rows[at.to_numpy()].tolist()}, blank lines counted"
        raise SpecError(f"{source}: {ids.null_count()} rows have no {spec.id_column!r} ({where})")
    if not _all_distinct(ids):
        groups, n = repeated_id_rows(ids)
        numbers = [[int(data_rows[i]) if data_rows is not None else i + 1 for i in at] for at in groups]
        counted = ", blank lines counted" if data_rows is not None else ""
        raise SpecError(
            f"{source}: {spec.id_column!r} is not unique: {repeated_ids_said(n, numbers, 'data rows')}{counted}"
        )


def _all_distinct(values: pl.Series) -> bool:
    """Whether no two of ``values`` (none missing) are equal: their 64-bit hashes sorted and none two equal (equal
    values have equal hashes), else the values counted (``n_unique``: 1.19M ids 0.08 CPU s, the hashes ~0.015)."""
    hashes = np.sort(values.hash().to_numpy())
    if not (hashes[1:] == hashes[:-1]).any():
        return True
    return values.n_unique() == len(values)


def repeated_id_rows(ids: pl.Series, shown: int = 3) -> tuple[list[list[int]], int]:
    """The 0-based rows of the first ``shown`` ids held by more than one row (in the order first met, at most three rows
    each), and how many such ids there are: where a message names a repeated id by its rows, never by its value (an id
    may be a personal ID)."""
    frame = ids.to_frame("id").with_row_index("at").filter(pl.col("id").is_duplicated())
    groups = frame.group_by("id", maintain_order=True).agg(pl.col("at").head(3))
    return [list(at) for at in groups["at"].head(shown).to_list()], groups.height


def repeated_ids_said(n: int, groups: list[list[int]], rows: str) -> str:
    """'2 ids are each held by more than one row (one on data rows 6, 200; another on data rows 7, 201)'."""
    parts = [f"{'one' if i == 0 else 'another'} on {rows} {', '.join(map(str, at))}" for i, at in enumerate(groups)]
    more = ", ..." if n > len(groups) else ""
    return f"{n:,} id{'s are each' if n > 1 else ' is'} held by more than one row ({'; '.join(parts)}{more})"


def prepare(
    frame: pl.DataFrame,
    spec: MatchSpec,
    *,
    source: str = "input",
    report: dict | None = None,
    prepared: Prepared | None = None,
) -> pl.DataFrame:
    """The working table: row number, id, and every column the spec uses (derived ones added).

    ``report``, when given, receives per text date column how its values were read; ``prepared`` the value codes
    worked out on the way (``Prepared``: for ``ValueCodes``)."""
    check_input(frame, spec, source)
    work = frame.select(c for c in frame.columns if c in spec.input_columns | spec.optional_columns)
    work = work.with_row_index(ROW).with_columns(pl.col(spec.id_column).cast(pl.String))
    work = _as_text(work, spec)
    # dates written as text (CSV, spreadsheets) are read in the forms people write them
    work, coarse = _read_dates(work, spec, source, report if report is not None else {})
    wanted = derived_columns(spec, work.columns)
    bad = sorted({t for _, ts in wanted.values() for t in ts if t not in TRANSFORMS})
    if bad:
        raise SpecError(f"unknown transform(s) {bad} in a derived column name (choose from {TRANSFORMS})")
    found = Prepared()
    # strings compared as text: blank means missing (rewritten below only in a column with a blank; derived columns
    # have none, _derived_values made them missing on the distinct values: 0.3 CPU s at 1M people)
    texts = [
        c
        for c in dict.fromkeys(spec.referenced_columns)
        if c in work.columns and c not in (ROW, spec.id_column, *wanted) and work.schema[c] == pl.String
    ]
    work, blank_columns = _derive_columns(work, wanted, found, texts)
    # a year-only date has no day: what needs the day (month_day, date_unordered) is missing for it
    day_needed = [
        name for name, (src, transforms) in wanted.items() if coarse.get(src) and set(transforms) & DAY_TRANSFORMS
    ]
    if day_needed:
        work = work.with_columns(
            pl.when(~pl.col(precision_column(wanted[name][0])).is_in(["month", "year"]).fill_null(False))
            .then(pl.col(name))
            .alias(name)
            for name in day_needed
        )
    optional = (
        spec.optional_columns
    )  # (a [[dates]] precision column the input may lack, though [survivorship] names it)
    keep = [ROW, *[c for c in spec.referenced_columns if c != ROW and (c in work.columns or c not in optional)]]
    extra = [c for c in work.columns if c.startswith((PRECISION, RAW)) and c not in keep]
    work = work.select(keep + extra)
    if blank_columns:
        work = work.with_columns(
            pl.when(pl.col(c).str.contains(BLANK)).then(None).otherwise(pl.col(c)).alias(c) for c in blank_columns
        )
    # one chunk per column: pairs gather values by random row numbers, which on a table read in many chunks
    # (Parquet row groups) costs about ten times as much
    work = work.rechunk()
    if prepared is not None:  # (a source rewritten since (a blank made missing) or left out: not handed on)
        kept = {s for s, codes in found.codes.items() if s in work.columns and s not in blank_columns}
        prepared.work = work
        prepared.codes = {s: found.codes[s] for s in kept}
        prepared.derived = {c: s for c, s in found.derived.items() if s in kept and c in work.columns}
        prepared.by_record = found.by_record & kept
    return work
