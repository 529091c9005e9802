"""Behaviour of the resolver on hand-written old addresses."""

import unicodedata

import polars as pl
import pytest

from pipelines.reference import load_reference
from pipelines.resolve import resolve_addresses, resolve_table
from pipelines.schema import RESOLVED_ADDRESS
from quality.checks import resolved_address_problems

BEN_NGHE, SAI_GON = "pre2025:26740", "2025:26740"


def one(address, **kw):
    return resolve_addresses([address], **kw).row(0, named=True)


@pytest.mark.parametrize(
    "address",
    [
        "Số 12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
        "12 nguyen hue, phuong ben nghe, quan 1, tp ho chi minh",  # no diacritics
        unicodedata.normalize("NFD", "12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP.HCM"),
        "12 NGUYỄN HUỆ, P. BẾN NGHÉ, Q.1, TPHCM",
        "12 Nguyen Hue P Ben Nghe Q1 HCM",  # no commas, compact district
        "P.Bến Nghé, Q1, SG",
        "Phường Bến Nghé, Quận 1",  # province missing
    ],
)
def test_spellings_of_one_ward_resolve_exactly(address):
    row = one(address)
    assert (row["old_uid"], row["new_uid"], row["status"]) == (BEN_NGHE, SAI_GON, "exact")
    assert row["confidence"] == 1.0
    assert row["candidates"] == [SAI_GON]


def test_numbered_ward_forms():
    rows = resolve_addresses(
        [
            "12 Điện Biên Phủ, Phường 12, Quận Bình Thạnh, TP.HCM",
            "12 Điện Biên Phủ, P12, Q. Bình Thạnh",
            "12 Điện Biên Phủ, F.12, Bình Thạnh, HCM",
            "12 Điện Biên Phủ, 12, Quận Bình Thạnh",  # bare number
            "Phường 012, Quận Bình Thạnh",  # leading zeros
        ]
    )
    assert rows["old_name"].to_list() == ["Phường 12"] * 5
    assert rows["old_district"].unique().to_list() == ["Quận Bình Thạnh"]
    assert rows["status"].unique().to_list() == ["exact"]


def test_house_number_is_not_a_bare_ward():
    row = one("Hẻm 22, Quận Bình Thạnh")
    assert row["status"] == "unresolved" and "ward not found" in row["reason"]


def test_pre_2021_district_names_map_to_thu_duc_city():
    rows = resolve_addresses(
        ["Phường Thảo Điền, Quận 2, TP.HCM", "P. Long Bình, Q.9", "Phường Linh Trung, Quận Thủ Đức"]
    )
    assert rows["old_district"].to_list() == ["Thành phố Thủ Đức"] * 3
    assert rows["status"].to_list() == ["exact"] * 3


@pytest.mark.parametrize("province", ["BRVT", "BR-VT", "Bà Rịa - Vũng Tàu", "tinh Ba Ria Vung Tau"])
def test_province_short_forms(province):
    row = one(f"Phường Thắng Tam, TP Vũng Tàu, {province}")
    assert row["old_name"] == "Phường Thắng Tam" and row["old_province"] == "Tỉnh Bà Rịa - Vũng Tàu"


def test_both_accent_placements_are_the_same_unit():
    a, b = resolve_addresses(
        ["Phường Phú Hòa, TP Thủ Dầu Một, Bình Dương", "Phường Phú Hoà, TP Thủ Dầu Một, BD"]
    ).iter_rows(named=True)
    assert a["old_uid"] == b["old_uid"] and a["status"] == b["status"] == "exact"


def test_typo_is_fuzzy_and_stays_in_its_district():
    row = one("Phường Bến Ngé, Quận 1, TP.HCM")
    assert row["old_uid"] == BEN_NGHE and row["status"] == "fuzzy"
    assert 0.5 < row["confidence"] < 1.0 and "fuzzy" in row["reason"]
    # "Tân Định" is a ward of Quận 1: misspelt under Quận 3 it must not jump districts.
    row = one("Phường Tân Địnhh, Quận 3, TP.HCM")
    assert row["old_district"] in (None, "Quận 3")


