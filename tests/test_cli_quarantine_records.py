"""`--quarantine FILE` sets whole records aside (HC4, session 42). HC3's version set aside single lines only and
refused the file when the line to set aside was one line of a CSV record spanning lines (a quoted cell holding a line
break), when a row with more fields than the header spanned lines, when a quoted field was never closed, and when a
JSON array held bytes not valid UTF-8. Now the whole record goes to FILE (source_key 'line:N-M', its reason, its
bytes), a quote never closed sets aside everything from the record it opens in to the end (said so; refused when that
is most of the file), and a JSON array's object holding such bytes is set aside ('object:N'). Every case: the rows
out and the records in FILE are every record of the input, and the cells of the rows kept are what a file without
the records set aside gives. A header that cannot be read and a file most of whose lines are not read stay refused,
the message saying what to do. Messages name lines, never a value."""

from __future__ import annotations

import csv
import io
import json
import re

import polars as pl

from tests.test_cli_legacy_lines import _resolve

DAMAGED_MIDDLE = (  # file lines 3-5 are one record (row 2, its note over three lines); line 4 lost a byte
    b'id,address,note\r\n1,"12 L\xc3\xaa L\xe1\xbb\xa3i, Qu\xe1\xba\xadn 1",a\r\n'
    b'2,"5 Pasteur, Qu\xe1\xba\xadn 3","\xc4\x91\xe1\xba\xa7u\n\xc4\xff\xc3\xb3ng gi\xe1\xbb\xafa\ncu\xe1\xbb\x91i"\r\n'
    b"3,7 Hai B\xc3\xa0 Tr\xc6\xb0ng,c\r\n4,9 V\xc3\xb5 V\xc4\x83n T\xe1\xba\xa7n,d\r\n"
)


def _records(data: bytes) -> list[list[str]]:
    """The data records of a CSV as Python's reader reads them (the header dropped), bytes not UTF-8 replaced."""
    return list(csv.reader(io.StringIO(data.decode("utf-8", "replace"), newline="")))[1:]


def _key_lines(key: str) -> list[int]:
    """'line:7' -> [7], 'line:3-5' -> [3, 4, 5]."""
    first, _, last = key.removeprefix("line:").partition("-")
    return list(range(int(first), int(last or first) + 1))


def _check(tmp_path, name: str, data: bytes, clean: bytes, aside: dict[str, str]) -> pl.DataFrame:
    """Resolve ``data`` with --quarantine: exit 0, FILE holds exactly the records ``aside`` (source_key -> the start of
    its reason), each record's ids out or in FILE once (ids out + ids of the raw texts = every id), the output's rows
    are those of ``clean`` (the file without those records) cell for cell. FILE's rows."""
    quarantine = tmp_path / f"{name}.q.csv"
    result, out = _resolve(tmp_path, name, data, "--quarantine", str(quarantine))
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(quarantine, infer_schema=False)
    assert rows["source_key"].to_list() == list(aside), rows
    for reason, start in zip(rows["reason"], aside.values(), strict=True):
        assert reason.startswith(start), (reason, start)
    ids = pl.read_csv(out, infer_schema=False)["id"].to_list()
    set_aside = [next(csv.reader(io.StringIO(raw)))[0] for raw in rows["raw_text"]]
    every = [record[0] for record in _records(data) if record]
    assert sorted(ids + set_aside, key=int) == every, (ids, set_aside)
    plain, plain_out = _resolve(tmp_path, name + "_clean", clean)
    assert plain.exit_code == 0, plain.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))
    return rows


def _without_lines(data: bytes, first: int, last: int) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(lines[: first - 1] + lines[last:])


