"""How a match run asks for memory: numpy's arrays on the kernel's small pages, glibc's heap kept for the run, the
heap's free pages given back between steps. Process-wide settings (numpy's switch and glibc's allocator are one per
process): each is turned by the first of overlapping callers and put back by the last, also when a run fails.

Both settings lower the system time of the fresh arrays of millions of rows a run makes (blocking's keys, the
pairs' columns, the comparison levels); neither changes a result. Where a setting is not available (numpy without
its private switch, a C library other than glibc), the run goes on without it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

import numpy as np

log = logging.getLogger("wardbridge.match")


def _numpy_switch():  # noqa: ANN202 - numpy's function or None
    """numpy's own switch for its huge-page advice (what NUMPY_MADVISE_HUGEPAGE sets at import): private, so None
    where this numpy has none."""
    try:
        from numpy._core import multiarray
    except ImportError:
        return None
    return getattr(multiarray, "_set_madvise_hugepage", None)


_set_huge_pages = _numpy_switch()
_said_no_switch = False  # the run says once per process that numpy has no switch, not at every call

_SMALL_PAGES = threading.Lock()
_small_pages_depth = 0  # callers under way (they may overlap: the first turns the switch, the last back)
_huge_pages_before = True


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's new arrays on the kernel's small pages while the block runs (blocking, and engine.match's whole run),
    numpy's switch put back after. numpy asks the kernel for transparent huge pages for every array of 4 MB or more
    (``madvise``); where the kernel then compacts memory to find a 2 MB page at the array's first touch (THP
    ``defrag`` = ``madvise``, as here and a common default), a fresh array costs more system time than on small
    pages, and blocking (u beside it) makes hundreds of fresh arrays of millions of rows. numpy's own switch
    (``NUMPY_MADVISE_HUGEPAGE=0`` sets it at import): at 1M people, match() with it off, 3 alternated pairs, system
    time 5.01 / 4.41 / 5.63 -> 3.19 / 3.46 / 3.06 s, blocking's CPU 6.86 / 6.11 / 7.52 -> 5.45 / 5.34 / 5.13 s, the
    same outputs. Arrays made meanwhile keep their pages; only the switch is global (another thread's arrays made
    meanwhile get small pages too). The switch is numpy's private ``_set_madvise_hugepage``: a numpy without it
    runs with the pages numpy chooses, said once (log warning)."""
    global _small_pages_depth, _huge_pages_before, _said_no_switch  # noqa: PLW0603 - one switch per process
    switch = _set_huge_pages
    if switch is None:
        if not _said_no_switch:
            _said_no_switch = True
            log.warning(
                "numpy %s has no _set_madvise_hugepage: match runs with the memory pages numpy chooses (set "
                "NUMPY_MADVISE_HUGEPAGE=0 before starting for small pages; same results either way)",
                np.__version__,
            )
        yield
        return
    with _SMALL_PAGES:
        if not _small_pages_depth:
            _huge_pages_before = switch(False)
        _small_pages_depth += 1
    try:
        yield
    finally:
        with _SMALL_PAGES:
            _small_pages_depth -= 1
            if not _small_pages_depth:
                switch(_huge_pages_before)


