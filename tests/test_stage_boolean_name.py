"""A boolean in a name's column (a JSON true/false, a SQLite BOOLEAN column's value, an XLSX TRUE/FALSE cell, a
PostgreSQL boolean: the readers write each as the text 'true' / 'false') is not a name. It was staged silently as
the name 'True' / 'False' (a household head, a person, a business, its owner, a taxpayer); now it is flagged with why
as a number in a name's column is (stage.NOT_A_NAME): a required name's row is quarantined, an optional name is
staged empty with the row's issues saying why. A digits-only owner name, which the cleaning left empty with no word,
is flagged so too. Every test here fails at 2c141e2."""

from __future__ import annotations

import json
import sqlite3

import polars as pl
import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import BOOLEAN_NAME, NOT_A_NAME, account, stage
from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _ingest, _quarantined


def test_a_json_true_or_false_as_a_household_head_is_quarantined_not_named_true(tmp_path):
    objects = [dict(zip(HEADER, r, strict=True)) for r in ROWS]
    objects[1]["ten_chu_ho"], objects[2]["ten_chu_ho"] = True, False
    data = "\n".join(json.dumps(o, ensure_ascii=False) for o in objects).encode("utf-8")
    got = _ingest(tmp_path, "jsonl", "hh.jsonl", data)
    assert got.state == "ok", got.cause
    assert _quarantined(got) == {"2": f"head_name: {BOOLEAN_NAME}", "3": f"head_name: {BOOLEAN_NAME}"}
    assert got.staged["head_name"].to_list() == ["Nguyễn Văn An"]


def test_a_sqlite_boolean_name_column(tmp_path):
    path = tmp_path / "hh.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(
            f"create table households ({', '.join(h + (' BOOLEAN' if h == 'ten_chu_ho' else '') for h in HEADER)})"
        )
        rows = [[int(r[0]), r[1], True if r[0] == "2" else r[2], *r[3:]] for r in ROWS]
        con.executemany(f"insert into households values ({', '.join('?' * len(HEADER))})", rows)
    got = _ingest(tmp_path, "sqlite", "hh.sqlite", path.read_bytes())
    assert got.state == "ok", got.cause
    assert _quarantined(got) == {"2": f"head_name: {BOOLEAN_NAME}"}
    assert not [v for v in PERSONAL if v in BOOLEAN_NAME]


def _raw(registry: str, n: int) -> pl.DataFrame:
    extract = next(e for e in extracts_by_partition(load_catalogue()).values() if e.source.registry == registry)
    return load_raw(extract, "test").frame.head(n)


def _reasons(frame: pl.DataFrame, result) -> list[str]:
    """Per row of ``frame``, its quarantine reason, else its issues ('' for none)."""
    out = dict(zip(result.staged["record_key"], result.staged["issues"].fill_null(""), strict=True))
    out.update(zip(result.quarantine["record_key"], result.quarantine["reason"], strict=True))
    return [out[k] for k in frame["record_key"]]


def test_a_person_named_true_is_quarantined():
    frame = _raw("population", 3).with_columns(pl.Series("full_name", ["TRUE", " false ", "Trúc"]))
    result = stage(frame, "population", day_first=True)
    assert account(frame, result)["balanced"]
    reasons = _reasons(frame, result)
    assert [f"full_name: {BOOLEAN_NAME}" in r for r in reasons] == [True, True, False]
    assert result.staged["full_name"].to_list() == ["Trúc"]


@pytest.mark.parametrize(
    ("registry", "field", "staged_field"),
    [("businesses", "owner_name", "owner_name"), ("tax", "taxpayer_name", "taxpayer_name")],
)
def test_an_optional_name_written_as_a_boolean_is_flagged_and_not_staged(registry, field, staged_field):
    frame = _raw(registry, 3)
    kept = frame[field][2]
    frame = frame.with_columns(pl.Series(field, ["true", "12345", kept]))
    result = stage(frame, registry, day_first=True)
    assert account(frame, result)["balanced"] and result.quarantine.height == 0
    reasons = _reasons(frame, result)
    assert f"{field}: {BOOLEAN_NAME}" in reasons[0]
    assert f"{field}: {NOT_A_NAME}" in reasons[1] if registry == "businesses" else field not in reasons[1]
    assert field not in reasons[2]
    staged = dict(zip(result.staged["record_key"], result.staged[staged_field], strict=True))
    assert staged[frame["record_key"][0]] is None
    assert staged[frame["record_key"][2]] is not None


def test_a_business_named_false_is_quarantined():
    frame = _raw("businesses", 2).with_columns(pl.Series("business_name", ["False", "Cửa hàng True Milk"]))
    result = stage(frame, "businesses", day_first=True)
    reasons = _reasons(frame, result)
    assert reasons[0] == f"business_name: {BOOLEAN_NAME}"
    assert result.staged["business_name"].to_list() == ["Cửa hàng True Milk"]
