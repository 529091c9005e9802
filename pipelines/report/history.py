"""The report's trend store: warehouse/history/runs.parquet, one row per (run_id, new_uid, measure).

Appended by every report run (a re-run of the same run id replaces its rows, so a retried step does
not count twice). ``new_uid`` is a 2025 ward ('2025:<code>') or null for a city-wide measure.
Aggregates only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.report.inputs import WARD_MEASURES, ReportInputs
from pipelines.schema import REPORT_HISTORY
from pipelines.warehouse import write_parquet_atomic

HISTORY = Path("history") / "runs.parquet"
SCHEMA = dict(REPORT_HISTORY.polars_schema)  # declared once in pipelines/schema.py
CITY_MEASURES = ("raw", "merged", "quarantined", "under_review")
# How the city-wide open_review was counted, recorded beside it as the city measure "open_review_definition": the
# definition changed in 969e847 (3 Dec 2026), and the store keeps figures only, so older points cannot be counted
# again; runs recorded before this marker existed carry none (None below).
OPEN_WITH_WARD, OPEN_EACH_ONCE = 1, 2
OPEN_DEFINITIONS: dict[int | None, str] = {
    OPEN_EACH_ONCE: "every open item once, items with only candidate wards included (the per-kind table's figure)",
    OPEN_WITH_WARD: "items with a ward or with none; items with only candidate wards left out",
    None: "not recorded with the figure (reports built before 3 Dec 2026 left out items with only candidate wards; "
    "later ones counted every item once)",
}


def run_measures(inputs: ReportInputs, run_id: str, run_time: dt.datetime) -> pl.DataFrame:
    """This run's rows: per ward (ward_summary measures, open review items when the queue exists) and city-wide
    (row accounting, entities and records per kind, failed gates, open review items: review/queue_totals' sum,
    each item once, the open column of the report's per-kind table)."""
    ward_cols = [*WARD_MEASURES, *(["open_review"] if "open_review" in inputs.wards.columns else [])]
    wards = inputs.wards.select("new_uid", *ward_cols).unpivot(
        index="new_uid", on=ward_cols, variable_name="measure", value_name="value"
    )
    city = {m: int(inputs.accounting[m].sum()) for m in CITY_MEASURES}
    for row in inputs.duplicates.iter_rows(named=True):
        city[f"records_{row['kind']}"] = int(row["records"])
        city[f"entities_{row['kind']}"] = int(row["entities"])
    if inputs.gates.found:
        city["gates_failed"] = sum(1 for g in inputs.gates.tables if not g.passed)
    if inputs.queue_totals is not None:  # city-wide, each item once: the figure of the report's per-kind table
        city["open_review"] = int(inputs.queue_totals["open_items"].sum())
        city["open_review_definition"] = OPEN_EACH_ONCE
    elif inputs.queue is not None:  # an older queue without totals: items with a ward or none (candidate-only left out)
        city["open_review"] = int(inputs.queue.filter(~pl.col("candidate"))["open_items"].sum())
        city["open_review_definition"] = OPEN_WITH_WARD
    city_frame = pl.DataFrame(
        {"new_uid": [None] * len(city), "measure": list(city), "value": list(city.values())},
        schema={"new_uid": pl.String, "measure": pl.String, "value": pl.Int64},
    )
    rows = pl.concat([wards.with_columns(pl.col("value").cast(pl.Int64)), city_frame])
    return rows.select(
        pl.lit(run_id).alias("run_id"), pl.lit(run_time).cast(SCHEMA["run_time"]).alias("run_time"), pl.all()
    ).cast(SCHEMA)


def read_history(path: Path) -> pl.DataFrame:
    if not path.is_file():
        return pl.DataFrame(schema=SCHEMA)
    frame = pl.read_parquet(path)
    missing = [c for c in SCHEMA if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: not a run history (missing column(s) {', '.join(missing)})")
    return frame.select(list(SCHEMA)).cast(SCHEMA)


def append_history(path: Path, rows: pl.DataFrame) -> pl.DataFrame:
    """Add this run's rows (replacing any earlier rows of the same run id), write atomically, return the store."""
    run_ids = rows["run_id"].unique().to_list()
    history = pl.concat([read_history(path).filter(~pl.col("run_id").is_in(run_ids)), rows.cast(SCHEMA)])
    history = history.sort("run_time", "run_id", "new_uid", "measure", nulls_last=False)
    write_parquet_atomic(history.to_arrow(), path)
    return history


def runs(history: pl.DataFrame, limit: int = 20) -> pl.DataFrame:
    """The last ``limit`` runs (run_id, run_time), oldest first."""
    return history.select("run_id", "run_time").unique().sort("run_time", "run_id").tail(limit)


def series(history: pl.DataFrame, measure: str, new_uid: str | None = None, limit: int = 20) -> list[int | None]:
    """One measure over the last ``limit`` runs (None where a run did not record it)."""
    last = runs(history, limit)
    where = pl.col("new_uid").is_null() if new_uid is None else pl.col("new_uid") == new_uid
    values = history.filter(where & (pl.col("measure") == measure)).select("run_id", "value")
    return last.join(values, on="run_id", how="left")["value"].to_list()


def ward_series(history: pl.DataFrame, measure: str, limit: int = 20) -> dict[str, list[int | None]]:
    """``series`` for every ward at once: new_uid -> values over the last ``limit`` runs."""
    last = runs(history, limit).with_row_index("i")
    values = history.filter(pl.col("new_uid").is_not_null() & (pl.col("measure") == measure))
    joined = values.join(last, on="run_id", how="inner").sort("new_uid", "i")
    out: dict[str, list[int | None]] = {}
    for uid, part in joined.partition_by("new_uid", as_dict=True).items():
        row: list[int | None] = [None] * last.height
        for i, v in zip(part["i"], part["value"], strict=True):
            row[i] = v
        out[uid[0]] = row
    return out


def definition_changes(
    values: list[int | None], definitions: list[int | None]
) -> list[tuple[int, int | None, int | None]]:
    """Where a measure's definition changes between two runs that recorded it: (index of the first run counted the
    new way, definition before, definition after), over ``series`` of the measure and of its definition."""
    out: list[tuple[int, int | None, int | None]] = []
    seen, before = False, None
    for i, (value, definition) in enumerate(zip(values, definitions, strict=True)):
        if value is None:
            continue
        if seen and definition != before:
            out.append((i, before, definition))
        seen, before = True, definition
    return out
