"""A review decision keeps the record pairs it decided (issue 14 §3 / review queues; HR, session 42).

Before, the audit kept an item's decision without its record pairs, and each run applied it to the pairs the item held
then (``decided_pairs`` read the item's current keys). An item published again after its decision (an unhonoured
``match`` reopened, say) that gained a record pair under the same id got that pair labelled by a decision nobody made
about it: a ``match`` forced it linked, a ``no_match`` kept it apart. Now the audit keeps, per decision, the pairs it
decided (``left_ids``/``right_ids``: the pairs its ward file showed, or for a file without the pair columns the pairs
the item held when the row was first read, ``pairs_from`` says which); a decision labels those pairs only, and an
item holding a pair its decision did not decide stays open, its summary saying why. An audit written before keeps
today's behaviour for its rows (``pairs_from`` 'not kept').
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.review.decisions import append_audit, effective_decisions, load_decisions, match_labels
from pipelines.review.queues import ReviewInputs, build_queues
from pipelines.schema import QUARANTINE, REVIEW_DECISION_AUDIT, staged_table
from tests.reviewhelpers import LINEAGE, PAIRS, people_review
from tests.test_review_item_pairs import AB, DAY, NOW, WARD
from tests.test_ward_file_labels import AB_PAIRS, _decide_csv, _rows_of, _ward_files, only_the_decided_row

LATER = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
GAINED = ("p#1", "p#4", 0.6)  # joins A and B: item AB keeps its id (its smallest pair p#1 ~ p#2 is unchanged)
HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
PAIR_COLUMNS = ("left_ids", "right_ids", "pairs_from")


def _labelled(decisions: pl.DataFrame) -> list[tuple[str, str]]:
    return sorted(match_labels(decisions).select("left_id", "right_id").rows())


def _decided_on_run1(tmp_path: Path, decision: str = "match"):  # noqa: ANN202
    """Run 1 publishes AB (three pairs); the official decides it on run 1's ward file, read after run 1. Run 2
    publishes AB again with a fourth pair. (run 2's keys, the audit, the decisions folder)"""
    run1 = _ward_files(tmp_path / "run1")
    source = tmp_path / "run1" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    filled = _decide_csv(source, tmp_path / "decisions" / "match_pair.csv", {_rows_of(table, AB)[1]: decision})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run1, today=DAY)
    assert loaded.errors.height == 0 and loaded.rows["item_id"].to_list() == [AB]
    audit, _ = append_audit(None, loaded.rows, NOW)
    run2 = _ward_files(tmp_path / "run2", pairs=[*PAIRS, GAINED], now=LATER, previous=run1)
    assert run2.filter(pl.col("item_id") == AB)["more_left_ids"].list.len().item() == 3  # same id, 4 pairs
    return run2, audit, filled.parent


@pytest.fixture(scope="module")
def match_on_run1(tmp_path_factory):
    """_decided_on_run1 with a 'match', made once for the module: (its folder, run 2's keys, the audit)."""
    base = tmp_path_factory.mktemp("match_on_run1")
    run2, audit, _ = _decided_on_run1(base)
    return base, run2, audit


@pytest.fixture
def decided_match(match_on_run1, tmp_path):
    """match_on_run1 for one test: its files (the runs' ward files, the decisions folder) copied into the test's
    tmp_path, as _decided_on_run1(tmp_path) leaves them. (run 2's keys, the audit, the decisions folder)"""
    base, run2, audit = match_on_run1
    shutil.copytree(base, tmp_path, dirs_exist_ok=True)
    return run2, audit, tmp_path / "decisions"


def _inputs(pairs: list) -> ReviewInputs:
    """What build_queues reads: the records of ``pairs`` staged in WARD (nothing else to queue), no quarantine."""
    keys = sorted({k for p in pairs for k in p[:2]})
    schema = staged_table("population").polars_schema
    staged = pl.DataFrame(
        {"record_key": keys, "new_uid": [f"2025:{WARD}"] * len(keys), "ward_status": ["resolved"] * len(keys)}
    )
    staged = staged.with_columns(pl.lit(None, t).alias(c) for c, t in schema.items() if c not in staged.columns)
    wards = {"new_uid": pl.String, "candidates": pl.List(pl.String)}
    return ReviewInputs(
        staged={"population": staged},
        quarantine={"population": pl.DataFrame(schema={**QUARANTINE.polars_schema, **wards})},
        review={"people": people_review(pairs)},
        ward_names=pl.DataFrame(),
        entity_of={"people": LINEAGE},
    )


def test_a_pair_the_item_gained_after_its_decision_is_not_labelled(tmp_path, decided_match):
    run2, audit, _ = decided_match
    decisions = effective_decisions(audit, run2)
    assert _labelled(decisions) == AB_PAIRS  # before: p#1 ~ p#4 too, which no one decided
    row = audit.row(0, named=True)
    assert sorted(zip(row["left_ids"], row["right_ids"], strict=True)) == AB_PAIRS
    assert row["pairs_from"] == "ward file"


