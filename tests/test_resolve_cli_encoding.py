"""`wardbridge resolve --encoding vni|tcvn3|cp1258` on a file that is in fact UTF-8 Vietnamese.

Read as declared, every letter of a UTF-8 file becomes two or three wrong ones (TCVN3 and VNI give every byte
a letter, so nothing fails): the output's address column came back garbled and nearly nothing resolved, with
exit 0. Ingestion reads such a file as UTF-8 and says so; resolve now does the same.
"""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main

ROWS = 'id,address\n1,"12 Nguyễn Huệ, Phường Sài Gòn, TP.HCM"\n2,"P. Bến Nghé, Q.1, TP.HCM"\n'


@pytest.mark.parametrize("declared", ["vni", "tcvn3", "cp1258"])
def test_utf8_file_declared_legacy_is_read_as_utf8(tmp_path, declared):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(ROWS, encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--encoding", declared, "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"read as utf-8 (declared {declared})" in result.output
    got = pl.read_csv(out, infer_schema=False)
    assert got["address"].to_list() == pl.read_csv(source, infer_schema=False)["address"].to_list()  # not garbled
    assert got["new_name"].to_list() == ["Phường Sài Gòn", "Phường Sài Gòn"]


def test_utf16_file_declared_legacy_is_read_as_utf16(tmp_path):
    """Excel's "Unicode text" (UTF-16 with its byte order mark) declared vni: read as UTF-16."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(ROWS, encoding="utf-16")
    args = ["resolve", "--input", str(source), "--column", "address", "--encoding", "vni", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "read as utf-16 (declared vni)" in result.output
    assert pl.read_csv(out, infer_schema=False)["new_name"].to_list() == ["Phường Sài Gòn", "Phường Sài Gòn"]


def test_ascii_file_declared_legacy_is_read_as_declared(tmp_path):
    """Plain ASCII is the same in every encoding: no message, read as declared."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text('id,address\n1,"P. Ben Nghe, Q.1, TP.HCM"\n', encoding="ascii")
    args = ["resolve", "--input", str(source), "--column", "address", "--encoding", "vni", "--output", str(out)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "(declared" not in result.output
    assert pl.read_csv(out, infer_schema=False)["new_name"].to_list() == ["Phường Sài Gòn"]
