"""Reader mends after review: a bare CR in a JSON string among LF line ends, a bare CR typed in a 3-column CSV cell,
a JSON line's repeated keys named once."""

from __future__ import annotations

import json

from pipelines.ingest.readers import _bare_cr_line_ends
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


def test_a_bare_cr_typed_in_the_middle_cell_of_a_three_column_file_stays_in_the_cell():
    """'1,Nguyen<CR>Van,26740': both pieces have 2 fields, which was enough for a 3-column row: the row was cut in two."""
    text = "id,name,ward\n1,Nguyen\rVan,26740\n2,Tran,26737\n"
    assert _bare_cr_line_ends(text, ",") == (text, {})
    two = "id,name,ward\n1,Nguyen,26740\r2,Tran,26737\n3,Le,26734\n"  # a row ending in a bare CR: still a row end
    assert _bare_cr_line_ends(two, ",") == (two.replace("\r", "\n"), {2: 1})
    narrow = "id,name\n1,Ng\ruyen\n2,Tran\r3,Le\n"  # two columns: a cell's CR stays, a row's CR ends it
    assert _bare_cr_line_ends(narrow, ",") == ("id,name\n1,Ng\ruyen\n2,Tran\n3,Le\n", {3: 1})
    wide = "id,name,ward,x\n1,Nguyen\rVan,26740,a\n2,Tran,26737,b\r3,Le,26734\n"  # 4 columns: a row one short
    assert _bare_cr_line_ends(wide, ",") == (wide.replace("b\r3", "b\n3"), {3: 1})


def test_a_key_repeated_in_the_first_of_two_objects_on_a_line_is_named_once(tmp_path):
    """'{"a":1,"a":2}{"b":1}': the first object was read twice (json.loads, then object by object): 'keys 'a', 'a'
    more than once'."""
    records = _records()
    first = records[0][:-1] + ', "ghi_chu": "x", "ghi_chu": "y"}'
    result = _ingest(tmp_path, "jsonl", "rep.jsonl", (first + records[1] + "\n" + records[2] + "\n").encode())
    reason = _quarantined(result)["line:1"]
    assert "line 1: key 'ghi_chu' more than once" in reason and "'ghi_chu', 'ghi_chu'" not in reason
