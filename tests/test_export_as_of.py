"""A ministry clerk reads in datapackage.json what date the figures are of and which extracts gave only part of
their rows. Before, a package said only when it was written ("created") and which extracts could not be read at
all: the sample's households_767_truncated.csv, cut off in transfer (its last line quarantined, any later rows never
arrived), and the ages' reference date were in no package.

Reads the session's sample run (tests/marts_fixture.py's ``sample_marts``: no run of its own).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.status import PartitionStatus, extracts_read_in_part, write_status
from pipelines.publish.exports import load_declarations
from pipelines.publish.store import ANALYTICS_FILENAME
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts

RECIPIENTS = sorted(load_declarations())


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_exports"].success
    return root


def _meta(root: Path, recipient: str) -> dict:
    return json.loads((root / "exports" / recipient / "datapackage.json").read_text(encoding="utf-8"))["wardbridge"]


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_the_package_says_the_date_its_figures_are_of(sample, recipient):
    with duckdb.connect(str(sample / ANALYTICS_FILENAME), read_only=True) as con:
        reference = con.sql("SELECT max(reference_date) FROM marts.flow_accounting").fetchone()[0]
    meta = _meta(sample, recipient)
    assert meta["reference_date"] == reference.isoformat()
    assert "ages" in meta["reference_date_note"]


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_the_package_names_the_extract_cut_off_in_transfer(sample, recipient):
    said = _meta(sample, recipient)["extracts_read_in_part"]
    assert "none of this package's figures" in said["note"]
    (line,) = [e for e in said["extracts"] if e.startswith("households_767_truncated@")]
    assert "(bad/households_767_truncated.csv)" in line and "cut off in transfer" in line


def test_a_rejected_extract_is_named_and_a_whole_one_is_not(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    cause = "most rows cannot be staged (field date_of_birth)"
    write_status(wh, PartitionStatus("population_9@2025-08-31", "population", "rejected", cause, "p9.csv", 40, 0, 40))
    write_status(wh, PartitionStatus("population_1@2025-08-31", "population", "ok", None, "p1.csv", 40, 40, 0))
    write_status(wh, PartitionStatus("tax_1@2025-08-31", "tax", "failed", "cannot read: no such file", "t1.csv"))
    assert extracts_read_in_part(wh) == (
        f"population_9@2025-08-31 (p9.csv): refused as a whole, none of its rows is in the figures: {cause}",
    )
