"""The gained-pair case through the review job (HR2, session 43): the review assets run under Dagster on a warehouse,
the official's decision written on the ward file the job wrote, a record pair joining the decided item, the job again.

test_review_decided_pairs.py calls the library (validate, append_audit, effective_decisions, build_queues) one by one;
here the assets read and publish the warehouse (review.item_keys of the run before, the audit, review.decisions,
review.match_labels, queue_items, the ward files) as ``wardbridge run`` does. The matcher's output is given: in a real
run a 'match' is linked in the run that reads it, so the item keeps its id with a new pair only when the matcher does not
honour it (entities.people_review: its pairs refused, a reviewer's no_match lying across them); the item is then open
again for both reasons, the labels are the decided pairs only, the audit keeps the decision and the ward file shows
every pair. A 'not kept' decision (an audit written before session 42) warns, in words for the officials, what to do.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from assets.resources import WarehouseResource
from assets.review import review_decisions, review_queues
from pipelines.match.cluster import REVIEWERS_DISAGREE
from pipelines.reference import load_reference
from pipelines.review.decisions import DECISIONS_ENV
from pipelines.schema import (
    CROSSWALK,
    REVIEW_DECISION_AUDIT,
    REVIEW_SCHEMA,
    UNITS_2025,
    UNITS_PRE2025,
    lineage_table,
    review_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.reviewhelpers import LINEAGE, PAIRS, people_review
from tests.test_review_item_pairs import AB, WARD
from tests.test_ward_file_labels import AB_PAIRS, _decide_csv, _rows_of

GAINED = ("p#1", "p#4", 0.6)  # joins A and B: item AB keeps its id (its smallest pair p#1 ~ p#2 is unchanged)
TODAY = dt.datetime.now(dt.UTC).date()


def _warehouse(root: Path) -> Warehouse:
    wh = Warehouse(root)
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    decl = staged_table("population")
    keys = LINEAGE["record_key"].to_list()
    staged = pl.DataFrame(
        {"record_key": keys, "new_uid": [f"2025:{WARD}"] * len(keys), "ward_status": ["resolved"] * len(keys)}
    )
    staged = staged.with_columns(pl.lit(None, t).alias(c) for c, t in decl.polars_schema.items() if c not in staged)
    PartitionedLayer(wh, "staged").write(decl, "population_t@2025-08-31", staged.select(decl.columns))
    return wh


def _matched(wh: Warehouse, pairs: list, refused: tuple = (), lineage: pl.DataFrame = LINEAGE) -> None:
    """What the matcher published: entities.people_review of ``pairs`` (those in ``refused`` refused, a reviewer's
    no_match across them: a 'match' not honoured) and people_lineage."""
    review = people_review(pairs)
    gone = pl.concat_str(pl.min_horizontal("left_id", "right_id"), pl.max_horizontal("left_id", "right_id"))
    refusing = gone.is_in([min(a, b) + max(a, b) for a, b in refused])
    review = review.with_columns(
        pl.when(refusing).then(pl.lit("refused")).otherwise(pl.col("decision")).alias("decision"),
        pl.when(refusing)
        .then(pl.lit(REVIEWERS_DISAGREE))
        .otherwise(pl.col("decision_reason"))
        .alias("decision_reason"),
    )
    decl = lineage_table("people")
    sizes = lineage.with_columns(pl.len().over("entity_id").cast(pl.UInt32).alias("entity_size"))
    full = sizes.with_columns(
        pl.lit("population_t").alias("source_id"), pl.lit(dt.date(2025, 8, 31)).alias("extract_date")
    ).with_columns(pl.lit(None, t).alias(c) for c, t in decl.polars_schema.items() if c not in sizes.columns)
    wh.publish("entities", [(review_table("people"), review), (decl, full.select(decl.columns))])


def _job(wh: Warehouse, folder: Path, monkeypatch) -> tuple[dg.ExecuteInProcessResult, list[str]]:  # noqa: ANN001
    """The review job's two assets, as a run materializes them: (the result, the warnings it logged)."""
    monkeypatch.setenv(DECISIONS_ENV, str(folder))
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [review_decisions, review_queues],
        instance=instance,
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        raise_on_error=True,
    )
    logs = instance.all_logs(result.run_id)
    return result, [e.user_message for e in logs if e.level >= 30 and not e.is_dagster_event]


def _read(wh: Warehouse, name: str) -> pl.DataFrame:
    return wh.read(REVIEW_SCHEMA, name)


def _ward_file(wh: Warehouse) -> Path:
    return wh.root / "review" / "wards" / WARD / "match_pair.csv"


@pytest.fixture(scope="module")
def decided_once(tmp_path_factory):
    """Run 1 queues AB (three pairs); an official writes 'match' on one of AB's rows of run 1's ward file and puts
    the file in the decisions folder; the matcher then leaves AB's pairs refused and a fourth pair joins A and B; run 2.
    Built once for the module: (the folder holding the warehouse ``wh`` and the decisions folder, run 2's warnings)"""
    base = tmp_path_factory.mktemp("decided")
    wh, folder = _warehouse(base / "wh"), base / "decisions"
    folder.mkdir(mode=0o700)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _matched(wh, PAIRS)
        _job(wh, folder, monkeypatch)
        source = _ward_file(wh)
        table = pl.read_csv(source, infer_schema=False)
        assert len(_rows_of(table, AB)) == 3
        _decide_csv(source, folder / "ward_26740_match_pair.csv", {_rows_of(table, AB)[1]: "match"})
        _matched(wh, [*PAIRS, GAINED], refused=AB_PAIRS)
        _, warnings = _job(wh, folder, monkeypatch)
    return base, tuple(warnings)


