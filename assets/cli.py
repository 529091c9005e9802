"""The ``wardbridge`` entry point: the engine's commands (pipelines/cli.py) plus ``run``.

    wardbridge run        # the Dagster jobs on the repo's instance: main, ingest_<registry>, entities, review,
                          # marts, exports, report; one line per step, then one summary (--quiet, --json)

``run`` belongs to the Dagster layer, so it lives here and not in ``pipelines/`` (which
imports no Dagster). ``python -m pipelines.cli`` offers the engine commands only.
Dagster is imported when ``run`` runs, so the other commands start fast.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path

import click

from assets import closed_stderr
from pipelines.cli import echo as _echo
from pipelines.cli import main


def echo(message: str = "") -> None:
    """A line on stderr (pipelines' ``echo``), or nothing once its reader went away (``wardbridge run 2>&1 | head
    -9``): the first closed-pipe write points stderr at /dev/null (assets/closed_stderr.py) and the runs go on to
    their normal end and exit code; before, click ended ``wardbridge run`` there with exit 1 and the later runs did
    not start."""
    try:
        _echo(message)
    except BrokenPipeError:
        closed_stderr.gone(sys.stderr)


def private_umask() -> int:
    """pipelines.warehouse's ``private_umask``. That module (DuckDB, PyArrow: ~0.25 s to import) is imported by the
    ``run`` command's code only, so ``wardbridge resolve``, ``match``, ``--help`` start without it."""
    from pipelines.warehouse import private_umask as add_private_umask

    return add_private_umask()


LAUNCHED_BY = {"wardbridge/launched_by": "wardbridge run"}
PID_TAG, HOST_TAG = "wardbridge/pid", "wardbridge/host"


def _launch_tags() -> dict[str, str]:
    """Tags of every run ``wardbridge run`` starts: who launched it, and the process executing it."""
    return {**LAUNCHED_BY, PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def fail_dead_runs(instance) -> list[str]:  # noqa: ANN001 - dagster instance
    """Mark failed the runs ``wardbridge run`` left STARTING/STARTED when its process was killed.

    A run executes inside the process that launched it (tags wardbridge/pid and wardbridge/host);
    when that process no longer exists on this host, the run can never finish. Runs of other
    launchers, of other hosts, or whose process is alive are left alone. Returns their run ids.
    """
    import dagster as dg

    from pipelines.warehouse import pid_alive

    statuses = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    host = socket.gethostname()
    failed = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=statuses, tags=LAUNCHED_BY)):
        run = record.dagster_run
        pid = run.tags.get(PID_TAG, "")
        if run.tags.get(HOST_TAG) != host or not pid.isdigit() or pid_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the process running it (pid {pid}) is gone: killed or crashed")
        failed.append(run.run_id)
    return failed


IN_PROGRESS = ("STARTING", "STARTED", "CANCELING")


def run_warehouse(run) -> tuple[Path | None, str]:  # noqa: ANN001 - dagster run
    """The warehouse a run works on, resolved, as its WarehouseResource resolves it: the run config's
    ``resources.warehouse.config.path``, else the resource's default (``$WARDBRIDGE_WAREHOUSE``, else ``warehouse/``
    under the repository root: taken as this process has it, the daemon and ``wardbridge run`` sharing the
    environment). ``(None, why)`` when it cannot be told from the run: a path given as an environment variable or
    relative (resolved in the run's own process), or a run config not shaped as ``wardbridge run`` builds it."""
    config = run.run_config
    if not isinstance(config, dict):
        return None, "its run config cannot be read"
    resources = config.get("resources", {})
    warehouse = resources.get("warehouse", {}) if isinstance(resources, dict) else None
    if not isinstance(warehouse, dict):
        return None, "its run config's resources.warehouse is not a mapping"
    settings = warehouse.get("config", {})
    if not isinstance(settings, dict):
        return None, "its run config's resources.warehouse.config is not a mapping"
    path = settings.get("path")
    if path is None or path == "":
        from pipelines.warehouse import default_warehouse_dir

        return default_warehouse_dir(), ""
    if not isinstance(path, str):
        return None, f"its resources.warehouse.config.path is {path!r}, resolved in the run's own process"
    given = Path(path).expanduser()
    if not given.is_absolute():
        return None, f"its warehouse path {path!r} is relative to the working directory of the run's own process"
    return given.resolve(), ""


def runs_in_progress(instance, warehouse_dir: Path | None = None) -> list:  # noqa: ANN001 - dagster instance
    """The runs in progress on the instance that ``wardbridge run`` did not launch (the daemon's queue launched them:
    a sensor, a schedule, the UI, ``dagster job launch``), as ``(run, why)``. ``wardbridge run``'s own are left to
    the run lock: a live one holds it, and a dead one's were marked failed (``fail_dead_runs``). With
    ``warehouse_dir``: only those on that warehouse (resolved paths compared, ``run_warehouse``) and those whose
    warehouse cannot be told (``why`` says why); a run on another warehouse of the instance is not waited for."""
    import dagster as dg

    statuses = [dg.DagsterRunStatus[name] for name in IN_PROGRESS]
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=statuses))
    runs = [r.dagster_run for r in records if r.dagster_run.tags.get("wardbridge/launched_by") != "wardbridge run"]
    if warehouse_dir is None:
        return [(run, "") for run in runs]
    ours = warehouse_dir.expanduser().resolve()
    found = []
    for run in runs:
        path, why = run_warehouse(run)
        if path is None:
            found.append((run, f"its warehouse cannot be told: {why}"))
        elif path == ours:
            found.append((run, ""))
    return found


