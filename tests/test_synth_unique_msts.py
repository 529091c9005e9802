"""The generator gives each taxpayer its own MST (pipelines/synth/registries.py `_unique_stems`): 7 random digits a
province prefix drew the same code for some 32,000 different businesses of a 14M city, which the business spec
rightly linked as one (precision 0.86 there, a generator artefact)."""

from __future__ import annotations

import numpy as np

from pipelines.synth.registries import _msts, _unique_stems, is_valid_mst, mst_check_digit


def test_codes_of_one_province_are_unique_and_valid():
    n = 200_000  # in 10^7 stems about 2,000 would be drawn twice
    codes = _msts(np.random.default_rng(7), np.array(["03"] * n), np.ones(n, dtype=bool))
    assert len(set(codes)) == n
    assert all(c.startswith("03") and is_valid_mst(c) for c in codes[:5_000])


def test_only_repeated_stems_are_drawn_again():
    rng = np.random.default_rng(3)
    d = np.zeros((6, 9), dtype=np.int64)
    d[:, 0], d[:, 1] = 0, 3
    d[:, 2:] = rng.integers(0, 10, size=(6, 7))
    while (bad := mst_check_digit(d) == 10).any():  # stems with a valid code, as _msts has them by then
        d[bad, 2:] = rng.integers(0, 10, size=(int(bad.sum()), 7))
    d[4] = d[1]  # a stem drawn twice
    d[5] = d[1]  # and a third time
    before = d.copy()
    check = _unique_stems(d, mst_check_digit(d), set())
    assert (d[[0, 1, 2, 3]] == before[[0, 1, 2, 3]]).all()  # the first holder and the others keep theirs
    assert len({tuple(row) for row in d.tolist()}) == 6
    assert (check == mst_check_digit(d)).all() and (check != 10).all()


def test_no_code_of_an_earlier_chunk_is_given_again():
    given: set[int] = set()
    n = 100_000  # a city is generated in chunks of people, each drawing its own businesses' codes
    first = _msts(np.random.default_rng(1), np.array(["80"] * n), np.ones(n, dtype=bool), given)
    second = _msts(np.random.default_rng(2), np.array(["80"] * n), np.ones(n, dtype=bool), given)
    assert len(given) == 2 * n
    assert not set(first) & set(second)
