"""A left partition (a date that left its table, kept as history) is rewritten once per run (H5).

Rows of a left date the table still holds are read again by other partitions of the run (``@undated``, another
date) and taken out of the left partition. Each written partition took its rows out in a rewrite of its own: a run
whose rows moved into N partitions rewrote the left partition's three files N times. Now the run notes the
partitions it wrote and rewrites each left partition once, with the same result.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import polars as pl

from assets.ingest import LeftRows
from pipelines.ingest import status
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_ingest_mends import LEFT, REGISTRY, TABLES, _part, _warehouse

HOLDERS = ("src@undated", "src@2025-10-31", "src@2025-11-30")


def _run(tmp_path, monkeypatch, flush_each: bool):
    """Left partition records 1, 2, 3; this run's partitions hold 1 (undated) and 2 (2025-10-31) now, and 9
    (2025-11-30, a row of its own). Returns (writes per file, the left partition's layers, its status)."""
    wh = _warehouse(tmp_path)
    _part(wh, "raw", "src@2025-10-31", pl.DataFrame({"record_key": ["src@2025-10-31#2"], "source_key": ["2"]}))
    _part(wh, "raw", "src@undated", pl.DataFrame({"record_key": ["src@undated#1"], "source_key": ["1"]}))
    _part(wh, "raw", "src@2025-11-30", pl.DataFrame({"record_key": ["src@2025-11-30#9"], "source_key": ["9"]}))
    writes: dict[str, int] = {}
    real = status.write_parquet_atomic

    def counting(data, target, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        writes[target.parent.parent.name] = writes.get(target.parent.parent.name, 0) + 1
        return real(data, target, *args, **kwargs)

    monkeypatch.setattr(status, "write_parquet_atomic", counting)
    monkeypatch.setattr("pipelines.ingest.sql.identifying_key", lambda spec: "ma")
    spec = SimpleNamespace(id="src", extract_date_column="ngay")
    left_rows = LeftRows(wh, REGISTRY, SimpleNamespace(extracts=dict.fromkeys(HOLDERS)), "run", logging.getLogger("t"))
    for key in HOLDERS:
        left_rows.release(key, spec)
        if flush_each:  # what the run did before: each partition's rows released as soon as it was written
            left_rows.flush()
    left_rows.flush()
    layers = {n: pl.read_parquet(PartitionedLayer(wh, n).path(TABLES[n], LEFT)).sort("record_key") for n in TABLES}
    return writes, layers, read_status(wh, REGISTRY)[LEFT]


def test_a_run_rewrites_a_left_partition_once_with_the_same_result(tmp_path, monkeypatch):
    once, layers, after = _run(tmp_path / "once", monkeypatch, flush_each=False)
    assert once == dict.fromkeys(TABLES.values(), 1)  # raw, staged, quarantine: one write each (was two)
    each, layers_each, after_each = _run(tmp_path / "each", monkeypatch, flush_each=True)
    assert each == dict.fromkeys(TABLES.values(), 2)  # one rewrite per partition that took rows
    for name in TABLES:  # the same rows left
        assert layers[name].equals(layers_each[name])
    assert layers["raw"]["source_key"].to_list() == ["3"]
    assert (after.raw_rows, after.staged_rows, after.quarantined_rows) == (1, 1, 0)
    assert (after_each.raw_rows, after_each.staged_rows, after_each.quarantined_rows) == (1, 1, 0)
    # one status says where each moved row went (rewriting per partition said only the last one)
    assert "2 of its rows are now read by src@undated (1), src@2025-10-31 (1)" in after.cause


def _moved_table(tmp_path, monkeypatch):  # noqa: ANN202
    """A SQLite table, key ``ma`` its primary key, loaded whole; then 2025-09-30's rows all leave the date, two to
    no date and two to 2025-10-31. Returns (run(first, last) -> success, the four moved keys)."""
    import sqlite3

    import dagster as dg

    from assets.ingest import CATALOGUE_ENV, build_registry_assets
    from assets.resources import WarehouseResource
    from tests.test_sql_extract_dates import COLUMNS, _catalogue, _sample_rows

    db = tmp_path / "households.sqlite"
    dates = ["2025-08-31"] * 2 + ["2025-09-30"] * 4 + ["2025-10-31"] * 2
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE households (ma INTEGER PRIMARY KEY, {', '.join(COLUMNS[1:])}, ngay_trich_xuat)")
        conn.executemany(
            f"INSERT INTO households VALUES ({', '.join(['?'] * (len(COLUMNS) + 1))})",
            [(*r, d) for r, d in zip(_sample_rows(len(dates)), dates, strict=True)],
        )
        sep = [str(r[0]) for r in conn.execute("SELECT ma FROM households WHERE ngay_trich_xuat = '2025-09-30'")]
    text = _catalogue(tmp_path, "main", url=f"sqlite:///{db.as_posix()}", source="lite").read_text(encoding="utf-8")
    path = tmp_path / "lite.toml"
    path.write_text(text.replace('db_schema = "main"\n', ""), encoding="utf-8")
    monkeypatch.setenv(CATALOGUE_ENV, str(path))
    monkeypatch.setenv("WARDBRIDGE_LANDING", str(tmp_path / "no_landing"))
    load = build_registry_assets("households")
    job = dg.define_asset_job("one", selection=dg.AssetSelection.assets(*load), executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=load, jobs=[job], resources={"warehouse": WarehouseResource(path=str(tmp_path / "w"))})

    def run(first: str, last: str) -> bool:
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        with dg.DagsterInstance.ephemeral() as instance:
            job = defs.resolve_job_def("one")
            return job.execute_in_process(instance=instance, tags=tags, raise_on_error=False).success

    assert run("lite@2025-08-31", "lite@undated")
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE households SET ngay_trich_xuat = NULL WHERE ma IN ({sep[0]}, {sep[1]})")
        conn.execute(f"UPDATE households SET ngay_trich_xuat = '2025-10-31' WHERE ma IN ({sep[2]}, {sep[3]})")
    return run, sep


def _holders(tmp_path) -> dict[str, list[str]]:
    """source key -> the dates of the partitions whose raw file holds it."""
    wh = Warehouse(tmp_path / "w")
    held: dict[str, list[str]] = {}
    for key in read_status(wh, "households"):
        file = PartitionedLayer(wh, "raw").path(TABLES["raw"], key)
        for ma in pl.read_parquet(file)["source_key"] if file.is_file() else []:
            held.setdefault(ma, []).append(key.rpartition("@")[2])
    return held


def test_a_real_run_moving_rows_into_two_partitions_writes_the_left_partition_once(tmp_path, monkeypatch):
    """One run of both partitions takes the moved rows out of 2025-09-30's kept partition in one rewrite per layer
    (was one per partition), each row ends in one partition, and the status says where each went."""
    run, sep = _moved_table(tmp_path, monkeypatch)
    writes: list[str] = []
    real = status.write_parquet_atomic
    monkeypatch.setattr(
        status, "write_parquet_atomic", lambda d, t, *a, **k: writes.append(t.parent.parent.name) or real(d, t, *a, **k)
    )
    assert run("lite@2025-10-31", "lite@undated")
    assert sorted(writes) == sorted(TABLES.values())  # raw, staged, quarantine of 2025-09-30: once each
    held = _holders(tmp_path)
    assert {ma: held[ma] for ma in sep} == {
        sep[0]: ["undated"],
        sep[1]: ["undated"],
        sep[2]: ["2025-10-31"],
        sep[3]: ["2025-10-31"],
    }
    after = read_status(Warehouse(tmp_path / "w"), "households")["lite@2025-09-30"]
    assert after.raw_rows == 0 and "4 of its rows are now read by lite@2025-10-31 (2), lite@undated (2)" in after.cause


def test_a_run_stopped_by_an_error_still_releases_the_rows_of_the_partitions_it_wrote(tmp_path, monkeypatch):
    """The release waits for the run's last partition: a run that an unexpected error stops after 2025-10-31 was
    written still takes that partition's rows out of 2025-09-30 (as the release after each partition did)."""
    from assets import ingest

    run, sep = _moved_table(tmp_path, monkeypatch)
    real = ingest.ingest_partition

    def failing(wh, registry, key, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if key.endswith("@undated"):
            raise RuntimeError("the warehouse disk is full")
        return real(wh, registry, key, *args, **kwargs)

    monkeypatch.setattr(ingest, "ingest_partition", failing)
    assert not run("lite@2025-10-31", "lite@undated")
    held = _holders(tmp_path)
    assert held[sep[2]] == held[sep[3]] == ["2025-10-31"]  # taken out of 2025-09-30 although the run failed
    assert held[sep[0]] == held[sep[1]] == ["2025-09-30"]  # undated was not written: its rows stay where they were
