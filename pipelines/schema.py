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
        _f(
            "code",
            pl.String,
            "GSO code: 5-digit commune code, or 3-digit district code for island districts.",
            required=True,
        ),
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
        _f(
            "is_default",
            pl.Boolean,
            "The default (largest) part of a split old unit; true for unsplit units.",
            required=True,
        ),
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
        _f(
            "target_uid",
            pl.String,
            "Unit the alias means: 'pre2025:<code>' (ward), 'pre2025-district:<code>', 'pre2025-province:<code>'.",
            required=True,
        ),
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
        _f(
            "issue",
            pl.String,
            "code_differs (same unit, other code), name_differs, accent_placement_differs, missing_in_vietnam_provinces, missing_in_vietnamadminunits.",
            required=True,
        ),
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
        _f(
            "status",
            pl.String,
            "exact, fuzzy, split_resolved, split_review or unresolved.",
            required=True,
            allowed=RESOLVE_STATUSES,
        ),
        _f("confidence", pl.Float64, "0..1; 0 when unresolved.", required=True),
        _f("candidates", pl.List(pl.String), "Every possible new ward ('2025:<code>') for the old unit."),
        _f("reason", pl.String, "Why the row is not exact: fuzzy match details, split evidence, or the failure."),
    ),
)


# ---------------------------------------------------------------------------
# Ingestion: raw -> staged (+ quarantine), one table per registry kind
# ---------------------------------------------------------------------------

REGISTRY_KINDS = ("population", "households", "businesses", "tax")

LINEAGE_FIELDS = (
    _f(
        "record_key",
        pl.String,
        "Unique id of the source row: '<source_id>@<extract_date>#<source_key>'.",
        required=True,
    ),
    _f("source_id", pl.String, "Catalogue id of the source system (mappings/sources/*.toml).", required=True),
    _f("extract_date", pl.Date, "Date of the source's extract this row comes from.", required=True),
    _f(
        "source_file",
        pl.String,
        "File (or database table) the row was read from, relative to the catalogue's base directory.",
        required=True,
    ),
    _f("source_key", pl.String, "Row number in the file (1-based data row) or the table's primary key.", required=True),
    _f("run_id", pl.String, "Id of the run that ingested the row (Dagster run id, or 'cli-<time>').", required=True),
)

# Canonical fields of each registry as the sources hold them (text, verbatim).
CANONICAL_FIELDS: dict[str, dict[str, str]] = {
    "population": {
        "full_name": "Person's full name, family-middle-given.",
        "date_of_birth": "Date of birth as written.",
        "sex": "Sex as written.",
        "personal_id": "12-digit personal ID (CCCD) as written.",
        "old_id_number": "9-digit old ID card number (CMND) as written.",
        "household_no": "Household registration book number.",
        "relation_to_head": "Relation to the head of household.",
        "address": "Permanent address as written (free text).",
        "phone": "Phone number as written.",
        "registered_on": "Registration date as written.",
    },
    "households": {
        "household_no": "Household registration book number.",
        "head_name": "Name of the head of household.",
        "head_personal_id": "Personal ID of the head.",
        "members": "Number of members.",
        "address": "Address as written (free text).",
        "registered_on": "Registration date as written.",
    },
    "businesses": {
        "registration_no": "Business registration number (enterprise MST, branch code or household-business number of any era).",
        "business_name": "Name of the enterprise or household business.",
        "business_kind": "Kind as written (Doanh nghiệp, Chi nhánh, Hộ kinh doanh ...).",
        "tax_code": "Tax code (MST) as written.",
        "owner_name": "Owner or legal representative.",
        "owner_personal_id": "Owner's personal ID.",
        "address": "Business address as written.",
        "vsic": "Main VSIC sector code.",
        "registered_on": "Registration date as written.",
        "status": "Operating status as written.",
    },
    "tax": {
        "taxpayer_code": "Tax code: MST, branch code, or from 1 July 2025 an individual's 12-digit personal ID.",
        "taxpayer_name": "Taxpayer name.",
        "address": "Taxpayer address as written.",
        "tax_office": "Old district tax office.",
        "period": "Tax period as written (YYYY-MM or Qn/YYYY).",
        "tax_type": "Tax type.",
        "amount_vnd": "Amount in VND as written.",
    },
}
# Fields a source of the registry must provide (by name, or as ward/district/province columns for the address).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "population": ("full_name", "date_of_birth", "address"),
    "households": ("household_no", "head_name", "address"),
    "businesses": ("business_name", "address"),
    "tax": ("taxpayer_code", "period", "amount_vnd"),
}
ADDRESS_PARTS = ("street_address", "ward", "district", "province")


