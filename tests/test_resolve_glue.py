"""benchmarks/resolve_glue.py: splits resolve_addresses' CPU into the Python reads and the rest, leaves the resolver
as it found it (also when the call fails) and writes the same output as resolve_addresses."""

from __future__ import annotations

import re

import polars as pl
import pytest

from benchmarks.resolve_glue import READS, main
from pipelines._native import source_module
from pipelines.reference import default_reference, load_reference
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses, write_synthetic_gazetteer

pytestmark = pytest.mark.usefixtures("gc_frozen")  # the benchmarks' gc.collect() (tests/conftest.py)

# The glue benchmark wraps the resolver's own functions: the Python source, where its calls go through them
# (a compiled module calls its functions directly; pipelines/_native.py).
r = source_module()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("glue")
    gazetteer = folder / "gazetteer.csv"
    # the gazetteer's frame and the default reference given: the generator draws on the catalogue the gazetteer's
    # was made from, not one of its own for a reference loaded with it (2.5 CPU s); the same 500 addresses
    evidence = write_synthetic_gazetteer(gazetteer, 3)
    truth = generate_addresses(
        500, seed=3, reference=default_reference(), mess_types=ALL_MESS_TYPES, gazetteer=evidence
    )
    csv = folder / "addresses.csv"
    truth.select(pl.int_range(truth.height).alias("id"), "address").write_csv(csv)
    return csv, gazetteer, folder


def test_reads_and_rest_add_up_and_output_is_resolve_addresses(files, capsys):
    csv, gazetteer, folder = files
    before = {name: getattr(r, name) for name in READS}
    main(["--csv", str(csv), "--gazetteer", str(gazetteer), "--out", str(folder / "out.parquet")])
    assert {name: getattr(r, name) for name in READS} == before
    line = capsys.readouterr().out
    total, reads, rest = map(
        float, re.search(r"rows ([0-9.]+) CPU s; Python reads ([0-9.]+); the rest (-?[0-9.]+)", line).groups()
    )
    assert reads > 0 and abs(total - reads - rest) < 0.02
    expected = r.resolve_addresses(
        pl.read_csv(csv, infer_schema=False)["address"], load_reference(gazetteers=(gazetteer,))
    )
    assert pl.read_parquet(folder / "out.parquet").equals(expected)


def test_resolver_restored_when_the_call_fails(files, monkeypatch):
    csv, gazetteer, _ = files
    before = {name: getattr(r, name) for name in READS}

    def fail(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(r, "resolve_addresses", fail)
    with pytest.raises(RuntimeError, match="boom"):
        main(["--csv", str(csv), "--gazetteer", str(gazetteer)])
    assert {name: getattr(r, name) for name in READS} == before
