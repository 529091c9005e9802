"""`wardbridge resolve --quarantine FILE` (HC3, session 41): a CSV line the CLI cannot read refused the whole file
(exit 1), while ingestion quarantines such a row with a reason and loads the rest. Now the line is set aside in FILE
in ingestion's terms (source_key 'line:N', reason, raw_text: the line's bytes, a byte that is no UTF-8 character
written \\xNN) and the rest is read; stderr counts them. Every input line ends in one place: the output's rows and the
quarantined lines together are the file's data lines. Without the option the refusal is as before and says the option
exists. Cases the CLI's CSV reader cannot read and sets aside: a UTF-8 file's line not valid UTF-8 nor certainly a
legacy encoding (damaged bytes), with an explicit --encoding utf-8 also the legacy lines, a legacy-encoding file's
line not valid in it (0x81 in Windows-1258), and a JSON Lines line not valid UTF-8 nor certainly a legacy encoding.
A row with more fields than the header is set aside too. Not set aside (still refused): most lines not valid (the
encoding is wrong), a header line not valid. Records over several lines, quotes never closed, JSON arrays and JSON
lines that are no object (HC4, session 42): test_cli_quarantine_records.py."""

from __future__ import annotations

import polars as pl

from pipelines.encodings import LEGACY_CODECS
from tests.test_cli_legacy_lines import ADDRESSES, _csv, _resolve


def _damaged(legacy: dict[int, str]) -> bytes:
    """ADDRESSES as a UTF-8 CSV (header line 1, rows on lines 2-7), the rows at ``legacy`` in that encoding, line 7
    with a byte of a UTF-8 letter lost."""
    data = bytearray(_csv(("id", "address"), ADDRESSES, legacy))
    data[data.index("Điện".encode()) + 1] = 0xFF
    return bytes(data)


def _accounted(out, quarantine) -> tuple[list[str], list[int]]:  # noqa: ANN001 - paths
    """The ids written and the lines quarantined; every data line (2-7: ids 1-6) is in exactly one of them."""
    ids = pl.read_csv(out, infer_schema=False)["id"].to_list()
    lines = [int(k.removeprefix("line:")) for k in pl.read_csv(quarantine, infer_schema=False)["source_key"]]
    assert sorted([*(int(i) + 1 for i in ids), *lines]) == list(range(2, 8)), (ids, lines)  # (id n is on line n+1)
    return ids, lines


def test_a_damaged_line_is_quarantined_and_the_rest_read(tmp_path):
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "mixed", _damaged({4: "cp1258"}), "--quarantine", str(quarantine))
    assert result.exit_code == 0, result.output
    ids, lines = _accounted(out, quarantine)
    assert ids == ["1", "2", "3", "4", "5"] and lines == [7]  # line 6 (cp1258, certain) read, line 7 set aside
    (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
    assert row["reason"] == "line 7 is not valid UTF-8, nor certainly a legacy encoding (damaged bytes?)", row
    assert row["raw_text"] == '6,"20 \\xc4\\xffiện Biên Phủ, Phường Đa Kao, Quận 1"', row  # the bytes, none lost
    said = " ".join(result.output.split())
    assert f"mixed.csv: 1 line quarantined to {quarantine} (line 7, each with its reason there)" in said, said
    assert "Điện" not in result.output


def test_with_encoding_utf8_the_legacy_lines_are_quarantined_too(tmp_path):
    quarantine = tmp_path / "q.csv"
    data = _damaged({4: "cp1258"})
    result, out = _resolve(tmp_path, "mixed", data, "--quarantine", str(quarantine), "--encoding", "utf-8")
    assert result.exit_code == 0, result.output
    ids, lines = _accounted(out, quarantine)
    assert ids == ["1", "2", "3", "4"] and lines == [6, 7]
    reasons = pl.read_csv(quarantine, infer_schema=False)["reason"].to_list()
    assert reasons[0] == "line 6 is not valid UTF-8 (--encoding utf-8 reads UTF-8 only)", reasons


def test_a_line_a_legacy_encoding_cannot_decode_is_quarantined(tmp_path):
    quarantine = tmp_path / "q.csv"
    rows = [("id", "address"), *ADDRESSES]
    text = "".join(",".join(f'"{c}"' if "," in c else c for c in row) + "\r\n" for row in rows)
    data = LEGACY_CODECS["cp1258"].encode(text).replace(b"\r\n5,", b"\r\n5,\x81", 1)  # 0x81: no cp1258 character
    result, out = _resolve(tmp_path, "old", data, "--quarantine", str(quarantine), "--encoding", "cp1258")
    assert result.exit_code == 0, result.output
    ids, lines = _accounted(out, quarantine)
    assert lines == [6] and "5" not in ids
    assert "blank line" not in result.output, result.output  # the line left blank is said as quarantined only
    assert pl.read_csv(quarantine, infer_schema=False)["reason"].to_list() == ["line 6 is not valid cp1258"]
    refused, _ = _resolve(tmp_path, "old2", data, "--encoding", "cp1258")
    assert refused.exit_code == 1 and "--quarantine FILE sets such lines aside" in refused.output, refused.output


def test_without_the_option_the_refusal_says_it_exists(tmp_path):
    result, out = _resolve(tmp_path, "mixed", _damaged({}))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), result.output
    assert (
        "line 7 not valid UTF-8" in said
        and "(or give --quarantine FILE, which sets it aside and reads the rest)" in said
    )


def test_a_header_line_that_cannot_be_read_still_refuses_the_file(tmp_path):
    data = _damaged({}).replace(b"id,address", b"\xefd,address", 1)  # the header line not UTF-8 (a byte lost)
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "bad", data, "--quarantine", str(quarantine))
    assert result.exit_code == 1 and not out.exists(), result.output
    said = " ".join(result.output.split())
    assert "bad.csv: lines 1, 7 not valid UTF-8" in said, said  # (the header cannot go aside)
    assert "--quarantine sets no header aside (line 1: the columns are named there): mend it at the source" in said


