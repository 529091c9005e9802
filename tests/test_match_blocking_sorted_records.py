"""Blocking's coded rules sort each keyed row's key with its record's position beside it, rows missing a key column
sorted last (a key of the codes' count or more) and cut off there, and give their pairs as ``_merge``'s words at
once (``_pair_words``): the pairs, capped blocks and largest blocks equal the plain computation's on every path:
a stride at a time over several strides, records missing a key column in few records (sorted and cut) and in many
(left out before the sort), list keys with missing lists, a key too wide to share a word with the position (an
argsort), and with ``missing``."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

import pipelines.match.blocking as blocking
from pipelines.match.blocking import candidate_pairs
from pipelines.match.prepare import ROW
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures
from tests.test_match_blocking_shared_runs import _reference_largest
from tests.test_match_speed import _reference_rule_pairs


def _holed(work: pl.DataFrame) -> pl.DataFrame:
    """``work`` with keys missing: the family name in one record in 40 (few: sorted last and cut), the phone in
    most records (many: left out before the sort), the given name's deletions in one in 30 (a missing list); the
    birth date in one in 9 (``missing`` rules' gaps)."""
    return work.with_columns(
        pl.when(pl.col(ROW) % 9 == 4).then(None).otherwise(pl.col("date_of_birth")).alias("date_of_birth"),
        pl.when(pl.col(ROW) % 40 == 3).then(None).otherwise(pl.col("family")).alias("family"),
        pl.when(pl.col(ROW) % 5 != 0).then(None).otherwise(pl.col("phone")).alias("phone"),
        pl.when(pl.col(ROW) % 30 == 7).then(None).otherwise(pl.col("given_deletions")).alias("given_deletions"),
    )


def _rules(spec):
    family = dataclasses.replace(spec.blocking[0], name="family", on=("family",), max_block=20, window=3)
    return (
        *spec.blocking,
        family,
        dataclasses.replace(family, name="family_no_middle", missing="middle"),
        dataclasses.replace(family, name="family_phone", on=("family", "phone")),
        dataclasses.replace(family, name="deletions_family", on=("given_deletions", "family"), max_block=10_000),
    )


def _assert_plain(work, rules, pairs, report) -> None:
    for i, rule in enumerate(rules):
        mine = set(pairs.filter((pl.col("rules") & (1 << i)) != 0).select("l", "r").iter_rows())
        assert mine == _reference_rule_pairs(work, rule), rule.name
        assert report.largest_block[rule.name] == _reference_largest(work, rule), rule.name


@pytest.mark.parametrize("stride", [1 << 20, 97])  # one stride; many (their ends inside blocks)
def test_coded_rules_equal_the_plain_computation_over_strides_and_missing_keys(work, spec, monkeypatch, stride):
    work = _holed(work)
    assert work["family"].null_count() * 8 < work.height < work["phone"].null_count() * 8
    rules = _rules(spec)
    monkeypatch.setattr(blocking, "_STRIDE", stride)
    pairs, report = candidate_pairs(work, dataclasses.replace(spec, blocking=rules))
    _assert_plain(work, rules, pairs, report)
    assert report.capped_blocks.filter(pl.col("rule") == "family").height > 0


def test_a_key_too_wide_for_a_word_with_the_position_is_argsorted_as_plainly(work, spec):
    """Codes whose count is inflated (the codes the same): the key no longer fits a word beside the position, and
    the rule's rows are argsorted; records missing a column (given a key of the count or more) still cut off."""
    work = _holed(work)
    on = ("family", "given", "middle")
    codes = blocking.key_codes(work, list(on))
    wide = {c: (codes[c][0], codes[c][1], codes[c][2] if c == "family" else 1 << 26) for c in on}
    bits = int(work.height).bit_length()
    assert (int(codes["family"][0].max()) << 52).bit_length() + bits > 64  # the word path cannot take it
    rule = dataclasses.replace(spec.blocking[0], name="wide", on=on, max_block=3, window=2, sort_by=("name",))
    for one in (rule, dataclasses.replace(rule, name="wide_missing", missing="date_of_birth", max_block=2)):
        keys: list[np.ndarray] = []
        capped, largest = blocking.rule_key_chunks(work, one, keys.append, wide)
        exact: list[np.ndarray] = []
        capped_exact, largest_exact = blocking.rule_key_chunks(work, one, exact.append, codes)
        assert keys
        found = set(zip(*blocking._unpack(np.concatenate(keys)), strict=True))
        assert {(int(a), int(b)) for a, b in found} == _reference_rule_pairs(work, one), one.name
        assert largest == largest_exact == _reference_largest(work, one)
        assert capped.equals(capped_exact)


@pytest.mark.parametrize("records", [5, 1 << 20, (1 << 29) - 1])
def test_pair_words_are_the_packed_pairs_made_words(records):
    rng = np.random.default_rng(records)
    bits = blocking._row_bits(records)
    a = rng.integers(0, records, 1000)
    b = rng.integers(0, records, 1000)
    for rows in ((a, b), (a.astype(np.uint32), b.astype(np.uint32))):
        words = blocking._pair_words(17, bits)(*rows)
        assert words.dtype == np.uint64
        assert np.array_equal(words, blocking._word(blocking._pack(*rows), 17, bits))


@pytest.mark.parametrize("stride", [1, 3, 8])
@pytest.mark.parametrize("shift", [0, 5])
def test_in_shared_runs_of_shifted_words_over_strides(monkeypatch, stride, shift):
    rng = np.random.default_rng(stride + shift)
    keys = np.sort(rng.integers(0, 12, 40).astype(np.uint64))
    words = (keys << np.uint64(shift)) | rng.integers(0, 1 << shift, 40).astype(np.uint64)  # (sorted: keys first)
    plain = [(i > 0 and keys[i - 1] == keys[i]) or (i + 1 < 40 and keys[i + 1] == keys[i]) for i in range(40)]
    monkeypatch.setattr(blocking, "_STRIDE", stride)
    assert blocking._in_shared_runs(words, shift).tolist() == plain


def test_a_key_count_one_bit_past_the_word_is_cut_as_plainly(work, spec):
    """The codes' count (``last``, where the rows without a key begin) one bit wider than the keys the rows hold:
    the word must hold ``last`` beside the position too (else ``last`` shifted wraps round to 0 and every row is cut
    off), so these rows are argsorted, as plainly."""
    on = ("family", "given")
    codes = blocking.key_codes(work, list(on))
    assert int(codes["family"][0].max()) < 1 << 8
    assert not (codes["family"][0] == 0).any() and not (codes["given"][0] == 0).any()  # (no key at `last` or past)
    bits = int(work.height).bit_length()
    wide = {"family": (codes["family"][0], None, 1 << 8), "given": (codes["given"][0], None, 1 << (56 - bits))}
    rule = dataclasses.replace(spec.blocking[0], name="family_given_wide", on=on, max_block=10_000)
    keys: list[np.ndarray] = []
    _, largest = blocking.rule_key_chunks(work, rule, keys.append, wide)
    found = {(int(a), int(b)) for a, b in zip(*blocking._unpack(np.concatenate(keys)), strict=True)}
    assert found == _reference_rule_pairs(work, rule)
    assert largest == _reference_largest(work, rule)
