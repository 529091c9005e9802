"""An extract that loaded before and cannot be read now is still counted when the entities were kept.

A run whose population_748 file had gone (no --allow-incomplete) keeps the published entities, and with them the
1,095 records that an earlier load read from it; an export built afterwards (the exports job or asset alone, or the
Python API) said "population_748@2025-08-31 ...: their rows are in none of this package's figures" while its
population.csv had the same 10,518 rows as before (measured in /tmp/hv25/ex). Now each such extract says how many of
its records are still in the figures; one whose records are not in the entities says nothing more. No run.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import polars as pl

from pipelines.ingest.status import PartitionStatus, unread_extracts, write_status
from pipelines.publish.exports import load_declarations, package_descriptor
from pipelines.report.page import _unread_extracts
from pipelines.warehouse import Warehouse


def _warehouse(tmp_path) -> Warehouse:
    wh = Warehouse(tmp_path / "wh")
    for key in ("population_748@2025-08-31", "population_747@2025-08-31"):
        source = key.split("@")[0]
        write_status(wh, PartitionStatus(key, "population", "failed", "cannot read: file not found", f"{source}.jsonl"))
    lineage = pl.DataFrame(
        {
            "record_key": ["population_748@2025-08-31#1", "population_748@2025-08-31#2", "population_748@2025-07-31#3"],
            "source_id": ["population_748"] * 3,
            "extract_date": [dt.date(2025, 8, 31), dt.date(2025, 8, 31), dt.date(2025, 7, 31)],
        }
    )
    path = wh.parquet_path("entities", "people_lineage")
    path.parent.mkdir(parents=True)
    lineage.write_parquet(path)
    return wh


def test_an_unread_extract_whose_records_were_kept_says_so(tmp_path):
    said = unread_extracts(_warehouse(tmp_path))
    assert said == (
        "population_747@2025-08-31 (population_747.jsonl): failed: cannot read: file not found",
        "population_748@2025-08-31 (population_748.jsonl): failed: cannot read: file not found [still in the "
        "figures: 2 of its records as an earlier load read them (the entities were kept as last published)]",
    )


def test_the_package_and_the_report_say_which_are_still_counted(tmp_path):
    said = unread_extracts(_warehouse(tmp_path))
    common = {"rows": {}, "created": datetime(2026, 12, 6, tzinfo=UTC), "run_id": "r", "source_runs": {}, "key": None}
    package = package_descriptor(load_declarations()["public_security"], [], **common, unread_extracts=said)
    note = package["wardbridge"]["extracts_not_read"]["note"]
    assert "in none of this package's figures, except where an entry says 'still in the figures'" in note
    html = _unread_extracts(said)
    assert "their rows are not in these figures, except where an entry says 'still in the figures'" in html
    assert "2 of its records" in html


def test_a_recipient_is_told_the_extract_and_file_not_the_servers_folders(tmp_path):
    """The exports' entries were the engineers' lines: 'cannot read: ...: file not found (looked for
    /tmp/hv25/ex/reg/population/population_748.jsonl; source population_748, catalogue cat.toml)' went to the
    ministry (measured in /tmp/hv25/ex). A package says which extract and file could not be read, and whether its
    records are still counted; the report (the city's own) keeps the cause."""
    wh = _warehouse(tmp_path)
    write_status(
        wh,
        PartitionStatus(
            "tax_1@2025-08-31", "tax", "failed", "cannot read: tax_1.csv: file not found (looked for /srv/x/tax_1.csv)"
        ),
    )
    told = unread_extracts(wh, causes=False)
    assert told == (
        "population_747@2025-08-31 (population_747.jsonl): could not be read",
        "population_748@2025-08-31 (population_748.jsonl): could not be read [still in the figures: 2 of its records "
        "as an earlier load read them (the entities were kept as last published)]",
        "tax_1@2025-08-31: could not be read",
    )
    assert "/srv/x" in unread_extracts(wh)[-1]  # the report's
