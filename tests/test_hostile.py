"""Hostile-input suite: generated extracts in every format and encoding against the row contract.

Each example writes one extract (csv in every encoding, xlsx, jsonl, sqlite, dbf, plain-text
pg_dump) with random blank lines, ragged and short rows, unbalanced quotes, NUL and control
characters, huge cells, empty and duplicate keys, impossible dates, amounts and periods and
wrongly declared encodings, declares it in a catalogue TOML in a temporary directory, and
runs the engine: ``load_raw`` -> ``stage`` -> ``resolve_entities``. The contract checked:

* nothing escapes but ``SourceReadError`` / ``SourceSchemaError`` naming the file, and a whole
  file fails only when it truly cannot be read (its bytes do not decode under the declared
  encoding) or is not a registry extract (most of its rows lack a required field);
* every non-blank record written is one raw row (the generator counts what it wrote);
  ``record_key`` is never null and unique;
* raw = staged + quarantined, with disjoint keys; every quarantined row names its source,
  row, field and reason;
* no error message or quarantine reason repeats a cell value;
* the entities lineage holds every staged row exactly once, each with an entity.

Examples per test: the hypothesis profile (tests/conftest.py); ``HYPOTHESIS_PROFILE=long``
for a long run. Under the default "ci" profile (20) the formats with less of their own to vary
run fewer (``_examples``): every example runs the same engine on rows of the same strategy
(``records``), so the shared contract is checked on 74 extracts a run, csv's 20 among them.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.encodings import decode_bytes
from pipelines.entities.resolve import resolve_entities
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import SourceSchemaError, load_raw
from pipelines.ingest.readers import SourceReadError
from pipelines.ingest.stage import stage
from pipelines.schema import ENTITY_KINDS, REQUIRED_FIELDS
from pipelines.synth.formats import _text_encoder, mark_deleted, open_writer

KIND_OF = {registry: kind for kind, registry in ENTITY_KINDS.items()}
EXTRACT_DATE = "2025-08-31"
KEY = "stt"

# Source column -> canonical field, per registry (ASCII headers, as most old systems wrote them).
COLUMNS = {
    "population": {
        "ho_ten": "full_name",
        "ngay_sinh": "date_of_birth",
        "gioi_tinh": "sex",
        "so_cccd": "personal_id",
        "so_cmnd": "old_id_number",
        "so_ho_khau": "household_no",
        "dia_chi": "address",
        "dien_thoai": "phone",
    },
    "households": {
        "so_ho_khau": "household_no",
        "ten_chu_ho": "head_name",
        "cccd_chu_ho": "head_personal_id",
        "so_nhan_khau": "members",
        "dia_chi": "address",
        "ngay_dang_ky": "registered_on",
    },
    "businesses": {
        "ten_co_so": "business_name",
        "ma_so_thue": "tax_code",
        "chu_so_huu": "owner_name",
        "cccd_chu": "owner_personal_id",
        "dia_chi": "address",
        "ngay_dang_ky": "registered_on",
    },
    "tax": {
        "mst": "taxpayer_code",
        "ten_nguoi_nop": "taxpayer_name",
        "ky_thue": "period",
        "so_tien": "amount_vnd",
        "dia_chi": "address",
    },
}

NAMES = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Phúc", "Phạm Thuỷ Tiên", "Huỳnh Quốc Khánh", "Võ Thị Hoà"]
ADDRESSES = [
    "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM",
    "45/3 Nguyễn Trãi, P.7, Q.5, TP Hồ Chí Minh",
    "Số 8 đường 30/4, Phường Phú Cường, Thủ Dầu Một, Bình Dương",
    "ấp 3, xã Long Sơn, TP Vũng Tàu, BR-VT",
]
GOOD = {
    "full_name": NAMES,
    "head_name": NAMES,
    "owner_name": NAMES,
    "taxpayer_name": [*NAMES, "Công ty TNHH Sài Gòn Xanh"],
    "business_name": ["Công ty TNHH Sài Gòn Xanh", "Hộ kinh doanh Tạp hoá Hoà", "Chi nhánh Bến Thành"],
    "date_of_birth": ["12/03/1985", "1990-07-01", "5/6/72", "19850312", "01.01.1960", "1978"],
    "registered_on": ["12/03/2015", "2019-07-01", "20200312"],
    "sex": ["Nam", "Nữ", "nam", "F"],
    "personal_id": ["079085001234", "074190002345", "077301003456"],
    "head_personal_id": ["079085001234", "074190002345"],
    "owner_personal_id": ["079085001234", "074190002345"],
    "old_id_number": ["023456789", "271234567"],
    "household_no": ["HK-0012345", "0012346", "HK 77"],
    "address": ADDRESSES,
    "phone": ["0903123456", "+84 903 123 456", "028 3829 1234"],
    "members": ["3", "1", " 12 "],
    "tax_code": ["0301234567", "0301234567-001", "3700123456"],
    "taxpayer_code": ["0301234567", "0301234567-001", "079085001234"],
    "period": ["2024-03", "Q2/2024", "2025/7", "q4-2023"],
    "amount_vnd": ["1.234.567", "1,234,567.50", "1234567", "1.234,50", "12.500.000 VNĐ", "500000đ"],
}
BAD = {
    "date_of_birth": ["31/02/1990", "00/00/0000", "1990-13-45", "32.13.2000", "99999999", "không rõ", "-5"],
    "registered_on": ["30/02/2019", "2019-00-10", "hôm qua"],
    "personal_id": ["07908500123X", "1" * 30, "0"],
    "members": ["ba", "-1", "99999999999999999999", "2.5"],
    "period": ["2024-13", "Q5/2024", "2024-00", "0000-01", "tháng 13"],
    "amount_vnd": ["1,234", "abc", "99999999999999999999999", "-5", "1e309", "１２３", "1.2.3,4,5"],
    "taxpayer_code": ["12", "abcdefghij"],
}
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f"


@dataclass
class Written:
    """What the generator wrote: the oracle of the checks."""

    records: int = 0
    cells: set[str] = field(default_factory=set)
    missing_required: int = 0  # records with a required field blank, absent or damaged


# --------------------------------------------------------------------------- strategies


@st.composite
def cell(draw, canonical: str, *, allow_huge: bool = True) -> str | None:
    """A value for one canonical field: good, impossible, empty or damaged."""
    kind = draw(st.sampled_from(["good"] * 6 + ["bad", "empty", "control", "quote", "huge", "spaces", "none"]))
    good = draw(st.sampled_from(GOOD[canonical]))
    if kind == "good":
        return good
    if kind == "bad":
        return draw(st.sampled_from(BAD.get(canonical, ["???", "-"])))
    if kind == "empty":
        return ""
    if kind == "none":
        return None
    if kind == "spaces":
        return "   "
    if kind == "control":
        at = draw(st.integers(0, len(good)))
        return good[:at] + draw(st.text(st.sampled_from(CONTROL), min_size=1, max_size=3)) + good[at:]
    if kind == "quote":
        return draw(st.sampled_from(['"', '""', "'", '"x', ",", ";", "\\", "\t"])).join([good, good[:3]])
    size = draw(st.sampled_from([2_000, 20_000])) if allow_huge else 200
    return (good + " ") * (size // (len(good) + 1))


def _is_blank(value: str | None) -> bool:
    return value is None or not value.strip() or not any(c.isalnum() for c in value)


@st.composite
def records(draw, registry: str, *, allow_huge: bool = True) -> list[dict[str, str | None]]:
    """Rows of source column -> value; key column with duplicates, blanks and gaps."""
    columns = COLUMNS[registry]
    n = draw(st.integers(1, 14))
    out = []
    for i in range(n):
        row = {src: draw(cell(canon, allow_huge=allow_huge)) for src, canon in columns.items()}
        key_kind = draw(st.sampled_from(["seq"] * 5 + ["dup", "empty", "spaces", "text"]))
        row[KEY] = {
            "seq": str(i + 1),
            "dup": "1",
            "empty": "",
            "spaces": "  ",
            "text": f"A-{i % 3}",
        }[key_kind]
        if all(_is_blank(row[src]) for src in columns):  # every record written is a non-blank line
            row[next(iter(columns))] = GOOD[next(iter(columns.values()))][0]
        out.append(row)
    return out


def _missing_required(registry: str, row: dict[str, str | None]) -> bool:
    """A required field blank, absent or impossible (one of the BAD values)."""
    by_canon = {canon: row.get(src) for src, canon in COLUMNS[registry].items()}
    return any(_is_blank(by_canon.get(c)) or by_canon.get(c) in BAD.get(c, ()) for c in REQUIRED_FIELDS[registry])


def _note(written: Written, registry: str, row: dict[str, str | None]) -> None:
    written.records += 1
    written.missing_required += _missing_required(registry, row)
    written.cells |= {v.strip() for v in row.values() if v and v.strip()}


# --------------------------------------------------------------------------- writers


def _csv_field(value: str | None, delimiter: str) -> str:
    value = value or ""
    if any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_extract(draw, registry: str):
    """(file bytes, catalogue options, Written) for a csv extract in a random encoding."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "tcvn3", "vni"]))
    declared = draw(st.sampled_from([encoding, encoding, "detect", "utf-8", "cp1258", "tcvn3", "vni"]))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    titles = draw(st.integers(0, 2))
    header = [KEY, *COLUMNS[registry]]
    rows = draw(records(registry))
    written = Written()
    lines = [f"DANH SÁCH {registry.upper()} {t}" for t in range(titles)]
    lines.append(delimiter.join(header))
    for row in rows:
        lines += [""] * draw(st.sampled_from([0, 0, 0, 1, 2]))  # blank lines between records
        values = [row[c] for c in header]
        damage = draw(st.sampled_from(["none"] * 5 + ["ragged", "short", "unbalanced"]))
        text = delimiter.join(_csv_field(v, delimiter) for v in values)
        if damage == "ragged":  # more values than the header: kept, never cut
            extra = draw(st.lists(st.sampled_from(["thừa", "x", "", "0903123456"]), min_size=1, max_size=3))
            text += delimiter + delimiter.join(extra)
            row = {**row, **{f"_extra{i}": v for i, v in enumerate(extra)}}
        elif damage == "short" and not _is_blank("".join(v or "" for v in values[1:2])):
            keep = draw(st.integers(2, len(values) - 1))  # the first mapped value stays: not a blank line
            text = delimiter.join(_csv_field(v, delimiter) for v in values[:keep])
            row = dict(zip(header[:keep], values[:keep], strict=True))
        elif damage == "unbalanced":  # a quote opened and never closed, on this line only
            at = draw(st.integers(1, len(values) - 1))
            parts = [_csv_field(v, delimiter) for v in values]
            parts[at] = '"' + (values[at] or "").replace('"', "")
            text = delimiter.join(parts)
        lines.append(text)
        _note(written, registry, row)
        if damage == "unbalanced" and not _missing_required(registry, row):
            written.missing_required += 1  # a line that cannot be split supplies no field
    lines += [""] * draw(st.sampled_from([0, 1, 3]))  # blank lines at the end
    encoded, _ = _text_encoder(encoding)(terminator.join(lines) + terminator)
    if encoding == "utf-8-sig":
        encoded = b"\xef\xbb\xbf" + encoded
    options = {"encoding": declared, "delimiter": delimiter, "header_row": titles}
    return encoded, options, written


