"""Clerk errors on the duplicates of households, businesses and taxpayers (pipelines.synth.registry_noise)."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import polars as pl
import pytest

from pipelines.synth.registries import SynthConfig, generate, sample_units
from pipelines.synth.registry_noise import NOISE, _error, put_noise, several_rows, strip_accents


def test_strip_accents_keeps_case():
    assert strip_accents("Đỗ Thị Ánh Nguyệt") == "Do Thi Anh Nguyet"
    assert strip_accents("đường") == "duong"


def test_digit_error_never_in_the_branch_suffix():
    rnd = random.Random(1)
    for _ in range(300):
        out = _error("0312345678-001", "digit", rnd)
        assert out.endswith("-001") and out != "0312345678-001"
        assert sum(a != b for a, b in zip(out, "0312345678-001", strict=True)) == 1


def test_date_error_not_after_the_latest_date():
    rnd, latest = random.Random(2), date(2025, 8, 31)
    outs = [_error(date(2025, 8, 30), "date", rnd, latest) for _ in range(200)]
    assert all(o <= latest and o != date(2025, 8, 30) for o in outs)
    # without the bound a shift of a year or ten days forward happens
    free = [_error(date(2025, 8, 30), "date", rnd) for _ in range(200)]
    assert any(o > latest for o in free)


@pytest.mark.parametrize("day", [date(2025, 8, 9), date(2025, 3, 12), date(2025, 8, 5)])
def test_a_day_month_swap_is_not_after_the_latest_date_either(day):
    """Day <= 12: the swap path runs (2025-08-09 swapped is 2025-09-08, after an extract of 2025-08-31)."""
    rnd, latest = random.Random(4), date(2025, 8, 31)
    outs = [_error(day, "date", rnd, latest) for _ in range(300)]
    assert all(o <= latest and o != day for o in outs)
    swapped = date(day.year, day.day, day.month)
    assert (swapped in outs) == (swapped <= latest)  # the swap is still made where it stays before the extract


def test_put_noise_touches_only_chosen_rows_and_labels_them():
    n = 400
    frame = pl.DataFrame(
        {
            "household_no": [f"{i:09d}" for i in range(n)],
            "head_name": ["Nguyễn Văn Đức"] * n,
            "head_personal_id": [f"0790{i:08d}" for i in range(n)],
            "members": [3] * n,
            "registered_on": [date(2010, 5, 20)] * n,
        }
    )
    chosen = np.arange(n) % 2 == 1
    out, labels = put_noise("households", frame, chosen, random.Random(5))
    assert out.schema == frame.schema
    assert labels.filter(pl.Series(~chosen)).eq("").all()
    assert labels.filter(pl.Series(chosen)).ne("").all()
    for row, label in enumerate(labels.to_list()):
        before, after = frame.row(row, named=True), out.row(row, named=True)
        if not label:
            assert before == after
            continue
        cats = label.split("; ")
        assert 1 <= len(cats) <= 2 and set(cats) <= set(NOISE["households"])
        changed = {c for c in before if before[c] != after[c]}
        # every changed column is named by a category, and every category changed its column
        assert changed == {NOISE["households"][c][0] for c in cats}, (label, before, after)
    counts = labels.filter(labels != "").str.split("; ").explode().value_counts()
    assert counts.height == len(NOISE["households"])  # every category used on 200 rows


def _clean_frame(registry: str, n: int) -> pl.DataFrame:
    """Rows for ``registry``'s noise columns: a fifth of the values missing where a category can blank them,
    names with doubled letters and names without accents, dates that a day/month swap would push too late."""
    rng = np.random.default_rng(8)
    names = ["Nguyễn Văn Đức", "Hoàng Thị Loan", "Lê Văn Anh", "Nguyen Thi Hoa", "Tiệm Tạp Hoá Ngọc Anh", "Hồ Văn Mmm"]
    columns: dict[str, list] = {}
    for column, kind in NOISE[registry].values():
        blank = any(k == "null" for c, k in NOISE[registry].values() if c == column)
        if kind in ("typo", "unaccent"):
            values = [names[i % len(names)] for i in range(n)]
        elif kind == "date":
            values = [date(2025, 8, 9)] * n
        elif kind == "plus_one":
            values = rng.integers(1, 6, n).tolist()
        else:
            values = [f"0{d:011d}" for d in rng.integers(0, 10**11, n)]
        if blank:
            values = [None if i % 5 == 0 else v for i, v in enumerate(values)]
        columns.setdefault(column, values)
    return pl.DataFrame(columns)


@pytest.mark.parametrize("registry", list(NOISE))
def test_every_labelled_error_was_made(registry):
    """A label names an error only when its column differs from the clean value: a typo's new letter is never the
    old one, nor a swap of two equal letters; an ID already missing gets no 'missing' or 'typo' label; a name
    without accents no 'unaccented' one."""
    n = 3000
    frame = _clean_frame(registry, n)
    out, labels = put_noise(registry, frame, np.ones(n, bool), random.Random(7), None, date(2025, 8, 31))
    labelled = 0
    for category, (column, _) in NOISE[registry].items():
        has = labels.str.split("; ").list.contains(category)
        before, after = frame[column].filter(has), out[column].filter(has)
        unchanged = (before.is_null() & after.is_null()) | (before == after).fill_null(False)
        assert has.sum() > 50 and not unchanged.any(), (category, int(unchanged.sum()), int(has.sum()))
        labelled += int(has.sum())
    # and every change is labelled: a column that differs is named by a category of its row
    for column in frame.columns:
        changed = ~((frame[column].is_null() & out[column].is_null()) | (frame[column] == out[column]).fill_null(False))
        named = np.logical_or.reduce(
            [
                labels.str.split("; ").list.contains(c).to_numpy()
                for c, (col, _) in NOISE[registry].items()
                if col == column
            ]
        )
        assert not (changed.to_numpy() & ~named).any(), column
    assert (labels != "").sum() > 0.95 * n and labelled >= n
    if "registered_on" in frame.columns:
        assert (out["registered_on"] <= date(2025, 8, 31)).all()


def test_several_rows_only_groups_of_more_than_one():
    group = np.array([0, 0, 1, 2, 2, 2, 3])
    picked = several_rows(group, 1.0, random.Random(0))
    assert picked.tolist() == [True, True, False, True, True, True, False]
    assert not several_rows(group, 0.0, random.Random(0)).any()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("noise")
    generate(SynthConfig(people=3000, seed=11, unit_uids=sample_units(), progress=False), out)
    return out


def test_generated_duplicates_carry_labelled_clerk_errors(generated):
    households = pl.read_parquet(generated / "truth" / "households.parquet")
    assert (households.filter(~pl.col("is_duplicate"))["noise"] == "").all()
    dups = households.filter(pl.col("is_duplicate"))
    assert dups.height > 10 and (dups["noise"] != "").all()
    businesses = pl.read_parquet(generated / "truth" / "businesses.parquet")
    assert (businesses.filter(~pl.col("is_duplicate"))["noise"] == "").all()
    assert (businesses.filter(pl.col("is_duplicate"))["noise"] != "").all()
    tax = pl.read_parquet(generated / "truth" / "tax.parquet")
    noisy = tax.filter(pl.col("noise") != "")
    assert noisy.height > 5
    # only rows of a taxpayer with several rows
    sizes = tax.group_by("business_id").len()
    assert noisy.join(sizes, on="business_id")["len"].min() > 1


def test_pairs_without_clerk_errors_are_scored_as_none():
    """true_pair_recall per category: a true pair neither of whose records was touched is 'none'
    (it had been left out of the per-category table: the when/then column was added unnamed)."""
    from pipelines.match.evaluate import true_pair_recall

    records = pl.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e"],
            "entity_id": ["1", "1", "2", "2", "3"],
            "true": ["x", "x", "y", "y", "y"],
            "noise": ["", None, "book_no_typo", "", ""],
        }
    )
    pairs = pl.DataFrame(
        {"left_id": ["a", "c"], "right_id": ["b", "d"], "blocked_by": ["r", "r"], "decision": ["link"] * 2}
    )
    cats = {r["category"]: r for r in true_pair_recall(records, pairs, "true", "noise")["categories"].to_dicts()}
    assert set(cats) == {"all", "book_no_typo", "none"}
    assert cats["none"]["true_pairs"] == 2 and cats["none"]["recall"] == 0.5  # (a, b) linked, (d, e) not
    assert cats["book_no_typo"]["true_pairs"] == 2 and cats["all"]["true_pairs"] == 4
