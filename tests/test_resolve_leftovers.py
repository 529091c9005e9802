"""Issue 11 §1/§2: reading edge cases left over after the HV audit's fixes (one test per case).

Nothing is ``exact`` unless certain: an uncertain reading is fuzzy (confidence <= 0.9) or has no answer
with the wards considered as candidates. Every case is read by tail and whole (the two paths must agree).
"""

from __future__ import annotations

from pipelines.resolve import resolve_addresses


def _read(addresses: list[str], **kw) -> list[dict]:
    by_tail = resolve_addresses(addresses, **kw)
    assert by_tail.equals(resolve_addresses(addresses, by_tail=False, **kw))
    return by_tail.to_dicts()


def test_the_diacritics_note_replaces_the_reason_of_the_reading_without_answer():
    rows = _read(["Xã Thạnh An, TP.HCM", "Xã Cẩm Giàng, Hải Phòng"])
    assert [r["new_uid"] for r in rows] == ["2025:27676", "2025:10903"]
    assert rows[0]["reason"] == (
        "the diacritics written decide between 2025 wards of one folded name (2025:25807, 2025:27676)"
    )
    # the old reading's "nothing decides" / "names 2 2025 wards" no longer holds and is not repeated
    for row in rows:
        assert "nothing decides" not in row["reason"] and "names 2" not in row["reason"], row
