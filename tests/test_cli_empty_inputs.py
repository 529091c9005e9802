"""`wardbridge resolve`/`match` on inputs that hold nothing to read. A CSV of NUL bytes only (a zero-filled file: a
copy that never finished) was read as a header of NULs and stopped with "column 'address' not found ...; its columns
are: " followed by the raw NUL characters written to the terminal; ingestion says "holds only NUL bytes". A workbook
whose first sheet is empty stopped with "sheet 'Empty' is empty" without saying the sheets that hold data."""

from __future__ import annotations

import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import main


def _resolve(source, out):
    return CliRunner().invoke(main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)])


def test_a_csv_of_nul_bytes_is_said_as_such(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"\x00" * 5000)
    result = _resolve(source, tmp_path / "o.csv")
    assert result.exit_code == 1, result.output
    assert "holds only NUL bytes" in result.output and "\x00" not in result.output, result.output
    assert not (tmp_path / "o.csv").exists()


def test_an_empty_first_sheet_names_the_others(tmp_path):
    source = tmp_path / "in.xlsx"
    book = xlsxwriter.Workbook(str(source))
    book.add_worksheet("Trống")
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["id", "address"])
    sheet.write_row(1, 0, ["1", "12 Lê Lợi, Phường Bến Nghé, Quận 1"])
    book.close()
    result = _resolve(source, tmp_path / "o.csv")
    assert result.exit_code == 1, result.output
    assert "sheet 'Trống' is empty" in result.output and "--sheet" in result.output and "'Data'" in result.output
    again = CliRunner().invoke(
        main,
        [
            "resolve",
            "--input",
            str(source),
            "--sheet",
            "Data",
            "--column",
            "address",
            "--output",
            str(tmp_path / "o.csv"),
        ],
    )
    assert again.exit_code == 0, again.output


def test_a_json_item_that_is_no_object_is_named_in_jsons_words(tmp_path):
    """'item 1 of the array is a int', 'line 2 is a NoneType': Python's type names; now JSON's."""
    for name, text, said in (
        ("a.json", "[1, 2]", "item 1 of the array is a number, not an object"),
        ("b.json", '[{"address": "x"}, null]', "item 2 of the array is null, not an object"),
        ("c.jsonl", '{"address": "x"}\n"y"\n', "line 2 is a text, not an object"),
        ("d.jsonl", '{"address": "x"}\n[1]\n', "line 2 is an array, not an object"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = _resolve(tmp_path / name, tmp_path / "o.csv")
        assert result.exit_code == 1 and said in result.output, result.output
