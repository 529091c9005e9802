"""`--skip-rows N` of `wardbridge resolve` and `wardbridge match`: a title line above a CSV's header (a sheet saved
as CSV: 'DANH SÁCH HỘ DÂN' on line 1), or title rows above a sheet's header, are not read (pipelines/cli.py
``read_table``). Before, such a file was refused and the message only pointed at a possible title line; it now
says which --skip-rows reads it. The lines skipped are left blank, so later messages name the file's own lines."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
TITLED = 'DANH SÁCH HỘ DÂN\nid,address\n1,"12 Lê Lợi, Phường Bến Nghé, Quận 1"\n\n2,"Phường 5, Quận 3"\n'


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_title_line_is_pointed_out_with_the_skip_rows_that_reads_the_file(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(TITLED, encoding="utf-8")
    refused = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert refused.exit_code == 1 and "may be a title line" in refused.output
    assert "or give --skip-rows 1" in refused.output
    result = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out), "--skip-rows", "1")
    assert result.exit_code == 0, result.output
    assert "line 1 skipped (--skip-rows 1)" in result.output
    assert "1 blank line skipped (line 4)" in result.output  # the file's own line numbers
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2"] and written["status"].to_list() == ["exact", "exact"]


def test_match_skips_title_lines_and_names_data_rows_from_the_header(tmp_path):
    source, out = tmp_path / "customers.csv", tmp_path / "out.csv"
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines()
    source.write_text("Customers, December\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = _run("match", "--input", str(source), "--spec", str(SPEC), "--output", str(out), "--skip-rows", "2")
    assert result.exit_code == 0, result.output
    plain = tmp_path / "plain.csv"
    assert _run("match", "--input", str(CUSTOMERS), "--spec", str(SPEC), "--output", str(plain)).exit_code == 0
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain, infer_schema=False))
    lines[3] = "," + lines[3].split(",", 1)[1]  # data row 3 (under the header, the title lines not counted): no id
    source.write_text("Customers, December\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    refused = _run("match", "--input", str(source), "--spec", str(SPEC), "--output", str(out), "--skip-rows", "2")
    assert "1 rows have no 'customer_id' (data rows [3])" in refused.output, refused.output


def test_a_sheet_skips_its_title_rows_and_other_files_refuse_the_option(tmp_path):
    source, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["DANH SÁCH HỘ DÂN"])
    sheet.write_row(1, 0, ["id", "address"])
    sheet.write_row(2, 0, ["1", "Phường 5, Quận 3"])
    book.close()
    result = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out), "--skip-rows", "1")
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1"]
    data = tmp_path / "in.json"
    data.write_text(json.dumps([{"address": "x"}]), encoding="utf-8")
    refused = _run("resolve", "--input", str(data), "--column", "address", "--output", str(out), "--skip-rows", "1")
    assert refused.exit_code == 2 and "--skip-rows is for a CSV or a workbook" in refused.output
