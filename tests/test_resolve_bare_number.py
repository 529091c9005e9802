"""A number alone is not an address. `wardbridge resolve --column` on a Parquet column of integers (12) read each
as "Quận 12" (reason 'ward not found in Quận 12', exit 0), and a text cell "12" the same. The address column must
hold text now (a numeric, boolean or date column is refused, exit 2, naming the column and its type); a text cell
holding one number and nothing else comes back unresolved saying so. Unit columns may still hold numbers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.resolve import BARE_NUMBER_REASON, resolve_addresses


def _run(tmp_path, frame: pl.DataFrame, *options: str):
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame.write_parquet(source)
    result = CliRunner().invoke(main, ["resolve", "--input", str(source), *options, "--output", str(out)])
    return result, out


@pytest.mark.parametrize(
    "values", [[12, 5, None], [12.0, 7.5], [True, False], [date(2020, 1, 1)]], ids=["int", "float", "bool", "date"]
)
def test_a_non_text_address_column_is_refused(tmp_path, values):
    frame = pl.DataFrame({"address": values})
    result, out = _run(tmp_path, frame, "--column", "address")
    assert result.exit_code == 2, result.output
    dtype = str(frame.schema["address"])
    assert f"column 'address' of {tmp_path / 'in.parquet'} has type {dtype}" in result.output
    assert "must hold text" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_numbers_in_unit_columns_are_still_read(tmp_path):
    frame = pl.DataFrame({"ward": [12, 5], "district": ["Quận 3", "Quận 5"]})
    result, out = _run(tmp_path, frame, "--ward-column", "ward", "--district-column", "district")
    assert result.exit_code == 0, result.output
    got = pl.read_parquet(out)
    assert got["status"].to_list() == ["exact", "exact"]
    assert got["old_name"].to_list() == ["Phường 12", "Phường 5"]


BARE = ["12", "-12", "# 12", "0012", "(7)", "12;", ",12", "\x00\x01.,12", " 9 "]
NOT_BARE = ["12, hcm", "12.0", "7/5", "12a", "#" * 600 + "12"]  # the last: too long to be an address


@pytest.mark.parametrize("by_tail", [True, False])
def test_a_number_alone_is_unresolved_saying_so(by_tail):
    got = resolve_addresses(pl.Series(BARE + NOT_BARE), by_tail=by_tail)
    assert got["status"].to_list() == ["unresolved"] * len(BARE + NOT_BARE)
    reasons = got["reason"].to_list()
    assert reasons[: len(BARE)] == [BARE_NUMBER_REASON] * len(BARE)
    assert BARE_NUMBER_REASON not in reasons[len(BARE) :]
    assert reasons[-1].startswith("input too long")


def test_a_text_cell_holding_a_number_in_the_cli(tmp_path):
    frame = pl.DataFrame({"address": ["12", "Phường 12, Quận 3, TP.HCM", "7"]})
    result, out = _run(tmp_path, frame, "--column", "address")
    assert result.exit_code == 0, result.output
    got = pl.read_parquet(out)
    assert got["status"].to_list() == ["unresolved", "exact", "unresolved"]
    assert got["reason"][0] == got["reason"][2] == BARE_NUMBER_REASON


def test_a_number_with_its_district_still_reads():
    got = resolve_addresses(pl.Series(["12, 3", "22, Quận Bình Thạnh"]))
    assert got["status"].to_list() == ["exact", "exact"]
