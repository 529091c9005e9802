"""The README's worked example ("The spec, with the worked example") is docs/examples/customers.toml, and the figures
it quotes are the example's.

Before (HV18's walk through the README), the README's TOML left out three of the file's survivorship rules (phone,
birth_date, city): a newcomer who saved the block as the spec got golden records without those columns. Its
comments aside, the block must parse to the file's spec.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import polars as pl

from pipelines.match import load_spec, match

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples"
PAGE = REPO / "docs" / "guide" / "matching.md"  # the README's section until HV36
SECTION = "## The spec, with the worked example"


def _section() -> str:
    return PAGE.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]


def test_the_readme_spec_is_the_example_file():
    block = _section().split("```toml\n", 1)[1].split("```", 1)[0]
    readme_spec = tomllib.loads(block)
    file_spec = tomllib.loads((EXAMPLE / "customers.toml").read_text(encoding="utf-8"))
    # `column = "phone"` without a preset is the exact preset the file names (README: "no preset or levels: exact")
    for spec in (readme_spec, file_spec):
        for compare in spec["compare"]:
            if "levels" not in compare:
                compare.setdefault("preset", "exact")
    assert readme_spec == file_spec


def test_the_quoted_output_is_the_examples():
    said = re.search(r"Its output: ([\d,]+) records → ([\d,]+) entities .*?(\d+) pairs? waits? for review", _section())
    assert said, "the README's worked example no longer quotes its output"
    records, entities, review = (int(x.replace(",", "")) for x in said.groups())
    result = match(pl.read_csv(EXAMPLE / "customers.csv", infer_schema=False), load_spec(EXAMPLE / "customers.toml"))
    assert (result.records.height, result.entities.height, result.review.height) == (records, entities, review)
