"""The warehouse is private by default (review h6, F7): under the usual umask 022, only restricted.duckdb used to
be 0600 while wardbridge.duckdb, the Parquet copies, the officials' per-ward files and the ministry exports (the
same names, IDs and birth dates) were world-readable. Now: root 0750, wardbridge.duckdb 0600, parquet/, review/,
exports/, status/ 0700, nothing world-readable; analytics.duckdb stays 0640 for the analysts' group."""

import os
import stat
import subprocess
from pathlib import Path

import polars as pl
import pytest

from pipelines.schema import Field, Table
from pipelines.warehouse import PRIVATE_DIRS, PartitionedLayer, Warehouse, private_modes, private_umask
from tests.runhelpers import REPO

TABLE = Table(name="t", description="test table", fields=(Field("x", pl.Int64, "a number"),))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_warehouse_is_private(tmp_path, umask_022):
    wh = Warehouse(tmp_path / "new" / "wh")
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [1]}))])
    PartitionedLayer(wh, "staged").write(TABLE, "src@2025-08-31", pl.DataFrame({"x": [2]}))
    assert mode(wh.root) == 0o750
    assert mode(wh.duckdb_path) == 0o600
    for name in PRIVATE_DIRS:
        assert mode(wh.root / name) == 0o700, name
    # without wardbridge's umask the engine's files are 0644, but nobody else reaches them
    assert _readable_by(wh.root, "other") == set()
    assert _readable_by(wh.root, "group") <= {".wardbridge.lock"}
    assert wh.read("s", "t")["x"].to_list() == [1]


def test_an_existing_world_readable_warehouse_is_tightened_never_widened(tmp_path, umask_022):
    root = tmp_path / "wh"
    (root / "parquet").mkdir(parents=True, mode=0o755)
    (root / "review").mkdir(mode=0o700)
    (root / "exports").mkdir(mode=0o750)
    os.chmod(root, 0o755)
    os.chmod(root / "exports", 0o750)
    wh = Warehouse(root)
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [1]}))])
    os.chmod(wh.duckdb_path, 0o644)  # as an earlier version left it
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [2]}))])
    assert mode(root) == 0o750
    assert mode(wh.duckdb_path) == 0o600
    assert {name: mode(root / name) for name in PRIVATE_DIRS} == dict.fromkeys(PRIVATE_DIRS, 0o700)
    os.chmod(root, 0o700)  # an operator's stricter choice stays
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [3]}))])
    assert mode(root) == 0o700


def test_private_umask_adds_bits_and_keeps_a_stricter_umask():
    old = os.umask(0o022)
    try:
        assert private_umask() == 0o022
        assert os.umask(0o077) == 0o027
        private_umask()
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(old)


def test_private_modes_holds_the_runs_umask_for_its_blocks_and_puts_the_callers_back(tmp_path, umask_022):
    """write_report and export() run under it (tests/test_report.py, tests/test_exports.py test them under umask
    022): files 0640, folders 0750 inside; two blocks of two threads ending out of order put 022 back only when the
    last ends (the first to end used to be able to widen the umask under the other)."""
    first, second = private_modes(), private_modes()
    first.__enter__()
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "file").write_text("x")
    second.__enter__()  # another thread's call
    first.__exit__(None, None, None)
    assert os.umask(0o027) == 0o027  # still the run's: the other block is open
    (tmp_path / "later").write_text("x")
    second.__exit__(None, None, None)
    assert os.umask(0o022) == 0o022
    assert [mode(tmp_path / p) for p in ("folder", "folder/file", "later")] == [0o750, 0o640, 0o640]
    os.umask(0o077)  # a caller's stricter umask stays as strict inside, and is put back
    with private_modes():
        (tmp_path / "strict").write_text("x")
    assert os.umask(0o022) == 0o077
    assert mode(tmp_path / "strict") == 0o600


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["umask022", "umask027"])
def test_the_write_ahead_log_of_an_open_write_is_private(tmp_path, umask):
    """wardbridge.duckdb.wal holds the same person-level rows as wardbridge.duckdb until a checkpoint (and stays
    behind after a crash): it used to be created 0644 under umask 022, 0640 under the pipeline's 027 (review r2)."""
    old = os.umask(umask)
    try:
        wh = Warehouse(tmp_path / "wh")
        wh.prepare()
        wal = wh.duckdb_path.with_name(wh.duckdb_path.name + ".wal")
        with wh.connect_writer() as con:
            con.execute("CREATE TABLE t AS SELECT range AS x, md5(range::VARCHAR) AS y FROM range(1000)")
            con.execute("INSERT INTO t SELECT * FROM t")  # committed, not checkpointed: in the log
            assert wal.is_file()
            assert mode(wal) & 0o077 == 0, oct(mode(wal))
            assert mode(wh.duckdb_path) == 0o600
            con.execute("CHECKPOINT")  # DuckDB removes the log; the next commit creates a new one
            con.execute("INSERT INTO t SELECT * FROM t")
            assert wal.is_file() and mode(wal) & 0o077 == 0, oct(mode(wal))
        assert os.umask(umask) == umask  # the process's umask is back once the connection is closed
    finally:
        os.umask(old)


