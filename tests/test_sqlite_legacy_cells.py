"""A SQLite cell whose bytes are not UTF-8 (a BLOB, or TEXT written by an old system in TCVN3, VNI or Windows-1258):
the row was quarantined and the copy kept had U+FFFD in place of the bytes. Now the cell is read in the one legacy
encoding that reads it as clean Vietnamese (encodings.certain_legacy_reading) and counted as a text repair of its
field; a cell no encoding reads with certainty keeps its row quarantined, its bytes kept as hex (\\x..., lossless),
never a replacement character."""

from __future__ import annotations

import json

import polars as pl

from pipelines.encodings import certain_legacy_reading, encode_cp1258, encode_tcvn3, encode_vni
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import ingest_sql_table
from tests.test_bad_inputs import REGISTRY, ROWS, _sqlite

NAME, ADDRESS, STREET = "Nguyễn Văn An", "12 Lê Lợi, Phường Bến Nghé, Quận 1", "Phường Bến Thành"


def _ingest(tmp_path, *statements: str):
    data = _sqlite(tmp_path / "made.sqlite", ROWS, *statements)
    (tmp_path / "t.sqlite").write_bytes(data)
    wh, extract, outcome = ingest_sql_table(tmp_path, REGISTRY, sqlite="t.sqlite")
    status = read_status(wh, REGISTRY)[extract.partition_key]
    tables = {
        layer: PartitionedLayer(wh, layer).read(f"{name}_{REGISTRY}", extract.partition_key)
        for layer, name in (("raw", "raw"), ("staged", "staged"), ("quarantine", "quarantine"))
    }
    return status, outcome, tables


def test_legacy_cells_are_read_and_counted_as_repairs(tmp_path):
    status, outcome, tables = _ingest(
        tmp_path,
        f"INSERT INTO {REGISTRY} VALUES ('5', 'HK5', X'{encode_tcvn3(NAME).hex()}', NULL, 'x', '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('6', 'HK6', 'Võ An', NULL, CAST(X'{encode_vni(ADDRESS).hex()}' AS TEXT),"
        " '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('7', 'HK7', 'Võ An', NULL, X'{encode_cp1258(STREET).hex()}', '1', NULL)",
    )
    assert status.state == "ok", status.cause
    staged = {r["source_key"]: r for r in tables["staged"].iter_rows(named=True)}
    assert set(staged) == {"1", "2", "3", "5", "6", "7"} and tables["quarantine"].height == 0
    assert staged["5"]["head_name"] == NAME and staged["5"]["text_repairs"] == "head_name:tcvn3"
    assert staged["6"]["address"] == ADDRESS and staged["6"]["text_repairs"] == "address:vni"
    assert staged["7"]["address"] == STREET and staged["7"]["text_repairs"] == "address:cp1258"
    assert staged["1"]["text_repairs"] is None
    assert outcome.repairs == {"head_name:tcvn3": 1, "address:vni": 1, "address:cp1258": 1}
    assert not tables["raw"].select(pl.all().cast(pl.String).str.contains("\ufffd").any()).row(0).count(True)


def test_a_cell_no_encoding_reads_for_certain_is_quarantined_with_its_bytes_as_hex(tmp_path):
    status, outcome, tables = _ingest(
        tmp_path,
        f"INSERT INTO {REGISTRY} VALUES ('5', CAST(X'48FF4B' AS TEXT), 'Võ An', NULL, 'x', '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('6', 'HK6', X'00FFFE', NULL, 'x', '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('7', 'HK7', X'{encode_vni('Hồ').hex()}', NULL, 'x', '1', NULL)",
    )
    assert status.state == "ok", status.cause
    quarantine = {r["source_key"]: r for r in tables["quarantine"].iter_rows(named=True)}
    assert set(quarantine) == {"5", "6", "7"}
    assert "so_ho_khau not valid UTF-8 text nor certainly a legacy encoding" in quarantine["5"]["reason"]
    kept = {  # the row as read, in the quarantine's raw_values
        k: json.loads(json.loads(json.loads(r["raw_values"])["extra_columns"])["_unparsed"])
        for k, r in quarantine.items()
    }
    assert kept["5"]["so_ho_khau"] == "\\x48ff4b" and kept["6"]["ten_chu_ho"] == "\\x00fffe"
    assert kept["7"]["ten_chu_ho"] == "\\x486fe0"  # VNI 'Hồ' is cp1258 'Hoà' too: not certain
    assert bytes.fromhex(kept["5"]["so_ho_khau"][2:]) == b"H\xffK"  # nothing lost
    assert not any("\ufffd" in str(r) for r in quarantine.values())
    # the cells counted per column in the ingest's note (HQ17; before, the rows only, as unreadable rows)
    counted = "undecodable cells (records quarantined): so_ho_khau 1, ten_chu_ho 2"
    assert any(counted in note for note in outcome.notes), outcome.notes


