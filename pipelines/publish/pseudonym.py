"""Keyed pseudonyms for entity ids: HMAC-SHA256(key, "<kind>:<entity_id>"), first 32 hex digits.

The key comes from ``$WARDBRIDGE_PSEUDONYM_KEY``. Without it a clearly labelled development
key is used and a warning is issued: pseudonyms made with it can be recomputed by anyone
who has this source code, so never publish marts built with it outside a test machine.

Rotation: changing the key changes every pseudonym. Set the new key, republish all marts
(and exports that carry pseudonyms) in one go, and withdraw the old files: keys made with
the old and the new key cannot be joined. ``restricted.pseudonyms`` maps entity ids to the
current pseudonyms for authorised re-identification; ``key_fingerprint`` tells whether two
publications used the same key without revealing it.

Computed in DuckDB (sha256 over BLOBs), vectorised: no Python per row.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import warnings

import duckdb
import polars as pl

KEY_ENV = "WARDBRIDGE_PSEUDONYM_KEY"
DEV_KEY = "wardbridge-DEVELOPMENT-ONLY-pseudonym-key-NOT-SECRET"
PSEUDONYM_HEX = 32
MIN_KEY_BYTES = 16  # marts and exports alike (a short key makes the pseudonyms guessable)
_BLOCK = 64  # SHA-256 block size in bytes


class DevelopmentKeyWarning(UserWarning):
    """The pseudonym key is the public development key."""


class WeakKeyError(ValueError):
    """``$WARDBRIDGE_PSEUDONYM_KEY`` is set but shorter than ``MIN_KEY_BYTES`` (the message never holds it)."""


def checked_key(value: str) -> bytes:
    """``value`` as the key's bytes; :class:`WeakKeyError` when shorter than ``MIN_KEY_BYTES``."""
    key = value.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise WeakKeyError(
            f"${KEY_ENV} is shorter than {MIN_KEY_BYTES} bytes: set it to at least {MIN_KEY_BYTES} random bytes "
            "(e.g. `openssl rand -hex 32`) before publishing marts or exports"
        )
    return key


def pseudonym_key() -> bytes:
    """``$WARDBRIDGE_PSEUDONYM_KEY`` as bytes (at least ``MIN_KEY_BYTES``, else :class:`WeakKeyError`),
    or the development key (with a warning) when it is not set."""
    value = os.environ.get(KEY_ENV, "")
    if value.strip():
        return checked_key(value)
    warnings.warn(
        f"{KEY_ENV} is not set: pseudonyms use the public DEVELOPMENT key and can be reversed by anyone with the "
        "code; set the variable before publishing marts for real use",
        DevelopmentKeyWarning,
        stacklevel=2,
    )
    return DEV_KEY.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """A short id of the key (HMAC of a constant): equal fingerprints mean equal keys."""
    return hmac.new(key, b"wardbridge key fingerprint", hashlib.sha256).hexdigest()[:12]


def pseudonym(key: bytes, kind: str, entity_id: str) -> str:
    """One pseudonym, in Python (the reference implementation the vectorised one is tested against)."""
    return hmac.new(key, f"{kind}:{entity_id}".encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def pseudonymise(ids: pl.Series, kind: str, key: bytes) -> pl.Series:
    """HMAC-SHA256 pseudonyms of ``ids`` (same order, nulls stay null), computed in DuckDB."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(_BLOCK, b"\0")
    ipad = bytes(b ^ 0x36 for b in padded)
    opad = bytes(b ^ 0x5C for b in padded)
    frame = pl.DataFrame({"id": ids.cast(pl.String)})
    # one thread: the same work for less CPU (the marts run this beside other work); the pads are BLOB
    # parameters (an unhex('...') literal was evaluated per row: 4x the CPU at 100k ids)
    with duckdb.connect(config={"threads": 1}) as con:
        # a projection keeps the rows' order (DuckDB's preserve_insertion_order, on by default; set
        # here so that a changed default cannot reorder): no ORDER BY over a row index
        con.execute("SET preserve_insertion_order = true")
        con.register("ids", frame.to_arrow())
        out = con.execute(
            "SELECT CASE WHEN id IS NULL THEN NULL ELSE "
            f"left(sha256($opad || unhex(sha256($ipad || encode($prefix || id)))), {PSEUDONYM_HEX}) END AS p FROM ids",
            {"opad": opad, "ipad": ipad, "prefix": f"{kind}:"},
        ).pl()
    return out["p"].rename(ids.name)


def pseudonymise_rows(values: pl.Series, selected: pl.Series | None, kind: str, key: bytes) -> pl.Series:
    """``values`` (strings) with the pseudonym in place of each non-null value on the ``selected`` rows (every
    row when ``selected`` is None); the other rows keep their value, in clear. Each distinct value of the
    selected rows is hashed once (:func:`pseudonymise`) and the pseudonyms joined back by value, so a value
    repeated on many rows, or rows the selection leaves in clear, cost no HMAC."""
    values = values.cast(pl.String)
    keep = None if selected is None else selected.fill_null(False)
    table = pseudonym_table(values if keep is None else values.filter(keep), kind, key)
    if table.is_empty():  # nothing to hide: every selected value is null (or no row is selected)
        return values
    # a value missing from the table (null, or only on rows not selected) maps to null
    mapped = values.replace_strict(table["value"], table["pseudonym"], default=None, return_dtype=pl.String)
    if keep is None:
        return mapped.rename(values.name)
    return pl.select(pl.when(keep).then(mapped).otherwise(values)).to_series().rename(values.name)


def pseudonym_table(values: pl.Series, kind: str, key: bytes) -> pl.DataFrame:
    """(value, pseudonym) of each distinct non-null value of ``values`` (strings), each hashed once
    (:func:`pseudonymise`), sorted by value: a lookup that fields sharing ``kind`` join on (one value, one pseudonym
    wherever it stands; sorted: the same DuckDB input whatever the row order)."""
    distinct = values.cast(pl.String).drop_nulls().unique().sort().rename("value")
    hashed = pseudonymise(distinct, kind, key) if len(distinct) else distinct  # (nothing to hash: no HMAC call)
    return pl.DataFrame({"value": distinct, "pseudonym": hashed.rename("pseudonym")})