def raw_table(registry: str) -> Table:
    fields = [
        _f(name, pl.String, f"{desc} Verbatim from the source.") for name, desc in CANONICAL_FIELDS[registry].items()
    ]
    fields += [
        _f(p, pl.String, f"Address part '{p}' for sources that split the address (verbatim).") for p in ADDRESS_PARTS
    ]
    fields.append(
        _f("extra_columns", pl.String, "Source columns the catalogue does not map, as a JSON object (kept, not lost).")
    )
    fields.append(
        _f(
            "read_problem",
            pl.String,
            "Why the row could not be split into fields (every field is then null and the text is in extra_columns); it goes to quarantine.",
        )
    )
    return Table(
        name=f"raw_{registry}",
        description=f"{registry} registry rows exactly as the old units' sources hold them, mapped to canonical column names, with lineage.",
        fields=(*LINEAGE_FIELDS, *fields),
        primary_key=("record_key",),
    )


RESOLUTION_FIELDS = (
    _f("old_uid", pl.String, "Old unit of the address, 'pre2025:<code>'."),
    _f("new_uid", pl.String, "New ward, '2025:<code>' (null unless resolved to one unit)."),
    _f(
        "ward_status",
        pl.String,
        "Resolver status: exact, fuzzy, split_resolved, split_review, unresolved.",
        required=True,
        allowed=RESOLVE_STATUSES,
    ),
    _f("ward_confidence", pl.Float64, "Resolver confidence 0..1.", required=True),
    _f("ward_candidates", pl.List(pl.String), "Every new ward the old unit went to."),
    _f("ward_reason", pl.String, "Why the address is not an exact match."),
)
TEXT_REPAIR_FIELD = _f(
    "text_repairs",
    pl.String,
    "Legacy-encoding repairs applied to this row's text fields ('field:vni; field:mojibake'), null if none.",
)
DATE_FLAG = "Day and month both ≤ 12: d/m vs m/d cannot be told apart; read by the source's convention."

