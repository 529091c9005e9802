"""A bracketed "... cũ" whose first letter is a ward marker's but which names no ward type ("(Phố cũ)", "(Xóm
Cũ)", "(phuong5 cu)") is read as written: resolve_addresses raised AttributeError on it (_with_old_ward took
every such note for a compact "P5")."""

from __future__ import annotations

import polars as pl
import pytest

import pipelines.resolve as r

NOTES = ["(Phố cũ)", "(Xóm Cũ)", "(Phu Cu)", "(phuong5 cu)", "(tt3 cu)", "(Xuân cũ)"]


@pytest.mark.parametrize("note", NOTES)
def test_untyped_old_note_is_read_as_written(note):
    addresses = [
        f"12 Lê Lợi {note}, Phường Bến Nghé, Quận 1, TP.HCM",
        f"Phường Bến Nghé {note}, Quận 1",
        f"{note} quan 1",
    ]
    by_tail = r.resolve_addresses(addresses)
    assert by_tail.equals(r.resolve_addresses(addresses, by_tail=False))
    assert by_tail.row(0, named=True)["status"] == "exact"  # the note is words of the street part


def test_typed_old_ward_notes_are_still_notes():
    out = r.resolve_addresses(["Phường Bến Nghé (P5 cũ), Quận 1", "Phường Bến Nghé (Phường 5 cũ), Quận 1"])
    assert out["reason"].str.contains("old ward noted").all()


def test_repeated_rows_with_such_a_note_resolve():
    column = pl.Series(["Phường Bến Nghé (Phố cũ), Quận 1"] * 3)  # read whole: the note is in the first segment
    out = r.resolve_addresses(column)
    assert out.height == 3 and out["reason"].n_unique() == 1