def test_a_no_match_does_not_keep_apart_a_pair_it_never_saw(tmp_path):
    run2, audit, _ = _decided_on_run1(tmp_path, "no_match")
    labels = match_labels(effective_decisions(audit, run2))
    assert sorted(labels.select("left_id", "right_id").rows()) == AB_PAIRS and set(labels["label"]) == {"no_match"}


def test_the_item_holding_a_pair_its_decision_did_not_decide_stays_open_saying_why(tmp_path, decided_match):
    run2, audit, _ = decided_match
    decisions = effective_decisions(audit, run2)
    queues = build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER)
    item = queues.items.filter(pl.col("item_id") == AB)
    assert item.height == 1  # before: closed by the decision, the new pair with it
    summary = item["summary"].item()
    assert "1 record pair joined this item after its decision (match, 2026-12-05)" in summary
    rows = queues.pair_rows.filter(pl.col("item_id") == AB)
    new_no = rows.filter((pl.col("left_id") == "p#1") & (pl.col("right_id") == "p#4"))["pair_no"].item()
    assert f"pair {new_no} of 4" in summary
    assert "p#" not in summary and "Cán bộ" not in summary  # ids and dates, never a value
    assert queues.closed.filter(pl.col("item_id") == AB).height == 0
    # the same decision, the item holding only the pairs it decided: closed, as before
    same = build_queues(_inputs(PAIRS), decisions, run2, LATER)
    assert same.items.filter(pl.col("item_id") == AB).height == 0


def test_the_old_file_read_again_is_the_decision_already_kept_not_an_error(tmp_path, decided_match):
    """Its ward file still in the folder on the run after the item gained a pair: the row is the decision the audit
    keeps (for the pairs it showed), not a row refused as 'not applied' while it is in effect; nothing is added."""
    run2, audit, folder = decided_match
    loaded = load_decisions(folder, ward_codes={WARD}, items=run2, today=DAY, audit=audit)
    assert loaded.errors.height == 0
    again, added = append_audit(audit, loaded.rows, LATER)
    assert added.height == 0 and again.height == 1
    assert _labelled(effective_decisions(again, run2)) == AB_PAIRS


def test_deciding_again_on_the_current_file_decides_every_pair(tmp_path, decided_match):
    """The same decision, reviewer and date written on run 2's file (four pairs): a decision of its own, kept with its
    four pairs, and the item is closed."""
    run2, audit, folder = decided_match
    source = tmp_path / "run2" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    _decide_csv(source, folder / "match_pair.csv", {_rows_of(table, AB)[1]: "match"})  # same file name, row 3
    loaded = load_decisions(folder, ward_codes={WARD}, items=run2, today=DAY, audit=audit)
    assert loaded.errors.height == 0
    again, added = append_audit(audit, loaded.rows, LATER)
    assert added.height == 1
    decisions = effective_decisions(again, run2)
    assert _labelled(decisions) == sorted([*AB_PAIRS, GAINED[:2]])
    queues = build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER)
    assert queues.items.filter(pl.col("item_id") == AB).height == 0


def test_a_file_without_pair_columns_decides_the_pairs_the_item_held_when_read(tmp_path):
    """A decisions file written by hand (item id alone) cannot say which pairs were seen: it decides the pairs the item
    held when the row was first read (the pairs of the last published ward files), kept in the audit; a pair the item
    gains later is left open."""
    run1 = _ward_files(tmp_path / "run1")
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "hand.csv").write_text(HEADER + f"{AB},match,Cán bộ A,{DAY},,\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={WARD}, items=run1, today=DAY)
    audit, _ = append_audit(None, loaded.rows, NOW)
    assert audit["pairs_from"].to_list() == ["item when read"]
    run2 = _ward_files(tmp_path / "run2", pairs=[*PAIRS, GAINED], now=LATER, previous=run1)
    loaded = load_decisions(folder, ward_codes={WARD}, items=run2, today=DAY, audit=audit)
    again, added = append_audit(audit, loaded.rows, LATER)
    assert loaded.errors.height == 0 and added.height == 0  # read again: the same decision, its pairs as first read
    decisions = effective_decisions(again, run2)
    assert _labelled(decisions) == AB_PAIRS
    queues = build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER)
    assert queues.items.filter(pl.col("item_id") == AB).height == 1


