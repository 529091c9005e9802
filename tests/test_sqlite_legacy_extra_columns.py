"""SQLite cells not UTF-8 that the reader reads in a legacy encoding (78aee86) were counted as text repairs only in
columns the catalogue maps: one in a column it does not map was decoded into extra_columns without a word, and one
in a mapped column whose header differs from the catalogue's name in case only (read by its catalogue name) was not
counted either. Both are counted now as the mapped columns' are: the row's text_repairs, the run's repairs."""

from __future__ import annotations

import json

from pipelines.encodings import encode_tcvn3, encode_vni
from tests.test_bad_inputs import PERSONAL, REGISTRY
from tests.test_sqlite_legacy_cells import ADDRESS, NAME, _ingest


def test_legacy_cells_of_columns_the_catalogue_does_not_map_are_counted(tmp_path):
    status, outcome, tables = _ingest(
        tmp_path,
        f'ALTER TABLE {REGISTRY} ADD COLUMN "ghi chú, 1=x"',
        f"INSERT INTO {REGISTRY} VALUES ('5', 'HK5', X'{encode_tcvn3(NAME).hex()}', NULL, 'x', '1', NULL, "
        f"X'{encode_vni(ADDRESS).hex()}')",
        f"INSERT INTO {REGISTRY} VALUES ('6', 'HK6', 'Võ An', NULL, 'x', '1', NULL, X'{encode_tcvn3(ADDRESS).hex()}')",
    )
    assert status.state == "ok", status.cause
    staged = {r["source_key"]: r for r in tables["staged"].iter_rows(named=True)}
    label = "extra_columns.ghi chú_ 1_x"  # the flag's separators in the name written '_'
    assert staged["5"]["text_repairs"] == f"head_name:tcvn3; {label}:vni"
    assert staged["6"]["text_repairs"] == f"{label}:tcvn3"
    assert staged["1"]["text_repairs"] is None
    assert outcome.repairs == {"head_name:tcvn3": 1, f"{label}:vni": 1, f"{label}:tcvn3": 1}
    raw = {r["source_key"]: r for r in tables["raw"].iter_rows(named=True)}
    assert json.loads(raw["5"]["extra_columns"])["ghi chú, 1=x"] == ADDRESS  # the text kept, decoded
    assert not any(v in note for note in outcome.notes for v in (*PERSONAL, NAME, ADDRESS))


def test_legacy_cells_of_a_column_read_by_its_catalogue_name_are_counted(tmp_path):
    status, outcome, tables = _ingest(
        tmp_path,
        f"ALTER TABLE {REGISTRY} RENAME COLUMN ten_chu_ho TO TEN_CHU_HO",
        f"INSERT INTO {REGISTRY} VALUES ('5', 'HK5', X'{encode_tcvn3(NAME).hex()}', NULL, 'x', '1', NULL)",
    )
    assert status.state == "ok", status.cause
    staged = {r["source_key"]: r for r in tables["staged"].iter_rows(named=True)}
    assert staged["5"]["head_name"] == NAME and staged["5"]["text_repairs"] == "head_name:tcvn3"
    assert outcome.repairs == {"head_name:tcvn3": 1}
