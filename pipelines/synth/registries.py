"""Synthetic household, population, business and tax registries of the old units, with truth.

What it models (see design.md §3 for the facts):

* people in households of realistic size (head, spouse, children, parents), with
  family names at real frequencies, middle and given names, sex, birth dates,
  12-digit personal IDs (CCCD: birth-province code + century/sex digit + birth
  year + 6 digits), old 9-digit CMNDs, phones;
* every household at a street address in one of the old units; in a split old
  unit the household lies in one part, sometimes on a gazetteer street/hamlet;
* duplicates as clerks make them: ``duplicate_rate`` of people registered 2-4
  times across old units (moved, or near a boundary) with typos, missing
  diacritics, dropped middle names, other date formats, day/month swapped, ID
  missing or one digit wrong, CMND in one copy and CCCD in another; households
  registered in two units; household businesses registered at district and ward level;
  those copies, and some of a taxpayer's period rows, with clerk errors too (typos in
  book numbers, tax codes and names, missing IDs, lost accents, a wrong member count or
  date: ``pipelines.synth.registry_noise``), labelled in the truth's ``noise`` column;
* enterprises with valid MSTs (check digit; a few deliberately invalid),
  branches (13 digits), household businesses with numbers of every era, owners
  linked to people, VSIC sectors; tax records per old district tax office.

Each old district's system is one *source* per registry, exported in its own
format, encoding, column names and date format (``pipelines.synth.formats``).
Truth (true person/household/business id and true old and new unit of every
record) goes to separate Parquet files. Generation streams in chunks of people,
so memory stays bounded at any scale; it is deterministic for a seed and chunk size.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
from tqdm import tqdm

from pipelines import encodings
from pipelines.reference import HCMC_OLD_PROVINCES, Reference, default_reference
from pipelines.synth import names as N
from pipelines.synth import person_mess
from pipelines.synth.addresses import (
    PROVINCE_SHORT,
    StreetPlan,
    _catalogue,
    _district_abbrev,
    _district_compact,
    _house,
    _province_abbrev,
    _Unit,
    _ward_abbrev,
    _ward_compact,
    new_form_variants,
    plan_streets,
    synthetic_gazetteer,
)
from pipelines.synth.formats import TableWriter, truncate_file
from pipelines.synth.registry_noise import TAX_NOISE_RATE, put_noise, several_rows, strip_accents

REGISTRIES = ("population", "households", "businesses", "tax")

# Canonical fields of each registry; sources name them in their own dialect.
CANONICAL: dict[str, tuple[str, ...]] = {
    "population": (
        "record_no",
        "full_name",
        "date_of_birth",
        "sex",
        "personal_id",
        "old_id_number",
        "household_no",
        "relation_to_head",
        "address",
        "phone",
        "registered_on",
    ),
    "households": ("record_no", "household_no", "head_name", "head_personal_id", "address", "members", "registered_on"),
    "businesses": (
        "record_no",
        "registration_no",
        "business_name",
        "business_kind",
        "tax_code",
        "owner_name",
        "owner_personal_id",
        "address",
        "vsic",
        "registered_on",
        "status",
    ),
    "tax": ("record_no", "taxpayer_code", "taxpayer_name", "address", "tax_office", "period", "tax_type", "amount_vnd"),
}
STRUCTURED_ADDRESS = ("street_address", "ward", "district", "province")

# Column names as three generations of old systems wrote them.
DIALECTS: dict[str, dict[str, str]] = {
    "snake": {
        "record_no": "ma_ban_ghi",
        "full_name": "ho_ten",
        "date_of_birth": "ngay_sinh",
        "sex": "gioi_tinh",
        "personal_id": "so_cccd",
        "old_id_number": "so_cmnd",
        "household_no": "so_ho_khau",
        "relation_to_head": "quan_he_chu_ho",
        "address": "dia_chi",
        "phone": "dien_thoai",
        "registered_on": "ngay_dang_ky",
        "head_name": "ten_chu_ho",
        "head_personal_id": "cccd_chu_ho",
        "members": "so_nhan_khau",
        "registration_no": "so_dkkd",
        "business_name": "ten_co_so",
        "business_kind": "loai_hinh",
        "tax_code": "ma_so_thue",
        "owner_name": "chu_so_huu",
        "owner_personal_id": "cccd_chu_so_huu",
        "vsic": "nganh_nghe",
        "status": "tinh_trang",
        "taxpayer_code": "ma_so_thue",
        "taxpayer_name": "ten_nguoi_nop_thue",
        "tax_office": "co_quan_thue",
        "period": "ky_thue",
        "tax_type": "loai_thue",
        "amount_vnd": "so_tien",
        "street_address": "so_nha_duong",
        "ward": "phuong_xa",
        "district": "quan_huyen",
        "province": "tinh_thanh",
    },
    "vietnamese": {
        "record_no": "STT",
        "full_name": "Họ và tên",
        "date_of_birth": "Ngày sinh",
        "sex": "Giới tính",
        "personal_id": "Số CCCD",
        "old_id_number": "Số CMND",
        "household_no": "Số sổ hộ khẩu",
        "relation_to_head": "Quan hệ với chủ hộ",
        "address": "Địa chỉ thường trú",
        "phone": "Số điện thoại",
        "registered_on": "Ngày đăng ký",
        "head_name": "Họ tên chủ hộ",
        "head_personal_id": "Số định danh chủ hộ",
        "members": "Số nhân khẩu",
        "registration_no": "Số giấy chứng nhận ĐKKD",
        "business_name": "Tên doanh nghiệp/hộ KD",
        "business_kind": "Loại hình",
        "tax_code": "Mã số thuế",
        "owner_name": "Người đại diện",
        "owner_personal_id": "Số giấy tờ người đại diện",
        "vsic": "Ngành nghề chính",
        "status": "Trạng thái",
        "taxpayer_code": "Mã số thuế",
        "taxpayer_name": "Tên người nộp thuế",
        "tax_office": "Cơ quan thuế quản lý",
        "period": "Kỳ tính thuế",
        "tax_type": "Sắc thuế",
        "amount_vnd": "Số tiền (VNĐ)",
        "street_address": "Số nhà, đường",
        "ward": "Phường/Xã",
        "district": "Quận/Huyện",
        "province": "Tỉnh/TP",
    },
    "legacy": {
        "record_no": "MA",
        "full_name": "HOTEN",
        "date_of_birth": "NGSINH",
        "sex": "GT",
        "personal_id": "CCCD",
        "old_id_number": "CMND",
        "household_no": "SOHK",
        "relation_to_head": "QHCH",
        "address": "DIACHI",
        "phone": "DT",
        "registered_on": "NGAYDK",
        "head_name": "CHUHO",
        "head_personal_id": "CCCDCH",
        "members": "SONK",
        "registration_no": "SODK",
        "business_name": "TENCS",
        "business_kind": "LOAIHINH",
        "tax_code": "MST",
        "owner_name": "CHUCS",
        "owner_personal_id": "CCCDCCS",
        "vsic": "NGANH",
        "status": "TT",
        "taxpayer_code": "MST",
        "taxpayer_name": "TENNNT",
        "tax_office": "CQT",
        "period": "KYTHUE",
        "tax_type": "LOAITHUE",
        "amount_vnd": "SOTIEN",
        "street_address": "SONHA",
        "ward": "PHUONG",
        "district": "QUAN",
        "province": "TINH",
    },
}
DATE_FORMATS = {"dmy": "%d/%m/%Y", "dmy_short": "%-d/%-m/%y", "iso": "%Y-%m-%d", "excel_serial": None}
LEGACY_SLOT = "<legacy>"  # a place in SYSTEM_LAYOUT for a legacy encoding (pipelines.encodings.LEGACY)
SYSTEM_LAYOUT = (
    ("csv", "utf-8"),
    ("xlsx", None),
    ("csv", LEGACY_SLOT),
    ("jsonl", None),
    ("csv", LEGACY_SLOT),
    ("sqlite", None),
    ("csv", "utf-8-sig"),
    ("csv", LEGACY_SLOT),
    ("postgres_dump", None),
    ("csv", "mojibake"),
)


def old_systems(legacy: tuple[str, ...] = encodings.LEGACY) -> tuple[tuple[str, str | None], ...]:
    """(format, encoding) of each old system, assigned to sources in turn so every combination appears: the
    layout's legacy slots take the legacy encodings in alphabetical order (cp1258, tcvn3, vni: the bundled sample's
    systems), those beyond the slots are csv systems after the others, so an encoding added to pipelines.encodings
    is generated too (a slot left over is dropped). Adding one changes which sources get which system: a city
    generated afterwards differs from one generated before (the bundled sample is regenerated on purpose only)."""
    queue = sorted(legacy)
    out = []
    for fmt, encoding in SYSTEM_LAYOUT:
        if encoding != LEGACY_SLOT:
            out.append((fmt, encoding))
        elif queue:
            out.append((fmt, queue.pop(0)))
    return (*out, *(("csv", encoding) for encoding in queue))


SYSTEMS = old_systems()
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl", "sqlite": "sqlite", "postgres_dump": "sql"}
CCCD_PROVINCE = {code: code.zfill(3) for code in HCMC_OLD_PROVINCES}  # province-of-birth digits
MST_PREFIX = {"79": "03", "74": "37", "77": "35"}  # enterprise MSTs start with the issuing province's digits
MST_WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3])
EXCEL_EPOCH = date(1899, 12, 30)
REFORM = date(2025, 7, 1)
# Share of records written after the reform in the 2025 form (street, 2025 ward, province; no district):
# registrations and updates of July-August 2025 (the default extract is of 31 August 2025). Businesses
# registered after the reform are written in the 2025 form as well.
POST_REFORM_SHARE = {"population": 0.10, "households": 0.08, "businesses": 0.08}


@dataclass(frozen=True)
class SynthConfig:
    people: int = 20_000
    seed: int = 42
    duplicate_rate: float = 0.10
    # Of the extra registrations that moved (a new unit, a new household book), the share whose new unit is drawn in
    # the person's old district rather than over the whole city. 0 (default): the city-wide draw alone, as every
    # figure was measured. The 2019 census (GSO, people aged 5 and over, the whole country) counts 2.7 % intra-district
    # and 1.4 % inter-district migrants within a province: about 2/3 of the moves between communes stay in the district.
    local_moves: float = 0.0
    unit_uids: tuple[str, ...] | None = None  # old units to populate; None = all 442 HCMC-area units
    chunk_people: int = 250_000
    bad_files: bool = False
    extract_date: date = date(2025, 8, 31)
    progress: bool = True


@dataclass
class Source:
    id: str
    registry: str
    district_code: str
    district_name: str
    fmt: str
    encoding: str | None
    dialect: str
    structured_address: bool
    date_format: str
    path: str
    columns: dict[str, str]  # canonical -> source column
    unit_uids: list[str] = field(default_factory=list)
    level: str = "district"
    title_rows: list[str] = field(default_factory=list)
    rows: int = 0
    header_row: int | None = None
    sheets: list[str] | None = None
    defect: str | None = None
    defect_fails_file: bool = False  # the whole file is unusable (vs. some bad rows)


# --------------------------------------------------------------------------- units and addresses


@dataclass
class _Units:
    """Per old unit arrays for vectorised sampling and address variants."""

    units: list[_Unit]
    weights: np.ndarray
    parts: list[list[str]]  # new uids per unit, default part first
    part_cum: np.ndarray  # (U, 3) cumulative probabilities of parts
    ward_variants: list[list[str]]  # style -> text (the full name where a style does not apply)
    district_variants: list[list[str]]
    province_variants: list[list[str | None]]
    evidence: dict[tuple[int, int], list[tuple[str, str]]]  # (unit, part) -> [(kind, name)]
    by_district: dict[str, list[int]]
    plan: StreetPlan  # streets and localities of each unit's parts (crossing streets too)
    new_variants: dict[str, tuple[list[str], list[str | None]]]  # 2025 unit -> (ward, province) as written


WARD_STYLES = ("full", "abbrev", "compact", "typo", "bare_number")
WARD_STYLE_P = np.array([0.55, 0.24, 0.10, 0.04, 0.07])
DISTRICT_STYLES = ("full", "abbrev", "compact", "old_district", "typo")
DISTRICT_STYLE_P = np.array([0.55, 0.28, 0.10, 0.04, 0.03])
PROVINCE_STYLES = ("full", "short", "missing")
PROVINCE_STYLE_P = np.array([0.5, 0.32, 0.18])
TRANSFORMS = ("none", "no_diacritics", "upper", "nfd")
TRANSFORM_P = np.array([0.82, 0.10, 0.05, 0.03])


def _build_units(
    reference: Reference, gazetteer: pl.DataFrame, unit_uids: Sequence[str] | None, seed: int = 42
) -> _Units:
    cat = _catalogue(reference)
    units = [u for u in cat.units if unit_uids is None or u.uid in set(unit_uids)]
    if not units:
        raise ValueError("no old unit selected")
    rnd = random.Random(2025)
    area = dict(reference.units_2025.select("unit_uid", "area_km2").iter_rows())
    crosswalk = reference.crosswalk.filter(pl.col("is_default")).select("old_uid", "new_uid")
    default = dict(crosswalk.iter_rows())
    parts, cum = [], np.ones((len(units), 3))
    evidence: dict[tuple[int, int], list[tuple[str, str]]] = {}
    gaz = {}
    for old_uid, kind, name, new_uid in gazetteer.select("old_uid", "kind", "name", "new_uid").iter_rows():
        gaz.setdefault((old_uid, new_uid), []).append((kind, name))
    for i, u in enumerate(units):
        ordered = [default[u.uid]] + sorted(c for c in u.candidates if c != default[u.uid])
        parts.append(ordered)
        w = np.array([area.get(c) or 1.0 for c in ordered])
        cum[i, : len(ordered)] = np.cumsum(w / w.sum())
        for j, c in enumerate(ordered):
            if (u.uid, c) in gaz:
                evidence[(i, j)] = gaz[(u.uid, c)]
    ward_variants, district_variants, province_variants = [], [], []
    for u in units:
        w_full = u.name or u.district_name
        ward_typo = next(iter(u.typos.get("ward", {}).values()), [None])[0]
        district_typo = next(iter(u.typos.get("district", {}).values()), [None])[0]
        ward_variants.append(
            [
                w_full,
                _ward_abbrev(u, rnd) if u.name else w_full,
                _ward_compact(u, rnd) if u.name else w_full,
                f"{u.type} {ward_typo}" if ward_typo else w_full,
                u.number or w_full,
            ]
        )
        district_variants.append(
            [
                u.district_name,
                _district_abbrev(u, rnd),
                _district_compact(u, rnd),
                u.old_district or u.district_name,
                f"{u.district_type} {district_typo}" if district_typo else u.district_name,
            ]
        )
        province_variants.append([_province_abbrev(u, rnd), rnd.choice(PROVINCE_SHORT[u.province_code]), None])
    # Population weight: old HCMC ~9.5M, Bình Dương ~2.8M, Bà Rịa-Vũng Tàu ~1.2M, spread over units.
    share = {"79": 9.5 / 273, "74": 2.8 / 91, "77": 1.2 / 78}
    weights = np.array([share[u.province_code] for u in units])
    by_district: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_district.setdefault(u.district_code, []).append(i)
    plan = plan_streets(units, [len(p) for p in parts], evidence, cat.streets, seed)
    new_variants = new_form_variants(reference, sorted({c for p in parts for c in p}))
    return _Units(
        units,
        weights / weights.sum(),
        parts,
        cum,
        ward_variants,
        district_variants,
        province_variants,
        evidence,
        by_district,
        plan,
        new_variants,
    )


# --------------------------------------------------------------------------- sources


def plan_sources(units: _Units, out_dir: Path, seed: int) -> dict[str, Source]:
    """One source per (registry, old district), plus ward-level business registers."""
    rnd = random.Random(f"sources:{seed}")
    sources: dict[str, Source] = {}
    k = 0
    for registry in (*REGISTRIES, "businesses_ward"):
        for district in sorted(units.by_district):
            idx = units.by_district[district]
            u0 = units.units[idx[0]]
            fmt, encoding = SYSTEMS[k % len(SYSTEMS)]
            dialect = ("snake", "vietnamese", "legacy")[k % 3]
            k += 1
            reg = "businesses" if registry == "businesses_ward" else registry
            structured = reg in ("population", "households") and rnd.random() < 0.3
            date_format = (
                rnd.choice(("dmy", "dmy", "dmy_short", "iso")) if fmt != "xlsx" else rnd.choice(("dmy", "excel_serial"))
            )
            canonical = [c for c in CANONICAL[reg] if not (structured and c == "address")]
            if structured:
                canonical += list(STRUCTURED_ADDRESS)
            columns = {c: DIALECTS[dialect][c] for c in canonical}
            sid = f"{registry}_{district}"
            title = []
            if fmt == "xlsx":
                office = {
                    "population": "CÔNG AN",
                    "households": "CÔNG AN",
                    "businesses": "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
                    "businesses_ward": "UỶ BAN NHÂN DÂN",
                    "tax": "CHI CỤC THUẾ",
                }[registry]
                listing = {
                    "population": "NHÂN KHẨU THƯỜNG TRÚ",
                    "households": "HỘ KHẨU",
                    "businesses": "CƠ SỞ KINH DOANH",
                    "businesses_ward": "HỘ KINH DOANH ĐĂNG KÝ TẠI PHƯỜNG",
                    "tax": "NGƯỜI NỘP THUẾ",
                }[registry]
                title = [f"{office} {u0.district_name.upper()}", f"DANH SÁCH {listing}", "Ngày xuất: {extract}"]
            sources[sid] = Source(
                id=sid,
                registry=reg,
                district_code=district,
                district_name=u0.district_name,
                fmt=fmt,
                encoding=encoding,
                dialect=dialect,
                structured_address=structured,
                date_format=date_format,
                path=f"{reg}/{sid}.{EXTENSIONS[fmt]}",
                columns=columns,
                unit_uids=[units.units[i].uid for i in idx],
                level="ward" if registry == "businesses_ward" else "district",
                title_rows=title,
            )
    return sources


# --------------------------------------------------------------------------- vectorised helpers


def _pick(rng: np.random.Generator, options: Sequence[str], weights: Sequence[float] | None, n: int) -> pl.Series:
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return pl.Series(list(options), dtype=pl.String).gather(rng.choice(len(options), size=n, p=p))


def _digits(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    return pl.Series(rng.integers(0, 10**width, size=n, dtype=np.int64)).cast(pl.String).str.zfill(width)


def mst_check_digit(first9: np.ndarray) -> np.ndarray:
    """Digit 10 of an MST: 10 - (Σ wᵢ·dᵢ mod 11); 10 means no valid code exists."""
    return 10 - (first9 @ MST_WEIGHTS) % 11


def is_valid_mst(code: str) -> bool:
    digits = code.replace("-", "")
    if not digits.isdigit() or len(digits) not in (10, 13):
        return False
    d = np.array([int(c) for c in digits[:10]])
    return int(mst_check_digit(d[None, :9])[0]) == d[9]


def _msts(
    rng: np.random.Generator, prefixes: np.ndarray, valid: np.ndarray, given: set[int] | None = None
) -> list[str]:
    """10-digit MSTs: issuing-province prefix, 7 random digits, check digit (wrong where not ``valid``); none of
    them on a stem in ``given`` (the city's earlier chunks), which receives this call's stems."""
    n = len(prefixes)
    d = np.zeros((n, 9), dtype=np.int64)
    d[:, 0] = [int(p[0]) for p in prefixes]
    d[:, 1] = [int(p[1]) for p in prefixes]
    d[:, 2:] = rng.integers(0, 10, size=(n, 7))
    check = mst_check_digit(d)
    while (bad := check == 10).any():  # no valid code for this stem: draw new digits
        d[bad, 2:] = rng.integers(0, 10, size=(int(bad.sum()), 7))
        check = mst_check_digit(d)
    check = _unique_stems(d, check, set() if given is None else given)
    wrong = (check + rng.integers(1, 10, size=n)) % 10
    check = np.where(valid, check, wrong)
    return ["".join(map(str, row)) + str(c) for row, c in zip(d.tolist(), check.tolist(), strict=True)]


def _unique_stems(d: np.ndarray, check: np.ndarray, given: set[int]) -> np.ndarray:
    """One MST per taxpayer: a stem drawn twice or already ``given`` (7 random digits a province: at 14M people some
    32,000 businesses shared one) is drawn again, from a generator of its own so that the city's other values stay
    as they were. ``given`` receives the stems; returns their check digits (``d`` is changed in place)."""
    again = np.random.default_rng(len(d) + len(given))
    place = 10 ** np.arange(d.shape[1] - 1, -1, -1, dtype=np.int64)
    taken = np.fromiter(given, dtype=np.int64, count=len(given))
    while True:
        stems = d @ place
        repeated = np.ones(len(d), dtype=bool)
        repeated[np.unique(stems, return_index=True)[1]] = False  # every stem's first holder keeps it
        bad = repeated | np.isin(stems, taken) | (check == 10)
        if not bad.any():
            given.update(stems.tolist())
            return check
        d[bad, 2:] = again.integers(0, 10, size=(int(bad.sum()), d.shape[1] - 2))
        check = mst_check_digit(d)


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Random valid dates in the given years, as numpy datetime64[D]."""
    start = np.array([np.datetime64(f"{y}-01-01") for y in range(1900, 2031)])
    y = np.clip(years, 1900, 2030) - 1900
    days = np.where(np.isin(years % 4, [0]) & (years != 1900), 366, 365)
    return start[y] + rng.integers(0, days)


def _format_dates(values: pl.Series, fmt: str) -> pl.Series:
    """Dates as a source writes them: a DATE_FORMATS key, or a strftime pattern."""
    if fmt == "excel_serial":  # days since 1899-12-30, as Excel stores dates
        return (values.cast(pl.Date).cast(pl.Int32) - (EXCEL_EPOCH - date(1970, 1, 1)).days).cast(pl.String)
    return values.cast(pl.Date).dt.strftime(DATE_FORMATS.get(fmt, fmt))


# --------------------------------------------------------------------------- people


def _households(rng: np.random.Generator, n: int, units: _Units, streets: list[str], first_id: int) -> pl.DataFrame:
    """Households: an old unit, the part of it they lie in, and a street of that part (in a split unit
    sometimes also a quarter/hamlet of the part). ``streets`` is unused: each unit has its own streets."""
    unit_idx = rng.choice(len(units.units), size=n, p=units.weights)
    part = (rng.random(n)[:, None] > units.part_cum[unit_idx]).sum(axis=1)
    n_parts = np.array([len(units.parts[i]) for i in unit_idx])
    part = np.minimum(part, n_parts - 1)
    new_uid = [units.parts[u][p] for u, p in zip(unit_idx.tolist(), part.tolist(), strict=True)]
    py_rng = random.Random(int(rng.integers(0, 2**31)))
    street: list[str] = []
    locality: list[str | None] = []
    evidence: list[str | None] = []
    plan = units.plan
    for u, p in zip(unit_idx.tolist(), part.tolist(), strict=True):
        s = py_rng.choice(plan.part_streets[(u, p)])
        localities = plan.part_localities.get((u, p))
        loc = py_rng.choice(localities) if localities and py_rng.random() < 0.5 else None
        gazetteer_streets = {name for kind, name in units.evidence.get((u, p), ()) if kind == "street"}
        street.append(s)
        locality.append(loc)
        evidence.append(loc or (s if s in gazetteer_streets else None))
    street_name = street
    house = [_house(py_rng) for _ in range(n)]
    sizes = rng.choice(np.arange(1, 9), size=n, p=[0.12, 0.20, 0.23, 0.21, 0.12, 0.07, 0.03, 0.02])
    return pl.DataFrame(
        {
            "household_id": [f"H{first_id + i:09d}" for i in range(n)],
            "unit_idx": unit_idx,
            "old_uid": [units.units[u].uid for u in unit_idx.tolist()],
            "new_uid": new_uid,
            "street": [f"{h} {s}" for h, s in zip(house, street, strict=True)],
            "street_name": street_name,
            "locality": locality,
            "evidence": evidence,
            "size": sizes,
            "household_no": _digits(rng, n, 9),
            "registered_on": _dates(rng, rng.integers(1995, 2025, size=n)),
        },
        schema_overrides={"locality": pl.String, "evidence": pl.String},
    )


def _people(
    rng: np.random.Generator, households: pl.DataFrame, first_id: int, birth_provinces: list[str]
) -> pl.DataFrame:
    sizes = households["size"].to_numpy()
    h = len(sizes)
    hh = np.repeat(np.arange(h), sizes)
    n = len(hh)
    role, has_spouse, head_male, sex_m = _household_roles(rng, sizes, hh)
    fam, fam_idx = _family_names(rng, hh, role, has_spouse, head_male)
    year = _birth_years(rng, h, hh, role)
    dob = _dates(rng, year)
    age = 2025 - year
    sex = pl.Series(np.where(sex_m, "M", "F"))
    names = _name_parts(rng, sex)
    cccd, cmnd, has_cccd, has_cmnd, adult = _id_numbers(rng, year, age, sex_m, birth_provinces)
    phone = pl.Series(
        np.array(["090", "091", "093", "097", "098", "032", "035", "070", "077", "083", "086"])[
            rng.integers(0, 11, size=n)
        ]
    ) + _digits(rng, n, 7)
    relation = np.select(
        [role == 0, role == 1, role == 2],
        [
            "Chủ hộ",
            np.where(sex_m, "Chồng", "Vợ"),
            np.where(
                rng.random(n) < 0.9, "Con", np.array(N.RELATION_OTHER)[rng.integers(0, len(N.RELATION_OTHER), size=n)]
            ),
        ],
        np.where(sex_m, "Bố", "Mẹ"),
    )
    return pl.DataFrame(
        {
            "person_id": [f"P{first_id + i:09d}" for i in range(n)],
            "household_id": households["household_id"].gather(hh),
            "hh_row": hh,
            "family": pl.Series(fam).gather(fam_idx),
            "middle": names["middle"],
            "second_middle": names["second"],
            "given": names["given"],
            "sex": sex,
            "date_of_birth": dob,
            "personal_id": cccd.zip_with(pl.Series(has_cccd), pl.Series([None] * n, dtype=pl.String)),
            "old_id_number": cmnd.zip_with(pl.Series(has_cmnd), pl.Series([None] * n, dtype=pl.String)),
            "phone": phone.zip_with(pl.Series(adult & (rng.random(n) < 0.8)), pl.Series([None] * n, dtype=pl.String)),
            "relation_to_head": relation,
            "is_head": role == 0,
            "adult": adult,
        }
    ).with_columns(
        full_name=pl.concat_str(
            "family", "middle", "second_middle", "given", separator=" ", ignore_nulls=True
        ).str.replace_all(r"\s+", " ")
    )


# The parts of _people draw from ``rng`` in the order _people calls them: the same seed gives the same bytes.


def _household_roles(rng: np.random.Generator, sizes: np.ndarray, hh: np.ndarray) -> tuple:
    """(each person's role: 0 head, 1 spouse, 2 child, 3 parent of the head; whether the household has a spouse;
    whether its head is a man; whether each person is a man)."""
    h, n = len(sizes), len(hh)
    pos = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    has_spouse = (sizes >= 2) & (rng.random(h) < 0.85)
    parent_slot = (sizes >= 4) & (rng.random(h) < 0.2)
    role = np.where(pos == 0, 0, np.where((pos == 1) & has_spouse[hh], 1, 2))  # head, spouse, child
    role = np.where((pos == sizes[hh] - 1) & parent_slot[hh] & (pos >= 2), 3, role)  # parent of the head
    head_male = rng.random(h) < 0.68
    sex_m = np.where(role == 0, head_male[hh], np.where(role == 1, ~head_male[hh], rng.random(n) < 0.5))
    return role, has_spouse, head_male, sex_m


def _family_names(
    rng: np.random.Generator, hh: np.ndarray, role: np.ndarray, has_spouse: np.ndarray, head_male: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(the family names, each person's: the head's, the spouse's own, the children the father's)."""
    h, n = len(has_spouse), len(hh)
    fam = np.array(list(N.FAMILY_NAMES))
    fam_p = np.array(list(N.FAMILY_NAMES.values()))
    fam_p = fam_p / fam_p.sum()
    fam_head = rng.choice(len(fam), size=h, p=fam_p)
    fam_spouse = rng.choice(len(fam), size=h, p=fam_p)
    father_fam = np.where(head_male | ~has_spouse, fam_head, fam_spouse)
    fam_idx = np.select(
        [role == 0, role == 1, role == 2],
        [fam_head[hh], fam_spouse[hh], father_fam[hh]],
        rng.choice(len(fam), size=n, p=fam_p),
    )
    return fam, fam_idx


def _birth_years(rng: np.random.Generator, h: int, hh: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Each person's birth year, by role around the head's (22-81 years old in 2025), within 1925-2024."""
    n = len(hh)
    head_age = rng.integers(22, 82, size=h)
    head_year = 2025 - head_age
    # a child is born 20-41 years after the head, and not after 2024: drawn within that span (clipping a
    # late draw to 2024 piled 8 % of all people into one birth year, same-name children became look-alikes)
    child_span = np.clip(np.minimum(41, 2024 - head_year[hh]) - 20, 0, None)
    child_year = head_year[hh] + 20 + np.floor(rng.random(n) * (child_span + 1)).astype(np.int64)
    year = np.select(
        [role == 0, role == 1, role == 2],
        [head_year[hh], head_year[hh] + rng.integers(-6, 7, size=n), child_year],
        head_year[hh] - rng.integers(20, 36, size=n),
    )
    return np.clip(year, 1925, 2024)


def _name_parts(rng: np.random.Generator, sex: pl.Series) -> pl.DataFrame:
    """middle, second (a second middle name, 8 %), given: drawn by sex."""
    n = len(sex)
    middle_m = _pick(rng, list(N.MIDDLE_MALE), list(N.MIDDLE_MALE.values()), n)
    middle_f = _pick(rng, list(N.MIDDLE_FEMALE), list(N.MIDDLE_FEMALE.values()), n)
    second = _pick(rng, N.SECOND_MIDDLE, None, n)
    two_middles = rng.random(n) < 0.08
    given_m = _pick(rng, N.GIVEN_MALE, None, n)
    given_f = _pick(rng, N.GIVEN_FEMALE, None, n)
    frame = pl.DataFrame(
        {
            "sex": sex,
            "middle_m": middle_m,
            "middle_f": middle_f,
            "second": second,
            "two": two_middles,
            "given_m": given_m,
            "given_f": given_f,
        }
    )
    return frame.select(
        middle=pl.when(pl.col("sex") == "M").then("middle_m").otherwise("middle_f"),
        second=pl.when(pl.col("two")).then("second"),
        given=pl.when(pl.col("sex") == "M").then("given_m").otherwise("given_f"),
    )


def _id_numbers(
    rng: np.random.Generator, year: np.ndarray, age: np.ndarray, sex_m: np.ndarray, birth_provinces: list[str]
) -> tuple:
    """(each person's CCCD: province of birth, century and sex, year, 6 digits; a CMND; who holds a CCCD; who
    still holds a CMND (30 and over); who is an adult (14 and over))."""
    n = len(year)
    prov_choice = rng.random(n)
    birth_prov = np.where(
        prov_choice < 0.6, "079", np.where(prov_choice < 0.7, "074", np.where(prov_choice < 0.78, "077", ""))
    )
    other = np.array(birth_provinces)[rng.integers(0, len(birth_provinces), size=n)]
    birth_prov = np.where(birth_prov == "", other, birth_prov)
    century = np.where(year >= 2000, 2, 0) + np.where(sex_m, 0, 1)
    cccd = (
        pl.Series(birth_prov)
        + pl.Series(century).cast(pl.String)
        + pl.Series(year % 100).cast(pl.String).str.zfill(2)
        + _digits(rng, n, 6)
    )
    cmnd = pl.Series(np.where(rng.random(n) < 0.7, "02", np.where(rng.random(n) < 0.5, "28", "27"))) + _digits(
        rng, n, 7
    )
    k = rng.random(n)
    adult = age >= 14
    has_cccd = np.where(adult, k < 0.86, k < 0.3)
    has_cmnd = adult & (age >= 30) & ((~has_cccd) | (rng.random(n) < 0.35))
    return cccd, cmnd, has_cccd, has_cmnd, adult


# --------------------------------------------------------------------------- noise


def _typo(text: str, rnd: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = rnd.choice(letters[1:])
    op = rnd.randrange(3)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + rnd.choice("aeinothu") + text[i + 1 :]


def _noisy_copies(
    dups: pl.DataFrame, rnd: random.Random
) -> tuple[list[str], list[str | None], list[str | None], list[str | None], list[bool], list[str]]:
    """Clerk errors on duplicate registrations (per row: these are a minority of rows)."""
    names, pids, cmnds, phones, swap, notes = [], [], [], [], [], []
    for full_name, family, given, pid, cmnd, phone in dups.select(
        "full_name", "family", "given", "personal_id", "old_id_number", "phone"
    ).iter_rows():
        note = []
        name = full_name
        r = rnd.random()
        if r < 0.12:
            name, note = f"{family} {given}", ["dropped middle name"]
        elif r < 0.32:
            name, note = _typo(name, rnd), ["name typo"]
        if rnd.random() < 0.2:
            name = strip_accents(name)
            note.append("no diacritics")
        if rnd.random() < 0.06:
            name = name.upper()
            note.append("upper case")
        r = rnd.random()
        if pid is not None and r < 0.15:
            pid = None
            note.append("personal id missing")
        elif pid is not None and r < 0.21:
            i = rnd.randrange(4, 12)
            pid = pid[:i] + str((int(pid[i]) + rnd.randint(1, 9)) % 10) + pid[i + 1 :]
            note.append("personal id one digit wrong")
        elif pid is not None and cmnd is not None and r < 0.36:
            pid = None
            note.append("cmnd instead of cccd")
        if cmnd is not None and pid is not None and rnd.random() < 0.5:
            cmnd = None
        s = rnd.random() < 0.08
        if s:
            note.append("day/month swapped")
        if rnd.random() < 0.3:
            phone = None
        names.append(name)
        pids.append(pid)
        cmnds.append(cmnd)
        phones.append(phone)
        swap.append(s)
        notes.append("; ".join(note))
    return names, pids, cmnds, phones, swap, notes


# --------------------------------------------------------------------------- addresses per record


def _render_addresses(
    rng: np.random.Generator,
    units: _Units,
    unit_idx: np.ndarray,
    street: pl.Series,
    locality: pl.Series,
    structured: np.ndarray,
    new_form: np.ndarray | None = None,
    new_uid: Sequence[str | None] | None = None,
) -> pl.DataFrame:
    """Address text (or structured parts) for each record, and a label of the mess used.

    Records flagged in ``new_form`` are written in the 2025 form: street (and quarter/hamlet), the
    2025 ward ``new_uid`` and its province, no district (label ward style ``new2025``)."""
    n = len(unit_idx)
    ws, ds = _unit_styles(rng, units, unit_idx)
    ps = rng.choice(len(PROVINCE_STYLES), size=n, p=PROVINCE_STYLE_P)
    tr = rng.choice(len(TRANSFORMS), size=n, p=TRANSFORM_P)
    no_commas = (rng.random(n) < 0.04) & (ws != 4) & ~structured
    wv = [units.ward_variants[u][s] for u, s in zip(unit_idx.tolist(), ws.tolist(), strict=True)]
    dv = [units.district_variants[u][s] for u, s in zip(unit_idx.tolist(), ds.tolist(), strict=True)]
    pv = [units.province_variants[u][s] for u, s in zip(unit_idx.tolist(), ps.tolist(), strict=True)]
    ward_label = np.array(WARD_STYLES)[ws]
    if new_form is not None and new_form.any():
        _write_in_2025_form(rng, units, np.nonzero(new_form)[0], new_uid, wv, dv, pv)
        ward_label = np.where(new_form, "new2025", ward_label)
    frame = pl.DataFrame(
        {
            "street": street,
            "locality": locality,
            "ward": wv,
            "district": dv,
            "province": pv,
            "tr": tr,
            "nc": no_commas,
            "label": pl.Series(ward_label)
            + "|"
            + pl.Series(
                np.where(new_form, "none", np.array(DISTRICT_STYLES)[ds])
                if new_form is not None
                else np.array(DISTRICT_STYLES)[ds]
            )
            + "|"
            + pl.Series(np.array(PROVINCE_STYLES)[ps])
            + "|"
            + pl.Series(np.array(TRANSFORMS)[tr]),
        },
        schema_overrides={"province": pl.String, "locality": pl.String, "district": pl.String},
    )
    frame = (
        frame.with_columns(
            street_address=pl.concat_str("street", "locality", separator=", ", ignore_nulls=True),
        )
        .with_columns(
            address=pl.concat_str("street_address", "ward", "district", "province", separator=", ", ignore_nulls=True),
        )
        .with_columns(address=pl.when("nc").then(pl.col("address").str.replace_all(",", "")).otherwise("address"))
    )
    cols = ("address", "street_address", "ward", "district", "province")
    return frame.with_columns(_text_transformed(pl.col(c)).alias(c) for c in cols).select(*cols, "label")


def _unit_styles(rng: np.random.Generator, units: _Units, unit_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ward style, district style) of each record, drawn; a style the unit cannot take (bare number of a named
    ward, typo of a short name) is the full name."""
    n = len(unit_idx)
    ws = rng.choice(len(WARD_STYLES), size=n, p=WARD_STYLE_P)
    ds = rng.choice(len(DISTRICT_STYLES), size=n, p=DISTRICT_STYLE_P)
    ws = np.array(
        [
            s if units.ward_variants[u][s] != units.ward_variants[u][0] else 0
            for u, s in zip(unit_idx.tolist(), ws.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    ds = np.array(
        [
            s if units.district_variants[u][s] != units.district_variants[u][0] else 0
            for u, s in zip(unit_idx.tolist(), ds.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    return ws, ds


def _write_in_2025_form(
    rng: np.random.Generator,
    units: _Units,
    rows: np.ndarray,
    new_uid: Sequence[str | None],
    wv: list,
    dv: list,
    pv: list,
) -> None:
    """The ``rows``' ward, district and province parts (``wv``, ``dv``, ``pv``, in place) in the 2025 form: a
    spelling of their 2025 ward, no district, their province (the full name most often)."""
    w_pick = rng.integers(0, 4, size=len(rows))
    p_pick = rng.integers(0, 8, size=len(rows))
    for r, wi, pi in zip(rows.tolist(), w_pick.tolist(), p_pick.tolist(), strict=True):
        wards, provinces = units.new_variants[new_uid[r]]
        wv[r], dv[r] = wards[wi], None
        pv[r] = provinces[0] if pi >= len(provinces) else provinces[pi]  # the full name most often


def _text_transformed(c: pl.Expr) -> pl.Expr:
    """The text as the record's transform ('tr') writes it: 1 no diacritics, 2 upper case, 3 decomposed (NFD)."""
    t = pl.col("tr")
    stripped = c.str.normalize("NFD").str.replace_all(r"\p{Mn}", "").str.replace_all("đ", "d").str.replace_all("Đ", "D")
    return (
        pl.when(t == 1)
        .then(stripped)
        .when(t == 2)
        .then(c.str.to_uppercase())
        .when(t == 3)
        .then(c.str.normalize("NFD"))
        .otherwise(c)
    )


# --------------------------------------------------------------------------- the generator


@dataclass
class _Truth:
    writers: dict[str, pq.ParquetWriter] = field(default_factory=dict)

    def write(self, out: Path, name: str, frame: pl.DataFrame) -> None:
        table = frame.to_arrow()
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
        self.writers[name].write_table(table)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


@dataclass
class SynthStats:
    people: int = 0
    households: int = 0
    records: Counter = field(default_factory=Counter)
    duplicate_records: int = 0
    duplicated_people: int = 0
    rows_per_format: Counter = field(default_factory=Counter)
    address_mess: Counter = field(default_factory=Counter)
    noise: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    shared_name_dob_share: float | None = None


class RegistryGenerator:
    def __init__(self, config: SynthConfig, out_dir: Path, reference: Reference | None = None):
        self.config = config
        self.out = Path(out_dir)
        self.reference = reference or default_reference()
        self.gazetteer = synthetic_gazetteer(config.seed, self.reference)
        self.units = _build_units(self.reference, self.gazetteer, config.unit_uids)
        self.streets = list(_catalogue(self.reference).streets)
        self.sources = plan_sources(self.units, self.out, config.seed)
        self.birth_provinces = sorted({f"{int(c):03d}" for c in self.reference.units_pre2025["province_code"].unique()})
        self.stats = SynthStats()
        self._msts_given: set[int] = set()  # MST stems of earlier chunks: one MST per taxpayer in the city
        self._writers: dict[str, TableWriter] = {}
        self._seq: Counter = Counter()
        self._truth = _Truth()

    # -- output plumbing
    def _writer(self, src: Source) -> TableWriter:
        w = self._writers.get(src.id)
        if w is None:
            path = self.out / src.path
            path.parent.mkdir(parents=True, exist_ok=True)
            title = src.title_rows = [
                t.replace("{extract}", self.config.extract_date.strftime("%d/%m/%Y")) for t in src.title_rows
            ]
            w = self._writers[src.id] = TableWriter(
                path,
                src.fmt,
                src.registry,
                list(src.columns.values()),
                encoding=src.encoding or "utf-8",
                title_rows=title,
                sheet_rows=20_000 if src.fmt == "xlsx" else None,
                schema=src.id if src.fmt == "postgres_dump" else None,
            )
        return w

    def _emit(self, registry: str, frame: pl.DataFrame, truth: pl.DataFrame) -> None:
        """Write canonical ``frame`` rows (with ``source_id``) to their sources, and their truth."""
        record_nos = []
        for (sid,), part in frame.group_by("source_id", maintain_order=True):
            src = self.sources[sid]
            start = self._seq[sid]
            self._seq[sid] += part.height
            nos = pl.Series([f"{start + i + 1}" for i in range(part.height)])
            part = part.with_columns(record_no=nos)
            record_nos.append(part.select("_row", "record_no", "source_id"))
            for c in ("date_of_birth", "registered_on"):
                if c in part.columns:
                    fmt = src.date_format if not (src.fmt != "xlsx" and src.date_format == "excel_serial") else "dmy"
                    formatted = _format_dates(part[c], fmt)
                    if "_swap" in part.columns and c == "date_of_birth":
                        formatted = pl.Series(formatted).zip_with(~part["_swap"], _format_dates(part[c], "%m/%d/%Y"))
                    if person_mess.YEAR_ONLY in part.columns and c == "date_of_birth":
                        formatted = person_mess.year_only_text(part[c], formatted, part[person_mess.YEAR_ONLY])
                    part = part.with_columns(formatted.alias(c))
            out = part.select([pl.col(c).cast(pl.String).alias(col) for c, col in src.columns.items()])
            self._writer(src).write(out)
            src.rows += part.height
            self.stats.rows_per_format[f"{src.fmt}/{src.encoding}" if src.encoding else src.fmt] += part.height
        ids = pl.concat(record_nos)
        truth = truth.join(ids, on="_row").drop("_row")
        self._truth.write(self.out / "truth", registry, truth)
        self.stats.records[registry] += frame.height

    # -- one chunk of households
    def _chunk(self, rng: np.random.Generator, n_households: int) -> None:
        hh = _households(rng, n_households, self.units, self.streets, self.stats.households)
        people = _people(rng, hh, self.stats.people, self.birth_provinces)
        self.stats.households += hh.height
        self.stats.people += people.height
        rnd = random.Random(int(rng.integers(0, 2**31)))
        district_of = [u.district_code for u in self.units.units]
        self._population(rng, rnd, hh, people, district_of)
        self._household_records(rng, hh, people, district_of)
        self._businesses(rng, rnd, hh, people, district_of)
        self._truth.write(
            self.out / "truth",
            "people",
            people.select(
                "person_id",
                "household_id",
                "full_name",
                "family",
                "middle",
                "second_middle",
                "given",
                "sex",
                "date_of_birth",
                "personal_id",
                "old_id_number",
                "phone",
                "relation_to_head",
            ),
        )
        self._truth.write(
            self.out / "truth",
            "households_true",
            hh.select("household_id", "old_uid", "new_uid", "street", "locality", "evidence", "size"),
        )

    def _noise_rnd(self, registry: str) -> random.Random:
        """Own stream of a chunk's clerk errors on a registry (registry_noise): the other streams are untouched."""
        return random.Random(f"registry noise:{self.config.seed}:{self.stats.people}:{registry}")

    def _source_for(self, registry: str, unit_idx: np.ndarray, district_of: list[str]) -> list[str]:
        return [f"{registry}_{district_of[u]}" for u in unit_idx.tolist()]

    def _population(self, rng, rnd, hh: pl.DataFrame, people: pl.DataFrame, district_of) -> None:
        n = people.height
        home = hh["unit_idx"].to_numpy()[people["hh_row"].to_numpy()]
        unit, rows, moved = self._registration_units(rng, rnd, home, district_of)
        m = len(rows) - n
        is_dup = np.concatenate([np.zeros(n, bool), np.ones(m, bool)])
        base = people[rows]
        moved_all = np.concatenate([np.zeros(n, bool), moved])
        street, locality, new_uid, household_no = self._registration_addresses(rnd, hh, base, unit, moved_all, is_dup)
        # registrations and updates after the reform are written in the 2025 form
        post = rng.random(len(rows)) < POST_REFORM_SHARE["population"]
        registered = _dates(rng, rng.integers(2000, 2025, size=len(rows)))
        registered = np.where(post, _post_reform_dates(rng, len(rows), self.config.extract_date), registered)
        names, pids, cmnds, phones, swap, notes = self._clerk_copies(rnd, base, n)
        sids = self._source_for("population", unit, district_of)
        structured = np.array([self.sources[s].structured_address for s in sids])
        addr = _render_addresses(
            rng,
            self.units,
            unit,
            pl.Series(street, dtype=pl.String),
            pl.Series(locality, dtype=pl.String),
            structured,
            post,
            new_uid,
        )
        self.stats.address_mess.update(addr["label"].to_list())
        frame = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "source_id": sids,
                "full_name": names,
                "date_of_birth": base["date_of_birth"],
                "sex": base["sex"].replace_strict({"M": "Nam", "F": "Nữ"}),
                "personal_id": pids,
                "old_id_number": cmnds,
                "household_no": household_no,
                "relation_to_head": base["relation_to_head"],
                "phone": phones,
                "registered_on": registered,
                "_swap": swap,
            },
            schema_overrides={"personal_id": pl.String, "old_id_number": pl.String, "phone": pl.String},
        ).hstack(addr.drop("label"))
        truth = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "person_id": base["person_id"],
                "household_id": base["household_id"],
                "true_old_uid": [self.units.units[u].uid for u in unit.tolist()],
                "true_new_uid": new_uid,
                "is_duplicate": is_dup,
                "noise": notes,
                "address_mess": addr["label"],
                "address_form": np.where(post, "2025", "pre2025"),
            }
        )
        self.stats.duplicate_records += m
        frame, truth = person_mess.mess_copies(frame, truth, [self.config.seed, self.stats.people], self.stats.noise)
        self._emit("population", frame, truth)

    def _registration_units(self, rng, rnd, home: np.ndarray, district_of) -> tuple:
        """(each registration's unit, the person row it registers: every person once, then the extra copies; whether
        each copy moved). Extra registrations: moved to another unit, or registered in a neighbouring unit too."""
        n = len(home)
        dup = rng.random(n) < self.config.duplicate_rate
        extra = np.where(dup, rng.choice([1, 2, 3], size=n, p=[0.72, 0.2, 0.08]), 0)
        self.stats.duplicated_people += int(dup.sum())
        base_rows = np.arange(n)
        copy_rows = np.repeat(base_rows, extra)
        m = len(copy_rows)
        moved = rng.random(m) < 0.6
        other_unit = rng.choice(len(self.units.units), size=m, p=self.units.weights)
        same_district = (
            np.array(
                [rnd.choice(self.units.by_district[district_of[u]]) for u in home[copy_rows].tolist()], dtype=np.int64
            )
            if m
            else np.zeros(0, dtype=np.int64)
        )
        if self.config.local_moves > 0 and m:  # its own stream: the draws above are those of the default
            local_rnd = random.Random(f"local moves:{self.config.seed}:{self.stats.people}")
            for i in np.nonzero(moved)[0].tolist():
                if local_rnd.random() < self.config.local_moves:  # a new unit of the old district
                    other_unit[i] = local_rnd.choice(self.units.by_district[district_of[int(home[copy_rows[i]])]])
        unit = np.concatenate([home, np.where(moved, other_unit, same_district)])
        return unit, np.concatenate([base_rows, copy_rows]), moved

    def _registration_addresses(
        self, rnd, hh: pl.DataFrame, base: pl.DataFrame, unit: np.ndarray, moved_all: np.ndarray, is_dup: np.ndarray
    ) -> tuple[list, list, list, list]:
        """(street, locality, 2025 ward, household book number) of each registration: the household's, a new home
        in the new unit for a move, the same street's part in the neighbouring unit for a registration there too."""
        street = hh["street"].gather(base["hh_row"]).to_list()
        street_name = hh["street_name"].gather(base["hh_row"]).to_list()
        locality = hh["locality"].gather(base["hh_row"]).to_list()
        new_uid = hh["new_uid"].gather(base["hh_row"]).to_list()
        household_no = hh["household_no"].gather(base["hh_row"]).to_list()
        plan = self.units.plan
        for i in np.nonzero(moved_all)[0].tolist():  # a new home: a street of the new unit, another household book
            u = int(unit[i])
            parts = self.units.parts[u]
            p = rnd.randrange(len(parts))
            street[i] = f"{_house(rnd)} {rnd.choice(plan.part_streets[(u, p)])}"
            locality[i] = None
            new_uid[i] = parts[p]
            household_no[i] = f"{rnd.randrange(10**9):09d}"
        # near a boundary: the same street in the neighbouring unit — the part of it where that unit has the street
        for i in np.nonzero(is_dup & ~moved_all)[0].tolist():
            u = int(unit[i])
            parts = self.units.parts[u]
            new_uid[i] = parts[plan.part_of(u, street_name[i], len(parts), rnd)]
            locality[i] = None
        return street, locality, new_uid, household_no

    def _clerk_copies(self, rnd, base: pl.DataFrame, n: int) -> tuple[list, list, list, list, list, list]:
        """(names, personal IDs, CMNDs, phones, day/month swaps, noise notes) of each registration: the person's own
        for the first n, the copies' with a clerk's noise (counted in the stats)."""
        names = base["full_name"].to_list()
        pids, cmnds, phones = base["personal_id"].to_list(), base["old_id_number"].to_list(), base["phone"].to_list()
        swap = [False] * base.height
        notes = [""] * base.height
        if base.height > n:
            dn, dp, dc, dph, ds, dnotes = _noisy_copies(base[n:], rnd)
            names[n:], pids[n:], cmnds[n:], phones[n:], swap[n:], notes[n:] = dn, dp, dc, dph, ds, dnotes
            for note in dnotes:
                for part in filter(None, note.split("; ")):
                    self.stats.noise[part] += 1
        return names, pids, cmnds, phones, swap, notes

    def _household_records(self, rng, hh: pl.DataFrame, people: pl.DataFrame, district_of) -> None:
        heads = people.filter("is_head").select("household_id", "full_name", "personal_id")
        hh = hh.join(heads, on="household_id", how="left", maintain_order="left")
        n = hh.height
        twice = rng.random(n) < 0.02  # the same household registered in a neighbouring unit too
        rows = np.concatenate([np.arange(n), np.nonzero(twice)[0]])
        unit = hh["unit_idx"].to_numpy()[rows]
        rnd = random.Random(int(rng.integers(0, 2**31)))
        unit[n:] = [rnd.choice(self.units.by_district[district_of[u]]) for u in unit[n:].tolist()]
        base = hh[rows]
        new_uid = base["new_uid"].to_list()
        street_name = base["street_name"].to_list()
        locality = base["locality"].to_list()
        for i in range(n, len(rows)):  # the same street in the neighbouring unit: where that unit has it
            u = int(unit[i])
            parts = self.units.parts[u]
            new_uid[i] = parts[self.units.plan.part_of(u, street_name[i], len(parts), rnd)]
            locality[i] = None
        post = rng.random(len(rows)) < POST_REFORM_SHARE["households"]
        registered = np.where(
            post,
            _post_reform_dates(rng, len(rows), self.config.extract_date),
            base["registered_on"].to_numpy(),
        )
        sids = self._source_for("households", unit, district_of)
        structured = np.array([self.sources[s].structured_address for s in sids])
        addr = _render_addresses(
            rng,
            self.units,
            unit,
            base["street"],
            pl.Series(locality, dtype=pl.String),
            structured,
            post,
            new_uid,
        )
        self.stats.address_mess.update(addr["label"].to_list())
        frame = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "source_id": sids,
                "household_no": base["household_no"],
                "head_name": base["full_name"],
                "head_personal_id": base["personal_id"],
                "members": base["size"],
                "registered_on": registered,
            }
        ).hstack(addr.drop("label"))
        frame, noise = put_noise(
            "households",
            frame,
            np.arange(len(rows)) >= n,
            self._noise_rnd("households"),
            self.stats.noise,
            self.config.extract_date,
        )
        truth = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "household_id": base["household_id"],
                "true_old_uid": [self.units.units[u].uid for u in unit.tolist()],
                "true_new_uid": new_uid,
                "is_duplicate": np.arange(len(rows)) >= n,
                "noise": noise,
                "address_mess": addr["label"],
                "address_form": np.where(post, "2025", "pre2025"),
            }
        )
        self.stats.duplicate_records += len(rows) - n
        self._emit("households", frame, truth)

    def _businesses(self, rng, rnd, hh: pl.DataFrame, people: pl.DataFrame, district_of) -> None:
        biz = self._with_branches(rng, self._business_rows(rng, rnd, hh, people))
        m = biz.height
        units_arr = biz["unit"].to_numpy()
        # Household businesses registered at the district and again at the ward.
        twice = (biz["kind"] == "Hộ kinh doanh").to_numpy() & (rng.random(m) < 0.05)
        rows = np.concatenate([np.arange(m), np.nonzero(twice)[0]])
        base = biz[rows]
        unit = units_arr[rows]
        sids = self._source_for("businesses", unit, district_of)
        sids[m:] = [f"businesses_ward_{district_of[u]}" for u in unit[m:].tolist()]
        new_uid, registered, post, addr = self._business_places(rng, rnd, biz, rows)
        names = base["name"].to_list()
        for i in range(m, len(rows)):
            names[i] = strip_accents(names[i]) if rnd.random() < 0.5 else names[i].replace("Hộ kinh doanh", "HKD")
        frame = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "source_id": sids,
                "registration_no": base["registration_no"],
                "business_name": names,
                "business_kind": base["kind"],
                "tax_code": base["tax_code"],
                "owner_name": base["owner_name"],
                "owner_personal_id": base["owner_personal_id"],
                "vsic": base["vsic"],
                "registered_on": registered[rows],
                "status": base["status"],
                "address": addr["address"],
            }
        )
        frame, noise = put_noise(
            "businesses", frame, np.arange(len(rows)) >= m, self._noise_rnd("businesses"), self.stats.noise
        )
        truth = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "business_id": base["business_id"],
                "parent_business_id": base["parent_business_id"],
                "owner_person_id": base["owner_person_id"],
                "true_old_uid": [self.units.units[u].uid for u in unit.tolist()],
                "true_new_uid": new_uid,
                "true_candidates": [self.units.parts[u] for u in unit.tolist()],
                "is_duplicate": np.arange(len(rows)) >= m,
                "noise": noise,
                "mst_intended_valid": base["mst_valid"],
                "address_mess": addr["label"],
                "address_form": np.where(post, "2025", "pre2025"),
            },
            schema_overrides={"true_new_uid": pl.String, "parent_business_id": pl.String},
        )
        self.stats.duplicate_records += len(rows) - m
        self._emit("businesses", frame, truth)
        self._tax(rng, rnd, biz, addr[:m], new_uid[:m], district_of)

    def _business_rows(self, rng, rnd, hh: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
        """One business per 14 people, owned by an adult: enterprises (28 %, an MST) or household businesses (a
        registration number of one of four eras), placed in the owner's unit or anywhere; their ids numbered on."""
        adults = people.filter("adult")
        n = max(1, round(people.height / 14))
        owner = adults[rng.integers(0, adults.height, size=n)]
        enterprise = rng.random(n) < 0.28
        owner_home = hh["unit_idx"].to_numpy()[owner["hh_row"].to_numpy()]
        unit = np.where(
            enterprise | (rng.random(n) < 0.4),
            rng.choice(len(self.units.units), size=n, p=self.units.weights),
            owner_home,
        )
        province = [self.units.units[u].province_code for u in unit.tolist()]
        mst_valid = rng.random(n) >= 0.01
        mst = _msts(rng, np.array([MST_PREFIX[p] for p in province]), mst_valid, self._msts_given)
        personal_mst = _msts(rng, np.array(["80"] * n), np.ones(n, bool), self._msts_given)
        reg_date = _dates(rng, rng.integers(2005, 2026, size=n))
        reg_date = np.minimum(reg_date, np.datetime64(self.config.extract_date))
        era = rng.choice(4, size=n, p=[0.35, 0.25, 0.15, 0.25])
        hb_no = _household_business_numbers(rnd, era, personal_mst, owner)
        vsic = rng.integers(0, len(N.VSIC), size=n)
        names = _business_names(rnd, enterprise, owner)
        status = _pick(rng, [s for s, _ in N.BUSINESS_STATUS], [p for _, p in N.BUSINESS_STATUS], n)
        first = self.stats.records["_business_ids"]
        self.stats.records["_business_ids"] += n
        return pl.DataFrame(
            {
                "business_id": [f"B{first + i:09d}" for i in range(n)],
                "parent_business_id": [None] * n,
                "unit": unit,
                "kind": np.where(enterprise, "Doanh nghiệp", "Hộ kinh doanh"),
                "registration_no": np.where(enterprise, mst, hb_no),
                "tax_code": np.where(enterprise, mst, personal_mst),
                "name": names,
                "owner_person_id": owner["person_id"],
                "owner_name": owner["full_name"],
                "owner_personal_id": owner["personal_id"],
                "vsic": [N.VSIC[v][0] for v in vsic.tolist()],
                "registered_on": reg_date,
                "status": status,
                "mst_valid": np.where(enterprise, mst_valid, True),
            },
            schema_overrides={"parent_business_id": pl.String},
        )

    def _with_branches(self, rng, biz: pl.DataFrame) -> pl.DataFrame:
        """The businesses and the branches of their enterprises: 13-digit codes MST-00N, each its own location."""
        ent = biz.filter(pl.col("kind") == "Doanh nghiệp")
        nb = rng.choice([0, 1, 2, 3], size=ent.height, p=[0.85, 0.09, 0.04, 0.02])
        if not nb.sum():
            return biz
        parent = ent[np.repeat(np.arange(ent.height), nb)]
        k = np.concatenate([np.arange(1, c + 1) for c in nb if c]) if nb.sum() else np.zeros(0, int)
        code = parent["tax_code"] + "-" + pl.Series(k).cast(pl.String).str.zfill(3)
        first = self.stats.records["_business_ids"]
        self.stats.records["_business_ids"] += parent.height
        branches = parent.with_columns(
            business_id=pl.Series([f"B{first + i:09d}" for i in range(parent.height)]),
            parent_business_id=parent["business_id"],
            kind=pl.lit("Chi nhánh"),
            registration_no=code,
            tax_code=code,
            name=parent["name"].str.replace(r"^(Công ty|Doanh nghiệp)", "Chi nhánh $1")
            + " - Chi nhánh "
            + pl.Series(k).cast(pl.String),
            unit=pl.Series(rng.choice(len(self.units.units), size=parent.height, p=self.units.weights)),
        )
        return pl.concat([biz, branches.select(biz.columns)])

    def _business_places(self, rng, rnd, biz: pl.DataFrame, rows: np.ndarray) -> tuple:
        """(each record's 2025 ward, each business's registration date (a share updated after the reform), whether
        each record is written in the 2025 form, the records' addresses): each business on a street of its unit, in
        the part of the unit where that street lies."""
        m = biz.height
        units_arr = biz["unit"].to_numpy()
        unit = units_arr[rows]
        part = [rnd.randrange(len(self.units.parts[u])) for u in units_arr.tolist()]
        plan = self.units.plan
        street = pl.Series(
            [
                f"{_house(rnd)} {rnd.choice(plan.part_streets[(u, p)])}"
                for u, p in zip(units_arr.tolist(), part, strict=True)
            ]
        ).gather(rows)
        new_uid = [self.units.parts[u][part[r]] for u, r in zip(unit.tolist(), rows.tolist(), strict=True)]
        # registered or updated after the reform: written in the 2025 form
        updated = rng.random(m) < POST_REFORM_SHARE["businesses"]
        registered = np.where(
            updated, _post_reform_dates(rng, m, self.config.extract_date), biz["registered_on"].to_numpy()
        )
        post_m = registered >= np.datetime64(REFORM.isoformat())
        post = post_m[rows]
        addr = _render_addresses(
            rng,
            self.units,
            unit,
            street,
            pl.Series([None] * len(rows), dtype=pl.String),
            np.zeros(len(rows), bool),
            post,
            new_uid,
        )
        return new_uid, registered, post, addr

    def _tax(self, rng, rnd, biz: pl.DataFrame, addr: pl.DataFrame, new_uid: list, district_of) -> None:
        m = biz.height
        household = (biz["kind"] == "Hộ kinh doanh").to_numpy()
        periods_n = np.where(household, rng.choice([0, 1, 2], size=m, p=[0.5, 0.35, 0.15]), rng.integers(1, 4, size=m))
        rows = np.repeat(np.arange(m), periods_n)
        if not len(rows):
            return
        base = biz[rows]
        month = rng.integers(0, 20, size=len(rows))  # 2024-01 .. 2025-08
        year = 2024 + month // 12
        mon = month % 12 + 1
        period = [
            f"{y}-{mo:02d}" if rnd.random() < 0.7 else f"Q{(mo - 1) // 3 + 1}/{y}"
            for y, mo in zip(year.tolist(), mon.tolist(), strict=True)
        ]
        after_reform = (year > 2025) | ((year == 2025) & (mon >= 7))
        # From 1 July 2025 individuals file under their 12-digit personal ID.
        code = base["tax_code"].zip_with(
            ~pl.Series(after_reform & household[rows]) | base["owner_personal_id"].is_null(), base["owner_personal_id"]
        )
        unit = biz["unit"].to_numpy()[rows]
        sids = self._source_for("tax", unit, district_of)
        amount = (np.exp(rng.normal(15.5, 1.3, size=len(rows))) // 1000 * 1000).astype(np.int64)
        frame = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "source_id": sids,
                "taxpayer_code": code,
                "taxpayer_name": base["name"],
                "address": addr["address"].gather(rows),
                "tax_office": [f"Chi cục Thuế {self.units.units[u].district_name}" for u in unit.tolist()],
                "period": period,
                "tax_type": _pick(rng, N.TAX_TYPES, None, len(rows)),
                "amount_vnd": amount,
            }
        )
        noise_rnd = self._noise_rnd("tax")
        frame, noise = put_noise(
            "tax", frame, several_rows(rows, TAX_NOISE_RATE, noise_rnd), noise_rnd, self.stats.noise
        )
        truth = pl.DataFrame(
            {
                "_row": np.arange(len(rows)),
                "business_id": base["business_id"],
                "owner_person_id": base["owner_person_id"],
                "noise": noise,
                "true_old_uid": [self.units.units[u].uid for u in unit.tolist()],
                "true_new_uid": [new_uid[r] for r in rows.tolist()],
            },
            schema_overrides={"true_new_uid": pl.String},
        )
        self._emit("tax", frame, truth)

    # -- bad files (for the sample): each is a copy of a good source with one defect
    def _bad_files(self) -> list[Source]:
        bad = []
        good = [
            s
            for s in self.sources.values()
            if s.fmt == "csv" and s.encoding == "utf-8" and s.rows > 20 and "address" in s.columns
        ]
        if not good:
            return bad
        src = good[0]
        path = self.out / src.path
        frame = pl.read_csv(path, infer_schema=False)

        def add(
            suffix: str, defect: str, data: pl.DataFrame | None, delimiter: str = ",", fails: bool = False
        ) -> Source:
            s = Source(
                **{
                    **asdict(src),
                    "id": f"{src.id}_{suffix}",
                    "path": f"bad/{src.id}_{suffix}.csv",
                    "defect": defect,
                    "rows": 0,
                    "defect_fails_file": fails,
                }
            )
            (self.out / "bad").mkdir(parents=True, exist_ok=True)
            if data is not None:
                with TableWriter(self.out / s.path, "csv", s.registry, data.columns, delimiter=delimiter) as w:
                    w.write(data)
                s.rows = data.height
            bad.append(s)
            return s

        head = frame.head(200)
        s = add("truncated", "file cut off mid-row (transfer interrupted)", head)
        truncate_file(self.out / s.path, 0.6)
        add("semicolon", "delimiter is ';' but the catalogue says ','", head, delimiter=";", fails=True)
        name_col = (
            src.columns.get("full_name")
            or src.columns.get("head_name")
            or src.columns.get("business_name")
            or src.columns.get("taxpayer_name")
        )
        add("missing_column", f"required column '{name_col}' missing (schema drift)", head.drop(name_col), fails=True)
        date_col = src.columns.get("date_of_birth") or src.columns.get("registered_on")
        if date_col:
            impossible = pl.Series(
                ["31/02/1990", "00/13/2001", "32/01/1985", "29/02/2023", "15/15/1970"] * (head.height // 5 + 1)
            )[: head.height]
            add(
                "impossible_dates",
                f"impossible dates in '{date_col}' on every row",
                head.with_columns(impossible.alias(date_col)),
            )
        addr_col = src.columns.get("address")
        if addr_col:
            unknown = pl.Series(
                [
                    f"{i} Đường Số 9, Phường {90 + i % 9}, Quận 1, TP.HCM"
                    if i % 2
                    else f"{i} Lê Lợi, Xã Không Có, Huyện Ảo, Tỉnh X"
                    for i in range(head.height)
                ]
            )
            add(
                "unknown_units",
                f"addresses in units that never existed in '{addr_col}'",
                head.with_columns(unknown.alias(addr_col)),
            )
        return bad

    # -- the run
    def run(self) -> SynthStats:
        cfg = self.config
        t0 = time.perf_counter()
        (self.out / "truth").mkdir(parents=True, exist_ok=True)
        root = np.random.SeedSequence(cfg.seed)
        mean_size = 3.3
        target_h = max(1, round(cfg.people / mean_size))
        chunk_h = max(1, round(cfg.chunk_people / mean_size))
        bar = tqdm(total=cfg.people, unit="people", disable=not cfg.progress, file=sys.stderr, desc="wardbridge synth")
        for child in _chunks(root, target_h, chunk_h):
            rng = np.random.default_rng(child[0])
            before = self.stats.people
            self._chunk(rng, child[1])
            bar.update(self.stats.people - before)
        bar.close()
        for w in self._writers.values():
            stats = w.close()
            src = next(s for s in self.sources.values() if self._writers.get(s.id) is w)
            src.header_row = getattr(stats, "header_row", None)
            src.sheets = getattr(stats, "sheets", None)
        self._truth.close()
        bad = self._bad_files() if cfg.bad_files else []
        self.stats.seconds = time.perf_counter() - t0
        self.stats.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stats.shared_name_dob_share = _shared_name_dob_share(self.out / "truth" / "people.parquet")
        self._write_manifest(bad)
        return self.stats

    def _write_manifest(self, bad: list[Source]) -> None:
        used = [s for s in self.sources.values() if s.rows]
        manifest = {
            "generator": "wardbridge synth",
            "config": {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(self.config).items()},
            "extract_date": self.config.extract_date.isoformat(),
            "canonical_fields": CANONICAL,
            "sources": [asdict(s) for s in used],
            "bad_files": [asdict(s) for s in bad],
            "truth": {
                "people": "truth/people.parquet (one row per true person)",
                "households_true": "truth/households_true.parquet (one row per true household: old unit, new unit, street)",
                **{
                    r: f"truth/{r}.parquet (one row per record: source_id, record_no -> true entity, true old/new unit)"
                    for r in REGISTRIES
                },
            },
            "gazetteer": "gazetteer.csv (synthetic evidence for split units, resolve with it)",
        }
        self.gazetteer.write_csv(self.out / "gazetteer.csv")
        (self.out / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


def _post_reform_dates(rng: np.random.Generator, n: int, extract_date: date) -> np.ndarray:
    """Dates from the reform (2025-07-01) to the extract date (the reform day itself when the extract is older)."""
    days = max(0, (extract_date - REFORM).days)
    return np.datetime64(REFORM.isoformat()) + rng.integers(0, days + 1, size=n)


def _chunks(root: np.random.SeedSequence, total: int, size: int) -> Iterator[tuple[np.random.SeedSequence, int]]:
    n_chunks = (total + size - 1) // size
    for i, child in enumerate(root.spawn(n_chunks)):
        yield child, min(size, total - i * size)


def _shared_name_dob_share(path: Path) -> float:
    """Share of distinct people whose full name and birth date are shared by another person."""
    counts = pl.scan_parquet(path).group_by("full_name", "date_of_birth").agg(n=pl.len())
    out = counts.select(shared=pl.col("n").filter(pl.col("n") > 1).sum(), total=pl.col("n").sum()).collect()
    return float(out["shared"][0] or 0) / max(1, int(out["total"][0]))


def format_stats(stats: SynthStats) -> str:
    records = {k: v for k, v in stats.records.items() if not k.startswith("_")}
    total = sum(records.values())
    lines = [
        f"people {stats.people:,}  households {stats.households:,}  records {total:,}",
        "records per registry: " + ", ".join(f"{k} {v:,}" for k, v in records.items()),
        f"people registered more than once: {stats.duplicated_people / max(1, stats.people):.1%} "
        f"({stats.duplicate_records:,} duplicate records in all registries)",
        f"distinct people sharing full name + birth date with another person: {stats.shared_name_dob_share:.2%}",
        "rows per format: "
        + ", ".join(f"{k} {v:,} ({v / max(1, total):.1%})" for k, v in sorted(stats.rows_per_format.items())),
    ]
    mess = Counter()
    n_addr = sum(stats.address_mess.values())
    for label, c in stats.address_mess.items():
        ward, district, province, transform = label.split("|")
        mess[f"ward:{ward}"] += c
        mess[f"district:{district}"] += c
        mess[f"province:{province}"] += c
        mess[f"text:{transform}"] += c
    lines.append("address mess: " + ", ".join(f"{k} {v / max(1, n_addr):.1%}" for k, v in sorted(mess.items())))
    lines.append("clerk noise on duplicates: " + ", ".join(f"{k} {v:,}" for k, v in stats.noise.most_common()))
    lines.append(
        f"time {stats.seconds:.1f} s ({total / max(stats.seconds, 1e-9):,.0f} records/s), peak RSS {stats.peak_rss_mib:,.0f} MiB"
    )
    return "\n".join(lines)


def sample_units(
    reference: Reference | None = None, districts_per_province: int = 2, units_per_district: int = 4, seed: int = 7
) -> tuple[str, ...]:
    """Old units of the bundled sample: a few units (one of them split where the district has one)
    in each of two old districts of each old province (HCMC, Bình Dương, Bà Rịa-Vũng Tàu)."""
    reference = reference or default_reference()
    units = _catalogue(reference).units
    rnd = random.Random(seed)
    chosen: list[str] = []
    for province in HCMC_OLD_PROVINCES:
        in_province = [u for u in units if u.province_code == province and u.name]
        with_split = sorted({u.district_code for u in in_province if u.is_split})
        others = sorted({u.district_code for u in in_province} - set(with_split))
        picked = rnd.sample(with_split, min(districts_per_province, len(with_split)))
        picked += rnd.sample(others, districts_per_province - len(picked))
        for d in picked:
            in_d = [u for u in in_province if u.district_code == d]
            split = [u for u in in_d if u.is_split][:1]
            rest = rnd.sample(
                [u for u in in_d if not u.is_split], min(units_per_district - len(split), len(in_d) - len(split))
            )
            chosen += [u.uid for u in split + rest]
    return tuple(sorted(chosen))


def generate(
    config: SynthConfig, out_dir: Path | str, reference: Reference | None = None
) -> tuple[SynthStats, dict[str, Source]]:
    gen = RegistryGenerator(config, Path(out_dir), reference)
    stats = gen.run()
    return stats, gen.sources


def _household_business_numbers(rnd, era: np.ndarray, personal_mst, owner: pl.DataFrame) -> list[str]:
    """A household business's registration number as its era wrote it: the old '41X8nnnnnn' form, the owner's
    personal MST, that MST with a '-00N' suffix, or the owner's personal ID."""
    letters = "ABCDEFGHKLMNPRST"
    hb_no = []
    for i in range(len(era)):
        if era[i] == 0:
            hb_no.append(f"41{letters[rnd.randrange(len(letters))]}8{rnd.randrange(10**6):06d}")
        elif era[i] == 1:
            hb_no.append(personal_mst[i])
        elif era[i] == 2:
            hb_no.append(f"{personal_mst[i]}-00{rnd.randint(1, 5)}")
        else:
            hb_no.append(owner["personal_id"][i] or personal_mst[i])
    return hb_no


def _business_names(rnd, enterprise: np.ndarray, owner: pl.DataFrame) -> list[str]:
    """An enterprise's name (form, word, brand, sometimes a number) or a household business's (a shop word and the
    owner's given name, or 'Hộ kinh doanh' and the owner's full name)."""
    names = []
    for i in range(len(enterprise)):
        if enterprise[i]:
            names.append(
                f"{rnd.choice(N.ENTERPRISE_FORMS)} {rnd.choice(N.ENTERPRISE_WORDS)} {rnd.choice(N.ENTERPRISE_BRANDS)}"
                + (f" {rnd.randint(2, 99)}" if rnd.random() < 0.3 else "")
            )
        else:
            names.append(
                f"{rnd.choice(N.SHOP_WORDS)} {owner['given'][i]}"
                if rnd.random() < 0.6
                else f"Hộ kinh doanh {owner['full_name'][i]}"
            )
    return names
