"""A source that reuses a key: its newest extract gives the key of a record it no longer holds to someone else.

The versions of a source record (same source, same key of its own) follow its newest version into its entity with
probability 1 and no review (pipelines/entities/versions.py). When the newest version is another person (the
source reused the key: another date of birth, sex, personal ID), that merged two people silently: the earlier
person left every entity (HV21: population_718 key 10, a boy born 2016 in June-August, a woman born 1961 with a
CCCD in September: one entity, the woman's golden record, no review item; an official's no_match, the documented
remedy, needs an item to decide). Versions that contradict each other on such a value are matched version by
version, like the versions of a key officials judged reused.
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
from tests.test_entity_versions import loads

KEY = "population_718@2025-08-31"
KEYED = {"population_718"}


@pytest.fixture(scope="module")
def two_loads() -> pl.DataFrame:
    """The sample's population_718 (first 200 rows) as a July and an August extract."""
    extract = extracts_by_partition(load_catalogue())[KEY]
    staged = stage(load_raw(extract, "test").frame, "population", day_first=extract.source.day_first).staged.head(200)
    return loads(staged, 2)  # July (31 days before) and August


def _newest_of(staged: pl.DataFrame, key: str, **values) -> pl.DataFrame:  # noqa: ANN003
    at = (pl.col("source_key") == key) & (pl.col("extract_date") == dt.date(2025, 8, 31))
    return staged.with_columns(
        [pl.when(at).then(pl.lit(v, dtype=staged.schema[c])).otherwise(pl.col(c)).alias(c) for c, v in values.items()]
    )


def _a_key_without_flags(staged: pl.DataFrame) -> str:
    clean = staged.filter(
        pl.col("issues").is_null()
        & pl.col("date_of_birth").is_not_null()
        & (pl.col("dob_precision") == "day")
        & pl.col("sex").is_not_null()
    )
    return clean["source_key"][0]


def test_a_key_the_source_gave_to_another_person_is_matched_version_by_version(two_loads):
    key = _a_key_without_flags(two_loads)
    staged = _newest_of(
        two_loads,
        key,
        full_name="Lý Thị Hồng Nhung",
        date_of_birth=dt.date(1961, 3, 3),
        sex="F" if two_loads.filter(pl.col("source_key") == key)["sex"][0] != "F" else "M",
        personal_id="079161000123",
    )
    versions = split_versions(staged, KEYED, registry="population")
    assert versions.matched.height == 201 and versions.earlier.height == 199
    people = resolve_entities("people", staged, keyed_sources=KEYED)
    older, newer = staged.filter(pl.col("source_key") == key).sort("extract_date")["record_key"].to_list()
    entity = dict(people.lineage.select("record_key", "entity_id").iter_rows())
    assert entity[older] != entity[newer]
    evidence = dict(people.lineage.select("record_key", "link_evidence").iter_rows())
    assert evidence[older] != SAME_SOURCE_RECORD
    assert lineage_problems(staged, people.lineage) == []


def test_a_record_whose_name_and_address_changed_still_follows_its_newest_version(two_loads):
    key = _a_key_without_flags(two_loads)
    staged = _newest_of(two_loads, key, full_name="Tên Mới Hoàn Toàn", address="12 Lê Lợi, Phường Tân An")
    versions = split_versions(staged, KEYED, registry="population")
    assert versions.matched.height == 200 and versions.earlier.height == 200


def test_a_value_missing_on_one_side_or_a_year_only_birth_date_is_no_contradiction(two_loads):
    key = _a_key_without_flags(two_loads)
    born = two_loads.filter(pl.col("source_key") == key)["date_of_birth"][0]
    staged = _newest_of(
        two_loads, key, personal_id=None, sex=None, date_of_birth=dt.date(born.year, 1, 1), dob_precision="year"
    )
    assert split_versions(staged, KEYED, registry="population").earlier.height == 200


def test_households_versions_with_another_household_number_are_matched_apart():
    frame = pl.DataFrame(
        {
            "record_key": ["h@2025-07-31#1", "h@2025-08-31#1", "h@2025-07-31#2", "h@2025-08-31#2"],
            "source_id": ["h"] * 4,
            "source_key": ["1", "1", "2", "2"],
            "extract_date": [dt.date(2025, 7, 31), dt.date(2025, 8, 31)] * 2,
            "issues": [None] * 4,
            "household_no": ["111", "999", "222", "222"],
            "head_name": ["A", "B", "C", "C"],
        },
        schema_overrides={"issues": pl.String},
    )
    versions = split_versions(frame, {"h"}, registry="households")
    assert versions.earlier.to_dicts() == [{"record_key": "h@2025-07-31#2", "newest_key": "h@2025-08-31#2"}]


def _with_repeated_key(august: pl.DataFrame, other: dict | None = None) -> tuple[pl.DataFrame, str]:
    """``august`` with its first clean row's key held by a second row too (the same row, or ``other`` values)."""
    key = _a_key_without_flags(august)
    row = august.filter(pl.col("source_key") == key).with_columns(pl.col("record_key") + "~2")
    if other:
        row = row.with_columns([pl.lit(v, dtype=august.schema[c]).alias(c) for c, v in other.items()])
    flag = pl.lit("source_key: repeated in the extract (another row has the same key)")
    both = pl.concat([august, row]).with_columns(
        pl.when(pl.col("source_key") == key).then(flag).otherwise(pl.col("issues")).alias("issues")
    )
    return both, key


def test_a_key_repeated_in_every_extract_is_not_one_more_record_a_month(two_loads):
    """Before: its rows were matched each, 2 more a month: with 12 extracts 24 agreeing records (2 entities past the
    chaining guard, 149 review pairs), 25 extracts 50 (5 entities, 965 review pairs). Now the rows of one content
    follow the newest extract's (its two rows matched, as one extract's are)."""
    august = two_loads.filter(pl.col("extract_date") == dt.date(2025, 8, 31))
    both, key = _with_repeated_key(august)
    staged = loads(both, 12)
    versions = split_versions(staged, KEYED, registry="population")
    assert versions.matched.height == august.height + 1
    people = resolve_entities("people", staged, keyed_sources=KEYED)
    rows = people.lineage.join(staged.select("record_key", "source_key"), on="record_key").filter(
        pl.col("source_key") == key
    )
    assert rows.height == 24 and rows["entity_id"].n_unique() == 1
    assert (rows["link_evidence"] == SAME_SOURCE_RECORD).sum() == 22
    assert people.review.height == resolve_entities("people", both, keyed_sources=KEYED).review.height
    assert lineage_problems(staged, people.lineage) == []


def test_two_people_under_one_repeated_key_each_follow_their_own_rows(two_loads):
    august = two_loads.filter(pl.col("extract_date") == dt.date(2025, 8, 31))
    both, key = _with_repeated_key(
        august, {"full_name": "Lý Thị Hồng Nhung", "date_of_birth": dt.date(1961, 3, 3), "personal_id": "079161000123"}
    )
    staged = loads(both, 3)
    people = resolve_entities("people", staged, keyed_sources=KEYED)
    rows = people.lineage.join(staged.select("record_key", "source_key"), on="record_key").filter(
        pl.col("source_key") == key
    )
    assert rows.height == 6 and rows["entity_id"].n_unique() == 2
    newest = dict(
        rows.filter(pl.col("link_evidence") == SAME_SOURCE_RECORD).select("record_key", "linked_to").iter_rows()
    )
    assert {k.split("#")[1]: v.split("#")[1] for k, v in newest.items()} == {key: key, f"{key}~2": f"{key}~2"}
    assert all(v.startswith("population_718@2025-08-31#") for v in newest.values())
