"""Marts on the bundled sample (a real pipeline run), plus the publishing guarantees.

The sample is run once per session (tests/marts_fixture.py); tests that republish work on a
copy of its warehouse so the shared one stays as the job left it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.definitions import defs
from assets.publish import ANALYTICS, JOB, RESTRICTED
from pipelines.entities.placement import SPLIT_SCHEMA
from pipelines.publish.marts import (
    STAGED_COLUMNS,
    _in_key_order,
    _sorted,
    accounting_problems,
    allocate,
    build_marts,
    city_total_problems,
    detail_ward_problems,
    publish_from_warehouse,
    read_inputs,
    record_flow,
)
from pipelines.publish.pseudonym import DevelopmentKeyWarning, pseudonym, pseudonym_key, pseudonymise
from pipelines.publish.store import (
    ANALYTICS_FILENAME,
    PARQUET_DIR,
    RESTRICTED_DISABLED_COMPRESSION,
    RESTRICTED_FILENAME,
    LockTimeout,
    PublishRejected,
    publish_marts,
    write_duckdb,
)
from pipelines.schema import (
    ANALYTICS_TABLES,
    REGISTRY_KINDS,
    RESTRICTED_TABLES,
    SPLIT_PLACEMENTS,
    Field,
    Table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.marts_fixture import sample_marts
from tests.warehouse_parts import copy_parts

KEY = b"test-key"


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    return root, results


@pytest.fixture(scope="session")
def inputs(sample):
    return read_inputs(Warehouse(sample[0]))


@pytest.fixture(scope="module")
def built(inputs):
    """The marts of the sample's inputs with KEY (build_marts, which reads and changes no input), built once for
    the tests that only read them or hand them to publish_marts."""
    return build_marts(inputs, KEY)


def _analytics(root: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(root / ANALYTICS_FILENAME), read_only=True) as con:
        return con.sql(sql).pl()


def _copy(sample, tmp_path) -> Warehouse:
    """The marts' inputs and the published marts of the sample warehouse (tests/warehouse_parts.py), not its
    exports and Data Docs."""
    return Warehouse(copy_parts(sample[0], tmp_path / "wh"))


def _parquet_bytes(root: Path) -> dict[str, bytes]:
    base = root / PARQUET_DIR
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*.parquet"))}


# --------------------------------------------------------------------------- the job


def test_job_registered_with_blocking_checks():
    job = defs.resolve_job_def(JOB)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {ANALYTICS, RESTRICTED}
    specs = {s.name: s for s in defs.resolve_assets_def(ANALYTICS).check_specs}
    assert specs["row_accounting"].blocking and specs["marts_gates"].blocking


def test_every_job_of_the_sample_run_succeeds(sample):
    _, results = sample
    for name, result in results.items():
        assert result.success, name
    evaluations = results[JOB].get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {"row_accounting", "marts_gates"}
    assert all(e.passed for e in evaluations)


def test_tables_and_file_modes(sample):
    root = sample[0]
    tables = _analytics(root, "SELECT schema_name, table_name FROM duckdb_tables()")
    assert set(tables["table_name"]) == {t.name for t in ANALYTICS_TABLES}
    assert set(tables["schema_name"]) == {"marts"}
    with duckdb.connect(str(root / RESTRICTED_FILENAME), read_only=True) as con:
        restricted = set(con.sql("SELECT table_name FROM duckdb_tables()").pl()["table_name"])
    assert restricted == {t.name for t in RESTRICTED_TABLES}
    assert stat.S_IMODE(os.stat(root / ANALYTICS_FILENAME).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(root / RESTRICTED_FILENAME).st_mode) == 0o600
    assert _analytics(root, "SELECT count(*) AS n FROM duckdb_views() WHERE NOT internal")["n"][0] == 0
    wards = sorted(p.name for p in (root / PARQUET_DIR / "ward_summary").iterdir())
    assert len(wards) == 168 and all(w.startswith("new_ward_code=") for w in wards)
    hive = pl.read_parquet(root / PARQUET_DIR / "ward_summary" / "**" / "*.parquet", hive_partitioning=True)
    assert hive.height == 168


def test_dimensions(sample):
    root = sample[0]
    counts = _analytics(
        root,
        "SELECT (SELECT count(*) FROM marts.dim_ward_2025) w, (SELECT count(*) FROM marts.dim_unit_pre2025) o, "
        "(SELECT count(DISTINCT old_uid) FROM marts.dim_crosswalk) c, (SELECT count(*) FROM marts.ward_summary) s",
    ).row(0)
    assert counts == (168, 442, 442, 168)
    shares = _analytics(root, "SELECT old_uid, sum(allocation_share) s FROM marts.dim_crosswalk GROUP BY ALL")
    assert (shares["s"] - 1).abs().max() < 1e-9


# --------------------------------------------------------------------------- reconciliation


def test_marts_reconcile_with_staged_and_entity_tables(sample, inputs):
    root = sample[0]
    summary = _analytics(root, "SELECT * FROM marts.ward_summary")
    wards = set(summary["new_uid"])
    staged = pl.concat(
        [inputs.staged[r].select("record_key", "new_uid", "ward_status", "old_uid") for r in REGISTRY_KINDS]
    )
    raw_rows = sum(inputs.raw[r].height for r in REGISTRY_KINDS)
    quarantined = sum(inputs.quarantine[r].height for r in REGISTRY_KINDS)
    # records: merged = staged rows with a ward; under review = the rest of the staged rows
    assert summary["merged"].sum() == staged.filter(pl.col("new_uid").is_in(list(wards))).height
    split = staged.filter(pl.col("ward_status") == "split_review")
    assert summary["under_review_estimated"].sum() == split.height
    accounting = _analytics(root, "SELECT * FROM marts.flow_accounting")
    assert accounting["raw"].sum() == raw_rows
    assert accounting["quarantined"].sum() == quarantined
    assert (accounting["merged"] + accounting["quarantined"] + accounting["under_review"] == accounting["raw"]).all()
    # entities: placed + estimated share of pending = every entity with a ward or a candidate ward
    for kind in ("people", "households", "businesses", "taxpayers"):
        entities = inputs.entities[kind]
        placed = entities.filter(pl.col("new_uid").is_in(list(wards))).height
        assert summary[kind].sum() == placed, kind
        mart = _analytics(root, f"SELECT placement, count(*) n FROM marts.{kind} GROUP BY ALL")
        counts = dict(mart.iter_rows())
        assert counts.get("placed", 0) == placed
        assert summary[f"{kind}_estimated"].sum() == placed + counts.get("pending_split", 0), kind
        assert sum(counts.values()) == entities.height
    # old units: in = merged + quarantined + under review = out + unplaced; flows add up to out
    rec = _analytics(root, "SELECT * FROM marts.old_unit_reconciliation")
    assert rec.height == 442
    assert (rec["records_in"] == rec["merged"] + rec["quarantined"] + rec["under_review"]).all()
    assert (rec["records_in"] == rec["records_out"] + rec["still_unplaced"]).all()
    flows = _analytics(root, "SELECT old_uid, sum(records_out) o FROM marts.old_unit_flows GROUP BY ALL")
    joined = rec.join(flows, on="old_uid", how="left").with_columns(pl.col("o").fill_null(0))
    assert (joined["o"] == joined["records_out"]).all()
    # a 2025-form record has no old unit (it is read in the 2025 form): it is in no old unit's row
    assert (
        rec["merged"].sum() == staged.filter(pl.col("new_uid").is_not_null() & pl.col("old_uid").is_not_null()).height
    )


def test_unplaced_entities_are_counted_in_the_city_summary(sample):
    root = sample[0]
    city = _analytics(root, "SELECT * FROM marts.city_summary ORDER BY entity_kind")
    assert set(city["entity_kind"]) == {"people", "households", "businesses", "taxpayers"}
    summary = _analytics(root, "SELECT * FROM marts.ward_summary")
    for row in city.iter_rows(named=True):
        kind = row["entity_kind"]
        mart = dict(_analytics(root, f"SELECT placement, count(*) n FROM marts.{kind} GROUP BY ALL").iter_rows())
        assert row["entities"] == sum(mart.values()) == row["estimated"] + row["unplaced"], kind
        assert row["unplaced"] == mart.get("unplaced", 0), kind
        assert row["estimated"] == summary[f"{kind}_estimated"].sum() == row["placed"] + row["pending_split"], kind
    # the sample has taxpayers with no ward at all: they are in no ward's estimate, but counted here
    taxpayers = city.filter(pl.col("entity_kind") == "taxpayers").row(0, named=True)
    assert taxpayers["unplaced"] > 0
    assert summary["taxpayers_estimated"].sum() < taxpayers["entities"]


def test_city_totals_gate_catches_an_unplaced_entity_left_out(sample):
    root = sample[0]
    names = ("ward_summary", "city_summary", "people", "households", "businesses", "taxpayers")
    analytics = {n: _analytics(root, f"SELECT * FROM marts.{n}") for n in names}
    assert city_total_problems(analytics) == []
    dropped = dict(
        analytics,
        city_summary=analytics["city_summary"].with_columns(
            unplaced=pl.when(pl.col("entity_kind") == "taxpayers").then(0).otherwise("unplaced")
        ),
    )
    problems = city_total_problems(dropped)
    assert any("city_total_taxpayers_entities" in p for p in problems)
    assert any("city_total_taxpayers_unplaced" in p for p in problems)
    one_ward_short = dict(
        analytics,
        ward_summary=analytics["ward_summary"].with_columns(
            people_estimated=pl.col("people_estimated") - (pl.int_range(pl.len()) == 0).cast(pl.Int64)
        ),
    )
    assert any("city_total_people_estimated" in p for p in city_total_problems(one_ward_short))


def test_split_records_never_get_a_ward_at_person_level(sample, inputs):
    root = sample[0]
    pending = _analytics(root, "SELECT * FROM marts.people WHERE placement = 'pending_split'")
    assert pending.height > 0
    assert pending["new_uid"].null_count() == pending.height
    assert set(pending["new_ward_code"]) == {"none"}
    split_units = set(_analytics(root, "SELECT old_uid FROM marts.dim_crosswalk WHERE is_split")["old_uid"])
    assert set(pending["pending_old_uid"]) <= split_units
    # every pending person is counted pending in each candidate ward of its old unit
    by_ward = _analytics(
        root,
        "SELECT c.new_uid, count(*) n FROM marts.people p JOIN marts.dim_crosswalk c ON c.old_uid = p.pending_old_uid "
        "GROUP BY ALL",
    )
    summary = _analytics(root, "SELECT new_uid, people_pending_split FROM marts.ward_summary")
    joined = summary.join(by_ward, on="new_uid", how="left").with_columns(pl.col("n").fill_null(0))
    assert (joined["n"] == joined["people_pending_split"]).all()


def test_allocation_by_largest_remainder():
    shares = pl.DataFrame(
        {
            "old_uid": ["a", "a", "a", "b", "b", "c", "c", "c"],
            "new_uid": ["x", "y", "z", "x", "y", "x", "y", "z"],
            "allocation_share": [0.5, 0.3, 0.2, 0.6, 0.4, 1 / 3, 1 / 3, 1 / 3],
        }
    )
    pending = pl.DataFrame({"old_uid": ["a", "b", "c"], "n": [10, 1, 7]})
    out = {(r["new_uid"]): r for r in allocate(pending, shares, []).to_dicts()}
    # a: 5/3/2 exactly; b: 0.6 -> x; c: 7/3 each = 2.33: the extra one to the first ward by uid
    assert out["x"]["allocated"] == 5 + 1 + 3
    assert out["y"]["allocated"] == 3 + 0 + 2
    assert out["z"]["allocated"] == 2 + 2
    assert out["x"]["pending_split"] == 10 + 1 + 7
    assert sum(r["allocated"] for r in out.values()) == 18


def test_allocation_total_is_exact_for_awkward_shares():
    shares = pl.DataFrame({"old_uid": ["a"] * 3, "new_uid": ["x", "y", "z"], "allocation_share": [0.45, 0.45, 0.1]})
    for n in range(0, 40):
        out = allocate(pl.DataFrame({"old_uid": ["a"], "n": [n]}), shares, [])
        assert out["allocated"].sum() == n
        assert out["allocated"].max() - out["allocated"].min() <= max(1, n)


def test_allocation_over_dims_keeps_the_ward_totals_and_the_cell_totals():
    # many small cells (1-2 per sex x age band): rounding each cell alone gave every remainder to the largest part
    shares = pl.DataFrame({"old_uid": ["a"] * 3, "new_uid": ["x", "y", "z"], "allocation_share": [0.5, 0.3, 0.2]})
    pending = pl.DataFrame({"old_uid": ["a"] * 12, "band": [f"{i:02d}" for i in range(12)], "n": [1, 2] * 6})
    out = allocate(pending, shares, ["band"])
    per_ward = dict(out.group_by("new_uid").agg(pl.col("allocated").sum()).iter_rows())
    total = allocate(pending.group_by("old_uid").agg(pl.col("n").sum()), shares, [])
    assert per_ward == dict(total.select("new_uid", "allocated").iter_rows()) == {"x": 9, "y": 5, "z": 4}
    per_band = out.group_by("band").agg(pl.col("allocated").sum(), pl.col("pending_split").first()).sort("band")
    assert per_band["allocated"].to_list() == pending["n"].to_list()
    assert (out["allocated"] >= 0).all()
    assert (out["pending_split"] == out.join(pending, on="band")["n"]).all()


def test_detail_marts_add_up_to_the_ward_summary_per_ward(sample):
    root = sample[0]
    names = ("ward_summary", "population_by_sex_age", "household_size", "businesses_by_sector", "taxpayers_by_kind")
    analytics = {n: _analytics(root, f"SELECT * FROM marts.{n}") for n in names}
    assert detail_ward_problems(analytics) == []
    summary = analytics["ward_summary"]
    for name, kind in zip(names[1:], ("people", "households", "businesses", "taxpayers"), strict=True):
        sums = analytics[name].group_by("new_uid").agg(pl.col(f"{kind}_estimated").sum().alias("d"))
        joined = summary.join(sums, on="new_uid", how="left").with_columns(pl.col("d").fill_null(0))
        assert (joined["d"] == joined[f"{kind}_estimated"]).all(), name
    moved = analytics["population_by_sex_age"].with_columns(
        people_estimated=pl.col("people_estimated") + (pl.int_range(pl.len()) == 0).cast(pl.Int64)
    )
    problems = detail_ward_problems(dict(analytics, population_by_sex_age=moved))
    assert any("population_by_sex_age" in p and "people_estimated" in p for p in problems)


# --------------------------------------------------------------------------- row accounting


def test_row_accounting_passes_on_the_sample_and_fails_when_a_row_is_lost(inputs):
    r = "population"
    raw, staged, quarantine, lineage = inputs.raw[r], inputs.staged[r], inputs.quarantine[r], inputs.lineage["people"]
    assert accounting_problems(r, raw, staged, quarantine, lineage) == []
    lost = staged["record_key"][0]
    problems = accounting_problems(
        r, raw, staged.filter(pl.col("record_key") != lost), quarantine, lineage.filter(pl.col("record_key") != lost)
    )
    assert problems and "lost" in problems[0] and lost in problems[0]
    unmerged = accounting_problems(r, raw, staged, quarantine, lineage.filter(pl.col("record_key") != lost))
    assert any("not merged" in p for p in unmerged)
    both = accounting_problems(r, raw, staged, pl.concat([quarantine, quarantine.head(0)]), lineage)
    assert both == []
    doubled = accounting_problems(r, raw, pl.concat([staged, staged.head(1)]), quarantine, lineage)
    assert any("more than once" in p for p in doubled)


def test_a_lost_row_blocks_publication_and_keeps_the_previous_marts(sample, tmp_path):
    wh = _copy(sample, tmp_path)
    before = _parquet_bytes(wh.root)
    db_before = (wh.root / ANALYTICS_FILENAME).read_bytes()
    inputs = read_inputs(wh)
    inputs.staged["tax"] = inputs.staged["tax"].slice(1)  # one staged row vanishes
    marts = build_marts(inputs, KEY)
    assert marts.problems
    with pytest.raises(PublishRejected, match="lost") as rejected:
        publish_marts(wh.root, marts.analytics.values(), marts.restricted.values(), extra_problems=marts.problems)
    assert rejected.value.accounting == marts.problems  # the row accounting's, told apart from the gates'
    assert _parquet_bytes(wh.root) == before
    assert (wh.root / ANALYTICS_FILENAME).read_bytes() == db_before
    assert not list(wh.root.glob("*.tmp-*")) and not list((wh.root / "marts").glob(".analytics.*"))


def test_a_failing_gate_keeps_the_previous_marts(sample, tmp_path):
    wh = _copy(sample, tmp_path)
    before = _parquet_bytes(wh.root)

    def reject_people(table, frame):  # noqa: ANN001, ANN202
        return [f"{table.name}: rejected for the test"] if table.name == "people" else []

    with pytest.raises(PublishRejected, match="rejected for the test") as rejected:
        publish_from_warehouse(wh, validators=[reject_people], key=KEY)
    assert rejected.value.accounting == []  # every row accounted for: only the gate failed
    assert _parquet_bytes(wh.root) == before
    # the files written aside while the gates ran are removed
    assert not list(wh.root.glob("*.tmp-*")) and not list((wh.root / "marts").glob(".analytics.*"))


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.sql("SELECT count(*) FROM marts.ward_summary").fetchone()[0], flush=True)
sys.stdin.readline()  # hold the connection until told
print(con.sql("SELECT sum(people) FROM marts.ward_summary").fetchone()[0], flush=True)
"""


