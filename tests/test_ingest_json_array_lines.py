"""A JSON array written one object per line in a jsonl source (HR1, session 64): its first and last objects are read
as the lines between them are."""

from __future__ import annotations

import json

import pytest

from tests.test_bad_inputs import COLUMNS, HEADER, ROWS, _ingest, _quarantined


def _objects() -> list[str]:
    return [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]


@pytest.mark.parametrize(
    "text",
    [
        lambda lines: "[" + ",\n".join(lines) + "]\n",  # brackets on the first and last objects' lines
        lambda lines: "[\n" + ",\n".join(lines) + "\n]\n",  # brackets on lines of their own
        lambda lines: "[ " + ",\n  ".join(lines) + " ]",  # spaces, no line end after the last
    ],
)
def test_every_object_of_an_array_written_one_per_line_is_read(tmp_path, text):
    """At 1f85827 the first line ('[{...},') and the last ('{...}]') were quarantined 'line 1 is not a JSON object:
    Expecting ',' delimiter ...' (the test fails there: keys 1 and 3 not staged); a '[' or ']' on a line of its own was
    a raw row quarantined too."""
    result = _ingest(tmp_path, "jsonl", "array.jsonl", text(_objects()).encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert not _quarantined(result) and result.raw.height == 3


def test_a_json_array_on_one_line_or_pretty_printed_is_still_refused_as_a_json_document(tmp_path):
    for name, text in [
        ("one.jsonl", "[" + ",".join(_objects()) + "]"),
        ("pretty.jsonl", json.dumps([1, {"a": 2}], indent=2)),
    ]:
        result = _ingest(tmp_path, "jsonl", name, text.encode())
        assert result.state == "failed" and "the file is one JSON array" in result.cause, result.cause


def test_an_array_whose_closing_bracket_never_comes_is_read_and_said(tmp_path, caplog):
    """'[{...},' ... '{...},' and the file ends: cut off after a whole line, the objects after it never arrived. At
    1f85827 nothing said so (the first object was quarantined, the rest staged); now every object is read and the
    partition's note and a warning of the ingest step say the array is never closed (the test fails there)."""
    from tests.ingesthelpers import ingest_note

    (tmp_path / "cut.jsonl").write_text("[" + ",\n".join(_objects()) + ",\n", encoding="utf-8")
    catalogue = tmp_path / "cut.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "cut"\nregistry = "households"\nformat = "jsonl"\n'
        'path = "cut.jsonl"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    note, warnings = ingest_note(tmp_path / "wh", "households", catalogue, caplog)
    assert note.startswith("cut@2025-08-31: 3 raw -> 3 staged + 0 quarantined"), note
    said = "its JSON array is never closed (no ']' after its last object, line 3)"
    assert said in note and any(said in w for w in warnings), (note, warnings)
