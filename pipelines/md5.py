"""MD5 hex digests of text, stable across library versions (Polars' own hash is not): the ids and keys that must read
the same on every run (entity ids, review item ids and question keys, content keys of row-numbered sources)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import duckdb
import polars as pl

# fewer values are hashed in Python (no connection to open). DuckDB (one thread) took 0.12 s wall for 200,000 ids,
# 0.16 for 309,092 (hashlib 0.29, 0.41; a Python thread holding the GIL beside: 0.22, 0.29 against 0.61, 0.88); a
# process's first DuckDB query ~0.15 s more: 200,000 about even then
SMALL_HASH = 200_000


def md5_hex(
    values: pl.Series,
    head: str = "",
    length: int = 32,
    threads: int | None = None,
    in_python_under: int | None = None,
) -> pl.Series:
    """Per value, in order: ``head`` + the first ``length`` hex digits of the MD5 of its UTF-8 text (``threads``:
    DuckDB's, where it hashes; None: its default, every core). Values must not be null. Fewer than
    ``in_python_under`` values (None: SMALL_HASH) are hashed in Python (holding the GIL throughout), more by DuckDB
    (not holding it)."""
    text = values.cast(pl.String)
    if text.null_count():
        raise ValueError(f"md5_hex: {text.null_count()} null values (say what a missing value hashes as)")
    if len(text) < (SMALL_HASH if in_python_under is None else in_python_under):
        return pl.Series([head + hashlib.md5(v.encode()).hexdigest()[:length] for v in text], dtype=pl.String)
    # The values go to DuckDB as a Parquet file: a frame handed over in memory is read through pyarrow.dataset, whose
    # first use imports pandas (1.5-2.5 CPU s in a run, for 0.3 s of hashing 1.2M values). The hashes come back as an
    # Arrow table (DuckDB's result handed over in memory imports no pandas; a Parquet file written and read back cost
    # ~0.04 CPU s more: 0.35-0.36 CPU s in all at 1M)
    config = {"threads": threads} if threads else {}
    with tempfile.TemporaryDirectory(prefix="wardbridge-md5-") as folder, duckdb.connect(config=config) as con:
        given = Path(folder) / "values.parquet"
        # SQL string literals (a quote doubled), ``head`` too: a query parameter makes DuckDB's Python client import
        # pandas the first time (0.17-0.27 CPU s holding the GIL, once per process). The head is put before the
        # hash by DuckDB: Polars' concatenation of 1.19M ids cost 0.045 CPU s, the whole 0.42 -> 0.37 CPU s at 1M.
        source, lead = (str(p).replace("'", "''") for p in (given, head))
        pl.DataFrame({"f": text}).write_parquet(given, compression="uncompressed")
        out = pl.from_arrow(
            con.execute(
                f"SELECT file_row_number AS n, '{lead}' || substr(md5(f), 1, {int(length)}) AS h FROM read_parquet("
                f"'{source}', file_row_number = true)"
            ).to_arrow_table()
        )
    if out.height != len(text):
        raise RuntimeError("DuckDB returned a different number of MD5 hashes")
    if not out["n"].is_sorted():  # DuckDB keeps the rows' order (preserve_insertion_order): checked, not assumed
        out = out.sort("n")
    return out["h"]
