"""Reviewers' decisions reach the matcher whole (issue 14 §3; HW2, session 41).

1. ``wardbridge match --labels`` given a pipeline ward file (``match_pair.csv`` / ``review_<ward>.xlsx``, a
   match_pair item one row per record pair) read each row as its own pair: a decision written on one row of a
   three-pair item labelled that row's pair only, while the pipeline's review stage applies it to every pair of the
   item; the workbook (a Vietnamese header row above the English one) and a CSV with Vietnamese headers were refused
   ("needs columns left_id and right_id"). It is now read by the review stage's own reader: one decision per item,
   applied to each of its pairs; rows of one item giving different decisions are refused and named.
2. A record pair that joined an item after the ward file was written (a later run published the item again with it,
   the item keeping its id) was labelled by the decision written on the older file: the official never saw it. A
   decision row whose file shows fewer record pairs of the item than it holds now is refused, naming the item, and the
   item stays open (queued again with every pair).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import _read_verdicts, main
from pipelines.review.decisions import append_audit, effective_decisions, load_decisions, match_labels
from pipelines.review.queues import ReviewInputs, match_pair_rows, update_item_keys
from pipelines.schema import REVIEW_ITEM_KEYS
from tests.reviewhelpers import LINEAGE, PAIRS, people_review, write_match_pair_files
from tests.test_review_item_pairs import AB, CD, DAY, NOW, WARD

REPO = Path(__file__).resolve().parents[1]
AB_PAIRS = [("p#1", "p#2"), ("p#3", "p#4"), ("p#4", "p#5")]


def _ward_files(root: Path, pairs=PAIRS, lineage=LINEAGE, headers: str = "en", now=NOW, previous=None):  # noqa: ANN001, ANN202
    """The pipeline's ward files of the match_pair items of ``pairs`` (written by write_ward_exports, as a run does)
    and the items' keys (update_item_keys over ``previous``)."""
    keys = sorted({k for p in pairs for k in p[:2]})
    inputs = ReviewInputs(
        staged={"population": pl.DataFrame({"record_key": keys, "new_uid": [f"2025:{WARD}"] * len(keys)})},
        quarantine={},
        review={"people": people_review(pairs)},
        ward_names=pl.DataFrame(),
        entity_of={"people": lineage},
    )
    queue = write_match_pair_files(inputs, root, WARD, headers)
    keyed = queue.with_columns(
        pl.lit(None, t).alias(c) for c, t in REVIEW_ITEM_KEYS.polars_schema.items() if c not in queue.columns
    )
    return update_item_keys(previous, keyed, now)


def _decide_csv(source: Path, target: Path, at: dict[int, str]) -> Path:
    """The ward CSV ``source`` filled in as an official does: decision ``at[row]`` on those data rows (0-based)."""
    table = pl.read_csv(source, infer_schema=False)
    row = pl.int_range(pl.len())
    filled = table.with_columns(
        pl.when(row.is_in(list(at))).then(v).otherwise(pl.col(c)).alias(c)
        for c, v in (
            ("decision", row.replace_strict(at, default=None, return_dtype=pl.String)),
            ("reviewer", pl.lit("Cán bộ A")),
            ("decided_on", pl.lit(str(DAY))),
        )
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    filled.write_csv(target)
    return target


def _rows_of(table: pl.DataFrame, item: str) -> list[int]:
    return [i for i, x in enumerate(table["item_id"]) if x == item]


# ------------------------------------------------------------------------------------- 1. --labels reads a ward file


@pytest.mark.parametrize("nth", [0, 1, 2])
def test_a_decision_on_one_row_of_an_item_labels_every_pair_of_it(tmp_path, capsys, nth):
    _ward_files(tmp_path / "wh")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    filled = _decide_csv(source, tmp_path / "labels.csv", {_rows_of(table, AB)[nth]: "no_match"})
    same, different = _read_verdicts(filled, "--labels")
    assert same.height == 0
    assert sorted(different.rows()) == AB_PAIRS  # the pipeline's review stage labels these three (match_labels)
    err = capsys.readouterr().err
    assert "1 decided item(s), 3 record pair(s)" in err and "1 item(s) not decided yet" in err
    assert "p#" not in err  # never a record key


def test_the_pipeline_and_the_cli_label_the_same_pairs(tmp_path):
    keys = _ward_files(tmp_path / "wh")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    decided = {_rows_of(table, AB)[1]: "match", _rows_of(table, CD)[0]: "no_match"}
    filled = _decide_csv(source, tmp_path / "decisions" / "match_pair.csv", decided)
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=keys, today=DAY)
    audit, _ = append_audit(None, loaded.rows, NOW)
    labels = match_labels(effective_decisions(audit, keys))
    same, different = _read_verdicts(filled, "--labels")
    by_label = {k: sorted(g.select("left_id", "right_id").rows()) for (k,), g in labels.group_by("label")}
    assert by_label == {"match": sorted(same.rows()), "no_match": sorted(different.rows())}
    assert len(by_label["match"]) == 3 and len(by_label["no_match"]) == 1