def test_a_write_ahead_log_left_by_a_crash_is_tightened(tmp_path, umask_022):
    wh = Warehouse(tmp_path / "wh")
    wh.publish("s", [(TABLE, pl.DataFrame({"x": [1]}))])
    wal = wh.duckdb_path.with_name(wh.duckdb_path.name + ".wal")
    wal.write_bytes(b"")  # as an earlier version (or a killed run) left it
    os.chmod(wal, 0o644)
    wh.prepare()
    assert mode(wal) == 0o600


def _readable_by(root: Path, who: str) -> set[str]:
    """Files under root that someone in class ``who`` ("group": in the file's group, not the owner; "other")
    can reach (search permission on every folder down from root) and read."""
    search, read = {"group": (0o010, 0o040), "other": (0o001, 0o004)}[who]
    found = set()

    def walk(folder: Path) -> None:
        for path in folder.iterdir():
            if path.is_dir():
                if mode(path) & search:
                    walk(path)
            elif mode(path) & read:
                found.add(str(path.relative_to(root)))

    if mode(root) & search:
        walk(root)
    return found


def test_modes_after_a_run_under_umask_022(sample_run):
    # `wardbridge run` under umask 022 with a key: the exports (clear personal fields for public_security) run
    # (tests/runhelpers.py run_sample, shared read-only with test_cli)
    warehouse, proc = sample_run.warehouse, sample_run.proc
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert (warehouse / "exports" / "public_security" / "datapackage.json").is_file()
    assert list((warehouse / "review" / "wards").glob("*/*.csv"))
    assert mode(warehouse) == 0o750
    assert mode(warehouse / "wardbridge.duckdb") == 0o600
    assert mode(warehouse / "restricted.duckdb") == 0o600
    assert mode(warehouse / "analytics.duckdb") == 0o640  # the analysts' group, as documented
    for name in PRIVATE_DIRS:
        assert mode(warehouse / name) == 0o700, name
    every = [warehouse, *warehouse.rglob("*")]
    assert [str(p) for p in every if mode(p) & 0o007] == []  # nothing for others, at any depth
    assert [str(p) for p in every if mode(p) & 0o020] == []  # the group writes nothing
    assert _readable_by(warehouse, "other") == set()
    readable = _readable_by(warehouse, "group")
    assert "analytics.duckdb" in readable and any(p.startswith("reports/") for p in readable)
    tops = {p.split("/")[0] for p in readable}
    assert tops <= {"analytics.duckdb", "marts", "reports", "history", "reference_history", ".wardbridge.lock"}, tops


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_decisions_and_landing_folders_are_git_ignored_examples_are_not():
    """Decisions files and landed extracts hold names, IDs and addresses side by side (review h6, F12)."""
    ignored = ["decisions/ward_27154.csv", "decisions/sub/x.xlsx", "data/landing/population_770.csv"]
    kept = [
        "docs/examples/decisions.csv",
        "pipelines/review/decisions.py",
        "tests/data/decisions/a.csv",
        "data/sample/x.csv",
    ]
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", *ignored, *kept], cwd=REPO, capture_output=True, text=True
    )
    assert proc.stdout.split() == ignored, proc.stderr
