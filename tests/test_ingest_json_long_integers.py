"""A JSON integer of more than 4,300 digits (Python's limit on converting integer text: sys.get_int_max_str_digits) in
a JSON lines source. Before, ingestion (readers._read_jsonl) quarantined its line with Python's own message ('line 1
is not a JSON object: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use
sys.set_int_max_str_digits() to increase the limit'): the line is a JSON object, and the message is no cause a ward
official can act on. Now the number is kept as written (as `wardbridge resolve` keeps it since 9dff1ca: readers
never turn a JSON integer into a Python int to write it), top-level or nested, and staging judges the field as it
judges any value: a quarantine names the field and the project's cause, never the value."""

from __future__ import annotations

import json

import polars as pl

from tests.test_bad_inputs import HEADER, ROWS, _ingest

LONG = "1234567890" * 500  # 5,000 digits


def _with(row: int, key: str, value: str) -> bytes:
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    if key in HEADER:
        lines[row] = lines[row].replace(f'"{key}": {json.dumps(ROWS[row][HEADER.index(key)], ensure_ascii=False)}',
                                        f'"{key}": {value}')  # fmt: skip
        assert value in lines[row]
    else:
        lines[row] = lines[row][:-1] + f', "{key}": {value}}}'
    return ("\n".join(lines) + "\n").encode()


def _no_python_message(got) -> None:  # noqa: ANN001 - Ingested
    reasons = got.quarantine["reason"].to_list() if got.quarantine is not None else []
    for text in [got.cause or "", *reasons]:
        assert "4300" not in text and "int_max_str_digits" not in text and "Exceeds the limit" not in text, text
        assert LONG[:50] not in text, text  # never the value


def test_an_unmapped_key_holding_one_keeps_its_line_and_the_number_as_written(tmp_path):
    got = _ingest(tmp_path, "jsonl", "h.jsonl", _with(0, "ghi_chu", LONG))
    _no_python_message(got)
    assert got.state == "ok", got.cause
    assert got.quarantine.height == 0, got.quarantine["reason"].to_list()
    extra = json.loads(got.raw.filter(pl.col("source_key") == "1")["extra_columns"][0])
    assert extra["ghi_chu"] == LONG


def test_a_nested_one_is_kept_as_written_and_its_text_stays_json(tmp_path):
    got = _ingest(tmp_path, "jsonl", "h.jsonl", _with(1, "ds", f'[{LONG}, 2.5, {{"x": -{LONG}}}]'))
    _no_python_message(got)
    assert got.state == "ok", got.cause
    extra = json.loads(got.raw.filter(pl.col("source_key") == "2")["extra_columns"][0])
    assert extra["ds"] == f'[{LONG}, 2.5, {{"x": -{LONG}}}]', extra["ds"][:80]


def test_a_mapped_field_holding_one_is_judged_by_staging_naming_the_field(tmp_path):
    got = _ingest(tmp_path, "jsonl", "h.jsonl", _with(0, "cccd_chu_ho", LONG) + b"")
    _no_python_message(got)
    assert got.state == "ok", got.cause
    assert got.raw.filter(pl.col("source_key") == "1")["head_personal_id"].to_list() == [LONG]
    rows = got.raw.height
    assert rows == 3 and got.staged.height + got.quarantine.height == 3
    quarantined = got.quarantine.filter(pl.col("source_key") == "1")
    if quarantined.height:  # the field's policy quarantines it: the reason names the field
        (reason,) = quarantined["reason"].to_list()
        assert reason.startswith("head_personal_id"), reason
    else:
        (issues,) = got.staged.filter(pl.col("source_key") == "1")["issues"].to_list()
        assert "head_personal_id" in (issues or ""), issues


def test_a_count_holding_one_does_not_crash_staging(tmp_path):
    got = _ingest(tmp_path, "jsonl", "h.jsonl", _with(2, "so_nhan_khau", LONG))
    _no_python_message(got)
    assert got.state == "ok", got.cause
    assert got.raw.filter(pl.col("source_key") == "3")["members"].to_list() == [LONG]
