"""Businesses: one owner's several businesses are no duplicates, and the spec's owner-keyed rules must not teach
the model that they are.

A household-business owner often registers several shops (other tax codes, other registration numbers,
the same owner ID and name, often the same last word in the shop name). The blocking rules keyed on
the owner (owner_name_key, owner_id_last_word) pair those shops; about half of their pairs are other
businesses. Trained, EM read such a rule as all-match (358f88b) and took m from it: different tax codes
then looked like a typo that 41 % of duplicates carry, one owner's shops scored as matches, and the
cannot-link rule queued thousands of them for review (1M city: 6,158 refused pairs, review 7.59 % of
records, 17 false links). The spec opts these rules out of training (train = false).
"""

from __future__ import annotations

import random
from datetime import date

import polars as pl

from pipelines.entities.resolve import spec_path
from pipelines.match import load_spec, match
from pipelines.match.evaluate import pairwise

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Đức"]
GIVEN = ["Linh", "Hùng", "Lan", "Tâm", "Phúc", "Hạnh", "Sơn", "Trang", "Khoa", "Yến", "Bảo", "Nhi", "Tuấn", "Vy"]
SHOPS = ["Tạp hóa", "Quán phở", "Bánh mì", "Cà phê", "Tiệm may", "Sửa xe"]
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Pasteur", "Điện Biên Phủ", "Cách Mạng Tháng Tám"]
VSIC = ["4711", "5610", "1071", "5630", "1410", "4520"]

PLAIN = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD",
)


def _registry(seed: int = 7) -> pl.DataFrame:
    """Owners with 2-4 household businesses each (own tax code and registration number, same owner ID and
    name, the owner's given name as the shop's last word, one of them maybe 'Hộ kinh doanh <owner>'); a quarter of the businesses registered again at
    the ward office (name without diacritics or 'HKD ...', address rewritten, sometimes a tax-code digit off)."""
    rng = random.Random(seed)
    rows = []
    codes: set[str] = set()

    def code() -> str:
        while (c := "80" + "".join(rng.choice("0123456789") for _ in range(8))) in codes:
            pass
        codes.add(c)
        return c

    business = 0
    for owner in range(700):
        owner_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        owner_id = f"0791{owner:08d}"
        given = owner_name.split()[-1]
        names = [f"Hộ kinh doanh {owner_name}"] + [f"{shop} {given}" for shop in rng.sample(SHOPS, 3)]
        for name in rng.sample(names, rng.randint(2, 4)):
            business += 1
            tax = code()
            address = (
                f"{rng.randint(1, 400)} {rng.choice(STREETS)}, Phường {rng.randint(1, 15)}, Quận {rng.randint(1, 12)}"
            )
            base = {
                "business_id": f"B{business:06d}",
                "registration_no": tax,
                "business_name": name,
                "business_kind": "Hộ kinh doanh",
                "tax_code": tax,
                "tax_code_kind": "mst",
                "owner_name": owner_name,
                "owner_personal_id": owner_id,
                "vsic": rng.choice(VSIC),
                "registered_on": date(2010 + rng.randint(0, 14), rng.randint(1, 12), rng.randint(1, 28)),
                "status": "active",
                "address": address,
                "extract_date": date(2025, 6, 30),
                "old_uid": None,
                "new_uid": None,
            }
            rows.append(base)
            if rng.random() < 0.25:
                dup = dict(base, extract_date=date(2025, 8, 31))
                dup["business_name"] = rng.choice([name.translate(PLAIN), f"HKD {owner_name.translate(PLAIN)}"])
                dup["address"] = address.replace("Phường", "P.").replace("Quận", "Q.")
                if rng.random() < 0.3:
                    i = rng.randrange(2, 10)
                    dup["tax_code"] = tax[:i] + str((int(tax[i]) + 1) % 10) + tax[i + 1 :]
                rows.append(dup)
    frame = pl.DataFrame(rows).with_row_index("n")
    return frame.with_columns(pl.format("b#{}", pl.col("n")).alias("record_key")).drop("n")


