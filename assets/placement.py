"""Asset split_placements (group "entities"): split units placed from the registries' own evidence.

Thin: pipelines/entities/placement.py mines (old unit, street/hamlet/quarter) -> 2025 ward from every
staged registry, with the officials' verdicts (review.decisions, when published) winning, and
publishes resolved.split_evidence and resolved.split_placements. The match_<kind> assets depend on it
and read staged rows through pipelines.entities.io.read_staged, which applies the placements.
"""

import dagster as dg
import polars as pl

from assets.metadata import counts_markdown, published_metadata, static_table_metadata
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.entities.io import read_staged
from pipelines.entities.placement import (
    MAX_CONFLICT_SHARE,
    MAX_CONFLICTS,
    MIN_SUPPORT,
    SPLIT_SCHEMA,
    mine_split_evidence,
    placement_summary,
)
from pipelines.reference import default_reference
from pipelines.schema import REGISTRY_KINDS, SPLIT_EVIDENCE, SPLIT_EVIDENCE_STATES, SPLIT_PLACEMENTS

GROUP = "entities"
# after the officials' decisions (review.decisions: confirmed / rejected split names) are loaded
DEPS = [f"staged_{registry}" for registry in REGISTRY_KINDS] + ["address_corrections", "review_decisions"]


class PlacementConfig(dg.Config):
    min_support: int = MIN_SUPPORT  # 2025-form records for the ward, at least
    max_conflict_share: float = MAX_CONFLICT_SHARE  # records for other wards, at most this share of the evidence
    max_conflicts: int | None = MAX_CONFLICTS  # and at most this many (None: no absolute cap)


def official_verdicts(wh) -> pl.DataFrame | None:  # noqa: ANN001 - Warehouse
    """Officials' split verdicts from the published review.decisions table and its audit (every standing 'reject',
    not only the decision in effect; None before any review run)."""
    path = wh.parquet_path("review", "decisions")
    if not path.is_file():
        return None
    from pipelines.review.decisions import official_split_evidence

    audit = wh.parquet_path("review", "decision_audit")
    return official_split_evidence(pl.read_parquet(path), pl.read_parquet(audit) if audit.is_file() else None)


@dg.asset(
    name=SPLIT_PLACEMENTS.name,
    pool=WAREHOUSE_POOL,
    group_name=GROUP,
    deps=DEPS,
    description=SPLIT_PLACEMENTS.description,
    kinds={"duckdb", "parquet", "polars"},
    metadata=static_table_metadata(SPLIT_PLACEMENTS, SPLIT_SCHEMA),
)
def split_placements(context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: PlacementConfig):
    wh = warehouse.get()
    # as staged, with the address corrections (resolved.address_corrections), without the placements
    staged = {registry: read_staged(wh, registry, overlay=False) for registry in REGISTRY_KINDS}
    official = official_verdicts(wh)
    result = mine_split_evidence(
        staged,
        default_reference(),
        official=official,
        min_support=config.min_support,
        max_conflict_share=config.max_conflict_share,
        max_conflicts=config.max_conflicts,
    )
    evidence, placements = wh.publish(
        SPLIT_SCHEMA, [(SPLIT_EVIDENCE, result.evidence), (SPLIT_PLACEMENTS, result.placements)]
    )
    summary = placement_summary(result)
    context.log.info(
        f"split units: {summary['records_placed']} of {summary['records_split_review']} split_review records placed "
        f"({summary['share_placed']:.1%}); official verdicts: {0 if official is None else official.height}"
    )
    return dg.MaterializeResult(
        metadata={
            **published_metadata(SPLIT_PLACEMENTS, placements),
            "split_evidence_table": evidence.qualified_name,
            "split_evidence_rows": evidence.rows,
            "entries_per_state": counts_markdown({s: summary[f"state/{s}"] for s in SPLIT_EVIDENCE_STATES}),
            **{f"entries/{s}": summary[f"state/{s}"] for s in SPLIT_EVIDENCE_STATES},
            "records_split_review": summary["records_split_review"],
            "records_placed": summary["records_placed"],
            "share_placed": summary["share_placed"],
            "official_verdicts": 0 if official is None else official.height,
            "thresholds": f"support >= {config.min_support}, conflicting <= {config.max_conflict_share:.0%} of the "
            f"evidence" + (f" and <= {config.max_conflicts}" if config.max_conflicts is not None else ""),
        }
    )
