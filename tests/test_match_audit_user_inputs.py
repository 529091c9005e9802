"""Issue 14 §2 through the command line, as a user has the data: a CSV whose date column mixes the forms
clerks write, and one "Số CMND/CCCD" column holding 12-digit CCCDs, 9-digit CMNDs and junk.

tests/test_match.py covers the same behaviour in Python on the people spec (two ID columns); here a user's
own spec on a CSV, read by `wardbridge match`, with the review queue as the file an official opens."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.test_cli import wardbridge

# (id, name, date as written, the one ID column, person)
ROWS = [
    ("r1", "Nguyễn Văn An", "08.11.2004", "079204001234", "an"),  # CCCD
    ("r2", "Nguyen Van An", "8/11/2004", "025123456", "an"),  # the same person's CMND
    ("r3", "Trần Thị Bình", "15/03/1990", "079190005678", "binh"),
    ("r4", "Tran Thi Binh", "15-03-1990", "", "binh"),
    ("r5", "Lê Văn Cường", "20130503", "", "cuong"),
    ("r6", "Le Van Cuong", "03/05/2013", "", "cuong"),
    ("r7", "Phạm Thị Dung", "2004", "N/A", "dung"),  # a bare year; junk in the ID column
    ("r8", "Phạm Thị Dung", "17/06/2004", "079304009999", "dung"),
    ("r9", "Hoàng Văn Em", "1990-03-15", "12345", "em"),  # junk: five digits
    ("r10", "Hoàng Văn Em", "ngày 15 tháng 3 năm 1990", "079090001111", "em"),
    ("r11", "Võ Văn Giang", "02/02/1985", "079085000001", "giang-1"),  # two namesakes, two CCCDs
    ("r12", "Võ Văn Giang", "02/02/1985", "079085000777", "giang-2"),
    ("r13", "Đỗ Văn Hùng", "01/01/1970", "024987654", "hung"),  # the same CMND twice, once spaced
    ("r14", "Do Van Hung", "01/01/1970", "024 987 654", "hung"),
]
WRITTEN = {r[0]: r[2] for r in ROWS}

SPEC = """
[match]
id = "ma"
link_threshold = {link}
review_threshold = 0.01
show = ["ho_ten", "ngay_sinh", "so_cmnd_cccd"]

[[derive]]
name = "ten"
from = "ho_ten"
transform = ["fold", "last_token"]

[[derive]]
name = "giay_to_so"             # the digits: "024 987 654" is the CMND 024987654
from = "so_cmnd_cccd"
transform = "digits"

[[blocking]]
name = "ten"
on = ["ten"]

[[compare]]
name = "ho_ten"
column = "ho_ten"
preset = "name"

[[compare]]
name = "ngay_sinh"
column = "ngay_sinh"
preset = "date"

[[compare]]
name = "giay_to"
columns = ["giay_to_so"]
preset = "id"
mixed = {mixed}

[[cannot_link]]
name = "khac_giay_to"
levels = {{ giay_to = ["different"] }}
"""


def _run(tmp_path: Path, *, link: float = 0.9999, mixed: bool = True) -> tuple[dict, dict, list[dict]]:
    table = tmp_path / "nguoi.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ma", "ho_ten", "ngay_sinh", "so_cmnd_cccd"])
        w.writerows(r[:4] for r in ROWS)
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(link=link, mixed=str(mixed).lower()), encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = wardbridge("match", "--input", str(table), "--spec", str(spec), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    with (tmp_path / "out.pairs.csv").open(encoding="utf-8") as f:
        pairs = {(r["left_id"], r["right_id"]): r for r in csv.DictReader(f)}
    with out.open(encoding="utf-8") as f:
        entity = {r["record_id"]: r["entity_id"] for r in csv.DictReader(f)}
    with (tmp_path / "out.review.csv").open(encoding="utf-8") as f:
        review = list(csv.DictReader(f))
    return {"stderr": proc.stderr, "pairs": pairs}, entity, review


@pytest.fixture(scope="module")
def queued(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("queued"))


def test_every_written_form_is_read_and_counted(queued):
    run, _, _ = queued
    # 14 values, every one read: dd.mm.yyyy, d/m/yyyy, dd-mm-yyyy, yyyymmdd, ISO, "ngày .. tháng .. năm", a year
    assert "dates ngay_sinh: 14 values, 0 unreadable" in run["stderr"]
    assert "1 year only (compared on the year)" in run["stderr"]
    levels = {k: p["ngay_sinh_level"] for k, p in run["pairs"].items()}
    # the same date in two forms is the same date; a bare year against a date of that year is year_only
    assert levels[("r1", "r2")] == levels[("r3", "r4")] == levels[("r5", "r6")] == "exact"
    assert levels[("r9", "r10")] == "exact"
    assert levels[("r7", "r8")] == "year_only"


def test_review_queue_shows_each_date_as_written(queued):
    _, _, review = queued
    assert {(r["left_id"], r["right_id"]) for r in review} >= {("r7", "r8"), ("r9", "r10"), ("r1", "r2")}
    for row in review:
        for side in ("left", "right"):
            assert row[f"{side}_ngay_sinh_raw"] == WRITTEN[row[f"{side}_id"]]
    year_only = next(r for r in review if (r["left_id"], r["right_id"]) == ("r7", "r8"))
    assert year_only["left_ngay_sinh_raw"] == "2004" and year_only["right_ngay_sinh"] == "2004-06-17"
    spelled = next(r for r in review if (r["left_id"], r["right_id"]) == ("r9", "r10"))
    assert spelled["right_ngay_sinh"] == "1990-03-15" and spelled["right_ngay_sinh_raw"] == "ngày 15 tháng 3 năm 1990"


def test_one_mixed_id_column_compares_each_kind_only_with_its_own(queued):
    run, entity, _ = queued
    pairs = run["pairs"]
    level = {k: p["giay_to_level"] for k, p in pairs.items()}
    # a CCCD against the same person's CMND, or against junk: neutral, never a disagreement
    assert level[("r1", "r2")] == level[("r7", "r8")] == level[("r9", "r10")] == ""
    assert pairs[("r1", "r2")]["decision_reason"] == ""
    # the same CMND written twice (spaces dropped by the spec's `digits`): agrees; two different CCCDs: refused
    assert level[("r13", "r14")] == "exact"
    assert level[("r11", "r12")] == "different"
    assert pairs[("r11", "r12")]["decision_reason"] == "cannot-link rule 'khac_giay_to'"
    assert entity["r11"] != entity["r12"]


def test_linked_as_the_people_are(tmp_path):
    _, entity, _ = _run(tmp_path, link=0.9)
    person = {r[0]: r[4] for r in ROWS}
    for a in person:
        for b in person:
            if a < b:
                assert (entity[a] == entity[b]) == (person[a] == person[b]), (a, b)


def test_without_mixed_a_cmnd_and_a_cccd_are_two_different_ids(tmp_path):
    run, entity, _ = _run(tmp_path, link=0.9, mixed=False)
    pair = run["pairs"][("r1", "r2")]
    assert pair["giay_to_level"] == "different" and pair["decision_reason"] == "cannot-link rule 'khac_giay_to'"
    assert entity["r1"] != entity["r2"]
