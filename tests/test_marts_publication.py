"""MartsPublication: the restricted mart written and gated while the rest is built, with the guarantees of
publish_marts (the same tables, nothing visible before every gate passed, the previous marts kept on any failure).

Runs on a copy of the bundled sample's warehouse (tests/marts_fixture.py, shared with tests/test_marts.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.publish.marts import build_marts, read_inputs
from pipelines.publish.store import (
    ANALYTICS_FILENAME,
    PARQUET_DIR,
    RESTRICTED_FILENAME,
    MartsPublication,
    PublishRejected,
    publish_marts,
    write_duckdb,
)
from pipelines.schema import Field, Table
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts
from tests.warehouse_parts import copy_parts

KEY = b"test-key-for-the-publication"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root, _ = sample_marts(tmp_path_factory.getbasetemp())
    return root


@pytest.fixture(scope="module")
def built(sample):
    """build_marts of the sample's inputs with KEY and no ``ready`` (it reads and changes no input): built once for
    the tests that hand the same marts to publish_marts on their own copy."""
    return build_marts(read_inputs(Warehouse(sample)), KEY)


def _copy(sample: Path, target: Path) -> Warehouse:
    """The marts' inputs and the published marts of the sample warehouse (tests/warehouse_parts.py), not its
    exports and Data Docs."""
    return Warehouse(copy_parts(sample, target))


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.sql("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY table_oid").fetchall()
        return {f"{s}.{t}": con.sql(f'SELECT * FROM "{s}"."{t}"').pl() for s, t in names}


def _parquet_bytes(root: Path) -> dict[str, bytes]:
    base = root / PARQUET_DIR
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*.parquet"))}


def _published(root: Path) -> tuple[dict, dict, dict]:
    return _tables(root / ANALYTICS_FILENAME), _tables(root / RESTRICTED_FILENAME), _parquet_bytes(root)


def _no_leftovers(root: Path) -> bool:
    return not [*root.glob("*.tmp-*"), *root.glob(".*.tmp-*"), *(root / "marts").glob(".analytics.*")]


def _equal(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> bool:
    return list(a) == list(b) and all(a[k].equals(b[k]) for k in a)


def _stream(marts, ready) -> None:  # noqa: ANN001
    """Each restricted table of the module's ``built`` marts handed to ``ready`` in Marts.restricted's order, as
    build_marts hands them over while building (test_written_while_building_publishes_what_publish_marts_publishes
    checks that it does): for the tests about what the publication does with them, which built the same marts
    again each (~1.2 CPU s)."""
    for table, frame in marts.restricted.values():
        ready(table, frame)


def test_written_while_building_publishes_what_publish_marts_publishes(sample, built, tmp_path):
    """Same tables in the same catalogue order, rows in the same order, byte-identical Parquet, the same
    validators' calls (each table once)."""
    one = _copy(sample, tmp_path / "one")
    marts = built
    publish_marts(one.root, marts.analytics.values(), marts.restricted.values(), run_id="r")

    two = _copy(sample, tmp_path / "two")
    seen: list[str] = []
    added: list[str] = []

    def record(table, frame):  # noqa: ANN001, ANN202
        seen.append(table.name)
        return []

    with MartsPublication(two.root, run_id="r") as publication:

        def ready(table, frame):  # noqa: ANN001, ANN202
            added.append(table.name)
            publication.add_restricted(table, frame)

        streamed = build_marts(read_inputs(two), KEY, ready=ready)
        publication.publish(streamed.analytics.values(), streamed.restricted.values(), validators=[record])
    assert added == list(streamed.restricted)  # each restricted table handed on, in Marts.restricted's order
    assert seen == [*streamed.analytics, *streamed.restricted]  # every table gated once, in publish_marts' order
    a1, r1, p1 = _published(one.root)
    a2, r2, p2 = _published(two.root)
    assert _equal(a1, a2) and _equal(r1, r2) and p1 == p2
    assert _no_leftovers(two.root)


def test_an_error_while_building_keeps_the_previous_marts_and_releases_the_lock(sample, tmp_path):
    wh = _copy(sample, tmp_path / "wh")
    before = _published(wh.root)
    inputs = read_inputs(wh)

    class Broken(Exception):
        pass

    calls = {"n": 0}
    with pytest.raises(Broken):
        with MartsPublication(wh.root, run_id="broken") as publication:

            def ready(table, frame):  # noqa: ANN001, ANN202
                publication.add_restricted(table, frame)
                calls["n"] += 1
                if calls["n"] == 3:  # the restricted file is being written aside meanwhile
                    raise Broken

            build_marts(inputs, KEY, ready=ready)
    after = _published(wh.root)
    assert _equal(before[0], after[0]) and _equal(before[1], after[1]) and before[2] == after[2]
    assert _no_leftovers(wh.root)
    with wh._writer_lock(timeout_s=0.5):  # released
        pass


def test_a_rejected_gate_of_a_table_written_early_keeps_the_previous_marts(sample, built, tmp_path):
    """A restricted table written while building fails its gate: nothing is published. The problems come one
    validator after the other over [*analytics, *restricted], as publish_marts reports them."""
    wh = _copy(sample, tmp_path / "wh")
    before = _published(wh.root)

    def first(table, frame):  # noqa: ANN001, ANN202
        return [f"first {table.name}"] if table.name in ("people_entities", "ward_summary") else []

    def second(table, frame):  # noqa: ANN001, ANN202
        return [f"second {table.name}"] if table.name in ("people_entities", "ward_summary") else []

    with pytest.raises(PublishRejected) as rejected:
        with MartsPublication(wh.root, run_id="rejected") as publication:
            _stream(built, publication.add_restricted)
            publication.publish(
                built.analytics.values(),
                built.restricted.values(),
                validators=[first, second],
                extra_problems=["extra"],
            )
    assert rejected.value.problems == [
        "extra",
        "first ward_summary",
        "first people_entities",
        "second ward_summary",
        "second people_entities",
    ]
    after = _published(wh.root)
    assert _equal(before[0], after[0]) and _equal(before[1], after[1]) and before[2] == after[2]
    assert _no_leftovers(wh.root)


