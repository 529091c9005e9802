"""A NaN or infinite figure among an item's evidence (a match probability or informativeness the model could not
compute) is written, not a failure: xlsxwriter raised 'NAN/INF not supported in write_number()', so review_queues
failed and no ward got its files (pipelines/review/exports.py, _write_xlsx)."""

from __future__ import annotations

import fastexcel
import polars as pl

from tests.fshelpers import write_one_address_item


def test_nan_and_infinite_figures_are_written_to_the_csv_and_the_workbook(tmp_path):
    counts = write_one_address_item(
        tmp_path, "unresolved address", {"match_probability": float("nan"), "informativeness": float("inf")}
    )
    assert counts == {"26740": 1}
    folder = tmp_path / "wards" / "26740"
    csv = pl.read_csv(folder / "unresolved_address.csv", infer_schema=False)
    assert csv.select("match_probability", "informativeness").row(0) == ("NaN", "inf")
    sheet = fastexcel.read_excel(str(folder / "review_26740.xlsx")).load_sheet(
        "unresolved_address", header_row=1, dtypes="string"
    )
    row = sheet.to_polars().row(0, named=True)
    assert row["item_id"] == "ua-0123456789abcdef"
    assert row["match_probability"] in ("#NUM!", None)  # an error cell, not a number


def test_the_workbook_with_an_error_cell_reads_back_as_a_decisions_file(tmp_path):
    import datetime as dt

    from pipelines.review.decisions import load_decisions

    write_one_address_item(tmp_path, "unresolved address", {"match_probability": float("nan")})
    loaded = load_decisions(tmp_path / "wards", ward_codes={"26740"}, items=None, today=dt.date(2026, 12, 4))
    assert loaded.errors.height == 0, loaded.errors
    assert loaded.undecided == 2  # the item, in the CSV and in the workbook: not decided yet
