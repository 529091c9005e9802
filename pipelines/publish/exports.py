"""Standard exports for ministries: one Frictionless Data Package per recipient.

Declared in ``mappings/exports/<recipient>.toml`` (data, not code: adding a recipient is
adding a file). Each declaration names its resources, and for each resource the source
table in the warehouse (``<schema>.<table>``: ``reference``/``entities``/``staged`` tables of
``wardbridge.duckdb``, ``marts`` tables of ``analytics.duckdb``), the exported fields
(source column, exported name, Table Schema type) and, for every personal field, whether it
is included, pseudonymised (HMAC-SHA256 keyed by ``$WARDBRIDGE_PSEUDONYM_KEY``) or withheld.
Declarations are validated against ``pipelines/schema.py`` before any data is read; every
problem names the file, resource, field and key.

An export is the folder ``<exports root>/<recipient>/``::

    datapackage.json      Data Package: a Table Schema per resource, sha256/bytes/rows of every
                          file, source run ids, code scheme, generation time ("created"), licence
                          ("other-closed": restricted, for the receiving ministry's use, not open data)
    <resource>.csv        UTF-8, header, comma, empty string = null
    <resource>.parquet    the same rows and columns (zstd)
    validation.json       the quality gate's outcome per resource (expectation, rule, columns, failing
                          row counts and keys; never a value)
    validation/           Great Expectations Data Docs: index.html (one line per resource) and
                          <resource>/index.html + gate.json (not Data Package resources)

The gate (:func:`gate_resource`, quality/gx.py) validates every exported resource with a GX suite
derived from its declaration (:func:`export_table`: exported names, types, required, enum, unique
primary key; unit code patterns) plus domain rules where the columns exist (2025 ward uids/codes
in the marts' 2025 dimension, old units in the pre-2025 dimension, MST check digits on tax codes
exported in clear, ages 0-120 at the marts' reference date) and cross-table totals (city totals of
marts.ward_summary; each mart-sourced measure's sum equals the mart's). It runs on the staged
folder before the swap: a failing gate publishes nothing, raises :class:`GateRejected` naming the
expectation and row keys, and keeps that attempt's Data Docs in ``.<recipient>.rejected/``.

Data files and validation.json are byte-identical when the inputs are (rows sorted by the
primary key, no timestamps): the generation time lives only in datapackage.json (Data Docs are
HTML with their run's time). The folder is built beside the published one
(``.<recipient>.partial-*``) and swapped in (exchanged with the published one in one atomic step on
Linux; elsewhere old one renamed aside, new one renamed in, old one deleted), so a failed or killed run
leaves the previous export in place; a run finding only the renamed-aside folder puts it back first.

No Dagster and no frictionless here: datapackage.json is plain JSON written to the Data
Package / Table Schema specifications (tests validate it with frictionless).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tomllib
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import schema as S
from pipelines.ingest.status import extracts_read_in_part, unread_extracts
from pipelines.publish.pseudonym import KEY_ENV as PSEUDONYM_KEY_ENV
from pipelines.publish.pseudonym import (
    MIN_KEY_BYTES,
    PSEUDONYM_HEX,
    WeakKeyError,
    checked_key,
    key_fingerprint,
    pseudonym_table,
    pseudonymise_rows,
)
from pipelines.publish.store import cannot_replace, put_back, swap_folder
from pipelines.schema import Table
from pipelines.warehouse import (
    REPO_ROOT,
    PartitionedLayer,
    Warehouse,
    connect_for_reading,
    file_lock,
    private_modes,
    search_warehouse,
)
from quality import gx as gates
from quality import rules as Q

EXPORTS_DIR = REPO_ROOT / "mappings" / "exports"
EXPORTS_SUBDIR = "exports"  # under the warehouse root
ANALYTICS_FILENAME = "analytics.duckdb"

# Table Schema type -> Polars dtype the column is cast to
EXPORT_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
}
# Table Schema type -> source dtypes it may come from
_COMPATIBLE: dict[str, tuple[type[pl.DataType], ...]] = {
    "integer": (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64),
    "number": (
        pl.Int8,
        pl.Int16,
        pl.Int32,
        pl.Int64,
        pl.UInt8,
        pl.UInt16,
        pl.UInt32,
        pl.UInt64,
        pl.Float32,
        pl.Float64,
    ),
    "boolean": (pl.Boolean,),
    "date": (pl.Date,),
}
POLICIES = ("include", "pseudonymise", "withhold")
FORMATS = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
CODE_SCHEMES = {S.SCHEME_2025: "GSO commune-level codes of Decision 19/2025/QĐ-TTg (from 1 July 2025)"}
UNIT_SCHEMES = (S.SCHEME_PRE2025, S.SCHEME_2025)
UNIT_FORMS = ("uid", "code")


def _code_description(scheme: str, uid_description: str) -> str:
    """A bare-code field's description: what the code is, and when it is empty as its uid field says."""
    if scheme == S.SCHEME_2025:
        code = "5-digit GSO code of the 2025 ward or commune (Decision 19/2025/QĐ-TTg)"
    else:
        code = "GSO code of the pre-2025 unit (5 digits; 3 for an island district without communes)"
    empty = uid_description.split(";", 1)[1].strip() if ";" in uid_description else ""
    return code + (f"; {empty}" if empty else ".")


# --------------------------------------------------------------------------- what a recipient reads
# The warehouse's descriptions (pipelines/schema.py, docs/tables.md) are written for its developers and analysts:
# a staged field's row policy ('flagged in `issues`'), the golden value's spec file, the marts' Parquet
# partitioning, warehouse table names. An export's datapackage.json says what they mean for the exported rows.

_ENTITY_NOUNS = {"people": "person", "households": "household", "businesses": "business", "taxpayers": "taxpayer"}
_SURVIVOR_WORDS = {
    "most_frequent": "the value most of them give (a tie: the most recent, then the first read)",
    "most_recent": "the value of the most recent one",
    "longest": "the longest value",
    "first": "the value of the first one read",
    "max": "the largest value",
    "min": "the smallest value",
}
_HIVE_SENTENCE = re.compile(r"\s*Hive-partitioned by new_ward_code(?: in Parquet)?\.")
_TABLE_REFERENCE = re.compile(r" \((?:marts|reference|entities|staged|resolved)\.\w+\)")  # '(marts.dim_ward_2025)'


def _survivorship(kind: str) -> dict[str, str]:
    with open(S.MATCH_SPEC_DIR / f"{kind}.toml", "rb") as fh:
        return dict(tomllib.load(fh).get("survivorship", {}))


def queued_id_columns(registry: str) -> frozenset[str]:
    """The staged columns of ``registry`` whose flagged values the ward officials' ``invalid_id`` queue takes
    (pipelines/review/queues.py ID_CHECKS); other unreadable values: queued_unreadable_columns."""
    from pipelines.review.queues import ID_CHECKS

    return frozenset(column for column, _ in ID_CHECKS.get(registry, ()))


def queued_unreadable_columns(registry: str) -> frozenset[str]:
    """The staged columns of ``registry`` whose unreadable values (written, not read) the ward officials'
    ``unreadable_value`` queue takes (pipelines/review/queues.py unreadable_fields): a birth date, sex, phone, members
    count or registration date. A missing one (nothing written) is in no officials' queue."""
    from pipelines.review.queues import unreadable_fields

    return frozenset(unreadable_fields(registry))


def _row_policy_for_recipient(f: S.Field, noun: str, registry: str) -> str:
    """A staged field's missing/invalid policy as it shows in an entity's exported value, saying where the records
    it concerns are listed: a quarantined row is in the ward officials' queue of rows to repair; a flagged ID or tax
    code in their queue of invalid IDs; any other unreadable value in their queue of unreadable values; a missing
    flagged value only in the warehouse's list of flagged records."""
    out = []
    if "quarantine" in (f.on_missing, f.on_invalid):
        what = {(True, True): "without it or with an unreadable one", (True, False): "without it"}.get(
            (f.on_missing == "quarantine", f.on_invalid == "quarantine"), "with an unreadable one"
        )
        out.append(f"Source records {what} were set aside for correction and are not in this export.")
    if "flag" in (f.on_missing, f.on_invalid):
        what = "a readable value" if f.on_invalid == "flag" else "it"
        out.append(f"Empty when no source record of the {noun} gives {what}.")
        flagged = {
            (True, True): "Source records without it or with an unreadable one",
            (True, False): "Source records without it",
        }.get((f.on_missing == "flag", f.on_invalid == "flag"), "Source records with an unreadable one")
        if f.name in queued_id_columns(registry) and f.on_invalid == "flag":
            out.append(
                "Source records with an unreadable or doubtful one are in the ward officials' review queue of "
                "invalid IDs" + ("; those without one are not." if f.on_missing is None else ".")
            )
        elif f.name in queued_unreadable_columns(registry) and f.on_invalid == "flag":
            out.append(
                "Source records with an unreadable one are in the ward officials' review queue of unreadable values"
                + (
                    "; those without one are flagged in the city's warehouse for its data engineers, in no ward "
                    "officials' review queue."
                    if f.on_missing == "flag"
                    else "."
                )
            )
        else:
            out.append(
                f"{flagged} are flagged in the city's warehouse for its data engineers; they are in no ward "
                "officials' review queue."
            )
    return " ".join(out)


def _partial_date_sentence(kind: str, name: str, exported: Mapping[str, str] | None = None) -> str:
    """For a date some sources give as a year or a month only (the match spec declares its precision column): how
    such a date is written, and whether the export says which (``exported``: the resource's exported fields, source
    column -> exported name; the precision column among them, a golden column)."""
    precision = S.review_dates(kind).get(name)
    if not precision:
        return ""
    told = (
        f"the export's field {exported[precision]} says which (day, month or year)"
        if precision in S.ENTITY_GOLDEN_COLUMNS[kind] and exported and precision in exported
        else "this export does not say which dates are known only so"
    )
    return (
        "A date a source gives as a year only is written as 1 January of that year, one given as a month and year "
        f"only as the 1st of that month; {told}."
    )


def _survivor_words(kind: str, name: str) -> str:
    """How a golden column's value is chosen, in words: a date known to different precisions and its precision
    column follow pipelines/match/entities.py's _survive_dated, the others their rule."""
    dated = {d: p for d, p in S.SPEC_DATE_PRECISION[kind].items() if p and d in S.ENTITY_GOLDEN_COLUMNS[kind]}
    if name in dated:
        return (
            "the date most of them agree with (a date known only to its year or month agrees with every full date "
            "within it, so a full date wins over it; a tie: the more precise, then the most recent, then the first read)"
        )
    for date, precision in dated.items():
        if name == precision:
            return f"how precisely the chosen {date.replace('_', ' ')} is known"
    return _SURVIVOR_WORDS[_survivorship(kind)[name]]


def recipient_description(table: Table, source_field: S.Field, exported: Mapping[str, str] | None = None) -> str:
    """``source_field``'s description as an export recipient reads it: a golden column says its rule and what a
    missing or unreadable source value gives, not the spec file and the `issues` column; references to warehouse
    tables and the marts' Parquet partitioning are left out. ``exported``: the resource's exported fields (source
    column -> exported name)."""
    text = source_field.description
    kind = table.name.removesuffix("_entities") if table.name.endswith("_entities") else None
    if kind in S.ENTITY_KINDS and source_field.name in S.ENTITY_GOLDEN_COLUMNS[kind]:
        staged = S.staged_field(S.ENTITY_KINDS[kind], source_field.name)
        policy = S.policy_sentences(staged.on_missing, staged.on_invalid)
        base = staged.description.removesuffix(policy).strip()
        noun = _ENTITY_NOUNS[kind]
        rule = _survivor_words(kind, source_field.name)
        text = " ".join(
            part
            for part in (
                base,
                _row_policy_for_recipient(staged, noun, S.ENTITY_KINDS[kind]),
                f"When several source records describe the same {noun}: {rule}.",
                _partial_date_sentence(kind, source_field.name, exported),
            )
            if part
        )
    return recipient_text(text)


