"""A `reverse` with nothing to undo is reported, not taken silently (HV19).

An official's `reverse` of an item that has no decision standing before it (none at all, one already reversed, or
the decision it meant dated after it: the audit replays an item's rows by date) changed nothing, and nothing said so:
review.decision_errors had no row, the run's summary counted it applied; only the audit's `change` column said
"reverse: nothing to undo". Such a row is now listed in review.decision_errors (file, row, field `decision`, the
item's id and why) and counted not applied."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from pipelines.review.decisions import append_audit, load_decisions, rows_held, settle_decisions
from pipelines.schema import REVIEW_ITEM_KEYS
from tests.summaryhelpers import decisions_summary

HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
UA = [f"ua-{i:016x}" for i in range(4)]
NOW = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)


def _items() -> pl.DataFrame:
    rows = []
    for item in UA:
        row = {c: None for c in REVIEW_ITEM_KEYS.columns}
        row.update(item_id=item, kind="unresolved_address", candidates=[])
        rows.append(row)
    return pl.DataFrame(rows, schema=REVIEW_ITEM_KEYS.polars_schema)


def _files(folder) -> None:
    folder.mkdir(mode=0o700)
    # ua-0: a reverse alone; ua-1: dismissed, reversed, reversed again; ua-2: reversed the day before its dismiss;
    # ua-3: dismissed and reversed (the one reverse that undoes something)
    (folder / "a.csv").write_text(
        HEADER
        + f"{UA[0]},reverse,Lê Văn Tám,2026-12-02,,\n"
        + f"{UA[1]},dismiss,Lê Văn Tám,2026-12-01,,\n"
        + f"{UA[2]},dismiss,Lê Văn Tám,2026-12-03,,\n"
        + f"{UA[3]},dismiss,Lê Văn Tám,2026-12-01,,\n",
        encoding="utf-8",
    )
    (folder / "b.csv").write_text(
        HEADER + f"{UA[1]},reverse,Trần Thị Bé,2026-12-02,,\n" + f"{UA[3]},reverse,Trần Thị Bé,2026-12-02,,\n",
        encoding="utf-8",
    )
    (folder / "c.csv").write_text(
        HEADER + f"{UA[1]},reverse,Trần Thị Bé,2026-12-03,,\n" + f"{UA[2]},reverse,Trần Thị Bé,2026-12-02,,\n",
        encoding="utf-8",
    )


def _run(tmp_path):
    folder = tmp_path / "decisions"
    _files(folder)
    loaded = load_decisions(folder, ward_codes={"26740"}, items=_items(), now=NOW)
    assert loaded.errors.height == 0, loaded.errors.rows()
    audit, _ = append_audit(None, loaded.rows, NOW)
    return folder, loaded, settle_decisions(audit, _items())


def test_a_reverse_with_nothing_to_undo_is_listed_with_the_item_and_why(tmp_path):
    _, _, settled = _run(tmp_path)
    errors = settled.errors.sort("source_file", "source_row")
    assert errors.select("source_file", "source_row", "field").rows() == [
        ("a.csv", 2, "decision"),  # ua-0: nothing before it
        ("c.csv", 2, "decision"),  # ua-1: its one decision already reversed (b.csv)
        ("c.csv", 3, "decision"),  # ua-2: its dismiss is dated after it
    ], errors.rows()
    causes = errors["cause"].to_list()
    for item, cause in zip([UA[0], UA[1], UA[2]], causes, strict=True):
        assert item in cause and "nothing to undo" in cause, cause
    assert "dated after" in causes[2] or "later" in causes[2], causes[2]
    assert "Lê Văn Tám" not in " ".join(causes) and "Trần" not in " ".join(causes)  # no personal value
    state = dict(settled.decisions.select("item_id", "state").rows())
    assert state[UA[2]] == "closed" and state[UA[3]] == "reopened"  # what they did is unchanged


def test_the_summary_counts_them_not_applied(tmp_path):
    folder, loaded, settled = _run(tmp_path)
    assert loaded.rows.height == 8
    now, earlier = rows_held(settled, loaded)
    assert (now, earlier) == (3, 0)
    meta = {
        "decisions_dir": dg.MetadataValue.path(str(folder)),
        "files": dg.MetadataValue.int(loaded.files),
        "rows_valid": dg.MetadataValue.int(loaded.rows.height),
        "rows_rejected": dg.MetadataValue.int(loaded.rows_rejected),
        "rows_in_conflict": dg.MetadataValue.int(now),
        "earlier_rows_in_conflict": dg.MetadataValue.int(earlier),
    }
    line = next(x for x in decisions_summary(tmp_path, meta).lines() if x.startswith("Decisions:"))
    assert line.endswith(": 8 row(s), 5 applied, 3 not applied (review.decision_errors says why)"), line


def test_listed_while_its_file_is_read_not_for_ever(tmp_path):
    """The audit keeps the reverse; the run lists it while its file is read, like a row not valid, and stops when the
    official removes the file (a conflict is listed on every run until a later decision settles it: an idle reverse
    has nothing that would settle it)."""
    folder, loaded, _ = _run(tmp_path)
    audit, _ = append_audit(None, loaded.rows, NOW)
    now = settle_decisions(audit, _items(), loaded.rows)
    assert now.errors.height == 3
    (folder / "c.csv").unlink()
    (folder / "a.csv").unlink()
    later = load_decisions(folder, ward_codes={"26740"}, items=_items(), now=NOW + dt.timedelta(days=1))
    audit, _ = append_audit(audit, later.rows, NOW + dt.timedelta(days=1))
    settled = settle_decisions(audit, _items(), later.rows)
    assert settled.errors.height == 0, settled.errors.rows()
    assert rows_held(settled, later) == (0, 0)


def test_a_same_day_reverse_read_before_the_decision_says_so(tmp_path):
    """Rows replay by date, then load time and file: a reverse in a.csv and a dismiss in b.csv of one day leave the
    dismiss standing; the reverse's cause says why, not 'dated after'."""
    folder = tmp_path / "decisions"
    folder.mkdir(mode=0o700)
    (folder / "a.csv").write_text(HEADER + f"{UA[0]},reverse,Lê Văn Tám,2026-12-02,,\n", encoding="utf-8")
    (folder / "b.csv").write_text(HEADER + f"{UA[0]},dismiss,Trần Thị Bé,2026-12-02,,\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={"26740"}, items=_items(), now=NOW)
    audit, _ = append_audit(None, loaded.rows, NOW)
    settled = settle_decisions(audit, _items(), loaded.rows)
    ((where, row, cause),) = settled.errors.select("source_file", "source_row", "cause").rows()
    assert (where, row) == ("a.csv", 2)
    assert "same day and read after it" in cause and "date the reverse after" in cause, cause
    assert settled.decisions.select("state", "decision").row(0) == ("closed", "dismiss")


def test_a_reverse_alone_writes_no_decision_row(tmp_path):
    """A reverse of an item never decided is listed and counted not applied, and writes nothing else: the item gets
    no review.decisions row (it said 'reopened', an item that was never closed); a reverse that undid a decision
    still leaves its item 'reopened'."""
    _, _, settled = _run(tmp_path)
    state = dict(settled.decisions.select("item_id", "state").rows())
    assert UA[0] not in state, settled.decisions.filter(pl.col("item_id") == UA[0]).rows()
    assert state[UA[1]] == "reopened" and state[UA[3]] == "reopened"
    folder = tmp_path / "alone"
    folder.mkdir(mode=0o700)
    (folder / "a.csv").write_text(HEADER + f"{UA[0]},reverse,Lê Văn Tám,2026-12-02,,\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={"26740"}, items=_items(), now=NOW)
    audit, _ = append_audit(None, loaded.rows, NOW)
    alone = settle_decisions(audit, _items(), loaded.rows)
    assert alone.decisions.height == 0, alone.decisions.rows()
    assert alone.errors.select("source_file", "source_row").rows() == [("a.csv", 2)]
    assert rows_held(alone, loaded) == (1, 0)
