"""A file in the decisions folder that is not a decisions table (a scanned PDF, a text note) is named as a file, never
counted as a row of decisions.

Before, `wardbridge run` with only a PDF in the decisions folder printed 'Decisions: 0 file(s) read from ...: 1 row(s),
0 applied, 1 not applied' and the check decision_rows_valid said '1 decision rows not applied': the PDF's error in
review.decision_errors (row 0, field '*') was counted as a row. Now the rows are the decisions tables' rows and the
summary and the check name the files that are not tables.
"""

from __future__ import annotations

import json

import dagster as dg
import polars as pl

from assets.progress import RunSummary
from assets.resources import WarehouseResource
from assets.review import review_decisions
from pipelines.reference import load_reference
from pipelines.schema import CROSSWALK, UNITS_2025, UNITS_PRE2025
from pipelines.warehouse import Warehouse

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"


def _run(tmp_path, folder) -> tuple[dg.ExecuteInProcessResult, RunSummary]:
    wh = Warehouse(tmp_path / "wh")
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    result = dg.materialize(
        [review_decisions],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        run_config={"ops": {"review_decisions": {"config": {"decisions_dir": str(folder)}}}},
    )
    summary = RunSummary(warehouse=wh.root, home=tmp_path)
    summary.add("wardbridge_entities", result, 1.0)
    return result, summary


def test_a_pdf_and_a_note_are_named_as_files_not_counted_as_rows(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    (folder / "quyet_dinh.pdf").write_bytes(b"%PDF-1.4 a scanned signed decision")
    (folder / "ghi_chu.txt").write_text("ghi chú của phường\n", encoding="utf-8")  # a .txt without the header
    # one real row, for an item no run has published: a row not applied
    (folder / "phuong_26740.csv").write_text(HEADER + "ua-0000000000000000,dismiss,Lê Văn Tám,2025-09-01,,\n")
    result, summary = _run(tmp_path, folder)
    (line,) = [x for x in summary.lines() if x.startswith("Decisions: ")]
    assert line.startswith("Decisions: 1 file(s) read from "), line  # the .txt without the header is not read as one
    assert line.endswith(
        ": 1 row(s), 0 applied, 1 not applied; 2 file(s) not a decisions table: ghi_chu.txt, quyet_dinh.pdf"
        " (review.decision_errors says why)"
    ), line
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed
    assert check.description == (
        "1 decision rows not applied; 2 file(s) not a decisions table (ghi_chu.txt, quyet_dinh.pdf): "
        "see review.decision_errors"
    )
    # every one of them is still listed in review.decision_errors, with its file
    errors = Warehouse(tmp_path / "wh").read("review", "decision_errors")
    assert sorted(errors["source_file"]) == ["ghi_chu.txt", "phuong_26740.csv", "quyet_dinh.pdf"]
    assert errors.filter(pl.col("source_file") == "phuong_26740.csv")["source_row"].to_list() == [2]


def test_only_a_pdf_is_no_row(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    (folder / "quyet_dinh.pdf").write_bytes(b"%PDF-1.4")
    result, summary = _run(tmp_path, folder)
    (line,) = [x for x in summary.lines() if x.startswith("Decisions: ")]
    assert ": 0 row(s), 0 applied, 0 not applied; 1 file(s) not a decisions table: quyet_dinh.pdf" in line, line
    (check,) = result.get_asset_check_evaluations()
    assert check.description.startswith("1 file(s) not a decisions table (quyet_dinh.pdf)")
    assert "rows" not in check.description
    # `wardbridge run --json`: the same, as a list of names beside the row counts
    decisions = json.loads(json.dumps(summary.as_dict()))["outputs"]["decisions"]
    assert decisions["files_not_tables"] == ["quyet_dinh.pdf"] and decisions["rows_rejected"] == 0


def test_a_sheet_whose_header_lacks_a_required_column_is_named_once_not_counted_per_column(tmp_path):
    import datetime as dt

    import xlsxwriter

    from pipelines.review.decisions import load_decisions

    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    book = xlsxwriter.Workbook(folder / "phuong.xlsx")
    sheet = book.add_worksheet("Sheet1")
    for col, value in enumerate(["item_id", "decision", "note"]):  # no reviewer, no decided_on
        sheet.write_string(0, col, value)
    for col, value in enumerate(["ua-0000000000000000", "dismiss", ""]):
        sheet.write_string(1, col, value)
    book.close()
    loaded = load_decisions(folder, ward_codes=set(), items=None, today=dt.date(2026, 12, 3))
    assert loaded.errors.height == 2  # one per missing column, in review.decision_errors
    assert loaded.not_tables == ["phuong.xlsx sheet Sheet1"] and loaded.rows_rejected == 0


def test_a_header_naming_a_decision_column_twice_is_named_not_read_as_an_empty_decision(tmp_path):
    """An official who did not see the export's decision column (far right of a wide match_pair file) and added one
    of their own: before, the first (empty) column was read and the row reported as 'decision: missing', the
    decision typed in the second never said. Now the file is named as not read, with the two column letters."""
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    header = "item_id,decision,reviewer,decided_on,note,new_ward_code,Quyết định\n"  # 'decision' in Vietnamese
    (folder / "ward_26740.csv").write_text(header + "ua-0000000000000000,,Official A,2026-12-01,,,dismiss\n")
    (folder / "ok.csv").write_text(HEADER + "ua-0000000000000000,,,,,\n")  # one header row naming each column once
    loaded = load_decisions(folder, ward_codes=set(), items=None, today=dt.date(2026, 12, 3))
    assert loaded.errors.select("source_file", "source_row", "field").rows() == [("ward_26740.csv", 1, "decision")]
    assert loaded.errors["cause"][0] == (
        "the header names this column twice (columns B and G): keep one, delete the other"
    )
    assert loaded.not_tables == ["ward_26740.csv"] and loaded.rows_rejected == 0
    assert loaded.rows.height == 0 and loaded.undecided == 1
