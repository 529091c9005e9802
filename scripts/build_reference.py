"""Rebuild mappings/reference/ from the upstream open datasets.

    uv run --group refdata python scripts/build_reference.py

Sources (both MIT licensed, read from the installed packages, fully offline):
* vietnamadminunits: pre-2025 units (63 provinces), 2025 units (34 provinces),
  the old -> new conversion table with split parts, centroids and areas, and
  alternative spellings.
* vietnam-provinces: an independent 2025 unit list, used to cross-check codes
  and names; every disagreement is written to source_disagreements.csv.

The output is deterministic: same package versions, same bytes.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import metadata, resources
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.schema import (  # noqa: E402
    ALIASES,
    CROSSWALK,
    SCHEME_2025,
    SCHEME_PRE2025,
    SOURCE_DISAGREEMENTS,
    UNITS_2025,
    UNITS_PRE2025,
)
from pipelines.text import fold, nfc  # noqa: E402

OUT = ROOT / "mappings" / "reference"


def _upstream_files() -> tuple[Path, Path, Path]:
    pkg = resources.files("vietnamadminunits") / "data"
    vp = resources.files("vietnam_provinces") / "data"
    return Path(str(pkg / "dataset.db")), Path(str(pkg / "converter_2025.json")), Path(str(vp / "flat-divisions.json"))


def load_upstream() -> tuple[pl.DataFrame, pl.DataFrame, dict, list[dict]]:
    db_path, converter_path, vp_path = _upstream_files()
    with sqlite3.connect(db_path) as conn:
        legacy = pl.read_database("SELECT * FROM admin_units_legacy", conn, infer_schema_length=None)
        current = pl.read_database("SELECT * FROM admin_units", conn, infer_schema_length=None)
    converter = json.loads(converter_path.read_text(encoding="utf-8"))
    vietnam_provinces = json.loads(vp_path.read_text(encoding="utf-8"))
    return legacy, current, converter, vietnam_provinces


def _nfc(col: str) -> pl.Expr:
    return pl.col(col).map_elements(nfc, return_dtype=pl.String)


def build_units_pre2025(legacy: pl.DataFrame) -> pl.DataFrame:
    island = pl.col("wardCode").is_null()
    frame = legacy.with_columns(
        code=pl.when(island).then(pl.col("districtCode")).otherwise(pl.col("wardCode")),
        name=pl.when(island).then(pl.col("district")).otherwise(pl.col("ward")),
        short_name=pl.when(island).then(pl.col("districtShort")).otherwise(pl.col("wardShort")),
        unit_type=pl.when(island).then(pl.col("districtType")).otherwise(pl.col("wardType")),
        lat=pl.when(island).then(pl.col("districtLat")).otherwise(pl.col("wardLat")),
        lon=pl.when(island).then(pl.col("districtLon")).otherwise(pl.col("wardLon")),
    ).with_columns(
        # Island districts carry a 3-digit district code; give them their own id space.
        unit_uid=pl.when(island)
        .then(pl.format("{}-district:{}", pl.lit(SCHEME_PRE2025), pl.col("code")))
        .otherwise(pl.format("{}:{}", pl.lit(SCHEME_PRE2025), pl.col("code"))),
        scheme=pl.lit(SCHEME_PRE2025),
    )
    frame = frame.rename(
        {
            "districtCode": "district_code",
            "district": "district_name",
            "districtShort": "district_short_name",
            "districtType": "district_type",
            "provinceCode": "province_code",
            "province": "province_name",
            "provinceShort": "province_short_name",
        }
    )
    text_cols = [
        "name",
        "short_name",
        "unit_type",
        "district_name",
        "district_short_name",
        "district_type",
        "province_name",
        "province_short_name",
    ]
    frame = frame.with_columns(_nfc(c) for c in text_cols)
    return UNITS_PRE2025.cast(frame).sort("province_code", "district_code", "code")


def build_units_2025(current: pl.DataFrame) -> pl.DataFrame:
    frame = current.rename(
        {
            "wardCode": "code",
            "ward": "name",
            "wardShort": "short_name",
            "wardType": "unit_type",
            "provinceCode": "province_code",
            "province": "province_name",
            "provinceShort": "province_short_name",
            "wardLat": "lat",
            "wardLon": "lon",
            "wardAreaKm2": "area_km2",
        }
    ).with_columns(
        unit_uid=pl.format("{}:{}", pl.lit(SCHEME_2025), pl.col("code")),
        scheme=pl.lit(SCHEME_2025),
    )
    frame = frame.with_columns(
        _nfc(c) for c in ["name", "short_name", "unit_type", "province_name", "province_short_name"]
    )
    return UNITS_2025.cast(frame).sort("province_code", "code")


def build_crosswalk(
    legacy: pl.DataFrame, current: pl.DataFrame, converter: dict, units_old: pl.DataFrame
) -> pl.DataFrame:
    """Turn the upstream key-based conversion table into code-based crosswalk rows."""
    rows: list[dict] = []
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in wards.items():
            for old_key in old_keys:
                rows.append(
                    {
                        "old_key": old_key,
                        "new_province_key": new_province,
                        "new_ward_key": new_ward_key,
                        "is_default": True,
                        "is_split": False,
                    }
                )
    for new_province, parts_by_old in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in parts_by_old.items():
            for part in parts:
                rows.append(
                    {
                        "old_key": old_key,
                        "new_province_key": new_province,
                        "new_ward_key": part["newWardKey"],
                        "is_default": bool(part["isDefaultNewWard"]),
                        "is_split": True,
                    }
                )
    links = pl.DataFrame(rows)

    old_keys = legacy.select(
        old_key=pl.format("{}_{}_{}", "provinceKey", "districtKey", pl.col("wardKey").fill_null("")),
        old_code=pl.coalesce("wardCode", "districtCode"),
        old_uid_island=pl.col("wardCode").is_null(),
    )
    new_keys = current.select(
        new_province_key="provinceKey",
        new_ward_key="wardKey",
        new_code="wardCode",
        part_area_km2="wardAreaKm2",
        part_lat="wardLat",
        part_lon="wardLon",
    )
    crosswalk = links.join(old_keys, on="old_key", how="left").join(
        new_keys, on=["new_province_key", "new_ward_key"], how="left"
    )
    unmatched = crosswalk.filter(pl.col("old_code").is_null() | pl.col("new_code").is_null())
    if unmatched.height:
        raise SystemExit(
            f"crosswalk: {unmatched.height} upstream keys match no unit, e.g. {unmatched.head(3).to_dicts()}"
        )
    crosswalk = crosswalk.with_columns(
        old_uid=pl.when("old_uid_island")
        .then(pl.format("{}-district:{}", pl.lit(SCHEME_PRE2025), "old_code"))
        .otherwise(pl.format("{}:{}", pl.lit(SCHEME_PRE2025), "old_code")),
        new_uid=pl.format("{}:{}", pl.lit(SCHEME_2025), "new_code"),
        n_parts=pl.len().over("old_key").cast(pl.Int32),
    )
    not_covered = units_old.join(crosswalk, left_on="unit_uid", right_on="old_uid", how="anti")
    if not_covered.height:
        raise SystemExit(
            f"crosswalk: {not_covered.height} old units have no successor, e.g. {not_covered.head(3).to_dicts()}"
        )
    return CROSSWALK.cast(crosswalk).sort("old_uid", "new_uid")


def build_upstream_aliases(legacy: pl.DataFrame, units_old: pl.DataFrame) -> pl.DataFrame:
    """Spellings upstream lists (former ward names, 'p13', 'q01', 'district1', ...)."""
    keyed = legacy.with_columns(
        unit_uid=pl.when(pl.col("wardCode").is_null())
        .then(pl.format("{}-district:{}", pl.lit(SCHEME_PRE2025), "districtCode"))
        .otherwise(pl.format("{}:{}", pl.lit(SCHEME_PRE2025), "wardCode"))
    )

    def explode(level: str, keywords: str, target: pl.Expr) -> pl.DataFrame:
        return (
            keyed.select(
                target.alias("target_uid"), pl.col(keywords).str.json_decode(pl.List(pl.String)).alias("alias")
            )
            .drop_nulls("alias")
            .explode("alias")
            .drop_nulls("alias")
            .unique()
            .with_columns(level=pl.lit(level), alias_key=pl.col("alias"), source=pl.lit("vietnamadminunits keywords"))
        )

    frames = [
        explode("ward", "wardKeywords", pl.col("unit_uid")).filter(
            pl.col("target_uid").str.starts_with(f"{SCHEME_PRE2025}:")
        ),
        explode("district", "districtKeywords", pl.format("{}-district:{}", pl.lit(SCHEME_PRE2025), "districtCode")),
        explode("province", "provinceKeywords", pl.format("{}-province:{}", pl.lit(SCHEME_PRE2025), "provinceCode")),
    ]
    return ALIASES.cast(pl.concat(frames, how="diagonal")).unique().sort("level", "target_uid", "alias_key")


def build_disagreements(units_new: pl.DataFrame, vietnam_provinces: list[dict]) -> pl.DataFrame:
    """Compare 2025 units by code, then pair leftovers by (province, name) to spot renumbering."""
    vp = pl.DataFrame(
        {
            "code": [f"{int(d['code']):05d}" for d in vietnam_provinces],
            "vietnam_provinces_name": [nfc(d["name"]) for d in vietnam_provinces],
            "province_key": [
                fold(d["province_name"]).removeprefix("tp").removeprefix("tinh") for d in vietnam_provinces
            ],
        }
    )
    ours = units_new.select(
        "code",
        vietnamadminunits_name="name",
        province_key=pl.col("province_short_name").map_elements(fold, return_dtype=pl.String),
    )
    both = ours.drop("province_key").join(vp.drop("province_key"), on="code", how="full", coalesce=True)
    by_code = both.with_columns(
        issue=pl.when(pl.col("vietnam_provinces_name").is_null())
        .then(pl.lit("missing_in_vietnam_provinces"))
        .when(pl.col("vietnamadminunits_name").is_null())
        .then(pl.lit("missing_in_vietnamadminunits"))
        .when(pl.col("vietnamadminunits_name") == pl.col("vietnam_provinces_name"))
        .then(None)
        .when(
            pl.col("vietnamadminunits_name").map_elements(fold, return_dtype=pl.String)
            == pl.col("vietnam_provinces_name").map_elements(fold, return_dtype=pl.String)
        )
        .then(pl.lit("accent_placement_differs"))
        .otherwise(pl.lit("name_differs"))
    ).drop_nulls("issue")
    # A unit present in both under different codes is one disagreement, not two.
    only_ours = by_code.filter(pl.col("issue") == "missing_in_vietnam_provinces").join(
        ours.select("code", "province_key"), on="code"
    )
    only_vp = by_code.filter(pl.col("issue") == "missing_in_vietnamadminunits").join(
        vp.select("code", "province_key"), on="code"
    )
    renumbered = only_ours.select("code", "vietnamadminunits_name", "province_key").join(
        only_vp.select(vp_code="code", vietnamadminunits_name="vietnam_provinces_name", province_key="province_key"),
        on=["vietnamadminunits_name", "province_key"],
    )
    paired = set(renumbered["code"]) | set(renumbered["vp_code"])
    code_differs = renumbered.select(
        "code",
        issue=pl.format("code_differs: vietnam-provinces uses {}", "vp_code"),
        vietnamadminunits_name="vietnamadminunits_name",
        vietnam_provinces_name="vietnamadminunits_name",
    )
    rest = by_code.filter(~pl.col("code").is_in(list(paired)))
    return SOURCE_DISAGREEMENTS.cast(
        pl.concat([SOURCE_DISAGREEMENTS.cast(rest), SOURCE_DISAGREEMENTS.cast(code_differs)])
    ).sort("code")


def correct_unit_types(units: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
    """The unit type a unit's own name states ("Phường 15", "Xã Phong Điền"), where vietnamadminunits' type field
    says another (7 units in 1.0.4, e.g. Phú Nhuận's Phường 5 and 15 typed Xã; vietnam-provinces names the 2025
    ones alike): the name is the legal one, the type field a slip. Returns the units and one correction per unit."""
    stated = pl.col("name").str.extract(r"^(Phường|Xã|Thị trấn|Đặc khu) ", 1)
    wrong = units.filter(stated.is_not_null() & (stated != pl.col("unit_type")))
    corrections = [
        {"unit_uid": uid, "name": name, "field": "unit_type", "upstream": was, "corrected": now}
        for uid, name, was, now in wrong.select("unit_uid", "name", "unit_type", stated.alias("now")).iter_rows()
    ]
    return units.with_columns(unit_type=pl.coalesce(stated, pl.col("unit_type"))), corrections


def main() -> None:
    legacy, current, converter, vietnam_provinces = load_upstream()
    units_old, old_fixes = correct_unit_types(build_units_pre2025(legacy))
    units_new, new_fixes = correct_unit_types(build_units_2025(current))
    crosswalk = build_crosswalk(legacy, current, converter, units_old)
    aliases = build_upstream_aliases(legacy, units_old)
    disagreements = build_disagreements(units_new, vietnam_provinces)

    OUT.mkdir(parents=True, exist_ok=True)
    outputs = {
        "units_pre2025": units_old,
        "units_2025": units_new,
        "crosswalk": crosswalk,
        "aliases_upstream": aliases,
        "source_disagreements": disagreements,
    }
    for name, frame in outputs.items():
        frame.write_csv(OUT / f"{name}.csv")
    provenance = {
        "built_by": "scripts/build_reference.py",
        "sources": [
            {
                "package": "vietnamadminunits",
                "version": metadata.version("vietnamadminunits"),
                "license": "MIT",
                "files": ["data/dataset.db (admin_units_legacy, admin_units)", "data/converter_2025.json"],
                "used_for": "pre-2025 and 2025 units, old->new crosswalk with split parts, centroids, areas, aliases",
            },
            {
                "package": "vietnam-provinces",
                "version": metadata.version("vietnam-provinces"),
                "license": "MIT",
                "files": ["data/flat-divisions.json"],
                "used_for": "cross-check of 2025 codes and names (source_disagreements.csv)",
            },
        ],
        "legal_basis": {
            "Ho Chi Minh City (new)": "Resolution 1685/NQ-UBTVQH15 of 16 June 2025: 168 commune-level units from 442 old units",
            "province mergers": "Resolution 202/2025/QH15 of 12 June 2025: 63 -> 34 provinces",
            "2025 code list": "Decision 19/2025/QĐ-TTg",
        },
        "effective_date_2025_scheme": "2025-07-01",
        # where wardbridge's files differ from vietnamadminunits' on purpose (correct_unit_types)
        "corrections": old_fixes + new_fixes,
        "row_counts": {name: frame.height for name, frame in outputs.items()},
    }
    (OUT / "provenance.json").write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, frame in outputs.items():
        print(f"{name:22s} {frame.height:7d} rows")


if __name__ == "__main__":
    main()
