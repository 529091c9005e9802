"""A source loaded again and again (monthly extracts of one table) gives the entities of one load.

Each version of a source record (same source, same key of the source's own) is matched once, as its newest
extract's version; the earlier versions follow it into its entity (pipelines/entities/versions.py). Before, 25
monthly extracts of the sample's population_718 were 25 agreeing records per person: the chaining guard
(max_cluster_size 20) split people into several entities and queued thousands of pairs to the officials.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.entities.resolve import lineage_problems, resolve_entities
from pipelines.entities.versions import SAME_SOURCE_RECORD, split_versions
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage

KEY = "population_718@2025-08-31"
KEYED = {"population_718"}  # its catalogue entry's key_column: ma_ban_ghi


def resolve_entities_keyed(staged: pl.DataFrame, previous=None, **kwargs):  # noqa: ANN001, ANN201
    return resolve_entities("people", staged, previous, keyed_sources=KEYED, **kwargs)


@pytest.fixture(scope="module")
def one_load() -> pl.DataFrame:
    extract = extracts_by_partition(load_catalogue())[KEY]
    staged = stage(load_raw(extract, "test").frame, "population", day_first=extract.source.day_first).staged
    keyed = staged.filter(~pl.col("issues").fill_null("").str.contains("source_key: (?:missing|repeated)"))
    assert keyed.height > 2000  # the sample's source keys are its own
    return staged


def loads(staged: pl.DataFrame, months: int) -> pl.DataFrame:
    """``staged`` as ``months`` monthly extracts of the same table (the newest is the sample's own date)."""
    parts = []
    for back in range(months - 1, -1, -1):
        day = dt.date(2025, 8, 31) - dt.timedelta(days=31 * back)
        parts.append(
            staged.with_columns(
                pl.col("record_key").str.replace("@2025-08-31#", f"@{day.isoformat()}#", literal=True),
                pl.lit(day).alias("extract_date"),
            )
        )
    return pl.concat(parts)


@pytest.fixture(scope="module")
def single(one_load):
    return resolve_entities_keyed(one_load)


@pytest.fixture(scope="module")
def monthly(one_load):
    staged = loads(one_load, 25)
    return staged, resolve_entities_keyed(staged)


def test_twenty_five_loads_give_the_entities_and_review_of_one(single, monthly):
    staged, people = monthly
    assert staged.height == 25 * single.lineage.height
    assert people.entities.height == single.entities.height
    assert people.review.height == single.review.height
    assert lineage_problems(staged, people.lineage) == []
    assert people.stats["earlier_versions"] == 24 * single.lineage.height
    assert int(people.entities["record_count"].sum()) == staged.height
    assert people.lineage["entity_size"].max() == 25 * single.lineage["entity_size"].max()


def test_each_earlier_version_is_in_its_newest_versions_entity_linked_to_it(monthly):
    staged, people = monthly
    lineage = people.lineage.join(staged.select("record_key", "source_key"), on="record_key")
    newest = lineage.filter(pl.col("extract_date") == dt.date(2025, 8, 31))
    earlier = lineage.filter(pl.col("extract_date") < dt.date(2025, 8, 31))
    assert (earlier["link_evidence"] == SAME_SOURCE_RECORD).all()
    assert (earlier["link_probability"] == 1.0).all()
    joined = earlier.join(newest, on="source_key", suffix="_new")
    assert joined.height == earlier.height
    assert (joined["entity_id"] == joined["entity_id_new"]).all()
    assert (joined["linked_to"] == joined["record_key_new"]).all()
    # every record id is listed in its entity, once
    ids = people.entities.select("entity_id", "record_ids").explode("record_ids")
    assert ids.height == staged.height
    assert (
        ids.join(lineage, left_on="record_ids", right_on="record_key")
        .filter(pl.col("entity_id") != pl.col("entity_id_right"))
        .is_empty()
    )


def test_entity_ids_stay_when_the_next_extract_comes(one_load):
    first = resolve_entities_keyed(loads(one_load, 2))
    previous = first.lineage.select(pl.col("record_key").alias("record_id"), "entity_id")
    september = one_load.with_columns(  # the newest version is now a record never seen before
        pl.col("record_key").str.replace("@2025-08-31#", "@2025-09-30#", literal=True),
        pl.lit(dt.date(2025, 9, 30)).alias("extract_date"),
    )
    second = resolve_entities_keyed(pl.concat([loads(one_load, 2), september]), previous)
    kept = first.lineage.join(second.lineage, on="record_key", suffix="_2")
    assert kept.height == first.lineage.height
    assert (kept["entity_id"] == kept["entity_id_2"]).all()
    assert set(second.entities["entity_id"]) == set(first.entities["entity_id"])
    new = second.lineage.filter(pl.col("extract_date") == dt.date(2025, 9, 30))
    assert new["link_evidence"].ne(SAME_SOURCE_RECORD).all()  # the matched versions
    assert (second.lineage["link_evidence"] == SAME_SOURCE_RECORD).sum() == 2 * one_load.height


def test_a_source_keyed_by_row_number_is_matched_record_by_record(one_load):
    """Without key_column a file's rows are keyed by their number: row 17 of June may be another person."""
    staged = loads(one_load.head(300), 2)
    versions = split_versions(staged, set(), registry="population")
    assert versions.earlier.is_empty() and versions.matched.height == staged.height
    people = resolve_entities("people", staged)  # no keyed_sources: every record matched, as before
    assert people.stats["earlier_versions"] == 0
    assert lineage_problems(staged, people.lineage) == []
    assert split_versions(staged, {"population_999"}, registry="population").matched.height == staged.height


def test_keys_not_the_sources_own_are_matched_record_by_record(one_load):
    staged = loads(one_load.head(50), 2)
    flagged = staged.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.lit("source_key: missing (the row is keyed by its place in the file)"))
        .otherwise(pl.lit("source_key: repeated in the extract (another row has the same key)"))
        .alias("issues")
    )
    versions = split_versions(flagged, KEYED, registry="population")
    missing = flagged.filter(pl.col("issues").str.contains("missing"))["record_key"]
    assert not versions.earlier["record_key"].is_in(missing.implode()).any()
    # a key another row of its extract has: its versions are the rows of the same content (here each row's June
    # and August copies; tests/test_entity_versions_reused_key.py)
    assert versions.earlier.height == flagged.filter(pl.col("issues").str.contains("repeated")).height // 2
    assert split_versions(staged, KEYED, registry="population").matched.height == 50


