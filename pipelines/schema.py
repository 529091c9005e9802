"""Every table wardbridge publishes, declared once.

Each ``Table`` lists its fields with type, description and constraints. Loading
(``cast``), checks (``validate``), the DuckDB DDL and the generated docs all read
these declarations, so a column is described in exactly one place.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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
    # Staged fields only: what a row with this field missing (blank) or invalid (written but unreadable, or
    # soft problems for IDs) becomes. "quarantine": the row cannot be staged; "flag": it is staged and the
    # problem is listed in its `issues` column; None: nothing (an optional field simply left empty).
    on_missing: str | None = None
    on_invalid: str | None = None
    # A column added to a table after warehouses were published with it: a frame without it (a table published
    # before, read back to be published again, e.g. by the marts) casts with it null instead of failing.
    absent_as_null: bool = False


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
        """Select the declared columns in declared order with declared types (``absent_as_null`` ones null if absent)."""
        missing = [f.name for f in self.fields if f.name not in frame.columns and not f.absent_as_null]
        if missing:
            raise ValueError(f"table {self.name}: missing columns {missing}")
        return frame.select(
            (pl.col(f.name) if f.name in frame.columns else pl.lit(None)).cast(f.dtype).alias(f.name)
            for f in self.fields
        )

    def absent(self, frame: pl.DataFrame) -> list[str]:
        """The ``absent_as_null`` columns ``frame`` lacks: it was written before they were declared."""
        return [f.name for f in self.fields if f.absent_as_null and f.name not in frame.columns]

    def with_absent(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with its ``absent`` columns added, null and typed as declared (nothing else changed: a check
        reading it still sees the other columns as written)."""
        types = self.polars_schema
        return frame.with_columns(pl.lit(None, types[c]).alias(c) for c in self.absent(frame))

    def absent_problem(self, absent: list[str]) -> str:
        """What a table written before its ``absent`` columns were declared lacks, and what to do about it."""
        return (
            f"{self.name}: columns {absent} absent: the table was written before they were declared. Publishing it "
            "again writes them null (the marts: materialise publish_marts, no re-match needed); they hold values once "
            "the step computing them has run again (entities.<kind>_review's dates: match_<kind>, then publish_marts)"
        )

    def validate(self, frame: pl.DataFrame) -> list[str]:
        """Return human-readable violations of the declared constraints. A column declared ``absent_as_null`` that
        the frame lacks is one problem saying so and what to do (``absent_problem``); the rest is checked as if it
        were null. Any other missing column: that alone is reported."""
        problems: list[str] = []
        absent = self.absent(frame)
        missing = [c for c in self.columns if c not in frame.columns and c not in absent]
        if missing:
            return [f"{self.name}: missing columns {missing}"]
        if absent:
            problems.append(self.absent_problem(absent))
            frame = self.with_absent(frame)
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

RESOLVE_STATUSES = ("exact", "fuzzy", "split_resolved", "split_review", "scheme_review", "unresolved")
# a record's ward_status: the resolver's, or "official" where an official's decision placed it (review.placements,
# a split street an official confirmed); the resolver never gives "official"
OFFICIAL_STATUS = "official"
# the statuses of a record without any ward, asked about in the unresolved_address queue (pipelines.review.queues)
ADDRESS_REVIEW_STATUSES = ("unresolved", "scheme_review")
# an earlier version of a source record (the lineage's 'same source record') without a ward of its own, placed in its
# newest version's ward by the machine (pipelines.entities.versions.place_by_newest_version), never by the resolver;
# an official's decision on its address (place, dismiss) wins over it
NEWEST_VERSION_STATUS = "placed_by_newest_version"
WARD_STATUSES = (*RESOLVE_STATUSES, OFFICIAL_STATUS, NEWEST_VERSION_STATUS)
ADDRESS_SCHEMES = (SCHEME_PRE2025, SCHEME_2025)

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
            "exact, fuzzy, split_resolved, split_review, scheme_review (the address reads as a unit of "
            "both schemes leading to different 2025 wards and no district, date or scheme column decides: "
            "both readings are in candidates) or unresolved.",
            required=True,
            allowed=RESOLVE_STATUSES,
        ),
        _f(
            "scheme",
            pl.String,
            "Form the address was read in: pre2025 (old ward, district, province) or 2025 (ward, province); "
            "null when undecided or unresolved.",
            allowed=ADDRESS_SCHEMES,
        ),
        _f("confidence", pl.Float64, "0..1; 0 when unresolved.", required=True),
        _f(
            "candidates",
            pl.List(pl.String),
            "Every possible new ward ('2025:<code>'): the old unit's parts, the 2025 ward read, or both readings.",
        ),
        _f("reason", pl.String, "Why the row is not exact: fuzzy match details, split evidence, or the failure."),
    ),
)


# ---------------------------------------------------------------------------
# Split units placed from the registries' own evidence (pipelines/entities/placement.py,
# assets/placement.py). Schema "resolved" of wardbridge.duckdb and warehouse/parquet/resolved/.
# ---------------------------------------------------------------------------

