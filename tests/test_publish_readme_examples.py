"""The SQL of the README and its guide pages (docs/guide/, the README's sections until HV36) outside the ```sql blocks
runs too: the ``.sql("...")`` calls of their Python snippets and the ``SELECT ...`` written inline
(tests/test_readme_sql.py runs the ```sql blocks of "Querying the marts").

Each statement runs on the sample warehouse (the marts fixture plus the review job, for ``review.queue_totals``),
``warehouse/`` replaced by that warehouse's path, against the file its snippet connects to (an in-memory DuckDB for
``read_parquet`` over the marts' Parquet copies), and must return rows. The Python block of "Querying the marts"
runs as written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import defs
from assets.resources import WarehouseResource
from tests.marts_fixture import sample_marts

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
GUIDE = sorted((REPO / "docs" / "guide").glob("*.md"))  # the README's sections until HV36
QUERYING = REPO / "docs" / "guide" / "querying.md"
INLINE_SELECT = re.compile(r"`(?P<sql>SELECT [^`]+)`")


def _snippets() -> list[tuple[str | None, str]]:
    """(database file or None, statement) of every SQL written outside ```sql blocks."""
    text = "\n".join(page.read_text(encoding="utf-8") for page in (README, *GUIDE))
    text = re.sub(r"```sql\n.*?```", "", text, flags=re.DOTALL)
    out = []
    for block in re.split(r"\n(?=```)", text):
        db = None
        for line in block.splitlines():
            if m := re.search(r"""connect\((["'])warehouse/([\w.]+)\1""", line):
                db = m.group(2)
            for call in re.finditer(r"""\.sql\((["'])(.+?)\1\)""", line):
                out.append((db, call.group(2)))
            for inline in INLINE_SELECT.finditer(line):
                out.append((None, inline.group("sql")))
    return out


SNIPPETS = _snippets()


def test_the_readme_sql_outside_sql_blocks_is_found():
    statements = [s for _, s in SNIPPETS]
    assert len(statements) >= 5, statements
    assert any("read_parquet('warehouse/marts/analytics/ward_summary" in s for s in statements)
    assert any(s == "FROM review.queue_totals" for s in statements)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("readme") / "wh"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("exports"))
    result = defs.resolve_job_def("wardbridge_review").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(root))},
        raise_on_error=False,
    )
    assert result.success
    return root


@pytest.mark.parametrize(("db", "sql"), SNIPPETS, ids=[s[:50] for _, s in SNIPPETS])
def test_readme_statement_returns_rows(warehouse, db, sql):
    statement = sql.replace("'warehouse/", f"'{warehouse}/")
    if db is None and "read_parquet" not in statement:
        # an inline SELECT without a file is about the marts, or the warehouse's layer views (raw, staged, quarantine)
        layer = re.search(r"\b(raw|staged|quarantine)\.", statement)
        db = "wardbridge.duckdb" if layer else "analytics.duckdb"
    with duckdb.connect(str(warehouse / db) if db else ":memory:", read_only=bool(db)) as con:
        if db == "wardbridge.duckdb":  # its views name their files relative to the warehouse folder
            con.execute(f"SET file_search_path = '{warehouse}'")
        assert con.sql(statement).fetchall(), f"no rows: {sql}"


def test_the_python_block_of_querying_the_marts_runs(warehouse, capsys):
    section = QUERYING.read_text(encoding="utf-8")
    assert section.startswith("# Querying the marts\n")
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks
    for code in blocks:
        exec(compile(code.replace('"warehouse/', f'"{warehouse}/'), "querying.md", "exec"), {})  # noqa: S102
    assert "new_uid" in capsys.readouterr().out
