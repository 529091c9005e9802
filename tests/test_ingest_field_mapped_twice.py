"""A catalogue entry mapping two source columns to one field (``so_cccd = "personal_id"`` and ``so_cmnd =
"personal_id"``: an author hoping to merge the two IDs, or a glob source naming both spellings of a renamed column)
is accepted, and where the file has both columns the last one mapped was read and the other's values were dropped:
not in the field, not in extra_columns, not in raw at all -- the sample's population_718 lost 1,737 CCCDs that way,
without a word. Now the other column is kept in extra_columns (raw keeps every value), and the load warns and its
note says which column was read for the field and which were kept aside. Where a file has only one of them (the
renamed-column case) nothing changes."""

from __future__ import annotations

import csv
import io
import json
import logging

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract

HEADER = ["stt", "so_ho_khau", "ten_chu_ho", "cccd", "cmnd", "dia_chi"]
ROWS = [
    ["1", "HK001", "Nguyễn Văn An", "079085001234", "023456789", "12 Lê Lợi, Phường Bến Nghé, Quận 1"],
    ["2", "HK002", "Trần Thị Bình", "079190004321", "", "5 Hai Bà Trưng, Phường 6, Quận 3"],
    ["3", "HK003", "Lê Văn Cường", "", "023456781", "7 Pasteur, Phường Bến Thành, Quận 1"],
]
PERSONAL = [v for row in ROWS for v in row[2:6] if v]


def _ingest(tmp_path, header: list[str], rows: list[list[str]]):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    (tmp_path / "hh.csv").write_text(out.getvalue(), encoding="utf-8")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "hh"\nregistry = "households"\nformat = "csv"\n'
        'path = "hh.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        'so_ho_khau = "household_no"\nten_chu_ho = "head_name"\ndia_chi = "address"\n'
        'cccd = "head_personal_id"\ncmnd = "head_personal_id"\n',
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return ingest_extract(tmp_path / "wh", "households", extract, PERSONAL)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]


def test_both_columns_in_the_file_lose_no_value_and_are_said(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, HEADER, ROWS)
    assert got.state == "ok" and got.raw.height == 3
    kept = {k: json.loads(v) if v else {} for k, v in zip(got.raw["source_key"], got.raw["extra_columns"], strict=True)}
    read = dict(zip(got.raw["source_key"], got.raw["head_personal_id"], strict=True))
    for stt, _, _, cccd, cmnd, _ in ROWS:  # every ID of the file is in raw: the field or extra_columns
        assert {read[stt], kept[stt].get("cccd"), kept[stt].get("cmnd")} - {None, ""} == {cccd, cmnd} - {""}
    (warning,) = [w for w in _warnings(caplog) if "mapped from more than one column" in w]
    assert "head_personal_id" in warning and "'cccd'" in warning and "'cmnd'" in warning
    assert not [v for v in PERSONAL if v in warning]


def test_one_of_the_two_columns_in_the_file_reads_it_without_a_warning(tmp_path, caplog):
    header = [h for h in HEADER if h != "cmnd"]
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, header, [[v for h, v in zip(HEADER, r, strict=True) if h != "cmnd"] for r in ROWS])
    assert got.state == "ok"
    assert sorted(got.raw["head_personal_id"].drop_nulls()) == ["079085001234", "079190004321"]
    assert not [w for w in _warnings(caplog) if "mapped from more than one column" in w]


def test_one_of_the_two_columns_in_the_file_is_not_said_missing(tmp_path, caplog):
    """The column of the other spelling is not in the file, but its field is read from the one that is: no
    'catalogue maps are not in the file ... empty in all rows' warning (f20c988's), which would be untrue."""
    header = [h for h in HEADER if h != "cmnd"]
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, header, [[v for h, v in zip(HEADER, r, strict=True) if h != "cmnd"] for r in ROWS])
    assert got.state == "ok"
    assert not [w for w in _warnings(caplog) if "not in the file" in w]
