"""Copies of part of a warehouse (tests only): what a test reads or writes, not the whole sample run's folder.

The session's sample run leaves ~105 MB (tests/marts_fixture.py); more than half are the exports' packages and their
Data Docs, which the marts tests neither read nor write. A test that republishes or tampers with the marts copies
``MARTS_PARTS`` (~26 MB): the Parquet layers the marts are built from (``read_inputs`` reads only those), the
published marts (analytics.duckdb, restricted.duckdb and their Parquet copies) and the warehouse's lock files. A test
that exports copies ``EXPORT_INPUTS`` (~11 MB) or ``export_parts(recipient)``: an export (pipelines/publish/exports.py)
reads its entity sources from the Parquet layers, its marts sources and the gates' dimensions and city totals from
analytics.duckdb, writes its package under ``exports/<recipient>`` (~13-25 MB) and takes the lock files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from pipelines.publish.store import ANALYTICS_FILENAME, PARQUET_DIR, RESTRICTED_FILENAME

# the lock files a run leaves in the root too: a check run in the copy takes them as in the whole folder, writing
# no file that was not there (tests/test_check_rerun.py compares every file before and after)
LOCKS = (".wardbridge.lock", ".wardbridge-run.lock")
MARTS_PARTS = ("parquet", ANALYTICS_FILENAME, RESTRICTED_FILENAME, PARQUET_DIR.as_posix(), *LOCKS)
EXPORT_INPUTS = ("parquet", ANALYTICS_FILENAME, *LOCKS)


def export_parts(*recipients: str) -> tuple[str, ...]:
    """What exporting ``recipients`` reads, and their published packages."""
    return (*EXPORT_INPUTS, *(f"exports/{r}" for r in recipients))


def copy_parts(source: Path, target: Path, parts: Iterable[str] = MARTS_PARTS) -> Path:
    """``parts`` (paths relative to the warehouse root, files or folders) of ``source`` copied into ``target``
    (created), modes and times kept; ``target`` returned."""
    target.mkdir(parents=True)
    shutil.copystat(source, target)  # the folders' modes as the run left them
    for part in parts:
        origin, copy = source / part, target / part
        for folder in reversed(Path(part).parents[:-1]):  # the folders above the part, 'marts' for marts/analytics
            if not (target / folder).is_dir():
                (target / folder).mkdir()
                shutil.copystat(source / folder, target / folder)
        if origin.is_dir():
            shutil.copytree(origin, copy)
        else:
            shutil.copy2(origin, copy)
    return target
