"""blocking._list_codes_through spreads each picked list's codes to its records as lists gathered by Polars: every
record's rows in order, an empty list none and a missing list one (missing), UInt32 codes as before; checked against
each record's list exploded and coded one by one, here with several empty lists, a record per list and many."""

import numpy as np
import polars as pl

from pipelines.match.blocking import _exact_codes, _list_codes_through


def _spread_by_record(by_code: list, place: np.ndarray) -> None:
    values = pl.Series("k", [by_code[c] for c in place], dtype=pl.List(pl.String))
    picked = pl.Series([int(np.flatnonzero(place == c)[-1]) for c in range(len(by_code))], dtype=pl.UInt32)
    codes, positions, count = _list_codes_through(values, picked, pl.Series(place))
    exploded = values.to_frame().with_row_index("_i").explode("k")
    own, own_count = _exact_codes(exploded["k"])
    assert codes.dtype == np.uint32 and len(codes) == len(positions) == exploded.height
    assert positions.tolist() == exploded["_i"].to_list() and count == own_count
    assert np.array_equal(codes, own)  # (the same distinct values: the same numbering)


def test_empty_lists_have_no_row_and_missing_lists_one():
    _spread_by_record([[], ["a"], None, [], ["b", "a"], []], np.array([0, 3, 1, 5, 2, 4, 0, 2, 5], dtype=np.uint32))


def test_many_records_of_few_lists():
    rng = np.random.default_rng(3)
    words = ["an", "binh", "chi", "dung", "giang"]
    by_code = [None, []] + [list(rng.choice(words, size=int(rng.integers(1, 5)))) for _ in range(40)]
    _spread_by_record(
        by_code, np.concatenate([np.arange(len(by_code)), rng.integers(0, len(by_code), 3000)]).astype(np.uint32)
    )
