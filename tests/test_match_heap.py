"""glibc's heap kept for a match run (memory.large_arrays_on_the_heap): numpy's large arrays come from the heap, not
a fresh mmap each (fewer page faults), while the run lasts; glibc's defaults are back after, also when the run fails."""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np
import pytest

import pipelines.match.engine as engine
import pipelines.match.memory as memory
from tests.match_cases import people_spec  # noqa: F401 - the spec fixture


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
    ]


def _mmapped_bytes():
    """Bytes glibc holds in mmapped blocks now (mallinfo2's hblkhd); skips where glibc has no mallinfo2."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if memory._MALLOPT is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("not glibc >= 2.33")
    libc.mallinfo2.restype = _MallInfo2
    return libc.mallinfo2().hblkhd


def _mmapped_by_a_large_array() -> int:
    before = _mmapped_bytes()
    array = np.ones(8_000_000)  # 64 MB: above glibc's largest dynamic mmap threshold (32 MB)
    grown = _mmapped_bytes() - before
    del array
    return grown


def test_large_arrays_come_from_the_heap_inside_and_are_mmapped_again_after():
    assert _mmapped_by_a_large_array() >= 64_000_000
    with memory.large_arrays_on_the_heap():
        assert _mmapped_by_a_large_array() == 0
        with memory.large_arrays_on_the_heap():  # nested: the inner end keeps the outer's setting
            pass
        assert _mmapped_by_a_large_array() == 0
    assert _mmapped_by_a_large_array() >= 64_000_000


def test_put_back_when_the_run_fails():
    with pytest.raises(RuntimeError), memory.large_arrays_on_the_heap():
        raise RuntimeError("a step failed")
    assert _mmapped_by_a_large_array() >= 64_000_000


def test_match_keeps_the_heap_for_its_run(spec, monkeypatch):
    from pipelines.match import match
    from tests.match_cases import background

    seen: list[int] = []
    levels = engine.comparison_levels

    def spied(*args, **kwargs):
        seen.append(_mmapped_by_a_large_array())
        return levels(*args, **kwargs)

    monkeypatch.setattr(engine, "comparison_levels", spied)
    frame = background(people=400, seed=5)
    assert match(frame, spec).records.height == frame.height
    assert seen and not any(seen)
    assert _mmapped_by_a_large_array() >= 64_000_000
