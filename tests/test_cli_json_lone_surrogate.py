"""A JSON string holding half of a character: a lone UTF-16 surrogate escape ('\\ud83d' without its pair: a system that
cut a name at a fixed number of UTF-16 units, inside an emoji). json.loads reads it as a lone surrogate, which Polars
cannot hold: `wardbridge resolve`/`match` stopped with a traceback (UnicodeEncodeError). The file is refused (exit 1)
naming the object or line and the key, never the value; a surrogate pair (one character) reads as before."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)]
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (
            "a.json",
            '[{"id": "1", "dia_chi": "Phường 5, Quận 3"},\n {"id": "2", "dia_chi": "Ph\\ud800ường 6"}]',
            "JSON object 2",
        ),
        (
            "b.jsonl",
            '{"id": "1", "dia_chi": "Phường 5"}\n{"id": "2", "ghi_chu": {"x": ["\\uDC00"]}, "dia_chi": "Q3"}\n',
            "line 2",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_naming_where(tmp_path, name, text, where):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = _resolve(source, tmp_path / "out.csv")
    assert result.exit_code == 1 and not isinstance(result.exception, UnicodeError), result.output
    key = "dia_chi" if name == "a.json" else "ghi_chu"
    assert f"{where}: key {key!r} holds half of a character" in result.output, result.output
    assert "Phường 6" not in result.output and "ường" not in result.output


def test_a_surrogate_pair_is_one_character(tmp_path):
    source = tmp_path / "pair.json"
    source.write_text('[{"id": "1", "dia_chi": "Phường 5, Quận 3 \\ud83d\\ude00"}]', encoding="utf-8")
    result = _resolve(source, tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    assert pl.read_csv(tmp_path / "out.csv", infer_schema=False)["dia_chi"][0].endswith("\U0001f600")


def test_ingestion_quarantines_the_line_not_a_nul(tmp_path):
    """Polars' JSON lines reader read a lone surrogate as a NUL: raw held '\\x00' for the source's text and staging
    counted a 'nul_removed' repair. The line is quarantined, its reason naming the key, the other lines read."""
    import json as _json

    from tests.test_bad_inputs import HEADER, ROWS, _ingest

    lines = [_json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    lines[1] = lines[1].replace("Bình", "B\\ud800ình")
    result = _ingest(tmp_path, "jsonl", "s.jsonl", ("\n".join(lines) + "\n").encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "3"]
    (reason,) = result.quarantine["reason"]
    assert reason.startswith("line 2: key 'ten_chu_ho' holds half of a character"), reason
    assert result.staged["text_repairs"].null_count() == 2  # no 'nul_removed'


def test_a_key_that_looks_like_a_value_is_not_shown(tmp_path):
    """HV4: the message named the top-level key as written, also where it looks like a value (an object keyed by
    IDs): {"079123456789": "ab\\ud800"} said "key '079123456789' holds half of a character". Such a key is not
    shown, as in the other JSON key messages (json_keys.VALUE_LIKE / NOT_SHOWN); a field name still is."""
    import json as _json

    from tests.test_bad_inputs import HEADER, ROWS, _ingest

    source = tmp_path / "s.jsonl"
    source.write_text('{"id": "1", "dia_chi": "Phường 5, Quận 3", "079123456789": "ab\\ud800"}\n', encoding="utf-8")
    result = _resolve(source, tmp_path / "out.csv")
    assert result.exit_code == 1 and not isinstance(result.exception, UnicodeError), result.output
    assert "line 1: key <a key like a value: not shown> holds half of a character" in result.output, result.output
    assert "079123456789" not in result.output and "0791234" not in result.output, result.output

    lines = [_json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    lines[1] = lines[1][:-1] + ', "079123456789": "ab\\ud800"}'
    ingested = _ingest(tmp_path, "jsonl", "i.jsonl", ("\n".join(lines) + "\n").encode())
    assert ingested.state == "ok", ingested.cause
    (reason,) = ingested.quarantine["reason"]
    assert reason.startswith("line 2: key <a key like a value: not shown> holds half of a character"), reason
    assert "0791234" not in reason, reason
