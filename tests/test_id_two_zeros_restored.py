"""A CCCD of provinces 001-009 (Hà Nội 001, Hà Giang 002, ...) in a number cell lost two leading zeros: 12 digits
'001090123456' are stored as 1090123456. Staging put one zero back only (11 digits), so such a person's ID from an
XLSX number cell or a SQLite INTEGER column was staged as the 10-digit '1090123456', flagged wrong_length, kept out
of matching and queued as an invalid ID (HQ9's new-user pass: the bundled sample's own '002096309486' in a
SQLite INTEGER column). Now both zeros are put back where the reader knows the cell was a number and '00' in front
makes a province code with a century digit 0-3 after it (pipelines/standardise.py, _restore_leading_zero)."""

from __future__ import annotations

import sqlite3

import polars as pl

from pipelines import standardise as std
from tests.test_bad_inputs import HEADER, ROWS, _ingest


def test_two_zeros_put_back_only_from_a_number_cell_and_a_province_code():
    ids = pl.Series(["1090123456", "2096309486", "1090123456", "2496309486", "5096309486", "0790801234"])
    numeric = pl.Series([True, True, False, True, True, True])
    got = std.check_personal_id(ids, numeric=numeric).select("personal_id", "id_flags").rows()
    assert got == [
        ("001090123456", ["leading_zero_restored"]),  # Hà Nội, born 1909: both zeros back
        ("002096309486", ["leading_zero_restored"]),
        ("1090123456", ["wrong_length"]),  # text: as written
        ("2496309486", ["wrong_length"]),  # century digit 4: no CCCD
        ("5096309486", ["wrong_length"]),  # 005 is no province code
        ("0790801234", ["wrong_length"]),  # 10 digits with a zero written: no number lost it
    ]


def test_a_sqlite_integer_cccd_of_ha_noi_is_staged_whole(tmp_path):
    path = tmp_path / "hh.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(
            f"create table households ({', '.join(h + (' INTEGER' if h == 'cccd_chu_ho' else '') for h in HEADER)})"
        )
        rows = [[int(r[0]), r[1], r[2], "001085001234" if r[0] == "1" else r[3], *r[4:]] for r in ROWS]
        con.executemany(f"insert into households values ({', '.join('?' * len(HEADER))})", rows)
    got = _ingest(tmp_path, "sqlite", "hh.sqlite", path.read_bytes())
    assert got.state == "ok", got.cause
    staged = {r["source_key"]: r for r in got.staged.iter_rows(named=True)}
    assert staged["1"]["head_personal_id"] == "001085001234", staged["1"]
    assert staged["2"]["head_personal_id"] == "079190004321"  # one zero, as before
