"""What an analyst reads in the marts agrees with the restricted entities and with the columns' descriptions.

Reads the session's sample run (tests/marts_fixture.py's ``sample_marts``: no run of its own).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import schema as S
from pipelines.publish.store import ANALYTICS_FILENAME, RESTRICTED_FILENAME
from tests.marts_fixture import sample_marts


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    with duckdb.connect(str(root / ANALYTICS_FILENAME), read_only=True) as con:
        con.sql(f"ATTACH '{root / RESTRICTED_FILENAME}' AS r (READ_ONLY)")
        yield con


def _field(table: S.Table, name: str) -> S.Field:
    return next(f for f in table.fields if f.name == name)


def test_a_person_linked_to_two_households_is_keyed_to_his_own(marts):
    """A person whose records name two household books is member_of both; marts.people.household_key is the
    household of the person's own book (golden household_no), not the smallest household id. Before, the sample's
    person with books 721022802 (his golden record's, his ward) and 922581270 (another ward) was keyed to the
    latter's household: an analyst counting people per household ward put him in the wrong ward."""
    several = marts.sql(
        "SELECT count(*) FROM (SELECT from_entity_id FROM r.entities.registry_links WHERE link_type = 'member_of' "
        "GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    assert several >= 1, "the sample has no person linked to two households: the test checks nothing"
    wrong = marts.sql(
        """
        WITH own AS (
            SELECT l.from_entity_id AS person_id, min(l.to_entity_id) AS household_id
            FROM r.entities.registry_links l
            JOIN r.entities.people_entities p ON p.entity_id = l.from_entity_id
            JOIN r.entities.households_entities h ON h.entity_id = l.to_entity_id
            WHERE l.link_type = 'member_of' AND h.household_no = p.household_no
            GROUP BY ALL
        )
        SELECT own.person_id, hp.pseudo_key AS expected, m.household_key AS published
        FROM own
        JOIN r.entities.pseudonyms pp ON pp.entity_kind = 'people' AND pp.entity_id = own.person_id
        JOIN r.entities.pseudonyms hp ON hp.entity_kind = 'households' AND hp.entity_id = own.household_id
        JOIN marts.people m ON m.person_key = pp.pseudo_key
        WHERE m.household_key IS DISTINCT FROM hp.pseudo_key
        """
    ).fetchall()
    assert wrong == []
    # every member_of person still has a household key, and only one of his households
    keyed, linked = marts.sql(
        "SELECT (SELECT count(household_key) FROM marts.people), "
        "(SELECT count(DISTINCT from_entity_id) FROM r.entities.registry_links WHERE link_type = 'member_of')"
    ).fetchone()
    assert keyed == linked


def test_household_key_and_linked_people_descriptions_say_how_several_households_count():
    household_key = _field(S.MART_PEOPLE, "household_key").description
    assert "golden household_no" in household_key and "smallest" in household_key
    linked = _field(S.MART_HOUSEHOLDS, "linked_people").description
    assert "counts in each" in linked


def test_under_review_estimated_adds_up_to_the_rows_pending_a_split(marts):
    """ward_summary.under_review_estimated allocates the rows pending a split old unit; it adds up to those rows
    (flow_accounting.pending_split, old_unit_reconciliation.under_review), not to placed + pending entities as its
    description said (the entity measures' text, shared)."""
    estimated, pending, reconciled, entities = marts.sql(
        "SELECT (SELECT sum(under_review_estimated) FROM marts.ward_summary), "
        "(SELECT sum(pending_split) FROM marts.flow_accounting), "
        "(SELECT sum(under_review) FROM marts.old_unit_reconciliation), "
        "(SELECT sum(estimated) FROM marts.city_summary)"
    ).fetchone()
    assert estimated == pending == reconciled > 0
    assert estimated != entities
    description = _field(S.WARD_SUMMARY, "under_review_estimated").description
    assert "city_summary.estimated" not in description and "Placed count" not in description
    assert "flow_accounting.pending_split" in description


def test_the_statistics_export_says_what_under_review_estimated_adds_up_to():
    from pipelines.publish.exports import load_declarations

    summary = next(r for r in load_declarations()["statistics"].resources if r.name == "ward_summary")
    description = next(f for f in summary.fields if f.name == "under_review_estimated").description
    assert "Placed count" not in description and "city_summary" not in description
    assert "each counted once" in description


def test_an_exported_old_unit_says_when_it_is_empty():
    """A clerk finds old_unit_uid empty on rows whose address was written in the 2025 form (238 of the sample's 3,030
    households, 55 + 7 of its 522 taxpayers); the description said only "Old (pre-2025) unit of the address"."""
    from pipelines.publish.exports import load_declarations

    optional = [
        (d.recipient, r.name, f)
        for d in load_declarations().values()
        for r in d.resources
        for f in r.exported
        if f.unit and f.scheme == "pre2025" and not f.required and f.name not in r.primary_key
    ]
    assert optional, "no export has an optional old-unit field: the test checks nothing"
    for recipient, resource, f in optional:
        assert "empty when" in f.description, (recipient, resource, f.name, f.description)


def test_tax_code_kind_says_an_enterprise_code_may_be_a_household_business(marts):
    """tax_code_kind comes from the code's shape: a 10-digit MST is 'enterprise' whoever holds it, and household
    businesses held 10-digit MSTs before July 2025 (in the sample, 242 of the 439 'enterprise' taxpayers file for a
    household business). The description said only 'enterprise, branch, personal_id, invalid or unknown'."""
    household = marts.sql(
        "SELECT count(*) FROM marts.taxpayers t JOIN marts.businesses b USING (business_key) "
        "WHERE t.tax_code_kind = 'enterprise' AND b.business_kind = 'Hộ kinh doanh'"
    ).fetchone()[0]
    assert household > 0
    for table in (S.MART_TAXPAYERS, S.TAXPAYERS_BY_KIND, S.staged_table("tax"), S.staged_table("businesses")):
        assert "household business" in _field(table, "tax_code_kind").description, table.name


def test_every_exported_unit_code_is_declared_a_unit():
    """A field named like a unit code carries ``unit``: its Table Schema then has the code's pattern and the export
    gate checks it against the dimension. The home_affairs crosswalk's ward_code was the plain column new_code: no
    pattern in datapackage.json, no check, though the flows' ward_code beside it had both."""
    from pipelines.publish.exports import load_declarations, table_schema

    named = [
        (d.recipient, r, f)
        for d in load_declarations().values()
        for r in d.resources
        for f in r.exported
        if f.name.endswith(("ward_code", "unit_code", "_uid"))
    ]
    assert len(named) > 10
    for recipient, resource, f in named:
        assert f.unit, (recipient, resource.name, f.name)
        schema = {g["name"]: g for g in table_schema(resource)["fields"]}
        assert "pattern" in schema[f.name].get("constraints", {}), (recipient, resource.name, f.name)


def test_polars_reads_the_ward_code_as_text_the_way_the_readme_says(tmp_path_factory):
    """Polars guesses a hive partition's type from the folder names: ward_summary's new_ward_code (every folder a
    code) became Int64 and its join with dim_ward_2025.code failed (SchemaError); the README gave only DuckDB's
    hive_types. With hive_schema, as the README now says, the 168 wards join."""
    import polars as pl

    root, _ = sample_marts(tmp_path_factory.getbasetemp())
    folder = root / "marts" / "analytics"
    readme = (Path(__file__).resolve().parents[1] / "docs" / "guide" / "querying.md").read_text(encoding="utf-8")
    assert "hive_schema={'new_ward_code'" in readme
    assert pl.read_parquet(folder / "ward_summary").schema["new_ward_code"] == pl.Int64  # the trap
    summary = pl.read_parquet(folder / "ward_summary", hive_schema={"new_ward_code": pl.String})
    wards = pl.read_parquet(folder / "dim_ward_2025.parquet")
    assert summary.join(wards, left_on="new_ward_code", right_on="code").height == 168


@pytest.mark.parametrize("order", ["sorted", "unsorted"])
def test_own_household_of_a_few_frames(order):
    """The lookup behind household_key: own book first, else the smallest id; links sorted (the entity stage's
    order, neighbours compared) or not (a group-by)."""
    from types import SimpleNamespace

    import polars as pl

    from pipelines.publish.marts import _own_household

    links = pl.DataFrame(
        {
            "from_kind": "people",
            "from_entity_id": ["P-1", "P-1", "P-2", "P-2", "P-3"],
            "to_kind": "households",
            "to_entity_id": ["H-1", "H-2", "H-1", "H-3", "H-3"],
            "link_type": "member_of",
        }
    )
    if order == "unsorted":
        links = links.reverse()
    entities = {
        "people": pl.DataFrame({"entity_id": ["P-1", "P-2", "P-3"], "household_no": ["b2", "b9", "b3"]}),
        "households": pl.DataFrame({"entity_id": ["H-1", "H-2", "H-3"], "household_no": ["b1", "b2", "b3"]}),
    }
    got = dict(_own_household(SimpleNamespace(links=links, entities=entities)).iter_rows())
    assert got == {"P-1": "H-2", "P-2": "H-1", "P-3": "H-3"}  # own book; none own: smallest; one link: it


def test_record_flow_candidates_are_what_the_description_says(marts):
    """record_flow.candidates was described as 'Candidate new wards of a split old unit'; on the sample 13,699 merged
    rows carry their one ward there, 2,548 merged rows of split old units every part (their ward among them), and 222
    rows under review whose address did not resolve none."""
    rows = dict(
        marts.sql(
            """
            SELECT CASE
                WHEN candidates IS NULL THEN 'none'
                WHEN len(candidates) = 1 AND candidates[1] = new_uid THEN 'its ward'
                WHEN len(candidates) > 1 AND list_contains(candidates, new_uid) THEN 'parts, its ward among them'
                WHEN len(candidates) > 1 AND new_uid IS NULL THEN 'parts or readings, no ward yet'
                ELSE 'other' END AS what, count(*)
            FROM r.entities.record_flow GROUP BY ALL
            """
        ).fetchall()
    )
    assert "other" not in rows and rows["its ward"] and rows["parts, its ward among them"] and rows["none"]
    description = _field(S.RECORD_FLOW, "candidates").description
    assert "every part of a split old unit" in description and "did not resolve" in description