def test_street_names_are_never_taken_for_units():
    assert one("123 Đại lộ Bình Dương")["status"] == "unresolved"
    row = one("123 Đại lộ Bình Dương, P. Phú Hòa, TP Thủ Dầu Một")
    assert row["old_name"] == "Phường Phú Hòa"
    # Tân Định is also a ward of Quận 1; here it is the street and Đa Kao the ward.
    row = one("Đường Tân Định, Phường Đa Kao, Quận 1")
    assert row["old_name"] == "Phường Đa Kao"
    row = one("15 Phạm Văn Đồng, Quận Thủ Đức")  # no ward given
    assert row["status"] == "unresolved"


def test_split_unit_without_evidence_goes_to_review_with_all_parts():
    ref = load_reference()
    parts = ref.crosswalk.filter(pl.col("old_uid") == "pre2025:26737")["new_uid"].sort().to_list()
    assert len(parts) > 1  # Đa Kao was split
    row = one("Phường Đa Kao, Quận 1, TP.HCM")
    assert row["status"] == "split_review" and row["new_uid"] is None
    assert sorted(row["candidates"]) == parts and "split" in row["reason"]


def test_split_unit_with_gazetteer_evidence_is_resolved(tmp_path):
    ref = load_reference()
    parts = ref.crosswalk.filter(pl.col("old_uid") == "pre2025:26737").sort("new_uid")["new_uid"].to_list()
    gazetteer = tmp_path / "gazetteer.csv"
    gazetteer.write_text(
        "old_uid,kind,name,name_key,new_uid,source\n"
        f"pre2025:26737,quarter,Khu phố 3,,{parts[0]},test\n"
        f"pre2025:26737,quarter,Khu phố 4,,{parts[1]},test\n",
        encoding="utf-8",
    )
    with_gaz = load_reference(gazetteers=(gazetteer,))
    rows = resolve_addresses(
        [
            "12 Khu phố 3, Phường Đa Kao, Quận 1",
            "khu pho 4, p. da kao, q1",
            "Khu phố 34, Phường Đa Kao, Quận 1",
            "Khu phố 3, Khu phố 4, P. Đa Kao, Q.1",
        ],
        reference=with_gaz,
    )
    assert rows["status"].to_list() == ["split_resolved", "split_resolved", "split_review", "split_review"]
    assert rows["new_uid"].to_list()[:2] == parts[:2]
    assert "Khu phố 3" in rows["reason"][0]


def test_island_district_without_communes():
    row = one("Huyện Côn Đảo, Bà Rịa - Vũng Tàu")
    assert row["old_uid"] == "pre2025-district:755" and row["new_name"] == "Đặc khu Côn Đảo"


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "",
        "   ",
        "x" * 10_000,
        "\x00\x01\x02\x1b[31m",
        "東京都千代田区丸の内",
        "The quick brown fox",
        "!!!???",
        "12345",
    ],
)
def test_bad_input_is_unresolved_with_a_reason(bad):
    row = one(bad)
    assert row["status"] == "unresolved" and row["confidence"] == 0.0
    assert row["reason"]


def test_control_characters_inside_a_real_address_are_ignored():
    row = one("12 Nguyễn Huệ,\tPhường Bến Nghé,\x00 Quận 1\r\n")
    assert row["old_uid"] == BEN_NGHE


def test_output_keeps_input_order_and_length_with_duplicates():
    inputs = ["P. Bến Nghé, Q.1", None, "P. Đa Kao, Q.1", "P. Bến Nghé, Q.1", ""] * 3
    out = resolve_addresses(inputs)
    assert out.height == len(inputs)
    assert out["input"].to_list() == inputs
    assert out["old_uid"].to_list()[:5] == [BEN_NGHE, None, "pre2025:26737", BEN_NGHE, None]


