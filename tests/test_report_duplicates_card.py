"""The report's overview card 'duplicates merged' counts duplicates as its duplicates section does: tax records are
filings (one per period, several per taxpayer expected), not duplicates (HV17).

On the sample after a few decisions (/tmp/hv17/run2) the card said 2.295 while the section below it listed population
1.398, households 564, businesses 28 (1.990) and, for tax, '–' with 1,58 filings per taxpayer and the words 'not counted as duplicates': the card had
added the 305 tax filings (827 records, 522 taxpayers) as duplicates merged.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.report import history as hist
from pipelines.report.inputs import WARD_MEASURES, Gates, ReportInputs
from pipelines.report.page import RunInfo, duplicates_section, summary_section

SAMPLE = pl.DataFrame(
    {
        "registry": ["population", "households", "businesses", "tax"],
        "kind": ["people", "households", "businesses", "taxpayers"],
        "records": [11915, 3594, 818, 827],
        "entities": [10518, 3030, 790, 522],
    }
)


def _inputs(duplicates: pl.DataFrame) -> ReportInputs:
    wards = pl.DataFrame({"new_uid": ["2025:27154"], **{m: [0] for m in WARD_MEASURES}})
    accounting = pl.DataFrame({m: [0] for m in hist.CITY_MEASURES})
    return ReportInputs(wards, pl.DataFrame(), pl.DataFrame(), accounting, duplicates, Gates(None), None, None, None)


def _card(page: str, measure: str) -> str:
    return page.split(f'data-measure="{measure}" data-value="')[1].split('"')[0]


def test_the_duplicates_card_leaves_tax_filings_out_as_the_section_does():
    inputs = _inputs(SAMPLE)
    page = summary_section(inputs, RunInfo("r", dt.datetime(2026, 12, 6, tzinfo=dt.UTC), ""))
    section = duplicates_section(inputs)
    listed = [int(v) for v in section.split('data-duplicates="')[1:] for v in [v.split('"')[0]] if v]
    assert listed == [1397, 564, 28]  # tax: '–'
    assert int(_card(page, "duplicates")) == sum(listed) == 1989  # before: 2294, the 305 tax filings added
    assert int(_card(page, "entities")) == 14860  # entities of every kind, tax included, as before


def test_the_duplicates_card_says_tax_filings_are_not_counted():
    """14,860 entities of 17,154 staged records beside 1,989 duplicates merged: the card said only 'duplicates
    merged', so a reader subtracting (2,294) found 305 missing; the explanation was two sections further down."""
    page = summary_section(_inputs(SAMPLE), RunInfo("r", dt.datetime(2026, 12, 6, tzinfo=dt.UTC), ""))
    label = page.split('data-measure="duplicates"')[1].split("<span>")[1].split("</span>")[0]
    assert "tax filings not counted" in label and "không tính tờ khai thuế" in label
