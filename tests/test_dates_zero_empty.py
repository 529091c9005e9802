"""A date written as zeros is an empty date: dBase writes '00000000' in a date field left empty (CSV exports of its
tables keep it; MySQL writes '0000-00-00'). It was flagged 'unreadable (year out of range)'; it is read as empty and
counted as such: a birth date 'missing', a registration date empty (no issue, as an empty cell)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from pipelines.standardise import parse_dates
from tests import test_dbf

ZEROS = ["00000000", "0000-00-00", "00/00/0000", " 00000000 ", "0000-00-00 00:00:00"]


def test_parse_dates_reads_zeros_as_no_date():
    parsed = parse_dates(pl.Series([*ZEROS, "", None, "00000001", "00/00/1990", "19900315"]))
    empty = parsed.head(len(ZEROS) + 2)
    for column in parsed.columns:
        assert empty[column].null_count() == empty.height, column
    assert parsed["error"].to_list()[len(ZEROS) + 2 :] == [
        "year out of range 00000001",  # not all zeros: still a written value that is no date
        None,  # an unknown day and month: the year 1990 (tests/test_dates_unknown_day_month.py)
        None,
    ]
    assert parsed["precision"].to_list()[-2:] == ["year", "day"]


@pytest.fixture(scope="module")
def population_raw() -> pl.DataFrame:
    extract = next(e for e in extracts_by_partition(load_catalogue()).values() if e.source.registry == "population")
    return load_raw(extract, "test").frame.head(len(ZEROS) + 2)


def test_a_zero_birth_date_is_missing_not_unreadable(population_raw):
    dobs = [*ZEROS, "", "15/03/0199"]
    frame = population_raw.head(len(dobs)).with_columns(date_of_birth=pl.Series(dobs, dtype=pl.String))
    result = stage(frame, "population", day_first=True)
    assert account(frame, result)["balanced"] and result.quarantine.height == 0
    staged = result.staged.sort(pl.col("record_key").replace_strict(frame["record_key"], range(len(dobs))))
    issues = staged["issues"].fill_null("").to_list()
    for text in issues[: len(ZEROS) + 1]:
        assert "date_of_birth: missing" in text and "date_of_birth: unreadable" not in text, issues
    assert "date_of_birth: unreadable (year out of range)" in issues[-1]
    assert staged["date_of_birth"].null_count() == len(dobs)
    assert result.unreadable == {"date_of_birth": 1}  # the zeros are not counted as unreadable dates


def test_a_dbase_empty_date_field_is_read_as_empty(tmp_path):
    rows = [r.copy() for r in test_dbf.ROWS]
    rows[0][-1] = "00000000"  # what dBase writes in a date field left empty; rows[3] holds an empty one
    test_dbf.write_dbf(tmp_path / "hk.dbf", rows)
    got = test_dbf.ingest(tmp_path, "hk.dbf")
    assert got.state == "ok", got.cause
    staged = got.staged.sort("source_key")
    assert staged["source_key"].to_list() == ["1", "2", "3", "4"]
    assert staged["registered_on"].is_null().to_list() == [True, False, False, True]
    issues = staged["issues"].fill_null("").to_list()
    assert "registered_on" not in issues[0] and issues[0] == issues[3], issues
