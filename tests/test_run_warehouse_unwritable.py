"""`wardbridge run --warehouse PATH` where the warehouse cannot be made (a file in its path): every run started and
every step failed on it ('6 of 6 runs failed' with a FileNotFoundError each, exit 1), and the summary went on to
suggest queries on the warehouse that was never made. Now nothing runs: one line says why, exit 3 ('nothing ran',
as for a catalogue that cannot be loaded), and no Dagster instance is touched."""

from __future__ import annotations

from click.testing import CliRunner

from assets.cli import main


def test_a_warehouse_that_cannot_be_made_stops_before_any_run(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    home = tmp_path / "dagster_home"
    warehouse = tmp_path / "notes.txt" / "warehouse"
    args = ["run", "--warehouse", str(warehouse), "--dagster-home", str(home)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    assert f"nothing ran: the warehouse {warehouse} cannot be made or written: Not a directory" in result.output
    assert not home.exists()  # no instance made, no run started
