"""Pairwise accuracy of a clustering against known ids (benchmarks, tests, sample checks)."""

from __future__ import annotations

import polars as pl


def pairwise(frame: pl.DataFrame, predicted: str, truth: str) -> dict:
    """Pairs within one predicted entity vs pairs sharing one true id, from group counts.

    Rows with no true id are left out. precision = correct pairs / predicted pairs,
    recall = correct pairs / true pairs (1.0 when there is nothing to find).
    """
    f = frame.filter(pl.col(truth).is_not_null())

    def pairs(cols: list[str]) -> int:
        return int(
            f.group_by(cols).len().select((pl.col("len").cast(pl.Int64) * (pl.col("len") - 1) // 2).sum()).item() or 0
        )

    tp, pp, tt = pairs([predicted, truth]), pairs([predicted]), pairs([truth])
    precision, recall = tp / pp if pp else 1.0, tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": f.height,
        "true_pairs": tt,
        "predicted_pairs": pp,
        "correct_pairs": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
