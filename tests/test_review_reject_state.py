"""review.decisions said state 'closed' for a split item whose decision in effect is a 'reject' (one candidate ward
ruled out, nothing placed), while the queue kept the item open: an analyst counting closed items, and the run's
items_closed, counted it as done. Its state is now 'open'; the reject still reaches the split-evidence step and
still takes the ruled-out ward out of the item's candidates in the queue."""

from __future__ import annotations

import polars as pl

from pipelines.review.decisions import official_split_evidence
from pipelines.schema import REVIEW_DECISIONS_TABLE
from quality.gx import validate
from tests.test_split_reject_decisions import _excel_file, _settled


def test_a_reject_in_effect_is_open_and_still_evidence(tmp_path):
    _excel_file(tmp_path, "a.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27013")])
    settled, audit = _settled(tmp_path)
    (item,) = settled.decisions.to_dicts()
    assert (item["state"], item["decision"], item["new_uid"]) == ("open", "reject", "2025:27013")
    assert validate(REVIEW_DECISIONS_TABLE, settled.decisions).passed  # 'open' is a declared state
    for given in (None, audit):
        evidence = official_split_evidence(settled.decisions, given)
        assert evidence.select("new_uid", "verdict").rows() == [("2025:27013", "reject")]


def test_a_place_after_the_reject_closes_it(tmp_path):
    _excel_file(tmp_path, "a.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27013")])
    _excel_file(tmp_path, "b.csv", [("place", "Lê Văn Tám", "03/12/2026", "27019")])
    settled, audit = _settled(tmp_path)
    (item,) = settled.decisions.to_dicts()
    assert (item["state"], item["decision"]) == ("closed", "place")
    verdicts = official_split_evidence(settled.decisions, audit).select("new_uid", "verdict").rows()
    assert sorted(verdicts) == [("2025:27013", "reject"), ("2025:27019", "confirm")]


def test_the_states_are_declared():
    state = {f.name: f for f in REVIEW_DECISIONS_TABLE.fields}["state"]
    assert set(state.allowed) == {"closed", "open", "reopened", "conflict"}
    assert isinstance(state.allowed, tuple) and pl.String == state.dtype
