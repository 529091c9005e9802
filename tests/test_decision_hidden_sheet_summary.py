"""A decisions workbook's hidden sheet (an official's draft or old copy, which Excel does not show) is not applied
(7d761f6), and is said as what it is: a hidden sheet not read, never 'not a decisions table'.

Before, `wardbridge run` with a decisions workbook whose hidden sheet 'Nhap' held decisions printed 'Decisions: 1
file(s) read ...; 1 file(s) not a decisions table: quyet_dinh.xlsx sheet Nhap' and the check decision_rows_valid
'1 file(s) not a decisions table (quyet_dinh.xlsx sheet Nhap)': an official reads that as 'the wrong file', while the
sheet is a decisions table, only hidden (review.decision_errors said so: 'not read: a hidden sheet ... unhide')."""

from __future__ import annotations

import json

import xlsxwriter

from tests.test_decision_files_not_tables import _run

HEADER = ["item_id", "decision", "reviewer", "decided_on"]


def _book(path, hidden_rows: list[list[str]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    shown = book.add_worksheet("Quyet dinh")
    shown.write_row(0, 0, HEADER)
    shown.write_row(1, 0, ["ua-0000000000000000", "dismiss", "Lê Văn Tám", "2025-09-01"])  # an item no run published
    draft = book.add_worksheet("Nhap")
    for r, row in enumerate([HEADER, *hidden_rows]):
        draft.write_row(r, 0, row)
    draft.hide()
    shown.activate()
    book.close()


def test_a_hidden_sheet_of_decisions_is_named_as_hidden_not_as_no_decisions_table(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    _book(folder / "quyet_dinh.xlsx", [["ua-0000000000000001", "dismiss", "Lê Văn Tám", "2025-09-02"]])
    (folder / "quyet_dinh.pdf").write_bytes(b"%PDF-1.4")  # a file that is not a decisions table, beside it
    result, summary = _run(tmp_path, folder)
    (line,) = [x for x in summary.lines() if x.startswith("Decisions: ")]
    assert line.endswith(
        ": 1 row(s), 0 applied, 1 not applied; 1 file(s) not a decisions table: quyet_dinh.pdf; 1 hidden sheet(s) "
        "not read (unhide to apply): quyet_dinh.xlsx sheet Nhap (review.decision_errors says why)"
    ), line
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed  # its rows are not applied: flagged, as a row not applied is
    assert check.description == (
        "1 decision rows not applied; 1 file(s) not a decisions table (quyet_dinh.pdf); 1 hidden sheet(s) not read "
        "(quyet_dinh.xlsx sheet Nhap): see review.decision_errors"
    ), check.description
    decisions = json.loads(json.dumps(summary.as_dict()))["outputs"]["decisions"]
    assert decisions["files_not_tables"] == ["quyet_dinh.pdf"] and decisions["rows_rejected"] == 1
    assert decisions["sheets_hidden"] == ["quyet_dinh.xlsx sheet Nhap"]


def test_a_workbook_whose_only_decisions_are_on_a_hidden_sheet(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    book = xlsxwriter.Workbook(str(folder / "nhap.xlsx"))
    shown, draft = book.add_worksheet("Ghi chu"), book.add_worksheet("Nhap")
    shown.write_string(0, 0, "ghi chú")  # no decisions header
    for r, row in enumerate([HEADER, ["ua-0000000000000001", "dismiss", "Lê Văn Tám", "2025-09-02"]]):
        draft.write_row(r, 0, row)
    draft.very_hidden()
    shown.activate()
    book.close()
    result, summary = _run(tmp_path, folder)
    (line,) = [x for x in summary.lines() if x.startswith("Decisions: ")]
    assert line.endswith(
        ": 0 row(s), 0 applied, 0 not applied; 1 hidden sheet(s) not read (unhide to apply): nhap.xlsx sheet Nhap "
        "(review.decision_errors says why)"
    ), line
    assert "not a decisions table" not in line
    (check,) = result.get_asset_check_evaluations()
    assert check.description == "1 hidden sheet(s) not read (nhap.xlsx sheet Nhap): see review.decision_errors"
