"""What the consolidation report reads: the published marts (read-only), the marts' gate results,
the review queue summary and the 2025 ward centroids. Aggregates only: nothing here holds a
personal value (analytics.duckdb carries none; gate outcomes are reduced to counts and column names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.reference import HCMC_NEW_PROVINCE, REFERENCE_DIR, read_table
from pipelines.schema import ENTITY_KINDS, FLOW_ACCOUNTING, OLD_UNIT_RECONCILIATION, UNITS_2025, WARD_SUMMARY

ANALYTICS_FILENAME = "analytics.duckdb"
GATES_DIR = Path("marts") / "gx"
QUEUE_SUMMARY = Path("review") / "queue_summary.parquet"
QUEUE_COLUMNS = ("new_uid", "kind", "open_items", "records_blocked")
QUEUE_TOTALS = Path("review") / "queue_totals.parquet"
TOTALS_COLUMNS = ("kind", "open_items", "records_blocked", "closed_items")
WARD_MEASURES = ("records_in", "merged", "quarantined", "under_review", "under_review_estimated")
ENTITY_MEASURES = tuple(f"{kind}{suffix}" for kind in ENTITY_KINDS for suffix in ("", "_estimated"))


class ReportInputError(RuntimeError):
    """An input of the report is missing or malformed (names the file and the cause, never a value)."""


@dataclass(frozen=True)
class GateSummary:
    table: str
    passed: bool
    rows: int
    expectations: int
    failed: int
    failures: tuple[str, ...] = ()  # "<expectation> on <columns>: <n> rows", no values


@dataclass
class Gates:
    directory: Path | None
    tables: list[GateSummary] = field(default_factory=list)
    docs_index: Path | None = None

    @property
    def found(self) -> bool:
        return self.directory is not None and bool(self.tables)


@dataclass
class ReportInputs:
    wards: pl.DataFrame  # ward_summary joined with centroids (168 rows)
    flows: pl.DataFrame  # old_unit_flows with old/new names
    reconciliation: pl.DataFrame  # marts.old_unit_reconciliation
    accounting: pl.DataFrame  # marts.flow_accounting
    # registry, kind, records, entities (+ earlier_versions, not_in_newest, entities_not_in_newest: _duplicates_sql)
    duplicates: pl.DataFrame
    gates: Gates
    queue: pl.DataFrame | None  # review queue summary, None when not produced
    reference_date: object = None
    queue_totals: pl.DataFrame | None = None  # city-wide per kind, each item once; None when not produced
    # extracts whose last load failed (their file could not be read): 'partition (file): failed: cause'
    unread_extracts: tuple[str, ...] = ()


def ward_centroids(reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """The 168 wards of the new Ho Chi Minh City (province '79') with their centroids."""
    units = read_table(reference_dir / "units_2025.csv", UNITS_2025)
    return units.filter(pl.col("province_code") == HCMC_NEW_PROVINCE).select(
        pl.col("unit_uid").alias("new_uid"), "short_name", "unit_type", "lat", "lon", "area_km2"
    )


# the mart tables the report reads whole (SELECT *), by the name read_marts gives them
WHOLE_TABLES = {"ward_summary": WARD_SUMMARY, "reconciliation": OLD_UNIT_RECONCILIATION, "accounting": FLOW_ACCOUNTING}


def read_marts(analytics: Path) -> dict[str, pl.DataFrame]:
    """The mart tables the report shows, through a read-only connection."""
    if not analytics.is_file():
        raise ReportInputError(f"{analytics}: not found (publish the marts first: job wardbridge_marts)")
    queries = {
        "ward_summary": "SELECT * FROM marts.ward_summary",
        "flows": """SELECT f.old_uid, o.name AS old_name, o.district_name AS old_district, f.new_uid,
                           w.name AS new_name, f.records_out, f.merged, f.quarantined
                    FROM marts.old_unit_flows f
                    JOIN marts.dim_unit_pre2025 o ON o.unit_uid = f.old_uid
                    JOIN marts.dim_ward_2025 w ON w.unit_uid = f.new_uid
                    ORDER BY f.new_uid, f.records_out DESC, f.old_uid""",
        "reconciliation": "SELECT * FROM marts.old_unit_reconciliation ORDER BY old_uid",
        "accounting": "SELECT * FROM marts.flow_accounting ORDER BY registry",
    }
    try:
        with duckdb.connect(str(analytics), read_only=True) as con:
            queries["duplicates"] = _duplicates_sql(con)
            marts = {name: con.sql(sql).pl() for name, sql in queries.items()}
    except duckdb.Error as exc:
        raise ReportInputError(f"{analytics}: cannot read the marts ({type(exc).__name__}: {exc})") from exc
    for name, table in WHOLE_TABLES.items():  # read whole: a column renamed or dropped is named here, not later
        if missing := [c for c in table.columns if c not in marts[name].columns and c not in table.absent(marts[name])]:
            raise ReportInputError(
                f"{analytics}: marts.{table.name} lacks column(s) {missing} (renamed or dropped, or published by "
                "another version: publish the marts again, job wardbridge_marts)"
            )
    return marts


def _duplicates_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Per registry: records (source records), entities, earlier_versions (records that were earlier versions of a
    source record), not_in_newest (source records missing from their source's newest extract) and
    entities_not_in_newest (entities none of whose records is in one); the last three null where the mart was
    published without them (before they were counted)."""
    held = set(
        con.sql(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'marts'"
        ).fetchall()
    )
    parts = []
    for kind, registry in ENTITY_KINDS.items():
        earlier = "coalesce(sum(earlier_versions), 0)" if (kind, "earlier_versions") in held else "NULL"
        gone = (kind, "records_not_in_newest") in held
        parts.append(
            f"SELECT '{registry}' AS registry, '{kind}' AS kind, coalesce(sum(record_count), 0)::BIGINT AS records, "
            f"count(*)::BIGINT AS entities, {earlier}::BIGINT AS earlier_versions, "
            f"{'coalesce(sum(records_not_in_newest), 0)' if gone else 'NULL'}::BIGINT AS not_in_newest, "
            f"{'count(*) FILTER (WHERE records_not_in_newest > 0 AND records_not_in_newest = record_count)' if gone else 'NULL'}"
            f"::BIGINT AS entities_not_in_newest FROM marts.{kind}"
        )
    return " UNION ALL ".join(parts)


