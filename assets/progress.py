"""What ``wardbridge run`` prints: a Dagster logger for progress and actionable warnings, and the run summary.

``progress_logger`` is a Dagster logger (run config ``loggers: {wardbridge_progress: ...}``): one line per
finished step (ok / FAILED, seconds), a retry line when a transient source error is retried, and the
warnings of the steps (Dagster's ``context.log.warning`` and the engine's ``wardbridge.*`` Python loggers,
which dagster.yaml hands to Dagster: ``python_logs.managed_python_loggers``), so they also reach the event
log. Errors are not printed while running: the summary names each failed check or step once, with the run
that holds its full error and trace. Nothing goes to stdout.

``RunSummary`` gathers, from the finished runs' events, rows per stage and registry, checks, failures and
where the outputs are; ``lines()`` renders it for people, ``as_dict()`` for ``--json``.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from assets import closed_stderr

PROGRESS_LOGGER = "wardbridge_progress"
MAX_WARNINGS_PER_STEP = 3
# the end of wardbridge run's note when no pseudonym key is set; left out of the summary when no marts were published
DEVELOPMENT_KEY_CLAUSE = "; the marts used a development pseudonym key."
STAGES = ("raw", "staged", "quarantined", "under_review", "merged", "entities", "match_review")
STAGE_TITLES = {
    "raw": "raw",
    "staged": "staged",
    "quarantined": "quarantined",
    "under_review": "under review",
    "merged": "merged",
    "entities": "entities",
    "match_review": "match review",
}


def _short(text: str | None, limit: int = 300) -> str:
    """The first line of a message, cut to ``limit`` characters."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _warning_text(message: str) -> str:
    """A Python warning captured as a log record reads 'path:line: UserWarning: text\\n  warnings.warn(...)'."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    for marker in ("Warning: ",):
        if marker in first:
            return first.split(marker, 1)[1]
    return message.strip()


# Where the progress lines go. Dagster captures a step's stdout/stderr (compute logs) through a tee
# process and drops what is still in it when the capture ends: `wardbridge run` sets this to a copy of
# the terminal's stderr taken before any run, which the capture does not touch.
STREAM = None
PRINTED: set[tuple[str | None, str]] = set()  # (run id, step) whose outcome line was printed while running


INTERRUPTIONS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")  # a step's error class when Ctrl-C stopped it


def step_line(event) -> str:  # noqa: ANN001 - DagsterEvent STEP_SUCCESS / STEP_FAILURE
    if event.event_type == dg.DagsterEventType.STEP_SUCCESS:
        return f"  ok      {event.step_key:<34}{event.event_specific_data.duration_ms / 1000:7.1f}s"
    error = getattr(event.event_specific_data, "error", None)
    if error is not None and error.cls_name in INTERRUPTIONS:
        return f"  STOPPED {event.step_key:<34}  (interrupted)"  # wardbridge run stops: no summary follows
    return f"  FAILED  {event.step_key:<34}  (why: in the summary below)"


def missed_step_lines(result) -> list[str]:  # noqa: ANN001 - ExecuteJobResult
    """The outcome lines of the run's steps the logger did not print (a record can miss a logger)."""
    kinds = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
    events = [e for e in result.all_events if e.event_type in kinds]
    return [step_line(e) for e in events if (result.run_id, e.step_key) not in PRINTED]


