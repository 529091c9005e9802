"""Every table wardbridge publishes, declared once.

Each ``Table`` lists its fields with type, description and constraints. Loading
(``cast``), checks (``validate``), the DuckDB DDL and the generated docs all read
these declarations, so a column is described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

SCHEME_PRE2025 = "pre2025"
SCHEME_2025 = "2025"


@dataclass(frozen=True)
class Field:
    name: str
    dtype: type[pl.DataType] | pl.DataType
    description: str
    required: bool = False  # no nulls allowed
    allowed: tuple[str, ...] | None = None  # closed vocabulary


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {f.name: f.dtype for f in self.fields}

    def cast(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Select the declared columns in declared order with declared types."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"table {self.name}: missing columns {missing}")
        return frame.select(pl.col(f.name).cast(f.dtype) for f in self.fields)

    def validate(self, frame: pl.DataFrame) -> list[str]:
        """Return human-readable violations of the declared constraints."""
        problems: list[str] = []
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            return [f"{self.name}: missing columns {missing}"]
        for f in self.fields:
            if f.required and (n := frame[f.name].null_count()):
                problems.append(f"{self.name}.{f.name}: {n} null values in a required field")
            if f.allowed is not None:
                bad = frame.filter(pl.col(f.name).is_not_null() & ~pl.col(f.name).is_in(f.allowed))
                if bad.height:
                    sample = bad[f.name].unique().head(5).to_list()
                    problems.append(f"{self.name}.{f.name}: {bad.height} values outside {f.allowed}, e.g. {sample}")
        if self.primary_key:
            dupes = frame.group_by(self.primary_key).len().filter(pl.col("len") > 1)
            if dupes.height:
                sample = dupes.drop("len").head(3).rows()
                problems.append(f"{self.name}: {dupes.height} duplicate keys on {self.primary_key}, e.g. {sample}")
        return problems


def _f(name, dtype, description, **kw) -> Field:
    return Field(name, dtype, description, **kw)


UID = "Scheme-qualified unit id: 'pre2025:<code>' or '2025:<code>' ('pre2025-district:<code>' for island districts without communes). Join on this, never on a bare code: 2025 units reuse pre-2025 codes."

UNITS_PRE2025 = Table(
    name="units_pre2025",
    description="Commune-level units before 1 July 2025 (63 provinces, with districts). "
    "Island districts without communes appear once, as a district-level unit.",
    primary_key=("unit_uid",),
    fields=(
        _f("unit_uid", pl.String, UID, required=True),
        _f("scheme", pl.String, "Code scheme: 'pre2025'.", required=True, allowed=(SCHEME_PRE2025,)),
        _f("code", pl.String, "GSO code: 5-digit commune code, or 3-digit district code for island districts.", required=True),
        _f("name", pl.String, "Name with unit type, NFC (e.g. 'Phường Bến Nghé').", required=True),
        _f("short_name", pl.String, "Name without unit type (e.g. 'Bến Nghé', '12').", required=True),
        _f("unit_type", pl.String, "Phường, Xã, Thị trấn, or Huyện for island districts.", required=True),
        _f("district_code", pl.String, "3-digit GSO district code.", required=True),
        _f("district_name", pl.String, "District name with type.", required=True),
        _f("district_short_name", pl.String, "District name without type.", required=True),
        _f("district_type", pl.String, "Quận, Huyện, Thị xã, Thành phố.", required=True),
        _f("province_code", pl.String, "2-digit GSO province code (pre-2025).", required=True),
        _f("province_name", pl.String, "Province name with type.", required=True),
        _f("province_short_name", pl.String, "Province name without type.", required=True),
        _f("lat", pl.Float64, "Centroid latitude where known."),
        _f("lon", pl.Float64, "Centroid longitude where known."),
    ),
)

UNITS_2025 = Table(
    name="units_2025",
    description="Commune-level units from 1 July 2025 (34 provinces, no districts).",
    primary_key=("unit_uid",),
    fields=(
        _f("unit_uid", pl.String, UID, required=True),
        _f("scheme", pl.String, "Code scheme: '2025'.", required=True, allowed=(SCHEME_2025,)),
        _f("code", pl.String, "5-digit GSO code (Decision 19/2025/QĐ-TTg list).", required=True),
        _f("name", pl.String, "Name with unit type, NFC (e.g. 'Phường Sài Gòn').", required=True),
        _f("short_name", pl.String, "Name without unit type.", required=True),
        _f("unit_type", pl.String, "Phường, Xã or Đặc khu.", required=True, allowed=("Phường", "Xã", "Đặc khu")),
        _f("province_code", pl.String, "2-digit province code (2025).", required=True),
        _f("province_name", pl.String, "Province name with type.", required=True),
        _f("province_short_name", pl.String, "Province name without type.", required=True),
        _f("lat", pl.Float64, "Centroid latitude where known."),
        _f("lon", pl.Float64, "Centroid longitude where known."),
        _f("area_km2", pl.Float64, "Area in km² where known."),
    ),
)

CROSSWALK = Table(
    name="crosswalk",
    description="Old unit -> new unit(s). One row per (old unit, new unit) part; "
    "an old unit split across n new units has n rows, exactly one marked default.",
    primary_key=("old_uid", "new_uid"),
    fields=(
        _f("old_uid", pl.String, "Old unit, 'pre2025:<code>'.", required=True),
        _f("new_uid", pl.String, "New unit, '2025:<code>'.", required=True),
        _f("old_code", pl.String, "Old GSO code (scheme pre2025).", required=True),
        _f("new_code", pl.String, "New GSO code (scheme 2025).", required=True),
        _f("is_split", pl.Boolean, "The old unit was divided between several new units.", required=True),
        _f("n_parts", pl.Int32, "Number of new units the old unit went to.", required=True),
        _f("is_default", pl.Boolean, "The default (largest) part of a split old unit; true for unsplit units.", required=True),
        _f("part_area_km2", pl.Float64, "Area of the new unit this part belongs to, where known."),
        _f("part_lat", pl.Float64, "Centroid latitude of that new unit, where known."),
        _f("part_lon", pl.Float64, "Centroid longitude of that new unit, where known."),
    ),
)

ALIASES = Table(
    name="aliases",
    description="Alternative spellings of units: short forms, older names, numbered-ward spellings. "
    "Upstream aliases are rebuilt by scripts/build_reference.py; mappings/aliases.csv is maintained by users.",
    primary_key=("level", "alias_key", "target_uid"),
    fields=(
        _f("level", pl.String, "province, district or ward.", required=True, allowed=("province", "district", "ward")),
        _f("alias", pl.String, "The alias as written.", required=True),
        _f("alias_key", pl.String, "Folded alias (no diacritics, [a-z0-9] only).", required=True),
        _f("target_uid", pl.String, "Unit the alias means: 'pre2025:<code>' (ward), 'pre2025-district:<code>', 'pre2025-province:<code>'.", required=True),
        _f("source", pl.String, "Where the alias comes from.", required=True),
    ),
)

GAZETTEER = Table(
    name="gazetteer",
    description="Evidence that places an address inside one part of a split old unit: a street, "
    "hamlet (ấp) or quarter (khu phố) and the new unit it lies in. Maintained by users in mappings/gazetteer.csv.",
    primary_key=("old_uid", "kind", "name_key"),
    fields=(
        _f("old_uid", pl.String, "Split old unit, 'pre2025:<code>'.", required=True),
        _f("kind", pl.String, "street, hamlet or quarter.", required=True, allowed=("street", "hamlet", "quarter")),
        _f("name", pl.String, "Name as written (e.g. 'Ấp 3', 'Đường Số 7').", required=True),
        _f("name_key", pl.String, "Folded name.", required=True),
        _f("new_uid", pl.String, "New unit containing it, '2025:<code>'.", required=True),
        _f("source", pl.String, "Who vouches for the entry.", required=True),
    ),
)

SOURCE_DISAGREEMENTS = Table(
    name="source_disagreements",
    description="Where the two upstream datasets disagree on a 2025 unit (name or presence by code).",
    fields=(
        _f("code", pl.String, "2025 code.", required=True),
        _f("issue", pl.String, "code_differs (same unit, other code), name_differs, accent_placement_differs, missing_in_vietnam_provinces, missing_in_vietnamadminunits.", required=True),
        _f("vietnamadminunits_name", pl.String, "Name in vietnamadminunits."),
        _f("vietnam_provinces_name", pl.String, "Name in vietnam-provinces."),
    ),
)

REFERENCE_TABLES: tuple[Table, ...] = (UNITS_PRE2025, UNITS_2025, CROSSWALK, ALIASES, GAZETTEER, SOURCE_DISAGREEMENTS)

RESOLVE_STATUSES = ("exact", "fuzzy", "split_resolved", "split_review", "unresolved")

RESOLVED_ADDRESS = Table(
    name="resolved_address",
    description="Output of the resolver: one row per input row, in input order.",
    fields=(
        _f("old_uid", pl.String, "Old unit found, 'pre2025:<code>'."),
        _f("old_code", pl.String, "Old unit GSO code (scheme pre2025)."),
        _f("old_name", pl.String, "Old unit name with type."),
        _f("old_district", pl.String, "Old district name with type."),
        _f("old_province", pl.String, "Old province name with type."),
        _f("new_uid", pl.String, "New ward, '2025:<code>'; null unless resolved to one unit."),
        _f("new_code", pl.String, "New ward GSO code (scheme 2025)."),
        _f("new_name", pl.String, "New ward name with type."),
        _f("status", pl.String, "exact, fuzzy, split_resolved, split_review or unresolved.", required=True, allowed=RESOLVE_STATUSES),
        _f("confidence", pl.Float64, "0..1; 0 when unresolved.", required=True),
        _f("candidates", pl.List(pl.String), "Every possible new ward ('2025:<code>') for the old unit."),
        _f("reason", pl.String, "Why the row is not exact: fuzzy match details, split evidence, or the failure."),
    ),
)
