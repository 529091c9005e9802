"""A household's number of members below 1 is flagged and not kept (pipelines/ingest/stage.py).

`-1` or `0` was staged as it was, with no issue: the marts then put the household in size "unknown" without the
row saying why, and nothing counted it. It is now listed in the row's issues and counted as the field's unreadable
value, as an implausible birth date is (flagged, not kept); the raw row keeps what was written."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage


def _raw() -> pl.DataFrame:
    extracts = extracts_by_partition(load_catalogue())
    (extract,) = [e for key, e in extracts.items() if key.startswith("households_748@")]
    return load_raw(extract, "test").frame.head(6)


def test_members_below_one_are_flagged_not_kept():
    raw = _raw()
    written = ["-1", "0", "3", " 4 ", "ba", None]
    broken = raw.with_columns(members=pl.Series(written, dtype=pl.String))
    result = stage(broken, "households")
    assert result.quarantine.height == 0 and result.staged.height == raw.height  # flagged, never dropped
    staged = result.staged.sort(pl.col("record_key").replace_strict(broken["record_key"], range(6)))
    assert staged["members"].to_list() == [None, None, 3, 4, None, None]
    issues = [i or "" for i in staged["issues"].to_list()]
    for i in (0, 1):
        assert "members: implausible (fewer than 1 member)" in issues[i], issues[i]
    assert "members" not in issues[2] and "members" not in issues[3] and "members" not in issues[5]
    assert "members: unreadable (not a number of members)" in issues[4]
