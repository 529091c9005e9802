"""`wardbridge match --labels`: files as reviewers hand them in (an audit).

A pair judged both 'same' and 'different' reached the matcher as both, 'different' winning (the safer verdict)
without a word: the user never learnt that a verdict of theirs was overruled;
a labels CSV saved by a Vietnamese Excel (Windows-1258, ';' between fields) was refused as not UTF-8, or
with ';' as 'needs columns left_id and right_id'."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import _read_verdicts, main

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "docs" / "examples" / "customers.toml"


def _customers(tmp_path: Path) -> Path:
    frame = pl.read_csv(REPO / "docs" / "examples" / "customers.csv", infer_schema=False)
    wanted = ["C00571-9", "C00571", "C01102-0", "C01102", "C00286"]
    path = tmp_path / "tiny.csv"
    frame.filter(pl.col("customer_id").is_in(wanted)).write_csv(path)
    return path


def _match_with_labels(tmp_path: Path, labels_text: str):
    """`wardbridge match` of the tiny customers table with these labels; the CLI's result and its --output path."""
    labels = tmp_path / "labels.csv"
    labels.write_text(labels_text, encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["match", "--input", str(_customers(tmp_path)), "--spec", str(SPEC), "--output", str(out)]
    done = CliRunner().invoke(main, [*args, "--labels", str(labels)])
    assert done.exit_code == 0, done.output
    return done, out


def test_a_pair_judged_both_ways_is_said(tmp_path, capsys):
    path = tmp_path / "labels.csv"
    # the conflicting pair written once in each order; another pair decided once
    path.write_text(
        "left_id,right_id,label\nA1,B2,same\nC3,D4,different\nB2,A1,different\nE5,F6,same\n", encoding="utf-8"
    )
    same, different = _read_verdicts(path, "--labels")
    assert same.rows() == [("A1", "B2"), ("E5", "F6")]  # the engine reads a pair in both as different
    assert different.rows() == [("C3", "D4"), ("B2", "A1")]
    err = capsys.readouterr().err
    assert "1 pairs judged both same and different (2 rows, the first at record 1 after the header)" in err
    assert "read as different" in err
    assert "A1" not in err and "B2" not in err


def test_a_pair_judged_twice_the_same_way_is_no_conflict(tmp_path, capsys):
    path = tmp_path / "labels.csv"
    path.write_text("left_id,right_id,label\nA1,B2,same\nB2,A1,match\n", encoding="utf-8")
    same, different = _read_verdicts(path, "--labels")
    assert same.height == 2 and different.height == 0
    assert "judged both" not in capsys.readouterr().err


def test_conflicting_verdicts_refuse_the_pair_and_say_so(tmp_path):
    """End to end: the pair's evidence links it (it links with no labels); judged both ways it is refused as
    'reviewer: different entities', and the run says why."""
    done, out = _match_with_labels(tmp_path, "left_id,right_id,label\nC00571-9,C00571,same\nC00571,C00571-9,no_match\n")
    assert "1 pairs judged both same and different" in done.output
    pairs = pl.read_csv(out.with_name("out.pairs.csv"), infer_schema=False)
    pair = pairs.filter((pl.col("left_id") == "C00571-9") & (pl.col("right_id") == "C00571"))
    assert pair["decision_reason"].to_list() == ["reviewer: different entities"]


def test_a_labels_file_from_a_vietnamese_excel_is_read(tmp_path, capsys):
    path = tmp_path / "labels.csv"
    text = "left_id;right_id;label;ghi_chú\nA1;B2;same;Cùng\nC3;D4;different;Khác\n"
    path.write_bytes(text.encode("cp1258"))
    same, different = _read_verdicts(path, "--labels")
    assert same.rows() == [("A1", "B2")] and different.rows() == [("C3", "D4")]
    assert "read as cp1258" in capsys.readouterr().err


def test_the_summary_counts_add_up_with_pairs_beyond_blocking(tmp_path):
    """Reviewers' pairs no rule proposed (and the guard's pairs) are decided in the pair table: the summary said
    'candidate pairs 2: link 2, review 0, non-match 2, refused by the chaining guard 1' (5 decisions of 2 pairs)."""
    import re

    done, out = _match_with_labels(tmp_path, "left_id,right_id,label\nC00286,C01102,same\nC00286,C00571,different\n")
    line = next(x for x in done.output.splitlines() if x.startswith("candidate pairs"))
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]
    candidates, added, *decided = numbers
    rows = pl.read_csv(out.with_name("out.pairs.csv"), infer_schema=False).height
    assert candidates + added == sum(decided) == rows, line


def test_a_pair_judged_different_is_not_queued_for_review_again(tmp_path):
    """Its evidence links it, a reviewer said different: refused ('reviewer: different entities'), and it stayed in
    .review (in the pipeline entities.<kind>_review: the summary's 'match review' counted decided pairs)."""
    done, out = _match_with_labels(tmp_path, "left_id,right_id,label\nC00571-9,C00571,different\n")
    pairs = pl.read_csv(out.with_name("out.pairs.csv"), infer_schema=False)
    vetoed = pairs.filter(pl.col("left_id") == "C00571-9")
    assert vetoed.select("decision", "decision_reason").rows() == [("refused", "reviewer: different entities")]
    review = pl.read_csv(out.with_name("out.review.csv"), infer_schema=False)
    assert "C00571-9" not in review["left_id"].to_list() + review["right_id"].to_list()
    assert review.height == pairs.filter(pl.col("decision").is_in(["review", "refused"])).height - 1
