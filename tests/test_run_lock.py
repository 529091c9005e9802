"""`wardbridge run` has the warehouse to itself: no run the daemon launches works on it beside it.

Measured with a real dagster-daemon (HV24, 2026-12-06): `wardbridge run` executes its jobs itself, not through the
daemon's queue, so between two of its jobs the queue saw nothing in progress and launched a queued ingest_households
run, which ran 12:00:32.4-34.2 inside `wardbridge run`'s wardbridge_entities (12:00:29.1-35.1) on the same warehouse.
Now `wardbridge run` holds <warehouse>/.wardbridge-run.lock exclusively for all its jobs (after waiting for the runs
in progress on the instance), and every other run's step holds it shared through the WarehouseResource, waiting
(a warning names `wardbridge run` and its pid) while `wardbridge run` holds it. The holders here are real processes
holding a real flock, as a `wardbridge run` does; one is SIGKILLed (the kernel lets its lock go)."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from assets.resources import WarehouseResource
from tests.instancehelpers import copied_instance_for_test

LOCK = ".wardbridge-run.lock"  # pipelines/warehouse.py RUN_LOCK_FILENAME
STARTS: list[float] = []

HOLDER = """
import fcntl, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX if sys.argv[2] == "ex" else fcntl.LOCK_SH)
if sys.argv[2] == "ex":
    handle.seek(0); handle.truncate(); handle.write(f"{os.getpid()}\\n"); handle.flush()
