"""Export declarations' foreign keys: in datapackage.json (Table Schema foreignKeys, which `frictionless validate`
checks in the recipient's hands) and in the export gate before publishing. Before, no package declared any: a clerk's
validation could not tell a flow off the crosswalk or an age row of a ward missing from ward_summary.

The package tests read the session's sample run (tests/marts_fixture.py's ``sample_marts``: no run of its own).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import polars as pl
import pytest
from frictionless import validate as frictionless_validate

from pipelines.publish.exports import (
    EXPORTS_DIR,
    DeclarationError,
    foreign_key_checks,
    load_declarations,
    parse_declaration,
)
from tests.marts_fixture import sample_marts


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_exports"].success
    return root


def _package(root: Path, recipient: str) -> dict:
    return json.loads((root / "exports" / recipient / "datapackage.json").read_text(encoding="utf-8"))


def test_the_aggregate_packages_declare_their_foreign_keys():
    declared = {
        (d.recipient, r.name): [(fk.fields, fk.resource) for fk in r.foreign_keys]
        for d in load_declarations().values()
        for r in d.resources
        if r.foreign_keys
    }
    for detail in ("population_by_sex_age", "household_size", "businesses_by_sector", "taxpayers_by_kind"):
        assert declared[("statistics", detail)] == [(("ward_uid",), "ward_summary")]
    assert declared[("home_affairs", "old_unit_flows")] == [
        (("old_unit_uid", "ward_uid"), "crosswalk"),
        (("old_unit_uid",), "old_unit_reconciliation"),
    ]
    assert declared[("home_affairs", "crosswalk")] == [(("old_unit_uid",), "old_unit_reconciliation")]


@pytest.mark.parametrize("recipient", ["statistics", "home_affairs"])
def test_the_package_carries_them_and_the_gate_checked_them(sample, recipient):
    package = _package(sample, recipient)
    keyed = {r["name"]: r["schema"].get("foreignKeys") for r in package["resources"] if "schema" in r}
    declaration = load_declarations()[recipient]
    for resource in declaration.resources:
        want = [fk.descriptor() for fk in resource.foreign_keys] or None
        assert keyed[resource.name] == want
        assert keyed[f"{resource.name}-parquet"] is None  # a file resource: frictionless checks its hash only
    validation = json.loads((sample / "exports" / recipient / "validation.json").read_text(encoding="utf-8"))
    checked = [o for r in validation["resources"] for o in r["outcomes"] if o["rule"] == "foreign_key"]
    assert len(checked) == sum(len(r.foreign_keys) for r in declaration.resources)
    assert all(o["success"] for o in checked)
    assert frictionless_validate(sample / "exports" / recipient / "datapackage.json").valid


def test_frictionless_finds_a_flow_off_the_crosswalk(sample, tmp_path):
    copy = tmp_path / "home_affairs"
    shutil.copytree(sample / "exports" / "home_affairs", copy)
    flows = copy / "old_unit_flows.csv"
    header, first, *rest = flows.read_text(encoding="utf-8").splitlines(keepends=True)
    old_uid, ward_uid, *others = first.split(",")
    crosswalk = (copy / "crosswalk.csv").read_text(encoding="utf-8")
    elsewhere = next(w for w in ("2025:26740", "2025:26743") if f"{old_uid},{w}," not in crosswalk)
    flows.write_text(header + ",".join([old_uid, elsewhere, *others]) + "".join(rest), encoding="utf-8")
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    data = flows.read_bytes()
    for r in package["resources"]:
        if r["path"] == flows.name:  # the file is as declared: only the key breaks
            r["hash"], r["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    (copy / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless_validate(copy / "datapackage.json")
    assert not report.valid
    assert {e.type for task in report.tasks for e in task.errors} == {"foreign-key"}


def test_the_gate_fails_a_row_with_no_referenced_row():
    flows = next(r for r in load_declarations()["home_affairs"].resources if r.name == "old_unit_flows")
    frames = {
        "old_unit_flows": pl.DataFrame(
            {"old_unit_uid": ["pre2025:1", "pre2025:1", None], "ward_uid": ["2025:1", "2025:9", None]}
        ),
        "crosswalk": pl.DataFrame({"old_unit_uid": ["pre2025:1"], "ward_uid": ["2025:1"]}),
        "old_unit_reconciliation": pl.DataFrame({"old_unit_uid": ["pre2025:1"]}),
    }
    to_crosswalk, to_reconciliation = foreign_key_checks(flows, frames)
    assert (to_crosswalk.success, to_crosswalk.unexpected_count, to_crosswalk.element_count) == (False, 1, 2)
    assert "1 of 2 rows are no row of crosswalk(old_unit_uid, ward_uid)" in to_crosswalk.detail
    assert to_reconciliation.success


def test_a_foreign_key_to_nothing_is_refused_with_the_others():
    path = EXPORTS_DIR / "home_affairs.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flows = next(r for r in data["resources"] if r["name"] == "old_unit_flows")
    flows["foreign_keys"] = [
        {"fields": ["ward_uid"], "resource": "wards"},
        {"fields": ["ward_code", "nope"], "resource": "crosswalk", "reference": ["ward_code"]},
        {"fields": ["old_unit_uid"], "resource": "crosswalk", "reference": ["old_name"], "on": "x"},
    ]
    with pytest.raises(DeclarationError) as caught:
        parse_declaration(path, data)
    said = caught.value.problems
    assert any("unknown resource 'wards'" in p for p in said)
    assert any("'nope' is not an exported field" in p for p in said)
    assert any("differ in length" in p for p in said)
    assert any("'old_name' is not an exported field of 'crosswalk'" in p for p in said)
    assert any("key 'on': unknown key" in p for p in said)
