"""Asset checks re-run alone (as the UI's *Execute* on a check does): on what is published, writing nothing.

A check-only run re-evaluates the check from the warehouse, so it passes after a materialisation and fails
once the published table is corrupted behind Dagster's back; a selection of part of a step's tables fails.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.definitions import ALL_ASSETS, defs
from assets.exports import EXPORT_ASSETS
from assets.ingest import CATALOGUE_ENV
from assets.publish import MARTS_ASSETS
from assets.resources import WarehouseResource
from pipelines.entities.reresolve import staging_reference
from pipelines.reference import default_reference
from pipelines.schema import staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.warehouse_parts import MARTS_PARTS, copy_parts

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CATALOGUE = REPO / "mappings" / "sources" / "sample.toml"
MAIN_ASSETS = [a for a in ALL_ASSETS if set(a.group_names_by_key.values()) <= {"reference", "addresses"}]
HOUSEHOLDS = next(a for a in ALL_ASSETS if a.op.name == "load_households")
PARTITION = "households_718@2025-08-31"


def _key(check: str) -> dg.AssetCheckKey:
    asset, name = check.split(":")
    return dg.AssetCheckKey(dg.AssetKey(asset), name)


def _run(
    assets: list, wh: Path, checks: list[str] | None = None, selection=None, **kwargs
) -> dg.ExecuteInProcessResult:  # noqa: ANN001
    selection = dg.AssetSelection.checks(*map(_key, checks)) if checks else selection
    return dg.materialize(
        assets,
        selection=selection,
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh))},
        raise_on_error=False,
        **kwargs,
    )


def _outcomes(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e.passed for e in result.get_asset_check_evaluations()}


def test_every_check_can_be_executed_alone():
    """What the UI asks (GraphQL canExecuteIndividually): a check's execution set is the check alone."""
    graph = defs.resolve_asset_graph()
    publishing = {k for a in (*MARTS_ASSETS, *EXPORT_ASSETS) for k in a.check_keys}
    alone = {k for k in graph.asset_check_keys if graph.get_execution_set_asset_and_check_keys(k) == {k}}
    assert alone == set(graph.asset_check_keys)  # the marts' and exports' checks too
    assert len(publishing) >= 6 and len(alone - publishing) >= 15


@pytest.fixture(scope="module")
def main_warehouse(tmp_path_factory) -> Path:
    """A copy of the sample run's warehouse (tests/marts_fixture.py), whose wardbridge_main job materialised
    MAIN_ASSETS (the reference and addresses groups): built once per session, not again here."""
    import shutil

    from tests.marts_fixture import sample_marts

    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_main"].success
    main = {k for a in MAIN_ASSETS for k in a.keys}
    assert {e.asset_key for e in results["wardbridge_main"].get_asset_materialization_events()} == main
    wh = tmp_path_factory.mktemp("rerun_wh") / "wh"
    shutil.copytree(source, wh, ignore=shutil.ignore_patterns("exports"))
    return wh


RERUN = [
    "crosswalk:hcmc_invariants",
    "sample_addresses_resolved:resolver_contract",
    "address_review_queue:nothing_dropped",
]


def test_checks_rerun_alone_pass_then_fail_on_a_corrupted_published_table(main_warehouse):
    wh = Warehouse(main_warehouse)
    before = wh.parquet_path("reference", "crosswalk").stat().st_mtime_ns
    again = _run(MAIN_ASSETS, main_warehouse, RERUN)
    assert again.success
    assert _outcomes(again) == dict.fromkeys(RERUN, True)  # only the selected checks, all passing
    assert again.get_asset_materialization_events() == []  # nothing materialised, nothing written
    assert wh.parquet_path("reference", "crosswalk").stat().st_mtime_ns == before

    with duckdb.connect(str(wh.duckdb_path)) as con:  # corrupt the published tables behind Dagster's back
        new_uid = con.sql("SELECT min(unit_uid) FROM reference.units_2025 WHERE province_code = '79'").fetchone()[0]
        con.execute("DELETE FROM reference.crosswalk WHERE new_uid = ?", [new_uid])
        con.execute("DELETE FROM resolved.sample_addresses_resolved WHERE input_row = 1")
    broken = _run(MAIN_ASSETS, main_warehouse, RERUN)
    outcomes = _outcomes(broken)
    assert outcomes["crosswalk:hcmc_invariants"] is False  # a new unit without its predecessors
    assert outcomes["sample_addresses_resolved:resolver_contract"] is False  # a row of the input lost
    # the queue still equals the review rows of the (corrupted) resolved table it is checked against
    assert outcomes["address_review_queue:nothing_dropped"] is True
    assert broken.get_asset_materialization_events() == []
    failed = next(e for e in broken.get_asset_check_evaluations() if e.check_name == "hcmc_invariants")
    assert failed.description  # says what is wrong


