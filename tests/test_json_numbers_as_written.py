"""A JSON number's text in raw is what the source wrote, the same whichever path reads the file: Polars (every line
valid) or line by line (a '{...},' array body, a malformed line). Before, 79080123456.0 read '79080123456.0' line by
line and through Polars in a column of numbers, but '79080123456' through Polars in a column of numbers and strings;
1.50 read '1.5'; 12345678901234567.0 read '12345678901234568' through Polars (parsed into a float and written back).
Now an integer-valued number is its integer text, a real fraction as written, worked on the digits."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.test_row_contracts import MIXED_COLUMNS, _load, _person

# (so_cmnd_cccd as the file writes it, the text raw must hold); the CMND column (cmnd) a number column throughout
VALUES = [
    ("79080123456.0", "79080123456"),  # a CCCD 079080123456 written by a float-holding exporter
    ('"023456789"', "023456789"),  # a string: as written (makes the column one of numbers and strings)
    ("23456789", "23456789"),
    ("1.50", "1.50"),
    ("1e3", "1000"),
    ("7.908012345E10", "79080123450"),
    ("1.5e-7", "1.5e-7"),
    ("12345678901234567.0", "12345678901234567"),
    ("123456789012345678901", "123456789012345678901"),
    ("-0.0", "-0"),
    ("null", None),
]
CMND = ["25111222.0", "25111222", "2.5111222e7", "25111222.000", "1.5", "null", "25111222", "0", "1", "2", "3"]


def _file(tmp_path, name: str, array_body: bool) -> str:
    """The rows as JSON lines; ``array_body``: each line ending with ',' (an array's body), which the reader reads
    line by line in Python (Polars refuses the file)."""
    lines = []
    for i, ((written, _), cmnd) in enumerate(zip(VALUES, CMND, strict=True), start=1):
        key, full_name, dob, address, phone, _ = _person(str(i))
        line = (
            f'{{"ma": "{key}", "ho_ten": "{full_name}", "ngay_sinh": "{dob}", "dia_chi": "{address}", '
            f'"so_dt": "{phone}", "cmnd": {cmnd}, "so_cmnd_cccd": {written}}}'
        )
        lines.append(line + ("," if array_body else ""))
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return name


def _raw(tmp_path, array_body: bool) -> pl.DataFrame:
    name = _file(tmp_path, f"n{int(array_body)}.jsonl", array_body)
    return _load(tmp_path, "population", "jsonl", name, MIXED_COLUMNS, key_column="ma").frame


def test_both_paths_give_the_same_raw_frame(tmp_path):
    polars_read, line_read = _raw(tmp_path, False), _raw(tmp_path, True)
    assert polars_read["read_problem"].null_count() == line_read["read_problem"].null_count() == len(VALUES)
    assert_frame_equal(polars_read.drop("source_file"), line_read.drop("source_file"))  # all else: the same
    rows = {r["source_key"]: r for r in polars_read.to_dicts()}
    got = [rows[str(i)]["personal_id"] for i in range(1, len(VALUES) + 1)]
    assert got == [want for _, want in VALUES]
    assert [rows[str(i)]["old_id_number"] for i in range(1, 7)] == ["25111222"] * 4 + ["1.5", None]


@pytest.mark.parametrize(
    ("token", "text"),
    [
        ("1e3", "1000"),
        ("1E+3", "1000"),
        ("0.5e1", "5"),
        ("500e-2", "5"),
        ("5e-1", "5e-1"),
        ("0e5", "0"),
        ("-0.0e1", "-0"),
        ("-2.50e1", "-25"),
        ("1e300", "1e300"),
        ("1.2345678901234567e16", "12345678901234567"),
    ],
)
def test_exponent_forms(token, text):
    from pipelines.ingest.readers import _exponent_number_text

    assert _exponent_number_text(token) == text
