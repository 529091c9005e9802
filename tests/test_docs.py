from pipelines.docs import DOC_PATH, tables_markdown
from pipelines.schema import REFERENCE_TABLES


def test_table_docs_are_generated_from_the_schema_and_up_to_date():
    text = DOC_PATH.read_text(encoding="utf-8")
    assert text == tables_markdown(), "docs/tables.md is stale: run `uv run python -m pipelines.docs`"
    for table in REFERENCE_TABLES:
        for field in table.fields:
            assert f"`{field.name}`" in text
