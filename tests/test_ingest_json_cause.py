"""A JSON line that cannot be parsed is quarantined with a cause that says where on the line the parser stopped:
json's message without its position ('Unterminated string starting at') read as a reason cut off mid-sentence."""

from __future__ import annotations

import json

from tests.test_bad_inputs import HEADER, ROWS, _ingest, _quarantined


def test_a_malformed_json_line_names_the_column_where_it_breaks_never_the_text(tmp_path):
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    lines[1] = '  {"stt": "2", "ho_ten": "Trần Thị Bí mật'  # cut inside a string, indented by two spaces
    lines.insert(2, '{"stt": "9" "ho_ten": "Lê Văn Riêng"}')  # a comma left out
    result = _ingest(tmp_path, "jsonl", "bad.jsonl", "\n".join(lines).encode())
    assert result.state == "ok"
    reasons = _quarantined(result)
    assert reasons["line:2"] == "line 2 is not a JSON object: Unterminated string starting at column 26"
    assert reasons["line:3"] == "line 3 is not a JSON object: Expecting ',' delimiter at column 13"
    assert "Bí mật" not in " ".join(reasons.values()) and "Riêng" not in " ".join(reasons.values())
    assert sorted(result.staged["source_key"]) == ["1", "3"]


def test_a_json_line_that_is_not_an_object_says_what_it_is_once_never_the_value(tmp_path):
    record = json.dumps(dict(zip(HEADER, ROWS[0], strict=True)), ensure_ascii=False)
    others = ['["Bí mật"]', '"Bí mật"', "123456789", "true", "null", f"{record}{{}}[1]"]
    result = _ingest(tmp_path, "jsonl", "others.jsonl", "\n".join([record, *others]).encode())
    assert result.state == "ok"
    reasons = _quarantined(result)
    kinds = ["a list", "a string", "a number", "true or false", "null", "a list"]
    for n, kind in enumerate(kinds, start=2):
        assert reasons[f"line:{n}"] == f"line {n} is not a JSON object: it is {kind}"
    assert "Bí mật" not in " ".join(reasons.values()) and "123456789" not in " ".join(reasons.values())
