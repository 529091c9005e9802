"""A CSV row with far more fields than the header (a stray cell far to the right, a run of delimiters) is read at the
header's width (lead, session 64). Polars was made to read every row as wide as the widest: 100,000 trailing
delimiters on one row of a 581-row extract took 43 s to ingest, two million would have taken hours (HR1)."""

from __future__ import annotations

import polars as pl

from pipelines.ingest import readers
from tests.test_bad_inputs import ROWS, _csv, _ingest

WIDE = 200_000


def test_a_row_far_wider_than_the_header_is_read_at_the_header_width(tmp_path, monkeypatch):
    """Row 1 ends in 200,000 delimiters, row 2 holds a value 50,000 columns beyond the last (49,999 empty ones before it), row 3 a quoted value
    beyond it. Their values and what lies beyond the last column are read as before (the overflow flag counts the
    values beyond); Polars never parses more columns than the header has (at 1f85827: 200,001)."""
    widths: list[int] = []
    read_csv = pl.read_csv

    def measured(*args, **kwargs):
        frame = read_csv(*args, **kwargs)
        if frame.columns[:1] == ["c0"]:  # the records' parse (readers names its columns c0, c1, ...)
            widths.append(frame.width)
        return frame

    monkeypatch.setattr(readers.pl, "read_csv", measured)
    lines = _csv(ROWS).splitlines()
    lines[1] += "," * WIDE
    lines[2] += "," * 50_000 + "x"
    lines[3] += ',"a, b",'
    result = _ingest(tmp_path, "csv", "wide.csv", ("\n".join(lines) + "\n").encode("utf-8"))
    assert result.state == "ok", result.cause
    header = len(lines[0].split(","))
    assert widths and max(widths) == header
    raw = result.raw.sort("source_key")
    assert raw["source_key"].to_list() == ["1", "2", "3"]
    assert raw["row_flags"].to_list() == [f"overflow:{WIDE}", "overflow:50000", "overflow:2"]
    assert raw["head_name"].to_list() == [r[2] for r in ROWS]  # the values before the overflow, in their columns
    assert raw["registered_on"].to_list() == [r[6] for r in ROWS]
    assert result.staged.height == 3
