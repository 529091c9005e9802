"""A name the cleaning leaves empty is quarantined with why (pipelines/ingest/stage.py, _name_check): 'missing' only
where nothing was written. A SQLite INTEGER in the name column, or '12345' / '???' typed there, was quarantined as
'head_name: missing' (or full_name), so the official looking at the row was told the name was left blank while the
source holds something there. Found by HQ9's new-user pass (a SQLite extract with a number in its name column)."""

from __future__ import annotations

import sqlite3

from pipelines.ingest.stage import NOT_A_NAME
from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _csv, _ingest, _quarantined


def test_a_name_of_digits_or_punctuation_is_not_called_missing(tmp_path):
    rows = [[*r[:2], name, *r[3:]] for r, name in zip(ROWS, ["12345", "???", ""], strict=True)]
    got = _ingest(tmp_path, "csv", "names.csv", _csv(rows).encode("utf-8"))
    assert got.state == "ok", got.cause
    reasons = _quarantined(got)
    assert reasons == {
        "1": f"head_name: {NOT_A_NAME}",
        "2": f"head_name: {NOT_A_NAME}",
        "3": "head_name: missing",
    }, reasons
    assert set(got.quarantine["field"]) == {"head_name"}


def test_a_sqlite_integer_in_the_name_column(tmp_path):
    path = tmp_path / "hh.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(f"create table households ({', '.join(HEADER)})")
        rows = [[int(r[0]), r[1], 12345 if r[0] == "2" else r[2], *r[3:]] for r in ROWS]
        con.executemany(f"insert into households values ({', '.join('?' * len(HEADER))})", rows)
    got = _ingest(tmp_path, "sqlite", "hh.sqlite", path.read_bytes())
    assert got.state == "ok", got.cause
    assert _quarantined(got) == {"2": f"head_name: {NOT_A_NAME}"}
    assert not [v for v in PERSONAL if v in NOT_A_NAME]
