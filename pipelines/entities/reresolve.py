"""A corrected crosswalk, alias or gazetteer entry re-resolves only the staged records it affects.

Staging resolves every record's address with the reference of the day (pipelines/ingest/stage.py). Each
staged partition records that reference's fingerprint (``Reference.fingerprint``, a file next to its Parquet
data) and the reference itself is kept once per fingerprint under ``<warehouse>/reference_history/<fp>/``.

When the reference in mappings/ changes, ``corrections`` compares, per staged partition, the reference it was
staged with to the current one (``diff_references``) and re-resolves only the records that can read
differently (``affected``), each distinct (address, date) once, through the same staging code
(``stage.with_resolved_addresses``). Records whose reading changed form the overlay
``resolved.address_corrections``; readers apply it first (``apply_corrections``, called by pipelines.entities.io), so entities, split placements and
marts see what re-staging everything with the corrected reference would give, without re-staging.

A record can read differently only if (superset, never fewer):

* its old unit, new ward or a candidate ward is a unit whose own row or crosswalk rows changed;
* its address text contains (folded, squashed) a changed name: a changed alias key (with and without a
  unit-type prefix), a changed gazetteer entry's name (an entry applies only where its name is in the
  address), the short name or an alias of a unit whose row or crosswalk rows changed;
* when names changed (aliases or units, not the gazetteer alone): it was not read exactly (unresolved,
  scheme_review, fuzzy, or a typo-tolerant part in its reason), because typo tolerance compares the text
  with every name.

A partition staged before fingerprints were recorded has an unknown reference: all its records are
re-resolved (once: a partition whose records all read the same under the current reference is noted as
resolved with it). The overlay is recomputed from the staged data at each run (stateless): a partition
re-staged with the current reference needs none. No dagster here: assets/corrections.py publishes the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.reference import RESOLVER_TABLES, Reference
from pipelines.resolve import (
    ALL_MARKERS,
    Markers,
    alias_forms,
    clean_expr,
    name_keys,
)
from pipelines.schema import ADDRESS_CORRECTIONS, REGISTRY_KINDS, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse, write_parquet_atomic

RESOLVER_COLUMNS = (
    "old_uid",
    "new_uid",
    "ward_status",
    "ward_scheme",
    "ward_confidence",
    "ward_candidates",
    "ward_reason",
)
CORRECTIONS_SCHEMA = "resolved"
FINGERPRINT_FILE = "reference_fingerprint"
HISTORY_DIR = "reference_history"
_NOT_EXACT = ("unresolved", "scheme_review", "fuzzy")
_READ = ("record_key", "address", "registered_on", *RESOLVER_COLUMNS)


# --------------------------------------------------------------------------- fingerprints and snapshots


def snapshot_dir(warehouse: Warehouse, fingerprint: str) -> Path:
    return warehouse.root / HISTORY_DIR / fingerprint


def save_snapshot(warehouse: Warehouse, reference: Reference) -> str:
    """Keep the resolver's tables of ``reference`` under reference_history/<fingerprint>/ (once); its fingerprint."""
    fp = reference.fingerprint
    folder = snapshot_dir(warehouse, fp)
    for name in RESOLVER_TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            write_parquet_atomic(getattr(reference, name).to_arrow(), path)
    return fp


def load_snapshot(warehouse: Warehouse, fingerprint: str) -> dict[str, pl.DataFrame] | None:
    folder = snapshot_dir(warehouse, fingerprint)
    paths = {name: folder / f"{name}.parquet" for name in RESOLVER_TABLES}
    if not all(p.is_file() for p in paths.values()):
        return None
    return {name: pl.read_parquet(p) for name, p in paths.items()}


def _fingerprint_path(warehouse: Warehouse, registry: str, partition: str) -> Path:
    return PartitionedLayer(warehouse, "staged").path(staged_table(registry).name, partition).parent / FINGERPRINT_FILE


