"""A decisions file the pipeline's account cannot open (an official's file saved with mode 0600 under their own
account, or removed while the run read the folder) is named in review.decision_errors and the run goes on: the CSV
reader's PermissionError ended review_decisions, so the entities job failed and review, marts, exports and report were
skipped; a workbook was 'not a readable workbook (CalamineError)'. (Run as root here, so the denial is simulated.)"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import xlsxwriter

import pipelines.review.decisions as decisions
from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
UA = [f"ua-{i:016x}" for i in range(2)]
CSV = "item_id,decision,reviewer,decided_on\n{id},dismiss,A,2026-12-01\n"


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": UA, "kind": ["unresolved_address"] * 2, "candidates": [[]] * 2, "name_key": [None] * 2},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _denied(path) -> None:  # noqa: ANN001
    raise PermissionError(13, "Permission denied", str(path))


def test_a_csv_the_account_cannot_read_is_named_and_the_others_are_read(tmp_path, monkeypatch):
    (tmp_path / "ok.csv").write_text(CSV.format(id=UA[0]), encoding="utf-8")
    (tmp_path / "locked.csv").write_text(CSV.format(id=UA[1]), encoding="utf-8")
    (tmp_path / "gone.csv").write_text(CSV.format(id=UA[1]), encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.csv":
            _denied(self)
        if self.name == "gone.csv":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    loaded = load_decisions(tmp_path, ward_codes=set(), items=_items(), today=TODAY)
    assert loaded.rows["item_id"].to_list() == [UA[0]]
    errors = {row[0]: row[1] for row in loaded.errors.select("source_file", "cause").rows()}
    assert errors["locked.csv"].startswith("cannot be read (permission denied: give the pipeline's account read")
    assert errors["gone.csv"].startswith("cannot be read (FileNotFoundError: No such file or directory)")


def test_a_workbook_the_account_cannot_read_is_named(tmp_path, monkeypatch):
    with xlsxwriter.Workbook(str(tmp_path / "locked.xlsx")) as book:
        book.add_worksheet("s").write_row(0, 0, ["item_id", "decision", "reviewer", "decided_on"])
    shutil.copy(tmp_path / "locked.xlsx", tmp_path / "ok.xlsx")
    real = open

    def fake_open(path, *args, **kwargs):  # noqa: ANN001, ANN202
        if Path(path).name == "locked.xlsx":
            _denied(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(decisions, "open", fake_open, raising=False)
    loaded = load_decisions(tmp_path, ward_codes=set(), items=_items(), today=TODAY)
    assert loaded.errors.select("source_file", "source_row").rows() == [("locked.xlsx", 0)]
    assert "permission denied" in loaded.errors["cause"][0]
    assert loaded.files == 1  # ok.xlsx, a decisions table without rows