def test_a_valid_file_writes_an_empty_quarantine(tmp_path):
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}), "--quarantine", str(quarantine))
    assert result.exit_code == 0 and "quarantined" not in result.output, result.output
    assert pl.read_csv(out, infer_schema=False).height == 6
    assert quarantine.read_text(encoding="utf-8").strip() == "source_key,reason,raw_text"


def test_the_quarantine_is_not_the_input_or_the_output(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(_damaged({}))
    for clash, said in ((source, "refusing to overwrite an input"), (tmp_path / "out.csv", "are the same file")):
        from click.testing import CliRunner

        from pipelines.cli import main

        args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / "out.csv")]
        result = CliRunner().invoke(main, [*args, "--quarantine", str(clash)])
        assert result.exit_code == 2 and said in " ".join(result.output.split()), result.output


def test_a_damaged_json_lines_line_is_quarantined_and_the_rest_read(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main
    from tests.test_cli_legacy_lines import _jsonl

    data = bytearray(_jsonl(ADDRESSES, {4: "cp1258"}))  # line 5 cp1258 (read), line 6 damaged
    data[data.index("Điện".encode()) + 1] = 0xFF
    source, out, quarantine = tmp_path / "in.jsonl", tmp_path / "out.csv", tmp_path / "q.csv"
    source.write_bytes(bytes(data))
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.output
    ids = pl.read_csv(out, infer_schema=False)["id"].to_list()
    (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
    assert ids == ["1", "2", "3", "4", "5"] and row["source_key"] == "line:6", (ids, row)  # id n on line n
    assert "\\xff" in row["raw_text"], row
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "--quarantine FILE" in refused.output, refused.output


def test_match_sets_aside_a_damaged_line_of_its_input(tmp_path):
    """`wardbridge match --quarantine` reads --input (or --increment) as resolve does: the records out (the records
    table, one row a record) and the lines set aside are every data line."""
    from tests.test_cli_legacy_lines import _match
    from tests.test_match_cli_encodings import HEADER, ROWS

    data = bytearray(_csv(HEADER, ROWS, {}))
    data[data.index("Lê Văn".encode()) + 1] = 0xFF  # a byte of 'ê' lost
    source, quarantine = tmp_path / "people.csv", tmp_path / "q.csv"
    source.write_bytes(bytes(data))
    result = _match(
        tmp_path, "--input", str(source), "--output", str(tmp_path / "o.csv"), "--quarantine", str(quarantine)
    )
    assert result.exit_code == 0, result.output
    records = pl.read_csv(tmp_path / "o.csv", infer_schema=False)["record_id"].to_list()
    (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
    line = int(row["source_key"].removeprefix("line:"))
    assert sorted([*records, ROWS[line - 2][0]], key=int) == [r[0] for r in ROWS], (records, row)


def test_a_row_with_more_fields_than_the_header_is_quarantined_with_a_damaged_line(tmp_path):
    """A row with an unquoted delimiter in a value (more fields than the header) refused the file too; with
    --quarantine it is set aside beside the damaged line, both in FILE in line order, the rest read."""
    data = _damaged({}).replace(b'3,"7 Hai', b'3,x,"7 Hai', 1)  # line 4: 3 fields, the header has 2
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "wide", data, "--quarantine", str(quarantine))
    assert result.exit_code == 0, result.output
    ids, lines = _accounted(out, quarantine)
    assert lines == [4, 7], lines
    reasons = pl.read_csv(quarantine, infer_schema=False)["reason"].to_list()
    assert reasons[0] == "line 4 has 3 fields where the header has 2 (delimiter ',')", reasons
    refused, _ = _resolve(tmp_path, "wide2", data.replace(b"\xc4\xff", "Đ".encode()))
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "line 4: the row starting on this line has 3 fields" in said, said
    assert "or give --quarantine FILE, which sets such rows aside" in said, said


def _note_rows(first: bytes) -> bytes:
    """A CSV (id,address,note) whose row 2 has a quoted note over three lines (file lines 3-5): ``first`` is its first
    line's note part, the damaged middle line follows."""
    return (
        b'id,address,note\r\n1,"12 L\xc3\xaa L\xe1\xbb\xa3i, Qu\xe1\xba\xadn 1",a\r\n'
        + b'2,"5 Pasteur, Qu\xe1\xba\xadn 3","'
        + first
        + b'\n\xc4\xff\xc3\xb3ng gi\xe1\xbb\xafa\ncu\xe1\xbb\x91i"\r\n3,7 Hai B\xc3\xa0 Tr\xc6\xb0ng,c\r\n'
    )


def test_a_damaged_line_inside_a_record_spanning_lines_sets_the_record_aside_not_the_line(tmp_path):
    """HV8's case (11:49): a quoted note over three lines whose middle line has a byte lost. Blanking that physical
    line wrote row 2 with its note cut ('đầu\\n\\ncuối', exit 0) and quarantined line 4 too: rows out 3 + 1 for 3
    rows; HC3 then refused the file. Since HC4 (session 42) the record, lines 3-5, is set aside whole (more cases:
    test_cli_quarantine_records.py)."""
    quarantine = tmp_path / "q.csv"
    for name, first in (("F", "đầu".encode()), ("C", b"\xc4\xff")):  # the damage in the middle line; in the first too
        result, out = _resolve(tmp_path, name, _note_rows(first), "--quarantine", str(quarantine))
        assert result.exit_code == 0, result.output
        assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "3"]
        (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
        assert row["source_key"] == "line:3-5" and row["raw_text"].count("\n") == 2, row
