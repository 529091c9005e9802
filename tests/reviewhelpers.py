"""Queued record pairs for review-queue tests: entities.people_review rows built from (left_id, right_id,
probability) triples."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipelines.schema import review_table

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
