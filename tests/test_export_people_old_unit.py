"""The public_security population export carries each person's old unit, as its households resource already did.

Before, people_entities had no old_uid (people.toml's [survivorship] did not keep it), so a clerk could not tell a
resident with an empty ward who waits on a split old unit's decision from one whose address was never resolved
(HV25: 287 such people in the sample). Reads the session's sample run (tests/marts_fixture.py's ``sample_marts``: no
run of its own).
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_exports"].success
    return root


def _population(root: Path) -> list[dict[str, str]]:
    with (root / "exports" / "public_security" / "population.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_exported_person_has_the_old_unit_of_his_golden_record(sample):
    rows = _population(sample)
    with duckdb.connect(str(Warehouse(sample).duckdb_path), read_only=True) as con:
        golden = dict(con.sql("SELECT entity_id, coalesce(old_uid, '') FROM entities.people_entities").fetchall())
    assert {r["person_id"]: r["old_unit_uid"] for r in rows} == golden
    # most people's addresses name an old unit: the column is filled, not a column of blanks
    assert sum(bool(r["old_unit_uid"]) for r in rows) > len(rows) / 2
    assert all(r["old_unit_uid"].startswith("pre2025:") for r in rows if r["old_unit_uid"])


def test_an_unplaced_person_waiting_on_a_split_unit_can_be_told_from_an_unresolved_one(sample):
    with duckdb.connect(str(Warehouse(sample).duckdb_path), read_only=True) as con:
        split = {u for (u,) in con.sql("SELECT DISTINCT old_uid FROM reference.crosswalk WHERE is_split").fetchall()}
    unplaced = [r for r in _population(sample) if not r["ward_uid"]]
    assert unplaced, "the sample has people with no ward"
    waiting = [r for r in unplaced if r["old_unit_uid"] in split]
    assert waiting, "no unplaced person names a split old unit"
