"""A decision's date is read with its four-digit year, never guessed from two digits (pipelines/review/decisions.py).

`1/12/26` was read as the year 26 and appended to the audit (which never changes a row) as 0026-12-01: the
latest-dated decision decides an item, so that row would lose to every later one for ever, silently. A two-digit
year is refused like any other unreadable date; a date with the time Excel writes after it is read as the date."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.review.decisions import load_decisions

TODAY = dt.date(2026, 12, 4)
HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"


def _load(tmp_path, dates: list[str]):
    rows = "".join(f"ua-{i:016x},dismiss,A,{date},,\n" for i, date in enumerate(dates))
    (tmp_path / "d.csv").write_text(HEADER + rows, encoding="utf-8")
    items = pl.DataFrame(
        {
            "item_id": [f"ua-{i:016x}" for i in range(len(dates))],
            "kind": ["unresolved_address"] * len(dates),
            "candidates": [[]] * len(dates),
            "name_key": [None] * len(dates),
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    return load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)


def test_two_digit_years_are_refused_not_read_as_year_26(tmp_path):
    loaded = _load(tmp_path, ["1/12/26", "01/12/26", "26-12-01", "1/12/0026", "0026-12-01"])
    assert loaded.rows.height == 0, loaded.rows["decided_on"].to_list()
    errors = loaded.errors.select("source_row", "field", "cause").rows()
    assert sorted(r[0] for r in errors) == [2, 3, 4, 5, 6]
    assert {r[1] for r in errors} == {"decided_on"}
    assert all("not a date" in r[2] and "four-digit year" in r[2] for r in errors)


def test_four_digit_dates_and_excel_date_times_are_read(tmp_path):
    loaded = _load(
        tmp_path,
        ["2026-12-01", "1/12/2026", "01/12/2026 09:30", "01/12/2026 09:30:15", "2026-12-01 09:30:00", "46357"],
    )
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 1)] * 5 + [dt.date(2026, 12, 1)]


def test_dates_with_dots_dashes_or_vietnamese_words_are_read_day_first(tmp_path):
    """Officials also write 04.12.2026, 04-12-2026, 'ngày 4/12/2026' and '4 tháng 12 năm 2026' (design.md: dates in
    Vietnamese records): each was refused as 'not a date', the decision not applied."""
    loaded = _load(
        tmp_path,
        [
            "01.12.2026",
            "1-12-2026",
            "Ngày 01/12/2026",
            "ngay 1.12.2026",
            "1 tháng 12 năm 2026",
            "ngày 01 Tháng 12 năm 2026",
            "1 thang 12 nam 2026",
        ],
    )
    assert loaded.errors.height == 0, loaded.errors.rows()
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 1)] * 7


def test_mixed_separators_two_digit_years_and_impossible_days_stay_refused(tmp_path):
    loaded = _load(tmp_path, ["01.12-2026", "01.12.26", "31.02.2026", "1 tháng 12 năm 26", "ngày"])
    assert loaded.rows.height == 0, loaded.rows["decided_on"].to_list()
    assert {r[0] for r in loaded.errors.select("source_row").rows()} == {2, 3, 4, 5, 6}