STAGED_FIELDS: dict[str, tuple[Field, ...]] = {
    "population": (
        _f("full_name", pl.String, "Cleaned name: NFC, title case, no digits.", required=True),
        _f("full_name_original", pl.String, "Name as the source wrote it (after encoding repair)."),
        _f("name_key", pl.String, "Folded name for matching (no diacritics, [a-z0-9])."),
        _f("name_flags", pl.String, "Name cleaning notes (no_diacritics, case_fixed, digits_removed, single_word)."),
        _f("date_of_birth", pl.Date, "Date of birth.", required=True),
        _f("dob_precision", pl.String, "day or year (year-only records).", allowed=("day", "year")),
        _f("dob_ambiguous", pl.Boolean, DATE_FLAG),
        _f("sex", pl.String, "M or F.", allowed=("M", "F")),
        _f("personal_id", pl.String, "12-digit personal ID (digits only)."),
        _f("old_id_number", pl.String, "9-digit CMND (digits only)."),
        _f(
            "id_flags",
            pl.String,
            "Soft structure problems of the personal ID (unknown province code, century/sex or birth-year mismatch ...).",
        ),
        _f("household_no", pl.String, "Household registration book number."),
        _f("relation_to_head", pl.String, "Relation to the head of household (NFC)."),
        _f("phone", pl.String, "Phone, national 10-digit form."),
        _f("registered_on", pl.Date, "Registration date."),
        _f("address", pl.String, "Address text (NFC, encoding repaired; joined from parts for split-address sources)."),
    ),
    "households": (
        _f("household_no", pl.String, "Household registration book number.", required=True),
        _f("head_name", pl.String, "Cleaned name of the head.", required=True),
        _f("head_name_original", pl.String, "Name as written."),
        _f("head_personal_id", pl.String, "Head's personal ID (digits only)."),
        _f("members", pl.Int32, "Number of members."),
        _f("registered_on", pl.Date, "Registration date."),
        _f("address", pl.String, "Address text (NFC, repaired)."),
    ),
    "businesses": (
        _f("registration_no", pl.String, "Registration number (normalised: no spaces)."),
        _f("business_name", pl.String, "Business name (NFC, repaired).", required=True),
        _f("business_kind", pl.String, "Kind as written (NFC)."),
        _f("tax_code", pl.String, "Tax code normalised (10 digits, NNNNNNNNNN-NNN, or 12-digit personal ID)."),
        _f("tax_code_kind", pl.String, "enterprise, branch, personal_id or invalid."),
        _f("tax_code_valid", pl.Boolean, "MST check digit correct (null when not an MST)."),
        _f("owner_name", pl.String, "Cleaned owner name."),
        _f("owner_personal_id", pl.String, "Owner's personal ID (digits only)."),
        _f("vsic", pl.String, "VSIC sector code."),
        _f("registered_on", pl.Date, "Registration date."),
        _f("status", pl.String, "Operating status (NFC)."),
        _f("address", pl.String, "Address text (NFC, repaired)."),
    ),
    "tax": (
        _f("taxpayer_code", pl.String, "Tax code normalised.", required=True),
        _f("tax_code_kind", pl.String, "enterprise, branch, personal_id or invalid."),
        _f("tax_code_valid", pl.Boolean, "MST check digit correct (null when not an MST)."),
        _f("taxpayer_name", pl.String, "Taxpayer name (NFC, repaired)."),
        _f("tax_office", pl.String, "Old district tax office."),
        _f("period_start", pl.Date, "First day of the tax period.", required=True),
        _f("period", pl.String, "Period as written."),
        _f("tax_type", pl.String, "Tax type."),
        _f("amount_vnd", pl.Int64, "Amount in VND.", required=True),
        _f("address", pl.String, "Address text (NFC, repaired)."),
    ),
}


def staged_table(registry: str) -> Table:
    return Table(
        name=f"staged_{registry}",
        description=f"{registry} registry: typed, NFC, legacy encodings repaired, IDs/dates validated (flags, not drops), address resolved to the 2025 ward.",
        fields=(*LINEAGE_FIELDS, *STAGED_FIELDS[registry], TEXT_REPAIR_FIELD, *RESOLUTION_FIELDS),
        primary_key=("record_key",),
    )


QUARANTINE = Table(
    name="quarantine",
    description="Source rows that could not be staged, with the field and the reason. Staged + quarantined = raw, per partition.",
    fields=(
        *LINEAGE_FIELDS,
        _f("registry", pl.String, "Registry kind.", required=True, allowed=REGISTRY_KINDS),
        _f("field", pl.String, "Canonical field at fault (or '*' for the whole row).", required=True),
        _f("reason", pl.String, "Why the row was quarantined.", required=True),
        _f("raw_values", pl.String, "The raw row as JSON (canonical names), for review and re-entry.", required=True),
    ),
    primary_key=("record_key",),
)


# ---------------------------------------------------------------------------
# Entities: deduplicated people / households / businesses / taxpayers, lineage,
# review queues and links between registries (pipelines/link.py, assets/entities.py).
# Schema "entities". The golden and review columns follow the match specs in
# mappings/match/<kind>.toml ([survivorship] and [match] show); tests/test_link.py
# fails when a spec and these lists drift apart.
# ---------------------------------------------------------------------------

# entity kind -> the staged registry it deduplicates
ENTITY_KINDS: dict[str, str] = {
    "people": "population",
    "households": "households",
    "businesses": "businesses",
    "taxpayers": "tax",
}

