"""A sheet without a header row has its first record read as the header; the workbook's messages named columns by
those cells: a person's CCCD and phone on stderr ("column '79085000123': 2 cells are numbers in the workbook",
"column '901234567': 2 number cells given back their leading zeros"), where the CSV and Parquet readers name no
column when the header looks like a data row (messages.header_looks_like_data). HV10: so at 742a57d and at a6bdec5
(pipelines/reading/workbook.py's _zero_padded, _report_number_cells; _report_error_cells and _fill_merged_cells
quote names the same way). The messages still say what they found, by the column's position."""

from __future__ import annotations

import xlsxwriter

from pipelines.reading import read_table

PEOPLE = [
    (79085000123, "Nguyễn Văn An", 901234567),
    (79085000124, "Trần Thị Bé", 907654321),
    (79085000125, "Lê Văn Tí", 912345678),
]


def test_a_sheet_without_a_header_names_no_value_of_its_first_row(tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    padded = book.add_format({"num_format": "000000000000"})
    for row, (cccd, name, phone) in enumerate(PEOPLE):  # no header row
        sheet.write_number(row, 0, cccd)  # an ID typed as a number
        sheet.write_string(row, 1, name)
        sheet.write_number(row, 2, phone, padded)  # a number format that shows its zeros
    book.close()
    read = read_table(path, "--input")
    said = capsys.readouterr().err
    assert read.frame.height == 2
    assert "cells are numbers in the workbook" in said and "given back their leading zeros" in said, said
    assert "79085000123" not in said and "901234567" not in said, said
