"""Ctrl-C while `wardbridge run` printed its summary (the runs done, the signal handling of the runs over) ended in a
Python traceback (KeyboardInterrupt in the summary's printing) and exit 1. Now one line and exit 130, as a Ctrl-C
during the runs; a reader that goes away (`wardbridge run | head -1`) ends it quietly too."""

from __future__ import annotations

import signal
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import assets.cli as cli


def _summary(fail: type[BaseException]) -> SimpleNamespace:
    def lines(errors_only: bool = False) -> list[str]:
        raise fail()

    return SimpleNamespace(success=True, lines=lines, as_dict=lambda: {"success": True})


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # run() changes into the Dagster home: put back afterwards
    for name in ("DAGSTER_HOME", "WARDBRIDGE_CATALOGUE", "WARDBRIDGE_DECISIONS_DIR", "WARDBRIDGE_LANDING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # restored by monkeypatch after run() sets it
    monkeypatch.setattr(cli, "private_umask", lambda: 0)
    monkeypatch.setattr(cli, "_check_pseudonym_key", lambda: None)
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield lambda: CliRunner().invoke(
        cli.run, ["--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")]
    )
    signal.signal(signal.SIGINT, previous[0])
    signal.signal(signal.SIGTERM, previous[1])


def test_ctrl_c_while_the_summary_prints_is_one_line_and_exit_130(run, monkeypatch):
    monkeypatch.setattr(cli, "_run_all", lambda *a, **k: _summary(KeyboardInterrupt))
    result = run()
    assert result.exit_code == 130, (result.output, result.exception)
    assert "Traceback" not in result.output and "KeyboardInterrupt" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("wardbridge: interrupted")]
    assert len(lines) == 1 and "summary" in lines[0], result.output


def test_a_closed_pipe_while_the_summary_prints_ends_quietly(run, monkeypatch):
    monkeypatch.setattr(cli, "_run_all", lambda *a, **k: _summary(BrokenPipeError))
    result = run()
    assert result.exit_code == 0, (result.output, result.exception)  # the runs succeeded; the reader left
    assert "Traceback" not in result.output
