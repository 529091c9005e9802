"""Two cases HV9 found read SILENTLY (exit 0, with and without --quarantine) at HEAD of session 42 (HC5):

1. A damaged byte (not valid UTF-8) in the HEADER line of an otherwise valid UTF-8 CSV: Polars decodes the header
   lossily, the column became '\\ufffdd' and the output carried it. Now refused (exit 1), naming the file, the line,
   the column's position (never a value) and what to do (mend the header; --encoding if it is in a legacy encoding).
   A header line certainly one legacy encoding in a UTF-8 file is read as such lines are (said); an explicit
   --encoding utf-8 refuses it. A legacy-encoding file's header reads as before; a header holding a real U+FFFD
   (valid UTF-8) too. JSON Lines and JSON arrays have no header line: a key with such bytes is refused or its line /
   object set aside (--quarantine) as before, never read as U+FFFD.
2. A file ending inside an open quoted field whose last bytes are a doubled quote ('3,"ZQ Lê ""'): Polars read a
   short row 'ZQ Lê ' with the short-row warning only. Now refused naming the line where the quote opened, as a quote
   never closed elsewhere is; with --quarantine the record is set aside to the end ('line:N' / 'line:N-M', a quote
   never closed) and the rest read, rows out + set aside = records."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipelines.encodings import LEGACY_CODECS
from tests.test_cli_legacy_lines import _resolve, _run

ROWS = (
    '1,ZQ Nguyễn Văn An,"12 Lê Lợi, Phường 4, Quận 3"\n'
    '2,ZQ Trần Thị Bé,"5 Hai Bà Trưng, Phường Tân Định, Quận 1"\n'
    '3,ZQ Lê Văn Cường,"7 Nguyễn Huệ, Phường Bến Nghé, Quận 1"\n'
    '4,ZQ Phạm Thu,"9 Võ Văn Tần, Phường 6, Quận 3"\n'
).encode()
HEADER = b"id,name,address\n"
VALUES = ("Nguyễn", "Trần", "Lê Lợi", "Cường")  # never in a message


def _said(result) -> str:  # noqa: ANN001 - a click Result
    said = " ".join(result.output.split())
    assert not any(value in said for value in VALUES), said
    return said


@pytest.mark.parametrize("quarantine", [False, True])
@pytest.mark.parametrize(("header", "column"), [(b"\xffd,name,address\n", 1), (b"id,n\xc3me,address\n", 2)])
def test_a_damaged_byte_in_the_header_refuses_the_file_naming_line_and_column(tmp_path, quarantine, header, column):
    """HV9's /tmp/hv9/badheader.csv: read with the column named '\\ufffdd', exit 0. Now refused, with or without
    --quarantine (a header is never set aside), naming line 1 and the column's position, saying to mend it."""
    options = ("--quarantine", str(tmp_path / "q.csv")) if quarantine else ()
    result, out = _resolve(tmp_path, "h", header + ROWS, *options)
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "h.csv: line 1 not valid UTF-8" in said, said
    assert f"line 1 is the header: the name of column {column} (of 3) holds them" in said, said
    assert "mend the header at the source" in said, said
    assert "give --quarantine" not in said and "remove it" not in said, said  # the header cannot go aside
    if quarantine:
        assert "--quarantine sets no header aside (line 1: the columns are named there)" in said, said


def test_a_damaged_header_below_a_title_line_is_named_by_its_line(tmp_path):
    result, out = _resolve(tmp_path, "t", b"Danh s\xc3\xa1ch\n" + b"\xffd,name,address\n" + ROWS, "--skip-rows", "1")
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "t.csv: line 2 not valid UTF-8" in said and "line 2 is the header: the name of column 1 (of 3)" in said


def test_a_damaged_header_and_a_damaged_row_are_both_named(tmp_path):
    data = b"\xffd,name,address\n" + ROWS.replace("Bé".encode(), b"B\xc3", 1)  # line 3 damaged too
    result, out = _resolve(tmp_path, "b", data, "--quarantine", str(tmp_path / "q.csv"))
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "b.csv: lines 1, 3 not valid UTF-8" in said and "line 1 is the header: the name of column 1" in said, said