def test_an_audit_written_before_pairs_were_kept_is_read_and_keeps_todays_behaviour(tmp_path, decided_match):
    """An audit published without left_ids, right_ids and pairs_from: read (migrated: the columns null, pairs_from
    'not kept' for a match_pair row), and its decisions label the pairs the item holds on each run, as before;
    review.decisions says so (pairs_from)."""
    run2, audit, _ = decided_match
    old = audit.drop("left_ids", "right_ids", "pairs_from")
    migrated, added = append_audit(old, old.clear().drop("audit_id", "loaded_at", "change"), LATER)
    assert added.height == 0 and migrated.columns == REVIEW_DECISION_AUDIT.columns
    assert migrated["pairs_from"].to_list() == ["not kept"] and migrated["left_ids"].null_count() == 1
    decisions = effective_decisions(migrated, run2)
    assert decisions["pairs_from"].to_list() == ["not kept"]
    assert _labelled(decisions) == sorted([*AB_PAIRS, GAINED[:2]])  # today's behaviour, said
    queues = build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER)
    assert queues.items.filter(pl.col("item_id") == AB).height == 0


def test_match_labels_as_a_labels_file_give_the_cli_the_decided_pairs_only(tmp_path, decided_match):
    """review.match_labels written out and given to ``wardbridge match --labels``: the decided pairs only."""
    from pipelines.cli import _read_verdicts

    run2, audit, _ = decided_match
    match_labels(effective_decisions(audit, run2)).write_csv(tmp_path / "labels.csv")
    same, different = _read_verdicts(tmp_path / "labels.csv", "--labels")
    assert sorted(same.rows()) == AB_PAIRS and different.height == 0


def test_an_old_decision_read_again_from_its_ward_file_stays_as_it_was(tmp_path):
    """A decision of the audit before pairs were kept ('not kept'), its ward file still in the folder: read again, it
    is that decision (hashed as before), not added again with pairs: added now, it would sort after a later reversal
    of it on the same day and undo that reversal (HV9). It keeps today's behaviour."""
    run1 = _ward_files(tmp_path / "run1")
    source = tmp_path / "run1" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    filled = _decide_csv(source, tmp_path / "decisions" / "match_pair.csv", {_rows_of(table, AB)[1]: "match"})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run1, today=DAY)
    old = append_audit(None, loaded.rows.drop(*PAIR_COLUMNS), NOW)[0].drop(*PAIR_COLUMNS)  # as written before
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run1, today=DAY, audit=old)
    audit, added = append_audit(old, loaded.rows, LATER)
    assert loaded.errors.height == 0 and added.height == 0 and audit["pairs_from"].to_list() == ["not kept"]
    run2 = _ward_files(tmp_path / "run2", pairs=[*PAIRS, GAINED], now=LATER, previous=run1)
    assert _labelled(effective_decisions(audit, run2)) == sorted([*AB_PAIRS, GAINED[:2]])  # as before


def test_an_old_same_day_reversal_stays_in_effect_after_the_upgrade(tmp_path):
    """HV9: an old audit (before pairs were kept) with a match on a ward file and a same-day reverse in a hand file:
    the first run with pairs kept, both files still in the folder, must keep the item reversed (open, no label). The
    ward-file row was appended again with its pairs, after the reverse in the audit's order: the match in effect again,
    three labels nobody gave."""
    run1 = _ward_files(tmp_path / "run1")
    source = tmp_path / "run1" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    folder = tmp_path / "decisions"
    _decide_csv(source, folder / "match_pair.csv", {_rows_of(table, AB)[1]: "match"})
    loaded = load_decisions(folder, ward_codes={WARD}, items=run1, today=DAY)
    old = append_audit(None, loaded.rows.drop(*PAIR_COLUMNS), NOW)[0].drop(*PAIR_COLUMNS)
    (folder / "zz_reverse.csv").write_text(HEADER + f"{AB},reverse,Cán bộ A,{DAY},,\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={WARD}, items=run1, today=DAY)
    old = append_audit(old, loaded.rows.drop(*PAIR_COLUMNS), NOW + dt.timedelta(hours=12))[0].drop(*PAIR_COLUMNS)
    assert match_labels(effective_decisions(old, run1)).height == 0
    loaded = load_decisions(folder, ward_codes={WARD}, items=run1, today=DAY, audit=old)  # the upgrade
    audit, added = append_audit(old, loaded.rows, LATER)
    assert added.height == 0
    after = effective_decisions(audit, run1)
    assert after["state"].to_list() == ["reopened"] and match_labels(after).height == 0


def test_rows_an_official_deleted_from_the_file_are_decided_too(tmp_path):
    """The official kept only the row they decided (the item's other rows deleted): the file's record_pairs says the
    item held three when it was written, so the decision decides the three (the README: it labels every pair shown);
    the item, holding those three, is closed."""
    folder = tmp_path / "decisions"
    run1 = only_the_decided_row(tmp_path / "run1", folder)
    loaded = load_decisions(folder, ward_codes={WARD}, items=run1, today=DAY)
    audit, _ = append_audit(None, loaded.rows, NOW)
    assert audit["pairs_from"].to_list() == ["ward file"] and audit["left_ids"].list.len().to_list() == [3]
    decisions = effective_decisions(audit, run1)
    assert _labelled(decisions) == AB_PAIRS
    assert build_queues(_inputs(PAIRS), decisions, run1, NOW).items.filter(pl.col("item_id") == AB).height == 0


def test_a_decision_not_kept_labels_the_items_pairs_whatever_its_lists_hold(tmp_path, decided_match):
    """A 'not kept' decision labels the item's pairs of this run even when its lists are empty rather than null (a
    re-read 'not kept' row appended again carried []: it labelled nothing; found in an end-to-end run, 14:20)."""
    run2, audit, _ = decided_match
    old = audit.with_columns(
        pl.lit([], pl.List(pl.String)).alias("left_ids"),
        pl.lit([], pl.List(pl.String)).alias("right_ids"),
        pl.lit("not kept").alias("pairs_from"),
    )
    decisions = effective_decisions(old, run2)
    assert _labelled(decisions) == sorted([*AB_PAIRS, GAINED[:2]])
    assert (
        build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER).items.filter(pl.col("item_id") == AB).height
        == 0
    )