def test_structured_columns_and_old_codes():
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "ward": ["P.12", "Bến Nghé", None, "Phường 12"],
            "district": ["Gò Vấp", "Quận 1", None, "Quận 3"],
            "province": ["HCM", None, None, "HCM"],
            "old_code": [None, None, "26740", "99999"],
        }
    )
    out = resolve_table(
        frame, ward_column="ward", district_column="district", province_column="province", old_code_column="old_code"
    )
    assert out.columns[:5] == frame.columns
    assert out["old_district"].to_list()[:2] == ["Quận Gò Vấp", "Quận 1"]
    assert out["new_uid"][2] == SAI_GON and "old code" in out["reason"][2]
    # an unknown code falls back to the names
    assert out["old_name"][3] == "Phường 12" and out["old_district"][3] == "Quận 3"


DA_KAO = "pre2025:26737"  # split between two new wards


def da_kao_parts() -> list[str]:
    return load_reference().crosswalk.filter(pl.col("old_uid") == DA_KAO)["new_uid"].sort().to_list()


def test_old_codes_alone_resolve_every_row():
    """Only --old-code-column: one output row per input row (it used to crash beyond one row)."""
    frame = pl.DataFrame({"code": ["26740", "26737", "99999", None, " 26740 "]})
    out = resolve_table(frame, old_code_column="code")
    assert out.height == frame.height and out["code"].to_list() == frame["code"].to_list()
    assert out["old_uid"].to_list() == [BEN_NGHE, DA_KAO, None, None, BEN_NGHE]
    assert out["status"].to_list() == ["exact", "split_review", "unresolved", "unresolved", "exact"]
    assert out["new_uid"].to_list() == [SAI_GON, None, None, None, SAI_GON]
    assert sorted(out["candidates"][1]) == da_kao_parts()
    assert resolved_address_problems(out.select(RESOLVED_ADDRESS.columns), frame.height) == []


def test_old_code_of_a_split_unit_replaces_the_address_reading():
    """The address reads Bến Nghé (one new ward); the code names Đa Kao (split): no stale new ward stays."""
    frame = pl.DataFrame(
        {"address": ["Phường Bến Nghé, Quận 1, TP.HCM", "Phường Bến Nghé, Quận 1"], "code": ["26737", "26740"]}
    )
    out = resolve_table(frame, address_column="address", old_code_column="code")
    first = out.row(0, named=True)
    assert first["old_uid"] == DA_KAO and first["status"] == "split_review"
    assert first["new_uid"] is None and first["new_code"] is None and first["new_name"] is None
    assert sorted(first["candidates"]) == da_kao_parts()
    assert "old code" in first["reason"] and f"address reads {BEN_NGHE}" in first["reason"]
    second = out.row(1, named=True)  # code and address agree: nothing to note
    assert second["new_uid"] == SAI_GON and second["reason"] == "from old code"
    assert resolved_address_problems(out.select(RESOLVED_ADDRESS.columns), frame.height) == []


def test_old_code_of_a_split_unit_uses_gazetteer_evidence_in_the_address(tmp_path):
    parts = da_kao_parts()
    gazetteer = tmp_path / "gazetteer.csv"
    gazetteer.write_text(
        f"old_uid,kind,name,name_key,new_uid,source\n{DA_KAO},quarter,Khu phố 3,,{parts[0]},test\n"
        f"{DA_KAO},quarter,Khu phố 4,,{parts[1]},test\n",
        encoding="utf-8",
    )
    ref = load_reference(gazetteers=(gazetteer,))
    frame = pl.DataFrame(
        {
            "address": ["12 Khu phố 3", "khu pho 4, tổ 2", "12 Nguyễn Huệ", None],
            "code": ["26737", "26737", "26737", "26737"],
        }
    )
    out = resolve_table(frame, address_column="address", old_code_column="code", reference=ref)
    assert out["status"].to_list() == ["split_resolved", "split_resolved", "split_review", "split_review"]
    assert out["new_uid"].to_list() == [parts[0], parts[1], None, None]
    assert "gazetteer quarter 'Khu phố 3'" in out["reason"][0] and "old code" in out["reason"][0]
    assert resolved_address_problems(out.select(RESOLVED_ADDRESS.columns), frame.height) == []