def recipient_text(text: str) -> str:
    """A table's or field's warehouse text without the marts' Parquet partitioning and warehouse table names."""
    return _TABLE_REFERENCE.sub("", _HIVE_SENTENCE.sub("", text)).strip()


def unit_pattern(unit: str, scheme: str) -> str:
    """Regex of a unit field's values: '<scheme>:<5 digits>' or the bare code. Pre-2025 island districts
    without communes (Côn Đảo) are units of their own: 'pre2025-district:<3 digits>'."""
    if unit == "uid":
        district = f"|^{scheme}-district:[0-9]{{3}}$" if scheme == S.SCHEME_PRE2025 else ""
        return f"^{scheme}:[0-9]{{5}}${district}"
    return "^[0-9]{5}$" + ("|^[0-9]{3}$" if scheme == S.SCHEME_PRE2025 else "")


NAME_PATTERN = re.compile(r"^[a-z0-9_]+$")
MISSING = ""

# Source columns that hold personal values: a declaration must say include, pseudonymise or
# withhold for each of them (Decree 13/2023/NĐ-CP: minimise, pseudonymise, restrict).
PERSONAL_COLUMNS = frozenset(
    {
        "full_name",
        "full_name_original",
        "name_key",
        "date_of_birth",
        "personal_id",
        "old_id_number",
        "phone",
        "address",
        "household_no",
        "head_name",
        "head_name_original",
        "head_personal_id",
        "owner_name",
        "owner_personal_id",
        "taxpayer_code",
        "taxpayer_name",
        "tax_code",
        "registration_no",
        "record_ids",
        "record_key",
        "source_key",
    }
)

_EXPORT_KEYS = {"recipient", "title", "description", "code_scheme", "formats", "same_value_same_pseudonym"}
_RESOURCE_KEYS = {"name", "source", "title", "description", "primary_key", "foreign_keys", "fields"}
_FOREIGN_KEY_KEYS = {"fields", "resource", "reference"}
_FIELD_KEYS = {
    "source",
    "name",
    "type",
    "description",
    "personal",
    "required",
    "enum",
    "unit",
    "scheme",
    "pseudonym_kind",
    "pseudonymise_when",
    "withhold_when",
}
_CONDITION_KEYS = {"column", "in", "matches", "pattern", "says"}
PSEUDONYM_SHAPE = f"^[0-9a-f]{{{PSEUDONYM_HEX}}}$"
# [export] same_value_same_pseudonym = true, in the words datapackage.json says it
SAME_VALUE_WORDS = (
    "pseudonymised on any row of this package in a field of the same pseudonym kind (one value, one pseudonym: "
    "never in clear in one place and pseudonymised in another)"
)


class DeclarationError(ValueError):
    """A declaration (or the environment it needs) is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class ExportError(RuntimeError):
    """The data did not pass the export's checks (nothing was published) or could not be read."""


class GateRejected(ExportError):
    """A resource failed its quality gate: nothing was published, the previous export is unchanged.

    ``results`` holds every resource's :class:`quality.gx.GateResult`; ``docs`` the folder that keeps
    the rejected attempt's Data Docs (``<exports root>/.<recipient>.rejected/validation``)."""

    def __init__(self, message: str, results: list[gates.GateResult], docs: Path | None):
        super().__init__(message)
        self.results = results
        self.docs = docs


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class RowCondition:
    """Rows where source ``column`` is one of ``values`` (``in``) or matches the regex ``matches``; ``says``: how
    datapackage.json words it for the recipient (instead of the values or the pattern)."""

    column: str
    values: tuple[str, ...] | None = None
    matches: str | None = None
    says: str | None = None

    def expr(self) -> pl.Expr:
        col = pl.col(self.column).cast(pl.String)
        hit = col.is_in(list(self.values)) if self.values is not None else col.str.contains(self.matches or "")
        return hit.fill_null(False)

    def describe(self) -> str:
        if self.says:
            return f"{self.column} {self.says}"
        if self.values is not None:
            return f"{self.column} is one of {', '.join(repr(v) for v in self.values)}"
        return f"{self.column} matches the pattern {self.matches!r}"


def _any(conditions: tuple[RowCondition, ...]) -> pl.Expr:
    return pl.any_horizontal(c.expr() for c in conditions)


@dataclass(frozen=True)
class ExportField:
    source: str
    name: str
    type: str
    description: str
    personal: str | None = None  # include | pseudonymise | withhold, None = not personal
    required: bool = False
    enum: tuple[str, ...] | None = None
    unit: str | None = None  # uid | code: an administrative unit of `scheme`
    scheme: str | None = None
    pseudonym_kind: str | None = None  # HMAC message prefix '<kind>:'; default: the recipient
    # included fields only: pseudonymised / withheld (empty) on the rows where any condition holds
    pseudonymise_when: tuple[RowCondition, ...] = ()
    withhold_when: tuple[RowCondition, ...] = ()
    # with pseudonymise_when, in a declaration with same_value_same_pseudonym: also pseudonymised on every row whose
    # value a field of the same pseudonym kind pseudonymises anywhere in the package
    same_value: bool = False

    @property
    def exported(self) -> bool:
        return self.personal != "withhold"

    @property
    def pseudonymised(self) -> bool:
        """Pseudonymised on every row or on some rows."""
        return self.personal == "pseudonymise" or bool(self.pseudonymise_when)

    @property
    def policy(self) -> str:
        """The personal-field policy as said in datapackage.json."""
        out = self.personal or ""
        if self.pseudonymise_when:
            out += "; pseudonymise where " + " or ".join(c.describe() for c in self.pseudonymise_when)
            if self.same_value:
                out += f", and wherever the value is {SAME_VALUE_WORDS}"
        if self.withhold_when:
            out += "; withhold where " + " or ".join(c.describe() for c in self.withhold_when)
        return out

    @property
    def pattern(self) -> str | None:
        return unit_pattern(self.unit, self.scheme) if self.unit and self.scheme else None


@dataclass(frozen=True)
class ForeignKey:
    """Table Schema foreign key: ``fields`` of this resource are a row of ``resource``'s ``reference`` fields."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]

    def descriptor(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "reference": {"resource": self.resource, "fields": list(self.reference)}}


@dataclass(frozen=True)
class ExportResource:
    name: str
    source: str  # <schema>.<table>
    title: str
    description: str
    fields: tuple[ExportField, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def exported(self) -> tuple[ExportField, ...]:
        return tuple(f for f in self.fields if f.exported)


@dataclass(frozen=True)
class ExportDeclaration:
    recipient: str
    title: str
    description: str
    code_scheme: str
    formats: tuple[str, ...]
    resources: tuple[ExportResource, ...]
    path: Path
    sha256: str
    # a value pseudonymised on some row of a field is pseudonymised on every row of every field of the same pseudonym
    # kind that pseudonymises on some rows (pseudonymise_when), in every resource: :func:`pseudonym_tables`
    same_value_same_pseudonym: bool = False

    @property
    def pseudonymises(self) -> bool:
        return any(f.pseudonymised for r in self.resources for f in r.fields)


def source_tables() -> dict[str, Table]:
    """Every table an export may read, by ``<schema>.<table>`` (declared in pipelines/schema.py)."""
    groups: dict[str, tuple[Table, ...]] = {
        "reference": S.REFERENCE_TABLES,
        "entities": S.ENTITY_TABLES,
        "staged": tuple(S.staged_table(r) for r in S.REGISTRY_KINDS),
        # the analysts' marts (pipelines/publish/marts.py)
        "marts": S.ANALYTICS_TABLES,
    }
    return {f"{schema}.{t.name}": t for schema, tables in groups.items() for t in tables}


class _Problems:
    def __init__(self, path: Path):
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, key: str, cause: str) -> None:
        self.items.append(f"{self.path.name}: {where}key '{key}': {cause}")


def _where(resource: str | None = None, fld: str | None = None) -> str:
    return (f"resource '{resource}': " if resource else "") + (f"field '{fld}': " if fld else "")


def _check_keys(p: _Problems, table: Mapping, allowed: set[str], where: str) -> None:
    for key in sorted(set(table) - allowed):
        p.add(where, key, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _string(p: _Problems, table: Mapping, key: str, where: str, *, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            p.add(where, key, "missing")
        return None
    if not isinstance(value, str) or not value.strip():
        p.add(where, key, "must be a non-empty string")
        return None
    return value


def _dtype_fits(export_type: str, dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.List | pl.Array | pl.Struct):
        return False
    if export_type == "string":
        return True
    return dtype.base_type() in _COMPATIBLE[export_type]


def _valid_regex(pattern: Any) -> bool:
    """A non-empty regex both Python and Polars (Rust's regex syntax) accept."""
    try:
        if not isinstance(pattern, str) or not pattern:
            raise re.error("empty")
        re.compile(pattern)
        pl.select(pl.lit("").str.contains(pattern))
    except (re.error, pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return False
    return True


def _parse_patterns(p: _Problems, raw: Any) -> dict[str, str]:
    """``[patterns]``: regexes by name, which conditions name (``pattern = "<name>"``) instead of repeating them."""
    if not isinstance(raw, dict):
        p.add("", "patterns", "must be a table of names and regular expressions ([patterns])")
        return {}
    patterns = {}
    for name, pattern in raw.items():
        if not NAME_PATTERN.match(name):
            p.add("[patterns] ", name, "use lowercase letters, digits and '_' only")
        elif not _valid_regex(pattern):
            p.add("[patterns] ", name, "must be a valid regular expression")
        else:
            patterns[name] = pattern
    return patterns


def _named_pattern(p: _Problems, item: dict, key: str, where: str, patterns: Mapping[str, str]) -> dict | None:
    """``item`` with its ``pattern`` (a name in [patterns]) given as ``matches``; None (a problem added) when the
    name is unknown or ``matches`` is given too."""
    if "pattern" not in item:
        return item
    named = item["pattern"]
    if "matches" in item:
        p.add(where, key, "give 'pattern' (a name in [patterns]) or 'matches' (a regex), not both")
        return None
    if not isinstance(named, str) or named not in patterns:
        p.add(where, key, f"no pattern {named!r} in [patterns]")
        return None
    return {k: v for k, v in item.items() if k != "pattern"} | {"matches": patterns[named]}


def _parse_conditions(
    p: _Problems,
    raw: Any,
    key: str,
    where: str,
    own: str | None,
    table: Table | None,
    patterns: Mapping[str, str] | None = None,
) -> tuple[RowCondition, ...]:
    """``key = {column = "...", in = [...]}`` or ``{matches = "regex"}`` or ``{pattern = "<name in [patterns]>"}``
    (column: default the field's own source column), or a list of such tables (any of them)."""
    items = raw if isinstance(raw, list) else [raw]
    out: list[RowCondition] = []
    if not items:
        p.add(where, key, "must be a table {column = ..., in = [...]} or {matches = ...}, or a list of them")
    columns = {f.name for f in table.fields} if table is not None else None
    for item in items:
        if not isinstance(item, dict):
            p.add(where, key, "must be a table {column = ..., in = [...]} or {matches = ...}, or a list of them")
            continue
        bad = sorted(set(item) - _CONDITION_KEYS)
        if bad:
            p.add(where, key, f"unknown key {', '.join(bad)} (allowed: column, in, matches, pattern, says)")
        item = _named_pattern(p, item, key, where, patterns or {})
        if item is None:
            continue
        column = item.get("column", own)
        if not isinstance(column, str) or not column:
            p.add(where, key, "'column' must be a source column name")
            continue
        if columns is not None and column not in columns:
            p.add(where, key, f"no column '{column}' in {table.name} (pipelines/schema.py)")
        values, matches = item.get("in"), item.get("matches")
        if (values is None) == (matches is None):
            p.add(where, key, "give exactly one of 'in' (a list of values) or 'matches' (a regex)")
            continue
        if values is not None and (
            not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values)
        ):
            p.add(where, key, "'in' must be a non-empty list of strings")
            continue
        if matches is not None and not _valid_regex(matches):
            p.add(where, key, "'matches' must be a valid regular expression")
            continue
        says = item.get("says")
        if says is not None and (not isinstance(says, str) or not says.strip()):
            p.add(where, key, "'says' must be the condition in words (text)")
            says = None
        out.append(RowCondition(column, tuple(values) if values is not None else None, matches, says))
    return tuple(out)


def _parse_field(
    p: _Problems,
    raw: Any,
    resource: str,
    table: Table | None,
    code_scheme: str | None,
    exported: Mapping[str, str] | None = None,
    same_value: bool = False,
    patterns: Mapping[str, str] | None = None,
) -> ExportField | None:
    if not isinstance(raw, dict):
        p.add(_where(resource), "fields", "every entry must be a table ([[resources.fields]])")
        return None
    label = raw.get("name") or raw.get("source") or "?"
    where = _where(resource, str(label))
    _check_keys(p, raw, _FIELD_KEYS, where)
    source = _string(p, raw, "source", where)
    personal = raw.get("personal")
    name = _string(p, raw, "name", where, required=personal != "withhold") or source
    if name is not None and not NAME_PATTERN.match(name):
        p.add(where, "name", "use lowercase letters, digits and '_' only")
    if personal is not None and personal not in POLICIES:
        p.add(where, "personal", f"must be one of {', '.join(POLICIES)}")
    source_field = next((f for f in table.fields if f.name == source), None) if table is not None else None
    if table is not None and source is not None and source_field is None:
        p.add(where, "source", f"no column '{source}' in {table.name} (pipelines/schema.py)")
    if source in PERSONAL_COLUMNS and personal is None:
        p.add(where, "personal", f"'{source}' holds personal values: say include, pseudonymise or withhold")
    type_ = _field_type(p, raw, where, source, personal, table.polars_schema if table is not None else {})
    required = raw.get("required", source_field.required if source_field is not None else False)
    if not isinstance(required, bool):
        p.add(where, "required", "must be true or false")
    enum = _field_enum(p, raw, where, source_field, personal, type_)
    unit, scheme = _field_unit(p, raw, where, code_scheme, type_, personal)
    description = _field_description(raw, table, source_field, exported, unit, scheme)
    kind = raw.get("pseudonym_kind")
    pseudonymising = personal == "pseudonymise" or "pseudonymise_when" in raw
    if kind is not None and (not pseudonymising or not isinstance(kind, str) or not NAME_PATTERN.match(kind)):
        p.add(where, "pseudonym_kind", "only for pseudonymised fields; lowercase letters, digits and '_'")
    when: dict[str, tuple[RowCondition, ...]] = {}
    for key in ("pseudonymise_when", "withhold_when"):
        if key not in raw:
            continue
        when[key] = _parse_conditions(p, raw[key], key, where, source, table, patterns)
        if personal != "include":
            p.add(where, key, "only for fields with personal = 'include' (in clear on the other rows)")
        elif type_ != "string":
            p.add(where, key, "only for string fields")
    if source is None or name is None:
        return None
    same_value = same_value and bool(when.get("pseudonymise_when"))
    return ExportField(
        source=source,
        name=name,
        type=type_ if type_ in EXPORT_TYPES else "string",
        description=_with_policy_sentences(description, personal, when, same_value),
        personal=personal,
        required=bool(required),
        enum=tuple(enum) if enum is not None else None,
        unit=unit if unit in UNIT_FORMS else None,
        scheme=scheme if unit in UNIT_FORMS else None,
        pseudonym_kind=kind if isinstance(kind, str) else None,
        pseudonymise_when=when.get("pseudonymise_when", ()),
        withhold_when=when.get("withhold_when", ()),
        same_value=same_value,
    )


def _field_type(
    p: _Problems, raw: dict, where: str, source: str | None, personal: Any, declared: Mapping[str, Any]
) -> Any:
    """The field's export type (default string) as written; a problem when it is no EXPORT_TYPES, a pseudonymised
    field not a string, or the type does not fit the source column's."""
    type_ = raw.get("type", "string")
    if type_ not in EXPORT_TYPES:
        p.add(where, "type", f"must be one of {', '.join(EXPORT_TYPES)}")
    elif personal == "pseudonymise" and type_ != "string":
        p.add(where, "type", "a pseudonymised field is a string (hex digits)")
    elif source in declared and personal != "pseudonymise" and not _dtype_fits(type_, declared[source]):
        p.add(where, "type", f"'{type_}' does not fit the source column type {declared[source]}")
    return type_


def _field_enum(p: _Problems, raw: dict, where: str, source_field: Any, personal: Any, type_: Any) -> list | None:
    """The field's allowed values: its enum, else the source column's (not for a pseudonymised field); a problem
    for an enum that is no non-empty list of strings or is on a field that is not a string."""
    enum = raw.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum or not all(isinstance(v, str) for v in enum)):
        p.add(where, "enum", "must be a non-empty list of strings")
        enum = None
    if enum is None and source_field is not None and source_field.allowed and personal != "pseudonymise":
        enum = list(source_field.allowed)
    if enum is not None and type_ != "string":
        p.add(where, "enum", "only string fields take an enum")
    return enum


