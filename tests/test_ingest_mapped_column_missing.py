"""A column the catalogue maps to an optional field that the file does not have (renamed in the source system:
'cccd_chu_ho' became 'so_dinh_danh') left that field empty in every row of the extract without a word: load_raw
worked the missing columns out (RawLoad.missing_optional) and nothing used them. The partition's note only listed
the new name among the 'extra columns kept', and no row's issues said anything, so every household head's ID
vanished from the staged layer and from matching. Now the load warns, naming the partition, the file, each missing
column with its field and the rows left empty, and the note says it too; a file with every mapped column gets no
such warning."""

from __future__ import annotations

import logging

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.warehouse import Warehouse
from tests.test_bad_inputs import COLUMNS, HEADER, PERSONAL, ROWS, _csv, _ingest


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]


def _note(tmp_path, filename: str) -> str:
    """The partition's note of the extract _ingest wrote (ingested again into a warehouse of its own)."""
    (extract,) = extracts_by_partition(load_catalogue([tmp_path / f"{filename}.toml"])).values()
    outcome = IngestOutcome()
    wh = Warehouse(tmp_path / "note_wh")
    ingest_partition(wh, "households", extract.partition_key, extract, "r", outcome, logging.getLogger("other"))
    (note,) = outcome.notes
    return note


def test_a_mapped_column_missing_from_the_file_is_a_warning_and_in_the_note(tmp_path, caplog):
    header = ["so_dinh_danh" if h == "cccd_chu_ho" else h for h in HEADER]
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "renamed.csv", _csv(ROWS, header).encode())
    assert got.state == "ok" and got.staged.height == 3
    assert got.staged["head_personal_id"].null_count() == 3  # the file has no such column: nothing to read
    (warning,) = [w for w in _warnings(caplog) if "not in the file" in w]
    assert warning.startswith("bad@2025-08-31: renamed.csv: column(s) the catalogue maps are not in the file:")
    assert "'cccd_chu_ho' (head_personal_id)" in warning and "empty in all 3 rows" in warning
    assert not [v for v in PERSONAL if v in warning]
    assert "catalogued columns not in the file: 'cccd_chu_ho' (head_personal_id)" in _note(tmp_path, "renamed.csv")


def test_a_file_with_every_mapped_column_gives_no_such_warning(tmp_path, caplog):
    assert set(COLUMNS) <= set(HEADER)
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "whole.csv", _csv(ROWS).encode())
    assert got.state == "ok" and got.staged.height == 3
    assert not [w for w in _warnings(caplog) if "not in the file" in w]
    assert "not in the file" not in _note(tmp_path, "whole.csv")
