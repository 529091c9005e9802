"""The report's city-wide 'open items' trend across the change of its definition (969e847: every open item once,
from review/queue_totals; before, items with only candidate wards were left out). The history keeps figures only,
so older points cannot be counted again: each run now records how it counted (open_review_definition), and the
chart and the text below it mark the run from which the counting differs, so the step is not read as more work."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.report import history as hist
from pipelines.report.history import OPEN_EACH_ONCE, OPEN_WITH_WARD, definition_changes, run_measures
from pipelines.report.inputs import WARD_MEASURES, Gates, ReportInputs
from pipelines.report.page import _city_trend

T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
QUEUE = pl.DataFrame(
    {
        "new_uid": ["2025:27154", "2025:27139", "2025:27154", None],
        "kind": ["split_unit", "split_unit", "match_pair", "unresolved_address"],
        "open_items": [3, 3, 2, 4],  # 3 split items with two candidate wards each
        "records_blocked": [9, 9, 4, 4],
        "closed_items": [0, 0, 0, 0],
        "candidate": [True, True, False, False],
    }
)
TOTALS = pl.DataFrame(
    {"kind": ["split_unit", "match_pair", "unresolved_address"], "open_items": [3, 2, 4]}
).with_columns(records_blocked=pl.lit(1), closed_items=pl.lit(0))


def _inputs(totals: pl.DataFrame | None) -> ReportInputs:
    wards = pl.DataFrame({"new_uid": ["2025:27154"], **{m: [0] for m in WARD_MEASURES}})
    accounting = pl.DataFrame({m: [0] for m in hist.CITY_MEASURES})
    duplicates = pl.DataFrame(schema={"kind": pl.String, "records": pl.Int64, "entities": pl.Int64})
    return ReportInputs(wards, pl.DataFrame(), pl.DataFrame(), accounting, duplicates, Gates(None), QUEUE, None, totals)


def _city(rows: pl.DataFrame) -> dict[str, int]:
    return dict(rows.filter(pl.col("new_uid").is_null()).select("measure", "value").iter_rows())


def _legacy_run(i: int, open_review: int) -> pl.DataFrame:
    """A run recorded before the definition was kept: its city-wide open_review and nothing saying how."""
    rows = run_measures(_inputs(None), f"old-{i}", T0 + dt.timedelta(days=i))
    rows = rows.filter(pl.col("measure") != "open_review_definition")
    return rows.with_columns(
        value=pl.when(pl.col("new_uid").is_null() & (pl.col("measure") == "open_review"))
        .then(open_review)
        .otherwise(pl.col("value"))
    )


def _history(*runs: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(runs).cast(hist.SCHEMA)


def _notes(chart: str) -> list[str]:
    return [p for p in chart.split("<p ") if p.startswith('class="note definition-change"')]


def test_each_run_records_how_it_counted_open_items():
    now = T0 + dt.timedelta(days=10)
    each_once = _city(run_measures(_inputs(TOTALS), "r1", now))
    assert each_once["open_review"] == 9 and each_once["open_review_definition"] == OPEN_EACH_ONCE
    with_ward = _city(run_measures(_inputs(None), "r2", now))
    assert with_ward["open_review"] == 6 and with_ward["open_review_definition"] == OPEN_WITH_WARD


def test_the_step_across_the_upgrade_is_marked_on_the_chart_and_in_the_text():
    history = _history(
        _legacy_run(0, 6),
        _legacy_run(1, 5),
        run_measures(_inputs(TOTALS), "new-1", T0 + dt.timedelta(days=2)),  # 9: the step
        run_measures(_inputs(TOTALS), "new-2", T0 + dt.timedelta(days=3, hours=1)),
    )
    chart, n_runs = _city_trend(_inputs(TOTALS), history)
    assert n_runs == 4
    assert chart.count('class="definition-change"') == 1  # the dashed line, at the third run
    assert '<line class="definition-change" data-run-index="2"' in chart
    (note,) = _notes(chart)
    assert 'data-run-index="2"' in note and "02/12 15:00" in note  # the city's time (08:00 UTC)
    assert "before, not recorded with the figure" in note and "items with only candidate wards left out" not in note
    assert "from then on, every open item once" in note and "not more or less work" in note


def test_a_change_from_the_older_queue_is_marked_and_the_same_definition_is_not():
    older = [run_measures(_inputs(None), f"w-{i}", T0 + dt.timedelta(days=i)) for i in range(2)]
    newer = [run_measures(_inputs(TOTALS), f"e-{i}", T0 + dt.timedelta(days=5 + i)) for i in range(2)]
    chart, _ = _city_trend(_inputs(TOTALS), _history(*older, *newer))
    (note,) = _notes(chart)
    assert "before, items with a ward or with none; items with only candidate wards left out" in note
    same, _ = _city_trend(_inputs(TOTALS), _history(*newer))
    assert "definition-change" not in same


def test_definition_changes_skip_runs_without_the_figure():
    assert definition_changes([None, 6, None, 9, 9], [None, None, None, 2, 2]) == [(3, None, 2)]
    assert definition_changes([5, 6], [None, None]) == []
    assert definition_changes([], []) == []
