"""A warehouse ingested before quarantine.reason_kind (a828f28), then partly re-ingested (a sensor, a schedule or the
UI running some partitions): the old partitions' quarantine files lack the column. Reading the layer failed
('did not find column reason_kind': review_queues and publish_marts stopped); now such a partition's rows get the kind
from their reason text, as the queue routed them before, and the new partitions keep the kind staging wrote."""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.publish.marts import _scan_named
from pipelines.review.io import quarantine_with_wards
from pipelines.review.queues import ReviewInputs, quarantined_row
from pipelines.schema import QUARANTINE
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS, _csv

NAME = f"quarantine_{REGISTRY}"


def _warehouse(tmp: Path) -> Warehouse:
    """Two extracts ingested: 'cut' (its last row cut off) and 'blank' (a row without a head name, one with a quote
    never closed)."""
    rows = [r.copy() for r in ROWS]
    rows[1][2] = ""
    (tmp / "cut.csv").write_text(_csv(ROWS)[:-12], encoding="utf-8")
    (tmp / "blank.csv").write_text(_csv(rows).replace("Lê Văn", '"Lê Văn'), encoding="utf-8")
    mapped = "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items())
    sources = "".join(
        f'[[source]]\nid = "{name}"\nregistry = "{REGISTRY}"\nformat = "csv"\npath = "{name}.csv"\n'
        f'key_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n{mapped}'
        for name in ("cut", "blank")
    )
    (tmp / "c.toml").write_text(f'base_dir = "{tmp.as_posix()}"\n{sources}', encoding="utf-8")
    wh = Warehouse(tmp / "wh")
    for key, extract in extracts_by_partition(load_catalogue([tmp / "c.toml"])).items():
        ingest_partition(wh, REGISTRY, key, extract, "r", IngestOutcome(), logging.getLogger("t"))
    return wh


def _written_before_the_kind(wh: Warehouse, key: str) -> None:
    path = PartitionedLayer(wh, "quarantine").path(NAME, key)
    pl.read_parquet(path).drop("reason_kind").write_parquet(path)


def test_a_partition_written_before_the_kind_gets_it_from_its_reason(tmp_path):
    wh = _warehouse(tmp_path)
    _written_before_the_kind(wh, "cut@2025-08-31")
    marts = _scan_named(wh, "quarantine", NAME, QUARANTINE)  # what publish_marts reads
    assert QUARANTINE.validate(marts) == []
    assert dict(marts.select("record_key", "reason_kind").iter_rows()) == {
        "cut@2025-08-31#line:4": "cut_off",
        "blank@2025-08-31#2": "field",
        "blank@2025-08-31#line:4": "unread_row",
    }
    quarantine = quarantine_with_wards(wh)  # what review_queues reads
    inputs = ReviewInputs(staged={}, quarantine=quarantine, review={}, ward_names=pl.DataFrame())
    queued = sorted(quarantined_row(inputs)["record_key"])
    assert queued == ["blank@2025-08-31#2", "blank@2025-08-31#line:4"]  # the cut row is not queued


def test_the_derived_kind_is_what_staging_writes_for_each_reason(tmp_path):
    """Every kind staging wrote on this warehouse, read again from its reason text, is the same."""
    from pipelines.ingest.quarantine import scan_quarantine

    wh = _warehouse(tmp_path)
    written = scan_quarantine(wh, NAME).collect()
    for key in ("cut@2025-08-31", "blank@2025-08-31"):
        _written_before_the_kind(wh, key)
    derived = scan_quarantine(wh, NAME).collect()
    assert derived.equals(written)
