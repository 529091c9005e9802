"""Mends of the ingest code review (closing6.md, "found and not mended"): work done once, lists declared once.

* a run's release of rows read again under another date reads the ingest status once, inspects each source's
  key in its database once, and reads a left partition's raw file once;
* a workbook's layout (origin, merged cells) is read for the sheets ingested only;
* one function names a header's columns apart, and a column keeps its own name;
* the legacy encodings are declared once, and text files and DBF tables choose their encoding alike.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from assets.ingest import LeftRows
from pipelines import encodings
from pipelines.ingest import catalogue, status, xlsx_layout
from pipelines.ingest.readers import _dbf_encoding, decode_file
from pipelines.ingest.status import PartitionStatus, read_status, write_status
from pipelines.synth.formats import open_writer
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest

REGISTRY = "households"
TABLES = {"raw": f"raw_{REGISTRY}", "staged": f"staged_{REGISTRY}", "quarantine": f"quarantine_{REGISTRY}"}
LEFT = "src@2025-09-30"  # a date that left the table; its partition is kept


def _part(wh: Warehouse, layer: str, key: str, frame: pl.DataFrame) -> Path:
    path = PartitionedLayer(wh, layer).path(TABLES[layer], key)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return path


def _warehouse(tmp_path: Path) -> Warehouse:
    """A left partition (records 1-3: 1 and 3 staged, 2 quarantined) and three holders of the same source: the
    undated rows hold source keys 1 and 2 now, the two other dates hold rows of their own."""
    wh = Warehouse(tmp_path / "wh")
    keys = ["1", "2", "3"]
    left = pl.DataFrame({"record_key": [f"{LEFT}#{k}" for k in keys], "source_key": keys, "name": ["a", "b", "c"]})
    _part(wh, "raw", LEFT, left)
    _part(wh, "staged", LEFT, left.filter(pl.col("source_key") != "2"))
    _part(wh, "quarantine", LEFT, left.filter(pl.col("source_key") == "2"))
    write_status(wh, PartitionStatus(LEFT, REGISTRY, "ok", file="t", raw_rows=3, staged_rows=2, quarantined_rows=1))
    for key, held in (("src@undated", ["1", "2", "row:9"]), ("src@2025-10-31", ["7"]), ("src@2025-11-30", ["8"])):
        _part(wh, "raw", key, pl.DataFrame({"record_key": [f"{key}#{k}" for k in held], "source_key": held}))
        write_status(wh, PartitionStatus(key, REGISTRY, "ok"))
    return wh


def test_a_run_reads_the_status_once_and_inspects_each_sources_key_once(tmp_path, monkeypatch):
    """A run of three partitions of one date-column source inspected the table's key in the database three times
    (a connection each) and read every partition's status file six times."""
    wh = _warehouse(tmp_path)
    inspected, status_reads = [], []
    monkeypatch.setattr("pipelines.ingest.sql.identifying_key", lambda spec: inspected.append(spec.id) or "ma")
    real_read_status = status.read_status

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        status_reads.append(1)
        return real_read_status(*args, **kwargs)

    monkeypatch.setattr(status, "read_status", counting)
    monkeypatch.setattr("assets.ingest.read_status", counting)
    spec = SimpleNamespace(id="src", extract_date_column="ngay")
    now = SimpleNamespace(extracts=dict.fromkeys(["src@undated", "src@2025-10-31", "src@2025-11-30"]))
    left_rows = LeftRows(wh, REGISTRY, now, "run", logging.getLogger("t"))
    for key in now.extracts:
        left_rows.release(key, spec)
    left_rows.flush()
    assert inspected == ["src"] and len(status_reads) == 1
    assert pl.read_parquet(PartitionedLayer(wh, "raw").path(TABLES["raw"], LEFT))["source_key"].to_list() == ["3"]


