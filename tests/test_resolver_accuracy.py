"""Resolver accuracy on 24,000 generated messy addresses (old form and 2025 form) with known truth.

The truth comes from pipelines.synth.addresses (reference crosswalk + a synthetic
gazetteer that the resolver is given too); nothing here is tuned to the resolver.
On failure the assertion message lists examples per mess type.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.resolve import resolve_addresses
from pipelines.synth.addresses import (
    ALL_MESS_TYPES,
    HARD_OLD_MESS_TYPES,
    NEW_FORM_MESS_TYPES,
    NON_SPLIT_MESS_TYPES,
    evaluate,
    row_correct,
)
from tests.resolvehelpers import generated_addresses, synthetic_reference

N = 24_000
SEED = 2025
MIN_NON_SPLIT = 0.995


@pytest.fixture(scope="module")
def run() -> tuple[pl.DataFrame, pl.DataFrame]:
    reference, _ = synthetic_reference(SEED)
    truth = generated_addresses(N, SEED, ALL_MESS_TYPES)
    resolved = resolve_addresses(truth["address"], reference)
    assert resolved.height == truth.height
    assert resolved["input"].equals(truth["address"].alias("input"), null_equal=True), "output must keep input order"
    return truth, resolved


@pytest.fixture(scope="module")
def rows(run) -> pl.DataFrame:
    return row_correct(*run)


def _examples(frame: pl.DataFrame, k: int = 5) -> str:
    lines = []
    for (mess,), g in frame.group_by("mess_type", maintain_order=True):
        lines.append(f"{mess}: {g.height}")
        for r in (
            g.head(k).select("address", "mess_detail", "true_new_uid", "status", "got_new_uid", "reason").iter_rows()
        ):
            lines.append(f"    {r}")
    return "\n".join(lines)


def test_non_split_accuracy(run, rows):
    non_split = rows.filter(pl.col("mess_type").is_in(NON_SPLIT_MESS_TYPES))
    rate = non_split["correct"].mean()
    with pl.Config(tbl_rows=30):
        table = str(evaluate(*run))
    assert rate >= MIN_NON_SPLIT, f"{rate:.4f} < {MIN_NON_SPLIT}\n{table}\n" + _examples(
        non_split.filter(~pl.col("correct"))
    )


def test_split_candidates_always_contain_truth(rows):
    split = rows.filter(pl.col("is_split"))
    assert split.height > 0
    bad = split.filter(~pl.col("candidates_contain_truth").fill_null(False))
    assert bad.height == 0, _examples(bad)


def test_split_rows_resolved_or_sent_to_review(rows):
    split = rows.filter(pl.col("mess_type").is_in(["split_evidence", "split_no_evidence"]))
    rate = split["correct"].mean()
    assert rate >= MIN_NON_SPLIT, f"{rate:.4f}\n" + _examples(split.filter(~pl.col("correct")))


def test_no_wrong_exact_answer(rows):
    wrong = rows.filter(pl.col("wrong_exact"))
    assert wrong.height == 0, _examples(wrong, k=10)


def test_bad_input_unresolved_with_reason(rows):
    bad = rows.filter(pl.col("mess_type") == "bad_input")
    assert bad.height > 100
    failed = bad.filter(
        (pl.col("status") != "unresolved") | pl.col("reason").is_null() | (pl.col("reason").str.strip_chars() == "")
    )
    assert failed.height == 0, _examples(failed)


def test_2025_form_accuracy(run, rows):
    new_form = rows.filter(pl.col("mess_type").is_in(NEW_FORM_MESS_TYPES))
    assert set(new_form["mess_type"]) == set(NEW_FORM_MESS_TYPES) and new_form.height > 4000
    rate = new_form["correct"].mean()
    with pl.Config(tbl_rows=40):
        table = str(evaluate(*run))
    assert rate >= MIN_NON_SPLIT, f"{rate:.4f}\n{table}\n" + _examples(new_form.filter(~pl.col("correct")))
    # 2025-form rows that are read are read as the 2025 form, with the ward as their one candidate
    read = new_form.filter(pl.col("status").is_in(["exact", "fuzzy"]) & (pl.col("mess_type") != "new_both_schemes"))
    assert (read["got_old_uid"].is_null()).all()


def test_names_of_both_schemes_go_to_review_with_every_reading(rows):
    both = rows.filter(pl.col("mess_type") == "new_both_schemes")
    assert both.height > 100
    wrong = both.filter((pl.col("status") != "scheme_review") | ~pl.col("correct"))
    assert wrong.height == 0, _examples(wrong)
    assert (both["got_candidates"].list.len() >= 2).all()


def test_a_date_after_the_reform_reads_names_of_both_schemes_in_the_2025_form(run):
    truth, _ = run
    both = truth.filter(pl.col("mess_type") == "new_both_schemes")
    after = resolve_addresses(both["address"], as_of="2025-08-15")  # the reference of mappings/ (default index)
    got = pl.concat([both.select("true_new_uid"), after.select("new_uid", "status", "scheme")], how="horizontal")
    wrong = got.filter((pl.col("new_uid") != pl.col("true_new_uid")) | pl.col("new_uid").is_null())
    assert wrong.height == 0, wrong.head(10)
    assert set(got["status"]) == {"fuzzy"} and set(got["scheme"]) == {"2025"}  # decided by a date: never exact


def test_hard_old_form_accuracy(run, rows):
    """No commas nor ward marker, district without type, the other i/y spelling (issue 11 §2)."""
    hard = rows.filter(pl.col("mess_type").is_in(HARD_OLD_MESS_TYPES))
    assert set(hard["mess_type"]) == set(HARD_OLD_MESS_TYPES) and hard.height > 500
    rate = hard["correct"].mean()
    assert rate >= MIN_NON_SPLIT, f"{rate:.4f}\n" + _examples(hard.filter(~pl.col("correct")))
    # a ward read without its marker is never exact
    unmarked = hard.filter(pl.col("reason").str.contains("without marker"))
    assert unmarked.height > 0 and (unmarked["status"] != "exact").all()
