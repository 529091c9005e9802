"""A small population for matching tests: background people with clerk-style duplicates,
plus hand-built cases appended by the tests. Deterministic (fixed seed)."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

FAMILY = (
    ["Nguyễn"] * 12
    + ["Trần"] * 4
    + ["Lê"] * 3
    + ["Phạm"] * 2
    + ["Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
)
MIDDLE_M = ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Công", "Gia", "Hoàng"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bảo", "Phương"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Tuấn",
    "Việt",
    "Vinh",
    "Thắng",
    "Toàn",
    "Đạt",
    "Huy",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Vy",
    "Yến",
    "Hoa",
    "Tuyết",
]
STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Trần Hưng Đạo",
    "Cách Mạng Tháng Tám",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Võ Văn Tần",
]
WARDS = ["Phường Bến Thành", "Phường Sài Gòn", "Phường Tân Định", "Phường Chợ Lớn", "Phường An Đông", "Xã Bình Chánh"]

COLUMNS = [
    "record_key",
    "full_name",
    "date_of_birth",
    "sex",
    "personal_id",
    "old_id_number",
    "household_no",
    "relation_to_head",
    "phone",
    "address",
    "old_uid",
    "new_uid",
    "extract_date",
    "person",
]


#: characters a fold must handle: letters, digits, punctuation runs, a combining mark, Vietnamese and other letters
#: with diacritics, look-alikes (Kelvin sign), a multiplication sign
MESSY_CHARACTERS = [*"aZ09 ,./-_:|\t", "\u0301", "Đ", "ễ", "Σ", "\u212a", "×", ", "]


def messy_texts(seed: int, count: int, longest: int, extra: tuple[str, ...] = ()) -> list[str]:
    """``count`` random texts of up to ``longest`` pieces of MESSY_CHARACTERS and ``extra`` (the same for a seed)."""
    rnd = random.Random(seed)
    alphabet = [*MESSY_CHARACTERS, *extra]
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


def _strip(text: str) -> str:
    import unicodedata

    return (
        "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def person_row(
    key: str,
    person: str,
    name: str,
    dob: dt.date,
    sex: str,
    pid: str | None = None,
    cmnd: str | None = None,
    household: str | None = None,
    relation: str = "Con",
    phone: str | None = None,
    address: str | None = None,
) -> dict:
    return {
        "record_key": key,
        "full_name": name,
        "date_of_birth": dob,
        "sex": sex,
        "personal_id": pid,
        "old_id_number": cmnd,
        "household_no": household,
        "relation_to_head": relation,
        "phone": phone,
        "address": address,
        "old_uid": None,  # the old unit the address resolved to (missing: the home comparison uses the book alone)
        "new_uid": "2025:26740",
        "extract_date": dt.date(2025, 8, 31),
        "person": person,
    }


def background(people: int = 3000, seed: int = 7) -> pl.DataFrame:
    """People in households; about 12 % registered twice with a clerk's error on the copy."""
    rnd = random.Random(seed)
    rows = []
    for i in range(people):
        sex = rnd.choice("MF")
        name = " ".join(
            [
                rnd.choice(FAMILY),
                rnd.choice(MIDDLE_M if sex == "M" else MIDDLE_F),
                rnd.choice(GIVEN_M if sex == "M" else GIVEN_F),
            ]
        )
        dob = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(30000))
        adult = dob.year < 2008
        pid = f"079{rnd.randrange(10**9):09d}" if adult and rnd.random() < 0.85 else None
        cmnd = f"02{rnd.randrange(10**7):07d}" if adult and rnd.random() < 0.3 else None
        phone = f"09{rnd.randrange(10**8):08d}" if adult and rnd.random() < 0.6 else None
        household = f"{rnd.randrange(10**9):09d}"
        address = f"{rnd.randrange(1, 300)} {rnd.choice(STREETS)}, {rnd.choice(WARDS)}, Thành phố Hồ Chí Minh"
        relation = rnd.choice(["Chủ hộ", "Vợ", "Chồng", "Con", "Con", "Cháu"])
        person = f"bg{i}"
        rows.append(person_row(f"bg-{i}", person, name, dob, sex, pid, cmnd, household, relation, phone, address))
        if rnd.random() < 0.12:  # a second registration elsewhere, with one clerk error
            copy = dict(rows[-1], record_key=f"bg-{i}-copy")
            error = rnd.randrange(6)
            if error == 0:
                copy["full_name"] = _strip(name)
            elif error == 1 and copy["personal_id"]:
                copy["personal_id"] = None
            elif error == 2:
                parts = name.split()
                copy["full_name"] = f"{parts[0]} {parts[-1]}"
            elif error == 3 and dob.day <= 12 and dob.day != dob.month:
                copy["date_of_birth"] = dt.date(dob.year, dob.day, dob.month)
            elif error == 4:  # a typing slip inside the name
                i = rnd.randrange(2, len(name) - 1)
                copy["full_name"] = name[:i] + rnd.choice("aeinotu") + name[i + 1 :]
            if rnd.random() < 0.5:  # moved: another household and address
                copy["household_no"] = f"{rnd.randrange(10**9):09d}"
                copy["address"] = f"{rnd.randrange(1, 300)} {rnd.choice(STREETS)}, {rnd.choice(WARDS)}"
            rows.append(copy)
    return frame(rows)


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={c: (pl.Date if c in ("date_of_birth", "extract_date") else pl.String) for c in COLUMNS}
    )


@pytest.fixture(scope="module", name="spec")
def people_spec():
    """The people spec: a module's ``spec`` fixture where a test module imports it."""
    from pipelines.match import load_spec
    from pipelines.warehouse import REPO_ROOT

    return load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")


@pytest.fixture(scope="module", name="work")
def people_work(spec) -> pl.DataFrame:
    """1,500 background people prepared under ``spec``: a module's ``work`` fixture where a test module imports it."""
    from pipelines.match.prepare import prepare

    return prepare(background(people=1500, seed=11), spec)


def background_candidates(people: int, seed: int) -> tuple:
    """(people spec, ``background(people, seed)`` prepared under it, its value codes, its candidate pairs): the
    tables the compare step's tests run ``comparison_levels`` on."""
    import pipelines.match.engine as engine
    from pipelines.match import load_spec
    from pipelines.match.blocking import candidate_pairs
    from pipelines.match.compare import ValueCodes
    from pipelines.match.prepare import prepare
    from pipelines.warehouse import REPO_ROOT

    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    work = prepare(background(people, seed=seed), spec)
    codes = ValueCodes(work, engine.derived_sources(spec))
    candidates, _ = candidate_pairs(work, spec, codes)
    return spec, work, codes, candidates


def rules_pairing(table: pl.DataFrame, a: str, b: str) -> set[str]:
    """The people spec's blocking rules that make records ``a`` and ``b`` (record keys of ``table``, as ``frame``
    builds it) a candidate pair: empty when none does."""
    from pipelines.match import load_spec
    from pipelines.match.blocking import candidate_pairs, rule_names
    from pipelines.match.prepare import prepare
    from pipelines.warehouse import REPO_ROOT

    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    work = prepare(table.drop("person"), spec)
    pairs, _ = candidate_pairs(work, spec)
    row = {k: i for i, k in enumerate(work[spec.id_column].to_list())}
    lo, hi = sorted((row[a], row[b]))
    found = pairs.filter((pl.col("l") == lo) & (pl.col("r") == hi))
    if not found.height:
        return set()
    return set(found.select(rule_names(pl.col("rules"), spec).alias("names"))["names"][0].split(","))
