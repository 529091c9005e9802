"""A workbook's hidden sheets (Excel: right-click > Hide; 'very hidden' only from the VBA editor) are a clerk's scratch
or lookup sheets, not the registry: nobody who opens the file sees them. Before, ingestion (readers._read_xlsx) read
every sheet holding the expected header, hidden or not, so a hidden scratch copy of the register became records (each
person twice). Now a hidden or very hidden sheet is not read as records: the partition's note and a warning of the
ingest step name each one skipped, its state and how many rows hold a value; a catalogue entry's
``read_hidden_sheets = true`` reads them as visible ones. A workbook whose only sheets with the header are hidden fails
saying so (before: read as if visible). The workbooks are written with xlsxwriter (the library the project writes
xlsx with), hidden by ``hide()`` (sheet_state hidden) and ``very_hidden()`` (veryHidden)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.ingest.catalogue import CatalogueError, extracts_by_partition, load_catalogue
from tests.test_row_contracts import _catalogue, _load

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"
HEADER = ["ma", "ho_ten", "ngay_sinh", "dia_chi"]
COLUMNS = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}


def _people(first: int, n: int) -> list[list[str]]:
    return [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS] for i in range(first, first + n)]


def workbook(path: Path, sheets: list[tuple[str, str, list[list[str]]]]) -> Path:
    """``sheets``: (name, state 'visible' | 'hidden' | 'veryHidden', rows) in workbook order."""
    book = xlsxwriter.Workbook(str(path))
    added = []
    for name, state, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        added.append((sheet, state))
    for sheet, state in added:
        if state == "hidden":
            sheet.hide()
        elif state == "veryHidden":
            sheet.very_hidden()
    # a hidden sheet cannot be the active one: the first visible sheet is
    next(s for s, state in added if state == "visible").activate()
    book.close()
    return path


def _scratch_book(path: Path) -> Path:
    return workbook(
        path,
        [
            ("Data", "visible", [HEADER, *_people(1, 3)]),
            ("Nhap", "hidden", [HEADER, *_people(101, 2)]),  # a clerk's scratch copy of rows
            ("Tra cuu", "veryHidden", [["ma_phuong", "ten"], ["26734", "Tân Định"], ["26737", "Đa Kao"]]),  # lookup
        ],
    )


def test_hidden_sheets_are_not_read_as_records_and_are_named_with_their_rows(tmp_path):
    _scratch_book(tmp_path / "p.xlsx")
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    assert sorted(loaded.frame["source_key"].to_list()) == ["1", "2", "3"], loaded.frame["source_key"].to_list()
    assert loaded.hidden_sheets == [("Nhap", "hidden", 3), ("Tra cuu", "very hidden", 3)], loaded.hidden_sheets


def test_read_hidden_sheets_reads_them_as_visible_ones(tmp_path):
    _scratch_book(tmp_path / "p.xlsx")
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma", read_hidden_sheets=True)
    assert sorted(loaded.frame["source_key"].to_list(), key=int) == ["1", "2", "3", "101", "102"]
    assert loaded.hidden_sheets == [], loaded.hidden_sheets


def test_the_note_and_a_warning_name_each_hidden_sheet_skipped(tmp_path, caplog):
    from tests.ingesthelpers import ingest_note

    _scratch_book(tmp_path / "p.xlsx")
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    note, warnings = ingest_note(tmp_path / "wh", "population", catalogue, caplog)
    assert "3 raw -> 3 staged + 0 quarantined" in note, note
    assert "hidden sheets not read: 'Nhap' (hidden, 3 rows), 'Tra cuu' (very hidden, 3 rows)" in note, note
    (warning,) = [w for w in warnings if "hidden" in w]
    assert "'Nhap' (hidden, 3 rows)" in warning and "read_hidden_sheets = true" in warning, warning
    assert "Nguyễn" not in warning and "Tân Định" not in warning, warning


def test_a_workbook_whose_header_is_on_hidden_sheets_only_fails_saying_so(tmp_path):
    from tests.ingesthelpers import ingest_extract

    workbook(
        tmp_path / "p.xlsx",
        [("Ghi chu", "visible", [["Sổ hộ khẩu phường 5"]]), ("Data", "hidden", [HEADER, *_people(1, 2)])],
    )
    catalogue = _catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    got = ingest_extract(tmp_path / "wh", "population", extract, ["Nguyễn Văn An", ADDRESS])
    assert got.state == "failed", got
    assert "hidden" in got.cause and "'Data'" in got.cause and "read_hidden_sheets = true" in got.cause, got.cause


def test_visible_sheets_only_are_read_as_before(tmp_path):
    workbook(
        tmp_path / "p.xlsx", [("A", "visible", [HEADER, *_people(1, 2)]), ("B", "visible", [HEADER, *_people(3, 1)])]
    )
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, key_column="ma")
    assert sorted(loaded.frame["source_key"].to_list()) == ["1", "2", "3"] and loaded.hidden_sheets == []


def test_read_hidden_sheets_is_for_workbooks_and_a_boolean(tmp_path):
    (tmp_path / "p.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="read_hidden_sheets"):
        load_catalogue([_catalogue(tmp_path, "population", "csv", "p.csv", COLUMNS, read_hidden_sheets=True)])
    with pytest.raises(CatalogueError, match="read_hidden_sheets must be true or false"):
        load_catalogue([_catalogue(tmp_path, "population", "xlsx", "p.xlsx", COLUMNS, read_hidden_sheets="yes")])


# ----------------------------------------------------------------------- wardbridge resolve / match (pipelines.reading.workbook.read_workbook)
# Before, the CLI read the workbook's first sheet, hidden or not: a hidden first sheet (a lookup list kept in front)
# was read instead of the sheet Excel shows.


def _resolve(*args: str):  # noqa: ANN202
    from click.testing import CliRunner

    from pipelines.cli import main

    return CliRunner().invoke(main, ["resolve", *args], catch_exceptions=False)


def test_the_cli_reads_the_first_visible_sheet_and_names_the_hidden_ones(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(
        source,
        [
            ("Tra cuu", "hidden", [["address"], ["Phường Tân Định"], ["Phường Đa Kao"]]),
            ("Data", "visible", [["address"], [ADDRESS]]),
            ("Cu", "veryHidden", [["address"]]),
        ],
    )
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["address"].to_list() == [ADDRESS]
    assert "the first visible sheet read ('Data')" in result.output, result.output
    assert "hidden sheets not read: 'Tra cuu' (hidden, 3 rows), 'Cu' (very hidden, 1 row)" in result.output
    assert "Tân Định" not in result.output, result.output


def test_the_cli_reads_a_hidden_sheet_its_sheet_option_names_and_says_it_is_hidden(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(source, [("Data", "visible", [["address"], [ADDRESS]]), ("Cu", "hidden", [["address"], ["Phường 5"]])])
    result = _resolve("--input", str(source), "--sheet", "Cu", "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["address"].to_list() == ["Phường 5"]
    assert "sheet 'Cu' is hidden in the workbook: read as --sheet names it" in result.output, result.output


def test_the_cli_says_nothing_of_hidden_sheets_in_a_workbook_of_one_visible_sheet(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(source, [("Data", "visible", [["address"], [ADDRESS]])])
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "hidden" not in result.output and "sheets read" not in result.output, result.output


# ----------------------------------------------------------------------- review decisions (review.decisions._read_xlsx)
# Before, every sheet of a decisions workbook holding the item_id / decision header was applied, hidden or not: an
# official's hidden draft or old copy of decisions was applied beside (or against) the visible sheet.


DECISIONS_HEADER = ["item_id", "decision", "reviewer", "decided_on", "note", "new_ward_code"]


def decision_items() -> tuple[list[str], pl.DataFrame]:
    """Three open unresolved_address items (ward 26740's): their ids and the queue load_decisions checks against."""
    ids = [f"ua-{i:016x}" for i in range(3)]
    items = pl.DataFrame(
        {"item_id": ids, "kind": ["unresolved_address"] * 3, "candidates": [[]] * 3, "name_key": [None] * 3},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    return ids, items


def test_a_hidden_sheet_of_decisions_is_not_applied_and_is_listed(tmp_path):
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    header = DECISIONS_HEADER
    ids, items = decision_items()
    workbook(
        tmp_path / "d.xlsx",
        [
            ("Nhap", "hidden", [header, [ids[0], "dismiss", "B", "01/11/2026", "", ""], [ids[1], "dismiss", "B", "01/11/2026", "", ""]]),
            ("Quyet dinh", "visible", [header, [ids[2], "dismiss", "A", "01/12/2026", "", ""]]),
            ("Ds", "veryHidden", [["ma_phuong"], ["26740"]]),  # a lookup list: no decisions header, nothing said
        ],
    )  # fmt: skip
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=dt.date(2026, 12, 31))
    assert loaded.rows["item_id"].to_list() == [ids[2]], loaded.rows
    (error,) = loaded.errors.to_dicts()
    assert (error["source_file"], error["sheet"], error["source_row"]) == ("d.xlsx", "Nhap", 0), error
    assert "hidden sheet" in error["cause"] and "2 rows are not applied" in error["cause"], error
    # a decisions table, only hidden: named as such, not as a file that is no decisions table, and no row of it
    assert loaded.not_tables == [] and loaded.hidden_sheets == ["d.xlsx sheet Nhap"], loaded.errors
    assert loaded.rows_rejected == 0
    assert loaded.files == 1


# ----------------------------------------------------------------------- .xls (Excel 97-2003): the same readers
# Written with xlwt 1.3.0 (not a dependency of the project: in a throwaway environment), a sheet's visibility 1 hidden,
# 2 very hidden; kept here zlib-compressed, base64. The states are read through fastexcel (an .xls has no
# xl/workbook.xml). p.xls: 'Data' (visible: the header ma / ho_ten / ngay_sinh / dia_chi and rows 1-3), 'Nhap' (hidden:
# the header and rows 101-102), 'Tra cuu' (very hidden: a lookup of 2 rows). d.xls: 'Nhap' (hidden: the decisions
# header and 2 decisions), 'Quyet dinh' (visible: the header and 1 decision).
_P_XLS = (
    "eNrtWE1oE0EUfjObf5M0ra3QCmUp+FcDTVLRemhjS7WXGlopKiLEbbskoXVTYnOoF6s1R0HwpHgp9CJC1Ys/6EFvHoSKHkRBaPXo"
    "qaDgoe365mUTsxq0gRqt7Av7dubNe9+87PtmJtmXC7WLs/ealuAH6QIJ1nQ3OEpsDC93oRMAHNd10SzcXXjplmwqcbuwkA47PPa9"
    "cIoainovAYe7tmeoAT7gdRomIJbWVLmK0kM5KEzk0MkcyD2OjLyJ2g+NlFkd6RHSW0nfIe8npA+R5QrpTvRdZKdgIRpr7TCYfJK3"
    "0JgfNYMHFPOOLGFogOeCyReusryvHbozKWX83xxotnlhDrB2faqmZpTxRajHIs7BF10G+FxYrU9ly15dOwO0fzXbnWXs17gNYBr0"
    "M0wQMQdeyNrEiA16lUlF9N86RLltEEsqEzmogWXcZzliDWUUeSSbXYHbAlJsyIK/ZxV0T6bjk6qGe7WWUKbi51JaEgkymlLiI8kU"
    "0ifsA4glslOqJh9XNLlb8wCEwm2hSFv4YEeoBR0icr8q96dTQXkgmU1rCbkHfWOJpBqUB7MYEkaUCF7tEjqHwqQjbjF7fIIC0IIZ"
    "2NFr/4H2fZjxEEb1YiIecYjQphMwbTo+Wohe1KP4HUW7lpZjAI+VlVvLr44OD0TjZJmmgyZ/HO0QTw90uCgiMNgP+WdX0K0UsZf0"
    "JULdTu0m0vW4iPC+c6DBaByZIZ/LNLoT52kneR3dVdLeje3cp8GHzbmP0T3Ynu9bOl8//yY6Cy14PI5ivPjMQJAF2Y3rQh5FC3dm"
    "bFvvSTf+tIW5eMDIXTfO3BpYBQ81a0nne+LpsGKPG88q35OwJxlYrAwWIyyb4c8Iy17sCSxHsSewnAYWL4PFCctl+HMTFjdhcROW"
    "VAZLIiy34S+ZsCQTllTE6uJ1cF8kgRv+d6kGxySLY7/lmGcDObalIo4RL+Bv8IIX9WblBS/LC6+JF76S2vOytfebal/zy5pYYokl"
    "llhSdWHGYSUZP2bsxpHoNN7rrOK1Zr0m+W/lGKTxM4n/IA+DhvcMTFXEn21gZwUsts6YwvtCISdw9gyMwTDlMVYxf/EnDSv9PusO"
    "DGzcEqp0/rVK8vzD838DOzNiSA=="
)
_D_XLS = (
    "eNrtWE1oE1EQ/t5mk6YxadM/sRVKKFi1VtpEEC9tbEF7srReFCnEtLvQpW1SktRSL1ZrjoLgSfFS6MVL1Yv/iB4ED0JFD4IgtHr0"
    "JCh4aLvOm+zGpg3S+FNU9gs7b2bem5mXnXnv7e7LharF2dsNS1iHTriwapbDs0Yn6Cq3hSCo3zQla7deukwH/xTKvZRIjxsPAy/K"
    "ZA5lvpeg4Jb6lCjwnq4BjKM3mdBDW4hunkNcyDl0CJVqT8F1uipQz/OqZjrEtIbpTR77iOlh1lxi2kFjF8UpLER7Ww5ZdXxSaeK+"
    "CqICd9nmLWvCqMNzWcfnLovcWDe6UkZ89O/saFT9mANlrkdP6Kn46CJqKYVz+GKGgM/2Wn0ScvRbqxcg/ddCfVkR/RVFBaZhnhay"
    "ELPwY0KV6VXROxwfz1LpPuMd2If+iSk9E9KMxPAyHmAHFy9k5o2MPhYzNNp8NX3ISBvJBLEp/YyhT+opX06r6VosmSDPiWRGD1Cj"
    "T8Ym4yktNpTU9BpgIr6/fR3Is2akx4x0miqum/y0h9vC4bZIe+RgUYNwUW2EjLss4wgb++QhwptOsGDTCfBS9BPVUMl8FS/IIB0r"
    "yzc+vTo22BeNsWaaD5rccbRL3j+YOC8tyLiCe1ywvbawxT6mF9jrTuYbmNbSMqK2ua/OYo7O8JiL3NtMcQ4wXkd3r+H3EJ/92H+v"
    "Mfshupf4+Z6ls7Xzb6KzaKLjUSN7+ZtBq2gV165K3I/arbA2rndM6zdsYl4laM3dtM7cSqzAx2wV05wk747IS4p1r3KSiyRXXlJJ"
    "UvOSmyS3FUcUiSM4jscaLzhOWV6Scbx5ScaRjwOPWZJxpG/pWSniWWHPPstaKfCsFHhWCjwrec+dSjXuSDe0vX/HVtST4tTTL9XT"
    "th/Uk7+gngIb6omzjmJZd+DAgQMHDhz8JIT1eOPiox18mHtyLxb8XWeFrlXnM8l/i+NI0i9Dr6VHkKA2hamS6mc73ML2JTZpY38v"
    "lDhB0VMYwSDPY6Tk+qXHX7H2/2zaMPj7llCp8VdLmecfjv8NfgwvsA=="
)


def _xls(text: str, path: Path) -> Path:
    import base64
    import zlib

    path.write_bytes(zlib.decompress(base64.b64decode(text)))
    return path


def test_an_xls_workbook_s_hidden_sheets_are_not_read_as_records(tmp_path):
    _xls(_P_XLS, tmp_path / "p.xls")
    loaded = _load(tmp_path, "population", "xlsx", "p.xls", COLUMNS, key_column="ma")
    assert sorted(loaded.frame["source_key"].to_list()) == ["1", "2", "3"], loaded.frame["source_key"].to_list()
    assert loaded.hidden_sheets == [("Nhap", "hidden", 3), ("Tra cuu", "very hidden", 2)], loaded.hidden_sheets


def test_an_xls_decisions_workbook_s_hidden_sheet_is_not_applied(tmp_path):
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    _xls(_D_XLS, tmp_path / "d.xls")
    ids, items = decision_items()
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=dt.date(2026, 12, 31))
    assert loaded.rows["item_id"].to_list() == [ids[2]], loaded.rows
    assert loaded.errors.select("sheet", "source_row").rows() == [("Nhap", 0)], loaded.errors.rows()


