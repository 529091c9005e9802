"""glibc's heap kept for a match run (memory.large_arrays_on_the_heap): numpy's large arrays come from the heap, not
a fresh mmap each (fewer page faults), while the run lasts; glibc's settings are back after, also when the run fails.

Each case runs in a fresh interpreter: glibc serves a large request from a free chunk of its heap before it thinks
of mmap, so in a process that already ran big matches (the suite's other tests) a 64 MB array can come from the heap
whatever the settings, and "mmapped after" would say nothing (the fresh-clone CI at 56aa118 failed so)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import pipelines.match.memory as memory
from pipelines.warehouse import REPO_ROOT

_HELPERS = """
import ctypes, ctypes.util
import numpy as np
import pipelines.match.memory as memory

class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t)
                for n in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_libc.mallinfo2.restype = _MallInfo2

def mmapped_by_a_large_array():
    before = _libc.mallinfo2().hblkhd
    array = np.ones(8_000_000)  # 64 MB: above glibc's largest dynamic mmap threshold (32 MB)
    grown = _libc.mallinfo2().hblkhd - before
    del array
    return grown
"""


def _in_a_fresh_process(body: str) -> None:
    """Runs body (after _HELPERS) in a new interpreter; its failed assertion fails the test with its traceback."""
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if memory._MALLOPT is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("not glibc >= 2.33")
    script = _HELPERS + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_large_arrays_come_from_the_heap_inside_and_are_mmapped_again_after():
    _in_a_fresh_process("""
        assert mmapped_by_a_large_array() >= 64_000_000
        with memory.large_arrays_on_the_heap():
            assert mmapped_by_a_large_array() == 0
            with memory.large_arrays_on_the_heap():  # nested: the inner end keeps the outer's setting
                pass
            assert mmapped_by_a_large_array() == 0
        assert mmapped_by_a_large_array() >= 64_000_000
    """)


def test_put_back_when_the_run_fails():
    _in_a_fresh_process("""
        try:
            with memory.large_arrays_on_the_heap():
                raise RuntimeError("a step failed")
        except RuntimeError:
            pass
        else:
            raise AssertionError("the failure was swallowed")
        assert mmapped_by_a_large_array() >= 64_000_000
    """)


def test_match_keeps_the_heap_for_its_run():
    _in_a_fresh_process("""
        import pipelines.match.engine as engine
        from pipelines.match import load_spec, match
        from pipelines.warehouse import REPO_ROOT
        from tests.match_cases import background

        seen = []
        levels = engine.comparison_levels

        def spied(*args, **kwargs):
            seen.append(mmapped_by_a_large_array())
            return levels(*args, **kwargs)

        engine.comparison_levels = spied
        frame = background(people=400, seed=5)
        assert match(frame, load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")).records.height == frame.height
        assert seen and not any(seen), seen
        assert mmapped_by_a_large_array() >= 64_000_000
    """)


def test_a_threads_heaps_are_kept_inside_and_unmapped_without_the_top_pad():
    # a thread allocates from an arena of its own, grown by heaps of at most 64 MiB: a second 40 MB array needs a heap
    # of its own, which glibc unmaps once the array is freed unless the top pad is a heap's size (blocking's and
    # compare's threads make such arrays by the hundred at 1M people)
    _in_a_fresh_process("""
        import threading

        def heap_given_back():
            out = []

            def work():
                first = np.ones(5_000_000)  # 40 MB in the thread's first heap
                second = np.ones(5_000_000)  # 40 MB more: another heap
                held = _libc.mallinfo2().arena
                del second
                out.append(held - _libc.mallinfo2().arena)
                del first

            thread = threading.Thread(target=work)
            thread.start()
            thread.join()
            return out[0]

        with memory.large_arrays_on_the_heap(), memory.thread_heaps_kept():
            assert heap_given_back() == 0
        with memory.large_arrays_on_the_heap():  # (the main heap's settings alone: a thread's heap unmapped)
            assert heap_given_back() >= 40_000_000
    """)


def test_match_keeps_the_threads_heaps_in_one_piece_only(monkeypatch):
    from contextlib import contextmanager

    from pipelines.match import load_spec, match
    from tests.match_cases import background

    entered = []

    @contextmanager
    def spied():
        entered.append(True)
        yield

    monkeypatch.setattr(memory, "thread_heaps_kept", spied)
    frame = background(people=400, seed=5)
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    one = match(frame, spec)
    assert entered == [True]
    sharded = match(frame, spec, shards=2)  # in shards the peak is what matters: not kept
    assert entered == [True]
    assert sharded.records.sort("record_id").equals(one.records.sort("record_id"))
