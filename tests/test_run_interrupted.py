"""Ctrl-C (SIGINT) of ``wardbridge run``: it stops with exit 130 and one line, the run it interrupted leaves nothing
written aside, and the runs after it do not start.

Before: Dagster turned the Ctrl-C into a failed step, ``wardbridge run`` went on with the next jobs and printed a
summary (exit 1); through ``uv run`` the Ctrl-C arrives twice (the terminal's, and uv's forwarded copy), the second
one cut the marts' cleanup short: ``.restricted.duckdb.tmp-<run>`` was left and a DuckDB writer thread still ran at
exit (``terminate called without an active exception``, exit 134). Real processes, signals sent with os.kill while
the marts are being written aside: the run is held there (a pipe, no polling) until the signals are sent. The run
reads one sample extract, population_718, cut to its first 150 records (tests/samplecut.py): wardbridge_main, its
one ingest job, the entities, the review and the marts (which write their restricted tables aside) run as in a whole
run, and the report is planned after them; the three other registries' ingest jobs are not planned (6 runs, not 9:
about 26 CPU s, not 31, at 18:30 on 2026-12-06).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys

import polars as pl
import pytest

from assets.cli import _Signals
from pipelines.publish import store
from pipelines.publish.store import MartsPublication, interrupts_held
from pipelines.schema import Field, Table
from tests.runhelpers import WARDBRIDGE, clean_env, dagster_home
from tests.samplecut import cut_sample_catalogue


def _leftovers(warehouse) -> list[str]:  # noqa: ANN001 - Path
    return sorted(str(p.relative_to(warehouse)) for p in warehouse.rglob("*") if ".tmp-" in p.name or ".old-" in p.name)


# Loaded by the child `wardbridge run` (PYTHONPATH): its first restricted table handed to the marts' writer, it tells
# the test (one byte on a pipe) and waits for the test's byte on another, so the Ctrl-C arrives while the marts are
# being written aside, whatever the machine's speed (the test polled for the aside folder every 20 ms: a fast write
# could slip between two looks). A Ctrl-C that raises there leaves the wait as it would leave any code of the build.
_PAUSE = """
import os

# taken out of the environment: the processes the run starts (Dagster's per-step log watchers, in the process group
# the test's Ctrl-C reaches) start as fast as they did, without the import below
_fds = os.environ.pop("MARTS_PAUSE_FDS", None)
if _fds:
    _ready, _go = map(int, _fds.split(","))
    from pipelines.publish import store

    _original = store.MartsPublication.add_restricted

    def _add_restricted(self, table, frame):
        _original(self, table, frame)
        if _ready >= 0:
            globals()["_ready"], fd = -1, _ready
            os.write(fd, b"1")
            os.read(_go, 1)

    store.MartsPublication.add_restricted = _add_restricted
