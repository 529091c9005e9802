"""Export writers (pipelines.synth.formats): every format round-trips a messy frame."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from pipelines.encodings import (
    LEGACY,
    LEGACY_CODECS,
    TCVN3_CASE_LOST,
    VIETNAMESE_LETTERS,
    make_mojibake,
    repair_mojibake,
)
from pipelines.synth.formats import CSV_ENCODINGS, FORMATS, TableWriter, open_writer, truncate_file

COLUMNS = ["so_dinh_danh", "Họ và tên", "Địa chỉ", "ghi_chu", "ma_phuong"]
ALL_LETTERS = " ".join(f"x{c}y {c}" for c in VIETNAMESE_LETTERS)  # every letter, both cases

FRAME = pl.DataFrame(
    {
        "so_dinh_danh": ["079201000123", "001", "0000000009", "074190123456", "077300000001", "079999999999"],
        "Họ và tên": [
            "Nguyễn Thị Minh Khai",
            "TRẦN VĂN ƠN",
            "Đặng Ngọc Ẩn",
            "Lê Thị Hồng Gấm",
            "Huỳnh Đức Thắng",
            "Hoàng Thị Ánh Tuyết",
        ],
        "Địa chỉ": [
            "12 Lê Lợi, Phường Bến Nghé, Quận 1",
            'Hẻm "51" Lý Thường Kiệt; P.7',
            "Ấp 3\nXã Bình Mỹ\r\nHuyện Củ Chi",
            "tab\there, back\\slash \\N",
            ALL_LETTERS,
            "  Khu phố 4  ",
        ],
        "ghi_chu": [None, "", "Tạm vắng", None, 'a,b;c\t"d"', "Đã chuyển đi"],
        "ma_phuong": ["26740", "26737", None, "00001", "26734", "27100"],
    },
    schema={c: pl.String for c in COLUMNS},
)


TEXT_FORMATS = tuple(f for f in FORMATS if f != "dbf")  # dbf field names are ASCII: tests/test_dbf.py


def write(path: Path, fmt: str, frame: pl.DataFrame = FRAME, chunk: int | None = None, **kw):
    with open_writer(path, fmt, "nhan_khau", frame.columns, **kw) as w:
        step = chunk or max(frame.height, 1)
        for i in range(0, frame.height, step):
            w.write(frame.slice(i, step))
    return w.stats


def tcvn3_expected(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as TCVN3 gives it back: toned capitals in lower case."""
    lost = sorted(TCVN3_CASE_LOST)
    return frame.with_columns(
        pl.col(c).str.replace_many(lost, [x.lower() for x in lost]) for c in frame.columns
    ).rename(lambda c: "".join(x.lower() if x in TCVN3_CASE_LOST else x for x in c))


DECODERS = {
    "utf-8": lambda b: b.decode("utf-8"),
    "utf-8-sig": lambda b: b.decode("utf-8-sig"),
    **{name: codec.decode for name, codec in LEGACY_CODECS.items()},  # every legacy encoding declared
    "mojibake": lambda b: b.decode("utf-8"),  # cells are repaired after parsing
}


def read_csv_back(path: Path, encoding: str, skip_rows: int = 0, **kw) -> pl.DataFrame:
    text = DECODERS[encoding](path.read_bytes())
    df = pl.read_csv(io.StringIO(text), infer_schema=False, skip_rows=skip_rows, **kw)
    if encoding == "mojibake":
        df = df.select(pl.col(c).map_elements(repair_mojibake, return_dtype=pl.String) for c in df.columns)
        df = df.rename(repair_mojibake)
    return df


# --------------------------------------------------------------------------- csv


@pytest.mark.parametrize("encoding", CSV_ENCODINGS)
def test_csv_round_trip_per_encoding(tmp_path, encoding):
    path = tmp_path / f"t_{encoding}.csv"
    stats = write(path, "csv", encoding=encoding)
    assert (stats.rows, stats.fmt, stats.encoding, stats.unencodable) == (6, "csv", encoding, 0)
    assert stats.bytes == path.stat().st_size and stats.header_row == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding in LEGACY:
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really a legacy file
    back = read_csv_back(path, encoding)
    expected = tcvn3_expected(FRAME) if encoding == "tcvn3" else FRAME
    assert back.columns == expected.columns
    assert back.equals(expected)  # nulls stay null, "" stays "", leading zeros kept


