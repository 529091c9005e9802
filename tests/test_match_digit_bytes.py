"""The IDs' digit table (``ValueCodes.digit_bytes``, what the one_digit levels count differing digits on): each
value's digits right-aligned in 16 bytes, worked out a digit place at a time over contiguous rows (HS11)."""

from __future__ import annotations

import numpy as np
import polars as pl

import pipelines.match.compare as compare
from pipelines.match.compare import ValueCodes


def test_digit_bytes_hold_each_ids_digits_right_aligned():
    values = ["0", "7", "0012", "9999999999999999", "1000000000000000", "123456789012", "99999999", "100000000"]
    work = pl.DataFrame({"row": pl.Series(range(len(values)), dtype=pl.UInt32), "id": values})
    codes = ValueCodes(work, {})
    table = codes.digit_bytes("id")
    by_code = codes.get("id")[1].to_list()
    want = np.zeros((len(by_code) + 1, 16), dtype=np.uint8)
    for code, value in enumerate(by_code, start=1):
        want[code, 16 - len(value) :] = [int(ch) for ch in value]
    assert table.shape == (len(by_code) + 1, 2) and table.dtype == np.uint64
    assert np.array_equal(table.view(np.uint8), want)
    for other in ("12a", "+12", "-12", "", "12345678901234567", " 12", "１２"):  # (a sign: its number is read)
        assert ValueCodes(work.with_columns(pl.lit(other).alias("id")), {}).digit_bytes("id") is None, other


def _digit_table(values: list[str]) -> tuple[np.ndarray | None, list[str]]:
    work = pl.DataFrame({"row": pl.Series(range(len(values)), dtype=pl.UInt32), "id": values})
    codes = ValueCodes(work, {})
    return codes.digit_bytes("id"), codes.get("id")[1].to_list()


def test_ids_of_up_to_12_digits_are_read_in_their_arrow_views(monkeypatch):
    # IDs of 1 to 12 digits, leading zeros kept, one length or several: read from their views (``_inline_digits``),
    # the same table as from their numbers (the path of longer IDs, forced here by ``_inline_digits`` giving False)
    rnd = np.random.default_rng(5)
    mixed = ["".join(map(str, rnd.integers(0, 10, rnd.integers(1, 13)))) for _ in range(3000)]
    for values in (mixed, [f"{k:012d}" for k in rnd.integers(0, 10**12, 2000)], ["0", "00", "9"]):
        assert compare._inline_digits(pl.Series(values)) is not False  # (the views' path is the one taken)
        table, by_code = _digit_table(values)
        want = np.zeros((len(by_code) + 1, 16), dtype=np.uint8)
        for code, value in enumerate(by_code, start=1):
            want[code, 16 - len(value) :] = [int(ch) for ch in value]
        assert np.array_equal(table.view(np.uint8), want)
        with monkeypatch.context() as patched:
            patched.setattr(compare, "_inline_digits", lambda values: False)
            assert np.array_equal(_digit_table(values)[0], table)
    for other in ("12a", "+12", "-12", "", " 12", "１２", "1/2", ":9"):  # (bytes just under and over the digits)
        assert compare._inline_digits(pl.Series(["123", other])) is None, other
        assert _digit_table(["123", other])[0] is None, other
    assert compare._inline_digits(pl.Series(["1234567890123", "1"])) is False  # (13 bytes: not all in the views)
