"""Run the ingest of one catalogued extract into a fresh warehouse and read back its layers (tests only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse


@dataclass
class Ingested:
    state: str
    cause: str | None
    raw: pl.DataFrame | None = None
    staged: pl.DataFrame | None = None
    quarantine: pl.DataFrame | None = None


def ingest_extract(warehouse_dir: Path, registry: str, extract, personal: list[str]) -> Ingested:  # noqa: ANN001
    """Ingest ``extract`` (one partition) and check the row contract: raw = staged + quarantined, each
    record in one of them, and no personal value in the status cause or a quarantine reason."""
    wh = Warehouse(warehouse_dir)
    key = extract.partition_key
    ingest_partition(wh, registry, key, extract, "test-run", IngestOutcome(), logging.getLogger("test"))
    status = read_status(wh, registry)[key]
    assert not [v for v in personal if v in (status.cause or "")], status.cause
    if status.state != "ok":
        return Ingested(status.state, status.cause)
    raw, staged = (pl.read_parquet(PartitionedLayer(wh, n).path(f"{n}_{registry}", key)) for n in ("raw", "staged"))
    quarantine = pl.read_parquet(PartitionedLayer(wh, "quarantine").path(f"quarantine_{registry}", key))
    assert raw.height == staged.height + quarantine.height  # rows in = staged + quarantined
    assert set(staged["record_key"]).isdisjoint(quarantine["record_key"])
    for reason in quarantine["reason"]:
        assert not [v for v in personal if v in reason], reason
    return Ingested(status.state, status.cause, raw, staged, quarantine)


def ingest_note(warehouse_dir: Path, registry: str, catalogue: Path, caplog=None) -> tuple[str, list[str]]:  # noqa: ANN001
    """Ingest the one extract of ``catalogue`` (a catalogue file): the partition's note and, with pytest's
    ``caplog``, the ingest step's warnings."""
    from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue

    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    outcome = IngestOutcome()
    log = logging.getLogger("test")
    if caplog is None:
        ingest_partition(Warehouse(warehouse_dir), registry, extract.partition_key, extract, "r", outcome, log)
        warnings = []
    else:
        with caplog.at_level(logging.WARNING):
            ingest_partition(Warehouse(warehouse_dir), registry, extract.partition_key, extract, "r", outcome, log)
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    (note,) = outcome.notes
    return note, warnings
