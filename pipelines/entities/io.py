"""Warehouse reads for the entities step: staged partitions, the previous lineage, the published entity tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import polars as pl

from pipelines.entities.placement import SPLIT_SCHEMA, apply_split_placements
from pipelines.entities.reresolve import apply_corrections, published_corrections
from pipelines.entities.versions import place_by_newest_version, same_source_links
from pipelines.schema import (
    ADDRESS_REVIEW_STATUSES,
    ENTITY_KINDS,
    REGISTRY_LINKS,
    REVIEW_DECISIONS_TABLE,
    REVIEW_SCHEMA,
    SPLIT_PLACEMENTS,
    lineage_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse

ENTITY_SCHEMA = "entities"
# officials' record placements (review helper: pipelines/review, table review.placements), same columns
REVIEW_OVERLAY = ("review", "placements")
# ``official=PUBLISHED``: the officials' placements as the review step last published them (review.placements)
PUBLISHED = "published"
Officials = pl.DataFrame | None | Literal["published"]
# ``decisions=PUBLISHED``: review.decisions as the review step last published it; a frame: those (None: none)
Decisions = pl.DataFrame | None | Literal["published"]


def read_staged(
    warehouse: Warehouse,
    registry: str,
    partitions: Iterable[str] | None = None,
    *,
    overlay: bool = True,
    corrections: bool = True,
    official: Officials = PUBLISHED,
) -> pl.DataFrame:
    """Every loaded partition of staged_<registry>, or only ``partitions`` (an empty table when none is loaded).

    With ``corrections`` (default) the records re-resolved since staging under a corrected reference
    (resolved.address_corrections, pipelines/entities/reresolve.py) carry their corrected resolver columns:
    the staged rows as re-staging them today would give. With ``overlay`` (default) the published ward overlays
    are applied on top, so the entities see them: the split units placed from the registries' evidence
    (resolved.split_placements), then officials' placements (``official``: review.placements as published, or
    the given placements, or None for none). Each record stays one row.
    """
    decl = staged_table(registry)
    layer = PartitionedLayer(warehouse, "staged")
    if partitions is None:
        root = warehouse.root / "parquet" / "staged" / decl.name
        if not any(root.glob("part=*/data.parquet")):
            return pl.DataFrame(schema=decl.polars_schema)
        frame = layer.scan(decl.name).select(decl.columns).collect().sort("record_key")
    else:
        paths = [p for p in (layer.path(decl.name, key) for key in partitions) if p.is_file()]
        if not paths:
            return pl.DataFrame(schema=decl.polars_schema)
        frame = pl.scan_parquet(paths).select(decl.columns).collect().sort("record_key")
    if corrections:
        frame = apply_address_corrections(warehouse, registry, frame)
    return _apply_placements(warehouse, registry, frame, official) if overlay else frame


def apply_address_corrections(warehouse: Warehouse, registry: str, staged: pl.DataFrame) -> pl.DataFrame:
    """The resolver columns of records re-resolved under a corrected reference, where published. Same rows."""
    overlay = published_corrections(warehouse)
    return staged if overlay is None else apply_corrections(staged, overlay, registry)


def apply_overlays(
    warehouse: Warehouse, registry: str, staged: pl.DataFrame, decisions: Decisions = PUBLISHED
) -> pl.DataFrame:
    """The address corrections (resolved.address_corrections), then the split placements learned from the
    registries (records still split_review), then the officials' placements on top (review.placements: an
    official's ward wins), where published; then the earlier versions without a ward placed by their newest version
    (``newest_version_wards``: the entities' lineage; ``decisions`` as there). Same rows, same columns."""
    staged = _apply_placements(warehouse, registry, apply_address_corrections(warehouse, registry, staged))
    return newest_version_wards(warehouse, registry, staged, decisions)


def published_decisions(warehouse: Warehouse) -> pl.DataFrame | None:
    """review.decisions as the review step last published it, or None when it never did: read once by a caller that
    applies ``newest_version_wards`` to every registry (the marts' and the review queues' inputs)."""
    path = warehouse.parquet_path(REVIEW_SCHEMA, REVIEW_DECISIONS_TABLE.name)
    return pl.read_parquet(path) if path.is_file() else None


def newest_version_wards(
    warehouse: Warehouse, registry: str, staged: pl.DataFrame, decisions: Decisions = PUBLISHED
) -> pl.DataFrame:
    """``staged`` (every partition, the overlays applied) with the earlier versions of a source record that have no
    ward of their own placed in their newest version's ward (pipelines.entities.versions.place_by_newest_version):
    the earlier versions are the published lineage's (``SAME_SOURCE_RECORD``), and a record whose address an
    official dismissed (``decisions``: review.decisions as published, read here; or as read once by the caller,
    ``published_decisions``; None: none) is left without a ward. The marts (``apply_overlays``) and the review queues
    (pipelines.review.io.read_review_inputs) read the staged rows so. No lineage published: ``staged`` as it is."""
    kind = next(k for k, r in ENTITY_KINDS.items() if r == registry)
    path = warehouse.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)
    if not path.is_file() or not staged.height:
        return staged
    earlier = same_source_links(pl.scan_parquet(path))
    if not earlier.height:
        return staged
    if isinstance(decisions, str):
        decisions = published_decisions(warehouse)
    return place_by_newest_version(staged, earlier, _dismissed(warehouse, registry, staged, decisions))


