"""Messy pre-2025 addresses with known truth, for testing and benchmarking the resolver.

Every row is an address in one of the 442 old units that formed the new Ho Chi Minh
City (old provinces 79, 74, 77), written with one *primary* kind of mess
(``mess_type``) and, sparingly, a secondary one (listed in ``mess_detail``), together
with the truth: the old unit, the new unit (null for a split old unit without
evidence), every new unit the old unit went to, and the gazetteer evidence inserted.

Truth comes from the reference crosswalk and from a synthetic gazetteer
(``synthetic_gazetteer``: invented hamlets, quarters and streets for each part of the
47 split old units). The resolver under test must be given the same gazetteer::

    write_synthetic_gazetteer(path, seed=42)
    reference = load_reference(gazetteers=(path,))
    truth = generate_addresses(2000, seed=42, reference=reference)

Generation is deterministic for a given seed (``random.Random``), and cheap per row:
unit spellings, typos and pools are precomputed once per reference, whole-string
transforms (accents, NFD, case) run as Polars expressions.

Command line (writes the committed samples)::

    python -m pipelines.synth.addresses --n 2000 --seed 42 \\
        --output data/sample/old_addresses.csv --gazetteer data/sample/gazetteer_sample.csv
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from pipelines.reference import HCMC_OLD_PROVINCES, Reference, default_reference
from pipelines.schema import GAZETTEER
from pipelines.text import fold, strip_accents

SYNTHETIC_SOURCE = "synthetic (wardbridge address generator)"

MESS_TYPES: tuple[str, ...] = (
    "clean",
    "no_diacritics",
    "nfd",
    "case",
    "abbreviations",
    "compact",
    "bare_number",
    "old_district",
    "province_short",
    "province_missing",
    "accent_placement",
    "typo",
    "street_unit_name",
    "no_commas",
    "split_evidence",
    "split_no_evidence",
    "bad_input",
)
# Addresses written in the 2025 form (street, ward/commune/special zone, province; no district),
# opt-in (``mess_types=ALL_MESS_TYPES``) so the default output and the committed sample stay as they were.
NEW_FORM_MESS_TYPES: tuple[str, ...] = (
    "new_clean",
    "new_no_diacritics",
    "new_nfd",
    "new_case",
    "new_abbreviations",
    "new_compact",
    "new_province_short",
    "new_province_missing",
    "new_typo",
    "new_no_commas",
    "new_both_schemes",
)
# Harder old-form writing (issue 11 §2), opt-in like the 2025 form: a ward without marker and no
# commas ("88 trần hưng đạo 7 quận 5 hcm"), a district without its type ("... An Phú, Thuận An,
# T. Bình Dương"), the other spelling of a syllable-final i/y (Quý/Quí, Mỹ/Mĩ).
HARD_OLD_MESS_TYPES: tuple[str, ...] = ("no_markers", "district_no_type", "iy_variant")
# Found by the resolver audit (HV, issue 11): a typo in a district written without its type; a district
# without its type and no province; 2025 names that fold to one key within their province (only the
# diacritics tell "Xã Thạnh An" from "Xã Thanh An"); 2025 names outside the new HCMC without province.
AUDIT_OLD_MESS_TYPES: tuple[str, ...] = ("district_typo_no_type", "district_no_type_no_province")
AUDIT_NEW_MESS_TYPES: tuple[str, ...] = ("new_folded_pair", "new_elsewhere_no_province")
# Left over after the audit (issue 11, HS2): a typo in a 2025 name with a hyphen ("Xuân Hưng - Đà Lạt");
# a ward clerk's 2025-form export (house numbers with slashes and letters, "Đ." for the street, "Tổ 3, Khu
# phố 5" / "Ấp 2" / "Thôn 4" before the ward); a 2025 ward of the new HCMC written with the old district
# its territory lay in ("Phường Hiệp Bình, TP. Thủ Đức, TP.HCM").
LEFTOVER_NEW_MESS_TYPES: tuple[str, ...] = ("new_hyphen_typo", "new_clerk_export", "new_with_old_district")
# Notes clerks add after the reform (issue 11, HS3): a 2025-form address with the old district its ward lay
# in as a note ("Phường Tân Định, TP.HCM (Quận 1 cũ)", "(cũ: Q.1)"); an old-form address with its 2025
# ward as a note ("Phường Tân Phong, Quận 7 (nay là Phường Tân Hưng), TP.HCM").
NOTE_MESS_TYPES: tuple[str, ...] = ("new_old_district_note", "old_now_note", "new_old_ward_note")
ALL_MESS_TYPES: tuple[str, ...] = (
    MESS_TYPES
    + HARD_OLD_MESS_TYPES
    + AUDIT_OLD_MESS_TYPES
    + NEW_FORM_MESS_TYPES
    + AUDIT_NEW_MESS_TYPES
    + LEFTOVER_NEW_MESS_TYPES
    + NOTE_MESS_TYPES
)
SPLIT_MESS_TYPES = ("split_evidence", "split_no_evidence")
NON_SPLIT_MESS_TYPES = tuple(t for t in MESS_TYPES if t not in SPLIT_MESS_TYPES and t != "bad_input")

# Relative frequency of each primary mess type.
DEFAULT_WEIGHTS: dict[str, float] = {
    "clean": 8,
    "no_diacritics": 8,
    "nfd": 5,
    "case": 6,
    "abbreviations": 8,
    "compact": 6,
    "bare_number": 4,
    "old_district": 4,
    "province_short": 6,
    "province_missing": 6,
    "accent_placement": 5,
    "typo": 8,
    "street_unit_name": 6,
    "no_commas": 5,
    "split_evidence": 5,
    "split_no_evidence": 5,
    "bad_input": 3,
    **{t: 3 for t in HARD_OLD_MESS_TYPES},
    **{t: 3 for t in NEW_FORM_MESS_TYPES},
    **{t: 2 for t in (*AUDIT_OLD_MESS_TYPES, *AUDIT_NEW_MESS_TYPES)},
    "new_hyphen_typo": 0.5,  # seven names in the country
    "new_clerk_export": 3,
    "new_with_old_district": 2,
    "new_old_district_note": 2,
    "old_now_note": 2,
    "new_old_ward_note": 2,
}

# Secondary mess allowed per primary type, with its probability (kept sparse, and
# never one that would make the address unreadable, e.g. no commas + bare number).
EXTRAS: dict[str, tuple[tuple[str, float], ...]] = {
    "no_diacritics": (("abbreviations", 0.15), ("lower", 0.10)),
    "case": (("abbreviations", 0.10),),
    "abbreviations": (("no_diacritics", 0.15), ("province_short", 0.15)),
    "compact": (("no_diacritics", 0.15), ("province_short", 0.15)),
    "bare_number": (("no_diacritics", 0.10), ("province_short", 0.15)),
    "old_district": (("abbreviations", 0.15), ("no_diacritics", 0.10)),
    "province_short": (("abbreviations", 0.15), ("no_diacritics", 0.10)),
    "province_missing": (("abbreviations", 0.10), ("no_diacritics", 0.10)),
    "typo": (("no_diacritics", 0.10),),
    "street_unit_name": (("no_diacritics", 0.10), ("province_short", 0.10)),
    "no_commas": (("no_diacritics", 0.10),),
    "split_evidence": (("no_diacritics", 0.10), ("abbreviations", 0.10), ("province_short", 0.10)),
    "split_no_evidence": (("no_diacritics", 0.10), ("abbreviations", 0.10), ("province_short", 0.10)),
}

# Real streets of HCMC, Bình Dương and Vũng Tàu. Those whose words contain an
# HCMC-area unit name, or a number, are moved to the street_unit_name traps at
# load time, so the other mess types never hide a second unit name in the street.
STREETS: tuple[str, ...] = (
    "Lê Lợi",
    "Nguyễn Huệ",
    "Đồng Khởi",
    "Hai Bà Trưng",
    "Lý Tự Trọng",
    "Pasteur",
    "Nam Kỳ Khởi Nghĩa",
    "Điện Biên Phủ",
    "Võ Văn Tần",
    "Nguyễn Thị Minh Khai",
    "Cách Mạng Tháng Tám",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Lê Duẩn",
    "Tôn Đức Thắng",
    "Nguyễn Đình Chiểu",
    "Lý Thường Kiệt",
    "Nguyễn Văn Cừ",
    "An Dương Vương",
    "Hùng Vương",
    "Hồng Bàng",
    "Ba Tháng Hai",
    "Sư Vạn Hạnh",
    "Lê Hồng Phong",
    "Nguyễn Chí Thanh",
    "Trường Chinh",
    "Cộng Hòa",
    "Hoàng Văn Thụ",
    "Phan Đăng Lưu",
    "Phan Xích Long",
    "Nguyễn Kiệm",
    "Quang Trung",
    "Nguyễn Oanh",
    "Lê Đức Thọ",
    "Phạm Văn Chiêu",
    "Nguyễn Văn Lượng",
    "Xô Viết Nghệ Tĩnh",
    "Bạch Đằng",
    "Đinh Tiên Hoàng",
    "Nguyễn Xí",
    "Ung Văn Khiêm",
    "Nguyễn Hữu Cảnh",
    "Võ Văn Kiệt",
    "Nguyễn Văn Linh",
    "Huỳnh Tấn Phát",
    "Nguyễn Thị Thập",
    "Lê Văn Lương",
    "Nguyễn Hữu Thọ",
    "Kinh Dương Vương",
    "Lũy Bán Bích",
    "Âu Cơ",
    "Lạc Long Quân",
    "Võ Nguyên Giáp",
    "Lê Văn Việt",
    "Đỗ Xuân Hợp",
    "Kha Vạn Cân",
    "Nguyễn Duy Trinh",
    "Mai Chí Thọ",
    "Tô Ký",
    "Lê Trọng Tấn",
    "Nguyễn Ảnh Thủ",
    "Hà Huy Giáp",
    "Rừng Sác",
    "Nguyễn Văn Tạo",
    "Yersin",
    "Huỳnh Văn Lũy",
    "Nguyễn Văn Tiết",
    "Thùy Vân",
    "Hạ Long",
    "Trần Phú",
    "Ba Cu",
    "Nguyễn An Ninh",
    "Trương Công Định",
    "Hoàng Hoa Thám",
    "Lê Quang Định",
    "Bùi Viện",
    "Nguyễn Tất Thành",
    "Khánh Hội",
    "Tân Kỳ Tân Quý",
    "Phú Lợi",
    "Nguyễn Văn Trỗi",
    "Trần Quang Khải",
    "Lê Văn Sỹ",
    "Phạm Văn Bạch",
    "Nguyễn Sơn",
    "Tân Sơn Nhì",
    "Bình Long",
    "Bà Hom",
)
# Streets that are written like units (the trap of mess type street_unit_name).
STREET_TRAPS: tuple[str, ...] = (
    "Đại lộ Bình Dương",
    "Phạm Văn Đồng",
    "Đường Tân Định",
    "Nguyễn Thái Bình",
    "Phạm Ngũ Lão",
    "Cô Giang",
    "Cầu Kho",
    "Đường 3 Tháng 2",
    "Cách Mạng Tháng 8",
    "Đường Số 12",
    "Đường số 7",
    "Quốc lộ 13",
    "Quốc lộ 1A",
    "Tỉnh lộ 10",
    "Đường 30 Tháng 4",
    "Võ Thị Sáu",
    "Thảo Điền",
    "Mỹ Phước Tân Vạn",
    "Đường Thủ Khoa Huân",
    "Nguyễn Văn Quá",
)
# Thủ Đức city wards by their pre-2021 district (Resolution 1111/NQ-UBTVQH14).
OLD_DISTRICT_Q2 = (
    "An Phú",
    "Thảo Điền",
    "An Khánh",
    "Bình An",
    "Bình Khánh",
    "Bình Trưng Đông",
    "Bình Trưng Tây",
    "Cát Lái",
    "Thạnh Mỹ Lợi",
    "An Lợi Đông",
    "Thủ Thiêm",
)
OLD_DISTRICT_Q9 = (
    "Long Bình",
    "Long Thạnh Mỹ",
    "Tân Phú",
    "Hiệp Phú",
    "Tăng Nhơn Phú A",
    "Tăng Nhơn Phú B",
    "Phước Long A",
    "Phước Long B",
    "Trường Thạnh",
    "Long Phước",
    "Long Trường",
    "Phước Bình",
    "Phú Hữu",
)
THU_DUC_CITY_DISTRICT = "769"
PROVINCE_SHORT: dict[str, tuple[str, ...]] = {
    "79": ("HCM", "TPHCM", "TP.HCM", "Tp HCM", "SG"),
    "74": ("BD",),
    "77": ("BRVT", "BR-VT"),
}
# Districts that were towns (thị xã) before city status: "TX." is still written.
FORMER_TOWNS = ("725", "724", "723", "721", "754")

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_STYLE = re.compile(rf"([oO])([{_TONES}])([aAeE])(?![a-zA-Z])|([uU])([{_TONES}])([yY])(?![a-zA-Z])")
_NEW_STYLE = re.compile(rf"([oO])([aAeE])([{_TONES}])(?![a-zA-Z])|(?<![qQ])([uU])([yY])([{_TONES}])(?![a-zA-Z])")
_NUMBERED = re.compile(r"^(?:Phường|Quận) (\d+)$")


def swap_tone_placement(text: str) -> str:
    """Move the tone mark between the vowels of open oa/oe/uy: 'hòa' <-> 'hoà', 'thủy' <-> 'thuỷ'."""
    nfd = unicodedata.normalize("NFD", text)
    out = _OLD_STYLE.sub(
        lambda m: m.group(1) + m.group(3) + m.group(2) if m.group(1) else m.group(4) + m.group(6) + m.group(5), nfd
    )
    if out == nfd:
        out = _NEW_STYLE.sub(
            lambda m: m.group(1) + m.group(3) + m.group(2) if m.group(1) else m.group(4) + m.group(6) + m.group(5), nfd
        )
    return unicodedata.normalize("NFC", out)


# --------------------------------------------------------------------------- units


@dataclass
class _Unit:
    uid: str
    name: str | None  # 'Phường Bến Nghé'; None for an island district without communes
    short: str | None  # 'Bến Nghé' or '12'
    type: str | None  # Phường, Xã, Thị trấn
    number: str | None  # numbered ward
    district_code: str
    district_name: str
    district_short: str  # 'Bình Thạnh' or '3'
    district_type: str
    district_number: str | None
    province_code: str
    province_name: str
    is_split: bool
    candidates: list[str]
    old_district: str | None = None  # 'Quận 2' etc. for Thủ Đức city wards
    typos: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # target -> op -> texts


@dataclass
class _NewUnit:
    """A 2025 unit and how its name reads in the old scheme."""

    uid: str
    name: str  # 'Phường Sài Gòn'
    short: str
    type: str  # Phường, Xã, Đặc khu
    province_code: str
    province_name: str
    province_short: str
    # Its name (with its type) is also an old unit's that went elsewhere, read in the old province
    # written ('Phường Tân Định, TP.HCM' -> old HCMC) or, without province, in the three old provinces.
    both_written: bool = False
    both_missing: bool = False
    typos: list[str] = field(default_factory=list)
    old_district: str | None = None  # the one old district (name with type) its territory lay in, if one
    old_wards: list[str] = field(default_factory=list)  # old wards (names with type) its territory came from


@dataclass
class _Catalogue:
    units: list[_Unit]
    pools: dict[str, list[int]]
    streets: list[str]
    traps: list[str]
    named_wards: list[tuple[str, str]]  # (short name, district code)
    new_units: list[_NewUnit] = field(default_factory=list)
    new_names: dict[str, str] = field(default_factory=dict)  # 2025 uid -> name (old_now_note)


_CATALOGUES: dict[int, tuple[Reference, _Catalogue]] = {}


def _catalogue(reference: Reference) -> _Catalogue:
    cached = _CATALOGUES.get(id(reference))
    if cached is not None and cached[0] is reference:
        return cached[1]
    cat = _build_catalogue(reference)
    _CATALOGUES[id(reference)] = (reference, cat)
    return cat


def _build_catalogue(reference: Reference) -> _Catalogue:
    old = reference.units_pre2025.filter(pl.col("province_code").is_in(HCMC_OLD_PROVINCES)).sort("unit_uid")
    parts = (
        reference.crosswalk.filter(pl.col("old_uid").is_in(old["unit_uid"].implode()))
        .group_by("old_uid")
        .agg(pl.col("new_uid").sort().alias("candidates"), pl.col("is_split").first())
    )
    old = old.join(parts, left_on="unit_uid", right_on="old_uid", how="left")
    if old["candidates"].null_count():
        raise ValueError("crosswalk has no row for some HCMC-area old units")

    units: list[_Unit] = []
    for r in old.iter_rows(named=True):
        is_commune = not r["unit_uid"].startswith("pre2025-district:")
        wn = _NUMBERED.match(r["name"]) if is_commune else None
        dn = _NUMBERED.match(r["district_name"])
        u = _Unit(
            uid=r["unit_uid"],
            name=r["name"] if is_commune else None,
            short=(wn.group(1) if wn else r["short_name"]) if is_commune else None,
            type=r["unit_type"] if is_commune else None,
            number=wn.group(1) if wn else None,
            district_code=r["district_code"],
            district_name=r["district_name"],
            district_short=dn.group(1) if dn else r["district_short_name"],
            district_type=r["district_type"],
            district_number=dn.group(1) if dn else None,
            province_code=r["province_code"],
            province_name=r["province_name"],
            is_split=bool(r["is_split"]),
            candidates=list(r["candidates"]),
        )
        if u.district_code == THU_DUC_CITY_DISTRICT and u.short:
            u.old_district = (
                "Quận 2" if u.short in OLD_DISTRICT_Q2 else "Quận 9" if u.short in OLD_DISTRICT_Q9 else "Quận Thủ Đức"
            )
        units.append(u)

    _add_typos(units)
    unique_without_province = _unique_without_province(reference, units)

    non_split = [i for i, u in enumerate(units) if not u.is_split]
    pools = {t: non_split for t in NON_SPLIT_MESS_TYPES}
    pools["bare_number"] = [i for i in non_split if units[i].number]
    pools["old_district"] = [i for i in non_split if units[i].old_district]
    pools["province_missing"] = [i for i in non_split if unique_without_province[i]]
    pools["accent_placement"] = [
        i
        for i in non_split
        if any(s and swap_tone_placement(s) != s for s in (units[i].short, units[i].district_short))
    ]
    pools["typo"] = [i for i in non_split if units[i].typos]
    pools["split_evidence"] = pools["split_no_evidence"] = [i for i, u in enumerate(units) if u.is_split]
    pools["bad_input"] = [0]  # unused
    pools["no_markers"] = non_split
    pools["district_no_type"] = [i for i in non_split if not units[i].district_number and units[i].short]
    pools["iy_variant"] = [i for i in non_split if units[i].short and flip_iy(units[i].short) != units[i].short]
    pools["district_typo_no_type"] = [i for i in pools["district_no_type"] if "district" in units[i].typos]
    pools["district_no_type_no_province"] = [
        i for i in pools["district_no_type"] if not units[i].number and unique_without_province[i]
    ]

    streets, traps = _split_streets(units)
    named_wards = [(u.short, u.district_code) for u in units if u.short and not u.number]
    new_units, new_pools = _new_units(reference)
    pools.update(new_pools)
    pools["old_now_note"] = [i for i in non_split if units[i].name]
    new_names = {u.uid: u.name for u in new_units}
    return _Catalogue(units, pools, streets, traps, named_wards, new_units, new_names)


def _new_units(reference: Reference) -> tuple[list[_NewUnit], dict[str, list[int]]]:
    """2025 units of the whole country, with pools per 2025-form mess type.

    An old reading exists when an old unit of the same type has the same folded name in the
    old province(s) the address names; it "goes elsewhere" unless its parts are exactly this
    unit. Such units only appear as new_both_schemes; names that repeat inside their own
    province (folded) are left out, as are province-missing names outside the new HCMC.
    """
    new = reference.units_2025.sort("unit_uid")
    old = reference.units_pre2025.filter(~pl.col("unit_uid").str.starts_with("pre2025-district:"))
    parts: dict[str, set[str]] = defaultdict(set)
    for o, n in reference.crosswalk.select("old_uid", "new_uid").iter_rows():
        parts[o].add(n)
    old_by_key: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # (province key, type, name key)
    for uid, short, utype, pshort in old.select(
        "unit_uid", "short_name", "unit_type", "province_short_name"
    ).iter_rows():
        old_by_key[(fold(pshort), utype, fold(short))].append(uid)
    new_count: dict[tuple[str, str], int] = defaultdict(int)
    for p, short in new.select("province_code", "short_name").iter_rows():
        new_count[(p, fold(short))] += 1
    hcmc_old_keys = sorted(
        {fold(s) for s in old.filter(pl.col("province_code").is_in(HCMC_OLD_PROVINCES))["province_short_name"]}
    )

    def other_ward(olds: list[str], uid: str) -> bool:
        targets = set().union(*(parts[o] for o in olds)) if olds else set()
        return bool(targets) and targets != {uid}

    units: list[_NewUnit] = []
    for r in new.iter_rows(named=True):
        u = _NewUnit(
            r["unit_uid"],
            r["name"],
            r["short_name"],
            r["unit_type"],
            r["province_code"],
            r["province_name"],
            r["province_short_name"],
        )
        key = fold(u.short)
        u.both_written = other_ward(old_by_key.get((fold(u.province_short), u.type, key), []), u.uid)
        if u.province_code == "79":
            missing = [o for pk in hcmc_old_keys for o in old_by_key.get((pk, u.type, key), [])]
            u.both_missing = other_ward(missing, u.uid)
        units.append(u)
    _add_new_typos(units, {k[2] for k in old_by_key})
    _add_old_districts(reference, units)
    _add_old_wards(reference, units)
    single = [i for i, u in enumerate(units) if new_count[(u.province_code, fold(u.short))] == 1]
    ok = [i for i in single if not units[i].both_written]
    pools = {t: ok for t in NEW_FORM_MESS_TYPES}
    pools["new_province_missing"] = [i for i in ok if units[i].province_code == "79" and not units[i].both_missing]
    pools["new_typo"] = [i for i in ok if units[i].typos]
    pools["new_both_schemes"] = [i for i in single if units[i].both_written or units[i].both_missing]
    pools["new_folded_pair"] = [
        i for i, u in enumerate(units) if new_count[(u.province_code, fold(u.short))] > 1 and not u.both_written
    ]
    # Outside the new HCMC, without province: a name (with its type, i/y either way) unique in the
    # country and no unit name of the old or new HCMC area (those are read there first).
    by_name: dict[tuple[str, str], int] = defaultdict(int)
    for u in units:
        by_name[(u.type, spelling_key(u.short))] += 1
    near_hcmc = {spelling_key(u.short) for u in units if u.province_code == "79"}
    near_hcmc |= {spelling_key(k[2]) for k in old_by_key if k[0] in hcmc_old_keys}
    pools["new_elsewhere_no_province"] = [
        i
        for i, u in enumerate(units)
        if u.province_code != "79"
        and by_name[(u.type, spelling_key(u.short))] == 1
        and spelling_key(u.short) not in near_hcmc
    ]
    pools["new_hyphen_typo"] = [i for i in ok if " - " in units[i].short and units[i].typos]
    pools["new_clerk_export"] = [i for i in ok if units[i].province_code == "79"]
    pools["new_with_old_district"] = [i for i in ok if units[i].old_district]
    pools["new_old_district_note"] = pools["new_with_old_district"]
    pools["new_old_ward_note"] = [i for i in ok if units[i].old_wards]
    return units, pools


def _add_old_wards(reference: Reference, units: list[_NewUnit]) -> None:
    """The old wards of the new HCMC's 2025 units (their names with type), for "(Phường 5 cũ)" notes."""
    old = reference.units_pre2025.filter(
        pl.col("province_code").is_in(HCMC_OLD_PROVINCES) & ~pl.col("unit_uid").str.starts_with("pre2025-district:")
    )
    name_of = dict(old.select("unit_uid", "name").iter_rows())
    olds: dict[str, list[str]] = defaultdict(list)
    for o, n in reference.crosswalk.sort("old_uid").select("old_uid", "new_uid").iter_rows():
        if o in name_of:
            olds[n].append(name_of[o])
    for u in units:
        if u.province_code == "79":
            u.old_wards = olds.get(u.uid, [])


