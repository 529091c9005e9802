"""Warehouse reads of the review step: staged rows (with placements), quarantine with wards, entity review tables."""

from __future__ import annotations

import polars as pl

from pipelines.entities.io import ENTITY_SCHEMA, newest_version_wards, published_decisions, read_staged
from pipelines.ingest.quarantine import scan_quarantine
from pipelines.review.queues import ReviewInputs
from pipelines.schema import (
    CROSSWALK,
    ENTITY_KINDS,
    QUARANTINE,
    REGISTRY_KINDS,
    REVIEW_SCHEMA,
    UNITS_2025,
    UNITS_PRE2025,
    Table,
    lineage_table,
    raw_table,
    review_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse

SPLIT_SCHEMA = "resolved"


def read_optional(wh: Warehouse, schema: str, table: Table | str) -> pl.DataFrame | None:
    """A published table's Parquet copy, or None when it was never published."""
    name = table if isinstance(table, str) else table.name
    path = wh.parquet_path(schema, name)
    return pl.read_parquet(path) if path.is_file() else None


def city_ward_codes(wh: Warehouse) -> set[str]:
    """5-digit codes of the 2025 wards of the city (the crosswalk's new units)."""
    crosswalk = pl.read_parquet(wh.parquet_path("reference", CROSSWALK.name), columns=["new_uid"])
    return set(crosswalk["new_uid"].unique().str.split(":").list.last().to_list())


def staged_with_placements(wh: Warehouse, review_placements: pl.DataFrame | None) -> dict[str, pl.DataFrame]:
    """Every registry's staged rows as the entities step reads them (``read_staged``: the address corrections, the
    learned split placements, then the officials' placements), the officials' being ``review_placements`` (this
    run's decisions; None: none) instead of the published ones."""
    return {registry: read_staged(wh, registry, official=review_placements) for registry in REGISTRY_KINDS}


def _quarantine(wh: Warehouse, registry: str) -> pl.DataFrame:
    """``quarantine_<registry>``'s rows sorted by record key (each partition's columns as declared:
    ``scan_quarantine`` derives those a partition written before them lacks); none written: no rows."""
    name = f"quarantine_{registry}"
    if not any((wh.root / "parquet" / "quarantine" / name).glob("part=*/data.parquet")):
        return pl.DataFrame(schema=QUARANTINE.polars_schema)
    return scan_quarantine(wh, name).collect().sort("record_key")


def quarantine_with_wards(wh: Warehouse) -> dict[str, pl.DataFrame]:
    """Quarantine rows per registry with the old unit, ward and candidates of their raw address (their raw_values'
    address read as of the registration date staging read: quarantine.registered_on, marts.quarantine_wards)."""
    from pipelines.publish.marts import quarantine_wards  # the marts' reading of a quarantined row's address

    out = {}
    for registry in REGISTRY_KINDS:
        quarantine = _quarantine(wh, registry)
        wards = quarantine_wards(quarantine, registry)
        out[registry] = quarantine.join(wards, on="record_key", how="left", maintain_order="left")
    return out


def raw_shown_dates(wh: Warehouse, review: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Per registry: record_key and the shown date columns of its entity kind's review queue as the source wrote
    them (raw layer), for the records of the queued pairs only. A registry with no such column or no pair is left out."""
    from pipelines.review.queues import shown_date_columns

    out = {}
    for kind, pairs in review.items():
        registry = ENTITY_KINDS[kind]
        decl = raw_table(registry)
        columns = [c for c in shown_date_columns(kind) if c in decl.columns]
        root = wh.root / "parquet" / "raw" / decl.name
        if not columns or not pairs.height or not any(root.glob("part=*/data.parquet")):
            continue
        keys = pl.concat([pairs["left_id"], pairs["right_id"]]).unique().implode()
        out[registry] = (
            PartitionedLayer(wh, "raw")
            .scan(decl.name)
            .select("record_key", *columns)
            .filter(pl.col("record_key").is_in(keys))
            .collect()
        )
    return out


def raw_dates_reader(wh: Warehouse, kind: str):  # noqa: ANN201 - a callable for resolve_entities(raw_dates=)
    """For ``resolve_entities(raw_dates=)``: given the review pairs, their records' shown date columns as the source
    wrote them (``raw_shown_dates``; None when the raw layer has none), so entities.<kind>_review carries them."""
    registry = ENTITY_KINDS[kind]
    return lambda pairs: raw_shown_dates(wh, {kind: pairs}).get(registry)


def raw_unreadable_values(wh: Warehouse, staged: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Per registry: record_key and the ``queues.unreadable_fields`` as the source wrote them (raw layer), for the
    staged records with an unreadable value only (``queues.unreadable_rows``): what their unreadable_value items show
    and ask about. A registry with no such record or no raw layer is left out."""
    from pipelines.review.queues import unreadable_fields, unreadable_rows

    out = {}
    for registry, frame in staged.items():
        decl = raw_table(registry)
        columns = [c for c in unreadable_fields(registry) if c in decl.columns]
        keys = unreadable_rows(registry, frame)
        root = wh.root / "parquet" / "raw" / decl.name
        if not columns or not len(keys) or not any(root.glob("part=*/data.parquet")):
            continue
        out[registry] = (
            PartitionedLayer(wh, "raw")
            .scan(decl.name)
            .select("record_key", *columns)
            .filter(pl.col("record_key").is_in(keys.implode()))
            .collect()
        )
    return out


def entity_of_pairs(wh: Warehouse, review: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Per entity kind: record_key, entity_id (entities.<kind>_lineage) of the records of its review pairs, so the
    queue makes one item of the pairs joining the same two entities (queues.entity_pair_items), and of the records
    of officials' no_match labels (review.match_labels), so a pair the guard refused across such a decision names it
    (queues.reviewers_apart). A kind without pairs or lineage is left out (its pairs: one item each)."""
    from pipelines.schema import REVIEW_MATCH_LABELS

    labels = read_optional(wh, REVIEW_SCHEMA, REVIEW_MATCH_LABELS)
    out = {}
    for kind, pairs in review.items():
        path = wh.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)
        if not pairs.height or not path.is_file():
            continue
        apart = (
            labels.filter((pl.col("entity_kind") == kind) & (pl.col("label") == "no_match"))
            if labels is not None
            else pl.DataFrame(schema={"left_id": pl.String, "right_id": pl.String})
        )
        keys = pl.concat([pairs["left_id"], pairs["right_id"], apart["left_id"], apart["right_id"]]).unique().implode()
        out[kind] = (
            pl.scan_parquet(path).select("record_key", "entity_id").filter(pl.col("record_key").is_in(keys)).collect()
        )
    return out


def earlier_versions(wh: Warehouse) -> dict[str, pl.Series]:
    """Per registry: the record keys its entities' lineage names earlier versions of a source record (loaded again
    in a newer extract: ``pipelines.entities.versions``)."""
    from pipelines.entities.versions import SAME_SOURCE_RECORD

    out = {}
    for kind, registry in ENTITY_KINDS.items():
        path = wh.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)
        if path.is_file():
            out[registry] = (
                pl.scan_parquet(path)
                .filter(pl.col("link_evidence") == SAME_SOURCE_RECORD)
                .select("record_key")
                .collect()["record_key"]
            )
    return out


def not_in_newest(wh: Warehouse) -> pl.DataFrame | None:
    """record_key, source_id, last_extract_date of the records the entities' lineage marks missing from their source's
    newest extract (in_newest_extract false: pipelines.entities.versions); None when no lineage says (none published,
    or published before it was kept)."""
    frames = []
    for kind in ENTITY_KINDS:
        path = wh.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)
        if not path.is_file():
            continue
        lineage = pl.scan_parquet(path)
        if not {"in_newest_extract", "last_extract_date"} <= set(lineage.collect_schema().names()):
            continue
        frames.append(
            lineage.filter(pl.col("in_newest_extract").not_())
            .select("record_key", "source_id", "last_extract_date")
            .collect()
        )
    return pl.concat(frames) if frames else None


def read_review_inputs(wh: Warehouse, review_placements: pl.DataFrame | None) -> ReviewInputs:
    """What the review queues are built from (``queues.ReviewInputs``), the officials' placements being
    ``review_placements``. The same warehouse gives the same inputs, row for row, whatever order the file system lists
    its files in: the registries' and kinds' frames come in REGISTRY_KINDS' and ENTITY_KINDS' order; staged and
    quarantine rows sorted by record_key (their primary key); the raw layer's rows (raw_dates, raw_values) in partition
    order (Polars sorts a glob's files by path, as the marts' reads rely on too), and the queues only look them up by
    record_key; the other tables are one file each."""

    def ref(table: Table) -> pl.DataFrame:
        return pl.read_parquet(wh.parquet_path("reference", table.name))

    names = pl.concat([ref(UNITS_2025).select("unit_uid", "name"), ref(UNITS_PRE2025).select("unit_uid", "name")])
    review = {}
    for kind in ENTITY_KINDS:
        frame = read_optional(wh, ENTITY_SCHEMA, review_table(kind))
        review[kind] = frame if frame is not None else pl.DataFrame(schema=review_table(kind).polars_schema)
    staged = staged_with_placements(wh, review_placements)
    # earlier versions without a ward placed by their newest version (as the marts read them): not asked about
    decisions = published_decisions(wh)  # (read once, not per registry)
    staged = {registry: newest_version_wards(wh, registry, rows, decisions) for registry, rows in staged.items()}
    return ReviewInputs(
        staged=staged,
        quarantine=quarantine_with_wards(wh),
        review=review,
        ward_names=names,
        split_evidence=read_optional(wh, SPLIT_SCHEMA, "split_evidence"),
        crosswalk=ref(CROSSWALK).select("old_uid", "new_uid"),
        raw_dates=raw_shown_dates(wh, review),
        entity_of=entity_of_pairs(wh, review),
        earlier_versions=earlier_versions(wh),
        placements=review_placements,
        raw_values=raw_unreadable_values(wh, staged),
        not_in_newest=not_in_newest(wh),
    )


def previous_review_table(wh: Warehouse, table: Table) -> pl.DataFrame | None:
    return read_optional(wh, REVIEW_SCHEMA, table)


def official_match_labels(wh: Warehouse, entity_kind: str, label: str = "match") -> pl.DataFrame | None:
    """Record pairs (left_id, right_id) officials labelled ``label`` ('match': the matcher's labelled pairs,
    linked; 'no_match': its cannot-link pairs), or None when no decision was ever loaded."""
    from pipelines.review.decisions import labelled_pairs
    from pipelines.schema import REVIEW_MATCH_LABELS

    labels = read_optional(wh, REVIEW_SCHEMA, REVIEW_MATCH_LABELS)
    return None if labels is None else labelled_pairs(labels, entity_kind, label)
