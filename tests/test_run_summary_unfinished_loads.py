"""`wardbridge run`'s summary names the partitions whose ingest status still says 'loading' once its jobs have ended
(a load killed, out of memory or on a full disk between its raw, staged and quarantine files: 967f9cc), and says what
to do. Before, the summary said nothing of them: the report and the exports named them, the run's summary did not."""

from __future__ import annotations

import json

from assets.progress import RunSummary
from pipelines.ingest.status import PartitionStatus, mark_loading, write_status
from pipelines.warehouse import Warehouse

KEY = "households_900@2025-08-31"
FILE = "households/households_900_20250831.csv"
RUN = "bf6b388b-1111-2222-3333-444455556666"


def _summary(tmp_path, catalogued: set[str] | None = None) -> RunSummary:  # noqa: ANN001
    wh = Warehouse(tmp_path / "wh")
    mark_loading(wh, "households", KEY, FILE, RUN)  # its run went no further
    mark_loading(wh, "households", "households_900@2025-07-31", FILE, "r2")
    write_status(wh, PartitionStatus("households_900@2025-07-31", "households", "ok", None, FILE, 381, 381, 0, "r3"))
    write_status(wh, PartitionStatus("tax_905@2025-08-31", "tax", "failed", "cannot read", "tax/t.csv", run_id="r4"))
    summary = RunSummary(warehouse=wh.root, home=tmp_path)
    summary.read_unfinished_loads({KEY} if catalogued is None else catalogued)
    return summary


def test_the_summary_names_each_unfinished_load_and_what_to_do(tmp_path):
    summary = _summary(tmp_path)
    text = "\n".join(summary.lines())
    assert f"LOADING {KEY} ({FILE}): its load by run bf6b388b did not finish" in text
    assert "households_900@2025-07-31" not in text  # loaded again since: 'ok'
    assert "tax_905" not in text  # failed, not unfinished (its ingest run's check names it)
    assert "run `wardbridge run` again" in text and "ingest_households" in text
    assert f"LOADING {KEY}" in "\n".join(summary.lines(errors_only=True))  # --quiet says it too
    assert json.loads(json.dumps(summary.as_dict(), default=str))["unfinished_loads"] == [
        {"registry": "households", "partition": KEY, "file": FILE, "run_id": RUN, "in_catalogue": True}
    ]
    assert "not in this run's catalogue" not in text


def test_a_partition_outside_this_runs_catalogue_is_not_loaded_by_running_it_again(tmp_path):
    summary = _summary(tmp_path, catalogued=set())  # a run of a catalogue without that source
    text = "\n".join(summary.lines())
    assert f"LOADING {KEY}" in text
    assert (
        "not in this run's catalogue: run `wardbridge run` with a catalogue holding its source, or launch "
        "ingest_households for it in the Dagster UI"
    ) in text


def test_no_unfinished_load_no_line(tmp_path):
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    summary.read_unfinished_loads()  # no warehouse yet
    assert summary.unfinished == [] and not any("LOADING" in line for line in summary.lines())


def test_an_unfinished_load_fails_the_run_with_exit_1(tmp_path):
    """Every job succeeded, but a partition still says 'loading': its rows are not counted as read, so `wardbridge
    run` says FAILED and exits 1 (before, 0: a scheduler's wrapper saw a success)."""
    summary = _summary(tmp_path)
    summary.runs.append({"job": "wardbridge_main", "run_id": "r5", "success": True, "seconds": 1.0})
    assert not summary.success
    assert summary.as_dict()["exit_code"] == 1
    head = summary.lines(errors_only=True)[0]
    assert "FAILED (0 of 1 runs failed, 1 load(s) did not finish)" in head, head
    summary.unfinished = []  # the same run without it: a success
    assert summary.success and summary.as_dict()["exit_code"] == 0