def test_contract_check_catches_a_stale_new_ward():
    """The resolver contract fails a split_review row that still carries a new ward."""
    good = resolve_addresses(["Phường Đa Kao, Quận 1"])
    stale = good.with_columns(new_uid=pl.lit(SAI_GON), new_name=pl.lit("Phường Sài Gòn"), new_code=pl.lit("26740"))
    assert resolved_address_problems(good.select(RESOLVED_ADDRESS.columns), 1) == []
    problems = resolved_address_problems(stale.select(RESOLVED_ADDRESS.columns), 1)
    assert any("review rows" in p for p in problems)
    half = good.with_columns(new_name=pl.lit("Phường Sài Gòn"))
    assert any("new_code/new_name" in p for p in resolved_address_problems(half.select(RESOLVED_ADDRESS.columns), 1))


def test_resolve_table_names_missing_columns():
    with pytest.raises(ValueError, match="addr"):
        resolve_table(pl.DataFrame({"x": ["a"]}), address_column="addr")


def test_a_glued_marker_after_a_written_marker_is_not_a_second_unit_type():
    # "Ttân Bình" is a typo; reading it as "TT." + "Ân Bình" would be an exact wrong answer.
    row = one("12 Nguyễn Huệ, Phường Ttân Bình, Thành phố Dĩ An, Bình Dương")
    assert row["old_name"] != "Phường An Bình" or row["status"] != "exact"
    assert one("PTân Quy, Quận 7")["old_name"] == "Phường Tân Quy"


def test_province_codes_are_declared_once():
    """quality/checks.py and the generator take the old provinces from pipelines/reference.py."""
    import pipelines.reference as reference
    import quality.checks as checks
    from pipelines.synth import registries

    assert checks.HCMC_OLD_UNITS_BY_PROVINCE is reference.HCMC_OLD_UNITS_BY_PROVINCE
    assert reference.HCMC_OLD_PROVINCES == tuple(reference.HCMC_OLD_UNITS_BY_PROVINCE)
    assert set(registries.CCCD_PROVINCE) == set(reference.HCMC_OLD_PROVINCES)
    counts = dict(reference.default_reference().hcmc_old_units().group_by("province_code").len().iter_rows())
    assert counts == reference.HCMC_OLD_UNITS_BY_PROVINCE


# --------------------------------------------------------------------------- the 2025 form (street, ward, province)

TAN_DINH_2025, TAN_DINH_BD_2025 = "2025:26737", "2025:25849"  # old Tân Định of Bình Dương went to 25849


@pytest.mark.parametrize(
    "address",
    [
        "12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        "12 nguyen hue, phuong sai gon, tp ho chi minh",
        unicodedata.normalize("NFD", "12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"),
        "12 NGUYỄN HUỆ, P. SÀI GÒN, TPHCM",
        "12 Nguyễn Huệ P.Sài Gòn HCM",
        "PSài Gòn, SG",
        "12 Nguyễn Huệ, Phường Sài Gòn",  # city missing: the name is unique in the country
        "12 Nguyễn Huệ, Phường Sài Gòn, Việt Nam",
    ],
)
def test_2025_form_reads_the_new_ward_directly(address):
    row = one(address)
    assert (row["new_uid"], row["status"], row["scheme"]) == (SAI_GON, "exact", "2025")
    assert row["old_uid"] is None and row["candidates"] == [SAI_GON]