def _add_old_districts(reference: Reference, units: list[_NewUnit]) -> None:
    """The old district a 2025 unit of the new HCMC lay in, where its territory lay in one only and no
    old ward of that district has its name (that address would read as the old ward)."""
    old = reference.units_pre2025.filter(~pl.col("unit_uid").str.starts_with("pre2025-district:"))
    district_of = dict(old.select("unit_uid", "district_name").iter_rows())
    districts: dict[str, set[str]] = defaultdict(set)
    for o, n in reference.crosswalk.select("old_uid", "new_uid").iter_rows():
        if o in district_of:
            districts[n].add(district_of[o])
    names: dict[str, set[str]] = defaultdict(set)
    for short, district in old.select("short_name", "district_name").iter_rows():
        names[district].add(spelling_key(short))
    for u in units:
        (district,) = districts[u.uid] if len(districts[u.uid]) == 1 else (None,)
        if u.province_code == "79" and district and spelling_key(u.short) not in names[district]:
            u.old_district = district


def flip_iy(name: str) -> str:
    """Each syllable-final i/y after a consonant written the other way: 'Quý' <-> 'Quí', 'Mỹ' <-> 'Mĩ'."""
    nfd = unicodedata.normalize("NFD", name)
    out = re.sub(
        r"(?i)(?:(?<=[bcdđghklmnprstvx])|(?<=qu))([iy])([\u0300-\u036f]*)(?![\w\u0300-\u036f])",
        lambda m: {"i": "y", "y": "i", "I": "Y", "Y": "I"}[m.group(1)] + m.group(2),
        nfd,
    )
    return unicodedata.normalize("NFC", out)