def record_staging_reference(warehouse: Warehouse, registry: str, partition: str, reference: Reference) -> str:
    """Note that ``partition`` of staged_<registry> was resolved with ``reference`` (and keep the reference)."""
    fp = save_snapshot(warehouse, reference)
    path = _fingerprint_path(warehouse, registry, partition)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fp + "\n", encoding="utf-8")
    return fp


def forget_staging_reference(warehouse: Warehouse, registry: str, partition: str) -> None:
    """The partition's reference unknown (before its staged rows are replaced)."""
    _fingerprint_path(warehouse, registry, partition).unlink(missing_ok=True)


def staging_reference(warehouse: Warehouse, registry: str, partition: str) -> str | None:
    """The fingerprint of the reference the partition's staged readings are those of: the one it was staged
    with, or a later one under which none of them reads differently (``corrections(adopt=True)``);
    None: staged before fingerprints were recorded."""
    path = _fingerprint_path(warehouse, registry, partition)
    return path.read_text(encoding="utf-8").strip() or None if path.is_file() else None


# --------------------------------------------------------------------------- what changed


@dataclass(frozen=True)
class ReferenceDiff:
    """Units and names whose reference rows differ between two references."""

    units: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # folded, squashed
    names_changed: bool = False  # aliases or unit names changed (typo-tolerant readings may change)
    tables: tuple[str, ...] = ()  # the tables that differ

    @property
    def empty(self) -> bool:
        return not self.tables


