"""Birth dates as Vietnamese forms write them (issue 14 §2): 'năm 1996', 'Năm sinh: 1996', '1996 (năm)', 'NS: 1996',
'tháng 3 năm 1990', 'Ngày sinh: 05/03/1990' are read (a year alone kept as a year, a month as a month), and what
still cannot be read is flagged on its row and counted per column, never left a silent null."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.standardise import parse_dates
from tests.test_row_contracts import POP_COLUMNS, _load, _person, _stage

READ = {  # value -> (date, precision, form)
    "năm 1996": (date(1996, 1, 1), "year", "year_only"),
    "Năm 1996": (date(1996, 1, 1), "year", "year_only"),
    "NĂM SINH: 1996": (date(1996, 1, 1), "year", "year_only"),
    "Năm sinh 1996": (date(1996, 1, 1), "year", "year_only"),
    "1996 (năm)": (date(1996, 1, 1), "year", "year_only"),
    "NS: 1996": (date(1996, 1, 1), "year", "year_only"),
    "sinh năm 1996": (date(1996, 1, 1), "year", "year_only"),
    "nam 1996": (date(1996, 1, 1), "year", "year_only"),  # accents lost on the way
    "tháng 3 năm 1990": (date(1990, 3, 1), "month", "month_year"),
    "tháng 03/1990": (date(1990, 3, 1), "month", "month_year"),
    "Ngày 5/3/1990": (date(1990, 3, 5), "day", "dmy"),
    "Ngày sinh: 05.03.1990": (date(1990, 3, 5), "day", "dmy"),
    "Sinh ngày 5 tháng 3 năm 1990": (date(1990, 3, 5), "day", "dmy_text"),
    "ngày 05 tháng 03 năm 1990": (date(1990, 3, 5), "day", "dmy_text"),  # as before
    "1996": (date(1996, 1, 1), "year", "year_only"),  # as before
}
UNREADABLE = ["năm 96", "năm", "Năm sinh: không rõ", "1996 năm 1997"]


@pytest.mark.parametrize("value", list(READ))
def test_worded_forms_are_read(value):
    got = parse_dates(pl.Series([value])).row(0, named=True)
    assert (got["date"], got["precision"], got["date_format"]) == READ[value]
    assert got["error"] is None


def test_other_words_stay_unreadable():
    got = parse_dates(pl.Series(UNREADABLE))
    assert got["date"].null_count() == len(UNREADABLE)
    assert got["error"].str.starts_with("unparseable").all()


def test_staging_reads_them_and_counts_what_it_cannot(tmp_path):
    values = [*READ, *UNREADABLE]
    rows = [_person(str(i), dob=v) for i, v in enumerate(values, start=1)]
    cols = [c for c in POP_COLUMNS]
    text = "\n".join([",".join(cols), *(",".join(r) for r in rows)]) + "\n"
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    result = _stage(_load(tmp_path, "population", "csv", "p.csv", POP_COLUMNS, key_column="ma"))
    assert result.quarantine.height == 0  # a birth date is flagged, never a reason to drop a person
    staged = {int(r["source_key"]): r for r in result.staged.to_dicts()}
    for i, value in enumerate(values, start=1):
        row = staged[i]
        if value in READ:
            assert (row["date_of_birth"], row["dob_precision"]) == READ[value][:2], value
            assert "date_of_birth" not in (row["issues"] or ""), value
        else:
            assert row["date_of_birth"] is None
            assert "date_of_birth: unreadable (unparseable)" in row["issues"], value
            assert value not in row["issues"]  # the value itself is not quoted
    assert result.unreadable == {"date_of_birth": len(UNREADABLE)}
