"""Fault injection: a run killed with SIGKILL at named points leaves a readable warehouse, and the rerun equals a clean run.

Each run is a real subprocess running the engine (raw -> staged + quarantine -> entities, as
the Dagster assets do) over a small catalogue cut from the bundled sample. The process kills
itself at a point named by ``WARDBRIDGE_FAULT_AT`` (``pipelines.warehouse.fault_point``).
After the kill every DuckDB table and view and every Parquet file must open; a rerun (without
the fault) must then hold the same rows as a run on a fresh warehouse, compared
order-independently and without the run id. The killed runs are real processes; the clean run and the
reruns (which only read what a killed process left on disk) run the same driver code in this process, which
spares each of them the imports and the resolver's index (about 2 s of a 4 s run).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from pipelines.schema import ENTITY_KINDS, REGISTRY_KINDS
from pipelines.warehouse import FAULT_ENV, Warehouse
from tests.samplecut import cut_sample_catalogue

REPO = Path(__file__).resolve().parents[1]
# (source id, rows kept): two population partitions, one of every other registry, several formats.
SOURCES = {
    "population_718": 40,  # csv
    "population_748": 40,  # jsonl
    "households_747": None,  # pg_dump, whole file (about 300 rows)
    "businesses_723": 40,  # jsonl
    "tax_723": 40,  # csv
}

DRIVER = r"""
import sys
from pathlib import Path

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage
from pipelines.entities.io import previous_lineage, read_staged
from pipelines.entities.resolve import resolve_entities
from pipelines.schema import ENTITY_KINDS, QUARANTINE, raw_table, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse



def main(root, catalogue, run_id):
    wh = Warehouse(root)
    extracts = extracts_by_partition(load_catalogue([catalogue]))
    raw_layer, staged_layer, quarantine_layer = (PartitionedLayer(wh, n) for n in ("raw", "staged", "quarantine"))
    for key, extract in extracts.items():
        registry = extract.source.registry
        raw_layer.write(raw_table(registry), key, load_raw(extract, run_id).frame)
    for key, extract in extracts.items():
        registry = extract.source.registry
        raw = raw_layer.read(raw_table(registry).name, key)
        result = stage(raw, registry, day_first=extract.source.day_first)
        staged_layer.write(staged_table(registry), key, result.staged)
        quarantine_layer.write(QUARANTINE, key, result.quarantine, name=f"quarantine_{registry}")
    for kind, registry in ENTITY_KINDS.items():
        staged = read_staged(wh, registry)
        result = resolve_entities(kind, staged, previous_lineage(wh, kind))
        wh.publish("entities", result.tables())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
    print("done")
"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    """The sample catalogue's SOURCES entries, their files cut to SOURCES' rows (tests/samplecut.py)."""
    return cut_sample_catalogue(tmp_path_factory.mktemp("fault_sources"), SOURCES)


def _run(root: Path, catalogue: Path, run_id: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(root), str(catalogue), run_id],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _run_here(root: Path, catalogue: Path, run_id: str) -> None:
    """The driver's run in this process, without the fault hook: a clean run, or the rerun after a kill (which
    reads only what the killed process left on disk; its stale-file cleanup sees that process's pid is gone)."""
    assert FAULT_ENV not in os.environ
    namespace = {"__name__": "fault_driver"}
    exec(compile(DRIVER, "fault_driver", "exec"), namespace)  # noqa: S102 - the test's own driver text
    namespace["main"](root, catalogue, run_id)


def _tables(root: Path) -> dict[str, pl.DataFrame]:
    """Every table and view of the warehouse's DuckDB file, opened read-only and read in full."""
    out = {}
    with Warehouse(root).connect_reader() as con:  # the views' paths are relative to the warehouse root
        names = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        for schema, name in names:
            out[f"{schema}.{name}"] = con.sql(f'SELECT * FROM "{schema}"."{name}"').pl()
    return out


def _assert_readable(root: Path) -> None:
    """Every DuckDB table/view reads, every Parquet file opens (a killed run may have written nothing)."""
    if (root / "wardbridge.duckdb").exists():
        _tables(root)
    for path in root.rglob("*.parquet"):
        pq.read_table(path)  # raises on a half-written file


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.drop("run_id", strict=False)
    return frame.sort(frame.columns, nulls_last=True)


def _snapshot(root: Path) -> dict[str, pl.DataFrame]:
    """Every DuckDB table and view, and every Parquet file by its path under the warehouse."""
    out = {name: _comparable(frame) for name, frame in _tables(root).items()}
    for path in sorted(root.rglob("*.parquet")):
        out[str(path.relative_to(root))] = _comparable(pl.read_parquet(path))
    return out


