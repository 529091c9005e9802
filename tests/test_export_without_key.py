"""Without ``$WARDBRIDGE_PSEUDONYM_KEY`` the exports that pseudonymise nothing are still built and pass
``frictionless validate datapackage.json``; the one that pseudonymises (finance_tax) is refused before any data is
read, naming the variable. (With the key every export is validated in tests/test_exports.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipelines.publish.exports import DeclarationError, export, load_declarations
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts
from tests.warehouse_parts import EXPORT_INPUTS, copy_parts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("nokey") / "wh"
    wh = Warehouse(copy_parts(source, root, EXPORT_INPUTS))  # what the exports read (tests/warehouse_parts.py)
    outcome: dict[str, object] = {}
    for recipient, declaration in load_declarations().items():
        try:
            outcome[recipient] = export(declaration, wh, run_id="no-key", environ={})
        except DeclarationError as exc:
            outcome[recipient] = exc
    return wh, outcome


def test_only_the_pseudonymising_export_is_refused(exported):
    wh, outcome = exported
    refused = {r for r, o in outcome.items() if isinstance(o, DeclarationError)}
    assert refused == {r for r, d in load_declarations().items() if d.pseudonymises} == {"finance_tax"}
    assert "WARDBRIDGE_PSEUDONYM_KEY, which is not set" in str(outcome["finance_tax"])
    assert not (wh.root / "exports" / "finance_tax").exists()


@pytest.mark.parametrize("recipient", ["public_security", "statistics", "home_affairs"])
def test_frictionless_validates_every_export_built_without_a_key(exported, recipient):
    """`frictionless validate` as a recipient runs it, its report read as JSON (one validation of the package, not
    one in this process and one by the command: ~1.5 CPU s each)."""
    wh, _ = exported
    folder = wh.root / "exports" / recipient
    # --no-sync: the project environment as installed (a sync checks every package's bytecode again, ~0.9 CPU s)
    proc = subprocess.run(
        ["uv", "run", "--no-sync", "--project", str(REPO), "frictionless", "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["valid"] and not report["errors"], [e for t in report["tasks"] for e in t["errors"]][:20]
    assert report["tasks"] and all(t["valid"] for t in report["tasks"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {t["name"] for t in report["tasks"]} == {r["name"] for r in package["resources"]}  # every file checked
    assert "pseudonymisation" not in (folder / "datapackage.json").read_text(encoding="utf-8")
