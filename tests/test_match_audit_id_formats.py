"""Issue 14 §2: a mixed "Số CMND/CCCD" column is routed by the form of each value in every source format.

tests/test_row_contracts.py covers CSV, XLSX (text cells) and JSON lines; here the database formats a
catalogue also reads, a SQLite table and a PostgreSQL dump, with the IDs stored as text (audit, HW)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_row_contracts import MIXED_COLUMNS, MIXED_ROWS, _load, _person, _stage

EXPECTED = {
    "1": ("079080123456", None, None),  # a CCCD stays in personal_id
    "2": (None, "023456789", None),  # a CMND moves to old_id_number
    "3": ("0790801234", None, "wrong_length"),  # neither: stays, flagged
    "4": (None, None, None),
    "5": ("024999888", "023456789", "cmnd_in_personal_id"),  # a CMND that cannot move: flagged
    "6": (None, "023456789", None),  # the same CMND twice: kept once
    "7": ("079080111111", "025111222", None),  # each in the other's column: swapped
}


def _rows() -> list[list[str | None]]:
    return [[None if v == "" else v for v in [*_person(k, cmnd=c), m]] for k, m, c in MIXED_ROWS]


def _sqlite(tmp_path) -> tuple[str, dict]:
    cols = list(MIXED_COLUMNS)
    with sqlite3.connect(tmp_path / "m.db") as conn:
        conn.execute(f"CREATE TABLE people ({', '.join(f'{c} TEXT' for c in cols)})")
        conn.executemany(f"INSERT INTO people VALUES ({','.join('?' * len(cols))})", _rows())
    return "m.db", {"table": "people"}


def _pg_dump(tmp_path) -> tuple[str, dict]:
    cols = list(MIXED_COLUMNS)
    body = ["\t".join("\\N" if v is None else v for v in r) for r in _rows()]
    dump = f"COPY public.people ({', '.join(cols)}) FROM stdin;\n" + "\n".join(body) + "\n\\.\n"
    (tmp_path / "m.sql").write_text(dump, encoding="utf-8")
    return "m.sql", {"table": "people"}


@pytest.mark.parametrize(("fmt", "write"), [("sqlite", _sqlite), ("pg_dump", _pg_dump)])
def test_a_mixed_id_column_in_a_database_source_is_routed_and_flagged(tmp_path, fmt, write):
    path, extra = write(tmp_path)
    result = _stage(_load(tmp_path, "population", fmt, path, MIXED_COLUMNS, key_column="ma", **extra))
    assert result.quarantine.height == 0
    staged = {r["source_key"]: r for r in result.staged.to_dicts()}
    got = {k: (staged[k]["personal_id"], staged[k]["old_id_number"], staged[k]["id_flags"]) for k in EXPECTED}
    assert got == EXPECTED
    assert all(staged[k]["old_id_flags"] is None for k in EXPECTED)
    issues = " ".join(staged[k]["issues"] or "" for k in EXPECTED)
    assert not any(v and v in issues for _, v, _ in MIXED_ROWS)  # no ID quoted in a reason
