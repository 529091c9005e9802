"""The CPU affinity of the test processes (tests/signal_guard.py). benchmarks/resolve_*.py pinned the process that
imported them to CPU 0 at import, meant for their own runs: every pytest-xdist worker (which imports every test module
at collection) and every process it started then ran on one core of two for the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.runhelpers import REPO
from tests.test_signal_guard import _pytest

if len(os.sched_getaffinity(0)) < 2:  # pinning to one CPU changes nothing to see on a one-CPU machine
    pytest.skip("needs a process allowed on two CPUs or more", allow_module_level=True)

_PINS_AT_IMPORT = """
import os

os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def test_anything():
    pass
"""

_PINS_IN_A_TEST = """
import os

ALL = os.sched_getaffinity(0)


def test_pins_the_process():
    os.sched_setaffinity(0, {min(ALL)})


def test_after_it():
    assert os.sched_getaffinity(0) == ALL
"""


def test_a_module_pinning_the_process_at_import_stops_the_session(tmp_path):
    proc = _pytest(tmp_path, _PINS_AT_IMPORT, "tests.signal_guard")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "importing the test modules changed this process's CPU affinity" in proc.stderr, proc.stderr[-3000:]


def test_a_test_pinning_the_process_fails_named_and_the_next_has_every_cpu(tmp_path):
    proc = _pytest(tmp_path, _PINS_IN_A_TEST, "tests.signal_guard")
    assert "test_it.py::test_pins_the_process changed the process's CPU affinity" in proc.stdout, proc.stdout[-3000:]
    assert "ERROR test_it.py::test_pins_the_process" in proc.stdout, proc.stdout[-3000:]
    assert "PASSED test_it.py::test_after_it" in proc.stdout, proc.stdout[-3000:]
    assert proc.returncode == 1


def test_importing_the_benchmarks_leaves_the_affinity_alone():
    names = sorted(p.stem for p in (REPO / "benchmarks").glob("*.py") if p.stem != "__init__")
    code = "import importlib, os, sys\nfor n in sys.argv[1:]:\n    importlib.import_module('benchmarks.' + n)\n"
    code += "print(sorted(os.sched_getaffinity(0)))"
    proc = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == str(sorted(os.sched_getaffinity(0)))
