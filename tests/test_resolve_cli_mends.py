"""`wardbridge resolve`: an output folder that does not exist is created and said so on stderr (it was
created silently); a CSV with a broken quoted field names the file and the line where that row starts
(the error named neither the line nor the cause), never a cell value."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.encodings import encode_tcvn3

HEADER = "id,address\n"
GOOD = '1,"12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"\n'
SECRET = "45 đường số 7, P12"  # the value of the broken cell: never printed


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_missing_output_folder_is_created_and_said(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "new" / "deeper" / "out.parquet"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"created the folder {out.parent}" in result.output
    assert pl.read_parquet(out)["new_name"].to_list() == ["Phường Sài Gòn"]
    again = _resolve(source, out)  # the folder exists now: nothing to say
    assert again.exit_code == 0 and "created the folder" not in again.output


def test_quote_never_closed_names_file_and_line(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + GOOD + f'2,"{SECRET}\n3,"Phường Tân Định, TP.HCM"\n4,123 Lê Lợi\n', encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert f"{source}: line 3: a quoted field" in result.output and "not closed" in result.output
    assert SECRET not in result.output and "Tân Định" not in result.output
    assert not out.exists()


def test_quote_open_at_the_end_names_its_line(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + GOOD * 3 + f'5,"{SECRET}\n', encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert f"{source}: line 5: a quoted field" in result.output
    assert SECRET not in result.output


def test_quote_in_a_tcvn3_file_names_its_line(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    text = HEADER + GOOD + GOOD + f'3,"{SECRET}\n4,"Phường Tân Định, TP.HCM"\n'
    source.write_bytes(encode_tcvn3(text))
    result = _resolve(source, out)
    assert result.exit_code == 1
    assert "read as tcvn3" in result.output
    assert f"{source}: line 4: a quoted field" in result.output
    assert SECRET not in result.output
