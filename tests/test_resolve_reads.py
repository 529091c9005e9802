"""benchmarks/resolve_reads.py: every read captured with its stage, the parser restored after, and the rows read
whole given the cause ``_read_rows`` had."""

from __future__ import annotations

import polars as pl
import pytest

import pipelines.resolve as r
from benchmarks.resolve_reads import captured, kind_expr, whole_cause


@pytest.fixture(scope="module")
def idx():
    return r.index_for(None)


def test_captured_reads_stages_and_restores_the_parser(idx):
    before = (r.read_tokens, r._read_tails, r._read_cut_tails, r._read_whole)
    addresses = pl.Series(
        [
            "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM",  # a comma tail
            "so 5 le loi phuong 7 quan 5 tphcm",  # comma-less: a cut tail
            "Phường 14, Quận 3, TP.HCM",  # a ward word before the first comma: read whole
            "khong ro 12345",  # comma-less without marker: read whole
        ]
    )
    reads, rows, total = captured(addresses, idx)
    assert (r.read_tokens, r._read_tails, r._read_cut_tails, r._read_whole) == before
    assert total > 0
    assert set(reads["stage"]) == {"comma tails", "comma-less cut tails", "whole addresses"}
    causes = dict(whole_cause(rows).select("input", "cause").iter_rows())
    assert causes == {
        "Phường 14, Quận 3, TP.HCM": "first segment holds a ward word",
        "khong ro 12345": "comma-less: no marker phrase to cut at",
    }


def test_kind_from_the_outcome():
    frame = pl.DataFrame(
        {
            "status": ["fuzzy", "fuzzy", "exact", "unresolved", "exact", "scheme_review"],
            "reason": ["fuzzy 'go vaap' (83)", "ward 'an linh' without marker or comma", None, "no ward", "x", "y"],
        }
    )
    assert frame.select(kind_expr())["kind"].to_list() == [
        "typo in a name",
        "ward without marker or comma",
        "exact",
        "unresolved",
        "exact",
        "other scheme_review",
    ]