def _changed(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Rows in one table and not the other (either direction)."""
    old, new = old.select(sorted(old.columns)), new.select(sorted(new.columns))
    return pl.concat(
        [
            old.join(new, on=old.columns, how="anti", nulls_equal=True),
            new.join(old, on=old.columns, how="anti", nulls_equal=True),
        ]
    )


_NO_MARKERS = Markers()
_ALL_MARKERS = Markers(*ALL_MARKERS)  # any level, either scheme


def _name_forms(names: Iterable[str | None], markers: Markers = _NO_MARKERS) -> set[str]:
    out = set()
    for name in names:
        if not name:
            continue
        for key in name_keys(name):
            out.update(f for f in alias_forms(key, markers) if f)
    return out


def diff_references(old: dict[str, pl.DataFrame], new: dict[str, pl.DataFrame]) -> ReferenceDiff:
    """What differs between two references (tables by name, as ``Reference.tables()``)."""
    changed = {name: _changed(old[name], new[name]) for name in RESOLVER_TABLES}
    tables = tuple(name for name, rows in changed.items() if rows.height)
    # units whose own rows or crosswalk rows changed: their records, and any text naming them (by name or alias)
    units: set[str] = set()
    for name in ("units_pre2025", "units_2025"):
        units.update(changed[name]["unit_uid"].to_list())
    units.update(changed["crosswalk"]["old_uid"].to_list() + changed["crosswalk"]["new_uid"].to_list())
    units.discard(None)
    wanted = sorted(units)
    unit_names = pl.concat(
        [ref[t].select("unit_uid", "short_name") for ref in (old, new) for t in ("units_pre2025", "units_2025")]
    ).filter(pl.col("unit_uid").is_in(wanted))
    their_aliases = pl.concat([ref["aliases"] for ref in (old, new)]).filter(pl.col("target_uid").is_in(wanted))
    # an alias or a gazetteer entry applies only where its name is in the text (exactly, or typo-tolerant
    # for aliases: the not-exact rule below), so a changed one adds its name, not its target's records
    alias_keys = pl.concat([changed["aliases"]["alias_key"], their_aliases["alias_key"]]).to_list()
    names = _name_forms(alias_keys, _ALL_MARKERS)
    names |= _name_forms(changed["gazetteer"]["name"].to_list())
    names |= _name_forms(unit_names["short_name"].to_list())
    names_changed = bool(changed["aliases"].height or changed["units_pre2025"].height or changed["units_2025"].height)
    return ReferenceDiff(frozenset(units), frozenset(names), names_changed, tables)


def _squashed(column: str) -> pl.Expr:
    return clean_expr(pl.col(column)).str.replace_all(r"[^a-z0-9]", "")


def affected(staged: pl.DataFrame, diff: ReferenceDiff | None) -> pl.Series:
    """Boolean per staged row: may its reading change under ``diff``? (``None``: unknown reference: all rows.)"""
    if diff is None:
        return pl.repeat(True, staged.height, dtype=pl.Boolean, eager=True).alias("affected")
    if diff.empty or staged.height == 0:
        return pl.repeat(False, staged.height, dtype=pl.Boolean, eager=True).alias("affected")
    units = sorted(diff.units)
    by_unit = (
        pl.col("old_uid").is_in(units).fill_null(False)
        | pl.col("new_uid").is_in(units).fill_null(False)
        | pl.col("ward_candidates").list.eval(pl.element().is_in(units)).list.any().fill_null(False)
    )
    by_name = pl.lit(False)
    if diff.names:  # each distinct address cleaned once (a household's members share theirs)
        distinct = staged.select(pl.col("address").drop_nulls().unique())
        named = distinct.filter(_squashed("address").str.contains_any(sorted(diff.names)))["address"]
        by_name = pl.col("address").is_in(named.implode()).fill_null(False)
    condition = by_unit | by_name
    if diff.names_changed:
        condition = (
            condition
            | pl.col("ward_status").is_in(_NOT_EXACT)
            | pl.col("ward_reason").str.contains("fuzzy|without marker").fill_null(False)
        )
    return staged.select(condition.alias("affected"))["affected"]


# --------------------------------------------------------------------------- re-resolving and the overlay


def reresolve(staged: pl.DataFrame, registry: str, reference: Reference) -> pl.DataFrame:
    """The staged rows re-resolved with ``reference`` exactly as staging would (record_key + resolver columns)."""
    from pipelines.ingest.stage import with_resolved_addresses  # the staging code itself: same inputs, same reading

    decl = staged_table(registry)
    inputs = [c for c in ("record_key", "address", "registered_on") if c in staged.columns]
    resolved = with_resolved_addresses(staged.select(inputs), reference)
    return resolved.select("record_key", *(pl.col(c).cast(decl.polars_schema[c]) for c in RESOLVER_COLUMNS))


def _differs(a: str, b: str) -> pl.Expr:
    return pl.col(a).ne_missing(pl.col(b))


@dataclass
class Corrections:
    """The overlay rows and what it took."""

    overlay: pl.DataFrame
    records: int = 0  # staged records looked at
    reresolved: int = 0  # records re-resolved (affected)
    partitions: dict[str, str] = field(default_factory=dict)  # registry/partition -> 'current', 'diff', 'unknown'

    @property
    def changed(self) -> int:
        return self.overlay.height


def partition_corrections(
    staged: pl.DataFrame,
    registry: str,
    partition: str,
    staged_fp: str | None,
    diff: ReferenceDiff | None,
    reference: Reference,
) -> tuple[pl.DataFrame, int]:
    """(overlay rows of one partition, records re-resolved)."""
    mask = affected(staged, diff)
    rows = staged.filter(mask)
    if rows.height == 0:
        return pl.DataFrame(schema=ADDRESS_CORRECTIONS.polars_schema), 0
    fresh = reresolve(rows, registry, reference).rename({c: f"_new_{c}" for c in RESOLVER_COLUMNS})
    both = rows.select("record_key", *RESOLVER_COLUMNS).join(fresh, on="record_key", how="inner")
    change = pl.any_horizontal(*(_differs(c, f"_new_{c}") for c in RESOLVER_COLUMNS))
    out = both.filter(change).select(
        registry=pl.lit(registry),
        record_key="record_key",
        partition=pl.lit(partition),
        **{c: pl.col(f"_new_{c}") for c in RESOLVER_COLUMNS},
        staged_reference=pl.lit(staged_fp, dtype=pl.String),
        reference=pl.lit(reference.fingerprint),
    )
    return ADDRESS_CORRECTIONS.cast(out), rows.height


def staged_partitions(warehouse: Warehouse, registry: str) -> list[str]:
    """The partitions of staged_<registry> on disk (directory names are the keys, see PartitionedLayer)."""
    root = warehouse.root / "parquet" / "staged" / staged_table(registry).name
    return [p.parent.name.removeprefix("part=") for p in sorted(root.glob("part=*/data.parquet"))]


def corrections(
    warehouse: Warehouse, reference: Reference, registries: Iterable[str] = REGISTRY_KINDS, *, adopt: bool = True
) -> Corrections:
    """The overlay for every staged partition whose reference differs from ``reference``.

    ``adopt``: a partition none of whose records reads differently under ``reference`` (its affected records
    re-resolved to what was staged; the others cannot change) is noted as resolved with ``reference``, so the
    next run skips it: a partition staged before fingerprints were kept is re-resolved whole once only.
    """
    current = reference.fingerprint
    now_tables = {name: getattr(reference, name) for name in RESOLVER_TABLES}
    diffs: dict[str | None, ReferenceDiff | None] = {None: None}
    parts, total, redone, report = [], 0, 0, {}
    for registry in registries:
        layer = PartitionedLayer(warehouse, "staged")
        decl = staged_table(registry)
        for partition in staged_partitions(warehouse, registry):
            fp = staging_reference(warehouse, registry, partition)
            path = layer.path(decl.name, partition)
            if fp == current:
                total += _rows(path)
                report[f"{registry}/{partition}"] = "current"
                continue
            if fp not in diffs:
                old = load_snapshot(warehouse, fp)
                diffs[fp] = None if old is None else diff_references(old, now_tables)
            staged = pl.read_parquet(path, columns=[c for c in decl.columns if c in _READ])
            total += staged.height
            rows, n = partition_corrections(staged, registry, partition, fp, diffs[fp], reference)
            parts.append(rows)
            redone += n
            report[f"{registry}/{partition}"] = "unknown" if diffs[fp] is None else ("diff" if n else "unaffected")
            if adopt and rows.height == 0:
                record_staging_reference(warehouse, registry, partition, reference)
    overlay = pl.concat(parts) if parts else pl.DataFrame(schema=ADDRESS_CORRECTIONS.polars_schema)
    return Corrections(ADDRESS_CORRECTIONS.cast(overlay), total, redone, report)


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def apply_corrections(staged: pl.DataFrame, overlay: pl.DataFrame, registry: str) -> pl.DataFrame:
    """``staged`` with the resolver columns of its corrected records replaced: same rows, same columns."""
    rows = overlay.filter(pl.col("registry") == registry)
    if rows.height == 0:
        return staged
    if rows["record_key"].is_duplicated().any():
        raise ValueError(f"address_corrections: a {registry} record is corrected twice")
    patch = rows.select("record_key", *(pl.col(c).alias(f"_c_{c}") for c in RESOLVER_COLUMNS), _hit=pl.lit(True))
    out = staged.join(patch, on="record_key", how="left", maintain_order="left")
    hit = pl.col("_hit").fill_null(False)
    out = out.with_columns(
        **{
            c: pl.when(hit).then(pl.col(f"_c_{c}")).otherwise(pl.col(c))
            for c in RESOLVER_COLUMNS
            if c in staged.columns
        }
    ).select(staged.columns)
    return out


def published_corrections(warehouse: Warehouse) -> pl.DataFrame | None:
    path = warehouse.parquet_path(CORRECTIONS_SCHEMA, ADDRESS_CORRECTIONS.name)
    return pl.read_parquet(path) if path.is_file() else None
