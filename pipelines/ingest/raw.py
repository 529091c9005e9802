"""raw: one extract's rows, verbatim, under canonical column names, with lineage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from pipelines.ingest.catalogue import Extract
from pipelines.ingest.readers import KEY, read_extract
from pipelines.schema import ADDRESS_PARTS, CANONICAL_FIELDS, REQUIRED_FIELDS, raw_table


class SourceSchemaError(ValueError):
    """The extract lacks a column the catalogue maps to a required field (schema drift)."""


@dataclass
class RawLoad:
    frame: pl.DataFrame  # declared by raw_table(registry)
    encoding: str | None
    extra_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    read_problems: int = 0


def _check_columns(extract: Extract, columns: list[str]) -> tuple[list[str], list[str]]:
    spec = extract.source
    present = set(columns)
    missing = {src: canon for src, canon in spec.columns.items() if src not in present}
    canon_present = {canon for src, canon in spec.columns.items() if src in present}
    required_missing = []
    for canon in REQUIRED_FIELDS[spec.registry]:
        if canon == "address" and canon_present & {"ward", "district"}:
            continue
        if canon not in canon_present:
            required_missing.append(next((s for s, c in spec.columns.items() if c == canon), canon))
    if required_missing:
        hint = ""
        if len(columns) <= 2 and columns and any(d in columns[0] for d in ";\t|"):
            hint = f"; the header reads as one column {columns[0][:60]!r}: is the delimiter really {spec.delimiter!r}?"
        raise SourceSchemaError(
            f"{extract.location}: required column(s) {required_missing} missing (source {spec.id}); "
            f"the file has {[c for c in columns if c != KEY][:12]}{hint}"
        )
    extra = [c for c in columns if c not in spec.columns and c != KEY]
    return extra, sorted(missing)


def load_raw(extract: Extract, run_id: str) -> RawLoad:
    """Read an extract into the raw table of its registry. Raises on unreadable files and schema drift."""
    spec = extract.source
    result = read_extract(extract)
    frames = [f for f in result.batches if f.width]
    frame = pl.concat(frames, how="diagonal") if frames else pl.DataFrame({KEY: []}, schema={KEY: pl.String})
    extra, missing_optional = _check_columns(extract, frame.columns)
    table = raw_table(spec.registry)

    canonical = {**{c: None for c in CANONICAL_FIELDS[spec.registry]}, **{p: None for p in ADDRESS_PARTS}}
    for src, canon in spec.columns.items():
        if src in frame.columns:
            canonical[canon] = src
    extra_json = pl.struct(extra).struct.json_encode() if extra else pl.lit(None, dtype=pl.String)
    out = frame.select(
        source_key=pl.col(KEY),
        **{canon: (pl.col(src) if src else pl.lit(None, dtype=pl.String)) for canon, src in canonical.items()},
        extra_columns=extra_json,
        read_problem=pl.lit(None, dtype=pl.String),
    )
    if result.problems:
        bad = pl.DataFrame(
            {
                "source_key": [p.source_key for p in result.problems],
                "extra_columns": [json.dumps({"_unparsed": p.raw_text}, ensure_ascii=False) for p in result.problems],
                "read_problem": [p.reason for p in result.problems],
            }
        )
        out = pl.concat([out, bad], how="diagonal_relaxed")
    # A key the source repeats still gets its own record: occurrence n > 1 is suffixed.
    occurrence = pl.col("source_key").cum_count().over("source_key")
    record_key = pl.format("{}@{}#{}", pl.lit(spec.id), pl.lit(extract.extract_date.isoformat()), "source_key")
    out = out.with_columns(
        record_key=pl.when(occurrence > 1).then(pl.format("{}~{}", record_key, occurrence)).otherwise(record_key),
        source_id=pl.lit(spec.id),
        extract_date=pl.lit(extract.extract_date),
        source_file=pl.lit(extract.location),
        run_id=pl.lit(run_id),
    )
    return RawLoad(table.cast(out), result.encoding, extra, missing_optional, len(result.problems))
