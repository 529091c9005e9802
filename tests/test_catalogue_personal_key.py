"""A catalogue entry whose key_column is mapped to a personal-ID field (key_column = "so_cccd" with so_cccd =
"personal_id") puts the person's national ID number into every record_key (source@date#<key>), which flows into
lineage, the review queues and the entity tables' record_ids. Nothing refused or warned (HV14's FYI 3).

Loading the catalogue now warns (logger wardbridge.catalogue, once a process), naming the file, the source, the
key_column and the field, never a value. It does not refuse: catalogues keyed so already run.
"""

from __future__ import annotations

import logging

import pytest

from pipelines.ingest import catalogue as cat
from pipelines.ingest.catalogue import CATALOGUE_DIR, load_catalogue, personal_key_warnings

CCCD = "079190001234"


def _catalogue(tmp_path, registry: str, key: str, columns: dict[str, str], fmt: str = "csv"):
    where = 'url = "sqlite:///${WB_DB}"\ntable = "t"' if fmt == "sql" else 'path = "x.csv"'
    lines = "\n".join(f'{k} = "{v}"' for k, v in columns.items())
    path = tmp_path / "cat.toml"
    path.write_text(
        f'base_dir = "{tmp_path}"\n\n[[source]]\nid = "{registry}_770"\nregistry = "{registry}"\nformat = "{fmt}"\n'
        f'{where}\nkey_column = "{key}"\nextract_date = "2025-08-31"\n[source.columns]\n{lines}\n',
        encoding="utf-8",
    )
    (tmp_path / "x.csv").write_text(f"{','.join(columns)}\n" + ",".join([CCCD] * len(columns)) + "\n")
    return path


PEOPLE = {"ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address", "so_cccd": "personal_id"}
CASES = {
    "population-cccd": ("population", "so_cccd", PEOPLE, "personal_id", "csv"),
    "population-cmnd": ("population", "so_cmnd", {**PEOPLE, "so_cmnd": "old_id_number"}, "old_id_number", "csv"),
    "households-head": (
        "households",
        "cccd_chu_ho",
        {"so_ho_khau": "household_no", "chu_ho": "head_name", "dia_chi": "address", "cccd_chu_ho": "head_personal_id"},
        "head_personal_id",
        "csv",
    ),
    "population-sql": ("population", "so_cccd", PEOPLE, "personal_id", "sql"),
    "tax-code": (
        "tax",
        "mst",
        {"mst": "taxpayer_code", "ky_thue": "period", "so_tien": "amount_vnd"},
        "taxpayer_code",
        "csv",
    ),
}


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(cat, "_WARNED", set())


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_key_column_mapped_to_a_personal_id_is_warned_about(tmp_path, caplog, fresh, case):
    registry, key, columns, field, fmt = case
    path = _catalogue(tmp_path, registry, key, columns, fmt)
    with caplog.at_level(logging.WARNING, logger="wardbridge.catalogue"):
        sources = load_catalogue([path])  # still loads: a warning, not a refusal
    assert list(sources) == [f"{registry}_770"]
    said = [r.getMessage() for r in caplog.records if r.name == "wardbridge.catalogue"]
    assert len(said) == 1, said
    assert str(path) in said[0] and f"'{registry}_770'" in said[0], said
    assert f"key_column '{key}' is mapped to {field}" in said[0] and "record key" in said[0], said
    assert CCCD not in said[0]
    assert caplog.records[0].levelno == logging.WARNING


def test_warned_once_a_process_and_the_lines_still_listed(tmp_path, caplog, fresh):
    path = _catalogue(tmp_path, "population", "so_cccd", PEOPLE)
    with caplog.at_level(logging.WARNING, logger="wardbridge.catalogue"):
        for _ in range(3):  # the sensor and each step list the catalogue again
            sources = load_catalogue([path])
    assert len([r for r in caplog.records if r.name == "wardbridge.catalogue"]) == 1
    assert len(personal_key_warnings(sources)) == 1


def test_other_keys_are_not_warned_about(tmp_path, caplog, fresh):
    path = _catalogue(tmp_path, "population", "ma_ban_ghi", {**PEOPLE, "ma_ban_ghi": "household_no"})
    (tmp_path / "b").mkdir()
    unmapped = _catalogue(tmp_path / "b", "population", "so_cccd", {k: v for k, v in PEOPLE.items() if k != "so_cccd"})
    with caplog.at_level(logging.WARNING, logger="wardbridge.catalogue"):
        load_catalogue([path])
        load_catalogue([unmapped])  # (not mapped: the catalogue cannot know what the column holds)
        bundled = load_catalogue(sorted(CATALOGUE_DIR.glob("*.toml")))
    assert not [r for r in caplog.records if r.name == "wardbridge.catalogue"]
    assert personal_key_warnings(bundled) == []


def test_the_docs_say_so_where_key_column_is_described():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "ingestion.md").read_text(encoding="utf-8")
    assert "key_column" in text and "personal_id" in text.split("key_column", 1)[1][:3000]