def test_2025_form_of_the_issue_and_of_the_whole_country():
    rows = resolve_addresses(
        [
            "Phường Bàn Cờ, TP.HCM",
            "Xã Long Hải, TP Hồ Chí Minh",
            "ĐK Côn Đảo, HCM",  # special zone, abbreviated
            "Phường Ba Đình, Hà Nội",
            "Phường Thủ Dầu Một, Bình Dương",  # old province name of the new city
            "Phường Gò Vấp, TP.HCM",  # 2025 ward named like an old district
        ]
    )
    assert rows["new_name"].to_list() == [
        "Phường Bàn Cờ",
        "Xã Long Hải",
        "Đặc khu Côn Đảo",
        "Phường Ba Đình",
        "Phường Thủ Dầu Một",
        "Phường Gò Vấp",
    ]
    assert rows["scheme"].to_list() == ["2025"] * rows.height and rows["status"].unique().to_list() == ["exact"]
    assert resolved_address_problems(rows.select(RESOLVED_ADDRESS.columns), rows.height) == []


def test_2025_typo_is_fuzzy_only_inside_the_province():
    row = one("Phường Sài Gònn, TP.HCM")
    assert (row["new_uid"], row["status"], row["scheme"]) == (SAI_GON, "fuzzy", "2025")
    # Sài Gòn is a ward of HCMC: misspelt under Hà Nội it must not jump provinces.
    assert one("Phường Sài Gònn, Hà Nội")["new_uid"] is None


def test_a_district_means_the_old_form_whatever_the_date():
    row = resolve_addresses(["Phường Tân Định, Quận 1, TP.HCM"], as_of="2025-09-01").row(0, named=True)
    assert (row["old_uid"], row["scheme"], row["status"]) == ("pre2025:26734", "pre2025", "exact")


def test_a_name_of_both_schemes_goes_to_review_unless_something_decides():
    """Without province, 'Phường Tân Định' is the 2025 ward, or the old ward of Quận 1 (-> the same ward),
    or the old ward of Bình Dương (-> another ward): both readings, never a guess."""
    row = one("12 Hai Bà Trưng, Phường Tân Định")
    assert row["status"] == "scheme_review" and row["new_uid"] is None and row["scheme"] is None
    assert {TAN_DINH_2025, TAN_DINH_BD_2025} <= set(row["candidates"])
    after = resolve_addresses(["12 Hai Bà Trưng, Phường Tân Định"], as_of="01/08/2025").row(0, named=True)
    assert (after["new_uid"], after["scheme"], after["status"]) == (TAN_DINH_2025, "2025", "fuzzy")
    assert "as-of" in after["reason"]
    known = resolve_addresses(["12 Hai Bà Trưng, Phường Tân Định"], scheme="2025").row(0, named=True)
    # other provinces have a Tân Định too: without a city it is read in HCMC, not exact
    assert (known["new_uid"], known["scheme"], known["status"]) == (TAN_DINH_2025, "2025", "fuzzy")
    known = resolve_addresses(["12 Hai Bà Trưng, Phường Tân Định, HCM"], scheme="2025").row(0, named=True)
    assert (known["new_uid"], known["scheme"], known["status"]) == (TAN_DINH_2025, "2025", "exact")
    before = resolve_addresses(["12 Hai Bà Trưng, Phường Tân Định"], as_of="2024-03-01").row(0, named=True)
    assert before["new_uid"] is None and before["status"] == "unresolved"  # two old Tân Định, no district


def test_readings_that_agree_give_the_ward_but_no_scheme():
    row = one("Phường Tân Định, TP.HCM")  # old Tân Định of HCMC went wholly into the new Tân Định
    # every reading lands on that ward: certain (exact since HS3; fuzzy before), the form unknown
    assert (row["new_uid"], row["scheme"], row["status"]) == (TAN_DINH_2025, None, "exact")
    assert row["old_uid"] is None