def test_a_damaged_header_with_a_wide_row_set_aside_is_still_refused(tmp_path):
    """--quarantine sets the wide row aside, then the rest is read again: the header's byte must not slip through."""
    data = b"\xffd,name,address\n" + ROWS.replace(b"4,ZQ", b"4,x,ZQ", 1)
    result, out = _resolve(tmp_path, "w", data, "--quarantine", str(tmp_path / "q.csv"))
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "line 1 is the header: the name of column 1 (of 3) holds them" in said, said


LEGACY_HEADER = "mã số,họ và tên,địa chỉ thường trú"  # clean Vietnamese in each legacy encoding and no other


@pytest.mark.parametrize("encoding", ["cp1258", "vni", "tcvn3"])
def test_a_legacy_header_of_a_utf8_file_is_read_as_legacy_lines_are(tmp_path, encoding):
    """A UTF-8 file whose header an old program wrote: the header line is certainly that encoding, read in it (as
    a data line would be), said; before, its names were read with U+FFFD and --column met none."""
    data = LEGACY_CODECS[encoding].encode(LEGACY_HEADER + "\n") + ROWS
    source, out = tmp_path / "l.csv", tmp_path / "l.out.csv"
    source.write_bytes(data)
    result = _run("resolve", "--input", str(source), "--column", "địa chỉ thường trú", "--output", str(out))
    said = _said(result)
    assert result.exit_code == 0, said
    assert f"l.csv: 1 line not valid UTF-8 read as {encoding} (line 1)" in said, said
    assert pl.read_csv(out, infer_schema=False).columns[:3] == LEGACY_HEADER.split(",")
    strict = _run(
        "resolve", "--input", str(source), "--column", "địa chỉ thường trú", "--output", str(out), "--encoding", "utf-8"
    )
    said = _said(strict)
    assert strict.exit_code == 1, said
    assert (
        f"line 1 not valid UTF-8 (--encoding utf-8 reads UTF-8 only; --encoding auto reads line 1 as {encoding}" in said
    )
    assert "line 1 is the header: the names of columns 1, 2, 3 (of 3) hold them" in said, said


def test_a_legacy_file_with_a_vietnamese_header_reads_as_before(tmp_path):
    data = LEGACY_CODECS["cp1258"].encode(LEGACY_HEADER + "\n" + ROWS.decode())
    source, out = tmp_path / "c.csv", tmp_path / "c.out.csv"
    source.write_bytes(data)
    result = _run("resolve", "--input", str(source), "--column", "địa chỉ thường trú", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "read as cp1258 (detected)" in result.output, result.output
    assert pl.read_csv(out, infer_schema=False)["họ và tên"].to_list()[0] == "ZQ Nguyễn Văn An"


def test_a_header_holding_a_replacement_character_as_valid_utf8_reads_as_written(tmp_path):
    result, out = _resolve(tmp_path, "r", "id,n\ufffdme,address\n".encode() + ROWS)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False).columns[:3] == ["id", "n\ufffdme", "address"]


def _json_lines(damaged: int) -> bytes:
    lines = [
        json.dumps({"id": str(i), "address": a}, ensure_ascii=False).encode()
        for i, a in enumerate(["12 Lê Lợi, Phường 4, Quận 3", "5 Hai Bà Trưng, Quận 1", "7 Nguyễn Huệ, Quận 1"] * 2)
    ]
    lines[damaged] = lines[damaged].replace(b'"id"', b'"\xffd"')
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("kind", ["jsonl", "json"])
@pytest.mark.parametrize("damaged", [0, 2])
def test_a_json_key_with_a_damaged_byte_is_never_read_as_a_replacement_character(tmp_path, kind, damaged):
    """JSON has no header line: the keys are each object's. A key with a byte not UTF-8 refuses the file naming its
    line, or --quarantine sets that line (object) aside; no column is named with U+FFFD."""
    data = _json_lines(damaged)
    if kind == "json":
        data = b"[" + data.rstrip(b"\n").replace(b"\n", b",\n") + b"]\n"
    source, out, q = tmp_path / f"k.{kind}", tmp_path / "k.out.csv", tmp_path / "q.csv"
    source.write_bytes(data)
    plain = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    said = _said(plain)
    assert plain.exit_code == 1 and not out.exists(), said
    assert f"k.{kind}: line {damaged + 1} not valid UTF-8" in said, said
    aside = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out), "--quarantine", str(q))
    assert aside.exit_code == 0, aside.output
    written = pl.read_csv(out, infer_schema=False)
    assert not any("\ufffd" in c for c in written.columns) and written.height == 5, written.columns
    key = f"object:{damaged + 1}" if kind == "json" else f"line:{damaged + 1}"
    assert pl.read_csv(q, infer_schema=False)["source_key"].to_list() == [key]


