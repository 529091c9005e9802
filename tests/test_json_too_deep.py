"""A JSON line nested hundreds of levels deep (objects or lists inside one another): ingestion's Polars reader
overflowed its stack from about 550 levels (a segfault: the whole process died, a Dagster step with every partition
in it), and `wardbridge resolve`/`match` stopped with a RecursionError traceback (json.loads from about 1,000 levels;
a 500-deep object repeating a key in the key-path walk). Now a line nested more than 100 levels is quarantined by
ingestion, the other lines read, and the CLI refuses the file naming the line. HV4."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.json_keys import MAX_DEPTH, TOO_DEEP, deep_at

PLAIN = {"ma": "1", "ho_ten": "Nguyễn Văn An", "ns": "01/02/1980", "dia_chi": "12 Lê Lợi, Phường Bến Nghé, Quận 1"}


def _deep(levels: int, inner: str = '{"k": 1}') -> str:
    return '{"a": ' * levels + inner + "}" * levels


def test_depth_is_counted_outside_strings():
    assert deep_at(_deep(MAX_DEPTH - 1)) is None  # the line's own object makes MAX_DEPTH
    assert deep_at(_deep(MAX_DEPTH)) is not None
    assert deep_at(json.dumps({"s": "[" * 500, "l": [{}] * 500})) is None  # brackets in text, siblings


def test_ingestion_quarantines_a_line_nested_too_deep_and_reads_the_others(tmp_path):
    # in a child process: before, Polars' reader killed the process (SIGSEGV), which no assertion here would see
    line = json.dumps({**PLAIN, "ma": "2"}, ensure_ascii=False)[:-1] + f', "x": {_deep(600, inner="{}")}}}'
    (tmp_path / "n.jsonl").write_text(json.dumps(PLAIN, ensure_ascii=False) + "\n" + line + "\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from tests.test_row_contracts import _load
        columns = {{"ma": None, "ho_ten": "full_name", "ns": "date_of_birth", "dia_chi": "address"}}
        loaded = _load(Path({str(tmp_path)!r}), "population", "jsonl", "n.jsonl", columns, key_column="ma")
        loaded.frame.select("source_key", "read_problem").write_json({str(tmp_path / "out.json")!r})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    rows = pl.read_json(tmp_path / "out.json").rows()
    assert rows == [("1", None), ("line:2", f"line 2: {TOO_DEEP}")]


def test_the_cli_refuses_a_file_nested_too_deep_naming_the_line(tmp_path):
    lines = [json.dumps({"address": PLAIN["dia_chi"]}, ensure_ascii=False)]
    lines.append('{"address": "5 Lê Lợi", "x": ' + _deep(500, inner='{"k": 1, "k": 2}') + "}")
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('[{"address": "x", "v": ' + "[" * 2000 + "]" * 2000 + "}]", encoding="utf-8")
    for name, line in (("d.jsonl", 2), ("a.json", 1)):
        done = CliRunner().invoke(
            main,
            ["resolve", "--input", str(tmp_path / name), "--column", "address", "--output", str(tmp_path / "o.csv")],
        )
        assert done.exit_code == 1, (name, done.output, done.exception)
        assert f"{name}: line {line}: {TOO_DEEP}" in done.output, done.output
