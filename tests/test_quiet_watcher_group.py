"""Dagster's per-step compute-log watcher (a Python process started for every step of ``wardbridge run``) is started in
a process group of its own, so a Ctrl-C in the terminal never reaches it. Before, it was started in the terminal's
group running assets/quiet_watcher.py, which ignores SIGINT only once Python has started: a Ctrl-C during the
interpreter's startup (a few tens of ms per step) printed a KeyboardInterrupt traceback amid ``wardbridge run``'s
lines. The watcher still ends when Dagster stops it (SIGTERM) or its parent dies (it polls its parent's pid)."""

from __future__ import annotations

import os
import sys

import pytest

from assets.cli import WATCHER_ENV, _quiet_watchers


@pytest.fixture
def quiet(monkeypatch):
    """``_quiet_watchers`` applied, and undone after the test."""
    from dagster._core.execution import compute_logs

    monkeypatch.setattr(compute_logs, "watch_orphans", compute_logs.watch_orphans)
    monkeypatch.setattr(compute_logs, "subprocess", compute_logs.subprocess)
    monkeypatch.setenv(WATCHER_ENV, "")  # (restored: absent) so that _quiet_watchers applies
    monkeypatch.delenv(WATCHER_ENV)
    _quiet_watchers()
    return compute_logs


def test_the_watcher_starts_in_a_process_group_of_its_own(quiet, tmp_path):
    log = tmp_path / "step.log"
    log.write_text("")
    with quiet.execute_posix_tail(str(log), sys.stdout) as (tail_pid, watcher_pid):
        assert os.getpgid(watcher_pid) == watcher_pid != os.getpgid(0)  # a Ctrl-C reaches the foreground group only
        assert os.getpgid(tail_pid) == os.getpgid(0)  # the tail mirror is left as Dagster starts it


def test_other_processes_start_as_before(quiet):
    process = quiet.subprocess.Popen([sys.executable, "-c", "import os; print(os.getpgid(0))"], stdout=-1, text=True)
    out, _ = process.communicate(timeout=60)
    assert int(out) == os.getpgid(0)
