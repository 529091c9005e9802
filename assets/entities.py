"""Group "entities": deduplicated people, households, businesses and taxpayers, and the links between them.

Thin: the matching engine (pipelines/match) under the specs in mappings/match/ and the
joins of pipelines/entities/ do the work. Each kind reads the staged partitions of the
catalogue's extracts of its registry and publishes ``entities.<kind>_entities`` (golden records),
``entities.<kind>_lineage`` (record -> entity, with the link's evidence) and
``entities.<kind>_review`` (uncertain pairs); the previous run's lineage is passed to the
engine so entity ids stay stable. ``registry_links`` joins the registries.

A kind is not published over a registry whose ingest is incomplete: when a catalogue
partition of the registry failed or was rejected in its last ingest (pipelines/ingest/status.py),
or has no staged data, ``match_<kind>`` fails naming the partitions and the previously
published tables stay as they were. Run config ``allow_incomplete: true`` for that step builds
from the partitions that are accounted for instead, and says which were left out in the
metadata (``incomplete/*``) and the log.
"""

from typing import NamedTuple

import dagster as dg
import polars as pl
from pydantic import Field

from assets.ingest import listing, retire_left_extracts, unlisted_sources
from assets.metadata import preview_markdown, published_metadata, static_table_metadata
from assets.rerun import check_only, require_whole, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.entities.io import ENTITY_SCHEMA, previous_lineage, read_lineage, read_staged, staged_in_lineage
from pipelines.entities.links import build_links, link_problems
from pipelines.entities.resolve import lineage_problems, resolve_entities
from pipelines.ingest.status import live_partitions, partition_problems
from pipelines.review.io import REVIEW_SCHEMA, official_match_labels, raw_dates_reader, read_optional
from pipelines.schema import (
    ENTITY_KINDS,
    REGISTRY_LINKS,
    REVIEW_MATCH_LABELS,
    entities_table,
    lineage_table,
    review_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer

GROUP = "entities"
JOB = "wardbridge_entities"


def _json(value) -> dg.MetadataValue:  # noqa: ANN001 - any JSON-able value
    return dg.MetadataValue.json(value)


def _jsonable(value):  # noqa: ANN001, ANN202 - nested stats
    return {str(k): _jsonable(v) for k, v in value.items()} if isinstance(value, dict) else value


def _stats_metadata(stats: dict) -> dict:
    """The engine's statistics, as asset metadata: counts, decisions, blocking per rule, EM convergence, timings."""
    scalar = {f"match/{k}": v for k, v in stats.items() if isinstance(v, int | float | bool | str)}
    nested = {f"match/{k}": _json(_jsonable(v)) for k, v in stats.items() if isinstance(v, dict)}
    return {**scalar, **nested}


LEFT_OUT_NAMED = 20  # item ids a warning names of the officials' match decisions the matcher left out


class LabelsLeftOut(NamedTuple):
    """Officials' labels the matcher leaves out: record pairs (rows of review.match_labels) and the decisions (item
    ids, sorted) that labelled them."""

    pairs: int
    items: list[str]


def labels_not_in_run(wh, kind: str, staged: pl.DataFrame) -> LabelsLeftOut:  # noqa: ANN001 - Warehouse
    """The labelled record pairs of the officials' match / no_match decisions on ``kind`` naming a record ``staged``
    does not hold (an older extract, a retired source), and those decisions' item ids: the matcher leaves the pairs
    out (counted in its stats as ``unknown``). One decision of a match_pair item labels each of its pairs."""
    labels = read_optional(wh, REVIEW_SCHEMA, REVIEW_MATCH_LABELS)
    if labels is None or not labels.height:
        return LabelsLeftOut(0, [])
    held = staged["record_key"].unique().implode()
    out = labels.filter(
        (pl.col("entity_kind") == kind) & ~(pl.col("left_id").is_in(held) & pl.col("right_id").is_in(held))
    )
    return LabelsLeftOut(out.height, sorted(out["item_id"].unique()))  # (an item's pairs carry its id: named once)


def _log_labels(log, kind: str, stats: dict, left_out: LabelsLeftOut | None = None) -> None:  # noqa: ANN001 - logger
    """Officials' labels: a warning when some name records this run did not match (how many record pairs, of how
    many decisions, and those decisions' item ids, so an official can be told which wait), and the thresholds they
    argue for."""
    if "labels" not in stats:
        return
    counts, proposal = stats["labels"], stats["thresholds_from_labels"]
    if counts["unknown"]:
        items = left_out.items if left_out is not None and left_out.pairs else []
        pairs = left_out.pairs if items else counts["unknown"]  # the matcher's count when the labels are not read
        named = ", ".join(items[:LEFT_OUT_NAMED]) + (
            f" and {len(items) - LEFT_OUT_NAMED} more" if len(items) > LEFT_OUT_NAMED else ""
        )
        of = f" of {len(items)} official decision(s)" if items else " of officials' decisions"
        log.warning(
            f"{kind}: {pairs} labelled record pair(s){of} (match or no_match) name records not in this run "
            "(an older extract?): they were not applied" + (f" (items {named})" if named else "")
        )
    log.info(
        f"{kind}: {counts['used']} labelled pairs; thresholds the labels argue for: link "
        f"{proposal['link_threshold']:.4f}, review {proposal['review_threshold']:.4f} ("
        + "; ".join(proposal["reasons"])
        + f"). Set them in mappings/match/{kind}.toml to apply them."
    )


class MatchConfig(dg.Config):
    allow_incomplete: bool = Field(
        default=False,
        description="Build from the partitions that are accounted for when some catalogue partitions of the "
        "registry failed, were rejected or are not staged (default: fail and keep the published tables).",
    )


class RegistryIncomplete(Exception):
    """Some catalogue partitions of the registry are not accounted for: nothing was published."""


def accounted_partitions(  # noqa: ANN001
    wh, registry: str, config: MatchConfig, log, run_id: str = ""
) -> tuple[list[str], dict[str, str]]:
    """The catalogue partitions to build from, and those left out (key -> why). Raises unless allowed.

    A registry the catalogue lists with no extract at all (every source's path matches no file) has no ingest run
    (no partition to run it on), so nothing retired its live extracts: they are retired here (``run_id``: this
    run), as its ingest would (docs/ingestion.md), and its entities are built without them. Before, they stayed live
    and every entities run refused the registry ('not retired by an ingest ... does not list it?')."""
    now = listing()  # one listing for the keys and the retirement (a later call may read the catalogue again)
    keys = now.keys(registry)
    if not keys and any(spec.registry == registry for spec in now.sources.values()):
        retire_left_extracts(wh, registry, now, run_id, log)
    staged_name = staged_table(registry).name
    problems = partition_problems(wh, registry, staged_name, keys)
    for source, why in unlisted_sources(registry).items():  # its extracts are unknown today: not complete either
        problems[f"source {source}"] = f"source {source}: its extract dates could not be read: {why}"
    stray = stray_partitions(wh, staged_name, keys)
    if stray:  # e.g. a catalogue that lists other registries only: building would drop these rows silently
        problems["stray"] = (
            f"{len(stray)} staged extracts are not in today's catalogue and were not retired by an ingest of "
            f"{registry} (a --catalogue / WARDBRIDGE_CATALOGUE that does not list {registry}?)"
        )
    if problems and not config.allow_incomplete:
        raise RegistryIncomplete(
            f"{registry}: {len(problems)} problem(s): extracts not accounted for (of {len(keys)} in the catalogue), "
            "so the published entities were left as they were (rerun the ingest, or give run config "
            "allow_incomplete: true to build from the rest): " + "; ".join(problems.values())
        )
    used = [k for k in keys if k not in problems]
    if problems:
        log.warning(
            f"{registry}: allow_incomplete: building from {len(used)} of {len(keys)} partitions; "
            "left out: " + "; ".join(problems.values())
        )
    return used, problems


def stray_partitions(wh, staged_name: str, keys: list[str]) -> list[str]:  # noqa: ANN001
    """Live staged partitions (directory names) that are none of the catalogue's ``keys``.

    Ingesting a registry retires the extracts that left its catalogue; a registry the catalogue no longer
    lists at all is never ingested, so its staged extracts stay live: building from the catalogue's keys alone
    would publish its entities without them.
    """
    layer = PartitionedLayer(wh, "staged")
    listed = {layer.path(staged_name, key).parent.name for key in keys}
    return sorted(set(live_partitions(wh, "staged", staged_name)) - listed)


def _incomplete_metadata(used: list[str], left_out: dict[str, str]) -> dict:
    return {
        "incomplete": bool(left_out),
        "partitions_used": len(used),
        **(
            {"incomplete/left_out": dg.MetadataValue.md("\n".join(f"- {why}" for why in left_out.values()))}
            if left_out
            else {}
        ),
    }


def build_entity_asset(kind: str) -> dg.AssetsDefinition:
    registry = ENTITY_KINDS[kind]
    tables = {"entities": entities_table(kind), "lineage": lineage_table(kind), "review": review_table(kind)}

    @dg.multi_asset(
        name=f"match_{kind}",
        pool=WAREHOUSE_POOL,
        group_name=GROUP,
        specs=_entity_specs(registry, tables),
        check_specs=[
            dg.AssetCheckSpec(
                "lineage_complete",
                asset=tables["lineage"].name,
                blocking=True,
                description=f"Every staged_{registry} record appears exactly once in the lineage, with an entity.",
            ),
        ],
        description=f"Deduplicate staged_{registry} into {kind} entities (spec mappings/match/{kind}.toml).",
        can_subset=True,  # the check re-runs alone on the published lineage (assets/rerun.py)
    )
    def match_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: MatchConfig):
        wh = warehouse.get()
        if check_only(context):
            rerun_note(context)
            lineage = read_lineage(wh, kind)
            staged = staged_in_lineage(read_staged(wh, registry), lineage)
            yield from selected(context, [_lineage_check(tables["lineage"].name, staged, lineage, None)])
            return
        require_whole(context, f"the {kind} entity tables", [t.name for t in tables.values()])
        yield from _match(context, wh, config, kind, tables)

    return match_asset


