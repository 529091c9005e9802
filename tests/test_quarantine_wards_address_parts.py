"""A quarantined row (it failed its row contract: never staged) is given a ward for the marts' per-ward accounting
(marts.quarantine_wards, also the review queue's reading of it). For a source mapping both an address text and
address parts (ward, district columns) staging reads the text with the parts it does not name (stage.address_text,
HV48's 60ecc04), while quarantine_wards still read the text alone: '12 Lê Lợi' beside 'Phường Bến Thành', 'Quận 1'
was a staged row of Phường Bến Thành and, quarantined, a row of no ward. It now reads the address with staging's
own functions (stage.repair_text_fields, then stage.address_text), so the two paths count such a row in one ward."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ingest.stage import StageResult
from pipelines.publish.marts import (
    flow_and_accounting,
    quarantine_wards,
)
from tests.addresspartshelpers import mart_inputs, staged_source

BEN_THANH = ("pre2025:26743", "2025:26743")  # Phường Bến Thành, Quận 1 -> Phường Bến Thành (2025)
STAGED_KEY, QUARANTINED_KEY = "h@2025-08-31#1", "h@2025-08-31#2"


def _ingested(tmp_path, registry: str, address: str, ward: str, district: str) -> tuple[pl.DataFrame, StageResult]:
    """(raw frame, StageResult) of two rows with the same address cells, the second without a name (quarantined)."""
    raw, result = staged_source(
        tmp_path, [("Nguyễn Văn An", address, ward, district), ("", address, ward, district)], registry
    )
    assert result.staged["record_key"].to_list() == [STAGED_KEY]
    assert result.quarantine["record_key"].to_list() == [QUARANTINED_KEY]
    return raw, result


CASES = {
    # the text names no unit: the ward and district columns are read after it
    "street_only": ("households", "12 Lê Lợi", "Phường Bến Thành", "Quận 1"),
    # a double-decoded ward cell is repaired before it is joined, as staging repairs it (stage.TEXT_FIELDS)
    "mojibake_ward": ("businesses", "12 Lê Lợi", "Phường Bến Thành".encode().decode("latin-1"), "Quận 1"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_quarantined_row_gets_the_ward_its_staged_twin_gets(tmp_path, case):
    registry, *cells = CASES[case]
    _, result = _ingested(tmp_path, registry, *cells)
    (staged,) = result.staged.iter_rows(named=True)
    assert (staged["old_uid"], staged["new_uid"], staged["ward_status"]) == (*BEN_THANH, "exact")
    (quarantined,) = quarantine_wards(result.quarantine, registry).iter_rows(named=True)
    assert quarantined["record_key"] == QUARANTINED_KEY
    # the text alone ('12 Lê Lợi') resolves to no ward: the old reading gave (None, None)
    assert (quarantined["old_uid"], quarantined["new_uid"]) == BEN_THANH
    assert quarantined["candidates"] == staged["ward_candidates"]


def test_the_record_flow_counts_both_rows_in_the_same_ward(tmp_path):
    """The marts' record flow (per-ward accounting's input), on the frames read_inputs reads: the staged row merged
    and the quarantined row quarantined, both in Phường Bến Thành (2025)."""
    registry = "households"
    raw, result = _ingested(tmp_path, registry, *CASES["street_only"][1:])
    inputs = mart_inputs(registry, raw, result)
    flow, problems = flow_and_accounting(inputs)
    assert problems == []
    rows = flow.filter(pl.col("registry") == registry).select("record_key", "state", "old_uid", "new_uid").rows()
    assert rows == [(STAGED_KEY, "merged", *BEN_THANH), (QUARANTINED_KEY, "quarantined", *BEN_THANH)]