def _libc_function(name: str, argtypes: list, restype):  # noqa: ANN001, ANN202 - ctypes types
    """glibc's ``name``, None elsewhere."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        function = getattr(libc, name)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = argtypes, restype
    return function


_TRIM = _libc_function("malloc_trim", [ctypes.c_size_t], ctypes.c_int)
_MALLOPT = _libc_function("mallopt", [ctypes.c_int, ctypes.c_int], ctypes.c_int)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD, _M_MMAP_MAX = -1, -2, -3, -4  # glibc's mallopt parameters
# a thread's arena (every thread but the main one allocates from one of its own) grows by heaps of at most 64 MiB (glibc's
# HEAP_MAX_SIZE on 64 bits) and unmaps a heap once all of it is free unless the top pad is as large: with it, the
# heaps of the threads' arenas are kept for the run too (glibc's malloc.c heap_trim); 128 kB (its default) after
_THREAD_HEAP = 64 * 1024 * 1024
_TOP_PAD_AFTER = 128 * 1024
# put back after the run: the thresholds glibc's dynamic ones reach once a process has freed large arrays (any mallopt
# call fixes them; left at its 128 kB default, every later array of the process would be a fresh mmap)
_MMAP_THRESHOLD_AFTER = 32 * 1024 * 1024
_HEAP_LOCK = threading.Lock()
_depth: dict[str, int] = {}  # setting -> how many blocks hold it (nested runs: match() inside match())


def give_back() -> None:
    """Give the C heap's free pages back to the system (glibc ``malloc_trim``; nothing elsewhere). numpy's arrays come
    from malloc, which past its first frees keeps arrays of up to 32 MB in the heap and keeps the heap's freed pages:
    the arrays of a step (a shard's pairs, blocking's keys) would stay in the process's memory after it. Called
    between shards and steps: on 400k records of the 1M city in 4 shards, held after comparing 957 / 913 -> 575 /
    586 MiB, peak 977 / 1,003 -> 925 / 918 MiB (two alternated pairs, load 5-6). (A fixed mmap threshold,
    MALLOC_MMAP_THRESHOLD_=1048576, held 555 MiB, at a page fault and zeroing on every large allocation.)"""
    if _TRIM is not None:
        _TRIM(0)


@contextmanager
def large_arrays_on_the_heap() -> Iterator[None]:
    """glibc serves every allocation from its heap and keeps the freed pages for the run (no ``mmap`` per large
    array, no trim but ``give_back``'s between steps), so numpy's arrays of millions of rows reuse pages already
    touched instead of faulting in fresh zeroed ones; put back after (at the thresholds glibc's dynamic ones grow
    to) and the heap trimmed (``give_back``). At 1M people (94283e3), ``GLIBC_TUNABLES=glibc.malloc.mmap_max=0:
    glibc.malloc.trim_threshold=4294967296`` for the process, 3 alternated pairs: 5.83 / 5.78 / 5.68 -> 5.53 / 5.49
    / 5.39 s wall, page faults 1.50M -> 1.21-1.25M, the same outputs and peak; this code, 3 pairs: 5.82 / 5.64 /
    5.68 -> 5.48 / 5.45 / 5.53 s; 3M, one pair: match() 32.0 -> 29.3 s, the process 34.1 -> 31.5 s, peak 5,260 ->
    5,277 MiB. The threads' arenas' heaps: ``thread_heaps_kept``. Nothing elsewhere than glibc."""

    def keep() -> None:
        _MALLOPT(_M_MMAP_MAX, 0)
        _MALLOPT(_M_TRIM_THRESHOLD, 2**31 - 1)

    def put_back() -> None:
        _MALLOPT(_M_MMAP_MAX, 65536)
        _MALLOPT(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_AFTER)
        _MALLOPT(_M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD_AFTER)
        give_back()

    with _held("heap", keep, put_back):
        yield


@contextmanager
def thread_heaps_kept() -> Iterator[None]:
    """The heaps of the threads' arenas kept while the block runs (``large_arrays_on_the_heap`` keeps the main one):
    every thread but the main one allocates from an arena of its own, grown by heaps of at most 64 MiB, and glibc
    unmaps such a heap once all of it is free unless the top pad is as large (malloc.c ``heap_trim``), so blocking's,
    u's and compare's threads made and dropped heaps all run long, each one faulted in afresh. The top pad is a heap's
    size inside, glibc's default (128 kB) after. At 1M people (edc1480), 4 alternated pairs: 5.53 / 5.27 / 5.29 /
    5.28 -> 5.11 / 5.04 / 5.02 / 4.98 s wall, 9.57 / 9.35 / 9.21 / 9.24 -> 9.09 / 8.83 / 8.85 / 8.79 CPU s, page
    faults 0.99-1.05M -> 0.76-0.80M, peak 1,946-1,972 -> 2,070-2,094 MiB, the same outputs; at 3M people (sharded),
    one pair: 53.7 -> 50.6 CPU s, peak 5,696 -> 6,058 MiB, so runs in shards (where the peak is what matters) leave
    it out (``for_a_match_run``)."""
    with _held("top_pad", lambda: _MALLOPT(_M_TOP_PAD, _THREAD_HEAP), lambda: _MALLOPT(_M_TOP_PAD, _TOP_PAD_AFTER)):
        yield


@contextmanager
def _held(setting: str, on: Callable[[], None], off: Callable[[], None]) -> Iterator[None]:
    """``on()`` when the first block holding ``setting`` starts, ``off()`` when the last one ends (one allocator per
    process: nested and concurrent runs share it); nothing where glibc's mallopt is missing."""
    if _MALLOPT is None:
        yield
        return
    with _HEAP_LOCK:
        if not _depth.get(setting):
            on()
        _depth[setting] = _depth.get(setting, 0) + 1
    try:
        yield
    finally:
        with _HEAP_LOCK:
            _depth[setting] -= 1
            if not _depth[setting]:
                off()


@contextmanager
def for_a_match_run(in_one_piece: bool = True) -> Iterator[None]:
    """The settings for engine.match's whole run: small pages (compare, fit and entities make fresh arrays of
    millions of rows too, not only blocking) and glibc's heap kept; ``in_one_piece`` (not in shards): the threads'
    heaps kept too."""
    with small_pages(), large_arrays_on_the_heap(), thread_heaps_kept() if in_one_piece else nullcontext():
        yield
