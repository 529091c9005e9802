"""Marts: aggregates per 2025 ward, pseudonymised entity tables, the old-unit reconciliation, row accounting.

Plain Polars, no Dagster. ``read_inputs`` reads a warehouse (reference tables, raw / staged /
quarantine partitions, entity tables); ``build_marts`` turns them into the frames declared in
the "Marts" section of pipelines/schema.py; pipelines/publish/store.py writes them.

Placement. A source row is *placed* when its address resolved to one 2025 ward; an entity when
its golden record has a ward. A row or entity of a split old unit without evidence
(``split_review``) is never given a ward: it is *pending_split*, counted in every candidate
ward of its old unit (``*_pending_split``) and allocated to them in ``*_estimated`` by
``allocate``: the old unit's pending count times each part's share (``allocation_share``: the
part's area over the sum of the parts' areas from the crosswalk, equal shares when an area is
unknown), rounded by largest remainder so the estimates of an old unit add up to its pending
count exactly. A ward's estimate is its placed count plus its allocation, and the estimates of
all wards add up to placed + pending. In a detail table (sex x age, size, sector, kind) each part's
allocation is spread over the old unit's cells keeping both margins, so a ward's rows add up to its
ward_summary figures (``detail_ward_problems`` blocks publication otherwise). An entity with no ward that is not
pending a split old unit (unresolved, or scheme_review: candidate wards of both schemes, none given a share) is *unplaced*:
in no ward's figure, counted city-wide in ``city_summary`` (entities = estimated + unplaced), and
``city_total_problems`` blocks publication when these city totals disagree across the marts.

Ages are computed at the *reference date*: the latest extract date of the staged population
registry (``flow_accounting.reference_date``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipelines.entities.io import ENTITY_SCHEMA, apply_overlays, published_decisions
from pipelines.entities.reresolve import RESOLVER_COLUMNS
from pipelines.entities.versions import SAME_SOURCE_RECORD
from pipelines.ingest.quarantine import scan_quarantine
from pipelines.ingest.stage import address_text, repair_text_fields, with_resolved_addresses
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise
from pipelines.publish.store import MartsPublication, Published, Validator, schema_validator
from pipelines.reference import HCMC_NEW_PROVINCE, MAPPINGS_DIR
from pipelines.schema import (
    ADDRESS_PARTS,
    BUSINESSES_BY_SECTOR,
    CITY_SUMMARY,
    CROSSWALK,
    DIM_CROSSWALK,
    DIM_UNIT_PRE2025,
    DIM_VSIC_SECTION,
    DIM_WARD_2025,
    ENTITY_KINDS,
    FLOW_ACCOUNTING,
    HOUSEHOLD_SIZE,
    MART_BUSINESSES,
    MART_HOUSEHOLDS,
    MART_PEOPLE,
    MART_TAXPAYERS,
    OLD_UNIT_FLOWS,
    OLD_UNIT_RECONCILIATION,
    POPULATION_BY_SEX_AGE,
    PSEUDONYMS,
    QUARANTINE,
    RECORD_FLOW,
    REGISTRY_KINDS,
    REGISTRY_LINKS,
    TAXPAYERS_BY_KIND,
    UNITS_2025,
    UNITS_PRE2025,
    WARD_PARTITION,
    WARD_SUMMARY,
    Table,
    entities_table,
    lineage_table,
    raw_table,
    review_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse
from quality.rules import aggregate_equals, totals_equal

VSIC_SECTIONS_CSV = MAPPINGS_DIR / "vsic_sections.csv"
NO_WARD = "none"
REVIEW_STATUSES = ("split_review", "unresolved")
KIND_OF_REGISTRY = {registry: kind for kind, registry in ENTITY_KINDS.items()}
RAW_COLUMNS = ("record_key", "source_id", "extract_date", "source_file", "source_key")
# the staged columns the marts read (the overlays replace resolver columns only): the personal columns are not read
STAGED_COLUMNS = ("record_key", "source_id", "extract_date", *RESOLVER_COLUMNS)


# --------------------------------------------------------------------------- inputs


@dataclass
class MartInputs:
    units_2025: pl.DataFrame
    units_pre2025: pl.DataFrame
    crosswalk: pl.DataFrame
    raw: dict[
        str, pl.DataFrame
    ]  # registry -> lineage columns of every raw row (a quarantined row's address: its raw_values)
    staged: dict[str, pl.DataFrame]  # registry -> staged rows (``STAGED_COLUMNS``: no personal column)
    quarantine: dict[str, pl.DataFrame]  # registry -> quarantine rows
    entities: dict[str, pl.DataFrame]  # kind -> golden records
    lineage: dict[str, pl.DataFrame]
    review: dict[str, pl.DataFrame]
    links: pl.DataFrame


def _scan_layer(wh: Warehouse, layer: str, table: Table, columns: list[str] | None = None) -> pl.DataFrame:
    root = wh.root / "parquet" / layer / table.name
    if not any(root.glob("part=*/data.parquet")):
        scan = pl.DataFrame(schema=table.polars_schema).lazy()
    elif layer == "quarantine":  # a partition written before reason_kind was declared gets it from its reason
        scan = scan_quarantine(wh, table.name)
    else:
        scan = PartitionedLayer(wh, layer).scan(table.name)
    if columns is not None:  # only these columns are read from the files
        present = scan.collect_schema().names()
        scan = scan.select([c for c in columns if c in present])
    return scan.collect()  # partitions in path order (deterministic); the analytics tables are sorted (``_sorted``)


def _scan_named(wh: Warehouse, layer: str, name: str, table: Table) -> pl.DataFrame:
    renamed = Table(name, table.description, table.fields, table.primary_key)
    return _scan_layer(wh, layer, renamed)


def read_inputs(wh: Warehouse) -> MartInputs:
    """Everything the marts are built from, read from the warehouse's Parquet files."""

    def ref(table: Table) -> pl.DataFrame:
        return pl.read_parquet(wh.parquet_path("reference", table.name))

    def entity(table: Table) -> pl.DataFrame:
        path = wh.parquet_path(ENTITY_SCHEMA, table.name)
        return pl.read_parquet(path) if path.is_file() else pl.DataFrame(schema=table.polars_schema)

    raw, staged, quarantine = {}, {}, {}
    decisions = published_decisions(wh)  # (read once, not per registry)
    for registry in REGISTRY_KINDS:
        raw[registry] = _scan_layer(wh, "raw", raw_table(registry), [*RAW_COLUMNS, "read_problem"])
        # the wards the entities were built with: split units placed from evidence, officials' placements
        staged[registry] = apply_overlays(
            wh, registry, _scan_layer(wh, "staged", staged_table(registry), list(STAGED_COLUMNS)), decisions
        )
        quarantine[registry] = _scan_named(wh, "quarantine", f"quarantine_{registry}", QUARANTINE)
    return MartInputs(
        units_2025=ref(UNITS_2025),
        units_pre2025=ref(UNITS_PRE2025),
        crosswalk=ref(CROSSWALK),
        raw=raw,
        staged=staged,
        quarantine=quarantine,
        entities={k: entity(entities_table(k)) for k in ENTITY_KINDS},
        lineage={k: entity(lineage_table(k)) for k in ENTITY_KINDS},
        review={k: entity(review_table(k)) for k in ENTITY_KINDS},
        links=entity(REGISTRY_LINKS),
    )


