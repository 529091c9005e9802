"""A dBase numeric field drops an ID's leading zero; the reader names such cells and raw.py carries the mark into
``row_flags`` (``numeric:<field>``), where staging reads it (issue 14 §2, audit D2). Through the real ingest of a
DBF file: a 9-digit value in a numeric CCCD field that no CMND can start with (79...) is the 10 digits it was,
kept ``wrong_length`` and flagged ``leading_zero_restored``, never taken for a valid CMND; the same value in a
text field is left as written."""

from __future__ import annotations

from tests import test_dbf


def _staged_head(tmp_path, field_types: dict[str, str]):
    rows = [list(r) for r in test_dbf.ROWS]
    rows[0][3] = "790850012"  # a 10-digit junk value 0790850012 as a numeric field holds it
    rows[1][3] = rows[1][3].lstrip("0")  # a CCCD without its zero: 11 digits
    with test_dbf.open_writer(
        tmp_path / "hk.dbf", "dbf", test_dbf.REGISTRY, test_dbf.HEADER, field_types=field_types
    ) as w:
        w.write(test_dbf.frame(rows))
    got = test_dbf.ingest(tmp_path, "hk.dbf")
    assert got.state == "ok", got.cause
    by_key = {r["source_key"]: r for r in got.staged.to_dicts()}
    return got, by_key


def test_numeric_cells_are_marked_in_raw_and_read_by_staging(tmp_path):
    got, head = _staged_head(tmp_path, {**test_dbf.TYPES, "CCCD": "N"})
    flags = dict(zip(got.raw["source_key"], got.raw["row_flags"], strict=True))
    assert "numeric:head_personal_id" in flags["1"]
    assert head["1"]["head_personal_id"] == "0790850012"
    assert head["1"]["head_id_flags"] == "wrong_length; leading_zero_restored"
    assert head["2"]["head_personal_id"] == "079190004321"
    assert "leading_zero_restored" in head["2"]["head_id_flags"]


def test_text_cells_are_not_marked(tmp_path):
    got, head = _staged_head(tmp_path, test_dbf.TYPES)
    assert not any("numeric:head_personal_id" in (f or "") for f in got.raw["row_flags"])
    assert head["1"]["head_personal_id"] == "790850012"  # as written: no reader said it was a number
