"""Issue 14 §2 / audit D3: the published people review table (entities.people_review) says how each birth date is
known. A year-only date is staged as 1 January (dob_precision 'year'); the table keeps the typed date and carries,
per side, its precision and the text the source wrote, declared once in pipelines/schema.py (docs, DuckDB comments,
the marts' restricted copy and the review loop read the declaration).

In the 1M warehouse, 5,721 of 23,405 people_review pairs had a side with a year-only date shown as e.g. 2001-01-01,
with nothing saying it was a year.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.entities.io import ENTITY_SCHEMA
from pipelines.entities.resolve import resolve_entities, review_with_dates
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage
from pipelines.review.io import raw_dates_reader
from pipelines.schema import raw_table, review_dates, review_table, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_review_dates_as_known import KEY, _with_year_only_copies


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    wh = Warehouse(tmp_path_factory.mktemp("people_review") / "wh")
    extract = extracts_by_partition(load_catalogue())[KEY]
    raw, copies = _with_year_only_copies(load_raw(extract, "test").frame)
    staged = stage(raw, "population", day_first=extract.source.day_first)
    PartitionedLayer(wh, "raw").write(raw_table("population"), KEY, raw)
    PartitionedLayer(wh, "staged").write(staged_table("population"), KEY, staged.staged)
    people = resolve_entities("people", staged.staged, raw_dates=raw_dates_reader(wh, "people"))
    wh.publish(ENTITY_SCHEMA, [(review_table("people"), people.review)])
    published = pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, review_table("people").name))
    known = staged.staged.select("record_key", "dob_precision", "date_of_birth").join(
        raw.select("record_key", pl.col("date_of_birth").alias("written")), on="record_key"
    )
    return {"published": published, "known": known, "copies": set(copies), "staged": staged.staged}


def test_the_schema_declares_each_sides_precision_and_written_text_beside_the_date():
    columns = review_table("people").columns
    assert review_dates("people") == {"date_of_birth": "dob_precision"}
    for side in ("left", "right"):
        at = columns.index(f"{side}_date_of_birth")
        assert columns[at + 1 : at + 3] == [f"{side}_dob_precision", f"{side}_date_of_birth_raw"]
    described = {f.name: f.description for f in review_table("people").fields}
    assert "1 January of that year here, not a birthday" in described["left_date_of_birth"]
    # a kind whose date has no declared precision still carries the written text
    assert "left_registered_on_raw" in review_table("households").columns
    assert "left_registered_on_precision" not in review_table("households").columns


def test_a_published_year_only_side_says_year_and_holds_the_text_written(run):
    pairs = run["published"]
    year = pairs.filter((pl.col("left_dob_precision") == "year") | (pl.col("right_dob_precision") == "year"))
    assert year.height >= 1  # the year-only copies leave uncertain pairs in the queue
    for row in pairs.iter_rows(named=True):
        for side in ("left", "right"):
            record = run["known"].filter(pl.col("record_key") == row[f"{side}_id"]).row(0, named=True)
            assert row[f"{side}_date_of_birth"] == record["date_of_birth"]  # typed, as staged
            assert row[f"{side}_dob_precision"] == record["dob_precision"]
            assert row[f"{side}_date_of_birth_raw"] == record["written"]
    sides = [
        (row[f"{s}_date_of_birth"], row[f"{s}_date_of_birth_raw"])
        for row in year.iter_rows(named=True)
        for s in ("left", "right")
        if row[f"{s}_dob_precision"] == "year"
    ]
    assert sides and all(d.month == 1 and d.day == 1 and len(text) == 4 for d, text in sides)  # '1993', not a day


def test_without_the_raw_layer_the_precision_still_comes_from_the_staged_records(run):
    bare = run["published"].drop(
        "left_dob_precision", "right_dob_precision", "left_date_of_birth_raw", "right_date_of_birth_raw"
    )
    again = review_with_dates("people", bare, run["staged"], None)
    assert again["left_dob_precision"].equals(run["published"]["left_dob_precision"])
    assert again["left_date_of_birth_raw"].null_count() == again.height
    # a date the engine itself read from text (wardbridge match on a text column) keeps that text
    read = bare.with_columns(pl.lit("1993").alias("left_date_of_birth_raw"))
    assert (review_with_dates("people", read, run["staged"], None)["left_date_of_birth_raw"] == "1993").all()


def test_a_table_published_before_these_columns_still_casts_with_them_null():
    """The marts re-publish the entity tables as read back (restricted.duckdb): a warehouse matched before this
    change must still publish; a column the declaration requires is still refused."""
    table = review_table("people")
    row = {f.name: None for f in table.fields if not f.absent_as_null}
    row.update(
        left_id="a",
        right_id="b",
        match_probability=0.5,
        match_weight=0.0,
        decision="review",
        evidence="",
        same_entity=False,
        left_date_of_birth=dt.date(1990, 1, 1),
    )
    old = pl.DataFrame([row], schema={k: v for k, v in table.polars_schema.items() if k in row})
    cast = table.cast(old)
    assert cast.columns == table.columns and cast["left_dob_precision"].null_count() == 1
    with pytest.raises(ValueError, match="missing columns \\['left_id'\\]"):
        table.cast(old.drop("left_id"))