# --------------------------------------------------------------------------- row accounting


def _strictly_increasing(keys: pl.Series) -> bool:
    """True when ``keys`` (no null) increase strictly: sorted and unique, told by one comparison with the previous
    row (the entity stage writes each lineage table sorted by record key)."""
    return keys.len() < 2 or bool((keys.slice(1) > keys.slice(0, keys.len() - 1)).all())


def quarantined_rows(raw: pl.DataFrame, staged: pl.DataFrame, quarantine: pl.DataFrame) -> pl.Series | None:
    """Per raw row, whether its record key is quarantined, when the staged rows are exactly the raw rows that are
    not, in the raw rows' order (as ingest writes them): a staged row is then found by position, with no join on
    record keys. None when they are not (or a record key is null): the callers then join on the keys."""
    keys = raw["record_key"]
    if keys.null_count() or staged["record_key"].null_count() or quarantine["record_key"].null_count():
        return None
    if quarantine.height:
        quarantined = keys.is_in(quarantine["record_key"].implode())
        rest = keys.filter(~quarantined)
    else:
        quarantined, rest = pl.repeat(False, keys.len(), eager=True), keys
    if rest.len() != staged.height or not (rest == staged["record_key"]).all():
        return None
    return quarantined.rename("quarantined")


def _lineage_outline_holds(
    raw: pl.DataFrame,
    staged: pl.DataFrame,
    quarantine: pl.DataFrame,
    lineage: pl.DataFrame,
    quarantined: pl.Series | None,
) -> bool:
    """The cheap half of ``_accounted_for`` (no hashing of the staged keys): the staged rows are the raw rows not
    ``quarantined``, in order; the quarantined keys are distinct and each on one raw row; the lineage has as many
    rows as the staged rows, an entity on each and keys that increase strictly (distinct)."""
    if quarantined is None or lineage.height != staged.height:
        return False
    keys = lineage["record_key"]
    if keys.null_count() or lineage["entity_id"].null_count() or not _strictly_increasing(keys):
        return False
    q = quarantine.height
    if int(quarantined.sum()) != q or quarantine["record_key"].n_unique() != q:
        return False
    return not q or raw["record_key"].filter(quarantined).n_unique() == q


def _accounted_for(raw: pl.DataFrame, staged: pl.DataFrame, quarantine: pl.DataFrame, lineage: pl.DataFrame) -> bool:
    """True only when ``accounting_problems`` finds nothing, told without its group-by over every key: the staged rows
    are the raw rows that are not quarantined, in order (``quarantined_rows``); the quarantined keys are distinct and
    each on one raw row; the lineage's keys increase strictly (distinct), have an entity each and are the staged
    keys, each once. Then every raw row is staged or quarantined, once, and every staged row merged. False says
    nothing: ``accounting_problems`` then counts and names the problems."""
    if not _lineage_outline_holds(raw, staged, quarantine, lineage, quarantined_rows(raw, staged, quarantine)):
        return False
    # the staged keys are in the lineage and distinct: as many as the lineage's distinct keys, so they are them
    staged_keys = staged["record_key"]
    return bool(staged_keys.is_in(lineage["record_key"].implode()).all()) and staged_keys.n_unique() == staged.height


def accounting_problems(
    registry: str, raw: pl.DataFrame, staged: pl.DataFrame, quarantine: pl.DataFrame, lineage: pl.DataFrame
) -> list[str]:
    """Every raw row is exactly one of: merged into an entity (staged, in the lineage), quarantined, under review.

    Under review rows are staged rows without a ward; they are in the lineage too, so the three
    states are told apart by staged/quarantined and the ward. Returns the violations (record keys
    only, never values).
    """
    if _accounted_for(raw, staged, quarantine, lineage):
        return []  # proven without counting every key (1M people: ~1.5 of 2 CPU s saved)
    # one group-by over every key of the four tables (instead of a join per condition): per record key,
    # how often it is in each table; every condition below reads these counts
    sources = (("raw", raw), ("staged", staged), ("quarantine", quarantine), ("lineage", lineage))
    tagged = pl.concat(
        [
            frame.select(
                "record_key",
                source=pl.lit(name),
                merged=pl.col("entity_id").is_not_null() if name == "lineage" else pl.lit(False),
            )
            for name, frame in sources
        ]
    )
    counts = tagged.group_by("record_key").agg(
        *((pl.col("source") == name).sum().alias(name) for name, _ in sources),
        merged=pl.col("merged").sum(),
    )
    problems = []

    def report(what: str, condition: pl.Expr) -> None:
        found = counts.filter(condition)["record_key"]
        if found.len():
            problems.append(f"{registry}: {found.len()} {what}, e.g. {found.sort().head(3).to_list()}")

    raw_n, staged_n, quarantine_n = pl.col("raw"), pl.col("staged"), pl.col("quarantine")
    for name, _ in sources:
        report(f"{name} rows appear more than once", pl.col(name) > 1)
    report("raw rows neither staged nor quarantined (lost)", (raw_n > 0) & (staged_n == 0) & (quarantine_n == 0))
    report("rows both staged and quarantined", (staged_n > 0) & (quarantine_n > 0))
    report("staged rows not in the raw table", (staged_n > 0) & (raw_n == 0))
    report("quarantined rows not in the raw table", (quarantine_n > 0) & (raw_n == 0))
    report(
        "staged rows not merged into any entity (missing from the lineage)", (staged_n > 0) & (pl.col("merged") == 0)
    )
    report("lineage rows that are not staged", (pl.col("lineage") > 0) & (staged_n == 0))
    return problems


# --------------------------------------------------------------------------- record flow


def quarantine_wards(quarantine: pl.DataFrame, registry: str) -> pl.DataFrame:
    """Old unit and ward of ``registry``'s quarantined rows, from the raw address each holds (its ``raw_values``: the
    raw row as staging read it) read as staging reads it, as of the registration date staging read
    (quarantine.registered_on: in the source's day/month order, none when unreadable or in tax): the address text and
    its parts repaired (stage.repair_text_fields), one text of them (stage.address_text: a source mapping both a text
    and parts has the parts the text does not name appended) and resolved as of that date
    (stage.with_resolved_addresses): a 2025 name without district is read in the form of the date. The raw layer is
    not read: the quarantine rows hold all it would give."""
    schema = {"record_key": pl.String, "old_uid": pl.String, "new_uid": pl.String, "candidates": pl.List(pl.String)}
    if quarantine.height == 0:
        return pl.DataFrame(schema=schema)
    written = pl.col("raw_values")
    rows = quarantine.unique("record_key", keep="first", maintain_order=True).select(
        "record_key",
        "registered_on",
        *(written.str.json_path_match(f"$.{field}").alias(field) for field in ("address", *ADDRESS_PARTS)),
    )
    repaired, _ = repair_text_fields(rows, registry)
    resolved = with_resolved_addresses(address_text(repaired))
    return resolved.select("record_key", "old_uid", "new_uid", candidates="ward_candidates").cast(schema)


def record_flow(inputs: MartInputs) -> pl.DataFrame:
    """RECORD_FLOW: every raw row once, in the raw rows' order, its state, entity and ward (state null for a lost
    row)."""
    return flow_and_accounting(inputs, account=False)[0]


