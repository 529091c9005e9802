"""Stable review item ids and the urgency order of the queue kinds."""

from __future__ import annotations

import re

import polars as pl

from pipelines.md5 import md5_hex
from pipelines.schema import REVIEW_KINDS

PREFIX = {
    "quarantined_row": "qr",
    "unresolved_address": "ua",
    "split_unit": "su",
    "invalid_id": "ii",
    "match_pair": "mp",
    "unreadable_value": "uv",
}
KIND_OF_PREFIX = {v: k for k, v in PREFIX.items()}
URGENCY = {kind: i + 1 for i, kind in enumerate(REVIEW_KINDS)}
ITEM_ID_PATTERN = r"^(qr|ua|su|ii|mp|uv)-[0-9a-f]{16}$"


def md5_column(frame: pl.DataFrame, columns: list[str], separator: str = "|") -> pl.Series:
    """MD5 hex of the columns joined with `separator` (nulls as empty), row by row, stable across versions."""
    joined = frame.select(
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in columns], separator=separator).alias("s")
    )
    return md5_hex(joined["s"]).rename("md5")


def item_ids(frame: pl.DataFrame, kind: str, keys: list[str]) -> pl.Series:
    """'<prefix>-' + 16 hex digits of MD5('<kind>|key1|key2...'): the same keys give the same id on every run."""
    work = frame.select(pl.lit(kind).alias("_kind"), *[pl.col(k) for k in keys])
    return (PREFIX[kind] + "-" + md5_column(work, ["_kind", *keys]).str.slice(0, 16)).rename("item_id")


#: what an item of these kinds asks about its record, beside the record itself: the same source record (source id
#: and key) asking the same question in a newer extract is the same item, under the id it was first published with
QUESTION_VALUES = {
    "invalid_id": ("fields", "flags", "values"),  # the flagged ID fields, their problems (codes) and values
    "unresolved_address": ("address",),  # the address as the source wrote it
    "unreadable_value": ("fields", "values"),  # the unreadable fields and their values as the source wrote them
}


#: the text an ID flag code is hashed as in an invalid_id ``question_key``: the code itself, but for the codes whose
#: officials' wording was hashed before the keys took codes (session 51): their wording of then, FROZEN (editing it
#: gives every decided item of that flag a new key, reopened under a new id). The wording officials read is
#: queues.ID_FLAG_WORDING's, free to change.
QUESTION_FLAG_TEXT = {"invalid_tax_code": "invalid tax code (check digit or form)"}


def flag_text(flags: pl.Expr, texts: dict[str, str]) -> pl.Expr:
    """``flags`` ('<field>: <code>; <code>; <field>: <code>') with each whole code found in ``texts`` as its text."""
    for code, text in texts.items():
        flags = flags.str.replace_all(rf"\b{re.escape(code)}\b", text.replace("$", "$$"))
    return flags


def question_keys(frame: pl.DataFrame, kind: str) -> pl.Series:
    """``question_key`` of one-record items of ``kind`` (``QUESTION_VALUES``): MD5 hex of the kind, registry, source
    id, source key and the values the item asks about, row by row. A newer extract's version of the record with the
    same values asks the same question (a decision on it stands); another value is another question. An invalid_id's
    flags are its flag codes (as :data:`QUESTION_FLAG_TEXT` writes them), not the wording officials read: rewording a
    flag asks no new question."""
    values = list(QUESTION_VALUES[kind])
    work = frame.select(pl.lit(kind).alias("_kind"), "registry", "source_id", "source_key", *values)
    if "flags" in values:
        work = work.with_columns(flag_text(pl.col("flags"), QUESTION_FLAG_TEXT))
    return md5_column(work, ["_kind", "registry", "source_id", "source_key", *values]).rename("question_key")