def test_a_damaged_line_inside_a_record_spanning_lines_sets_the_whole_record_aside(tmp_path):
    """HV8's case (session 41): blanking the damaged middle line of a note over three lines cut the value; HC3 then
    refused the file. Now the record (lines 3-5) is set aside whole, its three lines in raw_text (nothing lost)."""
    rows = _check(
        tmp_path,
        "M",
        DAMAGED_MIDDLE,
        _without_lines(DAMAGED_MIDDLE, 3, 5),
        {"line:3-5": "lines 3-5 (one record over 3 lines: a quoted value holding line breaks): line 4 is not valid"},
    )
    assert rows["raw_text"][0] == '2,"5 Pasteur, Quận 3","đầu\n\\xc4\\xffóng giữa\ncuối"', rows["raw_text"][0]
    assert "damaged bytes?" in rows["reason"][0]
    first = DAMAGED_MIDDLE.replace("đầu".encode(), b"\xc4\xff", 1)  # the first line of the record damaged too
    rows = _check(tmp_path, "F", first, _without_lines(first, 3, 5), {"line:3-5": "lines 3-5 (one record over 3"})
    assert "lines 3, 4 are not valid UTF-8" in rows["reason"][0], rows["reason"][0]


def test_the_output_says_the_record_and_no_value(tmp_path):
    quarantine = tmp_path / "q.csv"
    result, _ = _resolve(tmp_path, "M", DAMAGED_MIDDLE, "--quarantine", str(quarantine))
    said = " ".join(result.output.split())
    assert f"M.csv: 1 record quarantined to {quarantine} (lines 3-5, each with its reason there)" in said, said
    assert "Pasteur" not in result.output and "cuối" not in result.output and "blank line" not in said, said


def test_a_lone_cr_in_a_quoted_cell_and_a_damaged_record_below_it(tmp_path):
    """HV8's H.csv (session 41): a cell 'x\\ry' on line 3, the two-line note of row 6 (lines 7-8) damaged on its first
    line. HC3 refused it naming line 7; now lines 7-8 go aside, rows 1-5 are read with the CR kept in their cell."""
    data = (
        b'id,address,note\n1,"12 L\xc3\xaa L\xe1\xbb\xa3i, Qu\xe1\xba\xadn 1",a\n2,"5 Pasteur, Qu\xe1\xba\xadn 3","x\ry"\n'
        b"3,7 Hai B\xc3\xa0 Tr\xc6\xb0ng,c\n4,9 V\xc3\xb5 V\xc4\x83n T\xe1\xba\xa7n,d\n5,20 Nguy\xe1\xbb\x85n Hu\xe1\xbb\x87,e\n"
        b'6,45 L\xc3\xbd T\xe1\xbb\xb1 Tr\xe1\xbb\x8dng,"\xc4\xff\xe1\xba\xa7u d\xc3\xb2ng\n\xc4\x90\xc3\xb3ng cu\xe1\xbb\x91i"\n'
    )
    _check(tmp_path, "H", data, _without_lines(data, 7, 8), {"line:7-8": "lines 7-8 (one record over 2 lines"})


def test_a_row_with_more_fields_than_the_header_spanning_lines_is_set_aside(tmp_path):
    data = DAMAGED_MIDDLE.replace(b"\xc4\xff", "Đ".encode()).replace(b'cu\xe1\xbb\x91i"\r\n', b'cu\xe1\xbb\x91i",x\r\n')
    rows = _check(
        tmp_path,
        "W",
        data,
        _without_lines(data, 3, 5),
        {"line:3-5": "lines 3-5 (one record over 3 lines: a quoted value holding line breaks) has 4 fields where the "},
    )
    assert rows["reason"][0].endswith("the header has 3 (delimiter ',')"), rows["reason"][0]
    refused, _ = _resolve(tmp_path, "W2", data)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "line 3: the row starting on this line has 4 fields" in said, said
    assert "or give --quarantine FILE, which sets such rows aside" in said, said


def _rows(n: int) -> bytes:
    return b"id,address,note\n" + b"".join(f"{i},{i} Lê Lợi,n{i}\n".encode() for i in range(1, n + 1))


