"""ValueCodes.word_shares: each word's share of the column's non-missing values that hold it, counted over the
distinct values (each weighted by how many records hold it) as over every record."""

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.match.compare import COMMON_WORDS_MIN_VALUES, ValueCodes


def _per_record(values: pl.Series) -> pl.DataFrame:
    """The definition, record by record."""
    values = values.cast(pl.String).drop_nulls()
    words = values.str.split(" ").list.unique().explode().drop_nulls().rename("word")
    return words.value_counts(name="n").select(
        "word",
        pl.when(pl.col("n") >= COMMON_WORDS_MIN_VALUES).then(pl.col("n") / len(values)).otherwise(0.0).alias("share"),
    )


def test_shares_equal_the_per_record_count():
    names = (
        ["nguyen van an"] * 17  # most values repeat: counted per distinct value
        + ["nguyen thi binh"] * 3
        + ["tran van van"] * 2  # a word twice in one value counts once for it
        + ["le", "", None, None]  # a one-word value, an empty one, missing ones (not counted)
        + [f"pham minh {i}" for i in range(6)]
    )
    work = pl.DataFrame({"name": names})
    got = ValueCodes(work).word_shares("name").sort("word")
    assert_frame_equal(got, _per_record(work["name"]).sort("word"), check_dtypes=False)
    shares = dict(got.iter_rows())
    values = len([n for n in names if n is not None])
    assert shares["nguyen"] == pytest.approx(20 / values)
    assert shares["van"] == pytest.approx(19 / values)  # 17 + 2 values, not 17 + 4 words
    assert shares["pham"] == pytest.approx(6 / values) and shares["minh"] == pytest.approx(6 / values)
    assert shares["binh"] == 0.0  # in fewer than COMMON_WORDS_MIN_VALUES values: never common
    assert shares["an"] == pytest.approx(17 / values)
    assert "" in shares  # the empty value's one empty word, as per record


def test_all_missing_column():
    work = pl.DataFrame({"name": pl.Series([None, None], dtype=pl.String)})
    assert ValueCodes(work).word_shares("name").height == 0


def test_mostly_distinct_values_counted_alike():
    addresses = [f"so {i} duong {i % 7} phuong {i % 3}" for i in range(40)] + ["so 1 duong 1 phuong 1"] * 3 + [None]
    work = pl.DataFrame({"address": addresses})
    got = ValueCodes(work).word_shares("address").sort("word")
    assert_frame_equal(got, _per_record(work["address"]).sort("word"), check_dtypes=False)
    assert dict(got.iter_rows())["phuong"] == pytest.approx(1.0)
