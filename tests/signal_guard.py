"""SIGINT and SIGTERM, and the CPU affinity, of the test processes (a pytest plugin: tests/conftest.py loads its hooks).

A test that left SIGTERM ignored in its pytest-xdist worker made later tests hang: an ignored signal survives exec,
so a ``tail -F`` that Dagster started later ignored the SIGTERM that ends it, and Dagster's cleanup waited 30 s for
it (tests/test_quiet_watcher_group.py failed so in CI at 0c235d9). The source: Dagster, run in process, ends each run
by giving SIGTERM the handler SIGINT had (dagster/_utils/interrupts.py); a pytest started in the background of a
script (``uv run pytest &``, or ``.ci/run &``) has SIGINT ignored, and so do its xdist workers.

* ``pytest_configure``: a process started with SIGINT ignored gets Python's own Ctrl-C handler
  (``KeyboardInterrupt``), as a pytest started in the foreground has: the tests are written for it, and Dagster
  then leaves SIGTERM with that handler, never ignored.
* Each test: SIGINT and SIGTERM are put back as they were before its set-up once its teardown is done, and a test
  (with its fixtures) that left one of them ignored fails, named, instead of a later test hanging.

CPU affinity: benchmarks/resolve_*.py pinned the process that imported them to CPU 0 (``os.sched_setaffinity`` at
import, meant for their own runs), so every pytest-xdist worker, which imports every test module at collection, and
every process it started ran on one core of two for the whole suite (the other ~95 % idle; seen in session 56 with
``taskset -p`` on the workers). The affinity the process started with is kept: changed at collection, the session
stops with an error; changed by a test, it is put back and that test fails.
"""

from __future__ import annotations

import os
import signal
import threading

import pytest

HELD = (signal.SIGINT, signal.SIGTERM)
_BEFORE = pytest.StashKey[dict]()
_CPUS = pytest.StashKey[frozenset]()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _cpus() -> frozenset[int] | None:
    return frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def _cpus_changed(config: pytest.Config) -> str | None:
    """How this process's CPU affinity differs from the one it started with (put back), or None."""
    first, now = config.stash.get(_CPUS, None), _cpus()
    if first is None or now is None or now == first:
        return None
    os.sched_setaffinity(0, first)
    return f"CPUs {sorted(first)} -> {sorted(now)}"


def pytest_configure(config: pytest.Config) -> None:
    if _main_thread() and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    cpus = _cpus()
    if cpus is not None:
        config.stash[_CPUS] = cpus


def pytest_collection_finish(session: pytest.Session) -> None:
    changed = _cpus_changed(session.config)
    if changed:
        raise pytest.UsageError(
            f"importing the test modules changed this process's CPU affinity ({changed}): a module pins the process "
            'at import (pin only under `if __name__ == "__main__"`), and every test and process after would run '
            "on those CPUs alone"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):  # noqa: ANN201 - a hook wrapper
    item.stash[_BEFORE] = {signo: signal.getsignal(signo) for signo in HELD}
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201 - a hook wrapper
    result = yield
    changed = _cpus_changed(item.config)
    if changed:
        pytest.fail(
            f"{item.nodeid} changed the process's CPU affinity ({changed}; put back now): every later test and the "
            "processes it starts would run on those CPUs alone",
            pytrace=False,
        )
    before = item.stash.get(_BEFORE, None)
    if not before or not _main_thread():
        return result
    ignored = []
    for signo, handler in before.items():
        now = signal.getsignal(signo)
        if now == handler or handler is None:  # None: set outside Python, cannot be put back
            continue
        if now == signal.SIG_IGN:
            ignored.append(signal.Signals(signo).name)
        signal.signal(signo, handler)
    if ignored:
        pytest.fail(
            f"{item.nodeid} left {' and '.join(ignored)} ignored (put back now): a process started later would "
            "inherit it (an ignored signal survives exec); restore the handler in the test or its fixture",
            pytrace=False,
        )
    return result
