"""Issue 11 §1–2: notes clerks add to an address after the 2025 reform (one test per kind).

"(Quận 1 cũ)" names the OLD district the address lay in: a hint, never the address's own unit.
"(nay là Phường Tân Mỹ)" names the 2025 unit: the 2025 answer, checked against the old part's reading.
Every case is read by tail and whole (the two paths must agree).
"""

from __future__ import annotations

from pipelines.resolve import resolve_addresses


def _read(addresses: list[str], **kw) -> list[dict]:
    by_tail = resolve_addresses(addresses, **kw)
    assert by_tail.equals(resolve_addresses(addresses, by_tail=False, **kw))
    return by_tail.to_dicts()


TAN_DINH, SAI_GON, TAM_THANG = "2025:26737", "2025:26740", "2025:26526"
GO_VAP_12, NHIEU_LOC = "2025:26882", "2025:27142"  # old Phường 12 of Gò Vấp, of Quận 3


def test_an_old_district_note_is_read_as_the_district_the_ward_lay_in():
    # before: each unresolved ("no district found" / "ward not found in Thành phố Vũng Tàu")
    rows = _read(
        [
            "12 Lê Lợi, Phường Tân Định, TP.HCM (Quận 1 cũ)",
            "12 Lê Lợi Phường Tân Định TP.HCM (Q1 cũ)",
            "12 Lê Lợi, Phường 12 (Quận Gò Vấp cũ), TP.HCM",
            "12 Lê Lợi, Phường 12, TP.HCM (Quận 3 cũ)",
            "12 Lê Lợi, Phường Tam Thắng, Bà Rịa - Vũng Tàu (TP. Vũng Tàu cũ)",
            "12 Lê Lợi, Phường Tam Thắng, TP.HCM (TP. Vũng Tàu cũ)",
            "12 Lê Lợi, Phường Sài Gòn, TP.HCM (thuộc Quận 1 cũ)",
        ]
    )
    assert [r["new_uid"] for r in rows] == [TAN_DINH, TAN_DINH, GO_VAP_12, NHIEU_LOC, TAM_THANG, TAM_THANG, SAI_GON]
    for row in rows:
        assert "old district noted" in row["reason"], row
    # an old ward of the district noted: exact; a 2025 ward lying in it: fuzzy, as with the district written
    assert [r["status"] for r in rows[:4]] == ["exact"] * 4
    assert all(r["status"] == "fuzzy" and r["confidence"] <= 0.9 for r in rows[4:])
    assert rows[2]["old_name"] == "Phường 12" and rows[2]["old_district"] == "Quận Gò Vấp"


def test_an_old_district_note_that_does_not_hold_the_ward_gives_no_answer():
    rows = _read(
        [
            "12 Lê Lợi, Phường Sài Gòn, TP.HCM (Quận 3 cũ)",  # Sài Gòn lies in old Quận 1
            "12 Lê Lợi, Phường Tân Định, TP.HCM (cũ: Q.3)",  # before: the note dropped, 2025:26737 answered
        ]
    )
    assert [r["candidates"] for r in rows] == [[SAI_GON], [TAN_DINH]]
    for row in rows:
        assert row["new_uid"] is None and row["status"] == "unresolved"
        assert "does not hold the ward read" in row["reason"]


def test_a_district_name_ending_in_cu_is_no_note():
    # "Huyện Trà Cú", "Huyện Phù Cừ": names ending with "cũ" once folded; a typo'd one is no note either
    (tra_cu,) = _read(["Xã Long Hiệp, Huyện Trà Cú, Trà Vinh"])
    assert tra_cu["new_uid"] == "2025:29506" and tra_cu["status"] == "exact"
    for row in _read(["Xã Long Hiệp (Huyện Trà Cú)", "12 Nguyễn Huệ, FDi Linh; Q.rTà Cú"]):
        assert "noted" not in (row["reason"] or ""), row
    # "Cư xá" and "(cũ)" alone: as before
    (quarter,) = _read(["12 Lê Lợi (Cư xá Bắc Hải), Phường 15, Quận 10, TP.HCM"])
    assert quarter["new_uid"] == "2025:27163"
    (old,) = _read(["12 Lê Lợi, Phường Tân Định (cũ), Quận 1, TP.HCM"])
    assert old["new_uid"] == TAN_DINH and old["status"] == "exact"


TAN_HUNG, TAN_MY = "2025:27475", "2025:27487"  # old Tân Phong (Quận 7) became Tân Hưng


def test_a_now_note_is_the_2025_answer_checked_against_the_old_reading():
    agree = _read(
        [
            "12 Lê Lợi, Phường Tân Phong, Quận 7 (nay là Phường Tân Hưng), TP.HCM",
            "12 Lê Lợi, Phường Tân Phong, Quận 7, TP.HCM (nay thuộc Phường Tân Hưng)",
            "12 Lê Lợi, Phường Tân Phong, Quận 7, TP.HCM (mới: P. Tân Hưng)",
            "12 Lê Lợi, Phường Tân Phongg, Quận 7 (nay là Phường Tân Hưng), TP.HCM",  # a typo, made certain
            "Phường Phước Trung, TP Bà Rịa, BRVT (nay là Phường Bà Rịa, TP.HCM)",  # a province in the note
        ]
    )
    assert [r["new_uid"] for r in agree] == [TAN_HUNG] * 4 + ["2025:26560"]
    assert all(r["status"] == "exact" and "agrees with the old form read" in r["reason"] for r in agree)
    assert agree[0]["old_name"] == "Phường Tân Phong"
    # disagreeing: before, "(nay là Phường Tân Mỹ)" mid-address was ignored (exact Tân Hưng), at the end
    # read as a second ward; now no answer, both candidates
    disagree = _read(
        [
            "12 Lê Lợi, Phường Tân Phong, Quận 7 (nay là Phường Tân Mỹ), TP.HCM",
            "12 Lê Lợi, Phường Tân Phong, Quận 7, TP.HCM (nay là Phường Tân Mỹ)",
        ]
    )
    for row in disagree:
        assert row["new_uid"] is None and row["candidates"] == [TAN_HUNG, TAN_MY], row
        assert "disagree" in row["reason"]


