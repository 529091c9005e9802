"""Reading the quarantine layer: ``quarantine_<registry>``'s partitions, each with its ``reason_kind``.

Staging writes ``reason_kind`` (schema.QUARANTINE_REASON_KINDS) with every quarantined row. A partition written
before the column was declared (a warehouse ingested at a828f28 or earlier, then partly re-ingested: a sensor, a
schedule or the UI running new partitions only) lacks it: its rows get the kind from their reason text, read once
here, by the rules the review queue routed such rows with then. So a mixed warehouse neither fails to scan nor sends
those rows elsewhere than before; re-ingesting the partition writes the kind staging sets.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.readers import DELETED_NOTE, TRUNCATED
from pipelines.schema import QUARANTINE
from pipelines.warehouse import PartitionedLayer, Warehouse

KIND = "reason_kind"


def legacy_reason_kind() -> pl.Expr:
    """``reason_kind`` of a row written without one, from its reason and field: 'extract rejected: ...' first, the
    cut last line's '(truncated)', a deleted dBase record's note, '*' a row the reader could not split, else a
    field's policy."""
    reason = pl.col("reason").fill_null("")
    return (
        pl.when(reason.str.starts_with("extract rejected"))
        .then(pl.lit("extract_rejected"))
        .when(reason.str.contains(TRUNCATED, literal=True))
        .then(pl.lit("cut_off"))
        .when(reason.str.contains(DELETED_NOTE, literal=True))
        .then(pl.lit("source_deleted"))
        .when(pl.col("field") == "*")
        .then(pl.lit("unread_row"))
        .otherwise(pl.lit("field"))
        .alias(KIND)
    )


def scan_quarantine(wh: Warehouse, name: str) -> pl.LazyFrame:
    """The partitions of ``quarantine.<name>`` in path order, each with ``reason_kind`` (derived for a partition
    written before it was declared: :func:`legacy_reason_kind`). The caller checks that a partition exists."""
    layer = PartitionedLayer(wh, "quarantine")
    files = sorted((wh.root / "parquet" / "quarantine" / name).glob("part=*/data.parquet"))
    if all(KIND in pl.read_parquet_schema(f) for f in files):
        return layer.scan(name)
    frames = []
    for f in files:
        frame = pl.scan_parquet(f)
        if KIND not in frame.collect_schema().names():
            frame = frame.with_columns(legacy_reason_kind())
        frames.append(frame.select(QUARANTINE.columns))
    return pl.concat(frames)