def test_a_failing_restricted_write_keeps_the_previous_marts_and_says_why(sample, built, tmp_path):
    wh = _copy(sample, tmp_path / "wh")
    before = _published(wh.root)
    with pytest.raises(Exception, match="missing columns") as raised:
        with MartsPublication(wh.root, run_id="failing") as publication:

            def ready(table, frame):  # noqa: ANN001, ANN202
                if table.name == "people_lineage":
                    frame = frame.drop(frame.columns[-1])  # cannot be written as declared
                publication.add_restricted(table, frame)

            _stream(built, ready)
            restricted = dict(built.restricted)
            restricted["people_lineage"] = (restricted["people_lineage"][0], publication._added["people_lineage"])
            publication.publish(built.analytics.values(), restricted.values(), validators=[])
    assert not isinstance(raised.value, PublishRejected)
    after = _published(wh.root)
    assert _equal(before[0], after[0]) and _equal(before[1], after[1]) and before[2] == after[2]
    assert _no_leftovers(wh.root)


def test_published_rows_must_be_the_rows_written(sample, built, tmp_path):
    wh = _copy(sample, tmp_path / "wh")
    before = _published(wh.root)
    with pytest.raises(ValueError, match="other rows"):
        with MartsPublication(wh.root, run_id="other") as publication:
            _stream(built, publication.add_restricted)
            restricted = dict(built.restricted)
            table, frame = restricted["pseudonyms"]
            restricted["pseudonyms"] = (table, frame.head(1))  # not the frame that was written
            publication.publish(built.analytics.values(), restricted.values(), validators=[])
    assert _published(wh.root)[2] == before[2] and _no_leftovers(wh.root)


# --------------------------------------------------------------------------- write_duckdb from a stream

T1 = Table("t1", "first", (Field("k", pl.String, "key", required=True), Field("v", pl.Int64, "value")))
T2 = Table("t2", "second", (Field("k", pl.String, "key", required=True), Field("d", pl.Float64, "number")))


def _frames() -> list[tuple[Table, pl.DataFrame]]:
    n = 300_000
    one = pl.DataFrame({"k": [f"id-{(i * 7919) % n}" for i in range(n)], "v": list(range(n))})
    two = pl.DataFrame({"k": [f"x{i % 1000}" for i in range(n)], "d": [i / 3 for i in range(n)]})
    return [(T1, one), (T2, two), (Table("t3", "third", T1.fields), one.head(10))]


def test_a_stream_of_tables_is_written_in_the_order_given_with_the_frames_rows(tmp_path):
    tables = _frames()
    write_duckdb(tmp_path / "one.duckdb", "s", iter(tables), 0o600, "dictionary")  # a stream, as MartsPublication's
    written = _tables(tmp_path / "one.duckdb")
    assert list(written) == ["s.t1", "s.t2", "s.t3"]  # created in the order given
    for (table, frame), got in zip(tables, written.values(), strict=True):
        assert got.equals(frame), table.name  # rows in the frame's order


def test_a_failing_insert_or_producer_is_raised_after_the_tables_before_it_were_written(tmp_path):
    tables = _frames()
    broken = (tables[1][0], tables[1][1].drop("d"))
    with pytest.raises(ValueError, match="missing columns"):
        write_duckdb(tmp_path / "x.duckdb", "s", [tables[0], broken, tables[2]], 0o600)
    written = _tables(tmp_path / "x.duckdb")  # the file is never swapped in; what it holds says how far it got
    assert written["s.t1"].equals(tables[0][1]) and "s.t3" not in written

    def stream():  # noqa: ANN202 - the producer fails mid-way (MartsPublication's abandoned stream)
        yield tables[0]
        raise RuntimeError("producer failed")

    with pytest.raises(RuntimeError, match="producer failed"):
        write_duckdb(tmp_path / "y.duckdb", "s", stream(), 0o600)
    assert _tables(tmp_path / "y.duckdb")["s.t1"].equals(tables[0][1])


@pytest.mark.parametrize("locked", [PARQUET_DIR, Path(RESTRICTED_FILENAME)])
def test_a_published_mart_that_cannot_be_replaced_keeps_all_three_as_they_were(sample, built, tmp_path, locked):
    """analytics.duckdb, restricted.duckdb and marts/analytics are published together: one that cannot be replaced
    (immutable here; permissions do not stop root) is found before the first swap. Before, analytics.duckdb and
    restricted.duckdb were swapped in and the Parquet folder's rename then failed ('Operation not permitted: ...
    marts/analytics -> ... .analytics.old-<run>'): DuckDB files and Parquet copies of two different runs."""
    import os
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("made unreplaceable with chattr +i, which needs root")
    wh = _copy(sample, tmp_path / "wh")
    before = _published(wh.root)
    marts = built
    if subprocess.run(["chattr", "+i", str(wh.root / locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        with pytest.raises(PermissionError) as caught:
            publish_marts(wh.root, marts.analytics.values(), marts.restricted.values(), run_id="stuck")
    finally:
        subprocess.run(["chattr", "-i", str(wh.root / locked)], check=True)
    assert str(caught.value).startswith("marts not published, the previous ones are left in place: ")
    assert f"{wh.root / locked} (immutable" in str(caught.value)
    after = _published(wh.root)
    assert _equal(before[0], after[0]) and _equal(before[1], after[1]) and before[2] == after[2]
    assert _no_leftovers(wh.root)
