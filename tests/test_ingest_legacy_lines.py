"""A UTF-8 file with a few lines in a legacy encoding (an old program appended its rows in Windows-1258, VNI or TCVN3).
Before, those lines were quarantined ('line 5 is not valid utf-8') and a ward official had to retype them. Now a line
that is not valid UTF-8 is read in the legacy encoding found on the file's undecodable lines, when that encoding and
no other reads it as clean Vietnamese (encodings.certain_legacy_reading: every non-ASCII word a Vietnamese syllable,
no stray symbol, a frequent syllable among them) and when the file's own UTF-8 lines outnumber such lines (it is a
UTF-8 file). Each line so read is reported ('lines 5, 6 decoded as cp1258') in the partition's note and a warning,
counted in the encoding ('utf-8 (1 line(s) cp1258)'), and its row carries row_flags 'decoded:...' and staged
text_repairs '<field>:cp1258', as a SQLite cell read in a legacy encoding does. A line no encoding reads for certain
(damaged bytes, a UTF-8 letter cut, too few letters to tell VNI from Windows-1258) is quarantined as before: no
silent mojibake."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipelines.encodings import LEGACY, LEGACY_CODECS
from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest, _quarantined

APPENDED = ["4", "HK004", "Lê Văn Dũng", "079088005556", "9 Pasteur, Phường Bến Thành, Quận 1", "2", "01/01/2020"]
MORE = ["5", "HK005", "Phạm Thị Hương", "079190006666", "3 Nguyễn Huệ, Phường Bến Nghé, Quận 1", "1", "02/02/2021"]


def _legacy(row: list[str], encoding: str) -> bytes:
    return LEGACY_CODECS[encoding].encode(_csv([row]).split("\n", 1)[1])


@pytest.mark.parametrize("encoding", LEGACY)
def test_legacy_lines_of_a_utf8_csv_are_read_in_their_encoding_and_said(tmp_path, encoding):
    data = _csv(ROWS).encode() + _legacy(APPENDED, encoding) + _legacy(MORE, encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = _ingest(tmp_path, "csv", "mixed.csv", data)
    assert result.state == "ok", result.cause
    assert result.quarantine.height == 0, _quarantined(result)
    names = dict(zip(result.staged["source_key"], result.staged["head_name"], strict=True))
    assert names == {r[0]: r[2] for r in [*ROWS, APPENDED, MORE]}, names
    addresses = dict(zip(result.raw["source_key"], result.raw["address"], strict=True))
    assert addresses["4"] == APPENDED[4] and addresses["5"] == MORE[4]
    flags = dict(zip(result.raw["source_key"], result.raw["row_flags"], strict=True))
    assert flags["1"] is None or "decoded" not in flags["1"]
    assert f"head_name={encoding}" in flags["4"] and f"address={encoding}" in flags["4"], flags["4"]
    repairs = dict(zip(result.staged["source_key"], result.staged["text_repairs"], strict=True))
    assert f"head_name:{encoding}" in repairs["5"] and repairs["1"] is None, repairs


def test_the_note_and_a_warning_say_each_line_decoded(tmp_path, caplog):
    from tests.ingesthelpers import ingest_note

    (tmp_path / "m.csv").write_bytes(_csv(ROWS).encode() + _legacy(APPENDED, "cp1258") + _legacy(MORE, "cp1258"))
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "m"\nregistry = "households"\nformat = "csv"\n'
        'path = "m.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in zip(HEADER[1:], ["household_no", "head_name",
                  "head_personal_id", "address", "members", "registered_on"], strict=True)),
        encoding="utf-8",
    )  # fmt: skip
    note, warnings = ingest_note(tmp_path / "wh", "households", catalogue, caplog)
    assert "5 raw -> 5 staged + 0 quarantined" in note, note
    assert "encoding utf-8 (2 line(s) cp1258)" in note, note
    assert "lines 5, 6 decoded as cp1258" in note, note
    (warning,) = [w for w in warnings if "decoded as" in w]
    assert "lines 5, 6 decoded as cp1258" in warning and "Dũng" not in warning and "Pasteur" not in warning, warning


def test_lines_no_encoding_reads_for_certain_are_quarantined_as_before(tmp_path):
    damaged = _csv([APPENDED]).split("\n", 1)[1].encode().replace("Dũng".encode(), b"D\xc5\xa9\xffng")  # a byte lost
    cut = _csv([MORE]).split("\n", 1)[1].encode().replace("Hương".encode(), "Hươ".encode()[:-1] + b"ng")  # cut letter
    short = LEGACY_CODECS["vni"].encode("6,HK006,Hồ,079088007777,9 Pasteur,2,01/01/2020\n")  # VNI 'Hồ', cp1258 'Hoà'
    utf8 = [[f"1{r[0]}", *r[1:]] for r in ROWS]  # the file's UTF-8 lines outnumber the others: a UTF-8 file
    data = _csv(ROWS).encode() + damaged + cut + short + _legacy(["7", *APPENDED[1:]], "cp1258")
    data += _csv(utf8).split("\n", 1)[1].encode()
    result = _ingest(tmp_path, "csv", "bad.csv", data)
    assert result.state == "ok", result.cause
    assert _quarantined(result) == {f"line:{n}": f"line {n} is not valid utf-8" for n in (5, 6, 7)}
    assert sorted(result.staged["source_key"]) == ["1", "11", "12", "13", "2", "3", "7"]


def test_a_file_of_legacy_lines_declared_utf8_is_not_read_line_by_line_in_another_encoding(tmp_path):
    """Declared UTF-8 and every row cp1258 (not a few lines appended): not a UTF-8 file, the rows are quarantined as
    declared (the declaration is wrong, not the lines)."""
    data = _csv(ROWS[:1]).encode() + b"".join(_legacy(r, "cp1258") for r in ROWS[1:])
    result = _ingest(tmp_path, "csv", "decl.csv", data, 'encoding = "utf-8"\n')
    assert result.state == "ok" and sorted(_quarantined(result)) == ["line:3", "line:4"], _quarantined(result)


def test_a_legacy_line_of_json_lines_is_read_in_its_encoding(tmp_path):
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in [*ROWS, APPENDED]]
    data = ("\n".join(lines[:3]) + "\n").encode() + LEGACY_CODECS["tcvn3"].encode(lines[3] + "\n")
    result = _ingest(tmp_path, "jsonl", "m.jsonl", data)
    assert result.state == "ok" and result.quarantine.height == 0, _quarantined(result)
    row = result.staged.filter(pl.col("source_key") == "4")
    assert row["head_name"].to_list() == [APPENDED[2]], row["head_name"]
    assert "head_name:tcvn3" in row["text_repairs"][0], row["text_repairs"]


def test_a_legacy_line_beside_an_unbalanced_quote_is_read_too(tmp_path):
    """The tolerant path (a quote that never closes: the file read line by line) has no record spans: the partition
    failed ('cannot read as csv: ColumnNotFoundError') before the marks looked for one."""
    unbalanced = '9,HK009,"Trần Văn An,079088005559,1 Lê Lợi,2,01/01/2020\n'.encode()
    last = _csv([["10", *ROWS[0][1:]]]).split("\n", 1)[1].encode()
    result = _ingest(tmp_path, "csv", "t.csv", _csv(ROWS).encode() + unbalanced + _legacy(APPENDED, "vni") + last)
    assert result.state == "ok", result.cause
    assert _quarantined(result) == {"line:5": "line 5 has an unbalanced quote"}
    row = result.staged.filter(pl.col("source_key") == "4")
    assert row["head_name"].to_list() == [APPENDED[2]] and "head_name:vni" in row["text_repairs"][0]


def test_a_record_whose_second_line_is_legacy_is_marked(tmp_path):
    """A quoted cell holding a line break (Excel's Alt+Enter): the record's second physical line is the legacy one."""
    record = '4,HK004,Lê Văn Dũng,079088005556,"9 Pasteur,\nPhường Bến Thành, Quận 1",2,01/01/2020\n'
    first, second = record.split("\n", 1)
    data = _csv(ROWS).encode() + first.encode() + b"\n" + LEGACY_CODECS["cp1258"].encode(second)
    result = _ingest(tmp_path, "csv", "r.csv", data)
    assert result.state == "ok" and result.quarantine.height == 0, _quarantined(result)
    flags = dict(zip(result.raw["source_key"], result.raw["row_flags"], strict=True))
    assert "address=cp1258" in (flags["4"] or ""), flags["4"]
    assert result.raw.filter(pl.col("source_key") == "4")["address"].to_list() == [
        "9 Pasteur,\nPhường Bến Thành, Quận 1"
    ]


def test_a_legacy_copy_line_of_a_plain_dump_is_read_in_its_encoding(tmp_path):
    """A plain pg_dump (format pg_dump) is read as UTF-8 line by line too: a COPY row an old program wrote in TCVN3
    was quarantined ('line 6 is not valid utf-8')."""
    from tests.test_bad_inputs import _dump

    utf8 = _dump("public.households", HEADER, ROWS)
    head, body = utf8.split("\n", 1)
    data = (head + "\n" + body.removesuffix("\\.\n\n")).encode()
    data += LEGACY_CODECS["tcvn3"].encode("\t".join(APPENDED) + "\n") + b"\\.\n\n"
    result = _ingest(tmp_path, "pg_dump", "d.sql", data)
    assert result.state == "ok" and result.quarantine.height == 0, _quarantined(result)
    row = result.staged.filter(pl.col("source_key") == "4")
    assert row["head_name"].to_list() == [APPENDED[2]] and "head_name:tcvn3" in row["text_repairs"][0], row
