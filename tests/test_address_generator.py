"""The synthetic address generator: deterministic, complete, and truthful.

The resolver's accuracy test is only as honest as this truth, so the truth is
checked here against the reference crosswalk and the synthetic gazetteer.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from rapidfuzz.distance import OSA

from pipelines.reference import default_reference, load_reference
from pipelines.schema import GAZETTEER
from pipelines.synth.addresses import (
    MESS_TYPES,
    SYNTHETIC_SOURCE,
    generate_addresses,
    read_truth_csv,
    swap_tone_placement,
    synthetic_gazetteer,
    write_synthetic_gazetteer,
)
from pipelines.text import fold

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reference():
    return default_reference()


@pytest.fixture(scope="module")
def frame(reference):
    return generate_addresses(5000, seed=3, reference=reference)


@pytest.fixture(scope="module")
def gazetteer(reference):
    return synthetic_gazetteer(3, reference)


def test_same_seed_same_frame(reference):
    a = generate_addresses(1500, seed=11, reference=reference)
    b = generate_addresses(1500, seed=11, reference=reference)
    c = generate_addresses(1500, seed=12, reference=reference)
    assert a.equals(b)
    assert not a.equals(c)


def test_every_mess_type_present(reference):
    small = generate_addresses(300, seed=1, reference=reference)
    assert set(small["mess_type"]) == set(MESS_TYPES)


def test_every_old_unit_appears(frame, reference):
    old = set(reference.hcmc_old_units()["unit_uid"])
    assert len(old) == 442
    assert set(frame["true_old_uid"].drop_nulls()) == old


def test_addresses_distinct_and_n_rows(frame):
    assert frame.height == 5000
    assert frame["address"].is_duplicated().sum() == 0


def test_truth_consistent_with_crosswalk(frame, reference, gazetteer):
    parts = reference.crosswalk.group_by("old_uid").agg(
        pl.col("new_uid").sort().alias("cw_candidates"), pl.col("is_split").first().alias("cw_split")
    )
    rows = frame.filter(pl.col("mess_type") != "bad_input").join(
        parts, left_on="true_old_uid", right_on="old_uid", how="left"
    )
    assert rows["cw_candidates"].null_count() == 0
    assert (rows["true_candidates"] == rows["cw_candidates"]).all()
    assert (rows["is_split"] == rows["cw_split"]).all()

    non_split = rows.filter(~pl.col("is_split"))
    assert set(non_split["mess_type"]) <= set(MESS_TYPES) - {"split_evidence", "split_no_evidence"}
    assert (non_split["true_new_uid"] == non_split["true_candidates"].list.first()).all()
    assert non_split["evidence_new_uid"].null_count() == non_split.height

    split = rows.filter(pl.col("is_split"))
    assert set(split["mess_type"]) == {"split_evidence", "split_no_evidence"}
    no_ev = split.filter(pl.col("mess_type") == "split_no_evidence")
    assert no_ev["true_new_uid"].null_count() == no_ev.height
    ev = split.filter(pl.col("mess_type") == "split_evidence")
    assert (ev["true_new_uid"] == ev["evidence_new_uid"]).all()
    assert ev.select(pl.col("true_candidates").list.contains(pl.col("true_new_uid")).all()).item()


def _names_in(address: str | None, names: list[str]) -> list[str]:
    """Gazetteer names that appear as whole words in the address (folded, spaces kept)."""
    if address is None:
        return []
    words = " " + " ".join(re.findall(r"[a-z0-9]+", _fold_spaced(address))) + " "
    return [n for n in names if f" {' '.join(re.findall(r'[a-z0-9]+', _fold_spaced(n)))} " in words]


def _fold_spaced(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in nfd if not unicodedata.combining(c)).replace("đ", "d")


def test_split_evidence_is_in_the_address_and_only_there(frame, gazetteer):
    by_unit = {k: list(zip(g["name"], g["new_uid"], strict=True)) for (k,), g in gazetteer.group_by("old_uid")}
    for address, mess, old_uid, evidence in (
        frame.filter(pl.col("is_split")).select("address", "mess_type", "true_old_uid", "evidence_new_uid").iter_rows()
    ):
        entries = by_unit[old_uid]
        found = _names_in(address, [n for n, _ in entries])
        if mess == "split_evidence":
            assert len(found) == 1, (address, found)
            assert dict(entries)[found[0]] == evidence
        else:
            assert found == [], (address, found)


def test_gazetteer_shape(gazetteer, reference, tmp_path):
    assert GAZETTEER.validate(gazetteer) == []
    assert set(gazetteer["source"]) == {SYNTHETIC_SOURCE}
    split = reference.crosswalk.filter(
        pl.col("is_split") & pl.col("old_uid").is_in(reference.hcmc_old_units()["unit_uid"].implode())
    )
    assert split["old_uid"].n_unique() == 47
    per_part = gazetteer.group_by("old_uid", "new_uid").len()
    joined = split.join(per_part, on=["old_uid", "new_uid"], how="left")
    assert joined["len"].null_count() == 0
    assert joined["len"].min() >= 2 and joined["len"].max() <= 4
    assert gazetteer.select(pl.struct("old_uid", "name_key").is_unique().all()).item()
    assert (gazetteer["name_key"] == gazetteer["name"].map_elements(fold, return_dtype=pl.String)).all()
    path = tmp_path / "gaz.csv"
    write_synthetic_gazetteer(path, 3, reference)
    loaded = load_reference(gazetteers=(path,))
    assert loaded.gazetteer.height == gazetteer.height


def test_mess_types_do_what_they_say(frame, reference):
    units = reference.units_pre2025.select("unit_uid", "name", "short_name", "district_name", "province_name")
    rows = frame.join(units, left_on="true_old_uid", right_on="unit_uid", how="left")

    def of(mess: str) -> pl.DataFrame:
        return rows.filter(pl.col("mess_type") == mess)

    for address, name, district, province in (
        of("clean").select("address", "name", "district_name", "province_name").iter_rows()
    ):
        assert address.endswith(f", {name}, {district}, {province}") or (
            name == district and address.endswith(f", {district}, {province}")
        )
        assert unicodedata.is_normalized("NFC", address)
    assert of("no_diacritics")["address"].str.contains(r"[^\x00-\x7f]").sum() == 0
    nfd = of("nfd")["address"].to_list()
    assert all(a != unicodedata.normalize("NFC", a) for a in nfd)
    assert all(a in (a.upper(), a.lower()) for a in of("case")["address"])
    assert of("no_commas")["address"].str.contains(",").sum() == 0
    assert of("old_district")["address"].str.contains(r"(Quận|Quan|Q\.?) (2|9|Thủ Đức|Thu Duc)\b").all()
    missing = of("province_missing")
    assert not missing["address"].str.contains(r"Hồ Chí Minh|Ho Chi Minh|Tỉnh |Tinh |TP\. HCM").any()
    short = of("province_short")["address"]
    assert short.str.contains(r", (HCM|TPHCM|TP\.HCM|Tp HCM|SG|BD|BRVT|BR-VT)$").all()
    # bare number: the ward is a number standing alone between commas
    bare = of("bare_number")
    assert bare.select(pl.col("address").str.contains(r"(^|, )\d{1,2}, ").all()).item()
    # compact: a unit-type abbreviation glued to the name or number
    assert of("compact")["address"].str.contains(r"\b(P|F|Q|X|TT|H|TP)\.?(\d|\p{Lu}\p{Ll})").all()
    # accent placement: the address is another string than the reference spelling, equal once folded
    for (address,) in of("accent_placement").select("address").iter_rows():
        assert swap_tone_placement(address) != address
    # typo: one edit away from the real name, never in a number
    for detail, short_name, district in of("typo").select("mess_detail", "short_name", "district_name").iter_rows():
        m = re.match(r"(\w+) (ward|district): (.+)$", detail.split("; ")[-1])
        assert m, detail
        original = (
            short_name
            if m.group(2) == "ward"
            else district.split(" ", 1)[1]
            if not district.startswith("Thành phố")
            else district[len("Thành phố ") :]
        )
        assert OSA.distance(fold(m.group(3)), fold(original)) == 1, (detail, original)
        assert len(fold(original)) >= 5 and not any(c.isdigit() for c in original)
    bad = of("bad_input")
    assert bad["true_old_uid"].null_count() == bad.height and bad["true_new_uid"].null_count() == bad.height
    assert bad["address"].null_count() == 1 and (bad["address"].str.len_chars() > 10_000).any()


def test_committed_sample_is_reproducible():
    path = REPO / "data/sample/old_addresses.csv"
    gaz_path = REPO / "data/sample/gazetteer_sample.csv"
    sample = read_truth_csv(path)
    gaz = load_reference(gazetteers=(gaz_path,)).gazetteer
    assert sample.equals(generate_addresses(2000, seed=42, gazetteer=gaz)), (
        "regenerate: python -m pipelines.synth.addresses --n 2000 --seed 42"
    )
    assert set(sample["mess_type"]) == set(MESS_TYPES)


def test_2025_form_rows_are_opt_in_and_say_what_they_are(reference):
    from pipelines.synth.addresses import ALL_MESS_TYPES, NEW_FORM_MESS_TYPES

    frame = generate_addresses(3000, seed=5, reference=reference, mess_types=ALL_MESS_TYPES)
    new = frame.filter(pl.col("mess_type").is_in(NEW_FORM_MESS_TYPES))
    assert set(new["mess_type"]) == set(NEW_FORM_MESS_TYPES)
    assert new["true_old_uid"].null_count() == new.height and new["true_new_uid"].null_count() == 0
    assert (new["true_candidates"].list.len() == 1).all() and not new["is_split"].any()
    units = reference.units_2025.select("unit_uid", "short_name", "province_code", "province_name")
    rows = new.join(units, left_on="true_new_uid", right_on="unit_uid")
    assert rows.height == new.height
    # whole country, no district written
    assert rows["province_code"].n_unique() > 20
    assert not rows["address"].str.contains(r"(?i)\b(Quận|Huyện|Thị xã) ").any()
    clean = rows.filter(pl.col("mess_type") == "new_clean")
    for address, short, province in clean.select("address", "short_name", "province_name").iter_rows():
        assert address.endswith(f" {short}, {province}")
    assert rows.filter(pl.col("mess_type") == "new_no_commas")["address"].str.contains(",").sum() == 0
    missing = rows.filter(pl.col("mess_type") == "new_province_missing")
    assert (missing["province_code"] == "79").all()
    assert not missing["address"].str.contains("Hồ Chí Minh").any()
    # a name of both schemes: an old unit of the same type and folded name went to another ward
    old = reference.units_pre2025.with_columns(k=pl.col("short_name").map_elements(fold, return_dtype=pl.String))
    both = rows.filter(pl.col("mess_type") == "new_both_schemes").with_columns(
        k=pl.col("short_name").map_elements(fold, return_dtype=pl.String)
    )
    assert both.height > 0
    olds = both.join(old.select("unit_uid", "k"), on="k").join(
        reference.crosswalk.select("old_uid", "new_uid"), left_on="unit_uid", right_on="old_uid"
    )
    elsewhere = olds.filter(pl.col("new_uid") != pl.col("true_new_uid"))["true_new_uid"].unique()
    assert set(both["true_new_uid"]) <= set(elsewhere)
    # the default output holds no 2025-form row (the committed sample stays reproducible)
    assert not generate_addresses(500, seed=5, reference=reference)["mess_type"].is_in(NEW_FORM_MESS_TYPES).any()


def test_hard_old_form_rows(reference):
    from pipelines.synth.addresses import HARD_OLD_MESS_TYPES, flip_iy

    assert flip_iy("Quý Đức") == "Quí Đức" and flip_iy("Mĩ Phước") == "Mỹ Phước"
    assert flip_iy("Thủy") == "Thủy" and flip_iy("Tây Hải") == "Tây Hải"  # other vowels stay
    frame = generate_addresses(2000, seed=8, reference=reference, mess_types=HARD_OLD_MESS_TYPES)
    units = reference.units_pre2025.select("unit_uid", "short_name", "district_short_name")
    rows = frame.join(units, left_on="true_old_uid", right_on="unit_uid")
    assert set(rows["mess_type"]) == set(HARD_OLD_MESS_TYPES)
    no_markers = rows.filter(pl.col("mess_type") == "no_markers")
    assert no_markers["address"].str.contains(",").sum() == 0
    assert not no_markers["address"].str.contains(r"\b(Phường|Xã|Thị trấn)\b").any()
    iy = rows.filter(pl.col("mess_type") == "iy_variant")
    for address, short in iy.select("address", "short_name").iter_rows():
        assert flip_iy(short) != short and f" {flip_iy(short)}, " in address  # the district may keep its spelling
