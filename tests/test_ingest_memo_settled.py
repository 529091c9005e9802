"""A dBase table's memo file (.fpt / .dbt) still being copied holds the table as the table itself would: a scheduled
run waits for it (``wait_until_settled``) and the landing sensor holds the table, both on the table's
``extract_signature`` (table and memo). Before, both looked at the table file alone: a table copied a minute ago
whose memo was being written just now was read at once (the read then failed as changed while read, or staged the
memo's half), and a memo file delivered again alone was 'no catalogue source matches' and ran nothing."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path

import dagster as dg

import assets.ingest as ingest
from assets.ingest import CATALOGUE_ENV, IngestOutcome, ingest_partition
from assets.sensors import LANDING_ENV
from pipelines.warehouse import Warehouse
from tests.sensorhelpers import sensor_tick
from tests.test_dbf import COLUMNS, REGISTRY, extract_of
from tests.test_dbf_memo import NOTES, _fpt, _table

KEY = "hk_dbf@2025-08-31"
MEMO = _fpt([t.encode() for t in NOTES])


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def _memo_table(folder: Path) -> None:
    """hk.dbf copied a minute ago, its memo file HK.FPT (capitals, as old DOS systems wrote) written just now."""
    _table(folder / "hk.dbf", 0xF5, ["8", "9", "", ""])
    _age(folder / "hk.dbf", 60)
    (folder / "HK.FPT").write_bytes(MEMO)


def _later(seconds: float, action) -> threading.Thread:  # noqa: ANN001 - a callable
    """Run ``action`` in ``seconds`` (the copy of the memo file going on meanwhile)."""
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()))
    thread.start()
    return thread


def test_the_wait_lasts_until_the_memo_file_is_left_unchanged_too(tmp_path, caplog):
    _memo_table(tmp_path)
    log = logging.getLogger("memo_settle")
    touched = _later(0.6, lambda: os.utime(tmp_path / "HK.FPT", None))  # the copy writes the memo again
    with caplog.at_level(logging.INFO, logger="memo_settle"):
        started = time.monotonic()
        ingest.wait_until_settled(tmp_path / "hk.dbf", 1.0, log, max_wait=8.0)
        waited = time.monotonic() - started
    touched.join()
    assert 1.5 <= waited < 5, waited  # before: 0 s, the table was a minute old
    assert re.search(
        r"hk\.dbf's memo file HK\.FPT was modified 0 s ago: waiting until it is left unchanged for 1 s", caplog.text
    )
    _age(tmp_path / "HK.FPT", 60)  # both left alone for a minute: read at once
    started = time.monotonic()
    ingest.wait_until_settled(tmp_path / "hk.dbf", 30, log)
    assert time.monotonic() - started < 0.5


def test_a_scheduled_read_waits_for_the_memo_file_being_copied_and_reads_it_whole(tmp_path, monkeypatch):
    _table(tmp_path / "hk.dbf", 0xF5, ["8", "9", "", ""])
    _age(tmp_path / "hk.dbf", 60)
    (tmp_path / "HK.FPT").write_bytes(MEMO[:520])  # the copy has written the header and 8 bytes so far
    extract = extract_of(tmp_path, "hk.dbf")
    read = []
    real_load_raw = ingest.load_raw

    def spy(extract, run_id):  # noqa: ANN001, ANN202 - the memo file's bytes when the table is read
        read.append((tmp_path / "HK.FPT").read_bytes())
        return real_load_raw(extract, run_id)

    monkeypatch.setattr(ingest, "load_raw", spy)
    copied = _later(0.5, lambda: (tmp_path / "HK.FPT").write_bytes(MEMO))  # the copy ends
    outcome = IngestOutcome()
    ingest_partition(Warehouse(tmp_path / "wh"), REGISTRY, KEY, extract, "r1", outcome, logging.getLogger("t"), 1.0)
    copied.join()
    assert read == [MEMO]  # before: read at once, the memo's first 520 bytes
    assert KEY in outcome.written and not outcome.failed, outcome.failed


def _landing(tmp_path: Path, monkeypatch) -> Path:  # noqa: ANN001
    landing = tmp_path / "landing"
    landing.mkdir()
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        f'base_dir = "{landing.as_posix()}"\n[[source]]\nid = "hk_dbf"\nregistry = "{REGISTRY}"\nformat = "dbf"\n'
        'path = "hk.dbf"\nextract_date = "2025-08-31"\nkey_column = "STT"\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    monkeypatch.setenv(LANDING_ENV, str(landing))
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    return landing


def test_the_landing_sensor_holds_a_table_whose_memo_file_is_still_being_copied(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    _memo_table(landing)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance, settle="30")
        assert not first.run_requests  # before: hk.dbf, a minute old, was registered and run
        assert instance.get_dynamic_partitions(f"{REGISTRY}_extracts") == []
        reason = first.skip_reason.skip_message
        assert re.search(r"hk\.dbf's memo file HK\.FPT is still being written \(modified \d s ago\)", reason)
        assert "no catalogue source matches" not in reason

        _age(landing / "HK.FPT", 31)  # the copy ended 31 s ago
        second = sensor_tick(instance, first.cursor, settle="30")
        assert [r.partition_key for r in second.run_requests] == [KEY]
        assert not sensor_tick(instance, second.cursor, settle="30").run_requests  # read once


def test_a_memo_file_delivered_again_alone_runs_its_tables_partition(tmp_path, monkeypatch):
    landing = _landing(tmp_path, monkeypatch)
    _memo_table(landing)
    _age(landing / "HK.FPT", 60)
    with dg.instance_for_test() as instance:
        first = sensor_tick(instance, settle="30")
        assert [r.partition_key for r in first.run_requests] == [KEY]

        (landing / "HK.FPT").write_bytes(_fpt([t.encode() for t in reversed(NOTES)]))  # corrected texts, same size
        writing = sensor_tick(instance, first.cursor, settle="30")
        assert not writing.run_requests and "HK.FPT is still being written" in writing.skip_reason.skip_message

        _age(landing / "HK.FPT", 60)
        again = sensor_tick(instance, writing.cursor, settle="30")
        # before: nothing run, 'no catalogue source matches ['HK.FPT']'
        assert [r.partition_key for r in again.run_requests] == [KEY]
        assert again.run_requests[0].run_key != first.run_requests[0].run_key  # not a run key Dagster has seen