def _field_unit(
    p: _Problems, raw: dict, where: str, code_scheme: str | None, type_: Any, personal: Any
) -> tuple[Any, Any]:
    """(unit, scheme) as written (the scheme defaults to the resource's code scheme); problems for an unknown unit
    form or scheme, a unit field that is not a plain string, a scheme on a field that is no unit."""
    unit, scheme = raw.get("unit"), raw.get("scheme", code_scheme)
    if unit is not None:
        if unit not in UNIT_FORMS:
            p.add(where, "unit", f"must be one of {', '.join(UNIT_FORMS)}")
        if scheme not in UNIT_SCHEMES:
            p.add(where, "scheme", f"must be one of {', '.join(UNIT_SCHEMES)}")
        if type_ != "string" or personal is not None:
            p.add(where, "unit", "a unit field is a string and not personal")
    elif "scheme" in raw:
        p.add(where, "scheme", "only unit fields (unit = 'uid' or 'code') take a scheme")
    return unit, scheme


def _field_description(
    raw: dict,
    table: Table | None,
    source_field: Any,
    exported: Mapping[str, str] | None,
    unit: Any,
    scheme: Any,
) -> str:
    """The field's description (written, else the source column's as the recipient reads it), ending in a full
    stop: the policy sentences follow it."""
    description = raw.get("description") or (
        recipient_description(table, source_field, exported) if table is not None and source_field is not None else ""
    )
    if unit == "code" and "description" not in raw:  # the source's uid text ('2025:<code>') would misdescribe it
        description = _code_description(scheme, description)
    description = description.strip()
    if description and not description.endswith((".", "?", "!", ")")):
        description += "."  # the policy sentences below follow it
    return description


def _with_policy_sentences(
    description: str, personal: Any, when: dict[str, tuple[RowCondition, ...]], same_value: bool = False
) -> str:
    """The description with what the export does to the values: pseudonymised (on which rows: ``same_value``, also
    wherever the package pseudonymises the value elsewhere), withheld where."""
    hmac_text = (
        "the first 32 hex digits of HMAC-SHA256(key, '<kind>:<value>') with a key the city keeps, so one value always "
        "gives the same pseudonym (<kind> and the key's fingerprint are in wardbridge.pseudonymisation)"
    )
    if personal == "pseudonymise":
        description = f"{description} Pseudonymised: replaced by {hmac_text}."
    if when.get("pseudonymise_when"):
        cond = " or ".join(c.describe() for c in when["pseudonymise_when"])
        also = f", and on every row whose value is {SAME_VALUE_WORDS}" if same_value else ""
        description = (
            f"{description} Pseudonymised on the rows where {cond}{also}, in clear on the others: replaced there by "
            f"{hmac_text}."
        )
    if when.get("withhold_when"):
        cond = " or ".join(c.describe() for c in when["withhold_when"])
        description = f"{description} Withheld (empty) on the rows where {cond}."
    return description


def _primary_key(p: _Problems, raw: dict, name: str, fields: list[ExportField], table: Table | None) -> tuple:
    exported = {f.name for f in fields if f.exported}
    by_source = {f.source: f.name for f in fields if f.exported}
    if "primary_key" in raw:
        key = raw["primary_key"]
        if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
            p.add(_where(name), "primary_key", "must be a non-empty list of exported field names")
            return ()
        for k in key:
            if k not in exported:
                p.add(_where(name), "primary_key", f"'{k}' is not an exported field")
        return tuple(key)
    if table is None or not table.primary_key:
        p.add(_where(name), "primary_key", "missing (the source table declares none)")
        return ()
    if any(k not in by_source for k in table.primary_key):
        p.add(_where(name), "primary_key", f"missing, and the source key {list(table.primary_key)} is not exported")
        return ()
    return tuple(by_source[k] for k in table.primary_key)


def _parse_resource(
    p: _Problems,
    raw: Any,
    tables: Mapping[str, Table],
    code_scheme: str | None,
    seen: set,
    same_value: bool = False,
    patterns: Mapping[str, str] | None = None,
):
    if not isinstance(raw, dict):
        p.add("", "resources", "every entry must be a table ([[resources]])")
        return None
    name = _string(p, raw, "name", _where("?")) or "?"
    where = _where(name)
    _check_keys(p, raw, _RESOURCE_KEYS, where)
    if name != "?" and not NAME_PATTERN.match(name):
        p.add(where, "name", "use lowercase letters, digits and '_' only")
    if name in seen:
        p.add(where, "name", "duplicate resource name")
    seen.add(name)
    source = _string(p, raw, "source", where)
    table = tables.get(source) if source else None
    if source is not None and table is None:
        p.add(where, "source", f"unknown table '{source}' (known: <schema>.<table> of pipelines/schema.py)")
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        p.add(where, "fields", "missing or empty ([[resources.fields]])")
        raw_fields = []
    exported = {  # source column -> exported name (a date's description says whether its precision is exported)
        rf["source"]: str(rf.get("name") or rf["source"])
        for rf in raw_fields
        if isinstance(rf, dict) and isinstance(rf.get("source"), str) and rf.get("personal") != "withhold"
    }
    parsed = (_parse_field(p, rf, name, table, code_scheme, exported, same_value, patterns) for rf in raw_fields)
    fields = [f for f in parsed if f is not None]
    names = [f.name for f in fields if f.exported]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        p.add(_where(name, dup), "name", "duplicate exported name")
    if fields and not any(f.exported for f in fields):
        p.add(where, "fields", "every field is withheld")
    primary_key = _primary_key(p, raw, name, fields, table)
    fields = [replace(f, required=True) if f.exported and f.name in primary_key else f for f in fields]
    for f in fields:
        if f.required and (f.withhold_when or f.pseudonymise_when):
            p.add(
                _where(name, f.name),
                "withhold_when" if f.withhold_when else "pseudonymise_when",
                "not on a required or primary-key field",
            )
    return ExportResource(
        name=name,
        source=source or "?",
        title=raw.get("title") or name,
        description=raw.get("description") or (recipient_text(table.description) if table is not None else ""),
        fields=tuple(fields),
        primary_key=primary_key,
        foreign_keys=_foreign_keys(p, raw, name, {f.name for f in fields if f.exported}),
    )


def _names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _foreign_keys(p: _Problems, raw: dict, name: str, exported: set[str]) -> tuple[ForeignKey, ...]:
    """``foreign_keys = [{fields = [...], resource = "<resource>", reference = [...]}]`` (reference defaults to
    fields); the referenced resource and its fields are checked once every resource is read (``_check_references``)."""
    entries = raw.get("foreign_keys", [])
    if not isinstance(entries, list):
        p.add(_where(name), "foreign_keys", "must be a list of {fields, resource, reference}")
        return ()
    keys = []
    for entry in entries:
        if not isinstance(entry, dict):
            p.add(_where(name), "foreign_keys", "every entry must be a table {fields, resource, reference}")
            continue
        _check_keys(p, entry, _FOREIGN_KEY_KEYS, f"{_where(name)}foreign key: ")
        fields = _names(entry.get("fields"))
        reference = _names(entry.get("reference", entry.get("fields")))
        resource = entry.get("resource")
        if fields is None or reference is None or not isinstance(resource, str):
            p.add(
                _where(name), "foreign_keys", "fields and reference must be non-empty lists of names, resource a name"
            )
            continue
        for f in fields:
            if f not in exported:
                p.add(_where(name), "foreign_keys", f"'{f}' is not an exported field")
        if len(reference) != len(fields):
            p.add(_where(name), "foreign_keys", f"{list(fields)} and reference {list(reference)} differ in length")
        keys.append(ForeignKey(fields, resource, reference))
    return tuple(keys)