def test_a_quote_never_closed_sets_aside_its_record_to_the_end_of_the_file(tmp_path):
    """A quote opened on line 9 and never closed: the reader would take the rest of the file for one value. Lines
    9-11 (3 of 10 data lines) go aside as one record, said so; lines 2-8 are read."""
    data = _rows(10).replace(b"8,8 L", b'8,"8 L', 1)  # row 8 on line 9
    rows = _check(
        tmp_path,
        "Q",
        data,
        _without_lines(data, 9, 11),
        {"line:9-11": "lines 9-11: a quoted field opened in the record starting on line 9 is never closed"},
    )
    assert "rest of the file" in rows["reason"][0], rows["reason"][0]
    assert rows["raw_text"][0] == '8,"8 Lê Lợi,n8\n9,9 Lê Lợi,n9\n10,10 Lê Lợi,n10'


def test_a_quote_never_closed_high_in_the_file_still_refuses_it(tmp_path):
    """Setting aside most of the file is no reading of it: refused, saying where and what to do."""
    data = _rows(10).replace(b"3,3 L", b'3,"3 L', 1)  # line 4: lines 4-11, 8 of 10 data lines
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "E", data, "--quarantine", str(quarantine))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said
    assert "E.csv: line 4: a quoted field opened in the row starting on this line is not closed" in said, said
    assert "--quarantine would set aside 8 of the file's 10 lines under the header (lines 4-11)" in said, said
    assert "fix the quoting there" in said and "Lê" not in result.output, said


def test_a_quote_inside_a_quoted_field_not_doubled_sets_its_line_aside(tmp_path):
    """'"ab"c"': the field closes and text follows before the delimiter; Polars reads on to the end of the file."""
    data = _rows(6).replace(b"3,3 L\xc3\xaa L\xe1\xbb\xa3i,n3", b'3,"3 Le "Loi x",n3', 1)  # line 4 (three quotes)
    _check(tmp_path, "D", data, _without_lines(data, 4, 4), {"line:4": "line 4 has a quoted field"})


def test_a_damaged_line_and_a_wide_record_in_one_file(tmp_path):
    """Both causes in one file: both records in FILE, in line order."""
    data = DAMAGED_MIDDLE.replace(b"4,9 V", b"4,x,9 V", 1)  # line 7: 4 fields
    clean = _without_lines(_without_lines(data, 7, 7), 3, 5)
    rows = _check(tmp_path, "B", data, clean, {"line:3-5": "lines 3-5 (one record", "line:7": "line 7 has 4 fields"})
    assert rows.height == 2


def test_data_rows_named_after_a_record_set_aside_count_it_once(tmp_path):
    """Lines 3-5 are one data row (row 2): the row on line 7 is data row 4 (row 3 on line 6), as the file counts."""
    from pathlib import Path

    from pipelines.cli import read_table

    source = Path(tmp_path / "n.csv")
    source.write_bytes(DAMAGED_MIDDLE.replace(b"\r\n3,", b"\r\n\r\n3,", 1))  # a blank line 6: rows numbered from it
    read = read_table(source, "--input", quarantine=True)
    assert read.frame["id"].to_list() == ["1", "3", "4"]
    assert read.data_rows.tolist() == [1, 4, 5], read.data_rows


