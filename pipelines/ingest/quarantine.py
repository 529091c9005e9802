"""Reading the quarantine layer: ``quarantine_<registry>``'s partitions, each with its ``reason_kind`` and
``registered_on``.

Staging writes ``reason_kind`` (schema.QUARANTINE_REASON_KINDS) and ``registered_on`` (the registration date as it
read it, in the source's day/month order) with every quarantined row. A partition written before a column was
declared (reason_kind: ingested at a828f28 or earlier; registered_on: ingested before session 58; the warehouse
then partly re-ingested: a sensor, a schedule or the UI running new partitions only) lacks it: its rows get the kind
from their reason text, by the rules the review queue routed such rows with then, and the date from their
raw_values, read day first as the marts read it then (the catalogue, which holds a source's order, is not in the
warehouse). So a mixed warehouse neither fails to scan nor reads those rows otherwise than before; re-ingesting the
partition writes what staging sets.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.readers import DELETED_NOTE, TRUNCATED
from pipelines.schema import QUARANTINE
from pipelines.warehouse import PartitionedLayer, Warehouse

KIND = "reason_kind"
DATE = "registered_on"


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


def _day_first(written: pl.Series) -> pl.Series:
    """Registration dates as written, read as staging reads them day first (stage.read_dates: a value valid
    month-first only read so; zeros, an unreadable value: none)."""
    from pipelines.ingest.stage import read_dates  # staging's own reading (a heavy import, for old partitions only)

    return read_dates(pl.DataFrame({DATE: written}), DATE, True, "reg")["reg_date"]


def legacy_registered_on() -> pl.Expr:
    """``registered_on`` of a row written without one: its raw_values' registration date (NULs taken out, as
    staging's repair does) read day first, as the marts read a quarantined row's date before the column existed.
    Null when the row has none (tax, a row the reader could not split)."""
    written = pl.col("raw_values").str.json_path_match(f"$.{DATE}").str.replace_all("\x00", "", literal=True)
    return written.map_batches(_day_first, return_dtype=pl.Date).alias(DATE)


# a column a partition may have been written without -> its value for such a partition's rows
_LEGACY = {KIND: legacy_reason_kind, DATE: legacy_registered_on}


def scan_quarantine(wh: Warehouse, name: str) -> pl.LazyFrame:
    """The partitions of ``quarantine.<name>`` in path order, each with ``reason_kind`` and ``registered_on``
    (derived for a partition written before it was declared: :func:`legacy_reason_kind`,
    :func:`legacy_registered_on`). The caller checks that a partition exists."""
    layer = PartitionedLayer(wh, "quarantine")
    files = sorted((wh.root / "parquet" / "quarantine" / name).glob("part=*/data.parquet"))
    schemas = [pl.read_parquet_schema(f) for f in files]
    if all(column in schema for schema in schemas for column in _LEGACY):
        return layer.scan(name)
    frames = []
    for f, schema in zip(files, schemas, strict=True):
        lacking = [column for column in _LEGACY if column not in schema]
        frame = pl.scan_parquet(f).with_columns(_LEGACY[column]() for column in lacking)
        frames.append(frame.select(QUARANTINE.columns))
    return pl.concat(frames)
