"""Reader mends after review: a bare CR in a JSON string among LF line ends, a bare CR typed in a 3-column CSV cell,
a JSON line's repeated keys named once."""

from __future__ import annotations

import json

from tests.test_bad_inputs import HEADER, ROWS, _ingest, _quarantined


def _records() -> list[str]:
    return [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]


def test_a_raw_cr_inside_a_json_string_among_lf_line_ends_is_not_a_line_end(tmp_path):
    """The CR was made a line end: the line became two bad lines and every later line number was one too high. Only a
    file without any LF has CR line ends; here the line holding the raw CR is quarantined under its own number."""
    records = _records()
    records[1] = records[1].replace("Trần Thị", "Trần\rThị")
    result = _ingest(tmp_path, "jsonl", "cr.jsonl", ("\n".join(records) + "\n").encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "3"]
    assert list(_quarantined(result)) == ["line:2"] and result.raw.height == 3
    mixed = "\n".join([_records()[0] + "\r" + _records()[1], _records()[2]])  # a bare CR ending a row among LF
    result = _ingest(tmp_path, "jsonl", "mixed.jsonl", mixed.encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    mac = _ingest(tmp_path, "jsonl", "mac.jsonl", "\r".join(_records()).encode())  # old Mac line ends: still lines
    assert mac.state == "ok" and sorted(mac.staged["source_key"]) == ["1", "2", "3"]
