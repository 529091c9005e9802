"""SIGINT and SIGTERM in the test processes (a pytest plugin: tests/conftest.py loads its hooks).

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
"""

from __future__ import annotations

import signal
import threading

import pytest

HELD = (signal.SIGINT, signal.SIGTERM)
_BEFORE = pytest.StashKey[dict]()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def pytest_configure(config: pytest.Config) -> None:
    if _main_thread() and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):  # noqa: ANN201 - a hook wrapper
    item.stash[_BEFORE] = {signo: signal.getsignal(signo) for signo in HELD}
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201 - a hook wrapper
    result = yield
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