EOF_OPEN = HEADER + ROWS[: ROWS.index(b"4,ZQ")] + '4,"ZQ Phạm ""'.encode()  # line 5: opened, '""' is a quote
EOF_SPAN = HEADER + ROWS[: ROWS.index(b"4,ZQ")] + '4,"ZQ Phạm\nThu ""'.encode()  # lines 5-6


@pytest.mark.parametrize("end", [b"", b"\r"])
def test_a_file_ending_inside_an_open_quote_is_refused_naming_its_line(tmp_path, end):
    """HV9's /tmp/hv9/eofquote.csv: the cut value was read as a short row, exit 0. Now refused as any quote never
    closed is, naming the line where it opened, and offering --quarantine."""
    result, out = _resolve(tmp_path, "e", EOF_OPEN + end)
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "e.csv: line 5: a quoted field opened in the row starting on this line is not closed" in said, said
    assert "or give --quarantine FILE" in said and "fewer fields" not in said, said


def test_a_file_ending_inside_an_open_quote_spanning_lines_is_refused_naming_the_first(tmp_path):
    result, out = _resolve(tmp_path, "e", EOF_SPAN)
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "e.csv: line 5: a quoted field opened in the row starting on this line is not closed" in said, said


@pytest.mark.parametrize(("data", "key"), [(EOF_OPEN, "line:5"), (EOF_SPAN, "line:5-6")])
def test_quarantine_sets_a_record_open_at_the_end_aside_and_reads_the_rest(tmp_path, data, key):
    q = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "e", data, "--quarantine", str(q))
    said = _said(result)
    assert result.exit_code == 0, said
    rows = pl.read_csv(q, infer_schema=False)
    assert rows["source_key"].to_list() == [key], rows
    assert "is never closed" in rows["reason"][0], rows["reason"][0]
    assert rows["raw_text"][0].startswith('4,"ZQ Ph') and rows["raw_text"][0].endswith('""'), rows["raw_text"][0]
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2", "3"], written  # 3 rows out + 1 set aside = the 4 records
    assert "fewer fields" not in said, said


@pytest.mark.parametrize(
    "tail", [b'4,ZQ,""', b'4,ZQ,"9 V\xc3\xb5 ""x"""', b'4,"ZQ ""P""",""\r', b'4,"",""', b'4,ZQ,"a\nb ""c"""']
)
def test_a_valid_file_ending_in_quotes_reads_as_before(tmp_path, tail):
    """A last field closed by its quote, after doubled quotes or empty, with no line end after it: read."""
    result, out = _resolve(tmp_path, "v", HEADER + ROWS[: ROWS.index(b"4,ZQ")] + tail)
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2", "3", "4"]


INNER_MARK = (  # line 3 starts with a byte order mark before a quoted cell holding the delimiter: Polars reads it
    'address,id\n"7 Nguyễn Huệ, Quận 1",1\n\ufeff"12 Lê Lợi, P. 5",2\n'.encode()  # again without the mark
)


def test_a_damaged_header_is_refused_in_a_file_read_again_without_inner_marks(tmp_path):
    result, out = _resolve(tmp_path, "m", INNER_MARK.replace(b",id", b",\xffd", 1) + '"5 Hai Bà, Q 1",3\n'.encode())
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "line 1 is the header: the name of column 2 (of 2) holds them" in said, said


