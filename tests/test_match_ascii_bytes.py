"""The one_digit levels of IDs that are not all digits but short ASCII (a business's registration number "41A8012345", a
branch's tax code "0301234567-001") count a pair's differing characters on each value's bytes right-aligned in two
UInt64 (``ValueCodes.ascii_bytes``, ``_PairColumns.digits_apart``; HG2), not by rapidfuzz's Hamming distance over the
distinct value pairs: the same counts where both values are there and of one length, 16 elsewhere, and the same
levels as the string scorer gives."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz.distance import Hamming

from pipelines.match.compare import ValueCodes, _PairColumns, comparison_levels
from pipelines.match.spec import Comparison, Level


def _ids(rnd: np.random.Generator, n: int) -> list[str | None]:
    """``n`` IDs of 1-16 characters of a small alphabet (digits, letters, "-"), some missing, many a few characters
    from another."""
    alphabet = list("0123AB-z")
    out: list[str | None] = []
    for _ in range(n):
        if out and rnd.random() < 0.6 and out[-1] is not None:  # a copy of the last with 0-3 characters changed
            chars = list(out[-1])
            for place in rnd.integers(0, len(chars), rnd.integers(0, 4)):
                chars[place] = str(rnd.choice(alphabet))
            out.append("".join(chars))
        elif rnd.random() < 0.1:
            out.append(None)
        else:
            out.append("".join(rnd.choice(alphabet, rnd.choice([1, 3, 10, 14, 16]))))
    return out


def _pairs(rnd: np.random.Generator, n: int, count: int) -> tuple[pl.Series, pl.Series]:
    l = rnd.integers(0, n, count)  # noqa: E741 - the pairs' sides
    r = np.clip(l + rnd.integers(-3, 4, count), 0, n - 1)  # (neighbours: copies of each other)
    return pl.Series(l, dtype=pl.UInt32), pl.Series(r, dtype=pl.UInt32)


def test_ascii_ids_are_counted_apart_as_hamming_distance_counts_them():
    rnd = np.random.default_rng(7)
    ids = _ids(rnd, 3000)
    work = pl.DataFrame({"id": ids})
    l, r = _pairs(rnd, len(ids), 20_000)  # noqa: E741
    codes = ValueCodes(work, {})
    assert codes.digit_nibbles("id") is None and codes.ascii_bytes("id") is not None
    apart = _PairColumns(work, l, r, codes).digits_apart("id", None, None)
    assert apart is not None  # (before HG2: None, these IDs went to the string scorer)
    want = [
        Hamming.distance(ids[i], ids[j])
        if ids[i] is not None and ids[j] is not None and len(ids[i]) == len(ids[j])
        else 16
        for i, j in zip(l.to_list(), r.to_list(), strict=True)
    ]
    assert apart.dtype == np.uint8 and apart.tolist() == want
    assert {0, 1, 2, 3} <= set(want) and 16 in want
    sixteen = [
        i
        for i, (x, y) in enumerate(zip(l.to_list(), r.to_list(), strict=True))
        if ids[x] and ids[y] and len(ids[x]) == len(ids[y]) == 16
    ]
    assert len(sixteen) > 100 and max(want[i] for i in sixteen) >= 4  # (both words' bytes are counted)


def test_ascii_bytes_is_none_for_values_it_cannot_hold():
    assert ValueCodes(pl.DataFrame({"id": ["41A8", "Ă12"]}), {}).ascii_bytes("id") is None  # not ASCII
    assert ValueCodes(pl.DataFrame({"id": ["41A8", "1" * 17]}), {}).ascii_bytes("id") is None  # over 16 characters
    table = ValueCodes(pl.DataFrame({"id": ["41A8", None]}), {}).ascii_bytes("id")
    assert table.shape == (2, 2) and table.view(np.uint8)[1, -4:].tobytes() == b"41A8"  # (right-aligned)
    assert not table[0].any()  # row 0: a missing value


def test_id_levels_are_the_same_on_ascii_bytes_as_by_the_string_scorer():
    """One value that is not ASCII sends the whole column to the string scorer: every other pair's level comes out
    the same as on the bytes."""
    ids = Comparison(
        name="ids",
        columns=("id",),
        levels=(
            Level("exact", "exact"),
            Level("one_digit", "one_digit_off", distance=1),
            Level("one_digit", "two_digits_off", distance=2),
        ),
    )
    rnd = np.random.default_rng(8)
    values = _ids(rnd, 3000)
    work = pl.DataFrame({"id": values})
    l, r = _pairs(rnd, len(values) - 1, 40_000)  # noqa: E741 - (row n - 1 in no pair)
    assert ValueCodes(work, {}).ascii_bytes("id") is not None
    by_bytes = comparison_levels(work, l, r, (ids,))["ids"]
    odd = work.with_columns(pl.Series("id", values[:-1] + ["Ă12"]))
    assert ValueCodes(odd, {}).ascii_bytes("id") is None
    by_scorer = comparison_levels(odd, l, r, (ids,))["ids"]
    assert by_bytes.equals(by_scorer)
    assert set(by_bytes.drop_nulls().unique().to_list()) == {0, 1, 2, 3}  # (every level reached)