def test_a_now_note_places_a_split_unit_and_decides_between_schemes():
    # old Phường Hiệp Thành (Thủ Dầu Một) was split: the note names its part
    (split,) = _read(["12 Lê Lợi, Phường Hiệp Thành, TP Thủ Dầu Một, Bình Dương (nay là Phường Phú Lợi)"])
    assert split["new_uid"] == "2025:25750" and split["status"] == "split_resolved"
    (other,) = _read(["12 Lê Lợi, Phường Hiệp Thành, TP Thủ Dầu Một, Bình Dương (nay là Phường Sài Gòn)"])
    assert other["new_uid"] is None and set(other["candidates"]) == {"2025:25747", "2025:25750", SAI_GON}
    # "Phường Tân Định" alone is scheme_review (Quận 1 or Bình Dương): the note decides
    (both,) = _read(["12 Lê Lợi, Phường Tân Định (nay là Phường Tân Định)"])
    assert both["new_uid"] == TAN_DINH
    # a note that names no 2025 unit leaves the old reading as it was, saying so
    (unread,) = _read(["12 Lê Lợi, Phường Bến Nghé, Quận 1 (nay là Phường Xyz), TP.HCM"])
    assert unread["new_uid"] == SAI_GON and "not read" in unread["reason"]


def test_the_note_mess_types_are_generated_and_read():
    import polars as pl

    from pipelines.reference import default_reference
    from pipelines.synth.addresses import NOTE_MESS_TYPES, generate_addresses, row_correct

    # The reference of mappings/ as the other tests here read with (the resolver's default index, built once)
    truth = generate_addresses(1200, seed=3, reference=default_reference(), mess_types=NOTE_MESS_TYPES)
    assert set(truth["mess_type"]) == set(NOTE_MESS_TYPES) and truth["true_new_uid"].null_count() == 0
    old_district = truth.filter(pl.col("mess_type") == "new_old_district_note")["address"]
    assert old_district.str.contains(r"\((cũ: |thuộc )?(Quận|Q\.|Huyện|H\. |Thành phố|TP\. |Thị xã|TX\. )").all()
    now = truth.filter(pl.col("mess_type") == "old_now_note")["address"]
    assert now.str.contains(r"\((nay|Nay|mới)").all() and now.str.contains(r"\), ").any()  # mid and at the end
    rows = row_correct(truth, resolve_addresses(truth["address"]))
    per_type = dict(rows.group_by("mess_type").agg(pl.col("correct").mean()).iter_rows())
    assert rows["wrong_exact"].sum() == 0
    assert all(rate >= 0.995 for rate in per_type.values()), per_type
    # a 2025 ward with the old district noted: fuzzy, as with the district written
    noted = rows.filter(pl.col("mess_type") == "new_old_district_note")
    assert (noted["status"] == "fuzzy").all() and noted["reason"].str.contains("old district noted").all()


def test_a_bracketed_note_listing_the_old_district_and_province():
    # "(Huyện Long Điền, tỉnh Bà Rịa - Vũng Tàu cũ)": before, its segments were read as units (unresolved)
    (row,) = _read(["Ấp 2, Xã Long Hải, TP.HCM (Huyện Long Điền, tỉnh Bà Rịa - Vũng Tàu cũ)"])
    assert row["new_uid"] == "2025:26662" and row["status"] == "fuzzy"
    assert "old district noted 'huyen long dien'" in row["reason"]


BAN_CO = "2025:27154"  # old Phường 5 of Quận 3 became Bàn Cờ


def test_an_old_ward_note_is_a_hint_never_a_second_ward():
    # before: "(Phường 5 cũ)" was read as a segment of its own (unresolved: "no district found"), and
    # "(P. Tân Định cũ)" as a second ward ("two wards written")
    rows = _read(
        [
            "12 Lê Lợi, Phường Bàn Cờ (Phường 5 cũ), TP.HCM",
            "12 Lê Lợi, Phường Bàn Cờ (P5 cũ), TP.HCM",
            "12 Lê Lợi, Phường Sài Gòn, TP.HCM (Phường Bến Nghé cũ)",
            "12 Lê Lợi, Phường Tân Định (Phường Đa Kao cũ), TP.HCM",
        ]
    )
    assert [r["new_uid"] for r in rows] == [BAN_CO, BAN_CO, SAI_GON, TAN_DINH]
    assert all(r["status"] == "exact" and "old ward noted" in r["reason"] for r in rows)
    # an old ward that did not become the ward read: no answer
    for row in _read(["12 Lê Lợi, Phường Sài Gòn (P. Tân Định cũ), TP.HCM", "Phường Bàn Cờ (Phường 12 cũ), TP.HCM"]):
        assert row["new_uid"] is None and "did not become the ward read" in row["reason"], row
    # the ward written unreadable: the old ward noted, if it became one ward, answers (fuzzy)
    (only,) = _read(["12 Lê Lợi, Phường Xyz (P. Bến Nghé cũ), TP.HCM"])
    assert only["new_uid"] == SAI_GON and only["status"] == "fuzzy"
