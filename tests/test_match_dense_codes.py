"""Value codes' dense ranks without an argsort (compare._sorted_places, compare._few_places) and the id check's hash
sort (prepare._all_distinct): the same answers as np.unique / np.searchsorted / n_unique."""

import numpy as np
import polars as pl
import pytest

from pipelines.match.blocking import _exact_codes
from pipelines.match.compare import _dense, _few_places, _sorted_places, _value_codes
from pipelines.match.prepare import _all_distinct, check_input
from pipelines.match.spec import SpecError, load_spec


def _shared_tops(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` hashes drawn from n // 3 values, many of which share their top bits (all but the position's bits) and
    differ in the low ones: ``_sorted_places``' runs of equal top bits holding several values."""
    place = max((n - 1).bit_length(), 1)
    k = max(n // 3, 1)
    tops = rng.integers(0, max(k // 4, 2), size=k).astype(np.uint64) << np.uint64(place)
    values = tops | rng.integers(0, 1 << place, size=k).astype(np.uint64)
    return values[rng.integers(0, k, size=n)]


@pytest.mark.parametrize("n", [1, 2, 3, 8, 100, 1000, 70000])
def test_sorted_places_is_numpys_unique(n: int) -> None:
    rng = np.random.default_rng(n)
    for values in (_shared_tops(rng, n), rng.integers(0, 2**63, size=n).astype(np.uint64) * np.uint64(2)):
        distinct, inverse = np.unique(values, return_inverse=True)
        got_distinct, got_inverse = _sorted_places(values)
        assert np.array_equal(got_distinct, distinct)
        assert np.array_equal(got_inverse, inverse.reshape(-1))


def test_shared_top_bits_are_put_in_order() -> None:
    # two values one apart in the lowest bit, met in the other order: one run of equal top bits, two values
    values = np.array([5, 4, 5, 4, 4], dtype=np.uint64)
    distinct, inverse = _sorted_places(values)
    assert distinct.tolist() == [4, 5]
    assert inverse.tolist() == [1, 0, 1, 0, 0]


@pytest.mark.parametrize("k", [1, 2, 3, 14, 442, 1500, 5000])
def test_few_places_is_a_binary_search(k: int) -> None:
    rng = np.random.default_rng(k)
    values = rng.integers(0, 2**63, size=k).astype(np.uint64)[rng.integers(0, k, size=100_000)]
    distinct = np.unique(values)
    assert np.array_equal(_few_places(distinct, values), np.searchsorted(distinct, values))
    got_distinct, got_inverse = _dense(values)  # (its few-values path from 16,384 values)
    assert np.array_equal(got_distinct, distinct)
    assert np.array_equal(got_inverse, np.searchsorted(distinct, values))


def test_value_codes_of_text_as_before() -> None:
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(3000)]
    for pick in (3, 3000):
        values = pl.Series([words[i] for i in rng.integers(0, pick, size=50_000)] + [None])
        codes, by_code = _value_codes(values)
        hashes = values.drop_nulls().hash().to_numpy()
        expected = np.unique(hashes, return_inverse=True)[1].reshape(-1) + 1
        assert np.array_equal(codes.drop_nulls().to_numpy(), expected)
        assert codes[-1] is None
        assert (by_code.gather(codes.drop_nulls() - 1) == values.drop_nulls()).all()
        keys, count = _exact_codes(values)
        assert count == len(by_code) + 1
        assert keys[-1] == 0
        # the same partition of the values
        assert len(np.unique(np.stack([keys[:-1], codes.drop_nulls().to_numpy()]), axis=1)[0]) == count - 1


def test_all_distinct() -> None:
    assert _all_distinct(pl.Series(["a", "b", "c"]))
    assert not _all_distinct(pl.Series(["a", "b", "a"]))
    assert _all_distinct(pl.Series([], dtype=pl.String))
    assert not _all_distinct(pl.Series([3, 1, 3]))
    ids = pl.Series([f"id{i}" for i in range(20_000)])
    assert _all_distinct(ids)
    assert not _all_distinct(pl.concat([ids, ids.slice(12_345, 1)]))


def test_check_input_refuses_a_repeated_id() -> None:
    spec = load_spec("mappings/match/people.toml")
    frame = pl.DataFrame({c: pl.Series([None, None, None], dtype=pl.String) for c in spec.input_columns})
    frame = frame.with_columns(pl.Series(spec.id_column, ["x1", "x2", "x1"]))
    with pytest.raises(SpecError, match="not unique"):
        check_input(frame, spec)
    check_input(frame.with_columns(pl.Series(spec.id_column, ["x1", "x2", "x3"])), spec)