def test_per_row_scheme_and_as_of_columns():
    out = resolve_addresses(
        ["Phường Tân Định", "Phường Tân Định", "Phường Tân Định", "Phường Tân Định"],
        scheme=["new", None, "bogus", None],
        as_of=[None, "2025-07-01", None, "2025-06-30"],
    )
    assert out["status"].to_list() == ["fuzzy", "fuzzy", "scheme_review", "unresolved"]
    assert out["scheme"].to_list() == ["2025", "2025", None, None]
    with pytest.raises(ValueError, match="as_of"):
        resolve_addresses(["a", "b"], as_of=["2025-01-01"])


def test_contract_check_catches_a_scheme_without_its_unit():
    good = resolve_addresses(["Phường Sài Gòn, TP.HCM", "Phường Tân Định"])
    assert resolved_address_problems(good.select(RESOLVED_ADDRESS.columns), 2) == []
    bad = good.with_columns(old_uid=pl.lit(BEN_NGHE))
    assert any("scheme" in p for p in resolved_address_problems(bad.select(RESOLVED_ADDRESS.columns), 2))
    thin = good.with_columns(candidates=pl.lit(["2025:26737"]))
    assert any("fewer than 2" in p for p in resolved_address_problems(thin.select(RESOLVED_ADDRESS.columns), 2))


# --------------------------------------------------------------------------- the resolve command: encodings, dates


def _cli(*args: str):
    from click.testing import CliRunner

    from pipelines.cli import main

    return CliRunner().invoke(main, ["resolve", *args], catch_exceptions=False)


