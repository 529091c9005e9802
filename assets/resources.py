"""Resources shared by wardbridge assets."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.warehouse import WAREHOUSE_ENV, Warehouse, default_warehouse_dir

# Concurrency pool of every asset that writes the warehouse (DuckDB: one writer per file). The instance
# gives it one slot (dagster.yaml, docs/production-dagster.yaml): no two runs write the warehouse at once.
WAREHOUSE_POOL = "wardbridge_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """Where published tables go: ``<path>/wardbridge.duckdb`` and ``<path>/parquet/<schema>/``."""

    path: str | None = Field(
        default=None,
        description=f"Warehouse directory. Empty: ${WAREHOUSE_ENV} if set, else warehouse/ under the repository root.",
    )

    def get(self) -> Warehouse:
        if self.path:
            return Warehouse(Path(self.path).expanduser().resolve())
        return Warehouse(default_warehouse_dir())