@contextlib.contextmanager
def warehouse_to_itself(instance, home: Path, warehouse_dir: Path, note):  # noqa: ANN001, ANN201
    """Hold the warehouse's run lock exclusively (pipelines/warehouse.py ``run_lock``) for all the jobs, and say so
    to the steps (``$WARDBRIDGE_RUN_LOCK_HELD``: they must not wait for their own run). First waits, with a line every
    30 s, for the runs in progress on the instance (the daemon's) on this warehouse, or whose warehouse cannot be told
    (``runs_in_progress``: a run on another warehouse the instance serves is not waited for), to end, and for the lock (held shared by other runs'
    steps, or by another ``wardbridge run``); a run the queue started between that check and the lock goes first (the
    lock is let go and the wait begins again). Raises ``RunLockTimeout`` after ``$WARDBRIDGE_RUN_LOCK_TIMEOUT``."""
    from pipelines.warehouse import (
        DEFAULT_RUN_LOCK_TIMEOUT_S,
        LOCK_NOTE_EVERY_S,
        RUN_LOCK_HELD_ENV,
        RUN_LOCK_TIMEOUT_ENV,
        RunLockTimeout,
        lock_timeout,
        run_lock,
    )

    timeout = lock_timeout(DEFAULT_RUN_LOCK_TIMEOUT_S, RUN_LOCK_TIMEOUT_ENV)
    deadline = time.monotonic() + timeout
    next_note = time.monotonic()
    while True:
        while running := runs_in_progress(instance, warehouse_dir):
            now = time.monotonic()
            if now > deadline:
                raise RunLockTimeout(
                    f"run {running[0][0].run_id} ({running[0][0].job_name}) has been in progress on the Dagster instance "
                    f"{home}{' (' + running[0][1] + ')' if running[0][1] else f' on the warehouse {warehouse_dir}'} "
                    f"for over {timeout:g}s (${RUN_LOCK_TIMEOUT_ENV}): wait for it to end (or cancel it in the "
                    f"UI), then run again"
                )
            if now >= next_note:
                names = ", ".join(
                    f"{r.run_id[:8]} ({r.job_name}, {r.status.value}{'; ' + why if why else ''})" for r, why in running
                )
                note(
                    f"wardbridge: waiting for the run{'s' if len(running) > 1 else ''} in progress on the Dagster "
                    f"instance {home} to end before taking the warehouse {warehouse_dir}: {names} "
                    f"(up to {timeout:g}s, ${RUN_LOCK_TIMEOUT_ENV})"
                )
                next_note = now + LOCK_NOTE_EVERY_S
            time.sleep(1.0)
        left = max(0.0, deadline - time.monotonic())
        with run_lock(
            warehouse_dir, shared=False, timeout_s=left, limit_s=timeout, note=lambda line: note(f"wardbridge: {line}")
        ):
            if runs_in_progress(instance, warehouse_dir):  # the queue started one meanwhile: it goes first
                continue
            os.environ[RUN_LOCK_HELD_ENV] = f"{os.getpid()}:{warehouse_dir}"
            try:
                yield
            finally:
                os.environ.pop(RUN_LOCK_HELD_ENV, None)
            return


EXIT_CODES = """Exit codes: 0 every run succeeded; 1 a run failed (a check, an extract, a step: the summary names
each), or an extract's load did not finish; 2 usage error (bad option, missing file, $WARDBRIDGE_PSEUDONYM_KEY shorter than 16 bytes); 3 nothing ran (the catalogue, the definitions or the Dagster
instance could not be loaded, a SQL source's URL names an environment variable that is not set, or the warehouse
folder cannot be written); 130 interrupted by Ctrl-C (143 by SIGTERM): the runs after it did not start."""


