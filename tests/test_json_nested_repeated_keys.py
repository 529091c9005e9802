"""A key repeated inside a nested JSON object ({"ho": {"ten": "A", "ten": "B"}}) was said by neither reader with its
place: ingestion (readers._read_jsonl) quarantined the line naming the bare key ('ten', not where it is), and
`wardbridge resolve` (pipelines.reading.json_file.read_json) wrote the nested object's JSON text with the last value only, silently
(json.loads keeps one). Now both name the record and the key path ("'ho' > 'ten'", "'members' > item 2 > 'ten'"),
never a value; the CLI's column keeps every value as written."""

from __future__ import annotations

import json

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"
NESTED = '{"ten": "Lan", "ten": "Hoa"}'
PERSONAL = ["Lan", "Hoa", "Nguyễn Văn An"]


def _lines() -> list[str]:
    plain = {"ma": "1", "ho_ten": "Nguyễn Văn An", "ns": "01/02/1980", "dia_chi": ADDRESS}
    return [
        json.dumps({**plain, "ho": {"ten": "Mai"}}, ensure_ascii=False),
        json.dumps({**plain, "ma": "2"}, ensure_ascii=False)[:-1] + f', "ho": {NESTED}}}',
        json.dumps({**plain, "ma": "3"}, ensure_ascii=False)[:-1] + f', "tv": [{{"ten": "Mai"}}, {NESTED}]}}',
    ]


def _ingested(tmp_path, lines: list[str]):
    """The lines as a population JSON-lines extract, through ingestion (raw -> staged + quarantine)."""
    from tests.test_row_contracts import _load

    (tmp_path / "n.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = {"ma": None, "ho_ten": "full_name", "ns": "date_of_birth", "dia_chi": "address"}
    return _load(tmp_path, "population", "jsonl", "n.jsonl", columns, key_column="ma")


def _resolved(source, out):
    """`wardbridge resolve` on a JSON file's dia_chi column; the CLI's result (exit code 0 checked by the caller)."""
    return CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)], catch_exceptions=False
    )


def test_ingestion_names_the_key_path_of_a_nested_repeat(tmp_path):
    loaded = _ingested(tmp_path, _lines())
    problems = dict(
        loaded.frame.filter(pl.col("read_problem").is_not_null()).select("source_key", "read_problem").iter_rows()
    )
    assert problems == {
        "line:2": "line 2: key 'ho' > 'ten' more than once (which value is meant is unknown)",
        "line:3": "line 3: key 'tv' > item 2 > 'ten' more than once (which value is meant is unknown)",
    }, problems


def test_ingestion_still_names_a_top_level_repeat_by_its_key(tmp_path):
    line = '{"ma": "1", "ho_ten": "A", "ho_ten": "B", "ns": "01/02/1980", "dia_chi": "x", "ho": {"ten": "Mai"}}'
    loaded = _ingested(tmp_path, [line])
    assert loaded.frame["read_problem"].to_list() == [
        "line 1: key 'ho_ten' more than once (which value is meant is unknown)"
    ]


