"""The review queue as a reviewer of entities gets it: queued record pairs that join the same two prospective
entities are one question (issue 14's review budget counted per item)."""

from __future__ import annotations

import polars as pl

from pipelines.match.engine import review_items


def test_pairs_between_the_same_two_clusters_are_one_item():
    clusters = pl.Series("c", [0, 0, 2, 2, 4, 5, 5], dtype=pl.UInt32)  # clusters {0,1}, {2,3}, {4}, {5,6}
    rows = pl.DataFrame(
        {
            "l": [0, 1, 3, 0, 5],  # 0-2, 1-3, 3-0 join {0,1} and {2,3}; 0-4 joins {0,1} and {4}; 5-6 inside {5,6}
            "r": [2, 3, 0, 4, 6],
        },
        schema={"l": pl.UInt32, "r": pl.UInt32},
    )
    assert review_items(clusters, rows) == 3
    assert review_items(clusters, rows.head(0)) == 0
    # every pair its own cluster pair: as many items as pairs
    assert review_items(pl.Series("c", range(7), dtype=pl.UInt32), rows) == 5