@dataclass
class Republished:
    """What ``republished`` saw (each of the three tests below asserts its part)."""

    root: Path
    seen: dict[str, int]  # the folder's mode each DuckDB file of the first publication was written in (-1: the root)
    leftovers_after_first: list[str]
    restricted_after_first: bool
    first: dict[str, bytes]  # the Parquet copies after the first publication
    second: dict[str, bytes]  # after the second one
    read_before: str  # the reader's first line, before the second publication
    read_after: str  # its second line, after it (from the snapshot it kept open)


@pytest.fixture(scope="module")
def republished(sample, built, tmp_path_factory) -> Republished:
    """A copy of the sample warehouse published twice with the same inputs and KEY: first the module's ``built``
    marts (publish_marts) under umask 022 with store.write_duckdb spied on, then built again from the copy
    (publish_from_warehouse, as the job does) while a reader process holds analytics.duckdb open. Two publications
    for the three tests below, which each published on their own copy (four publications of 2-3.5 s each); the
    first reuses the marts the module built anyway (one read and build fewer, ~1 CPU s) and the second is a build of
    its own, so the byte-identical Parquet still compares two builds of the same inputs."""
    from pipelines.publish import store

    wh = _copy(sample, tmp_path_factory.mktemp("republished"))
    seen: dict[str, int] = {}
    write = store.write_duckdb

    def spying(path, *args):  # noqa: ANN001, ANN002, ANN202
        seen[path.name] = stat.S_IMODE(path.parent.stat().st_mode) if path.parent != wh.root else -1
        return write(path, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "write_duckdb", spying)
        old = os.umask(0o022)
        try:
            publish_marts(wh.root, built.analytics.values(), built.restricted.values(), run_id="first")
        finally:
            os.umask(old)
    leftovers = sorted(p.name for p in (*wh.root.glob("*.tmp-*"), *wh.root.glob(".*.tmp-*")))
    restricted = (wh.root / "restricted.duckdb").is_file()
    first = _parquet_bytes(wh.root)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(wh.root / ANALYTICS_FILENAME)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        read_before = reader.stdout.readline().strip()
        publish_from_warehouse(wh, key=KEY, run_id="second")  # must not fail on the reader
        out, _ = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    return Republished(wh.root, seen, leftovers, restricted, first, _parquet_bytes(wh.root), read_before, out.strip())


