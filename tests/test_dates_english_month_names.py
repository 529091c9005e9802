"""Dates with English month names as spreadsheets write them ('Jan 22 1997', '22-Jan-97', '22 January 1997') are read
(pipelines/standardise.py, _english_month_date; form ``month_name``): the name says which part is the month, so the
value is never ambiguous and a month-first source reads it the same. Before, staging flagged them unreadable in
``issues`` and kept no date. An impossible one ('Feb 30 1997') stays an impossible date, quoted as written; a month
without a day or year ('Jan 1997', '22-Jan') and other words stay unreadable."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.standardise import parse_dates
from tests.test_row_contracts import POP_COLUMNS, _csv, _load, _person, _stage

READ = {
    "Jan 22 1997": date(1997, 1, 22),
    "22-Jan-97": date(1997, 1, 22),
    "22 January 1997": date(1997, 1, 22),
    "January 22, 1997": date(1997, 1, 22),
    "JAN 22 1997": date(1997, 1, 22),
    "5 Jan 1997": date(1997, 1, 5),  # day and month both <= 12: the name decides, no ambiguity
    "Sept. 3, 2001": date(2001, 9, 3),
    "3rd March 1990": date(1990, 3, 3),
    "22-Jan-05": date(2005, 1, 22),  # a two-digit year as in d/m/yy (pivot: this year + 1)
    "22-Jan-1997 00:00:00": date(1997, 1, 22),  # a time after it, as for the other forms
    "NS: 22 Jan 1990": date(1990, 1, 22),  # after a Vietnamese field label
}
UNREADABLE = ["Jan 1997", "22-Jan", "Mayday 1 1990", "Janvier 22 1997", "22 Jan"]


@pytest.mark.parametrize("day_first", [True, False])
@pytest.mark.parametrize("value", list(READ))
def test_english_month_names_are_read_in_either_declared_order(value, day_first):
    got = parse_dates(pl.Series([value]), day_first=day_first, reference_year=2026).row(0, named=True)
    assert (got["date"], got["precision"], got["date_format"]) == (READ[value], "day", "month_name")
    assert got["error"] is None and got["ambiguous"] is False and got["other_order"] is None


def test_impossible_dates_are_errors_quoted_as_written():
    got = parse_dates(pl.Series(["Feb 30 1997", "Jun 31 2000"]))
    assert got["date"].null_count() == 2
    assert got["error"].to_list() == ["impossible date Feb 30 1997", "impossible date Jun 31 2000"]


def test_other_words_stay_unreadable():
    got = parse_dates(pl.Series(UNREADABLE))
    assert got["date"].null_count() == len(UNREADABLE)
    assert got["error"].str.starts_with("unparseable").all()


def test_staging_reads_them(tmp_path):
    values = [*READ, *UNREADABLE]
    (tmp_path / "p.csv").write_text(
        _csv([_person(str(i), dob=v) for i, v in enumerate(values, start=1)]), encoding="utf-8"
    )
    result = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma"))
    assert result.quarantine.height == 0
    staged = {int(r["source_key"]): r for r in result.staged.to_dicts()}
    for i, value in enumerate(values, start=1):
        row = staged[i]
        if value in READ:
            assert (row["date_of_birth"], row["dob_precision"]) == (READ[value], "day"), value
            assert "date_of_birth" not in (row["issues"] or ""), value
        else:
            assert row["date_of_birth"] is None
            assert "date_of_birth: unreadable (unparseable)" in row["issues"], value
    assert result.unreadable == {"date_of_birth": len(UNREADABLE)}
