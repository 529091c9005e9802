"""Regressions of 53e4990, 2aa2f63 and 2e7466c found in review (each read as f6b4a19 read it)."""

from __future__ import annotations

import json

from pipelines.ingest.readers import _bare_cr_line_ends
from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest, _quarantined

BODY = _csv(ROWS).split("\n", 1)[1]


def test_a_wrapped_last_header_cell_with_rows_one_field_longer_or_shorter_is_one_header(tmp_path):
    """'...,"ghi<LF>chú"' over rows with a trailing delimiter (one empty field more) or without the last cell: the same
    rows under a one-line header are read; 53e4990 rejected the extract ('field 8 opens a quote that is never
    closed', which it closes) and quarantined every row."""
    header = ",".join(HEADER) + ',"ghi\nchú"\n'
    for name, rows in (
        ("trailing.csv", "".join(line + ",x,\n" for line in BODY.splitlines())),
        ("short.csv", "".join(line + "\n" for line in BODY.splitlines())),
    ):
        result = _ingest(tmp_path, "csv", name, (header + rows).encode())
        assert result.state == "ok", (name, result.cause)
        assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.quarantine.height == 0, name


def test_a_bare_cr_ending_a_short_row_of_a_three_column_file_still_ends_it():
    """'2,Binh<CR>3,Cuong,26734': joined, the two rows make one row of 4 fields (row 3's id in row 2's name, its
    name in row 2's ward, its ward an overflow): row 3 is gone, nothing quarantined. A piece is joined to the next
    only when together they hold no more fields than a row (a CR typed in a cell: the two share that cell)."""
    text = "id,name,ward\n1,An,26740\r2,Binh\r3,Cuong,26734\n4,Dung,26737\n"
    assert _bare_cr_line_ends(text, ",")[0] == "id,name,ward\n1,An,26740\n2,Binh\n3,Cuong,26734\n4,Dung,26737\n"
    last = "id,name,ward\n1,A,x\r2,B\n3,C,y\n"  # a short last piece: not joined to a whole row before it
    assert _bare_cr_line_ends(last, ",")[0] == "id,name,ward\n1,A,x\n2,B\n3,C,y\n"
    typed = "id,name,ward\n1,Nguyen\rVan,26740\n2,Tran,26737\n"  # still one cell (2aa2f63's case)
    assert _bare_cr_line_ends(typed, ",") == (typed, {})


def test_old_mac_jsonl_with_a_last_lf_quarantines_only_its_bad_line(tmp_path):
    """CR line ends and one LF at the end (a tool appended it): every object was read as line 1; one bad object
    failed the whole extract ('none of its 1 lines is a JSON object'). Each CR is a line end there."""
    records = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    records[2] = records[2][:-5]  # cut short
    result = _ingest(tmp_path, "jsonl", "mac.jsonl", ("\r".join(records) + "\r\n").encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2"] and list(_quarantined(result)) == ["line:3"]
