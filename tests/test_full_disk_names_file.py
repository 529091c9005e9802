"""A full disk names the file it could not write, not only '[Errno 28] No space left on device'.

Measured (HV24, 2026-12-06): the households ingest of one landed extract into a warehouse on a 400 kB tmpfs failed
'dagster._core.definitions.events.Failure: OSError: [Errno 28] No space left on device' -- no path: the write that
failed (a reference snapshot under reference_history/, written with write_parquet_atomic) was named only in the stack
trace. An OSError that names no file is now raised again naming the target, its errno (and subclass) kept; the
partial file is still removed."""

from __future__ import annotations

import errno
import os

import pyarrow as pa
import pytest

from pipelines import warehouse
from pipelines.warehouse import write_parquet_atomic, write_text_atomic


def _full_disk(monkeypatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(warehouse.os, "fsync", fsync)


def test_a_full_disk_while_writing_parquet_names_the_file(tmp_path, monkeypatch):
    _full_disk(monkeypatch)
    target = tmp_path / "reference_history" / "abc.parquet"
    with pytest.raises(OSError) as caught:
        write_parquet_atomic(pa.table({"a": [1, 2]}), target)
    assert caught.value.errno == errno.ENOSPC
    assert str(target) in str(caught.value)  # before: '[Errno 28] No space left on device'
    assert not target.exists() and list(target.parent.iterdir()) == []  # no partial file left


def test_a_full_disk_while_writing_text_names_the_file(tmp_path, monkeypatch):
    _full_disk(monkeypatch)
    target = tmp_path / "status" / "part=x.json"
    with pytest.raises(OSError) as caught:
        write_text_atomic(target, "{}")
    assert caught.value.errno == errno.ENOSPC and str(target) in str(caught.value)
    assert list(target.parent.iterdir()) == []


def test_an_error_that_names_its_file_is_left_as_it_is(tmp_path, monkeypatch):
    def fsync(fd: int) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/somewhere/else")

    monkeypatch.setattr(warehouse.os, "fsync", fsync)
    with pytest.raises(PermissionError, match="/somewhere/else"):
        write_text_atomic(tmp_path / "a.txt", "x")
