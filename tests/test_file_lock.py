"""One flock-polling primitive (pipelines/warehouse.py ``file_lock``): exclusive or shared, a note while it waits, a
caller's error after the timeout; the run lock (``run_lock``) is made with it, not with a copy of its loop.

flock locks belong to an open file, so two opens of one path in this process block each other as two processes do."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat

import pytest

from pipelines import warehouse
from pipelines.warehouse import RUN_LOCK_FILENAME, RunLockTimeout, file_lock, run_lock


def test_shared_holders_share_and_an_exclusive_one_waits_for_them(tmp_path):
    path = tmp_path / "x.lock"
    with file_lock(path, 1, "busy", shared=True), file_lock(path, 1, "busy", shared=True):
        with pytest.raises(TimeoutError, match="busy for over 0s"):
            with file_lock(path, 0.3, "busy"):
                pass
    with file_lock(path, 0.3, "busy"):  # both let go
        pass


def test_the_note_says_what_it_waits_for_and_the_callers_error_ends_the_wait(tmp_path):
    path = tmp_path / "x.lock"
    notes: list[str] = []
    seen: list[object] = []

    def busy(handle) -> str:  # noqa: ANN001 - the lock's open file
        seen.append(handle)
        return "the holder"

    with file_lock(path, 1, "held") as handle:
        assert handle is not None and not handle.closed
        with pytest.raises(KeyError, match="the holder waited out"):
            with file_lock(
                path, 0.5, busy, shared=True, note=notes.append, timed_out=lambda h: KeyError(f"{h} waited out")
            ):
                pass
    assert notes == ["the holder"]  # at the start (then every LOCK_NOTE_EVERY_S seconds)
    assert seen and all(not isinstance(h, str) for h in seen)


def test_file_mode_is_the_created_files_mode(tmp_path):
    path = tmp_path / "x.lock"
    with file_lock(path, 1, "busy", file_mode=0o600):
        pass
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_run_lock_is_the_one_primitive_with_its_pid_note_and_error(tmp_path, monkeypatch):
    calls: list[dict] = []
    real = warehouse.file_lock

    @contextlib.contextmanager
    def spy(path, timeout_s, busy, **kwargs):  # noqa: ANN001, ANN202
        calls.append({"path": path, **kwargs})
        with real(path, timeout_s, busy, **kwargs) as handle:
            yield handle

    monkeypatch.setattr(warehouse, "file_lock", spy)
    root = tmp_path / "wh"
    with run_lock(root, shared=False, timeout_s=1):
        assert (root / RUN_LOCK_FILENAME).read_text() == f"{os.getpid()}\n"
        notes: list[str] = []
        with pytest.raises(RunLockTimeout, match=rf"warehouse {root}: `wardbridge run` \(pid {os.getpid()}\) held"):
            with run_lock(root, shared=True, timeout_s=0.3, note=notes.append):
                pass
        assert notes == [
            f"waiting for `wardbridge run` (pid {os.getpid()}) on warehouse {root} "
            f"(run lock {RUN_LOCK_FILENAME}; up to 0.3s, $WARDBRIDGE_RUN_LOCK_TIMEOUT)"
        ]
    with open(root / RUN_LOCK_FILENAME) as other:  # only shared holders: "another run's step"
        fcntl.flock(other, fcntl.LOCK_SH)
        with pytest.raises(RunLockTimeout, match="another run's step held its run lock"):
            with run_lock(root, shared=False, timeout_s=0.3):
                pass
    assert [c["shared"] for c in calls] == [False, True, False]
    assert stat.S_IMODE(os.stat(root / RUN_LOCK_FILENAME).st_mode) == 0o600
