"""Issue 11: the defects the resolver audit (HV) found as a user, one test per defect.

Nothing is ``exact`` unless certain, and a wrong non-exact answer is worse than no answer with the
truth among the candidates. Every case is read by tail and whole (the two paths must agree).
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.reference import default_reference
from pipelines.resolve import resolve_addresses


def _read(addresses: list[str], **kw) -> list[dict]:
    by_tail = resolve_addresses(addresses, **kw)
    assert by_tail.equals(resolve_addresses(addresses, by_tail=False, **kw))
    return by_tail.to_dicts()


@pytest.fixture(scope="module")
def parts() -> dict[str, list[str]]:
    """pre2025 code -> its 2025 wards."""
    cw = default_reference().crosswalk
    return {o.split(":")[1]: sorted(n) for o, n in cw.group_by("old_uid").agg("new_uid").iter_rows()}


SAI_GON, BAN_CO, CHO_LON, LONG_HAI = "2025:26740", "2025:27154", "2025:27343", "2025:26662"


def test_d5_a_2025_ward_written_without_its_type_is_never_exact():
    rows = _read(["12 Hùng Vương, Chợ Lớn, HCM", "45 Cách Mạng Tháng 8, Bàn Cờ", "Phường Bàn Cờ, TP.HCM"])
    assert [r["new_uid"] for r in rows] == [CHO_LON, BAN_CO, BAN_CO]
    assert [r["status"] for r in rows] == ["fuzzy", "fuzzy", "exact"]
    assert "without its type" in rows[0]["reason"] and rows[0]["confidence"] <= 0.9
    # the city's own name as a ward without type ("..., Sài Gòn, TP.HCM"): no answer, the ward a candidate
    (city,) = _read(["100 Lê Quang Định, Sài Gòn, TP.HCM"])
    assert city["new_uid"] is None and city["status"] == "unresolved" and city["candidates"] == [SAI_GON]


def test_d11_two_different_wards_written_give_no_answer():
    addresses = [
        "Phường Sài Gòn, Phường Bàn Cờ, TP.HCM",  # the first ward in the address's first segment
        "12 Nguyễn Huệ, Phường Sài Gòn, Phường Bàn Cờ, TP.HCM",
        "Phường Sài Gòn; Phường Bàn Cờ",
        "Tổ 5, Khu phố 2, Phường Sài Gòn, Phường Bàn Cờ, TP.HCM",  # a tail of four segments or more
        "P.5, P.12, Gò Vấp",  # old form: two numbered wards of the district
    ]
    rows = _read(addresses)
    for row in rows:
        assert row["new_uid"] is None and row["status"] == "unresolved", row
        assert "two wards written" in row["reason"]
    assert rows[0]["candidates"] == [SAI_GON, BAN_CO]
    # the same ward twice, or a ward whose old and new names lead to one 2025 ward: still answered
    same = _read(["Phường Bàn Cờ, Phường Bàn Cờ, TP.HCM", "P. 12, Gò Vấp"])
    assert [r["new_uid"] for r in same] == [BAN_CO, "2025:26882"]


def test_d11_a_province_written_by_its_old_name_must_hold_the_ward():
    rows = _read(
        [
            "Xã Long Hải, Bình Dương",  # Long Hải was in Bà Rịa - Vũng Tàu
            "12 Nguyễn Huệ, Phường Sài Gòn, Bà Rịa - Vũng Tàu",
            "Phường Hải Châu, Quảng Nam",  # Hải Châu was in Đà Nẵng
        ]
    )
    for row in rows:
        assert row["new_uid"] is None and row["status"] == "unresolved" and "outside" in row["reason"]
    assert rows[0]["candidates"] == [LONG_HAI]
    # a province under its old name that holds the ward, or a 2025 province's name: answered
    ok = _read(["Xã Long Hải, BRVT", "Phường Vũng Tàu, TP.HCM", "Phường Sài Gòn, HCM", "Xã Cái Bè, Tỉnh Đồng Tháp"])
    assert [r["status"] for r in ok] == ["exact"] * 4
    assert ok[0]["new_uid"] == LONG_HAI and ok[2]["new_uid"] == SAI_GON


def test_d1_a_ward_number_is_not_swallowed_into_a_fuzzy_2025_name(parts):
    # old ward + district without type or comma, no province: read in the district (never exact);
    # before, "6 go vap" was a typo of the 2025 "Phường Gò Vấp"
    cases = {
        "Phường 6 Gò Vấp": ("Phường 6", "Quận Gò Vấp"),
        "phuong 5 go vap": ("Phường 5", "Quận Gò Vấp"),
        "Phường 13 Bình Thạnh": ("Phường 13", "Quận Bình Thạnh"),
        "P5 Bình Thạnh": ("Phường 5", "Quận Bình Thạnh"),
        "12 Lê Lợi, Phường 7 Phú Nhuận": ("Phường 7", "Quận Phú Nhuận"),
    }
    rows = _read(list(cases))
    for row, (ward, district) in zip(rows, cases.values(), strict=True):
        assert row["status"] == "fuzzy" and row["scheme"] == "pre2025", row
        assert (row["old_name"], row["old_district"]) == (ward, district)
        assert [row["new_uid"]] == parts[row["old_code"]]
    # a district without type after a number without marker is not read ("5 Gò Vấp" may be a street)
    (bare,) = _read(["12 Lê Lợi 5 Gò Vấp"])
    assert bare["new_uid"] is None


def test_d3_a_2025_name_from_elsewhere_without_province_is_not_an_hcmc_unit_of_another_type():
    rows = _read(["12 Lê Lợi, Phường Long Biên", "12 Le Loi, Phuong Vinh Hung", "12 Lê Lợi, Phường Vĩnh Hưng"])
    assert rows[0]["new_uid"] == "2025:00145" and rows[0]["status"] == "fuzzy"  # Hà Nội's, the only one
    assert rows[1]["new_uid"] is None and "2025:00301" in rows[1]["candidates"]  # Vĩnh Hưng or Vinh Hưng
    assert rows[2]["new_uid"] == "2025:00301" and rows[2]["status"] == "fuzzy"  # its diacritics decide (D4)
    assert all(r["confidence"] <= 0.9 for r in rows)
    # a typo in a 2025 ward is never corrected into a unit of another type
    (typo,) = _read(["Phường Long Điềnn, TP.HCM"])  # Long Điền is a commune (Xã)
    assert typo["new_uid"] is None


def test_d8_an_ambiguous_old_name_under_a_pre_reform_date_keeps_its_candidates():
    (row,) = _read(["Phường Tân Định"], as_of="2024-01-01")
    assert row["new_uid"] is None and row["status"] == "unresolved"
    assert "2025:26737" in row["candidates"] and len(row["candidates"]) == 2


def test_d10_no_answer_that_is_not_exact_has_confidence_one():
    (row,) = _read(["Phường Tân Định"], as_of="2025-08-01")  # the date decides: fuzzy, and said so
    assert row["status"] == "fuzzy" and row["new_uid"] == "2025:26737" and 0 < row["confidence"] <= 0.9
    generated = _read(["Phường 6 Gò Vấp", "12 Lê Lợi, Chợ Lớn", "Phường Tân Định, TP.HCM"])
    frame = pl.DataFrame(generated)
    assert frame.filter((pl.col("status") != "exact") & (pl.col("confidence") >= 1.0)).height == 0


def test_d6_city_spellings_and_a_postcode_do_not_hide_a_clean_address():
    addresses = [
        "Phường Sài Gòn, HCMC",
        "P. Bến Nghé, Q.1, Ho Chi Minh City",
        "Phường Sài Gòn, T.P HCM",
        "Phường Sài Gòn, T.P.HCM",
        "P. Bến Nghé, Q.1, TP.HCM 700000",
        "12 Nguyễn Huệ, Phường Sài Gòn, TP. HCM 70000, Việt Nam",
        "Phường Sài Gòn, HCM City",
    ]
    rows = _read(addresses)
    assert [(r["new_uid"], r["status"]) for r in rows] == [(SAI_GON, "exact")] * len(addresses)
    # a number of five or six digits is a postcode only at the end
    (house,) = _read(["700000 Phường Sài Gòn"])
    assert house["new_uid"] == SAI_GON


def test_d7_as_of_reads_four_digit_years_and_iso_datetimes_only():
    from pipelines.resolve import as_of_side_expr

    values = [
        "15/9/25",
        "2025-09-15T08:00:00",
        "2025-09-15 08:00",
        "15/09/2025",
        "30/6/2025",
        "0025-09-15",
        "1899-12-31",
    ]
    sides = pl.select(as_of_side_expr(pl.Series(values, dtype=pl.String).implode().explode(), pl.String)).to_series()
    assert sides.to_list() == [None, "2025", "2025", "2025", "pre2025", None, None]
    # the date decides the reading of a name of both schemes; a two-digit year decides nothing
    rows = _read(["Phường An Phú, TP.HCM"] * 3, as_of=["2025-09-15T08:00:00", "15/9/25", "15/9/2025"])
    assert rows[0]["new_uid"] == "2025:25975" and rows[2]["new_uid"] == "2025:25975"
    assert rows[1]["status"] == "scheme_review" and "2025:25975" in rows[1]["candidates"]


def test_d9_an_old_code_and_a_2025_address_naming_another_ward_is_not_answered():
    from pipelines.resolve import resolve_table

    frame = pl.DataFrame(
        {
            "address": ["Phường Bàn Cờ, TP.HCM", "P.12, Gò Vấp", "Phường Sài Gòn, TP.HCM", "Phường Bến Nghé, Quận 1"],
            "code": ["26740", "26740", "26740", "26740"],  # Bến Nghé, now Sài Gòn
        }
    )
    rows = resolve_table(frame, address_column="address", old_code_column="code").to_dicts()
    for row, other in zip(rows[:2], (BAN_CO, "2025:26882"), strict=True):
        assert row["new_uid"] is None and row["new_name"] is None and row["status"] == "unresolved"
        assert row["candidates"] == sorted([SAI_GON, other]) and "disagree" in row["reason"]
    assert [(r["new_uid"], r["status"], r["reason"]) for r in rows[2:]] == [(SAI_GON, "exact", "from old code")] * 2


def test_d2_a_typo_in_a_district_written_without_its_type_after_its_ward():
    rows = _read(
        [
            "Phuong 2 Binh Thanhh HCM",
            "12 Lê Lợi Phường 5 Bìnhh Thạnh TP.HCM",
            "166 Âu Cơ Xã Phạm Văn Cội Củ Ci Thành phố Hồ Chí Minh",
            "255A Lê Văn Sỹ, Phường Thắng Nhất, Vnũg Tàu, Tỉnh Bà Rịa - Vũng Tàu",
        ]
    )
    assert [(r["old_name"], r["status"]) for r in rows] == [
        ("Phường 2", "fuzzy"),
        ("Phường 5", "fuzzy"),
        ("Xã Phạm Văn Cội", "fuzzy"),
        ("Phường Thắng Nhất", "fuzzy"),
    ]
    assert [r["old_district"] for r in rows[:2]] == ["Quận Bình Thạnh"] * 2
    # the ward before must be written with its type and exactly: "Phường Bình Thạn" stays unread
    (ambiguous,) = _read(["Phường 2, Bình Thạn, HCM"])  # Bình Thạnh or Bình Tân: one edit each
    assert ambiguous["new_uid"] is None


def test_a_2025_marker_of_another_unit_type_is_not_that_unit():
    """'Xã Tân Hưng, Bà Rịa' is the old commune of Bà Rịa, not the 2025 'Phường Tân Hưng' of HCMC."""
    (row,) = _read(["233D Lý Thường Kiệt Xã Tân Hưng Bà Rịa"])
    assert row["new_uid"] == "2025:26566" and row["old_name"] == "Xã Tân Hưng"
    # two 2025 units whose name starts with another type than theirs are found by either
    rows = _read(["12 Lê Lợi, Phường Việt Hòa, Thành phố Hải Phòng", "Xã Phong Điền, Thành phố Cần Thơ"])
    assert [r["new_uid"] for r in rows] == ["2025:10543", "2025:31299"]


def test_the_audit_mess_types_are_generated_and_read():
    from pipelines.synth.addresses import AUDIT_NEW_MESS_TYPES, AUDIT_OLD_MESS_TYPES, row_correct
    from tests.resolvehelpers import generated_addresses, synthetic_reference

    reference, _ = synthetic_reference(7)
    types = AUDIT_OLD_MESS_TYPES + AUDIT_NEW_MESS_TYPES
    truth = generated_addresses(2400, 7, types)
    assert set(truth["mess_type"]) == set(types) and truth["true_new_uid"].null_count() == 0
    rows = row_correct(truth, resolve_addresses(truth["address"], reference))
    per_type = dict(rows.group_by("mess_type").agg(pl.col("correct").mean()).iter_rows())
    assert rows["wrong_exact"].sum() == 0
    assert (rows["got_new_uid"].is_not_null() & ~rows["correct"]).sum() == 0  # never another ward
    for mess_type in ("district_typo_no_type", "district_no_type_no_province", "new_elsewhere_no_province"):
        assert per_type[mess_type] >= 0.99, per_type
    # names folding to one key in their province: the diacritics written tell them apart (D4); where
    # they do not, no answer, with the truth among the candidates
    assert per_type["new_folded_pair"] >= 0.99, per_type
    folded = rows.filter((pl.col("mess_type") == "new_folded_pair") & ~pl.col("correct"))
    assert folded.filter(~pl.col("true_new_uid").is_in(pl.col("got_candidates"))).height == 0


def test_d4_the_diacritics_written_decide_between_2025_names_of_one_folded_key():
    rows = _read(
        [
            "Xã Cẩm Giàng, Hải Phòng",
            "Xã Cẩm Giang, Hải Phòng",
            "XÃ CẨM GIÀNG, HẢI PHÒNG",
            "Xã Thạnh An, TP.HCM",
            "Xã Thanh An, TP.HCM",
        ]
    )
    assert [r["new_uid"] for r in rows] == ["2025:10903", "2025:10888", "2025:10903", "2025:27676", "2025:25807"]
    assert all(r["status"] == "fuzzy" and r["confidence"] <= 0.9 for r in rows)
    # without diacritics (or only where they do not decide) nothing is decided: both stay candidates
    for row in _read(["Xa Cam Giang, Hai Phong", "X. Thanh An, HCM"]):
        assert row["new_uid"] is None and len(row["candidates"]) == 2


def test_a_district_without_type_or_comma_is_never_exact_nor_read_from_a_broken_word():
    rows = _read(
        [
            "28 Nguyễn Trãi Phường Bình Trị Đông B ình Tân TPHCM",  # "B ình Tân" squashes to "binhtan"
            "324 Huỳnh Tấn Phát Xã Tân Lập Bắcc Tân Uyên Tỉnh Bình Dương",  # "Tân Uyên" is another district
            "Phường 6 Gò Vấp HCM",
        ]
    )
    assert [(r["old_name"], r["old_district"]) for r in rows] == [
        ("Phường Bình Trị Đông B", "Quận Bình Tân"),
        ("Xã Tân Lập", "Huyện Bắc Tân Uyên"),
        ("Phường 6", "Quận Gò Vấp"),
    ]
    assert [r["status"] for r in rows] == ["fuzzy"] * 3


def test_an_as_of_text_that_is_no_date_is_refused_not_read_as_undated():
    # a column's name where its values were meant (the CLI's --as-of COLUMN habit): every row would be read undated
    with pytest.raises(ValueError, match=r"as_of: 'registered_on' is not a date .*frame\[name\]"):
        resolve_addresses(["Phường Tân Định"], as_of="registered_on")
    with pytest.raises(ValueError, match="is not a date"):
        resolve_addresses(["Phường Tân Định"], as_of="15/9/25")  # (a two-digit year is never guessed)
    # one date for every row, in each written form, and one per row
    for written in ("2024-01-01", "01/01/2024", "01-01-2024", "01.01.2024", "20240101"):
        assert _read(["Phường Tân Định"], as_of=written) == _read(["Phường Tân Định"], as_of="2024-01-01")
    assert _read(["Phường Tân Định"], as_of=pl.Series(["2025-08-01"]))[0]["status"] == "fuzzy"
