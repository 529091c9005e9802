"""Pairwise accuracy of a clustering against known ids (benchmarks, tests, sample checks)."""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import sparse
from scipy.sparse.csgraph import connected_components


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


def component_labels(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per record 0..n-1, the label of its connected component under the links ``left[i]`` -- ``right[i]``."""
    graph = sparse.coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def true_pair_recall(records: pl.DataFrame, pairs: pl.DataFrame, truth: str, category: str | None = None) -> dict:
    """Where true pairs are lost: blocking, linking or the review queue, per category and per blocking rule.

    ``records``: one row per record with ``record_id``, ``entity_id``, the true id column
    ``truth`` and optionally ``category`` (labels of what was done to the record, "; "-separated).
    ``pairs``: the match's pair table (``left_id``, ``right_id``, ``blocked_by``, ``decision``).

    A true pair (two records with the same true id) is a *candidate* when blocking found it
    (pairs only the chaining guard scored do not count), *linked* when both records are in
    one entity, *linked or queued* when its records' entities are joined by links and review
    pairs (a reviewer accepting the queued pairs would put them together). A pair's
    categories are its records' labels (``none`` when neither has one). Returns
    ``{"categories": DataFrame, "rules": DataFrame}``."""
    recs = records.filter(pl.col(truth).is_not_null()).with_row_index("_i")
    index = recs.select("record_id", "_i")
    ent = recs["entity_id"].cast(pl.String)
    codes = ent.unique().to_frame().with_row_index("_e")
    ent_code = ent.to_frame().join(codes, on="entity_id", how="left", maintain_order="left")["_e"].to_numpy()
    queued = pairs.filter(pl.col("decision").cast(pl.String).is_in(["review", "refused"])).select("left_id", "right_id")
    queued = queued.join(index.rename({"record_id": "left_id", "_i": "a"}), on="left_id").join(
        index.rename({"record_id": "right_id", "_i": "b"}), on="right_id"
    )
    comp = component_labels(
        codes.height, ent_code[queued["a"].to_numpy()], ent_code[queued["b"].to_numpy()]
    )  # entity -> component
    true = (
        recs.select("_i", truth)
        .join(recs.select("_i", truth), on=truth, suffix="_r")
        .filter(pl.col("_i") < pl.col("_i_r"))
        .select(pl.col("_i").alias("a"), pl.col("_i_r").alias("b"))
    )
    blocked = (
        pairs.filter(pl.col("blocked_by").cast(pl.String) != "cluster_check")
        .select("left_id", "right_id", pl.col("blocked_by").cast(pl.String))
        .join(index.rename({"record_id": "left_id", "_i": "x"}), on="left_id")
        .join(index.rename({"record_id": "right_id", "_i": "y"}), on="right_id")
        .select(pl.min_horizontal("x", "y").alias("a"), pl.max_horizontal("x", "y").alias("b"), "blocked_by")
    )
    a, b = true["a"].to_numpy(), true["b"].to_numpy()
    true = true.join(blocked, on=["a", "b"], how="left").with_columns(
        pl.col("blocked_by").is_not_null().alias("candidate"),
        pl.Series("linked", ent_code[a] == ent_code[b]),
        pl.Series("linked_or_queued", comp[ent_code[a]] == comp[ent_code[b]]),
    )
    if category is not None:
        labels = recs.select("_i", pl.col(category).fill_null("").str.split("; ").alias("c"))
        true = (
            true.join(labels.rename({"_i": "a", "c": "ca"}), on="a")
            .join(labels.rename({"_i": "b", "c": "cb"}), on="b")
            .with_columns(
                pl.concat_list("ca", "cb")
                .list.eval(pl.element().filter(pl.element() != ""))
                .list.unique()
                .alias("category")
            )
            .with_columns(  # named: a when/then takes its name from the then branch
                pl.when(pl.col("category").list.len() == 0)
                .then(pl.concat_list(pl.lit("none")))
                .otherwise("category")
                .alias("category")
            )
        )
        per = true.explode("category")
    else:
        per = true.with_columns(pl.lit("all").alias("category"))
    measures = [
        pl.len().alias("true_pairs"),
        pl.col("candidate").mean().alias("pair_completeness"),
        pl.col("linked").mean().alias("recall"),
        pl.col("linked_or_queued").mean().alias("linked_or_queued"),
    ]
    categories = pl.concat(
        [
            true.select(pl.lit("all").alias("category"), *measures),
            per.group_by("category").agg(measures).sort("category") if category is not None else pl.DataFrame(),
        ],
        how="diagonal",
    )
    total = max(true.height, 1)
    rules = (
        true.filter("candidate")
        .select(pl.col("blocked_by").str.split(","))
        .explode("blocked_by")
        .group_by("blocked_by")
        .len()
        .select(pl.col("blocked_by").alias("rule"), pl.col("len").alias("true_pairs_found"))
        .with_columns((pl.col("true_pairs_found") / total).alias("pair_completeness"))
        .sort("rule")
    )
    return {"categories": categories, "rules": rules}
