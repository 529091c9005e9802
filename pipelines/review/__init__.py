"""Review queues that close: officials' queues per 2025 ward and the decisions that close them.

    queues.py     one queue per kind (pipelines.schema.REVIEW_KINDS), stable item ids, priority
    decisions.py  the decisions folder: load, validate, audit (append-only), effective decision per item,
                  and what decisions change (placements, match labels, official split evidence)
    exports.py    per-ward CSV and XLSX files officials open in a spreadsheet
    io.py         warehouse reads

Plain Polars/DuckDB; no Dagster (assets/review.py is the thin Dagster layer).
"""
