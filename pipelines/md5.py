"""MD5 hex digests of text, stable across library versions (Polars' own hash is not): the ids and keys that must read
the same on every run (entity ids, review item ids and question keys, content keys of row-numbered sources)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

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
    with tempfile.TemporaryDirectory(prefix="wardbridge-md5-") as folder, _connection(threads) as con:
        given = Path(folder) / "values.parquet"
        # (a file path as an SQL string literal, its quotes doubled: a query parameter makes DuckDB's Python client
        # import pandas the first time, 0.17-0.27 CPU s holding the GIL, once per process)
        source = str(given).replace("'", "''")
        pl.DataFrame({"f": text}).write_parquet(given, compression="uncompressed")
        # The digest as numbers (``md5_number``: its 16 bytes read as one little-endian 128-bit number), its first 8
        # bytes and, where more than 16 hex digits are asked for, its last 8, each a UBIGINT; written as hex below (in
        # numpy). DuckDB's own hex text, its head put before it and cut to length there, cost twice as much (85,477
        # taxpayers' record ids: 22.8 -> 11.8 ms, one thread). (``md5_number_upper``/``_lower`` hash twice, slowly.)
        halves = ["(h & 18446744073709551615::UHUGEINT)::UBIGINT AS a"] + (["(h >> 64)::UBIGINT AS b"] * (length > 16))
        out = pl.from_arrow(
            con.execute(
                f"SELECT n, {', '.join(halves)} FROM (SELECT file_row_number AS n, md5_number(f) AS h FROM "
                f"read_parquet('{source}', file_row_number = true))"
            ).to_arrow_table()
        )
    if out.height != len(text):
        raise RuntimeError("DuckDB returned a different number of MD5 hashes")
    if not out["n"].is_sorted():  # DuckDB keeps the rows' order (preserve_insertion_order): checked, not assumed
        out = out.sort("n")
    return _hex_text([out[c].to_numpy() for c in out.columns[1:]], head, length)


# one in-memory database of one thread per process, a cursor of it per call: opening and closing a database cost 8.7 ms
# CPU a call (7.1 + 1.6: a fifth of the 85,477 taxpayers' founder hashes, on the core that runs beside the guard and
# the pair table), a cursor nothing. One thread only: such a database starts no worker threads of its own, so a forked
# process (which finds it under its parent's id and opens its own) holds no threads it lacks. It holds no table (each
# query reads its own Parquet file); its allocator keeps some memory between calls (1.2M ids hashed six times: the
# process's resident size 303-327 MiB after each call with a database each, 320-354 with this one; peak 392 -> 402)
_SHARED: dict[int, duckdb.DuckDBPyConnection] = {}
_SHARED_LOCK = threading.Lock()


def _connection(threads: int | None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection of ``threads`` threads (None: its default, every core) to close after use: a cursor of the
    process's shared one-thread database for one thread, else a database of its own."""
    if threads != 1:
        return duckdb.connect(config={"threads": threads} if threads else {})
    with _SHARED_LOCK:
        shared = _SHARED.get(os.getpid())
        if shared is None:
            shared = _SHARED[os.getpid()] = duckdb.connect(config={"threads": 1})
    return shared.cursor()


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# per byte, its two hex digits as one little-endian uint16 (the first digit in its low byte): a digest's bytes looked
# up once (two lookups of its halves and two strided writes cost three times as much)
_HEX_PAIRS = (_HEX[np.arange(256) >> 4].astype(np.uint16) | (_HEX[np.arange(256) & 15].astype(np.uint16) << 8)).astype(
    "<u2"
)


def _hex_text(words: list[np.ndarray], head: str, length: int) -> pl.Series:
    """Per value, ``head`` + the first ``length`` hex digits of its digest, whose bytes are those of ``words`` (uint64
    each, little-endian: the digest's first 8 bytes, then its next 8) in order: every value of one width, written as
    one buffer of bytes and handed to Polars as Arrow text (no Python string per value)."""
    digest = np.stack(words, axis=1).astype("<u8", copy=False).view(np.uint8)  # (n, 8 per word)
    digits = _HEX_PAIRS[digest].view(np.uint8)  # (n, 2 per byte)
    length = min(max(length, 0), digits.shape[1])  # (as a text's slice: at most every digit)
    lead = np.frombuffer(head.encode(), dtype=np.uint8)
    width = len(lead) + length
    chars = np.empty((len(digest), width), dtype=np.uint8)
    chars[:, : len(lead)] = lead
    chars[:, len(lead) :] = digits[:, :length]
    offsets = np.arange(0, (len(digest) + 1) * width, width, dtype=np.int64)
    array = pa.LargeStringArray.from_buffers(len(digest), pa.py_buffer(offsets), pa.py_buffer(chars.reshape(-1)))
    # (handed over as a table: Polars' Series of a pyarrow array imports pyarrow.compute, 30-40 ms CPU the first time
    # in a process, a run's whole gain)
    return pl.from_arrow(pa.Table.from_arrays([array], names=["h"]))["h"]
