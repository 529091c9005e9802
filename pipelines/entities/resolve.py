"""Entities of one registry: the matching engine under mappings/match/<kind>.toml, shaped into the published tables.

    staged_<registry> --match--> <kind>_entities / <kind>_lineage / <kind>_review

Entity kinds and the registry each deduplicates are ``pipelines.schema.ENTITY_KINDS``:
people (population), households, businesses, taxpayers (tax). The previous run's lineage
keeps entity ids stable.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.entities.versions import (
    joined_on_distinct,
    not_in_newest,
    pairs_on_newest,
    previous_on_newest,
    split_versions,
    with_earlier_versions,
    with_presence,
)
from pipelines.match import MatchResult, load_spec, match
from pipelines.match.learning import pattern, refine_thresholds
from pipelines.match.spec import MatchSpec
from pipelines.schema import (
    ENTITY_KINDS,
    Table,
    entities_table,
    lineage_table,
    review_date_columns,
    review_dates,
    review_table,
)
from pipelines.warehouse import REPO_ROOT

SPEC_DIR = REPO_ROOT / "mappings" / "match"


def spec_path(kind: str) -> Path:
    return SPEC_DIR / f"{kind}.toml"


@dataclass
class EntityTables:
    kind: str
    entities: pl.DataFrame
    lineage: pl.DataFrame
    review: pl.DataFrame
    stats: dict
    result: MatchResult | None  # None when there were no staged records

    def tables(self) -> list[tuple[Table, pl.DataFrame]]:
        return [
            (entities_table(self.kind), self.entities),
            (lineage_table(self.kind), self.lineage),
            (review_table(self.kind), self.review),
        ]


def _empty(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=table.polars_schema)


def resolve_entities(
    kind: str,
    staged: pl.DataFrame,
    previous: pl.DataFrame | None = None,
    labelled_pairs: pl.DataFrame | None = None,
    cannot_link_pairs: pl.DataFrame | None = None,
    raw_dates: Callable[[pl.DataFrame], pl.DataFrame | None] | None = None,
    keyed_sources: Collection[str] | None = None,
) -> EntityTables:
    """Deduplicate one staged registry under mappings/match/<kind>.toml into the published tables.

    labelled_pairs: (left_id, right_id) record keys officials decided are one entity (review.match_labels):
    linked (and EM's posterior for the pair fixed to 1, ``model.label_posteriors``). cannot_link_pairs: those
    they decided are different entities: never linked (posterior fixed to 0 where the engine passes them).
    raw_dates: given the review pairs (left_id, right_id), the records' date columns as the source wrote them
    (record_key + columns; ``pipelines.review.io.raw_shown_dates``): the review table's ``<side>_<column>_raw``
    (null without it). Each side's date precision comes from the staged records (``review_with_dates``).
    keyed_sources: the sources keyed by a column of their own (catalogue ``key_column``): a record of theirs in
    several extracts is matched once, as its newest version (``pipelines.entities.versions``).
    """
    spec = load_spec(spec_path(kind))
    if staged.height == 0:
        stats = {"records": 0, "entities": 0}
        return EntityTables(
            kind, _empty(entities_table(kind)), _empty(lineage_table(kind)), _empty(review_table(kind)), stats, None
        )
    # each source record once, as its newest extract's version (pipelines.entities.versions)
    versions = split_versions(staged, keyed_sources, cannot_link_pairs, registry=ENTITY_KINDS[kind])
    same, different = pairs_on_newest(labelled_pairs, versions), pairs_on_newest(cannot_link_pairs, versions)
    result = match(
        versions.matched,
        spec,
        previous=previous_on_newest(previous, versions),
        labelled_pairs=same,
        cannot_link_pairs=different,
        source=f"staged_{ENTITY_KINDS[kind]}",
    )
    # (the matched records' keys are distinct, match checked them; without earlier versions the lineage holds them)
    lineage = joined_on_distinct(
        versions.matched.select("record_key", "source_id", "extract_date"),
        result.records.rename({"record_id": "record_key"}),
        "record_key",
    )
    lineage, entities = with_earlier_versions(lineage, result.entities, staged, versions)
    # is each source record in its source's newest extract?
    lineage = with_presence(lineage, versions, distinct=not versions.earlier.height)
    stats = {
        **result.stats,
        "earlier_versions": versions.earlier.height,
        "not_in_newest_extract": not_in_newest(lineage),
        **labels_report(result, same, different, spec),
    }
    review = review_with_dates(kind, result.review, staged, raw_dates(result.review) if raw_dates else None)
    return EntityTables(kind, entities, lineage, review, stats, result)


def review_with_dates(kind: str, review: pl.DataFrame, staged: pl.DataFrame, raw: pl.DataFrame | None) -> pl.DataFrame:
    """The review pairs with, beside each shown date column (``schema.review_dates``), each side's precision (from the
    ``staged`` records: 'year' where a year-only date was staged as 1 January) and its text as the source wrote it
    (from ``raw``: record_key + the date columns; a column the engine already read from text is kept). Nothing is
    shown as 1 January that was not written so: readers go by the precision."""
    out = review
    for column, precision in review_dates(kind).items():
        taken = [(precision, "")] if precision and precision in staged.columns else []
        written = raw is not None and column in raw.columns
        for side in ("left", "right"):
            precision_col, raw_col = review_date_columns(kind, side, column)
            if precision_col and not taken:
                out = out.with_columns(pl.lit(None, pl.String).alias(precision_col))
            if not written and raw_col not in out.columns:
                out = out.with_columns(pl.lit(None, pl.String).alias(raw_col))
        sources = [(staged, precision, precision)] if taken else []
        if written:
            sources.append((raw, column, f"{column}_raw"))
        for frame, source, name in sources:
            values = frame.select("record_key", pl.col(source).cast(pl.String)).unique("record_key")
            for side in ("left", "right"):
                target = f"{side}_{precision}" if name == precision else f"{side}_{name}"
                out = out.drop(target, strict=False).join(
                    values.rename({"record_key": f"{side}_id", source: target}),
                    on=f"{side}_id",
                    how="left",
                    maintain_order="left",
                )
    return out


def labels_report(
    result: MatchResult, same: pl.DataFrame | None, different: pl.DataFrame | None, spec: MatchSpec
) -> dict:
    """What officials' labels say: how many were used, how many name records this run did not match
    (e.g. from an older extract), and the thresholds the labels argue for (proposed, not applied: an
    engineer sets them in mappings/match/<kind>.toml; with too few labels nothing moves)."""
    given = [(f, v) for f, v in ((same, True), (different, False)) if f is not None and f.height]
    if not given:
        return {}
    labels = pl.concat([f.select("left_id", "right_id", pl.lit(v).alias("same")) for f, v in given])
    ordered = [pl.min_horizontal("left_id", "right_id").alias("a"), pl.max_horizontal("left_id", "right_id").alias("b")]
    labels = labels.select(*ordered, "same").unique(["a", "b"], keep="last")
    # the comparison vector (links' precision estimated per vector) and the decision (refused: queued anyway)
    pairs = result.pairs.select(*ordered, "match_probability", pattern(spec), pl.col("decision").cast(pl.String))
    labelled = labels.join(pairs, on=["a", "b"], how="inner")
    known = result.records["record_id"].cast(pl.String).implode()
    unknown = labels.filter(~pl.col("a").is_in(known) | ~pl.col("b").is_in(known)).height
    open_pairs = pairs.join(labels, on=["a", "b"], how="anti")
    below = result.stats.get("pairs_below_floor", {})
    floor = below["floor"] if below.get("pairs") else 0.0  # the pair table's pairs start there
    choice = refine_thresholds(
        labelled, open_pairs, result.records.height, spec.link_threshold, spec.review_threshold, floor=floor
    )
    return {
        "labels": {
            "used": labelled.height,
            "not_scored": labels.height - labelled.height - unknown,
            "unknown": unknown,
        },
        "thresholds_from_labels": {
            "link_threshold": choice.link_threshold,
            "review_threshold": choice.review_threshold,
            "reasons": choice.reasons,
        },
    }


def lineage_problems(staged: pl.DataFrame, lineage: pl.DataFrame) -> list[str]:
    """Every staged record appears exactly once in the lineage, with an entity."""
    problems = []
    counts = lineage.group_by("record_key").len()
    doubled = counts.filter(pl.col("len") > 1)
    if doubled.height:
        problems.append(
            f"{doubled.height} records appear more than once, e.g. {doubled['record_key'].head(3).to_list()}"
        )
    missing = staged.select("record_key").join(lineage.select("record_key"), on="record_key", how="anti")
    if missing.height:
        problems.append(f"{missing.height} staged records are missing, e.g. {missing['record_key'].head(3).to_list()}")
    extra = lineage.select("record_key").join(staged.select("record_key"), on="record_key", how="anti")
    if extra.height:
        problems.append(f"{extra.height} lineage records are not staged, e.g. {extra['record_key'].head(3).to_list()}")
    if n := lineage["entity_id"].null_count():
        problems.append(f"{n} records have no entity")
    return problems