def test_the_restricted_mart_is_written_aside_in_a_private_folder(republished):
    """restricted.duckdb and its write-ahead log are written in a 0700 folder (the run's umask 027 would let the
    analysts' group read person-level rows meanwhile); the folder is gone once the file is swapped in."""
    seen = republished.seen
    assert seen["restricted.duckdb"] == 0o700  # written inside a private folder
    assert seen[next(n for n in seen if n.startswith(ANALYTICS_FILENAME))] == -1  # the analysts' file beside it
    assert republished.restricted_after_first
    assert republished.leftovers_after_first == []


def test_a_failing_write_aside_keeps_the_previous_marts_and_says_why(sample, built, tmp_path):
    wh = _copy(sample, tmp_path)
    before = _parquet_bytes(wh.root)
    db_before = (wh.root / ANALYTICS_FILENAME).read_bytes()
    marts = built
    analytics = dict(marts.analytics)
    table, frame = analytics["people"]
    analytics["people"] = (table, frame.drop(frame.columns[-1]))  # cannot be written as declared
    with pytest.raises(Exception, match=frame.columns[-1]) as raised:
        publish_marts(wh.root, analytics.values(), marts.restricted.values(), validators=[])
    assert not isinstance(raised.value, PublishRejected)
    assert _parquet_bytes(wh.root) == before
    assert (wh.root / ANALYTICS_FILENAME).read_bytes() == db_before
    assert not list(wh.root.glob("*.tmp-*")) and not list((wh.root / "marts").glob(".analytics.*"))