def _check_references(p: _Problems, resources: list) -> None:
    """Each foreign key names a resource of the same declaration and exported fields of it."""
    exported = {r.name: {f.name for f in r.fields if f.exported} for r in resources if r is not None}
    for r in resources:
        for fk in r.foreign_keys if r is not None else ():
            if fk.resource not in exported:
                p.add(_where(r.name), "foreign_keys", f"unknown resource '{fk.resource}' (known: {sorted(exported)})")
                continue
            for f in fk.reference:
                if f not in exported[fk.resource]:
                    p.add(_where(r.name), "foreign_keys", f"'{f}' is not an exported field of '{fk.resource}'")


def parse_declaration(path: Path, data: Mapping[str, Any], tables: Mapping[str, Table] | None = None):
    """Validate a parsed declaration; raise DeclarationError listing every problem."""
    tables = source_tables() if tables is None else tables
    p = _Problems(path)
    _check_keys(p, data, {"export", "patterns", "resources"}, "")
    head = data.get("export")
    if not isinstance(head, dict):
        p.add("", "export", "missing [export] table")
        head = {}
    _check_keys(p, head, _EXPORT_KEYS, "[export] ")
    recipient = _string(p, head, "recipient", "[export] ")
    if recipient is not None and recipient != path.stem:
        p.add("[export] ", "recipient", f"must equal the file name '{path.stem}'")
    if recipient is not None and not NAME_PATTERN.match(recipient):
        p.add("[export] ", "recipient", "use lowercase letters, digits and '_' only")
    title = _string(p, head, "title", "[export] ")
    code_scheme = head.get("code_scheme")
    if code_scheme not in CODE_SCHEMES:
        p.add("[export] ", "code_scheme", f"must be one of {', '.join(CODE_SCHEMES)}")
    formats = head.get("formats", list(FORMATS))
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        p.add("[export] ", "formats", f"must be a non-empty list of {', '.join(FORMATS)}")
        formats = []
    elif len(set(formats)) != len(formats):
        p.add("[export] ", "formats", "duplicate format")
    raw_resources = data.get("resources")
    if not isinstance(raw_resources, list) or not raw_resources:
        p.add("", "resources", "missing or empty ([[resources]])")
        raw_resources = []
    same_value = head.get("same_value_same_pseudonym", False)
    if not isinstance(same_value, bool):
        p.add("[export] ", "same_value_same_pseudonym", "must be true or false")
        same_value = False
    seen: set[str] = set()
    patterns = _parse_patterns(p, data.get("patterns", {}))
    resources = [_parse_resource(p, r, tables, code_scheme, seen, same_value, patterns) for r in raw_resources]
    _check_references(p, resources)
    if same_value and not any(f.same_value for r in resources if r is not None for f in r.fields):
        p.add("[export] ", "same_value_same_pseudonym", "no field pseudonymises on some rows (pseudonymise_when)")
    if p.items:
        raise DeclarationError(p.items)
    return ExportDeclaration(
        recipient=recipient or "",
        title=title or "",
        description=head.get("description", ""),
        code_scheme=code_scheme,
        formats=tuple(formats),
        resources=tuple(r for r in resources if r is not None),
        path=path,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "",
        same_value_same_pseudonym=same_value,
    )


def load_declaration(path: Path, tables: Mapping[str, Table] | None = None) -> ExportDeclaration:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError([f"{path.name}: not valid TOML ({exc})"]) from None
    return parse_declaration(path, data, tables)


def load_declarations(directory: Path = EXPORTS_DIR) -> dict[str, ExportDeclaration]:
    """Every ``<recipient>.toml`` of ``directory``; problems of all files are raised together."""
    found: dict[str, ExportDeclaration] = {}
    problems: list[str] = []
    tables = source_tables()
    for path in sorted(directory.glob("*.toml")):
        try:
            found[path.stem] = load_declaration(path, tables)
        except DeclarationError as exc:
            problems += exc.problems
    if problems:
        raise DeclarationError(problems)
    return found


# --------------------------------------------------------------------------- pseudonyms


def pseudonym_key(declaration: ExportDeclaration, environ: Mapping[str, str] | None = None) -> bytes | None:
    """The HMAC key when the declaration pseudonymises a field (checked before any data is read)."""
    if not declaration.pseudonymises:
        return None
    value = (os.environ if environ is None else environ).get(PSEUDONYM_KEY_ENV, "")
    fields = [f"{r.name}.{f.name}" for r in declaration.resources for f in r.fields if f.pseudonymised]
    where = f"{declaration.path.name}: fields {', '.join(fields)}: pseudonymising needs ${PSEUDONYM_KEY_ENV}"
    if not value.strip():
        raise DeclarationError(
            [f"{where}, which is not set (use {MIN_KEY_BYTES}+ random bytes, e.g. `openssl rand -hex 32`)"]
        )
    try:
        return checked_key(value)  # the marts' check (pipelines/publish/pseudonym.py)
    except WeakKeyError as exc:
        raise DeclarationError([f"{where}: {exc}"]) from None


# --------------------------------------------------------------------------- reading sources


def missing_columns_error(source: str, where: str, missing: list[str]) -> ExportError:
    """A source table that lacks columns the declaration (or the gate) reads: renamed or dropped, or published by
    another version of wardbridge. Names the table, the file and the columns (never a value)."""
    return ExportError(
        f"{source}: column(s) {missing} not in {where} (renamed or dropped, or the table was published by another "
        "version: publish it again with this code, the marts by materialising publish_marts)"
    )


def _check_columns(source: str, where: str, present: list[str], columns: list[str]) -> None:
    if missing := [c for c in columns if c not in present]:
        raise missing_columns_error(source, where, missing)


def read_source(warehouse: Warehouse, source: str, columns: list[str]) -> pl.DataFrame:
    """Read ``columns`` of ``<schema>.<table>``: the Parquet copy when there is one, else DuckDB (read-only). A
    column the table lacks is an :class:`ExportError` naming the table and the columns."""
    schema, table = source.split(".", 1)
    parquet = warehouse.parquet_path(schema, table)
    if schema != "marts" and parquet.is_file():
        _check_columns(source, str(parquet.relative_to(warehouse.root)), pq.read_schema(parquet).names, columns)
        return pl.read_parquet(parquet, columns=columns)
    partitioned = warehouse.root / "parquet" / schema / table
    if schema == "staged" and partitioned.is_dir():
        scan = pl.scan_parquet(partitioned / "part=*" / "data.parquet")
        _check_columns(source, str(partitioned.relative_to(warehouse.root)), scan.collect_schema().names(), columns)
        return scan.select(columns).collect()
    database = warehouse.root / ANALYTICS_FILENAME if schema == "marts" else warehouse.duckdb_path
    if not database.is_file():
        raise ExportError(f"{source}: {database.name} does not exist in {warehouse.root} (run the pipeline first)")
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    # waits, as Warehouse.read does, while another process (a second run's step) writes wardbridge.duckdb
    with connect_for_reading(database) as con:
        search_warehouse(con, warehouse.root)  # the raw/quarantine views name their files relative to the root
        try:
            present = con.sql(f'SELECT * FROM "{schema}"."{table}" LIMIT 0').columns
        except duckdb.CatalogException as exc:
            raise ExportError(f"{source}: not found in {database.name} ({str(exc).splitlines()[0]})") from None
        _check_columns(source, database.name, present, columns)
        return con.sql(f'SELECT {quoted} FROM "{schema}"."{table}"').pl()


# --------------------------------------------------------------------------- shaping and checks


