"""Officials' review: decisions in (group "entities"), queues out (group "review", job wardbridge_review).

Thin: pipelines/review/ does the work. ``review_decisions`` runs before the entities are matched: it reads
the decisions folder, validates, appends to the audit, and publishes the effective decisions, the match
labels the matcher uses and the officials' placements. ``review_queues`` runs after the entities (and
before the marts): one queue per kind, per-ward CSV/XLSX files under <warehouse>/review/wards/, and
review.queue_summary and review.queue_totals (no personal values). Everything else in schema "review" is restricted.
"""

import datetime as dt

import dagster as dg
import polars as pl
from pydantic import Field

from assets.metadata import published_metadata, static_table_metadata
from assets.rerun import check_only, rerun_note, selected
from assets.resources import WAREHOUSE_POOL, WarehouseResource
from pipelines.review.decisions import (
    append_audit,
    decisions_dir,
    hidden_sheets,
    load_decisions,
    match_labels,
    migrated_audit,
    not_table_files,
    pairs_not_kept_warning,
    placements,
    rejected_rows,
    rows_held,
    settle_decisions,
    standing_rejects,
)
from pipelines.review.exports import write_ward_exports
from pipelines.review.io import (
    SPLIT_SCHEMA,
    city_ward_codes,
    previous_review_table,
    read_optional,
    read_review_inputs,
    staged_with_placements,
)
from pipelines.review.queues import build_queues, queue_summary, queue_totals, split_groups
from pipelines.schema import (
    ENTITY_KINDS,
    REGISTRY_KINDS,
    REVIEW_DECISION_AUDIT,
    REVIEW_DECISION_ERRORS,
    REVIEW_DECISIONS_TABLE,
    REVIEW_ITEM_KEYS,
    REVIEW_MATCH_LABELS,
    REVIEW_PLACEMENTS,
    REVIEW_QUEUE_ITEMS,
    REVIEW_QUEUE_SUMMARY,
    REVIEW_QUEUE_TOTALS,
    REVIEW_SCHEMA,
    review_table,
)
from pipelines.warehouse import write_parquet_atomic

GROUP = "review"
JOB = "wardbridge_review"
DECISIONS_ASSET = "review_decisions"


def utc_now() -> dt.datetime:
    """This instant (the review assets' clock; a test sets another). Decisions dated after the city's date at it are
    in the future (``load_decisions``)."""
    return dt.datetime.now(dt.UTC)


class DecisionsConfig(dg.Config):
    decisions_dir: str | None = Field(
        default=None,
        description="Folder of officials' decision files (CSV/XLSX). Empty: $WARDBRIDGE_DECISIONS_DIR, else decisions/.",
    )


class QueuesConfig(dg.Config):
    csv_headers: str = Field(
        default="en",
        description="Header rows of the per-ward CSV files: en (English keys), vi (Vietnamese) or both (Vietnamese, "
        "then English). The XLSX files always have both.",
    )