# --------------------------------------------------------------------------- personal data


def _personal_values(inputs, wh: Warehouse) -> set[str]:  # noqa: ANN001
    columns = {
        "population": ["full_name", "date_of_birth", "personal_id", "old_id_number", "phone", "address"],
        "households": ["head_name", "head_personal_id", "address"],
        "businesses": ["owner_name", "owner_personal_id", "address", "tax_code"],
        "tax": ["taxpayer_name", "taxpayer_code", "address"],
    }
    values: set[str] = set()
    for registry, names in columns.items():
        # the whole staged table: the marts' inputs hold only the columns the marts read, none of these
        frame = PartitionedLayer(wh, "staged").scan(staged_table(registry).name).collect()
        for name in names:
            series = frame[name].drop_nulls()
            values |= set(series.cast(pl.String).to_list())
            if series.dtype == pl.Date:
                values |= set(series.dt.strftime("%d/%m/%Y").to_list())
    # an address written as just a unit's name is public reference data, not a personal value
    public = set()
    for frame in (inputs.units_2025, inputs.units_pre2025):
        for column in ("name", "short_name"):
            public |= set(frame[column].to_list())
    public |= set(inputs.units_pre2025["district_name"].to_list())
    return {v for v in values if len(v) >= 6} - public


def test_no_personal_value_in_any_analytics_column(sample, inputs):
    personal = _personal_values(inputs, Warehouse(sample[0]))
    assert len(personal) > 10_000
    root = sample[0]
    with duckdb.connect(str(root / ANALYTICS_FILENAME), read_only=True) as con:
        columns = con.sql("SELECT schema_name, table_name, column_name FROM duckdb_columns() ORDER BY ALL").pl()
        leaks = []
        # every column cast to text by DuckDB (CAST AS VARCHAR), one query a table: one query a column (~690
        # DISTINCT queries) took ~3.5 CPU s of this test, for the same values
        for (schema, table), names in columns.group_by("schema_name", "table_name", maintain_order=True):
            names = names["column_name"].to_list()
            casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in names)
            cells = con.sql(f'SELECT {casts} FROM "{schema}"."{table}"').pl()
            for column in names:
                hits = set(cells[column].drop_nulls().unique().to_list()) & personal
                if hits:
                    leaks.append(f"{table}.{column}: {len(hits)} values")
    assert columns.height > 100
    assert leaks == []