SPLIT_NAME_KINDS = ("street", "hamlet", "quarter")
REGISTRY_KINDS_FOR_PLACEMENT = ("population", "households", "businesses", "tax")  # = REGISTRY_KINDS (below)
SPLIT_EVIDENCE_STATES = ("learned", "confirmed", "rejected", "conflicting", "thin")
SPLIT_EVIDENCE = Table(
    name="split_evidence",
    description="What the registries say about where a street, hamlet (ấp) or quarter (khu phố) of a split old unit "
    "lies: one row per (old unit, kind, folded name) seen in the old unit's old-form records or in 2025-form records "
    "that place it. Evidence is a 2025-form record (street + 2025 ward) whose ward is one of the old unit's parts and "
    "whose name occurs in old-form records of that old unit and of no other predecessor of the ward, or a 2025-form "
    "record of a household (same household_no) whose old-form record carries the name in the old unit. 'learned' "
    "(enough near-unanimous support: pipelines/entities/placement.py MIN_SUPPORT, MAX_CONFLICT_SHARE) and 'confirmed' "
    "(an official) entries place the old unit's split_review records "
    "(resolved.split_placements); conflicting, thin and rejected ones go to officials.",
    primary_key=("old_uid", "kind", "name_key"),
    fields=(
        _f("old_uid", pl.String, "Split old unit, 'pre2025:<code>'.", required=True),
        _f("kind", pl.String, "street, hamlet or quarter.", required=True, allowed=SPLIT_NAME_KINDS),
        _f(
            "name_key",
            pl.String,
            "Folded name (no diacritics, [a-z0-9]; a quarter 'KP 5' folds as 'khupho5'), as gazetteer.name_key.",
            required=True,
        ),
        _f("name", pl.String, "Display form: the spelling most records use.", required=True),
        _f(
            "proposed_new_uid",
            pl.String,
            "2025 ward the entry places records in: the official's for confirmed, the dominant one for learned, the "
            "best supported for thin and conflicting; null when rejected or without evidence.",
        ),
        _f(
            "support",
            pl.UInt32,
            "2025-form records stating this name in this old unit and proposed_new_uid.",
            required=True,
        ),
        _f(
            "conflicting",
            pl.UInt32,
            "2025-form records stating this name in this old unit and another ward.",
            required=True,
        ),
        _f(
            "candidates",
            pl.String,
            "Every ward the evidence names with its records, ';'-joined 'new_uid:count', most first.",
        ),
        _f(
            "state",
            pl.String,
            "learned, confirmed, rejected, conflicting or thin.",
            required=True,
            allowed=SPLIT_EVIDENCE_STATES,
        ),
        _f(
            "records_waiting",
            pl.UInt32,
            "Old-form split_review records of the old unit whose address carries the name.",
            required=True,
        ),
        _f(
            "records_placed",
            pl.UInt32,
            "Of those, records placed by this entry (resolved.split_placements).",
            required=True,
        ),
        _f("reviewer", pl.String, "Official who confirmed or rejected the entry (null otherwise)."),
        _f("decided_on", pl.Date, "Date of the official's decision."),
    ),
)
SPLIT_PLACEMENTS = Table(
    name="split_placements",
    description="Record-level overlay: split_review records of a split old unit placed in one of its parts by learned or "
    "confirmed split_evidence. Entities and marts read staged rows through it (pipelines.entities.io.read_staged): "
    "new_uid, ward_status and ward_reason replaced, every record still one row.",
    primary_key=("registry", "record_key"),
    fields=(
        _f("registry", pl.String, "Registry of the record.", required=True, allowed=REGISTRY_KINDS_FOR_PLACEMENT),
        _f("record_key", pl.String, "The staged record.", required=True),
        _f("old_uid", pl.String, "Split old unit of the record's address.", required=True),
        _f("new_uid", pl.String, "2025 ward the record is placed in.", required=True),
        _f(
            "ward_status",
            pl.String,
            "split_resolved (learned), official (a street an official confirmed).",
            required=True,
            allowed=("split_resolved", OFFICIAL_STATUS),
        ),
        _f(
            "ward_reason",
            pl.String,
            "'learned: N records; <kind> <name>' or 'official: confirmed by <reviewer> on <date>; <kind> <name>'.",
            required=True,
        ),
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
        "Unique id of the source row: '<source_id>@<extract_date>#<source_key>' ('<source_id>@undated#<source_key>' "
        "for a SQL source's row whose extract-date column is empty or no date); a source_key repeated in the extract "
        "gets '~2', '~3', ... on its other rows (flagged key_repeated).",
        required=True,
    ),
    _f("source_id", pl.String, "Catalogue id of the source system (mappings/sources/*.toml).", required=True),
    _f(
        "extract_date",
        pl.Date,
        "Date of the source's extract this row comes from; 1900-01-01 for the rows of a partition "
        "'<source_id>@undated' (a SQL source's rows whose extract-date column is empty or no date).",
        required=True,
    ),
    _f(
        "source_file",
        pl.String,
        "File (or database table) the row was read from, relative to the catalogue's base directory.",
        required=True,
    ),
    _f(
        "source_key",
        pl.String,
        "The row's key in the source: the value of the catalogue entry's key_column; without one, a database "
        "table's one-column primary key, else the 1-based data row number (a table's in key order). A row whose key "
        "cell is empty is keyed by its place: 'line:17' (a text file or dump), 'Sheet1!row:17' (a workbook), "
        "'record:17' (dBase); in a database table by its content, 'content:<16 hex digits>'.",
        required=True,
    ),
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
    fields.append(
        _f(
            "row_flags",
            pl.String,
            "What the reader noticed about the row ('; '-separated, null if nothing): key_synthetic (the key cell was "
            "empty: source_key is the row's place in the file, 'line:17'; in a database table its content, "
            "'content:' and 16 hex digits of a hash of its values), overflow:N (N values beyond the header's last "
            "column, kept in extra_columns._overflow), short:N (N fields fewer than the header, read as null), "
            "key_repeated (another row of the extract has the same source_key: every such row is flagged, and "
            "record_key gets ~2, ~3... in the order of the rows' values, not their place in the file), numeric:F1,F2 (the "
            "reader read these fields from number cells: a dBase numeric field, an XLSX number cell, a PostgreSQL or "
            "pg_dump number column, a SQLite integer/real cell, a JSON number: staging puts back an ID's lost leading "
            "zero), decoded:F1=enc,F2=enc (the reader read these fields' cells in a legacy encoding, cp1258, vni or "
            "tcvn3: a SQLite or PostgreSQL cell not UTF-8, or the non-ASCII cells of a line of a UTF-8 CSV or JSON lines file "
            "that is not UTF-8 but certainly that encoding; a column not mapped is named extra_columns.<its name>), "
            "excel_error:F1,F2 "
            "(XLSX: these fields' cells held an Excel error, #REF! or #N/A, or a formula never calculated (no result "
            "saved), read as empty: a quarantine reason or the row's issues say so, not 'missing'); and on a row the reader quarantines whole, who acts on it (quarantine.reason_kind): "
            "deleted_record "
            "(a dBase record its file marks deleted), cut_off (the last row of a file that ends mid-row), "
            "header_unreadable (the extract's header names cannot be told apart: every row, the extract rejected).",
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
        "Resolver status: exact, fuzzy, split_resolved, split_review, scheme_review, unresolved; official where an "
        "official's decision placed the record (ward_reason names who and when); placed_by_newest_version where an "
        "earlier version without a ward of its own takes the ward of its source record's newest version (as the marts "
        "and review queues read it; ward_reason names that version).",
        required=True,
        allowed=WARD_STATUSES,
    ),
    _f(
        "ward_scheme",
        pl.String,
        "Form the address was read in: pre2025 or 2025; null when undecided or unresolved.",
        allowed=ADDRESS_SCHEMES,
    ),
    _f("ward_confidence", pl.Float64, "Resolver confidence 0..1.", required=True),
    _f(
        "ward_candidates",
        pl.List(pl.String),
        "Every new ward the address may be in (old unit's parts, 2025 ward, or both readings).",
    ),
    _f("ward_reason", pl.String, "Why the address is not an exact match."),
)
ADDRESS_CORRECTIONS = Table(
    name="address_corrections",
    description="Record-level overlay: staged records re-resolved because the reference (crosswalk, aliases, "
    "gazetteer) changed since their partition was staged, with the resolver columns they get under the current "
    "reference (only records whose reading changed). Applied first by pipelines.entities.io.read_staged / "
    "apply_overlays (pipelines/entities/reresolve.py), so a corrected entry re-resolves only the records it affects.",
    primary_key=("registry", "record_key"),
    fields=(
        _f("registry", pl.String, "Registry of the record.", required=True, allowed=REGISTRY_KINDS_FOR_PLACEMENT),
        _f("record_key", pl.String, "The staged record.", required=True),
        _f("partition", pl.String, "Staged partition (source extract) of the record.", required=True),
        *RESOLUTION_FIELDS,
        _f(
            "staged_reference",
            pl.String,
            "Fingerprint of the reference the partition was staged with (null: not recorded).",
        ),
        _f("reference", pl.String, "Fingerprint of the reference the record was re-resolved with.", required=True),
    ),
)
# resolved-schema overlays on the staged records (pipelines/entities/placement.py, reresolve.py)
SPLIT_TABLES: tuple[Table, ...] = (SPLIT_EVIDENCE, SPLIT_PLACEMENTS, ADDRESS_CORRECTIONS)
TEXT_REPAIR_FIELD = _f(
    "text_repairs",
    pl.String,
    "Repairs applied to this row's text fields ('field:vni; field:mojibake', NUL characters taken out: "
    "'field:nul_removed') and its tax code or phone read from a written form (Excel's leading apostrophe, a label "
    "'MST: ', 'SĐT', fullwidth digits: 'tax_code:form_normalised'), null if none.",
)
ROW_POLICIES = ("quarantine", "flag")


def policy_sentences(on_missing: str | None, on_invalid: str | None) -> str:
    """A staged field's missing/invalid policy as the warehouse's docs state it (docs/tables.md); an export says
    it in its recipient's terms instead (pipelines/publish/exports.py)."""
    words = {"quarantine": "the row is quarantined", "flag": "the row is staged and flagged in `issues`"}
    policy = []
    if on_missing:
        policy.append(f"Missing: {words[on_missing]}.")
    if on_invalid:
        policy.append(f"Unreadable: {words[on_invalid]}.")
    return " ".join(policy)


def _s(name, dtype, description, *, on_missing=None, on_invalid=None, **kw) -> Field:
    """A staged field; its missing/invalid policy is stated at the end of its description (docs/tables.md)."""
    for p in (on_missing, on_invalid):
        if p not in (None, *ROW_POLICIES):
            raise ValueError(f"field {name}: policy {p!r} is not one of {ROW_POLICIES}")
    text = f"{description} {policy_sentences(on_missing, on_invalid)}".strip()
    return Field(name, dtype, text, on_missing=on_missing, on_invalid=on_invalid, **kw)


ISSUES_FIELD = _f(
    "issues",
    pl.String,
    "What was found wrong with the staged row, '; '-separated ('date_of_birth: missing; phone: not a phone number "
    "(wrong length)'), null when nothing: flagged fields (see each field's policy) and the reader's notes (source_key: "
    "missing, values beyond the header) and dates read in the other day/month order because it was the only valid one "
    "('date_of_birth: read month-first (the only valid order)'). Never holds the values themselves: they stay in "
    "raw. Review queues: a flagged ID or tax code is an invalid_id item, any other value written but not read (birth "
    "date, sex, phone, members, registration date) an unreadable_value item; a missing value and a date read in the "
    "other order are in no review queue (review.staged_<registry>_flagged lists every row where it is not null).",
)
ID_FLAGS = (
    "Structure problems of the {what} (non_digit, wrong_length, placeholder, leading_zero_restored, "
    "unknown_province_code, century_sex_mismatch ...); form_normalised: read from the digits of a written form, Excel's "
    "leading apostrophe, a label ('CCCD: ', 'CMND số') or fullwidth digits (a repair, as leading_zero_restored)."
)
TAX_CODE_KIND = (
    "Kind of tax code, from its shape and check digit: enterprise (a valid 10-digit MST, or one written 'MST-000'; "
    "individuals and household businesses also held 10-digit MSTs before July 2025, which the shape does not tell "
    "apart: an enterprise code may be a household business's), branch (NNNNNNNNNN-NNN), personal_id (12-digit "
    "personal ID, the individual tax code since 1 July 2025) or invalid"
)
DATE_FLAG = "Day and month both ≤ 12: d/m vs m/d cannot be told apart; read by the source's convention."

STAGED_FIELDS: dict[str, tuple[Field, ...]] = {
    "population": (
        _s("full_name", pl.String, "Cleaned name: NFC, title case, no digits.", required=True, on_missing="quarantine"),
        _f("full_name_original", pl.String, "Name as the source wrote it (after encoding repair)."),
        _f("name_key", pl.String, "Folded name for matching (no diacritics, [a-z0-9])."),
        _f("name_flags", pl.String, "Name cleaning notes (no_diacritics, case_fixed, digits_removed, single_word)."),
        _s("date_of_birth", pl.Date, "Date of birth.", on_missing="flag", on_invalid="flag"),
        _f(
            "dob_precision",
            pl.String,
            "day; month (a month and year only: 'tháng 3 năm 1990', 'Jan 1997', an unknown day written 00: "
            "'00/03/1990', '1990-03-00'; date_of_birth is the 1st of that month); or year (a year only: '1990', an "
            "unknown day and month written 00: '00/00/1990', '1990-00-00'; date_of_birth is 1 January of that year).",
            allowed=("day", "month", "year"),
        ),
        _f("dob_ambiguous", pl.Boolean, DATE_FLAG),
        _s("sex", pl.String, "M or F.", allowed=("M", "F"), on_invalid="flag"),
        _s("personal_id", pl.String, "12-digit personal ID (digits only).", on_invalid="flag"),
        _s("old_id_number", pl.String, "9-digit CMND (digits only).", on_invalid="flag"),
        _f(
            "id_flags",
            pl.String,
            ID_FLAGS.format(what="personal ID") + " Also birth-year mismatch against the birth date.",
        ),
        _f("old_id_flags", pl.String, ID_FLAGS.format(what="old ID card number (CMND)")),
        _f("household_no", pl.String, "Household registration book number."),
        _f("relation_to_head", pl.String, "Relation to the head of household (NFC)."),
        _s("phone", pl.String, "Phone, national 10-digit form.", on_invalid="flag"),
        _f(
            "phone_flags",
            pl.String,
            "Why the phone is null or doubtful (wrong length, unknown mobile prefix, multiple numbers ...).",
        ),
        _s("registered_on", pl.Date, "Registration date.", on_invalid="flag"),
        _s(
            "address",
            pl.String,
            "Address text (NFC, encoding repaired; joined from parts for split-address sources).",
            required=True,
            on_missing="quarantine",
        ),
        ISSUES_FIELD,
    ),
    "households": (
        _s("household_no", pl.String, "Household registration book number.", required=True, on_missing="quarantine"),
        _s("head_name", pl.String, "Cleaned name of the head.", required=True, on_missing="quarantine"),
        _f("head_name_original", pl.String, "Name as written."),
        _s("head_personal_id", pl.String, "Head's personal ID (digits only).", on_invalid="flag"),
        _f("head_id_flags", pl.String, ID_FLAGS.format(what="head's personal ID")),
        _s("members", pl.Int32, "Number of members.", on_invalid="flag"),
        _s("registered_on", pl.Date, "Registration date.", on_invalid="flag"),
        _s("address", pl.String, "Address text (NFC, repaired).", required=True, on_missing="quarantine"),
        ISSUES_FIELD,
    ),
    "businesses": (
        _f("registration_no", pl.String, "Registration number (normalised: no spaces)."),
        _s("business_name", pl.String, "Business name (NFC, repaired).", required=True, on_missing="quarantine"),
        _f("business_kind", pl.String, "Kind as written (NFC)."),
        _s(
            "tax_code",
            pl.String,
            "Tax code normalised (10 digits, NNNNNNNNNN-NNN, or 12-digit personal ID).",
            on_invalid="flag",
        ),
        _f("tax_code_kind", pl.String, f"{TAX_CODE_KIND}."),
        _f("tax_code_valid", pl.Boolean, "MST check digit correct (null when not an MST)."),
        _f("owner_name", pl.String, "Cleaned owner name."),
        _s("owner_personal_id", pl.String, "Owner's personal ID (digits only).", on_invalid="flag"),
        _f("owner_id_flags", pl.String, ID_FLAGS.format(what="owner's personal ID")),
        _f("vsic", pl.String, "VSIC sector code."),
        _s("registered_on", pl.Date, "Registration date.", on_invalid="flag"),
        _f("status", pl.String, "Operating status (NFC)."),
        _s("address", pl.String, "Address text (NFC, repaired).", required=True, on_missing="quarantine"),
        ISSUES_FIELD,
    ),
    "tax": (
        _s(
            "taxpayer_code",
            pl.String,
            "Tax code normalised.",
            required=True,
            on_missing="quarantine",
            on_invalid="flag",
        ),
        _f("tax_code_kind", pl.String, f"{TAX_CODE_KIND}."),
        _f("tax_code_valid", pl.Boolean, "MST check digit correct (null when not an MST)."),
        _f("taxpayer_name", pl.String, "Taxpayer name (NFC, repaired)."),
        _f("tax_office", pl.String, "Old district tax office."),
        _s(
            "period_start",
            pl.Date,
            "First day of the tax period (YYYY-MM, MM/YYYY, Tháng M/YYYY, an Excel date cell at the first of a month, Qn/YYYY, Quý n/YYYY; month 1-12).",
            required=True,
            on_missing="quarantine",
            on_invalid="quarantine",
        ),
        _f("period", pl.String, "Period as written."),
        _f("tax_type", pl.String, "Tax type."),
        _s(
            "amount_vnd",
            pl.Int64,
            "Amount in VND, read in Vietnamese (1.234.567) or English (1,234,567) notation "
            "(pipelines.standardise.parse_amounts). A value that is thousands in one notation and decimals in the other "
            "('500.000') is read by the notation the extract's unambiguous amounts show, and is unreadable when they show "
            "none or both equally; a non-zero decimal part is unreadable (VND has no decimals).",
            required=True,
            on_missing="quarantine",
            on_invalid="quarantine",
        ),
        _f("address", pl.String, "Address text (NFC, repaired)."),
        ISSUES_FIELD,
    ),
}


def staged_table(registry: str) -> Table:
    return Table(
        name=f"staged_{registry}",
        description=f"{registry} registry: typed, NFC, legacy encodings repaired, IDs/dates validated (flags, not drops), address resolved to the 2025 ward.",
        fields=(*LINEAGE_FIELDS, *STAGED_FIELDS[registry], TEXT_REPAIR_FIELD, *RESOLUTION_FIELDS),
        primary_key=("record_key",),
    )


# An extract is rejected (every row quarantined with field '*', its partition failed) when at least
# REJECT_MIN_ROWS rows were read and more than REJECT_SHARE of them cannot be staged: it is not an
# extract of its registry (a wrong file, a wrong mapping).
REJECT_MIN_ROWS = 20
REJECT_SHARE = 0.5

# Why a row is in quarantine, by kind (quarantine.reason_kind), and so who acts on it. The reason text says the
# particulars; the kind routes the row: only QUARANTINE_KINDS_FOR_OFFICIALS go to the officials' quarantined_row queue
# (pipelines/review/queues.py), the others stay in quarantine.* for the data engineer (the run's log, ingest status).
QUARANTINE_REASON_KINDS: dict[str, str] = {
    "field": "a field's declared policy quarantines the row (a required field missing or unreadable): an official "
    "re-enters it from the source system",
    "unread_row": "the reader could not split the row into fields (an unbalanced quote, bytes not in the file's "
    "encoding, a repeated column with two values, a damaged record): an official re-enters it",
    "extract_rejected": "the whole extract was rejected (most rows cannot be staged, or its header names cannot be told "
    "apart): a wrong file or mapping, the data engineer's",
    "cut_off": "the last row of a file that ends mid-row (cut off in transfer): the data engineer fetches the file "
    "again",
    "source_deleted": "a record its source system marks deleted (a dBase record flagged '*', never packed): nothing "
    "to re-enter",
}
QUARANTINE_KINDS_FOR_OFFICIALS = ("field", "unread_row")

QUARANTINE = Table(
    name="quarantine",
    description="Source rows that could not be staged, with the field and the reason. Staged + quarantined = raw, per "
    f"partition. An extract of at least {REJECT_MIN_ROWS} rows of which more than {REJECT_SHARE:.0%} cannot be staged is "
    "rejected whole (not an extract of its registry): all its rows are here with field '*'.",
    fields=(
        *LINEAGE_FIELDS,
        _f("registry", pl.String, "Registry kind.", required=True, allowed=REGISTRY_KINDS),
        _f(
            "field",
            pl.String,
            "Canonical field at fault: the first field whose declared policy (staged field 'Missing:'/'Unreadable:') "
            "quarantines the row; '*' for a row the reader could not split, or for every row of a rejected extract.",
            required=True,
        ),
        _f(
            "reason",
            pl.String,
            "Why the row was quarantined: every failing field ('period: unreadable (not YYYY-MM or Qn/YYYY)'), the "
            "reader's cause with the file line ('line 17 has an unbalanced quote'), or 'extract rejected: N of M rows "
            "...'. Names fields and lines, never quotes a value (the values are in raw_values).",
            required=True,
        ),
        _f(
            "reason_kind",
            pl.String,
            "Who acts on the row, by the kind of its reason: "
            + "; ".join(f"{kind}: {why}" for kind, why in QUARANTINE_REASON_KINDS.items())
            + ". Only "
            + " and ".join(QUARANTINE_KINDS_FOR_OFFICIALS)
            + " rows are review items (review queue quarantined_row).",
            required=True,
            allowed=tuple(QUARANTINE_REASON_KINDS),
        ),
        _f(
            "registered_on",
            pl.Date,
            "Registration date as staging read it: in the source's day/month order (its catalogue entry's day_first; "
            "a date valid in the other order only, read in that one), null where none is written or it cannot be "
            "read, on a row the reader could not split, and in tax (no registration date). The row's raw address is "
            "read as of it for its old unit and ward (the marts' record flow and per-ward counts, the review queue's "
            "quarantined_row items), as its staged twin's is. A partition written before this column was declared "
            "gets the date of its raw_values read day first (the catalogue's default; pipelines/ingest/quarantine.py).",
        ),
        _f("raw_values", pl.String, "The raw row as JSON (canonical names), for review and re-entry.", required=True),
    ),
    primary_key=("record_key",),
)


# ---------------------------------------------------------------------------
# Entities: deduplicated people / households / businesses / taxpayers, lineage,
# review queues and links between registries (pipelines/entities/, assets/entities.py).
# Schema "entities". The golden and review columns follow the match specs in
# mappings/match/<kind>.toml ([survivorship] and [match] show), read from the specs.
# ---------------------------------------------------------------------------

# entity kind -> the staged registry it deduplicates
ENTITY_KINDS: dict[str, str] = {
    "people": "population",
    "households": "households",
    "businesses": "businesses",
    "taxpayers": "tax",
}

MATCH_SPEC_DIR = Path(__file__).resolve().parents[1] / "mappings" / "match"


def _spec(kind: str) -> dict:
    with open(MATCH_SPEC_DIR / f"{kind}.toml", "rb") as fh:
        return tomllib.load(fh)


def _spec_columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The [survivorship] columns (in order) and the [match] show columns of mappings/match/<kind>.toml.

    The spec is the one place these lists are written; the entity and review tables follow it.
    """
    spec = _spec(kind)
    return tuple(spec.get("survivorship", {})), tuple(spec.get("match", {}).get("show", ()))


_SPEC_COLUMNS = {kind: _spec_columns(kind) for kind in ENTITY_KINDS}
# per entity kind, the spec's [[dates]]: date column -> the staged column saying how precisely it is known (or None)
SPEC_DATE_PRECISION = {
    kind: {d["column"]: d.get("precision") for d in _spec(kind).get("dates", ())} for kind in ENTITY_KINDS
}
# [survivorship] columns of each spec, in the order they are published
ENTITY_GOLDEN_COLUMNS: dict[str, tuple[str, ...]] = {kind: cols[0] for kind, cols in _SPEC_COLUMNS.items()}
# [match] show columns of each spec: both records' values side by side in the review queue
ENTITY_REVIEW_COLUMNS: dict[str, tuple[str, ...]] = {kind: cols[1] for kind, cols in _SPEC_COLUMNS.items()}

LINK_TYPES = ("member_of", "branch_of", "taxpayer_of", "tax_of_parent", "owned_by", "is_person")


def staged_field(registry: str, name: str) -> Field:
    """The field ``name`` of a registry's staged table (lineage, registry and resolution fields); KeyError if none."""
    for f in (*LINEAGE_FIELDS, *STAGED_FIELDS[registry], *RESOLUTION_FIELDS):
        if f.name == name:
            return f
    raise KeyError(f"staged_{registry} declares no field {name!r}")


# the last sentence of a golden column's description (docs/tables.md; exports say the rule itself)
GOLDEN_SENTENCE = (
    "Golden value: chosen among the entity's records by the rule in mappings/match/{kind}.toml [survivorship]."
)


def entities_table(kind: str) -> Table:
    registry = ENTITY_KINDS[kind]
    golden = []
    for name in ENTITY_GOLDEN_COLUMNS[kind]:
        f = staged_field(registry, name)
        golden.append(
            _f(
                name,
                f.dtype,
                f"{f.description} {GOLDEN_SENTENCE.format(kind=kind)}",
                allowed=f.allowed,
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
            _f(
                "last_extract_date",
                pl.Date,
                "The newest extract holding the record's source record: for a record keyed by the source's own key "
                "(catalogue key_column), the newest extract of its source holding that key (a version whose key the "
                "source gave to another record: the latest of its own versions); else the record's extract_date.",
                required=True,
                absent_as_null=True,
            ),
            _f(
                "in_newest_extract",
                pl.Boolean,
                "Whether the record's source record is in its source's newest staged extract: false = missing from "
                "it (deleted in the old system, or left out of a partial extract; the record stays in its entity); "
                "null = cannot be told (a record of an older extract keyed by its row number or content, not by a key "
                "of the source's own; or a row of a key several rows of an extract hold, that key in the newest extract "
                "only in rows of another content: a changed value). The versions of a source record say the same, but "
                "one whose key the source gave to another record (it contradicts the newest on who it is): false.",
                absent_as_null=True,
            ),
            _f("entity_id", pl.String, f"Entity the record belongs to ({kind}_entities.entity_id).", required=True),
            _f("entity_size", pl.UInt32, "Number of records in that entity.", required=True),
            _f(
                "linked_to",
                pl.String,
                "The record of the same entity it was linked to with the highest probability; null for an entity of one record. "
                "An earlier version of a source record (the same source and key in a newer extract): that newer version.",
            ),
            _f("link_probability", pl.Float64, "Match probability of that link."),
            _f(
                "link_evidence",
                pl.String,
                "Comparison levels of that link ('name=exact; date_of_birth=day_month_swapped; ...'); for an earlier "
                "version of a source record 'same source record: the source's key, in a newer extract' (probability 1).",
            ),
        ),
    )


def review_dates(kind: str) -> dict[str, str | None]:
    """The date columns among an entity kind's review columns (``ENTITY_REVIEW_COLUMNS``, typed pl.Date when staged),
    each with the staged column saying how precisely it is known (the spec's [[dates]] ``precision``: 'year' for a
    year-only date, staged as 1 January) or None. Beside each, the review table carries per side that precision and
    the text the source wrote (``review_date_columns``), so no reader takes a year-only date for 1 January."""
    registry = ENTITY_KINDS[kind]
    precision = SPEC_DATE_PRECISION[kind]
    return {
        name: precision.get(name)
        for name in ENTITY_REVIEW_COLUMNS[kind]
        if staged_field(registry, name).dtype == pl.Date
    }


def review_date_columns(kind: str, side: str, column: str) -> tuple[str | None, str]:
    """The review table's columns beside ``<side>_<column>`` (a ``review_dates`` column): its precision
    (``<side>_<precision column>``, None when the spec declares none) and its text as written (``<side>_<column>_raw``)."""
    precision = review_dates(kind)[column]
    return (f"{side}_{precision}" if precision else None), f"{side}_{column}_raw"


def review_table(kind: str) -> Table:
    registry = ENTITY_KINDS[kind]
    dates = review_dates(kind)
    shown = []
    for side in ("left", "right"):
        for name in ENTITY_REVIEW_COLUMNS[kind]:
            f = staged_field(registry, name)
            if name not in dates:
                shown.append(_f(f"{side}_{name}", f.dtype, f"{side.capitalize()} record: {f.description}"))
                continue
            precision, raw = review_date_columns(kind, side, name)
            known = (
                f"A date known to the year only is 1 January of that year here, not a birthday (one known to the month "
                f"only, the 1st of that month): {precision} says how precisely it is known, {raw} how the source wrote it."
                if precision
                else f"{raw} holds how the source wrote it."
            )
            shown.append(_f(f"{side}_{name}", f.dtype, f"{side.capitalize()} record: {f.description} {known}"))
            if precision:
                p = staged_field(registry, dates[name])
                shown.append(
                    _f(
                        precision,
                        p.dtype,
                        f"{side.capitalize()} record: how precisely {side}_{name} is known, as staged "
                        f"({dates[name]}): {p.description}",
                        allowed=p.allowed,
                        absent_as_null=True,
                    )
                )
            shown.append(
                _f(
                    raw,
                    pl.String,
                    f"{side.capitalize()} record: {name} as the source wrote it (raw layer); null where the "
                    "matched table did not say.",
                    absent_as_null=True,
                )
            )
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


# ---------------------------------------------------------------------------
# Marts: warehouse/analytics.duckdb (schema "marts": aggregates per 2025 ward and
# pseudonymised entity tables, no personal values) and warehouse/restricted.duckdb
# (schema "entities": person level). Built by pipelines/publish/marts.py, published by
# pipelines/publish/store.py, Dagster group "marts" in assets/publish.py.
# ---------------------------------------------------------------------------

MART_SCHEMA = "marts"
RESTRICTED_SCHEMA = "entities"  # the catalog of restricted.duckdb is "restricted"
WARD_PARTITION = "new_ward_code"  # hive partition column of per-ward Parquet tables
PLACEMENTS = ("placed", "pending_split", "unplaced")
RECORD_STATES = ("merged", "quarantined", "under_review")
SEXES = ("M", "F", "unknown")
NEW_WARD_UID = _f("new_uid", pl.String, "2025 ward of the city, '2025:<code>' (marts.dim_ward_2025).", required=True)
NEW_WARD_CODE = _f(
    WARD_PARTITION,
    pl.String,
    "5-digit 2025 code of new_uid (the Parquet hive partition); 'none' for entities without a ward.",
    required=True,
)
PENDING = (
    "Not placed at record level: their old unit was split and no evidence says which part; counted in every candidate "
    "ward of the old unit (so these do not add up across wards)."
)
ESTIMATED = (
    "Placed count plus this ward's share of the pending ones, allocated per old unit by area share of the parts "
    "(largest remainder; equal shares when an area is unknown): adds up to the city's placed + pending_split "
    "(city_summary.estimated; unplaced entities are counted apart there). A ward's rows in a detail table add up "
    "to its ward_summary estimate."
)


def _counted(kind: str) -> tuple[Field, ...]:
    return (
        _f(kind, pl.Int64, f"Number of {kind} placed in the ward.", required=True),
        _f(
            f"{kind}_pending_split", pl.Int64, f"{kind.capitalize()} pending a split decision. {PENDING}", required=True
        ),
        _f(f"{kind}_estimated", pl.Int64, f"Estimated {kind}. {ESTIMATED}", required=True),
    )


def _ward_table(name: str, description: str, dims: tuple[Field, ...], measure: str) -> Table:
    return Table(
        name=name,
        description=description + " Hive-partitioned by new_ward_code in Parquet. Rows with a zero count are left out.",
        primary_key=("new_uid", *(d.name for d in dims)),
        fields=(NEW_WARD_UID, NEW_WARD_CODE, *dims, *_counted(measure)),
    )


DIM_WARD_2025 = Table(
    name="dim_ward_2025",
    description="The 168 commune-level units of Ho Chi Minh City from 1 July 2025 (reference.units_2025, province 79).",
    primary_key=("unit_uid",),
    fields=UNITS_2025.fields,
)
DIM_UNIT_PRE2025 = Table(
    name="dim_unit_pre2025",
    description="The 442 old units merged into the new Ho Chi Minh City (old HCMC, Bình Dương, Bà Rịa–Vũng Tàu).",
    primary_key=("unit_uid",),
    fields=UNITS_PRE2025.fields,
)
DIM_CROSSWALK = Table(
    name="dim_crosswalk",
    description="Old unit -> new unit parts for the city (reference.crosswalk), with the share used to allocate "
    "records pending a split decision.",
    primary_key=("old_uid", "new_uid"),
    fields=(
        *CROSSWALK.fields,
        _f(
            "allocation_share",
            pl.Float64,
            "Share of the old unit's pending records allocated to this part in *_estimated figures: part_area_km2 over "
            "the sum of the old unit's parts (equal shares when an area is unknown); 1 for unsplit units.",
            required=True,
        ),
    ),
)
DIM_VSIC_SECTION = Table(
    name="dim_vsic_section",
    description="VSIC 2018 sections (letters A-U) by 2-digit division range, from mappings/vsic_sections.csv.",
    primary_key=("vsic_section",),
    fields=(
        _f(
            "vsic_section", pl.String, "Section letter A-U, or 'unknown' for a missing or unmapped code.", required=True
        ),
        _f("division_from", pl.String, "First 2-digit division of the section."),
        _f("division_to", pl.String, "Last 2-digit division of the section."),
        _f("title", pl.String, "Section title (English).", required=True),
        _f("source", pl.String, "Legal source of the classification.", required=True),
    ),
)

WARD_SUMMARY = Table(
    name="ward_summary",
    description="One row per 2025 ward of the city: entities and source records. Entities are counted by the ward of "
    "their golden record; records by the ward their address resolved to. Hive-partitioned by new_ward_code in Parquet.",
    primary_key=("new_uid",),
    fields=(
        NEW_WARD_UID,
        NEW_WARD_CODE,
        _f("new_name", pl.String, "Ward name with type.", required=True),
        _f("unit_type", pl.String, "Phường, Xã or Đặc khu.", required=True),
        *_counted("people"),
        *_counted("households"),
        *_counted("businesses"),
        *_counted("taxpayers"),
        _f("records_in", pl.Int64, "Source rows placed in this ward (merged + quarantined).", required=True),
        _f("merged", pl.Int64, "Staged rows placed in this ward, merged into an entity (lineage).", required=True),
        _f(
            "quarantined",
            pl.Int64,
            "Quarantined rows whose raw address resolves to this ward (read as of the registration date staging read: "
            "quarantine.registered_on).",
            required=True,
        ),
        _f(
            "records_in_2025_form",
            pl.Int64,
            "Of records_in, rows whose address was written in the 2025 form (no old unit): they appear in no row of "
            "old_unit_reconciliation, so its records_out add up to records_in minus these.",
            required=True,
        ),
        _f("merged_2025_form", pl.Int64, "Of merged, rows whose address was written in the 2025 form.", required=True),
        _f("under_review", pl.Int64, f"Staged rows under review for a split old unit. {PENDING}", required=True),
        _f(
            "under_review_estimated",
            pl.Int64,
            "This ward's share of the rows under review for a split old unit, allocated per old unit by area share of "
            "the parts (largest remainder; equal shares when an area is unknown): adds up across wards to the city's "
            "rows pending a split (flow_accounting.pending_split = old_unit_reconciliation.under_review); rows with no "
            "ward and no split old unit (flow_accounting.no_ward) are in no ward's figure.",
            required=True,
        ),
    ),
)

AGE_BAND = _f(
    "age_band",
    pl.String,
    "5-year age band ('00-04' ... '85-89', '90+') at the reference date (the latest extract date of the population "
    "registry, in flow_accounting.reference_date); 'unknown' without a birth date.",
    required=True,
)
POPULATION_BY_SEX_AGE = _ward_table(
    "population_by_sex_age",
    "People (entities) per 2025 ward by sex and 5-year age band.",
    (_f("sex", pl.String, "M, F or unknown.", required=True, allowed=SEXES), AGE_BAND),
    "people",
)
HOUSEHOLD_SIZE = _ward_table(
    "household_size",
    "Households (entities) per 2025 ward by size (members declared by the household registry).",
    (_f("household_size", pl.String, "'1' ... '9', '10+', or 'unknown'.", required=True),),
    "households",
)
BUSINESSES_BY_SECTOR = _ward_table(
    "businesses_by_sector",
    "Businesses (entities) per 2025 ward by VSIC section (marts.dim_vsic_section) and business kind.",
    (
        _f("vsic_section", pl.String, "VSIC 2018 section letter, or 'unknown'.", required=True),
        _f(
            "business_kind",
            pl.String,
            "Kind as registered (Doanh nghiệp, Chi nhánh, Hộ kinh doanh), or 'unknown'.",
            required=True,
        ),
    ),
    "businesses",
)
TAXPAYERS_BY_KIND = _ward_table(
    "taxpayers_by_kind",
    "Taxpayers (entities) per 2025 ward by kind of tax code.",
    (
        _f(
            "tax_code_kind",
            pl.String,
            f"{TAX_CODE_KIND}; or unknown. Enterprises and household businesses per ward: the businesses_by_sector "
            "table (business_kind).",
            required=True,
        ),
    ),
    "taxpayers",
)

OLD_UNIT_RECONCILIATION = Table(
    name="old_unit_reconciliation",
    description="For each of the 442 old units: its source rows and where they went. records_in = merged + quarantined + "
    "under_review = records_out + still_unplaced. Records out per new ward: marts.old_unit_flows.",
    primary_key=("old_uid",),
    fields=(
        _f("old_uid", pl.String, "Old unit, 'pre2025:<code>'.", required=True),
        _f("old_name", pl.String, "Old unit name with type.", required=True),
        _f("old_district", pl.String, "Old district name with type.", required=True),
        _f("old_province", pl.String, "Old province name with type.", required=True),
        _f("is_split", pl.Boolean, "The old unit was divided between several new units.", required=True),
        _f("records_in", pl.Int64, "Source rows whose address resolved to this old unit.", required=True),
        _f("merged", pl.Int64, "Of those, staged and placed in a new ward (merged into entities).", required=True),
        _f("quarantined", pl.Int64, "Of those, quarantined.", required=True),
        _f(
            "under_review",
            pl.Int64,
            "Of those, staged but awaiting a ward decision (split without evidence).",
            required=True,
        ),
        _f("records_out", pl.Int64, "Rows placed in a new ward (merged + quarantined with a ward).", required=True),
        _f("still_unplaced", pl.Int64, "Rows not (yet) placed in any new ward.", required=True),
    ),
)
OLD_UNIT_FLOWS = Table(
    name="old_unit_flows",
    description="Source rows out of each old unit into each new ward (crosswalk parts without rows are left out).",
    primary_key=("old_uid", "new_uid"),
    fields=(
        _f("old_uid", pl.String, "Old unit, 'pre2025:<code>'.", required=True),
        NEW_WARD_UID,
        _f("records_out", pl.Int64, "Rows placed in the new ward (merged + quarantined).", required=True),
        _f("merged", pl.Int64, "Of those, merged into entities.", required=True),
        _f("quarantined", pl.Int64, "Of those, quarantined.", required=True),
    ),
)
FLOW_ACCOUNTING = Table(
    name="flow_accounting",
    description="Row accounting per registry, city-wide: every raw row is exactly one of merged (into an entity via the "
    "lineage, with a ward), quarantined, or under review (staged without a ward: split without evidence or unresolved).",
    primary_key=("registry",),
    fields=(
        _f("registry", pl.String, "Registry kind.", required=True, allowed=REGISTRY_KINDS),
        _f("raw", pl.Int64, "Raw source rows.", required=True),
        _f("merged", pl.Int64, "Merged into an entity, placed in a ward.", required=True),
        _f("quarantined", pl.Int64, "Quarantined.", required=True),
        _f(
            "under_review",
            pl.Int64,
            "Staged, in an entity, ward pending review (split_review, scheme_review or unresolved).",
            required=True,
        ),
        _f("pending_split", pl.Int64, "Of under_review: split old unit without evidence.", required=True),
        _f(
            "no_ward",
            pl.Int64,
            "Rows in no ward's figure: no ward and not pending a split old unit (unresolved; scheme_review, a unit "
            "name of both schemes with nothing to decide, whose candidate wards get its review item but no share; or "
            "quarantined without a ward).",
            required=True,
        ),
        _f("reference_date", pl.Date, "Date ages are computed at: the latest extract date of the population registry."),
    ),
)

CITY_SUMMARY = Table(
    name="city_summary",
    description="Entities per kind, city-wide: placed in a ward, pending a split old unit's review, or unplaced (no "
    "ward and not pending a split old unit: the address unresolved, or naming a unit of both schemes with nothing to "
    "decide, scheme_review, whose candidate wards get no share). The wards' estimates (ward_summary.<kind>_estimated) add up to placed + "
    "pending_split; unplaced entities are in no ward's figure, so entities = estimated + unplaced.",
    primary_key=("entity_kind",),
    fields=(
        _f("entity_kind", pl.String, "Entity kind.", required=True, allowed=tuple(ENTITY_KINDS)),
        _f("entities", pl.Int64, "Entities of the kind (rows of marts.<kind>).", required=True),
        _f("placed", pl.Int64, "Placed in a 2025 ward (sum of ward_summary.<kind>).", required=True),
        _f("pending_split", pl.Int64, "Pending a split old unit's review, allocated to its parts.", required=True),
        _f(
            "unplaced",
            pl.Int64,
            "No ward and not pending a split old unit (unresolved, or scheme_review: candidate wards of both schemes, "
            "none given a share): in no ward's figure.",
            required=True,
        ),
        _f("estimated", pl.Int64, "placed + pending_split = sum of ward_summary.<kind>_estimated.", required=True),
    ),
)

_ENTITY_MART = (
    _f(
        "placement",
        pl.String,
        "placed (new_uid known), pending_split (see pending_old_uid) or unplaced.",
        required=True,
        allowed=PLACEMENTS,
    ),
    _f("new_uid", pl.String, "2025 ward of the entity's golden record; null unless placed."),
    NEW_WARD_CODE,
    _f("pending_old_uid", pl.String, "Split old unit the entity's records point to when not placed."),
    _f(
        "record_count",
        pl.UInt32,
        "Number of source records merged into the entity (a source record sent again in a newer extract counts once).",
        required=True,
    ),
    _f(
        "earlier_versions",
        pl.UInt32,
        "Records of the entity that are earlier versions of one of its source records (the same source and key in a "
        "newer extract, <kind>_lineage link_evidence 'same source record'): not in record_count.",
        required=True,
        absent_as_null=True,
    ),
    _f(
        "records_not_in_newest",
        pl.UInt32,
        "Of record_count, the source records missing from their source's newest extract (<kind>_lineage "
        "in_newest_extract false: deleted in the old system, or left out of a partial extract). The entity stays; "
        "equal to record_count: none of its records is in a newest extract.",
        required=True,
        absent_as_null=True,
    ),
)
PSEUDONYM = "HMAC-SHA256 pseudonym of the entity id (key: $WARDBRIDGE_PSEUDONYM_KEY), 32 hex digits."


def _pseudo(name: str, what: str) -> Field:
    return _f(name, pl.String, f"{what}: {PSEUDONYM}", required=True)


MART_PEOPLE = Table(
    name="people",
    description="People (one row per entity) with a pseudonymised key and no personal values. Hive-partitioned by new_ward_code.",
    primary_key=("person_key",),
    fields=(
        _pseudo("person_key", "Person"),
        *_ENTITY_MART,
        _f("sex", pl.String, "M, F or unknown.", required=True, allowed=SEXES),
        AGE_BAND,
        _f(
            "household_key",
            pl.String,
            "Household the person is a member of (member_of link): of several (records naming several household "
            "books), the one whose book is the person's (golden household_no), else the smallest household id; "
            f"{PSEUDONYM}",
        ),
    ),
)
MART_HOUSEHOLDS = Table(
    name="households",
    description="Households (one row per entity), pseudonymised key. Hive-partitioned by new_ward_code.",
    primary_key=("household_key",),
    fields=(
        _pseudo("household_key", "Household"),
        *_ENTITY_MART,
        _f("household_size", pl.String, "'1' ... '9', '10+', or 'unknown'.", required=True),
        _f(
            "linked_people",
            pl.UInt32,
            "Person entities linked to the household (member_of). A person linked to several households counts in "
            "each (marts.people.household_key names one of them), so these can add up to more than the people.",
            required=True,
        ),
    ),
)
MART_BUSINESSES = Table(
    name="businesses",
    description="Businesses (one row per entity), pseudonymised key, no names, tax codes or owners. Hive-partitioned by new_ward_code.",
    primary_key=("business_key",),
    fields=(
        _pseudo("business_key", "Business"),
        *_ENTITY_MART,
        _f("vsic", pl.String, "VSIC sector code."),
        _f("vsic_section", pl.String, "VSIC 2018 section letter, or 'unknown'.", required=True),
        _f("business_kind", pl.String, "Kind as registered, or 'unknown'.", required=True),
        _f("status", pl.String, "Operating status."),
        _f("parent_business_key", pl.String, f"Parent business of a branch (branch_of); {PSEUDONYM}"),
    ),
)
MART_TAXPAYERS = Table(
    name="taxpayers",
    description="Taxpayers (one row per entity), pseudonymised key, no codes or names. Hive-partitioned by new_ward_code.",
    primary_key=("taxpayer_key",),
    fields=(
        _pseudo("taxpayer_key", "Taxpayer"),
        *_ENTITY_MART,
        _f(
            "tax_code_kind",
            pl.String,
            f"{TAX_CODE_KIND}; or unknown. Whether the taxpayer is an enterprise or a household business: "
            "marts.businesses.business_kind of business_key.",
            required=True,
        ),
        _f("business_key", pl.String, f"Business the taxpayer files for (taxpayer_of / tax_of_parent); {PSEUDONYM}"),
    ),
)

ANALYTICS_TABLES: tuple[Table, ...] = (
    DIM_WARD_2025,
    DIM_UNIT_PRE2025,
    DIM_CROSSWALK,
    DIM_VSIC_SECTION,
    WARD_SUMMARY,
    POPULATION_BY_SEX_AGE,
    HOUSEHOLD_SIZE,
    BUSINESSES_BY_SECTOR,
    TAXPAYERS_BY_KIND,
    OLD_UNIT_RECONCILIATION,
    OLD_UNIT_FLOWS,
    FLOW_ACCOUNTING,
    CITY_SUMMARY,
    MART_PEOPLE,
    MART_HOUSEHOLDS,
    MART_BUSINESSES,
    MART_TAXPAYERS,
)
# tables whose Parquet copy is hive-partitioned by new_ward_code
WARD_PARTITIONED: frozenset[str] = frozenset(
    t.name for t in ANALYTICS_TABLES if WARD_PARTITION in t.columns and t.name != DIM_WARD_2025.name
)

RECORD_FLOW = Table(
    name="record_flow",
    description="Every raw source row once, with where it went: merged (entity via lineage), quarantined or under_review; "
    "lineage back to the source file and row. Restricted: record keys lead to personal values.",
    primary_key=("record_key",),
    fields=(
        _f(
            "record_key",
            pl.String,
            "The raw row ('<source_id>@<extract_date>#<source_key>', or '<source_id>@undated#<source_key>' for a row "
            "with no readable extract date).",
            required=True,
        ),
        _f("registry", pl.String, "Registry kind.", required=True, allowed=REGISTRY_KINDS),
        _f("source_id", pl.String, "Catalogue id of the source system.", required=True),
        _f(
            "extract_date", pl.Date, "Extract date (1900-01-01 for a row with no readable extract date).", required=True
        ),
        _f("source_file", pl.String, "File (or table) relative to the catalogue's base directory.", required=True),
        _f("source_key", pl.String, "Row number or key in the source.", required=True),
        _f("state", pl.String, "merged, quarantined or under_review.", required=True, allowed=RECORD_STATES),
        _f("entity_kind", pl.String, "Entity kind of the registry.", required=True, allowed=tuple(ENTITY_KINDS)),
        _f("entity_id", pl.String, "Entity the staged row is in (<kind>_lineage); null when quarantined."),
        _f(
            "old_uid",
            pl.String,
            "Old unit the address resolved to; null when it names none (written in the 2025 form, or not resolved to "
            "one old unit).",
        ),
        _f("new_uid", pl.String, "New ward the row is placed in; null unless placed."),
        _f(
            "candidates",
            pl.List(pl.String),
            "The address's candidate new wards: every part of a split old unit (a merged row of one was placed in one "
            "of them by evidence), the wards of both schemes' readings (scheme_review), or the one new ward; null when "
            "the address did not resolve or the row was quarantined without one.",
        ),
    ),
)
PSEUDONYMS = Table(
    name="pseudonyms",
    description="Entity id <-> pseudonymised key of analytics.duckdb, for authorised re-identification. Changes when "
    "the key ($WARDBRIDGE_PSEUDONYM_KEY) is rotated.",
    primary_key=("entity_kind", "entity_id"),
    fields=(
        _f(
            "entity_kind",
            pl.String,
            "people, households, businesses or taxpayers.",
            required=True,
            allowed=tuple(ENTITY_KINDS),
        ),
        _f("entity_id", pl.String, "Entity id (entities.<kind>_entities).", required=True),
        _f("pseudo_key", pl.String, PSEUDONYM, required=True),
    ),
)
RESTRICTED_TABLES: tuple[Table, ...] = (*ENTITY_TABLES, RECORD_FLOW, PSEUDONYMS)


# ---------------------------------------------------------------------------
# Review: officials' queues and decisions (pipelines/review/, assets/review.py). Schema "review" of
# wardbridge.duckdb and warehouse/parquet/review/. Restricted: queue items and decisions lead to
# personal values (record keys, addresses, names, IDs side by side); none of these tables goes into
# analytics.duckdb. Only review.queue_summary and review.queue_totals (counts) are free of personal values.
# ---------------------------------------------------------------------------

REVIEW_SCHEMA = "review"
# queue kinds, most urgent first (the order of `urgency`)
REVIEW_KINDS = ("quarantined_row", "unresolved_address", "split_unit", "invalid_id", "match_pair", "unreadable_value")
REVIEW_DECISIONS = (
    "place",
    "dismiss",
    "reject",
    "match",
    "no_match",
    "accept",
    "fixed_at_source",
    "reverse",
)
NAME_KINDS = ("street", "hamlet", "quarter")
ITEM_ID = _f(
    "item_id",
    pl.String,
    "Stable review item id: '<kind prefix>-' + 16 hex digits of MD5(kind and the item's keys) (qr quarantined_row, "
    "ua unresolved_address, su split_unit, ii invalid_id, mp match_pair, uv unreadable_value): the same across re-runs "
    "and re-ingestion.",
    required=True,
)
_ITEM_KEY_FIELDS = (
    _f(
        "registry",
        pl.String,
        "Registry of the record(s) (null for a match pair and a named split item).",
        allowed=REGISTRY_KINDS,
    ),
    _f(
        "record_key",
        pl.String,
        "The record ('<source_id>@<extract_date>#<source_key>', or '<source_id>@undated#<source_key>' for a row with "
        "no readable extract date) of a one-record item.",
    ),
    _f("entity_kind", pl.String, "Entity kind of a match pair.", allowed=tuple(ENTITY_KINDS)),
    _f("left_id", pl.String, "record_key of one record of a match pair (the smaller)."),
    _f("right_id", pl.String, "record_key of the other."),
    _f(
        "more_left_ids",
        pl.List(pl.String),
        "A match pair item's further record pairs, their left records (with more_right_ids, position by position): "
        "queued pairs joining the same two prospective entities are one item (a pair inside one entity is an item of "
        "its own), keyed by its pair with the smallest keys (left_id, right_id); its decision applies to every pair. "
        "Empty or null: one pair.",
        absent_as_null=True,
    ),
    _f("more_right_ids", pl.List(pl.String), "Their right records (see more_left_ids).", absent_as_null=True),
    _f("old_uid", pl.String, "Split old unit of a split_unit item, 'pre2025:<code>'."),
    _f("name_kind", pl.String, "Named split item: street, hamlet or quarter.", allowed=NAME_KINDS),
    _f("name_key", pl.String, "Named split item: folded name key (resolved.split_evidence.name_key)."),
)
# the question a one-record item asks of its source record (review.ids.question_keys), kept with its keys (added in
# session 50; absent from tables written before)
QUESTION_KEY = _f(
    "question_key",
    pl.String,
    "invalid_id, unresolved_address and unreadable_value items: MD5 hex of the kind, registry, source id, source key "
    "and what the item asks (the flagged ID fields, their problems and values; the address as written; the unreadable "
    "fields and their values as written). A newer extract's version of the "
    "record asking the same keeps the item and its id (its decision stands); another value is another item. Null for "
    "other kinds and for items published before it was kept.",
    absent_as_null=True,
)
_ITEM_WARD_FIELDS = (
    _f("new_uid", pl.String, "2025 ward the item belongs to, '2025:<code>'; null when only candidates are known."),
    _f("candidates", pl.List(pl.String), "Candidate 2025 wards when the ward is not known (may be empty)."),
    _f(
        "records_blocked",
        pl.UInt32,
        "Records the item blocks: its priority within its kind (a source record sent in several extracts counts once "
        "in a split_unit, invalid_id or unreadable_value item).",
        required=True,
    ),
)

REVIEW_QUEUE_ITEMS = Table(
    name="queue_items",
    description="Open review items of this run, every kind, in working order (rank): urgent kinds first "
    f"({', '.join(REVIEW_KINDS)}), then the records each blocks. Restricted: the evidence shows personal values.",
    primary_key=("item_id",),
    fields=(
        ITEM_ID,
        _f("kind", pl.String, "Queue kind.", required=True, allowed=REVIEW_KINDS),
        _f(
            "urgency",
            pl.UInt8,
            f"1 (most urgent kind) .. {len(REVIEW_KINDS)}, the position of the kind in the urgency order.",
            required=True,
        ),
        _f("rank", pl.UInt32, "Working order over all open items (1 first).", required=True),
        *_ITEM_WARD_FIELDS,
        *_ITEM_KEY_FIELDS,
        _f(
            "summary",
            pl.String,
            "One line on what is to be decided (field names and statuses, no values).",
            required=True,
        ),
        _f("evidence", pl.String, "The evidence side by side, as JSON (restricted: personal values).", required=True),
    ),
)
REVIEW_ITEM_KEYS = Table(
    name="item_keys",
    description="Every review item ever published (open or closed) with its keys, so a decision on an item that has "
    "left the queue is still understood. Accumulated across runs.",
    primary_key=("item_id",),
    fields=(
        ITEM_ID,
        _f("kind", pl.String, "Queue kind.", required=True, allowed=REVIEW_KINDS),
        *_ITEM_WARD_FIELDS,
        *_ITEM_KEY_FIELDS,
        QUESTION_KEY,
        _f("first_seen", pl.Datetime("us", "UTC"), "Run that first published the item.", required=True),
        _f("last_seen", pl.Datetime("us", "UTC"), "Last run that published the item as open.", required=True),
    ),
)
_DECISION_FIELDS = (
    _f(
        "decision",
        pl.String,
        "What the official decided (per kind: see docs/guide/review.md).",
        required=True,
        allowed=REVIEW_DECISIONS,
    ),
    _f("new_uid", pl.String, "Ward given by a place/reject decision, '2025:<code>'."),
    _f("reviewer", pl.String, "Who decided (as written in the file).", required=True),
    _f("decided_on", pl.Date, "Date of the decision.", required=True),
    _f("note", pl.String, "The official's note."),
)
# the record pairs a match_pair decision decided, kept with it (added in session 42: an audit or review.decisions
# written before has none, read with them null; a match_pair row of such an audit is 'not kept')
PAIRS_FROM = ("ward file", "item when read", "not kept")
# the values of PAIRS_FROM of a decision that keeps its pairs: it labels those only (its lists hold them); any other
# ('not kept', null) labels the pairs its item holds on each run, whatever its lists hold
PAIRS_KEPT = PAIRS_FROM[:2]


def _decided_pair_fields(left: str, right: str, left_text: str, right_text: str, from_text: str) -> tuple[Field, ...]:
    """A decision's record pairs as two lists of keys, pair by pair, and where they come from (PAIRS_FROM)."""
    return (
        _f(left, pl.List(pl.String), left_text, absent_as_null=True),
        _f(right, pl.List(pl.String), right_text, absent_as_null=True),
        _f("pairs_from", pl.String, from_text, allowed=PAIRS_FROM, absent_as_null=True),
    )


_DECIDED_PAIR_FIELDS = _decided_pair_fields(
    "left_ids",
    "right_ids",
    "match_pair: record_key of one record of each record pair the decision decided (right_ids holds the other, pair "
    "by pair); a pair its item gains later is not decided by it. Null: other kinds, and rows loaded before the audit "
    "kept pairs (pairs_from 'not kept').",
    "match_pair: the other record of each pair of left_ids.",
    "match_pair: where the decided pairs come from: 'ward file' (the pairs the filled-in ward file showed, with those "
    "of rows an official deleted from it), 'item when read' (a file without the pair columns: the pairs the item held "
    "when the row was first read, i.e. those of the last published ward files), 'not kept' (loaded before the audit "
    "kept pairs: it applies to the pairs the item holds on each run, as it did then).",
)
REVIEW_DECISION_AUDIT = Table(
    name="decision_audit",
    description="Append-only audit of every valid decision row ever loaded from the decisions folder: who, when, what "
    "changed, file and row. A row is added once (same item, decision, ward, reviewer, date and note = same decision), "
    "and again when its place (file, sheet, row) is edited back to it from another version; "
    "rows are never changed or removed.",
    primary_key=("audit_id",),
    fields=(
        _f(
            "audit_id",
            pl.String,
            "MD5 of item, decision, ward, reviewer, date and note (32 hex digits); of those, the file, sheet, row "
            "and load time for a row edited back to an earlier version.",
            required=True,
        ),
        ITEM_ID,
        _f("kind", pl.String, "Queue kind of the item.", required=True, allowed=REVIEW_KINDS),
        *_DECISION_FIELDS,
        _f("source_file", pl.String, "Decisions file, relative to the decisions folder.", required=True),
        _f("sheet", pl.String, "Sheet of an XLSX file (null for CSV)."),
        _f(
            "source_row",
            pl.UInt32,
            "Row number in the file or sheet as a spreadsheet shows it (1 = first line).",
            required=True,
        ),
        _f("loaded_at", pl.Datetime("us", "UTC"), "Run that loaded the row.", required=True),
        _f("change", pl.String, "What the decision changed: the item's state before and after.", required=True),
        *_DECIDED_PAIR_FIELDS,
    ),
)
REVIEW_DECISION_ERRORS = Table(
    name="decision_errors",
    description="Decision rows of this run that were not applied, with file, row, field and cause (never the value). "
    "Fix the row in its file; it is read again on the next run.",
    fields=(
        _f("source_file", pl.String, "Decisions file, relative to the decisions folder.", required=True),
        _f("sheet", pl.String, "Sheet of an XLSX file (null for CSV)."),
        _f("source_row", pl.UInt32, "Row number as a spreadsheet shows it; 0 for a problem of the whole file."),
        _f("field", pl.String, "Column at fault ('*' for the whole row or file).", required=True),
        _f("cause", pl.String, "Why the row was not applied.", required=True),
    ),
)
REVIEW_DECISIONS_TABLE = Table(
    name="decisions",
    description="The effective decision per item after every decision in the audit: the latest by decision date "
    "wins; 'reverse' undoes the decision before it; a split item's 'reject' (one ward ruled out) leaves a 'place' in "
    "another ward or a 'dismiss' in effect. state 'closed' items leave the open queue; 'open' is a split item whose "
    "decision in effect is 'reject' (ruled out of that ward, not placed: it stays in the queue); 'reopened' items "
    "(every decision reversed) are open again; 'conflict' items (different decisions on the latest date, or "
    "match labels contradicting a no_match) stay open and their rows are in decision_errors. Keys of the item are repeated for the consumers "
    "(split evidence, match labels, placements).",
    primary_key=("item_id",),
    fields=(
        ITEM_ID,
        _f("kind", pl.String, "Queue kind.", required=True, allowed=REVIEW_KINDS),
        _f(
            "state",
            pl.String,
            "closed, open (a 'reject' in effect: one ward ruled out, nothing placed), reopened, or conflict "
            "(decisions that cannot all hold: open, see decision_errors).",
            required=True,
            allowed=("closed", "open", "reopened", "conflict"),
        ),
        _f("decision", pl.String, "Effective decision (null when reopened or in conflict).", allowed=REVIEW_DECISIONS),
        _f("new_uid", pl.String, "Ward given by the effective place/reject decision."),
        _f("reviewer", pl.String, "Who made the effective decision (or the last reversal)."),
        _f("decided_on", pl.Date, "Its date."),
        _f("note", pl.String, "Its note."),
        _f("decisions", pl.UInt32, "Decision rows in the audit for the item.", required=True),
        *_decided_pair_fields(
            "decided_left_ids",
            "decided_right_ids",
            "match_pair: the record pairs the decision in effect decided (its audit row's left_ids; with "
            "decided_right_ids): it labels these only, and the item stays open while it holds another. Set exactly "
            "when pairs_from is 'ward file' or 'item when read'; null otherwise ('not kept': the decision labels the "
            "item's pairs of this run, left_id ... more_right_ids, as before).",
            "The other record of each decided pair.",
            "Where the decided pairs come from (review.decision_audit.pairs_from); it alone says whether the "
            "decision keeps its pairs.",
        ),
        *_ITEM_KEY_FIELDS,
        QUESTION_KEY,
    ),
)
REVIEW_MATCH_LABELS = Table(
    name="match_labels",
    description="Officials' match_pair decisions as labels, applied on the next entities run: 'match' pairs are "
    "linked (and, where blocking proposed them, EM reads them as matches: semi-supervised, each pair counted once "
    "among all candidate pairs), 'no_match' pairs are never linked, directly or through a third record.",
    primary_key=("entity_kind", "left_id", "right_id"),
    fields=(
        _f(
            "item_id",
            pl.String,
            "The match_pair item decided (review.decisions): every record pair of an item carries its id.",
            required=True,
        ),
        _f("entity_kind", pl.String, "Entity kind.", required=True, allowed=tuple(ENTITY_KINDS)),
        _f("left_id", pl.String, "record_key of one record.", required=True),
        _f("right_id", pl.String, "record_key of the other.", required=True),
        _f("label", pl.String, "match or no_match.", required=True, allowed=("match", "no_match")),
        _f("reviewer", pl.String, "Who decided.", required=True),
        _f("decided_on", pl.Date, "When.", required=True),
    ),
)
REVIEW_PLACEMENTS = Table(
    name="placements",
    description="Record-level ward overlay from officials' place decisions (same columns as resolved.split_placements, "
    "applied the same way; an official placement wins over a learned one): unresolved_address items place their "
    "record; a split_unit item of an old unit and registry places its records still split_review (those not in a "
    "named street item; named items are placed by the split-evidence step from official_split_evidence).",
    primary_key=("registry", "record_key"),
    fields=(
        _f("registry", pl.String, "Registry of the record.", required=True, allowed=REGISTRY_KINDS),
        _f("record_key", pl.String, "The staged record.", required=True),
        _f("old_uid", pl.String, "Old unit of the record's address."),
        _f("new_uid", pl.String, "2025 ward the official placed it in.", required=True),
        _f(
            "ward_status",
            pl.String,
            "Always official: placed by an official's decision (the reason says who and when).",
            required=True,
            allowed=(OFFICIAL_STATUS,),
        ),
        _f("ward_reason", pl.String, "'official: placed by <reviewer> on <date> (item <id>)'.", required=True),
        ITEM_ID,
    ),
)
# per kind: the figures of queue_summary (per ward) and queue_totals (city-wide)
_QUEUE_COUNTS = (
    _f("kind", pl.String, "Queue kind.", required=True, allowed=REVIEW_KINDS),
    _f("open_items", pl.UInt32, "Open items.", required=True),
    _f("records_blocked", pl.UInt32, "Records the open items block.", required=True),
    _f("closed_items", pl.UInt32, "Items closed by a decision.", required=True),
)
REVIEW_QUEUE_SUMMARY = Table(
    name="queue_summary",
    description="Open and closed review items and the records they block per 2025 ward and kind; no personal values "
    "(also warehouse/review/queue_summary.parquet). An item with a ward counts there (candidate false); an item with "
    "only candidate wards counts once in each (candidate true); an item with neither has new_uid null.",
    fields=(
        _f("new_uid", pl.String, "2025 ward, '2025:<code>'; null for items with no ward and no candidates."),
        _f("candidate", pl.Boolean, "The items are only candidates of this ward.", required=True),
        *_QUEUE_COUNTS,
    ),
)
REVIEW_QUEUE_TOTALS = Table(
    name="queue_totals",
    description="City-wide review figures per kind, each item and record counted once (queue_summary counts an item "
    "with only candidate wards in every candidate ward); no personal values (also warehouse/review/queue_totals.parquet).",
    primary_key=("kind",),
    fields=(
        *_QUEUE_COUNTS,
        _f(
            "open_record_pairs",
            pl.UInt32,
            "match_pair: the record pairs its open items hold (an item is a pair of entities, joined by one or more "
            "record pairs); null for the other kinds.",
            absent_as_null=True,
        ),
    ),
)
REVIEW_TABLES: tuple[Table, ...] = (
    REVIEW_QUEUE_ITEMS,
    REVIEW_ITEM_KEYS,
    REVIEW_DECISION_AUDIT,
    REVIEW_DECISION_ERRORS,
    REVIEW_DECISIONS_TABLE,
    REVIEW_MATCH_LABELS,
    REVIEW_PLACEMENTS,
    REVIEW_QUEUE_SUMMARY,
    REVIEW_QUEUE_TOTALS,
)

# --------------------------------------------------------------------------- the consolidation report

REPORT_HISTORY = Table(
    name="runs",
    description="The consolidation report's trend store, warehouse/history/runs.parquet: one row per (report run, "
    "2025 ward or city, measure), appended by every report run (a re-run of the same run id replaces its rows). "
    "Aggregates only.",
    primary_key=("run_id", "new_uid", "measure"),
    fields=(
        _f("run_id", pl.String, "Dagster run id of the report run (or the id given to write_report).", required=True),
        _f("run_time", pl.Datetime("us", "UTC"), "When the report was built.", required=True),
        _f("new_uid", pl.String, "2025 ward '2025:<code>'; null for a city-wide measure."),
        _f(
            "measure",
            pl.String,
            "ward_summary measures, open_review per ward; city-wide: raw, merged, quarantined, under_review, "
            "records_<kind>, entities_<kind>, gates_failed, open_review and open_review_definition (how open_review "
            "was counted: 2 every open item once, 1 items with a ward or none; absent in runs recorded before "
            "it was kept, whose city-wide open_review may be either).",
            required=True,
        ),
        _f("value", pl.Int64, "The measure's value in that run.", required=True),
    ),
)
