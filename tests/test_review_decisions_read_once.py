"""The review queues' and the marts' inputs read review.decisions once, not once per registry: each registry's
earlier versions are placed by their newest version except where an official dismissed the address
(``pipelines.entities.io.newest_version_wards``), and both readers loop over the registries. Before, every registry
with earlier versions in its lineage read the decisions file again (four reads here, one per registry); what is
placed is unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.entities.versions import SAME_SOURCE_RECORD
from pipelines.publish.marts import read_inputs
from pipelines.review.io import read_review_inputs
from pipelines.schema import (
    CROSSWALK,
    ENTITY_KINDS,
    NEWEST_VERSION_STATUS,
    REVIEW_DECISIONS_TABLE,
    UNITS_2025,
    UNITS_PRE2025,
    Table,
    lineage_table,
    staged_table,
)
from pipelines.warehouse import Warehouse

JULY, AUGUST = dt.date(2026, 7, 31), dt.date(2026, 8, 31)
WARD = "2025:26740"


def _key(registry: str, month: dt.date, key: str) -> str:
    return f"{registry}_1@{month.isoformat()}#{key}"


def _write(path: Path, frame: pl.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)


def _staged(registry: str) -> pl.DataFrame:
    """Keys 1 and 2 in July without a ward, in August with one: July's versions wait for their newest version's."""
    rows = []
    for key in ("1", "2"):
        for month, ward in ((JULY, None), (AUGUST, WARD)):
            rows.append(
                {
                    "record_key": _key(registry, month, key),
                    "source_id": f"{registry}_1",
                    "extract_date": month,
                    "source_key": key,
                    "address": f"{key} Hoàng Hoa Thám",
                    "new_uid": ward,
                    "ward_status": "resolved" if ward else "unresolved",
                }
            )
    return _declared(rows, staged_table(registry))


def _declared(rows: list[dict], table: Table) -> pl.DataFrame:
    """``rows`` with the table's other columns null, as declared."""
    schema = table.polars_schema
    given = pl.DataFrame(rows, schema={c: schema[c] for c in rows[0]})
    return given.select(
        pl.col(c) if c in given.columns else pl.lit(None, dtype).alias(c) for c, dtype in schema.items()
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """Every registry staged (two source records, July and August) and its lineage linking July's versions to
    August's; one official's dismiss of key 1's July address in population."""
    wh = Warehouse(tmp_path / "wh")
    for table in (UNITS_2025, UNITS_PRE2025, CROSSWALK):
        _write(wh.parquet_path("reference", table.name), pl.DataFrame(schema=table.polars_schema))
    for kind, registry in ENTITY_KINDS.items():
        staged = _staged(registry)
        for month in (JULY, AUGUST):
            part = wh.root / "parquet" / "staged" / staged_table(registry).name / f"part={month}" / "data.parquet"
            _write(part, staged.filter(pl.col("extract_date") == month))
        lineage = pl.DataFrame(
            {
                "record_key": [_key(registry, JULY, k) for k in ("1", "2")],
                "entity_id": ["E1", "E2"],
                "link_evidence": [SAME_SOURCE_RECORD] * 2,
                "linked_to": [_key(registry, AUGUST, k) for k in ("1", "2")],
            }
        )
        _write(wh.parquet_path("entities", lineage_table(kind).name), lineage)
    decision = {
        "item_id": "it1",
        "kind": "unresolved_address",
        "state": "closed",
        "decision": "dismiss",
        "registry": "population",
        "record_key": _key("population", JULY, "1"),
        "reviewer": "Cán bộ A",
        "decided_on": AUGUST,
        "decisions": 1,
    }
    _write(wh.parquet_path("review", REVIEW_DECISIONS_TABLE.name), _declared([decision], REVIEW_DECISIONS_TABLE))
    return wh


def _counted_reads(monkeypatch: pytest.MonkeyPatch, wh: Warehouse) -> list[Path]:
    path = wh.parquet_path("review", REVIEW_DECISIONS_TABLE.name)
    reads: list[Path] = []
    read_parquet = pl.read_parquet

    def counting(source, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if Path(source) == path:
            reads.append(path)
        return read_parquet(source, *args, **kwargs)

    monkeypatch.setattr(pl, "read_parquet", counting)
    return reads


def _placed(staged: dict[str, pl.DataFrame]) -> dict[str, list[str]]:
    return {
        registry: sorted(frame.filter(pl.col("ward_status") == NEWEST_VERSION_STATUS)["record_key"])
        for registry, frame in staged.items()
    }


def _expected() -> dict[str, list[str]]:
    """July's versions placed by August's, but population's key 1 (its address dismissed)."""
    placed = {r: [_key(r, JULY, "1"), _key(r, JULY, "2")] for r in ENTITY_KINDS.values()}
    placed["population"] = [_key("population", JULY, "2")]
    return placed


def test_the_review_inputs_read_the_decisions_once(warehouse, monkeypatch):
    reads = _counted_reads(monkeypatch, warehouse)
    inputs = read_review_inputs(warehouse, None)
    assert _placed(inputs.staged) == _expected()
    assert len(reads) == 1  # before: 4, one per registry


def test_the_marts_inputs_read_the_decisions_once(warehouse, monkeypatch):
    reads = _counted_reads(monkeypatch, warehouse)
    inputs = read_inputs(warehouse)
    assert _placed(inputs.staged) == _expected()
    assert len(reads) == 1  # before: 4, one per registry
