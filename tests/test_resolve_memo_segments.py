"""The province lookup memoised on the segment it can see gives every address the reading it gets alone.

The province at the end of the text (``_province_span``: ``_exact_span`` over a province table, three to
five times in every reading) is remembered across addresses on the text after the comma-like boundary
before it, as ``_seen_lookup`` does for districts and old wards. The same province segment ends addresses
whose wards, districts and notes differ, it stands at different places ("Phường Sài Gòn, TP.HCM" / "Khu
phố 2, Phường Sài Gòn, TP.HCM"), in a cut tail's last segment with the ward before it ("12 Lê Lợi Phường
Sài Gòn TP.HCM"), spelled out or by an old name: a match kept with a position from the first address, or
with a key that misses what the lookup saw, would change the later ones. Each address here is read alone
with a fresh index, then after all the others in both orders with one index, and in a batch in both orders.
Each fresh index is a copy of one build never read with (tests/resolvehelpers.fresh_index).
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.reference import default_reference
from pipelines.resolve import _row, clean_expr, read_address, resolve_addresses
from tests.resolvehelpers import fresh_index

# address -> (status, 2025 ward) as read alone (the same at 858ed4e, before the memo)
EXPECTED = {
    "Phường Sài Gòn, TP.HCM": ("exact", "2025:26740"),
    "Khu phố 2, Phường Sài Gòn, TP.HCM": ("exact", "2025:26740"),
    "Phường Bàn Cờ, Phường Sài Gòn, TP.HCM": ("unresolved", None),  # two wards: the unit's start decides
    "12 Lê Lợi Phường Sài Gòn TP.HCM": ("exact", "2025:26740"),  # comma-less: a cut tail
    "Phường Sài Gòn Phường Bàn Cờ TP HCM": ("unresolved", None),
    "Phường Tân Định, TP.HCM": ("exact", "2025:26737"),  # a name of both schemes
    "Ấp 3, Phường Tân Định, Thành phố Hồ Chí Minh": ("exact", "2025:26737"),
    "Phường Tân Định (Quận 1 cũ), TP.HCM": ("exact", "2025:26737"),
    "Xã Long Hải, Bà Rịa - Vũng Tàu": ("exact", "2025:26662"),  # a province written by its old name
    "Xã Long Hải, Bình Dương": ("unresolved", None),  # ... that does not hold the ward
    "Long Hải, Vũng Tàu": ("fuzzy", "2025:26662"),
    "P. Phú Lợi, Bình Dương": ("exact", "2025:25750"),
    "Phường 5, Phường Phú Lợi, tp Thủ Dầu Một, Bình Dương": ("exact", "2025:25750"),
    "Xã Phú Lợi, TP.HCM": ("unresolved", None),
}
TEXTS = list(EXPECTED)


@pytest.fixture(scope="module")
def reference():
    return default_reference()


def _clean(text: str) -> str:
    return pl.select(clean_expr(pl.lit(text))).item()


def test_each_reading_is_the_one_it_gets_alone(reference):
    alone = {text: _row(read_address(fresh_index(reference), _clean(text))) for text in TEXTS}
    for order in (TEXTS, TEXTS[::-1]):
        shared = fresh_index(reference)
        for text in order:
            read_address(shared, _clean(text))
        after = {text: _row(read_address(shared, _clean(text))) for text in order}
        assert after == alone


def test_a_batch_reads_the_same_in_either_order(reference):
    forward = resolve_addresses(TEXTS, index=fresh_index(reference))
    backward = resolve_addresses(TEXTS[::-1], index=fresh_index(reference))
    assert forward.rows() == backward.reverse().rows()
    assert list(zip(forward["status"], forward["new_uid"], strict=True)) == list(EXPECTED.values())
