"""What ``no_ward`` and ``unplaced`` count, as the marts compute it, is what their descriptions say (HV17).

A record whose address names a unit of both schemes with nothing to decide (``ward_status`` scheme_review) has
candidate wards (its review item is in each candidate's files) but no ward and no share of any ward's figure: it is
counted in ``flow_accounting.no_ward``, and an entity whose records are all such is ``unplaced``. The descriptions
said "no ward and no candidate ward" (flow_accounting, city_summary, the statistics export's city_summary that the
ministry reads, the README): on the sample 12 no_ward rows (3 households, 9 tax) and 4 unplaced taxpayers have
candidate wards 26842, 27031 and 27487.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl

from pipelines.publish.marts import _placement, flow_accounting
from pipelines.schema import CITY_SUMMARY, FLOW_ACCOUNTING

REPO = Path(__file__).resolve().parents[1]


def _description(table, column: str) -> str:  # noqa: ANN001
    return next(f.description for f in table.fields if f.name == column)


def test_scheme_review_rows_are_no_ward_and_their_entities_unplaced():
    flow = pl.DataFrame(
        {
            "registry": ["tax"] * 5,
            "state": ["merged", "under_review", "under_review", "under_review", "quarantined"],
            "ward_status": ["exact", "split_review", "scheme_review", "unresolved", None],
            "new_uid": ["2025:26740", None, None, None, None],
        }
    )
    counts = flow_accounting(flow, None).filter(pl.col("registry") == "tax").row(0, named=True)
    assert (counts["under_review"], counts["pending_split"], counts["no_ward"]) == (3, 1, 3)

    golden = pl.DataFrame(
        {"entity_id": ["T-1"], "record_count": [1], "new_uid": [None]}, schema_overrides={"new_uid": pl.String}
    )
    lineage = pl.DataFrame({"record_key": ["r1"], "entity_id": ["T-1"]})
    staged = pl.DataFrame(
        {"record_key": ["r1"], "old_uid": [None], "ward_status": ["scheme_review"]},
        schema_overrides={"old_uid": pl.String},
    )
    placed = _placement(golden, lineage, staged, pl.Series(["2025:26740"]))
    assert placed["placement"].to_list() == ["unplaced"]


def test_the_descriptions_say_so():
    no_ward = _description(FLOW_ACCOUNTING, "no_ward")
    under_review = _description(FLOW_ACCOUNTING, "under_review")
    unplaced = _description(CITY_SUMMARY, "unplaced")
    statistics = tomllib.loads((REPO / "mappings" / "exports" / "statistics.toml").read_text(encoding="utf-8"))
    exported = next(r["description"] for r in statistics["resources"] if r["name"] == "city_summary")
    for text in (no_ward, unplaced, CITY_SUMMARY.description, exported):
        assert "no candidate ward" not in text, text
    for text in (no_ward, under_review, unplaced, CITY_SUMMARY.description, exported):
        assert "scheme_review" in text or "both schemes" in text, text
    pages = (REPO / "README.md", *(REPO / "docs" / "guide").glob("*.md"))  # the README's sections until HV36
    readme = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    assert "An entity with no ward and no candidate ward" not in readme