def flow_and_accounting(inputs: MartInputs, *, account: bool = True) -> tuple[pl.DataFrame, list[str]]:
    """``record_flow`` and, with ``account``, ``input_accounting_problems`` (the same list), in one pass: where the
    staged rows are the raw rows in order, the record flow's join of the lineage shows that every staged row has
    its own lineage row (``_accounted_for`` without hashing the staged keys again); elsewhere
    ``accounting_problems`` counts every key."""
    frames, problems = [], []
    for registry in REGISTRY_KINDS:
        kind = KIND_OF_REGISTRY[registry]
        raw, staged, quarantine = inputs.raw[registry], inputs.staged[registry], inputs.quarantine[registry]
        lineage = inputs.lineage[kind].select("record_key", "entity_id")
        distinct = not lineage["record_key"].null_count() and _strictly_increasing(lineage["record_key"])
        if not distinct:
            lineage = lineage.unique("record_key", keep="first")  # else distinct already (sorted by the entity stage)
        elif account:
            lineage = lineage.with_row_index("_lineage_row")
        placed = staged.select(
            "record_key",
            "old_uid",
            "new_uid",
            "ward_status",
            pl.col("ward_candidates").alias("candidates"),
            pl.lit(True).alias("_staged"),
        )
        q = quarantine_wards(quarantine, registry).with_columns(
            _quarantined=pl.lit(True), ward_status=pl.lit(None, pl.String)
        )
        flow = raw.select(RAW_COLUMNS)
        quarantined = quarantined_rows(raw, staged, quarantine)
        if quarantined is None:
            flow = flow.join(placed, on="record_key", how="left", maintain_order="left")
        else:
            # the staged rows are the raw rows not quarantined, in order: each raw row's staged row by position
            # (null for a quarantined row), without hashing 1.7M keys. The same rows as the join on record_key only
            # while the raw keys are distinct: a key on two raw rows would be joined to both staged copies (4 rows),
            # here each raw row keeps its own (2 rows); the accounting then reports the repeated key either way
            placed = placed.drop("record_key")
            if quarantined.any():
                position = pl.when(~quarantined).then((~quarantined).cum_sum() - 1)
                placed = placed.select(pl.all().gather(position))
            flow = flow.hstack(placed)
        if q.height:
            flow = flow.join(q, on="record_key", how="left", suffix="_q", maintain_order="left")
        else:  # nothing quarantined: the join's columns, all null
            flow = flow.with_columns(
                pl.lit(None, dtype).alias(name if name == "_quarantined" else f"{name}_q")
                for name, dtype in q.schema.items()
                if name != "record_key"
            )
        flow = flow.join(lineage, on="record_key", how="left", maintain_order="left").with_columns(
            old_uid=pl.coalesce("old_uid", "old_uid_q"),
            new_uid=pl.coalesce("new_uid", "new_uid_q"),
            candidates=pl.coalesce("candidates", "candidates_q"),
            state=pl.when(pl.col("_quarantined"))
            .then(pl.lit("quarantined"))
            .when(pl.col("_staged") & pl.col("entity_id").is_not_null() & pl.col("new_uid").is_not_null())
            .then(pl.lit("merged"))
            .when(pl.col("_staged") & pl.col("entity_id").is_not_null())
            .then(pl.lit("under_review")),
            registry=pl.lit(registry),
            entity_kind=pl.lit(kind),
            entity_id=pl.when(pl.col("_quarantined")).then(None).otherwise(pl.col("entity_id")),
        )
        if account:
            # every staged row (by position: not quarantined) found a lineage row, and each a different one
            proven = (
                distinct
                and _lineage_outline_holds(raw, staged, quarantine, inputs.lineage[kind], quarantined)
                and (rows := flow["_lineage_row"].filter(~quarantined)).null_count() == 0
                and rows.n_unique() == staged.height
            )
            if not proven:
                problems += accounting_problems(registry, raw, staged, quarantine, inputs.lineage[kind])
        frames.append(flow.select(*RECORD_FLOW.columns, "ward_status"))
    # in the raw rows' order (registry by registry, partitions in path order): deterministic, and every use is a
    # group-by or the restricted copy, whose readers do not rely on row order (sorting 1.7M rows cost CPU)
    return pl.concat(frames), problems


# --------------------------------------------------------------------------- allocation


def allocation_shares(crosswalk: pl.DataFrame) -> pl.DataFrame:
    """(old_uid, new_uid, allocation_share): part area over the old unit's parts' areas; equal when unknown."""
    return crosswalk.with_columns(
        allocation_share=pl.when(
            (pl.col("part_area_km2").null_count().over("old_uid") == 0)
            & (pl.col("part_area_km2").sum().over("old_uid") > 0)
        )
        .then(pl.col("part_area_km2") / pl.col("part_area_km2").sum().over("old_uid"))
        .otherwise(1.0 / pl.len().over("old_uid"))
    )