def test_one_owners_businesses_are_not_queued_or_linked():
    frame = _registry()
    spec = load_spec(spec_path("businesses"))
    result = match(frame.drop("business_id"), spec)

    truth = frame.select("record_key", "business_id")
    records = result.records.select(pl.col("record_id").alias("record_key"), "entity_id").join(truth, on="record_key")
    scores = pairwise(records, "entity_id", "business_id")
    assert scores["precision"] == 1.0
    assert scores["recall"] >= 0.97

    # no pair of two of one owner's businesses in the review queue (they were refused there by the thousand)
    queued = result.pairs.filter(pl.col("decision").cast(pl.String).is_in(["review", "refused"]))
    ids = truth.rename({"record_key": "left_id", "business_id": "left_b"})
    queued = queued.with_columns(pl.col("left_id").cast(pl.String), pl.col("right_id").cast(pl.String)).join(
        ids, on="left_id"
    )
    queued = queued.join(ids.rename({"left_id": "right_id", "left_b": "right_b"}), on="right_id")
    other_businesses = queued.filter(pl.col("left_b") != pl.col("right_b")).height
    assert other_businesses <= 0.02 * frame.height, f"{other_businesses} pairs of different businesses queued"

    # the owner-keyed rules are not read as all-match: not trained at all
    em = result.stats["em_per_rule"]
    for rule in ("owner_name_key", "owner_id_last_word"):
        assert em[rule]["status"].startswith("not trained"), em[rule]["status"]


def _typo(rng: random.Random, digits: str) -> str:
    i = rng.randrange(2, len(digits))
    return digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]


def test_owner_name_rules_find_tax_code_typos_and_gaps_without_pairing_other_codes():
    """A business registered again without the owner's ID, its registration number mistyped and its tax code
    mistyped (or left out) is found by the owner's name and the shop's last word; other owners of that name, whose
    tax codes differ outright (the cannot-link rule refuses them), are seldom paired by those rules (keyed on the name
    and the last word alone, at 1M the rule proposed 144,205 pairs, 141,882 of them with other tax codes)."""
    frame = _registry()
    rng = random.Random(11)
    again = frame.filter(pl.col("extract_date") == date(2025, 6, 30)).sample(300, seed=3)
    rows = []
    for i, row in enumerate(again.iter_rows(named=True)):
        dup = dict(row, record_key=f"again#{i}", owner_personal_id=None, extract_date=date(2025, 9, 30))
        dup["registration_no"] = _typo(rng, row["registration_no"])
        dup["tax_code"] = _typo(rng, row["tax_code"]) if i % 2 else None
        dup["business_name"] = row["business_name"].translate(PLAIN)
        rows.append(dup)
    frame = pl.concat([frame, pl.DataFrame(rows, schema=frame.schema)])
    result = match(frame.drop("business_id"), load_spec(spec_path("businesses")))

    truth = frame.select("record_key", "business_id")
    records = result.records.select(pl.col("record_id").alias("record_key"), "entity_id").join(truth, on="record_key")
    scores = pairwise(records, "entity_id", "business_id")
    assert scores["precision"] == 1.0
    assert scores["recall"] >= 0.99

    # the rules keyed on the owner's name without the owner's ID (owner_name_tax_half, owner_name_no_tax_code)
    owner_rules = {
        r for r in result.stats["new_pairs_per_rule"] if r.startswith("owner_name_") and r != "owner_name_key"
    }
    assert owner_rules
    rules = pl.col("blocked_by").cast(pl.String).str.split(",")
    alone = result.pairs.filter(rules.list.set_difference(list(owner_rules)).list.len() == 0)
    assert alone.height > 0
    # (a half of a code's base may be shared by chance; keyed on the name and the last word alone, nearly all were)
    different = alone.filter(pl.col("tax_code_level").cast(pl.String) == "different").height
    assert different <= 0.05 * alone.height, f"{different} of {alone.height} pairs with other tax codes"
