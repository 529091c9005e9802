"""Quality rules as plain data: what a gate expects of a table, engine-neutral.

Nothing here imports Great Expectations (its import takes seconds); ``quality/gx.py``
turns these specs into GX expectations and runs them. Three kinds of rules:

* **Declared** (:func:`declared_expectations`): derived from a ``Table`` in
  pipelines/schema.py — every column exists, ``required`` -> not null, ``allowed`` -> in
  set, ``primary_key`` -> unique (compound when several columns). Types are checked in
  Polars (:func:`declared_dtype_outcomes`: the exact declared dtype of every column), not
  in GX: GX's ``ExpectColumnValuesToBeOfType`` on Arrow-backed pandas columns only sees the
  Python scalar type, which the exact dtype implies, and it was the costliest expectation
  of a suite to plan (about a third of a gate's GX time on the marts' small tables).
* **Domain** (attach per table, ``rules=[...]``): :func:`ward_in_dimension`,
  :func:`mst_check_digit`, :func:`unique`, :func:`age_range`, :func:`between`,
  :func:`matches`. A rule that needs computation (MST check digits, age at a date)
  derives a column in Polars first and expects it in GX; a derived boolean is null
  where the rule does not apply (null values pass ``in set``).
* **Cross-table invariants** (:func:`aggregate_equals`, :func:`totals_equal`): cheap
  in Polars, returned as :class:`Outcome` in the same structure as GX results so a
  gate reports them together (``validate(..., checks=[...])``).

Outcomes never carry cell values: only counts and record keys / row indices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from pipelines.schema import Table

MAX_EXAMPLES = 10

# Derived columns are named with this prefix; they never reach a published table.
DERIVED_PREFIX = "__rule__"

Deriver = Callable[[pl.DataFrame], pl.Series]


@dataclass(frozen=True, eq=False)
class Expect:
    """One expectation, engine-neutral.

    ``gx_type`` is the GX 1.x class name in ``great_expectations.expectations``,
    ``kwargs`` its arguments; ``rule`` says why it exists (``required``, ``allowed``,
    ``primary_key``, ``exists``, ``type``, ``ward_in_dimension``, ``mst_check_digit`` ...).
    ``derive`` maps derived column names to functions computing them from the Polars frame
    (vectorised, one call per chunk); ``source_columns`` names the table's column(s) the
    rule is about (reported instead of a derived column's name).
    """

    rule: str
    gx_type: str
    kwargs: Mapping[str, Any]
    derive: Mapping[str, Deriver] = field(default_factory=dict)
    source_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        if self.source_columns:
            return self.source_columns
        if "column" in self.kwargs:
            return (self.kwargs["column"],)
        return tuple(self.kwargs.get("column_list", ()))

    @property
    def is_uniqueness(self) -> bool:
        return self.gx_type in ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique")


@dataclass(frozen=True)
class Outcome:
    """Result of one expectation or invariant.

    ``examples`` are up to ``MAX_EXAMPLES`` record keys (the table's key columns, as
    ``{column: key}``) or ``{"row": <0-based row index>}`` — never a checked value.
    ``unexpected_count`` is None when the expectation could not run (``error`` says why).
    """

    name: str  # GX expectation type (snake case) or the invariant's name
    rule: str
    columns: tuple[str, ...]
    success: bool
    unexpected_count: int | None = 0
    element_count: int | None = None
    examples: tuple[dict[str, Any], ...] = ()
    engine: str = "gx"  # gx or polars
    error: str | None = None
    detail: str | None = None  # e.g. observed vs expected type, or compared totals

    def describe(self) -> str:
        cols = ", ".join(self.columns)
        head = f"{self.name}({cols}) [{self.rule}]"
        if self.success:
            return f"{head}: passed"
        if self.error:
            return f"{head}: could not run: {self.error}"
        parts = [head + ":"]
        if self.unexpected_count is not None:
            of = f" of {self.element_count}" if self.element_count is not None else ""
            parts.append(f"{self.unexpected_count}{of} rows unexpected")
        if self.detail:
            parts.append(f"({self.detail})")
        if self.examples:
            parts.append("at " + "; ".join(_fmt_key(k) for k in self.examples))
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rule": self.rule,
            "columns": list(self.columns),
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "element_count": self.element_count,
            "examples": [dict(k) for k in self.examples],
            "engine": self.engine,
            "error": self.error,
            "detail": self.detail,
        }


def _fmt_key(key: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


# --------------------------------------------------------------------------- declared


def declared_expectations(table: Table) -> list[Expect]:
    """Expectations derived from the table's declaration in pipelines/schema.py."""
    out: list[Expect] = []
    for f in table.fields:
        out.append(Expect("exists", "ExpectColumnToExist", {"column": f.name}))
        if f.required:
            out.append(Expect("required", "ExpectColumnValuesToNotBeNull", {"column": f.name}))
        if f.allowed is not None:
            out.append(
                Expect("allowed", "ExpectColumnValuesToBeInSet", {"column": f.name, "value_set": list(f.allowed)})
            )
    if table.primary_key:
        out.extend(unique(*table.primary_key, rule="primary_key").expectations())
    return out


def declared_dtype_outcomes(table: Table, frame: pl.DataFrame) -> list[Outcome]:
    """Exact declared dtypes and no undeclared columns, checked on the Polars frame."""
    out: list[Outcome] = []
    for f in table.fields:
        if f.name not in frame.columns:
            continue  # reported by the GX ``exists`` expectation
        actual = frame.schema[f.name]
        ok = bool(actual == f.dtype)
        out.append(
            Outcome(
                name="column_dtype_is_declared",
                rule="dtype",
                columns=(f.name,),
                success=ok,
                unexpected_count=None if ok else frame.height,
                element_count=frame.height,
                engine="polars",
                detail=None if ok else f"dtype {actual}, declared {f.dtype}",
            )
        )
    extra = [c for c in frame.columns if c not in table.columns]
    out.append(
        Outcome(
            name="no_undeclared_columns",
            rule="declared_columns",
            columns=tuple(extra),
            success=not extra,
            unexpected_count=0 if not extra else None,
            engine="polars",
            detail=f"undeclared columns {extra}" if extra else None,
        )
    )
    return out


# --------------------------------------------------------------------------- domain rules


@dataclass(frozen=True, eq=False)
class Rule:
    """A named group of expectations attachable to any table (``validate(rules=[...])``)."""

    name: str
    items: tuple[Expect, ...]

    def expectations(self) -> list[Expect]:
        return list(self.items)


def ward_in_dimension(ward_uids: Iterable[str], column: str = "new_uid") -> Rule:
    """Every non-null ward uid in ``column`` is a 2025 unit of the dimension.

    ``ward_uids``: e.g. ``default_reference().units_2025["unit_uid"]`` (or the city's 168).
    """
    uids = sorted(set(ward_uids))
    return Rule(
        "ward_in_dimension",
        (Expect("ward_in_dimension", "ExpectColumnValuesToBeInSet", {"column": column, "value_set": uids}),),
    )


def mst_valid(codes: pl.Series, allow_personal_id: bool = True) -> pl.Series:
    """True where a tax code is a valid MST (10 digits, or NNNNNNNNNN-NNN, check digit right),
    or a 12-digit personal ID when allowed; False otherwise; null where the code is null.

    Reuses ``pipelines.standardise.check_tax_code`` (digit 10 = 10 − (Σ wᵢ·dᵢ mod 11),
    weights 31,29,23,19,17,13,7,5,3; no valid code when the remainder is 0).
    """
    from pipelines.standardise import check_tax_code

    kinds = ("enterprise", "branch", "personal_id") if allow_personal_id else ("enterprise", "branch")
    kind = check_tax_code(codes.cast(pl.String))["tax_code_kind"]
    return pl.select(pl.when(kind.is_null()).then(None).otherwise(kind.is_in(kinds)).alias("ok")).to_series()


def mst_check_digit(column: str, allow_personal_id: bool = True) -> Rule:
    """Every non-null tax code in ``column`` is a valid MST (check digit) or, when allowed, a 12-digit personal ID."""
    derived = f"{DERIVED_PREFIX}mst_valid__{column}"
    return Rule(
        "mst_check_digit",
        (
            Expect(
                "mst_check_digit",
                "ExpectColumnValuesToBeInSet",
                {"column": derived, "value_set": [True]},
                derive={derived: lambda frame: mst_valid(frame[column], allow_personal_id)},
                source_columns=(column,),
            ),
        ),
    )


def unique(*columns: str, rule: str = "unique") -> Rule:
    """The column (or the combination of columns) is unique."""
    if len(columns) == 1:
        e = Expect(rule, "ExpectColumnValuesToBeUnique", {"column": columns[0]})
    else:
        e = Expect(rule, "ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})
    return Rule(rule, (e,))


def between(column: str, low: float | None, high: float | None, rule: str = "range") -> Rule:
    """Non-null values of ``column`` lie in [low, high] (None: unbounded)."""
    return Rule(
        rule, (Expect(rule, "ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high}),)
    )


def matches(column: str, regex: str, rule: str = "pattern") -> Rule:
    """Non-null values of ``column`` match ``regex``."""
    return Rule(rule, (Expect(rule, "ExpectColumnValuesToMatchRegex", {"column": column, "regex": regex}),))


def age_years(dob: pl.Expr, as_of: date) -> pl.Expr:
    """Whole years between a birth date and ``as_of``."""
    later_in_year = (dob.dt.month() > as_of.month) | ((dob.dt.month() == as_of.month) & (dob.dt.day() > as_of.day))
    return (pl.lit(as_of.year) - dob.dt.year().cast(pl.Int32) - later_in_year.cast(pl.Int32)).cast(pl.Int32)


def age_range(column: str = "date_of_birth", low: int = 0, high: int = 120, as_of: date | None = None) -> Rule:
    """Ages between ``low`` and ``high``: a Date column is turned into the age at ``as_of``
    (default: today), a numeric column is taken as the age itself."""

    derived = f"{DERIVED_PREFIX}age__{column}"

    def derive(frame: pl.DataFrame) -> pl.Series:
        s = frame[column]
        if s.dtype == pl.Date:
            return frame.select(age_years(pl.col(column), as_of or date.today()).alias(derived)).to_series()
        return s.alias(derived)

    e = Expect(
        "age_range",
        "ExpectColumnValuesToBeBetween",
        {"column": derived, "min_value": low, "max_value": high},
        derive={derived: derive},
        source_columns=(column,),
    )
    return Rule("age_range", (e,))


WARD_COLUMNS = ("new_uid", "ward_uid")
TAX_CODE_COLUMNS = ("tax_code", "taxpayer_code")
BIRTH_DATE_COLUMNS = ("date_of_birth",)


def domain_rules(
    table: Table,
    ward_uids: Iterable[str] | None = None,
    as_of: date | None = None,
    mst: bool = True,
) -> list[Rule]:
    """The domain rules that apply to ``table`` by its column names.

    * ``new_uid`` / ``ward_uid`` -> :func:`ward_in_dimension` (when ``ward_uids`` is given);
    * ``tax_code`` / ``taxpayer_code`` -> :func:`mst_check_digit` (``mst=False`` for staged
      tables, which keep invalid codes flagged rather than dropped);
    * ``date_of_birth`` -> :func:`age_range` 0-120 at ``as_of``.

    Entity ids are unique through the declared primary key.
    """
    out: list[Rule] = []
    uids = None if ward_uids is None else list(ward_uids)
    for c in table.columns:
        if c in WARD_COLUMNS and uids is not None:
            out.append(ward_in_dimension(uids, c))
        elif c in TAX_CODE_COLUMNS and mst:
            out.append(mst_check_digit(c))
        elif c in BIRTH_DATE_COLUMNS:
            out.append(age_range(c, as_of=as_of))
    return out


# --------------------------------------------------------------------------- cross-table invariants (Polars)


def aggregate_equals(
    name: str,
    aggregate: pl.DataFrame,
    key: str | Sequence[str],
    measure: str,
    detail: pl.DataFrame,
    detail_key: str | Sequence[str] | None = None,
    detail_measure: str | None = None,
) -> Outcome:
    """Each group's ``measure`` in ``aggregate`` equals the count (or the sum of
    ``detail_measure``) of its rows in ``detail``, and no group is missing on either side.

    Examples are the mismatching group keys (ward uids, unit uids — not personal).
    """
    keys = [key] if isinstance(key, str) else list(key)
    dkeys = keys if detail_key is None else ([detail_key] if isinstance(detail_key, str) else list(detail_key))
    agg_expr = pl.len() if detail_measure is None else pl.col(detail_measure).sum()
    expected = detail.group_by(dkeys).agg(agg_expr.cast(pl.Int64).alias("__expected"))
    expected = expected.rename(dict(zip(dkeys, keys, strict=True)))
    got = aggregate.select(*keys, pl.col(measure).cast(pl.Int64).alias("__got"))
    both = got.join(expected, on=keys, how="full", coalesce=True, nulls_equal=True)
    bad = both.filter(pl.col("__got").fill_null(0) != pl.col("__expected").fill_null(0)).sort(keys, nulls_last=True)
    what = "count of rows" if detail_measure is None else f"sum of {detail_measure}"
    return Outcome(
        name=name,
        rule="aggregate_equals_detail",
        columns=(measure,),
        success=bad.height == 0,
        unexpected_count=bad.height,
        element_count=both.height,
        examples=tuple(bad.select(keys).head(MAX_EXAMPLES).to_dicts()),
        engine="polars",
        detail=None if bad.height == 0 else f"{measure} differs from the {what} in the detail table",
    )


def totals_equal(name: str, totals: Mapping[str, int | None]) -> Outcome:
    """The same total computed from several tables (e.g. city population in
    ward_summary, in the population export, in people_entities) is equal everywhere."""
    values = {k: (None if v is None else int(v)) for k, v in totals.items()}
    ok = len(set(values.values())) == 1 and None not in values.values()
    return Outcome(
        name=name,
        rule="totals_equal",
        columns=tuple(values),
        success=ok,
        unexpected_count=0 if ok else len(values),
        element_count=len(values),
        engine="polars",
        detail=None if ok else "totals differ: " + ", ".join(f"{k}={v}" for k, v in values.items()),
    )


def polars_unique_outcome(frame: pl.DataFrame, e: Expect, key_columns: Sequence[str]) -> Outcome:
    """A uniqueness expectation over the whole frame (used when GX only sees chunks or columns)."""
    cols = list(e.columns)
    n, examples = 0, ()
    if _has_duplicates(frame, cols):  # False (the usual case) is proven cheaply: no row is duplicated
        dup = (
            frame.select(pl.struct(cols).is_duplicated().alias("d"))["d"]
            if len(cols) > 1
            else frame[cols[0]].is_duplicated()
        )
        if len(cols) == 1:
            dup = dup & frame[cols[0]].is_not_null()  # GX ignores nulls for single-column uniqueness
        n = int(dup.sum())
        examples = tuple(_key_dicts(frame.with_row_index("__row").filter(dup).head(MAX_EXAMPLES), key_columns))
    return Outcome(
        name=_snake(e.gx_type),
        rule=e.rule,
        columns=tuple(cols),
        success=n == 0,
        unexpected_count=n,
        element_count=frame.height,
        examples=examples,
        engine="polars",
    )


def _has_duplicates(frame: pl.DataFrame, cols: list[str]) -> bool:
    """Whether any row repeats another's values of ``cols`` (single column: nulls ignored, as GX does; several:
    nulls equal, as ``struct(...).is_duplicated``). Rows sorted by the key (published tables are) need one
    comparison with the previous row; otherwise distinct values are counted. False means the full check passes."""
    if len(cols) == 1:
        s = frame[cols[0]].drop_nulls()
        if s.len() < 2:
            return False
        if s.is_sorted():
            return bool(s.slice(1).eq_missing(s.slice(0, s.len() - 1)).any())
        # distinct 64-bit hashes prove distinct values (equal values hash equally): a quarter of the CPU of
        # counting distinct strings; only a repeated hash (a duplicate, or a collision) needs the exact count
        return s.hash().n_unique() != s.len() and s.n_unique() != s.len()
    keys = frame.select(cols)
    if keys.height < 2:
        return False
    if not any(keys[c].null_count() for c in cols):
        # lexicographic order: a row before its predecessor means unsorted; sorted rows repeat only adjacently
        before, equal = pl.lit(False), pl.lit(True)
        for c in cols:
            prev = pl.col(c).shift(1)
            before = before | (equal & (pl.col(c) < prev))
            equal = equal & (pl.col(c) == prev)
        unsorted, repeated = keys.select(before.slice(1).any().alias("u"), equal.slice(1).any().alias("r")).row(0)
        if not unsorted:
            return bool(repeated)
    if keys.select(pl.struct(cols).hash()).to_series().n_unique() == keys.height:
        return False  # distinct hashes: distinct rows (equal rows hash equally, nulls included)
    return keys.n_unique() != keys.height


def _key_dicts(rows: pl.DataFrame, key_columns: Sequence[str]) -> list[dict[str, Any]]:
    if key_columns:
        return rows.select(key_columns).to_dicts()
    return [{"row": int(i)} for i in rows["__row"]]


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper() and out:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