def _entity_specs(registry: str, tables: dict) -> list[dg.AssetSpec]:
    """The step's assets: a kind's entities, lineage and review tables, each after the registry's staged records
    and the overlays (address corrections, split placements, officials' decisions)."""
    return [
        dg.AssetSpec(
            table.name,
            deps=[f"staged_{registry}", "address_corrections", "split_placements", "review_decisions"],
            description=table.description,
            kinds={"duckdb", "parquet", "polars"},
            metadata=static_table_metadata(table, ENTITY_SCHEMA),
        )
        for table in tables.values()
    ]


def _match(context: dg.AssetExecutionContext, wh, config: MatchConfig, kind: str, tables: dict):  # noqa: ANN001
    """Match the kind's accounted-for staged records, publish its three tables, then their materializations and the
    lineage check."""
    registry = ENTITY_KINDS[kind]
    used, left_out = accounted_partitions(wh, registry, config, context.log, context.run.run_id)
    staged = read_staged(wh, registry, used)
    previous = previous_lineage(wh, kind)
    context.log.info(
        f"{kind}: {staged.height} staged records, previous lineage {'none' if previous is None else previous.height}"
    )
    result = _resolve(wh, kind, staged, previous)
    if result.result is not None:
        context.log.info(result.result.summary())
    unknown = result.stats.get("labels", {}).get("unknown")  # the matcher left some out: which, by item id
    labels_left_out = labels_not_in_run(wh, kind, staged) if unknown else LabelsLeftOut(0, [])
    _log_labels(context.log, kind, result.stats, labels_left_out)
    published = dict(zip(tables, wh.publish(ENTITY_SCHEMA, result.tables()), strict=True))
    yield dg.MaterializeResult(
        asset_key=tables["entities"].name,
        metadata={
            **published_metadata(tables["entities"], published["entities"]),
            **_incomplete_metadata(used, left_out),
            **_result_metadata(result, labels_left_out),
        },
    )
    merged = result.result.merged_entities if result.result is not None else None
    yield dg.MaterializeResult(
        asset_key=tables["lineage"].name,
        metadata={
            **published_metadata(tables["lineage"], published["lineage"]),
            "previous_records": 0 if previous is None else previous.height,
            "previous_entities_merged": 0 if merged is None else merged.height,
        },
    )
    yield dg.MaterializeResult(
        asset_key=tables["review"].name,
        metadata={
            **published_metadata(tables["review"], published["review"]),
            "decisions": _json(result.stats.get("decisions", {})),
        },
    )
    yield from selected(context, [_lineage_check(tables["lineage"].name, staged, result.lineage, result.entities)])


