"""compare._id_form_digits: the mixed ID comparison's digits, equal to standardise.id_form_digits, which it calls
only for the values that may differ from themselves (not for clean IDs that cannot be placeholders)."""

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_series_equal

import pipelines.match.compare as compare
from pipelines.standardise import id_form_digits

ODD = [
    "000000000",  # one digit repeated
    "111111111111",
    "123456789",  # runs up and down, wrapping 9 -> 0
    "987654321",
    "012345678",
    "890123456",
    "098765432",
    "123456789012",
    "121212121",  # steps that change: no placeholder
    "112345678",
    "122222222",
    "100000000",
    "1234 56789",  # separators, a spreadsheet's '.0', surrounding space
    "12.345.678-9",
    "079_123_456_789",
    " 079123456789 ",
    "79082688035.0",
    "+12345678",  # signs, which a reading of the number takes (9 and 12 characters)
    "-00000000",
    "+12345678901",
    "-12345678901",
    "12345678",  # other lengths, junk, empty, missing
    "1234567890",
    "0",
    "",
    "abc",
    None,
    "٠١٢٣٤٥٦٧٨",  # Unicode digits (not ASCII)
    "０７９１２３４５６７８９",  # full-width digits
]


def _random_ids(n: int, seed: int) -> list[str | None]:
    rng = np.random.default_rng(seed)
    out: list[str | None] = []
    for _ in range(n):
        kind = rng.integers(0, 4)
        if kind == 0:
            out.append(None)
        elif kind == 1:  # a run from a random digit, up or down, 9 or 12 long
            start, step, length = int(rng.integers(0, 10)), int(rng.choice([0, 1, 9])), int(rng.choice([9, 12]))
            out.append("".join(str((start + i * step) % 10) for i in range(length)))
        else:
            out.append("".join(str(d) for d in rng.integers(0, 10, size=int(rng.choice([8, 9, 11, 12, 13])))))
    return out


@pytest.mark.parametrize("values", [ODD, _random_ids(3000, 1)])
def test_same_as_id_form_digits(values):
    series = pl.Series("personal_id", values, dtype=pl.String)
    assert_series_equal(compare._id_form_digits(series), id_form_digits(series))


def test_placeholders_missing_and_clean_kept():
    out = compare._id_form_digits(pl.Series("x", ["123456789", "079123456789", "1234 56789", "000000000000", None]))
    assert out.to_list() == [None, "079123456789", None, None, None]


def test_only_doubtful_values_worked_out_in_full(monkeypatch):
    seen = []

    def spy(values: pl.Series) -> pl.Series:
        seen.extend(values.to_list())
        return id_form_digits(values)

    monkeypatch.setattr(compare, "id_form_digits", spy)
    clean = ["079123456789", "027845120", "079301234567"]
    doubtful = ["123456789", "12.345.678-9", "123456780"]  # (the last steps up by one at first: looked at in full)
    out = compare._id_form_digits(pl.Series("x", [*clean, None, *doubtful]))
    assert sorted(seen) == sorted(doubtful)  # not the clean ones, not the missing one
    assert out.to_list() == [*clean, None, None, None, "123456780"]  # the first two are placeholders
