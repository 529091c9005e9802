"""A date with a time whose half of the day is written the Vietnamese way: 'SA' (sáng, a.m.) or 'CH' (chiều, p.m.),
as Windows and .NET write a date-time in the Vietnamese locale ('25/03/1990 12:00:00 SA', the default text of a
DateTime an old .NET registry application exported). The time after a date is ignored, but only 'AM'/'PM' were taken
as its mark: every such date was 'unreadable (unparseable)', flagged and lost. Now 'SA'/'CH' (any case, dotted or
not) end the time as 'AM'/'PM' do (standardise.parse_dates; `wardbridge match` reads dates through it too)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.standardise import parse_dates
from tests.test_bad_inputs import ROWS, _csv, _ingest


@pytest.mark.parametrize(
    "text",
    [
        "25/03/1990 12:00:00 SA",
        "25/03/1990 1:05:00 CH",
        "25/03/1990 01:05 ch",
        "25/03/1990 9:15:00 S.A.",
        "1990-03-25 12:00:00 SA",
        "25/03/1990 12:00:00 AM",
    ],
)
def test_a_time_marked_sa_or_ch_is_ignored_as_am_pm_is(text):
    (row,) = parse_dates(pl.Series([text])).iter_rows(named=True)
    assert row["date"] == dt.date(1990, 3, 25) and row["error"] is None, row


@pytest.mark.parametrize("text", ["25/03/1990 SA", "25/03/1990 CH", "25/03/1990 12:00:00 SAX"])
def test_a_mark_without_a_time_is_not_taken(text):
    (row,) = parse_dates(pl.Series([text])).iter_rows(named=True)
    assert row["date"] is None and row["error"] is not None


def test_a_dotnet_vietnamese_date_time_column_is_staged(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][6], rows[1][6], rows[2][6] = "01/02/2020 12:00:00 SA", "15/06/2019 3:30:00 CH", "03/03/2021"
    result = _ingest(tmp_path, "csv", "dotnet.csv", _csv(rows).encode())
    assert result.state == "ok", result.cause
    staged = dict(zip(result.staged["source_key"], result.staged["registered_on"], strict=True))
    assert staged == {"1": dt.date(2020, 2, 1), "2": dt.date(2019, 6, 15), "3": dt.date(2021, 3, 3)}
    assert result.staged["issues"].null_count() == 3  # nothing flagged unreadable
