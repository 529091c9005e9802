"""The typo searches of the resolver are remembered per (words, names, edits) (_closest_names): a search
repeated gives what the search gives, for another table of names too, and forget_readings drops them."""

from __future__ import annotations

from pipelines.resolve import _FUZZY_MEMO, _closest_names, forget_readings, resolve_addresses


def test_remembered_search_equals_the_search():
    names = ["benghe", "benthanh", "tandinh", "phuong12"]
    first = _closest_names("bennghe", names, 1)
    assert first == [("benghe", 1, 0)]
    assert _closest_names("bennghe", names, 1) == first
    other = ["bennghi", "benghe"]  # another list: its own search, never the first list's result
    assert _closest_names("bennghe", other, 1) == [("bennghi", 1, 0), ("benghe", 1, 1)]
    assert _closest_names("phuong13", names, 2) == []  # a typo never changes a number


def test_forget_readings_empties_the_typo_searches():
    out = resolve_addresses(["Phường Bến Nghéé, Quận 1, TP.HCM", "12 Lê Lợi, Phường Bến Nghéé, Quận 1, TP.HCM"])
    assert out["status"].to_list() == ["fuzzy", "fuzzy"]
    assert _FUZZY_MEMO
    forget_readings()
    assert not _FUZZY_MEMO
