"""`wardbridge resolve --as-of COLUMN` with cells that are written but are not dates (31/02/2025, a two-digit year,
words): such a row is read as undated and its reason says 'no date', as for an empty cell, and the run said nothing,
so a column of typos passed for missing dates. The run now counts them and names their rows, never a value."""

from __future__ import annotations

from click.testing import CliRunner

from pipelines.cli import main

ADDRESS = '"Phường Tân Định, TP.HCM"'


def _resolve(tmp_path, dates: list[str]):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,dia_chi,ngay\n" + "".join(f"{i},{ADDRESS},{d}\n" for i, d in enumerate(dates, 1)))
    args = ["resolve", "--input", str(source), "--column", "dia_chi", "--as-of", "ngay", "--output", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_unreadable_dates_are_counted_and_named_by_row(tmp_path):
    output = _resolve(tmp_path, ["31/02/2025", "1/8/25", "", "2025-08-01", "hôm qua", "01/08/2025"])
    assert "--as-of column 'ngay': 3 of 6 cell(s) are written but not dates (rows 1, 2, 5;" in output, output
    assert "those rows are read as undated" in output
    assert not [v for v in ("31/02/2025", "1/8/25", "hôm qua") if v in output]


def test_readable_or_empty_dates_say_nothing(tmp_path):
    assert "not dates" not in _resolve(tmp_path, ["2025-08-01", "", "01/06/2025", "2025-09-15T08:00:00"])
