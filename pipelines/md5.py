"""MD5 hex digests of text, stable across library versions (Polars' own hash is not): the ids and keys that must read
the same on every run (entity ids, review item ids and question keys, content keys of row-numbered sources)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

SMALL_HASH = 400_000  # fewer values are hashed in Python: as fast as DuckDB up to here, and no connection to open


def md5_hex(values: pl.Series, head: str = "", length: int = 32, threads: int | None = None) -> pl.Series:
    """Per value, in order: ``head`` + the first ``length`` hex digits of the MD5 of its UTF-8 text (``threads``:
    DuckDB's, where it hashes; None: its default, every core). Values must not be null."""
    text = values.cast(pl.String)
    if text.null_count():
        raise ValueError(f"md5_hex: {text.null_count()} null values (say what a missing value hashes as)")
    if len(text) < SMALL_HASH:
        return pl.Series([head + hashlib.md5(v.encode()).hexdigest()[:length] for v in text], dtype=pl.String)
    # The values go to DuckDB as a Parquet file: a frame handed over in memory is read through pyarrow.dataset, whose
    # first use imports pandas (1.5-2.5 CPU s in a run, for 0.3 s of hashing 1.2M values). The digests come back as an
    # Arrow table (DuckDB's result handed over in memory imports no pandas; a Parquet file written and read back cost
    # ~0.04 CPU s more) of 64-bit numbers, written as hex digits here: DuckDB's md5 text, cut and headed, cost 0.32
    # CPU s for 1.19M ids against 0.17 for the numbers, and the digits and head made in numpy 0.05 (no query
    # parameter either: one makes DuckDB's Python client import pandas the first time, 0.17-0.27 CPU s)
    length = max(0, min(length, 32))
    halves = ["(m & 18446744073709551615)::UBIGINT", "(m >> 64)::UBIGINT"][: max(1, (length + 15) // 16)]
    config = {"threads": threads} if threads else {}
    with tempfile.TemporaryDirectory(prefix="wardbridge-md5-") as folder, duckdb.connect(config=config) as con:
        given = Path(folder) / "values.parquet"
        source = str(given).replace("'", "''")  # (a SQL string literal: a quote doubled)
        pl.DataFrame({"f": text}).write_parquet(given, compression="uncompressed")
        out = pl.from_arrow(
            con.execute(
                f"SELECT n, {', '.join(f'{h} AS d{i}' for i, h in enumerate(halves))} FROM (SELECT file_row_number AS n,"
                f" md5_number(f) AS m FROM read_parquet('{source}', file_row_number = true))"
            ).to_arrow_table()
        )
    if out.height != len(text):
        raise RuntimeError("DuckDB returned a different number of MD5 hashes")
    if not out["n"].is_sorted():  # DuckDB keeps the rows' order (preserve_insertion_order): checked, not assumed
        out = out.sort("n")
    hashes = _hex_text(out.drop("n"), head, length)
    if len(text) and hashes[0] != head + hashlib.md5(text[0].encode()).hexdigest()[:length]:
        raise RuntimeError("DuckDB's md5_number no longer holds the digest's bytes in memory order")
    return hashes


# each byte's two hex digits, as the uint16 whose bytes in memory they are
_HEX = np.frombuffer("".join(f"{b:02x}" for b in range(256)).encode(), dtype=np.uint16)


def _hex_text(halves: pl.DataFrame, head: str, length: int) -> pl.Series:
    """``head`` + the first ``length`` hex digits of each row's digest, given as UInt64 halves (``d0``: its first 8
    bytes, ``d1``: the next 8, each as DuckDB's md5_number holds them: a number whose bytes in memory are the digest's),
    built as rows of bytes of one width."""
    lead = np.frombuffer(head.encode(), dtype=np.uint8)
    digest = halves.to_numpy(order="c")  # (rows, halves) UInt64, a row's halves side by side
    rows = np.empty((halves.height, len(lead) + length), dtype=np.uint8)
    rows[:, : len(lead)] = lead
    rows[:, len(lead) :] = _HEX[digest.view(np.uint8)].view(np.uint8)[:, :length]
    # one Arrow array over the rows' bytes, each row a value (numpy's fixed-width bytes to Polars cost 0.048 CPU s
    # for 1.19M ids, this 0.005 with the check that the text is UTF-8)
    ends = np.arange(halves.height + 1, dtype=np.int64) * rows.shape[1]
    binary = pa.Array.from_buffers(pa.large_binary(), halves.height, [None, pa.py_buffer(ends), pa.py_buffer(rows)])
    return pl.from_arrow(binary).cast(pl.String)
