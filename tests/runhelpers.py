"""Run the `wardbridge` console script in a child process, as a user would (tests only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
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
