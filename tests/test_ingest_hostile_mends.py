"""Hostile inputs the old systems emit that lost or garbled rows silently (H5's hunt), through the real ingest path.

* mixed line endings: a row ending in a bare CR (old Mac export joined with a newer one) was read as values beyond
  the header's last column of the row before, or into the header: the rows after it were silently not rows;
* a DOS end-of-file mark (Ctrl-Z) was quarantined as a row cut off in transfer;
* the header again among the rows (exports joined together, a header repeated per page) was staged as a record;
  a byte order mark before a joined export's rows stuck to their first cell (a key '\\ufeff2', not '2');
* rows a newer system appended in UTF-8 to a TCVN3 / VNI / cp1258 export were read as that encoding: each letter
  two or three wrong ones, staged with no issue.
"""

from __future__ import annotations

import json

import xlsxwriter

from pipelines.encodings import LEGACY_CODECS
from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest, _quarantined

TEXT = _csv(ROWS)
LINES = TEXT.splitlines()  # header + 3 rows


def _names(result) -> dict[str, str]:  # noqa: ANN001
    return dict(zip(result.raw["source_key"], result.raw["head_name"], strict=True))


def test_rows_ending_in_a_bare_cr_among_lf_and_crlf_rows_are_rows(tmp_path):
    mixed = LINES[0] + "\r\n" + LINES[1] + "\n" + LINES[2] + "\r" + LINES[3] + "\r\n"
    result = _ingest(tmp_path, "csv", "mixed.csv", mixed.encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert result.raw["row_flags"].null_count() == 3  # no row holds another's values as overflow
    mac = LINES[0] + "\r" + LINES[1] + "\r" + LINES[2] + "\n" + LINES[3] + "\r"  # the header too, and the last row
    result = _ingest(tmp_path, "csv", "mac.csv", mac.encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert result.quarantine.height == 0  # the last row ends in its CR: not cut off


def test_a_bare_cr_typed_in_a_cell_stays_a_character_beside_bare_cr_line_ends(tmp_path):
    text = LINES[0] + "\n" + LINES[1] + "\r" + LINES[2].replace("Trần Thị", "Trần\rThị") + "\n" + LINES[3] + "\n"
    result = _ingest(tmp_path, "csv", "cell.csv", text.encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert _names(result)["2"] == "Trần\rThị Bình"


def test_a_damaged_line_after_a_bare_cr_line_end_is_named_by_its_line_as_an_editor_shows_it(tmp_path):
    """The rows after a cut line move down one line: the undecodable line's number moves with them, so the right
    row is quarantined (not its neighbour)."""
    bad = LINES[3].encode().replace("Cường".encode(), b"C\xff\xfeng")
    more = "".join(
        f"{n}{line[1:]}\n" for n, line in zip("4567", LINES[1:3] * 2, strict=True)
    )  # UTF-8 rows: a UTF-8 file
    data = (LINES[0] + "\n" + LINES[1] + "\r" + LINES[2] + "\n").encode() + bad + b"\n" + more.encode()
    result = _ingest(tmp_path, "csv", "bad.csv", data, 'encoding = "utf-8"')
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "4", "5", "6", "7"]
    assert _quarantined(result) == {"line:4": "line 4 is not valid utf-8"}
    (kept,) = result.quarantine["raw_values"]
    assert json.loads(json.loads(kept)["extra_columns"])["_unparsed"].startswith("3,HK003,")


def test_a_dos_end_of_file_mark_is_not_a_row(tmp_path):
    result = _ingest(tmp_path, "csv", "eof.csv", TEXT.encode() + b"\x1a")
    assert result.state == "ok" and result.raw.height == 3 and result.quarantine.height == 0
    unended = _ingest(tmp_path, "csv", "eof2.csv", TEXT.removesuffix("\n").encode() + b"\x1a")
    assert unended.raw.height == 3 and unended.quarantine.height == 0  # the mark ends the file: the row is whole


def test_the_header_again_among_the_rows_is_quarantined_not_staged(tmp_path):
    second = [[str(int(r[0]) + 10), *r[1:]] for r in ROWS]
    joined = "\ufeff" + TEXT + "\ufeff" + _csv(second)  # two exports joined, each with its byte order mark
    result = _ingest(tmp_path, "csv", "joined.csv", joined.encode())
    assert result.state == "ok"
    assert sorted(result.staged["source_key"]) == ["1", "11", "12", "13", "2", "3"]  # '11', not '\ufeff11'
    assert _quarantined(result) == {
        "line:5": "line:5: the header again, not a record (exports joined together, or a header repeated per page)"
    }


def test_a_workbook_repeating_its_header_per_page_quarantines_the_repeats(tmp_path):
    path = tmp_path / "pages.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    for r, row in enumerate([HEADER, ROWS[0], ROWS[1], [h.upper() for h in HEADER], ROWS[2]]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    result = _ingest(tmp_path, "xlsx", "pages.xlsx", path.read_bytes())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert list(_quarantined(result)) == ["S!row:4"]


def test_utf8_rows_appended_to_a_legacy_export_are_read_as_utf8(tmp_path):
    for name, codec in LEGACY_CODECS.items():
        data = codec.encode("\n".join(LINES[:3]) + "\n") + (LINES[3] + "\n").encode()
        result = _ingest(tmp_path, "csv", f"{name}.csv", data, f'encoding = "{name}"')
        assert result.state == "ok", (name, result.cause)
        assert _names(result)["3"] == "Lê Văn Cường", name  # was 'Lẫê Vấƒn Cặ̀Ỏằng' (TCVN3)
        assert _names(result)["2"] == "Trần Thị Bình", name  # the legacy rows as before


def test_a_byte_order_mark_inside_json_lines_is_not_a_bad_line(tmp_path):
    records = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    data = ("\ufeff" + records[0] + "\n" + records[1] + "\n\ufeff" + records[2] + "\n").encode()
    result = _ingest(tmp_path, "jsonl", "bom.jsonl", data)
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]


def test_blank_lines_before_the_header_and_nul_padding_after_the_last_row_are_not_rows(tmp_path):
    """Blank lines above the header made line 1 the (empty) header: the file failed with every column missing. NUL
    padding after the last row (a pre-allocated file) was quarantined as a row cut off in transfer."""
    result = _ingest(tmp_path, "csv", "lead.csv", ("\n\r\n" + TEXT).encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    padded = _ingest(tmp_path, "csv", "pad.csv", TEXT.encode() + b"\x00" * 64)
    assert padded.state == "ok" and padded.raw.height == 3 and padded.quarantine.height == 0
    cut = _ingest(tmp_path, "csv", "cut.csv", TEXT.encode() + b"4,HK004\x00\x00")  # NULs after a cut row: cut
    assert "file ends mid-row on line 5 (truncated)" in _quarantined(cut)["line:5"]


def _records() -> list[str]:
    return [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]


def test_json_lines_with_old_mac_line_ends_or_a_dos_end_mark_are_read(tmp_path):
    """CR line ends failed the whole file ('none of its lines is a JSON object'); a Ctrl-Z after the last line was
    quarantined as a bad line."""
    records = _records()
    result = _ingest(tmp_path, "jsonl", "cr.jsonl", "\r".join(records).encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    result = _ingest(tmp_path, "jsonl", "eof.jsonl", ("\n".join(records) + "\n\x1a").encode())
    assert result.state == "ok" and result.raw.height == 3 and result.quarantine.height == 0


def test_json_objects_back_to_back_or_with_an_array_comma_are_each_a_row(tmp_path):
    """'{...}{...}' on one line (a writer that forgot the line end) was one quarantined line for two records (the
    rows did not reconcile); '{...},' lines (a JSON array's body) were all quarantined."""
    records = _records()
    result = _ingest(tmp_path, "jsonl", "joined.jsonl", (records[0] + records[1] + "\n" + records[2] + "\n").encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert sorted(result.raw.filter(result.raw["source_key"] != "3")["source_key"]) == ["1", "2"]
    result = _ingest(tmp_path, "jsonl", "array.jsonl", ("[\n" + ",\n".join(records) + "\n]\n").encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    # the brackets on lines of their own are no rows since HR1 (b5db715: an array written one object per line is read
    # whole; before, they were raw rows quarantined 'not a JSON object')
    assert not _quarantined(result) and result.raw.height == 3


def test_a_header_in_capitals_is_read_by_the_catalogue_names(tmp_path):
    """'STT,SO_HO_KHAU,...' (an old system's capitals; a TCVN3 header loses the capitals of toned letters the other
    way): the file failed with every required column missing, and in a workbook no header was found. A column whose
    name differs from a catalogue name in case and spacing only is read as that column (the key column too)."""
    upper = [h.upper() for h in HEADER]
    result = _ingest(tmp_path, "csv", "caps.csv", _csv(ROWS, upper).encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.raw["extra_columns"].null_count() == 3
    spaced = _csv(ROWS).replace("dia_chi", " Dia_Chi ", 1)  # spaces around a name, capitals inside
    assert _ingest(tmp_path, "csv", "spaced.csv", spaced.encode()).state == "ok"
    path = tmp_path / "caps.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    for r, row in enumerate([upper, *ROWS]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    result = _ingest(tmp_path, "xlsx", "caps.xlsx", path.read_bytes())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"], result.cause


def test_two_columns_differing_from_a_catalogue_name_only_in_case_are_not_guessed(tmp_path):
    header = ["stt", "SO_HO_KHAU", "So_Ho_Khau", *HEADER[2:]]
    rows = [[r[0], r[1], r[1], *r[2:]] for r in ROWS]
    result = _ingest(tmp_path, "csv", "two.csv", _csv(rows, header).encode())
    assert result.state == "failed" and "required column(s) 'so_ho_khau' (household_no) missing" in result.cause


def test_a_column_named_twice_in_capitals_still_quarantines_the_rows_whose_two_values_differ(tmp_path):
    """The repeat of a column read by its catalogue name is still its repeat: a row whose two values differ is not
    read with one of them (as with a header in the catalogue's own spelling)."""
    header = ["stt", "SO_HO_KHAU", *HEADER[2:], "SO_HO_KHAU"]
    rows = [[*r, r[1] if r[0] != "2" else "HK999"] for r in ROWS]
    result = _ingest(tmp_path, "csv", "twice.csv", _csv(rows, header).encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "3"]
    assert "column 'so_ho_khau' is named more than once" in _quarantined(result)["2"]
