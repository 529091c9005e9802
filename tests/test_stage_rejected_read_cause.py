"""An extract rejected because its rows could not be read says why in its cause (pipelines/ingest/stage.py,
_commonest_read_problem).

A header naming a mapped column twice, with different values under the two copies, leaves every row unread; the
extract's cause (what `wardbridge run` prints) said only 'N of N rows lack required fields or cannot be read (*: N);
is it a households registry extract?': the reason was in the quarantine rows alone. Found by a new user's pass with
a messy file (HQ9)."""

from __future__ import annotations

from tests.test_bad_inputs import HEADER, PERSONAL, _csv, _ingest

ROWS = [
    [
        str(i),
        f"HK{i:03}",
        f"Nguyễn Văn {i}",
        f"0790850{i:05}",
        f"{i} Lê Lợi, Phường Bến Nghé, Quận 1",
        "3",
        "01/02/2020",
    ]
    for i in range(1, 25)
]


def test_a_rejected_extract_names_the_readers_cause(tmp_path):
    text = _csv([[*r, f"Trần Thị {r[0]}"] for r in ROWS], [*HEADER, "ten_chu_ho"])
    got = _ingest(tmp_path, "csv", "twice.csv", text.encode("utf-8"))
    assert got.state == "rejected"
    assert "24 rows not read: column 'ten_chu_ho' is named more than once in the header" in got.cause, got.cause
    assert "line" not in got.cause  # the lines are the quarantine rows' business
    assert not [v for v in PERSONAL if v in got.cause]


def test_a_rejected_extract_of_readable_rows_names_no_reader_cause(tmp_path):
    text = _csv([[r[0], "", "", "", "", "", ""] for r in ROWS])  # every row read, none with a required field
    got = _ingest(tmp_path, "csv", "blank.csv", text.encode("utf-8"))
    assert got.state == "rejected"
    assert "rows not read" not in got.cause, got.cause