def spelling_key(name: str) -> str:
    """Folded key that also treats syllable-final i/y after a consonant as one letter (Quý/Quí, Mỹ/Mĩ):
    Vietnamese writes both, so a 'typo' between them is no typo."""
    words = strip_words(name)
    out = []
    for w in words:
        if len(w) >= 2 and w[-1] == "y" and (w[-2] not in "aeiouy" or (w[-2] == "u" and w[-3:-2] == "q")):
            w = w[:-1] + "i"
        out.append(w)
    return "".join(out)


def _add_new_typos(units: list[_NewUnit], old_keys: set[str]) -> None:
    """One-edit typos of 2025 names, at distance >= 2 from the other wards of the province, naming no unit."""
    rnd = random.Random(2025)
    by_province: dict[str, list[str]] = defaultdict(list)
    for u in units:
        by_province[u.province_code].append(spelling_key(u.short))
    all_new = {spelling_key(u.short) for u in units}
    old_keys = old_keys | {spelling_key(k) for k in old_keys}
    known = all_new | old_keys
    for u in units:
        key = spelling_key(u.short)
        if len(key) < 5 or any(c.isdigit() for c in key):
            continue
        keyed = [(t, k) for t, _ in _typo_variants(u.short, rnd) if OSA.distance(k := spelling_key(t), key) == 1]
        others = [k for k in by_province[u.province_code] if k != key]
        if not keyed or not others:
            continue
        variants = [t for t, _ in keyed]
        keys = [k for _, k in keyed]
        nearest = process.cdist(keys, others, scorer=OSA.distance, workers=1).min(axis=1)
        u.typos = [
            t
            for t, k, d in zip(variants, keys, nearest, strict=True)
            if d >= 2 and k not in known and not _marker_and_name(k, known, _GLUED_2025)
        ]