class ProgressHandler(logging.Handler):
    """Turns Dagster's log records into the progress lines of ``wardbridge run`` (stderr)."""

    def __init__(self, verbosity: int, stream=None) -> None:  # noqa: ANN001 - text stream
        super().__init__(logging.DEBUG)
        self.verbosity = verbosity  # logging level of the steps' own messages to show (WARNING by default)
        self.stream = stream or STREAM or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.warnings: dict[str, int] = {}
        self.pending = False

    def _out(self, text: str) -> None:
        """``text`` on the stream, or nothing once its reader went away (``wardbridge run 2>&1 | head -9``): the
        first closed-pipe write stops the progress lines quietly and the runs go on (assets/closed_stderr.py);
        before, the next line ``wardbridge run`` said between two runs ended it with exit 1."""
        if closed_stderr.GONE:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            closed_stderr.gone(self.stream)

    def _write(self, line: str) -> None:
        if self.pending:  # erase the transient "running ..." line
            self.pending = False
            self._out("\r\033[K" + line + "\n")
        else:
            self._out(line + "\n")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._emit(record)
        except Exception:  # noqa: BLE001 - a display problem must never fail a run
            self.handleError(record)

    def _emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is not None:
            kind = event.event_type
            if kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                PRINTED.add((meta.get("run_id"), step))
            if kind == dg.DagsterEventType.STEP_START and self.tty:
                self._out(f"\r\033[K  ...     {step}")
                self.pending = True
            elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                self._write(step_line(event))
            elif kind == dg.DagsterEventType.STEP_UP_FOR_RETRY:
                data = event.event_specific_data
                if getattr(getattr(data, "error", None), "cls_name", None) in INTERRUPTIONS:
                    return  # Ctrl-C: the step's retry policy offers a retry, but wardbridge run stops (no retry line)
                wait = f" in {data.seconds_to_wait:.0f}s" if data.seconds_to_wait else ""
                self._write(f"  retry   {step:<34}  transient source error, trying again{wait}")
            elif self.verbosity <= logging.DEBUG:
                self._write(f"    {step or meta.get('job_name', '')}: {_short(meta.get('orig_message'), 200)}")
            return
        message = str(meta.get("orig_message", record.getMessage()))
        if record.levelno >= logging.ERROR:
            if self.verbosity <= logging.INFO:  # asked for everything; otherwise the summary has it
                self._write(f"    {step}: error: {_short(message, 500)}")
            return
        if record.levelno >= logging.WARNING:
            seen = self.warnings[step] = self.warnings.get(step, 0) + 1
            if seen <= MAX_WARNINGS_PER_STEP or self.verbosity <= logging.INFO:
                self._write(f"  warning {step}: {_short(_warning_text(message), 400)}")
            elif seen == MAX_WARNINGS_PER_STEP + 1:
                self._write(f"  warning {step}: more warnings in the event log (--log-level INFO prints them)")
            return
        if record.levelno >= self.verbosity:
            lines = message.strip().splitlines() or [""]
            self._write(f"    {step}: {lines[0]}")
            for line in lines[1:]:
                self._write(f"      {line}")


class _ProgressLogger(logging.Logger):
    """A logger outside logging's registry whose own level alone decides. With ``logging.Logger``'s
    ``isEnabledFor`` (global ``logging.disable`` state, a cache that logging clears for registered loggers
    only) the second of two runs in one process printed no progress lines at all."""

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - logging's name
        return level >= self.level


