"""A partition whose source is still in the catalogue but whose file is gone (a landed file moved to an archive
folder, renamed, deleted) is retired like one whose source left the catalogue, but its status and the ingest step's
warning said "source no longer in the catalogue" for both, so a data engineer who archived a landing file was told
something untrue and not how to get the rows back. Now the cause says which happened."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.status import (
    RETIRED_FILE_GONE,
    RETIRED_SOURCE_GONE,
    read_status,
    retire_partitions,
    retired_cause,
)
from pipelines.warehouse import Warehouse

TABLES = {"raw": "raw_population", "staged": "staged_population", "quarantine": "quarantine_population"}


def _partition(wh: Warehouse, key: str) -> None:
    for layer, table in TABLES.items():
        folder = wh.root / "parquet" / layer / table / f"part={key}"
        folder.mkdir(parents=True)
        pl.DataFrame({"record_key": [f"{key}#1"]}).write_parquet(folder / "data.parquet")


def test_the_cause_says_whether_the_source_or_its_file_went(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    for key in ("landed@2025-09-15", "landed@2025-09-16", "dropped@2025-08-31"):
        _partition(wh, key)
    retired = retire_partitions(wh, "population", TABLES, ["landed@2025-09-16"], "r", sources={"landed", "other"})
    assert retired == ["part=dropped@2025-08-31", "part=landed@2025-09-15"]
    status = read_status(wh, "population")
    assert status["dropped@2025-08-31"].cause == RETIRED_SOURCE_GONE
    assert status["landed@2025-09-15"].cause == RETIRED_FILE_GONE  # was: 'source no longer in the catalogue'
    assert "still in the catalogue" in RETIRED_FILE_GONE and "put the file back" in RETIRED_FILE_GONE
    assert (wh.root / "parquet" / "retired" / "staged" / "staged_population" / "part=landed@2025-09-15").is_dir()


def test_without_the_sources_the_old_cause_is_kept():
    assert retired_cause("landed@2025-09-15", None) == RETIRED_SOURCE_GONE
    assert retired_cause("a@b@2025-09-15", {"a@b"}) == RETIRED_FILE_GONE  # the date after the last '@'