def test_the_cli_reads_the_first_sheet_of_a_workbook_whose_sheets_are_all_hidden_and_says_so(tmp_path):
    """Excel keeps one sheet shown; a program may not. The first sheet is read, said hidden; before this test, the
    summary line then said 'the first visible sheet read'."""
    import zipfile

    plain, source, out = tmp_path / "plain.xlsx", tmp_path / "in.xlsx", tmp_path / "out.csv"
    workbook(plain, [("A", "visible", [["address"], [ADDRESS]]), ("B", "hidden", [["address"]])])
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'<sheet name="A"', b'<sheet name="A" state="hidden"')
            zout.writestr(item, data)
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["address"].to_list() == [ADDRESS]
    assert "sheet 'A' is hidden in the workbook: every sheet is: the first is read" in result.output, result.output
    assert "the first of 2 sheets read ('A')" in result.output and "visible sheet read" not in result.output


def test_the_help_says_the_first_visible_sheet_is_read():
    """resolve's --input and --sheet, and match's --sheet, said 'the first sheet' / 'default: the first' after the
    reading changed to the first visible one (7d761f6)."""
    from pipelines.cli import main

    for command, options in (("resolve", ("--input", "--sheet")), ("match", ("--sheet",))):
        helps = {o: p.help for p in main.commands[command].params for o in p.opts}
        for option in options:
            said = " ".join(helps[option].split())
            assert "first visible sheet" in said and "the first sheet" not in said, (command, option, said)
