"""JSON Lines whose first line is a JSON array ('["079085000123"]': an ID list's line, a writer's header line). The
CLI read a file beginning with '[' as a JSON array, so it was refused whole ('line 2: not valid JSON (Extra data)')
even with --quarantine, whereas ingestion's JSON Lines reader sets that line aside and reads the others. Now a file
whose first line is a JSON value by itself, with other lines after it, is JSON Lines (no JSON array reads so,
whatever the name): the line is refused naming it, or set aside with --quarantine, and the other lines are read:
rows out + lines set aside = the file's lines, no value in any message. A JSON array stays an array."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reading import read_table

VALUE = "079085000123"  # a CCCD: never in a message
ADDRESSES = ["Phường 5, Quận 3", "Phường Bến Nghé, Quận 1", "Xã Tân Nhựt, Bình Chánh", "Phường 9, Quận 5"]


def _lines(first: str = json.dumps([VALUE])) -> bytes:
    rows = [json.dumps({"id": str(i), "dia_chi": a}, ensure_ascii=False) for i, a in enumerate(ADDRESSES, 1)]
    return ("\n".join([first, *rows]) + "\n").encode()


def _resolve(source, out, quarantine=None):
    args = ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)]
    args += ["--quarantine", str(quarantine)] if quarantine else []
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("name", ["in.jsonl", "in.ndjson", "in.json"])
def test_the_array_line_is_refused_naming_it(tmp_path, name):
    source = tmp_path / name
    source.write_bytes(_lines())
    result = _resolve(source, tmp_path / "out.csv")
    assert result.exit_code == 1, result.output
    assert "line 1 is an array, not an object; --quarantine FILE sets such lines aside" in result.output
    assert "Extra data" not in result.output and VALUE not in result.output


@pytest.mark.parametrize("name", ["in.jsonl", "in.ndjson", "in.json"])
def test_with_quarantine_the_array_line_is_set_aside_and_the_rest_read(tmp_path, name):
    source, out, quarantine = tmp_path / name, tmp_path / "out.csv", tmp_path / "q.csv"
    source.write_bytes(_lines())
    result = _resolve(source, out, quarantine)
    assert result.exit_code == 0, result.output
    assert VALUE not in result.output
    rows, aside = pl.read_csv(out, infer_schema_length=0), pl.read_csv(quarantine, infer_schema_length=0)
    assert rows["dia_chi"].to_list() == ADDRESSES
    assert aside["source_key"].to_list() == ["line:1"]
    assert aside["raw_text"].to_list() == [json.dumps([VALUE])]
    assert VALUE not in aside["reason"][0]
    assert rows.height + aside.height == len(ADDRESSES) + 1  # the file's lines


def test_a_line_not_utf8_after_the_array_line(tmp_path):
    """The file not valid UTF-8 either (a damaged byte in line 3): both lines set aside, the others read; before,
    it went to the array reader for files not valid UTF-8 and was refused whole."""
    data = bytearray(_lines())
    lines = data.split(b"\n")
    lines[2] = lines[2].replace("ờ".encode(), b"\xe1\xbb")  # the character cut: no UTF-8, no legacy text
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines))
    read = read_table(source, "--input", quarantine=True)
    assert read.frame["dia_chi"].to_list() == [ADDRESSES[0], *ADDRESSES[2:]]
    assert read.quarantined["source_key"].to_list() == ["line:1", "line:3"]
    assert read.frame.height + read.quarantined.height == len(ADDRESSES) + 1
    refused = _resolve(source, tmp_path / "out.csv")
    assert refused.exit_code == 1 and VALUE not in refused.output


@pytest.mark.parametrize(
    "text",
    [
        json.dumps([{"id": "1", "dia_chi": ADDRESSES[0]}, {"id": "2", "dia_chi": ADDRESSES[1]}], ensure_ascii=False)
        + "\n",
        json.dumps([{"id": "1", "dia_chi": ADDRESSES[0]}, {"id": "2", "dia_chi": ADDRESSES[1]}], indent=1),
        "\n  " + json.dumps([{"id": "1", "dia_chi": ADDRESSES[0]}, {"id": "2", "dia_chi": ADDRESSES[1]}]) + "\n\n",
    ],
    ids=["one-line", "indented", "blank-lines-around"],
)
@pytest.mark.parametrize("name", ["in.json", "in.jsonl"])
def test_a_json_array_is_still_an_array(tmp_path, name, text):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    read = read_table(source, "--input", quarantine=True)
    assert read.frame["dia_chi"].to_list() == ADDRESSES[:2] and read.quarantined is None


def test_an_array_followed_by_more_than_its_own_line_is_not_read_as_lines(tmp_path):
    """Most lines no object: refused as before (the file is not JSON Lines), whatever --quarantine says."""
    source = tmp_path / "in.json"
    source.write_text('[{"id": "1"}]\n[{"id": "2"}]\n', encoding="utf-8")
    result = _resolve(source, tmp_path / "out.csv", tmp_path / "q.csv")
    assert result.exit_code == 1 and "line 1 is an array, not an object" in result.output
