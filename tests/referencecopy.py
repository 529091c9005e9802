"""A new warehouse holding the default reference's snapshot already (tests only).

The first ingest into a warehouse keeps the resolver's tables of the reference it resolved with under
reference_history/<fingerprint>/ (pipelines/entities/reresolve.save_snapshot, once per warehouse): five Parquet files
written and fsynced, about a third of the CPU and half the wall time of ingesting a three-row extract into a fresh
warehouse on a loaded machine. Tests of malformed extracts (test_bad_inputs, test_dbf and the files using their
``_ingest``) make a warehouse per case; :func:`with_reference_snapshot` copies the snapshot written once in this
process (by ``save_snapshot`` itself) into it, as a warehouse that ingested before holds it. The ingest still records
the partition's fingerprint, and ``save_snapshot`` still checks the files are there. The snapshot's own writing is
tested where it is the subject (test_reresolve*, the ``wardbridge run`` tests on fresh warehouses)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from pipelines.entities.reresolve import save_snapshot, snapshot_dir
from pipelines.reference import default_reference
from pipelines.warehouse import Warehouse


@functools.cache
def _written() -> tuple[str, Path]:
    base = Path(tempfile.mkdtemp(prefix="wb-refsnap-"))
    atexit.register(shutil.rmtree, base, True)
    fingerprint = save_snapshot(Warehouse(base), default_reference())
    return fingerprint, snapshot_dir(Warehouse(base), fingerprint)


def with_reference_snapshot(warehouse_dir: Path) -> Path:
    """``warehouse_dir`` (new, or without the snapshot) holding a copy of the default reference's snapshot."""
    fingerprint, folder = _written()
    shutil.copytree(folder, snapshot_dir(Warehouse(warehouse_dir), fingerprint), dirs_exist_ok=True)
    return warehouse_dir