def _resolve(wh, kind: str, staged: pl.DataFrame, previous):  # noqa: ANN001, ANN202 - Warehouse, frame, result
    """The engine's run on the staged records, with the previous lineage (stable ids) and the officials' match /
    no_match decisions (review_decisions: linked / never linked)."""
    same, different = official_match_labels(wh, kind, "match"), official_match_labels(wh, kind, "no_match")
    return resolve_entities(
        kind,
        staged,
        previous,
        labelled_pairs=same,
        cannot_link_pairs=different,
        raw_dates=raw_dates_reader(wh, kind),  # the review table's <side>_<date>_raw: the text as written
        keyed_sources={s.id for s in listing().sources.values() if s.key_column},  # versions matched once
    )


def _result_metadata(result, labels_left_out: LabelsLeftOut) -> dict:  # noqa: ANN001 - an EntityResult
    """The entities table's metadata from the matcher: its statistics, the decisions whose labelled pairs it left
    out, its summary and the blocks it capped."""
    found = result.result
    return {
        **_stats_metadata(result.stats),
        # the decisions (items) whose labelled pairs the matcher left out (match/labels' unknown: pairs)
        **({"match/labels_left_out_items": len(labels_left_out.items)} if labels_left_out.items else {}),
        **({"match/summary": dg.MetadataValue.md(found.summary())} if found is not None else {}),
        **(
            {
                "match/capped_block_list": preview_markdown(
                    found.blocking.capped_blocks, found.blocking.capped_blocks.columns, rows=20
                )
            }
            if found is not None and found.blocking.capped_blocks.height
            else {}
        ),
    }


