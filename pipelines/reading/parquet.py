"""A Parquet file read with its columns' own types."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from pipelines.reading.checks import without_nul_cells
from pipelines.reading.messages import header_looks_like_data
from pipelines.reading.tables import TableRead


def read_parquet(path: Path, option: str) -> TableRead:
    """A Parquet file as read_table gives it (its columns' own types; NULs taken out of its text)."""
    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(f"{path}: cannot read as parquet: {_parquet_problem(path, exc)}") from None
    if not frame.width:  # ('its columns are: ' and nothing after it)
        raise click.ClickException(f"{path}: the Parquet file has no columns")
    return without_nul_cells(TableRead(frame), path)


def _parquet_problem(path: Path, exc: Exception) -> str:
    """Why a Parquet file cannot be read, in words (was the bare type: 'DuplicateError', 'ComputeError'): a column
    named twice (the names from the file's schema), a file that is not Parquet or is cut off (its first and last
    bytes are 'PAR1'), else the error's type. Names only, never a value."""
    if isinstance(exc, pl.exceptions.DuplicateError):
        import pyarrow.parquet as pq

        try:
            names = pq.read_schema(path).names
        except Exception:  # noqa: BLE001 - the type alone then
            names = []
        twice = sorted({n for n in names if names.count(n) > 1})
        if header_looks_like_data(names):  # values, not names: none shown
            twice = []
        return (
            f"it names column{'s' if len(twice) > 1 else ''} {', '.join(map(repr, twice))} more than once"
            if twice
            else "it names a column more than once"
        )
    try:
        with path.open("rb") as f:
            head = f.read(4)
            f.seek(-4, 2)
            tail = f.read(4)
    except OSError:
        head = tail = b""
    if head != b"PAR1":
        return "not a Parquet file (it does not start as one)"
    if tail != b"PAR1":
        return "the file is cut off or damaged (it does not end as a Parquet file does)"
    return f"damaged ({type(exc).__name__})"
