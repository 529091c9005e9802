"""quarantine.reason_kind: each quarantined row says who acts on it, set where its reason is made (the field checks
and the rejection in staging, the readers' flags for a cut-off last row, a deleted dBase record and an unreadable
header), and the officials' quarantined_row queue is routed by it, not by matching the reason's text.

Before, a small extract whose header names cannot be told apart (fewer than the 20 rows that let staging reject it)
was rejected by the reader, but its rows' reasons ('line:3: not read: ... header ...') did not start with 'extract
rejected', so ward officials were asked to re-enter rows of a file the data engineer has to mend."""

from __future__ import annotations

import polars as pl

from pipelines.review.queues import ReviewInputs, quarantined_row
from pipelines.schema import QUARANTINE, QUARANTINE_KINDS_FOR_OFFICIALS, QUARANTINE_REASON_KINDS
from pipelines.synth.formats import mark_deleted
from tests import test_dbf
from tests.test_bad_inputs import HEADER, ROWS, _csv
from tests.test_ingest_header_quotes import BODY, _layers


def _queued(quarantine: pl.DataFrame) -> list[str]:
    """The source keys of ``quarantine``'s rows that become officials' quarantined_row items."""
    rows = quarantine.with_columns(
        new_uid=pl.lit(None, pl.String), candidates=pl.lit([], pl.List(pl.String)), source_file=pl.lit("x.csv")
    )
    inputs = ReviewInputs(staged={}, quarantine={"households": rows}, review={}, ward_names=pl.DataFrame())
    return sorted(quarantined_row(inputs)["source_key"])


def _kinds(quarantine: pl.DataFrame) -> dict[str, str]:
    assert QUARANTINE.validate(quarantine) == []  # required and within QUARANTINE_REASON_KINDS
    return dict(zip(quarantine["source_key"], quarantine["reason_kind"], strict=True))


def test_rows_an_official_can_reenter_are_queued_by_their_kind(tmp_path):
    rows = [r.copy() for r in ROWS]
    rows[0][2] = ""  # no head name: a required field
    text = _csv(rows).replace("Trần Thị", '"Trần Thị', 1)  # line 3: a quote that opens a cell and never closes
    status, _, quarantine, _ = _layers(tmp_path, "two.csv", text)
    assert status.state == "ok", status.cause
    assert _kinds(quarantine) == {"1": "field", "line:3": "unread_row"}
    assert _queued(quarantine) == ["1", "line:3"]


def test_a_cut_off_last_row_is_the_engineers_not_queued(tmp_path):
    status, _, quarantine, outcome = _layers(tmp_path, "cut.csv", _csv(ROWS)[:-12])
    assert status.state == "ok" and "ends mid-row" in status.cause  # the partition's status names it
    assert _kinds(quarantine) == {"line:4": "cut_off"}
    assert _queued(quarantine) == []


def test_a_small_extract_with_an_unreadable_header_is_rejected_and_not_queued(tmp_path):
    """3 rows: the reader rejects it (the header's names cannot be told apart); staging's own rejection needs 20.
    Fails on a828f28: the three rows were queued for officials."""
    status, _, quarantine, _ = _layers(tmp_path, "open.csv", 'stt,"' + ",".join(HEADER[1:]) + "\n" + BODY)
    assert status.state == "rejected"
    assert set(_kinds(quarantine).values()) == {"extract_rejected"} and quarantine.height == 3
    assert _queued(quarantine) == []


def test_an_extract_staging_rejects_is_not_queued(tmp_path):
    rows = [[str(i), f"HK{i:03}", "", "", "", "1", ""] for i in range(1, 26)]  # 25 rows, none with a head name
    status, _, quarantine, _ = _layers(tmp_path, "wrong.csv", _csv(rows))
    assert status.state == "rejected" and quarantine.height == 25
    assert set(_kinds(quarantine).values()) == {"extract_rejected"}
    assert _queued(quarantine) == []


def test_a_record_the_source_deleted_is_not_queued(tmp_path):
    test_dbf.write_dbf(tmp_path / "hk.dbf")
    mark_deleted(tmp_path / "hk.dbf", [2])
    result = test_dbf.ingest(tmp_path, "hk.dbf")
    assert _kinds(result.quarantine) == {"2": "source_deleted"}
    assert _queued(result.quarantine) == []


def test_the_queue_follows_the_kind_not_the_reason_text():
    """The same reason text under each kind: queued exactly for the officials' kinds."""
    kinds = list(QUARANTINE_REASON_KINDS)
    quarantine = pl.DataFrame(
        {
            "record_key": [f"k{i}" for i in range(len(kinds))],
            "source_key": kinds,
            "field": ["*"] * len(kinds),
            "reason": ["line 3 has an unbalanced quote"] * len(kinds),
            "reason_kind": kinds,
            "raw_values": ["{}"] * len(kinds),
        }
    )
    assert _queued(quarantine) == sorted(QUARANTINE_KINDS_FOR_OFFICIALS) == ["field", "unread_row"]
