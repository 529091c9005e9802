"""The bundled sample's warehouse after the session's one `wardbridge run`, for the marts tests.

The run is tests/runhelpers.py's ``session_sample_run``: a real ``wardbridge run --json`` process over every
catalogue extract (wardbridge_main, ingest_<registry>, entities, review, marts, exports with a key, report) on a
persistent Dagster instance, the same run the ``sample_run`` fixture (tests/conftest.py) hands to the CLI's tests.
The marts tests read its warehouse (shared: copy it before writing) and its runs, read back from the instance's
event log as Dagster execution results (``success``, ``dagster_run``, check evaluations, materialisations).
Cached, so one session builds the sample once (tests/conftest.py schedules the files sharing it on one worker).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster._core.execution.execution_result import ExecutionResult

from assets.definitions import defs
from tests.runhelpers import session_sample_run


class RecordedRun(ExecutionResult):
    """A finished run of the instance as an execution result: its events as the event log recorded them."""

    def __init__(self, job_def: dg.JobDefinition, dagster_run: dg.DagsterRun, events: Sequence[dg.DagsterEvent]):
        self._job_def, self._dagster_run, self._events = job_def, dagster_run, list(events)

    @property
    def job_def(self) -> dg.JobDefinition:
        return self._job_def

    @property
    def dagster_run(self) -> dg.DagsterRun:
        return self._dagster_run

    @property
    def run_id(self) -> str:
        return self._dagster_run.run_id

    @property
    def all_events(self) -> Sequence[dg.DagsterEvent]:
        return self._events

    def _get_output_for_handle(self, handle, output_name):  # noqa: ANN001, ANN202 - outputs are not stored
        raise NotImplementedError("a recorded run keeps no outputs")


@functools.cache
def sample_marts(base: Path) -> tuple[Path, dict[str, RecordedRun]]:
    run = session_sample_run(base)
    assert run.proc.returncode == 0, run.proc.stderr[-5000:]
    results = {}
    with contextlib.chdir(run.home), dg.DagsterInstance.from_config(str(run.home)) as instance:
        for record in instance.get_run_records():
            dagster_run = record.dagster_run
            if dagster_run.run_id == run.stale:  # the killed process's run the CLI marked failed
                continue
            assert dagster_run.job_name not in results, dagster_run.job_name  # one run per job
            events = [entry.dagster_event for entry in instance.all_logs(dagster_run.run_id) if entry.dagster_event]
            results[dagster_run.job_name] = RecordedRun(defs.resolve_job_def(dagster_run.job_name), dagster_run, events)
    return run.warehouse, results
