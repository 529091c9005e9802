"""A reader of ``wardbridge run``'s stderr that goes away (``wardbridge run 2>&1 | head -9``, a watcher that exits)
does not stop the runs: the progress lines stop quietly, the runs go on to their normal end and exit code.

Before: the next line ``wardbridge run`` said between two runs raised BrokenPipeError, click ended the command with
exit 1, and the runs after it did not start (HD1 measured it on the sample: with ``| head -9`` only wardbridge_main and
two ingest runs ran). The real-process test reads one sample extract cut to 150 records (tests/samplecut.py, as
tests/test_run_interrupted.py): 6 runs, about 17 s here."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess

import dagster as dg

from assets import closed_stderr
from assets.progress import ProgressHandler
from tests.runhelpers import WARDBRIDGE, clean_env, dagster_home
from tests.samplecut import cut_sample_catalogue


def test_a_closed_stderr_stops_the_progress_lines_and_the_runs_go_on_to_their_end(tmp_path):
    home, warehouse = dagster_home(tmp_path), tmp_path / "wh"
    catalogue = cut_sample_catalogue(tmp_path, {"population_718": 150})
    out = tmp_path / "out.json"
    env = {**clean_env(None), "WARDBRIDGE_DECISIONS_DIR": str(tmp_path / "decisions")}
    with out.open("w") as stdout:
        proc = subprocess.Popen(
            [str(WARDBRIDGE), "run", "--dagster-home", str(home), "--warehouse", str(warehouse), "--json"]
            + ["--catalogue", str(catalogue)],
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
        )
        try:
            first = proc.stderr.readline()  # then the reader goes away, as `| head -1` would
            proc.stderr.close()
            code = proc.wait(timeout=600)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert first.startswith(b"wardbridge: 6 runs on the Dagster instance"), first
    summary = json.loads(out.read_text())  # stdout (--json) is whole: only stderr's reader left
    assert code == 0 and summary["success"] is True, summary["problems"]
    jobs = [r["job"] for r in summary["runs"]]
    assert jobs == [
        "wardbridge_main",
        "ingest_population",
        "wardbridge_entities",
        "wardbridge_review",
        "wardbridge_marts",
        "wardbridge_report",
    ]
    assert all(r["success"] for r in summary["runs"])
    assert any(note.startswith("the progress lines stopped part-way") for note in summary["notes"])
    with contextlib.chdir(home), dg.DagsterInstance.from_config(str(home)) as instance:
        statuses = {r.job_name: r.status for r in instance.get_runs()}
    assert set(statuses) == set(jobs) and set(statuses.values()) == {dg.DagsterRunStatus.SUCCESS}
    assert (warehouse / "reports" / "latest.html").is_file()


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        self.tries = getattr(self, "tries", 0) + 1
        raise BrokenPipeError(32, "Broken pipe")


def _record(message: str) -> logging.LogRecord:
    record = logging.LogRecord("wardbridge", logging.WARNING, __file__, 1, message, None, None)
    record.dagster_meta = {"step_key": "staged_population", "orig_message": message}
    return record


def test_the_progress_handler_stops_quietly_at_a_closed_pipe(monkeypatch):
    monkeypatch.setattr(closed_stderr, "GONE", False)
    stream = _ClosedPipe()
    handler = ProgressHandler(logging.WARNING, stream=stream)
    handled = []
    monkeypatch.setattr(handler, "handleError", handled.append)  # logging's error report: it would print a traceback
    handler.emit(_record("first warning"))
    handler.emit(_record("second warning"))
    assert closed_stderr.GONE and stream.tries == 1 and handled == []  # tried once, then no more writes


def test_gone_points_every_watched_copy_of_the_pipe_at_devnull(monkeypatch):
    monkeypatch.setattr(closed_stderr, "GONE", False)
    monkeypatch.setattr(closed_stderr, "_WATCHED", set())
    read, write = os.pipe()
    copy, other_read, other = os.dup(write), *os.pipe()
    try:
        closed_stderr.watch(copy)
        closed_stderr.watch(other)
        os.close(read)  # the reader goes away
        stream = os.fdopen(write, "w", closefd=False)
        try:
            stream.write("line\n")
            stream.flush()
        except BrokenPipeError:
            closed_stderr.gone(stream)
        assert closed_stderr.GONE
        stream.close()  # its unwritten line goes to /dev/null now (closefd=False: the descriptor stays)
        assert os.write(write, b"more") == 4 and os.write(copy, b"more") == 4  # /dev/null takes them
        os.write(other, b"x")
        assert os.read(other_read, 1) == b"x"  # another pipe of the process is left as it was
    finally:
        for fd in (write, copy, other_read, other):
            os.close(fd)
