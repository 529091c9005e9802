"""``joined_on_distinct``: the left join of a table whose keys are distinct, its right side put beside it where that
side's keys are the left's row by row (no hash join), else the join; the lineage's two joins in ``resolve_entities``
(the engine's records, the presence) take it and give the same tables."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipelines.entities.versions as versions_module
from pipelines.entities.versions import Versions, joined_on_distinct, with_presence

LEFT = pl.DataFrame({"record_key": ["a", "b", "c", "d"], "source_id": ["s", "s", "t", "t"]})
RIGHT = pl.DataFrame({"record_key": ["a", "b", "c", "d"], "entity_id": ["E1", "E1", "E2", None], "n": [2, 2, 1, 1]})


def _join(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    return left.join(right, on="record_key", how="left", maintain_order="left")


def test_keys_row_by_row_put_beside_without_a_join(monkeypatch):
    expected = _join(LEFT, RIGHT)

    def no_join(*args, **kwargs):
        raise AssertionError("joined")

    monkeypatch.setattr(pl.DataFrame, "join", no_join)
    got = joined_on_distinct(LEFT, RIGHT, "record_key")
    monkeypatch.undo()
    assert_frame_equal(got, expected)


@pytest.mark.parametrize(
    "right",
    [
        RIGHT.reverse(),  # another order
        RIGHT.head(3),  # a key missing
        RIGHT.vstack(pl.DataFrame({"record_key": ["a"], "entity_id": ["E9"], "n": [5]})),  # a key twice
        RIGHT.with_columns(pl.col("record_key").cast(pl.Categorical)),  # another type
        RIGHT.rename({"n": "source_id"}),  # a column name both hold: the join's suffix
    ],
)
def test_other_keys_are_joined(right):
    if right.schema["record_key"] == pl.Categorical:
        with pytest.raises(
            pl.exceptions.SchemaError
        ):  # (the join itself refuses the types: the fast path does not hide that)
            _join(LEFT, right)
        with pytest.raises(pl.exceptions.SchemaError):
            joined_on_distinct(LEFT, right, "record_key")
        return
    assert_frame_equal(joined_on_distinct(LEFT, right, "record_key"), _join(LEFT, right))


def test_a_missing_key_is_joined():
    left = LEFT.with_columns(pl.Series("record_key", ["a", None, "c", "d"]))
    right = RIGHT.with_columns(pl.Series("record_key", ["a", None, "c", "d"]))
    got = joined_on_distinct(left, right, "record_key")
    assert_frame_equal(got, _join(left, right))
    assert got["entity_id"][1] is None  # (a missing key matches nothing in the join)


def test_with_presence_distinct_equals_the_join(monkeypatch):
    presence = pl.DataFrame(
        {
            "record_key": ["a", "b", "c", "d"],
            "last_extract_date": pl.Series([None, None, None, None], dtype=pl.Date),
            "in_newest_extract": [True, None, False, True],
        }
    )
    versions = Versions(LEFT, pl.DataFrame(schema={"record_key": pl.String, "newest_key": pl.String}), presence)
    lineage = LEFT.with_columns(pl.lit(None, pl.Boolean).alias("in_newest_extract"))  # (replaced)
    expected = with_presence(lineage, versions)
    seen = []
    real = versions_module.joined_on_distinct
    monkeypatch.setattr(versions_module, "joined_on_distinct", lambda *a: seen.append(a[2]) or real(*a))
    assert_frame_equal(with_presence(lineage, versions, distinct=True), expected)
    assert seen == ["record_key"]
    assert_frame_equal(with_presence(lineage.reverse(), versions, distinct=True), expected.reverse())
