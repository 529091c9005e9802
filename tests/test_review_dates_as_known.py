"""Issue 14 §2 / audit D3: a pair in the people review queue shows each birth date as it was known.

The real pipeline path on a sample extract: raw rows (the reader's frame, verbatim text) with a few records
written again with their birth year only, staged by the ingest engine, matched into entities.people_review,
then the review assets (Dagster) build the match_pair items and the per-ward CSV/XLSX files officials open.
A year-only birth date is staged as 1 January with dob_precision 'year'; shown as '1993-01-01' it looks like a
birthday that disagrees with the other record's 1993-06-28. It must read '1993', with the text the source wrote
beside it (``left_date_of_birth_raw``, as ``wardbridge match`` shows a date column read from text).
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import fastexcel
import polars as pl
import pytest

from assets.resources import WarehouseResource
from assets.review import review_decisions, review_queues
from pipelines.entities.resolve import resolve_entities
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage
from pipelines.reference import load_reference
from pipelines.review.decisions import DECISIONS_ENV
from pipelines.review.queues import ReviewInputs, date_as_known, match_pair
from pipelines.schema import (
    CROSSWALK,
    QUARANTINE,
    REVIEW_SCHEMA,
    UNITS_2025,
    UNITS_PRE2025,
    raw_table,
    review_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse

KEY = "population_718@2025-08-31"
COPIES = 40  # records written again with the birth year only (no ID, no phone, no household book)


def _with_year_only_copies(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The extract plus a copy of its first COPIES records with a written day, month and year, written again with
    the year only and without the identifiers that would settle the pair."""
    base = raw.filter(pl.col("date_of_birth").str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).head(COPIES)
    keys = [f"{KEY}#{90_001 + i}" for i in range(base.height)]
    copies = base.with_columns(
        pl.Series("record_key", keys),
        pl.Series("source_key", [k.rsplit("#", 1)[1] for k in keys]),
        pl.col("date_of_birth").str.slice(-4),
        pl.lit(None, pl.String).alias("personal_id"),
        pl.lit(None, pl.String).alias("old_id_number"),
        pl.lit(None, pl.String).alias("phone"),
        pl.lit(None, pl.String).alias("household_no"),
    )
    return pl.concat([raw, copies]), keys


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("dates")
    wh = Warehouse(base / "wh")
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    extract = extracts_by_partition(load_catalogue())[KEY]
    raw, copies = _with_year_only_copies(load_raw(extract, "test").frame)
    staged = stage(raw, "population", day_first=extract.source.day_first)
    PartitionedLayer(wh, "raw").write(raw_table("population"), KEY, raw)
    PartitionedLayer(wh, "staged").write(staged_table("population"), KEY, staged.staged)
    PartitionedLayer(wh, "quarantine").write(QUARANTINE, KEY, staged.quarantine, name="quarantine_population")
    people = resolve_entities("people", staged.staged)
    wh.publish("entities", [(review_table("people"), people.review)])
    decisions = base / "decisions"
    decisions.mkdir()
    mp = pytest.MonkeyPatch()
    mp.setenv(DECISIONS_ENV, str(decisions))
    dg.materialize(
        [review_decisions, review_queues],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        raise_on_error=True,
    )
    mp.undo()
    precision = staged.staged.select("record_key", "dob_precision", "date_of_birth")
    written = raw.select("record_key", pl.col("date_of_birth").alias("written"))
    yield {"wh": wh, "people": people.review, "precision": precision, "written": written, "copies": set(copies)}


def _year_only_pairs(run) -> pl.DataFrame:
    """The people_review pairs of a year-only copy and another record, with each side's staged date and text."""
    side = run["precision"].join(run["written"], on="record_key")
    pairs = run["people"].select("left_id", "right_id")
    for s in ("left", "right"):
        pairs = pairs.join(
            side.rename({c: f"{s}_{c}" for c in side.columns if c != "record_key"}).rename({"record_key": f"{s}_id"}),
            on=f"{s}_id",
        )
    return pairs.filter((pl.col("left_dob_precision") == "year") | (pl.col("right_dob_precision") == "year"))


def test_the_queue_holds_a_pair_with_a_year_only_birth_date(run):
    pairs = _year_only_pairs(run)
    assert pairs.height >= 1  # else the test shows nothing: the copies must leave at least one uncertain pair
    year_side = pairs.row(0, named=True)
    s = "left" if year_side["left_dob_precision"] == "year" else "right"
    assert year_side[f"{s}_date_of_birth"].month == 1 and year_side[f"{s}_date_of_birth"].day == 1  # as staged


def _pair_rows(run, table: pl.DataFrame) -> list[dict]:
    pairs = _year_only_pairs(run)
    assert pairs.height
    keys = pairs.select(
        pl.min_horizontal("left_id", "right_id").alias("left_id"),
        pl.max_horizontal("left_id", "right_id").alias("right_id"),
    )
    rows = table.join(keys, on=["left_id", "right_id"]).to_dicts()
    assert len(rows) == pairs.height
    return rows


