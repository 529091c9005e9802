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

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

# (numpy.unique imports numpy.ma at its first call: 6.5 ms CPU on prepare's path in a process's first match, imported
# with the engine instead)
import numpy.ma  # noqa: F401
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming, JaroWinkler, Levenshtein

from pipelines.match.prepare import Prepared, precision_column, string_views
from pipelines.match.spec import SIDE_KINDS, Comparison, Level, MatchSpec
from pipelines.standardise import id_form_digits

log = logging.getLogger("wardbridge.match")

_SCORERS = {
    "jaro_winkler": (JaroWinkler.normalized_similarity, {}),
    "levenshtein": (Levenshtein.distance, {}),
    "token_set": (fuzz.token_set_ratio, {}),
    "ratio": (fuzz.ratio, {}),
    "one_digit": (Hamming.distance, {"pad": True}),
}


COMMON_WORDS_MIN_VALUES = 5  # a word in fewer values is never common (a level's common_words)
WORD_MATRIX_WIDTH = 16  # values of up to this many words are compared word by word on word codes


class ValueCodes:
    """Integer codes of each column's distinct values, computed once per table.

    String scorers find distinct value pairs on two integers instead of two strings;
    the codes are shared by every comparison call on the same table (candidates, random
    pairs for u, the chaining guard's extra pairs).
    """

    def __init__(
        self, work: pl.DataFrame, sources: dict[str, str] | None = None, prepared: Prepared | None = None
    ) -> None:
        """``sources``: per derived column, the column it is derived from (``prepare.derived_sources``): it is
        coded on one record per distinct source value when its values are those of its source's (``_through``).
        ``prepared``: what ``prepare`` worked out making ``work`` (read only when it made this very table): its
        sources' codes, and the derived columns it gathered by them, coded through their source unchecked."""
        self.work = work
        self.sources = {c: s for c, s in (sources or {}).items() if c in work.columns and s in work.columns}
        given = prepared is not None and prepared.work is work
        # derived columns one value per source code by construction (prepare gathered them by the source's codes)
        self._built = {c for c, s in prepared.derived.items() if self.sources.get(c) == s} if given else set()
        # ... and of those, the ones prepare worked out record by record (in the records' order: their source nearly
        # all distinct, ``prepare.BY_RECORD_SHARE``)
        self._by_record = {c for c in self._built if self.sources[c] in prepared.by_record} if given else set()
        # each column's codes are held once, as a numpy array with 0 for a missing value (``array``); ``get``'s Series
        # with nulls is made from it when asked for (a Series held beside the array took 4 more bytes a record and
        # column: some 1.6 GB at 14M people)
        self._codes: dict[str, tuple[np.ndarray, pl.Series]] = {}
        self._shared: dict[tuple[str, ...], dict[str, tuple[np.ndarray, pl.Series]]] = {}
        self._word_shares: dict[str, pl.DataFrame] = {}
        self._per_code: dict[tuple, np.ndarray] = {}
        self._via_source: set[str] = set()  # derived columns coded through their source (``_through``'s check held)
        self._guard = threading.Lock()
        self._filling: dict[tuple, threading.Lock] = {}
        if given:  # the sources' codes as ``_held`` would work them out (``_coded`` of the same column)
            for column, (codes, by_code) in prepared.codes.items():
                self._codes[column] = (_array(codes), by_code)

    def _once(self, cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
        """``cache[key]``, computed by ``compute`` the first time: once, also when several threads ask at once
        (chunks of pairs are compared side by side; each waits for the one computing a table it needs)."""
        if key in cache:
            return cache[key]
        with self._guard:
            lock = self._filling.setdefault((id(cache), key), threading.Lock())
        with lock:
            if key not in cache:
                cache[key] = compute()
        return cache[key]

    def array(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray:
        """``get``'s codes per row as a numpy array, 0 for a missing value."""
        return self._held(column, space)[0]

    def narrow(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray:
        """``array`` as the smallest unsigned integers holding its codes (a byte for sex or relation, two for a
        district), made once: pairs gather both sides' codes from it, and a gather from a table a fourth the size
        costs a third (1.96M pairs from 1.19M records: 4.6 -> 1.7 ms per side) and writes a fourth the memory."""
        codes, by_code = self._held(column, space)
        kind = np.min_scalar_type(len(by_code))  # (codes 1..len(by_code), 0 for a missing value)
        if kind.itemsize >= codes.itemsize:
            return codes
        return self._once(self._per_code, ("narrow", column, space), lambda: codes.astype(kind))

    def per_code(self, what: str, column: str, space: tuple[str, ...] | None = None) -> np.ndarray:
        """An array over the column's codes (index = code - 1), computed once: ``length`` of each value in
        characters, ``words`` its number of words (split on spaces), ``bloom`` a 64-bit mask of its words (a
        word's bit from its hash): a value whose words are all in another's has no bit the other lacks; ``chars``
        a 64-bit mask of its characters (a character's bit from its hash): one edit (a character inserted, deleted
        or replaced) changes at most two bits, so values whose masks differ in more than 2 d bits are more than d
        edits apart (``_compute``'s Levenshtein bound); ``char_counts`` each value's characters counted in
        CHAR_BUCKETS buckets (``_char_counts``: rows of UInt8), a finer bound (``_counts_apart``)."""
        key = (what, space if space is not None else column)

        def compute() -> np.ndarray:
            if what == "length":
                return self.values(column, space).cast(pl.String).str.len_chars().to_numpy().astype(np.int64)
            if what == "char_counts":  # (from the words, as ``chars``: a value's counts are its words' and spaces')
                return _char_counts(*self._split(column, space))
            # the others from the values' words, split once for all of them (``_split``): a value's bits are those of
            # its words (worked out per distinct word: 168,792 folded names at 1M people hold some 20k), and for
            # ``chars`` the space's between two words. The same masks as of the values' own characters and words
            counts, word_codes, by_word = self._split(column, space)
            if what == "words":
                return counts
            if not len(counts):
                return np.zeros(0, dtype=np.uint64)
            if what == "chars":
                word_bits = _char_masks(by_word)
            else:
                word_bits = np.left_shift(np.uint64(1), by_word.hash().to_numpy() & np.uint64(63))
            out = np.bitwise_or.reduceat(word_bits[word_codes.astype(np.intp) - 1], np.cumsum(counts) - counts)
            if what == "chars":
                out[counts > 1] |= _char_masks(pl.Series([" "]))[0]
            return out

        return self._once(self._per_code, key, compute)

    def padded(self, what: str, column: str, space: tuple[str, ...] | None = None) -> np.ndarray:
        """``per_code(what)`` with a 0 in front (index = code; code 0, a value missing, masked by callers), made once
        (each call comparing pairs made it again: four passes over the million ID codes at 1M people, per column and
        side). Integers as the smallest holding them (a value's length in a byte): ``_PairColumns.same`` only compares
        them, and a gather from a table an eighth the size costs half (ID lengths at 1M people: 14 -> 7 ms for both
        sides of 1.96M pairs)."""

        def compute() -> np.ndarray:
            table = self.per_code(what, column, space)
            if table.dtype.kind in "iu" and len(table) and table.min() >= 0:
                table = table.astype(np.min_scalar_type(int(table.max())), copy=False)
            return np.concatenate([np.zeros(1, dtype=table.dtype), table])

        return self._once(self._per_code, ("padded", what, space if space is not None else column), compute)

    def _split(self, column: str, space: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray, pl.Series]:
        """The words of each code's value (split on spaces, as written: split gives at least one word, maybe ""),
        worked out once for ``per_code`` and ``word_matrix``: each code's number of words, the code of each of its
        words one code after another (``_value_codes`` of the words, 1-based) and the text of each word code."""

        def compute() -> tuple[np.ndarray, np.ndarray, pl.Series]:
            words = self.values(column, space).cast(pl.String).str.split(" ")
            counts = words.list.len().to_numpy().astype(np.int64)
            word_codes, by_word = _value_codes(words.explode())
            return counts, word_codes.to_numpy(), by_word

        return self._once(self._per_code, ("split", space if space is not None else column), compute)

    def strings(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray:
        """The value of each code (index = code - 1) as a numpy array of Python strings, made once."""
        key = ("strings", space if space is not None else column)

        def compute() -> np.ndarray:
            return _object_strings(self.values(column, space).cast(pl.String))

        return self._once(self._per_code, key, compute)

    def word_matrix(self, column: str, space: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """Per code (row = code - 1), the codes of its value's words (split on spaces, as written, duplicates kept)
        left-aligned, 0 after the last, and the text of each word code (index = word code - 1); None when a value has
        more than WORD_MATRIX_WIDTH words (the table would be wide)."""
        key = ("word_matrix", space if space is not None else column)

        def compute() -> tuple[np.ndarray, np.ndarray] | None:
            counts, word_codes, by_word = self._split(column, space)
            width = int(counts.max()) if len(counts) else 0
            if width > WORD_MATRIX_WIDTH:
                return None
            matrix = np.zeros((len(counts), max(width, 1)), dtype=np.int32)
            starts = np.cumsum(counts) - counts
            rows = np.repeat(np.arange(len(counts)), counts)
            matrix[rows, np.arange(int(counts.sum())) - np.repeat(starts, counts)] = word_codes
            return matrix, _object_strings(by_word.cast(pl.String))

        return self._once(self._per_code, key, compute)

    def word_code_shares(self, column: str) -> np.ndarray:
        """``word_shares`` per word code of ``word_matrix`` (index = word code - 1; 0.0 for a word it lacks)."""

        def compute() -> np.ndarray:
            matrix, by_word = self.word_matrix(column)
            own = type(self).word_shares is ValueCodes.word_shares  # (not a frozen model's shares)
            if own and self.work.schema[column] == pl.String and column not in self._word_shares:
                # ``word_shares``' counts on the word codes: the records holding each word (each word once a value)
                unique = matrix.copy()
                for j in range(1, matrix.shape[1]):
                    for i in range(j):
                        unique[matrix[:, j] == matrix[:, i], j] = 0
                records = np.bincount(self.array(column), minlength=len(matrix) + 1)[1:]
                weights = np.repeat(records.astype(np.float64), matrix.shape[1])
                held = np.bincount(unique.ravel(), weights=weights, minlength=len(by_word) + 1)[1:]
                total = max(int(records.sum()), 1)  # (the values there)
                # (``word_shares``' own expression: Polars divides by multiplying with the reciprocal)
                shares = pl.DataFrame({"n": held.astype(np.uint32)}).select(
                    pl.when(pl.col("n") >= COMMON_WORDS_MIN_VALUES).then(pl.col("n") / total).otherwise(0.0)
                )
                return shares.to_series().to_numpy().astype(np.float64)
            words = pl.DataFrame({"word": pl.Series(by_word.tolist(), dtype=pl.String)})
            found = words.join(self.word_shares(column), on="word", how="left", maintain_order="left")
            return found["share"].fill_null(0.0).to_numpy().astype(np.float64)

        return self._once(self._per_code, ("word_code_shares", column), compute)

    def digit_bytes(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray | None:
        """Per code (row 0: a missing value, zeros), the value's digits right-aligned in 16 bytes (two UInt64
        per row), when every value of the column (of ``space``) is 1 to 16 digits; else None. Two values of
        one length differ in as many characters as these bytes differ in (leading zeros pad both alike)."""
        key = ("digit_bytes", space if space is not None else column)

        def compute() -> np.ndarray | None:
            values = self.values(column, space).cast(pl.String)
            inline = _inline_digits(values)
            if inline is not False:  # (values of up to 12 bytes: read in their Arrow views)
                return inline
            number, digits = _ascii_number("v")
            read = pl.DataFrame({"v": values}).with_columns(number.alias("n"))
            if not read.select(digits(pl.col("n")) & pl.col("v").str.len_bytes().is_between(1, 16)).to_series().all():
                return None
            number = read["n"].to_numpy().astype(np.int64)
            # four digits at a time (three divisions a value, not 32): each group's digits from a table of the
            # 10,000, written as one 32-bit word (1.09M ID codes at 1M people: the divisions 0.06 CPU s)
            table = np.zeros((len(values) + 1, 4), dtype=np.uint32)
            for k, group in enumerate((number // 10**12, number // 10**8 % 10**4, number // 10**4 % 10**4)):
                table[1:, k] = _FOUR_DIGITS[group]
            table[1:, 3] = _FOUR_DIGITS[number % 10**4]
            return table.view(np.uint64)  # shape (codes + 1, 2)

        return self._once(self._per_code, key, compute)

    def digit_nibbles(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray | None:
        """``digit_bytes``' 16 digits per code as 16 four-bit nibbles of one UInt64 (a digit, 0-9, fits in four bits;
        row 0: zeros), made once; None as ``digit_bytes``. Two values of one length differ in as many digits as these
        nibbles differ in (``_nibbles_apart``): a pair's digits are one gather a side, not two (a UInt64 per half)."""

        def compute() -> np.ndarray | None:
            table = self.digit_bytes(column, space)
            if table is None:
                return None
            digits = table.view(np.uint8)  # (codes + 1, 16): a digit a byte
            return ((digits[:, 0::2] << 4) | digits[:, 1::2]).view(np.uint64).reshape(-1)  # (two digits a byte)

        return self._once(self._per_code, ("digit_nibbles", space if space is not None else column), compute)

    def keyed_nibbles(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray | None:
        """``digit_nibbles`` with each value's length (``per_code("length")``) in the nibble of its 16 digits' first
        (bits 4-7: the nibbles' bytes are little-endian), where every value is 1 to 15 digits (that first is then a
        leading zero); else None. Made once. Row 0 (a value missing) is 0 and no value's is (its length is at least
        1): two values' words are equal exactly when the values are, and differ in that nibble exactly when their
        lengths do (``_PairColumns.digits_apart``: a gather a side, no lengths gathered apart)."""

        def compute() -> np.ndarray | None:
            nibbles = self.digit_nibbles(column, space)
            if nibbles is None:
                return None
            length = self.per_code("length", column, space)
            if len(length) and int(length.max()) > 15:
                return None
            keyed = nibbles.copy()
            keyed[1:] |= length.astype(np.uint64) << np.uint64(4)
            return keyed

        return self._once(self._per_code, ("keyed_nibbles", space if space is not None else column), compute)

    def ascii_bytes(self, column: str, space: tuple[str, ...] | None = None) -> np.ndarray | None:
        """Per code (row 0: a missing value, zeros), the value's bytes right-aligned in 16 bytes (two UInt64 per
        row, padded with zero bytes on the left), when every value of the column (of ``space``) is 1 to 16 ASCII
        characters; else None. Two values of one length differ in as many characters as these bytes differ in (a
        character a byte; the padding is alike on both): ``_PairColumns.digits_apart`` for IDs that are not all
        digits (a business's registration number "41A8012345", a branch's "0301234567-001"), whose Hamming distance
        by rapidfuzz over the distinct value pairs cost 10 times as much."""

        def compute() -> np.ndarray | None:
            values = self.values(column, space).cast(pl.String)
            size = values.str.len_bytes()
            if not len(values) or not (size.is_between(1, 16) & (size == values.str.len_chars())).all():
                return None
            # one string of every value padded to 16 bytes (NUL is ASCII: a byte a character), read as bytes
            joined = values.str.pad_start(16, "\x00").str.join("").item()
            table = np.zeros((len(values) + 1, 16), dtype=np.uint8)
            table[1:] = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 16)
            return table.view(np.uint64)  # shape (codes + 1, 2)

        return self._once(self._per_code, ("ascii_bytes", space if space is not None else column), compute)

    def dates_by_code(self, column: str) -> pl.Series:
        """The date of each code of a date column (index = code; index 0, a value missing: null), computed once: the
        date levels work out their parts per code (tens of thousands of birth dates) and gather them by the pairs'
        codes from tables that stay in the cache, instead of gathering per-record arrays (millions of records)."""

        def compute() -> pl.Series:
            code, count = self.array(column), len(self.values(column)) + 1
            days = np.zeros(count, dtype=np.int32)
            days[code] = self.work[column].to_physical().fill_null(0).to_numpy()  # equal codes: equal dates
            present = np.ones(count, dtype=bool)
            present[0] = False
            frame = pl.DataFrame({"d": days, "p": present})
            return frame.select(pl.when("p").then(pl.col("d").cast(pl.Date)).alias(column)).to_series()

        return self._once(self._per_code, ("dates_by_code", column), compute)

    def date_digits(self, column: str) -> tuple[np.ndarray, ...]:
        """``_date_digits`` of each code's date in the column (index = code, 0: missing), computed once."""
        return self._once(self._per_code, ("date_digits", column), lambda: _date_digits(self.dates_by_code(column)))

    def date_parts(self, column: str) -> tuple[np.ndarray, ...]:
        """Per code of a date column (index = code, 0: missing), computed once: year, month, day, days since 1970
        and whether it is there (0 where missing)."""

        def compute() -> tuple[np.ndarray, ...]:
            values = self.dates_by_code(column)
            parts = pl.DataFrame({"v": values}).select(
                y=pl.col("v").dt.year(), m=pl.col("v").dt.month(), d=pl.col("v").dt.day(), x=pl.col("v").to_physical()
            )
            return (
                *(parts.to_series(i).fill_null(0).to_numpy().astype(np.int64) for i in range(4)),
                values.is_not_null().to_numpy(),
            )

        return self._once(self._per_code, ("date_parts", column), compute)

    def narrow_dates(self, what: str, column: str) -> tuple[np.ndarray, ...]:
        """``date_parts`` (``what`` "parts": year, month, day, days) or ``date_digits`` ("digits": year, month*100+day)
        with those integers as ``_narrow_signed`` (a year in two bytes, a month or day in one, days in four; the rest
        as they are), made once: the date levels gather them by each pair's codes and compare them, and narrower
        arrays cost less (the birth date's levels at 1M people: 1.19M candidates' distinct date pairs 0.175 -> 0.124
        CPU s, 1M random pairs 0.149 -> 0.112)."""

        def compute() -> tuple[np.ndarray, ...]:
            tables, narrowed = (
                (self.date_parts(column), (0, 1, 2, 3)) if what == "parts" else (self.date_digits(column), (2, 3))
            )
            return tuple(_narrow_signed(t) if i in narrowed else t for i, t in enumerate(tables))

        return self._once(self._per_code, ("narrow_dates", what, column), compute)

    def word_shares(self, column: str) -> pl.DataFrame:
        """``word``, ``share``: each word of the column and the share of its non-missing values that hold it
        (0 for a word in fewer than COMMON_WORDS_MIN_VALUES values: on a small table no word is common by chance)."""

        def compute() -> pl.DataFrame:
            values = self.work[column].cast(pl.String).drop_nulls()
            # each distinct value split once, its words counted as many times as records hold it: a city's names
            # repeat (165k distinct of 1.1M at 1M people: 0.34 -> 0.20 CPU s); values mostly distinct (addresses)
            # are split record by record as before. The records per distinct value are counted on its value code
            # (the column's codes are worked out for its comparisons anyway; a count of the strings cost 0.2 s)
            if values.dtype == self.work.schema[column]:
                per_code = np.bincount(self.array(column), minlength=len(self.values(column)) + 1)[1:]
                counted = pl.DataFrame({"v": self.values(column), "_n": per_code.astype(np.uint32)})
            else:
                counted = values.rename("v").value_counts(name="_n")
            if counted.height > len(values) // 2:
                words = values.str.split(" ").list.unique().explode().drop_nulls().rename("word")
                per_word = words.value_counts(name="n")
            else:
                words = counted.select(pl.col("v").str.split(" ").list.unique().alias("word"), "_n").explode("word")
                per_word = words.drop_nulls("word").group_by("word").agg(pl.col("_n").sum().alias("n"))
            return per_word.select(
                "word",
                pl.when(pl.col("n") >= COMMON_WORDS_MIN_VALUES)
                .then(pl.col("n") / max(len(values), 1))
                .otherwise(0.0)
                .alias("share"),
            )

        return self._once(self._word_shares, column, compute)

    def values(self, column: str, space: tuple[str, ...] | None = None) -> pl.Series:
        """The value of each code (index = code - 1): ``get``'s second part, without the codes as a Series with
        nulls that ``get`` makes at each call (a ``when`` over every record: at 1M people some 85 calls a run read
        only the values, 0.08 s of their threads' CPU)."""
        return self._held(column, space)[1]

    def get(self, column: str, space: tuple[str, ...] | None = None) -> tuple[pl.Series, pl.Series]:
        """(code per row, 1-based and null for a missing value; the value of each code).

        With ``space`` (columns including ``column``: a ``mixed`` comparison's), codes are shared by those columns:
        a value has the same code in each, so values of two columns can be compared. The values are IDs' digits
        (spaces, dots, dashes ignored), only where they form a CMND (9) or CCCD (12) that is no placeholder
        ('000000000', '123456789'): any other value is missing there (standardise.id_form_digits)."""
        codes, by_code = self._held(column, space)
        return pl.DataFrame({"c": codes}).select(pl.when(pl.col("c") != 0).then("c").alias("code"))["code"], by_code

    def _held(self, column: str, space: tuple[str, ...] | None = None) -> tuple[np.ndarray, pl.Series]:
        """``get``'s codes as held, computed once: a numpy array (0 for a missing value) and the value of each code."""
        if space is not None:

            def shared() -> dict[str, tuple[np.ndarray, pl.Series]]:
                # the digits of each column's distinct values (its own codes'), coded together and spread to the
                # records through the column's codes: the same codes as coding every record's digits (equal values,
                # equal digits), from 1.1M distinct IDs instead of 2.4M records (a third of them missing) at 1M people
                own = [self._held(c) for c in space]
                values = [_id_form_digits(by_code) for _, by_code in own]  # (a number's or date's as text)
                codes, by_code = _value_codes(pl.concat(values, rechunk=True))
                codes = _array(codes)
                starts = np.cumsum([0, *(len(v) for v in values)])
                out = {}
                for c, (per_record, _), v, start in zip(space, own, values, starts[:-1], strict=True):
                    table = np.zeros(len(v) + 1, dtype=codes.dtype)  # (code 0: missing, stays missing)
                    table[1:] = codes[int(start) : int(start) + len(v)]
                    out[c] = (table[per_record], by_code)
                return out

            return self._once(self._shared, space, shared)[column]

        def coded() -> tuple[np.ndarray, pl.Series]:
            values = self.work[column]
            if column in self._by_record:
                # one value per source code by construction, and prepare worked it out record by record (its source
                # nearly all distinct: ``prepare.BY_RECORD_SHARE``): coded in the records' order, the same codes as
                # through a record per source code (the same distinct values, numbered alike) without the gather
                # that reads them in the source codes' order (the households' 309,092 folded addresses, 70 bytes
                # each: 0.058 -> 0.03 CPU s)
                self._via_source.add(column)
                codes, by_code = _coded(values)
                return _array(codes), by_code
            picked = self._picked(self.sources[column]) if column in self.sources else None
            through = None
            if picked is not None:  # (unchecked where prepare made the column one value per source code)
                through = (
                    _through(values, *picked, checked=False) if column in self._built else _through(values, *picked)
                )
            if through is not None:
                self._via_source.add(column)
            codes, by_code = through if through is not None else _coded(values)
            return _array(codes), by_code

        return self._once(self._codes, column, coded)

    def _picked(self, source: str) -> tuple[pl.Series, pl.Series] | None:
        """A record of each ``source_codes`` code of ``source`` in use (any) and each record's code among those used,
        worked out once for every column derived from the source (``_through``); None where it has no codes."""

        def compute() -> tuple[pl.Series, pl.Series] | None:
            found = self.source_codes(source)
            if found is None:
                return None
            code, count = found
            some = np.zeros(count, dtype=np.int64)
            some[code] = np.arange(len(code))
            used = np.zeros(count, dtype=bool)
            used[code] = True
            # (UInt32 in numpy: Polars' cast from Int64 cost four times as much)
            return pl.Series(some[used].astype(np.uint32)), pl.Series((np.cumsum(used) - 1)[code].astype(np.uint32))

        return self._once(self._per_code, ("picked", source), compute)

    def built_from(self, column: str) -> tuple[pl.Series, pl.Series] | None:
        """For a column ``prepare`` gathered by its source's codes (``Prepared``: one value per ``source_codes`` code
        of the source, by construction), ``_picked`` of its source: a record of each source code in use and each
        record's place among those; None for any other column (or a source without codes)."""
        return self._picked(self.sources[column]) if column in self._built else None

    def follows(self, column: str, source: str) -> bool:
        """Whether ``column``'s value is one per ``source_codes`` code of ``source``: the source itself, or a column
        derived from it and coded through it (``_through`` compared every record's value with its code's)."""
        if column == source:
            return True
        if self.sources.get(column) != source:
            return False
        self._held(column)
        return column in self._via_source

    def source_codes(self, source: str) -> tuple[np.ndarray, int] | None:
        """Per record, a code of its ``source`` value and, when the table has one, its precision (a year-only
        date's day keys are missing: ``prepare``), in mixed radix (not dense), and how many codes there may be;
        None when there may be more than four per record. Dates spanning fewer days than four per record are
        their day numbers (no sort), other values their ``get`` codes."""

        def compute() -> tuple[np.ndarray, int] | None:
            values, most = self.work[source], 4 * max(self.work.height, 1)
            days = values.to_physical() if values.dtype == pl.Date else None
            low, high = (days.min(), days.max()) if days is not None and days.null_count() < days.len() else (0, 0)
            if days is not None and high - low + 2 <= most:
                code = (days - low + 1).fill_null(0).to_numpy().astype(np.int64)
                count = high - low + 2
            elif values.dtype in (pl.String, pl.Date) or values.dtype.is_integer():
                code, count = self.array(source).astype(np.int64), len(self.values(source)) + 1
            else:
                return None
            precision = precision_column(source)
            if precision in self.work.columns:
                code = code * (len(self.values(precision)) + 1) + self.array(precision)
                count *= len(self.values(precision)) + 1
            if count > most:
                return None
            # (as 32-bit integers where they fit: pairs gather both sides' codes from it, a table half the size)
            return (code.astype(np.uint32), count) if count <= 1 << 32 else (code, count)

        return self._once(self._per_code, ("source", source), compute)


_FOUR = np.arange(10_000)
_FOUR_DIGITS = (  # the four digits of 0..9999 (leading zeros), a byte each, as one 32-bit word (bytes in order)
    np.stack([_FOUR // 1000, _FOUR // 100 % 10, _FOUR // 10 % 10, _FOUR % 10], axis=1)
    .astype(np.uint8)
    .view(np.uint32)
    .reshape(-1)
)


def _inline_digits(values: pl.Series) -> np.ndarray | None | bool:
    """``ValueCodes.digit_bytes``' table of ``values`` (a text column, no value missing) read from their Arrow views
    (``string_views``: a value of up to 12 bytes is all in its view), each value's bytes less "0" right-aligned, a
    length at a time: None where a value is empty or a byte of one is no ASCII digit; False where the values are not
    all in their views (longer, or no views: ``digit_bytes`` reads them as numbers). The same table as the numbers'
    digits (a digit's byte less "0" is the digit; leading zeros pad alike): the households' two ID columns (300k and
    265k distinct values, 9 and 12 digits) 0.042 -> 0.01 CPU s, read as Polars' numbers then four digits a division."""
    views = string_views(values) if values.null_count() == 0 else None
    if views is None:
        return False
    length = views.view("<i4")[:, 0]
    low, high = (int(length.min()), int(length.max())) if len(length) else (1, 1)
    if high > 12:
        return False
    if low < 1:
        return None
    table = np.zeros((len(values) + 1, 16), dtype=np.uint8)
    for size in [low] if low == high else np.flatnonzero(np.bincount(length)).tolist():
        rows = slice(None) if low == high else np.flatnonzero(length == size)  # (IDs of one length: every row)
        digits = views[rows, 4 : 4 + size] - np.uint8(ord("0"))  # (a byte under "0" wraps past 9)
        if len(digits) and int(digits.max()) > 9:
            return None
        table[1:][rows, 16 - size :] = digits
    return table.view(np.uint64)  # shape (codes + 1, 2)


def _ascii_number(text: str) -> tuple[pl.Expr, Callable[[pl.Expr], pl.Expr]]:
    """The number of text column ``text`` (Polars' reading of a base-10 integer, which takes a sign too: no space, no
    other character), and given that number (a column made of it: an expression is worked out again at each use),
    whether the text is ASCII digits only, ``[0-9]+`` (a regular expression over a million IDs cost three times as
    much)."""
    column = pl.col(text)
    return column.str.to_integer(
        base=10, strict=False
    ), lambda number: number.is_not_null() & ~column.str.starts_with("+") & ~column.str.starts_with("-")


def _id_form_digits(values: pl.Series) -> pl.Series:
    """``standardise.id_form_digits`` of ``values``, worked out in full only where it may differ from the value
    itself. A value already of 9 or 12 digits is its own digits unless it is a placeholder, and a placeholder
    repeats its first digit or counts up or down from it (``id_placeholder``): a value whose first three digits do
    neither (the step from the first to the second is not the step from the second to the third, or it is not 0, +1
    or -1) is none. Every other value given (about 3 in 100 of clean IDs, and any of another form) goes through
    ``id_form_digits``: at 1.1M records the regular expressions and digit maps over every value cost 2.2 CPU s
    (0.2 s per column this way). Those values are found in their Arrow views (``string_views``: a value of 9 or 12
    bytes is all in its view), not by Polars expressions reading each value as a number (the two ID columns' 1.09M
    distinct values at 1M people: 0.10 -> 0.04-0.05 CPU s); where the column has no views, every value goes through
    ``id_form_digits``."""
    text = values.cast(pl.String)
    views = string_views(text)
    own = np.zeros(len(text), dtype=bool)  # a CMND or a CCCD (9 or 12 ASCII digits) that is no placeholder
    if views is not None:
        length = views.view("<i4")[:, 0]
        digit = [views[:, 4 + k] - np.uint8(ord("0")) for k in range(12)]  # (past a value's end: not read below)
        nine = np.ones(len(text), dtype=bool)
        for k in range(9):  # (a byte column at a time: numpy's test of a row's 12 bytes cost three times as much)
            nine &= digit[k] < 10
        twelve = nine & (digit[9] < 10) & (digit[10] < 10) & (digit[11] < 10)
        form = ((length == 9) & nine) | ((length == 12) & twelve)
        # the steps from the first digit to the second and from the second to the third (mod 10)
        first, second = (digit[1] + np.uint8(10) - digit[0]) % 10, (digit[2] + np.uint8(10) - digit[1]) % 10
        own = form & ~((first == second) & ((first == 0) | (first == 1) | (first == 9)))
        if text.null_count():
            own &= text.is_not_null().to_numpy()
    frame = pl.DataFrame({"v": text, "own": own})
    out = frame.select(pl.when("own").then("v").alias(values.name)).to_series()
    rest = pl.Series(np.flatnonzero(~own), dtype=pl.UInt32)
    rest = rest.filter(text.gather(rest).is_not_null()) if text.null_count() else rest  # (missing stays missing)
    if rest.len():
        out = out.scatter(rest, id_form_digits(text.gather(rest)))
    return out


def _object_strings(values: pl.Series) -> np.ndarray:
    """A text column's values as a numpy array of Python strings (None where missing): Polars' own numpy array, not a
    list of them copied into one (the copy cost half the list's making: the households' 308,802 folded addresses
    0.075 -> 0.048 CPU s)."""
    out = values.to_numpy()
    if out.dtype != object or out.ndim != 1:  # (another form of text array: as before)
        out = np.empty(len(values), dtype=object)
        out[:] = values.to_list()
    return out


def _array(codes: pl.Series) -> np.ndarray:
    """Codes as ``ValueCodes`` holds them: a numpy array, 0 for a missing value (a view of the Series' one buffer
    where it has no nulls)."""
    return codes.fill_null(0).rechunk().to_numpy()


def _coded(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``ValueCodes.get``'s codes of a column: dates and integers by their numbers (their text is one per value),
    other values by their text."""
    if values.dtype == pl.Date or values.dtype.is_integer():
        return _number_codes(values)
    return _value_codes(values.cast(pl.String))


def _through(
    values: pl.Series, picked: pl.Series, place: pl.Series, checked: bool = True
) -> tuple[pl.Series, pl.Series] | None:
    """``_coded`` of a column whose value is one per source code (a column derived from the source, as the given name
    from the full name), worked out on one record per source code (``picked``: 192k full names for 1.19M records) and
    spread to the others (``place``: each record's among them); None when a record's value is not its source code's
    (exact: every value is compared with the one its code was worked out on, unless not ``checked``: ``prepare``
    made the column so, ``Prepared``; the check cost 0.19 of 0.41 CPU s for the people spec's 12 at 1M people)."""
    distinct = values.gather(picked)
    if checked and not values.eq_missing(distinct.gather(place)).all():
        return None
    codes, by_code = _coded(distinct)
    return codes.gather(place).rename(codes.name), by_code


def _some_of_each(inverse: np.ndarray, count: int) -> pl.Series:
    """A position of each of ``count`` codes among ``inverse`` (the code of each position; any one of a code's:
    ``np.unique``'s first positions need its stable sort, 0.05 CPU s more per million values)."""
    some = np.zeros(count, dtype=np.uint32)
    some[inverse] = np.arange(len(inverse), dtype=np.uint32)
    return pl.Series(some, dtype=pl.UInt32)


_FEW_SAMPLE = 4096  # values looked at first to guess whether a column has few distinct values
_FEW_SHARE = 64  # few: under one distinct value in this many


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``: the sorted distinct values and each value's place among them. Where
    they are few (a sex, a relation, a date's precision: a handful for a million records), the distinct values are
    found by Polars' hash table and each value placed by a binary search among them instead of every value sorted; a
    first sample of values tells the few from the many (for those the hash table would cost on top of the sort). Whole
    numbers spanning fewer than four per value (a birth date's days) are marked in a table of the span instead."""
    n = len(values)
    if n and values.dtype.kind in "iu":  # numbers in a narrow range (dates' days): each marked in a table, no sort
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * n:
            unsigned = values.dtype.kind == "u"  # (a hash past 2**63 held by one value: no int64)
            at = (values - values.dtype.type(low)).astype(np.int64) if unsigned else values.astype(np.int64) - low
            used = np.zeros(high - low + 1, dtype=bool)
            used[at] = True
            return np.flatnonzero(used).astype(values.dtype) + values.dtype.type(low), (np.cumsum(used) - 1)[at]
    if n >= _FEW_SAMPLE * 4 and len(np.unique(values[:_FEW_SAMPLE])) * _FEW_SHARE <= _FEW_SAMPLE:
        distinct = np.sort(pl.Series(values).unique().to_numpy())
        if len(distinct) * _FEW_SHARE <= n:
            return distinct, _few_places(distinct, values)
    if n and values.dtype == np.uint64:  # (hashes: a value's text)
        return _sorted_places(values)
    distinct, inverse = np.unique(values, return_inverse=True)
    return distinct, inverse.reshape(-1)


_MULTIPLIERS = tuple(
    np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
)
_SLOT_BITS = 24  # the most bits of a slot table (``_few_places``)


def _few_places(distinct: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(distinct, values)`` (``distinct``: the sorted distinct ``values``, a few), for 64-bit hashes
    through a table with a slot per value (a multiplicative hash's top bits, about 2 k**2 slots for k values, so that
    no two of the k share one: checked, else another multiplier): a multiplication and a gather per value instead of
    a binary search (1.19M values: 0.018 -> 0.002 CPU s for 442 distinct, 0.006 -> 0.002 for 2). Other values, or
    when no multiplier separates them, by the binary search."""
    bits = max(2 * len(distinct).bit_length() + 1, 8)
    if values.dtype != np.uint64 or bits > _SLOT_BITS:
        return np.searchsorted(distinct, values)
    shift = np.uint64(64 - bits)
    for multiplier in _MULTIPLIERS:
        slot = ((distinct * multiplier) >> shift).view(np.int64)
        if len(np.unique(slot)) == len(distinct):  # each distinct value a slot of its own
            table = np.zeros(1 << bits, dtype=np.intp)
            table[slot] = np.arange(len(distinct))
            at = values * multiplier
            at >>= shift
            return table[at.view(np.int64)]
    return np.searchsorted(distinct, values)


def _sorted_places(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of 64-bit hashes, the same two arrays: each value's top bits and its
    position packed in one word and sorted (numpy's sort of plain integers, no argsort: 1.19M hashes 0.035-0.056 ->
    0.016-0.032 CPU s). Values sharing their top bits but not their low ones (a few in a million values at most)
    are put in order by their whole value within their run of equal top bits."""
    n = len(values)
    place = max((n - 1).bit_length(), 1)
    word = values >> np.uint64(place)
    word <<= np.uint64(place)
    word |= np.arange(n, dtype=np.uint64)
    word.sort()
    position = (word & np.uint64((1 << place) - 1)).view(np.int64)
    word >>= np.uint64(place)  # the top bits, sorted
    whole = values[position]
    if n > 1 and not (whole[1:] >= whole[:-1]).all():  # runs of equal top bits holding several values
        first = np.empty(n, dtype=bool)
        first[:1] = True
        np.not_equal(word[1:], word[:-1], out=first[1:])
        run = np.cumsum(first) - 1
        mixed = ~first[1:] & (whole[1:] != whole[:-1])
        rows = np.flatnonzero(np.isin(run, run[1:][mixed]))  # the rows of those runs, in runs of the order
        order = rows[np.lexsort((position[rows], whole[rows], run[rows]))]
        position[rows], whole[rows] = position[order], whole[order]
    del word
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(whole[1:], whole[:-1], out=new[1:])
    inverse = np.empty(n, dtype=np.intp)
    inverse[position] = np.cumsum(new) - 1
    return whole[new], inverse


def _value_codes(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(code per value, 1-based UInt32 and null where missing; the value of each code): equal values, equal
    codes. Distinct values are found by their 64-bit hashes, sorted in numpy; every value is then checked
    against its code's value, and on a hash collision (never seen) codes come from a join on the values."""
    present = values.is_not_null()
    given = values.filter(present) if values.null_count() else values
    hashes = given.hash().to_numpy()
    distinct, inverse = _dense(hashes)
    inverse = inverse.astype(np.uint32)
    by_code = given.gather(_some_of_each(inverse, len(distinct))).rename(values.name)
    if not (by_code.gather(pl.Series(inverse)) == given).all():  # a collision: exact, slower
        by_code = given.unique()
        table = pl.DataFrame({"v": by_code, "code": pl.int_range(1, len(by_code) + 1, dtype=pl.UInt32, eager=True)})
        codes = pl.DataFrame({"v": values}).join(table, on="v", how="left", maintain_order="left")["code"]
        return codes.rechunk(), by_code
    if values.null_count():
        full = np.zeros(len(values), dtype=np.uint32)
        full[present.to_numpy()] = inverse + 1
        codes = pl.DataFrame({"c": full, "p": present}).select(pl.when("p").then("c").alias("code"))["code"]
    else:
        codes = pl.Series("code", inverse + 1)
    return codes, by_code


def _number_codes(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``_value_codes`` of dates or integers, from their numbers (distinct numbers have distinct text): the value of
    each code as text, only the distinct values cast."""
    present = values.is_not_null()
    given = values.filter(present) if values.null_count() else values
    distinct, inverse = _dense(given.to_physical().to_numpy())
    inverse = inverse.astype(np.uint32)
    by_code = given.gather(_some_of_each(inverse, len(distinct))).cast(pl.String)
    inverse += 1
    if not values.null_count():
        return pl.Series("code", inverse), by_code
    full = np.zeros(len(values), dtype=np.uint32)
    full[present.to_numpy()] = inverse
    return pl.DataFrame({"c": full, "p": present}).select(pl.when("p").then("c").alias("code"))["code"], by_code


_TABLE_PAIRS = 1 << 24  # up to this many possible code pairs (4,095 values), distinct pairs are found by a table
_WORD_BITS = 64  # a code pair and its place fit in a word of this many bits: distinct pairs found by a sort


class _PairColumns:
    """Both sides of each pair for the columns a call compares, gathered once.

    Most levels work on value *codes* (dense ranks of the column's values, 0 when missing),
    gathered per pair as numpy arrays: equal values have equal codes, and string scorers
    find the distinct value pairs on two integers, not two strings; rapidfuzz sees each
    distinct value pair once, and only when a pair that still needs it (``need``: not yet
    given a stronger level) has that value pair.
    """

    def __init__(self, work: pl.DataFrame, l: pl.Series, r: pl.Series, codes: ValueCodes) -> None:
        self.work, self.l, self.r, self.value_codes = work, l, r, codes
        # row numbers as numpy's own index type: an index of another type (the pairs' UInt32) is converted on every
        # gather by it (a column's codes per side: a dozen and more per call), here once
        self._l, self._r = (side.to_numpy().astype(np.intp, copy=False) for side in (l, r))
        self._left: dict[str, pl.Series] = {}
        self._right: dict[str, pl.Series] = {}
        self._codes: dict[tuple, tuple[np.ndarray, np.ndarray, pl.Series]] = {}
        self._distinct: dict[tuple, tuple[np.ndarray, np.ndarray, pl.Series]] = {}
        self._scores: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._asked: dict[tuple, np.ndarray] = {}
        self._same: dict[tuple, np.ndarray] = {}

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
    ) -> tuple[np.ndarray, np.ndarray, pl.Series]:
        """Left record's code of ``column``, right record's of ``other`` (0: missing), and each code's value."""
        key = (column, other or column, space)
        if key not in self._codes:
            by_code = self.value_codes.values(column, space)
            self._codes[key] = (self._side(column, space, 0), self._side(other or column, space, 1), by_code)
        return self._codes[key]

    def _side(self, column: str, space: tuple[str, ...] | None, side: int, what: str | None = None) -> np.ndarray:
        """The left (``side`` 0) or right record's code of ``column`` per pair, or with ``what`` its
        ``ValueCodes.per_code`` (0 where missing): gathered once per column and side, whatever column the other
        side is compared with (a mixed comparison compares each column with each)."""
        key = ("side", column, space, side, what)
        if key not in self._same:
            # (np.take: a fourth to a fifth cheaper than a fancy index on millions of pairs, the same values)
            if what is None:
                self._same[key] = np.take(self.value_codes.narrow(column, space), self._r if side else self._l)
            else:
                self._same[key] = np.take(self.value_codes.padded(what, column, space), self._side(column, space, side))
        return self._same[key]

    def date_sides(self, column: str, other: str) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """``ValueCodes.date_parts`` of the left record's ``column`` and the right record's ``other``, per pair,
        gathered once for every date level."""
        key = ("date_sides", column, other)
        if key not in self._same:
            parts = self.value_codes.narrow_dates  # per code: gathered by each pair's codes (as numpy's index type:
            # converted once for the five parts, not per gather)
            at_left = self._side(column, None, 0).astype(np.intp)
            at_right = self._side(other, None, 1).astype(np.intp)
            left = tuple(part[at_left] for part in parts("parts", column))
            right = tuple(part[at_right] for part in parts("parts", other))
            self._same[key] = (left, right)
        return self._same[key]

    def same(self, what: str, column: str, other: str | None, space: tuple[str, ...] | None) -> np.ndarray:
        """Whether ``ValueCodes.per_code`` of the left and right values are equal, per pair (False when either
        is missing)."""
        key = (what, column, other, space)
        if key not in self._same:
            # two columns are compared only in a mixed comparison, whose columns share value codes
            assert other in (None, column) or (space is not None and other in space and column in space)
            ca, cb, _ = self.codes(column, other, space)
            # (a space's columns share one table: code c's entry is the same whichever column it came from)
            ta, tb = self._side(column, space, 0, what), self._side(other or column, space, 1, what)
            self._same[key] = (ta == tb) & (ca != 0) & (cb != 0)
        return self._same[key]

    def digits_apart(self, column: str, other: str | None, space: tuple[str, ...] | None) -> np.ndarray | None:
        """Per pair of values of one length, how many of their characters differ (their Hamming distance): of their 16
        digits (``ValueCodes.digit_nibbles``, right-aligned) where every value is digits, else of their 16 bytes
        (``ValueCodes.ascii_bytes``) where every value is 1 to 16 ASCII characters; 16 for other pairs (a value
        missing, or lengths apart); None when the values are neither."""
        key = ("digits_apart", column, other, space)
        if key not in self._same:
            nibbles = self.value_codes.digit_nibbles(column, space)
            table = self.value_codes.ascii_bytes(column, space) if nibbles is None else None
            keyed = self.value_codes.keyed_nibbles(column, space) if nibbles is not None else None
            if nibbles is None and table is None:
                self._same[key] = None
            elif keyed is not None:
                # every pair's words gathered and compared at once: their lengths' nibble differs where the lengths
                # do, and both are 0 where both values are missing (one missing: its length's nibble differs). The
                # same distances as counted on the pairs of one length (1M random pairs of two ID columns at 1M
                # households: no lengths gathered, no rows picked and scattered back)
                x, y = (
                    np.take(keyed, self._side(column, space, 0)),
                    np.take(keyed, self._side(other or column, space, 1)),
                )
                apart = x == 0  # (both missing; x is then the pairs' differing bits)
                np.bitwise_xor(x, y, out=x)
                apart |= (x & _LENGTH_NIBBLE) != 0
                apart = np.maximum(_nibbles_set(x), apart.view(np.uint8) << np.uint8(4))  # (16 where apart)
                self._same[key] = apart
            else:
                ca, cb, _ = self.codes(column, other, space)
                # counted only where both values are there and of one length (elsewhere the level cannot hold)
                rows = np.flatnonzero(self.same("length", column, other, space))
                apart = np.full(len(self._l), 16, dtype=np.uint8)  # (a byte a pair: at most 16, not 8 bytes)
                if nibbles is not None:
                    apart[rows] = _nibbles_apart(np.take(nibbles, ca[rows]), np.take(nibbles, cb[rows]))
                else:
                    x, y = np.take(table, ca[rows], axis=0), np.take(table, cb[rows], axis=0)  # (_ROWS)
                    apart[rows] = _bytes_apart(x[:, 0], y[:, 0]) + _bytes_apart(x[:, 1], y[:, 1])
                self._same[key] = apart
        return self._same[key]

    def distinct(
        self, column: str, other: str | None = None, space: tuple[str, ...] | None = None
    ) -> tuple[np.ndarray, np.ndarray, pl.Series]:
        """Distinct (left code, right code) pairs packed in a UInt64 (a code 0: a value missing), each pair's index
        among them, and the value of each code. Pairs with a value missing are not left out first: they get pairs of
        their own (code 0 on a side), which ``score`` never scores (the gathers that left them out cost more)."""
        key = (column, other or column, space)
        if key not in self._distinct:
            a, b, by_code = self.codes(column, other, space)  # codes are 1-based: 0 is missing
            codes = len(by_code) + 1
            small = np.int32 if len(a) < 1 << 31 else np.int64  # the index: a place per pair
            if codes * codes <= _TABLE_PAIRS:
                # few values (given names): every possible code pair has a slot, which pairs occur is marked and
                # numbered in slot order (no sort; the same distinct pairs, in the same order, as the dense rank
                # below). The numbers are written at the used slots only (a running count over every slot cost
                # more than the pairs' own work on a column of thousands of values)
                slot = a.astype(np.int64) * codes + b
                seen = np.zeros(codes * codes, dtype=bool)
                seen[slot] = True
                found = np.flatnonzero(seen)
                number = np.empty(codes * codes, dtype=small)
                number[found] = np.arange(len(found), dtype=small)
                inverse = number[slot]
                distinct = ((found // codes).astype(np.uint64) << np.uint64(32)) | (found % codes).astype(np.uint64)
            elif 2 * (bits := codes.bit_length()) + (place := max(len(a).bit_length(), 1)) <= _WORD_BITS:
                # each pair's code pair and its place in one word, sorted (numpy's sort of plain integers: about a
                # third of Polars' dense rank of 5.1M pairs); the runs of equal code pairs are the distinct pairs,
                # in the dense rank's order, and each place gets its run's number
                word = (a.astype(np.uint64) << np.uint64(bits)) | b.astype(np.uint64)
                word = np.sort((word << np.uint64(place)) | np.arange(len(a), dtype=np.uint64))
                pair = word >> np.uint64(place)
                first = np.empty(len(pair), dtype=bool)
                first[:1] = True
                np.not_equal(pair[1:], pair[:-1], out=first[1:])
                inverse = np.empty(len(pair), dtype=small)
                inverse[(word & np.uint64((1 << place) - 1)).astype(np.int64)] = np.cumsum(first, dtype=small) - 1
                found = pair[first]
                low = np.uint64((1 << bits) - 1)
                distinct = ((found >> np.uint64(bits)) << np.uint64(32)) | (found & low)
            else:
                packed = (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)
                # np.unique's sorted distinct values and inverse, from Polars' dense rank (multi-threaded, about
                # half numpy's time on millions of pairs)
                inverse = pl.Series(packed).rank("dense").to_numpy().astype(small) - 1
                distinct = np.zeros(int(inverse.max()) + 1 if len(inverse) else 0, dtype=np.uint64)
                distinct[inverse] = packed
            # (held as numpy's index type: every level's scores are gathered by it, an index of another type
            # converted on each gather)
            self._distinct[key] = (distinct, inverse.astype(np.intp, copy=False), by_code)
        return self._distinct[key]

    def _missing(self, column: str, other: str | None, space: tuple[str, ...] | None) -> np.ndarray:
        """Per ``distinct`` value pair, whether a side's value is missing (code 0), worked out once for every scorer of
        the column (the name's four: five passes over a million packed pairs each)."""
        key = ("missing", column, other or column, space)
        if key not in self._same:
            distinct = self.distinct(column, other, space)[0]
            self._same[key] = ((distinct >> np.uint64(32)) == 0) | ((distinct & np.uint64(0xFFFFFFFF)) == 0)
        return self._same[key]

    def score(
        self,
        column: str,
        kind: str,
        cutoff: float | None,
        other: str | None = None,
        space: tuple[str, ...] | None = None,
        need: np.ndarray | None = None,
        test: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> np.ndarray:
        """Scorer value per pair (NaN when a value is missing). ``cutoff`` is the weakest threshold any level
        asks of this scorer: rapidfuzz stops early below it (similarity 0 / distance cutoff + 1).
        ``other`` and ``space``: the right record's column, and the columns sharing value codes.
        ``need`` (bool per pair): the pairs whose value is read; others may be NaN. Each distinct
        value pair is scored once per call, whichever level asks first. ``test``: instead of the values, the
        test's answer (a boolean per value) per pair, worked out on the distinct value pairs and gathered
        (a byte per pair, not eight; the test's answer is the same as on each pair's value)."""
        distinct, index, by_code = self.distinct(column, other, space)
        key = (column, kind, cutoff, other, space)
        if key not in self._scores:  # (the pairs with a value missing: NaN, never scored)
            self._scores[key] = (np.full(len(distinct), np.nan), self._missing(column, other, space).copy())
        values, done = self._scores[key]
        asked = self._asked.get(key)  # the pairs a call of this scorer needed so far: their values are worked out
        if not done.all() and (need is None or asked is None or (need & ~asked).any()):
            wanted = np.zeros(len(distinct), dtype=bool)
            wanted[index if need is None else index[need]] = True
            todo = np.flatnonzero(wanted & ~done)
            if len(todo):
                values[todo] = self._compute(kind, cutoff, column, space, distinct[todo], by_code)
                done[todo] = True
            # (a ladder's later levels need fewer pairs than its first of this scorer: found without the gathers)
            if need is not None:
                self._asked[key] = need if asked is None else asked | need
        if test is not None:
            return test(values)[index]
        return values[index]

    def _compute(
        self,
        kind: str,
        cutoff: float | None,
        column: str,
        space: tuple[str, ...] | None,
        packed: np.ndarray,
        by_code: pl.Series,
    ) -> np.ndarray:
        """Scorer value of each distinct (left code, right code) pair in ``packed``. Pairs a cheap per-value test
        rules out (word masks, lengths) get the scorer's answer without running it."""
        a = (packed >> np.uint64(32)).astype(np.int64) - 1
        b = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64) - 1
        values = np.zeros(len(packed))
        if kind == "word_subset":  # 1.0 when every word of one value is a word of the other
            self._word_subset(column, space, a, b, by_code, values)
            return values
        if kind == "word_subset_typo":  # the shorter value has at most one word the longer lacks
            self._word_subset_typo(column, space, a, b, by_code, values)
            return values
        if kind == "levenshtein" and cutoff is not None:  # more characters apart than the cutoff: cutoff + 1
            maybe = self._near(cutoff, column, space, a, b)
            values[:] = cutoff + 1
            a, b = a[maybe], b[maybe]
        else:
            maybe = slice(None)
        self._scored(kind, cutoff, column, space, a, b, maybe, by_code, values)
        return values

    def _word_subset(
        self,
        column: str,
        space: tuple[str, ...] | None,
        a: np.ndarray,
        b: np.ndarray,
        by_code: pl.Series,
        values: np.ndarray,
    ) -> None:
        """``_compute``'s word_subset values put in ``values``: 1.0 when every word of one value is a word of the
        other (only where the words' bloom masks allow it)."""
        bloom = self.value_codes.per_code("bloom", column, space)
        ba, bb = bloom[a], bloom[b]
        maybe = np.flatnonzero(((ba & ~bb) == 0) | ((bb & ~ba) == 0))
        table = self.value_codes.word_matrix(column, space) if len(maybe) else None
        if table is not None:  # on word codes: a value lacking no word of the other
            x, y = np.take(table[0], a[maybe], axis=0), np.take(table[0], b[maybe], axis=0)  # (_ROWS)
            values[maybe] = ~_only_words(x, y, once=False).any(axis=1) | ~_only_words(y, x, once=False).any(axis=1)
        elif len(maybe):
            left, right = by_code.gather(pl.Series(a[maybe])), by_code.gather(pl.Series(b[maybe]))
            subset = (pl.col("da").list.len() == 0) | (pl.col("db").list.len() == 0)
            values[maybe] = _word_diff(left, right).select(subset.cast(pl.Float64)).to_series().to_numpy()

    def _word_subset_typo(
        self,
        column: str,
        space: tuple[str, ...] | None,
        a: np.ndarray,
        b: np.ndarray,
        by_code: pl.Series,
        values: np.ndarray,
    ) -> None:
        """``_compute``'s word_subset_typo values put in ``values``: the shorter value has at most one word the
        longer lacks (only where the words' counts and bloom masks allow it)."""
        per_code = self.value_codes.per_code
        bloom, words = per_code("bloom", column, space), per_code("words", column, space)
        a_short = words[a] < words[b]
        short, long = np.where(a_short, bloom[a], bloom[b]), np.where(a_short, bloom[b], bloom[a])
        maybe = np.flatnonzero((words[a] != words[b]) & (np.bitwise_count(short & ~long) <= 1))
        if len(maybe):
            table = self.value_codes.word_matrix(column, space)
            if table is not None:  # on word codes (numpy); the same answer as on the words' text
                values[maybe] = _words_missing_typo_coded(*table, a[maybe], b[maybe], words[a[maybe]], words[b[maybe]])
            else:
                left, right = by_code.gather(pl.Series(a[maybe])), by_code.gather(pl.Series(b[maybe]))
                values[maybe] = _words_missing_typo(left, right)

    def _near(
        self, cutoff: float, column: str, space: tuple[str, ...] | None, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        """The distinct pairs (positions) a levenshtein ``cutoff`` may hold: the others more characters apart."""
        per_code = self.value_codes.per_code
        # two bounds from below on the distance, per value: the lengths' difference, and half the characters
        # (their masks' bits, ``per_code("chars")``) one value holds and the other not. At 1M people the masks
        # leave 91k of the 504k random name pairs the lengths leave (u), 702k of 1,036k distinct candidate pairs
        length, chars = per_code("length", column, space), per_code("chars", column, space)
        near = np.abs(length[a] - length[b]) <= cutoff
        near &= np.bitwise_count(chars[a] ^ chars[b]) <= 2 * cutoff
        maybe = np.flatnonzero(near)
        del near
        if len(maybe):  # and where the characters' counts (``_counts_apart``) leave them near: at 1M people the
            # masks leave 757,921 of the candidates' distinct name pairs, the counts 210,808 (~125k are 2 edits apart)
            maybe = maybe[_counts_apart(per_code("char_counts", column, space), a[maybe], b[maybe]) <= cutoff]
        return maybe

    def _scored(
        self,
        kind: str,
        cutoff: float | None,
        column: str,
        space: tuple[str, ...] | None,
        a: np.ndarray,
        b: np.ndarray,
        maybe: np.ndarray | slice,
        by_code: pl.Series,
        values: np.ndarray,
    ) -> None:
        """``_compute``'s scorer run on the pairs (a, b) put in ``values[maybe]``: common_words' rarest differing
        word, else the rapidfuzz scorer of ``kind``."""
        table = self.value_codes.word_matrix(column, space) if kind == "common_words" and space is None else None
        if table is not None:  # on word codes: each word code's share looked up once per column
            values[maybe] = _rarest_differing_word_coded(
                np.take(table[0], a, axis=0), np.take(table[0], b, axis=0), self.value_codes.word_code_shares(column)
            )
        elif kind == "common_words":  # share of the rarest word the values differ in (0: no word on a side)
            left, right = by_code.gather(pl.Series(a)), by_code.gather(pl.Series(b))
            values[maybe] = _rarest_differing_word(left, right, self.value_codes.word_shares(column))
        elif len(a):
            # the values' Python strings made once per code and gathered by reference (made per pair, the string
            # lists cost as much as the scorer)
            strings = self.value_codes.strings(column, space)
            scorer, kwargs = _SCORERS[kind]
            # (the gathered arrays of strings themselves: rapidfuzz reads any sequence, and a list of each cost a
            # tenth of the scorer's time more: u's 125k folded addresses' ratio 0.080 -> 0.073 CPU s)
            values[maybe] = process.cpdist(
                strings[a],
                strings[b],
                scorer=scorer,
                scorer_kwargs=kwargs,
                score_cutoff=cutoff,
                workers=-1,
            )


# _ROWS: a table's rows gathered by ``np.take(table, rows, axis=0)``, not ``table[rows]``: numpy's fancy index copies a
# row an element at a time, take a row at once (a million rows of four Int32: 17.9 against 2.3 ms; the same rows)

CHAR_BUCKETS = 32  # ``_char_counts``' buckets: a character's is its code point's low five bits ("a"-"z", " " apart)


def _char_counts(counts: np.ndarray, word_codes: np.ndarray, by_word: pl.Series) -> np.ndarray:
    """Per value, its characters counted by bucket (a character's: its code point's low five bits), at most 255 in
    one, as rows of CHAR_BUCKETS UInt8; from ``ValueCodes._split``'s words of the values (each value's number of words,
    their codes one value after another, the text of each word code): a value's counts are its words' and the
    spaces between them (its words less one)."""
    chars = (
        pl.DataFrame({"w": by_word.cast(pl.String)})
        .with_row_index("i")
        .select("i", pl.col("w").str.split(""))
        .explode("w")
        .filter(pl.col("w").str.len_bytes() > 0)  # (an empty word's one row: no character)
    )
    distinct = chars["w"].unique()
    points = pl.Series([ord(c) & (CHAR_BUCKETS - 1) for c in distinct.to_list()], dtype=pl.Int64)
    bucket = chars["w"].replace_strict(distinct, points, return_dtype=pl.Int64).to_numpy()
    per_word = np.bincount(
        chars["i"].to_numpy().astype(np.int64) * CHAR_BUCKETS + bucket, minlength=len(by_word) * CHAR_BUCKETS
    ).reshape(len(by_word), CHAR_BUCKETS)
    # each value's words added a word place at a time (its first words, then the second words of values holding two,
    # ...), not by numpy's reduceat over rows (0.29 of 0.34 CPU s for 168,791 names at 1M people; this way 0.05). In
    # two bytes capped at 255 after each sum: a count once past 255 stays past it, and two capped counts fit
    table = np.zeros((len(by_word) + 1, CHAR_BUCKETS), dtype=np.uint16)  # (row = word code; 0: no word)
    table[1:] = np.minimum(per_word, 255)
    out = np.zeros((len(counts), CHAR_BUCKETS), dtype=np.uint16)
    starts = np.cumsum(counts) - counts
    for place in range(int(counts.max()) if len(counts) else 0):
        rows = np.flatnonzero(counts > place)
        out[rows] += table[word_codes[starts[rows] + place]]
        np.minimum(out, 255, out=out)
    out[:, ord(" ") & (CHAR_BUCKETS - 1)] += np.minimum(np.maximum(counts - 1, 0), 255).astype(np.uint16)
    return np.minimum(out, 255).astype(np.uint8)


def _counts_apart(counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair of rows (``a``, ``b``) of ``_char_counts``, a bound from below on the two values' Levenshtein distance:
    the more of the characters one holds beyond the other's (a multiset's difference), counted by bucket. An edit
    (a character inserted, deleted or replaced) changes each side's excess by one at most, and characters sharing
    a bucket, or past 255 of one, only make the excesses smaller."""
    left, right = np.take(counts, a, axis=0), np.take(counts, b, axis=0)  # (_ROWS)
    top = np.maximum(left, right)
    beyond_left = (top - right).sum(axis=1, dtype=np.uint16)  # (max(x - y, 0) in UInt8: top - y is never negative)
    beyond_right = (top - left).sum(axis=1, dtype=np.uint16)
    return np.maximum(beyond_left, beyond_right)


def _char_masks(values: pl.Series) -> np.ndarray:
    """Per value, a 64-bit mask of its characters (code points; a character's bit: its hash's low 6 bits), 0 for
    an empty or missing value. Equal characters, equal bits: a value's mask is the set of its characters' bits,
    whatever their order and repeats."""
    chars = (
        pl.DataFrame({"v": values.cast(pl.String)})
        .with_row_index("i")
        .select("i", pl.col("v").str.split(""))
        .explode("v")
    )
    rows = chars["i"].to_numpy()
    bits = np.left_shift(np.uint64(1), chars["v"].hash().to_numpy() & np.uint64(63))
    bits[chars["v"].is_null().to_numpy()] = 0  # (an empty value's one row, or a missing one's)
    out = np.zeros(len(values), dtype=np.uint64)
    if len(rows):
        starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
        out[rows[starts]] = np.bitwise_or.reduceat(bits, starts)
    return out


def _word_diff(left: pl.Series, right: pl.Series, counts: bool = False) -> pl.DataFrame:
    """Per value pair (row ``i``), the words of the left value the right lacks (``da``) and those of the right
    the left lacks (``db``), values split on spaces; with ``counts`` also each side's number of words
    (``na``, ``nb``). Words are counted with their repeats (a multiset): "vu van vu" lacks no word of "vu van"
    but "vu van lan" lacks its second "vu", so "vu van vu" / "vu van lan" differ in a word on each side (two
    people's given names, Vũ and Lan), not in a dropped middle name."""
    wa, wb = pl.col("a").str.split(" "), pl.col("b").str.split(" ")
    lengths = [wa.list.len().alias("na"), wb.list.len().alias("nb")] if counts else []
    frame = pl.DataFrame({"a": left, "b": right}).with_row_index("i")

    # each word with its repeat number in the value after _REPEAT ("vu" 1, "van" 1, "vu" 2), listed per row: the set
    # difference of these lists is the multiset difference of the words
    def tagged(side: str) -> pl.DataFrame:
        words = frame.select("i", pl.col(side).str.split(" ").alias("w")).explode("w")
        words = words.with_columns(
            pl.when(pl.col("w").is_not_null()).then(
                pl.concat_str(pl.col("w"), pl.lit(_REPEAT), pl.col("w").cum_count().over("i", "w").cast(pl.String))
            )
        )
        return words.group_by("i", maintain_order=True).agg(pl.col("w").drop_nulls()).sort("i")

    untag = pl.element().str.split(_REPEAT).list.first()
    ta, tb = tagged("a")["w"], tagged("b")["w"]
    return frame.select(
        "i",
        *lengths,
        ta.list.set_difference(tb).list.eval(untag).alias("da"),
        tb.list.set_difference(ta).list.eval(untag).alias("db"),
    )


_REPEAT = "\x00"  # in _word_diff: between a word and its repeat number (no name holds it)


def _rarest_differing_word(left: pl.Series, right: pl.Series, shares: pl.DataFrame) -> np.ndarray:
    """Per value pair, the share of the rarest word the two values differ in (0.0 unless both sides have a
    word the other lacks): a level's ``common_words`` holds where it is at least the level's threshold, so
    the words are split and looked up once per column, whatever thresholds the levels ask."""
    diff = _word_diff(left, right)
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
    diff = _word_diff(left, right, counts=True)
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
    out = np.zeros(len(diff))
    if words.height:
        # each distinct (short word, long word) pair scored once: names share their words (673k word pairs of the
        # 341k value pairs at 1M people; their text handed to rapidfuzz cost more than the distances)
        distinct = words.select("short", "long").unique()
        distance = process.cpdist(
            distinct["short"].to_list(),
            distinct["long"].to_list(),
            scorer=Levenshtein.distance,
            score_cutoff=1,
            workers=-1,
        )
        close = distinct.filter(pl.Series(np.asarray(distance) <= 1))
        hit = words.join(close, on=["short", "long"], how="semi")["i"].unique().to_numpy()
        out[hit] = 1.0
    return out


def _only_words(x: np.ndarray, y: np.ndarray, once: bool = True) -> np.ndarray:
    """Per row of two word-code tables (0: no word), where ``x`` holds a word ``y`` lacks, words counted with their
    repeats (``_word_diff``): a word's k-th place in its row is marked when ``y``'s row holds it fewer than k times.
    A column at a time (a handful of words): one pass over the rows each. (``once`` is kept for the callers: a
    repeated word's places are each a word of their own.) The tables' columns are turned into contiguous rows first
    and each count summed from whole-row comparisons: numpy's sums along rows of a few words cost about seven times
    as much (at 1M people 0.2 CPU s a chunk of 1.4M candidate pairs)."""
    xt, yt = np.ascontiguousarray(x.T), np.ascontiguousarray(y.T)
    count = np.uint8 if max(len(xt), len(yt)) < 255 else np.int64
    only = np.empty(xt.shape, dtype=bool)
    for j, word in enumerate(xt):
        seen = np.ones(len(word), dtype=count)  # this place is the word's seen-th in the row
        for k in range(j):
            seen += xt[k] == word
        held = np.zeros(len(word), dtype=count)
        for other in yt:
            held += other == word
        only[j] = (word != 0) & (seen > held)
    return only.T


def _rarest_differing_word_coded(x: np.ndarray, y: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``_rarest_differing_word`` of value pairs given as rows of word codes (``ValueCodes.word_matrix``), ``shares``
    the share of each word code (index = word code - 1): the same minimum over the same words, in numpy."""
    only_x, only_y = _only_words(x, y, once=False), _only_words(y, x, once=False)
    rarest = np.minimum(
        np.where(only_x, shares[x - 1], np.inf).min(axis=1, initial=np.inf),
        np.where(only_y, shares[y - 1], np.inf).min(axis=1, initial=np.inf),
    )
    return np.where(only_x.any(axis=1) & only_y.any(axis=1), rarest, 0.0)


def _words_missing_typo_coded(
    matrix: np.ndarray, strings: np.ndarray, a: np.ndarray, b: np.ndarray, na: np.ndarray, nb: np.ndarray
) -> np.ndarray:
    """``_words_missing_typo`` of value pairs given as codes (``a``, ``b``: rows of ``ValueCodes.word_matrix``'s
    ``matrix``; ``na``, ``nb``: their numbers of words), worked out on word codes in numpy: the words one value lacks
    are compared as integers (the Polars set differences of the words' text cost three quarters of the time), and
    each distinct (short word, long word) pair is handed to the scorer once, as text from ``strings``."""
    out = np.zeros(len(a))
    a_short = (na < nb)[:, None]
    rows_a, rows_b = np.take(matrix, a, axis=0), np.take(matrix, b, axis=0)  # (_ROWS; each gathered once)
    short = np.where(a_short, rows_a, rows_b)
    long = np.where(a_short, rows_b, rows_a)
    del rows_a, rows_b
    short_only, long_only = _only_words(short, long), _only_words(long, short)
    rows = np.flatnonzero((na != nb) & (short_only.sum(axis=1) == 1) & long_only.any(axis=1))
    if not len(rows):
        return out
    word = short[rows][short_only[rows]]  # the one word of each row's shorter value that the longer lacks
    longs = long_only[rows]
    per_row = longs.sum(axis=1)
    pair = (np.repeat(word, per_row).astype(np.uint64) << np.uint64(32)) | long[rows][longs].astype(np.uint64)
    distinct, inverse = np.unique(pair, return_inverse=True)
    distance = process.cpdist(
        strings[(distinct >> np.uint64(32)).astype(np.int64) - 1],
        strings[(distinct & np.uint64(0xFFFFFFFF)).astype(np.int64) - 1],
        scorer=Levenshtein.distance,
        score_cutoff=1,
        workers=-1,
    )
    close = (np.asarray(distance) <= 1)[inverse.reshape(-1)]
    out[np.repeat(rows, per_row)[close]] = 1.0
    return out


# dtypes whose values are equal exactly when their text is: exact levels compare their value codes
_CODED_EXACT = (pl.String, pl.Categorical, pl.Enum, pl.Date, pl.Boolean)


def _date_digits(values: pl.Series) -> tuple[np.ndarray, ...]:
    """Per date: its eight digits written YYYYMMDD (years 0-9999) as the eight bytes of a UInt64, the same
    with day and month swapped, the year, month*100+day (0 when missing) and whether it is there. The digits
    are worked out once per distinct date (a city has tens of thousands of birth dates, not millions)."""
    parts = pl.DataFrame({"v": values}).select(
        y=pl.col("v").dt.year(), m=pl.col("v").dt.month(), d=pl.col("v").dt.day()
    )
    y, m, d = (parts[c].fill_null(0).to_numpy().astype(np.int64) for c in ("y", "m", "d"))
    powers = 10 ** np.arange(7, -1, -1, dtype=np.int64)

    def packed(number: np.ndarray) -> np.ndarray:
        distinct, inverse = np.unique(number, return_inverse=True)
        digits = np.ascontiguousarray((distinct[:, None] // powers % 10).astype(np.uint8))
        return digits.view(np.uint64).ravel()[inverse]

    return (
        packed(y * 10_000 + m * 100 + d),
        packed(y * 10_000 + d * 100 + m),
        y,
        m * 100 + d,
        values.is_not_null().to_numpy(),
    )


_LOW_NIBBLES, _LOW_PAIRS, _LOW_BITS = (np.uint64(int(f"0x{b * 8}", 16)) for b in ("0f", "03", "01"))


def _narrow_signed(values: np.ndarray) -> np.ndarray:
    """Integers as the narrowest signed type holding them within half its range, so that the difference of two (as
    the levels take it) does not wrap round: a year as Int16, a month or day as Int8; else as they are."""
    if not len(values) or values.dtype.kind not in "iu":
        return values
    top = max(abs(int(values.min())), abs(int(values.max())))
    for kind in (np.int8, np.int16, np.int32):
        if top < np.iinfo(kind).max // 2:
            return values.astype(kind)
    return values


def _bytes_apart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How many of the eight bytes of two UInt64s differ."""
    z = x ^ y
    z = (z | (z >> np.uint64(4))) & _LOW_NIBBLES
    z = (z | (z >> np.uint64(2))) & _LOW_PAIRS
    z = (z | (z >> np.uint64(1))) & _LOW_BITS
    return np.bitwise_count(z)


_NIBBLE_LOW_BITS = np.uint64(0x1111111111111111)


_LENGTH_NIBBLE = np.uint64(0xF0)  # ``ValueCodes.keyed_nibbles``' length: the low byte's high nibble


def _nibbles_apart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How many of the 16 four-bit nibbles of two UInt64s differ (UInt8)."""
    return _nibbles_set(np.bitwise_xor(x, y))


def _nibbles_set(z: np.ndarray) -> np.ndarray:
    """How many of the 16 four-bit nibbles of each UInt64 are not 0 (UInt8; ``z`` is overwritten): each nibble's bits
    are or-ed into its lowest bit (two shifts: bits shifted in from the nibble above reach its two highest bits only),
    those counted."""
    shifted = z >> np.uint64(2)
    z |= shifted
    np.right_shift(z, np.uint64(1), out=shifted)
    z |= shifted
    z &= _NIBBLE_LOW_BITS
    return np.bitwise_count(z)


def _typo_of_digits(
    left: tuple[np.ndarray, ...], right: tuple[np.ndarray, ...], l: np.ndarray | None, r: np.ndarray | None
) -> np.ndarray:
    """From ``_date_digits`` of both sides (of rows, or codes, ``l`` and ``r`` when given), per pair: a year off by one, or
    the dates written YYYYMMDD (years 0-9999) one digit apart, or one digit apart from the other with its day
    and month swapped; False when either is missing (a boolean per pair: the answer is read only as true or not)."""
    (wa, _, ya, mda, ha), (wb, sb, yb, mdb, hb) = left, right
    if l is not None and r is not None:
        l, r = l.astype(np.intp, copy=False), r.astype(np.intp, copy=False)  # (each gathers four times or five)
        wa, ya, mda, ha = wa[l], ya[l], mda[l], ha[l]
        wb, sb, yb, mdb, hb = wb[r], sb[r], yb[r], mdb[r], hb[r]
    holds = ((np.abs(ya - yb) == 1) & (mda == mdb)) | (_bytes_apart(wa, wb) <= 1) | (_bytes_apart(wa, sb) <= 1)
    holds &= ha
    holds &= hb
    return holds


_DATE_PART_KINDS = ("date_swap", "date_within", "year_off", "same_year", "year_only")


def _date_level(level: Level, left: tuple[np.ndarray, ...], right: tuple[np.ndarray, ...]) -> np.ndarray:
    """A date level of each pair from ``_PairColumns.date_sides`` (False when either date is missing): the same
    answers as the date expressions below, on integers per record gathered once per pair."""
    ya, ma, da, xa, ha = left
    yb, mb, db, xb, hb = right
    match level.kind:
        case "date_swap":
            holds = (ya == yb) & (ma == db) & (da == mb) & (xa != xb)
        case "date_within":
            holds = np.abs(xa - xb) <= level.days
        case "year_off":
            holds = (np.abs(ya - yb) == 1) & (ma == mb) & (da == db)
        case _:  # same_year, year_only
            holds = ya == yb
    return holds & ha & hb


def _holds(
    level: Level,
    column: str,
    cols: _PairColumns,
    cutoffs: dict[str, float],
    other: str | None = None,
    space: tuple[str, ...] | None = None,
    need: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean per pair (False when either value is missing); ``other``: the right record's column.
    ``need``: the pairs whose answer is read (string scorers run only for these)."""
    match level.kind:
        case "exact" if isinstance(cols.work.schema[column], _CODED_EXACT):  # ``other``: only with shared codes
            ca, cb, _ = cols.codes(column, other, space)  # equal values have equal codes
            return (ca == cb) & (ca != 0)
        case "word_subset" | "word_subset_typo":
            return cols.score(column, level.kind, None, other, space, need, lambda s: s == 1.0)
        case "jaro_winkler" | "token_set" | "ratio":
            least = level.threshold * (1.0 if level.kind == "jaro_winkler" else 100.0)
            holds = cols.score(column, level.kind, cutoffs.get(level.kind), other, space, need, lambda s: s >= least)
            return _common(holds, level, column, cols, other, space, need)
        case "levenshtein":
            most = level.distance
            holds = cols.score(column, level.kind, cutoffs.get(level.kind), other, space, need, lambda s: s <= most)
            return _common(holds, level, column, cols, other, space, need)
        case "one_digit":
            # IDs of digits or short ASCII: differing characters counted per pair in numpy, no string scorer
            distance = cols.digits_apart(column, other, space)
            if distance is not None and level.distance < 16:  # (16 where the lengths differ or a value is missing)
                return distance <= level.distance
            if distance is None:
                distance = cols.score(column, level.kind, cutoffs.get(level.kind), other, space, need)
            return cols.same("length", column, other, space) & (distance <= level.distance)
    if level.kind == "date_typo":  # digits of each date (per code) once, then compared per needed pair
        left, right = (cols.value_codes.narrow_dates("digits", c) for c in (column, other or column))
        ca, cb = cols._side(column, None, 0), cols._side(other or column, None, 1)
        if need is None:
            return _typo_of_digits(left, right, ca, cb)
        rows = np.flatnonzero(need)
        holds = np.zeros(len(need), dtype=bool)
        typo = _typo_of_digits(left, right, ca[rows], cb[rows])
        holds[rows] = typo
        return holds
    if level.kind in _DATE_PART_KINDS and cols.work.schema[column] == pl.Date == cols.work.schema[other or column]:
        return _date_level(level, *cols.date_sides(column, other or column))
    a, b = cols.sides(column, other)
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
        case "year_off":
            da, db = pl.col("a"), pl.col("b")
            expr = (
                ((da.dt.year().cast(pl.Int32) - db.dt.year().cast(pl.Int32)).abs() == 1)
                & (da.dt.month() == db.dt.month())
                & (da.dt.day() == db.dt.day())
            )
        case "same_year" | "year_only":  # year_only: only on pairs where a side is coarser than a day
            expr = pl.col("a").dt.year() == pl.col("b").dt.year()
        case "numeric_within":
            expr = (pl.col("a").cast(pl.Float64) - pl.col("b").cast(pl.Float64)).abs() <= level.distance
        case _:
            raise ValueError(f"unknown level kind {level.kind}")
    return pl.DataFrame({"a": a, "b": b}).select(expr.fill_null(False)).to_series().to_numpy()


def _common(
    holds: np.ndarray,
    level: Level,
    column: str,
    cols: _PairColumns,
    other: str | None,
    space: tuple[str, ...] | None,
    need: np.ndarray | None = None,
) -> np.ndarray:
    """``holds`` and, with the level's ``common_words``, the values differ only in common words (looked up
    only for needed pairs where ``holds`` is true)."""
    if level.common_words is None:
        return holds
    where = holds if need is None else holds & need
    least = level.common_words
    return holds & cols.score(column, "common_words", None, other, space, where, lambda s: s >= least)


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


BY_VALUES_SHARE = 0.6  # a comparison is worked out on distinct value pairs when they are fewer than this share


def _source_of(comp: Comparison, work: pl.DataFrame, codes: ValueCodes) -> str | None:
    """The one column whose value decides every value the comparison reads (a pair's level is then a function of
    its two records' ``ValueCodes.source_codes`` of it): each column it reads is that column or derived from it and
    coded through it, a date's precision is the source's own (in its source codes); None for any other comparison
    (a mixed one, one of exact levels only, columns of two sources, a source without codes)."""
    if comp.mixed or all(level.kind == "exact" for level in comp.levels):  # (codes compared per pair cost less)
        return None
    read = set(comp.columns) | {c for level in comp.levels for c in (level.columns or ())}
    sources = {codes.sources.get(c, c) for c in read}
    if len(sources) != 1:
        return None
    source = sources.pop()
    if source not in work.columns or any(
        c != source and precision_column(c) in work.columns for c in read
    ):  # (a derived column's own precision would be read beside it)
        return None
    if not all(codes.follows(c, source) for c in read):
        return None
    return source if codes.source_codes(source) is not None else None


def by_source(comparisons: Iterable[Comparison], work: pl.DataFrame, codes: ValueCodes) -> dict[str, list[Comparison]]:
    """The comparisons whose values all follow one column (:func:`_source_of`), grouped by that column."""
    groups: dict[str, list[Comparison]] = {}
    for comp in comparisons:
        source = _source_of(comp, work, codes)
        if source is not None:
            groups.setdefault(source, []).append(comp)
    return groups


def _distinct_pairs(a: np.ndarray, b: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """For code pairs (``a``, ``b``: codes under ``count``), a position of each distinct pair (the first) and each
    position's distinct pair (its number among them); None when they are not fewer than BY_VALUES_SHARE of the pairs.
    Found by one sort of the pair and its position packed in a word, else by ``np.unique``."""
    n = len(a)
    if not n:
        return None
    key = a.astype(np.uint64)  # (in place from here: each temporary of the pairs is 8 bytes a pair)
    key *= np.uint64(count)
    key += b.astype(np.uint64, copy=False)
    place = max((n - 1).bit_length(), 1)
    if (count * count - 1).bit_length() + place <= _WORD_BITS:
        key <<= np.uint64(place)
        key |= np.arange(n, dtype=np.uint64)
        key.sort()
        position = np.bitwise_and(key, np.uint64((1 << place) - 1)).view(np.int64)  # (under 2**63: the same)
        key >>= np.uint64(place)
        first = np.empty(n, dtype=bool)
        first[:1] = True
        np.not_equal(key[1:], key[:-1], out=first[1:])
        del key
        if np.count_nonzero(first) >= BY_VALUES_SHARE * n:
            return None
        inverse = np.empty(n, dtype=np.uint32 if n < 1 << 32 else np.uint64)
        number = np.cumsum(first, dtype=inverse.dtype)
        number -= 1
        inverse[position] = number
        return position[first], inverse
    _, some, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(some) >= BY_VALUES_SHARE * n:
        return None
    return some, inverse.reshape(-1)


def comparison_levels(
    work: pl.DataFrame,
    l: pl.Series,
    r: pl.Series,
    comparisons: tuple[Comparison, ...],
    codes: ValueCodes | None = None,
    by_values: bool = False,
    threads: int = 1,
) -> pl.DataFrame:
    """One Int8 column per comparison: the level index of each (l, r) pair, null when missing.

    A date column with year-only (or month-only) values holds only ``same_year`` levels
    where either side is coarser than a day; without such a level that pair is missing.
    A ``mixed`` comparison compares values of the same length across all its columns;
    values of different lengths (a CMND against a CCCD) are not compared: neutral, unless the
    ladder has a ``not_comparable`` level, and a value on one side only is its ``one_side``
    level if it has one (``SIDE_KINDS``: they hold only where no value pair is compared).

    Pass the same ``codes`` to every call on one table so value codes are built once.

    ``by_values``: a comparison whose values all follow one column (``_source_of``: the name's levels read the full
    name and columns derived from it) is worked out once per distinct pair of that column's values and gathered
    back to the pairs (candidate pairs repeat them: at 1M people 2.0M distinct full-name pairs of 5.6M pairs), when
    they are fewer than BY_VALUES_SHARE of the pairs; the same levels either way. ``threads``: with ``by_values``,
    each column's distinct pairs are found side by side and each set of levels is worked out in this many parts at
    once (numpy, Polars and rapidfuzz release the GIL); the same levels (a pair's depend on its two records alone)."""
    codes = codes or ValueCodes(work)
    if not by_values or not len(l):
        return _levels(work, l, r, comparisons, codes)
    if threads <= 1:
        return _levels_by_values(work, l, r, comparisons, codes, _now, 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return _levels_by_values(work, l, r, comparisons, codes, pool.submit, threads)


def _now(task: Callable[..., Any], *args: Any) -> Future:
    """``task(*args)`` run here and now, as a done Future: ``_levels_by_values``' ``submit`` without threads."""
    done: Future = Future()
    done.set_result(task(*args))
    return done


def _parts(series: pl.Series, parts: int) -> list[pl.Series]:
    """``series`` (not empty) in ``parts`` slices of one size, the last maybe shorter."""
    size = max(-(-len(series) // parts), 1)
    return [series.slice(start, size) for start in range(0, len(series), size)]


def _levels_by_values(
    work: pl.DataFrame,
    l: pl.Series,
    r: pl.Series,
    comparisons: tuple[Comparison, ...],
    codes: ValueCodes,
    submit: Callable[..., Future],
    parts: int,
) -> pl.DataFrame:
    """``comparison_levels`` with ``by_values`` of at least one pair: each task through ``submit`` (a pool's, or
    ``_now``), each ``_levels`` call in ``parts`` parts, the levels of the distinct value pairs gathered back."""
    groups = by_source(comparisons, work, codes)

    def distinct(source: str) -> tuple[list, np.ndarray, int] | None:
        """The sides of each part of the source's distinct value pairs, each pair's number among them and how many
        there are (the row numbers converted and the parts' sides gathered here: with a pool, on its threads, not on
        the thread asking while they wait for it: at 1M people they idled 0.1 s of a 0.94 s step)."""
        code, count = codes.source_codes(source)
        found = _distinct_pairs(np.take(code, l.to_numpy()), np.take(code, r.to_numpy()), count)
        if found is None:
            return None
        some, inverse = found
        taken = pl.Series(some.astype(np.uint32) if len(l) < 1 << 32 else some)
        return [(l.gather(at), r.gather(at)) for at in _parts(taken, parts)], inverse, len(some)

    def per_pair(comps: tuple[Comparison, ...]) -> list[Future]:
        """``_levels`` of ``comps`` on every pair, in ``parts`` parts."""
        sides = zip(_parts(l, parts), _parts(r, parts), strict=True)
        return [submit(_levels, work, part_l, part_r, comps, codes) for part_l, part_r in sides]

    asked = {source: submit(distinct, source) for source in groups}
    tasks: dict[str | None, list[Future]] = {}
    found = {}
    for source, task in asked.items():  # (each source's levels asked as soon as its distinct pairs are there)
        found[source] = task.result()
        if found[source] is not None:
            tasks[source] = [
                submit(_levels, work, part_l, part_r, tuple(groups[source]), codes)
                for part_l, part_r in found[source][0]
            ]
    by_values = {source: comps for source, comps in groups.items() if found[source] is not None}
    # the other comparisons last: the pool works on them while this thread gathers the distinct pairs' levels back
    sourced = {comp.name for comps in by_values.values() for comp in comps}
    plain = tuple(comp for comp in comparisons if comp.name not in sourced)
    if plain:
        tasks[None] = per_pair(plain)
    out: dict[str, pl.Series] = {}
    for source, comps in by_values.items():
        levels = pl.concat([task.result() for task in tasks[source]], rechunk=True)
        back = pl.Series(found[source][1])
        for comp in comps:
            out[comp.name] = levels[comp.name].gather(back)
    if plain:
        levels = pl.concat([task.result() for task in tasks[None]], rechunk=True)
        out.update({comp.name: levels[comp.name] for comp in plain})
    # (a line per compare step; the many small calls, u's random pairs and a chunk's, only when debugging)
    (log.info if parts > 1 else log.debug)(
        "compared %s pairs (%s)",
        f"{len(l):,}",
        ", ".join(f"{source}: {found[source][2]:,} distinct" for source in by_values),
    )
    return pl.DataFrame([out[comp.name] for comp in comparisons]).rechunk() if comparisons else pl.DataFrame()


def _put(levels: np.ndarray, where: np.ndarray, level: int) -> None:
    """``levels[where] = level`` for Int8 levels (0 to 127) and a boolean ``where``, as arithmetic: each level moved by
    its distance to ``level`` where ``where`` holds, by 0 elsewhere. A boolean mask's assignment branches on every
    pair (3.9M pairs: 5-19 ms a level, the more the denser the mask is mixed); this costs about 1 ms."""
    levels -= (levels - np.int8(level)) * where.view(np.int8)


class _PairMasks:
    """``_levels``' masks per pair, each worked out once and kept: where a date is coarser than a day, where a
    column pair may hold a level of a kind, where both sides hold a value."""

    def __init__(self, work: pl.DataFrame, cols: _PairColumns, n: int) -> None:
        self.work, self.cols, self.n = work, cols, n
        self.coarse_cache: dict[tuple[str, str], np.ndarray | None] = {}
        self.compared_cache: dict[tuple, np.ndarray] = {}

    def coarser_than_day(self, column: str, side: int) -> np.ndarray:
        """Per pair, whether the left (side 0) or right record's date precision is there and not "day"."""
        cols = self.cols
        # (the precision's codes as ``narrow`` holds them: a byte a record, a table gathered from at a fraction the cost)
        codes, by_code = cols.value_codes.narrow(column), cols.value_codes.values(column)
        table = np.concatenate([[False], (by_code != "day").fill_null(False).to_numpy()])
        return table[codes[cols._l if side == 0 else cols._r]]

    def coarse(self, a: str, b: str) -> np.ndarray | None:
        """True where either side's date is coarser than a day (None: no coarse dates in these columns)."""
        coarse_cache, work, n = self.coarse_cache, self.work, self.n
        if (a, b) not in coarse_cache:
            pa, pb = precision_column(a), precision_column(b)
            if pa not in work.columns and pb not in work.columns:
                coarse_cache[(a, b)] = None
            else:
                left = self.coarser_than_day(pa, 0) if pa in work.columns else np.zeros(n, dtype=bool)
                right = self.coarser_than_day(pb, 1) if pb in work.columns else np.zeros(n, dtype=bool)
                coarse_cache[(a, b)] = left | right
        return coarse_cache[(a, b)]

    def both_present(self, a: str, b: str, space: tuple[str, ...] | None) -> np.ndarray:
        assert a == b or space is not None  # two columns only in a mixed comparison: shared codes
        ca, cb, _ = self.cols.codes(a, b if b != a else None, space)  # a value is missing exactly when its code is
        return (ca != 0) & (cb != 0)

    def compared(self, a: str, b: str, space: tuple[str, ...] | None, kind: str | None) -> np.ndarray:
        """Per pair, where column ``a`` against ``b`` may hold a level of ``kind`` (None: any level): in a mixed
        comparison values of the same length; a ``year_only`` level only where a side's date is coarser than a
        day, a ``same_year`` level anywhere, other levels only on full dates."""
        n = self.n
        year = kind if kind in ("same_year", "year_only") else None
        key = (a, b, space, year)
        if key not in self.compared_cache:
            mask = self.cols.same("length", a, b if b != a else None, space) if space is not None else np.ones(n, bool)
            rough = self.coarse(a, b)
            if year == "year_only":
                mask = mask & rough if rough is not None else np.zeros(n, dtype=bool)
            elif year is None and rough is not None:
                mask = mask & ~rough
            self.compared_cache[key] = mask
        return self.compared_cache[key]


def _levels(
    work: pl.DataFrame, l: pl.Series, r: pl.Series, comparisons: tuple[Comparison, ...], codes: ValueCodes
) -> pl.DataFrame:
    """``comparison_levels`` of every pair (l, r), one by one."""
    cols = _PairColumns(work, l, r, codes)
    n = len(l)
    masks = _PairMasks(work, cols, n)
    out = {}
    for comp in comparisons:
        space = tuple(sorted(set(comp.columns) | {c for lv in comp.levels for c in (lv.columns or ())}))
        space = space if comp.mixed else None
        year_level = any(level.kind in ("same_year", "year_only") for level in comp.levels)
        present = np.zeros(n, dtype=bool)
        # (a column pair of a mixed comparison on which no pair is compared is skipped, here and for each level: at 1M
        # people a CCCD column's values are never of a CMND column's length)
        for a, b in _column_pairs(comp, comp.columns):
            where = masks.compared(a, b, space, "same_year" if year_level else None)
            if space is None or where.any():
                present |= masks.both_present(a, b, space) & where
        level_idx = np.full(n, len(comp.levels), dtype=np.int8)
        _value_levels(comp, cols, masks, space, present, level_idx)
        present |= _side_levels(comp, cols, space, present, level_idx)
        out[comp.name] = (
            pl.DataFrame({"level": level_idx, "present": present})
            .select(pl.when("present").then("level").alias(comp.name))
            .to_series()
        )
    return pl.DataFrame(out) if out else pl.DataFrame()


def _value_levels(
    comp: Comparison,
    cols: _PairColumns,
    masks: _PairMasks,
    space: tuple[str, ...] | None,
    present: np.ndarray,
    level_idx: np.ndarray,
) -> None:
    """The levels comparing value pairs put in ``level_idx``, strongest first, on the pairs ``present``."""
    n = masks.n
    cutoffs = _cutoffs(comp)
    decided = np.zeros(n, dtype=bool)
    for index, level in enumerate(comp.levels):
        if level.kind in SIDE_KINDS:
            continue
        # a pair already given a stronger level, or with a value missing, does not need this one's scorer
        need = present & ~decided
        holds = np.zeros(n, dtype=bool)
        for a, b in _column_pairs(comp, level.columns or comp.columns):
            # the scorers need not see the pairs this column pair cannot hold the level on
            where = masks.compared(a, b, space, level.kind)
            if space is not None and not where.any():
                continue
            holds |= _holds(level, a, cols, cutoffs, b if b != a else None, space, need & where) & where
        _put(level_idx, holds & ~decided, index)
        decided |= holds


def _side_levels(
    comp: Comparison,
    cols: _PairColumns,
    space: tuple[str, ...] | None,
    present: np.ndarray,
    level_idx: np.ndarray,
) -> np.ndarray:
    """The side levels (no value pair compared: which sides hold a value) put in ``level_idx`` on the pairs not
    ``present``; returns where one holds."""
    n = len(present)
    sided = np.zeros(n, dtype=bool)
    for index, level in enumerate(comp.levels):
        if level.kind in SIDE_KINDS:  # no value pair compared: which sides hold a value
            left, right = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
            for column in level.columns or comp.columns:
                ca, cb, _ = cols.codes(column, None, space)
                left |= ca != 0
                right |= cb != 0
            holds = (left ^ right) if level.kind == "one_side" else (left & right)
            holds &= ~present & ~sided
            _put(level_idx, holds, index)
            sided |= holds
    return sided


def level_labels(spec: MatchSpec) -> dict[str, list[str]]:
    """Human labels of each comparison's levels, the last being 'different'."""
    return {c.name: [lv.label for lv in c.levels] + ["different"] for c in spec.comparisons}