def test_part_of_the_reference_tables_cannot_be_materialised_alone(tmp_path):
    partial = _run(MAIN_ASSETS, tmp_path, selection=dg.AssetSelection.assets("crosswalk"))
    assert not partial.success
    failure = partial.get_step_failure_events()[0].step_failure_data.error.message
    assert "written together" in failure and "units_2025" in failure
    assert not Warehouse(tmp_path).duckdb_path.exists()  # nothing written


def test_ingest_check_reruns_on_the_partitions_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv(CATALOGUE_ENV, str(SAMPLE_CATALOGUE))
    loaded = _run([HOUSEHOLDS], tmp_path, partition_key=PARTITION)
    assert loaded.success
    # the ingest notes the reference the partition was resolved with (pipelines/entities/reresolve.py)
    assert staging_reference(Warehouse(tmp_path), "households", PARTITION) == default_reference().fingerprint
    checks = ["staged_households:rows_accounted", "raw_households:extracts_readable"]
    again = _run([HOUSEHOLDS], tmp_path, checks)  # no partition: every partition on disk
    assert again.success and _outcomes(again) == dict.fromkeys(checks, True)
    assert again.get_asset_materialization_events() == []

    path = PartitionedLayer(Warehouse(tmp_path), "staged").path(staged_table("households").name, PARTITION)
    staged = pl.read_parquet(path)
    staged.slice(1).write_parquet(path)  # one staged row lost
    broken = _run([HOUSEHOLDS], tmp_path, checks[:1])
    assert _outcomes(broken) == {checks[0]: False}
    evaluation = broken.get_asset_check_evaluations()[0]
    assert PARTITION in evaluation.description
    assert not broken.success  # a blocking check failed

    partial = _run(
        [HOUSEHOLDS], tmp_path, partition_key=PARTITION, selection=dg.AssetSelection.assets("raw_households")
    )
    assert not partial.success
    assert "staged_households" in partial.get_step_failure_events()[0].step_failure_data.error.message


def test_decision_check_reruns_on_the_published_errors(main_warehouse, tmp_path):
    from assets.review import review_decisions

    config = {"ops": {"review_decisions": {"config": {"decisions_dir": str(tmp_path)}}}}  # no decision files
    assert _run([review_decisions], main_warehouse, run_config=config).success
    check = ["review_decisions:decision_rows_valid"]
    assert _outcomes(_run([review_decisions], main_warehouse, check)) == {check[0]: True}
    with duckdb.connect(str(Warehouse(main_warehouse).duckdb_path)) as con:
        con.execute("INSERT INTO review.decision_errors DEFAULT VALUES")  # an error row, as if a row was rejected
    again = _run([review_decisions], main_warehouse, check)
    assert _outcomes(again) == {check[0]: False} and again.get_asset_materialization_events() == []
    assert "1 decision rows not applied" in again.get_asset_check_evaluations()[0].description


# --------------------------------------------------------------------------- marts and exports (publishing)

