"""An open review item of a record its source's newest extract no longer holds (entities' lineage in_newest_extract
false, 4610550: deleted in the old system, or left out of the extract) says so in its summary (the ward file's
'Nội dung cần quyết định'), naming the source and its extracts' dates, so the official does not chase a record the old
system deleted. Before, nothing on the item said it."""

from __future__ import annotations

import dataclasses

import polars as pl

from pipelines.entities.io import ENTITY_SCHEMA
from pipelines.review.decisions import effective_decisions, empty_audit
from pipelines.review.queues import build_queues
from pipelines.schema import lineage_table
from pipelines.warehouse import Warehouse
from tests.test_review_items_per_source_record import MONTHS, NOW, _by_key, _inputs, _staged

JULY = "population_718@2025-07-31"


def _summaries(items: pl.DataFrame) -> dict[str, str]:
    return dict(zip(items["record_key"].str.split("#").list.last(), items["summary"], strict=True))


def test_an_item_of_a_record_gone_from_the_newest_extract_says_so():
    # August's extract no longer holds keys 1 (a wrong ID) and 6 (an address without a ward): their newest versions
    # are July's; the others are in August's
    staged = _staged(3).filter(~(pl.col("source_key").is_in(["1", "6"]) & (pl.col("extract_date") == MONTHS[2])))
    inputs = _inputs(staged)
    later = pl.col("extract_date") < pl.col("extract_date").max().over("source_key")
    inputs = dataclasses.replace(
        inputs, earlier_versions={"population": staged.filter(later & (pl.col("source_key") != "2"))["record_key"]}
    )
    inputs.not_in_newest = pl.DataFrame(  # (set after: the inputs of a version without it take it and ignore it)
        {
            "record_key": [f"population_718@{m.isoformat()}#{k}" for k in ("1", "6") for m in MONTHS[:2]],
            "source_id": "population_718",
            "last_extract_date": MONTHS[1],
        }
    )
    items = build_queues(inputs, effective_decisions(empty_audit(), None), None, NOW).items
    gone = (
        "this record is not in the newest extract of population_718 (2025-08-31; last sent in its 2025-07-31 "
        "extract): the old system may have deleted it (or the extract left it out); check there before deciding"
    )
    ids, addresses = (
        _summaries(items.filter(pl.col("kind") == "invalid_id")),
        _summaries(items.filter(pl.col("kind") == "unresolved_address")),
    )
    assert items.filter(pl.col("record_key").str.ends_with("#1"))["record_key"].to_list() == [f"{JULY}#1"]
    assert ids["1"].endswith(f"; {gone}")  # was the summary alone
    assert addresses["6"].endswith(f"; {gone}")
    assert "newest extract" not in ids["2"] and "newest extract" not in addresses["5"]  # still sent: as before
    assert sorted(_by_key(items, "invalid_id")) == ["1", "2"]  # the items themselves as before


def test_the_review_step_reads_the_records_gone_from_the_lineage(tmp_path):
    from pipelines.review.io import not_in_newest

    wh = Warehouse(tmp_path)
    assert not_in_newest(wh) is None  # no lineage published
    path = wh.parquet_path(ENTITY_SCHEMA, lineage_table("people").name)
    path.parent.mkdir(parents=True)
    lineage = pl.DataFrame(
        {
            "record_key": [f"{JULY}#1", f"{JULY}#2", f"{JULY}#3"],
            "source_id": "population_718",
            "extract_date": MONTHS[1],
            "last_extract_date": MONTHS[1],
            "in_newest_extract": [False, True, None],
        }
    )
    lineage.drop("last_extract_date", "in_newest_extract").write_parquet(path)
    assert not_in_newest(wh) is None  # a lineage published before it was kept: nothing to say
    lineage.write_parquet(path)
    assert not_in_newest(wh).to_dicts() == [
        {"record_key": f"{JULY}#1", "source_id": "population_718", "last_extract_date": MONTHS[1]}
    ]


def test_a_match_pair_names_its_record_gone_from_the_newest_extract():
    from pipelines.review.queues import not_in_newest_notes

    items = pl.DataFrame(
        {
            "item_id": ["mp-1", "mp-2"],
            "record_key": [None, None],
            "left_id": [f"{JULY}#7", f"{JULY}#8"],
            "right_id": ["population_775@2025-08-31#1", "population_775@2025-08-31#2"],
            "more_left_ids": [[f"{JULY}#9"], []],
            "more_right_ids": [None, []],
        },
        schema_overrides={"record_key": pl.String},
    )
    inputs = _inputs(_staged(3))
    inputs.not_in_newest = pl.DataFrame(
        {"record_key": [f"{JULY}#7", f"{JULY}#9"], "source_id": "population_718", "last_extract_date": MONTHS[1]}
    )
    notes = not_in_newest_notes(items, inputs)
    assert notes["item_id"].to_list() == ["mp-1"]
    assert notes["_gone"][0] == (  # 7: not in August's extract; 9: August's holds its key with other values
        f"record {JULY}#7 is not in the newest extract of population_718 (2025-08-31; last sent in its 2025-07-31 "
        "extract): the old system may have deleted it (or the extract left it out); check there before deciding; "
        f"record {JULY}#9 is not in the newest extract of population_718 (2025-08-31; last sent as here in its "
        "2025-07-31 extract): its key 9 holds other values there; check there before deciding"
    )
