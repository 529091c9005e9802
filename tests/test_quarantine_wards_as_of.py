"""A quarantined row's ward (marts.quarantine_wards: the marts' per-ward accounting, the review queue's quarantine
items) is read as staging reads its staged twin's: the address as of the record's registration date. Staging resolves
with ``as_of=registered_on`` (stage.with_resolved_addresses); quarantine_wards resolved the text alone, so '12 Hai Bà
Trưng, Phường Tân Định' registered 01/08/2025 (a 2025 name: Phường Tân Định, 2025:26737) was a staged row of Tân Định
and, quarantined, a row of no ward (scheme_review: the 2025 ward or an old Tân Định of Quận 1 or of Bình Dương). The
date is the one staging read (quarantine.registered_on, written by stage.stage: a value impossible day-first read
month-first, zeros no date, in the source's day/month order: tests/test_quarantine_dates_per_source.py); an
unreadable date is no date, as in staging. quarantine_wards also guessed the registry from the address fields (always
population: its fields hold every registry's): its callers now pass the registry of the rows."""

from __future__ import annotations

import polars as pl
import pytest

import pipelines.publish.marts as marts
from pipelines.ingest.stage import stage
from pipelines.publish.marts import (
    flow_and_accounting,
    quarantine_wards,
)
from pipelines.resolve import resolve_addresses
from pipelines.review.io import quarantine_with_wards
from pipelines.schema import QUARANTINE, raw_table
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.addresspartshelpers import mart_inputs, staged_source

ADDRESS = "12 Hai Bà Trưng, Phường Tân Định"  # no district: the old or the 2025 form (tests/test_resolver.py)
TAN_DINH_2025 = "2025:26737"
STAGED_KEY, QUARANTINED_KEY = "h@2025-08-31#1", "h@2025-08-31#2"

DATES = {
    "after_the_reform": "01/08/2025",  # the 2025 ward
    "month_first_only": "07/13/2025",  # no month 13: staging reads it 13 July 2025, the 2025 ward
    "before_the_reform": "15/03/2024",  # two old Tân Định, no district: unresolved
    "unreadable": "31/02/2025",  # no date: read as the text alone (scheme_review), never a crash
    "zeros": "00000000",  # a writer's empty date: none
}
DECIDED = {"after_the_reform", "month_first_only"}  # the cases where the date gives the ward


def _ingested(tmp_path, registered_on: str, registry: str = "households"):  # noqa: ANN001, ANN202
    """(raw frame, StageResult): the same address and registration date on a staged row and a quarantined one (no
    name), staged as the ingest stages them."""
    raw, _ = staged_source(tmp_path, [("Nguyễn Văn An", ADDRESS, "", ""), ("", ADDRESS, "", "")], registry)
    raw = raw.with_columns(registered_on=pl.lit(registered_on))
    result = stage(raw, registry, day_first=True)
    assert result.staged["record_key"].to_list() == [STAGED_KEY]
    assert result.quarantine["record_key"].to_list() == [QUARANTINED_KEY]
    return raw, result


def _placement(row: dict) -> tuple:
    return row["old_uid"], row["new_uid"], row.get("candidates", row.get("ward_candidates"))


@pytest.mark.parametrize("case", DATES)
def test_a_quarantined_row_is_read_as_of_its_registration_date_as_staged(tmp_path, case):
    _, result = _ingested(tmp_path, DATES[case])
    (staged,) = result.staged.iter_rows(named=True)
    (quarantined,) = quarantine_wards(result.quarantine, "households").iter_rows(named=True)
    assert quarantined["record_key"] == QUARANTINED_KEY
    assert _placement(quarantined) == _placement(staged)
    undated = resolve_addresses([ADDRESS]).row(0, named=True)
    if case in DECIDED:  # the date decides: without it (the old reading) no ward
        assert staged["new_uid"] == TAN_DINH_2025 and staged["ward_status"] == "fuzzy"
        assert undated["new_uid"] is None
    elif case == "before_the_reform":
        assert staged["ward_status"] == "unresolved" and undated["status"] == "scheme_review"
    else:  # no date: the text alone, as staging reads it
        assert staged["registered_on"] is None and staged["ward_status"] == undated["status"] == "scheme_review"


@pytest.mark.parametrize("registry", ["households", "businesses"])
def test_the_record_flow_places_both_rows_in_the_ward_of_the_date_and_repairs_as_their_registry(
    tmp_path, monkeypatch, registry
):
    """The marts' record flow: both rows in Tân Định (2025); the quarantined row's fields repaired as the registry's
    (stage.repair_text_fields given the flow's registry). The old guess named population for every registry."""
    raw, result = _ingested(tmp_path, DATES["after_the_reform"], registry)
    repaired_as = []

    def spy(frame: pl.DataFrame, registry: str):  # noqa: ANN202
        repaired_as.append(registry)
        return repair(frame, registry)

    repair = marts.repair_text_fields
    monkeypatch.setattr(marts, "repair_text_fields", spy)
    flow, problems = flow_and_accounting(mart_inputs(registry, raw, result))
    assert problems == []
    rows = flow.filter(pl.col("registry") == registry).select("record_key", "state", "new_uid").rows()
    assert rows == [(STAGED_KEY, "merged", TAN_DINH_2025), (QUARANTINED_KEY, "quarantined", TAN_DINH_2025)]
    assert repaired_as == [registry]  # the one registry with a quarantined row


def test_the_review_queue_reads_the_quarantined_rows_date_with_the_raw_address(tmp_path):
    """review.io.quarantine_with_wards (the quarantine items' wards) reads the raw address as of the date staging
    read (the quarantine layer's registered_on): the row in Tân Định (2025), as staged."""
    raw, result = _ingested(tmp_path, DATES["after_the_reform"])
    wh = Warehouse(tmp_path / "wh")
    key = "h@2025-08-31"
    PartitionedLayer(wh, "raw").write(raw_table("households"), key, raw, refresh=False)
    PartitionedLayer(wh, "quarantine").write(QUARANTINE, key, result.quarantine, name="quarantine_households")
    wards = quarantine_with_wards(wh)["households"]
    assert wards.select("record_key", "old_uid", "new_uid").rows() == [(QUARANTINED_KEY, None, TAN_DINH_2025)]
