"""Queued record pairs for review-queue tests: entities.people_review rows built from (left_id, right_id,
probability) triples, and the ward files of their match_pair items written as a run writes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.schema import REVIEW_KINDS, review_table

# entities: A = {p#1, p#3, p#5}, B = {p#2, p#4}, C = {p#6}, D = {p#7}
LINEAGE = pl.DataFrame(
    {
        "record_key": ["p#1", "p#2", "p#3", "p#4", "p#5", "p#6", "p#7"],
        "entity_id": ["A", "B", "A", "B", "A", "C", "D"],
    }
)
# queued pairs between them: three joining A and B (one item), one joining C and D
PAIRS = [
    ("p#4", "p#3", 0.5),  # A ~ B (written larger key first)
    ("p#1", "p#2", 0.2),  # A ~ B
    ("p#5", "p#4", 0.7),  # A ~ B
    ("p#6", "p#7", 0.4),  # C ~ D
]


def people_review(
    pairs: list[tuple[str, str, float]], values: Callable[[str, str], dict] | None = None
) -> pl.DataFrame:
    """entities.people_review rows (left_id, right_id, match_probability), queued ('review'), with the other columns
    empty but those ``values(left_id, right_id)`` gives (e.g. the shown fields)."""
    schema = review_table("people").polars_schema
    rows = []
    for left, right, p in pairs:
        row = dict.fromkeys(schema)
        row.update(
            left_id=left,
            right_id=right,
            match_probability=p,
            match_weight=0.0,
            decision="review",
            evidence="name=exact",
            same_entity=False,
            **(values(left, right) if values is not None else {}),
        )
        rows.append(row)
    return pl.DataFrame(rows, schema=schema)


def write_match_pair_files(inputs, root: Path, ward: str, headers: str = "en") -> pl.DataFrame:  # noqa: ANN001
    """The ward files of ``inputs``' (review.queues.ReviewInputs) match_pair items, written by write_ward_exports as
    a run writes them (ward ``ward``); the queue they were written from (kind, rank and each item's columns)."""
    from pipelines.review.exports import write_ward_exports
    from pipelines.review.queues import match_pair_rows

    items, rows = match_pair_rows(inputs)
    queue = items.sort("item_id").with_columns(
        pl.lit("match_pair").alias("kind"), pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank")
    )
    evidence = {kind: pl.DataFrame(schema={"item_id": pl.String}) for kind in REVIEW_KINDS}
    evidence["match_pair"] = items.select("item_id", "record_pairs", "other_pairs")
    names = pl.DataFrame({"unit_uid": [f"2025:{ward}"], "name": ["Phường Sài Gòn"]})
    write_ward_exports(queue, evidence, names, root, headers=headers, pair_rows=rows)
    return queue
