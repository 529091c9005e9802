"""A Reference built by hand is checked like a loaded one before anything resolves with it (HV23).

23fdd0f made load_reference refuse a gazetteer that gazetteer_consistency rejects, but a Reference built directly
(`Reference(...)`, or `dataclasses.replace(ref, gazetteer=...)` with an added entry) skipped the check: resolve_table
then placed '12 Đường Số 9, P. Hiệp Thành, TP Thủ Dầu Một, Bình Dương' in Phường Sài Gòn (an entry naming a ward
that is no part of the split old unit) without a word. Every resolve starts from a Reference, so the check runs as
one is built by hand (Reference.__post_init__), once per Reference; load_reference's own (its files already checked,
or left unchecked on purpose with checked=False by the reporters) is not checked again."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

import quality.checks
from pipelines.reference import Reference, load_reference
from tests.test_reference_gazetteer_checked import ADDRESS, GOOD, OUTSIDE, _gazetteer


def _resolve(reference: Reference) -> pl.DataFrame:
    from pipelines.resolve import resolve_table

    return resolve_table(pl.DataFrame({"address": [ADDRESS]}), address_column="address", reference=reference)


def _by_hand(tmp_path, rows: str) -> Reference:
    entries = load_reference(gazetteers=(_gazetteer(tmp_path, rows),), checked=False).gazetteer
    base = load_reference()
    return dataclasses.replace(base, gazetteer=pl.concat([base.gazetteer, entries]))


def test_a_replaced_gazetteer_is_refused_before_resolving(tmp_path):
    with pytest.raises(ValueError) as refused:
        resolved = _resolve(_by_hand(tmp_path, OUTSIDE))
        pytest.fail(f"resolved without a word: {resolved.select('status', 'new_uid', 'confidence').row(0)}")
    said = str(refused.value)
    assert "built by hand" in said and "not a part of their old unit" in said and "2025:26740" in said, said


def test_a_reference_constructed_directly_is_refused(tmp_path):
    entries = load_reference(gazetteers=(_gazetteer(tmp_path, OUTSIDE),), checked=False)
    with pytest.raises(ValueError, match="not a part of their old unit"):
        _resolve(Reference(**entries.tables()))


def test_a_consistent_hand_built_reference_resolves_and_is_checked_once(tmp_path, monkeypatch):
    calls = []
    real = quality.checks.gazetteer_consistency
    monkeypatch.setattr(quality.checks, "gazetteer_consistency", lambda *a: calls.append(1) or real(*a))
    entries = load_reference(gazetteers=(_gazetteer(tmp_path, GOOD),), checked=False).gazetteer
    base = load_reference()
    calls.clear()  # (load_reference checked its own files)
    reference = dataclasses.replace(base, gazetteer=pl.concat([base.gazetteer, entries]))
    assert _resolve(reference).select("status", "new_uid").row(0) == ("split_resolved", "2025:25747")
    _resolve(reference)
    assert len(calls) == 1, calls


def test_a_loaded_reference_is_not_checked_again(tmp_path, monkeypatch):
    calls = []
    real = quality.checks.gazetteer_consistency
    monkeypatch.setattr(quality.checks, "gazetteer_consistency", lambda *a: calls.append(1) or real(*a))
    loaded = load_reference(gazetteers=(_gazetteer(tmp_path, GOOD),))
    unchecked = load_reference(gazetteers=(_gazetteer(tmp_path, OUTSIDE),), checked=False)  # a reporter's choice
    calls.clear()
    _resolve(loaded)
    assert _resolve(unchecked).select("new_uid").row(0) == ("2025:26740",)  # left to the reporter's check
    assert calls == []
