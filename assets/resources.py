"""Resources shared by wardbridge assets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.warehouse import WAREHOUSE_ENV, Warehouse, default_warehouse_dir, run_lock, run_lock_held_here

# Concurrency pool of every asset that writes the warehouse (DuckDB: one writer per file). The instance
# gives it one slot (dagster.yaml, docs/production-dagster.yaml): no two runs write the warehouse at once.
WAREHOUSE_POOL = "wardbridge_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """Where published tables go: ``<path>/wardbridge.duckdb`` and ``<path>/parquet/<schema>/``.

    While a step (or an in-process run's steps) uses it, it holds the warehouse's run lock shared
    (pipelines/warehouse.py ``run_lock``): a ``wardbridge run``, which holds it exclusively for all its jobs, is
    waited for (a log line names it), so no run the daemon launches works beside it; ``wardbridge run``'s own steps
    (``$WARDBRIDGE_RUN_LOCK_HELD``) take nothing."""

    path: str | None = Field(
        default=None,
        description=f"Warehouse directory. Empty: ${WAREHOUSE_ENV} if set, else warehouse/ under the repository root.",
    )

    def get(self) -> Warehouse:
        if self.path:
            return Warehouse(Path(self.path).expanduser().resolve())
        return Warehouse(default_warehouse_dir())

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        root = self.get().root
        if run_lock_held_here(root):  # `wardbridge run`'s own step: its run holds the lock exclusively
            with super().yield_for_execution(context) as resource:
                yield resource
            return
        note = context.log.warning if context.log is not None else None
        with run_lock(root, shared=True, note=note), super().yield_for_execution(context) as resource:
            yield resource