def test_the_undecodable_columns_of_a_row_are_told_apart_when_a_name_holds_a_comma():
    from pipelines.ingest.sql import listed_names as _listed_names

    names = ["stt", "Số CMND, CCCD", "CCCD", "ho_ten"]
    assert _listed_names("Số CMND, CCCD, ho_ten", names) == ["Số CMND, CCCD", "ho_ten"]
    assert _listed_names("CCCD", names) == ["CCCD"]
    assert _listed_names("ho_ten", names) == ["ho_ten"]


def test_certain_legacy_reading():
    for encode, name in ((encode_tcvn3, "tcvn3"), (encode_vni, "vni"), (encode_cp1258, "cp1258")):
        assert certain_legacy_reading(encode(ADDRESS)) == (ADDRESS, name)
    assert certain_legacy_reading(b"H\xffK") is None  # one clean reading ('HỐK') but no frequent syllable
    assert certain_legacy_reading(encode_vni("Hồ")) is None  # two clean readings that differ ('Hoà' in cp1258)
    assert certain_legacy_reading(b"plain ascii") is None


def test_an_undecodable_cell_of_a_column_not_mapped_keeps_its_row_loaded_with_the_bytes_as_hex(tmp_path):
    """A photo in a BLOB (or bytea) column the catalogue does not map set its whole record aside (every resident with
    a photo quarantined, 4e9f147 for PostgreSQL too): nobody reads that column, so the record is loaded, the bytes
    kept as hex in extra_columns and counted; a mapped column's undecodable cell still sets its row aside."""
    photo = bytes.fromhex("ffd8ffe000104a464946") + bytes(range(200, 256))  # a JPEG's start: no text at all
    status, outcome, tables = _ingest(
        tmp_path,
        f"ALTER TABLE {REGISTRY} ADD COLUMN anh BLOB",
        f"UPDATE {REGISTRY} SET anh = X'{photo.hex()}' WHERE stt IN ('1', '3')",
        f"INSERT INTO {REGISTRY} VALUES ('6', 'HK6', X'00FFFE', NULL, 'x', '1', NULL, X'{photo.hex()}')",
    )
    assert status.state == "ok", status.cause
    staged = {r["source_key"]: r for r in tables["staged"].iter_rows(named=True)}
    assert set(staged) == {"1", "2", "3"}  # the photo rows loaded
    raw = {r["source_key"]: r for r in tables["raw"].iter_rows(named=True)}
    assert json.loads(raw["1"]["extra_columns"])["anh"] == "\\x" + photo.hex()  # nothing lost
    assert set(tables["quarantine"]["source_key"]) == {"6"}  # its mapped ten_chu_ho is undecodable
    assert any("undecodable cells (records quarantined): ten_chu_ho 1" in note for note in outcome.notes)
    kept = "undecodable cells of columns not mapped (kept as hex in extra_columns, records loaded): anh 2"
    assert any(kept in note for note in outcome.notes), outcome.notes


def test_a_short_legacy_cell_of_a_column_named_with_a_comma_is_read_by_its_row():
    """_read_by_row split the undecodable columns' list at ', ', so a cell of 'Họ, tên' was never found (HV1)."""
    from pipelines.ingest.sql import DECODED, UNDECODABLE, _read_by_row

    names = ["stt", "Họ, tên", "dia_chi"]
    frame = pl.DataFrame(
        {
            "stt": ["1"],
            "Họ, tên": ["\\x" + encode_tcvn3("Nữ").hex()],  # too short to be read for certain alone
            "dia_chi": [ADDRESS],  # read for certain as TCVN3 (DECODED)
            UNDECODABLE: ["Họ, tên"],
            DECODED: [["tcvn3:dia_chi"]],
        }
    )
    out = _read_by_row(frame, names).row(0, named=True)
    assert out["Họ, tên"] == "Nữ" and out[UNDECODABLE] is None
    assert sorted(out[DECODED]) == ["tcvn3:Họ, tên", "tcvn3:dia_chi"]