def _failure_line(outcome: dict) -> str:
    columns = ", ".join(str(c) for c in outcome.get("columns") or []) or "table"
    count = outcome.get("unexpected_count")
    rows = "" if count in (None, 0) else f": {int(count)} rows"
    return f"{outcome.get('name', '?')} on {columns}{rows}"


def read_gates(directory: Path | None) -> Gates:
    """Every ``<table>/gate.json`` the marts' GX session wrote in ``directory`` (quality/gx.py)."""
    if directory is None or not directory.is_dir():
        return Gates(None)
    tables = []
    for path in sorted(directory.glob("*/gate.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outcomes = data.get("outcomes") or []
            tables.append(
                GateSummary(
                    table=str(data["table"]),
                    passed=bool(data["passed"]),
                    rows=int(data["rows"]),
                    expectations=int(data["expectations"]),
                    failed=int(data["failed"]),
                    failures=tuple(_failure_line(o) for o in outcomes if not o.get("success", True))[:20],
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ReportInputError(f"{path}: not a gate result ({type(exc).__name__}: {exc})") from exc
    index = directory / "index.html"
    return Gates(directory, tables, index if index.is_file() else None)


def _all_passed(run_dir: Path) -> bool:
    try:
        return all(json.loads(p.read_text(encoding="utf-8")).get("passed") is True for p in run_dir.glob("*/gate.json"))
    except (OSError, ValueError, AttributeError):
        return False


def latest_gates_dir(root: Path) -> Path | None:
    """The gate folder of the run that published the current marts when no run id says which: the newest
    ``marts/gx/<run>/`` whose gates all passed (the marts are only swapped in when every gate passes; a
    rejected run leaves its failing results there). The Dagster asset passes the marts run's folder instead."""
    base = root / GATES_DIR
    if not (root / ANALYTICS_FILENAME).is_file() or not base.is_dir():
        return None
    runs = {d: [p.stat().st_mtime for p in d.glob("*/gate.json")] for d in base.iterdir() if d.is_dir()}
    passed = [d for d, times in runs.items() if times and _all_passed(d)]
    return max(passed, key=lambda d: (max(runs[d]), d.name), default=None)


def _read_review_table(path: Path, columns: tuple[str, ...]) -> pl.DataFrame | None:
    """A review parquet table holding `columns`, None when absent; ReportInputError when unreadable or short."""
    if not path.is_file():
        return None
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ReportInputError(f"{path}: unreadable ({type(exc).__name__})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReportInputError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def read_queue_summary(path: Path) -> pl.DataFrame | None:
    """review.queue_summary (the review-queue helper's table) when present, else None."""
    frame = _read_review_table(path, QUEUE_COLUMNS)
    if frame is None:
        return None
    if "candidate" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("candidate"))
    if "closed_items" not in frame.columns:
        frame = frame.with_columns(pl.lit(0).alias("closed_items"))
    return frame.select(
        pl.col("new_uid").cast(pl.String),
        pl.col("kind").cast(pl.String),
        pl.col("open_items").cast(pl.Int64).fill_null(0),
        pl.col("records_blocked").cast(pl.Int64).fill_null(0),
        pl.col("closed_items").cast(pl.Int64).fill_null(0),
        pl.col("candidate").cast(pl.Boolean).fill_null(False),
    )


def read_queue_totals(path: Path) -> pl.DataFrame | None:
    """review.queue_totals (city-wide figures per kind, each item and record once) when present, else None."""
    frame = _read_review_table(path, TOTALS_COLUMNS)
    if frame is None:
        return None
    # match_pair's record pairs (a table written before they were counted has no such column: null)
    pairs = pl.col("open_record_pairs") if "open_record_pairs" in frame.columns else pl.lit(None)
    return frame.select(
        pl.col("kind").cast(pl.String),
        *[pl.col(c).cast(pl.Int64).fill_null(0) for c in TOTALS_COLUMNS[1:]],
        pairs.cast(pl.Int64).alias("open_record_pairs"),
    )


def open_review_by_ward(queue: pl.DataFrame) -> pl.DataFrame:
    """Open review items per ward: items of the ward, plus items that only have candidates (counted in every
    candidate ward, so these do not add up across wards)."""
    return (
        queue.filter(pl.col("new_uid").is_not_null())
        .group_by("new_uid")
        .agg(
            pl.col("open_items").filter(~pl.col("candidate")).sum().alias("open_review_own"),
            pl.col("open_items").filter(pl.col("candidate")).sum().alias("open_review_candidate"),
            pl.col("records_blocked").sum().alias("records_blocked"),
        )
        .with_columns((pl.col("open_review_own") + pl.col("open_review_candidate")).alias("open_review"))
    )


def read_unread_extracts(root: Path) -> tuple[str, ...]:
    """Each extract of warehouse ``root`` whose last load failed, saying when its records as an earlier load read them
    are still in the figures (pipelines.ingest.status.unread_extracts)."""
    from pipelines.ingest.status import unread_extracts
    from pipelines.warehouse import Warehouse

    return unread_extracts(Warehouse(root))


def read_inputs(root: Path, gates_dir: Path | None = None, reference_dir: Path = REFERENCE_DIR) -> ReportInputs:
    """Everything the report of warehouse ``root`` shows. ``gates_dir``: the marts run's GX folder
    (``marts/gx/<run id>``); without it, the newest one not newer than analytics.duckdb."""
    marts = read_marts(root / ANALYTICS_FILENAME)
    centroids = ward_centroids(reference_dir)
    summary = marts["ward_summary"]
    wards = centroids.join(summary, on="new_uid", how="left", validate="1:1")
    missing = wards.filter(pl.col("new_name").is_null())["new_uid"].to_list()
    if missing:
        raise ReportInputError(
            f"{root / ANALYTICS_FILENAME}: marts.ward_summary lacks {len(missing)} of the {centroids.height} wards "
            f"(first: {missing[0]})"
        )
    queue = read_queue_summary(root / QUEUE_SUMMARY)
    if queue is not None:
        wards = wards.join(open_review_by_ward(queue), on="new_uid", how="left").with_columns(
            pl.col("open_review", "open_review_own", "open_review_candidate", "records_blocked").fill_null(0)
        )
    accounting = marts["accounting"]
    reference_date = accounting["reference_date"].drop_nulls().max() if accounting.height else None
    return ReportInputs(
        wards=wards.sort("new_uid"),
        flows=marts["flows"],
        reconciliation=marts["reconciliation"],
        accounting=accounting,
        duplicates=marts["duplicates"],
        gates=read_gates(gates_dir if gates_dir is not None else latest_gates_dir(root)),
        queue=queue,
        reference_date=reference_date,
        queue_totals=read_queue_totals(root / QUEUE_TOTALS) if queue is not None else None,
        unread_extracts=read_unread_extracts(root),
    )
