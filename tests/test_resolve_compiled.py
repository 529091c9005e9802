"""The resolver compiled by mypyc at build time (hatch_build.py) gives the Python source's output, and a compiled
module built from other source than the resolve.py beside it is never imported (pipelines/_native.py)."""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import pipelines.resolve as imported
from benchmarks.resolve_fuzz import compare, fuzz_addresses
from pipelines import _native
from tests.resolvehelpers import synthetic_reference

ROOT = Path(__file__).resolve().parents[1]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _compiled_or_skip() -> None:
    """Skip where nothing was compiled; under CI (``CI`` set, as .ci/run does) fail instead, as a missing PostgreSQL
    or Chromium does: a build that stopped compiling (a C compiler missing, a construct mypyc refuses after an edit of
    resolve.py) would otherwise leave CI green with the shipped resolver a quarter slower. WARDBRIDGE_PURE_PYTHON set
    on purpose still skips."""
    if _native.is_compiled(imported):
        return
    why = (
        f"no compiled resolver in this install ({_native.describe()}): the build found no C compiler, "
        "WARDBRIDGE_NO_COMPILE or WARDBRIDGE_PURE_PYTHON was set, or resolve.py changed since (run uv sync)"
    )
    if os.environ.get("CI") and os.environ.get(_native.PURE_ENV, "") in ("", "0"):
        pytest.fail(f"under CI the resolver must be compiled: {why}; see {_native.COMPILED_DIR / _native.FAILED_FILE}")
    pytest.skip(why)


def test_compiled_and_source_give_the_same_output():
    _compiled_or_skip()
    source = _native.source_module()
    assert not _native.is_compiled(source) and source is not imported
    reference, _ = synthetic_reference(7)
    addresses = fuzz_addresses(6_000, 7, reference)
    rnd = random.Random(8)
    as_of = [rnd.choice(["2024-05-01", "01/08/2025", None, "not a date"]) for _ in addresses]
    scheme = [rnd.choice(["old", "2025", None, "pre2025", "?"]) for _ in addresses]
    assert compare(source, imported, reference, addresses, "no hint") == 0
    # Dates and schemes on the first 2,000 rows, with names of both schemes read on each side: the lines of resolve.py
    # run by the four readings and resolve_table below are the 1,546 run with every row dated (measured at 4bade88).
    both = ["Phường Tân Định", "Phường Tân Định, TP.HCM", "P. Dĩ An"] * 2
    dated, as_of = addresses[:2_000] + both, as_of[:2_000] + ["2024-05-01"] * 3 + ["01/08/2025"] * 3
    scheme = scheme[:2_000] + ["old"] * 3 + ["2025"] * 3
    assert compare(source, imported, reference, dated, "per-row dates", as_of=as_of) == 0
    assert compare(source, imported, reference, dated, "per-row schemes", scheme=scheme) == 0
    assert compare(source, imported, reference, addresses[:600] * 10, "repetitive") == 0
    # Structured unit columns (resolve_table: the CLI's and the pipeline's way in).
    old = reference.units_pre2025.sample(2_000, seed=9, with_replacement=True)
    frame = pl.DataFrame(
        {
            "ward": [w if rnd.random() < 0.8 else w[:-1] for w in old["short_name"].to_list()],
            "district": old["district_short_name"],
            "province": [rnd.choice([p, None, "TP.HCM"]) for p in old["province_short_name"].to_list()],
            "code": [c if rnd.random() < 0.3 else None for c in old["code"].to_list()],
        }
    )
    columns = {"ward_column": "ward", "district_column": "district", "province_column": "province"}
    a = source.resolve_table(frame, old_code_column="code", reference=reference, **columns)
    b = imported.resolve_table(frame, old_code_column="code", reference=reference, **columns)
    assert a.equals(b)


def _package_copy(tmp_path: Path) -> Path:
    """The pipelines package copied (no build in it), the repository's mappings beside it."""
    shutil.copytree(
        ROOT / "pipelines", tmp_path / "pipelines", ignore=shutil.ignore_patterns("__pycache__", "_compiled")
    )
    (tmp_path / "mappings").symlink_to(ROOT / "mappings")
    return tmp_path / "pipelines"


def _fake_build(package: Path, source_hash: str) -> None:
    """A build that cannot load (the files are not libraries): importing it would fail."""
    folder = package / "_compiled"
    folder.mkdir()
    for stem in ("resolve", "resolve__mypyc"):
        (folder / f"{stem}{SUFFIX}").write_bytes(b"not a shared library")
    (folder / "resolve.sha256").write_text(source_hash + "\n", encoding="ascii")


def _import_resolve(root: Path, **env: str) -> subprocess.CompletedProcess:
    code = "import pipelines.resolve as r, pipelines._native as n; print(r.__file__); print(n.describe())"
    environ = {k: v for k, v in os.environ.items() if k != _native.PURE_ENV} | {"PYTHONPATH": str(root)} | env
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=environ, capture_output=True, text=True)


def test_a_stale_build_is_refused(tmp_path):
    package = _package_copy(tmp_path)
    source = package / "resolve.py"
    _fake_build(package, hashlib.sha256(source.read_bytes()).hexdigest())
    # The build matches the source: it is what the import takes (and this fake one fails to load).
    assert _import_resolve(tmp_path).returncode != 0
    with source.open("a", encoding="utf-8") as f:
        f.write("\n# edited after the build\n")
    done = _import_resolve(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(source), "Python source (the compiled build is stale)"]
    assert done.stderr.count(_native.STALE) == 1


def test_pure_python_forced_and_other_python(tmp_path):
    package = _package_copy(tmp_path)
    source = package / "resolve.py"
    _fake_build(package, hashlib.sha256(source.read_bytes()).hexdigest())
    done = _import_resolve(tmp_path, WARDBRIDGE_PURE_PYTHON="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(source), "Python source (WARDBRIDGE_PURE_PYTHON=1)"]
    assert "wardbridge:" not in done.stderr
    for stem in ("resolve", "resolve__mypyc"):  # built for another interpreter: its files have another suffix
        (package / "_compiled" / f"{stem}{SUFFIX}").rename(package / "_compiled" / f"{stem}.cpython-399-other.so")
    done = _import_resolve(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(source)
    assert done.stderr.count(_native.OTHER_PYTHON) == 1


def test_no_build_is_the_source_without_a_warning(tmp_path):
    package = _package_copy(tmp_path)
    done = _import_resolve(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(package / "resolve.py"), "Python source (no compiled build)"]
    assert "wardbridge:" not in done.stderr


def test_a_failed_build_says_how_to_build_again(tmp_path):
    # A plain `uv sync` does not build again once a compiler is installed (resolve.py, the cache key, is unchanged):
    # the summary's line says what does.
    source = tmp_path / "resolve.py"
    source.write_text("X = 1\n", encoding="utf-8")
    folder = tmp_path / "_compiled"
    folder.mkdir()
    (folder / _native.FAILED_FILE).write_text("compiling failed\n", encoding="utf-8")
    files, ran, warning = _native.choose(source, folder, environ={})
    assert (files, warning) == ({}, "")
    assert ran.startswith("Python source (the build could not compile it: ")
    assert str(folder / _native.FAILED_FILE) in ran
    assert "uv sync --reinstall-package wardbridge" in ran
