"""Standard exports (pipelines/publish/exports.py, assets/exports.py) built from a real run of the bundled sample.

The sample goes through the real jobs once per session (tests/marts_fixture.py: reference, ingest, entities,
marts and exports, one ``wardbridge run`` with a pseudonym key on one persistent Dagster instance); this module
copies that warehouse, exports and all, and reads the runs of its marts and exports jobs back from the instance
(so source run ids can be checked). The quality gate tests corrupt a copy of that warehouse (a ward code outside
the 2025 dimension, a duplicate key, a bad MST check digit, an impossible age, a mart whose totals disagree with
the ward summary) and check that the gate names the expectation and row keys and leaves the previous export as it
was.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from frictionless import validate as frictionless_validate

from assets.definitions import defs
from assets.exports import EXPORT_ASSETS, GATE_CHECK, JOB, build_export_asset
from assets.resources import WarehouseResource
from pipelines.publish.exports import (
    EXPORTS_DIR,
    DeclarationError,
    ExportError,
    GateRejected,
    export,
    load_declaration,
    load_declarations,
    pseudonym_key,
    recover,
    shape,
)
from pipelines.schema import POPULATION_BY_SEX_AGE, entities_table
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts
from tests.runhelpers import TEST_KEY
from tests.warehouse_parts import copy_parts, export_parts

REPO = Path(__file__).resolve().parents[1]
KEY = TEST_KEY  # the session's sample run exported with it (tests/runhelpers.py run_sample)
RECIPIENTS = ("public_security", "finance_tax", "statistics", "home_affairs")
DATA_SUFFIXES = (".csv", ".parquet")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """(warehouse, the session's warehouse, {job: run}): a copy of the session's sample run's warehouse, with the
    packages its wardbridge_exports job published (tests that export again write into the copy), and that run's
    jobs as recorded by its instance (tests/marts_fixture.py). The module used to run the marts and exports jobs
    again in-process on its own instance (with a key of its own) for the same packages: ~25 s of a CI run."""
    source, results = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("exports") / "wh"
    shutil.copytree(source, root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDBRIDGE_PSEUDONYM_KEY", KEY)
        yield Warehouse(root), source, results


def _folder(wh: Warehouse, recipient: str) -> Path:
    return wh.root / "exports" / recipient


def _package(wh: Warehouse, recipient: str) -> dict:
    return json.loads((_folder(wh, recipient) / "datapackage.json").read_text(encoding="utf-8"))


def _resource(package: dict, name: str) -> dict:
    return next(r for r in package["resources"] if r["name"] == name)


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in DATA_SUFFIXES}


def _all_files(folder: Path) -> dict[str, bytes]:
    """Every file of an export, Data Docs included, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _entities(wh: Warehouse, kind: str) -> pl.DataFrame:
    return pl.read_parquet(wh.parquet_path("entities", entities_table(kind).name))


def _marts(wh: Warehouse, table: str) -> pl.DataFrame:
    with duckdb.connect(str(wh.root / "analytics.duckdb"), read_only=True) as con:
        return con.sql(f"SELECT * FROM marts.{table}").pl()


# --------------------------------------------------------------------------- the packages


def test_jobs_succeed_and_every_declared_recipient_is_an_asset(run):
    _, source, results = run
    assert results["wardbridge_marts"].success and results[JOB].success
    assert {k.to_user_string() for k in defs.resolve_job_def(JOB).asset_layer.executable_asset_keys} == {
        f"export_{r}" for r in RECIPIENTS
    }
    assert set(load_declarations()) == set(RECIPIENTS)
    assert {a.key.to_user_string() for a in EXPORT_ASSETS} == {f"export_{r}" for r in RECIPIENTS}
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("export_statistics")).parent_keys} == {"analytics_mart"}
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("export_public_security")).parent_keys} == {
        "people_entities",
        "households_entities",
        "analytics_mart",  # the gate's 2025 dimension and city totals
    }
    checks = {e.asset_key.to_user_string(): e for e in results[JOB].get_asset_check_evaluations()}
    assert set(checks) == {f"export_{r}" for r in RECIPIENTS}
    for recipient, evaluation in checks.items():
        assert evaluation.check_name == GATE_CHECK and evaluation.passed
        docs = Path(evaluation.metadata["gx_data_docs"].value)  # where the session's run published it
        assert docs == source / "exports" / recipient.removeprefix("export_") / "validation" / "index.html"
        assert docs.is_file()
    materialised = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in results[JOB].get_asset_materialization_events()
    }
    assert all(Path(m["gx_data_docs"].value).is_file() for m in materialised.values())


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_frictionless_validates_every_export(run, recipient):
    """`frictionless validate` as a recipient runs it, its report read as JSON (one validation of the package, not
    one in this process and one by the command: ~1.5 CPU s each)."""
    wh = run[0]
    folder = _folder(wh, recipient)
    # --no-sync: the project environment as installed (a sync checks every package's bytecode again, ~0.9 CPU s)
    proc = subprocess.run(
        ["uv", "run", "--no-sync", "--project", str(REPO), "frictionless", "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["valid"] and not report["errors"], [e for t in report["tasks"] for e in t["errors"]][:20]
    tasks = {t["name"]: t for t in report["tasks"]}
    assert all(t["valid"] for t in tasks.values())
    package = _package(wh, recipient)
    assert set(tasks) == {r["name"] for r in package["resources"]}


def test_frictionless_catches_a_tampered_file(run, tmp_path):
    """The hashes, sizes and row counts in datapackage.json are what frictionless checks the files against."""
    copy = tmp_path / "public_security"
    shutil.copytree(_folder(run[0], "public_security"), copy)
    with open(copy / "households.csv", "a", encoding="utf-8") as handle:
        handle.write("H-0000000000000000,1,,,,,,,,\n")
    report = frictionless_validate(copy / "datapackage.json")
    assert not report.valid
    errors = {row[0] for row in report.flatten(["type"])}
    assert {"hash-count", "byte-count", "row-count"} <= errors


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_package_describes_every_file(run, recipient):
    wh, _, results = run
    folder = _folder(wh, recipient)
    package = _package(wh, recipient)
    datetime.strptime(package["created"], "%Y-%m-%dT%H:%M:%SZ")
    meta = package["wardbridge"]
    assert meta["run_id"] == results[JOB].run_id
    assert meta["code_scheme"]["scheme"] == "2025"
    listed = {r["path"] for r in package["resources"]}
    assert listed == {p.name for p in folder.iterdir()} - {"datapackage.json", "validation"}
    for r in package["resources"]:
        data = (folder / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert r["bytes"] == len(data)
        assert meta["files"][r["path"]]["sha256"] == hashlib.sha256(data).hexdigest()
        if r["path"].endswith(".parquet"):
            assert meta["files"][r["path"]]["rows"] == pl.read_parquet(folder / r["path"]).height
        if r["path"].endswith(".csv"):
            assert r["rows"] == pl.read_csv(folder / r["path"], infer_schema=False).height
            assert r["encoding"] == "utf-8" and r["schema"]["missingValues"] == [""]
            assert r["schema"]["primaryKey"]
    validation = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    assert validation["valid"] and all(o["success"] for res in validation["resources"] for o in res["outcomes"])
    assert [r["resource"] for r in validation["resources"]] == [
        r["name"] for r in package["resources"] if r["type"] == "table"
    ]


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_gate_data_docs_are_kept_inside_the_export(run, recipient):
    """A GX suite per resource derived from the declaration, its Data Docs in <export>/validation/."""
    wh = run[0]
    folder = _folder(wh, recipient)
    validation = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    index = (folder / "validation" / "index.html").read_text(encoding="utf-8")
    declaration = load_declarations()[recipient]
    for resource, report in zip(declaration.resources, validation["resources"], strict=True):
        docs = folder / report["data_docs"]
        assert docs == folder / "validation" / resource.name / "index.html" and docs.is_file()
        assert f'href="{resource.name}/index.html"' in index
        gate = json.loads((docs.parent / "gate.json").read_text(encoding="utf-8"))
        assert gate["passed"] and gate["rows"] == report["rows"] and gate["docs_index"] == "index.html"
        rules = {(o["rule"], tuple(o["columns"])) for o in report["outcomes"]}
        for f in resource.exported:  # every exported field is expected to exist, with its declared dtype
            assert ("exists", (f.name,)) in rules and ("dtype", (f.name,)) in rules
            if f.required:
                assert ("required", (f.name,)) in rules
            if f.enum:
                assert ("allowed", (f.name,)) in rules
            if f.unit == "uid" and f.scheme == "2025":
                assert ("ward_in_dimension", (f.name,)) in rules
        assert ("primary_key", tuple(resource.primary_key)) in rules
    engines = {o["engine"] for r in validation["resources"] for o in r["outcomes"]}
    assert engines == {"gx", "polars"}


def test_domain_rules_and_city_totals_are_in_the_gates(run):
    wh = run[0]

    def outcomes(recipient: str, resource: str) -> list[dict]:
        report = json.loads((_folder(wh, recipient) / "validation.json").read_text(encoding="utf-8"))
        return next(r for r in report["resources"] if r["resource"] == resource)["outcomes"]

    businesses = outcomes("finance_tax", "businesses")
    assert {tuple(o["columns"]) for o in businesses if o["rule"] == "mst_check_digit"} == {("tax_code",)}
    # the sample holds registered codes with a wrong check digit, exported and flagged 'invalid': exempt
    exported = pl.read_parquet(_folder(wh, "finance_tax") / "businesses.parquet")
    assert exported.filter(pl.col("tax_code_kind") == "invalid").height > 0
    taxpayers = outcomes("finance_tax", "taxpayers")
    assert any(o["rule"] == "mst_check_digit" and o["columns"] == ["taxpayer_code"] for o in taxpayers)
    population = outcomes("public_security", "population")
    assert any(o["rule"] == "age_range" and o["columns"] == ["date_of_birth"] for o in population)
    summary = _marts(wh, "ward_summary")
    city_people = next(o for o in population if o["name"] == "city_total_people")
    assert city_people["success"] and city_people["columns"] == [
        "population rows with ward_uid",
        "marts.ward_summary.people",
    ]
    placed = pl.read_parquet(_folder(wh, "public_security") / "population.parquet")["ward_uid"].drop_nulls().len()
    assert placed == summary["people"].sum()  # the identity the gate checks, computed here independently
    by_sex = outcomes("statistics", "population_by_sex_age")
    assert {o["name"] for o in by_sex if o["rule"] == "totals_equal"} >= {
        "city_total_people",
        "city_total_people_estimated",
        "city_total_people_pending_split",
        "total_equals_source",
    }
    reconciliation = outcomes("home_affairs", "old_unit_reconciliation")
    assert {o["name"] for o in reconciliation if o["rule"] == "totals_equal"} >= {
        "city_total_records_in_old_form",
        "city_total_merged_old_form",
    }
    # rows written in the 2025 form have no old unit: the reconciliation holds the others
    recon = _marts(wh, "old_unit_reconciliation")
    new_form = summary["records_in_2025_form"].sum()
    assert recon["records_out"].sum() == summary["records_in"].sum() - new_form
    assert recon["merged"].sum() == summary["merged"].sum() - summary["merged_2025_form"].sum()
    crosswalk = outcomes("home_affairs", "crosswalk")
    assert any(o["rule"] == "unit_in_dimension" and o["columns"] == ["old_unit_uid"] for o in crosswalk)


def test_source_runs_are_the_runs_that_published_the_sources(run):
    wh, _, results = run
    marts_run = results["wardbridge_marts"].run_id
    assert set(_package(wh, "statistics")["wardbridge"]["source_runs"].values()) == {marts_run}
    assert set(_package(wh, "home_affairs")["wardbridge"]["source_runs"].values()) == {marts_run}
    # the entities' run of the same instance (an export without a known run says null: the rerun test below)
    entities_run = results["wardbridge_entities"]
    assert {"people_entities", "households_entities"} <= {
        e.asset_key.to_user_string() for e in entities_run.get_asset_materialization_events()
    }
    assert _package(wh, "public_security")["wardbridge"]["source_runs"] == {
        "entities.households_entities": entities_run.run_id,
        "entities.people_entities": entities_run.run_id,
    }


def test_constraints_come_from_the_table_declarations(run):
    wh = run[0]
    population = {f["name"]: f for f in _resource(_package(wh, "public_security"), "population")["schema"]["fields"]}
    assert population["sex"]["constraints"]["enum"] == ["M", "F"]  # declared in the TOML
    assert population["person_id"]["constraints"]["required"] is True
    assert population["date_of_birth"]["type"] == "date"
    assert population["ward_uid"]["constraints"]["pattern"] == "^2025:[0-9]{5}$"
    assert "phone" not in population  # withheld
    by_sex = {f["name"]: f for f in _resource(_package(wh, "statistics"), "population_by_sex_age")["schema"]["fields"]}
    declared = next(f for f in POPULATION_BY_SEX_AGE.fields if f.name == "sex")
    assert by_sex["sex"]["constraints"] == {
        "required": True,
        "enum": list(declared.allowed),
    }  # from pipelines/schema.py
    assert _resource(_package(wh, "statistics"), "population_by_sex_age")["schema"]["primaryKey"] == [
        "ward_uid",
        "sex",
        "age_band",
    ]
    ward = {f["name"]: f for f in _resource(_package(wh, "statistics"), "ward_summary")["schema"]["fields"]}
    assert ward["people"]["type"] == "integer" and ward["people"]["constraints"]["required"] is True
    crosswalk = {f["name"]: f for f in _resource(_package(wh, "home_affairs"), "crosswalk")["schema"]["fields"]}
    assert crosswalk["allocation_share"]["type"] == "number"
    assert crosswalk["is_split"]["type"] == "boolean"


def test_exported_rows_are_the_warehouse_rows(run):
    wh = run[0]
    folder = _folder(wh, "public_security")
    people = _entities(wh, "people").sort("entity_id")
    population = pl.read_parquet(folder / "population.parquet")
    assert population["person_id"].to_list() == people["entity_id"].to_list()  # sorted by the primary key
    assert population["full_name"].to_list() == people["full_name"].to_list()
    assert population["ward_uid"].to_list() == people["new_uid"].to_list()
    codes = people["new_uid"].to_list()
    assert population["ward_code"].to_list() == [None if u is None else u.split(":")[1] for u in codes]
    assert "phone" not in population.columns
    assert pl.read_csv(folder / "population.csv", schema=population.schema).equals(population)

    summary = _marts(wh, "ward_summary").sort("new_uid")
    exported = pl.read_csv(_folder(wh, "statistics") / "ward_summary.csv", infer_schema_length=None)
    assert exported["ward_uid"].to_list() == summary["new_uid"].to_list()
    assert exported["people_estimated"].sum() == summary["people_estimated"].sum()
    assert exported["ward_code"].cast(pl.String).str.zfill(5).to_list() == summary["new_ward_code"].to_list()

    # the statistics package's city summary counts every entity: those of no ward too (unplaced)
    city = pl.read_csv(_folder(wh, "statistics") / "city_summary.csv")
    rows = dict(city.select("entity_kind", "entities").iter_rows())
    taxpayers = pl.read_parquet(_folder(wh, "finance_tax") / "taxpayers.parquet")
    assert rows["taxpayers"] == taxpayers.height and rows["people"] == population.height
    assert (city["entities"] == city["estimated"] + city["unplaced"]).all()
    estimated = dict(city.select("entity_kind", "estimated").iter_rows())
    assert estimated["people"] == exported["people_estimated"].sum()


def test_personal_fields_are_withheld_or_pseudonymised_as_declared(run):
    wh = run[0]
    businesses = pl.read_parquet(_folder(wh, "finance_tax") / "businesses.parquet")
    assert "owner_name" not in businesses.columns and "owner_personal_id" not in businesses.columns
    golden = _entities(wh, "businesses").select("entity_id", "owner_personal_id")
    joined = businesses.select("business_id", "owner_key").join(
        golden, left_on="business_id", right_on="entity_id", how="inner"
    )
    assert joined.height == businesses.height
    for owner_id, key in joined.select("owner_personal_id", "owner_key").iter_rows():
        expected = (
            None
            if owner_id is None
            else hmac.new(KEY.encode(), f"finance_tax:{owner_id}".encode(), hashlib.sha256).hexdigest()[:32]
        )
        assert key == expected
    folder = _folder(wh, "finance_tax")
    text = "".join((folder / f).read_text(encoding="utf-8") for f in ("businesses.csv", "taxpayers.csv"))
    # no owner's ID anywhere in the package (review h6 F10: household businesses are registered under it)
    owners = golden["owner_personal_id"].drop_nulls().unique().to_list()
    assert owners and not any(v in text for v in owners)
    # a 12-digit registration number is the owner's ID: exported as the owner's pseudonym (the same kind)
    source = _entities(wh, "businesses").select("entity_id", "registration_no", "tax_code", "tax_code_kind")
    rows = businesses.join(source, left_on="business_id", right_on="entity_id", suffix="_src")
    personal = rows.filter(pl.col("registration_no_src").str.contains("^[0-9]{12}$"))
    assert personal.height > 0
    assert personal["registration_no"].to_list() == [_pseudonym(v) for v in personal["registration_no_src"]]
    owned = personal.filter(pl.col("owner_key").is_not_null())
    assert owned.height > 0 and (owned["registration_no"] == owned["owner_key"]).all()
    # a household business is taxed under its owner's personal tax code (a 10-digit MST before July 2025, shaped as
    # an enterprise's): its tax code and registration number are pseudonymised (HF1), an enterprise's are in clear
    household_kind = pl.col("business_kind").str.contains(_household_rule("businesses", "business_name").matches)
    hkd = rows.filter(household_kind)
    hkd_codes = hkd.filter(pl.col("tax_code_kind") == "enterprise")
    assert hkd_codes.height > 0 and hkd_codes["tax_code_src"].str.contains("^[0-9]{10}$").all()
    for field in ("tax_code", "registration_no"):
        kept = hkd.filter(pl.col(f"{field}_src").is_not_null())
        assert kept[field].to_list() == [_pseudonym(v) for v in kept[f"{field}_src"]]
    others = rows.filter(~pl.col("registration_no_src").str.contains("^[0-9]{12}$") & ~household_kind)
    enterprises = others.filter(pl.col("tax_code_kind") == "enterprise")
    assert enterprises.height > 0
    assert others["registration_no"].to_list() == others["registration_no_src"].to_list()  # in clear elsewhere
    assert others["tax_code"].to_list() == others["tax_code_src"].to_list()
    # taxpayers: personal codes pseudonymised, persons' and household businesses' names withheld
    taxpayers = pl.read_parquet(folder / "taxpayers.parquet")
    tp = taxpayers.join(
        _entities(wh, "taxpayers").select("entity_id", "taxpayer_code", "taxpayer_name"),
        left_on="taxpayer_id",
        right_on="entity_id",
        suffix="_src",
    )
    is_person = pl.col("tax_code_kind") == "personal_id"
    assert tp.filter(is_person).height > 0
    assert tp.filter(is_person)["taxpayer_code"].str.contains("^[0-9a-f]{32}$").all()
    # the declared rule for "Hộ kinh doanh" as written (typos, no diacritics, HKD): tests/test_export_withhold.py
    household_rule = _household_rule("taxpayers", "taxpayer_name")
    # a household business's code, in taxpayers too (HF1), whatever the taxpayer's name: the same pseudonym as in
    # businesses (same_value_same_pseudonym); the codes of enterprises and branches in clear
    household_code = pl.col("taxpayer_code_src").is_in(hkd["tax_code_src"].drop_nulls().implode())
    hidden = is_person | household_code | pl.col("taxpayer_name_src").str.contains(household_rule.matches)
    traded = tp.filter(household_code & ~pl.col("taxpayer_name_src").str.contains(household_rule.matches))
    assert traded.height > 0 and tp.filter(~hidden).height > 0
    assert tp.filter(hidden)["taxpayer_code"].to_list() == [
        _pseudonym(v) for v in tp.filter(hidden)["taxpayer_code_src"]
    ]
    assert tp.filter(~hidden)["taxpayer_code"].to_list() == tp.filter(~hidden)["taxpayer_code_src"].to_list()
    same = traded.join(hkd.select("tax_code_src", "tax_code"), left_on="taxpayer_code_src", right_on="tax_code_src")
    assert same.height == traded.height and (same["taxpayer_code"] == same["tax_code"]).all()
    withheld = is_person | pl.col("taxpayer_name_src").str.contains(household_rule.matches)
    assert (
        tp.filter(withheld).height > 0
        and tp.filter(withheld)["taxpayer_name"].null_count() == tp.filter(withheld).height
    )
    assert tp.filter(~withheld)["taxpayer_name"].to_list() == tp.filter(~withheld)["taxpayer_name_src"].to_list()
    # no withheld name is exported as a name (whole values: names of persons recur inside company names)
    exported_names = set(taxpayers["taxpayer_name"].drop_nulls()) | set(businesses["business_name"].drop_nulls())
    household_names = tp.filter(pl.col("taxpayer_name_src").str.contains(household_rule.matches))["taxpayer_name_src"]
    assert household_names.len() > 0 and exported_names.isdisjoint(household_names)
    # household businesses are named after their owner: withheld there too (in clear for the others)
    named = rows.join(
        _entities(wh, "businesses").select("entity_id", "business_name"),
        left_on="business_id",
        right_on="entity_id",
        suffix="_src",
    )
    household = pl.col("business_name_src").str.contains(household_rule.matches)
    assert named.filter(household).height > 0 and named.filter(household)["business_name"].is_null().all()
    assert (
        named.filter(~household)["business_name"].to_list() == named.filter(~household)["business_name_src"].to_list()
    )
    owner_names = _entities(wh, "businesses")["owner_name"].drop_nulls().unique().to_list()
    assert owner_names and not any(f"Hộ kinh doanh {n}" in exported_names for n in owner_names)
    # independent of the declared pattern: no exported name ends with the full name of a household business's
    # owner (the shape "<prefix as written> <owner>"; a trade name like "Bánh mì Chi" has no full name in it)
    household_owners = (
        _entities(wh, "businesses")
        .filter((pl.col("business_kind") == "Hộ kinh doanh") & (pl.col("owner_name").str.count_matches(" ") >= 2))
        .get_column("owner_name")
        .unique()
    )
    ends_with_owner = [n for n in exported_names if any(n.endswith(" " + o) for o in household_owners)]
    assert household_owners.len() > 0 and ends_with_owner == []
    described = {
        f["name"]: f["description"] for f in _resource(_package(wh, "finance_tax"), "taxpayers")["schema"]["fields"]
    }
    assert "Pseudonymised on the rows where tax_code_kind is one of 'personal_id'" in described["taxpayer_code"]
    assert "Withheld (empty) on the rows where tax_code_kind is one of 'personal_id'" in described["taxpayer_name"]
    meta = _package(wh, "finance_tax")["wardbridge"]
    assert meta["personal_fields"]["businesses"]["owner_name"] == "withhold"
    assert meta["personal_fields"]["businesses"]["registration_no"].startswith("include; pseudonymise where")
    assert meta["pseudonymisation"]["kinds"]["businesses.registration_no"] == "finance_tax"
    assert meta["pseudonymisation"]["same_value_same_pseudonym"].startswith("businesses.tax_code, ")
    assert meta["pseudonymisation"]["key_env"] == "WARDBRIDGE_PSEUDONYM_KEY"
    assert KEY not in json.dumps(meta)


def _pseudonym(value: str) -> str:
    return hmac.new(KEY.encode(), f"finance_tax:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _household_rule(resource: str, field: str):  # noqa: ANN202 - a RowCondition
    """finance_tax's declared "Hộ kinh doanh" pattern (the withhold_when of ``resource``.``field``)."""
    declared = next(r for r in load_declarations()["finance_tax"].resources if r.name == resource)
    return next(c for c in next(f for f in declared.fields if f.name == field).withhold_when if c.matches)


# --------------------------------------------------------------------------- reruns and failures


def test_rerun_gives_byte_identical_data_files(run):
    wh = run[0]
    before = {r: _data_files(_folder(wh, r)) for r in RECIPIENTS}
    reports = {r: (_folder(wh, r) / "validation.json").read_bytes() for r in RECIPIENTS}
    later = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    for recipient, declaration in load_declarations().items():
        export(declaration, wh, run_id="rerun", created=later, environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
        assert _data_files(_folder(wh, recipient)) == before[recipient]
        assert (_folder(wh, recipient) / "validation.json").read_bytes() == reports[recipient]
        package = _package(wh, recipient)
        assert package["created"] == "2030-01-02T03:04:05Z"
        assert package["wardbridge"]["run_id"] == "rerun"
        # exported outside Dagster, no run known for any source: each listed, said as null
        assert package["wardbridge"]["source_runs"] == {s: None for s in {r.source for r in declaration.resources}}
    assert not [p for p in (wh.root / "exports").iterdir() if p.name.startswith(".") and p.is_dir()]


def test_an_export_from_python_under_umask_022_gets_the_documented_modes(run, tmp_path):
    """export() called from Python without private_umask() (a shell's umask 022): the package's files are 0640 and
    its folders 0750, a missing exports folder is made 0700, and the caller's umask is put back. Before, 0644 files
    in 0755 folders (docs/guide/exports.md told callers to call private_umask() first)."""
    wh = _gate_copy(run, tmp_path, "statistics")
    shutil.rmtree(wh.root / "exports")
    old = os.umask(0o022)
    try:
        result = export(load_declarations()["statistics"], wh, run_id="modes", environ={})
        assert os.umask(0o022) == 0o022  # the caller's umask, back after the call
    finally:
        os.umask(old)
    assert result.path == _folder(wh, "statistics") and (result.path / "datapackage.json").is_file()
    assert (wh.root / "exports").stat().st_mode & 0o777 == 0o700
    made = [result.path, *result.path.rglob("*")]
    files = {oct(p.stat().st_mode & 0o777) for p in made if p.is_file()}
    folders = {oct(p.stat().st_mode & 0o777) for p in made if p.is_dir()}
    assert (files, folders) == ({"0o640"}, {"0o750"})


def test_failing_checks_leave_the_previous_export(run, tmp_path):
    wh = run[0]
    before = _data_files(_folder(wh, "public_security"))
    text = (EXPORTS_DIR / "public_security.toml").read_text(encoding="utf-8")
    strict = text.replace('enum = ["M", "F"]', 'enum = ["F"]')
    assert strict != text
    path = tmp_path / "public_security.toml"
    path.write_text(strict, encoding="utf-8")
    with pytest.raises(ExportError) as failure:
        export(load_declaration(path), wh, run_id="bad", environ={})
    message = str(failure.value)
    assert "expect_column_values_to_be_in_set(sex) [allowed]" in message and "public_security.toml" in message
    assert isinstance(failure.value, GateRejected)
    names = _entities(wh, "people")["full_name"].head(100).to_list()
    assert not any(n in message for n in names)
    assert _data_files(_folder(wh, "public_security")) == before
    assert _package(wh, "public_security")["wardbridge"]["run_id"] != "bad"


_KILL_MID_SWAP = """
import os, signal, sys
from pathlib import Path
import pipelines.publish.exports as ex
from pipelines.warehouse import Warehouse

original = ex.swap_in
def swap_then_die(staging, target):
    target.rename(target.with_name(f".{target.name}.old-killed"))  # the first rename of the swap
    os.kill(os.getpid(), signal.SIGKILL)
ex.swap_in = swap_then_die
decl = ex.load_declarations()["home_affairs"]
ex.export(decl, Warehouse(Path(sys.argv[1])), run_id="killed")
"""


def test_run_killed_mid_publish_leaves_the_previous_export_recoverable(run, tmp_path):
    wh = Warehouse(copy_parts(run[0].root, tmp_path / "wh", export_parts("home_affairs")))
    target = _folder(wh, "home_affairs")
    before = _data_files(target)
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_MID_SWAP, str(wh.root)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert not target.exists()
    assert any(p.name.startswith(".home_affairs.partial-") for p in target.parent.iterdir())
    recover(target)  # what the next run does first
    assert _data_files(target) == before
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".home_affairs.")]
    assert frictionless_validate(target / "datapackage.json").valid
    # and a full rerun publishes again on top of it
    export(load_declarations()["home_affairs"], wh, run_id="after-kill", environ={})
    assert _data_files(target) == before and _package(wh, "home_affairs")["wardbridge"]["run_id"] == "after-kill"


# --------------------------------------------------------------------------- quality gate failures


def _gate_copy(run, tmp_path: Path, recipient: str) -> Warehouse:
    """The parts of the sample warehouse an export of ``recipient`` reads and writes (tests/warehouse_parts.py): the
    Parquet layers (its entity sources), analytics.duckdb (its marts sources, the gates' dimensions and city
    totals), its published package and the lock files; not the other recipients' packages, the marts' Parquet
    copies or the reports (~24-37 MB a test, was ~93 MB)."""
    return Warehouse(copy_parts(run[0].root, tmp_path / "wh", export_parts(recipient)))


def _rewrite_entities(wh: Warehouse, kind: str, frame: pl.DataFrame) -> None:
    frame.write_parquet(wh.parquet_path("entities", entities_table(kind).name))


def _set(frame: pl.DataFrame, entity_id: str, column: str, value) -> pl.DataFrame:
    hit = pl.col("entity_id") == entity_id
    return frame.with_columns(
        pl.when(hit).then(pl.lit(value, dtype=frame.schema[column])).otherwise(pl.col(column)).alias(column)
    )


def _statistics_gate_failed(wh: Warehouse):  # noqa: ANN202 - Dagster's AssetCheckEvaluation
    """The statistics export materialised on ``wh``: it must fail, publish nothing and fail its gate (returned)."""
    asset = build_export_asset(load_declarations()["statistics"])
    result = dg.materialize(
        [asset], resources={"warehouse": WarehouseResource(path=str(wh.root))}, raise_on_error=False
    )
    assert not result.success
    assert not result.get_asset_materialization_events()
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == GATE_CHECK and not evaluation.passed
    return evaluation


def _failed(exc: GateRejected) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(g.table, o.rule, o.columns) for g in exc.results for o in g.failures}


def _personal_values(row: dict, columns=("full_name", "personal_id", "old_id_number", "address", "phone")) -> list[str]:
    return [str(row[c]) for c in columns if row.get(c)]


def test_gate_rejects_a_ward_outside_the_dimension_and_an_impossible_age(run, tmp_path):
    wh = _gate_copy(run, tmp_path, "public_security")
    target = _folder(wh, "public_security")
    before = _all_files(target)
    people = _entities(wh, "people").sort("entity_id")
    placed = people.filter(pl.col("new_uid").is_not_null())
    moved, old = placed["entity_id"][5], placed["entity_id"][7]
    corrupted = _set(_set(people, moved, "new_uid", "2025:99999"), old, "date_of_birth", date(1850, 1, 1))
    _rewrite_entities(wh, "people", corrupted)
    with pytest.raises(GateRejected) as failure:
        export(load_declarations()["public_security"], wh, run_id="bad", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    exc = failure.value
    assert _failed(exc) == {
        ("population", "ward_in_dimension", ("ward_uid",)),
        ("population", "ward_in_dimension", ("ward_code",)),
        ("population", "age_range", ("date_of_birth",)),
    }
    message = str(exc)
    assert "public_security.toml: export not published" in message
    assert (
        f"expect_column_values_to_be_in_set(ward_uid) [ward_in_dimension]: 1 of {people.height} rows unexpected "
        f"at person_id={moved}" in message
    )
    assert (
        f"expect_column_values_to_be_between(date_of_birth) [age_range]: 1 of {people.height} "
        f"rows unexpected at person_id={old}" in message
    )
    for entity in (moved, old):
        row = people.filter(pl.col("entity_id") == entity).row(0, named=True)
        assert not any(v in message for v in _personal_values(row) + [str(row["date_of_birth"]), "1850"])
    # the previous export is untouched, Data Docs included; the rejected attempt's docs are kept beside it
    assert _all_files(target) == before
    assert not [p for p in target.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]
    assert exc.docs == target.parent / ".public_security.rejected" / "validation"
    gate = json.loads((exc.docs / "population" / "gate.json").read_text(encoding="utf-8"))
    assert (
        not gate["passed"]
        and (exc.docs / "index.html").is_file()
        and (exc.docs / "population" / "index.html").is_file()
    )
    assert "FAILED" in (exc.docs / "index.html").read_text(encoding="utf-8")
    row = people.filter(pl.col("entity_id") == moved).row(0, named=True)
    pages = [p.read_text(encoding="utf-8") for p in (exc.docs / "population" / "validations").rglob("*.html")]
    assert pages  # the rejected attempt's validation results are rendered ...
    assert not any(v in page for page in pages for v in _personal_values(row))  # ... without the row's values
    # repaired data publishes again and clears the rejected docs
    _rewrite_entities(wh, "people", people)
    export(load_declarations()["public_security"], wh, run_id="repaired", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    assert _data_files(target) == _data_files(_folder(run[0], "public_security"))
    assert not exc.docs.parent.exists()


def test_gate_rejects_a_duplicate_key_and_names_it(run, tmp_path):
    wh = _gate_copy(run, tmp_path, "public_security")
    target = _folder(wh, "public_security")
    before = _all_files(target)
    households = _entities(wh, "households").sort("entity_id")
    twin = households.filter(pl.col("new_uid").is_not_null())["entity_id"][3]
    _rewrite_entities(wh, "households", pl.concat([households, households.filter(pl.col("entity_id") == twin)]))
    with pytest.raises(GateRejected) as failure:
        export(load_declarations()["public_security"], wh, run_id="bad", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    exc = failure.value
    # the duplicate, and the placed households now outnumber the ward summary's count (cross-table)
    assert _failed(exc) == {
        ("households", "primary_key", ("household_id",)),
        ("households", "totals_equal", ("households rows with ward_uid", "marts.ward_summary.households")),
    }
    message = str(exc)
    assert (
        f"expect_column_values_to_be_unique(household_id) [primary_key]: 2 of {households.height + 1} rows unexpected "
        f"at household_id={twin}" in message
    )
    total = int(_marts(wh, "ward_summary")["households"].sum())
    assert f"households rows with ward_uid={total + 1}, marts.ward_summary.households={total}" in message
    row = households.filter(pl.col("entity_id") == twin).row(0, named=True)
    assert not any(
        v in message for v in _personal_values(row, ("household_no", "head_name", "head_personal_id", "address"))
    )
    assert _all_files(target) == before


def test_gate_rejects_a_bad_mst_check_digit_exported_in_clear(run, tmp_path):
    wh = _gate_copy(run, tmp_path, "finance_tax")
    target = _folder(wh, "finance_tax")
    before = _all_files(target)
    businesses = _entities(wh, "businesses").sort("entity_id")
    # an enterprise's code (a household business's is pseudonymised: its check digit is not exported)
    valid = businesses.filter((pl.col("tax_code_kind") == "enterprise") & (pl.col("business_kind") == "Doanh nghiệp"))
    victim, code = valid["entity_id"][2], valid["tax_code"][2]
    wrong = code[:9] + str((int(code[9]) + 1) % 10)
    _rewrite_entities(wh, "businesses", _set(businesses, victim, "tax_code", wrong))
    with pytest.raises(GateRejected) as failure:
        export(load_declarations()["finance_tax"], wh, run_id="bad", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    assert _failed(failure.value) == {("businesses", "mst_check_digit", ("tax_code",))}
    message = str(failure.value)
    assert f"[mst_check_digit]: 1 of {businesses.height} rows unexpected at business_id={victim}" in message
    assert code not in message and wrong not in message
    assert _all_files(target) == before


def _without_row_policies(text: str) -> str:
    """finance_tax.toml as it was before review h6 F10: registration/tax codes included on every row."""
    lines = [
        line
        for line in text.splitlines()
        if not line.startswith(("pseudonymise_when", "withhold_when", "same_value_same_pseudonym"))
    ]
    return "\n".join(lines) + "\n"


def test_gate_rejects_a_pseudonymised_value_exported_in_clear(run, tmp_path):
    """Review h6 F10: owner_personal_id is pseudonymised, but household businesses' registration numbers and
    personal taxpayer codes are the same IDs in clear. The gate names the declaration, resource, column and
    number of rows, never a value, and leaves the published export as it was."""
    wh = run[0]
    target = _folder(wh, "finance_tax")
    before = _all_files(target)
    old = _without_row_policies((EXPORTS_DIR / "finance_tax.toml").read_text(encoding="utf-8"))
    assert "pseudonymise_when" not in old
    path = tmp_path / "finance_tax.toml"
    path.write_text(old, encoding="utf-8")
    with pytest.raises(GateRejected) as failure:
        export(
            load_declaration(path),
            wh,
            run_id="bad",
            root=wh.root / "exports",
            environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY},
        )
    exc = failure.value
    assert _failed(exc) == {
        ("businesses", "no_clear_pseudonymised_value", ("registration_no",)),
        ("taxpayers", "no_clear_pseudonymised_value", ("taxpayer_code",)),
        # and without withhold_when, 'Hộ kinh doanh <owner>' gives the withheld owner_name back on its row
        ("businesses", "no_clear_withheld_value", ("business_name",)),
    }
    businesses = _entities(wh, "businesses")
    owners = businesses["owner_personal_id"].drop_nulls().unique()
    in_clear = int(businesses["registration_no"].is_in(owners.implode()).sum())
    message = str(exc)
    assert message.startswith("finance_tax.toml: export not published")
    assert (
        f"pseudonymised_value_in_clear(registration_no) [no_clear_pseudonymised_value]: {in_clear} of "
        f"{businesses.height} rows unexpected (values pseudonymised in businesses.owner_key appear in clear in "
        "businesses.registration_no)" in message
    )
    assert "in clear in taxpayers.taxpayer_code" in message
    assert not any(v in message for v in owners.to_list())
    assert _all_files(target) == before
    # the published declaration passes the same rule
    report = json.loads((target / "validation.json").read_text(encoding="utf-8"))
    rule = [o for r in report["resources"] for o in r["outcomes"] if o["rule"] == "no_clear_pseudonymised_value"]
    assert len(rule) == 2 and all(o["success"] for o in rule)
    shutil.rmtree(wh.root / "exports" / ".finance_tax.rejected", ignore_errors=True)


def test_gate_rejects_a_household_business_code_left_in_clear_in_taxpayers(run, tmp_path):
    """HF1: a household business's 10-digit code is pseudonymised in businesses (business_kind); without the
    declaration's same_value_same_pseudonym the same code stays in clear on the taxpayer rows whose name is a trade
    name, and the gate refuses the package, naming the column and the number of rows, never a code."""
    wh = _gate_copy(run, tmp_path, "finance_tax")
    target = _folder(wh, "finance_tax")
    before = _all_files(target)
    text = (EXPORTS_DIR / "finance_tax.toml").read_text(encoding="utf-8")
    assert "\nsame_value_same_pseudonym = true\n" in text
    path = tmp_path / "finance_tax.toml"
    path.write_text(text.replace("\nsame_value_same_pseudonym = true\n", "\n"), encoding="utf-8")
    with pytest.raises(GateRejected) as failure:
        export(load_declaration(path), wh, run_id="bad", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    assert _failed(failure.value) == {("taxpayers", "no_clear_pseudonymised_value", ("taxpayer_code",))}
    businesses, taxpayers = _entities(wh, "businesses"), _entities(wh, "taxpayers")
    household = businesses["business_kind"].str.contains(_household_rule("businesses", "business_name").matches)
    codes = businesses.filter(household)["tax_code"].drop_nulls().unique()
    named = taxpayers["taxpayer_name"].str.contains(_household_rule("taxpayers", "taxpayer_name").matches)
    in_clear = int(
        (
            taxpayers["taxpayer_code"].is_in(codes.implode()) & ~named & (taxpayers["tax_code_kind"] != "personal_id")
        ).sum()
    )
    message = str(failure.value)
    assert in_clear > 0 and f"[no_clear_pseudonymised_value]: {in_clear} of {taxpayers.height} rows" in message
    assert not any(c in message for c in codes.to_list())
    assert _all_files(target) == before


def test_a_mart_disagreeing_with_the_city_totals_fails_the_blocking_check(run, tmp_path):
    """marts.population_by_sex_age no longer sums to ward_summary's people: the statistics export's
    own total still equals its source's, but not the city total; the Dagster check fails before swap-in."""
    wh = _gate_copy(run, tmp_path, "statistics")
    target = _folder(wh, "statistics")
    before = _all_files(target)
    with duckdb.connect(str(wh.root / "analytics.duckdb")) as con:
        con.execute(
            "UPDATE marts.population_by_sex_age SET people = people + 1 "
            "WHERE (new_uid, sex, age_band) = (SELECT (new_uid, sex, age_band) FROM marts.population_by_sex_age "
            "ORDER BY ALL LIMIT 1)"
        )
    city = int(_marts(wh, "ward_summary")["people"].sum())
    evaluation = _statistics_gate_failed(wh)
    failures = evaluation.metadata["failures"].value
    assert failures == [
        f"city_total_people(population_by_sex_age.people, marts.ward_summary.people) [totals_equal]: 2 of 2 rows "
        f"unexpected (totals differ: population_by_sex_age.people={city + 1}, marts.ward_summary.people={city})"
    ]
    docs = Path(evaluation.metadata["gx_data_docs"].value)
    assert docs == target.parent / ".statistics.rejected" / "validation" / "index.html" and docs.is_file()
    assert _all_files(target) == before


def test_a_mart_column_renamed_fails_the_gate_names_it_and_publishes_nothing(run, tmp_path):
    """marts.ward_summary.people renamed (an edited or older analytics.duckdb): the export and its gate read it.
    Before, DuckDB's BinderException ('Referenced column "people" not found') ended the step, naming no table, and
    the blocking export_gate was never evaluated; the re-run of the check alone crashed the same way."""
    from assets.exports import published_gate

    wh = _gate_copy(run, tmp_path, "statistics")
    target = _folder(wh, "statistics")
    before = _all_files(target)
    with duckdb.connect(str(wh.root / "analytics.duckdb")) as con:
        con.execute("ALTER TABLE marts.ward_summary RENAME COLUMN people TO persons")
    evaluation = _statistics_gate_failed(wh)
    assert "marts.ward_summary: column(s) ['people'] not in analytics.duckdb" in evaluation.description
    assert _all_files(target) == before
    problems, _ = published_gate(load_declarations()["statistics"], wh)  # the check re-run alone
    assert any("marts.ward_summary: column(s) ['people']" in p for p in problems), problems


def test_an_entity_column_renamed_is_named_and_nothing_is_published(run, tmp_path):
    wh = _gate_copy(run, tmp_path, "public_security")
    declaration = load_declarations()["public_security"]
    target = _folder(wh, "public_security")
    before = _all_files(target)
    resource = declaration.resources[0]
    column = resource.fields[0].source
    path = wh.parquet_path(*resource.source.split(".", 1))
    pl.read_parquet(path).rename({column: column + "_old"}).write_parquet(path)
    with pytest.raises(ExportError) as failure:
        export(declaration, wh, run_id="test", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    assert f"{resource.source}: column(s) [{column!r}] not in parquet/" in str(failure.value)
    assert _all_files(target) == before


# --------------------------------------------------------------------------- declarations


NEW_RECIPIENT = """
[export]
recipient = "ward_directory"
title = "2025 wards of the city"
code_scheme = "2025"
formats = ["csv"]

[[resources]]
name = "wards"
source = "marts.dim_ward_2025"

[[resources.fields]]
source = "unit_uid"
name = "ward_uid"
unit = "uid"

[[resources.fields]]
source = "name"
name = "ward_name"

[[resources.fields]]
source = "unit_type"
name = "unit_type"

[[resources.fields]]
source = "area_km2"
name = "area_km2"
type = "number"
"""


def test_a_new_recipient_is_a_declaration_only(run, tmp_path):
    wh = run[0]
    directory = tmp_path / "exports"
    directory.mkdir()
    (directory / "ward_directory.toml").write_text(NEW_RECIPIENT, encoding="utf-8")
    declarations = load_declarations(directory)
    assert set(declarations) == {"ward_directory"}
    declaration = declarations["ward_directory"]
    assert declaration.resources[0].primary_key == ("ward_uid",)  # from the source table's key
    result = export(declaration, wh, run_id="new", root=tmp_path / "out", environ={})
    assert result.rows == {"wards": 168}
    assert {p.name for p in result.path.iterdir()} == {"datapackage.json", "validation.json", "wards.csv", "validation"}
    assert result.data_docs.is_file() and result.gate_results["wards"].passed
    report = frictionless_validate(result.path / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    fields = _resource(result.package, "wards")["schema"]["fields"]
    assert next(f for f in fields if f["name"] == "unit_type")["constraints"]["enum"] == ["Phường", "Xã", "Đặc khu"]
    asset = build_export_asset(declaration)
    assert asset.key.to_user_string() == "export_ward_directory"
    assert {k.to_user_string() for k in asset.dependency_keys} == {"analytics_mart"}


def _fields(*entries: str) -> str:
    return "\n".join(f"[[resources.fields]]\n{e}\n" for e in entries)


BASE = """
[export]
recipient = "{name}"
title = "t"
code_scheme = "2025"
formats = ["csv", "parquet"]

[[resources]]
name = "people"
source = "entities.people_entities"
"""
ID_FIELD = 'source = "entity_id"\nname = "person_id"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (BASE.replace("entities.people_entities", "entities.nobody") + _fields(ID_FIELD), "resource 'people': key 'source': unknown table 'entities.nobody'"),
        (BASE + _fields(ID_FIELD, 'source = "shoe_size"\nname = "shoe"'), "resource 'people': field 'shoe': key 'source': no column 'shoe_size'"),
        (BASE + _fields(ID_FIELD, 'source = "full_name"\nname = "full_name"'), "resource 'people': field 'full_name': key 'personal': 'full_name' holds personal values"),
        (BASE + _fields(ID_FIELD, 'source = "phone"\nname = "phone"\npersonal = "publish"'), "field 'phone': key 'personal': must be one of include, pseudonymise, withhold"),
        (BASE + _fields(ID_FIELD, 'source = "full_name"\nname = "n"\ntype = "integer"\npersonal = "include"'), "field 'n': key 'type': 'integer' does not fit the source column type String"),
        (BASE + _fields(ID_FIELD, 'source = "date_of_birth"\nname = "dob"\ntype = "date"\npersonal = "pseudonymise"'), "field 'dob': key 'type': a pseudonymised field is a string"),
        (BASE + _fields(ID_FIELD, 'source = "sex"\nname = "sex"\ntype = "text"'), "field 'sex': key 'type': must be one of"),
        (BASE + _fields(ID_FIELD, 'source = "new_uid"\nname = "ward"\nunit = "code"\nscheme = "1999"'), "field 'ward': key 'scheme': must be one of pre2025, 2025"),
        (BASE + _fields(ID_FIELD, 'source = "sex"\nname = "sex"\nenum = "M"'), "field 'sex': key 'enum': must be a non-empty list of strings"),
        (BASE + _fields(ID_FIELD, 'source = "sex"\nnaem = "sex"'), "field 'sex': key 'naem': unknown key"),
        (BASE + 'primary_key = ["nope"]\n' + _fields(ID_FIELD), "resource 'people': key 'primary_key': 'nope' is not an exported field"),
        (BASE + _fields('source = "entity_id"\nname = "a"', 'source = "record_count"\nname = "a"\ntype = "integer"'), "field 'a': key 'name': duplicate exported name"),
        (BASE + _fields('source = "sex"\nname = "sex"'), "resource 'people': key 'primary_key': missing, and the source key ['entity_id'] is not exported"),
        (BASE.replace('code_scheme = "2025"', 'code_scheme = "pre2025"') + _fields(ID_FIELD), "[export] key 'code_scheme': must be one of 2025"),
        (BASE.replace('["csv", "parquet"]', '["xlsx"]') + _fields(ID_FIELD), "[export] key 'formats': must be a non-empty list of csv, parquet"),
        (BASE.replace('recipient = "{name}"', 'recipient = "someone_else"') + _fields(ID_FIELD), "[export] key 'recipient': must equal the file name"),
        (BASE, "resource 'people': key 'fields': missing or empty"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {column = "nope", in = ["x"]}'), "field 'pid': key 'pseudonymise_when': no column 'nope' in people_entities"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {column = "sex"}'), "field 'pid': key 'pseudonymise_when': give exactly one of 'in' (a list of values) or 'matches' (a regex)"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {column = "sex", in = "M"}'), "field 'pid': key 'pseudonymise_when': 'in' must be a non-empty list of strings"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {matches = "([0-9"}'), "field 'pid': key 'pseudonymise_when': 'matches' must be a valid regular expression"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {colum = "sex", in = ["M"]}'), "field 'pid': key 'pseudonymise_when': unknown key colum"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = "sex"'), "field 'pid': key 'pseudonymise_when': must be a table"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "pseudonymise"\nwithhold_when = {column = "sex", in = ["M"]}'), "field 'pid': key 'withhold_when': only for fields with personal = 'include'"),
        (BASE + _fields(ID_FIELD, 'source = "record_count"\nname = "n"\ntype = "integer"\nwithhold_when = {column = "sex", in = ["M"]}'), "field 'n': key 'withhold_when': only for fields with personal = 'include'"),
        (BASE + 'primary_key = ["pid"]\n' + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\nwithhold_when = {column = "sex", in = ["M"]}'), "field 'pid': key 'withhold_when': not on a required or primary-key field"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {pattern = "nope"}'), "field 'pid': key 'pseudonymise_when': no pattern 'nope' in [patterns]"),
        (BASE + _fields(ID_FIELD, 'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {pattern = "ids", matches = "^9"}') + '[patterns]\nids = "^[0-9]+$"\n', "field 'pid': key 'pseudonymise_when': give 'pattern' (a name in [patterns]) or 'matches' (a regex), not both"),
        (BASE + _fields(ID_FIELD) + '[patterns]\nids = "([0-9"\n', "[patterns] key 'ids': must be a valid regular expression"),
        (BASE + _fields(ID_FIELD) + '[patterns]\nIDs = "^[0-9]+$"\n', "[patterns] key 'IDs': use lowercase letters"),
        ('patterns = "^[0-9]+$"\n' + BASE + _fields(ID_FIELD), "key 'patterns': must be a table of names and regular expressions"),
    ],
)  # fmt: skip
def test_declaration_errors_name_file_resource_field_and_key(tmp_path, body, expected):
    path = tmp_path / "ministry_x.toml"
    path.write_text(body.replace("{name}", "ministry_x"), encoding="utf-8")
    with pytest.raises(DeclarationError) as failure:
        load_declaration(path)
    message = str(failure.value)
    assert message.startswith("ministry_x.toml: ")
    assert expected in message


def test_a_valid_variant_of_the_base_declaration_loads(tmp_path):
    """The failure cases above differ from a loadable declaration only by the fault."""
    path = tmp_path / "ministry_x.toml"
    path.write_text(
        BASE.replace("{name}", "ministry_x") + _fields(ID_FIELD, 'source = "phone"\npersonal = "withhold"'),
        encoding="utf-8",
    )
    declaration = load_declaration(path)
    assert [f.name for f in declaration.resources[0].exported] == ["person_id"]


def test_a_named_pattern_is_the_regex_it_names(tmp_path):
    """[patterns] names a regex once; a condition's pattern = "<name>" is that regex (finance_tax names its
    household-business pattern five times)."""
    field = (
        'source = "personal_id"\nname = "pid"\npersonal = "include"\npseudonymise_when = {%s, says = "is 12 digits"}'
    )
    named, inline = tmp_path / "named" / "ministry_x.toml", tmp_path / "inline" / "ministry_x.toml"
    for path, condition, tail in [
        (named, 'pattern = "cccd"', '[patterns]\ncccd = "^[0-9]{12}$"\n'),
        (inline, 'matches = "^[0-9]{12}$"', ""),
    ]:
        path.parent.mkdir()
        path.write_text(BASE.replace("{name}", "ministry_x") + _fields(ID_FIELD, field % condition) + tail, "utf-8")
    by_name, by_regex = load_declaration(named).resources[0], load_declaration(inline).resources[0]
    assert by_name == by_regex
    pid = next(f for f in by_name.fields if f.name == "pid")
    assert pid.pseudonymise_when[0].matches == "^[0-9]{12}$"
    finance = load_declarations()["finance_tax"]
    patterns = {c.matches for r in finance.resources for f in r.fields for c in f.pseudonymise_when + f.withhold_when}
    assert len(patterns - {None, "^[0-9]{12}$"}) == 1  # the household-business pattern, from [patterns]


def test_declarations_are_checked_before_any_data_is_read(tmp_path):
    """No warehouse exists here: a bad declaration or a missing key fails first, naming the culprit."""
    empty = Warehouse(tmp_path / "no_warehouse")
    declaration = load_declarations()["finance_tax"]
    with pytest.raises(DeclarationError) as failure:
        export(declaration, empty, run_id="x", environ={})
    message = str(failure.value)
    assert "finance_tax.toml" in message and "businesses.owner_key" in message
    assert "WARDBRIDGE_PSEUDONYM_KEY" in message and "is not set" in message
    with pytest.raises(DeclarationError, match="shorter than 16 bytes"):
        pseudonym_key(declaration, {"WARDBRIDGE_PSEUDONYM_KEY": "short"})
    assert not (tmp_path / "no_warehouse" / "exports" / "finance_tax").exists()
    with pytest.raises(ExportError, match="wardbridge.duckdb does not exist"):
        export(declaration, empty, run_id="x", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY})
    assert not (tmp_path / "no_warehouse" / "exports" / "finance_tax").exists()


def test_marts_and_exports_refuse_the_same_short_key(tmp_path, monkeypatch):
    """Review h6 F17: one check (pseudonym.checked_key, >= 16 bytes) for the marts' key and the exports' key,
    before any data is read; the error names the variable, never the value."""
    from pipelines.publish.pseudonym import MIN_KEY_BYTES, WeakKeyError
    from pipelines.publish.pseudonym import pseudonym_key as marts_key

    short = "k3y" * 5  # 15 bytes
    assert MIN_KEY_BYTES == 16 and len(short.encode()) == MIN_KEY_BYTES - 1
    monkeypatch.setenv("WARDBRIDGE_PSEUDONYM_KEY", short)
    with pytest.raises(WeakKeyError) as failure:
        marts_key()
    message = str(failure.value)
    assert "WARDBRIDGE_PSEUDONYM_KEY is shorter than 16 bytes" in message and short not in message
    empty = Warehouse(tmp_path / "no_warehouse")
    declaration = load_declarations()["finance_tax"]
    with pytest.raises(DeclarationError) as failure:
        export(declaration, empty, run_id="x", environ={"WARDBRIDGE_PSEUDONYM_KEY": short})
    message = str(failure.value)
    assert "finance_tax.toml" in message and "WARDBRIDGE_PSEUDONYM_KEY is shorter than 16 bytes" in message
    assert short not in message
    ok = "k3y" * 5 + "!"  # 16 bytes: accepted by both
    monkeypatch.setenv("WARDBRIDGE_PSEUDONYM_KEY", ok)
    assert marts_key() == ok.encode() == pseudonym_key(declaration, {"WARDBRIDGE_PSEUDONYM_KEY": ok})


def test_shape_orders_rows_by_the_key_and_by_every_column_when_keys_repeat():
    """shape sorts by the primary key alone when it is unique; repeated keys are ordered by the other columns too
    (the gate rejects them, but the order stays the full one). Reference: Polars' sort over every column."""
    resource = load_declarations()["public_security"].resources[0]
    columns = list(dict.fromkeys(f.source for f in resource.exported))
    n = 400
    frame = pl.DataFrame(
        {c: [None if i % 7 == 0 else f"v{(i * 13 + j) % 5}" for i in range(n)] for j, c in enumerate(columns)}
    ).with_columns(
        entity_id=pl.Series([f"P-{(i * 37) % 120:04d}" for i in range(n)]),  # 120 keys, each about 3 times
        date_of_birth=pl.lit(None, pl.Date),
        new_uid=pl.lit("2025:26734"),
    )
    for source in (frame, frame.unique("entity_id", keep="first", maintain_order=True)):
        shaped = shape(resource, source, None, "test")
        order = [*resource.primary_key, *(c for c in shaped.columns if c not in resource.primary_key)]
        assert shaped.equals(shaped.sort(order, nulls_last=True, maintain_order=True))
        assert shaped.height == source.height
