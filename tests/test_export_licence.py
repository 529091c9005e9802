"""Every export's datapackage.json names its licence: restricted, not open data (HV23).

The packages carry personal data (or aggregates of it) sent to a ministry for its own use; a Data Package without
`licenses` says nothing about what the recipient may do with it, and a reader may take it for open data. Each
package now has one `licenses` entry, Open Definition id `other-closed`, whose title says so."""

from __future__ import annotations

import datetime as dt

import pytest
from frictionless import Package

from pipelines.publish.exports import load_declarations, package_descriptor

DECLARATIONS = load_declarations()


def _descriptor(recipient: str) -> dict:
    declaration = DECLARATIONS[recipient]
    resources = [{"name": "a", "path": "a.csv", "bytes": 1, "hash": "sha256:" + "0" * 64}]
    return package_descriptor(
        declaration,
        resources,
        rows={},
        created=dt.datetime(2026, 12, 6, tzinfo=dt.UTC),
        run_id="t",
        source_runs={},
        key=None,
    )


@pytest.mark.parametrize("recipient", sorted(DECLARATIONS))
def test_every_package_names_a_closed_licence(recipient):
    descriptor = _descriptor(recipient)
    (licence,) = descriptor["licenses"]
    assert licence["name"] == "other-closed"
    title = licence["title"]
    assert "Restricted" in title and "not open data" in title and "receiving ministry" in title, title
    errors = [e.message for e in Package.metadata_validate(descriptor)]
    assert errors == [], errors


def test_person_level_packages_say_personal_data_aggregates_say_so():
    assert "personal data" in _descriptor("public_security")["licenses"][0]["title"]
    assert "personal data" in _descriptor("finance_tax")["licenses"][0]["title"]
    statistics = _descriptor("statistics")["licenses"][0]["title"]
    assert "aggregates" in statistics and "personal" in statistics, statistics