MARTS_CHECKS = ["analytics_mart:row_accounting", "analytics_mart:marts_gates"]
STATISTICS = next(a for a in EXPORT_ASSETS if a.op.name == "export_statistics")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The sample's published warehouse (tests/marts_fixture.py) with the statistics export its run's
    wardbridge_exports job published (not exported again: with that export and its gate, this fixture took 3.2 s at
    18:36 on 2026-12-06). Shared: each test copies the parts it reads (tests/warehouse_parts.py: the marts, the
    layers they are accounted against and, for the export gate, the statistics package), not the whole folder."""
    from tests.marts_fixture import sample_marts

    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success and results["wardbridge_exports"].success
    exported = {e.asset_key for e in results["wardbridge_exports"].get_asset_materialization_events()}
    assert STATISTICS.key in exported
    assert (source / "exports" / "statistics" / "datapackage.json").is_file()
    return source


def _published_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_marts_checks_rerun_alone_pass_then_fail_on_a_corrupted_published_mart(published, tmp_path):
    root = copy_parts(published, tmp_path / "wh")
    before = _published_files(root)
    again = _run(MARTS_ASSETS, root, MARTS_CHECKS)
    assert again.success, [e.step_failure_data.error for e in again.get_step_failure_events()]
    assert _outcomes(again) == dict.fromkeys(MARTS_CHECKS, True)
    assert again.get_asset_materialization_events() == []
    assert _published_files(root) == before  # nothing written (no Data Docs either)

    with duckdb.connect(str(root / "restricted.duckdb")) as con:  # a raw row lost from the published record flow
        con.execute(
            "DELETE FROM entities.record_flow WHERE record_key = (SELECT min(record_key) FROM entities.record_flow)"
        )
    with duckdb.connect(str(root / "analytics.duckdb")) as con:  # a ward listed twice in the 2025 dimension
        con.execute("INSERT INTO marts.dim_ward_2025 SELECT * FROM marts.dim_ward_2025 LIMIT 1")
    broken = _run(MARTS_ASSETS, root, MARTS_CHECKS)
    assert not broken.success  # blocking checks failed
    assert _outcomes(broken) == dict.fromkeys(MARTS_CHECKS, False)
    assert broken.get_asset_materialization_events() == []
    described = {e.check_name: e.description for e in broken.get_asset_check_evaluations()}
    assert "record_flow" in described["row_accounting"] and "1 raw rows missing" in described["row_accounting"]
    assert "dim_ward_2025" in described["marts_gates"]
    # one check alone: only that one is evaluated
    one = _run(MARTS_ASSETS, root, MARTS_CHECKS[:1])
    assert _outcomes(one) == {MARTS_CHECKS[0]: False}


def test_part_of_the_marts_cannot_be_materialised_alone(published, tmp_path):
    root = copy_parts(published, tmp_path / "wh")
    before = _published_files(root)
    partial = _run(MARTS_ASSETS, root, selection=dg.AssetSelection.assets("analytics_mart"))
    assert not partial.success
    failure = partial.get_step_failure_events()[0].step_failure_data.error.message
    assert "written together" in failure and "restricted_mart" in failure
    assert _published_files(root) == before


def test_export_gate_reruns_alone_on_the_published_package_then_fails_on_a_tampered_file(published, tmp_path):
    root = copy_parts(published, tmp_path / "wh", [*MARTS_PARTS, "exports/statistics"])
    asset = STATISTICS
    check = ["export_statistics:export_gate"]
    before = _published_files(root)
    again = _run([asset], root, check)
    assert again.success and _outcomes(again) == {check[0]: True}
    assert again.get_asset_materialization_events() == []
    assert _published_files(root) == before  # nothing written

    folder = root / "exports" / "statistics"
    parquet = sorted(folder.glob("*.parquet"))[0]
    frame = pl.read_parquet(parquet)
    pl.concat([frame, frame.head(1)]).write_parquet(parquet)  # a row published twice (a duplicate key)
    broken = _run([asset], root, check)
    assert not broken.success and _outcomes(broken) == {check[0]: False}
    assert broken.get_asset_materialization_events() == []
    description = broken.get_asset_check_evaluations()[0].description
    assert f"statistics/{parquet.name}: SHA-256 differs" in description  # the package's hash
    assert f"{parquet.stem}: gate failed" in description  # and the GX gate on the published rows (duplicate key)

    frame.write_parquet(parquet)
    (folder / "datapackage.json").unlink()
    gone = _run([asset], root, check)
    assert _outcomes(gone) == {check[0]: False}
    assert "no export published" in gone.get_asset_check_evaluations()[0].description

    (folder / "datapackage.json").write_text('{"resources": [{"bytes": 1}]', encoding="utf-8")  # cut short
    cut = _run([asset], root, check)
    assert _outcomes(cut) == {check[0]: False}  # a failed check with a reason, not a crashed step
    assert (
        "statistics/datapackage.json: unreadable (JSONDecodeError)" in cut.get_asset_check_evaluations()[0].description
    )


@pytest.mark.parametrize("column", ["pending_split", "no_ward"])
def test_row_accounting_rerun_fails_on_a_tampered_pending_split_or_no_ward_count(published, tmp_path, column):
    """The re-run recomputes marts.flow_accounting with the marts' own function: every column is compared."""
    root = copy_parts(published, tmp_path / "wh")
    check = MARTS_CHECKS[:1]
    with duckdb.connect(str(root / "analytics.duckdb"), read_only=True) as con:
        registry, value = con.sql(
            f"SELECT registry, {column} FROM marts.flow_accounting ORDER BY {column} DESC, registry LIMIT 1"
        ).fetchone()
    assert value > 0  # the sample has rows of split units without evidence and rows without a ward
    with duckdb.connect(str(root / "analytics.duckdb")) as con:  # the figure changed, every other count intact
        con.execute(f"UPDATE marts.flow_accounting SET {column} = {column} - 1 WHERE registry = ?", [registry])
    broken = _run(MARTS_ASSETS, root, check)
    assert not broken.success and _outcomes(broken) == {check[0]: False}
    description = broken.get_asset_check_evaluations()[0].description
    assert (
        f"flow_accounting, {registry}, field {column}: {value - 1} published, {value} in the warehouse" in description
    )