def _lineage_check(asset_key: str, staged, lineage, entities) -> dg.AssetCheckResult:  # noqa: ANN001 - frames
    problems = lineage_problems(staged, lineage)
    n_entities = lineage["entity_id"].n_unique() if entities is None else entities.height
    return dg.AssetCheckResult(
        check_name="lineage_complete",
        asset_key=asset_key,
        passed=not problems,
        metadata={"staged_records": staged.height, "lineage_records": lineage.height, "entities": n_entities},
        description="; ".join(problems) or f"{staged.height} staged records -> {n_entities} entities, each record once",
    )


ENTITY_ASSETS = [build_entity_asset(kind) for kind in ENTITY_KINDS]


@dg.multi_asset(
    name=REGISTRY_LINKS.name,
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec(
            REGISTRY_LINKS.name,
            group_name=GROUP,
            deps=[lineage_table(kind).name for kind in ENTITY_KINDS],
            description=REGISTRY_LINKS.description,
            kinds={"duckdb", "parquet", "polars"},
            metadata=static_table_metadata(REGISTRY_LINKS, ENTITY_SCHEMA),
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "links_accounted",
            asset=REGISTRY_LINKS.name,
            blocking=True,
            description="Every source row of every link is linked or counted unlinked with a reason; every link's records have entities.",
        )
    ],
    can_subset=True,  # the check re-runs alone on the published tables (assets/rerun.py)
)
def registry_links(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    wh = warehouse.get()
    lineage = {kind: wh.read(ENTITY_SCHEMA, lineage_table(kind).name) for kind in ENTITY_KINDS}
    # the partitions each kind was built from (all accounted for, or fewer under allow_incomplete)
    staged = {kind: staged_in_lineage(read_staged(wh, r), lineage[kind]) for kind, r in ENTITY_KINDS.items()}
    result = build_links(staged, lineage)
    if check_only(context):  # the published links must be the ones the published lineage implies
        rerun_note(context)
        published_links = wh.read(ENTITY_SCHEMA, REGISTRY_LINKS.name)
        yield from selected(context, [_links_check(result, _link_differences(published_links, result.links))])
        return
    (published,) = wh.publish(ENTITY_SCHEMA, [(REGISTRY_LINKS, result.links)])
    counts = dict(result.links.group_by("link_type").len().sort("link_type").iter_rows())
    for name, report in result.report.items():
        context.log.info(
            f"{name}: {report['rows']} rows, {report['linked']} linked, unlinked {report['unlinked'] or 0}"
        )
    yield dg.MaterializeResult(
        asset_key=REGISTRY_LINKS.name,
        metadata={
            **published_metadata(REGISTRY_LINKS, published),
            **{f"links/{k}": v for k, v in counts.items()},
            "unlinked_rows": result.unlinked,
            "rows_by_link": _json(result.report),
        },
    )
    yield from selected(context, [_links_check(result, [])])


def _link_differences(published: pl.DataFrame, rebuilt: pl.DataFrame) -> list[str]:
    """Rows per link type that the published links table and the links the published lineage implies do not
    share (compared row for row, not only counted)."""
    columns = [c for c in rebuilt.columns if c in published.columns]
    only = {
        side: a.select(columns)
        .join(b.select(columns), on=columns, how="anti", nulls_equal=True)
        .group_by("link_type")
        .len()
        for side, a, b in (("published", published, rebuilt), ("implied", rebuilt, published))
    }
    return [
        f"{link}: {n} {side} rows {'the lineage does not imply' if side == 'published' else 'not published'}"
        for side, frame in only.items()
        for link, n in frame.sort("link_type").iter_rows()
    ]


def _links_check(result, differences: list[str]) -> dg.AssetCheckResult:  # noqa: ANN001 - LinkResult
    problems = link_problems(result) + differences
    return dg.AssetCheckResult(
        check_name="links_accounted",
        asset_key=REGISTRY_LINKS.name,
        passed=not problems,
        metadata={"unlinked_rows": result.unlinked},
        description="; ".join(problems)
        or f"{result.links.height} links; {result.unlinked} source rows unlinked, each with a reason",
    )


ENTITIES_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Deduplicate the staged registries into people, households, businesses and taxpayers and link them.",
    executor_def=dg.in_process_executor,
)
