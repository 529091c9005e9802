"""Every candidate ward that declined a split street ('reject', still standing) is out of the item's ward files, not
only the ward of the decision in effect (HV17).

Found on the sample (/tmp/hv17/run10): wards 25750 and 25747, the two candidates of su-1219d09fd2e21730 (a street of
Hiệp Thành, pre2025:25741), each wrote 'reject' for their own ward; the next run's files still gave the item to
25750, its summary naming only 25747 ('ruled out by an official: 2025:25747'). The queue took out the ward of the
decision in effect (the last reject) only, so with two declines the first ward got the street it declined back in
its files, while the split-evidence step already reads every standing reject (official_split_evidence). Now the
review_queues step passes the audit's standing rejects (decisions.standing_rejects) to the queue: every declined
ward is out of the candidates while one remains; when every candidate declined, all keep it and its summary names
them all (someone has to place it).
"""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.review.decisions import standing_rejects
from pipelines.review.queues import _without_ruled_out_ward
from tests.test_split_reject_decisions import SPLIT, WARDS, _excel_file, _settled

CANDIDATES = [f"2025:{w}" for w in WARDS]


def _open_item() -> pl.DataFrame:
    return pl.DataFrame(
        {"item_id": [SPLIT], "candidates": [CANDIDATES], "summary": ["street in split old unit: evidence thin"]}
    )


def test_two_wards_declining_on_different_days_are_both_ruled_out(tmp_path):
    _excel_file(tmp_path, "phuong_27013.csv", [("reject", "Trần Thị Hoà", "01/12/2026", "27013")])
    _excel_file(tmp_path, "phuong_27439.csv", [("reject", "Phạm Đức Huy", "02/12/2026", "27439")])
    settled, audit = _settled(tmp_path)
    item = _without_ruled_out_ward(_open_item(), settled.decisions, standing_rejects(audit)).row(0, named=True)
    assert item["candidates"] == ["2025:27019"]  # before: 27013 and 27019 (only the reject in effect counted)
    assert item["summary"].endswith("; ruled out by an official: 2025:27013, 2025:27439")


def test_when_every_candidate_declined_all_keep_it_and_the_summary_names_them(tmp_path):
    for day, ward in zip(("01/12/2026", "02/12/2026", "03/12/2026"), WARDS, strict=True):
        _excel_file(tmp_path, f"phuong_{ward}.csv", [("reject", "Cán bộ", day, ward)])
    settled, audit = _settled(tmp_path)
    item = _without_ruled_out_ward(_open_item(), settled.decisions, standing_rejects(audit)).row(0, named=True)
    assert item["candidates"] == CANDIDATES
    assert item["summary"].endswith("; ruled out by an official: " + ", ".join(CANDIDATES))


def test_the_review_step_gives_the_street_only_to_the_ward_that_did_not_decline_it(
    tmp_path, tmp_path_factory, monkeypatch
):
    from assets.definitions import ALL_ASSETS
    from assets.resources import WarehouseResource
    from tests.marts_fixture import sample_marts

    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path / "wh"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("exports", "marts", "reports", "history"))
    with duckdb.connect(str(root / "wardbridge.duckdb"), read_only=True) as con:
        found = con.sql(
            "SELECT item_id, candidates FROM review.queue_items WHERE kind = 'split_unit' AND len(candidates) = 3 "
            "ORDER BY item_id LIMIT 1"
        ).fetchone()
    if found is None:
        pytest.skip("the sample has no open split item with three candidate wards")
    item_id, candidates = found
    first, second, third = candidates
    decisions = tmp_path / "decisions"
    decisions.mkdir(mode=0o700)
    (decisions / "d.csv").write_text(
        "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
        f"{item_id},reject,A,2026-12-01,,{first.split(':')[1]}\n"
        f"{item_id},reject,B,2026-12-02,,{second.split(':')[1]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WARDBRIDGE_DECISIONS_DIR", str(decisions))
    result = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.assets("review_decisions", "review_queues"),
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(root))},
        raise_on_error=False,
    )
    assert result.success, [e.step_failure_data.error for e in result.get_step_failure_events()]
    with duckdb.connect(str(root / "wardbridge.duckdb"), read_only=True) as con:
        after = con.sql(f"SELECT candidates, summary FROM review.queue_items WHERE item_id = '{item_id}'").fetchone()
    assert after[0] == [third], after  # before: [first, third]
    assert after[1].endswith(f"; ruled out by an official: {first}, {second}")
    wards = root / "review" / "wards"
    for ward, shown in ((first, False), (second, False), (third, True)):
        split = wards / ward.split(":")[1] / "split_unit.csv"
        assert (split.is_file() and item_id in split.read_text(encoding="utf-8-sig")) == shown, ward
