"""A split street declined by one candidate ward ('reject') and taken by another ('place') is settled, not a
conflict: "not in ward X" and "in ward Y" both hold. The files are what a Vietnamese Excel saves (Windows-1258,
';'), one per ward office, as the per-ward workflow produces them."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl

from pipelines.review.decisions import append_audit, load_decisions, official_split_evidence, settle_decisions
from pipelines.schema import REVIEW_ITEM_KEYS

SPLIT = "su-5b93a4f51b160983"
OLD = "pre2025:27016"
WARDS = ("27013", "27019", "27439")  # a street of an old unit split three ways
NOW = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters precomposed, tone marks as combining characters."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


def _excel_file(folder, name: str, rows: list[tuple[str, str, str, str]]) -> None:
    """A ward's decisions saved by Excel as 'CSV' on a Vietnamese Windows: cp1258, ';', CRLF, dd/mm/yyyy."""
    lines = ["Mã mục;Quyết định;Người duyệt;Ngày quyết định;Ghi chú;Mã phường/xã mới"]
    lines += [f"{SPLIT};{decision};{who};{day};;{ward}" for decision, who, day, ward in rows]
    (folder / name).write_bytes(_cp1258("\r\n".join(lines) + "\r\n"))


def _items() -> pl.DataFrame:
    row = {c: None for c in REVIEW_ITEM_KEYS.columns}
    row.update(
        item_id=SPLIT,
        kind="split_unit",
        candidates=[f"2025:{w}" for w in WARDS],
        records_blocked=12,
        old_uid=OLD,
        name_kind="street",
        name_key="nguyenson",
    )
    return pl.DataFrame([row], schema=REVIEW_ITEM_KEYS.polars_schema)


def _settled(folder):
    """The folder's decisions read (every row valid on its own), put in a new audit and settled: (settled, audit)."""
    loaded = load_decisions(folder, ward_codes=set(WARDS), items=_items(), today=dt.date(2026, 12, 3))
    assert loaded.errors.height == 0, loaded.errors.rows()  # every row is valid on its own
    audit, _ = append_audit(None, loaded.rows, NOW)
    return settle_decisions(audit, _items()), audit


def _settle(folder):
    settled, _ = _settled(folder)
    return settled, settled.decisions.row(0, named=True)


def test_one_ward_declines_and_another_takes_the_street_on_the_same_day(tmp_path):
    _excel_file(tmp_path, "phuong_27013.csv", [("reject", "Trần Thị Hoà", "03/12/2026", "27013")])
    _excel_file(tmp_path, "phuong_27019.csv", [("place", "Lê Văn Tám", "03/12/2026", "27019")])
    settled, item = _settle(tmp_path)
    assert settled.errors.height == 0 and settled.conflicts.height == 0  # before: two 'conflicts with' rows
    assert (item["state"], item["decision"], item["new_uid"]) == ("closed", "place", "2025:27019")
    assert item["reviewer"] == "Lê Văn Tám" and item["decisions"] == 2
    evidence = official_split_evidence(settled.decisions)
    assert evidence.select("name_key", "new_uid", "verdict").rows() == [("nguyenson", "2025:27019", "confirm")]


def test_a_decline_after_the_street_was_placed_elsewhere_leaves_the_place(tmp_path):
    _excel_file(tmp_path, "phuong_27019.csv", [("place", "Lê Văn Tám", "01/12/2026", "27019")])
    _excel_file(tmp_path, "phuong_27013.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27013")])
    _excel_file(tmp_path, "phuong_27439.csv", [("reject", "Phạm Đức Huy", "3/12/2026", "27439")])
    settled, item = _settle(tmp_path)
    assert settled.errors.height == 0
    # before: the latest row won, a 'reject' of another ward, and the placed street went back to the queue
    assert (item["state"], item["decision"], item["new_uid"]) == ("closed", "place", "2025:27019")


def test_rejecting_the_placed_ward_itself_still_supersedes_and_same_day_is_still_a_conflict(tmp_path):
    _excel_file(tmp_path, "a.csv", [("place", "Lê Văn Tám", "01/12/2026", "27019")])
    _excel_file(tmp_path, "b.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27019")])
    settled, item = _settle(tmp_path)
    assert (item["decision"], item["new_uid"]) == ("reject", "2025:27019")  # the item is open again
    assert settled.errors.height == 0

    same_day = tmp_path / "same_day"
    same_day.mkdir()
    _excel_file(same_day, "a.csv", [("place", "Lê Văn Tám", "02/12/2026", "27019")])
    _excel_file(same_day, "b.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27019")])
    settled, item = _settle(same_day)
    assert item["state"] == "conflict" and item["decision"] is None
    assert sorted(settled.errors["source_file"].to_list()) == ["a.csv", "b.csv"]


def test_declines_by_two_wards_do_not_conflict_and_a_reverse_still_pops_the_last(tmp_path):
    _excel_file(tmp_path, "a.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27013")])
    _excel_file(tmp_path, "b.csv", [("reject", "Phạm Đức Huy", "02/12/2026", "27439")])
    settled, item = _settle(tmp_path)
    assert settled.errors.height == 0 and item["state"] == "open" and item["decision"] == "reject"

    undo = tmp_path / "undo"
    undo.mkdir()
    _excel_file(undo, "a.csv", [("place", "Lê Văn Tám", "01/12/2026", "27019")])
    _excel_file(
        undo, "b.csv", [("reject", "Trần Thị Hoà", "02/12/2026", "27013"), ("reverse", "Lê Văn Tám", "03/12/2026", "")]
    )
    settled, item = _settle(undo)
    assert (item["state"], item["decision"], item["new_uid"]) == ("closed", "place", "2025:27019")


def test_every_ward_that_declined_a_three_way_split_street_reaches_the_split_evidence(tmp_path):
    """Two of three candidate wards decline the street on different days: both are official 'reject' verdicts, so
    the evidence step proposes neither (before, only the decision in effect reached it: the latest reject)."""
    _excel_file(tmp_path, "phuong_27013.csv", [("reject", "Trần Thị Hoà", "01/12/2026", "27013")])
    _excel_file(tmp_path, "phuong_27439.csv", [("reject", "Phạm Đức Huy", "02/12/2026", "27439")])
    settled, audit = _settled(tmp_path)
    verdicts = official_split_evidence(settled.decisions, audit)
    assert verdicts.select("new_uid", "verdict", "reviewer").rows() == [
        ("2025:27013", "reject", "Trần Thị Hoà"),
        ("2025:27439", "reject", "Phạm Đức Huy"),
    ]
    assert official_split_evidence(settled.decisions).height == 1  # the decisions table alone: the one in effect


def test_a_ward_placed_after_it_was_declined_is_no_longer_a_reject_verdict(tmp_path):
    _excel_file(tmp_path, "a.csv", [("reject", "Trần Thị Hoà", "01/12/2026", "27013")])
    _excel_file(tmp_path, "b.csv", [("reject", "Phạm Đức Huy", "01/12/2026", "27439")])
    _excel_file(tmp_path, "c.csv", [("place", "Lê Văn Tám", "02/12/2026", "27013")])
    settled, audit = _settled(tmp_path)
    verdicts = official_split_evidence(settled.decisions, audit)
    assert verdicts.select("new_uid", "verdict").rows() == [("2025:27013", "confirm"), ("2025:27439", "reject")]