@dg.logger(
    config_schema={
        "log_level": dg.Field(str, default_value="WARNING", description="Steps' own messages shown from this level."),
        "quiet": dg.Field(bool, default_value=False, description="Print nothing while running."),
    },
    description="wardbridge run's progress: one line per step, actionable warnings; errors go to the summary.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = _ProgressLogger(PROGRESS_LOGGER, level=logging.DEBUG)
    if init_context.logger_config["quiet"]:
        logger.addHandler(logging.NullHandler())  # without a handler Python's last resort would print errors
    else:
        logger.addHandler(ProgressHandler(logging.getLevelName(init_context.logger_config["log_level"])))
    return logger


# --------------------------------------------------------------------------- the summary


def _query(database: Path | str, sql: str) -> str:
    """A command that shows ``sql`` on ``database`` read-only with what `uv sync` installs (DuckDB's Python
    package; the ``duckdb`` CLI is a separate program). ``file_search_path`` is the database's folder: the
    raw/staged/quarantine views (and review.*_flagged over them) name their Parquet files relative to it. The
    project is named (``--project``), as in the UI hint: pasted outside the repository, a bare `uv run python`
    finds no project and fails with "No module named 'duckdb'"."""
    from pipelines.warehouse import REPO_ROOT

    folder = json.dumps(str(Path(database).resolve().parent))
    code = (
        f"import duckdb; duckdb.connect({json.dumps(str(database))}, read_only=True, "
        f'config={{"file_search_path": {folder}}}).sql({json.dumps(sql)}).show()'
    )
    return f"uv run --project {shlex.quote(str(REPO_ROOT))} python -c {shlex.quote(code)}"


def _duckdb_cli(database: Path) -> str:
    """The DuckDB CLI command opening ``database`` read-only from any folder: ``file_search_path`` set to its
    folder first (the views name their Parquet files relative to it), paths quoted for the shell."""
    folder = str(Path(database).resolve().parent).replace("'", "''")
    setting = f"SET file_search_path = '{folder}'"
    # in double quotes when the shell would read nothing in it (the usual path): easier to read than shlex's
    quoted = f'"{setting}"' if not set(setting) & set('"$`\\!') else shlex.quote(setting)
    return f"duckdb -readonly -cmd {quoted} {shlex.quote(str(database))}"


# a failed step's message when it read a Parquet file that is not whole (Polars, PyArrow and DuckDB word it apart);
# none of them names the file, so the summary looks for it
PARQUET_READ_ERROR = re.compile(
    r"magic bytes|PAR1|out of specification|parquet.*(corrupt|footer|thrift)", re.IGNORECASE
)
PARQUET_MAGIC = b"PAR1"


def damaged_parquet(warehouse: Path) -> list[str]:
    """The warehouse's Parquet files (paths relative to it, sorted) that are not whole: shorter than a Parquet
    file can be, or without its 'PAR1' marker at the start and at the end (cut off by a full disk, a copy
    stopped half-way, a disk fault). Reads 8 bytes of each file."""
    found = []
    for path in sorted(warehouse.glob("**/*.parquet")):
        if any(part.startswith(".") for part in path.relative_to(warehouse).parts):
            continue  # a file being written aside (.<name>.partial-...) is not published yet
        try:
            with path.open("rb") as f:
                head = f.read(4)
                size = f.seek(0, 2)
                f.seek(max(size - 4, 0))
                tail = f.read(4)
        except OSError:
            continue  # a file that vanished or cannot be opened is another step's error
        if size < 12 or head != PARQUET_MAGIC or tail != PARQUET_MAGIC:
            found.append(str(path.relative_to(warehouse)))
    return found


def _step_failure_why(data) -> str:  # noqa: ANN001 - dagster StepFailureData
    """Why a step failed: its own failure description, else the user code's exception ("Class: text", not Dagster's
    wrapper nor the module path)."""
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause  # the user code's exception, not Dagster's wrapper
    message = (error.message or "").strip() if error else "unknown error"
    prefix = message.split(": ", 1)[0]
    if error is not None and prefix.endswith(error.cls_name):  # "module.Class: text" -> "Class: text"
        message = message[len(prefix) - len(error.cls_name) :]
    return message


@dataclass
class Problem:
    job: str
    run_id: str
    what: str  # "check <asset> / <name>" or "step <key>"
    why: str

    def line(self) -> str:
        return f"FAILED {self.what}: {self.why}  [run {self.run_id[:8]} of {self.job}]"


def _left_out(pairs: dict[str, int], items: dict[str, int]) -> str:
    """The labelled record pairs the matcher could not use (their records are not in this run), and of how many
    officials' decisions (one decision of a match_pair item labels each of its pairs), per registry. ``items`` lacks a
    registry whose step did not say (metadata match/labels_left_out_items): its decisions are not counted."""

    def of(n: int | None) -> str:
        return f" of {n} decision(s)" if n else ""

    each = ", ".join(f"{registry} {n} pair(s){of(items.get(registry))}" for registry, n in sorted(pairs.items()))
    total = sum(items.values()) if set(items) >= set(pairs) else None
    return (
        f"the matcher left out {sum(pairs.values())} labelled record pair(s){of(total)} naming records not in this "
        f"run (an older extract?): {each}"
    )


@dataclass
class RunSummary:
    warehouse: Path
    home: Path
    started: float = field(default_factory=time.perf_counter)
    runs: list[dict] = field(default_factory=list)
    rows: dict[str, dict[str, int | None]] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    marked_failed: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"job", "because"}: jobs not run after a failed upstream
    labels_not_in_run: dict[str, int] = field(default_factory=dict)  # registry -> labelled pairs the matcher left out
    label_items_not_in_run: dict[str, int] = field(default_factory=dict)  # registry -> the decisions of those pairs
    damaged: list[str] | None = None  # damaged Parquet files, looked for once a step failed reading one
    # {"registry", "partition", "file", "run_id"}: partitions whose ingest status says 'loading' after the last job
    # (read_unfinished_loads): their load did not finish (967f9cc)
    unfinished: list[dict] = field(default_factory=list)

    @property
    def success(self) -> bool:
        """Every run succeeded, none was skipped, and no partition is left with a load that did not finish: a
        partition left 'loading' holds rows nobody counted (exit 1, so a scheduler's wrapper sees it too)."""
        return all(r["success"] for r in self.runs) and not self.skipped and not self.unfinished

    def skip(self, job: str, because: list[str]) -> None:
        """Record a job ``wardbridge run`` did not start because the jobs ``because`` (upstream) failed."""
        self.skipped.append({"job": job, "because": list(because)})

    def report_written(self) -> bool:
        """Whether a wardbridge_report run of this ``wardbridge run`` succeeded."""
        return any(r["job"] == "wardbridge_report" and r["success"] for r in self.runs)

    def damaged_lines(self) -> list[str]:
        """The damaged Parquet files a failed step read, by name (its error does not name them), and what to do."""
        if not self.damaged:
            return []
        shown = ", ".join(self.damaged[:5]) + (f" and {len(self.damaged) - 5} more" if len(self.damaged) > 5 else "")
        return [
            f"  DAMAGED {len(self.damaged)} Parquet file(s) in {self.warehouse} (not whole: a full disk, a copy cut "
            f"off?): {shown}. A part=<extract> file is written again when its extract loads (is its source there?); "
            "restore any other from a backup, then run again"
        ]

    def read_unfinished_loads(self, catalogued: set[str] | None = None) -> None:
        """Note the partitions whose ingest status still says ``loading``: read once every job has ended, while
        `wardbridge run` holds the warehouse, so none is a load in progress: each is a load that did not finish
        (killed, out of memory, a full disk between its layers; pipelines/ingest/status.py). ``catalogued``: the
        partitions of this run's catalogue (this run loaded them; another is not loaded again by running it again)."""
        from pipelines.ingest.status import unfinished_loads
        from pipelines.schema import REGISTRY_KINDS
        from pipelines.warehouse import Warehouse

        wh = Warehouse(self.warehouse)
        self.unfinished = [
            {
                "registry": registry,
                "partition": key,
                "file": status.file,
                "run_id": status.run_id,
                "in_catalogue": None if catalogued is None else key in catalogued,
            }
            for registry in REGISTRY_KINDS
            for key, status in sorted(unfinished_loads(wh, registry).items())
        ]

    def unfinished_lines(self) -> list[str]:
        """The partitions whose load did not finish, and what to do."""
        if not self.unfinished:
            return []
        out = [
            "Unfinished loads (ingest status 'loading': their rows are not counted as read, and the partition's raw, "
            "staged and quarantine files may be from two loads):"
        ]
        for u in self.unfinished:
            where = f"{u['partition']} ({u['file']})" if u["file"] else u["partition"]
            out.append(
                f"  LOADING {where}: its load by run {str(u['run_id'] or '?')[:8]} did not finish (killed, out of "
                "memory, a full disk?)"
            )
            if u.get("in_catalogue") is False:
                out.append(
                    "    not in this run's catalogue: run `wardbridge run` with a catalogue holding its source, or "
                    f"launch ingest_{u['registry']} for it in the Dagster UI"
                )
        jobs = ", ".join(dict.fromkeys(f"ingest_{u['registry']}" for u in self.unfinished))
        out.append(
            "  load each again: mend what stopped it (a failed step above, disk space), then run `wardbridge run` again "
            f"(it loads every extract of its catalogue), or launch {jobs} for the partition(s) in the Dagster UI"
        )
        return out

    def skipped_lines(self) -> list[str]:
        return [f"  {s['job']} skipped: {', '.join(s['because'])} failed" for s in self.skipped]

    def _row(self, registry: str) -> dict:
        return self.rows.setdefault(registry, dict.fromkeys(STAGES))

    def add(self, job: str, result, seconds: float) -> None:  # noqa: ANN001 - dagster ExecuteJobResult
        """Fold one finished run into the summary."""
        self.runs.append({"job": job, "run_id": result.run_id, "success": result.success, "seconds": round(seconds, 1)})
        failed_check_steps = self._add_checks(job, result)
        for event in result.get_step_failure_events():
            if event.step_key in failed_check_steps:
                continue  # its failed checks say why, once
            why = _step_failure_why(event.step_failure_data)
            self.problems.append(Problem(job, result.run_id, f"step {event.step_key}", _short(why, 400)))
            if self.damaged is None and PARQUET_READ_ERROR.search(why):
                self.damaged = damaged_parquet(self.warehouse)
        self._add_materializations(result)

    def _add_checks(self, job: str, result) -> set:  # noqa: ANN001 - dagster ExecuteJobResult
        """The run's check evaluations counted, the failed ones as problems, the rows they account for in the table;
        the steps whose checks failed."""
        failed_check_steps = set()
        for event in result.all_events:
            if event.event_type != dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                continue
            evaluation = event.event_specific_data
            asset = evaluation.asset_key.to_user_string()
            if evaluation.passed:
                self.checks_passed += 1
            else:
                self.checks_failed += 1
                failed_check_steps.add(event.step_key)
                self._check_problems(job, result.run_id, asset, evaluation)
            meta = {k: v.value for k, v in evaluation.metadata.items()}
            if evaluation.check_name == "rows_accounted" and asset.startswith("staged_"):
                row = self._row(asset.removeprefix("staged_"))
                for stage in ("raw", "staged", "quarantined"):
                    if isinstance(meta.get(stage), int):
                        row[stage] = meta[stage]
            if evaluation.check_name == "row_accounting" and isinstance(meta.get("accounting"), list):
                for entry in meta["accounting"]:
                    row = self._row(entry["registry"])
                    row["merged"], row["under_review"] = entry.get("merged"), entry.get("under_review")
        return failed_check_steps

    def _add_materializations(self, result) -> None:  # noqa: ANN001 - dagster ExecuteJobResult
        """The entity and match-review counts, the officials' labels left out, and the outputs the run wrote."""
        from pipelines.schema import ENTITY_KINDS

        kinds = {f"{kind}_entities": registry for kind, registry in ENTITY_KINDS.items()}
        reviews = {f"{kind}_review": registry for kind, registry in ENTITY_KINDS.items()}
        for event in result.get_asset_materialization_events():
            name = event.asset_key.to_user_string()
            meta = {k: v.value for k, v in event.materialization.metadata.items()}
            if name in kinds and "dagster/row_count" in meta:
                self._row(kinds[name])["entities"] = meta["dagster/row_count"]
                labels = meta.get("match/labels")  # officials' match decisions as the matcher took them
                if isinstance(labels, dict) and labels.get("unknown"):
                    self.labels_not_in_run[kinds[name]] = labels["unknown"]
                    if meta.get("match/labels_left_out_items"):
                        self.label_items_not_in_run[kinds[name]] = meta["match/labels_left_out_items"]
            elif name in reviews and "dagster/row_count" in meta:
                self._row(reviews[name])["match_review"] = meta["dagster/row_count"]
            else:
                self._add_output(name, meta)

    def _add_output(self, name: str, meta: dict) -> None:
        """An output a materialization names: marts, review files, the decisions read, an export."""
        if name == "analytics_mart":
            self.outputs["analytics"] = meta.get("duckdb_file")
            self.outputs["marts_parquet"] = meta.get("parquet_dir")
            if meta.get("gx_data_docs"):
                self.outputs.setdefault("data_docs", {})["marts"] = meta["gx_data_docs"]
        elif name == "restricted_mart":
            self.outputs["restricted"] = meta.get("duckdb_file")
        elif name == "review_queues" and meta.get("exports"):  # the officials' per-ward files this run wrote
            self.outputs["review"] = {
                "wards": str(meta["exports"]),
                **{k: meta.get(k) for k in ("open_items", "closed_items", "ward_folders")},
            }
        elif name == "review_decisions" and meta.get("decisions_dir"):  # the folder this run's decisions came from
            self.outputs["decisions"] = {
                "folder": str(meta["decisions_dir"]),
                **{
                    k: meta.get(k)
                    for k in (
                        "files",
                        "rows_valid",
                        "rows_rejected",
                        "rows_in_conflict",
                        "earlier_rows_in_conflict",
                        "files_not_tables",
                        "sheets_hidden",
                    )
                },
            }
        elif name.startswith("export_") and meta.get("path"):
            recipient = name.removeprefix("export_")
            self.outputs.setdefault("exports", {})[recipient] = meta.get("datapackage") or meta["path"]
            if meta.get("gx_data_docs"):
                self.outputs.setdefault("data_docs", {})[f"export {recipient}"] = meta["gx_data_docs"]

    def _check_problems(self, job: str, run_id: str, asset: str, evaluation) -> None:  # noqa: ANN001
        """One problem per failed check; for extracts_readable one per failed extract (its file and cause)."""
        what = f"check {asset} / {evaluation.check_name}"
        listed = evaluation.metadata.get("failed_partitions")
        items = [
            line.removeprefix("- ").strip()
            for line in str(listed.value if listed is not None else "").splitlines()
            if line.startswith("- ")
        ]
        for why in items or [evaluation.description or "failed (no description)"]:
            self.problems.append(Problem(job, run_id, what, _short(why, 400)))

    # ----------------------------------------------------------------- rendering

    def _ui_command(self) -> str:
        from pipelines.warehouse import REPO_ROOT

        if self.home == REPO_ROOT:
            return f"cd {self.home} && DAGSTER_HOME=$PWD uv run dagster dev"
        return f"cd {self.home} && DAGSTER_HOME=$PWD uv run --project {REPO_ROOT} dagster dev -m assets.definitions"

    def current_notes(self) -> list[str]:
        """The notes, without the development key's clause when this run published no marts (none used it)."""
        if self.outputs.get("analytics"):
            return list(self.notes)
        return [note.replace(DEVELOPMENT_KEY_CLAUSE, ".") for note in self.notes]

    def report_path(self) -> Path | None:
        report = self.warehouse / "reports" / "latest.html"
        return report if report.is_file() else None

    def as_dict(self) -> dict:
        report = self.report_path()
        return {
            "success": self.success,
            "exit_code": 0 if self.success else 1,
            "seconds": round(time.perf_counter() - self.started, 1),
            "runs": self.runs,
            "rows": {registry: dict(row) for registry, row in sorted(self.rows.items())},
            "checks": {"passed": self.checks_passed, "failed": self.checks_failed},
            "problems": [{"job": p.job, "run_id": p.run_id, "what": p.what, "why": p.why} for p in self.problems],
            "outputs": {
                "warehouse": str(self.warehouse / "wardbridge.duckdb"),
                "parquet": str(self.warehouse / "parquet"),
                **{k: v for k, v in self.outputs.items()},
                "report": str(report) if report else None,
            },
            "notes": self.current_notes(),
            "dagster_home": str(self.home),
            "dagster_ui": self._ui_command(),
            "marked_failed": self.marked_failed,
            "skipped": self.skipped,
            "damaged_files": self.damaged or [],
            "unfinished_loads": self.unfinished,
        }

    def lines(self, errors_only: bool = False) -> list[str]:
        """The summary for people; ``errors_only``: just the failures and where to look (``--quiet`` on failure)."""
        failed = [r for r in self.runs if not r["success"]]
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        unfinished_loads = f", {len(self.unfinished)} load(s) did not finish" if self.unfinished else ""
        state = (
            "SUCCEEDED"
            if self.success
            else f"FAILED ({len(failed)} of {len(self.runs)} runs failed{skipped}{unfinished_loads})"
        )
        head = f"wardbridge run {state} in {time.perf_counter() - self.started:.0f}s"
        problems = [f"  {p.line()}" for p in self.problems] + self.damaged_lines()
        where = [
            "  Full errors and traces: the Dagster event log of each run named above (Dagster UI -> Runs);",
            f"  UI: {self._ui_command()}",
        ]
        skips = (
            ["Skipped (they read what a failed run did not publish):", *self.skipped_lines()] if self.skipped else []
        )
        unfinished = self.unfinished_lines()
        if errors_only:
            return [head, *problems, *skips, *unfinished, *(where if problems or failed else [])]
        out = ["", head, ""]
        out += self._rows_lines()
        out.append(f"Checks: {self.checks_passed} passed, {self.checks_failed} failed")
        if problems:
            out += ["Problems:", *problems, *where]
        out += skips
        out += unfinished
        decisions = self.outputs.get("decisions")
        if decisions:
            out.append(self._decisions_summary(decisions))
        report = self.report_path()
        out += self._output_lines(report)
        for note in self.current_notes():
            out.append(f"Note: {note}")
        out += self._next_lines(bool(problems or failed), report)
        return out

    def _rows_lines(self) -> list[str]:
        """The table of rows per registry and stage (none when no run counted any)."""
        if not self.rows:
            return []
        width = max(16, *(len(r) + 2 for r in self.rows))
        out = ["Rows per registry".ljust(width + 2) + "".join(f"{STAGE_TITLES[s]:>14}" for s in STAGES)]
        for registry, row in sorted(self.rows.items()):
            cells = "".join(f"{'-' if row[s] is None else row[s]:>14}" for s in STAGES)
            out.append(f"  {registry:<{width}}{cells}")
        out.append(
            "  (raw = staged + quarantined; merged = into an entity with a 2025 ward; under review = ward pending"
        )
        out.append("   review; match review = uncertain record pairs in entities.<kind>_review)")
        return out

    def _decisions_summary(self, decisions: dict) -> str:
        """The officials' decisions this run read: files, rows applied and not, and why not."""
        # rows in conflict are valid rows (counted in rows_valid) that were not applied
        valid, invalid = decisions.get("rows_valid") or 0, decisions.get("rows_rejected") or 0
        conflicts = decisions.get("rows_in_conflict") or 0
        # rows of earlier runs' files (not read now) still held by a conflict are counted apart: they are not
        # among this run's rows (counted in, 0 rows read gave '-2 applied, 2 not applied')
        earlier = decisions.get("earlier_rows_in_conflict") or 0
        rejected = invalid + conflicts
        # a file that is not a decisions table (a PDF, a text without the header) is named, never counted a row
        not_tables = decisions.get("files_not_tables") or []
        hidden = decisions.get("sheets_hidden") or []  # a workbook's hidden sheet of decisions: not read
        return (
            f"Decisions: {decisions.get('files') or 0} file(s) read from {decisions['folder']}: "
            f"{valid + invalid} row(s), {valid - conflicts} applied, {rejected} not applied"
            + (f"; {earlier} earlier row(s) still in conflict (their files were not read now)" if earlier else "")
            + (f"; {len(not_tables)} file(s) not a decisions table: {', '.join(not_tables)}" if not_tables else "")
            + (f"; {len(hidden)} hidden sheet(s) not read (unhide to apply): {', '.join(hidden)}" if hidden else "")
            + (" (review.decision_errors says why)" if rejected or earlier or not_tables or hidden else "")
            + (
                f"; of those applied, {_left_out(self.labels_not_in_run, self.label_items_not_in_run)}"
                if self.labels_not_in_run
                else ""
            )
        )

    def _output_lines(self, report: Path | None) -> list[str]:
        """Where the run's outputs are: warehouse, marts, review files, exports, Data Docs, the report."""
        out = ["Outputs:"]
        out.append(f"  warehouse  {self.warehouse / 'wardbridge.duckdb'} (schemas raw, staged, quarantine, entities,")
        out.append(f"             review, ...; Parquet copies in {self.warehouse / 'parquet'})")
        if self.outputs.get("analytics"):
            out.append(f"  marts      {self.outputs['analytics']} (aggregates, pseudonymised)")
            out.append(f"             {self.outputs.get('restricted')} (person level, restricted)")
        else:
            out.append("  marts      not published by this run")
        review = self.outputs.get("review")
        if review:
            out.append(
                f"  review     {review['wards']}/<ward code>/ ({review.get('open_items') or 0} open items in "
                f"{review.get('ward_folders') or 0} ward folders: CSV/XLSX for the officials, personal values)"
            )
        exports = self.outputs.get("exports") or {}
        if exports:
            out.append(f"  exports    {self.warehouse / 'exports'}/<recipient>/datapackage.json: {', '.join(exports)}")
        for name, path in (self.outputs.get("data_docs") or {}).items():
            out.append(f"  Data Docs  {path} ({name})")
        if report and self.report_written():
            out.append(f"  report     {report}")
        elif report:
            out.append(f"  report     {report} (an earlier run's: not rewritten by this run)")
        return out

    def _next_lines(self, to_fix: bool, report: Path | None) -> list[str]:
        """What to do next: fix the problems, open the report, hand the wards their files, query the queues and marts."""
        out = ["Next:"]
        if to_fix:
            out.append("  fix what the problems above name, then run `wardbridge run` again")
        if report and self.report_written():
            out.append(f"  open the report: {report}")
        review = self.outputs.get("review")
        if review:
            folder = (self.outputs.get("decisions") or {}).get("folder") or "the decisions folder"
            out.append(
                f"  officials: hand each ward its folder of {review['wards']}; their files with the decision columns "
                f"filled in go to {folder} and are applied by the next run (docs/guide/review.md)"
            )
        database = self.warehouse / "wardbridge.duckdb"
        out.append(
            f"  review queues: {_duckdb_cli(database)} if you installed the DuckDB CLI (`uv sync` does not), "
            "or with what `uv sync` installed:"
        )
        out.append(f"    {_query(database, 'FROM review.queue_totals')}")
        out.append(
            "    (then review.* and entities.*_review; close a session when done: while it is open the next run's "
            "writers wait, then fail after $WARDBRIDGE_LOCK_TIMEOUT s)"
        )
        if self.outputs.get("analytics"):
            out.append(f"  query the marts: {_query(self.outputs['analytics'], 'FROM marts.ward_summary LIMIT 10')}")
        out.append(f"  the runs, assets and checks: {self._ui_command()}")
        return out
