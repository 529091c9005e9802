"""The marts' GX Data Docs kept to the newest runs.

Each marts run writes its gates' Data Docs site to ``<warehouse>/marts/gx/<run id>/`` (about 7 MB on the sample, most
of it GX's static files), passed or rejected. Kept for every run they filled the disk of a daily schedule, so each
marts publication (assets/publish.py, after the swap or the refusal) keeps the newest ``$WARDBRIDGE_KEEP_DATA_DOCS``
folders (default 10) and removes the older ones, except those something still points to: the running
publication's own folder, the folder of the gates the published marts passed (``latest_gates_dir``: the newest
folder whose gates all passed) and any folder ``reports/latest.html`` names. A folder that is a symbolic link, or
a file, is never removed.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from pipelines.report.build import LATEST, REPORTS_DIR
from pipelines.report.inputs import GATES_DIR, latest_gates_dir

log = logging.getLogger(__name__)

KEEP_DATA_DOCS_ENV = "WARDBRIDGE_KEEP_DATA_DOCS"
DEFAULT_KEEP_DATA_DOCS = 10


def keep_data_docs(default: int = DEFAULT_KEEP_DATA_DOCS) -> int:
    """How many marts runs' Data Docs folders are kept: ``$WARDBRIDGE_KEEP_DATA_DOCS``, else ``default`` (10)."""
    text = os.environ.get(KEEP_DATA_DOCS_ENV, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"${KEEP_DATA_DOCS_ENV} must be a whole number of runs, not {text!r}") from None
    if value < 1:
        raise ValueError(f"${KEEP_DATA_DOCS_ENV} must be 1 or more (the current run's Data Docs), not {text!r}")
    return value


def linked_gate_docs(root: Path) -> set[str]:
    """Names of the ``marts/gx/<run>`` folders something still points to: the published marts' gates
    (``latest_gates_dir``) and any folder ``reports/latest.html`` names (the report links its gates' Data Docs)."""
    root = Path(root)
    names: set[str] = set()
    published = latest_gates_dir(root)
    if published is not None:
        names.add(published.name)
    try:
        page = (root / REPORTS_DIR / LATEST).read_text(encoding="utf-8", errors="replace")
    except OSError:
        page = ""
    # the page writes the folder as a path (<code>…/marts/gx/<run>/index.html</code>); run ids are safe names
    names |= set(re.findall(re.escape(GATES_DIR.as_posix() + "/") + r"([A-Za-z0-9._-]+)", page))
    return names


def prune_gate_docs(root: Path, *, keep: int | None = None, current: str | None = None) -> list[Path]:
    """Remove the ``marts/gx/<run>`` folders older than the newest ``keep`` (default ``keep_data_docs()``), by
    modification time, sparing ``current`` (this publication's run id) and ``linked_gate_docs``. Returns the
    folders removed; a folder that cannot be removed is logged and left (the publication stands)."""
    root = Path(root)
    base = root / GATES_DIR
    keep = keep_data_docs() if keep is None else keep
    if not base.is_dir():
        return []
    folders = [d for d in base.iterdir() if d.is_dir() and not d.is_symlink()]
    newest = sorted(folders, key=lambda d: (d.stat().st_mtime, d.name), reverse=True)
    spared = {d.name for d in newest[:keep]} | linked_gate_docs(root) | ({current} if current else set())
    removed = []
    for folder in newest[keep:]:
        if folder.name in spared:
            continue
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            log.warning("marts Data Docs: could not remove %s (%s); left in place", folder, type(exc).__name__)
            continue
        removed.append(folder)
    if removed:
        log.info("marts Data Docs: removed %d run folder(s) older than the newest %d in %s", len(removed), keep, base)
    return removed
