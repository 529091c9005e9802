"""Entity ids from founder hashes worked out ahead (``entities.record_hashes``: every record's, before the clusters are
known; ``assign_entity_ids(hashed=...)`` gathers the founders'): the same ids as hashing the founders once the clusters
are known, with and without a previous run's ids, and the engine's run the same with them as without."""

from __future__ import annotations

import threading

import numpy as np
import polars as pl
import pytest

import pipelines.match.engine as engine
import pipelines.match.entities as entities
import pipelines.md5 as md5
from pipelines.match import match
from pipelines.match.entities import assign_entity_ids, record_hashes
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures


def test_gathered_founder_hashes_name_the_entities_as_hashing_the_founders():
    # the founder (smallest id) of a cluster is neither its first nor its last row; singletons among them
    ids = pl.Series(["r5", "r2", "r9", "r1", "r7", "r3", "r8"])
    clusters = pl.Series([4, 4, 2, 4, 6, 5, 5], dtype=pl.UInt32)
    plain, plain_history = assign_entity_ids(ids, clusters, "P")
    ahead, ahead_history = assign_entity_ids(ids, clusters, "P", hashed=record_hashes(ids, "P"))
    assert plain.to_list() == ahead.to_list()
    assert plain[0] == plain[1] == plain[3] == record_hashes(pl.Series(["r1"]), "P")[0]  # r1 founds the first
    assert plain_history.equals(ahead_history)


def test_with_a_previous_run_and_a_clash_the_ids_are_the_same(monkeypatch):
    ids = pl.Series(["a", "b", "c", "d", "e"])
    clusters = pl.Series([0, 0, 2, 3, 3], dtype=pl.UInt32)
    named = record_hashes(ids, "E")
    # 'c' left the entity named after it (a previous id, kept by the cluster of d, e): its own hash clashes
    previous = pl.DataFrame({"record_id": ["c", "d", "e"], "entity_id": [named[2]] * 3})
    monkeypatch.setattr(md5, "SMALL_HASH", 0)  # (the DuckDB path, as at scale)
    plain, plain_history = assign_entity_ids(ids, clusters, "E", previous)
    ahead, ahead_history = assign_entity_ids(ids, clusters, "E", previous, hashed=named)
    assert plain.to_list() == ahead.to_list()
    assert plain[3] == named[2] and plain[2] != named[2]  # the clash salted
    assert plain_history.equals(ahead_history)


def test_the_engine_names_entities_from_hashes_worked_out_ahead_as_without(work, spec, monkeypatch):
    frame = work.select(pl.all().exclude("^_.*$"))  # (prepare's row number left out: match numbers the rows)
    frame = frame.select(c for c in frame.columns if c in spec.input_columns | spec.optional_columns)
    plain = match(frame, spec)
    calls: list[int] = []

    def counted(record_ids, prefix):
        calls.append(len(record_ids))
        return record_hashes(record_ids, prefix)

    monkeypatch.setattr(engine, "HASH_AHEAD", 0)  # (a table this small is hashed where it is named)
    monkeypatch.setattr(engine, "record_hashes", counted)
    ahead = match(frame, spec)
    assert calls == [frame.height]  # every record's hash, once
    assert plain.records.equals(ahead.records)
    assert plain.entities.equals(ahead.entities)
    assert plain.records["entity_id"].n_unique() < frame.height  # (some entities merge several records)


def test_founders_gathered_by_cluster_number_equal_the_founders_grouped_in_frames():
    # many clusters numbered out of order with gaps, founders anywhere in them, singletons between: the numpy tables
    # (assign_entity_ids' path with hashes given and nothing to take over) name every record as the frames do
    rng = np.random.default_rng(5)
    n = 4000
    ids = pl.Series([f"r{k}" for k in rng.permutation(n)])
    clusters = pl.Series(rng.choice(rng.permutation(6000)[:2500], n).astype(np.uint32))
    hashed = record_hashes(ids, "P")
    ahead, ahead_history = assign_entity_ids(ids, clusters, "P", hashed=hashed)
    rows = entities._founder_rows(ids, clusters)
    founders = pl.DataFrame({"c": clusters, "id": ids}).group_by("c").agg(pl.col("id").min())
    want = pl.DataFrame({"c": clusters}).join(founders, on="c", how="left", maintain_order="left")["id"]
    assert ids.gather(rows).to_list() == want.to_list()
    assert ahead.to_list() == hashed.gather(rows).to_list()
    plain, plain_history = assign_entity_ids(ids, clusters, "P")
    assert plain.to_list() == ahead.to_list() and ahead.name == plain.name == "entity_id"
    assert ahead_history.equals(plain_history) and not ahead_history.height
    # entity ids held elsewhere (an increment's): the frames' path, which checks clashes, names them the same here
    held, _ = assign_entity_ids(ids, clusters, "P", held=pl.Series(["P-0"]), hashed=hashed)
    assert held.to_list() == ahead.to_list()
    assert (pl.DataFrame({"c": clusters}).group_by("c").len()["len"] == 1).sum() > 100  # singletons among them


