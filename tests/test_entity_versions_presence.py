"""A record missing from its source's newest extract (deleted in the old system) stays in its entity, marked: the
lineage says, for every record, the newest extract holding its source record (``last_extract_date``) and whether
that is its source's newest (``in_newest_extract``); the entity marts count such source records
(``records_not_in_newest``) and the earlier versions of a source record (``earlier_versions``), and the report shows
both beside the duplicates merged. Before, nothing marked such a record, and the report did not say how many records
were earlier versions of a source record (pipelines/entities/versions.py, publish/marts.py, report/)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from pipelines.entities.versions import SAME_SOURCE_RECORD, not_in_newest
from pipelines.publish.marts import _source_records
from pipelines.report.inputs import _duplicates_sql
from pipelines.report.page import _versions_cards, duplicates_section
from pipelines.schema import MART_PEOPLE, lineage_table
from tests.test_entity_versions import loads, one_load, resolve_entities_keyed  # noqa: F401 - one_load: a fixture

AUGUST = dt.date(2025, 8, 31)
GONE = ("7", "8")  # keys the newest extract no longer holds


@pytest.fixture(scope="module")
def people(one_load):  # noqa: F811
    """The sample's population_718 as three monthly extracts (June, July, August), keys 7 and 8 not in August's."""
    staged = loads(one_load.head(300), 3)
    staged = staged.filter(~((pl.col("extract_date") == AUGUST) & pl.col("source_key").is_in(GONE)))
    return staged, resolve_entities_keyed(staged)


def test_the_lineage_marks_a_record_missing_from_the_newest_extract(people):
    staged, result = people
    lineage = result.lineage.join(staged.select("record_key", "source_key"), on="record_key")
    gone = lineage.filter(pl.col("source_key").is_in(GONE))
    assert gone.height == 4 and (gone["in_newest_extract"] == False).all()  # noqa: E712 - both versions of each
    assert (gone["last_extract_date"] == dt.date(2025, 7, 31)).all()  # July's: the newest holding the key
    kept = lineage.filter(~pl.col("source_key").is_in(GONE))
    assert kept["in_newest_extract"].all() and (kept["last_extract_date"] == AUGUST).all()
    # July's versions of 7 and 8 are their source records' newest: matched; June's follow them
    assert gone.filter(pl.col("link_evidence") == SAME_SOURCE_RECORD).height == 2
    assert result.stats["not_in_newest_extract"] == 2  # source records, not versions
    assert result.lineage.height == staged.height  # nothing deleted: the entities stay


def test_a_record_keyed_by_row_number_in_an_older_extract_is_unknown(one_load):  # noqa: F811
    from pipelines.entities.resolve import resolve_entities

    staged = loads(one_load.head(50), 2)
    lineage = resolve_entities("people", staged).lineage  # no keyed sources: row numbers name no record
    newest = lineage.filter(pl.col("extract_date") == AUGUST)
    assert newest["in_newest_extract"].all()
    assert lineage.filter(pl.col("extract_date") < AUGUST)["in_newest_extract"].is_null().all()


def test_the_marts_count_earlier_versions_and_records_not_in_the_newest_extract(people):
    staged, result = people
    rows = _source_records(result.entities, result.lineage)
    assert int(rows["earlier_versions"].sum()) == (result.lineage["link_evidence"] == SAME_SOURCE_RECORD).sum()
    assert int(rows["records_not_in_newest"].sum()) == 2
    assert int((rows["record_count"] + rows["earlier_versions"]).sum()) == staged.height
    whole = rows.filter(pl.col("records_not_in_newest") > 0)
    assert (whole["records_not_in_newest"] <= whole["record_count"]).all()


def test_the_report_says_both_beside_the_duplicates(tmp_path, people):
    _, result = people
    rows = _source_records(result.entities, result.lineage).select(
        "record_count", "earlier_versions", "records_not_in_newest"
    )
    with duckdb.connect(str(tmp_path / "a.duckdb")) as con:
        con.sql("CREATE SCHEMA marts")
        con.register("people_rows", rows)
        con.sql("CREATE TABLE marts.people AS SELECT * FROM people_rows")
        for kind in ("households", "businesses", "taxpayers"):  # published before the columns were counted
            con.sql(f"CREATE TABLE marts.{kind} (record_count UINTEGER)")
        dup = con.sql(_duplicates_sql(con)).pl()
    people_row = dup.filter(pl.col("kind") == "people").row(0, named=True)
    earlier = int((result.lineage["link_evidence"] == SAME_SOURCE_RECORD).sum())
    assert (people_row["earlier_versions"], people_row["not_in_newest"]) == (earlier, 2)
    assert dup.filter(pl.col("kind") != "people")["earlier_versions"].is_null().all()  # said as unknown, not 0
    cards = _versions_cards(dup)
    assert f'data-measure="earlier_versions" data-value="{earlier}"' in cards
    assert 'data-measure="not_in_newest" data-value="2"' in cards
    from pipelines.report.inputs import ReportInputs

    section = duplicates_section(
        ReportInputs(
            wards=pl.DataFrame(),
            flows=pl.DataFrame(),
            reconciliation=pl.DataFrame(),
            accounting=pl.DataFrame(),
            duplicates=dup,
            gates=None,
            queue=None,
        )
    )
    assert f'data-earlier-versions="{earlier}"' in section and 'data-not-in-newest="2"' in section
    assert 'data-earlier-versions="">–' in section  # a mart without the column: not a zero


def test_the_columns_are_declared():
    lineage = {f.name: f for f in lineage_table("people").fields}
    assert lineage["last_extract_date"].dtype == pl.Date and lineage["in_newest_extract"].dtype == pl.Boolean
    assert {"earlier_versions", "records_not_in_newest"} <= set(MART_PEOPLE.columns)


def test_a_repeated_key_whose_row_changed_is_unknown_not_missing(one_load):  # noqa: F811
    """A key several rows of an extract hold names its records by their content: a row whose value changed in the
    newest extract, or a key held once before and repeated now, may be any of the newest extract's rows of that key,
    so it is unknown (null), not missing (False: it said the person was deleted in the old system, and counted them in
    marts records_not_in_newest). A repeated key gone from the newest extract is missing."""
    from pipelines.entities.versions import split_versions
    from tests.test_entity_versions import KEYED
    from tests.test_entity_versions_reused_key import _with_repeated_key

    other = {"full_name": "Lý Thị Hồng Nhung", "date_of_birth": dt.date(1961, 3, 3), "personal_id": "079161000123"}
    both, key = _with_repeated_key(one_load.head(200), other)
    staged = loads(both, 2)
    july = pl.col("extract_date") < AUGUST
    second = pl.col("record_key").str.ends_with("~2")
    # August: the second person of the repeated key has a new phone number (still in the newest extract)
    changed = staged.with_columns(
        pl.when(~july & second).then(pl.lit("0909999999")).otherwise(pl.col("phone")).alias("phone")
    )
    # and a key held once in July (no flag), repeated in August: July's row another phone number
    once = changed.filter(~(july & second)).with_columns(
        pl.when(july & (pl.col("source_key") == key)).then(None).otherwise(pl.col("issues")).alias("issues"),
        pl.when(july & (pl.col("source_key") == key)).then(pl.lit("0911111111")).otherwise("phone").alias("phone"),
    )
    # and a repeated key no row of August holds
    gone = staged.filter(~(~july & (pl.col("source_key") == key)))

    def presence(frame: pl.DataFrame) -> dict:
        rows = split_versions(frame, KEYED, registry="population").presence.join(
            frame.select("record_key", "source_key"), on="record_key"
        )
        return dict(rows.filter(pl.col("source_key") == key).select("record_key", "in_newest_extract").iter_rows())

    row = f"population_718@2025-07-31#{key}"
    assert presence(changed) == {row: True, row + "~2": None, f"{row.replace('07-31', '08-31')}": True} | {
        f"{row.replace('07-31', '08-31')}~2": True
    }  # the July row of the second person was False
    assert presence(once)[row] is None  # was False: July's key 'K', August's 'K' + each row's content
    assert presence(gone) == {row: False, row + "~2": False}


def test_not_in_newest_counts_the_missing_records_but_earlier_versions():
    """Records missing from their source's newest extract (False; null is unknown, not missing), an earlier version's
    row (SAME_SOURCE_RECORD) not counted again; a lineage of none missing reads no evidence (it counts 0)."""
    present = [True, False, None]
    evidence = [SAME_SOURCE_RECORD, None, "code=exact", ""]
    rows = [(p, e) for p in present for e in evidence]
    lineage = pl.DataFrame(rows, schema={"in_newest_extract": pl.Boolean, "link_evidence": pl.String}, orient="row")
    assert not_in_newest(lineage) == 3  # False with no evidence, other evidence, empty evidence
    assert not_in_newest(lineage.filter(pl.col("in_newest_extract").fill_null(True))) == 0
    assert not_in_newest(lineage.clear()) == 0
