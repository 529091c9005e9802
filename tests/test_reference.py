"""Invariants of the administrative reference data (Resolution 1685/NQ-UBTVQH15)."""

import json

import polars as pl
import pytest

from pipelines.reference import HCMC_NEW_PROVINCE, HCMC_OLD_PROVINCES, load_reference
from pipelines.schema import REFERENCE_TABLES
from pipelines.warehouse import REPO_ROOT


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def hcmc_crosswalk(ref):
    old = ref.hcmc_old_units().select("unit_uid", "province_code")
    return ref.crosswalk.join(old, left_on="old_uid", right_on="unit_uid")


def test_every_table_meets_its_declared_schema(ref):
    for table in REFERENCE_TABLES:
        assert table.validate(ref.tables()[table.name]) == [], table.name


def test_national_unit_counts(ref):
    assert ref.units_pre2025["province_code"].n_unique() == 63
    assert ref.units_2025["province_code"].n_unique() == 34
    assert ref.units_2025.height == 3321
    assert 10_000 <= ref.units_pre2025.height <= 10_100


def test_new_hcmc_has_168_units_from_442_old(ref, hcmc_crosswalk):
    new = ref.hcmc_new_units()
    assert new.height == 168
    assert new["unit_type"].value_counts().sort("unit_type").rows() == [("Phường", 113), ("Xã", 54), ("Đặc khu", 1)]
    old = ref.hcmc_old_units()
    assert old.height == 442
    counts = dict(old.group_by("province_code").len().iter_rows())
    assert counts == {"79": 273, "74": 91, "77": 78}
    # every old HCMC-area unit goes only to new HCMC units
    assert set(hcmc_crosswalk["new_uid"]) <= set(new["unit_uid"])


def test_every_old_unit_has_a_successor_and_every_new_unit_a_predecessor(ref, hcmc_crosswalk):
    assert set(ref.units_pre2025["unit_uid"]) == set(ref.crosswalk["old_uid"])
    assert set(ref.units_2025["unit_uid"]) == set(ref.crosswalk["new_uid"])
    assert set(hcmc_crosswalk["new_uid"]) == set(ref.hcmc_new_units()["unit_uid"])


def test_47_split_units_each_with_one_default_part(ref, hcmc_crosswalk):
    split = hcmc_crosswalk.filter("is_split")
    assert split["old_uid"].n_unique() == 47
    per_old = split.group_by("old_uid").agg(
        parts=pl.len(), defaults=pl.col("is_default").sum(), n_parts=pl.col("n_parts").first()
    )
    assert per_old.filter(pl.col("defaults") != 1).height == 0
    assert per_old.filter(pl.col("parts") != pl.col("n_parts")).height == 0
    assert per_old["parts"].min() >= 2
    assert hcmc_crosswalk.filter(~pl.col("is_split"))["n_parts"].unique().to_list() == [1]


def test_a_units_type_is_the_one_its_name_states_and_corrections_carry_provenance(ref):
    # vietnamadminunits 1.0.4 types Phú Nhuận's "Phường 5" and "Phường 15" (and 5 more) as Xã: the generator then
    # wrote "Xã 15, Quận Phú Nhuận" and the marts typed them so. scripts/build_reference.py takes the type the name
    # states and lists each change in provenance.json
    units = pl.concat(
        [
            ref.units_pre2025.select("unit_uid", "name", "unit_type"),
            ref.units_2025.select("unit_uid", "name", "unit_type"),
        ]
    )
    stated = units["name"].str.extract(r"^(Phường|Xã|Thị trấn|Đặc khu) ", 1)
    contradicting = units.filter(stated.is_not_null() & (stated != units["unit_type"]))
    assert contradicting.height == 0, contradicting.head(5)
    provenance = json.loads((REPO_ROOT / "mappings" / "reference" / "provenance.json").read_text(encoding="utf-8"))
    corrected = {c["unit_uid"]: c["corrected"] for c in provenance["corrections"]}
    assert corrected["pre2025:27076"] == "Phường" and len(corrected) == 7
    types = dict(units.select("unit_uid", "unit_type").iter_rows())
    assert all(types[uid] == now for uid, now in corrected.items())


def test_codes_are_scheme_qualified_and_reused_codes_stay_distinct(ref):
    old = dict(ref.units_pre2025.select("unit_uid", "name").iter_rows())
    new = dict(ref.units_2025.select("unit_uid", "name").iter_rows())
    # design.md: 26740 was Bến Nghé and is now Sài Gòn; 26737 was Đa Kao and is now Tân Định
    assert old["pre2025:26740"] == "Phường Bến Nghé" and new["2025:26740"] == "Phường Sài Gòn"
    assert old["pre2025:26737"] == "Phường Đa Kao" and new["2025:26737"] == "Phường Tân Định"
    assert not set(old) & set(new)
    assert ref.units_pre2025["unit_uid"].str.starts_with("pre2025").all()
    assert ref.units_2025["unit_uid"].str.starts_with("2025:").all()


def test_text_is_nfc(ref):
    import unicodedata

    for name in ref.units_2025["name"].to_list() + ref.units_pre2025["name"].to_list():
        assert unicodedata.is_normalized("NFC", name), name


def test_user_aliases_are_merged(ref):
    hcm = ref.aliases.filter((pl.col("alias_key") == "tphcm") & (pl.col("level") == "province"))
    assert hcm["target_uid"].to_list() == [f"pre2025-province:{HCMC_NEW_PROVINCE}"]
    assert set(HCMC_OLD_PROVINCES) == {"79", "74", "77"}


def test_user_table_errors_name_the_file_and_problem(tmp_path):
    bad = tmp_path / "aliases.csv"
    bad.write_text("level,alias,alias_key,target_uid,source\ncity,HCM,,pre2025-province:79,me\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"aliases.csv.*level.*city"):
        load_reference(user_aliases=bad)