"""


ONE_EXTRACT = {"population_718": 150}  # the other registries' ingest is not needed, nor the extract's 2,319 rows


@pytest.mark.parametrize("twice", [False, True], ids=["once", "twice_as_through_uv"])
def test_ctrl_c_while_the_marts_are_written_stops_the_run_with_130_and_leaves_nothing_aside(tmp_path, twice):
    home, warehouse = dagster_home(tmp_path), tmp_path / "wh"
    catalogue = cut_sample_catalogue(tmp_path, ONE_EXTRACT)
    out, err, hook = tmp_path / "out", tmp_path / "err", tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_PAUSE, encoding="utf-8")
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    env = clean_env(None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(hook), env.get("PYTHONPATH")) if p)
    env["MARTS_PAUSE_FDS"] = f"{ready_w},{go_r}"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(
            [str(WARDBRIDGE), "run", "--dagster-home", str(home), "--warehouse", str(warehouse)]
            + ["--catalogue", str(catalogue)],
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,  # its own process group, as a terminal's foreground job
            pass_fds=(ready_w, go_r),
        )
        os.close(ready_w)
        os.close(go_r)
        try:
            # the child's byte, or end of file when it exits first (a bound, not a timing: it waits for the whole run)
            readable, _, _ = select.select([ready_r], [], [], 600)
            assert readable and os.read(ready_r, 1) == b"1", "the run ended before its marts were written aside"
            assert list(warehouse.glob(".restricted.duckdb.tmp-*")), "paused, but nothing is written aside"
            assert proc.poll() is None
            if twice:  # a terminal sends Ctrl-C to the whole group, uv forwards it again
                os.killpg(proc.pid, signal.SIGINT)
            os.kill(proc.pid, signal.SIGINT)
            with contextlib.suppress(BrokenPipeError):  # the paused call goes on, unless the Ctrl-C ended it
                os.write(go_w, b"1")
            code = proc.wait(timeout=600)
        finally:
            os.close(ready_r)
            os.close(go_w)
            if proc.poll() is None:
                proc.kill()
    text = err.read_text()
    assert code == 130, text[-4000:]
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1].startswith("wardbridge: interrupted (Ctrl-C) during wardbridge_marts: stopped"), text[-3000:]
    assert "Traceback" not in text and "terminate called" not in text, text[-4000:]
    assert "wardbridge: 6 runs on the Dagster instance" in text  # the report planned after the marts
    assert "wardbridge_report" not in text and "wardbridge run FAILED" not in text  # no later run, no summary
    assert out.read_text() == ""
    assert _leftovers(warehouse) == []
    assert not (warehouse / "analytics.duckdb").exists() and not (warehouse / "restricted.duckdb").exists()


T = Table("t", "a table", (Field("k", "string", "key"), Field("v", "integer", "value")), ("k",))


def test_a_second_ctrl_c_during_the_cleanup_does_not_cut_it_short(tmp_path, monkeypatch):
    """The first Ctrl-C abandons the publication; a second one arrives while it waits for its writer thread: the
    wait, the removal of ``.restricted.duckdb.tmp-<run>`` and the lock's release still happen, then it is raised."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        frame = pl.DataFrame({"k": [f"k{i}" for i in range(200_000)], "v": list(range(200_000))})
        with pytest.raises(KeyboardInterrupt):
            with MartsPublication(tmp_path, run_id="interrupted") as publication:
                pool = publication._pool
                shutdown = pool.shutdown

                def interrupted_shutdown(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                    signal.raise_signal(signal.SIGINT)  # the second Ctrl-C, while the writer is waited for
                    return shutdown(*args, **kwargs)

                monkeypatch.setattr(pool, "shutdown", interrupted_shutdown)
                publication.add_restricted(T, frame)
                signal.raise_signal(signal.SIGINT)  # the first Ctrl-C
    finally:
        signal.signal(signal.SIGINT, previous)
    assert not list(tmp_path.glob(".restricted.duckdb.tmp-*")) and not list(tmp_path.glob("*.tmp-*"))
    assert not any(t.is_alive() for t in pool._threads)
    from pipelines.warehouse import Warehouse

    with Warehouse(tmp_path)._writer_lock(timeout_s=0.5):  # released
        pass
    assert store.RESTRICTED_FILENAME not in os.listdir(tmp_path)


def test_a_second_ctrl_c_before_the_cleanup_holds_signals_does_not_skip_it(tmp_path, monkeypatch):
    """The second Ctrl-C lands after the first one's exception but before the cleanup held signals (here at
    ``__exit__``'s start): it raised there, the cleanup never ran, the restricted writer waited for its next table
    forever and ``wardbridge run`` hung at exit joining it (the fresh-clone CI of a9c523d). Now it is held from the
    first Ctrl-C on: the writer thread ends, nothing is left aside, the lock is released, then it is raised."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    enter, leave = MartsPublication.__enter__, MartsPublication.__exit__
    seen: list[MartsPublication] = []

    def entered(self):  # noqa: ANN001, ANN202
        seen.append(self)
        return enter(self)

    def second_ctrl_c_then_leave(self, *exc):  # noqa: ANN001, ANN002, ANN202
        signal.raise_signal(signal.SIGINT)  # the second Ctrl-C, before the cleanup
        return leave(self, *exc)

    monkeypatch.setattr(MartsPublication, "__enter__", entered)
    monkeypatch.setattr(MartsPublication, "__exit__", second_ctrl_c_then_leave)
    frame = pl.DataFrame({"k": ["a", "b"], "v": [1, 2]})
    try:
        with pytest.raises(KeyboardInterrupt):
            with MartsPublication(tmp_path, run_id="interrupted") as publication:
                publication.add_restricted(T, frame)
                signal.raise_signal(signal.SIGINT)  # the first Ctrl-C
        threads = list(seen[0]._pool._threads)
        for thread in threads:
            thread.join(timeout=20)
        stuck = [t for t in threads if t.is_alive()]
    finally:
        signal.signal(signal.SIGINT, previous)
        for publication in seen:  # before the mend: free the writer left waiting, or pytest hangs at exit
            publication._incoming.put(store._ABORT)
            if publication._lock is not None:
                publication._lock.__exit__(None, None, None)
    assert not stuck, "a writer thread still waits for its next table"
    assert not list(tmp_path.glob("*.tmp-*")) and not list(tmp_path.glob(".*.tmp-*"))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    from pipelines.warehouse import Warehouse

    with Warehouse(tmp_path)._writer_lock(timeout_s=0.5):  # released
        pass


@pytest.mark.parametrize("body", ["published", "failed"])
def test_a_ctrl_c_on_the_cleanups_first_instruction_does_not_skip_it(tmp_path, body):
    """The publication ends without an interruption (published, or its body failed) and a Ctrl-C lands on
    ``__exit__``'s very first instruction, before anything there held signals: it raised there and the cleanup never
    ran (the lock kept, the publication's signal handler left installed, the aside folder left when not published).
    Forced: a trace function raises the real SIGINT when ``__exit__`` is entered, so the handler runs with
    ``__exit__``'s frame below it, as CPython runs a pending signal's handler at a function's first instruction (its
    RESUME: /tmp/hh2/frame_check.py). Now the cleanup runs, then the Ctrl-C is raised."""
    from pipelines.warehouse import Warehouse

    previous, tracing = signal.signal(signal.SIGINT, signal.default_int_handler), sys.gettrace()
    leave = MartsPublication.__exit__.__code__
    entered: list[MartsPublication] = []

    def ctrl_c_on_entering_exit(frame, event, _arg):  # noqa: ANN001, ANN202
        if event == "call" and frame.f_code is leave:
            sys.settrace(tracing)
            entered.append(frame.f_locals["self"])
            signal.raise_signal(signal.SIGINT)  # handled here, before __exit__'s first line
        return None

    fields = (Field("k", pl.Utf8, "key"), Field("v", pl.Int64, "value"))  # types DuckDB can write
    restricted, analytics = Table("t", "restricted", fields, ("k",)), Table("a", "analytics", fields, ("k",))
    frame = pl.DataFrame({"k": ["a", "b"], "v": [1, 2]})
    try:
        with pytest.raises(KeyboardInterrupt):
            with MartsPublication(tmp_path, run_id="interrupted") as publication:
                publication.add_restricted(restricted, frame)
                sys.settrace(ctrl_c_on_entering_exit)
                if body == "failed":
                    raise RuntimeError("building failed")
                publication.publish([(analytics, frame)], [(restricted, frame)])
        handler = signal.getsignal(signal.SIGINT)
        threads = list(publication._pool._threads)
        for thread in threads:
            thread.join(timeout=5)
        stuck = [t for t in threads if t.is_alive()]
        lock_left, aside_left = publication._lock is not None, _leftovers(tmp_path)
    finally:
        sys.settrace(tracing)
        if entered and entered[0]._lock is not None:  # before the mend: the cleanup skipped, done here
            entered[0]._abandon()
        signal.signal(signal.SIGINT, previous)
    assert entered == [publication], "the Ctrl-C was not raised at __exit__'s entry"
    assert not stuck, "the writers' pool was not shut down (its threads still run)"
    assert not lock_left, "the writer lock was not released"
    assert handler is signal.default_int_handler, "the publication's signal handler was left installed"
    assert not aside_left, "written aside and left"
    assert (tmp_path / store.RESTRICTED_FILENAME).exists() == (body == "published")
    assert (tmp_path / store.ANALYTICS_FILENAME).exists() == (body == "published")
    with Warehouse(tmp_path)._writer_lock(timeout_s=0.5):  # released
        pass


def test_interrupts_held_delivers_the_signal_after_the_block():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    done = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts_held():
                signal.raise_signal(signal.SIGINT)
                done.append("after the signal")
        assert done == ["after the signal"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with interrupts_held():  # nothing arrived: nothing raised
            done.append("quiet")
    finally:
        signal.signal(signal.SIGINT, previous)


def test_signals_sees_a_ctrl_c_that_another_handler_swallowed():
    """Dagster's handler records a Ctrl-C between steps and may drop it: the wakeup fd still says it came."""
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        with _Signals() as signals:
            assert signals.arrived() is None
            signal.raise_signal(signal.SIGINT)
            assert signals.arrived() == signal.SIGINT
    finally:
        signal.signal(signal.SIGINT, previous)


def test_no_retry_line_is_printed_for_a_step_stopped_by_ctrl_c():
    """Ctrl-C during an ingest step: its retry policy (transient source errors) put it up for retry and the
    progress said 'transient source error, trying again in 49s' just before wardbridge run stopped."""
    import io
    import logging
    from types import SimpleNamespace

    import dagster as dg

    from assets.progress import ProgressHandler

    def retry_record(cls_name: str) -> logging.LogRecord:
        record = logging.LogRecord("dagster", logging.DEBUG, __file__, 0, "retry", None, None)
        data = SimpleNamespace(seconds_to_wait=49.0, error=SimpleNamespace(cls_name=cls_name))
        event = SimpleNamespace(event_type=dg.DagsterEventType.STEP_UP_FOR_RETRY, event_specific_data=data)
        record.dagster_meta = {"dagster_event": event, "step_key": "load_businesses"}
        return record

    stream = io.StringIO()
    handler = ProgressHandler(logging.WARNING, stream=stream)
    handler.emit(retry_record("DagsterExecutionInterruptedError"))
    assert stream.getvalue() == ""
    handler.emit(retry_record("SourceReadError"))
    assert stream.getvalue().startswith("  retry   load_businesses") and "trying again in 49s" in stream.getvalue()
