"""SIGTERM left ignored in a pytest worker (tests/signal_guard.py) and in ``wardbridge run`` (assets/cli.py
``_Signals``). CI at 0c235d9 failed tests/test_quiet_watcher_group.py so: Dagster, run in process, ends each run by
giving SIGTERM the handler SIGINT had; with SIGINT ignored (pytest, or `wardbridge run`, started in the background of
a script) SIGTERM was left ignored, and a ``tail -F`` started later ignored the SIGTERM that ends it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from assets.cli import _Signals
from tests.runhelpers import REPO

_A_DAGSTER_RUN = """
import signal
import subprocess

import dagster as dg


@dg.asset
def one() -> int:
    return 1


def test_a_dagster_run_in_process():
    assert dg.materialize([one], instance=dg.DagsterInstance.ephemeral()).success


def test_a_process_started_later_ends_on_sigterm():
    assert signal.getsignal(signal.SIGTERM) != signal.SIG_IGN
    process = subprocess.Popen(["sleep", "60"])
    process.terminate()
    assert process.wait(timeout=20) == -signal.SIGTERM
"""


_LEAVES_SIGTERM_IGNORED = """
import signal


def test_leaves_it_ignored():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def test_after_it():
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
"""


def _pytest(tmp_path, source: str, *plugins: str, sigint_ignored: bool = False) -> subprocess.CompletedProcess:
    """pytest on one test file, outside this suite's conftest, with the given plugins (-p), in a child process; each
    test's outcome listed (-rA: 'PASSED test_it.py::<name>')."""
    (tmp_path / "test_it.py").write_text(textwrap.dedent(source), encoding="utf-8")
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rA",
        "-c",
        "/dev/null",
        "--rootdir",
        str(tmp_path),
        "-p",
        "no:cacheprovider",
    ]
    # without xdist and hypothesis's plugin (its import is ~1 CPU s of each child's ~3.5; neither touches signals)
    args += ["-p", "no:xdist", "-p", "no:hypothesispytest"]
    args += [*(a for p in plugins for a in ("-p", p)), str(tmp_path / "test_it.py")]

    def as_a_background_job() -> None:  # what `cmd &` does in a script (no job control)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    env = {**__import__("os").environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        args,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=as_a_background_job if sigint_ignored else None,
    )


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> subprocess.CompletedProcess:
    """One child pytest with the plugin (tests.signal_guard), started as a background job (SIGINT ignored), on a file
    holding both tests' child tests: a test leaving SIGTERM ignored and the test after it, then a Dagster run in
    process and a process started after it (one child for both tests: a child is ~3.5 CPU s, most of it imports).
    The plugin gives the child Python's Ctrl-C handler at its start (pytest_configure), as a foreground pytest has:
    the tests leaving SIGTERM ignored run as they would in the foreground."""
    return _pytest(
        tmp_path_factory.mktemp("guarded"),
        _LEAVES_SIGTERM_IGNORED + textwrap.dedent(_A_DAGSTER_RUN),
        "tests.signal_guard",
        sigint_ignored=True,
    )


def test_a_test_leaving_sigterm_ignored_fails_named(guarded):
    assert guarded.returncode == 1, guarded.stdout[-3000:]
    assert "test_it.py::test_leaves_it_ignored left SIGTERM ignored" in guarded.stdout, guarded.stdout[-3000:]
    assert "ERROR test_it.py::test_leaves_it_ignored" in guarded.stdout, guarded.stdout[-3000:]
    assert "PASSED test_it.py::test_leaves_it_ignored" in guarded.stdout  # the test itself passed, its teardown not
    assert "PASSED test_it.py::test_after_it" in guarded.stdout  # the test after it starts with SIGTERM put back
    assert "4 passed, 1 error" in guarded.stdout, guarded.stdout[-3000:]  # and nothing else failed


def test_a_pytest_started_in_the_background_keeps_sigterm_after_a_dagster_run(tmp_path, guarded):
    plain = _pytest(tmp_path, _A_DAGSTER_RUN, sigint_ignored=True)  # without the plugin: the CI failure's cause
    assert plain.returncode == 1 and "1 failed, 1 passed" in plain.stdout, plain.stdout[-3000:]
    assert "assert <Handlers.SIG_IGN: 1> != <Handlers.SIG_IGN: 1>" in plain.stdout, plain.stdout[-3000:]
    assert "FAILED test_it.py::test_a_process_started_later_ends_on_sigterm" in plain.stdout, plain.stdout[-3000:]
    for name in ("test_a_dagster_run_in_process", "test_a_process_started_later_ends_on_sigterm"):  # with the plugin
        assert f"PASSED test_it.py::{name}" in guarded.stdout, guarded.stdout[-3000:]


def test_wardbridge_run_puts_back_a_sigterm_dagster_left_ignored():
    """`wardbridge run &` in a script: SIGINT ignored. Each Dagster run ended with SIGTERM ignored too (measured in
    /proc/<pid>/status: ignored between the runs and while the summary printed, 20 of 156 samples over 34 s)."""
    from dagster._utils.interrupts import capture_interrupts  # what dg.execute_job does around a run

    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with _Signals() as signals:
            with capture_interrupts():
                pass
            assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN  # what Dagster leaves
            signals.after_run()
            assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # the caller's choice, kept
            with capture_interrupts():
                pass
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # also at the end (after the last run)
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
