"""Dates with English month names as spreadsheets write them ('Jan 22 1997', '22-Jan-97', '22 January 1997') are read
(pipelines/standardise.py, _english_month_date; form ``month_name``): the name says which part is the month, so the
value is never ambiguous and a month-first source reads it the same. Before, staging flagged them unreadable in
``issues`` and kept no date. An impossible one ('Feb 30 1997') stays an impossible date, quoted as written. A month
name and a year without a day ('Jan 1997', 'January 1997', 'Jan-97') is a month, read as '03/1997' is (form
month_year, precision month: the first of the month), by staging and by `wardbridge match`; they were unreadable. A
day and month without a year ('22-Jan'), a name and two digits that may be a day ('Dec 28') and other words stay
unreadable."""

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
MONTHS = {  # a month name and a year: a month (as '03/1997')
    "Jan 1997": date(1997, 1, 1),
    "January 1997": date(1997, 1, 1),
    "Jan-97": date(1997, 1, 1),  # two digits no day can be: a year, as in d/m/yy
    "jan.1997": date(1997, 1, 1),
    "Sept 2001": date(2001, 9, 1),
    "DECEMBER, 1985": date(1985, 12, 1),
    "Năm sinh: Mar 1990": date(1990, 3, 1),  # after a Vietnamese field label
}
UNREADABLE = ["22-Jan", "Mayday 1 1990", "Janvier 22 1997", "22 Jan", "Dec 28", "May 05", "Jan 1997 5"]


@pytest.mark.parametrize("day_first", [True, False])
@pytest.mark.parametrize("value", list(READ))
def test_english_month_names_are_read_in_either_declared_order(value, day_first):
    got = parse_dates(pl.Series([value]), day_first=day_first, reference_year=2026).row(0, named=True)
    assert (got["date"], got["precision"], got["date_format"]) == (READ[value], "day", "month_name")
    assert got["error"] is None and got["ambiguous"] is False and got["other_order"] is None


@pytest.mark.parametrize("day_first", [True, False])
@pytest.mark.parametrize("value", list(MONTHS))
def test_a_month_name_and_a_year_is_a_month(value, day_first):
    got = parse_dates(pl.Series([value]), day_first=day_first, reference_year=2026).row(0, named=True)
    assert (got["date"], got["precision"], got["date_format"]) == (MONTHS[value], "month", "month_year")
    assert got["error"] is None and got["ambiguous"] is False
    same = parse_dates(pl.Series([f"{MONTHS[value]:%m/%Y}"]), day_first=day_first).row(0, named=True)
    assert {k: got[k] for k in ("date", "precision", "date_format")} == {
        k: same[k] for k in ("date", "precision", "date_format")
    }  # as the month in figures


def test_a_month_name_with_a_year_out_of_range_is_quoted_as_written():
    got = parse_dates(pl.Series(["Jan 1700"])).row(0, named=True)
    assert got["date"] is None and got["error"] == "year out of range Jan 1700"


def test_impossible_dates_are_errors_quoted_as_written():
    got = parse_dates(pl.Series(["Feb 30 1997", "Jun 31 2000"]))
    assert got["date"].null_count() == 2
    assert got["error"].to_list() == ["impossible date Feb 30 1997", "impossible date Jun 31 2000"]


def test_other_words_stay_unreadable():
    got = parse_dates(pl.Series(UNREADABLE))
    assert got["date"].null_count() == len(UNREADABLE)
    assert got["error"].str.starts_with("unparseable").all()


def test_staging_reads_them(tmp_path):
    values = [*READ, *MONTHS, *UNREADABLE]
    (tmp_path / "p.csv").write_text(
        _csv([_person(str(i), dob=v) for i, v in enumerate(values, start=1)]), encoding="utf-8"
    )
    result = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma"))
    assert result.quarantine.height == 0
    staged = {int(r["source_key"]): r for r in result.staged.to_dicts()}
    for i, value in enumerate(values, start=1):
        row = staged[i]
        if value in READ or value in MONTHS:
            expected = (READ[value], "day") if value in READ else (MONTHS[value], "month")
            assert (row["date_of_birth"], row["dob_precision"]) == expected, value
            assert "date_of_birth" not in (row["issues"] or ""), value
        else:
            assert row["date_of_birth"] is None
            assert "date_of_birth: unreadable (unparseable)" in row["issues"], value
    assert result.unreadable == {"date_of_birth": len(UNREADABLE)}


def test_match_reads_a_month_name_and_a_year_as_a_month():
    """`wardbridge match` reads dates as staging does: 'Jan 1997' is a month (compared on the year), no longer
    unreadable; a spec whose formats leave out month_year leaves it unreadable, as it does '01/1997'."""
    from pipelines.match.prepare import precision_column, prepare
    from pipelines.match.spec import parse_spec

    base = {
        "match": {"id": "id", "allow_unreadable_dates": True},
        "blocking": [{"on": "city"}],
        "compare": [{"name": "born", "column": "born", "preset": "date"}],
    }
    table = pl.DataFrame({"id": ["a", "b", "c"], "city": ["x"] * 3, "born": ["Jan 1997", "Jan-97", "22/01/1997"]})
    report: dict = {}
    work = prepare(table, parse_spec(base), report=report)
    assert work["born"].to_list() == [date(1997, 1, 1), date(1997, 1, 1), date(1997, 1, 22)]
    assert work[precision_column("born")].to_list() == ["month", "month", "day"]
    assert report["born"]["unreadable"] == 0
    report = {}
    no_months = parse_spec({**base, "dates": [{"column": "born", "formats": ["dmy"]}]})
    assert prepare(table, no_months, report=report)["born"].to_list() == [None, None, date(1997, 1, 22)]
    assert report["born"]["unreadable"] == 2