def test_the_workbook_is_read_as_the_pipeline_reads_it(tmp_path):
    """review_<ward>.xlsx: one sheet per kind, a Vietnamese header row above the English one. It was refused (its first
    sheet, quarantined_row, read: 'needs columns left_id and right_id'); an official's decision filled down every row
    of the item, as the pipeline's test does."""
    import xlsxwriter

    _ward_files(tmp_path / "wh", headers="both")
    book = fastexcel.read_excel(str(tmp_path / "wh" / "wards" / WARD / f"review_{WARD}.xlsx"))
    target = tmp_path / "filled.xlsx"
    with xlsxwriter.Workbook(str(target)) as out:
        for name in book.sheet_names:
            grid = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
            cells = [["" if v is None else v for v in row] for row in grid.rows()]
            if name == "match_pair":
                header = cells[1]
                for row in cells[2:]:
                    if row[header.index("item_id")] == AB:
                        for column, value in (
                            ("decision", "match"),
                            ("reviewer", "Cán bộ A"),
                            ("decided_on", "5/12/2026"),
                        ):
                            row[header.index(column)] = value
            sheet = out.add_worksheet(name)
            for r, row in enumerate(cells):
                sheet.write_row(r, 0, row)
    same, different = _read_verdicts(target, "--labels")
    assert sorted(same.rows()) == AB_PAIRS and different.height == 0


def test_a_csv_with_vietnamese_headers_is_read(tmp_path):
    _ward_files(tmp_path / "wh", headers="vi")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    filled = table.with_columns(
        pl.when(pl.col("Mã mục") == CD).then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
        for c, v in (("Quyết định", "no_match"), ("Người duyệt", "Cán bộ A"), ("Ngày quyết định", str(DAY)))
    )
    filled.write_csv(tmp_path / "vi.csv")
    same, different = _read_verdicts(tmp_path / "vi.csv", "--labels")
    assert same.height == 0 and different.rows() == [("p#6", "p#7")]


def test_rows_of_one_item_giving_different_decisions_are_refused_and_named(tmp_path, capsys):
    _ward_files(tmp_path / "wh")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    ab = _rows_of(table, AB)
    filled = _decide_csv(
        source, tmp_path / "labels.csv", {ab[0]: "match", ab[2]: "no_match", _rows_of(table, CD)[0]: "match"}
    )
    same, different = _read_verdicts(filled, "--labels")
    assert same.rows() == [("p#6", "p#7")] and different.height == 0  # nothing of the item is applied
    err = capsys.readouterr().err
    assert f"rows {ab[0] + 2}, {ab[2] + 2} of item {AB} give different decisions" in err  # (text.numbered)
    assert "1 item(s) whose rows give different decisions" in err


