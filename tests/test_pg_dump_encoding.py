"""A plain pg_dump of a database whose encoding is WIN1258 (PostgreSQL's Windows-1258; pg_dump writes the database's
encoding and says so: ``SET client_encoding = 'WIN1258';``) failed its whole partition: the reader decoded every dump
as UTF-8, ignoring both the dump's own declaration and the catalogue's ``encoding = "cp1258"``, and the cause asked
'is the encoding right?' of a catalogue that had it right. Now the catalogue's encoding is used when it names one,
else the dump's client_encoding (WIN1258 -> cp1258), else UTF-8 as before."""

from __future__ import annotations

import pytest

from pipelines.encodings import encode_cp1258
from tests.test_bad_inputs import HEADER, ROWS, _dump, _ingest


def _win1258_dump(declared: str = "WIN1258") -> bytes:
    text = f"SET client_encoding = '{declared}';\n" + _dump("public.households", HEADER, ROWS)
    return encode_cp1258(text)


@pytest.mark.parametrize(
    ("client_encoding", "options"),
    [("WIN1258", ""), ("WIN1258", 'encoding = "cp1258"\n'), ("UTF8", 'encoding = "cp1258"\n')],
    ids=["dump-says-win1258", "both-say-cp1258", "catalogue-says-cp1258"],
)
def test_a_windows_1258_dump_is_read_in_its_encoding(tmp_path, client_encoding, options):
    got = _ingest(tmp_path, "pg_dump", "legacy.sql", _win1258_dump(client_encoding), options)
    assert got.state == "ok", got.cause
    assert got.raw.height == 3 and got.quarantine.height == 0
    assert sorted(got.staged["head_name"]) == sorted(r[2] for r in ROWS)
    assert sorted(got.staged["address"]) == sorted(r[4] for r in ROWS)


def test_a_utf8_dump_is_read_as_before(tmp_path):
    text = "SET client_encoding = 'UTF8';\n" + _dump("public.households", HEADER, ROWS)
    got = _ingest(tmp_path, "pg_dump", "utf8.sql", text.encode("utf-8"))
    assert got.state == "ok", got.cause
    assert sorted(got.staged["head_name"]) == sorted(r[2] for r in ROWS)
