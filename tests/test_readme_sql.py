"""Every ```sql example of "Querying the marts" (docs/guide/querying.md, the README's section until HV36) runs on the
sample's marts and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.store import ANALYTICS_FILENAME
from tests.marts_fixture import sample_marts

PAGE = Path(__file__).resolve().parents[1] / "docs" / "guide" / "querying.md"
SECTION = "# Querying the marts"


def readme_sql() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    assert text.startswith(SECTION + "\n"), f"{PAGE.name} is not the section {SECTION!r}"
    return re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)


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
