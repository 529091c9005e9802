"""A JSON number no float or integer holds. `wardbridge resolve`/`match` read every JSON value as text; 1e400 (beyond
a float) was read as infinity and written 'Infinity' (no JSON: a reader of a nested value's JSON text chokes on it,
and the number written is not the file's), and an integer over 4,300 digits stopped the read with a ValueError
traceback (Python's limit on integer conversion). Both are kept as written, as text; a nested value holding one keeps
it as an unquoted number, so its JSON text stays JSON."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main

LONG = "9" * 5000


def _no_constants(name: str) -> None:
    raise ValueError(f"not JSON: {name}")


@pytest.mark.parametrize("form", ["jsonl", "json"])
def test_numbers_no_float_or_int_holds_are_kept_as_written(tmp_path, form):
    rows = [
        f'{{"id": "1", "dia_chi": "Phường 5, Quận 3", "so": 1e400, "ds": [1e400, -2E+999, 2.5], "dai": {LONG}}}',
        '{"id": "2", "dia_chi": "Phường 6, Quận 3", "so": -1e400, "ds": {"a": 0.5}, "dai": 7}',
    ]
    source = tmp_path / f"in.{form}"
    source.write_text("\n".join(rows) + "\n" if form == "jsonl" else "[" + ",\n".join(rows) + "]", encoding="utf-8")
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(main, ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)])
    assert result.exit_code == 0 and result.exception is None, (result.output, result.exception)
    frame = pl.read_parquet(out)
    assert frame["so"].to_list() == ["1e400", "-1e400"]
    assert frame["ds"].to_list() == ["[1e400, -2E+999, 2.5]", '{"a": 0.5}']
    assert frame["dai"].to_list() == [LONG, "7"]
    for text in frame["ds"]:
        json.loads(text, parse_constant=_no_constants)  # JSON: no Infinity
    assert "Infinity" not in out.read_bytes().decode("utf-8", "replace")


def test_ingestion_keeps_them_as_written_in_a_nested_value_too(tmp_path):
    """Ingestion's JSON lines reader kept a top-level 1e400 as written already; inside a list or object it wrote the
    nested value's text with 'Infinity' (no JSON) into raw."""
    from tests.test_bad_inputs import HEADER, ROWS, _ingest

    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    lines[0] = lines[0][:-1] + ', "so": 1e400, "ds": [1e400, -2E+999, 2.5], "ct": {"x": -1e400}}'
    result = _ingest(tmp_path, "jsonl", "s.jsonl", ("\n".join(lines) + "\n").encode())
    assert result.state == "ok", result.cause
    row = json.loads(result.raw.filter(pl.col("source_key") == ROWS[0][0])["extra_columns"][0])  # the unmapped keys
    assert (row["so"], row["ds"], row["ct"]) == ("1e400", "[1e400, -2E+999, 2.5]", '{"x": -1e400}')
    for text in (row["ds"], row["ct"]):
        json.loads(text, parse_constant=_no_constants)
