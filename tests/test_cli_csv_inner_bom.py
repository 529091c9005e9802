"""A byte order mark in the middle of a CSV (exports joined together: `copy /b a.csv + b.csv`, each saved by Excel as
'CSV UTF-8' with its mark) stuck to the first cell of its row in `wardbridge resolve`/`match`: an id '\\ufeff2' was
written out with an invisible mark and met no '2' (a --previous entity id, a --labels pair: lost silently). Ingestion
takes such marks out (readers._read_csv). The CLI now takes the mark off the row's first cell (said on stderr with
the data rows, never a value), as it takes NULs out."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

ROWS = ['1,"12 Lê Lợi, Phường Bến Nghé, Quận 1"\n', '2,"5 Hai Bà Trưng, Phường 6, Quận 3"\n', "3,Phường 5 Quận 3\n"]


def _resolve(source, out):
    args = ["resolve", "--input", str(source), "--column", "dia_chi", "--output", str(out)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_a_mark_inside_the_file_is_taken_off_its_row(tmp_path):
    source, out = tmp_path / "joined.csv", tmp_path / "out.csv"
    source.write_bytes(("\ufeffid,dia_chi\n" + ROWS[0] + "\ufeff" + ROWS[1] + '\ufeff"3",Phường 5 Quận 3\n').encode())
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2", "3"]
    assert "a byte order mark at the start of 2 rows (data rows 2, 3)" in result.output, result.output
    assert "Lê Lợi" not in result.output


def test_a_file_without_one_says_nothing(tmp_path):
    source, out = tmp_path / "plain.csv", tmp_path / "out.csv"
    source.write_bytes(("\ufeffid,dia_chi\n" + "".join(ROWS)).encode())
    result = _resolve(source, out)
    assert result.exit_code == 0 and "byte order mark" not in result.output, result.output
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["1", "2", "3"]