def test_a_plain_pairs_file_is_read_as_before(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("left_id,right_id,decision\nA1,B2,match\nC3,D4,no_match\n", encoding="utf-8")
    same, different = _read_verdicts(path, "--labels")
    assert same.rows() == [("A1", "B2")] and different.rows() == [("C3", "D4")]


def test_match_with_a_ward_file_refuses_every_pair_of_a_no_match_item(tmp_path):
    """End to end: the tiny customers table; one item joins two prospective entities by two record pairs that link on
    their evidence. 'no_match' written on one row of it: both pairs are refused as the reviewer's."""
    frame = pl.read_csv(REPO / "docs" / "examples" / "customers.csv", infer_schema=False)
    wanted = ["C00571-9", "C00571", "C01102-0", "C01102", "C00286"]
    tiny = tmp_path / "tiny.csv"
    frame.filter(pl.col("customer_id").is_in(wanted)).write_csv(tiny)
    lineage = pl.DataFrame(
        {"record_key": ["C00571-9", "C01102-0", "C00571", "C01102"], "entity_id": ["A", "A", "B", "B"]}
    )
    pairs = [("C00571-9", "C00571", 0.6), ("C01102-0", "C01102", 0.5)]
    _ward_files(tmp_path / "wh", pairs=pairs, lineage=lineage)
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    labels = _decide_csv(source, tmp_path / "labels.csv", {1: "no_match"})
    out = tmp_path / "out.csv"
    spec = REPO / "docs" / "examples" / "customers.toml"
    args = ["match", "--input", str(tiny), "--spec", str(spec), "--output", str(out), "--labels", str(labels)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "1 decided item(s), 2 record pair(s)" in done.output
    table = pl.read_csv(out.with_name("out.pairs.csv"), infer_schema=False)
    ends = pl.min_horizontal("left_id", "right_id") + "|" + pl.max_horizontal("left_id", "right_id")
    reasons = dict(table.select(ends.alias("k"), "decision_reason").rows())
    assert reasons["C00571|C00571-9"] == reasons["C01102|C01102-0"] == "reviewer: different entities"


# ------------------------------------------------------------ 2. a pair that joined the item after the file was written


def test_a_pair_that_joined_the_item_after_the_file_was_written_is_not_labelled_unseen(tmp_path):
    """Run 1 publishes A~B with three record pairs; the official fills in that file. Run 2 publishes A~B again with a
    fourth pair (p#1 ~ p#4: the item keeps its id, its smallest pair is the same), before the decision is read. The
    decision read after run 2 labelled all four pairs: p#1 ~ p#4 was never shown to the official."""
    run1 = _ward_files(tmp_path / "run1")
    later = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    run2 = _ward_files(tmp_path / "run2", pairs=[*PAIRS, ("p#1", "p#4", 0.6)], now=later, previous=run1)
    assert run2.filter(pl.col("item_id") == AB)["more_left_ids"].list.len().item() == 3  # same id, 4 pairs
    old = tmp_path / "run1" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(old, infer_schema=False)
    filled = _decide_csv(old, tmp_path / "decisions" / "match_pair.csv", {_rows_of(table, AB)[0]: "no_match"})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run2, today=DAY)
    assert loaded.rows.height == 0  # not applied: the item stays open, with all its pairs in this run's files
    (error,) = loaded.errors.rows(named=True)
    assert error["field"] == "decision" and AB in error["cause"]
    assert "holds 4 record pairs, the file shows 3" in error["cause"]
    assert "p#" not in error["cause"]
    audit, _ = append_audit(None, loaded.rows, NOW)
    assert match_labels(effective_decisions(audit, run2)).height == 0


def test_a_pair_that_replaced_another_after_the_file_was_written_is_not_labelled_unseen(tmp_path):
    """As many pairs as before, one of them new (HV8): run 1 publishes A~B as p#1~p#2, p#3~p#4, p#4~p#5; run 2 as
    p#1~p#2, p#3~p#4, p#1~p#4 (p#4~p#5 left the item, p#1~p#4 joined it; same id). The file filled in after run 1
    shows all three of its rows, so p#1~p#4 was never shown: counting pairs alone (3 held, 3 in the file) let the
    decision label it."""
    run1 = _ward_files(tmp_path / "run1")
    later = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    swapped = [p for p in PAIRS if p[:2] != ("p#5", "p#4")] + [("p#1", "p#4", 0.6)]
    run2 = _ward_files(tmp_path / "run2", pairs=swapped, now=later, previous=run1)
    assert run2.filter(pl.col("item_id") == AB)["more_left_ids"].list.len().item() == 2  # same id, 3 pairs
    old = tmp_path / "run1" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(old, infer_schema=False)
    filled = _decide_csv(old, tmp_path / "decisions" / "match_pair.csv", {_rows_of(table, AB)[0]: "no_match"})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run2, today=DAY)
    assert loaded.rows.height == 0  # not applied: the item stays open
    (error,) = loaded.errors.rows(named=True)
    assert error["field"] == "decision" and "holds 3 record pairs, the file shows 3, 1 of them not" in error["cause"]
    audit, _ = append_audit(None, loaded.rows, NOW)
    assert match_labels(effective_decisions(audit, run2)).height == 0


