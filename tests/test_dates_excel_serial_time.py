"""An Excel date-time exported as its serial number: '43831.5' (1 January 2020, noon: the cell's format was General, or
pandas read the sheet's numbers), and a serial written with the Vietnamese locale's decimal comma ('43831,0'). Only
'NNNNN.0' was read; these were 'unreadable (unparseable)', flagged and lost. A five-digit serial with a fraction is
read as its day (the time ignored, as a time after a date is); four digits with a fraction stay unread ('1990.05' may
be a year and month), as before."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.standardise import parse_dates


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("43831.5", dt.date(2020, 1, 1)),
        ("43831.999988", dt.date(2020, 1, 1)),
        ("43831,0", dt.date(2020, 1, 1)),
        ("43831,25", dt.date(2020, 1, 1)),
        ("36526.0", dt.date(2000, 1, 1)),
    ],
)
def test_an_excel_serial_with_a_time_is_its_day(text, day):
    (row,) = parse_dates(pl.Series([text])).iter_rows(named=True)
    assert (row["date"], row["date_format"], row["error"]) == (day, "excel_serial", None), row


@pytest.mark.parametrize("text", ["1990.05", "4383.5", "99999.5", "43831.5.1"])
def test_others_are_not_read_as_a_serial(text):
    (row,) = parse_dates(pl.Series([text])).iter_rows(named=True)
    assert row["date"] is None and row["error"] is not None, row
