"""Every ```sql example of the README's "Querying the marts" section runs on the sample's marts and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.store import ANALYTICS_FILENAME
from tests.marts_fixture import sample_marts

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Querying the marts"


def readme_sql() -> list[str]:
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)


def test_the_section_has_a_dozen_examples():
    assert len(readme_sql()) >= 12


@pytest.fixture(scope="module")
def analytics(tmp_path_factory):
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    with duckdb.connect(str(root / ANALYTICS_FILENAME), read_only=True) as con:
        yield con


@pytest.mark.parametrize("sql", readme_sql(), ids=lambda s: s.strip().splitlines()[0][:60])
def test_readme_example_returns_rows(analytics, sql):
    rows = analytics.sql(sql).fetchall()
    assert rows, "the example returns no rows on the sample marts"