def test_the_same_decision_on_the_current_file_labels_every_pair(tmp_path):
    run1 = _ward_files(tmp_path / "run1")
    later = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    run2 = _ward_files(tmp_path / "run2", pairs=[*PAIRS, ("p#1", "p#4", 0.6)], now=later, previous=run1)
    new = tmp_path / "run2" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(new, infer_schema=False)
    filled = _decide_csv(new, tmp_path / "decisions" / "match_pair.csv", {_rows_of(table, AB)[3]: "no_match"})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=run2, today=DAY)
    assert loaded.errors.height == 0 and loaded.rows["item_id"].to_list() == [AB]
    audit, _ = append_audit(None, loaded.rows, NOW)
    assert sorted(match_labels(effective_decisions(audit, run2)).select("left_id", "right_id").rows()) == sorted(
        [*AB_PAIRS, ("p#1", "p#4")]
    )


def only_the_decided_row(root: Path, folder: Path) -> pl.DataFrame:
    """The ward files of PAIRS written under ``root``; in ``folder`` the official's file holding only the row they
    decided ('match' on AB's third row, the item's other rows deleted). The items' keys."""
    keys = _ward_files(root)
    source = root / "wards" / WARD / "match_pair.csv"
    at = _rows_of(pl.read_csv(source, infer_schema=False), AB)[2]
    _decide_csv(source, folder / "all.csv", {at: "match"})
    pl.read_csv(folder / "all.csv", infer_schema=False).slice(at, 1).write_csv(folder / "one.csv")
    (folder / "all.csv").unlink()
    return keys


def test_rows_deleted_from_a_current_file_are_no_unseen_pairs(tmp_path):
    """An official who keeps only the row they decided (the others deleted) saw every pair: the file's record_pairs
    says how many the item held when it was written."""
    folder = tmp_path / "decisions"
    keys = only_the_decided_row(tmp_path / "wh", folder)
    loaded = load_decisions(folder, ward_codes={WARD}, items=keys, today=DAY)
    assert loaded.errors.height == 0 and loaded.rows["item_id"].to_list() == [AB]


# --------------------------------------------- 3. a new record joining both sides of a no_match is queued, saying why


