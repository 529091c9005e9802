"""Work the compare step repeated per call, made once (HZ1): a column's per-code table padded for the pairs' gathers
(``ValueCodes.padded``), and the distinct value pairs with a value missing, shared by every scorer of the column
(``_PairColumns._missing``); rows of a table gathered by ``np.take(..., axis=0)`` (``_counts_apart``)."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.compare import ValueCodes, _counts_apart, _PairColumns


def _work() -> pl.DataFrame:
    names = ["an", "anh", None, "binh", "bình", "an", "thanh", None, "anh", "chau"]
    ids = ["0123", "12345", None, "7", "0123", "99999", None, "12", "123", "12345"]
    return pl.DataFrame({"row": pl.Series(range(len(names)), dtype=pl.UInt32), "name": names, "id": ids})


def test_padded_is_the_per_code_table_behind_a_zero_made_once():
    codes = ValueCodes(_work(), {})
    for what in ("length", "words"):
        table = codes.padded(what, "id")
        want = np.concatenate([[0], codes.per_code(what, "id")])
        assert table.tolist() == want.tolist() and table.dtype == np.uint8  # (lengths under 256: a byte)
        assert codes.padded(what, "id") is table  # (made once)
    lengths = codes.padded("length", "id")[codes.array("id")]
    assert lengths.tolist() == [len(v) if v is not None else 0 for v in _work()["id"]]


def test_scorers_share_the_missing_mask_and_keep_their_own_progress():
    work = _work()
    l, r = np.repeat(np.arange(10), 10), np.tile(np.arange(10), 10)  # (every ordered pair, missing values too)
    cols = _PairColumns(work, pl.Series(l, dtype=pl.UInt32), pl.Series(r, dtype=pl.UInt32), ValueCodes(work, {}))
    distance = cols.score("name", "levenshtein", 2)
    subset = cols.score("name", "word_subset", None)
    names = work["name"].to_list()
    for i, j, d, w in zip(l, r, distance, subset, strict=True):
        if names[i] is None or names[j] is None:
            assert np.isnan(d) and np.isnan(w)
        else:
            assert not np.isnan(d) and not np.isnan(w)
    missing = cols._missing("name", None, None)
    packed = cols.distinct("name")[0]
    assert missing.tolist() == [(p >> 32) == 0 or (p & 0xFFFFFFFF) == 0 for p in packed.tolist()]
    assert missing.sum() >= 3 and not missing.all()
    for _, done in cols._scores.values():  # (each scorer's own copy: every distinct pair now worked out or missing)
        assert done is not missing and done.all()
    assert (distance[(l == 0) & (r == 1)] == 1).all() and (subset[(l == 0) & (r == 5)] == 1.0).all()


def test_counts_apart_of_rows_taken_is_the_row_by_row_bound():
    rng = np.random.default_rng(2)
    counts = rng.integers(0, 6, (50, 32)).astype(np.uint8)
    a, b = rng.integers(0, 50, 400), rng.integers(0, 50, 400)
    want = [
        max(
            int(np.maximum(counts[i].astype(int) - counts[j], 0).sum()),
            int(np.maximum(counts[j].astype(int) - counts[i], 0).sum()),
        )
        for i, j in zip(a, b, strict=True)
    ]
    assert _counts_apart(counts, a, b).tolist() == want