def _split_streets(units: list[_Unit]) -> tuple[list[str], list[str]]:
    """General streets must not contain a unit name (as whole words) or a number."""
    names = {tuple(strip_words(u.short)) for u in units if u.short and not u.number}
    names |= {tuple(strip_words(u.district_short)) for u in units if not u.district_number}
    streets, traps = [], list(STREET_TRAPS)
    for s in dict.fromkeys(STREETS):
        words = strip_words(s)
        hit = any(words[i : i + len(n)] == list(n) for n in names for i in range(len(words) - len(n) + 1))
        (traps if hit or any(c.isdigit() for c in s) else streets).append(s)
    return streets, traps


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def strip_words(text: str) -> list[str]:
    return [w for w in _NOT_WORD.split(strip_accents(text)) if w]


def _unique_without_province(reference: Reference, units: list[_Unit]) -> list[bool]:
    """True when ward + district names (folded) identify one unit in the whole country."""
    key = (
        pl.col("short_name").map_elements(fold, return_dtype=pl.String)
        + "|"
        + pl.col("district_short_name").map_elements(fold, return_dtype=pl.String)
    )
    keys = reference.units_pre2025.select("unit_uid", key.alias("k"))
    unique = keys.filter(pl.col("k").is_unique())["unit_uid"].to_list()
    unique_set = set(unique)
    return [u.uid in unique_set for u in units]


_TYPO_LETTERS = "abcdeghiklmnopqrstuvxy"
_MARKERS = ("p", "f", "x", "tt", "q", "h", "tp", "tx")  # unit-type abbreviations written glued to a name
_GLUED = frozenset(_MARKERS)  # every marker is one or two letters
_GLUED_2025 = _GLUED | {"dk"}


def _marker_and_name(key: str, known: set[str], markers: frozenset[str] = _GLUED) -> bool:
    """``key`` is a marker glued to a name in ``known``: any(key.startswith(m) and key[len(m):] in known for m in
    markers), looked up by the key's first one and two letters instead of marker by marker."""
    return (key[:1] in markers and key[1:] in known) or (key[:2] in markers and key[2:] in known)


_fold_char = functools.cache(fold)  # fold of one character, asked ~10 times a letter of every name


def _typo_variants(name: str, rnd: random.Random) -> list[tuple[str, str]]:
    """All single-letter edits of ``name`` of the four kinds (a few substitutions per position)."""
    out: list[tuple[str, str]] = []
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    for i in letters:
        c = name[i]
        word_start = i == 0 or not name[i - 1].isalpha()
        word_end = i + 1 == len(name) or not name[i + 1].isalpha()
        for s in rnd.sample(_TYPO_LETTERS, 3):
            if s != _fold_char(c):
                out.append((name[:i] + (s.upper() if c.isupper() else s) + name[i + 1 :], "substitute"))
        if not (word_start and word_end):
            out.append((name[:i] + name[i + 1 :], "delete"))
        out.append((name[: i + 1] + c.lower() + name[i + 1 :], "duplicate"))
        if not word_start and not word_end and _fold_char(c) != _fold_char(name[i + 1]):
            out.append((name[:i] + name[i + 1] + c + name[i + 2 :], "transpose"))
    return out


def _add_typos(units: list[_Unit]) -> None:
    """Precompute, per unit, typos of its ward and district names that stay unambiguous.

    A typo must be at edit distance 1 (Levenshtein; optimal string alignment for a
    transposition) from the folded name, at distance >= 2 from every other ward of
    the same district (resp. every other HCMC-area district), and not spell another
    HCMC-area unit name exactly.
    """
    rnd = random.Random(1685)  # fixed: typo candidates do not depend on the row seed
    by_district: dict[str, list[str]] = defaultdict(list)
    for u in units:
        if u.short:
            by_district[u.district_code].append(fold(u.short))
    all_wards = {fold(u.short) for u in units if u.short}
    districts = sorted({fold(u.district_short) for u in units if not u.district_number})
    known = all_wards | set(districts)
    for u in units:
        targets = []
        if u.short and not u.number and len(fold(u.short)) >= 5:
            targets.append(("ward", u.short, [k for k in by_district[u.district_code] if k != fold(u.short)]))
        if not u.district_number and len(fold(u.district_short)) >= 5:
            targets.append(("district", u.district_short, [d for d in districts if d != fold(u.district_short)]))
        for target, name, others in targets:
            key = fold(name)
            variants = [(t, op) for t, op in _typo_variants(name, rnd) if OSA.distance(fold(t), key) == 1]
            keys = [fold(t) for t, _ in variants]
            if others and keys:
                nearest = process.cdist(keys, others, scorer=OSA.distance, workers=1).min(axis=1)
            else:
                nearest = [99] * len(keys)
            # a typo that reads as a compact marker + another name ('Ttân Bình' = 'TT.Ân Bình') is ambiguous
            ok = [
                v
                for v, k, d in zip(variants, keys, nearest, strict=True)
                if d >= 2 and k not in all_wards and k not in districts and not _marker_and_name(k, known)
            ]
            by_op: dict[str, list[str]] = defaultdict(list)
            for text, op in ok:
                by_op[op].append(text)
            if by_op:
                u.typos[target] = dict(by_op)


# ----------------------------------------------------------------------- gazetteer


def synthetic_gazetteer(seed: int = 0, reference: Reference | None = None) -> pl.DataFrame:
    """Invented evidence for every part of every split HCMC-area old unit (GAZETTEER schema).

    Each part gets 2-4 names: quarters ('Khu phố 5') in wards and townships, hamlets
    ('Ấp 3') in communes, and numbered or lettered streets ('Đường Số 12', 'Đường D4').
    Names are unique (folded) within an old unit and never collide with the
    general street list, so an address carries evidence only when it is meant to.
    """
    reference = reference or default_reference()
    cat = _catalogue(reference)
    rnd = random.Random(f"gazetteer:{seed}")
    rows = []
    for u in cat.units:
        if not u.is_split:
            continue
        local = (
            [("quarter", f"Khu phố {n}") for n in range(1, 13)]
            if u.type != "Xã"
            else [("hamlet", f"Ấp {n}") for n in range(1, 13)]
        )
        local += [(k, f"{name}{s}") for k, name in local[:6] for s in ("A", "B")]
        streets = [("street", f"Đường Số {n}") for n in range(1, 41)]
        streets += [("street", f"Đường {p}{n}") for p in ("D", "N") for n in range(1, 13)]
        if u.province_code == "74":
            streets += [("street", f"Đường DX {n:03d}") for n in range(1, 120)]
        sizes = [rnd.randint(2, 4) for _ in u.candidates]
        n_local = rnd.randint(1, sum(sizes))
        chosen = rnd.sample(local, min(n_local, len(local))) + rnd.sample(
            streets, sum(sizes) - min(n_local, len(local))
        )
        rnd.shuffle(chosen)
        pos = 0
        for new_uid, size in zip(u.candidates, sizes, strict=True):
            for kind, name in chosen[pos : pos + size]:
                rows.append((u.uid, kind, name, fold(name), new_uid, SYNTHETIC_SOURCE))
            pos += size
    return GAZETTEER.cast(pl.DataFrame(rows, schema=GAZETTEER.columns, orient="row"))


def write_synthetic_gazetteer(path: Path | str, seed: int = 0, reference: Reference | None = None) -> pl.DataFrame:
    frame = synthetic_gazetteer(seed, reference)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)
    return frame


# ---------------------------------------------------------------------- addresses