print("held", flush=True)
time.sleep(600)
"""


@dg.asset
def touches_the_warehouse(warehouse: WarehouseResource) -> None:
    STARTS.append(time.time())


@dg.op
def noop() -> None:
    pass


@dg.job
def daemons_job() -> None:
    noop()


def _hold(root: Path, mode: str = "ex") -> subprocess.Popen:
    """A process holding the run lock of ``root`` (exclusively: as `wardbridge run` does) until it is killed."""
    root.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root / LOCK), mode], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@contextmanager
def _held_elsewhere(root: Path, monkeypatch, timeout: str) -> Iterator[subprocess.Popen]:  # noqa: ANN001
    """The run lock of ``root`` held by another process until the block ends (then killed), this process's waits for
    it limited to ``timeout`` seconds ($WARDBRIDGE_RUN_LOCK_TIMEOUT)."""
    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", timeout)
    holder = _hold(root)
    try:
        yield holder
    finally:
        holder.kill()
        holder.wait()


def _materialize(root: Path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    STARTS.clear()
    return dg.materialize(
        [touches_the_warehouse],
        resources={"warehouse": WarehouseResource(path=str(root))},
        instance=instance,
        raise_on_error=False,
    )


def _warnings(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [e.user_message for e in instance.all_logs(run_id) if e.level == 30 and e.user_message]


def test_another_runs_step_waits_for_wardbridge_run_and_goes_on_once_it_is_sigkilled(tmp_path, monkeypatch):
    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", "60")
    root = tmp_path / "wh"
    holder = _hold(root)
    killed: list[float] = []
    done = threading.Event()

    def kill_once_the_step_waits(instance: dg.DagsterInstance) -> None:
        # the holder is killed once the step says it waits (not after a fixed delay: on a loaded machine the run
        # could reach its step after the delay, find the lock free and never wait), or once the run is over
        while not done.is_set() and not STARTS:
            if any(
                "waiting for `wardbridge run`" in w
                for run in instance.get_runs()
                for w in _warnings(instance, run.run_id)
            ):
                break
            time.sleep(0.1)
        killed.append(time.time())
        os.kill(holder.pid, signal.SIGKILL)

    try:
        with copied_instance_for_test(tmp_path) as instance:
            killer = threading.Thread(target=kill_once_the_step_waits, args=(instance,))
            killer.start()
            result = _materialize(root, instance)
            done.set()
            killer.join(timeout=60)
            warnings = _warnings(instance, result.run_id)
    finally:
        done.set()
        holder.kill()
        holder.wait()
    assert result.success
    assert killed and STARTS[0] >= killed[0]  # before: the step ran at once, beside the holder
    assert STARTS[0] - killed[0] < 10  # the kernel let the SIGKILLed holder's lock go
    assert any(f"waiting for `wardbridge run` (pid {holder.pid}) on warehouse {root}" in w for w in warnings), warnings


def test_the_step_fails_naming_the_warehouse_after_the_timeout(tmp_path, monkeypatch):
    root = tmp_path / "wh"
    with _held_elsewhere(root, monkeypatch, "1") as holder, copied_instance_for_test(tmp_path) as instance:
        result = _materialize(root, instance)
        failure = " ".join(str(e) for e in instance.all_logs(result.run_id))
    assert not result.success and not STARTS
    assert f"warehouse {root}: `wardbridge run` (pid {holder.pid}) held its run lock" in failure
    assert "WARDBRIDGE_RUN_LOCK_TIMEOUT" in failure


def test_wardbridge_run_waits_for_the_daemons_run_then_holds_the_warehouse_and_its_own_steps_do_not_wait(
    tmp_path, monkeypatch
):
    from assets.cli import warehouse_to_itself

    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", "30")
    root = tmp_path / "wh"
    monkeypatch.setenv("WARDBRIDGE_WAREHOUSE", str(root))  # the daemon's run: on the default warehouse, this one
    lines: list[str] = []
    with copied_instance_for_test(tmp_path) as instance:
        daemons = instance.create_run_for_job(daemons_job, status=dg.DagsterRunStatus.STARTED)  # launched by the queue
        step_of_other = _hold(root, "sh")  # a step of another run holding it shared: waited for too
        ended: list[float] = []
        ending = threading.Lock()

        def end() -> None:
            with ending:
                if not ended:
                    ended.append(time.time())
                    instance.report_run_failed(instance.get_run_by_id(daemons.run_id), "ended")

        def note(line: str) -> None:
            # each holder goes once `wardbridge run` says it waits for it (not after fixed delays, 2 s and 5 s before:
            # what is checked is the order, the run ended and the step gone before the lock is taken): the daemon's
            # run ends, then the other run's step (its process killed: the kernel lets its shared lock go)
            lines.append(line)
            if "waiting for the run in progress on the Dagster instance" in line:
                end()
            elif "waiting for another run's step on warehouse" in line:
                step_of_other.kill()

        timer = threading.Timer(
            20.0, end
        )  # a bound, not a timing: should the wait say nothing, the test fails, not hangs
        timer.start()
        try:
            with warehouse_to_itself(instance, tmp_path, root, note):
                took = time.time()
                probe = subprocess.run(  # another process cannot have it, even shared
                    [
                        sys.executable,
                        "-c",
                        f"import fcntl; fcntl.flock(open({str(root / LOCK)!r}), fcntl.LOCK_SH | fcntl.LOCK_NB)",
                    ],
                    capture_output=True,
                    check=False,
                )
                assert (root / LOCK).read_text().strip() == str(os.getpid())
                own = _materialize(root, instance)  # this process's steps: no wait for their own run
                assert own.success and STARTS[0] - took < 10
        finally:
            timer.cancel()
            step_of_other.kill()
            step_of_other.wait()
    assert ended and took >= ended[0]
    assert probe.returncode != 0 and b"BlockingIOError" in probe.stderr
    assert any(
        "waiting for the run in progress on the Dagster instance" in line and daemons.run_id[:8] in line
        for line in lines
    ), lines
    assert any("waiting for another run's step on warehouse" in line for line in lines), lines
    assert "WARDBRIDGE_RUN_LOCK_HELD" not in os.environ
    with open(root / LOCK) as handle:  # let go at the end
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


@dg.op(required_resource_keys={"warehouse"})
def on_the_warehouse() -> None:
    pass


@dg.job(resource_defs={"warehouse": WarehouseResource()})
def daemons_warehouse_job() -> None:
    on_the_warehouse()


def _started(instance: dg.DagsterInstance, path: str | None) -> dg.DagsterRun:
    """A run the daemon's queue launched (no wardbridge tag), in progress, on the warehouse ``path`` (None: the
    WarehouseResource default, as a sensor's or schedule's run has it)."""
    config = {"resources": {"warehouse": {"config": {"path": path}}}} if path is not None else {}
    return instance.create_run_for_job(daemons_warehouse_job, run_config=config, status=dg.DagsterRunStatus.STARTED)


def _takes(instance: dg.DagsterInstance, home: Path, root: Path) -> tuple[float | None, list[str]]:
    """How long ``warehouse_to_itself`` took to hold ``root`` (None: it gave up, RunLockTimeout), and its lines."""
    from assets.cli import warehouse_to_itself
    from pipelines.warehouse import RunLockTimeout

    lines: list[str] = []
    started = time.monotonic()
    try:
        with warehouse_to_itself(instance, home, root, lines.append):
            return time.monotonic() - started, lines
    except RunLockTimeout as exc:
        lines.append(str(exc))
        return None, lines


def test_wardbridge_run_does_not_wait_for_a_run_on_another_warehouse_of_the_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", "2")
    monkeypatch.setenv("WARDBRIDGE_WAREHOUSE", str(tmp_path / "default"))
    root, other = tmp_path / "wh", tmp_path / "other"
    root.mkdir()
    with copied_instance_for_test(tmp_path) as instance:
        _started(instance, str(other))  # a UI launch on another warehouse
        _started(instance, None)  # a sensor's run on the default warehouse, another one
        took, lines = _takes(instance, tmp_path, root)
    assert took is not None and took < 1.5, lines  # before: waited 2 s, then RunLockTimeout naming the run
    assert not any("waiting" in line for line in lines), lines


def test_wardbridge_run_waits_for_a_run_on_the_same_warehouse_however_its_path_is_spelled(tmp_path, monkeypatch):
    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", "1")
    root = tmp_path / "wh"
    root.mkdir()
    (tmp_path / "link").symlink_to(root)
    for path, default in [(str(root), None), (f"{tmp_path}/x/../link/", None), (None, str(root))]:
        if default is not None:
            monkeypatch.setenv("WARDBRIDGE_WAREHOUSE", default)
        with copied_instance_for_test(tmp_path) as instance:
            run = _started(instance, path)
            took, lines = _takes(instance, tmp_path, root)
        assert took is None, (path, lines)
        assert any("waiting for the run in progress" in line and run.run_id[:8] in line for line in lines), lines
        assert f"on the warehouse {root} for over 1s" in lines[-1], lines


def test_wardbridge_run_waits_for_a_run_whose_warehouse_cannot_be_told_and_says_why(tmp_path, monkeypatch):
    monkeypatch.delenv("WARDBRIDGE_RUN_LOCK_HELD", raising=False)
    monkeypatch.setenv("WARDBRIDGE_RUN_LOCK_TIMEOUT", "1")
    root = tmp_path / "wh"
    root.mkdir()
    with copied_instance_for_test(tmp_path) as instance:
        run = _started(instance, "relative/wh")
        took, lines = _takes(instance, tmp_path, root)
    assert took is None, lines
    why = "its warehouse cannot be told: its warehouse path 'relative/wh' is relative to the working directory"
    assert any(run.run_id[:8] in line and why in line for line in lines), lines
    assert why in lines[-1], lines


def test_wardbridge_run_names_its_limit_not_what_is_left_of_it(tmp_path, monkeypatch):
    """`wardbridge run` waiting for the run lock said 'up to 2.99688s' and 'for over 2.99688s' under
    WARDBRIDGE_RUN_LOCK_TIMEOUT=3 (HD2's walkthrough): the time left of its limit after looking for the daemon's runs,
    not the limit the line names. It names the limit now."""
    root = tmp_path / "wh"
    with _held_elsewhere(root, monkeypatch, "1"), copied_instance_for_test(tmp_path) as instance:
        took, lines = _takes(instance, tmp_path, root)
    assert took is None, lines
    assert "(run lock .wardbridge-run.lock; up to 1s, $WARDBRIDGE_RUN_LOCK_TIMEOUT)" in lines[0], lines
    assert "held its run lock (.wardbridge-run.lock) for over 1s ($WARDBRIDGE_RUN_LOCK_TIMEOUT)" in lines[-1], lines
