"""compare._id_form_digits reads which values are clean CMNDs / CCCDs from their Arrow views (prepare.string_views):
the same digits as standardise.id_form_digits for a column sliced or in chunks (a view array's offset), and, where a
column has no views, every value worked out in full (the same digits)."""

import polars as pl
import pytest
from polars.testing import assert_series_equal

import pipelines.match.compare as compare
from pipelines.match.prepare import string_views
from pipelines.standardise import id_form_digits
from tests.test_match_id_form_fast import ODD, _random_ids

VALUES = ODD + _random_ids(2000, 7)


@pytest.mark.parametrize(
    "series",
    [
        pl.Series("id", VALUES).slice(5, 1500),  # an offset into the views
        pl.concat([pl.Series("id", VALUES[:40]), pl.Series("id", VALUES[40:])], rechunk=False),  # two chunks
        pl.Series("id", VALUES).filter(pl.Series(VALUES).is_not_null()),  # none missing
    ],
)
def test_views_give_id_form_digits(series):
    assert string_views(series) is not None
    assert_series_equal(compare._id_form_digits(series), id_form_digits(series))


def test_views_of_short_values_hold_them():
    views = string_views(pl.Series(["079123456789", "abc", "a value past twelve bytes"]).slice(1, 2))
    assert views.view("<i4")[:, 0].tolist() == [3, 25]
    assert bytes(views[0, 4:7]) == b"abc"


def test_without_views_every_value_worked_out_in_full(monkeypatch):
    seen = []

    def spy(values: pl.Series) -> pl.Series:
        seen.extend(values.to_list())
        return id_form_digits(values)

    monkeypatch.setattr(compare, "string_views", lambda values: None)
    monkeypatch.setattr(compare, "id_form_digits", spy)
    series = pl.Series("id", ["079123456789", None, "027845120", "123456789"])
    assert_series_equal(compare._id_form_digits(series), id_form_digits(series))
    assert seen == ["079123456789", "027845120", "123456789"]  # (not the missing one)
