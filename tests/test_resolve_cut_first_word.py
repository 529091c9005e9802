"""A comma-less address's cut tail is read once for a house number and a street word that no lookup tells from
one ("12 le loi ...", "duong le loi ...", "hem 5 le loi ...": ``_NUMBER_LIKE_FIRST`` stands as "0" in the key),
with the same readings as each address read whole."""

from __future__ import annotations

import pytest

from pipelines._native import source_module

# These tests wrap the resolver's own functions: the Python source, where its calls go through them
# (a compiled module calls its functions directly; pipelines/_native.py).
r = source_module()

TAILS = (
    "phuong 7 quan 5 tphcm",
    "phuong 7 binh tahnh tphcm",  # a district typo without marker: the lookup asks about the first word
    "tan dinh quan 1 thanh pho ho chi minh",  # a ward without marker
    "xa phu nghia tinh dong nai",
)
FIRSTS = ("12", "duong", "hem 5", "so 7", "ngo 3", "kiet 4", "km 9")


@pytest.fixture(scope="module")
def idx():
    return r.index_for(None)


def _cut_reads(monkeypatch, idx, addresses) -> int:
    seen = []
    read = r.read_tokens

    def counted(idx, clean, tokens, hint, side):
        if tokens.cut:
            seen.append(clean)
        return read(idx, clean, tokens, hint, side)

    monkeypatch.setattr(r, "read_tokens", counted)
    r.resolve_addresses(addresses, index=idx)
    monkeypatch.setattr(r, "read_tokens", read)
    return len(seen)


@pytest.mark.parametrize("tail", TAILS)
def test_number_like_first_words_share_one_cut_reading(monkeypatch, idx, tail):
    addresses = [f"{first} nguyen thi minh khai {tail}" for first in FIRSTS]
    assert _cut_reads(monkeypatch, idx, addresses) == _cut_reads(monkeypatch, idx, addresses[:1])


@pytest.mark.parametrize("tail", TAILS)
def test_shared_readings_are_each_address_read_whole(idx, tail):
    addresses = [f"{first} nguyen thi minh khai {tail}" for first in (*FIRSTS, "le loi", "xa lo ha noi", "phuong")]
    by_tail = r.resolve_addresses(addresses, index=r.index_for(None))
    whole = r.resolve_addresses(addresses, index=r.index_for(None), by_tail=False)
    assert by_tail.equals(whole)


def test_a_marker_or_lower_unit_word_keeps_its_own_key():
    assert not {*r._WARD_MARKER_FIRST, *set().union(*r._LOWER_UNIT_WORDS.values())} & set(r._NUMBER_LIKE_FIRST)
    assert {"duong", "hem", "so"} <= set(r._NUMBER_LIKE_FIRST)