def test_the_cli_says_a_nested_repeat_and_keeps_every_value(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    source.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    result = _resolved(source, out)
    assert result.exit_code == 0, result.output
    said = result.output
    assert "in.jsonl: column 'ho': 1 object names key 'ho' > 'ten' more than once (line 2)" in said, said
    assert "in.jsonl: column 'tv': 1 object names key 'tv' > item 2 > 'ten' more than once (line 3)" in said, said
    assert not [v for v in PERSONAL if v in said], said
    written = pl.read_csv(out, infer_schema=False)
    assert written["ho"].to_list() == ['{"ten": "Mai"}', NESTED, None], written
    assert written["tv"].to_list()[2] == f'[{{"ten": "Mai"}}, {NESTED}]', written


def test_the_cli_names_a_nested_repeat_in_an_array_by_object_number(tmp_path):
    source, out = tmp_path / "in.json", tmp_path / "out.csv"
    source.write_text("[" + ",\n".join(_lines()) + "]", encoding="utf-8")
    result = _resolved(source, out)
    assert result.exit_code == 0, result.output
    assert "column 'ho': 1 object names key 'ho' > 'ten' more than once (JSON object 2)" in result.output


def test_lines_repeating_keys_beside_a_line_that_is_not_json_are_quarantined_not_called_no_object(tmp_path):
    """HV3: one line not JSON and the others objects repeating a key said 'none of its 2 lines is a JSON object'."""
    lines = ["not json", '{"ma": "1", "ho_ten": "A", "ho_ten": "B", "ns": "01/02/1980", "dia_chi": "x"}']
    loaded = _ingested(tmp_path, lines)
    reasons = dict(loaded.frame.select("source_key", "read_problem").iter_rows())
    assert reasons["line:2"] == "line 2: key 'ho_ten' more than once (which value is meant is unknown)", reasons
    assert reasons["line:1"].startswith("line 1 is not a JSON object"), reasons


def test_a_key_that_looks_like_a_value_is_not_shown(tmp_path):
    """HV3: an object keyed by IDs ({"ho": {"079085001234": "a", "079085001234": "b"}}) named the ID in the key path,
    on stderr and in ingestion's quarantine reason."""
    nested = '"ho": {"079085001234": "a", "079085001234": "b"}'
    top = '"079085009999": "a", "079085009999": "b"'
    lines = [
        f'{{"ma": "1", "ho_ten": "An", "ns": "01/02/1980", "dia_chi": "x", {nested}}}',
        f'{{"ma": "2", "ho_ten": "An", "ns": "01/02/1980", "dia_chi": "x", {top}}}',
        '{"ma": "3", "ho_ten": "An", "ns": "01/02/1980", "dia_chi": "x"}',
    ]
    loaded = _ingested(tmp_path, lines)
    reasons = " ".join(loaded.frame["read_problem"].drop_nulls().to_list())
    assert "'ho' > <a key like a value: not shown> more than once" in reasons, reasons
    assert "line 2: key <a key like a value: not shown> more than once" in reasons, reasons
    assert "0790850" not in reasons, reasons
    out = tmp_path / "o.csv"
    done = _resolved(tmp_path / "n.jsonl", out)
    assert done.exit_code == 0, done.output
    assert "names key 'ho' > <a key like a value: not shown> more than once (line 1)" in done.output, done.output
    assert "0790850" not in done.output, done.output


def test_a_nested_key_that_is_not_a_field_name_is_not_shown(tmp_path):
    """HV4: a nested object keyed by NAMES ({"members": {"Nguyễn Văn An": ..., "Nguyễn Văn An": ...}}) printed the
    name in the key path, on stderr and in ingestion's quarantine reason (VALUE_LIKE hides numbers and dates only).
    Below the top level a key is shown only if it looks like a field name (ASCII letters, digits, '_')."""
    names = '"members": {"Nguyễn Văn An": "chủ hộ", "Nguyễn Văn An": "con", "ho ten": "x", "ho ten": "y"}'
    lines = [
        f'{{"ma": "1", "ho_ten": "An", "ns": "01/02/1980", "dia_chi": "x", {names}}}',
        '{"ma": "2", "ho_ten": "An", "ns": "01/02/1980", "dia_chi": "x", "ho": {"ten_2": "a", "ten_2": "b"}}',
    ]
    loaded = _ingested(tmp_path, lines)
    reasons = dict(loaded.frame.select("source_key", "read_problem").iter_rows())
    assert reasons["line:1"] == (
        "line 1: key 'members' > <a key like a value: not shown> more than once (which value is meant is unknown)"
    ), reasons
    assert reasons["line:2"] == "line 2: key 'ho' > 'ten_2' more than once (which value is meant is unknown)"
    out = tmp_path / "o.csv"
    done = _resolved(tmp_path / "n.jsonl", out)
    assert done.exit_code == 0, done.output
    said = done.output
    assert "names key 'members' > <a key like a value: not shown> more than once (line 1)" in said, said
    assert "names key 'ho' > 'ten_2' more than once (line 2)" in said, said
    for value in ("Nguyễn", "Văn An", "ho ten"):
        assert value not in said and value not in " ".join(reasons.values()), (value, said, reasons)