@pytest.fixture(scope="module")
def clean(catalogue, tmp_path_factory) -> tuple[Path, dict[str, pl.DataFrame]]:
    root = tmp_path_factory.mktemp("clean") / "wh"
    _run_here(root, catalogue, "clean")
    snapshot = _snapshot(root)
    expected = {f"{layer}.{layer}_{r}" for layer in ("raw", "staged") for r in REGISTRY_KINDS}
    expected |= {f"quarantine.quarantine_{r}" for r in REGISTRY_KINDS}
    expected |= {f"entities.{k}_{t}" for k in ENTITY_KINDS for t in ("entities", "lineage", "review")}
    assert expected <= set(snapshot), sorted(expected - set(snapshot))
    assert all(snapshot[f"staged.staged_{r}"].height for r in REGISTRY_KINDS)
    return root, snapshot


def _assert_same(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    assert sorted(got) == sorted(want)
    for name, frame in want.items():
        assert got[name].columns == frame.columns, name
        assert got[name].equals(frame), f"{name}: {got[name].height} rows after the rerun, {frame.height} clean"


# Each point leaves a state the others do not, and the rerun mends it: no state here is another's with nothing added.
# (The driver's layer boundaries are covered inside these: "between-raw-and-staged" (every raw partition, nothing
# staged) is parquet-before-rename:7's state without its one staged partition and the complete temporary file;
# "between-staged-and-entities" is duckdb-mid-transaction:2's with the transaction not begun; and the entities'
# Parquet copy left complete under its temporary name (parquet-before-rename:16) is duckdb-after-commit:1's state
# with parquet-before-rename:7's leftover, both mended by the same code: write_parquet_atomic's removal of a dead
# writer's temporary file, the republish of the committed kind.)
FAULTS = [
    "parquet-mid-write:2",  # during the second raw partition's Parquet write: a half-written temporary file
    "parquet-before-rename:7",  # a staged/quarantine partition complete under its temporary name
    "parquet-after-rename:3",  # a raw partition replaced, its view not refreshed
    "duckdb-mid-transaction:2",  # inside the entities publish transaction (rolled back when DuckDB next opens)
    "duckdb-after-commit:1",  # DuckDB committed, the Parquet copies of the entities not yet written
]


@pytest.mark.parametrize(
    "start,fault",
    [("fresh", f) for f in FAULTS]
    + [("previous run", "parquet-before-rename:7"), ("previous run", "duckdb-mid-transaction:2")],
)
def test_killed_run_leaves_a_readable_warehouse_and_the_rerun_equals_a_clean_run(
    start, fault, catalogue, clean, tmp_path
):
    """start: an empty warehouse, or one holding a complete previous run of the same catalogue."""
    root = tmp_path / "wh"
    if start == "previous run":  # a copy of the clean run's warehouse (DuckDB's views read relative paths)
        shutil.copytree(clean[0], root)
    killed = _run(root, catalogue, "killed", fault)
    assert killed.returncode == -signal.SIGKILL, f"fault point {fault} not reached: {killed.stderr[-2000:]}"
    _assert_readable(root)
    if start == "previous run":  # every table and file of the complete previous run is still there and readable
        assert set(_snapshot(root)) >= set(clean[1])
    _run_here(root, catalogue, "rerun")
    assert not list(root.rglob("*.partial")), "the rerun leaves no temporary files of dead writers"
    _assert_same(_snapshot(root), clean[1])


def test_fault_hook_is_off_without_the_variable_and_a_wrong_point_never_fires(catalogue, clean, tmp_path):
    root = tmp_path / "wh"
    done = _run(root, catalogue, "other", "no-such-point")
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_same(_snapshot(root), clean[1])


def test_snapshot_comparison_sees_a_lost_row(clean, tmp_path):
    """The failure path of the comparison: a warehouse missing one staged row is not equal to the clean one."""
    root = tmp_path / "wh"
    shutil.copytree(clean[0], root)
    part = next((root / "parquet" / "staged" / "staged_tax").glob("part=*/data.parquet"))
    pl.read_parquet(part).slice(1).write_parquet(part)
    with pytest.raises(AssertionError, match="staged_tax"):
        _assert_same(_snapshot(root), clean[1])
    part.write_bytes(part.read_bytes()[:100])  # a torn file is not readable
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever pyarrow raises for a torn file
        _assert_readable(root)