# [survivorship] columns of each spec, in the order they are published
ENTITY_GOLDEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": (
        "full_name",
        "date_of_birth",
        "sex",
        "personal_id",
        "old_id_number",
        "phone",
        "household_no",
        "address",
        "new_uid",
    ),
    "households": (
        "household_no",
        "head_name",
        "head_personal_id",
        "members",
        "registered_on",
        "address",
        "old_uid",
        "new_uid",
    ),
    "businesses": (
        "tax_code",
        "registration_no",
        "business_name",
        "business_kind",
        "tax_code_kind",
        "owner_name",
        "owner_personal_id",
        "vsic",
        "status",
        "registered_on",
        "address",
        "old_uid",
        "new_uid",
    ),
    "taxpayers": ("taxpayer_code", "tax_code_kind", "taxpayer_name", "tax_office", "address", "old_uid", "new_uid"),
}

# [match] show columns of each spec: both records' values side by side in the review queue
ENTITY_REVIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": (
        "full_name",
        "date_of_birth",
        "sex",
        "personal_id",
        "old_id_number",
        "relation_to_head",
        "household_no",
        "phone",
        "address",
    ),
    "households": ("household_no", "head_name", "head_personal_id", "members", "registered_on", "address", "new_uid"),
    "businesses": (
        "registration_no",
        "business_name",
        "business_kind",
        "tax_code",
        "owner_name",
        "owner_personal_id",
        "vsic",
        "address",
        "new_uid",
    ),
    "taxpayers": ("taxpayer_code", "tax_code_kind", "taxpayer_name", "tax_office", "period", "address"),
}

LINK_TYPES = ("member_of", "branch_of", "taxpayer_of", "tax_of_parent", "owned_by", "is_person")


def _staged_field(registry: str, name: str) -> Field:
    for f in (*LINEAGE_FIELDS, *STAGED_FIELDS[registry], *RESOLUTION_FIELDS):
        if f.name == name:
            return f
    raise KeyError(f"staged_{registry} declares no field {name!r}")


def entities_table(kind: str) -> Table:
    registry = ENTITY_KINDS[kind]
    golden = []
    for name in ENTITY_GOLDEN_COLUMNS[kind]:
        f = _staged_field(registry, name)
        golden.append(
            _f(
                name,
                f.dtype,
                f"{f.description} Golden value: chosen among the entity's records by the rule in "
                f"mappings/match/{kind}.toml [survivorship].",
            )
        )
    return Table(
        name=f"{kind}_entities",
        description=f"Deduplicated {kind} (golden records): one row per entity found in staged_{registry} by the match spec "
        f"mappings/match/{kind}.toml. Entity ids are stable across runs (records seen before keep their entity's id).",
        primary_key=("entity_id",),
        fields=(
            _f(
                "entity_id",
                pl.String,
                "Stable entity id: '<prefix>-' + 16 hex digits (P people, H households, B businesses, T taxpayers).",
                required=True,
            ),
            _f("record_count", pl.UInt32, "Number of staged records in the entity.", required=True),
            _f(
                "record_ids",
                pl.List(pl.String),
                f"record_key of every staged_{registry} record in the entity, sorted.",
                required=True,
            ),
            *golden,
        ),
    )


def lineage_table(kind: str) -> Table:
    registry = ENTITY_KINDS[kind]
    return Table(
        name=f"{kind}_lineage",
        description=f"Record -> entity for every staged_{registry} record (exactly once), with the link that put it in its entity. "
        f"Passed to the next run so entity ids stay stable.",
        primary_key=("record_key",),
        fields=(
            _f(
                "record_key",
                pl.String,
                f"The staged_{registry} record ('<source_id>@<extract_date>#<source_key>').",
                required=True,
            ),
            _f("source_id", pl.String, "Catalogue id of the record's source system.", required=True),
            _f("extract_date", pl.Date, "Extract the record comes from.", required=True),
            _f("entity_id", pl.String, f"Entity the record belongs to ({kind}_entities.entity_id).", required=True),
            _f("entity_size", pl.UInt32, "Number of records in that entity.", required=True),
            _f(
                "linked_to",
                pl.String,
                "The record of the same entity it was linked to with the highest probability; null for an entity of one record.",
            ),
            _f("link_probability", pl.Float64, "Match probability of that link."),
            _f(
                "link_evidence",
                pl.String,
                "Comparison levels of that link ('name=exact; date_of_birth=day_month_swapped; ...').",
            ),
        ),
    )


