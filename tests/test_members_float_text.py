"""A household's number of members written as a float's text: '3.0' (pandas writes an integer column holding a missing
value so: every household of such an export) or '3,0' (the same number in a Vietnamese-locale export, decimal comma).
It was 'unreadable (not a number of members)', flagged and null. A whole number with one zero decimal is read as the
number; '1.000' (thousands or three decimals, by notation) and '4.5' stay unreadable, flagged, as before."""

from __future__ import annotations

from tests.test_bad_inputs import ROWS, _csv, _ingest


def test_members_written_as_a_float_are_read(tmp_path):
    rows = [list(r) for r in ROWS] + [list(ROWS[0]), list(ROWS[1])]
    for i, (row, members) in enumerate(zip(rows, ["3.0", "2,0", " 4.0 ", "1.000", "4.5"], strict=True)):
        row[0], row[1], row[5] = str(i + 1), f"HK{i + 1}", members
    result = _ingest(tmp_path, "csv", "members.csv", _csv(rows).encode())
    assert result.state == "ok", result.cause
    staged = {r["source_key"]: r for r in result.staged.iter_rows(named=True)}
    assert [staged[k]["members"] for k in "123"] == [3, 2, 4]
    assert [staged[k]["issues"] for k in "123"] == [None, None, None]
    for key in "45":
        assert staged[key]["members"] is None and "members: unreadable" in staged[key]["issues"]
