"""A row cut short (fewer fields than the header: a broken line, a cell with a stray line end) that lacks a
required field is quarantined with a reason saying the row was short, not only 'address: missing': the official
or engineer otherwise looks for an empty address cell in the source that does not exist."""

from __future__ import annotations

from tests.test_row_contracts import POP_COLUMNS, _csv, _load, _person, _stage


def test_a_short_row_quarantined_for_a_missing_field_says_it_was_short(tmp_path):
    empty_address = _person("2")
    empty_address[3] = ""
    rows = [_person("1"), empty_address, "3,Lê Văn Cường,01/01/1970", "4,Phạm Thị Dung"]
    (tmp_path / "p.csv").write_text(_csv(rows), encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    result = _stage(loaded)
    reasons = dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))
    fields = dict(zip(result.quarantine["source_key"], result.quarantine["field"], strict=True))
    assert reasons["2"] == "address: missing"  # a full row with the cell left empty
    assert reasons["3"] == "address: missing; row: 3 fields fewer than the header"
    assert reasons["4"] == "address: missing; row: 4 fields fewer than the header"
    assert fields == {"2": "address", "3": "address", "4": "address"}
    assert not any("Cường" in r or "Dung" in r for r in reasons.values())  # never a value
    assert result.staged["source_key"].to_list() == ["1"]
