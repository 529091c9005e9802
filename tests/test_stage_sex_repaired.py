"""A sex written in a legacy encoding or double-decoded ('Ná»¯' for 'Nữ') is repaired before it is read, as the names
are: before, every woman of a double-decoded file was staged without a sex and flagged 'sex: unreadable (not M/F)' (an
unreadable_value review item each: 26,174 of the 26,535 at 1M synthetic people)."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage


def _population_raw() -> tuple[pl.DataFrame, bool]:
    for extract in extracts_by_partition(load_catalogue()).values():
        if extract.source.registry == "population" and extract.file.suffix == ".csv":
            raw = load_raw(extract, "test").frame
            if raw["sex"].drop_nulls().str.contains("ữ").any():
                return raw, extract.source.day_first
    raise AssertionError("no sample population CSV with 'Nữ'")


def test_a_double_decoded_sex_is_read_as_the_source_wrote_it():
    raw, day_first = _population_raw()
    double = raw.with_columns(
        pl.col("sex").map_elements(lambda v: v.encode("utf-8").decode("cp1252", "replace"), return_dtype=pl.String)
    )
    assert double["sex"].drop_nulls().str.contains("á»¯").any()  # 'Nữ' as a double decoding shows it
    as_written = stage(raw, "population", day_first=day_first).staged
    repaired = stage(double, "population", day_first=day_first).staged
    assert repaired["sex"].to_list() == as_written["sex"].to_list()
    assert repaired["sex"].eq("F").sum() > 0
    unreadable = repaired.filter(pl.col("issues").str.contains("sex: unreadable").fill_null(False))
    assert (
        unreadable.height == as_written.filter(pl.col("issues").str.contains("sex: unreadable").fill_null(False)).height
    )
    assert repaired.filter(pl.col("text_repairs").str.contains("sex:mojibake").fill_null(False)).height > 0