def test_csv_mojibake_is_double_decoded_utf8(tmp_path):
    path = tmp_path / "m.csv"
    write(path, "csv", encoding="mojibake")
    text = path.read_bytes().decode("utf-8")
    assert make_mojibake("Nguyễn Thị Minh Khai") in text and "Nguyễn" not in text
    assert text.startswith("so_dinh_danh," + make_mojibake("Họ và tên"))


def test_csv_tcvn3_loses_only_toned_capitals(tmp_path):
    path = tmp_path / "t.csv"
    write(path, "csv", encoding="tcvn3")
    back = read_csv_back(path, "tcvn3")
    assert back["Họ và tên"][1] == "TRầN VĂN ƠN"  # Ầ lost its case, Ă and Ơ did not
    assert back["Họ và tên"][2] == "Đặng Ngọc ẩn"


@pytest.mark.parametrize(("delimiter", "terminator"), [(";", "\r\n"), ("\t", "\n"), (",", "\r\n"), ("|", "\n")])
def test_csv_delimiters_and_line_endings(tmp_path, delimiter, terminator):
    path = tmp_path / "d.csv"
    stats = write(path, "csv", delimiter=delimiter, line_terminator=terminator)
    raw = path.read_bytes()
    header = raw.split(terminator.encode())[0].decode()
    assert header == delimiter.join(COLUMNS)
    assert stats.delimiter == delimiter and stats.line_terminator == terminator
    assert raw.endswith(terminator.encode())
    if terminator == "\n":
        assert b"\r\n" not in raw.replace(b"\r\nHuy", b"")  # only the CR LF inside a value
    back = pl.read_csv(path, separator=delimiter, infer_schema=False)
    assert back.equals(FRAME)
    # Declared ',' but written with another delimiter: one column, as a bad file should.
    if delimiter in (";", "\t"):
        wrong = pl.read_csv(path, separator=",", infer_schema=False, n_rows=0)
        assert wrong.columns != COLUMNS


def test_csv_rfc4180_quoting(tmp_path):
    path = tmp_path / "q.csv"
    write(path, "csv", line_terminator="\r\n")
    text = path.read_bytes().decode("utf-8")
    assert '"Hẻm ""51"" Lý Thường Kiệt; P.7"' in text  # quotes doubled
    assert '"Ấp 3\nXã Bình Mỹ\r\nHuyện Củ Chi"' in text  # line breaks quoted, kept as is
    assert "\r\n001,TRẦN VĂN ƠN," in text
    assert ',"",' in text  # empty string quoted; null is nothing
    assert '079201000123,Nguyễn Thị Minh Khai,"12 Lê Lợi, Phường Bến Nghé, Quận 1",,26740\r\n' in text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "vni"])
def test_csv_title_rows(tmp_path, encoding):
    path = tmp_path / "t.csv"
    titles = ["UỶ BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ", "DANH SÁCH, NHÂN KHẨU"]
    stats = write(path, "csv", encoding=encoding, title_rows=titles)
    assert stats.header_row == 3
    lines = DECODERS[encoding](path.read_bytes()).split("\n")
    assert lines[:4] == [titles[0], '"DANH SÁCH, NHÂN KHẨU"', "", ",".join(COLUMNS)]
    assert read_csv_back(path, encoding, skip_rows=stats.header_row).equals(FRAME)


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3", "vni"])  # what each holds of ñ is known per encoding
def test_csv_unencodable_characters_become_question_marks(tmp_path, encoding):
    frame = pl.DataFrame(
        {"a": ["Trần 陳 Văn", "ok", "🙂🙂", "Peña"], "b": ["x", None, "Nguyễn", "Ñ"]},
        schema={"a": pl.String, "b": pl.String},
    )
    path = tmp_path / "u.csv"
    stats = write(path, "csv", frame, chunk=1, encoding=encoding)
    back = read_csv_back(path, encoding)
    # ñ/Ñ: cp1258 has them; TCVN3 has no slot for them and VNI uses them for đ/Đ.
    has_n_tilde = encoding == "cp1258"
    assert stats.unencodable == 3 + (0 if has_n_tilde else 2)
    assert back["a"].to_list() == ["Trần ? Văn", "ok", "??", "Peña" if has_n_tilde else "Pe?a"]
    assert back["b"].to_list() == ["x", None, "Nguyễn", "Ñ" if has_n_tilde else "?"]


