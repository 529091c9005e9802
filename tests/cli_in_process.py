"""``wardbridge`` run in the test's own process (click's CliRunner), answering as tests/test_cli.py's ``wardbridge``
does (a CompletedProcess: returncode, stdout, stderr): for the tests about what a command computes or says, not
about the process (its imports cost 1-2 CPU s a run). Each file keeps real-process runs for the exit codes and
stderr of a real process.

An exception the command does not turn into a message and an exit code is raised here (a real process would print
its traceback and exit 1): the test fails on it, where a subprocess's test looked for "Traceback" in stderr. The
run's log lines (logging.basicConfig on stderr, as the command sets it in a process of its own) go to the captured
stderr: the root logger's handlers are set aside for the run and put back after it."""

from __future__ import annotations

import logging
import subprocess

from click.testing import CliRunner


def wardbridge_in_process(*args: str) -> subprocess.CompletedProcess:
    # `run` sets $WARDBRIDGE_CATALOGUE and $DAGSTER_HOME and changes directory for the rest of its process: in the
    # test's process that reached the tests after it (test_entity_assets saw a one-source catalogue)
    assert args[:1] != ("run",), "wardbridge run changes its process's environment: run it as a real process"
    from assets.cli import main  # the console script's command group (pyproject's [project.scripts])

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
    return subprocess.CompletedProcess(["wardbridge", *args], result.exit_code, result.stdout, result.stderr)