def test_a_left_partitions_raw_file_is_read_once_and_its_moved_rows_leave_every_layer(tmp_path, monkeypatch):
    """The left partition's raw file was read twice (its keys, then the whole file): now each of its columns is
    read once. Rows the holder reads now leave raw, staged and quarantine alike; the status counts what is left."""
    wh = _warehouse(tmp_path)
    raw_path = PartitionedLayer(wh, "raw").path(TABLES["raw"], LEFT)
    columns_read: list[str] = []
    real_pl_read = pl.read_parquet

    def pl_read(source, *args, columns=None, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        frame = real_pl_read(source, *args, columns=columns, **kwargs)
        if Path(source) == raw_path:
            columns_read.extend(frame.columns)
        return frame

    monkeypatch.setattr(pl, "read_parquet", pl_read)
    taken = status.release_moved_rows(wh, REGISTRY, TABLES, holders="src@undated", left=[LEFT], run_id="run")
    monkeypatch.undo()
    assert taken == {LEFT: 2}
    assert sorted(columns_read) == ["name", "record_key", "source_key"]  # each once
    left = {layer: pl.read_parquet(PartitionedLayer(wh, layer).path(TABLES[layer], LEFT)) for layer in TABLES}
    assert left["raw"].columns == ["record_key", "source_key", "name"]  # the file's own column order
    assert [frame["source_key"].to_list() for frame in left.values()] == [["3"], ["3"], []]
    after = read_status(wh, REGISTRY)[LEFT]
    assert (after.raw_rows, after.staged_rows, after.quarantined_rows, after.file) == (1, 1, 0, "t")
    assert "2 of its rows are now read by src@undated" in after.cause


def test_nothing_is_rewritten_when_no_row_moved(tmp_path):
    wh = _warehouse(tmp_path)
    before = {layer: PartitionedLayer(wh, layer).path(TABLES[layer], LEFT).stat().st_mtime_ns for layer in TABLES}
    assert status.release_moved_rows(wh, REGISTRY, TABLES, holders="src@2025-10-31", left=[LEFT], run_id="r") == {}
    after = {layer: PartitionedLayer(wh, layer).path(TABLES[layer], LEFT).stat().st_mtime_ns for layer in TABLES}
    assert before == after and read_status(wh, REGISTRY)[LEFT].cause is None


# --------------------------------------------------------------------------- workbooks


def test_only_the_ingested_sheets_layouts_are_read(tmp_path, monkeypatch):
    """A workbook's layout (where its cells start, its merged ranges) was read for every sheet, the notes sheets
    and other tables the extract does not ingest included (a scan of each sheet's XML)."""
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    notes = book.add_worksheet("Ghi chu")
    for r in range(50):
        notes.write_string(r, 0, f"ghi chú {r}")
    notes.merge_range(60, 0, 62, 3, "gộp")
    data = book.add_worksheet("S")
    for r, row in enumerate([HEADER, *ROWS]):
        for c, value in enumerate(row):
            data.write_string(r + 2, c, value)
    book.close()
    parts: list[str] = []
    real_layout = xlsx_layout._layout
    monkeypatch.setattr(
        xlsx_layout, "_layout", lambda archive, part, *rest: parts.append(part) or real_layout(archive, part, *rest)
    )
    result = _ingest(tmp_path, "xlsx", "book.xlsx", path.read_bytes())
    assert result.state == "ok" and result.raw.height == 3
    assert parts == ["xl/worksheets/sheet2.xml"]
    assert sorted(result.raw["source_key"]) == ["1", "2", "3"]
    assert xlsx_layout.read_layouts(path, ["S"])["S"].origin == (3, 1)  # the layout itself is still found
    assert set(xlsx_layout.read_layouts(path)) == {"Ghi chu", "S"}


# --------------------------------------------------------------------------- column names


def test_a_header_column_keeps_its_own_name_when_another_is_renamed_apart(tmp_path):
    """'ghi_chu, ghi_chu, ghi_chu_2': the second 'ghi_chu' was named 'ghi_chu_2', and the file's own 'ghi_chu_2'
    became 'ghi_chu_2_2', so a catalogue mapping 'ghi_chu_2' read the wrong column. Now the repeat gets a name no
    column has ('ghi_chu_3'). Workbooks and text files name their columns with the same function."""
    rows = [[*r, "a", "b", "c"] for r in ROWS]
    result = _ingest(tmp_path, "csv", "names.csv", _csv(rows, [*HEADER, "ghi_chu", "ghi_chu", "ghi_chu_2"]).encode())
    assert result.state == "ok"
    assert json.loads(result.raw["extra_columns"][0]) == {"ghi_chu": "a", "ghi_chu_3": "b", "ghi_chu_2": "c"}


# --------------------------------------------------------------------------- encodings declared once


def test_the_legacy_encodings_are_declared_once():
    assert encodings.LEGACY == ("cp1258", "vni", "tcvn3")
    assert set(encodings.LEGACY) < set(catalogue.ENCODINGS) and "detect" in catalogue.ENCODINGS
    assert encodings._DETECT_ORDER == encodings.LEGACY


@pytest.mark.parametrize("written", ["utf-8", *encodings.LEGACY])
@pytest.mark.parametrize("declared", ["detect", "utf-8", *encodings.LEGACY])
def test_text_files_and_dbf_tables_choose_their_encoding_alike(tmp_path, written, declared):
    """The DBF reader repeated the text readers' choice (detect, legacy declared but UTF-8 written...): both now use
    encodings.choose_encoding, so the same bytes read under the same declaration give the same encoding."""
    names = [r[2] for r in ROWS] + ["Phạm Thị Ngọc Ánh", "Huỳnh Văn Đức"]
    with open_writer(tmp_path / "t.dbf", "dbf", REGISTRY, ["CHUHO"], encoding=written) as w:
        w.write(pl.DataFrame({"CHUHO": names}))
    from pipelines.ingest import dbf

    sample = dbf.text_sample(dbf.parse((tmp_path / "t.dbf").read_bytes()))
    text_codec, text_label, _ = encodings.choose_encoding(b"\n" + sample, declared)
    assert _dbf_encoding(sample, declared)[1] == text_label
    assert decode_file(b"\n" + sample, declared, "t.csv")[1] == text_label
    if declared in ("detect", written) or written == "utf-8":
        assert text_codec == written  # detected, declared, or UTF-8 found under a legacy declaration
