"""marts_gates re-run alone (assets/publish.py) runs the cross-table gates build_marts runs before publishing:
city totals equal across the marts (``city_total_problems``) and each detail mart adding up per ward to
ward_summary (``detail_ward_problems``). A published mart tampered so that only one of them can tell fails."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assets.publish import published_gate_problems
from tests.marts_fixture import sample_marts
from tests.warehouse_parts import copy_parts


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    return source


def _copy(published: Path, tmp_path: Path) -> Path:
    """The published marts and the layers they are accounted against (tests/warehouse_parts.py)."""
    return copy_parts(published, tmp_path / "wh")


def _tamper(root: Path, sql: str) -> None:
    with duckdb.connect(str(root / "analytics.duckdb")) as con:
        con.execute(sql)


def test_published_marts_pass_the_cross_table_gates(published, tmp_path):
    problems, checked = published_gate_problems(_copy(published, tmp_path))
    assert problems == []
    assert checked > 0


def test_rerun_fails_when_the_city_totals_disagree(published, tmp_path):
    root = _copy(published, tmp_path)
    # one more unplaced person in the city summary than marts.people holds: every value stays valid on its own
    _tamper(
        root,
        "UPDATE marts.city_summary SET unplaced = unplaced + 1, entities = entities + 1 WHERE entity_kind = 'people'",
    )
    problems, _ = published_gate_problems(root)
    assert any(p.startswith("city_total_people_entities") for p in problems), problems
    assert any(p.startswith("city_total_people_unplaced") for p in problems), problems


def test_rerun_fails_when_a_detail_mart_does_not_add_up_to_its_ward(published, tmp_path):
    root = _copy(published, tmp_path)
    with duckdb.connect(str(root / "analytics.duckdb")) as con:
        ward = con.sql("SELECT min(new_uid) FROM marts.population_by_sex_age WHERE people > 0").fetchone()[0]
    # one more person in one cell of one ward: that ward's cells no longer add up to its ward_summary figure
    _tamper(
        root,
        "UPDATE marts.population_by_sex_age SET people = people + 1, people_estimated = people_estimated + 1 "
        "WHERE rowid = (SELECT rowid FROM marts.population_by_sex_age "
        f"WHERE new_uid = '{ward}' ORDER BY sex, age_band LIMIT 1)",
    )
    problems, _ = published_gate_problems(root)
    assert any(p.startswith("ward_total_population_by_sex_age_people:") for p in problems), problems
    assert any(ward in p for p in problems if p.startswith("ward_total_population_by_sex_age_people:")), problems


def test_rerun_names_a_renamed_mart_column_instead_of_crashing(published, tmp_path):
    """A published mart lacking a declared column (renamed in analytics.duckdb): the gate says which column; the
    cross-table gates, which read it, used to end the check with Polars' ColumnNotFoundError instead."""
    root = _copy(published, tmp_path)
    _tamper(root, "ALTER TABLE marts.ward_summary RENAME COLUMN people TO persons")
    problems, _ = published_gate_problems(root)
    text = "\n".join(problems)
    assert "expect_column_to_exist(people)" in text, problems
    assert "no_undeclared_columns(persons)" in text, problems


def test_row_accounting_rerun_names_renamed_columns_instead_of_crashing(published, tmp_path):
    """row_accounting re-run alone on a published record flow / flow_accounting lacking a column: DuckDB's
    BinderException or Polars' ColumnNotFoundError ended the check run (and marts_gates with it), naming no table."""
    from assets.publish import published_accounting_problems
    from pipelines.warehouse import Warehouse

    root = _copy(published, tmp_path)
    _tamper(root, "ALTER TABLE marts.flow_accounting RENAME COLUMN merged TO merged_old")
    with duckdb.connect(str(root / "restricted.duckdb")) as con:
        con.execute("ALTER TABLE entities.record_flow RENAME COLUMN state TO status")
    problems = published_accounting_problems(Warehouse(root))
    assert "restricted.duckdb: entities.record_flow lacks column(s) ['state'] (renamed or dropped?)" in problems
    assert "analytics.duckdb: marts.flow_accounting lacks column(s) ['merged'] (renamed or dropped?)" in problems