def review_table(kind: str) -> Table:
    registry = ENTITY_KINDS[kind]
    shown = []
    for side in ("left", "right"):
        for name in ENTITY_REVIEW_COLUMNS[kind]:
            f = _staged_field(registry, name)
            shown.append(_f(f"{side}_{name}", f.dtype, f"{side.capitalize()} record: {f.description}"))
    return Table(
        name=f"{kind}_review",
        description=f"Review queue of uncertain {kind} matches for a person to decide: record pairs with a match probability between "
        f"the spec's review and link thresholds, and links refused by the chaining guard or a cannot-link rule; strongest first, "
        f"with both records' fields side by side.",
        primary_key=("left_id", "right_id"),
        fields=(
            _f("left_id", pl.String, f"record_key of one staged_{registry} record.", required=True),
            _f("right_id", pl.String, "record_key of the other.", required=True),
            _f(
                "match_probability", pl.Float64, "Model probability that the two records are one entity.", required=True
            ),
            _f(
                "match_weight",
                pl.Float64,
                "Log2 Bayes factor including the prior (the sum of the comparison weights).",
                required=True,
            ),
            _f(
                "decision",
                pl.String,
                "review (uncertain) or refused (a link the chaining guard or a cannot-link rule refused).",
                required=True,
                allowed=("review", "refused"),
            ),
            _f("decision_reason", pl.String, "Why a link was refused."),
            _f(
                "evidence",
                pl.String,
                "Comparison levels of the pair ('name=jw_0.95; ids=missing; ...').",
                required=True,
            ),
            _f(
                "same_entity",
                pl.Boolean,
                "The two records ended up in one entity anyway (through other links).",
                required=True,
            ),
            *shown,
        ),
    )


REGISTRY_LINKS = Table(
    name="registry_links",
    description="Links between entities of different registries (and business branches to their parent), one row per "
    "(from entity, to entity, link type). Source rows that could not be linked are counted per link type and reason in the "
    "registry_links asset's metadata, never dropped silently.",
    primary_key=("from_kind", "from_entity_id", "to_kind", "to_entity_id", "link_type"),
    fields=(
        _f(
            "from_kind",
            pl.String,
            "Kind of the source entity (table <kind>_entities).",
            required=True,
            allowed=tuple(ENTITY_KINDS),
        ),
        _f("from_entity_id", pl.String, "The source entity.", required=True),
        _f("to_kind", pl.String, "Kind of the target entity.", required=True, allowed=tuple(ENTITY_KINDS)),
        _f("to_entity_id", pl.String, "The target entity.", required=True),
        _f(
            "link_type",
            pl.String,
            "member_of (person -> household by book number), branch_of (branch -> parent business by the "
            "first 10 digits of its tax code), taxpayer_of (taxpayer -> business with its tax code or registration number), "
            "tax_of_parent (taxpayer filing under a branch code with no branch registered -> parent business), owned_by "
            "(business -> its owner's person entity by personal ID), is_person (individual taxpayer filing under a 12-digit "
            "personal ID -> person entity).",
            required=True,
            allowed=LINK_TYPES,
        ),
        _f(
            "evidence",
            pl.String,
            "The key values the link rests on ('household_no=975391795; ward 2025:25768').",
            required=True,
        ),
        _f("records", pl.UInt32, "Number of source records supporting the link.", required=True),
    ),
)

ENTITY_TABLES: tuple[Table, ...] = (
    *(t for kind in ENTITY_KINDS for t in (entities_table(kind), lineage_table(kind), review_table(kind))),
    REGISTRY_LINKS,
)
