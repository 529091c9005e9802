"""A source keyed by people's ID numbers without its key_column being mapped to a personal-ID field is warned about
when it is ingested: the catalogue's own check (288c805, tests/test_catalogue_personal_key.py) sees only a
key_column the entry maps to one, so a SQL table keyed by its primary key (no key_column) that is the CCCD column,
or a key_column the entry does not map whose values are the mapped ID column's, put every person's ID into their
record keys (lineage, review queues, entity record_ids) unsaid (HV14's FYI 3, HV15's 'not covered'; HV16).

The ingest compares each row's key with its personal-ID fields' values (the columns the entry maps to personal_id,
old_id_number, head_personal_id, owner_personal_id, taxpayer_code): when they are equal in at least half of the rows
holding the field, the ingest step warns and the partition's note says so, naming the partition, the file, the key
and the field and how many rows, never a value. A key column holding ID numbers that no mapped column holds too is
not recognised (its values alone do not say they are ID numbers: a record number may have 12 digits).
"""

from __future__ import annotations

import logging
import sqlite3

from tests.ingesthelpers import ingest_note
from tests.test_bad_inputs import COLUMNS, PERSONAL, REGISTRY, ROWS, _csv

SAID = "record keys hold"


def _catalogue(tmp_path, source: str, key: str | None) -> object:
    mapped = "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items())
    keyed = f'key_column = "{key}"\n' if key else ""
    path = tmp_path / "c.toml"
    path.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "hk"\nregistry = "{REGISTRY}"\n{source}'
        f'{keyed}extract_date = "2025-08-31"\n[source.columns]\n{mapped}',
        encoding="utf-8",
    )
    return path


def _said(warnings: list[str]) -> list[str]:
    return [w for w in warnings if SAID in w]


def test_a_table_keyed_by_its_primary_key_that_is_the_id_column_is_warned_about(tmp_path, caplog):
    with sqlite3.connect(tmp_path / "t.sqlite") as conn:
        conn.execute(
            f"CREATE TABLE {REGISTRY} (stt, so_ho_khau, ten_chu_ho, cccd_chu_ho TEXT PRIMARY KEY, dia_chi, "
            "so_nhan_khau, ngay_dang_ky)"
        )
        conn.executemany(f"INSERT INTO {REGISTRY} VALUES (?, ?, ?, ?, ?, ?, ?)", ROWS)
    source = f'format = "sqlite"\npath = "t.sqlite"\ntable = "{REGISTRY}"\n'
    note, warnings = ingest_note(tmp_path / "wh", REGISTRY, _catalogue(tmp_path, source, None), caplog)
    (warning,) = _said(warnings)
    assert "head_personal_id" in warning and "t.sqlite" in warning and "3 of 3 rows" in warning
    assert "primary key" in warning
    assert SAID in note
    assert not [v for v in PERSONAL if v in warning or v in note]


def test_a_key_column_the_entry_does_not_map_holding_the_mapped_ids_is_warned_about(tmp_path, caplog):
    header = ["ma", *list(COLUMNS)]
    rows = [[r[3], *r[1:]] for r in ROWS]  # 'ma' holds each head's CCCD, as cccd_chu_ho does
    (tmp_path / "hk.csv").write_text(_csv(rows, header), encoding="utf-8")
    source = 'format = "csv"\npath = "hk.csv"\n'
    _, warnings = ingest_note(tmp_path / "wh", REGISTRY, _catalogue(tmp_path, source, "ma"), caplog)
    (warning,) = _said(warnings)
    assert "key_column 'ma'" in warning and "head_personal_id" in warning and "3 of 3 rows" in warning
    assert not [v for v in PERSONAL if v in warning]


def test_a_record_number_key_is_not_warned_about(tmp_path, caplog):
    (tmp_path / "hk.csv").write_text(_csv(ROWS), encoding="utf-8")
    source = 'format = "csv"\npath = "hk.csv"\n'
    note, warnings = ingest_note(tmp_path / "wh", REGISTRY, _catalogue(tmp_path, source, "stt"), caplog)
    assert _said(warnings) == [] and SAID not in note


def test_a_key_column_mapped_to_the_id_is_left_to_the_catalogues_warning(tmp_path, caplog):
    """The catalogue already warns about it (once a process): the ingest does not say it again on every run."""
    (tmp_path / "hk.csv").write_text(_csv(ROWS), encoding="utf-8")
    source = 'format = "csv"\npath = "hk.csv"\n'
    with caplog.at_level(logging.WARNING):
        _, warnings = ingest_note(tmp_path / "wh", REGISTRY, _catalogue(tmp_path, source, "cccd_chu_ho"), caplog)
    assert _said(warnings) == []