ROWS = (
    "id;address;date;form\n"
    "1;12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM;2025-08-01;\n"
    "2;Phường Tân Định;2025-09-01;\n"
    "3;Phường Tân Định;01/01/2024;\n"
    "4;P. Bến Nghé, Q.1, TP.HCM;;\n"
    "5;Phường Tân Định;;new\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "vni", "tcvn3", "cp1258"])
def test_cli_detects_legacy_encodings_and_the_delimiter(tmp_path, encoding):
    from pipelines.encodings import encode_cp1258, encode_tcvn3, encode_vni

    encode = {"utf-8": str.encode, "vni": encode_vni, "tcvn3": encode_tcvn3, "cp1258": encode_cp1258}[encoding]
    source, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    source.write_bytes(encode(ROWS))
    result = _cli(
        "--input", str(source), "--column", "address", "--as-of", "date", "--scheme-column", "form",
        "--output", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = pl.read_parquet(out)
    assert got["id"].to_list() == ["1", "2", "3", "4", "5"]
    assert got["new_name"].to_list() == ["Phường Sài Gòn", "Phường Tân Định", None, "Phường Sài Gòn", "Phường Tân Định"]
    assert got["scheme"].to_list() == ["2025", "2025", None, "pre2025", "2025"]
    assert got["status"][2] == "unresolved"  # before the reform: two old Tân Định, no district
    if encoding != "utf-8":
        assert f"read as {encoding}" in result.output


def test_cli_as_of_value_delimiter_and_mistakes(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(ROWS.replace(";", "\t"), encoding="utf-8")
    ok = _cli("--input", str(source), "--column", "address", "--as-of", "2025-07-01", "--output", str(out))
    assert ok.exit_code == 0, ok.output
    assert pl.read_csv(out, infer_schema=False)["scheme"].to_list() == ["2025", "2025", "2025", "pre2025", "2025"]
    bad_date = _cli("--input", str(source), "--column", "address", "--as-of", "soon", "--output", str(out))
    assert bad_date.exit_code == 2 and "--as-of" in bad_date.output
    comma = _cli("--input", str(source), "--column", "address", "--delimiter", ",", "--output", str(out))
    assert comma.exit_code == 1 and "delimiter ','" in comma.output  # ragged rows under the wrong delimiter
    long = _cli("--input", str(source), "--column", "address", "--delimiter", ";;", "--output", str(out))
    assert long.exit_code == 2
    legacy = tmp_path / "vni.csv"
    from pipelines.encodings import encode_vni

    legacy.write_bytes(encode_vni(ROWS))
    wrong = _cli("--input", str(legacy), "--column", "address", "--encoding", "utf-8", "--output", str(out))
    assert wrong.exit_code == 1 and "vni.csv" in wrong.output and "UTF-8" in wrong.output
    missing = _cli("--input", str(source), "--column", "address", "--scheme-column", "nope", "--output", str(out))
    assert missing.exit_code == 2


# --------------------------------------------------------------------------- old-form hard cases (issue 11 §2)


@pytest.mark.parametrize(
    ("address", "ward", "district"),
    [
        ("so 12 Đường Nguyễn Trãi 2 Quận 5 tphcm", "Phường 2", "Quận 5"),
        ("88 trần hưng đạo 7 quận 5 hcm", "Phường 7", "Quận 5"),
        ("12 Lê Lợi Phước Trung Thành phố Bà Rịa", "Phường Phước Trung", "Thành phố Bà Rịa"),
        ("45/2 NGUYEN VAN CU PHUONG AN PHU THUAN AN T. BINH DUONG", "Phường An Phú", "Thành phố Thuận An"),
        ("12 Lê Văn Quới, PBình Hưng Hòa, Q. Bình Tân", "Phường Bình Hưng Hòa", "Quận Bình Tân"),
        ("pnguyen cu trinh, q1, hcm", "Phường Nguyễn Cư Trinh", "Quận 1"),
        ("Xã Quy Đức, Huyện Bình Chánh", "Xã Qui Đức", "Huyện Bình Chánh"),
        ("Xã Quí Đức, H. Bình Chánh", "Xã Qui Đức", "Huyện Bình Chánh"),
    ],
)
def test_hard_old_forms(address, ward, district):
    row = one(address)
    assert (row["old_name"], row["old_district"], row["scheme"]) == (ward, district, "pre2025")
    assert row["status"] in ("exact", "fuzzy")


def test_a_ward_without_marker_is_never_exact_and_never_a_street():
    row = one("88 trần hưng đạo 7 quận 5 hcm")
    assert row["status"] == "fuzzy" and "without marker" in row["reason"]
    assert one("12 Đường Tân Định Quận 1")["status"] == "unresolved"  # the street, not the ward
    assert one("Hẻm 22, Quận Bình Thạnh")["status"] == "unresolved"


def test_a_written_ward_matching_nothing_is_unresolved_with_the_closest_names():
    row = one("12 Lê Lợi, Xã Abcdefg, Huyện Củ Chi, TP.HCM")
    assert row["status"] == "unresolved" and row["old_uid"] is None
    assert "ward not found in Huyện Củ Chi (closest: " in row["reason"]
    # an island district without communes is not the answer for a ward it does not have
    row = one("12 Lê Lợi, Xã Qwerty, Huyện Côn Đảo, BRVT")
    assert row["status"] == "unresolved" and row["old_uid"] is None and "no wards" in row["reason"]
    assert one("Huyện Côn Đảo, BRVT")["old_uid"] == "pre2025-district:755"


def test_input_too_long_is_unresolved_with_its_own_length():
    """Text longer than an address can be (MAX_INPUT_CHARS) is not read (nor cleaned): unresolved, the
    reason giving that row's length, also where two such rows clean to the same text; the rows
    around it read as usual, through the tail path and whole alike."""
    from pipelines.resolve import MAX_INPUT_CHARS

    long = "12 Lê Lợi, " + "x" * 600
    rows = [long, long + " \t ", "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM", "x" * MAX_INPUT_CHARS]
    for by_tail in (True, False):
        out = resolve_addresses(rows, by_tail=by_tail)
        assert out["status"].to_list()[:2] == ["unresolved", "unresolved"]
        assert out["reason"].to_list()[:2] == [
            f"input too long ({n} characters; an address has at most {MAX_INPUT_CHARS})" for n in (611, 614)
        ]
        assert out["new_uid"][:2].is_null().all() and out["candidates"][:2].is_null().all()
        assert out["status"][2] == "exact"
        assert "too long" not in (out["reason"][3] or "")  # the limit itself is still read