def _dismissed(
    warehouse: Warehouse, registry: str, staged: pl.DataFrame, decisions: pl.DataFrame | None
) -> pl.Series | None:
    """record_key of the staged records whose address an official dismissed in ``decisions`` (review.decisions:
    ``decisions.dismissed_addresses``), or None without such a decision. The staged rows the marts read lack
    source_key and address: read from the staged layer for the records without a ward only."""
    from pipelines.review.decisions import dismissed_addresses

    if decisions is None:
        return None
    if (
        "kind" not in decisions.columns
        or not decisions.filter((pl.col("kind") == "unresolved_address") & (pl.col("decision") == "dismiss")).height
    ):
        return None
    no_ward = staged.filter(pl.col("ward_status").is_in(ADDRESS_REVIEW_STATUSES))
    wanted = ["source_id", "source_key", "address"]
    missing = [c for c in wanted if c not in no_ward.columns]
    if missing:
        written = (
            PartitionedLayer(warehouse, "staged")
            .scan(staged_table(registry).name)
            .select("record_key", *missing)
            .filter(pl.col("record_key").is_in(no_ward["record_key"].implode()))
            .collect()
        )
        no_ward = no_ward.drop(missing, strict=False).join(written, on="record_key")
    return dismissed_addresses(decisions, no_ward, registry)


def _apply_placements(
    warehouse: Warehouse, registry: str, staged: pl.DataFrame, official: Officials = PUBLISHED
) -> pl.DataFrame:
    """The learned split placements (records still split_review), then the officials' (any status: theirs win)."""
    learned = warehouse.parquet_path(SPLIT_SCHEMA, SPLIT_PLACEMENTS.name)
    if learned.is_file():
        staged = apply_split_placements(staged, pl.read_parquet(learned), registry=registry)
    if isinstance(official, str):
        path = warehouse.parquet_path(*REVIEW_OVERLAY)
        official = pl.read_parquet(path, columns=list(SPLIT_PLACEMENTS.columns)) if path.is_file() else None
    if official is not None and official.height:
        staged = apply_split_placements(staged, official, registry=registry, statuses=None)
    return staged


def previous_lineage(warehouse: Warehouse, kind: str) -> pl.DataFrame | None:
    """The lineage the previous run published (record_id, entity_id), or None on a first run."""
    path = warehouse.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)
    if not path.is_file():
        return None
    return pl.read_parquet(path, columns=["record_key", "entity_id"]).rename({"record_key": "record_id"})


def read_lineage(warehouse: Warehouse, kind: str) -> pl.DataFrame:
    return pl.read_parquet(warehouse.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name))


def staged_in_lineage(staged: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """The staged records of the partitions (source_id, extract_date) the lineage was built from.

    The entities step may have built a kind from part of its registry (``allow_incomplete``);
    the links then join only those partitions, so a record of a left-out partition is neither
    linked nor reported as a record without an entity.
    """
    built = lineage.select("source_id", "extract_date").unique()
    return staged.join(built, on=["source_id", "extract_date"], how="semi", maintain_order="left")


def read_published(warehouse: Warehouse) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame], pl.DataFrame]:
    """Staged tables (partitions the lineage covers), published lineages and registry_links, keyed by entity kind."""
    lineage = {kind: read_lineage(warehouse, kind) for kind in ENTITY_KINDS}
    staged = {
        kind: staged_in_lineage(read_staged(warehouse, registry), lineage[kind])
        for kind, registry in ENTITY_KINDS.items()
    }
    links = pl.read_parquet(warehouse.parquet_path(ENTITY_SCHEMA, REGISTRY_LINKS.name))
    return staged, lineage, links
