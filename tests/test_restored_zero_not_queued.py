"""A leading zero a number cell dropped and staging put back is a repair the pipeline made, not a problem for a ward
official (issue 14 §2): an ID whose only flag is ``leading_zero_restored`` raises no ``invalid_id`` review item, an
ID with a real structure problem still does and its item names the problem only. The repair stays visible: in the
staged ``id_flags`` and ``issues``, and counted in ``StageResult.repairs`` (the staged asset's ``repaired/...``
metadata). Real path: an XLSX workbook with number cells, ingested and staged, then the review queue's builder."""

from __future__ import annotations

import polars as pl

from pipelines.review.queues import ReviewInputs, invalid_id
from tests.test_number_cells_xlsx_sql import MIXED_COLUMNS, xlsx_with_number_cells
from tests.test_row_contracts import _load, _stage


def _staged(tmp_path):
    book, _ = xlsx_with_number_cells(tmp_path / "n.xlsx")
    book.close()
    return _stage(_load(tmp_path, "population", "xlsx", "n.xlsx", MIXED_COLUMNS, key_column="ma"))


def test_a_restored_zero_alone_is_not_queued_but_counted_and_visible(tmp_path):
    result = _staged(tmp_path)
    staged = result.staged
    by_key = {r["source_key"]: r for r in staged.to_dicts()}
    # 1: CCCD restored (only repair); 2, 6: CMND restored (only repair); 3: wrong_length (text); 4: both
    assert by_key["1"]["id_flags"] == "leading_zero_restored"
    assert "personal_id: leading_zero_restored" in by_key["1"]["issues"]  # still visible on the record
    assert result.repairs["personal_id"]["leading_zero_restored"] == 2  # rows 1 and 4
    assert result.repairs["old_id_number"]["leading_zero_restored"] == 2  # rows 2 and 6

    inputs = ReviewInputs(
        staged={
            "population": staged.with_columns(
                new_uid=pl.lit("2025:26740"), ward_candidates=pl.lit(None, dtype=pl.List(pl.String))
            )
        },
        quarantine={},
        review={},
        ward_names=pl.DataFrame(),
    )
    items = {r["source_key"]: r for r in invalid_id(inputs).to_dicts()}
    assert set(items) == {"3", "4"}  # the repaired-only rows 1, 2, 6 raise nothing; 5 is a clean CMND
    assert items["3"]["flags"] == "personal_id: wrong_length"
    assert items["4"]["flags"] == "personal_id: wrong_length"  # the real problem, not the repair
    assert items["4"]["values"] == "0790801234"
