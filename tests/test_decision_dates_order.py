"""US-style decision dates (``12/4/2026``: month first) are read per file, never silently day first
(pipelines/review/decisions.py ``date_orders``).

Before, every three-number date was read day first: a file written month first (a laptop set to English (US)) had
``12/4/2026`` applied as 12 April and ``12/25/2026`` refused, and nothing said so. Now a second number above 12
makes the file's dates month first; a first number above 12 keeps them day first; both in one file, or no number
above 12 while the two readings differ, is warned about (file, column, rows) and read day first (the default)."""

from __future__ import annotations

import datetime as dt
import logging

import polars as pl

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 31)
HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"


def _load(tmp_path, files: dict[str, list[str]]):
    n = 0
    for name, dates in files.items():
        rows = ""
        for date in dates:
            rows += f"ua-{n:016x},dismiss,A,{date},,\n"
            n += 1
        (tmp_path / name).write_text(HEADER + rows, encoding="utf-8")
    items = pl.DataFrame(
        {
            "item_id": [f"ua-{i:016x}" for i in range(n)],
            "kind": ["unresolved_address"] * n,
            "candidates": [[]] * n,
            "name_key": [None] * n,
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    return load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)


def _dates(loaded, file: str) -> list[dt.date]:
    return loaded.rows.filter(pl.col("source_file") == file).sort("source_row")["decided_on"].to_list()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "column decided_on" in r.message]


def test_a_file_with_a_second_number_above_12_is_read_month_first(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        loaded = _load(
            tmp_path,
            {"us.csv": ["12/4/2026", "12/25/2026", "3.7.2026"], "vn.csv": ["12/4/2026", "25/12/2026", "ngày 3/7/2026"]},
        )
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert _dates(loaded, "us.csv") == [dt.date(2026, 12, 4), dt.date(2026, 12, 25), dt.date(2026, 3, 7)]
    assert _dates(loaded, "vn.csv") == [dt.date(2026, 4, 12), dt.date(2026, 12, 25), dt.date(2026, 7, 3)]
    assert _warnings(caplog) == []  # each file's own dates told the order


def test_both_orders_in_one_file_are_said_and_read_day_first(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        loaded = _load(tmp_path, {"mixed.csv": ["12/4/2026", "25/12/2026", "12/25/2026"]})
    assert _dates(loaded, "mixed.csv") == [dt.date(2026, 4, 12), dt.date(2026, 12, 25)]
    assert loaded.errors.select("source_row", "field").rows() == [(4, "decided_on")]  # 12/25 read day first: no date
    (warning,) = _warnings(caplog)
    assert "mixed.csv" in warning and "rows 3 are day first and rows 4 month first" in warning
    assert "read day first" in warning


def test_dates_that_no_day_above_12_tells_are_said_unless_both_readings_agree(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        loaded = _load(
            tmp_path,
            {"unsure.csv": ["5/5/2026", "12/4/2026", "2026-11-30", "3/7/2026"], "same.csv": ["5/5/2026", "7.7.2026"]},
        )
    assert _dates(loaded, "unsure.csv") == [
        dt.date(2026, 5, 5),
        dt.date(2026, 4, 12),
        dt.date(2026, 11, 30),
        dt.date(2026, 7, 3),
    ]
    assert _dates(loaded, "same.csv") == [dt.date(2026, 5, 5), dt.date(2026, 7, 7)]
    (warning,) = _warnings(caplog)  # same.csv: 5/5 and 7/7 are the same date either way
    assert warning.startswith("decisions file unsure.csv: column decided_on: rows 3, 5 read either way")


def test_a_refused_date_in_a_month_first_file_is_said_in_the_order_the_file_was_read(tmp_path):
    """In a file read month first, an unreadable date ('12/32/2026', '12/2026') was refused as 'not a date
    (YYYY-MM-DD, DD/MM/YYYY, ...)', the day-first form, though that file's dates were read MM/DD/YYYY; and the swap of
    the first two numbers was applied to any text starting with two numbers ('12/2026' read as '20/1226'). Now only a
    three-number date is swapped, and the cause says the file was read month first."""
    loaded = _load(tmp_path, {"us.csv": ["12/25/2026", "12/32/2026", "12/2026"], "vn.csv": ["25/12/2026", "12/2026"]})
    causes = {
        (file, row): cause
        for file, row, cause in loaded.errors.filter(pl.col("field") == "decided_on")
        .select("source_file", "source_row", "cause")
        .iter_rows()
    }
    assert set(causes) == {("us.csv", 3), ("us.csv", 4), ("vn.csv", 3)}, causes
    for row in (3, 4):
        assert "month first (MM/DD/YYYY" in causes["us.csv", row] and "DD/MM/YYYY" not in causes["us.csv", row]
    assert "DD/MM/YYYY" in causes["vn.csv", 3] and "month first" not in causes["vn.csv", 3]
    assert _dates(loaded, "us.csv") == [dt.date(2026, 12, 25)]


def test_only_three_number_dates_are_swapped():
    from pipelines.review.decisions import _month_first_swapped

    frame = pl.DataFrame({"source_file": ["us.csv"] * 4, "t": ["12/4/2026", "12/2026", "ngày 1.2.2026 9:30", "4/12"]})
    out = frame.select(_month_first_swapped("t", {"us.csv"}))["t"].to_list()
    assert out == ["4/12/2026", "12/2026", "ngày 2.1.2026 9:30", "4/12"]
