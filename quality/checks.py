"""Data checks as plain functions: frames in, ``CheckOutcome`` out.

The Dagster layer (assets/) turns each outcome into an ``AssetCheckResult``; the
CLI and tests call the same functions directly. Table-level checks come from the
declarations in pipelines/schema.py (``Table.validate`` plus declared dtypes);
the others encode facts of the 2025 reorganisation that the reference data must
reproduce (Resolution 1685/NQ-UBTVQH15 for Ho Chi Minh City).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipelines.reference import HCMC_NEW_PROVINCE, HCMC_OLD_PROVINCES, HCMC_OLD_UNITS_BY_PROVINCE
from pipelines.schema import RESOLVE_STATUSES, RESOLVED_ADDRESS, Table

# Resolution 1685/NQ-UBTVQH15: the new Ho Chi Minh City.
HCMC_NEW_UNITS = 168
HCMC_OLD_UNITS = sum(HCMC_OLD_UNITS_BY_PROVINCE.values())  # 442
HCMC_SPLIT_OLD_UNITS = 47

# Resolver statuses that assign exactly one new ward, and those that need a person.
RESOLVED_STATUSES = ("exact", "fuzzy", "split_resolved")
REVIEW_STATUSES = ("split_review", "scheme_review", "unresolved")
assert set(RESOLVED_STATUSES) | set(REVIEW_STATUSES) == set(RESOLVE_STATUSES)

MAX_REPORTED_PROBLEMS = 20

# One line per check, shown in the Dagster UI next to the check (assets/ reads these).
CHECK_DESCRIPTIONS = {
    "schema_valid": "Matches its declaration in pipelines/schema.py: columns, dtypes, required fields, "
    "allowed values, primary key.",
    "crosswalk_integrity": "Every old unit maps to >=1 new unit and every new unit has >=1 predecessor "
    "(all provinces); uids match codes; each old unit has n_parts rows, exactly one default, "
    "is_split iff n_parts > 1.",
    "hcmc_invariants": "Resolution 1685/NQ-UBTVQH15: new HCMC has 168 units formed from 442 old units "
    "(273 HCMC, 91 Binh Duong, 78 Ba Ria-Vung Tau); every old unit maps into new HCMC, every new unit "
    "has a predecessor; 47 old units are split.",
    "gazetteer_consistency": "Every gazetteer entry belongs to a split old unit and names one of that "
    "unit's new parts.",
    "resolver_contract": "One output row per input row; RESOLVED_ADDRESS columns valid; new_uid set exactly "
    "for exact/fuzzy/split_resolved and among the candidates; every non-exact row has a reason.",
    "nothing_dropped": "Every split_review/scheme_review/unresolved row is in the queue with a reason; resolved + queued = all rows.",
}


@dataclass(frozen=True)
class CheckOutcome:
    """Result of one check: ``problems`` empty means passed."""

    name: str
    description: str
    problems: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.passed:
            return f"{self.name}: passed"
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        return (
            f"{self.name}: {len(self.problems)} problem(s): "
            + "; ".join(shown)
            + (f"; ... {more} more" if more else "")
        )


# --------------------------------------------------------------------------- declared tables


def _same_dtype(actual: pl.DataType, declared: pl.DataType | type[pl.DataType]) -> bool:
    # Polars compares an instance with a dtype class by kind (Datetime("us") == Datetime).
    return bool(actual == declared)


def table_problems(table: Table, frame: pl.DataFrame) -> list[str]:
    """Declared constraints (``Table.validate``) plus declared dtypes and no undeclared columns."""
    problems = list(table.validate(frame))
    if any("missing columns" in p for p in problems):
        return problems
    for f in table.fields:
        actual = frame.schema[f.name]
        if not _same_dtype(actual, f.dtype):
            problems.append(f"{table.name}.{f.name}: dtype {actual}, declared {f.dtype}")
    extra = [c for c in frame.columns if c not in table.columns]
    if extra:
        problems.append(f"{table.name}: undeclared columns {extra}")
    return problems


def check_table(table: Table, frame: pl.DataFrame) -> CheckOutcome:
    problems = table_problems(table, frame)
    return CheckOutcome(
        name="schema_valid",
        description=f"{table.name}: " + CHECK_DESCRIPTIONS["schema_valid"],
        problems=problems,
        metadata={"rows": frame.height, "columns": len(frame.columns)},
    )


# --------------------------------------------------------------------------- crosswalk


def _ids(frame: pl.DataFrame, column: str) -> pl.Series:
    return frame.get_column(column).unique()


def crosswalk_integrity(units_pre2025: pl.DataFrame, units_2025: pl.DataFrame, crosswalk: pl.DataFrame) -> CheckOutcome:
    """Every old and new unit appears in the crosswalk and vice versa; split parts are consistent."""
    problems: list[str] = []
    old_ids, new_ids = _ids(units_pre2025, "unit_uid").implode(), _ids(units_2025, "unit_uid").implode()
    cw_old, cw_new = _ids(crosswalk, "old_uid").implode(), _ids(crosswalk, "new_uid").implode()
    for label, frame, column, universe in (
        ("crosswalk old_uid not in units_pre2025", crosswalk, "old_uid", old_ids),
        ("crosswalk new_uid not in units_2025", crosswalk, "new_uid", new_ids),
        ("units_pre2025 unit without a crosswalk row", units_pre2025, "unit_uid", cw_old),
        ("units_2025 unit without a predecessor in the crosswalk", units_2025, "unit_uid", cw_new),
    ):
        bad = frame.filter(~pl.col(column).is_in(universe))[column].unique().sort()
        if bad.len():
            problems.append(f"{label}: {bad.len()}, e.g. {bad.head(5).to_list()}")
    code_mismatch = crosswalk.filter(
        ~pl.col("old_uid").str.ends_with(":" + pl.col("old_code"))
        | ~pl.col("new_uid").str.ends_with(":" + pl.col("new_code"))
    )
    if code_mismatch.height:
        problems.append(f"crosswalk rows whose uid and code disagree: {code_mismatch.height}")
    parts = crosswalk.group_by("old_uid").agg(
        pl.len().alias("rows"),
        pl.col("n_parts").n_unique().alias("n_parts_values"),
        pl.col("n_parts").first(),
        pl.col("is_default").sum().alias("defaults"),
        pl.col("is_split").n_unique().alias("is_split_values"),
        pl.col("is_split").first(),
    )
    for label, condition in (
        (
            "n_parts differs from the number of rows",
            (pl.col("n_parts_values") > 1) | (pl.col("n_parts") != pl.col("rows")),
        ),
        ("not exactly one default part", pl.col("defaults") != 1),
        (
            "is_split inconsistent with the number of parts",
            (pl.col("is_split_values") > 1) | (pl.col("is_split") != (pl.col("rows") > 1)),
        ),
    ):
        bad = parts.filter(condition)
        if bad.height:
            problems.append(f"old units with {label}: {bad.height}, e.g. {bad['old_uid'].sort().head(5).to_list()}")
    return CheckOutcome(
        name="crosswalk_integrity",
        description=CHECK_DESCRIPTIONS["crosswalk_integrity"],
        problems=problems,
        metadata={
            "crosswalk_rows": crosswalk.height,
            "old_units": units_pre2025.height,
            "new_units": units_2025.height,
            "split_old_units": int(parts.filter(pl.col("rows") > 1).height),
        },
    )


def hcmc_invariants(units_pre2025: pl.DataFrame, units_2025: pl.DataFrame, crosswalk: pl.DataFrame) -> CheckOutcome:
    """The new Ho Chi Minh City as fixed by Resolution 1685/NQ-UBTVQH15."""
    problems: list[str] = []
    new_units = units_2025.filter(pl.col("province_code") == HCMC_NEW_PROVINCE)
    old_area_units = units_pre2025.filter(pl.col("province_code").is_in(HCMC_OLD_PROVINCES))
    new_ids = new_units["unit_uid"].implode()
    old_area_ids = old_area_units["unit_uid"].implode()

    if new_units.height != HCMC_NEW_UNITS:
        problems.append(
            f"new HCMC (province {HCMC_NEW_PROVINCE}) has {new_units.height} units, expected {HCMC_NEW_UNITS}"
        )

    into_new = crosswalk.filter(pl.col("new_uid").is_in(new_ids))
    predecessors = (
        into_new.select("old_uid")
        .unique()
        .join(units_pre2025.select(pl.col("unit_uid").alias("old_uid"), "province_code"), on="old_uid", how="left")
    )
    if predecessors.height != HCMC_OLD_UNITS:
        problems.append(f"new HCMC units are formed from {predecessors.height} old units, expected {HCMC_OLD_UNITS}")
    by_province = dict(predecessors.group_by("province_code").len().iter_rows())
    if by_province != HCMC_OLD_UNITS_BY_PROVINCE:
        problems.append(
            f"predecessors by old province {dict(sorted((str(k), v) for k, v in by_province.items()))}, "
            f"expected {HCMC_OLD_UNITS_BY_PROVINCE}"
        )

    from_old = crosswalk.filter(pl.col("old_uid").is_in(old_area_ids))
    unmapped = old_area_units.filter(~pl.col("unit_uid").is_in(from_old["old_uid"].implode()))
    if unmapped.height:
        problems.append(
            f"old HCMC-area units with no new unit: {unmapped.height}, e.g. {unmapped['unit_uid'].head(5).to_list()}"
        )
    outside = from_old.filter(~pl.col("new_uid").is_in(new_ids))
    if outside.height:
        problems.append(
            f"old HCMC-area units mapped outside new HCMC: {outside.height} rows, e.g. {outside['old_uid'].head(5).to_list()}"
        )
    orphans = new_units.filter(~pl.col("unit_uid").is_in(into_new["new_uid"].implode()))
    if orphans.height:
        problems.append(
            f"new HCMC units without a predecessor: {orphans.height}, e.g. {orphans['unit_uid'].head(5).to_list()}"
        )

    split_old = from_old.filter(pl.col("is_split"))["old_uid"].n_unique()
    if split_old != HCMC_SPLIT_OLD_UNITS:
        problems.append(f"{split_old} old HCMC-area units flagged is_split, expected {HCMC_SPLIT_OLD_UNITS}")

    return CheckOutcome(
        name="hcmc_invariants",
        description=CHECK_DESCRIPTIONS["hcmc_invariants"],
        problems=problems,
        metadata={
            "new_hcmc_units": new_units.height,
            "old_units_forming_new_hcmc": predecessors.height,
            "old_units_by_province": {
                str(k): int(v) for k, v in sorted(by_province.items(), key=lambda kv: str(kv[0]))
            },
            "split_old_units": int(split_old),
        },
    )


def gazetteer_consistency(gazetteer: pl.DataFrame, crosswalk: pl.DataFrame) -> CheckOutcome:
    """Gazetteer entries point from a split old unit to one of its own new parts."""
    problems: list[str] = []
    splits = crosswalk.filter(pl.col("is_split")).select("old_uid", "new_uid")
    not_split = gazetteer.filter(~pl.col("old_uid").is_in(splits["old_uid"].unique().implode()))
    if not_split.height:
        problems.append(
            f"entries for old units that were not split: {not_split.height}, e.g. {not_split['old_uid'].unique().head(5).to_list()}"
        )
    wrong_part = gazetteer.join(splits, on=["old_uid", "new_uid"], how="anti").filter(
        pl.col("old_uid").is_in(splits["old_uid"].unique().implode())
    )
    if wrong_part.height:
        problems.append(
            f"entries whose new_uid is not a part of their old unit: {wrong_part.height}, "
            f"e.g. {wrong_part.select('old_uid', 'name', 'new_uid').head(3).rows()}"
        )
    return CheckOutcome(
        name="gazetteer_consistency",
        description=CHECK_DESCRIPTIONS["gazetteer_consistency"],
        problems=problems,
        metadata={"entries": gazetteer.height},
    )


def reference_checks(
    tables: Mapping[str, pl.DataFrame], declarations: Mapping[str, Table]
) -> dict[str, list[CheckOutcome]]:
    """All reference-data checks, keyed by the table they are attached to."""
    outcomes: dict[str, list[CheckOutcome]] = {
        name: [check_table(declarations[name], frame)] for name, frame in tables.items()
    }
    outcomes["crosswalk"] += [
        crosswalk_integrity(tables["units_pre2025"], tables["units_2025"], tables["crosswalk"]),
        hcmc_invariants(tables["units_pre2025"], tables["units_2025"], tables["crosswalk"]),
    ]
    outcomes["gazetteer"].append(gazetteer_consistency(tables["gazetteer"], tables["crosswalk"]))
    return outcomes


# --------------------------------------------------------------------------- resolver output


def status_counts(frame: pl.DataFrame) -> dict[str, int]:
    """Rows per resolver status, every status present (0 when absent), in declared order."""
    counts = dict(frame.group_by("status").len().iter_rows()) if frame.height else {}
    out = {status: int(counts.pop(status, 0)) for status in RESOLVE_STATUSES}
    out.update({str(k): int(v) for k, v in counts.items()})  # undeclared statuses stay visible
    return out


def resolved_address_problems(resolved: pl.DataFrame, input_rows: int) -> list[str]:
    """Resolver output against RESOLVED_ADDRESS and the resolver contract."""
    problems = list(RESOLVED_ADDRESS.validate(resolved))
    if any("missing columns" in p for p in problems):
        return problems
    for f in RESOLVED_ADDRESS.fields:
        if not _same_dtype(resolved.schema[f.name], f.dtype):
            problems.append(f"{RESOLVED_ADDRESS.name}.{f.name}: dtype {resolved.schema[f.name]}, declared {f.dtype}")
    if resolved.height != input_rows:
        problems.append(f"{resolved.height} output rows for {input_rows} input rows: rows were dropped or added")
    status = pl.col("status")
    rules = (
        (
            "resolved rows (exact/fuzzy/split_resolved) without new_uid",
            status.is_in(RESOLVED_STATUSES) & pl.col("new_uid").is_null(),
        ),
        (
            "review rows (split_review/scheme_review/unresolved) with a new_uid",
            status.is_in(REVIEW_STATUSES) & pl.col("new_uid").is_not_null(),
        ),
        (
            "non-exact rows without a reason",
            (status != "exact") & (pl.col("reason").is_null() | (pl.col("reason").str.strip_chars() == "")),
        ),
        (
            "rows whose new_code/new_name are set without a new_uid, or missing with one",
            (pl.col("new_uid").is_null() != pl.col("new_code").is_null())
            | (pl.col("new_uid").is_null() != pl.col("new_name").is_null()),
        ),
        ("confidence outside 0..1", (pl.col("confidence") < 0) | (pl.col("confidence") > 1)),
        (
            "split_review/scheme_review rows with fewer than 2 candidates",
            status.is_in(["split_review", "scheme_review"]) & (pl.col("candidates").list.len().fill_null(0) < 2),
        ),
        (
            "rows read in a scheme without a unit of it (scheme pre2025 without old_uid, 2025 with one)",
            ((pl.col("scheme") == "pre2025") & pl.col("old_uid").is_null())
            | ((pl.col("scheme") == "2025") & (pl.col("old_uid").is_not_null() | pl.col("new_uid").is_null())),
        ),
        (
            "resolved rows whose new_uid is not among the candidates",
            status.is_in(RESOLVED_STATUSES)
            & pl.col("candidates").is_not_null()
            & ~pl.col("candidates").list.contains(pl.col("new_uid")),
        ),
    )
    for label, condition in rules:
        n = resolved.filter(condition).height
        if n:
            problems.append(f"{label}: {n}")
    return problems


def check_resolved(resolved: pl.DataFrame, input_rows: int) -> CheckOutcome:
    return CheckOutcome(
        name="resolver_contract",
        description=CHECK_DESCRIPTIONS["resolver_contract"],
        problems=resolved_address_problems(resolved, input_rows),
        metadata={
            "rows": resolved.height,
            "input_rows": input_rows,
            **{f"status_{k}": v for k, v in status_counts(resolved).items()},
        },
    )


def review_queue(resolved: pl.DataFrame) -> pl.DataFrame:
    """Rows a person must look at: split_review and unresolved, input order kept."""
    return resolved.filter(pl.col("status").is_in(REVIEW_STATUSES))


def check_review_queue(resolved: pl.DataFrame, queue: pl.DataFrame) -> CheckOutcome:
    problems: list[str] = []
    expected = review_queue(resolved).height
    if queue.height != expected:
        problems.append(f"queue has {queue.height} rows, resolved table has {expected} split_review/unresolved rows")
    others = queue.filter(~pl.col("status").is_in(REVIEW_STATUSES)).height
    if others:
        problems.append(f"{others} queue rows with a status that needs no review")
    no_reason = queue.filter(pl.col("reason").is_null() | (pl.col("reason").str.strip_chars() == "")).height
    if no_reason:
        problems.append(f"{no_reason} queue rows without a reason")
    accounted = queue.height + resolved.filter(pl.col("status").is_in(RESOLVED_STATUSES)).height
    if accounted != resolved.height:
        problems.append(f"resolved + queued = {accounted} rows, resolved table has {resolved.height}")
    return CheckOutcome(
        name="nothing_dropped",
        description=CHECK_DESCRIPTIONS["nothing_dropped"],
        problems=problems,
        metadata={"queue_rows": queue.height, "resolved_rows": resolved.height},
    )


def sample_accuracy(resolved: pl.DataFrame, truth_column: str = "true_new_uid") -> dict[str, Any]:
    """Accuracy against a ground-truth column (bundled sample only). Empty dict without truth.

    ``truth_column`` holds the correct new ward, empty when the address cannot be placed in one
    ward (e.g. a split unit without evidence).
    """
    if truth_column not in resolved.columns:
        return {}
    truth = pl.col(truth_column).cast(pl.String).replace("", None)
    assigned = resolved.filter(pl.col("new_uid").is_not_null())
    correct = assigned.filter(pl.col("new_uid") == truth).height
    with_truth = resolved.filter(truth.is_not_null())
    return {
        "rows_with_truth": with_truth.height,
        "assigned_rows": assigned.height,
        "assigned_correct": correct,
        "assigned_wrong": assigned.height - correct,
        "precision_of_assigned": round(correct / assigned.height, 4) if assigned.height else None,
        "recall_on_truth": round(with_truth.filter(pl.col("new_uid") == truth).height / with_truth.height, 4)
        if with_truth.height
        else None,
    }
