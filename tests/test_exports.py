"""Standard exports (pipelines/publish/exports.py, assets/exports.py) built from a real run of the bundled sample.

The sample goes through the real jobs once per session (tests/marts_fixture.py: reference,
ingest, entities, marts); this module copies that warehouse, reruns the marts job on its own
Dagster instance (so source run ids can be checked) and runs the exports job there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from frictionless import validate as frictionless_validate

from assets.definitions import defs
from assets.exports import EXPORT_ASSETS, JOB, build_export_asset
from assets.resources import WarehouseResource
from pipelines.publish.exports import (
    EXPORTS_DIR,
    DeclarationError,
    ExportError,
    export,
    load_declaration,
    load_declarations,
    pseudonym_key,
    recover,
)
from pipelines.schema import POPULATION_BY_SEX_AGE, entities_table
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts

REPO = Path(__file__).resolve().parents[1]
KEY = "test-pseudonym-key-0123456789abcdef"
RECIPIENTS = ("public_security", "finance_tax", "statistics", "home_affairs")
DATA_SUFFIXES = (".csv", ".parquet")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """(warehouse, instance, {job: result}) after the marts and exports jobs ran on one instance."""
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("exports") / "wh"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("exports"))
    resources = {"warehouse": WarehouseResource(path=str(root))}
    instance = dg.DagsterInstance.ephemeral()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDBRIDGE_PSEUDONYM_KEY", KEY)
        results = {
            name: defs.resolve_job_def(name).execute_in_process(
                instance=instance, resources=resources, raise_on_error=False
            )
            for name in ("wardbridge_marts", JOB)
        }
        yield Warehouse(root), instance, results


def _folder(wh: Warehouse, recipient: str) -> Path:
    return wh.root / "exports" / recipient


def _package(wh: Warehouse, recipient: str) -> dict:
    return json.loads((_folder(wh, recipient) / "datapackage.json").read_text(encoding="utf-8"))


def _resource(package: dict, name: str) -> dict:
    return next(r for r in package["resources"] if r["name"] == name)


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in DATA_SUFFIXES}


def _entities(wh: Warehouse, kind: str) -> pl.DataFrame:
    return pl.read_parquet(wh.parquet_path("entities", entities_table(kind).name))


def _marts(wh: Warehouse, table: str) -> pl.DataFrame:
    with duckdb.connect(str(wh.root / "analytics.duckdb"), read_only=True) as con:
        return con.sql(f"SELECT * FROM marts.{table}").pl()


# --------------------------------------------------------------------------- the packages


def test_jobs_succeed_and_every_declared_recipient_is_an_asset(run):
    _, _, results = run
    assert all(r.success for r in results.values())
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
    }


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_frictionless_validates_every_export(run, recipient):
    wh = run[0]
    folder = _folder(wh, recipient)
    report = frictionless_validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    tasks = {t.name: t for t in report.tasks}
    package = _package(wh, recipient)
    assert set(tasks) == {r["name"] for r in package["resources"]}
    proc = subprocess.run(
        ["uv", "run", "--project", str(REPO), "frictionless", "validate", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "INVALID" not in proc.stdout


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
    wh, instance, results = run
    folder = _folder(wh, recipient)
    package = _package(wh, recipient)
    datetime.strptime(package["created"], "%Y-%m-%dT%H:%M:%SZ")
    meta = package["wardbridge"]
    assert meta["run_id"] == results[JOB].run_id
    assert meta["code_scheme"]["scheme"] == "2025"
    listed = {r["path"] for r in package["resources"]}
    assert listed == {p.name for p in folder.iterdir()} - {"datapackage.json"}
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
    assert validation["valid"] and all(c["passed"] for res in validation["resources"] for c in res["checks"])


def test_source_runs_are_the_runs_that_published_the_sources(run):
    wh, instance, results = run
    marts_run = results["wardbridge_marts"].run_id
    assert set(_package(wh, "statistics")["wardbridge"]["source_runs"].values()) == {marts_run}
    assert set(_package(wh, "home_affairs")["wardbridge"]["source_runs"].values()) == {marts_run}
    # the entities were built in another instance: no run known here, said as null
    assert _package(wh, "public_security")["wardbridge"]["source_runs"] == {
        "entities.households_entities": None,
        "entities.people_entities": None,
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
    text = (_folder(wh, "finance_tax") / "businesses.csv").read_text(encoding="utf-8")
    # an owner's ID may also be a household business's included registration number or tax code
    included = set(businesses["registration_no"].drop_nulls()) | set(businesses["tax_code"].drop_nulls())
    owners_only = [v for v in golden["owner_personal_id"].drop_nulls().unique() if v not in included]
    assert owners_only and not any(v in text for v in owners_only)
    meta = _package(wh, "finance_tax")["wardbridge"]
    assert meta["personal_fields"]["businesses"]["owner_name"] == "withhold"
    assert meta["pseudonymisation"]["key_env"] == "WARDBRIDGE_PSEUDONYM_KEY"
    assert KEY not in json.dumps(meta)


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
    assert not [p for p in (wh.root / "exports").iterdir() if p.name.startswith(".") and p.is_dir()]


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
    assert "population.sex: enum failed on" in message and "public_security.toml" in message
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
    wh = Warehouse(tmp_path / "wh")
    shutil.copytree(run[0].root, wh.root)
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
    assert {p.name for p in result.path.iterdir()} == {"datapackage.json", "validation.json", "wards.csv"}
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