def test_the_scan_would_catch_a_leak(sample, inputs):
    wh = Warehouse(sample[0])
    personal = _personal_values(inputs, wh)
    name = PartitionedLayer(wh, "staged").scan(staged_table("population").name).collect()["full_name"][0]
    assert name in personal


def test_mart_inputs_hold_no_personal_staged_column(inputs):
    for registry, frame in inputs.staged.items():
        assert set(frame.columns) == set(STAGED_COLUMNS), registry


# --------------------------------------------------------------------------- pseudonyms


def test_pseudonyms_keep_the_order_of_a_large_input():
    """No ORDER BY in DuckDB: the pseudonyms of 300,000 ids (scanned in parallel) stay in their ids' order."""
    ids = pl.Series("id", [f"P{(i * 7919) % 300_000:06d}" for i in range(300_000)])
    ids[5] = None
    fast = pseudonymise(ids, "people", KEY)
    assert fast.len() == ids.len() and fast[5] is None
    for i in (0, 1, 4, 6, 65_535, 122_881, 150_000, 299_999):
        assert fast[i] == pseudonym(KEY, "people", ids[i])


def test_sorting_is_skipped_only_when_rows_are_in_key_order():
    two = Table("t", "", (Field("a", pl.String, ""), Field("b", pl.Int64, "")), ("a", "b"))
    ordered = pl.DataFrame({"a": ["x", "x", "y", "y"], "b": [1, 2, 0, 5]})
    assert _in_key_order(ordered, ["a", "b"]) and _sorted(two, ordered).equals(ordered)
    for rows in ({"a": ["x", "x", "y", "y"], "b": [2, 1, 0, 5]}, {"a": ["y", "x", "x", "y"], "b": [0, 1, 2, 5]}):
        shuffled = pl.DataFrame(rows)
        assert not _in_key_order(shuffled, ["a", "b"])
        assert _sorted(two, shuffled).equals(ordered)
    with_null = pl.DataFrame({"a": ["x", None], "b": [1, 2]})
    assert not _in_key_order(with_null, ["a", "b"])


