"""A PostgreSQL ``bytea`` column holding text (an old system keeping its text as bytes, NUL-padded fixed-width fields,
or TCVN3/VNI/Windows-1258 a UTF-8 database would refuse as text) was cast to text by the reader, which PostgreSQL
writes as hex: the address '12 Lê Lợi...' was staged as '\\x3132204cc3aa...' and resolved nowhere, silently. Now a
bytea cell is read as UTF-8 (its NULs then taken out by staging and counted), else in the one legacy encoding that
reads it as clean Vietnamese (counted as a text repair), else kept as PostgreSQL's hex text (lossless), its row
quarantined with the reason and the cell counted, as a SQLite cell no encoding reads for certain is (before HQ17 that
hex was staged as the value with no flag: text in an encoding no reader tells apart passed as '\\x...')."""

from __future__ import annotations

import psycopg
import pytest

from pipelines.encodings import encode_vni
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer
from tests.pghelpers import PG_URL, ingest_sql_table, sql_source_extract
from tests.test_bad_inputs import COLUMNS, REGISTRY, ROWS

TABLE = "households_bytea"
ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"
JPEG = b"\xff\xd8\xff\xe0JFIF"


@pytest.fixture(scope="module")
def bytea_table(postgres_server):
    s = postgres_server
    with psycopg.connect(
        host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
    ) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        columns = ", ".join(f"{c} {'bytea' if c == 'dia_chi' else 'text'}" for c in ("stt", *COLUMNS))
        conn.execute(f"CREATE TABLE {TABLE} ({columns}, PRIMARY KEY (stt))")
        rows = [[*row[:4], row[4].encode(), *row[5:]] for row in ROWS]
        rows[0][4] += b"\x00\x00\x00"  # a fixed-width field's NUL padding
        rows += [
            ["5", "HK5", "Võ An", "079085001235", encode_vni(ADDRESS), "1", "01/02/2020"],
            ["6", "HK6", "Võ Bình", "079085001236", JPEG, "1", "01/02/2020"],
            ["7", "HK7", "Võ Cường", "079085001237", None, "1", "01/02/2020"],
        ]
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)
    return TABLE


def test_bytea_text_is_read_as_text(bytea_table, postgres_env, tmp_path, monkeypatch):
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    wh, extract, outcome = ingest_sql_table(tmp_path, bytea_table)
    status = read_status(wh, REGISTRY)[extract.partition_key]
    assert status.state == "ok", status.cause
    assert (status.raw_rows, status.staged_rows, status.quarantined_rows) == (6, 4, 2)  # 6: not text, 7: no address
    key = extract.partition_key
    staged = {
        r["source_key"]: r for r in PartitionedLayer(wh, "staged").read(f"staged_{REGISTRY}", key).iter_rows(named=True)
    }
    assert staged["1"]["address"] == ROWS[0][4]  # was '\x3132204cc3aa...'
    assert staged["2"]["address"] == ROWS[1][4] and staged["2"]["text_repairs"] is None
    assert staged["1"]["text_repairs"] == "address:nul_removed"
    assert staged["5"]["address"] == ADDRESS and staged["5"]["text_repairs"] == "address:vni"
    assert "6" not in staged  # was staged with address '\\xffd8ffe0...', no flag
    quarantine = {
        r["source_key"]: r
        for r in PartitionedLayer(wh, "quarantine").read(f"quarantine_{REGISTRY}", key).iter_rows(named=True)
    }
    assert set(quarantine) == {"6", "7"}
    assert quarantine["7"]["field"] == "address"
    reason = "row:5: column(s) dia_chi not valid UTF-8 text nor certainly a legacy encoding (bytes kept as hex, \\x...)"
    assert reason in quarantine["6"]["reason"], quarantine["6"]["reason"]  # the 5th row read (stt 6)
    assert "\\x" + JPEG.hex() in quarantine["6"]["raw_values"]  # the bytes kept, lossless
    assert outcome.repairs == {"address:nul_removed": 1, "address:vni": 1}
    assert any("undecodable cells (records quarantined): dia_chi 1" in note for note in outcome.notes), outcome.notes


def test_a_row_without_nul_has_no_empty_repair_note(tmp_path):
    """Staging's NUL notes were '' for rows without one, so a partition with a NUL in one row and another repair in
    another row gave that row text_repairs '; full_name:mojibake' (seen here as '; address:vni')."""
    from pipelines.encodings import make_mojibake
    from tests.test_row_contracts import POP_COLUMNS, _csv, _load, _person, _stage

    path = tmp_path / "p.csv"
    rows = [_person("1", name="Trần Thị\x00 Bình"), _person("2", name=make_mojibake("Nguyễn Văn An")), _person("3")]
    path.write_text(_csv(rows), encoding="utf-8")
    staged = _stage(_load(tmp_path, "population", "csv", path, POP_COLUMNS)).staged
    notes = dict(zip(staged["source_key"], staged["text_repairs"], strict=True))
    assert notes["1"] == "full_name:nul_removed"
    assert notes["2"] == "full_name:mojibake", notes["2"]  # was '; full_name:mojibake'
    assert notes["3"] is None


def test_a_connection_lost_mid_read_is_said_as_such(bytea_table, postgres_server, postgres_env, tmp_path, monkeypatch):
    """A connection the database drops while the extract streams (a server restart, pg_terminate_backend, a network
    cut) failed the partition as 'reading stopped: OperationalError', which does not say the connection went; now
    the cause says so, with the rows read before it (none written), and the failure stays transient (retried)."""
    from assets.ingest import is_transient
    from pipelines.ingest import readers
    from pipelines.ingest.raw import load_raw
    from pipelines.ingest.readers import SourceReadError

    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    extract = sql_source_extract(tmp_path, bytea_table, PG_URL + "?application_name=wb_cut_mid_read")
    s = postgres_server
    read = readers.read_extract

    def cut_after_first_batch(ex):  # the database drops the reader's connection after its first 2 rows
        result = read(ex, batch_rows=2)
        batches = result.batches

        def cut():
            for n, batch in enumerate(batches):
                yield batch
                if n == 0:
                    with psycopg.connect(
                        host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
                    ) as admin:
                        admin.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = 'wb_cut_mid_read'"
                        )

        result.batches = cut()
        return result

    monkeypatch.setattr("pipelines.ingest.raw.read_extract", cut_after_first_batch)
    with pytest.raises(SourceReadError) as caught:
        load_raw(extract, "r")
    message = str(caught.value)
    assert "reading stopped after 2 rows (none of this extract is written)" in message, message
    assert "the connection to the database was lost" in message, message  # was: 'reading stopped: OperationalError'
    assert is_transient(extract, caught.value)
