"""The registry generator: determinism, formats, truth consistency, identifiers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.reference import default_reference
from pipelines.synth.registries import (
    SYSTEMS,
    SynthConfig,
    _msts,
    generate,
    is_valid_mst,
    mst_check_digit,
    sample_units,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "registries"
SAMPLE_COMMAND = "uv run wardbridge synth --sample --people 10000 --output data/sample/registries --quiet"


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "a"
    config = SynthConfig(
        people=3000, seed=5, unit_uids=sample_units(), bad_files=True, progress=False, chunk_people=1000
    )
    stats, _ = generate(config, out)
    return out, stats, config


@pytest.fixture(scope="module")
def manifest():
    return json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))


def test_same_seed_same_bytes(small, tmp_path):
    out, _, config = small
    again = tmp_path / "b"
    generate(config, again)
    assert _digest(out) == _digest(again)


def test_other_seed_other_people(small, tmp_path):
    out, _, config = small
    other = tmp_path / "c"
    generate(SynthConfig(**{**config.__dict__, "seed": 6}), other)
    a = pl.read_parquet(out / "truth" / "people.parquet")["full_name"]
    b = pl.read_parquet(other / "truth" / "people.parquet")["full_name"]
    assert not a.head(50).equals(b.head(50))


def test_committed_sample_is_reproducible(tmp_path):
    fresh = tmp_path / "sample"
    generate(SynthConfig(people=10_000, unit_uids=sample_units(), bad_files=True, progress=False), fresh)
    assert _digest(fresh) == _digest(SAMPLE), f"data/sample/registries is stale: regenerate with `{SAMPLE_COMMAND}`"


def test_sample_has_every_format_encoding_and_registry(manifest):
    systems = {(s["fmt"], s["encoding"]) for s in manifest["sources"]}
    assert systems == set(SYSTEMS)
    assert {s["registry"] for s in manifest["sources"]} == {"population", "households", "businesses", "tax"}
    provinces = {u.split(":")[1][:2] for s in manifest["sources"] for u in s["unit_uids"]}
    assert len(provinces) >= 2  # unit codes of the three old provinces start 25/26/27
    assert any(s["structured_address"] for s in manifest["sources"])
    assert {s["dialect"] for s in manifest["sources"]} == {"snake", "vietnamese", "legacy"}
    for s in manifest["sources"]:
        assert (SAMPLE / s["path"]).stat().st_size > 0


def test_sample_covers_all_three_old_provinces(manifest):
    ref = default_reference().units_pre2025
    units = {u for s in manifest["sources"] for u in s["unit_uids"]}
    provinces = set(ref.filter(pl.col("unit_uid").is_in(list(units)))["province_code"])
    assert provinces == {"79", "74", "77"}


def test_bad_files_are_present_and_really_broken(manifest):
    bad = {
        b["id"].split("_", 2)[-1]: b for b in manifest["bad_files"]
    }  # households_767_missing_column -> missing_column
    assert set(bad) == {"truncated", "semicolon", "missing_column", "impossible_dates", "unknown_units"}
    truncated = (SAMPLE / bad["truncated"]["path"]).read_bytes()
    assert not truncated.endswith(b"\n")
    semicolon = (SAMPLE / bad["semicolon"]["path"]).read_text(encoding="utf-8").splitlines()[0]
    assert ";" in semicolon and "," not in semicolon
    missing = bad["missing_column"]
    header = (SAMPLE / missing["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(missing["columns"].values()) - set(header)
    dates = pl.read_csv(SAMPLE / bad["impossible_dates"]["path"], infer_schema=False)
    assert (
        "31/02/1990"
        in dates.to_series(
            list(dates.columns).index(
                bad["impossible_dates"]["columns"].get("date_of_birth")
                or bad["impossible_dates"]["columns"]["registered_on"]
            )
        ).to_list()
    )


def test_truth_covers_every_record(small):
    out, stats, _ = small
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    crosswalk = default_reference().crosswalk.select("old_uid", "new_uid")
    for registry in ("population", "households", "businesses", "tax"):
        truth = pl.read_parquet(out / "truth" / f"{registry}.parquet")
        rows = sum(s["rows"] for s in manifest["sources"] if s["registry"] == registry)
        assert truth.height == rows == stats.records[registry]
        assert truth.select("source_id", "record_no").is_duplicated().sum() == 0
        entity = {
            "population": "person_id",
            "households": "household_id",
            "businesses": "business_id",
            "tax": "business_id",
        }[registry]
        assert truth[entity].null_count() == 0
        # the true new unit is one of the old unit's successors
        known = truth.drop_nulls("true_new_uid").join(
            crosswalk, left_on=["true_old_uid", "true_new_uid"], right_on=["old_uid", "new_uid"], how="anti"
        )
        assert known.height == 0, known.head()
    people = pl.read_parquet(out / "truth" / "people.parquet")
    population = pl.read_parquet(out / "truth" / "population.parquet")
    assert set(population["person_id"]) == set(people["person_id"])
    dup_share = population.group_by("person_id").len().filter(pl.col("len") > 1).height / people.height
    assert 0.08 <= dup_share <= 0.12


def test_people_look_vietnamese(small):
    out, _, _ = small
    people = pl.read_parquet(out / "truth" / "people.parquet")
    shares = people["family"].value_counts(normalize=True).sort("proportion", descending=True)
    assert shares["family"][0] == "Nguyễn" and 0.28 < shares["proportion"][0] < 0.45
    women = people.filter(pl.col("sex") == "F")
    assert (women["middle"] == "Thị").mean() > 0.3
    # CCCD: 12 digits, century/sex digit agrees with sex and birth year
    ids = people.drop_nulls("personal_id")
    assert ids["personal_id"].str.contains(r"^\d{12}$").all()
    digit = ids["personal_id"].str.slice(3, 1).cast(pl.Int32)
    born_2000s = ids["date_of_birth"].dt.year() >= 2000
    female = ids["sex"] == "F"
    assert (digit == (born_2000s.cast(pl.Int32) * 2 + female.cast(pl.Int32))).all()
    assert (
        ids["personal_id"].str.slice(4, 2) == (ids["date_of_birth"].dt.year() % 100).cast(pl.String).str.zfill(2)
    ).all()
    assert people.drop_nulls("old_id_number")["old_id_number"].str.contains(r"^\d{9}$").all()


def test_mst_check_digit_known_values_and_generated_codes():
    # 0100109106 (a long-registered enterprise) has a valid check digit; changing it breaks it
    assert is_valid_mst("0100109106")
    assert not is_valid_mst("0100109107")
    assert is_valid_mst("0100109106-001")
    rng = np.random.default_rng(0)
    valid = rng.random(500) < 0.9
    codes = _msts(rng, np.array(["03"] * 500), valid)
    assert [is_valid_mst(c) for c in codes] == valid.tolist()
    assert all(c.startswith("03") and len(c) == 10 for c in codes)
    assert (mst_check_digit(np.array([[0, 1, 0, 0, 1, 0, 9, 1, 0]])) == 6).all()


def test_business_codes_in_sources_match_the_truth(small):
    out, _, _ = small
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    truth = pl.read_parquet(out / "truth" / "businesses.parquet")
    checked = 0
    for s in manifest["sources"]:
        if s["registry"] != "businesses":
            continue
        path = out / s["path"]
        cols = s["columns"]
        if s["fmt"] == "jsonl":
            frame = pl.read_ndjson(path, infer_schema_length=None).select(pl.all().cast(pl.String))
        elif s["fmt"] == "sqlite":
            with sqlite3.connect(path) as conn:
                frame = pl.read_database(f'SELECT * FROM "{s["registry"]}"', conn)
        elif s["fmt"] == "csv" and s["encoding"] in ("utf-8", "utf-8-sig"):
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
        else:
            continue
        frame = frame.select(
            record_no=pl.col(cols["record_no"]).cast(pl.String), kind=cols["business_kind"], tax_code=cols["tax_code"]
        )
        joined = frame.join(truth.filter(pl.col("source_id") == s["id"]), on="record_no")
        assert joined.height == frame.height
        enterprises = joined.filter(pl.col("kind") == "Doanh nghiệp")
        for code, intended in enterprises.select("tax_code", "mst_intended_valid").iter_rows():
            assert is_valid_mst(code) == intended, code
            checked += 1
        branches = joined.filter(pl.col("kind") == "Chi nhánh")
        assert branches["tax_code"].str.contains(r"^\d{10}-\d{3}$").all()
    assert checked > 20