@dg.multi_asset(
    name=DECISIONS_ASSET,
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec(
            DECISIONS_ASSET,
            group_name="entities",
            deps=[f"staged_{registry}" for registry in REGISTRY_KINDS],
            kinds={"duckdb", "parquet", "polars"},
            description="Officials' decisions: read the decisions folder, validate each row (errors with file, row, "
            "field, cause), append to the audit, publish review.decisions, review.match_labels (labels for the "
            "matcher: contradicting labels are held back and reported) and review.placements (wards officials gave).",
            metadata=static_table_metadata(REVIEW_DECISIONS_TABLE, REVIEW_SCHEMA),
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "decision_rows_valid",
            asset=DECISIONS_ASSET,
            description="Every row of the decision files was applied; the others are listed with file, row, field, cause.",
        )
    ],
    can_subset=True,  # the check re-runs alone on review.decision_errors as published (assets/rerun.py)
)
def review_decisions(context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: DecisionsConfig):
    wh = warehouse.get()
    if check_only(context):
        rerun_note(context)
        errors = wh.read(REVIEW_SCHEMA, REVIEW_DECISION_ERRORS.name)
        valid = wh.read(REVIEW_SCHEMA, REVIEW_DECISIONS_TABLE.name).height
        yield from selected(context, [_decisions_check(errors, f"{valid} effective decisions")])
        return
    now = utc_now()
    folder = decisions_dir(config.decisions_dir)
    items = previous_review_table(wh, REVIEW_ITEM_KEYS)
    previous = previous_review_table(wh, REVIEW_DECISION_AUDIT)
    previous = migrated_audit(previous) if previous is not None else None  # one written before pairs were kept
    loaded = load_decisions(folder, ward_codes=city_ward_codes(wh), items=items, now=now, audit=previous)
    audit, added = append_audit(previous, loaded.rows, now)
    settled = settle_decisions(audit, items, loaded.rows)  # the audit's rows in force worked out once
    decisions = settled.decisions
    unkept = decisions.filter((pl.col("pairs_from") == "not kept") & (pl.col("state") == "closed")).height
    not_kept = pairs_not_kept_warning(decisions)  # what they do and what an official does about it
    if not_kept:
        context.log.warning(not_kept)
    errors = pl.concat([loaded.errors, settled.errors])
    labels = match_labels(decisions)
    staged = staged_with_placements(wh, None)
    groups = split_groups(staged, read_optional(wh, SPLIT_SCHEMA, "split_evidence"))
    # a split_unit decision applied by the last run places the records it placed then, not records that came since
    before = (previous_review_table(wh, REVIEW_DECISIONS_TABLE), previous_review_table(wh, REVIEW_PLACEMENTS))
    placed = placements(decisions, staged, groups.filter(pl.col("name_key").is_not_null()), before)
    published = wh.publish(
        REVIEW_SCHEMA,
        [
            (REVIEW_DECISION_AUDIT, audit),
            (REVIEW_DECISION_ERRORS, errors),
            (REVIEW_DECISIONS_TABLE, decisions),
            (REVIEW_MATCH_LABELS, labels),
            (REVIEW_PLACEMENTS, placed),
        ],
    )
    for row in errors.head(20).iter_rows(named=True):
        context.log.warning(
            f"decisions: {row['source_file']}{'' if row['sheet'] is None else ' sheet ' + row['sheet']} "
            f"row {row['source_row']}, {row['field']}: {row['cause']}"
        )
    closed = decisions.filter(pl.col("state") == "closed").height
    held_now, held_before = rows_held(settled, loaded)
    yield dg.MaterializeResult(
        asset_key=DECISIONS_ASSET,
        metadata={
            **published_metadata(REVIEW_DECISIONS_TABLE, published[2]),
            "decisions_dir": dg.MetadataValue.path(str(folder)),
            "files": loaded.files,
            "rows_valid": loaded.rows.height,
            "rows_undecided": loaded.undecided,
            "rows_rejected": loaded.rows_rejected,  # rows read and not valid; a file that is no table is no row
            "files_not_tables": dg.MetadataValue.json(loaded.not_tables),  # names: a PDF, a text without the header
            "sheets_hidden": dg.MetadataValue.json(loaded.hidden_sheets),  # workbook sheets of decisions, hidden
            "rows_in_conflict": held_now,  # of rows_valid: read now, not applied
            "earlier_rows_in_conflict": held_before,  # audit rows of files this run did not read
            "audit_rows_added": added.height,
            "audit_rows": audit.height,
            "items_closed": closed,
            "match_labels": labels.height,
            "decisions_pairs_not_kept": unkept,  # in effect, loaded before the audit kept each decision's pairs
            "records_placed": placed.height,
        },
    )
    yield from selected(context, [_decisions_check(errors, f"{loaded.rows.height} decision rows valid")])


def _decisions_check(errors: pl.DataFrame, valid: str) -> dg.AssetCheckResult:
    """Passes when no row is in review.decision_errors; a file that is not a decisions table (a PDF) is named as a
    file, not counted as a row; a workbook's hidden sheet of decisions (not read) is named as such."""
    files = not_table_files(errors)
    hidden = hidden_sheets(errors)
    rows = rejected_rows(errors)
    said = [f"{rows} decision rows not applied"] if rows else []
    if files:
        said.append(f"{len(files)} file(s) not a decisions table ({', '.join(files)})")
    if hidden:
        said.append(f"{len(hidden)} hidden sheet(s) not read ({', '.join(hidden)})")
    return dg.AssetCheckResult(
        check_name="decision_rows_valid",
        asset_key=DECISIONS_ASSET,
        passed=errors.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_rejected": rows,
            "files_not_tables": dg.MetadataValue.json(files),
            "sheets_hidden": dg.MetadataValue.json(hidden),
        },
        description=f"{'; '.join(said)}: see review.decision_errors" if said else valid,
    )


