"""Resolver inputs the resolver tests build, made once per test process (tests only).

Under ``-n 2 --dist loadfile`` a worker runs many test files in one process: what is cached here is built once for
all of them, as ``pipelines.reference.default_reference`` and the resolver's default index already are.

* ``synthetic_reference(seed)``: the reference of mappings/ with the synthetic gazetteer of ``seed``
  (``write_synthetic_gazetteer`` + ``load_reference``, as the tests did in a temporary folder), and that gazetteer.
* ``generated_addresses(n, seed, mess_types)``: ``generate_addresses(n, seed, synthetic_reference(seed)[0],
  mess_types)``'s frame. The generator's catalogue (``pipelines.synth.addresses._catalogue``, ~3 CPU s to build) is
  kept per reference object and reads only the units and the crosswalk; given the reference of mappings/ (whose
  catalogue ``write_synthetic_gazetteer`` built already) and the gazetteer explicitly, the generator returns the same
  rows as given the synthetic reference, without building a second catalogue. The addresses' split evidence is
  drawn from the gazetteer the resolver is given (``synthetic_reference(seed)``) either way.
* ``fresh_index(reference)``: an index equal to a new ``build_index(reference)``, no reading cached in it, copied
  (pickle) from one built once and never read with: ~0.1 CPU s instead of ~0.5 s for a build.
"""

from __future__ import annotations

import copyreg
import functools
import io
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from pipelines.reference import Reference, default_reference, load_reference
from pipelines.resolve import ResolverIndex, build_index
from pipelines.resolve_tables import KeyTable


@functools.cache
def synthetic_reference(seed: int) -> tuple[Reference, pl.DataFrame]:
    """(the reference with the synthetic gazetteer of ``seed``, that gazetteer)."""
    from pipelines.synth.addresses import write_synthetic_gazetteer

    with tempfile.TemporaryDirectory(prefix="wb-gazetteer-") as folder:
        path = Path(folder) / "gazetteer.csv"
        gazetteer = write_synthetic_gazetteer(path, seed)
        return load_reference(gazetteers=(path,)), gazetteer


def generated_addresses(n: int, seed: int, mess_types: Sequence[str] | None = None) -> pl.DataFrame:
    """``generate_addresses(n, seed, synthetic_reference(seed)[0], mess_types)`` without a second catalogue."""
    from pipelines.synth.addresses import generate_addresses

    _, gazetteer = synthetic_reference(seed)
    return generate_addresses(n, seed=seed, reference=default_reference(), mess_types=mess_types, gazetteer=gazetteer)


def _key_table(items: dict) -> KeyTable:
    return KeyTable(items)


class _IndexPickler(pickle.Pickler):
    """Pickles a ResolverIndex: its key tables (a defaultdict subclass pickle cannot rebuild) as their keys, so each
    copy's tables start as build_index leaves them (nothing derived, no province span read)."""

    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[KeyTable] = lambda table: (_key_table, (dict(table),))


_PRISTINE: dict[int, tuple[Reference, bytes]] = {}


def fresh_index(reference: Reference) -> ResolverIndex:
    """A new index of ``reference`` with nothing read in it: a copy of one build never read with."""
    kept = _PRISTINE.get(id(reference))
    if kept is None or kept[0] is not reference:
        index = build_index(reference)
        assert not index.ward_cache and not index.district_cache  # a build reads nothing
        buffer = io.BytesIO()
        _IndexPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(index)
        kept = _PRISTINE[id(reference)] = (reference, buffer.getvalue())
    return pickle.loads(kept[1])
