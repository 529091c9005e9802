"""The run summary's decisions line counts this run's rows: a conflict kept in the audit from files this run did not
read (removed, or another decisions folder) is said apart, never subtracted from this run's rows. Before, a run
reading an empty folder over a warehouse holding one same-day conflict printed '0 row(s), -2 applied, 2 not
applied'."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from assets.review import _decisions_check
from pipelines.review.decisions import append_audit, load_decisions, rows_held, settle_decisions
from pipelines.schema import REVIEW_ITEM_KEYS
from tests.summaryhelpers import decisions_summary

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
SPLIT = "su-5b93a4f51b160983"
NOW = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)


def _items() -> pl.DataFrame:
    row = {c: None for c in REVIEW_ITEM_KEYS.columns}
    row.update(item_id=SPLIT, kind="split_unit", candidates=["2025:27154", "2025:27139"], name_key="hoanghoatham")
    return pl.DataFrame([row], schema=REVIEW_ITEM_KEYS.polars_schema)


def _run(folder, previous):
    loaded = load_decisions(folder, ward_codes={"27154", "27139"}, items=_items(), today=NOW.date())
    audit, _ = append_audit(previous, loaded.rows, NOW)
    return loaded, audit, settle_decisions(audit, _items())


def _summary_line(tmp_path, folder, loaded, settled) -> str:
    now, earlier = rows_held(settled, loaded)
    meta = {  # what assets/review.py's review_decisions writes
        "decisions_dir": dg.MetadataValue.path(str(folder)),
        "files": dg.MetadataValue.int(loaded.files),
        "rows_valid": dg.MetadataValue.int(loaded.rows.height),
        "rows_rejected": dg.MetadataValue.int(loaded.rows_rejected),
        "rows_in_conflict": dg.MetadataValue.int(now),
        "earlier_rows_in_conflict": dg.MetadataValue.int(earlier),
    }
    return next(line for line in decisions_summary(tmp_path, meta).lines() if line.startswith("Decisions:"))


def test_a_conflict_from_files_not_read_now_is_not_subtracted_from_this_runs_rows(tmp_path):
    first = tmp_path / "decisions"
    first.mkdir()
    (first / "split_27154.csv").write_text(HEADER + f"{SPLIT},place,Official A,2026-12-02,,27154\n")
    (first / "split_27139.csv").write_text(HEADER + f"{SPLIT},place,Official B,2026-12-02,,27139\n")
    loaded, audit, settled = _run(first, None)
    assert rows_held(settled, loaded) == (2, 0)
    line = _summary_line(tmp_path, first, loaded, settled)
    assert line.endswith(": 2 row(s), 0 applied, 2 not applied (review.decision_errors says why)")

    other = tmp_path / "other_decisions"  # e.g. $WARDBRIDGE_DECISIONS_DIR for this warehouse, still empty
    other.mkdir()
    loaded, _, settled = _run(other, audit)
    assert settled.errors.height == 2  # the audit's conflict still holds the item
    assert rows_held(settled, loaded) == (0, 2)
    line = _summary_line(tmp_path, other, loaded, settled)
    assert "-" not in line.split(": ", 1)[1].replace(str(other), "")  # no negative count
    assert line.endswith(
        ": 0 row(s), 0 applied, 0 not applied; 2 earlier row(s) still in conflict (their files were not read now)"
        " (review.decision_errors says why)"
    )


def test_xlsx_sheet_rows_are_matched_by_sheet_too(tmp_path):
    """A conflict row of a workbook (sheet not null) read now counts as now; CSV rows (sheet null) as well."""
    import xlsxwriter

    folder = tmp_path / "decisions"
    folder.mkdir()
    book = xlsxwriter.Workbook(folder / "ward_27139.xlsx")
    sheet = book.add_worksheet("split_unit")
    for col, value in enumerate(HEADER.strip().split(",")):
        sheet.write_string(0, col, value)
    for col, value in enumerate([SPLIT, "place", "Official B", "2026-12-02", "", "27139"]):
        sheet.write_string(1, col, value)
    book.close()
    (folder / "split_27154.csv").write_text(HEADER + f"{SPLIT},place,Official A,2026-12-02,,27154\n")
    loaded, _, settled = _run(folder, None)
    assert loaded.rows.height == 2 and settled.errors.height == 2
    assert rows_held(settled, loaded) == (2, 0)


def test_a_row_with_several_faults_is_one_row_not_applied(tmp_path):
    """A row with no reviewer, a date in the future and no ward is one row not applied (three errors name its three
    fields); before, the summary counted errors as rows: '4 row(s), 1 applied, 3 not applied' for two rows."""
    folder = tmp_path / "decisions"
    folder.mkdir()
    later = (NOW + dt.timedelta(days=400)).date()
    (folder / "split_27154.csv").write_text(
        HEADER + f"{SPLIT},place,Official A,2026-12-02,,27154\n" + f"{SPLIT},place,,{later},,\n"
    )
    loaded, _, settled = _run(folder, None)
    assert loaded.errors.height == 3 and loaded.rows_rejected == 1
    line = _summary_line(tmp_path, folder, loaded, settled)
    assert line.endswith(": 2 row(s), 1 applied, 1 not applied (review.decision_errors says why)")
    check = _decisions_check(loaded.errors, "")  # the asset's check says rows too
    assert check.metadata["rows_rejected"].value == 1 and check.description.startswith("1 decision rows not applied")
