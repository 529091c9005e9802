"""A legacy-encoded cell too short to be read for certain on its own (TCVN3 'Nữ' in a sex column, VNI 'Hồ', which
Windows-1258 reads 'Hoà') in a row whose other cells were read, for certain, in one legacy encoding is read in that
encoding when it reads as clean Vietnamese there: an old system wrote the whole row in one encoding. Before, the row
was quarantined for that cell alone (a TCVN3 table in a SQL_ASCII PostgreSQL database, sample rows: 116 of 400 rows
quarantined, 10 after: those whose cell holds a typo no encoding reads cleanly). A row read in two encodings, or a
cell not clean in the row's one, keeps its row quarantined, its bytes as hex. SQLite here; PostgreSQL SQL_ASCII reads
the same way (sql._undecodable)."""

from __future__ import annotations

import json

from pipelines.encodings import clean_legacy_reading, encode_cp1258, encode_tcvn3, encode_vni
from tests.test_bad_inputs import REGISTRY
from tests.test_sqlite_legacy_cells import ADDRESS, NAME, _ingest

SHORT = "Nữ"  # no encoding reads its bytes for certain on their own


def _row(key: str, head: bytes, address: bytes, book: bytes = b"HK") -> str:
    return (
        f"INSERT INTO {REGISTRY} VALUES ('{key}', X'{book.hex()}', X'{head.hex()}', NULL, X'{address.hex()}', '1', "
        "NULL)"
    )


def test_a_short_cell_is_read_in_its_rows_encoding(tmp_path):
    status, outcome, tables = _ingest(
        tmp_path,
        _row("5", encode_tcvn3(NAME), encode_tcvn3(ADDRESS), book=encode_tcvn3(SHORT)),  # the row is TCVN3
        _row("6", encode_vni("Hồ"), encode_vni(ADDRESS)),  # VNI 'Hồ' alone: also Windows-1258 'Hoà'
        _row("7", encode_tcvn3(NAME), encode_vni(ADDRESS), book=encode_tcvn3(SHORT)),  # two encodings: not told
        _row("8", b"H\xff\xfe\xfdK", encode_tcvn3(ADDRESS)),  # not clean Vietnamese in TCVN3
    )
    assert status.state == "ok", status.cause
    staged = {r["source_key"]: r for r in tables["staged"].iter_rows(named=True)}
    assert staged["5"]["household_no"] == SHORT and staged["5"]["head_name"] == NAME  # was: quarantined
    assert staged["5"]["text_repairs"] == "household_no:tcvn3; head_name:tcvn3; address:tcvn3"
    assert staged["6"]["head_name"] == "Hồ" and staged["6"]["address"] == ADDRESS  # VNI, as the row: not 'Hoà'
    quarantine = {r["source_key"]: r for r in tables["quarantine"].iter_rows(named=True)}
    assert set(quarantine) == {"7", "8"}
    assert "so_ho_khau not valid UTF-8 text nor certainly a legacy encoding" in quarantine["7"]["reason"]
    assert "ten_chu_ho not valid UTF-8 text nor certainly a legacy encoding" in quarantine["8"]["reason"]
    kept = json.loads(json.loads(json.loads(quarantine["8"]["raw_values"])["extra_columns"])["_unparsed"])
    assert bytes.fromhex(kept["ten_chu_ho"][2:]) == b"H\xff\xfe\xfdK"  # nothing lost
    assert outcome.repairs["household_no:tcvn3"] == 1 and outcome.repairs["head_name:vni"] == 1


def test_clean_legacy_reading():
    assert clean_legacy_reading(encode_tcvn3(SHORT), "tcvn3") == SHORT
    assert clean_legacy_reading(encode_vni("Hồ"), "vni") == "Hồ"
    assert clean_legacy_reading(encode_cp1258("Hoà"), "cp1258") == "Hoà"
    assert clean_legacy_reading(b"H\xff\xfe\xfdK", "tcvn3") is None
    assert clean_legacy_reading(b"x", "latin-9") is None  # not a legacy encoding of the readers
