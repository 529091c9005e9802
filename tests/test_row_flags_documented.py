"""Every flag the readers and raw.load_raw write in row_flags is described in the raw tables' row_flags column (and
so in docs/tables.md): 'excel_error:F1,F2' (23eb54a) and 'decoded:F=enc' were written but not described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.ingest import raw
from pipelines.ingest.readers import CUT_OFF_FLAG, DELETED_FLAG, EXCEL_ERROR_FLAG, HEADER_FLAG
from pipelines.schema import raw_table

WRITTEN = (
    "key_synthetic",
    "overflow:",
    "short:",
    "numeric:",
    "key_repeated",
    "decoded:",
    f"{EXCEL_ERROR_FLAG}:",
    DELETED_FLAG,
    CUT_OFF_FLAG,
    HEADER_FLAG,
)


def _description(registry: str) -> str:
    return {f.name: f for f in raw_table(registry).fields}["row_flags"].description


@pytest.mark.parametrize("flag", WRITTEN)
def test_each_flag_written_is_described(flag):
    assert flag in _description("population"), f"row_flags' description does not name {flag!r}"


def test_the_list_holds_every_flag_raw_py_writes():
    """The flags raw.py itself formats ('name:{}' or a literal 'name') are all in WRITTEN: a new one fails here."""
    source = Path(raw.__file__).read_text(encoding="utf-8")
    formatted = set(re.findall(r'format\("([a-z_]+:)\{\}"', source))
    formatted |= set(re.findall(r'pl\.lit\("([a-z_]+)"\)[)\]]', source))
    assert {"overflow:", "key_synthetic", "key_repeated"} <= formatted, "the pattern no longer fits raw.py"
    assert formatted <= set(WRITTEN), sorted(formatted - set(WRITTEN))