def test_a_new_pair_across_a_no_match_is_queued_naming_the_reviewers_decision(tmp_path):
    """A reviewer judged C00571-9 and C00571 different; a new record (a copy of C00571) links strongly to both. The
    weaker of its two links is refused and queued: its reason said 'records whose evidence says they differ' (p=0.9996:
    the evidence says the opposite); it is a reviewer's decision that keeps them apart, and the reason says so."""
    frame = pl.read_csv(REPO / "docs" / "examples" / "customers.csv", infer_schema=False)
    tiny = frame.filter(pl.col("customer_id").is_in(["C00571-9", "C00571", "C01102-0", "C01102", "C00286"]))
    copy = tiny.filter(pl.col("customer_id") == "C00571").with_columns(customer_id=pl.lit("C00571-N"))
    pl.concat([tiny, copy]).write_csv(tmp_path / "tiny.csv")
    (tmp_path / "labels.csv").write_text("left_id,right_id,label\nC00571-9,C00571,no_match\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    spec = REPO / "docs" / "examples" / "customers.toml"
    args = ["match", "--input", str(tmp_path / "tiny.csv"), "--spec", str(spec), "--output", str(out)]
    done = CliRunner().invoke(main, [*args, "--labels", str(tmp_path / "labels.csv")])
    assert done.exit_code == 0, done.output
    review = pl.read_csv(out.with_name("out.review.csv"), infer_schema=False)
    queued = review.filter(
        pl.col("left_id").is_in(["C00571-9", "C00571-N"]) & pl.col("right_id").is_in(["C00571-9", "C00571-N"])
    )
    assert queued["decision_reason"].to_list() == [
        "chaining guard: would put together records a reviewer judged different"
    ]


def test_the_queued_item_names_the_no_match_decision_that_keeps_it_apart(tmp_path):
    """The pipeline: A ~ B decided no_match (item AB); a new record p#9 of A links strongly to p#2 of B, the guard
    refuses it (a reviewer judged A and B different) and it is queued as an item of its own. Its summary names the
    decision that keeps it apart (item AB), so the official sees what they decided and may change it."""
    from pipelines.match.cluster import REVIEWERS_APART
    from pipelines.review.queues import reviewers_apart

    keys = _ward_files(tmp_path / "wh")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    table = pl.read_csv(source, infer_schema=False)
    filled = _decide_csv(source, tmp_path / "decisions" / "d.csv", {_rows_of(table, AB)[0]: "no_match"})
    loaded = load_decisions(filled.parent, ward_codes={WARD}, items=keys, today=DAY)
    audit, _ = append_audit(None, loaded.rows, NOW)
    decisions = effective_decisions(audit, keys)
    # the next run: the decided pairs are vetoed (not queued); the new pair p#2 ~ p#9 refused by the guard
    lineage = pl.concat([LINEAGE, pl.DataFrame({"record_key": ["p#9"], "entity_id": ["A"]})])
    review = people_review([("p#2", "p#9", 0.99), ("p#6", "p#7", 0.4)]).with_columns(
        pl.when(pl.col("right_id") == "p#9").then(pl.lit("refused")).otherwise(pl.col("decision")).alias("decision"),
        pl.when(pl.col("right_id") == "p#9").then(pl.lit(REVIEWERS_APART)).alias("decision_reason"),
    )
    inputs = ReviewInputs(
        staged={
            "population": pl.DataFrame({"record_key": ["p#2", "p#9", "p#6", "p#7"], "new_uid": [f"2025:{WARD}"] * 4})
        },
        quarantine={},
        review={"people": review},
        ward_names=pl.DataFrame(),
        entity_of={"people": lineage},
    )
    items, rows = match_pair_rows(inputs)
    apart = dict(reviewers_apart(items, rows, inputs.entity_of, decisions).rows())
    new_item = items.filter(pl.col("right_id") == "p#9")["item_id"].item()
    assert set(apart) == {new_item}  # C ~ D is no business of the decision
    assert AB in apart[new_item] and "no_match" in apart[new_item] and str(DAY) in apart[new_item]
    assert "p#" not in apart[new_item]


@pytest.mark.parametrize(
    ("suffix", "encoding", "separator"), [(".txt", "utf-16", "\t"), (".csv", "cp1258", ";"), (".csv", "utf-8-sig", ",")]
)
def test_a_ward_file_saved_again_by_excel_is_read_as_a_ward_file(tmp_path, suffix, encoding, separator):
    """Excel on a Vietnamese Windows saves 'Unicode text' (UTF-16, tabs, .txt) or plain 'CSV' (Windows-1258, ';'):
    still a ward file, its item's decision labelling every pair (the header is looked for in the file's first lines
    before the whole file is read; a UTF-16 file is read whole)."""
    import csv
    import io

    from pipelines.encodings import encode_cp1258

    _ward_files(tmp_path / "wh", headers="both")
    source = tmp_path / "wh" / "wards" / WARD / "match_pair.csv"
    cells = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"), newline="")))
    header = cells[1]
    for row in cells[2:]:
        if row[header.index("item_id")] == AB and row[header.index("pair_no")] == "2":
            row[header.index("decision")] = "no_match"
            row[header.index("reviewer")] = "Cán bộ Ánh"
            row[header.index("decided_on")] = "05/12/2026"
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(cells)
    target = tmp_path / f"saved{suffix}"
    target.write_bytes(encode_cp1258(out.getvalue()) if encoding == "cp1258" else out.getvalue().encode(encoding))
    same, different = _read_verdicts(target, "--labels")
    assert same.height == 0 and sorted(different.rows()) == AB_PAIRS
