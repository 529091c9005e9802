"""A dBase table's memo file (.fpt / .dbt) rewritten while the table is read fails the partition as the table itself
would (transient, the earlier load kept): before, only the table's size and time were compared, so memo texts of one
copy were staged with the records of another."""

from __future__ import annotations

import logging
import os

import assets.ingest as ingest
from assets.ingest import CHANGED_WHILE_READ, IngestOutcome, extract_signature, ingest_partition
from pipelines.ingest.status import read_status
from pipelines.warehouse import Warehouse
from tests.test_dbf import REGISTRY, extract_of
from tests.test_dbf_memo import NOTES, _fpt, _table

KEY = "hk@2025-08-31"


def _memo_table(tmp_path):  # noqa: ANN001, ANN202
    _table(tmp_path / "hk.dbf", 0xF5, ["8", "9", "", ""])
    (tmp_path / "HK.FPT").write_bytes(_fpt([t.encode() for t in NOTES]))  # capitals, as old DOS systems wrote
    return extract_of(tmp_path, "hk.dbf", 'key_column = "STT"\n')


def test_the_signature_holds_the_memo_file_whatever_its_case(tmp_path):
    extract = _memo_table(tmp_path)
    before = extract_signature(extract.file)
    assert [name for name, *_ in before] == ["hk.dbf", "HK.FPT"]
    memo = tmp_path / "HK.FPT"
    os.utime(memo, ns=(memo.stat().st_atime_ns, memo.stat().st_mtime_ns + 1_000_000_000))
    assert extract_signature(extract.file) != before
    csv = tmp_path / "hk.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    assert [name for name, *_ in extract_signature(csv)] == ["hk.csv"]  # only a dBase table has a memo


def test_a_memo_rewritten_while_the_table_is_read_fails_the_partition_and_keeps_the_earlier_load(tmp_path, monkeypatch):
    extract = _memo_table(tmp_path)
    wh = Warehouse(tmp_path / "wh")
    log = logging.getLogger("test")
    first = IngestOutcome()
    ingest_partition(wh, REGISTRY, KEY, extract, "r1", first, log)
    assert KEY in first.written and not first.failed, first.failed

    real_load_raw = ingest.load_raw

    def memo_rewritten(extract, run_id):  # noqa: ANN001, ANN202 - read, then the copy writes the memo again
        loaded = real_load_raw(extract, run_id)
        (tmp_path / "HK.FPT").write_bytes(_fpt([t.encode() for t in reversed(NOTES)]))
        return loaded

    monkeypatch.setattr(ingest, "load_raw", memo_rewritten)
    second = IngestOutcome()
    ingest_partition(wh, REGISTRY, KEY, extract, "r2", second, log)
    assert KEY not in second.written
    status = read_status(wh, REGISTRY)[KEY]
    assert status.state == "failed" and status.cause == CHANGED_WHILE_READ and status.run_id == "r2"