def _largest_remainder(pending: pl.DataFrame, shares: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """(*group, new_uid, n, allocated): each ``group``'s n split over its old unit's parts by largest remainder."""
    parts = pending.join(shares.select("old_uid", "new_uid", "allocation_share"), on="old_uid", how="inner")
    parts = parts.with_columns(quota=pl.col("n") * pl.col("allocation_share")).with_columns(
        base=pl.col("quota").floor().cast(pl.Int64)
    )
    return (
        parts.with_columns(frac=pl.col("quota") - pl.col("base"), left=pl.col("n") - pl.col("base").sum().over(group))
        .sort([*group, "frac", "new_uid"], descending=[False] * len(group) + [True, False])
        .with_columns(rank=pl.int_range(pl.len()).over(group))
        .with_columns(allocated=pl.col("base") + (pl.col("rank") < pl.col("left")).cast(pl.Int64))
        .select(*group, "new_uid", "n", "allocated")
    )


def _spread_over_dims(pending: pl.DataFrame, wards: pl.DataFrame, dims: list[str]) -> pl.DataFrame:
    """(old_uid, new_uid, *dims, allocated): each part's allocation of its old unit (``wards``: old_uid, new_uid,
    allocated) spread over the old unit's cells (``pending``: old_uid, *dims, n), keeping both margins exactly.

    The parts' slots are interleaved in Sainte-Laguë order (slot k of a part with a slots at (k + 0.5) / a; ties by
    new_uid), so every run of consecutive slots is shared out in proportion to the allocations; the cells take
    consecutive runs of that sequence (cells in dims order). A part gets exactly its allocation, a cell exactly
    its count, and a (part, cell) stays close to its proportional quota (no part takes every remainder)."""
    slots = (
        wards.filter(pl.col("allocated") > 0)
        .with_columns(k=pl.int_ranges(pl.col("allocated")))
        .explode("k")
        .with_columns(priority=(pl.col("k") + 0.5) / pl.col("allocated"))
        .sort("old_uid", "priority", "new_uid")
        .select("old_uid", "new_uid", position=pl.int_range(pl.len()).over("old_uid"))
    )
    units = (
        pending.filter(pl.col("n") > 0)
        .sort("old_uid", *dims)
        .with_columns(k=pl.int_ranges(pl.col("n")))
        .explode("k")
        .select("old_uid", *dims, position=pl.int_range(pl.len()).over("old_uid"))
    )
    return (
        units.join(slots, on=["old_uid", "position"], how="inner")
        .group_by("old_uid", "new_uid", *dims)
        .agg(allocated=pl.len().cast(pl.Int64))
    )


def allocate(pending: pl.DataFrame, shares: pl.DataFrame, dims: list[str]) -> pl.DataFrame:
    """Allocate pending counts (old_uid, *dims, n) to the old units' parts by largest remainder.

    Returns (new_uid, *dims, pending_split, allocated): pending_split is the whole pending count
    of every old unit the ward is a candidate of; allocated its rounded share. Each old unit's
    pending total is split over its parts by largest remainder (the ward_summary figure); with
    ``dims``, each part's allocation is then spread over the old unit's cells (``_spread_over_dims``):
    for each (old_uid, *dims) the allocations add up to n, and for each (old_uid, new_uid) to the
    part's allocation without dims, so a ward's detail rows add up to its ward_summary estimate.
    """
    if not dims:
        parts = _largest_remainder(pending, shares, ["old_uid"])
    else:
        totals = pending.group_by("old_uid").agg(pl.col("n").sum())
        wards = _largest_remainder(totals, shares, ["old_uid"])
        spread = _spread_over_dims(pending, wards, dims)
        candidates = pending.join(shares.select("old_uid", "new_uid"), on="old_uid", how="inner")
        parts = candidates.join(spread, on=["old_uid", "new_uid", *dims], how="left").with_columns(
            pl.col("allocated").fill_null(0)
        )
    return parts.group_by(["new_uid", *dims]).agg(
        pending_split=pl.col("n").sum().cast(pl.Int64), allocated=pl.col("allocated").sum().cast(pl.Int64)
    )


def counts_by_ward(items: pl.DataFrame, shares: pl.DataFrame, dims: list[str], measure: str) -> pl.DataFrame:
    """Placed, pending and estimated counts per (new_uid, *dims) of items with placement/new_uid/pending_old_uid."""
    placed = (
        items.filter(pl.col("placement") == "placed")
        .group_by(["new_uid", *dims])
        .agg(pl.len().cast(pl.Int64).alias(measure))
    )
    pending = (
        items.filter(pl.col("placement") == "pending_split")
        .group_by([pl.col("pending_old_uid").alias("old_uid"), *dims])
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )
    allocated = allocate(pending, shares, dims)
    keys = ["new_uid", *dims]
    out = placed.join(allocated, on=keys, how="full", coalesce=True).with_columns(
        pl.col(measure, "pending_split", "allocated").fill_null(0)
    )
    return out.select(
        *keys,
        measure,
        pl.col("pending_split").alias(f"{measure}_pending_split"),
        (pl.col(measure) + pl.col("allocated")).alias(f"{measure}_estimated"),
    )


# --------------------------------------------------------------------------- entities


def _source_records(golden: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """entity_id, record_count, earlier_versions, records_not_in_newest, new_uid: record_count counts source records,
    not the earlier versions of one that a source sent again in a newer extract (lineage evidence
    ``SAME_SOURCE_RECORD``, counted in earlier_versions), so the report's duplicates merged (records - entities) are
    duplicates, not re-sent extracts; records_not_in_newest: of those, the ones missing from their source's newest
    extract (lineage in_newest_extract false)."""
    out = golden.select("entity_id", "record_count", "new_uid")
    zero = pl.lit(0, pl.UInt32)
    if "link_evidence" not in lineage.columns:  # (a lineage outline: record_key, entity_id)
        return out.with_columns(zero.alias("earlier_versions"), zero.alias("records_not_in_newest"))
    earlier = pl.col("link_evidence").fill_null("") == SAME_SOURCE_RECORD
    gone = (
        ~pl.col("in_newest_extract").fill_null(True) & ~earlier
        if "in_newest_extract" in lineage.columns
        else pl.lit(False)
    )
    counted = lineage.select("entity_id", earlier.alias("_earlier"), gone.alias("_gone")).filter(
        pl.col("_earlier") | pl.col("_gone")
    )  # (one extract a source, none gone: nothing to count)
    per_entity = counted.group_by("entity_id").agg(
        pl.col("_earlier").sum().cast(pl.UInt32).alias("earlier_versions"),
        pl.col("_gone").sum().cast(pl.UInt32).alias("records_not_in_newest"),
    )
    return (
        out.join(per_entity, on="entity_id", how="left", maintain_order="left")
        .with_columns(pl.col("earlier_versions", "records_not_in_newest").fill_null(0))
        .with_columns((pl.col("record_count") - pl.col("earlier_versions")).alias("record_count"))
    )


def _placement(golden: pl.DataFrame, lineage: pl.DataFrame, staged: pl.DataFrame, wards: pl.Series) -> pl.DataFrame:
    """entity_id, record_count, earlier_versions, records_not_in_newest, placement, new_uid, pending_old_uid,
    new_ward_code."""
    pending = (
        lineage.select("record_key", "entity_id")
        .join(staged.filter(pl.col("ward_status") == "split_review").select("record_key", "old_uid"), on="record_key")
        .group_by("entity_id")
        .agg(pending_old_uid=pl.col("old_uid").min())
    )
    placed = pl.col("new_uid").is_in(wards.implode())
    return (
        _source_records(golden, lineage)
        .join(pending, on="entity_id", how="left", maintain_order="left")  # the golden records' order
        .with_columns(
            new_uid=pl.when(placed).then("new_uid"),
            placement=pl.when(placed)
            .then(pl.lit("placed"))
            .when(pl.col("pending_old_uid").is_not_null())
            .then(pl.lit("pending_split"))
            .otherwise(pl.lit("unplaced")),
        )
        .with_columns(
            pending_old_uid=pl.when(pl.col("placement") == "pending_split").then("pending_old_uid"),
            **{WARD_PARTITION: pl.coalesce(pl.col("new_uid").str.strip_prefix("2025:"), pl.lit(NO_WARD))},
        )
    )


def age_band(date_of_birth: pl.Expr, reference_date: dt.date) -> pl.Expr:
    """'00-04' ... '85-89', '90+' at ``reference_date``; 'unknown' without a date or born after it."""
    ref = pl.lit(reference_date)
    before_birthday = (ref.dt.month() < date_of_birth.dt.month()) | (
        (ref.dt.month() == date_of_birth.dt.month()) & (ref.dt.day() < date_of_birth.dt.day())
    )
    age = ref.dt.year().cast(pl.Int32) - date_of_birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    low = (age // 5) * 5
    band = pl.format("{}-{}", low.cast(pl.String).str.zfill(2), (low + 4).cast(pl.String).str.zfill(2))
    return (
        pl.when(date_of_birth.is_null() | (age < 0))
        .then(pl.lit("unknown"))
        .when(age >= 90)
        .then(pl.lit("90+"))
        .otherwise(band)
    )


def size_band(members: pl.Expr) -> pl.Expr:
    return (
        pl.when(members.is_null() | (members < 1))
        .then(pl.lit("unknown"))
        .when(members >= 10)
        .then(pl.lit("10+"))
        .otherwise(members.cast(pl.String))
    )


def read_vsic_sections() -> pl.DataFrame:
    sections = pl.read_csv(VSIC_SECTIONS_CSV, infer_schema=False)
    unknown = pl.DataFrame(
        {"vsic_section": ["unknown"], "title": ["Missing or unmapped VSIC code"], "source": ["wardbridge"]}
    )
    return pl.concat([sections, unknown], how="diagonal")


def vsic_section(vsic: pl.Expr, sections: pl.DataFrame) -> pl.Expr:
    """Section letter of a VSIC code by its first two digits (mappings/vsic_sections.csv); 'unknown' otherwise."""
    division = vsic.str.strip_chars().str.slice(0, 2)
    valid = division.str.contains(r"^\d{2}$")
    expr = pl.lit("unknown")
    for letter, lo, hi in (
        sections.drop_nulls("division_from").select("vsic_section", "division_from", "division_to").iter_rows()
    ):
        expr = pl.when(valid & (division >= lo) & (division <= hi)).then(pl.lit(letter)).otherwise(expr)
    return expr


def _first_link(links: pl.DataFrame, link_types: tuple[str, ...], from_kind: str) -> pl.DataFrame:
    """from_entity_id -> the smallest to_entity_id of the given link types (deterministic)."""
    found = links.filter(pl.col("link_type").is_in(link_types) & (pl.col("from_kind") == from_kind)).select(
        "from_entity_id", "to_entity_id"
    )
    if _in_key_order(found, ["from_entity_id", "to_entity_id"]):
        # sorted (the entity stage writes the links in key order): the first row of each from_entity_id is its
        # smallest to_entity_id, found by comparing each row with the previous one instead of a group-by
        return found.filter(pl.col("from_entity_id").ne_missing(pl.col("from_entity_id").shift(1)))
    return found.group_by("from_entity_id").agg(to_entity_id=pl.col("to_entity_id").min())


def _join_entity_columns(placed: pl.DataFrame, columns: pl.DataFrame) -> pl.DataFrame:
    """``placed.join(columns, on="entity_id")`` (inner). Both are rows of the same golden records; when they hold the
    same ids in the same order, increasing strictly (distinct: the entity stage writes them sorted), the columns
    are set beside the rows instead of hashing 1M ids (the same rows; their order is not published: every use is a
    group-by, a per-row pseudonym, or a table sorted by its key)."""
    ids = placed["entity_id"]
    if (
        ids.len() == columns.height
        and not ids.null_count()
        and _strictly_increasing(ids)
        and bool((ids == columns["entity_id"]).all())
    ):
        return placed.hstack(columns.drop("entity_id"))
    return placed.join(columns, on="entity_id")


def _pseudo(frame: pl.DataFrame, column: str, kind: str, key: bytes, alias: str) -> pl.DataFrame:
    return frame.with_columns(pseudonymise(frame[column], kind, key).alias(alias))


def _pseudo_ref(
    frame: pl.DataFrame, column: str, kind: str, key: bytes, alias: str, known: pl.DataFrame | None
) -> pl.DataFrame:
    """Pseudonyms of a reference column, looked up in ``known`` (entity_id -> pseudo_key of ``kind``,
    already computed) by a join; only ids missing there are hashed. Same values as :func:`_pseudo`."""
    if known is None:
        return _pseudo(frame, column, kind, key, alias)
    lookup = known.select(pl.col("entity_id").alias(column), pl.col("pseudo_key").alias(alias))
    out = frame.join(lookup, on=column, how="left", maintain_order="left")
    missing = out.filter(pl.col(column).is_not_null() & pl.col(alias).is_null())[column].unique()
    if missing.len():
        extra = pl.DataFrame({column: missing, "__p": pseudonymise(missing, kind, key)})
        out = (
            out.join(extra, on=column, how="left", maintain_order="left")
            .with_columns(pl.coalesce(alias, "__p").alias(alias))
            .drop("__p")
        )
    return out


# --------------------------------------------------------------------------- marts


@dataclass
class Marts:
    analytics: dict[str, tuple[Table, pl.DataFrame]]
    restricted: dict[str, tuple[Table, pl.DataFrame]]
    reference_date: dt.date | None
    problems: list[str] = field(default_factory=list)  # row accounting violations

    def analytics_frame(self, name: str) -> pl.DataFrame:
        return self.analytics[name][1]


def _dimensions(inputs: MartInputs) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    wards = inputs.units_2025.filter(pl.col("province_code") == HCMC_NEW_PROVINCE)
    crosswalk = allocation_shares(inputs.crosswalk.filter(pl.col("new_uid").is_in(wards["unit_uid"].implode())))
    old = inputs.units_pre2025.filter(pl.col("unit_uid").is_in(crosswalk["old_uid"].implode()))
    return wards, old, crosswalk


def input_accounting_problems(inputs: MartInputs) -> list[str]:
    """Every registry's raw rows accounted for: published, merged into an entity, quarantined or under review."""
    return [
        p
        for registry in REGISTRY_KINDS
        for p in accounting_problems(
            registry,
            inputs.raw[registry],
            inputs.staged[registry],
            inputs.quarantine[registry],
            inputs.lineage[KIND_OF_REGISTRY[registry]],
        )
    ]


def build_marts(inputs: MartInputs, key: bytes, *, ready: Callable[[Table, pl.DataFrame], None] | None = None) -> Marts:
    """Every analytics and restricted table, from the warehouse's inputs.

    ``ready(table, frame)`` (e.g. ``MartsPublication.add_restricted``) is called with each restricted table as
    soon as it is final, in the order of ``Marts.restricted``: the copies of the entity stage's tables before
    anything is built, the record flow once computed, the pseudonym map last. Its writing then overlaps the
    building of the rest."""
    restricted: dict[str, tuple[Table, pl.DataFrame]] = {}

    def final(table: Table, frame: pl.DataFrame) -> None:
        restricted[table.name] = (table, frame)
        if ready is not None:
            ready(table, frame)

    _entity_stage_copies(inputs, final)
    wards, old_units, crosswalk = _dimensions(inputs)
    shares = crosswalk.select("old_uid", "new_uid", "allocation_share")
    sections = read_vsic_sections()
    flow, problems = flow_and_accounting(inputs)  # the row accounting (input_accounting_problems) with the flow
    # lost rows (no state) are reported by the row accounting and left out; none lost: no copy of 1.7M rows
    stated = flow if flow["state"].null_count() == 0 else flow.filter(pl.col("state").is_not_null())
    final(RECORD_FLOW, RECORD_FLOW.cast(stated))
    reference_date = reference_date_of(inputs)

    placement = {
        kind: _placement(inputs.entities[kind], inputs.lineage[kind], inputs.staged[registry], wards["unit_uid"])
        for kind, registry in ENTITY_KINDS.items()
    }
    people = _people_rows(inputs, placement["people"], reference_date)
    households = _household_rows(inputs, placement["households"])
    businesses = _business_rows(inputs, placement["businesses"], sections)
    taxpayers = _taxpayer_rows(inputs, placement["taxpayers"])

    summary = _ward_summary(wards, shares, flow, people, households, businesses, taxpayers)
    reconciliation, flows = _reconciliation(old_units, crosswalk, flow)
    accounting = flow_accounting(flow, reference_date)
    entity_marts, pseudonyms = _pseudonymised_entity_marts(people, households, businesses, taxpayers, key)

    analytics = {
        t.name: (t, f)
        for t, f in (
            (DIM_WARD_2025, wards),
            (DIM_UNIT_PRE2025, old_units),
            (DIM_CROSSWALK, crosswalk),
            (DIM_VSIC_SECTION, sections),
            (WARD_SUMMARY, summary),
            (
                POPULATION_BY_SEX_AGE,
                _with_ward_partition(counts_by_ward(people, shares, ["sex", "age_band"], "people")),
            ),
            (
                HOUSEHOLD_SIZE,
                _with_ward_partition(counts_by_ward(households, shares, ["household_size"], "households")),
            ),
            (
                BUSINESSES_BY_SECTOR,
                _with_ward_partition(
                    counts_by_ward(businesses, shares, ["vsic_section", "business_kind"], "businesses")
                ),
            ),
            (
                TAXPAYERS_BY_KIND,
                _with_ward_partition(counts_by_ward(taxpayers, shares, ["tax_code_kind"], "taxpayers")),
            ),
            (OLD_UNIT_RECONCILIATION, reconciliation),
            (OLD_UNIT_FLOWS, flows),
            (FLOW_ACCOUNTING, accounting),
            (CITY_SUMMARY, city_summary(placement)),
        )
    }
    analytics.update(entity_marts)
    analytics = {name: (t, _sorted(t, f)) for name, (t, f) in analytics.items()}
    frames = {name: f for name, (_, f) in analytics.items()}
    problems += city_total_problems(frames) + detail_ward_problems(frames)

    final(PSEUDONYMS, _sorted(PSEUDONYMS, pl.concat([pseudonyms[k] for k in sorted(ENTITY_KINDS)])))
    return Marts(analytics, restricted, reference_date, problems)


def _entity_stage_copies(inputs: MartInputs, final: Callable[[Table, pl.DataFrame], None]) -> None:
    """The entity stage's tables (entities, lineage, review of each kind; the registry links) handed to ``final``
    as restricted tables, before anything is built."""
    # the copies of the entity stage's tables keep the order it wrote them in (deterministic; a DuckDB table
    # has no row order without ORDER BY): sorting them by key cost CPU (~2.7M wide rows at 1M people)
    for kind in ENTITY_KINDS:
        for table, frame in (
            (entities_table(kind), inputs.entities[kind]),
            (lineage_table(kind), inputs.lineage[kind]),
            (review_table(kind), inputs.review[kind]),
        ):
            final(table, table.cast(frame))
    final(REGISTRY_LINKS, REGISTRY_LINKS.cast(inputs.links))


def _own_household(inputs: MartInputs) -> pl.DataFrame:
    """Person entity_id -> household_id: of the person's member_of links, the household whose book number is the
    person's (golden household_no); without one, the smallest household id. Before, always the smallest: a person
    whose records name two books was keyed to whichever household id sorted first (in the sample, another ward's).
    Only the people with several links are looked up (sorted links: found by comparing neighbours)."""
    first = _first_link(inputs.links, ("member_of",), "people").rename(
        {"from_entity_id": "entity_id", "to_entity_id": "household_id"}
    )
    links = inputs.links.filter((pl.col("link_type") == "member_of") & (pl.col("from_kind") == "people"))
    if links.height == first.height:  # nobody is linked to two households: the only link is the person's own
        return first
    ids = pl.col("from_entity_id")
    several = links.filter(
        ids.eq_missing(ids.shift(1)) | ids.eq_missing(ids.shift(-1))
        if _in_key_order(links, ["from_entity_id", "to_entity_id"])
        else ids.is_duplicated()
    ).select(entity_id="from_entity_id", household_id="to_entity_id")
    people = inputs.entities["people"].select("entity_id", "household_no")
    households = inputs.entities["households"].select(household_id="entity_id", book="household_no")
    own = (
        several.join(people.filter(pl.col("entity_id").is_in(several["entity_id"].unique().implode())), on="entity_id")
        .join(
            households.filter(pl.col("household_id").is_in(several["household_id"].unique().implode())),
            on="household_id",
        )
        .filter(pl.col("household_no") == pl.col("book"))
        .group_by("entity_id")
        .agg(pl.col("household_id").min())
    )
    if own.is_empty():
        return first
    return first.with_columns(  # a lookup of the few, not a join of every person
        household_id=pl.col("entity_id").replace_strict(
            own["entity_id"], own["household_id"], default=pl.col("household_id")
        )
    )


def _people_rows(inputs: MartInputs, placed: pl.DataFrame, reference_date: dt.date | None) -> pl.DataFrame:
    """Placed people with sex, age band (on the reference date, else today) and household_id (``_own_household``)."""
    people = _join_entity_columns(
        placed,
        inputs.entities["people"].select(
            "entity_id",
            sex=pl.col("sex").fill_null("unknown"),
            age_band=age_band(pl.col("date_of_birth"), reference_date or dt.date.today()),
        ),
    )
    return people.join(_own_household(inputs), on="entity_id", how="left")


def _household_rows(inputs: MartInputs, placed: pl.DataFrame) -> pl.DataFrame:
    """Placed households with their size band and how many people are linked to them (member_of)."""
    linked = (
        inputs.links.filter(pl.col("link_type") == "member_of")
        .group_by("to_entity_id")
        .agg(linked_people=pl.col("from_entity_id").n_unique().cast(pl.UInt32))
        .rename({"to_entity_id": "entity_id"})
    )
    return (
        _join_entity_columns(
            placed,
            inputs.entities["households"].select("entity_id", household_size=size_band(pl.col("members"))),
        )
        .join(linked, on="entity_id", how="left")
        .with_columns(pl.col("linked_people").fill_null(0))
    )


def _business_rows(inputs: MartInputs, placed: pl.DataFrame, sections: pl.DataFrame) -> pl.DataFrame:
    """Placed businesses with VSIC code and section, status, kind and parent_id (their first branch_of link)."""
    return placed.join(
        inputs.entities["businesses"].select(
            "entity_id",
            "vsic",
            "status",
            vsic_section=vsic_section(pl.col("vsic"), sections),
            business_kind=pl.col("business_kind").fill_null("unknown"),
        ),
        on="entity_id",
    ).join(
        _first_link(inputs.links, ("branch_of",), "businesses").rename(
            {"from_entity_id": "entity_id", "to_entity_id": "parent_id"}
        ),
        on="entity_id",
        how="left",
    )


def _taxpayer_rows(inputs: MartInputs, placed: pl.DataFrame) -> pl.DataFrame:
    """Placed taxpayers with their tax code kind and business_id (their first taxpayer_of / tax_of_parent link)."""
    return placed.join(
        inputs.entities["taxpayers"].select("entity_id", tax_code_kind=pl.col("tax_code_kind").fill_null("unknown")),
        on="entity_id",
    ).join(
        _first_link(inputs.links, ("taxpayer_of", "tax_of_parent"), "taxpayers").rename(
            {"from_entity_id": "entity_id", "to_entity_id": "business_id"}
        ),
        on="entity_id",
        how="left",
    )


def _with_ward_partition(counts: pl.DataFrame) -> pl.DataFrame:
    """Counts per 2025 ward with the ward's partition column (its 5-digit code)."""
    return counts.with_columns(**{WARD_PARTITION: pl.col("new_uid").str.strip_prefix("2025:")})


def _pseudonymised_entity_marts(
    people: pl.DataFrame, households: pl.DataFrame, businesses: pl.DataFrame, taxpayers: pl.DataFrame, key: bytes
) -> tuple[dict[str, tuple[Table, pl.DataFrame]], dict[str, pl.DataFrame]]:
    """(the four entity marts with pseudonymised keys and references, by table name in MART_PEOPLE, MART_HOUSEHOLDS,
    MART_BUSINESSES, MART_TAXPAYERS order; each kind's pseudonym map, sorted by entity_id)."""
    pseudonyms: dict[str, pl.DataFrame] = {}
    entity_marts = {}
    # households and businesses first: the references to them (people's household_id, a branch's
    # parent_id, a taxpayer's business_id) are looked up in their pseudonym map instead of hashed again
    for kind, frame, table, key_col, refs in (
        ("households", households, MART_HOUSEHOLDS, "household_key", {}),
        (
            "businesses",
            businesses,
            MART_BUSINESSES,
            "business_key",
            {"parent_id": ("businesses", "parent_business_key")},
        ),
        ("people", people, MART_PEOPLE, "person_key", {"household_id": ("households", "household_key")}),
        ("taxpayers", taxpayers, MART_TAXPAYERS, "taxpayer_key", {"business_id": ("businesses", "business_key")}),
    ):
        frame = _pseudo(frame, "entity_id", kind, key, key_col)
        # each kind's map sorted by its one id column: concatenated in kind order they are in PSEUDONYMS' key
        # order (entity_kind, entity_id), so ``_sorted`` needs no two-column sort of every kind's rows
        mapping = frame.select(pl.lit(kind).alias("entity_kind"), "entity_id", pl.col(key_col).alias("pseudo_key"))
        pseudonyms[kind] = mapping if _in_key_order(mapping, ["entity_id"]) else mapping.sort("entity_id")
        for column, (ref_kind, alias) in refs.items():
            frame = _pseudo_ref(frame, column, ref_kind, key, alias, pseudonyms.get(ref_kind))
        entity_marts[table.name] = (table, frame)
    entity_marts = {
        t.name: entity_marts[t.name] for t in (MART_PEOPLE, MART_HOUSEHOLDS, MART_BUSINESSES, MART_TAXPAYERS)
    }
    return entity_marts, pseudonyms


def _sorted(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Declared columns and types, rows sorted by the primary key (deterministic output)."""
    frame = table.cast(frame)
    by = list(table.primary_key or table.columns[:1])
    if _in_key_order(frame, by):
        return frame  # already in key order (e.g. entity tables as the entity stage wrote them): no re-sort
    if (by_number := _sorted_by_hex_prefix(frame, by)) is not None:
        return by_number
    return frame.sort(by, nulls_last=True)


HEX_PREFIX = 15  # hex digits: 60 bits, an Int64


def _sorted_by_hex_prefix(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame | None:
    """Rows sorted by a key of hex digits (a pseudonym) through the number its first ``HEX_PREFIX`` digits make: an
    integer sort instead of a string sort (1M people: ~1 of 1.1 CPU s saved). Kept only when the keys then increase
    strictly (checked row by row, vectorised): distinct keys have one sorted order, so it is the string sort's.
    None otherwise (not hex, shorter, equal prefixes, duplicate keys): the caller sorts the strings."""
    if len(by) != 1 or frame.schema[by[0]] != pl.String or frame.height < 2:
        return None
    keys = frame[by[0]]
    prefix = keys.str.slice(0, HEX_PREFIX)
    if keys.null_count() or (prefix.str.len_bytes() != HEX_PREFIX).any():
        return None
    number = prefix.str.to_integer(base=16, strict=False)
    if number.null_count():
        return None
    out = frame[number.arg_sort()]
    return out if _strictly_increasing(out[by[0]]) else None


def _in_key_order(frame: pl.DataFrame, by: list[str]) -> bool:
    """True when the rows are already sorted by ``by`` (lexicographically, no nulls in the key): one
    vectorised comparison of each row with the previous one instead of a sort."""
    if frame.height < 2:
        return True
    if any(frame[c].null_count() for c in by):
        return False
    if len(by) == 1:
        return frame[by[0]].is_sorted()
    before, equal = pl.lit(False), pl.lit(True)
    for c in by:
        prev = pl.col(c).shift(1)
        before = before | (equal & (pl.col(c) < prev))
        equal = equal & (pl.col(c) == prev)
    return not frame.select(before.slice(1).any()).item()


def _ward_summary(
    wards: pl.DataFrame,
    shares: pl.DataFrame,
    flow: pl.DataFrame,
    people: pl.DataFrame,
    households: pl.DataFrame,
    businesses: pl.DataFrame,
    taxpayers: pl.DataFrame,
) -> pl.DataFrame:
    out = wards.select(new_uid="unit_uid", **{WARD_PARTITION: pl.col("code")}, new_name="name", unit_type="unit_type")
    for measure, items in (
        ("people", people),
        ("households", households),
        ("businesses", businesses),
        ("taxpayers", taxpayers),
    ):
        out = out.join(counts_by_ward(items, shares, [], measure), on="new_uid", how="left")
    # the columns read first: a filter copies every column it keeps (record keys, lists of candidates)
    flow = flow.select("state", "ward_status", "old_uid", "new_uid")
    placed = flow.filter(pl.col("state").is_in(["merged", "quarantined"]) & pl.col("new_uid").is_not_null())
    records = placed.group_by("new_uid").agg(
        merged=(pl.col("state") == "merged").sum().cast(pl.Int64),
        quarantined=(pl.col("state") == "quarantined").sum().cast(pl.Int64),
        records_in_2025_form=pl.col("old_uid").is_null().sum().cast(pl.Int64),
        merged_2025_form=(pl.col("old_uid").is_null() & (pl.col("state") == "merged")).sum().cast(pl.Int64),
    )
    review = flow.filter((pl.col("state") == "under_review") & (pl.col("ward_status") == "split_review")).with_columns(
        placement=pl.lit("pending_split"), pending_old_uid=pl.col("old_uid")
    )
    reviewed = counts_by_ward(review, shares, [], "rows").select(
        "new_uid", under_review="rows_pending_split", under_review_estimated="rows_estimated"
    )
    out = out.join(records, on="new_uid", how="left").join(reviewed, on="new_uid", how="left")
    counts = [c for c in WARD_SUMMARY.columns if WARD_SUMMARY.polars_schema[c] == pl.Int64 and c != "records_in"]
    return out.with_columns(pl.col(counts).fill_null(0)).with_columns(
        records_in=pl.col("merged") + pl.col("quarantined")
    )


def _reconciliation(
    old_units: pl.DataFrame, crosswalk: pl.DataFrame, flow: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    known = flow.select("state", "old_uid", "new_uid").filter(
        pl.col("old_uid").is_not_null() & pl.col("state").is_not_null()
    )
    per_unit = known.group_by("old_uid").agg(
        records_in=pl.len().cast(pl.Int64),
        merged=(pl.col("state") == "merged").sum().cast(pl.Int64),
        quarantined=(pl.col("state") == "quarantined").sum().cast(pl.Int64),
        under_review=(pl.col("state") == "under_review").sum().cast(pl.Int64),
        records_out=pl.col("new_uid").is_not_null().sum().cast(pl.Int64),
    )
    split = crosswalk.group_by("old_uid").agg(is_split=pl.col("is_split").any())
    reconciliation = (
        old_units.select(
            old_uid="unit_uid", old_name="name", old_district="district_name", old_province="province_name"
        )
        .join(split, on="old_uid", how="left")
        .join(per_unit, on="old_uid", how="left")
        .with_columns(pl.col("records_in", "merged", "quarantined", "under_review", "records_out").fill_null(0))
        .with_columns(still_unplaced=pl.col("records_in") - pl.col("records_out"))
    )
    flows = (
        known.filter(pl.col("new_uid").is_not_null())
        .group_by("old_uid", "new_uid")
        .agg(
            records_out=pl.len().cast(pl.Int64),
            merged=(pl.col("state") == "merged").sum().cast(pl.Int64),
            quarantined=(pl.col("state") == "quarantined").sum().cast(pl.Int64),
        )
    )
    return reconciliation, flows


def reference_date_of(inputs: MartInputs) -> dt.date | None:
    """The date ages are computed at: the latest extract date of the staged population registry."""
    population = inputs.staged["population"]
    return population["extract_date"].max() if population.height else None


def flow_accounting(flow: pl.DataFrame, reference_date: dt.date | None) -> pl.DataFrame:
    """FLOW_ACCOUNTING from a record flow (registry, state, ward_status, new_uid; state null for a lost row)."""
    counts = flow.group_by("registry").agg(
        raw=pl.len().cast(pl.Int64),
        merged=(pl.col("state") == "merged").sum().cast(pl.Int64),
        quarantined=(pl.col("state") == "quarantined").sum().cast(pl.Int64),
        under_review=(pl.col("state") == "under_review").sum().cast(pl.Int64),
        pending_split=((pl.col("state") == "under_review") & (pl.col("ward_status") == "split_review"))
        .sum()
        .cast(pl.Int64),
        no_ward=(
            pl.col("new_uid").is_null()
            & ~((pl.col("state") == "under_review") & (pl.col("ward_status") == "split_review"))
        )
        .sum()
        .cast(pl.Int64),
    )
    return (
        pl.DataFrame({"registry": list(REGISTRY_KINDS)})
        .join(counts, on="registry", how="left")
        .with_columns(pl.exclude("registry").fill_null(0), reference_date=pl.lit(reference_date, dtype=pl.Date))
    )


def city_summary(placement: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """CITY_SUMMARY: per entity kind, entities placed / pending_split / unplaced (from ``_placement``'s frames)."""
    return pl.DataFrame({"entity_kind": list(ENTITY_KINDS)}).join(
        pl.concat(
            [
                placement[kind].select(
                    entity_kind=pl.lit(kind),
                    entities=pl.len().cast(pl.Int64),
                    placed=(pl.col("placement") == "placed").sum().cast(pl.Int64),
                    pending_split=(pl.col("placement") == "pending_split").sum().cast(pl.Int64),
                    unplaced=(pl.col("placement") == "unplaced").sum().cast(pl.Int64),
                )
                for kind in ENTITY_KINDS
            ]
        ).with_columns(estimated=pl.col("placed") + pl.col("pending_split")),
        on="entity_kind",
        how="left",
    )


def city_total_problems(analytics: dict[str, pl.DataFrame]) -> list[str]:
    """City totals per entity kind equal across the marts: marts.<kind> rows = city_summary.entities =
    estimated + unplaced, and city_summary's placed / pending_split / estimated = the sums of ward_summary's."""
    summary, city = analytics[WARD_SUMMARY.name], analytics[CITY_SUMMARY.name]
    problems = []
    for kind in ENTITY_KINDS:
        row = city.filter(pl.col("entity_kind") == kind)
        if row.height != 1:
            problems.append(f"marts.{CITY_SUMMARY.name}: {row.height} rows for {kind} (expected 1)")
            continue
        entities = analytics[kind]
        checks = {
            "entities": {
                f"marts.{kind} rows": entities.height,
                f"marts.{CITY_SUMMARY.name}.entities": row["entities"][0],
                "estimated + unplaced": row["estimated"][0] + row["unplaced"][0],
            },
            "unplaced": {
                f"marts.{kind} rows placement 'unplaced'": int((entities["placement"] == "unplaced").sum()),
                f"marts.{CITY_SUMMARY.name}.unplaced": row["unplaced"][0],
            },
            **{
                column: {
                    f"marts.{WARD_SUMMARY.name}.{ward_column}": summary[ward_column].sum(),
                    f"marts.{CITY_SUMMARY.name}.{column}": row[column][0],
                }
                for column, ward_column in (
                    ("placed", kind),
                    ("estimated", f"{kind}_estimated"),
                )
            },
        }
        for what, totals in checks.items():
            outcome = totals_equal(f"city_total_{kind}_{what}", totals)
            if not outcome.success:
                problems.append(f"{outcome.name}: {outcome.detail}")
    return problems


DETAIL_MARTS = {
    POPULATION_BY_SEX_AGE.name: "people",
    HOUSEHOLD_SIZE.name: "households",
    BUSINESSES_BY_SECTOR.name: "businesses",
    TAXPAYERS_BY_KIND.name: "taxpayers",
}


def detail_ward_problems(analytics: dict[str, pl.DataFrame]) -> list[str]:
    """Per ward, each detail mart's placed, pending and estimated counts add up to ward_summary's."""
    summary = analytics[WARD_SUMMARY.name]
    problems = []
    for name, kind in DETAIL_MARTS.items():
        for measure in (kind, f"{kind}_pending_split", f"{kind}_estimated"):
            outcome = aggregate_equals(
                f"ward_total_{name}_{measure}", summary, "new_uid", measure, analytics[name], detail_measure=measure
            )
            if not outcome.success:
                wards = ", ".join(str(e["new_uid"]) for e in outcome.examples)
                problems.append(
                    f"{outcome.name}: {outcome.unexpected_count} ward(s) where marts.{name}.{measure} does not add "
                    f"up to marts.{WARD_SUMMARY.name}.{measure}, e.g. {wards}"
                )
    return problems


def publish_from_warehouse(
    wh: Warehouse,
    *,
    validators: Iterable[Validator] = (schema_validator,),
    run_id: str | None = None,
    key: bytes | None = None,
    timed: Callable[..., Any] = lambda _part, step, *args, **kwargs: step(*args, **kwargs),
) -> tuple[Marts, Published]:
    """Read the warehouse, build the marts, validate (row accounting included) and publish them atomically (the
    restricted mart written while the rest is built: :class:`MartsPublication`). ``timed(part, step, *args)``
    runs each part ("read inputs", "build", "publish"); benchmarks pass a clock.

    Raises ``PublishRejected`` (its ``accounting`` holds the row-accounting problems, the rest are the gates')."""
    inputs = timed("read inputs", read_inputs, wh)
    key = pseudonym_key() if key is None else key
    with MartsPublication(wh.root, run_id=run_id) as publication:
        marts = timed("build", build_marts, inputs, key, ready=publication.add_restricted)
        del inputs
        published = timed(
            "publish",
            publication.publish,
            marts.analytics.values(),
            marts.restricted.values(),
            validators=validators,
            extra_problems=marts.problems,
        )
    return marts, published
