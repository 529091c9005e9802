"""Blocking's shortcuts give the pairs a plain computation gives: a rule with ``missing`` sorts only the rows of
blocks that may hold a record missing the column (``_maybe_in_blocks_of``), a record's row is its position only when
the row numbers are positions (``_rows_are_positions``), and a rule whose column no record misses pairs nothing."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl

import pipelines.match.blocking as blocking
from pipelines.match.blocking import candidate_pairs, rule_key_chunks, rule_key_codes
from pipelines.match.prepare import ROW, prepare
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures
from tests.test_match_speed import _reference_rule_pairs


def _per_rule(pairs: pl.DataFrame, count: int) -> dict[int, set[tuple[int, int]]]:
    found: dict[int, set[tuple[int, int]]] = {i: set() for i in range(count)}
    for l, r, bits in pairs.iter_rows():  # noqa: E741 - the pair's sides
        for i in range(count):
            if bits >> i & 1:
                found[i].add((l, r))
    return found


def test_rows_that_may_share_a_chosen_rows_key_are_all_kept_and_few_others():
    rng = np.random.default_rng(3)
    key = rng.integers(0, 50_000, 200_000).astype(np.uint64) * np.uint64(7_919)  # blocks of about 4 rows
    chosen = rng.random(len(key)) < 0.01
    keep = blocking._maybe_in_blocks_of(key, chosen)
    assert keep is not None
    assert np.isin(key, key[chosen]).sum() == (keep & np.isin(key, key[chosen])).sum()  # every row of those blocks
    assert keep.mean() < 0.15  # (about 4 % of rows are in such blocks; a bucket of 16 a chosen row adds few more)
    assert blocking._maybe_in_blocks_of(key, rng.random(len(key)) < 0.5) is None  # many chosen: all kept


def test_a_rule_with_missing_pairs_the_blocks_of_its_few_gaps_only_and_as_plainly(work, spec, monkeypatch):
    """One record in 40 without a birth date: the rules with ``missing`` sort a cut of their rows; their pairs,
    largest blocks and capped blocks equal the plain computation's (small caps: capped blocks too)."""
    gap = pl.col(ROW) % 40 == 0
    work = work.with_columns(pl.when(~gap).then(pl.col(c)) for c in ("date_of_birth", "birth_date_any_order"))
    rules = tuple(
        dataclasses.replace(rule, max_block=min(rule.max_block, 6), window=2) for rule in spec.blocking if rule.missing
    )
    capped_spec = dataclasses.replace(spec, blocking=rules)
    kept = []
    cut = blocking._maybe_in_blocks_of

    def counted(key, chosen):
        mask = cut(key, chosen)
        kept.append((len(key), None if mask is None else int(mask.sum())))
        return mask

    monkeypatch.setattr(blocking, "_maybe_in_blocks_of", counted)
    pairs, report = candidate_pairs(work, capped_spec)
    assert any(m is not None and m < n // 2 for n, m in kept)  # a cut indeed
    assert report.capped_blocks.height > 0
    assert all(report.pairs_per_rule.values())
    found = _per_rule(pairs, len(rules))
    for i, rule in enumerate(rules):
        assert found[i] == _reference_rule_pairs(work, rule), rule.name
    monkeypatch.setattr(blocking, "_maybe_in_blocks_of", lambda key, chosen: None)  # every row sorted
    whole, whole_report = candidate_pairs(work, capped_spec)
    assert whole.equals(pairs)
    assert whole_report.largest_block == report.largest_block
    assert whole_report.capped_blocks.equals(report.capped_blocks)


def test_a_rule_whose_column_no_record_misses_pairs_nothing(work, spec):
    rule = dataclasses.replace(spec.blocking[0], name="by_name_no_record", on=("name",), missing="record_key")
    assert work["record_key"].null_count() == 0
    keyed = rule_key_codes(work, dataclasses.replace(spec, blocking=(rule,)))
    pieces: list[np.ndarray] = []
    capped, largest = rule_key_chunks(work, rule, pieces.append, keyed)
    assert not sum(len(p) for p in pieces) and capped.height == 0 and largest == 0


def test_row_numbers_that_are_not_positions_are_read(work, spec):
    """A table whose ``_row`` numbers are not 0, 1, ... in order (a part of a larger table, reordered): pairs name
    its row numbers, as the plain computation does."""
    part = work.filter(pl.col(ROW) % 5 != 0).reverse()
    assert not blocking._rows_are_positions(part) and blocking._rows_are_positions(work)
    pairs, _ = candidate_pairs(part, spec)
    found = _per_rule(pairs, len(spec.blocking))
    assert any(found.values())
    for i, rule in enumerate(spec.blocking):
        assert found[i] == _reference_rule_pairs(part, rule), rule.name


def test_whether_row_numbers_are_positions_is_worked_out_once_per_blocking_run(work, spec, monkeypatch):
    """``candidate_pairs`` looks at the row numbers once for all its rules (a pass over every record's: 17 rules at
    1M people, 0.1 CPU s), not once per rule; the pairs of a table whose rows are not positions still name them."""
    calls = []
    check = blocking._rows_are_positions

    def counted(frame):
        calls.append(frame.height)
        return check(frame)

    monkeypatch.setattr(blocking, "_rows_are_positions", counted)
    assert len(spec.blocking) > 2
    candidate_pairs(work, spec)
    assert calls == [work.height]
    part = work.filter(pl.col(ROW) % 5 != 0).reverse()
    calls.clear()
    pairs, _ = candidate_pairs(part, spec)
    assert calls == [part.height]
    found = _per_rule(pairs, len(spec.blocking))
    for i, rule in enumerate(spec.blocking):
        assert found[i] == _reference_rule_pairs(part, rule), rule.name


def test_capped_blocks_are_ordered_as_a_sort_of_the_rows_also_with_missing_and_equal_names(spec):
    """``_window_order`` (text sorted on its distinct values, ranks sorted in numpy) is ``DataFrame.sort``'s order
    by block, ``sort_by`` and row: missing names first, equal names by row; a column not text through the sort."""
    rng = np.random.default_rng(5)
    n = 5_000
    names = pl.Series([None if x % 9 == 0 else f"Nguyễn {'ABCĐÉ'[x % 5]}{x % 37}" for x in rng.integers(0, 400, n)])
    big = pl.DataFrame(
        {
            ROW: rng.permutation(n).astype(np.uint32),
            "_b": np.sort(rng.integers(0, 40, n)),
            "name": names,
            "family": rng.choice(["Lê", "Lê ", "Le", None, "Ân"], n),
            "year": pl.Series(rng.integers(1950, 1960, n)).cast(pl.Int32),
        }
    )
    for sort_by in [("name",), ("family", "name"), ("year", "name"), ()]:
        rule = dataclasses.replace(spec.blocking[0], sort_by=sort_by)
        expected = big.sort(["_b", *sort_by, ROW])
        assert big[blocking._window_order(big, rule)].equals(expected), sort_by


def test_lex_order_is_numpys_lexsort_ties_kept_in_order():
    """``_lex_order`` (a word sort and a radix sort of the blocks) gives ``np.lexsort``'s order, equal rows in their
    order; blocks out of order, too many blocks or keys too wide for one word go to ``np.lexsort``."""
    rng = np.random.default_rng(8)
    for trial in range(400):
        n = int(rng.integers(0, 2_000))
        blocks = np.sort(rng.integers(0, int(rng.integers(1, 60)), n)) * int(rng.integers(1, 100_000))
        if trial % 7 == 0:
            blocks = rng.permutation(blocks)  # out of order
        dtype = [np.uint32, np.int64, np.uint64][trial % 3]
        others = [rng.integers(0, int(rng.integers(1, 3_000)), n).astype(dtype) for _ in range(1 + trial % 3)]
        if trial % 11 == 0 and n:
            others[0][0] = np.iinfo(np.int64).max if dtype != np.uint32 else others[0][0]  # too wide: lexsort
        keys = [*others, blocks]
        assert np.array_equal(blocking._lex_order(keys), np.lexsort(keys)), trial
    many = np.arange(70_000)  # more blocks than 16 bits number
    keys = [rng.integers(0, 5, 70_000).astype(np.uint32), many]
    assert np.array_equal(blocking._lex_order(keys), np.lexsort(keys))


def test_capped_blocks_ordered_by_ranks_from_the_codes_as_by_the_values(spec):
    """The sort column's ranks from the key codes (``_code_ranks``: one value per code sorted, missing first) order
    the rows of capped blocks as the values do; a column whose code 0 is not only missing values is left out."""
    table = background(people=1500, seed=12)
    table = table.with_columns(
        pl.when(pl.int_range(pl.len()) % 13 == 4).then(None).otherwise("full_name").alias("full_name")
    )
    work = prepare(table, spec)
    rule = next(r for r in spec.blocking if r.sort_by == ("name",))
    codes = rule_key_codes(work, spec)
    assert "name" in codes and codes["name"][1] is None
    rng = np.random.default_rng(9)
    rows = rng.choice(work.height, 3_000)  # (rows repeat, as a list rule's records may)
    ranked = blocking._code_ranks(work, ("name",), codes, rows)
    big = work.select(ROW, "name")[pl.Series(rows)].with_columns(pl.Series("_b", np.sort(rng.integers(0, 30, 3_000))))
    assert big["name"].null_count() > 0
    expected = blocking._window_order(big, rule)
    assert np.array_equal(blocking._window_order(big.drop("name"), rule, ranked), expected)
    assert big[expected].equals(big.sort(["_b", "name", ROW], maintain_order=True))
    code, _, count = codes["name"]
    shifted = {"name": (np.where(code == 1, 0, code), None, count)}  # a value coded 0
    assert "name" not in blocking._code_ranks(work, ("name",), shifted, rows[np.isin(code[rows], [0, 1])])
