"""A decision's date is 'in the future' against the city's date (Asia/Ho_Chi_Minh), not the UTC date.

Officials in Ho Chi Minh City (UTC+7) work 07:30-17:00 there, from 00:30 UTC. The check compared with the UTC date
(assets/review.py passed `now.date()` of a UTC instant): a run between 00:00 and 07:00 in the city refused every decision
dated that day there as 'in the future'. The clock is a parameter (`load_decisions(now=...)`; the asset's
`assets.review.utc_now`), so the tests fix the instant instead of patching datetime."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl
import pytest

import assets.review as review_assets
from assets.resources import WarehouseResource
from pipelines.reference import CITY_TIME_ZONE, city_today, load_reference
from pipelines.review.decisions import load_decisions
from pipelines.schema import CROSSWALK, UNITS_2025, UNITS_PRE2025
from pipelines.warehouse import Warehouse

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
IDS = [f"ua-{i:016x}" for i in range(2)]
EIGHT_LOCAL = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)  # 08:00 on 6 December in the city
SIX_LOCAL = dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC)  # 06:00 on 6 December there; still the 5th in UTC


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": IDS, "kind": ["unresolved_address"] * 2, "candidates": [[]] * 2, "name_key": [None] * 2},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )


def _write(folder, dates: list[str]) -> None:
    folder.mkdir(exist_ok=True, mode=0o700)
    rows = "".join(f"{item},dismiss,Lê Văn Tám,{date},,\n" for item, date in zip(IDS, dates, strict=True))
    (folder / "phuong_26740.csv").write_text(HEADER + rows, encoding="utf-8")


@pytest.mark.parametrize("now", [EIGHT_LOCAL, SIX_LOCAL], ids=["08:00 local", "06:00 local (UTC: the day before)"])
def test_a_decision_dated_today_in_the_city_is_taken_one_dated_tomorrow_refused(tmp_path, now):
    _write(tmp_path, ["2026-12-06", "07/12/2026"])
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=_items(), now=now)
    assert loaded.rows["item_id"].to_list() == [IDS[0]], loaded.errors.rows()
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 6)]
    errors = loaded.errors.select("source_file", "source_row", "field", "cause").rows()
    assert errors == [("phuong_26740.csv", 3, "decided_on", "in the future")]  # file, row, field, cause; no value


def test_late_evening_utc_is_already_the_next_day_in_the_city(tmp_path):
    """17:30 UTC on the 6th is 00:30 on the 7th there: a decision dated the 7th is today's."""
    _write(tmp_path, ["2026-12-07", "2026-12-08"])
    loaded = load_decisions(
        tmp_path, ward_codes={"26740"}, items=_items(), now=dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.UTC)
    )
    assert loaded.rows["decided_on"].to_list() == [dt.date(2026, 12, 7)]
    assert loaded.errors.select("source_row", "cause").rows() == [(3, "in the future")]


def test_city_today_is_the_city_calendar_date():
    assert CITY_TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert city_today(SIX_LOCAL) == dt.date(2026, 12, 6)
    assert city_today(dt.datetime(2026, 12, 6, 16, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 6)  # 23:59 there
    assert city_today(dt.datetime(2026, 12, 6, 17, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 7)  # midnight there
    with pytest.raises(ValueError, match="aware"):
        city_today(dt.datetime(2026, 12, 6, 1, 0))


def test_the_review_decisions_asset_checks_against_the_city_date(tmp_path, monkeypatch):
    """The asset itself, at 06:00 in the city (23:00 UTC the day before): the row dated that day is not 'in the
    future' (before: refused, listed in review.decision_errors). Its item is not published in this bare warehouse, so
    the row is still listed for that, and only for that."""
    wh = Warehouse(tmp_path / "wh")
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    folder = tmp_path / "decisions"
    _write(folder, ["2026-12-06", "2026-12-07"])
    monkeypatch.setattr(review_assets, "utc_now", lambda: SIX_LOCAL)
    result = dg.materialize(
        [review_assets.review_decisions],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        run_config={"ops": {"review_decisions": {"config": {"decisions_dir": str(folder)}}}},
    )
    assert result.success
    errors = wh.read("review", "decision_errors").sort("source_row", "field")
    future = errors.filter(pl.col("cause") == "in the future")
    assert future.select("source_row", "field").rows() == [(3, "decided_on")], errors.rows()
    assert set(errors["source_row"]) == {2, 3}  # both items are unknown here