def test_pseudonyms_are_keyed_hmacs(sample, inputs, monkeypatch):
    ids = inputs.entities["people"]["entity_id"].head(50)
    fast = pseudonymise(ids, "people", KEY).to_list()
    assert fast == [pseudonym(KEY, "people", i) for i in ids]
    assert len(set(fast)) == 50 and all(len(p) == 32 for p in fast)
    assert pseudonymise(ids, "people", b"rotated").to_list() != fast  # rotation changes every pseudonym
    assert set(pseudonymise(ids, "people", b"rotated")).isdisjoint(fast)
    monkeypatch.delenv("WARDBRIDGE_PSEUDONYM_KEY", raising=False)
    with pytest.warns(DevelopmentKeyWarning):
        dev = pseudonym_key()
    monkeypatch.setenv("WARDBRIDGE_PSEUDONYM_KEY", "s3cret-0123456789")  # >= 16 bytes (test_exports: shorter fails)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pseudonym_key() == b"s3cret-0123456789" != dev
    # the published people keys are the pseudonyms of the restricted map
    with duckdb.connect(str(sample[0] / RESTRICTED_FILENAME), read_only=True) as con:
        mapping = con.sql("SELECT entity_id, pseudo_key FROM entities.pseudonyms WHERE entity_kind = 'people'").pl()
    keys = set(_analytics(sample[0], "SELECT person_key FROM marts.people")["person_key"])
    assert set(mapping["pseudo_key"]) == keys
    assert not keys & set(mapping["entity_id"])


