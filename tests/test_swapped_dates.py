"""Staging keeps the only valid reading of a day/month-swapped date and says so in ``issues``."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage

SWAP_NOTE = "date_of_birth: read {} (the only valid order)"


@pytest.fixture(scope="module")
def population_raw() -> pl.DataFrame:
    extract = next(e for e in extracts_by_partition(load_catalogue()).values() if e.source.registry == "population")
    return load_raw(extract, "test").frame.head(6)


def _staged(raw: pl.DataFrame, dobs: list[str], regs: list[str] | None, day_first: bool) -> pl.DataFrame:
    n = len(dobs)
    frame = raw.head(n).with_columns(date_of_birth=pl.Series(dobs, dtype=pl.String))
    if regs is not None:
        frame = frame.with_columns(registered_on=pl.Series(regs, dtype=pl.String))
    result = stage(frame, "population", day_first=day_first)
    assert account(frame, result)["balanced"] and result.quarantine.height == 0
    return result.staged.sort(pl.col("record_key").replace_strict(frame["record_key"], range(n)))


def test_day_first_source_keeps_the_only_valid_month_first_reading(population_raw):
    # 03/25: no month 25 day-first; 31/02: no 31 February either way; 05/04: ambiguous, read day-first
    rows = _staged(population_raw, ["03/25/1990", "31/02/1990", "05/04/1990", "25/03/1990"], None, day_first=True)
    assert rows["date_of_birth"].to_list() == [
        dt.date(1990, 3, 25),
        None,
        dt.date(1990, 4, 5),
        dt.date(1990, 3, 25),
    ]
    note = SWAP_NOTE.format("month-first")
    issues = rows["issues"].fill_null("").to_list()
    assert note in issues[0] and "date_of_birth: unreadable" not in issues[0]
    assert "date_of_birth: unreadable (impossible date)" in issues[1] and note not in issues[1]
    assert all(note not in text for text in issues[2:])
    assert rows["dob_precision"].to_list() == ["day", None, "day", "day"]
    assert rows["dob_ambiguous"].to_list() == [False, False, True, False]
    assert not any("1990" in text or "25" in text for text in issues)  # value-free


def test_month_first_source_is_symmetric(population_raw):
    rows = _staged(population_raw, ["25/03/1990", "02/31/1990", "03/25/1990"], None, day_first=False)
    assert rows["date_of_birth"].to_list() == [dt.date(1990, 3, 25), None, dt.date(1990, 3, 25)]
    note = SWAP_NOTE.format("day-first")
    issues = rows["issues"].fill_null("").to_list()
    assert note in issues[0]
    assert "date_of_birth: unreadable (impossible date)" in issues[1] and note not in issues[1]
    assert note not in issues[2]


def test_registered_on_swapped_and_a_swapped_birth_date_still_checked_for_plausibility(population_raw):
    extract = population_raw["extract_date"][0]
    future = f"{extract.month:02d}/28/{extract.year + 1}"  # valid only month-first, and after the extract
    rows = _staged(population_raw, [future, "01/01/1990"], ["12/20/2020", "31/02/2020"], day_first=True)
    assert rows["date_of_birth"].to_list() == [None, dt.date(1990, 1, 1)]
    assert "date_of_birth: unreadable (implausible" in rows["issues"][0]
    assert SWAP_NOTE.format("month-first") not in rows["issues"][0]  # the kept reading was voided: no swap note
    assert rows["registered_on"].to_list() == [dt.date(2020, 12, 20), None]
    assert "registered_on: read month-first (the only valid order)" in rows["issues"][0]
    assert "registered_on: unreadable (impossible date)" in rows["issues"][1]