@pytest.fixture
def decided(decided_once, tmp_path):
    """decided_once's state, copied for the test (the warehouse, the decisions folder, run 2's warnings): a test
    runs the job again on its own copy (the warehouse's views are relative to its root, the folder keeps its mode)."""
    base, warnings = decided_once
    for name in ("wh", "decisions"):
        shutil.copytree(base / name, tmp_path / name)
    return Warehouse(tmp_path / "wh"), tmp_path / "decisions", list(warnings)


def test_the_job_reopens_an_item_that_gained_a_pair_and_labels_only_the_decided_pairs(decided):
    wh, _, warnings = decided
    assert _read(wh, "decision_errors").height == 0
    audit = _read(wh, REVIEW_DECISION_AUDIT.name)
    assert audit.height == 1 and audit["pairs_from"].to_list() == ["ward file"]  # the decision kept, with its pairs
    assert sorted(zip(audit["left_ids"][0], audit["right_ids"][0], strict=True)) == AB_PAIRS
    decision = _read(wh, "decisions").row(0, named=True)
    assert (decision["item_id"], decision["state"], decision["decision"]) == (AB, "closed", "match")
    labels = _read(wh, "match_labels")
    assert sorted(labels.select("left_id", "right_id").rows()) == AB_PAIRS  # not p#1 ~ p#4: no one decided it
    item = _read(wh, "queue_items").filter(pl.col("item_id") == AB)
    assert item.height == 1
    summary = item["summary"].item()
    assert "reopened: the 'match' decision was not applied" in summary
    assert "1 record pair joined this item after its decision (match, " in summary
    assert "until then the decision labels the 3 pairs it decided" in summary
    shown = pl.read_csv(_ward_file(wh), infer_schema=False).filter(pl.col("item_id") == AB)
    assert sorted(shown.select("left_id", "right_id").rows()) == sorted([*AB_PAIRS, GAINED[:2]])  # every pair shown
    new_no = shown.filter((pl.col("left_id") == "p#1") & (pl.col("right_id") == "p#4"))["pair_no"].item()
    assert f"pair {new_no} of 4" in summary
    assert not [w for w in warnings if "not kept" in w or "before wardbridge kept" in w]


def test_the_old_file_left_in_the_folder_and_the_item_decided_again(decided, monkeypatch):
    """Run 3 reads the official's first file again (the decision already kept: no error, nothing added) and the same
    item decided again on run 2's ward file (a decision of its own, all four pairs); the matcher links them: the item is
    closed, four labels."""
    wh, folder, _ = decided
    source = _ward_file(wh)
    table = pl.read_csv(source, infer_schema=False)
    _decide_csv(source, folder / "ward_26740_match_pair_2.csv", {_rows_of(table, AB)[0]: "match"})
    _matched(wh, [PAIRS[3]], lineage=LINEAGE.with_columns(pl.col("entity_id").replace({"B": "A"})))
    _job(wh, folder, monkeypatch)
    assert _read(wh, "decision_errors").height == 0
    audit = _read(wh, REVIEW_DECISION_AUDIT.name)
    assert audit.height == 2 and audit["left_ids"].list.len().to_list() == [3, 4]
    labels = _read(wh, "match_labels")
    assert sorted(labels.select("left_id", "right_id").rows()) == sorted([*AB_PAIRS, GAINED[:2]])
    assert _read(wh, "queue_items").filter(pl.col("item_id") == AB).height == 0


def test_a_decision_recorded_before_pairs_were_kept_warns_what_an_official_does(decided, monkeypatch):
    """An audit written before session 42 (no pair columns): its decision labels the item's pairs of each run, the
    gained one too, as it did; the run's warning says so in an official's words and what to do, naming the item."""
    wh, folder, _ = decided
    old = _read(wh, REVIEW_DECISION_AUDIT.name).drop("left_ids", "right_ids", "pairs_from")
    old.write_parquet(wh.parquet_path(REVIEW_SCHEMA, REVIEW_DECISION_AUDIT.name))
    shutil.rmtree(folder)  # the file handed back long ago, no longer in the folder
    folder.mkdir(mode=0o700)
    _, warnings = _job(wh, folder, monkeypatch)
    said = [w for w in warnings if AB in w]
    assert len(said) == 1, warnings
    text = said[0]
    assert "1 match_pair decision was recorded before" in text and "every pair its item holds on each run" in text
    assert "even one that joins later, unseen" in text and "To fix, an official decides it again" in text
    assert "p#" not in text and text.index(AB) + len(AB) <= 397  # what to do and the item: on the progress line
    labels = _read(wh, "match_labels")
    assert sorted(labels.select("left_id", "right_id").rows()) == sorted([*AB_PAIRS, GAINED[:2]])  # as before
    # the official does as told: the decision kept with the pairs the item holds now, no warning
    (folder / "again.csv").write_text(
        f"item_id,decision,reviewer,decided_on,note\n{AB},match,Cán bộ A,{TODAY},decided again\n", encoding="utf-8"
    )
    _, warnings = _job(wh, folder, monkeypatch)
    assert not [w for w in warnings if AB in w], warnings
    decision = _read(wh, "decisions").row(0, named=True)
    assert decision["pairs_from"] == "item when read" and len(decision["decided_left_ids"]) == 4