def test_reference_keys_are_the_pseudonyms_of_the_referenced_ids(sample, inputs, built):
    """household_key / business_key / parent_business_key are looked up in the referenced kind's
    pseudonym map (not hashed again): they must equal hashing the id, ids missing from the map included.
    A person's household is the one of his own book (golden household_no) among his member_of links, else the
    smallest id (tests/test_marts_analyst_answers.py)."""
    from pipelines.publish.marts import _pseudo, _pseudo_ref

    marts = built
    member_of = (
        inputs.links.filter((pl.col("link_type") == "member_of") & (pl.col("from_kind") == "people"))
        .select(entity_id="from_entity_id", household_id="to_entity_id")
        .join(inputs.entities["people"].select("entity_id", "household_no"), on="entity_id", how="left")
        .join(
            inputs.entities["households"].select(household_id="entity_id", book="household_no"),
            on="household_id",
            how="left",
        )
        .with_columns(own=(pl.col("household_no") == pl.col("book")).fill_null(False))
        .sort(["entity_id", "own", "household_id"], descending=[False, True, False])
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("household_id").first())
    )
    ids = inputs.entities["people"]["entity_id"]
    expected = pl.DataFrame({"entity_id": ids, "person_key": pseudonymise(ids, "people", KEY)}).join(
        member_of, on="entity_id", how="left"
    )
    expected = dict(zip(expected["person_key"], pseudonymise(expected["household_id"], "households", KEY), strict=True))
    got = dict(marts.analytics_frame("people").select("person_key", "household_key").iter_rows())
    assert got and all(expected[k] == v for k, v in got.items())
    assert any(v is not None for v in got.values())
    households = set(marts.analytics_frame("households")["household_key"])
    assert {v for v in got.values() if v is not None} <= households
    # an id the map lacks is hashed; a null stays null; row order is kept
    frame = pl.DataFrame({"n": [1, 2, 3, 4], "ref": ["b", None, "zz-not-in-map", "a"]})
    known = pl.DataFrame({"entity_id": ["a", "b"]}).with_columns(
        pseudo_key=pseudonymise(pl.Series(["a", "b"]), "households", KEY)
    )
    looked_up = _pseudo_ref(frame, "ref", "households", KEY, "ref_key", known)
    assert looked_up.equals(_pseudo(frame, "ref", "households", KEY, "ref_key"))


