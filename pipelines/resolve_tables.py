"""The resolver's lookup tables and unit-type markers (``pipelines.resolve``): plain Python classes kept in a
module of their own, so that ``pipelines/resolve.py`` can be compiled with mypyc (``benchmarks/resolve_native.py``),
which compiles neither a subclass of ``tuple`` built in ``__new__`` nor one of ``defaultdict``."""

from __future__ import annotations

from collections import defaultdict


class Markers(tuple):
    """Unit-type words, longest first, with lookups by first and last word (hot path)."""

    by_first: dict[str, list[tuple[str, list[str]]]]
    by_last: dict[str, list[list[str]]]
    last_words: frozenset[str]
    squashed: list[tuple[str, str]]
    squashed_by_letter: dict[str, list[tuple[str, str]]]
    letters: set[str]
    longest: int

    def __new__(cls, *markers: str):
        self = super().__new__(cls, markers)
        self.by_first = {}  # first word -> (marker, its words), longest first
        self.by_last = {}  # last word -> the words of each marker ending with it
        for marker in markers:
            parts = marker.split(" ")
            self.by_first.setdefault(parts[0], []).append((marker, parts))
            self.by_last.setdefault(parts[-1], []).append(parts)
        self.last_words = frozenset(self.by_last)
        self.squashed = [(m.replace(" ", ""), m) for m in markers]
        self.squashed_by_letter = {}  # first letter -> the squashed markers starting with it, in order
        for squashed, marker in self.squashed:
            self.squashed_by_letter.setdefault(squashed[0], []).append((squashed, marker))
        self.letters = {m[0] for m in markers}
        self.longest = max((len(m) - m.count(" ") for m in markers), default=0)  # squashed
        return self


class KeyTable(defaultdict):
    """Folded key -> unit uids, with what the lookups derive from its keys (the proper suffixes of its
    keys, the names long enough to correct a typo in) computed once and kept with the table."""

    def __init__(self, *args) -> None:
        super().__init__(set, *args)
        self._derived: dict[str, tuple[int, object]] = {}
        self._longest = (-1, 0)
        self._suffixes: tuple[int, frozenset[str]] = (-1, frozenset())
        self.span_info: tuple[int, int, frozenset[str]] = (-1, 0, frozenset())  # see refresh_span_info
        self.province_spans: tuple[int, dict] = (-1, {})  # see _province_span

    def refresh_span_info(self) -> tuple[int, int, frozenset[str]]:
        """(number of keys, ``longest()``, ``suffixes()``) in one attribute, for ``_exact_span`` (hot path:
        read without a call while the number of keys is the one recorded)."""
        self.span_info = (len(self), self.longest(), self.suffixes())
        return self.span_info

    def longest(self) -> int:
        """The length of the longest key (hot path: an attribute, not ``derived``)."""
        if self._longest[0] != len(self):
            self._longest = (len(self), max(map(len, self), default=0))
        return self._longest[1]

    def suffixes(self) -> frozenset[str]:
        """Every proper suffix of every key (not the whole key); hot path: an attribute, as ``longest``."""
        if self._suffixes[0] != len(self):
            self._suffixes = (len(self), frozenset(k[i:] for k in self for i in range(1, len(k))))
        return self._suffixes[1]

    def derived(self, name: str, compute):
        hit = self._derived.get(name)
        if hit is None or hit[0] != len(self):  # recomputed if keys were added since
            hit = self._derived[name] = (len(self), compute(self))
        return hit[1]