@dg.asset(
    name="review_queues",
    pool=WAREHOUSE_POOL,
    group_name=GROUP,
    deps=[DECISIONS_ASSET, "split_placements", *[review_table(kind).name for kind in ENTITY_KINDS]],
    kinds={"duckdb", "parquet", "polars", "csv", "xlsx"},
    description="One review queue per kind with stable item ids, ward or candidates, evidence and priority; per-ward "
    "CSV/XLSX files in <warehouse>/review/wards/ (restricted: personal values); review.queue_summary (no personal values).",
    metadata=static_table_metadata(REVIEW_QUEUE_ITEMS, REVIEW_SCHEMA),
)
def review_queues(context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: QueuesConfig):
    wh = warehouse.get()
    now = utc_now()
    decisions = wh.read(REVIEW_SCHEMA, REVIEW_DECISIONS_TABLE.name)
    placed = wh.read(REVIEW_SCHEMA, REVIEW_PLACEMENTS.name)
    inputs = read_review_inputs(wh, placed)
    audit = previous_review_table(wh, REVIEW_DECISION_AUDIT)
    # every candidate ward that declined a split street, not only the reject in effect, is out of its files
    rejects = standing_rejects(migrated_audit(audit)) if audit is not None and audit.height else None
    queues = build_queues(inputs, decisions, previous_review_table(wh, REVIEW_ITEM_KEYS), now, rejects, audit)
    summary, totals = queue_summary(queues), queue_totals(queues)
    published = wh.publish(
        REVIEW_SCHEMA,
        [
            (REVIEW_QUEUE_ITEMS, queues.items),
            (REVIEW_ITEM_KEYS, queues.item_keys),
            (REVIEW_QUEUE_SUMMARY, summary),
            (REVIEW_QUEUE_TOTALS, totals),
        ],
    )
    root = wh.root / "review"
    write_parquet_atomic(summary.to_arrow(), root / "queue_summary.parquet")
    write_parquet_atomic(totals.to_arrow(), root / "queue_totals.parquet")
    wards = write_ward_exports(
        queues.items, queues.evidence, inputs.ward_names, root, headers=config.csv_headers, pair_rows=queues.pair_rows
    )
    per_kind = {
        kind: {"open": n, "records_blocked": int(r)}
        for kind, n, r in queues.items.group_by("kind")
        .agg(pl.len(), pl.col("records_blocked").sum())
        .sort("kind")
        .iter_rows()
    }
    pairs = queues.evidence.get("match_pair")
    if pairs is not None and "record_pairs" in pairs.columns and "match_pair" in per_kind:
        # match_pair items are pairs of entities (queues.entity_pair_items): the record pairs they hold beside them
        per_kind["match_pair"]["record_pairs"] = int(pairs["record_pairs"].sum())
    context.log.info(
        f"review: {queues.items.height} open items, {queues.closed.height} closed; {len(wards)} ward folders"
        + (
            f"; match_pair: {per_kind['match_pair']['open']} items holding {per_kind['match_pair']['record_pairs']} "
            "record pairs"
            if "record_pairs" in per_kind.get("match_pair", {})
            else ""
        )
    )
    return dg.MaterializeResult(
        metadata={
            **published_metadata(REVIEW_QUEUE_ITEMS, published[0]),
            "open_items": queues.items.height,
            "closed_items": queues.closed.height,
            "per_kind": dg.MetadataValue.json(per_kind),
            "ward_folders": len(wards),
            "exports": dg.MetadataValue.path(str(root / "wards")),
            "queue_summary": dg.MetadataValue.path(str(root / "queue_summary.parquet")),
            "queue_totals": dg.MetadataValue.path(str(root / "queue_totals.parquet")),
        }
    )


REVIEW_ASSETS = [review_decisions, review_queues]

REVIEW_JOB = dg.define_asset_job(
    JOB,
    selection=dg.AssetSelection.groups(GROUP),
    description="Build the officials' review queues and per-ward files (after the entities, before the marts).",
    executor_def=dg.in_process_executor,
)