def test_hashing_in_duckdb_does_not_import_pandas():
    # the prefix is a SQL string literal: a query parameter made DuckDB's Python client import pandas the first time
    # (0.17-0.27 CPU s holding the GIL, once a process); checked in a fresh process, where nothing imported it before
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, polars as pl\n"
        "from pipelines import md5\n"
        "from pipelines.match import entities\n"
        "md5.SMALL_HASH = 0\n"
        "assert entities._founder_ids(pl.Series(['a']), \"P'x\", threads=1).to_list() == [\"P'x-0cc175b9c0f1b6a8\"]\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_hashes_from_duckdb_as_an_arrow_table_are_each_founders_in_order(monkeypatch):
    # DuckDB's result handed over as an Arrow table (not a Parquet file read back): each founder's own MD5, in the
    # founders' order, with and without a salt (the founders given as they are when there is none)
    import hashlib

    founders = pl.Series([f"r{k}-{'x' * (k % 40)}" for k in range(5000)][::-1])
    monkeypatch.setattr(md5, "SMALL_HASH", 0)
    for salt in ("", "#2"):
        want = [f"P-{hashlib.md5((f + salt).encode()).hexdigest()[:16]}" for f in founders]
        assert entities._founder_ids(founders, "P", salt, threads=1).to_list() == want
        if not salt:
            assert record_hashes(founders, "P").to_list() == want


def test_the_engine_starts_the_hashes_before_the_model_is_fitted(work, spec, monkeypatch):
    # the pool's core hashes while this one fits and scores: the hashes have started before the fit returns
    frame = work.select(pl.all().exclude("^_.*$"))
    frame = frame.select(c for c in frame.columns if c in spec.input_columns | spec.optional_columns)
    started = threading.Event()

    def counted(record_ids, prefix):
        started.set()
        return record_hashes(record_ids, prefix)

    seen = []
    fit = engine.fit

    def fitted(*args, **kwargs):
        seen.append(started.wait(timeout=10))  # (not set once the pairs are scored: that is after the fit)
        return fit(*args, **kwargs)

    monkeypatch.setattr(engine, "HASH_AHEAD", 0)
    monkeypatch.setattr(engine, "record_hashes", counted)
    monkeypatch.setattr(engine, "fit", fitted)
    plain = match(frame, spec, shards=1)
    assert seen == [True]
    assert plain.records["entity_id"].n_unique() < frame.height


def test_record_hashes_are_worked_out_by_duckdb_however_few(monkeypatch):
    # worked out ahead beside a thread that tables the pairs: a Python loop would hold the GIL (md5.SMALL_HASH is for
    # the founders hashed where the entities are named); the same hashes as Python's
    import hashlib

    ids = pl.Series([f"tax_1@2025-08-31#{k}" for k in range(300)])
    want = [f"T-{hashlib.md5(v.encode()).hexdigest()[:16]}" for v in ids]

    class NoPython:
        @staticmethod
        def md5(*args):
            raise AssertionError("hashed in Python")

    monkeypatch.setattr(md5, "hashlib", NoPython)
    assert record_hashes(ids, "T").to_list() == want
    with pytest.raises(AssertionError, match="hashed in Python"):  # (the founders' own: in Python under SMALL_HASH)
        entities._founder_ids(ids, "T")
    assert md5.md5_hex(ids, head="T-", length=16, in_python_under=0).to_list() == want