@click.command(epilog=EXIT_CODES)
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output directory. Default: $WARDBRIDGE_WAREHOUSE, else warehouse/ in the repository.",
)
@click.option(
    "--dagster-home",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Dagster instance directory (holding dagster.yaml). Default: the repository root, "
    "the instance `DAGSTER_HOME=$PWD dagster dev` uses.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="WARNING",
    show_default=True,
    help="The steps' own messages printed while running (INFO: the engine's counts; DEBUG: every Dagster event). "
    "Progress lines and the summary are printed at every level.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing while running: only the summary, or only the errors.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as one JSON document on stdout (nothing else goes to stdout).",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Build entities (and what follows) from the extracts that were accounted for when some failed to load; "
    "by default a registry with a failed extract keeps its previously published entities.",
)
@click.option(
    "--catalogue",
    "catalogues",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Source catalogue TOML to ingest instead of mappings/sources/*.toml (repeatable; "
    "e.g. from `wardbridge catalogue --manifest`). Default: $WARDBRIDGE_CATALOGUE, else mappings/sources/.",
)
def run(
    warehouse: Path | None,
    dagster_home: Path | None,
    log_level: str,
    quiet: bool,
    as_json: bool,
    allow_incomplete: bool,
    catalogues: tuple[Path, ...],
) -> None:
    """Run the Dagster jobs on the persistent instance, in order: wardbridge_main (reference tables + the bundled
    sample), ingest_<registry> (every catalogue extract, one run per registry), wardbridge_entities,
    wardbridge_review and wardbridge_marts, wardbridge_exports (only with $WARDBRIDGE_PSEUDONYM_KEY set) and
    wardbridge_report (review and report when the code location defines them). Prints one line per step,
    actionable warnings, and one summary at the end."""
    from pipelines.warehouse import REPO_ROOT, default_warehouse_dir

    _check_pseudonym_key()  # a key too short fails the marts ~20 s in: said now (exit 2), the key never printed
    private_umask()  # nothing the runs write is world-readable (docs/guide/querying.md: files and modes)
    home = (dagster_home or REPO_ROOT).expanduser().resolve()
    warehouse_dir = warehouse.expanduser().resolve() if warehouse else default_warehouse_dir()
    say = (lambda message="": None) if quiet else echo
    if problem := _warehouse_problem(warehouse_dir):  # every step would fail on it: said before any run starts
        echo(f"wardbridge: nothing ran: {problem}")
        raise SystemExit(3)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").is_file():
        say(
            f"wardbridge: note: no dagster.yaml in {home}; Dagster will use its defaults there "
            "(telemetry off and the engine's warnings in the runs' logs, as the repository's dagster.yaml has it)"
        )
    _pass_catalogues(catalogues)
    # dagster.yaml uses paths relative to DAGSTER_HOME: run from there, as `dagster dev` is.
    os.environ["DAGSTER_HOME"] = str(home)
    os.chdir(home)
    summary = _run_interruptible(home, warehouse_dir, log_level, quiet, as_json, allow_incomplete, say)
    if summary is None:
        raise SystemExit(3)
    _end_with_summary(summary, quiet, as_json)


def _pass_catalogues(catalogues: tuple[Path, ...]) -> None:
    """--catalogue's files passed on as $WARDBRIDGE_CATALOGUE, its relative names made absolute before the chdir;
    exits 2 on a path that cannot be passed on (one holding os.pathsep)."""
    if catalogues:  # read by assets.ingest when the definitions load (below, after the chdir)
        # passed on as $WARDBRIDGE_CATALOGUE, whose files are separated by os.pathsep: a path holding one was cut in
        # two there ('nothing ran: FileNotFoundError: .../cat 10' for 'cat 10:30.toml', a file click had found). The
        # absolute path is checked, links not followed: a relative name in a folder holding one is cut too, and a
        # link (the way out the message gives) must not lead back to the name it avoids
        absolute = [_absolute(str(c)) for c in catalogues]
        if cut := [a for a in absolute if os.pathsep in a]:
            echo(
                f"wardbridge: nothing ran: --catalogue {cut[0]!r}: a path holding {os.pathsep!r} cannot be passed on "
                f"(it separates the catalogue files in $WARDBRIDGE_CATALOGUE); rename the file or its folders, or "
                f"link it from a path without {os.pathsep!r}"
            )
            raise SystemExit(2)
        os.environ["WARDBRIDGE_CATALOGUE"] = os.pathsep.join(absolute)
    if cut := resolve_env_paths(os.environ):  # relative ones are the caller's: made absolute before the chdir
        echo(
            f"wardbridge: nothing ran: $WARDBRIDGE_CATALOGUE: {cut[0]!r}: a relative name in a folder whose path holds "
            f"{os.pathsep!r}, which separates the files there; rename the folder, or name the file from a folder "
            "without it"
        )
        raise SystemExit(2)


def _run_interruptible(  # noqa: ANN202
    home: Path,
    warehouse_dir: Path,
    log_level: str,
    quiet: bool,
    as_json: bool,
    allow_incomplete: bool,
    say,  # noqa: ANN001
):
    """_run_all with the signals handled (exit 128 + the signal, one line naming the job running) and, with --json,
    stdout pointed at stderr while the runs go on; the summary or None."""
    stdout = os.dup(1)
    if as_json:  # whatever a library prints while the runs go on lands on stderr: stdout carries the JSON only
        sys.stdout.flush()
        os.dup2(2, 1)
    signals, current = _Signals(), [""]
    try:
        with signals:
            return _run_all(home, warehouse_dir, log_level, quiet, allow_incomplete, say, signals, current)
    except (KeyboardInterrupt, Interrupted) as exc:
        signo = exc.signo if isinstance(exc, Interrupted) else (signals.arrived() or signal.SIGINT)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a further Ctrl-C while exiting: no traceback
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        echo(_interrupted_line(signo, current[0]))
        raise SystemExit(128 + signo) from None
    finally:
        if as_json:
            sys.stdout.flush()
            os.dup2(stdout, 1)
        os.close(stdout)


def _end_with_summary(summary, quiet: bool, as_json: bool) -> None:  # noqa: ANN001 - RunSummary
    """The summary printed (a Ctrl-C or a reader gone meanwhile said in one line, no traceback); exit 1 unless all
    succeeded."""
    try:
        _print_summary(summary, quiet, as_json)
    except KeyboardInterrupt:  # the runs' signal handling is over: Python's own Ctrl-C printed a traceback here
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        echo(
            "wardbridge: interrupted (Ctrl-C) while the summary was printed: the runs had finished "
            f"({'all succeeded' if summary.success else 'not everything succeeded'}); see the Dagster UI or run `wardbridge run` again"
        )
        raise SystemExit(128 + signal.SIGINT) from None
    except BrokenPipeError:  # the reader went away (`wardbridge run | head -1`): nothing more to say, no traceback
        # (stdout pointed at /dev/null: the interpreter's last flush prints no 'Exception ignored')
        closed_stderr.gone(sys.stdout)
    if not summary.success:
        raise SystemExit(1)


def _print_summary(summary, quiet: bool, as_json: bool) -> None:  # noqa: ANN001 - RunSummary
    """The summary: as JSON on stdout (--json), its lines (all, or only the errors with --quiet)."""
    if as_json:
        import json

        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2, default=str))
    if not quiet:
        for line in summary.lines():
            echo(line)
    elif not summary.success or not as_json:
        for line in summary.lines(errors_only=not summary.success):
            echo(line)


class Interrupted(Exception):
    """A run of the plan was interrupted (Ctrl-C, SIGTERM): ``wardbridge run`` stops instead of going on."""

    def __init__(self, signo: int) -> None:
        super().__init__(signal.Signals(signo).name)
        self.signo = signo


class _Signals:
    """Whether SIGINT or SIGTERM arrived while ``wardbridge run`` ran, whoever handled them. Dagster catches a Ctrl-C
    during a step and fails that step (DagsterExecutionInterruptedError), and one between steps can be dropped, so
    the run ends as a failed run and ``wardbridge run`` used to go on with the next jobs and exit 1 after a summary.
    Python writes the number of every signal it handles to the wakeup fd (``signal.set_wakeup_fd``), whichever
    Python handler is installed; it is read after each run.

    Dagster ends each run by giving SIGTERM the handler SIGINT had (dagster/_utils/interrupts.py): in a
    ``wardbridge run`` started in the background of a script (``wardbridge run &``: SIGINT ignored), SIGTERM was left
    ignored between the runs and after the last, so a ``kill`` then was lost, and every process started then inherited
    the ignored SIGTERM. ``after_run`` (after each run) and the exit put back a SIGINT or SIGTERM left ignored that was
    not ignored on entry."""

    HELD = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._seen: list[int] = []
        self._read = self._write = -1
        self._previous = -1
        self._handlers: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        import threading

        if threading.current_thread() is threading.main_thread():
            self._read, self._write = os.pipe()
            os.set_blocking(self._read, False)
            os.set_blocking(self._write, False)
            self._previous = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
            self._handlers = {signo: signal.getsignal(signo) for signo in self.HELD}
        return self

    def after_run(self) -> None:
        """A SIGINT or SIGTERM that Dagster left ignored, not ignored on entry: put back as it was."""
        for signo, handler in self._handlers.items():
            if handler is not None and handler != signal.SIG_IGN and signal.getsignal(signo) == signal.SIG_IGN:
                signal.signal(signo, handler)

    def __exit__(self, *exc: object) -> None:
        self.after_run()
        if self._write >= 0:
            signal.set_wakeup_fd(self._previous)
            self.arrived()
            os.close(self._read)
            os.close(self._write)
            self._read = self._write = -1

    def arrived(self) -> int | None:
        """SIGINT or SIGTERM if one arrived so far (the first), else None."""
        while self._read >= 0:
            try:
                data = os.read(self._read, 512)
            except BlockingIOError:
                break
            if not data:
                break
            self._seen += [n for n in data if n in (signal.SIGINT, signal.SIGTERM)]
        return self._seen[0] if self._seen else None


WATCHER_ENV = "WARDBRIDGE_DAGSTER_WATCHER"


def _quiet_watchers() -> None:
    """Dagster's per-step compute-log watcher run through assets/quiet_watcher.py (Ctrl-C ignored: no traceback of
    it when the run is interrupted) and started in a process group of its own, which the terminal's Ctrl-C does not
    reach (the script ignores SIGINT only once Python has started: a Ctrl-C during its startup printed a traceback).
    Left as it is when this Dagster has no such script."""
    import subprocess
    from types import SimpleNamespace

    from dagster._core.execution import compute_logs  # not exported by dagster

    watcher = getattr(getattr(compute_logs, "watch_orphans", None), "__file__", None)
    if not watcher or not os.path.isfile(watcher) or WATCHER_ENV in os.environ:
        return
    os.environ[WATCHER_ENV] = os.path.abspath(watcher)
    quiet = str(Path(__file__).with_name("quiet_watcher.py"))
    compute_logs.watch_orphans = SimpleNamespace(__file__=quiet)

    def popen(args, *rest, **options):  # noqa: ANN001, ANN002, ANN003, ANN202 - subprocess.Popen's own
        if isinstance(args, list | tuple) and len(args) > 1 and args[1] == quiet:
            options.setdefault("process_group", 0)
        return subprocess.Popen(args, *rest, **options)

    compute_logs.subprocess = SimpleNamespace(**{**vars(subprocess), "Popen": popen})


def _was_interrupted(result) -> bool:  # noqa: ANN001 - dagster ExecutionResult
    """A step of the run failed because Dagster turned a signal into an interruption."""
    from assets.progress import INTERRUPTIONS

    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None:
            if error.cls_name in INTERRUPTIONS:
                return True
            error = error.cause
    return False


def _interrupted_line(signo: int, job: str) -> str:
    how = "Ctrl-C" if signo == signal.SIGINT else signal.Signals(signo).name
    where = f" during {job}" if job else ""
    return (
        f"wardbridge: interrupted ({how}){where}: stopped, the runs after it did not start; what it had not finished "
        "is left as before it started (published marts, exports and report in place, files written aside removed); "
        "run `wardbridge run` again to finish"
    )


class _Unless(logging.Filter):
    """Drops the records whose message starts with ``prefix``."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.prefix)


# dagster.yaml's python_logs, for an instance without one (tests/test_fresh_user_mends.py checks they are the same):
# the engine's loggers and Python warnings go to Dagster's log, hence to the event log and the progress lines
PYTHON_LOGS = {"managed_python_loggers": ["wardbridge", "py.warnings"]}


def dagster_instance(home: Path):  # noqa: ANN201 - dagster.DagsterInstance
    """The Dagster instance in ``home`` ($DAGSTER_HOME). Without a dagster.yaml there, Dagster's defaults, but with
    telemetry off, as the repository's dagster.yaml has it: with it on, Dagster prints its telemetry and welcome
    banner amid the progress lines at the first run; and its 'No dagster instance configuration file' warning is
    left out (wardbridge's own note says so). Its ``python_logs`` too (``PYTHON_LOGS``): without them a step's
    wardbridge.* warnings reached neither the event log nor the progress lines, but stderr as bare lines, also under
    --quiet."""
    import dagster as dg

    if (home / "dagster.yaml").is_file():
        return dg.DagsterInstance.get()
    from dagster._core.instance.ref import InstanceRef  # from_dir's overrides: not exported by dagster

    quiet = _Unless("No dagster instance configuration file")
    logging.getLogger("dagster").addFilter(quiet)
    try:
        ref = InstanceRef.from_dir(
            str(home), overrides={"telemetry": {"enabled": False}, "python_logs": dict(PYTHON_LOGS)}
        )
    finally:
        logging.getLogger("dagster").removeFilter(quiet)
    return dg.DagsterInstance.from_ref(ref)


def _warehouse_problem(folder: Path) -> str | None:
    """Why the warehouse folder cannot be made or written (a file in its path, no permission, a file system that
    takes no folders), or None: the folder is made, a file made and removed in it, and the folders it made removed."""
    import tempfile

    made = [p for p in (folder, *folder.parents) if not p.exists()]  # removed again: a run that stops later for
    try:  # another reason (an unset SQL variable) leaves no empty warehouse behind
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        return f"the warehouse {folder} cannot be made or written: {why} (give --warehouse another path)"
    finally:
        for path in made:  # the deepest first
            try:
                path.rmdir()
            except OSError:
                break
    return None


PATH_ENV = ("WARDBRIDGE_DECISIONS_DIR", "WARDBRIDGE_LANDING")  # one folder each
PATH_LIST_ENV = ("WARDBRIDGE_CATALOGUE",)  # os.pathsep-separated files


def _absolute(path: str) -> str:
    """``path`` made absolute against the current directory, '~' expanded, '..' folded, links NOT followed: a link's
    target may hold os.pathsep, which cuts a $WARDBRIDGE_CATALOGUE list in two (a file is read through its link)."""
    return os.path.abspath(os.path.expanduser(path))


def resolve_env_paths(env: dict) -> list[str]:
    """Relative paths in ``$WARDBRIDGE_CATALOGUE``, ``$WARDBRIDGE_DECISIONS_DIR`` and ``$WARDBRIDGE_LANDING`` made
    absolute against the current directory, in ``env``. `wardbridge run` changes into the Dagster home before the
    definitions read them, so `WARDBRIDGE_CATALOGUE=mappings/sources/sample.toml wardbridge run --dagster-home /x`
    stopped with 'nothing ran: FileNotFoundError: ... mappings/sources/sample.toml' (looked for in /x), while
    `--catalogue mappings/sources/sample.toml` worked; a relative decisions or landing folder was read there too.
    Returns the list entries whose absolute path holds os.pathsep (a relative name in such a folder): the list would
    cut them in two ('nothing ran: FileNotFoundError'), the caller refuses them."""
    cut: list[str] = []
    for name in PATH_LIST_ENV:
        if env.get(name, "").strip():
            paths = [_absolute(p) for p in env[name].split(os.pathsep) if p]
            cut += [p for p in paths if os.pathsep in p]
            env[name] = os.pathsep.join(paths)
    for name in PATH_ENV:
        if env.get(name, "").strip():
            env[name] = str(Path(env[name].strip()).expanduser().resolve())
    return cut


def _check_pseudonym_key() -> None:
    """Exit 2 when $WARDBRIDGE_PSEUDONYM_KEY is set but not a usable key (shorter than 16 bytes), before anything
    runs: the marts and exports would refuse it after the ingest. The message names the variable, never its value.
    Unset or blank: the development key (the marts warn, the exports are skipped)."""
    from pipelines.publish.pseudonym import KEY_ENV, WeakKeyError, checked_key

    value = os.environ.get(KEY_ENV, "")
    if not value.strip():
        return
    try:
        checked_key(value)
    except WeakKeyError as exc:
        echo(f"wardbridge: nothing ran: {exc}")
        echo(f"wardbridge: or unset ${KEY_ENV} to run with the development key (exports are then skipped)")
        raise SystemExit(2) from None


def _decisions_line() -> str:
    """Which decisions folder the review runs read (the repository's decisions/, made 0700 when missing, or
    $WARDBRIDGE_DECISIONS_DIR): the same folder for every --warehouse."""
    from pipelines.review.decisions import DECISIONS_ENV, decisions_dir, ensure_default_decisions_dir

    folder = decisions_dir()
    try:
        state = "created, mode 0700; " if ensure_default_decisions_dir(folder) else ""
    except OSError as exc:  # a checkout the account cannot write: said, and the run goes on reading none
        state = f"could not be created: {exc.strerror or type(exc).__name__}; "
    state += "" if folder.is_dir() else "no such folder: none read; "
    if os.environ.get(DECISIONS_ENV, "").strip():
        return f"wardbridge: officials' decisions read from {folder} ({state}${DECISIONS_ENV})"
    return (
        f"wardbridge: officials' decisions read from {folder} ({state}the repository's folder, read whatever the "
        f"warehouse: set ${DECISIONS_ENV} to keep a warehouse's decisions apart)"
    )


def _job_plan(defs, registries: list[str]) -> list[tuple[str, str, tuple]]:  # noqa: ANN001 - dagster Definitions
    """(job name, reconstructor in assets.definitions, its args) in the order ``wardbridge run`` runs them."""
    import assets.definitions as definitions
    from assets.definitions import MAIN_JOB
    from assets.entities import JOB as ENTITIES
    from assets.exports import JOB as EXPORTS
    from assets.publish import JOB as MARTS
    from pipelines.publish.pseudonym import KEY_ENV

    plan = [(MAIN_JOB, "wardbridge_main_job", ())]
    plan += [(f"ingest_{registry}", "ingest_job", (registry,)) for registry in registries]
    plan.append((ENTITIES, "entities_job", ()))
    optional = {"wardbridge_review": "review_job", "wardbridge_report": "report_job"}

    def defined(name: str) -> bool:  # jobs other parts of the project add: run them once they exist
        reconstructor = getattr(definitions, optional[name], None)
        if reconstructor is None:
            return False
        try:
            return reconstructor().name == name
        except Exception:  # noqa: BLE001 - not (yet) in the definitions
            return False

    if defined("wardbridge_review"):
        plan.append(("wardbridge_review", "review_job", ()))
    plan.append((MARTS, "marts_job", ()))
    if os.environ.get(KEY_ENV, "").strip():  # blank: the development key, as the marts read it
        plan.append((EXPORTS, "exports_job", ()))
    if defined("wardbridge_report"):
        plan.append(("wardbridge_report", "report_job", ()))
    return plan


# A failed ingest does not stop what follows: wardbridge_entities decides per registry (an entity kind is not
# published over an incomplete registry unless --allow-incomplete, docs/guide/matching.md "Entities in the
# pipeline"), and the marts' blocking check row_accounting refuses entities that miss staged records.
SOFT_UPSTREAM_PREFIX = "ingest_"
# Inputs a job reads outside the asset graph: the report shows review/queue_summary.parquet (wardbridge_review).
EXTRA_NEEDS = {"wardbridge_report": {"wardbridge_review"}}


def _job_needs(defs, names: list[str]) -> dict[str, set[str]]:  # noqa: ANN001 - dagster Definitions
    """For each job of the plan, the other jobs of the plan it reads from: when one of them fails (or is itself
    skipped), ``wardbridge run`` skips the job instead of publishing from what that run refused or left old.

    Derived from the asset graph (a job needs the jobs owning its assets' upstream assets), minus ingest jobs
    (``SOFT_UPSTREAM_PREFIX``), plus ``EXTRA_NEEDS``. So the marts need the entities, the exports the marts and
    the entities, the report the marts and the review; the report does not need the exports (one recipient's
    failed export does not hold back the leadership report), and nothing needs wardbridge_main's sample.
    """
    graph = defs.resolve_asset_graph()
    keys = {name: set(defs.resolve_job_def(name).asset_layer.selected_asset_keys) for name in names}
    owner: dict = {}
    for name in names:
        for key in keys[name]:
            owner.setdefault(key, name)
    needs = {}
    for name in names:
        upstream = {owner.get(parent) for key in keys[name] for parent in graph.get(key).parent_keys}
        upstream |= EXTRA_NEEDS.get(name, set())
        needs[name] = {
            job for job in upstream if job in keys and job != name and not job.startswith(SOFT_UPSTREAM_PREFIX)
        }
    return needs


def _extracts(n: int) -> str:
    """An ingest run's progress line ends with its count of extracts: ' (1 extract)', ' (32 extracts)'."""
    return f" ({n} extract{'' if n == 1 else 's'})"


STDERR_GONE_NOTE = (
    "the progress lines stopped part-way: the reader of stderr went away (a closed pipe); the runs went on to their "
    "end (their steps are in the Dagster event log)"
)


def _run_all(  # noqa: ANN202
    home: Path,
    warehouse_dir: Path,
    log_level: str,
    quiet: bool,
    allow_incomplete: bool,
    say,  # noqa: ANN001
    signals: _Signals | None = None,
    current: list[str] | None = None,
):
    """Every job of the plan, one after another; the summary, or None when nothing could start. Raises
    ``Interrupted`` when a signal arrived during a run (``signals``); ``current[0]`` names the job running."""
    current = current if current is not None else [""]
    logging.captureWarnings(True)  # Python warnings of the steps reach Dagster's log (dagster.yaml python_logs)
    planned = _plan_runs(home)
    if planned is None:
        return None
    keys, plan, instance = planned
    from assets.ingest import listing
    from assets.progress import PROGRESS_LOGGER
    from pipelines.ingest.catalogue import sources_without_extracts
    from pipelines.warehouse import RunLockTimeout

    summary = _new_summary(home, warehouse_dir, instance)
    hold = contextlib.ExitStack()
    try:  # no run the daemon launches works on the warehouse beside this one (docs/guide/dagster-job.md: One writer)
        hold.enter_context(warehouse_to_itself(instance, home, warehouse_dir, echo))
    except RunLockTimeout as exc:
        echo(f"wardbridge: nothing ran: {exc}")
        return None
    say(f"wardbridge: {len(plan)} runs on the Dagster instance {home}, warehouse {warehouse_dir}")
    say(_decisions_line())
    for line in sources_without_extracts(listing().sources, listing().extracts):  # a mistyped glob: not silent
        say(f"wardbridge: warning: {line}")
        summary.notes.append(line)
    base = {
        "resources": {"warehouse": {"config": {"path": str(warehouse_dir)}}},
        "loggers": {PROGRESS_LOGGER: {"config": {"log_level": log_level, "quiet": quiet}}},
    }
    with hold:  # the run lock, held until the last job has ended
        _run_jobs(plan, instance, base, allow_incomplete, summary, say, signals, current)
        # under the run lock: a 'loading' left now is a load that did not finish
        summary.read_unfinished_loads({key for registry_keys in keys.values() for key in registry_keys})
    if closed_stderr.GONE:  # for --json's reader and the note lines of a later look at stdout
        summary.notes.append(STDERR_GONE_NOTE)
    return summary


def _plan_runs(home: Path):  # noqa: ANN202
    """The registries' catalogue keys, the plan of jobs and the Dagster instance; None when nothing can start (a broken
    catalogue or dagster.yaml, an unset ${VAR} of a SQL source: said on stderr)."""
    try:
        import dagster  # noqa: F401 - a broken install is said as one line, before anything else is read

        from assets.definitions import defs
        from assets.ingest import catalogue_keys, listing
        from pipelines.ingest.catalogue import url_problems
        from pipelines.schema import REGISTRY_KINDS

        keys = {registry: catalogue_keys(registry) for registry in REGISTRY_KINDS}
        unfilled = url_problems(listing().sources)  # an unset ${VAR} of a SQL source: said now, not after the run
        plan = _job_plan(defs, [r for r in REGISTRY_KINDS if keys[r]])
        if not unfilled:  # a refusal makes no instance and does not wait for one (~1 s: SQLite, schema checks)
            instance = dagster_instance(home)
            _quiet_watchers()
    except Exception as exc:  # noqa: BLE001 - a broken catalogue or dagster.yaml: say what, not a traceback
        echo(
            f"wardbridge: nothing ran: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        )
        return None
    if unfilled:
        for problem in unfilled:
            echo(f"wardbridge: nothing ran: {problem}")
        echo(
            "wardbridge: set the variables in the environment (docs/ingestion.md: a database source's url), "
            "or leave the source out (--catalogue FILE)"
        )
        return None
    return keys, plan, instance


def _new_summary(home: Path, warehouse_dir: Path, instance):  # noqa: ANN001, ANN202 - dagster instance, RunSummary
    """The progress lines' stream (a copy of stderr) and the run's summary: the dead runs marked failed, the note of
    the exports skipped without a key."""
    import assets.progress
    from assets.progress import RunSummary
    from pipelines.publish.pseudonym import KEY_ENV

    # the progress lines go to a copy of stderr: Dagster's compute-log capture swaps fd 2 during steps
    assets.progress.STREAM = os.fdopen(os.dup(2), "w", encoding="utf-8", buffering=1)
    closed_stderr.watch(assets.progress.STREAM.fileno())  # pointed at /dev/null too if stderr's reader goes away
    summary = RunSummary(warehouse=warehouse_dir, home=home)
    for run_id in fail_dead_runs(instance):
        echo(f"wardbridge: marked run {run_id} FAILURE: left STARTED by a process that no longer exists")
        summary.marked_failed.append(run_id)
    if not os.environ.get(KEY_ENV, "").strip():
        summary.notes.append(
            f"ministry exports skipped: set ${KEY_ENV} (32 random bytes, e.g. `openssl rand -hex 32`) to build them "
            f"(docs/guide/exports.md){assets.progress.DEVELOPMENT_KEY_CLAUSE}"
        )
    return summary


def _run_jobs(plan, instance, base: dict, allow_incomplete: bool, summary, say, signals, current: list[str]) -> None:  # noqa: ANN001
    """The plan's jobs in order, one line each; a job that needs one that failed or was skipped is skipped (the failed
    jobs at the root named)."""
    from assets.definitions import defs

    needs = _job_needs(defs, [name for name, _, _ in plan])
    failed_because: dict[str, list[str]] = {}  # job that failed or was skipped -> the failed jobs at the root
    for number, (name, reconstructor, args) in enumerate(plan, start=1):
        current[0] = name
        blocked = [job for job, _, _ in plan if job in needs[name] and job in failed_because]
        if blocked:
            roots = list(dict.fromkeys(root for job in blocked for root in failed_because[job]))
            failed_because[name] = roots
            summary.skip(name, roots)
            say(f"[{number}/{len(plan)}] {name}  skipped: {', '.join(roots)} failed")
            continue
        run_config, tags, detail = _launch_config(reconstructor, args, instance, base, allow_incomplete)
        say(f"[{number}/{len(plan)}] {name}{detail}")
        if not _execute(name, reconstructor, args, instance, run_config, tags, summary, say, signals):
            failed_because[name] = [name]


def _launch_config(reconstructor: str, args: tuple, instance, base: dict, allow_incomplete: bool):  # noqa: ANN001, ANN202
    """A job's run config, tags and the end of its progress line: an ingest job takes all the registry's catalogue
    partitions (registered first) in one ranged run; entities may be allowed incomplete."""
    from assets.entities import ENTITY_ASSETS
    from assets.ingest import register_catalogue

    run_config, tags = base, _launch_tags()
    detail = ""
    if args:
        registry_keys = register_catalogue(args[0], instance)
        tags = {
            **tags,
            "dagster/asset_partition_range_start": registry_keys[0],
            "dagster/asset_partition_range_end": registry_keys[-1],
        }
        detail = _extracts(len(registry_keys))
    if reconstructor == "entities_job" and allow_incomplete:
        run_config = {**base, "ops": {a.op.name: {"config": {"allow_incomplete": True}} for a in ENTITY_ASSETS}}
    return run_config, tags, detail


def _execute(
    name: str, reconstructor: str, args: tuple, instance, run_config: dict, tags: dict, summary, say, signals
) -> bool:  # noqa: ANN001
    """One job's run, added to the summary (its missed steps said, 'FAILED' when it failed); whether it succeeded.
    Raises ``Interrupted`` when a signal arrived during it."""
    import dagster as dg

    from assets.progress import missed_step_lines

    started = time.perf_counter()
    job = dg.build_reconstructable_job("assets.definitions", reconstructor, reconstructable_args=args)
    with dg.execute_job(job, instance=instance, run_config=run_config, tags=tags) as result:
        if signals is not None:
            signals.after_run()
        signo = signals.arrived() if signals is not None else None
        if signo or _was_interrupted(result):
            raise Interrupted(signo or signal.SIGINT)
        summary.add(name, result, time.perf_counter() - started)
        for line in missed_step_lines(result):
            say(line)
        if not result.success:
            say(f"  run {result.run_id} FAILED")
        return result.success


main.add_command(run)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