# --------------------------------------------------------------------------- safe publishing


def test_republishing_the_same_inputs_gives_byte_identical_parquet(republished):
    first = republished.first
    assert republished.second == first
    assert len(first) > 168


def test_an_open_reader_does_not_block_publishing_and_the_folder_moves(republished, tmp_path):
    assert republished.read_before == "168"
    assert int(republished.read_after) > 0  # the reader kept working on its snapshot
    moved = tmp_path / "elsewhere"
    shutil.copytree(republished.root, tmp_path / "wh")  # the module's copy stays where it is
    shutil.move(tmp_path / "wh", moved)
    assert _analytics(moved, "SELECT count(*) n FROM marts.people")["n"][0] > 0
    assert pl.read_parquet(moved / PARQUET_DIR / "people" / "**" / "*.parquet").height > 0


def test_a_held_writer_lock_times_out_with_a_clear_message(sample, built, tmp_path):
    wh = _copy(sample, tmp_path)
    marts = built
    with wh._writer_lock():
        with pytest.raises(LockTimeout, match="another wardbridge run is writing"):
            publish_marts(wh.root, marts.analytics.values(), marts.restricted.values(), timeout_s=0.5)


def test_job_fails_and_keeps_previous_marts_when_row_accounting_fails(sample, tmp_path):
    wh = _copy(sample, tmp_path)
    before = _parquet_bytes(wh.root)
    parts = sorted((wh.root / "parquet" / "quarantine" / "quarantine_households").glob("part=*/data.parquet"))
    next(p for p in parts if pl.read_parquet(p).height).unlink()  # quarantined rows vanish
    from assets.resources import WarehouseResource

    result = defs.resolve_job_def(JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        raise_on_error=False,
    )
    assert not result.success
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert "row_accounting" in failed and "lost" in failed["row_accounting"].description
    assert "marts_gates" not in failed  # the lost rows are the accounting's problem, not the gates'
    assert _parquet_bytes(wh.root) == before


def test_the_marts_see_the_wards_the_entities_were_built_with(sample, tmp_path):
    """A split record placed by the overlay (learned or official) is placed in the marts too, not pending."""
    wh = _copy(sample, tmp_path)
    staged = read_inputs(wh).staged["population"]
    pending = staged.filter(pl.col("ward_status") == "split_review").head(1)
    assert pending.height == 1, "the sample has a population record of a split unit without evidence"
    key, old_uid = pending["record_key"][0], pending["old_uid"][0]
    ward = pending["ward_candidates"][0][0]
    path = wh.parquet_path(SPLIT_SCHEMA, SPLIT_PLACEMENTS.name)
    placed = pl.DataFrame(
        {
            "registry": ["population"],
            "record_key": [key],
            "old_uid": [old_uid],
            "new_uid": [ward],
            "ward_status": ["split_resolved"],
            "ward_reason": ["placed for the test"],
        }
    )
    before = pl.read_parquet(path) if path.is_file() else placed.head(0)
    pl.concat([before, placed.select(before.columns)], how="vertical_relaxed").write_parquet(path)

    flow = record_flow(read_inputs(wh))
    row = flow.filter(pl.col("record_key") == key)
    assert row.height == 1 and row["new_uid"][0] == ward and row["ward_status"][0] == "split_resolved"
    # without the overlay (as before) the record would still be pending: the test can fail
    assert staged.filter(pl.col("record_key") == key)["new_uid"][0] is None


def test_restricted_file_without_dictionary_compression_reads_back_the_same(tmp_path):
    table = Table("t", "a test table", (Field("k", pl.String, "key", required=True), Field("v", pl.Int64, "value")))
    frame = pl.DataFrame({"k": [f"id-{i % 7}" for i in range(5000)], "v": list(range(5000))})
    for disabled in ("", RESTRICTED_DISABLED_COMPRESSION):
        path = tmp_path / f"x{bool(disabled)}.duckdb"
        write_duckdb(path, "s", [(table, frame)], 0o600, disabled)
        with duckdb.connect(str(path), read_only=True) as con:
            back = con.sql("SELECT * FROM s.t").pl()
            methods = {m for (m,) in con.sql("SELECT DISTINCT compression FROM pragma_storage_info('s.t')").fetchall()}
        assert back.equals(frame)
        assert ("Dictionary" in methods) == (not disabled), methods