@pytest.mark.parametrize("lists", [None, [], ["p#1"]])
def test_pairs_from_alone_says_whether_a_decision_keeps_its_pairs(tmp_path, decided_match, lists):
    """review.decisions carries a decision's pairs in its lists and whether it keeps them in pairs_from, and only
    pairs_from is read for that (decisions.keeps_pairs): a 'not kept' decision labels the item's pairs of the run and
    leaves the item closed whatever its audit row's lists hold (null, empty, or one pair), and review.decisions shows
    its lists null. Before, decided_pairs and queues.pairs_not_decided each tested the lists and pairs_from."""
    run2, audit, _ = decided_match
    column = pl.lit(lists, pl.List(pl.String)) if lists is not None else pl.lit(None, pl.List(pl.String))
    old = audit.with_columns(
        column.alias("left_ids"), column.alias("right_ids"), pl.lit("not kept").alias("pairs_from")
    )
    decisions = effective_decisions(old, run2)
    assert decisions.select("decided_left_ids", "decided_right_ids").null_count().row(0) == (1, 1)
    assert _labelled(decisions) == sorted([*AB_PAIRS, GAINED[:2]])
    queues = build_queues(_inputs([*PAIRS, GAINED]), decisions, run2, LATER)
    assert queues.items.filter(pl.col("item_id") == AB).height == 0
    # the same lists with the pairs kept ('ward file'): those pairs only, and the item holding another stays open
    kept = effective_decisions(audit, run2)
    assert kept["pairs_from"].to_list() == ["ward file"] and kept["decided_left_ids"].list.len().to_list() == [3]
    assert build_queues(_inputs([*PAIRS, GAINED]), kept, run2, LATER).items.filter(pl.col("item_id") == AB).height


def test_a_file_with_rows_an_official_deleted_given_to_the_cli_says_what_the_pipeline_labels_beside(tmp_path, capsys):
    """The pipeline's rule (README: a ward-file decision decides the pairs its file showed, with those of rows an
    official deleted from it) needs the item's pairs, which the file no longer names: ``wardbridge match --labels``
    given the file labels the pair it shows and says how many it cannot (counted from the file's record_pairs), and
    that the pipeline labels them; review.match_labels written out gives it the pipeline's three. A file with every
    row gives the same pairs both ways and no such line."""
    from pipelines.cli import _read_verdicts

    folder = tmp_path / "decisions"
    keys = only_the_decided_row(tmp_path / "run1", folder)
    loaded = load_decisions(folder, ward_codes={WARD}, items=keys, today=DAY)
    decisions = effective_decisions(append_audit(None, loaded.rows, NOW)[0], keys)
    assert _labelled(decisions) == AB_PAIRS
    capsys.readouterr()
    same, _ = _read_verdicts(folder / "one.csv", "--labels")
    assert len(same) == 1 and set(same.rows()) < set(AB_PAIRS)
    err = capsys.readouterr().err
    assert "1 decided item(s) with rows deleted from the file" in err and "2 record pair(s) more" in err
    assert "p#" not in err
    match_labels(decisions).write_csv(tmp_path / "labels.csv")
    same, _ = _read_verdicts(tmp_path / "labels.csv", "--labels")
    assert sorted(same.rows()) == AB_PAIRS
    # every row kept: the same three pairs, no such line
    _, audit, whole = _decided_on_run1(tmp_path / "whole")
    same, _ = _read_verdicts(whole / "match_pair.csv", "--labels")
    assert sorted(same.rows()) == AB_PAIRS and "deleted" not in capsys.readouterr().err
