"""Malformed extracts through the real ingest path (assets.ingest.ingest_partition: read, stage, write, status).

Each case is a small households extract with one kind of damage. A damaged row goes to the quarantine with a
reason naming the row and the cause; the partition fails as a whole only when the file cannot be read at all,
and then its cause names the file and why. No message quotes a cell of the file.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import polars as pl

from pipelines.encodings import LEGACY, LEGACY_CODECS, encode_cp1258
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import Ingested, ingest_extract
from tests.referencecopy import with_reference_snapshot

REGISTRY = "households"
HEADER = ["stt", "so_ho_khau", "ten_chu_ho", "cccd_chu_ho", "dia_chi", "so_nhan_khau", "ngay_dang_ky"]
COLUMNS = dict(
    zip(
        HEADER[1:],
        ["household_no", "head_name", "head_personal_id", "address", "members", "registered_on"],
        strict=True,
    )
)
ROWS = [
    ["1", "HK001", "Nguyễn Văn An", "079085001234", "12 Lê Lợi, Phường Bến Nghé, Quận 1", "3", "01/02/2020"],
    ["2", "HK002", "Trần Thị Bình", "079190004321", "5 Hai Bà Trưng, Phường 6, Quận 3", "2", "15/06/2019"],
    ["3", "HK003", "Lê Văn Cường", "079088005555", "7 Pasteur, Phường Bến Thành, Quận 1", "4", "03/03/2021"],
]
PERSONAL = [v for row in ROWS for v in row[2:5]]  # names, IDs, addresses: never in a message


def _ingest(tmp: Path, fmt: str, filename: str, data: bytes, options: str = "") -> Ingested:
    """Write ``data`` as the extract, catalogue it, and run the ingest of its one partition."""
    (tmp / filename).write_bytes(data)
    table = f'table = "{REGISTRY}"\n' if fmt in ("sqlite", "pg_dump") else ""
    schema = 'db_schema = "public"\n' if fmt == "pg_dump" else ""
    catalogue = tmp / f"{filename}.toml"
    catalogue.write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "bad"\nregistry = "{REGISTRY}"\nformat = "{fmt}"\n'
        f'path = "{filename}"\nkey_column = "stt"\nextract_date = "2025-08-31"\n{table}{schema}{options}\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    wh = with_reference_snapshot(tmp / f"wh_{filename}")  # not written again for each case (tests/referencecopy.py)
    return ingest_extract(wh, REGISTRY, extract, PERSONAL)


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _quarantined(result: Ingested) -> dict[str, str]:
    """source key -> reason of each quarantined row."""
    return dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))


# --------------------------------------------------------------------------- csv


def test_a_csv_cell_with_a_bare_carriage_return_beside_an_unbalanced_quote_loses_no_row(tmp_path):
    """An unbalanced quote sends the file down the line-by-line path, where a bare CR inside a cell made Python's
    csv module raise and the whole file fail; the CR is a character of its cell, the bad line is quarantined."""
    text = _csv(ROWS).replace("Trần Thị", "Trần\rThị").replace("Lê Văn", '"Lê Văn')
    result = _ingest(tmp_path, "csv", "cr.csv", text.encode("utf-8"))
    assert result.state == "ok", result.cause
    assert result.raw.height == 3 and set(result.staged["source_key"]) == {"1", "2"}
    assert "unbalanced quote" in _quarantined(result)["line:4"]
    staged = dict(zip(result.staged["source_key"], result.staged["head_name"], strict=True))
    assert staged["2"].split() == ["Trần", "Thị", "Bình"]  # the CR separates two words, as in the fast path


def test_a_csv_header_cell_with_a_bare_carriage_return_is_read(tmp_path):
    text = _csv([[*r, "x"] for r in ROWS], header=[*HEADER, "ghi\rchú"])
    result = _ingest(tmp_path, "csv", "crhead.csv", text.encode("utf-8"))
    assert result.state == "ok", result.cause
    assert result.staged.height == 3
    assert all(json.loads(e) == {"ghichú": "x"} for e in result.raw["extra_columns"])  # kept, control char dropped


# --------------------------------------------------------------------------- sqlite


def _sqlite(path: Path, rows: list[list[str]], *more: str) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {REGISTRY} ({', '.join(HEADER)})")
        conn.executemany(f"INSERT INTO {REGISTRY} VALUES ({', '.join('?' * len(HEADER))})", rows)
        for statement in more:
            conn.execute(statement)
    conn.close()
    data = path.read_bytes()
    path.unlink()
    return data


def test_a_sqlite_row_with_bytes_that_are_not_utf8_is_quarantined_not_the_whole_table(tmp_path):
    """A TEXT cell holding invalid UTF-8, or a BLOB cell, made sqlite3 raise while fetching and the whole table fail;
    those rows go to the quarantine naming the row and the column, the others load, none is lost or doubled."""
    more = [[str(n), f"HK{n:03}", "Phạm Văn Dũng", "079085009999", "9 Lý Tự Trọng, Quận 1", "1", "01/01/2020"]
            for n in range(10, 40)]  # fmt: skip
    rows = ROWS + more
    data = _sqlite(
        tmp_path / "made.sqlite",
        rows,
        f"INSERT INTO {REGISTRY} VALUES ('5', CAST(X'48FF4B' AS TEXT), 'Võ An', NULL, 'x', '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('6', 'HK6', X'00FFFE', NULL, 'x', '1', NULL)",
        f"INSERT INTO {REGISTRY} VALUES ('7', 'HK7', 'Đỗ Bình', NULL, 'x', '1', NULL)",
    )
    result = _ingest(tmp_path, "sqlite", "bytes.sqlite", data)
    assert result.state == "ok", result.cause
    assert result.raw.height == len(rows) + 3 and result.raw["source_key"].n_unique() == result.raw.height
    reasons = _quarantined(result)
    assert "so_ho_khau" in reasons["5"] and "not valid UTF-8" in reasons["5"], reasons
    assert "ten_chu_ho" in reasons["6"] and "not valid UTF-8" in reasons["6"], reasons
    assert "7" in set(result.staged["source_key"]) and "1" in set(result.staged["source_key"])


def test_a_sqlite_read_that_meets_undecodable_bytes_mid_stream_sends_each_row_once(tmp_path):
    """The lenient second pass starts after the rows the first pass already sent (small batches)."""
    from pipelines.ingest.sql import SOURCE_KEY, UNDECODABLE, read_sql_table

    path = tmp_path / "t.sqlite"
    path.write_bytes(
        _sqlite(
            tmp_path / "made.sqlite",
            [[str(n), "HK", "A", None, "x", "1", None] for n in range(10, 30)],
            f"INSERT INTO {REGISTRY} VALUES ('25b', CAST(X'48FF4B' AS TEXT), 'A', NULL, 'x', '1', NULL)",
        )
    )
    frames = list(read_sql_table(f"sqlite:///{path.as_posix()}", REGISTRY, key_column="stt", batch_rows=3))
    keys = pl.concat([f.select(SOURCE_KEY) for f in frames])[SOURCE_KEY]
    with sqlite3.connect(path) as conn:  # the keys straight from the database
        expected = sorted(r[0] for r in conn.execute(f"SELECT stt FROM {REGISTRY}"))
    assert sorted(keys) == expected and keys.n_unique() == len(expected) == 21
    marked = pl.concat([f for f in frames if UNDECODABLE in f.columns]).filter(pl.col(UNDECODABLE).is_not_null())
    assert marked[SOURCE_KEY].to_list() == ["25b"] and marked[UNDECODABLE].to_list() == ["so_ho_khau"]
    assert marked["so_ho_khau"].to_list() == ["\\x48ff4b"]  # its bytes as hex (no reading is certain)


# --------------------------------------------------------------------------- pg_dump


def _dump(table: str, header: list[str], rows: list[list[str]]) -> str:
    body = "".join("\t".join(r) + "\n" for r in rows)
    return f"COPY {table} ({', '.join(header)}) FROM stdin;\n{body}\\.\n\n"


def test_a_dump_reads_only_the_copy_blocks_of_the_catalogued_table(tmp_path):
    """Other tables' COPY blocks in the same dump were read as this source's rows (same columns: merged silently;
    other columns: the whole file failed)."""
    old = [["9", "HK009", "Hồ Văn Cũ", "079085007777", "1 Cũ, Quận 1", "2", "01/01/2000"]]
    dump = (
        "SET client_encoding = 'UTF8';\n"
        + _dump("public.audit_log", ["id", "what"], [["1", "login"]])
        + _dump("public.households_2019", HEADER, old)
        + _dump("public.households", HEADER, ROWS)
        + _dump('"public"."other"', HEADER, old)
    )
    result = _ingest(tmp_path, "pg_dump", "many.sql", dump.encode("utf-8"))
    assert result.state == "ok", result.cause
    assert sorted(result.raw["source_key"]) == ["1", "2", "3"]

    missing = _ingest(tmp_path, "pg_dump", "none.sql", _dump("public.audit_log", ["id", "what"], [["1", "x"]]).encode())
    assert missing.state == "failed"
    assert "none.sql" in missing.cause and "no COPY block of table public.households" in missing.cause, missing.cause


# --------------------------------------------------------------------------- encodings


def test_a_utf8_file_declared_as_a_legacy_encoding_is_read_as_utf8_not_staged_as_garbage(tmp_path):
    """UTF-8 bytes decoded as TCVN3 or VNI were staged as garbled names with no issue (every byte is a letter in
    those tables), and as cp1258 every line with a Vietnamese letter was quarantined: the bytes are read as what
    they are, and the encoding says the declaration was wrong."""
    from pipelines.ingest.raw import load_raw

    data = _csv(ROWS).encode("utf-8")
    for encoding in (*LEGACY, "utf-8", "detect"):
        result = _ingest(tmp_path, "csv", f"{encoding}.csv", data, f'encoding = "{encoding}"')
        assert result.state == "ok", (encoding, result.cause)
        assert sorted(result.staged["head_name"]) == sorted(r[2] for r in ROWS), encoding
        (extract,) = extracts_by_partition(load_catalogue([tmp_path / f"{encoding}.csv.toml"])).values()
        used = load_raw(extract, "test-run").encoding
        assert used == ("utf-8" if encoding in ("utf-8", "detect") else f"utf-8 (declared {encoding})"), used


def test_a_legacy_encoded_file_declared_as_such_is_still_read(tmp_path):
    for encoding, codec in LEGACY_CODECS.items():
        encode = codec.encode
        result = _ingest(tmp_path, "csv", f"legacy_{encoding}.csv", encode(_csv(ROWS)), f'encoding = "{encoding}"')
        assert result.state == "ok", (encoding, result.cause)
        assert result.staged.height == 3 and "Bình" in " ".join(result.staged["head_name"]), encoding


# --------------------------------------------------------------------------- files that cannot be read at all


def _xlsx(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            sheet.write_string(i, j, value)
    book.close()
    data = path.read_bytes()
    path.unlink()
    return data


def _cut_sheet(workbook: bytes, tmp: Path) -> bytes:
    """The workbook with its sheet's XML cut in the middle (a complete zip archive around it)."""
    import zipfile

    out = tmp / "cut_sheet.xlsx"
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            target.writestr(item, part[: len(part) // 2] if item.filename.endswith("sheet1.xml") else part)
    data = out.read_bytes()
    out.unlink()
    return data


def test_a_file_that_cannot_be_read_at_all_fails_with_a_cause_that_says_why(tmp_path):
    """The partition fails, and its cause names the file and why, not only a library's exception type
    ('CalamineError', 'DatabaseError', 'reading stopped: MissingTableError')."""
    workbook = _xlsx(tmp_path / "made.xlsx", ROWS)
    database = _sqlite(tmp_path / "made.sqlite", ROWS)
    cases = {
        ("xlsx", "cut.xlsx"): (workbook[: len(workbook) // 2], "not a complete zip archive"),
        ("xlsx", "empty.xlsx"): (b"", "the file is empty"),
        ("xlsx", "text.xlsx"): (_csv(ROWS).encode(), "not a complete zip archive"),
        ("sqlite", "cut.sqlite"): (database[: len(database) // 2], "damaged or cut off"),
        ("sqlite", "text.sqlite"): (_csv(ROWS).encode(), "not a SQLite database"),
        ("sqlite", "empty.sqlite"): (b"", "the file is empty"),
        ("jsonl", "empty.jsonl"): (b"", "the file is empty"),
        ("jsonl", "blank.jsonl"): (b"\n\n  \n", "the file is empty"),
        ("jsonl", "csv.jsonl"): (_csv(ROWS).encode(), "none of its 4 lines is a JSON object (line 1: "),
        ("csv", "bom.csv"): (b"\xef\xbb\xbf", "the file is empty"),
        ("csv", "bom16.csv"): (b"\xff\xfe", "the file is empty"),
        ("jsonl", "bom.jsonl"): (b"\xef\xbb\xbf\n", "the file is empty"),
        ("csv", "zeros.csv"): (b"\x00" * 5000, "only NUL bytes"),
        ("jsonl", "zeros.jsonl"): (b"\x00" * 100, "only NUL bytes"),
        ("xlsx", "zeros.xlsx"): (b"\x00" * 100, "only NUL bytes"),
    }
    with sqlite3.connect(tmp_path / "notable.sqlite") as conn:
        conn.execute("CREATE TABLE something_else (a)")
    conn.close()
    cases[("sqlite", "notable.sqlite")] = ((tmp_path / "notable.sqlite").read_bytes(), "table 'households' not found")
    cases[("xlsx", "cutsheet.xlsx")] = (_cut_sheet(workbook, tmp_path), "sheet 'Sheet1' is damaged or cut off")
    for (fmt, filename), (data, cause) in cases.items():
        result = _ingest(tmp_path, fmt, filename, data)
        assert result.state == "failed", (filename, result)
        assert filename in result.cause and cause in result.cause, (filename, result.cause)


# --------------------------------------------------------------------------- jsonl


def test_a_json_line_that_repeats_a_key_is_quarantined_not_read_with_one_of_its_values(tmp_path):
    """A line with the same key twice lost one of its values silently (polars kept one, Python's json the other):
    which one the source meant is unknown, so the line is quarantined naming the line and the key."""
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    lines[1] = lines[1].replace('"ten_chu_ho": ', '"ten_chu_ho": "Trần Văn Khác", "ten_chu_ho": ')
    text = (
        "\n".join(lines)
        + '\n{"stt": "8", "note": "a \\": quoted colon", "so_ho_khau": "HK8", "ten_chu_ho": "Mai Lan", "dia_chi": "x"}'
        # the repeat's second value an explicit null: polars kept the first value, Python's json the null
        + '\n{"stt": "10", "so_ho_khau": "HK10", "ten_chu_ho": "Mai Lan", "ten_chu_ho": null, "dia_chi": "y"}\n'
    )
    for damaged in (False, True):  # the polars path, and the line-by-line path a broken line sends the file to
        data = (text + ('{"stt": "9", "so_ho' if damaged else "")).encode("utf-8")
        result = _ingest(tmp_path, "jsonl", f"dup_{damaged}.jsonl", data)
        assert result.state == "ok", result.cause
        reasons = _quarantined(result)
        assert "line 2" in reasons["line:2"] and "'ten_chu_ho' more than once" in reasons["line:2"], reasons
        assert "line 5" in reasons["line:5"] and "'ten_chu_ho' more than once" in reasons["line:5"], reasons
        assert sorted(result.staged["source_key"]) == ["1", "3", "8"], damaged  # a quoted ": is not a key
        assert result.raw.height == 5 + damaged


def test_a_utf16_file_with_its_byte_order_mark_is_read_as_utf16(tmp_path):
    """Excel's 'Unicode text' export is UTF-16 with a BOM: detected as TCVN3 it was staged with garbled names
    (NULs between letters, taken for separators); declared utf-8 every row was quarantined; as JSON lines no line
    was an object. The BOM says what it is, whatever the catalogue declares."""
    from pipelines.ingest.raw import load_raw

    text = _csv(ROWS)
    cases = [
        ("csv", "u16.csv", text.encode("utf-16"), "detect", "utf-16"),
        ("csv", "u16be.csv", b"\xfe\xff" + text.encode("utf-16-be"), "utf-8", "utf-16 (declared utf-8)"),
        ("jsonl", "u16.jsonl", "".join(json.dumps(dict(zip(HEADER, r, strict=True))) + "\n" for r in ROWS).encode("utf-16"), "utf-8", "utf-16 (declared utf-8)"),
    ]  # fmt: skip
    for fmt, filename, data, declared, used in cases:
        result = _ingest(tmp_path, fmt, filename, data, f'encoding = "{declared}"')
        assert result.state == "ok", (filename, result.cause)
        assert sorted(result.staged["head_name"]) == sorted(r[2] for r in ROWS), filename
        assert sorted(result.staged["head_personal_id"]) == sorted(r[3] for r in ROWS), filename
        (extract,) = extracts_by_partition(load_catalogue([tmp_path / f"{filename}.toml"])).values()
        assert load_raw(extract, "test-run").encoding == used, filename

    cut = _ingest(tmp_path, "csv", "u16cut.csv", text.encode("utf-16")[:-3], 'encoding = "detect"')  # odd bytes
    assert cut.state == "ok", cut.cause
    assert sorted(cut.staged["source_key"]) == ["1", "2"] and list(_quarantined(cut)) == ["line:4"]


# --------------------------------------------------------------------------- a header that names a column twice


def test_a_mapped_column_named_twice_quarantines_the_rows_where_the_two_differ(tmp_path):
    """The first of two same-named columns was mapped and the other kept aside, silently, even where they disagree:
    such rows are quarantined naming the row and the column; rows where they agree (or one is empty) load, with
    the value of the copy that holds one (a first copy empty or blank and the second filled was read as missing)."""
    header = [*HEADER, "ten_chu_ho"]
    rows = [[*ROWS[0], ROWS[0][2]], [*ROWS[1], "Trần Văn Khác"], [*ROWS[2], ""]]
    for key, blank, name in (("4", "", "Phạm Thị Dung"), ("5", "  ", "Võ Văn Em")):  # first copy empty, second not
        rows.append([key, f"HK00{key}", blank, f"07909000{key}321", ROWS[0][4], "1", "01/01/2022", name])
    dump = f"COPY public.households ({', '.join(header)}) FROM stdin;\n" + "".join("\t".join(r) + "\n" for r in rows)
    files = {
        "csv": ("twice.csv", _csv(rows, header=header).encode("utf-8")),
        "xlsx": ("twice.xlsx", _xlsx(tmp_path / "made.xlsx", rows, header=header)),
        "pg_dump": ("twice.sql", (dump + "\\.\n").encode("utf-8")),
    }
    for fmt, (filename, data) in files.items():
        result = _ingest(tmp_path, fmt, filename, data)
        assert result.state == "ok", (fmt, result.cause)
        assert sorted(result.staged["source_key"]) == ["1", "3", "4", "5"], fmt
        names = dict(result.staged.select("source_key", "head_name").iter_rows())
        assert names == {"1": ROWS[0][2], "3": ROWS[2][2], "4": "Phạm Thị Dung", "5": "Võ Văn Em"}, fmt
        (reason,) = _quarantined(result).values()
        assert "'ten_chu_ho'" in reason and "more than once" in reason and "differ" in reason, (fmt, reason)
        assert list(_quarantined(result)) == ["2"] and ("line:3" in reason or "row:3" in reason), (fmt, reason)


def test_a_row_differing_in_two_columns_named_twice_is_quarantined_naming_the_first_in_header_order(tmp_path):
    """The reason named the column first by name (dia_chi before ten_chu_ho), not the first in the header, as it says."""
    header = [*HEADER, "dia_chi", "ten_chu_ho"]  # the second copies listed in the other order
    rows = [[*ROWS[0], ROWS[0][4]], [*ROWS[1], "Nơi Khác", "Trần Văn Khác"]]
    rows[0].append(ROWS[0][2])
    result = _ingest(tmp_path, "csv", "twice2.csv", _csv(rows, header=header).encode("utf-8"))
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1"]
    (reason,) = _quarantined(result).values()
    assert "column 'ten_chu_ho' is named more than once" in reason and "dia_chi" not in reason, reason


def test_a_utf8_byte_order_mark_before_legacy_bytes_is_read_as_the_legacy_encoding(tmp_path):
    """A BOM followed by cp1258 bytes (a tool added the mark, the text stayed Windows-1258): detected as cp1258
    after the mark, every row staged with its Vietnamese text; before, every line was an undecodable UTF-8 one."""
    result = _ingest(tmp_path, "csv", "bom1258.csv", b"\xef\xbb\xbf" + encode_cp1258(_csv(ROWS)))
    assert result.state == "ok" and result.staged.height == 3 and result.quarantine.height == 0
    assert sorted(result.staged["head_name"]) == sorted(r[2] for r in ROWS)
    declared = _ingest(tmp_path, "csv", "bom8.csv", b"\xef\xbb\xbf" + encode_cp1258(_csv(ROWS)), 'encoding = "utf-8"\n')
    # declared UTF-8: as declared, no row is valid, so the partition fails naming the encoding the rows read in
    # (before HV16: ok, each row quarantined 'not valid utf-8' and queued to the officials)
    assert declared.state == "failed" and "3 of its 3 rows are not valid utf-8" in declared.cause, declared.cause
    assert 'declare encoding = "cp1258"' in declared.cause


def test_a_line_of_nul_bytes_is_quarantined_as_such_keyed_by_its_place(tmp_path):
    """A zero-filled block inside a CSV (a copy that never finished writing) is one quarantined row naming the
    line and the cause, keyed by its line (a key cell of NUL bytes identifies nothing); the other rows stage."""
    data = (_csv(ROWS[:2]) + "\x00" * 64 + "\n" + _csv(ROWS[2:], header=[]).lstrip("\n")).encode()
    result = _ingest(tmp_path, "csv", "zeros.csv", data)
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert _quarantined(result) == {
        "line:4": "line 4 holds only NUL bytes (a zero-filled block: a copy or write that never finished?)"
    }
    nul_key = _csv([["\x00\x00", *ROWS[0][1:]]]).encode()  # a key cell of NULs in a readable row
    keyed = _ingest(tmp_path, "csv", "nulkey.csv", nul_key)
    assert keyed.raw["source_key"].to_list() == ["line:2"] and "key_synthetic" in keyed.raw["row_flags"][0]


def test_a_json_lines_file_cut_inside_its_last_line_quarantines_that_line_only(tmp_path):
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    result = _ingest(tmp_path, "jsonl", "cut.jsonl", ("\n".join(lines) + '\n{"stt": "4", "so_ho').encode())
    assert result.state == "ok" and result.staged.height == 3
    (reason,) = _quarantined(result).values()
    assert reason == "file ends mid-row on line 4 (truncated)"  # a transfer problem, as a CSV's (test_jsonl_truncated)


def test_a_workbook_with_a_notes_sheet_and_data_on_several_sheets_under_merged_titles_loses_no_row(tmp_path):
    import xlsxwriter

    book_path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(book_path), {"strings_to_numbers": False})
    book.add_worksheet("Ghi chu").write_string(0, 0, "Danh sách xuất từ hệ thống cũ")
    for name, rows in (("Trang 1", ROWS[:2]), ("Trang 2", ROWS[2:])):
        sheet = book.add_worksheet(name)
        sheet.merge_range(0, 0, 0, len(HEADER) - 1, "DANH SÁCH HỘ KHẨU")
        for r, row in enumerate([HEADER, *rows], start=2):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    book.close()
    result = _ingest(tmp_path, "xlsx", "book2.xlsx", book_path.read_bytes())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"]


def test_a_header_without_rows_loads_nothing_and_fails_nothing(tmp_path):
    for name, data in (("h.csv", ",".join(HEADER) + "\n"), ("h2.csv", ",".join(HEADER))):
        result = _ingest(tmp_path, "csv", name, data.encode())
        assert result.state == "ok" and result.raw.height == 0


def _workbook(
    path: Path, rows: list[list[str]], *, at: tuple[int, int] = (0, 0), merged_address: bool = False
) -> bytes:
    """A one-sheet workbook 'S' with the header and ``rows`` from cell ``at`` (0-based row, column); with
    ``merged_address`` the address of the first row is merged down over every data row (the others empty)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    address = HEADER.index("dia_chi")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            if not (merged_address and r > 1 and c == address) and value:
                sheet.write_string(at[0] + r, at[1] + c, value)
    if merged_address:
        sheet.merge_range(at[0] + 1, at[1] + address, at[0] + len(rows), at[1] + address, rows[0][address])
    book.close()
    return path.read_bytes()


def test_a_cell_merged_down_the_rows_gives_its_value_to_each_row(tmp_path):
    """Official lists merge a household's address over its members' rows: the value is in the top cell only,
    the rows below read empty and were quarantined ('address: missing'); each row now has the address."""
    data = _workbook(tmp_path / "m.xlsx", ROWS, merged_address=True)
    result = _ingest(tmp_path, "xlsx", "merged.xlsx", data)
    assert result.state == "ok" and result.quarantine.height == 0
    assert result.raw["address"].to_list() == [ROWS[0][4]] * 3


def test_a_sheet_whose_table_starts_below_and_right_of_a1_names_its_rows_as_excel_does(tmp_path):
    """The table starts at C5 (header on sheet row 5): a row without a key is keyed by its sheet row (7), not by
    its place in the reader's range (which starts at the first filled cell); merged cells are found there too."""
    rows = [ROWS[0], ["", *ROWS[1][1:]], ROWS[2]]
    result = _ingest(tmp_path, "xlsx", "offset.xlsx", _workbook(tmp_path / "o.xlsx", rows, at=(4, 2)))
    assert result.state == "ok" and sorted(result.raw["source_key"]) == ["1", "3", "S!row:7"]
    merged = _ingest(
        tmp_path, "xlsx", "offm.xlsx", _workbook(tmp_path / "om.xlsx", ROWS, at=(4, 2), merged_address=True)
    )
    assert merged.state == "ok" and merged.raw["address"].to_list() == [ROWS[0][4]] * 3


def test_a_workbook_column_named_like_a_readers_own_column_is_kept_apart(tmp_path):
    """Header cells '_line', '_source_key', '_overflow' (the reader's own columns) failed the whole workbook with a
    withheld polars error; they are renamed apart (as in CSV) and kept in extra_columns."""
    rows = [[*r, "a", "b", "c"] for r in ROWS]
    path = tmp_path / "own.xlsx"
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    for r, row in enumerate([[*HEADER, "_line", "_source_key", "_overflow"], *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    result = _ingest(tmp_path, "xlsx", "own2.xlsx", path.read_bytes())
    assert result.state == "ok" and sorted(result.raw["source_key"]) == ["1", "2", "3"]
    assert json.loads(result.raw["extra_columns"][0]) == {"_line_2": "a", "_source_key_2": "b", "_overflow_2": "c"}


def test_a_json_array_declared_as_json_lines_fails_saying_what_it_is(tmp_path):
    objects = [dict(zip(HEADER, r, strict=True)) for r in ROWS]
    for name, text in (
        ("a.jsonl", json.dumps(objects, ensure_ascii=False)),
        ("b.jsonl", json.dumps(objects, indent=1)),
    ):
        result = _ingest(tmp_path, "jsonl", name, text.encode())
        assert result.state == "failed" and f"{name}: the file is one JSON array" in result.cause


def test_utf16_without_byte_order_mark_is_read_as_utf16_not_staged_garbled(tmp_path):
    """UTF-16 text without a BOM is valid UTF-8 wherever it is ASCII: it was read with NULs between letters, its
    Vietnamese letters garbled and staged with no issue, plus a phantom last row. Detected by its NUL pattern."""
    for codec in ("utf-16-le", "utf-16-be"):
        result = _ingest(tmp_path, "csv", f"{codec}.csv", _csv(ROWS).encode(codec))
        assert result.state == "ok" and result.raw.height == 3 and result.quarantine.height == 0, codec
        assert sorted(result.staged["head_name"]) == sorted(r[2] for r in ROWS)


def test_a_utf8_file_with_one_legacy_line_reads_that_line_in_its_encoding_and_the_others_intact(tmp_path):
    """A UTF-8 export with one line appended by a cp1258 system was detected as cp1258 as a whole: every UTF-8
    letter of the other rows was garbled (some staged as is). Then it was UTF-8 and the foreign line quarantined; now
    (tests/test_ingest_legacy_lines.py) that line, clean Vietnamese in cp1258 only, is read in cp1258 and said."""
    foreign = encode_cp1258('4,HK004,Lê Văn Dũng,079088005556,"9 Pasteur, Phường Bến Thành, Quận 1",2,01/01/2020\n')
    result = _ingest(tmp_path, "csv", "mixed.csv", _csv(ROWS).encode() + foreign)
    assert result.state == "ok" and sorted(result.staged["head_name"]) == sorted([*(r[2] for r in ROWS), "Lê Văn Dũng"])
    repairs = dict(zip(result.staged["source_key"], result.staged["text_repairs"], strict=True))
    assert [repairs[k] for k in "123"] == [None] * 3  # nothing needed repairing
    assert "head_name:cp1258" in repairs["4"], repairs["4"]
    assert result.quarantine.height == 0, _quarantined(result)


# --------------------------------------------------------------------------- hostile inputs (review of the ingest mends)


def test_a_header_quote_that_is_never_closed_rejects_naming_the_header_not_a_bare_error(tmp_path):
    """A stray quote opening a header name swallowed the whole file into the header record; the csv module's
    error reached the status as 'cannot read as csv: Error'. The cause now names the header line, the field and the
    quote, and the rows are quarantined (tests/test_ingest_header_quotes.py)."""
    for name, header, n in (("a.csv", '"stt,' + ",".join(HEADER[1:]), 1), ("b.csv", 'stt,"' + ",".join(HEADER[1:]), 2)):
        text = header + "\n" + _csv(ROWS).split("\n", 1)[1]
        result = _ingest(tmp_path, "csv", name, text.encode())
        assert result.state == "rejected"
        assert f"{name}: header line 1, field {n} opens a quote that is never closed" in result.cause, result.cause
    quoted = '"stt","so_ho_khau","ten_chu_ho","cccd_chu_ho","dia_chi","so_nhan_khau","ngay\nđăng ký"\n'
    result = _ingest(tmp_path, "csv", "c.csv", (quoted + _csv(ROWS).split("\n", 1)[1]).encode())
    assert result.state == "ok" and result.raw.height == 3  # a quoted name holding a line break is a name


def test_json_lines_of_empty_objects_fail_as_a_schema_error_not_a_shape_error(tmp_path):
    """Lines '{}' only: polars' frame of no column has no row, and the line numbers could not be added (ShapeError,
    the partition failed with the library's error type). An empty object among records is a row (quarantined)."""
    result = _ingest(tmp_path, "jsonl", "empty.jsonl", b"{}\n{}\n")
    assert result.state == "failed" and "required column(s)" in result.cause and "Error" not in result.cause
    record = json.dumps(dict(zip(HEADER, ROWS[0], strict=True)), ensure_ascii=False)
    mixed = _ingest(tmp_path, "jsonl", "mixed.jsonl", f"{record}\n{{}}\n[1]\n".encode())
    assert mixed.state == "ok" and mixed.raw.height == 3 and mixed.staged.height == 1
    assert _quarantined(mixed)["line:3"] == "line 3 is not a JSON object: it is a list"


def test_a_workbook_whose_sheet_list_is_damaged_says_so(tmp_path):
    import zipfile

    data = _workbook(tmp_path / "w.xlsx", ROWS)
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            target.writestr(
                item, part.replace(b"<sheets>", b"<sheets><x") if item.filename == "xl/workbook.xml" else part
            )
    result = _ingest(tmp_path, "xlsx", "sheets.xlsx", out.getvalue())
    assert result.state == "failed" and "sheets.xlsx: the workbook lists no sheet" in result.cause


def test_a_workbook_header_below_the_rows_searched_names_the_remedy(tmp_path):
    """A header under 35 title rows is not found: the cause says where it was looked for and what finds it."""
    import xlsxwriter

    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    for r, row in enumerate([["DANH SÁCH HỘ"]] * 35 + [HEADER, *ROWS]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    result = _ingest(tmp_path, "xlsx", "low.xlsx", path.read_bytes())
    assert result.state == "failed" and "in the first 30 rows" in result.cause and "header_row" in result.cause
    result = _ingest(tmp_path, "xlsx", "low2.xlsx", path.read_bytes(), "header_row = 35\n")
    assert result.state == "ok" and sorted(result.raw["source_key"]) == ["1", "2", "3"]