def test_nfd_input_is_normalised_for_legacy_encodings(tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Phường Tân Định")
    frame = pl.DataFrame({"a": [nfd]})
    for encoding in LEGACY:
        path = tmp_path / f"{encoding}.csv"
        assert write(path, "csv", frame, encoding=encoding).unencodable == 0
        assert read_csv_back(path, encoding)["a"][0] == "Phường Tân Định"


# --------------------------------------------------------------------------- xlsx

TITLES = ["UỶ BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ", "DANH SÁCH NHÂN KHẨU THƯỜNG TRÚ", "Ngày xuất: 15/05/2025"]


def read_xlsx_back(path: Path, stats) -> pl.DataFrame:
    parts = [
        pl.read_excel(path, sheet_name=s, read_options={"header_row": stats.header_row}).cast(pl.String)
        for s in stats.sheets
    ]
    return pl.concat(parts)


def test_xlsx_round_trip_with_titles_and_pages(tmp_path):
    path = tmp_path / "t.xlsx"
    stats = write(path, "xlsx", chunk=4, title_rows=TITLES, sheet_rows=4)
    assert stats.header_row == 4  # three title rows, a blank row, then the header
    assert stats.sheets == ("Trang 1", "Trang 2") and stats.rows == 6
    reader = fastexcel.read_excel(path)
    assert reader.sheet_names == ["Trang 1", "Trang 2", "Ghi chú"]
    for name in stats.sheets:
        raw = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
        assert raw[:, 0].to_list()[:5] == [*TITLES, None, "so_dinh_danh"][:5]
        assert raw.row(3) == tuple([None] * len(COLUMNS))
        assert list(raw.row(4)) == COLUMNS
    note = reader.load_sheet("Ghi chú", header_row=None).to_polars()
    assert note.height <= 5 and "Tổng số dòng: 6" in note[:, 0].to_list()[1]
    back = read_xlsx_back(path, stats)
    # xlsx has no empty string: "" comes back as an empty cell (null).
    expected = FRAME.with_columns(pl.col(c).replace("", None) for c in COLUMNS)
    assert back.equals(expected)
    assert back["so_dinh_danh"].to_list()[1] == "001"  # a string, not the number 1


def test_xlsx_merged_title_cells(tmp_path):
    import zipfile

    path = tmp_path / "t.xlsx"
    write(path, "xlsx", title_rows=TITLES)
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    for r in (1, 2, 3):
        assert f'<mergeCell ref="A{r}:E{r}"/>' in sheet


def test_xlsx_without_titles_single_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    stats = write(path, "xlsx", chunk=2)
    assert stats.header_row == 0 and stats.sheets == ("Trang 1",)
    back = pl.read_excel(path, sheet_name="Trang 1").cast(pl.String)
    assert back.equals(FRAME.with_columns(pl.col(c).replace("", None) for c in COLUMNS))


def test_xlsx_formula_like_text_stays_text(tmp_path):
    frame = pl.DataFrame({"a": ["=1+1", "http://x.vn", "1e5", "0012"]})
    path = tmp_path / "f.xlsx"
    stats = write(path, "xlsx", frame)
    back = pl.read_excel(path, sheet_name=stats.sheets[0])
    assert back["a"].to_list() == frame["a"].to_list()


# --------------------------------------------------------------------------- jsonl, sqlite


def test_jsonl_round_trip(tmp_path):
    path = tmp_path / "t.jsonl"
    stats = write(path, "jsonl", chunk=4)
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == stats.rows == 6
    objs = [json.loads(line) for line in lines]
    assert list(objs[0]) == COLUMNS and objs[0]["ghi_chu"] is None
    assert "Nguyễn Thị Minh Khai" in lines[0]  # not \u-escaped
    assert pl.DataFrame(objs, schema={c: pl.String for c in COLUMNS}, orient="row").equals(FRAME)


def test_sqlite_round_trip(tmp_path):
    path = tmp_path / "t.sqlite"
    stats = write(path, "sqlite", chunk=4)
    assert stats.rows == 6
    with sqlite3.connect(path) as db:
        info = db.execute('PRAGMA table_info("nhan_khau")').fetchall()
        rows = db.execute('SELECT * FROM "nhan_khau" ORDER BY rowid').fetchall()
    assert [(r[1], r[2]) for r in info] == [(c, "TEXT") for c in COLUMNS]
    assert pl.DataFrame(rows, schema=COLUMNS, orient="row").equals(FRAME)


# --------------------------------------------------------------------------- postgres dump

COPY_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def unescape_copy(field: str) -> str | None:
    if field == "\\N":
        return None
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch == "\\":
            out.append(COPY_UNESCAPE[field[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_dump(text: str) -> tuple[list[str], pl.DataFrame]:
    """(COPY column list, data) of a plain dump with COPY ... FROM stdin blocks."""
    rows, columns, copying = [], None, False
    for line in text.split("\n"):
        if copying:
            if line == "\\.":
                copying = False
                continue
            rows.append([unescape_copy(f) for f in line.split("\t")])
        elif line.startswith("COPY "):
            cols = line[line.index("(") + 1 : line.rindex(")")]
            columns = [c.strip().strip('"') for c in cols.split(",")]
            copying = True
    assert not copying, "unterminated COPY block"
    return columns, pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")


def test_postgres_dump_round_trip(tmp_path):
    path = tmp_path / "t.sql"
    stats = write(path, "postgres_dump", chunk=4, schema="raw_ben_nghe")
    text = path.read_text("utf-8")
    assert 'CREATE SCHEMA IF NOT EXISTS "raw_ben_nghe";' in text
    assert 'CREATE TABLE "raw_ben_nghe"."nhan_khau" (\n    source_pk bigint NOT NULL,\n    "so_dinh_danh" text,' in text
    assert text.count("FROM stdin;") == 2 and text.count("\n\\.\n") == 2  # one block per chunk
    assert "PRIMARY KEY (source_pk)" in text
    columns, data = parse_dump(text)
    assert columns == ["source_pk", *COLUMNS]
    assert data["source_pk"].to_list() == [str(i) for i in range(1, 7)]
    assert data.drop("source_pk").equals(FRAME)
    assert "tab\\there, back\\\\slash \\\\N" in text  # escaped, and literal \N is not a null
    assert stats.rows == 6 and stats.unencodable == 0


def test_postgres_dump_without_schema_and_nul(tmp_path):
    path = tmp_path / "t.sql"
    frame = pl.DataFrame({"a": ["x\x00y", None]})
    stats = write(path, "postgres_dump", frame)
    text = path.read_text("utf-8")
    assert "CREATE SCHEMA" not in text and 'CREATE TABLE "nhan_khau"' in text
    assert stats.unencodable == 1
    assert parse_dump(text)[1]["a"].to_list() == ["x?y", None]


def _pg_tools() -> dict[str, str] | None:
    tools = {n: shutil.which(n) for n in ("initdb", "pg_ctl", "psql")}
    return tools if all(tools.values()) else None


@pytest.mark.skipif(_pg_tools() is None, reason="PostgreSQL server tools not installed")
def test_postgres_dump_loads_with_psql(tmp_path):
    psycopg = pytest.importorskip("psycopg")
    tools = _pg_tools()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="wb_pg_"))
    try:
        os.chmod(base, 0o777)
        data = base / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        init = subprocess.run(
            [*as_user, tools["initdb"], "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync", "-A", "trust"],
            capture_output=True, text=True,
        )  # fmt: skip
        if init.returncode != 0:
            pytest.skip(f"initdb failed: {init.stderr[-300:]}")
        opts = f"-c listen_addresses='' -k {base} -p {port} -c fsync=off"
        subprocess.run(
            [*as_user, tools["pg_ctl"], "-D", str(data), "-o", opts, "-w", "-l", str(base / "log"), "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            path = base / "dump.sql"
            write(path, "postgres_dump", chunk=4, schema="raw")
            os.chmod(path, 0o644)
            load = subprocess.run(
                [tools["psql"], "-h", str(base), "-p", str(port), "-U", "postgres", "-d", "postgres",
                 "-v", "ON_ERROR_STOP=1", "-q", "-f", str(path)],
                capture_output=True, text=True,
            )  # fmt: skip
            assert load.returncode == 0, load.stderr
            with psycopg.connect(host=str(base), port=port, user="postgres", dbname="postgres") as conn:
                cols = ", ".join(f'"{c}"' for c in COLUMNS)
                rows = conn.execute(f"SELECT source_pk, {cols} FROM raw.nhan_khau ORDER BY source_pk").fetchall()
                pk = conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'raw.nhan_khau'::regclass AND i.indisprimary"
                ).fetchall()
            assert [r[0] for r in rows] == list(range(1, 7))
            assert pl.DataFrame([r[1:] for r in rows], schema=COLUMNS, orient="row").equals(FRAME)
            assert pk == [("source_pk",)]
        finally:
            subprocess.run([*as_user, tools["pg_ctl"], "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- common


def _read_any(path: Path, fmt: str, stats) -> pl.DataFrame:
    if fmt == "csv":
        return pl.read_csv(path, infer_schema=False)
    if fmt == "xlsx":
        return read_xlsx_back(path, stats)
    if fmt == "jsonl":
        return pl.read_ndjson(path, schema={c: pl.String for c in COLUMNS})
    if fmt == "sqlite":
        with sqlite3.connect(path) as db:
            rows = db.execute('SELECT * FROM "nhan_khau" ORDER BY rowid').fetchall()
        return pl.DataFrame(rows, schema=COLUMNS, orient="row")
    return parse_dump(path.read_text("utf-8"))[1]


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_chunked_writes_equal_one_write(tmp_path, fmt):
    big = pl.concat([FRAME] * 5)
    kw = {"sheet_rows": 7} if fmt == "xlsx" else {}
    one = write(tmp_path / f"one.{fmt}", fmt, big, **kw)
    many = write(tmp_path / f"many.{fmt}", fmt, big, chunk=3, **kw)
    assert one.rows == many.rows == 30 and one.sheets == many.sheets
    if fmt in ("csv", "jsonl", "xlsx"):  # byte for byte (xlsx: fixed created time; dump: a COPY per chunk)
        assert (tmp_path / f"one.{fmt}").read_bytes() == (tmp_path / f"many.{fmt}").read_bytes()
    a = _read_any(tmp_path / f"one.{fmt}", fmt, one)
    b = _read_any(tmp_path / f"many.{fmt}", fmt, many)
    assert a.equals(b) and a.height == 30


def test_chunked_legacy_csv_equals_one_write(tmp_path):
    big = pl.concat([FRAME] * 3)
    for encoding in ("tcvn3", "vni", "cp1258", "mojibake"):
        write(tmp_path / "one.csv", "csv", big, encoding=encoding)
        write(tmp_path / "many.csv", "csv", big, chunk=2, encoding=encoding)
        assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()


def test_options_a_format_does_not_have_are_refused(tmp_path):
    with pytest.raises(ValueError, match="csv and dbf only"):
        TableWriter(tmp_path / "a.jsonl", "jsonl", "t", ["a"], encoding="tcvn3")
    with pytest.raises(ValueError, match="title_rows"):
        TableWriter(tmp_path / "a.sqlite", "sqlite", "t", ["a"], title_rows=["x"])
    with pytest.raises(ValueError, match="sheet_rows"):
        TableWriter(tmp_path / "a.csv", "csv", "t", ["a"], sheet_rows=10)
    with pytest.raises(ValueError, match="format"):
        TableWriter(tmp_path / "a.x", "parquet", "t", ["a"])
    with open_writer(tmp_path / "a.csv", "csv", "t", ["a", "b"]) as w:
        with pytest.raises(ValueError, match="missing"):
            w.write(pl.DataFrame({"a": ["1"]}))
        w.write(pl.DataFrame({"b": ["2"], "a": ["1"]}))  # reordered to the declared order
    assert (tmp_path / "a.csv").read_text() == "a,b\n1,2\n"


def test_empty_table(tmp_path):
    for fmt in TEXT_FORMATS:
        stats = write(tmp_path / f"e.{fmt}", fmt, FRAME.clear())
        assert stats.rows == 0 and (stats.bytes > 0) == (fmt != "jsonl")
    assert (tmp_path / "e.csv").read_text("utf-8") == ",".join(COLUMNS) + "\n"


# --------------------------------------------------------------------------- truncate


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 0.77, 0.99])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_truncate_file_cuts_mid_row(tmp_path, fraction, fmt):
    path = tmp_path / f"t.{fmt}"
    big = pl.concat([FRAME] * 4)
    write(path, fmt, big, **({"line_terminator": "\r\n"} if fmt == "csv" else {}))
    full = path.read_bytes()
    res = truncate_file(path, fraction)
    cut = path.read_bytes()
    assert len(cut) == res.kept_bytes < len(full) and full.startswith(cut)
    assert abs(len(cut) - fraction * len(full)) < 0.25 * len(full)
    assert not cut.endswith((b"\n", b"\r"))
    assert full[len(cut) : len(cut) + 1] not in (b"\n", b"\r")  # not just the terminator missing
    cut.decode("utf-8")  # still valid UTF-8 (cut on a character boundary)
    if fmt == "jsonl":
        with pytest.raises(json.JSONDecodeError):
            json.loads(cut.split(b"\n")[-1])
        return
    try:
        records = list(csv.reader(io.StringIO(cut.decode("utf-8"), newline="")))
    except csv.Error:
        return  # cut inside a quoted field: an unterminated quote is as bad
    last, n = records[-1], len(records) - 1
    original = ["" if v is None else v for v in big.row(n - 1)]
    assert n >= 1 and (len(last) < len(COLUMNS) or last != original)


def test_truncate_file_leaves_a_partial_row_after_the_header(tmp_path):
    path = tmp_path / "t.csv"
    write(path, "csv")
    truncate_file(path, 0.001)  # would cut inside the header: the first data row is cut instead
    lines = path.read_bytes().split(b"\n")
    assert lines[0] == ",".join(COLUMNS).encode() and 0 < len(lines[1]) < len(b"079201000123,Nguy")
    with pytest.raises(ValueError):
        truncate_file(path, 1.0)


def test_benchmark_sized_write_is_fast(tmp_path):
    """A cheap guard against a per-character Python loop sneaking into the CSV path."""
    big = pl.concat([FRAME.drop("Địa chỉ")] * 2000)  # 12,000 rows
    for encoding in ("utf-8", "vni"):
        t0 = time.perf_counter()
        write(tmp_path / "b.csv", "csv", big, chunk=5000, encoding=encoding)
        assert time.perf_counter() - t0 < 2.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_error_inside_with_releases_the_file(tmp_path, fmt):
    frame = FRAME
    if fmt == "dbf":  # ASCII field names, values within a dBase field's 254 bytes
        frame = FRAME.with_columns(pl.all().str.slice(0, 60)).rename(lambda c: f"C{COLUMNS.index(c)}")
    with pytest.raises(RuntimeError), open_writer(tmp_path / f"x.{fmt}", fmt, "t", frame.columns) as w:
        w.write(frame)
        raise RuntimeError("generator failed")
    assert w.stats is None
    with pytest.raises(ValueError, match="closed"):
        w.write(frame)
    assert not list(tmp_path.glob(".dbf-*"))  # dbf: the spill directory is removed too
