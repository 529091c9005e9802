"""A catalogue that no longer lists a registry does not rebuild its entities from nothing.

Ingesting a registry retires the extracts that left its catalogue, but a registry the catalogue does not list
at all is never ingested: its staged extracts stay live. ``wardbridge run --catalogue <one households file>``
used to publish people, businesses and taxpayers as empty (and rebuild the review queues from that).
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import pytest

from assets.entities import MatchConfig, RegistryIncomplete, accounted_partitions, stray_partitions
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse

REPO = Path(__file__).resolve().parents[1]

LOG = logging.getLogger("test")
HOUSEHOLDS_ONLY = REPO / "mappings" / "sources" / "broken" / "sample_broken.toml"


def _stage_by_hand(wh: Warehouse, table: str, key: str) -> None:
    path = PartitionedLayer(wh, "staged").path(table, key)
    path.parent.mkdir(parents=True)
    pl.DataFrame({"record_key": ["x"]}).write_parquet(path)


@pytest.fixture
def households_only(monkeypatch):
    monkeypatch.setenv("WARDBRIDGE_CATALOGUE", str(HOUSEHOLDS_ONLY))


def test_registry_left_out_of_the_catalogue_keeps_its_entities(tmp_path, households_only):
    wh = Warehouse(tmp_path / "wh")
    _stage_by_hand(wh, "staged_population", "population_718@2025-08-31")
    with pytest.raises(RegistryIncomplete, match="not in today's catalogue") as refused:
        accounted_partitions(wh, "population", MatchConfig(), LOG)
    assert "allow_incomplete" in str(refused.value)
    used, left_out = accounted_partitions(wh, "population", MatchConfig(allow_incomplete=True), LOG)
    assert used == [] and list(left_out) == ["stray"]


def test_nothing_staged_and_nothing_listed_is_not_a_problem(tmp_path, households_only):
    wh = Warehouse(tmp_path / "wh")
    assert accounted_partitions(wh, "population", MatchConfig(), LOG) == ([], {})


def test_stray_partitions_are_those_no_listed_key_names(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    for key in ("a_1@2025-08-31", "odd key/1@2025-08-31", "b_2@2025-08-31"):
        _stage_by_hand(wh, "staged_population", key)
    listed = ["a_1@2025-08-31", "odd key/1@2025-08-31"]  # a key whose directory name is escaped
    assert stray_partitions(wh, "staged_population", listed) == ["part=b_2@2025-08-31"]
    assert stray_partitions(wh, "staged_population", [*listed, "b_2@2025-08-31"]) == []


GLOB_SOURCE = """base_dir = "{base}"

[[source]]
id = "households_718"
registry = "households"
format = "csv"
path = "households/hk_*.csv"
extract_date_pattern = 'hk_(\\d{{8}})'
key_column = "ma_ban_ghi"
[source.columns]
"so_ho_khau" = "household_no"
"ten_chu_ho" = "head_name"
"dia_chi" = "address"
"""


def test_a_listed_registry_whose_only_source_matches_no_file_retires_its_extracts(tmp_path, monkeypatch):
    """The registry's one source is a glob whose file went (archived): the catalogue lists the registry but no
    extract, so no ingest of it runs to retire the extract (docs/ingestion.md: a file no longer found is retired at
    the next ingest). The entities step retires it and builds without it; before, every entities run refused the
    registry ('not retired by an ingest of households ... does not list households?'), so `wardbridge run` failed
    and skipped the review, marts and report every night (reproduced with two real runs, HL1)."""
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(GLOB_SOURCE.format(base=tmp_path.as_posix()), encoding="utf-8")
    (tmp_path / "households").mkdir()  # the folder is there, its hk_20250831.csv was moved away
    monkeypatch.setenv("WARDBRIDGE_CATALOGUE", str(catalogue))
    wh = Warehouse(tmp_path / "wh")
    _stage_by_hand(wh, "staged_households", "households_718@2025-08-31")
    used, left_out = accounted_partitions(wh, "households", MatchConfig(), LOG)
    assert (used, left_out) == ([], {})
    assert stray_partitions(wh, "staged_households", []) == []
    assert (
        wh.root / "parquet" / "retired" / "staged" / "staged_households" / "part=households_718@2025-08-31"
    ).is_dir()
    status = read_status(wh, "households")["households_718@2025-08-31"]
    assert status.state == "retired" and "file of this extract is not found" in status.cause
