"""A JSON object naming a key twice ({"ho_ten": "A", "ho_ten": "B"}) read by `wardbridge resolve` / `match`
(pipelines/cli.py _read_json): both values are kept, as a CSV header's repeated column is (the first under the key,
the next under '<key>_duplicated_0'), and stderr names the file, the key and the objects or lines, never a value.
Before, json.loads kept the last value only, silently."""

from __future__ import annotations

import json

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

ADDRESSES = ["12 Lê Lợi, Phường Bến Nghé, Quận 1", "Phường 5, Quận 3"]


def _resolve(path, out):
    return CliRunner().invoke(
        main, ["resolve", "--input", str(path), "--column", "address", "--output", str(out)], catch_exceptions=False
    )


def test_a_repeated_key_in_a_json_array_keeps_both_values_and_is_said(tmp_path):
    source, out = tmp_path / "in.json", tmp_path / "out.csv"
    source.write_text(
        f'[{{"id": "1", "ho_ten": "Nguyễn Văn An", "address": "{ADDRESSES[0]}"}},\n'
        f' {{"id": "2", "ho_ten": "Trần Thị Bình", "ho_ten": "Trần Bình", "address": "{ADDRESSES[1]}"}}]',
        encoding="utf-8",
    )
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["ho_ten"].to_list() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert written["ho_ten_duplicated_0"].to_list() == [None, "Trần Bình"]
    assert (
        "in.json: 1 object names key 'ho_ten' more than once (JSON object 2): the first value is read as 'ho_ten', "
        "the next as 'ho_ten_duplicated_0'" in result.output
    ), result.output
    assert "Bình" not in result.output


def test_a_repeated_key_in_json_lines_is_named_by_line(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    rows = [json.dumps({"address": a}, ensure_ascii=False) for a in ADDRESSES]
    source.write_text(
        "\n".join(
            [rows[0], "", rows[1].replace("{", '{"address": "x", ', 1), rows[1].replace("{", '{"address": "y", ', 1)]
        )
        + "\n",
        encoding="utf-8",
    )
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "2 objects name key 'address' more than once (lines 3, 4)" in result.output, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["address"].to_list() == [ADDRESSES[0], "x", "y"]  # the first value, as a CSV's first column
    assert written["address_duplicated_0"].to_list() == [None, ADDRESSES[1], ADDRESSES[1]]


def test_json_without_repeated_keys_says_nothing(tmp_path):
    source, out = tmp_path / "in.json", tmp_path / "out.csv"
    source.write_text(json.dumps([{"address": a} for a in ADDRESSES], ensure_ascii=False), encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "more than once" not in result.output
    assert pl.read_csv(out).columns[0] == "address" and "address_duplicated_0" not in pl.read_csv(out).columns


def test_json_values_are_read_as_text_as_json_writes_them(tmp_path):
    """The frame is built per column, text columns as they are (_read_json's fast path): every other value still as
    JSON writes it (an int's digits, a float, true/false, a nested value's JSON text), null as missing."""
    from pathlib import Path

    from pipelines.cli import read_table

    source = tmp_path / "in.jsonl"
    values = [7, 12345678901234567890, 1.5, 1e20, True, False, None, [1, "a"], {"x": {"y": [None]}}, "001"]
    source.write_text("\n".join(json.dumps({"v": v, "t": "x"}) for v in values) + "\n", encoding="utf-8")
    read = read_table(Path(source), "--input")
    assert read.frame.schema == {"v": pl.String, "t": pl.String}
    assert read.frame["v"].to_list() == [
        "7", "12345678901234567890", "1.5", "1e+20", "true", "false", None, '[1, "a"]', '{"x": {"y": [null]}}', "001"
    ]  # fmt: skip
    assert read.data_rows.tolist() == list(range(1, 11)) and read.rows == "line"


def test_a_repeated_key_is_never_read_under_another_objects_key(tmp_path):
    """The second value's name skips one another object already uses ('ho_ten_duplicated_0' there), and a third
    value gets the next name; both were merged into one column before."""
    source, out = tmp_path / "in.json", tmp_path / "out.csv"
    source.write_text(
        f'[{{"id": "1", "ho_ten_duplicated_0": "x", "address": "{ADDRESSES[0]}"}},\n'
        f' {{"id": "2", "ho_ten": "A", "ho_ten": "B", "ho_ten": "C", "address": "{ADDRESSES[1]}"}}]',
        encoding="utf-8",
    )
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["ho_ten_duplicated_0"].to_list() == ["x", None]
    assert written["ho_ten"].to_list() == [None, "A"]
    assert written["ho_ten_duplicated_1"].to_list() == [None, "B"]
    assert written["ho_ten_duplicated_2"].to_list() == [None, "C"]
    assert "the next as 'ho_ten_duplicated_1'" in result.output, result.output