def test_a_quote_open_at_the_end_of_a_file_read_again_without_inner_marks(tmp_path):
    data = INNER_MARK + '"5 Hai Bà Trưng ""'.encode()  # line 4 opened, never closed
    result, out = _resolve(tmp_path, "m", data)
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "m.csv: line 4: a quoted field opened in the row starting on this line is not closed" in said, said
    q = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "m", data, "--quarantine", str(q))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(q, infer_schema=False)["source_key"].to_list() == ["line:4"]
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2"]


def test_a_damaged_header_of_a_file_over_64_kb_is_found_in_its_first_lines(tmp_path):
    """The header is looked for in the first 64 kB's whole lines (then the whole file): the same answer."""
    many = ROWS * 1_000  # ~170 kB
    result, out = _resolve(tmp_path, "big", b"id,name,addr\xe1ss\n" + many, "--quarantine", str(tmp_path / "q.csv"))
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "line 1 is the header: the name of column 3 (of 3) holds them" in said, said
    valid, out = _resolve(tmp_path, "ok", "id,n\ufffdme,address\n".encode() + many + b'5,ZQ,""')
    assert valid.exit_code == 0, valid.output
    assert pl.read_csv(out, infer_schema=False).height == 4_001


@pytest.mark.parametrize(
    ("broken", "key", "ids"),
    [
        (lambda lines: lines.__setitem__(3, b'3,x,"7 Hai B\xc3\xa0"'), "line:4", ["1", "2", "4", "5", "6"]),
        (lambda lines: lines.append(b'7,"8 ZQ ""'), "line:8", ["1", "2", "3", "4", "5", "6"]),
    ],
)
def test_quarantine_still_given_once_legacy_lines_are_read(tmp_path, broken, key, ids):
    """A UTF-8 file with a line an old program appended (read as cp1258) was read again without --quarantine: a wide
    row or a quote open at the end then refused the file (and without the option, its refusal offered none)."""
    from tests.test_cli_legacy_lines import ADDRESSES, _csv

    lines = _csv(("id", "address"), ADDRESSES, {4: "cp1258"}).rstrip(b"\r\n").split(b"\r\n")  # line 6 cp1258
    broken(lines)
    data = b"\n".join(lines)
    refused, out = _resolve(tmp_path, "g", data)
    assert refused.exit_code == 1 and not out.exists(), refused.output
    assert "or give --quarantine FILE" in " ".join(refused.output.split()), refused.output
    q = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "g", data, "--quarantine", str(q))
    assert result.exit_code == 0, result.output
    assert "1 line not valid UTF-8 read as cp1258 (line 6)" in result.output, result.output
    assert pl.read_csv(q, infer_schema=False)["source_key"].to_list() == [key]
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ids


def test_match_reads_its_input_so_too(tmp_path):
    """`wardbridge match` reads --input by the same read_table: a damaged header refused, a quote open at the end
    refused naming its line (set aside with --quarantine)."""
    from tests.test_match_cli_encodings import _match, _text

    text = _text().encode()
    source = tmp_path / "people.csv"
    source.write_bytes(text.replace(b"customer_id", b"customer_\xffd", 1))
    proc, out = _match(tmp_path, source)
    assert proc.returncode == 1 and not out.exists(), proc.stderr
    assert "line 1 is the header: the name of column 1 (of 5) holds them" in " ".join(proc.stderr.split())
    source.write_bytes(text + '9,"Võ Thị ""'.encode())  # line 10 opened, never closed
    proc, out = _match(tmp_path, source)
    said = " ".join(proc.stderr.split())
    assert proc.returncode == 1 and "line 10: a quoted field opened in the row starting on this line" in said, said
    proc, out = _match(tmp_path, source, "--quarantine", str(tmp_path / "q.csv"))
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(tmp_path / "q.csv", infer_schema=False)["source_key"].to_list() == ["line:10"]
