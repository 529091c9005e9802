"""The consolidation report shows run times on the city's clock (Asia/Ho_Chi_Minh), as its readers read them.

The trend chart labelled each run with its UTC time and no zone ('30/11 20:00' for a run at 03:00 on 1 December
in the city: a night run read as the evening before), and the header gave the UTC time. Both are the city's
time now, the header saying its offset (HV19, with the decisions' 'in the future' check on the city's date)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.report import history as hist
from pipelines.report.history import run_measures
from pipelines.report.inputs import WARD_MEASURES, Gates, ReportInputs
from pipelines.report.page import _city_trend, run_time_text

NIGHT = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # 03:00 on 1 December in the city


def _inputs() -> ReportInputs:
    wards = pl.DataFrame({"new_uid": ["2025:27154"], **{m: [0] for m in WARD_MEASURES}})
    accounting = pl.DataFrame({m: [0] for m in hist.CITY_MEASURES})
    duplicates = pl.DataFrame(schema={"kind": pl.String, "records": pl.Int64, "entities": pl.Int64})
    return ReportInputs(wards, pl.DataFrame(), pl.DataFrame(), accounting, duplicates, Gates(None), None, None, None)


def test_the_trend_labels_runs_with_the_city_time():
    history = pl.concat([run_measures(_inputs(), f"r{i}", NIGHT + dt.timedelta(days=i)) for i in range(2)]).cast(
        hist.SCHEMA
    )
    chart, runs = _city_trend(_inputs(), history)
    assert runs == 2
    assert "01/12 03:00" in chart and "02/12 03:00" in chart
    assert "30/11 20:00" not in chart


def test_the_header_gives_the_city_time_and_its_offset():
    assert run_time_text(NIGHT) == "2026-12-01 03:00 giờ TP.HCM (UTC+07:00)"
    assert run_time_text(dt.datetime(2026, 12, 6, 1, 0)) == "2026-12-06 08:00 giờ TP.HCM (UTC+07:00)"  # naive: UTC
