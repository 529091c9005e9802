"""Row contracts of ingestion (issue 9 §1): every non-blank source row ends staged or quarantined, with a reason.

Each test builds a small extract by hand (a catalogue in tmp_path), so the defect it guards is visible here.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.catalogue import CatalogueError, load_catalogue
from pipelines.ingest.raw import SourceSchemaError, load_raw
from pipelines.ingest.readers import SourceReadError
from pipelines.ingest.stage import REJECT_MIN_ROWS, StageResult, account, stage
from pipelines.schema import STAGED_FIELDS

POP_COLUMNS = {
    "ma": None,
    "ho_ten": "full_name",
    "ngay_sinh": "date_of_birth",
    "dia_chi": "address",
    "so_dt": "phone",
    "cmnd": "old_id_number",
}
ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"


def _catalogue(tmp_path: Path, registry: str, fmt: str, path: str, columns: dict, **extra) -> Path:
    lines = [f'base_dir = "{tmp_path}"', "[[source]]", 'id = "src"', f'registry = "{registry}"', f'format = "{fmt}"']
    lines.append(f'path = "{path}"')
    for k, v in extra.items():
        lines.append(f"{k} = {json.dumps(v) if not isinstance(v, bool) else str(v).lower()}")
    lines.append('extract_date = "2025-08-31"')
    lines.append("[source.columns]")
    lines += [f'"{k}" = "{v}"' for k, v in columns.items() if v]
    catalogue = tmp_path / "cat.toml"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalogue


def _load(tmp_path, registry, fmt, path, columns, **extra):
    (spec,) = load_catalogue([_catalogue(tmp_path, registry, fmt, path, columns, **extra)]).values()
    (extract,) = spec.extracts()
    return load_raw(extract, "t")


def _stage(loaded, registry="population"):
    result = stage(loaded.frame, registry)
    counts = account(loaded.frame, result)
    assert counts["balanced"], counts
    return result


def _person(key, name="Nguyễn Văn An", dob="01/02/1980", phone="0903123456", cmnd="023456789"):
    return [key, name, dob, ADDRESS, phone, cmnd]


def _csv(rows: list[list[str] | str]) -> str:
    out = [",".join(POP_COLUMNS)]
    for r in rows:
        out.append(r if isinstance(r, str) else ",".join(f'"{v}"' if "," in v else v for v in r))
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------- 1. blank lines and empty keys


def test_csv_blank_lines_and_empty_keys_keep_every_row(tmp_path):
    text = _csv([_person("1"), "", _person("", name="Trần Thị Bình"), "   ", _person("3"), _person("3"), ""])
    (tmp_path / "p.csv").write_text(text + "\n\n", encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    frame = loaded.frame
    assert frame.height == 4  # blank lines are not rows; every non-blank row is
    assert frame["record_key"].null_count() == 0 and frame["record_key"].n_unique() == 4
    assert frame["source_key"].to_list() == ["1", "line:4", "3", "3"]
    assert frame["row_flags"].to_list()[1] == "key_synthetic"
    assert frame["row_flags"].to_list()[0] is None
    assert loaded.blank_lines == 5 and loaded.synthetic_keys == 1
    assert frame["record_key"][3].endswith("#3~2")  # a repeated key is suffixed
    result = _stage(loaded)
    assert result.staged.height == 4
    (issues,) = result.staged.filter(pl.col("source_key") == "line:4")["issues"]
    assert "source_key: missing" in issues


def _xlsx(path: Path, rows: list[list[str] | None]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, list(POP_COLUMNS))
    for i, r in enumerate(rows, start=1):
        if r is not None:
            ws.write_row(i, 0, r)
    wb.close()


@pytest.mark.parametrize("fmt", ["xlsx", "jsonl", "sqlite", "pg_dump"])
def test_every_format_keeps_rows_without_a_key(tmp_path, fmt):
    rows = [_person("1"), None, _person("", name="Trần Thị Bình"), _person("3")]
    cols = list(POP_COLUMNS)
    extra = {"key_column": "ma"}
    if fmt == "xlsx":
        _xlsx(tmp_path / "f.xlsx", rows)
        path = "f.xlsx"
    elif fmt == "jsonl":
        lines = [
            "" if r is None else json.dumps(dict(zip(cols, [None if v == "" else v for v in r], strict=True)))
            for r in rows
        ]
        (tmp_path / "f.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
        path = "f.jsonl"
    elif fmt == "sqlite":
        with sqlite3.connect(tmp_path / "f.db") as conn:
            conn.execute(f"CREATE TABLE people ({', '.join(cols)})")
            for r in rows:
                if r is not None:
                    conn.execute(f"INSERT INTO people VALUES ({','.join('?' * len(cols))})", [v or None for v in r])
        path, extra = "f.db", {**extra, "table": "people"}
    else:
        body = ["" if r is None else "\t".join(v or "\\N" for v in r) for r in rows]
        dump = f"COPY public.people ({', '.join(cols)}) FROM stdin;\n" + "\n".join(body) + "\n\\.\n"
        (tmp_path / "f.sql").write_text(dump, encoding="utf-8")
        path, extra = "f.sql", {**extra, "table": "people"}
    loaded = _load(tmp_path, "population", fmt, path, POP_COLUMNS, **extra)
    frame = loaded.frame
    assert frame.height == 3
    assert frame["record_key"].null_count() == 0 and frame["record_key"].n_unique() == 3
    synthetic = frame.filter(pl.col("row_flags") == "key_synthetic")
    assert synthetic.height == 1 and synthetic["full_name"][0] == "Trần Thị Bình"
    assert ":" in synthetic["source_key"][0]  # a locator (line:N, row:N), not a value
    assert _stage(loaded).staged.height == 3


# ----------------------------------------------------------------------- 2. ragged rows


def test_values_beyond_the_header_are_kept_and_counted(tmp_path):
    text = _csv([_person("1"), [*_person("2"), "EXTRA1", "EXTRA2"], "3,Lê Văn Cường"])
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    assert loaded.frame.height == 3
    assert loaded.overflow_rows == 1 and loaded.short_rows == 1
    extra = loaded.frame["extra_columns"].to_list()
    assert json.loads(extra[1])["_overflow"] == ["EXTRA1", "EXTRA2"]
    assert extra[0] is None or "_overflow" not in json.loads(extra[0])
    assert loaded.frame["row_flags"].to_list() == [None, "overflow:2", "short:4"]
    result = _stage(loaded)
    staged = result.staged.sort("source_key")
    assert "2 values beyond the header" in staged["issues"][1]


# ----------------------------------------------------------------------- 3. tax periods and amounts

TAX_COLUMNS = {"mst": "taxpayer_code", "ky": "period", "so_tien": "amount_vnd"}


def _tax(tmp_path, rows):
    text = "mst,ky,so_tien\n" + "".join(",".join(f'"{v}"' if "," in v else v for v in r) + "\n" for r in rows)
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    return _stage(_load(tmp_path, "tax", "csv", "t.csv", TAX_COLUMNS), "tax")


def test_one_impossible_tax_period_quarantines_that_row_only(tmp_path):
    result = _tax(tmp_path, [["0312345679", "2024-13", "1000"], ["0312345679", "2024-12", "2000"]])
    assert result.staged.height == 1 and result.quarantine.height == 1
    q = result.quarantine.row(0, named=True)
    assert q["field"] == "period" and "2024-13" not in q["reason"]


def test_tax_amounts_in_both_notations(tmp_path):
    rows = [
        ["0312345679", "2024-01", "1.234.567"],
        ["0312345679", "2024-02", "1,234,567"],
        ["0312345679", "2024-03", "1.234.567,00"],
        ["0312345679", "2024-04", "1,234.50"],  # VND has no decimals: quarantined, not 123450
        ["0312345679", "2024-05", "2.345"],  # ambiguous with no evidence either way in the file? see below
    ]
    result = _tax(tmp_path, rows)
    staged = dict(zip(result.staged["period"], result.staged["amount_vnd"], strict=True))
    assert staged["2024-01"] == staged["2024-02"] == staged["2024-03"] == 1234567
    q = {
        json.loads(r)["period"]: why
        for r, why in zip(result.quarantine["raw_values"], result.quarantine["reason"], strict=True)
    }
    assert "2024-04" in q and "fractional" in q["2024-04"]
    # the file has both notations unambiguously (1.234.567 and 1,234,567): "2.345" cannot be read
    assert "2024-05" in q and "ambiguous" in q["2024-05"]


# ----------------------------------------------------------------------- 4. flags kept


def test_phone_cmnd_and_owner_id_flags_are_carried_into_staging(tmp_path):
    text = _csv([_person("1", phone="abc", cmnd="12x"), _person("2")])
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    staged = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")).staged
    staged = staged.sort("source_key")
    assert staged["phone_flags"][0] and staged["phone_flags"][1] is None
    assert "non_digit" in staged["old_id_flags"][0] and staged["old_id_flags"][1] is None
    assert "phone:" in staged["issues"][0] and "abc" not in staged["issues"][0]
    biz = {"ten": "business_name", "dc": "address", "cccd_chu": "owner_personal_id"}
    (tmp_path / "b.csv").write_text(f'ten,dc,cccd_chu\nCửa hàng A,"{ADDRESS}",12345\n', encoding="utf-8")
    result = _stage(_load(tmp_path, "businesses", "csv", "b.csv", biz), "businesses")
    assert "wrong_length" in result.staged["owner_id_flags"][0]


# ----------------------------------------------------------------------- 5. flag, not quarantine


def test_fields_a_record_can_live_without_are_flags(tmp_path):
    text = _csv([_person("1", dob=""), _person("2", dob="31/02/1990"), _person("3", name=""), _person("4")])
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    result = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma"))
    assert sorted(result.staged["source_key"]) == ["1", "2", "4"]
    issues = dict(zip(result.staged["source_key"], result.staged["issues"], strict=True))
    assert issues["1"] == "date_of_birth: missing"
    assert issues["2"].startswith("date_of_birth: unreadable") and "31/02" not in issues["2"]
    assert issues["4"] is None
    assert result.quarantine["field"].to_list() == ["full_name"]


def test_birth_dates_after_the_extract_or_over_120_years_before_are_flagged(tmp_path):
    # extract_date is 2025-08-31: a 2027 birth date is a year typo, 1890 is over 120 years before
    rows = [_person("1", dob="15/03/2027"), _person("2", dob="15/03/1890"), _person("3", dob="31/08/2025")]
    (tmp_path / "p.csv").write_text(_csv(rows), encoding="utf-8")
    result = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma"))
    staged = {r["source_key"]: r for r in result.staged.iter_rows(named=True)}
    assert set(staged) == {"1", "2", "3"}
    for key in ("1", "2"):
        assert staged[key]["date_of_birth"] is None
        assert staged[key]["issues"].startswith("date_of_birth: unreadable (implausible date")
        assert "2027" not in staged[key]["issues"] and "1890" not in staged[key]["issues"]
    assert staged["3"]["date_of_birth"] is not None and staged["3"]["issues"] is None


def test_missing_policy_is_declared_in_the_schema():
    population = {f.name: f for f in STAGED_FIELDS["population"]}
    assert population["date_of_birth"].on_missing == "flag" and not population["date_of_birth"].required
    assert population["full_name"].on_missing == "quarantine"
    assert {f.on_missing for fs in STAGED_FIELDS.values() for f in fs} <= {None, "flag", "quarantine"}
    for fields in STAGED_FIELDS.values():
        assert any(f.name == "issues" for f in fields)


# ----------------------------------------------------------------------- 6. catalogue paths


def test_paths_outside_the_base_directory_are_refused(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text(_csv([_person("1")]), encoding="utf-8")
    (base / "link.csv").symlink_to(outside)
    for path in ("../outside.csv", str(outside), "link.csv"):
        catalogue = _catalogue(base, "population", "csv", path, POP_COLUMNS)
        with pytest.raises(CatalogueError, match=r"cat\.toml.*source 'src'.*outside the base directory"):
            for spec in load_catalogue([catalogue]).values():
                spec.extracts()
    catalogue = _catalogue(base, "population", "csv", "../outside.csv", POP_COLUMNS, allow_outside_base=True)
    (spec,) = load_catalogue([catalogue]).values()
    assert load_raw(spec.extracts()[0], "t").frame.height == 1


# ----------------------------------------------------------------------- 7. not a registry extract


def test_an_extract_that_is_not_a_registry_extract_is_rejected(tmp_path):
    rows = [_person(str(i), name="" if i % 3 else "Nguyễn Văn An") for i in range(REJECT_MIN_ROWS + 10)]
    (tmp_path / "p.csv").write_text(_csv(rows), encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    result = _stage(loaded)
    assert result.rejected and "extract rejected" in result.rejected
    assert result.staged.height == 0 and result.quarantine.height == loaded.frame.height
    assert set(result.quarantine["field"]) == {"*"}
    assert result.quarantine["reason"].str.starts_with("extract rejected: 20 of 30 rows").all()
    few = _stage(load_raw_rows(tmp_path, rows[: REJECT_MIN_ROWS - 1]))
    assert few.rejected is None and few.staged.height > 0


def load_raw_rows(tmp_path, rows):
    (tmp_path / "p.csv").write_text(_csv(rows), encoding="utf-8")
    return _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")


# ----------------------------------------------------------------------- 8. no cell content in errors


def test_a_wrong_header_row_does_not_print_the_data(tmp_path):
    text = _csv([_person("1", name="Phạm Bí Mật", cmnd="098765432"), _person("2")])
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SourceSchemaError) as err:
        _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma", header_row=1)
    message = str(err.value)
    assert "p.csv" in message and "the header (line 2) has 6 columns" in message
    for secret in ("Phạm Bí Mật", "098765432", "Lê Lợi", "01/02/1980"):
        assert secret not in message


def test_a_semicolon_file_does_not_print_its_header_either(tmp_path):
    text = _csv([_person("1")]).replace(",", ";")
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SourceSchemaError, match="delimiter") as err:
        _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    assert "Nguyễn" not in str(err.value)


# ----------------------------------------------------------------------- 9. no generator knowledge


def test_pg_dump_without_key_column_does_not_use_generator_columns(tmp_path):
    dump = "COPY s.people (source_pk, ho_ten, ngay_sinh, dia_chi) FROM stdin;\n"
    dump += f"907\tNguyễn Văn An\t01/02/1980\t{ADDRESS}\n908\tTrần Bình\t02/03/1981\t{ADDRESS}\n\\.\n"
    (tmp_path / "d.sql").write_text(dump, encoding="utf-8")
    loaded = _load(tmp_path, "population", "pg_dump", "d.sql", POP_COLUMNS, table="people")
    assert loaded.frame["source_key"].to_list() == ["1", "2"]
    assert json.loads(loaded.frame["extra_columns"][0])["source_pk"] == "907"


# ----------------------------------------------------------------------- 10. hostile input


def test_hostile_csv_rows_end_somewhere_and_only_read_errors_escape(tmp_path):
    rows = [
        ",".join(_person("1")),
        '2,"Nguyễn Văn ""Tí"" An",01/02/1980,"' + ADDRESS + '",0903123456,023456789',
        "3,Lê Văn\x00 Cường,01/02/1980,x\x07y,0903123456,023456789",
        "4,Trần " + "A" * 200_000 + ",01/02/1980,addr,0903123456,023456789",
        '5,"Unbalanced quote,01/02/1980,addr,0903123456,023456789',
        ",".join(_person("6")),
    ]
    (tmp_path / "p.csv").write_text(_csv(rows), encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    assert loaded.frame.height == 6
    result = _stage(loaded)
    keys = set(result.staged["source_key"]) | set(result.quarantine["source_key"])
    assert {"1", "2", "3", "4", "6"} <= keys
    assert result.staged.filter(pl.col("source_key") == "2")["full_name"][0] == "Nguyễn Văn Tí An"
    q = result.quarantine.filter(pl.col("field") == "*")
    assert q.height == 1 and "quote" in q["reason"][0] and q["source_key"][0] == "line:6"


def test_wrong_encoding_declared_quarantines_the_damaged_rows(tmp_path):
    good = _csv([_person(str(i)) for i in range(1, 6)])
    bad = ",".join(_person("9", name="Vân Bích", cmnd="")).replace(ADDRESS, "addr").encode("cp1258")
    (tmp_path / "p.csv").write_bytes(good.encode("utf-8") + bad + b"\n")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma", encoding="utf-8")
    assert loaded.frame.height == 6
    result = _stage(loaded)
    q = result.quarantine.row(0, named=True)
    assert result.quarantine.height == 1 and "utf-8" in q["reason"] and q["source_key"] == "line:7"


def test_garbage_file_raises_only_source_read_error(tmp_path):
    (tmp_path / "g.jsonl").write_bytes(os.urandom(3000))
    try:
        loaded = _load(tmp_path, "population", "jsonl", "g.jsonl", POP_COLUMNS)
    except (SourceReadError, SourceSchemaError) as exc:
        assert "g.jsonl" in str(exc)
    else:
        result = _stage(loaded)
        assert result.staged.height + result.quarantine.height == loaded.frame.height


# ----------------------------------------------------------------------- accounting


def test_account_reports_a_lost_row(tmp_path):
    (tmp_path / "p.csv").write_text(_csv([_person("1"), _person("2")]), encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    result = stage(loaded.frame, "population")
    assert account(loaded.frame, result)["balanced"]
    lost = StageResult(result.staged.head(1), result.quarantine, result.repairs, result.ward_status)
    assert not account(loaded.frame, lost)["balanced"]
    both = StageResult(result.staged, result.staged.head(1).select(result.quarantine.columns[:6]), {}, {})
    assert not account(loaded.frame, both)["balanced"]
    # same counts, but one key out is not a raw key (and a raw key is missing)
    renamed = result.staged.with_columns(pl.col("record_key").str.replace("#1$", "#x"))
    assert not account(loaded.frame, StageResult(renamed, result.quarantine, {}, {}))["balanced"]
    # same counts, one key out twice (the other raw key missing)
    twice = result.staged.with_columns(pl.lit(result.staged["record_key"][0]).alias("record_key"))
    assert not account(loaded.frame, StageResult(twice, result.quarantine, {}, {}))["balanced"]


# ----------------------------------------------------------------------- unbalanced quotes never swallow rows


PLAIN_ADDRESS = "12 Lê Lợi Phường Bến Nghé Quận 1 TPHCM"


def _line(key: str, name: str = "Nguyễn Văn An") -> str:
    return f"{key},{name},01/02/1980,{PLAIN_ADDRESS},0903123456,023456789"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_two_unbalanced_quotes_do_not_merge_the_rows_between_them(tmp_path, delimiter):
    # Found by tests/test_hostile.py: the quotes of lines 5 and 9 balance each other, so quote parity
    # grouped lines 5-9 into one record and lines 6-8 vanished into a cell of row 5.
    lines = [_line(str(k)) for k in range(1, 10)]
    lines[4] = _line("5", name='"Nguyễn Văn An')
    lines[8] = _line("9", name='"')
    text = ",".join(POP_COLUMNS) + "\n" + "\n".join(lines) + "\n"
    (tmp_path / "p.csv").write_text(text.replace(",", delimiter), encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma", delimiter=delimiter)
    assert loaded.frame.height == 9
    result = _stage(loaded)
    assert sorted(result.staged["source_key"].to_list()) == ["1", "2", "3", "4", "6", "7", "8"]
    # keys of unreadable rows are file lines (the header is line 1)
    assert sorted(result.quarantine["source_key"].to_list()) == ["line:10", "line:6"]
    assert all("unbalanced quote" in r for r in result.quarantine["reason"])


def test_an_unbalanced_quote_next_to_a_damaged_line_keeps_both_neighbours(tmp_path):
    body = (",".join(POP_COLUMNS) + "\n").encode() + b"\n".join(
        [_line("1", name='"Nguyễn Văn An').encode(), _line("2").encode() + b"\xff", _line("3").encode()]
    )
    (tmp_path / "p.csv").write_bytes(body + b"\n")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma", encoding="utf-8")
    assert loaded.frame.height == 3
    result = _stage(loaded)
    assert result.staged["source_key"].to_list() == ["3"]
    reasons = dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))
    assert "unbalanced quote" in reasons["line:2"] and "not valid utf-8" in reasons["line:3"]


def test_a_real_multi_line_cell_stays_one_row(tmp_path):
    text = ",".join(POP_COLUMNS) + "\n" + _line("1") + "\n" + '2,"Lê Văn\nCường",01/02/1980,x,0903123456,023456789\n'
    (tmp_path / "p.csv").write_text(text + _line("3") + "\n", encoding="utf-8")
    loaded = _load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma")
    assert loaded.frame["source_key"].to_list() == ["1", "2", "3"]


# ----------------------------------------------------------------------- 6. a mixed "Số CMND/CCCD" column

MIXED_COLUMNS = {**POP_COLUMNS, "so_cmnd_cccd": "personal_id"}
MIXED_ROWS = [  # (key, the mixed column, the CMND column); born 01/02/1980: a CCCD's digits 4-6 are 080
    ("1", "079080123456", ""),  # a CCCD: stays in personal_id
    ("2", "023456789", ""),  # a CMND: moves to old_id_number
    ("3", "0790801234", ""),  # neither (10 digits): stays, flagged
    ("4", "", ""),  # nothing
    ("5", "024999888", "023456789"),  # a CMND while the CMND column holds another: stays, flagged
    ("6", "023 456 789", "023456789"),  # the same CMND written twice: kept once, in old_id_number
    ("7", "025111222", "079080111111"),  # each in the other's column: swapped
]


def _mixed_extract(tmp_path: Path, fmt: str) -> str:
    cols = list(MIXED_COLUMNS)
    rows = [[*_person(key, cmnd=cmnd), mixed] for key, mixed, cmnd in MIXED_ROWS]
    if fmt == "csv":
        lines = [",".join(cols), *(",".join(f'"{v}"' if "," in v else v for v in r) for r in rows)]
        (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "m.csv"
    if fmt == "xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(tmp_path / "m.xlsx"))
        ws = wb.add_worksheet("Sheet1")
        ws.write_row(0, 0, cols)
        for i, r in enumerate(rows, start=1):
            ws.write_row(i, 0, r[:-1])
            ws.write_string(i, len(cols) - 1, r[-1])  # an ID column is text in a careful export
        wb.close()
        return "m.xlsx"
    lines = [json.dumps(dict(zip(cols, [None if v == "" else v for v in r], strict=True))) for r in rows]
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "m.jsonl"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_a_mixed_cmnd_cccd_column_is_routed_by_the_form_of_each_value(tmp_path, fmt):
    path = _mixed_extract(tmp_path, fmt)
    result = _stage(_load(tmp_path, "population", fmt, path, MIXED_COLUMNS, key_column="ma"))
    assert result.quarantine.height == 0
    staged = {r["source_key"]: r for r in result.staged.to_dicts()}
    got = {k: (staged[k]["personal_id"], staged[k]["old_id_number"]) for k, _, _ in MIXED_ROWS}
    assert got == {
        "1": ("079080123456", None),
        "2": (None, "023456789"),
        "3": ("0790801234", None),
        "4": (None, None),
        "5": ("024999888", "023456789"),
        "6": (None, "023456789"),
        "7": ("079080111111", "025111222"),
    }
    flags = {k: staged[k]["id_flags"] for k, _, _ in MIXED_ROWS}
    assert flags["3"] == "wrong_length" and flags["5"] == "cmnd_in_personal_id"
    assert all(flags[k] is None for k in ("1", "2", "4", "6", "7"))
    assert all(staged[k]["old_id_flags"] is None for k, _, _ in MIXED_ROWS)
    issues = {k: staged[k]["issues"] or "" for k, _, _ in MIXED_ROWS}
    assert "personal_id:" in issues["3"] and "personal_id:" in issues["5"] and "cmnd_in_personal_id" in issues["5"]
    assert not any("personal_id" in issues[k] or "old_id_number" in issues[k] for k in ("1", "2", "4", "6", "7"))
    assert not any(v in issue for _, v, _ in MIXED_ROWS if v for issue in issues.values())  # no ID quoted


def test_a_cccd_in_the_old_id_column_moves_to_personal_id_when_that_is_empty():
    from pipelines.standardise import route_id_kinds

    routed = route_id_kinds(
        pl.Series([None, "079080000001", "079080000002", "079080000003.0"]),
        pl.Series(["079080000001", "079080000001", "079080000009", None]),
    )
    assert routed["personal_id"].to_list() == ["079080000001", "079080000001", "079080000002", "079080000003.0"]
    assert routed["old_id_number"].to_list() == [None, None, "079080000009", None]
    assert routed["old_id_flag"].to_list() == [None, None, "cccd_in_old_id_number", None]
    assert routed["routed"].to_list() == [True, True, False, False]
    with pytest.raises(ValueError, match="rows"):
        route_id_kinds(pl.Series(["1"]), pl.Series(["1", "2"]))
