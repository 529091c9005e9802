"""The review queues read the staged rows as the entities step and the marts do (``pipelines.entities.io.read_staged``):
the address corrections, the learned split placements on records still split_review only, then the officials'
placements (any status). Before, the review step had its own copy of that sequence, which applied a learned placement
whatever the record's status: a record re-staged since with a ward of its own was shown to the review queues in the
learned ward while the marts kept its own.
"""

from __future__ import annotations

import polars as pl

from pipelines.entities.io import apply_overlays, read_staged
from pipelines.entities.placement import SPLIT_SCHEMA
from pipelines.review.io import staged_with_placements
from pipelines.schema import OFFICIAL_STATUS, REVIEW_PLACEMENTS, REVIEW_SCHEMA, SPLIT_PLACEMENTS, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_review_items_per_source_record import MONTHS, _record

MONTH = MONTHS[2]
SPLIT_OLD = "pre2025:26734"
LEARNED, OWN, OFFICIAL = "2025:26740", "2025:25747", "2025:26743"


def _staged() -> pl.DataFrame:
    split = {"old_uid": SPLIT_OLD, "new_uid": None, "ward_status": "split_review", "ward_reason": "split unit"}
    rows = [
        _record(MONTH, "1", **split),  # still split_review: the learned placement applies
        _record(MONTH, "2", new_uid=OWN),  # re-staged with a ward of its own: the learned placement does not
        _record(MONTH, "3", **split),  # an official placed it
    ]
    decl = staged_table("population")
    given = pl.DataFrame(rows, schema_overrides={"ward_candidates": pl.List(pl.String)})
    return pl.concat([pl.DataFrame(schema=decl.polars_schema), given], how="diagonal_relaxed").select(decl.columns)


def _key(key: str) -> str:
    return f"population_718@{MONTH.isoformat()}#{key}"


def _placements(table, rows: list[tuple[str, str, str]]) -> pl.DataFrame:  # noqa: ANN001 - a declared Table
    frame = pl.DataFrame(
        {
            "registry": ["population"] * len(rows),
            "record_key": [_key(k) for k, _, _ in rows],
            "old_uid": [SPLIT_OLD] * len(rows),
            "new_uid": [ward for _, ward, _ in rows],
            "ward_status": [status for _, _, status in rows],
            "ward_reason": ["given by the test"] * len(rows),
        }
    )
    if "item_id" in table.columns:
        frame = frame.with_columns(item_id=pl.lit("item-1"))
    return frame.select(table.columns).cast(table.polars_schema)


def _warehouse(tmp_path) -> tuple[Warehouse, pl.DataFrame]:  # noqa: ANN001
    wh = Warehouse(tmp_path / "wh")
    staged = _staged()
    PartitionedLayer(wh, "staged").write(staged_table("population"), f"population_718@{MONTH.isoformat()}", staged)
    learned = _placements(SPLIT_PLACEMENTS, [("1", LEARNED, "split_resolved"), ("2", LEARNED, "split_resolved")])
    wh.publish(SPLIT_SCHEMA, [(SPLIT_PLACEMENTS, learned)])
    return wh, staged


def _wards(frame: pl.DataFrame) -> dict[str, tuple[str | None, str]]:
    return {k.rsplit("#", 1)[1]: (w, s) for k, w, s in frame.select("record_key", "new_uid", "ward_status").rows()}


def test_review_queues_place_as_the_entities_and_marts_do(tmp_path):
    wh, staged = _warehouse(tmp_path)
    official = _placements(REVIEW_PLACEMENTS, [("3", OFFICIAL, OFFICIAL_STATUS)])

    review = _wards(staged_with_placements(wh, official)["population"])
    assert review == {
        "1": (LEARNED, "split_resolved"),
        "2": (OWN, "resolved"),  # its own ward kept: the learned placement is for records still split_review
        "3": (OFFICIAL, OFFICIAL_STATUS),
    }
    # the marts read the officials' placements as the review step published them: the same wards
    wh.publish(REVIEW_SCHEMA, [(REVIEW_PLACEMENTS, official)])
    assert _wards(apply_overlays(wh, "population", staged)) == review
    assert _wards(read_staged(wh, "population")) == review


def test_none_means_no_official_placements_not_the_published_ones(tmp_path):
    """The review step works out this run's officials' placements from the rows without the last run's."""
    wh, _ = _warehouse(tmp_path)
    wh.publish(REVIEW_SCHEMA, [(REVIEW_PLACEMENTS, _placements(REVIEW_PLACEMENTS, [("3", OFFICIAL, OFFICIAL_STATUS)]))])
    without = _wards(staged_with_placements(wh, None)["population"])
    assert without["3"] == (None, "split_review")
    assert without["1"] == (LEARNED, "split_resolved")
    assert _wards(read_staged(wh, "population"))["3"] == (OFFICIAL, OFFICIAL_STATUS)  # the published ones by default
