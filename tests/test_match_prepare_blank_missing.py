"""prepare._blank_as_missing: a derived column's blank values (BLANK) made missing on its distinct values, only the
values that may be blank read by BLANK: the same values as BLANK over every value, for each white-space character,
in a slice and in chunks, the column given left as it was; a column that is no text read by BLANK as text."""

import polars as pl
from polars.testing import assert_series_equal

from pipelines.match.prepare import BLANK, _blank_as_missing
from tests.test_match_prepare_blanks import WHITE_SPACE


def _by_blank(values: pl.Series) -> pl.Series:
    return (
        values.to_frame().select(pl.when(~pl.first().cast(pl.String).str.contains(BLANK)).then(pl.first())).to_series()
    )


def test_blank_values_missing_as_blank_reads_them():
    texts = [None, "a", "", "long text value over twelve", " x", "x "]
    for space in WHITE_SPACE:
        texts += [space, space * 3, f"{space}b", f"b{space}", f" {space}"]
    column = pl.Series("c", texts)
    for values in (column, column.slice(3), pl.concat([column.slice(0, 7), column.slice(7)], rechunk=False)):
        before = values.clone()
        out = _blank_as_missing(values)
        assert_series_equal(out, _by_blank(values))
        assert_series_equal(values, before)  # (the column given is not written)
    assert out.null_count() > values.null_count()


def test_no_blank_the_same_values_and_not_text_read_as_text():
    column = pl.Series("c", ["a", None, "b c"])
    assert_series_equal(_blank_as_missing(column), column)
    numbers = pl.Series("n", [1, None, 3])
    assert_series_equal(_blank_as_missing(numbers), numbers)
