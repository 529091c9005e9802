"""`wardbridge resolve --help` and `wardbridge match --help` name every kind of file the commands read and write.

The README ("Resolve a file": input and output are CSV or Parquet, `.tsv` for tab-separated text; the input may also
be `.xlsx`, `.json` or `.jsonl`/`.ndjson`) and the readers (pipelines/reading/tables.py FORMATS, INPUT_FORMATS) take
them; the help of --input, --increment and --output named only .csv, .parquet, .xlsx and .json (HV18's walk through
the README): a newcomer reading --help did not learn that a .tsv output or a .jsonl input is taken.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pipelines.cli import main

WRITTEN = (".csv", ".tsv", ".parquet")
READ = (*WRITTEN, ".xlsx", ".json", ".jsonl", ".ndjson")


def _option_help(command: str, option: str) -> str:
    text = CliRunner().invoke(main, [command, "--help"], terminal_width=10_000).output
    line = next(line for line in text.splitlines() if line.strip().startswith(option + " "))
    return re.sub(r"\s+", " ", line)


@pytest.mark.parametrize(
    ("command", "option", "kinds"),
    [
        ("resolve", "--input", READ),
        ("resolve", "--output", WRITTEN),
        ("match", "--input", READ),
        ("match", "--increment", READ),
        ("match", "--output", WRITTEN),
    ],
)
def test_the_help_names_every_file_kind(command, option, kinds):
    said = _option_help(command, option)
    missing = [kind for kind in kinds if not re.search(re.escape(kind) + r"\b", said)]
    assert not missing, f"{command} {option} --help does not name {missing}: {said}"