def shape(
    resource: ExportResource,
    frame: pl.DataFrame,
    key: bytes | None,
    recipient: str,
    carry: Mapping[str, pl.Expr] | None = None,
    pseudonyms: Mapping[str, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Source rows -> exported columns: renamed, cast, unit uids checked/turned into codes, pseudonymised, sorted.

    ``carry`` adds columns computed from the source rows (named by its keys, after the exported ones) that ride
    along in the same order, for the gate's row checks (:func:`withheld_on_rows`); the caller drops them.
    ``pseudonyms`` (a declaration with ``same_value_same_pseudonym``: :func:`pseudonym_tables`, by pseudonym kind):
    every pseudonymised field takes its kind's pseudonym on each row whose value the table holds (the values the
    package pseudonymises in any field of that kind), the clear value on the others."""
    columns = []
    for f in resource.exported:
        col = pl.col(f.source)
        if f.unit == "code":  # '<scheme>:<code>' -> '<code>' only when the scheme is the declared one
            col = (
                pl.when(col.str.contains(unit_pattern("uid", f.scheme)))
                .then(col.str.split(":").list.last())
                .otherwise(col)
            )
        columns.append(col.cast(EXPORT_TYPES[f.type]).alias(f.name))
    masks = {
        f"__{what}__{f.name}": _any(conds)
        for f in resource.exported
        for what, conds in (("p", f.pseudonymise_when), ("w", f.withhold_when))
        if conds
    }
    carried = [e.alias(n) for n, e in (carry or {}).items()]
    shaped = frame.select(*columns, *carried, *(m.alias(n) for n, m in masks.items()))
    hidden = [f for f in resource.exported if f.pseudonymised]
    if hidden and key is None:
        raise ExportError(f"resource '{resource.name}': pseudonymised fields need a key")
    if hidden and pseudonyms is not None:
        shaped = shaped.with_columns(_by_value(f, pseudonyms[f.pseudonym_kind or recipient]) for f in hidden)
    elif hidden:
        # the clear values are the shaped column's: pseudonyms on the selected rows, the same column elsewhere
        shaped = shaped.with_columns(
            pseudonymise_rows(
                shaped[f.name],
                shaped[f"__p__{f.name}"] if f.pseudonymise_when else None,
                f.pseudonym_kind or recipient,
                key,
            )
            for f in hidden
        )
    shaped = shaped.with_columns(
        pl.when(pl.col(f"__w__{f.name}")).then(None).otherwise(pl.col(f.name)).alias(f.name)
        for f in resource.exported
        if f.withhold_when
    ).drop(list(masks))
    pk = list(resource.primary_key)
    if pk:
        # a unique key orders every row: sorting by the other columns too (row-encoding every column) gives the
        # same rows in the same order; only repeated keys (the gate rejects them) need the other columns as ties
        # one thread: a multithreaded sort of 1M string keys took twice the CPU for the same order
        by_key = shaped.sort(pk, nulls_last=True, maintain_order=True, multithreaded=False)
        repeated = pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(1)) for c in pk).slice(1).any()
        if by_key.height < 2 or not by_key.select(repeated).item():
            return by_key
    order = [*pk, *(c for c in shaped.columns if c not in pk)]
    return shaped.sort(order, nulls_last=True, maintain_order=True, multithreaded=False)


def _by_value(f: ExportField, table: pl.DataFrame) -> pl.Expr:
    """``f``'s column with the pseudonym of each value ``table`` holds (:func:`pseudonym_tables`), the clear value on
    the other rows (none for a field pseudonymised on every row: null there). The table holds every value ``f``'s own
    conditions select (and, for a field pseudonymised on every row, every value of it), so the rows it selects are a
    subset of those replaced here."""
    value = pl.col(f.name)
    if table.is_empty():
        return value
    mapped = value.replace_strict(table["value"], table["pseudonym"], default=None, return_dtype=pl.String)
    if not f.pseudonymise_when:  # pseudonymised on every row: never the clear value, whatever the table holds
        return mapped.alias(f.name)
    return pl.coalesce(mapped, value).alias(f.name)


def pseudonym_tables(
    declaration: ExportDeclaration, hidden: Mapping[str, pl.Series], key: bytes | None
) -> dict[str, pl.DataFrame]:
    """By pseudonym kind, (value, pseudonym) of every distinct value the package pseudonymises in a field of that
    kind (``hidden``: :func:`hidden_values` of every resource, by '<resource>.<field>'), each value hashed once for
    the whole package; :func:`shape` joins every field of the kind to it (``same_value_same_pseudonym``)."""
    if key is None:
        raise ExportError(f"{declaration.path.name}: pseudonymised fields need a key")
    by_kind: dict[str, list[pl.Series]] = {}
    for r in declaration.resources:
        for f in r.exported:
            if f.pseudonymised:
                by_kind.setdefault(f.pseudonym_kind or declaration.recipient, []).append(hidden[f"{r.name}.{f.name}"])
    return {kind: pseudonym_table(pl.concat(values), kind, key) for kind, values in by_kind.items()}


def condition_columns(resource: ExportResource) -> list[str]:
    """Source columns a resource reads: the exported ones and those its row conditions test."""
    conds = [c.column for f in resource.exported for c in (*f.pseudonymise_when, *f.withhold_when)]
    return list(dict.fromkeys([*(f.source for f in resource.exported), *conds]))


def read_columns(resource: ExportResource) -> list[str]:
    """Source columns an export reads: :func:`condition_columns` and the withheld fields' (for the gate's
    ``no_clear_withheld_value``: their clear values must not be exported elsewhere)."""
    withheld = [f.source for f in resource.fields if f.personal == "withhold"]
    return list(dict.fromkeys([*condition_columns(resource), *withheld]))


# Columns compared with withheld values as whole cells only: an address names streets, and streets are named after
# people ('12 Lê Lợi' is not the name 'Lê Lợi' in clear)
WHOLE_CELL_ONLY = frozenset({"address", *S.ADDRESS_PARTS})
WITHHELD_PREFIX = "__withheld__"


def normal_text(expr: pl.Expr) -> pl.Expr:
    """Text as compared for copies of withheld values: without diacritics (NFD, combining marks dropped, đ -> d), lower
    case, every run of characters other than letters and digits one space, trimmed ('Nguyễn  Văn-An' -> 'nguyen van
    an'); a number written in groups is one number ('0903 123.456' -> '0903123456'); '' becomes null. A copy that
    differs only in case, accents, punctuation or digit grouping is still found."""
    text = expr.cast(pl.String).str.normalize("NFD").str.replace_all(r"\p{Mn}", "").str.to_lowercase()
    text = text.str.replace_all("đ", "d", literal=True).str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    text = pl.when(text.str.contains(r"^[0-9 ]+$")).then(text.str.replace_all(" ", "", literal=True)).otherwise(text)
    return pl.when(text != "").then(text)


def withheld_values(resource: ExportResource, frame: pl.DataFrame) -> dict[str, pl.Series]:
    """The distinct clear values (``normal_text``) of the fields a resource withholds on every row, by
    '<resource>.<source column>': no exported cell of the package may be one of them."""
    return {
        f"{resource.name}.{f.source}": _normal_series(frame[f.source].cast(pl.String).unique().drop_nulls())
        .unique()
        .drop_nulls()
        for f in resource.fields
        if f.personal == "withhold" and f.source in frame.columns
    }


def withheld_on_rows(resource: ExportResource) -> dict[str, pl.Expr]:
    """Per row, the clear value each withheld field would have had (null where it is exported): fields withheld on
    every row and, on the rows their condition selects, fields with ``withhold_when``. For :func:`shape`'s
    ``carry``; named ``__withheld__<source column>``."""
    out = {}
    for f in resource.fields:
        if f.personal == "withhold":
            out[f"{WITHHELD_PREFIX}{f.source}"] = pl.col(f.source).cast(pl.String)
        elif f.exported and f.withhold_when:
            out[f"{WITHHELD_PREFIX}{f.source}"] = pl.when(_any(f.withhold_when)).then(pl.col(f.source).cast(pl.String))
    return out


def withheld_value_checks(
    resource: ExportResource, frame: pl.DataFrame, withheld: Mapping[str, pl.Series], rows: pl.DataFrame | None
) -> list:
    """No withheld value is exported in clear (Polars; outcomes name the column and the number of rows, never a
    value). Two checks on every exported text column that can hold one (:func:`_text_fields`), compared as
    ``normal_text``:

    * whole cells, across the package: no cell *is* a value of a field withheld on every row anywhere in the package
      (``withheld``, from :func:`withheld_values`: an owner's name, a phone);
    * on the same row (``rows``: :func:`withheld_on_rows`, in ``frame``'s order): no cell is the value withheld on
      that row, or (outside addresses) holds it as a run of whole words when it has two words or more (a household
      business 'Hộ kih doanh <owner>' a typo kept in clear; an address '12 Lê Lợi' of owner 'Lê Lợi' is no copy).

    Values withheld on some rows only (``withhold_when``) are checked on their own row, not across the package: the
    same trade name may be withheld where it is a personal taxpayer's and exported where it is a business's."""
    checked = _text_fields(resource)
    values = pl.concat(list(withheld.values())).unique() if withheld else pl.Series(dtype=pl.String)
    row_columns = [c for c in (rows.columns if rows is not None else []) if rows[c].null_count() < rows.height]
    if not checked or (values.len() == 0 and not row_columns):
        return []
    out: list[Q.Outcome] = []

    def fail(name: str, n: int, detail: str) -> None:
        out.append(_in_clear("withheld_value_in_clear", "no_clear_withheld_value", name, n, frame.height, detail))

    normaliser = _Normaliser()  # each distinct cell normalised once for both checks
    if row_columns:
        _row_checks(resource, frame, rows.select(row_columns), set(withheld), checked, fail, normaliser)
    if values.len():
        sources = ", ".join(sorted(withheld))
        # a cell with a letter (a digit) normalises to text with one: it can only be a withheld value that has one
        letters, digits = (bool(values.str.contains(p).any()) for p in (r"\p{L}", r"\p{N}"))
        candidates = []
        for f in checked:
            column = frame[f.name].drop_nulls()
            if not letters:
                column = column.filter(~column.str.contains(r"\p{L}"))
            if not digits:
                column = column.filter(~column.str.contains(r"\p{N}"))
            candidates.append(column.unique())
        # every column's distinct candidates normalised and looked up at once (one hash of the withheld values)
        distinct = normaliser.distinct(pl.concat(candidates).unique() if candidates else pl.Series(dtype=pl.String))
        leaked = distinct.filter(pl.col("normal").is_in(values.implode()))["cell"]
        for f in checked if leaked.len() else []:
            if n := int(frame[f.name].is_in(leaked.implode()).sum()):
                fail(f.name, n, f"values withheld in {sources} appear in clear in {resource.name}.{f.name}")
    if not out:
        out.append(
            Q.Outcome(
                name="withheld_value_in_clear",
                rule="no_clear_withheld_value",
                columns=tuple(f.name for f in checked),
                success=True,
                unexpected_count=0,
                element_count=frame.height,
                engine="polars",
            )
        )
    return out


# generated identifiers (the entity stage's stable ids: '<letter>-' + hex digits): no personal value can be in them
GENERATED_ID_SOURCES = frozenset({"entity_id"})
_NORMAL_ALREADY = r"^[a-z0-9]+(?: [a-z0-9]*[a-z][a-z0-9]*)*$"  # what ``normal_text`` leaves as it is (ids, phones)
_TWO_WORDS = r"[\p{L}\p{N}][^\p{L}\p{N}]+[\p{L}\p{N}]"  # ``normal_text`` of such a text has a space


def _text_fields(resource: ExportResource) -> list[ExportField]:
    """The exported text fields a withheld value could be copied into: not units (a code pattern, checked), not
    enums (declared values), not fields pseudonymised on every row (hex digits made here), not generated ids."""
    return [
        f
        for f in resource.exported
        if f.type == "string"
        and f.unit is None
        and f.enum is None
        and f.personal != "pseudonymise"
        and f.source not in GENERATED_ID_SOURCES
    ]


def _normal_series(values: pl.Series) -> pl.Series:
    """``normal_text`` of each value, computed only for values it would change (ASCII ids and codes pass as they are)."""
    already = values.str.contains(_NORMAL_ALREADY).fill_null(False)
    if already.all():
        return values
    changed = pl.select(normal_text(pl.lit(values.filter(~already)))).to_series()
    out = values.clone()
    out.scatter((~already).arg_true(), changed)
    return out


class _Normaliser:
    """``normal_text`` of distinct cells, each computed once (shared by the whole-cell and same-row checks)."""

    def __init__(self) -> None:
        self.known = pl.DataFrame(schema={"cell": pl.String, "normal": pl.String})

    def distinct(self, values: pl.Series) -> pl.DataFrame:
        """(cell, normal) of ``values`` (distinct, not null), in their order."""
        cells = values.rename("cell").to_frame()
        new = cells.join(self.known, on="cell", how="anti")["cell"]
        if new.len():
            self.known = pl.concat([self.known, pl.DataFrame({"cell": new, "normal": _normal_series(new)})])
        return cells.join(self.known, on="cell", how="left", maintain_order="left")

    def column(self, column: pl.Series) -> pl.Series:
        """``normal_text`` of every cell of ``column``."""
        mapping = self.distinct(column.unique().drop_nulls())
        return column.rename("cell").to_frame().join(mapping, on="cell", how="left", maintain_order="left")["normal"]


def _row_checks(
    resource: ExportResource,
    frame: pl.DataFrame,
    rows: pl.DataFrame,
    everywhere: set[str],
    checked: list[ExportField],
    fail: Callable[[str, int, str], None],
    normaliser: _Normaliser,
) -> None:
    """The same-row half of :func:`withheld_value_checks`, on the rows that withhold something to look for there: a
    value withheld on every row of its field (named in ``everywhere``) only when it has two words or more (its
    whole-cell copies are found across the package)."""
    row_columns = rows.columns

    def looked_for(c: str) -> pl.Expr:
        if f"{resource.name}.{c.removeprefix(WITHHELD_PREFIX)}" in everywhere:  # two words or more
            return pl.when(pl.col(c).str.contains(_TWO_WORDS)).then(pl.col(c)).alias(c)
        return pl.col(c)

    rows = rows.select(looked_for(c) for c in row_columns)
    relevant = rows.select(pl.any_horizontal(pl.col(row_columns).is_not_null())).to_series()
    if not relevant.any():
        return
    frame = frame.filter(relevant)
    rows = rows.filter(relevant)
    normal_rows = rows.select(normaliser.column(rows[c]).alias(c) for c in row_columns)
    for f in checked:
        cell = pl.lit(normaliser.column(frame[f.name]))
        hit = pl.lit(False)
        for c in row_columns:
            if c == f"{WITHHELD_PREFIX}{f.source}":
                continue  # the field itself: null on the rows it is withheld
            same = cell == pl.col(c)
            if f.source not in WHOLE_CELL_ONLY:
                words = pl.col(c).str.contains(" ", literal=True)
                inside = (pl.lit(" ") + cell + pl.lit(" ")).str.contains(
                    pl.lit(" ") + pl.col(c) + pl.lit(" "), literal=True
                )
                same = same | (words & inside)
            hit = hit | same.fill_null(False)
        n = int(normal_rows.select(hit.sum()).item())
        if n:
            withheld_here = ", ".join(f"{resource.name}.{c.removeprefix(WITHHELD_PREFIX)}" for c in row_columns)
            fail(f.name, n, f"the value withheld on the same row ({withheld_here}) appears in {resource.name}.{f.name}")


def hidden_values(resource: ExportResource, frame: pl.DataFrame) -> dict[str, pl.Series]:
    """The distinct clear values a resource pseudonymises (source rows), by '<resource>.<field>'."""
    out = {}
    for f in resource.exported:
        if not f.pseudonymised:
            continue
        col = pl.col(f.source).cast(pl.String)
        selected = frame.lazy().filter(_any(f.pseudonymise_when)) if f.pseudonymise_when else frame.lazy()
        out[f"{resource.name}.{f.name}"] = selected.select(col.drop_nulls().unique()).collect().to_series()
    return out


def _in_clear(name: str, rule: str, column: str, n: int, rows: int, detail: str) -> Q.Outcome:
    """A failed clear-value gate: ``n`` of ``rows`` rows of ``column`` hold a hidden value (counted, never shown)."""
    return Q.Outcome(
        name=name,
        rule=rule,
        columns=(column,),
        success=False,
        unexpected_count=n,
        element_count=rows,
        engine="polars",
        detail=detail,
    )


# a 10-digit tax code written with a branch suffix ('NNNNNNNNNN-NNN'): the code in clear inside the cell
BRANCH_FORM = r"^([0-9]{10})-[0-9]{3}$"


def clear_value_checks(resource: ExportResource, frame: pl.DataFrame, hidden: Mapping[str, pl.Series]) -> list:
    """No value pseudonymised anywhere in the package is exported in clear: every string column of
    ``resource`` against the distinct pseudonymised source values (set membership, Polars), a cell also when it is a
    pseudonymised 10-digit code with a branch suffix (``BRANCH_FORM``: a household business's code, hidden as its owner's
    personal tax code, written 'NNNNNNNNNN-001'). Outcomes name the column and the number of rows, never a value."""
    if not hidden:
        return []
    values = pl.concat(list(hidden.values())).unique() if len(hidden) > 1 else next(iter(hidden.values()))
    sources = ", ".join(sorted(hidden))
    out = []
    checked = [f.name for f in resource.exported if f.type == "string"]
    failing = False
    # every column's distinct cells looked up at once (one hash set of the pseudonymised values; it was built once per
    # column), then only the rows holding one of the cells found are counted per column
    cells = (
        pl.concat([frame[name].drop_nulls().unique() for name in checked])
        if checked
        else pl.Series([], dtype=pl.String)
    )
    known = values.implode()
    found = cells.filter(cells.is_in(known) | cells.str.extract(BRANCH_FORM, 1).is_in(known)).unique()
    for name in checked if found.len() else []:
        n = int(frame[name].is_in(found.implode()).sum())
        if n:
            failing = True
            detail = f"values pseudonymised in {sources} appear in clear in {resource.name}.{name}"
            out.append(
                _in_clear("pseudonymised_value_in_clear", "no_clear_pseudonymised_value", name, n, frame.height, detail)
            )
    if not failing:
        out.append(
            Q.Outcome(
                name="pseudonymised_value_in_clear",
                rule="no_clear_pseudonymised_value",
                columns=tuple(checked),
                success=True,
                unexpected_count=0,
                element_count=frame.height,
                engine="polars",
            )
        )
    return out


# --------------------------------------------------------------------------- quality gate (GX)

VALIDATION_DIR = "validation"  # Data Docs inside the export folder (not Data Package resources)
MARTS_SUMMARY = "marts.ward_summary"
# Sums of these source columns are city totals: they must equal the column of marts.ward_summary
# named on the right (pending_split columns count a record once per candidate ward, everywhere).
_MEASURES = ("", "_pending_split", "_estimated")
CITY_TOTALS: dict[tuple[str, str], str] = {
    **{
        (MARTS_SUMMARY, c): c for c in ("records_in", "merged", "quarantined", "under_review", "under_review_estimated")
    },
    **{
        (source, f"{kind}{m}"): f"{kind}{m}"
        for source, kind in (
            (MARTS_SUMMARY, "people"),
            (MARTS_SUMMARY, "households"),
            (MARTS_SUMMARY, "businesses"),
            (MARTS_SUMMARY, "taxpayers"),
            ("marts.population_by_sex_age", "people"),
            ("marts.household_size", "households"),
            ("marts.businesses_by_sector", "businesses"),
            ("marts.taxpayers_by_kind", "taxpayers"),
        )
        for m in _MEASURES
    },
    # rows of old units placed in a 2025 ward (merged + quarantined with a ward) and those merged into
    # entities: the ward summary's counts less the rows written in the 2025 form (they have no old unit)
    ("marts.old_unit_reconciliation", "records_out"): "records_in_old_form",
    ("marts.old_unit_reconciliation", "merged"): "merged_old_form",
    ("marts.old_unit_flows", "records_out"): "records_in_old_form",
    ("marts.old_unit_flows", "merged"): "merged_old_form",
    ("marts.old_unit_flows", "quarantined"): "quarantined_old_form",
}
# City totals derived from marts.ward_summary's columns (the label the gate report shows)
OLD_FORM_TOTALS = {
    "records_in_old_form": "records_in - records_in_2025_form",
    "merged_old_form": "merged - merged_2025_form",
    "quarantined_old_form": "quarantined - (records_in_2025_form - merged_2025_form)",
}
# Entity tables: their rows placed in a 2025 ward (new_uid not null) are the ward summary's count.
PLACED_TOTALS = {
    "entities.people_entities": "people",
    "entities.households_entities": "households",
    "entities.businesses_entities": "businesses",
    "entities.taxpayers_entities": "taxpayers",
}
TAX_CODE_KIND = "tax_code_kind"


@dataclass(frozen=True)
class GateContext:
    """What the gates compare exports with, read once per export from analytics.duckdb."""

    ward_uids: tuple[str, ...]  # marts.dim_ward_2025: the city's 2025 units
    ward_codes: tuple[str, ...]
    old_uids: tuple[str, ...]  # marts.dim_unit_pre2025
    old_codes: tuple[str, ...]
    reference_date: Any  # date ages are computed at (marts.flow_accounting), None = today
    city: dict[str, int]  # sums of marts.ward_summary's integer columns
    source_sums: dict[str, dict[str, int]]  # "<marts table>" -> column -> sum, for mart-sourced resources
    oldest_extract: Any = None  # the staged population's oldest extract date (None: not known)

    def oldest_age(self) -> int:
        """The highest age at the reference date a staged birth date can give: staging keeps one up to 120 years
        before its own extract date (ingest/stage.py), so a person of an older extract staged at 119 is older than
        120 at the reference date. 120 when every extract is of the reference date (or either date is unknown)."""
        ref, oldest = self.reference_date, self.oldest_extract
        if ref is None or oldest is None or oldest >= ref:
            return 120
        born = oldest.replace(year=oldest.year - 120, day=28) if (oldest.month, oldest.day) == (2, 29) else None
        born = born or oldest.replace(year=oldest.year - 120)
        return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


def gate_context(warehouse: Warehouse, declaration: ExportDeclaration) -> GateContext:
    """Read the 2025 / pre-2025 dimensions, the reference date and the totals the gates need."""
    database = warehouse.root / ANALYTICS_FILENAME
    if not database.is_file():
        raise ExportError(
            f"{declaration.path.name}: the quality gate needs the marts' dimensions and city totals, but "
            f"{database.name} does not exist in {warehouse.root} (run the marts first)"
        )
    sums_of = {r.source for r in declaration.resources if r.source.startswith("marts.")} | {MARTS_SUMMARY}
    with duckdb.connect(str(database), read_only=True) as con:

        def columns(source: str, needed: list[str]) -> None:  # the gate reads them: a missing one is named
            try:
                present = con.sql(f"SELECT * FROM {source} LIMIT 0").columns
            except duckdb.CatalogException:
                raise ExportError(
                    f"{declaration.path.name}: the quality gate reads {source}, which is not in {database.name} "
                    "(publish the marts again: materialise publish_marts)"
                ) from None
            _check_columns(source, database.name, present, needed)

        for source, needed in (
            ("marts.dim_ward_2025", ["unit_uid", "code"]),
            ("marts.dim_unit_pre2025", ["unit_uid", "code"]),
            ("marts.flow_accounting", ["reference_date"]),
        ):
            columns(source, needed)
        wards = con.sql("SELECT unit_uid, code FROM marts.dim_ward_2025").pl()
        old = con.sql("SELECT unit_uid, code FROM marts.dim_unit_pre2025").pl()
        ref = con.sql("SELECT max(reference_date) FROM marts.flow_accounting").fetchone()[0]
        source_sums: dict[str, dict[str, int]] = {}
        for source in sorted(sums_of):
            table = source_tables()[source]
            ints = [
                f.name
                for f in table.fields
                if (f.dtype if isinstance(f.dtype, pl.DataType) else f.dtype()).is_integer()
            ]
            if not ints:
                continue
            columns(source, ints)
            row = con.sql(
                "SELECT " + ", ".join(f'coalesce(sum("{c}"), 0)::BIGINT' for c in ints) + f" FROM {source}"
            ).fetchone()
            source_sums[source] = dict(zip(ints, (int(v) for v in row), strict=True))
    city = dict(source_sums[MARTS_SUMMARY])
    city["records_in_old_form"] = city["records_in"] - city["records_in_2025_form"]
    city["merged_old_form"] = city["merged"] - city["merged_2025_form"]
    city["quarantined_old_form"] = city["records_in_old_form"] - city["merged_old_form"]
    return GateContext(
        ward_uids=tuple(wards["unit_uid"]),
        ward_codes=tuple(wards["code"]),
        old_uids=tuple(old["unit_uid"]),
        old_codes=tuple(old["code"]),
        reference_date=ref,
        city=city,
        source_sums=source_sums,
        oldest_extract=oldest_population_extract(warehouse),
    )


def oldest_population_extract(warehouse: Warehouse) -> Any:
    """The oldest extract date of the staged population (None when none is staged or it cannot be read)."""
    try:
        return (
            PartitionedLayer(warehouse, "staged")
            .scan("staged_population")
            .select(pl.min("extract_date"))
            .collect()[0, 0]
        )
    except Exception:  # noqa: BLE001 - no staged population, a damaged partition: the gate keeps its 120 years
        return None


def export_table(resource: ExportResource) -> Table:
    """The exported resource as a ``pipelines.schema.Table``: exported names and types, required, enum, key."""
    fields = tuple(
        S.Field(f.name, EXPORT_TYPES[f.type], f.description, required=f.required, allowed=f.enum)
        for f in resource.exported
    )
    return Table(resource.name, resource.description, fields, resource.primary_key)


def _unit_rule(f: ExportField, ctx: GateContext) -> Q.Rule:
    if f.scheme == S.SCHEME_2025:
        return Q.ward_in_dimension(ctx.ward_uids if f.unit == "uid" else ctx.ward_codes, f.name)
    values = sorted(set(ctx.old_uids if f.unit == "uid" else ctx.old_codes))
    expect = Q.Expect("unit_in_dimension", "ExpectColumnValuesToBeInSet", {"column": f.name, "value_set": values})
    return Q.Rule("unit_in_dimension", (expect,))


def _mst_rule(column: str, kind_column: str | None, partly_pseudonymised: bool = False) -> Q.Rule:
    """MST check digits; with an exported tax_code_kind, rows flagged 'invalid' there are exempt
    (the registered code is kept and said to be invalid) and every other row must be valid. A field
    pseudonymised on some rows (pseudonymise_when) is exempt on the rows holding a pseudonym."""
    if kind_column is None and not partly_pseudonymised:
        return Q.mst_check_digit(column)
    derived = f"{Q.DERIVED_PREFIX}mst_valid__{column}"

    def derive(frame: pl.DataFrame) -> pl.Series:
        valid = Q.mst_valid(frame[column])
        flagged = (
            frame[kind_column] == "invalid" if kind_column is not None else pl.repeat(False, frame.height, eager=True)
        )
        if partly_pseudonymised:
            flagged = flagged | frame[column].str.contains(PSEUDONYM_SHAPE)
        return pl.select(pl.when(flagged.fill_null(False)).then(None).otherwise(valid).alias(derived)).to_series()

    expect = Q.Expect(
        "mst_check_digit",
        "ExpectColumnValuesToBeInSet",
        {"column": derived, "value_set": [True]},
        derive={derived: derive},
        source_columns=(column,),
    )
    return Q.Rule("mst_check_digit", (expect,))


def gate_rules(resource: ExportResource, ctx: GateContext) -> list[Q.Rule]:
    """Domain rules of the resource, attached by what its fields are (unit, tax code, birth date)."""
    rules: list[Q.Rule] = []
    kind = next((f.name for f in resource.exported if f.source == TAX_CODE_KIND), None)
    for f in resource.exported:
        if f.pattern is not None:
            rules.append(Q.matches(f.name, f.pattern, rule="unit_pattern"))
        if f.unit is not None:
            rules.append(_unit_rule(f, ctx))
        if f.source in Q.TAX_CODE_COLUMNS and f.personal == "include":
            rules.append(_mst_rule(f.name, kind, bool(f.pseudonymise_when)))
        if f.source in Q.BIRTH_DATE_COLUMNS and f.personal == "include" and f.type == "date":
            rules.append(Q.age_range(f.name, as_of=ctx.reference_date, high=ctx.oldest_age()))
    return rules


def total_checks(resource: ExportResource, frame: pl.DataFrame, ctx: GateContext) -> list[Q.Outcome]:
    """Cross-table totals: every exported measure of a mart sums to the mart's total, city totals
    equal marts.ward_summary's, an entity export's rows placed in a ward equal the ward summary's count."""
    out: list[Q.Outcome] = []
    sums = ctx.source_sums.get(resource.source, {})
    for f in resource.exported:
        if f.type != "integer":
            continue
        got = int(frame[f.name].sum())
        label = f"{resource.name}.{f.name}"
        if f.source in sums:
            out.append(
                Q.totals_equal("total_equals_source", {label: got, f"{resource.source}.{f.source}": sums[f.source]})
            )
        if (city := CITY_TOTALS.get((resource.source, f.source))) is not None:
            other = f"{MARTS_SUMMARY}.{OLD_FORM_TOTALS[city]}" if city in OLD_FORM_TOTALS else f"{MARTS_SUMMARY}.{city}"
            out.append(Q.totals_equal(f"city_total_{city}", {label: got, other: ctx.city[city]}))
    placed = PLACED_TOTALS.get(resource.source)
    ward = next((f for f in resource.exported if f.source == "new_uid" and f.unit == "uid"), None)
    if placed is not None and ward is not None:
        got = frame.height - frame[ward.name].null_count()
        out.append(
            Q.totals_equal(
                f"city_total_{placed}",
                {f"{resource.name} rows with {ward.name}": got, f"{MARTS_SUMMARY}.{placed}": ctx.city[placed]},
            )
        )
    return out


def foreign_key_checks(resource: ExportResource, frames: Mapping[str, pl.DataFrame]) -> list[Q.Outcome]:
    """Each declared foreign key holds (Polars): every row whose key fields are all filled is a row of the
    referenced resource, as ``frictionless validate`` checks it in the recipient's hands."""
    out = []
    frame = frames[resource.name]
    for fk in resource.foreign_keys:
        cols = list(fk.fields)
        keys = frame.select(cols).drop_nulls()
        known = (
            frames[fk.resource]
            .select([pl.col(r).alias(f) for r, f in zip(fk.reference, fk.fields, strict=True)])
            .unique()
        )
        missing = keys.join(known, on=cols, how="anti").height
        out.append(
            Q.Outcome(
                name=f"foreign_key_{fk.resource}",
                rule="foreign_key",
                columns=fk.fields,
                success=missing == 0,
                unexpected_count=missing,
                element_count=keys.height,
                engine="polars",
                detail=None
                if missing == 0
                else f"{missing} of {keys.height} rows are no row of {fk.resource}({', '.join(fk.reference)})",
            )
        )
    return out


def gate_resource(
    resource: ExportResource,
    frame: pl.DataFrame,
    ctx: GateContext,
    docs_dir: Path | None,
    run_name: str | None = None,
    hidden: Mapping[str, pl.Series] | None = None,
    withheld: Mapping[str, pl.Series] | None = None,
    withheld_rows: pl.DataFrame | None = None,
    foreign: list[Q.Outcome] | None = None,
) -> gates.GateResult:
    """Validate one exported frame with GX (suite from the declaration + domain rules + totals + no
    pseudonymised value of the package in clear, given ``hidden``: see :func:`hidden_values`; no withheld value
    in clear, given ``withheld`` and ``withheld_rows``: see :func:`withheld_value_checks`)."""
    personal_key = any(f.personal is not None for f in resource.exported if f.name in resource.primary_key)
    return gates.validate(
        export_table(resource),
        frame,
        rules=gate_rules(resource, ctx),
        docs_dir=docs_dir,
        checks=[
            *total_checks(resource, frame, ctx),
            *clear_value_checks(resource, frame, hidden or {}),
            *withheld_value_checks(resource, frame, withheld or {}, withheld_rows),
            *(foreign or []),
        ],
        key_columns=() if personal_key else resource.primary_key,  # row indices when the key is personal
        run_name=run_name,
    )


def _resource_report(resource: ExportResource, result: gates.GateResult) -> dict[str, Any]:
    return {
        "resource": resource.name,
        "source": resource.source,
        "rows": result.rows,
        "valid": result.passed,
        "expectations": len(result.outcomes),
        "failed": len(result.failures),
        "key_columns": list(result.key_columns),
        "data_docs": f"{VALIDATION_DIR}/{resource.name}/index.html",
        "outcomes": [o.as_dict() for o in result.outcomes],
    }


def _docs_index(declaration: ExportDeclaration, results: list[tuple[ExportResource, gates.GateResult]]) -> str:
    from html import escape

    rows = "\n".join(
        f'<tr><td><a href="{escape(r.name)}/index.html">{escape(r.name)}</a></td><td>{escape(r.source)}</td>'
        f"<td>{g.rows}</td><td>{len(g.outcomes)}</td><td>{len(g.failures)}</td>"
        f"<td>{'passed' if g.passed else 'FAILED'}</td></tr>"
        for r, g in results
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        f"{escape(declaration.recipient)}: quality gate</title></head><body>\n"
        f"<h1>{escape(declaration.title)}</h1>\n<p>Great Expectations Data Docs of every resource "
        f"(declaration mappings/exports/{escape(declaration.path.name)}).</p>\n"
        "<table><tr><th>resource</th><th>source</th><th>rows</th><th>expectations</th><th>failed</th>"
        f"<th>gate</th></tr>\n{rows}\n</table>\n</body></html>\n"
    )


def run_gates(
    declaration: ExportDeclaration,
    frames: Mapping[str, pl.DataFrame],
    ctx: GateContext,
    folder: Path,
    run_name: str | None = None,
    hidden: Mapping[str, pl.Series] | None = None,
    withheld: Mapping[str, pl.Series] | None = None,
    withheld_rows: Mapping[str, pl.DataFrame] | None = None,
) -> list[tuple[ExportResource, gates.GateResult]]:
    """Gate every resource; Data Docs under ``folder/validation/<resource>/`` with an index."""
    docs = folder / VALIDATION_DIR
    results = []
    for resource in declaration.resources:
        target = docs / resource.name
        target.mkdir(parents=True, exist_ok=True)
        rows = (withheld_rows or {}).get(resource.name)
        foreign = foreign_key_checks(resource, frames)
        result = gate_resource(
            resource, frames[resource.name], ctx, target, run_name, hidden, withheld, rows, foreign=foreign
        )
        # gate.json names the docs relative to the export (the build folder is renamed when published)
        (target / "gate.json").write_text(
            json.dumps(result.as_dict() | {"docs_index": "index.html"}, indent=2, default=str), encoding="utf-8"
        )
        results.append((resource, result))
    (docs / "index.html").write_text(_docs_index(declaration, results), encoding="utf-8")
    return results


# --------------------------------------------------------------------------- files and descriptors


def table_schema(resource: ExportResource, *, foreign_keys: bool = True) -> dict[str, Any]:
    """Table Schema of the exported resource (types, constraints, primary key, foreign keys, missing values)."""
    fields = []
    for f in resource.exported:
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.enum is not None:
            constraints["enum"] = list(f.enum)
        if f.pattern is not None:
            constraints["pattern"] = f.pattern
        entry: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(resource.primary_key)}
    if foreign_keys and resource.foreign_keys:  # checked by frictionless against the referenced CSV resource
        schema["foreignKeys"] = [fk.descriptor() for fk in resource.foreign_keys]
    return schema | {"missingValues": [MISSING]}


def _write_parquet(resource: ExportResource, frame: pl.DataFrame, path: Path) -> None:
    data = frame.to_arrow()
    described = {f.name: f.description for f in resource.exported}
    arrow_schema = pa.schema(
        [data.schema.field(c).with_metadata({"description": described[c]}) for c in frame.columns],
        metadata={"wardbridge.export": resource.name, "description": resource.description},
    )
    pq.write_table(data.cast(arrow_schema), path, compression="zstd")


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest.hexdigest()}"}


def package_problems(folder: Path) -> list[str]:
    """The files a published datapackage.json describes, checked as frictionless does: present, bytes, hash,
    CSV rows. An unreadable datapackage.json or a resource without a path is a problem, not an error."""
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        described_files = [(d, d["path"]) for d in package.get("resources", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"{folder.name}/datapackage.json: unreadable ({type(exc).__name__})"]
    problems = []
    for described, name in described_files:
        where, path = f"{folder.name}/{name}", folder / name
        if not path.is_file():
            problems.append(f"{where}: listed in datapackage.json but missing")
            continue
        facts = _file_facts(path)
        if "bytes" in described and facts["bytes"] != described["bytes"]:
            problems.append(f"{where}: {facts['bytes']} bytes, datapackage.json says {described['bytes']}")
        if "hash" in described and facts["hash"] != described["hash"]:
            problems.append(f"{where}: SHA-256 differs from datapackage.json's (the file changed after publishing)")
        if "rows" in described and described.get("format") == "csv":
            rows = pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item()
            if rows != described["rows"]:
                problems.append(f"{where}: {rows} rows, datapackage.json says {described['rows']}")
    return problems


def write_resource(resource: ExportResource, frame: pl.DataFrame, formats: tuple[str, ...], folder: Path) -> list:
    """Write the resource in each format; return its Data Package resource descriptors."""
    descriptors = []
    for fmt in formats:
        path = folder / f"{resource.name}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path, null_value=MISSING, date_format="%Y-%m-%d", line_terminator="\n")
        else:
            _write_parquet(resource, frame, path)
        descriptor: dict[str, Any] = {
            "name": resource.name if fmt == "csv" else f"{resource.name}-{fmt}",
            "type": "table" if fmt == "csv" else "file",  # frictionless reads CSV; Parquet is checked by hash
            "path": path.name,
            "format": fmt,
            "mediatype": FORMATS[fmt],
            "title": resource.title,
            "description": resource.description,
            **({"encoding": "utf-8"} if fmt == "csv" else {}),
            **_file_facts(path),
            # frictionless counts the rows of a CSV; a Parquet file's count is in wardbridge.files
            **({"rows": frame.height} if fmt == "csv" else {}),
            "schema": table_schema(resource, foreign_keys=fmt == "csv"),  # a key names the CSV resource
            "sources": [{"title": f"wardbridge warehouse table {resource.source}", "path": resource.source}],
        }
        descriptors.append(descriptor)
    return descriptors


def _same_value_fields(declaration: ExportDeclaration) -> list[str]:
    return [f"{r.name}.{f.name}" for r in declaration.resources for f in r.fields if f.same_value]


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _personal_summary(declaration: ExportDeclaration) -> dict[str, dict[str, str]]:
    return {
        r.name: {f.source: f.policy for f in r.fields if f.personal is not None}
        for r in declaration.resources
        if any(f.personal is not None for f in r.fields)
    }


# Open Definition id for "not open": these packages go to one ministry for its own use, never to the public
LICENCE_ID = "other-closed"


def package_licence(declaration: ExportDeclaration) -> dict[str, str]:
    """The package's `licenses` entry: restricted, for the receiving ministry's use, not open data. A declaration
    with personal fields (included, pseudonymised or withheld: person-level rows) says personal data; one without
    (per-unit figures) says aggregates of personal registry data."""
    person_level = any(f.personal is not None for r in declaration.resources for f in r.fields)
    what = "personal data" if person_level else "aggregates of personal registry data"
    return {
        "name": LICENCE_ID,
        "title": f"Restricted: {what} for the receiving ministry's use only; not open data, "
        "not to be published or passed on",
    }


def package_descriptor(
    declaration: ExportDeclaration,
    resources: list[dict[str, Any]],
    *,
    rows: Mapping[str, int],
    created: datetime,
    run_id: str,
    source_runs: Mapping[str, str],
    key: bytes | None,
    unread_extracts: tuple[str, ...] = (),
    reference_date: Any = None,
    partly_read_extracts: tuple[str, ...] = (),
) -> dict[str, Any]:
    provenance: dict[str, Any] = {
        "recipient": declaration.recipient,
        "declaration": f"mappings/exports/{declaration.path.name}",
        "declaration_sha256": declaration.sha256,
        "run_id": run_id,
        "source_runs": {s: source_runs.get(s) for s in sorted({r.source for r in declaration.resources})},
        # the date the figures are of ("created" is only when the files were written)
        "reference_date": reference_date.isoformat() if reference_date is not None else None,
        "reference_date_note": "the latest extract date of the population registry: ages and age bands are at this "
        "date; each record is as its own extract gave it",
        "code_scheme": {
            "scheme": declaration.code_scheme,
            "description": CODE_SCHEMES[declaration.code_scheme],
            "uid_form": f"'{declaration.code_scheme}:<5-digit code>'",
        },
        "personal_fields": _personal_summary(declaration),
        "files": {
            r["path"]: {
                "resource": r["name"],
                "rows": rows.get(r["name"].rsplit("-", 1)[0]),
                "bytes": r["bytes"],
                "sha256": r["hash"].removeprefix("sha256:"),
            }
            for r in resources
        },
    }
    if unread_extracts:  # the entities were built without them (--allow-incomplete): the recipient is told
        provenance["extracts_not_read"] = {
            "note": "extracts whose file could not be read by their last load: their rows are in none of this "
            "package's figures, except where an entry says 'still in the figures' (a run without --allow-incomplete "
            "keeps the entities as last published, with the rows an earlier load read)",
            "extracts": list(unread_extracts),
        }
    if partly_read_extracts:  # read, but not every row of the file is in the figures: the recipient is told
        provenance["extracts_read_in_part"] = {
            "note": "extracts read whose file did not give all its rows (refused as a whole, or cut off in transfer): "
            "the rows said here are in none of this package's figures",
            "extracts": list(partly_read_extracts),
        }
    if key is not None:
        provenance["pseudonymisation"] = {
            "method": "first 32 hex digits of HMAC-SHA256(key, '<kind>:<value>'); kind = the field's pseudonym_kind, "
            "else the recipient (pseudonyms then differ between recipients)",
            "kinds": {
                f"{r.name}.{f.name}": f.pseudonym_kind or declaration.recipient
                for r in declaration.resources
                for f in r.fields
                if f.pseudonymised
            },
            "key_env": PSEUDONYM_KEY_ENV,
            "key_fingerprint": key_fingerprint(key),
        }
        if declaration.same_value_same_pseudonym:
            provenance["pseudonymisation"]["same_value_same_pseudonym"] = (
                f"{', '.join(_same_value_fields(declaration))}: pseudonymised on every row whose value is "
                f"{SAME_VALUE_WORDS}"
            )
    return {
        "name": declaration.recipient,
        "title": declaration.title,
        "description": declaration.description,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [package_licence(declaration)],
        "resources": resources,
        "wardbridge": provenance,
    }


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class ExportResult:
    recipient: str
    path: Path
    rows: dict[str, int]
    package: dict[str, Any]
    validation: dict[str, Any]
    gate_results: dict[str, gates.GateResult] = field(default_factory=dict)  # per resource

    @property
    def data_docs(self) -> Path:
        """Index of the export's GX Data Docs (inside the published folder)."""
        return self.path / VALIDATION_DIR / "index.html"


def _lock(root: Path, timeout_s: float = 600.0) -> contextlib.AbstractContextManager[None]:
    return file_lock(root / ".exports.lock", timeout_s, f"another run has been writing exports in {root}")


def recover(target: Path) -> None:
    """Undo what a killed run left: put an export renamed aside back, delete unfinished builds."""
    put_back(target, target.parent.glob(f".{target.name}.old-*"), target.parent.glob(f".{target.name}.partial-*"))


def swap_in(staging: Path, target: Path) -> None:
    """Publish ``staging`` as ``target`` (:func:`~pipelines.publish.store.swap_folder`; a run killed between its
    renames leaves the old export aside: :func:`recover` puts it back)."""
    try:
        swap_folder(staging, target, target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}"), "export")
    except OSError as exc:  # no permission to rename in the exports folder, immutable, a read-only mount...
        raise ExportError(
            cannot_replace(target, exc, "the previous export is left as it was and this run's is not published")
        ) from exc


def build_package(
    declaration: ExportDeclaration,
    warehouse: Warehouse,
    folder: Path,
    *,
    key: bytes | None,
    created: datetime,
    run_id: str,
    source_runs: Mapping[str, str],
) -> tuple[dict[str, int], dict[str, Any], dict[str, Any], list[tuple[ExportResource, gates.GateResult]]]:
    """Write the package into ``folder`` (not yet visible) and gate it; raise GateRejected when a gate fails."""
    frames, hidden, withheld, withheld_rows = _shaped_resources(declaration, warehouse, key)
    ctx = gate_context(warehouse, declaration)

    def write_all() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for resource in declaration.resources:
            out += write_resource(resource, frames[resource.name], declaration.formats, folder)
        return out

    # The files (CSV/Parquet writers and SHA-256, which release the GIL) are written while the
    # gates run (GX, mostly Python); the folder stays invisible until both are done.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-write") as pool:
        writing = pool.submit(write_all)
        try:
            results = run_gates(
                declaration,
                frames,
                ctx,
                folder,
                run_name=run_id,
                hidden=hidden,
                withheld=withheld,
                withheld_rows=withheld_rows,
            )
        finally:
            wait([writing])
    descriptors = writing.result()
    rows = {name: frame.height for name, frame in frames.items()}
    validation = _validation_report(declaration, results, folder)
    descriptors.append(_written_validation_report(folder, validation))
    package = package_descriptor(
        declaration,
        descriptors,
        rows=rows,
        created=created,
        run_id=run_id,
        source_runs=source_runs,
        key=key,
        unread_extracts=unread_extracts(warehouse, causes=False),  # no server folder to a ministry
        reference_date=ctx.reference_date,
        partly_read_extracts=extracts_read_in_part(warehouse),
    )
    (folder / "datapackage.json").write_bytes(_json_bytes(package))
    return rows, package, validation, results


def _shaped_resources(
    declaration: ExportDeclaration, warehouse: Warehouse, key: bytes | None
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.Series], dict[str, pl.Series], dict[str, pl.DataFrame]]:
    """(each resource's rows as exported, the personal values it hides and withholds for the gates' checks, the
    per-row withholding columns it carries to the gates), by resource name."""
    frames: dict[str, pl.DataFrame] = {}
    hidden: dict[str, pl.Series] = {}
    withheld: dict[str, pl.Series] = {}
    withheld_rows: dict[str, pl.DataFrame] = {}
    read: dict[str, pl.DataFrame] = {}
    pseudonyms = None
    if declaration.same_value_same_pseudonym:  # every resource's pseudonymised values known before any is shaped
        for resource in declaration.resources:
            read[resource.name] = read_source(warehouse, resource.source, read_columns(resource))
            hidden |= hidden_values(resource, read[resource.name])
        pseudonyms = pseudonym_tables(declaration, hidden, key)
    for resource in declaration.resources:
        source = read.pop(resource.name, None)
        if source is None:
            source = read_source(warehouse, resource.source, read_columns(resource))
            hidden |= hidden_values(resource, source)
        withheld |= withheld_values(resource, source)
        carry = withheld_on_rows(resource)
        shaped = shape(resource, source, key, declaration.recipient, carry=carry, pseudonyms=pseudonyms)
        frames[resource.name] = shaped.drop(list(carry))
        if carry:
            withheld_rows[resource.name] = shaped.select(list(carry))
        del source, shaped
    return frames, hidden, withheld, withheld_rows


def _validation_report(
    declaration: ExportDeclaration, results: list[tuple[ExportResource, gates.GateResult]], folder: Path
) -> dict[str, Any]:
    """validation.json's content; GateRejected (naming the failed gates) when a gate failed."""
    validation = {
        "valid": all(g.passed for _, g in results),
        "recipient": declaration.recipient,
        "declaration_sha256": declaration.sha256,
        "engine": "great_expectations (quality/gx.py) on pandas (Arrow dtypes; numpy int64/float64 for numeric columns where that changes no result); totals in Polars",
        "data_docs": f"{VALIDATION_DIR}/index.html",
        "resources": [_resource_report(r, g) for r, g in results],
    }
    if not validation["valid"]:
        failed = "\n".join(g.summary() for _, g in results if not g.passed)
        # the first line names the tables and rules: the run summary shows a problem's first line only (before, it
        # ended 'quality gate failed:' and said nothing of what failed)
        brief = "; ".join(
            f"{g.table}: " + ", ".join(dict.fromkeys(o.rule for o in g.failures)) for _, g in results if not g.passed
        )
        raise GateRejected(
            f"{declaration.path.name}: export not published (the previous one stays), quality gate failed "
            f"({brief}):\n{failed}",
            [g for _, g in results],
            folder / VALIDATION_DIR,
        )
    return validation


def _written_validation_report(folder: Path, validation: dict[str, Any]) -> dict[str, Any]:
    """validation.json written into ``folder``; its resource descriptor."""
    report_path = folder / "validation.json"
    report_path.write_bytes(_json_bytes(validation))
    return {
        "name": "validation-report",
        "type": "file",
        "path": report_path.name,
        "format": "json",
        "mediatype": "application/json",
        "title": "Quality gate (Great Expectations) of every resource, run before publishing",
        **_file_facts(report_path),
    }


def _keep_rejected(staging: Path, rejected: Path) -> Path | None:
    """Keep a rejected attempt's Data Docs beside the exports (replacing older ones)."""
    shutil.rmtree(rejected, ignore_errors=True)
    docs = staging / VALIDATION_DIR
    if not docs.is_dir():
        return None
    rejected.mkdir(parents=True)
    docs.rename(rejected / VALIDATION_DIR)
    return rejected / VALIDATION_DIR


def export(
    declaration: ExportDeclaration,
    warehouse: Warehouse,
    *,
    run_id: str,
    source_runs: Mapping[str, str] | None = None,
    root: Path | None = None,
    created: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> ExportResult:
    """Build ``declaration``'s Data Package from the warehouse, gate it, and publish it atomically under ``root``.

    ``root`` defaults to ``<warehouse>/exports``. The key is checked before any data is read;
    on any failure the previous export stays as it was. A failed gate raises :class:`GateRejected`
    and keeps the attempt's Data Docs in ``<root>/.<recipient>.rejected/validation/``.
    The package's files are 0640 and its folders 0750 whatever the caller's umask (``private_modes``; a default
    ``root`` made here is 0700, as ``Warehouse.prepare`` makes it): before, a Python caller under a shell's umask
    022 published 0644 files in a 0755 folder.
    """
    key = pseudonym_key(declaration, environ)
    gates.preload()  # GX's import overlaps reading and shaping the sources (first export of a process)
    with private_modes():
        return _export(declaration, warehouse, key, run_id, source_runs, root, created)


def _export(
    declaration: ExportDeclaration,
    warehouse: Warehouse,
    key: bytes | None,
    run_id: str,
    source_runs: Mapping[str, str] | None,
    root: Path | None,
    created: datetime | None,
) -> ExportResult:
    if root is None:  # person-level packages: exports/ is one of the warehouse's private folders (0700)
        warehouse.prepare()
        root = warehouse.root / EXPORTS_SUBDIR
    target = root / declaration.recipient
    rejected = root / f".{declaration.recipient}.rejected"
    with _lock(root):
        recover(target)
        staging = root / f".{declaration.recipient}.partial-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            rows, package, validation, results = build_package(
                declaration,
                warehouse,
                staging,
                key=key,
                created=created or datetime.now(UTC),
                run_id=run_id,
                source_runs=source_runs or {},
            )
            swap_in(staging, target)
            shutil.rmtree(rejected, ignore_errors=True)
        except GateRejected as exc:
            exc.docs = _keep_rejected(staging, rejected)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    gate = {r.name: g for r, g in results}
    return ExportResult(declaration.recipient, target, rows, package, validation, gate)
