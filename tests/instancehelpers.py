"""Dagster instances on a copy of a home set up once per process (tests only).

Setting up a new SQLite Dagster home (its run, event index and schedule databases: tables, alembic migrations and
stamps, WAL mode) takes ~0.3 CPU s and 2.5-4 s of a loaded machine's wall time (SQLite's syncs of each new file);
opening a copy of a home set up before takes ~0.06 CPU s and ~0.5 s. For a test whose subject is not the set-up of
a home (the runs it stores, the locks its steps take, the partitions a sensor registers), :func:`copied_instance_for_test`
gives ``dg.instance_for_test`` on a private copy of a home that ``dg.instance_for_test`` set up once in this process
with the same overrides, and :func:`copied_home` a private copy of a home set up once with a given dagster.yaml.
Each copy is the test's own (in its tmp_path): nothing it writes reaches another test. Tests of a home's set-up
itself (test_instance_storage's) make theirs fresh."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

_SET_UP: dict[str, Path] = {}


def _once(key: str, make: Any) -> Path:  # noqa: ANN401 - a callable setting up the home in the directory given
    if key not in _SET_UP:
        base = Path(tempfile.mkdtemp(prefix="wb-home-"))
        atexit.register(shutil.rmtree, base, True)
        make(base)
        _SET_UP[key] = base
    return _SET_UP[key]


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@contextlib.contextmanager
def copied_instance_for_test(tmp_path: Path, overrides: dict | None = None) -> Iterator[dg.DagsterInstance]:
    """``dg.instance_for_test(overrides=overrides)`` on a copy (``tmp_path``/dagster_instance) of an instance directory
    it set up once in this process with the same overrides."""

    def make(base: Path) -> None:
        with dg.instance_for_test(temp_dir=str(base), overrides=overrides):
            pass

    key = "instance_for_test:" + yaml.safe_dump(overrides or {}, sort_keys=True)
    target = tmp_path / "dagster_instance"
    n = 1
    while target.exists():  # a test making several instances: each its own copy
        n += 1
        target = tmp_path / f"dagster_instance_{n}"
    with dg.instance_for_test(temp_dir=str(_copy(_once(key, make), target)), overrides=overrides) as instance:
        yield instance


def copied_home(config: Path, target: Path) -> Path:
    """``target``: a copy of a Dagster home holding ``config`` as its dagster.yaml, set up once in this process (an
    instance made from it and disposed; its relative base_dir paths resolve against the home, as when the current
    directory is the home)."""

    def make(base: Path) -> None:
        shutil.copy(config, base / "dagster.yaml")
        with contextlib.chdir(base), dg.DagsterInstance.from_config(str(base)):
            pass

    return _copy(_once(f"home:{config}:{config.read_text(encoding='utf-8')}", make), target)
