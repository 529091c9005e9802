"""Which quarantined rows become ward officials' `quarantined_row` items: only rows a person can repair by
re-entering them from the source system. A record the source system itself marked deleted (a dBase record flagged
'*', never packed) stays quarantined with its reason and counted, but is not queued: before, officials were asked to
re-enter a record their own system had deleted."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.readers import DELETED_NOTE, TRUNCATED
from pipelines.review.queues import ReviewInputs, quarantined_row


def _quarantine(reasons: list[str], kinds: list[str]) -> pl.DataFrame:
    n = len(reasons)
    return pl.DataFrame(
        {
            "record_key": [f"hh-{i}" for i in range(n)],
            "source_file": ["households_770.dbf"] * n,
            "source_key": [f"record:{i + 1}" for i in range(n)],
            "field": ["head_name", "*", "*"][:n],
            "reason": reasons,
            "reason_kind": kinds,
            "raw_values": ["{}"] * n,
            "new_uid": [None] * n,
            "candidates": [["2025:26740"]] * n,
        },
        schema_overrides={"new_uid": pl.String},
    )


def _queued(reasons: list[str], kinds: list[str]) -> list[str]:
    inputs = ReviewInputs(
        staged={}, quarantine={"households": _quarantine(reasons, kinds)}, review={}, ward_names=pl.DataFrame()
    )
    return quarantined_row(inputs)["record_key"].to_list()


def test_a_record_the_source_deleted_is_not_an_officials_item():
    reasons = [
        "head_name: missing",
        f"record:2: {DELETED_NOTE}: not loaded",
        f"line 3: file ends mid-row on line 3 {TRUNCATED}",
    ]
    assert _queued(reasons, ["field", "source_deleted", "cut_off"]) == ["hh-0"]  # the repairable row only
    undecodable = reasons[:1] + ["record:2: a field its encoding cannot decode"]
    assert _queued(undecodable, ["field", "unread_row"]) == ["hh-0", "hh-1"]
