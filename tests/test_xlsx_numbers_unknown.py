"""XLSX number cells are found by reading the sheet a second time (readers.xlsx_number_cells: the library reads the file
again). When that read fails, or does not line up with the first, no cell can be marked as a number, so the leading
zeros of IDs held in number cells are not restored. Before, that was silent: the cells stayed as written and nothing
said so. Now the cells that may be such numbers are counted per field (RawLoad.numbers_unknown), in the partition's
note and a warning of the ingest step, and in the staged asset's metadata (numbers_unknown/<field>).

What makes the second read fail here is real: the workbook on disk is replaced, between the two reads, by the start of
a new export (one being written over the file being read) or by a longer export; the library really reads it."""

from __future__ import annotations

import logging
import os

import fastexcel
import pytest

from assets.ingest import IngestOutcome, _materializations, ingest_partition
from pipelines.ingest.catalogue import load_catalogue
from pipelines.warehouse import Warehouse
from tests.test_number_cells_xlsx_sql import ROWS, _check, xlsx_with_number_cells
from tests.test_row_contracts import MIXED_COLUMNS, _catalogue, _load, _person

# the cells that may be numbers cut short (8+ digits, not 0 first): so_cmnd_cccd rows 1-5, cmnd row 6
MAYBE = {"personal_id": 5, "old_id_number": 1}


def _replaced_during_the_second_read(monkeypatch, path, how: str, keep_times: bool = False) -> None:  # noqa: ANN001
    """While the reader reads the sheet as booleans (the number-cell read), the file on disk is ``how``: 'being
    rewritten' (a new export has written its first 100 bytes so far) or 'longer' (a new export of the same sheet with
    one more row); the original is put back after that read, with its modification time too when ``keep_times`` (a
    replacement the file's size and time do not show: the ingest step fails a file whose size or time changed while
    it was read, tests/test_ingest_file_settled.py)."""
    original, times = path.read_bytes(), path.stat()
    if how == "being rewritten":
        replacement = original[:100]
    else:
        book, sheet = xlsx_with_number_cells(path.with_name("longer.xlsx"))
        sheet.write_row(len(ROWS) + 1, 0, _person("7")[:-1])
        book.close()
        replacement = path.with_name("longer.xlsx").read_bytes()
    real = fastexcel.read_excel

    class Replaced:
        def __init__(self, reader) -> None:  # noqa: ANN001
            self._reader = reader

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(self._reader, name)

        def load_sheet(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if kwargs.get("dtypes") != "boolean":
                return self._reader.load_sheet(*args, **kwargs)
            path.write_bytes(replacement)
            try:
                return self._reader.load_sheet(*args, **kwargs)
            finally:
                path.write_bytes(original)
                if keep_times:
                    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))

    monkeypatch.setattr(fastexcel, "read_excel", lambda source, *a, **k: Replaced(real(source, *a, **k)))


def test_the_workbook_unchanged_marks_its_number_cells(tmp_path):
    xlsx_with_number_cells(tmp_path / "n.xlsx")[0].close()
    loaded = _load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma")
    assert loaded.numbers_unknown == {}
    _check(loaded.frame)


@pytest.mark.parametrize("how", ["being rewritten", "longer"])
def test_a_failed_number_read_is_counted_never_silent(tmp_path, monkeypatch, how):
    xlsx_with_number_cells(tmp_path / "n.xlsx")[0].close()
    _replaced_during_the_second_read(monkeypatch, tmp_path / "n.xlsx", how)
    loaded = _load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma")
    assert loaded.numbers_unknown == MAYBE
    assert loaded.counts["numbers_unknown"] == sum(MAYBE.values())
    # the rows are all read and staged as written: nothing marked, no zero restored
    assert loaded.frame.height == len(ROWS)
    assert not loaded.frame["row_flags"].fill_null("").str.contains("numeric:").any()
    assert dict(zip(loaded.frame["source_key"], loaded.frame["personal_id"], strict=True))["1"] == "79080123456"


def test_counted_in_the_partition_note_the_warning_and_the_staged_metadata(tmp_path, monkeypatch, caplog):
    xlsx_with_number_cells(tmp_path / "n.xlsx")[0].close()
    _replaced_during_the_second_read(monkeypatch, tmp_path / "n.xlsx", "being rewritten", keep_times=True)
    catalogue = _catalogue(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma")
    (spec,) = load_catalogue([catalogue]).values()
    (extract,) = spec.extracts()
    outcome, log = IngestOutcome(), logging.getLogger("test_xlsx_numbers_unknown")
    with caplog.at_level(logging.WARNING, logger=log.name):
        ingest_partition(Warehouse(tmp_path / "wh"), "population", extract.partition_key, extract, "t", outcome, log)
    assert extract.partition_key in outcome.written and not outcome.failed
    assert outcome.numbers_unknown == MAYBE
    assert (
        "cells not told number or text (leading zeros not restored): personal_id 5, old_id_number 1"
        in (outcome.notes[-1])
    )
    assert "leading zeros of IDs in number cells are not restored in personal_id (5 cells)" in caplog.text
    staged = next(r for r in _materializations("population", outcome, partial=False) if "staged" in str(r.asset_key))
    assert staged.metadata["numbers_unknown/personal_id"] == 5
    assert staged.metadata["numbers_unknown/old_id_number"] == 1
    assert "79080123456" not in caplog.text and all("79080123456" not in n for n in outcome.notes)  # never a value
