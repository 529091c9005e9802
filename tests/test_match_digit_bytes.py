"""The IDs' digit table (``ValueCodes.digit_bytes``, what the one_digit levels count differing digits on): each
value's digits right-aligned in 16 bytes, worked out a digit place at a time over contiguous rows (HS11)."""

from __future__ import annotations

import numpy as np
import polars as pl

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
