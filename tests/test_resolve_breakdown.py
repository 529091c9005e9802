"""benchmarks/resolve_breakdown.py: the benchmark's CPU breakdown counts every Python read of the resolver
per stage, leaves the resolver as it found it (also when the call fails), and does not change results."""

from __future__ import annotations

import polars as pl
import pytest

from benchmarks.resolve_breakdown import STAGES, breakdown
from pipelines._native import source_module
from pipelines.reference import default_reference
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses

pytestmark = pytest.mark.usefixtures("gc_frozen")  # the benchmarks' gc.collect() (tests/conftest.py)

# These tests wrap the resolver's own functions: the Python source, where its calls go through them
# (a compiled module calls its functions directly; pipelines/_native.py).
r = source_module()

WRAPPED = ("read_tokens", "_read_tails", "_read_cut_tails", "_read_whole", "resolve_addresses")


@pytest.fixture(scope="module")
def addresses() -> pl.Series:
    return generate_addresses(600, seed=5, reference=default_reference(), mess_types=ALL_MESS_TYPES)["address"]


def test_reads_counted_per_stage_and_resolver_restored(addresses):
    before = {name: getattr(r, name) for name in WRAPPED}
    expected = r.resolve_addresses(addresses, index=r.build_index(default_reference()))
    table = breakdown(addresses, default_reference())
    assert {name: getattr(r, name) for name in WRAPPED} == before
    assert set(table["stage"]) == set(STAGES)  # the mix has comma tails, comma-less addresses and whole reads
    assert table["reads"].sum() > 0 and (table["cpu_s"] >= 0).all()
    # every reading counted has a status; nothing was read outside a stage
    assert table["status"].null_count() == 0
    assert r.resolve_addresses(addresses, index=r.build_index(default_reference())).equals(expected)


def test_resolver_restored_when_the_call_fails(addresses, monkeypatch):
    def failing(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(r, "resolve_addresses", failing)
    before = {name: getattr(r, name) for name in WRAPPED}
    with pytest.raises(RuntimeError, match="boom"):
        breakdown(addresses, default_reference())
    assert {name: getattr(r, name) for name in WRAPPED} == before