@st.composite
def xlsx_rows(draw, registry: str):
    rows = draw(records(registry))
    return rows, draw(st.lists(st.integers(0, 3), min_size=len(rows), max_size=len(rows))), draw(st.integers(0, 3))


def _write_xlsx(path: Path, registry: str, rows, gaps, titles) -> Written:
    header = [KEY, *COLUMNS[registry]]
    written = Written()
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Dữ liệu")
        for t in range(titles):
            sheet.write_string(t, 0, f"DANH SÁCH {registry.upper()}")
        at = titles
        for j, name in enumerate(header):
            sheet.write_string(at, j, name)
        for row, gap in zip(rows, gaps, strict=True):
            at += 1 + gap  # blank rows in between
            for j, name in enumerate(header):
                if row[name]:
                    sheet.write_string(at, j, row[name][:32_767])
            _note(written, registry, {k: (v[:32_767] if v else v) for k, v in row.items()})
    return written


@st.composite
def jsonl_extract(draw, registry: str):
    rows = draw(records(registry))
    written = Written()
    lines = []
    for row in rows:
        lines += [""] * draw(st.sampled_from([0, 0, 1]))
        damage = draw(st.sampled_from(["none"] * 5 + ["number", "missing", "extra", "broken", "array"]))
        obj: dict = {k: v for k, v in row.items() if v is not None}
        if damage == "number":
            obj[draw(st.sampled_from(list(COLUMNS[registry])))] = draw(st.sampled_from([1234567, 1.5e3, True, None]))
        elif damage == "missing":
            obj.pop(draw(st.sampled_from(list(COLUMNS[registry]))), None)
        elif damage == "extra":
            obj["ghi_chu"] = {"nested": ["thừa"]}
        text = json.dumps(obj, ensure_ascii=draw(st.booleans()))
        if damage == "broken":  # a line cut mid-object: still one record, read or quarantined
            text = text[: max(2, len(text) // 2)]
        if damage == "array":
            text = json.dumps([row.get(c) for c in COLUMNS[registry]])
        lines.append(text)
        _note(written, registry, {k: (str(v) if v is not None else v) for k, v in obj.items()} | {"_": text})
        if damage in ("broken", "array"):
            written.missing_required += not _missing_required(registry, row)
    return ("\n".join(lines) + "\n" * draw(st.integers(0, 3))).encode("utf-8"), written


def _write_sqlite(path: Path, registry: str, rows) -> Written:
    header = [KEY, *COLUMNS[registry]]
    written = Written()
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {registry} ({', '.join(f'{c} TEXT' for c in header)})")
        db.executemany(
            f"INSERT INTO {registry} VALUES ({', '.join('?' for _ in header)})", [[r[c] for c in header] for r in rows]
        )
    db.close()
    for row in rows:
        _note(written, registry, row)
    return written


def _copy_escape(value: str | None) -> str:
    if value is None:
        return "\\N"
    value = value.replace("\x00", "")  # PostgreSQL text cannot hold NUL: pg_dump never writes one
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@st.composite
def pg_dump_extract(draw, registry: str):
    header = [KEY, *COLUMNS[registry]]
    rows = draw(records(registry))
    written = Written()
    out = [
        "--",
        "-- PostgreSQL database dump",
        "--",
        "",
        "SET client_encoding = 'UTF8';",
        "",
        f"CREATE TABLE public.{registry} (",
        ",\n".join(f"    {c} text" for c in header),
        ");",
        "",
        f"COPY public.{registry} ({', '.join(header)}) FROM stdin;",
    ]
    for row in rows:
        values = [_copy_escape(row[c]) for c in header]
        damage = draw(st.sampled_from(["none"] * 6 + ["ragged", "short"]))
        if damage == "ragged":
            values.append("thừa")
        elif damage == "short" and not _is_blank(row[header[1]]):
            values = values[: draw(st.integers(2, len(values) - 1))]  # the first mapped value stays
            row = {k: row[k] for k in header[: len(values)]}
        out.append("\t".join(values))
        _note(written, registry, {k: (v.replace("\x00", "") if v else v) for k, v in row.items()})
    out += ["\\.", "", "", "-- PostgreSQL database dump complete", ""]
    return "\n".join(out).encode("utf-8"), written


# --------------------------------------------------------------------------- engine + contract


def _catalogue(tmp: Path, registry: str, fmt: str, filename: str, options: dict) -> Path:
    names = DBF_NAMES if fmt == "dbf" else {}
    lines = [
        f'base_dir = "{tmp}"',
        "[[source]]",
        f'id = "hostile_{registry}"',
        f'registry = "{registry}"',
        f'format = "{fmt}"',
        f'path = "{filename}"',
        f'key_column = "{names.get(KEY, KEY)}"',
        f'extract_date = "{EXTRACT_DATE}"',
    ]
    if fmt in ("sqlite", "pg_dump"):
        lines.append(f'table = "{registry}"')
    if fmt == "pg_dump":
        lines.append('db_schema = "public"')
    for key, value in options.items():
        lines.append(f"{key} = {json.dumps(value)}")  # JSON strings and integers are TOML too
    lines.append("[source.columns]")
    lines += [f'{names.get(src, src)} = "{canon}"' for src, canon in COLUMNS[registry].items()]
    path = tmp / "catalogue.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _leaks(message: str, written: Written) -> list[str]:
    """Cell values repeated in a message (values long or specific enough not to occur by chance)."""
    return [
        v[:40]
        for v in written.cells
        if (len(v) >= 10 or (len(v) >= 6 and any(c.isdigit() or ord(c) > 127 for c in v))) and v in message
    ]


def _undecodable(data: bytes, declared: str | None) -> bool:
    if not declared or declared == "detect":
        return False
    try:
        decode_bytes(data, declared)
    except (UnicodeDecodeError, ValueError):
        return True
    return False


def check_row_contract(tmp: Path, registry: str, fmt: str, filename: str, options: dict, written: Written) -> None:
    extracts = extracts_by_partition(load_catalogue([_catalogue(tmp, registry, fmt, filename, options)]))
    (extract,) = extracts.values()
    try:
        loaded = load_raw(extract, "hostile")
    except (SourceReadError, SourceSchemaError) as exc:
        message = str(exc)
        assert filename in message, f"the error does not name the file: {message[:300]}"
        assert not _leaks(message, written), f"cell values in the error: {_leaks(message, written)}"
        data = (tmp / filename).read_bytes()
        not_a_registry = written.missing_required * 2 > written.records
        assert _undecodable(data, options.get("encoding")) or not_a_registry, (
            f"a readable {fmt} extract failed as a whole ({written.records} records, "
            f"{written.missing_required} lacking a required field): {message[:400]}"
        )
        return
    raw = loaded.frame
    assert raw.height == written.records, f"{written.records} records written, {raw.height} raw rows"
    assert raw["record_key"].null_count() == 0 and raw["record_key"].n_unique() == raw.height, "record_key"
    assert raw["source_key"].null_count() == 0, "a raw row without its row in the source"

    result = stage(raw, registry, day_first=True)
    staged_keys, quarantined_keys = set(result.staged["record_key"]), set(result.quarantine["record_key"])
    assert result.staged.height + result.quarantine.height == raw.height, (
        f"raw {raw.height} != staged {result.staged.height} + quarantined {result.quarantine.height}"
    )
    assert not staged_keys & quarantined_keys
    assert staged_keys | quarantined_keys == set(raw["record_key"])
    assert result.staged["record_key"].null_count() == 0
    q = result.quarantine
    for column in ("source_id", "source_key", "field", "reason"):
        blank = q.filter(pl.col(column).is_null() | (pl.col(column).cast(pl.String).str.strip_chars() == ""))
        assert blank.height == 0, f"quarantined rows without {column}"

    entities = resolve_entities(KIND_OF[registry], result.staged)
    lineage = entities.lineage
    assert lineage.height == result.staged.height, "staged rows missing from or doubled in the lineage"
    assert lineage["record_key"].n_unique() == lineage.height
    assert set(lineage["record_key"]) == staged_keys
    assert lineage["entity_id"].null_count() == 0

    for reason in q["reason"].unique().to_list():  # last, so that a leak does not hide a lost row
        assert not _leaks(reason, written), f"cell values in a quarantine reason: {_leaks(reason, written)}"


REGISTRIES = st.sampled_from(list(COLUMNS))


def _examples(ci: int):
    """Under the "ci" profile, ``ci`` examples for a test instead of its 20 (each example ~0.35 CPU s, most of it the
    engine); any other profile (``long``: 1000) as it is. csv keeps 20 (5 encodings x 7 declared, 4 delimiters, titles,
    blank, ragged, short and unbalanced lines); jsonl, pg_dump and dbf 12 (a few damages or encodings and deleted
    records of their own), xlsx 10 (blank rows and titles), sqlite 8 (the rows as drawn, nothing of its own)."""
    if settings.get_current_profile_name() == "ci":
        return settings(max_examples=ci)
    return lambda test: test


@given(registry=REGISTRIES, data=st.data())
def test_csv_extracts_in_every_encoding_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("csv")
    encoded, options, written = data.draw(csv_extract(registry))
    (tmp / "extract.csv").write_bytes(encoded)
    check_row_contract(tmp, registry, "csv", "extract.csv", options, written)


@_examples(10)
@given(registry=REGISTRIES, data=st.data())
def test_xlsx_extracts_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("xlsx")
    rows, gaps, titles = data.draw(xlsx_rows(registry))
    written = _write_xlsx(tmp / "extract.xlsx", registry, rows, gaps, titles)
    check_row_contract(tmp, registry, "xlsx", "extract.xlsx", {}, written)


@_examples(12)
@given(registry=REGISTRIES, data=st.data())
def test_jsonl_extracts_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("jsonl")
    encoded, written = data.draw(jsonl_extract(registry))
    (tmp / "extract.jsonl").write_bytes(encoded)
    check_row_contract(tmp, registry, "jsonl", "extract.jsonl", {}, written)


@_examples(8)
@given(registry=REGISTRIES, data=st.data())
def test_sqlite_extracts_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("sqlite")
    rows = data.draw(records(registry))
    written = _write_sqlite(tmp / "extract.sqlite", registry, rows)
    check_row_contract(tmp, registry, "sqlite", "extract.sqlite", {}, written)


@_examples(12)
@given(registry=REGISTRIES, data=st.data())
def test_pg_dump_extracts_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("pg_dump")
    encoded, written = data.draw(pg_dump_extract(registry))
    (tmp / "extract.sql").write_bytes(encoded)
    check_row_contract(tmp, registry, "pg_dump", "extract.sql", {}, written)


DBF_NAMES = {src: src[:10] for columns in COLUMNS.values() for src in columns}  # dBase: names of 1-10 characters
assert all(len(set(DBF_NAMES[c] for c in columns)) == len(columns) for columns in COLUMNS.values())


@st.composite
def dbf_extract(draw, registry: str):
    """(file bytes, catalogue options, Written) for a .dbf table in a legacy encoding, some records marked deleted
    (quarantined, still one raw row each), values cut to fit a dBase field."""
    encoding = draw(st.sampled_from(["utf-8", "cp1258", "tcvn3", "vni"]))
    declared = draw(st.sampled_from([encoding, "detect"]))
    header = [KEY, *COLUMNS[registry]]
    rows = [{k: (v[:80] if v else v) for k, v in row.items()} for row in draw(records(registry, allow_huge=False))]
    written = Written()
    frame = pl.DataFrame(
        [[row[c] for c in header] for row in rows], schema=[DBF_NAMES.get(c, c) for c in header], orient="row"
    )
    path = Path(tempfile.mkdtemp()) / "t.dbf"
    with open_writer(path, "dbf", registry, frame.columns, encoding=encoding) as w:
        w.write(frame)
    deleted = draw(st.lists(st.integers(1, len(rows)), max_size=3, unique=True))
    mark_deleted(path, deleted)
    for i, row in enumerate(rows, start=1):
        _note(written, registry, row)
        if i in deleted and not _missing_required(registry, row):
            written.missing_required += 1  # a deleted record is quarantined whatever it holds
    return path.read_bytes(), {"encoding": declared}, written


@_examples(12)
@given(registry=REGISTRIES, data=st.data())
def test_dbf_extracts_keep_the_row_contract(tmp_path_factory, registry, data):
    tmp = tmp_path_factory.mktemp("dbf")
    encoded, options, written = data.draw(dbf_extract(registry))
    (tmp / "extract.dbf").write_bytes(encoded)
    check_row_contract(tmp, registry, "dbf", "extract.dbf", options, written)


# --------------------------------------------------------------------------- the checks can fail


def _good_csv(tmp: Path) -> Written:
    written = Written()
    lines = [",".join([KEY, *COLUMNS["population"]])]
    for i, name in enumerate(NAMES, start=1):
        row = {KEY: str(i), **{src: GOOD[canon][0] for src, canon in COLUMNS["population"].items()}, "ho_ten": name}
        lines.append(",".join(_csv_field(row[c], ",") for c in [KEY, *COLUMNS["population"]]))
        _note(written, "population", row)
    (tmp / "extract.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def test_the_contract_holds_for_a_clean_extract_and_fails_on_a_miscount(tmp_path):
    written = _good_csv(tmp_path)
    check_row_contract(tmp_path, "population", "csv", "extract.csv", {"encoding": "utf-8"}, written)
    written.records += 1  # a row the engine did not deliver
    with pytest.raises(AssertionError, match="records written"):
        check_row_contract(tmp_path, "population", "csv", "extract.csv", {"encoding": "utf-8"}, written)


def test_leak_check_finds_a_cell_value_in_a_message():
    written = Written(cells={"079085001234", "Nam", "2024-13"})
    assert _leaks("period: unparseable tax period '2024-13'", written) == ["2024-13"]
    assert _leaks("row 3: personal_id 079085001234 invalid", written) == ["079085001234"]
    assert _leaks("row 3: sex Nam", written) == []  # too short to tell from ordinary words


def test_a_whole_file_failure_is_accepted_only_for_undecodable_bytes():
    vietnamese = "Nguyễn Văn An".encode()
    assert not _undecodable(vietnamese, "utf-8")
    assert not _undecodable(vietnamese, "detect")  # detection must always find a reading
    assert _undecodable(vietnamese[:-1] + b"\xff", "utf-8")
    assert _undecodable("Nguyễn".encode("cp1258", errors="replace") + b"\xe1", "utf-8")
