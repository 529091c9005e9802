"""The bundled sample's catalogue cut to a few extracts, each file cut to its first rows (tests only).

``tests/runhelpers.sample_catalogue`` keeps whole extracts read where they are; the runs here need fewer rows: a
run's data work (staging, resolving, matching, the marts) grows with its rows, its fixed cost (imports, Dagster's
jobs) does not. A cut file is the extract's first lines, its header kept (CSV) or none needed (JSON lines).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.runhelpers import REPO, sample_catalogue

SAMPLE = REPO / "data" / "sample" / "registries"


def cut_file(source: Path, target: Path, rows: int | None, *, last: bool = False) -> Path:
    """``source``'s first ``rows`` records (``last``: its last ones; a CSV keeps its header line, JSON lines have none)
    written to ``target``; ``rows`` None: the whole file. Only for files with one record a line (the sample's CSV and
    JSON lines)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if rows is None:
        shutil.copyfile(source, target)
        return target
    assert source.suffix in (".csv", ".jsonl"), f"{source.name}: only CSV and JSON lines are cut by lines"
    with source.open("rb") as fh:
        lines = fh.readlines()
    header = 0 if source.suffix == ".jsonl" else 1
    assert len(lines) > header + rows, f"{source.name} has no more than {rows} records"
    target.write_bytes(b"".join(lines[:header] + (lines[-rows:] if last else lines[header : header + rows])))
    return target


def cut_sample_catalogue(tmp_path: Path, rows: dict[str, int | None]) -> Path:
    """The sample catalogue cut to the source ids of ``rows`` (in that order), each extract's file cut to its first
    ``rows[id]`` records (None: whole) under ``tmp_path``/cut_sample, which the catalogue's base_dir names."""
    catalogue = sample_catalogue(tmp_path, tuple(rows))
    base = tmp_path / "cut_sample"
    text = catalogue.read_text(encoding="utf-8")
    entries = re.split(r"(?m)^(?=\[\[source\]\][ \t]*$)", text)[1:]
    paths = {re.search(r'(?m)^id = "([^"]+)"', e).group(1): re.search(r'(?m)^path = "([^"]+)"', e) for e in entries}
    for source_id, n in rows.items():
        assert paths[source_id], f"{source_id}: no path in its catalogue entry"
        cut_file(SAMPLE / paths[source_id].group(1), base / paths[source_id].group(1), n)
    head, _, rest = text.partition("\n")
    assert head.startswith("base_dir = "), head
    catalogue.write_text(f'base_dir = "{base.as_posix()}"\n{rest}', encoding="utf-8")
    return catalogue
