"""Resolver accuracy on 20,000 generated messy addresses with known truth.

The truth comes from pipelines.synth.addresses (reference crosswalk + a synthetic
gazetteer that the resolver is given too); nothing here is tuned to the resolver.
On failure the assertion message lists examples per mess type.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.reference import load_reference
from pipelines.resolve import resolve_addresses
from pipelines.synth.addresses import (
    NON_SPLIT_MESS_TYPES,
    evaluate,
    generate_addresses,
    row_correct,
    write_synthetic_gazetteer,
)

N = 20_000
SEED = 2025
MIN_NON_SPLIT = 0.995


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.csv"
    write_synthetic_gazetteer(path, SEED)
    reference = load_reference(gazetteers=(path,))
    truth = generate_addresses(N, seed=SEED, reference=reference)
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
