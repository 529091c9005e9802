"""Run the `wardbridge` console script in a child process, as a user would (tests only)."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARDBRIDGE = Path(sys.executable).parent / "wardbridge"
TEST_KEY = "5e" * 32  # a pseudonym key long enough for the exports


def wardbridge(
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    timeout: int = 180,
    preexec_fn: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WARDBRIDGE), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        preexec_fn=preexec_fn,
    )


def clean_env(key: str | None = TEST_KEY) -> dict[str, str]:
    """This process's environment without DAGSTER_*/WARDBRIDGE_* settings, with the pseudonym key given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "WARDBRIDGE_"))}
    if key is not None:
        env["WARDBRIDGE_PSEUDONYM_KEY"] = key
    return env


def dagster_home(tmp_path: Path) -> Path:
    """A fresh Dagster home holding the repository's dagster.yaml."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return home


def sample_catalogue(tmp_path: Path, source_ids: tuple[str, ...]) -> Path:
    """The bundled sample's catalogue (mappings/sources/sample.toml) cut to ``source_ids``, its entries as they are
    there, their files read where they are (base_dir made absolute): for a whole ``wardbridge run`` whose behaviour
    under test does not need the 32 extracts (a run over one extract per registry takes about 2/3 of the whole
    sample's time, most of a run being the fixed cost of its jobs)."""
    text = (REPO / "mappings" / "sources" / "sample.toml").read_text(encoding="utf-8")
    _head, *entries = re.split(r"(?m)^(?=\[\[source\]\][ \t]*$)", text)
    kept = {re.search(r'(?m)^id = "([^"]+)"', e).group(1): e for e in entries}
    missing = [s for s in source_ids if s not in kept]
    assert not missing, f"not in the sample catalogue: {missing}"
    path = tmp_path / "sample_cut.toml"
    base = (REPO / "data" / "sample" / "registries").as_posix()
    path.write_text(f'base_dir = "{base}"\n\n' + "".join(kept[s] for s in source_ids), encoding="utf-8")
    return path


def stale_run(home: Path) -> str:
    """A run record left STARTED in ``home``'s instance by a `wardbridge run` process that no longer exists."""
    import dagster as dg

    with contextlib.chdir(home), dg.DagsterInstance.from_config(str(home)) as instance:
        return stale_run_in(instance).run_id


def stale_run_in(instance, *, alive: bool = False):  # noqa: ANN001, ANN201 - dagster instance and run
    """A run left STARTED in ``instance`` by a `wardbridge run` process that no longer exists (``alive``: by this
    process, which still runs)."""
    import dagster as dg

    from assets.cli import _launch_tags

    @dg.op
    def noop():
        pass

    @dg.job
    def killed_job():
        noop()

    tags = _launch_tags()
    if not alive:
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        tags = {**tags, "wardbridge/pid": str(gone.pid)}
    return instance.create_run_for_job(killed_job, status=dg.DagsterRunStatus.STARTED, tags=tags)


@dataclass(frozen=True)
class SampleRun:
    """One ``wardbridge run --json`` over the bundled sample (see :func:`run_sample`)."""

    home: Path  # the Dagster home the run was recorded in
    warehouse: Path
    proc: subprocess.CompletedProcess
    stale: str  # id of the run left STARTED before it, which the run marks failed


def run_sample(tmp_path: Path) -> SampleRun:
    """``wardbridge run --json`` over the bundled sample as a user runs it: a child process under umask 022,
    with a pseudonym key (so the exports run), on a fresh Dagster home holding a run left STARTED by a killed
    process. The whole run takes the longest of any test setup, so the session runs it once
    (:func:`session_sample_run`) for the tests that only read what it left (the ``sample_run`` fixture of
    tests/conftest.py: test_cli's run test, test_file_modes' modes test; the marts tests through
    tests/marts_fixture.py): none of them may write into its home or warehouse (copy it first)."""
    home, warehouse = dagster_home(tmp_path), tmp_path / "wh"
    stale = stale_run(home)
    proc = wardbridge(
        "run", "--dagster-home", str(home), "--warehouse", str(warehouse), "--json",
        cwd=tmp_path, env=clean_env(), timeout=900, preexec_fn=lambda: os.umask(0o022),
    )  # fmt: skip
    return SampleRun(home, warehouse, proc, stale)


@functools.cache
def session_sample_run(base: Path) -> SampleRun:
    """The session's one :func:`run_sample`, in ``base``/sample_run (``base``: the session's base temporary
    directory): the ``sample_run`` fixture (tests/conftest.py) and tests/marts_fixture.py's ``sample_marts`` both
    hand it out, so a session runs the sample once (tests/conftest.py schedules their files on one worker)."""
    target = base / "sample_run"
    target.mkdir()
    return run_sample(target)