def _allocate(n: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Largest-remainder split of n rows; every type gets at least one row when n allows."""
    total = sum(weights.values())
    exact = {t: n * w / total for t, w in weights.items()}
    counts = {t: int(v) for t, v in exact.items()}
    if n >= len(weights):
        for t in counts:
            counts[t] = max(counts[t], 1)
    rest = n - sum(counts.values())
    order = sorted(weights, key=lambda t: (counts[t] - exact[t], t))
    i = 0
    while rest != 0:
        t = order[i % len(order)]
        if rest > 0:
            counts[t] += 1
            rest -= 1
        elif counts[t] > 1:
            counts[t] -= 1
            rest += 1
        i += 1
    return counts


def _house(rnd: random.Random) -> str:
    n = rnd.randint(1, 480)
    k = rnd.random()
    if k < 0.45:
        return str(n)
    if k < 0.70:
        return f"{n}/{rnd.randint(1, 60)}"
    if k < 0.78:
        return f"{n}/{rnd.randint(1, 40)}/{rnd.randint(1, 20)}"
    if k < 0.86:
        return f"{n}{rnd.choice('ABCD')}"
    if k < 0.94:
        return f"Hẻm {n}"
    return f"Số {n}"


def _ward_abbrev(u: _Unit, rnd: random.Random) -> str:
    dot = "." if rnd.random() < 0.85 else ""
    if u.number:
        return f"{rnd.choice('PF')}{dot} {u.number}"
    abbr = {"Phường": "P", "Xã": "X", "Thị trấn": "TT"}[u.type]
    return f"{abbr}{dot} {u.short}"


def _ward_compact(u: _Unit, rnd: random.Random) -> str:
    if u.number:
        return f"{rnd.choice('PF')}{rnd.choice(('', '.'))}{u.number}"
    if u.type == "Phường":
        return f"P{rnd.choice(('', '.'))}{u.short}"
    return f"{'X' if u.type == 'Xã' else 'TT'}.{u.short}"


def _district_abbrev(u: _Unit, rnd: random.Random) -> str:
    dot = "." if rnd.random() < 0.85 else ""
    if u.district_code in FORMER_TOWNS and rnd.random() < 0.3:
        return f"TX{dot} {u.district_short}"
    abbr = {"Quận": "Q", "Huyện": "H", "Thành phố": rnd.choice(("TP", "TP", "Tp"))}[u.district_type]
    return f"{abbr}{dot} {u.district_short}"


def _district_compact(u: _Unit, rnd: random.Random) -> str:
    if u.district_number:
        return f"Q{rnd.choice(('', '.'))}{u.district_number}"
    abbr = {"Quận": "Q", "Huyện": "H", "Thành phố": "TP"}[u.district_type]
    return f"{abbr}.{u.district_short}"


def _province_abbrev(u: _Unit, rnd: random.Random) -> str:
    if u.province_code == "79":
        return rnd.choice(("TP. Hồ Chí Minh", "Tp. Hồ Chí Minh", "TP Hồ Chí Minh"))
    return u.province_name


_LOREM = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "


def _bad_input(rnd: random.Random) -> tuple[str | None, str]:
    k = rnd.random()
    if k < 0.06:
        return None, "null"
    if k < 0.12:
        return rnd.choice(("", " ", "   ", ",", " , , ", "-", "?", "...")), "empty"
    if k < 0.32:
        junk = "".join(
            rnd.choice("\x00\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f\t\r\n.,-/#") for _ in range(rnd.randint(3, 30))
        )
        return junk + str(rnd.randint(0, 99999)), "control characters"
    if k < 0.48:
        size = 10_240 + rnd.randint(0, 200)
        kind = rnd.randrange(4)
        if kind == 0:
            text = "".join(rnd.choices(string.ascii_letters + string.digits + "+/", k=size))
        elif kind == 1:
            text = (_LOREM * (size // len(_LOREM) + 1))[:size] + str(rnd.randint(0, 10**6))
        elif kind == 2:
            text = rnd.choice("x#0 ") * size + str(rnd.randint(0, 10**6))
        else:
            text = "".join(rnd.choices("的一是不了人我在有他这中大来上个国", k=size // 3))
        return text, f"{len(text)} characters"
    if k < 0.64:
        phrase = rnd.choice(("地址不详", "你好世界", "请联系客户", "越南", "电话联系", "未知地址", "胡志明市"))
        return f"{phrase}{rnd.randint(1, 9999)}", "Chinese"
    if k < 0.84:
        phrase = rnd.choice(
            (
                "N/A",
                "unknown",
                "TBD",
                "see attached file",
                "Address not provided",
                "Please call before delivery",
                "No fixed address",
                "Lorem ipsum dolor sit amet",
                "{} Main Street, Springfield",
                "PO Box {}",
                "Suite {}, Level 3, One World Trade Center, New York",
            )
        )
        return phrase.format(rnd.randint(1, 9999)) + ("" if "{}" in phrase else f" #{rnd.randint(1, 99999)}"), "English"
    phrase = rnd.choice(("Không rõ", "Chưa cập nhật", "Không có địa chỉ", "Đang xác minh", "Không xác định"))
    return f"{phrase} ({rnd.randint(1, 99999)})", "Vietnamese without address"


@dataclass
class _Row:
    address: str | None
    mess_type: str
    mess_detail: str
    transform: str  # whole-string transform, applied vectorised: '', strip, nfd, upper, lower
    true_old_uid: str | None
    true_new_uid: str | None
    true_candidates: list[str]
    is_split: bool
    evidence_new_uid: str | None


@dataclass
class _Parts:
    """An address as _render writes it: its segments, their separator, the text transform, notes on the mess."""

    street: str | None
    locality: str | None  # quarter / hamlet segment between street and ward
    ward: str | None
    district: str | None
    province: str | None
    detail: list[str]
    sep: str = ", "
    transform: str = ""
    evidence_uid: str | None = None


def _render(
    u: _Unit, mess: str, rnd: random.Random, cat: _Catalogue, gazetteer: Mapping[str, list[tuple[str, str, str]]]
) -> _Row:
    extras = [e for e, p in EXTRAS.get(mess, ()) if rnd.random() < p]
    detail: list[str] = [f"+{e}" for e in extras]
    house = _house(rnd)
    a = _Parts(f"{house} {rnd.choice(cat.streets)}", None, u.name, u.district_name, u.province_name, detail)
    _apply_extras(a, u, mess, extras, rnd)
    # the mess itself (its branches draw from rnd only when taken: split in two, the same draws)
    if not _unit_mess(a, u, mess, extras, rnd):
        _street_mess(a, u, mess, rnd, cat, gazetteer, house)
    keep_street = ("clean", "street_unit_name", "split_evidence", "no_markers", *_NO_TYPE)
    if mess not in keep_street and rnd.random() < 0.07:
        a.street = None  # some records carry the units only
    address = a.sep.join(p for p in (a.street, a.locality, a.ward, a.district, a.province) if p)
    transform = a.transform
    if transform == "tone":
        address, transform = swap_tone_placement(address), ""
    if u.is_split:
        true_new = a.evidence_uid
    else:
        true_new = u.candidates[0]
    return _Row(
        address, mess, "; ".join(a.detail), transform, u.uid, true_new, u.candidates, u.is_split, a.evidence_uid
    )


def _apply_extras(a: _Parts, u: _Unit, mess: str, extras: list[str], rnd: random.Random) -> None:
    """The extra mess drawn beside the main one: abbreviations, a short province, no diacritics or lower case."""
    if "abbreviations" in extras or mess == "abbreviations":
        if a.ward and (mess == "abbreviations" or rnd.random() < 0.8):
            a.ward = _ward_abbrev(u, rnd)
        if not a.ward or a.ward == u.name or rnd.random() < 0.7:
            a.district = _district_abbrev(u, rnd)
        if rnd.random() < 0.5:
            a.province = _province_abbrev(u, rnd)
    if "province_short" in extras or mess == "province_short":
        a.province = rnd.choice(PROVINCE_SHORT[u.province_code])
    if "no_diacritics" in extras:
        a.transform = "strip"
    elif "lower" in extras:
        a.transform = "lower"


def _unit_mess(a: _Parts, u: _Unit, mess: str, extras: list[str], rnd: random.Random) -> bool:
    """The mess of the text or of the unit names (case, compact, bare number, old district, typo...); False when
    ``mess`` is none of those."""
    if mess == "no_diacritics":
        a.transform = "strip"
    elif mess == "nfd":
        a.transform = "nfd"
    elif mess == "case":
        a.transform = rnd.choice(("upper", "lower"))
        a.detail.append(a.transform)
    elif mess == "compact":
        if a.ward:
            a.ward = _ward_compact(u, rnd)
        if not a.ward or rnd.random() < 0.5:
            a.district = _district_compact(u, rnd)
    elif mess == "bare_number":
        a.ward = u.number
        if rnd.random() < 0.15:
            a.street = None  # '22, Quận Bình Thạnh' alone is still readable by position
    elif mess == "old_district":
        a.district = u.old_district
        if "abbreviations" in extras:  # 'Q. 9', 'Q. Thủ Đức'
            a.district = f"Q{'.' if rnd.random() < 0.85 else ''} {u.old_district.split(' ', 1)[1]}"
        a.detail.append(u.old_district)
    elif mess == "province_missing":
        a.province = None
    elif mess == "accent_placement":
        a.transform = "tone"  # applied below, on the whole address (streets too)
    elif mess == "typo":
        target = "ward" if "ward" in u.typos and ("district" not in u.typos or rnd.random() < 0.7) else "district"
        op = rnd.choice(sorted(u.typos[target]))  # the four kinds equally often
        text = rnd.choice(u.typos[target][op])
        if target == "ward":
            a.ward = f"{u.type} {text}"
        else:
            a.district = f"{u.district_type} {text}"
        a.detail.append(f"{op} {target}: {text}")
    else:
        return False
    return True


def _street_mess(
    a: _Parts,
    u: _Unit,
    mess: str,
    rnd: random.Random,
    cat: _Catalogue,
    gazetteer: Mapping[str, list[tuple[str, str, str]]],
    house: str,
) -> None:
    """The other kinds of mess: a unit's name in the street, separators and markers left out, a district without
    its type, evidence of a split unit, an 'old, now new' note, a quarter or hamlet segment."""
    if mess == "street_unit_name":
        if rnd.random() < 0.5:
            trap = rnd.choice(cat.traps)
        else:
            name, dcode = rnd.choice(cat.named_wards)
            while dcode == u.district_code:
                name, dcode = rnd.choice(cat.named_wards)
            trap = f"Đường {name}" if rnd.random() < 0.7 else name
        a.street = f"{house} {trap}" if rnd.random() < 0.9 else trap
        a.detail.append(trap)
    elif mess == "no_commas":
        a.sep = " "
    elif mess == "no_markers":
        a.sep, a.ward = " ", (u.number or u.short) if a.ward else None
        a.province = rnd.choice((a.province, *PROVINCE_SHORT[u.province_code]))
    elif mess == "district_no_type":
        a.district = u.district_short
        a.province = rnd.choice((u.province_name, _province_abbrev(u, rnd), *PROVINCE_SHORT[u.province_code]))
        if u.province_code != "79" and rnd.random() < 0.5:
            a.province = "T. " + u.province_name.split(" ", 1)[1]  # 'T. Bình Dương'
        if rnd.random() < 0.4:
            a.sep = " "
    elif mess == "district_typo_no_type":
        op = rnd.choice(sorted(u.typos["district"]))
        a.district = rnd.choice(u.typos["district"][op])
        a.province = rnd.choice((u.province_name, _province_abbrev(u, rnd), *PROVINCE_SHORT[u.province_code]))
        if rnd.random() < 0.4:
            a.sep = " "
        a.detail.append(f"{op} district: {a.district}")
    elif mess == "district_no_type_no_province":
        a.district, a.province = u.district_short, None
        if rnd.random() < 0.4:
            a.sep = " "
    elif mess == "iy_variant":
        a.ward = f"{u.type} {flip_iy(u.short)}"
        a.detail.append(flip_iy(u.short))
    elif mess == "split_evidence":
        _split_evidence(a, u, rnd, gazetteer, house)
    elif mess == "split_no_evidence" and rnd.random() < 0.15:
        _unlisted_locality(a, u, rnd, gazetteer)
    elif mess == "old_now_note":
        lead = rnd.choice(("nay là", "nay thuộc", "nay:", "mới:", "Nay là"))
        note = f"({lead} {cat.new_names[u.candidates[0]]})"
        if rnd.random() < 0.5:
            a.district = f"{a.district} {note}"  # before the province
        else:
            a.province = f"{a.province} {note}" if a.province else note
        a.detail.append(note)
    elif mess in NON_SPLIT_MESS_TYPES and mess != "clean" and rnd.random() < 0.06:
        a.locality = f"{'Ấp' if u.type == 'Xã' else 'Khu phố'} {rnd.randint(1, 12)}"


def _split_evidence(
    a: _Parts, u: _Unit, rnd: random.Random, gazetteer: Mapping[str, list[tuple[str, str, str]]], house: str
) -> None:
    """A street, quarter or hamlet the gazetteer places in one part of the split unit: the record's evidence."""
    kind, name, a.evidence_uid = rnd.choice(gazetteer[u.uid])
    if kind == "street":
        a.street = f"{house} {name}"
    else:
        k = rnd.random()
        a.locality = name if k < 0.6 else f"Tổ {rnd.randint(1, 30)}, {name}"
        if k > 0.85:
            a.street, a.locality = f"{house} {name}", None
    a.detail.append(f"evidence {kind}: {name}")


def _unlisted_locality(
    a: _Parts, u: _Unit, rnd: random.Random, gazetteer: Mapping[str, list[tuple[str, str, str]]]
) -> None:
    """A quarter/hamlet the gazetteer does not list: still no evidence."""
    known = {fold(n) for _, n, _ in gazetteer.get(u.uid, ())}
    for _ in range(10):
        a.locality = f"{'Ấp' if u.type == 'Xã' else 'Khu phố'} {rnd.randint(13, 40)}"
        if fold(a.locality) not in known:
            break
    else:
        a.locality = None
    if a.locality:
        a.detail.append(f"unlisted {a.locality}")


_NEW_NOTE_TYPES = ("new_old_district_note", "new_old_ward_note")  # notes on 2025-form addresses
_NO_TYPE = ("district_no_type", "district_typo_no_type", "district_no_type_no_province")
_NEW_ABBREV = {"Phường": ("P",), "Xã": ("X",), "Đặc khu": ("ĐK", "Đk")}
HCMC_SHORT_2025 = ("HCM", "TPHCM", "TP.HCM", "Tp HCM", "SG", "TP. HCM")


def _clerk_street(u: _NewUnit, rnd: random.Random, cat: _Catalogue) -> str:
    """A ward clerk's street part: a house number with slashes and letters, the street with "Đ." or
    "Đường" or bare, and the quarter/hamlet/group before the ward ("Tổ 3, Khu phố 5", "Ấp 2", "Thôn 4")."""
    n = rnd.randint(1, 480)
    house = rnd.choice(
        (f"{n}/{rnd.randint(1, 60)}{rnd.choice('ABC')}", f"{n}{rnd.choice('ABCD')}/{rnd.randint(1, 20)}", f"Số {n}")
    )
    street = rnd.choice(cat.streets)
    street = rnd.choice((f"Đ. {street}", f"Đ.{street}", f"Đường {street}", street))
    group = f"Tổ {rnd.randint(1, 30)}"
    if u.type == "Phường":
        quarter = rnd.choice(("Khu phố {}", "KP {}", "KP.{}", "Tổ dân phố {}")).format(rnd.randint(1, 12))
    else:
        quarter = rnd.choice(("Ấp {}", "Thôn {}")).format(rnd.randint(1, 9))
    parts = rnd.choice(([house, street], [house, street, quarter], [group, quarter], [house, street, group, quarter]))
    return ", ".join(parts)


def _render_2025(u: _NewUnit, mess: str, rnd: random.Random, cat: _Catalogue) -> _Row:
    """A 2025-form address: street, ward/commune/special zone, province (no district)."""
    street: str | None = f"{_house(rnd)} {rnd.choice(cat.streets)}"
    ward, province, sep, transform, detail = u.name, u.province_name, ", ", "", []
    abbr = rnd.choice(_NEW_ABBREV[u.type])
    if mess == "new_abbreviations":
        ward = f"{abbr}{'.' if rnd.random() < 0.85 else ''} {u.short}"
        if rnd.random() < 0.5:
            kind, rest = (
                ("TP", province[len("Thành phố ") :]) if province.startswith("Thành phố") else ("T", u.province_short)
            )
            province = f"{kind}{rnd.choice(('.', '. ', ' '))}{rest}".replace(". ", ". ").replace("  ", " ")
    elif mess == "new_compact":
        glued_word = strip_words(f"{abbr}{u.short}")[0]
        dot = u.type != "Phường" or glued_word in ("phuong", "xa", "dac") or rnd.random() < 0.5
        ward = f"{abbr}{'.' if dot else ''}{u.short}"  # 'PHương Thủy' would read 'Phường Thủy': dotted
    elif mess == "new_province_short":
        province = rnd.choice(HCMC_SHORT_2025) if u.province_code == "79" else u.province_short
    elif mess in ("new_province_missing", "new_elsewhere_no_province"):
        province = None
    elif mess == "new_no_diacritics":
        transform = "strip"
    elif mess == "new_nfd":
        transform = "nfd"
    elif mess == "new_case":
        transform = rnd.choice(("upper", "lower"))
        detail.append(transform)
    elif mess == "new_typo":
        text = rnd.choice(u.typos)
        ward = f"{u.type} {text}"
        detail.append(f"typo ward: {text}")
    elif mess == "new_no_commas":
        sep = " "
    elif mess == "new_hyphen_typo":
        text = rnd.choice(u.typos)
        ward = f"{u.type} {text}"
        detail.append(f"typo ward: {text}")
    elif mess == "new_clerk_export":
        street = _clerk_street(u, rnd, cat)
        if rnd.random() < 0.4:
            ward = f"{abbr}.{rnd.choice(('', ' '))}{u.short}"
        province = rnd.choice((province, *HCMC_SHORT_2025, "TP. Hồ Chí Minh"))
    elif mess == "new_with_old_district":
        district = u.old_district
        for long, short in (("Thành phố ", "TP. "), ("Quận ", "Q."), ("Huyện ", "H. "), ("Thị xã ", "TX. ")):
            if district.startswith(long) and rnd.random() < 0.4:
                district = short + district[len(long) :]
        ward = f"{ward}, {district}"
        detail.append(f"old district: {district}")
        if rnd.random() < 0.3:
            province = rnd.choice(HCMC_SHORT_2025)
    elif mess == "new_old_district_note":
        district = u.old_district
        for long, short in (("Thành phố ", "TP. "), ("Quận ", "Q."), ("Huyện ", "H. "), ("Thị xã ", "TX. ")):
            if district.startswith(long) and rnd.random() < 0.3:
                district = short + district[len(long) :]
        note = rnd.choice((f"({district} cũ)", f"(cũ: {district})", f"(thuộc {district} cũ)", f"({district} cũ)"))
        if rnd.random() < 0.6:
            province = f"{province} {note}"  # at the end
        else:
            ward = f"{ward} {note}"  # after the ward
        detail.append(note)
    elif mess == "new_old_ward_note":
        old_ward = rnd.choice(u.old_wards)
        if rnd.random() < 0.3:
            old_ward = old_ward.replace("Phường ", "P. ").replace("Xã ", "X. ").replace("Thị trấn ", "TT. ")
        note = f"({old_ward} cũ)"
        if rnd.random() < 0.6:
            ward = f"{ward} {note}"  # after the ward
        else:
            province = f"{province} {note}"  # at the end
        detail.append(note)
    elif mess == "new_both_schemes":
        if not u.both_written or (u.both_missing and rnd.random() < 0.5):
            province = None
        detail.append("province written" if province else "province missing")
    if mess not in ("new_clean", "new_no_commas", "new_clerk_export") and rnd.random() < 0.07:
        street = None
    address = sep.join(p for p in (street, ward, province) if p)
    return _Row(address, mess, "; ".join(detail), transform, None, u.uid, [u.uid], False, None)


def _apply_transforms(frame: pl.DataFrame) -> pl.DataFrame:
    """Whole-string mess, vectorised: accents stripped (case kept), NFD, case."""
    a, t = pl.col("address"), pl.col("transform")
    stripped = (
        a.str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.replace_all("đ", "d", literal=True)
        .str.replace_all("Đ", "D", literal=True)
    )
    return frame.with_columns(
        pl.when(t == "strip")
        .then(stripped)
        .when(t == "nfd")
        .then(a.str.normalize("NFD"))
        .when(t == "upper")
        .then(a.str.to_uppercase())
        .when(t == "lower")
        .then(a.str.to_lowercase())
        .otherwise(a)
        .alias("address")
    ).drop("transform")


def _generate_batch(
    n: int, seed: int, cat: _Catalogue, weights: Mapping[str, float], gazetteer: Mapping[str, list]
) -> pl.DataFrame:
    rnd = random.Random(seed)
    counts = _allocate(n, weights)
    rows: list[tuple[str, int]] = []
    for mess in sorted(counts, key=ALL_MESS_TYPES.index):
        pool = list(cat.pools[mess])
        rnd.shuffle(pool)
        # cycle through the pool so that every eligible unit appears once n is large enough
        rows.extend((mess, pool[k % len(pool)]) for k in range(counts[mess]))
    rnd.shuffle(rows)
    out: list[_Row] = []
    for mess, ui in rows:
        if mess == "bad_input":
            text, detail = _bad_input(rnd)
            out.append(_Row(text, mess, detail, "", None, None, [], False, None))
        elif mess in (*NEW_FORM_MESS_TYPES, *AUDIT_NEW_MESS_TYPES, *LEFTOVER_NEW_MESS_TYPES, *_NEW_NOTE_TYPES):
            out.append(_render_2025(cat.new_units[ui], mess, rnd, cat))
        else:
            out.append(_render(cat.units[ui], mess, rnd, cat, gazetteer))
    frame = pl.DataFrame(
        {
            "address": [r.address for r in out],
            "mess_type": [r.mess_type for r in out],
            "mess_detail": [r.mess_detail for r in out],
            "transform": [r.transform for r in out],
            "true_old_uid": [r.true_old_uid for r in out],
            "true_new_uid": [r.true_new_uid for r in out],
            "true_candidates": [r.true_candidates for r in out],
            "is_split": [r.is_split for r in out],
            "evidence_new_uid": [r.evidence_new_uid for r in out],
        },
        schema={
            "address": pl.String,
            "mess_type": pl.String,
            "mess_detail": pl.String,
            "transform": pl.String,
            "true_old_uid": pl.String,
            "true_new_uid": pl.String,
            "true_candidates": pl.List(pl.String),
            "is_split": pl.Boolean,
            "evidence_new_uid": pl.String,
        },
    )
    return _apply_transforms(frame)


def generate_addresses(
    n: int,
    seed: int = 0,
    reference: Reference | None = None,
    mess_types: Sequence[str] | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    gazetteer: pl.DataFrame | None = None,
    distinct: bool = True,
) -> pl.DataFrame:
    """``n`` messy old addresses with their truth, deterministic for a given seed.

    Columns: address, mess_type, mess_detail (secondary mess, typo applied, evidence
    used ...), true_old_uid, true_new_uid (null for a split old unit without
    evidence, and for bad input), true_candidates (every new unit of the old unit),
    is_split, evidence_new_uid.

    ``gazetteer`` is the split evidence to draw from; by default
    ``synthetic_gazetteer(seed, reference)``: resolve with a reference loaded with
    that same gazetteer. With ``distinct`` (default) addresses are unique (one null,
    one empty string at most among the bad inputs).
    """
    reference = reference or default_reference()
    cat = _catalogue(reference)
    types = tuple(mess_types) if mess_types is not None else MESS_TYPES
    unknown = set(types) - set(ALL_MESS_TYPES)
    if unknown:
        raise ValueError(f"unknown mess types {sorted(unknown)}; known: {ALL_MESS_TYPES}")
    w = {t: (weights or DEFAULT_WEIGHTS).get(t, DEFAULT_WEIGHTS[t]) for t in types}
    gaz = gazetteer if gazetteer is not None else synthetic_gazetteer(seed, reference)
    evidence: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for old_uid, kind, name, new_uid in gaz.select("old_uid", "kind", "name", "new_uid").iter_rows():
        evidence[old_uid].append((kind, name, new_uid))
    if "split_evidence" in types and any(not evidence[cat.units[i].uid] for i in cat.pools["split_evidence"]):
        raise ValueError("the gazetteer has no entry for some split old unit: split_evidence needs one for each")

    frame = _generate_batch(n, seed, cat, w, evidence)
    if not distinct:
        return frame
    frame = frame.unique(subset="address", keep="first", maintain_order=True)
    extra_seed = 0
    while frame.height < n and extra_seed < 50:
        # top up with more rows from a derived seed until n distinct addresses
        extra_seed += 1
        more = _generate_batch(max(n - frame.height, 64), seed * 1000 + extra_seed, cat, w, evidence)
        frame = pl.concat([frame, more]).unique(subset="address", keep="first", maintain_order=True)
    return frame.head(n)


def to_csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV-friendly copy: candidate lists as ';'-joined strings."""
    return frame.with_columns(pl.col("true_candidates").list.join(";"))


def read_truth_csv(path: Path | str) -> pl.DataFrame:
    """Read a CSV written by ``to_csv_frame`` back into the generator's schema."""
    frame = pl.read_csv(path, infer_schema=False)  # empty field -> null, "" -> ""
    return frame.with_columns(
        pl.col("true_candidates").fill_null("").str.split(";").list.eval(pl.element().filter(pl.element() != "")),
        pl.col("is_split") == "true",
    )


# ---------------------------------------------------------------------- evaluation


def row_correct(truth: pl.DataFrame, resolved: pl.DataFrame) -> pl.DataFrame:
    """Truth and resolver output side by side (same order), with per-row verdicts.

    correct: non-split types need status exact/fuzzy and the true new unit;
    split_evidence needs split_resolved and the true part; split_no_evidence needs
    split_review with every true candidate listed; bad_input needs unresolved.
    """
    if truth.height != resolved.height:
        raise ValueError(f"truth has {truth.height} rows, resolver output {resolved.height}")
    r = resolved.select(
        pl.col("status"),
        pl.col("new_uid").alias("got_new_uid"),
        pl.col("old_uid").alias("got_old_uid"),
        pl.col("candidates").fill_null([]).alias("got_candidates"),
        pl.col("confidence"),
        pl.col("reason"),
    )
    df = pl.concat([truth, r], how="horizontal")
    same_new = pl.col("got_new_uid").eq_missing(pl.col("true_new_uid")) & pl.col("true_new_uid").is_not_null()
    contains = pl.col("true_candidates").list.set_difference(pl.col("got_candidates")).list.len() == 0
    mess = pl.col("mess_type")
    correct = (
        pl.when(mess == "bad_input")
        .then(pl.col("status") == "unresolved")
        .when(mess == "split_evidence")
        .then((pl.col("status") == "split_resolved") & same_new)
        .when(mess == "split_no_evidence")
        .then((pl.col("status") == "split_review") & contains)
        .when(mess == "new_both_schemes")
        .then((pl.col("status") == "scheme_review") & contains)
        .otherwise(pl.col("status").is_in(["exact", "fuzzy"]) & same_new)
    )
    return df.with_columns(
        correct.fill_null(False).alias("correct"),
        ((pl.col("status") == "exact") & ~same_new).alias("wrong_exact"),
        pl.when(pl.col("is_split")).then(contains).otherwise(None).alias("candidates_contain_truth"),
    )


def evaluate(truth: pl.DataFrame, resolved: pl.DataFrame) -> pl.DataFrame:
    """Accuracy per mess type, plus rows for all non-split types and for everything.

    Columns: mess_type, n, correct_rate, wrong_exact (status exact with a wrong new
    unit), candidate_contains_truth (split rows only: share whose candidate list
    holds every true candidate).
    """
    rows = row_correct(truth, resolved)
    agg = (
        pl.len().alias("n"),
        pl.col("correct").mean().alias("correct_rate"),
        pl.col("wrong_exact").sum().alias("wrong_exact"),
        pl.col("candidates_contain_truth").mean().alias("candidate_contains_truth"),
    )
    per_type = rows.group_by("mess_type").agg(*agg)
    order = {t: i for i, t in enumerate(ALL_MESS_TYPES)}
    per_type = per_type.sort(pl.col("mess_type").replace_strict(order, default=99))
    non_split = rows.filter(pl.col("mess_type").is_in(NON_SPLIT_MESS_TYPES)).select(
        pl.lit("ALL non-split").alias("mess_type"), *agg
    )
    summary = [per_type, non_split]
    hard = rows.filter(pl.col("mess_type").is_in(HARD_OLD_MESS_TYPES))
    if hard.height:
        summary.append(hard.select(pl.lit("ALL hard old-form").alias("mess_type"), *agg))
    new_form = rows.filter(pl.col("mess_type").is_in(NEW_FORM_MESS_TYPES))
    if new_form.height:
        summary.append(new_form.select(pl.lit("ALL 2025-form").alias("mess_type"), *agg))
    audit = rows.filter(pl.col("mess_type").is_in(AUDIT_OLD_MESS_TYPES + AUDIT_NEW_MESS_TYPES))
    if audit.height:
        summary.append(audit.select(pl.lit("ALL audit (HV) types").alias("mess_type"), *agg))
    leftover = rows.filter(pl.col("mess_type").is_in(LEFTOVER_NEW_MESS_TYPES))
    if leftover.height:
        summary.append(leftover.select(pl.lit("ALL leftover (HS2) types").alias("mess_type"), *agg))
    notes = rows.filter(pl.col("mess_type").is_in(NOTE_MESS_TYPES))
    if notes.height:
        summary.append(notes.select(pl.lit("ALL note (HS3) types").alias("mess_type"), *agg))
    summary.append(rows.select(pl.lit("ALL").alias("mess_type"), *agg))
    return pl.concat(summary, how="vertical_relaxed")


# ------------------------------------------------------------ streets of the registries' old units


@dataclass
class StreetPlan:
    """Where the streets and quarters/hamlets of each old unit lie (for ``pipelines.synth.registries``).

    Every old unit has its own streets, a sample of the general street list (neighbouring units share
    some names, as long streets do). In a split old unit each street lies in one part, except one or
    two that cross two parts (records on them go to different new wards); the gazetteer's streets of a
    part are among its streets, its quarters/hamlets are the part's localities. Indexed like the
    registries' unit list: ``(unit index, part index)``. ``part_streets`` lists an ordinary street twice and
    a crossing street once (a crossing street's addresses are shared by its parts), for a uniform pick.
    """

    part_streets: dict[tuple[int, int], list[str]]
    part_localities: dict[tuple[int, int], list[str]]
    street_parts: list[dict[str, tuple[int, ...]]]  # per unit: street name -> parts it lies in

    def part_of(self, unit: int, street: str | None, n_parts: int, rnd: random.Random) -> int:
        """The part a record of ``unit`` on ``street`` lies in: the street's part (one of them for a
        crossing street), or any part for a street the unit does not have (a clerk's or a mover's)."""
        parts = self.street_parts[unit].get(street) if street else None
        if n_parts == 1:
            return 0
        return rnd.choice(parts) if parts else rnd.randrange(n_parts)

    def crossing(self) -> list[tuple[int, str]]:
        return [(i, s) for i, streets in enumerate(self.street_parts) for s, p in streets.items() if len(p) > 1]


def plan_streets(
    units: Sequence[_Unit],
    n_parts: Sequence[int],
    evidence: Mapping[tuple[int, int], list[tuple[str, str]]],
    general: Sequence[str],
    seed: int,
) -> StreetPlan:
    """Streets of each old unit (``evidence``: the gazetteer's (kind, name) per (unit, part)).

    Deterministic per (seed, old unit), so a unit's streets do not depend on which units are generated.
    """
    part_streets: dict[tuple[int, int], list[str]] = {}
    part_localities: dict[tuple[int, int], list[str]] = {}
    street_parts: list[dict[str, tuple[int, ...]]] = []
    general = sorted(dict.fromkeys(general))
    for i, u in enumerate(units):
        rnd = random.Random(f"streets:{seed}:{u.uid}")
        k = n_parts[i]
        where: dict[str, tuple[int, ...]] = {}
        if k == 1:
            for s in rnd.sample(general, rnd.randint(10, 18)):
                where[s] = (0,)
        else:
            sizes = [rnd.randint(3, 6) for _ in range(k)]
            n_cross = 1 if k == 2 else 2
            chosen = rnd.sample(general, sum(sizes) + n_cross)
            pos = 0
            for j, size in enumerate(sizes):
                for s in chosen[pos : pos + size]:
                    where[s] = (j,)
                pos += size
            for s in chosen[pos:]:
                where[s] = tuple(sorted(rnd.sample(range(k), 2)))
            for j in range(k):
                for kind, name in evidence.get((i, j), ()):
                    if kind == "street":
                        where[name] = (j,)
                    else:
                        part_localities.setdefault((i, j), []).append(name)
        # a uniform pick from a part's list: an ordinary street is listed twice, a crossing street once
        # (its addresses are shared by the parts it crosses), so every street has about as many addresses
        for s, parts in where.items():
            for j in parts:
                part_streets.setdefault((i, j), []).extend([s] * (3 - len(parts)))
        street_parts.append(where)
    return StreetPlan(part_streets, part_localities, street_parts)


_NEW_PROVINCE_FORMS = {"79": ("TP. Hồ Chí Minh", "TP.HCM", "Tp HCM", "HCM")}


def new_form_variants(reference: Reference, new_uids: Sequence[str]) -> dict[str, tuple[list[str], list[str | None]]]:
    """How post-reform records write each 2025 unit: ward variants (full name, 'P. Sài Gòn') and province
    variants (full, abbreviated, short form, missing), for a registry generator to pick from."""
    cat = _catalogue(reference)
    by_uid = {u.uid: u for u in cat.new_units}
    out: dict[str, tuple[list[str], list[str | None]]] = {}
    for uid in new_uids:
        u = by_uid[uid]
        abbr = _NEW_ABBREV[u.type][0]
        wards = [u.name, u.name, u.name, f"{abbr}. {u.short}"]
        provinces: list[str | None] = [u.province_name, *_NEW_PROVINCE_FORMS.get(u.province_code, ()), None]
        out[uid] = (wards, provinces)
    return out


# ---------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=Path("data/sample/old_addresses.csv"))
    parser.add_argument("--gazetteer", type=Path, default=Path("data/sample/gazetteer_sample.csv"))
    args = parser.parse_args(argv)
    reference = default_reference()
    gaz = write_synthetic_gazetteer(args.gazetteer, args.seed, reference)
    frame = generate_addresses(args.n, args.seed, reference, gazetteer=gaz)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    to_csv_frame(frame).write_csv(args.output)
    print(f"wrote {frame.height} addresses to {args.output}, {gaz.height} gazetteer entries to {args.gazetteer}")
    print(frame.group_by("mess_type").len().sort("mess_type"))


if __name__ == "__main__":
    main()