def test_a_header_not_valid_is_refused_saying_what_to_do(tmp_path):
    data = DAMAGED_MIDDLE.replace(b"id,address", b"\xefd,address", 1)
    result, out = _resolve(tmp_path, "h", data, "--quarantine", str(tmp_path / "q.csv"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said
    assert "h.csv: lines 1, 4 not valid UTF-8" in said, said
    assert "--quarantine sets no header aside (line 1: the columns are named there): mend it at the source" in said


def test_most_lines_not_valid_is_refused_saying_what_to_do(tmp_path):
    from tests.test_cli_legacy_lines import ADDRESSES, _csv

    def damaged(rows) -> bytes:  # every data line with the second byte of its first letter not ASCII lost
        lines = _csv(("id", "address"), rows, {}).split(b"\n")
        for i in range(1, len(rows) + 1):
            at = next(j for j, byte in enumerate(lines[i]) if byte >= 0x80) + 1
            lines[i] = lines[i][:at] + b"\xff" + lines[i][at + 1 :]
        return b"\n".join(lines)

    result, out = _resolve(tmp_path, "m", damaged(ADDRESSES), "--quarantine", str(tmp_path / "q.csv"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said
    assert "m.csv: lines 2, 3 and 4 more not valid UTF-8" in said and "likely in another encoding" in said, said
    assert "--quarantine would set aside 6 of the file's 6 records" in said and "not most of the file" in said, said
    many = [(str(i), ADDRESSES[i % 6][1]) for i in range(1, 25)]  # more than 10 lines: no line read (decode_file)
    result, out = _resolve(tmp_path, "m24", damaged(many), "--quarantine", str(tmp_path / "q.csv"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and not out.exists(), said
    assert "most lines are not valid UTF-8, the file is likely in another encoding" in said, said
    assert "--quarantine sets aside a few records, not most of the file" in said, said


def _array(n: int, bad: set[int]) -> bytes:
    """A JSON array of ``n`` objects, one per line; those at ``bad`` (1-based) with a byte of a letter lost."""
    items = []
    for i in range(1, n + 1):
        item = json.dumps({"id": str(i), "address": f"{i} Điện Biên Phủ, Quận 1"}, ensure_ascii=False).encode()
        items.append(item.replace("Điện".encode(), b"\xc4\xff\xe1\xbb\x87n") if i in bad else item)
    return b"[\n" + b",\n".join(items) + b"\n]\n"


def test_a_json_array_object_with_bad_bytes_is_set_aside(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    source, out, quarantine = tmp_path / "a.json", tmp_path / "a.out.csv", tmp_path / "q.csv"
    source.write_bytes(_array(6, {4}))
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.output
    (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
    assert row["source_key"] == "object:4", row
    assert row["reason"].startswith("JSON object 4 (line 5) holds bytes not valid UTF-8"), row
    assert json.loads(re.sub(r"\\x[0-9a-f]{2}", "?", row["raw_text"]))["id"] == "4", row
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2", "3", "5", "6"]
    clean = tmp_path / "c.json"
    items = json.loads(_array(6, set()))
    clean.write_bytes(json.dumps([i for i in items if i["id"] != "4"], ensure_ascii=False).encode())
    plain = CliRunner().invoke(
        main, ["resolve", "--input", str(clean), "--column", "address", "--output", str(tmp_path / "c.csv")]
    )
    assert plain.exit_code == 0, plain.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(tmp_path / "c.csv", infer_schema=False))
    said = " ".join(result.output.split())
    assert "1 JSON object quarantined" in said and "Điện" not in result.output, said
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "--quarantine FILE sets such objects aside" in refused.output, refused.output
    source.write_bytes(_array(6, {1, 2, 4, 5}))  # most objects: refused
    most = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    said = " ".join(most.output.split())
    assert most.exit_code == 1 and "4 of the array's 6 objects hold bytes not valid UTF-8 (JSON is UTF-8)" in said
    assert "--quarantine sets aside a few objects, not most of the file" in said, said


def test_match_sets_a_record_over_two_lines_aside_and_names_later_rows_as_the_file_counts_them(tmp_path):
    """`wardbridge match --quarantine`: record 4's city quoted over two lines (file lines 5-6), one of them damaged,
    goes aside whole; the records out and it are every record. A later row without an id is named data row 7 (the
    file's seventh row, the two-line record counted once; blanked line by line it was data row 8)."""
    from tests.test_cli_legacy_lines import _csv, _match
    from tests.test_match_cli_encodings import HEADER, ROWS

    data = _csv(HEADER, ROWS, {}).replace("Đà Nẵng\r\n".encode(), b'"\xc4\xff\xc3\xa0\nN\xe1\xba\xb5ng"\r\n', 1)
    source, quarantine = tmp_path / "people.csv", tmp_path / "q.csv"
    source.write_bytes(data)
    args = ("--input", str(source), "--output", str(tmp_path / "o.csv"), "--quarantine", str(quarantine))
    result = _match(tmp_path, *args)
    assert result.exit_code == 0, result.output
    records = pl.read_csv(tmp_path / "o.csv", infer_schema=False)["record_id"].to_list()
    (row,) = pl.read_csv(quarantine, infer_schema=False).to_dicts()
    assert row["source_key"] == "line:5-6" and row["raw_text"].startswith("4,"), row
    assert sorted(records, key=int) == ["1", "2", "3", "5", "6", "7", "8"], records
    source.write_bytes(data.replace(b"\r\n7,", b"\r\n,", 1))  # record 7 (file line 9, data row 7) without its id
    refused = _match(tmp_path, *args)
    said = " ".join(refused.output.split())
    assert refused.exit_code != 0 and "1 rows have no 'customer_id' (data rows [7], blank lines counted)" in said, said


def test_a_legacy_file_with_a_line_not_valid_and_a_wide_row_keeps_both_in_the_quarantine(tmp_path):
    """A Windows-1258 file: line 6 holds 0x81 (no cp1258 character, set aside where the file is decoded) and line 3
    has a field too many (set aside where Polars reads it). The second set-aside replaced the first's rows: FILE held
    line 6 only, row 2 was in neither place (exit 0)."""
    from pipelines.encodings import LEGACY_CODECS
    from tests.test_cli_legacy_lines import ADDRESSES

    text = "".join(
        ",".join(f'"{c}"' if "," in c else c for c in row) + "\r\n" for row in [("id", "address"), *ADDRESSES]
    )
    data = LEGACY_CODECS["cp1258"].encode(text).replace(b"\r\n5,", b"\r\n5,\x81", 1).replace(b"\r\n2,", b"\r\n2,x,", 1)
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "old", data, "--quarantine", str(quarantine), "--encoding", "cp1258")
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "3", "4", "6"]
    assert pl.read_csv(quarantine, infer_schema=False)["source_key"].to_list() == ["line:3", "line:6"]


def test_rows_read_and_records_set_aside_that_do_not_add_up_refuse_the_file(tmp_path):
    """The last guard (pipelines.reading.quarantine.accounted): where Polars would split the rest of a file in other records than Python's
    reader did, the rows read plus the records set aside miss the file's records: refused, not written short."""
    import click
    import pytest

    from pipelines.reading.quarantine import accounted, quarantined_lines
    from pipelines.reading.tables import TableRead

    read = TableRead(pl.DataFrame({"id": ["1", "3"]}), quarantined=quarantined_lines(DAMAGED_MIDDLE, {(3, 5): "x"}))
    assert accounted(tmp_path / "f.csv", read, 3) is read
    with pytest.raises(click.ClickException, match="set aside 1 records and read 2 rows, but the file holds 4"):
        accounted(tmp_path / "f.csv", read, 4)


def test_a_quote_inside_a_field_not_quoted_is_named_and_its_row_set_aside(tmp_path):
    """'7 Hai "Bà Trưng': a quote in a field that is not quoted. Python's reader takes it for text; Polars pairs quotes
    over the file and failed ('cannot read as CSV with delimiter ',' (ComputeError)', no line named, and
    --quarantine refused it the same way). Now the refusal names the line and --quarantine sets the row aside."""
    data = _rows(6).replace(b"3,3 L", b'3,3 "L', 1)  # line 4
    refused, _ = _resolve(tmp_path, "S", data)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "S.csv: line 4: the row starting on this line has a quote inside a field" in said
    assert "or give --quarantine FILE, which sets such rows aside" in said and "Lê" not in said, said
    _check(tmp_path, "S", data, _without_lines(data, 4, 4), {"line:4": "line 4 has a quote inside a field that is not"})


def test_json_lines_most_of_them_not_valid_are_refused_saying_what_to_do(tmp_path):
    """JSON Lines most of whose lines are not valid UTF-8 (4 of 6; 24 of 24, which decode_file reads none of): the
    encoding is wrong, not a few lines; before, 4 of 6 were set aside with exit 0, and the refusal of 24 said only
    '(JSON is UTF-8)'."""
    from click.testing import CliRunner

    from pipelines.cli import main
    from tests.test_cli_legacy_lines import ADDRESSES

    def damaged(n: int, bad: set[int]) -> bytes:
        lines = []
        for i in range(1, n + 1):
            line = json.dumps({"id": str(i), "address": ADDRESSES[i % 6][1]}, ensure_ascii=False).encode()
            at = next(j for j, byte in enumerate(line) if byte >= 0x80) + 1
            lines.append(line[:at] + b"\xff" + line[at + 1 :] if i in bad else line)
        return b"\n".join(lines) + b"\n"

    for name, data in (("four", damaged(6, {1, 2, 4, 5})), ("all", damaged(24, set(range(1, 25))))):
        source = tmp_path / f"{name}.jsonl"
        source.write_bytes(data)
        args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / f"{name}.csv")]
        result = CliRunner().invoke(main, [*args, "--quarantine", str(tmp_path / "q.csv")])
        said = " ".join(result.output.split())
        assert result.exit_code == 1 and not (tmp_path / f"{name}.csv").exists(), said
        assert "not valid UTF-8 (JSON is UTF-8; most lines are not valid UTF-8, the file is likely in another" in said
    one = tmp_path / "one.jsonl"
    one.write_bytes(damaged(6, {3}))
    args = ["resolve", "--input", str(one), "--column", "address", "--output", str(tmp_path / "one.csv")]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(tmp_path / "q.csv")])
    assert result.exit_code == 0 and "1 line quarantined" in result.output, result.output


def test_json_lines_that_are_no_object_are_set_aside_as_ingestion_quarantines_them(tmp_path):
    """A JSON Lines line that is not JSON (cut), another value (a list), nested more than 100 levels or holding half of
    a character refused the whole file, --quarantine or not; ingestion quarantines such a line. Now set aside with
    its reason, the rest read (ids out + lines set aside = every line); without the option the refusal names it."""
    from click.testing import CliRunner

    from pipelines.cli import main
    from pipelines.ingest.json_keys import TOO_DEEP
    from tests.test_cli_legacy_lines import ADDRESSES

    lines = [json.dumps({"id": i, "address": a}, ensure_ascii=False) for i, a in ADDRESSES * 2]  # lines 1-12
    lines[1] = lines[1][:20]  # cut
    lines[4] = "[1, 2]"
    lines[7] = '{"id": "8", "address": ' + "[" * 120 + "]" * 120 + "}"
    lines[10] = '{"id": "11", "address": "ab\\ud800"}'
    source, out, quarantine = tmp_path / "l.jsonl", tmp_path / "l.csv", tmp_path / "q.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(quarantine, infer_schema=False)
    assert rows["source_key"].to_list() == ["line:2", "line:5", "line:8", "line:11"], rows
    reasons = rows["reason"].to_list()
    assert reasons[0].startswith("line 2 is not a JSON object (") and reasons[1] == "line 5 is an array, not an object"
    assert reasons[2] == f"line 8: {TOO_DEEP}" and reasons[3].startswith("line 11: key 'address' holds half of a")
    assert rows["raw_text"].to_list() == [lines[1], lines[4], lines[7], lines[10]]
    ids = pl.read_csv(out, infer_schema=False)["id"].to_list()
    assert ids == ["1", "3", "4", "6", "1", "3", "4", "6"], ids  # lines 1, 3, 4, 6, 7, 9, 10, 12
    refused = CliRunner().invoke(main, args)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "l.jsonl: line 2: not a JSON object" in said, said
    assert "--quarantine FILE sets such lines aside" in said, said
    source.write_text("\n".join(['"a"', '"b"', lines[0]]) + "\n", encoding="utf-8")  # most lines: refused
    most = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    said = " ".join(most.output.split())
    assert most.exit_code == 1 and "line 1 is a text, not an object; --quarantine would set aside 2 of" in said


def test_a_wide_row_below_a_carriage_return_in_a_quoted_cell_is_named_by_its_own_line(tmp_path):
    """'x\\ry' in a quoted cell on line 3 made the refusal's reader (io.StringIO) count a line more: the wide row on
    line 5 was named line 6, while --quarantine (lines at LF only) set aside line 5. Both say line 5 now."""
    from pipelines.reading.records import field_count_problem

    data = b'id,a,n\n1,x,y\n2,"x\ry",z\n3,a,b\n4,c,d,e\n5,f,g\n'
    assert field_count_problem(data, ",") == (5, 3, 4)
    refused, _ = _resolve(tmp_path, "R", data.replace(b"id,a,n", b"id,address,n"))
    assert refused.exit_code == 1 and "line 5: the row starting on this line has 4 fields" in refused.output
    rows = _check(
        tmp_path,
        "R",
        data.replace(b"id,a,n", b"id,address,n"),
        _without_lines(data.replace(b"id,a,n", b"id,address,n"), 5, 5),
        {"line:5": "line 5 has 4 fields where the header has 3"},
    )
    assert rows.height == 1


def test_a_carriage_return_in_a_quoted_cell_does_not_shift_the_lines_said_after_a_record_set_aside(tmp_path):
    """'x\\ry' on line 2, record 2 (lines 3-5) set aside, a blank line 6. The blank lines were found by a reader that
    counts that CR as a line end: lines 3-5 set aside did not match, and stderr said '2 blank lines skipped (lines
    6, 7)' (line 5 of the record and the blank line, each one ahead). Now '1 blank line skipped (line 6)'."""
    from pathlib import Path

    import pipelines.reading.blank_lines as blank_lines
    from pipelines.reading import read_table

    said: list[str] = []
    data = DAMAGED_MIDDLE.replace(b"a\r\n2,", b'"x\ry"\r\n2,', 1).replace(b"\r\n3,", b"\r\n\r\n3,", 1)
    source = Path(tmp_path / "cr.csv")
    source.write_bytes(data)
    echo, blank_lines.echo = blank_lines.echo, said.append
    try:
        read = read_table(source, "--input", quarantine=True)
    finally:
        blank_lines.echo = echo
    assert read.frame["id"].to_list() == ["1", "3", "4"] and read.data_rows.tolist() == [1, 4, 5]
    assert read.quarantined["source_key"].to_list() == ["line:3-5"]
    blank = [line for line in said if "blank line" in line]
    assert len(blank) == 1 and "1 blank line skipped (line 6)" in blank[0], said


def test_json_lines_whose_first_line_is_set_aside_stay_json_lines(tmp_path):
    """Line 1 damaged (set aside, left blank), line 2 '[1]': the text then began with '[' and was read as a JSON
    array, refused ('line 3: not valid JSON (Extra data)'). Still JSON Lines: lines 1 and 2 set aside, 3-6 read."""
    from click.testing import CliRunner

    from pipelines.cli import main

    lines = [json.dumps({"id": str(i), "address": "Lê Lợi"}, ensure_ascii=False).encode() for i in range(1, 7)]
    lines[0] = lines[0].replace("ợ".encode(), b"\xe1\xff\xa3")
    lines[1] = b"[1]"
    source, out, quarantine = tmp_path / "f.jsonl", tmp_path / "f.csv", tmp_path / "q.csv"
    source.write_bytes(b"\n".join(lines) + b"\n")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.output
    assert pl.read_csv(quarantine, infer_schema=False)["source_key"].to_list() == ["line:1", "line:2"]
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["3", "4", "5", "6"]
