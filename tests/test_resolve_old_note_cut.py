"""An old-unit note cut off after its lead ("(cũ là", "(cũ thuộc", "(cũ thuộc)": a fixed-width field's end, a
clerk's unfinished note) names nothing: it is taken out as "(cũ)" is. resolve_addresses raised IndexError on it
(_drop_old_notes asked _district_note about the empty span after the lead), so `wardbridge resolve` and staging
failed on the whole file for one such address (HV4, found by a token-soup fuzz)."""

from __future__ import annotations

import pytest

import pipelines.resolve as r

CUT = ["(cũ là", "(cũ thuộc", "(cũ thuộc)", "(cu la)", ", cũ thuộc"]


@pytest.mark.parametrize("note", CUT)
def test_a_cut_old_note_reads_as_a_bare_old_note(note):
    addresses = [
        f"Phường 5, Quận 3 {note}",
        f"Phường Tân Định, Quận 1 {note}",
        f"12 Lê Lợi, P. Bến Nghé {note}",
    ]
    bare = [a.replace(note, "(cũ)") for a in addresses]
    for by_tail in (True, False):
        out = r.resolve_addresses(addresses, by_tail=by_tail).drop("input")
        assert out.equals(r.resolve_addresses(bare, by_tail=by_tail).drop("input")), note
    assert out["status"].to_list()[:2] == ["exact", "exact"]


def test_a_note_lead_alone_after_a_bracket_does_not_raise():
    out = r.resolve_addresses(["x) cu LA", "Phường 5 (cũ là", "Phường 5 (thuộc cũ)"])
    assert out.height == 3
