"""Test-only helpers for a SQL source (PostgreSQL, or a SQLite file): a catalogue of one households source on a
database table, and its ingest.

The URL keeps the ``${WB_PG_*}`` variables (``postgres_env``, set by the test) as a real catalogue does."""

from __future__ import annotations

import logging
from pathlib import Path

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import Extract, extracts_by_partition, load_catalogue
from pipelines.warehouse import Warehouse
from tests.test_bad_inputs import COLUMNS, REGISTRY

PG_URL = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"


def sql_source_extract(tmp_path: Path, table: str, url: str = PG_URL, sqlite: str | None = None) -> Extract:
    """The one extract of a catalogue holding one SQL source: test_bad_inputs' households columns, key ``stt``;
    ``sqlite``: a SQLite file under ``tmp_path`` instead of ``url``."""
    where = f'format = "sqlite"\npath = "{sqlite}"\n' if sqlite else f'format = "sql"\nurl = "{url}"\n'
    catalogue = tmp_path / "t.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "s"\nregistry = "{REGISTRY}"\n{where}'
        f'table = "{table}"\nkey_column = "stt"\nextract_date = "2025-08-31"\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return extract


def ingest_sql_table(
    tmp_path: Path, table: str, url: str = PG_URL, sqlite: str | None = None
) -> tuple[Warehouse, Extract, IngestOutcome]:
    """``sql_source_extract``'s extract ingested into a warehouse under ``tmp_path``."""
    extract = sql_source_extract(tmp_path, table, url, sqlite)
    wh, outcome = Warehouse(tmp_path / "wh"), IngestOutcome()
    ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r", outcome, logging.getLogger("test"))
    return wh, extract, outcome