def test_two_versions_officials_judged_different_are_matched_apart(one_load):
    staged = loads(one_load.head(200), 2)
    key = staged["source_key"][0]
    older, newer = staged.filter(pl.col("source_key") == key)["record_key"].sort().to_list()
    different = pl.DataFrame({"left_id": [older], "right_id": [newer]})
    versions = split_versions(staged, KEYED, different, registry="population")
    assert versions.matched.height == 201 and versions.earlier.height == 199
    people = resolve_entities_keyed(staged, cannot_link_pairs=different)
    entity = dict(people.lineage.select("record_key", "entity_id").iter_rows())
    assert entity[older] != entity[newer]
    assert lineage_problems(staged, people.lineage) == []


def test_officials_labels_on_earlier_versions_reach_the_newest(one_load):
    staged = loads(one_load.head(300), 2)
    once = resolve_entities_keyed(staged)
    apart = once.lineage.filter(pl.col("extract_date") < dt.date(2025, 8, 31)).unique("entity_id").head(2)
    assert apart.height == 2
    a, b = apart["record_key"].to_list()
    same = pl.DataFrame({"left_id": [a], "right_id": [b]})
    people = resolve_entities_keyed(staged, labelled_pairs=same)
    entity = dict(people.lineage.select("record_key", "entity_id").iter_rows())
    assert entity[a] == entity[b]
    assert people.stats["labels"]["unknown"] == 0


def test_the_lineage_declaration_names_the_versions_evidence():
    from pipelines.schema import lineage_table

    fields = {f.name: f.description for f in lineage_table("people").fields}
    assert SAME_SOURCE_RECORD in fields["link_evidence"]
    assert "newer extract" in fields["linked_to"]


def test_a_split_unit_item_counts_each_source_record_once():
    """records_blocked ranks the items: a source sent monthly must not outrank a one-off source by its extracts."""
    from pipelines.review.queues import ReviewInputs, split_unit

    old, parts = "pre2025:27139", ["2025:26740", "2025:26737"]
    keys = [f"population_718@2025-0{m}-30#{k}" for m in (6, 7, 8) for k in (1, 2)]
    staged = pl.DataFrame(
        {
            "record_key": keys,
            "source_file": ["p.csv"] * 6,
            "source_key": ["1", "2"] * 3,
            "old_uid": [old] * 6,
            "address": ["12 Lê Lợi, Phường 5, Quận 3"] * 6,
            "ward_status": ["split_review"] * 6,
            "ward_candidates": [parts] * 6,
        }
    )
    inputs = ReviewInputs(staged={"population": staged}, quarantine={}, review={}, ward_names=pl.DataFrame())
    assert split_unit(inputs)["records_blocked"].to_list() == [6]  # no versions known: every row
    inputs.earlier_versions = {"population": pl.Series(keys[:4])}  # June's and July's: August's earlier versions
    assert split_unit(inputs)["records_blocked"].to_list() == [2]
