"""A NUL character (a zero byte of a damaged or fixed-width export) inside a cell was kept in the staged value (an
address '12 Lê\\x00 Lợi', a household number), and made an ID or a date unreadable. Staging takes NULs out of every
field value, counts them per field as a repair of kind nul_removed (the row's text_repairs say which fields, the
partition's ingest note how many values), never with a value; raw keeps the row as read."""

from __future__ import annotations

import logging

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.stage import NUL_REMOVED, _without_nul
from tests.test_bad_inputs import COLUMNS, PERSONAL, REGISTRY, ROWS, _csv


def _run(tmp_path, rows):
    from pipelines.warehouse import PartitionedLayer, Warehouse

    (tmp_path / "n.csv").write_text(_csv(rows), encoding="utf-8")
    catalogue = tmp_path / "n.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "s"\nregistry = "{REGISTRY}"\nformat = "csv"\n'
        'path = "n.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    wh, outcome = Warehouse(tmp_path / "wh"), IngestOutcome()
    ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r", outcome, logging.getLogger("test"))
    layer = {n: PartitionedLayer(wh, n).read(f"{n}_{REGISTRY}", extract.partition_key) for n in ("raw", "staged")}
    return outcome, layer["raw"], layer["staged"]


def test_nul_characters_are_taken_out_of_staged_fields_and_counted(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][4] = "12 Lê\x00 Lợi, Phường Bến Nghé, Quận 1"
    rows[1][1], rows[1][2] = "HK\x00002", "Trần Thị\x00 Bình"
    rows[2][3], rows[2][6] = "0790880\x0005555", "03/03\x00/2021"
    outcome, raw, staged = _run(tmp_path, rows)
    by_key = {r["source_key"]: r for r in staged.iter_rows(named=True)}
    assert len(by_key) == 3
    assert not any("\x00" in v for r in by_key.values() for v in r.values() if isinstance(v, str))
    assert by_key["1"]["address"] == ROWS[0][4] and by_key["2"]["household_no"] == "HK002"
    assert by_key["3"]["head_personal_id"] == ROWS[2][3] and by_key["3"]["issues"] is None  # ID and date read
    assert by_key["1"]["text_repairs"] == "address:nul_removed"
    assert by_key["2"]["text_repairs"] == "household_no:nul_removed; head_name:nul_removed"
    assert outcome.repairs == {
        f"{f}:{NUL_REMOVED}": 1 for f in ("address", "household_no", "head_name", "head_personal_id", "registered_on")
    }
    note = outcome.notes[-1]
    assert "NUL characters removed (values): " in note and "address 1" in note, note
    assert not any(v in note for v in PERSONAL)
    assert raw.filter(raw["source_key"] == "1")["address"].item() == rows[0][4]  # raw keeps the row as read


def test_a_frame_without_nul_is_returned_as_it_is():
    import polars as pl

    frame = pl.DataFrame({"record_key": ["a"], "address": ["x"], "row_flags": ["\x00"]})
    same, counts, notes = _without_nul(frame)
    assert same is frame and counts == {} and notes == []
