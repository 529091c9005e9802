"""A reading never depends on which addresses were read before it with the same index.

The district and ward lookups are memoised on the text after the comma-like boundary before them
(``_seen_lookup``). Where that text is a unit-type marker alone ("(Thị xã)", ", TP"), the exact lookup
reads on past the boundary ("TP. Kỳ Anh (Thị xã)": the alias "Kỳ Anh (Thị xã)"), so the words before it
decide too: memoised, the first address's reading was reused for every later one (before the fix,
"Xã Tân Dân, Thị xã Hà Tĩnh" read as "ward not found in Thị xã Kỳ Anh" after an address naming Kỳ Anh,
and the batch's output changed with the order Polars happened to list distinct tails in). Each fresh index
is a copy of one build never read with (tests/resolvehelpers.fresh_index).
"""

from __future__ import annotations

import pytest

from pipelines.reference import default_reference
from pipelines.resolve import _row, clean_expr, read_address, resolve_addresses
from tests.resolvehelpers import fresh_index

FIRST = "TT. An Lạc; TP. Kỳ Anh (Thị xã) Hà Tĩnh"  # fills the memo for the segment "thi xa" (Hà Tĩnh)
LATER = [
    "Xã Tân Dân, Thị xã Hà Tĩnh",
    "88 Đại lộ Bình Dương(PĐịnh Trung - H. Long Mỹ (Thị xã)(Hà Tĩnh",
    "Phường 1, TP, Hà Tĩnh",
    "Xã Cẩm Bình (Huyện) Hà Tĩnh",
]


@pytest.fixture(scope="module")
def reference():
    return default_reference()


def _clean(text: str) -> str:
    import polars as pl

    return pl.select(clean_expr(pl.lit(text))).item()


def test_a_reading_is_the_same_after_another_address_filled_the_memo(reference):
    fresh = {text: _row(read_address(fresh_index(reference), _clean(text))) for text in LATER}
    shared = fresh_index(reference)
    read_address(shared, _clean(FIRST))
    after = {text: _row(read_address(shared, _clean(text))) for text in LATER}
    assert after == fresh
    assert "Kỳ Anh" not in (after[LATER[0]][4] or "")  # the failing case before the fix


def test_a_batch_reads_the_same_in_any_order(reference):
    texts = [FIRST, *LATER]
    forward = resolve_addresses(texts, index=fresh_index(reference))
    backward = resolve_addresses(texts[::-1], index=fresh_index(reference))
    assert forward.rows() == backward.reverse().rows()
    alone = [resolve_addresses([t], index=fresh_index(reference)).row(0) for t in texts]
    assert forward.rows() == alone
