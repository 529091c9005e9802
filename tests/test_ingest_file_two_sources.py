"""One file found by two catalogue sources of one registry (overlapping globs, or one file named by two entries), HR1
session 64: before, it was loaded once per source, every row staged twice under two record keys."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract
from tests.referencecopy import with_reference_snapshot
from tests.test_bad_inputs import COLUMNS, PERSONAL, ROWS, _csv


def _source(source_id: str, registry: str, path: str, columns: dict[str, str]) -> str:
    return (
        f'[[source]]\nid = "{source_id}"\nregistry = "{registry}"\nformat = "csv"\npath = "{path}"\n'
        "extract_date_pattern = 'hk_(\\d{8})'\nkey_column = \"stt\"\n[source.columns]\n"
        + "".join(f'{src} = "{canon}"\n' for src, canon in columns.items())
    )


def _extracts(tmp: Path, *sources: str) -> dict:
    (tmp / "landed").mkdir()
    (tmp / "landed" / "hk_20250831.csv").write_text(_csv(ROWS), encoding="utf-8")
    catalogue = tmp / "catalogue.toml"
    catalogue.write_text(f'base_dir = "{tmp.as_posix()}"\n' + "".join(sources), encoding="utf-8")
    return extracts_by_partition(load_catalogue([catalogue]))


def test_a_file_two_sources_of_one_registry_find_is_loaded_by_neither(tmp_path):
    """'landed/hk_*.csv' and a catch-all 'landed/*.csv': at 1f85827 both partitions loaded the file (the test fails
    there: state 'ok', 3 rows staged per source). Now each fails naming the other, nothing loaded twice."""
    extracts = _extracts(
        tmp_path,
        _source("hk_a", "households", "landed/hk_*.csv", COLUMNS),
        _source("hk_all", "households", "landed/*.csv", COLUMNS),
    )
    assert sorted(extracts) == ["hk_a@2025-08-31", "hk_all@2025-08-31"]
    wh = with_reference_snapshot(tmp_path / "wh")
    for key, other in (("hk_a@2025-08-31", "hk_all@2025-08-31"), ("hk_all@2025-08-31", "hk_a@2025-08-31")):
        got = ingest_extract(wh, "households", extracts[key], PERSONAL)
        assert got.state == "failed", got.state
        assert f"the file is also the extract of {other}" in got.cause and "none of them is loaded" in got.cause


def test_a_file_another_registry_reads_too_is_loaded_by_each(tmp_path):
    """A households export read for its heads as a population source too: two registries, each loads it."""
    heads = {
        "ten_chu_ho": "full_name",
        "cccd_chu_ho": "personal_id",
        "dia_chi": "address",
        "ngay_dang_ky": "date_of_birth",
    }
    extracts = _extracts(
        tmp_path,
        _source("hk", "households", "landed/hk_*.csv", COLUMNS),
        _source("heads", "population", "landed/hk_*.csv", heads),
    )
    assert not any(e.shared_with for e in extracts.values())
