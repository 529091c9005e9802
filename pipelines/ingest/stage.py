"""staged: raw rows typed, repaired and validated; rows that cannot be staged go to quarantine.

Per registry: text fields have legacy encodings repaired (and the repair noted),
names cleaned with the original kept, dates parsed (ambiguous day/month flagged),
IDs, tax codes and phones validated with flags rather than drops, and the old
address resolved to its 2025 ward. A row is quarantined only when a required
field is missing or unparseable, or when the row itself could not be read; every
raw row ends in exactly one of the two outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines import standardise as std
from pipelines.encodings import repair_column
from pipelines.resolve import resolve_addresses
from pipelines.schema import ADDRESS_PARTS, LINEAGE_FIELDS, QUARANTINE, REQUIRED_FIELDS, staged_table

LINEAGE = [f.name for f in LINEAGE_FIELDS]
TEXT_FIELDS = {
    "population": ("full_name", "relation_to_head", "address", *ADDRESS_PARTS),
    "households": ("head_name", "address", *ADDRESS_PARTS),
    "businesses": ("business_name", "business_kind", "owner_name", "status", "address"),
    "tax": ("taxpayer_name", "tax_office", "tax_type", "address"),
}


@dataclass
class StageResult:
    staged: pl.DataFrame
    quarantine: pl.DataFrame
    repairs: dict[str, dict[str, int]]  # field -> repair kind -> rows
    ward_status: dict[str, int]


def _repair_text(raw: pl.DataFrame, registry: str) -> tuple[pl.DataFrame, dict[str, dict[str, int]]]:
    """NFC + legacy-encoding repair of every text field; notes which repair each row got."""
    repairs: dict[str, dict[str, int]] = {}
    notes = []
    columns = {}
    for name in TEXT_FIELDS[registry]:
        if name not in raw.columns or raw[name].null_count() == raw.height:
            continue
        fixed = repair_column(raw[name])
        columns[name] = fixed["text"]
        counts = fixed["repair"].drop_nulls().value_counts()
        if counts.height:
            repairs[name] = dict(counts.iter_rows())
        notes.append(pl.when(fixed["repair"].is_not_null()).then(pl.format("{}:{}", pl.lit(name), fixed["repair"])))
    frame = raw.with_columns(**columns)
    if notes:
        frame = frame.with_columns(
            text_repairs=pl.concat_str(notes, separator="; ", ignore_nulls=True).replace("", None)
        )
    else:
        frame = frame.with_columns(text_repairs=pl.lit(None, dtype=pl.String))
    return frame, repairs


def _address(frame: pl.DataFrame) -> pl.DataFrame:
    """Split-address sources: join the parts so every row has one address text."""
    parts = [pl.col(p) for p in ADDRESS_PARTS if p in frame.columns]
    joined = pl.concat_str(parts, separator=", ", ignore_nulls=True).replace("", None)
    return frame.with_columns(address=pl.coalesce(pl.col("address"), joined))


def _resolve(frame: pl.DataFrame, reference=None) -> pl.DataFrame:
    resolved = resolve_addresses(frame["address"], reference)
    return frame.with_columns(
        old_uid=resolved["old_uid"],
        new_uid=resolved["new_uid"],
        ward_status=resolved["status"],
        ward_confidence=resolved["confidence"],
        ward_candidates=resolved["candidates"],
        ward_reason=resolved["reason"],
    )


def _joined(flags: pl.Series) -> pl.Series:
    """A list of flags as '; '-joined text (null when none)."""
    if flags.dtype == pl.String:
        return flags
    return flags.list.join("; ").replace("", None)


def _blank(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


def _dates(frame: pl.DataFrame, col: str, day_first: bool, prefix: str) -> pl.DataFrame:
    parsed = std.parse_dates(frame[col], day_first=day_first)
    return frame.with_columns(
        parsed["date"].alias(f"{prefix}_date"),
        parsed["error"].alias(f"{prefix}_error"),
        parsed["precision"].alias(f"{prefix}_precision"),
        parsed["ambiguous"].alias(f"{prefix}_ambiguous"),
    )


def _population(frame: pl.DataFrame, day_first: bool) -> tuple[pl.DataFrame, list[tuple[pl.Expr, str, pl.Expr]]]:
    names = std.clean_person_name(frame["full_name"])
    frame = _dates(frame, "date_of_birth", day_first, "dob")
    frame = _dates(frame, "registered_on", day_first, "reg")
    sex = std.normalise_sex(frame["sex"])
    ids = std.check_personal_id(frame["personal_id"], sex, frame["dob_date"])
    cmnd = std.check_personal_id(frame["old_id_number"])
    phone = std.normalise_phone(frame["phone"])
    frame = frame.with_columns(
        full_name=names["name"],
        full_name_original=names["name_original"],
        name_key=std.name_key(names["name"]),
        name_flags=_joined(names["name_flags"]),
        sex=sex,
        personal_id=ids["personal_id"],
        id_flags=_joined(ids["id_flags"]),
        old_id_number=cmnd["personal_id"],
        phone=phone["phone"],
    )
    checks = [
        (_blank("full_name"), "full_name", pl.lit("name missing")),
        (
            pl.col("dob_date").is_null(),
            "date_of_birth",
            pl.coalesce(pl.col("dob_error"), pl.lit("date of birth missing")),
        ),
    ]
    frame = frame.with_columns(
        date_of_birth="dob_date",
        dob_precision="dob_precision",
        dob_ambiguous="dob_ambiguous",
        registered_on="reg_date",
    )
    return frame, checks


def _households(frame: pl.DataFrame, day_first: bool):
    names = std.clean_person_name(frame["head_name"])
    frame = _dates(frame, "registered_on", day_first, "reg")
    ids = std.check_personal_id(frame["head_personal_id"])
    members = frame["members"].str.strip_chars().cast(pl.Int32, strict=False)
    frame = frame.with_columns(
        head_name=names["name"],
        head_name_original=names["name_original"],
        head_personal_id=ids["personal_id"],
        members=members,
        registered_on="reg_date",
        _members_raw=frame["members"],
    )
    checks = [
        (_blank("household_no"), "household_no", pl.lit("household book number missing")),
        (_blank("head_name"), "head_name", pl.lit("head of household missing")),
        (
            pl.col("members").is_null() & ~_blank("_members_raw"),
            "members",
            pl.format("not a number of members: '{}'", pl.col("_members_raw")),
        ),
    ]
    return frame, checks


def _businesses(frame: pl.DataFrame, day_first: bool):
    owner = std.clean_person_name(frame["owner_name"])
    frame = _dates(frame, "registered_on", day_first, "reg")
    codes = std.check_tax_code(frame["tax_code"])
    owner_id = std.check_personal_id(frame["owner_personal_id"])
    frame = frame.with_columns(
        registration_no=pl.col("registration_no").str.replace_all(r"\s+", ""),
        tax_code=codes["tax_code"],
        tax_code_kind=codes["tax_code_kind"],
        tax_code_valid=codes["check_digit_ok"],
        owner_name=owner["name"],
        owner_personal_id=owner_id["personal_id"],
        registered_on="reg_date",
        business_name=pl.col("business_name").str.strip_chars(),
    )
    checks = [(_blank("business_name"), "business_name", pl.lit("business name missing"))]
    return frame, checks


_PERIOD_MONTH = r"^\s*(\d{4})[-/](\d{1,2})\s*$"
_PERIOD_QUARTER = r"^\s*[Qq]\s*([1-4])\s*[/-]\s*(\d{4})\s*$"


def _tax(frame: pl.DataFrame, day_first: bool):
    codes = std.check_tax_code(frame["taxpayer_code"])
    month = pl.col("period").str.extract_groups(_PERIOD_MONTH)
    quarter = pl.col("period").str.extract_groups(_PERIOD_QUARTER)
    start = pl.coalesce(
        pl.date(
            month.struct.field("1").cast(pl.Int32, strict=False), month.struct.field("2").cast(pl.Int8, strict=False), 1
        ),
        pl.date(
            quarter.struct.field("2").cast(pl.Int32, strict=False),
            (quarter.struct.field("1").cast(pl.Int8, strict=False) - 1) * 3 + 1,
            1,
        ),
    )
    amount = pl.col("amount_vnd").str.replace_all(r"[.,\s]|VNĐ|VND|đ", "").cast(pl.Int64, strict=False)
    frame = frame.with_columns(
        taxpayer_code=codes["tax_code"],
        tax_code_kind=codes["tax_code_kind"],
        tax_code_valid=codes["check_digit_ok"],
        period_start=start,
        amount_vnd=amount,
    )
    checks = [
        (_blank("taxpayer_code"), "taxpayer_code", pl.lit("tax code missing")),
        (pl.col("period_start").is_null(), "period", pl.format("unparseable tax period '{}'", pl.col("period"))),
        (pl.col("amount_vnd").is_null(), "amount_vnd", pl.lit("amount missing or not a number")),
    ]
    return frame, checks


_REGISTRY_STEPS = {"population": _population, "households": _households, "businesses": _businesses, "tax": _tax}


def stage(raw: pl.DataFrame, registry: str, *, day_first: bool = True, reference=None) -> StageResult:
    """Turn one partition's raw rows into staged rows and quarantine rows (together: all of them)."""
    frame, repairs = _repair_text(raw, registry)
    frame = _address(frame)
    frame, checks = _REGISTRY_STEPS[registry](frame, day_first)
    checks = [(pl.col("read_problem").is_not_null(), "*", pl.col("read_problem")), *checks]
    if "reg_error" in frame.columns:  # a registration date that is written but cannot be a date
        checks.append((pl.col("reg_error").is_not_null(), "registered_on", pl.col("reg_error")))
    if "address" in REQUIRED_FIELDS[registry]:
        checks.append((_blank("address"), "address", pl.lit("address missing")))
    # First failing check names the field; the reason lists every failure.
    field = pl.coalesce([pl.when(cond).then(pl.lit(name)) for cond, name, _ in checks])
    reason = pl.concat_str(
        [pl.when(cond).then(pl.format("{}: {}", pl.lit(name), why)) for cond, name, why in checks],
        separator="; ",
        ignore_nulls=True,
    )
    frame = frame.with_columns(_field=field, _reason=reason)
    bad = frame.filter(pl.col("_field").is_not_null())
    good = frame.filter(pl.col("_field").is_null())
    good = _resolve(good, reference)
    raw_cols = [c for c in raw.columns if c not in LINEAGE and c != "read_problem"]
    quarantine = raw.join(
        bad.select("record_key", "_field", "_reason"), on="record_key", how="inner", maintain_order="left"
    ).select(
        *LINEAGE,
        registry=pl.lit(registry),
        field=pl.col("_field"),
        reason=pl.col("_reason"),
        raw_values=pl.struct(raw_cols).struct.json_encode(),
    )
    staged = staged_table(registry).cast(good)
    status = dict(staged["ward_status"].value_counts().iter_rows()) if staged.height else {}
    return StageResult(staged, QUARANTINE.cast(quarantine), repairs, status)


def account(raw: pl.DataFrame, result: StageResult) -> dict:
    """Row accounting for one partition: staged + quarantined must equal raw, keys disjoint."""
    staged_keys = set(result.staged["record_key"])
    quarantine_keys = set(result.quarantine["record_key"])
    raw_keys = set(raw["record_key"])
    return {
        "raw": raw.height,
        "staged": result.staged.height,
        "quarantined": result.quarantine.height,
        "balanced": raw.height == result.staged.height + result.quarantine.height
        and staged_keys | quarantine_keys == raw_keys
        and not staged_keys & quarantine_keys,
    }
