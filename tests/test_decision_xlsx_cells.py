"""Officials' decision workbooks (pipelines/review/decisions.py _read_xlsx):

* a cell holding an Excel error (``#N/A`` from a VLOOKUP that filled the ward code, ``#REF!``) is read as empty by the
  xlsx library: a decision cell '#N/A' made the row an item 'not decided yet', silently, a date '#REF!' said
  'missing'. Now the row is listed in decision_errors naming the field and the error, and not applied;
* a sheet whose first rows are empty (the table starts at row 3) had its rows numbered from the first row holding a
  value: decision_errors named row 2 for what the spreadsheet shows as row 4."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import load_decisions
from tests.test_cli_xlsx_error_cells import with_error_cells

HEADER = ["item_id", "decision", "reviewer", "decided_on", "note", "new_ward_code"]
IDS = [f"ua-{i:016x}" for i in range(4)]


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": IDS, "kind": ["unresolved_address"] * 4, "candidates": [[]] * 4, "name_key": [None] * 4},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _load(folder):
    return load_decisions(folder, ward_codes={"26740"}, items=_items(), today=dt.date(2026, 12, 31))


def test_an_error_cell_is_listed_not_read_as_empty(tmp_path):
    rows = [HEADER] + [[i, "dismiss", "A", "01/12/2026", None, None] for i in IDS]
    with_error_cells(tmp_path / "d.xlsx", rows, {"B3": "#N/A", "D4": "#REF!"})
    loaded = _load(tmp_path)
    errors = {(r["source_row"], r["field"]): r["cause"] for r in loaded.errors.to_dicts()}
    assert set(errors) == {(3, "decision"), (4, "decided_on")}, errors
    assert all("Excel error" in c for c in errors.values())
    assert loaded.undecided == 0  # the '#N/A' decision is no undecided item
    assert sorted(loaded.rows["source_row"].to_list()) == [2, 5]


def test_rows_are_numbered_as_the_sheet_shows_them(tmp_path):
    rows = [
        HEADER,
        [IDS[0], "dismiss", "A", "01/12/2026", None, None],
        [IDS[1], "dismiss", "A", "not a date", None, None],
    ]
    with_error_cells(tmp_path / "d.xlsx", rows, {}, at=(2, 0))  # rows 1-2 empty: the header on row 3
    loaded = _load(tmp_path)
    assert loaded.errors.select("source_row", "field").rows() == [(5, "decided_on")]
    assert loaded.rows["source_row"].to_list() == [4]


def test_nul_characters_are_no_part_of_a_cell(tmp_path):
    """A CSV with a byte-order mark and NULs (a damaged export): 'dismiss\\x00' was 'not a decision', '\\x00ua-...' 'not a
    review item id', a line of NULs a row with a bad item id and no decision."""
    (tmp_path / "a.csv").write_bytes(
        b"\xef\xbb\xbfitem_id,decision,reviewer,decided_on,note,new_ward_code\r\n"
        + f"{IDS[0]},dismiss\x00,A\x00,2026-12-01\x00,,\r\n\x00{IDS[1]},dismiss,A,2026-12-01,n\x00ote,\r\n".encode()
        + b"\x00\x00\x00\r\n"
    )
    loaded = _load(tmp_path)
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows.select("item_id", "decision", "reviewer", "note").rows() == [
        (IDS[0], "dismiss", "A", None),
        (IDS[1], "dismiss", "A", "note"),
    ]


def test_an_empty_decisions_file_is_said_empty(tmp_path):
    """An empty file, or one holding a byte-order mark or NULs only, said 'no header row with item_id and decision in
    the first 10 lines', as if it held a table of other columns."""
    for name, data in (
        ("a.csv", b""),
        ("b.csv", b"\xef\xbb\xbf"),
        ("c.txt", b"\xff\xfe"),
        ("d.csv", b"\x00" * 9 + b"\r\n"),
    ):
        (tmp_path / name).write_bytes(data)
    loaded = _load(tmp_path)
    causes = dict(zip(loaded.errors["source_file"], loaded.errors["cause"], strict=True))
    assert set(causes) == {"a.csv", "b.csv", "c.txt", "d.csv"}, causes
    assert all(c.startswith("the file is empty") for c in causes.values()), causes
