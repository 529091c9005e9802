"""A ward cell that is a date, or digits without letters that are no ward number (HQ23, reviewer's finding), is not
read as a fuzzy ward ('2020-01-01', 'Quận 3' read Phường Bàn Cờ): unresolved, the reason names the column and the
cause, never the value. Numbered wards keep resolving."""

from __future__ import annotations

import datetime as dt

import polars as pl

import pipelines.resolve as r


def test_a_date_in_the_ward_column_is_not_a_fuzzy_ward():
    frame = pl.DataFrame({"w": ["2020-01-01", "01/02/2020", "5", "05", "Phường 5"], "d": ["Quận 3"] * 5})
    got = r.resolve_table(frame, ward_column="w", district_column="d")
    for i in (0, 1):
        assert got["status"][i] == "unresolved"
        assert got["new_uid"][i] is None
        assert got["reason"][i] == "the ward column holds a date, not a unit name"
        assert "2020" not in got["reason"][i]
    assert got["status"].to_list()[2:] == ["exact"] * 3
    assert len(set(got["new_uid"].to_list()[2:])) == 1


def test_a_date_typed_ward_column_and_digits_without_letters():
    frame = pl.DataFrame({"w": [dt.date(2020, 1, 1)], "d": ["Quận 3"]})
    got = r.resolve_table(frame, ward_column="w", district_column="d")
    assert got["status"][0] == "unresolved"
    assert got["reason"][0] == "the ward column holds a date, not a unit name"
    other = r.resolve_table(pl.DataFrame({"w": ["1-2-3"], "d": ["Quận 3"]}), ward_column="w", district_column="d")
    assert other["status"][0] == "unresolved"
    assert other["reason"][0] == "the ward column holds digits without letters, not a unit name"
    assert "1-2-3" not in other["reason"][0]