def _check_sides(run, row: dict) -> None:
    """Each side of a shown pair: a year-only date as its year, a day date as ISO; the written text beside it."""
    known = run["precision"].join(run["written"], on="record_key")
    for s in ("left", "right"):
        record = known.filter(pl.col("record_key") == row[f"{s}_id"]).row(0, named=True)
        date = record["date_of_birth"]
        expected = str(date.year) if record["dob_precision"] == "year" else date.isoformat()
        assert row[f"{s}_date_of_birth"] == expected, (s, row[f"{s}_date_of_birth"], expected)
    year_sides = [s for s in ("left", "right") if row[f"{s}_id"] in run["copies"]]
    assert year_sides and all(len(row[f"{s}_date_of_birth"]) == 4 for s in year_sides)
    assert not any(str(row[f"{s}_date_of_birth"]).endswith("-01-01") for s in year_sides)
    for s in ("left", "right"):  # the text as written: '1993' and '28/6/1993', not a reading of it
        written = run["written"].filter(pl.col("record_key") == row[f"{s}_id"])["written"].item()
        assert row[f"{s}_date_of_birth_raw"] == written


def test_match_pair_items_show_a_year_only_date_as_its_year_with_the_written_text(run):
    items = run["wh"].read(REVIEW_SCHEMA, "queue_items").filter(pl.col("kind") == "match_pair")
    table = pl.DataFrame(
        [
            {**json.loads(e), "left_id": left, "right_id": right}
            for e, left, right in items.select("evidence", "left_id", "right_id").iter_rows()
        ]
    )
    for row in _pair_rows(run, table):
        _check_sides(run, row)


def test_ward_files_show_a_year_only_date_as_its_year_with_the_written_text(run):
    wards = run["wh"].root / "review" / "wards"
    csv = pl.concat(
        [pl.read_csv(p, infer_schema=False) for p in wards.glob("*/match_pair.csv")], how="diagonal_relaxed"
    )
    items = run["wh"].read(REVIEW_SCHEMA, "queue_items").select("item_id", "left_id", "right_id")
    rows = _pair_rows(run, csv.join(items, on="item_id").unique("item_id"))
    for row in rows:
        _check_sides(run, row)
    # a ward with pairs to review (every ward gets its files; one without people pairs has no pair columns)
    ward = next(
        p.parent
        for p in wards.glob("*/match_pair.csv")
        if p.parent.name != "unplaced" and pl.read_csv(p, infer_schema=False).height
    )
    sheet = fastexcel.read_excel(str(ward / f"review_{ward.name}.xlsx")).load_sheet("match_pair", header_row=1)
    columns = sheet.to_polars().columns
    assert {"left_date_of_birth", "left_date_of_birth_raw", "right_date_of_birth_raw"} <= set(columns)


def test_date_as_known_per_precision():
    days = [dt.date(2001, 1, 1), dt.date(2001, 3, 1), dt.date(2001, 1, 1), None]
    frame = pl.DataFrame({"d": days, "p": ["year", "month", "day", None]})
    shown = frame.select(date_as_known(pl.col("d"), pl.col("p")))["d"].to_list()
    assert shown == ["2001", "2001-03", "2001-01-01", None]


def test_a_pair_written_with_the_larger_key_first_keeps_each_record_beside_its_key():
    review = review_table("people").polars_schema
    row = {c: None for c in review}
    row.update(
        left_id="p#2",
        right_id="p#1",
        match_probability=0.5,
        match_weight=0.0,
        decision="review",
        evidence="",
        same_entity=False,
        left_full_name="Lê Văn Hai",
        right_full_name="Lê Văn Một",
        left_date_of_birth=dt.date(1990, 1, 1),
        right_date_of_birth=dt.date(1991, 5, 6),
    )
    frame = pl.DataFrame([row], schema=review)
    staged = pl.DataFrame(
        {"record_key": ["p#1", "p#2"], "new_uid": ["2025:26740", "2025:26740"], "dob_precision": ["day", "year"]}
    )
    raw = pl.DataFrame({"record_key": ["p#1", "p#2"], "date_of_birth": ["6/5/1991", "1990"]})
    inputs = ReviewInputs(
        staged={"population": staged},
        quarantine={},
        review={"people": frame},
        ward_names=pl.DataFrame(),
        raw_dates={"population": raw},
    )
    out = match_pair(inputs).row(0, named=True)
    assert (out["left_id"], out["left_full_name"], out["left_date_of_birth"], out["left_date_of_birth_raw"]) == (
        "p#1",
        "Lê Văn Một",
        "1991-05-06",
        "6/5/1991",
    )
    assert (out["right_id"], out["right_full_name"], out["right_date_of_birth"], out["right_date_of_birth_raw"]) == (
        "p#2",
        "Lê Văn Hai",
        "1990",
        "1990",
    )
