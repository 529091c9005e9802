"""Two files of one source whose names give the same extract date ('hk_20250831.csv' and a corrected
'hk_20250831_fixed.csv', a browser's 'hk_20250831 (1).csv') were one partition whose extract was the file sorted
last: the other file's rows were never loaded and nothing said so. Now the partition fails naming every such file
(which one is the extract is the data engineer's call: keep one in the folder), its cause written in the ingest status,
and no file of it is loaded in place of another."""

from __future__ import annotations

import logging

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.status import read_status
from pipelines.warehouse import Warehouse
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS, _csv


def _catalogue(tmp_path):
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{(tmp_path / "land").as_posix()}"\n[[source]]\nid = "s"\nregistry = "{REGISTRY}"\n'
        'format = "csv"\npath = "hk_*.csv"\nextract_date_pattern = \'hk_(\\d{8})\'\nkey_column = "stt"\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    return catalogue


def test_two_files_for_one_extract_fail_it_naming_both(tmp_path):
    land = tmp_path / "land"
    land.mkdir()
    (land / "hk_20250831.csv").write_text(_csv(ROWS[:2]), encoding="utf-8")
    (land / "hk_20250831_fixed.csv").write_text(_csv(ROWS[2:]), encoding="utf-8")
    (land / "hk_20250930.csv").write_text(_csv(ROWS), encoding="utf-8")
    extracts = extracts_by_partition(load_catalogue([_catalogue(tmp_path)]))
    assert sorted(extracts) == ["s@2025-08-31", "s@2025-09-30"]
    wh = Warehouse(tmp_path / "wh")
    for key, extract in extracts.items():
        ingest_partition(wh, REGISTRY, key, extract, "r", IngestOutcome(), logging.getLogger("t"))
    status = read_status(wh, REGISTRY)
    assert status["s@2025-09-30"].state == "ok"
    assert status["s@2025-08-31"].state == "failed"
    cause = status["s@2025-08-31"].cause
    assert "hk_20250831.csv" in cause and "hk_20250831_fixed.csv" in cause and "2025-08-31" in cause, cause


def test_one_file_a_date_is_as_before(tmp_path):
    land = tmp_path / "land"
    land.mkdir()
    (land / "hk_20250831.csv").write_text(_csv(ROWS), encoding="utf-8")
    (extract,) = extracts_by_partition(load_catalogue([_catalogue(tmp_path)])).values()
    wh = Warehouse(tmp_path / "wh")
    ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r", IngestOutcome(), logging.getLogger("t"))
    assert read_status(wh, REGISTRY)[extract.partition_key].state == "ok"
