"""The match summary's line on the review queue reads as a sentence a reviewer's manager understands (HV6)."""

from __future__ import annotations

from pipelines.match.engine import _review_items_line


def test_the_queue_line_says_what_an_item_is():
    line = _review_items_line({"review_pairs": 27, "review_items": 22})
    assert line == [
        "queued for review: 27 pairs (review and refused) in 22 items (the pairs joining the same two entities are "
        "one item; a pair inside one entity is an item of its own)"
    ]
    assert _review_items_line({"review_pairs": 1, "review_items": 1}) == [
        "queued for review: 1 pair (review and refused) in 1 item (the pairs joining the same two entities are one "
        "item; a pair inside one entity is an item of its own)"
    ]


def test_nothing_queued_is_said_plainly():
    assert _review_items_line({"review_pairs": 0, "review_items": 0}) == ["queued for review: none"]
    assert _review_items_line({}) == []
