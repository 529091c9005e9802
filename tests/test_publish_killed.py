"""A run killed (SIGKILL, a real process) while publishing leaves the previous marts and exports readable, in place.

The marts of the bundled sample are published again by a subprocess (``publish_from_warehouse``, what the
``analytics_mart`` asset runs) that is killed: at named points of the swap (``WARDBRIDGE_FAULT_AT``,
``pipelines.warehouse.fault_point``) and, once, from outside at whatever moment it has reached after it started
writing aside. After each kill, with nothing cleaned up, every table of analytics.duckdb and restricted.duckdb opens
read-only and holds the previous rows, and the Parquet folder ``marts/analytics`` is there with the previous bytes
(the same inputs give the same files); the next publication then succeeds and leaves no temporary file. An export
killed right after its folder was exchanged is likewise in place.

The killed publications are real processes; the ones after a kill (which only read what the killed process left on
disk) run ``publish_from_warehouse`` in this process, which spares each of them a new interpreter's imports (Great
Expectations among them). The reference state is the marts the session's sample run published (tests/marts_fixture.py,
the ``analytics_mart`` asset in a ``wardbridge run`` with the pseudonym key ``KEY``): every publication here uses that
key, so each must give back exactly those marts (one publication less than publishing a reference here first).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.publish import store
from pipelines.publish.exports import export, load_declarations
from pipelines.publish.marts import publish_from_warehouse
from pipelines.publish.store import ANALYTICS_FILENAME, PARQUET_DIR, RESTRICTED_FILENAME, exchange_paths
from pipelines.warehouse import FAULT_ENV, Warehouse
from tests.marts_fixture import sample_marts
from tests.runhelpers import TEST_KEY

REPO = Path(__file__).resolve().parents[1]
KEY = TEST_KEY  # the key of the session's sample run (runhelpers.run_sample), whose marts are the reference

PUBLISH = """
import sys
from pathlib import Path
from pipelines.publish.marts import publish_from_warehouse
from pipelines.warehouse import Warehouse
publish_from_warehouse(Warehouse(Path(sys.argv[1])), key=sys.argv[2].encode(), run_id=sys.argv[3])
print("published", flush=True)
"""

EXPORT = """
import sys
from pathlib import Path
from pipelines.publish.exports import export, load_declarations
from pipelines.warehouse import Warehouse
export(load_declarations()[sys.argv[2]], Warehouse(Path(sys.argv[1])), run_id=sys.argv[3])
print("exported", flush=True)
"""


def _env(fault: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    env["WARDBRIDGE_PSEUDONYM_KEY"] = KEY
    if fault:
        env[FAULT_ENV] = fault
    return env


def _publish(root: Path, run_id: str, fault: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PUBLISH, str(root), KEY, run_id],
        cwd=REPO,
        env=_env(fault),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _publish_here(root: Path, run_id: str) -> None:
    """What ``PUBLISH`` does, in this process (the fault hook off)."""
    assert FAULT_ENV not in os.environ
    publish_from_warehouse(Warehouse(root), key=KEY.encode(), run_id=run_id)


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.sql("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal").fetchall()
        return {f"{s}.{t}": con.sql(f'SELECT * FROM "{s}"."{t}"').pl() for s, t in names}


def _parquet(root: Path) -> dict[str, bytes]:
    base = root / PARQUET_DIR
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*.parquet"))}


def _state(root: Path) -> tuple[dict, dict, dict]:
    return _tables(root / ANALYTICS_FILENAME), _tables(root / RESTRICTED_FILENAME), _parquet(root)


def _assert_same(got: tuple[dict, dict, dict], want: tuple[dict, dict, dict]) -> None:
    for name in ("analytics", "restricted"):
        g, w = got[name == "restricted"], want[name == "restricted"]
        assert sorted(g) == sorted(w), name
        for table, frame in w.items():
            assert g[table].equals(frame), f"{name}: {table} differs from the previous publication"
    assert got[2] == want[2], "the Parquet folder differs from the previous publication"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, tuple[dict, dict, dict]]:
    """A copy of the sample warehouse, its marts as the sample run published them with KEY (the reference state)."""
    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    root = tmp_path_factory.mktemp("killed") / "wh"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("exports"))
    return root, _state(root)


def _leftovers(root: Path) -> list[str]:
    names = [p.name for p in root.iterdir() if ".tmp-" in p.name]
    names += [p.name for p in (root / "marts").iterdir() if p.name.startswith(".analytics.")]
    return names


# the two renames of the Parquet folder happen only where exchange_paths cannot: forced below
POINTS = ["marts-before-swap", "marts-mid-swap", "marts-parquet-swapped"]


@pytest.mark.parametrize("fault", POINTS)
def test_a_publication_killed_at_the_swap_leaves_the_previous_marts_readable(published, tmp_path, fault):
    root = tmp_path / "wh"
    shutil.copytree(published[0], root)
    killed = _publish(root, "killed", fault)
    assert killed.returncode == -signal.SIGKILL, f"{fault} not reached: {killed.stderr[-2000:]}"
    # nothing recovered yet: what a reader finds right after the kill
    _assert_same(_state(root), published[1])
    _publish_here(root, "after")
    _assert_same(_state(root), published[1])
    assert _leftovers(root) == []


def test_a_publication_killed_from_outside_while_writing_leaves_the_previous_marts(published, tmp_path):
    root = tmp_path / "wh"
    shutil.copytree(published[0], root)
    proc = subprocess.Popen(
        [sys.executable, "-c", PUBLISH, str(root), KEY, "outside"], cwd=REPO, env=_env(None), stdout=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 300
        while not list(root.glob(f".{RESTRICTED_FILENAME}.tmp-*")) and proc.poll() is None:
            assert time.monotonic() < deadline, "the publication never started writing aside"
            time.sleep(0.05)
        time.sleep(0.5)  # well inside building and writing aside
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL, "the publication ended before it was killed"
    finally:
        proc.kill()
    assert _leftovers(root), "killed before writing anything aside: the test did not test a kill mid-publish"
    _assert_same(_state(root), published[1])
    _publish_here(root, "after")
    _assert_same(_state(root), published[1])
    assert _leftovers(root) == []


def test_a_kill_between_the_two_renames_is_recovered_by_the_next_run(published, tmp_path, monkeypatch):
    """Where the folders cannot be exchanged: the Parquet folder renamed aside is put back before anything else
    (before: the next run deleted it, and a failing next run left no Parquet copy at all)."""
    root = tmp_path / "wh"
    shutil.copytree(published[0], root)
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pipelines.publish.store as s; s.exchange_paths = lambda a, b: False\n" + PUBLISH,
            str(root),
            KEY,
            "killed",
        ],
        cwd=REPO,
        env=_env("marts-parquet-aside"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not (root / PARQUET_DIR).exists() and list((root / "marts").glob(".analytics.old-*"))
    store._clean_leftovers(root)  # what the next publication does first, under the lock
    assert _parquet(root) == published[1][2] and _leftovers(root) == []


def test_exchange_paths_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("new")
    (b / "f").write_text("old")
    if not exchange_paths(a, b):
        pytest.skip("this system cannot exchange two paths (the two-rename swap is used)")
    assert (b / "f").read_text() == "new" and (a / "f").read_text() == "old"


def test_an_export_killed_after_its_folder_was_exchanged_is_in_place(published, tmp_path):
    root = tmp_path / "wh"
    shutil.copytree(published[0], root)
    export(load_declarations()["home_affairs"], Warehouse(root), run_id="first", environ=_env(None))
    target = root / "exports" / "home_affairs"
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.suffix in (".csv", ".parquet")}
    killed = subprocess.run(
        [sys.executable, "-c", EXPORT, str(root), "home_affairs", "killed"],
        cwd=REPO,
        env=_env("export-swapped"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if killed.returncode == 0:
        pytest.skip("no exchange on this system: the two-rename swap is tested in test_exports")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.suffix in (".csv", ".parquet")} == before
    assert '"run_id": "killed"' in (target / "datapackage.json").read_text(encoding="utf-8")  # the new one, whole
